//! Repository-wide facts, computed once before the rules run.
//!
//! Cross-object rules ask the index instead of scanning the repository from
//! inside a unit or object loop, so each query costs what it matches and a
//! run stays linear in the size of the repository.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::env::wildcard_match;
use crate::model::{Object, Unit};
use crate::yaml::{FileId, Node};

/// Where an object lives: its unit and its position in that unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ObjectRef {
    pub unit: u32,
    pub object: u32,
}

/// A set of namespace names: exact ones hashed, patterns (from templated
/// names, `{{ }}` → `*`) matched one by one — there are few of them.
#[derive(Debug, Default)]
pub struct NamespaceSet {
    exact: HashSet<String>,
    patterns: Vec<String>,
}

impl NamespaceSet {
    pub fn insert(&mut self, name: String) {
        if name.contains('*') {
            if !self.patterns.contains(&name) {
                self.patterns.push(name);
            }
        } else {
            self.exact.insert(name);
        }
    }

    pub fn contains(&self, ns: &str) -> bool {
        self.exact.contains(ns) || self.patterns.iter().any(|p| wildcard_match(p, ns))
    }

    pub fn len(&self) -> usize {
        self.exact.len() + self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug, Default)]
pub struct Index {
    units_by_id: HashMap<String, usize>,
    /// Objects by (kind, name), any namespace.
    by_kind_name: HashMap<(String, String), Vec<ObjectRef>>,
    /// Namespaces the repository provides: Namespace objects, Argo CD
    /// Applications and ApplicationSet templates with `CreateNamespace=true`,
    /// Flux HelmReleases with `install.createNamespace`, `flux-system` when
    /// Flux objects live there, and the namespaces Argo CD itself runs in.
    pub provided_namespaces: NamespaceSet,
    /// Files only used as Kustomize patches.
    patch_files: HashSet<FileId>,
    /// Files only Kustomize reads (resources, patches and kustomizations of
    /// Kustomize units, applied by no other unit).
    kustomize_only_files: HashSet<FileId>,
    /// Loose units' objects by kind, and their pod templates (all, and by
    /// label): what a loose directory's references may resolve to.
    loose_by_kind: HashMap<String, Vec<ObjectRef>>,
    loose_templates: Vec<ObjectRef>,
    loose_templates_by_label: HashMap<String, HashMap<String, Vec<ObjectRef>>>,
    /// RoleBindings and ClusterRoleBindings by the ServiceAccount names
    /// among their subjects.
    bindings_by_subject: HashMap<String, Vec<ObjectRef>>,
}

/// Facts one object contributes; computed in parallel, merged in order.
struct Contribution {
    key: (String, String),
    at: ObjectRef,
    namespaces: Vec<String>,
}

fn creates_namespace(sync_options: Option<&Node>) -> bool {
    sync_options
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .any(|o| {
            o.as_str()
                .is_some_and(|s| s.replace(' ', "") == "CreateNamespace=true")
        })
}

