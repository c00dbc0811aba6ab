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

/// Parts of the repository ftlint read but did not check, with a count each.
/// Stages that skip something add their count here.
pub fn not_checked(repo: &Repo) -> Vec<(usize, &'static str)> {
    let s = &repo.stats;
    [
        (s.helm_templates, "Helm chart templates (not rendered)"),
        (s.go_templates, "Go-templated files"),
        (s.skipped_symlinks, "symlinks leaving the repository"),
        (
            s.appset_generators_skipped,
            "ApplicationSet generators (not evaluated offline)",
        ),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .collect()
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The summary block of the text formats.
pub fn footer(repo: &Repo, diags: &[Diagnostic], summary: &Summary, footer: &Footer) -> String {
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
    let skipped = not_checked(repo);
    if !skipped.is_empty() {
        let parts: Vec<String> = skipped
            .iter()
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
        checked.push_str(&format!("; not checked: {}", parts.join(", ")));
    }
    out.push_str(&checked);
    out.push('\n');
    out
}
