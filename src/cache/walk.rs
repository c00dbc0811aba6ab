//! Directory stamps, so a warm run over an unchanged tree skips both walks
//! (the nested-config walk and discovery), as git's untracked cache does.
//!
//! Creating, removing or renaming an entry moves its directory's mtime and
//! ctime (a permission change moves the ctime), so when every directory a
//! walk visited has the stamp it had — settled before the recording run
//! began — the same walk lists the same names. What else decides a walk is
//! probed beside them: the ignore files in those directories and above the
//! root, each `.git`'s `info/exclude`, and git's global configs and excludes
//! file. Anything that differs, or was not settled, and the run walks.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::discover::Discovered;
use crate::fsread::{self, Reference, Stamp, StatDir};

/// Bumped whenever the snapshot's layout or meaning changes.
const FORMAT: u32 = 1;

/// Ignore files a walk reads in each directory it visits.
const IGNORE_FILES: [&str; 2] = [".gitignore", ".ignore"];

#[derive(Serialize, Deserialize)]
pub struct Snapshot {
    format: u32,
    /// The binary, root and walk starts it describes.
    key: String,
    /// Every directory walked, relative to the root (`""`: the root).
    dirs: Vec<(String, [i64; 5])>,
    /// Files whose content or absence decides what is ignored: a stamp, or
    /// `None` for a file that did not exist.
    probes: Vec<(String, Option<[i64; 5]>)>,
    /// Directories holding a nested `.ftlint.yaml` ([`crate::config::nested_configs`]).
    pub nested: Vec<String>,
    /// The include/exclude globs of the discovery walk, and its digest
    /// ([`super::walk_digest`]).
    pub walk: (String, String),
}

/// What a snapshot is of: the binary (a rebuilt ftlint may walk otherwise),
/// the root and where the walk starts.
pub fn key(root: &Path, starts: &[PathBuf]) -> String {
    fsread::digest(format!("{}\n{root:?}\n{starts:?}", super::binary_identity()).as_bytes())
}

/// The globs that decide which walked files are kept.
pub fn walk_params(include: &[String], exclude: &[String]) -> String {
    fsread::digest(format!("{include:?}\n{exclude:?}").as_bytes())
}

fn stamp_of(path: &Path) -> Option<Stamp> {
    std::fs::metadata(path).ok().map(|m| Stamp::of(&m))
}

/// Files besides each directory's ignore files that the walk reads, or
/// whose absence it relies on: ignore files above the root, `.git` and its
/// `info/exclude` (through a linked work tree's `gitdir:` and `commondir`),
/// and git's global configs and excludes file.
fn outer_probes(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut above = root.parent();
    while let Some(dir) = above {
        for name in IGNORE_FILES {
            out.push(dir.join(name));
        }
        out.push(dir.join(".git"));
        out.extend(git_excludes(dir));
        above = dir.parent();
    }
    out.extend(git_excludes(root));
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".config")));
    if let Some(home) = &home {
        out.push(home.join(".gitconfig"));
    }
    if let Some(xdg) = &xdg {
        out.push(xdg.join("git/config"));
        out.push(xdg.join("git/ignore"));
    }
    out.extend(ignore::gitignore::gitconfig_excludes_path());
    out
}

/// The `info/exclude` files of `dir/.git`, and what leads to them.
fn git_excludes(dir: &Path) -> Vec<PathBuf> {
    let git = dir.join(".git");
    let mut out = vec![git.join("info/exclude")];
    if git.is_file() {
        // A linked work tree or submodule: `gitdir: PATH`, then `commondir`.
        if let Some(gitdir) = std::fs::read_to_string(&git).ok().and_then(|t| {
            t.lines()
                .next()
                .and_then(|l| l.strip_prefix("gitdir:"))
                .map(|p| dir.join(p.trim()))
        }) {
            out.push(gitdir.join("info/exclude"));
            out.push(gitdir.join("commondir"));
            if let Ok(common) = std::fs::read_to_string(gitdir.join("commondir")) {
                out.push(gitdir.join(common.trim()).join("info/exclude"));
            }
        }
    }
    out
}

