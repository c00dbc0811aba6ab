//! Recording what a run read, for the persistent cache: every read through
//! [`super::RootReader::read`] or [`super::read_bounded`] while recording is
//! on leaves a [`ReadRecord`] — the file's identity ([`Stamp`]) and a digest
//! of its bytes, or the error — so a later run can tell, by `stat` alone for
//! most files, whether the same reads would see the same bytes.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use super::ReadError;

/// What identifies a file's content without reading it: device, inode, size
/// and change times. Any write changes the mtime or ctime (at the file
/// system's timestamp granularity: see [`Stamp::settled`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stamp {
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    pub mtime_ns: i64,
    pub ctime_ns: i64,
}

impl Stamp {
    #[cfg(unix)]
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        Stamp {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime_ns: meta.mtime() * 1_000_000_000 + meta.mtime_nsec(),
            ctime_ns: meta.ctime() * 1_000_000_000 + meta.ctime_nsec(),
        }
    }

    #[cfg(not(unix))]
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        let ns = |t: std::io::Result<std::time::SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i64)
        };
        Stamp {
            size: meta.len(),
            mtime_ns: ns(meta.modified()),
            ctime_ns: ns(meta.created()),
            ..Stamp::default()
        }
    }

    /// The stamp can vouch for the content: the file was last changed
    /// before the recording run began (`reference`). A file written in the
    /// same timestamp tick as the run could change again without its stamp
    /// changing (git's "racy clean" case): such a file is re-read. As git
    /// compares with its index file's mtime, the reference is a time on the
    /// file system's own clock and granularity, so on the same device
    /// "strictly before" is exact; on another device a margin above the
    /// coarsest common granularity (FAT's 2 s) is kept.
    pub fn settled(&self, reference: Reference) -> bool {
        const OTHER_DEVICE_MARGIN_NS: i64 = 3_000_000_000;
        let changed = self.mtime_ns.max(self.ctime_ns);
        if self.dev == reference.dev {
            changed < reference.ns
        } else {
            changed < reference.ns - OTHER_DEVICE_MARGIN_NS
        }
    }

    /// As stored in a cache entry.
    pub fn row(&self) -> [i64; 5] {
        [
            self.dev as i64,
            self.ino as i64,
            self.size as i64,
            self.mtime_ns,
            self.ctime_ns,
        ]
    }

    pub fn from_row(r: [i64; 5]) -> Stamp {
        Stamp {
            dev: r[0] as u64,
            ino: r[1] as u64,
            size: r[2] as u64,
            mtime_ns: r[3],
            ctime_ns: r[4],
        }
    }
}

/// A directory opened once so that many `stat`s relative to it walk only
/// the relative part of each path (a warm run stamps every file and
/// directory of the tree; the path walk was a quarter of its time).
pub struct StatDir {
    path: PathBuf,
    #[cfg(unix)]
    dir: Option<std::fs::File>,
}

impl StatDir {
    pub fn open(path: &Path) -> StatDir {
        StatDir {
            path: path.to_path_buf(),
            #[cfg(unix)]
            dir: std::fs::File::open(path).ok(),
        }
    }

    /// The stamp of `rel` (relative to the directory; symlinks followed,
    /// as `std::fs::metadata`), `None` when it cannot be stat'ed.
    pub fn stamp(&self, rel: &str) -> Option<Stamp> {
        #[cfg(unix)]
        if let Some(dir) = &self.dir {
            return fstatat(dir, if rel.is_empty() { "." } else { rel });
        }
        std::fs::metadata(self.path.join(rel))
            .ok()
            .map(|m| Stamp::of(&m))
    }

    /// [`StatDir::stamp`] of a path already NUL-terminated (as a cache
    /// entry stores it: no copy per `stat`).
    pub fn stamp_c(&self, rel: &std::ffi::CStr) -> Option<Stamp> {
        #[cfg(unix)]
        if let Some(dir) = &self.dir {
            if !rel.is_empty() {
                return fstatat_c(dir, rel);
            }
        }
        self.stamp(rel.to_str().ok()?)
    }
}

#[cfg(unix)]
fn fstatat(dir: &std::fs::File, rel: &str) -> Option<Stamp> {
    fstatat_c(dir, &std::ffi::CString::new(rel).ok()?)
}

#[cfg(unix)]
fn fstatat_c(dir: &std::fs::File, c_path: &std::ffi::CStr) -> Option<Stamp> {
    use std::os::fd::AsRawFd;
    // SAFETY: `stat` is plain data, filled by the call on success.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: a valid directory fd, a NUL-terminated path and a live `stat`.
    let rc = unsafe { libc::fstatat(dir.as_raw_fd(), c_path.as_ptr(), &mut st, 0) };
    (rc == 0).then(|| Stamp {
        dev: st.st_dev as u64,
        ino: st.st_ino as u64,
        size: st.st_size as u64,
        mtime_ns: st.st_mtime as i64 * 1_000_000_000 + st.st_mtime_nsec as i64,
        ctime_ns: st.st_ctime as i64 * 1_000_000_000 + st.st_ctime_nsec as i64,
    })
}

