//! Generators on ApplicationSets shaped like Argo CD's documented examples
//! (`applicationset/examples/`, `docs/operator-manual/applicationset/`),
//! with the Applications Argo CD generates for them.

use serde_json::{json, Map, Value as J};

use super::*;
use crate::yaml::{parse, FileId};

struct FakeTree {
    dirs: Vec<String>,
    files: Vec<(String, J)>,
    clusters: Vec<Cluster>,
    new_globbing: bool,
}

impl Tree for FakeTree {
    fn in_repo(&self, repo_url: &str) -> bool {
        repo_url.contains("example/gitops")
    }
    fn dirs(&self) -> &[String] {
        &self.dirs
    }
    fn files(&self) -> Vec<(&str, Option<J>)> {
        self.files
            .iter()
            .map(|(p, v)| (p.as_str(), Some(v.clone())))
            .collect()
    }
    fn clusters(&self) -> &[Cluster] {
        &self.clusters
    }
    fn new_git_file_globbing(&self) -> bool {
        self.new_globbing
    }
}

fn tree() -> FakeTree {
    let dirs = [
        "apps",
        "apps/api",
        "apps/web",
        "apps/legacy",
        "cluster-config",
        "cluster-config/engineering",
        "cluster-config/engineering/dev",
        "cluster-config/engineering/prod",
    ];
    let mut dirs: Vec<String> = dirs.iter().map(|d| d.to_string()).collect();
    dirs.sort();
    FakeTree {
        dirs,
        files: vec![
            (
                "cluster-config/engineering/dev/config.json".into(),
                json!({"aws_account": "123", "cluster": {"name": "engineering-dev", "address": "https://1.2.3.4"}}),
            ),
            (
                "cluster-config/engineering/prod/config.json".into(),
                json!({"aws_account": "456", "cluster": {"name": "engineering-prod", "address": "https://5.6.7.8"}}),
            ),
        ],
        clusters: Vec::new(),
        new_globbing: false,
    }
}

fn cluster(name: &str, server: &str, env: &str) -> Cluster {
    let mut labels = Map::new();
    labels.insert("environment".into(), J::String(env.into()));
    Cluster {
        name: name.into(),
        server: server.into(),
        labels,
        ..Default::default()
    }
}

/// Expand and render: (Application name, project, path, namespace) per Application.
fn apps(yaml: &str, tree: &FakeTree) -> (Vec<(String, String, String, String)>, Expansion) {
    let parsed = parse(yaml, FileId(0));
    let root = &parsed.documents[0].root;
    let spec = root.get("spec").unwrap();
    let syntax = Syntax::of(spec);
    let mut expansion = expand(spec, tree);
    let mut out = Vec::new();
    let groups = expansion.groups.clone();
    for g in &groups {
        for e in &g.elements {
            let Some(app) = render_template(
                &g.template,
                e,
                syntax,
                spec.get("templatePatch"),
                &mut expansion.issues,
            ) else {
                continue;
            };
            let s = |p: &[&str]| app.str_at(p).unwrap_or("").to_string();
            out.push((
                s(&["metadata", "name"]),
                s(&["spec", "project"]),
                s(&["spec", "source", "path"]),
                s(&["spec", "destination", "namespace"]),
            ));
        }
    }
    (out, expansion)
}

fn names(v: &[(String, String, String, String)]) -> Vec<&str> {
    v.iter().map(|a| a.0.as_str()).collect()
}

#[test]
fn list_generator_both_syntaxes() {
    let fast = "spec:\n  generators:\n  - list:\n      elements:\n      - cluster: engineering-dev\n        url: https://1.2.3.4\n        values:\n          ns: dev\n      - cluster: engineering-prod\n        url: https://5.6.7.8\n        values:\n          ns: prod\n  template:\n    metadata:\n      name: '{{cluster}}-guestbook'\n    spec:\n      project: default\n      source:\n        path: guestbook/{{cluster}}\n      destination:\n        server: '{{url}}'\n        namespace: '{{values.ns}}'\n";
    let (out, x) = apps(fast, &tree());
    assert_eq!(
        out,
        vec![
            (
                "engineering-dev-guestbook".into(),
                "default".into(),
                "guestbook/engineering-dev".into(),
                "dev".into()
            ),
            (
                "engineering-prod-guestbook".into(),
                "default".into(),
                "guestbook/engineering-prod".into(),
                "prod".into()
            ),
        ]
    );
    assert!(x.issues.is_empty() && x.not_expandable.is_empty());
    let go = fast
        .replace(
            "spec:\n  generators",
            "spec:\n  goTemplate: true\n  generators",
        )
        .replace("{{cluster}}", "{{.cluster}}")
        .replace("{{url}}", "{{.url}}")
        .replace("{{values.ns}}", "{{.values.ns | upper}}");
    let (out, _) = apps(&go, &tree());
    assert_eq!(
        names(&out),
        vec!["engineering-dev-guestbook", "engineering-prod-guestbook"]
    );
    assert_eq!(out[1].3, "PROD");
}

