//! `.ftlint.yaml`: discovered upward, validated with spans, merged with flags.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::diagnostic::Severity;
use crate::meta::RuleMeta;
use crate::yaml::{self, FileId, LineIndex, Node, Span, Value};

mod nested;

pub use nested::nested_configs;

pub const FILE_NAME: &str = ".ftlint.yaml";

/// A config problem, pointing at the offending line.
#[derive(Debug, Clone)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The offending source line, for the snippet.
    pub source_line: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let gutter = " ".repeat(self.line.to_string().len());
        writeln!(f, "error: invalid config: {}", self.message)?;
        writeln!(
            f,
            "{gutter}--> {}:{}:{}",
            self.path.display(),
            self.line,
            self.column
        )?;
        writeln!(f, "{gutter} |")?;
        writeln!(f, "{} | {}", self.line, self.source_line)?;
        write!(
            f,
            "{gutter} | {}^",
            " ".repeat(self.column.saturating_sub(1))
        )
    }
}

/// One rule's settings (`off`, or a mapping).
#[derive(Debug, Clone, Default)]
pub struct RuleSetting {
    pub enabled: Option<bool>,
    pub severity: Option<Severity>,
    pub environments: Option<Vec<String>>,
    pub options: serde_json::Value,
}

#[derive(Debug, Clone)]
pub struct EnvDef {
    pub name: String,
    pub paths: Vec<String>,
    pub path_set: GlobSet,
    pub namespaces: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct WavePolicy {
    pub kinds: Vec<String>,
    pub min_wave: Option<i64>,
    pub max_wave: Option<i64>,
    pub span: Option<Span>,
}

#[derive(Debug, Clone)]
pub struct Override {
    pub paths: GlobSet,
    /// The globs `paths` was built from (re-rooted when a nested config is merged).
    pub path_patterns: Vec<String>,
    pub environments: Option<Vec<String>>,
    pub rules: BTreeMap<String, RuleSetting>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub kubernetes_version: Option<String>,
    pub strict: Option<bool>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub repo_urls: Vec<String>,
    pub environments: Vec<EnvDef>,
    pub rules: BTreeMap<String, RuleSetting>,
    pub sync_waves: Vec<WavePolicy>,
    pub overrides: Vec<Override>,
    /// Per-file read limit in bytes (`maxFileSize`), see `fsread`.
    pub max_file_size: u64,
}

pub const DEFAULT_INCLUDE: &[&str] = &["**/*.yaml", "**/*.yml", "**/*.json", "**/Kustomization"];

impl Default for Config {
    fn default() -> Self {
        Config {
            path: None,
            kubernetes_version: None,
            strict: None,
            include: DEFAULT_INCLUDE.iter().map(|s| s.to_string()).collect(),
            exclude: Vec::new(),
            repo_urls: Vec::new(),
            environments: Vec::new(),
            rules: BTreeMap::new(),
            sync_waves: default_wave_policy(),
            overrides: Vec::new(),
            max_file_size: crate::fsread::DEFAULT_MAX_FILE_SIZE,
        }
    }
}

/// The plan's order: infrastructure, then secrets and config, then apps.
fn default_wave_policy() -> Vec<WavePolicy> {
    vec![
        WavePolicy {
            kinds: vec![
                "Namespace".into(),
                "CustomResourceDefinition".into(),
                "AppProject".into(),
            ],
            min_wave: None,
            max_wave: Some(0),
            span: None,
        },
        WavePolicy {
            kinds: vec![
                "SealedSecret".into(),
                "ExternalSecret".into(),
                "Secret".into(),
                "ConfigMap".into(),
            ],
            min_wave: None,
            max_wave: Some(1),
            span: None,
        },
    ]
}

/// Find `.ftlint.yaml` in `start` or any parent directory.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = if start.is_file() {
        start.parent()?
    } else {
        start
    };
    let mut dir = std::fs::canonicalize(start).ok()?;
    loop {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if !dir.pop() {
            return None;
        }
    }
}

struct Reader<'a> {
    path: &'a Path,
    text: &'a str,
    index: LineIndex,
}

