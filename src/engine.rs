//! Run the rules over a [`Repo`] and turn raw findings into the final list:
//! severities, environments, dedupe across units, suppressions, order.

use std::collections::{BTreeSet, HashMap};

use globset::GlobSet;
use rayon::prelude::*;

use crate::diagnostic::{Context, Diagnostic, Severity};
use crate::model::Object;
use crate::repo::Repo;
use crate::rules::{self, FileCx, ObjectCx, Options, RepoCx, Rule, UnitCx, REGISTRY};
use crate::suppress::{self, Suppression, Target};

/// Which rules run: the defaults, the config, `--select` and `--ignore`.
pub struct Selection {
    pub select: Option<GlobSet>,
    pub ignore: Option<GlobSet>,
}

impl Selection {
    pub fn all() -> Selection {
        Selection {
            select: None,
            ignore: None,
        }
    }

    fn explicitly_selected(&self, id: &str) -> bool {
        self.select.as_ref().is_some_and(|s| s.is_match(id))
    }

    pub fn runs(&self, repo: &Repo, rule: &dyn Rule) -> bool {
        let meta = rule.meta();
        if self.ignore.as_ref().is_some_and(|s| s.is_match(meta.id)) {
            return false;
        }
        if let Some(select) = &self.select {
            return select.is_match(meta.id);
        }
        repo.config
            .rules
            .get(meta.id)
            .and_then(|s| s.enabled)
            .unwrap_or(meta.enabled)
            || repo
                .config
                .overrides
                .iter()
                .any(|o| o.rules.get(meta.id).and_then(|s| s.enabled) == Some(true))
    }
}

const NULL_OPTIONS: serde_json::Value = serde_json::Value::Null;

fn options<'a>(repo: &'a Repo, id: &str) -> &'a serde_json::Value {
    repo.config
        .rules
        .get(id)
        .map(|s| &s.options)
        .filter(|o| !o.is_null())
        .unwrap_or(&NULL_OPTIONS)
}

/// Environments of a unit's objects, resolved once per distinct input: an
/// object's environment depends on its unit, its namespace, and its file only
/// when the config names environments by path.
struct UnitEnvs<'a> {
    repo: &'a Repo,
    unit: &'a crate::model::Unit,
    by_path: bool,
    memo: HashMap<(Option<crate::yaml::FileId>, Option<&'a str>), Option<String>>,
}

impl<'a> UnitEnvs<'a> {
    fn new(repo: &'a Repo, unit: &'a crate::model::Unit) -> Self {
        UnitEnvs {
            repo,
            unit,
            by_path: repo.config.environments.iter().any(|d| !d.paths.is_empty()),
            memo: HashMap::new(),
        }
    }

    fn of(&mut self, object: &'a Object) -> Option<String> {
        let key = (
            self.by_path.then_some(object.file),
            object.namespace.as_deref(),
        );
        let (repo, unit) = (self.repo, self.unit);
        self.memo
            .entry(key)
            .or_insert_with(|| repo.env_of(unit, object))
            .clone()
    }
}

