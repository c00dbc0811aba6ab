//! Where a run's repository is, which part of it is reported, and how its
//! paths are shown.
//!
//! - The repository root is the git work tree holding the first path, or,
//!   outside any work tree, the path's own directory (a file's parent).
//! - Inside a work tree, the tree that is loaded (the project) is the topmost
//!   directory between the path and the work tree root that holds a
//!   `.ftlint.yaml`, else the work tree root: linting a subfolder, or files as
//!   pre-commit passes them, sees the same objects as linting the whole tree.
//! - Paths given on the command line narrow what is reported, never what is loaded.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::config::FILE_NAME;

#[derive(Debug, Clone)]
pub struct Scope {
    /// The directory every file path of the run is relative to (the project).
    pub root: PathBuf,
    /// The repository root (git work tree, else `root`).
    pub repo_root: PathBuf,
    /// What the walk starts from.
    pub walk: Vec<PathBuf>,
    /// Paths given explicitly, relative to `root`: report only findings in or
    /// about them (files match exactly, directories by prefix).
    pub only: Option<Only>,
}

#[derive(Debug, Clone, Default)]
pub struct Only {
    pub files: BTreeSet<String>,
    pub dirs: Vec<String>,
}

impl Scope {
    /// The paths reported on, for messages.
    pub fn describe(&self) -> String {
        match &self.only {
            None => self.root.display().to_string(),
            Some(only) => only
                .files
                .iter()
                .chain(&only.dirs)
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

impl Only {
    pub fn contains(&self, path: &str) -> bool {
        self.files.contains(path)
            || self.dirs.iter().any(|d| {
                path.strip_prefix(d.as_str())
                    .is_some_and(|r| r.starts_with('/'))
            })
    }
}

/// The nearest directory at or above `start` holding `.git` (a directory, or
/// the file of a linked work tree).
pub fn git_root(start: &Path) -> Option<PathBuf> {
    let mut dir = start.to_path_buf();
    loop {
        if dir.join(".git").exists() {
            return Some(dir);
        }
        if !dir.pop() {
            return None;
        }
    }
}

fn directory_of(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    }
}

/// The project of `start` (canonical) and the repository root: see the module
/// docs. `bare`: neither a work tree nor a config holds it, so there is no
/// repository around the path to load.
fn project_root(start: &Path) -> (PathBuf, PathBuf, bool) {
    let dir = directory_of(start);
    match git_root(&dir) {
        Some(work_tree) => {
            let mut topmost = None;
            let mut d = dir.clone();
            loop {
                if d.join(FILE_NAME).is_file() {
                    topmost = Some(d.clone());
                }
                if d == work_tree || !d.pop() {
                    break;
                }
            }
            (
                topmost.unwrap_or_else(|| work_tree.clone()),
                work_tree,
                false,
            )
        }
        None => {
            // No work tree: the nearest config upward, else the path's own directory.
            let mut d = dir.clone();
            loop {
                if d.join(FILE_NAME).is_file() {
                    return (d.clone(), d, false);
                }
                if !d.pop() {
                    return (dir.clone(), dir, true);
                }
            }
        }
    }
}

pub fn resolve(paths: &[PathBuf]) -> Result<Scope, String> {
    let canonical: Vec<PathBuf> = paths
        .iter()
        .map(|p| std::fs::canonicalize(p).map_err(|e| format!("{}: {e}", p.display())))
        .collect::<Result<_, _>>()?;
    let (root, repo_root, bare) = project_root(&canonical[0]);
    let mut only = Only::default();
    let mut whole = false;
    for p in &canonical {
        match p.strip_prefix(&root) {
            Ok(rel) if rel.as_os_str().is_empty() => whole = true,
            Ok(rel) => {
                let rel = slash(rel);
                if p.is_dir() {
                    only.dirs.push(rel);
                } else {
                    only.files.insert(rel);
                }
            }
            Err(_) => {
                return Err(format!(
                    "{} is outside the repository of {} ({}); lint it in a separate run",
                    p.display(),
                    paths[0].display(),
                    root.display()
                ))
            }
        }
    }
    Ok(Scope {
        // A named file outside any repository is read alone, not with its neighbours.
        walk: if bare { canonical } else { vec![root.clone()] },
        root,
        repo_root,
        only: (!whole).then_some(only),
    })
}

pub fn slash(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_matches_files_and_directory_prefixes() {
        let only = Only {
            files: ["a/b.yaml".to_string()].into(),
            dirs: vec!["apps/web".into()],
        };
        assert!(only.contains("a/b.yaml"));
        assert!(only.contains("apps/web/base/d.yaml"));
        assert!(!only.contains("apps/webhook/d.yaml"));
        assert!(!only.contains("a/c.yaml"));
    }
}
