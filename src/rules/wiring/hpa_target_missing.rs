use std::collections::HashMap;

use super::{deployed_together, in_context, reachable_named, reachable_of_kind, same_namespace};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Object;
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
        // The unit's objects by kind and by kind and name, once per unit.
        let mut by_kind: HashMap<&str, Vec<&Object>> = HashMap::new();
        let mut by_name: HashMap<(&str, &str), Vec<&Object>> = HashMap::new();
        for o in objects {
            by_kind.entry(o.kind.as_str()).or_default().push(o);
            by_name
                .entry((o.kind.as_str(), o.name.as_str()))
                .or_default()
                .push(o);
        }
        for h in by_kind
            .get("HorizontalPodAutoscaler")
            .map_or(&[][..], Vec::as_slice)
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
            if !by_kind
                .get(kind)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .any(|o| same_namespace(o, h) && deployed_together(cx.unit, h, o))
            {
                continue;
            }
            let own = by_name.get(&(kind, name)).map_or(&[][..], Vec::as_slice);
            if own.iter().any(|o| same_namespace(o, h))
                || reachable_named(cx, kind, name).any(|o| same_namespace(o, h))
            {
                continue;
            }
            let same_kind: Vec<_> = reachable_of_kind(cx, kind)
                .into_iter()
                .filter(|o| same_namespace(o, h))
                .collect();
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
