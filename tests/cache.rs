//! The persistent cache: a run that reuses `.ftlint_cache/` reports exactly
//! what a cold run (`--no-cache`) reports, after every kind of change, and a
//! run that changed nothing replays the stored findings.

mod common;

#[path = "../benches/gen/mod.rs"]
mod gen;

use std::path::Path;

use common::{ftlint, write};
use serde_json::Value;

/// JSON output and exit code; the timing field removed.
fn check(root: &Path, args: &[&str]) -> (Value, i32, String) {
    let out = ftlint()
        .current_dir(root)
        .args(["check", "--format", "json", "--stats"])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut json: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    json["summary"]
        .as_object_mut()
        .expect("summary")
        .remove("elapsed_ms");
    let stderr = String::from_utf8(out.stderr).unwrap();
    (json, out.status.code().unwrap(), stderr)
}

/// How the run used the cache: the `cache:` line of `--stats`.
fn cache_line(stderr: &str) -> &str {
    stderr
        .lines()
        .find(|l| l.starts_with("cache:"))
        .unwrap_or("(no cache line)")
}

/// Runs warm and cold; asserts they agree; returns the findings and how the
/// warm run used the cache.
fn warm_equals_cold(root: &Path, args: &[&str]) -> (Value, String) {
    let (warm, warm_code, stderr) = check(root, args);
    let mut cold_args = vec!["--no-cache"];
    cold_args.extend_from_slice(args);
    let (cold, cold_code, _) = check(root, &cold_args);
    assert_eq!(
        warm,
        cold,
        "warm and cold runs differ ({})",
        cache_line(&stderr)
    );
    assert_eq!(warm_code, cold_code);
    (warm, cache_line(&stderr).to_string())
}

fn findings(json: &Value) -> Vec<(String, String, String)> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn count(json: &Value, rule: &str) -> usize {
    findings(json).iter().filter(|f| f.0 == rule).count()
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no `{from}`");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn generated() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    gen::generate(dir.path(), 12);
    dir
}

#[test]
fn an_unchanged_repository_replays_the_stored_findings() {
    let dir = generated();
    let root = dir.path();
    let (first, how) = warm_equals_cold(root, &[]);
    assert!(how.starts_with("cache: miss"), "{how}");
    assert!(!findings(&first).is_empty());
    let (second, how) = warm_equals_cold(root, &[]);
    assert!(how.starts_with("cache: hit"), "{how}");
    assert_eq!(first, second);
    let cache = root.join(".ftlint_cache");
    assert_eq!(
        std::fs::read_to_string(cache.join(".gitignore")).unwrap(),
        "# Created by ftlint automatically.\n*\n"
    );
    assert!(std::fs::read_to_string(cache.join("CACHEDIR.TAG"))
        .unwrap()
        .starts_with("Signature: 8a477f597d28d172789f06886806bc55"));
}

#[test]
fn edits_renames_deletions_and_new_files_match_a_cold_run() {
    let dir = generated();
    let root = dir.path();
    let (before, _) = warm_equals_cold(root, &[]);
    let latest = count(&before, "no-latest-tag") + count(&before, "image-not-pinned");

    // An edit that adds a finding (and keeps the file's size: only the stamp tells).
    edit(
        root,
        "apps/svc00001/base/deployment.yaml",
        "runAsNonRoot: true",
        "runAsNonRoot: fals",
    );
    let (added, how) = warm_equals_cold(root, &[]);
    assert!(how.starts_with("cache: miss"), "{how}");
    assert_ne!(findings(&added), findings(&before));

    // An edit that removes it again.
    edit(
        root,
        "apps/svc00001/base/deployment.yaml",
        "runAsNonRoot: fals",
        "runAsNonRoot: true",
    );
    let (removed, _) = warm_equals_cold(root, &[]);
    assert_eq!(findings(&removed), findings(&before));

    // A rename: the kustomization now names a file that is gone.
    std::fs::rename(
        root.join("apps/svc00002/base/service.yaml"),
        root.join("apps/svc00002/base/svc.yaml"),
    )
    .unwrap();
    let (renamed, _) = warm_equals_cold(root, &[]);
    assert!(count(&renamed, "kustomize-missing-resource") > 0);

    // A deletion.
    std::fs::remove_file(root.join("apps/svc00002/base/svc.yaml")).unwrap();
    let (deleted, _) = warm_equals_cold(root, &[]);
    assert_ne!(findings(&deleted), findings(&renamed));

    // A new file with a finding of its own.
    write(
        root,
        "loose/pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\n  namespace: svc00001-dev\nspec:\n  containers:\n    - name: c\n      image: busybox:latest\n",
    );
    let (created, _) = warm_equals_cold(root, &[]);
    assert!(findings(&created).iter().any(|f| f.1 == "loose/pod.yaml"));
    assert!(count(&created, "no-latest-tag") + count(&created, "image-not-pinned") >= latest);

    // Nothing changed since: replayed.
    let (again, how) = warm_equals_cold(root, &[]);
    assert!(how.starts_with("cache: hit"), "{how}");
    assert_eq!(again, created);
}

