//! A fast path for the YAML most manifests are written in: block mappings
//! and sequences, one-line plain and quoted scalars, one-line flow
//! collections, `|` literal blocks, comments and `---`.
//!
//! It yields the very events libyaml would, marks included, so the tree
//! builder in `parse.rs` cannot tell the two apart. Anything outside that
//! subset, or anything doubtful (tabs, non-ASCII, anchors, tags, folded or
//! kept block scalars, multi-line scalars, odd indentation, any error), gives
//! `None` and the whole segment goes to libyaml: the fast path never decides
//! what is valid YAML, it only recognises text it can read for certain.
//! `fast_tests.rs` compares both paths on generated and corpus files.

use libyaml_safer::{Encoding, Event, EventData, MappingStyle, Mark, ScalarStyle, SequenceStyle};

/// Deeper than this (block and flow levels together) goes to libyaml,
/// which enforces the real limit.
const MAX_FAST_DEPTH: usize = 64;

/// libyaml refuses simple keys longer than 1024 characters.
const MAX_KEY_LEN: usize = 1000;

/// The events of `text` (one YAML stream), or `None` to use libyaml.
pub(super) fn events(text: &str) -> Option<Vec<Event>> {
    let s = text.as_bytes();
    if s.last() != Some(&b'\n') || !s.iter().all(|&b| b == b'\n' || (b' '..=b'~').contains(&b)) {
        return None;
    }
    let mut f = Fast {
        text,
        s,
        events: Vec::with_capacity(s.len() / 8),
        depth: 0,
    };
    f.stream()?;
    Some(f.events)
}

fn mark(index: usize) -> Mark {
    let mut m = Mark::default();
    m.index = index as u64;
    m
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\n'
}

struct Fast<'a> {
    text: &'a str,
    s: &'a [u8],
    events: Vec<Event>,
    depth: usize,
}

/// `None` = leave the text to libyaml. Parse steps return the start of
/// the next content line (`Some(None)`: end of input).
type Next = Option<Option<usize>>;

