//! The build: kustomize's `KustTarget.AccumulateTarget` and `makeCustomizedResMap`.

//! The stages live in their own modules (`resources`, `patches`,
//! `transformers`, `select`, `order`); this one drives them per directory.

use super::ctx::{id_key, Ctx};
use super::decode;
use super::events::{EventKind, RenderEvent};
use super::generators::{self, GenOptions};
use super::merge_keys::OpenApi;
use super::order::sort;
use super::paths::is_remote;
use super::res::{str_items, Res};
use super::resources::Resolved;
use super::{nameref, Rendered, KUSTOMIZATION_FILE_NAMES};
use crate::model::Object;
use crate::source::{join, Sources};
use crate::yaml::{FileId, Node, Span, Value};

pub fn render(sources: &Sources, dir: &str) -> Rendered {
    let mut ctx = Ctx::new(sources);
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
    nameref::fix(&mut acc, &ctx.name_references);
    for (span, msg) in ctx.vars.resolve(&mut acc) {
        ctx.error(span, msg);
    }
    if let Some(k) = &top {
        ctx.build_metadata(dir, k, &mut acc);
    }
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
        if let Some(mut o) = Object::from_node(r.node, r.file, r.doc_index) {
            o.edits = r.edits.into();
            objects.push(o);
        }
    }
    // A kustomization reached twice (e.g. a component listed by two bases)
    // reports its findings once.
    let mut seen = std::collections::HashSet::new();
    ctx.events
        .retain(|e| seen.insert((e.kind, e.span, e.message.clone())));
    Rendered {
        objects,
        events: ctx.events,
        files: ctx.files.into_iter().collect(),
    }
}

