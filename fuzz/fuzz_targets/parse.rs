//! The spanned parser on arbitrary bytes: never panics, spans stay in bounds.
#![no_main]

use ftlint::yaml::{parse, FileId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, _) = ftlint::repo::decode(data);
    let parsed = parse(&text, FileId(0));
    if let Some(err) = &parsed.error {
        assert!(err.offset <= text.len());
    }
    for doc in &parsed.documents {
        doc.root.walk(&mut |_, node| {
            assert!(node.span.end as usize <= text.len());
            assert!(text.is_char_boundary(node.span.start as usize));
            assert!(text.is_char_boundary(node.span.end as usize));
        });
    }
});
