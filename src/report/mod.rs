//! One renderer per output format, all over the same sorted findings.

mod github;
mod human;
mod json;
mod junit;
mod sarif;
mod short;

use crate::diagnostic::{Diagnostic, Severity};
use crate::repo::Repo;
use crate::yaml::{LineCol, Span};

pub use human::render as human;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Short,
    Json,
    Sarif,
    Github,
    Junit,
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
            not_checked: repo.stats.not_checked(),
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

pub fn path(repo: &Repo, span: Span) -> &str {
    repo.sources.path(span.file)
}

pub struct Options {
    pub color: bool,
    /// Print `(T ms)` in the human summary (off for snapshots).
    pub timing: bool,
}

pub fn render(
    format: Format,
    repo: &Repo,
    diags: &[Diagnostic],
    summary: &Summary,
    opts: &Options,
) -> String {
    match format {
        Format::Human => human::render(repo, diags, summary, opts),
        Format::Short => short::render(repo, diags),
        Format::Json => json::render(repo, diags, summary),
        Format::Sarif => sarif::render(repo, diags),
        Format::Github => github::render(repo, diags),
        Format::Junit => junit::render(repo, diags),
    }
}
