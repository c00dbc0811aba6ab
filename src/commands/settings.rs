//! Flags and config resolved once into the value every stage of `check` reads.

use std::io::IsTerminal;
use std::path::PathBuf;

use super::scope::{self, Scope};
use crate::cli::{CheckArgs, ColorChoice, FailOn};
use crate::config::{self, Config};
use crate::diagnostic::Severity;
use crate::engine::Selection;
use crate::report::Format;
use crate::{fsread, rules, seal, suggest};

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
    /// 1: findings only; 2: nothing.
    pub quiet: u8,
    pub statistics: bool,
    pub show_fixes: bool,
    pub unsafe_fixes: bool,
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
    /// The persistent cache (`None`: `--no-cache`, or a `--fix`/`--diff` run,
    /// which must read the files it edits).
    pub cache: Option<CacheSettings>,
}

/// The cache session and what, besides file content, keys its entries.
pub struct CacheSettings {
    pub session: crate::cache::Session,
    /// Digest of the configuration and the flags that change findings.
    pub fingerprint: String,
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
        let scope = scope::resolve(&paths)?;
        // Begun before the config is read, so the nested-config walk can be
        // skipped when no directory changed (`--fix`/`--diff` read what they edit).
        let session = (!args.no_cache && !args.fix && !args.diff).then(|| {
            crate::cache::Session::begin(
                args.cache_dir
                    .clone()
                    .unwrap_or_else(|| scope.repo_root.join(crate::cache::DIR_NAME)),
                &scope.root,
                &scope.walk,
            )
        });
        let config = load_config(args, &scope, session.as_ref())?;
        if let Some(env) = &args.env {
            check_env(env, &config)?;
        }
        let selection = Selection {
            select: build_globs("--select", &args.select)?,
            ignore: build_globs("--ignore", &args.ignore)?,
        };
        let seal_key = match &args.seal_cert {
            Some(path) => Some(
                fsread::read_bounded(path, fsread::DEFAULT_MAX_FILE_SIZE)
                    .map_err(|e| e.to_string())
                    .and_then(|bytes| {
                        seal::load_certificate(
                            &bytes,
                            args.seal_allow_expired,
                            std::time::SystemTime::now(),
                        )
                    })
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
        let cache = session.map(|session| CacheSettings {
            session,
            fingerprint: crate::cache::fingerprint(
                &format!(
                    "{:?}",
                    (
                        (&config, &args.select, &args.ignore, &args.env),
                        (&args.crd, &args.schema_dir, &seal_key),
                        (&scope.root, &scope.walk),
                    )
                ),
                &args.schema_dir,
            ),
        });
        Ok(Settings {
            cache,
            scope,
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
                quiet: args.quiet,
                statistics: args.statistics,
                show_fixes: args.show_fixes,
                unsafe_fixes: args.unsafe_fixes,
            },
        })
    }
}

/// The config: `--config FILE` alone, or the project root's `.ftlint.yaml`
/// with every nested one merged for its subtree; the schema flags on top.
fn load_config(
    args: &CheckArgs,
    scope: &Scope,
    cache: Option<&crate::cache::Session>,
) -> Result<Config, UsageError> {
    let known = rules::metas();
    let load = |p: &std::path::Path| Config::load(p, &known).map_err(|e| UsageError(e.to_string()));
    let mut config = match &args.config {
        Some(p) => load(p)?,
        None => {
            let root_file = scope.root.join(config::FILE_NAME);
            let mut config = if root_file.is_file() {
                load(&root_file)?
            } else {
                Config::default()
            };
            let nested = match cache {
                Some(session) => session.nested_configs(),
                None => config::nested_configs(&scope.root),
            };
            for dir in nested {
                let sub = load(&scope.root.join(&dir).join(config::FILE_NAME))?;
                for warning in config.nest(&dir, sub) {
                    eprintln!("warning: {warning}");
                }
            }
            config
        }
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

/// `--select`/`--ignore`: every entry must name or match a rule.
fn build_globs(flag: &str, patterns: &[String]) -> Result<Option<globset::GlobSet>, UsageError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let known: Vec<&str> = rules::all_ids().collect();
    for p in patterns {
        let is_glob = p.contains(['*', '?', '[']);
        let matches_a_rule = if is_glob {
            let set = config::build_globset(std::slice::from_ref(p))
                .map_err(|e| format!("{flag} `{p}`: {e}"))?;
            known.iter().any(|id| set.is_match(id))
        } else {
            known.contains(&p.as_str())
        };
        if !matches_a_rule {
            // A glob is most likely a rule family (`argcd-*`): suggest one.
            let families: Vec<String> = known
                .iter()
                .filter_map(|id| id.split_once('-').map(|(family, _)| format!("{family}-*")))
                .collect();
            let hint = if is_glob {
                suggest::did_you_mean(p, families.iter().map(String::as_str))
            } else {
                suggest::did_you_mean(p, known.iter().copied())
            }
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
            let what = if is_glob {
                "matches no rule"
            } else {
                "is not a rule id"
            };
            return Err(format!("{flag} `{p}` {what}{hint}; `ftlint rules` lists them").into());
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

/// An `--env` no config or rule knows would silently drop env-scoped findings.
fn check_env(env: &str, config: &Config) -> Result<(), UsageError> {
    let known = config.known_environments();
    let name = config::canonical_env(env);
    if known.contains(&name) {
        return Ok(());
    }
    let hint = suggest::did_you_mean(env, known.iter().map(String::as_str))
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    Err(UsageError(format!(
        "error: unknown environment `{env}` for --env{hint}; known environments: {}",
        known.join(", ")
    )))
}
