//! From what pages show to grids of cells: a page's ruling lines make its tables — the lines
//! that touch each other are one table; their distinct heights and positions are the table's
//! row and column boundaries; a boundary missing inside a table is a merged cell — and every
//! character falls in the cell it is drawn in. A cell wrapped over several lines stays one cell.
//! Text outside the tables (the title, `（2025年度）`, `金额单位：万元`) becomes lines, split into
//! cells at wide gaps. Lines repeated in the top or bottom margin of several pages (page
//! headers and footers) and page numbers are dropped; a table continued on the next page simply
//! continues, as the rows of the next grid.

use crate::read::pdf::content::{Glyph, PageContent, Segment};
use crate::read::vocabulary::Vocabulary;
use std::collections::HashMap;

/// Lines closer than this (points) are one line; boundaries closer than this are one boundary.
/// Wide enough for double rules and for cells drawn as separate boxes a few points apart
/// (`border-spacing`, Word's cell spacing); far below any real row or column.
const SNAP: f32 = 4.0;
/// Most rows × columns of one table's elementary grid.
const MAX_TABLE_CELLS: usize = 200_000;
/// Most line pairs tested for touching on one page.
const MAX_LINE_PAIRS: usize = 20_000_000;
/// The share of the page height at the top and at the bottom where page headers and footers are.
const MARGIN: f32 = 0.12;
/// A gap wider than this many font sizes between characters of a line outside tables starts a
/// new cell.
const CELL_GAP: f32 = 1.8;
/// About the room a cell leaves between its text and its right edge (points).
const CELL_PADDING: f32 = 8.0;

/// A page as the reader needs it.
pub struct Page {
    /// 1-based page number.
    pub number: usize,
    pub height: f32,
    pub content: PageContent,
}

/// A stretch of a page: a table, or lines outside tables.
#[derive(Debug, PartialEq)]
pub struct Block {
    pub page: usize,
    /// 1-based number of the table on its page; `None` for lines.
    pub table: Option<usize>,
    /// For lines: the 1-based number of the first one on its page (tables' rows not counted).
    pub first_line: usize,
    pub rows: Vec<Vec<String>>,
    /// For tables: the table may go on — it ends its page, or goes on at the top of the next.
    pub continued: bool,
}

/// A line of text outside tables, before margins are judged.
struct Line {
    top: f32,
    baseline: f32,
    cells: Vec<String>,
    /// See [`line_key`]: computed once, compared across pages several times.
    key: String,
}

enum Item {
    Table {
        top: f32,
        rows: Vec<Vec<String>>,
        /// Column boundaries, to know the same table continued on the next page.
        xs: Vec<f32>,
        /// Per row and column: whether the cell's last line runs to the cell's right edge, so
        /// that its text may go on in the same cell on the next page.
        open: Vec<Vec<bool>>,
    },
    Line(Line),
}

/// The last table of a page, while nothing has followed it.
struct Open {
    block: usize,
    xs: Vec<f32>,
    open: Vec<bool>,
    /// The first rows of the table where it began: header rows a word processor repeats at
    /// the top of every page it continues on.
    header: Vec<Vec<String>>,
}

/// At most this many leading rows are compared with the rows a continued table repeats.
const REPEATED_HEADER_ROWS: usize = 8;

