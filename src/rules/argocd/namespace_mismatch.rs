use super::model;
use crate::argocd::{templated, App};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RepoCx, Rule, RuleMeta, Scope};
use crate::source::join;
use crate::yaml::Span;

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
        let find = |app: &App| {
            let (ns, _, _) = source_namespace(cx, app)?;
            Some((app.destination.namespace.as_ref()?.span, ns))
        };
        for hit in super::hits(m, find) {
            let app = hit.app();
            let (Some(dest), Some((ns, span, how))) =
                (&app.destination.namespace, source_namespace(cx, app))
            else {
                continue;
            };
            out.push(
                hit.finding(
                    m,
                    format!(
                        "{} deploys to namespace `{}`, but its source puts every object in namespace `{ns}`",
                        hit.subject(m),
                        dest.value
                    ),
                )
                .with_related(span, format!("namespace `{ns}` {how}"))
                .with_help("make the destination namespace and the source's namespace agree"),
            );
        }
    }
}

/// The namespace an in-repo source puts every object in, when it
/// contradicts the destination: the Application's `kustomize.namespace`, the
/// kustomization's `namespace:`, or (plain directory) the one namespace all
/// its namespaced objects write.
fn source_namespace(cx: &RepoCx, app: &App) -> Option<(String, Span, &'static str)> {
    let dest = app.destination.namespace.as_ref()?;
    if dest.value.is_empty() || templated(&dest.value) {
        return None;
    }
    for s in app.in_repo_sources() {
        let kustomization = s.path.as_ref().and_then(|p| {
            ["kustomization.yaml", "kustomization.yml", "Kustomization"]
                .iter()
                .find_map(|n| cx.repo.sources.by_path(&join(p, n)))
        });
        let set = match (&s.kustomize.namespace, kustomization) {
            (Some(ns), _) => Some((
                ns.value.clone(),
                ns.span,
                "set by the Application's kustomize.namespace",
            )),
            (None, Some(k)) => k
                .parsed
                .documents
                .first()
                .and_then(|d| d.root.get("namespace"))
                .and_then(|n| Some((n.as_str()?.to_string(), n.span, "set by the kustomization"))),
            (None, None) => plain_namespace(cx, s.path.as_deref()?),
        };
        if let Some((ns, span, how)) = set {
            if ns != dest.value && !templated(&ns) {
                return Some((ns, span, how));
            }
        }
    }
    None
}

/// A plain directory whose objects all set the same namespace: Argo CD
/// applies them there, whatever the destination says.
fn plain_namespace(cx: &RepoCx, dir: &str) -> Option<(String, Span, &'static str)> {
    let unit = cx.repo.unit(dir)?;
    let mut found: Option<(String, Span)> = None;
    for o in &unit.objects {
        let Some(node) = o.root.path(&["metadata", "namespace"]) else {
            continue;
        };
        let ns = node.as_str()?;
        match &found {
            Some((f, _)) if f != ns => return None,
            Some(_) => {}
            None => found = Some((ns.to_string(), node.span)),
        }
    }
    let (ns, span) = found?;
    // Only when no namespaced object relies on the destination namespace.
    let relies = unit
        .objects
        .iter()
        .any(|o| o.namespace.is_none() && !CLUSTER_SCOPED.contains(&o.kind.as_str()));
    (!relies).then_some((ns, span, "written on every object of the directory"))
}

const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "PersistentVolume",
    "StorageClass",
    "PriorityClass",
    "IngressClass",
    "RuntimeClass",
    "APIService",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "ClusterIssuer",
    "ClusterSecretStore",
];
