//! Kubernetes objects and render units, the things rules look at.

use std::sync::Arc;

use crate::yaml::{FileId, Node, Span};

/// One Kubernetes object: a document with `apiVersion` and `kind`, plain or rendered.
#[derive(Clone, Debug)]
pub struct Object {
    pub root: Node,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    /// The file whose document this object came from (for rendered objects: the
    /// resource file, before patches).
    pub file: FileId,
    pub doc_index: usize,
    /// Where the pod template is for a kind that is not built in (an Argo
    /// Rollout, or a custom resource whose CRD schema embeds a
    /// PodTemplateSpec): the path to the template mapping.
    pub pod_template: Option<Arc<[String]>>,
    /// Values a Kustomize patch removed or replaced (for provenance).
    pub edits: Arc<[crate::provenance::PatchEdit]>,
}

/// Custom kinds known to hold a PodTemplateSpec at `spec.template`, for when
/// the repository does not carry their CRD (which, when present, decides:
/// see [`crate::units::pod_template_paths`]).
const KNOWN_POD_TEMPLATES: &[(&str, &str)] = &[
    ("argoproj.io", "Rollout"),
    ("apps.openshift.io", "DeploymentConfig"),
    ("serving.knative.dev", "Service"),
    ("serving.knative.dev", "Configuration"),
    ("apps.kruise.io", "CloneSet"),
    ("apps.kruise.io", "StatefulSet"),
    ("apps.kruise.io", "DaemonSet"),
    ("apps.kruise.io", "BroadcastJob"),
];

/// The kinds of the built-in workloads, in any API group.
fn is_workload_kind(kind: &str) -> bool {
    matches!(
        kind,
        "Pod"
            | "ReplicationController"
            | "Deployment"
            | "StatefulSet"
            | "DaemonSet"
            | "ReplicaSet"
            | "Job"
            | "CronJob"
    )
}

fn is_builtin_workload(group: &str, kind: &str) -> bool {
    match group {
        "" => matches!(kind, "Pod" | "ReplicationController"),
        // `extensions` served the first Deployments, DaemonSets and ReplicaSets.
        "apps" | "extensions" => matches!(
            kind,
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet"
        ),
        "batch" => matches!(kind, "Job" | "CronJob"),
        _ => false,
    }
}

impl Object {
    /// A SOPS-encrypted document (a top-level `sops:` mapping): its values are
    /// ciphertext (`ENC[...]`) and `sops` is metadata the decrypting tool
    /// (KSOPS, Flux, helm-secrets) strips before anything is applied.
    pub fn is_sops_encrypted(&self) -> bool {
        self.root.get("sops").is_some_and(|n| n.as_map().is_some())
    }

    /// The object as the API server would receive it, for schema validation:
    /// the SOPS metadata block is not part of it.
    pub fn to_json_for_schema(&self) -> serde_json::Value {
        let mut json = self.root.to_json();
        if self.is_sops_encrypted() {
            if let Some(map) = json.as_object_mut() {
                map.remove("sops");
            }
        }
        json
    }

