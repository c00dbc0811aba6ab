//! Which lists a strategic merge patch merges element by element.
//!
//! kustomize's merge (kyaml merge2) reads the merge keys from the OpenAPI
//! document it bundles (Kubernetes 1.21) and never infers them: a list is
//! merged by key only when the resource's exact apiVersion/kind is in that
//! document and the field carries `x-kubernetes-patch-merge-key`. Every other
//! list, all lists of a custom resource included, is replaced by the patch's
//! list. This module keeps the part of that document the merge needs, and
//! reads a kustomization's `openapi: {path: ...}` document, which replaces
//! the bundled one.

use std::collections::HashMap;

use crate::yaml::Node;

/// The schema kustomize knows for one resource, if any.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Schema<'a> {
    /// Not in kustomize's bundled document (custom resources, removed
    /// apiVersions such as `extensions/v1beta1` Deployments): lists are atomic.
    Unknown,
    /// A built-in kind; `pod_spec` is where its PodSpec sits, if it has one.
    Builtin {
        pod_spec: Option<&'static [&'static str]>,
        kind: BuiltinKind,
    },
    /// The resource's definition in a custom OpenAPI document.
    Custom(&'a OpenApi, &'a Node),
}

/// A custom OpenAPI document (`definitions` with
/// `x-kubernetes-group-version-kind`), as kyaml reads it.
#[derive(Debug, Default, PartialEq)]
pub struct OpenApi {
    definitions: HashMap<String, Node>,
    /// (apiVersion, kind) to definition name.
    kinds: HashMap<(String, String), String>,
}

impl OpenApi {
    pub fn from_doc(doc: &Node) -> OpenApi {
        let mut api = OpenApi::default();
        for e in doc.get("definitions").map(Node::entries).unwrap_or(&[]) {
            for gvk in e
                .value
                .get("x-kubernetes-group-version-kind")
                .map(Node::items)
                .unwrap_or(&[])
            {
                let text = |k: &str| gvk.str_at(&[k]).unwrap_or_default().to_string();
                let (group, version) = (text("group"), text("version"));
                let api_version = if group.is_empty() {
                    version
                } else {
                    format!("{group}/{version}")
                };
                api.kinds
                    .insert((api_version, text("kind")), e.key.name.to_string());
            }
            api.definitions
                .insert(e.key.name.to_string(), e.value.clone());
        }
        api
    }

    /// A `$ref` target (`#/definitions/NAME`), or the node itself.
    fn resolve<'a>(&'a self, n: &'a Node) -> &'a Node {
        let mut cur = n;
        for _ in 0..32 {
            let Some(r) = cur.get("$ref").and_then(Node::as_str) else {
                break;
            };
            match self.definitions.get(r.trim_start_matches("#/definitions/")) {
                Some(d) => cur = d,
                None => break,
            }
        }
        cur
    }

