//! Secret rules: committed Secrets, credentials in plain text, generators, SealedSecrets.

pub mod no_plaintext_secret;
pub mod plaintext_credential;
mod seal_fix;
pub mod sealed_secret_invalid;
pub mod secret_generator_literal;

use std::sync::OnceLock;

use regex::Regex;

/// A value that refers to a credential instead of holding one: `$secret-key`
/// (Argo CD), `${VAR}`, `$(VAR)`, `{{ .Values.x }}`, `<placeholder>`, `%VAR%`,
/// and format strings a program fills in (`{}`, `{0}`, `{password}`, `%s`).
pub fn is_reference(v: &str) -> bool {
    let t = v.trim();
    is_format_string(t)
        || (t.starts_with('$') && !is_password_hash(t))
        || t.contains("${")
        || t.contains("$(")
        || t.contains("{{")
        || (t.starts_with('<') && t.ends_with('>'))
        || (t.starts_with('%') && t.ends_with('%') && t.len() > 2)
        || t.starts_with("vault:")
        || t.starts_with("ref+")
        || t.starts_with("arn:aws:secretsmanager:")
        || t.starts_with("arn:aws:ssm:")
}

/// A crypt(3)-style password hash (`$2a$10$...` bcrypt, `$6$...`, `$argon2id$...`):
/// not a reference, and crackable when the password is weak.
fn is_password_hash(t: &str) -> bool {
    ["$2a$", "$2b$", "$2y$", "$5$", "$6$", "$argon2"]
        .iter()
        .any(|p| t.starts_with(p))
        && !t.contains(' ')
}

/// An RFC 3339 timestamp (`2019-03-20T17:54:53Z`): when something changed, not a secret.
fn is_timestamp(t: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
            .expect("timestamp regex")
    })
    .is_match(t)
}

/// Made only of `foo`, `bar`, `baz`, `qux` (`foobarbaz`, `foo`).
fn is_metasyntactic(squashed: &str) -> bool {
    let mut rest = squashed;
    while !rest.is_empty() {
        match ["foo", "bar", "baz", "qux"]
            .iter()
            .find(|w| rest.starts_with(*w))
        {
            Some(w) => rest = &rest[w.len()..],
            None => return false,
        }
    }
    !squashed.is_empty()
}

/// `{}`, `{0}`, `{password}`, `%s`, `%(password)s`: a format string's hole.
fn is_format_string(t: &str) -> bool {
    if t.contains('\n') {
        return false;
    }
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"\{[A-Za-z0-9_]*\}|%(\([A-Za-z0-9_]+\))?[sdrv]").expect("format regex")
    })
    .is_match(t)
}

/// An upper-case environment-variable or key name that names a credential
/// (`AWS_SECRET_ACCESS_KEY`, `AWS_ACCESS_KEY_ID`) as the value of a field
/// saying which key to read: a name, not the credential.
pub fn is_credential_name(t: &str) -> bool {
    let name_of = |upper: bool| {
        t.bytes().all(|b| {
            (if upper {
                b.is_ascii_uppercase()
            } else {
                b.is_ascii_lowercase()
            }) || b.is_ascii_digit()
                || b == b'_'
        })
    };
    // `git_password`, `db_token`: the snake_case name of what goes there.
    t.contains('_') && (name_of(true) || name_of(false)) && mentions_credential(t)
}

/// Whether any word of `key` is a credential word, modifiers or not.
fn mentions_credential(key: &str) -> bool {
    let w = words(key);
    (0..w.len()).any(|i| {
        (1..=2).any(|len| {
            i + len <= w.len()
                && (CREDENTIAL_WORDS.contains(&w[i..i + len].join("_").as_str())
                    || CREDENTIAL_WORDS.contains(&w[i..i + len].concat().as_str()))
        })
    })
}