/// When a run began, on the file system's clock: the modification time of a
/// file it created before reading or walking anything, and that file's
/// device. A stamp older than it was settled before the run looked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reference {
    pub dev: u64,
    pub ns: i64,
}

impl Reference {
    /// The reference of a file just created.
    pub fn of(meta: &std::fs::Metadata) -> Reference {
        let stamp = Stamp::of(meta);
        Reference {
            dev: stamp.dev,
            ns: stamp.mtime_ns.max(stamp.ctime_ns),
        }
    }
}

/// How a file was read, so the same read can be repeated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadKind {
    /// [`super::RootReader::read`]: `path` relative to (or under) `root`.
    InRoot { root: PathBuf, max_size: u64 },
    /// [`super::read_bounded`]: a path the user named.
    Bounded { max_size: u64 },
}

/// One read and what it saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadRecord {
    pub how: ReadKind,
    /// As passed to the reader.
    pub path: PathBuf,
    pub seen: Seen,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seen {
    Bytes { stamp: Stamp, digest: String },
    Error(String),
}

static RECORDING: AtomicBool = AtomicBool::new(false);
static READS: Mutex<Vec<ReadRecord>> = Mutex::new(Vec::new());
static ENV_READS: Mutex<Vec<(String, Option<String>)>> = Mutex::new(Vec::new());

/// Start recording reads (clearing earlier records).
pub fn start_recording() {
    READS.lock().unwrap_or_else(|e| e.into_inner()).clear();
    ENV_READS.lock().unwrap_or_else(|e| e.into_inner()).clear();
    RECORDING.store(true, Ordering::SeqCst);
}

/// Stop recording; the file reads and environment variables read since
/// [`start_recording`].
pub fn take_reads() -> (Vec<ReadRecord>, Vec<(String, Option<String>)>) {
    RECORDING.store(false, Ordering::SeqCst);
    let files = std::mem::take(&mut *READS.lock().unwrap_or_else(|e| e.into_inner()));
    let env = std::mem::take(&mut *ENV_READS.lock().unwrap_or_else(|e| e.into_inner()));
    (files, env)
}

/// An environment variable the repository's content asks for (a Kustomize
/// env file's bare `NAME` line): recorded, since findings then depend on it.
pub fn env_var(name: &str) -> Option<String> {
    let value = std::env::var(name).ok();
    if recording() {
        ENV_READS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((name.to_string(), value.clone()));
    }
    value
}

pub(super) fn recording() -> bool {
    RECORDING.load(Ordering::Relaxed)
}

/// A short, collision-resistant digest of file content (SHA-256, 128 bits, hex).
pub fn digest(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let full = Sha256::digest(bytes);
    let mut hex = String::with_capacity(32);
    for b in &full[..16] {
        hex.push(HEX[usize::from(b >> 4)] as char);
        hex.push(HEX[usize::from(b & 15)] as char);
    }
    hex
}

pub(super) fn record(how: ReadKind, path: &Path, read: &Result<(Vec<u8>, Stamp), ReadError>) {
    let seen = match read {
        Ok((bytes, stamp)) => Seen::Bytes {
            stamp: *stamp,
            digest: digest(bytes),
        },
        Err(e) => Seen::Error(e.to_string()),
    };
    let record = ReadRecord {
        how,
        path: path.to_path_buf(),
        seen,
    };
    READS.lock().unwrap_or_else(|e| e.into_inner()).push(record);
}

impl ReadRecord {
    /// The path to `stat` for this read.
    fn target(&self) -> PathBuf {
        match &self.how {
            ReadKind::InRoot { root, .. } if self.path.is_relative() => root.join(&self.path),
            _ => self.path.clone(),
        }
    }

    /// Would the same read now see the same thing? By `stat` when the file's
    /// stamp is unchanged and settled before `reference`; otherwise the read
    /// is repeated and its digest (or error) compared. Returns the refreshed
    /// record when the content is the same but its stamp moved, or when it
    /// was re-read because it was not settled (so a later run, with a later
    /// reference, may trust the stamp the re-read saw).
    pub fn still_valid(&self, reference: Reference) -> Freshness {
        if let Seen::Bytes { stamp, .. } = &self.seen {
            if stamp.settled(reference) {
                if let Ok(meta) = std::fs::metadata(self.target()) {
                    if Stamp::of(&meta) == *stamp {
                        return Freshness::Same;
                    }
                }
            }
        }
        let read = match &self.how {
            ReadKind::InRoot { root, max_size } => super::RootReader {
                root: root.clone(),
                max_size: *max_size,
                // The canonicalizing route only: a re-check reads one file.
                #[cfg(target_os = "linux")]
                root_dir: None,
            }
            .resolve(&self.path)
            .and_then(|c| super::read_regular(&c, *max_size)),
            ReadKind::Bounded { max_size } => std::fs::canonicalize(&self.path)
                .map_err(ReadError::from)
                .and_then(|c| super::read_regular(&c, *max_size)),
        };
        let seen = match read {
            Ok((bytes, stamp)) => Seen::Bytes {
                stamp,
                digest: digest(&bytes),
            },
            Err(e) => Seen::Error(e.to_string()),
        };
        let same = match (&seen, &self.seen) {
            (Seen::Bytes { digest: a, .. }, Seen::Bytes { digest: b, .. }) => a == b,
            (a, b) => a == b,
        };
        if !same {
            Freshness::Changed
        } else if seen == self.seen && !matches!(seen, Seen::Bytes { .. }) {
            Freshness::Same
        } else {
            Freshness::Restamped(ReadRecord {
                seen,
                ..self.clone()
            })
        }
    }
}

