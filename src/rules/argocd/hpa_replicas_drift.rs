use super::model;
use crate::argocd::App;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::model::Object;
use crate::rules::{RepoCx, Rule, RuleMeta, Scope};
use crate::yaml::edit;
use crate::yaml::{Node, Span};

/// An Application deploys a workload scaled by an HPA without ignoring
/// `/spec/replicas`: Argo CD and the autoscaler fight over the replica count
/// (argo-cd #1603, #5105). With `replicas` in git, `ignoreDifferences` only
/// hides the diff; `RespectIgnoreDifferences=true` keeps sync from resetting it.
pub struct HpaReplicasDrift;

static META: RuleMeta = RuleMeta::new(
    "hpa-replicas-drift",
    Severity::Error,
    Scope::Repo,
    "an Application deploys an HPA-scaled workload without ignoreDifferences on /spec/replicas",
)
.fix(crate::rules::FixAvailability::Sometimes(
    crate::diagnostic::Applicability::Safe,
));

const RESPECT: &str = "RespectIgnoreDifferences=true";

struct Drift<'a> {
    workload: &'a Object,
    name: String,
    unit: &'a str,
    hpa: &'a Object,
    hpa_span: Span,
    covered: bool,
    sets_replicas: bool,
    near_miss: Option<Span>,
}

fn entry_text(w: &Object, name: Option<&str>) -> String {
    let group = w.group();
    let mut s = String::from("- ");
    if !group.is_empty() {
        s.push_str(&format!("group: {group}\n  "));
    }
    s.push_str(&format!("kind: {}\n  ", w.kind));
    if let Some(name) = name {
        s.push_str(&format!("name: {name}\n  "));
    }
    s.push_str("jsonPointers:\n    - /spec/replicas");
    s
}