#[test]
fn generator_template_overrides_and_fills_from_spec_template() {
    // The shape of applicationset/examples/template-override.
    let yaml = "spec:\n  generators:\n  - list:\n      elements:\n      - cluster: engineering-dev\n        url: https://kubernetes.default.svc\n      template:\n        metadata: {}\n        spec:\n          project: \"team\"\n          source:\n            path: 'override/{{cluster}}'\n          destination: {}\n  template:\n    metadata:\n      name: '{{cluster}}-guestbook'\n    spec:\n      project: \"default\"\n      source:\n        path: default\n      destination:\n        server: '{{url}}'\n        namespace: guestbook\n";
    let (out, _) = apps(yaml, &tree());
    assert_eq!(
        out,
        vec![(
            "engineering-dev-guestbook".into(),
            "team".into(),
            "override/engineering-dev".into(),
            "guestbook".into()
        )]
    );
}

#[test]
fn git_directories_with_exclude_and_unmatched_pattern() {
    let yaml = "spec:\n  goTemplate: true\n  generators:\n  - git:\n      repoURL: https://github.com/example/gitops.git\n      directories:\n      - path: apps/*\n      - path: apps/legacy\n        exclude: true\n      - path: services/*\n  template:\n    metadata:\n      name: '{{.path.basename}}'\n    spec:\n      project: default\n      source:\n        path: '{{.path.path}}'\n      destination:\n        namespace: '{{index .path.segments 1}}'\n";
    let (out, x) = apps(yaml, &tree());
    assert_eq!(names(&out), vec!["api", "web"]);
    assert_eq!(out[0].2, "apps/api");
    assert!(
        matches!(&x.issues[..], [Issue::NothingMatched { pattern, files: false, .. }] if pattern == "services/*")
    );
    // `*` does not cross `/` (Go's path.Match): `apps/*` is not `cluster-config/...`.
    let deep = yaml.replace("path: apps/*", "path: '*/engineering/*'");
    let (out, _) = apps(&deep, &tree());
    assert_eq!(names(&out), vec!["dev", "prod"]);
}

#[test]
fn git_files_flattened_as_argo_cd_builds_them() {
    // The shape of applicationset/examples/git-generator-files-discovery.
    let fast = "spec:\n  generators:\n  - git:\n      repoURL: https://github.com/example/gitops\n      files:\n      - path: cluster-config/**/config.json\n  template:\n    metadata:\n      name: '{{cluster.name}}-guestbook'\n    spec:\n      project: default\n      source:\n        path: '{{path}}/app'\n      destination:\n        namespace: '{{path.basename}}-{{aws_account}}'\n";
    let (out, x) = apps(fast, &tree());
    assert_eq!(
        out,
        vec![
            (
                "engineering-dev-guestbook".into(),
                "default".into(),
                "cluster-config/engineering/dev/app".into(),
                "dev-123".into()
            ),
            (
                "engineering-prod-guestbook".into(),
                "default".into(),
                "cluster-config/engineering/prod/app".into(),
                "prod-456".into()
            ),
        ]
    );
    assert!(x.issues.is_empty());
    let go = "spec:\n  goTemplate: true\n  goTemplateOptions: [\"missingkey=error\"]\n  generators:\n  - git:\n      repoURL: https://github.com/example/gitops\n      files:\n      - path: cluster-config/**/config.json\n      - path: cluster-config/engineering/prod/config.json\n        exclude: true\n  template:\n    metadata:\n      name: '{{.cluster.name}}'\n    spec:\n      project: default\n      source:\n        path: '{{.path.path}}/{{.path.filename}}'\n";
    let (out, _) = apps(go, &tree());
    assert_eq!(names(&out), vec!["engineering-dev"]);
    assert_eq!(out[0].2, "cluster-config/engineering/dev/config.json");
}

