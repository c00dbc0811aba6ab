use super::{in_context, map_selects, required_label, same_namespace, OwnTemplates};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::workloads::containers;
use crate::rules::{Rule, RuleMeta, Scope, UnitCx};

/// A Service port's named `targetPort` is declared by none of the containers
/// of the pod templates it selects. Numeric target ports are not checked.
pub struct ServicePortMismatch;

static META: RuleMeta = RuleMeta::new(
    "service-port-mismatch",
    Severity::Error,
    Scope::Unit,
    "a named targetPort exists on none of the selected containers",
);

impl Rule for ServicePortMismatch {
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
            let Some(sel) = s
                .root
                .path(&["spec", "selector"])
                .filter(|n| !n.entries().is_empty())
            else {
                continue;
            };
            let label = required_label(sel);
            let selected: Vec<_> = own
                .candidates(label.as_ref().map(|(k, v)| (*k, v.as_str())))
                .into_iter()
                .filter(|t| same_namespace(t.object, s) && map_selects(sel, &t.labels))
                .collect();
            if selected.is_empty() {
                continue;
            }
            let mut names: Vec<String> = Vec::new();
            for t in &selected {
                for c in containers(t.pod) {
                    for p in c.node.get("ports").map(|p| p.items()).unwrap_or(&[]) {
                        if let Some(n) = p.str_at(&["name"]) {
                            names.push(n.to_string());
                        }
                    }
                }
            }
            for port in s
                .root
                .path(&["spec", "ports"])
                .map(|p| p.items())
                .unwrap_or(&[])
            {
                let Some(tp) = port.get("targetPort") else {
                    continue;
                };
                let Some(name) = tp.as_str() else { continue };
                if name.parse::<u32>().is_ok()
                    || name.contains("{{")
                    || names.iter().any(|n| n == name)
                {
                    continue;
                }
                let workloads: Vec<String> = selected
                    .iter()
                    .map(|t| format!("{} `{}`", t.object.kind, t.object.name))
                    .collect();
                let mut d = Diagnostic::new(
                    tp.span,
                    format!(
                        "Service `{}` targetPort `{name}` is not a named port of {}",
                        s.name,
                        workloads.join(", ")
                    ),
                )
                .with_help(if names.is_empty() {
                    "name the container port, or use the port number".to_string()
                } else {
                    format!(
                        "the selected containers name their ports {}",
                        names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
                d = d.with_related(selected[0].object.anchor_span(), "selected workload");
                out.push(in_context(cx, s, d));
            }
        }
    }
}
