//! Which repository URLs are "this repository": the config's
//! `gitops.repoURLs`, else the checkout's git remotes, else inferred from the
//! Applications whose paths exist in the tree.

use std::collections::BTreeSet;
use std::path::Path;

use super::{templated, url, App};

/// Identities ([`url::repo_key`]) of this repository and where they come
/// from: `config`, `git remote`, or `none`.
pub fn configured(repo_urls: &[String], root: &Path) -> (Vec<String>, &'static str) {
    if !repo_urls.is_empty() {
        let keys = repo_urls.iter().filter_map(|u| url::repo_key(u)).collect();
        return (keys, "config");
    }
    let remotes: Vec<String> = url::git_remote_urls(root)
        .iter()
        .filter_map(|u| url::repo_key(u))
        .collect();
    if remotes.is_empty() {
        (Vec::new(), "none")
    } else {
        (remotes, "git remote")
    }
}

/// Without configured or remote URLs: a repoURL one of whose Application
/// paths exists in the tree is this repository.
pub fn inferred<'a>(apps: impl Iterator<Item = &'a App>, root: &Path) -> Vec<String> {
    let mut out = BTreeSet::new();
    for app in apps {
        for s in &app.sources {
            let (Some(u), Some(p)) = (&s.repo_url, &s.path) else {
                continue;
            };
            if p.is_empty() || templated(p) || templated(&u.value) {
                continue;
            }
            // One stat per repository URL, not per Application.
            if let Some(k) = url::repo_key(&u.value) {
                if !out.contains(&k) && root.join(p).is_dir() {
                    out.insert(k);
                }
            }
        }
    }
    out.into_iter().collect()
}
