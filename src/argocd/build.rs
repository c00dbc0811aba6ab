//! Building the [`Model`] once per run from the rendered units and the
//! parsed files: Applications written or generated, AppProjects, cluster
//! Secrets, `argocd-*-cm`, which units each Application deploys, the
//! app-of-apps tree and each Application's environment.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use serde_json::{Map, Value as J};

use super::application::parse_app;
use super::appset::{self, Cluster, Issue, NotExpandable, Tree};
use super::project::{parse_project, Project};

use super::{identity, is_argo, templated, url, App, Origin};
use crate::config::Config;
use crate::env::{self, EnvInput};
use crate::model::{Object, Unit};
use crate::source::Sources;
use crate::yaml::{FileId, Node, Span};

/// What the model is built from (the repository, without depending on it).
pub struct Input<'a> {
    pub sources: &'a Sources,
    pub units: &'a [Unit],
    pub config: &'a Config,
    pub cli_env: Option<&'a str>,
    /// Files only used as Kustomize patches.
    pub patch_files: &'a [FileId],
}

#[derive(Clone, Debug)]
pub struct AppSet {
    pub name: String,
    pub anchor: Span,
    pub file: FileId,
    pub go_template: bool,
    /// Applications generated from known parameters.
    pub generated: usize,
    /// Elements Argo CD fails on (`missingkey=error`): no Application.
    pub failed_elements: usize,
    /// Generators whose parameters are not known offline.
    pub not_expandable: Vec<NotExpandable>,
    pub issues: Vec<Issue>,
    /// `spec.template` (or the spec), for findings about the template.
    pub template_span: Span,
    pub units: Vec<String>,
}

/// The Argo CD model of the repository.
#[derive(Debug, Default)]
pub struct Model {
    /// Identities ([`url::repo_key`]) of this repository's URLs.
    pub this_repo: Vec<String>,
    /// Where they come from: `config`, `git remote`, `inferred`, or `none`.
    pub this_repo_from: &'static str,
    pub apps: Vec<App>,
    pub appsets: Vec<AppSet>,
    pub projects: Vec<Project>,
    /// `argocd-notifications-cm`, `argocd-rbac-cm`, `argocd-cm` ConfigMaps
    /// (rendered, or written as a Kustomize patch of a remote base).
    pub config_maps: Vec<Object>,
    pub clusters: Vec<Cluster>,
    /// Indexes into `apps` of the Applications deploying each unit.
    deployers: HashMap<String, Vec<usize>>,
}

const ARGOCD_CONFIG_MAPS: [&str; 4] = [
    "argocd-notifications-cm",
    "argocd-rbac-cm",
    "argocd-cm",
    "argocd-cmd-params-cm",
];

fn is_argocd_config_map(o: &Object) -> bool {
    o.kind == "ConfigMap" && ARGOCD_CONFIG_MAPS.contains(&o.name.as_str())
}

/// Whether a discovered file lies under `dir`, by binary search over the
/// sorted paths (saves a stat per Application source; a directory without
/// a discovered file still gets one).
fn has_files_under(sorted_paths: &[&str], dir: &str) -> bool {
    let dir = dir.trim_start_matches("./").trim_end_matches('/');
    if dir.is_empty() || dir == "." {
        return !sorted_paths.is_empty();
    }
    let prefix = format!("{dir}/");
    let i = sorted_paths.partition_point(|p| *p < prefix.as_str());
    sorted_paths.get(i).is_some_and(|p| p.starts_with(&prefix))
}

fn is_cluster_secret(o: &Object) -> bool {
    o.kind == "Secret" && o.label("argocd.argoproj.io/secret-type") == Some("cluster")
}

