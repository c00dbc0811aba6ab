use super::{containers, describe};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{ObjectCx, Rule, RuleMeta, Scope};

/// A container may run as root: neither `runAsNonRoot: true` nor a non-zero
/// `runAsUser`, on the container or inherited from the pod's securityContext;
/// or an explicit `runAsUser: 0`.
pub struct RunAsRoot;

static META: RuleMeta = RuleMeta::new(
    "run-as-root",
    Severity::Warning,
    Scope::Object,
    "`runAsNonRoot` not true, or `runAsUser: 0`",
)
.security_severity(5.0);

impl Rule for RunAsRoot {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        let Some(pod) = cx.object.pod_spec() else {
            return;
        };
        let pod_sc = pod.get("securityContext");
        for c in containers(pod) {
            // The container's setting wins over the pod's.
            let field = |key: &str| {
                c.security(key)
                    .filter(|n| !n.is_null())
                    .or_else(|| pod_sc.and_then(|s| s.get(key)).filter(|n| !n.is_null()))
            };
            let user = field("runAsUser");
            let non_root = field("runAsNonRoot");
            if let Some(u) = user.filter(|u| u.as_i64() == Some(0)) {
                out.push(
                    Diagnostic::new(
                        u.span,
                        format!(
                            "{} of {} runs as root (`runAsUser: 0`)",
                            c.describe(),
                            describe(cx.object)
                        ),
                    )
                    .with_related(c.anchor(), c.describe())
                    .with_help("run as a non-zero user id and set runAsNonRoot: true"),
                );
                continue;
            }
            let user_ok = user.and_then(|u| u.as_i64()).is_some_and(|u| u > 0);
            let non_root_ok = non_root.and_then(|n| n.as_bool()) == Some(true);
            if user_ok || non_root_ok {
                continue;
            }
            let span = non_root.map(|n| n.span).unwrap_or(c.anchor());
            out.push(
                Diagnostic::new(
                    span,
                    format!(
                        "{} of {} may run as root (no runAsNonRoot: true or non-zero runAsUser)",
                        c.describe(),
                        describe(cx.object)
                    ),
                )
                .with_help("set securityContext.runAsNonRoot: true (on the pod or the container) and a non-zero runAsUser"),
            );
        }
    }
}
