//! Pod-template rules: probes, resources, security context, service accounts.

pub mod default_service_account;
pub mod host_namespace;
pub mod missing_liveness_probe;
pub mod missing_readiness_probe;
pub mod missing_resources;
pub mod privilege_escalation;
pub mod privileged_container;
pub mod readonly_root_fs;
pub mod run_as_root;
pub mod sa_token_automount;

use crate::model::Object;
use crate::yaml::{Node, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerKind {
    App,
    Init,
    Ephemeral,
}

impl ContainerKind {
    pub fn label(self) -> &'static str {
        match self {
            ContainerKind::App => "container",
            ContainerKind::Init => "init container",
            ContainerKind::Ephemeral => "ephemeral container",
        }
    }
}

/// One container of a pod template.
pub struct Container<'a> {
    pub node: &'a Node,
    pub kind: ContainerKind,
    pub name: String,
}

impl Container<'_> {
    /// The container's `name` value, else the container mapping.
    pub fn anchor(&self) -> Span {
        self.node
            .get("name")
            .map(|n| n.span)
            .unwrap_or(self.node.span)
    }

    pub fn security(&self, key: &str) -> Option<&Node> {
        self.node.path(&["securityContext", key])
    }

    /// `init container migrate`, `container web`.
    pub fn describe(&self) -> String {
        if self.name.is_empty() {
            format!("unnamed {}", self.kind.label())
        } else {
            format!("{} `{}`", self.kind.label(), self.name)
        }
    }

    /// A native sidecar: an init container with `restartPolicy: Always`.
    pub fn is_sidecar(&self) -> bool {
        self.kind == ContainerKind::Init && self.node.str_at(&["restartPolicy"]) == Some("Always")
    }
}

/// Containers of a pod spec, app containers first.
pub fn containers(pod: &Node) -> Vec<Container<'_>> {
    let mut out = Vec::new();
    for (key, kind) in [
        ("containers", ContainerKind::App),
        ("initContainers", ContainerKind::Init),
        ("ephemeralContainers", ContainerKind::Ephemeral),
    ] {
        for c in pod.get(key).map(Node::items).unwrap_or(&[]) {
            if c.as_map().is_none() {
                continue;
            }
            out.push(Container {
                node: c,
                kind,
                name: c
                    .get("name")
                    .and_then(Node::scalar_text)
                    .unwrap_or_default(),
            });
        }
    }
    out
}

/// Workloads that run to completion: Jobs, CronJobs, OpenKruise
/// BroadcastJobs and Pods that do not restart.
pub fn runs_to_completion(object: &Object) -> bool {
    match object.kind.as_str() {
        "Job" | "CronJob" => true,
        "BroadcastJob" => object.group() == "apps.kruise.io",
        "Pod" => matches!(
            object.root.str_at(&["spec", "restartPolicy"]),
            Some("Never" | "OnFailure")
        ),
        _ => false,
    }
}

/// `Deployment web`.
pub fn describe(object: &Object) -> String {
    format!("{} `{}`", object.kind, object.name)
}

/// Shared by the probe rules: long-running app containers (and native sidecars) need `key`.
pub(crate) fn check_probe(
    cx: &super::ObjectCx,
    key: &str,
    out: &mut Vec<crate::diagnostic::Diagnostic>,
) {
    let o = cx.object;
    let Some(pod) = o.pod_spec() else { return };
    if runs_to_completion(o) {
        return;
    }
    for c in containers(pod) {
        let long_running = c.kind == ContainerKind::App || c.is_sidecar();
        if !long_running || c.node.get(key).is_some_and(|p| !p.is_null()) {
            continue;
        }
        out.push(
            crate::diagnostic::Diagnostic::new(
                c.anchor(),
                format!("{} of {} has no {key}", c.describe(), describe(o)),
            )
            .with_help(format!(
                "add a {key} (httpGet, tcpSocket, grpc or exec) so Kubernetes knows when the container {}",
                if key == "livenessProbe" {
                    "must be restarted"
                } else {
                    "can receive traffic"
                }
            )),
        );
    }
}
