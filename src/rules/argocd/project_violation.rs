use super::model;
use crate::argocd::{templated, App};
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
        let project_of = |app: &App| m.project(app.project_name()?);
        let source_denied = |app: &App| {
            let project = project_of(app)?;
            app.sources.iter().find_map(|s| {
                let url = s.repo_url.as_ref()?;
                (!templated(&url.value) && !project.source_permitted(&url.value))
                    .then(|| (url.span, url.value.clone()))
            })
        };
        for hit in super::hits(m, source_denied) {
            let Some(project) = project_of(hit.app()) else {
                continue;
            };
            let url = hit
                .app()
                .sources
                .iter()
                .filter_map(|s| s.repo_url.as_ref())
                .find(|u| u.span == hit.span)
                .map(|u| u.value.as_str())
                .unwrap_or_default();
            let allowed: Vec<&str> = project
                .source_repos
                .iter()
                .map(|r| r.value.as_str())
                .collect();
            let d = hit
                .finding(
                    m,
                    format!(
                        "{}: source repository {url} is not permitted by AppProject {} (sourceRepos: {})",
                        hit.subject(m),
                        project.name,
                        if allowed.is_empty() { "none".to_string() } else { allowed.join(", ") }
                    ),
                )
                .with_help("add the repository to the project's sourceRepos, or use the project meant for it")
                .with_related(project.object.anchor_span(), format!("AppProject {}", project.name));
            out.push(d);
        }
        let destination_denied = |app: &App| {
            let project = project_of(app)?;
            let dest = &app.destination;
            let server = dest.server.as_ref().map(|s| s.value.as_str());
            let name = dest.name.as_ref().map(|s| s.value.as_str());
            let ns = dest.namespace.as_ref().map_or("", |s| s.value.as_str());
            let unknown = [server, name, Some(ns)]
                .iter()
                .flatten()
                .any(|v| templated(v));
            if unknown || (server.is_none() && name.is_none()) {
                return None;
            }
            if project.destination_permitted(server, name, ns) != Some(false) {
                return None;
            }
            let span = dest.namespace.as_ref().map_or(dest.span, |n| n.span);
            // One finding per template line and cluster; the namespaces of
            // the generated Applications are listed in it.
            Some((span, format!("{server:?}{name:?}{}", project.name)))
        };
        for hit in super::hits(m, destination_denied) {
            let app = hit.app();
            let Some(project) = project_of(app) else {
                continue;
            };
            let dest = &app.destination;
            let mut namespaces: Vec<&str> = hit
                .apps
                .iter()
                .map(|a| {
                    a.destination
                        .namespace
                        .as_ref()
                        .map_or("", |s| s.value.as_str())
                })
                .collect();
            namespaces.dedup();
            let ns = namespaces.join("`, `");
            let target = match (&dest.server, &dest.name) {
                (Some(s), _) => format!("server {}", s.value),
                (None, Some(n)) => format!("cluster {}", n.value),
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
            let d = hit
                .finding(
                    m,
                    format!(
                        "{}: destination namespace `{ns}` on {target} is not permitted by AppProject {} (destinations: {})",
                        hit.subject(m),
                        project.name,
                        if allowed.is_empty() { "none".to_string() } else { allowed.join(", ") }
                    ),
                )
                .with_help("deploy to a namespace the project allows, or add the destination to the project")
                .with_related(project.object.anchor_span(), format!("AppProject {}", project.name));
            out.push(d);
        }
    }
}
