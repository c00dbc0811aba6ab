//! Strategic merge patch on spanned trees, after kyaml's merge2 as kustomize uses it.

use std::cell::RefCell;

use super::merge_keys::{OpenApi, Schema};
use crate::provenance::{EditKind, PatchEdit};
use crate::yaml::{Node, Span, Value};

/// Outcome of merging a patch into a resource.
#[derive(Debug, PartialEq, Eq)]
pub enum Merged {
    Kept,
    /// The patch said `$patch: delete` at its top level.
    Deleted,
}

fn directive(node: &Node) -> Option<&str> {
    node.get("$patch").and_then(Node::as_str)
}

/// Remove `$patch` and other directives from a tree that is inserted as is.
pub fn strip_directives(node: &mut Node) {
    match &mut node.value {
        Value::Map(entries) => {
            entries.retain(|e| !e.key.name.starts_with('$'));
            for e in entries.iter_mut() {
                strip_directives(&mut e.value);
            }
        }
        Value::Seq(items) => {
            items.retain(|i| directive(i).is_none_or(|d| d != "delete"));
            for i in items.iter_mut() {
                strip_directives(i);
            }
        }
        _ => {}
    }
}

/// Apply a strategic merge patch to a resource tree.
/// Removed fields and list items are recorded in `edits`, for provenance.
/// `openapi` is a kustomization's custom OpenAPI document, which replaces
/// kustomize's bundled schema.
pub fn apply(
    dst: &mut Node,
    patch: &Node,
    openapi: Option<&OpenApi>,
    edits: &mut Vec<PatchEdit>,
) -> Merged {
    if directive(patch) == Some("delete") {
        return Merged::Deleted;
    }
    let field = |k: &str| dst.get(k).and_then(Node::as_str).unwrap_or_default();
    let merge = Merge {
        schema: Schema::of(field("apiVersion"), field("kind"), openapi),
        edits: RefCell::new(Vec::new()),
    };
    merge.map(dst, patch, &[], &[]);
    edits.extend(merge.edits.into_inner());
    Merged::Kept
}

/// A null written as nothing at all (`key:`), as opposed to `null` or `~`.
fn is_empty_null(n: &Node) -> bool {
    n.is_null() && n.tag.is_none() && n.span.start == n.span.end
}

/// A copy of a patch node without its directives, to insert as is.
fn stripped(patch: &Node) -> Node {
    let mut p = patch.clone();
    strip_directives(&mut p);
    p
}

fn child<'a>(path: &[&'a str], key: &'a str) -> Vec<&'a str> {
    let mut p = path.to_vec();
    p.push(key);
    p
}

/// kustomize's merge walks every map of the resource and every element of
/// the lists it merges by key (kyaml merge2): it leaves out the null fields
/// the patch brings and the fields the resource wrote as bare `key:`, but
/// keeps an explicit `null`/`~` the patch does not touch. Atomic lists are
/// not walked, so nulls inside them stay.
struct Merge<'a> {
    schema: Schema<'a>,
    edits: RefCell<Vec<PatchEdit>>,
}

impl<'a> Merge<'a> {
    /// Record that the patch operation at `op` removed `base` from `loc`.
    fn removed(&self, loc: &[String], last: String, base: Node, base_at: Span, op: Span) {
        let mut path = loc.to_vec();
        path.push(last);
        self.edits.borrow_mut().push(PatchEdit {
            path,
            base,
            base_at,
            op,
            kind: EditKind::Removed,
        });
    }