impl Reader<'_> {
    fn error(&self, span: Span, message: impl Into<String>) -> ConfigError {
        let lc = self.index.line_col(self.text, span.start as usize);
        ConfigError {
            path: self.path.to_path_buf(),
            line: lc.line,
            column: lc.column,
            message: message.into(),
            source_line: self.index.line_text(self.text, lc.line).to_string(),
        }
    }

    fn map<'n>(&self, node: &'n Node, what: &str) -> Result<&'n [yaml::Entry], ConfigError> {
        match &node.value {
            Value::Map(entries) => Ok(entries),
            Value::Null => Ok(&[]),
            _ => Err(self.error(
                node.span,
                format!("`{what}` must be a mapping, found {}", node.type_name()),
            )),
        }
    }

    /// A list; an empty value (only comments under the key) is an empty list.
    fn seq<'n>(&self, node: &'n Node, what: &str) -> Result<&'n [Node], ConfigError> {
        match &node.value {
            Value::Seq(items) => Ok(items),
            Value::Null => Ok(&[]),
            _ => Err(self.error(
                node.span,
                format!("`{what}` must be a list, found {}", node.type_name()),
            )),
        }
    }

    fn string(&self, node: &Node, what: &str) -> Result<String, ConfigError> {
        match &node.value {
            Value::Str(s) => Ok(s.to_string()),
            Value::Int(_) | Value::Float(_) => Ok(self.text[node.span.range()]
                .trim_matches(['"', '\''])
                .to_string()),
            _ => Err(self.error(
                node.span,
                format!("`{what}` must be a string, found {}", node.type_name()),
            )),
        }
    }

    fn strings(&self, node: &Node, what: &str) -> Result<Vec<String>, ConfigError> {
        match &node.value {
            Value::Seq(items) => items.iter().map(|i| self.string(i, what)).collect(),
            Value::Str(s) => Ok(vec![s.to_string()]),
            _ => Err(self.error(
                node.span,
                format!(
                    "`{what}` must be a list of strings, found {}",
                    node.type_name()
                ),
            )),
        }
    }

    fn globs(&self, node: &Node, what: &str) -> Result<(Vec<String>, GlobSet), ConfigError> {
        let list = self.strings(node, what)?;
        let set = build_globset(&list)
            .map_err(|e| self.error(node.span, format!("invalid glob in `{what}`: {e}")))?;
        Ok((list, set))
    }

    fn int(&self, node: &Node, what: &str) -> Result<i64, ConfigError> {
        node.as_i64().ok_or_else(|| {
            self.error(
                node.span,
                format!("`{what}` must be an integer, found {}", node.type_name()),
            )
        })
    }

    /// A byte count: an integer, or a string such as `64MiB`, `512KiB`, `1GiB`.
    fn size(&self, node: &Node, what: &str) -> Result<u64, ConfigError> {
        let bad = || {
            self.error(
                node.span,
                format!("`{what}` must be a positive byte count such as 67108864 or `64MiB`"),
            )
        };
        if let Some(n) = node.as_i64() {
            return u64::try_from(n).ok().filter(|n| *n > 0).ok_or_else(bad);
        }
        let text = node.as_str().ok_or_else(bad)?.trim();
        let (digits, unit) = text.split_at(
            text.find(|c: char| !c.is_ascii_digit())
                .unwrap_or(text.len()),
        );
        let scale: u64 = match unit.trim() {
            "" | "B" => 1,
            "KiB" | "K" | "KB" => 1 << 10,
            "MiB" | "M" | "MB" => 1 << 20,
            "GiB" | "G" | "GB" => 1 << 30,
            _ => return Err(bad()),
        };
        digits
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(scale))
            .filter(|n| *n > 0)
            .ok_or_else(bad)
    }

    fn unknown(&self, key: &yaml::Key, within: &str, known: &[&str]) -> ConfigError {
        let hint = crate::suggest::did_you_mean(&key.name, known.iter().copied())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        self.error(
            key.span,
            format!("unknown key `{}` in {within}{hint}", key.name),
        )
    }

    fn rule_settings(
        &self,
        node: &Node,
        known_rules: &[&RuleMeta],
    ) -> Result<BTreeMap<String, RuleSetting>, ConfigError> {
        let mut out = BTreeMap::new();
        for e in self.map(node, "rules")? {
            let id = &e.key.name;
            let Some(meta) = known_rules.iter().find(|m| m.id == id.as_str()) else {
                let hint = crate::suggest::did_you_mean(id, known_rules.iter().map(|m| m.id))
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(self.error(e.key.span, format!("unknown rule id `{id}`{hint}")));
            };
            out.insert(id.to_string(), self.rule_setting(&e.value, meta)?);
        }
        Ok(out)
    }

    fn rule_setting(&self, node: &Node, meta: &RuleMeta) -> Result<RuleSetting, ConfigError> {
        let id = meta.id;
        let mut setting = RuleSetting::default();
        match &node.value {
            Value::Bool(b) => setting.enabled = Some(*b),
            Value::Str(s) => match s.as_str() {
                "off" => setting.enabled = Some(false),
                "on" => setting.enabled = Some(true),
                other => match Severity::parse(other) {
                    Some(sev) => {
                        setting.enabled = Some(true);
                        setting.severity = Some(sev);
                    }
                    None => {
                        return Err(self.error(
                            node.span,
                            format!("rule `{id}`: expected off, on, error, warning, info or a mapping, found `{other}`"),
                        ))
                    }
                },
            },
            Value::Map(entries) => {
                for e in entries {
                    match e.key.name.as_str() {
                        "severity" => {
                            let s = self.string(&e.value, "severity")?;
                            if s == "off" {
                                setting.enabled = Some(false);
                            } else {
                                let sev = Severity::parse(&s).ok_or_else(|| {
                                    self.error(e.value.span, format!("unknown severity `{s}` (expected error, warning, info or off)"))
                                })?;
                                setting.severity = Some(sev);
                                setting.enabled.get_or_insert(true);
                            }
                        }
                        "enabled" => {
                            setting.enabled = Some(e.value.as_bool().ok_or_else(|| {
                                self.error(e.value.span, "`enabled` must be true or false")
                            })?)
                        }
                        "environments" => {
                            setting.environments =
                                Some(self.strings(&e.value, "environments")?.iter().map(|s| canonical_env(s)).collect())
                        }
                        "options" => {
                            setting.options = crate::meta::options::check(id, meta.options, &e.value)
                                .map_err(|e| self.error(e.span, e.message))?
                        }
                        _ => {
                            return Err(self.unknown(&e.key, &format!("rule `{id}`"), &["severity", "enabled", "environments", "options"]))
                        }
                    }
                }
            }
            _ => {
                return Err(self.error(node.span, format!("rule `{id}`: expected off, a severity or a mapping")));
            }
        }
        Ok(setting)
    }
}

