//! ftlint: a policy linter and pre-commit validator for GitOps repositories.

pub mod diagnostic;
pub mod kustomize;
pub mod model;
pub mod source;
pub mod yaml;
