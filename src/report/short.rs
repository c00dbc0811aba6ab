use super::Cx;
use crate::diagnostic::Diagnostic;

/// `path:line:col: severity[rule-id] message`
pub fn render(cx: &Cx, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let r = cx.region(d.span);
        out.push_str(&format!(
            "{}:{}:{}: {}[{}]{} {}\n",
            cx.display_path(d.span),
            r.start.line,
            r.start.column,
            d.severity.as_str(),
            d.rule,
            cx.marker(d),
            d.message
        ));
    }
    out
}