#[test]
fn clusters_from_secrets_with_selector_and_values() {
    let mut t = tree();
    t.clusters = vec![
        cluster("prod-eu", "https://prod-eu", "prod"),
        cluster("staging", "https://staging", "staging"),
    ];
    let yaml = "spec:\n  generators:\n  - clusters:\n      selector:\n        matchLabels:\n          environment: prod\n      values:\n        revision: '{{name}}-stable'\n  template:\n    metadata:\n      name: 'guestbook-{{name}}'\n    spec:\n      project: '{{metadata.labels.environment}}'\n      source:\n        path: guestbook\n      destination:\n        namespace: '{{values.revision}}'\n";
    let (out, _) = apps(yaml, &t);
    assert_eq!(
        out,
        vec![(
            "guestbook-prod-eu".into(),
            "prod".into(),
            "guestbook".into(),
            "prod-eu-stable".into()
        )]
    );
    // No selector: every Secret, then the in-cluster cluster.
    let all = yaml.replace(
        "      selector:\n        matchLabels:\n          environment: prod\n",
        "",
    );
    let (out, _) = apps(&all, &t);
    assert_eq!(
        names(&out),
        vec![
            "guestbook-prod-eu",
            "guestbook-staging",
            "guestbook-in-cluster"
        ]
    );
    // No cluster Secret in the repository: the cluster list is Argo CD's.
    let (out, x) = apps(&all, &tree());
    assert!(out.is_empty());
    assert!(x.groups[0].unknown);
    assert!(x.not_expandable[0].kind.starts_with("clusters"));
}

#[test]
fn generator_selector_filters_parameters() {
    let yaml = "spec:\n  generators:\n  - list:\n      elements:\n      - env: prod\n        tier: web\n      - env: dev\n        tier: web\n    selector:\n      matchExpressions:\n      - key: env\n        operator: In\n        values: [prod]\n  template:\n    metadata:\n      name: '{{tier}}-{{env}}'\n";
    let (out, _) = apps(yaml, &tree());
    assert_eq!(names(&out), vec!["web-prod"]);
}

#[test]
fn matrix_interpolates_the_second_generator() {
    // The shape of applicationset/examples/matrix/list-and-git.yaml.
    let yaml = "spec:\n  goTemplate: true\n  generators:\n  - matrix:\n      generators:\n      - list:\n          elements:\n          - dir: apps\n            env: prod\n      - git:\n          repoURL: https://github.com/example/gitops\n          directories:\n          - path: '{{.dir}}/*'\n  template:\n    metadata:\n      name: '{{.path.basename}}-{{.env}}'\n    spec:\n      source:\n        path: '{{.path.path}}'\n";
    let (out, x) = apps(yaml, &tree());
    assert_eq!(names(&out), vec!["api-prod", "legacy-prod", "web-prod"]);
    assert!(x.issues.is_empty());
}

#[test]
fn merge_by_keys() {
    // The shape of applicationset/examples/merge/merge-clusters-and-list.yaml.
    let mut t = tree();
    t.clusters = vec![
        cluster("prod-eu", "https://prod-eu", "prod"),
        cluster("staging", "https://staging", "staging"),
    ];
    let yaml = "spec:\n  generators:\n  - merge:\n      mergeKeys: [server]\n      generators:\n      - clusters:\n          values:\n            kafka: 'true'\n            redis: 'false'\n      - list:\n          elements:\n          - server: https://staging\n            values.redis: 'true'\n  template:\n    metadata:\n      name: '{{name}}-{{values.kafka}}-{{values.redis}}'\n";
    let (out, _) = apps(yaml, &t);
    assert_eq!(
        names(&out),
        vec![
            "prod-eu-true-false",
            "staging-true-true",
            "in-cluster-true-false"
        ]
    );
}

