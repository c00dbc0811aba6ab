//! Git repository URLs: Argo CD's normalisation, the looser identity used to
//! decide whether a source is "this repository", and the remotes of a
//! checkout read from `.git/config` (no git binary needed).

use std::path::{Path, PathBuf};

/// `user@host:path` (scp-like SSH) or `ssh://...`.
fn is_ssh_url(url: &str) -> bool {
    if url.starts_with("ssh://") {
        return true;
    }
    if url.contains("://") {
        return false;
    }
    match (url.find('@'), url.find(':')) {
        (Some(at), Some(colon)) => at < colon && !url[..colon].contains('/'),
        _ => false,
    }
}

/// Argo CD's `git.NormalizeGitURL`: lower case, scp-like SSH URLs turned into
/// `ssh://` form, `.git` suffix removed, then the `ssh://` prefix dropped.
/// Used where Argo CD compares URLs itself (AppProject `sourceRepos`).
pub fn normalize_git_url(url: &str) -> String {
    let mut repo = url.trim().to_lowercase();
    if is_ssh_url(&repo) && !repo.starts_with("ssh://") {
        repo = format!("ssh://{}", repo.replacen(':', "/", 1));
    }
    if let Some(r) = repo.strip_suffix(".git") {
        repo = r.to_string();
    }
    repo.strip_prefix("ssh://").unwrap_or(&repo).to_string()
}

/// The identity of a repository regardless of transport: `host/path`, lower
/// case, without scheme, user, port, `.git` suffix or trailing slash. So
/// `git@github.com:Org/Repo.git`, `ssh://git@github.com:22/org/repo` and
/// `https://github.com/org/repo/` are the same repository.
pub fn repo_key(url: &str) -> Option<String> {
    let url = url.trim().to_lowercase();
    if url.is_empty() || url.contains("{{") {
        return None;
    }
    let (had_scheme, rest) = match url.find("://") {
        Some(i) => (true, &url[i + 3..]),
        None => (false, url.as_str()),
    };
    let slash = rest.find('/').unwrap_or(rest.len());
    let rest = match rest[..slash].rfind('@') {
        Some(at) => &rest[at + 1..],
        None => rest,
    };
    let slash = rest.find('/').unwrap_or(rest.len());
    let (host, path) = match rest[..slash].find(':') {
        // scp-like: `host:org/repo`; with a scheme it is a port.
        Some(c) if !had_scheme => (&rest[..c], rest[c + 1..].to_string()),
        Some(c) => (&rest[..c], rest[slash..].to_string()),
        None => (&rest[..slash], rest[slash..].to_string()),
    };
    let mut path = path.trim_matches('/').to_string();
    if let Some(p) = path.strip_suffix(".git") {
        path = p.trim_end_matches('/').to_string();
    }
    if host.is_empty() {
        return None;
    }
    Some(format!("{host}/{path}"))
}

/// Same repository, compared as [`repo_key`] does.
pub fn same_repo(a: &str, b: &str) -> bool {
    match (repo_key(a), repo_key(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// The git config file of a checkout: `.git/config`, or for a worktree or
/// submodule (`.git` is a file `gitdir: ...`) the common directory's config.
fn git_config_path(root: &Path) -> Option<PathBuf> {
    let dot_git = root.join(".git");
    if dot_git.is_dir() {
        return Some(dot_git.join("config"));
    }
    let text = std::fs::read_to_string(&dot_git).ok()?;
    let gitdir = text.lines().find_map(|l| l.strip_prefix("gitdir:"))?.trim();
    let gitdir = root.join(gitdir);
    let common = match std::fs::read_to_string(gitdir.join("commondir")) {
        Ok(c) => gitdir.join(c.trim()),
        Err(_) => gitdir,
    };
    Some(common.join("config"))
}

/// URLs of every remote in a git config text (`[remote "x"] url = ...`).
pub fn parse_remote_urls(config: &str) -> Vec<String> {
    let mut urls = Vec::new();
    let mut in_remote = false;
    for line in config.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_remote = line.starts_with("[remote ");
            continue;
        }
        if !in_remote {
            continue;
        }
        if let Some((key, value)) = line.split_once('=') {
            if key.trim().eq_ignore_ascii_case("url") {
                let v = value.trim().trim_matches('"').to_string();
                if !v.is_empty() && !urls.contains(&v) {
                    urls.push(v);
                }
            }
        }
    }
    urls
}

/// Remote URLs of the checkout at `root` (empty when it is not one).
pub fn git_remote_urls(root: &Path) -> Vec<String> {
    git_config_path(root)
        .and_then(|p| std::fs::read_to_string(p).ok())
        .map(|t| parse_remote_urls(&t))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argo_normalisation() {
        assert_eq!(
            normalize_git_url("git@GitHub.com:Org/Repo.git"),
            "git@github.com/org/repo"
        );
        assert_eq!(
            normalize_git_url("ssh://git@github.com/org/repo.git"),
            "git@github.com/org/repo"
        );
        assert_eq!(
            normalize_git_url("https://github.com/org/repo.git"),
            "https://github.com/org/repo"
        );
    }

    #[test]
    fn identity_across_transports() {
        let forms = [
            "https://github.com/org/repo",
            "https://GitHub.com/org/repo.git",
            "https://github.com/org/repo/",
            "git@github.com:org/repo.git",
            "ssh://git@github.com/org/repo",
            "ssh://git@github.com:22/org/repo.git",
            "http://user@github.com/org/repo",
        ];
        for f in forms {
            assert_eq!(repo_key(f).as_deref(), Some("github.com/org/repo"), "{f}");
        }
        assert!(!same_repo(
            "https://github.com/org/repo",
            "https://github.com/org/other"
        ));
        assert!(!same_repo(
            "https://gitlab.com/org/repo",
            "https://github.com/org/repo"
        ));
        assert_eq!(repo_key("{{repo}}"), None);
    }

    #[test]
    fn remotes_from_git_config() {
        let cfg = "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = git@github.com:org/repo.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n[branch \"main\"]\n\tremote = origin\n[remote \"mirror\"]\n\turl = https://gitlab.com/org/repo\n";
        assert_eq!(
            parse_remote_urls(cfg),
            vec!["git@github.com:org/repo.git", "https://gitlab.com/org/repo"]
        );
    }
}
