//! The rule registry and the contexts rules receive.
//!
//! A rule never parses, reads files or prints: it receives typed, spanned data
//! and pushes [`Diagnostic`]s. Adding a rule: write its file, add one line to
//! [`REGISTRY`], add `tests/fixtures/<id>/{bad,good}` and `rules/<id>.md`
//! (prose only: its header is generated from the rule's [`RuleMeta`]).

use crate::diagnostic::Diagnostic;
use crate::model::{Object, Unit};
use crate::repo::Repo;
use crate::source::SourceFile;

mod ambiguous_value;
mod argocd;
mod deprecated_api;
mod duplicate_key;
mod duplicate_resource;
pub mod images;
pub mod kustomize;
pub mod meta;
pub mod options;
pub mod patch_provenance;
pub mod pipeline;
pub mod rbac;
mod schema;
pub mod secrets;
mod unknown_kind;
pub mod wiring;
pub mod workloads;
mod yaml_syntax;

pub use meta::{FixAvailability, OptionField, OptionKind, OptionsDecl, RuleMeta, Scope};

/// Per-rule options from the config (`rules.<id>.options`), as JSON.
pub type Options = serde_json::Value;

pub struct FileCx<'a> {
    pub file: &'a SourceFile,
    pub repo: &'a Repo,
    pub options: &'a Options,
}

impl<'a> FileCx<'a> {
    /// The root of the file's first document, if the file is a kustomization.
    pub fn kustomization(&self) -> Option<&'a crate::yaml::Node> {
        if self.file.kind != crate::source::FileKind::Kustomization {
            return None;
        }
        self.file.parsed.documents.first().map(|d| &d.root)
    }
}

pub struct ObjectCx<'a> {
    pub object: &'a Object,
    pub unit: &'a Unit,
    /// The environment the object resolves to (SPEC §3), if any.
    pub env: Option<&'a str>,
    pub repo: &'a Repo,
    pub options: &'a Options,
}

pub struct UnitCx<'a> {
    pub unit: &'a Unit,
    pub repo: &'a Repo,
    pub options: &'a Options,
}

impl UnitCx<'_> {
    /// Environment of one of the unit's objects.
    pub fn env_of(&self, object: &Object) -> Option<String> {
        self.repo.env_of(self.unit, object)
    }
}

pub struct RepoCx<'a> {
    pub repo: &'a Repo,
    pub options: &'a Options,
}

pub trait Rule: Send + Sync {
    fn meta(&self) -> &RuleMeta;
    fn check_file(&self, _cx: &FileCx, _out: &mut Vec<Diagnostic>) {}
    fn check_object(&self, _cx: &ObjectCx, _out: &mut Vec<Diagnostic>) {}
    fn check_unit(&self, _cx: &UnitCx, _out: &mut Vec<Diagnostic>) {}
    fn check_repo(&self, _cx: &RepoCx, _out: &mut Vec<Diagnostic>) {}
}

