//! The SealedSecret document that replaces a plaintext Secret, laid out as
//! `kubeseal` writes it (keys sorted, `creationTimestamp: null`), in the
//! file's own format (YAML or JSON), with the Secret's labels and annotations
//! in the template and the text after the Secret untouched.

use base64::Engine;
use rsa::RsaPublicKey;
use serde_json::{json, Map, Value};

use super::seal_value;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::Object;
use crate::repo::Repo;
use crate::yaml::Node;

/// Annotations kubeseal strips from the template: they hold a copy of the
/// whole Secret, plaintext included.
const STRIPPED_ANNOTATIONS: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    "kubecfg.ksonnet.io/last-applied-configuration",
];
const NAMESPACE_WIDE: &str = "sealedsecrets.bitnami.com/namespace-wide";
const CLUSTER_WIDE: &str = "sealedsecrets.bitnami.com/cluster-wide";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Yaml,
    Json,
}

/// What a SealedSecret is made of.
#[derive(Debug, Default)]
pub struct SecretInput {
    pub name: String,
    pub namespace: String,
    pub secret_type: Option<String>,
    pub immutable: Option<bool>,
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
    pub data: Vec<(String, Vec<u8>)>,
}

impl SecretInput {
    fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The RSA-OAEP label of the Secret's sealing scope.
    fn label(&self) -> String {
        if self.annotation(CLUSTER_WIDE) == Some("true") {
            String::new()
        } else if self.annotation(NAMESPACE_WIDE) == Some("true") {
            self.namespace.clone()
        } else {
            format!("{}/{}", self.namespace, self.name)
        }
    }
}

fn sorted(pairs: &[(String, String)]) -> Map<String, Value> {
    let mut v: Vec<&(String, String)> = pairs.iter().collect();
    v.sort();
    v.into_iter()
        .map(|(k, val)| (k.clone(), Value::String(val.clone())))
        .collect()
}

/// The SealedSecret as a JSON value with kubeseal's (sorted) key order.
fn sealed_value(key: &RsaPublicKey, input: &SecretInput) -> Result<Value, String> {
    let label = input.label();
    let mut encrypted: Vec<(String, String)> = Vec::new();
    for (k, v) in &input.data {
        encrypted.push((k.clone(), seal_value(key, &label, v)?));
    }
    let mut top_meta = Map::new();
    let scope: Vec<(String, String)> = [NAMESPACE_WIDE, CLUSTER_WIDE]
        .iter()
        .filter(|a| input.annotation(a) == Some("true"))
        .map(|a| (a.to_string(), "true".to_string()))
        .take(1)
        .collect();
    if !scope.is_empty() {
        top_meta.insert("annotations".into(), Value::Object(sorted(&scope)));
    }
    top_meta.insert("creationTimestamp".into(), Value::Null);
    top_meta.insert("name".into(), json!(input.name));
    top_meta.insert("namespace".into(), json!(input.namespace));
    let mut template_meta = Map::new();
    let annotations: Vec<(String, String)> = input
        .annotations
        .iter()
        .filter(|(k, _)| !STRIPPED_ANNOTATIONS.contains(&k.as_str()))
        .cloned()
        .collect();
    if !annotations.is_empty() {
        template_meta.insert("annotations".into(), Value::Object(sorted(&annotations)));
    }
    template_meta.insert("creationTimestamp".into(), Value::Null);
    if !input.labels.is_empty() {
        template_meta.insert("labels".into(), Value::Object(sorted(&input.labels)));
    }
    template_meta.insert("name".into(), json!(input.name));
    template_meta.insert("namespace".into(), json!(input.namespace));
    let mut template = Map::new();
    if let Some(immutable) = input.immutable {
        template.insert("immutable".into(), json!(immutable));
    }
    template.insert("metadata".into(), Value::Object(template_meta));
    if let Some(t) = &input.secret_type {
        template.insert("type".into(), json!(t));
    }
    Ok(json!({
        "apiVersion": "bitnami.com/v1alpha1",
        "kind": "SealedSecret",
        "metadata": top_meta,
        "spec": {
            "encryptedData": sorted(&encrypted),
            "template": template,
        },
    }))
}

/// A SealedSecret manifest, without a final line break.
pub fn sealed_secret(
    key: &RsaPublicKey,
    input: &SecretInput,
    format: OutputFormat,
    newline: &str,
) -> Result<String, String> {
    let value = sealed_value(key, input)?;
    let text = match format {
        OutputFormat::Json => serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?,
        OutputFormat::Yaml => {
            let mut lines = Vec::new();
            yaml_lines(&value, 0, &mut lines);
            lines.join("\n")
        }
    };
    Ok(if newline == "\n" {
        text
    } else {
        text.replace('\n', newline)
    })
}

/// Block-style YAML of a value of maps, strings, booleans and nulls.
fn yaml_lines(value: &Value, indent: usize, out: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    let Value::Object(map) = value else { return };
    for (k, v) in map {
        let key = scalar(k);
        match v {
            Value::Object(inner) if !inner.is_empty() => {
                out.push(format!("{pad}{key}:"));
                yaml_lines(v, indent + 2, out);
            }
            Value::Object(_) => out.push(format!("{pad}{key}: {{}}")),
            Value::Null => out.push(format!("{pad}{key}: null")),
            Value::Bool(b) => out.push(format!("{pad}{key}: {b}")),
            Value::String(s) => out.push(format!("{pad}{key}: {}", scalar(s))),
            other => out.push(format!("{pad}{key}: {other}")),
        }
    }
}

