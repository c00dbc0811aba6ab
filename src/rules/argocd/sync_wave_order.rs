use super::model;
use crate::argocd::{is_argo, SYNC_WAVE};
use crate::diagnostic::{Context, Diagnostic, Severity};
use crate::model::Object;
use crate::rules::{Rule, RuleMeta, Scope, UnitCx};
use crate::yaml::{Node, Span, Value};

use super::sync_wave_invalid::parse_wave;

/// A dependency syncs in a later wave than what needs it, or the configured
/// wave policy is broken.
pub struct SyncWaveOrder;

static META: RuleMeta = RuleMeta::new(
    "sync-wave-order",
    Severity::Error,
    Scope::Unit,
    "a dependency syncs in a later wave than what needs it, or the wave policy is broken",
);

/// Wave of an object (Argo CD: 0 when absent or not an integer; a Helm
/// hook's `helm.sh/hook-weight` counts as its wave, `docs/user-guide/helm.md`)
/// and the annotation's span.
fn wave(o: &Object) -> (i64, Option<Span>) {
    let annotation = o
        .annotation(SYNC_WAVE)
        .or_else(|| o.annotation(HELM_HOOK_WEIGHT).filter(|_| is_hook(o)));
    match annotation {
        Some(n) => (n.as_str().and_then(parse_wave).unwrap_or(0), Some(n.span)),
        None => (0, None),
    }
}

const HELM_HOOK_WEIGHT: &str = "helm.sh/hook-weight";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Need {
    Secret,
    ConfigMap,
    ServiceAccount,
    Pvc,
    Namespace,
    Crd,
    AppProject,
}

impl Need {
    fn namespaced(self) -> bool {
        matches!(
            self,
            Need::Secret | Need::ConfigMap | Need::ServiceAccount | Need::Pvc
        )
    }
    fn what(self) -> &'static str {
        match self {
            Need::Secret => "uses the Secret",
            Need::ConfigMap => "uses the ConfigMap",
            Need::ServiceAccount => "runs as the ServiceAccount",
            Need::Pvc => "mounts the PersistentVolumeClaim",
            Need::Namespace => "lives in the Namespace",
            Need::Crd => "is an instance of the CustomResourceDefinition",
            Need::AppProject => "belongs to the AppProject",
        }
    }
}

/// What an object provides to others (kind of need, name).
fn provides(o: &Object) -> Option<(Need, String)> {
    let name = o.name.clone();
    Some(match (o.kind.as_str(), o.group()) {
        ("Secret", "") => (Need::Secret, name),
        ("SealedSecret", "bitnami.com") => (
            Need::Secret,
            o.root
                .str_at(&["spec", "template", "metadata", "name"])
                .map(str::to_string)
                .unwrap_or(name),
        ),
        ("ExternalSecret", g) if g.starts_with("external-secrets.io") => (
            Need::Secret,
            o.root
                .str_at(&["spec", "target", "name"])
                .map(str::to_string)
                .unwrap_or(name),
        ),
        ("ConfigMap", "") => (Need::ConfigMap, name),
        ("ServiceAccount", "") => (Need::ServiceAccount, name),
        ("PersistentVolumeClaim", "") => (Need::Pvc, name),
        ("Namespace", "") => (Need::Namespace, name),
        ("CustomResourceDefinition", "apiextensions.k8s.io") => {
            let kind = o.root.str_at(&["spec", "names", "kind"])?;
            let group = o.root.str_at(&["spec", "group"])?;
            (Need::Crd, format!("{kind}.{group}"))
        }
        ("AppProject", "argoproj.io") => (Need::AppProject, name),
        _ => return None,
    })
}

fn push_name(
    out: &mut Vec<(Need, String, Span)>,
    need: Need,
    node: Option<&Node>,
    optional: Option<&Node>,
) {
    if optional.and_then(Node::as_bool) == Some(true) {
        return;
    }
    if let Some(n) = node {
        if let Some(s) = n.as_str() {
            out.push((need, s.to_string(), n.span));
        }
    }
}

