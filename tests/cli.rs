//! End-to-end CLI behaviour: exit codes, formats, config errors, suppressions.

use std::fs;
use std::path::Path;

use predicates::prelude::*;

mod common;
use common::{ftlint, scratch_repo as repo, write};

const CLEAN_CM: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  LOG_LEVEL: info\n";

#[test]
fn exit_0_when_clean() {
    let dir = repo(&[("cm.yaml", CLEAN_CM)]);
    ftlint().arg("check").arg(dir.path()).assert().code(0);
}

#[test]
fn exit_1_on_findings() {
    let dir = repo(&[("bad.yaml", "a: [1, 2\nb: 3\n")]);
    ftlint()
        .arg(dir.path())
        .arg("--format=short")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("bad.yaml:2:2: error[yaml-syntax]"));
}

#[test]
fn exit_2_on_bad_flag_missing_path_and_unknown_rule() {
    ftlint().arg("--no-such-flag").assert().code(2);
    ftlint()
        .arg("check")
        .arg("/definitely/not/here")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file"));
    let dir = repo(&[("cm.yaml", CLEAN_CM)]);
    ftlint()
        .arg(dir.path())
        .args(["--select", "duplicate-kee"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `duplicate-key`"));
    ftlint().args(["--format", "xml"]).assert().code(2);
}

#[test]
fn fail_on_controls_the_exit_code() {
    let dir = repo(&[(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  ENABLED: yes\n",
    )]);
    ftlint().arg(dir.path()).assert().code(0);
    ftlint()
        .arg(dir.path())
        .args(["--fail-on", "warning"])
        .assert()
        .code(1);
    let bad = repo(&[("bad.yaml", "a: [\n")]);
    ftlint()
        .arg(bad.path())
        .args(["--fail-on", "never"])
        .assert()
        .code(0);
}

#[test]
fn config_error_points_at_its_line() {
    let dir = repo(&[
        ("cm.yaml", CLEAN_CM),
        (
            ".ftlint.yaml",
            "strict: true\nrules:\n  duplicate-key: error\n  no-such-rule: off\n",
        ),
    ]);
    ftlint()
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule id `no-such-rule`"))
        .stderr(predicate::str::contains(".ftlint.yaml:4:3"))
        .stderr(predicate::str::contains("4 |   no-such-rule: off"));
    let dir = repo(&[
        ("cm.yaml", CLEAN_CM),
        (".ftlint.yaml", "strict: true\nexclud: []\n"),
    ]);
    ftlint()
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown key `exclud`"))
        .stderr(predicate::str::contains("did you mean `exclude`"))
        .stderr(predicate::str::contains(".ftlint.yaml:2:1"));
    let dir = repo(&[("cm.yaml", CLEAN_CM), (".ftlint.yaml", "strict: maybe\n")]);
    ftlint()
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".ftlint.yaml:1:9"));
}

#[test]
fn config_can_turn_rules_off_per_path() {
    let dup = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: z\n";
    let dir = repo(&[
        ("legacy/cm.yaml", dup),
        ("apps/cm.yaml", dup),
        (
            ".ftlint.yaml",
            "overrides:\n  - {paths: [\"legacy/**\"], rules: {duplicate-key: off}}\n",
        ),
    ]);
    ftlint()
        .arg(dir.path())
        .args(["--format", "short", "--select", "duplicate-key"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("apps/cm.yaml"))
        .stdout(predicate::str::contains("legacy/cm.yaml").not());
}

#[test]
fn binary_and_utf16_files_are_syntax_findings() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("blob.yaml"),
        [0x89u8, b'P', b'N', b'G', 0, 1, 2, 3],
    )
    .unwrap();
    let utf16: Vec<u8> = "kind: Pod\n"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    fs::write(dir.path().join("utf16.yaml"), utf16).unwrap();
    ftlint()
        .arg(dir.path())
        .args(["--format", "short"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "blob.yaml:1:1: error[yaml-syntax] the file is not valid UTF-8",
        ))
        .stdout(predicate::str::contains(
            "utf16.yaml:1:2: error[yaml-syntax]",
        ));
}

#[test]
fn line_suppression_and_unused_suppression() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  # ftlint-ignore: duplicate-key -- generated file\n  name: z\ndata:\n  a: b # ftlint-ignore: ambiguous-value -- nothing here\n";
    let dir = repo(&[("cm.yaml", text)]);
    ftlint()
        .arg(dir.path())
        .args(["--format", "short"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("duplicate-key").not())
        .stdout(predicate::str::contains(
            "cm.yaml:8:8: warning[unused-suppression]",
        ));
}

