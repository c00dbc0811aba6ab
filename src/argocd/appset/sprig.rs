//! The Sprig functions (and Go's builtins) ApplicationSet templates use,
//! with Argo CD's additions (`normalize`, `toYaml`;
//! `applicationset/utils/utils.go`, `template_functions.go`).

use serde_json::{Map, Value as J};

use super::template_error::Error;

pub(super) fn truthy(v: &J) -> bool {
    match v {
        J::Null => false,
        J::Bool(b) => *b,
        J::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        J::String(s) => !s.is_empty(),
        J::Array(a) => !a.is_empty(),
        J::Object(m) => !m.is_empty(),
    }
}

/// A value as `text/template` prints it.
pub fn print(v: &J) -> String {
    match v {
        J::Null => "<no value>".into(),
        J::String(s) => s.clone(),
        J::Bool(b) => b.to_string(),
        J::Number(n) => n.to_string(),
        J::Array(a) => format!(
            "[{}]",
            a.iter().map(print_inner).collect::<Vec<_>>().join(" ")
        ),
        J::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{k}:{}", print_inner(&m[k])))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

fn print_inner(v: &J) -> String {
    match v {
        J::Null => "<nil>".into(),
        other => print(other),
    }
}

/// Sprig's string conversion (`toString`, and string arguments).
fn to_str(v: &J) -> String {
    match v {
        J::Null => String::new(),
        other => print(other),
    }
}

fn to_int(v: &J) -> i64 {
    match v {
        J::Number(n) => n
            .as_i64()
            .unwrap_or_else(|| n.as_f64().unwrap_or(0.0) as i64),
        J::String(s) => s.trim().parse().unwrap_or(0),
        J::Bool(b) => *b as i64,
        _ => 0,
    }
}

fn eq(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Number(x), J::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn sanitize_name(s: &str) -> String {
    let lower = s.to_lowercase();
    let replaced: String = lower
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let cut: String = replaced.chars().take(253).collect();
    cut.trim_matches(|c| c == '-' || c == '.').to_string()
}

pub(crate) fn normalize(s: &str) -> String {
    sanitize_name(s)
}

fn arity(name: &str, args: &[J], n: usize) -> Result<(), Error> {
    if args.len() == n {
        Ok(())
    } else {
        Err(Error::Exec(format!(
            "wrong number of args for {name}: want {n} got {}",
            args.len()
        )))
    }
}

fn printf(format: &str, args: &[J]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some('q') => out.push_str(&format!(
                "{:?}",
                args.next().map(to_str).unwrap_or_default()
            )),
            Some(_) => match args.next() {
                Some(a) => out.push_str(&print(a)),
                None => out.push_str("%!v(MISSING)"),
            },
            None => out.push('%'),
        }
    }
    out
}

fn indent(n: i64, s: &str) -> String {
    let pad = " ".repeat(n.max(0) as usize);
    s.split('\n')
        .map(|l| format!("{pad}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `toYaml`: the value in YAML's flow style (JSON), which reads back the same.
fn yaml_of(v: &J) -> String {
    match v {
        J::String(s) => s.clone(),
        J::Null => "null".into(),
        other => other.to_string(),
    }
}

pub(super) fn call(name: &str, mut a: Vec<J>, missing_error: bool) -> Result<J, Error> {
    let s = |i: usize, a: &[J]| a.get(i).map(to_str).unwrap_or_default();
    let last = |a: &[J]| a.last().cloned().unwrap_or(J::Null);
    Ok(match name {
        "default" => {
            arity(name, &a, 2)?;
            if truthy(&a[1]) {
                a.swap_remove(1)
            } else {
                a.swap_remove(0)
            }
        }
        "empty" => J::Bool(!truthy(&last(&a))),
        "coalesce" => a.into_iter().find(truthy).unwrap_or(J::Null),
        "ternary" => {
            arity(name, &a, 3)?;
            if truthy(&a[2]) {
                a.swap_remove(0)
            } else {
                a.swap_remove(1)
            }
        }
        "lower" | "upper" | "trim" | "title" | "toString" | "quote" | "squote" | "b64enc"
        | "b64dec" | "normalize" | "kebabcase" | "snakecase" | "toJson" | "toRawJson"
        | "toPrettyJson" | "toYaml" | "len" | "trimAll" => {
            let v = last(&a);
            let t = to_str(&v);
            match name {
                "lower" => J::String(t.to_lowercase()),
                "upper" => J::String(t.to_uppercase()),
                "trim" => J::String(t.trim().to_string()),
                "trimAll" => J::String(t.trim_matches(|c| s(0, &a).contains(c)).to_string()),
                "title" => J::String(
                    t.split(' ')
                        .map(|w| {
                            let mut c = w.chars();
                            c.next()
                                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                                .unwrap_or_default()
                        })
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                "toString" => J::String(t),
                "quote" => J::String(format!("{t:?}")),
                "squote" => J::String(format!("'{t}'")),
                "b64enc" => {
                    use base64::Engine;
                    J::String(base64::engine::general_purpose::STANDARD.encode(t))
                }
                "b64dec" => {
                    use base64::Engine;
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(t.as_bytes())
                        .map_err(|e| Error::Exec(e.to_string()))?;
                    J::String(String::from_utf8_lossy(&bytes).into_owned())
                }
                "normalize" => J::String(sanitize_name(&t)),
                "kebabcase" | "snakecase" => {
                    let sep = if name == "kebabcase" { '-' } else { '_' };
                    let mut out = String::new();
                    for (i, c) in t.chars().enumerate() {
                        if c.is_uppercase() && i > 0 {
                            out.push(sep);
                        }
                        out.extend(c.to_lowercase());
                    }
                    J::String(out.replace([' ', '-', '_'], &sep.to_string()))
                }
                "toJson" | "toRawJson" => J::String(v.to_string()),
                "toPrettyJson" => J::String(serde_json::to_string_pretty(&v).unwrap_or_default()),
                "toYaml" => J::String(yaml_of(&v)),
                _ => J::from(match &v {
                    J::Array(x) => x.len(),
                    J::Object(m) => m.len(),
                    J::String(x) => x.len(),
                    J::Null => 0,
                    _ => return Err(Error::Exec("len of a scalar".into())),
                }),
            }
        }
        "trimPrefix" | "trimSuffix" | "contains" | "hasPrefix" | "hasSuffix" | "splitList"
        | "repeat" => {
            arity(name, &a, 2)?;
            let (x, t) = (s(0, &a), s(1, &a));
            match name {
                "trimPrefix" => J::String(t.strip_prefix(x.as_str()).unwrap_or(&t).to_string()),
                "trimSuffix" => J::String(t.strip_suffix(x.as_str()).unwrap_or(&t).to_string()),
                "contains" => J::Bool(t.contains(x.as_str())),
                "hasPrefix" => J::Bool(t.starts_with(x.as_str())),
                "hasSuffix" => J::Bool(t.ends_with(x.as_str())),
                "repeat" => J::String(t.repeat(to_int(&a[0]).max(0) as usize)),
                _ => J::Array(t.split(x.as_str()).map(|p| J::String(p.into())).collect()),
            }
        }
        "replace" => {
            arity(name, &a, 3)?;
            J::String(s(2, &a).replace(&s(0, &a), &s(1, &a)))
        }
        "trunc" => {
            arity(name, &a, 2)?;
            let n = to_int(&a[0]);
            let t: Vec<char> = s(1, &a).chars().collect();
            let out: String = if n >= 0 {
                t.iter().take(n as usize).collect()
            } else {
                t[t.len().saturating_sub((-n) as usize)..].iter().collect()
            };
            J::String(out)
        }
        "indent" | "nindent" => {
            arity(name, &a, 2)?;
            let body = indent(to_int(&a[0]), &s(1, &a));
            J::String(if name == "nindent" {
                format!("\n{body}")
            } else {
                body
            })
        }
        "printf" => J::String(printf(&s(0, &a), a.get(1..).unwrap_or(&[]))),
        "print" => J::String(a.iter().map(to_str).collect::<Vec<_>>().join("")),
        "cat" => J::String(
            a.iter()
                .filter(|v| !v.is_null())
                .map(to_str)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        "join" => {
            arity(name, &a, 2)?;
            let sep = s(0, &a);
            let items: Vec<String> = match &a[1] {
                J::Array(x) => x.iter().map(to_str).collect(),
                other => vec![to_str(other)],
            };
            J::String(items.join(&sep))
        }
        "index" => {
            let mut cur = a.first().cloned().unwrap_or(J::Null);
            for key in a.iter().skip(1) {
                cur = match (&cur, key) {
                    (J::Object(m), k) => match m.get(&to_str(k)) {
                        Some(v) => v.clone(),
                        None if missing_error => return Err(Error::MissingKey(to_str(k))),
                        None => J::Null,
                    },
                    (J::Array(x), k) => x
                        .get(to_int(k) as usize)
                        .cloned()
                        .ok_or_else(|| Error::Exec("index out of range".into()))?,
                    (J::Null, _) => J::Null,
                    _ => return Err(Error::Exec("can't index item".into())),
                };
            }
            cur
        }
        "get" => {
            arity(name, &a, 2)?;
            a[0].get(s(1, &a))
                .cloned()
                .unwrap_or(J::String(String::new()))
        }
        "hasKey" => {
            arity(name, &a, 2)?;
            J::Bool(a[0].get(s(1, &a)).is_some())
        }
        "keys" => {
            let mut keys: Vec<J> = a
                .iter()
                .filter_map(J::as_object)
                .flat_map(|m| m.keys().map(|k| J::String(k.clone())))
                .collect();
            keys.sort_by_key(to_str);
            J::Array(keys)
        }
        "list" => J::Array(a),
        "dict" => {
            let mut m = Map::new();
            for pair in a.chunks(2) {
                m.insert(to_str(&pair[0]), pair.get(1).cloned().unwrap_or(J::Null));
            }
            J::Object(m)
        }
        "first" | "last" => match last(&a) {
            J::Array(x) => {
                let item = if name == "first" { x.first() } else { x.last() };
                item.cloned().unwrap_or(J::Null)
            }
            _ => J::Null,
        },
        "eq" => {
            let (x, rest) = a.split_first().ok_or_else(|| Error::Exec("eq".into()))?;
            J::Bool(rest.iter().any(|y| eq(x, y)))
        }
        "ne" => {
            arity(name, &a, 2)?;
            J::Bool(!eq(&a[0], &a[1]))
        }
        "lt" | "le" | "gt" | "ge" => {
            arity(name, &a, 2)?;
            let ord = match (&a[0], &a[1]) {
                (J::String(x), J::String(y)) => x.cmp(y),
                (x, y) => {
                    let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
                    x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal)
                }
            };
            use std::cmp::Ordering::*;
            J::Bool(match name {
                "lt" => ord == Less,
                "le" => ord != Greater,
                "gt" => ord == Greater,
                _ => ord != Less,
            })
        }
        "and" => a.iter().find(|v| !truthy(v)).cloned().unwrap_or(last(&a)),
        "or" => a.iter().find(|v| truthy(v)).cloned().unwrap_or(last(&a)),
        "not" => J::Bool(!truthy(&last(&a))),
        "add" => J::from(a.iter().map(to_int).sum::<i64>()),
        "sub" => {
            arity(name, &a, 2)?;
            J::from(to_int(&a[0]) - to_int(&a[1]))
        }
        "mul" => J::from(a.iter().map(to_int).product::<i64>()),
        "int" | "atoi" | "int64" => J::from(to_int(&last(&a))),
        "regexReplaceAll" | "regexMatch" => {
            let re = regex::Regex::new(&s(0, &a)).map_err(|e| Error::Exec(e.to_string()))?;
            if name == "regexMatch" {
                J::Bool(re.is_match(&s(1, &a)))
            } else {
                J::String(re.replace_all(&s(1, &a), s(2, &a).as_str()).into_owned())
            }
        }
        "fail" => return Err(Error::Exec(s(0, &a))),
        other => return Err(Error::Unsupported(format!("function {other}"))),
    })
}