/// Raw findings of every selected rule, in parallel.
fn collect(repo: &Repo, selection: &Selection) -> Vec<Diagnostic> {
    // Repository-wide facts first, once, so no rule computes them per unit.
    repo.index();
    // Each selected rule with its options, looked up once.
    let active: Vec<(&dyn Rule, &Options)> = REGISTRY
        .iter()
        .copied()
        .filter(|r| selection.runs(repo, *r))
        .map(|r| (r, options(repo, r.meta().id)))
        .collect();
    let stamp = |rule: &dyn Rule, mut d: Diagnostic| {
        d.rule = rule.meta().id;
        if !d.severity_set {
            d.severity = rule.meta().severity;
        }
        d
    };
    let file_diags: Vec<Diagnostic> = repo
        .sources
        .files
        .par_iter()
        .flat_map_iter(|file| {
            let mut out = Vec::new();
            for (rule, options) in &active {
                let mut local = Vec::new();
                rule.check_file(
                    &FileCx {
                        file,
                        repo,
                        options,
                    },
                    &mut local,
                );
                out.extend(local.into_iter().map(|d| stamp(*rule, d)));
            }
            out
        })
        .collect();
    let unit_diags: Vec<Diagnostic> = repo
        .units
        .par_iter()
        .flat_map_iter(|unit| {
            let mut out = Vec::new();
            let mut envs = UnitEnvs::new(repo, unit);
            let mut local = Vec::new();
            for object in &unit.objects {
                let env = envs.of(object);
                // The finding's context, built only when a rule reports.
                let mut ctx: Option<Context> = None;
                for (rule, options) in &active {
                    let cx = ObjectCx {
                        object,
                        unit,
                        env: env.as_deref(),
                        repo,
                        options,
                    };
                    rule.check_object(&cx, &mut local);
                    if !object.edits.is_empty() {
                        crate::rules::patch_provenance::attribute(*rule, &cx, &mut local);
                    }
                    out.extend(local.drain(..).map(|d| {
                        let mut d = stamp(*rule, d);
                        if d.context.object.is_none() {
                            d.context = ctx
                                .get_or_insert_with(|| Context {
                                    units: vec![unit.name().to_string()],
                                    env: env.clone(),
                                    object: Some(object.display_id()),
                                })
                                .clone();
                        }
                        d
                    }));
                }
            }
            for (rule, options) in &active {
                let mut local = Vec::new();
                rule.check_unit(
                    &UnitCx {
                        unit,
                        repo,
                        options,
                    },
                    &mut local,
                );
                out.extend(local.into_iter().map(|d| {
                    let mut d = stamp(*rule, d);
                    if d.context.units.is_empty() {
                        d.context.units.push(unit.name().to_string());
                    }
                    d
                }));
            }
            out
        })
        .collect();
    let mut all = file_diags;
    all.extend(unit_diags);
    // Repository-wide rules are independent of each other: run them side by
    // side (in registry order in the output).
    let repo_diags: Vec<Vec<Diagnostic>> = active
        .par_iter()
        .map(|(rule, options)| {
            let mut local = Vec::new();
            rule.check_repo(&RepoCx { repo, options }, &mut local);
            local.into_iter().map(|d| stamp(*rule, d)).collect()
        })
        .collect();
    all.extend(repo_diags.into_iter().flatten());
    // Findings from building the model carry their rule id already.
    let active_ids: BTreeSet<&str> = active.iter().map(|(r, _)| r.meta().id).collect();
    let render_findings = rules::kustomize::unit_findings(&repo.render_events, &repo.sources);
    all.extend(
        repo.build_diagnostics
            .iter()
            .cloned()
            .chain(render_findings)
            .filter(|d| active_ids.contains(d.rule))
            .map(|mut d| {
                if let (false, Some(r)) = (d.severity_set, rules::find(d.rule)) {
                    d.severity = r.meta().severity;
                }
                d
            }),
    );
    all
}

/// Config severities and environment scoping; `None` drops the finding.
fn configure(repo: &Repo, selection: &Selection, mut d: Diagnostic) -> Option<Diagnostic> {
    let path = repo.sources.path(d.span.file);
    let setting = repo
        .config
        .rule_setting(d.rule, path, d.context.env.as_deref());
    // A rule off by default runs when an override enables it somewhere; elsewhere it stays off.
    let default_on = rules::find(d.rule).is_none_or(|r| r.meta().enabled);
    if !setting.enabled.unwrap_or(default_on)
        && (!selection.explicitly_selected(d.rule)
            || repo
                .config
                .overridden_off(d.rule, path, d.context.env.as_deref()))
    {
        return None;
    }
    let envs: Option<Vec<String>> = setting.environments.clone().or_else(|| {
        rules::find(d.rule)
            .and_then(|r| r.meta().environments)
            .map(|e| e.iter().map(|s| s.to_string()).collect())
    });
    if let Some(envs) = envs {
        match &d.context.env {
            Some(env) if envs.iter().any(|e| e == env) => {}
            _ => return None,
        }
    }
    if let Some(sev) = setting.severity {
        d.severity = sev;
    }
    Some(d)
}

/// The same finding seen through several units is reported once, listing them.
fn dedupe(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut index: HashMap<(&'static str, crate::yaml::Span, String), usize> = HashMap::new();
    let mut out: Vec<Diagnostic> = Vec::new();
    for d in diags {
        let key = (d.rule, d.span, d.message.clone());
        match index.get(&key) {
            Some(&i) => {
                // Seen in several environments: the finding belongs to none in particular.
                if out[i].context.env != d.context.env {
                    out[i].context.env = None;
                }
                for u in d.context.units {
                    if !out[i].context.units.contains(&u) {
                        out[i].context.units.push(u);
                    }
                }
            }
            None => {
                index.insert(key, out.len());
                out.push(d);
            }
        }
    }
    for d in &mut out {
        d.context.units.sort();
    }
    out
}

fn object_suppressions(repo: &Repo) -> Vec<Suppression> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (_, o) in repo.objects() {
        let Some(node) = o.annotation(suppress::ANNOTATION) else {
            continue;
        };
        let Some(list) = node.as_str() else { continue };
        if !seen.insert((node.span, o.display_id())) {
            continue;
        }
        // The annotation also covers findings inside the document that declares it.
        let document = repo
            .sources
            .get(node.span.file)
            .parsed
            .documents
            .iter()
            .find(|d| d.span.start <= node.span.start && node.span.end <= d.span.end)
            .map(|d| d.span);
        out.push(Suppression {
            file: node.span.file,
            span: node.span,
            rules: list
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            target: Target::Object {
                id: o.display_id(),
                document,
            },
            used: false,
        });
    }
    out
}

pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
}

/// Run every selected rule and post-process. `only_files`: report only
/// findings located in (or related to) these files (pre-commit mode).
pub fn lint(repo: &Repo, selection: &Selection, only_files: Option<&BTreeSet<String>>) -> Outcome {
    let raw = collect(repo, selection);
    let configured: Vec<Diagnostic> = raw
        .into_iter()
        .filter_map(|d| configure(repo, selection, d))
        .collect();
    let mut diags = dedupe(configured);

    let mut sups: Vec<Suppression> = repo
        .sources
        .files
        .par_iter()
        .flat_map_iter(suppress::scan_file)
        .collect();
    sups.extend(object_suppressions(repo));
    diags.retain(|d| {
        let line = repo
            .sources
            .get(d.span.file)
            .line_col(d.span.start as usize)
            .line;
        !suppress::apply(d, line, &mut sups)
    });
    if selection.runs(repo, &rules::pipeline::INVALID_SUPPRESSION) {
        for s in &sups {
            for (name, hint) in suppress::unknown_rules(s) {
                let hint = hint
                    .map(|h| format!(" (did you mean `{h}`?)"))
                    .unwrap_or_default();
                let mut d = Diagnostic::new(
                    s.span,
                    format!("suppression names `{name}`, which is not a rule{hint}"),
                )
                .with_help("`ftlint rules` lists the rule ids");
                d.rule = rules::pipeline::INVALID_SUPPRESSION.id;
                d.severity = rules::pipeline::INVALID_SUPPRESSION.severity;
                if let Some(d) = configure(repo, selection, d) {
                    diags.push(d);
                }
            }
        }
    }
    if selection.runs(repo, &rules::pipeline::UNUSED_SUPPRESSION) {
        // A suppression can only be judged unused when the rules it names ran.
        let ran = |name: &str| {
            REGISTRY
                .iter()
                .filter(|r| selection.runs(repo, **r))
                .any(|r| r.meta().id == name || crate::env::wildcard_match(name, r.meta().id))
        };
        for s in sups
            .iter()
            .filter(|s| !s.used && s.rules.iter().all(|r| r == "all" || ran(r)))
        {
            let rules_text = s.rules.join(", ");
            let mut d = Diagnostic::new(
                s.span,
                format!("suppression of `{rules_text}` suppressed nothing"),
            )
            .with_help("remove the suppression, or fix its rule ids");
            d.rule = rules::pipeline::UNUSED_SUPPRESSION.id;
            d.severity = rules::pipeline::UNUSED_SUPPRESSION.severity;
            if let Some(d) = configure(repo, selection, d) {
                diags.push(d);
            }
        }
    }
    if let Some(files) = only_files {
        keep_related_to(repo, &mut diags, files);
    }
    diags.sort_by(|a, b| {
        let pa = repo.sources.path(a.span.file);
        let pb = repo.sources.path(b.span.file);
        (pa, a.span.start, a.span.end, a.rule, &a.message).cmp(&(
            pb,
            b.span.start,
            b.span.end,
            b.rule,
            &b.message,
        ))
    });
    Outcome { diagnostics: diags }
}

/// Keep the findings located in, or related to, one of `files` (pre-commit mode).
pub fn keep_related_to(repo: &Repo, diags: &mut Vec<Diagnostic>, files: &BTreeSet<String>) {
    diags.retain(|d| {
        files.contains(repo.sources.path(d.span.file))
            || d.related
                .iter()
                .any(|r| files.contains(repo.sources.path(r.span.file)))
    });
}

/// Count of findings at or above a severity.
pub fn count_at_least(diags: &[Diagnostic], min: Severity) -> usize {
    diags.iter().filter(|d| d.severity >= min).count()
}
