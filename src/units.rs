//! Render units (SPEC §5): the deployment graph. Deployed units are the
//! renders of root kustomizations and the sources of Argo CD Applications;
//! every other manifest is in a loose unit, so object-level rules still see
//! every object of every file.

mod recognize;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

pub use recognize::is_kuttl_document;

use crate::kustomize::{self, RenderEvent};
use crate::model::{Object, Unit, UnitKind};
use crate::source::{FileKind, Sources};
use crate::yaml::FileId;

/// What the renderer observed, and for which unit (`None`: no unit, such as
/// a file no kustomization lists). The rules turn these into findings
/// (`rules::kustomize`), so building units does not depend on the rules.
#[derive(Clone, Debug)]
pub struct UnitEvent {
    pub event: RenderEvent,
    pub unit: Option<String>,
}

pub struct Built {
    pub units: Vec<Unit>,
    pub events: Vec<UnitEvent>,
    pub patch_files: Vec<FileId>,
    /// Files that hold YAML but no objects to deploy: generator inputs and
    /// kuttl assertions (see [`recognize`]).
    pub not_objects: BTreeSet<FileId>,
}

/// Objects of one file, skipping documents that are not Kubernetes objects
/// (and kuttl's harness configuration, which no cluster receives).
pub fn file_objects(sources: &Sources, id: FileId) -> Vec<Object> {
    let f = sources.get(id);
    f.parsed
        .documents
        .iter()
        .enumerate()
        .filter(|(_, d)| !is_kuttl_document(&d.root))
        .filter_map(|(i, d)| Object::from_node(d.root.clone(), id, i))
        .collect()
}

fn is_component(sources: &Sources, dir: &str) -> bool {
    kustomize::kustomization_file(sources, dir)
        .and_then(|id| sources.get(id).parsed.documents.first())
        .and_then(|d| d.root.str_at(&["kind"]))
        == Some("Component")
}

fn kustomize_unit(sources: &Sources, dir: &str, events: &mut Vec<UnitEvent>) -> Unit {
    let r = kustomize::render(sources, dir);
    let unit = if dir.is_empty() { "." } else { dir };
    events.extend(r.events.into_iter().map(|event| UnitEvent {
        event,
        unit: Some(unit.to_string()),
    }));
    Unit {
        id: dir.to_string(),
        kind: UnitKind::Kustomize,
        objects: r.objects,
        files: r.files,
    }
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
    let refs_by_dir = kustomize::references_by_dir(sources);
    let no_refs = kustomize::Refs::default();
    for dir in &kdirs {
        let refs = refs_by_dir.get(dir).unwrap_or(&no_refs);
        edges.insert(dir.clone(), refs.kustomization_dirs.clone());
        referenced_dirs.extend(refs.kustomization_dirs.iter().cloned());
        used_files.extend(refs.resource_files.iter().cloned());
        patch_paths.extend(refs.patch_files.iter().cloned());
    }
    let recognized = recognize::recognize(sources, &refs_by_dir);
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
        for f in &refs_by_dir
            .get(dir.as_str())
            .unwrap_or(&no_refs)
            .resource_files
        {
            used_files.remove(f);
        }
    }
    let rendered: Vec<(Unit, Vec<UnitEvent>)> = roots
        .par_iter()
        .map(|dir| {
            let mut unit_events = Vec::new();
            (kustomize_unit(sources, dir, &mut unit_events), unit_events)
        })
        .collect();
    let mut units = Vec::new();
    let mut events = Vec::new();
    for (unit, unit_events) in rendered {
        events.extend(unit_events);
        units.push(unit);
    }
    // A file a generator reads is referenced, whatever kind it looks like;
    // kuttl applies its test steps and reads its assertions itself. (A Secret
    // template of fill-in markers is left to the rule: `rules::kustomize`.)
    events.extend(
        kustomize::unreferenced_files(sources, &kdirs, &refs_by_dir)
            .into_iter()
            .filter(|ev| {
                let path = sources.path(ev.span.file);
                !recognized.generator_inputs.contains(path)
                    && !recognized.assertion_files.contains(path)
                    && !recognized.step_files.contains(path)
            })
            .map(|event| UnitEvent { event, unit: None }),
    );
    let kdir_set: BTreeSet<&str> = kdirs
        .iter()
        .filter(|d| !is_component(sources, d))
        .map(String::as_str)
        .collect();
    // Manifests no kustomization includes are loose: grouped by directory, or
    // one unit per file beside a kustomization that does not list it (that
    // directory's unit is the kustomization's render).
    let mut loose: BTreeMap<String, Vec<FileId>> = BTreeMap::new();
    for f in &sources.files {
        if f.kind != FileKind::Manifest
            || used_files.contains(&f.path)
            || patch_paths.contains(&f.path)
            || recognized.generator_inputs.contains(&f.path)
            || recognized.assertion_files.contains(&f.path)
            || recognized.disabled_patches.contains(&f.path)
        {
            continue;
        }
        let id = if kdir_set.contains(f.dir()) {
            f.path.clone()
        } else {
            f.dir().to_string()
        };
        loose.entry(id).or_default().push(f.id);
    }
    let loose: Vec<(String, Vec<FileId>)> = loose.into_iter().collect();
    let loose_units: Vec<Unit> = loose
        .into_par_iter()
        .filter_map(|(id, files)| {
            let objects: Vec<Object> = files
                .iter()
                .flat_map(|f| file_objects(sources, *f))
                .collect();
            (!objects.is_empty()).then_some(Unit {
                id,
                kind: UnitKind::Loose,
                objects,
                files,
            })
        })
        .collect();
    units.extend(loose_units);
    let patch_files = patch_paths
        .iter()
        .filter_map(|p| sources.by_path(p))
        .map(|f| f.id)
        .collect();
    let not_objects = recognized
        .generator_inputs
        .iter()
        .chain(&recognized.assertion_files)
        .chain(&recognized.disabled_patches)
        .filter_map(|p| sources.by_path(p))
        .map(|f| f.id)
        .collect();
    Built {
        units,
        events,
        patch_files,
        not_objects,
    }
}

