//! `--fix` never damages a file (SPEC §7): writes go through symlinks, keep
//! owner, group, mode, line endings and encoding, skip read-only files and
//! files changed during the run, and a fix is kept only if the re-lint
//! confirms it.

use std::fs;
use std::path::Path;

use predicates::prelude::*;

mod common;
use common::{ftlint, git_repo as repo};

const AMBIGUOUS: &str =
    "# flags\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  FEATURE: on\n";
const QUOTED: &str =
    "# flags\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  FEATURE: \"on\"\n";

fn fix(dir: &Path) -> assert_cmd::assert::Assert {
    ftlint()
        .arg("check")
        .arg(dir)
        .args(["--fix", "--select", "ambiguous-value"])
        .assert()
}

#[cfg(unix)]
#[test]
fn a_symlink_is_fixed_through_to_its_target() {
    let dir = repo(&[("real/cm.yaml", AMBIGUOUS)]);
    std::os::unix::fs::symlink("real/cm.yaml", dir.path().join("cm.yaml")).unwrap();
    fix(dir.path()).code(0);
    let link = dir.path().join("cm.yaml");
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        fs::read_to_string(dir.path().join("real/cm.yaml")).unwrap(),
        QUOTED
    );
}

#[cfg(unix)]
#[test]
fn owner_group_and_mode_are_kept() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = repo(&[("cm.yaml", AMBIGUOUS)]);
    let path = dir.path().join("cm.yaml");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    let is_root = unsafe { libc::geteuid() } == 0;
    if is_root {
        std::os::unix::fs::chown(&path, Some(1234), Some(2345)).unwrap();
    } else {
        eprintln!("skipped the owner part: not root, cannot chown to another user");
    }
    let before = fs::metadata(&path).unwrap();
    fix(dir.path()).code(0);
    let after = fs::metadata(&path).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), QUOTED);
    assert_eq!(after.mode() & 0o7777, 0o640);
    assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    if is_root {
        assert_eq!((after.uid(), after.gid()), (1234, 2345));
    }
}

#[cfg(unix)]
#[test]
fn a_read_only_file_is_refused_with_a_message() {
    use std::os::unix::fs::PermissionsExt;
    let dir = repo(&[("cm.yaml", AMBIGUOUS), ("other.yaml", AMBIGUOUS)]);
    let path = dir.path().join("cm.yaml");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    // The finding stays (a warning), and the refusal is said.
    fix(dir.path())
        .code(0)
        .stderr(predicate::str::contains(
            "cm.yaml: is read-only; fix not written",
        ))
        .stderr(predicate::str::contains("fixed 1 finding(s) in 1 file(s)"));
    assert_eq!(fs::read_to_string(&path).unwrap(), AMBIGUOUS);
    assert_eq!(
        fs::read_to_string(dir.path().join("other.yaml")).unwrap(),
        QUOTED
    );
}

#[test]
fn crlf_files_keep_crlf_when_a_fix_adds_lines() {
    let app = "apiVersion: argoproj.io/v1alpha1\r\nkind: Application\r\nmetadata:\r\n  name: web\r\n  namespace: argocd\r\nspec:\r\n  project: default\r\n  source:\r\n    repoURL: https://github.com/example/gitops.git\r\n    targetRevision: main\r\n    path: .\r\n  destination:\r\n    server: https://kubernetes.default.svc\r\n    namespace: web\r\n  syncPolicy:\r\n    automated:\r\n      prune: true\r\n    retry:\r\n      backoff:\r\n        duration: 10s\r\n";
    // A retry block without `limit` never retries: the fix adds `limit: 5`.
    let dir = repo(&[("argocd/web.yaml", app)]);
    ftlint()
        .arg("check")
        .arg(dir.path())
        .args(["--fix", "--select", "argocd-sync-retry"])
        .assert()
        .stderr(predicate::str::contains("fixed 1 finding(s)"));
    let after = fs::read_to_string(dir.path().join("argocd/web.yaml")).unwrap();
    assert!(
        after.len() > app.len() && after.contains("limit: 5\r\n"),
        "{after}"
    );
    assert_eq!(
        after.matches('\n').count(),
        after.matches("\r\n").count(),
        "a bare LF was inserted: {after:?}"
    );
}

#[test]
fn utf16_files_stay_utf16_with_their_bom() {
    let dir = repo(&[]);
    let path = dir.path().join("cm.yaml");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(AMBIGUOUS.encode_utf16().flat_map(u16::to_le_bytes));
    fs::write(&path, &bytes).unwrap();
    fix(dir.path()).code(0);
    let after = fs::read(&path).unwrap();
    assert_eq!(&after[..2], &[0xFF, 0xFE]);
    let units: Vec<u16> = after[2..]
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    assert_eq!(String::from_utf16(&units).unwrap(), QUOTED);
}

