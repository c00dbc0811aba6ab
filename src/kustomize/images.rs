//! The `images:` transformer: kustomize's name matching and tag/digest rewriting.

use crate::yaml::{Node, Span, Value};

#[derive(Clone, Debug)]
pub struct ImageEntry {
    pub name: String,
    pub name_span: Span,
    pub new_name: Option<(String, Span)>,
    pub new_tag: Option<(String, Span)>,
    pub digest: Option<(String, Span)>,
    pattern: super::pattern::ImagePattern,
}

impl ImageEntry {
    pub fn from_node(n: &Node) -> Option<ImageEntry> {
        let field = |k: &str| {
            n.get(k).and_then(|v| {
                let t = v.scalar_text()?;
                (!t.is_empty()).then_some((t, v.span))
            })
        };
        let (name, name_span) = field("name")?;
        Some(ImageEntry {
            name_span,
            new_name: field("newName"),
            new_tag: field("newTag"),
            digest: field("digest"),
            pattern: super::pattern::ImagePattern::new(&name),
            name,
        })
    }

    pub fn matches(&self, image: &str) -> bool {
        match self.pattern.matches(image) {
            Some(matched) => matched,
            None => split(image).0 == self.name,
        }
    }

    /// The span that sets the rendered value: newTag, else newName, else digest.
    pub fn value_span(&self) -> Span {
        self.new_tag
            .as_ref()
            .or(self.new_name.as_ref())
            .or(self.digest.as_ref())
            .map(|x| x.1)
            .unwrap_or(self.name_span)
    }
}

/// `[[host[:port]/]component/]component[:tag][@digest]` → (name, tag, digest).
pub fn split(image: &str) -> (String, String, String) {
    let (search, slash) = match image.find('/') {
        Some(i) if i > 0 => (&image[i..], i),
        _ => (image, 0),
    };
    let id = search.find('@');
    let ic = search.find(':');
    match (ic, id) {
        (None, None) => (image.to_string(), String::new(), String::new()),
        (ic, Some(id)) if ic.is_none_or(|ic| id < ic) => {
            let id = id + slash;
            (
                image[..id].to_string(),
                String::new(),
                image[id + 1..].to_string(),
            )
        }
        (Some(ic), Some(id)) => {
            let (ic, id) = (ic + slash, id + slash);
            (
                image[..ic].to_string(),
                image[ic + 1..id].to_string(),
                image[id + 1..].to_string(),
            )
        }
        (Some(ic), None) => {
            let ic = ic + slash;
            (
                image[..ic].to_string(),
                image[ic + 1..].to_string(),
                String::new(),
            )
        }
        _ => (image.to_string(), String::new(), String::new()),
    }
}

/// kustomize's `IsImageMatched`: the entry name (used as a regular expression,
/// as kustomize does) followed by an optional digest and tag.
#[cfg(test)]
fn is_matched(image: &str, name: &str) -> bool {
    super::pattern::ImagePattern::new(name)
        .matches(image)
        .unwrap_or_else(|| split(image).0 == name)
}

fn new_value(image: &str, e: &ImageEntry) -> String {
    let (mut name, mut tag, mut digest) = split(image);
    if let Some((n, _)) = &e.new_name {
        name = n.clone();
    }
    match (&e.new_tag, &e.digest) {
        (Some((t, _)), Some((d, _))) => {
            tag = t.clone();
            digest = d.clone();
        }
        (Some((t, _)), None) => {
            tag = t.clone();
            digest.clear();
        }
        (None, Some((d, _))) => {
            digest = d.clone();
            tag.clear();
        }
        (None, None) => {}
    }
    if !tag.is_empty() {
        name = format!("{name}:{tag}");
    }
    if !digest.is_empty() {
        name = format!("{name}@{digest}");
    }
    name
}

/// Apply one entry to every `containers`/`initContainers` image in the tree;
/// returns how many images matched.
pub fn apply(node: &mut Node, e: &ImageEntry) -> usize {
    let mut count = 0;
    walk(node, e, &mut count);
    count
}

fn walk(node: &mut Node, e: &ImageEntry, count: &mut usize) {
    // Found first without a mutable borrow, so subtrees shared with the
    // base (copy-on-write) are copied only on the path to a matching image.
    if !has_match(node, e) {
        return;
    }
    match &mut node.value {
        Value::Map(entries) => {
            for entry in entries.iter_mut() {
                let is_containers =
                    matches!(entry.key.name.as_str(), "containers" | "initContainers");
                if is_containers {
                    if let Value::Seq(items) = &mut entry.value.value {
                        // Only matching containers are borrowed mutably (copied).
                        let matching = |c: &Node| {
                            (c.get("image").and_then(Node::as_str)).is_some_and(|s| e.matches(s))
                        };
                        let hits: Vec<usize> = (items.iter().enumerate())
                            .filter(|(_, c)| matching(c))
                            .map(|(i, _)| i)
                            .collect();
                        for i in hits {
                            if let Some(img) = items[i].get_mut("image") {
                                if let Some(s) = img.as_str() {
                                    if e.matches(s) {
                                        *count += 1;
                                        if e.new_name.is_some()
                                            || e.new_tag.is_some()
                                            || e.digest.is_some()
                                        {
                                            let v = new_value(s, e);
                                            *img = Node::string(v, e.value_span());
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                walk(&mut entry.value, e, count);
            }
        }
        Value::Seq(items) => {
            for i in items.iter_mut() {
                walk(i, e, count);
            }
        }
        _ => {}
    }
}

/// Whether a `containers`/`initContainers` image below `node` matches.
fn has_match(node: &Node, e: &ImageEntry) -> bool {
    match &node.value {
        Value::Map(entries) => entries.iter().any(|entry| {
            let images = matches!(entry.key.name.as_str(), "containers" | "initContainers")
                && (entry.value.items().iter()).any(|c| {
                    c.get("image")
                        .and_then(Node::as_str)
                        .is_some_and(|s| e.matches(s))
                });
            images || has_match(&entry.value, e)
        }),
        Value::Seq(items) => items.iter().any(|i| has_match(i, e)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_forms() {
        assert_eq!(split("nginx"), ("nginx".into(), "".into(), "".into()));
        assert_eq!(
            split("nginx:1.2"),
            ("nginx".into(), "1.2".into(), "".into())
        );
        assert_eq!(
            split("localhost:5000/a/b:t@sha256:ab"),
            ("localhost:5000/a/b".into(), "t".into(), "sha256:ab".into())
        );
        assert_eq!(
            split("a/b@sha256:ab"),
            ("a/b".into(), "".into(), "sha256:ab".into())
        );
    }

    #[test]
    fn matching() {
        assert!(is_matched("web", "web"));
        assert!(is_matched("web:1", "web"));
        assert!(is_matched("web@sha256:abc", "web"));
        assert!(!is_matched("docker.io/web", "web"));
        assert!(!is_matched("webapp", "web"));
    }
}