/// The blocks of all pages, in reading order, page headers and footers removed.
pub fn blocks(pages: &[Page], vocab: &Vocabulary) -> Vec<Block> {
    let laid: Vec<Vec<Item>> = pages.iter().map(page_items).collect();
    let furniture = repeated_margin_lines(pages, &laid, vocab);
    let mut out: Vec<Block> = Vec::new();
    let mut open: Option<Open> = None;
    for (page, items) in pages.iter().zip(laid) {
        let mut tables = 0;
        let mut lines = 0;
        let mut first = true;
        let drop = dropped(page, &items, &furniture);
        for (index, item) in items.into_iter().enumerate() {
            match item {
                Item::Table {
                    mut rows,
                    xs,
                    open: cells_open,
                    ..
                } => {
                    let mut xs = xs;
                    let mut cells_open = cells_open;
                    let mut header: Vec<Vec<String>> =
                        rows.iter().take(REPEATED_HEADER_ROWS).cloned().collect();
                    if first
                        && let Some(before) = open.take()
                        && let Some(map) = column_map(&before.xs, &xs)
                    {
                        // The same table going on: its rows in the earlier table's columns, so
                        // that the header read there still says what each column is.
                        let width = before.xs.len().saturating_sub(1);
                        rows = rows
                            .iter()
                            .map(|r| remap(r, &map, width, String::new()))
                            .collect();
                        cells_open = cells_open
                            .iter()
                            .map(|r| remap(r, &map, width, false))
                            .collect();
                        xs = before.xs.clone();
                        // Header rows repeated on this page (Word's 标题行重复, a report's
                        // repeated rows) are the earlier page's, not new rows: left empty, so
                        // that rows keep their numbers.
                        let repeated = rows
                            .iter()
                            .zip(&before.header)
                            .take_while(|(row, head)| {
                                row == head && row.iter().any(|c| !c.is_empty())
                            })
                            .count();
                        for row in rows.iter_mut().take(repeated) {
                            row.iter_mut().for_each(String::clear);
                        }
                        if let Some(block) = out.get_mut(before.block) {
                            block.continued = true;
                            let rest = rows.get_mut(repeated..).unwrap_or_default();
                            continue_row(block, &before, rest);
                        }
                        header = before.header;
                    }
                    first = false;
                    tables += 1;
                    open = Some(Open {
                        block: out.len(),
                        xs,
                        open: cells_open.last().cloned().unwrap_or_default(),
                        header,
                    });
                    out.push(Block {
                        page: page.number,
                        table: Some(tables),
                        first_line: 0,
                        rows,
                        continued: false,
                    });
                }
                Item::Line(line) => {
                    if drop.get(index).copied().unwrap_or(false) {
                        continue;
                    }
                    lines += 1;
                    // Text at the top of the page: the table that ended the page before ended.
                    if first
                        && let Some(before) = open.as_ref()
                        && let Some(block) = out.get_mut(before.block)
                    {
                        block.continued = false;
                    }
                    first = false;
                    open = None;
                    match out.last_mut() {
                        Some(b) if b.table.is_none() && b.page == page.number => {
                            b.rows.push(line.cells)
                        }
                        _ => out.push(Block {
                            page: page.number,
                            table: None,
                            first_line: lines,
                            rows: vec![line.cells],
                            continued: false,
                        }),
                    }
                }
            }
        }
        // A table that ends its page may go on at the top of the next one, whether or not its
        // columns there can be matched: only text after it on the same page ends it.
        if let Some(last) = out.last_mut()
            && last.page == page.number
            && last.table.is_some()
        {
            last.continued = true;
        }
    }
    out
}

/// A row split by a page break: when a page begins with the table the previous page ended with
/// (the same columns), and the first row has text only in cells whose counterparts in the last
/// row ran to their right edge — some of that row's cells, not all — it is the rest of that row.
/// A row of its own (a new indicator under a merged 一级 cell) has text in a cell that ended
/// short, and stays a row.
fn continue_row(block: &mut Block, before: &Open, rows: &mut [Vec<String>]) {
    let (Some(last), Some(next)) = (block.rows.last_mut(), rows.first()) else {
        return;
    };
    if last.len() != next.len() {
        return;
    }
    let filled = |row: &[String]| row.iter().filter(|c| !c.is_empty()).count();
    let continues = filled(next) > 0
        && filled(next) < filled(last)
        && next.iter().enumerate().all(|(c, text)| {
            text.is_empty()
                || (last.get(c).is_some_and(|t| !t.is_empty())
                    && before.open.get(c).copied().unwrap_or(false))
        });
    if !continues {
        return;
    }
    for (cell, more) in last.iter_mut().zip(next) {
        if more.is_empty() {
            continue;
        }
        if cell.ends_with(|c: char| c.is_ascii_alphabetic())
            && more.starts_with(|c: char| c.is_ascii_alphabetic())
        {
            cell.push(' ');
        }
        cell.push_str(more);
    }
    // The row stays, empty, so that rows keep the numbers they have on the page.
    if let Some(first) = rows.first_mut() {
        first.iter_mut().for_each(String::clear);
    }
}

/// A row in another table's columns: cell k goes to column `map[k]`.
fn remap<T: Clone>(row: &[T], map: &[usize], width: usize, empty: T) -> Vec<T> {
    let mut out = vec![empty; width];
    for (cell, to) in row.iter().zip(map) {
        if let Some(slot) = out.get_mut(*to) {
            *slot = cell.clone();
        }
    }
    out
}

fn in_margin(page: &Page, line: &Line) -> bool {
    page.height > 0.0
        && (line.top >= page.height * (1.0 - MARGIN) || line.baseline <= page.height * MARGIN)
}

