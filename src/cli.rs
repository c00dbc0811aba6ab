//! Command-line definitions only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;

#[derive(Parser, Debug)]
#[command(
    name = "ftlint",
    version,
    about = "Policy linter and pre-commit validator for GitOps repositories (Kubernetes, Kustomize, Argo CD)",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint (the default command)
    Check(Box<CheckArgs>),
    /// Print the rendered Kustomize output of DIR (like `kustomize build`)
    Render { dir: PathBuf },
    /// List every rule: id, default severity, fixable, summary
    Rules,
    /// Print a rule's documentation
    Rule { id: String },
    /// Print a shell completion script (e.g. `ftlint completions bash > /etc/bash_completion.d/ftlint`)
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page (roff) on stdout (e.g. `ftlint man > ftlint.1`)
    Man,
    /// Write a commented starter .ftlint.yaml
    Init {
        /// Directory to write it in
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Overwrite an existing file
        #[arg(long)]
        force: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Never,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug, Default, Clone)]
pub struct CheckArgs {
    /// Files or directories to lint (default: the current directory)
    pub paths: Vec<PathBuf>,
    /// Output format (default: human; `concise`: one line per finding, grouped by file)
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Config file (default: nearest .ftlint.yaml upward from the first path)
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Kubernetes version whose schemas to validate against (e.g. 1.31)
    #[arg(long, value_name = "X.Y")]
    pub kubernetes_version: Option<String>,
    /// Reject unknown fields (default)
    #[arg(long, overrides_with = "no_strict")]
    pub strict: bool,
    /// Allow unknown fields; keep type and required checks
    #[arg(long)]
    pub no_strict: bool,
    /// Run only these rules (comma-separated ids or globs)
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these rules (comma-separated ids or globs)
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Treat every object as belonging to this environment
    #[arg(long)]
    pub env: Option<String>,
    /// Exit 1 when a finding at or above this severity remains
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Worker threads (default: all cores)
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Hide findings recorded in this baseline file
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Record the current findings as a baseline
    #[arg(long)]
    pub write_baseline: Option<PathBuf>,
    /// Apply safe fixes
    #[arg(long)]
    pub fix: bool,
    /// Show fixes as a unified diff; change nothing
    #[arg(long)]
    pub diff: bool,
    /// Also apply unsafe fixes
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Controller certificate for sealing Secrets (fix of no-plaintext-secret)
    #[arg(long)]
    pub seal_cert: Option<PathBuf>,
    /// Seal with a certificate outside its validity dates
    #[arg(long, requires = "seal_cert")]
    pub seal_allow_expired: bool,
    /// Extra CRD files whose schemas validate custom resources
    #[arg(long)]
    pub crd: Vec<PathBuf>,
    /// Directory of JSON Schemas laid out as <group>/<kind>_<version>.json
    #[arg(long)]
    pub schema_dir: Vec<PathBuf>,
    /// When to use colors
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Print files, documents, objects, units and time per phase to stderr
    #[arg(long)]
    pub stats: bool,
    /// Print a count per rule (and how many are fixable) instead of each finding
    #[arg(long)]
    pub statistics: bool,
    /// Print findings only, no summary; `-qq`: print nothing, exit code only
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub quiet: u8,
    /// List the fixes applied (with `--fix`), or available (otherwise)
    #[arg(long)]
    pub show_fixes: bool,
    /// Neither read nor write the cache (`.ftlint_cache/` at the repository root)
    #[arg(long)]
    pub no_cache: bool,
    /// Where the cache lives (default: `.ftlint_cache` at the repository root)
    #[arg(long, env = "FTLINT_CACHE_DIR", value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}