    /// `path` has the field names (for the schema), `loc` the concrete
    /// keys and list positions (for provenance).
    fn map(&self, dst: &mut Node, patch: &Node, path: &[&str], loc: &[String]) {
        if directive(patch) == Some("replace") || !matches!(dst.value, Value::Map(_)) {
            *dst = stripped(patch);
            self.prune_inserted(dst, path);
            return;
        }
        let retain: Option<Vec<String>> = patch.get("$retainKeys").map(|n| {
            n.items()
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect()
        });
        for e in patch.entries() {
            let key = e.key.name.as_str();
            if let Some(field) = key.strip_prefix("$deleteFromPrimitiveList/") {
                if let Some(list) = dst.get_mut(field).and_then(Node::as_seq_mut) {
                    let del: Vec<_> = e.value.items().iter().map(Node::to_json).collect();
                    list.retain(|i| !del.contains(&i.to_json()));
                }
                continue;
            }
            if key.starts_with('$') {
                continue;
            }
            let pv = &e.value;
            if pv.is_null() {
                let at = key_span(dst, key);
                if let Some(base) = dst.remove(key) {
                    self.removed(loc, key.to_string(), base, at, e.key.span);
                }
                continue;
            }
            let child_path = child(path, key);
            let child_loc = || {
                let mut l = loc.to_vec();
                l.push(key.to_string());
                l
            };
            match dst.get_mut(key) {
                Some(dv) if !dv.is_null() => match (&dv.value, &pv.value) {
                    (Value::Map(_), Value::Map(_)) => {
                        if directive(pv) == Some("delete") {
                            let op = pv.get("$patch").map_or(e.key.span, |d| d.span);
                            let at = key_span(dst, key);
                            if let Some(base) = dst.remove(key) {
                                self.removed(loc, key.to_string(), base, at, op);
                            }
                        } else {
                            self.map(dv, pv, &child_path, &child_loc());
                        }
                    }
                    (Value::Seq(_), Value::Seq(_)) => self.list(dv, pv, &child_path, &child_loc()),
                    // A patch that restates a scalar (a merge key such as a container
                    // `name`) does not become its provenance.
                    (a, b) if a == b && pv.tag.is_none() => {}
                    _ => {
                        *dv = stripped(pv);
                        self.prune_inserted(dv, &child_path);
                    }
                },
                _ => {
                    if directive(pv) == Some("delete") {
                        dst.remove(key);
                        continue;
                    }
                    let mut value = stripped(pv);
                    self.prune_inserted(&mut value, &child_path);
                    dst.set(key, e.key.span, value);
                }
            }
        }
        if let Some(entries) = dst.as_map_mut() {
            let in_patch = |k: &str| patch.get(k).is_some();
            entries.retain(|e| in_patch(&e.key.name) || !is_empty_null(&e.value));
            for e in entries.iter_mut() {
                if !in_patch(&e.key.name) {
                    self.prune_kept(&mut e.value, &child(path, &e.key.name));
                }
            }
            if let Some(keep) = retain {
                entries.retain(|e| keep.iter().any(|k| *k == e.key.name));
            }
        }
    }

    /// A subtree the patch does not touch: bare `key:` fields go.
    fn prune_kept(&self, node: &mut Node, path: &[&str]) {
        self.prune(node, path, &is_empty_null);
    }

    /// A subtree the patch brings: every null field goes.
    fn prune_inserted(&self, node: &mut Node, path: &[&str]) {
        self.prune(node, path, &Node::is_null);
    }

    fn prune(&self, node: &mut Node, path: &[&str], drop: &dyn Fn(&Node) -> bool) {
        // Looked at first without a mutable borrow: a subtree shared with
        // the base (copy-on-write) is only copied when something goes.
        if !self.would_prune(node, path, drop) {
            return;
        }
        match &mut node.value {
            Value::Map(entries) => {
                entries.retain(|e| !drop(&e.value));
                for e in entries.iter_mut() {
                    self.prune(&mut e.value, &child(path, &e.key.name), drop);
                }
            }
            Value::Seq(items) if self.schema.list_key(path).is_some() => {
                for i in items.iter_mut() {
                    if matches!(i.value, Value::Map(_)) {
                        self.prune(i, path, drop);
                    }
                }
            }
            _ => {}
        }
    }

