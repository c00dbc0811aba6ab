use std::collections::BTreeSet;

use super::in_context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::env::wildcard_match;
use crate::repo::Repo;
use crate::rules::{Rule, RuleMeta, Scope, UnitCx};
use crate::yaml::Node;

/// A namespace used by an object is neither declared as a Namespace anywhere
/// in the repository nor created by an Argo CD Application (or
/// ApplicationSet template) with `CreateNamespace=true`, or a Flux HelmRelease
/// with `install.createNamespace`.
///
/// Reported once per namespace and unit. Exempt: the namespaces every cluster
/// has (`default`, `kube-*`) and the platform's own (`openshift-*`, `gke-*`), and the
/// namespace of Argo CD's own objects (Application, AppProject, ApplicationSet
/// live where Argo CD is installed). `flux-system` counts as provided when the
/// repository holds Flux objects (`*.toolkit.fluxcd.io`) in it: `flux
/// bootstrap` creates it and commits only a placeholder for its manifests.
pub struct NamespaceMissing;

static META: RuleMeta = RuleMeta::new(
    "namespace-missing",
    Severity::Warning,
    Scope::Unit,
    "a namespace used by an object is neither declared in the repo nor created by its Application",
);

/// Namespaces the platform provides (patterns).
const BUILTIN: &[&str] = &["default", "kube-*", "openshift", "openshift-*", "gke-*"];

fn creates_namespace(sync_options: Option<&Node>) -> bool {
    sync_options
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .any(|o| {
            o.as_str()
                .is_some_and(|s| s.replace(' ', "") == "CreateNamespace=true")
        })
}

/// Namespace names (patterns: `{{ }}` becomes `*`) the repository provides.
fn provided(repo: &Repo) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (_, o) in repo.objects() {
        if o.group().ends_with(".toolkit.fluxcd.io")
            && o.namespace.as_deref() == Some("flux-system")
        {
            out.insert("flux-system".to_string());
        }
        match (o.group(), o.kind.as_str()) {
            ("", "Namespace") => {
                out.insert(o.name.clone());
            }
            ("argoproj.io", "Application" | "ApplicationSet") => {
                let spec = if o.kind == "Application" {
                    o.root.get("spec")
                } else {
                    o.root.path(&["spec", "template", "spec"])
                };
                let Some(spec) = spec else { continue };
                if creates_namespace(spec.path(&["syncPolicy", "syncOptions"])) {
                    if let Some(ns) = spec.str_at(&["destination", "namespace"]) {
                        out.insert(templated_to_glob(ns));
                    }
                }
            }
            ("helm.toolkit.fluxcd.io", "HelmRelease")
                if o.root
                    .path(&["spec", "install", "createNamespace"])
                    .and_then(Node::as_bool)
                    == Some(true) =>
            {
                if let Some(ns) = o
                    .root
                    .str_at(&["spec", "targetNamespace"])
                    .or(o.namespace.as_deref())
                {
                    out.insert(ns.to_string());
                }
            }
            _ => {}
        }
    }
    out
}

fn templated_to_glob(ns: &str) -> String {
    let mut out = String::new();
    let mut rest = ns;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        out.push('*');
        rest = match rest[i..].find("}}") {
            Some(j) => &rest[i + j + 2..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

impl Rule for NamespaceMissing {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_unit(&self, cx: &UnitCx, out: &mut Vec<Diagnostic>) {
        let mut provided_cache = None;
        let mut seen = BTreeSet::new();
        for o in &cx.unit.objects {
            let Some(ns) = o.namespace.as_deref() else {
                continue;
            };
            if BUILTIN.iter().any(|p| wildcard_match(p, ns))
                || ns.contains("{{")
                || ns.contains("${")
                || (o.group() == "argoproj.io"
                    && matches!(
                        o.kind.as_str(),
                        "Application" | "AppProject" | "ApplicationSet"
                    ))
                || seen.contains(ns)
            {
                continue;
            }
            let provided = provided_cache.get_or_insert_with(|| provided(cx.repo));
            if provided.iter().any(|p| wildcard_match(p, ns)) {
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