/// Every distinct object of interest (a base seen through several overlays
/// once per distinct rendering) with the units it appears in, then the ones
/// no unit renders (a bootstrap Application no kustomization includes, an
/// `argocd-*-cm` written as a patch of a remote base). Rendered objects are
/// borrowed, not copied: thousands of Applications would be cloned here.
fn collect<'a>(
    input: &'a Input,
    pred: impl Fn(&Object) -> bool,
) -> Vec<(Cow<'a, Object>, Vec<String>)> {
    let mut out: Vec<(Cow<'a, Object>, Vec<String>)> = Vec::new();
    let mut index: HashMap<(Span, String), usize> = HashMap::new();
    let mut seen: HashSet<Span> = HashSet::new();
    for unit in input.units {
        for o in unit.objects.iter().filter(|o| pred(o)) {
            seen.insert(o.root.span);
            let key = (o.root.span, o.display_id());
            match index.get(&key) {
                Some(&i) if out[i].0.root == o.root => out[i].1.push(unit.id.clone()),
                _ => {
                    index.insert(key, out.len());
                    out.push((Cow::Borrowed(o), vec![unit.id.clone()]));
                }
            }
        }
    }
    for file in &input.sources.files {
        let patch = input.patch_files.contains(&file.id);
        for (i, doc) in file.parsed.documents.iter().enumerate() {
            // Only Argo CD kinds and ConfigMaps/Secrets can match: skip the
            // rest before cloning the document into an Object.
            let kind = doc.root.str_at(&["kind"]).unwrap_or("");
            let api_version = doc.root.str_at(&["apiVersion"]).unwrap_or("");
            if !(kind == "ConfigMap" || kind == "Secret" || api_version.starts_with("argoproj.io/"))
                || seen.contains(&doc.root.span)
            {
                continue;
            }
            let Some(o) = Object::from_node(doc.root.clone(), file.id, i) else {
                continue;
            };
            // A patch is a partial object: only a ConfigMap's data is whole.
            if pred(&o) && (!patch || is_argocd_config_map(&o)) {
                out.push((Cow::Owned(o), Vec::new()));
            }
        }
    }
    out
}

/// The repository as the generators see it.
struct RepoTree<'a> {
    input: &'a Input<'a>,
    this_repo: &'a [String],
    dirs: std::cell::OnceCell<Vec<String>>,
    clusters: &'a [Cluster],
    new_git_file_globbing: bool,
}

impl Tree for RepoTree<'_> {
    fn in_repo(&self, repo_url: &str) -> bool {
        url::repo_key(repo_url).is_some_and(|k| self.this_repo.contains(&k))
    }

    fn dirs(&self) -> &[String] {
        self.dirs
            .get_or_init(|| list_dirs(&self.input.sources.root))
    }

    fn files(&self) -> Vec<(&str, Option<J>)> {
        self.input
            .sources
            .files
            .iter()
            .map(|f| {
                let doc = match (&f.parsed.error, f.parsed.documents.as_slice()) {
                    (None, [one]) => Some(one.root.to_json()),
                    (None, []) => Some(J::Null),
                    _ => None,
                };
                (f.path.as_str(), doc)
            })
            .collect()
    }

    fn clusters(&self) -> &[Cluster] {
        self.clusters
    }

    fn new_git_file_globbing(&self) -> bool {
        self.new_git_file_globbing
    }
}

/// `applicationsetcontroller.enable.new.git.file.globbing: "true"` in an
/// `argocd-cmd-params-cm` of the repository (Generators-Git-File-Globbing.md).
fn new_git_file_globbing(config_maps: &[Object]) -> bool {
    config_maps
        .iter()
        .filter(|o| o.name == "argocd-cmd-params-cm")
        .filter_map(|o| {
            o.root.path(&[
                "data",
                "applicationsetcontroller.enable.new.git.file.globbing",
            ])
        })
        .filter_map(Node::scalar_text)
        .any(|v| v.trim().eq_ignore_ascii_case("true"))
}

