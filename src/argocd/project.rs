//! AppProjects and Argo CD's permission checks on them
//! (`pkg/apis/application/v1alpha1/app_project_types.go`: `IsSourcePermitted`,
//! `isDestinationMatched`).

use crate::model::Object;
use crate::yaml::{Node, Span};

use super::{glob, url, Spanned};

#[derive(Clone, Debug)]
pub struct ProjectDestination {
    pub server: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Project {
    pub name: String,
    pub object: Object,
    pub source_repos: Vec<Spanned>,
    pub destinations: Vec<ProjectDestination>,
    pub units: Vec<String>,
    /// Global projects (argocd-cm `globalProjects`) this project inherits from.
    pub inherits: Vec<String>,
}

impl Project {
    /// Argo CD's `IsSourcePermitted`.
    pub fn source_permitted(&self, repo_url: &str) -> bool {
        let src = url::normalize_git_url(repo_url);
        let mut any = false;
        for pattern in &self.source_repos {
            let normalized = match pattern.value.strip_prefix('!') {
                Some(rest) => format!("!{}", url::normalize_git_url(rest)),
                None => url::normalize_git_url(&pattern.value),
            };
            let matched = glob::match_negatable(&normalized, &src, &['/']);
            if matched {
                any = true;
            } else if glob::is_deny(&normalized) {
                return false;
            }
        }
        any
    }

    /// Argo CD's `isDestinationMatched`. `None` when the answer depends on
    /// the server a cluster name resolves to, which is not known offline.
    pub fn destination_permitted(
        &self,
        server: Option<&str>,
        name: Option<&str>,
        namespace: &str,
    ) -> Option<bool> {
        let server = server.filter(|s| !s.is_empty()).or(match name {
            Some("in-cluster") => Some("https://kubernetes.default.svc"),
            _ => None,
        });
        let name = name.filter(|n| !n.is_empty());
        match server {
            Some(s) => Some(self.destination_matched(Some(s), name, namespace, false)),
            None => {
                // The name resolves to an unknown server: decide only when
                // assuming it matches every allowed server still says no.
                let optimistic = self.destination_matched(None, name, namespace, true);
                let pessimistic = self.destination_matched(None, name, namespace, false);
                match (optimistic, pessimistic) {
                    (false, _) => Some(false),
                    (true, true) => Some(true),
                    _ => None,
                }
            }
        }
    }

