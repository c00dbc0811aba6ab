use super::*;
use crate::yaml::Span;

fn edit(start: u32, end: u32, replacement: &str) -> Edit {
    Edit {
        span: Span::new(FileId(0), start as usize, end as usize),
        replacement: replacement.into(),
    }
}

#[test]
fn replacements_follow_crlf_line_endings() {
    let text = "a: 1\r\nb: 2\r\n";
    let e = edit(6, 10, "b:\n  c: 2");
    assert_eq!(apply_edits(text, &[&e]), "a: 1\r\nb:\r\n  c: 2\r\n");
    // An LF file keeps LF, and a replacement already in CRLF is not doubled.
    let lf = edit(5, 9, "b:\n  c: 2");
    assert_eq!(apply_edits("a: 1\nb: 2\n", &[&lf]), "a: 1\nb:\n  c: 2\n");
    let e = edit(6, 10, "b:\r\n  c: 2");
    assert_eq!(apply_edits(text, &[&e]), "a: 1\r\nb:\r\n  c: 2\r\n");
}

#[test]
fn overlapping_edits_keep_the_first_and_ranges_are_tracked() {
    let text = "abcdef";
    let a = edit(1, 3, "XY");
    let b = edit(2, 4, "ZZ");
    let c = edit(4, 5, "QQQ");
    let (out, ranges) = apply_tracked(text, &[&b, &a, &c]);
    assert_eq!(out, "aXYdQQQf");
    assert_eq!(ranges, vec![1..3, 4..7]);
}