pub fn build_globset(patterns: &[String]) -> Result<GlobSet, globset::Error> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p)?);
        // `dir/**` should also match `dir` itself; `**/x` also matches `x` (globset does).
    }
    b.build()
}

/// production→prod, stage→staging, development→dev.
pub fn canonical_env(name: &str) -> String {
    match name.to_ascii_lowercase().as_str() {
        "production" | "prd" => "prod".to_string(),
        "stage" | "stg" => "staging".to_string(),
        "development" | "develop" => "dev".to_string(),
        other => other.to_string(),
    }
}

const TOP_KEYS: &[&str] = &[
    "kubernetesVersion",
    "strict",
    "include",
    "exclude",
    "gitops",
    "environments",
    "rules",
    "syncWaves",
    "overrides",
    "maxFileSize",
];

impl Config {
    pub fn load(path: &Path, known_rules: &[&RuleMeta]) -> Result<Config, ConfigError> {
        // Read with the default limit: the config's own limit is not known yet.
        let text = crate::fsread::read_bounded_text(path, crate::fsread::DEFAULT_MAX_FILE_SIZE)
            .map_err(|e| ConfigError {
                path: path.to_path_buf(),
                line: 1,
                column: 1,
                message: format!("cannot read config: {e}"),
                source_line: String::new(),
            })?;
        Config::parse(path, &text, known_rules)
    }

