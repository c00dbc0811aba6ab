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
        match m.security_severity {
            Some(score) => {
                assert!(
                    (0.1..=10.0).contains(&score),
                    "{id}: security severity {score} outside 0.1–10"
                );
                assert_eq!(
                    s["properties"]["security-severity"],
                    format!("{score:.1}"),
                    "{id}: SARIF security-severity"
                );
                assert_eq!(s["properties"]["tags"][0], "security", "{id}");
            }
            None => assert!(s.get("properties").is_none(), "{id}: SARIF properties"),
        }

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

/// Every Markdown file of the project, outside build output and git.
fn markdown_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != ".git" && name != "target" {
                markdown_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// The docs stand on their own: none cites a section of a contract the
/// project does not ship.
#[test]
fn docs_cite_no_spec_section() {
    let mut files = Vec::new();
    markdown_files(root(), &mut files);
    assert!(files.len() > 50, "{files:?}");
    let citing: Vec<String> = files
        .iter()
        .filter(|f| std::fs::read_to_string(f).unwrap().contains("SPEC §"))
        .map(|f| f.strip_prefix(root()).unwrap().display().to_string())
        .collect();
    assert!(citing.is_empty(), "these cite a SPEC section: {citing:?}");
}

/// The commits the README pins (`rev:` of the pre-commit hook, `@` of the
/// Action) must be commits of this repository that hold the hooks and the
/// Action. Skipped outside a git clone or in a shallow one.
#[test]
fn readme_pins_a_commit_that_holds_the_hooks_and_the_action() {
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(root())
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    match git(&["rev-parse", "--is-shallow-repository"]).as_deref() {
        Some("false") => {}
        other => {
            eprintln!("skipped: not a full git clone ({other:?})");
            return;
        }
    }
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let pins: Vec<(&str, &str)> = readme
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let sha = l
                .strip_prefix("rev: ")
                .or_else(|| l.split("uses: flash-tickets/ftlint@").nth(1))?;
            Some((l, sha.get(..40)?))
        })
        .collect();
    assert!(pins.len() >= 2, "README pins: {pins:?}");
    for (line, sha) in pins {
        assert!(sha.bytes().all(|b| b.is_ascii_hexdigit()), "{line}");
        for file in [".pre-commit-hooks.yaml", "action.yml"] {
            assert!(
                git(&["cat-file", "-e", &format!("{sha}:{file}")]).is_some(),
                "README pins {sha} ({line}), which has no {file}"
            );
        }
    }
}

/// The example's README lists its planted violations (`file:line`, and the
/// rules ftlint reports there): ftlint reports exactly those, nothing else,
/// with the masks and related locations the table names.
#[test]
fn example_readme_agrees_with_the_findings() {
    let example = root().join("examples/flash-tickets-gitops");
    let readme = std::fs::read_to_string(example.join("README.md")).unwrap();
    let table = readme
        .split("## Planted violations")
        .nth(1)
        .and_then(|t| t.split("\n## ").next())
        .expect("a '## Planted violations' section");
    let ids: Vec<&str> = metas().iter().map(|m| m.id).collect();
    // (file, line, rule) per table row; with each row's masks and related files.
    let mut expected = std::collections::BTreeSet::new();
    let mut masks = Vec::new();
    let mut related = Vec::new();
    for row in table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.contains("---"))
    {
        let cells: Vec<&str> = row.split(" | ").collect();
        if cells[0].trim_start_matches("| ").parse::<u32>().is_err() {
            continue; // the header row
        }
        let (file, line) = cells[1]
            .trim_matches('`')
            .rsplit_once(':')
            .unwrap_or_else(|| panic!("no file:line in {row}"));
        let line: u64 = line.parse().unwrap_or_else(|_| panic!("{row}"));
        let says = cells[3];
        // Backticked rule ids, each at the row's line unless `(line N` follows it.
        for (i, part) in says.split('`').enumerate() {
            if i % 2 == 0 || !ids.contains(&part) {
                continue;
            }
            let after = says.split(&format!("`{part}`")).nth(1).unwrap_or("");
            let at = after
                .trim_start()
                .strip_prefix("(line ")
                .and_then(|s| s.split(|c: char| !c.is_ascii_digit()).next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(line);
            expected.insert((file.to_string(), at, part.to_string()));
        }
        if let Some(mask) = says.split("masked as `").nth(1) {
            masks.push(mask.split('`').next().unwrap().to_string());
        }
        if let Some(rel) = says.split("related: `").nth(1) {
            related.push((file.to_string(), rel.split('`').next().unwrap().to_string()));
        }
    }
    assert!(expected.len() >= 12, "{expected:?}");

    let out = Command::new(env!("CARGO_BIN_EXE_ftlint"))
        .args(["check", "--no-cache", "--format", "json"])
        .arg(&example)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Paths from the example's root, whichever repository root holds it.
    let local = |p: &str| {
        p.split_once("flash-tickets-gitops/")
            .map_or(p, |(_, rest)| rest)
            .to_string()
    };
    let diags = report["diagnostics"].as_array().unwrap();
    let found: std::collections::BTreeSet<(String, u64, String)> = diags
        .iter()
        .map(|d| {
            (
                local(d["file"].as_str().unwrap()),
                d["line"].as_u64().unwrap(),
                d["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found, expected,
        "findings (left) vs the README table (right)"
    );
    for (file, rel) in related {
        assert!(
            diags
                .iter()
                .any(|d| local(d["file"].as_str().unwrap()) == file
                    && d["related"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|r| r["file"].as_str().unwrap().ends_with(&rel))),
            "{file}: no finding related to {rel}"
        );
    }
    let human = Command::new(env!("CARGO_BIN_EXE_ftlint"))
        .args(["check", "--no-cache", "--color", "never"])
        .arg(&example)
        .output()
        .unwrap();
    let human = String::from_utf8(human.stdout).unwrap();
    assert!(!masks.is_empty());
    for mask in masks {
        assert!(
            human.contains(&mask),
            "the README's mask {mask} is not shown"
        );
    }
}
