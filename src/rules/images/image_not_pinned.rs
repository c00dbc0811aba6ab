use super::{images, ImageRef};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{ObjectCx, Rule, RuleMeta, Scope};

/// An image tag that is neither a git SHA, a semantic version nor a digest
/// (`main`, `stable`, `16`). `latest` and missing tags are `no-latest-tag`'s. Prod only.
pub struct ImageNotPinned;

static META: RuleMeta = RuleMeta::new(
    "image-not-pinned",
    Severity::Warning,
    Scope::Object,
    "tag is neither a git SHA, a semantic version, nor a digest (`main`, `stable`)",
)
.prod_only();

fn is_hex_sha(s: &str) -> bool {
    (7..=40).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `v1.2.3`, `1.2`, `1.2.3-rc.1`, `1.25-alpine`, `2024.01.15`, `v5`: at least
/// major.minor, or a `v`-prefixed release number.
fn is_version(tag: &str) -> bool {
    let prefixed = tag.starts_with('v');
    let t = tag.strip_prefix('v').unwrap_or(tag);
    let core_end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let core = &t[..core_end];
    let parts: Vec<&str> = core.split('.').collect();
    // A bare major (`16`, `16-alpine`) floats; a `v`-prefixed release (`v5`) does not.
    if (parts.len() < 2 && !prefixed) || parts.iter().any(|p| p.is_empty()) {
        return false;
    }
    let rest = &t[core_end..];
    rest.is_empty() || rest.starts_with(['-', '+', '_'])
}

/// A release stamped with its date: `RELEASE.2023-05-04T21-44-30Z`,
/// `20240101`, `nightly-2024-01-15`, `v20240101-abc1234`. Each is one build.
fn is_dated_release(tag: &str) -> bool {
    static R: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    R.get_or_init(|| {
        regex::Regex::new(r"(^|[^0-9])(19|20)[0-9]{2}([-._]?)(0[1-9]|1[0-2])([-._]?)(0[1-9]|[12][0-9]|3[01])([^0-9]|$)")
            .expect("date regex")
    })
    .captures(tag)
    .is_some_and(|c| c[3] == c[5])
}

/// A tag that identifies one build: a version, a git SHA (also inside
/// `sha-1a2b3c4`, `main-1a2b3c4-1700000000`), a dated release or a long
/// build number.
pub fn is_pinned_tag(tag: &str) -> bool {
    is_version(tag)
        || is_dated_release(tag)
        || tag
            .split(['-', '_', '.'])
            .any(|seg| is_hex_sha(seg) && seg.bytes().any(|b| b.is_ascii_digit()))
}

impl Rule for ImageNotPinned {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        for (c, node, image) in images(cx.object) {
            let r = ImageRef::parse(image);
            if r.digest.is_some() {
                continue;
            }
            let Some(tag) = r.tag.filter(|t| *t != "latest") else {
                continue;
            };
            if is_pinned_tag(tag) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    node.span,
                    format!("image {image} uses the moving tag `{tag}`, not a version, git SHA or digest"),
                )
                .with_related(c.anchor(), c.describe())
                .with_help("pin the image to a semantic version (1.4.2), a git SHA or a digest (@sha256:…)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_pinned_tag;

    #[test]
    fn pinned_tags() {
        for t in [
            "v1.2.3",
            "1.2",
            "1.2.3-rc.1",
            "1.25-alpine",
            "3a4b5c6",
            "sha-3a4b5c6",
            "main-3a4b5c6d-1700000000",
            "2024.01.15",
            "v5",
            "RELEASE.2023-05-04T21-44-30Z",
            "v20240101-abc1234",
            "nightly-2024-01-15",
            "20231120",
        ] {
            assert!(is_pinned_tag(t), "{t}");
        }
        for t in [
            "main",
            "stable",
            "16",
            "16-alpine",
            "edge",
            "dev",
            "deadbeef-no",
            "vnext",
            "nightly",
            "release-2024",
        ] {
            assert!(!is_pinned_tag(t), "{t}");
        }
    }
}
