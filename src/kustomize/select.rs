//! kustomize's resource selection: patch and replacement targets, and ids.

use super::res::{Res, ResId};
use crate::yaml::Node;

/// Indexes of the resources whose current or any earlier id is `id`.
pub(super) fn resources_with_id(acc: &[Res], id: &ResId) -> Vec<usize> {
    acc.iter()
        .enumerate()
        .filter(|(_, r)| r.all_ids().iter().any(|i| i.equals(id)))
        .map(|(i, _)| i)
        .collect()
}

/// kustomize's `ResMap.Select`: original or current name and namespace, GVK,
/// label and annotation selectors. Names and namespaces are anchored regexes.
pub(super) fn select(acc: &[Res], t: &Node) -> Vec<usize> {
    let field = |k: &str| t.get(k).and_then(Node::scalar_text).unwrap_or_default();
    let (group, version, kind, name, ns) = (
        field("group"),
        field("version"),
        field("kind"),
        field("name"),
        field("namespace"),
    );
    let re = |s: &str| (!s.is_empty()).then(|| super::pattern::NamePattern::whole(s));
    let (name_re, ns_re) = (re(&name), re(&ns));
    let matches_re = |re: &Option<super::pattern::NamePattern>, raw: &str, v: &str| match re {
        None => raw.is_empty() || raw == v,
        Some(re) => re.matches(v),
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
