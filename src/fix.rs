//! Apply fixes as byte-range edits (SPEC §7): plan every fix, accept it only
//! when the edited file re-parses without new duplicate keys and a re-lint of
//! the edited repository shows its finding gone and nothing new, then write
//! safely (`write`). Every fix not applied is reported with the reason.

mod accept;
mod write;

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{Applicability, Diagnostic, Edit};
use crate::engine::Selection;
use crate::repo::Repo;
use crate::yaml::{self, FileId, Span};

pub use write::{write, WriteOutcome};

/// A fix that was not applied, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dropped {
    pub rule: &'static str,
    /// The finding's primary span.
    pub span: Span,
    pub reason: String,
}

/// The edited text of each file that a fix touches.
#[derive(Default)]
pub struct Planned {
    pub files: BTreeMap<FileId, String>,
    /// Fixes applied, per file.
    pub applied_by_file: BTreeMap<FileId, usize>,
    pub applied: usize,
    pub dropped: Vec<Dropped>,
}

/// Apply edits to a text; overlapping edits are dropped (the first wins).
pub fn apply_edits(text: &str, edits: &[&Edit]) -> String {
    apply_tracked(text, edits).0
}

/// [`apply_edits`], also returning the byte range each kept edit covers in the
/// result. Replacements follow the file's line endings: a CRLF file gets CRLF.
fn apply_tracked(text: &str, edits: &[&Edit]) -> (String, Vec<std::ops::Range<usize>>) {
    let crlf = uses_crlf(text);
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut kept: Vec<&Edit> = Vec::new();
    for e in sorted {
        if kept.last().is_some_and(|k| k.span.end > e.span.start) {
            continue;
        }
        let r = e.span.range();
        if r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end) {
            kept.push(e);
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut ranges = Vec::with_capacity(kept.len());
    let mut at = 0;
    for e in kept {
        let r = e.span.range();
        out.push_str(&text[at..r.start]);
        let start = out.len();
        out.push_str(&with_line_endings(&e.replacement, crlf));
        ranges.push(start..out.len());
        at = r.end;
    }
    out.push_str(&text[at..]);
    (out, ranges)
}

/// The file's line breaks are CRLF (every `\n` is preceded by `\r`).
pub fn uses_crlf(text: &str) -> bool {
    let lf = text.matches('\n').count();
    lf > 0 && text.matches("\r\n").count() == lf
}

fn with_line_endings(replacement: &str, crlf: bool) -> std::borrow::Cow<'_, str> {
    if !crlf || !replacement.contains('\n') {
        return replacement.into();
    }
    let mut out = String::with_capacity(replacement.len() + 8);
    let mut prev = '\0';
    for c in replacement.chars() {
        if c == '\n' && prev != '\r' {
            out.push('\r');
        }
        out.push(c);
        prev = c;
    }
    out.into()
}

/// The fixes that `--fix` (and `--unsafe-fixes`) would apply, grouped by file.
fn fixable(diags: &[Diagnostic], unsafe_fixes: bool) -> BTreeMap<FileId, Vec<&Diagnostic>> {
    let mut by_file: BTreeMap<FileId, Vec<&Diagnostic>> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for (i, d) in diags.iter().enumerate() {
        let Some(fix) = &d.fix else { continue };
        if fix.applicability == Applicability::Unsafe && !unsafe_fixes {
            continue;
        }
        for e in &fix.edits {
            if seen.insert((e.span.file, i)) {
                by_file.entry(e.span.file).or_default().push(d);
            }
        }
    }
    by_file
}

/// One file's fixes after the textual checks: overlap, re-parse, duplicate keys.
pub(crate) struct FilePlan<'a> {
    pub text: String,
    /// The accepted fixes with the ranges their edits cover in `text`.
    pub fixes: Vec<(&'a Diagnostic, Vec<std::ops::Range<usize>>)>,
}

