//! `github`: GitHub Actions workflow commands, which show as annotations on the files.

use crate::diagnostic::{Region, Severity};
use crate::report::FileReport;
use std::io::{self, Write};

/// Escape data: `%`, CR and LF.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value: data escapes plus `:` and `,`.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn render_github(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for report in reports {
        for d in &report.diagnostics {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut props = vec![format!("file={}", property(report.source.name()))];
            if let Some(p) = &d.primary {
                let r = Region::of(&report.source, p.span);
                props.push(format!("line={}", r.line));
                props.push(format!("col={}", r.column));
                props.push(format!("endLine={}", r.end_line));
                props.push(format!("endColumn={}", r.end_column));
            }
            props.push(format!("title={}", property(&d.code)));
            let mut message = crate::diagnostic::visible(&d.message).into_owned();
            if let Some(h) = &d.help {
                message.push('\n');
                message.push_str(h);
            }
            writeln!(out, "::{command} {}::{}", props.join(","), data(&message))?;
        }
    }
    Ok(())
}
