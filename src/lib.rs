//! ftlint: a policy linter and pre-commit validator for GitOps repositories.
//!
//! Pipeline: discover → parse → index/render (units) → rules → suppress → report/fix.

pub mod argocd;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod engine;
pub mod env;
pub mod fix;
pub mod fsread;
pub mod kustomize;
pub mod model;
pub mod repo;
pub mod report;
pub mod rules;
pub mod schema;
pub mod seal;
pub mod source;
pub mod suggest;
pub mod suppress;
pub mod units;
pub mod yaml;

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Parser;

use crate::cli::{CheckArgs, Cli, ColorChoice, Command, FailOn};
use crate::config::Config;
use crate::diagnostic::Severity;
use crate::engine::Selection;
use crate::report::Format;

/// Exit codes (SPEC §1).
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// Entry point shared by the binary and tests.
pub fn cli_main<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    match cli.command {
        None => check(&cli.check),
        Some(Command::Check(args)) => check(&args),
        Some(Command::Rules) => {
            print_rules();
            EXIT_OK
        }
        Some(Command::Rule { id }) => match rules::find(&id) {
            Some(rule) => {
                print!("{}", rules::doc(rule.meta().id).unwrap_or_default());
                EXIT_OK
            }
            None => {
                let hint = suggest::did_you_mean(&id, rules::all_ids())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                eprintln!("error: unknown rule `{id}`{hint}; `ftlint rules` lists them");
                EXIT_USAGE
            }
        },
        Some(Command::Init { dir, force }) => {
            let path = dir.join(config::FILE_NAME);
            if path.exists() && !force {
                eprintln!(
                    "error: {} already exists (use --force to overwrite)",
                    path.display()
                );
                return EXIT_USAGE;
            }
            match std::fs::write(&path, config::STARTER) {
                Ok(()) => {
                    println!("wrote {}", path.display());
                    EXIT_OK
                }
                Err(e) => {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    EXIT_USAGE
                }
            }
        }
        Some(Command::Render { dir }) => render(&dir),
    }
}

fn print_rules() {
    print!("{}", rules::listing());
}

fn render(dir: &Path) -> u8 {
    if !dir.is_dir() {
        eprintln!("error: {} is not a directory", dir.display());
        return EXIT_USAGE;
    }
    let root = discover::project_root(dir).unwrap_or_else(|| discover::kustomize_closure_root(dir));
    let repo = match repo::Repo::load(
        &root,
        std::slice::from_ref(&root),
        Config::default(),
        None,
        0,
    ) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let rel = repo
        .sources
        .relative(&std::fs::canonicalize(dir).unwrap_or(dir.to_path_buf()));
    if kustomize::kustomization_file(&repo.sources, &rel).is_none() {
        eprintln!("error: {} has no kustomization.yaml", dir.display());
        return EXIT_USAGE;
    }
    let rendered = kustomize::render(&repo.sources, &rel);
    let mut failed = false;
    for d in &rendered.diagnostics {
        let r = report::region(&repo, d.span);
        eprintln!(
            "{}:{}:{}: {}[{}] {}",
            report::path(&repo, d.span),
            r.start.line,
            r.start.column,
            d.severity.as_str(),
            d.rule,
            d.message
        );
        failed |= d.severity == Severity::Error;
    }
    print!("{}", kustomize::to_yaml(&rendered.objects));
    if failed {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn build_globs(patterns: &[String]) -> Result<Option<globset::GlobSet>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let known: Vec<&str> = rules::all_ids().collect();
    for p in patterns {
        if !p.contains(['*', '?', '[']) && !known.contains(&p.as_str()) {
            let hint = suggest::did_you_mean(p, known.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(format!("unknown rule id `{p}`{hint}"));
        }
    }
    config::build_globset(patterns)
        .map(Some)
        .map_err(|e| e.to_string())
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                false
            } else if std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0")
            {
                true
            } else {
                std::io::stdout().is_terminal()
            }
        }
    }
}

/// The repository root: the nearest directory at or above the first path that
/// holds `.git` or `.ftlint.yaml` (a GitOps tree vendored inside another
/// repository has its own config), else that path.
fn repo_root(paths: &[PathBuf]) -> PathBuf {
    let first = &paths[0];
    if let Some(root) = discover::project_root(first) {
        return root;
    }
    if first.is_dir() {
        first.clone()
    } else {
        std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
    }
}

