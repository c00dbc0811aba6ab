use super::{containers, describe};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{ObjectCx, Rule, RuleMeta, Scope};

/// A container's root filesystem is writable (`readOnlyRootFilesystem` not true).
pub struct ReadonlyRootFs;

static META: RuleMeta = RuleMeta::new(
    "readonly-root-fs",
    Severity::Warning,
    Scope::Object,
    "`readOnlyRootFilesystem` not true",
)
.security_severity(4.0);

impl Rule for ReadonlyRootFs {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        let Some(pod) = cx.object.pod_spec() else {
            return;
        };
        for c in containers(pod) {
            let v = c.security("readOnlyRootFilesystem");
            if v.and_then(|n| n.as_bool()) == Some(true) {
                continue;
            }
            let span = v
                .filter(|n| !n.is_null())
                .map(|n| n.span)
                .unwrap_or(c.anchor());
            out.push(
                Diagnostic::new(
                    span,
                    format!(
                        "{} of {} has a writable root filesystem",
                        c.describe(),
                        describe(cx.object)
                    ),
                )
                .with_help("set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the process writes"),
            );
        }
    }
}
