use super::Cx;
use crate::diagnostic::Diagnostic;

/// Findings grouped under their file, one aligned line each (for many findings).
pub fn render(cx: &Cx, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    let mut current: Option<String> = None;
    let width = diags
        .iter()
        .map(|d| {
            let r = cx.region(d.span);
            format!("{}:{}", r.start.line, r.start.column).len()
        })
        .max()
        .unwrap_or(0);
    let rule_width = diags
        .iter()
        .map(|d| d.rule.len() + cx.marker(d).len())
        .max()
        .unwrap_or(0);
    for d in diags {
        let file = cx.display_path(d.span);
        if current.as_deref() != Some(file.as_str()) {
            if current.is_some() {
                out.push('\n');
            }
            out.push_str(&file);
            out.push('\n');
            current = Some(file);
        }
        let r = cx.region(d.span);
        let at = format!("{}:{}", r.start.line, r.start.column);
        let rule = format!("{}{}", d.rule, cx.marker(d));
        out.push_str(&format!(
            "  {at:<width$}  {:<7}  {rule:<rule_width$}  {}\n",
            d.severity.as_str(),
            d.message
        ));
    }
    if !diags.is_empty() {
        out.push('\n');
    }
    out
}