    /// The merge key of the property at `path` below the definition `root`.
    fn list_key<'a>(&'a self, root: &'a Node, path: &[&str]) -> Option<&'a str> {
        let mut cur = root;
        for seg in path {
            let mut def = self.resolve(cur);
            if let Some(items) = def.get("items") {
                def = self.resolve(items);
            }
            cur = def.get("properties")?.get(seg)?;
        }
        let merges = cur
            .get("x-kubernetes-patch-strategy")
            .and_then(Node::as_str)
            .is_some_and(|s| s.split(',').any(|p| p == "merge"));
        merges
            .then(|| {
                cur.get("x-kubernetes-patch-merge-key")
                    .and_then(Node::as_str)
            })
            .flatten()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuiltinKind {
    Service,
    ServiceAccount,
    WebhookConfiguration,
    Other,
}

const CONTAINER_LISTS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

/// API groups/versions served by Kubernetes 1.21 (kustomize's default schema).
const BUILTIN_GROUP_VERSIONS: &[&str] = &[
    "v1",
    "apps/v1",
    "batch/v1",
    "batch/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2beta1",
    "autoscaling/v2beta2",
    "policy/v1",
    "policy/v1beta1",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
    "apiextensions.k8s.io/v1beta1",
    "apiregistration.k8s.io/v1",
    "apiregistration.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "scheduling.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "coordination.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1beta1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
];

impl<'a> Schema<'a> {
    pub fn of(api_version: &str, kind: &str, custom: Option<&'a OpenApi>) -> Schema<'a> {
        if let Some(api) = custom {
            let key = (api_version.to_string(), kind.to_string());
            return (api.kinds.get(&key))
                .and_then(|name| api.definitions.get(name))
                .map_or(Schema::Unknown, |def| Schema::Custom(api, def));
        }
        let served = BUILTIN_GROUP_VERSIONS.contains(&api_version)
            // In 1.21, `extensions/v1beta1` serves Ingress only.
            || (api_version == "extensions/v1beta1" && kind == "Ingress");
        if !served {
            return Schema::Unknown;
        }
        let (group, _) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        let pod_spec: Option<&'static [&'static str]> = match (group, kind) {
            ("", "Pod") => Some(&["spec"]),
            ("", "PodTemplate") => Some(&["template", "spec"]),
            ("", "ReplicationController")
            | ("apps", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet")
            | ("batch", "Job") => Some(&["spec", "template", "spec"]),
            ("batch", "CronJob") => Some(&["spec", "jobTemplate", "spec", "template", "spec"]),
            _ => None,
        };
        let kind = match (group, kind) {
            ("", "Service") => BuiltinKind::Service,
            ("", "ServiceAccount") => BuiltinKind::ServiceAccount,
            (
                "admissionregistration.k8s.io",
                "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration",
            ) => BuiltinKind::WebhookConfiguration,
            _ => BuiltinKind::Other,
        };
        Schema::Builtin { pod_spec, kind }
    }

    /// The merge key of the list at `path` (field names from the resource's
    /// root, list positions left out), or None when the list is atomic.
    pub fn list_key(&self, path: &[&str]) -> Option<&'a str> {
        let (pod_spec, kind) = match self {
            Schema::Unknown => return None,
            Schema::Custom(api, root) => return api.list_key(root, path),
            Schema::Builtin { pod_spec, kind } => (pod_spec, kind),
        };
        if path == ["metadata", "ownerReferences"] {
            return Some("uid");
        }
        let by_kind = match kind {
            BuiltinKind::Service => path == ["spec", "ports"],
            BuiltinKind::ServiceAccount => path == ["secrets"],
            BuiltinKind::WebhookConfiguration => path == ["webhooks"],
            BuiltinKind::Other => false,
        };
        if by_kind {
            return Some(if *kind == BuiltinKind::Service {
                "port"
            } else {
                "name"
            });
        }
        let rest = path.strip_prefix(pod_spec.as_ref()?.as_ref())?;
        match rest {
            [list] if CONTAINER_LISTS.contains(list) => Some("name"),
            ["volumes" | "imagePullSecrets"] => Some("name"),
            ["hostAliases"] => Some("ip"),
            ["topologySpreadConstraints"] => Some("topologyKey"),
            [list, field] if CONTAINER_LISTS.contains(list) => match *field {
                "env" => Some("name"),
                "ports" => Some("containerPort"),
                "volumeMounts" => Some("mountPath"),
                "volumeDevices" => Some("devicePath"),
                _ => None,
            },
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keys_follow_the_exact_api_version() {
        let pod = ["spec", "template", "spec", "containers"];
        assert_eq!(
            Schema::of("apps/v1", "Deployment", None).list_key(&pod),
            Some("name")
        );
        assert_eq!(
            Schema::of("extensions/v1beta1", "Deployment", None).list_key(&pod),
            None
        );
        assert_eq!(
            Schema::of("argoproj.io/v1alpha1", "Rollout", None).list_key(&pod),
            None
        );
        let cron = [
            "spec",
            "jobTemplate",
            "spec",
            "template",
            "spec",
            "containers",
            "env",
        ];
        assert_eq!(
            Schema::of("batch/v1", "CronJob", None).list_key(&cron),
            Some("name")
        );
        assert_eq!(
            Schema::of("v1", "Service", None).list_key(&["spec", "ports"]),
            Some("port")
        );
        assert_eq!(
            Schema::of("v1", "ServiceAccount", None).list_key(&["imagePullSecrets"]),
            None
        );
        assert_eq!(
            Schema::of("apps/v1", "Deployment", None).list_key(&["spec", "mylist"]),
            None
        );
    }
}
