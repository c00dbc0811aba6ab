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

/// A spec for `kind` in any API group.
const fn any_group(kind: &'static str, path: &'static str, create: bool) -> FieldSpec {
    FieldSpec {
        group: None,
        version: None,
        kind: Some(kind),
        path,
        create,
    }
}

/// A spec for `kind` in `group`, any version.
const fn in_group(
    group: &'static str,
    kind: &'static str,
    path: &'static str,
    create: bool,
) -> FieldSpec {
    FieldSpec {
        group: Some(group),
        ..any_group(kind, path, create)
    }
}

/// A spec for a core `v1` kind.
const fn core_v1(kind: &'static str, path: &'static str, create: bool) -> FieldSpec {
    FieldSpec {
        version: Some("v1"),
        ..in_group("", kind, path, create)
    }
}

/// A field spec read from a `configurations:` file (`commonLabels`,
/// `commonAnnotations`, `namespace` sections), for the section it is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigSpec {
    pub section: String,
    pub group: Option<String>,
    pub version: Option<String>,
    pub kind: Option<String>,
    pub path: String,
    pub create: bool,
}

impl ConfigSpec {
    pub fn applies(&self, id: &ResId) -> bool {
        self.kind.as_ref().is_none_or(|k| *k == id.kind)
            && self.group.as_ref().is_none_or(|g| *g == id.group)
            && self.version.as_ref().is_none_or(|v| *v == id.version)
    }

    /// One field spec (`path`, `group`, `version`, `kind`, `create`).
    pub fn from_node(section: &str, fs: &Node) -> Option<ConfigSpec> {
        let text = |k: &str| fs.str_at(&[k]).map(str::to_string);
        Some(ConfigSpec {
            section: section.to_string(),
            group: text("group"),
            version: text("version"),
            kind: text("kind"),
            path: text("path")?,
            create: fs.get("create").and_then(Node::as_bool) == Some(true),
        })
    }
}

/// The field specs of the sections ftlint applies from a `configurations:` document.
pub fn config_specs(doc: &Node) -> Vec<ConfigSpec> {
    let mut out = Vec::new();
    for section in ["commonLabels", "commonAnnotations", "namespace"] {
        for fs in doc.get(section).map(Node::items).unwrap_or(&[]) {
            out.extend(ConfigSpec::from_node(section, fs));
        }
    }
    out
}

impl FieldSpec {
    pub fn applies(&self, id: &ResId) -> bool {
        self.kind.is_none_or(|k| k == id.kind)
            && self.group.is_none_or(|g| g == id.group)
            && self.version.is_none_or(|v| v == id.version)
    }
}

// Paths the tables share. Rows keep kustomize's order: it decides the order
// of the keys a spec creates.
const SELECTOR: &str = "spec/selector";
const MATCH_LABELS: &str = "spec/selector/matchLabels";
const TEMPLATE_LABELS_PATH: &str = "spec/template/metadata/labels";
const TEMPLATE_ANNOTATIONS_PATH: &str = "spec/template/metadata/annotations";
const CLAIM_TEMPLATE_LABELS: &str = "spec/volumeClaimTemplates[]/metadata/labels";
const JOB_TEMPLATE_MATCH_LABELS: &str = "spec/jobTemplate/spec/selector/matchLabels";
const JOB_TEMPLATE_LABELS: &str = "spec/jobTemplate/metadata/labels";
const JOB_TEMPLATE_ANNOTATIONS: &str = "spec/jobTemplate/metadata/annotations";
const JOB_POD_TEMPLATE_LABELS: &str = "spec/jobTemplate/spec/template/metadata/labels";
const JOB_POD_TEMPLATE_ANNOTATIONS: &str = "spec/jobTemplate/spec/template/metadata/annotations";
const AFFINITY_PREFERRED: &str = "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels";
const AFFINITY_REQUIRED: &str = "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels";
const ANTI_AFFINITY_PREFERRED: &str = "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels";
const ANTI_AFFINITY_REQUIRED: &str = "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels";
const TOPOLOGY_SPREAD: &str =
    "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels";

pub const METADATA_LABELS: FieldSpec = FieldSpec {
    group: None,
    version: None,
    kind: None,
    path: "metadata/labels",
    create: true,
};

