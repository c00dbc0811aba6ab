//! Native Kustomize rendering (kustomize v5.5 semantics) with provenance.
//!
//! Every rendered value is a [`Node`] whose span names the text that last set
//! it: the base line, the overlay patch line, the `images:` entry that set a
//! tag, the kustomization's `namespace:` line. Failures never panic; they
//! become diagnostics (`kustomize-build`, `kustomize-missing-resource`, ...)
//! and the rest of the unit is still rendered.
//!
//! Semantics follow kustomize v5.5 (`kubectl kustomize`), checked by the
//! differential cases in `tests/kustomize/cases` and by the corpus test:
//! - per kustomization: `resources`/`bases` (files, `kind: List`, directories
//!   with a kustomization, nested), generators, `components` (on the parent's
//!   accumulator), then the transformers in kustomize's order:
//!   `patchesStrategicMerge`, `patches`, `namespace`, `namePrefix`,
//!   `nameSuffix`, `labels` then `commonLabels`, `commonAnnotations`,
//!   `patchesJson6902`, `replicas`, `images` (+`imageTags`), `replacements`,
//!   then the builtin LabelTransformer/AnnotationsTransformer configurations
//!   listed under `transformers:`;
//! - at the top: name-suffix hashes, name-reference rewriting (ConfigMap,
//!   Secret, ServiceAccount, Service, PVC, PV, Role/ClusterRole, HPA targets,
//!   PriorityClass, StorageClass, RoleBinding subjects with namespaces), and
//!   kustomize's legacy output order unless `sortOptions.order: fifo`.
//!
//! Provenance: copied nodes keep their spans; values kustomize computes take
//! the span of the kustomization field that set them (the `images:` entry's
//! `newTag`, else `newName`, else `digest`; the `namespace:` value; label and
//! annotation values; the `replicas` count; generator literals/files/envs).
//! Renamed objects (prefix, suffix, hash) keep the span of their base
//! `metadata.name`, and rewritten references keep the referring field's span.
//!
//! Not run (a `kustomize-build` warning, the rest rendered): remote
//! resources/components, `helmCharts`, generator/validator plugins, other
//! transformer configurations, the sections of `configurations` files other
//! than nameReference/varReference/commonLabels/commonAnnotations/namespace,
//! `x-kubernetes-identity` specs of `crds` files,
//! `buildMetadata: [transformerAnnotations]`.

mod build;
mod build_metadata;
mod crds;
mod ctx;
mod decode;
mod deprecated;
mod emit;
pub mod events;
mod fields;
mod fieldspec;
mod generators;
mod images;
mod json6902;
mod kyaml;
mod load;
mod merge_keys;
mod nameref;
mod order;
mod patches;
mod paths;
mod pattern;
mod refs;
mod replacements;
mod res;
mod resources;
mod select;
mod smp;
mod transformers;
mod vars;

use crate::model::Object;
use crate::source::Sources;
use crate::yaml::{FileId, Span};

pub use emit::to_yaml;
pub use events::{EventKind, RenderEvent};
pub use generators::kustomize_hash;
pub use refs::{cycle_roots, references, references_by_dir, unreferenced_files, Refs};

/// Names Kustomize accepts for a kustomization file, in its lookup order.
pub const KUSTOMIZATION_FILE_NAMES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// `kustomization.yaml`, `kustomization.yml` or `Kustomization` (a file name, not a path).
pub fn is_kustomization_file(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    KUSTOMIZATION_FILE_NAMES.contains(&base)
}

/// The result of rendering one kustomization directory.
#[derive(Debug, Default)]
pub struct Rendered {
    /// The objects in kustomize's output order.
    pub objects: Vec<Object>,
    /// What happened while rendering; the Kustomize rules report it.
    pub events: Vec<RenderEvent>,
    /// Every file that contributed: kustomizations, resources, patches.
    pub files: Vec<FileId>,
}

impl Rendered {
    /// True when an event says the output is incomplete or wrong.
    pub fn has_errors(&self) -> bool {
        self.events.iter().any(|e| {
            matches!(
                e.kind,
                EventKind::BuildFailed | EventKind::MissingFile | EventKind::PatchTargetMissing
            )
        })
    }
}

/// Render the kustomization in `dir` (repo-relative, `/`-separated; "" is the root).
/// Never panics: failures become events.
pub fn render(sources: &Sources, dir: &str) -> Rendered {
    let dir = crate::source::normalize(dir);
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        build::render(sources, &dir)
    })) {
        Ok(r) => r,
        Err(_) => {
            let span = kustomization_file(sources, &dir)
                .map(|f| Span::new(f, 0, 0))
                .unwrap_or_default();
            let ev = RenderEvent::new(
                EventKind::BuildFailed,
                span,
                format!("internal error while rendering `{dir}`"),
            );
            Rendered {
                objects: Vec::new(),
                events: vec![ev],
                files: Vec::new(),
            }
        }
    }
}

/// The kustomization file of a directory, if the repo holds one.
pub fn kustomization_file(sources: &Sources, dir: &str) -> Option<FileId> {
    KUSTOMIZATION_FILE_NAMES
        .iter()
        .find_map(|n| sources.by_path(&crate::source::join(dir, n)))
        .map(|f| f.id)
}

/// A compiled regular expression, cached per thread (image names and patch
/// targets repeat across overlays).
pub(crate) fn regex(pattern: &str) -> Option<regex::Regex> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static CACHE: RefCell<HashMap<String, Option<regex::Regex>>> = RefCell::new(HashMap::new());
    }
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if let Some(r) = c.get(pattern) {
            return r.clone();
        }
        let r = regex::Regex::new(pattern).ok();
        if c.len() > 10_000 {
            c.clear();
        }
        c.insert(pattern.to_string(), r.clone());
        r
    })
}

/// Read every YAML/JSON file under `root` into [`Sources`] (for tests, benches
/// and tools; the linter has its own discovery with include/exclude globs).
#[doc(hidden)]
pub fn sources_from_dir(root: &std::path::Path) -> Sources {
    use crate::source::FileKind;
    let mut paths = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            if p.is_dir() {
                if !name.starts_with('.') {
                    stack.push(p);
                }
            } else if name.ends_with(".yaml")
                || name.ends_with(".yml")
                || name.ends_with(".json")
                || name == "Kustomization"
            {
                paths.push(p);
            }
        }
    }
    paths.sort();
    let mut sources = Sources::new(root.to_path_buf());
    for p in paths {
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let rel = sources.relative(&p);
        let kind = if is_kustomization_file(&rel) {
            FileKind::Kustomization
        } else {
            FileKind::Manifest
        };
        let id = sources.add(rel, text, kind);
        let parsed = crate::yaml::parse(&sources.get(id).text, id);
        sources.files[id.0 as usize].parsed = parsed;
    }
    sources
}
