//! Fuzz checks shared by the cargo-fuzz targets (`fuzz_targets/*.rs`) and the
//! bounded proptest runs under stable (`tests/fuzz_checks.rs`). Each target
//! turns raw bytes into a generated input with [`Choices`], so libFuzzer and
//! proptest explore the same space, and panics on a violated property.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::Path;

use ftlint::config::Config;
use ftlint::engine::{lint, Selection};
use ftlint::repo::Repo;

/// A byte cursor that turns fuzz input into choices (0 once exhausted).
pub struct Choices<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Choices<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Choices { data, at: 0 }
    }

    pub fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    pub fn below(&mut self, n: usize) -> usize {
        self.byte() as usize % n.max(1)
    }

    pub fn flag(&mut self) -> bool {
        self.byte() & 1 == 1
    }

    pub fn pick<'b>(&mut self, items: &[&'b str]) -> &'b str {
        items[self.below(items.len())]
    }
}

/// How a generated manifest is written.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub indent: usize,
    pub crlf: bool,
    pub comments: bool,
    pub flow_labels: bool,
}

impl Style {
    pub fn from(c: &mut Choices) -> Style {
        Style {
            indent: if c.flag() { 4 } else { 2 },
            crlf: c.flag(),
            comments: c.flag(),
            flow_labels: c.flag(),
        }
    }
}

/// Lines with `{i}` placeholders for one indent level each, made into text.
fn render(style: Style, lines: &[(usize, String)]) -> String {
    let mut out = String::new();
    for (level, line) in lines {
        out.push_str(&" ".repeat(level * style.indent));
        out.push_str(line);
        out.push_str(if style.crlf { "\r\n" } else { "\n" });
    }
    out
}

fn comment(style: Style, lines: &mut Vec<(usize, String)>, level: usize, text: &str) {
    if style.comments {
        lines.push((level, format!("# {text}")));
    }
}

fn labels(style: Style, lines: &mut Vec<(usize, String)>, level: usize, app: &str) {
    if style.flow_labels {
        lines.push((level, format!("labels: {{app: {app}}}")));
    } else {
        lines.push((level, "labels:".into()));
        lines.push((level + 1, format!("app: {app}")));
    }
}

/// A ConfigMap with YAML 1.1 ambiguous values (`ambiguous-value` fix).
fn configmap(c: &mut Choices, style: Style, name: &str) -> String {
    let mut l = Vec::new();
    comment(style, &mut l, 0, "settings");
    l.push((0, "apiVersion: v1".into()));
    l.push((0, "kind: ConfigMap".into()));
    l.push((0, "metadata:".into()));
    l.push((1, format!("name: {name}")));
    labels(style, &mut l, 1, name);
    l.push((0, "data:".into()));
    for i in 0..1 + c.below(4) {
        let value = c.pick(&[
            "on",
            "yes",
            "NO",
            "0755",
            "off",
            "plain",
            "\"quoted\"",
            "1.10",
        ]);
        comment(style, &mut l, 1, &format!("key {i}"));
        l.push((1, format!("KEY_{i}: {value}")));
    }
    render(style, &l)
}

/// An Argo CD Application with automated sync and no retry (`argocd-sync-retry`).
fn application(c: &mut Choices, style: Style, name: &str) -> String {
    let mut l = Vec::new();
    l.push((0, "apiVersion: argoproj.io/v1alpha1".into()));
    l.push((0, "kind: Application".into()));
    l.push((0, "metadata:".into()));
    l.push((1, format!("name: {name}")));
    l.push((1, "namespace: argocd".into()));
    l.push((0, "spec:".into()));
    l.push((1, "project: default".into()));
    l.push((1, "source:".into()));
    l.push((2, "repoURL: https://github.com/example/gitops.git".into()));
    l.push((2, "targetRevision: main".into()));
    l.push((2, format!("path: apps/{name}")));
    l.push((1, "destination:".into()));
    l.push((2, "server: https://kubernetes.default.svc".into()));
    l.push((2, format!("namespace: {name}")));
    comment(style, &mut l, 1, "sync");
    l.push((1, "syncPolicy:".into()));
    if c.flag() {
        l.push((2, "automated: {prune: true, selfHeal: true}".into()));
    } else {
        l.push((2, "automated:".into()));
        l.push((3, "prune: true".into()));
    }
    if c.flag() {
        l.push((2, "syncOptions:".into()));
        l.push((3, "- CreateNamespace=true".into()));
    }
    render(style, &l)
}

