//! The generators, each as its `applicationset/generators/<kind>.go`.

use serde_json::{Map, Value as J};

use super::{render, Element, Issue, NotExpandable, Syntax};
use crate::argocd::glob;
use crate::yaml::{Node, Span};

/// What the generators may read of the repository.
pub trait Tree {
    /// The git generator's repoURL names this repository.
    fn in_repo(&self, repo_url: &str) -> bool;
    /// Every directory (relative, `/`-separated).
    fn dirs(&self) -> &[String];
    /// Every file read by ftlint (relative paths) with its parsed root, if
    /// it is one YAML/JSON document.
    fn files(&self) -> Vec<(&str, Option<J>)>;
    /// Cluster Secrets (`argocd.argoproj.io/secret-type: cluster`) of the repository.
    fn clusters(&self) -> &[Cluster];
    /// The controller runs with the new (doublestar) git file globbing.
    fn new_git_file_globbing(&self) -> bool {
        false
    }
}

/// A cluster Secret, as `getClusterParameters` reads it.
#[derive(Clone, Debug, Default)]
pub struct Cluster {
    pub name: String,
    pub server: String,
    pub project: String,
    pub labels: Map<String, J>,
    pub annotations: Map<String, J>,
    pub span: Span,
}

const IN_CLUSTER: &str = "in-cluster";
const IN_CLUSTER_SERVER: &str = "https://kubernetes.default.svc";

/// Matrix and merge children may themselves be matrix or merge once
/// (`ApplicationSetNestedGenerator` → `ApplicationSetTerminalGenerator`).
const MAX_DEPTH: usize = 2;

pub(super) struct Gen<'a> {
    pub syntax: Syntax,
    pub tree: &'a dyn Tree,
    pub not_expandable: &'a mut Vec<NotExpandable>,
    pub issues: &'a mut Vec<super::Issue>,
}

