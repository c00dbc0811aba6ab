//! Every output format on the bundled example repository, as insta snapshots.
//!
//! The example is copied out of this repository first, so that it is its own
//! repository root (inside this checkout, paths would start with `examples/`).

use std::path::Path;

use assert_cmd::Command;

const EXAMPLE: &str = "examples/flash-tickets-gitops";

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn run(format: &str) -> (i32, String) {
    let copy = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join(EXAMPLE),
        copy.path(),
    );
    let out = Command::cargo_bin("ftlint")
        .unwrap()
        .current_dir(copy.path())
        .env("FTLINT_NO_TIMING", "1")
        .env("NO_COLOR", "1")
        .args(["check", ".", "--format", format])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // Wall-clock time and the copy's location are the only varying fields.
    let elapsed = regex::Regex::new(r#""elapsed_ms": \d+"#).unwrap();
    let base = regex::Regex::new(r#""uri": "file:///[^"]*""#).unwrap();
    let text = elapsed.replace_all(&text, r#""elapsed_ms": 0"#);
    let text = base.replace_all(&text, r#""uri": "file:///REPO/""#);
    (out.status.code().unwrap(), text.into_owned())
}

#[test]
fn human() {
    let (code, text) = run("human");
    assert_eq!(code, 1);
    insta::assert_snapshot!(text);
}

#[test]
fn short() {
    let (code, text) = run("short");
    assert_eq!(code, 1);
    insta::assert_snapshot!(text);
}

#[test]
fn json() {
    let (code, text) = run("json");
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], 1);
    for d in v["diagnostics"].as_array().unwrap() {
        for field in [
            "rule",
            "severity",
            "message",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "help",
            "related",
            "context",
            "fix",
        ] {
            assert!(d.get(field).is_some(), "missing {field} in {d}");
        }
    }
    insta::assert_snapshot!(text);
}

#[test]
fn sarif() {
    let (code, text) = run("sarif");
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in run["results"].as_array().unwrap() {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        assert!(
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
                >= 1
        );
    }
    insta::assert_snapshot!(text);
}

#[test]
fn github() {
    let (code, text) = run("github");
    assert_eq!(code, 1);
    let re = regex::Regex::new(r"^::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[a-z0-9-]+::.+$").unwrap();
    for line in text.lines() {
        assert!(re.is_match(line), "{line}");
    }
    insta::assert_snapshot!(text);
}

#[test]
fn concise() {
    let (code, text) = run("concise");
    assert_eq!(code, 1);
    insta::assert_snapshot!(text);
}

#[test]
fn junit() {
    let (code, text) = run("junit");
    assert_eq!(code, 1);
    insta::assert_snapshot!(text);
}
