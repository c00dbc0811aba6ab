//! The repository model: every file read and parsed, render units built, and
//! the facts cross-resource rules need.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::discover::{self, is_kustomization_name};
use crate::env::{self, EnvInput};
use crate::fsread::ReadError;
use crate::model::{Object, Unit};
use crate::source::{FileKind, Sources};
use crate::yaml::{self, FileId};

#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub files: usize,
    pub documents: usize,
    pub objects: usize,
    pub units: usize,
    /// Helm charts (directories with a `Chart.yaml`) and their templates: not rendered.
    pub helm_charts: usize,
    pub helm_templates: usize,
    pub go_templates: usize,
    pub skipped_symlinks: usize,
    /// ApplicationSet generators that need a live system (not evaluated).
    pub appset_generators_skipped: usize,
    pub discover_ms: u128,
    pub parse_ms: u128,
    pub render_ms: u128,
}

pub struct Repo {
    pub sources: Sources,
    pub units: Vec<Unit>,
    pub config: Config,
    pub cli_env: Option<String>,
    /// Destination namespace of the Argo CD Application deploying a unit, by unit id.
    pub app_namespaces: HashMap<String, String>,
    /// Findings produced while reading the repository (`io-error`), rule ids set.
    pub build_diagnostics: Vec<Diagnostic>,
    /// What rendering the units observed; the Kustomize rules report it.
    pub render_events: Vec<crate::units::UnitEvent>,
    /// Files only used as Kustomize patches: partial objects, never validated alone.
    pub patch_files: Vec<FileId>,
    /// Schemas for the target Kubernetes version, plus the repository's CRDs.
    pub schemas: crate::schema::SchemaRegistry,
    pub stats: Stats,
    /// The sealed-secrets controller key (`--seal-cert`): enables sealing fixes.
    pub seal_key: Option<rsa::RsaPublicKey>,
    /// The Argo CD model (Applications, AppProjects, ...), built on first use.
    pub argocd: std::sync::OnceLock<crate::argocd::Model>,
    /// Repository-wide facts for cross-object rules, built once.
    pub index: std::sync::OnceLock<crate::index::Index>,
}

/// Decoding lives with the parser; re-exported for the callers that read bytes.
pub use crate::yaml::decode;

/// A file with template syntax (`{{ ... }}`) that is not valid YAML is a
/// template for another tool, not a manifest: it is skipped. A plain
/// `{{var}}` reads as a flow mapping used as a key, which kubectl refuses, so
/// it lands here too.
fn is_go_template(text: &str, parsed: &yaml::ParsedFile) -> bool {
    text.contains("{{") && parsed.error.is_some()
}

/// A file read, decoded and parsed (or given up as a template).
struct Loaded {
    text: String,
    kind: FileKind,
    parsed: yaml::ParsedFile,
    /// A template for another tool (see [`is_go_template`]): not parsed.
    go_template: bool,
}

fn load_file(rel: &str, bytes: &[u8], id: FileId) -> Loaded {
    let (text, decode_error) = decode(bytes);
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let kind = if is_kustomization_name(name) {
        FileKind::Kustomization
    } else {
        FileKind::Manifest
    };
    let parsed = match decode_error {
        Some(err) => yaml::ParsedFile {
            documents: Vec::new(),
            error: Some(err),
        },
        None => yaml::parse(&text, id),
    };
    let go_template = is_go_template(&text, &parsed);
    Loaded {
        parsed: if go_template {
            yaml::ParsedFile::default()
        } else {
            parsed
        },
        text,
        kind,
        go_template,
    }
}

impl Stats {
    /// What the run did not check, for the summary line: Helm charts not
    /// rendered, and a run that found no Kubernetes object at all.
    pub fn not_checked(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.helm_charts > 0 || self.helm_templates > 0 {
            let charts = if self.helm_charts == 1 {
                "chart"
            } else {
                "charts"
            };
            let templates = if self.helm_templates == 1 {
                "template"
            } else {
                "templates"
            };
            out.push(format!(
                "{} Helm {charts} ({} {templates}) not rendered",
                self.helm_charts, self.helm_templates
            ));
        }
        if self.objects == 0 {
            out.push("no Kubernetes objects found".to_string());
        }
        out
    }
}

/// Directories holding a `Chart.yaml` among the discovered files.
fn helm_charts(files: &[String]) -> usize {
    files
        .iter()
        .filter(|f| *f == "Chart.yaml" || f.ends_with("/Chart.yaml"))
        .count()
}

