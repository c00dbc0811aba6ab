use super::Cx;
use crate::diagnostic::{Diagnostic, Severity};

/// Workflow commands escape `%`, CR and LF in data; properties also `:` and `,`.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=rule::message`,
/// paths relative to the repository root as GitHub resolves them.
pub fn render(cx: &Cx, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let r = cx.region(d.span);
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        out.push_str(&format!(
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&cx.repo_path(d.span)),
            r.start.line,
            r.start.column,
            r.end.line,
            r.end.column,
            escape_property(d.rule),
            escape_data(&message)
        ));
    }
    out
}
