use super::describe;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Object;
use crate::rules::{ObjectCx, Rule, RuleMeta, Scope};

/// The pod mounts a ServiceAccount token without saying it needs one.
///
/// Passes when the pod sets `automountServiceAccountToken` (false, or true as
/// an explicit statement that it needs the token), or when its ServiceAccount,
/// found in the same render unit or elsewhere in the repository, sets it false;
/// or when a RoleBinding or ClusterRoleBinding in the repository grants that
/// ServiceAccount a role: the pod calls the Kubernetes API and needs the token.
pub struct SaTokenAutomount;

static META: RuleMeta = RuleMeta::new(
    "sa-token-automount",
    Severity::Warning,
    Scope::Object,
    "the pod mounts a ServiceAccount token without needing one (`automountServiceAccountToken` not false on pod or its ServiceAccount)",
)
.security_severity(4.0);

fn same_ns(a: &Option<String>, b: &Option<String>) -> bool {
    a.is_none() || b.is_none() || a == b
}

/// The binding (RoleBinding or ClusterRoleBinding) that grants the
/// ServiceAccount `name` of `namespace` a role, if the repository has one. A
/// subject without a namespace takes the binding's (kustomize may set either).
fn binding_of<'a>(cx: &'a ObjectCx, name: &str, namespace: &Option<String>) -> Option<&'a Object> {
    let repo = cx.repo;
    repo.index()
        .bindings_of_service_account(&repo.units, name)
        .find(|b| {
            b.root
                .get("subjects")
                .map(crate::yaml::Node::items)
                .unwrap_or(&[])
                .iter()
                .any(|s| {
                    let ns = s
                        .str_at(&["namespace"])
                        .map(str::to_string)
                        .or_else(|| b.namespace.clone());
                    s.str_at(&["kind"]) == Some("ServiceAccount")
                        && s.str_at(&["name"]) == Some(name)
                        && same_ns(&ns, namespace)
                })
        })
}

impl Rule for SaTokenAutomount {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        let o = cx.object;
        let Some(pod) = o.pod_spec() else { return };
        if pod
            .get("automountServiceAccountToken")
            .is_some_and(|v| v.as_bool().is_some())
        {
            return;
        }
        let sa_node = pod
            .get("serviceAccountName")
            .or_else(|| pod.get("serviceAccount"))
            .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()));
        let sa_name = sa_node.and_then(|n| n.as_str()).unwrap_or("default");
        let is_sa = |x: &&Object| {
            x.kind == "ServiceAccount" && x.name == sa_name && same_ns(&x.namespace, &o.namespace)
        };
        // The ServiceAccount in the same file, else the unit, else anywhere in the repo.
        let sa = cx
            .unit
            .objects
            .iter()
            .filter(|x| x.file == o.file)
            .find(is_sa)
            .or_else(|| cx.unit.objects.iter().find(is_sa))
            .or_else(|| {
                cx.repo
                    .index()
                    .named(&cx.repo.units, "ServiceAccount", sa_name)
                    .map(|(_, x)| x)
                    .find(is_sa)
            });
        if let Some(sa) = sa {
            if sa
                .root
                .get("automountServiceAccountToken")
                .and_then(|v| v.as_bool())
                == Some(false)
            {
                return;
            }
        }
        if binding_of(cx, sa_name, &o.namespace).is_some() {
            return;
        }
        let mut d = Diagnostic::new(
            sa_node.map(|n| n.span).unwrap_or(o.anchor_span()),
            format!(
                "{} mounts the token of ServiceAccount `{sa_name}` without setting automountServiceAccountToken",
                describe(o)
            ),
        )
        .with_help("set automountServiceAccountToken: false on the pod or its ServiceAccount (or true on the pod if it calls the Kubernetes API)");
        if let Some(sa) = sa {
            d = d.with_related(
                sa.anchor_span(),
                "ServiceAccount does not set automountServiceAccountToken: false",
            );
        }
        out.push(d);
    }
}
