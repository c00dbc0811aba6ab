//! Argo CD rules beyond the fixture harness (`tests/fixtures.rs`): what the
//! findings say and where they point, ApplicationSet expansion, and the
//! git-remote detection.

mod common;

use std::path::Path;

use common::{copy_tree, fixture, lint, load, short};
use ftlint::diagnostic::Diagnostic;

fn related_labels(d: &Diagnostic) -> Vec<&str> {
    d.related.iter().map(|r| r.message.as_str()).collect()
}

#[test]
fn hpa_drift_points_at_the_application_with_the_workload_related() {
    let repo = load(&fixture("hpa-replicas-drift", "bad"));
    let diags = lint(&repo, "hpa-replicas-drift");
    // web: no entry, sets replicas; api: entry without `group: apps`; worker:
    // jq entry but sets replicas without RespectIgnoreDifferences; shop: one
    // ApplicationSet template for two generated Applications.
    assert_eq!(diags.len(), 4, "{}", short(&repo, &diags));
    for d in &diags {
        let labels = related_labels(d);
        assert!(
            labels.iter().any(|l| l.starts_with("Deployment ")),
            "{labels:?}"
        );
        assert!(labels
            .iter()
            .any(|l| l.starts_with("scaled by HorizontalPodAutoscaler")));
        assert!(d.context.object.as_deref().unwrap().contains("Application"));
    }
    let web = diags
        .iter()
        .find(|d| d.message.starts_with("Application web "))
        .unwrap();
    assert!(web.message.contains("RespectIgnoreDifferences=true"));
    assert_eq!(repo.sources.text(web.span), "web");
    let api = diags
        .iter()
        .find(|d| d.message.starts_with("Application api "))
        .unwrap();
    assert!(!api.message.contains("RespectIgnoreDifferences"));
    assert!(related_labels(api)
        .iter()
        .any(|l| l.contains("group must be `apps`")));
    let worker = diags
        .iter()
        .find(|d| d.message.starts_with("Application worker "))
        .unwrap();
    assert!(worker.message.contains("only hides the diff"));
    let shop = diags
        .iter()
        .find(|d| d.message.contains("ApplicationSet shop"))
        .unwrap();
    assert!(shop.message.starts_with("ApplicationSet shop (in 2 of 2 generated Applications: shop-cart (directory shop/cart), shop-checkout"), "{}", shop.message);
    assert_eq!(repo.sources.text(shop.span), "\"shop-{{.path.basename}}\"");
    assert!(shop
        .message
        .contains("Deployment cart, Deployment checkout"));
}

#[test]
fn secret_in_later_wave_than_its_consumer() {
    let repo = load(&fixture("sync-wave-order", "bad"));
    let diags = lint(&repo, "sync-wave-order");
    let d = diags
        .iter()
        .find(|d| {
            d.message
                .starts_with("Secret db-credentials syncs in wave 2")
        })
        .expect("secret finding");
    assert!(d.message.contains("Deployment web (wave 1)"));
    assert!(related_labels(d)
        .iter()
        .any(|l| l.contains("deployed by Application web")));
    assert_eq!(repo.sources.text(d.span), "\"2\"");
}

#[test]
fn appset_list_element_with_missing_directory() {
    let repo = load(&fixture("argocd-path-missing", "bad"));
    let diags = lint(&repo, "argocd-path-missing");
    let appset: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.message.starts_with("ApplicationSet web "))
        .collect();
    assert_eq!(appset.len(), 1, "{}", short(&repo, &diags));
    let d = appset[0];
    assert!(d.message.contains("apps/web/overlays/prd"));
    // Exactly the element is the primary location.
    assert_eq!(repo.sources.text(d.span), "env: prd");
    assert!(related_labels(d).iter().any(|l| l == &"ApplicationSet web"));
    // The git directory generator (Go template) is expanded too.
    assert!(diags
        .iter()
        .any(|d| d.message.contains("services/search/overlays/prod")));
    let m = repo.argocd();
    assert_eq!(
        m.skipped_generators(),
        1,
        "the clusters generator is skipped and counted"
    );
    // `--stats` says what became of each ApplicationSet, and why a
    // generator was not evaluated.
    assert_eq!(
        m.appset_summary(),
        "2 ApplicationSets (1 expanded, 1 partly expanded, 0 checked as written), ApplicationSet generators skipped: 1 (clusters (no cluster Secret in the repository) 1)"
    );
}

