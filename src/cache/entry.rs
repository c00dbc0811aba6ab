//! The cache entry as stored ([`codec`] layout), and conversions to and from
//! the run's types.
//!
//! A warm run reads the entry once and works on the bytes: the reads are
//! fixed-width rows whose paths lie NUL-terminated in one string table (the
//! `stat` of each is made on the stored path, nothing is built for a row
//! that still stats the same); the findings are decoded only for a replay.
//!
//! Body: `reference (2 × i64) | fingerprint | walk | strings | env | read
//! groups | files | stats (9 × u64) | argocd stats | findings`.

use std::collections::BTreeMap;
use std::ops::Range;

use super::codec::{self, Reader, Refused, Row, Rows, Strings, StringsBuilder, Writer, NONE};
use crate::diagnostic::{Applicability, Context, Diagnostic, Edit, Fix, Related, Severity};
use crate::fsread::{ReadKind, ReadRecord, Reference, Seen, Stamp, StatDir};
use crate::repo::Stats;
use crate::source::{FileKind, SourceFile};
use crate::yaml::{FileId, Span};

/// Bumped whenever the entry's layout or meaning changes.
pub const FORMAT: u32 = 3;

const MAGIC: &[u8; 8] = b"FTLCHECK";

/// A read row: path (string index), error (string index, [`NONE`] when the
/// bytes were read), the stamp `[dev, ino, size, mtime_ns, ctime_ns]`, the
/// content digest (16 bytes).
const READ_ROW: usize = 4 + 4 + 40 + 16;
const STAMP_AT: usize = 8;
const DIGEST_AT: usize = 48;

/// A source file row: path, kind, read error (string indexes but the kind).
const FILE_ROW: usize = 12;

/// A stored run, read from its bytes on demand.
pub struct Entry {
    file: Vec<u8>,
    /// When the recording run began ([`Reference`]): stamps not older are
    /// not trusted.
    pub reference: Reference,
    fingerprint: Range<usize>,
    walk: Range<usize>,
    strings: Range<usize>,
    /// Environment variables read, with their values.
    pub env: Vec<(String, Option<String>)>,
    pub groups: Vec<ReadGroup>,
    files: Range<usize>,
    pub stats: [usize; 9],
    /// The `argocd:` line of `--stats`.
    pub argocd_stats: String,
    diagnostics: Range<usize>,
}

/// Reads made the same way (same root and limit), one row per path, sorted
/// by path.
pub struct ReadGroup {
    pub root: Option<String>,
    pub max_size: u64,
    /// Where the rows lie in the file.
    rows: Range<usize>,
}

/// One stored read, borrowed from the entry.
pub struct ReadRow<'a> {
    pub path: &'a str,
    /// The bytes' stamp and digest, or the error.
    pub seen: Result<(Stamp, &'a [u8]), &'a str>,
}

/// What one run stores.
pub struct Parts<'a> {
    pub fingerprint: &'a str,
    pub reference: Reference,
    pub walk: &'a str,
    pub reads: Vec<ReadRecord>,
    pub env: Vec<(String, Option<String>)>,
    pub files: &'a [SourceFile],
    pub stats: [usize; 9],
    pub argocd_stats: &'a str,
    pub diagnostics: &'a [Diagnostic],
}

fn range(r: &Reader<'_>, start: usize) -> Range<usize> {
    codec::BODY_AT + start..codec::BODY_AT + r.pos()
}

impl Entry {
    /// The entry in `file`; refused when it is not a whole entry of this
    /// format (cut short, corrupt, of another version) or does not parse.
    pub fn open(file: Vec<u8>) -> Result<Entry, Refused> {
        let body = codec::open(&file, MAGIC, FORMAT)?;
        Entry::parse(body)
            .map(|parts| parts.into_entry(file))
            .ok_or(Refused::Unreadable)
    }

