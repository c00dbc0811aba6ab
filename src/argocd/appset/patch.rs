//! `templatePatch` as the ApplicationSet controller applies it
//! (`applicationset/controllers/template/patch.go`): the patch, rendered
//! per element by `render_template`, is read as YAML and applied with `strategicpatch.StrategicMergePatch` against the
//! Application type. That type declares no merge keys, so maps merge, a
//! `null` deletes the key (a bare `spec:` clears the spec), every list is
//! replaced except `metadata.finalizers` (`patchStrategy:"merge"` in
//! `ObjectMeta`), and `$patch: replace`/`delete` are honoured. The patch
//! cannot change `spec.project`: the controller puts the template's back.

use crate::yaml::{Node, Span, Value};

/// Patch the rendered Application with the rendered patch text (`span`:
/// where `templatePatch` is written). A patch that does not parse as a map
/// leaves it as it was: Argo CD reports the error on the ApplicationSet.
pub fn apply(app: &mut Node, rendered: &str, span: Span) {
    let parsed = crate::yaml::parse(rendered, span.file);
    let Some(doc) = parsed.documents.first() else {
        return;
    };
    let value = doc.root.to_json();
    if !value.is_object() {
        return;
    }
    // The patch's text is not in any file: its values point at `templatePatch`.
    let patch_node = Node::from_json(&value, span);
    let project = app.path(&["spec", "project"]).cloned();
    merge(app, &patch_node, &[]);
    restore_project(app, project, span);
}

/// Strategic merge of `patch` into `dest` at `path` (keys from the root).
fn merge(dest: &mut Node, patch: &Node, path: &[&str]) {
    let (Value::Map(d), Value::Map(p)) = (&mut dest.value, &patch.value) else {
        if path == ["metadata", "finalizers"] {
            if let (Value::Seq(d), Value::Seq(p)) = (&mut dest.value, &patch.value) {
                for item in p {
                    if !d.iter().any(|x| x.value == item.value) {
                        d.push(item.clone());
                    }
                }
                return;
            }
        }
        *dest = patch.clone();
        return;
    };
    match patch.get("$patch").and_then(Node::as_str) {
        Some("replace") => {
            let mut replaced = patch.clone();
            replaced.remove("$patch");
            *dest = replaced;
            return;
        }
        Some("delete") => {
            *dest = Node::new(Value::Map(Default::default()), dest.span);
            return;
        }
        _ => {}
    }
    for e in p {
        let name = e.key.name.as_str();
        if name == "$patch" {
            continue;
        }
        if e.value.is_null() {
            d.retain(|x| x.key.name != name);
            continue;
        }
        if e.value.get("$patch").and_then(Node::as_str) == Some("delete") {
            d.retain(|x| x.key.name != name);
            continue;
        }
        let mut at = path.to_vec();
        at.push(name);
        match d.iter_mut().find(|x| x.key.name == name) {
            Some(existing) => merge(&mut existing.value, &e.value, &at),
            None => {
                let mut added = e.clone();
                strip_directives(&mut added.value);
                d.push(added);
            }
        }
    }
}

/// A map the patch adds whole keeps no `$patch` key.
fn strip_directives(node: &mut Node) {
    match &mut node.value {
        Value::Map(entries) => {
            entries.retain(|e| e.key.name != "$patch");
            entries
                .iter_mut()
                .for_each(|e| strip_directives(&mut e.value));
        }
        Value::Seq(items) => items.iter_mut().for_each(strip_directives),
        _ => {}
    }
}

/// `finalApp.Spec.Project = app.Spec.Project`.
fn restore_project(app: &mut Node, project: Option<Node>, span: Span) {
    let spec = match app.get_mut("spec") {
        Some(spec) if spec.as_map().is_some() => spec,
        _ => {
            if project.is_none() {
                return;
            }
            app.set(
                "spec",
                span,
                Node::new(Value::Map(Default::default()), span),
            );
            app.get_mut("spec").expect("just set")
        }
    };
    match project {
        Some(p) => spec.set("project", span, p),
        None => {
            spec.remove("project");
        }
    }
}
