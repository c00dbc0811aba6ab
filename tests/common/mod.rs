//! Helpers shared by the integration tests: load a fixture repository, lint
//! it with some rules selected, render findings for snapshots, copy trees,
//! run the binary on a scratch repository.
#![allow(dead_code)] // each test crate uses its own subset

pub mod schemas;

use std::path::{Path, PathBuf};

use ftlint::config::{self, Config};
use ftlint::diagnostic::Diagnostic;
use ftlint::engine::{self, Selection};
use ftlint::repo::Repo;
use ftlint::report;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn fixture(id: &str, kind: &str) -> PathBuf {
    fixtures().join(id).join(kind)
}

/// Load `root` as a repository, with its `.ftlint.yaml` if it has one.
pub fn load(root: &Path) -> Repo {
    let cfg_path = root.join(config::FILE_NAME);
    let config = if cfg_path.is_file() {
        Config::load(&cfg_path, &ftlint::rules::metas()).unwrap_or_else(|e| panic!("{e}"))
    } else {
        Config::default()
    };
    Repo::load(root, &[root.to_path_buf()], config, None, 1).expect("load repository")
}

/// The findings of the rules matching `pattern` (a glob over rule ids).
pub fn lint(repo: &Repo, pattern: &str) -> Vec<Diagnostic> {
    let selection = Selection {
        select: Some(config::build_globset(&[pattern.to_string()]).unwrap()),
        ignore: None,
    };
    engine::lint(repo, &selection, None).diagnostics
}

/// Findings in the short format, one line each.
pub fn short(repo: &Repo, diags: &[Diagnostic]) -> String {
    let summary = report::Summary::new(repo, diags, 0);
    let opts = report::Options {
        color: false,
        timing: false,
    };
    report::render(report::Format::Short, repo, diags, &summary, &opts)
}

/// The short format with related locations, help and environment under each
/// finding, so a snapshot shows everything a user sees.
pub fn detailed(repo: &Repo, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for (line, d) in short(repo, diags).lines().zip(diags) {
        out.push_str(line);
        out.push('\n');
        for r in &d.related {
            let reg = report::region(repo, r.span);
            out.push_str(&format!(
                "    related: {}:{}:{}: {}\n",
                report::path(repo, r.span),
                reg.start.line,
                reg.start.column,
                r.message
            ));
        }
        if let Some(h) = &d.help {
            out.push_str(&format!("    help: {h}\n"));
        }
        if let Some(env) = &d.context.env {
            out.push_str(&format!("    env: {env}\n"));
        }
    }
    out
}

/// Copy a directory tree (fixes are written to the copy).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_tree(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// The ftlint binary, without colour or timing in its output.
pub fn ftlint() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("ftlint").unwrap();
    cmd.env("FTLINT_NO_TIMING", "1").env("NO_COLOR", "1");
    cmd
}

/// Write `text` at `rel` under `dir`, creating directories.
pub fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A scratch repository holding `files` (path, content).
pub fn scratch_repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        write(dir.path(), rel, text);
    }
    dir
}

/// A scratch repository with `.git`, so it is its own root.
pub fn git_repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = scratch_repo(files);
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}
