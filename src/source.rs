//! The files of a repository, read once and addressed by [`FileId`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::fsread::ReadError;
use crate::yaml::{FileId, LineCol, LineIndex, ParsedFile, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A YAML or JSON manifest.
    Manifest,
    /// `kustomization.yaml`, `kustomization.yml` or `Kustomization`.
    Kustomization,
    /// The `.ftlint.yaml` config (only its text; it is not linted).
    Config,
    /// A file or directory that could not be read (`read_error` says why):
    /// it has no text and is reported as `io-error`.
    Unreadable,
}

pub struct SourceFile {
    pub id: FileId,
    /// Relative to the repository root, `/`-separated.
    pub path: String,
    pub abs: PathBuf,
    pub text: String,
    pub kind: FileKind,
    pub parsed: ParsedFile,
    /// Why the file was not read (kind [`FileKind::Unreadable`]).
    pub read_error: Option<ReadError>,
    line_index: std::sync::OnceLock<LineIndex>,
}

impl SourceFile {
    pub fn new(id: FileId, path: String, abs: PathBuf, text: String, kind: FileKind) -> Self {
        SourceFile {
            id,
            path,
            abs,
            text,
            kind,
            parsed: ParsedFile::default(),
            read_error: None,
            line_index: std::sync::OnceLock::new(),
        }
    }

    pub fn line_index(&self) -> &LineIndex {
        self.line_index.get_or_init(|| LineIndex::new(&self.text))
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        self.line_index().line_col(&self.text, offset)
    }

    /// Directory of the file, relative to the root ("" for the root itself).
    pub fn dir(&self) -> &str {
        match self.path.rfind('/') {
            Some(i) => &self.path[..i],
            None => "",
        }
    }
}

/// All files of a run. Ids are dense indices into `files`.
#[derive(Default)]
pub struct Sources {
    pub root: PathBuf,
    pub files: Vec<SourceFile>,
    by_path: HashMap<String, FileId>,
}

impl Sources {
    pub fn new(root: PathBuf) -> Sources {
        Sources {
            root,
            files: Vec::new(),
            by_path: HashMap::new(),
        }
    }

    /// Room for `n` more files (a cache replay adds every file of a run).
    pub fn reserve(&mut self, n: usize) {
        self.files.reserve_exact(n);
        self.by_path.reserve(n);
    }

    /// Add a file; its id is its position.
    pub fn add(&mut self, path: String, text: String, kind: FileKind) -> FileId {
        let id = FileId(self.files.len() as u32);
        match self.by_path.entry(path) {
            std::collections::hash_map::Entry::Occupied(known) => *known.get(),
            std::collections::hash_map::Entry::Vacant(slot) => {
                let path = slot.key().clone();
                slot.insert(id);
                // Sized once: `join` grows the root's copy (a replay adds
                // every file of a run).
                let mut abs = PathBuf::with_capacity(self.root.as_os_str().len() + path.len() + 1);
                abs.push(&self.root);
                abs.push(&path);
                self.files.push(SourceFile::new(id, path, abs, text, kind));
                id
            }
        }
    }

    /// Record a file or directory that could not be read; it is reported as
    /// `io-error` by [`Sources::io_errors`].
    pub fn add_unreadable(&mut self, path: String, error: ReadError) -> FileId {
        let id = self.add(path, String::new(), FileKind::Unreadable);
        let file = &mut self.files[id.0 as usize];
        file.kind = FileKind::Unreadable;
        file.text.clear();
        file.parsed = ParsedFile::default();
        file.read_error = Some(error);
        id
    }

    /// One `io-error` finding per unreadable file or directory (SPEC §5).
    pub fn io_errors(&self) -> Vec<Diagnostic> {
        self.files
            .iter()
            .filter_map(|f| {
                let error = f.read_error.as_ref()?;
                let mut d = Diagnostic::new(
                    Span::new(f.id, 0, 0),
                    format!("`{}` was not read: {error}", f.path),
                )
                .with_help(io_error_help(error));
                d.rule = IO_ERROR;
                Some(d)
            })
            .collect()
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn by_path(&self, path: &str) -> Option<&SourceFile> {
        self.by_path.get(path).map(|id| self.get(*id))
    }

    pub fn path(&self, id: FileId) -> &str {
        &self.get(id).path
    }

    pub fn text(&self, span: Span) -> &str {
        let file = self.get(span.file);
        file.text.get(span.range()).unwrap_or("")
    }

    /// Relative path of an absolute or root-relative path, `/`-separated.
    pub fn relative(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        normalize(&rel.to_string_lossy().replace('\\', "/"))
    }
}

/// The rule id of read failures.
pub const IO_ERROR: &str = "io-error";

fn io_error_help(error: &ReadError) -> &'static str {
    match error {
        ReadError::OutsideRoot => "ftlint reads only inside the repository root, as `kustomize build` and Argo CD do; move the file into the repository",
        ReadError::NotRegular { .. } => "only regular files are read; replace it by a regular file or exclude it (`exclude:` in .ftlint.yaml)",
        ReadError::TooLarge { .. } => "raise `maxFileSize` in .ftlint.yaml, or exclude the file",
        ReadError::PermissionDenied => "make it readable by the user running ftlint, or exclude it",
        ReadError::NotFound | ReadError::Other(_) => "check the file and run again",
    }
}

/// Resolve `.` and `..` in a `/`-separated relative path ("" is the root).
pub fn normalize(path: &str) -> String {
    // Most paths are already normal (the render joins thousands of them).
    if is_normal(path) {
        return path.to_string();
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// No empty, `.` or `..` segment: [`normalize`] would return it unchanged.
fn is_normal(path: &str) -> bool {
    !path.is_empty() && !path.split('/').any(|p| matches!(p, "" | "." | ".."))
}

/// Join a relative directory and a relative path, normalised.
pub fn join(dir: &str, path: &str) -> String {
    if dir.is_empty() {
        normalize(path)
    } else if is_normal(dir) && is_normal(path) {
        format!("{dir}/{path}")
    } else {
        normalize(&format!("{dir}/{path}"))
    }
}
