use super::*;

fn parse_one(text: &str) -> Document {
    let parsed = parse(text, FileId(0));
    assert!(parsed.error.is_none(), "{:?}", parsed.error);
    parsed.documents.into_iter().next().expect("a document")
}

fn slice(text: &str, span: Span) -> &str {
    &text[span.range()]
}

#[test]
fn spans_of_keys_and_values() {
    let text = "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: \"x y\"\n  b: 'q'\n  c: |\n    line\n";
    let doc = parse_one(text);
    let data = doc.root.get("data").unwrap();
    let a = data.entry("a").unwrap();
    assert_eq!(slice(text, a.key.span), "a");
    assert_eq!(slice(text, a.value.span), "\"x y\"");
    assert_eq!(slice(text, data.get("b").unwrap().span), "'q'");
    assert_eq!(data.get("c").unwrap().as_str(), Some("line\n"));
    assert_eq!(
        slice(text, doc.root.entry("kind").unwrap().value.span),
        "ConfigMap"
    );
}

#[test]
fn crlf_and_multibyte_spans() {
    let text = "a: é\r\nb: 한국어\r\nc: x\r\n";
    let doc = parse_one(text);
    assert_eq!(slice(text, doc.root.get("b").unwrap().span), "한국어");
    assert_eq!(slice(text, doc.root.get("c").unwrap().span), "x");
    let idx = LineIndex::new(text);
    let lc = idx.line_col(text, doc.root.get("c").unwrap().span.start as usize);
    assert_eq!((lc.line, lc.column), (3, 4));
}

#[test]
fn bom_is_skipped() {
    let text = "\u{feff}kind: Pod\n";
    let doc = parse_one(text);
    assert_eq!(slice(text, doc.root.get("kind").unwrap().span), "Pod");
}

#[test]
fn multi_document_and_empty_documents() {
    let parsed = parse("---\na: 1\n---\n# only a comment\n---\nb: 2\n", FileId(0));
    assert!(parsed.error.is_none());
    assert_eq!(parsed.documents.len(), 3);
    assert!(parsed.documents[1].root.is_null());
    assert_eq!(parsed.documents[2].root.get("b").unwrap().as_i64(), Some(2));
}

#[test]
fn yaml_11_resolution() {
    let doc = parse_one(
        "a: yes\nb: 0755\nc: \"yes\"\nd: 12\ne: 1.5\nf: ~\ng: on\nh: 0x1F\ni: !!str 12\n",
    );
    let r = &doc.root;
    assert_eq!(r.get("a").unwrap().as_bool(), Some(true));
    assert!(r.get("a").unwrap().ambiguous);
    assert_eq!(r.get("b").unwrap().as_i64(), Some(0o755));
    assert!(r.get("b").unwrap().ambiguous);
    assert_eq!(r.get("c").unwrap().as_str(), Some("yes"));
    assert!(!r.get("c").unwrap().ambiguous);
    assert_eq!(r.get("d").unwrap().as_i64(), Some(12));
    assert!(!r.get("d").unwrap().ambiguous);
    assert_eq!(r.get("e").unwrap().value, Value::Float(1.5));
    assert!(r.get("f").unwrap().is_null());
    assert_eq!(r.get("g").unwrap().as_bool(), Some(true));
    assert_eq!(r.get("h").unwrap().as_i64(), Some(31));
    assert_eq!(r.get("i").unwrap().as_str(), Some("12"));
}

#[test]
fn duplicate_keys_are_recorded_last_wins() {
    let text = "a: 1\nb: 2\na: 3\n";
    let doc = parse_one(text);
    assert_eq!(doc.root.get("a").unwrap().as_i64(), Some(3));
    assert_eq!(doc.duplicates.len(), 1);
    assert_eq!(doc.duplicates[0].first.start, 0);
    assert_eq!(doc.duplicates[0].second.start, 10);
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let text = "base: &b\n  x: 1\n  y: 2\nderived:\n  <<: *b\n  y: 3\nlist: [*b]\n";
    let doc = parse_one(text);
    let d = doc.root.get("derived").unwrap();
    assert_eq!(d.get("x").unwrap().as_i64(), Some(1));
    assert_eq!(d.get("y").unwrap().as_i64(), Some(3));
    assert!(d.get("<<").is_none());
    // The merged value points at the anchor's definition.
    assert_eq!(slice(text, d.get("x").unwrap().span), "1");
    assert_eq!(doc.root.get("list").unwrap().items().len(), 1);
}

#[test]
fn syntax_error_has_position() {
    let text = "a: 1\nb: [1, 2\nc: 3\n";
    let parsed = parse(text, FileId(0));
    let err = parsed.error.expect("error");
    assert!(err.offset > 0 && err.offset <= text.len());
}

#[test]
fn alias_bomb_is_refused() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let parsed = parse(&text, FileId(0));
    let err = parsed.error.expect("refused");
    assert!(err.message.contains("alias"), "{}", err.message);
}

#[test]
fn json_manifest() {
    let text =
        "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"spec\": {\"ports\": [{\"port\": 80}]}}";
    let doc = parse_one(text);
    assert_eq!(doc.root.str_at(&["kind"]), Some("Service"));
    let port = &doc.root.path(&["spec", "ports"]).unwrap().items()[0];
    assert_eq!(slice(text, port.get("port").unwrap().span), "80");
    assert_eq!(slice(text, port.span), "{\"port\": 80}");
}

#[test]
fn block_collection_spans_end_at_last_child() {
    let text = "spec:\n  containers:\n  - name: a\n    image: x\nnext: 1\n";
    let doc = parse_one(text);
    let c = doc.root.path(&["spec", "containers"]).unwrap();
    assert_eq!(slice(text, c.items()[0].span), "name: a\n    image: x");
}

#[test]
fn binary_input_does_not_panic() {
    let bytes: Vec<u8> = (0..=255u8).cycle().take(2000).collect();
    let text = String::from_utf8_lossy(&bytes);
    let _ = parse(&text, FileId(0));
}

#[test]
fn block_scalar_at_end_of_file_without_newline() {
    // YAML clips to the line breaks actually present: none at end of file.
    let doc = parse_one("a: |\n  x\n  y");
    assert_eq!(doc.root.get("a").unwrap().as_str(), Some("x\ny"));
    let doc = parse_one("a: |\n  x\n");
    assert_eq!(doc.root.get("a").unwrap().as_str(), Some("x\n"));
    let doc = parse_one("a: >\n  x\n  y");
    assert_eq!(doc.root.get("a").unwrap().as_str(), Some("x y"));
    let doc = parse_one("a: |+\n  x");
    assert_eq!(doc.root.get("a").unwrap().as_str(), Some("x"));
    let doc = parse_one("a: |\r\n  x\r\n  y");
    assert_eq!(doc.root.get("a").unwrap().as_str(), Some("x\ny"));
}
