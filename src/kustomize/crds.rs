//! `crds:` files: OpenAPI definitions (a map of type name to `Schema` and
//! `Dependencies`, as kustomize's legacy loader reads them) whose
//! `x-kubernetes-*` extensions add field specs for a custom kind: name
//! references, label selectors and annotations.

use super::fieldspec::ConfigSpec;
use super::nameref::NameReference;
use crate::yaml::Node;

#[derive(Default)]
pub struct CrdSpecs {
    pub name_references: Vec<NameReference>,
    pub specs: Vec<ConfigSpec>,
    /// `x-kubernetes-identity` paths (name-prefix field specs): not applied.
    pub identity: Vec<String>,
}

/// `$ref` chains deeper than this are cut (a type may refer to itself).
const MAX_DEPTH: usize = 32;

pub fn specs_of(doc: &Node) -> CrdSpecs {
    let mut out = CrdSpecs::default();
    for e in doc.entries() {
        let Some(props) = e.value.path(&["Schema", "properties"]) else {
            continue;
        };
        if ["kind", "apiVersion", "metadata"]
            .iter()
            .any(|k| props.get(k).is_none())
        {
            continue;
        }
        // kustomize takes the kind from the type name's last `.` segment.
        let kind = e.key.name.rsplit('.').next().unwrap_or_default();
        walk(doc, &e.key.name, kind, &mut Vec::new(), &mut out);
    }
    out
}

fn walk(doc: &Node, type_name: &str, kind: &str, path: &mut Vec<String>, out: &mut CrdSpecs) {
    if path.len() > MAX_DEPTH {
        return;
    }
    let Some(props) = doc
        .get(type_name)
        .and_then(|t| t.path(&["Schema", "properties"]))
    else {
        return;
    };
    for p in props.entries() {
        path.push(p.key.name.to_string());
        let ext = |k: &str| p.value.get(k).and_then(Node::as_str);
        let spec = |section: &str| ConfigSpec {
            section: section.to_string(),
            group: None,
            version: None,
            kind: Some(kind.to_string()),
            path: path.join("/"),
            create: false,
        };
        if ext("x-kubernetes-annotation").is_some() {
            out.specs.push(spec("commonAnnotations"));
        }
        if ext("x-kubernetes-label-selector").is_some() {
            out.specs.push(spec("commonLabels"));
        }
        if ext("x-kubernetes-identity").is_some() {
            out.identity.push(path.join("/"));
        }
        if let (Some(_), Some(target)) = (
            ext("x-kubernetes-object-ref-api-version"),
            ext("x-kubernetes-object-ref-kind"),
        ) {
            let key = ext("x-kubernetes-object-ref-name-key").unwrap_or("name");
            out.name_references.push(NameReference {
                kind: target.to_string(),
                specs: vec![(
                    None,
                    Some(kind.to_string()),
                    format!("{}/{key}", path.join("/")),
                )],
            });
        }
        if let Some(r) = ext("$ref") {
            walk(doc, r, kind, path, out);
        }
        path.pop();
    }
}