/// One in-repo path an Argo CD Application deploys, with its directory options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeployedPath {
    /// Normalised, relative to the root ("" is the root).
    pub path: String,
    pub recurse: bool,
    pub include: Option<String>,
    pub exclude: Option<String>,
}

/// Argo CD reads these as manifests in a directory source.
fn is_manifest_name(path: &str) -> bool {
    [".yaml", ".yml", ".json"].iter().any(|e| path.ends_with(e))
}

/// Argo CD's directory source (`findManifests`): the manifest files under
/// `dp.path` (below it only with `recurse`), kept by `include` and dropped by
/// `exclude`, globs matched against the path relative to the source.
fn directory_files<'a>(
    sources: &'a Sources,
    dp: &DeployedPath,
) -> Vec<&'a crate::source::SourceFile> {
    let prefix = if dp.path.is_empty() {
        String::new()
    } else {
        format!("{}/", dp.path)
    };
    sources
        .files
        .iter()
        .filter(|f| f.kind == FileKind::Manifest && is_manifest_name(&f.path))
        .filter_map(|f| Some((f, f.path.strip_prefix(&prefix)?)))
        .filter(|(_, rel)| dp.recurse || !rel.contains('/'))
        .filter(|(_, rel)| {
            dp.exclude
                .as_deref()
                .is_none_or(|g| !crate::argocd::glob::matches(g, rel, &[]))
        })
        .filter(|(_, rel)| {
            dp.include
                .as_deref()
                .is_none_or(|g| crate::argocd::glob::matches(g, rel, &[]))
        })
        .map(|(f, _)| f)
        .collect()
}

/// Turn what Argo CD Applications deploy into units: a kustomization directory
/// no unit renders yet (a base an Application points at) is rendered; a
/// directory of plain manifests becomes an [`UnitKind::Application`] unit,
/// taking its files out of the loose units. Returns whether units changed.
pub fn add_application_units(
    sources: &Sources,
    units: &mut Vec<Unit>,
    not_objects: &BTreeSet<FileId>,
    events: &mut Vec<UnitEvent>,
    deployed: &[DeployedPath],
) -> bool {
    let mut changed = false;
    for dp in deployed {
        if units.iter().any(|u| u.id == dp.path && u.is_deployed()) {
            continue;
        }
        if kustomize::kustomization_file(sources, &dp.path).is_some() {
            if !is_component(sources, &dp.path) {
                units.push(kustomize_unit(sources, &dp.path, events));
                changed = true;
            }
            continue;
        }
        let chart = crate::source::join(&dp.path, "Chart.yaml");
        if sources.by_path(&chart).is_some() || sources.root.join(&chart).is_file() {
            continue; // a Helm chart: not rendered (counted in the stats)
        }
        let files: Vec<FileId> = directory_files(sources, dp)
            .into_iter()
            .map(|f| f.id)
            .filter(|id| !not_objects.contains(id))
            .collect();
        let objects: Vec<Object> = files
            .iter()
            .flat_map(|f| file_objects(sources, *f))
            .collect();
        if objects.is_empty() {
            continue;
        }
        let claimed: BTreeSet<FileId> = files.iter().copied().collect();
        for u in units.iter_mut().filter(|u| u.kind == UnitKind::Loose) {
            u.files.retain(|f| !claimed.contains(f));
            u.objects.retain(|o| !claimed.contains(&o.file));
        }
        // Files of the directory the Application leaves out (`exclude`) stay
        // loose, one unit per file: the directory's id is now the Application's.
        let mut left_out = Vec::new();
        units.retain_mut(|u| {
            if u.kind == UnitKind::Loose && u.id == dp.path {
                left_out.append(&mut u.files);
                return false;
            }
            u.kind != UnitKind::Loose || !u.objects.is_empty()
        });
        for f in left_out {
            let objects = file_objects(sources, f);
            if !objects.is_empty() {
                units.push(Unit {
                    id: sources.path(f).to_string(),
                    kind: UnitKind::Loose,
                    objects,
                    files: vec![f],
                });
            }
        }
        units.push(Unit {
            id: dp.path.clone(),
            kind: UnitKind::Application,
            objects,
            files,
        });
        changed = true;
    }
    changed
}

