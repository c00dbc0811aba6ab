//! The fixture harness, driven by the rule registry: every registered rule
//! (including rules added later) must have `tests/fixtures/<id>/bad` and
//! `good`, small repositories linted with only that rule selected.
//!
//! - `bad` holds several cases: at least two findings of the rule; `good`
//!   none. Both are snapshotted (short format with related locations, help
//!   and environment).
//! - The fixes a rule emits must match its declared [`FixAvailability`]: a
//!   rule declared without fixes emits none, `Safe`/`Unsafe` rules put a fix
//!   of that applicability on every finding, `Sometimes` rules on some.
//! - For every fixable rule the fixed files are snapshotted, the fixed
//!   findings are gone after the fix, and a second pass changes nothing.

mod common;

use std::path::Path;

use common::{copy_tree, detailed, fixture, fixtures, lint, load};
use ftlint::diagnostic::{Applicability, Diagnostic};
use ftlint::repo::Repo;
use ftlint::report;
use ftlint::rules::{self, FixAvailability, RuleMeta};

/// Findings of `meta`'s rule in `repo`. `unused-suppression` depends on the
/// other rules running, so every rule runs and only its findings are kept.
fn findings(repo: &Repo, meta: &RuleMeta) -> (Vec<Diagnostic>, String) {
    let pattern = if meta.id == "unused-suppression" {
        "*"
    } else {
        meta.id
    };
    let diags = lint(repo, pattern);
    let text = detailed(repo, &diags);
    let own = diags.into_iter().filter(|d| d.rule == meta.id).collect();
    (own, text)
}

/// Load a fixture with the test sealing certificate, so `no-plaintext-secret`
/// can offer its fix.
fn load_with_seal(dir: &Path) -> Repo {
    let mut repo = load(dir);
    let pem = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/seal/test-cert.pem"),
    )
    .unwrap();
    repo.seal_key = Some(ftlint::seal::public_key_from_pem(&pem).unwrap());
    repo
}

/// Where the fixes a rule emits disagree with its declaration.
fn fix_declaration_errors(meta: &RuleMeta, diags: &[Diagnostic]) -> Vec<String> {
    let id = meta.id;
    let with_fix: Vec<Applicability> = diags
        .iter()
        .filter_map(|d| d.fix.as_ref().map(|f| f.applicability))
        .collect();
    let mut errors = Vec::new();
    match meta.fix {
        FixAvailability::None => {
            if !with_fix.is_empty() {
                errors.push(format!(
                    "{id}: declared without fixes but emits {} fix(es)",
                    with_fix.len()
                ));
            }
        }
        FixAvailability::Safe | FixAvailability::Unsafe => {
            if with_fix.len() != diags.len() {
                errors.push(format!(
                    "{id}: declared {:?} (a fix on every finding), but {} of {} findings have none",
                    meta.fix,
                    diags.len() - with_fix.len(),
                    diags.len()
                ));
            }
        }
        FixAvailability::Sometimes(_) => {
            if with_fix.is_empty() {
                errors.push(format!(
                    "{id}: declared with fixes but its bad fixture gets none"
                ));
            }
        }
    }
    if let Some(declared) = meta.fix.applicability() {
        if with_fix.iter().any(|a| *a != declared) {
            errors.push(format!(
                "{id}: emits a fix that is not {declared:?} as declared"
            ));
        }
    }
    errors
}

/// Sealed values are random: the snapshot shows where they are, not what.
fn redact_sealed(text: &str) -> String {
    text.lines()
        .map(|line| match line.split_once(": ") {
            Some((key, value))
                if value.len() > 80
                    && value
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c)) =>
            {
                format!("{key}: <sealed>")
            }
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if text.ends_with('\n') { "\n" } else { "" }
}

