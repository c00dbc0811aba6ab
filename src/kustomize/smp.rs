//! Strategic merge patch on spanned trees, after kyaml's merge2 as kustomize uses it.

use crate::yaml::{Node, Value};

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
pub fn apply(dst: &mut Node, patch: &Node) -> Merged {
    if directive(patch) == Some("delete") {
        return Merged::Deleted;
    }
    merge_map(dst, patch, &[]);
    drop_null_fields(dst);
    Merged::Kept
}

/// kustomize's merge walks the whole object and leaves out map fields whose
/// value is null (`affinity: {nodeAffinity: {preferred…: null}}` loses the
/// null field), inside maps and lists of maps keyed by `name`; other lists
/// are atomic and kept as they are.
fn drop_null_fields(node: &mut Node) {
    match &mut node.value {
        Value::Map(entries) => {
            entries.retain(|e| !e.value.is_null());
            for e in entries.iter_mut() {
                drop_null_fields(&mut e.value);
            }
        }
        Value::Seq(items) => {
            let keyed = items
                .iter()
                .all(|i| i.as_map().is_some() && i.get("name").is_some());
            if keyed {
                for i in items.iter_mut() {
                    drop_null_fields(i);
                }
            }
        }
        _ => {}
    }
}

/// A copy of a patch node without its directives, to insert as is.
fn stripped(patch: &Node) -> Node {
    let mut p = patch.clone();
    strip_directives(&mut p);
    p
}

fn merge_map(dst: &mut Node, patch: &Node, path: &[&str]) {
    if directive(patch) == Some("replace") || !matches!(dst.value, Value::Map(_)) {
        *dst = stripped(patch);
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
            dst.remove(key);
            continue;
        }
        let mut child_path: Vec<&str> = path.to_vec();
        child_path.push(key);
        let existing = dst.get_mut(key);
        match existing {
            Some(dv) if !dv.is_null() => match (&dv.value, &pv.value) {
                (Value::Map(_), Value::Map(_)) => {
                    if directive(pv) == Some("delete") {
                        dst.remove(key);
                    } else {
                        merge_map(dv, pv, &child_path);
                    }
                }
                (Value::Seq(_), Value::Seq(_)) => merge_list(dv, pv, key),
                // A patch that restates a scalar (a merge key such as a container
                // `name`) does not become its provenance.
                (a, b) if a == b && pv.tag.is_none() => {}
                _ => *dv = stripped(pv),
            },
            _ => {
                if directive(pv) == Some("delete") {
                    dst.remove(key);
                    continue;
                }
                dst.set(key, e.key.span, stripped(pv));
            }
        }
    }
    if let Some(keep) = retain {
        if let Some(entries) = dst.as_map_mut() {
            entries.retain(|e| keep.contains(&e.key.name));
        }
    }
}

/// The merge key of a list field: the Kubernetes patch merge keys for the
/// common types, else `name` when every element has one (kyaml's inference).
fn merge_key(field: &str, dst: &[Node], patch: &[Node]) -> Option<&'static str> {
    let all_have = |k: &str| {
        dst.iter()
            .chain(patch.iter())
            .filter(|n| directive(n).is_none() || n.get(k).is_some())
            .all(|n| n.get(k).is_some())
            && dst.iter().chain(patch.iter()).any(|n| n.get(k).is_some())
    };
    let all_maps = dst
        .iter()
        .chain(patch.iter())
        .all(|n| matches!(n.value, Value::Map(_)));
    if !all_maps {
        return None;
    }
    let table: Option<&'static str> = match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "imagePullSecrets"
        | "env" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "volumeDevices" => Some("devicePath"),
        "hostAliases" => Some("ip"),
        "topologySpreadConstraints" => Some("topologyKey"),
        "ownerReferences" => Some("uid"),
        "ports" => {
            if all_have("containerPort") {
                Some("containerPort")
            } else if all_have("port") {
                Some("port")
            } else {
                None
            }
        }
        _ => None,
    };
    if let Some(k) = table {
        return Some(k);
    }
    if all_have("name") {
        return Some("name");
    }
    None
}

fn key_of(n: &Node, key: &str) -> Option<serde_json::Value> {
    n.get(key).map(|v| match &v.value {
        Value::Int(i) => serde_json::Value::String(i.to_string()),
        _ => v.to_json(),
    })
}

fn merge_list(dst: &mut Node, patch: &Node, field: &str) {
    let pitems = patch.items();
    // `- $patch: replace` anywhere in the list: the list is the patch's other items.
    if pitems.iter().any(|i| directive(i) == Some("replace")) {
        let mut p = patch.clone();
        if let Some(items) = p.as_seq_mut() {
            items.retain(|i| directive(i) != Some("replace"));
        }
        strip_directives(&mut p);
        *dst = p;
        return;
    }
    let key = merge_key(field, dst.items(), pitems);
    let Some(key) = key else {
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
            continue;
        }
        match pos {
            Some(pos) => {
                let mut merged = ditems[pos].clone();
                merge_map(&mut merged, pi, &[field]);
                out.push(merged);
            }
            None => out.push(stripped(pi)),
        }
    }
    out.extend(
        std::mem::take(ditems)
            .into_iter()
            .zip(&taken)
            .filter(|(_, t)| !**t)
            .map(|(d, _)| d),
    );
    *ditems = out;
}
