//! The schema registry: finds the schema of an apiVersion/kind, compiles it once,
//! validates objects.

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use dashmap::DashMap;
use serde_json::{Map, Value};

use super::compiled::{Compiled, Decoding};
use super::fast::{self, Fit, Reading};
use super::{bundled, crd, errors, normalize, scope, KubeVersion, Validation};

const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// A user-provided schema (`--crd`, repo CRDs, `--schema-dir`).
struct UserSchema {
    /// Normalised JSON Schema of the whole object.
    schema: Value,
    cluster_scoped: Option<bool>,
}

type Slot = Arc<OnceLock<Option<Arc<Compiled>>>>;

/// Schemas for one Kubernetes version, plus CRDs and schema directories added at
/// run time. `Send + Sync`: share one registry across all worker threads.
pub struct SchemaRegistry {
    version: KubeVersion,
    version_idx: usize,
    strict: bool,
    /// Exact `apiVersion/Kind`.
    user: DashMap<String, Arc<UserSchema>>,
    /// `apiVersion/kind` with the kind lower-cased (the CRDs-catalog file layout).
    dir: DashMap<String, Arc<UserSchema>>,
    cache: DashMap<String, Slot>,
}

enum Source {
    K8s(String),
    Crd(Value),
    User(Arc<UserSchema>),
    Kustomization,
}

impl SchemaRegistry {
    /// A registry for `version`. Cheap: nothing is decompressed or compiled here.
    /// Fails, naming the bundled versions, when `version` is not bundled.
    pub fn new(version: KubeVersion, strict: bool) -> Result<Self, String> {
        let version_idx =
            bundled::version_index(version.major, version.minor).ok_or_else(|| {
                let list: Vec<String> = super::bundled_versions()
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                format!(
                    "no bundled schemas for Kubernetes {version}; bundled versions: {}",
                    list.join(", ")
                )
            })?;
        Ok(SchemaRegistry {
            version,
            version_idx,
            strict,
            user: DashMap::new(),
            dir: DashMap::new(),
            cache: DashMap::new(),
        })
    }

    pub fn version(&self) -> KubeVersion {
        self.version
    }

    pub fn strict(&self) -> bool {
        self.strict
    }

    /// Add the schemas of a `CustomResourceDefinition` object (one per served
    /// version). Returns the `(apiVersion, kind)` pairs it defines. A CRD overrides a
    /// bundled CRD schema of the same apiVersion/kind, never a built-in kind.
    pub fn add_crd(&self, crd: &Value) -> Result<Vec<(String, String)>, String> {
        let kinds = crd::convert(crd)?;
        let mut out = Vec::new();
        for k in kinds {
            let key = format!("{}/{}", k.api_version, k.kind);
            self.user.insert(
                key.clone(),
                Arc::new(UserSchema {
                    schema: k.schema,
                    cluster_scoped: Some(k.cluster_scoped),
                }),
            );
            self.cache.remove(&key);
            out.push((k.api_version, k.kind));
        }
        Ok(out)
    }

    /// Load JSON Schemas laid out as `<group>/<kind>_<version>.json` (the layout of
    /// the public CRDs catalog). Returns the number of schemas loaded.
    pub fn add_schema_dir(&self, dir: &Path) -> Result<usize, String> {
        let rd = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read schema directory {}: {e}", dir.display()))?;
        let mut n = 0;
        for group in rd.flatten() {
            let gpath = group.path();
            if !gpath.is_dir() {
                continue;
            }
            let gname = group.file_name().to_string_lossy().into_owned();
            let files = std::fs::read_dir(&gpath)
                .map_err(|e| format!("cannot read {}: {e}", gpath.display()))?;
            for f in files.flatten() {
                let p = f.path();
                let fname = f.file_name().to_string_lossy().into_owned();
                let Some(stem) = fname.strip_suffix(".json") else {
                    continue;
                };
                let Some((kind, version)) = stem.rsplit_once('_') else {
                    continue;
                };
                let text =
                    crate::fsread::read_bounded_text(&p, crate::fsread::DEFAULT_MAX_FILE_SIZE)
                        .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
                let mut schema: Value = serde_json::from_str(&text)
                    .map_err(|e| format!("{}: not valid JSON: {e}", p.display()))?;
                normalize::normalize_crd_schema(&mut schema);
                let key = format!("{gname}/{version}/{}", kind.to_ascii_lowercase());
                self.cache.retain(|k, _| k.to_ascii_lowercase() != key);
                self.dir.insert(
                    key,
                    Arc::new(UserSchema {
                        schema,
                        cluster_scoped: None,
                    }),
                );
                n += 1;
            }
        }
        Ok(n)
    }

