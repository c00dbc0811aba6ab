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

use std::ops::Range;

use rayon::prelude::*;

use super::codec::{self, Reader, Strings, StringsBuilder, Writer};
use crate::discover::Discovered;
use crate::fsread::{self, Reference, Stamp, StatDir};

/// Bumped whenever the snapshot's layout or meaning changes.
const FORMAT: u32 = 2;

const MAGIC: &[u8; 8] = b"FTLCWALK";

/// A directory row: path (string index), unused, stamp.
const DIR_ROW: usize = 4 + 4 + 40;

/// Ignore files a walk reads in each directory it visits.
const IGNORE_FILES: [&str; 2] = [".gitignore", ".ignore"];

/// A snapshot as taken, to store.
pub struct Snapshot {
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
            key: key(root, starts),
            dirs,
            probes,
            nested,
            walk,
        })
    }

    /// The file: `key | strings | dirs | probes | nested | walk globs |
    /// walk digest`.
    pub fn encode(&self) -> Vec<u8> {
        let mut strings = StringsBuilder::default();
        let mut dirs = Writer::default();
        dirs.u32(self.dirs.len() as u32);
        for (rel, stamp) in &self.dirs {
            dirs.u32(strings.intern(rel));
            dirs.u32(0);
            for v in stamp {
                dirs.i64(*v);
            }
        }
        let mut w = Writer::default();
        w.str(&self.key);
        strings.write(&mut w);
        w.bytes(&dirs.into_body());
        w.u32(self.probes.len() as u32);
        for (path, row) in &self.probes {
            w.str(path);
            w.bool(row.is_some());
            for v in row.iter().flatten() {
                w.i64(*v);
            }
        }
        w.u32(self.nested.len() as u32);
        for n in &self.nested {
            w.str(n);
        }
        w.str(&self.walk.0);
        w.str(&self.walk.1);
        w.finish(MAGIC, FORMAT)
    }
}

/// A stored snapshot, read from its bytes.
pub struct Stored {
    file: Vec<u8>,
    key: String,
    strings: Range<usize>,
    dirs: Range<usize>,
    probes: Vec<(String, Option<[i64; 5]>)>,
    /// Directories holding a nested `.ftlint.yaml`.
    pub nested: Vec<String>,
    /// The include/exclude globs of the discovery walk, and its digest.
    pub walk: (String, String),
}

impl Stored {
    /// `None` for anything but a whole snapshot of this format.
    pub fn open(file: Vec<u8>) -> Option<Stored> {
        let body = codec::open(&file, MAGIC, FORMAT).ok()?;
        let mut r = Reader::new(body);
        let key = r.str()?.to_string();
        let at = r.pos();
        Strings::read(&mut r)?;
        let strings = codec::BODY_AT + at..codec::BODY_AT + r.pos();
        let n = r.count(DIR_ROW)?;
        let at = r.pos();
        r.rows(n, DIR_ROW)?;
        let dirs = codec::BODY_AT + at..codec::BODY_AT + r.pos();
        let mut probes = Vec::new();
        for _ in 0..r.count(5)? {
            let path = r.str()?.to_string();
            let row = if r.bool()? {
                Some([r.i64()?, r.i64()?, r.i64()?, r.i64()?, r.i64()?])
            } else {
                None
            };
            probes.push((path, row));
        }
        let mut nested = Vec::new();
        for _ in 0..r.count(4)? {
            nested.push(r.str()?.to_string());
        }
        let walk = (r.str()?.to_string(), r.str()?.to_string());
        (r.pos() == body.len()).then_some(Stored {
            file,
            key,
            strings,
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
        if self.key != key(root, starts) {
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
        let Some(strings) = Strings::read(&mut Reader::new(&self.file[self.strings.clone()]))
        else {
            return false;
        };
        let bytes = &self.file[self.dirs.clone()];
        let at = StatDir::open(root);
        let dirs_same = bytes
            .par_chunks_exact(DIR_ROW)
            .with_min_len(256)
            .all(|row| {
                let row = codec::Row(row);
                strings
                    .c_str(row.u32(0))
                    .is_some_and(|rel| at.stamp_c(rel) == Some(Stamp::from_row(row.i64s(8))))
            });
        dirs_same
            && self
                .probes
                .par_iter()
                .all(|(path, row)| probe_row(Path::new(path)) == *row)
    }
}
