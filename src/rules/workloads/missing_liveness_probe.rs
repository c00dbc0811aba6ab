use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{ObjectCx, Rule, RuleMeta, Scope};

/// A long-running container has no `livenessProbe`.
///
/// Init containers, Jobs, CronJobs and Pods that do not restart are exempt; a
/// native sidecar (init container with `restartPolicy: Always`) is checked.
pub struct MissingLivenessProbe;

static META: RuleMeta = RuleMeta::new(
    "missing-liveness-probe",
    Severity::Error,
    Scope::Object,
    "a long-running container has no livenessProbe (init containers and Jobs exempt)",
);

impl Rule for MissingLivenessProbe {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        super::check_probe(cx, "livenessProbe", out);
    }
}