/// A line's text, digits and whitespace removed: the same header on every page, whatever its
/// page number.
fn line_key(cells: &[String]) -> String {
    cells
        .iter()
        .flat_map(|c| c.chars())
        .filter(|c| !c.is_whitespace() && !c.is_ascii_digit())
        .collect()
}

/// `（2025年度）`, `2025年`: a form's year line, however often it repeats.
fn is_year_line(line: &Line) -> bool {
    let text: String = line
        .cells
        .iter()
        .flat_map(|c| c.chars())
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '（' | '）'))
        .collect();
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    digits == 4 && matches!(text.get(4..), Some("年度" | "年"))
}

/// `第 3 页`, `- 3 -`, `3/12`, `第3页 共12页` (digits already removed).
fn is_page_number(key: &str) -> bool {
    key.chars().all(|c| {
        matches!(
            c,
            '第' | '页' | '共' | '-' | '—' | '/' | '|' | 'P' | 'a' | 'g' | 'e'
        )
    })
}

/// Lines in the margins of at least two pages with the same text (digits aside), unless a
/// form title: a title repeated at the top of every page is the recognizer's to judge.
fn repeated_margin_lines(
    pages: &[Page],
    laid: &[Vec<Item>],
    vocab: &Vocabulary,
) -> std::collections::HashSet<String> {
    let mut pages_with: HashMap<String, usize> = HashMap::new();
    for (page, items) in pages.iter().zip(laid) {
        let mut seen = std::collections::HashSet::new();
        for k in edge_lines(page, items) {
            if let Some(Item::Line(line)) = items.get(k)
                && !is_year_line(line)
                && !line.key.is_empty()
                && seen.insert(line.key.as_str())
            {
                *pages_with.entry(line.key.clone()).or_default() += 1;
            }
        }
    }
    // Furniture is on most pages; a form's own line that happens to fall at the edge of a
    // few pages is not.
    let repeated = pages_with
        .into_iter()
        .filter(|(_, n)| *n >= 2 && *n * 2 >= pages.len())
        .map(|(key, _)| key);
    let is_title = |key: &str| {
        vocab
            .title_ending(&crate::read::vocabulary::key(key))
            .is_some()
    };
    let (titles, mut furniture): (Vec<String>, std::collections::HashSet<String>) = {
        let (t, f): (Vec<String>, Vec<String>) = repeated.partition(|k| is_title(k));
        (t, f.into_iter().collect())
    };
    let is_furniture = |line: &Line| is_page_number(&line.key) || furniture.contains(&line.key);
    // A title at the top of every page is each page's form, or a running header that looks
    // like a title. It is a header where it stands over a table continued from the page
    // before, or over another title — and then on every page.
    let mut running_titles = Vec::new();
    for title in titles {
        let mut last_xs: Option<&[f32]> = None;
        let mut running = false;
        for items in laid {
            let at = items
                .iter()
                .position(|i| matches!(i, Item::Line(l) if l.key == title));
            if let Some(at) = at {
                let next = items.iter().skip(at + 1).find(|i| match i {
                    Item::Line(l) => !is_furniture(l),
                    Item::Table { .. } => true,
                });
                running |= match next {
                    Some(Item::Table { xs, .. }) => {
                        last_xs.is_some_and(|before| column_map(before, xs).is_some())
                    }
                    Some(Item::Line(l)) => is_title(&l.key),
                    None => false,
                };
            }
            last_xs = match items.last() {
                Some(Item::Table { xs, .. }) => Some(xs),
                _ => items
                    .iter()
                    .rev()
                    .find_map(|i| match i {
                        Item::Table { xs, .. } => Some(xs.as_slice()),
                        Item::Line(l) if is_furniture(l) => None,
                        Item::Line(_) => Some(&[][..]),
                    })
                    .filter(|xs| !xs.is_empty()),
            };
        }
        if running {
            running_titles.push(title);
        }
    }
    furniture.extend(running_titles);
    furniture
}

/// Where the columns of a table continued on a new page are in the table it continues: the
/// same outer edges, and every boundary one of the earlier table's (rows on the new page may
/// draw fewer). The earlier column of each column, or `None` when it is another table.
fn column_map(before: &[f32], xs: &[f32]) -> Option<Vec<usize>> {
    let near = |a: f32, b: f32| (a - b).abs() <= 2.0 * SNAP;
    if !(near(*before.first()?, *xs.first()?) && near(*before.last()?, *xs.last()?)) {
        return None;
    }
    xs.iter()
        .take(xs.len().saturating_sub(1))
        .map(|x| before.iter().position(|b| near(*b, *x)))
        .collect()
}

