//! `replacements:`: copy a field of one resource into fields of others.

use super::res::{self, Res};
use crate::yaml::{Node, Span, Value};

/// Split a kustomize field path on dots outside brackets.
pub fn split_path(p: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut cur, mut depth) = (String::new(), 0);
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            '[' => {
                depth += 1;
                cur.push(c);
            }
            ']' => {
                depth -= 1;
                cur.push(c);
            }
            '.' if depth == 0 => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter().filter(|s| !s.is_empty()).collect()
}

fn seg_key(seg: &str) -> &str {
    seg.strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(seg)
}

/// Nodes at a field path; with `create`, missing map keys and `[k=v]` items are made.
pub fn lookup_mut<'a>(
    node: &'a mut Node,
    path: &[String],
    create: bool,
    span: Span,
    out: &mut Vec<&'a mut Node>,
) {
    let Some((seg, rest)) = path.split_first() else {
        out.push(node);
        return;
    };
    let inner = seg_key(seg);
    let is_selector = seg.starts_with('[') && inner.contains('=');
    if is_selector {
        let (k, v) = inner.split_once('=').unwrap_or((inner, ""));
        if node.is_null() && create {
            *node = Node::new(Value::Seq(Default::default()), span);
        }
        let Some(items) = node.as_seq_mut() else {
            return;
        };
        let found = items
            .iter()
            .any(|i| i.get(k).and_then(Node::scalar_text).as_deref() == Some(v));
        if !found && create {
            let mut m = Node::new(Value::Map(Default::default()), span);
            res::set_entry(&mut m, k, span, Node::string(v, span));
            items.push(m);
        }
        for i in items.iter_mut() {
            if i.get(k).and_then(Node::scalar_text).as_deref() == Some(v) {
                lookup_mut(i, rest, create, span, out);
            }
        }
        return;
    }
    if inner == "*" {
        match &mut node.value {
            Value::Seq(items) => items
                .iter_mut()
                .for_each(|i| lookup_mut(i, rest, create, span, out)),
            Value::Map(entries) => entries
                .iter_mut()
                .for_each(|e| lookup_mut(&mut e.value, rest, create, span, out)),
            _ => {}
        }
        return;
    }
    if matches!(node.value, Value::Seq(_)) {
        if let (Ok(i), Value::Seq(items)) = (inner.parse::<usize>(), &mut node.value) {
            if let Some(item) = items.get_mut(i) {
                lookup_mut(item, rest, create, span, out);
            }
        }
        return;
    }
    if node.is_null() && create {
        *node = Node::new(Value::Map(Default::default()), span);
    }
    if !matches!(node.value, Value::Map(_)) {
        return;
    }
    if node.get(inner).is_none() {
        if !create {
            return;
        }
        // (created below)
        let child = if rest.is_empty() {
            Node::null(span)
        } else {
            Node::new(Value::Map(Default::default()), span)
        };
        node.set(inner, span, child);
    }
    if let Some(c) = node.get_mut(inner) {
        lookup_mut(c, rest, create, span, out);
    }
}

pub fn lookup(node: &Node, path: &[String]) -> Option<Node> {
    let mut copy = node.clone();
    let mut out = Vec::new();
    lookup_mut(&mut copy, path, false, node.span, &mut out);
    out.first().map(|n| (**n).clone())
}

/// Apply one replacement; `select` picks resources for a selector node.
pub fn apply(
    acc: &mut [Res],
    rep: &Node,
    select: &dyn Fn(&[Res], &Node) -> Vec<usize>,
) -> Result<(), (Span, String)> {
    let source = rep
        .get("source")
        .ok_or((rep.span, "replacement without `source`".to_string()))?;
    let found = select(acc, source);
    let [src] = found.as_slice() else {
        return Err((
            source.span,
            format!(
                "replacement source matches {} resources, expected exactly one",
                found.len()
            ),
        ));
    };
    let fp = source.str_at(&["fieldPath"]).unwrap_or("metadata.name");
    let mut value = lookup(&acc[*src].node, &split_path(fp)).ok_or((
        source.span,
        format!("replacement source field `{fp}` not found"),
    ))?;
    if let Some(d) = source.str_at(&["options", "delimiter"]) {
        let idx = source
            .path(&["options", "index"])
            .and_then(Node::as_i64)
            .unwrap_or(0);
        let text = value.scalar_text().unwrap_or_default();
        let parts: Vec<&str> = text.split(d).collect();
        let part = usize::try_from(idx)
            .ok()
            .and_then(|i| parts.get(i))
            .copied()
            .unwrap_or("");
        value = Node::string(part, value.span);
    }
    for t in rep.get("targets").map(Node::items).unwrap_or(&[]) {
        let Some(sel) = t.get("select") else { continue };
        let rejects: Vec<usize> = t
            .get("reject")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .flat_map(|r| select(acc, r))
            .collect();
        let create = t.path(&["options", "create"]).and_then(Node::as_bool) == Some(true);
        let delim = t.str_at(&["options", "delimiter"]).map(str::to_string);
        let idx = t
            .path(&["options", "index"])
            .and_then(Node::as_i64)
            .unwrap_or(0);
        for i in select(acc, sel) {
            if rejects.contains(&i) {
                continue;
            }
            for fp in t.get("fieldPaths").map(Node::items).unwrap_or(&[]) {
                let Some(fp) = fp.as_str() else { continue };
                let mut nodes = Vec::new();
                lookup_mut(
                    &mut acc[i].node,
                    &split_path(fp),
                    create,
                    value.span,
                    &mut nodes,
                );
                for n in nodes {
                    match &delim {
                        Some(d) => {
                            let text = n.scalar_text().unwrap_or_default();
                            let mut parts: Vec<String> =
                                text.split(d.as_str()).map(str::to_string).collect();
                            let v = value.scalar_text().unwrap_or_default();
                            if idx < 0 {
                                parts.insert(0, v);
                            } else if (idx as usize) >= parts.len() {
                                parts.push(v);
                            } else {
                                parts[idx as usize] = v;
                            }
                            *n = Node::string(parts.join(d), value.span);
                        }
                        None => *n = value.clone(),
                    }
                }
            }
        }
    }
    Ok(())
}
