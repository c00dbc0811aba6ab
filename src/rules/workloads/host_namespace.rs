use super::describe;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{ObjectCx, Rule, RuleMeta, Scope};

/// The pod shares a host namespace: `hostNetwork`, `hostPID` or `hostIPC`.
pub struct HostNamespace;

static META: RuleMeta = RuleMeta::new(
    "host-namespace",
    Severity::Error,
    Scope::Object,
    "hostNetwork, hostPID or hostIPC",
)
.security_severity(8.0);

impl Rule for HostNamespace {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        let Some(pod) = cx.object.pod_spec() else {
            return;
        };
        for key in ["hostNetwork", "hostPID", "hostIPC"] {
            let Some(v) = pod.get(key).filter(|v| v.as_bool() == Some(true)) else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    v.span,
                    format!(
                        "{} shares the host's namespace (`{key}: true`)",
                        describe(cx.object)
                    ),
                )
                .with_help(format!(
                    "remove `{key}: true` unless the workload is a node agent that needs it"
                )),
            );
        }
    }
}
