//! `vars`: values taken from one resource's field and substituted for
//! `$(NAME)` in the fields kustomize substitutes (its builtin varReference
//! field specs plus those of `configurations:` files).
//!
//! As in kustomize, a var is bound to its resource when the kustomization
//! that declares it has run its transformers (the binding survives later
//! renames), and values are read and substituted once at the end, after
//! name suffix hashes and name references.

use super::fieldspec;
use super::res::{Res, ResId};
use crate::yaml::{Node, Span, Value};

/// The vars declared so far (all levels of the render), and the extra fields
/// they may be substituted in (`varReference` of `configurations:` files).
#[derive(Default)]
pub(super) struct Vars {
    declared: Vec<Var>,
    pub(super) references: Vec<VarReference>,
}

/// A var that cannot be declared or resolved: a build error at its span.
pub(super) type VarError = (Span, String);

/// A declared var.
#[derive(Clone, Debug)]
pub struct Var {
    pub name: String,
    pub span: Span,
    kind: String,
    group_version: Option<String>,
    object_name: String,
    namespace: Option<String>,
    field_path: String,
}

/// A field in which `$(NAME)` is substituted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarReference {
    kind: Option<String>,
    group: Option<String>,
    path: String,
}

const POD_CONTAINER_FIELDS: [&str; 8] = [
    "containers/args",
    "containers/command",
    "containers/env/value",
    "containers/volumeMounts/mountPath",
    "initContainers/args",
    "initContainers/command",
    "initContainers/env/value",
    "initContainers/volumeMounts/mountPath",
];

/// kustomize's builtin varReference field specs.
pub fn builtin_references() -> Vec<VarReference> {
    let spec = |kind: &str, path: String| VarReference {
        kind: Some(kind.to_string()),
        group: None,
        path,
    };
    let mut out = Vec::new();
    let templates = [
        ("CronJob", "spec/jobTemplate/spec/template/spec/"),
        ("DaemonSet", "spec/template/spec/"),
        ("Deployment", "spec/template/spec/"),
        ("Job", "spec/template/spec/"),
        ("Pod", "spec/"),
        ("ReplicaSet", "spec/template/spec/"),
        ("StatefulSet", "spec/template/spec/"),
    ];
    for (kind, prefix) in templates {
        for f in POD_CONTAINER_FIELDS {
            out.push(spec(kind, format!("{prefix}{f}")));
        }
    }
    for p in ["spec/rules/host", "spec/tls/hosts", "spec/tls/secretName"] {
        out.push(spec("Ingress", p.to_string()));
    }
    for p in ["spec/ports/port", "spec/ports/targetPort"] {
        out.push(spec("Service", p.to_string()));
    }
    out.push(VarReference {
        kind: None,
        group: None,
        path: "metadata/labels".to_string(),
    });
    out
}

/// The `varReference` entries of a `configurations:` document.
pub fn references_of(doc: &Node) -> Vec<VarReference> {
    doc.get("varReference")
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .filter_map(|fs| {
            Some(VarReference {
                kind: fs.str_at(&["kind"]).map(str::to_string),
                group: fs.str_at(&["group"]).map(str::to_string),
                path: fs.str_at(&["path"])?.to_string(),
            })
        })
        .collect()
}

impl Var {
    fn from_node(n: &Node) -> Option<Var> {
        let text = |n: &Node, key: &str| field(n, key).and_then(Node::scalar_text);
        let name = text(n, "name")?;
        let objref = field(n, "objref")?;
        let group_version = text(objref, "apiVersion").or_else(|| {
            let version = text(objref, "version")?;
            Some(match text(objref, "group").filter(|g| !g.is_empty()) {
                Some(g) => format!("{g}/{version}"),
                None => version,
            })
        });
        Some(Var {
            name,
            span: field(n, "name").map(|x| x.span).unwrap_or(n.span),
            kind: text(objref, "kind").unwrap_or_default(),
            group_version,
            object_name: text(objref, "name").unwrap_or_default(),
            namespace: text(objref, "namespace").filter(|s| !s.is_empty()),
            field_path: field(n, "fieldref")
                .and_then(|f| text(f, "fieldPath"))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "metadata.name".to_string()),
        })
    }

    fn selects(&self, id: &ResId) -> bool {
        if id.kind != self.kind || id.name != self.object_name {
            return false;
        }
        if let Some(gv) = &self.group_version {
            let (group, version) = gv.rsplit_once('/').unwrap_or(("", gv));
            if id.group != group || id.version != version {
                return false;
            }
        }
        self.namespace
            .as_ref()
            .is_none_or(|ns| id.effective_namespace() == ns)
    }
}

impl Vars {
    /// kustomize's `MergeVars`: declare the kustomization's vars and bind each
    /// to the one resource (by any of its ids) it names.
    pub(super) fn merge(&mut self, k: &Node, acc: &mut [Res]) -> Vec<VarError> {
        let mut errors = Vec::new();
        for n in k.get("vars").map(Node::items).unwrap_or(&[]) {
            let Some(var) = Var::from_node(n) else {
                errors.push((n.span, "a var needs `name` and `objref`".to_string()));
                continue;
            };
            if self.declared.iter().any(|v| v.name == var.name) {
                errors.push((var.span, format!("var `{}` already encountered", var.name)));
                continue;
            }
            let matched: Vec<usize> = acc
                .iter()
                .enumerate()
                .filter(|(_, r)| r.all_ids().iter().any(|id| var.selects(id)))
                .map(|(i, _)| i)
                .collect();
            match matched.as_slice() {
                [i] => acc[*i].var_names.push(var.name.clone()),
                [] => {}
                many => errors.push((
                    var.span,
                    format!(
                        "found {} resources matching var `{}` (unable to disambiguate)",
                        many.len(),
                        var.name
                    ),
                )),
            }
            self.declared.push(var);
        }
        errors
    }

