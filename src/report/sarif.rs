//! `sarif`: SARIF 2.1.0 for code-scanning tools. Columns are Unicode code points, as everywhere in
//! jixiao's machine output (`columnKind: unicodeCodePoints`); end columns are exclusive.

use crate::diagnostic::{Diagnostic, Label, Region, Severity};
use crate::read::source::SourceFile;
use crate::report::{FileReport, ReportPaths, RuleInfo};
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

/// Where a file is, for SARIF: relative to `%SRCROOT%` (the report root) when it is inside it.
fn artifact(paths: &ReportPaths, source: &SourceFile) -> Value {
    let relative = paths.relative(source.name());
    if ReportPaths::is_inside(&relative) {
        json!({ "uri": uri(&relative), "uriBaseId": ROOT_ID })
    } else {
        json!({ "uri": uri(&relative) })
    }
}

const ROOT_ID: &str = "%SRCROOT%";

fn location(paths: &ReportPaths, source: &SourceFile, label: &Label) -> Value {
    let r = Region::of(source, label.span);
    // A spreadsheet's column is a letter, not a character position: its findings give the row
    // and name the cell.
    let region = match &r.cell {
        Some(cell) => json!({
            "startLine": r.line,
            "endLine": r.end_line.max(r.line),
            "snippet": { "text": source.slice(label.span) },
            "properties": { "cell": cell },
        }),
        None => json!({
            "startLine": r.line,
            "startColumn": r.column,
            "endLine": r.end_line,
            "endColumn": r.end_column,
            "snippet": { "text": source.slice(label.span) },
        }),
    };
    json!({
        "physicalLocation": {
            "artifactLocation": artifact(paths, source),
            "region": region,
        },
        "message": { "text": label.text.clone().unwrap_or_default() },
    })
}

/// A fingerprint that survives edits elsewhere in the file: the file, the form's name, the rule
/// and the indicator — no line, column or form number — and which occurrence of those it is.
fn fingerprint(file: &str, d: &Diagnostic, occurrence: usize) -> String {
    let mut hasher = fnv::FnvHasher::default();
    let project = d.project.as_ref().map_or("", |p| p.name.as_str());
    let indicator = d.indicator.as_deref().unwrap_or("");
    let occurrence = occurrence.to_string();
    for part in [
        file,
        project,
        d.code.as_str(),
        indicator,
        occurrence.as_str(),
    ] {
        std::hash::Hasher::write(&mut hasher, part.as_bytes());
        std::hash::Hasher::write(&mut hasher, &[0xff]);
    }
    format!("{:016x}", std::hash::Hasher::finish(&hasher))
}

fn result(
    paths: &ReportPaths,
    source: &SourceFile,
    d: &Diagnostic,
    rule_index: Option<usize>,
    occurrence: usize,
) -> Value {
    let cell = d
        .primary
        .as_ref()
        .and_then(|p| Region::of(source, p.span).cell);
    let mut text = match &cell {
        Some(cell) => format!("{cell}：{}", d.message),
        None => d.message.clone(),
    };
    for line in &d.explanation {
        text.push_str("\n原因: ");
        text.push_str(line);
    }
    if let Some(help) = &d.help {
        text.push_str("\n帮助: ");
        text.push_str(help);
    }
    let relative = paths.relative(source.name());
    let mut result = json!({
        "ruleId": d.code,
        "level": level(d.severity),
        "message": { "text": text },
        "partialFingerprints": { "jixiao/v1": fingerprint(&relative, d, occurrence) },
    });
    if let (Some(obj), Some(i)) = (result.as_object_mut(), rule_index) {
        obj.insert("ruleIndex".into(), json!(i));
    }
    let locations: Vec<Value> = match &d.primary {
        Some(p) => vec![location(paths, source, p)],
        None => {
            vec![json!({ "physicalLocation": { "artifactLocation": artifact(paths, source) } })]
        }
    };
    if let Some(obj) = result.as_object_mut() {
        obj.insert("locations".into(), json!(locations));
        if !d.secondary.is_empty() {
            let related: Vec<Value> = d
                .secondary
                .iter()
                .enumerate()
                .map(|(k, l)| {
                    let mut loc = location(paths, source, l);
                    if let Some(o) = loc.as_object_mut() {
                        o.insert("id".into(), json!(k + 1));
                    }
                    loc
                })
                .collect();
            obj.insert("relatedLocations".into(), json!(related));
        }
        if d.project.is_some() || cell.is_some() {
            obj.insert(
                "properties".into(),
                json!({ "project": d.project, "indicator": d.indicator, "cell": cell }),
            );
        }
    }
    result
}

pub fn render_sarif(
    reports: &[FileReport],
    rules: &[RuleInfo],
    paths: &ReportPaths,
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
                help_uri: None,
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
            let mut rule = json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.title },
                "fullDescription": { "text": r.doc.clone().unwrap_or_else(|| r.title.clone()) },
                "help": { "text": r.doc.clone().unwrap_or_else(|| r.title.clone()) },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "tags": r.tags },
            });
            if let (Some(obj), Some(help_uri)) = (rule.as_object_mut(), &r.help_uri) {
                obj.insert("helpUri".into(), json!(help_uri));
            }
            rule
        })
        .collect();
    let artifacts: Vec<Value> = reports
        .iter()
        .map(|r| json!({ "location": artifact(paths, &r.source), "encoding": r.source.encoding().name() }))
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
        #[serde(rename = "originalUriBaseIds")]
        original_uri_base_ids: Value,
        results: Results<'a>,
        tool: Value,
    }
    let doc = Document {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            artifacts,
            column_kind: "unicodeCodePoints",
            original_uri_base_ids: json!({ ROOT_ID: { "uri": paths.root_uri() } }),
            results: Results {
                reports,
                index: &index,
                paths,
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
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(crate::report::json_io)?;
    writeln!(out)
}

/// The results of all reports, serialized one at a time as they are visited: a report of a
/// million findings is never held in memory as JSON values.
struct Results<'a> {
    reports: &'a [FileReport],
    index: &'a HashMap<&'a str, usize>,
    paths: &'a ReportPaths,
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        for r in self.reports {
            // Which occurrence of the same fingerprint material each finding is.
            let mut seen: HashMap<(Option<&str>, &str, Option<&str>), usize> = HashMap::new();
            for d in &r.diagnostics {
                let key = (
                    d.project.as_ref().map(|p| p.name.as_str()),
                    d.code.as_str(),
                    d.indicator.as_deref(),
                );
                let occurrence = seen.entry(key).or_insert(0);
                *occurrence += 1;
                let rule = self.index.get(d.code.as_str()).copied();
                seq.serialize_element(&result(self.paths, &r.source, d, rule, *occurrence))?;
            }
        }
        seq.end()
    }
}