/// Obvious placeholders and non-secrets: `changeme`, `xxx`, `true`, `3600`, `/etc/secret/token`.
pub fn is_placeholder(v: &str) -> bool {
    let t = v.trim();
    let lower = t.to_ascii_lowercase();
    let squashed: String = lower
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    t.is_empty()
        || t.chars().all(|c| matches!(c, '*' | 'x' | 'X' | '.' | '-' | '_' | '#' | '?'))
        || matches!(
            squashed.as_str(),
            "changeme"
                | "changeit"
                | "replaceme"
                | "secret"
                | "password"
                | "token"
                | "todo"
                | "tbd"
                | "redacted"
                | "placeholder"
                | "none"
                | "null"
                | "true"
                | "false"
                | "yes"
                | "no"
                | "enabled"
                | "disabled"
                | "notset"
                | "unset"
                | "noop"
                | "nil"
                | "na"
                | "empty"
                | "blank"
                | "undefined"
                | "fixme"
                | "changethis"
                | "mustchange"
                | "supersecret"
                | "mysecret"
                | "mypassword"
                | "secretvalue"
                | "sample"
        )
        // `foobarbaz`, `foo`: metasyntactic words, phony values by convention.
        || is_metasyntactic(&squashed)
        || lower.starts_with("your")
        || lower.starts_with("changeme")
        || lower.starts_with("change_me")
        || lower.starts_with("change-me")
        || lower.starts_with("replace")
        // `UPDATE_ME`, `update-me`, `UPDATE_AWS_SECRET_ACCESS_KEY`: fill-in markers.
        || squashed == "updateme"
        || lower.starts_with("update_")
        || lower.starts_with("update-")
        || lower.starts_with("dummy")
        || lower.starts_with("example")
        || (t.len() < 6 && t.chars().all(|c| c.is_ascii_digit()))
        || lower.starts_with("insert")
        || lower.starts_with("enter")
        || lower.starts_with("set-")
        || lower.starts_with("set_")
        // `GOOGLE_API_KEY_VAL`, `AWS_SECRET_ACCESS_KEY`: an upper-case name standing in for a value.
        || is_credential_name(t)
        || (t.starts_with('/') && !t.contains(' '))
        || t.starts_with("./")
        || t.starts_with("file:")
        || t.starts_with("env:")
        || is_pem_placeholder(t)
        || is_timestamp(t)
        || is_prose_placeholder(&lower)
        // `my-password`, `my-token`, `MY_API_KEY`: a name for the value to put there.
        || squashed.strip_prefix("my").is_some_and(|rest| {
            ["password", "pass", "secret", "token", "key", "apikey", "accesskey", "secretkey"]
                .contains(&rest)
        })
}

/// A sentence describing the value (`shhhh! it's a github secret`, `put your
/// token here`): three or more words, one of them a credential word.
fn is_prose_placeholder(lower: &str) -> bool {
    const WORDS: &[&str] = &[
        "secret",
        "password",
        "token",
        "key",
        "credential",
        "credentials",
    ];
    let words: Vec<&str> = (lower.split_whitespace())
        .map(|w| w.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
        .collect();
    !lower.contains('\n') && words.len() >= 3 && words.iter().any(|w| WORDS.contains(w))
}

/// A PEM block whose body is elided (`...`, `<your key>`, `xxxx`): the shape
/// of a key shown in documentation, not a key.
fn is_pem_placeholder(t: &str) -> bool {
    if !t.starts_with("-----BEGIN ") {
        return false;
    }
    let body: Vec<&str> = (t.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("-----"))
        .collect();
    body.iter()
        .all(|l| is_placeholder(l) || is_reference(l) || l.chars().all(|c| c == '.' || c == '…'))
}

/// Key words that make a key name a credential.
const CREDENTIAL_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "API_KEY",
    "ACCESS_KEY",
    "SECRET_KEY",
    "PRIVATE_KEY",
    "PRIVATEKEY",
    "CLIENT_SECRET",
    "CREDENTIAL",
    "CREDENTIALS",
    "AUTH_KEY",
    "SIGNING_KEY",
    "ENCRYPTION_KEY",
    "MASTER_KEY",
    "WEBHOOK_SECRET",
];

/// Words after the credential word that make the key describe, not hold, a credential.
const MODIFIER_WORDS: &[&str] = &[
    "NAME",
    "NAMES",
    "REF",
    "REFS",
    "FILE",
    "FILES",
    "PATH",
    "DIR",
    "LENGTH",
    "LEN",
    "MIN",
    "MAX",
    "TTL",
    "EXPIRY",
    "EXPIRES",
    "EXPIRATION",
    "LIFETIME",
    "TIMEOUT",
    "DURATION",
    "AGE",
    "URL",
    "URI",
    "ENDPOINT",
    "HOST",
    "PORT",
    "HEADER",
    "TYPE",
    "ENABLED",
    "ENABLE",
    "DISABLED",
    "MODE",
    "ID",
    "ARN",
    "KEY_ID",
    "POLICY",
    "POLICIES",
    "PROVIDER",
    "STORE",
    "MOUNT",
    "NAMESPACE",
    "LOCATION",
    "RESET",
    "ROTATION",
    "ALGORITHM",
    "ALG",
    "FORMAT",
    "REQUIRED",
    "COMPLEXITY",
    "STRENGTH",
    "HASH",
    "HASHED",
    "FIELD",
    "PARAM",
    "PARAMETER",
    "SOURCE",
    "KIND",
    "VERSION",
    "PREFIX",
    "SUFFIX",
    "SIZE",
    "COUNT",
    "ATTEMPTS",
    "RETRIES",
    "INTERVAL",
    "PERIOD",
    "REFRESH",
    "AUDIENCE",
    "ISSUER",
    "SCOPE",
    "SCOPES",
    "USER",
    "USERNAME",
    "LABEL",
    "SELECTOR",
    "ENV",
    "VAR",
    "KEY_NAME",
    "TEMPLATE",
    "CACHE",
    "LIMIT",
    "BUCKET",
    "CHARS",
    "PATTERN",
    "REGEX",
    "CHECK",
    "VALIDATION",
    "LOOKUP",
    "ROLE",
    "ACCOUNT",
    "REQUIRE",
    "RULES",
    "COMMAND",
    "SECRETS",
];

