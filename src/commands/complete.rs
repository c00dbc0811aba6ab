//! `ftlint completions SHELL` and `ftlint man`, generated from the clap definitions.

use clap::CommandFactory;

use super::{EXIT_OK, EXIT_USAGE};
use crate::cli::{Cli, Shell};

pub fn completions(shell: Shell) -> u8 {
    let mut cmd = Cli::command();
    let shell = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        Shell::Powershell => clap_complete::Shell::PowerShell,
    };
    clap_complete::generate(shell, &mut cmd, "ftlint", &mut std::io::stdout());
    EXIT_OK
}

pub fn man() -> u8 {
    let page = clap_mangen::Man::new(Cli::command());
    match page.render(&mut std::io::stdout()) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("error: cannot write the man page: {e}");
            EXIT_USAGE
        }
    }
}
