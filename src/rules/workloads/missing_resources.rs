use super::{containers, describe, ContainerKind};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{ObjectCx, Rule, RuleMeta, Scope};
use crate::yaml::Node;

/// A container lacks a cpu request, a memory request or a memory limit.
///
/// A limit without a request counts as the request (Kubernetes defaults the
/// request to the limit). Ephemeral (debug) containers are not checked.
pub struct MissingResources;

static META: RuleMeta = RuleMeta::new(
    "missing-resources",
    Severity::Error,
    Scope::Object,
    "a container lacks cpu/memory requests or a memory limit",
);

fn has(resources: Option<&Node>, section: &str, key: &str) -> bool {
    resources
        .and_then(|r| r.path(&[section, key]))
        .is_some_and(|v| !v.is_null() && v.scalar_text().is_some_and(|s| !s.is_empty()))
}

impl Rule for MissingResources {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        let Some(pod) = cx.object.pod_spec() else {
            return;
        };
        for c in containers(pod) {
            if c.kind == ContainerKind::Ephemeral {
                continue;
            }
            let r = c.node.get("resources");
            let mut missing = Vec::new();
            if !has(r, "requests", "cpu") && !has(r, "limits", "cpu") {
                missing.push("cpu request");
            }
            if !has(r, "requests", "memory") && !has(r, "limits", "memory") {
                missing.push("memory request");
            }
            if !has(r, "limits", "memory") {
                missing.push("memory limit");
            }
            if missing.is_empty() {
                continue;
            }
            let span = c.anchor();
            out.push(
                Diagnostic::new(
                    span,
                    format!(
                        "{} of {} has no {}",
                        c.describe(),
                        describe(cx.object),
                        missing.join(", ")
                    ),
                )
                .with_help("set resources.requests.cpu, resources.requests.memory and resources.limits.memory"),
            );
        }
    }
}
