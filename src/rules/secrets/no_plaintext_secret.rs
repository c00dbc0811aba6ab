use super::is_reference;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{ObjectCx, Rule, RuleMeta, Scope};
use crate::yaml::Node;

/// A `kind: Secret` with data is committed to the repository.
///
/// Secrets whose `data`/`stringData` are empty, or whose every value is empty
/// or a substitution reference (`${VAR}`, `{{ }}`), pass: they hold nothing.
pub struct NoPlaintextSecret;

static META: RuleMeta = RuleMeta::new(
    "no-plaintext-secret",
    Severity::Error,
    Scope::Object,
    "a `kind: Secret` with data is committed; use SealedSecret or ExternalSecret",
);

impl Rule for NoPlaintextSecret {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        let o = cx.object;
        if o.kind != "Secret" || o.api_version != "v1" {
            return;
        }
        let mut keys = Vec::new();
        let mut first = None;
        for section in ["data", "stringData"] {
            let Some(entry) = o.root.entry(section) else {
                continue;
            };
            for e in entry.value.entries() {
                let holds = match e.value.scalar_text() {
                    Some(s) => !s.trim().is_empty() && !is_reference(&s),
                    None => !e.value.is_null(),
                };
                if holds {
                    keys.push(format!("`{}`", e.key.name));
                    first.get_or_insert(entry.key.span);
                }
            }
        }
        let Some(span) = first else { return };
        let ty = o
            .root
            .get("type")
            .and_then(Node::as_str)
            .unwrap_or("Opaque");
        out.push(
            Diagnostic::new(
                span,
                format!(
                    "Secret `{}` ({ty}) commits {} in plain text: {}",
                    o.name,
                    if keys.len() == 1 { "1 key".to_string() } else { format!("{} keys", keys.len()) },
                    keys.join(", ")
                ),
            )
            .with_related(o.anchor_span(), "Secret defined here")
            .with_help("encrypt it as a SealedSecret (kubeseal) or fetch it with an ExternalSecret, and rotate the values: they are in the git history"),
        );
    }
}
