use std::collections::HashSet;
use std::sync::OnceLock;

use regex::Regex;

use super::{detect, is_credential_key, is_placeholder, is_reference};
use crate::diagnostic::{mask, Diagnostic, Severity};
use crate::model::Object;
use crate::repo::Repo;
use crate::rules::{FileCx, ObjectCx, Rule, RuleMeta, Scope};
use crate::yaml::{Node, Span, Value};

/// A credential in plain text outside a Secret.
///
/// Looks at every string of every object except Secrets, SealedSecrets and
/// CRDs for credentials recognised by shape (URLs with a password, AWS keys,
/// Slack/GitHub/GitLab tokens, private-key blocks, JWTs); and, by name, at
/// ConfigMap data, `name`/`value` pairs (container env, Helm parameters), lines
/// of embedded config files (ConfigMap data, Argo CD notification `service.*`
/// entries, Helm `values`) and `configMapGenerator` literals: a key named like
/// a credential (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`, `*API_KEY*`) holding a
/// literal. References (`valueFrom`, `$secret-key`, `${VAR}`, `$(VAR)`,
/// `{{ }}`, `<placeholder>`), empty values, placeholders (`changeme`, `xxx`),
/// booleans, small numbers, file paths and keys that describe a credential
/// (`PASSWORD_MIN_LENGTH`, `TOKEN_TTL`, `DB_SECRET_NAME`) pass. The value is
/// never printed in full.
pub struct PlaintextCredential;

static META: RuleMeta = RuleMeta::new(
    "plaintext-credential",
    Severity::Error,
    Scope::Object,
    "a credential in plain text: ConfigMap data, env values, annotations, Argo CD notification service tokens (URLs with passwords, AWS keys, Slack/GitHub tokens, private keys, keys named *PASSWORD*/*SECRET*/*TOKEN* holding literals)",
)
.security_severity(9.0);

/// A literal value that a credential-named key may hold.
fn literal(v: &Node) -> Option<&str> {
    let s = v.as_str()?;
    let t = s.trim();
    if t.is_empty() || t.contains(char::is_whitespace) || is_reference(t) || is_placeholder(t) {
        return None;
    }
    // Host names, URLs without a password and Kubernetes object names are not credentials.
    if t.contains("://") || t.starts_with("arn:") {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    if t.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && [
            "-secret",
            "-secrets",
            "-credentials",
            "-creds",
            "-tls",
            "-token",
            "-key",
            "-keys",
        ]
        .iter()
        .any(|s| lower.ends_with(s))
    {
        return None;
    }
    Some(t)
}

/// Narrow `span` (a scalar) to the first occurrence of `needle` after `after`.
fn locate(repo: &Repo, span: Span, after: &str, needle: &str) -> Span {
    let src = repo.sources.text(span);
    let from = if after.is_empty() {
        0
    } else {
        src.find(after).map(|i| i + after.len()).unwrap_or(0)
    };
    match src[from..].find(needle) {
        Some(i) if !needle.is_empty() => Span::new(
            span.file,
            span.start as usize + from + i,
            span.start as usize + from + i + needle.len(),
        ),
        _ => span,
    }
}

fn embedded_line() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r#"^\s*(?:-\s+)?["']?([A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*(?::\s+|:$|\s*=\s*)(.*?)\s*$"#,
        )
        .expect("regex")
    })
}

/// An embedded file that is a program (shell, Python, ...), not a config file:
/// a shebang, or lines only code starts with.
fn is_script(text: &str) -> bool {
    text.trim_start().starts_with("#!")
        || text.lines().any(|l| {
            let l = l.trim_start();
            [
                "import ",
                "def ",
                "from ",
                "function ",
                "set -e",
                "if [",
                "for ",
            ]
            .iter()
            .any(|p| l.starts_with(p))
        })
}

