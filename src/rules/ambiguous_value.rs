use super::{FileCx, Rule, RuleMeta, Scope};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::yaml::{edit, Node, PathSeg, Value};

/// A plain scalar read differently by YAML 1.1 (Kubernetes) and YAML 1.2.
pub struct AmbiguousValue;

static META: RuleMeta = RuleMeta::new(
    "ambiguous-value",
    Severity::Warning,
    Scope::File,
    "a plain scalar that YAML 1.1 and 1.2 read differently (`yes`, `on`, `0755`) where a string is expected",
)
.fix(crate::rules::FixAvailability::Safe);

/// Fields whose values Kubernetes expects to be strings.
fn expects_string(path: &[PathSeg]) -> bool {
    let keys: Vec<&str> = path
        .iter()
        .filter_map(|s| match s {
            PathSeg::Key(k) => Some(*k),
            PathSeg::Index(_) => None,
        })
        .collect();
    let Some(last) = keys.last() else {
        return false;
    };
    let parent = keys.len().checked_sub(2).map(|i| keys[i]);
    matches!(
        parent,
        Some(
            "labels"
                | "annotations"
                | "data"
                | "stringData"
                | "matchLabels"
                | "selector"
                | "nodeSelector"
        )
    ) || (*last == "value" && keys.contains(&"env"))
        || matches!(
            *last,
            "name" | "image" | "namespace" | "value" | "targetRevision"
        )
}

impl Rule for AmbiguousValue {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_file(&self, cx: &FileCx, out: &mut Vec<Diagnostic>) {
        for doc in &cx.file.parsed.documents {
            // Only Kubernetes objects and kustomizations are read with YAML 1.1 semantics here.
            if doc.root.get("kind").is_none() && doc.root.get("resources").is_none() {
                continue;
            }
            // Kustomize reads the resources and patches it is given with go-yaml
            // v3 (`yes`/`on`/`y` stay strings and are written back quoted): in a
            // file only it reads, only the numbers differ. Its own
            // kustomization it reads as Kubernetes does.
            let kustomize_only = cx.repo.index().is_kustomize_only(cx.file.id)
                && !crate::kustomize::is_kustomization_file(&cx.file.path);
            doc.root.walk(&mut |path, node: &Node| {
                if !node.ambiguous || node.span.file != cx.file.id || !expects_string(path) {
                    return;
                }
                if kustomize_only && matches!(node.value, Value::Bool(_)) {
                    return;
                }
                let written = cx.repo.sources.text(node.span);
                let read_as = match node.value {
                    Value::Bool(b) => format!("the boolean {b}"),
                    Value::Int(i) => format!("the integer {i}"),
                    _ => return,
                };
                out.push(
                    Diagnostic::new(
                        node.span,
                        format!("`{written}` is read by Kubernetes as {read_as}, not the string \"{written}\""),
                    )
                    .with_help(format!("quote it: \"{written}\""))
                    .with_fix(Fix {
                        message: format!("quote `{written}`"),
                        applicability: Applicability::Safe,
                        edits: edit::quote_scalar(written, node).into_iter().collect(),
                    }),
                );
            });
        }
    }
}