#[test]
fn file_and_object_suppressions() {
    let file_level = "# ftlint-ignore-file: duplicate-key -- vendored\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: z\n";
    let object_level = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    ftlint.io/ignore: \"ambiguous-value\"\ndata:\n  ENABLED: yes\n";
    let dir = repo(&[("a.yaml", file_level), ("b.yaml", object_level)]);
    ftlint()
        .arg(dir.path())
        .args(["--format", "short", "--fail-on", "warning"])
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn github_format() {
    let dir = repo(&[(
        "bad.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: z\n",
    )]);
    ftlint()
        .arg(dir.path())
        .args(["--format", "github"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "::error file=bad.yaml,line=5,col=3,endLine=5,endColumn=7,title=duplicate-key::duplicate key `name`",
        ));
}

#[test]
fn sarif_is_structurally_valid() {
    let dir = repo(&[(
        "bad.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: z\n",
    )]);
    let out = ftlint()
        .arg(dir.path())
        .args(["--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules
        .iter()
        .any(|r| r["id"] == "duplicate-key" && r["helpUri"].is_string()));
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "duplicate-key");
    let idx = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[idx]["id"], "duplicate-key");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 5);
    assert_eq!(region["startColumn"], 3);
    assert_eq!(region["endColumn"], 7);
    assert_eq!(
        result["relatedLocations"][0]["physicalLocation"]["region"]["startLine"],
        4
    );
}

