//! ApplicationSet expansion on the real repositories of `../shared/corpus`
//! (skipped with a message when absent): every ApplicationSet is either
//! expanded or its not-expandable generators are counted, and every one is
//! checked. `cargo test --test argocd_corpus -- --ignored --nocapture`
//! prints the per-repository table.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ftlint::config::Config;
use ftlint::repo::Repo;

fn corpus_dir() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    ["../shared/corpus", "../../shared/corpus"]
        .iter()
        .map(|p| here.join(p))
        .find(|p| p.is_dir())
}

#[test]
#[ignore = "reads the whole corpus; run with --ignored"]
fn applicationsets_expanded_or_counted() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("skipping: ../shared/corpus is absent");
        return;
    };
    let mut repos: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    repos.sort();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    println!("repo | ApplicationSets | fully expanded | template checked as written | generated Applications | template-only Applications");
    for root in repos {
        let repo = Repo::load(
            &root,
            std::slice::from_ref(&root),
            Config::default(),
            None,
            1,
        )
        .unwrap();
        let m = repo.argocd();
        if m.appsets.is_empty() {
            continue;
        }
        let full = m
            .appsets
            .iter()
            .filter(|s| s.not_expandable.is_empty())
            .count();
        for s in &m.appsets {
            for n in &s.not_expandable {
                *kinds.entry(n.kind.to_string()).or_default() += 1;
            }
        }
        let template_only = m
            .apps
            .iter()
            .filter(|a| matches!(a.origin, ftlint::argocd::Origin::Template { .. }))
            .count();
        // ApplicationSets that yield no Application at all (every element
        // filtered out, or a pattern matching nothing: reported by path-missing).
        let empty: Vec<&str> = m
            .appsets
            .iter()
            .enumerate()
            .filter(|(i, _)| !m.apps.iter().any(|a| a.appset() == Some(*i)))
            .map(|(_, s)| s.name.as_str())
            .collect();
        println!(
            "{} | {} | {} | {} | {} | {} | no Application: {empty:?}",
            root.file_name().unwrap().to_string_lossy(),
            m.appsets.len(),
            full,
            m.appsets.len() - full,
            m.generated_apps() - template_only,
            template_only
        );
    }
    println!("\nnot expandable, by generator: {kinds:?}");
}