fn cluster_of(o: &Object) -> Cluster {
    let field = |k: &str| -> String {
        if let Some(v) = o.root.path(&["stringData", k]).and_then(Node::scalar_text) {
            return v;
        }
        o.root
            .path(&["data", k])
            .and_then(Node::as_str)
            .and_then(|b| {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD
                    .decode(b.trim())
                    .ok()
            })
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    };
    let map = |k: &str| -> Map<String, J> {
        o.root
            .path(&["metadata", k])
            .map(Node::to_json)
            .and_then(|j| j.as_object().cloned())
            .unwrap_or_default()
    };
    Cluster {
        name: field("name"),
        server: field("server"),
        project: field("project"),
        labels: map("labels"),
        annotations: map("annotations"),
        span: o.anchor_span(),
    }
}

impl Model {
    pub fn build(input: &Input) -> Model {
        let mut model = Model::default();
        let root = input.sources.root.clone();
        (model.this_repo, model.this_repo_from) =
            identity::configured(&input.config.repo_urls, &root);

        let objects = collect(input, |o| {
            o.group() == "argoproj.io" || is_argocd_config_map(o) || is_cluster_secret(o)
        });
        // Applications are most of the objects: parsed in parallel, in order.
        model.apps = (objects.par_iter())
            .filter(|(o, _)| o.kind == "Application" && is_argo(o, "Application"))
            .map(|(o, units)| {
                let mut app = parse_app(&o.root, o.file, Origin::Object);
                app.defined_in = units.clone();
                app
            })
            .collect();
        for (o, units) in &objects {
            match o.kind.as_str() {
                "AppProject" if is_argo(o, "AppProject") => {
                    model.projects.push(parse_project(o, units))
                }
                "ConfigMap" => model.config_maps.push(Object::clone(o)),
                "Secret" => model.clusters.push(cluster_of(o)),
                _ => {}
            }
        }
        let argocd_cm: Vec<&Object> = model
            .config_maps
            .iter()
            .filter(|o| o.name == "argocd-cm")
            .collect();
        super::project::merge_global_projects(&mut model.projects, &argocd_cm);
        if model.this_repo.is_empty() {
            model.this_repo = identity::inferred(model.apps.iter(), &root);
            if !model.this_repo.is_empty() {
                model.this_repo_from = "inferred";
            }
        }
        let appsets: Vec<&(Cow<Object>, Vec<String>)> = objects
            .iter()
            .filter(|(o, _)| is_argo(o, "ApplicationSet"))
            .collect();
        let this_repo = model.this_repo.clone();
        let clusters = model.clusters.clone();
        let tree = RepoTree {
            input,
            this_repo: &this_repo,
            dirs: Default::default(),
            clusters: &clusters,
            new_git_file_globbing: new_git_file_globbing(&model.config_maps),
        };
        for (o, units) in appsets {
            model.expand_appset(o, units, &tree);
        }
        model.resolve_sources(input);
        model.link_parents();
        model
    }

    fn expand_appset(&mut self, o: &Object, units: &[String], tree: &RepoTree) {
        let Some(spec) = o.root.get("spec") else {
            return;
        };
        let syntax = appset::Syntax::of(spec);
        let mut expansion = appset::expand(spec, tree);
        let index = self.appsets.len();
        let patch = spec.get("templatePatch");
        let mut generated = 0;
        let mut failed_elements = 0;
        for group in &expansion.groups {
            if group.unknown {
                // Parameters unknown: the template is checked as written.
                let mut app =
                    parse_app(&group.template, o.file, Origin::Template { appset: index });
                app.defined_in = units.to_vec();
                self.apps.push(app);
                continue;
            }
            for element in &group.elements {
                let Some(rendered) = appset::render_template(
                    &group.template,
                    element,
                    syntax,
                    patch,
                    &mut expansion.issues,
                ) else {
                    failed_elements += 1;
                    continue;
                };
                let origin = Origin::Generated {
                    appset: index,
                    element: element.clone(),
                };
                let mut app = parse_app(&rendered, o.file, origin);
                app.defined_in = units.to_vec();
                self.apps.push(app);
                generated += 1;
            }
        }
        self.appsets.push(AppSet {
            name: o.name.clone(),
            anchor: o.anchor_span(),
            file: o.file,
            go_template: syntax.go,
            generated,
            failed_elements,
            not_expandable: expansion.not_expandable,
            issues: expansion.issues,
            template_span: spec.get("template").map_or(spec.span, |t| t.span),
            units: units.to_vec(),
        });
    }

