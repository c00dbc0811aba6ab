use crate::argocd::{model, templated, Origin};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RepoCx, Rule, RuleMeta, Scope};

/// An Application's source path in this repository does not exist.
pub struct PathMissing;

static META: RuleMeta = RuleMeta::new(
    "argocd-path-missing",
    Severity::Error,
    Scope::Repo,
    "an Application's source path in this repo does not exist (ApplicationSet list/git generators expanded)",
);

impl Rule for PathMissing {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_repo(&self, cx: &RepoCx, out: &mut Vec<Diagnostic>) {
        let m = model(cx.repo);
        for app in &m.apps {
            for s in app.in_repo_sources() {
                let (Some(path), Some(raw), Some(span)) = (&s.path, &s.raw_path, s.path_span)
                else {
                    continue;
                };
                if s.path_exists || templated(path) || path.starts_with("..") {
                    continue;
                }
                let d = match &app.origin {
                    Origin::Object => super::app_finding(
                        m,
                        app,
                        span,
                        format!("source path `{raw}` of Application {} does not exist in this repository", app.name),
                    ),
                    Origin::Generated { appset, element } => {
                        let set = &m.appsets[*appset];
                        super::app_finding(
                            m,
                            app,
                            element.span,
                            format!(
                                "ApplicationSet {} {}: generated source path `{raw}` (Application {}) does not exist in this repository",
                                set.name, element.label, app.name
                            ),
                        )
                        .with_related(span, "path template")
                    }
                };
                out.push(d.with_help("fix the path or create the directory; Argo CD reports the Application as ComparisonError"));
            }
        }
    }
}
