//! Glue between the schema registry and the rest of ftlint: building the
//! registry from config and flags, feeding it the repository's CRDs, and mapping
//! a `SchemaError` back to the YAML span of the offending key or value.

use std::path::Path;

use super::{KubeVersion, PathSeg, SchemaError, SchemaErrorKind, SchemaRegistry};
use crate::source::Sources;
use crate::yaml::{Node, Span, Value};

/// The registry for `kubernetesVersion` / `strict` (config merged with flags).
/// An unbundled version is an error naming the bundled ones (exit 2).
pub fn registry_for(version: Option<&str>, strict: Option<bool>) -> Result<SchemaRegistry, String> {
    let version = match version {
        Some(v) => KubeVersion::parse(v)?,
        None => super::default_version(),
    };
    SchemaRegistry::new(version, strict.unwrap_or(true))
}

/// Register every `CustomResourceDefinition` document of the repository. Invalid
/// CRDs are skipped here (the `schema` rule reports them as objects).
pub fn add_repo_crds(reg: &SchemaRegistry, sources: &Sources) -> usize {
    let mut n = 0;
    for f in &sources.files {
        for d in &f.parsed.documents {
            if d.root.str_at(&["kind"]) == Some("CustomResourceDefinition")
                && d.root
                    .str_at(&["apiVersion"])
                    .is_some_and(|a| a.starts_with("apiextensions.k8s.io/"))
            {
                if let Ok(k) = reg.add_crd(&d.root.to_json()) {
                    n += k.len();
                }
            }
        }
    }
    n
}

/// `--crd FILE`: every CustomResourceDefinition document in the file (YAML or
/// JSON). Returns the CRD documents registered.
pub fn add_crd_file(reg: &SchemaRegistry, path: &Path) -> Result<Vec<Node>, String> {
    let text = crate::fsread::read_bounded_text(path, crate::fsread::DEFAULT_MAX_FILE_SIZE)
        .map_err(|e| format!("--crd {}: cannot read: {e}", path.display()))?;
    let parsed = crate::yaml::parse(&text, crate::yaml::FileId(u32::MAX));
    if let Some(err) = &parsed.error {
        return Err(format!(
            "--crd {}: not valid YAML at byte {}: {}",
            path.display(),
            err.offset,
            err.message
        ));
    }
    let mut crds = Vec::new();
    for d in parsed.documents {
        if d.root.str_at(&["kind"]) != Some("CustomResourceDefinition") {
            continue;
        }
        let added = reg
            .add_crd(&d.root.to_json())
            .map_err(|e| format!("--crd {}: {e}", path.display()))?;
        if !added.is_empty() {
            crds.push(d.root);
        }
    }
    if crds.is_empty() {
        return Err(format!(
            "--crd {}: no CustomResourceDefinition found in the file",
            path.display()
        ));
    }
    Ok(crds)
}

/// The entry `key` of a mapping; else one spelt the same ignoring case (a
/// Kustomization's keys are validated as kustomize decodes them: case-insensitively).
fn entry_of<'a>(n: &'a Node, key: &str) -> Option<&'a crate::yaml::Entry> {
    n.entry(key).or_else(|| {
        n.entries()
            .iter()
            .find(|e| e.key.name.eq_ignore_ascii_case(key))
    })
}

/// The node at an instance path, if the tree has it.
pub fn node_at<'a>(root: &'a Node, path: &[PathSeg]) -> Option<&'a Node> {
    path.iter().try_fold(root, |n, seg| match seg {
        PathSeg::Key(k) => entry_of(n, k).map(|e| &e.value),
        PathSeg::Index(i) => n.items().get(*i),
    })
}

/// The span to underline for a schema error: the key of an unknown field, the
/// value of a wrong one, the key holding a mapping that lacks a required field.
pub fn locate(root: &Node, anchor: Span, e: &SchemaError) -> Span {
    let mut cur = root;
    let mut key_span: Option<Span> = None;
    let mut complete = true;
    for seg in &e.path {
        match seg {
            PathSeg::Key(k) => match entry_of(cur, k) {
                Some(en) => {
                    key_span = Some(en.key.span);
                    cur = &en.value;
                }
                None => {
                    complete = false;
                    break;
                }
            },
            PathSeg::Index(i) => match cur.items().get(*i) {
                Some(n) => {
                    key_span = None;
                    cur = n;
                }
                None => {
                    complete = false;
                    break;
                }
            },
        }
    }
    let first_key = |n: &Node| n.entries().first().map(|e| e.key.span);
    if !complete {
        return key_span.unwrap_or(anchor);
    }
    match &e.kind {
        SchemaErrorKind::UnknownField { .. } => key_span.unwrap_or(cur.span),
        SchemaErrorKind::MissingRequired { .. } => {
            if e.path.is_empty() {
                anchor
            } else {
                key_span.or_else(|| first_key(cur)).unwrap_or(cur.span)
            }
        }
        _ => {
            let block = matches!(cur.value, Value::Map(_) | Value::Seq(_));
            let empty = cur.span.start == cur.span.end;
            if block || empty {
                key_span.unwrap_or(cur.span)
            } else {
                cur.span
            }
        }
    }
}
