//! Text cut line by line: each line is cut by its own shape, so one document may mix them.
//!
//! - tab-separated cells (text extracted from PDF tables);
//! - `|`-separated rows (markdown tables, with or without a leading `|` or the `|---|` row, with
//!   `| ||||` runs of empty cells), including rows whose cells continue on the next lines and
//!   tables flattened to one `cell |` per line with `|||` lines between rows;
//! - cells separated by runs of spaces, an ideographic space (U+3000) or no-break spaces;
//! - anything else is a one-cell row; the recognizer pairs such rows with their neighbours and
//!   splits them at known labels (one cell per line, text glued together).

use crate::read::grid::{Cell, Columns, Row};
use crate::read::recognize::is_blank;
use crate::read::source::SourceFile;
use crate::span::Span;
use std::collections::VecDeque;
use std::ops::Range;

/// The rows of lines `lines` of `source`.
pub fn rows(source: &SourceFile, lines: Range<usize>) -> Vec<Row<'_>> {
    LineRows::new(source, lines).collect()
}

/// The rows of a range of lines, cut as they are asked for: a document is never held as rows
/// all at once.
pub struct LineRows<'s> {
    source: &'s SourceFile,
    /// The next line to read.
    index: usize,
    end: usize,
    /// A `|` row whose cells continue on the following lines.
    open: Option<OpenPipeRow>,
    /// Rows cut but not yet handed out (a line may close one row and give another).
    ready: VecDeque<Row<'s>>,
    /// The last line that ended a row with a run of `||`: near it, the table's rows end so, and
    /// a line closed by one `|` before a line closed by a run is the first part of a row.
    last_run_end: Option<usize>,
    /// The last line that was a whole `a | b` row with no `|` before its first cell: near it,
    /// the table has no outer `|`, and a line opening with `|` begins with an empty cell.
    last_unbordered_row: Option<usize>,
}

