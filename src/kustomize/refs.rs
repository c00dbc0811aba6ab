//! What kustomizations reference: for finding units, patch files and unreferenced files.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::events::{EventKind, RenderEvent};
use super::{is_kustomization_file, kustomization_file, paths::is_remote};
use crate::model::Object;
use crate::source::{join, FileKind, Sources};
use crate::yaml::{Node, Span};

/// Paths (repo-relative) a kustomization directory references directly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Refs {
    /// Directories with a kustomization (resources, bases, components).
    pub kustomization_dirs: Vec<String>,
    /// Resource files.
    pub resource_files: Vec<String>,
    /// Strategic merge and JSON 6902 patch files.
    pub patch_files: Vec<String>,
    /// Generator inputs, configurations, CRDs, openapi, replacements.
    pub other_files: Vec<String>,
}

fn strs(n: Option<&Node>) -> Vec<String> {
    n.map(|n| {
        n.items()
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect()
    })
    .unwrap_or_default()
}

/// What the kustomization in `dir` references directly.
pub fn references(sources: &Sources, dir: &str) -> Refs {
    let mut refs = Refs::default();
    let Some(fid) = kustomization_file(sources, dir) else {
        return refs;
    };
    let Some(mut k) = sources
        .get(fid)
        .parsed
        .documents
        .first()
        .map(|d| d.root.clone())
    else {
        return refs;
    };
    super::decode::canonicalize(&mut k);
    let k = &k;
    let mut entries = strs(k.get("resources"));
    entries.extend(strs(k.get("bases")));
    entries.extend(strs(k.get("components")));
    for e in entries {
        if is_remote(&e) {
            continue;
        }
        let path = join(dir, &e);
        if sources.by_path(&path).is_some() && !is_kustomization_file(&path) {
            refs.resource_files.push(path);
        } else if kustomization_file(sources, &path).is_some() || sources.root.join(&path).is_dir()
        {
            refs.kustomization_dirs.push(path);
        } else {
            refs.resource_files.push(path);
        }
    }
    for p in k.get("patches").map(Node::items).unwrap_or(&[]) {
        if let Some(path) = p.get("path").and_then(Node::as_str) {
            refs.patch_files.push(join(dir, path));
        }
    }
    for p in k.get("patchesJson6902").map(Node::items).unwrap_or(&[]) {
        if let Some(path) = p.get("path").and_then(Node::as_str) {
            refs.patch_files.push(join(dir, path));
        }
    }
    for p in strs(k.get("patchesStrategicMerge")) {
        if !p.contains('\n') {
            refs.patch_files.push(join(dir, &p));
        }
    }
    for key in ["configMapGenerator", "secretGenerator"] {
        for g in k.get(key).map(Node::items).unwrap_or(&[]) {
            for f in strs(g.get("files")) {
                let rel = f.split_once('=').map(|x| x.1.to_string()).unwrap_or(f);
                refs.other_files.push(join(dir, &rel));
            }
            let mut envs = strs(g.get("envs"));
            if let Some(e) = g.get("env").and_then(Node::as_str) {
                envs.push(e.to_string());
            }
            for e in envs {
                refs.other_files.push(join(dir, &e));
            }
        }
    }
    for key in [
        "configurations",
        "crds",
        "generators",
        "transformers",
        "validators",
    ] {
        for f in strs(k.get(key)) {
            if !f.contains('\n') && !is_remote(&f) {
                refs.other_files.push(join(dir, &f));
            }
        }
    }
    if let Some(p) = k.path(&["openapi", "path"]).and_then(Node::as_str) {
        refs.other_files.push(join(dir, p));
    }
    for r in k.get("replacements").map(Node::items).unwrap_or(&[]) {
        if let Some(p) = r.get("path").and_then(Node::as_str) {
            refs.other_files.push(join(dir, p));
        }
    }
    refs
}

