//! Fix acceptance by re-lint: the repository is rebuilt in memory with the
//! planned edits, linted again, and a fix is kept only if its finding is gone
//! and no new finding appears where it edited.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use super::{plan_files, Dropped, FilePlan, Planned};
use crate::diagnostic::Diagnostic;
use crate::engine::{self, Selection};
use crate::repo::Repo;
use crate::source::Sources;
use crate::yaml::{self, FileId};

/// Rounds of re-lint before giving up on the remaining fixes.
const MAX_ROUNDS: usize = 4;

/// What identifies a finding across the edit: rule, file, object and message
/// with numbers blanked (line numbers in messages move when lines are added).
/// The object is its `namespace/name` only: sealing turns a Secret into a
/// SealedSecret of the same name, and its other findings stay the same.
type Key = (&'static str, String, Option<String>, String);

fn key(repo: &Repo, d: &Diagnostic) -> Key {
    let message: String = d
        .message
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect();
    (
        d.rule,
        repo.sources.path(d.span.file).to_string(),
        d.context
            .object
            .as_deref()
            .map(|o| o.rsplit(' ').next().unwrap_or(o).to_string()),
        message,
    )
}

fn counts(repo: &Repo, diags: &[Diagnostic]) -> BTreeMap<Key, usize> {
    let mut out = BTreeMap::new();
    for d in diags {
        *out.entry(key(repo, d)).or_insert(0) += 1;
    }
    out
}

pub(super) fn plan_accepted(
    repo: &mut Repo,
    diags: &[Diagnostic],
    unsafe_fixes: bool,
    selection: &Selection,
    only_files: Option<&BTreeSet<String>>,
) -> Planned {
    let before = counts(repo, diags);
    let mut skip: BTreeSet<*const Diagnostic> = BTreeSet::new();
    let mut rejected: Vec<Dropped> = Vec::new();
    let originals = Snapshot::take(repo);
    for round in 0..=MAX_ROUNDS {
        let (mut planned, plans) = plan_files(repo, diags, unsafe_fixes, &skip);
        if plans.is_empty() {
            planned.dropped.extend(rejected);
            return planned;
        }
        if round == MAX_ROUNDS {
            // Still not settled: apply nothing rather than something unverified.
            for plan in plans.values() {
                for (d, _) in &plan.fixes {
                    rejected.push(drop(d, "the re-lint did not settle; not applied"));
                }
            }
            planned.files.clear();
            planned.applied_by_file.clear();
            planned.applied = 0;
            planned.dropped.extend(rejected);
            return planned;
        }
        rebuild(repo, &originals, &planned.files);
        let after_diags = engine::lint(repo, selection, only_files).diagnostics;
        let bad = judge(repo, &before, &after_diags, &plans);
        originals.restore(repo);
        if bad.is_empty() {
            planned.dropped.extend(rejected);
            return planned;
        }
        for (d, reason) in bad {
            if skip.insert(d as *const Diagnostic) {
                rejected.push(drop(d, &reason));
            }
        }
    }
    unreachable!("the loop returns in its last round")
}

fn drop(d: &Diagnostic, reason: &str) -> Dropped {
    Dropped {
        rule: d.rule,
        span: d.span,
        reason: reason.to_string(),
    }
}

/// The fixes to reject, with the reason: the finding it fixes is still there,
/// or a new finding appeared in its edit, its object, or (failing those) its file.
fn judge<'a>(
    repo: &Repo,
    before: &BTreeMap<Key, usize>,
    after: &[Diagnostic],
    plans: &BTreeMap<FileId, FilePlan<'a>>,
) -> Vec<(&'a Diagnostic, String)> {
    let after_counts = counts(repo, after);
    let mut bad: Vec<(&Diagnostic, String)> = Vec::new();
    // Fixed findings must be gone: as many fewer as fixes were applied.
    let mut fixed_by_key: BTreeMap<Key, Vec<&Diagnostic>> = BTreeMap::new();
    for plan in plans.values() {
        for (d, _) in &plan.fixes {
            fixed_by_key.entry(key_in(repo, d)).or_default().push(d);
        }
    }
    for (k, fixes) in &fixed_by_key {
        let was = before.get(k).copied().unwrap_or(0);
        let now = after_counts.get(k).copied().unwrap_or(0);
        let gone = was.saturating_sub(now);
        if gone < fixes.len() {
            for d in &fixes[gone..] {
                bad.push((d, "the finding is still there after the fix".into()));
            }
        }
    }
    // New findings: more of a key than before.
    let mut seen: BTreeMap<Key, usize> = BTreeMap::new();
    for d in after {
        let k = key(repo, d);
        let n = seen.entry(k.clone()).or_insert(0);
        *n += 1;
        if *n <= before.get(&k).copied().unwrap_or(0) {
            continue;
        }
        let reason = format!(
            "it would cause a new finding: {}[{}] {}",
            repo.sources.path(d.span.file),
            d.rule,
            d.message
        );
        for culprit in blame(d, plans) {
            if !bad.iter().any(|(b, _)| std::ptr::eq(*b, culprit)) {
                bad.push((culprit, reason.clone()));
            }
        }
    }
    bad
}

