//! Which environment (prod, staging, dev, ...) an object belongs to — SPEC §3.
//!
//! First match wins: `--env`; the config's `paths`; the destination namespace
//! of the Argo CD Application that deploys it; an `overlays/<env>` directory in
//! its render unit; its own namespace; else unknown. A directory or namespace
//! that starts with an environment name and `-` (`prod-us`, `production-eu`)
//! is that environment.

use crate::config::{canonical_env, Config};

/// What is known about an object when its environment is resolved.
#[derive(Debug, Default, Clone, Copy)]
pub struct EnvInput<'a> {
    pub cli_env: Option<&'a str>,
    /// Repo-relative file paths the object comes from (resource file, unit kustomization).
    pub paths: &'a [&'a str],
    /// Destination namespace of the Application that deploys the object's unit.
    pub app_namespace: Option<&'a str>,
    /// The render unit's directory.
    pub unit_dir: &'a str,
    pub namespace: Option<&'a str>,
}

const DEFAULT_NAMESPACES: &[(&str, &[&str])] = &[
    (
        "prod",
        &["*-prod", "prod-*", "*-production", "production", "prod"],
    ),
    (
        "staging",
        &["*-staging", "staging-*", "*-stage", "staging", "stage"],
    ),
    (
        "dev",
        &["*-dev", "dev-*", "*-development", "development", "dev"],
    ),
];

/// Directory names whose child names an environment: `overlays/prod`.
const ENV_PARENT_DIRS: &[&str] = &["overlays", "envs", "environments"];

pub fn resolve(config: &Config, input: &EnvInput) -> Option<String> {
    if let Some(env) = input.cli_env {
        return Some(canonical_env(env));
    }
    for def in &config.environments {
        if input.paths.iter().any(|p| def.path_set.is_match(p)) {
            return Some(def.name.clone());
        }
    }
    if let Some(ns) = input.app_namespace {
        if let Some(env) = env_of_namespace(config, ns) {
            return Some(env);
        }
    }
    if let Some(env) = env_of_dir(config, input.unit_dir) {
        return Some(env);
    }
    input.namespace.and_then(|ns| env_of_namespace(config, ns))
}

/// Environment names and aliases a segment may start with (`prod-us`).
const ENV_PREFIXES: &[&str] = &[
    "production",
    "prod",
    "prd",
    "staging",
    "stage",
    "stg",
    "development",
    "develop",
    "dev",
];

/// A segment naming an environment followed by `-` and a qualifier:
/// `prod-us`, `production-eu`, `staging-2` (configured names included).
fn env_prefix_of(config: &Config, segment: &str) -> Option<String> {
    let lower = segment.to_ascii_lowercase();
    let mut names: Vec<&str> = config
        .environments
        .iter()
        .map(|d| d.name.as_str())
        .chain(ENV_PREFIXES.iter().copied())
        .collect();
    // The longest name first: `production-eu` is production, not `prod`uction.
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names
        .into_iter()
        .find(|n| {
            lower
                .strip_prefix(&n.to_ascii_lowercase())
                .is_some_and(|rest| rest.len() > 1 && rest.starts_with('-'))
        })
        .map(canonical_env)
}

/// `apps/web/overlays/prod` → prod; `overlays/prod-us` → prod.
pub fn env_of_dir(config: &Config, dir: &str) -> Option<String> {
    let parts: Vec<&str> = dir.split('/').collect();
    parts
        .windows(2)
        .rev()
        .find(|w| ENV_PARENT_DIRS.contains(&w[0]))
        .map(|w| env_prefix_of(config, w[1]).unwrap_or_else(|| canonical_env(w[1])))
}

pub fn env_of_namespace(config: &Config, namespace: &str) -> Option<String> {
    let configured: Vec<(&str, &[String])> = config
        .environments
        .iter()
        .filter(|d| !d.namespaces.is_empty())
        .map(|d| (d.name.as_str(), d.namespaces.as_slice()))
        .collect();
    if !configured.is_empty() {
        return configured
            .iter()
            .find(|(_, pats)| pats.iter().any(|p| wildcard_match(p, namespace)))
            .map(|(name, _)| name.to_string());
    }
    DEFAULT_NAMESPACES
        .iter()
        .find(|(_, pats)| pats.iter().any(|p| wildcard_match(p, namespace)))
        .map(|(name, _)| name.to_string())
        .or_else(|| env_prefix_of(config, namespace))
}

