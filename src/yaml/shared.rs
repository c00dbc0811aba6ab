//! Copy-on-write collections for the YAML tree.
//!
//! A rendered object starts as a copy of its parsed document, and each
//! overlay of a base starts as a copy of the base's render. [`Shared`] makes
//! those copies O(1): a mapping's entries (a sequence's items) sit behind an
//! [`Arc`], cloning a tree shares them, and the first mutable borrow of a
//! shared collection copies that one level (its children stay shared). A
//! transformer that edits `metadata.namespace` thus copies the root and
//! `metadata` mappings and nothing else, and no edit can reach another tree:
//! the semantics are those of an owned `Vec`.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

/// A `Vec<T>` shared between trees until one of them changes it.
pub struct Shared<T>(Arc<Vec<T>>);

impl<T> Shared<T> {
    pub fn new() -> Shared<T> {
        Shared(Arc::new(Vec::new()))
    }

    /// Whether two collections are one block (a copy nothing has changed yet).
    pub fn ptr_eq(a: &Shared<T>, b: &Shared<T>) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl<T: Clone> Shared<T> {
    /// The items, taken out when this is the only owner, else copied.
    pub fn into_vec(self) -> Vec<T> {
        Arc::unwrap_or_clone(self.0)
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Shared<T> {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> Default for Shared<T> {
    fn default() -> Shared<T> {
        Shared::new()
    }
}

impl<T> Deref for Shared<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

/// A mutable borrow unshares: the collection is copied (one level) when
/// another tree holds it too.
impl<T: Clone> DerefMut for Shared<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        Arc::make_mut(&mut self.0)
    }
}

impl<T> From<Vec<T>> for Shared<T> {
    fn from(items: Vec<T>) -> Shared<T> {
        Shared(Arc::new(items))
    }
}

impl<T> FromIterator<T> for Shared<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Shared<T> {
        Shared::from(iter.into_iter().collect::<Vec<T>>())
    }
}

impl<T: Clone> IntoIterator for Shared<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.into_vec().into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Shared<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'a, T: Clone> IntoIterator for &'a mut Shared<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.deref_mut().iter_mut()
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Shared<T>) -> bool {
        *self.0 == *other.0
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse, FileId, Node};
    use proptest::prelude::*;

    fn doc(text: &str) -> Node {
        parse(text, FileId(0)).documents[0].root.clone()
    }

    #[test]
    fn a_clone_shares_until_written() {
        let a = doc("a: {b: [1, 2], c: {d: x}}\n");
        let mut b = a.clone();
        let blocks = |n: &Node| match (&n.get("a").unwrap().value, &n.value) {
            (crate::yaml::Value::Map(inner), crate::yaml::Value::Map(outer)) => {
                (inner.clone(), outer.clone())
            }
            _ => unreachable!(),
        };
        assert!(Shared::ptr_eq(&blocks(&a).0, &blocks(&b).0));
        b.get_mut("a").unwrap().remove("b");
        // Written: the path to the edit is copied, the rest still shared.
        assert!(!Shared::ptr_eq(&blocks(&a).1, &blocks(&b).1));
        assert!(!Shared::ptr_eq(&blocks(&a).0, &blocks(&b).0));
        let c = |n: &Node| match &n.path(&["a", "c"]).unwrap().value {
            crate::yaml::Value::Map(m) => m.clone(),
            _ => unreachable!(),
        };
        assert!(Shared::ptr_eq(&c(&a), &c(&b)));
        assert_eq!(a.path(&["a", "b"]).unwrap().items().len(), 2);
        assert!(b.path(&["a", "b"]).is_none());
    }

    /// A path of keys and indices into a tree, and an edit at its end.
    #[derive(Clone, Debug)]
    enum Edit {
        Set(String),
        Remove,
        Push,
        Clear,
    }

    fn edit(node: &mut Node, steps: &[usize], e: &Edit) {
        if let Some((&s, rest)) = steps.split_first() {
            let child = match &mut node.value {
                crate::yaml::Value::Map(m) if !m.is_empty() => {
                    let i = s % m.len();
                    &mut m[i].value
                }
                crate::yaml::Value::Seq(items) if !items.is_empty() => {
                    let i = s % items.len();
                    &mut items[i]
                }
                _ => return edit(node, &[], e),
            };
            return edit(child, rest, e);
        }
        let span = node.span;
        match e {
            Edit::Set(k) => node.set(k, span, Node::string("set", span)),
            Edit::Remove => {
                if let Some(k) = node.entries().first().map(|e| e.key.name.to_string()) {
                    node.remove(&k);
                }
            }
            Edit::Push => {
                if let Some(items) = node.as_seq_mut() {
                    items.push(Node::string("new", span));
                }
            }
            Edit::Clear => *node = Node::null(span),
        }
    }

    proptest! {
        /// Any sequence of edits on a clone leaves the original as it was.
        #[test]
        fn edits_on_a_clone_never_reach_the_original(
            edits in proptest::collection::vec(
                (proptest::collection::vec(0usize..8, 0..5),
                 prop_oneof![
                     "[a-c]{1,2}".prop_map(Edit::Set),
                     Just(Edit::Remove),
                     Just(Edit::Push),
                     Just(Edit::Clear),
                 ]),
                1..12,
            )
        ) {
            let original = doc("a: {b: [1, {c: 2, d: [x, y]}], e: {f: {g: h}}}\ni: [[j], {k: l}]\nm: n\n");
            let snapshot = original.to_json();
            let mut sibling = original.clone();
            let mut copy = original.clone();
            for (steps, e) in &edits {
                edit(&mut copy, steps, e);
            }
            prop_assert_eq!(original.to_json(), snapshot.clone());
            prop_assert_eq!(sibling.to_json(), snapshot.clone());
            // And the other way round: the sibling's edits leave the copy alone.
            let copied = copy.to_json();
            for (steps, e) in &edits {
                edit(&mut sibling, steps, e);
            }
            prop_assert_eq!(copy.to_json(), copied);
            prop_assert_eq!(original.to_json(), snapshot);
        }
    }
}
