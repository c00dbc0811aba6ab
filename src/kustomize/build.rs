//! The build: kustomize's `KustTarget.AccumulateTarget` and `makeCustomizedResMap`.

use std::collections::BTreeSet;

use super::fieldspec::{self, FieldSpec};
use super::generators::{self, GenOptions};
use super::images::{self, ImageEntry};
use super::res::{self, Behavior, Res, ResId};
use super::smp::{self, Merged};
use super::{diag, json6902, nameref, Rendered, KUSTOMIZATION_FILE_NAMES};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Object;
use crate::source::{join, Sources};
use crate::yaml::{self, FileId, Node, ParsedFile, ScalarStyle, Span, Value};

const BUILD: &str = "kustomize-build";

pub(crate) struct Ctx<'a> {
    pub sources: &'a Sources,
    pub diags: Vec<Diagnostic>,
    pub files: BTreeSet<FileId>,
    stack: Vec<String>,
    /// Something was skipped (remote base, Helm chart, plugin): a patch or
    /// image entry may target what is missing, so "matches nothing" is not said.
    incomplete: bool,
    /// Generators that could not be built: replacements sourcing them are not
    /// reported again.
    failed_generators: BTreeSet<String>,
}

/// Is a resource entry a remote target (URL, git repository)?
pub fn is_remote(s: &str) -> bool {
    s.contains("://")
        || s.starts_with("git@")
        || s.starts_with("github.com/")
        || s.starts_with("gitlab.com/")
        || s.starts_with("bitbucket.org/")
        || s.contains("?ref=")
        || s.contains(".git//")
}

/// Is `path` in or below `dir` (kustomize's default load restriction for files)?
pub fn is_under(dir: &str, path: &str) -> bool {
    if dir.is_empty() {
        !path.starts_with("../") && path != ".."
    } else {
        path == dir || path.starts_with(&format!("{dir}/"))
    }
}

pub fn render(sources: &Sources, dir: &str) -> Rendered {
    let mut ctx = Ctx {
        sources,
        diags: Vec::new(),
        files: BTreeSet::new(),
        stack: Vec::new(),
        incomplete: false,
        failed_generators: BTreeSet::new(),
    };
    let mut acc: Vec<Res> = Vec::new();
    let top = ctx.build_dir(dir, None, &mut acc, false);
    // Hash suffixes, then back references (kustomize's makeCustomizedResMap).
    for r in acc.iter_mut().filter(|r| r.needs_hash) {
        let hash = generators::kustomize_hash(&r.node);
        r.store_prev();
        let span = r
            .node
            .path(&["metadata", "name"])
            .map(|n| n.span)
            .unwrap_or(r.node.span);
        let name = format!("{}-{hash}", r.name());
        r.set_name(name, span);
    }
    nameref::fix(&mut acc, &mut ctx.diags);
    // kustomize drops an empty or null `metadata.annotations` (its internal
    // annotations are removed at the end, and the map with them).
    for r in acc.iter_mut() {
        if let Some(meta) = r.node.get_mut("metadata") {
            if meta
                .get("annotations")
                .is_some_and(|a| a.is_null() || a.as_map().is_some_and(|m| m.is_empty()))
            {
                meta.remove("annotations");
            }
        }
    }
    if let Some(k) = &top {
        sort(&mut acc, k.get("sortOptions"));
    } else {
        sort(&mut acc, None);
    }
    let mut objects = Vec::with_capacity(acc.len());
    for r in acc {
        if let Some(o) = Object::from_node(r.node, r.file, r.doc_index) {
            objects.push(o);
        }
    }
    // A kustomization reached twice (e.g. a component listed by two bases)
    // reports its findings once.
    let mut seen = std::collections::HashSet::new();
    ctx.diags
        .retain(|d| seen.insert((d.rule, d.span, d.message.clone())));
    Rendered {
        objects,
        diagnostics: ctx.diags,
        files: ctx.files.into_iter().collect(),
    }
}

const ORDER_FIRST: &[&str] = &[
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];
const ORDER_LAST: &[&str] = &[
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// kustomize's legacy order (the default of `kubectl kustomize` v5), or FIFO.
fn sort(acc: &mut [Res], opts: Option<&Node>) {
    let mut first: Vec<String> = ORDER_FIRST.iter().map(|s| s.to_string()).collect();
    let mut last: Vec<String> = ORDER_LAST.iter().map(|s| s.to_string()).collect();
    if let Some(o) = opts {
        if o.str_at(&["order"]) == Some("fifo") {
            return;
        }
        let list = |k: &str| -> Option<Vec<String>> {
            o.path(&["legacySortOptions", k]).map(|n| {
                n.items()
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect()
            })
        };
        if let Some(f) = list("orderFirst") {
            first = f;
        }
        if let Some(l) = list("orderLast") {
            last = l;
        }
    }
    let index = |kind: &str| -> i64 {
        if let Some(i) = first.iter().position(|k| k == kind) {
            return i as i64 - first.len() as i64;
        }
        if let Some(i) = last.iter().position(|k| k == kind) {
            return 1 + i as i64;
        }
        0
    };
    // Stable: resources with the same key keep their order.
    acc.sort_by_cached_key(|r| {
        let id = r.cur();
        let ns = if id.namespace.is_empty() {
            "~X"
        } else {
            &id.namespace
        };
        (
            index(&id.kind),
            id.gvk_string(),
            format!("{ns}|{}", id.name),
        )
    });
}

/// Top-level fields of a Kustomization or Component (kustomize v5.5).
const KNOWN_FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "openapi",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "patchesStrategicMerge",
    "patchesJson6902",
    "patches",
    "images",
    "imageTags",
    "replacements",
    "replicas",
    "vars",
    "sortOptions",
    "resources",
    "components",
    "crds",
    "bases",
    "configMapGenerator",
    "secretGenerator",
    "helmGlobals",
    "helmCharts",
    "helmChartInflationGenerator",
    "generatorOptions",
    "configurations",
    "generators",
    "transformers",
    "validators",
    "buildMetadata",
];

