//! `junit`: JUnit XML — a test suite per file, a test case per form, a failure per finding at or
//! above the fail level (lesser findings go to the case's `system-out`).

use crate::diagnostic::{Diagnostic, Region, Severity};
use crate::report::{FileReport, ReportPaths};
use std::fmt::Write as _;
use std::io::{self, Write};

/// XML text with `& < > " '` escaped and characters XML 1.0 forbids dropped.
fn xml(text: &str) -> String {
    // Control characters and bidirectional overrides from a form are shown, not passed on.
    let text = crate::diagnostic::visible(text);
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

fn describe(report: &FileReport, file: &str, d: &Diagnostic) -> String {
    let at = d
        .primary
        .as_ref()
        .map(|p| Region::of(&report.source, p.span));
    let place = match &at {
        Some(r) => r.location(file),
        None => format!("{file}:1:1"),
    };
    let mut text = format!("{place}: {}[{}] {}", d.severity, d.code, d.message);
    for e in &d.explanation {
        let _ = write!(text, "\n原因: {e}");
    }
    if let Some(h) = &d.help {
        let _ = write!(text, "\n帮助: {h}");
    }
    text
}

/// Test-case names for the forms of a file: the project's name, so a case keeps its name when
/// its findings are fixed or another form is inserted before it (a name used twice gets
/// `（第 2 个）`; a form without a name is named by its position).
fn case_names(report: &FileReport) -> Vec<String> {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    (1..=report.forms)
        .map(|index| {
            let name = report
                .form_info
                .get(index - 1)
                .map(|f| f.name.trim())
                .filter(|n| !n.is_empty())
                .or_else(|| {
                    report.diagnostics.iter().find_map(|d| {
                        d.project
                            .as_ref()
                            .filter(|p| p.index == index && !p.name.trim().is_empty())
                            .map(|p| p.name.trim())
                    })
                });
            match name {
                Some(name) => {
                    let n = seen.entry(name).or_insert(0);
                    *n += 1;
                    if *n == 1 {
                        name.to_owned()
                    } else {
                        format!("{name}（第 {n} 个）")
                    }
                }
                None => format!("第 {index} 张表（无项目名称）"),
            }
        })
        .collect()
}

pub fn render_junit(
    reports: &[FileReport],
    fail_level: Severity,
    paths: &ReportPaths,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut body = String::new();
    let (mut total_cases, mut total_failures) = (0usize, 0usize);
    for report in reports {
        let file = paths.relative(report.source.name());
        // One case per form, plus one for findings about the file as a whole.
        let mut cases: Vec<(String, Vec<&Diagnostic>)> = Vec::new();
        let file_level: Vec<&Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| d.project.is_none())
            .collect();
        if !file_level.is_empty() || report.forms == 0 {
            cases.push(("（文件）".to_owned(), file_level));
        }
        for (k, name) in case_names(report).into_iter().enumerate() {
            let findings: Vec<&Diagnostic> = report
                .diagnostics
                .iter()
                .filter(|d| d.project.as_ref().is_some_and(|p| p.index == k + 1))
                .collect();
            cases.push((name, findings));
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
            xml(&file),
            cases.len()
        );
        for (name, findings) in cases {
            let _ = writeln!(
                body,
                "    <testcase name=\"{}\" classname=\"{}\">",
                xml(&name),
                xml(&file)
            );
            let mut other = String::new();
            for d in findings {
                if d.severity >= fail_level {
                    let _ = writeln!(
                        body,
                        "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                        xml(&format!("[{}] {}", d.code, d.message)),
                        d.severity,
                        xml(&describe(report, &file, d))
                    );
                } else {
                    other.push_str(&describe(report, &file, d));
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