/// Kustomization directories reached only through an inclusion cycle (one
/// listing itself, or several listing each other), given the inclusion edges
/// and the directories nothing includes. kustomize refuses to build them; so
/// that their objects are still linted, one directory of each such group is
/// returned to be rendered (and reported) as a unit.
pub fn cycle_roots(edges: &BTreeMap<String, Vec<String>>, roots: &[String]) -> Vec<String> {
    fn visit(edges: &BTreeMap<String, Vec<String>>, start: &str, reached: &mut BTreeSet<String>) {
        let mut stack = vec![start.to_string()];
        while let Some(d) = stack.pop() {
            let Some(children) = edges.get(&d) else {
                continue;
            };
            if reached.insert(d) {
                stack.extend(children.iter().cloned());
            }
        }
    }
    let mut reached = BTreeSet::new();
    for r in roots {
        visit(edges, r, &mut reached);
    }
    let mut extra = Vec::new();
    for d in edges.keys() {
        if !reached.contains(d) {
            extra.push(d.clone());
            visit(edges, d, &mut reached);
        }
    }
    extra
}

/// A manifest (a YAML file holding a Kubernetes
/// object) in one of the given Kustomize directories that no kustomization of
/// the repo includes (patch files, generator inputs and the kustomization itself
/// do not count).
/// The references of every directory holding a kustomization file, computed
/// once (in parallel) for the passes that need them.
pub fn references_by_dir(sources: &Sources) -> HashMap<String, Refs> {
    use rayon::prelude::*;
    let mut dirs: Vec<&str> = sources
        .files
        .iter()
        .filter(|f| f.kind == FileKind::Kustomization || is_kustomization_file(&f.path))
        .map(|f| f.dir())
        .collect();
    dirs.sort_unstable();
    dirs.dedup();
    dirs.par_iter()
        .map(|dir| (dir.to_string(), references(sources, dir)))
        .collect()
}

pub fn unreferenced_files(
    sources: &Sources,
    kustomization_dirs: &[String],
    refs_by_dir: &HashMap<String, Refs>,
) -> Vec<RenderEvent> {
    let mut referenced: HashSet<&str> = HashSet::new();
    for r in refs_by_dir.values() {
        for f in r
            .resource_files
            .iter()
            .chain(&r.patch_files)
            .chain(&r.other_files)
        {
            referenced.insert(f);
        }
    }
    let dirs: HashSet<&str> = kustomization_dirs.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    for f in &sources.files {
        if f.kind != FileKind::Manifest
            || is_kustomization_file(&f.path)
            || !dirs.contains(f.dir())
            || referenced.contains(f.path.as_str())
            || !(f.path.ends_with(".yaml") || f.path.ends_with(".yml"))
        {
            continue;
        }
        let first_object = f
            .parsed
            .documents
            .iter()
            .enumerate()
            .find_map(|(i, d)| Object::from_node(d.root.clone(), f.id, i));
        let Some(obj) = first_object else { continue };
        let span = obj
            .root
            .get("kind")
            .map(|k| k.span)
            .unwrap_or(Span::new(f.id, 0, 0));
        let kdir = if f.dir().is_empty() { "." } else { f.dir() };
        let ev = RenderEvent::new(
            EventKind::UnreferencedFile,
            span,
            format!(
                "`{}` is in the Kustomize directory `{kdir}` but no kustomization includes it",
                f.path
            ),
        )
        .with_help("add it to `resources:` of the kustomization, or delete it if it is obsolete");
        // A file whose entry is commented out was disabled on purpose (an
        // optional part, as kubebuilder scaffolds them): not forgotten.
        if commented_out_entry(sources, f.dir(), &f.path).is_some() {
            continue;
        }
        out.push(ev);
    }
    out
}

/// The comment line of the kustomization in `dir` that names `path` as a
/// list entry (`# - manager_auth_proxy_patch.yaml`): the file was disabled there.
fn commented_out_entry(sources: &Sources, dir: &str, path: &str) -> Option<Span> {
    let fid = kustomization_file(sources, dir)?;
    let text = &sources.get(fid).text;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let entry = line
            .trim_start()
            .strip_prefix('#')
            .map(str::trim_start)
            .and_then(|l| l.strip_prefix('-'))
            // `# - loadgenerator.yaml # used in development`: the entry ends at its comment.
            .map(|l| l.split(" #").next().unwrap_or(l))
            .map(|l| l.trim().trim_matches(|c| c == '"' || c == '\''));
        if entry.is_some_and(|e| !e.is_empty() && join(dir, e) == path) {
            let start = offset + (line.len() - line.trim_start().len());
            return Some(Span::new(fid, start, offset + line.trim_end().len()));
        }
        offset += line.len();
    }
    None
}
