//! The one way ftlint reads a file (SPEC §5): bounded, regular files only, and
//! — for repository content — nothing outside the repository root.
//!
//! Every check happens before the file is opened for reading: the path is
//! canonicalized (so `../` and symlinks are resolved) and compared with the
//! root, and its metadata must be a regular file no larger than the limit.
//! The open itself is non-blocking and does not follow a final symlink, and
//! the open file is checked again, so a path swapped for a FIFO or a symlink
//! between the check and the open fails instead of hanging or escaping.
//! Errors never carry any content of the file.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};

mod record;

pub use record::{
    digest, env_var, start_recording, take_reads, Freshness, ReadKind, ReadRecord, Reference, Seen,
    Stamp, StatDir,
};
use record::{record, recording};

/// Default per-file size limit (`maxFileSize` in `.ftlint.yaml`).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Why a file was not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// The path resolves (through `..` or a symlink) outside the root.
    OutsideRoot,
    /// A FIFO, socket, device or directory; `kind` names it.
    NotRegular {
        kind: &'static str,
    },
    /// Larger than the limit.
    TooLarge {
        size: u64,
        limit: u64,
    },
    PermissionDenied,
    NotFound,
    /// Any other I/O error, with the system's message.
    Other(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::OutsideRoot => write!(f, "it is outside the repository root (not read)"),
            ReadError::NotRegular { kind } => write!(f, "it is a {kind}, not a regular file"),
            ReadError::TooLarge { size, limit } => write!(
                f,
                "it is {} bytes, over the {limit}-byte size limit (maxFileSize)",
                size
            ),
            ReadError::PermissionDenied => write!(f, "permission denied"),
            ReadError::NotFound => write!(f, "no such file or directory"),
            ReadError::Other(msg) => write!(f, "{msg}"),
        }
    }
}

impl std::error::Error for ReadError {}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::NotFound => ReadError::NotFound,
            std::io::ErrorKind::PermissionDenied => ReadError::PermissionDenied,
            _ => match e.raw_os_error() {
                Some(code) if is_symlink_loop(code) => ReadError::OutsideRoot,
                _ => ReadError::Other(e.to_string()),
            },
        }
    }
}

#[cfg(unix)]
fn is_symlink_loop(code: i32) -> bool {
    code == libc::ELOOP
}

#[cfg(not(unix))]
fn is_symlink_loop(_code: i32) -> bool {
    false
}

/// Reads files under one root, each at most `max_size` bytes.
#[derive(Clone, Debug)]
pub struct RootReader {
    root: PathBuf,
    max_size: u64,
    /// The root opened as a directory, for [`beneath::open`].
    #[cfg(target_os = "linux")]
    root_dir: Option<std::sync::Arc<File>>,
}

impl RootReader {
    /// `root` is canonicalized once here.
    pub fn new(root: &Path, max_size: u64) -> Result<RootReader, ReadError> {
        let root = std::fs::canonicalize(root)?;
        Ok(RootReader {
            #[cfg(target_os = "linux")]
            root_dir: beneath::open_dir(&root).map(std::sync::Arc::new),
            root,
            max_size,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn max_size(&self) -> u64 {
        self.max_size
    }

    /// The canonical path of `path` (absolute, or relative to the root) if it
    /// is inside the root; nothing is opened.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, ReadError> {
        let joined = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.root.join(path)
        };
        let canonical = std::fs::canonicalize(&joined)?;
        if canonical.starts_with(&self.root) {
            Ok(canonical)
        } else {
            Err(ReadError::OutsideRoot)
        }
    }

    /// Read a regular file inside the root.
    pub fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
        let read = self.read_stamped(path);
        if recording() {
            let how = ReadKind::InRoot {
                root: self.root.clone(),
                max_size: self.max_size,
            };
            record(how, path, &read);
        }
        read.map(|(bytes, _)| bytes)
    }

    /// Read a regular file inside the root with the stamp of what was read
    /// (not recorded).
    pub fn read_stamped(&self, path: &Path) -> Result<(Vec<u8>, Stamp), ReadError> {
        #[cfg(target_os = "linux")]
        if let (Some(dir), false) = (&self.root_dir, path.is_absolute()) {
            // One syscall resolves the path and keeps it under the root;
            // when it cannot (an absolute symlink, an old kernel) the path
            // takes the general route below, which decides.
            if let Some(file) = beneath::open(dir, path) {
                if let Ok(read) = read_open(file, self.max_size) {
                    return Ok(read);
                }
            }
        }
        self.resolve(path)
            .and_then(|canonical| read_regular(&canonical, self.max_size))
    }