    /// Sources in this repository, the units they deploy, environments.
    fn resolve_sources(&mut self, input: &Input) {
        let root = &input.sources.root;
        // Sorted once, so each source finds its units by binary search
        // instead of scanning every unit.
        let mut unit_ids: Vec<(&str, usize)> = input
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.as_str(), i))
            .collect();
        unit_ids.sort_unstable();
        let mut file_paths: Vec<&str> = input
            .sources
            .files
            .iter()
            .map(|f| f.path.as_str())
            .collect();
        file_paths.sort_unstable();
        for app in &mut self.apps {
            for s in &mut app.sources {
                s.in_repo = s
                    .repo_url
                    .as_ref()
                    .and_then(|u| url::repo_key(&u.value))
                    .is_some_and(|k| self.this_repo.contains(&k));
                let (true, Some(p)) = (s.in_repo, &s.path) else {
                    continue;
                };
                if templated(p) {
                    continue;
                }
                s.path_exists = has_files_under(&file_paths, p) || root.join(p).is_dir();
                for id in units_under(&unit_ids, p, s.directory_recurse) {
                    if !app.units.iter().any(|u| u == id) {
                        app.units.push(id.to_string());
                    }
                }
            }
            let file_path = input.sources.path(app.file);
            let first_path = app
                .in_repo_sources()
                .find_map(|s| s.path.clone())
                .unwrap_or_default();
            let marker = if first_path.is_empty() {
                String::new()
            } else {
                format!("{first_path}/kustomization.yaml")
            };
            let paths: Vec<&str> = [file_path, marker.as_str()]
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect();
            let dest_ns = app
                .destination
                .namespace
                .as_ref()
                .map(|n| n.value.as_str())
                .filter(|n| !templated(n));
            app.env = env::resolve(
                input.config,
                &EnvInput {
                    cli_env: input.cli_env,
                    paths: &paths,
                    app_namespace: dest_ns,
                    unit_dir: &first_path,
                    namespace: None,
                },
            );
        }
    }

    /// App of apps: the parent deploys a unit that defines the child.
    fn link_parents(&mut self) {
        let mut deployers: HashMap<String, Vec<usize>> = HashMap::new();
        for (j, app) in self.apps.iter().enumerate() {
            for unit in &app.units {
                let list = deployers.entry(unit.clone()).or_default();
                if list.last() != Some(&j) {
                    list.push(j);
                }
            }
        }
        // The first Application (in model order) deploying a unit that defines the child.
        let parents: Vec<Option<usize>> = self
            .apps
            .iter()
            .enumerate()
            .map(|(i, child)| {
                child
                    .defined_in
                    .iter()
                    .filter_map(|u| deployers.get(u))
                    .filter_map(|js| js.iter().copied().find(|&j| j != i))
                    .min()
            })
            .collect();
        for (app, parent) in self.apps.iter_mut().zip(parents) {
            app.parent = parent;
        }
        self.deployers = deployers;
    }

    pub fn project(&self, name: &str) -> Option<&Project> {
        self.projects.iter().find(|p| p.name == name)
    }

    /// Applications deploying a unit.
    pub fn apps_deploying<'a>(&'a self, unit: &'a str) -> impl Iterator<Item = &'a App> + 'a {
        self.deployers
            .get(unit)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(|&j| &self.apps[j])
    }

    pub fn config_map(&self, name: &str) -> impl Iterator<Item = &Object> {
        let name = name.to_string();
        self.config_maps.iter().filter(move |o| o.name == name)
    }

    pub fn generated_apps(&self) -> usize {
        self.apps.iter().filter(|a| a.is_generated()).count()
    }

    /// ApplicationSet generators whose parameters are not known offline.
    pub fn skipped_generators(&self) -> usize {
        self.appsets.iter().map(|s| s.not_expandable.len()).sum()
    }

    /// What became of the ApplicationSets, for `--stats`: how many were
    /// expanded whole, in part, or only checked as written, and the
    /// generators not evaluated by kind (`clusters ... 3, scmProvider 1`).
    pub fn appset_summary(&self) -> String {
        let full = self.appsets.iter().filter(|s| s.not_expandable.is_empty());
        let partly = self
            .appsets
            .iter()
            .filter(|s| !s.not_expandable.is_empty() && s.generated > 0);
        let (full, partly) = (full.count(), partly.count());
        let as_written = self.appsets.len() - full - partly;
        let mut kinds: Vec<(&str, usize)> = Vec::new();
        for n in self.appsets.iter().flat_map(|s| &s.not_expandable) {
            match kinds.iter_mut().find(|(k, _)| *k == n.kind) {
                Some((_, c)) => *c += 1,
                None => kinds.push((n.kind, 1)),
            }
        }
        kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let by_kind: Vec<String> = kinds.iter().map(|(k, c)| format!("{k} {c}")).collect();
        let mut out = format!(
            "{} ApplicationSets ({full} expanded, {partly} partly expanded, {as_written} checked as written), ApplicationSet generators skipped: {}",
            self.appsets.len(),
            self.skipped_generators()
        );
        if !by_kind.is_empty() {
            out.push_str(&format!(" ({})", by_kind.join(", ")));
        }
        out
    }

    /// Destination namespace of the Application deploying each unit (env resolution).
    pub fn application_namespaces(&self) -> HashMap<String, String> {
        let mut out = HashMap::new();
        for app in &self.apps {
            let Some(ns) = &app.destination.namespace else {
                continue;
            };
            if templated(&ns.value) || ns.value.is_empty() {
                continue;
            }
            for unit in &app.units {
                out.entry(unit.clone()).or_insert_with(|| ns.value.clone());
            }
        }
        out
    }
}