fn str_items(n: Option<&Node>) -> Vec<&Node> {
    n.map(|n| n.items().iter().filter(|i| i.as_str().is_some()).collect())
        .unwrap_or_default()
}

/// The documents of a file outside the linted set, every node blamed on the
/// kustomization entry that names it (`blame`).
fn unlisted_documents(text: &str, blame: Span) -> Vec<Node> {
    let parsed = yaml::parse(text, blame.file);
    let mut docs: Vec<Node> = parsed.documents.into_iter().map(|d| d.root).collect();
    for d in &mut docs {
        res::respan(d, blame);
    }
    docs
}

/// Indexes of the resources whose current or any earlier id is `id`.
fn resources_with_id(acc: &[Res], id: &ResId) -> Vec<usize> {
    acc.iter()
        .enumerate()
        .filter(|(_, r)| r.all_ids().iter().any(|i| i.equals(id)))
        .map(|(i, _)| i)
        .collect()
}

/// Set `metadata.<key>`, creating `metadata` (spanned at `span`) if needed.
fn set_metadata(node: &mut Node, key: &str, value: Node, span: Span) {
    res::ensure_map_at(node, "metadata", span).set(key, value.span, value);
}

/// Give a merged or patched resource back the namespace it had (none included).
fn restore_namespace(node: &mut Node, namespace: Option<Node>, span: Span) {
    match namespace {
        Some(n) => set_metadata(node, "namespace", n, span),
        None => {
            if let Some(m) = node.get_mut("metadata") {
                m.remove("namespace");
            }
        }
    }
}

