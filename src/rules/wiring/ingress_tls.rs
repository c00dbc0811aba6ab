use super::in_context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Object;
use crate::rules::{Rule, RuleMeta, Scope, UnitCx};
use crate::yaml::Node;

/// An internet-facing Ingress without TLS.
///
/// TLS: a non-empty `spec.tls`; for the AWS Load Balancer Controller a
/// `certificate-arn` (its listeners then default to HTTPS) or an HTTPS entry
/// in `listen-ports`; GKE managed or pre-shared certificates. Not internet
/// facing: ALB `scheme: internal`, an ingress class naming itself internal or
/// private, or hosts that all end in `.local`, `.internal`, `.localhost`,
/// `.svc` or `.cluster.local`. An Ingress whose hosts all get TLS from a
/// sibling Ingress of the unit passes (the controller merges them per host).
pub struct IngressTls;

static META: RuleMeta = RuleMeta::new(
    "ingress-tls",
    Severity::Warning,
    Scope::Unit,
    "an internet-facing Ingress without TLS (no `tls:`, and for the AWS load balancer controller no certificate ARN with an HTTPS listener)",
);

fn ann<'a>(o: &'a Object, key: &str) -> Option<&'a str> {
    o.annotation(key).and_then(Node::as_str)
}

fn has_tls(o: &Object) -> bool {
    if o.root
        .path(&["spec", "tls"])
        .is_some_and(|t| !t.items().is_empty())
    {
        return true;
    }
    let listen_https =
        ann(o, "alb.ingress.kubernetes.io/listen-ports").is_some_and(|p| p.contains("HTTPS"));
    let cert =
        ann(o, "alb.ingress.kubernetes.io/certificate-arn").is_some_and(|c| !c.trim().is_empty());
    let listen_set = ann(o, "alb.ingress.kubernetes.io/listen-ports").is_some();
    listen_https
        || (cert && !listen_set)
        || ann(o, "networking.gke.io/managed-certificates").is_some()
        || ann(o, "ingress.gcp.kubernetes.io/pre-shared-cert").is_some()
}

fn rule_hosts(o: &Object) -> Vec<&str> {
    o.root
        .path(&["spec", "rules"])
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .filter_map(|r| r.str_at(&["host"]))
        .collect()
}

/// Hosts an Ingress terminates TLS for: its `spec.tls[].hosts`, or its rule
/// hosts when the TLS entry lists none (or TLS comes from an annotation).
fn tls_hosts(o: &Object) -> Vec<&str> {
    let listed: Vec<&str> = o
        .root
        .path(&["spec", "tls"])
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .flat_map(|t| t.get("hosts").map(Node::items).unwrap_or(&[]))
        .filter_map(Node::as_str)
        .collect();
    if listed.is_empty() {
        rule_hosts(o)
    } else {
        listed
    }
}

fn internal(o: &Object) -> bool {
    if ann(o, "alb.ingress.kubernetes.io/scheme") == Some("internal") {
        return true;
    }
    let class = o
        .root
        .str_at(&["spec", "ingressClassName"])
        .or_else(|| ann(o, "kubernetes.io/ingress.class"))
        .unwrap_or("")
        .to_ascii_lowercase();
    if class.contains("internal") || class.contains("private") {
        return true;
    }
    let hosts = rule_hosts(o);
    !hosts.is_empty()
        && hosts.iter().all(|h| {
            [
                ".local",
                ".internal",
                ".localhost",
                ".svc",
                ".cluster.local",
                ".lan",
            ]
            .iter()
            .any(|s| h.ends_with(s))
                || *h == "localhost"
        })
}

impl Rule for IngressTls {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_unit(&self, cx: &UnitCx, out: &mut Vec<Diagnostic>) {
        let ingresses: Vec<&Object> = cx
            .unit
            .objects
            .iter()
            .filter(|o| {
                o.kind == "Ingress" && matches!(o.group(), "networking.k8s.io" | "extensions")
            })
            .collect();
        // A host split over several Ingresses (one per path, say) is served
        // over TLS when one of them terminates it.
        let secured: Vec<&str> = ingresses
            .iter()
            .filter(|o| has_tls(o))
            .flat_map(|o| tls_hosts(o))
            .collect();
        for o in ingresses {
            if has_tls(o) || internal(o) {
                continue;
            }
            let hosts = rule_hosts(o);
            if !hosts.is_empty() && hosts.iter().all(|h| secured.contains(h)) {
                continue;
            }
            let d = Diagnostic::new(o.anchor_span(), format!("Ingress `{}` serves plain HTTP: it has no TLS", o.name))
                .with_help("add `spec.tls` with the hosts and a certificate Secret (cert-manager can issue it), or for an ALB a certificate ARN with an HTTPS listener");
            out.push(in_context(cx, o, d));
        }
    }
}
