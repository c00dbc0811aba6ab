//! Structural rules of the tree, checked without building anything:
//!
//! - no dependency cycle between sibling modules of `src/` (`a` uses `b` and
//!   `b` uses `a`, directly or through other siblings), read from the source:
//!   `use` declarations, `crate::`/`super::`/`self::` paths and paths through a
//!   child module, with names resolved through the imports and re-exports of
//!   the module that holds them (so `super::Ctx`, where the parent re-exports
//!   `ctx::Ctx`, is a use of `ctx`);
//! - no file in `src/` over 800 lines;
//! - no absolute machine path in the tracked tree.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 800;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

// ---- source text: comments and literals blanked, so only code is read ----

/// The source with comments, string and character literals replaced by
/// spaces (line breaks kept, so byte positions keep their line numbers).
fn code_only(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = b.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to.min(b.len())] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < b.len() {
        let prev_ident = i > 0 && ident(b[i - 1]);
        if b[i..].starts_with(b"//") {
            let end = src[i..].find('\n').map_or(b.len(), |e| i + e);
            blank(&mut out, i, end);
            i = end;
        } else if b[i..].starts_with(b"/*") {
            let (mut depth, mut j) = (0usize, i);
            while j < b.len() {
                if b[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if b[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            blank(&mut out, i, j);
            i = j;
        } else if !prev_ident && (b[i] == b'r' || b[i..].starts_with(b"br")) && {
            let s = if b[i] == b'b' { i + 2 } else { i + 1 };
            let hashes = b[s..].iter().take_while(|&&c| c == b'#').count();
            b.get(s + hashes) == Some(&b'"')
        } {
            let s = if b[i] == b'b' { i + 2 } else { i + 1 };
            let hashes = b[s..].iter().take_while(|&&c| c == b'#').count();
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            let body = s + hashes + 1;
            let end = b[body..]
                .windows(close.len())
                .position(|w| w == close.as_slice())
                .map_or(b.len(), |e| body + e + close.len());
            blank(&mut out, i, end);
            i = end;
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            blank(&mut out, i, j + 1);
            i = j + 1;
        } else if b[i] == b'\'' {
            // A character literal ('a', '\n', '\u{1F600}', 'é'), not a lifetime.
            let rest = &src[i + 1..];
            let end = if let Some(escaped) = rest.strip_prefix('\\') {
                escaped.find('\'').map(|e| i + 1 + 1 + e + 1)
            } else {
                let mut chars = rest.char_indices();
                match (chars.next(), chars.next()) {
                    (Some(_), Some((at, '\''))) => Some(i + 1 + at + 1),
                    _ => None,
                }
            };
            match end {
                Some(end) => {
                    blank(&mut out, i, end);
                    i = end;
                }
                None => i += 1,
            }
        } else {
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Path, // `::`
    Open,
    Close,
    Comma,
    Semi,
    Star,
    Other,
}

fn tokens(code: &str) -> Vec<(Tok, usize)> {
    let b = code.as_bytes();
    let (mut out, mut line, mut i) = (Vec::new(), 1usize, 0usize);
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line += 1;
            i += 1;
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() || c == b'_' || c == b'$' {
            let start = i;
            i += 1;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            let word = code[start..i].trim_start_matches('$');
            let word = word.strip_prefix("r#").unwrap_or(word);
            out.push((Tok::Ident(word.to_string()), line));
        } else if code[i..].starts_with("::") {
            out.push((Tok::Path, line));
            i += 2;
        } else {
            let t = match c {
                b'{' => Tok::Open,
                b'}' => Tok::Close,
                b',' => Tok::Comma,
                b';' => Tok::Semi,
                b'*' => Tok::Star,
                _ => Tok::Other,
            };
            out.push((t, line));
            i += if c.is_ascii() {
                1
            } else {
                code[i..].chars().next().unwrap().len_utf8()
            };
        }
    }
    out
}

// ---- modules ----

type ModPath = Vec<String>;

/// One path written in a module: the words as written and where.
struct Reference {
    words: Vec<String>,
    line: usize,
    /// The module the path is relative to (the file's, or an inline `mod`'s parent chain).
    scope: ModPath,
}

/// A name brought into a module's top level by `use` (possibly `pub use`).
enum Import {
    Named(String, Vec<String>),
    Glob(Vec<String>),
}

struct Module {
    file: String,
    references: Vec<Reference>,
    imports: Vec<(ModPath, Import)>,
    items: BTreeSet<String>,
}

/// `src/a/b.rs` and `src/a/b/mod.rs` are `a::b`; `src/lib.rs` is the root.
fn module_path(rel: &Path) -> Option<ModPath> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    let stem = last.strip_suffix(".rs")?;
    match (parts.is_empty(), stem) {
        (true, "lib") => {}
        (true, "main") | (true, "build") => return None,
        (_, "mod") => {}
        _ => parts.push(stem.to_string()),
    }
    if parts.first().is_some_and(|p| p == "bin") {
        return None;
    }
    Some(parts)
}

/// Expand a `use` tree (`a::{b, c::{self, d as e}, f::*}`) into paths; the
/// last word of a path is `*` for a glob, and an alias follows as `as NAME`.
fn use_paths(toks: &[Tok], prefix: &[String], out: &mut Vec<(Vec<String>, Option<String>)>) {
    let mut words = prefix.to_vec();
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Ident(w) if w == "as" => {
                if let Some(Tok::Ident(alias)) = toks.get(i + 1) {
                    out.push((words.clone(), Some(alias.clone())));
                }
                return;
            }
            Tok::Ident(w) => words.push(w.clone()),
            Tok::Star => {
                words.push("*".to_string());
                out.push((words, None));
                return;
            }
            Tok::Open => {
                let mut depth = 0;
                let mut start = i + 1;
                for (j, tok) in toks.iter().enumerate().skip(i) {
                    match tok {
                        Tok::Open => depth += 1,
                        Tok::Close => {
                            depth -= 1;
                            if depth == 0 {
                                use_paths(&toks[start..j], &words, out);
                                return;
                            }
                        }
                        Tok::Comma if depth == 1 => {
                            use_paths(&toks[start..j], &words, out);
                            start = j + 1;
                        }
                        _ => {}
                    }
                }
                return;
            }
            _ => {}
        }
        i += 1;
    }
    if words.len() > prefix.len() || !prefix.is_empty() {
        out.push((words, None));
    }
}

