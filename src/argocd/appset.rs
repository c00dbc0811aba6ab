//! ApplicationSet expansion: `list` and `git` directory generators, with
//! both template syntaxes (`{{path.basename}}` and, with `goTemplate: true`,
//! `{{ .path.basename }}`). Other generators are skipped and counted.

use std::path::Path;

use serde_json::{Map, Value as J};

use crate::yaml::{Node, Span, Value};

/// One generated parameter set and where it comes from.
#[derive(Clone, Debug)]
pub struct Element {
    /// The list element, or the `directories` entry that produced it.
    pub span: Span,
    /// `element {env: prod}` / `directory apps/web`, for messages.
    pub label: String,
    /// Parameters, nested (Go templates read `.path.basename`).
    pub params: J,
}

/// What a generator list yields.
#[derive(Default, Debug)]
pub struct Expansion {
    pub elements: Vec<Element>,
    /// Generators this linter does not expand (matrix, clusters, git files, ...).
    pub skipped: usize,
}

/// Expand the generators of an ApplicationSet spec. `in_repo` says whether a
/// git generator's repoURL is this repository; `dirs` lists the repository's
/// directories (relative, `/`-separated), computed on demand.
pub fn expand(
    spec: &Node,
    in_repo: &dyn Fn(&str) -> bool,
    dirs: &mut dyn FnMut() -> Vec<String>,
) -> Expansion {
    let mut out = Expansion::default();
    for generator in spec.get("generators").map(Node::items).unwrap_or(&[]) {
        let mut handled = false;
        if let Some(list) = generator.get("list") {
            if let Some(elements) = list.get("elements").and_then(Node::as_seq) {
                for el in elements {
                    let params = el.to_json();
                    if !params.is_object() {
                        continue;
                    }
                    out.elements.push(Element {
                        span: el.span,
                        label: format!("element {}", compact(&params)),
                        params,
                    });
                }
                handled = true;
            }
        } else if let Some(git) = generator.get("git") {
            let repo_url = git.str_at(&["repoURL"]).unwrap_or("");
            if let (Some(items), true) = (
                git.get("directories").and_then(Node::as_seq),
                in_repo(repo_url),
            ) {
                let all = dirs();
                let excludes: Vec<&str> = items
                    .iter()
                    .filter(|i| i.get("exclude").and_then(Node::as_bool) == Some(true))
                    .filter_map(|i| i.str_at(&["path"]))
                    .collect();
                for item in items {
                    if item.get("exclude").and_then(Node::as_bool) == Some(true) {
                        continue;
                    }
                    let Some(pattern_node) = item.get("path") else {
                        continue;
                    };
                    let Some(pattern) = pattern_node.as_str() else {
                        continue;
                    };
                    for dir in &all {
                        if super::glob::matches(pattern, dir, &['/'])
                            && !excludes
                                .iter()
                                .any(|x| super::glob::matches(x, dir, &['/']))
                        {
                            out.elements.push(Element {
                                span: pattern_node.span,
                                label: format!("directory {dir}"),
                                params: path_params(dir),
                            });
                        }
                    }
                }
                handled = true;
            }
        }
        if !handled {
            out.skipped += 1;
        }
    }
    out
}