impl Ctx<'_> {
    fn push(&mut self, d: Diagnostic) {
        let about_missing_targets = matches!(
            d.rule,
            "kustomize-patch-target-missing" | "kustomize-image-unused"
        );
        if about_missing_targets && self.incomplete {
            return;
        }
        self.diags.push(d);
    }

    fn error(&mut self, span: Span, msg: impl Into<String>) {
        self.push(diag(BUILD, Severity::Error, span, msg));
    }

    fn warn(&mut self, span: Span, msg: impl Into<String>) {
        self.push(diag(BUILD, Severity::Warning, span, msg));
    }

    /// Resources were skipped (remote, Helm chart, generator plugin): the render is incomplete.
    fn warn_skipped_resources(&mut self, span: Span, msg: impl Into<String>) {
        self.incomplete = true;
        self.warn(span, msg);
    }

    /// The kustomization of a directory: its file id and root node.
    fn load_kustomization(&mut self, dir: &str, ref_span: Option<Span>) -> Option<(FileId, Node)> {
        let found: Vec<FileId> = KUSTOMIZATION_FILE_NAMES
            .iter()
            .filter_map(|n| self.sources.by_path(&join(dir, n)).map(|f| f.id))
            .collect();
        let Some(&fid) = found.first() else {
            let span = ref_span.unwrap_or_default();
            self.error(
                span,
                format!("no kustomization.yaml, kustomization.yml or Kustomization in `{dir}`"),
            );
            return None;
        };
        if found.len() > 1 {
            self.error(
                Span::new(found[1], 0, 0),
                format!("found multiple kustomization files in `{dir}`"),
            );
        }
        self.files.insert(fid);
        let file = self.sources.get(fid);
        if let Some(err) = &file.parsed.error {
            self.error(
                Span::new(fid, err.offset, err.offset),
                format!("cannot parse the kustomization: {}", err.message),
            );
            return None;
        }
        let root = file
            .parsed
            .documents
            .first()
            .map(|d| d.root.clone())
            .unwrap_or_else(|| Node::new(Value::Map(Vec::new()), Span::new(fid, 0, 0)));
        if !matches!(root.value, Value::Map(_) | Value::Null) {
            self.error(root.span, "a kustomization must be a mapping");
            return None;
        }
        Some((fid, root))
    }

    /// Build one directory into `acc` (a fresh accumulator for resources,
    /// the parent's for components). Returns the kustomization.
    pub fn build_dir(
        &mut self,
        dir: &str,
        ref_span: Option<Span>,
        acc: &mut Vec<Res>,
        component: bool,
    ) -> Option<Node> {
        if self.stack.iter().any(|d| d == dir) {
            self.error(
                ref_span.unwrap_or_default(),
                format!(
                    "cycle: `{dir}` includes itself ({})",
                    self.stack.join(" -> ")
                ),
            );
            return None;
        }
        let (fid, k) = self.load_kustomization(dir, ref_span)?;
        let kind = k.str_at(&["kind"]).unwrap_or("Kustomization");
        if component && kind != "Component" {
            self.error(
                ref_span.unwrap_or(k.span),
                format!("`{dir}` is listed under components but is a {kind}, not a Component"),
            );
            return None;
        }
        if !component && kind == "Component" && ref_span.is_some() {
            self.error(
                ref_span.unwrap_or(k.span),
                format!("`{dir}` is a Component; list it under `components:`"),
            );
            return None;
        }
        self.stack.push(dir.to_string());
        self.deprecations(&k);
        self.accumulate(dir, fid, &k, acc);
        self.stack.pop();
        Some(k)
    }

    fn deprecations(&mut self, k: &Node) {
        for e in k.entries() {
            if !KNOWN_FIELDS.contains(&e.key.name.as_str()) {
                let suggestion = KNOWN_FIELDS
                    .iter()
                    .min_by_key(|f| crate::suggest::distance(f, &e.key.name))
                    .filter(|f| crate::suggest::distance(f, &e.key.name) <= 3);
                let mut d = diag(
                    BUILD,
                    Severity::Error,
                    e.key.span,
                    format!(
                        "unknown kustomization field `{}`: kustomize refuses the file",
                        e.key.name
                    ),
                );
                if let Some(f) = suggestion {
                    d = d.with_help(format!("did you mean `{f}`?"));
                }
                self.push(d);
            }
            let help = match e.key.name.as_str() {
                "patchesStrategicMerge" => "move the entries to `patches:` (`- path: FILE`)",
                "patchesJson6902" => "move the entries to `patches:` (same `target` and `path`)",
                "bases" => "list the directories under `resources:`",
                "commonLabels" => "use `labels:` with `includeSelectors: true` (or false to leave selectors alone)",
                "vars" => "use `replacements:`",
                "imageTags" => "rename the field to `images:`",
                _ => continue,
            };
            let mut d = diag(
                "kustomize-deprecated-field",
                Severity::Warning,
                e.key.span,
                format!("`{}` is deprecated in kustomize v5", e.key.name),
            )
            .with_help(help);
            if let Some(fix) = super::deprecated::fix(self.sources, k, e) {
                d = d.with_fix(fix);
            }
            self.push(d);
        }
    }

    fn accumulate(&mut self, dir: &str, fid: FileId, k: &Node, acc: &mut Vec<Res>) {
        // Unsupported features: reported, the rest still rendered.
        for e in k.entries() {
            let what = match e.key.name.as_str() {
                "helmCharts" | "helmChartInflationGenerator" => "Helm charts are not inflated",
                "generators" => "generator plugins are not run",
                "validators" => "validator plugins are not run",
                "vars" => "vars are not substituted",
                "configurations" => "custom transformer configurations are ignored",
                "crds" => "CRD field specs are ignored",
                "openapi" => "custom OpenAPI schemas are ignored",
                _ => continue,
            };
            if e.value.is_null() || (e.value.items().is_empty() && e.value.entries().is_empty()) {
                continue;
            }
            let msg = format!("`{}` skipped: {what}; rendering the rest", e.key.name);
            if matches!(
                e.key.name.as_str(),
                "helmCharts" | "helmChartInflationGenerator" | "generators"
            ) {
                self.warn_skipped_resources(e.key.span, msg);
            } else {
                self.warn(e.key.span, msg);
            }
        }
        // 1. resources (and the deprecated bases)
        let mut entries = str_items(k.get("resources"));
        entries.extend(str_items(k.get("bases")));
        for item in entries {
            self.add_resource(dir, item, acc);
        }
        // 2. generators
        let global = GenOptions::from_node(k.get("generatorOptions"));
        for (key, secret) in [("configMapGenerator", false), ("secretGenerator", true)] {
            for g in k.get(key).map(Node::items).unwrap_or(&[]) {
                let mut read = Vec::new();
                let result =
                    generators::generate(self.sources, dir, g, secret, &global, fid, &mut read);
                if result.is_err() {
                    if let Some(name) = g.get("name").and_then(Node::scalar_text) {
                        self.failed_generators.insert(name);
                    }
                }
                match result {
                    Ok(r) => self.append_or_merge(acc, r, g.span),
                    Err((span, msg)) if msg.starts_with("remote ") => self.warn(span, msg),
                    Err((span, msg)) if msg.ends_with("does not exist") => self.push(diag(
                        "kustomize-missing-resource",
                        Severity::Error,
                        span,
                        msg,
                    )),
                    Err((span, msg)) => self.error(span, msg),
                }
            }
        }
        // 3. components, on the same accumulator
        for item in str_items(k.get("components")) {
            let rel = item.as_str().unwrap_or_default();
            if is_remote(rel) {
                self.warn_skipped_resources(
                    item.span,
                    format!("remote component `{rel}` not fetched"),
                );
                continue;
            }
            let path = join(dir, rel);
            if super::kustomization_file(self.sources, &path).is_none() {
                self.push(diag(
                    "kustomize-missing-resource",
                    Severity::Error,
                    item.span,
                    format!("component `{rel}` not found (no kustomization in `{path}`)"),
                ));
                continue;
            }
            self.build_dir(&path, Some(item.span), acc, true);
        }
        // 4. transformers, in kustomize's order
        self.patches_strategic_merge(dir, k, acc);
        self.patches(dir, k, acc);
        self.namespace(k, acc);
        self.prefix_suffix(k, acc);
        self.labels(k, acc);
        self.annotations(k, acc);
        self.patches_json6902(dir, k, acc);
        self.replicas(k, acc);
        self.images(k, acc);
        self.replacements(dir, k, acc);
        self.transformer_configs(dir, k, acc);
    }

    /// `transformers:` configurations. The builtin LabelTransformer and
    /// AnnotationsTransformer (pairs set at their own field specs) are run;
    /// anything else (other builtins, plugins) is reported and skipped.
    fn transformer_configs(&mut self, dir: &str, k: &Node, acc: &mut [Res]) {
        for item in k.get("transformers").map(Node::items).unwrap_or(&[]) {
            let inline = item.as_str().is_some_and(|s| s.contains('\n'));
            let Some(docs) = self.load_patch(dir, item, inline) else {
                continue;
            };
            for doc in docs {
                let kind = doc.str_at(&["kind"]).unwrap_or_default();
                let field = match (doc.str_at(&["apiVersion"]), kind) {
                    (Some("builtin"), "LabelTransformer") => "labels",
                    (Some("builtin"), "AnnotationsTransformer") => "annotations",
                    _ => {
                        self.warn(
                            item.span,
                            format!("transformer `{kind}` skipped: only the builtin LabelTransformer and AnnotationsTransformer are run; rendering the rest"),
                        );
                        continue;
                    }
                };
                let Some(map) = doc.get(field) else { continue };
                let pairs = self.pairs_of(map);
                for fs in doc.get("fieldSpecs").map(Node::items).unwrap_or(&[]) {
                    let Some(path) = fs.str_at(&["path"]) else {
                        continue;
                    };
                    let parts = fieldspec::split(path);
                    let create = fs.get("create").and_then(Node::as_bool) == Some(true);
                    let (kind, group) = (fs.str_at(&["kind"]), fs.str_at(&["group"]));
                    for r in acc.iter_mut() {
                        let id = r.cur();
                        if kind.is_some_and(|k| k != id.kind)
                            || group.is_some_and(|g| g != id.group)
                        {
                            continue;
                        }
                        fieldspec::visit_path(
                            &mut r.node,
                            &parts,
                            create,
                            map.span,
                            &mut |target| {
                                if target.is_null() {
                                    if !create {
                                        return;
                                    }
                                    *target = Node::new(Value::Map(Vec::new()), map.span);
                                }
                                if matches!(target.value, Value::Map(_)) {
                                    for (key, key_span, value) in &pairs {
                                        res::set_entry(target, key, *key_span, value.clone());
                                    }
                                }
                            },
                        );
                    }
                }
            }
        }
    }

    fn replacements(&mut self, dir: &str, k: &Node, acc: &mut [Res]) {
        for r in k.get("replacements").map(Node::items).unwrap_or(&[]) {
            let reps: Vec<Node> = match r.get("path") {
                Some(p) => match self.load_patch(dir, p, false) {
                    Some(docs) => docs
                        .into_iter()
                        .flat_map(|d| match d.value {
                            Value::Seq(items) => items,
                            _ => vec![d],
                        })
                        .collect(),
                    None => continue,
                },
                None => vec![r.clone()],
            };
            for rep in &reps {
                let source_failed = rep
                    .str_at(&["source", "name"])
                    .is_some_and(|n| self.failed_generators.contains(n));
                if let Err((span, msg)) =
                    super::replacements::apply(acc, rep, &|acc, sel| select(acc, sel))
                {
                    if !source_failed {
                        self.error(span, msg);
                    }
                }
            }
        }
    }

    /// kustomize refuses files outside the kustomization's directory; ftlint
    /// reports it and still uses the file.
    fn restricted(&mut self, span: Span, path: &str, dir: &str) {
        let d = if dir.is_empty() { "." } else { dir };
        self.push(
            diag(
                BUILD,
                Severity::Error,
                span,
                format!("`{path}` is not in or below `{d}`: kustomize refuses to load it (load restrictions)"),
            )
            .with_help("move the file into the kustomization's directory, or make its directory a kustomization and list that"),
        );
    }

    fn append(&mut self, acc: &mut Vec<Res>, r: Res, span: Span) {
        let id = r.cur();
        if acc.iter().any(|x| x.cur().equals(&id)) {
            self.error(
                span,
                format!(
                    "may not add resource with an already registered id: {}",
                    id.display()
                ),
            );
            return;
        }
        acc.push(r);
    }

    fn append_or_merge(&mut self, acc: &mut Vec<Res>, mut r: Res, span: Span) {
        let id = r.cur();
        let matches = resources_with_id(acc, &id);
        match (matches.as_slice(), r.behavior) {
            ([], Behavior::Create) => acc.push(r),
            ([], _) => self.error(
                span,
                format!("{} does not exist; cannot merge or replace", id.display()),
            ),
            ([i], Behavior::Merge | Behavior::Replace) => {
                let old = &acc[*i];
                let merge_map = |path: &[&str], r: &mut Res| {
                    let mut merged = old
                        .node
                        .path(path)
                        .cloned()
                        .filter(|n| matches!(n.value, Value::Map(_)));
                    if let Some(new) = r.node.path(path) {
                        match &mut merged {
                            Some(m) => {
                                for e in new.entries() {
                                    res::set_entry(m, &e.key.name, e.key.span, e.value.clone());
                                }
                            }
                            None => merged = Some(new.clone()),
                        }
                    }
                    if let Some(m) = merged {
                        let (last, parent) = path.split_last().expect("non-empty path");
                        let span = r.node.span;
                        let mut target = &mut r.node;
                        for p in parent {
                            target = res::ensure_map_at(target, p, span);
                        }
                        res::set_entry(target, last, m.span, m);
                    }
                };
                merge_map(&["metadata", "labels"], &mut r);
                merge_map(&["metadata", "annotations"], &mut r);
                if r.behavior == Behavior::Merge {
                    merge_map(&["data"], &mut r);
                    if old.node.get("binaryData").is_some() {
                        merge_map(&["binaryData"], &mut r);
                    }
                }
                if let Some(n) = old.node.path(&["metadata", "name"]) {
                    set_metadata(&mut r.node, "name", n.clone(), span);
                }
                let ns = old.node.path(&["metadata", "namespace"]).cloned();
                restore_namespace(&mut r.node, ns, span);
                r.org = old.org.clone();
                r.prev = old.prev.clone();
                r.needs_hash = old.needs_hash;
                r.prefixes = old.prefixes.clone();
                r.suffixes = old.suffixes.clone();
                r.behavior = Behavior::Create;
                acc[*i] = r;
            }
            ([_], Behavior::Create) => self.error(
                span,
                format!(
                    "{} already exists; set `behavior: merge` or `replace`",
                    id.display()
                ),
            ),
            _ => self.error(
                span,
                format!("several objects could accept the merge of {}", id.display()),
            ),
        }
    }

    fn add_resource(&mut self, dir: &str, item: &Node, acc: &mut Vec<Res>) {
        let rel = item.as_str().unwrap_or_default();
        if is_remote(rel) {
            self.warn_skipped_resources(
                item.span,
                format!("remote resource `{rel}` not fetched (ftlint works offline); rendering the rest"),
            );
            return;
        }
        let path = join(dir, rel);
        if let Some(f) = self.sources.by_path(&path) {
            if !super::is_kustomization_file(&path) {
                if !is_under(dir, &path) {
                    self.restricted(item.span, &path, dir);
                }
                let fid = f.id;
                self.files.insert(fid);
                if let Some(err) = &f.parsed.error {
                    self.error(
                        Span::new(fid, err.offset, err.offset),
                        format!("cannot parse `{path}`: {}", err.message),
                    );
                }
                let docs: Vec<Node> = f.parsed.documents.iter().map(|d| d.root.clone()).collect();
                self.add_docs(docs, fid, item.span, acc);
                return;
            }
        }
        if super::kustomization_file(self.sources, &path).is_some() {
            let mut sub = Vec::new();
            if self
                .build_dir(&path, Some(item.span), &mut sub, false)
                .is_some()
            {
                for r in sub {
                    self.append(acc, r, item.span);
                }
            }
            return;
        }
        let abs = self.sources.root.join(&path);
        if abs.is_file() {
            if !is_under(dir, &path) {
                self.restricted(item.span, &path, dir);
            }
            // A file outside the linted set (excluded): read it, blame the list item.
            match crate::fsread::read_in_root(&self.sources.root, &path) {
                Ok(text) => {
                    let docs = unlisted_documents(&text, item.span);
                    self.add_docs(docs, item.span.file, item.span, acc);
                }
                Err(e) => self.error(item.span, format!("cannot read `{path}`: {e}")),
            }
            return;
        }
        if abs.is_dir() {
            let has_k = KUSTOMIZATION_FILE_NAMES
                .iter()
                .any(|n| abs.join(n).is_file());
            let msg = if has_k {
                format!("the kustomization in `{path}` is not among the linted files")
            } else {
                format!("`{path}` is a directory without a kustomization.yaml")
            };
            self.error(item.span, msg);
            return;
        }
        self.push(
            diag(
                "kustomize-missing-resource",
                Severity::Error,
                item.span,
                format!("resource `{rel}` does not exist (`{path}`)"),
            )
            .with_help("fix the path or remove the entry"),
        );
    }

    fn add_docs(&mut self, docs: Vec<Node>, fid: FileId, span: Span, acc: &mut Vec<Res>) {
        for (i, d) in docs.into_iter().enumerate() {
            if d.is_null() {
                continue;
            }
            if !matches!(d.value, Value::Map(_)) {
                self.error(d.span, "a resource document must be a mapping");
                continue;
            }
            if d.entries().is_empty() {
                continue;
            }
            let kind = d.str_at(&["kind"]).unwrap_or("");
            if kind.is_empty() {
                self.error(d.span, "resource without `kind`");
                continue;
            }
            if kind.ends_with("List") && d.get("items").is_some_and(|n| n.as_seq().is_some()) {
                for item in d.get("items").map(Node::items).unwrap_or(&[]) {
                    self.append(acc, Res::new(item.clone(), fid, i), span);
                }
                continue;
            }
            self.append(acc, Res::new(d, fid, i), span);
        }
    }

    /// Parse a patch given inline (a string in the kustomization) or as a file.
    fn load_patch(&mut self, dir: &str, entry: &Node, inline: bool) -> Option<Vec<Node>> {
        let text = entry.as_str()?;
        if inline {
            let parsed = parse_embedded(self.sources, entry);
            if let Some(err) = &parsed.error {
                self.error(
                    entry.span,
                    format!("cannot parse the inline patch: {}", err.message),
                );
                return None;
            }
            return Some(
                parsed
                    .documents
                    .into_iter()
                    .map(|d| d.root)
                    .filter(|n| !n.is_null())
                    .collect(),
            );
        }
        let path = join(dir, text);
        if !is_under(dir, &path) {
            self.restricted(entry.span, &path, dir);
        }
        match self.sources.by_path(&path) {
            Some(f) => {
                self.files.insert(f.id);
                if let Some(err) = &f.parsed.error {
                    self.error(
                        Span::new(f.id, err.offset, err.offset),
                        format!("cannot parse patch `{path}`: {}", err.message),
                    );
                    return None;
                }
                Some(
                    f.parsed
                        .documents
                        .iter()
                        .map(|d| d.root.clone())
                        .filter(|n| !n.is_null())
                        .collect(),
                )
            }
            None => {
                match crate::fsread::read_in_root(&self.sources.root, &path) {
                    Ok(t) => return Some(unlisted_documents(&t, entry.span)),
                    Err(crate::fsread::ReadError::NotFound) => {}
                    Err(e) => {
                        self.error(entry.span, format!("cannot read patch `{path}`: {e}"));
                        return None;
                    }
                }
                self.push(diag(
                    "kustomize-missing-resource",
                    Severity::Error,
                    entry.span,
                    format!("patch file `{text}` does not exist (`{path}`)"),
                ));
                None
            }
        }
    }

    fn patches_strategic_merge(&mut self, dir: &str, k: &Node, acc: &mut Vec<Res>) {
        for item in str_items(k.get("patchesStrategicMerge")) {
            let text = item.as_str().unwrap_or_default();
            let path = join(dir, text);
            let inline = text.contains('\n')
                || (self.sources.by_path(&path).is_none()
                    && !self.sources.root.join(&path).is_file()
                    && text.contains(':'));
            let Some(docs) = self.load_patch(dir, item, inline) else {
                continue;
            };
            for p in docs {
                self.smp_by_id(acc, &p, item.span, false, false);
            }
        }
    }

    /// A strategic merge patch applied to the one resource its own id names.
    fn smp_by_id(
        &mut self,
        acc: &mut Vec<Res>,
        patch: &Node,
        span: Span,
        allow_name: bool,
        allow_kind: bool,
    ) {
        let pid = ResId::of(patch);
        match resources_with_id(acc, &pid).as_slice() {
            [i] => {
                let i = *i;
                if self.apply_smp(&mut acc[i], patch, allow_name, allow_kind) {
                    acc.remove(i);
                }
            }
            [] => self.push(diag(
                "kustomize-patch-target-missing",
                Severity::Error,
                span,
                format!("no resource matches the strategic merge patch for {}", pid.display()),
            ).with_help("check the patch's apiVersion, kind, metadata.name and metadata.namespace against the resources")),
            _ => self.error(span, format!("several resources match the patch for {}", pid.display())),
        }
    }

    /// Returns true when the patch deleted the resource.
    fn apply_smp(&mut self, r: &mut Res, patch: &Node, allow_name: bool, allow_kind: bool) -> bool {
        if allow_name || allow_kind {
            r.store_prev();
        }
        let name = r.node.path(&["metadata", "name"]).cloned();
        let ns = r.node.path(&["metadata", "namespace"]).cloned();
        let kind = r.node.get("kind").cloned();
        if smp::apply(&mut r.node, patch) == Merged::Deleted {
            return true;
        }
        let span = r.node.span;
        if !allow_kind {
            if let Some(kn) = kind {
                r.node.set("kind", kn.span, kn);
            }
        }
        if !allow_name {
            if let Some(n) = name {
                set_metadata(&mut r.node, "name", n, span);
            }
        }
        restore_namespace(&mut r.node, ns, span);
        false
    }

    /// The documents of a `patches` or `patchesJson6902` entry, read from its
    /// `path` or its inline `patch`, with the node that names them.
    fn load_patch_entry<'k>(&mut self, dir: &str, p: &'k Node) -> Option<(&'k Node, Vec<Node>)> {
        let (entry, inline) = match (p.get("path"), p.get("patch")) {
            (Some(path), _) => (path, false),
            (None, Some(inline)) => (inline, true),
            _ => {
                self.error(p.span, "a patch needs `path` or `patch`");
                return None;
            }
        };
        Some((entry, self.load_patch(dir, entry, inline)?))
    }

    fn patches(&mut self, dir: &str, k: &Node, acc: &mut Vec<Res>) {
        for p in k.get("patches").map(Node::items).unwrap_or(&[]) {
            let Some((entry, docs)) = self.load_patch_entry(dir, p) else {
                continue;
            };
            let allow_name = p
                .path(&["options", "allowNameChange"])
                .and_then(Node::as_bool)
                == Some(true);
            let allow_kind = p
                .path(&["options", "allowKindChange"])
                .and_then(Node::as_bool)
                == Some(true);
            let is_json = docs.len() == 1 && docs[0].as_seq().is_some();
            let target = p.get("target");
            if is_json {
                let Some(target) = target else {
                    self.error(p.span, "a JSON 6902 patch needs a `target`");
                    continue;
                };
                self.json_patch(acc, target, &docs[0], entry.span);
                continue;
            }
            match target {
                None => {
                    for d in &docs {
                        self.smp_by_id(acc, d, entry.span, allow_name, allow_kind);
                    }
                }
                Some(t) => {
                    if docs.len() != 1 {
                        self.error(p.span, "a `patches` entry with a target must hold exactly one strategic merge patch");
                        continue;
                    }
                    let selected = select(acc, t);
                    if selected.is_empty() {
                        self.target_missing(t);
                        continue;
                    }
                    let mut deleted = Vec::new();
                    for i in selected {
                        if self.apply_smp(&mut acc[i], &docs[0], allow_name, allow_kind) {
                            deleted.push(i);
                        }
                    }
                    for i in deleted.into_iter().rev() {
                        acc.remove(i);
                    }
                }
            }
        }
    }

    fn target_missing(&mut self, t: &Node) {
        self.push(
            diag(
                "kustomize-patch-target-missing",
                Severity::Error,
                t.span,
                "the patch target matches no resource",
            )
            .with_help("check kind, name, namespace and selectors of the target"),
        );
    }

    fn json_patch(&mut self, acc: &mut [Res], target: &Node, ops: &Node, span: Span) {
        let selected = select(acc, target);
        if selected.is_empty() {
            self.target_missing(target);
            return;
        }
        for i in selected {
            if let Err(e) = json6902::apply(&mut acc[i].node, ops) {
                let id = acc[i].cur();
                self.error(
                    span,
                    format!("cannot apply the JSON patch to {}: {e}", id.display()),
                );
            }
        }
    }

    fn patches_json6902(&mut self, dir: &str, k: &Node, acc: &mut [Res]) {
        for p in k.get("patchesJson6902").map(Node::items).unwrap_or(&[]) {
            let Some((entry, docs)) = self.load_patch_entry(dir, p) else {
                continue;
            };
            let Some(target) = p.get("target") else {
                self.error(p.span, "a JSON 6902 patch needs a `target`");
                continue;
            };
            let Some(ops) = docs.first() else { continue };
            self.json_patch(acc, target, ops, entry.span);
        }
    }

    fn namespace(&mut self, k: &Node, acc: &mut [Res]) {
        let Some(nsn) = k.get("namespace") else {
            return;
        };
        let Some(ns) = nsn.scalar_text().filter(|s| !s.is_empty()) else {
            return;
        };
        let value = Node::string(ns.clone(), nsn.span);
        for r in acc.iter_mut() {
            r.store_prev();
            let id = r.cur();
            let span = nsn.span;
            if id.kind == "Namespace" && id.group.is_empty() {
                res::ensure_map_at(&mut r.node, "metadata", span).set("name", span, value.clone());
            }
            if !id.is_cluster_scoped() {
                res::ensure_map_at(&mut r.node, "metadata", span).set(
                    "namespace",
                    span,
                    value.clone(),
                );
            }
            if matches!(id.kind.as_str(), "RoleBinding" | "ClusterRoleBinding") {
                if let Some(subjects) = r.node.get_mut("subjects").and_then(Node::as_seq_mut) {
                    for s in subjects.iter_mut() {
                        if s.str_at(&["kind"]) == Some("ServiceAccount")
                            && s.str_at(&["name"]) == Some("default")
                        {
                            res::set_entry(s, "namespace", span, value.clone());
                        }
                    }
                }
            }
            if matches!(
                id.kind.as_str(),
                "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration"
            ) {
                if let Some(hooks) = r.node.get_mut("webhooks") {
                    fieldspec::visit_path(
                        hooks,
                        &["clientConfig", "service"],
                        false,
                        span,
                        &mut |svc| {
                            if matches!(svc.value, Value::Map(_)) {
                                res::set_entry(svc, "namespace", span, value.clone());
                            }
                        },
                    );
                }
            }
            if id.kind == "APIService" {
                if let Some(svc) = r.node.get_mut("spec").and_then(|s| s.get_mut("service")) {
                    if matches!(svc.value, Value::Map(_)) {
                        res::set_entry(svc, "namespace", span, value.clone());
                    }
                }
            }
        }
    }

    fn prefix_suffix(&mut self, k: &Node, acc: &mut [Res]) {
        for (key, is_prefix) in [("namePrefix", true), ("nameSuffix", false)] {
            let Some(n) = k.get(key) else { continue };
            let Some(fix) = n.scalar_text().filter(|s| !s.is_empty()) else {
                continue;
            };
            for r in acc.iter_mut() {
                let id = r.cur();
                if id.kind == "CustomResourceDefinition"
                    || (id.kind == "APIService" && id.group == "apiregistration.k8s.io")
                    || id.kind == "Namespace"
                {
                    continue;
                }
                r.store_prev();
                let span = r
                    .node
                    .path(&["metadata", "name"])
                    .map(|n| n.span)
                    .unwrap_or(n.span);
                let name = if is_prefix {
                    r.prefixes.push(fix.clone());
                    format!("{fix}{}", r.name())
                } else {
                    r.suffixes.push(fix.clone());
                    format!("{}{fix}", r.name())
                };
                r.set_name(name, span);
            }
        }
    }

    fn set_pairs(acc: &mut [Res], pairs: &[(String, Span, Node)], specs: &[FieldSpec], span: Span) {
        let paths: Vec<(&FieldSpec, Vec<&str>)> = specs
            .iter()
            .map(|fs| (fs, fieldspec::split(fs.path)))
            .collect();
        for r in acc.iter_mut() {
            let id = r.cur();
            for (fs, path) in paths.iter().filter(|(fs, _)| fs.applies(&id)) {
                fieldspec::visit_path(&mut r.node, path, fs.create, span, &mut |target| {
                    if target.is_null() {
                        if !fs.create {
                            return;
                        }
                        *target = Node::new(Value::Map(Vec::new()), span);
                    }
                    if !matches!(target.value, Value::Map(_)) {
                        return;
                    }
                    for (k, ks, v) in pairs {
                        res::set_entry(target, k, *ks, v.clone());
                    }
                });
            }
        }
    }

    /// Key/value pairs of a string map; kustomize rejects values that YAML
    /// reads as numbers, booleans or null (`env: yes`), so they are errors.
    fn pairs_of(&mut self, n: &Node) -> Vec<(String, Span, Node)> {
        for e in n.entries() {
            if e.value.as_str().is_none() {
                let text = self.sources.text(e.value.span).to_string();
                self.push(
                    diag(
                        BUILD,
                        Severity::Error,
                        e.value.span,
                        format!(
                            "`{}` must be a string, but YAML reads `{text}` as {}: kustomize refuses the kustomization",
                            e.key.name,
                            e.value.type_name()
                        ),
                    )
                    .with_help(format!("quote the value: `{}: \"{text}\"`", e.key.name)),
                );
            }
        }
        n.entries()
            .iter()
            .map(|e| {
                let text = e.value.scalar_text().unwrap_or_default();
                (
                    e.key.name.clone(),
                    e.key.span,
                    Node::string(text, e.value.span),
                )
            })
            .collect()
    }

    fn labels(&mut self, k: &Node, acc: &mut [Res]) {
        for l in k.get("labels").map(Node::items).unwrap_or(&[]) {
            let Some(pairs) = l.get("pairs") else {
                continue;
            };
            let pairs = self.pairs_of(pairs);
            if pairs.is_empty() {
                continue;
            }
            let sel = l.get("includeSelectors").and_then(Node::as_bool) == Some(true);
            let tpl = l.get("includeTemplates").and_then(Node::as_bool) == Some(true);
            let mut specs: Vec<FieldSpec> = Vec::new();
            if sel {
                specs.extend_from_slice(fieldspec::COMMON_LABELS);
            } else {
                specs.push(fieldspec::METADATA_LABELS);
                if tpl {
                    specs.extend_from_slice(fieldspec::TEMPLATE_LABELS);
                }
            }
            Self::set_pairs(acc, &pairs, &specs, l.span);
        }
        if let Some(cl) = k.get("commonLabels") {
            let pairs = self.pairs_of(cl);
            if !pairs.is_empty() {
                Self::set_pairs(acc, &pairs, fieldspec::COMMON_LABELS, cl.span);
            }
        }
    }

    fn annotations(&mut self, k: &Node, acc: &mut [Res]) {
        if let Some(ca) = k.get("commonAnnotations") {
            let pairs = self.pairs_of(ca);
            if !pairs.is_empty() {
                Self::set_pairs(acc, &pairs, fieldspec::COMMON_ANNOTATIONS, ca.span);
            }
        }
    }

    fn replicas(&mut self, k: &Node, acc: &mut [Res]) {
        for e in k.get("replicas").map(Node::items).unwrap_or(&[]) {
            let Some(name) = e.get("name").and_then(Node::scalar_text) else {
                continue;
            };
            let Some(count) = e.get("count") else {
                continue;
            };
            let mut found = false;
            for r in acc.iter_mut() {
                let id = r.cur();
                let kind_ok = matches!(
                    (id.group.as_str(), id.kind.as_str()),
                    (_, "Deployment")
                        | ("", "ReplicationController")
                        | (_, "ReplicaSet")
                        | ("apps", "StatefulSet")
                );
                if !kind_ok || !r.all_ids().iter().any(|i| i.name == name) {
                    continue;
                }
                found = true;
                let span = count.span;
                let v = match count.as_i64() {
                    Some(i) => Node::new(Value::Int(i), span),
                    None => count.clone(),
                };
                let spec = res::ensure_map_at(&mut r.node, "spec", span);
                res::set_entry(spec, "replicas", span, v);
            }
            if !found {
                self.error(
                    e.get("name").map(|n| n.span).unwrap_or(e.span),
                    format!("replicas: no Deployment, ReplicaSet, StatefulSet or ReplicationController named `{name}`"),
                );
            }
        }
    }

    fn images(&mut self, k: &Node, acc: &mut [Res]) {
        let mut entries: Vec<&Node> = k
            .get("images")
            .map(|n| n.items().iter().collect())
            .unwrap_or_default();
        entries.extend(k.get("imageTags").map(Node::items).unwrap_or(&[]));
        for n in entries {
            let Some(e) = ImageEntry::from_node(n) else {
                continue;
            };
            let mut count = 0;
            for r in acc.iter_mut() {
                count += images::apply(&mut r.node, &e);
            }
            if count == 0 {
                self.push(
                    diag(
                        "kustomize-image-unused",
                        Severity::Warning,
                        e.name_span,
                        format!("image `{}` matches no container image", e.name),
                    )
                    .with_help("the name must equal the image name without tag (with its registry, if the image has one)"),
                );
            }
        }
    }
}