#[test]
fn destination_outside_project_namespaces() {
    let repo = load(&fixture("argocd-project-violation", "bad"));
    let diags = lint(&repo, "argocd-project-violation");
    let d = diags
        .iter()
        .find(|d| d.message.contains("destination namespace `kube-system`"))
        .expect("destination finding");
    assert!(related_labels(d).iter().any(|l| l == &"AppProject team"));
    assert!(diags
        .iter()
        .any(|d| d.message.contains("cluster staging-eu")));
    assert!(diags.iter().any(|d| d.message.contains("other-org/api")));
}

#[test]
fn undefined_notification_template() {
    let repo = load(&fixture("argocd-notifications-ref", "bad"));
    let diags = lint(&repo, "argocd-notifications-ref");
    let d = diags
        .iter()
        .find(|d| d.message.contains("sends template `app-deploy`"))
        .expect("template finding");
    assert_eq!(repo.sources.text(d.span), "app-deploy");
    assert!(d.message.contains("did you mean `app-deployed`"));
}

#[test]
fn ssh_remote_matches_https_repo_url() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::write(
        root.join(".git/config"),
        "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = git@github.com:Example/GitOps.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("argocd")).unwrap();
    std::fs::write(
        root.join("argocd/app.yaml"),
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/example/gitops\n    path: apps/missing\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: other\nspec:\n  source:\n    repoURL: https://github.com/example/other\n    path: apps/missing\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n",
    )
    .unwrap();
    let repo = load(root);
    let m = repo.argocd();
    assert_eq!(m.this_repo_from, "git remote");
    assert_eq!(m.this_repo, vec!["github.com/example/gitops".to_string()]);
    let diags = lint(&repo, "argocd-path-missing");
    assert_eq!(diags.len(), 1, "{}", short(&repo, &diags));
    assert!(diags[0].message.contains("Application web "));
}

#[test]
fn worktree_git_file_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    let common = dir.path().join("main.git");
    std::fs::create_dir_all(common.join("worktrees/wt")).unwrap();
    std::fs::write(
        common.join("config"),
        "[remote \"origin\"]\n\turl = https://github.com/example/gitops\n",
    )
    .unwrap();
    std::fs::write(common.join("worktrees/wt/commondir"), "../..\n").unwrap();
    let wt = dir.path().join("wt");
    std::fs::create_dir_all(&wt).unwrap();
    std::fs::write(
        wt.join(".git"),
        format!("gitdir: {}\n", common.join("worktrees/wt").display()),
    )
    .unwrap();
    assert_eq!(
        ftlint::argocd::url::git_remote_urls(&wt),
        vec!["https://github.com/example/gitops".to_string()]
    );
}

#[test]
fn hpa_drift_fix_edits_the_applicationset_template() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("hpa-replicas-drift", "bad"), dir.path());
    let repo = load(dir.path());
    let diags = lint(&repo, "hpa-replicas-drift");
    let planned = ftlint::fix::plan(&repo, &diags, false);
    let shop = planned
        .files
        .iter()
        .find(|(f, _)| repo.sources.path(**f) == "argocd/shop.yaml")
        .map(|(_, text)| text.clone())
        .expect("the ApplicationSet template is edited");
    assert!(shop.contains("      ignoreDifferences:\n        - group: apps\n          kind: Deployment\n          jsonPointers:\n            - /spec/replicas\n"), "{shop}");
    ftlint::fix::write(&repo, &planned).unwrap();
    let again = load(dir.path());
    assert!(lint(&again, "hpa-replicas-drift").is_empty());
    // A second run changes nothing.
    let second = ftlint::fix::plan(&again, &lint(&again, "hpa-replicas-drift"), false);
    assert!(second.files.is_empty());
}

#[test]
fn hpa_drift_cli_fix_on_an_applicationset_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("hpa-replicas-drift", "bad"), dir.path());
    let shop = dir.path().join("argocd/shop.yaml");
    let before = std::fs::read_to_string(&shop).unwrap();
    let run = |fix: bool| {
        let mut cmd = assert_cmd::Command::cargo_bin("ftlint").unwrap();
        cmd.current_dir(dir.path())
            .args(["check", "--no-cache", "--select", "hpa-replicas-drift"]);
        if fix {
            cmd.arg("--fix");
        }
        cmd.assert()
    };
    run(true);
    let fixed = std::fs::read_to_string(&shop).unwrap();
    assert_ne!(before, fixed, "the ApplicationSet template is edited");
    assert!(fixed.contains("ignoreDifferences:"), "{fixed}");
    // A second `--fix` changes nothing, and the ApplicationSet is clean.
    run(true);
    assert_eq!(fixed, std::fs::read_to_string(&shop).unwrap());
    let out = run(false).get_output().stdout.clone();
    let text = String::from_utf8_lossy(&out);
    assert!(!text.contains("ApplicationSet shop"), "{text}");
}