/// What an object needs before it can sync: (kind of need, name, where).
fn needs(o: &Object) -> Vec<(Need, String, Span)> {
    let mut out = Vec::new();
    if let Some(spec) = o.pod_spec() {
        for v in spec.get("volumes").map(Node::items).unwrap_or(&[]) {
            push_name(
                &mut out,
                Need::Secret,
                v.path(&["secret", "secretName"]),
                v.path(&["secret", "optional"]),
            );
            push_name(
                &mut out,
                Need::ConfigMap,
                v.path(&["configMap", "name"]),
                v.path(&["configMap", "optional"]),
            );
            push_name(
                &mut out,
                Need::Pvc,
                v.path(&["persistentVolumeClaim", "claimName"]),
                None,
            );
            for s in v
                .path(&["projected", "sources"])
                .map(Node::items)
                .unwrap_or(&[])
            {
                push_name(
                    &mut out,
                    Need::Secret,
                    s.path(&["secret", "name"]),
                    s.path(&["secret", "optional"]),
                );
                push_name(
                    &mut out,
                    Need::ConfigMap,
                    s.path(&["configMap", "name"]),
                    s.path(&["configMap", "optional"]),
                );
            }
        }
        for key in ["containers", "initContainers"] {
            for c in spec.get(key).map(Node::items).unwrap_or(&[]) {
                for e in c.get("env").map(Node::items).unwrap_or(&[]) {
                    let r = e.path(&["valueFrom", "secretKeyRef"]);
                    push_name(
                        &mut out,
                        Need::Secret,
                        r.and_then(|r| r.get("name")),
                        r.and_then(|r| r.get("optional")),
                    );
                    let r = e.path(&["valueFrom", "configMapKeyRef"]);
                    push_name(
                        &mut out,
                        Need::ConfigMap,
                        r.and_then(|r| r.get("name")),
                        r.and_then(|r| r.get("optional")),
                    );
                }
                for e in c.get("envFrom").map(Node::items).unwrap_or(&[]) {
                    let r = e.get("secretRef");
                    push_name(
                        &mut out,
                        Need::Secret,
                        r.and_then(|r| r.get("name")),
                        r.and_then(|r| r.get("optional")),
                    );
                    let r = e.get("configMapRef");
                    push_name(
                        &mut out,
                        Need::ConfigMap,
                        r.and_then(|r| r.get("name")),
                        r.and_then(|r| r.get("optional")),
                    );
                }
            }
        }
        for s in spec.get("imagePullSecrets").map(Node::items).unwrap_or(&[]) {
            push_name(&mut out, Need::Secret, s.get("name"), None);
        }
        push_name(
            &mut out,
            Need::ServiceAccount,
            spec.get("serviceAccountName")
                .or_else(|| spec.get("serviceAccount")),
            None,
        );
    }
    if !cluster_scoped(o) {
        if let Some(ns) = o.root.path(&["metadata", "namespace"]) {
            push_name(&mut out, Need::Namespace, Some(ns), None);
        }
    }
    if o.group().contains('.') {
        out.push((
            Need::Crd,
            format!("{}.{}", o.kind, o.group()),
            o.root.get("kind").map(|k| k.span).unwrap_or(o.root.span),
        ));
    }
    if is_argo(o, "Application") {
        push_name(
            &mut out,
            Need::AppProject,
            o.root.path(&["spec", "project"]),
            None,
        );
    }
    out
}

/// Built-in cluster-scoped kinds: a namespace on them (set by a renderer)
/// is not a dependency.
fn cluster_scoped(o: &Object) -> bool {
    matches!(
        o.kind.as_str(),
        "Namespace"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "CustomResourceDefinition"
            | "PersistentVolume"
            | "StorageClass"
            | "PriorityClass"
            | "IngressClass"
            | "RuntimeClass"
            | "CSIDriver"
            | "APIService"
            | "ValidatingWebhookConfiguration"
            | "MutatingWebhookConfiguration"
            | "ClusterIssuer"
            | "ClusterSecretStore"
    )
}

/// A ServiceAccount token Secret follows its ServiceAccount: the wave policy
/// for Secrets does not apply to it.
fn is_sa_token(o: &Object) -> bool {
    o.kind == "Secret" && o.root.str_at(&["type"]) == Some("kubernetes.io/service-account-token")
}

/// Hooks (Argo CD's, or Helm's mapped to Argo CD phases) run outside the
/// waves of normal resources: a PostSync hook is not a wave-0 consumer.
fn is_hook(o: &Object) -> bool {
    crate::argocd::hook_phases(o).is_some()
}

