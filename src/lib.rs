//! ftlint: a policy linter and pre-commit validator for GitOps repositories.

pub mod yaml;
