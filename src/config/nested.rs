//! Configs of subtrees: the `.ftlint.yaml` files below the root.

use std::path::Path;

use super::FILE_NAME;

/// Directories below `root` (relative, `/` separated, shallowest first) that
/// hold a `.ftlint.yaml`; hidden and git-ignored directories are not searched.
pub fn nested_configs(root: &Path) -> Vec<String> {
    // One parallel walk that looks at names only: a stat of `dir/.ftlint.yaml`
    // per directory made this a tenth of a 1,000-service run. Hidden
    // directories stay skipped, hidden files (the config itself) are seen.
    let found = std::sync::Mutex::new(Vec::new());
    ignore::WalkBuilder::new(root)
        .require_git(false)
        .hidden(false)
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_type().is_some_and(|t| t.is_dir())
                    && e.file_name().to_string_lossy().starts_with('.'))
        })
        .build_parallel()
        .run(|| {
            let found = &found;
            Box::new(move |entry| {
                if let Ok(e) = entry {
                    if e.depth() > 1
                        && e.file_name() == FILE_NAME
                        && !e.file_type().is_some_and(|t| t.is_dir())
                        && e.path().is_file()
                    {
                        let dir = e.path().parent().unwrap_or(root);
                        if let Ok(rel) = dir.strip_prefix(root) {
                            let rel = rel.to_string_lossy().replace('\\', "/");
                            found.lock().unwrap_or_else(|p| p.into_inner()).push(rel);
                        }
                    }
                }
                ignore::WalkState::Continue
            })
        });
    let mut found = found.into_inner().unwrap_or_else(|p| p.into_inner());
    found.sort_by_key(|d| (d.matches('/').count(), d.clone()));
    found
}