impl Rule for SyncWaveOrder {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_unit(&self, cx: &UnitCx, out: &mut Vec<Diagnostic>) {
        let unit = cx.unit;
        let objs: Vec<&Object> = unit.objects.iter().filter(|o| !is_hook(o)).collect();
        let m = model(cx.repo);
        let apps: Vec<_> = m.apps_deploying(&unit.id).collect();
        let any_wave = objs.iter().any(|o| o.annotation(SYNC_WAVE).is_some());
        let relate_apps = |mut d: Diagnostic| {
            for app in &apps {
                for (span, label) in app.related(m) {
                    d = d.with_related(span, format!("deployed by {label}"));
                }
            }
            d
        };
        presync_hooks(cx, &relate_apps, out);
        if !any_wave && apps.is_empty() {
            return;
        }
        let context = |o: &Object| Context {
            units: vec![unit.name().to_string()],
            env: cx.env_of(o),
            object: Some(o.display_id()),
        };
        let providers: Vec<(&Object, Need, String)> = objs
            .iter()
            .filter_map(|o| provides(o).map(|(n, name)| (*o, n, name)))
            .collect();
        if any_wave {
            for user in &objs {
                let (uw, uspan) = wave(user);
                for (need, name, at) in needs(user) {
                    for (dep, n, pname) in &providers {
                        if *n != need || *pname != name || std::ptr::eq(*dep, *user) {
                            continue;
                        }
                        if need.namespaced()
                            && dep.namespace.is_some()
                            && user.namespace.is_some()
                            && dep.namespace != user.namespace
                        {
                            continue;
                        }
                        let (dw, dspan) = wave(dep);
                        if dw <= uw {
                            continue;
                        }
                        let span = dspan.or(uspan).unwrap_or(dep.anchor_span());
                        let mut d = Diagnostic::new(
                            span,
                            format!(
                                "{} {} syncs in wave {dw}, after {} {} (wave {uw}) which {} {}",
                                dep.kind,
                                dep.name,
                                user.kind,
                                user.name,
                                need.what(),
                                name
                            ),
                        )
                        .with_related(
                            at,
                            format!("{} {} needs it here (wave {uw})", user.kind, user.name),
                        );
                        if let (Some(u), true) = (uspan, dspan.is_some()) {
                            d = d.with_related(u, format!("wave of {} {}", user.kind, user.name));
                        }
                        d = relate_apps(d).with_help(format!(
                            "give {} {} a wave ≤ {uw}, or move {} {} to a later wave",
                            dep.kind, dep.name, user.kind, user.name
                        ));
                        d.context = context(dep);
                        out.push(d);
                    }
                }
            }
        }
        // The configured wave policy.
        for o in &objs {
            let (w, span) = wave(o);
            if (span.is_none() && apps.is_empty()) || is_sa_token(o) {
                continue;
            }
            if let (Some(n), Some(_)) = (o.annotation(SYNC_WAVE), span) {
                if !matches!(&n.value, Value::Str(s) if parse_wave(s).is_some()) {
                    continue; // sync-wave-invalid reports it
                }
            }
            for p in &cx.repo.config.sync_waves {
                if !p.kinds.iter().any(|k| k == &o.kind) {
                    continue;
                }
                let bound = match (p.min_wave, p.max_wave) {
                    (Some(min), _) if w < min => format!("at least {min}"),
                    (_, Some(max)) if w > max => format!("at most {max}"),
                    _ => continue,
                };
                let mut d = Diagnostic::new(
                    span.unwrap_or(o.anchor_span()),
                    format!(
                        "{} {} syncs in wave {w}; the wave policy puts {} in wave {bound}",
                        o.kind, o.name, o.kind
                    ),
                )
                .with_help(
                    "change the sync-wave annotation, or the `syncWaves` policy in .ftlint.yaml",
                );
                d = relate_apps(d);
                d.context = context(o);
                out.push(d);
            }
        }
    }
}

/// A PreSync hook runs, and must finish, before any normal resource is
/// applied (`docs/user-guide/sync-waves.md`, "How phases work"): one that
/// mounts a Secret, ConfigMap, PVC or runs as a ServiceAccount synced in the
/// Sync phase (or by a later PreSync wave) waits, on the first sync, for an
/// object that does not exist yet, and the sync never gets past PreSync.
fn presync_hooks(
    cx: &UnitCx,
    relate_apps: &dyn Fn(Diagnostic) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    let unit = cx.unit;
    let phases = |o: &Object| crate::argocd::hook_phases(o).unwrap_or_default();
    let presync = |o: &Object| phases(o).contains(&"PreSync");
    let hooks: Vec<&Object> = unit.objects.iter().filter(|o| presync(o)).collect();
    if hooks.is_empty() {
        return;
    }
    for hook in &hooks {
        let (hw, _) = wave(hook);
        let hook_span = hook
            .annotation(crate::argocd::HOOK)
            .or_else(|| hook.annotation(crate::argocd::HELM_HOOK))
            .map_or(hook.anchor_span(), |n| n.span);
        for (need, name, at) in needs(hook) {
            if !matches!(
                need,
                Need::Secret | Need::ConfigMap | Need::ServiceAccount | Need::Pvc
            ) {
                continue;
            }
            for dep in &unit.objects {
                let Some((n, pname)) = provides(dep) else {
                    continue;
                };
                if n != need || pname != name || std::ptr::eq(dep, *hook) {
                    continue;
                }
                if dep.namespace.is_some()
                    && hook.namespace.is_some()
                    && dep.namespace != hook.namespace
                {
                    continue;
                }
                let later = if presync(dep) {
                    let (dw, _) = wave(dep);
                    if dw <= hw {
                        continue;
                    }
                    format!("is a PreSync hook in the later wave {dw} (the hook's is {hw})")
                } else if is_hook(dep) {
                    format!("is a {} hook", phases(dep).join("/"))
                } else {
                    "syncs in the Sync phase".to_string()
                };
                let mut d = Diagnostic::new(
                    hook_span,
                    format!(
                        "{} {} is a PreSync hook that {} {name}, which {later}: on the first sync the hook waits for an object that does not exist yet",
                        hook.kind,
                        hook.name,
                        need.what(),
                    ),
                )
                .with_related(at, format!("{} {} needs it here", hook.kind, hook.name))
                .with_related(dep.anchor_span(), format!("{} {}", dep.kind, dep.name))
                .with_help(format!(
                    "make {} {} a PreSync hook in an earlier wave than {} {}, or run the hook in a later phase",
                    dep.kind, dep.name, hook.kind, hook.name
                ));
                d = relate_apps(d);
                d.context = Context {
                    units: vec![unit.name().to_string()],
                    env: cx.env_of(hook),
                    object: Some(hook.display_id()),
                };
                out.push(d);
            }
        }
    }
}
