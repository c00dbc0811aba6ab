//! The part of Go's `text/template` (with the Sprig functions Argo CD loads,
//! `applicationset/utils/utils.go`) that ApplicationSet templates use:
//! actions with pipelines, `if`/`else if`/`else`, `range`, `with`, variables,
//! comments and trim markers, and the common Sprig functions. Anything else
//! (`include`, `define`, an unknown function) is [`Error::Unsupported`]: the
//! caller leaves the string unrendered, so later stages treat it as unknown.

use serde_json::{Map, Value as J};

#[derive(Clone, Debug, PartialEq)]
pub enum Error {
    /// `missingkey=error` and a map has no entry for the key.
    MissingKey(String),
    /// Template syntax or a function this evaluator does not implement.
    Unsupported(String),
    /// The template itself fails in Go (wrong argument types, `fail`).
    Exec(String),
}

/// Result of one rendering: the text and the keys read but absent.
#[derive(Debug, Default)]
pub struct Rendered {
    pub text: String,
    pub missing: Vec<String>,
}

/// Render `src` with `data` as dot. `missing_error` is `missingkey=error`.
pub fn render(src: &str, data: &J, missing_error: bool) -> Result<Rendered, Error> {
    let tokens = lex(src)?;
    let mut pos = 0;
    let (nodes, end) = parse_list(&tokens, &mut pos)?;
    if end.is_some() {
        return Err(Error::Unsupported("unexpected {{end}} or {{else}}".into()));
    }
    let mut ex = Exec {
        root: data.clone(),
        vars: vec![("$".into(), data.clone())],
        missing_error,
        missing: Vec::new(),
        out: String::new(),
    };
    ex.run(&nodes, data)?;
    Ok(Rendered {
        text: ex.out,
        missing: ex.missing,
    })
}

// ---------- lexing: text and actions ----------

enum Piece {
    Text(String),
    Action(String),
}

fn lex(src: &str) -> Result<Vec<Piece>, Error> {
    let mut out = Vec::new();
    let mut rest = src;
    let mut trim_next = false;
    while let Some(open) = rest.find("{{") {
        let mut text = &rest[..open];
        if trim_next {
            text = text.trim_start();
        }
        let after = &rest[open + 2..];
        let trim_left =
            after.starts_with("- ") || after.starts_with("-\t") || after.starts_with("-\n");
        if trim_left {
            text = text.trim_end();
        }
        out.push(Piece::Text(text.to_string()));
        let body_start = if trim_left { 1 } else { 0 };
        let close = find_close(&after[body_start..])
            .ok_or_else(|| Error::Unsupported("unclosed action".into()))?;
        let mut body = &after[body_start..body_start + close];
        trim_next = false;
        if body.ends_with(" -") || body.ends_with("\t-") || body.ends_with("\n-") {
            body = &body[..body.len() - 1];
            trim_next = true;
        }
        let body = body.trim();
        if !(body.starts_with("/*") && body.ends_with("*/")) {
            out.push(Piece::Action(body.to_string()));
        }
        rest = &after[body_start + close + 2..];
    }
    let text = if trim_next { rest.trim_start() } else { rest };
    out.push(Piece::Text(text.to_string()));
    Ok(out)
}

