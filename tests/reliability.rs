//! Reliability and safety of reading (SPEC §5): nothing outside the root is
//! read, only regular files are opened, every read is bounded, and whatever is
//! not read is an `io-error` finding, never a silent pass.

use std::fs;
use std::path::Path;

use predicates::prelude::*;

mod common;
use common::{ftlint, git_repo as repo, write};

const CLEAN_CM: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  LOG_LEVEL: info\n";
const OUTSIDE_SECRET: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leaked\ndata:\n  token: AKIAZZZZOUTSIDEKEY99\n";

#[cfg(unix)]
fn is_root() -> bool {
    unsafe { libc::geteuid() == 0 }
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

#[cfg(unix)]
#[test]
fn a_fifo_manifest_is_an_io_error_and_does_not_hang() {
    let dir = repo(&[("apps/cm.yaml", CLEAN_CM)]);
    mkfifo(&dir.path().join("apps/pipe.yaml"));
    ftlint()
        .arg("check")
        .arg(dir.path())
        .args(["--format", "short"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "apps/pipe.yaml:1:1: error[io-error] `apps/pipe.yaml` was not read: it is a FIFO, not a regular file",
        ));
}

#[test]
fn a_file_over_max_file_size_is_an_io_error() {
    let dir = repo(&[
        (".ftlint.yaml", "maxFileSize: 200\n"),
        ("cm.yaml", CLEAN_CM),
        ("big.yaml", &format!("# {}\n", "x".repeat(400))),
    ]);
    ftlint()
        .arg("check")
        .arg(dir.path())
        .args(["--format", "short"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("big.yaml:1:1: error[io-error]"))
        .stdout(predicate::str::contains("over the 200-byte size limit"))
        .stdout(predicate::str::contains("cm.yaml").not());
}

#[test]
fn max_file_size_accepts_units_and_rejects_nonsense() {
    let dir = repo(&[
        (".ftlint.yaml", "maxFileSize: 1KiB\n"),
        ("cm.yaml", CLEAN_CM),
    ]);
    ftlint().arg("check").arg(dir.path()).assert().code(0);
    let dir = repo(&[
        (".ftlint.yaml", "maxFileSize: lots\n"),
        ("cm.yaml", CLEAN_CM),
    ]);
    ftlint()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`maxFileSize` must be a positive byte count",
        ));
}

#[cfg(unix)]
#[test]
fn config_from_a_device_fails_fast() {
    if !Path::new("/dev/zero").exists() {
        eprintln!("skipped: /dev/zero is absent");
        return;
    }
    let dir = repo(&[("cm.yaml", CLEAN_CM)]);
    ftlint()
        .arg("check")
        .arg(dir.path())
        .args(["--config", "/dev/zero"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read config: it is a character device, not a regular file",
        ));
}

#[cfg(unix)]
#[test]
fn a_symlinked_file_outside_the_root_is_reported_not_read() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "leak.yaml", OUTSIDE_SECRET);
    let dir = repo(&[("cm.yaml", CLEAN_CM)]);
    std::os::unix::fs::symlink(
        outside.path().join("leak.yaml"),
        dir.path().join("leak.yaml"),
    )
    .unwrap();
    ftlint()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[io-error]"))
        .stdout(predicate::str::contains("outside the repository root"))
        .stdout(predicate::str::contains("AKIAZZZZ").not())
        .stdout(predicate::str::contains("leaked").not());
}

#[cfg(unix)]
#[test]
fn unreadable_file_and_directory_are_io_errors() {
    use std::os::unix::fs::PermissionsExt;
    if is_root() {
        eprintln!("skipped: running as root, chmod 000 does not stop reads (the FIFO, size and symlink tests cover io-error as root)");
        return;
    }
    let dir = repo(&[
        ("locked.yaml", CLEAN_CM),
        ("closed/secret.yaml", CLEAN_CM),
        ("cm.yaml", CLEAN_CM),
    ]);
    let mode = |p: &str, m: u32| {
        fs::set_permissions(dir.path().join(p), fs::Permissions::from_mode(m)).unwrap()
    };
    mode("locked.yaml", 0o000);
    mode("closed", 0o000);
    let out = ftlint()
        .arg("check")
        .arg(dir.path())
        .args(["--format", "short"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    mode("closed", 0o755);
    mode("locked.yaml", 0o644);
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains(
            "locked.yaml:1:1: error[io-error] `locked.yaml` was not read: permission denied"
        ),
        "{out}"
    );
    assert!(
        out.contains("closed:1:1: error[io-error] `closed` was not read: permission denied"),
        "{out}"
    );
}

#[test]
fn io_error_is_a_documented_selectable_rule() {
    ftlint()
        .args(["rule", "io-error"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("# io-error\n"));
    let dir = repo(&[
        ("big.yaml", &"# padding\n".repeat(40)),
        (".ftlint.yaml", "maxFileSize: 100\n"),
    ]);
    ftlint()
        .arg("check")
        .arg(dir.path())
        .args(["--ignore", "io-error"])
        .assert()
        .code(0);
}

#[cfg(unix)]
#[test]
fn kustomize_never_reads_outside_the_root_nor_blocks_on_special_files() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "leak.yaml", OUTSIDE_SECRET);
    let dir = repo(&[
        (
            "app/kustomization.yaml",
            "resources:\n- cm.yaml\n- ../../leak.yaml\npatches:\n- path: pipe.yaml\n- path: zero.yaml\nconfigMapGenerator:\n- name: gen\n  files:\n  - input.txt\n",
        ),
        ("app/cm.yaml", CLEAN_CM),
    ]);
    // `../../leak.yaml` from app/ is the sibling of the repository root.
    fs::rename(
        outside.path().join("leak.yaml"),
        dir.path().parent().unwrap().join("leak.yaml"),
    )
    .unwrap();
    let leak = dir.path().parent().unwrap().join("leak.yaml");
    mkfifo(&dir.path().join("app/pipe.yaml"));
    mkfifo(&dir.path().join("app/input.txt"));
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("app/zero.yaml")).unwrap();
    let out = ftlint()
        .arg("check")
        .arg(dir.path())
        .args(["--format", "short"])
        .timeout(std::time::Duration::from_secs(120))
        .assert()
        .code(1)
        .get_output()
        .clone();
    let _ = fs::remove_file(leak);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        !stdout.contains("AKIAZZZZ") && !stdout.contains("leaked"),
        "{stdout}"
    );
    assert!(
        stdout.contains("cannot read `../leak.yaml`: it is outside the repository root"),
        "{stdout}"
    );
    assert!(
        stdout.contains("app/pipe.yaml:1:1: error[io-error]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("cannot read `app/input.txt`: it is a FIFO"),
        "{stdout}"
    );
}
