//! The Kustomize renderer on generated trees (bases, overlays, components,
//! cycles, patches, generators, `../` escapes): no internal error, nothing
//! outside the root read.
#![no_main]

#[path = "../checks.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    checks::check_kustomize_tree(&checks::kustomize_tree(data));
});
