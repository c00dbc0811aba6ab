use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{ObjectCx, Rule, RuleMeta, Scope};

/// A long-running container has no `readinessProbe`.
///
/// Init containers, Jobs, CronJobs and Pods that do not restart are exempt; a
/// native sidecar (init container with `restartPolicy: Always`) is checked.
pub struct MissingReadinessProbe;

static META: RuleMeta = RuleMeta::new(
    "missing-readiness-probe",
    Severity::Error,
    Scope::Object,
    "likewise for readinessProbe: a long-running container has none (init containers and Jobs exempt)",
);

impl Rule for MissingReadinessProbe {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        super::check_probe(cx, "readinessProbe", out);
    }
}
