//! Provenance and Kustomize diagnostics of the native renderer.

use std::path::{Path, PathBuf};

use ftlint::diagnostic::{Diagnostic, Severity};
use ftlint::kustomize::{references, render, sources_from_dir, unreferenced_files, Rendered};
use ftlint::source::Sources;
use ftlint::yaml::Node;

/// The findings the Kustomize rules make of a render's events.
fn findings(r: &ftlint::kustomize::Rendered) -> Vec<ftlint::diagnostic::Diagnostic> {
    ftlint::rules::kustomize::findings(&r.events)
}

fn root(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/kustomize")
        .join(sub)
}

fn container_image<'a>(r: &'a Rendered, name: &str) -> &'a Node {
    let obj = r
        .objects
        .iter()
        .find(|o| o.kind == "Deployment" && o.name == name)
        .expect("deployment");
    let c = &obj.pod_spec().unwrap().get("containers").unwrap().items()[0];
    c.get("image").unwrap()
}

fn line_of(sources: &Sources, span: ftlint::yaml::Span) -> (String, usize, String) {
    let f = sources.get(span.file);
    let lc = f.line_col(span.start as usize);
    (f.path.clone(), lc.line, sources.text(span).to_string())
}

#[test]
fn image_tag_points_at_the_overlay_new_tag_line() {
    let sources = sources_from_dir(&root("cases/provenance"));
    let r = render(&sources, "overlays/prod");
    assert!(findings(&r).is_empty(), "{:?}", findings(&r));
    let image = container_image(&r, "web");
    assert_eq!(image.as_str(), Some("web:latest"));
    let (path, line, text) = line_of(&sources, image.span);
    assert_eq!(path, "overlays/prod/kustomization.yaml");
    assert_eq!(text, "latest");
    assert_eq!(line, 6, "the `newTag: latest` line");
    // The container itself still points at the base (a secondary label for rules).
    let obj = r.objects.iter().find(|o| o.kind == "Deployment").unwrap();
    let c = &obj.pod_spec().unwrap().get("containers").unwrap().items()[0];
    let (bpath, _, btext) = line_of(&sources, c.get("name").unwrap().span);
    assert_eq!(
        (bpath.as_str(), btext.as_str()),
        ("base/deployment.yaml", "web")
    );
    // The namespace was set by the overlay's `namespace:` line.
    let ns = obj.root.path(&["metadata", "namespace"]).unwrap();
    let (npath, _, ntext) = line_of(&sources, ns.span);
    assert_eq!(
        (npath.as_str(), ntext.as_str()),
        ("overlays/prod/kustomization.yaml", "web-prod")
    );
    // Rendered files: both kustomizations and the resource.
    let files: Vec<&str> = r.files.iter().map(|f| sources.path(*f)).collect();
    assert!(
        files.contains(&"base/deployment.yaml")
            && files.contains(&"overlays/prod/kustomization.yaml")
    );
}

#[test]
fn pinned_tag_is_clean() {
    let tmp = tempfile::tempdir().unwrap();
    for rel in [
        "base/deployment.yaml",
        "base/kustomization.yaml",
        "overlays/prod/kustomization.yaml",
    ] {
        let text = std::fs::read_to_string(root("cases/provenance").join(rel)).unwrap();
        let dst = tmp.path().join(rel);
        std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
        std::fs::write(dst, text.replace("newTag: latest", "newTag: v1.2.3")).unwrap();
    }
    let sources = sources_from_dir(tmp.path());
    let r = render(&sources, "overlays/prod");
    assert!(findings(&r).is_empty());
    let image = container_image(&r, "web");
    assert_eq!(image.as_str(), Some("web:v1.2.3"));
    assert_eq!(line_of(&sources, image.span).2, "v1.2.3");
}

