//! Measuring harness (ignored): validate every object of a JSON-lines dump made by
//! `scripts/corpus-to-jsonl.py` and print the schema findings grouped by class.
//!
//! FTLINT_CORPUS_JSONL=/tmp/corpus.jsonl cargo test --test schema_corpus -- --ignored --nocapture

use std::collections::BTreeMap;

use ftlint::schema::{default_version, display_path, SchemaErrorKind, SchemaRegistry, Validation};
use serde_json::Value;

#[test]
#[ignore = "needs FTLINT_CORPUS_JSONL"]
fn corpus_report() {
    let Ok(path) = std::env::var("FTLINT_CORPUS_JSONL") else {
        eprintln!("set FTLINT_CORPUS_JSONL");
        return;
    };
    let strict = std::env::var("FTLINT_NO_STRICT").is_err();
    let reg = SchemaRegistry::new(default_version(), strict).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // CRDs first, as the linter does.
    for l in &lines {
        if l["obj"]["kind"] == "CustomResourceDefinition" {
            let _ = reg.add_crd(&l["obj"]);
        }
    }
    let (mut valid, mut unknown) = (0, BTreeMap::<String, usize>::new());
    let mut classes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for l in &lines {
        let o = &l["obj"];
        let (api, kind) = (
            o["apiVersion"].as_str().unwrap(),
            o["kind"].as_str().unwrap(),
        );
        match reg.validate(api, kind, o) {
            Validation::Valid => valid += 1,
            Validation::UnknownKind => *unknown.entry(format!("{api}/{kind}")).or_default() += 1,
            Validation::Invalid(errs) => {
                for e in errs {
                    let class = match &e.kind {
                        SchemaErrorKind::UnknownField { field, .. } => {
                            format!("{kind}: unknown field {field}")
                        }
                        SchemaErrorKind::WrongType { expected, found } => format!(
                            "{kind}: {} must be {expected}, found {found}",
                            display_path(&e.path)
                        ),
                        SchemaErrorKind::MissingRequired { field } => {
                            format!("{kind}: missing {field}")
                        }
                        _ => format!("{kind}: {}", e.message),
                    };
                    classes.entry(class).or_default().push(format!(
                        "{}#{}: {}",
                        l["file"].as_str().unwrap(),
                        l["doc"],
                        e.message
                    ));
                }
            }
        }
    }
    println!(
        "objects {} valid {valid} unknown-kind {}",
        lines.len(),
        unknown.values().sum::<usize>()
    );
    for (class, v) in &classes {
        println!("{:4} {class}\n       e.g. {}", v.len(), v[0]);
    }
    let mut u: Vec<_> = unknown.into_iter().collect();
    u.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    println!("unknown kinds: {:?}", &u[..u.len().min(25)]);
}
