//! HTML tables: `.html`/`.htm` files, and `<table>` markup inside extracted text (PDF-to-text
//! tools emit it). `<tr>` is a row, `<td>`/`<th>` a cell with its `colspan` and `rowspan`;
//! entities are decoded and `<br>`/`<p>` inside a cell become line breaks. Outside tables, a web
//! page's text becomes one-cell rows split at block tags; plain text around embedded tables is
//! cut line by line like any text. `<script>`, `<style>`, `<head>` and comments are skipped.

use crate::read::grid::{Cell, Columns, Row};
use crate::read::source::SourceFile;
use crate::span::Span;
use std::borrow::Cow;

/// A merged cell spans at most this many rows or columns (a hostile `rowspan="1000000000"`
/// would otherwise make the reader track all of them).
const MAX_SPAN: usize = 1000;

/// Whether `text` holds an HTML table.
pub fn has_table(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some(at) = find_ci(bytes, 0, b"<table") else {
        return false;
    };
    find_ci(bytes, at, b"<td").is_some() || find_ci(bytes, at, b"<th").is_some()
}

/// Whether the text outside tables is HTML too (a web page), rather than plain lines of text
/// with tables embedded (markdown from a PDF-to-text tool).
fn is_html_page(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut outside = Vec::with_capacity(bytes.len().min(1 << 16));
    let mut at = 0;
    while let Some(open) = find_ci(bytes, at, b"<table") {
        outside.extend_from_slice(bytes.get(at..open).unwrap_or(&[]));
        at = find_ci(bytes, open, b"</table").map_or(bytes.len(), |close| close + 7);
    }
    outside.extend_from_slice(bytes.get(at..).unwrap_or(&[]));
    [
        &b"<html"[..],
        b"<body",
        b"<!doctype",
        b"<p>",
        b"<p ",
        b"<div",
        b"<br",
        b"<span",
    ]
    .iter()
    .any(|tag| find_ci(&outside, 0, tag).is_some())
}

/// The rows of an HTML document or of text with HTML tables in it, in document order.
pub fn rows(source: &SourceFile) -> Vec<Row<'_>> {
    let mut reader = Reader {
        source,
        text: source.text(),
        rows: Vec::new(),
        page: is_html_page(source.text()),
        table: None,
        line: None,
    };
    reader.run();
    reader.rows
}

/// A table being read.
struct Table<'s> {
    row: Option<Row<'s>>,
    cell: Option<Pending>,
    /// Per column, how many more rows a merged cell above still covers (this row included).
    covered: Vec<usize>,
    next_column: usize,
}

/// Decoded text being collected, with the source range it came from.
#[derive(Default)]
struct Pending {
    text: String,
    start: Option<usize>,
    end: usize,
    column: usize,
    col_span: usize,
}

impl Pending {
    fn push_raw(&mut self, raw: &str, from: usize) {
        if raw.trim().is_empty() {
            if !raw.is_empty() && !self.text.is_empty() && !self.text.ends_with(['\n', ' ']) {
                self.text.push(' ');
            }
            return;
        }
        let lead = raw.len() - raw.trim_start().len();
        let trail = raw.len() - raw.trim_end().len();
        if lead > 0 && !self.text.is_empty() && !self.text.ends_with(['\n', ' ']) {
            self.text.push(' ');
        }
        if self.start.is_none() {
            self.start = Some(from + lead);
        }
        self.end = from + raw.len() - trail;
        decode_entities(raw.trim(), &mut self.text);
        if trail > 0 {
            self.text.push(' ');
        }
    }

    fn line_break(&mut self) {
        let trimmed = self.text.trim_end_matches(' ').len();
        self.text.truncate(trimmed);
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    /// The collected text as a cell, borrowing from the source when it is spelled there as is.
    fn into_cell<'s>(self, source: &'s str) -> Option<Cell<'s>> {
        let start = self.start?;
        let text = self.text.trim();
        if text.is_empty() {
            return None;
        }
        let span = Span::new(start, self.end.max(start));
        let text = match source.get(span.range()) {
            Some(raw) if raw == text => Cow::Borrowed(raw),
            _ => Cow::Owned(text.to_owned()),
        };
        Some(Cell {
            text,
            span,
            column: self.column,
            col_span: self.col_span.max(1),
        })
    }
}

