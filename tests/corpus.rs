//! Robustness on real public GitOps repositories (`../shared/corpus`, beside
//! the checkout): every repository lints with exit 0 or 1, never a crash.

use std::path::PathBuf;

use assert_cmd::Command;

fn corpus_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    dir.is_dir().then_some(dir)
}

#[test]
fn corpus_repositories_lint_without_crashing() {
    let Some(corpus) = corpus_dir() else {
        eprintln!(
            "skipping: ../shared/corpus is absent (it is only beside the development checkout)"
        );
        return;
    };
    let mut repos: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    repos.sort();
    assert!(!repos.is_empty());
    for repo in repos {
        let out = Command::cargo_bin("ftlint")
            .unwrap()
            .arg("check")
            .arg(&repo)
            .args(["--format", "json"])
            .output()
            .unwrap();
        let code = out.status.code();
        assert!(
            matches!(code, Some(0) | Some(1)),
            "{}: exit {code:?}\n{}",
            repo.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{}: output is not JSON: {e}", repo.display()));
        assert_eq!(v["version"], 1);
    }
}
