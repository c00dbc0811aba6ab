//! jsonschema errors -> `SchemaError`s that read like a person wrote them.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use jsonschema::{JsonType, ValidationError};
use serde_json::Value;

use super::compiled::Compiled;
use super::{display_path, PathSeg, SchemaError, SchemaErrorKind};

pub(crate) fn convert(
    c: &Compiled,
    validator: &jsonschema::Validator,
    instance: &Value,
) -> Vec<SchemaError> {
    let mut out = Vec::new();
    for e in validator.iter_errors(instance) {
        push(c, &e, &mut out);
    }
    out.retain(|e| !is_ignored(e, instance));
    out.sort_by(|a, b| a.path.cmp(&b.path).then_with(|| a.message.cmp(&b.message)));
    out.dedup_by(|a, b| a.path == b.path && a.message == b.message);
    out
}

/// Defects of real-world manifests that Kubernetes accepts and that must not be
/// reported: `metadata.creationTimestamp: null` (written by kubectl, kustomize and
/// kubeseal) anywhere, including embedded templates whose schema does not list it.
fn is_ignored(e: &SchemaError, instance: &Value) -> bool {
    let p = &e.path;
    let n = p.len();
    if n >= 2
        && p[n - 1] == PathSeg::Key("creationTimestamp".into())
        && p[n - 2] == PathSeg::Key("metadata".into())
    {
        return matches!(lookup(instance, p), Some(Value::Null));
    }
    false
}

fn lookup<'a>(v: &'a Value, path: &[PathSeg]) -> Option<&'a Value> {
    let mut cur = v;
    for seg in path {
        cur = match seg {
            PathSeg::Key(k) => cur.get(k)?,
            PathSeg::Index(i) => cur.get(*i)?,
        };
    }
    Some(cur)
}

fn to_path(e: &ValidationError<'_>) -> Vec<PathSeg> {
    e.instance_path()
        .iter()
        .map(|s| match s {
            LocationSegment::Property(p) => PathSeg::Key(p.into_owned()),
            LocationSegment::Index(i) => PathSeg::Index(i),
        })
        .collect()
}

/// `Deployment.spec.template` for a path.
fn where_(kind: &str, path: &[PathSeg]) -> String {
    if path.is_empty() {
        kind.to_owned()
    } else if matches!(path[0], PathSeg::Index(_)) {
        format!("{kind}{}", display_path(path))
    } else {
        format!("{kind}.{}", display_path(path))
    }
}

/// The name to show for the value at `path`: the last key with any trailing
/// indexes (`containerPort`, `args[0]`), or the kind for the object itself.
fn label(kind: &str, path: &[PathSeg]) -> String {
    match path.iter().rposition(|s| matches!(s, PathSeg::Key(_))) {
        Some(i) => display_path(&path[i..]),
        None => where_(kind, path),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `string "http"`, `integer 80`, `a mapping`, `a list`, `null`.
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("{} {n}", type_name(v)),
        Value::String(s) => {
            let mut t: String = s.chars().take(40).collect();
            if t.len() < s.len() {
                t.push('…');
            }
            format!("string {}", Value::String(t))
        }
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

fn article(t: &str) -> String {
    match t {
        "integer" => "an integer".into(),
        "object" => "a mapping".into(),
        "array" => "a list".into(),
        "null" => "null".into(),
        other => format!("a {other}"),
    }
}

fn types_of(kind: &TypeKind) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |t: JsonType| {
        if t != JsonType::Null {
            out.push(t.to_string());
        }
    };
    match kind {
        TypeKind::Single(t) => add(*t),
        TypeKind::Multiple(set) => set.iter().for_each(add),
    }
    out
}

fn wrong_type(
    c: &Compiled,
    path: Vec<PathSeg>,
    mut expected: Vec<String>,
    found: &Value,
) -> SchemaError {
    // "number" already admits integers.
    if expected.iter().any(|t| t == "number") {
        expected.retain(|t| t != "integer");
    }
    expected.dedup();
    let shown: Vec<String> = expected.iter().map(|t| article(t)).collect();
    let message = format!(
        "`{}` must be {}, found {}",
        label(&c.kind, &path),
        shown.join(" or "),
        describe(found)
    );
    SchemaError {
        path,
        kind: SchemaErrorKind::WrongType {
            expected: expected.join(" or "),
            found: type_name(found).to_owned(),
        },
        message,
    }
}

fn push(c: &Compiled, e: &ValidationError<'_>, out: &mut Vec<SchemaError>) {
    let path = to_path(e);
    match e.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let known = known_properties(&c.root, e);
            for field in unexpected {
                let suggestion = closest(field, known.iter().map(String::as_str));
                let mut message = format!("unknown field `{field}` in {}", where_(&c.kind, &path));
                if let Some(s) = &suggestion {
                    message.push_str(&format!(" (did you mean `{s}`?)"));
                }
                let mut p = path.clone();
                p.push(PathSeg::Key(field.clone()));
                out.push(SchemaError {
                    path: p,
                    kind: SchemaErrorKind::UnknownField {
                        field: field.clone(),
                        suggestion,
                    },
                    message,
                });
            }
        }
        ValidationErrorKind::Type { kind } => {
            out.push(wrong_type(c, path, types_of(kind), e.instance()));
        }
        ValidationErrorKind::Required { property } => {
            let field = property
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| property.to_string());
            let message = format!(
                "{} is missing required field `{field}`",
                where_(&c.kind, &path)
            );
            out.push(SchemaError {
                path,
                kind: SchemaErrorKind::MissingRequired { field },
                message,
            });
        }
        ValidationErrorKind::Enum { options } => {
            let allowed: Vec<String> = match options.as_ref() {
                Value::Array(a) => a
                    .iter()
                    .filter(|v| !v.is_null())
                    .map(|v| {
                        v.as_str()
                            .map(str::to_owned)
                            .unwrap_or_else(|| v.to_string())
                    })
                    .collect(),
                other => vec![other.to_string()],
            };
            out.push(enum_error(c, path, allowed, e.instance()));
        }
        ValidationErrorKind::Constant { expected_value } => {
            let allowed = vec![expected_value
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| expected_value.to_string())];
            out.push(enum_error(c, path, allowed, e.instance()));
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            collapse(c, e, &path, context, out);
        }
        _ => {
            let message = e
                .masked_with(format!("`{}`", label(&c.kind, &path)))
                .to_string();
            out.push(SchemaError {
                path,
                kind: SchemaErrorKind::Other,
                message,
            });
        }
    }
}

