//! Argo CD reads its control annotations from the top-level object's
//! `metadata.annotations` only (`gitops-engine` `sync/syncwaves`, `hook`
//! and `common.AnnotationSyncOptions` read `obj.GetAnnotations()`; the
//! controller's `controller/sync.go` passes the live/target objects as a
//! whole). Written as a label, or on a pod template, they do nothing.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{ObjectCx, Rule, RuleMeta, Scope};
use crate::yaml::Node;

/// An Argo CD control annotation where Argo CD does not read it.
pub struct AnnotationMisplaced;

static META: RuleMeta = RuleMeta::new(
    "argocd-annotation-misplaced",
    Severity::Error,
    Scope::Object,
    "an Argo CD control annotation written as a label or in the wrong place, where Argo CD ignores it",
);

/// The annotations that change how Argo CD syncs or compares an object.
pub const CONTROL: &[&str] = &[
    "argocd.argoproj.io/sync-wave",
    "argocd.argoproj.io/hook",
    "argocd.argoproj.io/hook-delete-policy",
    "argocd.argoproj.io/sync-options",
    "argocd.argoproj.io/compare-options",
];

fn control_keys(map: Option<&Node>) -> impl Iterator<Item = &crate::yaml::Entry> {
    map.map(Node::entries)
        .unwrap_or(&[])
        .iter()
        .filter(|e| CONTROL.contains(&e.key.name.as_str()))
}

impl Rule for AnnotationMisplaced {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        let o = cx.object;
        let what = format!("{} {}", o.kind, o.name);
        for e in control_keys(o.metadata().and_then(|m| m.get("labels"))) {
            out.push(
                Diagnostic::new(
                    e.key.span,
                    format!(
                        "`{}` on {what} is a label: Argo CD reads it only from metadata.annotations, so it has no effect",
                        e.key.name
                    ),
                )
                .with_help("move it from metadata.labels to metadata.annotations"),
            );
        }
        // Only a workload's template is a pod template (an ApplicationSet's
        // is Application metadata, where the annotations are read).
        const WORKLOADS: &[&str] = &[
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "ReplicaSet",
            "Job",
            "CronJob",
            "Rollout",
        ];
        if !WORKLOADS.contains(&o.kind.as_str()) {
            return;
        }
        let Some(template) = o.pod_template_metadata() else {
            return;
        };
        for field in ["annotations", "labels"] {
            // A copy of the object's own annotation (Kustomize's
            // commonAnnotations reach pod templates too) is harmless.
            let own = |key: &str| o.annotation(key).is_some();
            for e in control_keys(template.get(field)).filter(|e| !own(&e.key.name)) {
                out.push(
                    Diagnostic::new(
                        e.key.span,
                        format!(
                            "`{}` is on the pod template of {what}: Argo CD reads it only from the {}'s own metadata.annotations, so it has no effect",
                            e.key.name, o.kind
                        ),
                    )
                    .with_help(format!("move it to the {}'s metadata.annotations", o.kind)),
                );
            }
        }
    }
}
