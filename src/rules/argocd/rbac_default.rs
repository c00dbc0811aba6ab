use super::model;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RepoCx, Rule, RuleMeta, Scope};

use super::rbac_policy::{lines, policy_csv_entries};

/// argocd-rbac-cm `policy.default` grants more than `role:readonly`: every
/// authenticated user gets it.
pub struct RbacDefault;

static META: RuleMeta = RuleMeta::new(
    "argocd-rbac-default",
    Severity::Error,
    Scope::Repo,
    "argocd-rbac-cm `policy.default` grants more than `role:readonly`",
)
.security_severity(7.0);

impl Rule for RbacDefault {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_repo(&self, cx: &RepoCx, out: &mut Vec<Diagnostic>) {
        let repo = cx.repo;
        let m = model(repo);
        for cm in m.config_map("argocd-rbac-cm") {
            let data = cm.root.get("data");
            let Some(node) = data.and_then(|d| d.get("policy.default")) else {
                continue;
            };
            let role = node.as_str().unwrap_or("").trim();
            if role.is_empty() || role == "role:readonly" {
                continue;
            }
            let grants: Vec<String> = if role == "role:admin" {
                vec!["everything (role:admin)".into()]
            } else {
                // A custom role: what its policy lines allow beyond `get`.
                policy_csv_entries(data)
                    .flat_map(|e| lines(repo, &e.value))
                    .filter_map(|(l, _)| {
                        let f: Vec<&str> = l.split(',').map(str::trim).collect();
                        (f.len() >= 5
                            && f[0] == "p"
                            && f[1] == role
                            && f[3] != "get"
                            && f.get(5).is_none_or(|e| *e != "deny"))
                        .then(|| format!("{} {}", f[3], f[2]))
                    })
                    .collect()
            };
            if grants.is_empty() {
                continue;
            }
            out.push(
                Diagnostic::new(
                    node.span,
                    format!("policy.default `{role}` gives every authenticated user {}", grants.join(", ")),
                )
                .with_related(cm.anchor_span(), "argocd-rbac-cm")
                .with_help("set `policy.default: role:readonly` (or leave it empty) and grant more through `g,` bindings"),
            );
        }
    }
}