struct Reader<'s> {
    source: &'s SourceFile,
    text: &'s str,
    rows: Vec<Row<'s>>,
    /// A web page: text outside tables is HTML (block tags break lines).
    page: bool,
    table: Option<Table<'s>>,
    /// A line of page text being collected outside tables.
    line: Option<Pending>,
}

impl<'s> Reader<'s> {
    fn run(&mut self) {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut at = 0;
        // Start of plain (non-page) text outside tables not yet cut into rows.
        let mut plain_from = 0;
        while let Some(lt) = memchr::memchr(b'<', bytes.get(at..).unwrap_or(&[])).map(|i| at + i) {
            let Some(tag) = Tag::parse(text, lt) else {
                at = lt + 1;
                continue;
            };
            self.text_run(at, lt);
            let in_table = self.table.is_some();
            match tag.name.as_str() {
                "!--" | "script" | "style" | "head" | "title" if !tag.closing => {
                    if !in_table && !self.page {
                        self.plain(plain_from, lt);
                    }
                    at = skip_element(text, &tag);
                    plain_from = at;
                    continue;
                }
                "table" if !tag.closing => {
                    if in_table {
                        // A table inside a cell: its rows are read as rows of their own.
                        self.finish_row();
                    } else if self.page {
                        self.end_line();
                    } else {
                        self.plain(plain_from, lt);
                    }
                    self.table = Some(Table {
                        row: None,
                        cell: None,
                        covered: Vec::new(),
                        next_column: 0,
                    });
                }
                "table" => {
                    self.finish_table();
                    plain_from = tag.end;
                }
                "tr" if in_table => {
                    self.finish_row();
                    if !tag.closing {
                        self.start_row(lt);
                    }
                }
                "td" | "th" if in_table => {
                    self.finish_cell();
                    if !tag.closing {
                        self.start_cell(&tag, lt);
                    }
                }
                name if is_block(name) => {
                    if in_table {
                        if let Some(cell) = self.table.as_mut().and_then(|t| t.cell.as_mut()) {
                            cell.line_break();
                        }
                    } else if self.page {
                        self.end_line();
                    }
                }
                _ => {}
            }
            at = tag.end;
        }
        self.text_run(at, text.len());
        self.finish_table();
        if self.page {
            self.end_line();
        } else {
            self.plain(plain_from, text.len());
        }
        // Rows of page text and of tables come in document order already; plain text is cut
        // when a table starts, so it precedes the table too.
    }

    /// Text between two tags.
    fn text_run(&mut self, from: usize, to: usize) {
        let Some(raw) = self.text.get(from..to) else {
            return;
        };
        if raw.is_empty() {
            return;
        }
        if let Some(table) = self.table.as_mut() {
            if let Some(cell) = table.cell.as_mut() {
                cell.push_raw(raw, from);
            }
            return;
        }
        if self.page {
            // Line breaks in HTML source are spaces.
            self.line
                .get_or_insert_with(Pending::default)
                .push_raw(raw, from);
        }
    }

    /// Plain text around embedded tables: cut line by line like any text.
    fn plain(&mut self, from: usize, to: usize) {
        if from >= to {
            return;
        }
        let first = self.source.line_index(from);
        let last = self.source.line_index(to.saturating_sub(1).max(from));
        for index in first..=last {
            let line = self.source.line_span(index);
            let span = Span::new(line.start.max(from), line.end.min(to));
            if span.start < span.end {
                self.rows
                    .extend(super::lines::segment_line(self.source, span));
            }
        }
    }

