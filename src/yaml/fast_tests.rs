//! The fast path must build exactly what libyaml builds: same trees, spans,
//! duplicates and errors, on generated documents and on every corpus file.

use proptest::prelude::*;

use super::parse::{parse, parse_with_libyaml};
use super::FileId;

fn same(text: &str) -> bool {
    let fast = parse(text, FileId(0));
    let general = parse_with_libyaml(text, FileId(0));
    assert_eq!(fast, general, "fast path differs on:\n{text}");
    super::fast::events(text).is_some()
}

#[test]
fn manifests_take_the_fast_path_and_match_libyaml() {
    for text in [
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n",
        "a:\n- 1\n- two\n-\n- - x\n",
        "a:\n- 1\n- two\n-\nb: c\n",
        "- a: 1\n  b: [x, 'y', \"z\"]\n-   c: {d: e, f: {g: h}}\n- k:\n  - v\n",
        "# lead\n---\na: 1 # trailing\n\n---\n---\nb: 'it''s'\n...\n",
        "x: |\n  one\n\n   two\n  three\ny: |-\n    p\n    q\n\nz: end\n",
        "key:\n  value\nempty:\nnext: ~\nq: \"\"\n",
        "  indented: root\n  b: c\n",
        "a: b: c\n",
        "a: b\n  c\n",
        "a:\n  b: 1\n c: 2\n",
        "<<: {a: 1}\nb: 2\nb: 3\n",
        "url: http://x:80/y?z#w\nt: a #c\nu: a#b\n",
        "---\n",
        "# only a comment\n",
        "",
        "a: [ ]\nb: { }\nc: [a, b, ]\nd: {a: b,}\n",
        "r: [https://github.com/x, a:b, q?]\ns: {a:b: c}\nt: [a:, b]\nu: [a:[b]]\n",
        "a: |\n  x\n b: c\n",
        "- |\n  lit\n- -1\n- --flag\n- a: |\n    deep\n  b: 2\n",
    ] {
        same(text);
    }
    assert!(same(
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        resources:\n          requests: {cpu: 100m, memory: 128Mi}\n"
    ));
    assert!(same(
        "repos: [https://github.com/x/y]\nsync: {prune: true}\n"
    ));
    assert!(same(
        "patches:\n- patch: |-\n    kind: X\n    metadata:\n      name: y\n"
    ));
}

/// `text` lacks its final line break: both paths read it as libyaml does
/// (with one added, values and spans clipped back). True when the fast
/// path reads it.
fn same_unterminated(text: &str) -> bool {
    assert_eq!(
        parse(text, FileId(0)),
        parse_with_libyaml(text, FileId(0)),
        "fast path differs on (no final line break):\n{text}"
    );
    super::fast::events(&format!("{text}\n")).is_some()
}

#[test]
fn text_without_a_final_line_break_takes_the_fast_path() {
    // Inline patches (`patch: |-`) are parsed from their value, which has
    // no final line break.
    for text in [
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x",
        "a: b",
        "a:\n- 1\n- two",
        "a: |\n  lit",
        "a: |-\n  lit\n  more",
        "a: 'q'",
        "a: [x, y]",
        "a: x # c",
        "a:",
        "- a",
        "---",
    ] {
        assert!(same_unterminated(text), "not on the fast path: {text:?}");
    }
    for text in ["", "a: b\n  ", "# c", "a: b\n\n"] {
        same_unterminated(text);
    }
}

/// Lines built from the pieces manifests are made of, nested at random.
fn yaml_lines() -> impl Strategy<Value = String> {
    let scalar = prop_oneof![
        "[a-z][a-z0-9.-]{0,6}",
        Just("'q''s'".to_string()),
        Just("\"dq\"".to_string()),
        Just("80".to_string()),
        Just("yes".to_string()),
        Just("~".to_string()),
        Just("a #c".to_string()),
        Just("[x, y]".to_string()),
        Just("{k: v}".to_string()),
        Just("{k: v, l: [1, 2]}".to_string()),
        Just("[https://x/y?z, a:b]".to_string()),
        Just("{u: a:b, v: c:, w: d?}".to_string()),
        Just("a: b".to_string()),
        Just("|".to_string()),
        Just("|-".to_string()),
        Just(">".to_string()),
        Just("&x a".to_string()),
        Just("".to_string()),
    ];
    let line = (
        0usize..4,
        prop_oneof![
            Just("k: "),
            Just("- "),
            Just("- k: "),
            Just("k2: "),
            Just("#"),
            Just("")
        ],
        scalar,
    )
        .prop_map(|(indent, lead, value)| format!("{}{lead}{value}\n", "  ".repeat(indent)));
    prop::collection::vec(
        prop_oneof![8 => line, 1 => Just("---\n".to_string()), 1 => Just("\n".to_string())],
        0..14,
    )
    .prop_map(|lines| lines.concat())
}

/// Generated documents: both paths agree, and enough of them take the fast path.
#[test]
fn fast_path_matches_libyaml() {
    let config = ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(4000)
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let fast = std::cell::Cell::new(0);
    runner
        .run(&yaml_lines(), |text| {
            let general = parse_with_libyaml(&text, FileId(0));
            prop_assert_eq!(parse(&text, FileId(0)), general, "on:\n{}", text);
            // Without its final line break (an inline patch's `|-` text):
            // the fast path reads it with the break libyaml is given.
            if let Some(cut) = text.strip_suffix('\n') {
                let general = parse_with_libyaml(cut, FileId(0));
                prop_assert_eq!(parse(cut, FileId(0)), general, "on:\n{}", cut);
            }
            fast.set(fast.get() + usize::from(super::fast::events(&text).is_some()));
            Ok(())
        })
        .unwrap();
    assert!(
        fast.get() > 400,
        "only {} cases on the fast path",
        fast.get()
    );
}

/// Every YAML file of the corpus (`FTLINT_CORPUS` or `../shared/corpus`): both paths agree.
#[test]
fn corpus_files_parse_the_same_on_both_paths() {
    let Some(paths) = crate::test_corpus::files(&[".yaml", ".yml"]) else {
        eprintln!("skipping: ../shared/corpus is absent");
        return;
    };
    let (mut files, mut fast) = (0, 0);
    for path in paths {
        let text = crate::yaml::decode(&std::fs::read(&path).unwrap()).0;
        files += 1;
        fast += usize::from(same(&text));
        if let Some(cut) = text.strip_suffix('\n') {
            same_unterminated(cut);
        }
    }
    eprintln!("{files} corpus files, {fast} on the fast path");
    assert!(fast > files / 4, "{fast} of {files} on the fast path");
}
