//! Span edits into block YAML, shared by every fix: insert a key into a
//! mapping, append an item to a sequence, replace a scalar. Edits are computed
//! from spans, at the indentation already in use, with the file's own line
//! endings (a CRLF file gets CRLF lines) and the scalar's own quoting. Flow
//! collections (`{...}`, `[...]`) are not edited: the caller offers no fix.

use crate::diagnostic::Edit;
use crate::yaml::{Node, ScalarStyle, Span};

fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map(|i| i + 1).unwrap_or(0)
}

/// Offset just after the line holding the last non-blank byte before `end`.
fn after_last_line(text: &str, end: usize) -> usize {
    let mut pos = end.min(text.len());
    while pos > 0 && text.as_bytes()[pos - 1].is_ascii_whitespace() {
        pos -= 1;
    }
    match text[pos..].find('\n') {
        Some(i) => pos + i + 1,
        None => text.len(),
    }
}

fn is_flow(text: &str, span: Span) -> bool {
    matches!(
        text.as_bytes().get(span.start as usize),
        Some(b'{') | Some(b'[')
    )
}

/// The line ending the file uses (its first line's).
pub fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// Where to append to a collection: offset and indentation of its entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Insertion {
    pub offset: usize,
    pub indent: usize,
}

/// Append point of a non-empty block mapping (indentation of its keys).
pub fn mapping_end(text: &str, map: &Node) -> Option<Insertion> {
    let entries = map.as_map()?;
    let first = entries.first()?;
    if is_flow(text, map.span) || entries.iter().any(|e| e.key.span.file != map.span.file) {
        return None;
    }
    let start = first.key.span.start as usize;
    let indent = start - line_start(text, start);
    let end = entries
        .iter()
        .map(|e| e.value.span.end.max(e.key.span.end) as usize)
        .max()?
        .max(map.span.end as usize);
    Some(Insertion {
        offset: after_last_line(text, end),
        indent,
    })
}

/// Append point of a non-empty block sequence (column of its dashes).
pub fn sequence_end(text: &str, seq: &Node) -> Option<Insertion> {
    let items = seq.as_seq()?;
    let first = items.first()?;
    if is_flow(text, seq.span) || items.iter().any(|i| i.span.file != seq.span.file) {
        return None;
    }
    let item_start = first.span.start as usize;
    let ls = line_start(text, item_start);
    let dash = text[ls..item_start].rfind('-')? + ls;
    let end = items
        .iter()
        .map(|i| i.span.end as usize)
        .max()?
        .max(seq.span.end as usize);
    Some(Insertion {
        offset: after_last_line(text, end),
        indent: dash - ls,
    })
}

/// `lines` (relative indentation, `\n`-separated) indented by `indent`, each
/// ended with the file's line ending (and preceded by one at the end of a
/// file that lacks it).
pub fn block(text: &str, at: usize, indent: usize, lines: &str) -> String {
    let pad = " ".repeat(indent);
    let eol = line_ending(text);
    let mut out = String::new();
    if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
        out.push_str(eol);
    }
    for line in lines.lines() {
        out.push_str(&pad);
        out.push_str(line);
        out.push_str(eol);
    }
    out
}

/// An insertion of `lines` at `at`, for [`merge`].
pub type Part = (Span, usize, String);

/// Insert `lines` (a `key: value` block) at the end of block mapping `map`.
pub fn insert_key(text: &str, map: &Node, lines: &str) -> Option<Part> {
    let at = mapping_end(text, map)?;
    Some((
        Span::new(map.span.file, at.offset, at.offset),
        at.indent,
        block(text, at.offset, at.indent, lines),
    ))
}

/// Append `lines` (starting with `- `) to block sequence `seq`.
pub fn append_item(text: &str, seq: &Node, lines: &str) -> Option<Part> {
    let at = sequence_end(text, seq)?;
    Some((
        Span::new(seq.span.file, at.offset, at.offset),
        at.indent,
        block(text, at.offset, at.indent, lines),
    ))
}

/// Replace a scalar's value, keeping its quoting (plain scalars that would
/// need quotes are double-quoted). Block scalars are not replaced.
pub fn replace_scalar(node: &Node, value: &str) -> Option<Edit> {
    let quoted = |v: &str| format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""));
    let replacement = match node.style {
        ScalarStyle::Literal | ScalarStyle::Folded => return None,
        ScalarStyle::SingleQuoted => format!("'{}'", value.replace('\'', "''")),
        ScalarStyle::DoubleQuoted => quoted(value),
        ScalarStyle::Plain if needs_quotes(value) => quoted(value),
        ScalarStyle::Plain => value.to_string(),
    };
    Some(Edit {
        span: node.span,
        replacement,
    })
}

