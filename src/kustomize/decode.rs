//! Decoding a kustomization as kustomize does: through Go's JSON decoder,
//! where a key matches a field case-insensitively when no field has exactly
//! that name (`Resources:` is `resources:`), and where a kustomization whose
//! fields all hold Go zero values is "empty" and refused.

use super::fields::KNOWN_FIELDS;
use crate::yaml::{Node, Value};

const PATCH: &[&str] = &["path", "patch", "target", "options"];
const TARGET: &[&str] = &[
    "group",
    "version",
    "kind",
    "name",
    "namespace",
    "labelSelector",
    "annotationSelector",
];
const PATCH_OPTIONS: &[&str] = &["allowNameChange", "allowKindChange"];
const GENERATOR: &[&str] = &[
    "name",
    "namespace",
    "behavior",
    "files",
    "literals",
    "envs",
    "env",
    "options",
    "type",
];
const GENERATOR_OPTIONS: &[&str] = &[
    "labels",
    "annotations",
    "disableNameSuffixHash",
    "immutable",
];
const IMAGE: &[&str] = &["name", "newName", "newTag", "digest", "tagSuffix"];
const REPLICA: &[&str] = &["name", "count"];
const LABEL: &[&str] = &["pairs", "includeSelectors", "includeTemplates", "fields"];

/// Rename keys of the kustomization (and of its patch, generator, image,
/// replica and label entries) to the field names they decode to.
pub fn canonicalize(root: &mut Node) {
    rename_keys(root, KNOWN_FIELDS);
    let lists: [(&str, &[&str]); 8] = [
        ("patches", PATCH),
        ("patchesJson6902", PATCH),
        ("configMapGenerator", GENERATOR),
        ("secretGenerator", GENERATOR),
        ("images", IMAGE),
        ("imageTags", IMAGE),
        ("replicas", REPLICA),
        ("labels", LABEL),
    ];
    for (field, known) in lists {
        let Some(items) = root.get_mut(field).and_then(Node::as_seq_mut) else {
            continue;
        };
        for item in items.iter_mut() {
            rename_keys(item, known);
            if let Some(t) = item.get_mut("target") {
                rename_keys(t, TARGET);
            }
            if let Some(o) = item.get_mut("options") {
                rename_keys(
                    o,
                    if known == PATCH {
                        PATCH_OPTIONS
                    } else {
                        GENERATOR_OPTIONS
                    },
                );
            }
        }
    }
    if let Some(o) = root.get_mut("generatorOptions") {
        rename_keys(o, GENERATOR_OPTIONS);
    }
}

fn rename_keys(map: &mut Node, known: &[&str]) {
    let Some(entries) = map.as_map_mut() else {
        return;
    };
    for e in entries.iter_mut() {
        if known.contains(&e.key.name.as_str()) {
            continue;
        }
        if let Some(k) = known.iter().find(|k| k.eq_ignore_ascii_case(&e.key.name)) {
            e.key.name = (*k).into();
        }
    }
}

/// True when kustomize would call the kustomization empty: nothing but
/// `apiVersion`/`kind`, or only null, empty-string or false values.
pub fn is_empty(root: &Node) -> bool {
    root.entries()
        .iter()
        .filter(|e| !matches!(e.key.name.as_str(), "apiVersion" | "kind"))
        .all(|e| match &e.value.value {
            Value::Null | Value::Bool(false) => true,
            Value::Str(s) => s.is_empty(),
            _ => false,
        })
}
