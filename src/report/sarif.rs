use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{Cx, Summary};
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::rules::{self, REGISTRY};

const HELP_URI: &str = "https://github.com/flash-tickets/ftlint/blob/main/rules/";
const BASE: &str = "SRCROOT";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// RFC 3986 percent-encoding of a path: unreserved characters and `/` stay.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn region_json(cx: &Cx, span: crate::yaml::Span) -> Value {
    let r = cx.region(span);
    json!({
        "startLine": r.start.line, "startColumn": r.start.column_utf16,
        "endLine": r.end.line, "endColumn": r.end.column_utf16,
    })
}

fn artifact(cx: &Cx, span: crate::yaml::Span) -> Value {
    json!({"uri": encode_path(&cx.repo_path(span)), "uriBaseId": BASE})
}

fn location(cx: &Cx, span: crate::yaml::Span, message: Option<&str>) -> Value {
    let mut loc = json!({
        "physicalLocation": {"artifactLocation": artifact(cx, span), "region": region_json(cx, span)}
    });
    if let Some(m) = message {
        loc["message"] = json!({"text": m});
    }
    loc
}

fn fixes(cx: &Cx, d: &Diagnostic) -> Option<Value> {
    let fix = d.fix.as_ref()?;
    let mut changes: Vec<(crate::yaml::FileId, Vec<Value>)> = Vec::new();
    for e in &fix.edits {
        let replacement = json!({
            "deletedRegion": region_json(cx, e.span),
            "insertedContent": {"text": e.replacement},
        });
        match changes.iter_mut().find(|(f, _)| *f == e.span.file) {
            Some((_, list)) => list.push(replacement),
            None => changes.push((e.span.file, vec![replacement])),
        }
    }
    let safety = match fix.applicability {
        Applicability::Safe => "safe",
        Applicability::Unsafe => "unsafe",
    };
    Some(json!([{
        "description": {"text": format!("{} ({safety})", fix.message)},
        "artifactChanges": changes.iter().map(|(file, replacements)| {
            let span = crate::yaml::Span::new(*file, 0, 0);
            json!({"artifactLocation": artifact(cx, span), "replacements": replacements})
        }).collect::<Vec<_>>(),
    }]))
}

/// A fingerprint that survives edits elsewhere in the file: what the finding
/// says and the text it points at, never its line; identical findings in one
/// file are told apart by their order.
fn fingerprints(cx: &Cx, diags: &[Diagnostic]) -> Vec<String> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    diags
        .iter()
        .map(|d| {
            let file = cx.repo.sources.get(d.span.file);
            // A masked finding's text is the secret: leave it out of the hash input.
            let text = if d.mask_source {
                ""
            } else {
                file.text.get(d.span.range()).unwrap_or("").trim()
            };
            let path = cx.repo_path(d.span);
            let mut h = Sha256::new();
            let parts: [&str; 5] = [
                d.rule,
                path.as_str(),
                d.context.object.as_deref().unwrap_or(""),
                d.message.as_str(),
                text,
            ];
            for part in parts {
                h.update(part.as_bytes());
                h.update([0]);
            }
            let key: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
            let n = seen.entry(key.clone()).or_insert(0);
            *n += 1;
            format!("{}:{n}", &key[..32])
        })
        .collect()
}

fn rule_json(id: &str) -> Value {
    let r = rules::find(id).expect("registered rule");
    let m = r.meta();
    let short = rules::short_help(m.id).unwrap_or_else(|| m.summary.to_string());
    let mut rule = json!({
        "id": m.id,
        "name": m.id,
        "shortDescription": {"text": m.summary},
        "fullDescription": {"text": short.clone()},
        "help": {"text": short, "markdown": rules::doc(m.id).unwrap_or_else(|| m.summary.to_string())},
        "helpUri": format!("{HELP_URI}{}.md", m.id),
        "defaultConfiguration": {"level": level(m.severity), "enabled": m.enabled},
    });
    if let Some(score) = m.security_severity {
        // GitHub reads the score as a string holding a number.
        rule["properties"] =
            json!({"tags": ["security"], "security-severity": format!("{score:.1}")});
    }
    rule
}

/// SARIF 2.1.0, one run; columns in UTF-16 code units as the format requires;
/// URIs relative to `SRCROOT`, the repository root.
pub fn render(cx: &Cx, diags: &[Diagnostic], summary: &Summary) -> String {
    let rules_json: Vec<Value> = REGISTRY.iter().map(|r| rule_json(r.meta().id)).collect();
    let index_of = |id: &str| REGISTRY.iter().position(|r| r.meta().id == id);
    let prints = fingerprints(cx, diags);
    let results: Vec<Value> = diags
        .iter()
        .zip(prints)
        .map(|(d, print)| {
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str(&format!("\nhelp: {h}"));
            }
            let mut res = json!({
                "ruleId": d.rule,
                "level": level(d.severity),
                "message": {"text": text},
                "locations": [location(cx, d.span, None)],
                "partialFingerprints": {"ftlint/v1": print},
            });
            if let Some(i) = index_of(d.rule) {
                res["ruleIndex"] = json!(i);
            }
            if !d.related.is_empty() {
                res["relatedLocations"] = Value::Array(
                    d.related
                        .iter()
                        .enumerate()
                        .map(|(i, r)| {
                            let mut l = location(cx, r.span, Some(&r.message));
                            l["id"] = json!(i);
                            l
                        })
                        .collect(),
                );
            }
            if let Some(f) = fixes(cx, d) {
                res["fixes"] = f;
            }
            let mut props = serde_json::Map::new();
            if !d.context.units.is_empty() {
                props.insert("units".into(), json!(d.context.units));
            }
            if let Some(env) = &d.context.env {
                props.insert("env".into(), json!(env));
            }
            if let Some(o) = &d.context.object {
                props.insert("object".into(), json!(o));
            }
            if !props.is_empty() {
                res["properties"] = Value::Object(props);
            }
            res
        })
        .collect();
    let base = match &cx.view.paths.repo_root {
        Some(root) => {
            let mut uri = format!(
                "file://{}",
                encode_path(&root.to_string_lossy().replace('\\', "/"))
            );
            if !uri.ends_with('/') {
                uri.push('/');
            }
            json!({"uri": uri})
        }
        None => json!({"description": {"text": "the repository root"}}),
    };
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ftlint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/flash-tickets/ftlint",
                "rules": rules_json,
            }},
            "columnKind": "utf16CodeUnits",
            "originalUriBaseIds": {BASE: base},
            "results": results,
            "properties": {
                "files": summary.files, "objects": summary.objects, "units": summary.units,
                "notChecked": summary.not_checked,
            },
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("SARIF serialisation");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::encode_path;

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(
            encode_path("apps/my app/#1.yaml"),
            "apps/my%20app/%231.yaml"
        );
        assert_eq!(encode_path("é/a%b.yaml"), "%C3%A9/a%25b.yaml");
        assert_eq!(encode_path("a-b_c~d/e.yml"), "a-b_c~d/e.yml");
    }
}
