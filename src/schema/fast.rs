//! A quick "valid" for the common case, read straight off the YAML tree.
//!
//! Most objects are valid, and proving it through `jsonschema` first needs
//! a `serde_json` copy of the whole object (its maps hashed key by key):
//! at 1,000 services that copy cost more than the validation itself. The
//! Kubernetes schemas use a handful of keywords (`type`, `properties`,
//! `additionalProperties`, `required`, `items`, `enum`, `$ref`), so a
//! compiled schema also gets this small tree of them, and an object is
//! checked against it on its [`Node`]s directly.
//!
//! The tree only ever answers [`Fit::Yes`] when the object is valid by
//! JSON Schema 2020-12 as `jsonschema` applies it; any keyword it does not
//! model, any number whose integer-ness would matter, any doubt, gives
//! [`Fit::Unsure`], and the caller validates the usual way (which also
//! computes the errors of an invalid object).

use serde_json::{Map, Value as J};

use crate::yaml::{Node, Value as Y};

/// The answer for one instance against one schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fit {
    Yes,
    No,
    Unsure,
}

impl Fit {
    fn and(self, other: Fit) -> Fit {
        match (self, other) {
            (Fit::No, _) | (_, Fit::No) => Fit::No,
            (Fit::Yes, Fit::Yes) => Fit::Yes,
            _ => Fit::Unsure,
        }
    }
}

/// JSON types as a bit set.
const NULL: u8 = 1;
const BOOLEAN: u8 = 2;
const INTEGER: u8 = 4;
const NUMBER: u8 = 8;
const STRING: u8 = 16;
const ARRAY: u8 = 32;
const OBJECT: u8 = 64;

/// Keywords that never change whether an instance is valid (annotations;
/// `format` because formats are not validated; `$defs` holds definitions
/// reached through `$ref` only).
const INERT: &[&str] = &[
    "$schema",
    "$defs",
    "$comment",
    "description",
    "title",
    "default",
    "examples",
    "example",
    "format",
    "deprecated",
    "readOnly",
    "writeOnly",
    "nullable",
];

enum Additional {
    Any,
    Forbidden,
    Schema(u32),
}

enum Schema {
    /// `true` or `{}`.
    Any,
    /// `false`.
    Never,
    /// A keyword this tree does not model.
    Unsupported,
    Check(Box<Check>),
}

struct Check {
    /// Allowed JSON types; 0 when `type` is absent.
    types: u8,
    /// `properties`, sorted by name.
    properties: Vec<(Box<str>, u32)>,
    additional: Additional,
    required: Vec<Box<str>>,
    items: Option<u32>,
    one_of_values: Option<Vec<J>>,
    all_of: Vec<u32>,
    any_of: Vec<u32>,
    one_of: Vec<u32>,
    not: Option<u32>,
}

/// A compiled schema's structure, for [`Tree::fit`].
pub(crate) struct Tree {
    nodes: Vec<Schema>,
}

/// How an instance is decoded before validation (see `compiled::Decoding`).
#[derive(Clone, Copy)]
pub(crate) struct Reading<'a> {
    /// `null` members of mappings are dropped first (custom resources).
    pub drops_nulls: bool,
    /// A top-level key left out (the SOPS metadata of an encrypted object).
    pub skip_top: Option<&'a str>,
}

impl Tree {
    /// The tree of a 2020-12 root schema whose references are all local
    /// (`#/$defs/NAME`).
    pub fn build(root: &J) -> Tree {
        let defs = root.get("$defs").and_then(J::as_object);
        let mut b = Builder {
            nodes: Vec::new(),
            defs,
            by_def: Vec::new(),
        };
        b.add(root);
        Tree { nodes: b.nodes }
    }

    /// Does `node` (the whole instance) fit the root schema?
    pub fn fit(&self, node: &Node, reading: Reading<'_>) -> Fit {
        self.fit_at(0, node, reading, 0)
    }