#[test]
fn sync_retry_explicitness_is_opt_in() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("argocd-sync-retry", "good"), dir.path());
    let repo = load(dir.path());
    assert!(lint(&repo, "argocd-sync-retry").is_empty());
    std::fs::write(
        dir.path().join(".ftlint.yaml"),
        "gitops:\n  repoURLs: [\"https://github.com/example/gitops\"]\nrules:\n  argocd-sync-retry:\n    options:\n      require_explicit: true\n",
    )
    .unwrap();
    let repo = load(dir.path());
    let diags = lint(&repo, "argocd-sync-retry");
    assert_eq!(diags.len(), 1, "{}", short(&repo, &diags));
    assert!(diags[0]
        .message
        .contains("without an explicit `retry` block"));
    fix_round_trip_in(dir.path(), "argocd-sync-retry");
}

#[test]
fn sync_retry_team_policy_for_manual_prod_apps() {
    let dir = tempfile::tempdir().unwrap();
    let app = |name: &str, ns: &str, sync: &str| {
        format!("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/other/charts\n    path: shop\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: {ns}\n  syncPolicy:\n{sync}")
    };
    let differs = "    retry:\n      limit: 2\n      backoff:\n        duration: 5s\n        maxDuration: 10m\n";
    let teams = "    retry:\n      limit: 5\n      backoff:\n        duration: 5s\n        factor: 2\n        maxDuration: 3m\n";
    let docs = [
        app("manual-prod", "shop-prod", differs),
        app("manual-prod-teams", "cart-prod", teams),
        app("manual-dev", "shop-dev", differs),
        app(
            "auto-prod",
            "pay-prod",
            &format!("    automated: {{}}\n{differs}"),
        ),
    ];
    std::fs::write(dir.path().join("apps.yaml"), docs.join("---\n")).unwrap();
    // Off by default: the explicit policies are all valid.
    let repo = load(dir.path());
    assert!(lint(&repo, "argocd-sync-retry").is_empty());
    std::fs::write(
        dir.path().join(".ftlint.yaml"),
        "rules:\n  argocd-sync-retry:\n    options:\n      team_limit: 5\n      team_backoff_max_duration: 3m\n",
    )
    .unwrap();
    let repo = load(dir.path());
    let diags = lint(&repo, "argocd-sync-retry");
    assert_eq!(diags.len(), 1, "{}", short(&repo, &diags));
    let d = &diags[0];
    assert!(
        d.message.starts_with("Application manual-prod "),
        "{}",
        d.message
    );
    assert!(
        d.message.ends_with(
            "differs from the team's: limit 2 (team: 5), backoff.maxDuration 600s (team: 180s)"
        ),
        "{}",
        d.message
    );
    assert_eq!(repo.sources.text(d.span), "retry");
    assert!(d.fix.is_none());
}

#[test]
fn git_file_globbing_follows_argocd_cmd_params_cm() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for env in ["dev", "prod"] {
        std::fs::create_dir_all(root.join(format!("clusters/eu/{env}"))).unwrap();
        std::fs::write(
            root.join(format!("clusters/eu/{env}/config.json")),
            format!("{{\"env\": \"{env}\"}}"),
        )
        .unwrap();
    }
    std::fs::write(
        root.join("appset.yaml"),
        "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: web\nspec:\n  generators:\n  - git:\n      repoURL: https://github.com/example/gitops\n      revision: HEAD\n      files:\n      - path: clusters/*/config.json\n  template:\n    metadata:\n      name: 'web-{{env}}'\n    spec:\n      project: default\n      source:\n        repoURL: https://github.com/example/gitops\n        path: clusters\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: web\n",
    )
    .unwrap();
    std::fs::write(
        root.join(".ftlint.yaml"),
        "gitops:\n  repoURLs: [\"https://github.com/example/gitops\"]\n",
    )
    .unwrap();
    // Argo CD's default: a git pathspec, `*` crosses directories.
    assert_eq!(load(root).argocd().generated_apps(), 2);
    std::fs::write(
        root.join("params.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cmd-params-cm\ndata:\n  applicationsetcontroller.enable.new.git.file.globbing: \"true\"\n",
    )
    .unwrap();
    // The new globbing: `*` stays within one directory, nothing matches.
    let repo = load(root);
    assert_eq!(repo.argocd().generated_apps(), 0);
    let diags = lint(&repo, "argocd-path-missing");
    assert!(
        diags
            .iter()
            .any(|d| d.message.contains("clusters/*/config.json")),
        "{}",
        short(&repo, &diags)
    );
}

