//! Corpus comparison: every kustomization in `../shared/corpus/` (real public
//! GitOps repositories, not part of this project) that `kubectl kustomize`
//! builds offline must render identically with the native renderer, with no
//! `kustomize-build` or `kustomize-patch-target-missing` finding.
//!
//! Slow (one `kubectl` run per directory), so ignored by default:
//! `cargo test --test kustomize_corpus -- --ignored --nocapture`.

use std::path::{Path, PathBuf};
use std::process::Command;

use ftlint::kustomize::{is_kustomization_file, render, sources_from_dir, to_yaml};
use ftlint::yaml::{parse, FileId};
use rayon::prelude::*;

/// The findings the Kustomize rules make of a render's events.
fn findings(r: &ftlint::kustomize::Rendered) -> Vec<ftlint::diagnostic::Diagnostic> {
    ftlint::rules::kustomize::findings(&r.events)
}

fn corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    p.is_dir().then_some(p)
}

fn json_docs(text: &str) -> Option<Vec<serde_json::Value>> {
    let p = parse(text, FileId(0));
    if p.error.is_some() {
        return None;
    }
    Some(
        p.documents
            .iter()
            .filter(|d| !d.root.is_null())
            .map(|d| d.root.to_json())
            .collect(),
    )
}

/// Directories known to differ from `kubectl kustomize` (none at present).
const KNOWN_GAPS: &[&str] = &[];

#[test]
#[ignore]
fn corpus_renders_like_kubectl_kustomize() {
    let Some(corpus) = corpus() else {
        eprintln!("skipping: ../shared/corpus is absent");
        return;
    };
    if !Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        eprintln!("skipping: kubectl is not on PATH");
        return;
    }
    let mut repos: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    repos.sort();
    let (mut total, mut skipped_remote, mut kubectl_failed, mut identical) = (0, 0, 0, 0);
    let mut lenient = Vec::new();
    let mut differing = Vec::new();
    for repo in repos {
        let sources = sources_from_dir(&repo);
        let mut dirs: Vec<String> = sources
            .files
            .iter()
            .filter(|f| is_kustomization_file(&f.path))
            .map(|f| f.dir().to_string())
            .collect();
        dirs.sort();
        dirs.dedup();
        let results: Vec<(String, &'static str, String)> = dirs
            .par_iter()
            .map(|dir| {
                let r = render(&sources, dir);
                assert!(
                    !findings(&r)
                        .iter()
                        .any(|d| d.message.starts_with("internal error")),
                    "{dir}: the renderer panicked"
                );
                let offline_gap = findings(&r).iter().any(|d| {
                    d.rule == "kustomize-build"
                        && (d.message.contains("remote")
                            || d.message.contains("Helm")
                            || d.message.contains("plugins"))
                });
                if offline_gap {
                    return (dir.clone(), "skip", String::new());
                }
                let out = Command::new("kubectl")
                    .arg("kustomize")
                    .arg(repo.join(dir))
                    .env("HTTPS_PROXY", "http://127.0.0.1:9")
                    .output()
                    .unwrap();
                if !out.status.success() {
                    return (
                        dir.clone(),
                        "fail",
                        String::from_utf8_lossy(&out.stderr).into_owned(),
                    );
                }
                let want = json_docs(&String::from_utf8_lossy(&out.stdout));
                let got = json_docs(&to_yaml(&r.objects));
                // kubectl builds it cleanly: no build or missing-target finding.
                let false_alarms: Vec<String> = findings(&r)
                    .iter()
                    .filter(|d| {
                        d.rule == "kustomize-patch-target-missing" || d.rule == "kustomize-build"
                    })
                    .map(|d| format!("{}: {}", d.rule, d.message))
                    .collect();
                if !false_alarms.is_empty() {
                    return (dir.clone(), "diff", false_alarms.join("; "));
                }
                if want.is_some() && want == got {
                    (dir.clone(), "same", String::new())
                } else {
                    let diags: Vec<String> = findings(&r)
                        .iter()
                        .map(|d| format!("{}: {}", d.rule, d.message))
                        .collect();
                    (dir.clone(), "diff", diags.join("; "))
                }
            })
            .collect();
        for (dir, status, detail) in results {
            total += 1;
            match status {
                "skip" => skipped_remote += 1,
                "fail" => kubectl_failed += 1,
                "fail-lenient" => {
                    kubectl_failed += 1;
                    lenient.push(format!(
                        "{}/{dir}: {}",
                        repo.file_name().unwrap().to_string_lossy(),
                        detail.lines().last().unwrap_or("")
                    ));
                }
                "same" => identical += 1,
                _ => differing.push((
                    format!("{}/{dir}", repo.file_name().unwrap().to_string_lossy()),
                    detail,
                )),
            }
        }
    }
    let buildable = identical + differing.len();
    eprintln!(
        "corpus: {total} kustomization dirs; {skipped_remote} need the network/Helm/plugins (skipped); \
         {kubectl_failed} fail with kubectl offline; {identical}/{buildable} identical"
    );
    eprintln!(
        "{} of the kubectl failures render without an error diagnostic:",
        lenient.len()
    );
    for l in &lenient {
        eprintln!("  lenient: {l}");
    }
    for (d, detail) in &differing {
        let known = if KNOWN_GAPS.contains(&d.as_str()) {
            " (known gap)"
        } else {
            ""
        };
        eprintln!("  differs{known}: {d}  [{detail}]");
    }
    let unexpected: Vec<&String> = differing
        .iter()
        .map(|(d, _)| d)
        .filter(|d| !KNOWN_GAPS.contains(&d.as_str()))
        .collect();
    assert!(
        unexpected.is_empty(),
        "{} directories render differently: {unexpected:?}",
        unexpected.len()
    );
}

/// Debug helper: `KDIR=repo/dir cargo test --test kustomize_corpus one_dir -- --ignored --nocapture`
/// prints the first differing object of one corpus directory.
#[test]
#[ignore]
fn one_dir() {
    let (Some(corpus), Ok(kdir)) = (corpus(), std::env::var("KDIR")) else {
        return;
    };
    let (repo, dir) = kdir.split_once('/').unwrap();
    let sources = sources_from_dir(&corpus.join(repo));
    let r = render(&sources, dir);
    for d in &findings(&r) {
        eprintln!("diag {}: {}", d.rule, d.message);
    }
    let out = Command::new("kubectl")
        .arg("kustomize")
        .arg(corpus.join(repo).join(dir))
        .output()
        .unwrap();
    let want = json_docs(&String::from_utf8_lossy(&out.stdout)).unwrap_or_default();
    let got = json_docs(&to_yaml(&r.objects)).unwrap_or_default();
    eprintln!("want {} objects, got {}", want.len(), got.len());
    for (i, w) in want.iter().enumerate() {
        let g = got.get(i);
        if g != Some(w) {
            let tmp = std::env::temp_dir();
            let (want_path, got_path) = (tmp.join("want.json"), tmp.join("got.json"));
            std::fs::write(&want_path, serde_json::to_string_pretty(w).unwrap()).unwrap();
            std::fs::write(
                &got_path,
                g.map(|g| serde_json::to_string_pretty(g).unwrap())
                    .unwrap_or_default(),
            )
            .unwrap();
            eprintln!(
                "first difference at object {i}; see {} {}",
                want_path.display(),
                got_path.display()
            );
            break;
        }
    }
}
