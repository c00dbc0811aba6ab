//! Insertion edits into block YAML, computed from spans: append a key to a
//! mapping or an item to a sequence, at the indentation already in use.
//! Flow collections (`{...}`, `[...]`) are not edited (no fix offered).

use crate::diagnostic::Edit;
use crate::yaml::{Node, Span};

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

/// `lines` (relative indentation, `\n`-separated) indented by `indent`,
/// ending with a newline (and starting with one at the end of a file that
/// lacks it).
pub fn block(text: &str, at: usize, indent: usize, lines: &str) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
        out.push('\n');
    }
    for line in lines.lines() {
        out.push_str(&pad);
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Merge insertions at the same offset into one edit (deeper indentation
/// first, so a nested key stays under its parent).
pub fn merge(mut parts: Vec<(Span, usize, String)>) -> Vec<Edit> {
    parts.sort_by(|a, b| {
        (a.0.file, a.0.start)
            .cmp(&(b.0.file, b.0.start))
            .then(b.1.cmp(&a.1))
    });
    let mut out: Vec<Edit> = Vec::new();
    for (span, _, text) in parts {
        match out.last_mut() {
            Some(last) if last.span == span => {
                // A leading newline is only needed once, at the end of the file.
                last.replacement
                    .push_str(text.strip_prefix('\n').unwrap_or(&text));
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
}