/// `--crd FILE` and `--schema-dir DIR` add schemas to the repository's registry.
fn attach_schema_flags(repo: &repo::Repo, args: &CheckArgs) -> Result<(), String> {
    for f in &args.crd {
        schema::wiring::add_crd_file(&repo.schemas, f)?;
    }
    for d in &args.schema_dir {
        repo.schemas
            .add_schema_dir(d)
            .map_err(|e| format!("--schema-dir: {e}"))?;
    }
    Ok(())
}

fn check(args: &CheckArgs) -> u8 {
    let started = std::time::Instant::now();
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    for p in &paths {
        if !p.exists() {
            eprintln!("error: {}: no such file or directory", p.display());
            return EXIT_USAGE;
        }
    }
    let known = rules::metas();
    let config_path = args.config.clone().or_else(|| config::discover(&paths[0]));
    let mut config = match &config_path {
        Some(p) => match Config::load(p, &known) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{e}");
                return EXIT_USAGE;
            }
        },
        None => Config::default(),
    };
    // Schema flags beat the config file.
    if let Some(v) = &args.kubernetes_version {
        config.kubernetes_version = Some(v.clone());
    }
    if args.strict {
        config.strict = Some(true);
    } else if args.no_strict {
        config.strict = Some(false);
    }
    let selection = match (build_globs(&args.select), build_globs(&args.ignore)) {
        (Ok(select), Ok(ignore)) => Selection { select, ignore },
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let seal_key = match &args.seal_cert {
        Some(path) => match fsread::read_bounded(path, fsread::DEFAULT_MAX_FILE_SIZE)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                seal::load_certificate(
                    &bytes,
                    args.seal_allow_expired,
                    std::time::SystemTime::now(),
                )
            }) {
            Ok(key) => Some(key),
            Err(e) => {
                eprintln!("error: --seal-cert {}: {e}", path.display());
                return EXIT_USAGE;
            }
        },
        None => None,
    };
    let jobs = args.jobs.unwrap_or(0);
    if jobs > 0 {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build_global();
    }
    let root = repo_root(&paths);
    // Files given explicitly (pre-commit): load the whole repository, report only for them.
    let only_files: Option<BTreeSet<String>> = if paths.iter().all(|p| p.is_file()) {
        let root_abs = std::fs::canonicalize(&root).unwrap_or(root.clone());
        Some(
            paths
                .iter()
                .filter_map(|p| std::fs::canonicalize(p).ok())
                .filter_map(|p| {
                    p.strip_prefix(&root_abs)
                        .ok()
                        .map(|r| r.to_string_lossy().replace('\\', "/"))
                })
                .collect(),
        )
    } else {
        None
    };
    let walk_paths = if only_files.is_some() {
        vec![root.clone()]
    } else {
        paths.clone()
    };
    let mut repo = match repo::Repo::load(&root, &walk_paths, config, args.env.clone(), jobs)
        .and_then(|r| attach_schema_flags(&r, args).map(|()| r))
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    repo.seal_key = seal_key;
    let t_rules = std::time::Instant::now();
    let outcome = engine::lint(&repo, &selection, only_files.as_ref());
    let rules_ms = t_rules.elapsed().as_millis();
    let mut diags = outcome.diagnostics;

    if args.fix || args.diff {
        let planned = fix::plan_accepted(
            &mut repo,
            &diags,
            args.unsafe_fixes,
            &selection,
            only_files.as_ref(),
        );
        for line in fix::dropped_lines(&repo, &planned) {
            eprintln!("{line}");
        }
        if args.diff {
            print!("{}", fix::diff(&repo, &planned));
            return if planned.files.is_empty() {
                EXIT_OK
            } else {
                EXIT_FINDINGS
            };
        }
        let written = match fix::write(&repo, &planned) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        };
        for (_, message) in &written.skipped {
            eprintln!("{message}");
        }
        if !written.written.is_empty() {
            let applied: usize = written
                .written
                .iter()
                .filter_map(|f| planned.applied_by_file.get(f))
                .sum();
            eprintln!(
                "fixed {} finding(s) in {} file(s)",
                applied,
                written.written.len()
            );
            // Re-lint what remains.
            let repo = match repo::Repo::load(
                &root,
                &walk_paths,
                repo.config.clone(),
                args.env.clone(),
                jobs,
            )
            .and_then(|r| attach_schema_flags(&r, args).map(|()| r))
            {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: {e}");
                    return EXIT_USAGE;
                }
            };
            let outcome = engine::lint(&repo, &selection, only_files.as_ref());
            return finish(args, &repo, outcome.diagnostics, started, rules_ms);
        }
    }
    if let Some(path) = &args.baseline {
        match baseline::load(path) {
            Ok(b) => diags.retain(|d| !b.contains(&baseline::key(&repo, d))),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        }
    }
    if let Some(path) = &args.write_baseline {
        if let Err(e) = baseline::write(path, &repo, &diags) {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    }
    finish(args, &repo, diags, started, rules_ms)
}

