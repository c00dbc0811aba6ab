//! Build [`Document`]s from libyaml events, with byte spans on every node.
//!
//! The event layer is `libyaml-safer`, a port of libyaml, as go-yaml (what
//! kubectl, Kustomize and Argo CD read YAML with) is: ftlint accepts what they
//! accept. Its marks are byte offsets into the text it was given.

use std::collections::{HashMap, HashSet};

use libyaml_safer::{
    Error as LibyamlError, ErrorKind, Event, EventData, Parser, ScalarStyle as LibyamlStyle,
};

use super::fold;
use super::json_stream;
use super::node::{Entry, FileId, Key, Node, ScalarStyle, Span, Str, Value};
use super::resolve::resolve_scalar;

/// Alias expansion beyond this many nodes is refused (billion-laughs defence).
const MAX_EXPANDED_NODES: usize = 2_000_000;

/// Collections nested deeper than this are refused: every later stage walks
/// trees recursively, and no manifest comes near it (serde_json stops at 128).
pub const MAX_DEPTH: usize = 1_000;

/// A mapping switches from a linear key search to a hash index past this size.
const INDEX_FROM: usize = 16;

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

/// A mapping under construction: entries in order, plus a key index once it is large.
#[derive(Default)]
struct MapBuilder {
    entries: Vec<Entry>,
    index: HashMap<Str, usize>,
    merges: Vec<Node>,
    key: Option<Key>,
}

impl MapBuilder {
    fn position(&self, name: &str) -> Option<usize> {
        if self.entries.len() < INDEX_FROM {
            self.entries.iter().position(|e| e.key.name == name)
        } else {
            self.index.get(name).copied()
        }
    }

    fn push(&mut self, entry: Entry) {
        self.entries.push(entry);
        let n = self.entries.len();
        if n == INDEX_FROM {
            self.index = (self.entries.iter().enumerate())
                .map(|(i, e)| (e.key.name.clone(), i))
                .collect();
        } else if n > INDEX_FROM {
            self.index
                .insert(self.entries[n - 1].key.name.clone(), n - 1);
        }
    }
}

enum Frame {
    Seq(Vec<Node>),
    Map(MapBuilder),
}

struct Open {
    frame: Frame,
    start: usize,
    flow: bool,
    anchor: Option<String>,
    tag: Option<Box<Str>>,
}

/// An anchored node with what an alias to it costs: its node count and height.
struct Anchored {
    node: Node,
    weight: usize,
    height: usize,
}

struct Builder {
    file: FileId,
    stack: Vec<Open>,
    anchors: HashMap<String, Anchored>,
    expanded: usize,
    duplicates: Vec<DuplicateKey>,
    root: Option<Node>,
    /// A mapping or sequence used as a key: go-yaml reads it, but
    /// sigs.k8s.io/yaml (kubectl, Kustomize, Argo CD) refuses the file.
    complex_key: Option<SyntaxError>,
}

