//! `ftlint completions SHELL` and `ftlint man`, generated from the clap definitions.

use std::io::Write;

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
    // Into a buffer first: clap_complete panics on a write error (`| head`).
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "ftlint", &mut script);
    let _ = std::io::stdout().write_all(&script);
    EXIT_OK
}

pub fn man() -> u8 {
    let page = clap_mangen::Man::new(Cli::command());
    let mut roff = Vec::new();
    match page.render(&mut roff) {
        Ok(()) => {
            let _ = std::io::stdout().write_all(&roff);
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: cannot write the man page: {e}");
            EXIT_USAGE
        }
    }
}
