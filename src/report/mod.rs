//! One renderer per output format, all over the same sorted findings.

mod concise;
mod github;
mod human;
mod json;
mod junit;
mod paths;
mod sarif;
mod short;
mod statistics;
mod summary;

use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::repo::Repo;
use crate::yaml::{LineCol, Span};

pub use paths::PathMap;
pub use statistics::render as statistics;
pub use summary::{footer, not_checked, Footer};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style findings with source snippets
    Human,
    /// findings grouped by file, one line each
    Concise,
    /// `path:line:col: severity[rule] message`, one line per finding
    Short,
    Json,
    Sarif,
    Github,
    Junit,
}

impl Format {
    /// Formats read by people (summary lines and footers follow them).
    pub fn is_text(self) -> bool {
        matches!(self, Format::Human | Format::Concise | Format::Short)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub objects: usize,
    pub units: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub elapsed_ms: u128,
    /// What the run did not check (Helm charts, no objects at all): said in the summary.
    pub not_checked: Vec<String>,
}

impl Summary {
    pub fn new(repo: &Repo, diags: &[Diagnostic], elapsed_ms: u128) -> Summary {
        let count = |s| diags.iter().filter(|d| d.severity == s).count();
        Summary {
            files: repo.stats.files,
            documents: repo.stats.documents,
            objects: repo.stats.objects,
            units: repo.stats.units,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            elapsed_ms,
            not_checked: summary::not_checked(repo),
        }
    }
}

/// A located range, 1-based, end exclusive.
#[derive(Debug, Clone, Copy)]
pub struct Region {
    pub start: LineCol,
    pub end: LineCol,
}

pub fn region(repo: &Repo, span: Span) -> Region {
    let file = repo.sources.get(span.file);
    Region {
        start: file.line_col(span.start as usize),
        end: file.line_col(span.end as usize),
    }
}

/// A file's path relative to the directory the run loaded.
pub fn path(repo: &Repo, span: Span) -> &str {
    repo.sources.path(span.file)
}

pub struct Options {
    pub color: bool,
    /// Print `(T ms)` in the human summary (off for snapshots).
    pub timing: bool,
}

/// What the command decides about presentation beyond [`Options`].
#[derive(Debug, Clone)]
pub struct View {
    pub paths: PathMap,
    /// Mark findings with a safe fix `[*]`.
    pub fixable_marker: bool,
    /// Human: show repeated findings of one rule in one file once, listing the rest.
    pub group_repeats: bool,
    /// Human: end with the `N errors, M warnings in F files` line.
    pub summary_line: bool,
    /// JUnit: findings at or above this severity are failures.
    pub fail_on: Option<Severity>,
}

impl View {
    /// Paths relative to the loaded directory, every finding in full.
    pub fn plain() -> View {
        View {
            paths: PathMap::default(),
            fixable_marker: false,
            group_repeats: false,
            summary_line: true,
            fail_on: Some(Severity::Info),
        }
    }
}

/// Whether `--fix` applies this finding's fix.
pub fn safe_fix(d: &Diagnostic) -> bool {
    d.fix
        .as_ref()
        .is_some_and(|f| f.applicability == Applicability::Safe)
}

/// Everything a renderer reads.
pub struct Cx<'a> {
    pub repo: &'a Repo,
    pub view: &'a View,
    pub opts: &'a Options,
}

impl Cx<'_> {
    /// Path relative to the repository root (SARIF, GitHub, JUnit, JSON).
    pub fn repo_path(&self, span: Span) -> String {
        self.view.paths.repo_path(path(self.repo, span))
    }
    /// Path for people: relative to the current directory.
    pub fn display_path(&self, span: Span) -> String {
        self.view.paths.display_path(path(self.repo, span))
    }
    pub fn region(&self, span: Span) -> Region {
        region(self.repo, span)
    }
    pub fn marker(&self, d: &Diagnostic) -> &'static str {
        if self.view.fixable_marker && safe_fix(d) {
            " [*]"
        } else {
            ""
        }
    }
}

pub fn render(
    format: Format,
    repo: &Repo,
    diags: &[Diagnostic],
    summary: &Summary,
    opts: &Options,
) -> String {
    render_with(format, repo, diags, summary, opts, &View::plain())
}

pub fn render_with(
    format: Format,
    repo: &Repo,
    diags: &[Diagnostic],
    summary: &Summary,
    opts: &Options,
    view: &View,
) -> String {
    let cx = Cx { repo, view, opts };
    match format {
        Format::Human => human::render(&cx, diags, summary),
        Format::Concise => concise::render(&cx, diags),
        Format::Short => short::render(&cx, diags),
        Format::Json => json::render(&cx, diags, summary),
        Format::Sarif => sarif::render(&cx, diags, summary),
        Format::Github => github::render(&cx, diags),
        Format::Junit => junit::render(&cx, diags),
    }
}