impl<'s> LineRows<'s> {
    pub fn new(source: &'s SourceFile, lines: Range<usize>) -> LineRows<'s> {
        LineRows {
            source,
            index: lines.start,
            end: lines.end,
            open: None,
            ready: VecDeque::with_capacity(2),
            last_run_end: None,
            last_unbordered_row: None,
        }
    }

    /// Read one line, adding the rows it completes to `ready`.
    fn read_line(&mut self) {
        let source = self.source;
        let rows = &mut self.ready;
        let open = &mut self.open;
        let end = self.end;
        let span = source.line_span(self.index);
        self.index += 1;
        let index = self.index;
        let text = source.slice(span);
        let trimmed = text.trim_matches(is_blank);
        let has_tab = memchr::memchr(b'\t', text.as_bytes()).is_some();
        // A cell in quotes that runs over several lines (`"1.完成…` … `…目标管理。"`), as
        // PDF-to-text tools write a cell with line breaks.
        if !has_tab
            && trimmed.starts_with('"')
            && trimmed.matches('"').count() % 2 == 1
            && let Some((cell_row, next)) = quoted_cell(source, span, index, end)
        {
            close(source, open, rows);
            rows.push_back(cell_row);
            self.index = next;
            return;
        }
        if has_tab || memchr::memchr(b'|', trimmed.as_bytes()).is_none() {
            close(source, open, rows);
            if !trimmed.is_empty() {
                rows.extend(cut_line(source, span, index, has_tab));
            }
            return;
        }
        if is_pipes_only(trimmed) {
            // `|||||`: the empty cells that end a row of a flattened table.
            close(source, open, rows);
            self.last_run_end = Some(index);
            return;
        }
        let rows_end_with_runs = self
            .last_run_end
            .is_some_and(|line| index - line <= RUN_ENDED_ROWS_REACH);
        if ends_with_empty_cells(trimmed) {
            self.last_run_end = Some(index);
        }
        let lead = text.len() - text.trim_start_matches(is_blank).len();
        let start = span.start + lead;
        let starts_with_pipe = trimmed.starts_with('|');
        // `a | b | c |`: a whole row on one line (tables converted from Word or HTML), even
        // after a flattened table's one-cell lines or a `| …` row; but not the rest of a `| …`
        // row whose last cell was cut by a line break, nor the first cells of a row that the
        // next lines end (`一级指标 | 二级指标 | 三级指标 |` + `指标值 |` + `||`).
        let open_by_pipe = open.as_ref().filter(|row| row.opened_by_pipe);
        // ` | 其他资金 | 0` among rows with no outer `|` (`项目资金 | 年度资金总额 | 120`) is a
        // row whose first cell is empty, not a `| … |` row cut by a line break: the next line
        // that neither opens nor closes with `|` (`年度总体目标 | 目标1：…`) is a row of its own.
        // (The rest of a cut `| … |` row closes with `|`.)
        let after_empty_first_cell = open_by_pipe.is_some_and(|row| !row.ends_with_pipe(source))
            && !starts_with_pipe
            && !trimmed.ends_with('|')
            && self
                .last_unbordered_row
                .is_some_and(|line| index - line <= UNBORDERED_ROWS_REACH);
        let open_by_pipe = open_by_pipe.filter(|_| !after_empty_first_cell);
        let closed_row = is_whole_row(trimmed)
            && !(rows_end_with_runs && next_ends_with_run(source, index, end))
            && !continues_in_flattened_rows(source, index, end)
            && open_by_pipe.is_none_or(|row| row.ends_with_pipe(source));
        // `a | b`: a whole row too, unless the next line ends its last cell (`… | 全年养护农村`
        // + `公路里程 |`) — and not after a `| … |` table, whose rows all begin with `|`: such a
        // line under it (a page's `【打印本页】 | 【关闭窗口】`) joins its last row, whose
        // extra cells are then said; nor among rows that end with a run of `||`, where a line
        // without one is a row cut by a line break (`质量指标 | 路面` + `优良率 | ≥85% | ||`).
        let open_row = !trimmed.ends_with('|')
            && open_by_pipe.is_none()
            && !rows_end_with_runs
            && !ends_cut_cell(source, index, end);
        let whole_row = !starts_with_pipe && (closed_row || open_row);
        if starts_with_pipe || whole_row || is_year_line(trimmed) || after_empty_first_cell {
            close(source, open, rows);
        }
        if whole_row {
            self.last_unbordered_row = Some(index);
        }
        let row = open.get_or_insert(OpenPipeRow {
            start,
            end: start,
            lines: 0,
            opened_by_pipe: starts_with_pipe,
        });
        row.end = span.end;
        row.lines += 1;
        if whole_row || ends_with_empty_cells(trimmed) || is_year_line(trimmed) {
            close(source, open, rows);
        }
    }
}

impl<'s> Iterator for LineRows<'s> {
    type Item = Row<'s>;

    fn next(&mut self) -> Option<Row<'s>> {
        while self.ready.is_empty() && self.index < self.end {
            self.read_line();
        }
        if self.ready.is_empty() {
            close(self.source, &mut self.open, &mut self.ready);
        }
        self.ready.pop_front()
    }
}

/// At most this many lines make one quoted cell (a stray quote must not swallow a document).
const MAX_QUOTED_LINES: usize = 60;

/// A quoted cell opened on the line `span` and closed on a later line before `end`: the row of
/// that one cell and the index of the line after it.
fn quoted_cell(
    source: &SourceFile,
    span: Span,
    next: usize,
    end: usize,
) -> Option<(Row<'_>, usize)> {
    let text = source.slice(span);
    let open = span.start + text.find('"')? + 1;
    for index in next..end.min(next + MAX_QUOTED_LINES) {
        let line = source.slice(source.line_span(index));
        let trimmed = line.trim_end_matches(is_blank);
        if trimmed.matches('"').count() % 2 == 1 {
            if !trimmed.ends_with('"') {
                return None;
            }
            let close = source.line_span(index).start + trimmed.len() - 1;
            let inner = source.slice(Span::new(open, close));
            let lead = inner.len() - inner.trim_start_matches(is_blank).len();
            let body = inner.trim_matches(is_blank);
            if body.is_empty() {
                return None;
            }
            let start = open + lead;
            let cell = Cell::borrowed(body, Span::new(start, start + body.len()), 0);
            return Some((
                Row {
                    line: source.line_number(span.start),
                    span: Span::new(span.start, close + 1),
                    cells: vec![cell],
                    columns: Columns::Drifting,
                    loose: true,
                    table_end: false,
                },
                index + 1,
            ));
        }
    }
    None
}

