use super::model;
use crate::argocd::App;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RepoCx, Rule, RuleMeta, Scope};

/// The Application uses the `default` AppProject, which permits everything.
pub struct DefaultProject;

static META: RuleMeta = RuleMeta::new(
    "argocd-default-project",
    Severity::Warning,
    Scope::Repo,
    "the Application uses project `default` (error in prod)",
)
.severity_note("(error in prod)");

impl Rule for DefaultProject {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_repo(&self, cx: &RepoCx, out: &mut Vec<Diagnostic>) {
        let m = model(cx.repo);
        let uses_default = |app: &App| {
            let project = app.project.as_ref()?;
            (app.project_name() == Some("default")).then(|| (project.span, String::new()))
        };
        for hit in super::hits(m, uses_default) {
            let app = hit.app();
            let mut d = hit.finding(
                m,
                format!("{} uses the `default` AppProject, which allows any source, destination and resource", hit.subject(m)),
            )
            .with_help("create an AppProject that restricts sourceRepos, destinations and cluster resources");
            if app.env.as_deref() == Some("prod") {
                d = d.with_severity(Severity::Error);
            }
            out.push(d);
        }
    }
}
