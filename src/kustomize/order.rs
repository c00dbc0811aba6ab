//! kustomize's output order.

use super::res::Res;
use crate::yaml::Node;

pub(super) const ORDER_FIRST: &[&str] = &[
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];

pub(super) const ORDER_LAST: &[&str] = &[
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// kustomize's legacy order (the default of `kubectl kustomize` v5), or FIFO.
pub(super) fn sort(acc: &mut [Res], opts: Option<&Node>) {
    let mut first: Vec<String> = ORDER_FIRST.iter().map(|s| s.to_string()).collect();
    let mut last: Vec<String> = ORDER_LAST.iter().map(|s| s.to_string()).collect();
    if let Some(o) = opts {
        if o.str_at(&["order"]) == Some("fifo") {
            return;
        }
        let list = |k: &str| -> Option<Vec<String>> {
            o.path(&["legacySortOptions", k]).map(|n| {
                n.items()
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect()
            })
        };
        if let Some(f) = list("orderFirst") {
            first = f;
        }
        if let Some(l) = list("orderLast") {
            last = l;
        }
    }
    let index = |kind: &str| -> i64 {
        if let Some(i) = first.iter().position(|k| k == kind) {
            return i as i64 - first.len() as i64;
        }
        if let Some(i) = last.iter().position(|k| k == kind) {
            return 1 + i as i64;
        }
        0
    };
    // Stable: resources with the same key keep their order.
    acc.sort_by_cached_key(|r| {
        let id = r.cur();
        let ns = if id.namespace.is_empty() {
            "~X"
        } else {
            &id.namespace
        };
        (
            index(&id.kind),
            id.gvk_string(),
            format!("{ns}|{}", id.name),
        )
    });
}
