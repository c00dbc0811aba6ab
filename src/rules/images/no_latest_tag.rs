use super::{images, ImageRef};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{ObjectCx, Rule, RuleMeta, Scope};

/// A container image uses the `latest` tag, or no tag (which means `latest`),
/// after Kustomize `images:` are applied. Digest-pinned images pass. Prod only.
pub struct NoLatestTag;

static META: RuleMeta = RuleMeta::new(
    "no-latest-tag",
    Severity::Error,
    Scope::Object,
    "image tag `latest` or no tag, after Kustomize `images:` are applied; points at the line that set the tag",
)
.prod_only();

impl Rule for NoLatestTag {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        let env = cx.env.unwrap_or("unknown");
        for (c, node, image) in images(cx.object) {
            let r = ImageRef::parse(image);
            if r.digest.is_some() {
                continue;
            }
            let what = match r.tag {
                Some("latest") => "uses the `latest` tag",
                None => "has no tag (defaults to `latest`)",
                Some(_) => continue,
            };
            out.push(
                Diagnostic::new(
                    node.span,
                    format!("image {image} {what} in environment {env}"),
                )
                .with_related(c.anchor(), c.describe())
                .with_help("pin the image to a git SHA or a semantic version"),
            );
        }
    }
}
