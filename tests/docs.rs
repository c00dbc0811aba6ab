//! Every place a rule is described agrees with its one declaration
//! (`RuleMeta`): `ftlint rules`, `ftlint rule ID`, SARIF rule metadata and the
//! README rule table. The README table and `docs/ftlint-config.schema.json`
//! are generated; when they are stale, regenerate them with
//! `FTLINT_UPDATE_README=1 cargo test --test docs`.

use std::path::Path;
use std::process::Command;

use ftlint::rules::{self, RuleMeta};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn ftlint(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_ftlint"))
        .args(args)
        .output()
        .expect("run ftlint");
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn metas() -> Vec<&'static RuleMeta> {
    rules::metas()
}

/// The text between the README markers, and the README itself.
fn readme_section() -> (String, Option<(usize, usize)>) {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let range = readme.find(rules::README_BEGIN).and_then(|b| {
        let start = b + rules::README_BEGIN.len() + 1;
        readme[start..]
            .find(rules::README_END)
            .map(|e| (start, start + e))
    });
    (readme, range)
}

#[test]
fn readme_rule_table_is_generated_from_the_declarations() {
    let (readme, range) = readme_section();
    let (start, end) = range.expect("README.md lacks the rule table markers");
    let expected = rules::readme_table();
    if readme[start..end] == expected {
        return;
    }
    if std::env::var_os("FTLINT_UPDATE_README").is_some() {
        let updated = format!("{}{expected}{}", &readme[..start], &readme[end..]);
        std::fs::write(root().join("README.md"), updated).unwrap();
        return;
    }
    panic!(
        "the README rule table is stale; regenerate it with \
         `FTLINT_UPDATE_README=1 cargo test --test docs`"
    );
}

#[test]
fn rules_listing_doc_sarif_and_readme_agree_for_every_rule() {
    let listing = ftlint(&["rules"]);
    let dir = root().join("tests/fixtures/duplicate-key/good");
    let sarif: serde_json::Value = serde_json::from_str(&ftlint(&[
        "check",
        dir.to_str().unwrap(),
        "--format",
        "sarif",
    ]))
    .expect("SARIF output");
    let sarif_rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("SARIF rules")
        .clone();
    let (readme, _) = readme_section();
    assert_eq!(listing.lines().count(), metas().len(), "{listing}");
    assert_eq!(sarif_rules.len(), metas().len());

    for m in metas() {
        let id = m.id;
        let fix = m.fix.short();
        let summary = m.summary_line();

        // `ftlint rules`
        let line = listing
            .lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("`ftlint rules` lacks {id}"));
        let fields: Vec<&str> = line.splitn(2, ' ').collect();
        let rest = fields[1].trim_start();
        assert!(
            rest.starts_with(m.default_severity()),
            "{id}: listing severity: {line}"
        );
        assert!(line.ends_with(&summary), "{id}: listing summary: {line}");
        let fix_column = rest[m.default_severity().len()..]
            .trim_start()
            .strip_suffix(summary.as_str())
            .unwrap_or_else(|| panic!("{id}: listing layout: {line}"))
            .trim();
        assert_eq!(fix_column, fix, "{id}: listing fix availability");

        // `ftlint rule ID`: generated header, then the prose of rules/<id>.md.
        let doc = ftlint(&["rule", id]);
        let body = std::fs::read_to_string(root().join(format!("rules/{id}.md")))
            .unwrap_or_else(|_| panic!("rules/{id}.md is missing"));
        assert!(
            body.starts_with("## What it does\n"),
            "rules/{id}.md must hold only the prose, starting with '## What it does' (its header is generated)"
        );
        let header = format!(
            "# {id}\n\nDefault severity: {} · Fixable: {} · Scope: {}\n\n",
            m.severity_line(),
            m.fix.describe(),
            m.scope.as_str()
        );
        assert!(doc.starts_with(&header), "{id}: doc header:\n{doc}");
        assert!(doc[header.len()..].starts_with(&body), "{id}: doc body");
        match m.options {
            Some(decl) => {
                for f in decl.fields {
                    assert!(
                        doc.contains(&format!("| `{}` |", f.name)),
                        "{id}: doc lacks option {}",
                        f.name
                    );
                }
            }
            None => assert!(!doc.contains("## Options"), "{id}: doc lists options"),
        }

        // SARIF
        let s = sarif_rules
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("SARIF lacks {id}"));
        assert_eq!(
            s["shortDescription"]["text"], m.summary,
            "{id}: SARIF summary"
        );
        assert_eq!(s["help"]["markdown"], doc.as_str(), "{id}: SARIF help");
        let level = match m.severity.as_str() {
            "info" => "note",
            other => other,
        };
        assert_eq!(
            s["defaultConfiguration"]["level"], level,
            "{id}: SARIF level"
        );
        assert_eq!(
            s["defaultConfiguration"]["enabled"], m.enabled,
            "{id}: SARIF enabled"
        );

        // README row
        let row = format!(
            "| [`{id}`](rules/{id}.md) | {} | {fix} | {} |",
            m.default_severity(),
            summary.replace('|', "\\|")
        );
        assert!(
            readme.lines().any(|l| l == row),
            "README row of {id} disagrees; expected\n{row}"
        );
    }
}

#[test]
fn every_doc_page_is_a_registered_rule() {
    let dir = root().join("rules");
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let id = name.trim_end_matches(".md");
        assert!(
            rules::find(id).is_some(),
            "rules/{name} documents no registered rule"
        );
    }
}

fn config_schema_text() -> String {
    let schema = ftlint::rules::options::config_schema(&metas());
    serde_json::to_string_pretty(&schema).unwrap() + "\n"
}

#[test]
fn committed_config_schema_is_generated_from_the_declarations() {
    let path = root().join("docs/ftlint-config.schema.json");
    let expected = config_schema_text();
    if std::fs::read_to_string(&path).ok().as_deref() == Some(expected.as_str()) {
        return;
    }
    if std::env::var_os("FTLINT_UPDATE_README").is_some() {
        std::fs::write(&path, expected).unwrap();
        return;
    }
    panic!(
        "docs/ftlint-config.schema.json is stale; regenerate it with \
         `FTLINT_UPDATE_README=1 cargo test --test docs`"
    );
}

fn yaml_as_json(text: &str) -> serde_json::Value {
    let parsed = ftlint::yaml::parse(text, ftlint::yaml::FileId(0));
    assert!(parsed.error.is_none(), "{:?}", parsed.error);
    parsed.documents[0].root.to_json()
}

#[test]
fn config_schema_accepts_real_configs_and_rejects_bad_options() {
    let schema: serde_json::Value = serde_json::from_str(&config_schema_text()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON schema");
    let example =
        std::fs::read_to_string(root().join("examples/flash-tickets-gitops/.ftlint.yaml")).unwrap();
    for (name, text) in [
        ("example", example.as_str()),
        ("starter", ftlint::config::STARTER),
    ] {
        let config = yaml_as_json(text);
        let errors: Vec<String> = validator
            .iter_errors(&config)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{name} config: {errors:?}");
    }
    for bad in [
        "rules:\n  image-registry:\n    options: {alowed: [\"x\"]}\n",
        "rules:\n  image-registry:\n    options: {allowed: \"x\"}\n",
        "rules:\n  duplicate-key:\n    options: {strict: true}\n",
        "rules:\n  no-such-rule: off\n",
        "rules:\n  duplicate-key: loud\n",
    ] {
        assert!(!validator.is_valid(&yaml_as_json(bad)), "accepted:\n{bad}");
    }
}