/// kustomize's `ResMap.Select`: original or current name and namespace, GVK,
/// label and annotation selectors. Names and namespaces are anchored regexes.
fn select(acc: &[Res], t: &Node) -> Vec<usize> {
    let field = |k: &str| t.get(k).and_then(Node::scalar_text).unwrap_or_default();
    let (group, version, kind, name, ns) = (
        field("group"),
        field("version"),
        field("kind"),
        field("name"),
        field("namespace"),
    );
    let re = |s: &str| -> Option<regex::Regex> {
        if s.is_empty() {
            None
        } else {
            super::regex(&format!("^(?:{s})$"))
        }
    };
    let (name_re, ns_re) = (re(&name), re(&ns));
    let matches_re = |re: &Option<regex::Regex>, raw: &str, v: &str| match re {
        None => raw.is_empty() || raw == v,
        Some(re) => re.is_match(v),
    };
    let lsel = t
        .get("labelSelector")
        .and_then(Node::scalar_text)
        .unwrap_or_default();
    let asel = t
        .get("annotationSelector")
        .and_then(Node::scalar_text)
        .unwrap_or_default();
    let mut out = Vec::new();
    for (i, r) in acc.iter().enumerate() {
        let cur = r.cur();
        let org = &r.org;
        if !ns.is_empty()
            && !matches_re(&ns_re, &ns, org.effective_namespace())
            && !matches_re(&ns_re, &ns, cur.effective_namespace())
        {
            continue;
        }
        if !name.is_empty()
            && !matches_re(&name_re, &name, &org.name)
            && !matches_re(&name_re, &name, &cur.name)
        {
            continue;
        }
        if (!group.is_empty() && group != cur.group)
            || (!version.is_empty() && version != cur.version)
            || (!kind.is_empty() && kind != cur.kind)
        {
            continue;
        }
        if !lsel.is_empty() && !selector_matches(&lsel, &r.labels()) {
            continue;
        }
        if !asel.is_empty() && !selector_matches(&asel, &r.annotations()) {
            continue;
        }
        out.push(i);
    }
    out
}