/// Split `dbPassword`, `db-password`, `db.password` into `DB`, `PASSWORD`.
fn words(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    let chars: Vec<char> = key.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        // `IDName`: the last capital of a run starts the next word.
        let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
        let run_ends = c.is_ascii_uppercase() && !prev_lower && next_lower && cur.len() > 1;
        if c.is_ascii_uppercase() && (prev_lower || run_ends) && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_uppercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether a key name says it holds a credential (`DB_PASSWORD`, `clientSecret`),
/// and not something about one (`PASSWORD_MIN_LENGTH`, `TOKEN_TTL`, `DB_SECRET_NAME`).
pub fn is_credential_key(key: &str) -> bool {
    let w = words(key);
    let mut last_cred = None;
    for i in 0..w.len() {
        for len in 1..=2 {
            if i + len > w.len() {
                continue;
            }
            let joined = w[i..i + len].join("_");
            let glued = w[i..i + len].concat();
            if CREDENTIAL_WORDS.contains(&joined.as_str())
                || CREDENTIAL_WORDS.contains(&glued.as_str())
            {
                last_cred = Some(i + len);
            }
        }
    }
    let Some(end) = last_cred else { return false };
    !w[end..]
        .iter()
        .any(|m| MODIFIER_WORDS.contains(&m.as_str()))
        && !w[..end].iter().any(|m| {
            matches!(
                m.as_str(),
                "NUM" | "MIN" | "MAX" | "USE" | "IS" | "HAS" | "NO" | "SKIP" | "ENABLE" | "DISABLE"
            )
        })
}

/// A recognised credential inside a value: what it is and the byte range of it.
pub struct Found {
    pub what: &'static str,
    pub start: usize,
    pub end: usize,
}

/// What each credential shape is, its pattern, and the capture group holding
/// the secret (0: the whole match).
const DETECTORS: &[(&str, &str, usize)] = &[
    (
        "a private key",
        r"-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----",
        0,
    ),
    ("an AWS access key id", r"\b(AKIA|ASIA)[0-9A-Z]{16}\b", 0),
    ("a Slack token", r"\bxox[baprs]-[0-9A-Za-z-]{10,}", 0),
    (
        "a Slack webhook URL",
        r"https://hooks\.slack\.com/services/T[0-9A-Za-z]+/B[0-9A-Za-z]+/[0-9A-Za-z]{16,}",
        0,
    ),
    (
        "a GitHub token",
        r"\b(gh[pousr]_[0-9A-Za-z]{36,}|github_pat_[0-9A-Za-z_]{40,})",
        0,
    ),
    ("a GitLab token", r"\bglpat-[0-9A-Za-z_-]{20,}", 0),
    (
        "a JWT",
        r"\beyJ[0-9A-Za-z_-]{8,}\.eyJ[0-9A-Za-z_-]{8,}\.[0-9A-Za-z_-]{16,}",
        0,
    ),
    (
        "a URL with a password",
        r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@'\x22]+:([^\s/@'\x22]+)@[^\s/'\x22]+",
        1,
    ),
    (
        "an AWS secret access key",
        r"(?i)aws_?secret_?access_?key[\x22']?\s*[:=]\s*[\x22']?([0-9A-Za-z/+]{40})\b",
        1,
    ),
];

fn detectors() -> &'static [(&'static str, Regex, usize)] {
    static D: OnceLock<Vec<(&'static str, Regex, usize)>> = OnceLock::new();
    D.get_or_init(|| {
        DETECTORS
            .iter()
            .map(|&(w, r, g)| (w, Regex::new(r).expect("detector regex"), g))
            .collect()
    })
}

/// All of [`DETECTORS`] in one automaton, indexed as they are.
fn detector_set() -> &'static regex::RegexSet {
    static S: OnceLock<regex::RegexSet> = OnceLock::new();
    S.get_or_init(|| regex::RegexSet::new(DETECTORS.iter().map(|d| d.1)).expect("detector regexes"))
}

