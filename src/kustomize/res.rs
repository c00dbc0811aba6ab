//! A resource during rendering: its tree plus the identity history kustomize keeps.

use crate::provenance::PatchEdit;
use crate::yaml::{FileId, Node, Span, Str, Value};

/// group/version/kind + name + namespace, as kustomize's `ResId`. Inline
/// strings: the render asks for a resource's id at every step, and names
/// and kinds rarely need a heap block.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ResId {
    pub group: Str,
    pub version: Str,
    pub kind: Str,
    pub name: Str,
    pub namespace: Str,
}

/// A scalar's text, without a `String` for the usual case of a string.
fn scalar_str(node: Option<&Node>) -> Str {
    match node {
        Some(n) => match n.as_str() {
            Some(s) => s.into(),
            None => n.scalar_text().unwrap_or_default().into(),
        },
        None => Str::default(),
    }
}

impl ResId {
    pub fn of(node: &Node) -> ResId {
        let api = node.str_at(&["apiVersion"]).unwrap_or("");
        let (group, version) = match api.split_once('/') {
            Some((g, v)) => (g.into(), v.into()),
            None => (Str::default(), api.into()),
        };
        let meta = node.get("metadata");
        ResId {
            group,
            version,
            kind: node.str_at(&["kind"]).unwrap_or("").into(),
            name: scalar_str(meta.and_then(|m| m.get("name"))),
            namespace: scalar_str(meta.and_then(|m| m.get("namespace"))),
        }
    }

    pub fn gvk_equals(&self, o: &ResId) -> bool {
        self.group == o.group && self.version == o.version && self.kind == o.kind
    }

    /// Namespace as kustomize compares it: cluster-scoped kinds have none,
    /// "" and "default" are the same.
    pub fn effective_namespace(&self) -> &str {
        if is_cluster_scoped(&self.group, &self.kind) {
            "_non_namespaceable_"
        } else if self.namespace.is_empty() {
            "default"
        } else {
            &self.namespace
        }
    }

    pub fn ns_equals(&self, o: &ResId) -> bool {
        self.effective_namespace() == o.effective_namespace()
    }

    pub fn equals(&self, o: &ResId) -> bool {
        self.gvk_equals(o) && self.name == o.name && self.ns_equals(o)
    }

    pub fn is_cluster_scoped(&self) -> bool {
        is_cluster_scoped(&self.group, &self.kind)
    }

    pub fn gvk_string(&self) -> String {
        let g = if self.group.is_empty() {
            "~G"
        } else {
            &self.group
        };
        let v = if self.version.is_empty() {
            "~V"
        } else {
            &self.version
        };
        let k = if self.kind.is_empty() {
            "~K"
        } else {
            &self.kind
        };
        format!("{g}_{v}_{k}")
    }

    pub fn display(&self) -> String {
        let gv = if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        };
        if self.namespace.is_empty() {
            format!("{gv}/{} {}", self.kind, self.name)
        } else {
            format!("{gv}/{} {}/{}", self.kind, self.namespace, self.name)
        }
    }
}

