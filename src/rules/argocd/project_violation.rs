use crate::argocd::{model, templated};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RepoCx, Rule, RuleMeta, Scope};

/// The Application's source repo or destination is not permitted by its
/// AppProject (Argo CD's glob and `!` negation semantics).
pub struct ProjectViolation;

static META: RuleMeta = RuleMeta::new(
    "argocd-project-violation",
    Severity::Error,
    Scope::Repo,
    "the Application's source repo or destination is not permitted by its AppProject",
);

impl Rule for ProjectViolation {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_repo(&self, cx: &RepoCx, out: &mut Vec<Diagnostic>) {
        let m = model(cx.repo);
        let mut once = super::Once::default();
        for app in &m.apps {
            let Some(project) = m.project(app.project_name()) else {
                continue;
            };
            let proj_span = project.object.anchor_span();
            for s in &app.sources {
                let Some(url) = &s.repo_url else { continue };
                if templated(&url.value)
                    || project.source_permitted(&url.value)
                    || !once.first(app, url.span)
                {
                    continue;
                }
                let allowed: Vec<&str> = project
                    .source_repos
                    .iter()
                    .map(|r| r.value.as_str())
                    .collect();
                let mut d = super::app_finding(
                    m,
                    app,
                    url.span,
                    format!(
                        "{}: source repository {} is not permitted by AppProject {} (sourceRepos: {})",
                        app.describe(m),
                        url.value,
                        project.name,
                        if allowed.is_empty() { "none".to_string() } else { allowed.join(", ") }
                    ),
                )
                .with_help("add the repository to the project's sourceRepos, or use the project meant for it");
                d = d.with_related(proj_span, format!("AppProject {}", project.name));
                out.push(d);
            }
            let dest = &app.destination;
            let server = dest.server.as_ref().map(|s| s.value.as_str());
            let name = dest.name.as_ref().map(|s| s.value.as_str());
            let ns = dest
                .namespace
                .as_ref()
                .map(|s| s.value.as_str())
                .unwrap_or("");
            if [server, name, Some(ns)]
                .iter()
                .flatten()
                .any(|v| templated(v))
                || (server.is_none() && name.is_none())
            {
                continue;
            }
            if project.destination_permitted(server, name, ns) != Some(false) {
                continue;
            }
            let span = dest.namespace.as_ref().map(|n| n.span).unwrap_or(dest.span);
            if !once.first(app, span) {
                continue;
            }
            let target = match (server, name) {
                (Some(s), _) => format!("server {s}"),
                (None, Some(n)) => format!("cluster {n}"),
                _ => String::new(),
            };
            let allowed: Vec<String> = project
                .destinations
                .iter()
                .map(|d| {
                    format!(
                        "{}/{}",
                        d.server.as_deref().or(d.name.as_deref()).unwrap_or("?"),
                        d.namespace.as_deref().unwrap_or("")
                    )
                })
                .collect();
            let mut d = super::app_finding(
                m,
                app,
                span,
                format!(
                    "{}: destination namespace `{ns}` on {target} is not permitted by AppProject {} (destinations: {})",
                    app.describe(m),
                    project.name,
                    if allowed.is_empty() { "none".to_string() } else { allowed.join(", ") }
                ),
            )
            .with_help("deploy to a namespace the project allows, or add the destination to the project");
            d = d.with_related(proj_span, format!("AppProject {}", project.name));
            out.push(d);
        }
    }
}
