//! The lines after the findings: counts, fixable footer, what was not checked.

use super::{safe_fix, Summary};
use crate::diagnostic::{Applicability, Diagnostic};
use crate::repo::Repo;

/// What the command adds to the summary.
#[derive(Debug, Clone, Default)]
pub struct Footer {
    /// Findings the baseline hid.
    pub hidden_by_baseline: usize,
    /// `--unsafe-fixes` is on: unsafe fixes count as fixable.
    pub unsafe_fixes: bool,
    pub timing: bool,
}

/// What the run read but did not check, each with a count, and "no
/// Kubernetes objects found" when nothing was: "0 errors" must mean checked
/// and clean. Stages that skip something add their count here.
pub fn not_checked(repo: &Repo) -> Vec<String> {
    let s = &repo.stats;
    // Counted when the repository was loaded: a cache replay has no model.
    let generators = s.appset_generators_skipped;
    let mut out = Vec::new();
    let counted = [
        (s.go_templates, "Go-templated file", "not checked"),
        (
            s.skipped_symlinks,
            "symlink leaving the repository",
            "not read",
        ),
        (generators, "ApplicationSet generator", "not evaluated"),
    ];
    // Helm charts first, then the rest; "no Kubernetes objects found" last.
    let (no_objects, mut helm): (Vec<String>, Vec<String>) =
        (s.not_checked().into_iter()).partition(|note| note.starts_with("no Kubernetes objects"));
    out.append(&mut helm);
    for (n, what, verb) in counted {
        if n > 0 {
            out.push(format!("{} {verb}", plural(n, what)));
        }
    }
    out.extend(no_objects);
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The summary block of the text formats.
pub fn footer(diags: &[Diagnostic], summary: &Summary, footer: &Footer) -> String {
    let mut out = String::new();
    let mut files: Vec<_> = diags.iter().map(|d| d.span.file).collect();
    files.sort();
    files.dedup();
    if diags.is_empty() {
        out.push_str("no findings\n");
    } else {
        let mut line = format!(
            "{}, {}",
            plural(summary.errors, "error"),
            plural(summary.warnings, "warning")
        );
        if summary.infos > 0 {
            line.push_str(&format!(", {}", plural(summary.infos, "info")));
        }
        line.push_str(&format!(" in {}\n", plural(files.len(), "file")));
        out.push_str(&line);
    }
    let safe = diags.iter().filter(|d| safe_fix(d)).count();
    let unsafe_only = diags
        .iter()
        .filter(|d| {
            d.fix
                .as_ref()
                .is_some_and(|f| f.applicability == Applicability::Unsafe)
        })
        .count();
    if footer.unsafe_fixes && safe + unsafe_only > 0 {
        out.push_str(&format!(
            "[*] {} fixable with `ftlint --fix --unsafe-fixes`\n",
            safe + unsafe_only
        ));
    } else if safe > 0 {
        let mut line = format!("[*] {safe} fixable with `ftlint --fix`");
        if unsafe_only > 0 {
            line.push_str(&format!(" ({unsafe_only} more with `--unsafe-fixes`)"));
        }
        out.push_str(&line);
        out.push('\n');
    } else if unsafe_only > 0 {
        out.push_str(&format!(
            "{} with `ftlint --fix --unsafe-fixes` (no safe fix)\n",
            plural(unsafe_only, "fix available").replace("fix availables", "fixes available")
        ));
    }
    if footer.hidden_by_baseline > 0 {
        out.push_str(&format!(
            "{} hidden by the baseline\n",
            plural(footer.hidden_by_baseline, "finding")
        ));
    }
    let mut checked = format!(
        "checked {} ({}, {})",
        plural(summary.files, "file"),
        plural(summary.objects, "object"),
        plural(summary.units, "unit")
    );
    if footer.timing {
        checked.push_str(&format!(" in {} ms", summary.elapsed_ms));
    }
    for note in &summary.not_checked {
        checked.push_str("; ");
        checked.push_str(note);
    }
    out.push_str(&checked);
    out.push('\n');
    out
}
