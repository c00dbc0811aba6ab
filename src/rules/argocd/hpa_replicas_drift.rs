use crate::argocd::{edit, model, App, Origin};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::model::Object;
use crate::rules::{RepoCx, Rule, RuleMeta, Scope};
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

fn entry_text(w: &Object, name: &str) -> String {
    let group = w.group();
    let mut s = String::from("- ");
    if !group.is_empty() {
        s.push_str(&format!("group: {group}\n  "));
    }
    s.push_str(&format!(
        "kind: {}\n  name: {name}\n  jsonPointers:\n    - /spec/replicas",
        w.kind
    ));
    s
}

/// Edits adding the missing ignore entries (and `RespectIgnoreDifferences`).
fn fix_for(repo: &crate::repo::Repo, app: &App, drifts: &[Drift]) -> Option<Fix> {
    let spec = app.spec()?;
    let file = spec.span.file;
    let text = &repo.sources.get(file).text;
    let at = |ins: edit::Insertion| Span::new(file, ins.offset, ins.offset);
    let mut parts = Vec::new();
    let missing: Vec<&Drift> = drifts.iter().filter(|d| !d.covered).collect();
    if !missing.is_empty() {
        let entries: Vec<String> = missing
            .iter()
            .map(|d| entry_text(d.workload, &d.name))
            .collect();
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
        let mut once = super::Once::default();
        for app in &m.apps {
            let respect = app.sync_options.iter().any(|o| o == RESPECT);
            let mut drifts: Vec<Drift> = Vec::new();
            for unit_id in &app.units {
                let Some(unit) = repo.units.iter().find(|u| &u.id == unit_id) else {
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
            if drifts.is_empty() {
                continue;
            }
            let fix = match app.origin {
                Origin::Object => fix_for(repo, app, &drifts),
                Origin::Generated { .. } => None,
            };
            let mut fix = fix;
            for d in &drifts {
                let w = d.workload;
                let span = w
                    .root
                    .path(&["spec", "replicas"])
                    .map(|n: &Node| n.span)
                    .unwrap_or(w.anchor_span());
                if app.is_generated() && !once.first(app, span) {
                    continue;
                }
                let what = format!("{} {}", w.kind, w.name);
                let msg = if d.covered {
                    format!(
                        "{what} is scaled by HPA {} and sets `replicas`: {} ignores /spec/replicas only in the diff, so every sync resets the replica count; add {RESPECT} to syncOptions",
                        d.hpa.name,
                        app.describe(m)
                    )
                } else if d.sets_replicas {
                    format!(
                        "{what} is scaled by HPA {} but {} has no ignoreDifferences on /spec/replicas for it: Argo CD fights the autoscaler; since it sets `replicas`, add {RESPECT} to syncOptions too",
                        d.hpa.name,
                        app.describe(m)
                    )
                } else {
                    format!(
                        "{what} is scaled by HPA {} but {} has no ignoreDifferences on /spec/replicas for it: Argo CD reports it OutOfSync whenever the autoscaler acts",
                        d.hpa.name,
                        app.describe(m)
                    )
                };
                let mut diag = Diagnostic::new(span, msg).with_related(
                    d.hpa_span,
                    format!("scaled by HorizontalPodAutoscaler {}", d.hpa.name),
                );
                diag = app.relate(m, diag);
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
                diag = diag.with_help(format!(
                    "add to the Application's spec.ignoreDifferences: {{group: {}, kind: {}, name: {}, jsonPointers: [/spec/replicas]}}{}",
                    if w.group().is_empty() { "\"\"" } else { w.group() },
                    w.kind,
                    d.name,
                    if d.sets_replicas { format!(", and {RESPECT} to spec.syncPolicy.syncOptions (or remove `replicas` from the manifest)") } else { String::new() }
                ));
                diag.context = super::object_context(repo, &[d.unit.to_string()], w);
                // One fix per Application carries every missing entry.
                if let Some(f) = fix.take() {
                    diag = diag.with_fix(f);
                }
                out.push(diag);
            }
        }
    }
}
