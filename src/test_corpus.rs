//! The corpus for the library's corpus tests: `FTLINT_CORPUS`, else
//! `../shared/corpus` beside the checkout.

use std::path::{Path, PathBuf};

/// The corpus directory; `None` when it is absent (the tests then skip).
pub fn dir() -> Option<PathBuf> {
    let corpus = std::env::var_os("FTLINT_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        PathBuf::from,
    );
    corpus.is_dir().then_some(corpus)
}

/// Every regular file under the corpus whose name ends with one of
/// `suffixes`, sorted; `None` when the corpus is absent.
pub fn files(suffixes: &[&str]) -> Option<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut dirs = vec![dir()?];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let kind = entry.file_type().unwrap();
            let name = path.to_string_lossy();
            if kind.is_dir() {
                dirs.push(path);
            } else if kind.is_file() && suffixes.iter().any(|s| name.ends_with(s)) {
                out.push(path);
            }
        }
    }
    out.sort();
    Some(out)
}
