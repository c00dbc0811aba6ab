use super::{deployed_together, in_context, reachable_of_kind, same_namespace};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, RuleMeta, Scope, UnitCx};
use crate::yaml::Node;

/// An Ingress backend names a Service that the unit does not define, while
/// the unit defines Services in the Ingress's namespace (so it is where they
/// live). ALB action backends (`use-annotation`) are skipped.
pub struct IngressBackendMissing;

static META: RuleMeta = RuleMeta::new(
    "ingress-backend-missing",
    Severity::Error,
    Scope::Unit,
    "an Ingress backend names a Service absent from a unit that defines that namespace's Services",
);

/// `(service name node, port description)` of one backend.
fn backend_service(b: &Node) -> Option<&Node> {
    let port = b
        .path(&["service", "port", "name"])
        .or_else(|| b.get("servicePort"))
        .and_then(Node::as_str);
    if port == Some("use-annotation") {
        return None;
    }
    b.path(&["service", "name"])
        .or_else(|| b.get("serviceName"))
}

impl Rule for IngressBackendMissing {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_unit(&self, cx: &UnitCx, out: &mut Vec<Diagnostic>) {
        let objects = &cx.unit.objects;
        for ing in objects.iter().filter(|o| {
            o.kind == "Ingress" && matches!(o.group(), "networking.k8s.io" | "extensions")
        }) {
            // Judge only when Services of the Ingress's namespace are deployed
            // with it (in a loose directory: in its own file; a lone Ingress
            // may route to Services deployed by anyone).
            if !objects.iter().any(|s| {
                s.kind == "Service" && same_namespace(s, ing) && deployed_together(cx.unit, ing, s)
            }) {
                continue;
            }
            let services: Vec<_> = reachable_of_kind(cx, "Service")
                .into_iter()
                .filter(|s| same_namespace(s, ing))
                .collect();
            let mut backends: Vec<&Node> = Vec::new();
            for key in ["defaultBackend", "backend"] {
                if let Some(b) = ing.root.path(&["spec", key]) {
                    backends.push(b);
                }
            }
            for rule in ing
                .root
                .path(&["spec", "rules"])
                .map(Node::items)
                .unwrap_or(&[])
            {
                for p in rule
                    .path(&["http", "paths"])
                    .map(Node::items)
                    .unwrap_or(&[])
                {
                    if let Some(b) = p.get("backend") {
                        backends.push(b);
                    }
                }
            }
            for b in backends {
                let Some(name_node) = backend_service(b) else {
                    continue;
                };
                let Some(name) = name_node.as_str() else {
                    continue;
                };
                if name.contains("{{")
                    || name.contains("${")
                    || services.iter().any(|s| s.name == name)
                {
                    continue;
                }
                let d = Diagnostic::new(
                    name_node.span,
                    format!(
                        "Ingress `{}` routes to Service `{name}`, which this unit does not define",
                        ing.name
                    ),
                )
                .with_help(format!(
                    "the unit's Services here are {}",
                    services
                        .iter()
                        .map(|s| format!("`{}`", s.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                out.push(in_context(cx, ing, d));
            }
        }
    }
}
