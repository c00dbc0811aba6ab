//! Build [`Document`]s from saphyr-parser events, with byte spans on every node.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle as SaphyrStyle, Tag};

use super::node::{Entry, FileId, Key, Node, ScalarStyle, Span, Value};

/// Alias expansion beyond this many nodes is refused (billion-laughs defence).
const MAX_EXPANDED_NODES: usize = 2_000_000;

#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub root: Node,
    /// From the document's first token to the end of its content.
    pub span: Span,
    pub duplicates: Vec<DuplicateKey>,
}

/// A mapping that repeats a key; Kubernetes keeps the last value.
#[derive(Clone, Debug, PartialEq)]
pub struct DuplicateKey {
    pub name: String,
    pub first: Span,
    pub second: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    /// Byte offset of the error.
    pub offset: usize,
    pub message: String,
}

/// A file's documents; those before a syntax error are kept.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedFile {
    pub documents: Vec<Document>,
    pub error: Option<SyntaxError>,
}

/// Converts saphyr's character indices to byte offsets.
struct Offsets<'a> {
    base: usize,
    /// Byte offset of each char; empty when the text is ASCII.
    table: Vec<u32>,
    len: usize,
    _text: &'a str,
}

impl<'a> Offsets<'a> {
    fn new(text: &'a str, base: usize) -> Self {
        let table = if text.is_ascii() {
            Vec::new()
        } else {
            let mut t: Vec<u32> = text.char_indices().map(|(i, _)| i as u32).collect();
            t.push(text.len() as u32);
            t
        };
        Offsets {
            base,
            table,
            len: text.len(),
            _text: text,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        let local = if self.table.is_empty() {
            char_index.min(self.len)
        } else {
            *self
                .table
                .get(char_index)
                .unwrap_or(self.table.last().unwrap_or(&0)) as usize
        };
        self.base + local
    }
}

enum Frame {
    Seq {
        items: Vec<Node>,
        start: usize,
        anchor: usize,
        tag: Option<Box<str>>,
    },
    Map {
        entries: Vec<Entry>,
        merges: Vec<Node>,
        key: Option<Key>,
        start: usize,
        anchor: usize,
        tag: Option<Box<str>>,
    },
}

struct Builder {
    file: FileId,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    expanded: usize,
    duplicates: Vec<DuplicateKey>,
    root: Option<Node>,
}

impl Builder {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    /// Hand a finished node to its parent (or make it the document root).
    fn push_node(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            let weight = node.weight();
            self.anchors.insert(anchor, (node.clone(), weight));
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                merges,
                key,
                ..
            }) => match key.take() {
                None => {
                    let name = match &node.value {
                        Value::Map(_) | Value::Seq(_) => "<complex key>".to_string(),
                        _ => node.scalar_text().unwrap_or_default(),
                    };
                    *key = Some(Key {
                        name,
                        span: node.span,
                    });
                }
                Some(k) => {
                    if k.name == "<<" && matches!(node.value, Value::Map(_) | Value::Seq(_)) {
                        merges.push(node);
                    } else if let Some(existing) = entries.iter_mut().find(|e| e.key.name == k.name)
                    {
                        self.duplicates.push(DuplicateKey {
                            name: k.name.clone(),
                            first: existing.key.span,
                            second: k.span,
                        });
                        existing.key = k;
                        existing.value = node;
                    } else {
                        entries.push(Entry {
                            key: k,
                            value: node,
                        });
                    }
                }
            },
        }
    }
}

fn style_of(s: SaphyrStyle) -> ScalarStyle {
    match s {
        SaphyrStyle::Plain => ScalarStyle::Plain,
        SaphyrStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        SaphyrStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        SaphyrStyle::Literal => ScalarStyle::Literal,
        SaphyrStyle::Folded => ScalarStyle::Folded,
    }
}

fn tag_text(tag: Option<Cow<'_, Tag>>) -> Option<Box<str>> {
    tag.map(|t| {
        if t.handle == "tag:yaml.org,2002:" {
            format!("!!{}", t.suffix).into_boxed_str()
        } else {
            t.to_string().into_boxed_str()
        }
    })
}

/// Parse a whole file (any number of documents). Never panics on bad input.
pub fn parse(text: &str, file: FileId) -> ParsedFile {
    let (body, base) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, text.len() - rest.len()),
        None => (text, 0),
    };
    let offsets = Offsets::new(body, base);
    let mut out = ParsedFile::default();
    let mut builder = Builder {
        file,
        stack: Vec::new(),
        anchors: HashMap::new(),
        expanded: 0,
        duplicates: Vec::new(),
        root: None,
    };
    let mut doc_start = base;
    // A panic inside the third-party parser must not take the run down.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_parser(body, &offsets, &mut builder, &mut out, &mut doc_start)
    }));
    match result {
        Ok(Ok(())) => {}
        Ok(Err(e)) => out.error = Some(e),
        Err(_) => {
            out.error = Some(SyntaxError {
                offset: doc_start,
                message: "the YAML parser failed on this input".to_string(),
            })
        }
    }
    out
}

