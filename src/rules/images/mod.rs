//! Image rules: tags, pinning, registries.

pub mod image_not_pinned;
pub mod image_registry;
pub mod no_latest_tag;

use crate::model::Object;
use crate::rules::workloads::{containers, Container};
use crate::yaml::Node;

/// A parsed image reference `[registry/]repository[:tag][@digest]`.
#[derive(Debug, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// Everything before the tag and digest.
    pub name: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    pub fn parse(image: &'a str) -> ImageRef<'a> {
        let (rest, digest) = match image.split_once('@') {
            Some((r, d)) => (r, Some(d)),
            None => (image, None),
        };
        let slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
        let (name, tag) = match rest[slash..].rfind(':') {
            Some(i) => (&rest[..slash + i], Some(&rest[slash + i + 1..])),
            None => (rest, None),
        };
        ImageRef {
            name,
            tag: tag.filter(|t| !t.is_empty()),
            digest: digest.filter(|d| !d.is_empty()),
        }
    }

    /// The registry host, `docker.io` when none is written.
    pub fn registry(&self) -> &'a str {
        match self.name.split_once('/') {
            Some((first, _)) if first.contains(['.', ':']) || first == "localhost" => first,
            _ => "docker.io",
        }
    }

    /// The fully qualified name: `docker.io/library/nginx`.
    pub fn full_name(&self) -> String {
        let has_registry = matches!(self.name.split_once('/'), Some((first, _)) if first.contains(['.', ':']) || first == "localhost");
        if has_registry {
            self.name.to_string()
        } else if self.name.contains('/') {
            format!("docker.io/{}", self.name)
        } else {
            format!("docker.io/library/{}", self.name)
        }
    }
}

/// An image value is templated (`${TAG}`, `{{ }}`) or otherwise not an image literal.
pub fn is_templated(image: &str) -> bool {
    image.contains("${") || image.contains("{{") || image.contains("$(") || image.trim().is_empty()
}

/// Every container with a literal `image` value.
pub fn images(object: &Object) -> Vec<(Container<'_>, &Node, &str)> {
    let Some(pod) = object.pod_spec() else {
        return Vec::new();
    };
    containers(pod)
        .into_iter()
        .filter_map(|c| {
            let node = c.node.get("image")?;
            // Borrow the str from the node, which outlives the container view.
            let image: &str = node.as_str()?;
            if is_templated(image) {
                return None;
            }
            Some((c, node, image))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::ImageRef;

    #[test]
    fn parses_references() {
        let r = ImageRef::parse("localhost:5000/team/app:1.2@sha256:abc");
        assert_eq!(r.name, "localhost:5000/team/app");
        assert_eq!(r.tag, Some("1.2"));
        assert_eq!(r.digest, Some("sha256:abc"));
        assert_eq!(r.registry(), "localhost:5000");
        let r = ImageRef::parse("registry:5000/app");
        assert_eq!(r.tag, None);
        assert_eq!(r.registry(), "registry:5000");
        let r = ImageRef::parse("nginx");
        assert_eq!(r.full_name(), "docker.io/library/nginx");
        assert_eq!(r.registry(), "docker.io");
    }
}