    pub fn parse(
        path: &Path,
        text: &str,
        known_rules: &[&RuleMeta],
    ) -> Result<Config, ConfigError> {
        let r = Reader {
            path,
            text,
            index: LineIndex::new(text),
        };
        let parsed = yaml::parse(text, FileId(0));
        if let Some(err) = &parsed.error {
            return Err(r.error(
                Span::new(FileId(0), err.offset, err.offset),
                format!("YAML syntax: {}", err.message),
            ));
        }
        let mut config = Config {
            path: Some(path.to_path_buf()),
            ..Config::default()
        };
        let Some(doc) = parsed.documents.first() else {
            return Ok(config);
        };
        if let Some(dup) = doc.duplicates.first() {
            return Err(r.error(dup.second, format!("duplicate key `{}`", dup.name)));
        }
        for e in r.map(&doc.root, "the config")? {
            let v = &e.value;
            match e.key.name.as_str() {
                "kubernetesVersion" => {
                    config.kubernetes_version = Some(r.string(v, "kubernetesVersion")?)
                }
                "strict" => {
                    config.strict = Some(
                        v.as_bool()
                            .ok_or_else(|| r.error(v.span, "`strict` must be true or false"))?,
                    )
                }
                "include" => config.include = r.globs(v, "include")?.0,
                "exclude" => config.exclude = r.globs(v, "exclude")?.0,
                "gitops" => {
                    for g in r.map(v, "gitops")? {
                        match g.key.name.as_str() {
                            "repoURLs" => config.repo_urls = r.strings(&g.value, "repoURLs")?,
                            _ => return Err(r.unknown(&g.key, "gitops", &["repoURLs"])),
                        }
                    }
                }
                "environments" => {
                    for env in r.map(v, "environments")? {
                        let mut def = EnvDef {
                            name: canonical_env(&env.key.name),
                            paths: Vec::new(),
                            path_set: GlobSet::empty(),
                            namespaces: Vec::new(),
                        };
                        for f in r.map(&env.value, &env.key.name)? {
                            match f.key.name.as_str() {
                                "paths" => {
                                    (def.paths, def.path_set) = r.globs(&f.value, "paths")?
                                }
                                "namespaces" => {
                                    def.namespaces = r.strings(&f.value, "namespaces")?
                                }
                                _ => {
                                    return Err(r.unknown(
                                        &f.key,
                                        &format!("environment `{}`", env.key.name),
                                        &["paths", "namespaces"],
                                    ))
                                }
                            }
                        }
                        config.environments.push(def);
                    }
                }
                "rules" => config.rules = r.rule_settings(v, known_rules)?,
                "syncWaves" => {
                    let items = r.seq(v, "syncWaves")?;
                    config.sync_waves.clear();
                    for item in items {
                        let mut policy = WavePolicy {
                            kinds: Vec::new(),
                            min_wave: None,
                            max_wave: None,
                            span: Some(item.span),
                        };
                        for f in r.map(item, "syncWaves item")? {
                            match f.key.name.as_str() {
                                "match" => {
                                    for m in r.map(&f.value, "match")? {
                                        match m.key.name.as_str() {
                                            "kinds" => {
                                                policy.kinds = r.strings(&m.value, "kinds")?
                                            }
                                            _ => {
                                                return Err(r.unknown(
                                                    &m.key,
                                                    "syncWaves match",
                                                    &["kinds"],
                                                ))
                                            }
                                        }
                                    }
                                }
                                "minWave" => policy.min_wave = Some(r.int(&f.value, "minWave")?),
                                "maxWave" => policy.max_wave = Some(r.int(&f.value, "maxWave")?),
                                _ => {
                                    return Err(r.unknown(
                                        &f.key,
                                        "syncWaves item",
                                        &["match", "minWave", "maxWave"],
                                    ))
                                }
                            }
                        }
                        config.sync_waves.push(policy);
                    }
                }
                "overrides" => {
                    let items = r.seq(v, "overrides")?;
                    for item in items {
                        let mut ov = Override {
                            paths: GlobSet::empty(),
                            path_patterns: Vec::new(),
                            environments: None,
                            rules: BTreeMap::new(),
                        };
                        for f in r.map(item, "overrides item")? {
                            match f.key.name.as_str() {
                                "paths" => {
                                    (ov.path_patterns, ov.paths) = r.globs(&f.value, "paths")?
                                }
                                "environments" => {
                                    ov.environments = Some(
                                        r.strings(&f.value, "environments")?
                                            .iter()
                                            .map(|s| canonical_env(s))
                                            .collect(),
                                    )
                                }
                                "rules" => ov.rules = r.rule_settings(&f.value, known_rules)?,
                                _ => {
                                    return Err(r.unknown(
                                        &f.key,
                                        "overrides item",
                                        &["paths", "environments", "rules"],
                                    ))
                                }
                            }
                        }
                        config.overrides.push(ov);
                    }
                }
                "maxFileSize" => config.max_file_size = r.size(v, "maxFileSize")?,
                _ => return Err(r.unknown(&e.key, "the config", TOP_KEYS)),
            }
        }
        Ok(config)
    }

