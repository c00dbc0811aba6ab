//! Argo CD retries every automated sync: without `syncPolicy.retry` the
//! controller uses `RetryStrategy{Limit: 5}` (`controller/appcontroller.go`,
//! `autoSync`) with the default backoff of 5s × 2 up to 3m
//! (`pkg/apis/application/v1alpha1/application_defaults.go`,
//! `RetryStrategy.NextRetryAt` in `types.go`). A written `retry` replaces
//! that default entirely, so the risky settings are explicit ones.

use super::model;
use crate::argocd::{App, Project};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::rules::meta::{parse_as, typed};
use crate::rules::{OptionField, OptionKind, OptionsDecl, RepoCx, Rule, RuleMeta, Scope};
use crate::yaml::{edit, Node, Span};

/// An explicit retry policy that does not retry, retries forever, or backs
/// off past the project's sync window.
pub struct SyncRetry;

/// `rules.argocd-sync-retry.options`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    #[serde(default)]
    require_explicit: bool,
    /// The team's retry policy: set `team_limit` to compare the explicit
    /// policy of manual-sync prod Applications with it.
    team_limit: Option<i64>,
    team_backoff_duration: Option<String>,
    team_backoff_factor: Option<i64>,
    team_backoff_max_duration: Option<String>,
}

static OPTIONS: OptionsDecl = OptionsDecl {
    fields: &[
        OptionField {
            name: "require_explicit",
            kind: OptionKind::Bool,
            doc: "also report an automated sync without a `retry` block (Argo CD's default applies), for teams whose policy wants it written out",
        },
        OptionField {
            name: "team_limit",
            kind: OptionKind::Integer,
            doc: "the team's retry limit; when set, a manual-sync prod Application whose explicit `retry` differs from the team's policy is reported",
        },
        OptionField {
            name: "team_backoff_duration",
            kind: OptionKind::String,
            doc: "the team's `backoff.duration` (default 5s, Argo CD's)",
        },
        OptionField {
            name: "team_backoff_factor",
            kind: OptionKind::Integer,
            doc: "the team's `backoff.factor` (default 2)",
        },
        OptionField {
            name: "team_backoff_max_duration",
            kind: OptionKind::String,
            doc: "the team's `backoff.maxDuration` (default 3m)",
        },
    ],
    parse: parse_as::<Options>,
};

/// A retry policy as the controller reads it (`RetryStrategy`): a written
/// block without `limit` has limit 0; backoff fields default to 5s × 2, 3m.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Policy {
    limit: i64,
    duration: u64,
    factor: u64,
    max: u64,
}

impl Policy {
    fn of(retry: &Node) -> Option<Policy> {
        let backoff = retry.get("backoff");
        let get = |k: &str| backoff.and_then(|b| b.get(k)).and_then(Node::scalar_text);
        Some(Policy {
            limit: match retry.get("limit") {
                Some(n) => n.as_i64()?,
                None => 0,
            },
            duration: match get("duration") {
                Some(d) => parse_duration(&d)?,
                None => DEFAULT_DURATION,
            },
            factor: match get("factor") {
                Some(f) => f.parse().ok()?,
                None => DEFAULT_FACTOR,
            },
            max: match get("maxDuration") {
                Some(d) => parse_duration(&d)?,
                None => DEFAULT_MAX,
            },
        })
    }

    /// The team's policy from the options, `None` when `team_limit` is unset.
    fn team(o: &Options) -> Option<Policy> {
        let secs = |s: &Option<String>, default| match s {
            Some(s) => parse_duration(s),
            None => Some(default),
        };
        Some(Policy {
            limit: o.team_limit?,
            duration: secs(&o.team_backoff_duration, DEFAULT_DURATION)?,
            factor: o
                .team_backoff_factor
                .map_or(DEFAULT_FACTOR, |f| f.max(0) as u64),
            max: secs(&o.team_backoff_max_duration, DEFAULT_MAX)?,
        })
    }

    /// `limit 2 (team: 5), backoff.maxDuration 600s (team: 180s)`.
    fn differences(&self, team: &Policy) -> Vec<String> {
        let mut out = Vec::new();
        let mut field = |name: &str, mine: String, theirs: String| {
            if mine != theirs {
                out.push(format!("{name} {mine} (team: {theirs})"));
            }
        };
        field("limit", self.limit.to_string(), team.limit.to_string());
        field(
            "backoff.duration",
            format!("{}s", self.duration),
            format!("{}s", team.duration),
        );
        field(
            "backoff.factor",
            self.factor.to_string(),
            team.factor.to_string(),
        );
        field(
            "backoff.maxDuration",
            format!("{}s", self.max),
            format!("{}s", team.max),
        );
        out
    }
}