impl Builder {
    fn new(file: FileId) -> Builder {
        Builder {
            file,
            stack: Vec::new(),
            anchors: HashMap::new(),
            expanded: 0,
            duplicates: Vec::new(),
            root: None,
            complex_key: None,
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    /// Hand a finished node to its parent (or make it the document root).
    fn push_node(&mut self, node: Node, anchor: Option<String>) {
        if let Some(anchor) = anchor {
            let anchored = Anchored {
                weight: node.weight(),
                height: height(&node),
                node: node.clone(),
            };
            self.anchors.insert(anchor, anchored);
        }
        let Some(open) = self.stack.last_mut() else {
            self.root = Some(node);
            return;
        };
        match &mut open.frame {
            Frame::Seq(items) => items.push(node),
            Frame::Map(map) => match map.key.take() {
                None => {
                    let name = match &node.value {
                        Value::Map(_) | Value::Seq(_) => {
                            let what = if matches!(node.value, Value::Map(_)) {
                                "mapping"
                            } else {
                                "sequence"
                            };
                            self.complex_key.get_or_insert(SyntaxError {
                                offset: node.span.start as usize,
                                message: format!("a {what} used as a mapping key: kubectl refuses it (`invalid map key`); keys must be scalars"),
                            });
                            "<complex key>".to_string()
                        }
                        _ => node.scalar_text().unwrap_or_default(),
                    };
                    map.key = Some(Key {
                        name: name.into(),
                        span: node.span,
                    });
                }
                Some(k) => {
                    if k.name == "<<" && matches!(node.value, Value::Map(_) | Value::Seq(_)) {
                        map.merges.push(node);
                    } else if let Some(i) = map.position(&k.name) {
                        let existing = &mut map.entries[i];
                        self.duplicates.push(DuplicateKey {
                            name: k.name.to_string(),
                            first: existing.key.span,
                            second: k.span,
                        });
                        existing.key = k;
                        existing.value = node;
                    } else {
                        map.push(Entry {
                            key: k,
                            value: node,
                        });
                    }
                }
            },
        }
    }

    fn open(
        &mut self,
        frame: Frame,
        start: usize,
        body: &str,
        anchor: Option<String>,
        tag: Option<String>,
    ) -> Result<(), SyntaxError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(too_deep(start));
        }
        let mut start = skip_properties(body, start, anchor.is_some() || tag.is_some());
        let flow = matches!(body.as_bytes().get(start), Some(b'{' | b'['));
        if !flow && matches!(frame, Frame::Seq(_)) && self.indentless(body, start) {
            // `key:\n- a`: spanned from its first item, not its first `-`.
            start = skip_whitespace(body, start + 1);
        }
        self.stack.push(Open {
            frame,
            start,
            flow,
            anchor,
            tag: tag.map(tag_text),
        });
        Ok(())
    }

    /// Close the innermost collection: flow ones end at their bracket, block
    /// ones at their last child (libyaml ends them at the next token).
    fn close(&mut self, end_event: usize) {
        let Some(open) = self.stack.pop() else { return };
        let (value, last_child) = match open.frame {
            // Exact-sized: growth by doubling left up to half of every
            // collection's capacity unused for the whole run.
            Frame::Seq(mut items) => {
                items.shrink_to_fit();
                let last = items.last().map(|n| n.span.end);
                (Value::Seq(items.into()), last)
            }
            Frame::Map(map) => {
                let mut entries = map.entries;
                apply_merges(&mut entries, map.merges);
                entries.shrink_to_fit();
                let last = (entries.iter())
                    .map(|e| e.value.span.end.max(e.key.span.end))
                    .max();
                (Value::Map(entries.into()), last)
            }
        };
        let end = if open.flow {
            end_event.max(open.start)
        } else {
            last_child
                .map_or(open.start, |e| e as usize)
                .max(open.start)
        };
        let mut node = Node::new(value, self.span(open.start, end));
        node.tag = open.tag;
        self.push_node(node, open.anchor);
    }

    /// A block sequence whose `-` sits at the column of the key it is the value of.
    fn indentless(&self, body: &str, dash: usize) -> bool {
        let column = |at: usize| at - body[..at].rfind('\n').map_or(0, |i| i + 1);
        let key = match self.stack.last().map(|o| &o.frame) {
            Some(Frame::Map(map)) => map.key.as_ref(),
            _ => None,
        };
        body.as_bytes().get(dash) == Some(&b'-')
            && key.is_some_and(|k| column(k.span.start as usize) == column(dash))
    }

    /// The mapping waiting for a key, if the next scalar is one.
    fn expects_key(&mut self) -> Option<&mut MapBuilder> {
        match self.stack.last_mut().map(|o| &mut o.frame) {
            Some(Frame::Map(map)) if map.key.is_none() => Some(map),
            _ => None,
        }
    }
}

fn too_deep(offset: usize) -> SyntaxError {
    SyntaxError {
        offset,
        message: format!("collections nested deeper than {MAX_DEPTH} levels (refused)"),
    }
}

/// Height of a tree in collections; bounded by [`MAX_DEPTH`] on parsed input.
fn height(node: &Node) -> usize {
    match &node.value {
        Value::Seq(items) => 1 + items.iter().map(height).max().unwrap_or(0),
        Value::Map(entries) => 1 + entries.iter().map(|e| height(&e.value)).max().unwrap_or(0),
        _ => 0,
    }
}

