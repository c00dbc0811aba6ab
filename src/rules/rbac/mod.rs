//! RBAC rules.

pub mod cluster_admin_binding;
pub mod rbac_wildcard;
