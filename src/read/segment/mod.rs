//! Segmenters: each cuts one physical shape of input into a [`grid`](crate::read::grid) of
//! cells, knowing nothing of forms. The recognizer reads forms from the rows they give.
//!
//! - [`lines`]: text, line by line — tab-separated cells, `|` tables (also flattened to one cell
//!   per line), cells aligned by runs of spaces, and one-cell lines (one cell per line or per
//!   paragraph, text glued together);
//! - [`html`]: HTML tables (`.html` files, and `<table>` markup inside extracted text);
//! - spreadsheets (CSV and workbooks) are cut in [`crate::read::sheet`].

pub mod html;
pub mod lines;
