use super::Cx;
use crate::diagnostic::Diagnostic;

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// One testsuite per file, one testcase per finding location (a clean file is
/// one passing testcase). A finding is a `failure` only at or above
/// `--fail-on`; below it the testcase passes and carries the finding as output.
pub fn render(cx: &Cx, diags: &[Diagnostic]) -> String {
    let failing = |d: &Diagnostic| cx.view.fail_on.is_some_and(|min| d.severity >= min);
    let mut suites = String::new();
    let (mut tests, mut failures) = (0, 0);
    for file in &cx.repo.sources.files {
        let found: Vec<&Diagnostic> = diags.iter().filter(|d| d.span.file == file.id).collect();
        let name = xml(&cx.view.paths.repo_path(&file.path));
        let failed = found.iter().filter(|d| failing(d)).count();
        let count = found.len().max(1);
        tests += count;
        failures += failed;
        suites.push_str(&format!(
            "  <testsuite name=\"{name}\" tests=\"{count}\" failures=\"{failed}\" errors=\"0\" skipped=\"0\">\n"
        ));
        if found.is_empty() {
            suites.push_str(&format!(
                "    <testcase classname=\"{name}\" name=\"{name}\"/>\n"
            ));
        }
        for d in found {
            let r = cx.region(d.span);
            let line = format!(
                "{}:{}:{}: {}[{}] {}",
                cx.repo_path(d.span),
                r.start.line,
                r.start.column,
                d.severity.as_str(),
                d.rule,
                d.message
            );
            suites.push_str(&format!(
                "    <testcase classname=\"{name}\" name=\"{} at {}:{}\">\n",
                xml(d.rule),
                r.start.line,
                r.start.column
            ));
            if failing(d) {
                suites.push_str(&format!(
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                    xml(d.rule),
                    xml(&d.message),
                    xml(&line)
                ));
            } else {
                suites.push_str(&format!("      <system-out>{}</system-out>\n", xml(&line)));
            }
            suites.push_str("    </testcase>\n");
        }
        suites.push_str("  </testsuite>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ftlint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n{suites}</testsuites>\n"
    )
}