/// An unquoted value that is code: a call, an index, an attribute path
/// (`engine.url.password`, `os.environ["DB_PASSWORD"]`, `get_password()`).
fn is_expression(v: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    v.contains(['(', '['])
        || R.get_or_init(|| {
            Regex::new(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$").expect("regex")
        })
        .is_match(v)
}

struct Scan<'a> {
    repo: &'a Repo,
    object: &'a Object,
    reported: HashSet<Span>,
    out: Vec<Diagnostic>,
}

impl Scan<'_> {
    fn what(&self) -> String {
        format!("{} `{}`", self.object.kind, self.object.name)
    }

    fn named(&mut self, key: &str, key_span: Option<Span>, value: &Node, container: &str) {
        if !is_credential_key(key) {
            return;
        }
        let Some(lit) = literal(value) else { return };
        if self.names_secret(lit) {
            return;
        }
        let span = locate(self.repo, value.span, "", lit);
        self.reported.insert(value.span);
        let mut d = Diagnostic::new(
            span,
            format!(
                "{}{container} key `{key}` holds a plain-text credential (`{}`)",
                self.what(),
                mask(lit)
            ),
        )
        .masking_source()
        .with_help("move the value to a SealedSecret or ExternalSecret and reference it (secretKeyRef, `$secret-key`)");
        if let Some(k) = key_span {
            d = d.with_related(k, "credential key");
        }
        self.out.push(d);
    }

    /// Whether `value` is the name of a Secret the repository holds
    /// (`ADMIN_PASSWORD_SECRET: grafana-admin`): it names the credential.
    fn names_secret(&self, value: &str) -> bool {
        let (index, units) = (self.repo.index(), &self.repo.units);
        ["Secret", "SealedSecret", "ExternalSecret"]
            .iter()
            .any(|kind| index.named(units, kind, value).next().is_some())
    }

    /// `key: value` and `key=value` lines of an embedded config file. In a
    /// script only quoted literals are values; the rest is code.
    fn embedded(&mut self, value: &Node, owner: &str) {
        let Some(text) = value.as_str() else { return };
        if !text.contains('\n') {
            return;
        }
        let script = is_script(text);
        for line in text.lines() {
            let Some(c) = embedded_line().captures(line) else {
                continue;
            };
            let key = &c[1];
            let mut v = c[2].trim();
            if let Some(i) = v.find(" #") {
                v = v[..i].trim();
            }
            let quoted = v.starts_with(['"', '\'']);
            let v = v
                .trim_end_matches([',', ';'])
                .trim_matches(|ch| ch == '"' || ch == '\'');
            if !is_credential_key(key)
                || v.starts_with(['|', '>', '{', '[', '&', '*'])
                || (!quoted && (script || is_expression(v)))
            {
                continue;
            }
            let probe = Node::string(v, value.span);
            let Some(lit) = literal(&probe) else { continue };
            let span = locate(self.repo, value.span, key, lit);
            self.reported.insert(value.span);
            self.out.push(
                Diagnostic::new(
                    span,
                    format!(
                        "{} `{owner}` sets `{key}` to a plain-text credential (`{}`)",
                        self.what(),
                        mask(lit)
                    ),
                )
                .masking_source()
                .with_help("reference the credential from a Secret instead (Argo CD: `$secret-key`; env: secretKeyRef)"),
            );
        }
    }

    /// Report the shape detectors' findings (from [`shape_hits`]) on strings
    /// no name/value check reported.
    fn shapes(&mut self, hits: Vec<ShapeHit>) {
        for hit in hits {
            if self.reported.contains(&hit.span) {
                continue;
            }
            let narrow = locate(self.repo, hit.span, "", &hit.secret);
            self.out.push(
                Diagnostic::new(
                    narrow,
                    format!(
                        "{} has {} in plain text at `{}` (`{}`)",
                        self.what(),
                        hit.what,
                        hit.at,
                        mask(&hit.secret)
                    ),
                )
                .masking_source()
                .with_help("move the credential to a SealedSecret or ExternalSecret, and rotate it: it is in the git history"),
            );
        }
    }
}

