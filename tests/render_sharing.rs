//! Rendered objects share their subtrees with the parsed documents and with
//! each other (copy-on-write collections): an overlay's edit must never show
//! in its base, in a sibling overlay, or in a later render of either.

use std::path::Path;

use ftlint::kustomize::{render, sources_from_dir, to_yaml};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: web
      containers:
      - name: web
        image: registry.example/web:1.0
        ports:
        - {containerPort: 8080, name: http}
        env:
        - {name: MODE, value: base}
        resources:
          limits: {memory: 256Mi}
      - name: sidecar
        image: registry.example/proxy:2.0
";

/// A base and three overlays, each editing what the others leave alone.
fn fixture(root: &Path) {
    write(root, "base/deployment.yaml", DEPLOYMENT);
    write(
        root,
        "base/service.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n  - {port: 80, targetPort: http}\n",
    );
    write(
        root,
        "base/sa.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n",
    );
    write(
        root,
        "base/kustomization.yaml",
        "resources: [deployment.yaml, service.yaml, sa.yaml]\n",
    );
    write(
        root,
        "a/kustomization.yaml",
        "resources: [../base]
namespace: team-a
namePrefix: a-
commonLabels: {env: a}
images:
- {name: registry.example/web, newTag: '1.1'}
replicas:
- {name: web, count: 3}
patches:
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      template:
        spec:
          containers:
          - name: web
            env:
            - {name: MODE, value: a}
            resources:
              limits: {memory: 512Mi}
",
    );
    write(
        root,
        "b/kustomization.yaml",
        "resources: [../base]
namespace: team-b
nameSuffix: -b
commonAnnotations: {owner: b}
images:
- {name: registry.example/proxy, newName: mirror.example/proxy}
patches:
- target: {kind: Deployment}
  patch: |-
    - op: replace
      path: /spec/template/spec/containers/0/ports/0/containerPort
      value: 9090
    - op: remove
      path: /spec/template/spec/containers/1
- patch: |-
    apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec:
      ports:
      - {port: 80, $patch: delete}
",
    );
    // An overlay of an overlay: edits on top of a's render.
    write(
        root,
        "c/kustomization.yaml",
        "resources: [../a]
labels:
- pairs: {tier: c}
  includeSelectors: false
patches:
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: a-web, namespace: team-a}
    spec:
      template:
        spec:
          containers:
          - name: web
            $patch: delete
",
    );
}

fn rendered(sources: &ftlint::source::Sources, dir: &str) -> String {
    let r = render(sources, dir);
    assert!(!r.has_errors(), "{dir}: {:?}", r.events);
    to_yaml(&r.objects)
}

fn parsed_json(sources: &ftlint::source::Sources) -> Vec<serde_json::Value> {
    (sources.files.iter())
        .flat_map(|f| f.parsed.documents.iter().map(|d| d.root.to_json()))
        .collect()
}

#[test]
fn overlay_edits_never_reach_the_base_or_a_sibling() {
    let tmp = tempfile::tempdir().unwrap();
    fixture(tmp.path());
    const DIRS: [&str; 4] = ["base", "a", "b", "c"];
    // Each directory rendered alone, from freshly parsed files.
    let alone: Vec<String> = (DIRS.iter())
        .map(|d| rendered(&sources_from_dir(tmp.path()), d))
        .collect();
    // The edits the overlays make are there (so the comparisons below see them).
    assert!(alone[1].contains("namespace: team-a") && alone[1].contains("512Mi"));
    assert!(alone[2].contains("9090") && !alone[2].contains("sidecar"));
    assert!(alone[3].contains("tier: c") && !alone[3].contains("MODE"));
    assert!(alone[0].contains("MODE") && alone[0].contains("sidecar"));
    // All of them on one set of parsed files, in every order, twice.
    let shared = sources_from_dir(tmp.path());
    let parsed_before = parsed_json(&shared);
    for order in [[0, 1, 2, 3], [3, 2, 1, 0], [1, 3, 0, 2]] {
        for _ in 0..2 {
            for i in order {
                assert_eq!(rendered(&shared, DIRS[i]), alone[i], "{} changed", DIRS[i]);
            }
        }
    }
    assert_eq!(
        parsed_json(&shared),
        parsed_before,
        "a render changed a parsed file"
    );
}

#[test]
fn renders_share_the_untouched_subtrees_of_the_parsed_files() {
    use ftlint::yaml::{Node, Shared, Value};
    let tmp = tempfile::tempdir().unwrap();
    fixture(tmp.path());
    let sources = sources_from_dir(tmp.path());
    let parsed = |path: &str| {
        sources.by_path(path).unwrap().parsed.documents[0]
            .root
            .clone()
    };
    let object = |dir: &str, kind: &str| {
        let r = render(&sources, dir);
        r.objects.into_iter().find(|o| o.kind == kind).unwrap().root
    };
    let block = |n: &Node, path: &[&str]| match &n.path(path).unwrap().value {
        Value::Map(m) => (Some(m.clone()), None),
        Value::Seq(s) => (None, Some(s.clone())),
        _ => panic!("not a collection"),
    };
    let same = |a: &Node, b: &Node, path: &[&str]| match (block(a, path), block(b, path)) {
        ((Some(x), _), (Some(y), _)) => Shared::ptr_eq(&x, &y),
        ((_, Some(x)), (_, Some(y))) => Shared::ptr_eq(&x, &y),
        _ => false,
    };
    // Overlay a sets the Service's namespace, name and selector labels:
    // its ports are the parsed file's block, `spec` and `metadata` are copies.
    let (svc, svc_a) = (parsed("base/service.yaml"), object("a", "Service"));
    assert!(same(&svc, &svc_a, &["spec", "ports"]));
    assert!(!same(&svc, &svc_a, &["spec"]) && !same(&svc, &svc_a, &["metadata"]));
    // a patched the web container's limits: a copy, the base keeps its own.
    let (dep, dep_a) = (parsed("base/deployment.yaml"), object("a", "Deployment"));
    let limits = ["spec", "template", "spec", "containers"];
    let web = |n: &Node| n.path(&limits).unwrap().items()[0].clone();
    assert!(!same(&web(&dep), &web(&dep_a), &["resources", "limits"]));
    assert!(same(&web(&dep), &web(&dep_a), &["ports"]));
    assert_eq!(
        web(&dep).str_at(&["resources", "limits", "memory"]),
        Some("256Mi")
    );
    assert_eq!(
        web(&dep_a).str_at(&["resources", "limits", "memory"]),
        Some("512Mi")
    );
}
