//! Checking `rules.<id>.options` against the rule's declared options, with
//! the span of the offending key or value, so a misspelled option or a
//! string where a list belongs is a config error instead of a rule that
//! silently matches nothing.

use super::meta::{OptionKind, OptionsDecl};
use crate::suggest::did_you_mean;
use crate::yaml::{Node, Span, Value};

/// A problem in one rule's options: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    pub span: Span,
    pub message: String,
}

fn err(span: Span, message: String) -> OptionError {
    OptionError { span, message }
}

fn hint(word: &str, candidates: &[&str]) -> String {
    did_you_mean(word, candidates.iter().copied())
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

fn check_value(id: &str, name: &str, kind: OptionKind, node: &Node) -> Result<(), OptionError> {
    let wrong = |expected: &str| {
        err(
            node.span,
            format!(
                "rule `{id}`: option `{name}` must be {expected}, found {}",
                node.type_name()
            ),
        )
    };
    match (kind, &node.value) {
        (OptionKind::Bool, Value::Bool(_)) => Ok(()),
        (OptionKind::Integer, Value::Int(_)) => Ok(()),
        (OptionKind::String, Value::Str(_)) => Ok(()),
        (OptionKind::StringList, Value::Seq(items)) => {
            for item in items {
                if !matches!(item.value, Value::Str(_)) {
                    return Err(err(
                        item.span,
                        format!(
                            "rule `{id}`: option `{name}` must be a list of strings, found an item that is {}",
                            item.type_name()
                        ),
                    ));
                }
            }
            Ok(())
        }
        (OptionKind::OneOf(values), Value::Str(s)) => {
            if values.contains(&s.as_str()) {
                Ok(())
            } else {
                Err(err(
                    node.span,
                    format!(
                        "rule `{id}`: unknown value `{s}` for option `{name}`, expected one of {}{}",
                        values.join(", "),
                        hint(s, values)
                    ),
                ))
            }
        }
        (kind, _) => Err(wrong(&kind.describe())),
    }
}

/// Check the `options:` node of rule `id`; the JSON value the rule receives.
pub fn check(
    id: &str,
    decl: Option<&OptionsDecl>,
    node: &Node,
) -> Result<serde_json::Value, OptionError> {
    let entries = match &node.value {
        Value::Map(entries) => entries.as_slice(),
        Value::Null => &[],
        _ => {
            return Err(err(
                node.span,
                format!(
                    "rule `{id}`: `options` must be a mapping, found {}",
                    node.type_name()
                ),
            ))
        }
    };
    let Some(decl) = decl else {
        return match entries.first() {
            Some(e) => Err(err(
                e.key.span,
                format!("rule `{id}` takes no options, found `{}`", e.key.name),
            )),
            None => Ok(serde_json::Value::Null),
        };
    };
    let names: Vec<&str> = decl.fields.iter().map(|f| f.name).collect();
    for e in entries {
        let Some(field) = decl.field(&e.key.name) else {
            return Err(err(
                e.key.span,
                format!(
                    "rule `{id}`: unknown option `{}` (options: {}){}",
                    e.key.name,
                    names.join(", "),
                    hint(&e.key.name, &names)
                ),
            ));
        };
        check_value(id, field.name, field.kind, &e.value)?;
    }
    if entries.is_empty() {
        return Ok(serde_json::Value::Null);
    }
    let json = node.to_json();
    // The typed struct is the rule's own reading: it must accept what passed.
    (decl.parse)(&json)
        .map_err(|e| err(node.span, format!("rule `{id}`: invalid options: {e}")))?;
    Ok(json)
}

/// A string or a list of strings (the config accepts both where it reads lists).
fn strings_schema() -> serde_json::Value {
    serde_json::json!({"oneOf": [
        {"type": "string"},
        {"type": "array", "items": {"type": "string"}}
    ]})
}

/// The JSON schema of `rules:` (also under `overrides[].rules`), generated
/// from the rule declarations: every rule id, its settings and its options.
pub fn rules_schema(metas: &[&super::RuleMeta]) -> serde_json::Value {
    use serde_json::json;
    let rules: serde_json::Map<String, serde_json::Value> = metas
        .iter()
        .map(|m| {
            let options = m.options.map(OptionsDecl::json_schema).unwrap_or_else(
                || json!({"type": "object", "maxProperties": 0, "description": "this rule takes no options"}),
            );
            let setting = json!({
                "description": format!("{} (default: {})", m.summary, m.default_severity()),
                "oneOf": [
                    {"type": "boolean"},
                    {"enum": ["off", "on", "error", "warning", "warn", "info"]},
                    {"type": "object", "additionalProperties": false, "properties": {
                        "severity": {"enum": ["off", "error", "warning", "warn", "info"]},
                        "enabled": {"type": "boolean"},
                        "environments": strings_schema(),
                        "options": options,
                    }}
                ]
            });
            (m.id.to_string(), setting)
        })
        .collect();
    json!({"type": ["object", "null"], "additionalProperties": false, "properties": rules})
}

/// The JSON schema of `.ftlint.yaml`. The `rules` part is generated from the
/// declarations; the other keys mirror what the config loader accepts.
pub fn config_schema(metas: &[&super::RuleMeta]) -> serde_json::Value {
    use serde_json::json;
    // Keys holding only comments read as empty: maps and lists may be null.
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "definitions": {"rules": rules_schema(metas)},
        "title": "ftlint configuration (.ftlint.yaml)",
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "kubernetesVersion": {"type": ["string", "number"]},
            "strict": {"type": "boolean"},
            "include": strings_schema(),
            "exclude": strings_schema(),
            "gitops": {"type": ["object", "null"], "additionalProperties": false, "properties": {
                "repoURLs": strings_schema()
            }},
            "environments": {"type": ["object", "null"], "additionalProperties": {
                "type": "object", "additionalProperties": false, "properties": {
                    "paths": strings_schema(),
                    "namespaces": strings_schema()
                }
            }},
            "rules": {"$ref": "#/definitions/rules"},
            "syncWaves": {"type": ["array", "null"], "items": {
                "type": "object", "additionalProperties": false, "properties": {
                    "match": {"type": "object", "additionalProperties": false, "properties": {
                        "kinds": strings_schema()
                    }},
                    "minWave": {"type": "integer"},
                    "maxWave": {"type": "integer"}
                }
            }},
            "overrides": {"type": ["array", "null"], "items": {
                "type": "object", "additionalProperties": false, "properties": {
                    "paths": strings_schema(),
                    "environments": strings_schema(),
                    "rules": {"$ref": "#/definitions/rules"}
                }
            }}
        }
    })
}
