//! The builtin transformers: namespace, prefix/suffix, labels, annotations,
//! replicas, images, replacements and builtin transformer configurations.

use super::ctx::Ctx;
use super::events::{EventKind, RenderEvent};
use super::fieldspec::{self, ConfigSpec, FieldSpec};
use super::images::{self, ImageEntry};
use super::res::{self, Res};
use super::select::select;
use crate::yaml::{Node, Span, Value};

impl Ctx<'_> {
    pub(super) fn namespace(&mut self, k: &Node, acc: &mut [Res]) {
        let Some(nsn) = k.get("namespace") else {
            return;
        };
        let Some(ns) = nsn.scalar_text().filter(|s| !s.is_empty()) else {
            return;
        };
        let value = Node::string(ns.clone(), nsn.span);
        let extra: Vec<(ConfigSpec, Vec<String>)> = self
            .config_specs
            .iter()
            .filter(|c| c.section == "namespace")
            .map(|c| {
                (
                    c.clone(),
                    fieldspec::split(&c.path)
                        .iter()
                        .map(|p| p.to_string())
                        .collect(),
                )
            })
            .collect();
        for r in acc.iter_mut() {
            for (c, path) in &extra {
                if !c.applies(&r.cur()) || path.first().map(String::as_str) == Some("metadata") {
                    continue;
                }
                let parts: Vec<&str> = path.iter().map(String::as_str).collect();
                let span = nsn.span;
                fieldspec::visit_path(&mut r.node, &parts, c.create, span, &mut |target| {
                    // A missing leaf comes back as a created empty map.
                    let created = target.as_map().is_some_and(|m| m.is_empty());
                    if target.is_null() || target.as_str().is_some() || created {
                        *target = value.clone();
                    }
                });
            }
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
            // Service references of webhook configurations and APIServices
            // follow their Service (name references), not the namespace.
        }
    }

    pub(super) fn prefix_suffix(&mut self, k: &Node, acc: &mut [Res]) {
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

    /// Set the pairs at the builtin field specs and at the `section` field
    /// specs of `configurations:` files.
    pub(super) fn set_pairs(
        &self,
        acc: &mut [Res],
        pairs: &[(String, Span, Node)],
        specs: &[FieldSpec],
        section: &str,
        more: &[ConfigSpec],
        span: Span,
    ) {
        let mut paths: Vec<(Vec<&str>, bool, usize)> = Vec::new();
        for (i, fs) in specs.iter().enumerate() {
            paths.push((fieldspec::split(fs.path), fs.create, i));
        }
        let extra: Vec<&ConfigSpec> = self
            .config_specs
            .iter()
            .filter(|c| c.section == section)
            .chain(more)
            .collect();
        for (i, c) in extra.iter().enumerate() {
            paths.push((fieldspec::split(&c.path), c.create, specs.len() + i));
        }
        for r in acc.iter_mut() {
            let id = r.cur();
            for (path, create, i) in &paths {
                let applies = match specs.get(*i) {
                    Some(fs) => fs.applies(&id),
                    None => extra[*i - specs.len()].applies(&id),
                };
                if !applies {
                    continue;
                }
                let create = *create;
                fieldspec::visit_path(&mut r.node, path, create, span, &mut |target| {
                    if target.is_null() {
                        if !create {
                            return;
                        }
                        *target = Node::new(Value::Map(Default::default()), span);
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
    pub(super) fn pairs_of(&mut self, n: &Node) -> Vec<(String, Span, Node)> {
        for e in n.entries() {
            if e.value.as_str().is_none() {
                let text = self.sources.text(e.value.span).to_string();
                self.push(
                    RenderEvent::new(EventKind::BuildFailed,
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
                    e.key.name.to_string(),
                    e.key.span,
                    Node::string(text, e.value.span),
                )
            })
            .collect()
    }

    pub(super) fn labels(&mut self, k: &Node, acc: &mut [Res]) {
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
            let section = if sel { "commonLabels" } else { "" };
            // `fields`: the entry's own field specs, on top of the defaults.
            let fields: Vec<ConfigSpec> = (l.get("fields").map(Node::items).unwrap_or(&[]).iter())
                .filter_map(|fs| ConfigSpec::from_node("labels", fs))
                .collect();
            self.set_pairs(acc, &pairs, &specs, section, &fields, l.span);
        }
        if let Some(cl) = k.get("commonLabels") {
            let pairs = self.pairs_of(cl);
            if !pairs.is_empty() {
                self.set_pairs(
                    acc,
                    &pairs,
                    fieldspec::COMMON_LABELS,
                    "commonLabels",
                    &[],
                    cl.span,
                );
            }
        }
    }

    pub(super) fn annotations(&mut self, k: &Node, acc: &mut [Res]) {
        if let Some(ca) = k.get("commonAnnotations") {
            let pairs = self.pairs_of(ca);
            if !pairs.is_empty() {
                self.set_pairs(
                    acc,
                    &pairs,
                    fieldspec::COMMON_ANNOTATIONS,
                    "commonAnnotations",
                    &[],
                    ca.span,
                );
            }
        }
    }

    pub(super) fn replicas(&mut self, k: &Node, acc: &mut [Res]) {
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

    pub(super) fn images(&mut self, k: &Node, acc: &mut [Res]) {
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
                    RenderEvent::new(EventKind::ImageUnused,
                        e.name_span,
                        format!("image `{}` matches no container image", e.name),
                    )
                    .with_help("the name must equal the image name without tag (with its registry, if the image has one)"),
                );
            }
        }
    }

    /// `transformers:` configurations. The builtin LabelTransformer and
    /// AnnotationsTransformer (pairs set at their own field specs) are run;
    /// anything else (other builtins, plugins) is reported and skipped.
    pub(super) fn transformer_configs(&mut self, dir: &str, k: &Node, acc: &mut [Res]) {
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
                                    *target = Node::new(Value::Map(Default::default()), map.span);
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

    pub(super) fn replacements(&mut self, dir: &str, k: &Node, acc: &mut [Res]) {
        for r in k.get("replacements").map(Node::items).unwrap_or(&[]) {
            let reps: Vec<Node> = match r.get("path") {
                Some(p) => match self.load_patch(dir, p, false) {
                    Some(docs) => docs
                        .into_iter()
                        .flat_map(|d| match d.value {
                            Value::Seq(items) => items.into_vec(),
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
}