#[test]
fn a_change_in_one_file_changes_a_cross_object_finding_in_another_unit() {
    let dir = generated();
    let root = dir.path();
    let (before, _) = warm_equals_cold(root, &[]);
    let missing_before = count(&before, "namespace-missing");
    // The Namespace of one overlay goes away: the overlay's objects, in
    // another unit and another file, now name a namespace nobody provides.
    edit(
        root,
        "infrastructure/namespaces.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: svc00004-dev\n---\n",
        "",
    );
    let (after, _) = warm_equals_cold(root, &[]);
    assert!(count(&after, "namespace-missing") > missing_before);
    assert!(findings(&after)
        .iter()
        .any(|f| f.0 == "namespace-missing" && f.1.starts_with("apps/svc00004/")));
}

#[test]
fn a_config_change_is_a_new_entry() {
    let dir = generated();
    let root = dir.path();
    let (before, _) = warm_equals_cold(root, &[]);
    let rule = findings(&before)[0].0.clone();
    write(
        root,
        ".ftlint.yaml",
        &format!("kubernetesVersion: \"1.31\"\nrules:\n  {rule}:\n    enabled: false\n"),
    );
    let (after, how) = warm_equals_cold(root, &[]);
    assert!(how.starts_with("cache: miss"), "{how}");
    assert_eq!(count(&after, &rule), 0);
    // Flags that change findings key entries too.
    let (selected, how) = warm_equals_cold(root, &["--select", "namespace-missing"]);
    assert!(how.starts_with("cache: miss"), "{how}");
    assert_ne!(selected, after);
}

#[test]
fn a_touched_file_with_the_same_content_is_still_a_hit() {
    let dir = generated();
    let root = dir.path();
    warm_equals_cold(root, &[]);
    let path = root.join("apps/svc00000/base/service.yaml");
    let text = std::fs::read(&path).unwrap();
    std::fs::write(&path, &text).unwrap();
    let (_, how) = warm_equals_cold(root, &[]);
    assert!(how.starts_with("cache: hit"), "{how}");
}

#[test]
fn a_corrupt_cache_is_ignored_and_rebuilt() {
    let dir = generated();
    let root = dir.path();
    let (before, _) = warm_equals_cold(root, &[]);
    let cache = root.join(".ftlint_cache");
    let mut entries = 0;
    for e in std::fs::read_dir(&cache).unwrap().flatten() {
        if e.file_name().to_string_lossy().starts_with("check-") {
            std::fs::write(e.path(), b"{\"format\": 1, \"fingerprint\": tru").unwrap();
            entries += 1;
        }
    }
    assert_eq!(entries, 1);
    let (after, how) = warm_equals_cold(root, &[]);
    assert!(how.starts_with("cache: miss (unreadable entry"), "{how}");
    assert_eq!(after, before);
    let (_, how) = warm_equals_cold(root, &[]);
    assert!(how.starts_with("cache: hit"), "{how}");
}

