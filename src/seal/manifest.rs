//! The SealedSecret document that replaces a plaintext Secret, laid out as
//! `kubeseal` writes it. kubeseal builds a typed object and prints it with the
//! Kubernetes serializers: JSON in the Go structs' field order (`kind` before
//! `apiVersion`, `metadata` before `spec`, `template` before `encryptedData`,
//! `<`, `>` and `&` escaped), YAML through JSON with every mapping's keys
//! sorted and go-yaml's scalar quoting. The template keeps the Secret's
//! metadata (labels, annotations minus the last-applied copies, generateName,
//! finalizers); `creationTimestamp: null` as the zero time prints.

use rsa::RsaPublicKey;
use serde_json::{json, Map, Value};

use super::seal_value;

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
    pub generate_name: Option<String>,
    pub secret_type: Option<String>,
    pub immutable: Option<bool>,
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
    pub finalizers: Vec<String>,
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

/// A Go `map[string]string` as encoding/json writes it: keys sorted.
fn sorted(pairs: &[(String, String)]) -> Map<String, Value> {
    let mut v: Vec<&(String, String)> = pairs.iter().collect();
    v.sort();
    v.into_iter()
        .map(|(k, val)| (k.clone(), Value::String(val.clone())))
        .collect()
}

/// `metav1.ObjectMeta` in its field order (name, generateName, namespace,
/// creationTimestamp, labels, annotations, finalizers), empty fields omitted.
fn object_meta(
    input: &SecretInput,
    labels: &[(String, String)],
    annotations: &[(String, String)],
    finalizers: &[String],
    generate_name: Option<&str>,
) -> Map<String, Value> {
    let mut meta = Map::new();
    meta.insert("name".into(), json!(input.name));
    if let Some(g) = generate_name.filter(|g| !g.is_empty()) {
        meta.insert("generateName".into(), json!(g));
    }
    meta.insert("namespace".into(), json!(input.namespace));
    meta.insert("creationTimestamp".into(), Value::Null);
    if !labels.is_empty() {
        meta.insert("labels".into(), Value::Object(sorted(labels)));
    }
    if !annotations.is_empty() {
        meta.insert("annotations".into(), Value::Object(sorted(annotations)));
    }
    if !finalizers.is_empty() {
        meta.insert("finalizers".into(), json!(finalizers));
    }
    meta
}