static META: RuleMeta = RuleMeta::new(
    "argocd-sync-retry",
    Severity::Warning,
    Scope::Repo,
    "an explicit sync retry policy that never retries, retries forever, or backs off past the sync window",
)
.fix(crate::rules::FixAvailability::Sometimes(
    crate::diagnostic::Applicability::Safe,
))
.options(&OPTIONS);

const RETRY: &str =
    "retry:\n  limit: 5\n  backoff:\n    duration: 5s\n    factor: 2\n    maxDuration: 3m";

/// Argo CD's defaults (`application_defaults.go`), in seconds.
const DEFAULT_DURATION: u64 = 5;
const DEFAULT_FACTOR: u64 = 2;
const DEFAULT_MAX: u64 = 180;

fn sync_policy(app: &App) -> Option<&Node> {
    app.spec().and_then(|s| s.get("syncPolicy"))
}

/// `parseStringToDuration`: an integer is seconds, else a Go duration.
pub(crate) fn parse_duration(s: &str) -> Option<u64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<u64>() {
        return Some(n);
    }
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let mut unit = c.to_string();
        if c == 'm' && chars.peek() == Some(&'s') {
            unit.push(chars.next()?);
        }
        let n: f64 = num.parse().ok()?;
        num.clear();
        total += n * match unit.as_str() {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            _ => return None,
        };
        any = true;
    }
    (any && num.is_empty()).then_some(total as u64)
}