/// Built-in cluster-scoped kinds (by API group), as kustomize's openapi data knows them.
pub fn is_cluster_scoped(group: &str, kind: &str) -> bool {
    matches!(
        (group, kind),
        (
            "",
            "Namespace" | "Node" | "PersistentVolume" | "ComponentStatus"
        ) | (
            "rbac.authorization.k8s.io",
            "ClusterRole" | "ClusterRoleBinding"
        ) | ("apiextensions.k8s.io", "CustomResourceDefinition")
            | ("apiregistration.k8s.io", "APIService")
            | (
                "storage.k8s.io",
                "StorageClass" | "CSIDriver" | "CSINode" | "VolumeAttachment"
            )
            | ("scheduling.k8s.io", "PriorityClass")
            | (
                "admissionregistration.k8s.io",
                "MutatingWebhookConfiguration"
                    | "ValidatingWebhookConfiguration"
                    | "ValidatingAdmissionPolicy"
                    | "ValidatingAdmissionPolicyBinding"
            )
            | ("node.k8s.io", "RuntimeClass")
            | ("policy", "PodSecurityPolicy")
            | ("extensions", "PodSecurityPolicy")
            | ("networking.k8s.io", "IngressClass")
            | ("certificates.k8s.io", "CertificateSigningRequest")
            | (
                "flowcontrol.apiserver.k8s.io",
                "FlowSchema" | "PriorityLevelConfiguration"
            )
            | (
                "authentication.k8s.io" | "authorization.k8s.io",
                "TokenReview"
                    | "SelfSubjectAccessReview"
                    | "SubjectAccessReview"
                    | "SelfSubjectRulesReview"
            )
    )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behavior {
    Create,
    Merge,
    Replace,
}

/// One resource being rendered.
#[derive(Clone, Debug)]
pub struct Res {
    pub node: Node,
    pub file: FileId,
    pub doc_index: usize,
    pub org: ResId,
    pub prev: Vec<ResId>,
    /// Generated with a name suffix hash still to add.
    pub needs_hash: bool,
    pub behavior: Behavior,
    /// Name prefixes and suffixes applied, for name-reference tie breaks.
    pub prefixes: Vec<String>,
    pub suffixes: Vec<String>,
    /// Vars bound to this resource (kustomize's refVarNames).
    pub var_names: Vec<String>,
    /// Values patches removed or replaced, for provenance.
    pub edits: Vec<PatchEdit>,
}

impl Res {
    pub fn new(node: Node, file: FileId, doc_index: usize) -> Res {
        let org = ResId::of(&node);
        Res {
            node,
            file,
            doc_index,
            org,
            prev: Vec::new(),
            needs_hash: false,
            behavior: Behavior::Create,
            prefixes: Vec::new(),
            suffixes: Vec::new(),
            var_names: Vec::new(),
            edits: Vec::new(),
        }
    }

    pub fn cur(&self) -> ResId {
        ResId::of(&self.node)
    }

    pub fn store_prev(&mut self) {
        let cur = self.cur();
        self.prev.push(cur);
    }

    /// Current id plus every previous one.
    pub fn all_ids(&self) -> Vec<ResId> {
        let mut v = self.prev.clone();
        v.push(self.cur());
        v
    }

    pub fn name(&self) -> String {
        self.node
            .path(&["metadata", "name"])
            .and_then(Node::scalar_text)
            .unwrap_or_default()
    }

    pub fn set_name(&mut self, name: String, span: Span) {
        let meta = ensure_map_at(&mut self.node, "metadata", span);
        meta.set("name", span, Node::string(name, span));
    }

    pub fn labels(&self) -> Vec<(String, String)> {
        string_map(self.node.path(&["metadata", "labels"]))
    }

    pub fn annotations(&self) -> Vec<(String, String)> {
        string_map(self.node.path(&["metadata", "annotations"]))
    }
}

/// The entries of a mapping as (key, scalar text) pairs.
pub fn string_map(node: Option<&Node>) -> Vec<(String, String)> {
    node.map(|n| {
        n.entries()
            .iter()
            .map(|e| {
                (
                    e.key.name.to_string(),
                    e.value.scalar_text().unwrap_or_default(),
                )
            })
            .collect()
    })
    .unwrap_or_default()
}

/// The mapping at `key`, created (or a null replaced) when missing.
pub fn ensure_map_at<'a>(node: &'a mut Node, key: &str, span: Span) -> &'a mut Node {
    if !matches!(node.value, Value::Map(_)) {
        *node = Node::new(Value::Map(Default::default()), span);
    }
    let needs = !matches!(node.get(key).map(|n| &n.value), Some(Value::Map(_)));
    if needs {
        node.set(key, span, Node::new(Value::Map(Default::default()), span));
    }
    node.get_mut(key).expect("just set")
}

/// Set a key, creating the entry with `key_span` when new; a node that is
/// not a mapping becomes one.
pub fn set_entry(map: &mut Node, key: &str, key_span: Span, value: Node) {
    if !matches!(map.value, Value::Map(_)) {
        *map = Node::new(Value::Map(Default::default()), value.span);
    }
    map.set(key, key_span, value);
}

/// Give every node and key of a tree the same span.
pub fn respan(node: &mut Node, span: Span) {
    map_spans(node, &|_| span);
}

/// Rewrite every span of a tree with `f`.
pub fn map_spans(node: &mut Node, f: &impl Fn(Span) -> Span) {
    node.span = f(node.span);
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|n| map_spans(n, f)),
        Value::Map(entries) => entries.iter_mut().for_each(|e| {
            e.key.span = f(e.key.span);
            map_spans(&mut e.value, f);
        }),
        _ => {}
    }
}

/// The string items of a sequence (kustomize skips other items).
pub fn str_items(n: Option<&Node>) -> Vec<&Node> {
    n.map(|n| n.items().iter().filter(|i| i.as_str().is_some()).collect())
        .unwrap_or_default()
}

/// Set `metadata.<key>`, creating `metadata` (spanned at `span`) if needed.
pub fn set_metadata(node: &mut Node, key: &str, value: Node, span: Span) {
    ensure_map_at(node, "metadata", span).set(key, value.span, value);
}

/// Give a merged or patched resource back the namespace it had (none included).
pub fn restore_namespace(node: &mut Node, namespace: Option<Node>, span: Span) {
    match namespace {
        Some(n) => set_metadata(node, "namespace", n, span),
        None => {
            if let Some(m) = node.get_mut("metadata") {
                m.remove("namespace");
            }
        }
    }
}
