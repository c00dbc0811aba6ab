//! The embedded, compressed schema files and their lazy decoding.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::{LazyLock, OnceLock};

use serde_json::value::RawValue;
use serde_json::Value;

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

/// One bundled file's definitions, each parsed on its first use: a run
/// needs the closure of the kinds it meets, a small part of the ~700.
struct Defs {
    raw: HashMap<Cow<'static, str>, (&'static RawValue, OnceLock<Value>)>,
}

impl Defs {
    fn get(&'static self, name: &str) -> Option<&'static Value> {
        let (raw, parsed) = self.raw.get(name)?;
        Some(parsed.get_or_init(|| {
            serde_json::from_str(raw.get()).expect("bundled definition is valid JSON")
        }))
    }

    fn contains(&self, name: &str) -> bool {
        self.raw.contains_key(name)
    }
}

/// A bundled schema file as stored: definitions left unparsed.
#[derive(serde::Deserialize)]
struct RawFile<'a> {
    #[serde(borrow, default)]
    defs: HashMap<Cow<'a, str>, &'a RawValue>,
    #[serde(default)]
    names: HashSet<String>,
    #[serde(default)]
    kinds: HashMap<String, String>,
}

/// Decompress a bundled file for the rest of the process (its definitions
/// are borrowed from the text) and read its outline.
fn open_file(bytes: &[u8]) -> (Defs, HashSet<String>, HashMap<String, String>) {
    let mut s = String::with_capacity(bytes.len() * 8);
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut s)
        .expect("bundled schema is valid gzip");
    let text: &'static str = Box::leak(s.into_boxed_str());
    let file: RawFile<'static> = serde_json::from_str(text).expect("bundled schema is valid JSON");
    let raw = file
        .defs
        .into_iter()
        .map(|(name, raw)| (name, (raw, OnceLock::new())))
        .collect();
    (Defs { raw }, file.names, file.kinds)
}

/// Definitions identical in every bundled version.
fn common() -> &'static Defs {
    static COMMON: OnceLock<Defs> = OnceLock::new();
    COMMON.get_or_init(|| open_file(data::K8S_COMMON).0)
}

/// One Kubernetes version: its own definitions, the names it has, and the kinds index.
pub(crate) struct K8sVersion {
    own: Defs,
    names: HashSet<String>,
    /// `apiVersion/Kind` -> definition name.
    pub kinds: HashMap<String, String>,
}

impl K8sVersion {
    pub fn def(&'static self, name: &str) -> Option<&'static Value> {
        if self.own.contains(name) {
            return self.own.get(name);
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
        let (own, names, kinds) = open_file(K8S_VERSIONS[idx].2);
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