/// Fix a copy of the bad fixture: snapshot the edited files; the fixed
/// findings are gone, the others stay, and a second pass changes nothing.
fn fix_round_trip(meta: &RuleMeta, failures: &mut Vec<String>) {
    let id = meta.id;
    let unsafe_fixes = meta.fix.applicability() == Some(Applicability::Unsafe);
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture(id, "bad"), dir.path());
    let repo = load_with_seal(dir.path());
    let (diags, _) = findings(&repo, meta);
    let unfixed = diags.iter().filter(|d| d.fix.is_none()).count();
    let planned = ftlint::fix::plan(&repo, &diags, unsafe_fixes);
    if planned.files.is_empty() {
        failures.push(format!("{id}: its fixes change no file"));
        return;
    }
    let mut shown = String::new();
    for (file, text) in &planned.files {
        shown.push_str(&format!("=== {}\n{text}", repo.sources.path(*file)));
    }
    insta::assert_snapshot!(format!("{id}__fixed"), redact_sealed(&shown));
    ftlint::fix::write(&repo, &planned).unwrap();

    let again = load_with_seal(dir.path());
    let (left, text) = findings(&again, meta);
    if left.len() != unfixed || left.iter().any(|d| d.fix.is_some()) {
        failures.push(format!(
            "{id}: after the fix {} finding(s) remain ({unfixed} had no fix):\n{text}",
            left.len()
        ));
    }
    if !lint(&again, "duplicate-key").is_empty() {
        failures.push(format!("{id}: the fix duplicated a key"));
    }
    if !ftlint::fix::plan(&again, &left, unsafe_fixes)
        .files
        .is_empty()
    {
        failures.push(format!("{id}: a second fix pass still changes files"));
    }
}

#[test]
fn every_registered_rule_has_bad_and_good_fixtures() {
    let missing: Vec<String> = rules::metas()
        .iter()
        .flat_map(|m| ["bad", "good"].map(|kind| (m.id, kind)))
        .filter(|(id, kind)| !fixture(id, kind).is_dir())
        .map(|(id, kind)| format!("tests/fixtures/{id}/{kind}"))
        .collect();
    assert!(missing.is_empty(), "missing fixtures: {missing:?}");
}

#[test]
fn every_fixture_directory_is_a_registered_rule() {
    for entry in std::fs::read_dir(fixtures()).unwrap().flatten() {
        let id = entry.file_name().to_string_lossy().to_string();
        assert!(
            rules::find(&id).is_some(),
            "tests/fixtures/{id}: no such rule"
        );
    }
}

