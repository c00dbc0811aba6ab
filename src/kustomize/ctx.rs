//! The render context: what one render has read and observed so far.

use std::collections::{BTreeSet, HashSet};

use super::events::{EventKind, RenderEvent};
use super::fieldspec::ConfigSpec;
use super::merge_keys::OpenApi;
use super::nameref::NameReference;
use super::res::ResId;
use super::vars::Vars;
use crate::fsread::{ReadError, RootReader, DEFAULT_MAX_FILE_SIZE};
use crate::source::Sources;
use crate::yaml::{FileId, Span, Str};

pub(super) struct Ctx<'a> {
    pub(super) sources: &'a Sources,
    pub(super) events: Vec<RenderEvent>,
    pub(super) files: BTreeSet<FileId>,
    pub(super) stack: Vec<String>,
    /// Something was skipped (remote base, Helm chart, plugin): a patch or
    /// image entry may target what is missing, so "matches nothing" is not said.
    pub(super) incomplete: bool,
    /// Generators that could not be built: replacements sourcing them are not
    /// reported again.
    pub(super) failed_generators: BTreeSet<String>,
    pub(super) vars: Vars,
    /// `nameReference` entries of `configurations:` files.
    pub(super) name_references: Vec<NameReference>,
    /// `commonLabels`/`commonAnnotations`/`namespace` field specs of `configurations:` files.
    pub(super) config_specs: Vec<ConfigSpec>,
    /// A kustomization's `openapi:` document: it replaces kustomize's bundled
    /// schema for strategic merges (globally, as in kyaml).
    pub(super) openapi: Option<Box<OpenApi>>,
    /// Reads of files outside the linted set: inside the repository root,
    /// regular files only, bounded (None when the root itself is unreadable).
    /// Made on first use: most renders read only linted files, and making
    /// one (canonicalize the root, open it) per unit cost ~8 syscalls each.
    pub(super) reader: std::cell::OnceCell<Option<RootReader>>,
    /// The ids in each accumulator being filled by `resources:` (innermost
    /// last), so adding a resource checks for a duplicate id by hash.
    pub(super) resource_ids: Vec<HashSet<IdKey>>,
}

/// A resource id as kustomize compares ids when adding one (`ResId::equals`):
/// group, version, kind, name and effective namespace.
pub(super) type IdKey = (Str, Str, Str, Str, Str);

pub(super) fn id_key(id: &ResId) -> IdKey {
    (
        id.group.clone(),
        id.version.clone(),
        id.kind.clone(),
        id.name.clone(),
        id.effective_namespace().into(),
    )
}

impl<'a> Ctx<'a> {
    pub(super) fn new(sources: &'a Sources) -> Ctx<'a> {
        Ctx {
            sources,
            events: Vec::new(),
            files: BTreeSet::new(),
            stack: Vec::new(),
            incomplete: false,
            failed_generators: BTreeSet::new(),
            vars: Vars::default(),
            name_references: Vec::new(),
            config_specs: Vec::new(),
            openapi: None,
            reader: std::cell::OnceCell::new(),
            resource_ids: Vec::new(),
        }
    }
}

impl Ctx<'_> {
    pub(super) fn push(&mut self, ev: RenderEvent) {
        let about_missing_targets = matches!(
            ev.kind,
            EventKind::PatchTargetMissing | EventKind::ImageUnused
        );
        if about_missing_targets && self.incomplete {
            return;
        }
        self.events.push(ev);
    }

    pub(super) fn error(&mut self, span: Span, msg: impl Into<String>) {
        self.push(RenderEvent::new(EventKind::BuildFailed, span, msg));
    }

    pub(super) fn warn(&mut self, span: Span, msg: impl Into<String>) {
        self.push(RenderEvent::new(EventKind::Skipped, span, msg));
    }

    /// Resources were skipped (remote, Helm chart, generator plugin): the render is incomplete.
    pub(super) fn warn_skipped_resources(&mut self, span: Span, msg: impl Into<String>) {
        self.incomplete = true;
        self.warn(span, msg);
    }

    /// Read a repo-relative file that is not among the linted files. Nothing
    /// outside the repository root is opened, and only regular files are read.
    pub(super) fn read_unlisted(&self, path: &str) -> Result<Vec<u8>, ReadError> {
        let reader = (self.reader)
            .get_or_init(|| RootReader::new(&self.sources.root, DEFAULT_MAX_FILE_SIZE).ok());
        match reader {
            Some(r) => r.read(std::path::Path::new(path)),
            None => Err(ReadError::NotFound),
        }
    }

    /// Report a file that could not be read (the reason, never its content).
    pub(super) fn unreadable(&mut self, span: Span, path: &str, e: &ReadError) {
        let msg = format!("cannot read `{path}`: {e}");
        self.error(span, msg);
    }

    /// kustomize refuses files outside the kustomization's directory; ftlint
    /// reports it and still uses the file.
    pub(super) fn restricted(&mut self, span: Span, path: &str, dir: &str) {
        let d = if dir.is_empty() { "." } else { dir };
        self.push(
            RenderEvent::new(EventKind::BuildFailed,
                span,
                format!("`{path}` is not in or below `{d}`: kustomize refuses to load it (load restrictions)"),
            )
            .with_help("move the file into the kustomization's directory, or make its directory a kustomization and list that"),
        );
    }
}
