//! `configMapGenerator` / `secretGenerator`, and kustomize's name-suffix hash.

use base64::Engine;
use sha2::{Digest, Sha256};

use super::res::{Behavior, Res};
use crate::fsread::{ReadError, RootReader, DEFAULT_MAX_FILE_SIZE};
use crate::source::{join, Sources};
use crate::yaml::{Entry, FileId, Key, Node, Span, Value};

/// Options from `generatorOptions` and a generator's own `options`.
#[derive(Clone, Debug, Default)]
pub struct GenOptions {
    pub labels: Vec<(String, Node, Span)>,
    pub annotations: Vec<(String, Node, Span)>,
    pub disable_hash: bool,
    pub immutable: Option<Span>,
}

impl GenOptions {
    pub fn from_node(n: Option<&Node>) -> GenOptions {
        let mut o = GenOptions::default();
        let Some(n) = n else { return o };
        let pairs = |k: &str| -> Vec<(String, Node, Span)> {
            n.get(k)
                .map(|m| {
                    m.entries()
                        .iter()
                        .map(|e| {
                            let text = e.value.scalar_text().unwrap_or_default();
                            (
                                e.key.name.to_string(),
                                Node::string(text, e.value.span),
                                e.key.span,
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        o.labels = pairs("labels");
        o.annotations = pairs("annotations");
        o.disable_hash = n.get("disableNameSuffixHash").and_then(Node::as_bool) == Some(true);
        o.immutable = n
            .get("immutable")
            .filter(|v| v.as_bool() == Some(true))
            .map(|v| v.span);
        o
    }

    /// kustomize's `MergeGlobalOptionsIntoLocal`: local wins for map keys.
    pub fn merged_with_global(mut self, global: &GenOptions) -> GenOptions {
        for l in &global.labels {
            if !self.labels.iter().any(|x| x.0 == l.0) {
                self.labels.push(l.clone());
            }
        }
        for a in &global.annotations {
            if !self.annotations.iter().any(|x| x.0 == a.0) {
                self.annotations.push(a.clone());
            }
        }
        self.disable_hash |= global.disable_hash;
        if self.immutable.is_none() {
            self.immutable = global.immutable;
        }
        self
    }
}

fn remove_quotes(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() >= 2 && b[0] == b[b.len() - 1] && (b[0] == b'"' || b[0] == b'\'') {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// Key/value pairs of an env file, as kustomize reads them.
pub fn parse_env(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let line = if i == 0 {
            line.strip_prefix('\u{feff}').unwrap_or(line)
        } else {
            line
        };
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once('=') {
            Some((k, v)) => {
                if k.is_empty() || k.contains(char::is_whitespace) {
                    return Err(format!("invalid key `{k}` on line {}", i + 1));
                }
                out.push((k.to_string(), v.to_string()));
            }
            None => out.push((
                line.to_string(),
                crate::fsread::env_var(line).unwrap_or_default(),
            )),
        }
    }
    Ok(out)
}

/// kustomize's (kyaml's) base64 for generated data: one line when the
/// encoding is shorter than 70 characters, else lines of 70 characters each
/// ending in a newline (so the value renders as a literal block).
pub fn encode_base64(bytes: &[u8]) -> String {
    const LINE: usize = 70;
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    if encoded.len() < LINE {
        return encoded;
    }
    let mut out = String::with_capacity(encoded.len() + encoded.len() / LINE + 1);
    for chunk in encoded.as_bytes().chunks(LINE) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out
}

enum Val {
    Text(String),
    Binary(Vec<u8>),
}

/// Build the resource a generator entry describes. Errors carry the span to blame.
pub fn generate(
    sources: &Sources,
    dir: &str,
    gen: &Node,
    is_secret: bool,
    global: &GenOptions,
    file: FileId,
    read_files: &mut Vec<String>,
) -> Result<Res, (Span, String)> {
    let name_node = gen.get("name");
    let name = name_node.and_then(Node::scalar_text).unwrap_or_default();
    let gspan = name_node.map(|n| n.span).unwrap_or(gen.span);
    let mut pairs: Vec<(String, Val, Span)> = Vec::new();
    let read = |rel: &str,
                span: Span,
                read_files: &mut Vec<String>|
     -> Result<Vec<u8>, (Span, String)> {
        if super::paths::is_remote(rel) {
            return Err((
                span,
                format!("remote generator input `{rel}` not fetched; generator skipped"),
            ));
        }
        let path = join(dir, rel);
        if !super::paths::is_under(dir, &path) {
            return Err((
                    span,
                    format!("`{path}` is not in or below the kustomization directory: kustomize refuses to load it (load restrictions)"),
                ));
        }
        if let Some(f) = sources.by_path(&path) {
            return Ok(f.text.clone().into_bytes());
        }
        read_files.push(path.clone());
        let reader = RootReader::new(&sources.root, DEFAULT_MAX_FILE_SIZE)
            .map_err(|e| (span, format!("cannot read `{path}`: {e}")))?;
        reader
            .read(std::path::Path::new(&path))
            .map_err(|e| match e {
                ReadError::NotFound => (span, format!("generator input `{path}` does not exist")),
                e => (span, format!("cannot read `{path}`: {e}")),
            })
    };
    let mut envs: Vec<&Node> = gen
        .get("envs")
        .map(|n| n.items().iter().collect())
        .unwrap_or_default();
    if let Some(e) = gen.get("env") {
        envs.push(e);
    }
    for e in envs {
        let Some(rel) = e.as_str() else { continue };
        let bytes = read(rel, e.span, read_files)?;
        let text = String::from_utf8(bytes)
            .map_err(|_| (e.span, format!("env file `{rel}` is not UTF-8")))?;
        for (k, v) in parse_env(&text).map_err(|m| (e.span, format!("{rel}: {m}")))? {
            pairs.push((k, Val::Text(v), e.span));
        }
    }
    for l in gen.get("literals").map(Node::items).unwrap_or(&[]) {
        let text = l.scalar_text().unwrap_or_default();
        let Some((k, v)) = text.split_once('=') else {
            return Err((
                l.span,
                format!("invalid literal source `{text}`, expected key=value"),
            ));
        };
        pairs.push((
            k.to_string(),
            Val::Text(remove_quotes(v).to_string()),
            l.span,
        ));
    }
    for f in gen.get("files").map(Node::items).unwrap_or(&[]) {
        let text = f.scalar_text().unwrap_or_default();
        let (key, rel) = match text.split_once('=') {
            Some((k, p)) => (k.to_string(), p.to_string()),
            None => (
                text.rsplit('/').next().unwrap_or(&text).to_string(),
                text.clone(),
            ),
        };
        let bytes = read(&rel, f.span, read_files)?;
        let v = match String::from_utf8(bytes) {
            Ok(s) => Val::Text(s),
            Err(e) => Val::Binary(e.into_bytes()),
        };
        pairs.push((key, v, f.span));
    }
    let mut seen = std::collections::HashSet::new();
    for (k, _, span) in &pairs {
        if !seen.insert(k.clone()) {
            return Err((*span, format!("generator `{name}` already has a key `{k}`")));
        }
    }
    let mut data: Vec<Entry> = Vec::new();
    let mut binary: Vec<Entry> = Vec::new();
    for (k, v, span) in pairs {
        let key = Key {
            name: k.into(),
            span,
        };
        match (v, is_secret) {
            (Val::Text(s), false) => data.push(Entry {
                key,
                value: Node::string(s, span),
            }),
            (Val::Binary(b), false) => binary.push(Entry {
                key,
                value: Node::string(encode_base64(&b), span),
            }),
            (Val::Text(s), true) => data.push(Entry {
                key,
                value: Node::string(encode_base64(s.as_bytes()), span),
            }),
            (Val::Binary(b), true) => data.push(Entry {
                key,
                value: Node::string(encode_base64(&b), span),
            }),
        }
    }
    data.sort_by(|a, b| a.key.name.cmp(&b.key.name));
    binary.sort_by(|a, b| a.key.name.cmp(&b.key.name));
    let opts = GenOptions::from_node(gen.get("options")).merged_with_global(global);
    let s = |v: &str| Node::string(v, gspan);
    let k = |n: &str| Key {
        name: n.into(),
        span: gspan,
    };
    let mut meta = vec![Entry {
        key: k("name"),
        value: Node::string(name, gspan),
    }];
    if let Some(ns) = gen
        .get("namespace")
        .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()))
    {
        meta.push(Entry {
            key: k("namespace"),
            value: ns.clone(),
        });
    }
    let map_of = |items: &[(String, Node, Span)]| {
        let mut v: Vec<Entry> = items
            .iter()
            .map(|(name, value, span)| Entry {
                key: Key {
                    name: name.into(),
                    span: *span,
                },
                value: value.clone(),
            })
            .collect();
        v.sort_by(|a, b| a.key.name.cmp(&b.key.name));
        Node::new(Value::Map(v.into()), gspan)
    };
    if !opts.labels.is_empty() {
        meta.push(Entry {
            key: k("labels"),
            value: map_of(&opts.labels),
        });
    }
    if !opts.annotations.is_empty() {
        meta.push(Entry {
            key: k("annotations"),
            value: map_of(&opts.annotations),
        });
    }
    let mut root = vec![
        Entry {
            key: k("apiVersion"),
            value: s("v1"),
        },
        Entry {
            key: k("kind"),
            value: s(if is_secret { "Secret" } else { "ConfigMap" }),
        },
        Entry {
            key: k("metadata"),
            value: Node::new(Value::Map(meta.into()), gspan),
        },
    ];
    if !data.is_empty() || binary.is_empty() {
        root.push(Entry {
            key: k("data"),
            value: Node::new(Value::Map(data.into()), gspan),
        });
    }
    if !binary.is_empty() {
        root.push(Entry {
            key: k("binaryData"),
            value: Node::new(Value::Map(binary.into()), gspan),
        });
    }
    if let Some(span) = opts.immutable {
        root.push(Entry {
            key: k("immutable"),
            value: Node::new(Value::Bool(true), span),
        });
    }
    if is_secret {
        let ty = gen
            .get("type")
            .filter(|t| t.as_str().is_some_and(|s| !s.is_empty()))
            .cloned();
        root.push(Entry {
            key: k("type"),
            value: ty.unwrap_or_else(|| s("Opaque")),
        });
    }
    let mut res = Res::new(Node::new(Value::Map(root.into()), gen.span), file, 0);
    res.needs_hash = !opts.disable_hash;
    res.behavior = match gen.get("behavior").and_then(Node::as_str) {
        Some("merge") => Behavior::Merge,
        Some("replace") => Behavior::Replace,
        _ => Behavior::Create,
    };
    Ok(res)
}

/// A JSON string the way Go's `encoding/json` writes it (HTML characters escaped).
fn go_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn go_json_string_map(node: Option<&Node>, out: &mut String) {
    let mut entries = super::res::string_map(node);
    entries.sort();
    out.push('{');
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        go_json_string(k, out);
        out.push(':');
        go_json_string(v, out);
    }
    out.push('}');
}

/// kustomize's content hash suffix (10 characters) for a ConfigMap or Secret.
pub fn kustomize_hash(node: &Node) -> String {
    let kind = node.str_at(&["kind"]).unwrap_or("");
    let mut out = String::from("{");
    if kind == "ConfigMap" {
        if node
            .get("binaryData")
            .is_some_and(|b| !b.entries().is_empty())
        {
            out.push_str("\"binaryData\":");
            go_json_string_map(node.get("binaryData"), &mut out);
            out.push(',');
        }
        out.push_str("\"data\":");
        go_json_string_map(node.get("data"), &mut out);
        // kustomize v5.5 leaves `immutable` out of the hash.
        out.push_str(",\"kind\":\"ConfigMap\",\"name\":\"\"}");
    } else if kind == "Secret" {
        out.push_str("\"data\":");
        go_json_string_map(node.get("data"), &mut out);
        out.push_str(",\"kind\":\"Secret\",\"name\":\"\",\"type\":");
        go_json_string(node.str_at(&["type"]).unwrap_or(""), &mut out);
        out.push('}');
    } else {
        out = serde_json::to_string(&node.to_json()).unwrap_or_default();
    }
    encode(&hex::encode(Sha256::digest(out.as_bytes())))
}

mod hex {
    pub fn encode(bytes: impl AsRef<[u8]>) -> String {
        bytes.as_ref().iter().map(|b| format!("{b:02x}")).collect()
    }
}

fn encode(hex: &str) -> String {
    hex.chars()
        .take(10)
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse;

    #[test]
    fn hash_matches_kustomize() {
        let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: \"1\"}\n";
        let p = parse(doc, FileId(0));
        assert_eq!(kustomize_hash(&p.documents[0].root), "h29d89cmmt");
        let doc = "kind: ConfigMap\ndata: {a: \"1\", b: \"2\", c: \"<x&y>\"}\n";
        let p = parse(doc, FileId(0));
        assert_eq!(kustomize_hash(&p.documents[0].root), "chf2dk6f85");
        let doc = "kind: Secret\ntype: Opaque\ndata: {z: MQ==}\n";
        let p = parse(doc, FileId(0));
        assert_eq!(kustomize_hash(&p.documents[0].root), "bh8k696m2k");
    }

    #[test]
    fn long_base64_is_wrapped_like_kustomize() {
        // Values observed from `kubectl kustomize` (kustomize v5.5).
        assert_eq!(encode_base64(b"abc"), "YWJj");
        assert_eq!(
            encode_base64(&[b'a'; 52]),
            "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYQ\n==\n"
        );
        assert_eq!(
            encode_base64(&[b'b'; 60]),
            "YmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYm\nJiYmJiYmJi\n"
        );
    }
}
