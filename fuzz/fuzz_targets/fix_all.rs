//! Every fix on generated manifests (comments, CRLF, flow/block, 2/4-space
//! indents): fixed files parse with no new duplicate key, keep comments and
//! the bytes outside the edits, and a second pass fixes nothing.
#![no_main]

#[path = "../checks.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let unsafe_fixes = data.first().is_some_and(|b| b & 0x80 != 0);
    checks::check_fixes(&checks::fix_repo(data), unsafe_fixes);
});