    fn destination_matched(
        &self,
        server: Option<&str>,
        name: Option<&str>,
        namespace: &str,
        assume_server: bool,
    ) -> bool {
        let mut any = false;
        let mut no_deny = true;
        for d in &self.destinations {
            let iname = d.name.as_deref().unwrap_or("");
            let iserver = d.server.as_deref().unwrap_or("");
            let ins = d.namespace.as_deref().unwrap_or("");
            let name_m = name.is_some_and(|n| glob::match_negatable(iname, n, &[]));
            let server_m = match server {
                Some(s) => glob::match_negatable(iserver, s, &[]),
                None => assume_server && !iserver.is_empty() && !glob::is_deny(iserver),
            };
            let ns_m = glob::match_negatable(ins, namespace, &[]);
            if (server_m || name_m) && ns_m {
                any = true;
            } else if (!name_m && glob::is_deny(iname))
                || (!server_m && glob::is_deny(iserver))
                || (!ns_m && glob::is_deny(ins))
            {
                no_deny = false;
            }
        }
        any && no_deny
    }
}

/// `globalProjects` in argocd-cm: a project whose labels match an entry's
/// `labelSelector` inherits the global project's `sourceRepos` and
/// `destinations` (docs/user-guide/projects.md, "Configuring Global
/// Projects"; `GetAppProjectWithGlobalProjects` in util/argo).
pub(crate) fn merge_global_projects(projects: &mut [Project], argocd_cm: &[&Object]) {
    let mut entries: Vec<(serde_json::Value, String)> = Vec::new();
    for cm in argocd_cm {
        let Some(text) = cm
            .root
            .path(&["data", "globalProjects"])
            .and_then(Node::as_str)
        else {
            continue;
        };
        let parsed = crate::yaml::parse(text, cm.file);
        for doc in &parsed.documents {
            for item in doc.root.items() {
                if let Some(name) = item.str_at(&["projectName"]) {
                    let selector = item
                        .get("labelSelector")
                        .map(Node::to_json)
                        .unwrap_or_default();
                    entries.push((selector, name.to_string()));
                }
            }
        }
    }
    for (selector, global) in entries {
        let Some(g) = projects.iter().find(|p| p.name == global).cloned() else {
            continue;
        };
        let selector = Node::from_json(&selector, Span::default());
        for p in projects.iter_mut().filter(|p| p.name != global) {
            let labels = p
                .object
                .root
                .path(&["metadata", "labels"])
                .map(Node::to_json)
                .and_then(|j| j.as_object().cloned())
                .unwrap_or_default();
            if !super::appset::selector_matches(&selector, &labels) {
                continue;
            }
            p.source_repos.extend(g.source_repos.iter().cloned());
            p.destinations.extend(g.destinations.iter().cloned());
            p.inherits.push(global.clone());
        }
    }
}

pub(crate) fn parse_project(o: &Object, units: &[String]) -> Project {
    let spec = o.root.get("spec");
    Project {
        name: o.name.clone(),
        object: o.clone(),
        source_repos: spec
            .and_then(|s| s.get("sourceRepos"))
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(|n| Spanned::of(Some(n)))
            .collect(),
        destinations: spec
            .and_then(|s| s.get("destinations"))
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .map(|d| ProjectDestination {
                server: d.str_at(&["server"]).map(str::to_string),
                name: d.str_at(&["name"]).map(str::to_string),
                namespace: d.str_at(&["namespace"]).map(str::to_string),
                span: d.span,
            })
            .collect(),
        units: units.to_vec(),
        inherits: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::FileId;

    fn project(repos: &[&str], dests: &[(&str, &str, &str)]) -> Project {
        let span = Span::default();
        Project {
            name: "p".into(),
            object: Object::from_node(
                Node::from_json(&serde_json::json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject"}), span),
                FileId(0),
                0,
            )
            .unwrap(),
            source_repos: repos
                .iter()
                .map(|r| Spanned { value: r.to_string(), span })
                .collect(),
            destinations: dests
                .iter()
                .map(|(s, n, ns)| ProjectDestination {
                    server: (!s.is_empty()).then(|| s.to_string()),
                    name: (!n.is_empty()).then(|| n.to_string()),
                    namespace: Some(ns.to_string()),
                    span,
                })
                .collect(),
            units: vec![],
            inherits: vec![],
        }
    }

    #[test]
    fn source_repos_with_globs_and_negation() {
        let p = project(
            &["https://github.com/org/*", "!https://github.com/org/secret"],
            &[],
        );
        assert!(p.source_permitted("https://github.com/org/app.git"));
        assert!(p.source_permitted("https://GitHub.com/Org/App"));
        assert!(!p.source_permitted("https://github.com/org/secret"));
        // As in Argo CD, a deny pattern that does not match counts as a match.
        assert!(p.source_permitted("https://github.com/other/app"));
        let allow_only = project(&["https://github.com/org/*"], &[]);
        assert!(!allow_only.source_permitted("https://github.com/other/app"));
        let any = project(&["*"], &[]);
        assert!(any.source_permitted("git@github.com:org/app.git"));
        let ssh = project(&["git@github.com:org/app.git"], &[]);
        assert!(ssh.source_permitted("ssh://git@github.com/org/app"));
    }

    #[test]
    fn destinations_by_server_or_name() {
        let p = project(
            &[],
            &[
                ("https://kubernetes.default.svc", "", "team-*"),
                ("*", "", "!kube-system"),
            ],
        );
        assert_eq!(
            p.destination_permitted(Some("https://kubernetes.default.svc"), None, "team-a"),
            Some(true)
        );
        assert_eq!(
            p.destination_permitted(Some("https://kubernetes.default.svc"), None, "kube-system"),
            Some(false)
        );
        assert_eq!(
            p.destination_permitted(None, Some("in-cluster"), "team-a"),
            Some(true)
        );
        let named = project(&[], &[("", "prod-*", "web")]);
        assert_eq!(
            named.destination_permitted(None, Some("prod-eu"), "web"),
            Some(true)
        );
        assert_eq!(
            named.destination_permitted(None, Some("dev-eu"), "web"),
            Some(false)
        );
        assert_eq!(
            named.destination_permitted(None, Some("prod-eu"), "api"),
            Some(false)
        );
        let by_server = project(&[], &[("https://1.2.3.4", "", "*")]);
        assert_eq!(
            by_server.destination_permitted(None, Some("remote"), "x"),
            None
        );
    }
}
