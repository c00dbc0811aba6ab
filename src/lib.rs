//! ftlint: a policy linter and pre-commit validator for GitOps repositories.
//!
//! Pipeline: discover → parse → index/render (units) → rules → suppress → report/fix.

pub mod argocd;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod engine;
pub mod env;
pub mod fix;
pub mod fsread;
pub mod index;
pub mod kustomize;
pub mod meta;
pub mod model;
pub mod pods;
pub mod provenance;
pub mod repo;
pub mod report;
pub mod rules;
pub mod schema;
pub mod seal;
pub mod source;
pub mod suggest;
pub mod suppress;
pub mod units;
pub mod yaml;

#[cfg(test)]
mod test_corpus;

pub use commands::{cli_main, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
