//! A template parameter an element does not provide. Argo CD renders it as
//! Go's `<no value>` (Go templates), leaves the tag as written
//! (fasttemplate, `Render.Replace` in `applicationset/utils/utils.go`), or
//! with `goTemplateOptions: ["missingkey=error"]` fails the whole
//! ApplicationSet so that none of its Applications is updated.

use std::collections::BTreeMap;

use super::model;
use crate::argocd::appset::Issue;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RepoCx, Rule, RuleMeta, Scope};
use crate::yaml::Span;

/// An ApplicationSet template uses a parameter a generator element lacks.
pub struct AppsetTemplateKey;

static META: RuleMeta = RuleMeta::new(
    "appset-template-key",
    Severity::Error,
    Scope::Repo,
    "an ApplicationSet template uses a parameter that a generator element does not provide",
);

impl Rule for AppsetTemplateKey {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_repo(&self, cx: &RepoCx, out: &mut Vec<Diagnostic>) {
        let m = model(cx.repo);
        for set in &m.appsets {
            // (span, key) → elements lacking it, fatal, what Argo CD writes.
            let mut by_key: BTreeMap<(Span, String), (Vec<&str>, bool, &str)> = BTreeMap::new();
            for issue in &set.issues {
                if let Issue::MissingKey {
                    span,
                    key,
                    element,
                    fatal,
                    rendered,
                } = issue
                {
                    let e = by_key.entry((*span, key.clone())).or_insert((
                        Vec::new(),
                        *fatal,
                        rendered.as_str(),
                    ));
                    if !e.0.contains(&element.as_str()) {
                        e.0.push(element);
                    }
                }
            }
            let total = set.generated + set.failed_elements;
            template_errors(set, total, out);
            for ((span, key), (elements, fatal, rendered)) in by_key {
                let n = elements.len();
                let mut listed: Vec<&str> = elements.iter().take(3).copied().collect();
                let more = format!("{} more", n.saturating_sub(3));
                if n > 3 {
                    listed.push(&more);
                }
                let which = if n == 1 {
                    listed[0].to_string()
                } else {
                    format!("{n} of {total} elements ({})", listed.join(", "))
                };
                let effect = if fatal {
                    "with missingkey=error Argo CD fails the whole ApplicationSet and updates none of its Applications".to_string()
                } else {
                    format!("Argo CD renders `{}`", rendered.trim())
                };
                out.push(
                    Diagnostic::new(
                        span,
                        format!(
                            "ApplicationSet {}: the template reads `{key}`, which {which} does not provide: {effect}",
                            set.name
                        ),
                    )
                    .with_related(set.anchor, format!("ApplicationSet {}", set.name))
                    .with_help("add the parameter to every element, guard it with `default`, or fix its name"),
                );
            }
        }
    }
}

/// Template strings Go rejects, once per string with the elements they stop.
fn template_errors(set: &crate::argocd::AppSet, total: usize, out: &mut Vec<Diagnostic>) {
    let mut by_span: BTreeMap<Span, (&str, &str, Vec<&str>)> = BTreeMap::new();
    for issue in &set.issues {
        if let Issue::TemplateError {
            span,
            text,
            reason,
            element,
        } = issue
        {
            let e = by_span
                .entry(*span)
                .or_insert((text.as_str(), reason.as_str(), Vec::new()));
            if !e.2.contains(&element.as_str()) {
                e.2.push(element);
            }
        }
    }
    for (span, (text, reason, elements)) in by_span {
        let which = if elements.len() == total {
            format!("none of its {total} Applications is generated")
        } else {
            format!(
                "the Applications of {} of {total} elements are not generated",
                elements.len()
            )
        };
        let help = match reason.strip_prefix("function \"") {
            Some(name) => format!(
                "with `goTemplate: true` a parameter is a field: write `{{{{.{}}}}}`, or fix the function's name",
                name.trim_end_matches("\" not defined")
            ),
            None => "fix the template: every `{{end}}` closes an `if`, `range` or `with`".into(),
        };
        out.push(
            Diagnostic::new(
                span,
                format!(
                    "ApplicationSet {}: Argo CD cannot parse the Go template `{text}` ({reason}): {which}",
                    set.name
                ),
            )
            .with_related(set.anchor, format!("ApplicationSet {}", set.name))
            .with_help(help),
        );
    }
}