/// Write `files` (path, text) under `root`.
fn write_all(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

const APP: &str = "apiVersion: argoproj.io/v1alpha1\nkind: Application\n";

#[test]
fn argo_cd_semantics_the_rules_follow() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let dest = "  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n";
    let src = |path: &str| {
        format!("  source:\n    repoURL: https://github.com/example/gitops\n    path: {path}\n")
    };
    write_all(
        root,
        &[
            (".ftlint.yaml", "gitops:\n  repoURLs: [\"https://github.com/example/gitops\"]\n"),
            // The bootstrap root Application no kustomization includes.
            ("bootstrap/root.yaml", &format!("{APP}metadata:\n  name: root\nspec:\n  project: default\n{}{dest}", src("apps"))),
            // No `spec.project`: the CRD rejects it; it is not `default`.
            ("apps/no-project.yaml", &format!("{APP}metadata:\n  name: no-project\nspec:\n{}{dest}", src("plain"))),
            // No name: the finding still reads well.
            ("apps/unnamed.yaml", &format!("{APP}metadata:\n  namespace: argocd\nspec:\n  project: default\n{}{dest}", src("plain"))),
            // A plain directory whose objects all live in `other`.
            ("plain/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: other\n"),
            // argocd-notifications-cm written as a patch of a remote base.
            ("argocd/kustomization.yaml", "resources:\n  - https://github.com/argoproj/argo-cd/manifests/cluster-install?ref=v2.13.0\npatches:\n  - path: notifications.yaml\n  - path: rbac.yaml\n"),
            ("argocd/notifications.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-notifications-cm\ndata:\n  template.app-deployed: |\n    message: deployed\n  trigger.on-deployed: |\n    - when: app.status.operationState.phase in ['Succeeded']\n      send: [app-deploy]\n"),
            // `write-repositories` is an Argo CD resource.
            ("argocd/rbac.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-rbac-cm\ndata:\n  policy.csv: |\n    p, role:ci, write-repositories, create, *, allow\n    g, ci-bot, role:ci\n"),
        ],
    );
    let repo = load(root);
    let default_project = lint(&repo, "argocd-default-project");
    let messages: Vec<&str> = default_project.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages.iter().any(|m| m.starts_with("Application root ")),
        "{messages:?}"
    );
    assert!(
        !messages.iter().any(|m| m.contains("no-project")),
        "{messages:?}"
    );
    assert!(
        !messages.iter().any(|m| m.contains("Application  ")),
        "{messages:?}"
    );
    assert_eq!(messages.len(), 2, "{messages:?}");
    let schema = lint(&repo, "schema");
    assert!(
        schema
            .iter()
            .any(|d| repo.sources.path(d.span.file) == "apps/no-project.yaml"
                && d.message.contains("project")),
        "{}",
        short(&repo, &schema)
    );
    let mismatch = lint(&repo, "argocd-namespace-mismatch");
    assert!(
        mismatch
            .iter()
            .any(|d| d.message.contains("no-project") && d.message.contains("`other`")),
        "{}",
        short(&repo, &mismatch)
    );
    let notifications = lint(&repo, "argocd-notifications-ref");
    assert!(
        notifications
            .iter()
            .any(|d| d.message.contains("sends template `app-deploy`")),
        "{}",
        short(&repo, &notifications)
    );
    assert!(lint(&repo, "argocd-rbac-policy").is_empty());
}

/// Fix in place, then the rule is quiet and a second round changes nothing.
fn fix_round_trip_in(root: &Path, id: &str) {
    let repo = load(root);
    let diags = lint(&repo, id);
    let planned = ftlint::fix::plan(&repo, &diags, false);
    assert!(!planned.files.is_empty(), "{id}: no fix");
    ftlint::fix::write(&repo, &planned).unwrap();
    let again = load(root);
    let left = lint(&again, id);
    assert!(left.is_empty(), "{id} after fix:\n{}", short(&again, &left));
    assert!(ftlint::fix::plan(&again, &left, false).files.is_empty());
}
