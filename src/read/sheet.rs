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
pub use crate::read::source::GridKind;
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
            // Their places are in the CSV text, not in the grid the sheet becomes: said at the
            // file, not at a wrong cell.
            diagnostics.extend(decode_diags.into_iter().map(|mut d| {
                d.primary = None;
                d.secondary.clear();
                d
            }));
            read_csv(decoded.text(), &mut diagnostics)
        }
        _ => read_workbook(bytes, &mut diagnostics),
    };
    // jixiao's own 问题清单 (a findings workbook, or the list in an annotated copy) is not a form.
    let mut sheets = sheets;
    let own = sheets.iter().any(is_findings_list);
    sheets.retain(|s| !(is_findings_list(s) || (own && is_findings_summary(s))));
    if own && sheets.is_empty() {
        return crate::read::own_output(name);
    }
    let grids: Vec<Grid<'_>> = sheets
        .iter()
        .map(|s| Grid {
            name: s.name.clone(),
            kind: GridKind::Sheet,
            rows: &s.rows,
            ends_table: false,
        })
        .collect();
    read_grids(name, &grids, diagnostics, vocab)
}

/// One grid of a document: a sheet, a Word table, or a run of Word paragraphs.
pub(crate) struct Grid<'a> {
    pub name: String,
    pub kind: GridKind,
    pub rows: &'a [Vec<String>],
    /// The grid is a table that ends here (see [`SheetLines::ends_table`]).
    pub ends_table: bool,
}

/// Read the forms in `grids`: written out as text — one line per row, its cells separated by
/// tabs — with the source remembering which lines are which grid's rows, then read by the one
/// recognizer. With no rows and problems already said, nothing more is said.
pub(crate) fn read_grids(
    name: String,
    grids: &[Grid<'_>],
    mut diagnostics: Vec<Diagnostic>,
    vocab: &Vocabulary,
) -> Input {
    let (text, lines) = layout(grids);
    let source = SourceFile::from_sheets(name, text, lines);
    let document = if grids.iter().all(|g| g.rows.is_empty()) && !diagnostics.is_empty() {
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

/// The 问题清单 sheet jixiao writes (`--format xlsx`, `--annotate`): its header row.
fn is_findings_list(sheet: &Sheet) -> bool {
    sheet.name == "问题清单"
        && sheet.rows.first().is_some_and(|row| {
            row.iter()
                .map(String::as_str)
                .take(3)
                .eq(["文件", "表序号", "项目名称"])
        })
}

/// The 汇总 sheet beside it.
fn is_findings_summary(sheet: &Sheet) -> bool {
    sheet.name == "汇总"
        && sheet.rows.first().is_some_and(|row| {
            row.iter()
                .map(String::as_str)
                .take(2)
                .eq(["主管部门", "发现数"])
        })
}

/// The rows of the sheets written out in `source`: one row per line, the cell in column k after
/// k tabs — the sheet's own columns.
fn rows(source: &SourceFile) -> Vec<Row<'_>> {
    // Lines of a PDF page outside its tables were cut at wide gaps: their cells have an order,
    // not the table's columns. After a table that ends, a row marks the end.
    let mut packed = vec![false; source.line_count()];
    let mut ends = std::collections::HashSet::new();
    for grid in source.sheets() {
        let lines = grid.first_line..grid.first_line + grid.rows;
        if matches!(grid.kind, GridKind::PdfText { .. }) {
            for k in lines.clone() {
                if let Some(slot) = packed.get_mut(k) {
                    *slot = true;
                }
            }
        }
        if grid.ends_table && grid.rows > 0 {
            ends.insert(lines.end - 1);
        }
    }
    let mut out: Vec<Row<'_>> = Vec::with_capacity(source.line_count());
    for index in 0..source.line_count() {
        let row = {
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
                columns: if packed.get(index).copied().unwrap_or(false) {
                    Columns::Packed
                } else {
                    Columns::Exact
                },
            })
        };
        out.extend(row);
        if ends.contains(&index) {
            let span = source.line_span(index);
            out.push(Row {
                line: index + 1,
                span: Span::new(span.end, span.end),
                cells: Vec::new(),
                columns: Columns::Exact,
                loose: false,
                table_end: true,
            });
        }
    }
    out
}