#[test]
fn missing_keys_by_syntax() {
    let yaml = "spec:\n  goTemplate: true\n  goTemplateOptions: [\"missingkey=error\"]\n  generators:\n  - list:\n      elements:\n      - env: prod\n        region: eu\n      - env: dev\n  template:\n    metadata:\n      name: 'web-{{.env}}-{{.region}}'\n";
    let (out, x) = apps(yaml, &tree());
    // Argo CD fails on the element without `region`.
    assert_eq!(names(&out), vec!["web-prod-eu"]);
    assert!(
        matches!(&x.issues[..], [Issue::MissingKey { key, fatal: true, .. }] if key == "region")
    );
    // Without the option Go prints `<no value>`.
    let lenient = yaml.replace("  goTemplateOptions: [\"missingkey=error\"]\n", "");
    let (out, x) = apps(&lenient, &tree());
    assert_eq!(names(&out), vec!["web-prod-eu", "web-dev-<no value>"]);
    assert!(matches!(
        &x.issues[..],
        [Issue::MissingKey { fatal: false, .. }]
    ));
    // A key read only through `default` is not missing.
    let guarded = lenient.replace("{{.region}}", "{{ default \"any\" .region }}");
    let (out, x) = apps(&guarded, &tree());
    assert_eq!(names(&out), vec!["web-prod-eu", "web-dev-any"]);
    assert!(x.issues.is_empty());
    // fasttemplate leaves an unknown tag as written.
    let fast = "spec:\n  generators:\n  - list:\n      elements:\n      - env: prod\n  template:\n    metadata:\n      name: 'web-{{env}}-{{region}}'\n";
    let (out, x) = apps(fast, &tree());
    assert_eq!(names(&out), vec!["web-prod-{{region}}"]);
    assert!(
        matches!(&x.issues[..], [Issue::MissingKey { key, fatal: false, .. }] if key == "region")
    );
}

/// The Applications of the first generator, rendered whole.
fn rendered(yaml: &str) -> Vec<Node> {
    let parsed = parse(yaml, FileId(0));
    let spec = parsed.documents[0].root.get("spec").unwrap();
    let mut x = expand(spec, &tree());
    let group = x.groups[0].clone();
    group
        .elements
        .iter()
        .filter_map(|e| {
            render_template(
                &group.template,
                e,
                Syntax::of(spec),
                spec.get("templatePatch"),
                &mut x.issues,
            )
        })
        .collect()
}

fn strings(n: Option<&Node>) -> Vec<String> {
    n.map(Node::items)
        .unwrap_or(&[])
        .iter()
        .filter_map(Node::scalar_text)
        .collect()
}

#[test]
fn template_patch_is_a_strategic_merge_that_keeps_the_project() {
    // The shape of Template.md's templatePatch example, plus a project the
    // patch may not change and a list it replaces.
    let yaml = "spec:\n  goTemplate: true\n  generators:\n  - list:\n      elements:\n      - env: prod\n        autoSync: true\n        valueFiles: [values.large.yaml, values.debug.yaml]\n      - env: dev\n        autoSync: false\n        valueFiles: [values.dev.yaml]\n  template:\n    metadata:\n      name: 'web-{{.env}}'\n      finalizers: [resources-finalizer.argocd.argoproj.io]\n    spec:\n      project: default\n      source:\n        repoURL: https://github.com/example/gitops\n        path: apps/web\n        helm:\n          valueFiles: [values.yaml]\n          releaseName: web\n  templatePatch: |\n    metadata:\n      finalizers: [example.com/cleanup]\n    spec:\n      project: '{{.env}}'\n      source:\n        helm:\n          valueFiles:\n          {{- range $f := .valueFiles }}\n            - {{ $f }}\n          {{- end }}\n    {{- if .autoSync }}\n      syncPolicy:\n        automated:\n          prune: true\n    {{- end }}\n";
    let apps = rendered(yaml);
    assert_eq!(apps.len(), 2);
    let (prod, dev) = (&apps[0], &apps[1]);
    // `finalApp.Spec.Project = app.Spec.Project`.
    assert_eq!(prod.str_at(&["spec", "project"]), Some("default"));
    assert_eq!(dev.str_at(&["spec", "project"]), Some("default"));
    // Lists are replaced (the Application type declares no merge key)...
    assert_eq!(
        strings(prod.path(&["spec", "source", "helm", "valueFiles"])),
        ["values.large.yaml", "values.debug.yaml"]
    );
    assert_eq!(
        strings(dev.path(&["spec", "source", "helm", "valueFiles"])),
        ["values.dev.yaml"]
    );
    // ...maps are merged...
    assert_eq!(
        prod.str_at(&["spec", "source", "helm", "releaseName"]),
        Some("web")
    );
    assert_eq!(prod.str_at(&["spec", "source", "path"]), Some("apps/web"));
    assert!(prod.path(&["spec", "syncPolicy", "automated"]).is_some());
    assert!(dev.path(&["spec", "syncPolicy"]).is_none());
    // ...and finalizers (patchStrategy merge in ObjectMeta) are a union.
    assert_eq!(
        strings(prod.path(&["metadata", "finalizers"])),
        [
            "resources-finalizer.argocd.argoproj.io",
            "example.com/cleanup"
        ]
    );
}

