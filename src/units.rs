//! Render units (SPEC §5): root kustomizations, Argo CD source paths, and
//! directories of plain manifests.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::kustomize;
use crate::model::{Object, Unit, UnitKind};
use crate::source::{FileKind, Sources};
use crate::yaml::FileId;

pub struct Built {
    pub units: Vec<Unit>,
    pub diagnostics: Vec<Diagnostic>,
    pub patch_files: Vec<FileId>,
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

fn is_component(sources: &Sources, dir: &str) -> bool {
    kustomize::kustomization_file(sources, dir)
        .and_then(|id| sources.get(id).parsed.documents.first())
        .and_then(|d| d.root.str_at(&["kind"]))
        == Some("Component")
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
    let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for dir in &kdirs {
        let refs = kustomize::references(sources, dir);
        edges.insert(dir.clone(), refs.kustomization_dirs.clone());
        referenced_dirs.extend(refs.kustomization_dirs);
        used_files.extend(refs.resource_files);
        patch_paths.extend(refs.patch_files);
    }
    // Kustomize directories no other kustomization references are units,
    // rendered in parallel. A Component is a mixin for whoever includes it
    // (its patches target their resources), so it is never a unit itself; the
    // manifests of one that nothing includes are linted as plain files.
    let unreferenced: Vec<String> = kdirs
        .iter()
        .filter(|d| !referenced_dirs.contains(*d))
        .cloned()
        .collect();
    // Directories only reachable through an inclusion cycle are rendered too
    // (kustomize-build reports the cycle; their objects are still linted).
    let in_cycles = kustomize::cycle_roots(&edges, &unreferenced);
    let (components, roots): (Vec<&String>, Vec<&String>) = unreferenced
        .iter()
        .chain(in_cycles.iter())
        .partition(|d| is_component(sources, d));
    for dir in components {
        for f in kustomize::references(sources, dir).resource_files {
            used_files.remove(&f);
        }
    }
    let rendered: Vec<(String, kustomize::Rendered)> = roots
        .par_iter()
        .map(|dir| ((*dir).clone(), kustomize::render(sources, dir)))
        .collect();
    let mut units = Vec::new();
    let mut diagnostics = Vec::new();
    for (dir, r) in rendered {
        diagnostics.extend(
            crate::rules::kustomize::findings(&r.events)
                .into_iter()
                .map(|mut d| {
                    if d.context.units.is_empty() {
                        d.context.units.push(if dir.is_empty() {
                            ".".to_string()
                        } else {
                            dir.clone()
                        });
                    }
                    d
                }),
        );
        units.push(Unit {
            id: dir,
            kind: UnitKind::Kustomize,
            objects: r.objects,
            files: r.files,
        });
    }
    diagnostics.extend(crate::rules::kustomize::findings(
        &kustomize::unreferenced_files(sources, &kdirs),
    ));
    let kdir_set: BTreeSet<&str> = kdirs
        .iter()
        .filter(|d| !is_component(sources, d))
        .map(String::as_str)
        .collect();
    // Plain manifests not pulled in by any kustomization, grouped by directory.
    let mut plain: BTreeMap<String, Vec<FileId>> = BTreeMap::new();
    for f in &sources.files {
        if f.kind != FileKind::Manifest
            || used_files.contains(&f.path)
            || patch_paths.contains(&f.path)
            || kdir_set.contains(f.dir())
        {
            // Manifests beside a kustomization that does not include them are
            // reported by kustomize-unreferenced-file, not linted as a unit.
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
        diagnostics,
        patch_files,
    }
}