fn run_parser(
    body: &str,
    offsets: &Offsets<'_>,
    b: &mut Builder,
    out: &mut ParsedFile,
    doc_start: &mut usize,
) -> Result<(), SyntaxError> {
    let parser = Parser::new_from_str(body).keep_tags(true);
    for event in parser {
        let (event, span) = event.map_err(|e| SyntaxError {
            offset: offsets.byte(e.marker().index()),
            message: e.info().to_string(),
        })?;
        let start = offsets.byte(span.start.index());
        let end = offsets.byte(span.end.index());
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
            Event::DocumentStart(_) => {
                *doc_start = start;
                b.anchors.clear();
                b.expanded = 0;
            }
            Event::DocumentEnd => {
                let root = b
                    .root
                    .take()
                    .unwrap_or_else(|| Node::null(b.span(start, start)));
                let span = Span::new(
                    b.file,
                    *doc_start,
                    root.span.end.max(*doc_start as u32) as usize,
                );
                out.documents.push(Document {
                    root,
                    span,
                    duplicates: std::mem::take(&mut b.duplicates),
                });
            }
            Event::Scalar(text, style, anchor, tag) => {
                if let Some(Frame::Map {
                    key: key @ None, ..
                }) = b.stack.last_mut()
                {
                    // Keys keep their text as written: `on:` and `0755:` are not resolved.
                    *key = Some(Key {
                        name: text.to_string(),
                        span: Span::new(b.file, start, end),
                    });
                    continue;
                }
                let tag = tag_text(tag);
                let text = clip_at_end_of_input(body, offsets, text, style, end);
                let mut node = resolve_scalar(&text, style_of(style), tag.as_deref());
                node.span = b.span(start, end);
                node.tag = tag;
                b.push_node(node, anchor);
            }
            Event::Alias(id) => {
                let (node, weight) = b.anchors.get(&id).cloned().ok_or_else(|| SyntaxError {
                    offset: start,
                    message: "alias refers to an unknown anchor".to_string(),
                })?;
                b.expanded += weight;
                if b.expanded > MAX_EXPANDED_NODES {
                    return Err(SyntaxError {
                        offset: start,
                        message: format!(
                            "aliases expand to more than {MAX_EXPANDED_NODES} nodes (refused: possible alias bomb)"
                        ),
                    });
                }
                b.push_node(node, 0);
            }
            Event::SequenceStart(anchor, tag) => b.stack.push(Frame::Seq {
                items: Vec::new(),
                start,
                anchor,
                tag: tag_text(tag),
            }),
            Event::MappingStart(anchor, tag) => b.stack.push(Frame::Map {
                entries: Vec::new(),
                merges: Vec::new(),
                key: None,
                start,
                anchor,
                tag: tag_text(tag),
            }),
            Event::SequenceEnd => {
                if let Some(Frame::Seq {
                    items,
                    start: s,
                    anchor,
                    tag,
                }) = b.stack.pop()
                {
                    let end =
                        collection_end(body, offsets, s, end, items.last().map(|n| n.span.end));
                    let mut node = Node::new(Value::Seq(items), b.span(s, end));
                    node.tag = tag;
                    b.push_node(node, anchor);
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map {
                    mut entries,
                    merges,
                    start: s,
                    anchor,
                    tag,
                    ..
                }) = b.stack.pop()
                {
                    apply_merges(&mut entries, merges);
                    let last = entries
                        .iter()
                        .map(|e| e.value.span.end.max(e.key.span.end))
                        .max();
                    let end = collection_end(body, offsets, s, end, last);
                    let mut node = Node::new(Value::Map(entries), b.span(s, end));
                    node.tag = tag;
                    b.push_node(node, anchor);
                }
            }
        }
    }
    Ok(())
}

/// saphyr adds a final line break to a block scalar that ends the input
/// without one; YAML (and go-yaml) keep only the breaks actually present.
fn clip_at_end_of_input<'t>(
    body: &str,
    offsets: &Offsets<'_>,
    text: Cow<'t, str>,
    style: SaphyrStyle,
    end: usize,
) -> Cow<'t, str> {
    let block = matches!(style, SaphyrStyle::Literal | SaphyrStyle::Folded);
    let at_end = end - offsets.base >= body.len();
    if block && at_end && !body.ends_with('\n') && text.ends_with('\n') {
        let mut owned = text.into_owned();
        owned.pop();
        Cow::Owned(owned)
    } else {
        text
    }
}