#[test]
fn template_patch_null_and_directives() {
    // A bare `source:` clears it (argo-cd #17040); `$patch: replace`
    // replaces a map; `$patch: delete` removes one.
    let yaml = "spec:\n  goTemplate: true\n  generators:\n  - list:\n      elements:\n      - env: prod\n  template:\n    metadata:\n      name: 'web-{{.env}}'\n      labels: {team: web, tier: front}\n      annotations: {a: b}\n    spec:\n      project: default\n      source:\n        path: apps/web\n      destination:\n        namespace: web\n        server: https://kubernetes.default.svc\n  templatePatch: |\n    metadata:\n      labels:\n        $patch: replace\n        env: '{{.env}}'\n      annotations:\n        $patch: delete\n    spec:\n      source:\n";
    let apps = rendered(yaml);
    let app = &apps[0];
    assert!(app.path(&["spec", "source"]).is_none());
    assert_eq!(
        app.str_at(&["spec", "destination", "namespace"]),
        Some("web")
    );
    let labels: Vec<&str> = app
        .path(&["metadata", "labels"])
        .unwrap()
        .entries()
        .iter()
        .map(|e| e.key.name.as_str())
        .collect();
    assert_eq!(labels, ["env"]);
    assert_eq!(app.str_at(&["metadata", "labels", "env"]), Some("prod"));
    assert!(app.path(&["metadata", "annotations"]).is_none());
    // Clearing the spec cannot drop the project either.
    let cleared = yaml.replace("    spec:\n      source:\n", "    spec:\n");
    let apps = rendered(&cleared);
    assert!(apps[0].path(&["spec", "source"]).is_none());
    assert_eq!(apps[0].str_at(&["spec", "project"]), Some("default"));
}

#[test]
fn live_generators_are_counted_and_their_template_kept() {
    let yaml = "spec:\n  generators:\n  - pullRequest:\n      github:\n        owner: example\n  - git:\n      repoURL: https://github.com/other/repo\n      directories:\n      - path: '*'\n  - matrix:\n      generators:\n      - scmProvider: {}\n      - list:\n          elements: [{a: b}]\n  template:\n    metadata:\n      name: 'pr-{{number}}'\n    spec:\n      project: default\n";
    let (out, x) = apps(yaml, &tree());
    assert!(out.is_empty());
    let kinds: Vec<&str> = x.not_expandable.iter().map(|n| n.kind).collect();
    assert_eq!(
        kinds,
        vec!["pullRequest", "git (another repository)", "scmProvider"]
    );
    assert!(x.groups.iter().all(|g| g.unknown));
    assert_eq!(
        x.groups[0].template.str_at(&["spec", "project"]),
        Some("default")
    );
}

#[test]
fn keys_that_are_no_generator_are_dropped() {
    // The CRD has no such field: Argo CD never sees `values`/`foo` at the
    // entry's level, and the list beside them still generates.
    let yaml = "spec:\n  generators:\n  - list:\n      elements:\n      - env: prod\n    foo: bar\n    values:\n      x: y\n  - foo: {elements: [{env: dev}]}\n  template:\n    metadata:\n      name: 'web-{{env}}'\n";
    let (out, x) = apps(yaml, &tree());
    assert_eq!(names(&out), vec!["web-prod"]);
    assert!(x.not_expandable.is_empty());
    assert!(x.groups.iter().all(|g| !g.unknown));
}