/// The lines at the top and at the bottom edge of a page — the runs of lines in its margins
/// before the first and after the last other item: where page headers and footers are.
fn edge_lines(page: &Page, items: &[Item]) -> Vec<usize> {
    let at_edge = |item: &Item| matches!(item, Item::Line(line) if in_margin(page, line));
    let top = items.iter().take_while(|i| at_edge(i)).count();
    let bottom = items.iter().rev().take_while(|i| at_edge(i)).count();
    let mut out: Vec<usize> = (0..top).collect();
    out.extend((items.len().saturating_sub(bottom)..items.len()).filter(|k| *k >= top));
    out
}

/// Which items of a page are its header and footer: the lines at its edges that are page
/// numbers or repeated furniture, from each edge inwards up to the first that is not.
fn dropped(
    page: &Page,
    items: &[Item],
    furniture: &std::collections::HashSet<String>,
) -> Vec<bool> {
    let is_furniture = |item: &Item| match item {
        Item::Line(line) if in_margin(page, line) => {
            is_page_number(&line.key) || furniture.contains(&line.key)
        }
        _ => false,
    };
    let mut out = vec![false; items.len()];
    for (k, item) in items.iter().enumerate() {
        if !is_furniture(item) {
            break;
        }
        if let Some(slot) = out.get_mut(k) {
            *slot = true;
        }
    }
    for (k, item) in items.iter().enumerate().rev() {
        if !is_furniture(item) {
            break;
        }
        if let Some(slot) = out.get_mut(k) {
            *slot = true;
        }
    }
    out
}

/// A page's tables and lines, top to bottom.
fn page_items(page: &Page) -> Vec<Item> {
    let tables = tables(&page.content.segments);
    let mut in_table: Vec<Vec<Vec<usize>>> = tables
        .iter()
        .map(|t| vec![Vec::new(); t.anchors.len()])
        .collect();
    let mut free = Vec::new();
    for (k, glyph) in page.content.glyphs.iter().enumerate() {
        let (cx, cy) = (glyph.x + glyph.width / 2.0, glyph.y + glyph.size * 0.3);
        let placed = tables
            .iter()
            .enumerate()
            .find_map(|(t, table)| table.cell_at(cx, cy).map(|cell| (t, cell)));
        match placed {
            Some((t, cell)) => {
                if let Some(slot) = in_table.get_mut(t).and_then(|cells| cells.get_mut(cell)) {
                    slot.push(k);
                }
            }
            None => free.push(k),
        }
    }
    let glyphs = &page.content.glyphs;
    let mut items: Vec<Item> = Vec::new();
    for (table, cells) in tables.iter().zip(in_table) {
        let mut rows = vec![vec![String::new(); table.columns()]; table.rows()];
        let mut open = vec![vec![false; table.columns()]; table.rows()];
        let cell_lines: Vec<Vec<Vec<&Glyph>>> = cells.iter().map(|m| lines(glyphs, m)).collect();
        // How far a wrapped line reaches in each column: the longest line in it, or the
        // column's edge less a cell's padding when nothing in it is longer.
        let mut reach: Vec<f32> = table
            .xs
            .iter()
            .skip(1)
            .map(|right| right - CELL_PADDING)
            .collect();
        for line in cell_lines.iter().flatten() {
            if let Some(last) = line.last()
                && let Some(slot) = reach.get_mut(table.column_of(last.x + last.width / 2.0))
            {
                *slot = slot.max(line_end(line));
            }
        }
        for (anchor, lines) in table.anchors.iter().zip(&cell_lines) {
            if lines.is_empty() {
                continue;
            }
            let (text, last_line_full) = cell_text(lines, |line| {
                line.last()
                    .and_then(|g| reach.get(table.column_of(g.x + g.width / 2.0)))
                    .copied()
                    .unwrap_or(f32::MAX)
            });
            if let Some(slot) = rows.get_mut(anchor.0).and_then(|r| r.get_mut(anchor.1)) {
                slot.push_str(&text);
            }
            // The merged cell's last elementary row is where its text would go on.
            let last_row = table.last_row_of(anchor);
            if let Some(slot) = open.get_mut(last_row).and_then(|r| r.get_mut(anchor.1)) {
                *slot = last_line_full;
            }
        }
        items.push(Item::Table {
            top: table.ys.first().copied().unwrap_or(0.0),
            rows,
            xs: table.xs.clone(),
            open,
        });
    }
    for line in lines(glyphs, &free) {
        let cells = split_cells(&line);
        items.push(Item::Line(Line {
            top: line.iter().map(|g| g.y + g.size).fold(f32::MIN, f32::max),
            baseline: line.iter().map(|g| g.y).fold(f32::MAX, f32::min),
            key: line_key(&cells),
            cells,
        }));
    }
    items.sort_by(|a, b| top(b).total_cmp(&top(a)));
    items
}