    fn end_line(&mut self) {
        let Some(line) = self.line.take() else {
            return;
        };
        let Some(cell) = line.into_cell(self.text) else {
            return;
        };
        // A line of page text may itself be a row of cells (`项目名称  某项目`): cut it like a
        // line of text when it is spelled in the source as it is.
        let row_line = self.source.line_number(cell.span.start);
        if let Cow::Borrowed(_) = cell.text
            && !cell.text.contains('\n')
        {
            self.rows
                .extend(super::lines::segment_line(self.source, cell.span));
            return;
        }
        self.rows.push(Row {
            line: row_line,
            span: cell.span,
            cells: vec![cell],
            columns: Columns::Drifting,
            loose: true,
            table_end: false,
        });
    }

    fn start_row(&mut self, at: usize) {
        let line = self.source.line_number(at);
        if let Some(table) = self.table.as_mut() {
            for c in &mut table.covered {
                *c = c.saturating_sub(1);
            }
            table.next_column = 0;
            table.row = Some(Row {
                line,
                span: Span::new(at, at),
                cells: Vec::new(),
                columns: Columns::Exact,
                loose: false,
                table_end: false,
            });
        }
    }

    fn start_cell(&mut self, tag: &Tag, at: usize) {
        if self.table.as_ref().is_some_and(|t| t.row.is_none()) {
            // A cell outside any `<tr>` opens a row.
            self.start_row(at);
        }
        let Some(table) = self.table.as_mut() else {
            return;
        };
        let col_span = tag.number("colspan").clamp(1, MAX_SPAN);
        let row_span = tag.number("rowspan").clamp(1, MAX_SPAN);
        let mut column = table.next_column;
        while table.covered.get(column).is_some_and(|c| *c > 0) {
            column += 1;
        }
        // Bounded: at most MAX_SPAN columns past the last one, per cell.
        if table.covered.len() < column + col_span {
            table.covered.resize(column + col_span, 0);
        }
        for c in table.covered.iter_mut().skip(column).take(col_span) {
            *c = row_span;
        }
        table.next_column = column + col_span;
        table.cell = Some(Pending {
            column,
            col_span,
            end: tag.end,
            ..Pending::default()
        });
    }

    fn finish_cell(&mut self) {
        let Some(table) = self.table.as_mut() else {
            return;
        };
        let Some(cell) = table.cell.take() else {
            return;
        };
        let (Some(cell), Some(row)) = (cell.into_cell(self.text), table.row.as_mut()) else {
            return;
        };
        row.span = if row.cells.is_empty() {
            cell.span
        } else {
            row.span.cover(cell.span)
        };
        row.cells.push(cell);
    }

    fn finish_row(&mut self) {
        self.finish_cell();
        if let Some(row) = self.table.as_mut().and_then(|t| t.row.take())
            && !row.cells.is_empty()
        {
            let mut row = row;
            row.line = self.source.line_number(row.span.start);
            self.rows.push(row);
        }
    }

    fn finish_table(&mut self) {
        self.finish_row();
        if self.table.take().is_some() {
            let at = self.rows.last().map_or(0, |r| r.span.end);
            self.rows.push(Row {
                line: self.source.line_number(at),
                span: Span::new(at, at),
                cells: Vec::new(),
                columns: Columns::Exact,
                loose: false,
                table_end: true,
            });
        }
    }
}

/// Tags that break a line of text.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "br" | "p"
            | "div"
            | "li"
            | "ul"
            | "ol"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "tr"
            | "td"
            | "th"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "caption"
            | "hr"
            | "dd"
            | "dt"
            | "blockquote"
            | "pre"
            | "body"
            | "html"
    )
}

/// One tag: its lower-case name, whether it closes, its attributes' text, and where it ends.
struct Tag {
    name: String,
    closing: bool,
    attributes: String,
    /// Byte offset just after the tag's `>`.
    end: usize,
}

