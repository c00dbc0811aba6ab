//! `resources:`: files, `kind: List`, and the accumulator (append, merge).

use super::ctx::{id_key, Ctx};
use super::events::{EventKind, RenderEvent};
use super::load::unlisted_documents;
use super::paths::{is_remote, is_under};
use super::res::{self, restore_namespace, set_metadata, Behavior, Res};
use super::select::resources_with_id;
use super::KUSTOMIZATION_FILE_NAMES;
use crate::fsread::ReadError;
use crate::source::join;
use crate::yaml::{FileId, Node, Span, Value};

/// What a `resources:` entry turned out to be, once its files are added.
pub(super) enum Resolved {
    /// Files (or nothing: remote, missing, unreadable; reported).
    Done,
    /// A directory with a kustomization, for the caller to build.
    Kustomization(String),
}

impl Ctx<'_> {
    pub(super) fn append(&mut self, acc: &mut Vec<Res>, r: Res, span: Span) {
        let id = r.cur();
        let taken = match self.resource_ids.last_mut() {
            Some(ids) => !ids.insert(id_key(&id)),
            None => acc.iter().any(|x| x.cur().equals(&id)),
        };
        if taken {
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

    pub(super) fn append_or_merge(&mut self, acc: &mut Vec<Res>, mut r: Res, span: Span) {
        let id = r.cur();
        let matches = resources_with_id(acc, &id);
        match (matches.as_slice(), r.behavior) {
            ([], Behavior::Create) => acc.push(r),
            // The object to merge into may be among the skipped resources (a
            // remote base, already reported): keep what is known of it.
            ([], _) if self.incomplete => {
                r.behavior = Behavior::Create;
                acc.push(r);
            }
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
                // `replace` takes the new generator's options (its hash
                // setting); `merge` keeps the original's.
                if r.behavior == Behavior::Merge {
                    r.needs_hash = old.needs_hash;
                }
                r.prefixes = old.prefixes.clone();
                r.var_names = old.var_names.clone();
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

    pub(super) fn add_resource(&mut self, dir: &str, item: &Node, acc: &mut Vec<Res>) -> Resolved {
        let rel = item.as_str().unwrap_or_default();
        if is_remote(rel) {
            self.warn_skipped_resources(
                item.span,
                format!("remote resource `{rel}` not fetched (ftlint works offline); rendering the rest"),
            );
            return Resolved::Done;
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
                let docs: Vec<Node> = f
                    .parsed
                    .documents
                    .iter()
                    .map(|d| super::kyaml::read(&d.root, &f.text))
                    .collect();
                self.add_docs(docs, fid, item.span, acc);
                return Resolved::Done;
            }
        }
        if super::kustomization_file(self.sources, &path).is_some() {
            return Resolved::Kustomization(path);
        }
        match self.read_unlisted(&path) {
            Ok(bytes) => {
                if !is_under(dir, &path) {
                    self.restricted(item.span, &path, dir);
                }
                // A file outside the linted set (excluded): blame the list item.
                let text = String::from_utf8_lossy(&bytes);
                let docs = unlisted_documents(&text, item.span);
                self.add_docs(docs, item.span.file, item.span, acc);
                return Resolved::Done;
            }
            Err(ReadError::NotFound) => {}
            Err(ReadError::NotRegular { kind: "directory" }) => {
                let abs = self.sources.root.join(&path);
                let has_k = KUSTOMIZATION_FILE_NAMES
                    .iter()
                    .any(|n| abs.join(n).is_file());
                let msg = if has_k {
                    format!("the kustomization in `{path}` is not among the linted files")
                } else {
                    format!("`{path}` is a directory without a kustomization.yaml")
                };
                self.error(item.span, msg);
                return Resolved::Done;
            }
            Err(e) => {
                self.unreadable(item.span, &path, &e);
                return Resolved::Done;
            }
        }
        self.push(
            RenderEvent::new(
                EventKind::MissingFile,
                item.span,
                format!("resource `{rel}` does not exist (`{path}`)"),
            )
            .with_help("fix the path or remove the entry"),
        );
        Resolved::Done
    }

    pub(super) fn add_docs(
        &mut self,
        docs: Vec<Node>,
        fid: FileId,
        span: Span,
        acc: &mut Vec<Res>,
    ) {
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
}