    fn source(&self, api_version: &str, kind: &str) -> Option<Source> {
        let key = format!("{api_version}/{kind}");
        if let Some(u) = self.user.get(&key) {
            return Some(Source::User(u.clone()));
        }
        if let Some(def) = bundled::k8s_version(self.version_idx).kinds.get(&key) {
            return Some(Source::K8s(def.clone()));
        }
        if let Some(s) = bundled::crd(&key) {
            return Some(Source::Crd(s));
        }
        if let Some(u) = self
            .dir
            .get(&format!("{api_version}/{}", kind.to_ascii_lowercase()))
        {
            return Some(Source::User(u.clone()));
        }
        if is_kustomize(api_version, kind) {
            return Some(Source::Kustomization);
        }
        None
    }

    /// Every `apiVersion/Kind` with a schema: bundled, CRDs and user-supplied, sorted.
    pub fn known_kinds(&self) -> Vec<String> {
        let mut kinds: std::collections::BTreeSet<String> = bundled::k8s_version(self.version_idx)
            .kinds
            .keys()
            .cloned()
            .collect();
        kinds.extend(bundled::CRDS.iter().map(|(k, _)| (*k).to_owned()));
        kinds.extend(self.user.iter().map(|e| e.key().clone()));
        kinds.into_iter().collect()
    }

    /// Is a schema known for this apiVersion/kind? (No compilation.)
    pub fn known_kind(&self, api_version: &str, kind: &str) -> bool {
        let key = format!("{api_version}/{kind}");
        self.user.contains_key(&key)
            || bundled::k8s_version(self.version_idx)
                .kinds
                .contains_key(&key)
            || bundled::has_crd(&key)
            || self
                .dir
                .contains_key(&format!("{api_version}/{}", kind.to_ascii_lowercase()))
            || is_kustomize(api_version, kind)
    }

    /// The apiVersions under which `kind` is known at this version (built-ins,
    /// bundled and added CRDs), sorted. Useful to suggest a fix for `unknown-kind`.
    pub fn api_versions_of(&self, kind: &str) -> Vec<String> {
        let mut out: HashSet<String> = HashSet::new();
        let suffix = format!("/{kind}");
        for k in bundled::k8s_version(self.version_idx).kinds.keys() {
            if let Some(api) = k.strip_suffix(&suffix) {
                out.insert(api.to_owned());
            }
        }
        for (k, _) in bundled::CRDS {
            if let Some(api) = k.strip_suffix(&suffix) {
                out.insert(api.to_owned());
            }
        }
        for e in self.user.iter() {
            if let Some(api) = e.key().strip_suffix(&suffix) {
                out.insert(api.to_owned());
            }
        }
        let mut v: Vec<String> = out.into_iter().collect();
        v.sort();
        v
    }

    /// `Some(true)` when the kind is cluster-scoped, `Some(false)` when namespaced,
    /// `None` when unknown.
    pub fn is_cluster_scoped(&self, api_version: &str, kind: &str) -> Option<bool> {
        let key = format!("{api_version}/{kind}");
        if let Some(u) = self.user.get(&key) {
            if u.cluster_scoped.is_some() {
                return u.cluster_scoped;
            }
        }
        if self.known_kind(api_version, kind) {
            return Some(scope::builtin_cluster_scoped(api_version, kind));
        }
        None
    }

    /// Validate one object. Cheap for valid objects; errors are only computed for
    /// invalid ones.
    pub fn validate(&self, api_version: &str, kind: &str, obj: &Value) -> Validation {
        let Some(c) = self.compiled(api_version, kind) else {
            return Validation::UnknownKind;
        };
        if c.decodes() {
            let mut decoded = obj.clone();
            c.decode(&mut decoded);
            return check(&c, &decoded);
        }
        check(&c, obj)
    }

    /// [`Self::validate`] for an instance the caller no longer needs: decoded
    /// in place (custom resources and kustomizations are not copied first).
    pub fn validate_owned(&self, api_version: &str, kind: &str, mut obj: Value) -> Validation {
        let Some(c) = self.compiled(api_version, kind) else {
            return Validation::UnknownKind;
        };
        c.decode(&mut obj);
        check(&c, &obj)
    }