impl Gen<'_> {
    /// The parameter sets of one generator, `None` when they are not known
    /// offline. `outer` holds a matrix's first-child parameters, interpolated
    /// into this generator's fields (`InterpolateGenerator`).
    pub fn generate(&mut self, generator: &Node, outer: &J, depth: usize) -> Option<Vec<Element>> {
        let interpolated;
        let generator = if outer.as_object().is_some_and(|m| !m.is_empty()) {
            interpolated = render::render_generator(generator, outer, self.syntax);
            &interpolated
        } else {
            generator
        };
        let mut known = true;
        let mut out = Vec::new();
        for entry in generator.entries() {
            let node = &entry.value;
            let produced = match entry.key.name.as_str() {
                "list" => Some(self.list(node)),
                "clusters" => self.clusters(node),
                "git" => self.git(node),
                "matrix" if depth < MAX_DEPTH => self.matrix(node, depth),
                "merge" if depth < MAX_DEPTH => self.merge(node, depth),
                kind if is_live_generator(kind) => {
                    self.not_expandable.push(NotExpandable {
                        kind: kind_name(kind).unwrap_or_default(),
                        span: entry.key.span,
                    });
                    None
                }
                // `selector`, or a key that is no generator: the CRD has no
                // such field, so Argo CD never sees it (`GetRelevantGenerators`
                // walks the struct's fields) and the other generators of the
                // entry still produce. The `schema` rule reports the key.
                _ => continue,
            };
            match produced {
                Some(elements) => out.extend(elements),
                None => known = false,
            }
        }
        if !known {
            return None;
        }
        if let Some(selector) = generator.get("selector") {
            out.retain(|e| selector_matches(selector, &flatten(&e.params)));
        }
        Some(out)
    }

    fn list(&mut self, list: &Node) -> Vec<Element> {
        let mut out = Vec::new();
        for el in list.get("elements").map(Node::items).unwrap_or(&[]) {
            let value = el.to_json();
            let Some(map) = value.as_object() else {
                continue;
            };
            let params = if self.syntax.go {
                value.clone()
            } else {
                let mut flat = Map::new();
                for (k, v) in map {
                    match (k.as_str(), v) {
                        ("values", J::Object(values)) => {
                            for (vk, vv) in values {
                                flat.insert(format!("values.{vk}"), J::String(text(vv)));
                            }
                        }
                        _ => {
                            flat.insert(k.clone(), J::String(text(v)));
                        }
                    }
                }
                J::Object(flat)
            };
            out.push(Element {
                span: el.span,
                label: format!("element {}", compact(&value)),
                params,
            });
        }
        out
    }

    fn clusters(&mut self, node: &Node) -> Option<Vec<Element>> {
        let secrets = self.tree.clusters();
        if secrets.is_empty() {
            // The cluster list lives in Argo CD, not in this repository.
            self.not_expandable.push(NotExpandable {
                kind: "clusters (no cluster Secret in the repository)",
                span: node.span,
            });
            return None;
        }
        let selector = node.get("selector");
        let has_selector = selector.is_some_and(|s| {
            s.get("matchLabels")
                .is_some_and(|m| !m.entries().is_empty())
                || s.get("matchExpressions")
                    .is_some_and(|m| !m.items().is_empty())
        });
        let mut out = Vec::new();
        for c in secrets {
            let mut labels: Map<String, J> = c.labels.clone();
            labels.insert(
                "argocd.argoproj.io/secret-type".into(),
                J::String("cluster".into()),
            );
            let label_text: Map<String, J> = labels
                .iter()
                .map(|(k, v)| (k.clone(), J::String(text(v))))
                .collect();
            if let Some(s) = selector.filter(|_| has_selector) {
                if !selector_matches(s, &label_text) {
                    continue;
                }
            }
            let mut params = Map::new();
            params.insert("name".into(), J::String(c.name.clone()));
            params.insert(
                "nameNormalized".into(),
                J::String(super::sprig::normalize(&c.name)),
            );
            params.insert("server".into(), J::String(c.server.clone()));
            params.insert("project".into(), J::String(c.project.clone()));
            if self.syntax.go {
                let mut meta = Map::new();
                if !c.annotations.is_empty() {
                    meta.insert("annotations".into(), J::Object(c.annotations.clone()));
                }
                if !c.labels.is_empty() {
                    meta.insert("labels".into(), J::Object(c.labels.clone()));
                }
                params.insert("metadata".into(), J::Object(meta));
            } else {
                for (k, v) in &c.annotations {
                    params.insert(format!("metadata.annotations.{k}"), J::String(text(v)));
                }
                for (k, v) in &c.labels {
                    params.insert(format!("metadata.labels.{k}"), J::String(text(v)));
                }
            }
            let mut params = J::Object(params);
            self.values(node, &mut params);
            out.push(Element {
                span: c.span,
                label: format!("cluster {}", c.name),
                params,
            });
        }
        let in_cluster_has_secret = secrets.iter().any(|c| c.server == IN_CLUSTER_SERVER);
        if !has_selector && !in_cluster_has_secret {
            let mut params = Map::new();
            params.insert("name".into(), J::String(IN_CLUSTER.into()));
            params.insert("nameNormalized".into(), J::String(IN_CLUSTER.into()));
            params.insert("server".into(), J::String(IN_CLUSTER_SERVER.into()));
            params.insert("project".into(), J::String(String::new()));
            let mut params = J::Object(params);
            self.values(node, &mut params);
            out.push(Element {
                span: node.span,
                label: format!("cluster {IN_CLUSTER}"),
                params,
            });
        }
        if node.get("flatList").and_then(Node::as_bool) == Some(true) {
            return Some(vec![self.flat_list(node, out)]);
        }
        Some(out)
    }

    /// `flatList: true` (`paramHolder.consolidate`): one parameter set
    /// `{clusters: [...]}` instead of one per cluster; flattened to
    /// `clusters.0.name`, ... for the default syntax.
    fn flat_list(&self, node: &Node, clusters: Vec<Element>) -> Element {
        let mut params = Map::new();
        let list: Vec<J> = clusters.into_iter().map(|e| e.params).collect();
        if self.syntax.go {
            params.insert("clusters".into(), J::Array(list));
        } else {
            let mut nested = Map::new();
            nested.insert("clusters".into(), J::Array(list));
            for (k, v) in flatten(&J::Object(nested)) {
                params.insert(k, J::String(text(&v)));
            }
        }
        Element {
            span: node.span,
            label: "clusters (flat list)".into(),
            params: J::Object(params),
        }
    }

    /// `values:` rendered with the element's parameters (`appendTemplatedValues`).
    fn values(&self, node: &Node, params: &mut J) {
        let Some(values) = node.get("values") else {
            return;
        };
        let mut rendered = Map::new();
        for e in values.entries() {
            let raw = e.value.scalar_text().unwrap_or_default();
            let v = render::render(&raw, params, self.syntax).text;
            rendered.insert(e.key.name.to_string(), J::String(v));
        }
        let Some(map) = params.as_object_mut() else {
            return;
        };
        if self.syntax.go {
            map.insert("values".into(), J::Object(rendered));
        } else {
            for (k, v) in rendered {
                map.insert(format!("values.{k}"), v);
            }
        }
    }

    fn git(&mut self, git: &Node) -> Option<Vec<Element>> {
        let repo_url = git.str_at(&["repoURL"]).unwrap_or("");
        if !self.tree.in_repo(repo_url) || crate::argocd::templated(repo_url) {
            self.not_expandable.push(NotExpandable {
                kind: "git (another repository)",
                span: git.span,
            });
            return None;
        }
        let prefix = git.str_at(&["pathParamPrefix"]).unwrap_or("").to_string();
        let mut out = Vec::new();
        if let Some(items) = git.get("directories").and_then(Node::as_seq) {
            for (dir, span) in self.git_directories(items) {
                let mut params = path_params(&dir, None, &prefix, self.syntax.go);
                self.values(git, &mut params);
                out.push(Element {
                    span,
                    label: format!("directory {dir}"),
                    params,
                });
            }
        }
        if let Some(items) = git.get("files").and_then(Node::as_seq) {
            out.extend(self.git_files(git, items, &prefix)?);
        }
        Some(out)
    }

    /// `filterApps`: a directory is generated when an include pattern
    /// matches it and no exclude pattern does (Go's `path.Match`).
    /// Each directory with the include pattern that matched it.
    fn git_directories(&mut self, items: &[Node]) -> Vec<(String, Span)> {
        let patterns: Vec<(&Node, String, bool)> = items
            .iter()
            .filter_map(|i| {
                let p = i.get("path")?;
                let exclude = i.get("exclude").and_then(Node::as_bool) == Some(true);
                Some((p, p.scalar_text()?, exclude))
            })
            .collect();
        let dirs = self.tree.dirs();
        let mut out = Vec::new();
        for (node, pattern, exclude) in &patterns {
            let hits = dirs.iter().filter(|d| path_match(pattern, d)).count();
            if !exclude && hits == 0 && !crate::argocd::templated(pattern) {
                self.issues.push(Issue::NothingMatched {
                    span: node.span,
                    pattern: pattern.clone(),
                    files: false,
                });
            }
        }
        for dir in dirs {
            let include = patterns.iter().find(|(_, p, x)| !x && path_match(p, dir));
            let exclude = patterns.iter().any(|(_, p, x)| *x && path_match(p, dir));
            if let (Some((node, _, _)), false) = (include, exclude) {
                out.push((dir.clone(), node.span));
            }
        }
        out
    }

    fn git_files(&mut self, git: &Node, items: &[Node], prefix: &str) -> Option<Vec<Element>> {
        let files = self.tree.files();
        let mut selected: Vec<(&str, &Option<J>, Span)> = Vec::new();
        for item in items {
            let Some(node) = item.get("path") else {
                continue;
            };
            let pattern = node.scalar_text().unwrap_or_default();
            let exclude = item.get("exclude").and_then(Node::as_bool) == Some(true);
            let new_globbing = self.tree.new_git_file_globbing();
            let matching = files
                .iter()
                .filter(|(p, _)| git_file_match(&pattern, p, new_globbing));
            if exclude {
                let gone: Vec<&str> = matching.map(|(p, _)| *p).collect();
                selected.retain(|(p, _, _)| !gone.contains(p));
                continue;
            }
            let before = selected.len();
            for (p, v) in matching {
                if !selected.iter().any(|(q, _, _)| q == p) {
                    selected.push((p, v, node.span));
                }
            }
            if selected.len() == before && !crate::argocd::templated(&pattern) {
                self.issues.push(Issue::NothingMatched {
                    span: node.span,
                    pattern,
                    files: true,
                });
            }
        }
        selected.sort_by(|a, b| a.0.cmp(b.0));
        let mut out = Vec::new();
        for (path, content, span) in selected {
            let Some(content) = content else {
                // A file ftlint could not read as one YAML/JSON document.
                self.not_expandable.push(NotExpandable {
                    kind: "git files (file not readable as YAML/JSON)",
                    span,
                });
                return None;
            };
            let objects: Vec<&J> = match content {
                J::Array(a) => a.iter().collect(),
                J::Null => vec![],
                other => vec![other],
            };
            for (i, object) in objects.iter().enumerate() {
                let mut params = match (self.syntax.go, object) {
                    (true, J::Object(m)) => J::Object(m.clone()),
                    (false, J::Object(_)) => J::Object(
                        flatten(object)
                            .into_iter()
                            .map(|(k, v)| (k, J::String(text(&v))))
                            .collect(),
                    ),
                    _ => J::Object(Map::new()),
                };
                let dir = path.rsplit_once('/').map_or(".", |(d, _)| d);
                let file_params = path_params(dir, Some(path), prefix, self.syntax.go);
                merge_into(&mut params, file_params);
                self.values(git, &mut params);
                let label = if objects.len() > 1 {
                    format!("file {path}[{i}]")
                } else {
                    format!("file {path}")
                };
                out.push(Element {
                    span,
                    label,
                    params,
                });
            }
        }
        Some(out)
    }

    fn children(&mut self, node: &Node) -> Vec<Node> {
        node.get("generators")
            .map(Node::items)
            .unwrap_or(&[])
            .to_vec()
    }

    fn matrix(&mut self, node: &Node, depth: usize) -> Option<Vec<Element>> {
        let children = self.children(node);
        if children.len() != 2 {
            // Argo CD: ErrLessThanTwoGenerators / ErrMoreThanTwoGenerators.
            self.not_expandable.push(NotExpandable {
                kind: "matrix (needs exactly two generators)",
                span: node.span,
            });
            return None;
        }
        let empty = J::Object(Map::new());
        let first = self.generate(&children[0], &empty, depth + 1)?;
        let mut out = Vec::new();
        for a in first {
            for b in self.generate(&children[1], &a.params, depth + 1)? {
                let mut params = b.params.clone();
                merge_into(&mut params, a.params.clone());
                out.push(Element {
                    span: b.span,
                    label: format!("{} × {}", a.label, b.label),
                    params,
                });
            }
        }
        Some(out)
    }

    fn merge(&mut self, node: &Node, depth: usize) -> Option<Vec<Element>> {
        let keys: Vec<String> = node
            .get("mergeKeys")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(Node::scalar_text)
            .collect();
        let children = self.children(node);
        if children.len() < 2 || keys.is_empty() {
            self.not_expandable.push(NotExpandable {
                kind: "merge (needs two generators and mergeKeys)",
                span: node.span,
            });
            return None;
        }
        let empty = J::Object(Map::new());
        let mut sets = Vec::new();
        for child in &children {
            sets.push(self.generate(child, &empty, depth + 1)?);
        }
        let key_of = |e: &Element| -> String {
            let parts: Vec<J> = keys
                .iter()
                .map(|k| e.params.get(k).cloned().unwrap_or(J::Null))
                .collect();
            J::Array(parts).to_string()
        };
        let mut base = sets.remove(0);
        for overrides in sets {
            for el in &mut base {
                let k = key_of(el);
                if let Some(o) = overrides.iter().find(|o| key_of(o) == k) {
                    let mut params = el.params.clone();
                    merge_over(&mut params, o.params.clone());
                    el.params = params;
                }
            }
        }
        Some(base)
    }
}

