//! What a user sees: rejected typos, summary and footer lines, `--statistics`,
//! `-q`/`-qq`, baselines, JUnit counts, SARIF URIs.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

mod common;
use common::schemas::{validate_junit, validate_sarif};

fn ftlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("ftlint").unwrap();
    cmd.current_dir(dir)
        .env("FTLINT_NO_TIMING", "1")
        .env("NO_COLOR", "1");
    cmd
}

fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let path = dir.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

fn stdout(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const DUP: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: z\n";
/// A fixable finding (the deprecated `patchesStrategicMerge`) and one that is
/// not (the duplicate key in cm.yaml).
fn fixable_repo() -> tempfile::TempDir {
    repo(&[
        (
            "app/kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - cm.yaml\npatchesStrategicMerge:\n  - cm-patch.yaml\n",
        ),
        ("app/cm.yaml", DUP),
        (
            "app/cm-patch.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: z\ndata:\n  LOG_LEVEL: info\n",
        ),
    ])
}

#[test]
fn unknown_env_is_rejected_with_the_known_ones() {
    let dir = repo(&[("cm.yaml", DUP)]);
    ftlint(dir.path())
        .args(["check", ".", "--env", "prodd"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown environment `prodd`"))
        .stderr(predicate::str::contains("did you mean `prod`"))
        .stderr(predicate::str::contains(
            "known environments: prod, staging, dev",
        ));
    // Aliases and names the config defines are accepted.
    ftlint(dir.path())
        .args(["check", ".", "--env", "production"])
        .assert()
        .code(1);
    fs::write(
        dir.path().join(".ftlint.yaml"),
        "environments:\n  qa: {paths: [\"qa/**\"]}\n",
    )
    .unwrap();
    ftlint(dir.path())
        .args(["check", ".", "--env", "qa"])
        .assert()
        .code(1);
}

#[test]
fn select_and_ignore_entries_matching_no_rule_are_rejected() {
    let dir = repo(&[("cm.yaml", DUP)]);
    for (flag, value, expected) in [
        ("--select", "duplicate-kee", "did you mean `duplicate-key`"),
        ("--ignore", "no-latest-tags", "did you mean `no-latest-tag`"),
        (
            "--select",
            "argcd-*",
            "matches no rule (did you mean `argocd-*`?)",
        ),
        ("--ignore", "duplicate-key,schemaa", "did you mean `schema`"),
    ] {
        ftlint(dir.path())
            .args(["check", ".", flag, value])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(expected));
    }
    ftlint(dir.path())
        .args(["check", ".", "--select", "duplicate-*"])
        .assert()
        .code(1);
}

#[test]
fn suppressions_naming_unknown_rules_are_errors() {
    let dir = repo(&[(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: z  # ftlint-ignore: duplicate-kee\n",
    )]);
    let (code, out, _) = stdout(ftlint(dir.path()).args(["check", ".", "--format", "short"]));
    assert_eq!(code, 1);
    assert!(
        out.contains("cm.yaml:5:12: error[invalid-suppression] suppression names `duplicate-kee`, which is not a rule (did you mean `duplicate-key`?)"),
        "{out}"
    );
    // The misspelt suppression hid nothing.
    assert!(out.contains("error[duplicate-key]"), "{out}");
}

#[test]
fn fixable_findings_are_marked_and_counted() {
    let dir = fixable_repo();
    let (code, out, err) = stdout(ftlint(dir.path()).args(["check", ".", "--format", "short"]));
    assert_eq!(code, 1);
    // `short` keeps stdout one line per finding; the summary goes to stderr.
    insta::assert_snapshot!("fixable_short_stdout", out);
    insta::assert_snapshot!("fixable_short_stderr", err);
    assert!(
        out.contains("warning[kustomize-deprecated-field] [*] "),
        "{out}"
    );
    assert!(err.contains("[*] 1 fixable with `ftlint --fix`"), "{err}");
    let (_, human, _) = stdout(ftlint(dir.path()).args(["check", "."]));
    assert!(human.contains("[*] `patchesStrategicMerge`"), "{human}");
    assert!(
        human.contains("[*] 1 fixable with `ftlint --fix`"),
        "{human}"
    );
    let (_, shown, _) = stdout(ftlint(dir.path()).args(["check", ".", "--show-fixes", "-q"]));
    assert!(
        shown.starts_with(
            "Fixable 1 finding:\n- app/kustomization.yaml:\n    1 × kustomize-deprecated-field"
        ),
        "{shown}"
    );
}

#[test]
fn statistics_count_per_rule() {
    let dir = repo(&[
        ("a.yaml", DUP),
        ("b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bee\n  name: wasp\ndata:\n  k: 1\n  k: 2\n"),
        ("c.yaml", "a: [\n"),
    ]);
    let (code, out, _) = stdout(ftlint(dir.path()).args([
        "check",
        ".",
        "--statistics",
        "--select",
        "duplicate-key,yaml-syntax",
    ]));
    assert_eq!(code, 1);
    insta::assert_snapshot!("statistics", out);
    let (_, json, _) = stdout(ftlint(dir.path()).args([
        "check",
        ".",
        "--statistics",
        "--format",
        "json",
        "--select",
        "duplicate-key",
    ]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["rule"], "duplicate-key");
    assert_eq!(v[0]["count"], 3);
}

#[test]
fn quiet_prints_findings_only_and_very_quiet_nothing() {
    let dir = repo(&[("a.yaml", DUP)]);
    let (code, out, _) = stdout(ftlint(dir.path()).args(["check", ".", "--format", "short", "-q"]));
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "a.yaml:5:3: error[duplicate-key] duplicate key `name`\n"
    );
    let (code, out, err) = stdout(ftlint(dir.path()).args(["check", ".", "-qq"]));
    assert_eq!((code, out.as_str(), err.as_str()), (1, "", ""));
}

#[test]
fn clean_and_empty_runs_say_what_they_checked() {
    let clean = repo(&[(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  LOG_LEVEL: info\n",
    )]);
    let (code, out, err) = stdout(ftlint(clean.path()).args(["check", "."]));
    assert_eq!(code, 0);
    assert_eq!(out, "no findings\nchecked 1 file (1 object, 1 unit)\n");
    assert_eq!(err, "");
    let empty = repo(&[("README.md", "# not YAML\n")]);
    let (code, _, err) = stdout(ftlint(empty.path()).args(["check", "."]));
    assert_eq!(code, 0);
    assert!(
        err.contains("warning: no YAML or JSON files found to check"),
        "{err}"
    );
    let (code, _, err) = stdout(ftlint(empty.path()).args(["check", "README.md"]));
    assert_eq!(code, 0);
    assert!(
        err.contains("warning: no YAML or JSON files found to check in README.md"),
        "{err}"
    );
}

#[test]
fn baselines_say_what_they_wrote_and_hid() {
    let dir = repo(&[("a.yaml", DUP)]);
    let (code, out, err) =
        stdout(ftlint(dir.path()).args(["check", ".", "--write-baseline", "base.json"]));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(err, "wrote 1 finding to base.json\n");
    let (code, out, _) = stdout(ftlint(dir.path()).args(["check", ".", "--baseline", "base.json"]));
    assert_eq!(code, 0);
    assert!(out.contains("1 finding hidden by the baseline"), "{out}");
}

#[test]
fn repeated_findings_of_a_rule_in_a_file_are_grouped() {
    let keys: String = (0..5).map(|_| "  k: 1\n").collect();
    let dir = repo(&[(
        "cm.yaml",
        &format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n{keys}"),
    )]);
    let (code, out, _) =
        stdout(ftlint(dir.path()).args(["check", ".", "--select", "duplicate-key"]));
    assert_eq!(code, 1);
    assert_eq!(out.matches("error[duplicate-key]").count(), 1, "{out}");
    assert!(
        out.contains("3 more `duplicate-key` in this file:"),
        "{out}"
    );
    assert!(out.contains("cm.yaml:10:3: duplicate key `k`"), "{out}");
    assert!(out.contains("4 errors, 0 warnings in 1 file"), "{out}");
    let (_, concise, _) = stdout(ftlint(dir.path()).args([
        "check",
        ".",
        "--format",
        "concise",
        "--select",
        "duplicate-key",
    ]));
    insta::assert_snapshot!("grouped_concise", concise);
}

#[test]
fn junit_counts_tests_and_failures_per_location() {
    let dir = repo(&[
        ("a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: z\ndata:\n  k: 1\n  k: 2\n"),
        ("b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bee\ndata:\n  ENABLED: yes\n"),
        ("c.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"),
    ]);
    let args = [
        "check",
        ".",
        "--format",
        "junit",
        "--select",
        "duplicate-key,ambiguous-value",
    ];
    let (code, out, _) = stdout(ftlint(dir.path()).args(args));
    assert_eq!(code, 1);
    // a: 2 errors; b: 1 warning (below --fail-on error: not a failure); c: clean.
    assert!(
        out.contains("<testsuites name=\"ftlint\" tests=\"4\" failures=\"2\" errors=\"0\">"),
        "{out}"
    );
    assert!(
        out.contains("<testsuite name=\"a.yaml\" tests=\"2\" failures=\"2\""),
        "{out}"
    );
    assert!(
        out.contains("<testsuite name=\"b.yaml\" tests=\"1\" failures=\"0\""),
        "{out}"
    );
    assert!(
        out.contains("<testcase classname=\"c.yaml\" name=\"c.yaml\"/>"),
        "{out}"
    );
    assert_eq!(out.matches("<failure ").count(), 2);
    assert_eq!(out.matches("<testcase ").count(), 4);
    let (_, warn, _) = stdout(ftlint(dir.path()).args(args).args(["--fail-on", "warning"]));
    assert!(warn.contains("tests=\"4\" failures=\"3\""), "{warn}");
    validate_junit(&out);
    validate_junit(&warn);
}

#[test]
fn sarif_uris_are_percent_encoded_and_relative_to_srcroot() {
    let dir = repo(&[("my apps/#1 café.yaml", DUP)]);
    let (_, out, _) = stdout(ftlint(dir.path()).args(["check", ".", "--format", "sarif"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let run = &v["runs"][0];
    let loc = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(loc["uri"], "my%20apps/%231%20caf%C3%A9.yaml");
    assert_eq!(loc["uriBaseId"], "SRCROOT");
    let base = run["originalUriBaseIds"]["SRCROOT"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    assert!(run["results"][0]["partialFingerprints"]["ftlint/v1"].is_string());
    // Unencoded, a space or `#` in a URI fails the official schema.
    validate_sarif(&v);
}

#[test]
fn sarif_fingerprints_survive_unrelated_edits_and_fixes_are_included() {
    let dir = fixable_repo();
    let sarif = |dir: &Path| -> serde_json::Value {
        let (_, out, _) = stdout(ftlint(dir).args(["check", ".", "--format", "sarif"]));
        serde_json::from_str(&out).unwrap()
    };
    let prints = |v: &serde_json::Value| -> Vec<String> {
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["ftlint/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let before = sarif(dir.path());
    let fixable = before["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "kustomize-deprecated-field")
        .unwrap();
    assert!(fixable["fixes"][0]["artifactChanges"][0]["replacements"].is_array());
    validate_sarif(&before);
    // Lines added above both findings move them but keep their fingerprints.
    for f in ["app/cm.yaml", "app/kustomization.yaml"] {
        let p = dir.path().join(f);
        let text = fs::read_to_string(&p).unwrap();
        fs::write(
            &p,
            format!("# owned by the web team\n# see the runbook\n{text}"),
        )
        .unwrap();
    }
    let after = sarif(dir.path());
    assert_eq!(prints(&before), prints(&after));
    assert_ne!(
        before["runs"][0]["results"][0]["locations"],
        after["runs"][0]["results"][0]["locations"]
    );
    let rules = before["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let secret = rules
        .iter()
        .find(|r| r["id"] == "no-plaintext-secret")
        .unwrap();
    assert_eq!(secret["properties"]["security-severity"], "9.0");
}

#[test]
fn completions_and_man_page_are_generated() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "_ftlint()"),
        ("zsh", "#compdef ftlint"),
        ("fish", "complete -c ftlint"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let (code, out, _) = stdout(ftlint(dir.path()).args(["completions", shell]));
        assert_eq!(code, 0, "{shell}");
        assert!(out.contains(marker), "{shell}: {out}");
        assert!(
            out.contains("statistics"),
            "{shell} completes check's flags"
        );
    }
    let (code, _, err) = stdout(ftlint(dir.path()).args(["completions", "tcsh"]));
    assert_eq!(code, 2);
    assert!(err.contains("possible values"), "{err}");
    let (code, man, _) = stdout(ftlint(dir.path()).arg("man"));
    assert_eq!(code, 0);
    assert!(
        man.starts_with(".ie") && man.contains(".TH ftlint 1"),
        "{man}"
    );
    assert!(
        man.contains("completions"),
        "the man page lists the subcommands"
    );
}

/// A Helm-only repository: nothing was checked, and every format says so
/// instead of a bare "no findings".
fn helm_only_repo() -> tempfile::TempDir {
    repo(&[
        (
            "charts/web/Chart.yaml",
            "apiVersion: v2\nname: web\nversion: 0.1.0\n",
        ),
        ("charts/web/values.yaml", "replicas: 2\n"),
        (
            "charts/web/templates/deployment.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas }}\n",
        ),
        (
            "charts/web/templates/service.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n",
        ),
    ])
}

#[test]
fn summary_says_what_was_not_checked() {
    let dir = helm_only_repo();
    let (code, out, _) = stdout(ftlint(dir.path()).args(["check", "."]));
    assert_eq!(code, 0);
    insta::assert_snapshot!("not_checked_human", out);
    let (_, short_out, short_err) =
        stdout(ftlint(dir.path()).args(["check", ".", "--format", "short"]));
    assert_eq!(short_out, "");
    assert!(
        short_err.contains("1 Helm chart (2 templates) not rendered; no Kubernetes objects found"),
        "{short_err}"
    );
    let (_, json, _) = stdout(ftlint(dir.path()).args(["check", ".", "--format", "json"]));
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        json["summary"]["not_checked"],
        serde_json::json!([
            "1 Helm chart (2 templates) not rendered",
            "no Kubernetes objects found"
        ])
    );
    let (_, sarif, _) = stdout(ftlint(dir.path()).args(["check", ".", "--format", "sarif"]));
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(
        sarif["runs"][0]["properties"]["notChecked"],
        json["summary"]["not_checked"]
    );
}