/// The key a fixed finding had before the edit (its file path is unchanged).
fn key_in(repo: &Repo, d: &Diagnostic) -> Key {
    key(repo, d)
}

/// The fixes a new finding is blamed on: those whose edit contains it, else
/// those on the same object, else every fix in its file, else every fix in
/// the same units, else all.
fn blame<'a>(d: &Diagnostic, plans: &BTreeMap<FileId, FilePlan<'a>>) -> Vec<&'a Diagnostic> {
    if let Some(plan) = plans.get(&d.span.file) {
        let at = d.span.start as usize;
        let inside: Vec<&Diagnostic> = plan
            .fixes
            .iter()
            .filter(|(_, ranges)| ranges.iter().any(|r| r.start <= at && at <= r.end))
            .map(|(f, _)| *f)
            .collect();
        if !inside.is_empty() {
            return inside;
        }
    }
    let all = plans.values().flat_map(|p| p.fixes.iter().map(|(f, _)| *f));
    if d.context.object.is_some() {
        let same: Vec<&Diagnostic> = all
            .clone()
            .filter(|f| f.context.object == d.context.object)
            .collect();
        if !same.is_empty() {
            return same;
        }
    }
    if let Some(plan) = plans.get(&d.span.file) {
        return plan.fixes.iter().map(|(f, _)| *f).collect();
    }
    let units: Vec<&Diagnostic> = all
        .clone()
        .filter(|f| f.context.units.iter().any(|u| d.context.units.contains(u)))
        .collect();
    if !units.is_empty() {
        return units;
    }
    all.collect()
}

/// What a rebuild replaces, kept to restore the repository afterwards.
struct Snapshot {
    sources: Sources,
    units: Vec<crate::model::Unit>,
    build_diagnostics: Vec<Diagnostic>,
    render_events: Vec<crate::units::UnitEvent>,
    patch_files: Vec<FileId>,
    app_namespaces: std::collections::HashMap<String, String>,
}

impl Snapshot {
    fn take(repo: &Repo) -> Snapshot {
        Snapshot {
            sources: copy_sources(&repo.sources, &BTreeMap::new()),
            units: repo.units.clone(),
            build_diagnostics: repo.build_diagnostics.clone(),
            render_events: repo.render_events.clone(),
            patch_files: repo.patch_files.clone(),
            app_namespaces: repo.app_namespaces.clone(),
        }
    }

    fn restore(&self, repo: &mut Repo) {
        repo.sources = copy_sources(&self.sources, &BTreeMap::new());
        repo.units = self.units.clone();
        repo.build_diagnostics = self.build_diagnostics.clone();
        repo.render_events = self.render_events.clone();
        repo.patch_files = self.patch_files.clone();
        repo.app_namespaces = self.app_namespaces.clone();
        repo.argocd = std::sync::OnceLock::new();
    }
}

/// The same files with the same ids; `edited` files get their new text, parsed.
fn copy_sources(from: &Sources, edited: &BTreeMap<FileId, String>) -> Sources {
    let mut out = Sources::new(from.root.clone());
    for f in &from.files {
        if let Some(err) = &f.read_error {
            out.add_unreadable(f.path.clone(), err.clone());
            continue;
        }
        let text = edited.get(&f.id).cloned().unwrap_or_else(|| f.text.clone());
        let id = out.add(f.path.clone(), text, f.kind);
        debug_assert_eq!(id, f.id);
        if !edited.contains_key(&f.id) {
            out.files[id.0 as usize].parsed = f.parsed.clone();
        }
    }
    out.files
        .par_iter_mut()
        .filter(|f| edited.contains_key(&f.id))
        .for_each(|f| f.parsed = yaml::parse(&f.text, f.id));
    out
}

/// Rebuild the model of `repo` from `originals` with `edited` texts, as
/// `Repo::load` does after reading (units, rendering, Argo CD namespaces).
fn rebuild(repo: &mut Repo, originals: &Snapshot, edited: &BTreeMap<FileId, String>) {
    repo.sources = copy_sources(&originals.sources, edited);
    let built = crate::units::build(&repo.sources);
    repo.units = built.units;
    repo.build_diagnostics = repo.sources.io_errors();
    repo.render_events = built.events;
    repo.patch_files = built.patch_files;
    repo.argocd = std::sync::OnceLock::new();
    repo.app_namespaces = repo.argocd().application_namespaces();
}
