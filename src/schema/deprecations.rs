//! Deprecated and removed Kubernetes apiVersions, from the official "Deprecated
//! API Migration Guide" (kubernetes.io/docs/reference/using-api/deprecation-guide)
//! and the `deprecated in vX+, unavailable in vY+` warnings of the API server.

use super::KubeVersion;

/// A row of the table: `kind` at `api_version` is deprecated from `deprecated_in`
/// and no longer served from `removed_in`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiChange {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub deprecated_in: KubeVersion,
    pub removed_in: Option<KubeVersion>,
    /// The apiVersion to use instead (`None`: no replacement, e.g. PodSecurityPolicy).
    pub replacement: Option<&'static str>,
    /// A short migration note, when there is more to say than the apiVersion.
    pub note: Option<&'static str>,
}

/// What `deprecation` found for one object at a target version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deprecation {
    /// Not served at the target version (an error), rather than only deprecated.
    pub removed: bool,
    /// The version it was removed in (`removed`) or deprecated in.
    pub since: KubeVersion,
    pub replacement: Option<&'static str>,
    pub note: Option<&'static str>,
    pub change: &'static ApiChange,
}

impl Deprecation {
    /// e.g. "networking.k8s.io/v1beta1 Ingress was removed in Kubernetes 1.22; use networking.k8s.io/v1".
    pub fn message(&self) -> String {
        let c = self.change;
        let mut s = if self.removed {
            format!(
                "{} {} was removed in Kubernetes {}",
                c.api_version, c.kind, self.since
            )
        } else {
            match c.removed_in {
                Some(r) => format!(
                    "{} {} is deprecated since Kubernetes {} and removed in {r}",
                    c.api_version, c.kind, self.since
                ),
                None => format!(
                    "{} {} is deprecated since Kubernetes {}",
                    c.api_version, c.kind, self.since
                ),
            }
        };
        match (self.replacement, self.note) {
            (Some(r), Some(n)) => s.push_str(&format!("; use {r} ({n})")),
            (Some(r), None) => s.push_str(&format!("; use {r}")),
            (None, Some(n)) => s.push_str(&format!("; {n}")),
            (None, None) => {}
        }
        s
    }
}

const fn v(minor: u32) -> KubeVersion {
    KubeVersion::new(1, minor)
}

macro_rules! row {
    ($api:expr, $kind:expr, $dep:expr, $rem:expr, $repl:expr) => {
        ApiChange {
            api_version: $api,
            kind: $kind,
            deprecated_in: v($dep),
            removed_in: Some(v($rem)),
            replacement: Some($repl),
            note: None,
        }
    };
}