/// A string as a YAML scalar: plain when it is a simple word that YAML reads
/// back as the same string, else double-quoted (JSON escaping is valid YAML).
fn scalar(s: &str) -> String {
    let simple = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-' | '+' | '='))
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null"
        );
    if simple {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

fn string_pairs(node: Option<&Node>) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for e in node.map(Node::entries).unwrap_or(&[]) {
        out.push((e.key.name.clone(), e.value.scalar_text()?));
    }
    Some(out)
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
    let input = SecretInput {
        name: o.name.clone(),
        namespace: namespace.to_string(),
        secret_type: written.str_at(&["type"]).map(str::to_string),
        immutable: written.get("immutable").and_then(Node::as_bool),
        labels: string_pairs(written.path(&["metadata", "labels"]))?,
        annotations: string_pairs(written.path(&["metadata", "annotations"]))?,
        data,
    };
    let text = &source.text;
    let range = written.span.range();
    let replaced = text.get(range.clone())?;
    let format = if replaced.trim_start().starts_with('{') {
        OutputFormat::Json
    } else {
        OutputFormat::Yaml
    };
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut sealed = sealed_secret(key, &input, format, newline).ok()?;
    // Keep the line break that ended the Secret (a trailing `|` block takes it
    // into its span), and never glue the next line (`---`) onto the output.
    let rest = &text[range.end..];
    if replaced.ends_with('\n') || !(rest.is_empty() || rest.starts_with(['\n', '\r'])) {
        sealed.push_str(newline);
    }
    Some(Fix {
        message: format!("seal Secret `{}` into a SealedSecret", o.name),
        applicability: Applicability::Safe,
        edits: vec![Edit {
            span: written.span,
            replacement: sealed,
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT: &str = include_str!("../../tests/data/seal/test-cert.pem");

    fn input() -> SecretInput {
        SecretInput {
            name: "db".into(),
            namespace: "ns".into(),
            secret_type: Some("Opaque".into()),
            immutable: None,
            labels: vec![("app".into(), "api".into())],
            annotations: vec![
                ("argocd.argoproj.io/secret-type".into(), "repository".into()),
                (
                    "kubectl.kubernetes.io/last-applied-configuration".into(),
                    "{\"data\":{\"password\":\"cHc=\"}}".into(),
                ),
            ],
            data: vec![
                ("password".into(), b"pw".to_vec()),
                ("a-user".into(), b"u".to_vec()),
            ],
        }
    }

    #[test]
    fn yaml_layout_matches_kubeseal_and_keeps_labels_and_annotations() {
        let key = super::super::public_key_from_pem(CERT).unwrap();
        let yaml = sealed_secret(&key, &input(), OutputFormat::Yaml, "\n").unwrap();
        let parsed = crate::yaml::parse(&yaml, crate::yaml::FileId(0));
        assert!(parsed.error.is_none(), "{yaml}");
        let root = &parsed.documents[0].root;
        assert_eq!(root.str_at(&["kind"]), Some("SealedSecret"));
        assert!(root
            .path(&["metadata", "creationTimestamp"])
            .unwrap()
            .is_null());
        assert_eq!(root.str_at(&["spec", "template", "type"]), Some("Opaque"));
        assert_eq!(
            root.str_at(&["spec", "template", "metadata", "labels", "app"]),
            Some("api")
        );
        let annotations = root
            .path(&["spec", "template", "metadata", "annotations"])
            .unwrap();
        assert_eq!(
            annotations.str_at(&["argocd.argoproj.io/secret-type"]),
            Some("repository")
        );
        assert!(annotations
            .get("kubectl.kubernetes.io/last-applied-configuration")
            .is_none());
        let keys: Vec<&str> = root
            .path(&["spec", "encryptedData"])
            .unwrap()
            .entries()
            .iter()
            .map(|e| e.key.name.as_str())
            .collect();
        assert_eq!(keys, ["a-user", "password"], "sorted as kubeseal sorts");
        assert!(!yaml.contains("cHc="));
    }

    #[test]
    fn json_output_is_json() {
        let key = super::super::public_key_from_pem(CERT).unwrap();
        let text = sealed_secret(&key, &input(), OutputFormat::Json, "\n").unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["kind"], "SealedSecret");
        assert_eq!(v["spec"]["template"]["metadata"]["labels"]["app"], "api");
    }

    #[test]
    fn scope_annotations_choose_the_label_and_are_copied_to_the_metadata() {
        let mut i = input();
        i.annotations.push((NAMESPACE_WIDE.into(), "true".into()));
        assert_eq!(i.label(), "ns");
        let key = super::super::public_key_from_pem(CERT).unwrap();
        let v = sealed_value(&key, &i).unwrap();
        assert_eq!(v["metadata"]["annotations"][NAMESPACE_WIDE], "true");
        i.annotations = vec![(CLUSTER_WIDE.into(), "true".into())];
        assert_eq!(i.label(), "");
        assert_eq!(input().label(), "ns/db");
    }
}
