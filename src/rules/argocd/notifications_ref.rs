use std::collections::BTreeSet;

use super::model;
use crate::argocd::Origin;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Object;
use crate::rules::{RepoCx, Rule, RuleMeta, Scope};
use crate::yaml::{self, FileId, Node, Span};

/// In argocd-notifications-cm, a trigger sends an undefined template, or a
/// subscription names an unknown trigger or service.
pub struct NotificationsRef;

static META: RuleMeta = RuleMeta::new(
    "argocd-notifications-ref",
    Severity::Error,
    Scope::Repo,
    "a notifications trigger sends an undefined template, or a subscription names an unknown trigger or service",
);

pub const SUBSCRIBE: &str = "notifications.argoproj.io/subscribe.";

/// The YAML inside a ConfigMap data value.
fn inner(value: &Node) -> Option<Node> {
    let parsed = yaml::parse(value.as_str()?, FileId(u32::MAX));
    parsed
        .error
        .is_none()
        .then(|| parsed.documents.into_iter().next().map(|d| d.root))?
}

fn strs(node: Option<&Node>) -> Vec<String> {
    match node {
        Some(n) if n.as_seq().is_some() => n.items().iter().filter_map(Node::scalar_text).collect(),
        Some(n) => n.scalar_text().into_iter().collect(),
        None => Vec::new(),
    }
}

struct Catalog {
    templates: BTreeSet<String>,
    triggers: BTreeSet<String>,
    services: BTreeSet<String>,
}

fn catalog(cm: &Object) -> Catalog {
    let mut c = Catalog {
        templates: BTreeSet::new(),
        triggers: BTreeSet::new(),
        services: BTreeSet::new(),
    };
    for e in cm.root.get("data").map(Node::entries).unwrap_or(&[]) {
        let k = e.key.name.as_str();
        if let Some(t) = k.strip_prefix("template.") {
            c.templates.insert(t.to_string());
        } else if let Some(t) = k.strip_prefix("trigger.") {
            c.triggers.insert(t.to_string());
        } else if let Some(s) = k.strip_prefix("service.") {
            // `service.<type>` or `service.<type>.<name>`
            match s.split_once('.') {
                Some((ty, name)) => {
                    c.services.insert(name.to_string());
                    c.services.insert(ty.to_string());
                }
                None => {
                    c.services.insert(s.to_string());
                }
            }
        }
    }
    c
}

impl Rule for NotificationsRef {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_repo(&self, cx: &RepoCx, out: &mut Vec<Diagnostic>) {
        let repo = cx.repo;
        let m = model(repo);
        let cms: Vec<&Object> = m.config_map("argocd-notifications-cm").collect();
        let mut seen = BTreeSet::new();
        for cm in &cms {
            let c = catalog(cm);
            let cm_anchor = cm.anchor_span();
            let mut report = |span: Span, msg: String, help: &str| {
                if seen.insert((span, msg.clone())) {
                    out.push(
                        Diagnostic::new(span, msg)
                            .with_related(cm_anchor, "argocd-notifications-cm")
                            .with_help(help.to_string()),
                    );
                }
            };
            for e in cm.root.get("data").map(Node::entries).unwrap_or(&[]) {
                let k = e.key.name.as_str();
                let Some(body) = inner(&e.value) else {
                    continue;
                };
                if let Some(trigger) = k.strip_prefix("trigger.") {
                    let mut from = 0;
                    for cond in body.items() {
                        for t in strs(cond.get("send")) {
                            let span = super::find_in(repo, e.value.span, &t, from);
                            from = (span.end - e.value.span.start.min(span.end)) as usize;
                            if !c.templates.contains(&t) {
                                let known: Vec<&str> =
                                    c.templates.iter().map(String::as_str).collect();
                                let hint = crate::suggest::did_you_mean(&t, known.iter().copied())
                                    .map(|s| format!(" (did you mean `{s}`?)"))
                                    .unwrap_or_default();
                                report(
                                    span,
                                    format!("trigger `{trigger}` sends template `{t}`, which is not defined{hint}"),
                                    "define `template.<name>` in argocd-notifications-cm, or fix the name in `send`",
                                );
                            }
                        }
                    }
                } else if k == "subscriptions" {
                    for sub in body.items() {
                        for t in strs(sub.get("triggers")) {
                            if !c.triggers.contains(&t) {
                                report(
                                    super::find_in(repo, e.value.span, &t, 0),
                                    format!(
                                        "subscription names trigger `{t}`, which is not defined"
                                    ),
                                    "define `trigger.<name>` in argocd-notifications-cm",
                                );
                            }
                        }
                        for r in strs(sub.get("recipients")) {
                            let svc = r.split_once(':').map(|(s, _)| s).unwrap_or(&r).to_string();
                            if !c.services.contains(&svc) {
                                report(
                                    super::find_in(repo, e.value.span, &svc, 0),
                                    format!("subscription recipient `{r}` names service `{svc}`, which is not configured"),
                                    "configure `service.<type>` in argocd-notifications-cm",
                                );
                            }
                        }
                    }
                } else if k == "defaultTriggers" || k.starts_with("defaultTriggers.") {
                    for t in strs(Some(&body)) {
                        if !c.triggers.contains(&t) {
                            report(
                                super::find_in(repo, e.value.span, &t, 0),
                                format!("default trigger `{t}` is not defined"),
                                "define `trigger.<name>` in argocd-notifications-cm",
                            );
                        }
                    }
                }
            }
        }
        if cms.is_empty() {
            return;
        }
        // Subscription annotations on Applications and AppProjects.
        let merged = {
            let mut c = catalog(cms[0]);
            for cm in &cms[1..] {
                let o = catalog(cm);
                c.templates.extend(o.templates);
                c.triggers.extend(o.triggers);
                c.services.extend(o.services);
            }
            c
        };
        let roots = m
            .apps
            .iter()
            .filter(|a| matches!(a.origin, Origin::Object))
            .map(|a| (&a.root, Some(a)))
            .chain(m.projects.iter().map(|p| (&p.object.root, None)));
        for (root, app) in roots {
            for e in root
                .path(&["metadata", "annotations"])
                .map(Node::entries)
                .unwrap_or(&[])
            {
                let Some(rest) = e.key.name.strip_prefix(SUBSCRIBE) else {
                    continue;
                };
                let (trigger, service) = match rest.split_once('.') {
                    Some((t, s)) => (Some(t), s),
                    None => (None, rest),
                };
                let mut problems = Vec::new();
                if let Some(t) = trigger {
                    if !merged.triggers.contains(t) {
                        problems.push(format!("trigger `{t}` is not defined"));
                    }
                }
                if !merged.services.contains(service) {
                    problems.push(format!("service `{service}` is not configured"));
                }
                if problems.is_empty() {
                    continue;
                }
                let mut d = Diagnostic::new(
                    e.key.span,
                    format!("notification subscription `{}`: {}", e.key.name, problems.join(", ")),
                )
                .with_related(cms[0].anchor_span(), "argocd-notifications-cm")
                .with_help("subscribe with `notifications.argoproj.io/subscribe.<trigger>.<service>` naming a defined trigger and service");
                if let Some(a) = app {
                    d = super::app_finding(m, a, d.span, d.message.clone())
                        .with_related(cms[0].anchor_span(), "argocd-notifications-cm");
                }
                out.push(d);
            }
        }
    }
}
