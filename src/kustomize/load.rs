//! Loading what a kustomization names: patch files, inline patches, and
//! files outside the linted set.

use super::ctx::Ctx;
use super::events::{EventKind, RenderEvent};
use super::paths::{is_remote, is_under};
use super::res;
use crate::fsread::ReadError;
use crate::source::{join, Sources};
use crate::yaml::{self, Node, ParsedFile, ScalarStyle, Span};

/// The documents of a file outside the linted set, every node blamed on the
/// kustomization entry that names it (`blame`).
pub(super) fn unlisted_documents(text: &str, blame: Span) -> Vec<Node> {
    let parsed = yaml::parse(text, blame.file);
    let mut docs: Vec<Node> = parsed.documents.into_iter().map(|d| d.root).collect();
    for d in &mut docs {
        // Before respanning: the spans still point into `text`.
        *d = super::kyaml::read(d, text);
        res::respan(d, blame);
    }
    docs
}

impl Ctx<'_> {
    /// Parse a patch given inline (a string in the kustomization) or as a file.
    pub(super) fn load_patch(
        &mut self,
        dir: &str,
        entry: &Node,
        inline: bool,
    ) -> Option<Vec<Node>> {
        let text = entry.as_str()?;
        if inline {
            let parsed = parse_embedded(self.sources, entry);
            if let Some(err) = &parsed.error {
                self.error(
                    entry.span,
                    format!("cannot parse the inline patch: {}", err.message),
                );
                return None;
            }
            return Some(
                parsed
                    .documents
                    .into_iter()
                    .map(|d| d.root)
                    .filter(|n| !n.is_null())
                    .collect(),
            );
        }
        if is_remote(text) {
            self.warn_skipped_resources(
                entry.span,
                format!(
                    "remote file `{text}` not fetched (ftlint works offline); rendering the rest"
                ),
            );
            return None;
        }
        let path = join(dir, text);
        if !is_under(dir, &path) {
            self.restricted(entry.span, &path, dir);
        }
        match self.sources.by_path(&path) {
            Some(f) => {
                self.files.insert(f.id);
                if let Some(err) = &f.parsed.error {
                    self.error(
                        Span::new(f.id, err.offset, err.offset),
                        format!("cannot parse patch `{path}`: {}", err.message),
                    );
                    return None;
                }
                Some(
                    f.parsed
                        .documents
                        .iter()
                        .map(|d| super::kyaml::read(&d.root, &f.text))
                        .filter(|n| !n.is_null())
                        .collect(),
                )
            }
            None => {
                match self.read_unlisted(&path) {
                    Ok(bytes) => {
                        let text = String::from_utf8_lossy(&bytes);
                        return Some(unlisted_documents(&text, entry.span));
                    }
                    Err(ReadError::NotFound) => {}
                    Err(e) => {
                        self.unreadable(entry.span, &path, &e);
                        return None;
                    }
                }
                self.push(RenderEvent::new(
                    EventKind::MissingFile,
                    entry.span,
                    format!("patch file `{text}` does not exist (`{path}`)"),
                ));
                None
            }
        }
    }

    /// The documents of a `patches` or `patchesJson6902` entry, read from its
    /// `path` or its inline `patch`, with the node that names them.
    pub(super) fn load_patch_entry<'k>(
        &mut self,
        dir: &str,
        p: &'k Node,
    ) -> Option<(&'k Node, Vec<Node>)> {
        let (entry, inline) = match (p.get("path"), p.get("patch")) {
            (Some(path), _) => (path, false),
            (None, Some(inline)) => (inline, true),
            _ => {
                self.error(p.span, "a patch needs `path` or `patch`");
                return None;
            }
        };
        Some((entry, self.load_patch(dir, entry, inline)?))
    }
}

/// Parse a YAML document embedded as a string in a kustomization (an inline
/// patch), mapping spans back into the kustomization for literal block scalars.
pub fn parse_embedded(sources: &Sources, node: &Node) -> ParsedFile {
    let text = node.as_str().unwrap_or_default();
    let file = node.span.file;
    let mut parsed = yaml::parse(text, file);
    for d in &mut parsed.documents {
        // Before the spans are mapped: they still point into `text`.
        d.root = super::kyaml::read(&d.root, text);
    }
    let file_text = sources
        .files
        .get(file.0 as usize)
        .map(|f| f.text.as_str())
        .unwrap_or("");
    let map = line_map(file_text, node.span.start as usize, text, node.style);
    let base = node.span.start as usize;
    let whole = node.span;
    let f = |s: Span| -> Span {
        match &map {
            Some(m) => {
                let conv = |off: u32| -> usize {
                    let off = off as usize;
                    let i = m.partition_point(|(cs, _)| *cs <= off).saturating_sub(1);
                    let (cs, ss) = m[i];
                    base + ss + (off - cs)
                };
                Span::new(file, conv(s.start), conv(s.end))
            }
            None => whole,
        }
    };
    for d in &mut parsed.documents {
        res::map_spans(&mut d.root, &f);
        d.span = f(d.span);
    }
    parsed
}

/// For a literal block scalar: (content line start, offset relative to the
/// node's span start) pairs; `None` when the text cannot be mapped line by line.
fn line_map(
    file_text: &str,
    start: usize,
    content: &str,
    style: ScalarStyle,
) -> Option<Vec<(usize, usize)>> {
    if style != ScalarStyle::Literal {
        return None;
    }
    let rest = file_text.get(start..)?;
    // The first body line's start (absolute) and the indentation.
    let (body_line_start, indent) = if rest.starts_with('|') {
        let b = start + rest.find('\n')? + 1;
        let first = file_text[b..].split('\n').find(|l| !l.trim().is_empty())?;
        (b, first.len() - first.trim_start_matches(' ').len())
    } else {
        let ls = file_text[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
        (ls, start - ls)
    };
    let mut map = Vec::new();
    let mut coff = 0;
    let mut line_start = body_line_start;
    for cl in content.split('\n') {
        let line_end = file_text[line_start..]
            .find('\n')
            .map(|i| line_start + i)
            .unwrap_or(file_text.len());
        let sl = &file_text[line_start..line_end];
        if cl.is_empty() {
            map.push((
                coff,
                (line_start + indent.min(sl.len())).checked_sub(start)?,
            ));
        } else {
            if sl.len() < indent || &sl[indent..] != cl {
                return None;
            }
            map.push((coff, (line_start + indent).checked_sub(start)?));
        }
        coff += cl.len() + 1;
        line_start = (line_end + 1).min(file_text.len());
    }
    Some(map)
}
