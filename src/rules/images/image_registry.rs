use super::{images, ImageRef};
use crate::diagnostic::{Diagnostic, Severity};
use crate::env::wildcard_match;
use crate::rules::{ObjectCx, Rule, RuleMeta, Scope};

/// An image comes from a registry outside the allow-list. Off by default.
///
/// Options: `allowed: [globs]`, matched against the image name as written and
/// fully qualified (`docker.io/library/nginx`); `*` matches any characters.
pub struct ImageRegistry;

static META: RuleMeta = RuleMeta::new(
    "image-registry",
    Severity::Warning,
    Scope::Object,
    "image registry not in the configured allow-list",
)
.off();

impl Rule for ImageRegistry {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        let Some(allowed) = cx.options.get("allowed").and_then(|a| a.as_array()) else {
            return;
        };
        let globs: Vec<&str> = allowed.iter().filter_map(|g| g.as_str()).collect();
        for (c, node, image) in images(cx.object) {
            let r = ImageRef::parse(image);
            let full = r.full_name();
            let ok = globs.iter().any(|g| {
                wildcard_match(g, r.name)
                    || wildcard_match(g, &full)
                    || wildcard_match(g, image)
                    || wildcard_match(g, r.registry())
            });
            if ok {
                continue;
            }
            out.push(
                Diagnostic::new(
                    node.span,
                    format!(
                        "image {image} comes from registry `{}`, which is not allowed",
                        r.registry()
                    ),
                )
                .with_related(c.anchor(), c.describe())
                .with_help(format!(
                    "use an image from an allowed registry ({})",
                    globs.join(", ")
                )),
            );
        }
    }
}