fn finish(
    args: &CheckArgs,
    repo: &repo::Repo,
    diags: Vec<diagnostic::Diagnostic>,
    started: std::time::Instant,
    rules_ms: u128,
) -> u8 {
    let elapsed = started.elapsed().as_millis();
    let summary = report::Summary::new(repo, &diags, elapsed);
    let format = args.format.unwrap_or(Format::Human);
    let opts = report::Options {
        color: use_color(args.color),
        timing: std::env::var_os("FTLINT_NO_TIMING").is_none(),
    };
    let text = report::render(format, repo, &diags, &summary, &opts);
    let mut stdout = anstream::AutoStream::new(
        std::io::stdout().lock(),
        if opts.color {
            anstream::ColorChoice::Always
        } else {
            anstream::ColorChoice::Never
        },
    );
    let _ = stdout.write_all(text.as_bytes());
    if args.stats {
        let s = &repo.stats;
        eprintln!(
            "files: {}, documents: {}, objects: {}, render units: {}, helm templates skipped: {}, go templates skipped: {}, symlinks not followed: {}\ntime: discover {} ms, parse {} ms, render {} ms, rules {} ms, total {} ms",
            s.files, s.documents, s.objects, s.units, s.helm_templates, s.go_templates, s.skipped_symlinks, s.discover_ms, s.parse_ms, s.render_ms, rules_ms, elapsed
        );
        let m = argocd::model(repo);
        eprintln!(
            "argocd: {} applications ({} generated by {} ApplicationSets), {} projects, ApplicationSet generators skipped: {}, this repo: {} ({})",
            m.apps.len(), m.generated_apps(), m.appsets.len(), m.projects.len(), m.skipped_generators, m.this_repo.join(", "), m.this_repo_from
        );
    }
    let threshold = match args.fail_on.unwrap_or(FailOn::Error) {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Never => None,
    };
    match threshold {
        Some(min) if engine::count_at_least(&diags, min) > 0 => EXIT_FINDINGS,
        _ => EXIT_OK,
    }
}

mod baseline {
    //! A baseline records findings by rule, file and message (not line, which drifts).
    use std::collections::BTreeSet;
    use std::path::Path;

    use crate::diagnostic::Diagnostic;
    use crate::repo::Repo;

    pub fn key(repo: &Repo, d: &Diagnostic) -> String {
        format!(
            "{}\t{}\t{}",
            d.rule,
            repo.sources.path(d.span.file),
            d.message
        )
    }

    pub fn load(path: &Path) -> Result<BTreeSet<String>, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
        let v: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("invalid baseline {}: {e}", path.display()))?;
        Ok(v["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str().map(str::to_string))
            .collect())
    }

    pub fn write(path: &Path, repo: &Repo, diags: &[Diagnostic]) -> Result<(), String> {
        let keys: BTreeSet<String> = diags.iter().map(|d| key(repo, d)).collect();
        let doc = serde_json::json!({"version": 1, "findings": keys});
        std::fs::write(path, serde_json::to_string_pretty(&doc).unwrap() + "\n")
            .map_err(|e| format!("cannot write baseline {}: {e}", path.display()))
    }
}
