//! Whole-run benchmark: `ftlint check` (the release binary, as a child
//! process) on generated repositories of N services, cold and warm, with the
//! peers measured in the same run.
//!
//! `cargo bench --bench check` — SIZES=100,1000 overrides the sizes,
//! KUBECTL_SAMPLE=n the number of overlays built with `kubectl kustomize`
//! (0 skips it), CHECKOV=0 skips checkov, SHAPES/SHAPE_SIZES the other
//! repository shapes (see `other_shapes`).
//!
//! Printed per size: wall and CPU time of a first (cold) run, of a run after
//! editing one file, of a run with nothing changed, of a run after touching
//! one file (new mtime, same bytes), and of a pre-commit run passing the
//! edited file (these four reuse `.ftlint_cache/`); files/s,
//! objects/s, MB/s, peak resident memory of the child, and the per-phase split
//! from `--stats`.

#[path = "gen/mod.rs"]
mod gen;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const FTLINT: &str = env!("CARGO_BIN_EXE_ftlint");

struct Run {
    wall_ms: f64,
    /// User + system CPU time of the child: less sensitive than wall time to
    /// other load on the machine.
    cpu_ms: f64,
    peak_mb: f64,
    stdout: String,
    stderr: String,
}

/// Runs a command to completion; wall time and the child's own peak RSS
/// (from `wait4`, so earlier children do not count).
fn run(cmd: &mut Command) -> Run {
    let t = Instant::now();
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id() as libc::pid_t;
    // Drain the pipes on threads so a large output cannot block the child.
    let mut child = child;
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out, &mut s).ok();
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).ok();
        s
    });
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child; status and usage are valid out-pointers.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4 failed");
    let wall_ms = t.elapsed().as_secs_f64() * 1e3;
    let tv_ms = |t: libc::timeval| t.tv_sec as f64 * 1e3 + t.tv_usec as f64 / 1e3;
    Run {
        wall_ms,
        cpu_ms: tv_ms(usage.ru_utime) + tv_ms(usage.ru_stime),
        peak_mb: usage.ru_maxrss as f64 / 1024.0,
        stdout: out_t.join().unwrap(),
        stderr: err_t.join().unwrap(),
    }
}

fn ftlint(root: &Path, extra: &[&str]) -> Run {
    let mut cmd = Command::new(FTLINT);
    cmd.current_dir(root)
        .args(["check", "--format", "json", "--stats", "--color", "never"])
        .args(extra);
    run(&mut cmd)
}

fn summary_field(json: &str, field: &str) -> f64 {
    let v: serde_json::Value = serde_json::from_str(json).expect("ftlint json output");
    v["summary"][field].as_f64().unwrap_or(0.0)
}

/// The `time:` line of `--stats`.
fn phases(stderr: &str) -> String {
    stderr
        .lines()
        .find(|l| l.starts_with("time:"))
        .unwrap_or("time: (no --stats line)")
        .trim_start_matches("time: ")
        .to_string()
}

