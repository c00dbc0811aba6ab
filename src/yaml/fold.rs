//! go-yaml's reading of folded (`>`) block scalars.
//!
//! libyaml (and the YAML spec) keep one line break before a more-indented
//! line of a folded scalar; go-yaml v3, which kubectl and Kustomize read YAML
//! with, keeps an extra one:
//!
//! ```yaml
//! script: >
//!   a
//!     b
//! ```
//!
//! is `"a\n  b\n"` for libyaml and `"a\n\n  b\n"` for go-yaml. This module
//! re-folds such a scalar from its source lines the way go-yaml does. It first
//! re-folds it the libyaml way and compares with the parser's value: if they
//! differ (a case this module does not model, such as an explicit indentation
//! indicator), the parser's value is kept.

/// The value go-yaml gives the folded scalar written as `raw` (from its `>`
/// indicator to the end of the parser's event), or `None` to keep `parsed`.
pub fn go_yaml_value(raw: &str, parsed: &str) -> Option<String> {
    if !(parsed.contains("\n ") || parsed.contains("\n\t")) {
        return None;
    }
    let header_end = raw.find('\n')?;
    let chomping = chomping(&raw[..header_end])?;
    let lines: Vec<&str> = raw[header_end + 1..]
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let (libyaml, go) = (
        fold(&lines, chomping, false)?,
        fold(&lines, chomping, true)?,
    );
    (libyaml == parsed && go != parsed).then_some(go)
}

#[derive(Clone, Copy, PartialEq)]
enum Chomping {
    Strip,
    Clip,
    Keep,
}

/// `>`, `>-`, `>+`, then a comment at most; an indentation indicator is not modelled.
fn chomping(header: &str) -> Option<Chomping> {
    let rest = header.strip_prefix('>')?;
    let (chomping, rest) = match rest.as_bytes().first() {
        Some(b'-') => (Chomping::Strip, &rest[1..]),
        Some(b'+') => (Chomping::Keep, &rest[1..]),
        _ => (Chomping::Clip, rest),
    };
    let rest = rest.trim_start_matches([' ', '\t']);
    let rest = rest.strip_suffix('\r').unwrap_or(rest);
    (rest.is_empty() || rest.starts_with('#')).then_some(chomping)
}

/// libyaml's folding loop over the scalar's lines; `go_yaml` adds its extra break.
fn fold(lines: &[&str], chomping: Chomping, go_yaml: bool) -> Option<String> {
    let spaces = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let is_empty = |l: &str| l.trim_start_matches(' ').is_empty();
    let first_content = lines.iter().position(|l| !is_empty(l));
    let indent = lines[..first_content.unwrap_or(lines.len())]
        .iter()
        .map(|l| spaces(l))
        .chain(first_content.map(|i| spaces(lines[i])))
        .max()
        .unwrap_or(0)
        .max(1);
    let mut value = String::new();
    let mut leading_break = false;
    let mut trailing_breaks = 0usize;
    let mut leading_blank = false;
    for (i, line) in lines.iter().enumerate() {
        let at_end = i + 1 == lines.len();
        if at_end && is_empty(line) {
            // What follows the last line break is the next line's indentation.
            break;
        }
        if is_empty(line) {
            if spaces(line) > indent {
                return None;
            }
            trailing_breaks += 1;
            continue;
        }
        if spaces(line) < indent {
            return None;
        }
        let content = &line[indent..];
        let trailing_blank = content.starts_with([' ', '\t']);
        if leading_break && !leading_blank && !trailing_blank {
            if trailing_breaks == 0 {
                value.push(' ');
            }
        } else if leading_break {
            value.push('\n');
            if go_yaml && !leading_blank && trailing_blank {
                value.push('\n');
            }
        }
        value.extend(std::iter::repeat_n('\n', trailing_breaks));
        trailing_breaks = 0;
        leading_blank = trailing_blank;
        value.push_str(content);
        leading_break = !at_end;
    }
    if chomping != Chomping::Strip && leading_break {
        value.push('\n');
    }
    if chomping == Chomping::Keep {
        value.extend(std::iter::repeat_n('\n', trailing_breaks));
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::go_yaml_value;

    #[test]
    fn more_indented_line_gets_an_extra_break() {
        let raw = ">\n    a\n      b\n    c\n  ";
        assert_eq!(
            go_yaml_value(raw, "a\n  b\nc\n").as_deref(),
            Some("a\n\n  b\nc\n")
        );
    }

    #[test]
    fn plain_folding_is_left_to_the_parser() {
        assert_eq!(go_yaml_value(">\n  a\n  b\n", "a b\n"), None);
    }

    #[test]
    fn an_unmodelled_header_keeps_the_parsed_value() {
        assert_eq!(go_yaml_value(">2\n   a\n  b\n", " a\nb\n"), None);
    }
}
