//! The fuzz targets of `fuzz/` as bounded proptest runs under stable Rust
//! (cargo-fuzz needs nightly and libFuzzer). `FTLINT_FUZZ_CASES` raises the
//! number of cases for a long run: `FTLINT_FUZZ_CASES=5000 cargo test --test fuzz_checks`.

#[path = "../fuzz/checks.rs"]
mod checks;

use proptest::prelude::*;

fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("FTLINT_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(cases(12))]

    #[test]
    fn every_fix_keeps_files_parseable_commented_and_idempotent(data in proptest::collection::vec(any::<u8>(), 0..64), unsafe_fixes in any::<bool>()) {
        let _applied = checks::check_fixes(&checks::fix_repo(&data), unsafe_fixes);
    }

    #[test]
    fn kustomize_trees_render_without_internal_errors_or_escapes(data in proptest::collection::vec(any::<u8>(), 0..48)) {
        checks::check_kustomize_tree(&checks::kustomize_tree(&data));
    }
}

proptest! {
    #![proptest_config(cases(64))]

    #[test]
    fn config_loader_never_panics(text in "(maxFileSize|rules|include|exclude|strict|kubernetesVersion|environments|overrides|syncWaves|gitops|[a-z]{1,8}|[:\\-\\[\\]{},#'\" \n]|[0-9]{1,4}(KiB|MiB)?){0,40}") {
        checks::check_config(&text);
    }

    #[test]
    fn config_loader_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        checks::check_config(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn deep_and_large_inputs_are_bounded() {
    for flow in [false, true] {
        checks::check_parse(&checks::deep_input(5_000, flow));
    }
    // About 1 MB of manifests in one file.
    let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n---\n";
    checks::check_parse(&doc.repeat(1_000_000 / doc.len()));
}

#[test]
fn the_fix_target_exercises_fixes() {
    // Over a fixed sweep of inputs, fixes of several rules are applied.
    let mut applied = 0;
    for seed in 0u8..24 {
        let data: Vec<u8> = (0..48u8)
            .map(|i| seed.wrapping_mul(31).wrapping_add(i.wrapping_mul(seed | 1)))
            .collect();
        applied += checks::check_fixes(&checks::fix_repo(&data), seed % 2 == 0);
    }
    assert!(applied >= 10, "only {applied} fixes applied");
}

/// Inputs libFuzzer found (`fuzz/artifacts`), kept as regressions.
#[test]
fn inputs_libfuzzer_found_are_read_without_a_crash() {
    // Two byte-order marks before a folded scalar: libyaml skipped the second
    // without counting it, so spans fell inside it (a panic on slicing).
    checks::check_parse("\u{feff}\u{feff}>");
    let parsed = ftlint::yaml::parse(
        "\u{feff}\u{feff}key: >\n  folded\n",
        ftlint::yaml::FileId(0),
    );
    assert!(parsed.error.is_none(), "{:?}", parsed.error);
    assert_eq!(parsed.documents[0].root.str_at(&["key"]), Some("folded\n"));
    // libyaml-safer's unimplemented case (a tag followed by `,` in a flow
    // collection) panics inside the parser: a syntax error, never a crash,
    // in the config loader and the fix path alike.
    checks::check_parse("[!,!`x0");
    checks::check_config("[!,!`x0");
    let parsed = ftlint::yaml::parse("[!,!`x0", ftlint::yaml::FileId(0));
    let err = parsed.error.expect("a syntax error");
    assert!(err.message.contains("cannot read"), "{}", err.message);
}