/// libyaml starts a node's event at its anchor or tag; spans start at the node itself.
fn skip_properties(body: &str, mut at: usize, has_properties: bool) -> usize {
    if !has_properties {
        return at;
    }
    let bytes = body.as_bytes();
    while matches!(bytes.get(at), Some(b'&' | b'!')) {
        while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
    }
    at.min(bytes.len())
}

/// Offset of a `\\/` escape in a double-quoted scalar: libyaml reads it
/// (JSON has it), go-yaml refuses it.
fn slash_escape(raw: &str) -> Option<usize> {
    let bytes = raw.as_bytes();
    let mut at = 0;
    while at + 1 < bytes.len() {
        if bytes[at] == b'\\' {
            if bytes[at + 1] == b'/' {
                return Some(at);
            }
            at += 2;
        } else {
            at += 1;
        }
    }
    None
}

fn skip_whitespace(body: &str, mut at: usize) -> usize {
    let bytes = body.as_bytes();
    while at < bytes.len() && bytes[at].is_ascii_whitespace() {
        at += 1;
    }
    at
}

fn style_of(s: LibyamlStyle) -> ScalarStyle {
    match s {
        LibyamlStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        LibyamlStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        LibyamlStyle::Literal => ScalarStyle::Literal,
        LibyamlStyle::Folded => ScalarStyle::Folded,
        _ => ScalarStyle::Plain,
    }
}

/// `tag:yaml.org,2002:str` is written `!!str`; other tags stay as resolved.
fn tag_text(tag: String) -> Box<Str> {
    Box::new(match tag.strip_prefix("tag:yaml.org,2002:") {
        Some(suffix) => format!("!!{suffix}").into(),
        None => tag.into(),
    })
}

/// Parse a whole file (any number of documents). Never panics on bad input.
pub fn parse(text: &str, file: FileId) -> ParsedFile {
    parse_with(text, file, true)
}

/// [`parse`] with libyaml for every segment (what the fast path is checked against).
#[cfg(test)]
pub(super) fn parse_with_libyaml(text: &str, file: FileId) -> ParsedFile {
    parse_with(text, file, false)
}

fn parse_with(text: &str, file: FileId, fast: bool) -> ParsedFile {
    let base = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let mut out = ParsedFile::default();
    let mut doc_start = base;
    // A panic inside the third-party parser must not take the run down.
    quiet_parser_panics();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        for range in json_stream::documents(&text[base..]) {
            let range = range.start + base..range.end + base;
            parse_segment(text, range, file, fast, &mut out, &mut doc_start)?;
        }
        Ok(())
    }));
    match result {
        Ok(Ok(())) => {}
        Ok(Err(e)) => out.error = Some(e),
        Err(_) => {
            out.error = Some(SyntaxError {
                offset: doc_start,
                message: "the YAML parser cannot read this document (libyaml-safer stops on it; \
                          a tag directly followed by `,` in a flow collection is one such input)"
                    .to_string(),
            })
        }
    }
    out
}

/// libyaml-safer panics on a few inputs it leaves unimplemented (a tag
/// followed by `,` in a flow collection: `[!,]`). `parse` catches the panic
/// and reports a syntax error; this keeps the panic hook (the default one,
/// or a fuzzer's that aborts) from printing or aborting for those panics.
/// Panics anywhere else reach the previous hook unchanged.
fn quiet_parser_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_parser = info
                .location()
                .is_some_and(|l| l.file().contains("libyaml-safer"));
            if !in_parser {
                previous(info);
            }
        }));
    });
}

