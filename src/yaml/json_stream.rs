//! Concatenated JSON values (`{...}{...}` or one per line), read as documents.
//!
//! YAML has no such stream, but Argo CD reads `.json` files with a JSON
//! decoder that takes every value in turn, and Kustomize decodes a document
//! that starts with `{` as JSON. Each value is handed to the YAML parser on
//! its own, so spans and errors stay those of the parser.

use std::ops::Range;

/// Byte ranges of `text` to parse as separate streams: one range per JSON
/// value when `text` is two or more of them, else the whole text.
pub fn documents(text: &str) -> Vec<Range<usize>> {
    split(text).unwrap_or_else(|| std::iter::once(0..text.len()).collect())
}

fn split(text: &str) -> Option<Vec<Range<usize>>> {
    let bytes = text.as_bytes();
    let mut values = Vec::new();
    let mut at = skip_whitespace(bytes, 0);
    while at < bytes.len() {
        if !matches!(bytes[at], b'{' | b'[') {
            return None;
        }
        let end = value_end(bytes, at)?;
        values.push(at..end);
        at = skip_whitespace(bytes, end);
    }
    if values.len() < 2 {
        return None;
    }
    // The first range keeps the leading whitespace, the last the trailing text.
    values[0].start = 0;
    if let Some(last) = values.last_mut() {
        last.end = text.len();
    }
    Some(values)
}

fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && matches!(bytes[at], b' ' | b'\t' | b'\r' | b'\n') {
        at += 1;
    }
    at
}

/// End of the bracketed value opening at `start`, skipping double-quoted strings.
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut at = start;
    while at < bytes.len() {
        let b = bytes[at];
        if in_string {
            match b {
                b'\\' => at += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(at + 1);
                    }
                }
                _ => {}
            }
        }
        at += 1;
    }
    None
}
