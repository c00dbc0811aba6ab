use std::process::ExitCode;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

// mimalloc v3 option numbers (its `mimalloc.h`; the sys crate names only
// v2's). The test below checks them against v3's defaults.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// A run is one short burst that ends by exiting:
/// - memory returned to the kernel mid-run is faulted in and zeroed again
///   moments later, so it is never purged;
/// - transparent huge pages make each first touch zero 2 MiB, most of it
///   never used (50 MB of the peak at 1,000 services), so they are off for
///   the process (mimalloc's own THP option is read before `main`).
fn tune_allocator() {
    // SAFETY: sets a plain integer option; mimalloc reads it atomically.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE only sets a flag of this process; a kernel
    // without it returns an error, and the run goes on with THP.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    tune_allocator();
    ExitCode::from(ftlint::cli_main(std::env::args_os()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_numbers_are_mimalloc_v3s() {
        // Read before any set: v3's default purge delay is 1000 ms.
        let get = |o| unsafe { libmimalloc_sys::mi_option_get(o) };
        assert_eq!(get(MI_OPTION_PURGE_DELAY), 1000);
    }
}