impl Tag {
    /// The tag starting at `lt` (a `<`), if it is one: `<td rowspan="2">`, `</tr>`, `<br/>`,
    /// `<!-- … -->`. A `<` followed by anything else is text.
    fn parse(text: &str, lt: usize) -> Option<Tag> {
        let rest = text.get(lt + 1..)?;
        if rest.starts_with("!--") {
            return Some(Tag {
                name: "!--".to_owned(),
                closing: false,
                attributes: String::new(),
                end: lt + 4,
            });
        }
        let (closing, rest) = match rest.strip_prefix('/') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let name_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'!')
            .count();
        if name_len == 0
            || !rest.as_bytes().first()?.is_ascii_alphabetic() && !rest.starts_with('!')
        {
            return None;
        }
        let name = rest.get(..name_len)?.to_ascii_lowercase();
        // Attributes up to `>`, skipping quoted values (which may hold `>`).
        let after = rest.get(name_len..)?;
        let mut quote = None;
        let mut close = None;
        for (i, b) in after.bytes().enumerate() {
            match (quote, b) {
                (Some(q), _) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(b),
                (None, b'>') => {
                    close = Some(i);
                    break;
                }
                (None, b'<') => return None,
                _ => {}
            }
        }
        let close = close?;
        let attributes = after.get(..close)?.to_ascii_lowercase();
        let end = text.len() - after.len() + close + 1;
        Some(Tag {
            name,
            closing,
            attributes,
            end,
        })
    }

    /// A numeric attribute (`rowspan="2"`, `colspan=3`); 1 when absent or not a number.
    fn number(&self, attribute: &str) -> usize {
        let Some(at) = self.attributes.find(attribute) else {
            return 1;
        };
        let rest = self.attributes.get(at + attribute.len()..).unwrap_or("");
        let rest = rest.trim_start().strip_prefix('=').unwrap_or("");
        let rest = rest.trim_start().trim_start_matches(['"', '\'']);
        let digits: String = rest
            .chars()
            .take_while(char::is_ascii_digit)
            .take(9)
            .collect();
        digits.parse().unwrap_or(1)
    }
}

/// Where the element opened by `tag` ends: after its closing tag (`</script>`) or `-->`; the
/// end of the text when it is never closed.
fn skip_element(text: &str, tag: &Tag) -> usize {
    let bytes = text.as_bytes();
    if tag.name == "!--" {
        return find_ci(bytes, tag.end, b"-->").map_or(text.len(), |i| i + 3);
    }
    let closing = format!("</{}", tag.name);
    match find_ci(bytes, tag.end, closing.as_bytes()) {
        Some(i) => {
            memchr::memchr(b'>', bytes.get(i..).unwrap_or(&[])).map_or(text.len(), |j| i + j + 1)
        }
        None => text.len(),
    }
}

