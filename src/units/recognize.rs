//! Content recognition (SPEC §5): files that hold YAML but are not objects to
//! deploy — generator inputs and test-harness assertions — found by what the
//! repository's files say, never by path alone.

use std::collections::BTreeSet;

use crate::kustomize;
use crate::source::{join, FileKind, Sources};
use crate::yaml::Node;

#[derive(Debug, Default)]
pub struct Recognized {
    /// Files a kustomization reads as data or configuration rather than as
    /// resources: `configMapGenerator`/`secretGenerator` `files`/`envs`,
    /// `configurations`, `crds`, `openapi`, `replacements`, generator and
    /// transformer configs, and the `files` a generator plugin config (KSOPS
    /// style) lists. Linted as their format, not as objects.
    pub generator_inputs: BTreeSet<String>,
    /// kuttl assertion files: partial objects by design.
    pub assertion_files: BTreeSet<String>,
    /// kuttl step files (`NN-install.yaml` in a test directory): kuttl applies
    /// them, so no kustomization needs to list them. Still objects.
    pub step_files: BTreeSet<String>,
    /// Patch files whose entry is commented out in the kustomization beside
    /// them (`#- manager_webhook_patch.yaml` under `patchesStrategicMerge:`):
    /// still patch fragments, not objects.
    pub disabled_patches: BTreeSet<String>,
}

const PATCH_KEYS: &[&str] = &["patches", "patchesStrategicMerge", "patchesJson6902"];

/// Files named by commented-out entries of a kustomization's patch lists.
fn commented_patches(dir: &str, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut section: Option<&str> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            continue; // a blank line does not end a section
        }
        if !line.starts_with([' ', '\t', '#', '-']) {
            // A top-level key starts a section.
            section = line.split_once(':').map(|(k, _)| k.trim());
            continue;
        }
        // A commented-out top-level key (`#patchesStrategicMerge:`, as
        // kubebuilder scaffolds it) starts a section of disabled entries.
        if let Some(key) = commented_key(line) {
            section = Some(key);
            continue;
        }
        let Some(comment) = trimmed.strip_prefix('#') else {
            continue;
        };
        if !section.is_some_and(|s| PATCH_KEYS.contains(&s)) {
            continue;
        }
        let entry = comment.trim_start().trim_start_matches('-').trim();
        let entry = entry.strip_prefix("path:").map_or(entry, str::trim);
        if !entry.contains(' ')
            && (entry.ends_with(".yaml") || entry.ends_with(".yml") || entry.ends_with(".json"))
        {
            out.push(join(dir, entry));
        }
    }
    out
}

/// `patches` of a column-0 comment `#patches:` (a key with no value, nothing else).
fn commented_key(line: &str) -> Option<&str> {
    let key = line.strip_prefix('#')?.trim().strip_suffix(':')?;
    (!key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric())).then_some(key)
}

/// kuttl's API group: its documents configure the harness, not a cluster.
pub fn is_kuttl_document(root: &Node) -> bool {
    root.str_at(&["apiVersion"])
        .is_some_and(|v| v.starts_with("kuttl.dev/"))
}

pub fn recognize(
    sources: &Sources,
    refs_by_dir: &std::collections::HashMap<String, kustomize::Refs>,
) -> Recognized {
    let mut out = Recognized::default();
    for f in &sources.files {
        if f.kind != FileKind::Kustomization {
            continue;
        }
        let dir = f.dir();
        out.disabled_patches.extend(commented_patches(dir, &f.text));
        if let Some(refs) = refs_by_dir.get(dir) {
            out.generator_inputs
                .extend(refs.other_files.iter().cloned());
        }
        let Some(k) = f.parsed.documents.first().map(|d| &d.root) else {
            continue;
        };
        for entry in k.get("generators").map(Node::items).unwrap_or(&[]) {
            // Inline configs and remote entries are not files of this repo.
            let Some(path) = entry.as_str().filter(|p| !p.contains('\n')) else {
                continue;
            };
            let config_path = join(dir, path);
            if let Some(config) = sources.by_path(&config_path) {
                out.generator_inputs.extend(plugin_inputs(
                    sources,
                    dir,
                    config.dir(),
                    &config.parsed,
                ));
            }
        }
    }
    (out.assertion_files, out.step_files) = kuttl_files(sources);
    out
}

/// The `files` a generator plugin config reads (KSOPS: `files: [secret.enc.yaml]`),
/// resolved against the kustomization directory as exec plugins are run there,
/// else against the config's own directory.
fn plugin_inputs(
    sources: &Sources,
    kdir: &str,
    config_dir: &str,
    parsed: &crate::yaml::ParsedFile,
) -> Vec<String> {
    let mut out = Vec::new();
    for doc in &parsed.documents {
        for item in doc.root.get("files").map(Node::items).unwrap_or(&[]) {
            let Some(rel) = item.as_str() else { continue };
            let rel = rel.split_once('=').map_or(rel, |(_, p)| p);
            let from_kustomization = join(kdir, rel);
            if sources.by_path(&from_kustomization).is_some() {
                out.push(from_kustomization);
            } else {
                out.push(join(config_dir, rel));
            }
        }
    }
    out
}