/// A probed path's row: its stamp; for a directory (a `.git`, whose stamp
/// moves with every commit) only that it is one; `None` when absent.
fn probe_row(path: &Path) -> Option<[i64; 5]> {
    let meta = std::fs::metadata(path).ok()?;
    Some(if meta.is_dir() {
        DIRECTORY
    } else {
        Stamp::of(&meta).row()
    })
}

const DIRECTORY: [i64; 5] = [-1; 5];

/// A walked directory's row and the ignore files found in it.
type StampedDir = ((String, [i64; 5]), Vec<PathBuf>);

fn probe(paths: Vec<PathBuf>) -> Vec<(String, Option<[i64; 5]>)> {
    paths
        .into_par_iter()
        .map(|p| {
            let row = probe_row(&p);
            (p.to_string_lossy().into_owned(), row)
        })
        .collect()
}

impl Snapshot {
    /// The snapshot of a walk that just ran (`found`, with `nested` from the
    /// nested-config walk), if everything it covers was settled before the
    /// run began (`reference`): a directory changed during the run may hold
    /// what the walk did not see.
    pub fn take(
        root: &Path,
        starts: &[PathBuf],
        reference: Reference,
        nested: Vec<String>,
        found: &Discovered,
        walk: (String, String),
    ) -> Option<Snapshot> {
        if starts != [root.to_path_buf()] {
            // A partial walk: the nested-config walk saw more than discovery.
            return None;
        }
        let mut rel_dirs: Vec<&str> = vec![""];
        rel_dirs.extend(
            found
                .listing
                .iter()
                .filter_map(|e| e.strip_suffix('/'))
                .filter(|d| !d.is_empty()),
        );
        let stamped: Vec<Option<StampedDir>> = rel_dirs
            .par_iter()
            .map(|rel| {
                let dir = root.join(rel);
                let stamp = stamp_of(&dir).filter(|s| s.settled(reference))?;
                let mut inner: Vec<PathBuf> = IGNORE_FILES
                    .iter()
                    .map(|n| dir.join(n))
                    .filter(|p| p.exists())
                    .collect();
                let git = dir.join(".git");
                if git.exists() {
                    inner.push(git);
                    inner.extend(git_excludes(&dir));
                }
                Some(((rel.to_string(), stamp.row()), inner))
            })
            .collect();
        let mut dirs = Vec::with_capacity(stamped.len());
        let mut probed = outer_probes(root);
        for s in stamped {
            let (dir, inner) = s?;
            dirs.push(dir);
            probed.extend(inner);
        }
        let probes = probe(probed);
        let settled = probes.iter().all(|(_, row)| match row {
            Some(row) if *row != DIRECTORY => Stamp::from_row(*row).settled(reference),
            _ => true,
        });
        settled.then(|| Snapshot {
            format: FORMAT,
            key: key(root, starts),
            dirs,
            probes,
            nested,
            walk,
        })
    }

    /// Whether the tree is as this snapshot saw it: same key, every
    /// directory and probe with its stamp, and the same outer probes
    /// (another `HOME` or git config points elsewhere).
    pub fn still_valid(&self, root: &Path, starts: &[PathBuf]) -> bool {
        if self.format != FORMAT || self.key != key(root, starts) {
            return false;
        }
        let outer = outer_probes(root);
        let outer: Vec<String> = outer
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        if !outer
            .iter()
            .all(|p| self.probes.iter().any(|(q, _)| q == p))
        {
            return false;
        }
        let at = StatDir::open(root);
        let dirs_same = self
            .dirs
            .par_iter()
            .all(|(rel, row)| at.stamp(rel) == Some(Stamp::from_row(*row)));
        dirs_same
            && self
                .probes
                .par_iter()
                .all(|(path, row)| probe_row(Path::new(path)) == *row)
    }
}
