//! `ftlint init`: a commented starter `.ftlint.yaml`.

use std::path::Path;

use super::{EXIT_OK, EXIT_USAGE};
use crate::config;

pub fn run(dir: &Path, force: bool) -> u8 {
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
