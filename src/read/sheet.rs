//! Spreadsheets laid out like the approval form: CSV files and workbooks (`.xlsx`, `.xls`,
//! `.ods`), one form per sheet or several stacked down a sheet, with merged cells.
//!
//! A sheet is written out as text — one line per spreadsheet row, its cells separated by tabs —
//! and read by the same parser as PDF text, so the layout rules live in one place. The source
//! remembers which lines are which sheet's rows, so findings name the cell (`Sheet1!D14`) and the
//! code frame shows the row's cells. A merged cell holds its value in its first cell and leaves
//! the others empty, exactly as extracted PDF text does, so the parser's inheritance of 一级/二级
//! from the rows above applies unchanged.

use crate::diagnostic::Diagnostic;
use crate::model::Document;
use crate::read::grid::{Cell, Columns, Row};
use crate::read::recognize::parse_rows;
use crate::read::source::{SheetLines, SourceFile};
use crate::read::vocabulary::Vocabulary;
use crate::read::{Input, InputFormat};
use crate::span::Span;
use std::sync::Arc;

/// Most rows and columns read from one sheet (a spreadsheet can claim a million of each).
const MAX_ROWS: usize = 1_000_000;
const MAX_COLUMNS: usize = 256;

/// Cells of one sheet, row by row.
struct Sheet {
    name: String,
    rows: Vec<Vec<String>>,
}

/// Read a CSV file or a workbook.
pub fn read(name: String, bytes: &[u8], format: InputFormat, vocab: &Vocabulary) -> Input {
    let mut diagnostics = Vec::new();
    let sheets = match format {
        InputFormat::Csv => {
            let (decoded, decode_diags) = SourceFile::decode(name.clone(), bytes);
            diagnostics.extend(decode_diags);
            read_csv(decoded.text(), &mut diagnostics)
        }
        _ => read_workbook(bytes, &mut diagnostics),
    };
    let (text, lines) = layout(&sheets);
    let source = SourceFile::from_sheets(name, text, lines);
    let document = if sheets.iter().all(|s| s.rows.is_empty()) && !diagnostics.is_empty() {
        Document::default()
    } else {
        let parsed = parse_rows(&source, rows(&source), vocab);
        diagnostics.extend(parsed.diagnostics);
        parsed.document
    };
    Input {
        source: Arc::new(source),
        document,
        diagnostics,
    }
}

/// The rows of the sheets written out in `source`: one row per line, the cell in column k after
/// k tabs — the sheet's own columns.
fn rows(source: &SourceFile) -> Vec<Row<'_>> {
    (0..source.line_count())
        .filter_map(|index| {
            let span = source.line_span(index);
            let text = source.slice(span);
            let mut cells = Vec::new();
            let mut start = 0;
            for (column, piece) in text.split('\t').enumerate() {
                if !piece.is_empty() {
                    let at = span.start + start;
                    cells.push(Cell::borrowed(
                        piece,
                        Span::new(at, at + piece.len()),
                        column,
                    ));
                }
                start += piece.len() + 1;
            }
            (!cells.is_empty()).then(|| Row {
                line: index + 1,
                span,
                loose: false,
                table_end: false,
                cells,
                columns: Columns::Exact,
            })
        })
        .collect()
}

/// One cell as text: line breaks inside a cell become spaces (the parser joins Chinese words
/// split by them), tabs too.
fn clean(cell: &str) -> String {
    cell.chars()
        .map(|c| {
            if matches!(c, '\t' | '\r' | '\n') {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

fn layout(sheets: &[Sheet]) -> (String, Vec<SheetLines>) {
    let mut text = String::new();
    let mut lines = Vec::with_capacity(sheets.len());
    let mut line = 0;
    for sheet in sheets {
        lines.push(SheetLines {
            name: sheet.name.clone(),
            first_line: line,
            rows: sheet.rows.len(),
        });
        for row in &sheet.rows {
            text.push_str(&row.join("\t"));
            text.push('\n');
            line += 1;
        }
    }
    (text, lines)
}

fn read_csv(text: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<Sheet> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => rows.push(r.iter().take(MAX_COLUMNS).map(clean).collect()),
            Err(e) => {
                let at = e
                    .position()
                    .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0));
                diagnostics.push(
                    Diagnostic::error("sheet::unreadable", format!("CSV 格式有误：{e}"))
                        .with_primary(Span::point(at.min(text.len())), None),
                );
                break;
            }
        }
        if rows.len() >= MAX_ROWS {
            break;
        }
    }
    vec![Sheet {
        name: String::new(),
        rows,
    }]
}

