//! A compiled schema and how instances are decoded before it validates them.
//! Shared by the registry (which builds it) and the error conversion (which
//! reads its schema to suggest field names), so neither depends on the other.

use serde_json::{Map, Value};

/// How the consumer of a kind decodes it, where that differs from strict JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decoding {
    /// Built-in kinds: the API server's strict decoding.
    Strict,
    /// Custom resources: the API server drops `null` fields before it
    /// validates against the CRD's structural schema.
    DropsNulls,
    /// Kustomization files: kustomize decodes with Go's `encoding/json`, which
    /// matches field names case-insensitively (`fieldref.fieldpath`).
    CaseInsensitive,
}

/// A compiled validator for one apiVersion/kind.
pub(crate) struct Compiled {
    pub validator: jsonschema::Validator,
    /// The schema it was compiled from (used to suggest field names).
    pub root: Value,
    /// Kind name used in messages.
    pub kind: String,
    pub decoding: Decoding,
    /// The schema's structure for a quick "valid" off the YAML tree
    /// (`None`: every instance goes through `validator`).
    pub fast: Option<super::fast::Tree>,
}

impl Compiled {
    /// Turn the instance into what its consumer reads (in place: an owned
    /// instance needs no copy).
    pub fn decode(&self, instance: &mut Value) {
        match self.decoding {
            Decoding::Strict => {}
            Decoding::DropsNulls => drop_nulls(instance),
            Decoding::CaseInsensitive => fold_keys(instance, &self.root, &self.root, 0),
        }
    }

    /// Does decoding change anything at all?
    pub fn decodes(&self) -> bool {
        self.decoding != Decoding::Strict
    }
}

/// Remove every `null`-valued member of every mapping.
fn drop_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(drop_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// Follow `$ref` (`#/definitions/X`, `#/$defs/X`) to the schema it names.
fn deref<'a>(root: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| root.pointer(p))
        {
            Some(target) => schema = target,
            None => break,
        }
    }
    schema
}

/// Rename instance keys to the schema's spelling when they differ only in
/// case, as `encoding/json` matches them; recurse into known properties,
/// items and additionalProperties.
fn fold_keys(v: &mut Value, root: &Value, schema: &Value, depth: usize) {
    if depth > 64 {
        return;
    }
    let schema = deref(root, schema);
    match v {
        Value::Object(m) => {
            let props = schema.get("properties").and_then(Value::as_object);
            if let Some(props) = props {
                let renames: Vec<(String, String)> = m
                    .keys()
                    .filter(|k| !props.contains_key(*k))
                    .filter_map(|k| {
                        props
                            .keys()
                            .find(|p| p.eq_ignore_ascii_case(k))
                            .map(|p| (k.clone(), p.clone()))
                    })
                    .collect();
                for (from, to) in renames {
                    if !m.contains_key(&to) {
                        if let Some(x) = m.remove(&from) {
                            m.insert(to, x);
                        }
                    }
                }
            }
            let extra = schema.get("additionalProperties").filter(|a| a.is_object());
            let mut keys: Map<String, Value> = std::mem::take(m);
            for (k, x) in keys.iter_mut() {
                let sub = props.and_then(|p| p.get(k)).or(extra);
                if let Some(sub) = sub {
                    fold_keys(x, root, sub, depth + 1);
                }
            }
            *m = keys;
        }
        Value::Array(a) => {
            if let Some(items) = schema.get("items") {
                for x in a {
                    fold_keys(x, root, items, depth + 1);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn folds_keys_to_the_schema_spelling() {
        let schema = json!({
            "definitions": {"Ref": {"type": "object", "properties": {"fieldPath": {"type": "string"}}}},
            "type": "object",
            "properties": {"vars": {"type": "array", "items": {"type": "object",
                "properties": {"fieldref": {"$ref": "#/definitions/Ref"}}}}}
        });
        let mut v = json!({"vars": [{"fieldRef": {"fieldpath": "metadata.name"}}]});
        fold_keys(&mut v, &schema, &schema, 0);
        assert_eq!(
            v,
            json!({"vars": [{"fieldref": {"fieldPath": "metadata.name"}}]})
        );
    }

    #[test]
    fn drops_null_members() {
        let mut v = json!({"spec": {"a": null, "b": [{"c": null, "d": 1}]}});
        drop_nulls(&mut v);
        assert_eq!(v, json!({"spec": {"b": [{"d": 1}]}}));
    }
}
