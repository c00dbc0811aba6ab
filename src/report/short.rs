use super::{path, region};
use crate::diagnostic::Diagnostic;
use crate::repo::Repo;

/// `path:line:col: severity[rule-id] message`
pub fn render(repo: &Repo, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let r = region(repo, d.span);
        out.push_str(&format!(
            "{}:{}:{}: {}[{}] {}\n",
            path(repo, d.span),
            r.start.line,
            r.start.column,
            d.severity.as_str(),
            d.rule,
            d.message
        ));
    }
    out
}
