//! Find the files to lint: a parallel, gitignore-aware walk.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use globset::GlobSet;
use ignore::{WalkBuilder, WalkState};

use crate::config::{build_globset, Config};
use crate::fsread::ReadError;

#[derive(Debug, Default)]
pub struct Discovered {
    /// Files to read, relative to the root, sorted.
    pub files: Vec<String>,
    /// Helm chart templates skipped.
    pub helm_templates: usize,
    /// Symlinks not followed because they leave the root.
    pub skipped_symlinks: usize,
    /// Files and directories that could not be walked or are not to be read
    /// (symlinks out of the root, unreadable directories), relative to the root.
    pub unreadable: Vec<(String, ReadError)>,
    /// Every entry the walk visited, wanted or not (directories end in `/`),
    /// sorted: what exists decides findings too (a missing resource, an
    /// Application path), so the cache compares it.
    pub listing: Vec<String>,
}

/// Nearest directory at or above `start` holding `.git` or `.ftlint.yaml`.
pub fn project_root(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    let mut dir = if start.is_file() {
        start.parent()?.to_path_buf()
    } else {
        start
    };
    loop {
        if dir.join(".git").exists() || dir.join(crate::config::FILE_NAME).is_file() {
            return Some(dir);
        }
        if !dir.pop() {
            return None;
        }
    }
}

pub fn is_kustomization_name(name: &str) -> bool {
    matches!(
        name,
        "kustomization.yaml" | "kustomization.yml" | "Kustomization"
    )
}

/// Walk `paths` (directories or files) under `root`.
pub fn discover(
    root: &Path,
    paths: &[PathBuf],
    config: &Config,
    jobs: usize,
) -> Result<Discovered, String> {
    let include = build_globset(&config.include).map_err(|e| e.to_string())?;
    let exclude = build_globset(&config.exclude).map_err(|e| e.to_string())?;
    let root = std::fs::canonicalize(root).map_err(|e| format!("{}: {e}", root.display()))?;
    let found = Mutex::new(Vec::new());
    let skipped_symlinks = Mutex::new(0usize);
    let unreadable = Mutex::new(Vec::new());
    let listing = Mutex::new(Vec::new());
    for start in paths {
        let start =
            std::fs::canonicalize(start).map_err(|e| format!("{}: {e}", start.display()))?;
        let walker = WalkBuilder::new(&start)
            .follow_links(true)
            .require_git(false)
            .threads(jobs)
            .build_parallel();
        walker.run(|| {
            let root = &root;
            let found = &found;
            let skipped = &skipped_symlinks;
            let unreadable = &unreadable;
            let listing = &listing;
            let include = &include;
            let exclude = &exclude;
            Box::new(move |entry| {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(err) => {
                        // An unreadable directory or file is reported, never skipped
                        // silently; loops and dangling links have nothing to read.
                        if let Some((path, error)) = walk_error(&err) {
                            if let Ok(rel) = path.strip_prefix(root) {
                                let rel = rel.to_string_lossy().replace('\\', "/");
                                if !rel.is_empty() && !exclude.is_match(&rel) {
                                    unreadable.lock().unwrap().push((rel, error));
                                }
                            }
                        }
                        return WalkState::Continue;
                    }
                };
                let path = entry.path();
                let Ok(rel) = path.strip_prefix(root) else {
                    return WalkState::Continue;
                };
                let rel = rel.to_string_lossy().replace('\\', "/");
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                if entry.path_is_symlink() {
                    match std::fs::canonicalize(path) {
                        Ok(target) if target.starts_with(root) => {}
                        Ok(_) => {
                            // Argo CD refuses a repository with out-of-bounds symlinks.
                            *skipped.lock().unwrap() += 1;
                            if (is_dir || wanted(&rel, include, exclude)) && !exclude.is_match(&rel)
                            {
                                unreadable
                                    .lock()
                                    .unwrap()
                                    .push((rel, ReadError::OutsideRoot));
                            }
                            return WalkState::Skip;
                        }
                        Err(_) => {
                            *skipped.lock().unwrap() += 1;
                            return WalkState::Skip;
                        }
                    }
                }
                // Non-regular files (FIFO, socket, device) are kept: the reader
                // refuses them without opening them and they are reported.
                if is_dir {
                    listing.lock().unwrap().push(format!("{rel}/"));
                    return WalkState::Continue;
                }
                if wanted(&rel, include, exclude) {
                    found.lock().unwrap().push(rel.clone());
                }
                listing.lock().unwrap().push(rel);
                WalkState::Continue
            })
        });
    }
    let mut files = found.into_inner().unwrap();
    files.sort();
    files.dedup();
    let before = files.len();
    let charts = chart_dirs(&root, &files);
    files.retain(|f| !is_helm_template(f, &charts));
    let mut unreadable = unreadable.into_inner().unwrap();
    unreadable.sort_by(|a, b| a.0.cmp(&b.0));
    unreadable.dedup_by(|a, b| a.0 == b.0);
    let mut listing = listing.into_inner().unwrap();
    listing.sort_unstable();
    listing.dedup();
    Ok(Discovered {
        listing,
        helm_templates: before - files.len(),
        files,
        skipped_symlinks: skipped_symlinks.into_inner().unwrap(),
        unreadable,
    })
}