/// ASCII case-insensitive search for `needle` in `haystack` from `from`.
fn find_ci(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut at = from;
    while at < haystack.len() {
        let rest = haystack.get(at..)?;
        let i = memchr::memchr2(first.to_ascii_lowercase(), first.to_ascii_uppercase(), rest)?;
        let start = at + i;
        if haystack
            .get(start..start + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
        {
            return Some(start);
        }
        at = start + 1;
    }
    None
}

/// Append `raw` to `out` with character references decoded (`&nbsp;` `&ge;` `&#8805;` …) and
/// whitespace runs folded to one space. An unknown reference stays as written.
pub fn decode_entities(raw: &str, out: &mut String) {
    let mut rest = raw;
    let mut space = false;
    while let Some(c) = rest.chars().next() {
        if c == '&'
            && let Some((decoded, used)) = entity(rest)
        {
            if decoded == ' ' {
                space = true;
            } else {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(decoded);
            }
            rest = rest.get(used..).unwrap_or("");
            continue;
        }
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() && !out.ends_with(['\n', ' ']) {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
}

/// The character a reference at the start of `text` stands for, and the reference's length.
fn entity(text: &str) -> Option<(char, usize)> {
    let end = text.get(..text.len().min(12))?.find(';')?;
    let name = text.get(1..end)?;
    let c = if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        match char::from_u32(code)? {
            '\u{a0}' => ' ',
            c => c,
        }
    } else {
        match name {
            "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "ge" => '≥',
            "le" => '≤',
            "ne" => '≠',
            "plusmn" => '±',
            "times" => '×',
            "divide" => '÷',
            "middot" => '·',
            "deg" => '°',
            "yen" => '¥',
            "percnt" => '%',
            "ldquo" => '“',
            "rdquo" => '”',
            "lsquo" => '‘',
            "rsquo" => '’',
            "hellip" => '…',
            "mdash" => '—',
            "ndash" => '–',
            "bull" => '•',
            "sup2" => '²',
            "sup3" => '³',
            _ => return None,
        }
    };
    Some((c, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(source: &SourceFile) -> Vec<Vec<(String, usize)>> {
        rows(source)
            .iter()
            .filter(|r| !r.table_end)
            .map(|r| {
                r.cells
                    .iter()
                    .map(|c| (c.text.to_string(), c.column))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn rowspan_and_colspan_give_columns() {
        let html = "<table><tr><td rowspan=\"2\">产出指标</td><td>数量指标</td><td>人数</td><td>&ge;5人</td></tr>\
                    <tr><td>质量指标</td><td>合格率</td><td>=100%</td></tr>\
                    <tr><td colspan=2>合计</td><td>x</td></tr></table>";
        let source = SourceFile::from_text("t.html", html);
        assert_eq!(
            cells(&source),
            vec![
                vec![
                    ("产出指标".into(), 0),
                    ("数量指标".into(), 1),
                    ("人数".into(), 2),
                    ("≥5人".into(), 3)
                ],
                vec![
                    ("质量指标".into(), 1),
                    ("合格率".into(), 2),
                    ("=100%".into(), 3)
                ],
                vec![("合计".into(), 0), ("x".into(), 2)],
            ]
        );
    }

    #[test]
    fn spans_point_at_the_cell_text_and_entities_are_decoded() {
        let html = "<TABLE>\n<TR><TD> 项目名称 </TD><TD>甲&amp;乙<br>丙</TD></TR></TABLE>";
        let source = SourceFile::from_text("t.html", html);
        let rows = rows(&source);
        let cells = &rows[0].cells;
        assert_eq!(source.slice(cells[0].span), "项目名称");
        assert!(matches!(cells[0].text, Cow::Borrowed(_)));
        assert_eq!(cells[1].text, "甲&乙\n丙");
        assert_eq!(source.slice(cells[1].span), "甲&amp;乙<br>丙");
        assert_eq!(rows[0].line, 2);
    }

    #[test]
    fn page_text_outside_tables_becomes_rows_and_scripts_are_skipped() {
        let html = "<html><head><title>x</title><script>var a = '<td>';</script></head><body>\
                    <p>项目支出绩效目标表</p><div>(2025年度)</div><table><tr><td>a</td></tr></table>\
                    <p>扫一扫</p></body></html>";
        let source = SourceFile::from_text("t.html", html);
        let texts: Vec<String> = rows(&source)
            .iter()
            .filter(|r| !r.table_end)
            .map(|r| r.cells[0].text.to_string())
            .collect();
        assert_eq!(texts, ["项目支出绩效目标表", "(2025年度)", "a", "扫一扫"]);
    }

    #[test]
    fn hostile_spans_are_bounded_and_broken_markup_is_text() {
        let html = "<table><tr><td rowspan=999999999 colspan=99999999>a</td><td>b</td></tr><tr><td>c</td></tr></table> 1 < 2";
        let source = SourceFile::from_text("t.html", html);
        let rows = rows(&source);
        assert!(rows[2].table_end);
        assert_eq!(rows[0].cells[1].column, MAX_SPAN);
        assert_eq!(rows[1].cells[0].column, MAX_SPAN);
        assert!(has_table(html));
        assert!(!has_table("a <table> without cells"));
    }
}