/// Flow collections end at their closing bracket; block ones at their last child.
fn collection_end(
    body: &str,
    offsets: &Offsets<'_>,
    start: usize,
    end_event: usize,
    last_child: Option<u32>,
) -> usize {
    let local = start - offsets.base;
    let opener = body.as_bytes().get(local).copied();
    if matches!(opener, Some(b'{') | Some(b'[')) {
        end_event.max(start)
    } else {
        last_child.map(|e| e as usize).unwrap_or(start).max(start)
    }
}

/// `<<: *base` and `<<: [*a, *b]`: explicit keys win, then earlier merges win.
fn apply_merges(entries: &mut Vec<Entry>, merges: Vec<Node>) {
    for merge in merges {
        let sources: Vec<Node> = match merge.value {
            Value::Map(_) => vec![merge],
            Value::Seq(items) => items,
            _ => continue,
        };
        for source in sources {
            if let Value::Map(source_entries) = source.value {
                for e in source_entries {
                    if !entries.iter().any(|x| x.key.name == e.key.name) {
                        entries.push(e);
                    }
                }
            }
        }
    }
}

const TRUE_11: &[&str] = &["y", "Y", "yes", "Yes", "YES", "on", "On", "ON"];
const FALSE_11: &[&str] = &["n", "N", "no", "No", "NO", "off", "Off", "OFF"];

/// Resolve a scalar the way Kubernetes (go-yaml, YAML 1.1) does, noting
/// plain scalars that YAML 1.2 would read differently.
pub fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Node {
    let span = Span::default();
    let mut node = Node::new(Value::Str(text.to_string()), span);
    node.style = style;
    if let Some(tag) = tag {
        node.value = match tag {
            "!!str" | "!" => Value::Str(text.to_string()),
            "!!null" => Value::Null,
            "!!bool" => resolve_plain(text).0,
            "!!int" | "!!float" => match resolve_plain(text).0 {
                v @ (Value::Int(_) | Value::Float(_)) => v,
                _ => Value::Str(text.to_string()),
            },
            _ => {
                if style == ScalarStyle::Plain {
                    resolve_plain(text).0
                } else {
                    Value::Str(text.to_string())
                }
            }
        };
        return node;
    }
    if style != ScalarStyle::Plain {
        return node;
    }
    let (value, ambiguous) = resolve_plain(text);
    node.value = value;
    node.ambiguous = ambiguous;
    node
}

/// Returns the YAML 1.1 value and whether YAML 1.2 (core schema) disagrees.
fn resolve_plain(text: &str) -> (Value, bool) {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return (Value::Null, false),
        "true" | "True" | "TRUE" => return (Value::Bool(true), false),
        "false" | "False" | "FALSE" => return (Value::Bool(false), false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return (Value::Float(f64::INFINITY), false)
        }
        "-.inf" | "-.Inf" | "-.INF" => return (Value::Float(f64::NEG_INFINITY), false),
        ".nan" | ".NaN" | ".NAN" => return (Value::Float(f64::NAN), false),
        _ => {}
    }
    if TRUE_11.contains(&text) {
        return (Value::Bool(true), true);
    }
    if FALSE_11.contains(&text) {
        return (Value::Bool(false), true);
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return (Value::Str(text.to_string()), false);
    }
    let (neg, digits) = match text.as_bytes()[0] {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let has_underscore = digits.contains('_');
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    let sign = |v: i64| if neg { -v } else { v };
    if let Some(hex) = clean.strip_prefix("0x") {
        if let Ok(v) = i64::from_str_radix(hex, 16) {
            return (Value::Int(sign(v)), has_underscore);
        }
    }
    if let Some(bin) = clean.strip_prefix("0b") {
        if let Ok(v) = i64::from_str_radix(bin, 2) {
            return (Value::Int(sign(v)), true);
        }
    }
    if !clean.is_empty() && clean.bytes().all(|c| c.is_ascii_digit()) {
        if clean.len() > 1 && clean.starts_with('0') {
            // YAML 1.1 octal: `0755` is 493 for Kubernetes, 755 for YAML 1.2.
            if let Ok(v) = i64::from_str_radix(&clean[1..], 8) {
                return (Value::Int(sign(v)), true);
            }
            if let Ok(v) = clean.parse::<i64>() {
                return (Value::Int(sign(v)), false);
            }
        }
        if let Ok(v) = clean.parse::<i64>() {
            return (Value::Int(sign(v)), has_underscore);
        }
        if let Ok(v) = clean.parse::<f64>() {
            return (Value::Float(if neg { -v } else { v }), has_underscore);
        }
    }
    if is_float(&clean) {
        if let Ok(v) = clean.parse::<f64>() {
            return (Value::Float(if neg { -v } else { v }), has_underscore);
        }
    }
    (Value::Str(text.to_string()), false)
}

/// `1.5`, `.5`, `1.`, `1e3`, `1.5e-3` (YAML float syntax; Rust's parser is looser).
fn is_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let mut mantissa_digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        mantissa_digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            mantissa_digits += 1;
        }
    }
    if mantissa_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}