fn top(item: &Item) -> f32 {
    match item {
        Item::Table { top, .. } => *top,
        Item::Line(line) => line.top,
    }
}

/// A table's elementary grid and its merged cells.
struct Table {
    /// Row boundaries, top down (descending y), and column boundaries, left to right.
    ys: Vec<f32>,
    xs: Vec<f32>,
    /// For each elementary cell (row-major), the index of its merged cell in `anchors`.
    cell_of: Vec<usize>,
    /// Each merged cell's top-left elementary cell: (row, column).
    anchors: Vec<(usize, usize)>,
}

impl Table {
    fn rows(&self) -> usize {
        self.ys.len().saturating_sub(1)
    }

    fn columns(&self) -> usize {
        self.xs.len().saturating_sub(1)
    }

    /// The elementary column `x` is in.
    fn column_of(&self, x: f32) -> usize {
        self.xs
            .iter()
            .skip(1)
            .position(|b| x <= *b)
            .unwrap_or(self.columns().saturating_sub(1))
    }

    /// The last elementary row of the merged cell anchored at `anchor`.
    fn last_row_of(&self, anchor: &(usize, usize)) -> usize {
        let columns = self.columns();
        let Some(&index) = self.cell_of.get(anchor.0 * columns + anchor.1) else {
            return anchor.0;
        };
        (anchor.0..self.rows())
            .take_while(|r| self.cell_of.get(r * columns + anchor.1) == Some(&index))
            .last()
            .unwrap_or(anchor.0)
    }

    /// The merged cell a point is in.
    fn cell_at(&self, x: f32, y: f32) -> Option<usize> {
        let (first_y, last_y) = (*self.ys.first()?, *self.ys.last()?);
        let (first_x, last_x) = (*self.xs.first()?, *self.xs.last()?);
        if !(y <= first_y && y >= last_y && x >= first_x && x <= last_x) {
            return None;
        }
        let row = self
            .ys
            .iter()
            .skip(1)
            .position(|b| y >= *b)
            .unwrap_or(self.rows().saturating_sub(1));
        let column = self
            .xs
            .iter()
            .skip(1)
            .position(|b| x <= *b)
            .unwrap_or(self.columns().saturating_sub(1));
        self.cell_of.get(row * self.columns() + column).copied()
    }
}

/// Lines of the same direction at the same height, joined where they touch or overlap.
fn merge(mut lines: Vec<Segment>) -> Vec<Segment> {
    lines.sort_by(|a, b| a.at.total_cmp(&b.at).then(a.from.total_cmp(&b.from)));
    let mut groups: Vec<Vec<Segment>> = Vec::new();
    for line in lines {
        match groups.last_mut() {
            Some(group) if group.first().is_some_and(|g| line.at - g.at <= SNAP) => {
                group.push(line)
            }
            _ => groups.push(vec![line]),
        }
    }
    let mut out = Vec::new();
    for mut group in groups {
        let at = group.iter().map(|s| s.at).sum::<f32>() / group.len().max(1) as f32;
        group.sort_by(|a, b| a.from.total_cmp(&b.from));
        let mut current: Option<Segment> = None;
        for s in group {
            match current.as_mut() {
                Some(c) if s.from <= c.to + SNAP => c.to = c.to.max(s.to),
                _ => {
                    out.extend(current.take());
                    current = Some(Segment { at, ..s });
                }
            }
        }
        out.extend(current);
    }
    out
}