impl Ctx<'_> {
    /// Files listed under `configurations:` and `crds:` must exist (kustomize
    /// fails on a missing one); remote ones are not fetched.
    fn check_listed_files(&mut self, dir: &str, k: &Node) {
        for key in ["configurations", "crds"] {
            for item in str_items(k.get(key)) {
                let rel = item.as_str().unwrap_or_default();
                if is_remote(rel) {
                    self.warn(
                        item.span,
                        format!(
                            "remote file `{rel}` under `{key}` not fetched (ftlint works offline)"
                        ),
                    );
                    continue;
                }
                let path = join(dir, rel);
                if self.sources.by_path(&path).is_none() && !self.sources.root.join(&path).is_file()
                {
                    self.push(
                        RenderEvent::new(
                            EventKind::MissingFile,
                            item.span,
                            format!("`{key}` file `{rel}` does not exist (`{path}`)"),
                        )
                        .with_help("fix the path or remove the entry"),
                    );
                    continue;
                }
                if key == "configurations" {
                    self.configuration(dir, item);
                } else {
                    self.crd_definitions(dir, item);
                }
            }
        }
    }

    /// A `configurations:` file: its `varReference` and `nameReference` field specs are used;
    /// the other sections are reported, not applied.
    fn configuration(&mut self, dir: &str, item: &Node) {
        let Some(docs) = self.load_patch(dir, item, false) else {
            return;
        };
        for doc in docs {
            self.vars
                .references
                .extend(super::vars::references_of(&doc));
            self.name_references
                .extend(super::nameref::references_of(&doc));
            for spec in super::fieldspec::config_specs(&doc) {
                if !self.config_specs.contains(&spec) {
                    self.config_specs.push(spec);
                }
            }
            for e in doc.entries() {
                let empty = e.value.items().is_empty() && e.value.entries().is_empty();
                let applied = matches!(
                    e.key.name.as_str(),
                    "varReference"
                        | "nameReference"
                        | "commonLabels"
                        | "commonAnnotations"
                        | "namespace"
                );
                if !applied && !empty {
                    self.warn(
                        item.span,
                        format!(
                            "`{}` field specs of `{}` are not applied; rendering the rest",
                            e.key.name,
                            item.as_str().unwrap_or_default()
                        ),
                    );
                }
            }
        }
    }

    /// A `crds:` file: the field specs its `x-kubernetes-*` extensions declare.
    fn crd_definitions(&mut self, dir: &str, item: &Node) {
        let Some(docs) = self.load_patch(dir, item, false) else {
            return;
        };
        for doc in docs {
            let found = super::crds::specs_of(&doc);
            self.name_references.extend(found.name_references);
            for spec in found.specs {
                if !self.config_specs.contains(&spec) {
                    self.config_specs.push(spec);
                }
            }
            if !found.identity.is_empty() {
                self.warn(
                    item.span,
                    format!(
                        "`x-kubernetes-identity` field specs of `{}` ({}) are not applied; rendering the rest",
                        item.as_str().unwrap_or_default(),
                        found.identity.join(", ")
                    ),
                );
            }
        }
    }

    /// `openapi: {path: FILE}` replaces the bundled schema; `version:` names
    /// a bundled one, and kustomize v5.5 bundles only v1.21.2.
    fn openapi_schema(&mut self, dir: &str, api: &Node) {
        if let Some(path) = api.get("path") {
            if let Some(doc) = self
                .load_patch(dir, path, false)
                .and_then(|d| d.into_iter().next())
            {
                self.openapi = Some(Box::new(OpenApi::from_doc(&doc)));
            }
            return;
        }
        if let Some(v) = api.get("version") {
            if v.as_str() != Some("v1.21.2") {
                self.warn(
                    v.span,
                    "kustomize bundles only the v1.21.2 OpenAPI schema; rendering with it",
                );
            }
        }
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
        let mut root = file
            .parsed
            .documents
            .first()
            .map(|d| d.root.clone())
            .unwrap_or_else(|| Node::new(Value::Map(Default::default()), Span::new(fid, 0, 0)));
        if !matches!(root.value, Value::Map(_) | Value::Null) {
            self.error(root.span, "a kustomization must be a mapping");
            return None;
        }
        if decode::is_empty(&root) {
            self.error(
                ref_span.unwrap_or(Span::new(fid, 0, 0)),
                format!(
                    "the kustomization in `{}` is empty: kustomize refuses to build it",
                    if dir.is_empty() { "." } else { dir }
                ),
            );
            return None;
        }
        decode::canonicalize(&mut root);
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

    fn accumulate(&mut self, dir: &str, fid: FileId, k: &Node, acc: &mut Vec<Res>) {
        // Unsupported features: reported, the rest still rendered.
        for e in k.entries() {
            let what = match e.key.name.as_str() {
                "helmCharts" | "helmChartInflationGenerator" => "Helm charts are not inflated",
                "generators" => "generator plugins are not run",
                "validators" => "validator plugins are not run",
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
        self.check_listed_files(dir, k);
        if let Some(api) = k.get("openapi") {
            self.openapi_schema(dir, api);
        }
        // 1. resources (and the deprecated bases)
        let mut entries = str_items(k.get("resources"));
        entries.extend(str_items(k.get("bases")));
        // Only appends change `acc` until the resources are in: their ids
        // are kept in a set (linear, not a scan of `acc` per resource).
        self.resource_ids
            .push(acc.iter().map(|r| id_key(&r.cur())).collect());
        for item in entries {
            // A directory with a kustomization is built on its own
            // accumulator, then appended.
            if let Resolved::Kustomization(path) = self.add_resource(dir, item, acc) {
                let mut sub = Vec::new();
                if self
                    .build_dir(&path, Some(item.span), &mut sub, false)
                    .is_some()
                {
                    for r in sub {
                        self.append(acc, r, item.span);
                    }
                }
            }
        }
        self.resource_ids.pop();
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
                    Err((span, msg)) if msg.ends_with("does not exist") => {
                        self.push(RenderEvent::new(EventKind::MissingFile, span, msg))
                    }
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
                self.push(RenderEvent::new(
                    EventKind::MissingFile,
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
        for (span, msg) in self.vars.merge(k, acc) {
            self.error(span, msg);
        }
    }
}
