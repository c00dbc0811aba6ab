//! The progress line of a long run: never on a pipe or with `-q`; on a
//! terminal it is drawn on stderr and erased before the report.
//! `FTLINT_PROGRESS_DELAY_MS=0` shows it at once, so no run has to be long.

use std::fs;
use std::process::{Command, Output, Stdio};

const PHASE: &str = "reading and rendering the repository";

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: z\n",
    )
    .unwrap();
    dir
}

fn ftlint(dir: &std::path::Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ftlint"));
    cmd.current_dir(dir)
        .args(args)
        .env("FTLINT_PROGRESS_DELAY_MS", "0")
        .env("FTLINT_NO_TIMING", "1")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    cmd
}

#[test]
fn a_pipe_never_gets_the_progress_line() {
    let dir = repo();
    let out: Output = ftlint(dir.path(), &["check", ".", "--no-cache"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains(PHASE), "{stderr}");
    assert!(!stderr.contains('\r'), "{stderr:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("error[duplicate-key]"), "{stdout}");
}

/// stderr on a pseudo-terminal: what the terminal received, stdout and the
/// exit code; `None` where no pseudo-terminal can be opened.
#[cfg(target_os = "linux")]
fn on_a_terminal(mut cmd: Command) -> Option<(String, String, i32)> {
    use std::io::Read;
    use std::os::fd::FromRawFd;

    // SAFETY: plain libc calls on a descriptor this function owns; the
    // master is wrapped in a File only after every call on it succeeded.
    let (master, slave) = unsafe {
        let fd = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        if fd < 0 {
            eprintln!(
                "skipped: no pseudo-terminal ({})",
                std::io::Error::last_os_error()
            );
            return None;
        }
        assert_eq!(libc::grantpt(fd), 0, "grantpt");
        assert_eq!(libc::unlockpt(fd), 0, "unlockpt");
        let mut name = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(fd, name.as_mut_ptr(), name.len()), 0);
        let path = std::ffi::CStr::from_ptr(name.as_ptr())
            .to_str()
            .unwrap()
            .to_string();
        (fs::File::from_raw_fd(fd), path)
    };
    let slave = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(slave)
        .unwrap();
    cmd.stderr(Stdio::from(slave)).stdout(Stdio::piped());
    let child = cmd.spawn().unwrap();
    // Only the child holds the terminal now: its exit ends the reads below.
    drop(cmd);
    let reader = std::thread::spawn(move || {
        let mut master = master;
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        // Linux answers EIO once the last holder of the terminal closed it.
        while let Ok(n) = master.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
        }
        String::from_utf8_lossy(&seen).into_owned()
    });
    let out = child.wait_with_output().unwrap();
    let terminal = reader.join().unwrap();
    Some((
        terminal,
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap_or(-1),
    ))
}

#[cfg(target_os = "linux")]
#[test]
fn a_terminal_sees_the_progress_line_erased_before_the_report() {
    let dir = repo();
    let Some((terminal, stdout, code)) =
        on_a_terminal(ftlint(dir.path(), &["check", ".", "--no-cache"]))
    else {
        return;
    };
    assert_eq!(code, 1);
    assert!(terminal.contains(PHASE), "{terminal:?}");
    // The last thing the progress line did was erase itself.
    let last_draw = terminal.rfind(PHASE).unwrap();
    assert!(terminal[last_draw..].contains("\r\x1b[2K"), "{terminal:?}");
    assert!(stdout.contains("error[duplicate-key]"), "{stdout}");
    assert!(!stdout.contains(PHASE), "{stdout}");

    let (quiet, _, code) =
        on_a_terminal(ftlint(dir.path(), &["check", ".", "-q", "--no-cache"])).unwrap();
    assert_eq!(code, 1);
    assert!(!quiet.contains(PHASE), "-q: {quiet:?}");
}