/// `*` matches any run of characters; everything else literally.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    // Names are nearly always ASCII: match bytes without collecting chars.
    if pattern.is_ascii() && text.is_ascii() {
        return wildcard_match_units(pattern.as_bytes(), text.as_bytes(), b'*', b'?');
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    wildcard_match_units(&p, &t, '*', '?')
}

fn wildcard_match_units<T: PartialEq + Copy>(p: &[T], t: &[T], any: T, one: T) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == t[ti] || p[pi] == one) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == any {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == any {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_with(yaml: &str) -> Config {
        Config::parse(std::path::Path::new(".ftlint.yaml"), yaml, &[]).unwrap()
    }

    #[test]
    fn cli_env_wins_and_aliases_fold() {
        let c = Config::default();
        let input = EnvInput {
            cli_env: Some("production"),
            unit_dir: "apps/web/overlays/dev",
            ..Default::default()
        };
        assert_eq!(resolve(&c, &input).as_deref(), Some("prod"));
    }

    #[test]
    fn config_paths_then_app_then_overlay_then_namespace() {
        let c = config_with(
            "environments:\n  staging: {paths: [\"legacy/**\"], namespaces: [\"*-stg\"]}\n",
        );
        let paths = ["legacy/app.yaml"];
        let by_path = EnvInput {
            paths: &paths,
            unit_dir: "apps/web/overlays/prod",
            ..Default::default()
        };
        assert_eq!(resolve(&c, &by_path).as_deref(), Some("staging"));
        let by_app = EnvInput {
            app_namespace: Some("web-stg"),
            unit_dir: "apps/web/overlays/prod",
            ..Default::default()
        };
        assert_eq!(resolve(&c, &by_app).as_deref(), Some("staging"));
        let by_dir = EnvInput {
            unit_dir: "apps/web/overlays/production",
            namespace: Some("web-stg"),
            ..Default::default()
        };
        assert_eq!(resolve(&c, &by_dir).as_deref(), Some("prod"));
    }

    #[test]
    fn default_namespace_patterns() {
        let c = Config::default();
        for (ns, env) in [
            ("shop-prod", Some("prod")),
            ("prod-eu", Some("prod")),
            ("production", Some("prod")),
            ("web-staging", Some("staging")),
            ("api-dev", Some("dev")),
            ("kube-system", None),
        ] {
            let input = EnvInput {
                namespace: Some(ns),
                ..Default::default()
            };
            assert_eq!(resolve(&c, &input).as_deref(), env, "{ns}");
        }
    }

    #[test]
    fn env_name_followed_by_a_qualifier() {
        let c = Config::default();
        for (dir, env) in [
            ("apps/web/overlays/prod-us", Some("prod")),
            ("apps/web/overlays/production-eu", Some("prod")),
            ("envs/staging-2", Some("staging")),
            ("environments/dev-local", Some("dev")),
            ("overlays/us-east", Some("us-east")),
            ("overlays/production", Some("prod")),
            ("overlays/prod-", Some("prod-")),
            ("overlays/devops", Some("devops")),
            ("apps/prod-us", None),
        ] {
            let input = EnvInput {
                unit_dir: dir,
                ..Default::default()
            };
            assert_eq!(resolve(&c, &input).as_deref(), env, "{dir}");
        }
        for (ns, env) in [
            ("production-eu", Some("prod")),
            ("prod-us", Some("prod")),
            ("stage-blue", Some("staging")),
            ("develop-x", Some("dev")),
            ("devops", None),
            ("prodigy", None),
        ] {
            let input = EnvInput {
                namespace: Some(ns),
                ..Default::default()
            };
            assert_eq!(resolve(&c, &input).as_deref(), env, "{ns}");
        }
    }

    #[test]
    fn configured_env_name_prefix() {
        let c = config_with("environments:\n  qa: {paths: [\"nothing/**\"]}\n");
        let input = EnvInput {
            unit_dir: "overlays/qa-eu",
            ..Default::default()
        };
        assert_eq!(resolve(&c, &input).as_deref(), Some("qa"));
    }

    #[test]
    fn wildcard() {
        assert!(wildcard_match("*-prod", "web-prod"));
        assert!(!wildcard_match("*-prod", "web-production"));
        assert!(wildcard_match("prod-*", "prod-"));
        assert!(wildcard_match("*", ""));
    }
}