/// A custom kind: its API group and kind.
pub type GroupKind = (String, String);

/// Custom kinds whose CRD (in the repository) embeds a PodTemplateSpec, with
/// the path to it: the shallowest schema property, through nested
/// `properties` only, shaped like a pod template (`spec.containers`, an array).
pub fn pod_template_paths(sources: &Sources) -> HashMap<GroupKind, Arc<[String]>> {
    let docs = (sources.files.iter()).flat_map(|f| f.parsed.documents.iter().map(|d| &d.root));
    docs.filter_map(crd_pod_template).collect()
}

/// The kind a CustomResourceDefinition declares (group, kind) and the path to
/// the PodTemplateSpec its schema embeds, if any.
pub fn crd_pod_template(crd: &crate::yaml::Node) -> Option<(GroupKind, Arc<[String]>)> {
    if crd.str_at(&["kind"]) != Some("CustomResourceDefinition")
        || !crd
            .str_at(&["apiVersion"])
            .is_some_and(|v| v.starts_with("apiextensions.k8s.io/"))
    {
        return None;
    }
    let group = crd.str_at(&["spec", "group"])?;
    let kind = crd.str_at(&["spec", "names", "kind"])?;
    let schemas = crd
        .path(&["spec", "versions"])
        .map(crate::yaml::Node::items)
        .unwrap_or(&[])
        .iter()
        .filter_map(|v| v.path(&["schema", "openAPIV3Schema"]))
        .chain(crd.path(&["spec", "validation", "openAPIV3Schema"]));
    let path = schemas.filter_map(find_pod_template).min_by_key(Vec::len)?;
    Some(((group.to_string(), kind.to_string()), Arc::from(path)))
}

fn is_pod_template_schema(schema: &crate::yaml::Node) -> bool {
    schema
        .path(&["properties", "spec", "properties", "containers", "type"])
        .and_then(crate::yaml::Node::as_str)
        == Some("array")
}

/// Breadth-first through `properties`, so `spec.template` wins over a
/// template nested deeper.
fn find_pod_template(root: &crate::yaml::Node) -> Option<Vec<String>> {
    const MAX_DEPTH: usize = 6;
    let mut level: Vec<(Vec<String>, &crate::yaml::Node)> = vec![(Vec::new(), root)];
    for _ in 0..MAX_DEPTH {
        let mut next = Vec::new();
        for (path, schema) in level {
            for e in schema
                .get("properties")
                .map(crate::yaml::Node::entries)
                .unwrap_or(&[])
            {
                let mut p = path.clone();
                p.push(e.key.name.to_string());
                if is_pod_template_schema(&e.value) {
                    return Some(p);
                }
                next.push((p, &e.value));
            }
        }
        level = next;
    }
    None
}

/// Give each custom-kind object the pod template its CRD declares: a CRD of
/// the repository, else (`--crd`) one given on the command line.
pub fn attach_pod_templates(units: &mut [Unit], paths: &HashMap<GroupKind, Arc<[String]>>) {
    if paths.is_empty() {
        return;
    }
    for o in units.iter_mut().flat_map(|u| u.objects.iter_mut()) {
        if o.is_builtin_workload() {
            continue;
        }
        if let Some(p) = paths.get(&(o.group().to_string(), o.kind.clone())) {
            o.pod_template = Some(p.clone());
        }
    }
}