    /// Validate an object given as its YAML tree (`skip_top`: a top-level
    /// key that is not part of it). Most valid objects are confirmed on the
    /// tree itself; the others are validated on `json()`, the same object
    /// as JSON, which also gives the errors.
    pub fn validate_node(
        &self,
        api_version: &str,
        kind: &str,
        node: &crate::yaml::Node,
        skip_top: Option<&str>,
        json: impl FnOnce() -> Value,
    ) -> Validation {
        let Some(c) = self.compiled(api_version, kind) else {
            return Validation::UnknownKind;
        };
        if let Some(tree) = &c.fast {
            let reading = Reading {
                drops_nulls: c.decoding == Decoding::DropsNulls,
                skip_top,
            };
            if tree.fit(node, reading) == Fit::Yes {
                return Validation::Valid;
            }
        }
        let mut obj = json();
        c.decode(&mut obj);
        check(&c, &obj)
    }

    /// Validate a `kustomization.yaml` (which may lack apiVersion and kind).
    pub fn validate_kustomization(&self, obj: &Value) -> Validation {
        self.validate("kustomize.config.k8s.io/v1beta1", "Kustomization", obj)
    }

    /// [`Self::validate_kustomization`] for an owned instance.
    pub fn validate_kustomization_owned(&self, obj: Value) -> Validation {
        self.validate_owned("kustomize.config.k8s.io/v1beta1", "Kustomization", obj)
    }

    pub(crate) fn compiled(&self, api_version: &str, kind: &str) -> Option<Arc<Compiled>> {
        let key = format!("{api_version}/{kind}");
        let slot: Slot = match self.cache.get(&key) {
            Some(s) => s.clone(),
            None => self.cache.entry(key).or_default().clone(),
        };
        slot.get_or_init(|| {
            let src = self.source(api_version, kind)?;
            match self.compile(src, kind) {
                Ok(c) => Some(Arc::new(c)),
                Err(e) => {
                    // A schema we cannot compile is a bug in ftlint or a broken
                    // --crd/--schema-dir input; treat the kind as unknown.
                    eprintln!("ftlint: cannot compile schema for {api_version} {kind}: {e}");
                    None
                }
            }
        })
        .clone()
    }

    fn compile(&self, src: Source, kind: &str) -> Result<Compiled, String> {
        let decoding = match src {
            Source::K8s(_) => Decoding::Strict,
            Source::Crd(_) | Source::User(_) => Decoding::DropsNulls,
            Source::Kustomization => Decoding::CaseInsensitive,
        };
        let mut root = match src {
            Source::K8s(def) => self.k8s_root(&def),
            Source::Crd(mut schema) => {
                normalize::normalize_crd_schema(&mut schema);
                self.crd_root(schema)
            }
            Source::User(u) => self.crd_root(u.schema.clone()),
            Source::Kustomization => {
                // Kustomize decodes `null` into the zero value of any field (a list
                // whose entries are all commented out, say).
                let mut k = bundled::kustomization();
                normalize::walk(&mut k, &mut |m| {
                    if m.contains_key("type") {
                        normalize::add_null(m);
                    }
                });
                k
            }
        };
        if !self.strict {
            normalize::allow_unknown_fields(&mut root);
        }
        let mut opts = jsonschema::options();
        opts = opts.should_validate_formats(false);
        if root.get("$schema").and_then(Value::as_str) == Some(DRAFT_2020_12) {
            opts = opts.with_draft(jsonschema::Draft::Draft202012);
        }
        let validator = opts.build(&root).map_err(|e| e.to_string())?;
        // Kustomization files are matched case-insensitively first: always
        // validated the usual way.
        let fast = (decoding != Decoding::CaseInsensitive
            && root.get("$schema").and_then(Value::as_str) == Some(DRAFT_2020_12))
        .then(|| fast::Tree::build(&root));
        Ok(Compiled {
            validator,
            root,
            kind: kind.to_owned(),
            decoding,
            fast,
        })
    }

    /// `{"$ref": "#/$defs/<def>", "$defs": {closure of def}}` from the bundled definitions.
    fn k8s_root(&self, def: &str) -> Value {
        let mut defs = Map::new();
        self.collect_defs(def, &mut defs);
        // Inline every non-recursive `$ref`: validation without reference hops is
        // markedly faster. Recursive definitions (JSONSchemaProps) stay referenced.
        let mut stack = vec![def.to_owned()];
        let mut body = defs.get(def).cloned().unwrap_or(Value::Bool(true));
        let mut kept = Map::new();
        inline_refs(&mut body, &defs, &mut stack, &mut kept);
        if let Value::Object(m) = &mut body {
            m.insert("$schema".into(), DRAFT_2020_12.into());
            if !kept.is_empty() {
                // Definitions reached through a recursive reference are kept whole,
                // with their own references resolved against `$defs`.
                let mut all = Map::new();
                let mut todo: Vec<String> = kept.keys().cloned().collect();
                while let Some(n) = todo.pop() {
                    if all.contains_key(&n) {
                        continue;
                    }
                    if let Some(d) = defs.get(&n) {
                        collect_refs(d, &mut todo);
                        all.insert(n, d.clone());
                    }
                }
                m.insert("$defs".into(), Value::Object(all));
            }
        }
        body
    }

