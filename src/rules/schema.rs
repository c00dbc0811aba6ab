use super::{FileCx, ObjectCx, Rule, RuleMeta, Scope};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::schema::{wiring, SchemaErrorKind, Validation};
use crate::yaml::{edit, ScalarStyle};

/// The object violates its schema: missing required field, wrong type, unknown
/// field (strict). Kustomization files are validated too, with their keys
/// matched case-insensitively as kustomize decodes them; custom resources
/// with their `null` fields dropped, as the API server does. Patch files and
/// documents carrying patch directives are fragments, never validated.
pub struct Schema;

static META: RuleMeta = RuleMeta::new(
    "schema",
    Severity::Error,
    Scope::Object,
    "the object violates its schema: missing required field, wrong type, unknown field (strict)",
)
.fix(crate::rules::FixAvailability::Sometimes(
    Applicability::Unsafe,
));

fn push_errors(
    sources: &crate::source::Sources,
    errs: Vec<crate::schema::SchemaError>,
    root: &crate::yaml::Node,
    anchor: crate::yaml::Span,
    out: &mut Vec<Diagnostic>,
) {
    for e in errs {
        if let SchemaErrorKind::WrongType { expected, .. } = &e.kind {
            // `yes`/`on`/`0755` where a string is expected: `ambiguous-value` reports
            // it with the YAML 1.1 explanation; one finding per line is enough.
            if expected.contains("string")
                && wiring::node_at(root, &e.path).is_some_and(|n| n.ambiguous)
            {
                continue;
            }
        }
        let span = wiring::locate(root, anchor, &e);
        let mut d = Diagnostic::new(span, e.message.clone());
        match &e.kind {
            SchemaErrorKind::UnknownField {
                suggestion: Some(s),
                ..
            } => {
                // Renaming the key is what the user meant most of the time, but
                // not always: offered, applied only with --unsafe-fixes.
                d = d.with_fix(Fix {
                    message: format!("rename to `{s}`"),
                    applicability: Applicability::Unsafe,
                    edits: vec![edit::rename_key(sources.text(span), span, s)],
                });
            }
            SchemaErrorKind::UnknownField { .. } => {
                d = d.with_help(
                    "remove the field, or check its indentation: it may belong to another mapping",
                );
            }
            SchemaErrorKind::WrongType { expected, found }
                if found == "string"
                    && wiring::node_at(root, &e.path)
                        .is_some_and(|n| n.style != ScalarStyle::Plain)
                    && (expected.contains("integer")
                        || expected.contains("number")
                        || expected.contains("boolean")) =>
            {
                d = d.with_help("remove the quotes if the value is meant as a number or boolean");
            }
            SchemaErrorKind::WrongType { expected, .. } if expected.contains("string") => {
                d = d.with_help("quote the value to make it a string");
            }
            _ => {}
        }
        out.push(d);
    }
}

/// A strategic-merge patch written out on its own (its kustomization not in
/// the repository, or the entry commented out): it carries the patch
/// directives (`$patch`, `$setElementOrder/…`, `$retainKeys`,
/// `$deleteFromPrimitiveList/…`) that only a patch has. Never a whole object.
fn is_patch_fragment(node: &crate::yaml::Node) -> bool {
    use crate::yaml::Value;
    match &node.value {
        Value::Map(entries) => entries.iter().any(|e| {
            let k: &str = &e.key.name;
            k.starts_with('$')
                && (k == "$patch"
                    || k == "$retainKeys"
                    || k.starts_with("$setElementOrder/")
                    || k.starts_with("$deleteFromPrimitiveList/"))
                || is_patch_fragment(&e.value)
        }),
        Value::Seq(items) => items.iter().any(is_patch_fragment),
        _ => false,
    }
}

impl Rule for Schema {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_file(&self, cx: &FileCx, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.kustomization() else {
            return;
        };
        if root.as_map().is_none() {
            return;
        }
        let api = root.str_at(&["apiVersion"]);
        let kind = root.str_at(&["kind"]).unwrap_or("Kustomization");
        if api.is_some_and(|a| !a.starts_with("kustomize.config.k8s.io/")) {
            return; // not a kustomize file (e.g. a Flux Kustomization): not ours to check
        }
        let v = match api {
            Some(a) => cx.repo.schemas.validate_owned(a, kind, root.to_json()),
            None => cx.repo.schemas.validate_kustomization_owned(root.to_json()),
        };
        if let Validation::Invalid(errs) = v {
            let anchor = root
                .entries()
                .first()
                .map(|e| e.key.span)
                .unwrap_or(root.span);
            push_errors(&cx.repo.sources, errs, root, anchor, out);
        }
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        let o = cx.object;
        if cx.repo.is_patch_file(o.file) || is_patch_fragment(&o.root) {
            return;
        }
        let skip_top = o.is_sops_encrypted().then_some("sops");
        if let Validation::Invalid(errs) =
            cx.repo
                .schemas
                .validate_node(&o.api_version, &o.kind, &o.root, skip_top, || {
                    o.to_json_for_schema()
                })
        {
            push_errors(&cx.repo.sources, errs, &o.root, o.anchor_span(), out);
        }
    }
}
