//! The persistent cache (`.ftlint_cache/` at the repository root).
//!
//! A run's findings are a function of what it read and what it saw exist, of
//! the configuration and flags, and of the ftlint binary. A cold run records
//! every file it reads (`fsread` records: identity stamp and content digest,
//! or the error), the environment variables the repository's content asked
//! for, and the discovery walk (every entry visited); it stores them with
//! its findings under a fingerprint of the configuration, flags and binary.
//!
//! A later run with the same fingerprint compares the walk — by directory
//! stamps when it can ([`walk`]), else by walking — and checks each recorded
//! read by `stat` (re-reading only files whose stamp moved, or that changed
//! too close to the recording run to trust their stamp). When nothing differs, the stored findings are the run's findings:
//! nothing is parsed, rendered or linted. Anything that differs — one byte,
//! a new or removed file, an unreadable or corrupt entry — and the run is a
//! cold run that writes a new entry. Entries are written atomically (a temp
//! file renamed), so concurrent runs each see a whole entry or none.

mod codec;
mod entry;
mod walk;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::discover::Discovered;
use crate::fsread::{self, Freshness, ReadError, ReadRecord, Reference};
use crate::repo::Repo;
use crate::source::{FileKind, Sources};
pub use entry::Entry;

/// The default cache directory name, at the repository root.
pub const DIR_NAME: &str = ".ftlint_cache";

const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This file is a cache directory tag created by ftlint.\n\
# For information about cache directory tags see https://bford.info/cachedir/\n";

/// A cached run from its first step: the cache directory, the run's
/// [`Reference`] (taken before anything is walked or read), and the walk
/// snapshot when the tree is as it saw it.
pub struct Session {
    dir: PathBuf,
    reference: Reference,
    root: PathBuf,
    starts: Vec<PathBuf>,
    snapshot: Option<walk::Stored>,
    /// The nested-config directories this run used.
    nested: OnceLock<Vec<String>>,
}

impl Session {
    /// Take the run's reference, then read the walk snapshot of `root` and
    /// check it against the tree.
    pub fn begin(dir: PathBuf, root: &Path, starts: &[PathBuf]) -> Session {
        let reference = take_reference(&dir);
        let snapshot = std::fs::read(snapshot_path(&dir, root, starts))
            .ok()
            .and_then(walk::Stored::open)
            .filter(|s| s.still_valid(root, starts));
        Session {
            dir,
            reference,
            root: root.to_path_buf(),
            starts: starts.to_vec(),
            snapshot,
            nested: OnceLock::new(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Directories below the root holding a `.ftlint.yaml`: the snapshot's
    /// when no directory changed, else [`crate::config::nested_configs`].
    pub fn nested_configs(&self) -> Vec<String> {
        self.nested
            .get_or_init(|| match &self.snapshot {
                Some(s) => s.nested.clone(),
                None => crate::config::nested_configs(&self.root),
            })
            .clone()
    }

    /// The discovery walk's digest without walking, when no directory
    /// changed and the walk keeps files by the same globs.
    pub fn known_walk(&self, config: &Config) -> Option<&str> {
        let params = walk::walk_params(&config.include, &config.exclude);
        self.snapshot
            .as_ref()
            .filter(|s| s.walk.0 == params)
            .map(|s| s.walk.1.as_str())
    }

    /// After a walk: store its snapshot for the next run (unless the valid
    /// one already says the same). Whether one was written.
    pub fn save_walk(&self, config: &Config, found: &Discovered, digest: &str) -> bool {
        if self.known_walk(config) == Some(digest) {
            return false;
        }
        let Some(nested) = self.nested.get() else {
            // `--config FILE`: the nested configs were not looked for.
            return false;
        };
        let params = walk::walk_params(&config.include, &config.exclude);
        let Some(snapshot) = walk::Snapshot::take(
            &self.root,
            &self.starts,
            self.reference,
            nested.clone(),
            found,
            (params, digest.to_string()),
        ) else {
            return false;
        };
        write_atomically(
            &self.dir,
            &snapshot_path(&self.dir, &self.root, &self.starts),
            &snapshot.encode(),
        )
        .is_ok()
    }
}

fn snapshot_path(dir: &Path, root: &Path, starts: &[PathBuf]) -> PathBuf {
    dir.join(format!("walk-{}.bin", &walk::key(root, starts)[..16]))
}

/// The run's reference: the mtime of a file created in the cache directory
/// now, before anything is walked or read. Without a writable cache
/// directory the clock is used, with the margin of another device.
fn take_reference(dir: &Path) -> Reference {
    prepare_dir(dir)
        .and_then(|()| tempfile::NamedTempFile::new_in(dir))
        .and_then(|marker| marker.as_file().metadata())
        .map(|meta| Reference::of(&meta))
        .unwrap_or(Reference {
            dev: u64::MAX,
            ns: now_ns(),
        })
}

/// One cache entry slot: the session and the fingerprint of this run's
/// configuration, flags and binary.
pub struct Cache<'a> {
    session: &'a Session,
    fingerprint: String,
}

fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}

/// Identity of the running binary: a rebuilt ftlint never trusts entries of
/// another build, whatever its version says.
fn binary_identity() -> String {
    let exe = std::env::current_exe().ok();
    let stamp = exe
        .as_ref()
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| fsread::Stamp::of(&m));
    format!(
        "ftlint {} entry {} binary {:?}",
        env!("CARGO_PKG_VERSION"),
        entry::FORMAT,
        stamp.map(|s| (s.size, s.mtime_ns, s.ino))
    )
}