/// The one cache file whose name starts with `prefix`.
fn cache_file(root: &Path, prefix: &str) -> std::path::PathBuf {
    let found: Vec<_> = std::fs::read_dir(root.join(".ftlint_cache"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found.into_iter().next().unwrap()
}

/// Spoil the stored entry with `spoil`; the next run ignores it (`why`),
/// reports what a cold run reports and stores a good entry again.
fn spoiled_entry_is_replaced(spoil: impl Fn(&mut Vec<u8>), why: &str) {
    let dir = generated();
    let root = dir.path();
    let (before, _) = warm_equals_cold(root, &[]);
    let path = cache_file(root, "check-");
    let mut bytes = std::fs::read(&path).unwrap();
    spoil(&mut bytes);
    std::fs::write(&path, &bytes).unwrap();
    let (after, how) = warm_equals_cold(root, &[]);
    assert!(how.starts_with(&format!("cache: miss ({why}")), "{how}");
    assert!(how.ends_with("findings stored"), "{how}");
    assert_eq!(after, before);
    let (again, how) = warm_equals_cold(root, &[]);
    assert!(how.starts_with("cache: hit"), "{how}");
    assert_eq!(again, before);
}

#[test]
fn a_truncated_entry_is_ignored_and_replaced() {
    spoiled_entry_is_replaced(|b| b.truncate(b.len() / 2), "unreadable entry");
    spoiled_entry_is_replaced(|b| b.truncate(b.len() - 1), "unreadable entry");
    spoiled_entry_is_replaced(|b| b.truncate(10), "unreadable entry");
}

#[test]
fn a_corrupt_entry_byte_is_ignored_and_replaced() {
    // One bit of a stored finding's or a stamp's bytes, past the header:
    // the checksum no longer matches.
    spoiled_entry_is_replaced(
        |b| {
            let at = b.len() - 40;
            b[at] ^= 0x04;
        },
        "unreadable entry",
    );
    spoiled_entry_is_replaced(
        |b| {
            let at = b.len() / 3;
            b[at] ^= 0x80;
        },
        "unreadable entry",
    );
}

#[test]
fn an_entry_of_another_format_version_is_ignored_and_replaced() {
    // The format number follows the 8-byte magic.
    spoiled_entry_is_replaced(
        |b| {
            let format = u32::from_le_bytes(b[8..12].try_into().unwrap());
            b[8..12].copy_from_slice(&(format + 1).to_le_bytes());
        },
        "entry of another configuration or version",
    );
}

#[test]
fn a_corrupt_walk_snapshot_is_ignored_and_the_tree_walked() {
    let dir = generated();
    let root = dir.path();
    let (before, _) = warm_equals_cold(root, &[]);
    // The first run's directories were not settled yet: the second stores
    // the snapshot.
    warm_equals_cold(root, &[]);
    let path = cache_file(root, "walk-");
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();
    let (after, how) = warm_equals_cold(root, &[]);
    assert!(
        how.starts_with("cache: hit") && how.contains("tree walked"),
        "{how}"
    );
    assert_eq!(after, before);
    let (_, how) = warm_equals_cold(root, &[]);
    assert!(not_walked(&how), "{how}");
}

#[test]
fn no_cache_writes_nothing() {
    let dir = generated();
    let root = dir.path();
    check(root, &["--no-cache"]);
    assert!(!root.join(".ftlint_cache").exists());
    // Nor does a fix run.
    ftlint()
        .current_dir(root)
        .args(["check", "--fix"])
        .output()
        .unwrap();
    assert!(!root.join(".ftlint_cache").exists());
}

#[test]
fn the_cache_dir_is_configurable() {
    let dir = generated();
    let root = dir.path();
    let elsewhere = tempfile::tempdir().unwrap();
    let (_, how) = warm_equals_cold(root, &["--cache-dir", elsewhere.path().to_str().unwrap()]);
    assert!(how.starts_with("cache: miss"), "{how}");
    assert!(!root.join(".ftlint_cache").exists());
    assert!(elsewhere.path().join("CACHEDIR.TAG").is_file());
}

#[test]
fn a_pre_commit_run_passing_one_file_matches_a_cold_one() {
    let dir = generated();
    let root = dir.path();
    let file = "apps/svc00003/base/deployment.yaml";
    warm_equals_cold(root, &[]);
    let (scoped, how) = warm_equals_cold(root, &[file]);
    assert!(how.starts_with("cache: hit"), "{how}");
    assert!(!findings(&scoped).is_empty());
    assert!(findings(&scoped).iter().all(|f| f.1 == file
        || scoped["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["related"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["file"] == file))));
    // After an edit to the file passed, as in a commit.
    edit(root, file, "runAsNonRoot: true", "runAsNonRoot: fals");
    let (edited, how) = warm_equals_cold(root, &[file]);
    assert!(how.starts_with("cache: miss"), "{how}");
    assert_ne!(findings(&edited), findings(&scoped));
    let (_, how) = warm_equals_cold(root, &[file]);
    assert!(how.starts_with("cache: hit"), "{how}");
}

#[test]
fn the_human_format_replays_the_same_text() {
    let dir = generated();
    let root = dir.path();
    let human = |args: &[&str]| {
        let out = ftlint()
            .current_dir(root)
            .args(["check", "--format", "human"])
            .args(args)
            .output()
            .unwrap();
        (String::from_utf8(out.stdout).unwrap(), out.status.code())
    };
    let cold = human(&["--no-cache"]);
    human(&[]);
    assert_eq!(human(&[]), cold);
    assert!(cold.0.contains("-->") || cold.0.contains('|'), "{}", cold.0);
}

/// A hit that skipped the walk: every directory kept its stamp.
fn not_walked(how: &str) -> bool {
    how.starts_with("cache: hit") && how.contains("not walked")
}

#[test]
fn an_unchanged_tree_is_not_walked_again() {
    let dir = generated();
    let root = dir.path();
    warm_equals_cold(root, &[]);
    let (_, how) = warm_equals_cold(root, &[]);
    assert!(how.starts_with("cache: hit"), "{how}");
    let (_, how) = warm_equals_cold(root, &[]);
    assert!(not_walked(&how), "{how}");
    // A pre-commit run passing one file skips it too.
    let (_, how) = warm_equals_cold(root, &["apps/svc00002/base/service.yaml"]);
    assert!(not_walked(&how), "{how}");
}

#[test]
fn an_ignore_file_edited_in_place_is_walked_again() {
    let dir = generated();
    let root = dir.path();
    write(root, ".gitignore", "# nothing yet\n");
    let (before, _) = warm_equals_cold(root, &[]);
    assert!(findings(&before)
        .iter()
        .any(|f| f.1.starts_with("apps/svc00001/")));
    warm_equals_cold(root, &[]);
    // Same directory listing, other ignore rules: the directory stamps say
    // nothing; the ignore file's own stamp does.
    std::fs::write(root.join(".gitignore"), "apps/svc00001/\n").unwrap();
    let (after, how) = warm_equals_cold(root, &[]);
    assert!(!how.contains("not walked"), "{how}");
    assert!(!findings(&after)
        .iter()
        .any(|f| f.1.starts_with("apps/svc00001/")));
}

#[test]
fn a_file_added_in_a_directory_or_a_nested_config_is_seen() {
    let dir = generated();
    let root = dir.path();
    warm_equals_cold(root, &[]);
    warm_equals_cold(root, &[]);
    // A new file deep in the tree moves only its directory's stamp.
    write(
        root,
        "apps/svc00005/base/extra.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  password: hunter2hunter2\n",
    );
    let (added, how) = warm_equals_cold(root, &[]);
    assert!(how.starts_with("cache: miss"), "{how}");
    assert!(findings(&added)
        .iter()
        .any(|f| f.1 == "apps/svc00005/base/extra.yaml"));
    warm_equals_cold(root, &[]);
    // A nested config turns a rule off for its subtree.
    let rule = findings(&added)
        .iter()
        .find(|f| f.1.starts_with("apps/svc00006/"))
        .expect("a finding in svc00006")
        .0
        .clone();
    write(
        root,
        "apps/svc00006/.ftlint.yaml",
        &format!("rules:\n  {rule}:\n    enabled: false\n"),
    );
    let (nested, how) = warm_equals_cold(root, &[]);
    assert!(how.starts_with("cache: miss"), "{how}");
    assert!(!findings(&nested)
        .iter()
        .any(|f| f.0 == rule && f.1.starts_with("apps/svc00006/")));
    // Edited in place (its directory's stamp unchanged): still read.
    std::fs::write(root.join("apps/svc00006/.ftlint.yaml"), "rules: {}\n").unwrap();
    let (edited, _) = warm_equals_cold(root, &[]);
    assert!(findings(&edited)
        .iter()
        .any(|f| f.0 == rule && f.1.starts_with("apps/svc00006/")));
}
