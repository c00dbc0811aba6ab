use super::{
    any_reachable_template, in_context, map_selects, required_label, same_namespace, OwnTemplates,
};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleMeta, Scope, UnitCx};

/// A Service selector matches no pod template of its unit.
///
/// Services without a selector and ExternalName Services are skipped; quiet
/// when the unit has no pod templates in the Service's namespace, or holds
/// custom resources whose operators may create the pods.
pub struct ServiceSelectorMismatch;

static META: RuleMeta = RuleMeta::new(
    "service-selector-mismatch",
    Severity::Error,
    Scope::Unit,
    "a Service selector matches no pod template",
);

impl Rule for ServiceSelectorMismatch {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_unit(&self, cx: &UnitCx, out: &mut Vec<Diagnostic>) {
        let own = OwnTemplates::of(cx.unit);
        for s in cx
            .unit
            .objects
            .iter()
            .filter(|o| o.kind == "Service" && o.api_version == "v1")
        {
            if s.root.str_at(&["spec", "type"]) == Some("ExternalName") {
                continue;
            }
            let Some(sel) = s
                .root
                .path(&["spec", "selector"])
                .filter(|n| !n.entries().is_empty())
            else {
                continue;
            };
            if !own.judgeable(cx.unit, s) {
                continue;
            }
            let label = required_label(sel);
            let label = label.as_ref().map(|(k, v)| (*k, v.as_str()));
            if any_reachable_template(cx, &own, label, |t| {
                same_namespace(t.object, s) && map_selects(sel, &t.labels)
            }) {
                continue;
            }
            let wanted: Vec<String> = sel
                .entries()
                .iter()
                .map(|e| {
                    format!(
                        "{}={}",
                        e.key.name,
                        e.value.scalar_text().unwrap_or_default()
                    )
                })
                .collect();
            let d = Diagnostic::new(
                sel.span,
                format!(
                    "Service `{}` selects {} but no pod template in this unit has those labels",
                    s.name,
                    wanted.join(",")
                ),
            )
            .with_help("make the selector match the pod template labels of the workload behind the Service");
            out.push(in_context(cx, s, d));
        }
    }
}
