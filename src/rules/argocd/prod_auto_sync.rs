use super::model;
use crate::argocd::App;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RepoCx, Rule, RuleMeta, Scope};

/// Automated sync of a prod Application, where promotion should be approved.
pub struct ProdAutoSync;

static META: RuleMeta = RuleMeta::new(
    "argocd-prod-auto-sync",
    Severity::Warning,
    Scope::Repo,
    "automated sync in prod where the promotion policy requires manual approval",
)
.prod_only();

impl Rule for ProdAutoSync {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_repo(&self, cx: &RepoCx, out: &mut Vec<Diagnostic>) {
        let m = model(cx.repo);
        let auto_synced_prod = |app: &App| {
            app.automated
                .filter(|_| app.env.as_deref() == Some("prod"))
                .map(|s| (s, String::new()))
        };
        for hit in super::hits(m, auto_synced_prod) {
            out.push(
                hit.finding(
                    m,
                    format!("{} syncs automatically into prod, without manual approval", hit.subject(m)),
                )
                .with_help("remove `automated` and sync prod by hand (or through the promotion pipeline), or turn this rule off if prod is meant to follow git"),
            );
        }
    }
}
