//! The schema rules end to end: `schema`, `unknown-kind`, `deprecated-api`,
//! `duplicate-resource`, and the `--kubernetes-version`, `--strict/--no-strict`,
//! `--crd`, `--schema-dir` flags.

use std::fs;
use std::path::Path;

use predicates::prelude::*;

mod common;
use common::{ftlint, scratch_repo as repo};

const RULES: &str = "schema,unknown-kind,deprecated-api,duplicate-resource";

/// Short-format output of the schema rules on `dir`, plus extra args.
fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = ftlint()
        .arg("check")
        .arg(dir)
        .args(["--format=short", "--select", RULES])
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.code().unwrap_or(-1), text)
}

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  creationTimestamp: null
spec:
  replicass: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: http
";

const APPLICATION: &str = "\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web-dev
  namespace: argocd
spec:
  project: shop
  source:
    repoURL: https://github.com/org/gitops.git
    path: apps/web
  destination:
    server: https://kubernetes.default.svc
    namespace: shop
  syncPolicy:
    automated:
      prun: true
";

#[test]
fn deployment_unknown_field_and_wrong_type_at_their_lines() {
    let dir = repo(&[("apps/web.yaml", DEPLOYMENT)]);
    let (code, out) = run(dir.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("apps/web.yaml:8:3: error[schema] unknown field `replicass` in Deployment.spec (did you mean `replicas`?)"),
        "{out}"
    );
    assert!(
        out.contains("apps/web.yaml:19:30: error[schema] `containerPort` must be an integer, found string \"http\""),
        "{out}"
    );
    assert_eq!(out.lines().count(), 2, "{out}");
}

#[test]
fn no_strict_drops_only_unknown_fields() {
    let dir = repo(&[("apps/web.yaml", DEPLOYMENT)]);
    let (_, out) = run(dir.path(), &["--no-strict"]);
    assert!(!out.contains("replicass"), "{out}");
    assert!(out.contains("`containerPort` must be an integer"), "{out}");
    // The config file says the same, and the flag wins over it.
    let dir = repo(&[
        ("apps/web.yaml", DEPLOYMENT),
        (".ftlint.yaml", "strict: false\n"),
    ]);
    let (_, out) = run(dir.path(), &[]);
    assert!(!out.contains("replicass"), "{out}");
    let (_, out) = run(dir.path(), &["--strict"]);
    assert!(out.contains("replicass"), "{out}");
}

#[test]
fn argocd_typo_reported_at_its_line() {
    let dir = repo(&[("argocd-apps/web.yaml", APPLICATION)]);
    let (code, out) = run(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        out.trim(),
        "argocd-apps/web.yaml:16:7: error[schema] unknown field `prun` in Application.spec.syncPolicy.automated (did you mean `prune`?)"
    );
}

#[test]
fn unknown_field_fix_is_unsafe() {
    let dir = repo(&[("argocd-apps/web.yaml", APPLICATION)]);
    ftlint()
        .arg(dir.path())
        .args(["--select", "schema", "--fix", "--unsafe-fixes"])
        .assert()
        .code(0);
    let text = fs::read_to_string(dir.path().join("argocd-apps/web.yaml")).unwrap();
    assert!(text.contains("      prune: true\n"), "{text}");
}

const CRD: &str = "\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: {type: integer}
                port: {x-kubernetes-int-or-string: true}
";

const WIDGET: &str = "\
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  namespace: shop
spec:
  size: large
  port: http
";

#[test]
fn custom_resource_validated_against_repo_crd() {
    let dir = repo(&[("crds/widget.yaml", CRD), ("apps/widget.yaml", WIDGET)]);
    let (_, out) = run(dir.path(), &[]);
    assert_eq!(
        out.trim(),
        "apps/widget.yaml:7:9: error[schema] `size` must be an integer, found string \"large\""
    );
}

