use super::{images, ImageRef};
use crate::diagnostic::{Diagnostic, Severity};
use crate::env::wildcard_match;
use crate::rules::meta::{parse_as, typed};
use crate::rules::{ObjectCx, OptionField, OptionKind, OptionsDecl, Rule, RuleMeta, Scope};

/// An image comes from a registry outside the allow-list. Off by default.
pub struct ImageRegistry;

/// `rules.image-registry.options`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    #[serde(default)]
    allowed: Vec<String>,
}

static OPTIONS: OptionsDecl = OptionsDecl {
    fields: &[OptionField {
        name: "allowed",
        kind: OptionKind::StringList,
        doc: "globs matched against the image name as written, fully qualified (`docker.io/library/nginx`) and its registry; `*` matches any characters",
    }],
    parse: parse_as::<Options>,
};

static META: RuleMeta = RuleMeta::new(
    "image-registry",
    Severity::Warning,
    Scope::Object,
    "image registry not in the configured allow-list",
)
.off()
.options(&OPTIONS)
.security_severity(5.0);

impl Rule for ImageRegistry {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        if cx.options.get("allowed").is_none() {
            return; // enabled without an allow-list: nothing to compare against
        }
        let options: Options = typed(cx.options);
        let globs: Vec<&str> = options.allowed.iter().map(String::as_str).collect();
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
