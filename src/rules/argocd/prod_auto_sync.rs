use crate::argocd::model;
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
        let mut once = super::Once::default();
        for app in &m.apps {
            let Some(span) = app.automated else { continue };
            if app.env.as_deref() != Some("prod") || !once.first(app, span) {
                continue;
            }
            out.push(
                super::app_finding(
                    m,
                    app,
                    span,
                    format!("{} syncs automatically into prod, without manual approval", app.describe(m)),
                )
                .with_help("remove `automated` and sync prod by hand (or through the promotion pipeline), or turn this rule off if prod is meant to follow git"),
            );
        }
    }
}