#[test]
fn bad_fixtures_fire_good_stay_quiet_and_fixes_match_declarations() {
    let mut failures = Vec::new();
    for meta in rules::metas() {
        let id = meta.id;
        if !fixture(id, "bad").is_dir() || !fixture(id, "good").is_dir() {
            continue; // reported by every_registered_rule_has_bad_and_good_fixtures
        }
        let bad = load_with_seal(&fixture(id, "bad"));
        let (diags, text) = findings(&bad, meta);
        if diags.len() < 2 {
            failures.push(format!(
                "{id}/bad: {} finding(s); a bad fixture holds several cases",
                diags.len()
            ));
        }
        insta::assert_snapshot!(format!("{id}__bad"), text);
        failures.extend(fix_declaration_errors(meta, &diags));

        let good = load_with_seal(&fixture(id, "good"));
        let (diags, text) = findings(&good, meta);
        if !diags.is_empty() {
            failures.push(format!("{id}/good: {} finding(s):\n{text}", diags.len()));
        }
        insta::assert_snapshot!(format!("{id}__good"), text);

        if meta.fix.any() {
            fix_round_trip(meta, &mut failures);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn credentials_are_masked_in_every_format() {
    let repo = load(&fixture("plaintext-credential", "bad"));
    let diags = lint(&repo, "plaintext-credential");
    assert!(!diags.is_empty());
    let summary = report::Summary::new(&repo, &diags, 0);
    let opts = report::Options {
        color: false,
        timing: false,
    };
    for format in [
        report::Format::Human,
        report::Format::Short,
        report::Format::Json,
        report::Format::Sarif,
        report::Format::Github,
        report::Format::Junit,
    ] {
        let out = report::render(format, &repo, &diags, &summary, &opts);
        for secret in [
            "s3cr3t-Pa55w0rd",
            "hunter22",
            "tok-4f9a2c1e8b7d",
            "AKIAIOSFODNN7EXAMPLE",
            "xoxb-1234567890-abcdefghijkl",
            "Spr1ngPa55",
            "r3d1s-Pa55",
            "XXXXXXXXXXXXXXXXXXXXXXXX",
        ] {
            assert!(
                !out.contains(secret),
                "{format:?} output leaks {secret}:\n{out}"
            );
        }
    }
}

/// A loose directory's Service, PDB, HPA and Ingress may point at objects in
/// another loose directory (plain manifests applied together), found through
/// the index; a Kustomize unit resolves only within itself.
#[test]
fn loose_directories_resolve_references_across_directories() {
    const WEB: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: front}}
    spec: {containers: [{name: web, image: web:1}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: api-alias, namespace: shop}
spec: {selector: {app: api, tier: back}, ports: [{port: 80}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api, namespace: shop}
spec: {minAvailable: 1, selector: {matchLabels: {app: api}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 4
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  defaultBackend: {service: {name: api, port: {number: 80}}}
";
    const API: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api, tier: back}}
    spec: {containers: [{name: api, image: api:1}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {selector: {app: api}, ports: [{port: 80}]}
";
    const RULES: &str =
        "{service-selector-mismatch,pdb-selector-mismatch,hpa-target-missing,ingress-backend-missing}";
    const EVERY_RULE: [&str; 4] = [
        "hpa-target-missing",
        "ingress-backend-missing",
        "pdb-selector-mismatch",
        "service-selector-mismatch",
    ];
    let rules_of = |files: &[(&str, &str)]| {
        let dir = common::git_repo(files);
        let repo = load(dir.path());
        let mut ids: Vec<&str> = lint(&repo, RULES).iter().map(|d| d.rule).collect();
        ids.sort();
        ids
    };
    assert_eq!(
        rules_of(&[("k8s/web/app.yaml", WEB), ("k8s/api/app.yaml", API)]),
        Vec::<&str>::new(),
        "the api directory provides every target"
    );
    assert_eq!(
        rules_of(&[("k8s/web/app.yaml", WEB)]),
        EVERY_RULE,
        "without it, each reference is reported"
    );
    assert_eq!(
        rules_of(&[
            ("k8s/web/app.yaml", WEB),
            ("k8s/web/kustomization.yaml", "resources: [app.yaml]\n"),
            ("k8s/api/app.yaml", API),
        ]),
        EVERY_RULE,
        "a Kustomize unit is applied as a whole: loose directories do not count"
    );
}

/// Kustomize reads `yes` as a string and writes it quoted, so a file only it
/// reads has no boolean to report; its octal-looking numbers still are (it
/// reads `0755` as 493 too). A plain directory is applied as written, and a
/// kustomization is read as Kubernetes reads a manifest.
#[test]
fn ambiguous_booleans_are_kustomize_strings_but_octals_are_not() {
    let cm =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  flag: yes\n  mode: 0755\n";
    let dir = common::scratch_repo(&[
        (
            "app/kustomization.yaml",
            "namespace: no\nresources:\n- cm.yaml\n",
        ),
        ("app/cm.yaml", cm),
        ("plain/cm.yaml", cm),
    ]);
    let repo = load(dir.path());
    let got: Vec<(String, String)> = lint(&repo, "ambiguous-value")
        .iter()
        .map(|d| {
            (
                repo.sources.path(d.span.file).to_string(),
                repo.sources.text(d.span).to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("app/cm.yaml", "0755"),
        ("app/kustomization.yaml", "no"),
        ("plain/cm.yaml", "yes"),
        ("plain/cm.yaml", "0755"),
    ]
    .iter()
    .map(|(p, t)| (p.to_string(), t.to_string()))
    .collect();
    assert_eq!(got, want);
}
