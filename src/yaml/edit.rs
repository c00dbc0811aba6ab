//! Span edits into YAML, shared by every fix: insert a key into a mapping,
//! append an item to a sequence, replace or quote a scalar, rename a key,
//! turn a list item into a one-key mapping, replace a whole node. Edits are
//! computed from spans, at the indentation already in use, with the file's
//! own line endings (a CRLF file gets CRLF lines) and the scalar's or key's
//! own quoting. Insertions into flow collections (`{...}`, `[...]`) are not
//! made: the caller offers no fix.

use crate::yaml::{Node, ScalarStyle, Span};

/// One byte-range replacement in a source file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

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
    let quoted = double_quoted;
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

/// Double-quote a plain scalar as written (`yes` → `"yes"`), so it is read as
/// a string; None for a scalar that is already quoted or a block scalar.
pub fn quote_scalar(written: &str, node: &Node) -> Option<Edit> {
    if node.style != ScalarStyle::Plain {
        return None;
    }
    Some(Edit {
        span: node.span,
        replacement: double_quoted(written),
    })
}

fn double_quoted(v: &str) -> String {
    format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Rename a mapping key written as `written` at `key`, keeping its quoting.
pub fn rename_key(written: &str, key: Span, name: &str) -> Edit {
    let replacement = match written.as_bytes().first() {
        Some(b'"') => double_quoted(name),
        Some(b'\'') => format!("'{}'", name.replace('\'', "''")),
        _ => name.to_string(),
    };
    Edit {
        span: key,
        replacement,
    }
}

/// Turn a scalar list item into a one-key mapping: `- file.yaml` →
/// `- path: file.yaml` (the scalar is kept as written).
pub fn item_to_entry(written: &str, item: &Node, key: &str) -> Edit {
    Edit {
        span: item.span,
        replacement: format!("{key}: {written}"),
    }
}

/// Replace a whole block node (a document's root) by `lines`, written without
/// a final line break, keeping the line break that ended the node: a trailing
/// block scalar (`|`) takes that break into its span, and the next line
/// (`---`) is never glued onto the replacement.
pub fn replace_node(text: &str, node: &Node, lines: &str) -> Option<Edit> {
    let range = node.span.range();
    let replaced = text.get(range.clone())?;
    let rest = &text[range.end..];
    let mut replacement = lines.to_string();
    if replaced.ends_with('\n') || !(rest.is_empty() || rest.starts_with(['\n', '\r'])) {
        replacement.push_str(line_ending(text));
    }
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
            != crate::yaml::Value::Str(v.into())
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
    fn rename_quote_wrap_and_replace_keep_the_written_style() {
        let text =
            "\"bases\": x\n'imageTags': y\nz: yes\nlist:\n  - a.yaml\nlast: |\n  q\n---\nnext: 1\n";
        let doc = parse(text, FileId(0));
        let root = &doc.documents[0].root;
        let key = |i: usize| &root.entries()[i].key;
        let w = |s: Span| &text[s.range()];
        assert_eq!(
            rename_key(w(key(0).span), key(0).span, "resources").replacement,
            "\"resources\""
        );
        assert_eq!(
            rename_key(w(key(1).span), key(1).span, "images").replacement,
            "'images'"
        );
        assert_eq!(rename_key("plain", key(2).span, "b").replacement, "b");
        let z = root.get("z").unwrap();
        assert_eq!(quote_scalar(w(z.span), z).unwrap().replacement, "\"yes\"");
        let item = &root.get("list").unwrap().items()[0];
        assert_eq!(
            item_to_entry(w(item.span), item, "path").replacement,
            "path: a.yaml"
        );
        // A document ending in a `|` block keeps its line break before `---`.
        let e = replace_node(text, root, "kind: X").unwrap();
        let out = apply(text, vec![e]);
        assert_eq!(out, "kind: X\n---\nnext: 1\n");
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
