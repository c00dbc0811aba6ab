//! Plain scalars as Kustomize reads them.
//!
//! ftlint parses every file the way Kubernetes reads a manifest (go-yaml
//! v2, YAML 1.1). Kustomize reads its inputs with go-yaml v3 instead, and
//! two readings differ there:
//! - `y`, `yes`, `on`, `n`, `no`, `off` (any case YAML 1.1 allows) are
//!   strings, not booleans; Kustomize writes them back quoted, so the
//!   cluster receives the string;
//! - integers with a `0o`/`0O` prefix, or an upper-case `0X`/`0B` prefix,
//!   are integers (YAML 1.1 reads them as strings).
//!
//! Everything else (decimal, `0x`, `0b`, leading-zero octal, underscores,
//! floats, nulls, `true`/`false`) reads the same in both.

use crate::yaml::{Node, ScalarStyle, Value};

/// Whether Kustomize reads some plain scalar of `node` differently.
pub fn differs(node: &Node) -> bool {
    match &node.value {
        Value::Seq(items) => items.iter().any(differs),
        Value::Map(entries) => entries.iter().any(|e| differs(&e.value)),
        _ => reread(node, None).is_some(),
    }
}

/// `node` as Kustomize reads it: shared as is when nothing differs, else a
/// copy converted by [`convert`] (`text`: what its spans point into).
pub fn read(node: &Node, text: &str) -> Node {
    let mut node = node.clone();
    if differs(&node) {
        convert(&mut node, text);
    }
    node
}

/// Rewrite `node`'s plain scalars the way Kustomize reads them; `text` is
/// the text its spans point into. Only the levels on the way to a changed
/// scalar are copied.
pub fn convert(node: &mut Node, text: &str) {
    if let Some(items) = node.as_seq_mut() {
        for item in items.iter_mut().filter(|i| differs(i)) {
            convert(item, text);
        }
    } else if let Some(entries) = node.as_map_mut() {
        for e in entries.iter_mut().filter(|e| differs(&e.value)) {
            convert(&mut e.value, text);
        }
    } else if let Some(value) = reread(node, Some(text)) {
        node.value = value;
        node.ambiguous = false;
    }
}

/// Kustomize's value for a plain scalar it reads differently, `None` when
/// it reads it the same. Without `text`, any placeholder value answers.
fn reread(node: &Node, text: Option<&str>) -> Option<Value> {
    if node.style != ScalarStyle::Plain || node.tag.is_some() {
        return None;
    }
    match &node.value {
        // A YAML 1.1 boolean word (`true`/`false` are never ambiguous).
        Value::Bool(_) if node.ambiguous => Some(match text {
            Some(text) => Value::Str(text.get(node.span.range()).unwrap_or_default().into()),
            None => Value::Null,
        }),
        Value::Str(s) => go_prefixed_int(s).map(Value::Int),
        _ => None,
    }
}

/// `0o17`, `0O17`, `0X1F`, `0B11` (signed, `_` between digits): the
/// prefixed integers go-yaml v3 reads and YAML 1.1 does not.
fn go_prefixed_int(s: &str) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let radix = match rest.get(..2)? {
        "0o" | "0O" => 8,
        "0X" => 16,
        "0B" => 2,
        _ => return None,
    };
    let digits = rest[2..].strip_prefix('_').unwrap_or(&rest[2..]);
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    let v = i64::from_str_radix(&clean, radix).ok()?;
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> Node {
        let parsed = crate::yaml::parse(text, crate::yaml::FileId(0));
        read(&parsed.documents[0].root, text)
    }

    #[test]
    fn yaml_11_booleans_are_strings_and_go_prefixes_are_integers() {
        let root = read_text(
            "a: yes\nb: y\nc: On\nd: no\ne: true\nf: 0o17\ng: 0X1F\nh: -0B11\ni: 0x10\nj: 0755\nk: \"yes\"\nl: !!bool yes\nm: 0o_7\n",
        );
        let v = |k: &str| root.get(k).unwrap().value.clone();
        assert_eq!(v("a"), Value::Str("yes".into()));
        assert_eq!(v("b"), Value::Str("y".into()));
        assert_eq!(v("c"), Value::Str("On".into()));
        assert_eq!(v("d"), Value::Str("no".into()));
        assert_eq!(v("e"), Value::Bool(true));
        assert_eq!(v("f"), Value::Int(15));
        assert_eq!(v("g"), Value::Int(31));
        assert_eq!(v("h"), Value::Int(-3));
        assert_eq!(v("i"), Value::Int(16));
        assert_eq!(v("j"), Value::Int(493));
        assert_eq!(v("k"), Value::Str("yes".into()));
        assert_eq!(v("l"), Value::Bool(true));
        assert_eq!(v("m"), Value::Int(7));
        assert!(!root.get("a").unwrap().ambiguous);
    }

    #[test]
    fn trees_kustomize_reads_the_same_are_left_shared() {
        let text = "a: [1, true, x]\nb: {c: 0x1F}\n";
        let parsed = crate::yaml::parse(text, crate::yaml::FileId(0));
        assert!(!differs(&parsed.documents[0].root));
        for bad in ["0o", "0o_", "0o1__2", "0o8", "0O9_", "0Xg"] {
            assert_eq!(go_prefixed_int(bad), None, "{bad}");
        }
    }
}
