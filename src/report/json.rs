//! `json` output: `{"diagnostics": [...], "summary": {...}}` with positions in characters.

use crate::diagnostic::{Diagnostic, Label, Region};
use crate::read::source::SourceFile;
use crate::report::{FileReport, Summary};
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};
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

/// Written one diagnostic at a time: a report of a million findings is not built in memory
/// first (each would take kilobytes as a JSON value).
pub fn render_json(
    reports: &[FileReport],
    summary: &Summary,
    out: &mut dyn Write,
) -> io::Result<()> {
    #[derive(Serialize)]
    struct Document<'a> {
        diagnostics: Diagnostics<'a>,
        summary: Value,
    }
    // As a JSON value, so its keys are sorted as the rest of the document's are.
    let doc = Document {
        diagnostics: Diagnostics(reports),
        summary: serde_json::to_value(summary).map_err(io::Error::other)?,
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(crate::report::json_io)?;
    writeln!(out)
}

/// The diagnostics of all reports as one JSON array, serialized as they are visited.
struct Diagnostics<'a>(&'a [FileReport]);

impl Serialize for Diagnostics<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        for r in self.0 {
            for d in &r.diagnostics {
                seq.serialize_element(&json_diagnostic(&r.source, d))?;
            }
        }
        seq.end()
    }
}
