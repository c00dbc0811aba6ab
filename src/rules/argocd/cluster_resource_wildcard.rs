use super::model;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RepoCx, Rule, RuleMeta, Scope};
use crate::yaml::Node;

/// An AppProject whitelists every cluster-scoped resource.
pub struct ClusterResourceWildcard;

static META: RuleMeta = RuleMeta::new(
    "argocd-cluster-resource-wildcard",
    Severity::Warning,
    Scope::Repo,
    "an AppProject whitelists every cluster-scoped resource",
)
.security_severity(6.0);

impl Rule for ClusterResourceWildcard {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_repo(&self, cx: &RepoCx, out: &mut Vec<Diagnostic>) {
        let m = model(cx.repo);
        for p in &m.projects {
            let items = p
                .object
                .root
                .path(&["spec", "clusterResourceWhitelist"])
                .map(Node::items)
                .unwrap_or(&[]);
            for item in items {
                let g = item.str_at(&["group"]).unwrap_or("");
                let k = item.str_at(&["kind"]).unwrap_or("");
                if g == "*" && k == "*" {
                    let mut d = Diagnostic::new(
                        item.span,
                        format!("AppProject {} allows every cluster-scoped resource (group `*`, kind `*`)", p.name),
                    )
                    .with_related(p.object.anchor_span(), format!("AppProject {}", p.name))
                    .with_help("list the cluster-scoped kinds the project's Applications need (Namespace, ClusterRole, ...)");
                    d.context = super::object_context(cx.repo, &p.units, &p.object);
                    out.push(d);
                }
            }
        }
    }
}
