//! The official schemas machine formats are validated against in the tests:
//! SARIF 2.1.0 (vendored with its license, tests/data/sarif/README.md) and the
//! Jenkins/xUnit JUnit XSD (tests/data/junit/README.md).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

pub fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

/// Against the official SARIF 2.1.0 schema (vendored, see tests/data/sarif/README.md).
pub fn validate_sarif(doc: &serde_json::Value) {
    let schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(data("sarif/sarif-schema-2.1.0.json")).unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
}

/// Against the Jenkins/xUnit JUnit schema with Python's `xmlschema` when it is installed.
pub fn validate_junit(xml: &str) {
    let python = std::env::var("FTLINT_PYTHON").unwrap_or_else(|_| "python3".into());
    let has_xmlschema = Process::new(&python)
        .args(["-c", "import xmlschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_xmlschema {
        eprintln!(
            "skipped JUnit XSD validation: {python} has no `xmlschema` (pip install xmlschema)"
        );
        return;
    }
    let file = tempfile::NamedTempFile::new().unwrap();
    fs::write(file.path(), xml).unwrap();
    let out = Process::new(&python)
        .args([
            "-c",
            "import sys, xmlschema; xmlschema.XMLSchema(sys.argv[1]).validate(sys.argv[2])",
            data("junit/junit-10.xsd").to_str().unwrap(),
            file.path().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "JUnit XSD violations:\n{}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
}