#[test]
fn a_file_edited_during_the_run_is_not_overwritten() {
    use ftlint::config::Config;
    use ftlint::engine::{lint, Selection};
    let dir = repo(&[("cm.yaml", AMBIGUOUS), ("other.yaml", AMBIGUOUS)]);
    let root = dir.path().to_path_buf();
    let mut repo = ftlint::repo::Repo::load(
        &root,
        std::slice::from_ref(&root),
        Config::default(),
        None,
        1,
    )
    .unwrap();
    let diags = lint(&repo, &Selection::all(), None).diagnostics;
    let planned = ftlint::fix::plan_accepted(&mut repo, &diags, false, &Selection::all(), None);
    assert_eq!(planned.files.len(), 2);
    // The user saves the file after ftlint read it, before ftlint writes.
    let edited = AMBIGUOUS.replace("name: web", "name: web-v2");
    fs::write(dir.path().join("cm.yaml"), &edited).unwrap();
    let outcome = ftlint::fix::write(&repo, &planned).unwrap();
    assert_eq!(outcome.written.len(), 1);
    assert_eq!(outcome.skipped.len(), 1);
    assert!(
        outcome.skipped[0]
            .1
            .contains("cm.yaml: changed during the run"),
        "{:?}",
        outcome.skipped
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("cm.yaml")).unwrap(),
        edited
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("other.yaml")).unwrap(),
        QUOTED
    );
}

#[cfg(target_os = "linux")]
#[test]
fn an_unwritable_file_stops_the_run_before_any_write() {
    let dir = repo(&[("a.yaml", AMBIGUOUS), ("b.yaml", AMBIGUOUS)]);
    let b = dir.path().join("b.yaml");
    let immutable = std::process::Command::new("chattr")
        .arg("+i")
        .arg(&b)
        .status()
        .is_ok_and(|s| s.success());
    if !immutable {
        eprintln!("skipped: cannot make a file immutable here (chattr +i)");
        return;
    }
    let result = fix(dir.path());
    let _ = std::process::Command::new("chattr")
        .arg("-i")
        .arg(&b)
        .status();
    result
        .code(2)
        .stderr(predicate::str::contains("cannot write the fix of b.yaml"))
        .stderr(predicate::str::contains("no file was changed"));
    assert_eq!(
        fs::read_to_string(dir.path().join("a.yaml")).unwrap(),
        AMBIGUOUS
    );
}

fn unsafe_diff(dir: &Path) -> assert_cmd::assert::Assert {
    ftlint()
        .arg("check")
        .arg(dir)
        .args(["--fix", "--unsafe-fixes", "--diff", "--select", "schema"])
        .assert()
}

#[test]
fn a_rename_next_to_the_existing_key_is_dropped_as_a_duplicate() {
    let kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nconfigMapGenerator:\n  - name: app\n    files:\n      - app.properties\n    filters:\n      - x\n";
    let dir = repo(&[
        ("kustomization.yaml", kustomization),
        ("app.properties", "a=b\n"),
    ]);
    unsafe_diff(dir.path())
        .stdout("")
        .stderr(predicate::str::contains(
            "kustomization.yaml:7:5: fix for `schema` not applied: it would create a duplicate key",
        ));
}

#[test]
fn renames_that_create_schema_errors_are_dropped() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: web\nspec:\n  hostnames:\n    - web.local\n  containers:\n    - name: web\n      image: nginx:1.27\n";
    let app = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://charts.example.com\n    chart: web\n    targetRevision: 1.0.0\n    helm:\n      useCredentials: yes-please\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n";
    let dir = repo(&[("pod.yaml", pod), ("app.yaml", app)]);
    unsafe_diff(dir.path())
        .stdout("")
        .stderr(predicate::str::contains(
            "pod.yaml:7:3: fix for `schema` not applied: it would cause a new finding: pod.yaml[schema] `hostname` must be a string",
        ))
        .stderr(predicate::str::contains(
            "app.yaml:13:7: fix for `schema` not applied: it would cause a new finding: app.yaml[schema] `passCredentials` must be a boolean",
        ));
    ftlint()
        .arg("check")
        .arg(dir.path())
        .args(["--fix", "--unsafe-fixes", "--select", "schema"])
        .assert()
        .code(1);
    assert_eq!(
        fs::read_to_string(dir.path().join("pod.yaml")).unwrap(),
        pod
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("app.yaml")).unwrap(),
        app
    );
}

