//! The cache entry as stored: compact rows (arrays, not keyed objects) so a
//! warm run parses little, and conversions to and from the run's types.

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Applicability, Context, Diagnostic, Edit, Fix, Related, Severity};
use crate::fsread::{ReadKind, ReadRecord, Reference, Seen, Stamp, StatDir};
use crate::repo::Stats;
use crate::source::FileKind;
use crate::yaml::{FileId, Span};

/// Bumped whenever the entry's layout or meaning changes.
pub const FORMAT: u32 = 2;

#[derive(Serialize, Deserialize)]
pub struct Entry {
    pub format: u32,
    /// Digest of everything that decides findings besides file content.
    pub fingerprint: String,
    /// When the recording run began, as `[device, ns]` on the file system's
    /// clock ([`Reference`]): stamps not older are not trusted.
    pub reference: [i64; 2],
    /// Digest of the discovery walk (every entry visited, the files kept).
    pub walk: String,
    pub reads: Vec<ReadGroup>,
    /// Environment variables read, with their values.
    pub env: Vec<(String, Option<String>)>,
    /// The run's source files in id order: path, kind, read error.
    pub files: Vec<(String, u8, Option<String>)>,
    pub stats: [usize; 9],
    /// The `argocd:` line of `--stats`.
    pub argocd_stats: String,
    /// Every finding of the run, before baseline and pre-commit scoping.
    pub diagnostics: Vec<Diag>,
}

/// One read: path, then either `[dev, ino, size, mtime_ns, ctime_ns]` with
/// the digest, or the error.
pub type ReadRow = (String, Option<([i64; 5], String)>, Option<String>);

/// A fix: message, safe?, edits as `([file, start, end], replacement)`.
pub type FixRow = (String, bool, Vec<([u32; 3], String)>);

/// Reads made the same way (same root and limit), one row per path.
#[derive(Serialize, Deserialize)]
pub struct ReadGroup {
    pub root: Option<String>,
    pub max_size: u64,
    pub rows: Vec<ReadRow>,
}

/// A finding: `[file, start, end]` spans; the rule by id.
#[derive(Serialize, Deserialize)]
pub struct Diag {
    pub rule: String,
    pub severity: u8,
    pub message: String,
    pub span: [u32; 3],
    pub related: Vec<([u32; 3], String)>,
    pub help: Option<String>,
    pub units: Vec<String>,
    pub env: Option<String>,
    pub object: Option<String>,
    pub fix: Option<FixRow>,
    pub severity_set: bool,
    pub mask_source: bool,
}

pub fn reference_row(r: Reference) -> [i64; 2] {
    [r.dev as i64, r.ns]
}

pub fn row_reference(r: [i64; 2]) -> Reference {
    Reference {
        dev: r[0] as u64,
        ns: r[1],
    }
}

fn span_row(s: Span) -> [u32; 3] {
    [s.file.0, s.start, s.end]
}

fn row_span(r: [u32; 3], files: usize) -> Option<Span> {
    ((r[0] as usize) < files && r[1] <= r[2])
        .then(|| Span::new(FileId(r[0]), r[1] as usize, r[2] as usize))
}

fn severity_code(s: Severity) -> u8 {
    match s {
        Severity::Info => 0,
        Severity::Warning => 1,
        Severity::Error => 2,
    }
}

fn code_severity(c: u8) -> Option<Severity> {
    Some(match c {
        0 => Severity::Info,
        1 => Severity::Warning,
        2 => Severity::Error,
        _ => return None,
    })
}

/// The `&'static` rule id of a stored one (`None`: no such rule any more).
fn rule_id(id: &str) -> Option<&'static str> {
    if id == crate::source::IO_ERROR {
        return Some(crate::source::IO_ERROR);
    }
    crate::rules::all_ids().find(|r| *r == id)
}

impl Diag {
    pub fn from(d: &Diagnostic) -> Diag {
        Diag {
            rule: d.rule.to_string(),
            severity: severity_code(d.severity),
            message: d.message.clone(),
            span: span_row(d.span),
            related: d
                .related
                .iter()
                .map(|r| (span_row(r.span), r.message.clone()))
                .collect(),
            help: d.help.clone(),
            units: d.context.units.clone(),
            env: d.context.env.clone(),
            object: d.context.object.clone(),
            fix: d.fix.as_ref().map(|f| {
                (
                    f.message.clone(),
                    f.applicability == Applicability::Safe,
                    f.edits
                        .iter()
                        .map(|e| (span_row(e.span), e.replacement.clone()))
                        .collect(),
                )
            }),
            severity_set: d.severity_set,
            mask_source: d.mask_source,
        }
    }

    /// Back to a finding; `None` when the entry does not fit this run
    /// (a file id out of range, an unknown rule): the entry is then unused.
    pub fn to_diagnostic(&self, files: usize) -> Option<Diagnostic> {
        let mut d = Diagnostic::new(row_span(self.span, files)?, self.message.clone());
        d.rule = rule_id(&self.rule)?;
        d.severity = code_severity(self.severity)?;
        for (span, message) in &self.related {
            d.related.push(Related {
                span: row_span(*span, files)?,
                message: message.clone(),
            });
        }
        d.help = self.help.clone();
        d.context = Context {
            units: self.units.clone(),
            env: self.env.clone(),
            object: self.object.clone(),
        };
        if let Some((message, safe, edits)) = &self.fix {
            let mut out = Vec::with_capacity(edits.len());
            for (span, replacement) in edits {
                out.push(Edit {
                    span: row_span(*span, files)?,
                    replacement: replacement.clone(),
                });
            }
            d.fix = Some(Fix {
                message: message.clone(),
                applicability: if *safe {
                    Applicability::Safe
                } else {
                    Applicability::Unsafe
                },
                edits: out,
            });
        }
        d.severity_set = self.severity_set;
        d.mask_source = self.mask_source;
        Some(d)
    }
}

