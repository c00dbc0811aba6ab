use crate::argocd::{model, templated};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RepoCx, Rule, RuleMeta, Scope};
use crate::source::join;

/// The destination namespace contradicts the namespace the source sets.
pub struct NamespaceMismatch;

static META: RuleMeta = RuleMeta::new(
    "argocd-namespace-mismatch",
    Severity::Warning,
    Scope::Repo,
    "the destination namespace contradicts the namespace the rendered source sets",
);

impl Rule for NamespaceMismatch {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_repo(&self, cx: &RepoCx, out: &mut Vec<Diagnostic>) {
        let m = model(cx.repo);
        let mut once = super::Once::default();
        for app in &m.apps {
            let Some(dest) = &app.destination.namespace else {
                continue;
            };
            if dest.value.is_empty() || templated(&dest.value) {
                continue;
            }
            for s in app.in_repo_sources() {
                // What the source sets: the Application's kustomize.namespace
                // override, else the kustomization's `namespace:`.
                let set = match &s.kustomize.namespace {
                    Some(ns) => Some((
                        ns.value.clone(),
                        ns.span,
                        "set by the Application's kustomize.namespace",
                    )),
                    None => s.path.as_ref().and_then(|p| {
                        ["kustomization.yaml", "kustomization.yml", "Kustomization"]
                            .iter()
                            .find_map(|n| cx.repo.sources.by_path(&join(p, n)))
                            .and_then(|f| f.parsed.documents.first())
                            .and_then(|d| d.root.get("namespace"))
                            .and_then(|n| {
                                Some((n.as_str()?.to_string(), n.span, "set by the kustomization"))
                            })
                    }),
                };
                let Some((ns, span, how)) = set else { continue };
                if ns == dest.value || templated(&ns) || !once.first(app, dest.span) {
                    continue;
                }
                out.push(
                    super::app_finding(
                        m,
                        app,
                        dest.span,
                        format!(
                            "{} deploys to namespace `{}`, but its source puts every object in namespace `{ns}`",
                            app.describe(m),
                            dest.value
                        ),
                    )
                    .with_related(span, format!("namespace `{ns}` {how}"))
                    .with_help("make the destination namespace and the source's namespace agree"),
                );
            }
        }
    }
}
