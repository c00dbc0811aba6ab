//! Kubernetes objects and render units, the things rules look at.

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
}

impl Object {
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
        Some(Object {
            root,
            api_version,
            kind,
            name,
            namespace,
            file,
            doc_index,
        })
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

    /// The pod spec for pod-bearing kinds (Pod, Deployment, ..., CronJob).
    pub fn pod_spec(&self) -> Option<&Node> {
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
    /// A kustomization directory that no other kustomization references.
    Kustomize,
    /// A directory of plain manifests.
    Plain,
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
    /// Display name of the unit ("." for the root).
    pub fn name(&self) -> &str {
        if self.id.is_empty() {
            "."
        } else {
            &self.id
        }
    }
}