/// Offset of the `}}` closing an action, skipping quoted strings.
fn find_close(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'`' => {
                i += 1;
                while i < b.len() && b[i] != b'`' {
                    i += 1;
                }
            }
            b'}' if b.get(i + 1) == Some(&b'}') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

// ---------- parsing: the action tree ----------

#[derive(Clone, Debug)]
enum Arg {
    /// `.a.b` (empty path: dot itself).
    Field(Vec<String>),
    /// `$x.a.b`.
    Var(String, Vec<String>),
    Str(String),
    Num(f64, bool),
    Bool(bool),
    Nil,
    Ident(String),
    Sub(Box<Pipeline>),
}

#[derive(Clone, Debug, Default)]
struct Pipeline {
    decl: Vec<String>,
    cmds: Vec<Vec<Arg>>,
}

#[derive(Clone, Debug)]
enum Tpl {
    Text(String),
    Action(Pipeline),
    If(Vec<(Pipeline, Vec<Tpl>)>, Vec<Tpl>),
    Range(Pipeline, Vec<Tpl>, Vec<Tpl>),
    With(Pipeline, Vec<Tpl>, Vec<Tpl>),
}

/// How a list ended: `{{end}}`, `{{else}}` or `{{else if ...}}` / `{{else with ...}}`.
enum End {
    End,
    Else(Option<String>),
}

fn parse_list(pieces: &[Piece], pos: &mut usize) -> Result<(Vec<Tpl>, Option<End>), Error> {
    let mut out = Vec::new();
    while *pos < pieces.len() {
        let piece = &pieces[*pos];
        *pos += 1;
        let body = match piece {
            Piece::Text(t) => {
                if !t.is_empty() {
                    out.push(Tpl::Text(t.clone()));
                }
                continue;
            }
            Piece::Action(a) => a.as_str(),
        };
        let (word, rest) = split_word(body);
        match word {
            "end" => return Ok((out, Some(End::End))),
            "else" => {
                let rest = rest.trim();
                return Ok((
                    out,
                    Some(End::Else((!rest.is_empty()).then(|| rest.to_string()))),
                ));
            }
            "if" | "with" | "range" => out.push(parse_block(word, rest, pieces, pos)?),
            "define" | "template" | "block" | "break" | "continue" => {
                return Err(Error::Unsupported(format!("{{{{{word}}}}}")))
            }
            _ => out.push(Tpl::Action(parse_pipeline(body)?)),
        }
    }
    Ok((out, None))
}

fn parse_block(word: &str, head: &str, pieces: &[Piece], pos: &mut usize) -> Result<Tpl, Error> {
    let pipe = parse_pipeline(head)?;
    let (body, end) = parse_list(pieces, pos)?;
    let mut branches = vec![(pipe, body)];
    let mut otherwise = Vec::new();
    let mut end = end;
    loop {
        match end {
            Some(End::End) => break,
            None => {
                return Err(Error::Unsupported(format!(
                    "{{{{{word}}}}} without {{{{end}}}}"
                )))
            }
            Some(End::Else(None)) => {
                let (body, e) = parse_list(pieces, pos)?;
                otherwise = body;
                if !matches!(e, Some(End::End)) {
                    return Err(Error::Unsupported("{{else}} without {{end}}".into()));
                }
                break;
            }
            Some(End::Else(Some(cond))) => {
                let (w, rest) = split_word(&cond);
                if w != word || word == "range" {
                    return Err(Error::Unsupported(format!("{{{{else {w}}}}}")));
                }
                let (body, e) = parse_list(pieces, pos)?;
                branches.push((parse_pipeline(rest)?, body));
                end = e;
            }
        }
    }
    Ok(match word {
        "if" => Tpl::If(branches, otherwise),
        _ if branches.len() > 1 => return Err(Error::Unsupported(format!("{{{{else {word}}}}}"))),
        "with" => {
            let (p, b) = branches.pop().unwrap_or_default();
            Tpl::With(p, b, otherwise)
        }
        _ => {
            let (p, b) = branches.pop().unwrap_or_default();
            Tpl::Range(p, b, otherwise)
        }
    })
}

fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    match s.find(|c: char| c.is_whitespace()) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Pipe,
    Open,
    Close,
    Declare,
    Comma,
}

