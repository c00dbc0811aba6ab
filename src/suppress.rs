//! Suppressions: `# ftlint-ignore:` comments, `# ftlint-ignore-file:`
//! in a file's first comment block, and the `ftlint.io/ignore` annotation.

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;
use crate::yaml::{FileId, Span};

pub const ANNOTATION: &str = "ftlint.io/ignore";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Findings whose primary location starts on this 1-based line.
    Line(usize),
    /// Every finding in the file.
    File,
    /// Findings on this object (its display id), or located in the document declaring it.
    Object { id: String, document: Option<Span> },
}

#[derive(Debug, Clone)]
pub struct Suppression {
    pub file: FileId,
    /// The comment or annotation, reported when unused.
    pub span: Span,
    pub rules: Vec<String>,
    pub target: Target,
    pub used: bool,
}

impl Suppression {
    pub fn covers(&self, rule: &str) -> bool {
        self.rules
            .iter()
            .any(|r| r == rule || r == "all" || crate::env::wildcard_match(r, rule))
    }
}

fn parse_rule_list(text: &str) -> Vec<String> {
    let list = text.split(" -- ").next().unwrap_or(text);
    list.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Comment suppressions of one file.
pub fn scan_file(file: &SourceFile) -> Vec<Suppression> {
    let mut out = Vec::new();
    // Every suppression comment names `ftlint-ignore`: most files have none,
    // and one search over the text spares splitting them into lines.
    if !file.text.contains("ftlint-ignore") {
        return out;
    }
    let mut in_header = true;
    let mut offset = 0;
    let lines: Vec<&str> = file.text.split_inclusive('\n').collect();
    for (i, raw) in lines.iter().enumerate() {
        let line_no = i + 1;
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        let is_comment_line = trimmed.starts_with('#');
        if !(is_comment_line || trimmed.is_empty() || trimmed == "---") {
            in_header = false;
        }
        if let Some(pos) = find_comment(line, "ftlint-ignore") {
            let comment = &line[pos..];
            let body = comment.trim_start_matches('#').trim_start();
            let span = Span::new(file.id, offset + pos, offset + line.len());
            if let Some(rest) = body.strip_prefix("ftlint-ignore-file:") {
                if in_header {
                    out.push(Suppression {
                        file: file.id,
                        span,
                        rules: parse_rule_list(rest),
                        target: Target::File,
                        used: false,
                    });
                }
            } else if let Some(rest) = body.strip_prefix("ftlint-ignore:") {
                let target = if is_comment_line {
                    // A comment on its own line covers the next non-comment line.
                    let next = lines[i + 1..]
                        .iter()
                        .position(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
                        .map_or(line_no + 1, |p| line_no + 1 + p);
                    Target::Line(next)
                } else {
                    Target::Line(line_no)
                };
                out.push(Suppression {
                    file: file.id,
                    span,
                    rules: parse_rule_list(rest),
                    target,
                    used: false,
                });
            }
        }
        offset += raw.len();
    }
    out
}

/// Byte position of a `#` comment containing `needle` (a `#` at line start or after a space).
fn find_comment(line: &str, needle: &str) -> Option<usize> {
    let idx = line.find(needle)?;
    let hash = line[..idx].rfind('#')?;
    let before_ok = hash == 0 || line.as_bytes()[hash - 1].is_ascii_whitespace();
    before_ok.then_some(hash)
}

/// Whether `diag` is suppressed; marks the suppression used.
pub fn apply(diag: &Diagnostic, line: usize, sups: &mut [Suppression]) -> bool {
    let mut hit = false;
    for s in sups.iter_mut() {
        if !s.covers(diag.rule) {
            continue;
        }
        let matches = match &s.target {
            Target::Line(l) => s.file == diag.span.file && *l == line,
            Target::File => s.file == diag.span.file,
            Target::Object { id, document } => {
                diag.context.object.as_deref() == Some(id.as_str())
                    || document.is_some_and(|doc| {
                        doc.file == diag.span.file
                            && doc.start <= diag.span.start
                            && diag.span.end <= doc.end
                    })
            }
        };
        if matches {
            s.used = true;
            hit = true;
        }
    }
    hit
}

/// The rule names of a suppression that name no rule (a glob that matches
/// none counts too), each with a "did you mean".
pub fn unknown_rules(s: &Suppression) -> Vec<(String, Option<&'static str>)> {
    let known: Vec<&'static str> = crate::rules::all_ids().collect();
    s.rules
        .iter()
        .filter(|r| {
            r.as_str() != "all"
                && !known
                    .iter()
                    .any(|id| *id == r.as_str() || crate::env::wildcard_match(r, id))
        })
        .map(|r| {
            (
                r.clone(),
                crate::suggest::did_you_mean(r, known.iter().copied()),
            )
        })
        .collect()
}
