//! Reading an Application (written, or rendered from an ApplicationSet
//! template) into [`App`]: fields as `pkg/apis/application/v1alpha1/types.go`
//! defines them.

use crate::source::normalize;
use crate::yaml::{FileId, Node};

use super::{App, Destination, IgnoreRule, KustomizeOptions, Origin, Source, Spanned};

pub(crate) fn strings(node: Option<&Node>) -> Vec<String> {
    node.map(Node::items)
        .unwrap_or(&[])
        .iter()
        .filter_map(Node::scalar_text)
        .collect()
}

fn parse_source(node: &Node) -> Source {
    let raw_path = node.str_at(&["path"]).map(str::to_string);
    let kustomize = node.get("kustomize");
    Source {
        repo_url: Spanned::of(node.get("repoURL")),
        in_repo: false,
        path: raw_path.as_deref().map(normalize),
        path_span: node.get("path").map(|n| n.span),
        raw_path,
        path_exists: false,
        chart: node.str_at(&["chart"]).map(str::to_string),
        ref_name: node.str_at(&["ref"]).map(str::to_string),
        kustomize: KustomizeOptions {
            name_prefix: kustomize
                .and_then(|k| k.str_at(&["namePrefix"]))
                .map(str::to_string),
            name_suffix: kustomize
                .and_then(|k| k.str_at(&["nameSuffix"]))
                .map(str::to_string),
            namespace: Spanned::of(kustomize.and_then(|k| k.get("namespace"))),
            images: strings(kustomize.and_then(|k| k.get("images"))),
        },
        directory_recurse: node.path(&["directory", "recurse"]).and_then(Node::as_bool)
            == Some(true),
    }
}

pub(crate) fn parse_app(root: &Node, file: FileId, origin: Origin) -> App {
    let spec = root.get("spec");
    let mut sources = Vec::new();
    if let Some(s) = spec.and_then(|s| s.get("source")) {
        sources.push(parse_source(s));
    }
    for s in spec
        .and_then(|s| s.get("sources"))
        .map(Node::items)
        .unwrap_or(&[])
    {
        sources.push(parse_source(s));
    }
    let dest = spec.and_then(|s| s.get("destination"));
    let destination = Destination {
        server: Spanned::of(dest.and_then(|d| d.get("server"))),
        name: Spanned::of(dest.and_then(|d| d.get("name"))),
        namespace: Spanned::of(dest.and_then(|d| d.get("namespace"))),
        span: dest.or(spec).map(|n| n.span).unwrap_or(root.span),
    };
    let policy = spec.and_then(|s| s.get("syncPolicy"));
    let automated = policy.and_then(|p| p.entry("automated")).and_then(|e| {
        let off = e.value.get("enabled").and_then(Node::as_bool) == Some(false);
        (!off).then_some(e.key.span)
    });
    let ignore = spec
        .and_then(|s| s.get("ignoreDifferences"))
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .map(|n| IgnoreRule {
            group: n.str_at(&["group"]).unwrap_or("").to_string(),
            kind: n.str_at(&["kind"]).unwrap_or("").to_string(),
            name: n
                .str_at(&["name"])
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            namespace: n
                .str_at(&["namespace"])
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            json_pointers: strings(n.get("jsonPointers")),
            jq_paths: strings(n.get("jqPathExpressions")),
            managers: strings(n.get("managedFieldsManagers")),
            span: n.span,
        })
        .collect();
    let name_node = root.path(&["metadata", "name"]);
    App {
        name: name_node.and_then(Node::scalar_text).unwrap_or_default(),
        namespace: root.str_at(&["metadata", "namespace"]).map(str::to_string),
        root: root.clone(),
        file,
        anchor: name_node.map(|n| n.span).unwrap_or(root.span),
        origin,
        project: Spanned::of(spec.and_then(|s| s.get("project"))),
        sources,
        destination,
        automated,
        sync_options: strings(policy.and_then(|p| p.get("syncOptions"))),
        ignore,
        env: None,
        units: Vec::new(),
        defined_in: Vec::new(),
        parent: None,
    }
}
