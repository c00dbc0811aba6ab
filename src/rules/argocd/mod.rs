//! Argo CD rules (SPEC §6 "Argo CD"), one file per rule, all over the model
//! in [`crate::argocd`].

pub mod annotation_misplaced;
pub mod appset_template_key;
pub mod cluster_resource_wildcard;
pub mod default_project;
pub mod hpa_replicas_drift;
pub mod ignore_unmatched;
pub mod namespace_mismatch;
pub mod notifications_ref;
pub mod path_missing;
pub mod prod_auto_sync;
pub mod project_missing;
pub mod project_violation;
pub mod rbac_default;
pub mod rbac_policy;
pub mod source_ref_missing;
pub mod sync_retry;
pub mod sync_wave_invalid;
pub mod sync_wave_order;

use crate::argocd::{App, Model, Origin};
use crate::diagnostic::{Context, Diagnostic};
use crate::model::Object;
use crate::repo::Repo;
use crate::yaml::Span;

/// The Argo CD model of the repository.
pub(crate) fn model(repo: &Repo) -> &Model {
    repo.argocd()
}

/// A finding about an Application, naming it (and its ApplicationSet
/// element) as secondary locations, with the Application's context.
pub(crate) fn app_finding(model: &Model, app: &App, span: Span, message: String) -> Diagnostic {
    let mut d = app.relate(model, Diagnostic::new(span, message));
    d.context = app.context();
    d
}

/// One problem found in one or more Applications at one place: a template
/// line shared by several generated Applications is one hit, reported once.
pub(crate) struct Hit<'m> {
    pub span: Span,
    pub apps: Vec<&'m App>,
}

impl<'m> Hit<'m> {
    pub fn app(&self) -> &'m App {
        self.apps[0]
    }

    /// "Application web" for one, "ApplicationSet apps (in 3 of 5 generated
    /// Applications: a (directory a), b (directory b), c (directory c))" for several.
    pub fn subject(&self, model: &Model) -> String {
        let first = self.app();
        match (self.apps.len(), first.appset()) {
            (1, _) | (_, None) => first.describe(model),
            (n, Some(set)) => {
                let set = &model.appsets[set];
                let mut labels: Vec<String> = self
                    .apps
                    .iter()
                    .filter_map(|a| match &a.origin {
                        Origin::Generated { element, .. } => {
                            Some(format!("{} ({})", a.display_name(), element.label))
                        }
                        _ => None,
                    })
                    .collect();
                if labels.len() > 3 {
                    let more = labels.len() - 3;
                    labels.truncate(3);
                    labels.push(format!("{more} more"));
                }
                format!(
                    "ApplicationSet {} (in {n} of {} generated Applications: {})",
                    set.name,
                    set.generated,
                    labels.join(", ")
                )
            }
        }
    }

    /// A finding at the hit's span with the first Application's context.
    pub fn finding(&self, model: &Model, message: String) -> Diagnostic {
        app_finding(model, self.app(), self.span, message)
    }
}

/// The Applications with a finding, grouped: `finding_at` gives the span to
/// report at and a key telling distinct problems at the same span apart (the
/// project name of `project: '{{env}}'`).
pub(crate) fn hits<'m>(
    model: &'m Model,
    mut finding_at: impl FnMut(&'m App) -> Option<(Span, String)>,
) -> Vec<Hit<'m>> {
    let mut out: Vec<Hit<'m>> = Vec::new();
    let mut index: std::collections::HashMap<(Span, String), usize> = Default::default();
    for app in &model.apps {
        let Some((span, key)) = finding_at(app) else {
            continue;
        };
        match index.get(&(span, key.clone())) {
            Some(&i) if app.is_generated() => out[i].apps.push(app),
            _ => {
                index.insert((span, key), out.len());
                out.push(Hit {
                    span,
                    apps: vec![app],
                });
            }
        }
    }
    out
}

pub(crate) fn object_context(repo: &Repo, unit_ids: &[String], o: &Object) -> Context {
    let env = unit_ids
        .first()
        .and_then(|id| repo.unit(id))
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
