use super::{FileCx, Rule, RuleMeta, Scope};
use crate::diagnostic::{Diagnostic, Severity};
use crate::yaml::Span;

/// The file does not parse as YAML (or is not text at all).
pub struct YamlSyntax;

static META: RuleMeta = RuleMeta::new(
    "yaml-syntax",
    Severity::Error,
    Scope::File,
    "the file does not parse as YAML",
);

impl Rule for YamlSyntax {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_file(&self, cx: &FileCx, out: &mut Vec<Diagnostic>) {
        let Some(err) = &cx.file.parsed.error else {
            return;
        };
        let text = &cx.file.text;
        let start = err.offset.min(text.len());
        // Underline one character (or nothing at end of file).
        let end = text[start..]
            .chars()
            .next()
            .filter(|c| *c != '\n' && *c != '\r')
            .map_or(start, |c| start + c.len_utf8());
        out.push(
            Diagnostic::new(Span::new(cx.file.id, start, end), &err.message).with_help(
                "fix the YAML syntax; nothing else in this file was checked past this point",
            ),
        );
    }
}
