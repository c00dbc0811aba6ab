use std::collections::BTreeSet;

use super::in_context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::env::wildcard_match;
use crate::index::is_argocd_own;
use crate::rules::{Rule, RuleMeta, Scope, UnitCx};

/// A namespace used by an object is neither declared as a Namespace anywhere
/// in the repository nor created by an Argo CD Application (or
/// ApplicationSet template) with `CreateNamespace=true`, or a Flux HelmRelease
/// with `install.createNamespace`.
///
/// Reported once per namespace and deployed unit (a Kustomize render, or a
/// directory an Application deploys; loose fixture directories are applied by
/// nobody). Exempt: the namespaces every cluster has (`default`, `kube-*`),
/// the platform's own (`openshift-*`, `gke-*`), templates and `envsubst`
/// variables, scaffolding placeholders (`system`, `placeholder`), and the
/// namespace Argo CD is installed in (where its Applications, AppProjects and
/// `argocd-*` config live). `flux-system` counts as provided when the
/// repository holds Flux objects (`*.toolkit.fluxcd.io`) in it: `flux
/// bootstrap` creates it and commits only a placeholder for its manifests.
/// The provided namespaces are computed once, in the repository index.
pub struct NamespaceMissing;

static META: RuleMeta = RuleMeta::new(
    "namespace-missing",
    Severity::Warning,
    Scope::Unit,
    "a namespace used by an object is neither declared in the repo nor created by its Application",
);

/// Namespaces the platform provides (patterns).
const BUILTIN: &[&str] = &["default", "kube-*", "openshift", "openshift-*", "gke-*"];

/// Scaffolding placeholders that a later `namespace:` replaces: kubebuilder's
/// `system` (set by `config/default`) and operator-sdk's `placeholder` in
/// bundle manifests.
const PLACEHOLDERS: &[&str] = &["system", "placeholder"];

/// A namespace that is not a name yet: a template (`{{ }}`), an environment
/// variable for `envsubst` (`$NS`, `${NS}`), or a scaffolding placeholder.
fn is_placeholder(ns: &str) -> bool {
    ns.contains("{{") || ns.contains('$') || PLACEHOLDERS.contains(&ns)
}

/// Whether one engine applies this unit as a whole: a Kustomize render, an
/// Argo CD Application source, or Flux's own cluster configuration (a
/// directory of `*.toolkit.fluxcd.io` objects, applied by `flux bootstrap`).
/// A loose directory of manifests (fixtures, examples) is applied by nobody,
/// so what its namespace needs is unknown.
fn deployed(cx: &UnitCx) -> bool {
    cx.unit.is_deployed()
        || cx
            .unit
            .objects
            .iter()
            .any(|o| o.group().ends_with(".toolkit.fluxcd.io"))
}

impl Rule for NamespaceMissing {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_unit(&self, cx: &UnitCx, out: &mut Vec<Diagnostic>) {
        if !deployed(cx) {
            return;
        }
        let provided = &cx.repo.index().provided_namespaces;
        let mut seen = BTreeSet::new();
        for o in &cx.unit.objects {
            let Some(ns) = o.namespace.as_deref() else {
                continue;
            };
            if BUILTIN.iter().any(|p| wildcard_match(p, ns))
                || is_placeholder(ns)
                || is_argocd_own(o)
                || seen.contains(ns)
                || provided.contains(ns)
            {
                continue;
            }
            seen.insert(ns.to_string());
            let span = o
                .root
                .path(&["metadata", "namespace"])
                .map(|n| n.span)
                .unwrap_or(o.anchor_span());
            let d = Diagnostic::new(
                span,
                format!("namespace `{ns}` is not declared in the repository nor created by an Application"),
            )
            .with_help("add a Namespace manifest, or set `CreateNamespace=true` in the Application's syncOptions");
            out.push(in_context(cx, o, d));
        }
    }
}