/// The in-repo paths Argo CD Applications (written or generated) deploy, with
/// their `directory` options.
fn deployed_paths(model: &crate::argocd::Model) -> Vec<crate::units::DeployedPath> {
    let mut out: Vec<crate::units::DeployedPath> = Vec::new();
    let mut seen: HashSet<crate::units::DeployedPath> = HashSet::new();
    for app in &model.apps {
        let spec = app.spec();
        // `app.sources` lists `spec.source` then `spec.sources`, in order.
        let nodes: Vec<&yaml::Node> = spec
            .and_then(|s| s.get("source"))
            .into_iter()
            .chain(
                spec.and_then(|s| s.get("sources"))
                    .map(yaml::Node::items)
                    .unwrap_or(&[]),
            )
            .collect();
        for (i, s) in app.sources.iter().enumerate() {
            let Some(path) = &s.path else { continue };
            if !s.in_repo || !s.path_exists || s.chart.is_some() || crate::argocd::templated(path) {
                continue;
            }
            let directory = nodes.get(i).and_then(|n| n.get("directory"));
            let glob = |key: &str| {
                directory
                    .and_then(|d| d.str_at(&[key]))
                    .filter(|g| !g.is_empty())
                    .map(str::to_string)
            };
            let dp = crate::units::DeployedPath {
                path: path.clone(),
                recurse: s.directory_recurse,
                include: glob("include"),
                exclude: glob("exclude"),
            };
            if seen.insert(dp.clone()) {
                out.push(dp);
            }
        }
    }
    out
}

impl Repo {
    pub fn load(
        root: &Path,
        paths: &[PathBuf],
        config: Config,
        cli_env: Option<String>,
        jobs: usize,
    ) -> Result<Repo, String> {
        let t0 = std::time::Instant::now();
        let found = discover::discover(root, paths, &config, jobs)?;
        let discover_ms = t0.elapsed().as_millis();
        Repo::load_discovered(root, found, discover_ms, config, cli_env)
    }

    /// [`Repo::load`] from files already discovered (the cache walks first).
    pub fn load_discovered(
        root: &Path,
        found: discover::Discovered,
        discover_ms: u128,
        config: Config,
        cli_env: Option<String>,
    ) -> Result<Repo, String> {
        let schemas = crate::schema::wiring::registry_for(
            config.kubernetes_version.as_deref(),
            config.strict,
        )?;
        let t1 = std::time::Instant::now();
        let helm_charts = helm_charts(&found.files);
        let root = std::fs::canonicalize(root).map_err(|e| format!("{}: {e}", root.display()))?;
        // Root-only, regular-file, size-bounded reads (fsread); a file not read
        // is kept as unreadable and reported as `io-error`.
        let reader = crate::fsread::RootReader::new(&root, config.max_file_size)
            .map_err(|e| format!("{}: {e}", root.display()))?;
        // Each file is read, decoded and parsed in one parallel step: its id
        // is its position in the sorted walk (spans need it), so parsing need
        // not wait for every read, nor for the sources to be assembled.
        let read: Vec<Result<Loaded, ReadError>> = found
            .files
            .par_iter()
            .enumerate()
            .map(|(i, rel)| {
                let bytes = reader.read(Path::new(rel))?;
                Ok(load_file(rel, &bytes, FileId(i as u32)))
            })
            .collect();
        let mut sources = Sources::new(root.clone());
        sources.reserve(found.files.len() + found.unreadable.len());
        let mut templates = Vec::new();
        for (i, (rel, entry)) in found.files.into_iter().zip(read).enumerate() {
            match entry {
                Ok(loaded) => {
                    let id = sources.add(rel, loaded.text, loaded.kind);
                    let file = &mut sources.files[id.0 as usize];
                    // The walk's paths are distinct, so the id is the
                    // position the file was parsed with; if not, spans must
                    // name the id it got.
                    file.parsed = if id.0 as usize == i {
                        loaded.parsed
                    } else {
                        load_file(&file.path, file.text.as_bytes(), id).parsed
                    };
                    if loaded.go_template {
                        templates.push(id);
                    }
                }
                Err(error) => {
                    sources.add_unreadable(rel, error);
                }
            }
        }
        for (rel, error) in found.unreadable {
            sources.add_unreadable(rel, error);
        }
        let go_templates = (templates.iter())
            .filter(|id| sources.get(**id).kind != FileKind::Unreadable)
            .count();
        let parse_ms = t1.elapsed().as_millis();
        let t2 = std::time::Instant::now();
        let sources_io_errors = sources.io_errors();
        // The repository's CRDs (schemas, pod template paths) are gathered on
        // the other core while the units' serial set-up runs.
        let (built, templates) = rayon::join(
            || crate::units::build(&sources),
            || {
                crate::schema::wiring::add_repo_crds(&schemas, &sources);
                crate::units::pod_template_paths(&sources)
            },
        );
        let stats = Stats {
            files: sources.files.len(),
            documents: sources.files.iter().map(|f| f.parsed.documents.len()).sum(),
            helm_charts,
            helm_templates: found.helm_templates,
            go_templates,
            skipped_symlinks: found.skipped_symlinks,
            discover_ms,
            parse_ms,
            ..Stats::default()
        };
        let mut not_objects = built.not_objects;
        not_objects.extend(built.patch_files.iter().copied());
        let mut repo = Repo {
            sources,
            units: built.units,
            config,
            cli_env,
            app_namespaces: HashMap::new(),
            build_diagnostics: sources_io_errors,
            render_events: built.events,
            patch_files: built.patch_files,
            schemas,
            stats,
            seal_key: None,
            argocd: std::sync::OnceLock::new(),
            index: std::sync::OnceLock::new(),
        };
        repo.app_namespaces = repo.argocd().application_namespaces();
        // What Argo CD Applications deploy becomes units too; the Argo CD
        // model is then rebuilt so it names those units.
        let deployed = deployed_paths(repo.argocd());
        if crate::units::add_application_units(
            &repo.sources,
            &mut repo.units,
            &not_objects,
            &mut repo.render_events,
            &deployed,
        ) {
            repo.argocd = std::sync::OnceLock::new();
            repo.app_namespaces = repo.argocd().application_namespaces();
        }
        crate::units::attach_pod_templates(&mut repo.units, &templates);
        repo.stats.appset_generators_skipped = repo.argocd().skipped_generators();
        repo.stats.objects = repo.units.iter().map(|u| u.objects.len()).sum();
        repo.stats.units = repo.units.len();
        repo.stats.render_ms = t2.elapsed().as_millis();
        Ok(repo)
    }