/// Edits adding the missing ignore entries (and `RespectIgnoreDifferences`).
///
/// A generated Application is fixed in its ApplicationSet's template, with
/// entries by group and kind (every element deploys its own workloads).
fn fix_for(repo: &crate::repo::Repo, app: &App, drifts: &[Drift]) -> Option<Fix> {
    let spec = app.spec()?;
    let file = spec.span.file;
    // A template merged from a generator's and the ApplicationSet's has no
    // single place to edit.
    let inside = |s: Span| s.file == file && s.start >= spec.span.start && s.end <= spec.span.end;
    if !spec.entries().iter().all(|e| inside(e.key.span)) {
        return None;
    }
    let text = &repo.sources.get(file).text;
    let at = |ins: edit::Insertion| Span::new(file, ins.offset, ins.offset);
    let mut parts = Vec::new();
    let missing: Vec<&Drift> = drifts.iter().filter(|d| !d.covered).collect();
    if !missing.is_empty() {
        let mut entries: Vec<String> = missing
            .iter()
            .map(|d| entry_text(d.workload, (!app.is_generated()).then_some(d.name.as_str())))
            .collect();
        entries.dedup();
        match spec.get("ignoreDifferences") {
            Some(list) => {
                let ins = edit::sequence_end(text, list)?;
                parts.push((
                    at(ins),
                    ins.indent,
                    edit::block(text, ins.offset, ins.indent, &entries.join("\n")),
                ));
            }
            None => {
                let ins = edit::mapping_end(text, spec)?;
                let body: Vec<String> = entries
                    .iter()
                    .map(|e| {
                        e.lines()
                            .map(|l| format!("  {l}"))
                            .collect::<Vec<_>>()
                            .join("\n")
                    })
                    .collect();
                let lines = format!("ignoreDifferences:\n{}", body.join("\n"));
                parts.push((
                    at(ins),
                    ins.indent,
                    edit::block(text, ins.offset, ins.indent, &lines),
                ));
            }
        }
    }
    if drifts.iter().any(|d| d.sets_replicas) && !app.sync_options.iter().any(|o| o == RESPECT) {
        match spec.get("syncPolicy") {
            Some(policy) => match policy.get("syncOptions") {
                Some(opts) => {
                    let ins = edit::sequence_end(text, opts)?;
                    parts.push((
                        at(ins),
                        ins.indent,
                        edit::block(text, ins.offset, ins.indent, &format!("- {RESPECT}")),
                    ));
                }
                None => {
                    let ins = edit::mapping_end(text, policy)?;
                    let lines = format!("syncOptions:\n  - {RESPECT}");
                    parts.push((
                        at(ins),
                        ins.indent,
                        edit::block(text, ins.offset, ins.indent, &lines),
                    ));
                }
            },
            None => {
                let ins = edit::mapping_end(text, spec)?;
                let lines = format!("syncPolicy:\n  syncOptions:\n    - {RESPECT}");
                parts.push((
                    at(ins),
                    ins.indent,
                    edit::block(text, ins.offset, ins.indent, &lines),
                ));
            }
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(Fix {
        message: "ignore /spec/replicas of the HPA-scaled workloads".into(),
        applicability: Applicability::Safe,
        edits: edit::merge(parts),
    })
}

impl Rule for HpaReplicasDrift {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_repo(&self, cx: &RepoCx, out: &mut Vec<Diagnostic>) {
        let repo = cx.repo;
        let m = model(repo);
        let mut per_app: Vec<Vec<Drift>> = Vec::with_capacity(m.apps.len());
        for app in &m.apps {
            let respect = app.sync_options.iter().any(|o| o == RESPECT);
            let mut drifts: Vec<Drift> = Vec::new();
            for unit_id in &app.units {
                let Some(unit) = repo.unit(unit_id) else {
                    continue;
                };
                let opts = app
                    .in_repo_sources()
                    .find(|s| s.path.as_deref() == Some(unit_id.as_str()))
                    .map(|s| s.kustomize.clone())
                    .unwrap_or_default();
                let dest_ns = app.destination.namespace.as_ref().map(|n| n.value.as_str());
                for hpa in unit
                    .objects
                    .iter()
                    .filter(|o| o.kind == "HorizontalPodAutoscaler")
                {
                    let Some(target) = hpa.root.path(&["spec", "scaleTargetRef"]) else {
                        continue;
                    };
                    let (Some(kind), Some(name)) =
                        (target.str_at(&["kind"]), target.str_at(&["name"]))
                    else {
                        continue;
                    };
                    let Some(w) = unit.objects.iter().find(|o| {
                        o.kind == kind
                            && o.name == name
                            && (o.namespace.is_none()
                                || hpa.namespace.is_none()
                                || o.namespace == hpa.namespace)
                    }) else {
                        continue;
                    };
                    let live_name = format!(
                        "{}{}{}",
                        opts.name_prefix.as_deref().unwrap_or(""),
                        w.name,
                        opts.name_suffix.as_deref().unwrap_or("")
                    );
                    let ns = opts
                        .namespace
                        .as_ref()
                        .map(|n| n.value.as_str())
                        .or(w.namespace.as_deref())
                        .or(dest_ns);
                    let covered = app.ignore.iter().any(|r| {
                        r.covers_replicas() && r.matches(w.group(), &w.kind, &live_name, ns)
                    });
                    let near_miss = app
                        .ignore
                        .iter()
                        .find(|r| {
                            r.covers_replicas()
                                && r.kind == w.kind
                                && !r.matches(w.group(), &w.kind, &live_name, ns)
                        })
                        .map(|r| r.span);
                    let sets_replicas = w.root.path(&["spec", "replicas"]).is_some();
                    if covered && (respect || !sets_replicas) {
                        continue;
                    }
                    drifts.push(Drift {
                        workload: w,
                        name: live_name,
                        unit: &unit.id,
                        hpa,
                        hpa_span: target
                            .get("name")
                            .map(|n| n.span)
                            .unwrap_or(hpa.anchor_span()),
                        covered,
                        sets_replicas,
                        near_miss,
                    });
                }
            }
            per_app.push(drifts);
        }
        // `app` is an element of `m.apps`: its index from its address (a
        // search per Application made this quadratic in Applications).
        let index_of = |app: &App| {
            let offset = (app as *const App as usize).wrapping_sub(m.apps.as_ptr() as usize);
            let i = offset / std::mem::size_of::<App>().max(1);
            m.apps
                .get(i)
                .filter(|a| std::ptr::eq(*a, app))
                .map(|_| i)
                .or_else(|| m.apps.iter().position(|a| std::ptr::eq(a, app)))
        };
        let find = |app: &App| {
            let drifts = &per_app[index_of(app)?];
            if drifts.is_empty() {
                return None;
            }
            let mut key: Vec<String> = drifts
                .iter()
                .map(|d| {
                    let what = if app.is_generated() {
                        String::new()
                    } else {
                        d.name.clone()
                    };
                    format!(
                        "{}/{what}/{}/{}",
                        d.workload.kind, d.covered, d.sets_replicas
                    )
                })
                .collect();
            key.sort();
            key.dedup();
            Some((app.anchor, key.join(",")))
        };
        for hit in super::hits(m, find) {
            let app = hit.app();
            let Some(drifts) = index_of(app).map(|i| &per_app[i]) else {
                continue;
            };
            let mut workloads: Vec<String> = Vec::new();
            for a in &hit.apps {
                for d in index_of(a).map(|i| &per_app[i]).into_iter().flatten() {
                    let w = format!("{} {}", d.workload.kind, d.name);
                    if !workloads.contains(&w) {
                        workloads.push(w);
                    }
                }
            }
            let d0 = &drifts[0];
            let what = if workloads.len() > 3 {
                format!(
                    "{} and {} more",
                    workloads[..3].join(", "),
                    workloads.len() - 3
                )
            } else {
                workloads.join(", ")
            };
            let who = hit.subject(m);
            let msg = if d0.covered {
                format!("{who} deploys {what}, scaled by HPA {} and setting `replicas`: ignoreDifferences on /spec/replicas only hides the diff, so every sync resets the replica count; add {RESPECT} to syncOptions", d0.hpa.name)
            } else if d0.sets_replicas {
                format!("{who} deploys {what}, scaled by HPA {}, without ignoreDifferences on /spec/replicas: Argo CD fights the autoscaler; since the manifest sets `replicas`, add {RESPECT} to syncOptions too", d0.hpa.name)
            } else {
                format!("{who} deploys {what}, scaled by HPA {}, without ignoreDifferences on /spec/replicas: Argo CD reports it OutOfSync whenever the autoscaler acts", d0.hpa.name)
            };
            let mut diag = hit.finding(m, msg);
            for d in drifts.iter().take(3) {
                let w = d.workload;
                let at = w
                    .root
                    .path(&["spec", "replicas"])
                    .map(|n: &Node| n.span)
                    .unwrap_or(w.anchor_span());
                diag = diag
                    .with_related(at, format!("{} {} (unit {})", w.kind, w.name, d.unit))
                    .with_related(
                        d.hpa_span,
                        format!("scaled by HorizontalPodAutoscaler {}", d.hpa.name),
                    );
                if let Some(near) = d.near_miss {
                    diag = diag.with_related(
                        near,
                        format!(
                            "this entry does not match: group must be `{}`, name `{}`",
                            w.group(),
                            d.name
                        ),
                    );
                }
            }
            let w = d0.workload;
            diag = diag.with_help(format!(
                "add to the Application's spec.ignoreDifferences: {{group: {}, kind: {}, name: {}, jsonPointers: [/spec/replicas]}}{}",
                if w.group().is_empty() { "\"\"" } else { w.group() },
                w.kind,
                d0.name,
                if d0.sets_replicas { format!(", and {RESPECT} to spec.syncPolicy.syncOptions (or remove `replicas` from the manifest)") } else { String::new() }
            ));
            if let Some(f) = fix_for(repo, app, drifts) {
                diag = diag.with_fix(f);
            }
            out.push(diag);
        }
    }
}
