//! Name references: after prefixes, suffixes, namespaces and hashes changed
//! names, rewrite the fields that refer to them (kustomize's nameReference).

use std::collections::HashMap;

use super::res::{self, Res, ResId};
use crate::yaml::{Node, Str, Value};

const CM: &[&str] = &["ConfigMap"];
const SECRET: &[&str] = &["Secret"];
const SA: &[&str] = &["ServiceAccount"];
const SVC: &[&str] = &["Service"];
const PVC: &[&str] = &["PersistentVolumeClaim"];
const PV: &[&str] = &["PersistentVolume"];
const PC: &[&str] = &["PriorityClass"];
const SC: &[&str] = &["StorageClass"];

struct Cand {
    cur: ResId,
    prev: Vec<ResId>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
}

/// The renamed resources, found by any earlier name: a reference costs
/// what it matches, not a scan of every renamed resource.
struct Renamed {
    cands: Vec<Cand>,
    by_prev_name: HashMap<Str, Vec<usize>>,
}

impl Renamed {
    fn new(cands: Vec<Cand>) -> Renamed {
        let mut by_prev_name: HashMap<Str, Vec<usize>> = HashMap::new();
        for (i, c) in cands.iter().enumerate() {
            for p in &c.prev {
                let at = by_prev_name.entry(p.name.clone()).or_default();
                if at.last() != Some(&i) {
                    at.push(i);
                }
            }
        }
        Renamed {
            cands,
            by_prev_name,
        }
    }

    /// Renamed resources that once had this name, in resource order.
    fn once_named<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a Cand> + 'a {
        self.by_prev_name
            .get(name)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&i| &self.cands[i])
    }
}

fn child<'a>(n: &'a mut Node, path: &[&str]) -> Option<&'a mut Node> {
    let mut cur = n;
    for p in path {
        cur = cur.get_mut(p)?;
    }
    Some(cur)
}

fn seq<'a>(n: &'a mut Node, key: &str) -> impl Iterator<Item = &'a mut Node> {
    n.get_mut(key)
        .and_then(Node::as_seq_mut)
        .map(|v| v.iter_mut())
        .into_iter()
        .flatten()
}

type Visit<'f> = dyn FnMut(&[&str], &mut Node) + 'f;

fn pod_refs(ps: &mut Node, f: &mut Visit) {
    for (k, kinds) in [
        ("serviceAccountName", SA),
        ("serviceAccount", SA),
        ("priorityClassName", PC),
    ] {
        if let Some(v) = ps.get_mut(k) {
            f(kinds, v);
        }
    }
    for s in seq(ps, "imagePullSecrets") {
        if let Some(v) = s.get_mut("name") {
            f(SECRET, v);
        }
    }
    for vol in seq(ps, "volumes") {
        if let Some(v) = child(vol, &["configMap", "name"]) {
            f(CM, v);
        }
        if let Some(v) = child(vol, &["secret", "secretName"]) {
            f(SECRET, v);
        }
        if let Some(v) = child(vol, &["persistentVolumeClaim", "claimName"]) {
            f(PVC, v);
        }
        if let Some(p) = child(vol, &["projected"]) {
            for src in seq(p, "sources") {
                if let Some(v) = child(src, &["configMap", "name"]) {
                    f(CM, v);
                }
                if let Some(v) = child(src, &["secret", "name"]) {
                    f(SECRET, v);
                }
            }
        }
        for driver in [
            "csi",
            "cephfs",
            "cinder",
            "flexVolume",
            "rbd",
            "scaleIO",
            "iscsi",
            "storageos",
        ] {
            if let Some(v) = child(vol, &[driver, "secretRef", "name"]) {
                f(SECRET, v);
            }
        }
        if let Some(v) = child(vol, &["csi", "nodePublishSecretRef", "name"]) {
            f(SECRET, v);
        }
    }
    for key in ["containers", "initContainers", "ephemeralContainers"] {
        for c in seq(ps, key) {
            for e in seq(c, "env") {
                if let Some(v) = child(e, &["valueFrom", "configMapKeyRef", "name"]) {
                    f(CM, v);
                }
                if let Some(v) = child(e, &["valueFrom", "secretKeyRef", "name"]) {
                    f(SECRET, v);
                }
            }
            for e in seq(c, "envFrom") {
                if let Some(v) = child(e, &["configMapRef", "name"]) {
                    f(CM, v);
                }
                if let Some(v) = child(e, &["secretRef", "name"]) {
                    f(SECRET, v);
                }
            }
        }
    }
}