#[test]
fn inline_patch_values_point_into_the_kustomization() {
    let sources = sources_from_dir(&root("cases"));
    let r = render(&sources, "patches/overlay");
    let web = r
        .objects
        .iter()
        .find(|o| o.kind == "Deployment" && o.name == "web")
        .unwrap();
    let sel = web
        .root
        .path(&["spec", "template", "metadata", "annotations", "selected"])
        .unwrap();
    let (path, _, text) = line_of(&sources, sel.span);
    assert_eq!(
        (path.as_str(), text.as_str()),
        ("patches/overlay/kustomization.yaml", "by-label")
    );
    // A value from a patch file points at the patch file.
    let replicas = web.root.path(&["spec", "replicas"]).unwrap();
    let (path, _, text) = line_of(&sources, replicas.span);
    assert_eq!(
        (path.as_str(), text.as_str()),
        ("patches/overlay/smp.yaml", "3")
    );
}

fn find<'a>(d: &'a [Diagnostic], rule: &str, needle: &str) -> &'a Diagnostic {
    d.iter()
        .find(|x| x.rule == rule && x.message.contains(needle))
        .unwrap_or_else(|| panic!("no {rule} diagnostic containing {needle:?} in {d:#?}"))
}

#[test]
fn kustomize_diagnostics_point_at_the_kustomization() {
    let sources = sources_from_dir(&root("diag"));
    let r = render(&sources, "overlay");
    let d = &findings(&r);
    let at = |x: &Diagnostic| line_of(&sources, x.span).2;

    let missing = find(d, "kustomize-missing-resource", "missing.yaml");
    assert_eq!(
        (missing.severity, at(missing).as_str()),
        (Severity::Error, "missing.yaml")
    );
    let remote = find(d, "kustomize-build", "remote resource");
    assert_eq!(remote.severity, Severity::Warning);
    assert!(at(remote).starts_with("https://github.com/example/repo"));
    let helm = find(d, "kustomize-build", "helmCharts");
    assert_eq!(
        (helm.severity, at(helm).as_str()),
        (Severity::Warning, "helmCharts")
    );
    // With a remote base and a Helm chart skipped, an image or patch may
    // target what was skipped: "matches nothing" is not claimed.
    assert!(!d.iter().any(|x| matches!(
        x.rule,
        "kustomize-image-unused" | "kustomize-patch-target-missing"
    )));
    let local = render(&sources, "local-overlay");
    let d2 = &findings(&local);
    let unused = find(d2, "kustomize-image-unused", "nothing-uses-me");
    assert_eq!(
        (unused.severity, at(unused).as_str()),
        (Severity::Warning, "nothing-uses-me")
    );
    find(d2, "kustomize-patch-target-missing", "nobody");
    // A `target:` is a selector: kustomize accepts one that selects nothing.
    assert!(
        !d2.iter()
            .any(|x| x.message.contains("target matches no resource")),
        "{d2:#?}"
    );
    let bad = find(d, "kustomize-build", "cannot apply the JSON patch");
    assert_eq!(bad.severity, Severity::Error);
    for field in ["bases", "commonLabels", "patchesJson6902"] {
        let x = find(d, "kustomize-deprecated-field", &format!("`{field}`"));
        assert_eq!((x.severity, at(x)), (Severity::Warning, field.to_string()));
    }
    // The rest is still rendered: the base deployment, patched by the base and the overlay image.
    let web = r
        .objects
        .iter()
        .find(|o| o.name == "web")
        .expect("rendered despite errors");
    assert_eq!(
        web.root.path(&["spec", "replicas"]).and_then(Node::as_i64),
        Some(2)
    );
    assert_eq!(container_image(&r, "web").as_str(), Some("web:2"));
    assert_eq!(web.label("team"), Some("a"));
}

#[test]
fn cycles_and_garbage_never_panic() {
    let sources = sources_from_dir(&root("diag"));
    let r = render(&sources, "cycle-a");
    find(&findings(&r), "kustomize-build", "cycle");
    let r = render(&sources, "garbage");
    assert!(r.has_errors(), "{:#?}", findings(&r));
    let r = render(&sources, "no/such/dir");
    assert!(r.has_errors());
}