fn tree_bytes(root: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let m = e.metadata().unwrap();
            if m.is_dir() {
                if e.file_name() != ".ftlint_cache" {
                    stack.push(e.path());
                }
            } else {
                total += m.len();
            }
        }
    }
    total
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn tool_ok(cmd: &str, args: &[&str]) -> bool {
    Command::new(cmd)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn main() {
    let sizes: Vec<usize> = std::env::var("SIZES")
        .unwrap_or_else(|_| "100,1000,3000,10000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let kubectl_sample = env_usize("KUBECTL_SAMPLE", 10);
    let checkov = std::env::var("CHECKOV").map_or(true, |v| v != "0");
    println!(
        "| services | files | MB | objects | cold s | cold CPU s | warm (1 file edited) ms | unchanged ms | 1 file touched ms | pre-commit warm ms | files/s | objects/s | MB/s | peak MB | phases (cold) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let mut per_overlay_ms = None;
    let mut per_file_ms_small = None;
    let mut kept: Vec<(usize, tempfile::TempDir, Vec<String>)> = Vec::new();
    for &n in &sizes {
        // BENCH_DIR keeps the generated repositories (for profiling).
        let tmp = match std::env::var("BENCH_DIR") {
            Ok(dir) => {
                std::fs::create_dir_all(&dir).unwrap();
                tempfile::Builder::new()
                    .prefix(&format!("services-{n}-"))
                    .disable_cleanup(true)
                    .tempdir_in(dir)
                    .unwrap()
            }
            Err(_) => tempfile::tempdir().unwrap(),
        };
        let root = tmp.path();
        let overlays = gen::generate(root, n);
        let bytes = tree_bytes(root);
        // Flush the generator's writes first, so the cold run is not timed
        // against the kernel writing 130,000 new files back to disk (their
        // pages stay cached, as in a checkout made earlier).
        // SAFETY: sync(2) takes no arguments and cannot fail.
        unsafe { libc::sync() };
        let cold = ftlint(root, &[]);
        let files = summary_field(&cold.stdout, "files");
        let objects = summary_field(&cold.stdout, "objects");
        // The cold run stored its findings in `.ftlint_cache/`. "Warm" runs
        // after editing one file; then a run with nothing changed, one after
        // touching that file, and a pre-commit run passing it.
        let touched = root.join("apps/svc00000/base/service.yaml");
        let text = std::fs::read_to_string(&touched).unwrap();
        std::fs::write(&touched, text.replace("port: 80", "port: 81")).unwrap();
        let warm = ftlint(root, &[]);
        let unchanged = ftlint(root, &[]);
        // `touch`: a new mtime, the same bytes (as after a checkout or a
        // save without changes): the file is read again and its digest compared.
        std::fs::File::options()
            .write(true)
            .open(&touched)
            .and_then(|f| f.set_modified(std::time::SystemTime::now()))
            .unwrap();
        let touched_run = ftlint(root, &[]);
        let precommit = ftlint(root, &["apps/svc00000/base/service.yaml"]);
        for (what, r) in [
            ("warm", &warm),
            ("unchanged", &unchanged),
            ("touched", &touched_run),
            ("pre-commit", &precommit),
        ] {
            eprintln!(
                "{n} services, {what}: {:.0} ms wall, {:.0} ms CPU, {}; {}",
                r.wall_ms,
                r.cpu_ms,
                phases(&r.stderr),
                r.stderr
                    .lines()
                    .find(|l| l.starts_with("cache:"))
                    .unwrap_or("cache: ?")
            );
        }
        let secs = cold.wall_ms / 1e3;
        println!(
            "| {n} | {files} | {:.1} | {objects} | {:.2} | {:.2} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.1} | {:.0} | {} |",
            bytes as f64 / 1e6,
            secs,
            cold.cpu_ms / 1e3,
            warm.wall_ms,
            unchanged.wall_ms,
            touched_run.wall_ms,
            precommit.wall_ms,
            files / secs,
            objects / secs,
            bytes as f64 / 1e6 / secs,
            cold.peak_mb,
            phases(&cold.stderr),
        );
        if n == 100 {
            per_file_ms_small = Some(cold.wall_ms / files);
        }
        if per_overlay_ms.is_none() && n >= 1000 {
            per_overlay_ms = Some(cold.wall_ms / overlays.len() as f64);
        }
        if n <= 1000 {
            kept.push((n, tmp, overlays));
        }
    }

    // Peers, on the repositories generated above.
    if kubectl_sample > 0 && tool_ok("kubectl", &["version", "--client"]) {
        if let Some((n, tmp, overlays)) = kept.iter().max_by_key(|(n, ..)| *n) {
            let step = (overlays.len() / kubectl_sample).max(1);
            let picked: Vec<&String> = overlays.iter().step_by(step).take(kubectl_sample).collect();
            let t = Instant::now();
            for o in &picked {
                let out = Command::new("kubectl")
                    .arg("kustomize")
                    .arg(tmp.path().join(o))
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            let kubectl_ms = t.elapsed().as_secs_f64() * 1e3 / picked.len() as f64;
            let ours = per_overlay_ms.unwrap_or_else(|| {
                // No size >= 1000: use the largest kept run, recomputed.
                ftlint(tmp.path(), &[]).wall_ms / overlays.len() as f64
            });
            println!(
                "\nkubectl kustomize: {kubectl_ms:.1} ms per overlay ({} sampled of the {n}-service repo); \
                 ftlint full check: {ours:.3} ms per overlay -> {:.0}x",
                picked.len(),
                kubectl_ms / ours
            );
        }
    } else {
        println!("\nkubectl not run (absent or KUBECTL_SAMPLE=0)");
    }
    if checkov && tool_ok("checkov", &["--version"]) {
        if let Some((_, tmp, _)) = kept.iter().find(|(n, ..)| *n == 100) {
            let mut cmd = Command::new("checkov");
            cmd.args(["-d"]).arg(tmp.path()).args([
                "--framework",
                "kubernetes",
                "--quiet",
                "--compact",
                "-o",
                "json",
            ]);
            let r = run(&mut cmd);
            let files = tree_files(tmp.path()) as f64;
            let checkov_ms = r.wall_ms / files;
            let ours = per_file_ms_small.unwrap_or(f64::NAN);
            println!(
                "checkov: {:.0} ms for {files} files ({:.2} ms/file, {:.0} files/s); ftlint: {ours:.3} ms/file -> {:.0}x",
                r.wall_ms,
                checkov_ms,
                1e3 / checkov_ms,
                checkov_ms / ours
            );
        }
    } else {
        println!("checkov not run (absent or CHECKOV=0)");
    }
    other_shapes();
}

/// Cold runs on other repository shapes (`gen::generate_shape`), to show
/// that cost stays linear in them too: SHAPES=loose,single (the default;
/// SHAPES=none skips them) at SHAPE_SIZES (default 1000,3000).
fn other_shapes() {
    let shapes = std::env::var("SHAPES").unwrap_or_else(|_| "loose,single".into());
    let sizes: Vec<usize> = std::env::var("SHAPE_SIZES")
        .unwrap_or_else(|_| "1000,3000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let shapes: Vec<&str> = shapes.split(',').filter(|s| *s != "none").collect();
    if shapes.is_empty() {
        return;
    }
    println!(
        "\n| shape | services | files | objects | cold s | cold CPU s | peak MB | phases (cold) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for shape in shapes {
        for &n in &sizes {
            let tmp = tempfile::tempdir().unwrap();
            gen::generate_shape(tmp.path(), shape, n);
            // SAFETY: as above, sync(2) cannot fail.
            unsafe { libc::sync() };
            let cold = ftlint(tmp.path(), &[]);
            println!(
                "| {shape} | {n} | {} | {} | {:.2} | {:.2} | {:.0} | {} |",
                summary_field(&cold.stdout, "files"),
                summary_field(&cold.stdout, "objects"),
                cold.wall_ms / 1e3,
                cold.cpu_ms / 1e3,
                cold.peak_mb,
                phases(&cold.stderr),
            );
        }
    }
}

fn tree_files(root: &Path) -> usize {
    let mut total = 0;
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                if e.file_name() != ".ftlint_cache" && e.file_name() != ".git" {
                    stack.push(e.path());
                }
            } else {
                total += 1;
            }
        }
    }
    total
}
