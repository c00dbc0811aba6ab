//! Scalar resolution the way Kubernetes (go-yaml, YAML 1.1 rules) reads it.

use super::node::{Node, ScalarStyle, Span, Value};

const TRUE_11: &[&str] = &["y", "Y", "yes", "Yes", "YES", "on", "On", "ON"];
const FALSE_11: &[&str] = &["n", "N", "no", "No", "NO", "off", "Off", "OFF"];

/// Resolve a scalar the way Kubernetes (go-yaml, YAML 1.1) does, noting
/// plain scalars that YAML 1.2 would read differently.
pub fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Node {
    let span = Span::default();
    let mut node = Node::new(Value::Str(text.into()), span);
    node.style = style;
    if let Some(tag) = tag {
        node.value = match tag {
            "!!str" | "!" => Value::Str(text.into()),
            "!!null" => Value::Null,
            "!!bool" => resolve_plain(text).0,
            "!!int" | "!!float" => match resolve_plain(text).0 {
                v @ (Value::Int(_) | Value::Float(_)) => v,
                _ => Value::Str(text.into()),
            },
            _ => {
                if style == ScalarStyle::Plain {
                    resolve_plain(text).0
                } else {
                    Value::Str(text.into())
                }
            }
        };
        return node;
    }
    if style != ScalarStyle::Plain {
        return node;
    }
    let (value, ambiguous) = resolve_plain(text);
    node.value = value;
    node.ambiguous = ambiguous;
    node
}

/// Returns the YAML 1.1 value and whether YAML 1.2 (core schema) disagrees.
fn resolve_plain(text: &str) -> (Value, bool) {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return (Value::Null, false),
        "true" | "True" | "TRUE" => return (Value::Bool(true), false),
        "false" | "False" | "FALSE" => return (Value::Bool(false), false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return (Value::Float(f64::INFINITY), false)
        }
        "-.inf" | "-.Inf" | "-.INF" => return (Value::Float(f64::NEG_INFINITY), false),
        ".nan" | ".NaN" | ".NAN" => return (Value::Float(f64::NAN), false),
        _ => {}
    }
    if TRUE_11.contains(&text) {
        return (Value::Bool(true), true);
    }
    if FALSE_11.contains(&text) {
        return (Value::Bool(false), true);
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return (Value::Str(text.into()), false);
    }
    let (neg, digits) = match text.as_bytes()[0] {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let has_underscore = digits.contains('_');
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    let sign = |v: i64| if neg { -v } else { v };
    if let Some(hex) = clean.strip_prefix("0x") {
        if let Ok(v) = i64::from_str_radix(hex, 16) {
            return (Value::Int(sign(v)), has_underscore);
        }
    }
    if let Some(bin) = clean.strip_prefix("0b") {
        if let Ok(v) = i64::from_str_radix(bin, 2) {
            return (Value::Int(sign(v)), true);
        }
    }
    if !clean.is_empty() && clean.bytes().all(|c| c.is_ascii_digit()) {
        if clean.len() > 1 && clean.starts_with('0') {
            // YAML 1.1 octal: `0755` is 493 for Kubernetes, 755 for YAML 1.2.
            if let Ok(v) = i64::from_str_radix(&clean[1..], 8) {
                return (Value::Int(sign(v)), true);
            }
            if let Ok(v) = clean.parse::<i64>() {
                return (Value::Int(sign(v)), false);
            }
        }
        if let Ok(v) = clean.parse::<i64>() {
            return (Value::Int(sign(v)), has_underscore);
        }
        if let Ok(v) = clean.parse::<f64>() {
            return (Value::Float(if neg { -v } else { v }), has_underscore);
        }
    }
    if is_float(&clean) {
        if let Ok(v) = clean.parse::<f64>() {
            return (Value::Float(if neg { -v } else { v }), has_underscore);
        }
    }
    (Value::Str(text.into()), false)
}

/// `1.5`, `.5`, `1.`, `1e3`, `1.5e-3` (YAML float syntax; Rust's parser is looser).
fn is_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let mut mantissa_digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        mantissa_digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            mantissa_digits += 1;
        }
    }
    if mantissa_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}
