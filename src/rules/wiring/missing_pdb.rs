use std::collections::HashMap;

use super::{in_context, label_selector_selects, required_label, same_namespace, templates};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Object;
use crate::rules::{Rule, RuleMeta, Scope, UnitCx};

/// A replicated workload (replicas ≥ 2, or an HPA in the unit with
/// minReplicas ≥ 2 targeting it) has no PodDisruptionBudget in the unit
/// selecting its pods. Prod only.
pub struct MissingPdb;

static META: RuleMeta = RuleMeta::new(
    "missing-pdb",
    Severity::Warning,
    Scope::Unit,
    "a workload with replicas ≥ 2 (or HPA minReplicas ≥ 2) has no PodDisruptionBudget selecting it",
)
.prod_only();

impl Rule for MissingPdb {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_unit(&self, cx: &UnitCx, out: &mut Vec<Diagnostic>) {
        let objects = &cx.unit.objects;
        // PDBs by the label their selector requires (those requiring none
        // may select anything), HPAs by target: each workload costs what
        // it matches.
        let mut pdbs_by_label: HashMap<(&str, String), Vec<&Object>> = HashMap::new();
        let mut pdbs_any: Vec<&Object> = Vec::new();
        let mut hpas: HashMap<(&str, &str), Vec<&Object>> = HashMap::new();
        for o in objects {
            match o.kind.as_str() {
                "PodDisruptionBudget" => match o
                    .root
                    .path(&["spec", "selector", "matchLabels"])
                    .and_then(required_label)
                {
                    Some(label) => pdbs_by_label.entry(label).or_default().push(o),
                    None => pdbs_any.push(o),
                },
                "HorizontalPodAutoscaler" => {
                    if let (Some(kind), Some(name)) = (
                        o.root.str_at(&["spec", "scaleTargetRef", "kind"]),
                        o.root.str_at(&["spec", "scaleTargetRef", "name"]),
                    ) {
                        hpas.entry((kind, name)).or_default().push(o);
                    }
                }
                _ => {}
            }
        }
        for t in templates(cx.unit) {
            let o = t.object;
            if !matches!(
                o.kind.as_str(),
                "Deployment" | "StatefulSet" | "ReplicaSet" | "Rollout"
            ) {
                continue;
            }
            let replicas = o
                .root
                .path(&["spec", "replicas"])
                .filter(|r| r.as_i64().is_some_and(|n| n >= 2));
            let hpa = hpas
                .get(&(o.kind.as_str(), o.name.as_str()))
                .and_then(|hs| hs.iter().find(|h| same_namespace(h, o)));
            let hpa_min = hpa
                .and_then(|h| h.root.path(&["spec", "minReplicas"]))
                .filter(|m| m.as_i64().is_some_and(|n| n >= 2));
            let (span, why) = match (replicas, hpa_min) {
                (Some(r), _) => (r.span, format!("{} replicas", r.as_i64().unwrap_or(0))),
                (None, Some(m)) => (
                    m.span,
                    format!("an HPA with minReplicas {}", m.as_i64().unwrap_or(0)),
                ),
                (None, None) => continue,
            };
            let labelled = t.labels.iter().flat_map(|(k, v)| {
                pdbs_by_label
                    .get(&(*k, v.clone()))
                    .map_or(&[][..], Vec::as_slice)
            });
            let covered = pdbs_any.iter().chain(labelled).any(|p| {
                same_namespace(p, o)
                    && p.root
                        .path(&["spec", "selector"])
                        .and_then(|s| label_selector_selects(s, &t.labels))
                        .unwrap_or(true)
            });
            if covered {
                continue;
            }
            let mut d = Diagnostic::new(
                span,
                format!("{} `{}` has {why} but no PodDisruptionBudget selects its pods", o.kind, o.name),
            )
            .with_help("add a PodDisruptionBudget (minAvailable or maxUnavailable) whose selector matches the pod template labels");
            if replicas.is_none() {
                d = d.with_related(o.anchor_span(), format!("{} `{}`", o.kind, o.name));
            }
            out.push(in_context(cx, o, d));
        }
    }
}
