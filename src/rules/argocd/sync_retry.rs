use crate::argocd::{edit, model, Origin};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::rules::{RepoCx, Rule, RuleMeta, Scope};

/// Automated sync without a retry policy: one transient failure leaves the
/// Application out of sync until the next change.
pub struct SyncRetry;

static META: RuleMeta = RuleMeta::new(
    "argocd-sync-retry",
    Severity::Warning,
    Scope::Repo,
    "automated sync without a retry/backoff policy",
)
.fixable();

const RETRY: &str =
    "retry:\n  limit: 5\n  backoff:\n    duration: 5s\n    factor: 2\n    maxDuration: 3m";

impl Rule for SyncRetry {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_repo(&self, cx: &RepoCx, out: &mut Vec<Diagnostic>) {
        let m = model(cx.repo);
        let mut once = super::Once::default();
        for app in &m.apps {
            let Some(span) = app.automated else { continue };
            let Some(policy) = app.spec().and_then(|s| s.get("syncPolicy")) else {
                continue;
            };
            if policy.get("retry").is_some() || !once.first(app, span) {
                continue;
            }
            let mut d = super::app_finding(
                m,
                app,
                span,
                format!("{} syncs automatically without a retry policy", app.describe(m)),
            )
            .with_help("add `syncPolicy.retry` with a limit and backoff, so transient failures are retried");
            if matches!(app.origin, Origin::Object) {
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