/// `dest` gets every key of `src` (src wins), recursively for maps
/// (`mergo.Merge(..., WithOverride)`).
fn merge_over(dest: &mut J, src: J) {
    match (dest, src) {
        (J::Object(d), J::Object(s)) => {
            for (k, v) in s {
                match d.get_mut(&k) {
                    Some(existing) if existing.is_object() && v.is_object() => {
                        merge_over(existing, v)
                    }
                    _ => {
                        d.insert(k, v);
                    }
                }
            }
        }
        (d, s) => *d = s,
    }
}

fn merge_into(dest: &mut J, src: J) {
    merge_over(dest, src)
}

/// Git path parameters (`generateParamsFromApps`, `generateParamsFromGitFile`).
fn path_params(dir: &str, file: Option<&str>, prefix: &str, go: bool) -> J {
    let basename = dir.rsplit('/').next().unwrap_or(dir).to_string();
    let normalized = super::sprig::normalize(&basename);
    let filename = file.map(|f| f.rsplit('/').next().unwrap_or(f).to_string());
    let mut m = Map::new();
    if go {
        let mut p = Map::new();
        p.insert("path".into(), J::String(dir.into()));
        p.insert("basename".into(), J::String(basename));
        p.insert("basenameNormalized".into(), J::String(normalized));
        if let Some(f) = &filename {
            p.insert("filename".into(), J::String(f.clone()));
            p.insert(
                "filenameNormalized".into(),
                J::String(super::sprig::normalize(f)),
            );
        }
        p.insert(
            "segments".into(),
            J::Array(dir.split('/').map(|s| J::String(s.into())).collect()),
        );
        if prefix.is_empty() {
            m.insert("path".into(), J::Object(p));
        } else {
            let mut outer = Map::new();
            outer.insert("path".into(), J::Object(p));
            m.insert(prefix.into(), J::Object(outer));
        }
    } else {
        let name = if prefix.is_empty() {
            "path".to_string()
        } else {
            format!("{prefix}.path")
        };
        m.insert(name.clone(), J::String(dir.into()));
        m.insert(format!("{name}.basename"), J::String(basename));
        m.insert(format!("{name}.basenameNormalized"), J::String(normalized));
        if let Some(f) = &filename {
            m.insert(format!("{name}.filename"), J::String(f.clone()));
            m.insert(
                format!("{name}.filenameNormalized"),
                J::String(super::sprig::normalize(f)),
            );
        }
        for (i, seg) in dir.split('/').enumerate() {
            if !seg.is_empty() {
                m.insert(format!("{name}[{i}]"), J::String(seg.into()));
            }
        }
    }
    J::Object(m)
}

