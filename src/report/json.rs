//! `json` output: `{"diagnostics": [...], "summary": {...}}` with positions in characters.

use crate::diagnostic::{Diagnostic, Label, Region};
use crate::read::source::SourceFile;
use crate::report::{FileReport, Summary};
use serde_json::{Value, json};
use std::io::{self, Write};

fn label_json(source: &SourceFile, label: &Label) -> Value {
    let r = Region::of(source, label.span);
    let mut v = json!({
        "text": label.text,
        "line": r.line,
        "column": r.column,
        "end_line": r.end_line,
        "end_column": r.end_column,
    });
    if let (Some(obj), Some(cell)) = (v.as_object_mut(), r.cell) {
        obj.insert("cell".into(), json!(cell));
    }
    v
}

/// One diagnostic as a JSON object.
pub fn json_diagnostic(source: &SourceFile, d: &Diagnostic) -> Value {
    let region = d.primary.as_ref().map(|l| Region::of(source, l.span));
    let mut labels: Vec<Value> = Vec::with_capacity(d.secondary.len() + 1);
    if let Some(primary) = &d.primary {
        let mut l = label_json(source, primary);
        if let Some(obj) = l.as_object_mut() {
            obj.insert("primary".into(), Value::Bool(true));
        }
        labels.push(l);
    }
    for label in &d.secondary {
        let mut l = label_json(source, label);
        if let Some(obj) = l.as_object_mut() {
            obj.insert("primary".into(), Value::Bool(false));
        }
        labels.push(l);
    }
    let mut v = json!({
        "rule": d.code,
        "severity": d.severity,
        "message": d.message,
        "file": source.name(),
        "line": region.as_ref().map(|r| r.line),
        "column": region.as_ref().map(|r| r.column),
        "end_line": region.as_ref().map(|r| r.end_line),
        "end_column": region.as_ref().map(|r| r.end_column),
        "labels": labels,
        "help": d.help,
        "explanation": d.explanation,
        "project": d.project,
        "indicator": d.indicator,
    });
    if let (Some(obj), Some(cell)) = (v.as_object_mut(), region.and_then(|r| r.cell)) {
        obj.insert("cell".into(), json!(cell));
    }
    v
}

pub fn render_json(
    reports: &[FileReport],
    summary: &Summary,
    out: &mut dyn Write,
) -> io::Result<()> {
    let diagnostics: Vec<Value> = reports
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(|d| json_diagnostic(&r.source, d)))
        .collect();
    let doc = json!({ "diagnostics": diagnostics, "summary": summary });
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}
