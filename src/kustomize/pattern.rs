//! kustomize's anchored name patterns (image names, patch target names and
//! namespaces are Go regular expressions). Most are plain names, matched
//! here without compiling a regex: a compiled one costs tens of KB, and a
//! repository of 1,000 services has a distinct image name per service.

#[derive(Clone, Debug)]
pub(crate) enum NamePattern {
    /// Literal characters, where `.` matches any character but a newline.
    Plain(String),
    Regex(regex::Regex),
    /// Not a valid regular expression: kustomize falls back on equality.
    Invalid(String),
}

/// Characters with no regex meaning (and `.`, handled as regex does).
fn is_plain(pattern: &str) -> bool {
    pattern
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"_-/:@.".contains(&b))
}

impl NamePattern {
    /// `pattern`, matched against a whole value (`^(?:pattern)$`).
    pub(crate) fn whole(pattern: &str) -> NamePattern {
        if is_plain(pattern) {
            return NamePattern::Plain(pattern.to_string());
        }
        match super::regex(&format!("^(?:{pattern})$")) {
            Some(re) => NamePattern::Regex(re),
            None => NamePattern::Invalid(pattern.to_string()),
        }
    }

    pub(crate) fn matches(&self, value: &str) -> bool {
        match self {
            NamePattern::Plain(p) => dotted_prefix(value, p) == Some(value.len()),
            NamePattern::Regex(re) => re.is_match(value),
            NamePattern::Invalid(p) => p == value,
        }
    }
}

/// Byte length of the prefix of `value` that `pattern` matches, when it does.
pub(crate) fn dotted_prefix(value: &str, pattern: &str) -> Option<usize> {
    let mut chars = value.char_indices();
    for p in pattern.chars() {
        let (_, c) = chars.next()?;
        if !(p == c || (p == '.' && c != '\n')) {
            return None;
        }
    }
    Some(chars.next().map_or(value.len(), |(i, _)| i))
}

/// An image entry's `name` (kustomize's `IsImageMatched`: the name as a
/// regex, then an optional `:tag` and `@sha256:digest`).
#[derive(Clone, Debug)]
pub(crate) enum ImagePattern {
    Plain(String),
    Regex(regex::Regex),
    Invalid,
}

const TAG_CHARS: &str = "[a-zA-Z0-9_.{}-]";

impl ImagePattern {
    pub(crate) fn new(name: &str) -> ImagePattern {
        if is_plain(name) {
            return ImagePattern::Plain(name.to_string());
        }
        match super::regex(&format!("^{name}(:{TAG_CHARS}*)?(@sha256:{TAG_CHARS}*)?$")) {
            Some(re) => ImagePattern::Regex(re),
            None => ImagePattern::Invalid,
        }
    }

    /// `None` when the pattern does not compile (the caller compares names).
    pub(crate) fn matches(&self, image: &str) -> Option<bool> {
        match self {
            ImagePattern::Plain(name) => {
                Some(dotted_prefix(image, name).is_some_and(|at| is_tag_and_digest(&image[at..])))
            }
            ImagePattern::Regex(re) => Some(re.is_match(image)),
            ImagePattern::Invalid => None,
        }
    }
}

/// `(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$`
fn is_tag_and_digest(rest: &str) -> bool {
    let tag_char = |c: char| c.is_ascii_alphanumeric() || "_.{}-".contains(c);
    let skip_tag = |s: &str| s.trim_start_matches(tag_char).len();
    let mut rest = rest;
    if let Some(tag) = rest.strip_prefix(':') {
        rest = &tag[tag.len() - skip_tag(tag)..];
    }
    if let Some(digest) = rest.strip_prefix("@sha256:") {
        rest = &digest[digest.len() - skip_tag(digest)..];
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain path agrees with the regex kustomize compiles.
    #[test]
    fn plain_patterns_match_as_their_regex() {
        let names = [
            "nginx",
            "my.registry/app",
            "a-b_c",
            "ghcr.io/x/y",
            "svc.",
            ".",
        ];
        let values = [
            "nginx",
            "nginx:1.2",
            "nginx@sha256:abc",
            "nginx:1.2@sha256:abc",
            "nginx:1.2:3",
            "nginxx",
            "my.registry/app:v1",
            "myXregistry/app",
            "a-b_c:{{tag}}",
            "ghcr.io/x/y:latest@sha256:0",
            "svcX",
            "svc\n",
            "x",
            "",
            "nginx@sha256:a@b",
        ];
        for n in names {
            let whole = regex::Regex::new(&format!("^(?:{n})$")).unwrap();
            let image = regex::Regex::new(&format!("^{n}(:{TAG_CHARS}*)?(@sha256:{TAG_CHARS}*)?$"))
                .unwrap();
            for v in values {
                assert_eq!(
                    NamePattern::whole(n).matches(v),
                    whole.is_match(v),
                    "{n} ~ {v:?}"
                );
                assert_eq!(
                    ImagePattern::new(n).matches(v),
                    Some(image.is_match(v)),
                    "image {n} ~ {v:?}"
                );
            }
        }
    }

    #[test]
    fn other_patterns_use_a_regex() {
        assert!(NamePattern::whole("app-(a|b)").matches("app-b"));
        assert!(!NamePattern::whole("app-(a|b)").matches("app-c"));
        assert!(NamePattern::whole("(").matches("("));
        assert_eq!(ImagePattern::new("(").matches("("), None);
    }
}