/// The table.
pub static API_CHANGES: &[ApiChange] = &[
    // Removed in 1.16
    row!("extensions/v1beta1", "Deployment", 9, 16, "apps/v1"),
    row!("extensions/v1beta1", "DaemonSet", 9, 16, "apps/v1"),
    row!("extensions/v1beta1", "ReplicaSet", 9, 16, "apps/v1"),
    row!("extensions/v1beta1", "NetworkPolicy", 9, 16, "networking.k8s.io/v1"),
    row!("extensions/v1beta1", "PodSecurityPolicy", 10, 16, "policy/v1beta1"),
    row!("apps/v1beta1", "Deployment", 9, 16, "apps/v1"),
    row!("apps/v1beta1", "StatefulSet", 9, 16, "apps/v1"),
    row!("apps/v1beta1", "ControllerRevision", 9, 16, "apps/v1"),
    row!("apps/v1beta2", "Deployment", 9, 16, "apps/v1"),
    row!("apps/v1beta2", "StatefulSet", 9, 16, "apps/v1"),
    row!("apps/v1beta2", "DaemonSet", 9, 16, "apps/v1"),
    row!("apps/v1beta2", "ReplicaSet", 9, 16, "apps/v1"),
    row!("apps/v1beta2", "ControllerRevision", 9, 16, "apps/v1"),
    // Removed in 1.21
    row!("batch/v2alpha1", "CronJob", 8, 21, "batch/v1"),
    // Removed in 1.22
    row!("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration", 16, 22, "admissionregistration.k8s.io/v1"),
    row!("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration", 16, 22, "admissionregistration.k8s.io/v1"),
    row!("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", 16, 22, "apiextensions.k8s.io/v1"),
    row!("apiregistration.k8s.io/v1beta1", "APIService", 19, 22, "apiregistration.k8s.io/v1"),
    row!("authentication.k8s.io/v1beta1", "TokenReview", 19, 22, "authentication.k8s.io/v1"),
    row!("authorization.k8s.io/v1beta1", "SubjectAccessReview", 19, 22, "authorization.k8s.io/v1"),
    row!("authorization.k8s.io/v1beta1", "LocalSubjectAccessReview", 19, 22, "authorization.k8s.io/v1"),
    row!("authorization.k8s.io/v1beta1", "SelfSubjectAccessReview", 19, 22, "authorization.k8s.io/v1"),
    row!("certificates.k8s.io/v1beta1", "CertificateSigningRequest", 19, 22, "certificates.k8s.io/v1"),
    row!("coordination.k8s.io/v1beta1", "Lease", 19, 22, "coordination.k8s.io/v1"),
    row!("extensions/v1beta1", "Ingress", 14, 22, "networking.k8s.io/v1"),
    row!("networking.k8s.io/v1beta1", "Ingress", 19, 22, "networking.k8s.io/v1"),
    row!("networking.k8s.io/v1beta1", "IngressClass", 19, 22, "networking.k8s.io/v1"),
    row!("rbac.authorization.k8s.io/v1beta1", "ClusterRole", 17, 22, "rbac.authorization.k8s.io/v1"),
    row!("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding", 17, 22, "rbac.authorization.k8s.io/v1"),
    row!("rbac.authorization.k8s.io/v1beta1", "Role", 17, 22, "rbac.authorization.k8s.io/v1"),
    row!("rbac.authorization.k8s.io/v1beta1", "RoleBinding", 17, 22, "rbac.authorization.k8s.io/v1"),
    row!("rbac.authorization.k8s.io/v1alpha1", "ClusterRole", 17, 22, "rbac.authorization.k8s.io/v1"),
    row!("rbac.authorization.k8s.io/v1alpha1", "ClusterRoleBinding", 17, 22, "rbac.authorization.k8s.io/v1"),
    row!("rbac.authorization.k8s.io/v1alpha1", "Role", 17, 22, "rbac.authorization.k8s.io/v1"),
    row!("rbac.authorization.k8s.io/v1alpha1", "RoleBinding", 17, 22, "rbac.authorization.k8s.io/v1"),
    row!("scheduling.k8s.io/v1beta1", "PriorityClass", 14, 22, "scheduling.k8s.io/v1"),
    row!("scheduling.k8s.io/v1alpha1", "PriorityClass", 14, 22, "scheduling.k8s.io/v1"),
    row!("storage.k8s.io/v1beta1", "CSIDriver", 19, 22, "storage.k8s.io/v1"),
    row!("storage.k8s.io/v1beta1", "CSINode", 17, 22, "storage.k8s.io/v1"),
    row!("storage.k8s.io/v1beta1", "StorageClass", 19, 22, "storage.k8s.io/v1"),
    row!("storage.k8s.io/v1beta1", "VolumeAttachment", 19, 22, "storage.k8s.io/v1"),
    // Removed in 1.25
    row!("batch/v1beta1", "CronJob", 21, 25, "batch/v1"),
    row!("discovery.k8s.io/v1beta1", "EndpointSlice", 21, 25, "discovery.k8s.io/v1"),
    row!("events.k8s.io/v1beta1", "Event", 22, 25, "events.k8s.io/v1"),
    row!("autoscaling/v2beta1", "HorizontalPodAutoscaler", 22, 25, "autoscaling/v2"),
    row!("policy/v1beta1", "PodDisruptionBudget", 21, 25, "policy/v1"),
    ApiChange {
        api_version: "policy/v1beta1",
        kind: "PodSecurityPolicy",
        deprecated_in: v(21),
        removed_in: Some(v(25)),
        replacement: None,
        note: Some("use Pod Security Admission (namespace labels `pod-security.kubernetes.io/*`) or a policy engine"),
    },
    row!("node.k8s.io/v1beta1", "RuntimeClass", 22, 25, "node.k8s.io/v1"),
    // Removed in 1.26
    row!("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", 23, 26, "flowcontrol.apiserver.k8s.io/v1"),
    row!("flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration", 23, 26, "flowcontrol.apiserver.k8s.io/v1"),
    row!("autoscaling/v2beta2", "HorizontalPodAutoscaler", 23, 26, "autoscaling/v2"),
    // Removed in 1.27
    row!("storage.k8s.io/v1beta1", "CSIStorageCapacity", 24, 27, "storage.k8s.io/v1"),
    // Removed in 1.29
    row!("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema", 26, 29, "flowcontrol.apiserver.k8s.io/v1"),
    row!("flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration", 26, 29, "flowcontrol.apiserver.k8s.io/v1"),
    // Removed in 1.32
    row!("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", 29, 32, "flowcontrol.apiserver.k8s.io/v1"),
    row!("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration", 29, 32, "flowcontrol.apiserver.k8s.io/v1"),
    // Deprecated, still served
    ApiChange {
        api_version: "v1",
        kind: "Endpoints",
        deprecated_in: v(33),
        removed_in: None,
        replacement: Some("discovery.k8s.io/v1 EndpointSlice"),
        note: None,
    },
    ApiChange {
        api_version: "v1",
        kind: "ComponentStatus",
        deprecated_in: v(19),
        removed_in: None,
        replacement: None,
        note: Some("it is read-only status and does not belong in a manifest"),
    },
];