fn tokenize(s: &str) -> Result<Vec<Tok>, Error> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '|' => {
                out.push(Tok::Pipe);
                i += 1;
            }
            '(' => {
                out.push(Tok::Open);
                i += 1;
            }
            ')' => {
                out.push(Tok::Close);
                i += 1;
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            ':' if chars.get(i + 1) == Some(&'=') => {
                out.push(Tok::Declare);
                i += 2;
            }
            '=' => {
                out.push(Tok::Declare);
                i += 1;
            }
            '"' => {
                let mut v = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        i += 1;
                        v.push(match chars[i] {
                            'n' => '\n',
                            't' => '\t',
                            other => other,
                        });
                    } else {
                        v.push(chars[i]);
                    }
                    i += 1;
                }
                out.push(Tok::Str(v));
                i += 1;
            }
            '`' => {
                let start = i + 1;
                i = start;
                while i < chars.len() && chars[i] != '`' {
                    i += 1;
                }
                out.push(Tok::Str(chars[start..i.min(chars.len())].iter().collect()));
                i += 1;
            }
            '\'' => return Err(Error::Unsupported("character literal".into())),
            _ => {
                let start = i;
                let ends = |i: usize| {
                    i >= chars.len()
                        || chars[i].is_whitespace()
                        || "|(),\"`".contains(chars[i])
                        || (chars[i] == ':' && chars.get(i + 1) == Some(&'='))
                };
                while !ends(i) {
                    i += 1;
                }
                out.push(Tok::Word(chars[start..i].iter().collect()));
            }
        }
    }
    Ok(out)
}

fn parse_pipeline(s: &str) -> Result<Pipeline, Error> {
    let toks = tokenize(s)?;
    let mut pos = 0;
    let p = pipeline_tokens(&toks, &mut pos)?;
    if pos != toks.len() {
        return Err(Error::Unsupported(format!("unexpected token in `{s}`")));
    }
    Ok(p)
}

fn pipeline_tokens(toks: &[Tok], pos: &mut usize) -> Result<Pipeline, Error> {
    let mut p = Pipeline::default();
    // Declarations: `$x :=` or `$k, $v :=`.
    let mut look = *pos;
    let mut vars = Vec::new();
    while let Some(Tok::Word(w)) = toks.get(look) {
        if !w.starts_with('$') {
            break;
        }
        vars.push(w.clone());
        look += 1;
        match toks.get(look) {
            Some(Tok::Comma) => look += 1,
            Some(Tok::Declare) => {
                p.decl = std::mem::take(&mut vars);
                *pos = look + 1;
                break;
            }
            _ => break,
        }
    }
    let mut cmd = Vec::new();
    while let Some(t) = toks.get(*pos) {
        match t {
            Tok::Close => break,
            Tok::Pipe => {
                *pos += 1;
                p.cmds.push(std::mem::take(&mut cmd));
            }
            Tok::Open => {
                *pos += 1;
                let sub = pipeline_tokens(toks, pos)?;
                if toks.get(*pos) != Some(&Tok::Close) {
                    return Err(Error::Unsupported("unclosed (".into()));
                }
                *pos += 1;
                cmd.push(Arg::Sub(Box::new(sub)));
            }
            Tok::Str(s) => {
                *pos += 1;
                cmd.push(Arg::Str(s.clone()));
            }
            Tok::Word(w) => {
                *pos += 1;
                cmd.push(word_arg(w)?);
            }
            Tok::Comma | Tok::Declare => {
                return Err(Error::Unsupported("unexpected `,` or `:=`".into()))
            }
        }
    }
    if cmd.is_empty() && !p.cmds.is_empty() {
        return Err(Error::Unsupported("empty pipeline stage".into()));
    }
    if !cmd.is_empty() {
        p.cmds.push(cmd);
    }
    if p.cmds.is_empty() {
        return Err(Error::Unsupported("empty pipeline".into()));
    }
    Ok(p)
}

fn word_arg(w: &str) -> Result<Arg, Error> {
    let fields = |s: &str| -> Vec<String> {
        s.split('.')
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect()
    };
    Ok(if w.starts_with('.') {
        Arg::Field(fields(w))
    } else if let Some(rest) = w.strip_prefix('$') {
        let (name, path) = rest.split_once('.').unwrap_or((rest, ""));
        Arg::Var(format!("${name}"), fields(path))
    } else if w == "true" || w == "false" {
        Arg::Bool(w == "true")
    } else if w == "nil" {
        Arg::Nil
    } else if let Ok(i) = w.parse::<i64>() {
        Arg::Num(i as f64, true)
    } else if let Ok(f) = w.parse::<f64>() {
        Arg::Num(f, false)
    } else if w.chars().all(|c| c.is_alphanumeric() || c == '_') {
        Arg::Ident(w.to_string())
    } else {
        return Err(Error::Unsupported(format!("`{w}`")));
    })
}

