//! Render units (SPEC §5): root kustomizations, Argo CD source paths, and
//! directories of plain manifests.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diagnostic::Diagnostic;
use crate::model::{Object, Unit, UnitKind};
use crate::repo::Repo;
use crate::source::{join, FileKind, Sources};
use crate::yaml::{FileId, Node};

pub struct Built {
    pub units: Vec<Unit>,
    pub diagnostics: Vec<Diagnostic>,
    pub patch_files: Vec<FileId>,
}

/// What one kustomization references directly.
#[derive(Default, Debug)]
pub struct KustomizeRefs {
    pub dirs: Vec<String>,
    pub files: Vec<String>,
    pub patch_files: Vec<String>,
}

fn list<'a>(root: &'a Node, key: &str) -> impl Iterator<Item = &'a Node> {
    root.get(key).map(Node::items).unwrap_or(&[]).iter()
}

/// Directories and files a kustomization in `dir` references.
pub fn kustomize_refs(sources: &Sources, dir: &str, root: &Node) -> KustomizeRefs {
    let mut refs = KustomizeRefs::default();
    for key in ["resources", "bases", "components"] {
        for item in list(root, key) {
            let Some(rel) = item.as_str() else { continue };
            if rel.contains("://") || rel.starts_with("github.com/") || rel.contains("?ref=") {
                continue;
            }
            let path = join(dir, rel);
            if sources.root.join(&path).is_dir() {
                refs.dirs.push(path);
            } else {
                refs.files.push(path);
            }
        }
    }
    for item in list(root, "patchesStrategicMerge") {
        if let Some(rel) = item.as_str() {
            if !rel.contains('\n') {
                refs.patch_files.push(join(dir, rel));
            }
        }
    }
    for key in ["patches", "patchesJson6902"] {
        for item in list(root, key) {
            if let Some(rel) = item.get("path").and_then(Node::as_str) {
                refs.patch_files.push(join(dir, rel));
            }
        }
    }
    refs
}

fn kustomization_root<'a>(sources: &'a Sources, dir: &str) -> Option<(FileId, &'a Node)> {
    ["kustomization.yaml", "kustomization.yml", "Kustomization"]
        .iter()
        .find_map(|n| sources.by_path(&join(dir, n)))
        .and_then(|f| f.parsed.documents.first().map(|d| (f.id, &d.root)))
}

/// Objects of one file, skipping documents that are not Kubernetes objects.
pub fn file_objects(sources: &Sources, id: FileId) -> Vec<Object> {
    let f = sources.get(id);
    f.parsed
        .documents
        .iter()
        .enumerate()
        .filter_map(|(i, d)| Object::from_node(d.root.clone(), id, i))
        .collect()
}

/// Minimal rendering used until native Kustomize lands: resources gathered
/// recursively, `namespace` applied.
fn render_basic(
    sources: &Sources,
    dir: &str,
    seen: &mut BTreeSet<String>,
    files: &mut Vec<FileId>,
) -> Vec<Object> {
    if !seen.insert(dir.to_string()) {
        return Vec::new();
    }
    let Some((kid, root)) = kustomization_root(sources, dir) else {
        return Vec::new();
    };
    files.push(kid);
    let refs = kustomize_refs(sources, dir, root);
    let mut objects = Vec::new();
    for d in &refs.dirs {
        objects.extend(render_basic(sources, d, seen, files));
    }
    for f in &refs.files {
        if let Some(src) = sources.by_path(f) {
            files.push(src.id);
            objects.extend(file_objects(sources, src.id));
        }
    }
    if let Some(ns) = root.get("namespace").filter(|n| n.as_str().is_some()) {
        for o in &mut objects {
            if let Some(meta) = o.root.get_mut("metadata") {
                meta.set("namespace", ns.span, ns.clone());
            }
            o.refresh_identity();
        }
    }
    objects
}

pub fn build(sources: &Sources) -> Built {
    let kdirs: Vec<String> = sources
        .files
        .iter()
        .filter(|f| f.kind == FileKind::Kustomization)
        .map(|f| f.dir().to_string())
        .collect();
    let mut referenced_dirs = BTreeSet::new();
    let mut used_files: BTreeSet<String> = BTreeSet::new();
    let mut patch_paths: BTreeSet<String> = BTreeSet::new();
    for dir in &kdirs {
        if let Some((_, root)) = kustomization_root(sources, dir) {
            let refs = kustomize_refs(sources, dir, root);
            referenced_dirs.extend(refs.dirs);
            used_files.extend(refs.files);
            patch_paths.extend(refs.patch_files);
        }
    }
    let mut units = Vec::new();
    let kdir_set: BTreeSet<&String> = kdirs.iter().collect();
    for dir in &kdirs {
        if referenced_dirs.contains(dir) {
            continue;
        }
        let mut files = Vec::new();
        let objects = render_basic(sources, dir, &mut BTreeSet::new(), &mut files);
        units.push(Unit {
            id: dir.clone(),
            kind: UnitKind::Kustomize,
            objects,
            files,
        });
    }
    // Plain manifests not pulled in by any kustomization, grouped by directory.
    let mut plain: BTreeMap<String, Vec<FileId>> = BTreeMap::new();
    for f in &sources.files {
        if f.kind != FileKind::Manifest
            || used_files.contains(&f.path)
            || patch_paths.contains(&f.path)
        {
            continue;
        }
        if kdir_set.contains(&f.dir().to_string()) {
            // A manifest beside a kustomization that does not include it.
            continue;
        }
        plain.entry(f.dir().to_string()).or_default().push(f.id);
    }
    for (dir, files) in plain {
        let objects: Vec<Object> = files
            .iter()
            .flat_map(|id| file_objects(sources, *id))
            .collect();
        if objects.is_empty() {
            continue;
        }
        units.push(Unit {
            id: dir,
            kind: UnitKind::Plain,
            objects,
            files,
        });
    }
    let patch_files = patch_paths
        .iter()
        .filter_map(|p| sources.by_path(p))
        .map(|f| f.id)
        .collect();
    Built {
        units,
        diagnostics: Vec::new(),
        patch_files,
    }
}

/// Destination namespaces of Argo CD Applications whose source path is a unit.
pub fn application_namespaces(repo: &Repo) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (_, o) in repo.objects() {
        if o.kind != "Application" || !o.api_version.starts_with("argoproj.io/") {
            continue;
        }
        let Some(ns) = o.root.str_at(&["spec", "destination", "namespace"]) else {
            continue;
        };
        let sources = o.root.path(&["spec", "source"]).into_iter().chain(
            o.root
                .path(&["spec", "sources"])
                .map(Node::items)
                .unwrap_or(&[]),
        );
        for s in sources {
            if let Some(path) = s.str_at(&["path"]) {
                out.insert(crate::source::normalize(path), ns.to_string());
            }
        }
    }
    out
}

/// Objects as multi-document YAML (for `ftlint render`).
pub fn to_yaml(objects: &[Object]) -> String {
    let mut out = String::new();
    for (i, o) in objects.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        let json = o.root.to_json();
        out.push_str(&serde_json::to_string_pretty(&json).unwrap_or_default());
        out.push('\n');
    }
    out
}