    fn parse(body: &[u8]) -> Option<Parsed> {
        let mut r = Reader::new(body);
        let reference = Reference {
            dev: r.i64()? as u64,
            ns: r.i64()?,
        };
        let at = r.pos();
        r.str()?;
        let fingerprint = range(&r, at);
        let at = r.pos();
        r.str()?;
        let walk = range(&r, at);
        let at = r.pos();
        Strings::read(&mut r)?;
        let strings = range(&r, at);
        let mut env = Vec::new();
        for _ in 0..r.count(5)? {
            env.push((r.str()?.to_string(), r.opt_str()?.map(str::to_string)));
        }
        let mut groups = Vec::new();
        for _ in 0..r.count(13)? {
            let root = r.opt_str()?.map(str::to_string);
            let max_size = r.u64()?;
            let n = r.count(READ_ROW)?;
            let at = r.pos();
            r.rows(n, READ_ROW)?;
            groups.push(ReadGroup {
                root,
                max_size,
                rows: range(&r, at),
            });
        }
        let n = r.count(FILE_ROW)?;
        let at = r.pos();
        r.rows(n, FILE_ROW)?;
        let files = range(&r, at);
        let mut stats = [0usize; 9];
        for s in &mut stats {
            *s = usize::try_from(r.u64()?).ok()?;
        }
        let argocd_stats = r.str()?.to_string();
        let at = r.pos();
        r.take(body.len() - at)?;
        let diagnostics = range(&r, at);
        Some(Parsed(Entry {
            file: Vec::new(),
            reference,
            fingerprint,
            walk,
            strings,
            env,
            groups,
            files,
            stats,
            argocd_stats,
            diagnostics,
        }))
    }

    fn text(&self, r: &Range<usize>) -> &str {
        // Checked by `parse`: a length-prefixed UTF-8 string.
        std::str::from_utf8(&self.file[r.start + 4..r.end]).unwrap_or_default()
    }

    /// Digest of everything that decides findings besides file content.
    pub fn fingerprint(&self) -> &str {
        self.text(&self.fingerprint)
    }

    /// Digest of the discovery walk (every entry visited, the files kept).
    pub fn walk(&self) -> &str {
        self.text(&self.walk)
    }

    fn strings(&self) -> Strings<'_> {
        Strings::read(&mut Reader::new(&self.file[self.strings.clone()]))
            .expect("checked by `parse`")
    }

    fn rows(&self, r: &Range<usize>, width: usize) -> Rows<'_> {
        let bytes = &self.file[r.clone()];
        Reader::new(bytes)
            .rows(bytes.len() / width, width)
            .expect("checked by `parse`")
    }

    /// The rows of a read group, as raw rows (see [`Entry::read_row`]).
    pub fn read_rows(&self, g: &ReadGroup) -> Rows<'_> {
        self.rows(&g.rows, READ_ROW)
    }

    /// A read row; `None` when its strings do not fit (a bad entry).
    pub fn read_row<'a>(&'a self, row: Row<'a>) -> Option<ReadRow<'a>> {
        let strings = self.strings();
        let path = row.u32(0);
        let error = row.u32(4);
        Some(ReadRow {
            path: strings.get(path)?,
            seen: if error == NONE {
                Ok((
                    Stamp::from_row(row.i64s::<5>(STAMP_AT)),
                    row.slice(DIGEST_AT, 16),
                ))
            } else {
                Err(strings.get(error)?)
            },
        })
    }

    /// The row of `path` in a group (rows are sorted by path).
    pub fn find_read<'a>(&'a self, g: &ReadGroup, path: &str) -> Option<ReadRow<'a>> {
        let rows = self.read_rows(g);
        let strings = self.strings();
        let (mut lo, mut hi) = (0, rows.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            let row = rows.get(mid)?;
            match strings.get(row.u32(0))?.cmp(path) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return self.read_row(row),
            }
        }
        None
    }

    /// Give row `i` of group `g` a new stamp (same content, verified by
    /// reading it again).
    pub fn restamp(&mut self, g: usize, i: usize, stamp: Stamp) {
        let at = self.groups[g].rows.start + i * READ_ROW + STAMP_AT;
        for (k, v) in stamp.row().iter().enumerate() {
            self.file[at + 8 * k..at + 8 * k + 8].copy_from_slice(&v.to_le_bytes());
        }
    }

    /// Vouch for the stamps from `reference` on (see [`Entry::restamp`]).
    pub fn set_reference(&mut self, reference: Reference) {
        self.reference = reference;
        let at = codec::BODY_AT;
        self.file[at..at + 8].copy_from_slice(&(reference.dev as i64).to_le_bytes());
        self.file[at + 8..at + 16].copy_from_slice(&reference.ns.to_le_bytes());
    }

    /// The file to write after in-place changes.
    pub fn sealed_bytes(&mut self) -> &[u8] {
        codec::reseal(&mut self.file);
        &self.file
    }

    /// The run's source files in id order: path, kind, read error.
    pub fn files(&self) -> impl Iterator<Item = Option<(&str, FileKind, Option<&str>)>> + '_ {
        let strings = self.strings();
        let rows = self.rows(&self.files, FILE_ROW);
        (0..rows.len()).map(move |i| {
            let row = rows.get(i)?;
            let error = row.u32(8);
            Some((
                strings.get(row.u32(0))?,
                code_kind(row.u32(4))?,
                if error == NONE {
                    None
                } else {
                    Some(strings.get(error)?)
                },
            ))
        })
    }

    pub fn file_count(&self) -> usize {
        self.files.len() / FILE_ROW
    }

    /// Every finding of the run, before baseline and pre-commit scoping;
    /// `None` when one does not fit this run (a file id out of range, a rule
    /// that no longer exists).
    pub fn diagnostics(&self) -> Option<Vec<Diagnostic>> {
        let files = self.file_count();
        let mut r = Reader::new(&self.file[self.diagnostics.clone()]);
        let rules: std::collections::HashMap<&str, &'static str> = crate::rules::all_ids()
            .chain([crate::source::IO_ERROR])
            .map(|id| (id, id))
            .collect();
        let n = r.count(20)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(read_diag(&mut r, files, &rules)?);
        }
        Some(out)
    }
}