const ITEM_KEYWORDS: [&str; 9] = [
    "struct", "enum", "fn", "trait", "type", "const", "static", "union", "mod",
];

fn read_module(file: String, path: &ModPath, src: &str) -> Module {
    let toks = tokens(&code_only(src));
    let mut m = Module {
        file,
        references: Vec::new(),
        imports: Vec::new(),
        items: BTreeSet::new(),
    };
    // Inline `mod name { ... }` blocks: (name, brace depth inside them).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        let scope = || {
            let mut s = path.clone();
            s.extend(inline.iter().map(|(n, _)| n.clone()));
            s
        };
        match &toks[i].0 {
            Tok::Open => depth += 1,
            Tok::Close => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Tok::Ident(w) if w == "mod" => {
                if let (Some((Tok::Ident(name), _)), Some((Tok::Open, _))) =
                    (toks.get(i + 1), toks.get(i + 2))
                {
                    inline.push((name.clone(), depth + 1));
                }
            }
            Tok::Ident(w) if w == "use" => {
                let end = toks[i..]
                    .iter()
                    .position(|(t, _)| *t == Tok::Semi)
                    .map_or(toks.len(), |e| i + e);
                let tree: Vec<Tok> = toks[i + 1..end].iter().map(|(t, _)| t.clone()).collect();
                let mut paths = Vec::new();
                use_paths(&tree, &[], &mut paths);
                for (words, alias) in paths {
                    let line = toks[i].1;
                    if depth == 0 {
                        let import = match (words.last().map(String::as_str), alias) {
                            (Some("*"), _) => Import::Glob(words[..words.len() - 1].to_vec()),
                            (_, Some(a)) => Import::Named(a, words.clone()),
                            (Some("self"), None) if words.len() > 1 => Import::Named(
                                words[words.len() - 2].clone(),
                                words[..words.len() - 1].to_vec(),
                            ),
                            (Some(last), None) => Import::Named(last.to_string(), words.clone()),
                            (None, _) => continue,
                        };
                        m.imports.push((scope(), import));
                    }
                    m.references.push(Reference {
                        words,
                        line,
                        scope: scope(),
                    });
                }
                i = end;
                continue;
            }
            Tok::Ident(w) => {
                if depth == 0 && ITEM_KEYWORDS.contains(&w.as_str()) {
                    if let Some((Tok::Ident(name), _)) = toks.get(i + 1) {
                        m.items.insert(name.clone());
                    }
                }
                let after_path = i > 0 && toks[i - 1].0 == Tok::Path;
                if !after_path && toks.get(i + 1).is_some_and(|(t, _)| *t == Tok::Path) {
                    let mut words = vec![w.clone()];
                    let mut j = i + 1;
                    while let (Some((Tok::Path, _)), Some((Tok::Ident(next), _))) =
                        (toks.get(j), toks.get(j + 1))
                    {
                        words.push(next.clone());
                        j += 2;
                    }
                    m.references.push(Reference {
                        words,
                        line: toks[i].1,
                        scope: scope(),
                    });
                    i = j;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    m
}

struct Crate {
    modules: BTreeMap<ModPath, Module>,
}

impl Crate {
    fn load(src: &Path) -> Crate {
        let mut files = Vec::new();
        files_under(src, &mut files);
        let mut modules = BTreeMap::new();
        for f in files {
            let rel = f.strip_prefix(src).unwrap();
            let Some(path) = module_path(rel) else {
                continue;
            };
            let text = std::fs::read_to_string(&f).unwrap();
            let name = format!("src/{}", rel.display());
            modules.insert(path.clone(), read_module(name, &path, &text));
        }
        Crate { modules }
    }

    /// The file module an (inline or file) module path belongs to.
    fn file_module(&self, p: &[String]) -> ModPath {
        let mut p = p.to_vec();
        while !self.modules.contains_key(&p) {
            p.pop();
        }
        p
    }

    /// The absolute words of a path written in `scope`, or None when it does
    /// not name something of this crate (another crate, a local, a type's item).
    fn absolute(&self, scope: &[String], words: &[String]) -> Option<Vec<String>> {
        let first = words.first()?;
        let mut base: ModPath = match first.as_str() {
            "crate" => Vec::new(),
            "self" => scope.to_vec(),
            "super" => {
                let mut b = scope.to_vec();
                b.pop()?;
                b
            }
            _ => {
                // A child module of the scope (or of the file holding it).
                let file = self.file_module(scope);
                let mut child = file.clone();
                child.push(first.clone());
                if !self.modules.contains_key(&child) {
                    return None;
                }
                return Some(
                    child
                        .into_iter()
                        .chain(words[1..].iter().cloned())
                        .collect(),
                );
            }
        };
        let mut rest = &words[1..];
        while rest.first().is_some_and(|w| w == "super") {
            base.pop()?;
            rest = &rest[1..];
        }
        Some(base.into_iter().chain(rest.iter().cloned()).collect())
    }

    /// The module an absolute path leads into: as deep as it names modules,
    /// then through the imports of that module for the item it names.
    fn target(&self, words: &[String], hops: usize) -> Option<ModPath> {
        let mut cur: ModPath = Vec::new();
        for w in words {
            let mut next = cur.clone();
            next.push(w.clone());
            if self.modules.contains_key(&next) {
                cur = next;
                continue;
            }
            if w == "*" || hops > 8 {
                return Some(cur);
            }
            // `module::Type::method`: the type's module is the target.
            return Some(self.item_home(&cur, w, hops).unwrap_or(cur));
        }
        Some(cur)
    }

    /// Where item `name`, reached through `module`, is defined.
    fn item_home(&self, module: &ModPath, name: &str, hops: usize) -> Option<ModPath> {
        let m = self.modules.get(module)?;
        if m.items.contains(name) {
            return Some(module.clone());
        }
        for (scope, import) in &m.imports {
            if let Import::Named(alias, words) = import {
                if alias == name && scope == module {
                    let abs = self.absolute(scope, words)?;
                    return self.target(&abs, hops + 1);
                }
            }
        }
        for (scope, import) in &m.imports {
            if let Import::Glob(words) = import {
                let Some(abs) = self.absolute(scope, words) else {
                    continue;
                };
                let Some(source) = self.target(&abs, hops + 1) else {
                    continue;
                };
                if source != *module {
                    if let Some(home) = self.item_home(&source, name, hops + 1) {
                        return Some(home);
                    }
                }
            }
        }
        None
    }

    /// Dependencies between sibling modules: (parent, from child, to child) →
    /// the first place it is written.
    fn sibling_edges(&self) -> BTreeMap<(ModPath, String, String), String> {
        let mut edges = BTreeMap::new();
        for (path, m) in &self.modules {
            for r in &m.references {
                let Some(abs) = self.absolute(&r.scope, &r.words) else {
                    continue;
                };
                let Some(to) = self.target(&abs, 0) else {
                    continue;
                };
                let common = path.iter().zip(&to).take_while(|(a, b)| a == b).count();
                if common == path.len() || common == to.len() {
                    continue; // the module itself, an ancestor or a descendant
                }
                let key = (
                    path[..common].to_vec(),
                    path[common].clone(),
                    to[common].clone(),
                );
                edges
                    .entry(key)
                    .or_insert_with(|| format!("{}:{} `{}`", m.file, r.line, r.words.join("::")));
            }
        }
        edges
    }
}

/// Groups of siblings that depend on each other (strongly connected, > 1).
fn cycles(edges: &BTreeMap<(ModPath, String, String), String>) -> Vec<String> {
    let mut by_parent: BTreeMap<&ModPath, BTreeMap<&str, BTreeSet<&str>>> = BTreeMap::new();
    for (parent, from, to) in edges.keys() {
        by_parent
            .entry(parent)
            .or_default()
            .entry(from.as_str())
            .or_default()
            .insert(to.as_str());
    }
    let mut out = Vec::new();
    for (parent, graph) in by_parent {
        let reach = |start: &str| {
            let mut seen = BTreeSet::new();
            let mut stack = vec![start];
            while let Some(n) = stack.pop() {
                for &next in graph.get(n).into_iter().flatten() {
                    if seen.insert(next) {
                        stack.push(next);
                    }
                }
            }
            seen
        };
        let reaches: BTreeMap<&str, BTreeSet<&str>> =
            graph.keys().map(|&n| (n, reach(n))).collect();
        let mut done = BTreeSet::new();
        for &n in graph.keys() {
            if done.contains(n) || !reaches[n].contains(n) {
                continue;
            }
            let group: BTreeSet<&str> = reaches[n]
                .iter()
                .copied()
                .filter(|m| reaches.get(m).is_some_and(|r| r.contains(n)))
                .collect();
            done.extend(group.iter().copied());
            let prefix = if parent.is_empty() {
                "crate".to_string()
            } else {
                format!("crate::{}", parent.join("::"))
            };
            let mut msg = format!(
                "cycle in {prefix}: {{{}}}",
                group.iter().copied().collect::<Vec<_>>().join(", ")
            );
            for ((p, from, to), at) in edges {
                if p == parent && group.contains(from.as_str()) && group.contains(to.as_str()) {
                    msg.push_str(&format!("\n    {from} -> {to}: {at}"));
                }
            }
            out.push(msg);
        }
    }
    out
}

#[test]
fn no_cycle_between_sibling_modules() {
    let krate = Crate::load(&root().join("src"));
    assert!(krate.modules.len() > 50, "src/ was not read");
    let edges = krate.sibling_edges();
    if std::env::var_os("FTLINT_PRINT_MODULE_GRAPH").is_some() {
        for ((parent, from, to), at) in &edges {
            eprintln!("{}: {from} -> {to} ({at})", parent.join("::"));
        }
    }
    let found = cycles(&edges);
    assert!(found.is_empty(), "module cycles:\n{}", found.join("\n"));
}

#[test]
fn the_cycle_check_sees_the_shapes_it_must() {
    let dir = std::env::temp_dir().join(format!("ftlint-arch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let write = |rel: &str, text: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    // Root siblings through `crate::` (the argocd <-> repo shape).
    write(
        "lib.rs",
        "pub mod a;\npub mod b;\npub mod k;\npub mod quiet;\n",
    );
    write("a/mod.rs", "mod inner;\npub fn f() { crate::b::g() }\n");
    write("a/inner.rs", "pub struct T;\n");
    write("b.rs", "use crate::a::inner::T;\npub fn g() {}\n");
    // Siblings through the parent's re-export (`super::Ctx` is `ctx::Ctx`),
    // and a `use` inside an inline test module.
    write(
        "k/mod.rs",
        "mod ctx;\nmod vars;\npub use ctx::Ctx;\n#[cfg(test)]\nmod tests {\n    use super::vars::Var;\n}\n",
    );
    write(
        "k/ctx.rs",
        "use super::vars::{Var, Other};\npub struct Ctx { v: Var }\n",
    );
    write(
        "k/vars.rs",
        "pub struct Var;\nimpl super::Ctx { fn f(&self) {} }\n",
    );
    // Neither strings, comments, parents nor children make a cycle.
    write("quiet/mod.rs", "mod x;\nmod y;\nuse x::X;\npub struct Q;\n");
    write(
        "quiet/x.rs",
        "// crate::quiet::y::Y\npub struct X; const S: &str = \"super::y::Y\";\nuse super::Q;\n",
    );
    write(
        "quiet/y.rs",
        "use super::x::X;\nuse super::*;\npub struct Y;\nfn c() -> char { '\"' }\n",
    );
    let krate = Crate::load(&dir);
    let found = cycles(&krate.sibling_edges());
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with("cycle in crate: {a, b}"),
        "{}",
        found[0]
    );
    assert!(
        found[0].contains("src/a/mod.rs:2 `crate::b::g`"),
        "{}",
        found[0]
    );
    assert!(
        found[0].contains("src/b.rs:1 `crate::a::inner::T`"),
        "{}",
        found[0]
    );
    assert!(
        found[1].starts_with("cycle in crate::k: {ctx, vars}"),
        "{}",
        found[1]
    );
    assert!(
        found[1].contains("vars -> ctx: src/k/vars.rs:2 `super::Ctx`"),
        "{}",
        found[1]
    );
}

#[test]
fn no_file_in_src_is_over_the_line_limit() {
    let mut files = Vec::new();
    files_under(&root().join("src"), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read(f)
                .ok()?
                .iter()
                .filter(|&&c| c == b'\n')
                .count();
            (n > MAX_LINES)
                .then(|| format!("{} ({n} lines)", f.strip_prefix(root()).unwrap().display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines in src/: {long:?}"
    );
}

/// The tracked files (git), or every file outside `target/` and `.git/`.
fn tracked_files() -> Vec<PathBuf> {
    let git = std::process::Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root())
        .output();
    if let Some(out) = git
        .ok()
        .filter(|o| o.status.success() && !o.stdout.is_empty())
    {
        return out
            .stdout
            .split(|&c| c == 0)
            .filter(|p| !p.is_empty())
            .map(|p| root().join(String::from_utf8_lossy(p).as_ref()))
            .filter(|p| p.is_file())
            .collect();
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(root()).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name == "target" || name == ".git" {
            continue;
        }
        if p.is_dir() {
            files_under(&p, &mut files);
        } else {
            files.push(p);
        }
    }
    files
}

#[test]
fn no_absolute_machine_path_in_the_tree() {
    // Spelled at run time so this file does not contain them.
    let needles: Vec<String> = ["work", "home", "root"]
        .iter()
        .map(|d| format!("/{d}/"))
        .collect();
    let files = tracked_files();
    assert!(files.len() > 100, "the tree was not listed");
    let mut hits = Vec::new();
    for f in &files {
        let Ok(bytes) = std::fs::read(f) else {
            continue;
        };
        for needle in &needles {
            if let Some(at) = bytes
                .windows(needle.len())
                .position(|w| w == needle.as_bytes())
            {
                let line = bytes[..at].iter().filter(|&&c| c == b'\n').count() + 1;
                hits.push(format!(
                    "{}:{line}: {needle}",
                    f.strip_prefix(root()).unwrap().display()
                ));
            }
        }
    }
    assert!(
        hits.is_empty(),
        "absolute machine paths in the tree: {hits:#?}"
    );
}