/// Credentials recognised by their shape anywhere in `text`.
pub fn detect(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    // One pass of all the patterns together first: nearly every scalar
    // matches none, and then no detector runs on it.
    let any = detector_set().matches(text);
    if !any.matched_any() {
        return out;
    }
    for (i, (what, re, group)) in detectors().iter().enumerate() {
        if !any.matched(i) {
            continue;
        }
        for caps in re.captures_iter(text) {
            let Some(m) = caps.get(*group) else { continue };
            if *group > 0 && (is_reference(m.as_str()) || is_placeholder(m.as_str())) {
                continue;
            }
            out.push(Found {
                what,
                start: m.start(),
                end: m.end(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_keys() {
        for k in [
            "DB_PASSWORD",
            "dbPassword",
            "client-secret",
            "GITHUB_TOKEN",
            "API_KEY",
            "apiKey",
            "SECRET_KEY_BASE",
            "JWT_SECRET",
            "aws_secret_access_key",
            "REDIS_PASS",
        ] {
            assert!(is_credential_key(k), "{k}");
        }
        for k in [
            "PASSWORD_MIN_LENGTH",
            "TOKEN_TTL",
            "DB_SECRET_NAME",
            "TLS_SECRET_REF",
            "PASSWORD_FILE",
            "TOKEN_URL",
            "LOG_LEVEL",
            "SECRET_ARN",
            "PASSWORD_USER",
            "bypass",
            "compass",
            "USE_TOKEN",
            "tokenizer",
            "s3AccessKeyIDName",
            "s3SecretAccessKeyName",
        ] {
            assert!(!is_credential_key(k), "{k}");
        }
    }

    #[test]
    fn references_and_placeholders() {
        for v in [
            "$slack-token",
            "${DB_PASSWORD}",
            "$(TOKEN)",
            "{{ .Values.pw }}",
            "<your-token>",
            "{}",
            "{0}",
            "%s",
            "%(password)s",
        ] {
            assert!(is_reference(v), "{v}");
        }
        for v in [
            "",
            "changeme",
            "xxxx",
            "true",
            "12",
            "/etc/secret/token",
            "NOT_SET",
            "noop",
            "change_me_please",
            "AWS_SECRET_ACCESS_KEY",
            "foobarbaz",
            "UPDATE_ME",
            "update-me",
            "UPDATE_AWS_ACCESS_KEY_ID",
            "REPLACE_WITH_API_TOKEN",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
        assert!(!is_placeholder("s3cr3t-Pa55"));
        assert!(!is_placeholder("updatedPassw0rd!"));
        for v in [
            "my-password",
            "my-token",
            "2019-03-20T17:54:53Z",
            "2024-01-05",
            "shhhh! it's a github secret",
            "put your token here",
            "git_password",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
        assert!(!is_placeholder("my-s3cr3t-token"));
        assert!(!is_placeholder("correct horse battery staple"));
        // A password hash is not a `$VAR` reference.
        assert!(!is_reference(
            "$2a$10$RncPyHW/B5ll2Z3J8s.IBOnbZ9uoJ4JhHLKzj5lzG/kU1KN1Oj3/K"
        ));
        assert!(is_reference("$ADMIN_PASSWORD"));
        assert!(is_placeholder(
            "-----BEGIN OPENSSH PRIVATE KEY-----\n...\n-----END OPENSSH PRIVATE KEY-----\n"
        ));
        assert!(is_placeholder(
            "-----BEGIN RSA PRIVATE KEY-----\n<your private key>\n-----END RSA PRIVATE KEY-----"
        ));
        assert!(!is_placeholder(
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEpQIBAAKCAQEArz7C\n-----END RSA PRIVATE KEY-----"
        ));
    }

    #[test]
    fn detectors_find_shapes() {
        let d = detect("postgres://app:hunter22@db:5432/app");
        assert_eq!(d.len(), 1);
        assert_eq!(
            &"postgres://app:hunter22@db:5432/app"[d[0].start..d[0].end],
            "hunter22"
        );
        assert!(detect("postgres://app:${PW}@db").is_empty());
        assert_eq!(detect("AKIAIOSFODNN7EXAMPLE").len(), 1);
        assert!(detect("https://example.com/path").is_empty());
    }
}
