use std::collections::HashMap;

use super::{Rule, RuleMeta, Scope, UnitCx};
use crate::diagnostic::{Diagnostic, Severity};
use crate::yaml::FileId;

/// The same group/kind/namespace/name twice in one deployed unit. In a loose
/// unit (plain manifests nothing deploys) files are alternatives as often as
/// parts of one set (install bundles side by side, fixture variants, test
/// steps), so only a repeat within one file is a finding there.
pub struct DuplicateResource;

static META: RuleMeta = RuleMeta::new(
    "duplicate-resource",
    Severity::Error,
    Scope::Unit,
    "the same kind/namespace/name twice in one render unit",
);

impl Rule for DuplicateResource {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_unit(&self, cx: &UnitCx, out: &mut Vec<Diagnostic>) {
        let reg = &cx.repo.schemas;
        let deployed = cx.unit.is_deployed();
        let mut seen: HashMap<(Option<FileId>, &str, &str, &str, &str), &crate::model::Object> =
            HashMap::new();
        // A unit holds few kinds: ask the registry once per kind.
        let mut scope: HashMap<(&str, &str), bool> = HashMap::new();
        for o in &cx.unit.objects {
            if o.name.is_empty() || cx.repo.is_patch_file(o.file) {
                continue;
            }
            let ns = match o.namespace.as_deref() {
                None => "",
                Some(ns) => {
                    let cluster = *scope
                        .entry((o.api_version.as_str(), o.kind.as_str()))
                        .or_insert_with(|| {
                            reg.is_cluster_scoped(&o.api_version, &o.kind) == Some(true)
                        });
                    if cluster {
                        ""
                    } else {
                        ns
                    }
                }
            };
            let file = (!deployed).then_some(o.file);
            let key = (file, o.group(), o.kind.as_str(), ns, o.name.as_str());
            match seen.get(&key) {
                None => {
                    seen.insert(key, o);
                }
                Some(first) => {
                    let id = if ns.is_empty() {
                        format!("{} {}", o.kind, o.name)
                    } else {
                        format!("{} {}/{}", o.kind, ns, o.name)
                    };
                    out.push(super::wiring::in_context(
                        cx,
                        o,
                        Diagnostic::new(
                            o.anchor_span(),
                            format!("{id} is defined twice in unit {}", cx.unit.name()),
                        )
                        .with_related(first.anchor_span(), "first defined here")
                        .with_help("keep one definition; move environment-specific variants into their overlays"),
                    ));
                }
            }
        }
    }
}