/// The tables the ruling lines of a page make.
fn tables(segments: &[Segment]) -> Vec<Table> {
    let horizontal = merge(segments.iter().filter(|s| s.horizontal).copied().collect());
    let vertical = merge(segments.iter().filter(|s| !s.horizontal).copied().collect());
    if horizontal.len().saturating_mul(vertical.len()) > MAX_LINE_PAIRS {
        return Vec::new();
    }
    // Lines that touch are one table (union-find over horizontals then verticals).
    let n = horizontal.len() + vertical.len();
    let mut parent: Vec<usize> = (0..n).collect();
    for (i, h) in horizontal.iter().enumerate() {
        for (j, v) in vertical.iter().enumerate() {
            if v.at >= h.from - SNAP
                && v.at <= h.to + SNAP
                && h.at >= v.from - SNAP
                && h.at <= v.to + SNAP
            {
                union(&mut parent, i, horizontal.len() + j);
            }
        }
    }
    // Ordered by root: the same file reads the same way on every run.
    let mut members: std::collections::BTreeMap<usize, (Vec<Segment>, Vec<Segment>)> =
        std::collections::BTreeMap::new();
    for (i, h) in horizontal.iter().enumerate() {
        members.entry(find(&mut parent, i)).or_default().0.push(*h);
    }
    for (j, v) in vertical.iter().enumerate() {
        let root = find(&mut parent, horizontal.len() + j);
        members.entry(root).or_default().1.push(*v);
    }
    let mut out: Vec<Table> = members
        .into_values()
        .filter_map(|(h, v)| table(&h, &v))
        .collect();
    out.sort_by(|a, b| {
        let top = |t: &Table| t.ys.first().copied().unwrap_or(0.0);
        let left = |t: &Table| t.xs.first().copied().unwrap_or(0.0);
        top(b).total_cmp(&top(a)).then(left(a).total_cmp(&left(b)))
    });
    out
}

fn table(horizontal: &[Segment], vertical: &[Segment]) -> Option<Table> {
    // A row cut by a page break may have no rule on its open side (browsers draw none): the
    // column rules reaching past the outermost horizontal rule bound it there.
    let highest = vertical.iter().map(|v| v.to).fold(f32::MIN, f32::max);
    let lowest = vertical.iter().map(|v| v.from).fold(f32::MAX, f32::min);
    let top = horizontal.iter().map(|h| h.at).fold(f32::MIN, f32::max);
    let bottom = horizontal.iter().map(|h| h.at).fold(f32::MAX, f32::min);
    let mut edges: Vec<Segment> = Vec::new();
    let (left, right) = (
        vertical.iter().map(|v| v.at).fold(f32::MAX, f32::min),
        vertical.iter().map(|v| v.at).fold(f32::MIN, f32::max),
    );
    if highest > top + SNAP {
        edges.push(Segment {
            horizontal: true,
            at: highest,
            from: left,
            to: right,
        });
    }
    if lowest < bottom - SNAP {
        edges.push(Segment {
            horizontal: true,
            at: lowest,
            from: left,
            to: right,
        });
    }
    let horizontal: Vec<Segment> = horizontal.iter().copied().chain(edges).collect();
    let horizontal = horizontal.as_slice();
    let mut ys = boundaries(horizontal.iter().map(|s| s.at));
    ys.reverse();
    let xs = boundaries(vertical.iter().map(|s| s.at));
    let (rows, columns) = (ys.len().checked_sub(1)?, xs.len().checked_sub(1)?);
    // One cell is a frame around text (a box drawn round a form without inner lines), not a
    // table whose cells could be told apart.
    if rows.saturating_mul(columns) <= 1 || rows.saturating_mul(columns) > MAX_TABLE_CELLS {
        return None;
    }
    // Whether a boundary is drawn through the middle of a cell's side: the line must reach the
    // middle itself (rows of small print are only a few points high).
    let covers_v = |x: f32, y: f32| {
        vertical
            .iter()
            .any(|v| (v.at - x).abs() <= SNAP && v.from - 1.0 <= y && y <= v.to + 1.0)
    };
    let covers_h = |y: f32, x: f32| {
        horizontal
            .iter()
            .any(|h| (h.at - y).abs() <= SNAP && h.from - 1.0 <= x && x <= h.to + 1.0)
    };
    let mut parent: Vec<usize> = (0..rows * columns).collect();
    for r in 0..rows {
        let (top, bottom) = (ys.get(r).copied()?, ys.get(r + 1).copied()?);
        let mid_y = (top + bottom) / 2.0;
        for c in 0..columns {
            let (left, right) = (xs.get(c).copied()?, xs.get(c + 1).copied()?);
            let mid_x = (left + right) / 2.0;
            if c + 1 < columns && !covers_v(right, mid_y) {
                union(&mut parent, r * columns + c, r * columns + c + 1);
            }
            if r + 1 < rows && !covers_h(bottom, mid_x) {
                union(&mut parent, r * columns + c, (r + 1) * columns + c);
            }
        }
    }
    // Number merged cells by their first elementary cell in row-major order: that is their
    // top-left corner for rectangles.
    let mut index_of_root: HashMap<usize, usize> = HashMap::new();
    let mut anchors = Vec::new();
    let mut cell_of = Vec::with_capacity(rows * columns);
    for cell in 0..rows * columns {
        let root = find(&mut parent, cell);
        let index = *index_of_root.entry(root).or_insert_with(|| {
            anchors.push((cell / columns, cell % columns));
            anchors.len() - 1
        });
        cell_of.push(index);
    }
    Some(Table {
        ys,
        xs,
        cell_of,
        anchors,
    })
}

