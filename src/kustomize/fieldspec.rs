//! Kustomize field specs: which paths of which kinds a transformer touches.

use super::res::ResId;
use crate::yaml::{Node, Span, Value};

#[derive(Clone, Copy, Debug)]
pub struct FieldSpec {
    pub group: Option<&'static str>,
    pub version: Option<&'static str>,
    pub kind: Option<&'static str>,
    pub path: &'static str,
    pub create: bool,
}

const fn fs(
    group: Option<&'static str>,
    kind: Option<&'static str>,
    path: &'static str,
    create: bool,
) -> FieldSpec {
    FieldSpec {
        group,
        version: None,
        kind,
        path,
        create,
    }
}

const fn fsv(kind: &'static str, path: &'static str, create: bool) -> FieldSpec {
    FieldSpec {
        group: Some(""),
        version: Some("v1"),
        kind: Some(kind),
        path,
        create,
    }
}

impl FieldSpec {
    pub fn applies(&self, id: &ResId) -> bool {
        self.kind.is_none_or(|k| k == id.kind)
            && self.group.is_none_or(|g| g == id.group)
            && self.version.is_none_or(|v| v == id.version)
    }
}

pub const METADATA_LABELS: FieldSpec = fs(None, None, "metadata/labels", true);

/// kustomize's `commonLabels` field specs (selectors included).
pub const COMMON_LABELS: &[FieldSpec] = &[
    METADATA_LABELS,
    fsv("Service", "spec/selector", true),
    fsv("ReplicationController", "spec/selector", true),
    fsv(
        "ReplicationController",
        "spec/template/metadata/labels",
        true,
    ),
    fs(None, Some("Deployment"), "spec/selector/matchLabels", true),
    fs(
        None,
        Some("Deployment"),
        "spec/template/metadata/labels",
        true,
    ),
    fs(
        Some("apps"),
        Some("Deployment"),
        const_format_aff::PA_PREF,
        false,
    ),
    fs(
        Some("apps"),
        Some("Deployment"),
        const_format_aff::PA_REQ,
        false,
    ),
    fs(
        Some("apps"),
        Some("Deployment"),
        const_format_aff::PAA_PREF,
        false,
    ),
    fs(
        Some("apps"),
        Some("Deployment"),
        const_format_aff::PAA_REQ,
        false,
    ),
    fs(
        Some("apps"),
        Some("Deployment"),
        const_format_aff::TSC,
        false,
    ),
    fs(None, Some("ReplicaSet"), "spec/selector/matchLabels", true),
    fs(
        None,
        Some("ReplicaSet"),
        "spec/template/metadata/labels",
        true,
    ),
    fs(None, Some("DaemonSet"), "spec/selector/matchLabels", true),
    fs(
        None,
        Some("DaemonSet"),
        "spec/template/metadata/labels",
        true,
    ),
    fs(
        Some("apps"),
        Some("StatefulSet"),
        "spec/selector/matchLabels",
        true,
    ),
    fs(
        Some("apps"),
        Some("StatefulSet"),
        "spec/template/metadata/labels",
        true,
    ),
    fs(
        Some("apps"),
        Some("StatefulSet"),
        const_format_aff::PA_PREF,
        false,
    ),
    fs(
        Some("apps"),
        Some("StatefulSet"),
        const_format_aff::PA_REQ,
        false,
    ),
    fs(
        Some("apps"),
        Some("StatefulSet"),
        const_format_aff::PAA_PREF,
        false,
    ),
    fs(
        Some("apps"),
        Some("StatefulSet"),
        const_format_aff::PAA_REQ,
        false,
    ),
    fs(
        Some("apps"),
        Some("StatefulSet"),
        const_format_aff::TSC,
        false,
    ),
    fs(
        Some("apps"),
        Some("StatefulSet"),
        "spec/volumeClaimTemplates[]/metadata/labels",
        true,
    ),
    fs(
        Some("batch"),
        Some("Job"),
        "spec/selector/matchLabels",
        false,
    ),
    fs(
        Some("batch"),
        Some("Job"),
        "spec/template/metadata/labels",
        true,
    ),
    fs(
        Some("batch"),
        Some("CronJob"),
        "spec/jobTemplate/spec/selector/matchLabels",
        false,
    ),
    fs(
        Some("batch"),
        Some("CronJob"),
        "spec/jobTemplate/metadata/labels",
        true,
    ),
    fs(
        Some("batch"),
        Some("CronJob"),
        "spec/jobTemplate/spec/template/metadata/labels",
        true,
    ),
    fs(
        Some("policy"),
        Some("PodDisruptionBudget"),
        "spec/selector/matchLabels",
        false,
    ),
    fs(
        Some("networking.k8s.io"),
        Some("NetworkPolicy"),
        "spec/podSelector/matchLabels",
        false,
    ),
    fs(
        Some("networking.k8s.io"),
        Some("NetworkPolicy"),
        "spec/ingress/from/podSelector/matchLabels",
        false,
    ),
    fs(
        Some("networking.k8s.io"),
        Some("NetworkPolicy"),
        "spec/egress/to/podSelector/matchLabels",
        false,
    ),
];