    fn collect_defs(&self, start: &str, into: &mut Map<String, Value>) {
        let ver = bundled::k8s_version(self.version_idx);
        let mut todo = vec![start.to_owned()];
        while let Some(name) = todo.pop() {
            if into.contains_key(&name) {
                continue;
            }
            let Some(def) = ver.def(&name) else { continue };
            let def = normalize::fix_k8s_def(&name, def);
            collect_refs(&def, &mut todo);
            into.insert(name, def);
        }
    }

    /// A CRD schema made whole: `metadata` checked as Kubernetes ObjectMeta, and the
    /// top level closed (strict field validation rejects unknown top-level fields).
    fn crd_root(&self, mut schema: Value) -> Value {
        let mut defs = Map::new();
        if let Value::Object(m) = &mut schema {
            m.remove("$schema");
            m.remove("$id");
            let has_props = m.contains_key("properties");
            if let Some(Value::Object(props)) = m.get_mut("properties") {
                let plain_meta = match props.get("metadata") {
                    None => true,
                    Some(Value::Object(mm)) => !mm.contains_key("properties"),
                    _ => false,
                };
                if plain_meta {
                    props.insert(
                        "metadata".into(),
                        serde_json::json!({"$ref": format!("#/$defs/{OBJECT_META}")}),
                    );
                    self.collect_defs(OBJECT_META, &mut defs);
                }
                for k in ["apiVersion", "kind"] {
                    props
                        .entry(k)
                        .or_insert_with(|| serde_json::json!({"type": "string"}));
                }
            }
            if has_props
                && !m.contains_key("additionalProperties")
                && m.get("x-kubernetes-preserve-unknown-fields") != Some(&Value::Bool(true))
            {
                m.insert("additionalProperties".into(), Value::Bool(false));
            }
            if !defs.is_empty() {
                let mut existing = match m.remove("$defs") {
                    Some(Value::Object(d)) => d,
                    _ => Map::new(),
                };
                existing.extend(defs);
                m.insert("$defs".into(), Value::Object(existing));
            }
            m.insert("$schema".into(), DRAFT_2020_12.into());
        }
        schema
    }
}

/// Validate a decoded instance; errors are only computed for invalid ones.
fn check(c: &Compiled, obj: &Value) -> Validation {
    if c.validator.is_valid(obj) {
        return Validation::Valid;
    }
    let errs = errors::convert(c, obj);
    if errs.is_empty() {
        Validation::Valid
    } else {
        Validation::Invalid(errs)
    }
}

fn is_kustomize(api_version: &str, kind: &str) -> bool {
    matches!(
        (api_version, kind),
        ("kustomize.config.k8s.io/v1beta1", "Kustomization")
            | ("kustomize.config.k8s.io/v1alpha1", "Component")
    )
}

/// Replace `{"$ref": "#/$defs/X"}` by the definition X, recursively, except where X
/// is already being inlined (a cycle); those names are recorded in `kept`.
fn inline_refs(
    v: &mut Value,
    defs: &Map<String, Value>,
    stack: &mut Vec<String>,
    kept: &mut Map<String, Value>,
) {
    match v {
        Value::Object(m) => {
            let target = m
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
                .map(str::to_owned);
            if let Some(name) = target {
                if stack.contains(&name) {
                    kept.insert(name, Value::Null);
                    return;
                }
                if let Some(Value::Object(d)) = defs.get(&name) {
                    let mut d = Value::Object(d.clone());
                    stack.push(name);
                    inline_refs(&mut d, defs, stack, kept);
                    stack.pop();
                    m.remove("$ref");
                    if let Value::Object(dm) = d {
                        for (k, val) in dm {
                            m.entry(k).or_insert(val);
                        }
                    }
                }
                return;
            }
            for (_, sub) in m.iter_mut() {
                inline_refs(sub, defs, stack, kept);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| inline_refs(x, defs, stack, kept)),
        _ => {}
    }
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, sub) in m {
                if k == "$ref" {
                    if let Some(name) = sub.as_str().and_then(|r| r.strip_prefix("#/$defs/")) {
                        out.push(name.to_owned());
                    }
                } else {
                    collect_refs(sub, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_send_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<SchemaRegistry>();
    }
}
