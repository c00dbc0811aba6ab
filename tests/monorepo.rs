//! A GitOps tree in a subfolder of a git repository, with a nested
//! `.ftlint.yaml`: the same findings whether ftlint runs from the git root,
//! from the subfolder, or on the files as pre-commit passes them; machine
//! formats relative to the git root, valid against their official schemas.

use std::fs;
use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;

mod common;
use common::schemas::{validate_junit, validate_sarif};

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: NAME
spec:
  replicas: 1
  selector:
    matchLabels: {app: NAME}
  template:
    metadata:
      labels: {app: NAME}
    spec:
      containers:
        - name: NAME
          image: registry.example.com/NAME:v1.2.3
";

/// git root: an app's source and CI files, and `deploy/` holding the GitOps tree.
/// `deploy/.ftlint.yaml` turns on `default-service-account` (off by default);
/// `deploy/apps/batch/.ftlint.yaml` turns `missing-resources` off for its subtree.
fn scratch_repo() -> Option<tempfile::TempDir> {
    let git_ok = Process::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !git_ok {
        eprintln!("skipped: git is not installed");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let status = Process::new("git")
        .args(["init", "-q"])
        .current_dir(root)
        .status()
        .unwrap();
    assert!(status.success());
    write(root, "README.md", "# shop\n");
    write(root, "src/main.py", "print('hello')\n");
    write(
        root,
        "deploy/.ftlint.yaml",
        "environments:\n  prod: {paths: [\"**/overlays/prod/**\"]}\nrules:\n  default-service-account: warning\n",
    );
    write(
        root,
        "deploy/namespaces/shop.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
    );
    write(
        root,
        "deploy/apps/web/base/deployment.yaml",
        &DEPLOYMENT.replace("NAME", "web"),
    );
    write(
        root,
        "deploy/apps/web/base/kustomization.yaml",
        "resources:\n  - deployment.yaml\n",
    );
    write(
        root,
        "deploy/apps/web/overlays/prod/kustomization.yaml",
        "namespace: shop\nresources:\n  - ../../base\nimages:\n  - name: registry.example.com/web\n    newTag: latest\n",
    );
    write(
        root,
        "deploy/apps/batch/.ftlint.yaml",
        "rules:\n  missing-resources: off\n",
    );
    write(
        root,
        "deploy/apps/batch/worker.yaml",
        &DEPLOYMENT.replace("NAME", "worker").replace(
            "name: worker\nspec:",
            "name: worker\n  namespace: shop\nspec:",
        ),
    );
    Some(dir)
}

fn ftlint(cwd: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("ftlint")
        .unwrap()
        .current_dir(cwd)
        .env("FTLINT_NO_TIMING", "1")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// (file, line, column, rule, message) of every finding of a JSON report.
fn findings(json: &str) -> Vec<(String, u64, u64, String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["rule"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn yaml_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        if p.is_dir() && name != ".git" {
            yaml_files(root, &p, out);
        } else if name.ends_with(".yaml") && !name.starts_with('.') {
            out.push(
                p.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}

#[test]
fn same_findings_from_the_git_root_the_subfolder_and_pre_commit() {
    let Some(dir) = scratch_repo() else { return };
    let root = dir.path();
    let (code, from_root) = ftlint(root, &["check", "--format", "json"]);
    assert_eq!(code, 1, "{from_root}");
    let expected = findings(&from_root);
    let rules: Vec<&str> = expected.iter().map(|f| f.3.as_str()).collect();
    // The subfolder's config applies from the git root: its rule runs...
    assert!(rules.contains(&"default-service-account"), "{expected:?}");
    // ...the nested config turns missing-resources off only for its subtree...
    assert!(expected
        .iter()
        .any(|f| f.3 == "missing-resources" && f.0.starts_with("deploy/apps/web/")));
    assert!(!expected
        .iter()
        .any(|f| f.3 == "missing-resources" && f.0.starts_with("deploy/apps/batch/")));
    // ...and prod is recognised from the subfolder config's environment paths.
    assert!(rules.contains(&"no-latest-tag"), "{expected:?}");
    // The namespace is declared elsewhere in the tree: no false namespace-missing.
    assert!(!rules.contains(&"namespace-missing"), "{expected:?}");
    assert!(expected.iter().all(|f| f.0.starts_with("deploy/")));

    let (_, from_subfolder) = ftlint(&root.join("deploy"), &["check", "--format", "json"]);
    assert_eq!(findings(&from_subfolder), expected);
    let (_, from_app) = ftlint(
        &root.join("deploy/apps"),
        &["check", ".", "--format", "json"],
    );
    assert_eq!(findings(&from_app), expected);

    // pre-commit runs from the git root with the staged files as arguments.
    let mut files = Vec::new();
    yaml_files(root, root, &mut files);
    files.sort();
    let mut args = vec!["--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let (_, pre_commit) = ftlint(root, &args);
    assert_eq!(findings(&pre_commit), expected);

    // One file alone still sees its whole tree (the overlay sets prod and the namespace).
    let (_, one) = ftlint(
        root,
        &[
            "--format",
            "json",
            "deploy/apps/web/overlays/prod/kustomization.yaml",
        ],
    );
    let one = findings(&one);
    assert!(one.iter().any(|f| f.3 == "no-latest-tag"), "{one:?}");
    assert!(one.iter().all(|f| expected.contains(f)), "{one:?}");
}

#[test]
fn people_see_paths_from_where_they_stand_machines_from_the_git_root() {
    let Some(dir) = scratch_repo() else { return };
    let root = dir.path();
    let apps = root.join("deploy/apps");
    let (_, short) = ftlint(
        &apps,
        &[
            "check",
            ".",
            "--format",
            "short",
            "--select",
            "no-latest-tag",
        ],
    );
    assert!(
        short.starts_with("web/overlays/prod/kustomization.yaml:6:13: error[no-latest-tag]"),
        "{short}"
    );
    let (_, up) = ftlint(
        &apps.join("batch"),
        &[
            "check",
            "..",
            "--format",
            "short",
            "--select",
            "no-latest-tag",
        ],
    );
    assert!(
        up.starts_with("../web/overlays/prod/kustomization.yaml:6:13:"),
        "{up}"
    );
    let (_, github) = ftlint(
        &apps,
        &[
            "check",
            ".",
            "--format",
            "github",
            "--select",
            "no-latest-tag",
        ],
    );
    assert!(
        github.starts_with(
            "::error file=deploy/apps/web/overlays/prod/kustomization.yaml,line=6,col=13"
        ),
        "{github}"
    );
    let (_, junit) = ftlint(
        &apps,
        &[
            "check",
            ".",
            "--format",
            "junit",
            "--select",
            "no-latest-tag",
        ],
    );
    assert!(
        junit.contains("<testsuite name=\"deploy/apps/web/overlays/prod/kustomization.yaml\""),
        "{junit}"
    );
    let (_, sarif) = ftlint(&apps, &["check", ".", "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let run = &v["runs"][0];
    let uris: Vec<&str> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        !uris.is_empty() && uris.iter().all(|u| u.starts_with("deploy/apps/")),
        "{uris:?}"
    );
    let base = run["originalUriBaseIds"]["SRCROOT"]["uri"]
        .as_str()
        .unwrap();
    let canonical = fs::canonicalize(root).unwrap();
    assert_eq!(base, format!("file://{}/", canonical.display()));
    validate_sarif(&v);
    validate_junit(&junit);
}

#[test]
fn a_named_file_outside_any_repository_is_read_alone() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "outside/a.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: z\n",
    );
    write(dir.path(), "outside/b.yaml", "a: [\n");
    let cwd = dir.path().join("elsewhere");
    write(&cwd, "c.yaml", "a: [\n");
    let target = dir.path().join("outside/a.yaml");
    let (code, out) = ftlint(
        &cwd,
        &["check", target.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["files"], 1, "{out}");
    assert_eq!(v["diagnostics"][0]["file"], "a.yaml");
}