    fn fit_at(&self, at: u32, node: &Node, reading: Reading<'_>, depth: usize) -> Fit {
        if depth > 256 {
            return Fit::Unsure;
        }
        let check = match &self.nodes[at as usize] {
            Schema::Any => return Fit::Yes,
            Schema::Never => return Fit::No,
            Schema::Unsupported => return Fit::Unsure,
            Schema::Check(c) => c,
        };
        let next = Reading {
            skip_top: None,
            ..reading
        };
        let mut fit = Fit::Yes;
        if check.types != 0 {
            match type_fit(check.types, node) {
                Fit::Yes => {}
                other => return other,
            }
        }
        if let Some(values) = &check.one_of_values {
            fit = fit.and(enum_fit(values, node));
            if fit == Fit::No {
                return fit;
            }
        }
        match &node.value {
            Y::Map(entries) => {
                for r in &check.required {
                    let present = reading.skip_top != Some(&**r)
                        && entries.iter().any(|e| {
                            *e.key.name == **r && !(reading.drops_nulls && e.value.is_null())
                        });
                    if !present {
                        return Fit::No;
                    }
                }
                for e in entries.iter() {
                    let name: &str = &e.key.name;
                    if reading.skip_top == Some(name) {
                        continue;
                    }
                    if reading.drops_nulls && e.value.is_null() {
                        // Dropped before validation, unless a duplicate key
                        // makes the kept value unclear.
                        if entries.iter().filter(|o| *o.key.name == *name).count() > 1 {
                            return Fit::Unsure;
                        }
                        continue;
                    }
                    let sub = match check.properties.binary_search_by(|(p, _)| (**p).cmp(name)) {
                        Ok(i) => Some(check.properties[i].1),
                        Err(_) => match check.additional {
                            Additional::Any => None,
                            Additional::Forbidden => return Fit::No,
                            Additional::Schema(s) => Some(s),
                        },
                    };
                    if let Some(sub) = sub {
                        fit = fit.and(self.fit_at(sub, &e.value, next, depth + 1));
                        if fit == Fit::No {
                            return fit;
                        }
                    }
                }
            }
            Y::Seq(items) => {
                if let Some(sub) = check.items {
                    for item in items.iter() {
                        fit = fit.and(self.fit_at(sub, item, next, depth + 1));
                        if fit == Fit::No {
                            return fit;
                        }
                    }
                }
            }
            _ => {}
        }
        for &s in &check.all_of {
            fit = fit.and(self.fit_at(s, node, reading, depth + 1));
            if fit == Fit::No {
                return fit;
            }
        }
        if !check.any_of.is_empty() {
            let mut any = Fit::No;
            for &s in &check.any_of {
                match self.fit_at(s, node, reading, depth + 1) {
                    Fit::Yes => {
                        any = Fit::Yes;
                        break;
                    }
                    Fit::Unsure => any = Fit::Unsure,
                    Fit::No => {}
                }
            }
            fit = fit.and(any);
        }
        if !check.one_of.is_empty() {
            let mut yes = 0;
            let mut unsure = false;
            for &s in &check.one_of {
                match self.fit_at(s, node, reading, depth + 1) {
                    Fit::Yes => yes += 1,
                    Fit::Unsure => unsure = true,
                    Fit::No => {}
                }
            }
            fit = fit.and(match (unsure, yes) {
                (true, _) => Fit::Unsure,
                (false, 1) => Fit::Yes,
                (false, _) => Fit::No,
            });
        }
        if let Some(s) = check.not {
            fit = fit.and(match self.fit_at(s, node, reading, depth + 1) {
                Fit::Yes => Fit::No,
                Fit::No => Fit::Yes,
                Fit::Unsure => Fit::Unsure,
            });
        }
        fit
    }
}

/// The instance's JSON type against `types`. A whole float where only
/// `integer` is allowed is left to the full validator.
fn type_fit(types: u8, node: &Node) -> Fit {
    let t = match &node.value {
        Y::Null => NULL,
        Y::Bool(_) => BOOLEAN,
        Y::Int(_) => INTEGER | NUMBER,
        Y::Float(f) if !f.is_finite() => return Fit::Unsure,
        Y::Float(f) => {
            if types & NUMBER != 0 {
                return Fit::Yes;
            }
            if types & INTEGER != 0 && f.fract() == 0.0 {
                return Fit::Unsure;
            }
            NUMBER
        }
        Y::Str(_) => STRING,
        Y::Seq(_) => ARRAY,
        Y::Map(_) => OBJECT,
    };
    if types & t != 0 {
        Fit::Yes
    } else {
        Fit::No
    }
}

/// `enum`: scalars compared exactly; anything numeric beyond plain integers
/// is left to the full validator.
fn enum_fit(values: &[J], node: &Node) -> Fit {
    let mut unsure = false;
    for v in values {
        let same = match (&node.value, v) {
            (Y::Null, J::Null) => true,
            (Y::Bool(a), J::Bool(b)) => a == b,
            (Y::Str(a), J::String(b)) => a.as_str() == b.as_str(),
            (Y::Int(a), J::Number(n)) => match n.as_i64() {
                Some(b) => *a == b,
                None => {
                    unsure = true;
                    false
                }
            },
            (Y::Float(_), J::Number(_)) => {
                unsure = true;
                false
            }
            (Y::Seq(_) | Y::Map(_), J::Array(_) | J::Object(_)) => {
                unsure = true;
                false
            }
            _ => false,
        };
        if same {
            return Fit::Yes;
        }
    }
    if unsure {
        Fit::Unsure
    } else {
        Fit::No
    }
}

