use std::collections::{BTreeMap, HashSet};

use super::{RepoCx, Rule, RuleMeta, Scope};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Object;
use crate::schema::{deprecation, SchemaRegistry};
use crate::suggest::distance;
use crate::yaml::Span;

/// No schema is known for an apiVersion/kind: reported once per
/// apiVersion/kind, with the number of objects and each location as related.
pub struct UnknownKind;

static META: RuleMeta = RuleMeta::new(
    "unknown-kind",
    Severity::Warning,
    Scope::Repo,
    "no schema for this apiVersion/kind (suggest `--crd`); once per apiVersion/kind",
)
.severity_note("(info for OpenShift/OLM platform APIs)");

/// Kustomize plugin and transformer configs (`builtin` LabelTransformer, ...) are
/// not cluster objects.
fn is_kustomize_config(api_version: &str) -> bool {
    api_version == "builtin"
        || api_version.starts_with("builtin/")
        || api_version.starts_with("kustomize.config.k8s.io/")
        || api_version.contains(".kustomize.config.k8s.io/")
}

/// Configuration files of development and test tools that share the
/// `apiVersion`/`kind` shape but are never applied to a cluster (kuttl test
/// steps, skaffold, kind, kpt, the operator-sdk scorecard).
fn is_tool_config(api_version: &str) -> bool {
    [
        "kuttl.dev/",
        "skaffold/",
        "kind.x-k8s.io/",
        "kpt.dev/",
        "ctlptl.dev/",
        "k3d.io/",
        "scorecard.operatorframework.io/",
    ]
    .iter()
    .any(|p| api_version.starts_with(p))
}

/// API groups an OpenShift cluster serves itself (and OLM, which it ships):
/// no CRD in a GitOps repository defines them, and ftlint bundles no schema.
const PLATFORM_GROUPS: &[&str] = &[
    "apps.openshift.io",
    "authorization.openshift.io",
    "build.openshift.io",
    "config.openshift.io",
    "console.openshift.io",
    "image.openshift.io",
    "imageregistry.operator.openshift.io",
    "machine.openshift.io",
    "machineconfiguration.openshift.io",
    "monitoring.openshift.io",
    "network.openshift.io",
    "oauth.openshift.io",
    "operator.openshift.io",
    "project.openshift.io",
    "quota.openshift.io",
    "route.openshift.io",
    "security.openshift.io",
    "template.openshift.io",
    "user.openshift.io",
    "operators.coreos.com",
    "packages.operators.coreos.com",
];

fn is_platform_group(group: &str) -> bool {
    PLATFORM_GROUPS.contains(&group)
}

fn group_of(api_version: &str) -> &str {
    api_version.split_once('/').map_or("", |(g, _)| g)
}

/// A group Kubernetes serves itself (core, `apps`, `*.k8s.io`, ...) and that
/// the bundled schemas know; CRD groups such as `gateway.networking.k8s.io`
/// are not bundled, so they never match.
fn is_builtin_group(group: &str, known: &[String]) -> bool {
    if group.contains('.') && !group.ends_with(".k8s.io") {
        return false;
    }
    known.iter().any(|k| {
        let g = if k.matches('/').count() == 2 {
            group_of(k)
        } else {
            ""
        };
        g == group
    })
}

/// The apiVersions worth suggesting for `api_version`/`kind`: the same kind
/// in the same group under another version, or in a group whose name is a
/// likely typo of this one (`app/v1` for `apps/v1`), or a built-in kind
/// written in another built-in group (`v1` Deployment). A kind of the same name
/// in an unrelated group (an OpenShift Route and a Knative Route) is another
/// product's, never a suggestion.
fn likely_meant(reg: &SchemaRegistry, api_version: &str, kind: &str) -> Vec<String> {
    let group = group_of(api_version);
    let known = reg.known_kinds();
    let builtin = is_builtin_group(group, &known);
    reg.api_versions_of(kind)
        .into_iter()
        .filter(|candidate| {
            let g = group_of(candidate);
            g == group
                || (!is_platform_group(group) && is_typo(group, g))
                // `v1` Deployment: a built-in kind written in the wrong built-in group.
                || (builtin && is_builtin_group(g, &known))
        })
        .collect()
}

/// Edit distance 1 or 2 between two group names long enough that this is not
/// chance (`rbac.authorization.k8s.io` / `rbac.authorizaton.k8s.io`, `app` / `apps`).
fn is_typo(a: &str, b: &str) -> bool {
    let d = distance(a, b);
    d > 0 && (d == 1 || (d == 2 && a.len().min(b.len()) >= 8))
}

