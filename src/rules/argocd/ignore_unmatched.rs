//! An `ignoreDifferences` entry that matches nothing the Application
//! deploys. Argo CD matches an entry by group and kind (globs), name and
//! namespace (`util/argo/diff/diff.go` / `normalizers`,
//! `ResourceIgnoreDifferences` in `pkg/apis/application/v1alpha1/types.go`):
//! a typo silently leaves the drift it was meant to hide.

use std::collections::HashSet;

use super::model;
use crate::argocd::{App, IgnoreRule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Object;
use crate::rules::{RepoCx, Rule, RuleMeta, Scope};
use crate::yaml::{FileId, Span};

/// An ignoreDifferences entry matching no deployed object.
pub struct IgnoreUnmatched;

static META: RuleMeta = RuleMeta::new(
    "argocd-ignore-unmatched",
    Severity::Warning,
    Scope::Repo,
    "an `ignoreDifferences` entry that matches no object the Application deploys",
);

/// The objects an Application deploys, with their live names, when every
/// one of them is known: sources all in this repository, rendered fully.
fn deployed<'r>(
    cx: &'r RepoCx,
    app: &App,
    unrendered: &HashSet<FileId>,
) -> Option<Vec<(&'r Object, String, Option<String>)>> {
    if app.units.is_empty() || app.sources.iter().any(|s| !s.in_repo || s.chart.is_some()) {
        return None;
    }
    let dest_ns = app.destination.namespace.as_ref().map(|n| n.value.clone());
    let mut out = Vec::new();
    for id in &app.units {
        let unit = cx.repo.unit(id)?;
        if unit.files.iter().any(|f| unrendered.contains(f)) {
            return None;
        }
        let opts = app
            .in_repo_sources()
            .find(|s| s.path.as_deref() == Some(id.as_str()))
            .map(|s| s.kustomize.clone())
            .unwrap_or_default();
        for o in &unit.objects {
            let name = format!(
                "{}{}{}",
                opts.name_prefix.as_deref().unwrap_or(""),
                o.name,
                opts.name_suffix.as_deref().unwrap_or("")
            );
            let ns = opts
                .namespace
                .as_ref()
                .map(|n| n.value.clone())
                .or(o.namespace.clone())
                .or(dest_ns.clone());
            out.push((o, name, ns));
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Files with a render problem (remote base, Helm chart, missing file): a
/// unit holding one does not have all its objects known.
fn unrendered_files(cx: &RepoCx) -> HashSet<FileId> {
    (cx.repo.render_events.iter())
        .filter(|ue| {
            matches!(
                crate::rules::kustomize::rule_of(ue.event.kind).0.id,
                "kustomize-build" | "kustomize-missing-resource"
            )
        })
        .map(|ue| ue.event.span.file)
        .collect()
}

fn closest(rule: &IgnoreRule, objects: &[(&Object, String, Option<String>)]) -> Option<String> {
    let kinds = objects.iter().map(|(o, _, _)| o.kind.as_str());
    if let Some(k) = crate::suggest::did_you_mean(&rule.kind, kinds) {
        if k != rule.kind {
            return Some(format!("kind `{k}`"));
        }
    }
    let same_kind = objects.iter().filter(|(o, _, _)| o.kind == rule.kind);
    if let Some((o, _, _)) = same_kind.clone().next() {
        if !crate::argocd::glob::matches(&rule.group, o.group(), &[]) {
            let g = o.group();
            return Some(format!("group `{}`", if g.is_empty() { "\"\"" } else { g }));
        }
    }
    if let Some(name) = &rule.name {
        let names = same_kind.clone().map(|(_, n, _)| n.as_str());
        if let Some(n) = crate::suggest::did_you_mean(name, names) {
            return Some(format!("name `{n}`"));
        }
    }
    if let Some(ns) = &rule.namespace {
        if let Some((_, _, Some(actual))) = same_kind
            .clone()
            .find(|(_, n, _)| Some(n) == rule.name.as_ref())
        {
            if actual != ns {
                return Some(format!("namespace `{actual}`"));
            }
        }
    }
    None
}

impl Rule for IgnoreUnmatched {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_repo(&self, cx: &RepoCx, out: &mut Vec<Diagnostic>) {
        let m = model(cx.repo);
        let unrendered = unrendered_files(cx);
        let unmatched = |app: &App| -> Vec<Span> {
            let Some(objects) = deployed(cx, app, &unrendered) else {
                return Vec::new();
            };
            app.ignore
                .iter()
                .filter(|r| {
                    !r.kind.is_empty()
                        && !objects
                            .iter()
                            .any(|(o, name, ns)| r.matches(o.group(), &o.kind, name, ns.as_deref()))
                })
                .map(|r| r.span)
                .collect()
        };
        // Each entry of each Application, grouped by template line.
        let mut spans: Vec<Span> = Vec::new();
        for app in &m.apps {
            for s in unmatched(app) {
                if !spans.contains(&s) {
                    spans.push(s);
                }
            }
        }
        for span in spans {
            for hit in super::hits(m, |app: &App| {
                unmatched(app)
                    .contains(&span)
                    .then(|| (span, String::new()))
            }) {
                let app = hit.app();
                let Some(rule) = app.ignore.iter().find(|r| r.span == span) else {
                    continue;
                };
                let objects = deployed(cx, app, &unrendered).unwrap_or_default();
                let what = format!(
                    "{}{}{}",
                    if rule.group.is_empty() {
                        String::new()
                    } else {
                        format!("{}/", rule.group)
                    },
                    rule.kind,
                    rule.name
                        .as_deref()
                        .map(|n| format!(" {n}"))
                        .unwrap_or_default()
                );
                let mut d = hit
                    .finding(
                        m,
                        format!(
                            "{}: ignoreDifferences entry for {what} matches none of the {} objects it deploys: the difference it should hide is still reported",
                            hit.subject(m),
                            objects.len()
                        ),
                    );
                d = match closest(rule, &objects) {
                    Some(s) => d.with_help(format!("did you mean {s}?")),
                    None => {
                        d.with_help("fix the group, kind, name or namespace, or remove the entry")
                    }
                };
                out.push(d);
            }
        }
    }
}