/// Every name-reference field of an object, with the kinds it may refer to.
fn refs(node: &mut Node, group: &str, kind: &str, f: &mut Visit) {
    let pod_path: Option<&[&str]> = match kind {
        "Pod" => Some(&["spec"]),
        "Deployment"
        | "ReplicaSet"
        | "DaemonSet"
        | "StatefulSet"
        | "Job"
        | "ReplicationController" => Some(&["spec", "template", "spec"]),
        "CronJob" => Some(&["spec", "jobTemplate", "spec", "template", "spec"]),
        _ => None,
    };
    if let Some(p) = pod_path {
        if let Some(ps) = child(node, p) {
            pod_refs(ps, f);
        }
    }
    match kind {
        "Ingress" => {
            if let Some(spec) = node.get_mut("spec") {
                for path in [
                    &["defaultBackend", "service", "name"][..],
                    &["backend", "serviceName"],
                ] {
                    if let Some(v) = child(spec, path) {
                        f(SVC, v);
                    }
                }
                for t in seq(spec, "tls") {
                    if let Some(v) = t.get_mut("secretName") {
                        f(SECRET, v);
                    }
                }
                for rule in seq(spec, "rules") {
                    if let Some(http) = rule.get_mut("http") {
                        for p in seq(http, "paths") {
                            for path in [
                                &["backend", "service", "name"][..],
                                &["backend", "serviceName"],
                            ] {
                                if let Some(v) = child(p, path) {
                                    f(SVC, v);
                                }
                            }
                        }
                    }
                }
            }
        }
        "StatefulSet" => {
            if let Some(v) = child(node, &["spec", "serviceName"]) {
                f(SVC, v);
            }
            if let Some(spec) = node.get_mut("spec") {
                for t in seq(spec, "volumeClaimTemplates") {
                    if let Some(v) = child(t, &["spec", "storageClassName"]) {
                        f(SC, v);
                    }
                }
            }
        }
        "HorizontalPodAutoscaler" => {
            let target = node
                .str_at(&["spec", "scaleTargetRef", "kind"])
                .unwrap_or("")
                .to_string();
            let kinds: &[&str] = match target.as_str() {
                "Deployment" => &["Deployment"],
                "StatefulSet" => &["StatefulSet"],
                "ReplicaSet" => &["ReplicaSet"],
                "ReplicationController" => &["ReplicationController"],
                _ => &[],
            };
            if let Some(v) = child(node, &["spec", "scaleTargetRef", "name"]) {
                f(kinds, v);
            }
        }
        "RoleBinding" | "ClusterRoleBinding" if group == "rbac.authorization.k8s.io" => {
            let rk = node.str_at(&["roleRef", "kind"]).unwrap_or("").to_string();
            let kinds: &[&str] = match rk.as_str() {
                "Role" => &["Role"],
                "ClusterRole" => &["ClusterRole"],
                _ => &[],
            };
            if let Some(v) = child(node, &["roleRef", "name"]) {
                f(kinds, v);
            }
        }
        "ServiceAccount" => {
            for key in ["secrets", "imagePullSecrets"] {
                for s in seq(node, key) {
                    if let Some(v) = s.get_mut("name") {
                        f(SECRET, v);
                    }
                }
            }
        }
        "PersistentVolumeClaim" => {
            if let Some(v) = child(node, &["spec", "volumeName"]) {
                f(PV, v);
            }
            if let Some(v) = child(node, &["spec", "storageClassName"]) {
                f(SC, v);
            }
        }
        "PersistentVolume" => {
            if let Some(v) = child(node, &["spec", "storageClassName"]) {
                f(SC, v);
            }
        }
        _ => {}
    }
}

/// The `{name, namespace}` Service references of webhook configurations and APIServices.
fn service_refs<'a>(node: &'a mut Node, kind: &str) -> Vec<&'a mut Node> {
    match kind {
        "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration" => seq(node, "webhooks")
            .filter_map(|w| child(w, &["clientConfig", "service"]))
            .collect(),
        "APIService" => child(node, &["spec", "service"]).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// A Service reference follows the Service it names (by a previous name, and
/// the previous namespace when the reference has one): its new name and namespace.
fn follow_service(svc: &mut Node, renamed: &Renamed, me: &Cand) {
    let Some(name) = svc.str_at(&["name"]).map(str::to_string) else {
        return;
    };
    let ns = svc.str_at(&["namespace"]).map(str::to_string);
    let cands: Vec<&Cand> = renamed
        .once_named(&name)
        .filter(|c| c.cur.kind == "Service")
        .filter(|c| {
            c.prev
                .iter()
                .any(|p| p.name == name && ns.as_deref().is_none_or(|ns| p.namespace == ns))
        })
        .collect();
    let Some(c) = choose(&cands, me) else {
        return;
    };
    let span = svc.get("name").map(|n| n.span).unwrap_or(svc.span);
    if c.cur.name != name {
        res::set_entry(svc, "name", span, Node::string(c.cur.name.clone(), span));
    }
    if !c.cur.namespace.is_empty() && ns.as_deref() != Some(c.cur.namespace.as_str()) {
        let nspan = svc.get("namespace").map(|n| n.span).unwrap_or(span);
        res::set_entry(
            svc,
            "namespace",
            nspan,
            Node::string(c.cur.namespace.clone(), nspan),
        );
    }
}

fn choose<'a>(cands: &[&'a Cand], referrer: &Cand) -> Option<&'a Cand> {
    match cands {
        [] => None,
        [one] => Some(one),
        many => {
            let same: Vec<&&Cand> = many
                .iter()
                .filter(|c| c.prefixes == referrer.prefixes && c.suffixes == referrer.suffixes)
                .collect();
            if same.len() == 1 {
                return Some(same[0]);
            }
            if many.iter().all(|c| c.cur.name == many[0].cur.name) {
                return Some(many[0]);
            }
            None
        }
    }
}

