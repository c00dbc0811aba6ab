//! Findings caused by a patch that removed or replaced a value point at the
//! patch operation, with the base line as related.
//!
//! "Caused by" is decided by counterfactual: the rule runs again on the
//! object with the edit undone, and a finding that disappears was caused by
//! the edit. Only objects a patch removed or replaced something in pay for it.

use super::{ObjectCx, Rule};
use crate::diagnostic::{Diagnostic, Related};
use crate::model::Object;

pub fn attribute(rule: &dyn Rule, cx: &ObjectCx, found: &mut [Diagnostic]) {
    if found.is_empty() {
        return;
    }
    let mut attributed = vec![false; found.len()];
    for edit in cx.object.edits.iter() {
        let mut root = cx.object.root.clone();
        if !edit.undo(&mut root) {
            continue;
        }
        let Some(undone) = Object::from_node(root, cx.object.file, cx.object.doc_index) else {
            continue;
        };
        let undone = Object {
            pod_template: cx.object.pod_template.clone(),
            ..undone
        };
        let mut without = Vec::new();
        rule.check_object(
            &ObjectCx {
                object: &undone,
                unit: cx.unit,
                env: cx.env,
                repo: cx.repo,
                options: cx.options,
            },
            &mut without,
        );
        for (d, done) in found.iter_mut().zip(attributed.iter_mut()) {
            if *done || without.iter().any(|w| w.message == d.message) {
                continue;
            }
            *done = true;
            let at = std::mem::replace(&mut d.span, edit.op);
            d.related.push(Related {
                span: edit.base_at,
                message: format!("the base value the patch {}", edit.kind.verb()),
            });
            if at != edit.base_at {
                d.related.push(Related {
                    span: at,
                    message: "where the finding applies".into(),
                });
            }
        }
    }
}