/// kustomize's `commonLabels` field specs (selectors included).
#[rustfmt::skip]
pub const COMMON_LABELS: &[FieldSpec] = &[
    METADATA_LABELS,
    core_v1("Service", SELECTOR, true),
    core_v1("ReplicationController", SELECTOR, true),
    core_v1("ReplicationController", TEMPLATE_LABELS_PATH, true),
    any_group("Deployment", MATCH_LABELS, true),
    any_group("Deployment", TEMPLATE_LABELS_PATH, true),
    in_group("apps", "Deployment", AFFINITY_PREFERRED, false),
    in_group("apps", "Deployment", AFFINITY_REQUIRED, false),
    in_group("apps", "Deployment", ANTI_AFFINITY_PREFERRED, false),
    in_group("apps", "Deployment", ANTI_AFFINITY_REQUIRED, false),
    in_group("apps", "Deployment", TOPOLOGY_SPREAD, false),
    any_group("ReplicaSet", MATCH_LABELS, true),
    any_group("ReplicaSet", TEMPLATE_LABELS_PATH, true),
    any_group("DaemonSet", MATCH_LABELS, true),
    any_group("DaemonSet", TEMPLATE_LABELS_PATH, true),
    in_group("apps", "StatefulSet", MATCH_LABELS, true),
    in_group("apps", "StatefulSet", TEMPLATE_LABELS_PATH, true),
    in_group("apps", "StatefulSet", AFFINITY_PREFERRED, false),
    in_group("apps", "StatefulSet", AFFINITY_REQUIRED, false),
    in_group("apps", "StatefulSet", ANTI_AFFINITY_PREFERRED, false),
    in_group("apps", "StatefulSet", ANTI_AFFINITY_REQUIRED, false),
    in_group("apps", "StatefulSet", TOPOLOGY_SPREAD, false),
    in_group("apps", "StatefulSet", CLAIM_TEMPLATE_LABELS, true),
    in_group("batch", "Job", MATCH_LABELS, false),
    in_group("batch", "Job", TEMPLATE_LABELS_PATH, true),
    in_group("batch", "CronJob", JOB_TEMPLATE_MATCH_LABELS, false),
    in_group("batch", "CronJob", JOB_TEMPLATE_LABELS, true),
    in_group("batch", "CronJob", JOB_POD_TEMPLATE_LABELS, true),
    in_group("policy", "PodDisruptionBudget", MATCH_LABELS, false),
    in_group("networking.k8s.io", "NetworkPolicy", "spec/podSelector/matchLabels", false),
    in_group("networking.k8s.io", "NetworkPolicy", "spec/ingress/from/podSelector/matchLabels", false),
    in_group("networking.k8s.io", "NetworkPolicy", "spec/egress/to/podSelector/matchLabels", false),
];

/// `labels[].includeTemplates` field specs (added to `metadata/labels`).
#[rustfmt::skip]
pub const TEMPLATE_LABELS: &[FieldSpec] = &[
    core_v1("ReplicationController", TEMPLATE_LABELS_PATH, true),
    any_group("Deployment", TEMPLATE_LABELS_PATH, true),
    any_group("ReplicaSet", TEMPLATE_LABELS_PATH, true),
    any_group("DaemonSet", TEMPLATE_LABELS_PATH, true),
    in_group("apps", "StatefulSet", TEMPLATE_LABELS_PATH, true),
    in_group("apps", "StatefulSet", CLAIM_TEMPLATE_LABELS, true),
    in_group("batch", "Job", TEMPLATE_LABELS_PATH, true),
    in_group("batch", "CronJob", JOB_TEMPLATE_LABELS, true),
    in_group("batch", "CronJob", JOB_POD_TEMPLATE_LABELS, true),
];

/// kustomize's `commonAnnotations` field specs.
#[rustfmt::skip]
pub const COMMON_ANNOTATIONS: &[FieldSpec] = &[
    FieldSpec { path: "metadata/annotations", ..METADATA_LABELS },
    core_v1("ReplicationController", TEMPLATE_ANNOTATIONS_PATH, true),
    any_group("Deployment", TEMPLATE_ANNOTATIONS_PATH, true),
    any_group("ReplicaSet", TEMPLATE_ANNOTATIONS_PATH, true),
    any_group("DaemonSet", TEMPLATE_ANNOTATIONS_PATH, true),
    in_group("apps", "StatefulSet", TEMPLATE_ANNOTATIONS_PATH, true),
    in_group("batch", "Job", TEMPLATE_ANNOTATIONS_PATH, true),
    in_group("batch", "CronJob", JOB_TEMPLATE_ANNOTATIONS, true),
    in_group("batch", "CronJob", JOB_POD_TEMPLATE_ANNOTATIONS, true),
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
        node.set(key, span, Node::new(Value::Map(Default::default()), span));
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