    /// Check that a directory inside the root can be listed; nothing is read.
    pub fn check_dir(&self, path: &Path) -> Result<PathBuf, ReadError> {
        let canonical = self.resolve(path)?;
        let meta = std::fs::metadata(&canonical)?;
        if !meta.is_dir() {
            return Err(ReadError::NotRegular {
                kind: kind_name(&meta.file_type()),
            });
        }
        std::fs::read_dir(&canonical)?;
        Ok(canonical)
    }
}

/// Read `rel` (relative to `root`) as text with the default limit, refusing
/// anything outside `root`: for files a kustomization names that are not among
/// the linted sources.
pub fn read_in_root(root: &Path, rel: &str) -> Result<String, ReadError> {
    let bytes = RootReader::new(root, DEFAULT_MAX_FILE_SIZE)?.read(Path::new(rel))?;
    String::from_utf8(bytes).map_err(|e| {
        ReadError::Other(format!(
            "it is not valid UTF-8 (at byte {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Read a regular file of at most `max_size` bytes, wherever it is (the config
/// file, `--seal-cert`, `--crd`: paths the user named explicitly).
pub fn read_bounded(path: &Path, max_size: u64) -> Result<Vec<u8>, ReadError> {
    let read = std::fs::canonicalize(path)
        .map_err(ReadError::from)
        .and_then(|canonical| read_regular(&canonical, max_size));
    if recording() {
        record(ReadKind::Bounded { max_size }, path, &read);
    }
    read.map(|(bytes, _)| bytes)
}

/// [`read_bounded`] as UTF-8 text.
pub fn read_bounded_text(path: &Path, max_size: u64) -> Result<String, ReadError> {
    let bytes = read_bounded(path, max_size)?;
    String::from_utf8(bytes).map_err(|e| {
        ReadError::Other(format!(
            "it is not valid UTF-8 (at byte {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// `canonical` has no symlinks left; check its metadata, then open it without
/// blocking or following a symlink, and read at most `max_size` bytes.
fn read_regular(canonical: &Path, max_size: u64) -> Result<(Vec<u8>, Stamp), ReadError> {
    let meta = std::fs::symlink_metadata(canonical)?;
    check_regular(&meta, max_size)?;
    // The path may have been swapped between the check and the open.
    read_open(open_nonblocking(canonical)?, max_size)
}

/// Read an opened file after checking it is regular and within the limit.
fn read_open(file: File, max_size: u64) -> Result<(Vec<u8>, Stamp), ReadError> {
    let opened = file.metadata()?;
    check_regular(&opened, max_size)?;
    let mut bytes = Vec::with_capacity(opened.len() as usize);
    file.take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_size {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit: max_size,
        });
    }
    Ok((bytes, Stamp::of(&opened)))
}

fn check_regular(meta: &std::fs::Metadata, max_size: u64) -> Result<(), ReadError> {
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            kind: kind_name(&meta.file_type()),
        });
    }
    if meta.len() > max_size {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit: max_size,
        });
    }
    Ok(())
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().read(true).open(path)
}

/// What a non-regular file is, for messages.
pub fn kind_name(t: &std::fs::FileType) -> &'static str {
    if t.is_dir() {
        return "directory";
    }
    if t.is_symlink() {
        return "symbolic link";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "FIFO";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_char_device() {
            return "character device";
        }
        if t.is_block_device() {
            return "block device";
        }
    }
    "special file"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("repo")).unwrap();
        std::fs::write(dir.path().join("repo/a.yaml"), "a: 1\n").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "password=hunter2\n").unwrap();
        dir
    }

    #[test]
    fn reads_a_regular_file_inside_the_root() {
        let dir = tree();
        let r = RootReader::new(&dir.path().join("repo"), 1024).unwrap();
        assert_eq!(r.read(Path::new("a.yaml")).unwrap(), b"a: 1\n");
    }

    #[test]
    fn dot_dot_outside_the_root_is_refused_without_content() {
        let dir = tree();
        let r = RootReader::new(&dir.path().join("repo"), 1024).unwrap();
        let err = r.read(Path::new("../secret.txt")).unwrap_err();
        assert_eq!(err, ReadError::OutsideRoot);
        assert!(!err.to_string().contains("hunter2"));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_outside_the_root_is_refused() {
        let dir = tree();
        std::os::unix::fs::symlink(
            dir.path().join("secret.txt"),
            dir.path().join("repo/link.yaml"),
        )
        .unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("repo/outdir")).unwrap();
        let r = RootReader::new(&dir.path().join("repo"), 1024).unwrap();
        assert_eq!(
            r.read(Path::new("link.yaml")).unwrap_err(),
            ReadError::OutsideRoot
        );
        assert_eq!(
            r.read(Path::new("outdir/secret.txt")).unwrap_err(),
            ReadError::OutsideRoot
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlink_inside_the_root_is_read() {
        let dir = tree();
        std::os::unix::fs::symlink("a.yaml", dir.path().join("repo/b.yaml")).unwrap();
        let r = RootReader::new(&dir.path().join("repo"), 1024).unwrap();
        assert_eq!(r.read(Path::new("b.yaml")).unwrap(), b"a: 1\n");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tree();
        let fifo = dir.path().join("repo/pipe.yaml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let r = RootReader::new(&dir.path().join("repo"), 1024).unwrap();
        assert_eq!(
            r.read(Path::new("pipe.yaml")).unwrap_err(),
            ReadError::NotRegular { kind: "FIFO" }
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_refused() {
        if !Path::new("/dev/zero").exists() {
            eprintln!("skipped: /dev/zero is absent");
            return;
        }
        assert_eq!(
            read_bounded(Path::new("/dev/zero"), 1024).unwrap_err(),
            ReadError::NotRegular {
                kind: "character device"
            }
        );
    }

    #[test]
    fn over_the_limit_is_refused() {
        let dir = tree();
        std::fs::write(dir.path().join("repo/big.yaml"), vec![b'#'; 2048]).unwrap();
        let r = RootReader::new(&dir.path().join("repo"), 1024).unwrap();
        assert_eq!(
            r.read(Path::new("big.yaml")).unwrap_err(),
            ReadError::TooLarge {
                size: 2048,
                limit: 1024
            }
        );
    }

    #[test]
    fn missing_and_directory() {
        let dir = tree();
        let r = RootReader::new(dir.path(), 1024).unwrap();
        assert_eq!(
            r.read(Path::new("nope.yaml")).unwrap_err(),
            ReadError::NotFound
        );
        assert_eq!(
            r.read(Path::new("repo")).unwrap_err(),
            ReadError::NotRegular { kind: "directory" }
        );
    }

    #[cfg(unix)]
    #[test]
    fn permission_denied_is_typed() {
        use std::os::unix::fs::PermissionsExt;
        if unsafe { libc::geteuid() } == 0 {
            eprintln!("skipped: running as root, permissions are not enforced");
            return;
        }
        let dir = tree();
        let p = dir.path().join("repo/a.yaml");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
        let r = RootReader::new(&dir.path().join("repo"), 1024).unwrap();
        assert_eq!(
            r.read(Path::new("a.yaml")).unwrap_err(),
            ReadError::PermissionDenied
        );
    }
}

/// `openat2(RESOLVE_BENEATH)`: open a path relative to the root directory,
/// failing instead of leaving it (by `..` or a symlink).
#[cfg(target_os = "linux")]
mod beneath {
    use std::ffi::CString;
    use std::fs::File;
    use std::os::fd::{AsRawFd, FromRawFd};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    pub fn open_dir(root: &Path) -> Option<File> {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_DIRECTORY | libc::O_CLOEXEC)
            .open(root)
            .ok()
    }

    /// The opened file, or `None` on any failure (the caller then takes the
    /// canonicalizing route, which gives the precise error).
    pub fn open(dir: &File, path: &Path) -> Option<File> {
        let c_path = CString::new(path.as_os_str().as_bytes()).ok()?;
        // SAFETY: open_how is plain data; zeroed is its documented default.
        let mut how: libc::open_how = unsafe { std::mem::zeroed() };
        how.flags = (libc::O_RDONLY | libc::O_NONBLOCK | libc::O_CLOEXEC) as u64;
        how.resolve = libc::RESOLVE_BENEATH | libc::RESOLVE_NO_MAGICLINKS;
        // SAFETY: valid fd, NUL-terminated path, and a live open_how of the
        // size passed.
        let fd = unsafe {
            libc::syscall(
                libc::SYS_openat2,
                dir.as_raw_fd(),
                c_path.as_ptr(),
                &how as *const libc::open_how,
                std::mem::size_of::<libc::open_how>(),
            )
        };
        // SAFETY: a non-negative return is a new file descriptor we own.
        (fd >= 0).then(|| unsafe { File::from_raw_fd(fd as i32) })
    }
}