/// Names under each `--schema-dir` (two levels, as the registry reads them):
/// a schema file added there changes the fingerprint.
fn schema_dir_listing(dirs: &[PathBuf]) -> Vec<String> {
    let mut out = Vec::new();
    for dir in dirs {
        let mut stack = vec![(dir.clone(), 0)];
        while let Some((d, depth)) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in rd.flatten() {
                out.push(e.path().to_string_lossy().into_owned());
                if depth < 2 && e.file_type().is_ok_and(|t| t.is_dir()) {
                    stack.push((e.path(), depth + 1));
                }
            }
        }
    }
    out.sort();
    out
}

/// Everything besides the files read that decides the findings, as text.
pub fn fingerprint(settings_digest: &str, schema_dirs: &[PathBuf]) -> String {
    fsread::digest(
        format!(
            "{}\n{settings_digest}\n{:?}",
            binary_identity(),
            schema_dir_listing(schema_dirs)
        )
        .as_bytes(),
    )
}

/// Digest of the discovery walk: entries visited, files kept, what was refused.
pub fn walk_digest(found: &Discovered) -> String {
    let mut text = String::with_capacity(found.listing.len() * 48);
    for e in &found.listing {
        text.push_str(e);
        text.push('\n');
    }
    text.push('\0');
    for f in &found.files {
        text.push_str(f);
        text.push('\n');
    }
    for (path, error) in &found.unreadable {
        text.push_str(&format!("{path}\t{error}\n"));
    }
    text.push_str(&format!(
        "{} {}",
        found.helm_templates, found.skipped_symlinks
    ));
    fsread::digest(text.as_bytes())
}