/// A Deployment with a schema typo (`schema` rename, unsafe) and an HPA.
fn deployment(c: &mut Choices, style: Style, name: &str) -> String {
    let mut l = Vec::new();
    l.push((0, "apiVersion: apps/v1".into()));
    l.push((0, "kind: Deployment".into()));
    l.push((0, "metadata:".into()));
    l.push((1, format!("name: {name}")));
    l.push((0, "spec:".into()));
    l.push((
        1,
        c.pick(&["replica: 2", "replicas: 2", "replica: 3"]).into(),
    ));
    comment(style, &mut l, 1, "selector");
    l.push((1, "selector:".into()));
    l.push((2, "matchLabels:".into()));
    l.push((3, format!("app: {name}")));
    l.push((1, "template:".into()));
    l.push((2, "metadata:".into()));
    labels(style, &mut l, 3, name);
    l.push((2, "spec:".into()));
    l.push((3, "containers:".into()));
    l.push((3, format!("- name: {name}")));
    l.push((3, "  image: nginx:1.27".into()));
    let mut out = render(style, &l);
    if c.flag() {
        out.push_str(if style.crlf { "---\r\n" } else { "---\n" });
        let mut h = Vec::new();
        h.push((0, "apiVersion: autoscaling/v2".into()));
        h.push((0, "kind: HorizontalPodAutoscaler".into()));
        h.push((0, "metadata:".into()));
        h.push((1, format!("name: {name}")));
        h.push((0, "spec:".into()));
        h.push((1, "scaleTargetRef:".into()));
        h.push((2, "apiVersion: apps/v1".into()));
        h.push((2, "kind: Deployment".into()));
        h.push((2, format!("name: {name}")));
        h.push((1, "minReplicas: 3".into()));
        h.push((1, "maxReplicas: 6".into()));
        out.push_str(&render(style, &h));
    }
    out
}

/// A plaintext Secret (sealing fix), possibly ending in a `|` block.
fn secret(c: &mut Choices, style: Style, name: &str) -> String {
    let mut l = Vec::new();
    l.push((0, "apiVersion: v1".into()));
    l.push((0, "kind: Secret".into()));
    l.push((0, "metadata:".into()));
    l.push((1, format!("name: {name}")));
    l.push((1, format!("namespace: {name}")));
    labels(style, &mut l, 1, name);
    l.push((0, "type: Opaque".into()));
    l.push((0, "stringData:".into()));
    if c.flag() {
        l.push((1, "key.pem: |".into()));
        l.push((2, "-----BEGIN PRIVATE KEY-----".into()));
        l.push((2, "MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7".into()));
        l.push((2, "-----END PRIVATE KEY-----".into()));
    } else {
        l.push((1, "password: s3cr3t-Pa55w0rd".into()));
    }
    render(style, &l)
}

/// A kustomization with deprecated fields (`kustomize-deprecated-field` fix).
fn kustomization(c: &mut Choices, style: Style, resources: &[String]) -> String {
    let mut l = Vec::new();
    l.push((0, "apiVersion: kustomize.config.k8s.io/v1beta1".into()));
    l.push((0, "kind: Kustomization".into()));
    comment(style, &mut l, 0, "what is deployed");
    l.push((0, "resources:".into()));
    for r in resources {
        l.push((0, format!("- {r}")));
    }
    if c.flag() {
        l.push((0, "commonLabels:".into()));
        l.push((1, "team: web".into()));
    }
    render(style, &l)
}