// ---------- execution ----------

struct Exec {
    root: J,
    vars: Vec<(String, J)>,
    missing_error: bool,
    missing: Vec<String>,
    out: String,
}

impl Exec {
    fn run(&mut self, nodes: &[Tpl], dot: &J) -> Result<(), Error> {
        for n in nodes {
            match n {
                Tpl::Text(t) => self.out.push_str(t),
                Tpl::Action(p) => {
                    let v = self.pipeline(p, dot)?;
                    if p.decl.is_empty() {
                        let s = print(&v);
                        self.out.push_str(&s);
                    }
                }
                Tpl::If(branches, otherwise) => {
                    let depth = self.vars.len();
                    let mut done = false;
                    for (cond, body) in branches {
                        if truthy(&self.pipeline(cond, dot)?) {
                            self.run(body, dot)?;
                            done = true;
                            break;
                        }
                    }
                    if !done {
                        self.run(otherwise, dot)?;
                    }
                    self.vars.truncate(depth);
                }
                Tpl::With(p, body, otherwise) => {
                    let depth = self.vars.len();
                    let v = self.pipeline(p, dot)?;
                    if truthy(&v) {
                        self.run(body, &v)?;
                    } else {
                        self.run(otherwise, dot)?;
                    }
                    self.vars.truncate(depth);
                }
                Tpl::Range(p, body, otherwise) => {
                    let depth = self.vars.len();
                    let mut decl = p.clone();
                    let names = std::mem::take(&mut decl.decl);
                    let v = self.pipeline(&decl, dot)?;
                    let items: Vec<(J, J)> = match &v {
                        J::Array(a) => a
                            .iter()
                            .enumerate()
                            .map(|(i, x)| (J::from(i), x.clone()))
                            .collect(),
                        J::Object(m) => {
                            let mut keys: Vec<&String> = m.keys().collect();
                            keys.sort();
                            keys.into_iter()
                                .map(|k| (J::String(k.clone()), m[k].clone()))
                                .collect()
                        }
                        J::Null => Vec::new(),
                        J::Number(n) => (0..n.as_u64().unwrap_or(0))
                            .map(|i| (J::from(i), J::from(i)))
                            .collect(),
                        _ => return Err(Error::Exec("range can't iterate".into())),
                    };
                    if items.is_empty() {
                        self.run(otherwise, dot)?;
                    }
                    for (k, item) in items {
                        let inner = self.vars.len();
                        match names.as_slice() {
                            [v] => self.vars.push((v.clone(), item.clone())),
                            [kn, vn] => {
                                self.vars.push((kn.clone(), k));
                                self.vars.push((vn.clone(), item.clone()));
                            }
                            _ => {}
                        }
                        self.run(body, &item)?;
                        self.vars.truncate(inner);
                    }
                    self.vars.truncate(depth);
                }
            }
        }
        Ok(())
    }

    fn pipeline(&mut self, p: &Pipeline, dot: &J) -> Result<J, Error> {
        let mut last: Option<J> = None;
        for cmd in &p.cmds {
            last = Some(self.command(cmd, dot, last.take())?);
        }
        let v = last.unwrap_or(J::Null);
        if let Some(name) = p.decl.last() {
            self.vars.push((name.clone(), v.clone()));
        }
        Ok(v)
    }

    fn command(&mut self, cmd: &[Arg], dot: &J, piped: Option<J>) -> Result<J, Error> {
        let (head, rest) = cmd
            .split_first()
            .ok_or_else(|| Error::Unsupported("empty command".into()))?;
        if let Arg::Ident(name) = head {
            let mut args = Vec::with_capacity(rest.len() + 1);
            for a in rest {
                args.push(self.arg(a, dot)?);
            }
            args.extend(piped);
            return call(name, args, self);
        }
        if !rest.is_empty() || piped.is_some() {
            return Err(Error::Unsupported(
                "method call or argument to a value".into(),
            ));
        }
        self.arg(head, dot)
    }

