use super::{containers, describe};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{ObjectCx, Rule, RuleMeta, Scope};

/// A container runs with `securityContext.privileged: true`.
pub struct PrivilegedContainer;

static META: RuleMeta = RuleMeta::new(
    "privileged-container",
    Severity::Error,
    Scope::Object,
    "`securityContext.privileged: true`",
)
.security_severity(8.0);

impl Rule for PrivilegedContainer {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        let Some(pod) = cx.object.pod_spec() else {
            return;
        };
        for c in containers(pod) {
            let Some(p) = c.security("privileged") else {
                continue;
            };
            if p.as_bool() != Some(true) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    p.span,
                    format!("{} of {} runs privileged", c.describe(), describe(cx.object)),
                )
                .with_related(c.anchor(), format!("{} defined here", c.describe()))
                .with_help("remove `privileged: true`; grant only the capabilities the container needs (securityContext.capabilities.add)"),
            );
        }
    }
}
