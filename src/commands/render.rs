//! `ftlint render DIR`: the rendered Kustomize output, like `kustomize build`.

use std::path::Path;

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::config::Config;
use crate::diagnostic::Severity;
use crate::{discover, kustomize, repo, report};

pub fn run(dir: &Path) -> u8 {
    if !dir.is_dir() {
        eprintln!("error: {} is not a directory", dir.display());
        return EXIT_USAGE;
    }
    let root = discover::project_root(dir).unwrap_or_else(|| discover::kustomize_closure_root(dir));
    let repo = match repo::Repo::load(
        &root,
        std::slice::from_ref(&root),
        Config::default(),
        None,
        0,
    ) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let rel = repo
        .sources
        .relative(&std::fs::canonicalize(dir).unwrap_or(dir.to_path_buf()));
    if kustomize::kustomization_file(&repo.sources, &rel).is_none() {
        eprintln!("error: {} has no kustomization.yaml", dir.display());
        return EXIT_USAGE;
    }
    let rendered = kustomize::render(&repo.sources, &rel);
    let mut failed = false;
    for d in &crate::rules::kustomize::findings(&rendered.events) {
        let r = report::region(&repo, d.span);
        eprintln!(
            "{}:{}:{}: {}[{}] {}",
            report::path(&repo, d.span),
            r.start.line,
            r.start.column,
            d.severity.as_str(),
            d.rule,
            d.message
        );
        failed |= d.severity == Severity::Error;
    }
    print!("{}", kustomize::to_yaml(&rendered.objects));
    if failed {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
