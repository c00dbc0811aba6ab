//! Writing fixed files safely (SPEC §7): through a symlink to its target,
//! keeping owner, group, mode, line endings and encoding; read-only files and
//! files changed since they were linted are skipped and reported; everything
//! is prepared (temp files written next to their targets) before the first
//! rename, so a file that cannot be written stops the run with nothing changed.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::Planned;
use crate::fsread;
use crate::repo::{decode, Repo};
use crate::yaml::FileId;

/// What was written and what was skipped (with a message naming the file).
#[derive(Debug, Default)]
pub struct WriteOutcome {
    pub written: Vec<FileId>,
    pub skipped: Vec<(FileId, String)>,
}

/// How the file's bytes encode its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
}

fn encoding_of(bytes: &[u8]) -> Encoding {
    if bytes.starts_with(&[0xFF, 0xFE]) {
        Encoding::Utf16Le
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        Encoding::Utf16Be
    } else {
        Encoding::Utf8
    }
}

fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf16Le => [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect(),
        Encoding::Utf16Be => [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect(),
    }
}

/// A file ready to be renamed into place.
struct Prepared {
    file: FileId,
    target: PathBuf,
    /// The bytes on disk when prepared (identical to what was linted).
    seen: Vec<u8>,
    tmp: tempfile::NamedTempFile,
}

enum Prep {
    Ready(Box<Prepared>),
    Skip(String),
}

/// Write every planned file. `Err` means nothing was written (a file could not
/// be prepared), or names the file where a rename failed and those already written.
pub fn write(repo: &Repo, planned: &Planned) -> Result<WriteOutcome, String> {
    let mut outcome = WriteOutcome::default();
    let mut ready = Vec::new();
    for (file, text) in &planned.files {
        let source = repo.sources.get(*file);
        match prepare(repo, *file, text).map_err(|e| {
            format!(
                "cannot write the fix of {}: {e}; no file was changed",
                source.path
            )
        })? {
            Prep::Ready(p) => ready.push(p),
            Prep::Skip(why) => outcome
                .skipped
                .push((*file, format!("{}: {why}", source.path))),
        }
    }
    for p in ready {
        let path = &repo.sources.get(p.file).path;
        // Last check right before the rename: a user's edit is never reverted.
        let now = fsread::read_bounded(&p.target, u64::MAX).ok();
        if now.as_deref() != Some(p.seen.as_slice()) {
            outcome.skipped.push((
                p.file,
                format!("{path}: changed during the run; fix not written"),
            ));
            continue;
        }
        if let Err(e) = p.tmp.persist(&p.target) {
            let done: Vec<&str> = outcome
                .written
                .iter()
                .map(|f| repo.sources.path(*f))
                .collect();
            return Err(format!(
                "cannot write {path}: {}; already written: {}",
                e.error,
                if done.is_empty() {
                    "none".to_string()
                } else {
                    done.join(", ")
                }
            ));
        }
        outcome.written.push(p.file);
    }
    Ok(outcome)
}

/// Check the target and write its new content to a temp file beside it.
fn prepare(repo: &Repo, file: FileId, text: &str) -> Result<Prep, String> {
    let source = repo.sources.get(file);
    let target = std::fs::canonicalize(&source.abs).map_err(|e| e.to_string())?;
    let root = std::fs::canonicalize(&repo.sources.root).map_err(|e| e.to_string())?;
    if !target.starts_with(&root) {
        return Ok(Prep::Skip(format!(
            "is a symlink to {}, outside the repository root; fix not written",
            target.display()
        )));
    }
    let meta = std::fs::metadata(&target).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Ok(Prep::Skip("is not a regular file; fix not written".into()));
    }
    if is_read_only(&meta) {
        return Ok(Prep::Skip("is read-only; fix not written".into()));
    }
    // Opening for writing (without truncating) fails on immutable files and
    // missing permissions, before anything is changed.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&target)
        .map_err(|e| e.to_string())?;
    let seen = fsread::read_bounded(&target, u64::MAX).map_err(|e| e.to_string())?;
    let (on_disk, _) = decode(&seen);
    if on_disk != source.text {
        return Ok(Prep::Skip("changed during the run; fix not written".into()));
    }
    let bytes = encode(text, encoding_of(&seen));
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| e.to_string())?;
    tmp.write_all(&bytes).map_err(|e| e.to_string())?;
    tmp.as_file().sync_all().map_err(|e| e.to_string())?;
    keep_owner_and_mode(tmp.as_file(), &meta).map_err(|e| e.to_string())?;
    Ok(Prep::Ready(Box::new(Prepared {
        file,
        target,
        seen,
        tmp,
    })))
}

#[cfg(unix)]
fn is_read_only(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o222 == 0
}

#[cfg(not(unix))]
fn is_read_only(meta: &std::fs::Metadata) -> bool {
    meta.permissions().readonly()
}

#[cfg(unix)]
fn keep_owner_and_mode(tmp: &std::fs::File, meta: &std::fs::Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let current = tmp.metadata()?;
    if current.uid() != meta.uid() || current.gid() != meta.gid() {
        std::os::unix::fs::fchown(tmp, Some(meta.uid()), Some(meta.gid())).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("cannot keep its owner {}:{} ({e})", meta.uid(), meta.gid()),
            )
        })?;
    }
    tmp.set_permissions(meta.permissions())
}

#[cfg(not(unix))]
fn keep_owner_and_mode(tmp: &std::fs::File, meta: &std::fs::Metadata) -> std::io::Result<()> {
    tmp.set_permissions(meta.permissions())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_round_trips_with_its_bom() {
        let text = "a: ü\r\n";
        for enc in [Encoding::Utf16Le, Encoding::Utf16Be] {
            let bytes = encode(text, enc);
            assert_eq!(encoding_of(&bytes), enc);
            assert_eq!(decode(&bytes).0, text);
        }
        assert_eq!(encode(text, Encoding::Utf8), text.as_bytes());
    }
}
