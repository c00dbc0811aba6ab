use super::{FileCx, Rule, RuleMeta, Scope};
use crate::diagnostic::{Diagnostic, Severity};

/// A mapping repeats a key; Kubernetes silently keeps the last value.
pub struct DuplicateKey;

static META: RuleMeta = RuleMeta::new(
    "duplicate-key",
    Severity::Error,
    Scope::File,
    "a mapping repeats a key (Kubernetes silently keeps the last)",
);

impl Rule for DuplicateKey {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_file(&self, cx: &FileCx, out: &mut Vec<Diagnostic>) {
        for doc in &cx.file.parsed.documents {
            for dup in &doc.duplicates {
                out.push(
                    Diagnostic::new(dup.second, format!("duplicate key `{}`", dup.name))
                        .with_related(dup.first, "first defined here")
                        .with_help("remove one of the keys; only the last value takes effect"),
                );
            }
        }
    }
}
