//! A baseline records findings by rule, file and message (not line, which drifts).

use std::collections::BTreeSet;
use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::repo::Repo;

pub struct Baseline {
    keys: BTreeSet<String>,
}

fn key(repo: &Repo, d: &Diagnostic) -> String {
    format!(
        "{}\t{}\t{}",
        d.rule,
        repo.sources.path(d.span.file),
        d.message
    )
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
        let v: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("invalid baseline {}: {e}", path.display()))?;
        Ok(Baseline {
            keys: v["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| f.as_str().map(str::to_string))
                .collect(),
        })
    }

    /// Drop the findings the baseline records; returns how many were hidden.
    pub fn hide(&self, repo: &Repo, diags: &mut Vec<Diagnostic>) -> usize {
        let before = diags.len();
        diags.retain(|d| !self.keys.contains(&key(repo, d)));
        before - diags.len()
    }
}

/// Write the findings as a baseline; returns how many distinct entries it holds.
pub fn write(path: &Path, repo: &Repo, diags: &[Diagnostic]) -> Result<usize, String> {
    let keys: BTreeSet<String> = diags.iter().map(|d| key(repo, d)).collect();
    let doc = serde_json::json!({"version": 1, "findings": keys});
    std::fs::write(path, serde_json::to_string_pretty(&doc).unwrap() + "\n")
        .map_err(|e| format!("cannot write baseline {}: {e}", path.display()))?;
    Ok(keys.len())
}