/// Which files a git `files` pattern selects. By default the repo server
/// hands the pattern to `git ls-files` as a pathspec, where `*` and `?` cross
/// `/` (`some-path/*.yaml` matches files at any depth, as
/// Generators-Git-File-Globbing.md warns); with the new globbing enabled it
/// uses doublestar: `*` stays within a segment, `**` crosses them.
fn git_file_match(pattern: &str, path: &str, new_globbing: bool) -> bool {
    if new_globbing {
        glob::matches(pattern, path, &['/'])
    } else {
        glob::matches(pattern, path, &[])
    }
}

/// Go's `path.Match`: `*` and `?` never cross `/`, `[...]` classes; no `**`
/// (two stars are two single-segment stars) and no braces.
fn path_match(pattern: &str, path: &str) -> bool {
    let mut collapsed = String::with_capacity(pattern.len());
    for c in pattern.chars() {
        if !(c == '*' && collapsed.ends_with('*')) {
            collapsed.push(if c == '{' || c == '}' { '?' } else { c });
        }
    }
    // Braces are literal in path.Match: only a literal brace matches them.
    if pattern.contains(['{', '}']) {
        return pattern == path;
    }
    glob::matches(&collapsed, path, &['/'])
}

/// `flatten.Flatten(params, "", DotStyle)`: nested maps and lists become
/// dotted keys (`a.b`, `list.0`).
pub(super) fn flatten(v: &J) -> Map<String, J> {
    fn walk(prefix: &str, v: &J, out: &mut Map<String, J>) {
        let key = |k: &str| {
            if prefix.is_empty() {
                k.to_string()
            } else {
                format!("{prefix}.{k}")
            }
        };
        match v {
            J::Object(m) if !m.is_empty() => m.iter().for_each(|(k, v)| walk(&key(k), v, out)),
            J::Array(a) if !a.is_empty() => a
                .iter()
                .enumerate()
                .for_each(|(i, v)| walk(&key(&i.to_string()), v, out)),
            other if !prefix.is_empty() => {
                out.insert(prefix.to_string(), other.clone());
            }
            _ => {}
        }
    }
    let mut out = Map::new();
    walk("", v, &mut out);
    out
}