impl Cache<'_> {
    pub fn new(session: &Session, fingerprint: String) -> Cache<'_> {
        Cache {
            session,
            fingerprint,
        }
    }

    fn entry_path(&self) -> PathBuf {
        self.session
            .dir
            .join(format!("check-{}.bin", &self.fingerprint[..16]))
    }

    /// `prepare`'s use of the stored entry when every input it recorded is
    /// unchanged (else why not); `walk` is the digest of this run's walk
    /// ([`walk_digest`]). `prepare` runs while the recorded reads are
    /// checked, and its result is dropped unless they all hold.
    pub fn lookup<T: Send>(
        &self,
        walk: &str,
        prepare: impl FnOnce(&Entry) -> T + Send,
    ) -> Result<T, &'static str> {
        let Ok(bytes) = std::fs::read(self.entry_path()) else {
            return Err("no entry");
        };
        let mut entry = match Entry::open(bytes) {
            Ok(entry) => entry,
            Err(codec::Refused::OtherFormat) => {
                return Err("entry of another configuration or version")
            }
            Err(codec::Refused::Unreadable) => return Err("unreadable entry (ignored)"),
        };
        if entry.fingerprint() != self.fingerprint {
            return Err("entry of another configuration or version");
        }
        if entry.walk() != walk {
            return Err("files added, removed or renamed");
        }
        if entry
            .env
            .iter()
            .any(|(name, value)| std::env::var(name).ok() != *value)
        {
            return Err("an environment variable read changed");
        }
        let (checked, prepared) = rayon::join(|| check_reads(&entry), || prepare(&entry));
        let restamped = checked?;
        if !restamped.is_empty() {
            // Same content under new stamps: vouch for them from now on.
            for (g, i, stamp) in restamped {
                entry.restamp(g, i, stamp);
            }
            entry.set_reference(self.session.reference);
            let _ = write_atomically(&self.session.dir, &self.entry_path(), entry.sealed_bytes());
        }
        Ok(prepared)
    }
    /// Store a run's findings with what it read (`reads` from
    /// [`fsread::take_reads`]) and its walk ([`walk_digest`]); whether it
    /// was written.
    pub fn store(
        &self,
        walk: String,
        repo: &Repo,
        diags: &[Diagnostic],
        argocd_stats: String,
        reads: (Vec<ReadRecord>, Vec<(String, Option<String>)>),
    ) -> bool {
        let (reads, env) = reads;
        let Some(bytes) = entry::encode(entry::Parts {
            fingerprint: &self.fingerprint,
            reference: self.session.reference,
            walk: &walk,
            reads,
            env,
            files: &repo.sources.files,
            stats: entry::stats_row(&repo.stats),
            argocd_stats: &argocd_stats,
            diagnostics: diags,
        }) else {
            return false;
        };
        write_atomically(&self.session.dir, &self.entry_path(), &bytes).is_ok()
    }
}

/// Check every recorded read of `entry`: `Err` when one changed, else the
/// rows whose content was verified under a new stamp (group, row, stamp).
fn check_reads(entry: &Entry) -> Result<Vec<(usize, usize, fsread::Stamp)>, &'static str> {
    let since = entry.reference;
    let mut restamped = Vec::new();
    for (g, group) in entry.groups.iter().enumerate() {
        // Most rows are settled and `stat` the same: nothing is built.
        let at = group.stat_dir();
        let rows = entry.read_rows(group);
        let checked: Vec<(usize, Freshness)> = (0..rows.len())
            .into_par_iter()
            .with_min_len(256)
            .filter_map(|i| {
                let raw = rows.get(i)?;
                if entry.unchanged_by_stat(raw, since, at.as_ref()) {
                    return None;
                }
                Some(match entry.read_row(raw) {
                    Some(row) => (i, group.record(&row).still_valid(since)),
                    None => (i, Freshness::Changed),
                })
            })
            .collect();
        for (i, fresh) in checked {
            match fresh {
                Freshness::Same => {}
                Freshness::Changed => return Err("a file changed"),
                Freshness::Restamped(record) => match record.seen {
                    fsread::Seen::Bytes { stamp, .. } => restamped.push((g, i, stamp)),
                    fsread::Seen::Error(_) => return Err("a file changed"),
                },
            }
        }
    }
    Ok(restamped)
}

/// Write `path` (in `dir`) through a temp file renamed over it, so a
/// concurrent run sees the whole file or none.
fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    prepare_dir(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Create the cache directory with its `CACHEDIR.TAG` and a `.gitignore`
/// that keeps it out of git (and out of ftlint's own walk).
fn prepare_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let tag = dir.join("CACHEDIR.TAG");
    if !tag.exists() {
        std::fs::write(tag, CACHEDIR_TAG)?;
    }
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(ignore, "# Created by ftlint automatically.\n*\n")?;
    }
    Ok(())
}