    /// `--crd` definitions: their custom resources' pod templates are linted
    /// as workloads, as for a CRD of the repository (which wins for its kind).
    pub fn add_cli_crds(&mut self, crds: &[yaml::Node]) {
        let in_repo = crate::units::pod_template_paths(&self.sources);
        let given: HashMap<_, _> = (crds.iter())
            .filter_map(crate::units::crd_pod_template)
            .filter(|(kind, _)| !in_repo.contains_key(kind))
            .collect();
        crate::units::attach_pod_templates(&mut self.units, &given);
    }

    /// The Argo CD model (Applications, AppProjects, ...), built on first use.
    pub fn argocd(&self) -> &crate::argocd::Model {
        self.argocd.get_or_init(|| {
            crate::argocd::Model::build(&crate::argocd::Input {
                sources: &self.sources,
                units: &self.units,
                config: &self.config,
                cli_env: self.cli_env.as_deref(),
                patch_files: &self.patch_files,
            })
        })
    }

    /// The environment an object of a unit resolves to (SPEC §3).
    pub fn env_of(&self, unit: &Unit, object: &Object) -> Option<String> {
        let file_path = self.sources.path(object.file);
        let unit_marker = if unit.id.is_empty() {
            "kustomization.yaml".to_string()
        } else {
            format!("{}/kustomization.yaml", unit.id)
        };
        let paths = [file_path, unit_marker.as_str()];
        env::resolve(
            &self.config,
            &EnvInput {
                cli_env: self.cli_env.as_deref(),
                paths: &paths,
                app_namespace: self.app_namespaces.get(&unit.id).map(String::as_str),
                unit_dir: &unit.id,
                namespace: object.namespace.as_deref(),
            },
        )
    }

    /// Every object of every unit, with its unit.
    pub fn objects(&self) -> impl Iterator<Item = (&Unit, &Object)> {
        self.units
            .iter()
            .flat_map(|u| u.objects.iter().map(move |o| (u, o)))
    }

    /// The repository index, built on first use (the engine builds it before the rules).
    pub fn index(&self) -> &crate::index::Index {
        self.index
            .get_or_init(|| crate::index::Index::build(&self.units, &self.patch_files))
    }

    /// The unit with this id (a hash lookup: rules ask once per Application).
    pub fn unit(&self, id: &str) -> Option<&crate::model::Unit> {
        self.index().unit(&self.units, id)
    }

    pub fn is_patch_file(&self, id: FileId) -> bool {
        self.index().is_patch_file(id)
    }
}
