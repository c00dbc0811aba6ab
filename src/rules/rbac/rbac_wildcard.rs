use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{ObjectCx, Rule, RuleMeta, Scope};

/// A Role or ClusterRole rule with `*` in verbs, resources or apiGroups.
pub struct RbacWildcard;

static META: RuleMeta = RuleMeta::new(
    "rbac-wildcard",
    Severity::Warning,
    Scope::Object,
    "a Role/ClusterRole with `*` in verbs, resources or apiGroups",
)
.security_severity(6.0);

impl Rule for RbacWildcard {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        let o = cx.object;
        if !matches!(o.kind.as_str(), "Role" | "ClusterRole")
            || o.group() != "rbac.authorization.k8s.io"
        {
            return;
        }
        for rule in o.root.get("rules").map(|r| r.items()).unwrap_or(&[]) {
            let mut fields = Vec::new();
            let mut first = None;
            for key in ["apiGroups", "resources", "verbs"] {
                if let Some(star) = rule
                    .get(key)
                    .map(|v| v.items())
                    .unwrap_or(&[])
                    .iter()
                    .find(|v| v.as_str() == Some("*"))
                {
                    fields.push(key);
                    first.get_or_insert(star.span);
                }
            }
            let Some(span) = first else { continue };
            out.push(
                Diagnostic::new(
                    span,
                    format!(
                        "{} `{}` grants `*` in {}",
                        o.kind,
                        o.name,
                        fields.join(", ")
                    ),
                )
                .with_help("list the API groups, resources and verbs the subject needs"),
            );
        }
    }
}