/// A label selector (`matchLabels`, `matchExpressions`) over string values.
pub fn selector_matches(selector: &Node, labels: &Map<String, J>) -> bool {
    let get = |k: &str| labels.get(k).map(text);
    for e in selector
        .get("matchLabels")
        .map(Node::entries)
        .unwrap_or(&[])
    {
        if get(&e.key.name) != e.value.scalar_text() {
            return false;
        }
    }
    for expr in selector
        .get("matchExpressions")
        .map(Node::items)
        .unwrap_or(&[])
    {
        let key = expr.str_at(&["key"]).unwrap_or("");
        let values: Vec<String> = expr
            .get("values")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(Node::scalar_text)
            .collect();
        let v = get(key);
        let ok = match expr.str_at(&["operator"]).unwrap_or("") {
            "In" => v.is_some_and(|v| values.contains(&v)),
            "NotIn" => v.is_none_or(|v| !values.contains(&v)),
            "Exists" => v.is_some(),
            "DoesNotExist" => v.is_none(),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    true
}

/// A parameter value as Argo CD prints it into a flat parameter (`%v`).
pub(super) fn text(v: &J) -> String {
    match v {
        J::String(s) => s.clone(),
        J::Null => String::new(),
        other => super::sprig::print(other),
    }
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

/// Generators whose parameters come from a live system, and matrix/merge
/// nested deeper than the CRD allows.
fn is_live_generator(key: &str) -> bool {
    kind_name(key).is_some()
}

fn kind_name(key: &str) -> Option<&'static str> {
    Some(match key {
        "scmProvider" => "scmProvider",
        "pullRequest" => "pullRequest",
        "clusterDecisionResource" => "clusterDecisionResource",
        "plugin" => "plugin",
        "matrix" | "merge" => "matrix/merge nested deeper than Argo CD allows",
        _ => return None,
    })
}