/// Parse `text[range]` as a YAML stream, appending its documents to `out`.
fn parse_segment(
    text: &str,
    range: std::ops::Range<usize>,
    file: FileId,
    fast: bool,
    out: &mut ParsedFile,
    doc_start: &mut usize,
) -> Result<(), SyntaxError> {
    // libyaml skips a byte-order mark at the start of its input without
    // counting it in its marks: strip them here so offsets stay in place
    // (a file may start with more than one).
    let mut base = range.start;
    while text[base..range.end].starts_with('\u{feff}') {
        base += '\u{feff}'.len_utf8();
    }
    let segment = &text[base..range.end];
    // libyaml-safer panics on a line break missing at the end of the input
    // (where libyaml reads none): give it one, and clip values and spans back.
    let terminated;
    let input_text = if segment.ends_with('\n') {
        segment
    } else {
        terminated = format!("{segment}\n");
        &terminated
    };
    let segment_end = base + segment.len();
    let unterminated_content = !segment.ends_with('\n')
        && !(segment.rsplit('\n').next()).is_some_and(|last| last.trim().is_empty());
    // Most manifests are plain block YAML: the fast path reads those to the
    // same events libyaml would give on the same (terminated) input, and
    // leaves everything else to it.
    let mut fast_events = if fast {
        super::fast::events(input_text).map(Vec::into_iter)
    } else {
        None
    };
    let mut input = input_text.as_bytes();
    let mut parser = fast_events.is_none().then(|| {
        let mut parser = Parser::new();
        parser.set_input_string(&mut input);
        parser
    });
    let mut b = Builder::new(file);
    loop {
        let event: Event = match (&mut fast_events, &mut parser) {
            (Some(events), _) => match events.next() {
                Some(event) => event,
                None => return Ok(()), // after StreamEnd, never reached
            },
            (None, Some(parser)) => parser
                .parse()
                .map_err(|e| syntax_error(&e, text, base, *doc_start))?,
            (None, None) => return Ok(()),
        };
        let start = (base + event.start_mark.index as usize).min(segment_end);
        let raw_end = base + event.end_mark.index as usize;
        let end = raw_end.min(segment_end).max(start);
        match event.data {
            EventData::StreamStart { .. } => {}
            EventData::StreamEnd => return Ok(()),
            EventData::DocumentStart { .. } => {
                *doc_start = start;
                b.anchors.clear();
                b.expanded = 0;
            }
            EventData::DocumentEnd { .. } => {
                let root = (b.root.take()).unwrap_or_else(|| Node::null(b.span(start, start)));
                let span = Span::new(
                    file,
                    *doc_start,
                    root.span.end.max(*doc_start as u32) as usize,
                );
                out.documents.push(Document {
                    root,
                    span,
                    duplicates: std::mem::take(&mut b.duplicates),
                });
            }
            EventData::Scalar {
                anchor,
                tag,
                value,
                style,
                ..
            } => {
                let start = skip_properties(text, start, anchor.is_some() || tag.is_some());
                let mut value = value;
                if style == LibyamlStyle::Folded {
                    let raw = text.get(start..end).unwrap_or_default();
                    if let Some(go_yaml) = fold::go_yaml_value(raw, &value) {
                        value = go_yaml;
                    }
                }
                if style == LibyamlStyle::DoubleQuoted {
                    if let Some(at) = slash_escape(text.get(start..end).unwrap_or_default()) {
                        return Err(SyntaxError {
                            offset: start + at,
                            message: "found unknown escape character `\\/` (go-yaml does not read it; write `/`)".into(),
                        });
                    }
                }
                let block = matches!(style, LibyamlStyle::Literal | LibyamlStyle::Folded);
                // A block scalar reaching the end of unterminated content ends
                // with the line break added above (libyaml's end mark is past
                // it, the fast path's at it): not part of the value.
                if block && raw_end >= segment_end && unterminated_content && value.ends_with('\n')
                {
                    value.pop();
                }
                let end = scalar_end(text, style, start, end);
                if let Some(map) = b.expects_key() {
                    // Keys keep their text as written: `on:` and `0755:` are not resolved.
                    map.key = Some(Key {
                        name: value.into(),
                        span: Span::new(file, start, end),
                    });
                    if let Some(anchor) = anchor {
                        let node = Node::string(
                            map.key.as_ref().map_or("", |k| k.name.as_str()),
                            Span::new(file, start, end),
                        );
                        b.anchors.insert(
                            anchor,
                            Anchored {
                                node,
                                weight: 1,
                                height: 0,
                            },
                        );
                    }
                    continue;
                }
                let tag = tag.map(tag_text);
                let mut node =
                    resolve_scalar(&value, style_of(style), tag.as_deref().map(Str::as_str));
                node.span = b.span(start, end);
                node.tag = tag;
                b.push_node(node, anchor);
            }
            EventData::Alias { anchor } => {
                let Some(anchored) = b.anchors.get(&anchor) else {
                    return Err(SyntaxError {
                        offset: start,
                        message: format!("unknown anchor '{anchor}' referenced"),
                    });
                };
                b.expanded += anchored.weight;
                if b.expanded > MAX_EXPANDED_NODES {
                    return Err(SyntaxError {
                        offset: start,
                        message: format!(
                            "aliases expand to more than {MAX_EXPANDED_NODES} nodes (refused: possible alias bomb)"
                        ),
                    });
                }
                if b.stack.len() + anchored.height > MAX_DEPTH {
                    return Err(too_deep(start));
                }
                let mut node = anchored.node.clone();
                if b.expects_key().is_some() {
                    // An alias used as a key is reported where it is written.
                    node.span = b.span(start, end);
                }
                b.push_node(node, None);
            }
            EventData::SequenceStart { anchor, tag, .. } => {
                b.open(Frame::Seq(Vec::new()), start, text, anchor, tag)?;
            }
            EventData::MappingStart { anchor, tag, .. } => {
                b.open(Frame::Map(MapBuilder::default()), start, text, anchor, tag)?;
            }
            EventData::SequenceEnd | EventData::MappingEnd => b.close(end),
        }
        if let Some(e) = b.complex_key.take() {
            return Err(e);
        }
    }
}