    fn arg(&mut self, a: &Arg, dot: &J) -> Result<J, Error> {
        Ok(match a {
            Arg::Field(path) => self.walk(dot, path)?,
            Arg::Var(name, path) => {
                let base = if name == "$" {
                    self.root.clone()
                } else {
                    self.vars
                        .iter()
                        .rev()
                        .find(|(n, _)| n == name)
                        .map(|(_, v)| v.clone())
                        .ok_or_else(|| Error::Exec(format!("undefined variable {name}")))?
                };
                self.walk(&base, path)?
            }
            Arg::Str(s) => J::String(s.clone()),
            Arg::Num(n, true) => J::from(*n as i64),
            Arg::Num(n, false) => serde_json::Number::from_f64(*n).map_or(J::Null, J::Number),
            Arg::Bool(b) => J::Bool(*b),
            Arg::Nil => J::Null,
            Arg::Ident(name) => call(name, Vec::new(), self)?,
            Arg::Sub(p) => self.pipeline(p, dot)?,
        })
    }

    fn walk(&mut self, base: &J, path: &[String]) -> Result<J, Error> {
        let mut cur = base.clone();
        for (i, key) in path.iter().enumerate() {
            cur = match cur {
                J::Object(mut m) => match m.remove(key) {
                    Some(v) => v,
                    None => {
                        let full = path[..=i].join(".");
                        if self.missing_error {
                            return Err(Error::MissingKey(full));
                        }
                        self.missing.push(full);
                        return Ok(J::Null);
                    }
                },
                J::Null => {
                    return Err(Error::Exec(format!(
                        "nil pointer evaluating .{}",
                        path[..=i].join(".")
                    )))
                }
                _ => return Err(Error::Exec(format!("can't evaluate field {key}"))),
            };
        }
        Ok(cur)
    }
}

fn truthy(v: &J) -> bool {
    match v {
        J::Null => false,
        J::Bool(b) => *b,
        J::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        J::String(s) => !s.is_empty(),
        J::Array(a) => !a.is_empty(),
        J::Object(m) => !m.is_empty(),
    }
}

