//! The `.ftlint.yaml` loader on arbitrary bytes: an error naming a line in
//! the text, or a config; never a panic.
#![no_main]

#[path = "../checks.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    checks::check_config(&String::from_utf8_lossy(data));
});
