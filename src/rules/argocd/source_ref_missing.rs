//! Helm value files Argo CD cannot find. A multi-source Application reads
//! `$ref/path` from the source with `ref: ref`; a plain entry is relative
//! to the chart's directory. Missing files fail the manifest generation
//! unless `ignoreMissingValueFiles` is set (`ApplicationSourceHelm` in
//! `pkg/apis/application/v1alpha1/types.go`): a ComparisonError.

use super::model;
use crate::argocd::{templated, url, App, Model};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RepoCx, Rule, RuleMeta, Scope};
use crate::source::normalize;
use crate::yaml::{Node, Span};

/// A `$ref/...` value file or a Helm `valueFiles` entry in this repository
/// that does not exist.
pub struct SourceRefMissing;

static META: RuleMeta = RuleMeta::new(
    "argocd-source-ref-missing",
    Severity::Error,
    Scope::Repo,
    "a multi-source Application's `$ref/...` value file, or a Helm `valueFiles` entry in this repo, that does not exist",
);

fn source_nodes(app: &App) -> Vec<&Node> {
    let spec = app.spec();
    let mut out: Vec<&Node> = spec.and_then(|s| s.get("source")).into_iter().collect();
    out.extend(
        spec.and_then(|s| s.get("sources"))
            .map(Node::items)
            .unwrap_or(&[]),
    );
    out
}

fn in_repo(m: &Model, source: &Node) -> bool {
    source
        .str_at(&["repoURL"])
        .and_then(url::repo_key)
        .is_some_and(|k| m.this_repo.contains(&k))
}

/// What is wrong with one value file, if anything.
fn problem(cx: &RepoCx, m: &Model, app: &App, source: &Node, file: &str) -> Option<String> {
    let sources = source_nodes(app);
    let exists = |p: &str| {
        let p = normalize(p);
        p.starts_with("..") || cx.repo.sources.root.join(&p).is_file()
    };
    if let Some(rest) = file.strip_prefix('$') {
        let (name, path) = rest.split_once('/')?;
        let Some(referenced) = sources.iter().find(|s| s.str_at(&["ref"]) == Some(name)) else {
            let refs: Vec<&str> = sources.iter().filter_map(|s| s.str_at(&["ref"])).collect();
            return Some(format!(
                "value file `{file}` names `${name}`, but no source of the Application has `ref: {name}` (refs: {})",
                if refs.is_empty() { "none".to_string() } else { refs.join(", ") }
            ));
        };
        if !in_repo(m, referenced) || exists(path) {
            return None;
        }
        return Some(format!(
            "value file `{file}`: `{path}` does not exist in this repository (the `{name}` source)"
        ));
    }
    if file.contains("://") || !in_repo(m, source) || source.get("chart").is_some() {
        return None;
    }
    let dir = source.str_at(&["path"])?;
    let full = if file.starts_with('/') {
        file.trim_start_matches('/').to_string()
    } else {
        format!("{dir}/{file}")
    };
    (!exists(&full)).then(|| {
        format!(
            "value file `{file}` of chart `{dir}` does not exist in this repository (`{}`)",
            normalize(&full)
        )
    })
}

impl Rule for SourceRefMissing {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_repo(&self, cx: &RepoCx, out: &mut Vec<Diagnostic>) {
        let m = model(cx.repo);
        let mut messages: Vec<(Span, String)> = Vec::new();
        let find = |app: &App| -> Option<(Span, String)> {
            for source in source_nodes(app) {
                let Some(helm) = source.get("helm") else {
                    continue;
                };
                if helm.get("ignoreMissingValueFiles").and_then(Node::as_bool) == Some(true) {
                    continue;
                }
                for v in helm.get("valueFiles").map(Node::items).unwrap_or(&[]) {
                    let Some(file) = v.as_str().filter(|f| !templated(f)) else {
                        continue;
                    };
                    if let Some(msg) = problem(cx, m, app, source, file) {
                        return Some((v.span, msg));
                    }
                }
            }
            None
        };
        for hit in super::hits(m, find) {
            let Some((_, msg)) = find(hit.app()) else {
                continue;
            };
            if messages.contains(&(hit.span, msg.clone())) {
                continue;
            }
            messages.push((hit.span, msg.clone()));
            out.push(
                hit.finding(m, format!("{}: {msg}", hit.subject(m)))
                    .with_help("fix the path, create the file, or set `helm.ignoreMissingValueFiles: true` if it is optional"),
            );
        }
    }
}