/// A value as `text/template` prints it.
pub fn print(v: &J) -> String {
    match v {
        J::Null => "<no value>".into(),
        J::String(s) => s.clone(),
        J::Bool(b) => b.to_string(),
        J::Number(n) => n.to_string(),
        J::Array(a) => format!(
            "[{}]",
            a.iter().map(print_inner).collect::<Vec<_>>().join(" ")
        ),
        J::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{k}:{}", print_inner(&m[k])))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

fn print_inner(v: &J) -> String {
    match v {
        J::Null => "<nil>".into(),
        other => print(other),
    }
}

/// Sprig's string conversion (`toString`, and string arguments).
fn to_str(v: &J) -> String {
    match v {
        J::Null => String::new(),
        other => print(other),
    }
}

fn to_int(v: &J) -> i64 {
    match v {
        J::Number(n) => n
            .as_i64()
            .unwrap_or_else(|| n.as_f64().unwrap_or(0.0) as i64),
        J::String(s) => s.trim().parse().unwrap_or(0),
        J::Bool(b) => *b as i64,
        _ => 0,
    }
}

fn eq(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Number(x), J::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn sanitize_name(s: &str) -> String {
    let lower = s.to_lowercase();
    let replaced: String = lower
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let cut: String = replaced.chars().take(253).collect();
    cut.trim_matches(|c| c == '-' || c == '.').to_string()
}

pub(crate) fn normalize(s: &str) -> String {
    sanitize_name(s)
}

fn arity(name: &str, args: &[J], n: usize) -> Result<(), Error> {
    if args.len() == n {
        Ok(())
    } else {
        Err(Error::Exec(format!(
            "wrong number of args for {name}: want {n} got {}",
            args.len()
        )))
    }
}

fn printf(format: &str, args: &[J]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some('q') => out.push_str(&format!(
                "{:?}",
                args.next().map(to_str).unwrap_or_default()
            )),
            Some(_) => match args.next() {
                Some(a) => out.push_str(&print(a)),
                None => out.push_str("%!v(MISSING)"),
            },
            None => out.push('%'),
        }
    }
    out
}

fn indent(n: i64, s: &str) -> String {
    let pad = " ".repeat(n.max(0) as usize);
    s.split('\n')
        .map(|l| format!("{pad}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `toYaml`: the value in YAML's flow style (JSON), which reads back the same.
fn yaml_of(v: &J) -> String {
    match v {
        J::String(s) => s.clone(),
        J::Null => "null".into(),
        other => other.to_string(),
    }
}

fn call(name: &str, mut a: Vec<J>, ex: &mut Exec) -> Result<J, Error> {
    let s = |i: usize, a: &[J]| a.get(i).map(to_str).unwrap_or_default();
    let last = |a: &[J]| a.last().cloned().unwrap_or(J::Null);
    Ok(match name {
        "default" => {
            arity(name, &a, 2)?;
            if truthy(&a[1]) {
                a.swap_remove(1)
            } else {
                a.swap_remove(0)
            }
        }
        "empty" => J::Bool(!truthy(&last(&a))),
        "coalesce" => a.into_iter().find(truthy).unwrap_or(J::Null),
        "ternary" => {
            arity(name, &a, 3)?;
            if truthy(&a[2]) {
                a.swap_remove(0)
            } else {
                a.swap_remove(1)
            }
        }
        "lower" | "upper" | "trim" | "title" | "toString" | "quote" | "squote" | "b64enc"
        | "b64dec" | "normalize" | "kebabcase" | "snakecase" | "toJson" | "toRawJson"
        | "toPrettyJson" | "toYaml" | "len" | "trimAll" => {
            let v = last(&a);
            let t = to_str(&v);
            match name {
                "lower" => J::String(t.to_lowercase()),
                "upper" => J::String(t.to_uppercase()),
                "trim" => J::String(t.trim().to_string()),
                "trimAll" => J::String(t.trim_matches(|c| s(0, &a).contains(c)).to_string()),
                "title" => J::String(
                    t.split(' ')
                        .map(|w| {
                            let mut c = w.chars();
                            c.next()
                                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                                .unwrap_or_default()
                        })
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                "toString" => J::String(t),
                "quote" => J::String(format!("{t:?}")),
                "squote" => J::String(format!("'{t}'")),
                "b64enc" => {
                    use base64::Engine;
                    J::String(base64::engine::general_purpose::STANDARD.encode(t))
                }
                "b64dec" => {
                    use base64::Engine;
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(t.as_bytes())
                        .map_err(|e| Error::Exec(e.to_string()))?;
                    J::String(String::from_utf8_lossy(&bytes).into_owned())
                }
                "normalize" => J::String(sanitize_name(&t)),
                "kebabcase" | "snakecase" => {
                    let sep = if name == "kebabcase" { '-' } else { '_' };
                    let mut out = String::new();
                    for (i, c) in t.chars().enumerate() {
                        if c.is_uppercase() && i > 0 {
                            out.push(sep);
                        }
                        out.extend(c.to_lowercase());
                    }
                    J::String(out.replace([' ', '-', '_'], &sep.to_string()))
                }
                "toJson" | "toRawJson" => J::String(v.to_string()),
                "toPrettyJson" => J::String(serde_json::to_string_pretty(&v).unwrap_or_default()),
                "toYaml" => J::String(yaml_of(&v)),
                _ => J::from(match &v {
                    J::Array(x) => x.len(),
                    J::Object(m) => m.len(),
                    J::String(x) => x.len(),
                    J::Null => 0,
                    _ => return Err(Error::Exec("len of a scalar".into())),
                }),
            }
        }
        "trimPrefix" | "trimSuffix" | "contains" | "hasPrefix" | "hasSuffix" | "splitList"
        | "repeat" => {
            arity(name, &a, 2)?;
            let (x, t) = (s(0, &a), s(1, &a));
            match name {
                "trimPrefix" => J::String(t.strip_prefix(x.as_str()).unwrap_or(&t).to_string()),
                "trimSuffix" => J::String(t.strip_suffix(x.as_str()).unwrap_or(&t).to_string()),
                "contains" => J::Bool(t.contains(x.as_str())),
                "hasPrefix" => J::Bool(t.starts_with(x.as_str())),
                "hasSuffix" => J::Bool(t.ends_with(x.as_str())),
                "repeat" => J::String(t.repeat(to_int(&a[0]).max(0) as usize)),
                _ => J::Array(t.split(x.as_str()).map(|p| J::String(p.into())).collect()),
            }
        }
        "replace" => {
            arity(name, &a, 3)?;
            J::String(s(2, &a).replace(&s(0, &a), &s(1, &a)))
        }
        "trunc" => {
            arity(name, &a, 2)?;
            let n = to_int(&a[0]);
            let t: Vec<char> = s(1, &a).chars().collect();
            let out: String = if n >= 0 {
                t.iter().take(n as usize).collect()
            } else {
                t[t.len().saturating_sub((-n) as usize)..].iter().collect()
            };
            J::String(out)
        }
        "indent" | "nindent" => {
            arity(name, &a, 2)?;
            let body = indent(to_int(&a[0]), &s(1, &a));
            J::String(if name == "nindent" {
                format!("\n{body}")
            } else {
                body
            })
        }
        "printf" => J::String(printf(&s(0, &a), a.get(1..).unwrap_or(&[]))),
        "print" => J::String(a.iter().map(to_str).collect::<Vec<_>>().join("")),
        "cat" => J::String(
            a.iter()
                .filter(|v| !v.is_null())
                .map(to_str)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        "join" => {
            arity(name, &a, 2)?;
            let sep = s(0, &a);
            let items: Vec<String> = match &a[1] {
                J::Array(x) => x.iter().map(to_str).collect(),
                other => vec![to_str(other)],
            };
            J::String(items.join(&sep))
        }
        "index" => {
            let mut cur = a.first().cloned().unwrap_or(J::Null);
            for key in a.iter().skip(1) {
                cur = match (&cur, key) {
                    (J::Object(m), k) => match m.get(&to_str(k)) {
                        Some(v) => v.clone(),
                        None if ex.missing_error => return Err(Error::MissingKey(to_str(k))),
                        None => J::Null,
                    },
                    (J::Array(x), k) => x
                        .get(to_int(k) as usize)
                        .cloned()
                        .ok_or_else(|| Error::Exec("index out of range".into()))?,
                    (J::Null, _) => J::Null,
                    _ => return Err(Error::Exec("can't index item".into())),
                };
            }
            cur
        }
        "get" => {
            arity(name, &a, 2)?;
            a[0].get(s(1, &a))
                .cloned()
                .unwrap_or(J::String(String::new()))
        }
        "hasKey" => {
            arity(name, &a, 2)?;
            J::Bool(a[0].get(s(1, &a)).is_some())
        }
        "keys" => {
            let mut keys: Vec<J> = a
                .iter()
                .filter_map(J::as_object)
                .flat_map(|m| m.keys().map(|k| J::String(k.clone())))
                .collect();
            keys.sort_by_key(to_str);
            J::Array(keys)
        }
        "list" => J::Array(a),
        "dict" => {
            let mut m = Map::new();
            for pair in a.chunks(2) {
                m.insert(to_str(&pair[0]), pair.get(1).cloned().unwrap_or(J::Null));
            }
            J::Object(m)
        }
        "first" | "last" => match last(&a) {
            J::Array(x) => {
                let item = if name == "first" { x.first() } else { x.last() };
                item.cloned().unwrap_or(J::Null)
            }
            _ => J::Null,
        },
        "eq" => {
            let (x, rest) = a.split_first().ok_or_else(|| Error::Exec("eq".into()))?;
            J::Bool(rest.iter().any(|y| eq(x, y)))
        }
        "ne" => {
            arity(name, &a, 2)?;
            J::Bool(!eq(&a[0], &a[1]))
        }
        "lt" | "le" | "gt" | "ge" => {
            arity(name, &a, 2)?;
            let ord = match (&a[0], &a[1]) {
                (J::String(x), J::String(y)) => x.cmp(y),
                (x, y) => {
                    let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
                    x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal)
                }
            };
            use std::cmp::Ordering::*;
            J::Bool(match name {
                "lt" => ord == Less,
                "le" => ord != Greater,
                "gt" => ord == Greater,
                _ => ord != Less,
            })
        }
        "and" => a.iter().find(|v| !truthy(v)).cloned().unwrap_or(last(&a)),
        "or" => a.iter().find(|v| truthy(v)).cloned().unwrap_or(last(&a)),
        "not" => J::Bool(!truthy(&last(&a))),
        "add" => J::from(a.iter().map(to_int).sum::<i64>()),
        "sub" => {
            arity(name, &a, 2)?;
            J::from(to_int(&a[0]) - to_int(&a[1]))
        }
        "mul" => J::from(a.iter().map(to_int).product::<i64>()),
        "int" | "atoi" | "int64" => J::from(to_int(&last(&a))),
        "regexReplaceAll" | "regexMatch" => {
            let re = regex::Regex::new(&s(0, &a)).map_err(|e| Error::Exec(e.to_string()))?;
            if name == "regexMatch" {
                J::Bool(re.is_match(&s(1, &a)))
            } else {
                J::String(re.replace_all(&s(1, &a), s(2, &a).as_str()).into_owned())
            }
        }
        "fail" => return Err(Error::Exec(s(0, &a))),
        other => return Err(Error::Unsupported(format!("function {other}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn r(src: &str, data: &J) -> String {
        render(src, data, false).unwrap().text
    }

    #[test]
    fn fields_pipelines_and_functions() {
        let d = json!({"path": {"basename": "Web", "segments": ["apps", "web"]}, "env": "prod", "n": 3});
        assert_eq!(r("{{ .path.basename | lower }}", &d), "web");
        assert_eq!(r("{{index .path.segments 1}}", &d), "web");
        assert_eq!(r("{{ default \"x\" .nope }}-{{.env}}", &d), "x-prod");
        assert_eq!(
            r(
                "{{- printf \"%s-%s\" .env .path.basename | trunc 6 | trimSuffix \"-\" }}",
                &d
            ),
            "prod-W"
        );
        assert_eq!(r("{{ .n }}", &d), "3");
        assert_eq!(r("{{ normalize \"My_App\" }}", &d), "my-app");
        assert_eq!(r("{{ replace \"-\" \"_\" .env | upper }}", &d), "PROD");
    }

    #[test]
    fn control_flow_and_trim() {
        let d = json!({"env": "prod", "items": ["a", "b"], "m": {"k": "v"}});
        assert_eq!(r("{{ if eq .env \"prod\" }}P{{ else }}N{{ end }}", &d), "P");
        assert_eq!(r("{{ if .no }}A{{ else if .env }}B{{ end }}", &d), "B");
        assert_eq!(
            r(
                "x  {{- range $i, $v := .items }} {{$i}}={{$v}}{{ end -}}  y",
                &d
            ),
            "x 0=a 1=by"
        );
        assert_eq!(r("{{ with .m }}{{ .k }}{{ end }}", &d), "v");
        assert_eq!(r("{{ $e := .env }}{{ $e }}{{/* c */}}", &d), "prod");
    }

    #[test]
    fn missing_keys() {
        let d = json!({"a": "1"});
        let out = render("{{ .b }}", &d, false).unwrap();
        assert_eq!(out.text, "<no value>");
        assert_eq!(out.missing, vec!["b".to_string()]);
        assert_eq!(
            render("{{ .b }}", &d, true).unwrap_err(),
            Error::MissingKey("b".into())
        );
        assert!(matches!(
            render("{{ include \"x\" . }}", &d, false),
            Err(Error::Unsupported(_))
        ));
    }
}
