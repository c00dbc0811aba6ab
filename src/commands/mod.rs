//! One module per command; `cli_main` parses the arguments and dispatches.

mod baseline;
mod check;
mod complete;
mod init;
mod progress;
mod render;
mod rules;
mod scope;
mod settings;

use std::ffi::OsString;

use clap::Parser;

use crate::cli::{Cli, Command};

pub use settings::Settings;

/// Exit codes: nothing at or above `--fail-on`.
pub const EXIT_OK: u8 = 0;
/// Findings at or above `--fail-on` remain.
pub const EXIT_FINDINGS: u8 = 1;
/// Usage, config or I/O error.
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
        None => check::run(&cli.check),
        Some(Command::Check(args)) => check::run(&args),
        Some(Command::Rules) => rules::list(),
        Some(Command::Rule { id }) => rules::show(&id),
        Some(Command::Init { dir, force }) => init::run(&dir, force),
        Some(Command::Render { dir }) => render::run(&dir),
        Some(Command::Completions { shell }) => complete::completions(shell),
        Some(Command::Man) => complete::man(),
    }
}
