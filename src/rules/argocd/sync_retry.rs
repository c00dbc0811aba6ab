use crate::argocd::{edit, model, App, Origin};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::rules::{RepoCx, Rule, RuleMeta, Scope};
use crate::yaml::Node;

/// Automated sync without a retry policy: one transient failure leaves the
/// Application out of sync until the next change.
pub struct SyncRetry;

static META: RuleMeta = RuleMeta::new(
    "argocd-sync-retry",
    Severity::Warning,
    Scope::Repo,
    "automated sync without a retry/backoff policy",
)
.fix(crate::rules::FixAvailability::Sometimes(
    crate::diagnostic::Applicability::Safe,
));

const RETRY: &str =
    "retry:\n  limit: 5\n  backoff:\n    duration: 5s\n    factor: 2\n    maxDuration: 3m";

fn sync_policy(app: &App) -> Option<&Node> {
    app.spec().and_then(|s| s.get("syncPolicy"))
}

impl Rule for SyncRetry {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_repo(&self, cx: &RepoCx, out: &mut Vec<Diagnostic>) {
        let m = model(cx.repo);
        let auto_synced_without_retry = |app: &App| {
            app.automated
                .filter(|_| sync_policy(app).is_some_and(|p| p.get("retry").is_none()))
        };
        for (app, span) in super::apps_with_finding(m, auto_synced_without_retry) {
            let mut d = super::app_finding(
                m,
                app,
                span,
                format!("{} syncs automatically without a retry policy", app.describe(m)),
            )
            .with_help("add `syncPolicy.retry` with a limit and backoff, so transient failures are retried");
            if let (Origin::Object, Some(policy)) = (&app.origin, sync_policy(app)) {
                let text = &cx.repo.sources.get(policy.span.file).text;
                if let Some(at) = edit::mapping_end(text, policy) {
                    d = d.with_fix(Fix {
                        message: "add a retry policy (5 attempts, exponential backoff)".into(),
                        applicability: Applicability::Safe,
                        edits: edit::merge(vec![(
                            crate::yaml::Span::new(policy.span.file, at.offset, at.offset),
                            at.indent,
                            edit::block(text, at.offset, at.indent, RETRY),
                        )]),
                    });
                }
            }
            out.push(d);
        }
    }
}