#[test]
fn references_and_unreferenced_files() {
    let sources = sources_from_dir(&root("diag"));
    let refs = references(&sources, "overlay");
    assert_eq!(refs.kustomization_dirs, vec!["base".to_string()]);
    assert_eq!(
        refs.resource_files,
        vec!["overlay/missing.yaml".to_string()]
    );
    assert_eq!(refs.patch_files, vec!["base/ops.yaml".to_string()]);
    let base = references(&sources, "base");
    assert_eq!(
        base.resource_files,
        vec!["base/deployment.yaml".to_string()]
    );
    assert_eq!(base.patch_files, vec!["base/patch.yaml".to_string()]);

    let dirs: Vec<String> = ["base", "overlay", "cycle-a", "cycle-b", "garbage"]
        .map(String::from)
        .to_vec();
    let refs_by_dir = ftlint::kustomize::references_by_dir(&sources);
    let d = ftlint::rules::kustomize::findings(&unreferenced_files(&sources, &dirs, &refs_by_dir));
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].rule, "kustomize-unreferenced-file");
    assert_eq!(sources.path(d[0].span.file), "base/stray.yaml");
    assert_eq!(d[0].severity, Severity::Warning);
}

#[test]
fn non_string_label_values_are_build_errors() {
    // `kubectl kustomize` fails: "json: cannot unmarshal bool into Go struct field".
    let sources = sources_from_dir(&root("diag"));
    let r = render(&sources, "typed");
    let all = findings(&r);
    let yes = find(&all, "kustomize-build", "`enabled` must be a string");
    assert_eq!(line_of(&sources, yes.span).2, "yes");
    find(
        &findings(&r),
        "kustomize-build",
        "`version` must be a string",
    );
}

#[test]
fn unknown_fields_and_missing_generator_inputs() {
    let sources = sources_from_dir(&root("diag"));
    let r = render(&sources, "typo");
    let all = findings(&r);
    let typo = find(
        &all,
        "kustomize-build",
        "unknown kustomization field `resource`",
    );
    assert_eq!(typo.help.as_deref(), Some("did you mean `resources`?"));
    let missing = find(&all, "kustomize-missing-resource", "absent.properties");
    assert_eq!(line_of(&sources, missing.span).2, "absent.properties");
}

#[test]
fn a_failed_generator_is_reported_once_not_again_by_its_replacements() {
    let sources = sources_from_dir(&root("diag"));
    let r = render(&sources, "gen-cascade");
    find(
        &findings(&r),
        "kustomize-missing-resource",
        "truststore.jks",
    );
    assert!(
        !findings(&r)
            .iter()
            .any(|d| d.message.contains("replacement source")),
        "{:#?}",
        findings(&r)
    );
}

/// A generator merging into an object of an unfetched remote base: the
/// remote notice says the render is incomplete, and no "does not exist".
#[test]
fn merge_into_an_unfetched_remote_base_is_not_an_error() {
    let sources = sources_from_dir(&root("cases/merge-into-remote"));
    let r = render(&sources, "");
    let found: Vec<String> = findings(&r).iter().map(|d| d.message.clone()).collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].starts_with("remote resource"), "{found:#?}");
    assert!(
        r.objects
            .iter()
            .any(|o| o.kind == "ConfigMap" && o.name.starts_with("controller-config")),
        "the generated ConfigMap is still linted"
    );
}

/// An empty kustomization, which `kustomize build` refuses, is a finding,
/// not a unit that silently renders nothing.
#[test]
fn empty_kustomization_is_reported() {
    let sources = sources_from_dir(&root("cases/empty-kustomization"));
    let r = render(&sources, "");
    let found: Vec<(&str, String)> = findings(&r)
        .iter()
        .map(|d| (d.rule, d.message.clone()))
        .collect();
    assert_eq!(
        found,
        vec![(
            "kustomize-build",
            "the kustomization in `.` is empty: kustomize refuses to build it".to_string()
        )]
    );
}