#[test]
fn a_rename_that_resolves_the_finding_is_applied() {
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: web\nspec:\n  replica: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n";
    let dir = repo(&[("deploy.yaml", deploy)]);
    ftlint()
        .arg("check")
        .arg(dir.path())
        .args(["--fix", "--unsafe-fixes", "--select", "schema"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("fixed 1 finding(s) in 1 file(s)"));
    assert_eq!(
        fs::read_to_string(dir.path().join("deploy.yaml")).unwrap(),
        deploy.replace("replica: 2", "replicas: 2")
    );
}

fn cert(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/seal")
        .join(name)
}

fn seal(dir: &Path) -> assert_cmd::assert::Assert {
    ftlint()
        .arg("check")
        .arg(dir)
        .args(["--fix", "--select", "no-plaintext-secret", "--seal-cert"])
        .arg(cert("test-cert.pem"))
        .assert()
}

#[test]
fn sealing_keeps_the_next_document_labels_annotations_and_comments() {
    let text = "# top comment\napiVersion: v1\nkind: Secret\nmetadata:\n  name: repo\n  namespace: argocd\n  labels:\n    argocd.argoproj.io/secret-type: repository\n  annotations:\n    team: payments\n    kubectl.kubernetes.io/last-applied-configuration: '{\"stringData\":{\"sshPrivateKey\":\"x\"}}'\ntype: Opaque\nstringData:\n  sshPrivateKey: |\n    -----BEGIN OPENSSH PRIVATE KEY-----\n    b3BlbnNzaC1rZXktdjEAAAAA\n    -----END OPENSSH PRIVATE KEY-----\n---\n# the next document\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: argocd\ndata:\n  LOG_LEVEL: info\n";
    let dir = repo(&[("secrets.yaml", text)]);
    seal(dir.path()).code(0);
    let after = fs::read_to_string(dir.path().join("secrets.yaml")).unwrap();
    assert!(
        after.starts_with("# top comment\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n"),
        "{after}"
    );
    assert!(
        after.contains("\n---\n# the next document\napiVersion: v1\nkind: ConfigMap\n"),
        "{after}"
    );
    assert!(after.ends_with("data:\n  LOG_LEVEL: info\n"), "{after}");
    assert!(
        after.contains("      labels:\n        argocd.argoproj.io/secret-type: repository\n"),
        "{after}"
    );
    assert!(after.contains("        team: payments\n"), "{after}");
    assert!(
        !after.contains("last-applied") && !after.contains("OPENSSH"),
        "{after}"
    );
}

#[test]
fn sealing_a_json_file_writes_json() {
    let text = "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Secret\",\n  \"metadata\": {\"name\": \"db\", \"namespace\": \"shop\", \"labels\": {\"app\": \"db\"}},\n  \"type\": \"Opaque\",\n  \"data\": {\"password\": \"czNjcjN0\"}\n}\n";
    let dir = repo(&[("secret.json", text)]);
    seal(dir.path()).code(0);
    let after = fs::read_to_string(dir.path().join("secret.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(v["kind"], "SealedSecret");
    assert_eq!(v["spec"]["template"]["metadata"]["labels"]["app"], "db");
    assert!(after.ends_with("}\n"), "{after}");
}

#[test]
fn certificates_are_checked_before_sealing() {
    let dir = repo(&[(
        "secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\ndata:\n  password: czNjcjN0\n",
    )]);
    let run = |name: &str, extra: &[&str]| {
        ftlint()
            .arg("check")
            .arg(dir.path())
            .args(["--fix", "--diff", "--seal-cert"])
            .arg(cert(name))
            .args(extra)
            .assert()
    };
    run("expired-cert.pem", &[])
        .code(2)
        .stderr(predicate::str::contains(
            "the certificate expired on 2021-01-01",
        ));
    run("expired-cert.pem", &["--seal-allow-expired"])
        .code(1)
        .stdout(predicate::str::contains("+kind: SealedSecret"));
    run("future-cert.pem", &[])
        .code(2)
        .stderr(predicate::str::contains("not valid yet"));
    run("rsa512-cert.pem", &[])
        .code(2)
        .stderr(predicate::str::contains("the RSA key has 512 bits"));
    run("ec-cert.pem", &[])
        .code(2)
        .stderr(predicate::str::contains("elliptic-curve (EC)"));
    run("test-cert.der", &[])
        .code(2)
        .stderr(predicate::str::contains("DER (binary)"));
    run("not-a-cert.txt", &[])
        .code(2)
        .stderr(predicate::str::contains("not a certificate"));
}

/// Each run judges a refused rename again: a second `--fix` (after the first
/// applied the file's other fix) refuses it with the same message and leaves
/// the file as the first run wrote it.
#[test]
fn a_second_fix_run_refuses_the_rename_again() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: web\n  labels:\n    debug: on\nspec:\n  hostnames:\n    - web.local\n  containers:\n    - name: web\n      image: nginx:1.27\n";
    let dir = repo(&[("pod.yaml", pod)]);
    let run = || {
        ftlint()
            .arg("check")
            .arg(dir.path())
            .args([
                "--fix",
                "--unsafe-fixes",
                "--select",
                "schema,ambiguous-value",
            ])
            .assert()
            .stderr(predicate::str::contains(
                "fix for `schema` not applied: it would cause a new finding",
            ))
    };
    run();
    let after_first = fs::read_to_string(dir.path().join("pod.yaml")).unwrap();
    assert_eq!(after_first, pod.replace("debug: on", "debug: \"on\""));
    run().stderr(predicate::str::contains("fixed").not());
    assert_eq!(
        fs::read_to_string(dir.path().join("pod.yaml")).unwrap(),
        after_first
    );
}