pub fn kind_code(k: FileKind) -> u8 {
    match k {
        FileKind::Manifest => 0,
        FileKind::Kustomization => 1,
        FileKind::Config => 2,
        FileKind::Unreadable => 3,
    }
}

pub fn code_kind(c: u8) -> Option<FileKind> {
    Some(match c {
        0 => FileKind::Manifest,
        1 => FileKind::Kustomization,
        2 => FileKind::Config,
        3 => FileKind::Unreadable,
        _ => return None,
    })
}

/// The counts of [`Stats`] (timings are the run's own).
pub fn stats_row(s: &Stats) -> [usize; 9] {
    [
        s.files,
        s.documents,
        s.objects,
        s.units,
        s.helm_charts,
        s.helm_templates,
        s.go_templates,
        s.skipped_symlinks,
        s.appset_generators_skipped,
    ]
}

pub fn row_stats(r: [usize; 9]) -> Stats {
    Stats {
        files: r[0],
        documents: r[1],
        objects: r[2],
        units: r[3],
        helm_charts: r[4],
        helm_templates: r[5],
        go_templates: r[6],
        skipped_symlinks: r[7],
        appset_generators_skipped: r[8],
        ..Stats::default()
    }
}

/// Group reads by how they were made; `None` when one path was seen with two
/// contents in one run (it changed while being read: nothing to vouch for).
pub fn group_reads(reads: Vec<ReadRecord>) -> Option<Vec<ReadGroup>> {
    let mut groups: Vec<(ReadKind, std::collections::BTreeMap<String, Seen>)> = Vec::new();
    for r in reads {
        let at = match groups.iter().position(|(how, _)| *how == r.how) {
            Some(i) => i,
            None => {
                groups.push((r.how.clone(), Default::default()));
                groups.len() - 1
            }
        };
        let path = r.path.to_string_lossy().into_owned();
        match groups[at].1.get(&path) {
            Some(seen) if !same_content(seen, &r.seen) => return None,
            Some(_) => {}
            None => {
                groups[at].1.insert(path, r.seen);
            }
        }
    }
    Some(
        groups
            .into_iter()
            .map(|(how, rows)| {
                let (root, max_size) = match how {
                    ReadKind::InRoot { root, max_size } => {
                        (Some(root.to_string_lossy().into_owned()), max_size)
                    }
                    ReadKind::Bounded { max_size } => (None, max_size),
                };
                ReadGroup {
                    root,
                    max_size,
                    rows: rows
                        .into_iter()
                        .map(|(path, seen)| match seen {
                            Seen::Bytes { stamp, digest } => {
                                (path, Some((stamp.row(), digest)), None)
                            }
                            Seen::Error(e) => (path, None, Some(e)),
                        })
                        .collect(),
                }
            })
            .collect(),
    )
}

fn same_content(a: &Seen, b: &Seen) -> bool {
    match (a, b) {
        (Seen::Bytes { digest: x, .. }, Seen::Bytes { digest: y, .. }) => x == y,
        (x, y) => x == y,
    }
}

impl ReadGroup {
    fn how(&self) -> ReadKind {
        match &self.root {
            Some(root) => ReadKind::InRoot {
                root: root.into(),
                max_size: self.max_size,
            },
            None => ReadKind::Bounded {
                max_size: self.max_size,
            },
        }
    }

    /// One row as a record again.
    pub fn record(&self, (path, bytes, error): &ReadRow) -> ReadRecord {
        ReadRecord {
            how: self.how(),
            path: path.into(),
            seen: match (bytes, error) {
                (Some((s, digest)), _) => Seen::Bytes {
                    stamp: Stamp::from_row(*s),
                    digest: digest.clone(),
                },
                (None, error) => Seen::Error(error.clone().unwrap_or_default()),
            },
        }
    }

    /// The directory relative reads of this group are made in, opened for
    /// [`ReadGroup::unchanged_by_stat`].
    pub fn stat_dir(&self) -> Option<StatDir> {
        self.root
            .as_deref()
            .map(|r| StatDir::open(std::path::Path::new(r)))
    }

    /// The row's file read before `reference` with a stamp `stat` still
    /// gives: the fast case of [`ReadRecord::still_valid`], with nothing
    /// built. `at` is [`ReadGroup::stat_dir`].
    pub fn unchanged_by_stat(
        &self,
        (path, bytes, _): &ReadRow,
        reference: Reference,
        at: Option<&StatDir>,
    ) -> bool {
        let Some((row, _)) = bytes else {
            return false;
        };
        let stamp = Stamp::from_row(*row);
        if !stamp.settled(reference) {
            return false;
        }
        let now = match at {
            Some(at) if std::path::Path::new(path).is_relative() => at.stamp(path),
            _ => std::fs::metadata(path).ok().map(|m| Stamp::of(&m)),
        };
        now == Some(stamp)
    }
}