/// A kuttl step file name holding assertions: `NN-assert.yaml`,
/// `NN-errors.yaml` (and kuttl's `NN-assert-<suffix>.yaml` form).
fn is_assertion_name(name: &str) -> bool {
    let Some(stem) = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
    else {
        return false;
    };
    let Some((index, rest)) = stem.split_once('-') else {
        return false;
    };
    if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    ["assert", "errors"]
        .iter()
        .any(|k| rest == *k || rest.strip_prefix(k).is_some_and(|s| s.starts_with('-')))
}

/// A kuttl step file name: `NN-<name>.yaml`.
fn is_step_name(name: &str) -> bool {
    let stem = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"));
    stem.and_then(|s| s.split_once('-'))
        .is_some_and(|(index, rest)| {
            !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty()
        })
}

/// Assertion and other step files of kuttl tests. A test directory is one
/// holding a kuttl `TestStep`/`TestAssert` document, or a child of a
/// `TestSuite`'s `testDirs`. Files holding a `TestAssert` are assertions
/// wherever they are.
fn kuttl_files(sources: &Sources) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut steps = BTreeSet::new();
    let mut test_dirs: BTreeSet<String> = BTreeSet::new();
    let mut suite_dirs: Vec<String> = Vec::new();
    let mut out = BTreeSet::new();
    for f in &sources.files {
        for doc in &f.parsed.documents {
            if !is_kuttl_document(&doc.root) {
                continue;
            }
            match doc.root.str_at(&["kind"]) {
                Some("TestStep") => {
                    test_dirs.insert(f.dir().to_string());
                }
                Some("TestAssert") => {
                    test_dirs.insert(f.dir().to_string());
                    out.insert(f.path.clone());
                }
                Some("TestSuite") => {
                    for d in doc.root.get("testDirs").map(Node::items).unwrap_or(&[]) {
                        if let Some(d) = d.as_str() {
                            suite_dirs.push(join(f.dir(), d));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    for f in &sources.files {
        let dir = f.dir();
        let parent = dir.rsplit_once('/').map_or("", |(p, _)| p);
        let in_test = test_dirs.contains(dir) || suite_dirs.iter().any(|s| s == parent);
        let name = f.path.rsplit('/').next().unwrap_or(&f.path);
        if in_test && is_assertion_name(name) {
            out.insert(f.path.clone());
        } else if in_test && is_step_name(name) {
            steps.insert(f.path.clone());
        }
    }
    (out, steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commented_out_patch_entries() {
        let text = "resources:\n- ../crd\n# - secret.yaml\npatchesStrategicMerge:\n- manager_image_patch.yaml\n# - manager_auth_proxy_patch.yaml\n  # comment manager_auth_proxy_patch.yaml.\n#- webhook_patch.yaml\npatches:\n#  - path: sidecar.yaml\nimages: []\n#- not-a-patch.yaml\n";
        assert_eq!(
            commented_patches("cfg/default", text),
            vec![
                "cfg/default/manager_auth_proxy_patch.yaml",
                "cfg/default/webhook_patch.yaml",
                "cfg/default/sidecar.yaml"
            ]
        );
    }

    /// kubebuilder's `config/default`: the patch list itself is commented out.
    #[test]
    fn entries_under_a_commented_out_patch_key() {
        let text = "bases:\n- ../manager\n#- ../webhook\n#patchesStrategicMerge:\n#- manager_image_patch.yaml\n  # Protect the /metrics endpoint.\n#- manager_auth_proxy_patch.yaml\n\n#- webhookcainjection_patch.yaml\n#resources:\n#- metrics_service.yaml\n";
        assert_eq!(
            commented_patches("cfg/default", text),
            vec![
                "cfg/default/manager_image_patch.yaml",
                "cfg/default/manager_auth_proxy_patch.yaml",
                "cfg/default/webhookcainjection_patch.yaml"
            ]
        );
    }

    #[test]
    fn step_names() {
        for (name, want) in [
            ("01-install.yaml", true),
            ("99-delete.yml", true),
            ("install.yaml", false),
            ("01-.yaml", false),
            ("a1-install.yaml", false),
        ] {
            assert_eq!(is_step_name(name), want, "{name}");
        }
    }

    #[test]
    fn assertion_names() {
        for (name, want) in [
            ("01-assert.yaml", true),
            ("12-errors.yml", true),
            ("02-assert-pods.yaml", true),
            ("01-install.yaml", false),
            ("assert.yaml", false),
            ("01-asserted.yaml", false),
            ("x1-assert.yaml", false),
        ] {
            assert_eq!(is_assertion_name(name), want, "{name}");
        }
    }
}