/// A row of a `|` table being collected over one or more lines.
struct OpenPipeRow {
    start: usize,
    end: usize,
    lines: usize,
    opened_by_pipe: bool,
}

impl OpenPipeRow {
    /// Whether the row's last line so far ended with a `|`, closing its last cell.
    fn ends_with_pipe(&self, source: &SourceFile) -> bool {
        source
            .slice(Span::new(self.start, self.end))
            .trim_end_matches(is_blank)
            .ends_with('|')
    }
}

fn close<'s>(source: &'s SourceFile, open: &mut Option<OpenPipeRow>, rows: &mut VecDeque<Row<'s>>) {
    let Some(row) = open.take() else {
        return;
    };
    let span = Span::new(row.start, row.end);
    let text = source.slice(span);
    let mut cells = Vec::new();
    let mut column = 0;
    let mut offset = 0;
    let mut pieces = text.split('|').peekable();
    if row.opened_by_pipe {
        // The empty piece before the opening `|`.
        if let Some(first) = pieces.next() {
            offset += first.len() + 1;
        }
    }
    while let Some(piece) = pieces.next() {
        let is_last = pieces.peek().is_none();
        let trimmed = piece.trim_matches(is_blank);
        if !trimmed.is_empty() {
            let lead = piece.len() - piece.trim_start_matches(is_blank).len();
            let cell_start = span.start + offset + lead;
            cells.push(Cell::borrowed(
                trimmed,
                Span::new(cell_start, cell_start + trimmed.len()),
                column,
            ));
        } else if is_last {
            break;
        }
        column += 1;
        offset += piece.len() + 1;
    }
    // `|---|:---:|`: the line under a markdown header.
    if cells
        .iter()
        .all(|c| c.text.chars().all(|ch| matches!(ch, '-' | ':' | '—')))
    {
        return;
    }
    let exact = row.opened_by_pipe && row.lines == 1;
    rows.push_back(Row {
        line: source.line_number(span.start),
        span,
        loose: cells.len() == 1 && !exact,
        table_end: false,
        cells,
        // A row flattened to one `cell |` per line lost its empty cells: only the order remains.
        columns: if exact {
            Columns::Exact
        } else if row.lines > 1 {
            Columns::Unknown
        } else if row.opened_by_pipe {
            Columns::Drifting
        } else {
            Columns::Packed
        },
    });
}