/// Apply the fixes of one file one by one; a fix is kept or dropped as a whole.
/// `skip` holds fixes already rejected by the re-lint.
fn plan_file<'a>(
    repo: &Repo,
    file: FileId,
    fix_diags: &[&'a Diagnostic],
    skip: &BTreeSet<*const Diagnostic>,
    dropped: &mut Vec<Dropped>,
) -> FilePlan<'a> {
    let source = repo.sources.get(file);
    let original_dups = duplicate_count(&source.parsed);
    let mut taken: Vec<&Edit> = Vec::new();
    let mut accepted: Vec<&Diagnostic> = Vec::new();
    let mut drop = |d: &Diagnostic, reason: &str| {
        dropped.push(Dropped {
            rule: d.rule,
            span: d.span,
            reason: reason.to_string(),
        })
    };
    for d in fix_diags {
        if skip.contains(&(*d as *const Diagnostic)) {
            continue;
        }
        if source.read_error.is_some() {
            drop(d, "the file was not read");
            continue;
        }
        let edits: Vec<&Edit> = d
            .fix
            .as_ref()
            .map(|f| f.edits.iter().filter(|e| e.span.file == file).collect())
            .unwrap_or_default();
        let overlaps = edits.iter().any(|e| {
            taken
                .iter()
                .any(|t| t.span.start < e.span.end && e.span.start < t.span.end)
        });
        if overlaps {
            drop(d, "its edit overlaps another fix's edit (run --fix again)");
            continue;
        }
        let mut trial = taken.clone();
        trial.extend(edits.iter().copied());
        let candidate = apply_edits(&source.text, &trial);
        let parsed = yaml::parse(&candidate, file);
        if let Some(err) = &parsed.error {
            drop(
                d,
                &format!("the file would not parse after it: {}", err.message),
            );
            continue;
        }
        if duplicate_count(&parsed) > original_dups {
            drop(d, "it would create a duplicate key");
            continue;
        }
        taken = trial;
        accepted.push(d);
    }
    let (text, ranges) = apply_tracked(&source.text, &taken);
    // Map each accepted fix to the result ranges of its edits.
    let mut sorted: Vec<&Edit> = taken.clone();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let range_of = |e: &Edit| {
        sorted
            .iter()
            .position(|s| std::ptr::eq(*s, e))
            .and_then(|i| ranges.get(i).cloned())
    };
    let fixes = accepted
        .into_iter()
        .map(|d| {
            let rs = d
                .fix
                .as_ref()
                .map(|f| {
                    f.edits
                        .iter()
                        .filter(|e| e.span.file == file)
                        .filter_map(range_of)
                        .collect()
                })
                .unwrap_or_default();
            (d, rs)
        })
        .collect();
    FilePlan { text, fixes }
}

fn duplicate_count(parsed: &yaml::ParsedFile) -> usize {
    parsed.documents.iter().map(|d| d.duplicates.len()).sum()
}

/// Plan fixes without the re-lint acceptance (the textual checks only).
pub fn plan(repo: &Repo, diags: &[Diagnostic], unsafe_fixes: bool) -> Planned {
    plan_skipping(repo, diags, unsafe_fixes, &BTreeSet::new())
}

fn plan_skipping(
    repo: &Repo,
    diags: &[Diagnostic],
    unsafe_fixes: bool,
    skip: &BTreeSet<*const Diagnostic>,
) -> Planned {
    let (planned, _) = plan_files(repo, diags, unsafe_fixes, skip);
    planned
}

fn plan_files<'a>(
    repo: &Repo,
    diags: &'a [Diagnostic],
    unsafe_fixes: bool,
    skip: &BTreeSet<*const Diagnostic>,
) -> (Planned, BTreeMap<FileId, FilePlan<'a>>) {
    let mut planned = Planned::default();
    let mut plans = BTreeMap::new();
    for (file, fix_diags) in fixable(diags, unsafe_fixes) {
        let plan = plan_file(repo, file, &fix_diags, skip, &mut planned.dropped);
        if plan.text != repo.sources.get(file).text && !plan.fixes.is_empty() {
            planned.applied_by_file.insert(file, plan.fixes.len());
            planned.files.insert(file, plan.text.clone());
            plans.insert(file, plan);
        }
    }
    // A fix with edits in several files counts once.
    let mut distinct = BTreeSet::new();
    for plan in plans.values() {
        for (d, _) in &plan.fixes {
            distinct.insert(*d as *const Diagnostic);
        }
    }
    planned.applied = distinct.len();
    (planned, plans)
}

/// Plan the fixes and accept only those that a re-lint of the edited
/// repository confirms (SPEC §7). `repo` is rebuilt in memory for each round
/// and restored before returning.
pub fn plan_accepted(
    repo: &mut Repo,
    diags: &[Diagnostic],
    unsafe_fixes: bool,
    selection: &Selection,
    only_files: Option<&BTreeSet<String>>,
) -> Planned {
    accept::plan_accepted(repo, diags, unsafe_fixes, selection, only_files)
}

/// Unified diff of the planned edits.
pub fn diff(repo: &Repo, planned: &Planned) -> String {
    let mut out = String::new();
    for (file, new) in &planned.files {
        let f = repo.sources.get(*file);
        let d = similar::TextDiff::from_lines(f.text.as_str(), new.as_str());
        out.push_str(
            &d.unified_diff()
                .header(&format!("a/{}", f.path), &format!("b/{}", f.path))
                .to_string(),
        );
    }
    out
}

/// `path:line:col: fix for `rule` not applied: reason`, one line per dropped fix.
pub fn dropped_lines(repo: &Repo, planned: &Planned) -> Vec<String> {
    planned
        .dropped
        .iter()
        .map(|d| {
            let f = repo.sources.get(d.span.file);
            let lc = f.line_col(d.span.start as usize);
            format!(
                "{}:{}:{}: fix for `{}` not applied: {}",
                f.path, lc.line, lc.column, d.rule, d.reason
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;
