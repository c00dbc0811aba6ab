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
