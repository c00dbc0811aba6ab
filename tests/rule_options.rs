//! Typed rule options: an unknown option, a wrong type or an unknown value in
//! `rules.<id>.options` is exit 2 with a snippet at the config line, for every
//! rule that declares options; a rule without options rejects any.

use assert_cmd::Command;
use predicates::prelude::*;

use ftlint::rules::{self, OptionKind};

fn repo(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".ftlint.yaml"), config).unwrap();
    std::fs::write(
        dir.path().join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    )
    .unwrap();
    dir
}

/// Run `ftlint check` on a repo with `config`; (exit code, stderr).
fn check(config: &str) -> (i32, String) {
    let dir = repo(config);
    let out = Command::cargo_bin("ftlint")
        .unwrap()
        .arg("check")
        .arg(dir.path())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn image_registry_misspelled_option_is_exit_2_at_its_line() {
    let (code, err) = check(
        "rules:\n  image-registry:\n    severity: warning\n    options: {alowed: [\"*.dkr.ecr.*.amazonaws.com/*\"]}\n",
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("unknown option `alowed`") && err.contains("did you mean `allowed`?"),
        "{err}"
    );
    assert!(err.contains(".ftlint.yaml:4:15"), "{err}");
    assert!(err.contains("4 |     options: {alowed:"), "{err}");
}

#[test]
fn image_registry_string_where_a_list_belongs_is_exit_2_at_its_line() {
    let (code, err) = check("rules:\n  image-registry:\n    options:\n      allowed: \"x\"\n");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("option `allowed` must be a list of strings, found string"),
        "{err}"
    );
    assert!(err.contains(".ftlint.yaml:4:16"), "{err}");
    let (code, err) = check("rules:\n  image-registry:\n    options: {allowed: [\"a\", 3]}\n");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(".ftlint.yaml:3:30"), "{err}");
}

#[test]
fn every_rule_with_options_rejects_unknown_options_and_wrong_types() {
    let mut checked = 0;
    for meta in rules::metas() {
        let Some(decl) = meta.options else { continue };
        for field in decl.fields {
            // A misspelling of the option: unknown, with a suggestion.
            let typo = format!("{}x", field.name);
            let (code, err) = check(&format!(
                "rules:\n  {}:\n    options:\n      {typo}: 1\n",
                meta.id
            ));
            assert_eq!(code, 2, "{}: {err}", meta.id);
            assert!(err.contains(&format!("unknown option `{typo}`")), "{err}");
            assert!(
                err.contains(&format!("did you mean `{}`?", field.name)),
                "{err}"
            );
            assert!(err.contains(".ftlint.yaml:4:7"), "{err}");
            // A value of the wrong type.
            let wrong = match field.kind {
                OptionKind::Bool | OptionKind::Integer | OptionKind::StringList => "\"x\"",
                OptionKind::String | OptionKind::OneOf(_) => "[1]",
            };
            let (code, err) = check(&format!(
                "rules:\n  {}:\n    options:\n      {}: {wrong}\n",
                meta.id, field.name
            ));
            assert_eq!(code, 2, "{}: {err}", meta.id);
            assert!(
                err.contains(&format!("option `{}` must be", field.name)),
                "{err}"
            );
            assert!(err.contains(".ftlint.yaml:4:"), "{err}");
            // An unknown value of an enumerated option.
            if let OptionKind::OneOf(values) = field.kind {
                let near = format!("{}x", values[0]);
                let (code, err) = check(&format!(
                    "rules:\n  {}:\n    options:\n      {}: {near}\n",
                    meta.id, field.name
                ));
                assert_eq!(code, 2, "{}: {err}", meta.id);
                assert!(
                    err.contains(&format!("did you mean `{}`?", values[0])),
                    "{err}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 0, "no rule declares options");
}

#[test]
fn a_rule_without_options_rejects_any() {
    let (code, err) = check("rules:\n  duplicate-key:\n    options: {strict: true}\n");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("rule `duplicate-key` takes no options"),
        "{err}"
    );
    assert!(err.contains(".ftlint.yaml:3:15"), "{err}");
}

#[test]
fn valid_options_are_accepted_and_applied() {
    let dir =
        repo("rules:\n  image-registry:\n    options: {allowed: [\"registry.example.com/*\"]}\n");
    std::fs::write(
        dir.path().join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: docker.io/nginx:1.27\n",
    )
    .unwrap();
    Command::cargo_bin("ftlint")
        .unwrap()
        .args(["check", "--select", "image-registry", "--format", "short"])
        .arg(dir.path())
        .assert()
        .code(0) // warnings do not fail the run
        .stdout(predicate::str::contains(
            "pod.yaml:8:14: warning[image-registry] image docker.io/nginx:1.27 comes from registry `docker.io`",
        ));
}