fn enum_error(
    c: &Compiled,
    path: Vec<PathSeg>,
    allowed: Vec<String>,
    found: &Value,
) -> SchemaError {
    let suggestion = found
        .as_str()
        .and_then(|s| closest(s, allowed.iter().map(String::as_str)));
    let mut shown: Vec<String> = allowed.iter().take(8).map(|a| format!("`{a}`")).collect();
    if allowed.len() > 8 {
        shown.push(format!("… ({} more)", allowed.len() - 8));
    }
    let one = allowed.len() == 1;
    let mut message = format!(
        "`{}` must be {}{}, found {}",
        label(&c.kind, &path),
        if one { "" } else { "one of " },
        shown.join(", "),
        describe(found)
    );
    if let Some(s) = &suggestion {
        message.push_str(&format!(" (did you mean `{s}`?)"));
    }
    SchemaError {
        path,
        kind: SchemaErrorKind::EnumMismatch {
            allowed,
            suggestion,
        },
        message,
    }
}

/// anyOf/oneOf: report the single most useful error. When the value's type fits
/// no branch, say which types would; otherwise report the errors of the branch that
/// got furthest (its type matched, fewest errors).
fn collapse(
    c: &Compiled,
    e: &ValidationError<'_>,
    path: &[PathSeg],
    context: &[Vec<ValidationError<'static>>],
    out: &mut Vec<SchemaError>,
) {
    let here = e.instance_path();
    let type_miss = |b: &Vec<ValidationError<'static>>| {
        b.iter().any(|x| {
            x.instance_path() == here && matches!(x.kind(), ValidationErrorKind::Type { .. })
        })
    };
    let best = context
        .iter()
        .filter(|b| !type_miss(b) && !b.is_empty())
        .min_by_key(|b| b.len());
    if let Some(branch) = best {
        for x in branch {
            push(c, x, out);
        }
        return;
    }
    let mut expected: Vec<String> = Vec::new();
    for b in context {
        for x in b {
            if let ValidationErrorKind::Type { kind } = x.kind() {
                if x.instance_path() == here {
                    for t in types_of(kind) {
                        if !expected.contains(&t) {
                            expected.push(t);
                        }
                    }
                }
            }
        }
    }
    if expected.is_empty() {
        out.push(SchemaError {
            path: path.to_vec(),
            kind: SchemaErrorKind::Other,
            message: format!("`{}` does not match any allowed form", label(&c.kind, path)),
        });
    } else {
        out.push(wrong_type(c, path.to_vec(), expected, e.instance()));
    }
}

/// Property names declared where an `additionalProperties` error was raised,
/// found by following the error's evaluation path (with its `$ref`s) in the schema.
fn known_properties(root: &Value, e: &ValidationError<'_>) -> Vec<String> {
    let segs: Vec<String> = e.evaluation_path().iter().map(|s| s.to_string()).collect();
    let mut cur = root;
    let n = segs.len().saturating_sub(1); // last segment is the keyword itself
    for seg in &segs[..n] {
        if seg == "$ref" {
            match cur
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| resolve(root, r))
            {
                Some(t) => cur = t,
                None => return Vec::new(),
            }
            continue;
        }
        cur = match cur {
            Value::Object(m) => match m.get(seg.as_str()) {
                Some(v) => v,
                None => return Vec::new(),
            },
            Value::Array(a) => match seg.parse::<usize>().ok().and_then(|i| a.get(i)) {
                Some(v) => v,
                None => return Vec::new(),
            },
            _ => return Vec::new(),
        };
    }
    match cur.get("properties") {
        Some(Value::Object(p)) => p.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

fn resolve<'a>(root: &'a Value, r: &str) -> Option<&'a Value> {
    let ptr = r.strip_prefix('#')?;
    root.pointer(ptr)
}

/// The closest candidate to `word`: same spelling ignoring case, or within a small
/// edit distance.
pub(crate) fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let lw = word.to_lowercase();
    let max = (word.chars().count() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = if c.to_lowercase() == lw {
            0
        } else {
            crate::suggest::distance(&lw, &c.to_lowercase())
        };
        if d <= max && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let c = ["replicas", "selector", "template", "strategy"];
        assert_eq!(
            closest("replicass", c.iter().copied()).as_deref(),
            Some("replicas")
        );
        assert_eq!(
            closest("Selector", c.iter().copied()).as_deref(),
            Some("selector")
        );
        assert_eq!(closest("zzz", c.iter().copied()), None);
        assert_eq!(
            closest("prun", ["prune", "selfHeal"].iter().copied()).as_deref(),
            Some("prune")
        );
    }
}