/// The outcome of [`ReadRecord::still_valid`].
#[derive(Debug)]
pub enum Freshness {
    Same,
    /// Same content, verified by reading it again (touched, or not settled).
    Restamped(ReadRecord),
    Changed,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(dir: &Path, name: &str) -> ReadRecord {
        let reader = super::super::RootReader::new(dir, 1 << 20).unwrap();
        let read = reader
            .resolve(Path::new(name))
            .and_then(|c| super::super::read_regular(&c, 1 << 20));
        let seen = match read {
            Ok((bytes, stamp)) => Seen::Bytes {
                stamp,
                digest: digest(&bytes),
            },
            Err(e) => Seen::Error(e.to_string()),
        };
        ReadRecord {
            how: ReadKind::InRoot {
                root: reader.root().to_path_buf(),
                max_size: 1 << 20,
            },
            path: name.into(),
            seen,
        }
    }

    /// A reference taken now, on the file system of `dir` (as a run takes it).
    fn reference_in(dir: &Path) -> Reference {
        let marker = tempfile::NamedTempFile::new_in(dir).unwrap();
        Reference::of(&marker.as_file().metadata().unwrap())
    }

    fn dev_of(dir: &Path) -> u64 {
        Stamp::of(&std::fs::metadata(dir).unwrap()).dev
    }

    #[test]
    fn a_settled_stamp_vouches_and_any_write_moves_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.yaml"), "a: 1\n").unwrap();
        let r = recorded(dir.path(), "a.yaml");
        // Recorded long after the write: the stamp alone decides.
        let later = Reference {
            dev: dev_of(dir.path()),
            ns: i64::MAX,
        };
        assert!(matches!(r.still_valid(later), Freshness::Same));
        // Same size, other bytes, a timestamp tick later: the stamp moved,
        // so the file is re-read, and it changed.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.path().join("a.yaml"), "a: 2\n").unwrap();
        assert!(matches!(r.still_valid(later), Freshness::Changed));
    }

    #[test]
    fn a_racy_stamp_is_not_trusted_and_the_file_is_re_read() {
        let dir = tempfile::tempdir().unwrap();
        let run_began = reference_in(dir.path());
        std::fs::write(dir.path().join("a.yaml"), "a: 1\n").unwrap();
        let r = recorded(dir.path(), "a.yaml");
        // Written after the run began: re-read even though the stamp
        // matches; same bytes: verified, and vouched for from now on.
        assert!(!matches!(&r.seen, Seen::Bytes { stamp, .. } if stamp.settled(run_began)));
        assert!(matches!(r.still_valid(run_began), Freshness::Restamped(_)));
        // Rewritten with other bytes of the same size: changed.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.path().join("a.yaml"), "a: 2\n").unwrap();
        assert!(matches!(r.still_valid(run_began), Freshness::Changed));
    }

    #[test]
    fn a_stamp_settles_once_a_later_run_began() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.yaml"), "a: 1\n").unwrap();
        let r = recorded(dir.path(), "a.yaml");
        std::thread::sleep(std::time::Duration::from_millis(20));
        let next_run = reference_in(dir.path());
        assert!(matches!(&r.seen, Seen::Bytes { stamp, .. } if stamp.settled(next_run)));
        // On another device the margin applies.
        let elsewhere = Reference {
            dev: next_run.dev.wrapping_add(1),
            ..next_run
        };
        assert!(!matches!(&r.seen, Seen::Bytes { stamp, .. } if stamp.settled(elsewhere)));
    }

    #[test]
    fn a_stamp_relative_to_an_open_directory_is_the_metadata_stamp() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/a.yaml"), "a: 1\n").unwrap();
        let at = StatDir::open(dir.path());
        for rel in ["", "sub", "sub/a.yaml"] {
            let meta = std::fs::metadata(dir.path().join(rel)).unwrap();
            assert_eq!(at.stamp(rel), Some(Stamp::of(&meta)), "{rel}");
        }
        assert_eq!(at.stamp("sub/missing.yaml"), None);
    }

    #[test]
    fn a_failed_read_is_repeated() {
        let dir = tempfile::tempdir().unwrap();
        let now = reference_in(dir.path());
        let r = recorded(dir.path(), "missing.yaml");
        assert!(matches!(r.seen, Seen::Error(_)));
        assert!(matches!(r.still_valid(now), Freshness::Same));
        std::fs::write(dir.path().join("missing.yaml"), "a: 1\n").unwrap();
        assert!(matches!(r.still_valid(now), Freshness::Changed));
    }
}