/// A credential a shape detector found in one string of an object.
struct ShapeHit {
    span: Span,
    secret: String,
    what: &'static str,
    /// The dotted path of the string in the object.
    at: String,
}

/// The shape detectors run on one string at `path`.
fn shape_hits(path: &[crate::yaml::PathSeg], node: &Node, out: &mut Vec<ShapeHit>) {
    let Value::Str(s) = &node.value else { return };
    for f in detect(s) {
        out.push(ShapeHit {
            span: node.span,
            secret: s[f.start..f.end].to_string(),
            what: f.what,
            at: path
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("."),
        });
    }
}

fn skipped_kind(o: &Object) -> bool {
    matches!(
        o.kind.as_str(),
        "Secret" | "SealedSecret" | "CustomResourceDefinition"
    )
}

impl Rule for PlaintextCredential {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        let o = cx.object;
        if skipped_kind(o) || o.is_sops_encrypted() {
            return;
        }
        let mut scan = Scan {
            repo: cx.repo,
            object: o,
            reported: HashSet::new(),
            out: Vec::new(),
        };
        if o.kind == "ConfigMap" {
            for e in o.root.get("data").map(Node::entries).unwrap_or(&[]) {
                // Generator literals are reported on the kustomization by check_file.
                if cx.repo.sources.get(e.value.span.file).kind
                    == crate::source::FileKind::Kustomization
                {
                    continue;
                }
                if e.value.as_str().is_some_and(|s| s.contains('\n')) {
                    scan.embedded(&e.value, &e.key.name);
                } else {
                    scan.named(&e.key.name, Some(e.key.span), &e.value, "");
                }
            }
        }
        // name/value pairs: container env, Helm parameters, ...
        // One walk gathers the pairs, the Helm values and the shape
        // detectors' hits; the hits are reported after the named checks,
        // on the strings those did not report.
        let mut pairs: Vec<(&str, Span, &Node)> = Vec::new();
        let mut helm_values: Vec<&Node> = Vec::new();
        let mut hits: Vec<ShapeHit> = Vec::new();
        o.root.walk(&mut |path, node: &Node| {
            if let (Some(name), Some(value)) = (node.get("name"), node.get("value")) {
                if let Some(n) = name.as_str() {
                    pairs.push((n, name.span, value));
                }
            }
            if matches!(path.last(), Some(crate::yaml::PathSeg::Key("values")))
                && path.contains(&crate::yaml::PathSeg::Key("helm"))
            {
                helm_values.push(node);
            }
            shape_hits(path, node, &mut hits);
        });
        for (name, span, value) in pairs {
            scan.named(name, Some(span), value, "");
        }
        for v in helm_values {
            scan.embedded(v, "helm values");
        }
        scan.shapes(hits);
        out.extend(scan.out);
    }

    /// `configMapGenerator` literals in kustomizations: `DB_PASSWORD=...`.
    fn check_file(&self, cx: &FileCx, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.kustomization() else {
            return;
        };
        for generator in root
            .get("configMapGenerator")
            .map(Node::items)
            .unwrap_or(&[])
        {
            let gname = generator.str_at(&["name"]).unwrap_or("?");
            for lit in generator.get("literals").map(Node::items).unwrap_or(&[]) {
                let Some((k, v)) = lit.as_str().and_then(|s| s.split_once('=')) else {
                    continue;
                };
                let probe = Node::string(v, lit.span);
                let Some(val) = literal(&probe).filter(|_| is_credential_key(k.trim())) else {
                    continue;
                };
                out.push(
                    Diagnostic::new(
                        locate(cx.repo, lit.span, "=", val),
                        format!(
                            "configMapGenerator `{gname}` literal `{}` holds a plain-text credential (`{}`)",
                            k.trim(),
                            mask(val)
                        ),
                    )
                    .masking_source()
                    .with_help("generate a Secret from a SealedSecret or ExternalSecret instead"),
                );
            }
        }
    }
}
