//! Apply fixes as byte-range edits: reject overlaps, apply in reverse order,
//! re-parse, then write atomically (temp file + rename).

use std::collections::BTreeMap;
use std::io::Write;

use crate::diagnostic::{Applicability, Diagnostic, Edit};
use crate::repo::Repo;
use crate::yaml::{self, FileId};

/// The edited text of each file that a fix touches.
pub struct Planned {
    pub files: BTreeMap<FileId, String>,
    pub applied: usize,
}

/// Apply edits to a text; overlapping edits are dropped (the first wins).
pub fn apply_edits(text: &str, edits: &[&Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut kept: Vec<&Edit> = Vec::new();
    for e in sorted {
        if kept.last().is_some_and(|k| k.span.end > e.span.start) {
            continue;
        }
        kept.push(e);
    }
    let mut out = text.to_string();
    for e in kept.iter().rev() {
        let r = e.span.range();
        if r.end <= out.len() && out.is_char_boundary(r.start) && out.is_char_boundary(r.end) {
            out.replace_range(r, &e.replacement);
        }
    }
    out
}

/// Plan fixes of the findings; a fix whose file no longer parses is dropped.
pub fn plan(repo: &Repo, diags: &[Diagnostic], unsafe_fixes: bool) -> Planned {
    let mut by_file: BTreeMap<FileId, Vec<&Diagnostic>> = BTreeMap::new();
    for d in diags {
        let Some(fix) = &d.fix else { continue };
        if fix.applicability == Applicability::Unsafe && !unsafe_fixes {
            continue;
        }
        for e in &fix.edits {
            by_file.entry(e.span.file).or_default().push(d);
        }
    }
    let mut files = BTreeMap::new();
    let mut applied = 0;
    for (file, fix_diags) in by_file {
        let source = repo.sources.get(file);
        let mut text = source.text.clone();
        // Apply fix by fix so that one fix's edits are kept or dropped together.
        let mut seen = std::collections::HashSet::new();
        let mut taken: Vec<&Edit> = Vec::new();
        for d in fix_diags {
            if !seen.insert(d as *const Diagnostic) {
                continue;
            }
            let edits: Vec<&Edit> = d
                .fix
                .as_ref()
                .unwrap()
                .edits
                .iter()
                .filter(|e| e.span.file == file)
                .collect();
            let overlaps = edits.iter().any(|e| {
                taken
                    .iter()
                    .any(|t| t.span.start < e.span.end && e.span.start < t.span.end)
            });
            if overlaps {
                continue;
            }
            let mut trial: Vec<&Edit> = taken.clone();
            trial.extend(edits.iter().copied());
            let candidate = apply_edits(&source.text, &trial);
            if yaml::parse(&candidate, file).error.is_some() {
                continue;
            }
            taken = trial;
            text = candidate;
            applied += 1;
        }
        if text != source.text {
            files.insert(file, text);
        }
    }
    Planned { files, applied }
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

/// Write every planned file atomically.
pub fn write(repo: &Repo, planned: &Planned) -> std::io::Result<()> {
    for (file, text) in &planned.files {
        let f = repo.sources.get(*file);
        let dir = f.abs.parent().unwrap_or(std::path::Path::new("."));
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        tmp.write_all(text.as_bytes())?;
        if let Ok(meta) = std::fs::metadata(&f.abs) {
            let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
        }
        tmp.persist(&f.abs).map_err(|e| e.error)?;
    }
    Ok(())
}
