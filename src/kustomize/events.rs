//! What the renderer observed, as structured events. The renderer never
//! decides how a user is told: the Kustomize rules (`rules::kustomize`) turn
//! these events into findings with their rule ids and severities.

use crate::diagnostic::Fix;
use crate::yaml::Span;

/// The kind of thing that happened while rendering a kustomization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    /// kustomize would refuse to build this (invalid field, cycle, conflict, ...).
    BuildFailed,
    /// A part was not rendered offline (remote base, Helm chart, plugin,
    /// unsupported field); the rest of the unit was.
    Skipped,
    /// A file or directory the kustomization names does not exist.
    MissingFile,
    /// A patch (or its target) matched no resource.
    PatchTargetMissing,
    /// An `images:` entry matched no container image.
    ImageUnused,
    /// A deprecated kustomization field.
    DeprecatedField,
    /// A manifest in a Kustomize directory that no kustomization includes.
    UnreferencedFile,
}

/// One observation: where, what, and optionally how to fix it.
#[derive(Debug, Clone)]
pub struct RenderEvent {
    pub kind: EventKind,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    /// Further places worth showing (e.g. the base line a patch removed).
    pub related: Vec<(Span, String)>,
    pub fix: Option<Fix>,
}

impl RenderEvent {
    pub fn new(kind: EventKind, span: Span, message: impl Into<String>) -> RenderEvent {
        RenderEvent {
            kind,
            span,
            message: message.into(),
            help: None,
            related: Vec::new(),
            fix: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push((span, message.into()));
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }
}