    /// Whether a per-path/env override turns the rule off here (stronger than `--select`).
    pub fn overridden_off(&self, id: &str, path: &str, env: Option<&str>) -> bool {
        let mut off = None;
        for ov in &self.overrides {
            let path_ok = ov.paths.is_empty() || ov.paths.is_match(path);
            let env_ok = ov
                .environments
                .as_ref()
                .is_none_or(|list| env.is_some_and(|e| list.iter().any(|x| x == e)));
            if path_ok && env_ok {
                if let Some(enabled) = ov.rules.get(id).and_then(|s| s.enabled) {
                    off = Some(!enabled);
                }
            }
        }
        off == Some(true)
    }

    /// Effective setting of a rule for a finding in `path` and environment `env`.
    pub fn rule_setting(&self, id: &str, path: &str, env: Option<&str>) -> RuleSetting {
        let mut s = self.rules.get(id).cloned().unwrap_or_default();
        for ov in &self.overrides {
            let path_ok = ov.paths.is_empty() || ov.paths.is_match(path);
            let env_ok = match &ov.environments {
                None => true,
                Some(list) => env.is_some_and(|e| list.iter().any(|x| x == e)),
            };
            if path_ok && env_ok {
                if let Some(o) = ov.rules.get(id) {
                    if o.enabled.is_some() {
                        s.enabled = o.enabled;
                    }
                    if o.severity.is_some() {
                        s.severity = o.severity;
                    }
                    if o.environments.is_some() {
                        s.environments = o.environments.clone();
                    }
                    if !o.options.is_null() {
                        s.options = o.options.clone();
                    }
                }
            }
        }
        s
    }
}

