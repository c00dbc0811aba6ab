//! Paths as each audience needs them: relative to the repository root for
//! machines (SARIF, GitHub, JUnit, JSON), to the current directory for people.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default)]
pub struct PathMap {
    /// The loaded directory relative to the repository root, `/` separated, or empty.
    pub root_in_repo: String,
    /// The loaded directory and the current directory (both canonical), for
    /// paths shown to people; `None`: shown relative to the loaded directory.
    pub cwd: Option<(PathBuf, PathBuf)>,
    /// The repository root, absolute (SARIF's `SRCROOT`).
    pub repo_root: Option<PathBuf>,
}

impl PathMap {
    pub fn repo_path(&self, rel: &str) -> String {
        if self.root_in_repo.is_empty() {
            rel.to_string()
        } else {
            format!("{}/{rel}", self.root_in_repo)
        }
    }

    pub fn display_path(&self, rel: &str) -> String {
        match &self.cwd {
            None => rel.to_string(),
            Some((root, cwd)) => {
                let shown = relative_path(cwd, &root.join(rel));
                shown.to_string_lossy().replace('\\', "/")
            }
        }
    }
}

/// `to` relative to the directory `from` (both absolute), with `..` where needed.
pub fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to_c: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to_c).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to_c[common..] {
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(relative_path(&p("/a/b"), &p("/a/b/c.yaml")), p("c.yaml"));
        assert_eq!(
            relative_path(&p("/a/b/x"), &p("/a/b/c/d.yaml")),
            p("../c/d.yaml")
        );
        assert_eq!(relative_path(&p("/"), &p("/a.yaml")), p("a.yaml"));
    }

    #[test]
    fn repo_and_display_paths() {
        let map = PathMap {
            root_in_repo: "gitops".into(),
            cwd: Some((PathBuf::from("/r/gitops"), PathBuf::from("/r/gitops/apps"))),
            repo_root: Some(PathBuf::from("/r")),
        };
        assert_eq!(map.repo_path("apps/a.yaml"), "gitops/apps/a.yaml");
        assert_eq!(map.display_path("apps/a.yaml"), "a.yaml");
        assert_eq!(map.display_path("base/b.yaml"), "../base/b.yaml");
    }
}