#[test]
fn sarif_columns_are_utf16() {
    // "𝒳" is one char but two UTF-16 code units.
    let dir = repo(&[("u.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  \"𝒳\": a\n  k: 1\n  k: 2\n")]);
    let out = ftlint()
        .arg(dir.path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["line"], 8);
    let crlf = repo(&[(
        "c.yaml",
        "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: é\r\n  name: ü\r\n",
    )]);
    let out = ftlint()
        .arg(crlf.path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(
        (
            d["line"].as_u64(),
            d["column"].as_u64(),
            d["end_column"].as_u64()
        ),
        (Some(5), Some(3), Some(7))
    );
}

#[test]
fn junit_has_a_testsuite_per_file() {
    let dir = repo(&[("bad.yaml", "a: [\n"), ("cm.yaml", CLEAN_CM)]);
    ftlint()
        .arg(dir.path())
        .args(["--format", "junit"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "<testcase classname=\"cm.yaml\" name=\"cm.yaml\"/>",
        ))
        .stdout(predicate::str::contains("<failure type=\"yaml-syntax\""));
}

#[test]
fn files_as_arguments_report_only_those_files() {
    let dup = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: z\n";
    // A different name in b.yaml: two objects named z would be a duplicate-resource
    // finding caused by a.yaml too, and rightly reported.
    let dup_b = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n  name: w\n";
    let dir = repo(&[("a.yaml", dup), ("b.yaml", dup_b)]);
    ftlint()
        .current_dir(dir.path())
        .args(["check", "a.yaml", "--format", "short"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("a.yaml"))
        .stdout(predicate::str::contains("b.yaml").not());
}

#[test]
fn rules_rule_and_init() {
    ftlint()
        .arg("rules")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("yaml-syntax"));
    ftlint().args(["rule", "nope"]).assert().code(2);
    let dir = tempfile::tempdir().unwrap();
    ftlint().arg("init").arg(dir.path()).assert().code(0);
    assert!(dir.path().join(".ftlint.yaml").is_file());
    ftlint().arg("init").arg(dir.path()).assert().code(2);
    // The starter config is itself valid.
    write(dir.path(), "cm.yaml", CLEAN_CM);
    ftlint().arg(dir.path()).assert().code(0);
}

#[test]
fn helm_templates_are_skipped() {
    let dir = repo(&[
        ("chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        ("chart/templates/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  {{- include \"x\" . }}\n"),
        ("cm.yaml", CLEAN_CM),
    ]);
    ftlint()
        .arg(dir.path())
        .arg("--stats")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("helm templates skipped: 1"));
}

#[test]
fn fix_diff_changes_nothing() {
    let dir = repo(&[(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  ENABLED: yes # keep me\n",
    )]);
    let before = fs::read_to_string(dir.path().join("cm.yaml")).unwrap();
    ftlint()
        .arg(dir.path())
        .args(["--fix", "--diff"])
        .assert()
        .stdout(predicate::str::contains("+  ENABLED: \"yes\" # keep me"));
    assert_eq!(
        before,
        fs::read_to_string(dir.path().join("cm.yaml")).unwrap()
    );
    ftlint()
        .arg(dir.path())
        .args(["--fix", "--fail-on", "warning"])
        .assert()
        .code(0);
    let after = fs::read_to_string(dir.path().join("cm.yaml")).unwrap();
    assert_eq!(after, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  ENABLED: \"yes\" # keep me\n");
    // A second run changes nothing.
    ftlint()
        .arg(dir.path())
        .args(["--fix", "--diff"])
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn seal_fix_replaces_a_plaintext_secret() {
    let secret = "# database credentials\napiVersion: v1\nkind: Secret\nmetadata:\n  name: api-db\n  namespace: shop-dev\ntype: Opaque\ndata:\n  password: czNjcjN0\nstringData:\n  user: app\n";
    let dir = repo(&[("secret.yaml", secret)]);
    let cert = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/seal/test-cert.pem");
    // Without a certificate there is nothing to fix.
    ftlint()
        .arg(dir.path())
        .args(["--fix", "--diff", "--select", "no-plaintext-secret"])
        .assert()
        .code(0)
        .stdout("");
    ftlint()
        .arg(dir.path())
        .args(["--fix", "--select", "no-plaintext-secret", "--seal-cert"])
        .arg(&cert)
        .assert()
        .code(0);
    let after = fs::read_to_string(dir.path().join("secret.yaml")).unwrap();
    assert!(
        after.starts_with(
            "# database credentials\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n"
        ),
        "{after}"
    );
    assert!(
        after.contains("    password: A") && after.contains("    user: A"),
        "{after}"
    );
    assert!(!after.contains("czNjcjN0"));
    ftlint()
        .arg(dir.path())
        .args(["--seal-cert", "/no/such/cert.pem"])
        .assert()
        .code(2);
}

#[cfg(unix)]
#[test]
fn symlinks_leaving_the_root_or_looping_are_not_followed() {
    let outside = repo(&[(
        "secret.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: z\n",
    )]);
    let dir = repo(&[("cm.yaml", CLEAN_CM)]);
    std::os::unix::fs::symlink(outside.path(), dir.path().join("elsewhere")).unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    ftlint()
        .arg(dir.path())
        .args(["--format", "short", "--stats"])
        .assert()
        // The symlink out of the root is reported (io-error), its target never read.
        .code(1)
        .stdout(predicate::str::contains("elsewhere:1:1: error[io-error]"))
        .stdout(predicate::str::contains("name: z").not())
        .stderr(predicate::str::contains("symlinks not followed: 1"));
}

#[test]
fn templates_that_parse_as_yaml_are_skipped() {
    let dir = repo(&[
        ("svc-template.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{name}}\nspec:\n  ports:\n  - port: {{port}}\n"),
        ("cm.yaml", CLEAN_CM),
    ]);
    ftlint()
        .arg(dir.path())
        .args(["--format", "short", "--stats"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicate::str::contains("go templates skipped: 1"));
}

#[test]
fn no_latest_tag_points_at_the_overlay_new_tag() {
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: web\n";
    let overlay = |tag: &str| {
        format!("resources:\n- ../../base\nnamespace: shop-prod\nimages:\n- name: web\n  newName: registry.example.com/web\n  newTag: {tag}\n")
    };
    let latest = repo(&[
        (
            "apps/web/base/kustomization.yaml",
            "resources:\n- deployment.yaml\n",
        ),
        ("apps/web/base/deployment.yaml", deployment),
        (
            "apps/web/overlays/prod/kustomization.yaml",
            &overlay("latest"),
        ),
    ]);
    let out = ftlint()
        .arg(latest.path())
        .args(["--select", "no-latest-tag", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["file"], "apps/web/overlays/prod/kustomization.yaml");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(7), Some(11))
    );
    assert_eq!(d["related"][0]["file"], "apps/web/base/deployment.yaml");
    assert_eq!(d["related"][0]["line"], 13);
    assert_eq!(d["context"]["env"], "prod");
    let pinned = repo(&[
        (
            "apps/web/base/kustomization.yaml",
            "resources:\n- deployment.yaml\n",
        ),
        ("apps/web/base/deployment.yaml", deployment),
        (
            "apps/web/overlays/prod/kustomization.yaml",
            &overlay("v1.2.3"),
        ),
    ]);
    ftlint()
        .arg(pinned.path())
        .args(["--select", "no-latest-tag", "--format", "short"])
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn deprecated_kustomize_fields_are_renamed_by_fix_and_render_the_same() {
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - name: web\n        image: web\n";
    let overlay = "# prod overlay\nbases:\n  - ../base # the shared base\npatchesStrategicMerge:\n  - replicas.yaml\n  - \"labels.yaml\"\ncommonLabels:\n  team: shop\n";
    let dir = repo(&[
        ("base/kustomization.yaml", "resources:\n- deployment.yaml\n"),
        ("base/deployment.yaml", deployment),
        ("prod/kustomization.yaml", overlay),
        ("prod/replicas.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n"),
        ("prod/labels.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    tier: web\n"),
    ]);
    let render = || {
        ftlint()
            .arg("render")
            .arg(dir.path().join("prod"))
            .output()
            .unwrap()
            .stdout
    };
    let before = render();
    ftlint()
        .arg(dir.path())
        .args(["--fix", "--select", "kustomize-deprecated-field"])
        .assert()
        .code(0);
    let after = fs::read_to_string(dir.path().join("prod/kustomization.yaml")).unwrap();
    assert_eq!(
        after,
        "# prod overlay\nresources:\n  - ../base # the shared base\npatches:\n  - path: replicas.yaml\n  - path: \"labels.yaml\"\ncommonLabels:\n  team: shop\n"
    );
    assert_eq!(render(), before);
    ftlint()
        .arg(dir.path())
        .args(["--fix", "--diff", "--select", "kustomize-deprecated-field"])
        .assert()
        .stdout("");
}
