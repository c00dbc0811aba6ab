//! `ftlint rules` and `ftlint rule ID`.

use super::{EXIT_OK, EXIT_USAGE};
use crate::{rules, suggest};

pub fn list() -> u8 {
    let mut out = String::new();
    for rule in rules::REGISTRY {
        let m = rule.meta();
        let sev = if m.enabled {
            m.severity.as_str()
        } else {
            "off"
        };
        let env = match m.environments {
            Some(envs) => format!(" ({} only)", envs.join(", ")),
            None => String::new(),
        };
        out.push_str(&format!(
            "{:<34} {:<8} {:<8} {}{}\n",
            m.id,
            sev,
            if m.fixable { "fixable" } else { "" },
            m.summary,
            env
        ));
    }
    print!("{out}");
    EXIT_OK
}

pub fn show(id: &str) -> u8 {
    match rules::find(id) {
        Some(rule) => {
            let meta = rule.meta();
            match rules::doc(id) {
                Some(doc) => print!("{doc}"),
                None => println!("# {}\n\n{}", meta.id, meta.summary),
            }
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
