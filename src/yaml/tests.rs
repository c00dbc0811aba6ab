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

#[test]
fn flow_sequence_closed_at_the_key_indentation() {
    // go-yaml reads flow collections without indentation rules (kubectl accepts this).
    let text = "spec:\n  args: [\n    \"a\",\n    \"b\"\n  ]\n  other: [\n\"c\"\n]\nlast: 1\n";
    let doc = parse_one(text);
    let args = doc.root.path(&["spec", "args"]).unwrap();
    assert_eq!(args.items().len(), 2);
    assert_eq!(slice(text, args.span), "[\n    \"a\",\n    \"b\"\n  ]");
    assert_eq!(
        doc.root.path(&["spec", "other"]).unwrap().items()[0].as_str(),
        Some("c")
    );
    assert_eq!(doc.root.get("last").unwrap().as_i64(), Some(1));
}

#[test]
fn quoted_scalars_continued_at_the_parent_indentation() {
    // As `kubectl get -o yaml` writes long annotations.
    let text = "metadata:\n  annotations:\n    q1: \"first line\n    continued\"\n    q2: 'single\n  at parent'\n    q3: x\n";
    let doc = parse_one(text);
    let a = doc.root.path(&["metadata", "annotations"]).unwrap();
    assert_eq!(a.get("q1").unwrap().as_str(), Some("first line continued"));
    assert_eq!(a.get("q2").unwrap().as_str(), Some("single at parent"));
    assert_eq!(
        slice(text, a.get("q2").unwrap().span),
        "'single\n  at parent'"
    );
    assert_eq!(a.get("q3").unwrap().as_str(), Some("x"));
}

#[test]
fn folded_scalars_fold_as_go_yaml_does() {
    // Values as `kubectl kustomize` prints them: an extra break before a more-indented line.
    let text = "f2: >\n  a\n    b\n  c\nf4: >\n  a\n    b\n    b2\n  c\nf7: >\n  a\n\n\n    b\n  c\nf9: >-\n  a\n    b\nplain: >\n  a\n  b\n\n  c\n";
    let doc = parse_one(text);
    let r = &doc.root;
    assert_eq!(r.get("f2").unwrap().as_str(), Some("a\n\n  b\nc\n"));
    assert_eq!(r.get("f4").unwrap().as_str(), Some("a\n\n  b\n  b2\nc\n"));
    assert_eq!(r.get("f7").unwrap().as_str(), Some("a\n\n\n\n  b\nc\n"));
    assert_eq!(r.get("f9").unwrap().as_str(), Some("a\n\n  b"));
    assert_eq!(r.get("plain").unwrap().as_str(), Some("a b\nc\n"));
    assert_eq!(slice(text, r.get("f9").unwrap().span), ">-\n  a\n    b");
}

#[test]
fn json_stream_is_several_documents() {
    let text = "{\"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"a\"}}\n{\"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"b\"}}{\"kind\": \"Secret\"}\n";
    let parsed = parse(text, FileId(0));
    assert!(parsed.error.is_none(), "{:?}", parsed.error);
    let names: Vec<_> = (parsed.documents.iter())
        .map(|d| d.root.str_at(&["metadata", "name"]).unwrap_or("-"))
        .collect();
    assert_eq!(names, ["a", "b", "-"]);
    let b = &parsed.documents[1];
    assert_eq!(
        slice(text, b.root.path(&["metadata", "name"]).unwrap().span),
        "\"b\""
    );
    assert_eq!(b.root.span.start as usize, text.find("}\n{").unwrap() + 2);
}

#[test]
fn broken_json_stream_reports_the_broken_value() {
    let text = "{\"kind\": \"ConfigMap\"}\n{\"kind\": \"Secret\", \"data\": {\"a\": }\n";
    let parsed = parse(text, FileId(0));
    assert_eq!(
        parsed.documents.len(),
        1,
        "the value before the broken one is kept"
    );
    let err = parsed.error.expect("error");
    assert!(err.offset > text.find('\n').unwrap(), "{err:?}");
}