fn compact(v: &J) -> String {
    match v {
        J::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{k}: {}", compact(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        J::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Parameters of a git directory: `path`, `path.basename`, ... (flat form
/// for the default syntax) and `{path: {path, basename, segments}}` (Go).
fn path_params(dir: &str) -> J {
    let basename = dir.rsplit('/').next().unwrap_or(dir);
    let normalized: String = basename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let segments: Vec<J> = dir.split('/').map(|s| J::String(s.into())).collect();
    let mut path = Map::new();
    path.insert("path".into(), J::String(dir.into()));
    path.insert("basename".into(), J::String(basename.into()));
    path.insert("basenameNormalized".into(), J::String(normalized));
    path.insert("segments".into(), J::Array(segments));
    let mut m = Map::new();
    m.insert("path".into(), J::Object(path));
    J::Object(m)
}

/// Flat parameters for the default (fasttemplate) syntax.
fn flat_params(params: &J) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(map) = params.as_object() else {
        return out;
    };
    for (k, v) in map {
        if k == "path" {
            if let Some(p) = v.as_object() {
                // git directory parameters
                if let Some(J::String(full)) = p.get("path") {
                    out.push(("path".into(), full.clone()));
                    for (i, seg) in full.split('/').enumerate() {
                        out.push((format!("path[{i}]"), seg.to_string()));
                    }
                }
                for key in ["basename", "basenameNormalized"] {
                    if let Some(J::String(s)) = p.get(key) {
                        out.push((format!("path.{key}"), s.clone()));
                    }
                }
                continue;
            }
        }
        match v {
            J::String(s) => out.push((k.clone(), s.clone())),
            J::Object(inner) => {
                for (ik, iv) in inner {
                    if let Some(s) = scalar(iv) {
                        out.push((format!("{k}.{ik}"), s));
                    }
                }
            }
            other => {
                if let Some(s) = scalar(other) {
                    out.push((k.clone(), s));
                }
            }
        }
    }
    out
}

fn scalar(v: &J) -> Option<String> {
    match v {
        J::String(s) => Some(s.clone()),
        J::Number(n) => Some(n.to_string()),
        J::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Substitute the parameters into one string. Unknown references are left
/// as written (so the result still contains `{{` and is treated as unknown).
pub fn render(s: &str, params: &J, go: bool) -> String {
    if !s.contains("{{") {
        return s.to_string();
    }
    let flat = if go { Vec::new() } else { flat_params(params) };
    let mut out = String::new();
    let mut rest = s;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.push_str(&rest[open..]);
            return out;
        };
        let tag = &after[..close];
        let replacement = if go {
            go_eval(tag, params)
        } else {
            let t = tag.trim();
            flat.iter().find(|(k, _)| k == t).map(|(_, v)| v.clone())
        };
        match replacement {
            Some(r) => out.push_str(&r),
            None => {
                out.push_str("{{");
                out.push_str(tag);
                out.push_str("}}");
            }
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

/// A small subset of Go templates: `.a.b`, `index .a.b N`, and pipelines
/// through `lower`, `upper`, `trim`.
fn go_eval(tag: &str, params: &J) -> Option<String> {
    let tag = tag
        .trim()
        .trim_start_matches('-')
        .trim_end_matches('-')
        .trim();
    let mut stages = tag.split('|').map(str::trim);
    let head = stages.next()?;
    let words: Vec<&str> = head.split_whitespace().collect();
    let mut value = match words.as_slice() {
        [path] if path.starts_with('.') => lookup(params, path)?,
        ["index", path, idx] if path.starts_with('.') => {
            let arr = lookup_json(params, path)?;
            scalar(arr.as_array()?.get(idx.parse::<usize>().ok()?)?)?
        }
        _ => return None,
    };
    for stage in stages {
        value = match stage {
            "lower" => value.to_lowercase(),
            "upper" => value.to_uppercase(),
            "trim" => value.trim().to_string(),
            _ => return None,
        };
    }
    Some(value)
}

fn lookup_json<'a>(params: &'a J, path: &str) -> Option<&'a J> {
    path.trim_start_matches('.')
        .split('.')
        .filter(|s| !s.is_empty())
        .try_fold(params, |v, key| v.get(key))
}

fn lookup(params: &J, path: &str) -> Option<String> {
    scalar(lookup_json(params, path)?)
}

/// The template with every string value rendered for one element.
pub fn render_node(template: &Node, params: &J, go: bool) -> Node {
    let mut node = template.clone();
    render_in_place(&mut node, params, go);
    node
}

fn render_in_place(node: &mut Node, params: &J, go: bool) {
    match &mut node.value {
        Value::Str(s) if s.contains("{{") => *s = render(s, params, go),
        Value::Seq(items) => items
            .iter_mut()
            .for_each(|i| render_in_place(i, params, go)),
        Value::Map(entries) => entries
            .iter_mut()
            .for_each(|e| render_in_place(&mut e.value, params, go)),
        _ => {}
    }
}

/// Directories of the tree under `root` (relative, without hidden ones).
pub fn list_dirs(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((abs, rel)) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&abs) else {
            continue;
        };
        for entry in rd.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let Ok(ft) = entry.file_type() else { continue };
            if !ft.is_dir() {
                continue;
            }
            let child = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            out.push(child.clone());
            stack.push((entry.path(), child));
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn default_syntax() {
        let p = path_params("apps/web");
        assert_eq!(render("{{path}}/overlays", &p, false), "apps/web/overlays");
        assert_eq!(render("{{ path.basename }}-prod", &p, false), "web-prod");
        assert_eq!(render("{{path[0]}}", &p, false), "apps");
        assert_eq!(render("{{unknown}}", &p, false), "{{unknown}}");
        let l = json!({"env": "prod", "cluster": {"name": "c1"}});
        assert_eq!(render("x/{{env}}/{{cluster.name}}", &l, false), "x/prod/c1");
    }

    #[test]
    fn go_syntax() {
        let p = path_params("apps/Web");
        assert_eq!(render("{{.path.basename}}", &p, true), "Web");
        assert_eq!(render("{{ .path.path }}/prod", &p, true), "apps/Web/prod");
        assert_eq!(render("{{ .path.basename | lower }}", &p, true), "web");
        assert_eq!(render("{{ index .path.segments 0 }}", &p, true), "apps");
        assert_eq!(render("{{ .nope }}", &p, true), "{{ .nope }}");
    }
}
