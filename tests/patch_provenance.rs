//! A finding caused by a patch that removed or replaced a value (JSON 6902
//! `remove`/`replace`, strategic-merge `$patch: delete`) points at the patch
//! operation, with the base line as related; other findings stay on the base.

mod common;

use std::path::Path;

#[test]
fn removals_and_replacements_point_at_the_patch_operation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kustomize/removal-provenance");
    let repo = common::load(&root);
    let diags: Vec<_> = common::lint(&repo, "*")
        .into_iter()
        .filter(|d| d.context.units.iter().any(|u| u == "overlay"))
        .collect();
    let text = common::detailed(&repo, &diags);
    for rule in [
        "missing-resources",
        "missing-liveness-probe",
        "privilege-escalation",
    ] {
        let line = text
            .lines()
            .find(|l| l.contains(rule))
            .unwrap_or_else(|| panic!("no {rule} finding in\n{text}"));
        assert!(
            line.starts_with("overlay/"),
            "{rule} is not on the patch: {line}"
        );
    }
    insta::assert_snapshot!(text);
}
