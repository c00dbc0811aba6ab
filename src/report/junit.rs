use super::{path, region};
use crate::diagnostic::Diagnostic;
use crate::repo::Repo;

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// One testcase per file, one failure per finding.
pub fn render(repo: &Repo, diags: &[Diagnostic]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let tests = repo.sources.files.len();
    out.push_str(&format!(
        "<testsuites name=\"ftlint\" tests=\"{tests}\" failures=\"{}\">\n  <testsuite name=\"ftlint\" tests=\"{tests}\" failures=\"{}\">\n",
        diags.len(),
        diags.len()
    ));
    for file in &repo.sources.files {
        let failures: Vec<&Diagnostic> = diags.iter().filter(|d| d.span.file == file.id).collect();
        let name = xml(&file.path);
        if failures.is_empty() {
            out.push_str(&format!(
                "    <testcase classname=\"ftlint\" name=\"{name}\"/>\n"
            ));
            continue;
        }
        out.push_str(&format!(
            "    <testcase classname=\"ftlint\" name=\"{name}\">\n"
        ));
        for d in failures {
            let r = region(repo, d.span);
            out.push_str(&format!(
                "      <failure type=\"{}\" message=\"{}\">{}:{}:{}: {}[{}] {}</failure>\n",
                xml(d.rule),
                xml(&d.message),
                xml(path(repo, d.span)),
                r.start.line,
                r.start.column,
                d.severity.as_str(),
                xml(d.rule),
                xml(&d.message)
            ));
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