    /// Whether [`Self::prune`] would drop anything below `node`.
    fn would_prune(&self, node: &Node, path: &[&str], drop: &dyn Fn(&Node) -> bool) -> bool {
        match &node.value {
            Value::Map(entries) => entries.iter().any(|e| {
                drop(&e.value) || self.would_prune(&e.value, &child(path, &e.key.name), drop)
            }),
            Value::Seq(items) if self.schema.list_key(path).is_some() => items
                .iter()
                .any(|i| matches!(i.value, Value::Map(_)) && self.would_prune(i, path, drop)),
            _ => false,
        }
    }

    /// The merge key of the list at `path`, when both sides hold maps.
    fn merge_key(&self, path: &[&str], dst: &[Node], patch: &[Node]) -> Option<&'a str> {
        let all_maps = dst
            .iter()
            .chain(patch.iter())
            .all(|n| matches!(n.value, Value::Map(_)));
        if !all_maps {
            return None;
        }
        self.schema.list_key(path)
    }

    fn list(&self, dst: &mut Node, patch: &Node, path: &[&str], loc: &[String]) {
        let pitems = patch.items();
        // `- $patch: replace` anywhere in the list: the list is the patch's other items.
        if pitems.iter().any(|i| directive(i) == Some("replace")) {
            let mut p = patch.clone();
            if let Some(items) = p.as_seq_mut() {
                items.retain(|i| directive(i) != Some("replace"));
            }
            strip_directives(&mut p);
            self.prune_inserted(&mut p, path);
            *dst = p;
            return;
        }
        let Some(key) = self.merge_key(path, dst.items(), pitems) else {
            *dst = stripped(patch);
            return;
        };
        let Some(ditems) = dst.as_seq_mut() else {
            return;
        };
        // kustomize's order (kyaml, v5.5): the patch's items in patch order, then
        // the items only the original has, in their original order.
        let server_order: Vec<Option<serde_json::Value>> =
            ditems.iter().map(|d| key_of(d, key)).collect();
        let mut taken = vec![false; ditems.len()];
        let mut out: Vec<Node> = Vec::with_capacity(ditems.len() + pitems.len());
        for pi in pitems {
            let kv = key_of(pi, key);
            let pos = kv
                .as_ref()
                .and_then(|kv| server_order.iter().position(|d| d.as_ref() == Some(kv)));
            if let Some(pos) = pos {
                taken[pos] = true;
            }
            if directive(pi) == Some("delete") {
                if let Some(pos) = pos {
                    let op = pi.get("$patch").map_or(pi.span, |d| d.span);
                    let base = ditems[pos].clone();
                    self.removed(loc, pos.to_string(), base.clone(), base.span, op);
                }
                continue;
            }
            match pos {
                Some(pos) => {
                    let mut merged = ditems[pos].clone();
                    let mut at = loc.to_vec();
                    at.push(out.len().to_string());
                    self.map(&mut merged, pi, path, &at);
                    out.push(merged);
                }
                None => {
                    let mut item = stripped(pi);
                    self.prune_inserted(&mut item, path);
                    out.push(item);
                }
            }
        }
        for (mut d, _) in std::mem::take(ditems)
            .into_iter()
            .zip(&taken)
            .filter(|(_, t)| !**t)
        {
            self.prune_kept(&mut d, path);
            out.push(d);
        }
        *ditems = out;
    }
}

/// The span of `key` in the map `n` (the base line of a removed field).
fn key_span(n: &Node, key: &str) -> Span {
    (n.entries().iter())
        .find(|e| e.key.name == key)
        .map_or(n.span, |e| e.key.span)
}

fn key_of(n: &Node, key: &str) -> Option<serde_json::Value> {
    n.get(key).map(|v| match &v.value {
        Value::Int(i) => serde_json::Value::String(i.to_string()),
        _ => v.to_json(),
    })
}
