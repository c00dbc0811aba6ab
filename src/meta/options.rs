//! Checking `rules.<id>.options` against the rule's declared options, with
//! the span of the offending key or value, so a misspelled option or a
//! string where a list belongs is a config error instead of a rule that
//! silently matches nothing.

use super::{OptionKind, OptionsDecl, RuleMeta};
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
pub fn rules_schema(metas: &[&RuleMeta]) -> serde_json::Value {
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
pub fn config_schema(metas: &[&RuleMeta]) -> serde_json::Value {
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
            "maxFileSize": {
                "type": ["integer", "string"],
                "minimum": 1,
                "pattern": "^[0-9]+ ?(B|K|KB|KiB|M|MB|MiB|G|GB|GiB)?$"
            },
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::{parse_as, OptionField};
    use crate::yaml::{parse, FileId};

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // read only through serde here
    struct Sample {
        mode: Option<String>,
        strict: Option<bool>,
        limit: Option<i64>,
    }

    static SAMPLE: OptionsDecl = OptionsDecl {
        fields: &[
            OptionField {
                name: "mode",
                kind: OptionKind::OneOf(&["strict", "lenient"]),
                doc: "how to judge",
            },
            OptionField {
                name: "strict",
                kind: OptionKind::Bool,
                doc: "",
            },
            OptionField {
                name: "limit",
                kind: OptionKind::Integer,
                doc: "",
            },
        ],
        parse: parse_as::<Sample>,
    };

    /// Check `options: <text>`; the error's text at its span, and its message.
    fn check_text(text: &str) -> Result<serde_json::Value, (String, String)> {
        let src = format!("options: {text}\n");
        let parsed = parse(&src, FileId(0));
        let node = parsed.documents[0].root.get("options").unwrap();
        check("sample", Some(&SAMPLE), node)
            .map_err(|e| (src[e.span.range()].to_string(), e.message))
    }

    #[test]
    fn accepts_declared_options_of_the_right_type() {
        let v = check_text("{mode: lenient, strict: true, limit: 3}").unwrap();
        assert_eq!(v["mode"], "lenient");
        assert_eq!(check_text("{}").unwrap(), serde_json::Value::Null);
    }

    #[test]
    fn unknown_value_of_an_enumerated_option_suggests_the_closest() {
        let (at, msg) = check_text("{mode: strikt}").unwrap_err();
        assert_eq!(at, "strikt");
        assert!(msg.contains("did you mean `strict`?"), "{msg}");
    }

    #[test]
    fn wrong_types_point_at_the_value() {
        let (at, msg) = check_text("{strict: \"yes\"}").unwrap_err();
        assert_eq!(at, "\"yes\"");
        assert!(msg.contains("must be true or false, found string"), "{msg}");
        let (at, _) = check_text("{limit: 1.5}").unwrap_err();
        assert_eq!(at, "1.5");
        let (at, msg) = check_text("[mode]").unwrap_err();
        assert_eq!(at, "[mode]");
        assert!(msg.contains("`options` must be a mapping"), "{msg}");
    }

    #[test]
    fn a_rule_without_options_rejects_any() {
        let src = "options: {x: 1}\n";
        let parsed = parse(src, FileId(0));
        let node = parsed.documents[0].root.get("options").unwrap();
        let e = check("plain", None, node).unwrap_err();
        assert_eq!(&src[e.span.range()], "x");
    }
}
