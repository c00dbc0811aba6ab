//! Flags and config resolved once into the value every stage of `check` reads.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::cli::{CheckArgs, ColorChoice, FailOn};
use crate::config::{self, Config};
use crate::diagnostic::Severity;
use crate::engine::Selection;
use crate::report::Format;
use crate::{discover, rules, seal, suggest};

/// What `check` does with the findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Report,
    Fix { unsafe_fixes: bool },
    Diff { unsafe_fixes: bool },
}

/// How findings are printed and judged.
#[derive(Debug, Clone)]
pub struct Output {
    pub format: Format,
    pub color: bool,
    pub timing: bool,
    /// Per-phase counts and timings on stderr (`--stats`).
    pub stats: bool,
    /// The least severity that makes the exit code 1 (`None`: never).
    pub fail_on: Option<Severity>,
}

/// Where the repository is and which part of it is reported.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The directory every file path is relative to.
    pub root: PathBuf,
    /// What the walk starts from.
    pub walk: Vec<PathBuf>,
    /// Files given explicitly (pre-commit): report only findings in or about them.
    pub only_files: Option<BTreeSet<String>>,
}

pub struct Settings {
    pub scope: Scope,
    pub config: Config,
    pub selection: Selection,
    pub env: Option<String>,
    pub jobs: usize,
    pub seal_key: Option<rsa::RsaPublicKey>,
    pub crds: Vec<PathBuf>,
    pub schema_dirs: Vec<PathBuf>,
    pub mode: Mode,
    pub baseline: Option<PathBuf>,
    pub write_baseline: Option<PathBuf>,
    pub output: Output,
}

/// A usage error, printed as is on stderr (exit 2).
pub struct UsageError(pub String);

impl<E: std::fmt::Display> From<E> for UsageError {
    fn from(e: E) -> Self {
        UsageError(format!("error: {e}"))
    }
}

impl Settings {
    pub fn resolve(args: &CheckArgs) -> Result<Settings, UsageError> {
        let paths: Vec<PathBuf> = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths.clone()
        };
        for p in &paths {
            if !p.exists() {
                return Err(format!("{}: no such file or directory", p.display()).into());
            }
        }
        let config = load_config(args, &paths)?;
        let selection = Selection {
            select: build_globs(&args.select)?,
            ignore: build_globs(&args.ignore)?,
        };
        let seal_key = match &args.seal_cert {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .map_err(|e| e.to_string())
                    .and_then(|pem| seal::public_key_from_pem(&pem))
                    .map_err(|e| format!("--seal-cert {}: {e}", path.display()))?,
            ),
            None => None,
        };
        let jobs = args.jobs.unwrap_or(0);
        if jobs > 0 {
            let _ = rayon::ThreadPoolBuilder::new()
                .num_threads(jobs)
                .build_global();
        }
        let mode = if args.diff {
            Mode::Diff {
                unsafe_fixes: args.unsafe_fixes,
            }
        } else if args.fix {
            Mode::Fix {
                unsafe_fixes: args.unsafe_fixes,
            }
        } else {
            Mode::Report
        };
        Ok(Settings {
            scope: scope(&paths),
            config,
            selection,
            env: args.env.clone(),
            jobs,
            seal_key,
            crds: args.crd.clone(),
            schema_dirs: args.schema_dir.clone(),
            mode,
            baseline: args.baseline.clone(),
            write_baseline: args.write_baseline.clone(),
            output: Output {
                format: args.format.unwrap_or(Format::Human),
                color: use_color(args.color),
                timing: std::env::var_os("FTLINT_NO_TIMING").is_none(),
                stats: args.stats,
                fail_on: match args.fail_on.unwrap_or(FailOn::Error) {
                    FailOn::Error => Some(Severity::Error),
                    FailOn::Warning => Some(Severity::Warning),
                    FailOn::Never => None,
                },
            },
        })
    }
}

/// The config file, with the schema flags on top of it.
fn load_config(args: &CheckArgs, paths: &[PathBuf]) -> Result<Config, UsageError> {
    let known: Vec<&str> = rules::all_ids().collect();
    let config_path = args.config.clone().or_else(|| config::discover(&paths[0]));
    let mut config = match &config_path {
        Some(p) => Config::load(p, &known).map_err(|e| UsageError(e.to_string()))?,
        None => Config::default(),
    };
    if let Some(v) = &args.kubernetes_version {
        config.kubernetes_version = Some(v.clone());
    }
    if args.strict {
        config.strict = Some(true);
    } else if args.no_strict {
        config.strict = Some(false);
    }
    Ok(config)
}

fn build_globs(patterns: &[String]) -> Result<Option<globset::GlobSet>, UsageError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let known: Vec<&str> = rules::all_ids().collect();
    for p in patterns {
        if !p.contains(['*', '?', '[']) && !known.contains(&p.as_str()) {
            let hint = suggest::did_you_mean(p, known.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(format!("unknown rule id `{p}`{hint}").into());
        }
    }
    Ok(Some(config::build_globset(patterns)?))
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
/// holds `.git` or `.ftlint.yaml`, else that path.
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

fn scope(paths: &[PathBuf]) -> Scope {
    let root = repo_root(paths);
    let only_files: Option<BTreeSet<String>> = if paths.iter().all(|p| p.is_file()) {
        let root_abs = std::fs::canonicalize(&root).unwrap_or(root.clone());
        Some(
            paths
                .iter()
                .filter_map(|p| std::fs::canonicalize(p).ok())
                .filter_map(|p| relative_to(&p, &root_abs))
                .collect(),
        )
    } else {
        None
    };
    let walk = if only_files.is_some() {
        vec![root.clone()]
    } else {
        paths.to_vec()
    };
    Scope {
        root,
        walk,
        only_files,
    }
}

fn relative_to(path: &Path, root: &Path) -> Option<String> {
    path.strip_prefix(root)
        .ok()
        .map(|r| r.to_string_lossy().replace('\\', "/"))
}