enum Problem {
    NoRetry(Span, &'static str),
    Unbounded(Span),
    PastWindow {
        span: Span,
        wait: u64,
        window: u64,
        schedule: String,
    },
    Implicit(Span),
    /// A manual-sync prod Application whose explicit policy is not the team's.
    NotTeams(Span, Vec<String>),
}

/// The longest single wait the policy reaches (seconds).
fn longest_wait(retry: &Node, limit: i64) -> u64 {
    let backoff = retry.get("backoff");
    let get = |k: &str| backoff.and_then(|b| b.get(k)).and_then(Node::scalar_text);
    let duration = get("duration")
        .and_then(|s| parse_duration(&s))
        .unwrap_or(DEFAULT_DURATION);
    let max = get("maxDuration")
        .and_then(|s| parse_duration(&s))
        .unwrap_or(DEFAULT_MAX);
    let factor = get("factor")
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(DEFAULT_FACTOR);
    let steps = if limit < 0 {
        64
    } else {
        limit.max(1) as u32 - 1
    };
    let mut wait = duration;
    for _ in 0..steps {
        wait = wait.saturating_mul(factor);
        if wait >= max {
            return max;
        }
    }
    wait.min(max)
}

/// The shortest `allow` sync window of the project applying to the app.
fn shortest_window(project: &Project, app: &App) -> Option<(u64, String)> {
    let windows = project.object.root.path(&["spec", "syncWindows"])?;
    let ns = app.destination.namespace.as_ref().map(|n| n.value.as_str());
    let matches_any = |w: &Node, key: &str, value: Option<&str>| {
        let Some(v) = value else { return false };
        w.get(key)
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(Node::as_str)
            .any(|p| crate::argocd::glob::matches(p, v, &[]))
    };
    windows
        .items()
        .iter()
        .filter(|w| w.str_at(&["kind"]) == Some("allow"))
        .filter(|w| {
            matches_any(w, "applications", Some(&app.name))
                || matches_any(w, "namespaces", ns)
                || matches_any(
                    w,
                    "clusters",
                    app.destination.name.as_ref().map(|n| n.value.as_str()),
                )
                || matches_any(
                    w,
                    "clusters",
                    app.destination.server.as_ref().map(|n| n.value.as_str()),
                )
        })
        .filter_map(|w| {
            let d = parse_duration(w.str_at(&["duration"])?)?;
            Some((d, w.str_at(&["schedule"]).unwrap_or("").to_string()))
        })
        .min_by_key(|(d, _)| *d)
}

fn problem(app: &App, model: &crate::argocd::Model, options: &Options) -> Option<Problem> {
    let Some(automated) = app.automated else {
        return not_teams(app, options);
    };
    let explicit = options.require_explicit;
    let policy = sync_policy(app)?;
    let Some(entry) = policy.entry("retry") else {
        return explicit.then_some(Problem::Implicit(automated));
    };
    let retry = &entry.value;
    let limit_node = retry.get("limit");
    let limit = match limit_node {
        None => return Some(Problem::NoRetry(entry.key.span, "without `limit`")),
        Some(n) => n.as_i64()?,
    };
    let span = limit_node.map_or(entry.key.span, |n| n.span);
    if limit == 0 {
        return Some(Problem::NoRetry(span, "with `limit: 0`"));
    }
    if limit < 0 {
        return Some(Problem::Unbounded(span));
    }
    let project = model.project(app.project_name()?)?;
    let (window, schedule) = shortest_window(project, app)?;
    let wait = longest_wait(retry, limit);
    (wait > window).then(|| Problem::PastWindow {
        span: retry
            .path(&["backoff", "maxDuration"])
            .map_or(entry.key.span, |n| n.span),
        wait,
        window,
        schedule,
    })
}

/// A prod Application synced by hand uses its written `retry` for the syncs
/// people start (the UI offers it); with the team's policy configured, one
/// that differs from it is reported.
fn not_teams(app: &App, options: &Options) -> Option<Problem> {
    let team = Policy::team(options)?;
    if app.env.as_deref() != Some("prod") {
        return None;
    }
    let entry = sync_policy(app)?.entry("retry")?;
    let diffs = Policy::of(&entry.value)?.differences(&team);
    (!diffs.is_empty()).then_some(Problem::NotTeams(entry.key.span, diffs))
}

fn span_of(p: &Problem) -> Span {
    match p {
        Problem::NoRetry(s, _)
        | Problem::Unbounded(s)
        | Problem::Implicit(s)
        | Problem::NotTeams(s, _) => *s,
        Problem::PastWindow { span, .. } => *span,
    }
}

impl Rule for SyncRetry {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_repo(&self, cx: &RepoCx, out: &mut Vec<Diagnostic>) {
        let m = model(cx.repo);
        let options = typed::<Options>(cx.options);
        let find = |app: &App| problem(app, m, &options).map(|p| (span_of(&p), String::new()));
        for hit in super::hits(m, find) {
            let app = hit.app();
            let Some(p) = problem(app, m, &options) else {
                continue;
            };
            let who = hit.subject(m);
            let (message, help) = match &p {
                Problem::NoRetry(_, how) => (
                    format!("{who} has a `retry` policy {how}: Argo CD never retries a failed sync (without `retry` it would retry 5 times)"),
                    "set `limit` to the number of retries (Argo CD's default is 5), or remove `retry` to get the default",
                ),
                Problem::Unbounded(_) => (
                    format!("{who} retries failed syncs forever (`limit` below 0): a broken revision is re-applied without end"),
                    "set a positive `limit` (Argo CD's default is 5)",
                ),
                Problem::PastWindow { wait, window, schedule, .. } => (
                    format!("{who} backs off up to {wait}s between retries, longer than its project's sync window ({window}s, `{schedule}`): the later retries fall outside the window"),
                    "lower `backoff.maxDuration` below the sync window's duration",
                ),
                Problem::Implicit(_) => (
                    format!("{who} syncs automatically without an explicit `retry` block (Argo CD's default applies: 5 retries, 5s × 2 up to 3m)"),
                    "write the retry policy out, as the team's policy requires",
                ),
                Problem::NotTeams(_, diffs) => (
                    format!("{who} is synced by hand in prod with a `retry` policy that differs from the team's: {}", diffs.join(", ")),
                    "use the team's retry policy (`team_*` options of argocd-sync-retry), or change the team's policy",
                ),
            };
            let mut d = hit.finding(m, message).with_help(help);
            if let Some(fix) = fix_for(cx, app, &p) {
                d = d.with_fix(fix);
            }
            out.push(d);
        }
    }
}

/// Safe fixes: `limit: 0`/missing limit → Argo CD's default of 5; the
/// explicitness option → the default block written out. Generated
/// Applications are fixed in their ApplicationSet's template.
fn fix_for(cx: &RepoCx, app: &App, p: &Problem) -> Option<Fix> {
    let policy = sync_policy(app)?;
    let text = &cx.repo.sources.get(policy.span.file).text;
    let (message, edits) = match p {
        Problem::NoRetry(span, _) => {
            let retry = policy.get("retry")?;
            match retry.get("limit") {
                Some(limit) if limit.span == *span => (
                    "retry 5 times, Argo CD's default",
                    vec![edit::replace_scalar(limit, "5")?],
                ),
                Some(_) => return None,
                None => (
                    "retry 5 times, Argo CD's default",
                    edit::merge(vec![edit::insert_key(text, retry, "limit: 5")?]),
                ),
            }
        }
        Problem::Implicit(_) => (
            "write out Argo CD's default retry policy (5 attempts, 5s × 2 up to 3m)",
            edit::merge(vec![edit::insert_key(text, policy, RETRY)?]),
        ),
        Problem::Unbounded(_) | Problem::PastWindow { .. } | Problem::NotTeams(..) => return None,
    };
    Some(Fix {
        message: message.into(),
        applicability: Applicability::Safe,
        edits,
    })
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations_as_argo_cd_parses_them() {
        assert_eq!(parse_duration("5"), Some(5));
        assert_eq!(parse_duration("5s"), Some(5));
        assert_eq!(parse_duration("3m"), Some(180));
        assert_eq!(parse_duration("1h30m"), Some(5400));
        assert_eq!(parse_duration("soon"), None);
    }
}