/// A `nameReference` entry of a `configurations:` file: fields (of the
/// kinds its field specs name) that refer to objects of `kind` by name.
#[derive(Clone, Debug)]
pub struct NameReference {
    pub(super) kind: String,
    /// (group, kind, path) of the referring fields.
    pub(super) specs: Vec<(Option<String>, Option<String>, String)>,
}

/// The `nameReference` entries of a `configurations:` document.
pub fn references_of(doc: &Node) -> Vec<NameReference> {
    doc.get("nameReference")
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .filter_map(|n| {
            Some(NameReference {
                kind: n.str_at(&["kind"])?.to_string(),
                specs: n
                    .get("fieldSpecs")
                    .map(Node::items)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|fs| {
                        Some((
                            fs.str_at(&["group"]).map(str::to_string),
                            fs.str_at(&["kind"]).map(str::to_string),
                            fs.str_at(&["path"])?.to_string(),
                        ))
                    })
                    .collect(),
            })
        })
        .collect()
}

/// Rewrite references to renamed objects: kustomize's builtin name
/// references, plus those of `configurations:` files (`extra`).
pub fn fix(acc: &mut [Res], extra: &[NameReference]) {
    let renamed: Vec<Cand> = acc
        .iter()
        .filter(|r| !r.prev.is_empty())
        .map(|r| Cand {
            cur: r.cur(),
            prev: r.prev.clone(),
            prefixes: r.prefixes.clone(),
            suffixes: r.suffixes.clone(),
        })
        .collect();
    if renamed.is_empty() {
        return;
    }
    let renamed = Renamed::new(renamed);
    for r in acc.iter_mut() {
        let me = Cand {
            cur: r.cur(),
            prev: Vec::new(),
            prefixes: r.prefixes.clone(),
            suffixes: r.suffixes.clone(),
        };
        let (group, kind) = (me.cur.group.clone(), me.cur.kind.clone());
        let referrer_cluster = me.cur.is_cluster_scoped();
        let mut visit = |kinds: &[&str], v: &mut Node| {
            let Some(old) = v.as_str().map(str::to_string) else {
                return;
            };
            let cands: Vec<&Cand> = renamed
                .once_named(&old)
                .filter(|c| kinds.contains(&c.cur.kind.as_str()))
                .filter(|c| c.prev.iter().any(|p| p.name == old))
                .filter(|c| {
                    referrer_cluster
                        || c.cur.is_cluster_scoped()
                        || c.cur.kind == "ServiceAccount"
                        || c.cur.ns_equals(&me.cur)
                })
                .collect();
            if let Some(c) = choose(&cands, &me) {
                if c.cur.name != old {
                    *v = Node::string(c.cur.name.clone(), v.span);
                }
            }
        };
        refs(&mut r.node, &group, &kind, &mut visit);
        for nr in extra {
            let target = [nr.kind.as_str()];
            for (g, k, path) in &nr.specs {
                if g.as_ref().is_some_and(|g| *g != group) || k.as_ref().is_some_and(|k| *k != kind)
                {
                    continue;
                }
                let span = r.node.span;
                let parts = super::fieldspec::split(path);
                super::fieldspec::visit_path(&mut r.node, &parts, false, span, &mut |v| {
                    visit(&target, v)
                });
            }
        }
        for svc in service_refs(&mut r.node, &kind) {
            follow_service(svc, &renamed, &me);
        }
        if matches!(kind.as_str(), "RoleBinding" | "ClusterRoleBinding") {
            for s in seq(&mut r.node, "subjects") {
                if s.str_at(&["kind"]) != Some("ServiceAccount") {
                    continue;
                }
                let Some(name) = s.str_at(&["name"]).map(str::to_string) else {
                    continue;
                };
                let sns = s.str_at(&["namespace"]).map(str::to_string);
                let cands: Vec<&Cand> = renamed
                    .once_named(&name)
                    .filter(|c| c.cur.kind == "ServiceAccount")
                    .filter(|c| {
                        c.prev.iter().any(|p| {
                            p.name == name
                                && sns.as_deref().is_none_or(|ns| {
                                    let want = if ns.is_empty() { "default" } else { ns };
                                    p.effective_namespace() == want
                                })
                        })
                    })
                    .collect();
                if let Some(c) = choose(&cands, &me) {
                    let span = s.get("name").map(|n| n.span).unwrap_or(s.span);
                    if c.cur.name != name {
                        res::set_entry(s, "name", span, Node::string(c.cur.name.clone(), span));
                    }
                    if !c.cur.namespace.is_empty()
                        && sns.as_deref() != Some(c.cur.namespace.as_str())
                    {
                        let nspan = s.get("namespace").map(|n| n.span).unwrap_or(span);
                        res::set_entry(
                            s,
                            "namespace",
                            nspan,
                            Node::new(Value::Str(c.cur.namespace.as_str().into()), nspan),
                        );
                    }
                }
            }
        }
    }
}
