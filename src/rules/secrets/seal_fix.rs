//! The `no-plaintext-secret` fix with `--seal-cert`: the Secret's document is
//! replaced by the SealedSecret kubeseal would write for it (`crate::seal`).

use base64::Engine;

use crate::diagnostic::{Applicability, Fix};
use crate::model::Object;
use crate::repo::Repo;
use crate::seal::{sealed_secret, OutputFormat, SecretInput};
use crate::yaml::{edit, Node};

/// A map of strings (labels, annotations); None when a value is not a scalar.
fn string_pairs(node: Option<&Node>) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for e in node.map(Node::entries).unwrap_or(&[]) {
        out.push((e.key.name.to_string(), e.value.scalar_text()?));
    }
    Some(out)
}

/// What kubeseal reads from the written Secret; None when it cannot be
/// sealed as written (undecodable data, non-string labels, managed fields).
fn secret_input(written: &Node, name: &str, namespace: &str) -> Option<SecretInput> {
    let mut data: Vec<(String, Vec<u8>)> = Vec::new();
    for e in written.get("data").map(Node::entries).unwrap_or(&[]) {
        let text = e.value.scalar_text()?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .ok()?;
        data.push((e.key.name.to_string(), bytes));
    }
    for e in written.get("stringData").map(Node::entries).unwrap_or(&[]) {
        data.retain(|(k, _)| *k != e.key.name);
        data.push((e.key.name.to_string(), e.value.scalar_text()?.into_bytes()));
    }
    let meta = written.get("metadata");
    // kubeseal copies managed fields into the template; ftlint does not
    // rewrite them, so such a Secret gets no fix.
    if meta.and_then(|m| m.get("managedFields")).is_some() {
        return None;
    }
    let finalizers = match meta.and_then(|m| m.get("finalizers")) {
        None => Vec::new(),
        Some(list) => list
            .items()
            .iter()
            .map(Node::scalar_text)
            .collect::<Option<Vec<String>>>()?,
    };
    Some(SecretInput {
        name: name.to_string(),
        namespace: namespace.to_string(),
        generate_name: written
            .str_at(&["metadata", "generateName"])
            .map(str::to_string),
        secret_type: written.str_at(&["type"]).map(str::to_string),
        immutable: written.get("immutable").and_then(Node::as_bool),
        labels: string_pairs(written.path(&["metadata", "labels"]))?,
        annotations: string_pairs(written.path(&["metadata", "annotations"]))?,
        finalizers,
        data,
    })
}

/// With `--seal-cert`: replace the Secret's document by a kubeseal-compatible
/// SealedSecret. Only for a Secret written as a plain document whose name and
/// namespace are final (not set by Kustomize), since the seal binds both.
pub fn seal_fix(repo: &Repo, o: &Object) -> Option<Fix> {
    let key = repo.seal_key.as_ref()?;
    let source = repo.sources.get(o.file);
    let doc = source.parsed.documents.get(o.doc_index)?;
    let written = &doc.root;
    let namespace = o.namespace.as_deref()?;
    if written.str_at(&["metadata", "name"]) != Some(o.name.as_str())
        || written.str_at(&["metadata", "namespace"]) != Some(namespace)
    {
        return None;
    }
    let input = secret_input(written, &o.name, namespace)?;
    let text = &source.text;
    let format = if text
        .get(written.span.range())?
        .trim_start()
        .starts_with('{')
    {
        OutputFormat::Json
    } else {
        OutputFormat::Yaml
    };
    let sealed = sealed_secret(key, &input, format, edit::line_ending(text)).ok()?;
    Some(Fix {
        message: format!("seal Secret `{}` into a SealedSecret", o.name),
        applicability: Applicability::Safe,
        edits: vec![edit::replace_node(text, written, &sealed)?],
    })
}
