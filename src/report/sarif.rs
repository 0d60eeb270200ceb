//! `sarif`: SARIF 2.1.0 for code-scanning tools. Columns are Unicode code points, as everywhere in
//! jixiao's machine output (`columnKind: unicodeCodePoints`); end columns are exclusive.

use crate::diagnostic::{Diagnostic, Label, Region, Severity};
use crate::read::source::SourceFile;
use crate::report::{FileReport, RuleInfo};
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{self, Write};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative URI reference for a file name: `/` separators, unreserved characters kept, the
/// rest percent-encoded (Chinese file names included).
pub fn uri(file: &str) -> String {
    let mut out = String::with_capacity(file.len());
    for b in file.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn location(source: &SourceFile, label: &Label) -> Value {
    let r = Region::of(source, label.span);
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(source.name()) },
            "region": {
                "startLine": r.line,
                "startColumn": r.column,
                "endLine": r.end_line,
                "endColumn": r.end_column,
                "snippet": { "text": source.slice(label.span) },
            }
        },
        "message": { "text": label.text.clone().unwrap_or_default() },
    })
}

fn result(source: &SourceFile, d: &Diagnostic, rule_index: Option<usize>) -> Value {
    let mut text = d.message.clone();
    for line in &d.explanation {
        text.push_str("\n原因: ");
        text.push_str(line);
    }
    if let Some(help) = &d.help {
        text.push_str("\n帮助: ");
        text.push_str(help);
    }
    let mut result = json!({
        "ruleId": d.code,
        "level": level(d.severity),
        "message": { "text": text },
    });
    if let (Some(obj), Some(i)) = (result.as_object_mut(), rule_index) {
        obj.insert("ruleIndex".into(), json!(i));
    }
    let locations: Vec<Value> = match &d.primary {
        Some(p) => vec![location(source, p)],
        None => vec![
            json!({ "physicalLocation": { "artifactLocation": { "uri": uri(source.name()) } } }),
        ],
    };
    if let Some(obj) = result.as_object_mut() {
        obj.insert("locations".into(), json!(locations));
        if !d.secondary.is_empty() {
            let related: Vec<Value> = d
                .secondary
                .iter()
                .enumerate()
                .map(|(k, l)| {
                    let mut loc = location(source, l);
                    if let Some(o) = loc.as_object_mut() {
                        o.insert("id".into(), json!(k + 1));
                    }
                    loc
                })
                .collect();
            obj.insert("relatedLocations".into(), json!(related));
        }
        if let Some(project) = &d.project {
            obj.insert(
                "properties".into(),
                json!({ "project": project, "indicator": d.indicator }),
            );
        }
    }
    result
}

pub fn render_sarif(
    reports: &[FileReport],
    rules: &[RuleInfo],
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut catalog: Vec<RuleInfo> = rules.to_vec();
    // Codes that are not in the catalog (configuration, run-time errors) get a minimal entry.
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        if !catalog.iter().any(|r| r.id == d.code) {
            catalog.push(RuleInfo {
                id: d.code.clone(),
                title: d.code.clone(),
                doc: None,
                severity: d.severity,
                tags: Vec::new(),
            });
        }
    }
    let index: HashMap<&str, usize> = catalog
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let rules_json: Vec<Value> = catalog
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.title },
                "fullDescription": { "text": r.doc.clone().unwrap_or_else(|| r.title.clone()) },
                "help": { "text": r.doc.clone().unwrap_or_else(|| r.title.clone()) },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "tags": r.tags },
            })
        })
        .collect();
    let artifacts: Vec<Value> = reports
        .iter()
        .map(|r| json!({ "location": { "uri": uri(r.source.name()) }, "encoding": r.source.encoding().name() }))
        .collect();
    // Keys in the order `json!` objects print them (sorted), so the streamed document reads as
    // the whole one did.
    #[derive(Serialize)]
    struct Document<'a> {
        #[serde(rename = "$schema")]
        schema: &'static str,
        runs: [Run<'a>; 1],
        version: &'static str,
    }
    #[derive(Serialize)]
    struct Run<'a> {
        artifacts: Vec<Value>,
        #[serde(rename = "columnKind")]
        column_kind: &'static str,
        results: Results<'a>,
        tool: Value,
    }
    let doc = Document {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            artifacts,
            column_kind: "unicodeCodePoints",
            results: Results {
                reports,
                index: &index,
            },
            tool: json!({ "driver": {
                "name": "jixiao",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://crates.io/crates/jixiao",
                "rules": rules_json,
            }}),
        }],
        version: "2.1.0",
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}

/// The results of all reports, serialized one at a time as they are visited: a report of a
/// million findings is never held in memory as JSON values.
struct Results<'a> {
    reports: &'a [FileReport],
    index: &'a HashMap<&'a str, usize>,
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        for r in self.reports {
            for d in &r.diagnostics {
                seq.serialize_element(&result(
                    &r.source,
                    d,
                    self.index.get(d.code.as_str()).copied(),
                ))?;
            }
        }
        seq.end()
    }
}
