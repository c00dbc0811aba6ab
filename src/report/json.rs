use rayon::prelude::*;
use serde_json::{json, Value};

use super::{Cx, Summary};
use crate::diagnostic::{Applicability, Diagnostic};

fn fix_json(cx: &Cx, d: &Diagnostic) -> Value {
    let Some(fix) = &d.fix else {
        return Value::Null;
    };
    let edits: Vec<Value> = fix
        .edits
        .iter()
        .map(|e| {
            let r = cx.region(e.span);
            json!({
                "file": cx.repo_path(e.span),
                "line": r.start.line, "column": r.start.column,
                "end_line": r.end.line, "end_column": r.end.column,
                "replacement": e.replacement,
            })
        })
        .collect();
    json!({
        "message": fix.message,
        "applicability": match fix.applicability { Applicability::Safe => "safe", Applicability::Unsafe => "unsafe" },
        "edits": edits,
    })
}

pub fn diagnostic_json(cx: &Cx, d: &Diagnostic) -> Value {
    let r = cx.region(d.span);
    let related: Vec<Value> = d
        .related
        .iter()
        .map(|rel| {
            let rr = cx.region(rel.span);
            json!({"file": cx.repo_path(rel.span), "line": rr.start.line, "column": rr.start.column, "message": rel.message})
        })
        .collect();
    let unit = match d.context.units.len() {
        0 => Value::Null,
        1 => Value::String(d.context.units[0].clone()),
        _ => Value::String(d.context.units.join(", ")),
    };
    json!({
        "rule": d.rule,
        "severity": d.severity.as_str(),
        "message": d.message,
        "file": cx.repo_path(d.span),
        "line": r.start.line, "column": r.start.column,
        "end_line": r.end.line, "end_column": r.end.column,
        "help": d.help,
        "related": related,
        "context": {"unit": unit, "env": d.context.env, "object": d.context.object},
        "fix": fix_json(cx, d),
    })
}

pub fn render(cx: &Cx, diags: &[Diagnostic], summary: &Summary) -> String {
    let doc = json!({
        "version": 1,
        "tool": {"name": "ftlint", "version": env!("CARGO_PKG_VERSION")},
        "diagnostics": [],
        "summary": {
            "files": summary.files, "documents": summary.documents, "objects": summary.objects,
            "units": summary.units, "errors": summary.errors, "warnings": summary.warnings,
            "elapsed_ms": summary.elapsed_ms, "not_checked": summary.not_checked,
        },
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("JSON serialisation");
    if !diags.is_empty() {
        // Thousands of findings: each is built and printed on its own, in
        // parallel, at the depth the document gives it (JSON strings hold no
        // raw newline, so indenting line by line is exact).
        let items: Vec<String> = diags
            .par_iter()
            .map(|d| {
                let one = serde_json::to_string_pretty(&diagnostic_json(cx, d))
                    .expect("JSON serialisation");
                let mut out = String::with_capacity(one.len() + one.len() / 8);
                for (i, line) in one.split('\n').enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    out.push_str("    ");
                    out.push_str(line);
                }
                out
            })
            .collect();
        let array = format!("[\n{}\n  ]", items.join(",\n"));
        const EMPTY: &str = "\n  \"diagnostics\": [],\n";
        let at = s.find(EMPTY).expect("the document has a diagnostics key") + EMPTY.len() - 4;
        s.replace_range(at..at + 2, &array);
    }
    s.push('\n');
    s
}
