//! Property tests: spans always slice the text they describe, the parser never
//! panics on arbitrary input, and fixes keep everything outside the edit.

use ftlint::diagnostic::Edit;
use ftlint::fix::apply_edits;
use ftlint::yaml::{parse, FileId, LineIndex, Span};
use proptest::prelude::*;

fn key() -> impl Strategy<Value = String> {
    "[a-zA-Z][a-zA-Z0-9_-]{0,8}"
}

/// Plain-safe scalar values, including multi-byte text.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9]{0,10}",
        "[가-힣]{1,4}",
        "é[a-z]{0,3}ü",
        "[1-9][0-9]{0,4}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn value_spans_slice_their_text(entries in proptest::collection::btree_map(key(), value(), 1..12), crlf in any::<bool>(), indent in 0usize..3) {
        let nl = if crlf { "\r\n" } else { "\n" };
        let pad = " ".repeat(indent * 2);
        let mut text = format!("root:{nl}");
        for (k, v) in &entries {
            text.push_str(&format!("  {pad}{k}: {v}{nl}"));
        }
        let parsed = parse(&text, FileId(0));
        prop_assert!(parsed.error.is_none(), "{:?}", parsed.error);
        let root = parsed.documents[0].root.get("root").unwrap();
        let index = LineIndex::new(&text);
        for (i, (k, v)) in entries.iter().enumerate() {
            let entry = root.entry(k).unwrap();
            prop_assert_eq!(&text[entry.key.span.range()], k.as_str());
            prop_assert_eq!(&text[entry.value.span.range()], v.as_str());
            let lc = index.line_col(&text, entry.value.span.start as usize);
            prop_assert_eq!(lc.line, i + 2);
            prop_assert_eq!(lc.column, 2 + indent * 2 + k.chars().count() + 3);
        }
    }

    #[test]
    fn parser_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let parsed = parse(&text, FileId(0));
        if let Some(err) = parsed.error {
            prop_assert!(err.offset <= text.len());
        }
    }

    #[test]
    fn parser_never_panics_on_yamlish_text(text in "[ a-z:\\-\\[\\]{},#&*!|>'\"\n]{0,200}") {
        let parsed = parse(&text, FileId(0));
        for doc in &parsed.documents {
            doc.root.walk(&mut |_, node| {
                assert!(node.span.end as usize <= text.len());
                assert!(text.is_char_boundary(node.span.start as usize));
            });
        }
    }

    #[test]
    fn edits_keep_bytes_outside_the_edit(prefix in "[ -~\n]{0,50}", middle in "[ -~]{0,10}", suffix in "[ -~\n]{0,50}", replacement in "[ -~]{0,10}") {
        let text = format!("{prefix}{middle}{suffix}");
        let edit = Edit { span: Span::new(FileId(0), prefix.len(), prefix.len() + middle.len()), replacement: replacement.clone() };
        let out = apply_edits(&text, &[&edit]);
        prop_assert_eq!(out, format!("{prefix}{replacement}{suffix}"));
    }
}
