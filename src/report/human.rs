use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{Options, Summary};
use crate::diagnostic::{mask, Diagnostic, Severity};
use crate::repo::Repo;

/// Source text with the finding's secret masked in place (same length, so spans stay valid).
fn masked_source(repo: &Repo, d: &Diagnostic) -> Option<String> {
    if !d.mask_source {
        return None;
    }
    let file = repo.sources.get(d.span.file);
    let secret = &file.text[d.span.range()];
    let masked = mask(secret);
    let shown: String = masked
        .chars()
        .chain(std::iter::repeat('*'))
        .take(secret.chars().count())
        .collect();
    let mut text = file.text.clone();
    text.replace_range(d.span.range(), &shown);
    Some(text)
}

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

pub fn render(repo: &Repo, diags: &[Diagnostic], summary: &Summary, opts: &Options) -> String {
    let renderer = if opts.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diags {
        let file = repo.sources.get(d.span.file);
        let masked = masked_source(repo, d);
        let source: &str = masked.as_deref().unwrap_or(&file.text);
        let mut primary = Snippet::source(source)
            .path(file.path.as_str())
            .annotation(AnnotationKind::Primary.span(d.span.range()).label(""));
        let mut others: Vec<Snippet<'_, annotate_snippets::Annotation<'_>>> = Vec::new();
        for rel in &d.related {
            if rel.span.file == d.span.file {
                primary = primary.annotation(
                    AnnotationKind::Context
                        .span(rel.span.range())
                        .label(rel.message.as_str()),
                );
            } else {
                let f = repo.sources.get(rel.span.file);
                others.push(
                    Snippet::source(f.text.as_str())
                        .path(f.path.as_str())
                        .annotation(
                            AnnotationKind::Context
                                .span(rel.span.range())
                                .label(rel.message.as_str()),
                        ),
                );
            }
        }
        let title = format!("{}[{}]: {}", d.severity.as_str(), d.rule, d.message);
        let _ = title;
        let mut group = level(d.severity)
            .primary_title(d.message.as_str())
            .id(d.rule)
            .element(primary);
        for s in others {
            group = group.element(s);
        }
        if let Some(help) = &d.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        let mut context = Vec::new();
        if let Some(o) = &d.context.object {
            context.push(format!("object: {o}"));
        }
        if !d.context.units.is_empty() {
            context.push(format!("unit: {}", d.context.units.join(", ")));
        }
        if let Some(env) = &d.context.env {
            context.push(format!("env: {env}"));
        }
        let note = context.join("; ");
        if !note.is_empty() {
            group = group.element(Level::NOTE.message(note.as_str()));
        }
        let report: Vec<Group<'_>> = vec![group];
        out.push_str(&renderer.render(&report));
        out.push_str("\n\n");
    }
    let files_with = {
        let mut f: Vec<_> = diags.iter().map(|d| d.span.file).collect();
        f.sort();
        f.dedup();
        f.len()
    };
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    let mut line = format!(
        "{}, {} in {}",
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(files_with, "file")
    );
    if opts.timing {
        line.push_str(&format!(" ({} ms)", summary.elapsed_ms));
    }
    for note in &summary.not_checked {
        line.push_str("; ");
        line.push_str(note);
    }
    out.push_str(&line);
    out.push('\n');
    out
}