mod const_format_aff {
    pub const PA_PREF: &str = "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels";
    pub const PA_REQ: &str = "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels";
    pub const PAA_PREF: &str = "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels";
    pub const PAA_REQ: &str = "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels";
    pub const TSC: &str = "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels";
}

/// `labels[].includeTemplates` field specs (added to `metadata/labels`).
pub const TEMPLATE_LABELS: &[FieldSpec] = &[
    fsv(
        "ReplicationController",
        "spec/template/metadata/labels",
        true,
    ),
    fs(
        None,
        Some("Deployment"),
        "spec/template/metadata/labels",
        true,
    ),
    fs(
        None,
        Some("ReplicaSet"),
        "spec/template/metadata/labels",
        true,
    ),
    fs(
        None,
        Some("DaemonSet"),
        "spec/template/metadata/labels",
        true,
    ),
    fs(
        Some("apps"),
        Some("StatefulSet"),
        "spec/template/metadata/labels",
        true,
    ),
    fs(
        Some("apps"),
        Some("StatefulSet"),
        "spec/volumeClaimTemplates[]/metadata/labels",
        true,
    ),
    fs(
        Some("batch"),
        Some("Job"),
        "spec/template/metadata/labels",
        true,
    ),
    fs(
        Some("batch"),
        Some("CronJob"),
        "spec/jobTemplate/metadata/labels",
        true,
    ),
    fs(
        Some("batch"),
        Some("CronJob"),
        "spec/jobTemplate/spec/template/metadata/labels",
        true,
    ),
];

/// kustomize's `commonAnnotations` field specs.
pub const COMMON_ANNOTATIONS: &[FieldSpec] = &[
    fs(None, None, "metadata/annotations", true),
    fsv(
        "ReplicationController",
        "spec/template/metadata/annotations",
        true,
    ),
    fs(
        None,
        Some("Deployment"),
        "spec/template/metadata/annotations",
        true,
    ),
    fs(
        None,
        Some("ReplicaSet"),
        "spec/template/metadata/annotations",
        true,
    ),
    fs(
        None,
        Some("DaemonSet"),
        "spec/template/metadata/annotations",
        true,
    ),
    fs(
        Some("apps"),
        Some("StatefulSet"),
        "spec/template/metadata/annotations",
        true,
    ),
    fs(
        Some("batch"),
        Some("Job"),
        "spec/template/metadata/annotations",
        true,
    ),
    fs(
        Some("batch"),
        Some("CronJob"),
        "spec/jobTemplate/metadata/annotations",
        true,
    ),
    fs(
        Some("batch"),
        Some("CronJob"),
        "spec/jobTemplate/spec/template/metadata/annotations",
        true,
    ),
];

/// Visit the node(s) at a slash-separated field-spec path. Sequences met on
/// the way are traversed element by element. With `create`, missing maps are
/// created (spanned at `span`); the final node is handed to `f` (possibly null).
pub fn visit_path(
    node: &mut Node,
    path: &[&str],
    create: bool,
    span: Span,
    f: &mut dyn FnMut(&mut Node),
) {
    if let Value::Seq(items) = &mut node.value {
        for item in items {
            visit_path(item, path, create, span, f);
        }
        return;
    }
    let Some((first, rest)) = path.split_first() else {
        f(node);
        return;
    };
    let is_seq_seg = first.ends_with("[]");
    let key = first.trim_end_matches("[]");
    if !matches!(node.value, Value::Map(_)) {
        return;
    }
    let exists = node.get(key).is_some_and(|n| !n.is_null());
    if !exists {
        if !create || is_seq_seg {
            return;
        }
        node.set(key, span, Node::new(Value::Map(Vec::new()), span));
    }
    if let Some(child) = node.get_mut(key) {
        if rest.is_empty() && !matches!(child.value, Value::Seq(_)) {
            f(child);
        } else {
            visit_path(child, rest, create, span, f);
        }
    }
}

/// Split a field-spec path.
pub fn split(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}
