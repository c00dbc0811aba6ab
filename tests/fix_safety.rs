//! `--fix` never damages a file (SPEC §7): writes go through symlinks, keep
//! owner, group, mode, line endings and encoding, skip read-only files and
//! files changed during the run, and a fix is kept only if the re-lint
//! confirms it.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn ftlint() -> Command {
    let mut cmd = Command::cargo_bin("ftlint").unwrap();
    cmd.env("FTLINT_NO_TIMING", "1").env("NO_COLOR", "1");
    cmd
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    for (rel, text) in files {
        write(dir.path(), rel, text);
    }
    dir
}

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