    /// kustomize's `ResolveVars`: read every var's value and substitute it.
    pub(super) fn resolve(&mut self, acc: &mut [Res]) -> Vec<VarError> {
        let mut errors = Vec::new();
        if self.declared.is_empty() {
            return errors;
        }
        let mut values: Vec<(String, Node)> = Vec::new();
        for var in &self.declared {
            let found = acc
                .iter()
                .find(|r| r.var_names.contains(&var.name))
                .map(|r| field_value(&r.node, &var.field_path));
            match found {
                Some(Some(v)) => values.push((var.name.clone(), v)),
                Some(None) => errors.push((
                    var.span,
                    format!(
                        "var `{}`: field `{}` not found in its object",
                        var.name, var.field_path
                    ),
                )),
                None => errors.push((
                    var.span,
                    format!(
                        "var `{}` cannot be mapped to a field in the set of known resources",
                        var.name
                    ),
                )),
            }
        }
        let mut specs = builtin_references();
        for s in std::mem::take(&mut self.references) {
            if !specs.contains(&s) {
                specs.push(s);
            }
        }
        for r in acc.iter_mut() {
            let id = r.cur();
            for spec in &specs {
                if spec.kind.as_ref().is_some_and(|k| *k != id.kind)
                    || spec.group.as_ref().is_some_and(|g| *g != id.group)
                {
                    continue;
                }
                let parts = fieldspec::split(&spec.path);
                let span = r.node.span;
                fieldspec::visit_path(&mut r.node, &parts, false, span, &mut |n| {
                    substitute(n, &values)
                });
            }
        }
        errors
    }
}

/// A field as Go's JSON decoder finds it: the exact key, else any casing.
fn field<'a>(n: &'a Node, key: &str) -> Option<&'a Node> {
    n.get(key).or_else(|| {
        n.entries()
            .iter()
            .find(|e| e.key.name.eq_ignore_ascii_case(key))
            .map(|e| &e.value)
    })
}

/// Substitute in a string, or in every string value of a map.
fn substitute(n: &mut Node, values: &[(String, Node)]) {
    match &mut n.value {
        Value::Str(_) => substitute_scalar(n, values),
        Value::Map(entries) => {
            for e in entries.iter_mut() {
                if matches!(e.value.value, Value::Str(_)) {
                    substitute_scalar(&mut e.value, values);
                }
            }
        }
        _ => {}
    }
}

fn substitute_scalar(n: &mut Node, values: &[(String, Node)]) {
    let Value::Str(s) = &n.value else { return };
    if !s.contains('$') {
        return;
    }
    // A string that is exactly one reference takes the value with its type.
    if let Some(name) = s.strip_prefix("$(").and_then(|x| x.strip_suffix(')')) {
        if let Some((_, v)) = values.iter().find(|(k, _)| k == name) {
            if !matches!(v.value, Value::Map(_) | Value::Seq(_)) {
                let span = n.span;
                *n = v.clone();
                n.span = span;
                return;
            }
        }
    }
    let expanded = expand(s, values);
    n.value = Value::Str(expanded.into());
}

/// Kubernetes' `$(VAR)` expansion: `$$` is a literal `$`, unknown names stay.
fn expand(s: &str, values: &[(String, Node)]) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(body) = after.strip_prefix('(') {
            match body.find(')') {
                Some(end) => {
                    let name = &body[..end];
                    match values.iter().find(|(k, _)| k == name) {
                        Some((_, v)) => out.push_str(&v.scalar_text().unwrap_or_default()),
                        None => {
                            out.push_str("$(");
                            out.push_str(name);
                            out.push(')');
                        }
                    }
                    rest = &body[end + 1..];
                }
                None => {
                    out.push_str(&rest[i..]);
                    rest = "";
                }
            }
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The value at a var's field path (`spec.ports[0].port`, `a.b[name=x].c`).
fn field_value(node: &Node, path: &str) -> Option<Node> {
    let mut cur = node;
    for seg in path.split('.').filter(|s| !s.is_empty()) {
        let (key, index) = match seg.split_once('[') {
            Some((k, i)) => (k, Some(i.trim_end_matches(']'))),
            None => (seg, None),
        };
        if !key.is_empty() {
            cur = cur.get(key)?;
        }
        if let Some(i) = index {
            cur = match i.split_once('=') {
                Some((k, v)) => cur.items().iter().find(|it| it.str_at(&[k]) == Some(v))?,
                None => cur.items().get(i.parse::<usize>().ok()?)?,
            };
        }
    }
    Some(cur.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion_follows_kubernetes_rules() {
        let v = vec![("A".to_string(), Node::string("x", Span::default()))];
        assert_eq!(expand("$(A)-$(B)-$$(A)-$", &v), "x-$(B)-$(A)-$");
        assert_eq!(expand("no vars", &v), "no vars");
    }
}
