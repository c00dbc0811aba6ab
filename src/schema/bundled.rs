//! The embedded, compressed schema files and their lazy decoding.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::{LazyLock, OnceLock};

use serde_json::{Map, Value};

mod data {
    include!(concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/bundled.rs"));
}
pub(crate) use data::{CRDS, K8S_VERSIONS, KUSTOMIZATION};

pub(crate) fn gunzip_json(bytes: &[u8]) -> Value {
    let mut s = String::with_capacity(bytes.len() * 8);
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut s)
        .expect("bundled schema is valid gzip");
    serde_json::from_str(&s).expect("bundled schema is valid JSON")
}

fn into_map(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Definitions identical in every bundled version.
fn common() -> &'static Map<String, Value> {
    static COMMON: OnceLock<Map<String, Value>> = OnceLock::new();
    COMMON.get_or_init(|| {
        let mut v = into_map(gunzip_json(data::K8S_COMMON));
        v.remove("defs").map(into_map).unwrap_or_default()
    })
}

/// One Kubernetes version: its own definitions, the names it has, and the kinds index.
pub(crate) struct K8sVersion {
    own: Map<String, Value>,
    names: HashSet<String>,
    /// `apiVersion/Kind` -> definition name.
    pub kinds: HashMap<String, String>,
}

impl K8sVersion {
    pub fn def(&'static self, name: &str) -> Option<&'static Value> {
        if let Some(v) = self.own.get(name) {
            return Some(v);
        }
        if self.names.contains(name) {
            return common().get(name);
        }
        None
    }
}

static VERSIONS: LazyLock<Vec<OnceLock<K8sVersion>>> =
    LazyLock::new(|| K8S_VERSIONS.iter().map(|_| OnceLock::new()).collect());

/// Index of a bundled version in `K8S_VERSIONS`.
pub(crate) fn version_index(major: u32, minor: u32) -> Option<usize> {
    K8S_VERSIONS
        .iter()
        .position(|(ma, mi, _)| *ma == major && *mi == minor)
}

pub(crate) fn k8s_version(idx: usize) -> &'static K8sVersion {
    VERSIONS[idx].get_or_init(|| {
        let mut m = into_map(gunzip_json(K8S_VERSIONS[idx].2));
        let own = m.remove("defs").map(into_map).unwrap_or_default();
        let names = match m.remove("names") {
            Some(Value::Array(a)) => a
                .into_iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => HashSet::new(),
        };
        let kinds = m
            .remove("kinds")
            .map(into_map)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_owned())))
            .collect();
        K8sVersion { own, names, kinds }
    })
}

/// A bundled CRD schema (`apiVersion/Kind` key), decompressed on demand (not cached:
/// the registry caches the compiled validator).
pub(crate) fn crd(key: &str) -> Option<Value> {
    CRDS.iter()
        .find(|(k, _)| *k == key)
        .map(|(_, bytes)| gunzip_json(bytes))
}

pub(crate) fn has_crd(key: &str) -> bool {
    CRDS.iter().any(|(k, _)| *k == key)
}

pub(crate) fn kustomization() -> Value {
    gunzip_json(KUSTOMIZATION)
}