/// The SealedSecret as kubeseal's Go structs serialize it (JSON field order).
fn sealed_value(key: &RsaPublicKey, input: &SecretInput) -> Result<Value, String> {
    let label = input.label();
    let mut encrypted: Vec<(String, String)> = Vec::new();
    for (k, v) in &input.data {
        encrypted.push((k.clone(), seal_value(key, &label, v)?));
    }
    // The scope annotation is the only one on the SealedSecret itself.
    let scope: Vec<(String, String)> = [CLUSTER_WIDE, NAMESPACE_WIDE]
        .iter()
        .find(|a| input.annotation(a) == Some("true"))
        .map(|a| vec![(a.to_string(), "true".to_string())])
        .unwrap_or_default();
    let top_meta = object_meta(input, &[], &scope, &[], None);
    let annotations: Vec<(String, String)> = input
        .annotations
        .iter()
        .filter(|(k, _)| !STRIPPED_ANNOTATIONS.contains(&k.as_str()))
        .cloned()
        .collect();
    let template_meta = object_meta(
        input,
        &input.labels,
        &annotations,
        &input.finalizers,
        input.generate_name.as_deref(),
    );
    // `SecretTemplateSpec`: metadata, type, immutable.
    let mut template = Map::new();
    template.insert("metadata".into(), Value::Object(template_meta));
    if let Some(t) = input.secret_type.as_ref().filter(|t| !t.is_empty()) {
        template.insert("type".into(), json!(t));
    }
    if let Some(immutable) = input.immutable {
        template.insert("immutable".into(), json!(immutable));
    }
    Ok(json!({
        "kind": "SealedSecret",
        "apiVersion": "bitnami.com/v1alpha1",
        "metadata": top_meta,
        "spec": {
            "template": template,
            "encryptedData": sorted(&encrypted),
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
        OutputFormat::Json => go_json(&value)?,
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

/// `json.MarshalIndent(v, "", "  ")`: Go escapes `<`, `>`, `&` (and U+2028,
/// U+2029) in strings; they appear nowhere else in the output.
fn go_json(value: &Value) -> Result<String, String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Block YAML as go-yaml v2 writes the JSON value: keys sorted, two-space
/// indentation, sequences at their key's column.
fn yaml_lines(value: &Value, indent: usize, out: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    let Value::Object(map) = value else { return };
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    for k in keys {
        let v = &map[k];
        let key = yaml_scalar(k);
        match v {
            Value::Object(inner) if !inner.is_empty() => {
                out.push(format!("{pad}{key}:"));
                yaml_lines(v, indent + 2, out);
            }
            Value::Object(_) => out.push(format!("{pad}{key}: {{}}")),
            Value::Array(items) if !items.is_empty() => {
                out.push(format!("{pad}{key}:"));
                for item in items {
                    let text = item
                        .as_str()
                        .map(yaml_scalar)
                        .unwrap_or_else(|| item.to_string());
                    out.push(format!("{pad}- {text}"));
                }
            }
            Value::Array(_) => out.push(format!("{pad}{key}: []")),
            Value::Null => out.push(format!("{pad}{key}: null")),
            Value::Bool(b) => out.push(format!("{pad}{key}: {b}")),
            Value::String(s) => out.push(format!("{pad}{key}: {}", yaml_scalar(s))),
            other => out.push(format!("{pad}{key}: {other}")),
        }
    }
}

/// A string as go-yaml v2 writes it: double-quoted when YAML 1.1 would read
/// it as something else (`true`, `1`, `~`, a date, `1:20`); single-quoted
/// when plain style is not allowed (indicators, `: `, ` #`, leading or
/// trailing spaces); else plain. A value with a line break or a control
/// character is double-quoted (kubeseal writes a literal block for a line
/// break: the one layout difference, in values such as multi-line annotations).
fn yaml_scalar(s: &str) -> String {
    let double = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let resolves_otherwise = crate::yaml::resolve_scalar(s, crate::yaml::ScalarStyle::Plain, None)
        .value
        != crate::yaml::Value::Str(s.into());
    if s.is_empty() || resolves_otherwise || is_timestamp(s) || is_base60(s) {
        return double(s);
    }
    if s.chars().any(|c| c.is_control()) {
        return double(s);
    }
    if plain_allowed(s) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

/// libyaml's analysis of a block-context plain scalar.
fn plain_allowed(s: &str) -> bool {
    let b = s.as_bytes();
    if s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    if s.starts_with(' ') || s.ends_with(' ') {
        return false;
    }
    let blank_after = |i: usize| b.get(i + 1).is_none_or(|c| *c == b' ');
    for (i, &c) in b.iter().enumerate() {
        let special = if i == 0 {
            matches!(
                c,
                b'#' | b','
                    | b'['
                    | b']'
                    | b'{'
                    | b'}'
                    | b'&'
                    | b'*'
                    | b'!'
                    | b'|'
                    | b'>'
                    | b'\''
                    | b'"'
                    | b'%'
                    | b'@'
                    | b'`'
            ) || (matches!(c, b'?' | b':' | b'-') && blank_after(i))
        } else {
            (c == b':' && blank_after(i)) || (c == b'#' && b[i - 1] == b' ')
        };
        if special {
            return false;
        }
    }
    true
}

/// go-yaml v2 reads `2006-1-2`, with an optional time, as a timestamp.
fn is_timestamp(s: &str) -> bool {
    let mut parts = s.splitn(3, '-');
    let (Some(y), Some(m), Some(rest)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let day: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let after = &rest[day.len()..];
    y.len() == 4
        && y.bytes().all(|c| c.is_ascii_digit())
        && (1..=2).contains(&m.len())
        && m.bytes().all(|c| c.is_ascii_digit())
        && (1..=2).contains(&day.len())
        && (after.is_empty() || after.starts_with(['T', 't', ' ']))
}

/// YAML 1.1 sexagesimal numbers (`1:20`, `-3:25:45.5`), read as floats.
fn is_base60(s: &str) -> bool {
    let t = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let mut groups = int.split(':');
    let first = groups.next().unwrap_or("");
    let rest: Vec<&str> = groups.collect();
    !rest.is_empty()
        && first.starts_with(|c: char| c.is_ascii_digit())
        && first.bytes().all(|c| c.is_ascii_digit() || c == b'_')
        && rest.iter().all(|g| {
            (1..=2).contains(&g.len())
                && g.bytes().all(|c| c.is_ascii_digit())
                && (g.len() == 1 || g.as_bytes()[0] <= b'5')
        })
        && frac.bytes().all(|c| c.is_ascii_digit() || c == b'_')
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
            ..SecretInput::default()
        }
    }

    /// The output with each ciphertext replaced by `CT` (they are random).
    fn masked(text: &str) -> String {
        let parsed = crate::yaml::parse(text, crate::yaml::FileId(0));
        let root = &parsed.documents[0].root;
        let mut out = text.to_string();
        for e in root.path(&["spec", "encryptedData"]).unwrap().entries() {
            out = out.replace(e.value.as_str().unwrap(), "CT");
        }
        out
    }

    #[test]
    fn yaml_is_byte_identical_to_kubeseal_but_for_the_ciphertexts() {
        let key = super::super::public_key_from_pem(CERT).unwrap();
        let yaml = sealed_secret(&key, &input(), OutputFormat::Yaml, "\n").unwrap();
        let expected = "\
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  creationTimestamp: null
  name: db
  namespace: ns
spec:
  encryptedData:
    a-user: CT
    password: CT
  template:
    metadata:
      annotations:
        argocd.argoproj.io/secret-type: repository
      creationTimestamp: null
      labels:
        app: api
      name: db
      namespace: ns
    type: Opaque";
        assert_eq!(masked(&yaml), expected);
    }

    #[test]
    fn json_is_byte_identical_to_kubeseal_but_for_the_ciphertexts() {
        let key = super::super::public_key_from_pem(CERT).unwrap();
        let mut i = input();
        i.immutable = Some(true);
        i.finalizers = vec!["example.com/keep".into()];
        i.annotations.push(("note".into(), "a<b & c".into()));
        let json = sealed_secret(&key, &i, OutputFormat::Json, "\n").unwrap();
        let expected = r#"{
  "kind": "SealedSecret",
  "apiVersion": "bitnami.com/v1alpha1",
  "metadata": {
    "name": "db",
    "namespace": "ns",
    "creationTimestamp": null
  },
  "spec": {
    "template": {
      "metadata": {
        "name": "db",
        "namespace": "ns",
        "creationTimestamp": null,
        "labels": {
          "app": "api"
        },
        "annotations": {
          "argocd.argoproj.io/secret-type": "repository",
          "note": "a\u003cb \u0026 c"
        },
        "finalizers": [
          "example.com/keep"
        ]
      },
      "type": "Opaque",
      "immutable": true
    },
    "encryptedData": {
      "a-user": "CT",
      "password": "CT"
    }
  }
}"#;
        assert_eq!(masked(&json), expected);
    }

    #[test]
    fn scalars_are_quoted_as_go_yaml_quotes_them() {
        let cases = [
            ("plain", "plain"),
            ("http://host:8080/path", "http://host:8080/path"),
            ("two words", "two words"),
            ("true", "\"true\""),
            ("yes", "\"yes\""),
            ("0755", "\"0755\""),
            ("1:20", "\"1:20\""),
            ("2024-01-31", "\"2024-01-31\""),
            ("", "\"\""),
            ("a: b", "'a: b'"),
            ("x #y", "'x #y'"),
            ("#x", "'#x'"),
            ("- x", "'- x'"),
            (" lead", "' lead'"),
            ("it's: x", "'it''s: x'"),
            ("*star", "'*star'"),
        ];
        for (value, written) in cases {
            assert_eq!(yaml_scalar(value), written, "{value:?}");
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