/// An entry parsed but not yet holding its file.
struct Parsed(Entry);

impl Parsed {
    fn into_entry(self, file: Vec<u8>) -> Entry {
        Entry { file, ..self.0 }
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
    pub fn record(&self, row: &ReadRow<'_>) -> ReadRecord {
        ReadRecord {
            how: self.how(),
            path: row.path.into(),
            seen: match row.seen {
                Ok((stamp, digest)) => Seen::Bytes {
                    stamp,
                    digest: codec::digest_hex(digest),
                },
                Err(e) => Seen::Error(e.to_string()),
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
}

impl Entry {
    /// The row's file read before `reference` with a stamp `stat` still
    /// gives: the fast case of [`ReadRecord::still_valid`], with nothing
    /// built (the stored path is passed to `stat` as it lies). `at` is
    /// [`ReadGroup::stat_dir`] (an absolute path ignores it).
    pub fn unchanged_by_stat(
        &self,
        row: Row<'_>,
        reference: Reference,
        at: Option<&StatDir>,
    ) -> bool {
        if row.u32(4) != NONE {
            return false;
        }
        let stamp = Stamp::from_row(row.i64s::<5>(STAMP_AT));
        if !stamp.settled(reference) {
            return false;
        }
        let Some(path) = self.strings().c_str(row.u32(0)) else {
            return false;
        };
        let now = match at {
            Some(at) => at.stamp_c(path),
            None => path
                .to_str()
                .ok()
                .and_then(|p| std::fs::metadata(p).ok())
                .map(|m| Stamp::of(&m)),
        };
        now == Some(stamp)
    }
}

/// The entry's bytes; `None` when one path was seen with two contents in one
/// run (it changed while being read: nothing to vouch for).
pub fn encode(p: Parts<'_>) -> Option<Vec<u8>> {
    let groups = group_reads(p.reads)?;
    let mut strings = StringsBuilder::default();
    let mut w = Writer::default();
    w.i64(p.reference.dev as i64);
    w.i64(p.reference.ns);
    w.str(p.fingerprint);
    w.str(p.walk);
    // Rows refer to strings: build them first, then write the table.
    let mut groups_w = Writer::default();
    groups_w.u32(groups.len() as u32);
    for (how, rows) in &groups {
        let (root, max_size) = match how {
            ReadKind::InRoot { root, max_size } => (Some(root.to_string_lossy()), *max_size),
            ReadKind::Bounded { max_size } => (None, *max_size),
        };
        groups_w.opt_str(root.as_deref());
        groups_w.u64(max_size);
        groups_w.u32(rows.len() as u32);
        for (path, seen) in rows {
            groups_w.u32(strings.intern(path));
            match seen {
                Seen::Bytes { stamp, digest } => {
                    groups_w.u32(NONE);
                    for v in stamp.row() {
                        groups_w.i64(v);
                    }
                    groups_w.bytes(&codec::digest_bytes(digest));
                }
                Seen::Error(e) => {
                    groups_w.u32(strings.intern(e));
                    groups_w.bytes(&[0; READ_ROW - 8]);
                }
            }
        }
    }
    let mut files_w = Writer::default();
    files_w.u32(p.files.len() as u32);
    for f in p.files {
        files_w.u32(strings.intern(&f.path));
        files_w.u32(kind_code(f.kind));
        files_w.u32(match &f.read_error {
            Some(e) => strings.intern(&e.to_string()),
            None => NONE,
        });
    }
    strings.write(&mut w);
    let mut env = p.env;
    env.sort();
    env.dedup();
    w.u32(env.len() as u32);
    for (name, value) in &env {
        w.str(name);
        w.opt_str(value.as_deref());
    }
    w.bytes(&groups_w.into_body());
    w.bytes(&files_w.into_body());
    for s in p.stats {
        w.u64(s as u64);
    }
    w.str(p.argocd_stats);
    w.u32(p.diagnostics.len() as u32);
    for d in p.diagnostics {
        write_diag(&mut w, d);
    }
    Some(w.finish(MAGIC, FORMAT))
}

type Grouped = Vec<(ReadKind, BTreeMap<String, Seen>)>;

fn group_reads(reads: Vec<ReadRecord>) -> Option<Grouped> {
    let mut groups: Grouped = Vec::new();
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
    Some(groups)
}

fn same_content(a: &Seen, b: &Seen) -> bool {
    match (a, b) {
        (Seen::Bytes { digest: x, .. }, Seen::Bytes { digest: y, .. }) => x == y,
        (x, y) => x == y,
    }
}

fn span_write(w: &mut Writer, s: Span) {
    w.u32(s.file.0);
    w.u32(s.start);
    w.u32(s.end);
}

fn span_read(r: &mut Reader<'_>, files: usize) -> Option<Span> {
    let (file, start, end) = (r.u32()?, r.u32()?, r.u32()?);
    ((file as usize) < files && start <= end)
        .then(|| Span::new(FileId(file), start as usize, end as usize))
}

fn write_diag(w: &mut Writer, d: &Diagnostic) {
    w.str(d.rule);
    w.u32(severity_code(d.severity));
    w.str(&d.message);
    span_write(w, d.span);
    w.u32(d.related.len() as u32);
    for r in &d.related {
        span_write(w, r.span);
        w.str(&r.message);
    }
    w.opt_str(d.help.as_deref());
    w.u32(d.context.units.len() as u32);
    for u in &d.context.units {
        w.str(u);
    }
    w.opt_str(d.context.env.as_deref());
    w.opt_str(d.context.object.as_deref());
    w.bool(d.fix.is_some());
    if let Some(f) = &d.fix {
        w.str(&f.message);
        w.bool(f.applicability == Applicability::Safe);
        w.u32(f.edits.len() as u32);
        for e in &f.edits {
            span_write(w, e.span);
            w.str(&e.replacement);
        }
    }
    w.bool(d.severity_set);
    w.bool(d.mask_source);
}

fn read_diag(
    r: &mut Reader<'_>,
    files: usize,
    rules: &std::collections::HashMap<&str, &'static str>,
) -> Option<Diagnostic> {
    let rule = *rules.get(r.str()?)?;
    let severity = code_severity(r.u32()?)?;
    let message = r.str()?.to_string();
    let mut d = Diagnostic::new(span_read(r, files)?, message);
    d.rule = rule;
    d.severity = severity;
    for _ in 0..r.count(16)? {
        d.related.push(Related {
            span: span_read(r, files)?,
            message: r.str()?.to_string(),
        });
    }
    d.help = r.opt_str()?.map(str::to_string);
    let mut units = Vec::new();
    for _ in 0..r.count(4)? {
        units.push(r.str()?.to_string());
    }
    d.context = Context {
        units,
        env: r.opt_str()?.map(str::to_string),
        object: r.opt_str()?.map(str::to_string),
    };
    if r.bool()? {
        let message = r.str()?.to_string();
        let safe = r.bool()?;
        let mut edits = Vec::new();
        for _ in 0..r.count(16)? {
            edits.push(Edit {
                span: span_read(r, files)?,
                replacement: r.str()?.to_string(),
            });
        }
        d.fix = Some(Fix {
            message,
            applicability: if safe {
                Applicability::Safe
            } else {
                Applicability::Unsafe
            },
            edits,
        });
    }
    d.severity_set = r.bool()?;
    d.mask_source = r.bool()?;
    Some(d)
}

fn severity_code(s: Severity) -> u32 {
    match s {
        Severity::Info => 0,
        Severity::Warning => 1,
        Severity::Error => 2,
    }
}

fn code_severity(c: u32) -> Option<Severity> {
    Some(match c {
        0 => Severity::Info,
        1 => Severity::Warning,
        2 => Severity::Error,
        _ => return None,
    })
}

fn kind_code(k: FileKind) -> u32 {
    match k {
        FileKind::Manifest => 0,
        FileKind::Kustomization => 1,
        FileKind::Config => 2,
        FileKind::Unreadable => 3,
    }
}

fn code_kind(c: u32) -> Option<FileKind> {
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