fn read_workbook(bytes: &[u8], diagnostics: &mut Vec<Diagnostic>) -> Vec<Sheet> {
    use calamine::{Data, Reader};
    let mut workbook =
        match calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec())) {
            Ok(w) => w,
            Err(e) => {
                diagnostics.push(
                    Diagnostic::error("sheet::unreadable", format!("无法读取工作簿：{e}"))
                        .with_help("支持 .xlsx、.xlsm、.xls、.xlsb 和 .ods 文件"),
                );
                return Vec::new();
            }
        };
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let range = match workbook.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => {
                diagnostics.push(Diagnostic::error(
                    "sheet::unreadable",
                    format!("无法读取工作表 {name}：{e}"),
                ));
                continue;
            }
        };
        // Rows before the used range are empty: keep them so line numbers are row numbers.
        let (first_row, first_col) = range.start().map_or((0, 0), |(r, c)| {
            (
                usize::try_from(r).unwrap_or(0),
                usize::try_from(c).unwrap_or(0),
            )
        });
        let mut rows: Vec<Vec<String>> = vec![Vec::new(); first_row.min(MAX_ROWS)];
        for row in range.rows().take(MAX_ROWS.saturating_sub(first_row)) {
            let mut cells = vec![String::new(); first_col.min(MAX_COLUMNS)];
            for cell in row.iter().take(MAX_COLUMNS.saturating_sub(first_col)) {
                cells.push(match cell {
                    Data::Empty => String::new(),
                    Data::String(s) => clean(s),
                    Data::Float(f) => rust_decimal::Decimal::try_from(*f)
                        .map(|d| d.normalize().to_string())
                        .unwrap_or_else(|_| f.to_string()),
                    Data::Int(i) => i.to_string(),
                    Data::Bool(b) => b.to_string(),
                    Data::DateTime(d) => d
                        .as_datetime()
                        .map(|dt| dt.date().format("%Y-%m-%d").to_string())
                        .unwrap_or_else(|| d.to_string()),
                    Data::DateTimeIso(s) | Data::DurationIso(s) => clean(s),
                    Data::Error(e) => format!("#{e:?}"),
                });
            }
            while cells.last().is_some_and(String::is_empty) {
                cells.pop();
            }
            rows.push(cells);
        }
        sheets.push(Sheet { name, rows });
    }
    sheets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_become_lines_and_cells_are_found_again() {
        let csv = "项目支出绩效目标批复表\n(2025年度)\n项目名称,,\"甲, 乙\"\n";
        let input = read(
            "a.csv".into(),
            csv.as_bytes(),
            InputFormat::Csv,
            Vocabulary::builtin(),
        );
        assert_eq!(
            input.source.text(),
            "项目支出绩效目标批复表\n(2025年度)\n项目名称\t\t甲, 乙\n"
        );
        let name = input.document.projects[0].name.as_ref().unwrap();
        assert_eq!(name.value, "甲, 乙");
        let cell = input.source.cell(name.span.start).unwrap();
        assert_eq!(cell.reference(), "C3");
    }

    #[test]
    fn not_a_workbook() {
        let input = read(
            "a.xlsx".into(),
            b"PK not really",
            InputFormat::Xlsx,
            Vocabulary::builtin(),
        );
        assert_eq!(input.diagnostics[0].code, "sheet::unreadable");
        assert!(input.document.projects.is_empty());
    }
}
