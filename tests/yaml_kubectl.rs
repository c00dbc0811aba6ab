//! kubectl as the oracle for parsing: ftlint reads a file iff `kubectl
//! kustomize` of a scratch kustomization listing it does, and reads the same
//! values. Skipped (with a message) when kubectl is not installed.

use std::path::{Path, PathBuf};
use std::process::Command;

use ftlint::repo::decode;
use ftlint::yaml::{parse, FileId, ParsedFile};

fn kubectl_available() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
}

enum Kubectl {
    Read(String),
    /// kubectl could not decode the file (its YAML or JSON reader failed).
    YamlError(String),
    /// kubectl read the file but refused it for another reason (no metadata, ...).
    OtherError(String),
}

/// `kubectl kustomize` of a scratch directory holding only `bytes` as `name`.
fn kubectl_kustomize(name: &str, bytes: &[u8]) -> Kubectl {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), bytes).unwrap();
    std::fs::write(
        dir.path().join("kustomization.yaml"),
        format!("resources:\n- {name}\n"),
    )
    .unwrap();
    let out = Command::new("kubectl")
        .arg("kustomize")
        .arg(dir.path())
        .output()
        .expect("kubectl runs");
    if out.status.success() {
        return Kubectl::Read(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let yaml_error = [
        "MalformedYAMLError",
        "yaml: ",
        "already defined",
        "invalid character",
    ]
    .iter()
    .any(|m| err.contains(m));
    if yaml_error {
        Kubectl::YamlError(err)
    } else {
        Kubectl::OtherError(err)
    }
}

/// ftlint's reading: `None` when it refuses the file (a syntax error or a
/// repeated key, which go-yaml refuses too).
fn ftlint_reads(bytes: &[u8]) -> Option<ParsedFile> {
    let (text, error) = decode(bytes);
    if error.is_some() {
        return None;
    }
    let parsed = parse(&text, FileId(0));
    let refused =
        parsed.error.is_some() || parsed.documents.iter().any(|d| !d.duplicates.is_empty());
    (!refused).then_some(parsed)
}

/// Each document as JSON with keys sorted (Kustomize sorts them), the documents sorted too.
fn sorted_json(parsed: &ParsedFile) -> Vec<String> {
    fn canonical(v: serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(map) => {
                let mut entries: Vec<_> = map.into_iter().collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                let sorted = entries.into_iter().map(|(k, v)| (k, canonical(v)));
                serde_json::Value::Object(sorted.collect())
            }
            serde_json::Value::Array(items) => items.into_iter().map(canonical).collect(),
            other => other,
        }
    }
    let mut docs: Vec<String> = (parsed.documents.iter())
        .filter(|d| !d.root.is_null())
        .map(|d| canonical(d.root.to_json()).to_string())
        .collect();
    docs.sort();
    docs
}

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/yaml_oracle");
    let mut files: Vec<PathBuf> = (std::fs::read_dir(dir).unwrap().flatten())
        .map(|e| e.path())
        .collect();
    files.sort();
    files
}

#[test]
fn fixtures_are_read_iff_kubectl_reads_them() {
    if !kubectl_available() {
        eprintln!("skipping: kubectl is not on PATH");
        return;
    }
    let files = fixtures();
    assert!(files.len() >= 15, "fixtures missing: {}", files.len());
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let ours = ftlint_reads(&bytes);
        match (kubectl_kustomize(&name, &bytes), &ours) {
            (Kubectl::Read(out), Some(parsed)) => {
                assert!(
                    name.starts_with("valid_"),
                    "{name}: both read a file named invalid"
                );
                // Kustomize decodes only the first value of a JSON stream; ftlint reads them all.
                if !name.ends_with(".json") {
                    let theirs = parse(&out, FileId(1));
                    assert_eq!(
                        sorted_json(parsed),
                        sorted_json(&theirs),
                        "{name}: values differ"
                    );
                }
            }
            (Kubectl::Read(_), None) => panic!("{name}: kubectl reads it, ftlint refuses it"),
            (Kubectl::YamlError(e) | Kubectl::OtherError(e), Some(_)) => {
                panic!("{name}: ftlint reads it, kubectl refuses it: {e}")
            }
            (Kubectl::YamlError(_) | Kubectl::OtherError(_), None) => {
                assert!(
                    name.starts_with("invalid_"),
                    "{name}: both refuse a file named valid"
                );
            }
        }
    }
}

/// Every YAML/JSON file of `../shared/corpus` (slow: one kubectl run per file).
/// `FTLINT_ORACLE_REPOS=a,b` limits it to some repositories, `FTLINT_CORPUS` names
/// another corpus directory.
#[test]
#[ignore]
fn corpus_files_are_read_iff_kubectl_reads_them() {
    // `FTLINT_CORPUS` points elsewhere (a worktree whose `../shared` is not beside it).
    let corpus = std::env::var_os("FTLINT_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        PathBuf::from,
    );
    if !corpus.is_dir() {
        eprintln!("skipping: ../shared/corpus is absent");
        return;
    }
    if !kubectl_available() {
        eprintln!("skipping: kubectl is not on PATH");
        return;
    }
    let only: Option<Vec<String>> = std::env::var("FTLINT_ORACLE_REPOS")
        .ok()
        .map(|v| v.split(',').map(str::to_string).collect());
    let mut files = Vec::new();
    let mut dirs = vec![corpus.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = path.to_string_lossy();
            if kind.is_dir() {
                let repo = path.strip_prefix(&corpus).unwrap().components().next();
                let repo = repo.map(|c| c.as_os_str().to_string_lossy().into_owned());
                if only
                    .as_ref()
                    .is_none_or(|o| repo.is_some_and(|r| o.contains(&r)))
                {
                    dirs.push(path);
                }
            } else if kind.is_file() && [".yaml", ".yml", ".json"].iter().any(|e| name.ends_with(e))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut mismatches = Vec::new();
    let (mut refused_by_both, mut read_by_both, mut undecided) = (0, 0, 0);
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let ext = path.extension().unwrap().to_string_lossy();
        let ours = ftlint_reads(&bytes);
        let shown = path.strip_prefix(&corpus).unwrap().display();
        match (kubectl_kustomize(&format!("resource.{ext}"), &bytes), ours) {
            (Kubectl::Read(_), None) => {
                mismatches.push(format!("{shown}: ftlint refuses a file kubectl reads"))
            }
            // kubectl stopped at a document it does not take as a resource: undecided.
            (Kubectl::OtherError(_), None) => undecided += 1,
            (Kubectl::YamlError(e), Some(_)) => {
                mismatches.push(format!("{shown}: ftlint reads a file kubectl refuses: {e}"))
            }
            (Kubectl::YamlError(_), None) => refused_by_both += 1,
            (_, Some(_)) => read_by_both += 1,
        }
    }
    eprintln!(
        "{} files: {read_by_both} read by both, {refused_by_both} refused by both, \
         {undecided} refused by ftlint and not taken by kubectl, {} mismatches",
        files.len(),
        mismatches.len()
    );
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