/// Is `kind` at `api_version` deprecated or removed at `target`?
pub fn deprecation(api_version: &str, kind: &str, target: KubeVersion) -> Option<Deprecation> {
    let c = API_CHANGES
        .iter()
        .find(|c| c.api_version == api_version && c.kind == kind)?;
    let (removed, since) = match c.removed_in {
        Some(r) if target >= r => (true, r),
        _ if target >= c.deprecated_in => (false, c.deprecated_in),
        _ => return None,
    };
    Some(Deprecation {
        removed,
        since,
        replacement: c.replacement,
        note: c.note,
        change: c,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removed_and_deprecated() {
        let d = deprecation("networking.k8s.io/v1beta1", "Ingress", v(31)).unwrap();
        assert!(d.removed);
        assert_eq!(d.since, v(22));
        assert_eq!(d.replacement, Some("networking.k8s.io/v1"));
        assert_eq!(
            d.message(),
            "networking.k8s.io/v1beta1 Ingress was removed in Kubernetes 1.22; use networking.k8s.io/v1"
        );
        let d = deprecation("autoscaling/v2beta2", "HorizontalPodAutoscaler", v(25)).unwrap();
        assert!(!d.removed);
        assert_eq!(d.since, v(23));
        assert!(d.message().contains("removed in 1.26"));
        assert!(
            deprecation("autoscaling/v2beta2", "HorizontalPodAutoscaler", v(26))
                .unwrap()
                .removed
        );
        assert!(
            deprecation("policy/v1beta1", "PodDisruptionBudget", v(25))
                .unwrap()
                .removed
        );
        assert!(
            deprecation("batch/v1beta1", "CronJob", v(25))
                .unwrap()
                .removed
        );
        assert!(deprecation("apps/v1", "Deployment", v(31)).is_none());
        assert!(
            deprecation("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", v(31))
                .is_some_and(|d| !d.removed)
        );
        let psp = deprecation("policy/v1beta1", "PodSecurityPolicy", v(30)).unwrap();
        assert!(psp.message().contains("Pod Security Admission"));
        assert!(deprecation("v1", "Endpoints", v(32)).is_none());
        assert!(deprecation("v1", "Endpoints", v(33)).is_some_and(|d| !d.removed));
    }

    #[test]
    fn table_is_consistent() {
        for c in API_CHANGES {
            if let Some(r) = c.removed_in {
                assert!(c.deprecated_in < r, "{} {}", c.api_version, c.kind);
            }
            assert!(c.replacement.is_some() || c.note.is_some());
        }
    }
}
