//! Availability and wiring rules: cross-object checks within a render unit.

pub mod hpa_target_missing;
pub mod ingress_backend_missing;
pub mod ingress_tls;
pub mod missing_pdb;
pub mod namespace_missing;
pub mod pdb_selector_mismatch;
pub mod service_port_mismatch;
pub mod service_selector_mismatch;

use std::collections::HashMap;

use crate::diagnostic::{Context, Diagnostic};
use crate::index::ObjectRef;
use crate::model::{Object, Unit};
use crate::rules::UnitCx;
use crate::yaml::Node;

pub use crate::pods::{templates_of, Template};

pub fn templates(unit: &Unit) -> Vec<Template<'_>> {
    templates_of(unit.objects.iter())
}

/// Objects of other loose units that a loose unit's references may resolve
/// to: a loose directory of plain manifests is often one part of a set
/// applied together. None for a deployed unit, which is applied as a whole.
fn others<'a>(cx: &UnitCx<'a>, refs: &'a [ObjectRef]) -> impl Iterator<Item = &'a Object> + 'a {
    let (repo, own) = (cx.repo, cx.unit);
    let refs = if own.is_deployed() { &[][..] } else { refs };
    refs.iter()
        .map(move |r| repo.index().object(&repo.units, *r))
        .filter(move |(u, _)| u.id != own.id)
        .map(|(_, o)| o)
}

/// Objects of other loose units with this kind and name (none for a
/// deployed unit), from the index.
pub fn reachable_named<'a>(
    cx: &UnitCx<'a>,
    kind: &str,
    name: &str,
) -> impl Iterator<Item = &'a Object> + 'a {
    let (repo, own) = (cx.repo, cx.unit);
    let deployed = own.is_deployed();
    repo.index()
        .named(&repo.units, kind, name)
        .filter(move |(u, _)| !deployed && !u.is_deployed() && u.id != own.id)
        .map(|(_, o)| o)
}

/// Objects of `kind` a unit's references may resolve to: its own, then, for
/// a loose unit, every other loose unit's (in unit order), from the index.
pub fn reachable_of_kind<'a>(cx: &UnitCx<'a>, kind: &str) -> Vec<&'a Object> {
    let mut out: Vec<&Object> = cx.unit.objects.iter().filter(|o| o.kind == kind).collect();
    out.extend(others(cx, cx.repo.index().loose_of_kind(kind)));
    out
}

/// A unit's own pod templates for the selector rules, with what they ask
/// once per unit (not per Service or PDB): the templates by label, and
/// whether an operator may add pods.
pub struct OwnTemplates<'a> {
    pub all: Vec<Template<'a>>,
    by_label: HashMap<&'a str, HashMap<String, Vec<usize>>>,
    operator_pods: bool,
}

impl<'a> OwnTemplates<'a> {
    pub fn of(unit: &'a Unit) -> OwnTemplates<'a> {
        let all = templates(unit);
        let mut by_label: HashMap<&str, HashMap<String, Vec<usize>>> = HashMap::new();
        for (i, t) in all.iter().enumerate() {
            for (key, value) in &t.labels {
                by_label
                    .entry(key)
                    .or_default()
                    .entry(value.clone())
                    .or_default()
                    .push(i);
            }
        }
        OwnTemplates {
            all,
            by_label,
            operator_pods: may_have_operator_pods(unit),
        }
    }

    /// The templates that may satisfy a selector requiring `label` (all
    /// without one), in unit order.
    pub fn candidates(&self, label: Option<(&str, &str)>) -> Vec<&Template<'a>> {
        match label {
            None => self.all.iter().collect(),
            Some((key, value)) => self
                .by_label
                .get(key)
                .and_then(|values| values.get(value))
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|&i| &self.all[i])
                .collect(),
        }
    }

    /// Whether selector rules can judge `object`'s namespace in this unit:
    /// pod templates are deployed with it there (in a loose directory: in
    /// its own file; a lone Service or PDB may belong to any workload) and
    /// no operator may add pods.
    pub fn judgeable(&self, unit: &Unit, object: &Object) -> bool {
        !self.operator_pods
            && self.all.iter().any(|t| {
                same_namespace(t.object, object) && deployed_together(unit, object, t.object)
            })
    }
}

/// Whether a pod template a unit's references may resolve to satisfies
/// `selects`: its own first; for a loose unit then the other loose units',
/// only those labelled `label` when the selector requires one.
pub fn any_reachable_template(
    cx: &UnitCx,
    own: &OwnTemplates,
    label: Option<(&str, &str)>,
    selects: impl Fn(&Template) -> bool,
) -> bool {
    if own.candidates(label).into_iter().any(&selects) {
        return true;
    }
    let index = cx.repo.index();
    let refs = match label {
        Some((key, value)) => index.loose_templates_labelled(key, value),
        None => index.loose_templates(),
    };
    templates_of(others(cx, refs)).iter().any(selects)
}

/// A label every object a map selector selects must carry (the first entry
/// that is not a runtime label and has a value), for an index lookup.
pub fn required_label(selector: &Node) -> Option<(&str, String)> {
    selector
        .entries()
        .iter()
        .filter(|e| !is_runtime_label(&e.key.name))
        .find_map(|e| Some((e.key.name.as_str(), e.value.scalar_text()?)))
}

