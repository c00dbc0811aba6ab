use std::collections::BTreeMap;

use super::model;
use crate::argocd::appset::Issue;
use crate::argocd::{templated, App, Origin};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RepoCx, Rule, RuleMeta, Scope};
use crate::yaml::Span;

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
        const HELP: &str = "fix the path or create the directory; Argo CD reports the Application as ComparisonError";
        // Generated Applications missing their path, by template path line.
        let mut generated: BTreeMap<Span, Vec<(&App, &str)>> = BTreeMap::new();
        let mut with_path: BTreeMap<Span, usize> = BTreeMap::new();
        for app in &m.apps {
            for s in app.in_repo_sources() {
                let (Some(path), Some(raw), Some(span)) = (&s.path, &s.raw_path, s.path_span)
                else {
                    continue;
                };
                if matches!(app.origin, Origin::Generated { .. }) {
                    *with_path.entry(span).or_default() += 1;
                }
                if s.path_exists || templated(path) || path.starts_with("..") {
                    continue;
                }
                match &app.origin {
                    Origin::Generated { .. } => generated.entry(span).or_default().push((app, raw)),
                    _ => out.push(
                        super::app_finding(
                            m,
                            app,
                            span,
                            format!(
                                "source path `{raw}` of {} does not exist in this repository",
                                app.describe(m)
                            ),
                        )
                        .with_help(HELP),
                    ),
                }
            }
        }
        for (span, missing) in generated {
            let total = with_path.get(&span).copied().unwrap_or(0);
            if missing.len() > 1 && missing.len() == total {
                // Every element misses it: the template is wrong.
                let hit = super::Hit {
                    span,
                    apps: missing.iter().map(|(a, _)| *a).collect(),
                };
                let mut paths: Vec<&str> = missing.iter().map(|(_, p)| *p).collect();
                paths.dedup();
                let shown = if paths.len() > 3 {
                    format!("{}, ... ({} paths)", paths[..3].join("`, `"), paths.len())
                } else {
                    paths.join("`, `")
                };
                out.push(
                    hit.finding(
                        m,
                        format!(
                            "{}: source path `{shown}` does not exist in this repository",
                            hit.subject(m)
                        ),
                    )
                    .with_help(HELP),
                );
                continue;
            }
            for (app, raw) in missing {
                let Origin::Generated { appset, element } = &app.origin else {
                    continue;
                };
                let set = &m.appsets[*appset];
                out.push(
                    super::app_finding(
                        m,
                        app,
                        element.span,
                        format!(
                            "ApplicationSet {} {}: generated source path `{raw}` (Application {}) does not exist in this repository",
                            set.name, element.label, app.display_name()
                        ),
                    )
                    .with_related(span, "path template")
                    .with_help(HELP),
                );
            }
        }
        for set in &m.appsets {
            for issue in &set.issues {
                let Issue::NothingMatched {
                    span,
                    pattern,
                    files,
                } = issue
                else {
                    continue;
                };
                let what = if *files { "file" } else { "directory" };
                out.push(
                    Diagnostic::new(
                        *span,
                        format!(
                            "ApplicationSet {}: git {what} pattern `{pattern}` matches no {what} of this repository, so it generates no Application",
                            set.name
                        ),
                    )
                    .with_related(set.anchor, format!("ApplicationSet {}", set.name))
                    .with_help("fix the pattern (Argo CD matches directories with Go's path.Match: `*` does not cross `/`)"),
                );
            }
        }
    }
}