#[test]
fn crd_flag_and_unknown_kind() {
    let dir = repo(&[("apps/widget.yaml", WIDGET)]);
    let (code, out) = run(dir.path(), &[]);
    assert_eq!(code, 0, "warnings only: {out}");
    assert!(
        out.contains(
            "apps/widget.yaml:1:13: warning[unknown-kind] no schema for `example.com/v1` Widget"
        ),
        "{out}"
    );
    let crd = tempfile::NamedTempFile::new().unwrap();
    fs::write(crd.path(), CRD).unwrap();
    let (_, out) = run(dir.path(), &["--crd", crd.path().to_str().unwrap()]);
    assert!(!out.contains("unknown-kind"), "{out}");
    assert!(out.contains("`size` must be an integer"), "{out}");
    // A --crd file without any CRD is a usage error.
    let empty = tempfile::NamedTempFile::new().unwrap();
    fs::write(empty.path(), "a: 1\n").unwrap();
    ftlint()
        .arg(dir.path())
        .args(["--crd", empty.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no CustomResourceDefinition"));
}

#[test]
fn schema_dir_flag() {
    let dir = repo(&[("apps/widget.yaml", WIDGET)]);
    let schemas = repo(&[(
        "example.com/widget_v1.json",
        r#"{"type": "object", "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer"}, "port": {"type": "string"}}, "additionalProperties": false}}}"#,
    )]);
    let (_, out) = run(
        dir.path(),
        &["--schema-dir", schemas.path().to_str().unwrap()],
    );
    assert_eq!(
        out.trim(),
        "apps/widget.yaml:7:9: error[schema] `size` must be an integer, found string \"large\""
    );
}

#[test]
fn wrong_api_version_suggests_the_served_one() {
    let dir = repo(&[(
        "apps/web.yaml",
        "apiVersion: v1\nkind: Deployment\nmetadata:\n  name: web\n",
    )]);
    let (_, out) = run(dir.path(), &[]);
    assert!(
        out.contains("warning[unknown-kind] Deployment is not served as `v1` in Kubernetes"),
        "{out}"
    );
    assert!(out.contains("it is served as `apps/v1`"), "{out}");
}

#[test]
fn kubeseal_output_is_clean() {
    let sealed = "\
---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  creationTimestamp: null
  name: db
  namespace: shop
spec:
  encryptedData:
    password: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq
  template:
    metadata:
      creationTimestamp: null
      name: db
      namespace: shop
    type: Opaque
";
    let dir = repo(&[("secrets/db.yaml", sealed)]);
    let (code, out) = run(dir.path(), &[]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn patch_files_are_not_validated_as_objects() {
    let dir = repo(&[
        (
            "base/kustomization.yaml",
            "resources:\n  - deployment.yaml\n",
        ),
        (
            "base/deployment.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n",
        ),
        (
            "overlays/prod/kustomization.yaml",
            "resources:\n  - ../../base\npatches:\n  - path: replicas.yaml\npatchesStrategicMerge:\n  - delete.yaml\n",
        ),
        (
            "overlays/prod/replicas.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n",
        ),
        (
            "overlays/prod/delete.yaml",
            "$patch: delete\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: other\n",
        ),
    ]);
    let (code, out) = run(dir.path(), &[]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn kustomization_files_are_validated() {
    let dir = repo(&[
        (
            "app/kustomization.yaml",
            "resources:\n  - cm.yaml\ncomponents:\n# - ../components/x\nresorces:\n  - other.yaml\n",
        ),
        (
            "app/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  A: b\n",
        ),
    ]);
    let (_, out) = run(dir.path(), &[]);
    assert_eq!(
        out.trim(),
        "app/kustomization.yaml:5:1: error[schema] unknown field `resorces` in Kustomization (did you mean `resources`?)"
    );
}

const OLD_APIS: &str = "\
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: web}
---
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 4
";

#[test]
fn removed_and_deprecated_apis() {
    let dir = repo(&[("apps/old.yaml", OLD_APIS)]);
    let (code, out) = run(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(out.contains("apps/old.yaml:1:13: error[deprecated-api] policy/v1beta1 PodDisruptionBudget was removed in Kubernetes 1.25; use policy/v1"), "{out}");
    assert!(out.contains("apps/old.yaml:10:13: error[deprecated-api] autoscaling/v2beta2 HorizontalPodAutoscaler was removed in Kubernetes 1.26; use autoscaling/v2"), "{out}");
    assert!(!out.contains("unknown-kind"), "{out}");
    // At 1.25 the HPA is only deprecated (and still validated), the PDB removed.
    let (_, out) = run(dir.path(), &["--kubernetes-version", "1.25"]);
    assert!(out.contains("error[deprecated-api] policy/v1beta1 PodDisruptionBudget was removed in Kubernetes 1.25"), "{out}");
    assert!(out.contains("apps/old.yaml:10:13: warning[deprecated-api] autoscaling/v2beta2 HorizontalPodAutoscaler is deprecated since Kubernetes 1.23 and removed in 1.26; use autoscaling/v2"), "{out}");
    assert_eq!(out.lines().count(), 2, "{out}");
}

#[test]
fn kubernetes_version_flag() {
    let dir = repo(&[("apps/web.yaml", DEPLOYMENT)]);
    let (code, out) = run(dir.path(), &["--kubernetes-version", "1.25"]);
    assert_eq!(code, 1);
    assert!(out.contains("replicass"), "{out}");
    ftlint()
        .arg(dir.path())
        .args(["--kubernetes-version", "1.12"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no bundled schemas for Kubernetes 1.12; bundled versions: 1.25, 1.26",
        ));
    ftlint()
        .arg(dir.path())
        .args(["--kubernetes-version", "latest"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid Kubernetes version"));
    let dir = repo(&[
        ("apps/web.yaml", DEPLOYMENT),
        (".ftlint.yaml", "kubernetesVersion: \"1.9\"\n"),
    ]);
    ftlint().arg(dir.path()).assert().code(2);
}

#[test]
fn duplicate_resource_in_a_unit() {
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata:\n  A: b\n";
    let ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  namespace: ignored\n";
    let ns2 = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n";
    // An Argo CD Application deploys `configs/` as a whole; `loose/` is a
    // plain directory nothing deploys, where only a repeat within one file counts.
    let app = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: configs\n  namespace: argocd\nspec:\n  project: shop\n  source:\n    repoURL: https://git.example.com/shop.git\n    path: configs\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: shop\n";
    let dir = repo(&[
        ("apps/configs.yaml", app),
        ("configs/a.yaml", cm),
        ("configs/b.yaml", cm),
        ("configs/ns1.yaml", ns),
        ("configs/ns2.yaml", ns2),
        ("other/c.yaml", cm),
        ("loose/a.yaml", cm),
        ("loose/b.yaml", cm),
    ]);
    let (_, out) = run(dir.path(), &[]);
    assert!(out.contains("configs/b.yaml:4:9: error[duplicate-resource] ConfigMap shop/settings is defined twice in unit configs"), "{out}");
    assert!(out.contains("configs/ns2.yaml:4:9: error[duplicate-resource] Namespace shop is defined twice in unit configs"), "{out}");
    assert_eq!(out.lines().count(), 2, "{out}");
}
