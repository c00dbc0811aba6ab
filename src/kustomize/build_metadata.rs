//! `buildMetadata:` of the kustomization being built (kustomize reads the
//! top one only; a base's list is ignored).

use super::ctx::Ctx;
use super::fieldspec;
use super::res::Res;
use crate::source::FileKind;
use crate::yaml::Node;

/// The label value `kubectl kustomize` writes (its embedded kustomize has no
/// release version; the standalone binary writes `kustomize-v5.5.0`).
const MANAGED_BY: &str = "kustomize-(devel)";

impl Ctx<'_> {
    pub(super) fn build_metadata(&mut self, dir: &str, k: &Node, acc: &mut [Res]) {
        for item in k.get("buildMetadata").map(Node::items).unwrap_or(&[]) {
            let span = item.span;
            match item.as_str().unwrap_or_default() {
                "managedByLabel" => {
                    let pair = (
                        "app.kubernetes.io/managed-by".to_string(),
                        span,
                        Node::string(MANAGED_BY, span),
                    );
                    let spec = [fieldspec::METADATA_LABELS];
                    self.set_pairs(acc, &[pair], &spec, "", &[], span);
                }
                "originAnnotations" => {
                    for r in acc.iter_mut() {
                        let origin = self.origin(dir, r);
                        let pair = (
                            "config.kubernetes.io/origin".to_string(),
                            span,
                            Node::string(origin, span),
                        );
                        let spec = [fieldspec::FieldSpec {
                            path: "metadata/annotations",
                            ..fieldspec::METADATA_LABELS
                        }];
                        self.set_pairs(std::slice::from_mut(r), &[pair], &spec, "", &[], span);
                    }
                }
                other => self.warn(
                    span,
                    format!("`buildMetadata: {other}` is not applied (ftlint does not record which transformers changed each object); rendering the rest"),
                ),
            }
        }
    }

    /// kustomize's `config.kubernetes.io/origin`: the resource file, or the
    /// kustomization whose generator made the object, relative to `dir`.
    fn origin(&self, dir: &str, r: &Res) -> String {
        let file = self.sources.get(r.file);
        let path = relative(dir, &file.path);
        if file.kind != FileKind::Kustomization {
            return format!("path: {path}\n");
        }
        let generator = match r.node.get("kind").and_then(Node::as_str) {
            Some("Secret") => "SecretGenerator",
            _ => "ConfigMapGenerator",
        };
        format!("configuredIn: {path}\nconfiguredBy:\n  apiVersion: builtin\n  kind: {generator}\n")
    }
}

/// `path` (repo-relative) as seen from the directory `dir`.
fn relative(dir: &str, path: &str) -> String {
    let from: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; from.len() - common];
    out.extend(&to[common..]);
    out.join("/")
}

#[cfg(test)]
mod tests {
    #[test]
    fn relative_paths_climb_out_of_the_directory() {
        assert_eq!(super::relative("overlay", "base/d.yaml"), "../base/d.yaml");
        assert_eq!(super::relative("a/b", "a/b/c.yaml"), "c.yaml");
        assert_eq!(super::relative("", "x/y.yaml"), "x/y.yaml");
    }
}
