use super::{deployed_together, in_context, reachable_of_kind, same_namespace};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleMeta, Scope, UnitCx};

/// A HorizontalPodAutoscaler's `scaleTargetRef` names no object of its unit.
///
/// Quiet when the unit holds no object of the target kind at all (the target
/// is deployed by another unit), or in a directory of loose manifests when
/// the HPA's own file holds none.
pub struct HpaTargetMissing;

static META: RuleMeta = RuleMeta::new(
    "hpa-target-missing",
    Severity::Error,
    Scope::Unit,
    "an HPA's scaleTargetRef names no workload",
);

impl Rule for HpaTargetMissing {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_unit(&self, cx: &UnitCx, out: &mut Vec<Diagnostic>) {
        let objects = &cx.unit.objects;
        for h in objects
            .iter()
            .filter(|o| o.kind == "HorizontalPodAutoscaler")
        {
            let Some(name_node) = h.root.path(&["spec", "scaleTargetRef", "name"]) else {
                continue;
            };
            let (Some(kind), Some(name)) = (
                h.root.str_at(&["spec", "scaleTargetRef", "kind"]),
                name_node.as_str(),
            ) else {
                continue;
            };
            // Judge only when this unit deploys objects of the target kind with
            // the HPA (in a loose directory: in the HPA's own file).
            if !objects
                .iter()
                .any(|o| o.kind == kind && same_namespace(o, h) && deployed_together(cx.unit, h, o))
            {
                continue;
            }
            let same_kind: Vec<_> = reachable_of_kind(cx, kind)
                .into_iter()
                .filter(|o| same_namespace(o, h))
                .collect();
            if same_kind.iter().any(|o| o.name == name) {
                continue;
            }
            let names: Vec<String> = same_kind.iter().map(|o| format!("`{}`", o.name)).collect();
            let d = Diagnostic::new(
                name_node.span,
                format!(
                    "HorizontalPodAutoscaler `{}` targets {kind} `{name}`, which is not in this unit",
                    h.name
                ),
            )
            .with_help(format!("the unit's {kind}s are {}", names.join(", ")));
            out.push(in_context(cx, h, d));
        }
    }
}