/// `(2022年度) | ||||`, `2022年 |`: a year under a title is a row of its own, never the
/// continuation of the row above (`标 题: | 项目支出绩效目标申报表 |`).
fn is_year_line(trimmed: &str) -> bool {
    let mut cells = trimmed
        .split('|')
        .map(|piece| piece.trim_matches(is_blank))
        .filter(|piece| !piece.is_empty());
    let (Some(only), None) = (cells.next(), cells.next()) else {
        return false;
    };
    let inner = only
        .trim_start_matches(['(', '（'])
        .trim_end_matches([')', '）']);
    let inner = inner.trim_matches(is_blank);
    let digits = inner
        .strip_suffix("年度")
        .or_else(|| inner.strip_suffix('年'))
        .map(|d| d.trim_matches(is_blank));
    digits.is_some_and(|d| d.len() == 4 && d.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether line `index` (before `end`) ends the last cell of the line above: `公路里程 |` or
/// `≥1200公里 | ||`, a cell or two closed by `|` that open no row of their own.
fn ends_cut_cell(source: &SourceFile, index: usize, end: usize) -> bool {
    if index >= end {
        return false;
    }
    let next = source.slice(source.line_span(index));
    let next = next.trim_matches(is_blank);
    next.ends_with('|') && !next.starts_with('|') && cell_count(next, 3) <= 2
}

/// The non-empty cells of a `|` line, counted up to `at_most`.
fn cell_count(trimmed: &str, at_most: usize) -> usize {
    trimmed
        .split('|')
        .filter(|piece| !piece.trim_matches(is_blank).is_empty())
        .take(at_most)
        .count()
}

/// Whether line `index` (before `end`) ends with a run of `||`.
fn next_ends_with_run(source: &SourceFile, index: usize, end: usize) -> bool {
    index < end
        && ends_with_empty_cells(source.slice(source.line_span(index)).trim_matches(is_blank))
}

/// How many lines after a whole `a | b` row the table is taken to have no outer `|`.
const UNBORDERED_ROWS_REACH: usize = 30;

/// How many lines after a row ended by `||` the table is taken to end its rows so.
const RUN_ENDED_ROWS_REACH: usize = 30;

/// How far ahead a `||` that ends a flattened row is looked for.
const FLATTENED_ROW_LOOKAHEAD: usize = 8;

/// Whether the row on the line before `index` goes on over the next lines, as rows of a
/// flattened table do when a few of their cells share a line (`一级指标 | 二级指标 | 三级指标 |`
/// then `指标值 |` then `||`): the next line is a cell or two closed by `|`, and a `||` that ends
/// a row comes within a few lines.
fn continues_in_flattened_rows(source: &SourceFile, index: usize, end: usize) -> bool {
    if !ends_cut_cell(source, index, end) {
        return false;
    }
    (index..end.min(index + FLATTENED_ROW_LOOKAHEAD)).any(|i| {
        let line = source.slice(source.line_span(i));
        let line = line.trim_matches(is_blank);
        ends_with_empty_cells(line) || (!line.is_empty() && is_pipes_only(line))
    })
}

/// `a | b | c |`: three cells or more, the last closed by a single `|`.
fn is_whole_row(trimmed: &str) -> bool {
    let Some(body) = trimmed.strip_suffix('|') else {
        return false;
    };
    if body.trim_end_matches(is_blank).ends_with('|') {
        return false;
    }
    cell_count(body, 3) == 3
}

/// `|||`: a line of nothing but `|` and blanks.
fn is_pipes_only(trimmed: &str) -> bool {
    trimmed.chars().all(|c| c == '|' || is_blank(c))
}

/// `… | |||` or `… ||`: a run of two or more `|` (spaces between them allowed) ends the line.
fn ends_with_empty_cells(trimmed: &str) -> bool {
    trimmed
        .chars()
        .rev()
        .filter(|c| !is_blank(*c))
        .take_while(|c| *c == '|')
        .count()
        >= 2
}

/// One line (or the part of a line `span` covers) that is not part of a `|` table: cut at tabs,
/// or at runs of spaces two columns wide or more; none or one row.
pub fn segment_line(source: &SourceFile, span: Span) -> Option<Row<'_>> {
    let has_tab = memchr::memchr(b'\t', source.slice(span).as_bytes()).is_some();
    cut_line(source, span, source.line_number(span.start), has_tab)
}

/// [`segment_line`] for a line whose number and tabs the caller knows.
fn cut_line(source: &SourceFile, span: Span, line: usize, has_tab: bool) -> Option<Row<'_>> {
    let text = source.slice(span);
    let mut cells = Vec::with_capacity(8);
    if has_tab {
        let mut start = 0;
        let ends = memchr::memchr_iter(b'\t', text.as_bytes()).chain([text.len()]);
        for (column, end) in ends.enumerate() {
            push_trimmed(
                &mut cells,
                text.get(start..end).unwrap_or(""),
                span.start + start,
                column,
            );
            start = end + 1;
        }
    } else {
        let mut piece_start = 0;
        let mut gap_start = None;
        let mut gap_width = 0;
        for (offset, c) in text.char_indices() {
            if is_blank(c) {
                if gap_start.is_none() {
                    gap_start = Some(offset);
                    gap_width = 0;
                }
                gap_width += if c == '\u{3000}' { 2 } else { 1 };
                continue;
            }
            if let Some(gap) = gap_start.take()
                && gap_width >= 2
            {
                let column = cells.len();
                push_trimmed(
                    &mut cells,
                    text.get(piece_start..gap).unwrap_or(""),
                    span.start + piece_start,
                    column,
                );
                piece_start = offset;
            }
        }
        let column = cells.len();
        push_trimmed(
            &mut cells,
            text.get(piece_start..).unwrap_or(""),
            span.start + piece_start,
            column,
        );
    }
    if cells.is_empty() {
        return None;
    }
    Some(Row {
        line,
        span,
        loose: cells.len() == 1,
        table_end: false,
        cells,
        columns: if has_tab {
            Columns::Drifting
        } else {
            Columns::Packed
        },
    })
}

