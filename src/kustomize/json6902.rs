//! RFC 6902 JSON patches applied to spanned trees: added values keep the
//! patch's spans, so provenance points at the patch line.

use crate::provenance::{EditKind, PatchEdit};
use crate::yaml::{Entry, Key, Node, Span, Value};

fn parse_pointer(p: &str) -> Result<Vec<String>, String> {
    if p.is_empty() {
        return Ok(Vec::new());
    }
    if !p.starts_with('/') {
        return Err(format!("invalid JSON pointer `{p}`"));
    }
    Ok(p[1..]
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn index(tok: &str, len: usize, allow_end: bool) -> Result<usize, String> {
    if tok == "-" && allow_end {
        return Ok(len);
    }
    let i: usize = tok
        .parse()
        .map_err(|_| format!("`{tok}` is not an array index"))?;
    if i > len || (!allow_end && i == len) {
        return Err(format!("array index {i} out of bounds"));
    }
    Ok(i)
}

fn get_mut<'a>(node: &'a mut Node, toks: &[String]) -> Result<&'a mut Node, String> {
    let mut cur = node;
    for t in toks {
        cur = match &mut cur.value {
            Value::Map(entries) => entries
                .iter_mut()
                .find(|e| e.key.name == *t)
                .map(|e| &mut e.value)
                .ok_or_else(|| format!("missing key `{t}`"))?,
            Value::Seq(items) => {
                let i = index(t, items.len(), false)?;
                &mut items[i]
            }
            _ => return Err(format!("cannot descend into a scalar at `{t}`")),
        };
    }
    Ok(cur)
}

fn add(root: &mut Node, toks: &[String], value: Node) -> Result<(), String> {
    let Some((last, parent)) = toks.split_last() else {
        *root = value;
        return Ok(());
    };
    let p = get_mut(root, parent)?;
    match &mut p.value {
        Value::Map(entries) => {
            if let Some(e) = entries.iter_mut().find(|e| e.key.name == *last) {
                e.value = value;
            } else {
                let span = value.span;
                entries.push(Entry {
                    key: Key {
                        name: last.into(),
                        span,
                    },
                    value,
                });
            }
            Ok(())
        }
        Value::Seq(items) => {
            let i = index(last, items.len(), true)?;
            items.insert(i, value);
            Ok(())
        }
        Value::Null => {
            // kustomize (kyaml) treats a null parent as an empty map.
            let span = value.span;
            p.value = Value::Map(
                vec![Entry {
                    key: Key {
                        name: last.into(),
                        span,
                    },
                    value,
                }]
                .into(),
            );
            Ok(())
        }
        _ => Err("cannot add to a scalar".into()),
    }
}

/// The removed value, with its key's span when it was a map field.
fn remove(root: &mut Node, toks: &[String]) -> Result<(Node, Span), String> {
    let Some((last, parent)) = toks.split_last() else {
        return Err("cannot remove the whole document".into());
    };
    let p = get_mut(root, parent)?;
    match &mut p.value {
        Value::Map(entries) => {
            let i = entries
                .iter()
                .position(|e| e.key.name == *last)
                .ok_or_else(|| format!("missing key `{last}`"))?;
            let e = entries.remove(i);
            Ok((e.value, e.key.span))
        }
        Value::Seq(items) => {
            let i = index(last, items.len(), false)?;
            let item = items.remove(i);
            let span = item.span;
            Ok((item, span))
        }
        _ => Err("cannot remove from a scalar".into()),
    }
}

fn edit(toks: &[String], base: Node, base_at: Span, op: &Node, kind: EditKind) -> PatchEdit {
    PatchEdit {
        path: toks.to_vec(),
        base,
        base_at,
        op: op.span,
        kind,
    }
}

/// Apply a list of operations (a parsed patch document) to `root`.
/// Removed and replaced values are recorded in `edits`, for provenance.
pub fn apply(root: &mut Node, ops: &Node, edits: &mut Vec<PatchEdit>) -> Result<(), String> {
    let Some(items) = ops.as_seq() else {
        return Err("a JSON 6902 patch must be a list of operations".into());
    };
    for op in items {
        let name = op.str_at(&["op"]).ok_or("operation without `op`")?;
        let path = op.str_at(&["path"]).ok_or("operation without `path`")?;
        let toks = parse_pointer(path)?;
        let res: Result<(), String> = match name {
            "add" => {
                let v = op.get("value").ok_or("`add` without `value`")?.clone();
                add(root, &toks, v)
            }
            "remove" => remove(root, &toks).map(|(base, at)| {
                edits.push(edit(&toks, base, at, op, EditKind::Removed));
            }),
            "replace" => {
                let v = op.get("value").ok_or("`replace` without `value`")?.clone();
                match get_mut(root, &toks) {
                    Ok(n) => {
                        let base = std::mem::replace(n, v);
                        let at = base.span;
                        edits.push(edit(&toks, base, at, op, EditKind::Replaced));
                        Ok(())
                    }
                    // kustomize accepts `replace` of a missing map key (as `add`).
                    Err(_) => add(root, &toks, v),
                }
            }
            "move" => {
                let from = parse_pointer(op.str_at(&["from"]).ok_or("`move` without `from`")?)?;
                let (v, _) = remove(root, &from)?;
                add(root, &toks, v)
            }
            "copy" => {
                let from = parse_pointer(op.str_at(&["from"]).ok_or("`copy` without `from`")?)?;
                let v = get_mut(root, &from)?.clone();
                add(root, &toks, v)
            }
            "test" => {
                let v = op.get("value").ok_or("`test` without `value`")?;
                let cur = get_mut(root, &toks)?;
                if cur.to_json() == v.to_json() {
                    Ok(())
                } else {
                    Err(format!("test failed at `{path}`"))
                }
            }
            other => Err(format!("unknown operation `{other}`")),
        };
        res.map_err(|e| format!("{name} {path}: {e}"))?;
    }
    Ok(())
}
