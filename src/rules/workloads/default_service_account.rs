use super::describe;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{ObjectCx, Rule, RuleMeta, Scope};

/// The pod runs as the namespace's `default` ServiceAccount. Off by default.
pub struct DefaultServiceAccount;

static META: RuleMeta = RuleMeta::new(
    "default-service-account",
    Severity::Warning,
    Scope::Object,
    "the pod runs as the `default` ServiceAccount",
)
.off()
.security_severity(3.0);

impl Rule for DefaultServiceAccount {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        let Some(pod) = cx.object.pod_spec() else {
            return;
        };
        let sa = pod
            .get("serviceAccountName")
            .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()))
            .or_else(|| {
                pod.get("serviceAccount")
                    .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()))
            });
        match sa {
            Some(n) if n.as_str() != Some("default") => {}
            Some(n) => out.push(
                Diagnostic::new(
                    n.span,
                    format!(
                        "{} runs as the `default` ServiceAccount",
                        describe(cx.object)
                    ),
                )
                .with_help("create a ServiceAccount for the workload and set serviceAccountName"),
            ),
            None => out.push(
                Diagnostic::new(
                    cx.object.anchor_span(),
                    format!(
                        "{} sets no serviceAccountName and runs as `default`",
                        describe(cx.object)
                    ),
                )
                .with_help("create a ServiceAccount for the workload and set serviceAccountName"),
            ),
        }
    }
}