/// A Kubernetes label selector string (`a=b,c!=d,e in (x,y),!f,g`).
pub fn selector_matches(sel: &str, labels: &[(String, String)]) -> bool {
    let get = |k: &str| {
        labels
            .iter()
            .find(|(lk, _)| lk == k)
            .map(|(_, v)| v.as_str())
    };
    let mut terms = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in sel.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                terms.push(&sel[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    terms.push(&sel[start..]);
    terms
        .into_iter()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .all(|t| {
            if let Some((k, v)) = t.split_once("!=") {
                return get(k.trim()) != Some(v.trim());
            }
            if let Some((k, v)) = t.split_once("==").or_else(|| t.split_once('=')) {
                return get(k.trim()) == Some(v.trim());
            }
            let set = |s: &str| -> Vec<String> {
                s.trim()
                    .trim_start_matches('(')
                    .trim_end_matches(')')
                    .split(',')
                    .map(|x| x.trim().to_string())
                    .collect()
            };
            if let Some((k, v)) = t.split_once(" notin ") {
                return get(k.trim()).is_none_or(|x| !set(v).iter().any(|s| s == x));
            }
            if let Some((k, v)) = t.split_once(" in ") {
                return get(k.trim()).is_some_and(|x| set(v).iter().any(|s| s == x));
            }
            if let Some(k) = t.strip_prefix('!') {
                return get(k.trim()).is_none();
            }
            get(t).is_some()
        })
}

/// Parse a YAML document embedded as a string in a kustomization (an inline
/// patch), mapping spans back into the kustomization for literal block scalars.
pub fn parse_embedded(sources: &Sources, node: &Node) -> ParsedFile {
    let text = node.as_str().unwrap_or_default();
    let file = node.span.file;
    let mut parsed = yaml::parse(text, file);
    let file_text = sources
        .files
        .get(file.0 as usize)
        .map(|f| f.text.as_str())
        .unwrap_or("");
    let map = line_map(file_text, node.span.start as usize, text, node.style);
    let base = node.span.start as usize;
    let whole = node.span;
    let f = |s: Span| -> Span {
        match &map {
            Some(m) => {
                let conv = |off: u32| -> usize {
                    let off = off as usize;
                    let i = m.partition_point(|(cs, _)| *cs <= off).saturating_sub(1);
                    let (cs, ss) = m[i];
                    base + ss + (off - cs)
                };
                Span::new(file, conv(s.start), conv(s.end))
            }
            None => whole,
        }
    };
    for d in &mut parsed.documents {
        res::map_spans(&mut d.root, &f);
        d.span = f(d.span);
    }
    parsed
}

/// For a literal block scalar: (content line start, offset relative to the
/// node's span start) pairs; `None` when the text cannot be mapped line by line.
fn line_map(
    file_text: &str,
    start: usize,
    content: &str,
    style: ScalarStyle,
) -> Option<Vec<(usize, usize)>> {
    if style != ScalarStyle::Literal {
        return None;
    }
    let rest = file_text.get(start..)?;
    // The first body line's start (absolute) and the indentation.
    let (body_line_start, indent) = if rest.starts_with('|') {
        let b = start + rest.find('\n')? + 1;
        let first = file_text[b..].split('\n').find(|l| !l.trim().is_empty())?;
        (b, first.len() - first.trim_start_matches(' ').len())
    } else {
        let ls = file_text[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
        (ls, start - ls)
    };
    let mut map = Vec::new();
    let mut coff = 0;
    let mut line_start = body_line_start;
    for cl in content.split('\n') {
        let line_end = file_text[line_start..]
            .find('\n')
            .map(|i| line_start + i)
            .unwrap_or(file_text.len());
        let sl = &file_text[line_start..line_end];
        if cl.is_empty() {
            map.push((
                coff,
                (line_start + indent.min(sl.len())).checked_sub(start)?,
            ));
        } else {
            if sl.len() < indent || &sl[indent..] != cl {
                return None;
            }
            map.push((coff, (line_start + indent).checked_sub(start)?));
        }
        coff += cl.len() + 1;
        line_start = (line_end + 1).min(file_text.len());
    }
    Some(map)
}
