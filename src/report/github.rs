//! `github`: GitHub Actions workflow commands, which show as annotations on the files.

use crate::diagnostic::{Region, Severity};
use crate::report::{FileReport, ReportPaths};
use std::collections::HashSet;
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

/// How many annotations of one level GitHub shows for a step; the rest are only in the log.
pub const GITHUB_SHOWN_PER_LEVEL: usize = 10;

/// Annotations, errors first (GitHub shows only the first ten of each level per step), then
/// warnings and notices; with `changed`, only for those files (paths relative to the root). A
/// final notice says what was left out.
pub fn render_github(
    reports: &[FileReport],
    paths: &ReportPaths,
    changed: Option<&HashSet<String>>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut counts = [0usize; 3];
    let mut unchanged = 0usize;
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        for report in reports {
            let file = paths.relative(report.source.name());
            let annotate = changed.is_none_or(|c| c.contains(&file));
            for d in report.diagnostics.iter().filter(|d| d.severity == severity) {
                if !annotate {
                    unchanged += 1;
                    continue;
                }
                let (command, count) = match d.severity {
                    Severity::Error => ("error", &mut counts[0]),
                    Severity::Warning => ("warning", &mut counts[1]),
                    Severity::Info => ("notice", &mut counts[2]),
                };
                *count += 1;
                let mut props = vec![format!("file={}", property(&file))];
                let mut message = crate::diagnostic::visible(&d.message).into_owned();
                if let Some(p) = &d.primary {
                    let r = Region::of(&report.source, p.span);
                    props.push(format!("line={}", r.line));
                    match &r.cell {
                        // A spreadsheet's column is a letter, not a character position.
                        Some(cell) => {
                            props.push(format!("endLine={}", r.end_line.max(r.line)));
                            message = format!("{cell}：{message}");
                        }
                        None => {
                            props.push(format!("col={}", r.column));
                            props.push(format!("endLine={}", r.end_line));
                            props.push(format!("endColumn={}", r.end_column));
                        }
                    }
                }
                props.push(format!("title={}", property(&d.code)));
                if let Some(h) = &d.help {
                    message.push('\n');
                    message.push_str(h);
                }
                writeln!(out, "::{command} {}::{}", props.join(","), data(&message))?;
            }
        }
    }
    let [errors, warnings, notices] = counts;
    let hidden = |n: usize| n.saturating_sub(GITHUB_SHOWN_PER_LEVEL);
    let mut left_out = Vec::new();
    if hidden(errors) + hidden(warnings) + hidden(notices) > 0 {
        left_out.push(format!(
            "GitHub 每个步骤每种级别只显示前 {GITHUB_SHOWN_PER_LEVEL} 条标注：另有 {} 个错误、{} 个警告、{} 条提示只在日志中",
            hidden(errors),
            hidden(warnings),
            hidden(notices)
        ));
    }
    if unchanged > 0 {
        left_out.push(format!("{unchanged} 条发现在未改动的文件中，未标注"));
    }
    if !left_out.is_empty() {
        writeln!(
            out,
            "::notice title=jixiao::{}",
            data(&format!(
                "{}；完整报告可用 --format sarif 或 --format human 查看",
                left_out.join("；")
            ))
        )?;
    }
    Ok(())
}
