//! Embed the prose of `rules/<id>.md` so `ftlint rule ID` and SARIF help need
//! no files at run time (each page's header is generated from the rule's
//! declaration, see `src/rules/meta.rs`).

use std::fmt::Write;

fn main() {
    // Read at run time of the build script: `env!` would freeze the directory
    // the script was first compiled in, and a cached script would embed the
    // docs of another checkout.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = std::path::Path::new(&manifest_dir).join("rules");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut entries: Vec<(String, String)> = Vec::new();
    if let Ok(read) = std::fs::read_dir(&dir) {
        for e in read.flatten() {
            let path = e.path();
            if path.extension().is_some_and(|x| x == "md") {
                let id = path.file_stem().unwrap().to_string_lossy().to_string();
                println!("cargo:rerun-if-changed={}", path.display());
                entries.push((id, path.display().to_string()));
            }
        }
    }
    entries.sort();
    let mut code = String::from("&[\n");
    for (id, path) in entries {
        writeln!(code, "    ({id:?}, include_str!({path:?})),").unwrap();
    }
    code.push(']');
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("rule_docs.rs");
    std::fs::write(out, code).unwrap();
}