/// Every rule, one line each.
pub static REGISTRY: &[&dyn Rule] = &[
    &yaml_syntax::YamlSyntax,
    &duplicate_key::DuplicateKey,
    &ambiguous_value::AmbiguousValue,
    &schema::Schema,
    &unknown_kind::UnknownKind,
    &deprecated_api::DeprecatedApi,
    &duplicate_resource::DuplicateResource,
    &pipeline::UNUSED_SUPPRESSION,
    &pipeline::INVALID_SUPPRESSION,
    &pipeline::KUSTOMIZE_BUILD,
    &pipeline::KUSTOMIZE_MISSING_RESOURCE,
    &pipeline::KUSTOMIZE_IMAGE_UNUSED,
    &pipeline::KUSTOMIZE_PATCH_TARGET_MISSING,
    &pipeline::KUSTOMIZE_DEPRECATED_FIELD,
    &pipeline::KUSTOMIZE_UNREFERENCED_FILE,
    &pipeline::IO_ERROR,
    // Secrets
    &secrets::no_plaintext_secret::NoPlaintextSecret,
    &secrets::plaintext_credential::PlaintextCredential,
    &secrets::secret_generator_literal::SecretGeneratorLiteral,
    &secrets::sealed_secret_invalid::SealedSecretInvalid,
    // Workloads
    &workloads::missing_liveness_probe::MissingLivenessProbe,
    &workloads::missing_readiness_probe::MissingReadinessProbe,
    &workloads::missing_resources::MissingResources,
    &workloads::privileged_container::PrivilegedContainer,
    &workloads::privilege_escalation::PrivilegeEscalation,
    &workloads::run_as_root::RunAsRoot,
    &workloads::readonly_root_fs::ReadonlyRootFs,
    &workloads::host_namespace::HostNamespace,
    &workloads::sa_token_automount::SaTokenAutomount,
    &workloads::default_service_account::DefaultServiceAccount,
    // Images
    &images::no_latest_tag::NoLatestTag,
    &images::image_not_pinned::ImageNotPinned,
    &images::image_registry::ImageRegistry,
    // Availability and wiring
    &wiring::missing_pdb::MissingPdb,
    &wiring::pdb_selector_mismatch::PdbSelectorMismatch,
    &wiring::hpa_target_missing::HpaTargetMissing,
    &wiring::service_selector_mismatch::ServiceSelectorMismatch,
    &wiring::service_port_mismatch::ServicePortMismatch,
    &wiring::namespace_missing::NamespaceMissing,
    &wiring::ingress_tls::IngressTls,
    &wiring::ingress_backend_missing::IngressBackendMissing,
    // RBAC
    &rbac::cluster_admin_binding::ClusterAdminBinding,
    &rbac::rbac_wildcard::RbacWildcard,
    &argocd::hpa_replicas_drift::HpaReplicasDrift,
    &argocd::sync_wave_order::SyncWaveOrder,
    &argocd::sync_wave_invalid::SyncWaveInvalid,
    &argocd::path_missing::PathMissing,
    &argocd::project_missing::ProjectMissing,
    &argocd::project_violation::ProjectViolation,
    &argocd::default_project::DefaultProject,
    &argocd::namespace_mismatch::NamespaceMismatch,
    &argocd::prod_auto_sync::ProdAutoSync,
    &argocd::sync_retry::SyncRetry,
    &argocd::cluster_resource_wildcard::ClusterResourceWildcard,
    &argocd::notifications_ref::NotificationsRef,
    &argocd::rbac_default::RbacDefault,
    &argocd::rbac_policy::RbacPolicy,
    &argocd::ignore_unmatched::IgnoreUnmatched,
    &argocd::annotation_misplaced::AnnotationMisplaced,
    &argocd::source_ref_missing::SourceRefMissing,
    &argocd::appset_template_key::AppsetTemplateKey,
];

pub fn find(id: &str) -> Option<&'static dyn Rule> {
    REGISTRY.iter().copied().find(|r| r.meta().id == id)
}

/// Every rule's declaration, in registry order.
pub fn metas() -> Vec<&'static RuleMeta> {
    REGISTRY.iter().map(|r| r.meta()).collect()
}

pub fn all_ids() -> impl Iterator<Item = &'static str> {
    REGISTRY.iter().map(|r| r.meta().id)
}

/// `ftlint rules`: one line per rule, generated from the declarations.
pub fn listing() -> String {
    let mut out = String::new();
    for rule in REGISTRY {
        let m = rule.meta();
        out.push_str(&format!(
            "{:<34} {:<8} {:<12} {}\n",
            m.id,
            m.default_severity(),
            m.fix.short(),
            m.summary_line(),
        ));
    }
    out
}

/// Markers of the generated rule table in README.md.
pub const README_BEGIN: &str = "<!-- rule table: generated from the rule declarations; regenerate with `FTLINT_UPDATE_README=1 cargo test --test docs` -->";
pub const README_END: &str = "<!-- end of rule table -->";

/// The README rule table (between [`README_BEGIN`] and [`README_END`]).
pub fn readme_table() -> String {
    let mut out = String::from("| rule | default | fix | what it reports |\n|---|---|---|---|\n");
    for rule in REGISTRY {
        let m = rule.meta();
        out.push_str(&format!(
            "| [`{id}`](rules/{id}.md) | {} | {} | {} |\n",
            m.default_severity(),
            m.fix.short(),
            m.summary_line().replace('|', "\\|"),
            id = m.id,
        ));
    }
    out
}

/// The prose of `rules/<id>.md` (everything below the generated header),
/// embedded at build time.
pub fn doc_body(id: &str) -> Option<&'static str> {
    static DOCS: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/rule_docs.rs"));
    DOCS.iter()
        .find(|(doc_id, _)| *doc_id == id)
        .map(|(_, text)| *text)
}

/// A rule's full documentation, as `ftlint rule ID` prints it: the header
/// generated from its declaration, the prose body, and its options.
pub fn doc(id: &str) -> Option<String> {
    let meta = find(id)?.meta();
    let mut text = meta.doc_header();
    if let Some(body) = doc_body(id) {
        text.push('\n');
        text.push_str(body);
    }
    if let Some(options) = meta.options_doc() {
        if !text.ends_with("\n\n") {
            text.push('\n');
        }
        text.push_str(&options);
    }
    Some(text)
}

/// The first paragraph of "What it does", for SARIF short help.
pub fn short_help(id: &str) -> Option<String> {
    let doc = doc_body(id)?;
    let after = doc.split("## What it does").nth(1)?;
    let para: Vec<&str> = after
        .trim_start()
        .lines()
        .take_while(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    Some(para.join(" "))
}
