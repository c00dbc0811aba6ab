use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{ObjectCx, Rule, RuleMeta, Scope};

/// A RoleBinding or ClusterRoleBinding grants the `cluster-admin` ClusterRole.
pub struct ClusterAdminBinding;

static META: RuleMeta = RuleMeta::new(
    "cluster-admin-binding",
    Severity::Error,
    Scope::Object,
    "a (Cluster)RoleBinding grants `cluster-admin`",
)
.security_severity(8.0);

impl Rule for ClusterAdminBinding {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        let o = cx.object;
        if !matches!(o.kind.as_str(), "RoleBinding" | "ClusterRoleBinding")
            || o.group() != "rbac.authorization.k8s.io"
        {
            return;
        }
        let Some(name) = o.root.path(&["roleRef", "name"]) else {
            return;
        };
        if name.as_str() != Some("cluster-admin")
            || o.root.str_at(&["roleRef", "kind"]).unwrap_or("ClusterRole") != "ClusterRole"
        {
            return;
        }
        let subjects: Vec<String> = o
            .root
            .get("subjects")
            .map(|s| s.items())
            .unwrap_or(&[])
            .iter()
            .map(|s| {
                format!(
                    "{} {}",
                    s.str_at(&["kind"]).unwrap_or("?"),
                    s.get("name")
                        .and_then(|n| n.scalar_text())
                        .unwrap_or_default()
                )
            })
            .collect();
        let to = if subjects.is_empty() {
            String::new()
        } else {
            format!(" to {}", subjects.join(", "))
        };
        out.push(
            Diagnostic::new(
                name.span,
                format!("{} `{}` grants cluster-admin{to}", o.kind, o.name),
            )
            .with_help("bind a ClusterRole or Role with only the permissions the subject needs"),
        );
    }
}
