//! Values a Kustomize patch took away or overwrote.
//!
//! A rendered node's span names the text that set it, but a removed value
//! leaves nothing behind to point at. Rendering therefore records each
//! removal (JSON 6902 `remove`, a strategic-merge `$patch: delete` or
//! `key: null`) and each JSON 6902 `replace`, with the base value, so a
//! finding the edit causes can point at the patch operation and name the
//! base line (see `rules::patch_provenance`).

use crate::yaml::{Node, Span, Value};

#[derive(Clone, Debug, PartialEq)]
pub struct PatchEdit {
    /// Where the value was: map keys and list positions from the object's root.
    pub path: Vec<String>,
    /// The value before the patch.
    pub base: Node,
    /// The base line: the removed key (`livenessProbe:`), else the value.
    pub base_at: Span,
    /// The patch operation: the `- op:` item, the `$patch: delete`, the `key: null`.
    pub op: Span,
    pub kind: EditKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditKind {
    Removed,
    Replaced,
}

impl EditKind {
    pub fn verb(self) -> &'static str {
        match self {
            EditKind::Removed => "removed",
            EditKind::Replaced => "replaced",
        }
    }
}

impl PatchEdit {
    /// Put the base value back into `root`; false when its place is gone
    /// (a later transformer removed the parent).
    pub fn undo(&self, root: &mut Node) -> bool {
        let Some((last, parent)) = self.path.split_last() else {
            return false;
        };
        let Some(p) = node_at_mut(root, parent) else {
            return false;
        };
        let base = self.base.clone();
        match (&mut p.value, self.kind) {
            (Value::Map(_), EditKind::Removed) => {
                p.set(last, self.base_at, base);
                true
            }
            (Value::Map(_), EditKind::Replaced) => match p.get_mut(last) {
                Some(n) => {
                    *n = base;
                    true
                }
                None => false,
            },
            (Value::Seq(items), kind) => {
                let Ok(i) = last.parse::<usize>() else {
                    return false;
                };
                match kind {
                    EditKind::Removed => {
                        let at = i.min(items.len());
                        items.insert(at, base)
                    }
                    EditKind::Replaced => match items.get_mut(i) {
                        Some(n) => *n = base,
                        None => return false,
                    },
                }
                true
            }
            _ => false,
        }
    }
}

fn node_at_mut<'a>(root: &'a mut Node, path: &[String]) -> Option<&'a mut Node> {
    let mut cur = root;
    for t in path {
        cur = match &mut cur.value {
            Value::Map(entries) => &mut entries.iter_mut().find(|e| e.key.name == *t)?.value,
            Value::Seq(items) => items.get_mut(t.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Node {
        crate::yaml::parse(text, crate::yaml::FileId(0)).documents[0]
            .root
            .clone()
    }

    #[test]
    fn undo_restores_removed_and_replaced_values() {
        let before = parse("a:\n  b: 1\n  l: [x, y]\n");
        let mut after = parse("a:\n  l: [y]\n");
        let removed = |path: &[&str], base: &Node| PatchEdit {
            path: path.iter().map(|s| s.to_string()).collect(),
            base: base.clone(),
            base_at: base.span,
            op: Span::default(),
            kind: EditKind::Removed,
        };
        assert!(removed(&["a", "b"], before.path(&["a", "b"]).unwrap()).undo(&mut after));
        assert!(removed(
            &["a", "l", "0"],
            &before.path(&["a", "l"]).unwrap().items()[0]
        )
        .undo(&mut after));
        assert_eq!(after.to_json(), before.to_json());
        assert!(!removed(&["gone", "b"], &before).undo(&mut after));
    }
}
