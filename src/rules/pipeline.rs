//! Rules whose findings are produced by a pipeline stage (rendering,
//! suppression) rather than by a check function; they exist here so they can
//! be listed, documented, configured and selected like any other.

use super::{Rule, RuleMeta, Scope};
use crate::diagnostic::Severity::{Error, Warning};

/// A pipeline rule is just its metadata.
impl Rule for RuleMeta {
    fn meta(&self) -> &RuleMeta {
        self
    }
}

pub static UNUSED_SUPPRESSION: RuleMeta = RuleMeta::new(
    "unused-suppression",
    Warning,
    Scope::File,
    "a suppression comment or annotation that suppressed nothing",
);
pub static INVALID_SUPPRESSION: RuleMeta = RuleMeta::new(
    "invalid-suppression",
    Error,
    Scope::File,
    "a suppression naming a rule that does not exist",
);
pub static KUSTOMIZE_BUILD: RuleMeta = RuleMeta::new(
    "kustomize-build",
    Error,
    Scope::Unit,
    "the unit cannot be rendered, or only partly offline (remote base, helmCharts)",
)
.severity_note("(cannot render) / warning (rendered only partly offline)");
pub static KUSTOMIZE_MISSING_RESOURCE: RuleMeta = RuleMeta::new(
    "kustomize-missing-resource",
    Error,
    Scope::Unit,
    "a file or directory referenced by a kustomization does not exist",
);
pub static KUSTOMIZE_IMAGE_UNUSED: RuleMeta = RuleMeta::new(
    "kustomize-image-unused",
    Warning,
    Scope::Unit,
    "an `images:` entry matches no container image",
);
pub static KUSTOMIZE_PATCH_TARGET_MISSING: RuleMeta = RuleMeta::new(
    "kustomize-patch-target-missing",
    Error,
    Scope::Unit,
    "a patch matches no object",
);
pub static KUSTOMIZE_DEPRECATED_FIELD: RuleMeta = RuleMeta::new(
    "kustomize-deprecated-field",
    Warning,
    Scope::Unit,
    "a deprecated kustomization field (patchesStrategicMerge, bases, commonLabels, ...)",
)
.fix(crate::rules::FixAvailability::Sometimes(
    crate::diagnostic::Applicability::Safe,
));
pub static KUSTOMIZE_UNREFERENCED_FILE: RuleMeta = RuleMeta::new(
    "kustomize-unreferenced-file",
    Warning,
    Scope::Repo,
    "a manifest in a Kustomize directory that no kustomization includes",
);
pub static IO_ERROR: RuleMeta = RuleMeta::new(
    crate::source::IO_ERROR,
    Error,
    Scope::File,
    "a file or directory that cannot be read (permission, not a regular file, over the size limit, outside the root)",
);
