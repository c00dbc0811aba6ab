use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{FileCx, Rule, RuleMeta, Scope};
use crate::yaml::Node;

/// A kustomization's `secretGenerator` takes `literals`, or `files`/`envs`
/// that are committed to the repository: the secret is in git in plain text.
///
/// `files`/`envs` that are not in the repository (ignored, produced by CI)
/// pass; literals that are only substitution references (`${VAR}`) or obvious
/// placeholders (`changeme`, also base64-encoded: `Y2hhbmdlbWU=`) pass too,
/// and so do committed files whose content, or env files whose every value
/// (identifiers such as `POSTGRES_USER` aside), is empty or such a placeholder.
pub struct SecretGeneratorLiteral;

static META: RuleMeta = RuleMeta::new(
    "secret-generator-literal",
    Severity::Error,
    Scope::File,
    "Kustomize `secretGenerator` with literals or files committed to the repo",
)
.security_severity(8.0);

fn file_part(item: &str) -> &str {
    // `files: [key=path]` or `[path]`
    item.split_once('=').map(|(_, p)| p).unwrap_or(item).trim()
}

/// Whether a literal value holds something: not empty, not a reference, not a
/// placeholder, not the base64 encoding of a placeholder (what users write
/// when the consumer expects base64, e.g. 1Password Connect credentials).
fn holds_literal(v: &str) -> bool {
    use base64::Engine;
    let v = v.trim();
    if v.is_empty() || super::is_reference(v) || super::is_placeholder(v) {
        return false;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(v)
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    !decoded.is_some_and(|d| super::is_placeholder(&d))
}

/// Whether a committed generator input holds a secret: an env file (`envs`)
/// some non-identifier `KEY=value` line of which holds a value, or a file
/// (`files`) whose content does. An unreadable file counts as holding one.
fn file_holds_secret(path: &std::path::Path, env_file: bool) -> bool {
    let Ok(text) = crate::fsread::read_bounded_text(path, crate::fsread::DEFAULT_MAX_FILE_SIZE)
    else {
        return true;
    };
    if !env_file {
        return holds_literal(&text);
    }
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|l| match l.split_once('=') {
            Some((k, v)) => {
                !super::no_plaintext_secret::is_identifier_key(k.trim()) && holds_literal(v)
            }
            None => false,
        })
}

impl Rule for SecretGeneratorLiteral {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_file(&self, cx: &FileCx, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.kustomization() else {
            return;
        };
        let dir = cx.file.abs.parent();
        for g in root.get("secretGenerator").map(Node::items).unwrap_or(&[]) {
            let name = g.str_at(&["name"]).unwrap_or("?");
            for key in ["literals", "files", "envs", "env"] {
                let Some(entry) = g.entry(key) else { continue };
                let items: Vec<&Node> = if key == "env" {
                    vec![&entry.value]
                } else {
                    entry.value.items().iter().collect()
                };
                let committed: Vec<&str> = items
                    .iter()
                    .filter_map(|n| n.as_str())
                    .filter(|s| {
                        if key == "literals" {
                            s.split_once('=').is_some_and(|(_, v)| holds_literal(v))
                        } else {
                            dir.is_some_and(|d| {
                                let path = d.join(file_part(s));
                                path.is_file() && file_holds_secret(&path, key != "files")
                            })
                        }
                    })
                    .collect();
                if committed.is_empty() {
                    continue;
                }
                let what = if key == "literals" {
                    let keys: Vec<String> = committed
                        .iter()
                        .map(|s| format!("`{}`", s.split_once('=').map(|(k, _)| k).unwrap_or(s)))
                        .collect();
                    format!("literal values for {}", keys.join(", "))
                } else {
                    let files: Vec<String> = committed
                        .iter()
                        .map(|s| format!("`{}`", file_part(s)))
                        .collect();
                    format!("committed file {}", files.join(", "))
                };
                out.push(
                    Diagnostic::new(
                        entry.key.span,
                        format!("secretGenerator `{name}` builds a Secret from {what}"),
                    )
                    .with_help("generate the Secret outside git: SealedSecret, ExternalSecret, or a file ignored by git and produced by CI"),
                );
            }
        }
    }
}
