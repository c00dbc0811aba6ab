use super::{containers, describe};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{ObjectCx, Rule, RuleMeta, Scope};

/// A container does not set `allowPrivilegeEscalation: false`.
pub struct PrivilegeEscalation;

static META: RuleMeta = RuleMeta::new(
    "privilege-escalation",
    Severity::Warning,
    Scope::Object,
    "`allowPrivilegeEscalation` not false",
)
.security_severity(6.0);

impl Rule for PrivilegeEscalation {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        let Some(pod) = cx.object.pod_spec() else {
            return;
        };
        for c in containers(pod) {
            let v = c.security("allowPrivilegeEscalation");
            if v.and_then(|n| n.as_bool()) == Some(false) {
                continue;
            }
            let (span, what) = match v {
                Some(n) if !n.is_null() => (n.span, "sets allowPrivilegeEscalation to true"),
                _ => (c.anchor(), "does not set allowPrivilegeEscalation: false"),
            };
            out.push(
                Diagnostic::new(
                    span,
                    format!("{} of {} {what}", c.describe(), describe(cx.object)),
                )
                .with_help("set securityContext.allowPrivilegeEscalation: false on the container"),
            );
        }
    }
}
