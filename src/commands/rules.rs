//! `ftlint rules` and `ftlint rule ID`.

use super::{EXIT_OK, EXIT_USAGE};
use crate::{rules, suggest};

pub fn list() -> u8 {
    print!("{}", rules::listing());
    EXIT_OK
}

pub fn show(id: &str) -> u8 {
    match rules::find(id) {
        Some(rule) => {
            print!("{}", rules::doc(rule.meta().id).unwrap_or_default());
            EXIT_OK
        }
        None => {
            let hint = suggest::did_you_mean(id, rules::all_ids())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            eprintln!("error: unknown rule `{id}`{hint}; `ftlint rules` lists them");
            EXIT_USAGE
        }
    }
}
