//! Pod templates: the pods an object's controller creates, and their labels.

use crate::model::Object;
use crate::yaml::Node;

/// A pod template in a unit: built-in workloads, and any object with
/// `spec.template.metadata` and containers (Argo Rollouts and the like).
pub struct Template<'a> {
    pub object: &'a Object,
    pub labels: Vec<(&'a str, String)>,
    pub pod: &'a Node,
}

pub fn templates_of<'a>(objects: impl Iterator<Item = &'a Object>) -> Vec<Template<'a>> {
    let mut out = Vec::new();
    for o in objects {
        let (meta, pod) = match o.pod_spec() {
            Some(pod) => (o.pod_template_metadata(), pod),
            None => match o.root.path(&["spec", "template", "spec"]) {
                Some(pod) if pod.get("containers").is_some() => {
                    (o.root.path(&["spec", "template", "metadata"]), pod)
                }
                _ => continue,
            },
        };
        let labels = meta
            .and_then(|m| m.get("labels"))
            .map(Node::entries)
            .unwrap_or(&[])
            .iter()
            .filter_map(|e| Some((e.key.name.as_str(), e.value.scalar_text()?)))
            .collect();
        out.push(Template {
            object: o,
            labels,
            pod,
        });
    }
    out
}
