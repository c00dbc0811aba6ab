//! Template rendering (`Render.Replace`, `RenderTemplateParams`,
//! `mergeGeneratorTemplate` of `applicationset/`): one string, a whole
//! template, a generator to interpolate, and `templatePatch`.

use serde_json::Value as J;

use super::gotemplate::{self, Error};
use super::{Element, Issue, Syntax};
use crate::yaml::{Node, Span, Value};

/// One rendered string.
#[derive(Debug, Default)]
pub struct Rendered {
    pub text: String,
    /// Parameters the string reads that the element lacks.
    pub missing: Vec<String>,
    /// `missingkey=error` failed: Argo CD stops the ApplicationSet.
    pub fatal: bool,
    /// Go rejects the template itself (why): Argo CD generates nothing for it.
    pub invalid: Option<String>,
}

/// Render one string. A string the evaluator cannot run (an unknown Sprig
/// function, `include`) stays as written: later stages treat it as unknown.
pub fn render(s: &str, params: &J, syntax: Syntax) -> Rendered {
    if !s.contains("{{") {
        return Rendered {
            text: s.to_string(),
            ..Default::default()
        };
    }
    if syntax.go {
        return match gotemplate::render(s, params, syntax.missing_error) {
            Ok(r) => {
                // Without missingkey=error a missing key prints `<no value>`;
                // read only inside `if`/`default`, it is not a mistake.
                let printed = r.text.contains("<no value>");
                Rendered {
                    missing: if printed { r.missing } else { Vec::new() },
                    text: r.text,
                    ..Default::default()
                }
            }
            Err(Error::MissingKey(k)) => Rendered {
                text: s.to_string(),
                missing: vec![k],
                fatal: true,
                ..Default::default()
            },
            Err(e) => Rendered {
                text: s.to_string(),
                invalid: super::parse_error::argo_cd_fails(s, &e),
                ..Default::default()
            },
        };
    }
    fasttemplate(s, params)
}

/// fasttemplate with Argo CD's callback: a tag names a flat parameter; an
/// unknown tag is written back as it was.
fn fasttemplate(s: &str, params: &J) -> Rendered {
    let mut out = Rendered::default();
    let mut rest = s;
    while let Some(open) = rest.find("{{") {
        out.text.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.text.push_str(&rest[open..]);
            return out;
        };
        let tag = &after[..close];
        let key = tag.trim();
        match params.get(key).and_then(J::as_str) {
            Some(v) if !key.is_empty() => out.text.push_str(v),
            _ => {
                if is_param_name(key) {
                    out.missing.push(key.to_string());
                }
                out.text.push_str("{{");
                out.text.push_str(tag);
                out.text.push_str("}}");
            }
        }
        rest = &after[close + 2..];
    }
    out.text.push_str(rest);
    out
}

/// `name`, `path.basename`, `path[0]`, `values.x`: what a generator could
/// provide (not `.Values.x`, Go template syntax, or expressions).
fn is_param_name(key: &str) -> bool {
    !key.is_empty()
        && !key.starts_with('.')
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || "_-./[]".contains(c))
}

/// The Application template rendered for one element, or `None` when Argo
/// CD fails on it (`missingkey=error`, a string Go cannot parse). Missing
/// parameters and parse errors are recorded in
/// `issues` at the string that reads them.
pub fn render_template(
    template: &Node,
    element: &Element,
    syntax: Syntax,
    patch: Option<&Node>,
    issues: &mut Vec<Issue>,
) -> Option<Node> {
    let mut node = template.clone();
    let mut fatal = false;
    render_strings(&mut node, &mut |s, span| {
        let r = render(s, &element.params, syntax);
        for key in &r.missing {
            issues.push(Issue::MissingKey {
                span,
                key: key.clone(),
                element: element.label.clone(),
                fatal: r.fatal,
                rendered: if r.fatal {
                    String::new()
                } else {
                    r.text.clone()
                },
            });
        }
        if let Some(reason) = &r.invalid {
            issues.push(Issue::TemplateError {
                span,
                text: s.to_string(),
                reason: reason.clone(),
                element: element.label.clone(),
            });
        }
        fatal |= r.fatal || r.invalid.is_some();
        r.text
    });
    if fatal {
        return None;
    }
    // `templatePatch` is rendered like the template, in the set's syntax
    // (the controller does not require `goTemplate`); a patch that fails to
    // render, or keeps a tag, is not applied.
    if let Some(patch) = patch {
        if let Some(src) = patch.as_str() {
            let rendered = render(src, &element.params, syntax);
            if !rendered.fatal && !rendered.text.contains("{{") {
                super::patch::apply(&mut node, &rendered.text, patch.span);
            }
        }
    }
    Some(node)
}

/// A generator with the parameters of a matrix's first child substituted.
pub fn render_generator(generator: &Node, params: &J, syntax: Syntax) -> Node {
    let mut node = generator.clone();
    render_strings(&mut node, &mut |s, _| render(s, params, syntax).text);
    node
}

fn render_strings(node: &mut Node, f: &mut dyn FnMut(&str, Span) -> String) {
    let span = node.span;
    match &mut node.value {
        Value::Str(s) if s.contains("{{") => *s = f(s, span).into(),
        Value::Seq(items) => items.iter_mut().for_each(|i| render_strings(i, f)),
        Value::Map(entries) => entries
            .iter_mut()
            .for_each(|e| render_strings(&mut e.value, f)),
        _ => {}
    }
}

/// `mergeGeneratorTemplate`: the generator's template, with every field it
/// leaves empty taken from the ApplicationSet's (`mergo.Merge`).
pub fn merge_template(own: &Node, base: &Node) -> Node {
    let mut out = own.clone();
    fill_empty(&mut out, base);
    out
}

fn is_empty(n: &Node) -> bool {
    match &n.value {
        Value::Null => true,
        Value::Str(s) => s.is_empty(),
        Value::Seq(s) => s.is_empty(),
        Value::Map(m) => m.is_empty(),
        Value::Bool(b) => !b,
        Value::Int(i) => *i == 0,
        Value::Float(f) => *f == 0.0,
    }
}

fn fill_empty(dest: &mut Node, src: &Node) {
    if is_empty(dest) {
        *dest = src.clone();
        return;
    }
    let (Value::Map(d), Value::Map(s)) = (&mut dest.value, &src.value) else {
        return;
    };
    for e in s {
        match d.iter_mut().find(|x| x.key.name == e.key.name) {
            Some(existing) => fill_empty(&mut existing.value, &e.value),
            None => d.push(e.clone()),
        }
    }
}