/// A block scalar's event runs over the line breaks after its content; its span does not.
fn scalar_end(text: &str, style: LibyamlStyle, start: usize, end: usize) -> usize {
    if !matches!(style, LibyamlStyle::Literal | LibyamlStyle::Folded) {
        return end;
    }
    let trimmed = text[start..end].trim_end_matches([' ', '\t', '\r', '\n']);
    start + trimmed.len()
}

fn syntax_error(e: &LibyamlError, text: &str, base: usize, doc_start: usize) -> SyntaxError {
    // A scanner error's context is the token being read (an unclosed quote's
    // opening, as go-yaml reports it); a parser error's problem is the token
    // that does not fit (its context can be a mapping's first line).
    let mark = match e.kind() {
        ErrorKind::Scanner => e.context_mark().or(e.problem_mark()),
        _ => e.problem_mark(),
    };
    let segment = &text[base..];
    let offset = match mark {
        Some(mark) => (base + mark.index as usize).min(text.len()),
        // Reader errors: the first character libyaml refuses.
        None => (segment.char_indices())
            .find(|(_, c)| !is_printable(*c))
            .map_or(doc_start, |(i, _)| base + i),
    };
    let mut message = match e.context() {
        Some(context) => format!("{context}, {}", e.problem()),
        None => e.problem().to_string(),
    };
    if text[offset..].starts_with('\t') {
        message.push_str(" (a tab: YAML indents with spaces)");
    }
    SyntaxError { offset, message }
}

/// The characters YAML allows in a stream (libyaml's check).
fn is_printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// `<<: *base` and `<<: [*a, *b]`: explicit keys win, then earlier merges win.
fn apply_merges(entries: &mut Vec<Entry>, merges: Vec<Node>) {
    if merges.is_empty() {
        return;
    }
    let mut seen: HashSet<Str> = entries.iter().map(|e| e.key.name.clone()).collect();
    for merge in merges {
        let sources: Vec<Node> = match merge.value {
            Value::Map(_) => vec![merge],
            Value::Seq(items) => items.into_vec(),
            _ => continue,
        };
        for source in sources {
            if let Value::Map(source_entries) = source.value {
                for e in source_entries {
                    if seen.insert(e.key.name.clone()) {
                        entries.push(e);
                    }
                }
            }
        }
    }
}
