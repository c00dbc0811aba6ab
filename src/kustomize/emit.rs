//! A small block-style YAML emitter for rendered objects (`ftlint render`).

use crate::model::Object;
use crate::yaml::{resolve_scalar, Node, ScalarStyle, Value};

/// The objects as a multi-document YAML stream, like `kubectl kustomize`.
pub fn to_yaml(objects: &[Object]) -> String {
    let mut out = String::new();
    for (i, o) in objects.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        emit_document(&o.root, &mut out);
    }
    out
}

/// One node as a YAML document.
pub fn emit_document(node: &Node, out: &mut String) {
    match &node.value {
        Value::Map(e) if !e.is_empty() => emit_map(node, 0, out),
        Value::Seq(s) if !s.is_empty() => emit_seq(node, 0, out),
        _ => {
            out.push_str(&scalar(node));
            out.push('\n');
        }
    }
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn is_empty_collection(n: &Node) -> Option<&'static str> {
    match &n.value {
        Value::Map(e) if e.is_empty() => Some("{}"),
        Value::Seq(s) if s.is_empty() => Some("[]"),
        _ => None,
    }
}

fn emit_map(node: &Node, indent: usize, out: &mut String) {
    for (i, e) in node.entries().iter().enumerate() {
        if i > 0 {
            pad(out, indent);
        }
        out.push_str(&quote(&e.key.name, true));
        out.push(':');
        emit_value(&e.value, indent, out);
    }
}

/// The value after `key:` (or `- ` for nested sequences).
fn emit_value(v: &Node, indent: usize, out: &mut String) {
    if let Some(empty) = is_empty_collection(v) {
        out.push(' ');
        out.push_str(empty);
        out.push('\n');
        return;
    }
    match &v.value {
        Value::Map(_) => {
            out.push('\n');
            pad(out, indent + 2);
            emit_map(v, indent + 2, out);
        }
        Value::Seq(_) => {
            out.push('\n');
            pad(out, indent);
            emit_seq(v, indent, out);
        }
        _ => {
            out.push(' ');
            out.push_str(&scalar(v));
            out.push('\n');
        }
    }
}

fn emit_seq(node: &Node, indent: usize, out: &mut String) {
    for (i, item) in node.items().iter().enumerate() {
        if i > 0 {
            pad(out, indent);
        }
        out.push_str("- ");
        if let Some(empty) = is_empty_collection(item) {
            out.push_str(empty);
            out.push('\n');
            continue;
        }
        match &item.value {
            Value::Map(_) => emit_map(item, indent + 2, out),
            Value::Seq(_) => emit_seq(item, indent + 2, out),
            _ => {
                out.push_str(&scalar(item));
                out.push('\n');
            }
        }
    }
}

fn scalar(n: &Node) -> String {
    match &n.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => {
            if f.is_nan() {
                ".nan".into()
            } else if f.is_infinite() {
                if *f > 0.0 {
                    ".inf".into()
                } else {
                    "-.inf".into()
                }
            } else {
                let s = format!("{f:?}");
                if s.contains('.') {
                    s
                } else if let Some((m, e)) = s.split_once('e') {
                    format!("{m}.0e{e}")
                } else {
                    format!("{s}.0")
                }
            }
        }
        Value::Str(s) => quote(s, false),
        _ => String::new(),
    }
}

/// A string as a YAML scalar: plain when it reads back as the same string, else double-quoted.
pub fn quote(s: &str, is_key: bool) -> String {
    if plain_ok(s, is_key) {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
    }
}

fn plain_ok(s: &str, is_key: bool) -> bool {
    if s.is_empty() || s == "<<" {
        return false;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        // `-x`, `:x`, `?x` are plain in YAML, but keep it simple and safe.
        if !(matches!(first, '-' | ':' | '?') && s.len() > 1 && !s[1..].starts_with(' '))
            || s == "-"
        {
            return false;
        }
        if first == '-' && s.starts_with("---") {
            return false;
        }
    }
    if s.starts_with(' ') || s.ends_with(' ') || s.ends_with(':') {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.contains('\t') {
        return false;
    }
    if s.chars()
        .any(|c| c.is_control() || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}')
    {
        return false;
    }
    if is_key
        && (s.contains(',')
            || s.contains('[')
            || s.contains(']')
            || s.contains('{')
            || s.contains('}'))
    {
        return false;
    }
    // go-yaml quotes what YAML 1.1 reads as a boolean, `y` and `n` included.
    if looks_like_timestamp(s) || matches!(s, "y" | "Y" | "n" | "N") {
        return false;
    }
    let r = resolve_scalar(s, ScalarStyle::Plain, None);
    matches!(&r.value, Value::Str(x) if x == s) && !r.ambiguous
}

/// A YAML 1.1 timestamp (`2001-12-14`, `2001-12-14t21:59:43.10-05:00`):
/// kubectl quotes such strings, and YAML 1.1 readers would not keep them strings.
fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    if b.len() < 8 || !digits(0..4) || b[4] != b'-' {
        return false;
    }
    let rest = &s[5..];
    let mut parts = rest.splitn(2, '-');
    let month = parts.next().unwrap_or("");
    let Some(tail) = parts.next() else {
        return false;
    };
    let day_len = tail.bytes().take_while(u8::is_ascii_digit).count();
    (1..=2).contains(&month.len())
        && month.bytes().all(|c| c.is_ascii_digit())
        && (1..=2).contains(&day_len)
        && (day_len == tail.len() || matches!(tail.as_bytes()[day_len], b'T' | b't' | b' ' | b'\t'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse, FileId};

    fn roundtrip(text: &str) {
        let p = parse(text, FileId(0));
        let root = &p.documents[0].root;
        let mut out = String::new();
        emit_document(root, &mut out);
        let q = parse(&out, FileId(0));
        assert!(q.error.is_none(), "{out}");
        assert_eq!(root.to_json(), q.documents[0].root.to_json(), "{out}");
    }

    #[test]
    fn emits_tricky_scalars() {
        assert!(looks_like_timestamp("1970-01-01T00:00:00Z"));
        assert!(looks_like_timestamp("2019-03-20"));
        assert!(!looks_like_timestamp("2019-03-20-release"));
        assert!(!looks_like_timestamp("v2019-03-20"));
        roundtrip(
            "a: \"yes\"\nb: \"0755\"\nc: \"1.0\"\nd: \"\"\ne: \"x: y\"\nf: \"a\\nb\"\ng: \"null\"\nh: [1, -1, 1.5, true, null, \"-\", \"- x\"]\ni: {}\nj: []\nk: [[1, 2], {x: 1, y: [a]}, []]\n\"y\": \"~\"\nl: \"#x\"\nm: \"@x\"\nn: \" x\"\no: \"1e3\"\np: \"0x1F\"\nq: \"1:20\"\nr: \"*a\"\n",
        );
    }
}