/// A `.ftlint.yaml` below the project root applies to its subtree, the nearest
/// one winning: merge them, shallowest first, into the root's config.
impl Config {
    /// Merge `sub`, the config of directory `dir` (relative to the root, `/`
    /// separated). Its rules and overrides apply under `dir` after the root's;
    /// its environments' paths are re-rooted and tried first; its excludes are
    /// re-rooted. Settings that cannot vary by subtree are adopted when the root
    /// leaves them unset; a conflicting value is returned as a warning.
    pub fn nest(&mut self, dir: &str, sub: Config) -> Vec<String> {
        let mut warnings = Vec::new();
        let under = |p: &str| format!("{dir}/{}", p.trim_start_matches("./"));
        let reroot = |patterns: &[String]| -> (Vec<String>, GlobSet) {
            let list: Vec<String> = if patterns.is_empty() {
                vec![format!("{dir}/**")]
            } else {
                patterns.iter().map(|p| under(p)).collect()
            };
            // Each pattern compiled when the sub-config loaded; prefixing keeps it valid.
            let set = build_globset(&list).unwrap_or_else(|_| GlobSet::empty());
            (list, set)
        };
        let sub_path = sub
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| format!("{dir}/{FILE_NAME}"));
        let mut global = |name: &str, same: bool, unset_here: bool| -> bool {
            if unset_here {
                return true;
            }
            if !same {
                warnings.push(format!(
                    "{sub_path}: `{name}` applies to the whole repository and is already set; this value is ignored"
                ));
            }
            false
        };
        if let Some(v) = &sub.kubernetes_version {
            if global(
                "kubernetesVersion",
                self.kubernetes_version.as_ref() == Some(v),
                self.kubernetes_version.is_none(),
            ) {
                self.kubernetes_version = Some(v.clone());
            }
        }
        if let Some(v) = sub.strict {
            if global("strict", self.strict == Some(v), self.strict.is_none()) {
                self.strict = Some(v);
            }
        }
        if !sub.repo_urls.is_empty()
            && global(
                "gitops.repoURLs",
                self.repo_urls == sub.repo_urls,
                self.repo_urls.is_empty(),
            )
        {
            self.repo_urls = sub.repo_urls.clone();
        }
        let waves_set = |c: &Config| c.sync_waves.iter().any(|w| w.span.is_some());
        if waves_set(&sub) && global("syncWaves", false, !waves_set(self)) {
            self.sync_waves = sub.sync_waves.clone();
        }
        if sub.include != DEFAULT_INCLUDE {
            warnings.push(format!(
                "{sub_path}: `include` applies to the whole repository; set it in the root config (ignored here)"
            ));
        }
        self.exclude.extend(sub.exclude.iter().map(|p| under(p)));
        let mut envs: Vec<EnvDef> = sub
            .environments
            .into_iter()
            .map(|mut e| {
                if !e.paths.is_empty() {
                    (e.paths, e.path_set) = reroot(&e.paths);
                }
                e
            })
            .collect();
        envs.append(&mut self.environments);
        self.environments = envs;
        let (path_patterns, paths) = reroot(&[]);
        self.overrides.push(Override {
            paths,
            path_patterns,
            environments: None,
            rules: sub.rules,
        });
        for mut ov in sub.overrides {
            (ov.path_patterns, ov.paths) = reroot(&ov.path_patterns);
            self.overrides.push(ov);
        }
        warnings
    }

    /// Environment names this config knows: the usual three and every one it names.
    pub fn known_environments(&self) -> Vec<String> {
        let mut names: Vec<String> = ["prod", "staging", "dev"].map(String::from).to_vec();
        let settings = self
            .rules
            .values()
            .chain(self.overrides.iter().flat_map(|o| o.rules.values()));
        let named = self
            .environments
            .iter()
            .map(|e| e.name.clone())
            .chain(settings.flat_map(|s| s.environments.clone().unwrap_or_default()))
            .chain(
                self.overrides
                    .iter()
                    .flat_map(|o| o.environments.clone().unwrap_or_default()),
            );
        for n in named {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        names
    }
}

pub const STARTER: &str = r#"# ftlint configuration. Every key is optional; see `ftlint rules` for rule ids.
# kubernetesVersion: "1.31"      # schemas to validate against (default: newest bundled)
strict: true                     # unknown fields are schema errors
include: ["**/*.yaml", "**/*.yml", "**/*.json"]
exclude: [".github/**", "charts/**/templates/**"]
gitops:
  # Argo CD sources that point at this repository (default: its git remote URLs).
  repoURLs: []
environments:                    # how objects are assigned an environment
  prod:    {paths: ["**/overlays/prod/**"], namespaces: ["*-prod", "prod-*", "production"]}
  staging: {paths: ["**/overlays/staging/**"], namespaces: ["*-staging"]}
  dev:     {paths: ["**/overlays/dev/**"], namespaces: ["*-dev"]}
rules:
  # missing-pdb: {severity: error}
  # no-latest-tag: {environments: [prod, staging]}
  # image-registry: {severity: warning, options: {allowed: ["*.dkr.ecr.*.amazonaws.com/*"]}}
  # run-as-root: off
syncWaves:                       # ordering policy checked by sync-wave-order
  - {match: {kinds: [Namespace, CustomResourceDefinition, AppProject]}, maxWave: 0}
  - {match: {kinds: [SealedSecret, ExternalSecret, Secret, ConfigMap]}, maxWave: 1}
overrides:                       # per-path rule settings
  # - {paths: ["eks/**"], rules: {missing-pdb: off}}
"#;
