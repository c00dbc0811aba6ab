//! Schema rewrites applied before compilation: Kubernetes' OpenAPI extensions made
//! into plain JSON Schema, known defects of the bundled schemas repaired, and the
//! non-strict mode.

use serde_json::{Map, Value};

/// Keywords whose value is a map of name -> subschema.
const SCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];
/// Keywords whose value is a subschema.
const SCHEMA_ONE: &[&str] = &[
    "additionalProperties",
    "additionalItems",
    "items",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
];
/// Keywords whose value is a list of subschemas.
const SCHEMA_LISTS: &[&str] = &["anyOf", "oneOf", "allOf", "prefixItems", "items"];

/// Call `f` on `schema` and every subschema below it, parents first.
pub(crate) fn walk(schema: &mut Value, f: &mut impl FnMut(&mut Map<String, Value>)) {
    let Value::Object(m) = schema else { return };
    f(m);
    for (k, v) in m.iter_mut() {
        let k = k.as_str();
        if SCHEMA_MAPS.contains(&k) {
            if let Value::Object(props) = v {
                for sub in props.values_mut() {
                    walk(sub, f);
                }
            }
        } else if SCHEMA_ONE.contains(&k) && v.is_object() {
            walk(v, f);
        } else if SCHEMA_LISTS.contains(&k) {
            if let Value::Array(items) = v {
                for sub in items {
                    walk(sub, f);
                }
            }
        }
    }
}

/// Replace a few Kubernetes definitions by simpler, equivalent forms. The upstream
/// `oneOf: [{type: [string, null]}, {type: [integer, null]}]` of IntOrString rejects
/// `null` (both branches match) and makes error messages noisy.
pub(crate) fn fix_k8s_def(name: &str, def: &Value) -> Value {
    match name {
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString" => {
            serde_json::json!({"type": ["string", "integer", "null"]})
        }
        "io.k8s.apimachinery.pkg.api.resource.Quantity" => {
            serde_json::json!({"type": ["string", "number", "null"]})
        }
        _ => {
            let mut d = def.clone();
            for (dn, prop, values) in K8S_ENUMS {
                if *dn == name {
                    if let Some(Value::Object(p)) = d.pointer_mut(&format!("/properties/{prop}")) {
                        let mut e: Vec<Value> = values.iter().map(|v| Value::from(*v)).collect();
                        e.push(Value::Null);
                        p.insert("enum".into(), Value::Array(e));
                    }
                }
            }
            d
        }
    }
}

/// Closed sets of values the API server enforces but the OpenAPI definitions only
/// describe in prose.
const K8S_ENUMS: &[(&str, &str, &[&str])] = &[
    (
        "io.k8s.api.core.v1.Container",
        "imagePullPolicy",
        &["Always", "IfNotPresent", "Never"],
    ),
    (
        "io.k8s.api.core.v1.EphemeralContainer",
        "imagePullPolicy",
        &["Always", "IfNotPresent", "Never"],
    ),
    (
        "io.k8s.api.core.v1.ContainerPort",
        "protocol",
        &["TCP", "UDP", "SCTP"],
    ),
    (
        "io.k8s.api.core.v1.ServicePort",
        "protocol",
        &["TCP", "UDP", "SCTP"],
    ),
    (
        "io.k8s.api.core.v1.PodSpec",
        "restartPolicy",
        &["Always", "OnFailure", "Never"],
    ),
    (
        "io.k8s.api.core.v1.PodSpec",
        "dnsPolicy",
        &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
    ),
    (
        "io.k8s.api.core.v1.ServiceSpec",
        "type",
        &["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"],
    ),
    (
        "io.k8s.api.core.v1.ServiceSpec",
        "sessionAffinity",
        &["ClientIP", "None"],
    ),
    (
        "io.k8s.api.networking.v1.HTTPIngressPath",
        "pathType",
        &["Exact", "Prefix", "ImplementationSpecific"],
    ),
    (
        "io.k8s.api.apps.v1.DeploymentStrategy",
        "type",
        &["Recreate", "RollingUpdate"],
    ),
    (
        "io.k8s.api.apps.v1.StatefulSetSpec",
        "podManagementPolicy",
        &["OrderedReady", "Parallel"],
    ),
    (
        "io.k8s.api.apps.v1.StatefulSetUpdateStrategy",
        "type",
        &["RollingUpdate", "OnDelete"],
    ),
    (
        "io.k8s.api.apps.v1.DaemonSetUpdateStrategy",
        "type",
        &["RollingUpdate", "OnDelete"],
    ),
    (
        "io.k8s.api.batch.v1.CronJobSpec",
        "concurrencyPolicy",
        &["Allow", "Forbid", "Replace"],
    ),
    (
        "io.k8s.api.core.v1.PersistentVolumeClaimSpec",
        "volumeMode",
        &["Filesystem", "Block"],
    ),
    (
        "io.k8s.api.core.v1.Toleration",
        "effect",
        &["NoSchedule", "PreferNoSchedule", "NoExecute"],
    ),
    (
        "io.k8s.api.core.v1.Taint",
        "effect",
        &["NoSchedule", "PreferNoSchedule", "NoExecute"],
    ),
    (
        "io.k8s.api.core.v1.SeccompProfile",
        "type",
        &["Localhost", "RuntimeDefault", "Unconfined"],
    ),
];

