//! The Kustomize rules: they turn the renderer's events into findings.
//! The renderer (`crate::kustomize`) only says what happened; which rule
//! reports it, and how severe it is, is decided here.

use super::pipeline::{
    KUSTOMIZE_BUILD, KUSTOMIZE_DEPRECATED_FIELD, KUSTOMIZE_IMAGE_UNUSED,
    KUSTOMIZE_MISSING_RESOURCE, KUSTOMIZE_PATCH_TARGET_MISSING, KUSTOMIZE_UNREFERENCED_FILE,
};
use super::RuleMeta;
use crate::diagnostic::{Diagnostic, Severity};
use crate::kustomize::{EventKind, RenderEvent};
use crate::source::Sources;
use crate::units::UnitEvent;
use crate::yaml::FileId;

/// The rule that reports an event kind, and the severity of its finding.
pub fn rule_of(kind: EventKind) -> (&'static RuleMeta, Severity) {
    match kind {
        EventKind::BuildFailed => (&KUSTOMIZE_BUILD, Severity::Error),
        EventKind::Skipped => (&KUSTOMIZE_BUILD, Severity::Warning),
        EventKind::MissingFile => (&KUSTOMIZE_MISSING_RESOURCE, Severity::Error),
        EventKind::PatchTargetMissing => (&KUSTOMIZE_PATCH_TARGET_MISSING, Severity::Error),
        EventKind::ImageUnused => (&KUSTOMIZE_IMAGE_UNUSED, Severity::Warning),
        EventKind::DeprecatedField => (&KUSTOMIZE_DEPRECATED_FIELD, Severity::Warning),
        EventKind::UnreferencedFile => (&KUSTOMIZE_UNREFERENCED_FILE, Severity::Warning),
    }
}

/// The finding for one render event.
pub fn finding(ev: &RenderEvent) -> Diagnostic {
    let (rule, severity) = rule_of(ev.kind);
    let mut d = Diagnostic::new(ev.span, ev.message.clone()).with_severity(severity);
    d.rule = rule.id;
    if let Some(h) = &ev.help {
        d = d.with_help(h.clone());
    }
    for (span, msg) in &ev.related {
        d = d.with_related(*span, msg.clone());
    }
    if let Some(f) = &ev.fix {
        d = d.with_fix(f.clone());
    }
    d
}

/// The findings for a list of render events, in order.
pub fn findings(events: &[RenderEvent]) -> Vec<Diagnostic> {
    events.iter().map(finding).collect()
}

/// The findings for the events of building the units, each naming its unit.
/// A Secret template of fill-in markers that no kustomization lists is
/// completed and applied by hand: not an unreferenced file.
pub fn unit_findings(events: &[UnitEvent], sources: &Sources) -> Vec<Diagnostic> {
    events
        .iter()
        .filter(|ue| {
            ue.event.kind != EventKind::UnreferencedFile
                || !is_secret_template_file(sources, ue.event.span.file)
        })
        .map(|ue| {
            let mut d = finding(&ue.event);
            if let Some(unit) = &ue.unit {
                d.context.units.push(unit.clone());
            }
            d
        })
        .collect()
}

/// Every document of the file is a Secret of fill-in markers.
fn is_secret_template_file(sources: &Sources, file: FileId) -> bool {
    let docs = &sources.get(file).parsed.documents;
    let objects: Vec<&crate::yaml::Node> = (docs.iter())
        .map(|d| &d.root)
        .filter(|r| !r.is_null())
        .collect();
    !objects.is_empty()
        && (objects.iter()).all(|r| super::secrets::no_plaintext_secret::is_fill_in_template(r))
}
