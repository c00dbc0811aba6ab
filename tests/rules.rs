//! Fixture tests: every rule has `tests/fixtures/<rule-id>/{bad,good}`, small
//! repositories linted with only that rule selected. `bad` must produce at
//! least one finding of the rule, `good` none; the findings (short format, with
//! related locations and help) are snapshotted.

use std::path::{Path, PathBuf};

use ftlint::config::{self, Config};
use ftlint::engine::{self, Selection};
use ftlint::repo::Repo;
use ftlint::report;
use ftlint::rules;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Lint `dir` with only `rule` selected; the findings as text.
fn lint(dir: &Path, rule: &str) -> (usize, String) {
    let known = rules::metas();
    let cfg_path = dir.join(config::FILE_NAME);
    let config = if cfg_path.is_file() {
        Config::load(&cfg_path, &known).unwrap_or_else(|e| panic!("{e}"))
    } else {
        Config::default()
    };
    let repo = Repo::load(dir, &[dir.to_path_buf()], config, None, 1).expect("load fixture");
    // Whether a suppression is used depends on the other rules running.
    let pattern = if rule == "unused-suppression" {
        "*"
    } else {
        rule
    };
    let selection = Selection {
        select: Some(config::build_globset(&[pattern.to_string()]).unwrap()),
        ignore: None,
    };
    let diags = engine::lint(&repo, &selection, None).diagnostics;
    let summary = report::Summary::new(&repo, &diags, 0);
    let opts = report::Options {
        color: false,
        timing: false,
    };
    let mut text = report::render(report::Format::Short, &repo, &diags, &summary, &opts);
    // Related locations, help and context make the snapshot reviewable.
    let mut detailed = String::new();
    for (line, d) in text.lines().zip(&diags) {
        detailed.push_str(line);
        detailed.push('\n');
        for r in &d.related {
            let reg = report::region(&repo, r.span);
            detailed.push_str(&format!(
                "    related: {}:{}:{}: {}\n",
                report::path(&repo, r.span),
                reg.start.line,
                reg.start.column,
                r.message
            ));
        }
        if let Some(h) = &d.help {
            detailed.push_str(&format!("    help: {h}\n"));
        }
        if let Some(env) = &d.context.env {
            detailed.push_str(&format!("    env: {env}\n"));
        }
    }
    text = detailed;
    let own = diags.iter().filter(|d| d.rule == rule).count();
    (own, text)
}

/// Argo CD rules whose ids do not start with `argocd-`.
const ARGOCD_TESTED_ELSEWHERE: &[&str] =
    &["hpa-replicas-drift", "sync-wave-order", "sync-wave-invalid"];

#[test]
fn every_rule_has_fixtures() {
    let mine = [
        "yaml-syntax",
        "duplicate-key",
        "ambiguous-value",
        "schema",
        "unknown-kind",
        "deprecated-api",
        "duplicate-resource",
        "no-plaintext-secret",
        "plaintext-credential",
        "secret-generator-literal",
        "sealed-secret-invalid",
        "missing-liveness-probe",
        "missing-readiness-probe",
        "missing-resources",
        "privileged-container",
        "privilege-escalation",
        "run-as-root",
        "readonly-root-fs",
        "host-namespace",
        "sa-token-automount",
        "default-service-account",
        "no-latest-tag",
        "image-not-pinned",
        "image-registry",
        "missing-pdb",
        "pdb-selector-mismatch",
        "hpa-target-missing",
        "service-selector-mismatch",
        "service-port-mismatch",
        "namespace-missing",
        "ingress-tls",
        "ingress-backend-missing",
        "cluster-admin-binding",
        "rbac-wildcard",
    ];
    for id in mine {
        assert!(rules::find(id).is_some(), "{id} is not registered");
        for kind in ["bad", "good"] {
            assert!(
                fixtures().join(id).join(kind).is_dir(),
                "missing tests/fixtures/{id}/{kind}"
            );
        }
    }
}

#[test]
fn fixtures_bad_fire_good_stay_quiet() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("tests/fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut failures = Vec::new();
    for dir in dirs {
        let id = dir.file_name().unwrap().to_string_lossy().to_string();
        if id.starts_with("argocd-") || ARGOCD_TESTED_ELSEWHERE.contains(&id.as_str()) {
            // tests/argocd_rules.rs runs and snapshots these.
            continue;
        }
        if rules::find(&id).is_none() {
            failures.push(format!("{id}: no such rule"));
            continue;
        }
        for kind in ["bad", "good"] {
            let sub = dir.join(kind);
            if !sub.is_dir() {
                continue;
            }
            let (own, text) = lint(&sub, &id);
            match kind {
                "bad" if own == 0 => failures.push(format!("{id}/bad: no finding")),
                "good" if own > 0 => failures.push(format!("{id}/good: {own} finding(s):\n{text}")),
                _ => {}
            }
            insta::assert_snapshot!(format!("{id}__{kind}"), text);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn credentials_are_masked_in_every_format() {
    let dir = fixtures().join("plaintext-credential/bad");
    let repo = Repo::load(&dir, std::slice::from_ref(&dir), Config::default(), None, 1).unwrap();
    let selection = Selection {
        select: Some(config::build_globset(&["plaintext-credential".to_string()]).unwrap()),
        ignore: None,
    };
    let diags = engine::lint(&repo, &selection, None).diagnostics;
    assert!(!diags.is_empty());
    let summary = report::Summary::new(&repo, &diags, 0);
    let opts = report::Options {
        color: false,
        timing: false,
    };
    for format in [
        report::Format::Human,
        report::Format::Short,
        report::Format::Json,
        report::Format::Sarif,
        report::Format::Github,
        report::Format::Junit,
    ] {
        let out = report::render(format, &repo, &diags, &summary, &opts);
        for secret in [
            "s3cr3t-Pa55w0rd",
            "hunter22",
            "tok-4f9a2c1e8b7d",
            "AKIAIOSFODNN7EXAMPLE",
            "xoxb-1234567890-abcdefghijkl",
            "Spr1ngPa55",
            "r3d1s-Pa55",
            "XXXXXXXXXXXXXXXXXXXXXXXX",
        ] {
            assert!(
                !out.contains(secret),
                "{format:?} output leaks {secret}:\n{out}"
            );
        }
    }
}