/// Distinct positions, ascending, those within [`SNAP`] of each other as one.
fn boundaries(values: impl Iterator<Item = f32>) -> Vec<f32> {
    let mut values: Vec<f32> = values.collect();
    values.sort_by(f32::total_cmp);
    let mut out: Vec<f32> = Vec::new();
    for v in values {
        match out.last() {
            Some(last) if v - last <= SNAP => {}
            _ => out.push(v),
        }
    }
    out
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while let Some(&p) = parent.get(i) {
        if p == i {
            break;
        }
        let grand = parent.get(p).copied().unwrap_or(p);
        if let Some(slot) = parent.get_mut(i) {
            *slot = grand;
        }
        i = p;
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb
        && let Some(slot) = parent.get_mut(ra.max(rb))
    {
        *slot = ra.min(rb);
    }
}

/// The glyphs `members` grouped into lines, top down, each left to right.
fn lines<'g>(glyphs: &'g [Glyph], members: &[usize]) -> Vec<Vec<&'g Glyph>> {
    let mut sorted: Vec<&Glyph> = members.iter().filter_map(|k| glyphs.get(*k)).collect();
    sorted.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut out: Vec<Vec<&Glyph>> = Vec::new();
    for glyph in sorted {
        match out.last_mut() {
            Some(line)
                if line
                    .first()
                    .is_some_and(|first| first.y - glyph.y <= first.size.max(glyph.size) * 0.5) =>
            {
                line.push(glyph)
            }
            _ => out.push(vec![glyph]),
        }
    }
    for line in &mut out {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
        // A character drawn twice over itself (fake bold) is one character.
        line.dedup_by(|b, a| a.text == b.text && (b.x - a.x).abs() < a.size * 0.3);
    }
    out
}

/// The text of one line: a space where the font leaves one, or a gap wide enough to be one.
fn line_text(line: &[&Glyph], out: &mut String) {
    let mut previous: Option<&Glyph> = None;
    for glyph in line {
        if glyph.text.is_whitespace() {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            previous = Some(glyph);
            continue;
        }
        if let Some(p) = previous {
            let gap = glyph.x - (p.x + p.width);
            let threshold = if p.text.is_ascii() && glyph.text.is_ascii() {
                0.2
            } else {
                0.5
            } * glyph.size.max(p.size);
            if gap > threshold && !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        }
        out.push(glyph.text);
        previous = Some(glyph);
    }
}

/// Where a line's last visible character ends.
fn line_end(line: &[&Glyph]) -> f32 {
    line.iter()
        .filter(|g| !g.text.is_whitespace())
        .map(|g| g.x + g.width)
        .fold(f32::MIN, f32::max)
}

/// A cell's text, and whether its last line is full — it reaches, within about a character,
/// as far as a wrapped line reaches in its column (`reach`), so its text may go on. Lines are
/// joined without a space where a line is full (it was wrapped), and with one where a
/// paragraph ended short — and between two letters of a word-spaced script.
fn cell_text(lines: &[Vec<&Glyph>], reach: impl Fn(&[&Glyph]) -> f32) -> (String, bool) {
    let full = |line: &[&Glyph]| {
        let size = line.iter().map(|g| g.size).fold(0.0, f32::max);
        line_end(line) >= reach(line) - 1.5 * size
    };
    let mut out = String::new();
    let mut previous_full = true;
    let mut last_full = false;
    for line in lines {
        let mut text = String::new();
        line_text(line, &mut text);
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let joins_words = out.chars().last().is_some_and(|c| c.is_ascii_alphabetic())
            && text.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        // A line broken after a dash or a slash, or before closing punctuation, was wrapped
        // inside a word (`2020年1月-` / `-2020年11月`), whatever its length.
        let glued = out.ends_with(['-', '—', '–', '/', '~', '～', '(', '（'])
            || text.starts_with([
                '-', '—', '–', ')', '）', '%', ',', '，', '。', '、', ';', '；',
            ]);
        if !out.is_empty() && !glued && (joins_words || !previous_full) {
            out.push(' ');
        }
        out.push_str(text);
        previous_full = full(line);
        last_full = previous_full;
    }
    (out, last_full)
}

