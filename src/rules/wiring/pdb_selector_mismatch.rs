use super::{
    any_reachable_template, in_context, label_selector_selects, required_label, same_namespace,
    OwnTemplates,
};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleMeta, Scope, UnitCx};

/// A PodDisruptionBudget selects no pod template of its unit.
///
/// Quiet when the unit has no pod templates in the PDB's namespace, or holds
/// custom resources whose operators may create the pods.
pub struct PdbSelectorMismatch;

static META: RuleMeta = RuleMeta::new(
    "pdb-selector-mismatch",
    Severity::Error,
    Scope::Unit,
    "a PDB selects no pods",
);

impl Rule for PdbSelectorMismatch {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_unit(&self, cx: &UnitCx, out: &mut Vec<Diagnostic>) {
        let own = OwnTemplates::of(cx.unit);
        for p in cx
            .unit
            .objects
            .iter()
            .filter(|o| o.kind == "PodDisruptionBudget")
        {
            let Some(sel) = p.root.path(&["spec", "selector"]) else {
                continue;
            };
            if !own.judgeable(cx.unit, p) {
                continue;
            }
            let label = sel.get("matchLabels").and_then(required_label);
            let label = label.as_ref().map(|(k, v)| (*k, v.as_str()));
            let matched = any_reachable_template(cx, &own, label, |t| {
                same_namespace(t.object, p)
                    && label_selector_selects(sel, &t.labels).unwrap_or(true)
            });
            if matched {
                continue;
            }
            let d = Diagnostic::new(
                sel.span,
                format!(
                    "PodDisruptionBudget `{}` selects no pod template in this unit",
                    p.name
                ),
            )
            .with_help("make the selector match the workload's pod template labels");
            out.push(in_context(cx, p, d));
        }
    }
}