/// Whether the object is one `unknown-kind` looks at.
fn applies(cx: &RepoCx, o: &Object) -> bool {
    let reg = &cx.repo.schemas;
    !(reg.known_kind(&o.api_version, &o.kind)
        || is_kustomize_config(&o.api_version)
        || is_tool_config(&o.api_version)
        || (o.api_version == "v1" && o.kind == "List")
        || cx.repo.is_patch_file(o.file)
        // A removed apiVersion is reported by deprecated-api, with its replacement.
        || deprecation(&o.api_version, &o.kind, reg.version()).is_some_and(|d| d.removed))
}

fn objects_word(n: usize) -> String {
    if n == 1 {
        "1 object".to_string()
    } else {
        format!("{n} objects")
    }
}

fn finding(reg: &SchemaRegistry, api_version: &str, kind: &str, spans: &[Span]) -> Diagnostic {
    let group = group_of(api_version);
    let count = objects_word(spans.len());
    let meant = likely_meant(reg, api_version, kind);
    let d = if !meant.is_empty() {
        let list: Vec<String> = meant.iter().map(|a| format!("`{a}`")).collect();
        Diagnostic::new(
            spans[0],
            format!(
                "{kind} is not served as `{api_version}` in Kubernetes {}; it is served as {} ({count})",
                reg.version(),
                list.join(", ")
            ),
        )
        .with_help(format!("set `apiVersion: {}`", meant[meant.len() - 1]))
    } else if is_platform_group(group) {
        // Served by the OpenShift platform itself: the cluster knows it, ftlint
        // only cannot check it. Said once, quietly.
        Diagnostic::new(
            spans[0],
            format!(
                "`{api_version}` {kind} is an OpenShift/OLM platform API; ftlint has no schema for it, so {count} {} not validated",
                if spans.len() == 1 { "is" } else { "are" }
            ),
        )
        .with_severity(Severity::Info)
        .with_help(
            "load its JSON schema with `--schema-dir DIR` (layout `<group>/<kind>_<version>.json`) to validate these objects",
        )
    } else if is_builtin_group(group, &reg.known_kinds()) {
        // No CRD can add a kind to a group Kubernetes itself serves: the
        // kind was removed long ago, is misspelt, or the file is some
        // tool's config (a scheduler Policy, an InitializerConfiguration).
        Diagnostic::new(
            spans[0],
            format!(
                "`{api_version}` {kind} is not a Kubernetes {} API: the `{}` group is built in and has no such kind ({count})",
                reg.version(),
                if group.is_empty() { "core" } else { group }
            ),
        )
        .with_help(
            "check the apiVersion and kind; if the file is not a Kubernetes manifest, \
             list it under `exclude` in .ftlint.yaml",
        )
    } else {
        Diagnostic::new(
            spans[0],
            format!("no schema for `{api_version}` {kind}: {count} cannot be validated"),
        )
        .with_help(
            "commit its CustomResourceDefinition to the repository, pass it with `--crd FILE`, \
             or load JSON schemas with `--schema-dir DIR` (layout `<group>/<kind>_<version>.json`)",
        )
    };
    spans[1..].iter().fold(d, |d, s| {
        d.with_related(*s, format!("another `{api_version}` {kind}"))
    })
}

impl Rule for UnknownKind {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_repo(&self, cx: &RepoCx, out: &mut Vec<Diagnostic>) {
        // apiVersion/kind -> where each object of it is written, once per
        // location (a base rendered by several overlays is one object here).
        let mut by_kind: BTreeMap<(String, String), Vec<Span>> = BTreeMap::new();
        let mut seen: HashSet<Span> = HashSet::new();
        for (_, o) in cx.repo.objects() {
            if !applies(cx, o) {
                continue;
            }
            let span = o
                .root
                .get("apiVersion")
                .map(|n| n.span)
                .unwrap_or_else(|| o.anchor_span());
            if seen.insert(span) {
                by_kind
                    .entry((o.api_version.clone(), o.kind.clone()))
                    .or_default()
                    .push(span);
            }
        }
        for ((api_version, kind), mut spans) in by_kind {
            spans.sort_by_key(|s| (cx.repo.sources.path(s.file).to_string(), s.start));
            out.push(finding(&cx.repo.schemas, &api_version, &kind, &spans));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_typo;

    #[test]
    fn typos_of_groups() {
        assert!(is_typo("app", "apps"));
        assert!(is_typo(
            "rbac.authorizaton.k8s.io",
            "rbac.authorization.k8s.io"
        ));
        assert!(!is_typo("route.openshift.io", "serving.knative.dev"));
        assert!(!is_typo("rbac.crossplane.io", "rbac.authorization.k8s.io"));
        assert!(!is_typo("apps", "apps"));
    }
}