/// Labels controllers put on the pods they create, never in a pod template:
/// a selector on them picks one pod or one revision at run time.
const RUNTIME_LABELS: &[&str] = &[
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
    "controller-revision-hash",
    "pod-template-hash",
    "batch.kubernetes.io/job-completion-index",
];

/// Whether a selector key is one a controller adds at run time.
pub fn is_runtime_label(key: &str) -> bool {
    RUNTIME_LABELS.contains(&key)
}

/// Whether an engine applies the unit's objects together (a Kustomize render
/// or an Argo CD Application source); in a directory of loose manifests,
/// files may be alternatives or fixtures.
pub fn is_deployed(unit: &Unit) -> bool {
    unit.is_deployed()
}

/// Whether `other` is deployed with `object`: the same unit when the unit is
/// deployed, the same file when it is a loose directory.
pub fn deployed_together(unit: &Unit, object: &Object, other: &Object) -> bool {
    is_deployed(unit) || object.file == other.file
}

fn label<'a>(labels: &'a [(&str, String)], key: &str) -> Option<&'a str> {
    labels
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.as_str())
}

/// A plain map selector (Service `spec.selector`) against labels. Runtime
/// labels (`statefulset.kubernetes.io/pod-name`) cannot be in a template: not judged.
pub fn map_selects(selector: &Node, labels: &[(&str, String)]) -> bool {
    selector
        .entries()
        .iter()
        .filter(|e| !is_runtime_label(&e.key.name))
        .all(|e| label(labels, &e.key.name) == e.value.scalar_text().as_deref())
}

/// A LabelSelector (matchLabels and matchExpressions) against labels.
/// `None` when the selector cannot be read (templated, malformed).
pub fn label_selector_selects(selector: &Node, labels: &[(&str, String)]) -> Option<bool> {
    if let Some(ml) = selector.get("matchLabels") {
        if !map_selects(ml, labels) {
            return Some(false);
        }
    }
    for expr in selector
        .get("matchExpressions")
        .map(Node::items)
        .unwrap_or(&[])
    {
        let key = expr.str_at(&["key"])?;
        if is_runtime_label(key) {
            continue;
        }
        let values: Vec<String> = expr
            .get("values")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(Node::scalar_text)
            .collect();
        let have = label(labels, key);
        let ok = match expr.str_at(&["operator"])? {
            "In" => have.is_some_and(|h| values.iter().any(|v| v == h)),
            "NotIn" => have.is_none_or(|h| !values.iter().any(|v| v == h)),
            "Exists" => have.is_some(),
            "DoesNotExist" => have.is_none(),
            _ => return None,
        };
        if !ok {
            return Some(false);
        }
    }
    Some(true)
}

/// Objects without a namespace take the one they are applied to: compatible with any.
pub fn same_namespace(a: &Object, b: &Object) -> bool {
    a.namespace.is_none() || b.namespace.is_none() || a.namespace == b.namespace
}

/// Built-in API groups, and custom kinds known not to create pods. A unit with
/// any other custom kind may get pods from an operator: selector rules stay quiet.
const BUILTIN_GROUPS: &[&str] = &[
    "",
    "apps",
    "batch",
    "policy",
    "autoscaling",
    "networking.k8s.io",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "apiextensions.k8s.io",
    "admissionregistration.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "node.k8s.io",
    "certificates.k8s.io",
    "apiregistration.k8s.io",
    "gateway.networking.k8s.io",
    "kustomize.config.k8s.io",
    "cert-manager.io",
    "bitnami.com",
    "external-secrets.io",
    "source.toolkit.fluxcd.io",
    "notification.toolkit.fluxcd.io",
    "image.toolkit.fluxcd.io",
    "networking.istio.io",
    "security.istio.io",
    "traefik.io",
    "traefik.containo.us",
    "cloud.google.com",
    "networking.gke.io",
    "elbv2.k8s.aws",
    "keda.sh",
    "flagger.app",
];
const NON_POD_KINDS: &[&str] = &[
    "ServiceMonitor",
    "PodMonitor",
    "PrometheusRule",
    "Probe",
    "Application",
    "AppProject",
    "ApplicationSet",
    "AnalysisTemplate",
    "ClusterAnalysisTemplate",
    "VerticalPodAutoscaler",
];

pub fn may_have_operator_pods(unit: &Unit) -> bool {
    unit.objects.iter().any(|o| {
        !BUILTIN_GROUPS.contains(&o.group())
            && !NON_POD_KINDS.contains(&o.kind.as_str())
            && o.root
                .path(&["spec", "template", "spec", "containers"])
                .is_none()
    })
}

/// Fill in the context a unit-scope finding needs for env scoping and suppression.
pub fn in_context(cx: &UnitCx, object: &Object, d: Diagnostic) -> Diagnostic {
    let mut d = d;
    d.context = Context {
        units: vec![cx.unit.name().to_string()],
        env: cx.env_of(object),
        object: Some(object.display_id()),
    };
    d
}
