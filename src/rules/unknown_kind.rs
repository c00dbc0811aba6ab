use super::{ObjectCx, Rule, RuleMeta, Scope};
use crate::diagnostic::{Diagnostic, Severity};
use crate::schema::deprecation;

/// No schema is known for the object's apiVersion and kind.
pub struct UnknownKind;

static META: RuleMeta = RuleMeta::new(
    "unknown-kind",
    Severity::Warning,
    Scope::Object,
    "no schema for this apiVersion/kind (suggest `--crd`)",
);

/// Kustomize plugin and transformer configs (`builtin` LabelTransformer, ...) are
/// not cluster objects.
fn is_kustomize_config(api_version: &str) -> bool {
    api_version == "builtin"
        || api_version.starts_with("builtin/")
        || api_version.starts_with("kustomize.config.k8s.io/")
        || api_version.contains(".kustomize.config.k8s.io/")
}

/// A group Kubernetes serves itself (core, `apps`, `*.k8s.io`, ...) and that
/// the bundled schemas know; CRD groups such as `gateway.networking.k8s.io`
/// are not bundled, so they never match.
fn is_builtin_group(group: &str, known: &[String]) -> bool {
    if group.contains('.') && !group.ends_with(".k8s.io") {
        return false;
    }
    known.iter().any(|k| {
        let parts: Vec<&str> = k.split('/').collect();
        let g = if parts.len() == 3 { parts[0] } else { "" };
        g == group
    })
}

impl Rule for UnknownKind {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        let o = cx.object;
        let reg = &cx.repo.schemas;
        if reg.known_kind(&o.api_version, &o.kind)
            || is_kustomize_config(&o.api_version)
            || (o.api_version == "v1" && o.kind == "List")
            || cx.repo.is_patch_file(o.file)
        {
            return;
        }
        // A removed apiVersion is reported by deprecated-api, with its replacement.
        if deprecation(&o.api_version, &o.kind, reg.version()).is_some_and(|d| d.removed) {
            return;
        }
        let span = o
            .root
            .get("apiVersion")
            .map(|n| n.span)
            .unwrap_or_else(|| o.anchor_span());
        let others = reg.api_versions_of(&o.kind);
        let group = o.group();
        let d = if others.is_empty() && is_builtin_group(group, &reg.known_kinds()) {
            // No CRD can add a kind to a group Kubernetes itself serves: the
            // kind was removed long ago, is misspelt, or the file is some
            // tool's config (a scheduler Policy, an InitializerConfiguration).
            Diagnostic::new(
                span,
                format!(
                    "`{}` {} is not a Kubernetes {} API: the `{}` group is built in and has no such kind",
                    o.api_version,
                    o.kind,
                    reg.version(),
                    if group.is_empty() { "core" } else { group }
                ),
            )
            .with_help(
                "check the apiVersion and kind; if the file is not a Kubernetes manifest, \
                 list it under `exclude` in .ftlint.yaml",
            )
        } else if others.is_empty() {
            Diagnostic::new(
                span,
                format!("no schema for `{}` {}: it cannot be validated", o.api_version, o.kind),
            )
            .with_help(
                "commit its CustomResourceDefinition to the repository, pass it with `--crd FILE`, \
                 or load JSON schemas with `--schema-dir DIR` (layout `<group>/<kind>_<version>.json`)",
            )
        } else {
            let list: Vec<String> = others.iter().map(|a| format!("`{a}`")).collect();
            Diagnostic::new(
                span,
                format!(
                    "{} is not served as `{}` in Kubernetes {}; it is served as {}",
                    o.kind,
                    o.api_version,
                    reg.version(),
                    list.join(", ")
                ),
            )
            .with_help(format!("set `apiVersion: {}`", others[others.len() - 1]))
        };
        out.push(d);
    }
}