/// Generated repository files for the fix target.
pub fn fix_repo(data: &[u8]) -> Vec<(String, String)> {
    let mut c = Choices::new(data);
    let mut files = Vec::new();
    let mut resources = Vec::new();
    for i in 0..1 + c.below(4) {
        let style = Style::from(&mut c);
        let name = format!("app{i}");
        let (file, text) = match c.below(4) {
            0 => (format!("{name}-cm.yaml"), configmap(&mut c, style, &name)),
            1 => (
                format!("{name}-app.yaml"),
                application(&mut c, style, &name),
            ),
            2 => (
                format!("{name}-deploy.yaml"),
                deployment(&mut c, style, &name),
            ),
            _ => (format!("{name}-secret.yaml"), secret(&mut c, style, &name)),
        };
        if !file.ends_with("-app.yaml") {
            resources.push(file.clone());
        }
        files.push((file, text));
    }
    if c.flag() && !resources.is_empty() {
        let style = Style::from(&mut c);
        files.push((
            "kustomization.yaml".into(),
            kustomization(&mut c, style, &resources),
        ));
    }
    files
}

fn write_repo(dir: &Path, files: &[(String, String)]) {
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    for (rel, text) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

fn load(dir: &Path, seal: bool) -> Repo {
    let root = dir.to_path_buf();
    let mut repo = Repo::load(
        &root,
        std::slice::from_ref(&root),
        Config::default(),
        None,
        1,
    )
    .expect("the generated repository loads");
    if seal {
        let pem = include_str!("../tests/data/seal/test-cert.pem");
        repo.seal_key = Some(ftlint::seal::public_key_from_pem(pem).unwrap());
    }
    repo
}

fn comment_lines(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('#'))
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

/// Every fix on a generated repository: the fixed files parse with no new
/// duplicate key, keep their comments (outside a sealed Secret) and the bytes
/// before the first and after the last edit, and a second pass fixes nothing.
/// Returns the number of fixes applied in the first pass.
pub fn check_fixes(files: &[(String, String)], unsafe_fixes: bool) -> usize {
    let dir = tempfile::tempdir().unwrap();
    write_repo(dir.path(), files);
    let mut repo = load(dir.path(), true);
    let diags = lint(&repo, &Selection::all(), None).diagnostics;
    let planned =
        ftlint::fix::plan_accepted(&mut repo, &diags, unsafe_fixes, &Selection::all(), None);
    for (file, new) in &planned.files {
        let source = repo.sources.get(*file);
        let old = &source.text;
        let parsed = ftlint::yaml::parse(new, *file);
        assert!(
            parsed.error.is_none(),
            "{}: does not parse after the fix:\n{new}",
            source.path
        );
        let dups = |p: &ftlint::yaml::ParsedFile| {
            p.documents
                .iter()
                .map(|d| d.duplicates.len())
                .sum::<usize>()
        };
        assert!(
            dups(&parsed) <= dups(&source.parsed),
            "{}: new duplicate key:\n{new}",
            source.path
        );
        if !old.contains("kind: Secret") {
            let (before, after) = (comment_lines(old), comment_lines(new));
            for c in &before {
                assert!(
                    after.contains(c),
                    "{}: comment `{c}` lost:\n{new}",
                    source.path
                );
            }
        }
        // Bytes outside the edited region are unchanged.
        let prefix = old
            .bytes()
            .zip(new.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let suffix = old
            .bytes()
            .rev()
            .zip(new.bytes().rev())
            .take_while(|(a, b)| a == b)
            .count();
        let edits: Vec<(usize, usize)> = diags
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .flat_map(|f| f.edits.iter())
            .filter(|e| e.span.file == *file)
            .map(|e| (e.span.start as usize, e.span.end as usize))
            .collect();
        let first = edits.iter().map(|e| e.0).min().unwrap_or(0);
        let last = edits.iter().map(|e| e.1).max().unwrap_or(old.len());
        assert!(
            prefix >= first.min(old.len()) || prefix == new.len(),
            "{}: bytes before the first edit changed",
            source.path
        );
        assert!(
            suffix >= old.len().saturating_sub(last) || suffix == new.len(),
            "{}: bytes after the last edit changed",
            source.path
        );
        if ftlint::fix::uses_crlf(old) {
            assert!(
                ftlint::fix::uses_crlf(new),
                "{}: a CRLF file got LF lines:\n{new:?}",
                source.path
            );
        }
    }
    let outcome = ftlint::fix::write(&repo, &planned).expect("the fixes are written");
    assert!(outcome.skipped.is_empty(), "{:?}", outcome.skipped);
    // Second pass: nothing left to fix.
    let mut again = load(dir.path(), true);
    let diags = lint(&again, &Selection::all(), None).diagnostics;
    let second =
        ftlint::fix::plan_accepted(&mut again, &diags, unsafe_fixes, &Selection::all(), None);
    let paths: BTreeSet<&str> = second
        .files
        .keys()
        .map(|f| again.sources.path(*f))
        .collect();
    assert!(
        second.files.is_empty(),
        "a second --fix pass changes {paths:?}"
    );
    planned.applied
}

/// The config loader on arbitrary text: an error or a config, never a panic,
/// and an error names a line inside the text.
pub fn check_config(text: &str) {
    let known: Vec<&ftlint::rules::RuleMeta> =
        ftlint::rules::REGISTRY.iter().map(|r| r.meta()).collect();
    if let Err(e) = Config::parse(Path::new(".ftlint.yaml"), text, &known) {
        assert!(
            e.line >= 1 && e.line <= text.lines().count().max(1) + 1,
            "line {} of {}",
            e.line,
            text.lines().count()
        );
    }
}

/// A generated tree of kustomizations (bases, overlays, components, cycles,
/// patches, `../` escapes): rendering terminates without an internal error.
pub fn kustomize_tree(data: &[u8]) -> Vec<(String, String)> {
    let mut c = Choices::new(data);
    let dirs = [
        "base",
        "overlays/dev",
        "overlays/prod",
        "components/extra",
        "other",
    ];
    let mut files = Vec::new();
    for dir in dirs {
        if !c.flag() && dir != "base" {
            continue;
        }
        let mut k =
            String::from("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n");
        if dir == "components/extra" {
            k = k.replace("v1beta1\nkind: Kustomization", "v1alpha1\nkind: Component");
        }
        k.push_str("resources:\n");
        for _ in 0..c.below(3) {
            let target = c.pick(&[
                "../../base",
                "../base",
                "base",
                "../overlays/dev",
                "../../overlays/prod",
                "cm.yaml",
                "../../../outside",
                "missing",
            ]);
            k.push_str(&format!("- {target}\n"));
        }
        k.push_str("- cm.yaml\n");
        if c.flag() {
            k.push_str(&format!("namePrefix: {}-\n", dir.replace('/', "-")));
        }
        if c.flag() {
            k.push_str("components:\n- ../../components/extra\n");
        }
        if c.flag() {
            k.push_str("patches:\n- path: patch.yaml\n");
            files.push((format!("{dir}/patch.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  patched: \"true\"\n".to_string()));
        }
        if c.flag() {
            k.push_str("configMapGenerator:\n- name: gen\n  literals:\n  - A=1\n");
        }
        files.push((format!("{dir}/kustomization.yaml"), k));
        files.push((
            format!("{dir}/cm.yaml"),
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  from: {}\n",
                dir.replace('/', "-")
            ),
        ));
    }
    files
}

pub fn check_kustomize_tree(files: &[(String, String)]) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    write_repo(&root, files);
    std::fs::write(
        dir.path().join("outside"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leaked\n",
    )
    .unwrap();
    let repo = load(&root, false);
    for f in files
        .iter()
        .filter(|(p, _)| p.ends_with("kustomization.yaml"))
    {
        let d = f.0.trim_end_matches("/kustomization.yaml");
        let rendered = ftlint::kustomize::render(&repo.sources, d);
        for diag in &rendered.events {
            assert!(
                !diag.message.starts_with("internal error"),
                "{d}: {}",
                diag.message
            );
        }
        for o in &rendered.objects {
            assert_ne!(o.name, "leaked", "{d}: a file outside the root was read");
        }
    }
    let _ = lint(&repo, &Selection::all(), None);
}

/// Deep and large inputs: parsing is bounded (no stack overflow, no hang).
pub fn deep_input(depth: usize, flow: bool) -> String {
    if flow {
        format!("a: {}{}\n", "[".repeat(depth), "]".repeat(depth))
    } else {
        let mut s = String::new();
        for i in 0..depth {
            s.push_str(&" ".repeat(i));
            s.push_str("k:\n");
        }
        s
    }
}

pub fn check_parse(text: &str) {
    let parsed = ftlint::yaml::parse(text, ftlint::yaml::FileId(0));
    if let Some(err) = &parsed.error {
        assert!(err.offset <= text.len());
    }
}
