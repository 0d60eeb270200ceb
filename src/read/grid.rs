//! The grid every input format is cut into before forms are recognised: rows of cells, each cell
//! with its text, its column and its exact span in the source.
//!
//! Segmenters (`segment/`) only cut cells; the recognizer (`recognize/`) reads forms from the
//! rows without knowing which format they came from.

use crate::span::Span;
use std::borrow::Cow;

/// One non-empty cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell<'s> {
    /// The cell's text, trimmed. Borrowed from the source when the source spells it as it is;
    /// owned when the segmenter decoded it (HTML entities, `<br>`, line breaks inside a cell).
    pub text: Cow<'s, str>,
    /// The cell's text in the source (for decoded text: from its first to its last character).
    pub span: Span,
    /// 0-based column. For [`Columns::Exact`] rows, the column in the table (merged cells
    /// counted); otherwise the cell's position in its row, as a hint only.
    pub column: usize,
    /// How many columns the cell spans (merged cells; 1 otherwise).
    pub col_span: usize,
}

impl<'s> Cell<'s> {
    pub fn borrowed(text: &'s str, span: Span, column: usize) -> Cell<'s> {
        Cell {
            text: Cow::Borrowed(text),
            span,
            column,
            col_span: 1,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// How far a row's column numbers can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Columns {
    /// Columns are the table's (HTML, workbooks, Word tables, markdown rows with their empty
    /// cells): a cell's column says which header it is under — though a row whose leading cells
    /// were merged into the rows above may start later, so the reader anchors rows by content.
    Exact,
    /// Columns drift from row to row (tab-separated text extracted from PDF): cells are read in
    /// order and by what they say.
    Drifting,
    /// As [`Columns::Drifting`], and the empty cells a row starts with leave no trace (text cut
    /// at runs of spaces, `cell | cell |` lines without an opening `|`): the first cell is at
    /// column 0 whatever header it is under.
    Packed,
    /// The row was assembled from cells given one per line: its cells have an order only.
    Unknown,
}

/// One row of a grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row<'s> {
    /// 1-based line (in the source text) where the row starts.
    pub line: usize,
    /// From the row's first to its last byte.
    pub span: Span,
    /// The row's non-empty cells, in order.
    pub cells: Vec<Cell<'s>>,
    pub columns: Columns,
    /// The row is one line of text whose table row is unknown (one cell per line or per
    /// paragraph, text glued together): the recognizer pairs it with the rows around it.
    pub loose: bool,
    /// A table of the source ends here (`</table>`): a row with no cells that marks the end of
    /// a form's indicator table.
    pub table_end: bool,
}

impl<'s> Row<'s> {
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

    /// From the first cell's start to the last cell's end (the row's span when it is empty).
    pub fn cells_span(&self) -> Span {
        self.cells
            .first()
            .zip(self.cells.last())
            .map_or(self.span, |(a, b)| a.span.cover(b.span))
    }
}