#[test]
fn a_flow_document_followed_by_yaml_is_an_error() {
    let parsed = parse("{\"kind\": \"Pod\"}\nkind: Pod\n", FileId(0));
    assert!(parsed.error.is_some());
}

#[test]
fn deep_nesting_is_a_syntax_error_not_an_abort() {
    for text in [
        "[".repeat(100_000),
        "{a: ".repeat(100_000),
        "- ".repeat(100_000) + "x\n",
    ] {
        let parsed = parse(&text, FileId(0));
        let err = parsed.error.expect("refused");
        assert!(err.message.contains("nested deeper"), "{}", err.message);
        assert!(err.offset < text.len());
    }
    let ok = "- ".repeat(MAX_DEPTH - 1) + "x\n";
    assert!(parse(&ok, FileId(0)).error.is_none());
}

#[test]
fn aliases_cannot_exceed_the_depth_limit() {
    let (open, close) = ("[".repeat(600), "]".repeat(600));
    let text = format!(
        "a: &d {open}{close}\nb: {}*d{}\n",
        &open[..500],
        &close[..500]
    );
    let parsed = parse(&text, FileId(0));
    let err = parsed.error.expect("refused");
    assert!(err.message.contains("nested deeper"), "{}", err.message);
}

#[test]
fn large_mappings_keep_order_and_record_duplicates() {
    let mut text = String::new();
    for i in 0..5_000 {
        text.push_str(&format!("k{i}: {i}\n"));
    }
    text.push_str("k17: last\n");
    let doc = parse_one(&text);
    let entries = doc.root.entries();
    assert_eq!(entries.len(), 5_000);
    assert_eq!(entries[4_999].key.name, "k4999");
    assert_eq!(doc.root.get("k17").unwrap().as_str(), Some("last"));
    assert_eq!(doc.duplicates.len(), 1);
    assert_eq!(doc.duplicates[0].name, "k17");
    assert_eq!(slice(&text, doc.duplicates[0].first), "k17");
}

#[test]
fn merge_keys_over_a_large_mapping() {
    let mut text = String::from("base: &b\n");
    for i in 0..100 {
        text.push_str(&format!("  k{i}: {i}\n"));
    }
    text.push_str("derived:\n  <<: *b\n  k5: own\n");
    let doc = parse_one(&text);
    let d = doc.root.get("derived").unwrap();
    assert_eq!(d.entries().len(), 100);
    assert_eq!(d.get("k5").unwrap().as_str(), Some("own"));
    assert_eq!(d.get("k99").unwrap().as_i64(), Some(99));
}

#[test]
fn anchored_and_tagged_values_are_spanned_at_the_value() {
    let text = "a: &x yes\nb: !!str 0755\nc: &m\n  k: v\nd: !Ref name\n";
    let doc = parse_one(text);
    assert_eq!(slice(text, doc.root.get("a").unwrap().span), "yes");
    let b = doc.root.get("b").unwrap();
    assert_eq!(
        (slice(text, b.span), b.tag.as_deref().map(|t| t.as_str())),
        ("0755", Some("!!str"))
    );
    assert_eq!(slice(text, doc.root.get("c").unwrap().span), "k: v");
    assert_eq!(
        doc.root
            .get("d")
            .unwrap()
            .tag
            .as_deref()
            .map(|t| t.as_str()),
        Some("!Ref")
    );
}

#[test]
fn control_characters_are_refused_at_their_position() {
    let text = "a: 1\nb: x\u{1}y\n";
    let err = parse(text, FileId(0)).error.expect("refused");
    assert_eq!(err.offset, text.find('\u{1}').unwrap());
}

mod span_properties {
    use super::*;
    use proptest::prelude::*;

    /// A value as written, and the text its span must slice.
    #[derive(Clone, Debug)]
    enum Written {
        Scalar(String),
        Flow(Vec<String>),
        Block(Vec<(String, Written)>),
    }