/// The path and reason of a walk error worth reporting (permission, I/O);
/// `None` for loops and entries that vanished or dangle.
fn walk_error(err: &ignore::Error) -> Option<(PathBuf, ReadError)> {
    match err {
        ignore::Error::WithPath { path, err } => {
            let io = err.io_error()?;
            match ReadError::from(std::io::Error::new(io.kind(), io.to_string())) {
                ReadError::NotFound => None,
                error => Some((path.clone(), error)),
            }
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(err)
        }
        ignore::Error::Partial(errs) => errs.iter().find_map(walk_error),
        _ => None,
    }
}

fn wanted(rel: &str, include: &GlobSet, exclude: &GlobSet) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let included = include.is_match(rel) || include.is_match(name) || is_kustomization_name(name);
    included && !exclude.is_match(rel)
}

/// Directories holding a `Chart.yaml` (discovered or on disk).
fn chart_dirs(root: &Path, files: &[String]) -> Vec<String> {
    let mut dirs: Vec<String> = files
        .iter()
        .filter(|f| f.ends_with("Chart.yaml") && (f.len() == 10 || f.ends_with("/Chart.yaml")))
        .map(|f| {
            f.trim_end_matches("Chart.yaml")
                .trim_end_matches('/')
                .to_string()
        })
        .collect();
    // Chart.yaml is not matched by custom include globs that only list manifests; look on disk too.
    for f in files {
        if let Some(idx) = f
            .find("/templates/")
            .or_else(|| f.starts_with("templates/").then_some(0))
        {
            let dir = &f[..idx];
            if !dirs.iter().any(|d| d == dir) && root.join(dir).join("Chart.yaml").is_file() {
                dirs.push(dir.to_string());
            }
        }
    }
    dirs
}

fn is_helm_template(file: &str, charts: &[String]) -> bool {
    charts.iter().any(|dir| {
        let prefix = if dir.is_empty() {
            "templates/".to_string()
        } else {
            format!("{dir}/templates/")
        };
        file.starts_with(&prefix)
    })
}

/// The smallest directory enclosing `dir` and everything its kustomization
/// reaches through local `resources`, `bases` and `components` (read from disk).
/// `ftlint render` uses it when `dir` is in no project, as `kustomize build` would
/// read `../../base` from anywhere.
pub fn kustomize_closure_root(dir: &Path) -> PathBuf {
    let Ok(start) = std::fs::canonicalize(dir) else {
        return dir.to_path_buf();
    };
    let mut root = start.clone();
    let mut queue = vec![start];
    let mut seen = std::collections::HashSet::new();
    while let Some(d) = queue.pop() {
        if !seen.insert(d.clone()) || seen.len() > 10_000 {
            continue;
        }
        let Some(text) = ["kustomization.yaml", "kustomization.yml", "Kustomization"]
            .iter()
            .find_map(|n| std::fs::read_to_string(d.join(n)).ok())
        else {
            continue;
        };
        let parsed = crate::yaml::parse(&text, crate::yaml::FileId(0));
        let Some(doc) = parsed.documents.first() else {
            continue;
        };
        for key in ["resources", "bases", "components"] {
            for item in doc
                .root
                .get(key)
                .map(crate::yaml::Node::items)
                .unwrap_or(&[])
            {
                let Some(rel) = item.as_str().filter(|r| !r.contains("://")) else {
                    continue;
                };
                let Ok(target) = std::fs::canonicalize(d.join(rel)) else {
                    continue;
                };
                while !target.starts_with(&root) {
                    if !root.pop() {
                        break;
                    }
                }
                if target.is_dir() {
                    queue.push(target);
                }
            }
        }
    }
    root
}
