//! `patchesStrategicMerge`, `patches` and `patchesJson6902`.

use super::ctx::Ctx;
use super::events::{EventKind, RenderEvent};
use super::json6902;
use super::paths::is_remote;
use super::res::{restore_namespace, set_metadata, str_items, Res, ResId};
use super::select::{resources_with_id, select};
use super::smp::{self, Merged};
use crate::source::join;
use crate::yaml::{Node, Span};

impl Ctx<'_> {
    pub(super) fn patches_strategic_merge(&mut self, dir: &str, k: &Node, acc: &mut Vec<Res>) {
        for item in str_items(k.get("patchesStrategicMerge")) {
            let text = item.as_str().unwrap_or_default();
            let path = join(dir, text);
            let inline = text.contains('\n')
                || (!is_remote(text)
                    && self.sources.by_path(&path).is_none()
                    && !self.sources.root.join(&path).is_file()
                    && text.contains(':'));
            let Some(docs) = self.load_patch(dir, item, inline) else {
                continue;
            };
            for p in docs {
                self.smp_by_id(acc, &p, item.span, false, false);
            }
        }
    }

    /// A strategic merge patch applied to the one resource its own id names.
    pub(super) fn smp_by_id(
        &mut self,
        acc: &mut Vec<Res>,
        patch: &Node,
        span: Span,
        allow_name: bool,
        allow_kind: bool,
    ) {
        let pid = ResId::of(patch);
        match resources_with_id(acc, &pid).as_slice() {
            [i] => {
                let i = *i;
                if self.apply_smp(&mut acc[i], patch, allow_name, allow_kind) {
                    acc.remove(i);
                }
            }
            [] => self.push(RenderEvent::new(EventKind::PatchTargetMissing,
                span,
                format!("no resource matches the strategic merge patch for {}", pid.display()),
            ).with_help("check the patch's apiVersion, kind, metadata.name and metadata.namespace against the resources")),
            _ => self.error(span, format!("several resources match the patch for {}", pid.display())),
        }
    }

    /// Returns true when the patch deleted the resource.
    pub(super) fn apply_smp(
        &mut self,
        r: &mut Res,
        patch: &Node,
        allow_name: bool,
        allow_kind: bool,
    ) -> bool {
        if allow_name || allow_kind {
            r.store_prev();
        }
        let name = r.node.path(&["metadata", "name"]).cloned();
        let ns = r.node.path(&["metadata", "namespace"]).cloned();
        let kind = r.node.get("kind").cloned();
        let openapi = self.openapi.as_deref();
        if smp::apply(&mut r.node, patch, openapi, &mut r.edits) == Merged::Deleted {
            return true;
        }
        let span = r.node.span;
        if !allow_kind {
            if let Some(kn) = kind {
                r.node.set("kind", kn.span, kn);
            }
        }
        if !allow_name {
            if let Some(n) = name {
                set_metadata(&mut r.node, "name", n, span);
            }
        }
        restore_namespace(&mut r.node, ns, span);
        false
    }

    pub(super) fn patches(&mut self, dir: &str, k: &Node, acc: &mut Vec<Res>) {
        for p in k.get("patches").map(Node::items).unwrap_or(&[]) {
            let Some((entry, docs)) = self.load_patch_entry(dir, p) else {
                continue;
            };
            let allow_name = p
                .path(&["options", "allowNameChange"])
                .and_then(Node::as_bool)
                == Some(true);
            let allow_kind = p
                .path(&["options", "allowKindChange"])
                .and_then(Node::as_bool)
                == Some(true);
            let is_json = docs.len() == 1 && docs[0].as_seq().is_some();
            let target = p.get("target");
            if is_json {
                let Some(target) = target else {
                    self.error(p.span, "a JSON 6902 patch needs a `target`");
                    continue;
                };
                self.json_patch(acc, target, &docs[0], entry.span);
                continue;
            }
            match target {
                None => {
                    for d in &docs {
                        self.smp_by_id(acc, d, entry.span, allow_name, allow_kind);
                    }
                }
                Some(t) => {
                    if docs.len() != 1 {
                        self.error(p.span, "a `patches` entry with a target must hold exactly one strategic merge patch");
                        continue;
                    }
                    // A target is a selector: kustomize accepts one that
                    // selects nothing (Components rely on it), so it is no event.
                    let selected = select(acc, t);
                    let mut deleted = Vec::new();
                    for i in selected {
                        if self.apply_smp(&mut acc[i], &docs[0], allow_name, allow_kind) {
                            deleted.push(i);
                        }
                    }
                    for i in deleted.into_iter().rev() {
                        acc.remove(i);
                    }
                }
            }
        }
    }

    pub(super) fn json_patch(&mut self, acc: &mut [Res], target: &Node, ops: &Node, span: Span) {
        // Selecting nothing is accepted by kustomize, as for targeted SMPs.
        let selected = select(acc, target);
        for i in selected {
            let r = &mut acc[i];
            if let Err(e) = json6902::apply(&mut r.node, ops, &mut r.edits) {
                let id = acc[i].cur();
                self.error(
                    span,
                    format!("cannot apply the JSON patch to {}: {e}", id.display()),
                );
            }
        }
    }

    pub(super) fn patches_json6902(&mut self, dir: &str, k: &Node, acc: &mut [Res]) {
        for p in k.get("patchesJson6902").map(Node::items).unwrap_or(&[]) {
            let Some((entry, docs)) = self.load_patch_entry(dir, p) else {
                continue;
            };
            let Some(target) = p.get("target") else {
                self.error(p.span, "a JSON 6902 patch needs a `target`");
                continue;
            };
            let Some(ops) = docs.first() else { continue };
            self.json_patch(acc, target, ops, entry.span);
        }
    }
}
