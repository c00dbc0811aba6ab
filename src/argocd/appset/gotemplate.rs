//! The part of Go's `text/template` (with the Sprig functions Argo CD loads,
//! `applicationset/utils/utils.go`) that ApplicationSet templates use:
//! actions with pipelines, `if`/`else if`/`else`, `range`, `with`, variables,
//! comments and trim markers, and the common Sprig functions. Anything else
//! (`include`, `define`, an unknown function) is [`Error::Unsupported`]: the
//! caller leaves the string unrendered, so later stages treat it as unknown.

use serde_json::Value as J;

use super::sprig::{self, print, truthy};
pub use super::template_error::Error;

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
            return sprig::call(name, args, self.missing_error);
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
            Arg::Ident(name) => sprig::call(name, Vec::new(), self.missing_error)?,
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