/// `{{ }}` template expressions become `*`.
pub fn templated_to_glob(ns: &str) -> String {
    let mut out = String::new();
    let mut rest = ns;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        out.push('*');
        rest = match rest[i..].find("}}") {
            Some(j) => &rest[i + j + 2..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// An object of Argo CD itself: its CRs, and its config maps and secrets
/// (`argocd-cm`, `argocd-rbac-cm`, ...), which live where Argo CD is installed.
pub fn is_argocd_own(o: &Object) -> bool {
    (o.group() == "argoproj.io"
        && matches!(
            o.kind.as_str(),
            "Application" | "AppProject" | "ApplicationSet"
        ))
        || (matches!(o.kind.as_str(), "ConfigMap" | "Secret")
            && o.group().is_empty()
            && (o.name.starts_with("argocd-")
                || o.label("app.kubernetes.io/part-of") == Some("argocd")))
}

/// Namespaces one object provides.
fn provides(o: &Object) -> Vec<String> {
    let mut out = Vec::new();
    if o.group().ends_with(".toolkit.fluxcd.io") && o.namespace.as_deref() == Some("flux-system") {
        out.push("flux-system".to_string());
    }
    if is_argocd_own(o) {
        if let Some(ns) = &o.namespace {
            out.push(templated_to_glob(ns));
        }
    }
    match (o.group(), o.kind.as_str()) {
        ("", "Namespace") => out.push(o.name.clone()),
        ("argoproj.io", kind @ ("Application" | "ApplicationSet")) => {
            let spec = if kind == "Application" {
                o.root.get("spec")
            } else {
                o.root.path(&["spec", "template", "spec"])
            };
            if let Some(spec) = spec {
                if creates_namespace(spec.path(&["syncPolicy", "syncOptions"])) {
                    if let Some(ns) = spec.str_at(&["destination", "namespace"]) {
                        out.push(templated_to_glob(ns));
                    }
                }
            }
        }
        ("helm.toolkit.fluxcd.io", "HelmRelease")
            if o.root
                .path(&["spec", "install", "createNamespace"])
                .and_then(Node::as_bool)
                == Some(true) =>
        {
            if let Some(ns) = o
                .root
                .str_at(&["spec", "targetNamespace"])
                .or(o.namespace.as_deref())
            {
                out.push(ns.to_string());
            }
        }
        _ => {}
    }
    out
}

fn kustomize_only_files(units: &[Unit]) -> HashSet<FileId> {
    let (kustomize, other): (Vec<&Unit>, Vec<&Unit>) = units
        .iter()
        .partition(|u| u.kind == crate::model::UnitKind::Kustomize);
    let applied: HashSet<FileId> = other.iter().flat_map(|u| u.files.iter().copied()).collect();
    kustomize
        .iter()
        .flat_map(|u| u.files.iter().copied())
        .filter(|f| !applied.contains(f))
        .collect()
}

impl Index {
    pub fn build(units: &[Unit], patch_files: &[FileId]) -> Index {
        let contributions: Vec<Contribution> = units
            .par_iter()
            .enumerate()
            .flat_map_iter(|(u, unit)| {
                unit.objects
                    .iter()
                    .enumerate()
                    .map(move |(i, o)| Contribution {
                        key: (o.kind.clone(), o.name.clone()),
                        at: ObjectRef {
                            unit: u as u32,
                            object: i as u32,
                        },
                        namespaces: provides(o),
                    })
            })
            .collect();
        let mut index = Index {
            units_by_id: units
                .iter()
                .enumerate()
                .map(|(i, u)| (u.id.clone(), i))
                .collect(),
            patch_files: patch_files.iter().copied().collect(),
            kustomize_only_files: kustomize_only_files(units),
            ..Index::default()
        };
        for c in contributions {
            index.by_kind_name.entry(c.key).or_default().push(c.at);
            for ns in c.namespaces {
                index.provided_namespaces.insert(ns);
            }
        }
        index.add_loose(units);
        index.add_bindings(units);
        index
    }

    fn add_bindings(&mut self, units: &[Unit]) {
        for (u, unit) in units.iter().enumerate() {
            for (i, o) in unit.objects.iter().enumerate() {
                if !matches!(o.kind.as_str(), "RoleBinding" | "ClusterRoleBinding")
                    || o.group() != "rbac.authorization.k8s.io"
                {
                    continue;
                }
                let at = ObjectRef {
                    unit: u as u32,
                    object: i as u32,
                };
                for s in o.root.get("subjects").map(Node::items).unwrap_or(&[]) {
                    if s.str_at(&["kind"]) != Some("ServiceAccount") {
                        continue;
                    }
                    if let Some(name) = s.str_at(&["name"]) {
                        let at_name = self
                            .bindings_by_subject
                            .entry(name.to_string())
                            .or_default();
                        if at_name.last() != Some(&at) {
                            at_name.push(at);
                        }
                    }
                }
            }
        }
    }

    /// RoleBindings and ClusterRoleBindings with a ServiceAccount subject of
    /// this name, in repository order.
    pub fn bindings_of_service_account<'a>(
        &'a self,
        units: &'a [Unit],
        name: &str,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        self.bindings_by_subject
            .get(name)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(move |r| self.object(units, *r).1)
    }

    /// Index the objects and pod templates of loose units, in unit order.
    fn add_loose(&mut self, units: &[Unit]) {
        for (u, unit) in units.iter().enumerate() {
            if unit.is_deployed() {
                continue;
            }
            for (i, o) in unit.objects.iter().enumerate() {
                let at = ObjectRef {
                    unit: u as u32,
                    object: i as u32,
                };
                self.loose_by_kind
                    .entry(o.kind.clone())
                    .or_default()
                    .push(at);
                for t in crate::pods::templates_of(std::iter::once(o)) {
                    self.loose_templates.push(at);
                    for (key, value) in t.labels {
                        self.loose_templates_by_label
                            .entry(key.to_string())
                            .or_default()
                            .entry(value)
                            .or_default()
                            .push(at);
                    }
                }
            }
        }
    }

    /// Objects of this kind in loose units.
    pub fn loose_of_kind(&self, kind: &str) -> &[ObjectRef] {
        self.loose_by_kind.get(kind).map_or(&[], Vec::as_slice)
    }

    /// Loose units' objects with a pod template.
    pub fn loose_templates(&self) -> &[ObjectRef] {
        &self.loose_templates
    }

    /// Loose units' objects whose pod template has this label.
    pub fn loose_templates_labelled(&self, key: &str, value: &str) -> &[ObjectRef] {
        self.loose_templates_by_label
            .get(key)
            .and_then(|values| values.get(value))
            .map_or(&[], Vec::as_slice)
    }

    /// The object a reference points at.
    pub fn object<'a>(&self, units: &'a [Unit], at: ObjectRef) -> (&'a Unit, &'a Object) {
        let unit = &units[at.unit as usize];
        (unit, &unit.objects[at.object as usize])
    }

    pub fn is_patch_file(&self, file: FileId) -> bool {
        self.patch_files.contains(&file)
    }

    /// Whether only Kustomize reads the file (see `kustomize_only_files`).
    pub fn is_kustomize_only(&self, file: FileId) -> bool {
        self.kustomize_only_files.contains(&file)
    }

    /// The unit with this id.
    pub fn unit<'a>(&self, units: &'a [Unit], id: &str) -> Option<&'a Unit> {
        self.units_by_id.get(id).map(|&i| &units[i])
    }

    /// Every object of this kind and name, in any namespace and unit.
    pub fn named<'a>(
        &'a self,
        units: &'a [Unit],
        kind: &str,
        name: &str,
    ) -> impl Iterator<Item = (&'a Unit, &'a Object)> + 'a {
        self.by_kind_name
            .get(&(kind.to_string(), name.to_string()))
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(move |r| {
                let unit = &units[r.unit as usize];
                (unit, &unit.objects[r.object as usize])
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_set_matches_exact_names_and_patterns() {
        let mut set = NamespaceSet::default();
        set.insert("payments".into());
        set.insert(templated_to_glob("{{.name}}-prod"));
        assert!(set.contains("payments"));
        assert!(set.contains("api-prod"));
        assert!(!set.contains("api-staging"));
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn templates_become_wildcards() {
        assert_eq!(templated_to_glob("{{ .ns }}"), "*");
        assert_eq!(templated_to_glob("team-{{a}}-{{b}}"), "team-*-*");
        assert_eq!(templated_to_glob("plain"), "plain");
        assert_eq!(templated_to_glob("broken-{{"), "broken-*");
    }
}
