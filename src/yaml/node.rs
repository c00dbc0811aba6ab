//! The spanned YAML tree every later stage works on.
//!
//! Every node (keys included) carries a [`Span`]: the file it came from and a
//! byte range in that file. Rendering copies nodes between files, so a span
//! doubles as provenance: it always names the text that set the value.

use std::fmt;

use super::Shared;

/// Index of a source file in [`crate::source::Sources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end.max(start) as u32,
        }
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// How a scalar was written; matters for resolution and for fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ScalarStyle {
    #[default]
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A YAML string: inline up to 24 bytes, so most keys and scalars need no
/// heap block of their own (and cloning a rendered object copies them flat).
pub type Str = compact_str::CompactString;

/// The resolved value of a node, read the way Kubernetes reads YAML (1.1 rules).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Str),
    /// Collections are copy-on-write ([`Shared`]): cloning a tree is cheap,
    /// and a mutable borrow copies only the level it changes.
    Seq(Shared<Node>),
    Map(Shared<Entry>),
}

/// One key/value pair of a mapping. Keys are always strings (their source text).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Key,
    pub value: Node,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub name: Str,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
    pub style: ScalarStyle,
    /// An explicit tag such as `!!str` or `!Ref`, if one was written (boxed
    /// thin: tags are rare, and every node pays for the field).
    pub tag: Option<Box<Str>>,
    /// Plain scalar whose YAML 1.1 reading (Kubernetes) differs from YAML 1.2.
    pub ambiguous: bool,
}

impl Node {
    pub fn new(value: Value, span: Span) -> Node {
        Node {
            value,
            span,
            style: ScalarStyle::Plain,
            tag: None,
            ambiguous: false,
        }
    }

    pub fn null(span: Span) -> Node {
        Node::new(Value::Null, span)
    }

    pub fn string(s: impl Into<Str>, span: Span) -> Node {
        Node::new(Value::Str(s.into()), span)
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_seq_mut(&mut self) -> Option<&mut Vec<Node>> {
        match &mut self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_map_mut(&mut self) -> Option<&mut Vec<Entry>> {
        match &mut self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// Items of a sequence, or nothing.
    pub fn items(&self) -> &[Node] {
        self.as_seq().unwrap_or(&[])
    }

    /// Entries of a mapping, or nothing.
    pub fn entries(&self) -> &[Entry] {
        self.as_map().unwrap_or(&[])
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key.name == key)
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.as_map_mut()?
            .iter_mut()
            .find(|e| e.key.name == key)
            .map(|e| &mut e.value)
    }

    /// Follow a path of mapping keys: `node.path(&["spec", "template"])`.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// String value at a path of mapping keys.
    pub fn str_at(&self, keys: &[&str]) -> Option<&str> {
        self.path(keys)?.as_str()
    }

    /// Insert or replace a key, keeping order.
    pub fn set(&mut self, key: &str, key_span: Span, value: Node) {
        if let Some(entries) = self.as_map_mut() {
            if let Some(e) = entries.iter_mut().find(|e| e.key.name == key) {
                e.value = value;
            } else {
                // Parsed mappings are exact-sized; grow by one, not double.
                entries.reserve_exact(1);
                entries.push(Entry {
                    key: Key {
                        name: key.into(),
                        span: key_span,
                    },
                    value,
                });
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let entries = self.as_map_mut()?;
        let idx = entries.iter().position(|e| e.key.name == key)?;
        Some(entries.remove(idx).value)
    }

    /// The scalar as text, the way Kubernetes would stringify it (for messages and matching).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Null => Some(String::new()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Str(s) => Some(s.to_string()),
            _ => None,
        }
    }

    /// Human name of the node's type, as used in messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Seq(_) => "array",
            Value::Map(_) => "object",
        }
    }

    /// Number of nodes in this subtree (used to bound alias expansion).
    pub fn weight(&self) -> usize {
        match &self.value {
            Value::Seq(items) => 1 + items.iter().map(Node::weight).sum::<usize>(),
            Value::Map(entries) => 1 + entries.iter().map(|e| 1 + e.value.weight()).sum::<usize>(),
            _ => 1,
        }
    }

    /// Convert to JSON, the way the API server would receive it.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(J::Number)
                .unwrap_or(J::Null),
            Value::Str(s) => J::String(s.to_string()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|e| (e.key.name.to_string(), e.value.to_json()))
                    .collect(),
            ),
        }
    }

    /// Build a tree from JSON, every node spanned at `span` (for generated content).
    pub fn from_json(value: &serde_json::Value, span: Span) -> Node {
        use serde_json::Value as J;
        let v = match value {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(0.0)),
            },
            J::String(s) => Value::Str(s.as_str().into()),
            J::Array(items) => Value::Seq(items.iter().map(|i| Node::from_json(i, span)).collect()),
            J::Object(map) => Value::Map(
                map.iter()
                    .map(|(k, v)| Entry {
                        key: Key {
                            name: k.as_str().into(),
                            span,
                        },
                        value: Node::from_json(v, span),
                    })
                    .collect(),
            ),
        };
        Node::new(v, span)
    }

    /// Visit every node depth-first with its path of keys/indices.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&[PathSeg<'a>], &'a Node)) {
        let mut path = Vec::new();
        self.walk_inner(&mut path, f);
    }

    fn walk_inner<'a>(
        &'a self,
        path: &mut Vec<PathSeg<'a>>,
        f: &mut impl FnMut(&[PathSeg<'a>], &'a Node),
    ) {
        f(path, self);
        match &self.value {
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(PathSeg::Index(i));
                    item.walk_inner(path, f);
                    path.pop();
                }
            }
            Value::Map(entries) => {
                for e in entries {
                    path.push(PathSeg::Key(&e.key.name));
                    e.value.walk_inner(path, f);
                    path.pop();
                }
            }
            _ => {}
        }
    }
}

/// One step of a path into a tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathSeg<'a> {
    Key(&'a str),
    Index(usize),
}

impl fmt::Display for PathSeg<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathSeg::Key(k) => write!(f, "{k}"),
            PathSeg::Index(i) => write!(f, "{i}"),
        }
    }
}
