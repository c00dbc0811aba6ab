//! Path classification shared by the loaders (resources, patches, generator inputs).

/// Is a resource entry a remote target (URL, git repository)?
pub fn is_remote(s: &str) -> bool {
    s.contains("://")
        || s.starts_with("git@")
        || s.starts_with("github.com/")
        || s.starts_with("gitlab.com/")
        || s.starts_with("bitbucket.org/")
        || s.contains("?ref=")
        || s.contains(".git//")
}

/// Is `path` in or below `dir` (kustomize's default load restriction for files)?
pub fn is_under(dir: &str, path: &str) -> bool {
    if dir.is_empty() {
        !path.starts_with("../") && path != ".."
    } else {
        path == dir || path.starts_with(&format!("{dir}/"))
    }
}
