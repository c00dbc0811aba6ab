//! The documentation stays true: every rule has its page and a README row.

use std::path::Path;

use ftlint::rules;

#[test]
fn every_rule_has_a_doc_page_and_a_readme_row() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    for id in rules::all_ids() {
        let doc = rules::doc(id).unwrap_or_else(|| panic!("rules/{id}.md is missing"));
        assert!(
            doc.starts_with(&format!("# {id}\n")),
            "rules/{id}.md must start with its id"
        );
        assert!(
            doc.contains("## What it does"),
            "rules/{id}.md lacks 'What it does'"
        );
        assert!(
            readme.contains(&format!("[`{id}`](rules/{id}.md)")),
            "README lacks a row for {id}"
        );
    }
}

#[test]
fn every_doc_page_is_a_registered_rule() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let id = name.trim_end_matches(".md");
        assert!(
            rules::find(id).is_some(),
            "rules/{name} documents no registered rule"
        );
    }
}
