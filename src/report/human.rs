use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::{Cx, Summary};
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

/// A rule repeated this often in one file is shown once, with the rest listed.
const GROUP_AT: usize = 3;

/// The findings to be grouped under the first of their rule in their file:
/// by that first finding's index, the others; and the others' indices.
fn repeats<'d>(
    cx: &Cx,
    diags: &'d [Diagnostic],
) -> (HashMap<usize, Vec<&'d Diagnostic>>, HashSet<usize>) {
    let mut by_key: HashMap<(crate::yaml::FileId, &str), Vec<usize>> = HashMap::new();
    if cx.view.group_repeats {
        for (i, d) in diags.iter().enumerate() {
            by_key.entry((d.span.file, d.rule)).or_default().push(i);
        }
    }
    let mut grouped = HashSet::new();
    let groups = by_key
        .into_values()
        .filter(|v| v.len() >= GROUP_AT)
        .map(|v| {
            grouped.extend(v[1..].iter().copied());
            (v[0], v[1..].iter().map(|&i| &diags[i]).collect())
        })
        .collect();
    (groups, grouped)
}

pub fn render(cx: &Cx, diags: &[Diagnostic], summary: &Summary) -> String {
    let opts = cx.opts;
    let (groups, grouped) = repeats(cx, diags);
    let renderer = if opts.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    // Each finding renders on its own (annotate-snippets lays out every
    // snippet): side by side, then joined in order.
    let rendered: Vec<String> = diags
        .par_iter()
        .enumerate()
        .filter(|(i, _)| !grouped.contains(i))
        .map(|(i, d)| render_one(cx, &renderer, &groups, i, d))
        .collect();
    let mut out = String::with_capacity(rendered.iter().map(String::len).sum::<usize>() + 256);
    for piece in &rendered {
        out.push_str(piece);
    }
    if !cx.view.summary_line {
        return out;
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

/// One finding as annotate-snippets shows it, with the findings grouped under it.
fn render_one(
    cx: &Cx,
    renderer: &Renderer,
    groups: &HashMap<usize, Vec<&Diagnostic>>,
    i: usize,
    d: &Diagnostic,
) -> String {
    let repo = cx.repo;
    let file = repo.sources.get(d.span.file);
    let masked = masked_source(repo, d);
    let source: &str = masked.as_deref().unwrap_or(&file.text);
    let shown_path = cx.display_path(d.span);
    let related_paths: Vec<String> = d.related.iter().map(|r| cx.display_path(r.span)).collect();
    let mut primary = Snippet::source(source)
        .path(shown_path.as_str())
        .annotation(AnnotationKind::Primary.span(d.span.range()).label(""));
    let mut others: Vec<Snippet<'_, annotate_snippets::Annotation<'_>>> = Vec::new();
    for (rel, rel_path) in d.related.iter().zip(&related_paths) {
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
                    .path(rel_path.as_str())
                    .annotation(
                        AnnotationKind::Context
                            .span(rel.span.range())
                            .label(rel.message.as_str()),
                    ),
            );
        }
    }
    let title = if cx.marker(d).is_empty() {
        d.message.clone()
    } else {
        format!("[*] {}", d.message)
    };
    let mut group = level(d.severity)
        .primary_title(title.as_str())
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
    let more = groups.get(&i).map(|rest| {
        let mut text = format!("{} more `{}` in this file:", rest.len(), d.rule);
        for r in rest {
            let at = cx.region(r.span).start;
            text.push_str(&format!(
                "\n{}:{}:{}: {}{}",
                shown_path,
                at.line,
                at.column,
                if cx.marker(r).is_empty() { "" } else { "[*] " },
                r.message
            ));
        }
        text
    });
    if let Some(more) = &more {
        group = group.element(Level::NOTE.message(more.as_str()));
    }
    let report: Vec<Group<'_>> = vec![group];
    let mut out = renderer.render(&report);
    out.push_str("\n\n");
    out
}
