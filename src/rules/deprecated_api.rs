use super::{ObjectCx, Rule, RuleMeta, Scope};
use crate::diagnostic::{Diagnostic, Severity};
use crate::schema::deprecation;

/// apiVersion removed (error) or deprecated (warning) at the target version.
pub struct DeprecatedApi;

static META: RuleMeta = RuleMeta::new(
    "deprecated-api",
    Severity::Error,
    Scope::Object,
    "apiVersion removed (error) or deprecated (warning) at the target version; name the replacement",
)
.severity_note("(removed at the target version) / warning (deprecated)");

impl Rule for DeprecatedApi {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        let o = cx.object;
        let target = cx.repo.schemas.version();
        let Some(d) = deprecation(&o.api_version, &o.kind, target) else {
            return;
        };
        let span = o
            .root
            .get("apiVersion")
            .map(|n| n.span)
            .unwrap_or_else(|| o.anchor_span());
        let mut diag = Diagnostic::new(span, d.message()).with_severity(if d.removed {
            Severity::Error
        } else {
            Severity::Warning
        });
        diag = diag.with_help(match d.replacement {
            Some(r) => format!(
                "change the apiVersion to {r} and check the fields that changed between versions \
                 (target version: Kubernetes {target}, set with `kubernetesVersion` or `--kubernetes-version`)"
            ),
            None => format!("target version: Kubernetes {target}"),
        });
        out.push(diag);
    }
}