    /// An object if the document looks like one (`apiVersion` and `kind` strings).
    pub fn from_node(root: Node, file: FileId, doc_index: usize) -> Option<Object> {
        let api_version = root.get("apiVersion")?.as_str()?.to_string();
        let kind = root.get("kind")?.as_str()?.to_string();
        let name = root
            .path(&["metadata", "name"])
            .and_then(Node::scalar_text)
            .unwrap_or_default();
        let namespace = root
            .path(&["metadata", "namespace"])
            .and_then(Node::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let group = api_version.split_once('/').map_or("", |(g, _)| g);
        let pod_template = KNOWN_POD_TEMPLATES
            .contains(&(group, kind.as_str()))
            .then(|| Arc::from(vec!["spec".to_string(), "template".to_string()]));
        Some(Object {
            root,
            api_version,
            kind,
            name,
            namespace,
            file,
            doc_index,
            pod_template,
            edits: Arc::from([]),
        })
    }

    /// A built-in workload kind (Pod, Deployment, ..., CronJob) in its own API group.
    pub fn is_builtin_workload(&self) -> bool {
        is_builtin_workload(self.group(), &self.kind)
    }

    /// The pod template path of a custom kind, as `&str` segments.
    fn custom_template_path(&self, last: &'static str) -> Option<Vec<&str>> {
        let path = self.pod_template.as_ref()?;
        let mut out: Vec<&str> = path.iter().map(String::as_str).collect();
        out.push(last);
        Some(out)
    }

    /// API group ("" for the core group).
    pub fn group(&self) -> &str {
        match self.api_version.split_once('/') {
            Some((g, _)) => g,
            None => "",
        }
    }

    pub fn version(&self) -> &str {
        match self.api_version.split_once('/') {
            Some((_, v)) => v,
            None => &self.api_version,
        }
    }

    /// `group/version/Kind namespace/name`, as printed in a finding's context.
    pub fn display_id(&self) -> String {
        let gv = &self.api_version;
        match &self.namespace {
            Some(ns) => format!("{gv}/{} {ns}/{}", self.kind, self.name),
            None => format!("{gv}/{} {}", self.kind, self.name),
        }
    }

    pub fn metadata(&self) -> Option<&Node> {
        self.root.get("metadata")
    }

    pub fn annotation(&self, key: &str) -> Option<&Node> {
        self.root.path(&["metadata", "annotations", key])
    }

    pub fn label(&self, key: &str) -> Option<&str> {
        self.root.str_at(&["metadata", "labels", key])
    }

    /// Where to point when a finding concerns the object as a whole: its kind
    /// value, or its name, or the document start.
    pub fn anchor_span(&self) -> Span {
        self.root
            .path(&["metadata", "name"])
            .or_else(|| self.root.get("kind"))
            .map(|n| n.span)
            .unwrap_or(self.root.span)
    }

    /// The pod spec for pod-bearing kinds: built-in workloads (Pod,
    /// Deployment, ..., CronJob), and custom kinds with a pod template (Argo
    /// Rollouts, CRDs embedding a PodTemplateSpec).
    pub fn pod_spec(&self) -> Option<&Node> {
        // Most objects are neither: rules ask for every object.
        if self.pod_template.is_none() && !is_workload_kind(&self.kind) {
            return None;
        }
        if !self.is_builtin_workload() {
            return self.root.path(&self.custom_template_path("spec")?);
        }
        match self.kind.as_str() {
            "Pod" => self.root.get("spec"),
            "Deployment"
            | "StatefulSet"
            | "DaemonSet"
            | "ReplicaSet"
            | "Job"
            | "ReplicationController" => self.root.path(&["spec", "template", "spec"]),
            "CronJob" => self
                .root
                .path(&["spec", "jobTemplate", "spec", "template", "spec"]),
            _ => None,
        }
    }

    /// The pod template metadata (labels) for workload kinds.
    pub fn pod_template_metadata(&self) -> Option<&Node> {
        if self.pod_template.is_none() && !is_workload_kind(&self.kind) {
            return None;
        }
        if !self.is_builtin_workload() {
            return self.root.path(&self.custom_template_path("metadata")?);
        }
        match self.kind.as_str() {
            "Pod" => self.root.get("metadata"),
            "CronJob" => self
                .root
                .path(&["spec", "jobTemplate", "spec", "template", "metadata"]),
            _ => self.root.path(&["spec", "template", "metadata"]),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitKind {
    /// The render of a kustomization directory that no other kustomization
    /// references (or that an Argo CD Application deploys): deployed.
    Kustomize,
    /// The plain manifests an Argo CD Application deploys from a directory of
    /// this repository (`directory.recurse`/`include`/`exclude` applied): deployed.
    Application,
    /// Plain manifests nothing is known to deploy, grouped by directory (or a
    /// single file beside a kustomization that does not list it). Alternative
    /// bundles, fixture variants and test steps live side by side, so rules
    /// must not assume its objects are applied together.
    Loose,
}

/// A set of objects deployed together: cross-resource rules look inside one unit.
#[derive(Clone, Debug)]
pub struct Unit {
    /// The unit's directory, relative to the root ("" for the root).
    pub id: String,
    pub kind: UnitKind,
    pub objects: Vec<Object>,
    /// Files that contributed to the unit (resources, patches, kustomizations).
    pub files: Vec<FileId>,
}

impl Unit {
    /// Whether an engine applies the unit's objects as a whole (a Kustomize
    /// render or an Argo CD Application source). Cross-object rules that
    /// would say "matches nothing" or "defined twice" only hold in one.
    pub fn is_deployed(&self) -> bool {
        self.kind != UnitKind::Loose
    }

    /// Display name of the unit ("." for the root).
    pub fn name(&self) -> &str {
        if self.id.is_empty() {
            "."
        } else {
            &self.id
        }
    }
}