fn needs_quotes(v: &str) -> bool {
    v.is_empty()
        || v.starts_with(|c: char| " -?:,[]{}#&*!|>'\"%@`".contains(c))
        || v.ends_with(' ')
        || v.contains(": ")
        || v.contains(" #")
        || crate::yaml::resolve_scalar(v, ScalarStyle::Plain, None).value
            != crate::yaml::Value::Str(v.to_string())
}

/// Merge insertions at the same offset into one edit (deeper indentation
/// first, so a nested key stays under its parent).
pub fn merge(mut parts: Vec<Part>) -> Vec<Edit> {
    parts.sort_by(|a, b| {
        (a.0.file, a.0.start)
            .cmp(&(b.0.file, b.0.start))
            .then(b.1.cmp(&a.1))
    });
    let mut out: Vec<Edit> = Vec::new();
    for (span, _, text) in parts {
        match out.last_mut() {
            Some(last) if last.span == span => {
                // A leading line break is only needed once, at the end of the file.
                let rest = text
                    .strip_prefix("\r\n")
                    .or_else(|| text.strip_prefix('\n'))
                    .unwrap_or(&text);
                last.replacement.push_str(rest);
            }
            _ => out.push(Edit {
                span,
                replacement: text,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse, FileId};

    fn apply(text: &str, mut edits: Vec<Edit>) -> String {
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        let mut out = text.to_string();
        for e in edits {
            out.replace_range(e.span.range(), &e.replacement);
        }
        out
    }

    #[test]
    fn append_to_mapping_and_sequence() {
        let text = "spec:\n  project: x\n  syncPolicy:\n    syncOptions:\n      - CreateNamespace=true\n# end\n";
        let doc = parse(text, FileId(0));
        let root = &doc.documents[0].root;
        let spec = root.get("spec").unwrap();
        let at = mapping_end(text, spec).unwrap();
        assert_eq!(at.indent, 2);
        assert_eq!(&text[at.offset..], "# end\n");
        let seq = spec.path(&["syncPolicy", "syncOptions"]).unwrap();
        let at = sequence_end(text, seq).unwrap();
        assert_eq!(at.indent, 6);
        let flow = "spec: {a: 1}\n";
        let doc = parse(flow, FileId(0));
        assert!(mapping_end(flow, doc.documents[0].root.get("spec").unwrap()).is_none());
    }

    #[test]
    fn block_text() {
        assert_eq!(
            block("a: 1", 4, 2, "b: 2\nc:\n  - x"),
            "\n  b: 2\n  c:\n    - x\n"
        );
    }

    #[test]
    fn crlf_files_get_crlf_lines() {
        let text = "spec:\r\n  a: 1\r\n  list:\r\n    - x\r\n";
        let doc = parse(text, FileId(0));
        let spec = doc.documents[0].root.get("spec").unwrap();
        let key = insert_key(text, spec, "b:\n  c: 2").unwrap();
        let item = append_item(text, spec.get("list").unwrap(), "- y").unwrap();
        let out = apply(text, merge(vec![key, item]));
        assert_eq!(
            out,
            "spec:\r\n  a: 1\r\n  list:\r\n    - x\r\n    - y\r\n  b:\r\n    c: 2\r\n"
        );
        assert!(!out.replace("\r\n", "").contains('\n'));
    }

    #[test]
    fn replace_keeps_quoting() {
        let text = "a: 'x'\nb: \"y\"\nc: z\nd: |\n  q\n";
        let doc = parse(text, FileId(0));
        let root = &doc.documents[0].root;
        let r = |k: &str, v: &str| replace_scalar(root.get(k).unwrap(), v).map(|e| e.replacement);
        assert_eq!(r("a", "it's").as_deref(), Some("'it''s'"));
        assert_eq!(r("b", "v").as_deref(), Some("\"v\""));
        assert_eq!(r("c", "w").as_deref(), Some("w"));
        assert_eq!(r("c", "true").as_deref(), Some("\"true\""));
        assert_eq!(r("c", "a: b").as_deref(), Some("\"a: b\""));
        assert_eq!(r("d", "v"), None);
    }
}