#[test]
fn git_file_globbing_default_and_new() {
    // Generators-Git-File-Globbing.md: by default `*` crosses directories
    // (a git pathspec); with the new globbing it stays within one.
    let yaml = "spec:\n  generators:\n  - git:\n      repoURL: https://github.com/example/gitops\n      files:\n      - path: cluster-config/*/config.json\n  template:\n    metadata:\n      name: '{{cluster.name}}'\n";
    let (out, x) = apps(yaml, &tree());
    assert_eq!(names(&out), vec!["engineering-dev", "engineering-prod"]);
    assert!(x.issues.is_empty());
    let mut t = tree();
    t.new_globbing = true;
    let (out, x) = apps(yaml, &t);
    assert!(out.is_empty());
    assert!(matches!(
        &x.issues[..],
        [Issue::NothingMatched { files: true, .. }]
    ));
    let doublestar = yaml.replace("cluster-config/*/", "cluster-config/**/");
    let (out, _) = apps(&doublestar, &t);
    assert_eq!(names(&out), vec!["engineering-dev", "engineering-prod"]);
}

#[test]
fn matrix_git_directories_by_clusters_and_the_nesting_limit() {
    // The shape of Generators-Matrix.md's "Git Directory generator + Cluster
    // generator" example: every directory on every selected cluster.
    let mut t = tree();
    t.clusters = vec![
        cluster("staging", "https://1.2.3.4", "staging"),
        cluster("production", "https://2.4.6.8", "production"),
    ];
    let yaml = "spec:\n  goTemplate: true\n  goTemplateOptions: [\"missingkey=error\"]\n  generators:\n  - matrix:\n      generators:\n      - git:\n          repoURL: https://github.com/example/gitops.git\n          revision: HEAD\n          directories:\n          - path: apps/*\n      - clusters:\n          selector:\n            matchLabels:\n              argocd.argoproj.io/secret-type: cluster\n  template:\n    metadata:\n      name: '{{.path.basename}}-{{.name}}'\n    spec:\n      project: '{{index .metadata.labels \"environment\"}}'\n      source:\n        path: '{{.path.path}}'\n      destination:\n        namespace: '{{.path.basename}}'\n";
    let (out, x) = apps(yaml, &t);
    assert_eq!(
        names(&out),
        vec![
            "api-staging",
            "api-production",
            "legacy-staging",
            "legacy-production",
            "web-staging",
            "web-production"
        ]
    );
    assert_eq!(out[1].1, "production");
    assert_eq!(out[1].2, "apps/api");
    assert!(x.issues.is_empty() && x.not_expandable.is_empty());
    // Combination generators nest once (the doc's "third level is invalid").
    let nested = "spec:\n  generators:\n  - matrix:\n      generators:\n      - matrix:\n          generators:\n          - matrix:\n              generators:\n              - list: {elements: [{a: b}]}\n              - list: {elements: [{c: d}]}\n          - list: {elements: [{e: f}]}\n      - list: {elements: [{g: h}]}\n  template:\n    metadata:\n      name: '{{a}}'\n";
    let (out, x) = apps(nested, &tree());
    assert!(out.is_empty());
    assert_eq!(
        x.not_expandable.iter().map(|n| n.kind).collect::<Vec<_>>(),
        vec!["matrix/merge nested deeper than Argo CD allows"]
    );
}

#[test]
fn clusters_flat_list_is_one_parameter_set() {
    // Generators-Cluster.md's `flatList: true`: one Application for all
    // clusters, with `.clusters` a list.
    let mut t = tree();
    t.clusters = vec![
        cluster("prod-eu", "https://prod-eu", "prod"),
        cluster("staging", "https://staging", "staging"),
    ];
    let yaml = "spec:\n  goTemplate: true\n  generators:\n  - clusters:\n      flatList: true\n      selector:\n        matchLabels:\n          environment: prod\n  template:\n    metadata:\n      name: 'all-clusters'\n    spec:\n      project: default\n      source:\n        path: '{{range .clusters}}{{.name}} {{end}}'\n";
    let (out, x) = apps(yaml, &t);
    assert_eq!(names(&out), vec!["all-clusters"]);
    assert_eq!(out[0].2, "prod-eu ");
    assert!(x.issues.is_empty());
    let fast = "spec:\n  generators:\n  - clusters:\n      flatList: true\n  template:\n    metadata:\n      name: '{{clusters.0.name}}-{{clusters.2.name}}'\n";
    let (out, _) = apps(fast, &t);
    assert_eq!(names(&out), vec!["prod-eu-in-cluster"]);
}
