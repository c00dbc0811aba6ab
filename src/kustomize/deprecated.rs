//! Safe fixes for deprecated kustomization fields: renames whose meaning is
//! unchanged in kustomize v5 (`bases` → `resources`, `imageTags` → `images`,
//! `patchesJson6902` → `patches`, `patchesStrategicMerge` → `patches` with
//! `- path:` items). `commonLabels` and `vars` change structure and get no fix.

use crate::diagnostic::{Applicability, Fix};
use crate::source::Sources;
use crate::yaml::{edit, Entry, Node};

/// The fix for one deprecated field of the kustomization `k`, if a safe one exists.
pub fn fix(sources: &Sources, k: &Node, field: &Entry) -> Option<Fix> {
    let has = |key: &str| k.get(key).is_some();
    let rename = |to: &str| edit::rename_key(sources.text(field.key.span), field.key.span, to);
    let edits = match field.key.name.as_str() {
        "bases" if !has("resources") => vec![rename("resources")],
        "imageTags" if !has("images") => vec![rename("images")],
        "patchesJson6902" if !has("patches") && !has("patchesStrategicMerge") => {
            vec![rename("patches")]
        }
        "patchesStrategicMerge" if !has("patches") => {
            let items = field.value.as_seq()?;
            // Only block sequences of file paths: `- file.yaml` → `- path: file.yaml`.
            let block = sources.text(field.value.span).trim_start().starts_with('-');
            if !block
                || items
                    .iter()
                    .any(|i| i.as_str().is_none_or(|s| s.contains('\n')))
            {
                return None;
            }
            let mut edits = vec![rename("patches")];
            edits.extend(
                items
                    .iter()
                    .map(|i| edit::item_to_entry(sources.text(i.span), i, "path")),
            );
            edits
        }
        _ => return None,
    };
    let to = if field.key.name == "bases" {
        "resources"
    } else if field.key.name == "imageTags" {
        "images"
    } else {
        "patches"
    };
    Some(Fix {
        message: format!("replace `{}` with `{to}`", field.key.name),
        applicability: Applicability::Safe,
        edits,
    })
}