/// A stored run as a [`Repo`] that reports can read: every source file by
/// path and kind (no text yet, nothing parsed) and the stored counts, with
/// the stored findings. `None` when the entry does not fit.
pub fn replay(
    entry: &Entry,
    root: &Path,
    config: Config,
    cli_env: Option<String>,
) -> Option<(Repo, Vec<Diagnostic>)> {
    let root = std::fs::canonicalize(root).ok()?;
    let schemas =
        crate::schema::wiring::registry_for(config.kubernetes_version.as_deref(), config.strict)
            .ok()?;
    let mut sources = Sources::new(root);
    sources.reserve(entry.file_count());
    for file in entry.files() {
        let (path, kind, error) = file?;
        if kind == FileKind::Unreadable {
            sources.add_unreadable(
                path.to_string(),
                ReadError::Other(error.unwrap_or_default().to_string()),
            );
        } else {
            sources.add(path.to_string(), String::new(), kind);
        }
    }
    if sources.files.len() != entry.file_count() {
        return None;
    }
    let diags = entry.diagnostics()?;
    let repo = Repo {
        sources,
        units: Vec::new(),
        config,
        cli_env,
        app_namespaces: Default::default(),
        build_diagnostics: Vec::new(),
        render_events: Vec::new(),
        patch_files: Vec::new(),
        schemas,
        stats: entry::row_stats(entry.stats),
        seal_key: None,
        argocd: std::sync::OnceLock::new(),
        index: std::sync::OnceLock::new(),
    };
    Some((repo, diags))
}

/// Read the text of the files the findings shown point into, checking each
/// against the entry (its settled stamp, else the digest); `false` when one
/// differs (the caller then runs cold).
pub fn load_texts(entry: &Entry, repo: &mut Repo, diags: &[Diagnostic]) -> bool {
    let mut wanted: Vec<u32> = Vec::new();
    for d in diags {
        wanted.push(d.span.file.0);
        wanted.extend(d.related.iter().map(|r| r.span.file.0));
        if let Some(f) = &d.fix {
            wanted.extend(f.edits.iter().map(|e| e.span.file.0));
        }
    }
    wanted.sort_unstable();
    wanted.dedup();
    let root = repo.sources.root.to_string_lossy().into_owned();
    // Rows are stored sorted by path: a lookup per file wanted, not a map
    // of every row (a pre-commit run wants one).
    let groups: Vec<&entry::ReadGroup> = entry
        .groups
        .iter()
        .filter(|g| g.root.as_deref() == Some(root.as_str()))
        .collect();
    let recorded = |path: &str| {
        groups.iter().find_map(|g| {
            let row = entry.find_read(g, path)?;
            row.seen.ok()
        })
    };
    let Ok(reader) = fsread::RootReader::new(&repo.sources.root, repo.config.max_file_size) else {
        return false;
    };
    let files = &repo.sources.files;
    let texts: Vec<Option<(u32, String)>> = wanted
        .par_iter()
        .filter(|id| files[**id as usize].kind != FileKind::Unreadable)
        .map(|&id| {
            let path = &files[id as usize].path;
            let (stamp, digest) = recorded(path)?;
            let (bytes, seen) = reader.read_stamped(Path::new(path)).ok()?;
            // The stamp vouches only when it did for the recording run (the
            // reads are checked while this runs, so nothing newer is known).
            let same = (seen == stamp && stamp.settled(entry.reference))
                || codec::digest_bytes(&fsread::digest(&bytes)) == digest;
            same.then(|| (id, crate::repo::decode(&bytes).0))
        })
        .collect();
    for t in texts {
        let Some((id, text)) = t else {
            return false;
        };
        repo.sources.files[id as usize].text = text;
    }
    true
}
