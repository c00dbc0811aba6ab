//! Argo CD rules (SPEC §6 "Argo CD"), one file per rule, all over the model
//! in [`crate::argocd`].

pub mod cluster_resource_wildcard;
pub mod default_project;
pub mod hpa_replicas_drift;
pub mod namespace_mismatch;
pub mod notifications_ref;
pub mod path_missing;
pub mod prod_auto_sync;
pub mod project_missing;
pub mod project_violation;
pub mod rbac_default;
pub mod rbac_policy;
pub mod sync_retry;
pub mod sync_wave_invalid;
pub mod sync_wave_order;

use std::collections::HashSet;

use crate::argocd::{App, Model};
use crate::diagnostic::{Context, Diagnostic};
use crate::model::Object;
use crate::repo::Repo;
use crate::yaml::Span;

/// A finding about an Application, naming it (and its ApplicationSet
/// element) as secondary locations, with the Application's context.
pub(crate) fn app_finding(model: &Model, app: &App, span: Span, message: String) -> Diagnostic {
    let mut d = app.relate(model, Diagnostic::new(span, message));
    d.context = app.context();
    d
}

/// Generated Applications share their template's spans: report a template
/// location once.
#[derive(Default)]
pub(crate) struct Once(HashSet<Span>);

impl Once {
    pub fn first(&mut self, app: &App, span: Span) -> bool {
        !app.is_generated() || self.0.insert(span)
    }
}

/// The Applications with a finding, each with the span `finding_at` reports
/// it at; a template location shared by generated Applications comes once.
pub(crate) fn apps_with_finding<'m>(
    model: &'m Model,
    mut finding_at: impl FnMut(&'m App) -> Option<Span>,
) -> impl Iterator<Item = (&'m App, Span)> {
    let mut once = Once::default();
    model.apps.iter().filter_map(move |app| {
        let span = finding_at(app)?;
        once.first(app, span).then_some((app, span))
    })
}

pub(crate) fn object_context(repo: &Repo, unit_ids: &[String], o: &Object) -> Context {
    let env = unit_ids
        .first()
        .and_then(|id| repo.units.iter().find(|u| &u.id == id))
        .and_then(|u| repo.env_of(u, o));
    Context {
        units: unit_ids.to_vec(),
        env,
        object: Some(o.display_id()),
    }
}

/// The span of `needle` inside `span` (first whole-token occurrence at or
/// after `from`), else `span` itself. For names inside block scalars.
pub(crate) fn find_in(repo: &Repo, span: Span, needle: &str, from: usize) -> Span {
    let text = repo.sources.text(span);
    let is_tok = |c: char| c.is_alphanumeric() || c == '-' || c == '_' || c == '.';
    let mut pos = from.min(text.len());
    while let Some(i) = text.get(pos..).and_then(|t| t.find(needle)) {
        let s = pos + i;
        let e = s + needle.len();
        let before = text[..s].chars().next_back().is_none_or(|c| !is_tok(c));
        let after = text[e..].chars().next().is_none_or(|c| !is_tok(c));
        if before && after && !needle.is_empty() {
            return Span::new(span.file, span.start as usize + s, span.start as usize + e);
        }
        pos = s + needle.len().max(1);
    }
    span
}
