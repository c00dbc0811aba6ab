use base64::Engine;

use super::is_reference;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::model::Object;
use crate::repo::Repo;
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
)
.fixable();

/// With `--seal-cert`: replace the Secret's document by a kubeseal-compatible
/// SealedSecret. Only for a Secret written as a plain document whose name and
/// namespace are final (not set by Kustomize), since the seal binds both.
fn seal_fix(repo: &Repo, o: &Object) -> Option<Fix> {
    let key = repo.seal_key.as_ref()?;
    let doc = repo.sources.get(o.file).parsed.documents.get(o.doc_index)?;
    let written = &doc.root;
    let namespace = o.namespace.as_deref()?;
    if written.str_at(&["metadata", "name"]) != Some(o.name.as_str())
        || written.str_at(&["metadata", "namespace"]) != Some(namespace)
    {
        return None;
    }
    let mut data: Vec<(String, Vec<u8>)> = Vec::new();
    for e in written.get("data").map(Node::entries).unwrap_or(&[]) {
        let text = e.value.scalar_text()?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .ok()?;
        data.push((e.key.name.clone(), bytes));
    }
    for e in written.get("stringData").map(Node::entries).unwrap_or(&[]) {
        data.retain(|(k, _)| *k != e.key.name);
        data.push((e.key.name.clone(), e.value.scalar_text()?.into_bytes()));
    }
    let text = &repo.sources.get(o.file).text;
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let ty = written.str_at(&["type"]);
    let sealed =
        crate::seal::sealed_secret_yaml(key, namespace, &o.name, ty, &data, newline).ok()?;
    Some(Fix {
        message: format!("seal Secret `{}` into a SealedSecret", o.name),
        applicability: Applicability::Safe,
        edits: vec![Edit {
            span: written.span,
            replacement: sealed,
        }],
    })
}

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
        let mut diag = Diagnostic::new(
                span,
                format!(
                    "Secret `{}` ({ty}) commits {} in plain text: {}",
                    o.name,
                    if keys.len() == 1 { "1 key".to_string() } else { format!("{} keys", keys.len()) },
                    keys.join(", ")
                ),
            )
            .with_related(o.anchor_span(), "Secret defined here")
            .with_help("encrypt it as a SealedSecret (kubeseal, or `ftlint --fix --seal-cert CERT`) or fetch it with an ExternalSecret, and rotate the values: they are in the git history");
        if let Some(fix) = seal_fix(cx.repo, o) {
            diag = diag.with_fix(fix);
        }
        out.push(diag);
    }
}
