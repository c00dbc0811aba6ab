use super::model;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RepoCx, Rule, RuleMeta, Scope};
use crate::yaml::{Entry, Node, Span};

/// A malformed line in argocd-rbac-cm `policy.csv` (or an AppProject role
/// policy): Argo CD skips or misreads it, silently.
pub struct RbacPolicy;

static META: RuleMeta = RuleMeta::new(
    "argocd-rbac-policy",
    Severity::Error,
    Scope::Repo,
    "a malformed line in argocd-rbac-cm `policy.csv`",
);

/// `Resources` and `Actions` of `util/rbac/rbac.go`.
const RESOURCES: &[&str] = &[
    "applications",
    "applicationsets",
    "clusters",
    "projects",
    "repositories",
    "write-repositories",
    "accounts",
    "certificates",
    "gpgkeys",
    "logs",
    "exec",
    "extensions",
    "*",
];
const ACTIONS: &[&str] = &[
    "get", "create", "update", "delete", "sync", "rollback", "override", "action", "invoke", "*",
];

/// One policy line (`p, ...` or `g, ...`) checked; `None` when well formed.
pub fn check_line(line: &str) -> Option<String> {
    let fields: Vec<&str> = line
        .split(',')
        .map(|f| f.trim().trim_matches('"'))
        .collect();
    match fields[0] {
        "p" => {
            if fields.len() != 6 {
                return Some(format!(
                    "policy line has {} fields; expected 6: `p, <subject>, <resource>, <action>, <object>, <allow|deny>`",
                    fields.len()
                ));
            }
            let (res, act, obj, eft) = (fields[2], fields[3], fields[4], fields[5]);
            if fields[1].is_empty() {
                return Some("policy line has an empty subject".into());
            }
            if !RESOURCES.contains(&res) {
                return Some(format!(
                    "unknown resource `{res}` (expected one of {})",
                    RESOURCES[..12].join(", ")
                ));
            }
            let verb = act.split('/').next().unwrap_or(act);
            if !ACTIONS.contains(&verb) {
                return Some(format!("unknown action `{act}` (expected get, create, update, delete, sync, override, action/..., invoke or *)"));
            }
            if matches!(res, "applications" | "applicationsets" | "logs" | "exec")
                && obj != "*"
                && !obj.contains('/')
            {
                return Some(format!("object `{obj}` in a policy on `{res}` must be `<project>/<name>` (or `*`); as written it matches nothing"));
            }
            if !matches!(eft, "allow" | "deny") {
                return Some(format!("effect `{eft}` must be `allow` or `deny`"));
            }
            None
        }
        "g" => (fields.len() != 3).then(|| {
            format!(
                "group line has {} fields; expected 3: `g, <user or group>, <role>`",
                fields.len()
            )
        }),
        other => Some(format!(
            "line starts with `{other}`; expected `p` (policy) or `g` (group binding)"
        )),
    }
}

/// Lines of a CSV value with their spans in the file.
pub fn lines(repo: &crate::repo::Repo, value: &Node) -> Vec<(String, Span)> {
    let Some(text) = value.as_str() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut from = 0usize;
    let raw = repo.sources.text(value.span);
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let span = match raw.get(from..).and_then(|r| r.find(t)) {
            Some(i) => {
                let s = from + i;
                from = s + t.len();
                Span::new(
                    value.span.file,
                    value.span.start as usize + s,
                    value.span.start as usize + s + t.len(),
                )
            }
            None => value.span,
        };
        out.push((t.to_string(), span));
    }
    out
}

/// The `policy.csv` and `policy.<name>.csv` entries of argocd-rbac-cm's data.
pub(super) fn policy_csv_entries(data: Option<&Node>) -> impl Iterator<Item = &Entry> {
    data.map(Node::entries)
        .unwrap_or(&[])
        .iter()
        .filter(|e| e.key.name.starts_with("policy.") && e.key.name.ends_with(".csv"))
}

impl Rule for RbacPolicy {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_repo(&self, cx: &RepoCx, out: &mut Vec<Diagnostic>) {
        let repo = cx.repo;
        let m = model(repo);
        for cm in m.config_map("argocd-rbac-cm") {
            for e in policy_csv_entries(cm.root.get("data")) {
                for (line, span) in lines(repo, &e.value) {
                    if let Some(problem) = check_line(&line) {
                        out.push(
                            Diagnostic::new(span, format!("{}: {problem}", e.key.name))
                                .with_related(cm.anchor_span(), "argocd-rbac-cm")
                                .with_help("see https://argo-cd.readthedocs.io/en/stable/operator-manual/rbac/"),
                        );
                    }
                }
            }
        }
        for p in &m.projects {
            for role in p
                .object
                .root
                .path(&["spec", "roles"])
                .map(Node::items)
                .unwrap_or(&[])
            {
                for pol in role.get("policies").map(Node::items).unwrap_or(&[]) {
                    let Some(line) = pol.as_str() else { continue };
                    if let Some(problem) = check_line(line.trim()) {
                        out.push(
                            Diagnostic::new(
                                pol.span,
                                format!("AppProject {} role policy: {problem}", p.name),
                            )
                            .with_related(p.object.anchor_span(), format!("AppProject {}", p.name)),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check_line;

    #[test]
    fn lines() {
        assert_eq!(
            check_line("p, role:ci, applications, sync, */*, allow"),
            None
        );
        assert_eq!(
            check_line("p, role:ci, applications, action/apps/Deployment/restart, team/*, allow"),
            None
        );
        assert_eq!(check_line("g, my-org:team, role:admin"), None);
        assert!(check_line("p, role:ci, applications, sync, */*").is_some());
        assert!(check_line("p, role:ci, application, sync, */*, allow").is_some());
        assert!(check_line("p, role:ci, applications, deploy, */*, allow").is_some());
        assert!(check_line("p, role:ci, applications, get, myapp, allow").is_some());
        assert!(check_line("p, role:ci, clusters, get, *, permit").is_some());
        assert!(check_line("g, team").is_some());
        assert!(check_line("x, a, b").is_some());
    }
}