pub(crate) fn add_null(m: &mut Map<String, Value>) {
    match m.get_mut("type") {
        Some(Value::String(t)) => {
            let t = std::mem::take(t);
            if t != "null" {
                m.insert("type".into(), Value::Array(vec![t.into(), "null".into()]));
            }
        }
        Some(Value::Array(ts)) if !ts.iter().any(|t| t == "null") => {
            ts.push("null".into());
        }
        _ => {}
    }
    // An enum restricts the values; null must still pass.
    if let Some(Value::Array(e)) = m.get_mut("enum") {
        if !e.iter().any(Value::is_null) {
            e.push(Value::Null);
        }
    }
}

/// `anyOf`/`oneOf` whose every branch is only `{type: ...}` becomes one `type` list.
fn merge_type_branches(m: &mut Map<String, Value>) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = m.get(key) else {
            continue;
        };
        let mut types: Vec<Value> = Vec::new();
        let mut ok = !branches.is_empty();
        for b in branches {
            match b.as_object() {
                Some(bm) if bm.len() == 1 => match bm.get("type") {
                    Some(Value::String(t)) => types.push(t.clone().into()),
                    Some(Value::Array(ts)) => types.extend(ts.iter().cloned()),
                    _ => ok = false,
                },
                _ => ok = false,
            }
        }
        if !ok {
            continue;
        }
        let mut uniq: Vec<Value> = Vec::new();
        for t in types {
            if !uniq.contains(&t) {
                uniq.push(t);
            }
        }
        m.remove(key);
        if !m.contains_key("type") {
            m.insert("type".into(), Value::Array(uniq));
        }
    }
}

/// Apply the Kubernetes structural-schema extensions and repair known defects.
/// Used for every CRD schema (bundled, `--crd`, `--schema-dir`, repo CRDs).
pub(crate) fn normalize_crd_schema(schema: &mut Value) {
    walk(schema, &mut |m| {
        if m.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
            m.remove("anyOf");
            m.remove("oneOf");
            m.insert("type".into(), serde_json::json!(["integer", "string"]));
        }
        merge_type_branches(m);
        if m.remove("nullable") == Some(Value::Bool(true)) {
            add_null(m);
        }
        if m.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true))
            && m.get("additionalProperties") == Some(&Value::Bool(false))
        {
            // openapi2jsonschema adds `additionalProperties: false` even where the CRD
            // keeps unknown fields (kubeseal's `template.metadata.creationTimestamp`).
            m.remove("additionalProperties");
        }
        if m.get("x-kubernetes-embedded-resource") == Some(&Value::Bool(true)) {
            if let Some(Value::Object(props)) = m.get_mut("properties") {
                for k in ["apiVersion", "kind"] {
                    props
                        .entry(k)
                        .or_insert_with(|| serde_json::json!({"type": "string"}));
                }
                props
                    .entry("metadata")
                    .or_insert_with(|| serde_json::json!({"type": "object"}));
            }
        }
        // OpenAPI 3.0 / draft-04 boolean exclusive bounds -> 2020-12 numeric form.
        for (ex, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if let Some(Value::Bool(b)) = m.get(ex) {
                let b = *b;
                m.remove(ex);
                if b {
                    if let Some(n) = m.remove(bound) {
                        m.insert(ex.into(), n);
                    }
                }
            }
        }
        // `format` values like int32/int64/byte are annotations here (formats are not
        // validated), nothing to do.
    });
}

/// Non-strict mode: unknown fields are allowed everywhere.
pub(crate) fn allow_unknown_fields(schema: &mut Value) {
    walk(schema, &mut |m| {
        if m.get("additionalProperties") == Some(&Value::Bool(false)) {
            m.remove("additionalProperties");
        }
        if m.get("unevaluatedProperties") == Some(&Value::Bool(false)) {
            m.remove("unevaluatedProperties");
        }
    });
}

/// Strict mode for a converted CRD (`openAPIV3Schema`): objects with declared
/// properties reject others, as the API server's strict field validation does.
pub(crate) fn close_objects(schema: &mut Value) {
    walk(schema, &mut |m| {
        if m.contains_key("properties")
            && !m.contains_key("additionalProperties")
            && m.get("x-kubernetes-preserve-unknown-fields") != Some(&Value::Bool(true))
        {
            m.insert("additionalProperties".into(), Value::Bool(false));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nullable_and_int_or_string() {
        let mut s = json!({"properties": {
            "a": {"type": "object", "nullable": true},
            "b": {"anyOf": [{"type": "integer"}, {"type": "string"}], "x-kubernetes-int-or-string": true},
            "c": {"type": "object", "properties": {"x": {"type": "string"}},
                  "additionalProperties": false, "x-kubernetes-preserve-unknown-fields": true},
            "description": {"type": "string", "enum": ["a"], "nullable": true}
        }});
        normalize_crd_schema(&mut s);
        assert_eq!(s["properties"]["a"]["type"], json!(["object", "null"]));
        assert_eq!(s["properties"]["b"]["type"], json!(["integer", "string"]));
        assert!(s["properties"]["b"].get("anyOf").is_none());
        assert!(s["properties"]["c"].get("additionalProperties").is_none());
        assert_eq!(s["properties"]["description"]["enum"], json!(["a", null]));
    }

    #[test]
    fn strictness() {
        let mut s =
            json!({"type": "object", "properties": {"a": {"type": "object", "properties": {}}}});
        close_objects(&mut s);
        assert_eq!(s["additionalProperties"], json!(false));
        assert_eq!(s["properties"]["a"]["additionalProperties"], json!(false));
        allow_unknown_fields(&mut s);
        assert!(s.get("additionalProperties").is_none());
    }
}