/// Directories of the tree under `root` (relative, without hidden ones).
fn list_dirs(root: &Path) -> Vec<String> {
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

/// The units a source path deploys — the unit at the path itself and, with
/// `directory.recurse`, every unit below it — in the units' original order.
/// `sorted` holds (unit id, position among the units), sorted by id.
fn units_under<'a>(sorted: &[(&'a str, usize)], path: &str, recurse: bool) -> Vec<&'a str> {
    let start = sorted.partition_point(|(id, _)| *id < path);
    let mut found: Vec<(&str, usize)> = sorted[start..]
        .iter()
        .copied()
        .take_while(|(id, _)| id.starts_with(path))
        .filter(|(id, _)| {
            *id == path
                || (recurse && (path.is_empty() || id.as_bytes().get(path.len()) == Some(&b'/')))
        })
        .collect();
    found.sort_unstable_by_key(|&(_, position)| position);
    found.into_iter().map(|(id, _)| id).collect()
}

#[cfg(test)]
mod units_under_tests {
    use super::units_under;

    #[test]
    fn a_path_deploys_its_unit_and_with_recurse_the_units_below() {
        let mut ids: Vec<(&str, usize)> = ["apps/web", "", "apps/web/prod", "apps/webhook", "apps"]
            .into_iter()
            .enumerate()
            .map(|(i, id)| (id, i))
            .collect();
        ids.sort_unstable();
        assert_eq!(units_under(&ids, "apps/web", false), ["apps/web"]);
        assert_eq!(
            units_under(&ids, "apps/web", true),
            ["apps/web", "apps/web/prod"]
        );
        assert_eq!(
            units_under(&ids, "", true),
            ["apps/web", "", "apps/web/prod", "apps/webhook", "apps"]
        );
        assert!(units_under(&ids, "missing", true).is_empty());
    }
}
