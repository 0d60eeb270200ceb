//! `junit`: JUnit XML — a test suite per file, a test case per form, a failure per finding at or
//! above the fail level (lesser findings go to the case's `system-out`).

use crate::diagnostic::{Diagnostic, Region, Severity};
use crate::report::FileReport;
use std::fmt::Write as _;
use std::io::{self, Write};

/// XML text with `& < > " '` escaped and characters XML 1.0 forbids dropped.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn describe(report: &FileReport, d: &Diagnostic) -> String {
    let at = d
        .primary
        .as_ref()
        .map(|p| Region::of(&report.source, p.span));
    let (line, column) = at.map_or((1, 1), |r| (r.line, r.column));
    let mut text = format!(
        "{}:{}:{}: {}[{}] {}",
        report.source.name(),
        line,
        column,
        d.severity,
        d.code,
        d.message
    );
    for e in &d.explanation {
        let _ = write!(text, "\n原因: {e}");
    }
    if let Some(h) = &d.help {
        let _ = write!(text, "\n帮助: {h}");
    }
    text
}

pub fn render_junit(
    reports: &[FileReport],
    fail_level: Severity,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut body = String::new();
    let (mut total_cases, mut total_failures) = (0usize, 0usize);
    for report in reports {
        // One case per form (by index), plus one for findings about the file as a whole.
        let mut cases: Vec<(String, Vec<&Diagnostic>)> = Vec::new();
        let file_level: Vec<&Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| d.project.is_none())
            .collect();
        if !file_level.is_empty() || report.forms == 0 {
            cases.push(("（文件）".to_owned(), file_level));
        }
        for index in 1..=report.forms {
            let findings: Vec<&Diagnostic> = report
                .diagnostics
                .iter()
                .filter(|d| d.project.as_ref().is_some_and(|p| p.index == index))
                .collect();
            let name = findings
                .iter()
                .find_map(|d| d.project.as_ref().map(|p| p.name.clone()))
                .unwrap_or_default();
            cases.push((
                format!("第 {index} 张表 {name}").trim_end().to_owned(),
                findings,
            ));
        }
        let failures = cases
            .iter()
            .filter(|(_, ds)| ds.iter().any(|d| d.severity >= fail_level))
            .count();
        total_cases += cases.len();
        total_failures += failures;
        let _ = writeln!(
            body,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">",
            xml(report.source.name()),
            cases.len()
        );
        for (name, findings) in cases {
            let _ = writeln!(
                body,
                "    <testcase name=\"{}\" classname=\"{}\">",
                xml(&name),
                xml(report.source.name())
            );
            let mut other = String::new();
            for d in findings {
                if d.severity >= fail_level {
                    let _ = writeln!(
                        body,
                        "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                        xml(&format!("[{}] {}", d.code, d.message)),
                        d.severity,
                        xml(&describe(report, d))
                    );
                } else {
                    other.push_str(&describe(report, d));
                    other.push('\n');
                }
            }
            if !other.is_empty() {
                let _ = writeln!(body, "      <system-out>{}</system-out>", xml(&other));
            }
            let _ = writeln!(body, "    </testcase>");
        }
        let _ = writeln!(body, "  </testsuite>");
    }
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<testsuites name=\"jixiao\" tests=\"{total_cases}\" failures=\"{total_failures}\">"
    )?;
    out.write_all(body.as_bytes())?;
    writeln!(out, "</testsuites>")
}
