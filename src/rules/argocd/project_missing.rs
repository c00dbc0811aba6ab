use super::model;
use crate::argocd::{templated, App};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RepoCx, Rule, RuleMeta, Scope};

/// An Application names an AppProject that is not defined in the repository.
pub struct ProjectMissing;

static META: RuleMeta = RuleMeta::new(
    "argocd-project-missing",
    Severity::Error,
    Scope::Repo,
    "an Application names an AppProject that is not defined (other than `default`)",
);

impl Rule for ProjectMissing {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_repo(&self, cx: &RepoCx, out: &mut Vec<Diagnostic>) {
        let m = model(cx.repo);
        let undefined_project = |app: &App| {
            let name = app.project_name()?;
            let defined = name == "default" || templated(name) || m.project(name).is_some();
            app.project
                .as_ref()
                .filter(|_| !defined)
                .map(|p| (p.span, name.to_string()))
        };
        for hit in super::hits(m, undefined_project) {
            let name = hit.app().project_name().unwrap_or_default();
            let known: Vec<&str> = m.projects.iter().map(|p| p.name.as_str()).collect();
            let mut d = hit.finding(
                m,
                format!(
                    "{} uses AppProject `{name}`, which is not defined in this repository",
                    hit.subject(m)
                ),
            );
            d = match crate::suggest::did_you_mean(name, known.iter().copied()) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => {
                    d.with_help("define the AppProject in the repository, or use an existing one")
                }
            };
            out.push(d);
        }
    }
}