fn push_trimmed<'s>(cells: &mut Vec<Cell<'s>>, piece: &'s str, base: usize, column: usize) {
    let from_start = piece.trim_start_matches(is_blank);
    let trimmed = from_start.trim_end_matches(is_blank);
    if trimmed.is_empty() {
        return;
    }
    let lead = piece.len() - from_start.len();
    let start = base + lead;
    cells.push(Cell::borrowed(
        trimmed,
        Span::new(start, start + trimmed.len()),
        column,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(source: &SourceFile) -> Vec<Vec<String>> {
        rows(source, 0..source.line_count())
            .iter()
            .map(|r| r.cells.iter().map(|c| c.text.to_string()).collect())
            .collect()
    }

    #[test]
    fn tabs_keep_their_columns() {
        let source = SourceFile::from_text("x", "\t\t资金总额(元):\t\t 136,000 \t\r\nnext");
        let rows = rows(&source, 0..2);
        assert_eq!(rows[0].cells.len(), 2);
        assert_eq!(rows[0].cells[0].column, 2);
        assert_eq!(source.slice(rows[0].cells[1].span), "136,000");
        assert_eq!(rows[0].cells[1].column, 4);
        assert!(rows[1].loose);
    }

    #[test]
    fn markdown_rows_with_empty_cells_and_separator() {
        let source = SourceFile::from_text(
            "x",
            "| 一级指标 | 二级指标 | 指标值 |\n|---|---|---|\n| 产出指标 | | ≥5人 | ||||\n",
        );
        let rows = rows(&source, 0..source.line_count());
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].columns, Columns::Exact);
        let cols: Vec<usize> = rows[1].cells.iter().map(|c| c.column).collect();
        assert_eq!(cols, [0, 2]);
    }

    #[test]
    fn flattened_pipe_tables_and_continued_rows() {
        let text = "项目名称 |\n农村文化建设配套补助经费 |\n|||||\n主管部门及代码 |\n[077]某局 |\n|||\n\
                    | 项目 名称 |\n镇际联网路 | 中期预算(万元) | 284500.00 | ||||\n";
        let source = SourceFile::from_text("x", text);
        assert_eq!(
            texts(&source),
            vec![
                vec!["项目名称", "农村文化建设配套补助经费"],
                vec!["主管部门及代码", "[077]某局"],
                vec!["项目 名称", "镇际联网路", "中期预算(万元)", "284500.00"],
            ]
        );
    }

    #[test]
    fn runs_of_spaces_and_ideographic_spaces_separate_cells() {
        let source = SourceFile::from_text(
            "x",
            "项目名称  某项目　主管部门 某局\n黔南布依族苗族自 治州\n",
        );
        assert_eq!(
            texts(&source),
            vec![
                vec!["项目名称", "某项目", "主管部门 某局"],
                vec!["黔南布依族苗族自 治州"]
            ]
        );
    }
}