/// A line outside tables, split into cells at wide gaps.
fn split_cells(line: &[&Glyph]) -> Vec<String> {
    let mut cells = Vec::new();
    let mut start = 0;
    for k in 1..=line.len() {
        let wide = match (line.get(k.wrapping_sub(1)), line.get(k)) {
            (Some(p), Some(g)) => g.x - (p.x + p.width) > CELL_GAP * g.size.max(p.size),
            _ => true,
        };
        if wide {
            let mut text = String::new();
            line_text(line.get(start..k).unwrap_or_default(), &mut text);
            let text = text.trim();
            if !text.is_empty() {
                cells.push(text.to_owned());
            }
            start = k;
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(at: f32, from: f32, to: f32) -> Segment {
        Segment {
            horizontal: true,
            at,
            from,
            to,
        }
    }

    fn v(at: f32, from: f32, to: f32) -> Segment {
        Segment {
            horizontal: false,
            at,
            from,
            to,
        }
    }

    fn glyphs(text: &str, x: f32, y: f32) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(k, c)| Glyph {
                x: x + 10.0 * k as f32,
                y,
                width: 10.0,
                size: 10.0,
                text: c,
            })
            .collect()
    }

    #[test]
    fn a_missing_boundary_is_a_merged_cell() {
        // Two rows, three columns; the first column's cells are merged (no line between them
        // there), and so are the second row's last two.
        let segments = vec![
            h(100.0, 0.0, 300.0),
            h(80.0, 100.0, 300.0),
            h(60.0, 0.0, 300.0),
            v(0.0, 60.0, 100.0),
            v(100.0, 60.0, 100.0),
            v(200.0, 80.0, 100.0),
            v(300.0, 60.0, 100.0),
        ];
        let tables = tables(&segments);
        let [table] = tables.as_slice() else {
            panic!("one table expected");
        };
        assert_eq!((table.rows(), table.columns()), (2, 3));
        assert_eq!(table.anchors, vec![(0, 0), (0, 1), (0, 2), (1, 1)]);
        assert_eq!(table.cell_at(50.0, 65.0), Some(0));
        assert_eq!(table.cell_at(250.0, 65.0), Some(3));
        assert_eq!(table.cell_at(350.0, 65.0), None);
    }

    #[test]
    fn wrapped_cells_stay_one_cell_and_text_outside_is_lines() {
        // The second cell is five characters wide: its first line is full (wrapped), so its
        // lines join without a space.
        let segments = vec![
            h(100.0, 0.0, 165.0),
            h(60.0, 0.0, 165.0),
            v(0.0, 60.0, 100.0),
            v(100.0, 60.0, 100.0),
            v(165.0, 60.0, 100.0),
        ];
        let mut all = glyphs("项目名称", 5.0, 85.0);
        all.extend(glyphs("开展宣传场", 105.0, 85.0));
        all.extend(glyphs("次", 105.0, 70.0));
        all.extend(glyphs("绩效目标表", 50.0, 120.0));
        all.extend(glyphs("金额单位:万元", 200.0, 120.0));
        let page = Page {
            number: 1,
            height: 842.0,
            content: PageContent {
                glyphs: all,
                segments,
                ..PageContent::default()
            },
        };
        let blocks = blocks(&[page], Vocabulary::builtin());
        assert_eq!(
            blocks,
            vec![
                Block {
                    page: 1,
                    table: None,
                    first_line: 1,
                    rows: vec![vec!["绩效目标表".to_owned(), "金额单位:万元".to_owned()]],
                    continued: false,
                },
                Block {
                    page: 1,
                    table: Some(1),
                    first_line: 0,
                    rows: vec![vec!["项目名称".to_owned(), "开展宣传场次".to_owned()]],
                    // The table ends its page: it may go on on the next.
                    continued: true,
                },
            ]
        );
    }

    #[test]
    fn repeated_margin_lines_and_page_numbers_are_dropped() {
        let page = |n: usize| {
            let mut all = glyphs("某局预算公开", 50.0, 820.0);
            all.extend(glyphs(&format!("第{n}页"), 50.0, 20.0));
            all.extend(glyphs(&format!("正文{n}"), 50.0, 400.0));
            Page {
                number: n,
                height: 842.0,
                content: PageContent {
                    glyphs: all,
                    ..PageContent::default()
                },
            }
        };
        let blocks = blocks(&[page(1), page(2)], Vocabulary::builtin());
        let rows: Vec<&Vec<String>> = blocks.iter().flat_map(|b| &b.rows).collect();
        assert_eq!(
            rows,
            vec![&vec!["正文1".to_owned()], &vec!["正文2".to_owned()]]
        );
    }
}
