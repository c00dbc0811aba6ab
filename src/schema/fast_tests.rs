//! The tree's quick answers agree with the full validator: a `Yes` only for
//! objects `jsonschema` finds valid, a `No` only for invalid ones.

use super::fast::{Fit, Reading};
use super::{SchemaRegistry, Validation};
use crate::yaml::{self, FileId, Node};

fn registry() -> SchemaRegistry {
    SchemaRegistry::new(super::default_version(), true).unwrap()
}

/// The tree's answer for `root`, and whether the full validator finds it
/// valid; `None` when the kind has no schema or no tree.
fn both(reg: &SchemaRegistry, root: &Node, skip_top: Option<&str>) -> Option<(Fit, bool)> {
    let api = root.get("apiVersion")?.as_str()?;
    let kind = root.get("kind")?.as_str()?;
    let c = reg.compiled(api, kind)?;
    let tree = c.fast.as_ref()?;
    let fit = tree.fit(
        root,
        Reading {
            drops_nulls: c.decoding == super::compiled::Decoding::DropsNulls,
            skip_top,
        },
    );
    let mut json = root.to_json();
    if let (Some(skip), Some(m)) = (skip_top, json.as_object_mut()) {
        m.remove(skip);
    }
    let valid = !matches!(reg.validate_owned(api, kind, json), Validation::Invalid(_));
    Some((fit, valid))
}

fn agree(fit: Fit, valid: bool) -> bool {
    match fit {
        Fit::Yes => valid,
        Fit::No => !valid,
        Fit::Unsure => true,
    }
}

fn root(text: &str) -> Node {
    yaml::parse(text, FileId(0)).documents.remove(0).root
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          imagePullPolicy: IfNotPresent
          ports: [{containerPort: 80, protocol: TCP}]
          resources:
            limits: {cpu: 500m, memory: 128Mi}
";

#[test]
fn valid_objects_are_confirmed_on_the_tree() {
    let reg = registry();
    let cases = [
        DEPLOYMENT.to_string(),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n".into(),
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 80, targetPort: http}]\n".into(),
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: s, annotations: null}\nspec:\n  encryptedData: {a: AgB}\n".into(),
    ];
    for text in &cases {
        let (fit, valid) = both(&reg, &root(text), None).unwrap();
        assert!(valid, "{text}");
        assert_eq!(fit, Fit::Yes, "{text}");
    }
}

#[test]
fn doubtful_and_invalid_objects_go_to_the_validator() {
    let reg = registry();
    let cases = [
        // unknown field, wrong type, bad enum, missing required
        DEPLOYMENT.replace("replicas: 2", "replica: 2"),
        DEPLOYMENT.replace("replicas: 2", "replicas: two"),
        DEPLOYMENT.replace("IfNotPresent", "Sometimes"),
        DEPLOYMENT.replace("        - name: web\n", "        - nam: web\n"),
        // a whole float where an integer is expected; a float where not
        DEPLOYMENT.replace("replicas: 2", "replicas: 2.0"),
        DEPLOYMENT.replace("replicas: 2", "replicas: 2.5"),
        DEPLOYMENT.replace("replicas: 2", "replicas: .nan"),
        // nulls dropped for custom resources: then a required field is missing
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: s}\nspec: null\n"
            .into(),
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: s}\nspec: {encryptedData: {a: 1}}\n"
            .into(),
    ];
    for text in &cases {
        let (fit, valid) = both(&reg, &root(text), None).unwrap();
        assert!(agree(fit, valid), "{fit:?} but valid={valid}: {text}");
        assert_ne!(fit, Fit::Yes, "{text}");
    }
}

#[test]
fn nulls_and_repeated_keys_get_the_validators_answer() {
    let reg = registry();
    let cases = [
        DEPLOYMENT.replace("replicas: 2", "replicas: null"),
        DEPLOYMENT.replace("  name: web\n", "  name: web\n  name: null\n"),
        DEPLOYMENT.replace("  name: web\n", "  name: null\n  name: web\n"),
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: s}\nspec: {encryptedData: {a: b}, encryptedData: null}\n"
            .into(),
    ];
    for text in &cases {
        let (fit, valid) = both(&reg, &root(text), None).unwrap();
        assert!(agree(fit, valid), "{fit:?} but valid={valid}: {text}");
    }
}

#[test]
fn a_skipped_top_level_key_is_not_part_of_the_object() {
    let reg = registry();
    let text = format!("{DEPLOYMENT}sops:\n  version: 3.8.1\n");
    let (fit, valid) = both(&reg, &root(&text), Some("sops")).unwrap();
    assert!(valid);
    assert_eq!(fit, Fit::Yes);
    let (fit, valid) = both(&reg, &root(&text), None).unwrap();
    assert!(!valid);
    assert_eq!(fit, Fit::No);
}

/// Every object of the corpus (`FTLINT_CORPUS`, else `../shared/corpus`):
/// the tree never contradicts the validator.
#[test]
fn corpus_objects_get_the_validators_answer() {
    let Some(paths) = crate::test_corpus::files(&[".yaml", ".yml", ".json"]) else {
        eprintln!("skipping: ../shared/corpus is absent");
        return;
    };
    let reg = registry();
    let (mut yes, mut total) = (0, 0);
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for doc in yaml::parse(&text, FileId(0)).documents {
            let Some((fit, valid)) = both(&reg, &doc.root, None) else {
                continue;
            };
            total += 1;
            yes += usize::from(fit == Fit::Yes);
            assert!(
                agree(fit, valid),
                "{}: the tree says {fit:?}, the validator valid={valid}",
                path.display()
            );
        }
    }
    eprintln!("{yes} of {total} corpus objects confirmed on the tree");
    assert!(yes > 0);
}

/// Bundled schemas with a tree compile their validator only when an object
/// needs it: each one must compile (strict and not).
#[test]
fn every_bundled_kind_compiles() {
    for strict in [true, false] {
        let reg = SchemaRegistry::new(super::default_version(), strict).unwrap();
        for key in reg.known_kinds() {
            let (api, kind) = key.rsplit_once('/').unwrap();
            let c = reg.compiled(api, kind).unwrap();
            assert!(c.validator().is_ok(), "{key} (strict: {strict})");
        }
    }
}
