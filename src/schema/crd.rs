//! `CustomResourceDefinition` objects -> JSON Schemas, one per served version.

use serde_json::Value;

use super::normalize;

/// One kind defined by a CRD.
pub(crate) struct CrdKind {
    pub api_version: String,
    pub kind: String,
    pub cluster_scoped: bool,
    /// JSON Schema, normalised, strict (objects with properties are closed).
    pub schema: Value,
}

/// Convert a `CustomResourceDefinition` (apiextensions.k8s.io v1 or v1beta1).
pub(crate) fn convert(crd: &Value) -> Result<Vec<CrdKind>, String> {
    let kind_of = crd.get("kind").and_then(Value::as_str).unwrap_or("");
    if kind_of != "CustomResourceDefinition" {
        return Err(format!(
            "expected a CustomResourceDefinition, found kind `{kind_of}`"
        ));
    }
    let spec = crd
        .get("spec")
        .ok_or("CustomResourceDefinition has no `spec`")?;
    let group = spec
        .get("group")
        .and_then(Value::as_str)
        .ok_or("CustomResourceDefinition has no `spec.group`")?;
    let kind = spec
        .pointer("/names/kind")
        .and_then(Value::as_str)
        .ok_or("CustomResourceDefinition has no `spec.names.kind`")?;
    let cluster_scoped = spec.get("scope").and_then(Value::as_str) == Some("Cluster");
    // v1beta1: a top-level `validation` applies to every version.
    let shared = spec.pointer("/validation/openAPIV3Schema");
    let mut versions: Vec<(String, Option<&Value>)> = Vec::new();
    if let Some(Value::Array(vs)) = spec.get("versions") {
        for v in vs {
            if v.get("served") == Some(&Value::Bool(false)) {
                continue;
            }
            let Some(name) = v.get("name").and_then(Value::as_str) else {
                continue;
            };
            let schema = v.pointer("/schema/openAPIV3Schema").or(shared);
            versions.push((name.to_owned(), schema));
        }
    } else if let Some(v) = spec.get("version").and_then(Value::as_str) {
        versions.push((v.to_owned(), shared));
    }
    if versions.is_empty() {
        return Err(format!(
            "CustomResourceDefinition for {kind}.{group} serves no version"
        ));
    }
    Ok(versions
        .into_iter()
        .map(|(v, schema)| {
            let mut schema = schema.cloned().unwrap_or_else(|| {
                // No schema: anything goes (x-kubernetes-preserve-unknown-fields).
                serde_json::json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true})
            });
            prepare_openapi(&mut schema);
            CrdKind {
                api_version: format!("{group}/{v}"),
                kind: kind.to_owned(),
                cluster_scoped,
                schema,
            }
        })
        .collect())
}

/// An `openAPIV3Schema` as found in a CRD: close objects (strict), then normalise.
pub(crate) fn prepare_openapi(schema: &mut Value) {
    normalize::close_objects(schema);
    normalize::normalize_crd_schema(schema);
    if let Value::Object(m) = schema {
        m.remove("$schema");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn converts_served_versions() {
        let crd = json!({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "scope": "Cluster",
                "names": {"kind": "Widget", "plural": "widgets"},
                "versions": [
                    {"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {
                        "type": "object", "properties": {"spec": {"type": "object",
                            "properties": {"size": {"type": "integer"}}}}}}},
                    {"name": "v0", "served": false, "storage": false}
                ]}
        });
        let kinds = convert(&crd).unwrap();
        assert_eq!(kinds.len(), 1);
        assert_eq!(kinds[0].api_version, "example.com/v1");
        assert_eq!(kinds[0].kind, "Widget");
        assert!(kinds[0].cluster_scoped);
        assert_eq!(
            kinds[0].schema["properties"]["spec"]["additionalProperties"],
            json!(false)
        );
        assert!(convert(&json!({"kind": "ConfigMap"})).is_err());
    }
}
