//! `xlsx`: a findings workbook for the people who send each unit its list — a sheet 汇总 (counts
//! by 主管部门 and by rule) and a sheet 问题清单 with one row per finding, a header row, an
//! autofilter, frozen panes and columns wide enough for Chinese text. The finding rows are
//! written in rust_xlsxwriter's constant-memory mode: each row goes to a temporary file as it is
//! made, so a report of 100 000 findings is not held as cells in memory.

use crate::diagnostic::{Diagnostic, Region};
use crate::report::{FileReport, RuleInfo, counted, findings};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The columns of 问题清单, with their widths (in characters of a Latin font; a Chinese
/// character takes about two).
pub const COLUMNS: [(&str, f64); 11] = [
    ("文件", 28.0),
    ("表序号", 7.0),
    ("项目名称", 30.0),
    ("主管部门", 26.0),
    ("实施单位", 26.0),
    ("规则", 30.0),
    ("级别", 6.0),
    ("问题", 60.0),
    ("位置", 18.0),
    ("原文", 30.0),
    ("修改建议", 50.0),
];

/// Most characters of a cell (Excel's own limit is 32 767).
const MAX_CELL_CHARS: usize = 32_000;

/// Text for a cell: control characters shown, at most [`MAX_CELL_CHARS`]. Every cell is
/// written as a string, never a formula, so a form's `=HYPERLINK(…)` stays text, exactly as
/// written.
fn cell_text(text: &str) -> String {
    crate::diagnostic::visible(text)
        .chars()
        .take(MAX_CELL_CHARS)
        .collect()
}

/// One finding as the row of 问题清单 (the columns of [`COLUMNS`]).
pub fn row(report: &FileReport, d: &Diagnostic) -> [String; 11] {
    let form = report.form_of(d);
    let index = d
        .project
        .as_ref()
        .map(|p| p.index.to_string())
        .unwrap_or_default();
    let (place, quoted) = match &d.primary {
        Some(p) => (
            match Region::of(&report.source, p.span) {
                Region { cell: Some(c), .. } => c,
                r => format!("{}:{}", r.line, r.column),
            },
            report.source.slice(p.span).to_owned(),
        ),
        None => (String::new(), String::new()),
    };
    let mut message = d.message.clone();
    for why in &d.explanation {
        message.push_str("\n原因：");
        message.push_str(why);
    }
    [
        report.source.name().to_owned(),
        index,
        form.map(|f| f.name.clone())
            .or_else(|| d.project.as_ref().map(|p| p.name.clone()))
            .unwrap_or_default(),
        form.map(|f| f.department.clone()).unwrap_or_default(),
        form.map(|f| f.implementer.clone()).unwrap_or_default(),
        d.code.clone(),
        d.severity.zh().to_owned(),
        message,
        place,
        quoted,
        d.help.clone().unwrap_or_default(),
    ]
}

fn xlsx_error(e: XlsxError) -> io::Error {
    io::Error::other(format!("无法生成工作簿：{e}"))
}

fn counts_table(
    sheet: &mut Worksheet,
    first_row: u32,
    title: &str,
    rows: &[(String, usize)],
    bold: &Format,
) -> Result<u32, XlsxError> {
    sheet.write_string_with_format(first_row, 0, title, bold)?;
    sheet.write_string_with_format(first_row, 1, "发现数", bold)?;
    let mut r = first_row + 1;
    for (label, n) in rows {
        sheet.write_string(r, 0, cell_text(label))?;
        sheet.write_number(r, 1, *n as f64)?;
        r += 1;
    }
    Ok(r + 1)
}

pub fn render_xlsx(
    reports: &[FileReport],
    rules: &[RuleInfo],
    out: &mut dyn Write,
) -> io::Result<()> {
    let bytes = build(reports, rules).map_err(xlsx_error)?;
    out.write_all(&bytes)
}

fn build(reports: &[FileReport], rules: &[RuleInfo]) -> Result<Vec<u8>, XlsxError> {
    let titles: BTreeMap<&str, &str> = rules
        .iter()
        .map(|r| (r.id.as_str(), r.title.as_str()))
        .collect();
    let by_unit = counted(findings(reports).map(|(r, d)| r.unit_of(d)));
    let by_rule: Vec<(String, usize)> = counted(findings(reports).map(|(_, d)| d.code.as_str()))
        .into_iter()
        .map(|(id, n)| match titles.get(id.as_str()) {
            Some(title) if *title != id => (format!("{id}（{title}）"), n),
            _ => (id, n),
        })
        .collect();

    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    {
        let summary = book.add_worksheet();
        summary.set_name("汇总")?;
        summary.set_column_width(0, 60.0)?;
        summary.set_column_width(1, 10.0)?;
        let next = counts_table(summary, 0, "主管部门", &by_unit, &bold)?;
        counts_table(summary, next, "规则", &by_rule, &bold)?;
    }
    let list = book.add_worksheet_with_constant_memory();
    list.set_name("问题清单")?;
    for (col, (name, width)) in (0u16..).zip(COLUMNS) {
        list.set_column_width(col, width)?;
        list.write_string_with_format(0, col, name, &bold)?;
    }
    list.set_freeze_panes(1, 0)?;
    let mut r: u32 = 1;
    for (report, d) in findings(reports) {
        for (col, text) in (0u16..).zip(row(report, d)) {
            if col == 1 && !text.is_empty() {
                if let Ok(n) = text.parse::<f64>() {
                    list.write_number(r, col, n)?;
                }
            } else if col == 7 || col == 10 {
                list.write_string_with_format(r, col, cell_text(&text), &wrap)?;
            } else {
                list.write_string(r, col, cell_text(&text))?;
            }
        }
        r += 1;
        if r >= 1_048_576 {
            break;
        }
    }
    list.autofilter(0, 0, r.saturating_sub(1).max(1), 10)?;
    book.save_to_buffer()
}

/// `check --annotate DIR`: a copy of a workbook's sheets with each flagged cell filled by the
/// colour of its most severe finding and a note holding the findings (message and fix), plus
/// the 问题清单 sheet of that file. The copy is rebuilt from the cells as read — values as text,
/// without the original's formatting, formulas or merged ranges — and the original file is
/// never touched. `None` for a report that is not of a spreadsheet.
pub fn annotated(report: &FileReport) -> Option<io::Result<Vec<u8>>> {
    let source = &report.source;
    let sheets = source.sheets();
    if sheets.is_empty()
        || sheets
            .iter()
            .any(|s| s.kind != crate::read::source::GridKind::Sheet)
    {
        return None;
    }
    Some(annotate(report).map_err(xlsx_error))
}

fn annotate(report: &FileReport) -> Result<Vec<u8>, XlsxError> {
    use crate::diagnostic::Severity;
    use rust_xlsxwriter::{Color, Note};
    let source = &report.source;
    // The findings of each flagged cell: (sheet, row, column) → findings.
    let mut flagged: BTreeMap<(String, usize, usize), Vec<&Diagnostic>> = BTreeMap::new();
    for d in &report.diagnostics {
        if let Some(cell) = d.primary.as_ref().and_then(|p| source.cell(p.span.start)) {
            flagged
                .entry((cell.sheet, cell.row, cell.column))
                .or_default()
                .push(d);
        }
    }
    let fill = |s: Severity| match s {
        Severity::Error => Format::new().set_background_color(Color::RGB(0xFF_C7_CE)),
        Severity::Warning => Format::new().set_background_color(Color::RGB(0xFF_EB_9C)),
        Severity::Info => Format::new().set_background_color(Color::RGB(0xDD_EB_F7)),
    };
    let mut book = Workbook::new();
    for (k, lines) in source.sheets().iter().enumerate() {
        let sheet = book.add_worksheet();
        let name = if lines.name.is_empty() {
            format!("Sheet{}", k + 1)
        } else {
            lines.name.clone()
        };
        // A name Excel refuses (too long, `[]:*?/\`) keeps the default.
        let _ = sheet.set_name(&name);
        for r in 0..lines.rows {
            let text = source.slice(source.line_span(lines.first_line + r));
            for (c, value) in text.split('\t').enumerate() {
                let (Ok(row), Ok(col)) = (u32::try_from(r), u16::try_from(c)) else {
                    continue;
                };
                let key = (lines.name.clone(), r + 1, c + 1);
                match flagged.get(&key) {
                    Some(findings) => {
                        let worst = findings
                            .iter()
                            .map(|d| d.severity)
                            .max()
                            .unwrap_or(Severity::Info);
                        sheet.write_string_with_format(row, col, cell_text(value), &fill(worst))?;
                        let text: Vec<String> = findings
                            .iter()
                            .map(|d| match &d.help {
                                Some(h) => format!("[{}] {}\n修改建议：{h}", d.code, d.message),
                                None => format!("[{}] {}", d.code, d.message),
                            })
                            .collect();
                        let note = Note::new(
                            cell_text(&text.join("\n\n"))
                                .chars()
                                .take(30_000)
                                .collect::<String>(),
                        )
                        .set_author("jixiao")
                        .set_width(420)
                        .set_height(180);
                        sheet.insert_note(row, col, &note)?;
                    }
                    None if !value.is_empty() => {
                        sheet.write_string(row, col, cell_text(value))?;
                    }
                    None => {}
                }
            }
        }
    }
    // The file's own findings list.
    let bold = Format::new().set_bold();
    let list = book.add_worksheet();
    list.set_name("问题清单")?;
    for (col, (name, width)) in (0u16..).zip(COLUMNS) {
        list.set_column_width(col, width)?;
        list.write_string_with_format(0, col, name, &bold)?;
    }
    list.set_freeze_panes(1, 0)?;
    let mut r: u32 = 1;
    for d in &report.diagnostics {
        for (col, text) in (0u16..).zip(row(report, d)) {
            list.write_string(r, col, cell_text(&text))?;
        }
        r += 1;
    }
    list.autofilter(0, 0, r.saturating_sub(1).max(1), 10)?;
    book.save_to_buffer()
}