impl Fast<'_> {
    fn push(&mut self, data: EventData, start: usize, end: usize) {
        // `Event` is non-exhaustive: start from a constructor, fill it in.
        let mut event = Event::stream_end();
        event.data = data;
        event.start_mark = mark(start);
        event.end_mark = mark(end);
        self.events.push(event);
    }

    fn scalar(&mut self, value: String, style: ScalarStyle, start: usize, end: usize) {
        let data = EventData::Scalar {
            anchor: None,
            tag: None,
            value,
            plain_implicit: style == ScalarStyle::Plain,
            quoted_implicit: style != ScalarStyle::Plain,
            style,
        };
        self.push(data, start, end);
    }

    fn text(&self, start: usize, end: usize) -> String {
        // ASCII only (checked in `events`): every offset is a char boundary.
        self.text[start..end].to_owned()
    }

    fn line_end(&self, at: usize) -> usize {
        at + self.s[at..].iter().position(|&b| b == b'\n').unwrap_or(0)
    }

    fn spaces(&self, at: usize) -> usize {
        self.s[at..].iter().take_while(|&&b| b == b' ').count()
    }

    fn column(&self, at: usize) -> usize {
        at - self.s[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
    }

    /// The first line from `at` (a line start) that is neither blank nor a comment.
    fn next_content(&self, mut at: usize) -> Option<usize> {
        while at < self.s.len() {
            let first = at + self.spaces(at);
            if !matches!(self.s[first], b'\n' | b'#') {
                return Some(at);
            }
            at = self.line_end(first) + 1;
        }
        None
    }

    fn marker(&self, line: usize, byte: u8) -> bool {
        self.s.len() > line + 3
            && self.s[line..line + 3].iter().all(|&b| b == byte)
            && is_blank(self.s[line + 3])
    }

    /// After a value: only spaces and a comment may follow on its line.
    fn rest_of_line(&self, at: usize) -> Option<usize> {
        let n = self.spaces(at);
        match self.s[at + n] {
            b'\n' => Some(at + n),
            b'#' if n > 0 => Some(self.line_end(at + n)),
            _ => None,
        }
    }

    fn stream(&mut self) -> Option<()> {
        self.push(
            EventData::StreamStart {
                encoding: Encoding::Utf8,
            },
            0,
            0,
        );
        let mut next = self.next_content(0);
        while let Some(line) = next {
            if self.marker(line, b'.') || self.s[line] == b'%' {
                return None;
            }
            let explicit = self.marker(line, b'-');
            let data = EventData::DocumentStart {
                version_directive: None,
                tag_directives: Vec::new(),
                implicit: !explicit,
            };
            let content = if explicit {
                self.push(data, line, line + 3);
                let end = self.rest_of_line(line + 3)?;
                self.next_content(end + 1)
            } else {
                // An implicit document starts at its first token.
                let first = line + self.spaces(line);
                self.push(data, first, first);
                Some(line)
            };
            next = match content {
                Some(l) if !self.marker(l, b'-') => {
                    let indent = self.spaces(l);
                    self.block_node(l + indent, indent)?
                }
                // An empty document: libyaml's empty scalar at the next token.
                other => {
                    let at = other.unwrap_or(self.s.len());
                    self.scalar(String::new(), ScalarStyle::Plain, at, at);
                    other
                }
            };
            if next.is_some_and(|l| !self.marker(l, b'-')) {
                return None;
            }
            let at = next.unwrap_or(self.s.len());
            self.push(EventData::DocumentEnd { implicit: true }, at, at);
        }
        let end = self.s.len();
        self.push(EventData::StreamEnd, end, end);
        Some(())
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_FAST_DEPTH).then_some(())
    }

    fn is_dash(&self, at: usize) -> bool {
        self.s[at] == b'-' && is_blank(self.s[at + 1])
    }

    /// A collection whose first token is at `at`, in column `column`.
    fn block_node(&mut self, at: usize, column: usize) -> Next {
        if self.is_dash(at) {
            self.block_seq(at, column)
        } else {
            self.block_map(at, column)
        }
    }

    fn block_map(&mut self, first: usize, column: usize) -> Next {
        self.enter()?;
        let start_data = EventData::MappingStart {
            anchor: None,
            tag: None,
            implicit: true,
            style: MappingStyle::Block,
        };
        self.push(start_data, first, first);
        let mut at = first;
        let next = loop {
            let after_colon = self.key(at)?;
            let next = self.value(after_colon, column, true)?;
            let Some(line) = next else { break None };
            let indent = self.spaces(line);
            if indent < column || (column == 0 && self.marker(line, b'-')) {
                break Some(line);
            }
            if indent > column || self.is_dash(line + indent) {
                return None;
            }
            at = line + indent;
        };
        let end = next.unwrap_or(self.s.len());
        self.push(EventData::MappingEnd, end, end);
        self.depth -= 1;
        Some(next)
    }

    fn block_seq(&mut self, first: usize, column: usize) -> Next {
        self.enter()?;
        let start_data = EventData::SequenceStart {
            anchor: None,
            tag: None,
            implicit: true,
            style: SequenceStyle::Block,
        };
        self.push(start_data, first, first + 1);
        let mut dash = first;
        let next = loop {
            let next = self.value(dash + 1, column, false)?;
            let Some(line) = next else { break None };
            let indent = self.spaces(line);
            if indent < column || (column == 0 && self.marker(line, b'-')) {
                break Some(line);
            }
            if indent > column {
                return None;
            }
            if !self.is_dash(line + indent) {
                // A key at this column ends an indentless sequence; its
                // mapping decides whether it may.
                break Some(line);
            }
            dash = line + indent;
        };
        let end = next.unwrap_or(self.s.len());
        self.push(EventData::SequenceEnd, end, end);
        self.depth -= 1;
        Some(next)
    }

    /// The value after a `:` or `-` indicator ending at `after` (a blank
    /// follows it), in a collection at `column`.
    fn value(&mut self, after: usize, column: usize, in_map: bool) -> Next {
        let at = after + self.spaces(after);
        if matches!(self.s[at], b'\n' | b'#') {
            let next = self.next_content(self.line_end(at) + 1);
            let Some(line) = next else {
                self.scalar(String::new(), ScalarStyle::Plain, after, after);
                return Some(None);
            };
            let indent = self.spaces(line);
            let first = line + indent;
            if column == 0 && indent == 0 && self.marker(line, b'-') {
                self.scalar(String::new(), ScalarStyle::Plain, after, after);
                return Some(next);
            }
            if indent > column {
                if self.is_dash(first) || self.is_key(first) {
                    return self.block_node(first, indent);
                }
                return self.inline(first, column);
            }
            if indent == column && in_map && self.is_dash(first) {
                return self.block_seq(first, column);
            }
            self.scalar(String::new(), ScalarStyle::Plain, after, after);
            return Some(next);
        }
        if self.is_dash(at) {
            return None;
        }
        if !in_map && self.is_key(at) {
            let column = self.column(at);
            return self.block_map(at, column);
        }
        self.inline(at, column)
    }

    /// A scalar or flow collection starting at `at`, in a collection at `column`.
    fn inline(&mut self, at: usize, column: usize) -> Next {
        let end = match self.s[at] {
            b'|' => return self.literal(at, column),
            b'{' | b'[' => self.flow(at)?,
            b'\'' | b'"' => {
                let (value, style, end) = self.quoted(at)?;
                self.scalar(value, style, at, end);
                end
            }
            _ => {
                let (end, stop) = self.plain(at, false)?;
                if self.s[stop] == b':' {
                    return None; // `a: b: c`
                }
                let value = self.text(at, end);
                self.scalar(value, ScalarStyle::Plain, at, end);
                end
            }
        };
        let line_end = self.rest_of_line(end)?;
        Some(self.next_content(line_end + 1))
    }

    fn is_key(&self, at: usize) -> bool {
        let end = match self.s[at] {
            b'\'' | b'"' => match self.quoted(at) {
                Some((_, _, end)) => end + self.spaces(end),
                None => return false,
            },
            _ => match self.plain(at, false) {
                Some((_, stop)) => stop,
                None => return false,
            },
        };
        self.s[end] == b':' && is_blank(self.s[end + 1])
    }

    /// A key at `at`, emitted; returns the offset after its `:`.
    fn key(&mut self, at: usize) -> Option<usize> {
        let (value, style, end, colon) = match self.s[at] {
            b'\'' | b'"' => {
                let (value, style, end) = self.quoted(at)?;
                (value, style, end, end + self.spaces(end))
            }
            _ => {
                let (end, stop) = self.plain(at, false)?;
                (self.text(at, end), ScalarStyle::Plain, end, stop)
            }
        };
        if end - at > MAX_KEY_LEN || self.s[colon] != b':' || !is_blank(self.s[colon + 1]) {
            return None;
        }
        self.scalar(value, style, at, end);
        Some(colon + 1)
    }

    /// A one-line plain scalar at `at`: its end (trailing spaces excluded)
    /// and where it stopped (a `:` before a blank, a comment, a line break
    /// or, in flow, an indicator).
    fn plain(&self, at: usize, flow: bool) -> Option<(usize, usize)> {
        let s = self.s;
        let first = s[at];
        let indicator = b"-?:,[]{}#&*!|>'\"%@` \n".contains(&first);
        if indicator && !(first == b'-' && !is_blank(s[at + 1]) && !flow) {
            return None;
        }
        let mut end = at;
        let mut i = at;
        loop {
            match s[i] {
                b'\n' => break,
                b':' if is_blank(s[i + 1]) => break,
                // libyaml refuses these; a `:` before anything else is text (`https://x`).
                b':' if flow && b",?[]{}".contains(&s[i + 1]) => return None,
                b',' | b'[' | b']' | b'{' | b'}' if flow => break,
                b' ' if s[i + 1] == b'#' => break,
                b' ' => {}
                _ => end = i + 1,
            }
            i += 1;
        }
        Some((end, i))
    }

    /// A one-line quoted scalar: value, style and the offset after its closing quote.
    fn quoted(&self, at: usize) -> Option<(String, ScalarStyle, usize)> {
        let s = self.s;
        let quote = s[at];
        let mut value = String::new();
        let mut i = at + 1;
        loop {
            match s[i] {
                b'\n' | b'\\' if quote == b'"' => return None,
                b'\n' => return None,
                b'\'' if quote == b'\'' && s[i + 1] == b'\'' => {
                    value.push('\'');
                    i += 2;
                }
                b if b == quote => break,
                b => {
                    value.push(b as char);
                    i += 1;
                }
            }
        }
        let style = if quote == b'"' {
            ScalarStyle::DoubleQuoted
        } else {
            ScalarStyle::SingleQuoted
        };
        Some((value, style, i + 1))
    }

    /// A one-line flow collection at `at`, emitted; returns the offset after it.
    fn flow(&mut self, at: usize) -> Option<usize> {
        self.enter()?;
        let map = self.s[at] == b'{';
        let (data, close) = if map {
            let data = EventData::MappingStart {
                anchor: None,
                tag: None,
                implicit: true,
                style: MappingStyle::Flow,
            };
            (data, b'}')
        } else {
            let data = EventData::SequenceStart {
                anchor: None,
                tag: None,
                implicit: true,
                style: SequenceStyle::Flow,
            };
            (data, b']')
        };
        self.push(data, at, at + 1);
        let mut i = at + 1;
        i += self.spaces(i);
        if self.s[i] != close {
            loop {
                if map {
                    i = self.flow_scalar(i)?;
                    i += self.spaces(i);
                    if self.s[i] != b':' || self.s[i + 1] != b' ' {
                        return None;
                    }
                    i += 1 + self.spaces(i + 1);
                }
                i = match self.s[i] {
                    b'{' | b'[' => self.flow(i)?,
                    _ => self.flow_scalar(i)?,
                };
                i += self.spaces(i);
                match self.s[i] {
                    b',' => {
                        i += 1 + self.spaces(i + 1);
                        if self.s[i] == close {
                            return None; // a trailing comma
                        }
                    }
                    b if b == close => break,
                    _ => return None,
                }
            }
        }
        let end = i + 1;
        let end_data = if map {
            EventData::MappingEnd
        } else {
            EventData::SequenceEnd
        };
        self.push(end_data, i, end);
        self.depth -= 1;
        Some(end)
    }

    fn flow_scalar(&mut self, at: usize) -> Option<usize> {
        let (value, style, end) = match self.s[at] {
            b'\'' | b'"' => self.quoted(at)?,
            _ => {
                let (end, stop) = self.plain(at, true)?;
                if !matches!(self.s[stop], b',' | b']' | b'}' | b':') {
                    return None;
                }
                (self.text(at, end), ScalarStyle::Plain, end)
            }
        };
        self.scalar(value, style, at, end);
        Some(end)
    }

    /// A `|` or `|-` block scalar whose content is indented past `column`.
    fn literal(&mut self, at: usize, column: usize) -> Next {
        let s = self.s;
        let strip = s[at + 1] == b'-';
        let header_end = at + 1 + usize::from(strip);
        if s[header_end + self.spaces(header_end)] != b'\n' {
            return None; // indentation indicator, `+`, a comment
        }
        let mut line = self.line_end(header_end) + 1;
        let mut indent = None;
        let mut value = String::new();
        let mut pending_breaks = 0;
        let mut end = header_end;
        while line < s.len() {
            let n = self.spaces(line);
            let line_end = self.line_end(line);
            if line + n == line_end {
                match indent {
                    Some(i) if n <= i => pending_breaks += 1,
                    _ => return None,
                }
                line = line_end + 1;
                continue;
            }
            let i = *indent.get_or_insert(n);
            if i <= column {
                return None;
            }
            if n < i {
                break;
            }
            if end != header_end {
                value.push('\n');
            }
            value.extend(std::iter::repeat_n('\n', pending_breaks));
            pending_breaks = 0;
            value.push_str(&self.text(line + i, line_end));
            end = line_end;
            line = line_end + 1;
        }
        if end == header_end {
            return None;
        }
        if !strip {
            value.push('\n');
        }
        self.scalar(value, ScalarStyle::Literal, at, end);
        Some(self.next_content(line))
    }
}
