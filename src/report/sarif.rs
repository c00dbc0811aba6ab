use serde_json::{json, Value};

use super::{path, region};
use crate::diagnostic::{Diagnostic, Severity};
use crate::repo::Repo;
use crate::rules::{self, REGISTRY};

const HELP_URI: &str = "https://github.com/flash-tickets/ftlint/blob/main/rules/";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn location(repo: &Repo, span: crate::yaml::Span, message: Option<&str>) -> Value {
    let r = region(repo, span);
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": {"uri": path(repo, span), "uriBaseId": "%SRCROOT%"},
            "region": {
                "startLine": r.start.line, "startColumn": r.start.column_utf16,
                "endLine": r.end.line, "endColumn": r.end.column_utf16,
            }
        }
    });
    if let Some(m) = message {
        loc["message"] = json!({"text": m});
    }
    loc
}

/// SARIF 2.1.0, one run; columns in UTF-16 code units as the format requires.
pub fn render(repo: &Repo, diags: &[Diagnostic]) -> String {
    let rules_json: Vec<Value> = REGISTRY
        .iter()
        .map(|r| {
            let m = r.meta();
            let short = rules::short_help(m.id).unwrap_or_else(|| m.summary.to_string());
            json!({
                "id": m.id,
                "name": m.id,
                "shortDescription": {"text": m.summary},
                "fullDescription": {"text": short.clone()},
                "help": {"text": short, "markdown": rules::doc(m.id).unwrap_or_else(|| m.summary.to_string())},
                "helpUri": format!("{HELP_URI}{}.md", m.id),
                "defaultConfiguration": {"level": level(m.severity), "enabled": m.enabled},
            })
        })
        .collect();
    let index_of = |id: &str| REGISTRY.iter().position(|r| r.meta().id == id);
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str(&format!("\nhelp: {h}"));
            }
            let mut res = json!({
                "ruleId": d.rule,
                "level": level(d.severity),
                "message": {"text": text},
                "locations": [location(repo, d.span, None)],
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
                            let mut l = location(repo, r.span, Some(&r.message));
                            l["id"] = json!(i);
                            l
                        })
                        .collect(),
                );
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
            "originalUriBaseIds": {"%SRCROOT%": {"uri": "file:///"}},
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("SARIF serialisation");
    s.push('\n');
    s
}