    fn scalar() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z][a-z0-9.-]{0,8}",
            "\"[a-z 가-힣é]{0,6}\"",
            "'[a-z ü]{0,6}'",
            "[1-9][0-9]{0,3}",
            Just("yes".to_string()),
        ]
    }

    fn written() -> impl Strategy<Value = Written> {
        let leaf = prop_oneof![
            scalar().prop_map(Written::Scalar),
            proptest::collection::vec(scalar(), 0..4).prop_map(Written::Flow),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            proptest::collection::vec(("[a-z]{1,6}", inner), 1..4).prop_map(|entries| {
                let mut seen = std::collections::HashSet::new();
                let unique = entries.into_iter().filter(|(k, _)| seen.insert(k.clone()));
                Written::Block(unique.collect())
            })
        })
    }

    fn render(out: &mut String, entries: &[(String, Written)], indent: usize, nl: &str) {
        for (k, v) in entries {
            out.push_str(&" ".repeat(indent));
            out.push_str(k);
            out.push(':');
            match v {
                Written::Scalar(s) => out.push_str(&format!(" {s}{nl}")),
                Written::Flow(items) => out.push_str(&format!(" [{}]{nl}", items.join(", "))),
                Written::Block(inner) => {
                    out.push_str(nl);
                    render(out, inner, indent + 2, nl);
                }
            }
        }
    }

    fn check(text: &str, node: &Node, written: &Written) -> Result<(), TestCaseError> {
        match written {
            Written::Scalar(s) => prop_assert_eq!(&text[node.span.range()], s.as_str()),
            Written::Flow(items) => {
                prop_assert_eq!(&text[node.span.range()], format!("[{}]", items.join(", ")));
                for (item, s) in node.items().iter().zip(items) {
                    prop_assert_eq!(&text[item.span.range()], s.as_str());
                }
            }
            Written::Block(entries) => {
                prop_assert_eq!(node.entries().len(), entries.len());
                for (entry, (k, v)) in node.entries().iter().zip(entries) {
                    prop_assert_eq!(&text[entry.key.span.range()], k.as_str());
                    check(text, &entry.value, v)?;
                }
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn key_and_value_spans_slice_what_was_written(
            docs in proptest::collection::vec(proptest::collection::vec(("[a-z]{1,6}", written()), 1..4), 1..3),
            crlf in any::<bool>(),
            bom in any::<bool>(),
        ) {
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut text = if bom { "\u{feff}".to_string() } else { String::new() };
            let docs: Vec<Vec<(String, Written)>> = docs.into_iter().map(|entries| {
                let mut seen = std::collections::HashSet::new();
                entries.into_iter().filter(|(k, _)| seen.insert(k.clone())).collect()
            }).collect();
            for entries in &docs {
                text.push_str(&format!("---{nl}"));
                render(&mut text, entries, 0, nl);
            }
            let parsed = parse(&text, FileId(0));
            prop_assert!(parsed.error.is_none(), "{:?}\n{}", parsed.error, text);
            prop_assert_eq!(parsed.documents.len(), docs.len());
            for (doc, entries) in parsed.documents.iter().zip(&docs) {
                check(&text, &doc.root, &Written::Block(entries.clone()))?;
            }
        }

        #[test]
        fn json_stream_values_are_spanned_in_the_file(values in proptest::collection::vec("[a-z가-힣]{0,5}", 2..5), packed in any::<bool>()) {
            let sep = if packed { "" } else { "\n" };
            let text: String = values.iter().map(|v| format!("{{\"k\": \"{v}\"}}{sep}")).collect();
            let parsed = parse(&text, FileId(0));
            prop_assert!(parsed.error.is_none(), "{:?}", parsed.error);
            prop_assert_eq!(parsed.documents.len(), values.len());
            for (doc, v) in parsed.documents.iter().zip(&values) {
                let node = doc.root.get("k").unwrap();
                prop_assert_eq!(&text[node.span.range()], format!("\"{v}\""));
                prop_assert_eq!(node.as_str(), Some(v.as_str()));
            }
        }
    }
}

/// Sizes from the scale issue; prints the time (run with `--release --ignored --nocapture`).
#[test]
#[ignore]
fn large_inputs_parse_linearly() {
    let time = |name: &str, text: &str| {
        let t = std::time::Instant::now();
        let parsed = parse(text, FileId(0));
        let s = t.elapsed().as_secs_f64();
        println!(
            "{name}: {:.1} MB in {s:.3} s ({:.0} MB/s)",
            text.len() as f64 / 1e6,
            text.len() as f64 / 1e6 / s
        );
        parsed
    };
    let mut keys = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n");
    for i in 0..160_000 {
        keys.push_str(&format!("  key-{i:07}: v{i:05}\n"));
    }
    let parsed = time("160,000-key mapping", &keys);
    assert_eq!(
        parsed.documents[0]
            .root
            .get("data")
            .unwrap()
            .entries()
            .len(),
        160_000
    );
    let mut flow = String::from("{");
    let mut i = 0;
    while flow.len() < 50_000_000 {
        flow.push_str(&format!("k{i}: value-{i}, "));
        i += 1;
    }
    flow.push_str("last: 1}\n");
    let parsed = time("50 MB one-line flow mapping", &flow);
    assert_eq!(parsed.documents[0].root.entries().len(), i + 1);
    for (name, text) in [
        (
            "100,000 nested block sequences",
            "- ".repeat(100_000) + "x\n",
        ),
        ("100,000 nested flow sequences", "[".repeat(100_000)),
    ] {
        let parsed = time(name, &text);
        assert!(parsed.error.is_some());
    }
}

/// Parse speed over every YAML/JSON file of the corpus (`FTLINT_CORPUS` or `../shared/corpus`).
#[test]
#[ignore]
fn corpus_parse_speed() {
    let Some(files) = crate::test_corpus::files(&[".yaml", ".yml", ".json"]) else {
        eprintln!("skipping: ../shared/corpus is absent");
        return;
    };
    let texts: Vec<String> = files
        .iter()
        .map(|path| crate::yaml::decode(&std::fs::read(path).unwrap()).0)
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let t = std::time::Instant::now();
    let documents: usize = texts
        .iter()
        .map(|t| parse(t, FileId(0)).documents.len())
        .sum();
    let s = t.elapsed().as_secs_f64();
    println!(
        "{} files, {documents} documents, {:.1} MB in {s:.2} s: {:.0} MB/s",
        texts.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / s
    );
    assert!(documents > texts.len() / 2);
}

#[test]
fn slash_escape_is_refused_as_go_yaml_does() {
    let text = "a: \"x\\\\/y\"\nb: \"p\\/q\"\n";
    let err = parse(text, FileId(0)).error.expect("refused");
    assert_eq!(err.offset, text.find("\\/q").unwrap());
}

/// sigs.k8s.io/yaml refuses a collection as a key (`invalid map key`), so
/// kubectl refuses the file; scalar keys written with `?` are fine.
#[test]
fn collection_keys_are_refused_as_kubectl_does() {
    for (text, at) in [
        ("data:\n  ? [a, b]\n  : x\n", "[a, b]"),
        ("data:\n  {a: 1}: x\n", "{a: 1}"),
        ("seq: &s [1]\ndata:\n  *s : x\n", "*s"),
    ] {
        let err = parse(text, FileId(0)).error.expect("refused");
        assert_eq!(err.offset, text.find(at).unwrap(), "{text}");
        assert!(err.message.contains("invalid map key"), "{}", err.message);
    }
    let doc = parse_one("data:\n  ? explicit\n  : x\n");
    assert_eq!(doc.root.str_at(&["data", "explicit"]), Some("x"));
}

#[test]
fn nodes_stay_small() {
    // Every parsed and rendered value is a Node (millions at 10,000
    // services): the tag is boxed thin, strings are inline, and collections
    // are one shared pointer (`yaml::Shared`).
    assert_eq!(std::mem::size_of::<Node>(), 48);
    assert_eq!(std::mem::size_of::<crate::yaml::Entry>(), 88);
}

/// Copy-on-write collections (`yaml/shared.rs`).
mod shared {
    use crate::yaml::{parse, FileId, Node, Shared};
    use proptest::prelude::*;

    fn doc(text: &str) -> Node {
        parse(text, FileId(0)).documents[0].root.clone()
    }

    #[test]
    fn a_clone_shares_until_written() {
        let a = doc("a: {b: [1, 2], c: {d: x}}\n");
        let mut b = a.clone();
        let blocks = |n: &Node| match (&n.get("a").unwrap().value, &n.value) {
            (crate::yaml::Value::Map(inner), crate::yaml::Value::Map(outer)) => {
                (inner.clone(), outer.clone())
            }
            _ => unreachable!(),
        };
        assert!(Shared::ptr_eq(&blocks(&a).0, &blocks(&b).0));
        b.get_mut("a").unwrap().remove("b");
        // Written: the path to the edit is copied, the rest still shared.
        assert!(!Shared::ptr_eq(&blocks(&a).1, &blocks(&b).1));
        assert!(!Shared::ptr_eq(&blocks(&a).0, &blocks(&b).0));
        let c = |n: &Node| match &n.path(&["a", "c"]).unwrap().value {
            crate::yaml::Value::Map(m) => m.clone(),
            _ => unreachable!(),
        };
        assert!(Shared::ptr_eq(&c(&a), &c(&b)));
        assert_eq!(a.path(&["a", "b"]).unwrap().items().len(), 2);
        assert!(b.path(&["a", "b"]).is_none());
    }

    /// A path of keys and indices into a tree, and an edit at its end.
    #[derive(Clone, Debug)]
    enum Edit {
        Set(String),
        Remove,
        Push,
        Clear,
    }

    fn edit(node: &mut Node, steps: &[usize], e: &Edit) {
        if let Some((&s, rest)) = steps.split_first() {
            let child = match &mut node.value {
                crate::yaml::Value::Map(m) if !m.is_empty() => {
                    let i = s % m.len();
                    &mut m[i].value
                }
                crate::yaml::Value::Seq(items) if !items.is_empty() => {
                    let i = s % items.len();
                    &mut items[i]
                }
                _ => return edit(node, &[], e),
            };
            return edit(child, rest, e);
        }
        let span = node.span;
        match e {
            Edit::Set(k) => node.set(k, span, Node::string("set", span)),
            Edit::Remove => {
                if let Some(k) = node.entries().first().map(|e| e.key.name.to_string()) {
                    node.remove(&k);
                }
            }
            Edit::Push => {
                if let Some(items) = node.as_seq_mut() {
                    items.push(Node::string("new", span));
                }
            }
            Edit::Clear => *node = Node::null(span),
        }
    }

    proptest! {
        /// Any sequence of edits on a clone leaves the original as it was.
        #[test]
        fn edits_on_a_clone_never_reach_the_original(
            edits in proptest::collection::vec(
                (proptest::collection::vec(0usize..8, 0..5),
                 prop_oneof![
                     "[a-c]{1,2}".prop_map(Edit::Set),
                     Just(Edit::Remove),
                     Just(Edit::Push),
                     Just(Edit::Clear),
                 ]),
                1..12,
            )
        ) {
            let original = doc("a: {b: [1, {c: 2, d: [x, y]}], e: {f: {g: h}}}\ni: [[j], {k: l}]\nm: n\n");
            let snapshot = original.to_json();
            let mut sibling = original.clone();
            let mut copy = original.clone();
            for (steps, e) in &edits {
                edit(&mut copy, steps, e);
            }
            prop_assert_eq!(original.to_json(), snapshot.clone());
            prop_assert_eq!(sibling.to_json(), snapshot.clone());
            // And the other way round: the sibling's edits leave the copy alone.
            let copied = copy.to_json();
            for (steps, e) in &edits {
                edit(&mut sibling, steps, e);
            }
            prop_assert_eq!(copy.to_json(), copied);
            prop_assert_eq!(original.to_json(), snapshot);
        }
    }
}
