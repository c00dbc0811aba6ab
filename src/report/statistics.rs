//! `--statistics`: one line per rule with its count, instead of each finding.

use std::collections::BTreeMap;

use super::{safe_fix, Format};
use crate::diagnostic::Diagnostic;

struct Row {
    count: usize,
    fixable: usize,
    severity: &'static str,
}

pub fn render(format: Format, diags: &[Diagnostic]) -> String {
    let mut rows: BTreeMap<&str, Row> = BTreeMap::new();
    for d in diags {
        let row = rows.entry(d.rule).or_insert(Row {
            count: 0,
            fixable: 0,
            severity: d.severity.as_str(),
        });
        row.count += 1;
        row.fixable += usize::from(safe_fix(d));
    }
    let mut sorted: Vec<(&str, Row)> = rows.into_iter().collect();
    sorted.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
    if format == Format::Json {
        let list: Vec<serde_json::Value> = sorted
            .iter()
            .map(|(rule, r)| {
                serde_json::json!({"rule": rule, "count": r.count, "fixable": r.fixable, "severity": r.severity})
            })
            .collect();
        return serde_json::to_string_pretty(&list).expect("JSON serialisation") + "\n";
    }
    let width = sorted
        .iter()
        .map(|(_, r)| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    let id_width = sorted.iter().map(|(id, _)| id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (rule, r) in &sorted {
        let marker = if r.fixable > 0 { "[*]" } else { "   " };
        out.push_str(&format!(
            "{:>width$}  {rule:<id_width$}  {marker}  {}\n",
            r.count, r.severity
        ));
    }
    out
}
