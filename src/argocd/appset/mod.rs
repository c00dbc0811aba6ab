//! ApplicationSet expansion as Argo CD's ApplicationSet controller does it
//! (`applicationset/generators/*.go`, `applicationset/utils/utils.go`):
//! every generator that can be evaluated offline — `list`, `clusters` (cluster
//! Secrets of this repository plus the in-cluster cluster), `git`
//! directories and files of this repository, `matrix` and `merge` over them —
//! with generator-level `template`s, `selector`s, `values`, `templatePatch`,
//! both template syntaxes (fasttemplate `{{name}}` and, with
//! `goTemplate: true`, Go templates with Sprig) and `missingkey=error`.
//!
//! A generator that needs a live system (SCM provider, pull request, cluster
//! decision resource, plugin, a git repository other than this one, clusters
//! when the repository holds no cluster Secret) is counted, and its template
//! is still returned with unknown parameters so that every field not
//! depending on them is checked.

mod generators;
pub mod gotemplate;
mod parse_error;
mod patch;
mod render;
mod sprig;
mod template_error;

use serde_json::Value as J;

use crate::yaml::{Node, Span};

pub use generators::{selector_matches, Cluster, Tree};
pub use render::{render, render_template};

/// One generated parameter set and where it comes from.
#[derive(Clone, Debug)]
pub struct Element {
    /// The list element, directory pattern, file or cluster Secret that produced it.
    pub span: Span,
    /// `element {env: prod}`, `directory apps/web`, `cluster prod-eu`, for messages.
    pub label: String,
    /// Parameters: flat `{"path.basename": "web"}` for the default syntax,
    /// nested `{"path": {"basename": "web"}}` for Go templates.
    pub params: J,
}

/// The Applications one top-level generator yields.
#[derive(Clone, Debug)]
pub struct Group {
    /// The generator's template merged over the ApplicationSet's.
    pub template: Node,
    pub elements: Vec<Element>,
    /// The parameters are not known offline (`not_expandable` says why):
    /// `template` is checked as written.
    pub unknown: bool,
}

/// A generator this linter cannot evaluate, by kind, with its position.
#[derive(Clone, Debug)]
pub struct NotExpandable {
    pub kind: &'static str,
    pub span: Span,
}

/// Something wrong in the ApplicationSet itself.
#[derive(Clone, Debug)]
pub enum Issue {
    /// A git `directories`/`files` include pattern matching nothing.
    NothingMatched {
        span: Span,
        pattern: String,
        files: bool,
    },
    /// A template string uses a parameter an element does not provide.
    MissingKey {
        span: Span,
        key: String,
        element: String,
        /// `missingkey=error`: Argo CD fails the whole ApplicationSet.
        fatal: bool,
        /// What Argo CD writes instead (`<no value>`, the tag as written).
        rendered: String,
    },
    /// A Go template string Argo CD cannot parse (`{{cluster}}` under
    /// `goTemplate: true`): the element's Application is not generated.
    TemplateError {
        span: Span,
        text: String,
        reason: String,
        element: String,
    },
}

#[derive(Debug, Default)]
pub struct Expansion {
    pub groups: Vec<Group>,
    pub not_expandable: Vec<NotExpandable>,
    pub issues: Vec<Issue>,
}

/// How the ApplicationSet renders: syntax and options.
#[derive(Clone, Copy, Debug)]
pub struct Syntax {
    pub go: bool,
    pub missing_error: bool,
}

impl Syntax {
    pub fn of(spec: &Node) -> Syntax {
        let go = spec.get("goTemplate").and_then(Node::as_bool) == Some(true);
        let missing_error = spec
            .get("goTemplateOptions")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(Node::as_str)
            .any(|o| o.replace(' ', "") == "missingkey=error");
        Syntax { go, missing_error }
    }
}

/// Expand the generators of an ApplicationSet spec against the repository.
pub fn expand(spec: &Node, tree: &dyn Tree) -> Expansion {
    let syntax = Syntax::of(spec);
    let mut out = Expansion::default();
    let empty = Node::new(crate::yaml::Value::Map(Default::default()), spec.span);
    let base = spec.get("template").unwrap_or(&empty);
    let mut g = generators::Gen {
        syntax,
        tree,
        not_expandable: &mut out.not_expandable,
        issues: &mut out.issues,
    };
    for generator in spec.get("generators").map(Node::items).unwrap_or(&[]) {
        let template = match generator_template(generator) {
            Some(own) => render::merge_template(own, base),
            None => base.clone(),
        };
        let produced = g.generate(generator, &J::Object(Default::default()), 0);
        let (elements, unknown) = match produced {
            Some(elements) => (elements, false),
            None => (Vec::new(), true),
        };
        out.groups.push(Group {
            template,
            elements,
            unknown,
        });
    }
    out
}

/// The `template` of a generator (`list.template`, `matrix.template`, ...).
fn generator_template(generator: &Node) -> Option<&Node> {
    generator
        .entries()
        .iter()
        .filter(|e| e.key.name != "selector")
        .find_map(|e| e.value.get("template"))
}

#[cfg(test)]
mod tests;
