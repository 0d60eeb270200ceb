//! Lines of extracted text as rows of tab-separated cells.
//!
//! Column positions drift from row to row in PDF text, so a cell keeps its column index only as a
//! hint; the parser classifies cells by what they say.

use crate::read::source::SourceFile;
use crate::span::Span;

/// One non-empty cell: its trimmed text, the span of that text, and its tab column.
#[derive(Debug, Clone, Copy)]
pub struct Cell<'s> {
    pub text: &'s str,
    pub span: Span,
    pub column: usize,
}

/// One line of the source split at tabs; empty cells are dropped.
#[derive(Debug, Clone)]
pub struct Row<'s> {
    /// 1-based line number.
    pub line: usize,
    /// The line without its terminator.
    pub span: Span,
    pub cells: Vec<Cell<'s>>,
}

impl<'s> Row<'s> {
    pub fn read(source: &'s SourceFile, index: usize) -> Row<'s> {
        let span = source.line_span(index);
        let text = source.slice(span);
        let mut cells = Vec::new();
        let mut start = 0;
        for (column, piece) in text.split('\t').enumerate() {
            let trimmed = piece.trim_matches(is_blank);
            if !trimmed.is_empty() {
                let lead = piece.len() - piece.trim_start_matches(is_blank).len();
                let cell_start = span.start + start + lead;
                cells.push(Cell {
                    text: trimmed,
                    span: Span::new(cell_start, cell_start + trimmed.len()),
                    column,
                });
            }
            start += piece.len() + 1;
        }
        Row {
            line: index + 1,
            span,
            cells,
        }
    }

    pub fn is_blank(&self) -> bool {
        self.cells.is_empty()
    }

    /// The only cell of a one-cell row.
    pub fn single(&self) -> Option<&Cell<'s>> {
        match self.cells.as_slice() {
            [cell] => Some(cell),
            _ => None,
        }
    }
}

/// Whitespace as PDF text has it: ASCII, ideographic space, no-break space, form feed, BOM.
pub fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}' || c == '\u{200B}'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_keep_their_spans_and_columns() {
        let source = SourceFile::from_text("x", "\t\t资金总额(元):\t\t 136,000 \t\r\nnext");
        let row = Row::read(&source, 0);
        assert_eq!(row.cells.len(), 2);
        assert_eq!(row.cells[0].text, "资金总额(元):");
        assert_eq!(row.cells[0].column, 2);
        assert_eq!(row.cells[1].text, "136,000");
        assert_eq!(source.slice(row.cells[1].span), "136,000");
        assert_eq!(row.cells[1].column, 4);
        assert_eq!(row.line, 1);
    }
}
