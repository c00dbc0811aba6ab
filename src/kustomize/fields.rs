//! The fields a kustomization may have, and the deprecated ones.

use super::ctx::Ctx;
use super::events::{EventKind, RenderEvent};
use crate::yaml::Node;

/// Top-level fields of a Kustomization or Component (kustomize v5.5).
pub(super) const KNOWN_FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "openapi",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "patchesStrategicMerge",
    "patchesJson6902",
    "patches",
    "images",
    "imageTags",
    "replacements",
    "replicas",
    "vars",
    "sortOptions",
    "resources",
    "components",
    "crds",
    "bases",
    "configMapGenerator",
    "secretGenerator",
    "helmGlobals",
    "helmCharts",
    "helmChartInflationGenerator",
    "generatorOptions",
    "configurations",
    "generators",
    "transformers",
    "validators",
    "buildMetadata",
];

impl Ctx<'_> {
    pub(super) fn deprecations(&mut self, k: &Node) {
        for e in k.entries() {
            if !KNOWN_FIELDS.contains(&e.key.name.as_str()) {
                let suggestion = KNOWN_FIELDS
                    .iter()
                    .min_by_key(|f| crate::suggest::distance(f, &e.key.name))
                    .filter(|f| crate::suggest::distance(f, &e.key.name) <= 3);
                let mut d = RenderEvent::new(
                    EventKind::BuildFailed,
                    e.key.span,
                    format!(
                        "unknown kustomization field `{}`: kustomize refuses the file",
                        e.key.name
                    ),
                );
                if let Some(f) = suggestion {
                    d = d.with_help(format!("did you mean `{f}`?"));
                }
                self.push(d);
            }
            let help = match e.key.name.as_str() {
                "patchesStrategicMerge" => "move the entries to `patches:` (`- path: FILE`)",
                "patchesJson6902" => "move the entries to `patches:` (same `target` and `path`)",
                "bases" => "list the directories under `resources:`",
                "commonLabels" => "use `labels:` with `includeSelectors: true` (or false to leave selectors alone)",
                "vars" => "use `replacements:`",
                "imageTags" => "rename the field to `images:`",
                _ => continue,
            };
            let mut d = RenderEvent::new(
                EventKind::DeprecatedField,
                e.key.span,
                format!("`{}` is deprecated in kustomize v5", e.key.name),
            )
            .with_help(help);
            if let Some(fix) = super::deprecated::fix(self.sources, k, e) {
                d = d.with_fix(fix);
            }
            self.push(d);
        }
    }
}