/// One cell as text: line breaks inside a cell become spaces (the parser joins Chinese words
/// split by them), tabs too.
pub(crate) fn clean(cell: &str) -> String {
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

fn layout(grids: &[Grid<'_>]) -> (String, Vec<SheetLines>) {
    let mut text = String::new();
    let mut lines = Vec::with_capacity(grids.len());
    let mut line = 0;
    for grid in grids {
        lines.push(SheetLines {
            name: grid.name.clone(),
            first_line: line,
            rows: grid.rows.len(),
            kind: grid.kind,
            ends_table: grid.ends_table,
        });
        for row in grid.rows {
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
    let mut limits = Limits::default();
    for record in reader.records() {
        match record {
            Ok(r) if rows.len() >= MAX_ROWS => {
                limits.rows_beyond += r.iter().filter(|c| !c.trim().is_empty()).count()
            }
            Ok(r) => {
                limits.columns_beyond += r
                    .iter()
                    .skip(MAX_COLUMNS)
                    .filter(|c| !c.trim().is_empty())
                    .count();
                rows.push(r.iter().take(MAX_COLUMNS).map(clean).collect());
            }
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
    }
    limits.report(diagnostics);
    vec![Sheet {
        name: String::new(),
        rows,
    }]
}

/// Most bytes the parts of a workbook (a zip archive) may unpack to, by their declared sizes.
pub const MAX_UNPACKED_BYTES: u64 = 512 << 20;

/// Most non-empty cells read from one workbook.
const MAX_CELLS: usize = 5_000_000;

fn read_workbook(bytes: &[u8], diagnostics: &mut Vec<Diagnostic>) -> Vec<Sheet> {
    use calamine::{Reader, Sheets};
    // A zip bomb is refused before anything is unpacked.
    if let Some(unpacked) = zip_unpacked_size(bytes)
        && unpacked > MAX_UNPACKED_BYTES
    {
        diagnostics.push(
            Diagnostic::error(
                "sheet::unreadable",
                format!(
                    "工作簿解压后有 {} MiB，超过上限 {} MiB，未读取",
                    unpacked >> 20,
                    MAX_UNPACKED_BYTES >> 20
                ),
            )
            .with_help("真实的绩效目标表工作簿远小于这个大小；请检查文件是否损坏或被构造"),
        );
        return Vec::new();
    }
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
    let mut limits = Limits::default();
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        // Workbooks that list their cells are read a cell at a time: a sheet's claimed size
        // (A1 and XFD1048576 in a 5 KB file) is never allocated.
        let cells = match &mut workbook {
            Sheets::Xlsx(x) => x
                .worksheet_cells_reader(&name)
                .map_err(|e| e.to_string())
                .and_then(|mut r| {
                    collect_cells(|| r.next_cell().map_err(|e| e.to_string()), &mut limits)
                }),
            Sheets::Xlsb(x) => x
                .worksheet_cells_reader(&name)
                .map_err(|e| e.to_string())
                .and_then(|mut r| {
                    collect_cells(|| r.next_cell().map_err(|e| e.to_string()), &mut limits)
                }),
            // .xls is bounded by its format (65 536 × 256); .ods caps repeated cells itself.
            other => other
                .worksheet_range(&name)
                .map_err(|e| e.to_string())
                .map(|range| {
                    let mut cells = Vec::new();
                    for (row, col, data) in range.used_cells() {
                        limits.place(row, col, || text_of(data), &mut cells);
                    }
                    cells
                }),
        };
        match cells {
            Ok(cells) => sheets.push(Sheet {
                name,
                rows: into_rows(cells),
            }),
            Err(e) => diagnostics.push(Diagnostic::error(
                "sheet::unreadable",
                format!("无法读取工作表 {name}：{e}"),
            )),
        }
    }
    limits.report(diagnostics);
    sheets
}

/// The sum of the declared unpacked sizes of a zip archive's entries (`None`: not a zip).
fn zip_unpacked_size(bytes: &[u8]) -> Option<u64> {
    if !bytes.starts_with(b"PK") {
        return None;
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        if let Ok(entry) = archive.by_index_raw(i) {
            total = total.saturating_add(entry.size());
        }
    }
    Some(total)
}

/// What was left out of a workbook for being beyond the limits.
#[derive(Default)]
struct Limits {
    cells: usize,
    /// Bytes of cell text kept so far.
    bytes: usize,
    rows_beyond: usize,
    columns_beyond: usize,
    cells_beyond: usize,
    /// Cells kept only in part (longer than [`MAX_CELL_BYTES`]).
    cells_cut: usize,
}

/// Most bytes of one cell's text kept: a shared string of megabytes referenced by every cell
/// would otherwise be copied into each.
const MAX_CELL_BYTES: usize = 64 << 10;

/// Most bytes of cell text kept from one workbook.
const MAX_WORKBOOK_TEXT_BYTES: usize = 256 << 20;

impl Limits {
    /// Keep the cell at (`row`, `col`) if it is within the limits.
    fn place(
        &mut self,
        row: usize,
        col: usize,
        text: impl FnOnce() -> (String, bool),
        cells: &mut Vec<(usize, usize, String)>,
    ) {
        if row >= MAX_ROWS {
            self.rows_beyond += 1;
        } else if col >= MAX_COLUMNS {
            self.columns_beyond += 1;
        } else if self.cells >= MAX_CELLS || self.bytes >= MAX_WORKBOOK_TEXT_BYTES {
            self.cells_beyond += 1;
        } else {
            let (text, cut) = text();
            if cut {
                self.cells_cut += 1;
            }
            if !text.is_empty() {
                self.cells += 1;
                self.bytes += text.len();
                cells.push((row, col, text));
            }
        }
    }

    fn report(&self, diagnostics: &mut Vec<Diagnostic>) {
        for (count, what) in [
            (self.rows_beyond, format!("第 {MAX_ROWS} 行之后")),
            (self.columns_beyond, format!("第 {MAX_COLUMNS} 列之后")),
            (
                self.cells_beyond,
                format!(
                    "前 {MAX_CELLS} 个单元格（或 {} MiB 文字）之后",
                    MAX_WORKBOOK_TEXT_BYTES >> 20
                ),
            ),
        ] {
            if count > 0 {
                diagnostics.push(
                    Diagnostic::error(
                        "sheet::truncated",
                        format!("工作表{what}还有 {count} 个单元格，超出读取上限，没有读取"),
                    )
                    .with_help("这些单元格中的表不会被检查；请把表放在工作表的前部，或拆分文件"),
                );
            }
        }
        if self.cells_cut > 0 {
            diagnostics.push(
                Diagnostic::error(
                    "sheet::truncated",
                    format!(
                        "工作簿中有 {} 个单元格的文字超过 {} KiB，只读取了前 {} KiB",
                        self.cells_cut,
                        MAX_CELL_BYTES >> 10,
                        MAX_CELL_BYTES >> 10
                    ),
                )
                .with_help("绩效目标表的单元格不会有这么长；请检查文件是否损坏或被构造"),
            );
        }
    }
}

/// Read a sheet's cells from a cell reader, within the limits.
fn collect_cells<'a>(
    mut next: impl FnMut() -> Result<Option<calamine::Cell<calamine::DataRef<'a>>>, String>,
    limits: &mut Limits,
) -> Result<Vec<(usize, usize, String)>, String> {
    let mut cells = Vec::new();
    while let Some(cell) = next()? {
        let (row, col) = cell.get_position();
        limits.place(
            row as usize,
            col as usize,
            || match cell.get_value() {
                // Borrowed from the workbook's table: cut before it is copied.
                calamine::DataRef::SharedString(s) => (clean(head(s)), s.len() > MAX_CELL_BYTES),
                other => text_of(&calamine::Data::from(other.clone())),
            },
            &mut cells,
        );
    }
    Ok(cells)
}

/// Cells placed by position into rows (row numbers kept: line k is spreadsheet row k+1).
fn into_rows(mut cells: Vec<(usize, usize, String)>) -> Vec<Vec<String>> {
    cells.sort_by_key(|(r, c, _)| (*r, *c));
    let rows_needed = cells.last().map_or(0, |(r, _, _)| r + 1);
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); rows_needed];
    for (r, c, text) in cells {
        if let Some(row) = rows.get_mut(r) {
            if row.len() <= c {
                row.resize(c + 1, String::new());
            }
            if let Some(slot) = row.get_mut(c) {
                *slot = text;
            }
        }
    }
    rows
}

/// One cell's value as the text a form shows.
/// At most the first [`MAX_CELL_BYTES`] of a cell's text.
fn head(text: &str) -> &str {
    let mut cut = text.len().min(MAX_CELL_BYTES);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text.get(..cut).unwrap_or_default()
}

/// A cell's text (at most [`MAX_CELL_BYTES`] of it), and whether it was cut.
fn text_of(data: &calamine::Data) -> (String, bool) {
    use calamine::Data;
    let text = match data {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            return (clean(head(s)), s.len() > MAX_CELL_BYTES);
        }
        other => other,
    };
    let shown = match text {
        Data::Empty => String::new(),
        Data::String(s) => clean(head(s)),
        Data::Float(f) => rust_decimal::Decimal::try_from(*f)
            .map(|d| d.normalize().to_string())
            .unwrap_or_else(|_| f.to_string()),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|dt| dt.date().format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| d.to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => clean(head(s)),
        Data::Error(e) => format!("#{e:?}"),
    };
    (shown, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workbook whose sheet says it unpacks to 4 GiB (a zip bomb's declared size) is refused
    /// before anything is unpacked.
    #[test]
    fn a_workbook_declaring_gigabytes_is_refused_unread() {
        let mut book = rust_xlsxwriter::Workbook::new();
        book.add_worksheet().write_string(0, 0, "项目名称").unwrap();
        let mut bytes = book.save_to_buffer().unwrap();
        // Every central-directory entry (PK\1\2) of the sheet: uncompressed size at +24.
        let name = b"xl/worksheets/sheet1.xml";
        let mut patched = 0;
        for at in 0..bytes.len().saturating_sub(46 + name.len()) {
            if bytes[at..at + 4] == *b"PK\x01\x02" && bytes[at + 46..at + 46 + name.len()] == *name
            {
                bytes[at + 24..at + 28].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
                patched += 1;
            }
        }
        assert_eq!(patched, 1);
        let mut diagnostics = Vec::new();
        let sheets = read_workbook(&bytes, &mut diagnostics);
        assert!(sheets.is_empty());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, "sheet::unreadable");
        assert!(
            diagnostics[0].message.contains("超过上限"),
            "{}",
            diagnostics[0].message
        );
    }

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