struct Builder<'a> {
    nodes: Vec<Schema>,
    defs: Option<&'a Map<String, J>>,
    /// Definitions already given a node (a recursive one refers to itself).
    by_def: Vec<(&'a str, u32)>,
}

impl<'a> Builder<'a> {
    fn add(&mut self, schema: &'a J) -> u32 {
        let at = self.nodes.len() as u32;
        self.nodes.push(Schema::Unsupported);
        let built = self.schema(schema);
        self.nodes[at as usize] = built;
        at
    }

    fn def(&mut self, reference: &'a str) -> Option<u32> {
        let name = reference.strip_prefix("#/$defs/")?;
        if let Some((_, at)) = self.by_def.iter().find(|(n, _)| *n == name) {
            return Some(*at);
        }
        let def = self.defs?.get(name)?;
        let at = self.nodes.len() as u32;
        self.nodes.push(Schema::Unsupported);
        self.by_def.push((name, at));
        let built = self.schema(def);
        self.nodes[at as usize] = built;
        Some(at)
    }

    fn list(&mut self, v: &'a J) -> Option<Vec<u32>> {
        let items = v.as_array()?;
        Some(items.iter().map(|s| self.add(s)).collect())
    }

    fn schema(&mut self, schema: &'a J) -> Schema {
        let m = match schema {
            J::Bool(true) => return Schema::Any,
            J::Bool(false) => return Schema::Never,
            J::Object(m) => m,
            _ => return Schema::Unsupported,
        };
        let mut c = Check {
            types: 0,
            properties: Vec::new(),
            additional: Additional::Any,
            required: Vec::new(),
            items: None,
            one_of_values: None,
            all_of: Vec::new(),
            any_of: Vec::new(),
            one_of: Vec::new(),
            not: None,
        };
        let mut checks = false;
        for (k, v) in m {
            let k = k.as_str();
            if INERT.contains(&k) || k.starts_with("x-") {
                continue;
            }
            checks = true;
            let ok = match k {
                "type" => types(v).map(|t| c.types = t).is_some(),
                "properties" => match v.as_object() {
                    Some(props) => {
                        let mut list: Vec<(Box<str>, u32)> = props
                            .iter()
                            .map(|(name, sub)| (name.as_str().into(), self.add(sub)))
                            .collect();
                        list.sort_by(|a, b| a.0.cmp(&b.0));
                        c.properties = list;
                        true
                    }
                    None => false,
                },
                "additionalProperties" => match v {
                    J::Bool(true) => true,
                    J::Bool(false) => {
                        c.additional = Additional::Forbidden;
                        true
                    }
                    J::Object(_) => {
                        c.additional = Additional::Schema(self.add(v));
                        true
                    }
                    _ => false,
                },
                "required" => match v.as_array() {
                    Some(names) if names.iter().all(J::is_string) => {
                        c.required = names.iter().filter_map(J::as_str).map(Into::into).collect();
                        true
                    }
                    _ => false,
                },
                "items" if v.is_object() || v.is_boolean() => {
                    c.items = Some(self.add(v));
                    true
                }
                "enum" => match v.as_array() {
                    Some(values) => {
                        c.one_of_values = Some(values.clone());
                        true
                    }
                    None => false,
                },
                "$ref" => match v.as_str().and_then(|r| self.def(r)) {
                    Some(at) => {
                        c.all_of.push(at);
                        true
                    }
                    None => false,
                },
                "allOf" => self.list(v).map(|l| c.all_of.extend(l)).is_some(),
                "anyOf" => self.list(v).map(|l| c.any_of = l).is_some(),
                "oneOf" => self.list(v).map(|l| c.one_of = l).is_some(),
                "not" => {
                    c.not = Some(self.add(v));
                    true
                }
                _ => false,
            };
            if !ok {
                return Schema::Unsupported;
            }
        }
        if !checks {
            return Schema::Any;
        }
        Schema::Check(Box::new(c))
    }
}

fn types(v: &J) -> Option<u8> {
    let one = |s: &str| {
        Some(match s {
            "null" => NULL,
            "boolean" => BOOLEAN,
            "integer" => INTEGER,
            "number" => NUMBER,
            "string" => STRING,
            "array" => ARRAY,
            "object" => OBJECT,
            _ => return None,
        })
    };
    match v {
        J::String(s) => one(s),
        J::Array(list) if !list.is_empty() => list
            .iter()
            .try_fold(0u8, |acc, t| Some(acc | one(t.as_str()?)?)),
        _ => None,
    }
}
