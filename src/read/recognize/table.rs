//! The indicator table, found by its header row: each header word gives its column a role
//! (一级 / 二级 / 三级 / 指标值 / 中期指标值 / 度量单位 / 指标性质 / 指标方向 / 权重 / 说明 …).
//!
//! Rows are read by content first: merged cells leave 一级 and 二级 empty on most rows (they are
//! inherited from the rows above), and columns drift in text extracted from PDF, so a row is read
//! as up to two leading level names, then the 三级 name, then the cells after it. Those take the
//! roles of the header's columns after the 三级 column — by column where the grid's columns are
//! exact (HTML, workbooks, markdown), in order otherwise. A comparator, a number and a unit in
//! separate columns (`≥ | 95 | %`) make one value whose span covers the three cells.

use crate::diagnostic::Diagnostic;
use crate::model::{Direction, Indicator, LevelName, Value, ValueKind, derive_category};
use crate::read::grid::{Cell, Columns};
use crate::read::recognize::normalize::{fold_spaces, join_cjk_spaces};
use crate::read::recognize::split::{TokenKind, is_value_shaped, table_tokens, words};
use crate::read::value_text::parse_value;
use crate::read::vocabulary::{Column, ColumnRole, Label, Period, Vocabulary, key};
use crate::span::{Span, Spanned};
use rust_decimal::Decimal;

/// One cell of the header row.
#[derive(Debug, Clone)]
struct HeaderColumn {
    role: HeaderRole,
    column: usize,
    col_span: usize,
    /// The header cell, for a diagnostic about the column.
    span: Span,
    text: Box<str>,
}

impl HeaderColumn {
    /// A column of the year's or the mid-term values.
    fn is_value(&self) -> bool {
        matches!(self.role, HeaderRole::Column(c) if matches!(c.role, ColumnRole::Value | ColumnRole::MidtermValue))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeaderRole {
    Column(Column),
    /// A project field in a table that holds several projects (单位名称 / 项目名称 / 预算数 / 年度目标).
    Project(Label),
    Unknown,
}

/// The layout of one indicator table, read from its header row.
#[derive(Debug, Clone)]
pub struct Layout {
    columns: Vec<HeaderColumn>,
    /// The header's columns are exact (see [`Columns`]).
    exact: bool,
    /// Column of the `一级指标` heading; an ambiguous level name (`成本指标`, `满意度指标`) at or
    /// left of it is a 一级.
    level1_column: usize,
    /// Index into `columns` of the (first) 三级 column — or of the 二级 column in a table that
    /// has no 三级 ([`Layout::names_are_level2`]).
    name_at: Option<usize>,
    /// The table has no 三级 column: each row's 二级 is what names its indicator (`一级指标 |
    /// 二级指标 | 指标值`, or 浙江's project library `指标类型 | 指标名称 | 指标值`, whose 指标名称
    /// holds the 二级).
    names_are_level2: bool,
    /// The table gives the mid-term and the year's indicators side by side.
    two_tracks: bool,
}

/// What reading a header row found.
pub struct Heading {
    pub layout: Layout,
    /// Unknown header cells (reported by the caller).
    pub unknown: Vec<Span>,
}

/// Whether `cells` are an indicator table's header row (`绩效指标 一级指标 二级指标 三级指标
/// 指标值 说明`, or any other template's words for them), and the layout it gives.
pub fn heading(cells: &[Cell<'_>], columns: Columns, vocab: &Vocabulary) -> Option<Heading> {
    // Cheap test first: a header names a level or the value column.
    if cells.len() < 2
        || cells
            .iter()
            .filter(|c| vocab.may_be_column(&c.text))
            .count()
            < 2
    {
        return None;
    }
    let mut header = Vec::with_capacity(cells.len());
    let (mut level1, mut level2, mut name, mut value, mut group, mut known) =
        (false, false, false, false, false, 0);
    for cell in cells {
        let role = match vocab.column(&cell.text) {
            Some(col) => {
                known += 1;
                match col.role {
                    ColumnRole::Level1 => level1 = true,
                    ColumnRole::Level2 => level2 = true,
                    ColumnRole::Name => name = true,
                    ColumnRole::Value | ColumnRole::MidtermValue => value = true,
                    ColumnRole::Group => group = true,
                    _ => {}
                }
                HeaderRole::Column(col)
            }
            None => match vocab.label(&cell.text) {
                Some(m) if !matches!(m.label, Label::MoneyUnit) => HeaderRole::Project(m.label),
                _ => HeaderRole::Unknown,
            },
        };
        header.push(HeaderColumn {
            role,
            column: cell.column,
            col_span: cell.col_span,
            span: cell.span,
            text: cell.text.as_ref().into(),
        });
    }
    // Two of 一级/二级/三级/指标值, or the 绩效指标 group with a value column.
    let keys = [level1, level2, name, value].iter().filter(|k| **k).count();
    let is_heading = (keys >= 2 && (level1 || name || value)) || (group && value && known >= 2);
    if !is_heading {
        return None;
    }
    let first_known = header
        .iter()
        .position(|h| matches!(h.role, HeaderRole::Column(c) if c.role != ColumnRole::Group));
    let unknown: Vec<Span> = cells
        .iter()
        .zip(&header)
        .enumerate()
        .filter(|(i, (_, h))| h.role == HeaderRole::Unknown && first_known.is_some_and(|f| *i > f))
        .map(|(_, (c, _))| c.span)
        .collect();
    let layout = Layout::from_columns(header, columns == Columns::Exact);
    Some(Heading { layout, unknown })
}

impl Layout {
    /// The layout its header columns give: where the column that names each row is (the 三级,
    /// or the 二级 in a table without 三级), whether two tracks stand side by side, where the
    /// 一级 is.
    fn from_columns(columns: Vec<HeaderColumn>, exact: bool) -> Layout {
        let role_at = |i: usize| match columns.get(i).map(|h| h.role) {
            Some(HeaderRole::Column(c)) => Some(c.role),
            _ => None,
        };
        let first = |role: ColumnRole| (0..columns.len()).find(|&i| role_at(i) == Some(role));
        let names = (0..columns.len())
            .filter(|&i| role_at(i) == Some(ColumnRole::Name))
            .count();
        let names_are_level2 = names == 0 && level2_then_value(&columns);
        let name_at = if names_are_level2 {
            first(ColumnRole::Level2)
        } else {
            first(ColumnRole::Name)
        };
        let level1_column = first(ColumnRole::Level1)
            .and_then(|i| columns.get(i))
            .map_or(1, |h| h.column);
        Layout {
            columns,
            exact,
            level1_column,
            name_at,
            names_are_level2,
            two_tracks: names > 1,
        }
    }

    /// Whether rows can be read: a 三级 (or 二级) column and a value column.
    pub fn has_values(&self) -> bool {
        self.columns.iter().any(HeaderColumn::is_value)
    }

    /// The header cell of a value column standing before the column that names each row
    /// (`一级指标 | 二级指标 | 指标值 | 三级指标`): rows read by their cells' order would take
    /// each value for the name.
    pub fn value_before_name(&self) -> Option<Span> {
        let name_at = self.name_at?;
        // Two tracks side by side (`… 指标值 | 二级指标 | 三级指标 | 指标值`): a value after the
        // name too.
        if self.two_tracks
            || self
                .columns
                .iter()
                .skip(name_at + 1)
                .any(HeaderColumn::is_value)
        {
            return None;
        }
        self.columns
            .iter()
            .take(name_at)
            .find(|h| h.is_value())
            .map(|h| h.span)
    }

    /// The table holds several projects, one after another (单位名称 / 项目名称 / … columns).
    pub fn holds_projects(&self) -> bool {
        self.columns.iter().any(|h| {
            matches!(
                h.role,
                HeaderRole::Project(Label::Field {
                    role: crate::read::vocabulary::FieldRole::Name,
                    ..
                })
            )
        })
    }

    /// The roles of the columns after the 三级 column, in order.
    fn after_name(&self) -> impl Iterator<Item = &HeaderColumn> {
        self.columns.iter().skip(self.name_at.map_or(0, |i| i + 1))
    }

    /// Whether the header names columns after the 三级 column whose cells have a kind of their
    /// own (指标性质, 指标方向, 符号, 计量单位, 分值): cells lost from a row (an empty cell in
    /// text separated by spaces) can then be told by what they hold.
    fn has_typed_columns(&self) -> bool {
        self.after_name().any(|h| {
            matches!(h.role, HeaderRole::Column(c) if matches!(
                c.role,
                ColumnRole::Nature
                    | ColumnRole::Direction
                    | ColumnRole::Comparator
                    | ColumnRole::Unit
                    | ColumnRole::Weight
            ))
        })
    }

    /// The project columns, in order (wide tables).
    fn project_columns(&self) -> Vec<Label> {
        self.columns
            .iter()
            .filter_map(|h| match h.role {
                HeaderRole::Project(l) => Some(l),
                _ => None,
            })
            .collect()
    }

    /// The role of the header column over a cell at grid column `column`, when both the header
    /// and the row have exact columns (tabs, `|` cells): elsewhere a cell's column says nothing.
    pub fn role_at(&self, columns: Columns, column: usize) -> Option<ColumnRole> {
        if !self.exact || columns != Columns::Exact {
            return None;
        }
        match self.at_column(column)?.role {
            HeaderRole::Column(c) => Some(c.role),
            _ => None,
        }
    }

    /// The role of the header column at grid column `column`, however the columns were cut.
    pub fn role_near(&self, column: usize) -> Option<ColumnRole> {
        match self.at_column(column)?.role {
            HeaderRole::Column(c) => Some(c.role),
            _ => None,
        }
    }

    /// The header column at grid column `column` (a merged header covers several).
    fn at_column(&self, column: usize) -> Option<&HeaderColumn> {
        self.columns
            .iter()
            .find(|h| (h.column..h.column + h.col_span.max(1)).contains(&column))
    }
}

/// A project's fields read from a row of a table that holds several projects.
#[derive(Debug, Default)]
pub struct ProjectCells<'s> {
    pub fields: Vec<(Label, Cell<'s>)>,
}

/// What one row of the table gave.
pub enum RowRead<'s> {
    Indicator(Box<Indicator>),
    /// A row of a table that holds several projects: the project's own cells (its first row),
    /// and the indicator on the same row, if any.
    Project(ProjectCells<'s>, Option<Box<Indicator>>),
    /// A row with cells but no project and no indicator (a department subtotal in a wide table):
    /// its first cell, which names the department (`820-马踏镇部门`).
    Subtotal(Option<Cell<'s>>),
    Nothing,
}

/// State carried down the rows of one indicator table.
#[derive(Debug)]
pub struct Table {
    pub layout: Layout,
    level1: Option<Spanned<String>>,
    level1_text: Option<String>,
    level2: Option<Spanned<String>>,
    level2_text: Option<String>,
    /// Rows given as a stream of one-cell rows: assembled here before they are read.
    stream: Option<Stream>,
    /// How many indicators had a value in the year's track and in the mid-term track.
    pub annual_values: usize,
    pub midterm_values: usize,
    /// The first indicator row has been read (and the layout checked against it).
    settled: bool,
    /// A table without 三级 has been said to be one.
    said_no_level3: bool,
    /// The row before wrote its 一级 (a table that repeats it on every row, not a merged cell).
    level1_on_last_row: bool,
}

impl Table {
    pub fn new(layout: Layout, streamed: bool) -> Table {
        let mut table = Table {
            layout,
            level1: None,
            level1_text: None,
            level2: None,
            level2_text: None,
            stream: None,
            annual_values: 0,
            midterm_values: 0,
            settled: false,
            level1_on_last_row: false,
            said_no_level3: false,
        };
        if streamed {
            table.stream = Some(Stream::new(table.extras()));
        }
        table
    }

    /// Whether a level name opens each row of the table: not so where two tracks side by side
    /// repeat the 二级 mid-row, nor in a table of projects.
    pub fn rows_open_at_levels(&self) -> bool {
        !self.layout.two_tracks && !self.layout.holds_projects()
    }

    pub fn is_streamed(&self) -> bool {
        self.stream.is_some()
    }

    /// A table with no header, started by a row that reads as an indicator.
    pub fn headless() -> Table {
        Table::new(
            Layout {
                columns: Vec::new(),
                exact: false,
                level1_column: 1,
                name_at: None,
                names_are_level2: false,
                two_tracks: false,
            },
            false,
        )
    }

    /// Whether one cell of a table read by rows holds several rows glued together (two values,
    /// or a level name after a value): it is read like a table given one cell per line.
    /// A row written as one piece of text with single spaces between its cells, in a table
    /// whose header has typed columns (`产出指标 数量指标 出差人次 正向 = 24 人/次 4` under
    /// `… 三级指标 指标性质 指标方向 目标值 计量单位 分值 备注`): its words, the levels apart and
    /// the name's words joined, for [`Table::read_row`] to place by kind. `None` for any
    /// other row (glued text is cut by value shapes instead).
    pub fn typed_words<'s>(
        &self,
        cell: &Cell<'s>,
        year: Option<i32>,
        vocab: &Vocabulary,
    ) -> Option<Vec<Cell<'s>>> {
        if !self.layout.has_typed_columns() || self.layout.two_tracks {
            return None;
        }
        let all = words(cell);
        if all.len() < 3 {
            return None;
        }
        let levels = all
            .iter()
            .take_while(|w| vocab.level(&w.text).is_some())
            .count()
            .min(2);
        let rest = all.get(levels..)?;
        let name_len = rest.iter().position(|w| is_post_name_word(&w.text, year))?;
        let name = join_run(rest.get(..name_len)?)?;
        let mut out: Vec<Cell<'s>> = all.get(..levels)?.to_vec();
        out.push(name);
        out.extend(rest.get(name_len..)?.iter().cloned());
        Some(out)
    }

    /// Where a second row begins in `cells`, when a row of a table given one cell per line filled
    /// every column of the header (its end had no mark, `| |`) and the next row ran on: the
    /// cells past the header's width, when they end in a value and begin with a name or a
    /// level. `None` when the row is no longer than the header.
    pub fn overrun_at(
        &self,
        cells: &[Cell<'_>],
        year: Option<i32>,
        vocab: &Vocabulary,
    ) -> Option<usize> {
        if self.layout.holds_projects() || self.layout.two_tracks || self.layout.name_at.is_none() {
            return None;
        }
        // A merged 绩效指标 cell leads the first row of the table.
        let lead = usize::from(cells.first().is_some_and(|c| is_group_cell(c, vocab)));
        let width = self
            .layout
            .columns
            .iter()
            .filter(|h| !matches!(h.role, HeaderRole::Column(c) if c.role == ColumnRole::Group))
            .count();
        let at = lead + width;
        let rest = cells.get(at..)?;
        let (first, last) = (rest.first()?, rest.last()?);
        let full_row = cells
            .get(lead)
            .is_some_and(|c| vocab.level(&c.text).is_some());
        let starts = !looks_like_value(&first.text, year);
        let ends = rest.len() >= 2 && looks_like_value(&last.text, year);
        (full_row && starts && ends).then_some(at)
    }

    pub fn holds_several_rows(
        &self,
        cell: &Cell<'_>,
        year: Option<i32>,
        vocab: &Vocabulary,
    ) -> bool {
        let tokens = table_tokens(cell, vocab, year);
        let values = tokens
            .iter()
            .filter(|(_, k)| *k == TokenKind::Value)
            .count();
        let level_after_text = tokens
            .iter()
            .skip_while(|(_, k)| matches!(k, TokenKind::Level(_)))
            .any(|(_, k)| matches!(k, TokenKind::Level(_)));
        values > 1 || level_after_text
    }

    /// One cell of a streamed table (one cell per line or paragraph); the rows it completes. A
    /// table read by rows streams a glued cell on its own.
    pub fn stream_cell<'s>(
        &mut self,
        cell: Cell<'s>,
        year: Option<i32>,
        vocab: &Vocabulary,
    ) -> Vec<Vec<Cell<'s>>> {
        let tokens = table_tokens(&cell, vocab, year);
        let mut rows = Vec::new();
        match self.stream.as_mut() {
            Some(stream) => {
                for (cell, kind) in tokens {
                    stream.push(cell, kind, &mut rows);
                }
            }
            None => {
                let mut stream = Stream::new(self.extras());
                for (cell, kind) in tokens {
                    stream.push(cell, kind, &mut rows);
                }
                rows.extend(stream.finish());
            }
        }
        rows
    }

    /// Columns after the value in the header (说明, 绩效标准 …).
    fn extras(&self) -> usize {
        self.layout
            .after_name()
            .skip_while(|h| !matches!(h.role, HeaderRole::Column(c) if c.role == ColumnRole::Value))
            .skip(1)
            .filter(
                |h| matches!(h.role, HeaderRole::Column(c) if !matches!(c.role, ColumnRole::Group)),
            )
            .count()
    }

    /// The rows a streamed table still holds at its end.
    pub fn finish_stream<'s>(&mut self) -> Vec<Vec<Cell<'s>>> {
        self.stream.as_mut().map(Stream::finish).unwrap_or_default()
    }

    /// Read one row of the table. Problems go to `diags`.
    #[allow(clippy::too_many_arguments)]
    pub fn read_row<'s>(
        &mut self,
        cells: &[Cell<'s>],
        columns: Columns,
        line: usize,
        row_span: Span,
        year: Option<i32>,
        vocab: &Vocabulary,
        diags: &mut Vec<Diagnostic>,
    ) -> RowRead<'s> {
        self.read_row_from(cells, columns, line, row_span, year, vocab, false, diags)
    }

    /// [`Table::read_row`] for a row cut from glued text (`glued`): a name with no value
    /// there may hold its value, run together with it.
    #[allow(clippy::too_many_arguments)]
    pub fn read_row_from<'s>(
        &mut self,
        cells: &[Cell<'s>],
        columns: Columns,
        line: usize,
        row_span: Span,
        year: Option<i32>,
        vocab: &Vocabulary,
        glued_text: bool,
        diags: &mut Vec<Diagnostic>,
    ) -> RowRead<'s> {
        let mut cells: &[Cell<'s>] = cells;
        // A merged `绩效指标` cell whose text landed on a data row.
        if cells.first().is_some_and(|c| is_group_cell(c, vocab)) {
            cells = cells.get(1..).unwrap_or(&[]);
        }
        // A second header row naming the value columns (`2021年实际实现值 | 预期2022年实现值`).
        if !cells.is_empty() && cells.iter().all(|c| is_subheading(&c.text, vocab)) {
            return RowRead::Nothing;
        }
        // A row written as one piece of text (`产出指标 数量指标 人数 32人`, glued): cut it.
        let owned;
        let mut glued = glued_text;
        if let [only] = cells
            && !looks_like_value(&only.text, year)
        {
            let tokens = table_tokens(only, vocab, year);
            if tokens.len() > 1 || tokens.iter().any(|(_, k)| *k != TokenKind::Text) {
                glued = tokens.iter().any(|(_, k)| matches!(k, TokenKind::Level(_)))
                    && !tokens.iter().any(|(_, k)| *k == TokenKind::Value);
                owned = tokens_to_row(tokens);
                cells = &owned;
            }
        }
        // A table holding several projects: the cells before the first level name are the
        // project's (right-aligned to the level columns: merged cells drop leading ones).
        let mut project = None;
        if self.layout.holds_projects() {
            let first_level = cells.iter().position(|c| vocab.level(&c.text).is_some());
            let project_cells = match first_level {
                Some(i) => cells.get(..i).unwrap_or(&[]),
                None => cells,
            };
            if !project_cells.is_empty() {
                let labels = self.layout.project_columns();
                let skip = labels.len().saturating_sub(project_cells.len());
                let fields: Vec<(Label, Cell<'s>)> = labels
                    .iter()
                    .skip(skip)
                    .copied()
                    .zip(project_cells.iter().cloned())
                    .collect();
                let names_project = fields.iter().any(|(l, _)| {
                    matches!(
                        l,
                        Label::Field {
                            role: crate::read::vocabulary::FieldRole::Name,
                            ..
                        }
                    )
                });
                if first_level.is_none() {
                    // No indicator on the row: a department's subtotal (`820-某镇部门 | 8,827,620.53`)
                    // or a project row without indicators.
                    return if names_project && project_cells.len() == labels.len() {
                        RowRead::Project(ProjectCells { fields }, None)
                    } else {
                        RowRead::Subtotal(project_cells.first().cloned())
                    };
                }
                if names_project {
                    project = Some(ProjectCells { fields });
                    // A new project starts its levels afresh.
                    self.level1 = None;
                    self.level2 = None;
                }
                cells = cells.get(project_cells.len()..).unwrap_or(&[]);
            }
        }
        let mut indicator = self.read_indicator(cells, columns, line, row_span, year, vocab, diags);
        if glued
            && self.layout.has_values()
            && let Some(ind) = indicator.as_mut()
            && ind.value.is_none()
            && !ind
                .name
                .value
                .contains(crate::read::recognize::normalize::is_blank)
        {
            // `效益指标可持续影响指标义务教育优质均衡发展情况稳步提高`: the name and a value in
            // words run together. Keep the text as a value the rules cannot read, and say so.
            diags.push(
                Diagnostic::warning(
                    "parse::glued-cell",
                    format!(
                        "“{}”中三级指标名称和指标值连在一起，无法分开",
                        crate::diagnostic::quoted(&ind.name.value)
                    ),
                )
                .with_primary(ind.name.span, Some("名称和指标值无法分开".into()))
                .with_help("在名称和指标值之间加上分隔（表格的列、制表符或空格）；这一行的指标值按原文保留，不参与数值检查"),
            );
            ind.value = Some(Spanned::new(
                Value::text_only(ind.name.value.clone(), ValueKind::Text),
                ind.name.span,
            ));
        }
        match project {
            Some(p) => RowRead::Project(p, indicator.map(Box::new)),
            None => indicator.map_or(RowRead::Nothing, |i| RowRead::Indicator(Box::new(i))),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn read_indicator<'s>(
        &mut self,
        cells: &[Cell<'s>],
        columns: Columns,
        line: usize,
        row_span: Span,
        year: Option<i32>,
        vocab: &Vocabulary,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Indicator> {
        let levels = leading_levels(
            cells,
            self.layout.level1_column,
            columns,
            self.level1.as_ref().map(|l| l.value.as_str()),
            vocab,
        );
        if !self.settled {
            self.settled = true;
            self.settle_layout(cells, &levels, columns);
        }
        let mut rest = cells.get(levels.len()..).unwrap_or(&[]);
        // A row with more cells after its levels than the header has columns after the 二级
        // names itself after all (`二级指标 | 指标值` over `数量指标 | 绿地养护面积 | ≥3750亩`).
        // A row of levels alone (a table given one cell per line puts them before the row they
        // head) names nothing yet.
        if self.layout.names_are_level2 && rest.is_empty() {
            self.set_levels(&levels);
            return None;
        }
        let named_by_level2 = levels
            .last()
            .filter(|l| !l.as_level1 && l.level.can_be_level2)
            .map(|l| l.cell);
        if self.layout.names_are_level2
            && rest.len() <= self.layout.after_name().count()
            && let Some(name) = named_by_level2
        {
            if !self.said_no_level3 {
                self.said_no_level3 = true;
                diags.extend(self.no_level3_diagnostic());
            }
            self.set_levels(&levels);
            let parts = self.assign(name, rest, columns, vocab);
            return Some(self.build(name, parts, line, row_span, year, vocab, diags));
        }
        let mut levels = levels;
        // `⇥⇥⇥满意度⇥≥90%`: a level-like word (not a full level name) followed by a lone value
        // is the 三级 name.
        if let ([only], Some(last)) = (rest, levels.last())
            && !key(&last.cell.text).ends_with("指标")
            && looks_like_value(&only.text, year)
            && let Some(start) = cells.len().checked_sub(2)
        {
            levels.pop();
            rest = cells.get(start..).unwrap_or(&[]);
        }
        self.set_levels(&levels);

        let (name, after) = match rest {
            [] => return None,
            // A piece of a level name wrapped onto a line of its own.
            [only] if crate::read::recognize::split::is_level_fragment(&only.text, vocab) => {
                return None;
            }
            [only] if looks_like_value(&only.text, year) => {
                diags.push(
                    Diagnostic::warning(
                        "parse::missing-indicator-name",
                        format!(
                            "这一行只有指标值“{}”，没有三级指标名称",
                            crate::diagnostic::quoted(&only.text)
                        ),
                    )
                    .with_primary(only.span, Some("没有对应的指标名称".into()))
                    .with_help(
                        "如果这是上一行被折行的内容，请将其合并到上一行；否则请补全三级指标名称",
                    ),
                );
                return None;
            }
            [name, after @ ..] => (name, after),
        };
        // A name and a value separated by a single space (`宣传教育 覆盖全区所有人员`), when the
        // row has no value cell of its own.
        let split: Vec<Cell<'s>>;
        let (name, after): (&Cell<'s>, &[Cell<'s>]) = if after.is_empty()
            && self.layout.has_values()
            && columns != Columns::Exact
            && name
                .text
                .contains(crate::read::recognize::normalize::is_blank)
        {
            let all = words(name);
            split = match all.split_last() {
                Some((value, name_words)) if !name_words.is_empty() => {
                    let joined = join_run(name_words).unwrap_or_else(|| name.clone());
                    vec![joined, value.clone()]
                }
                _ => Vec::new(),
            };
            match split.split_first() {
                Some((n, rest)) => (n, rest),
                None => (name, after),
            }
        } else {
            (name, after)
        };
        // `最近年度绩效评价情况 | 优秀□ 良好□ 合格□ …`: a row of boxes to tick is a question the
        // form asks under its table, not an indicator.
        if let Some(boxes) = after.first().filter(|c| is_choice_boxes(&c.text)) {
            diags.push(choice_row(name, boxes));
            return None;
        }
        let parts = self.assign(name, after, columns, vocab);
        Some(self.build(name, parts, line, row_span, year, vocab, diags))
    }

    /// The first indicator row says what the header could not. In 浙江's project library
    /// (`指标类型 | 指标名称 | 指标值 | 指标描述`) the columns called 指标类型 and 指标名称 hold the
    /// 一级 and the 二级 (`产出指标 | 数量指标 | 375万平方米 | …`), and there is no 三级: a row
    /// that opens with both levels under columns the header gave another role (三级, 性质) makes
    /// them level columns.
    fn settle_layout(
        &mut self,
        cells: &[Cell<'_>],
        levels: &[LevelCell<'_, '_>],
        columns: Columns,
    ) {
        let layout = &mut self.layout;
        let positions: Vec<usize> = (0..layout.columns.len())
            .filter(|&i| {
                !matches!(layout.columns.get(i).map(|h| h.role),
                    Some(HeaderRole::Column(c)) if c.role == ColumnRole::Group)
            })
            .collect();
        let by_column = columns == Columns::Exact && layout.exact;
        let full = cells.len() == positions.len();
        if layout.names_are_level2 && cells.len() > positions.len() {
            // More cells than the header has columns: a column the header does not name (a 三级
            // under a heading the vocabulary lacks), not a table without 三级.
            layout.names_are_level2 = false;
            layout.name_at = None;
        }
        // Full level names (`数量指标`), not a short 三级 name that reads as one (`数量`).
        let full_name = |l: &LevelCell<'_, '_>| key(&l.cell.text).ends_with("指标");
        let retyped = if let [first, second, ..] = levels
            && first.as_level1
            && !second.as_level1
            && full_name(first)
            && full_name(second)
            && (by_column || full)
        {
            let at = |k: usize, cell: &Cell<'_>| {
                if by_column {
                    layout.columns.iter().position(|h| {
                        (h.column..h.column + h.col_span.max(1)).contains(&cell.column)
                    })
                } else {
                    positions.get(k).copied()
                }
            };
            let mut columns_now = layout.columns.clone();
            let mut changed = false;
            for (k, (level, target)) in [(first, ColumnRole::Level1), (second, ColumnRole::Level2)]
                .into_iter()
                .enumerate()
            {
                let has_target = columns_now
                    .iter()
                    .any(|h| matches!(h.role, HeaderRole::Column(c) if c.role == target));
                if let Some(h) = at(k, level.cell).and_then(|i| columns_now.get_mut(i))
                    && let HeaderRole::Column(c) = h.role
                    && matches!(c.role, ColumnRole::Name | ColumnRole::Nature)
                    && !has_target
                {
                    h.role = HeaderRole::Column(Column {
                        role: target,
                        period: c.period,
                    });
                    changed = true;
                }
            }
            changed.then_some(columns_now)
        } else {
            None
        };
        if let Some(columns_now) = retyped {
            let settled = Layout::from_columns(columns_now, layout.exact);
            // Keep the new reading only where it leaves the table a column that names each row.
            if settled.name_at.is_some() {
                *layout = settled;
            }
        }
    }

    /// A table found to have no 三级, said once at its header.
    fn no_level3_diagnostic(&self) -> Option<Diagnostic> {
        let layout = &self.layout;
        if let Some(h) = layout.name_at.and_then(|i| layout.columns.get(i)) {
            let message = if is_level2_heading_word(&h.text) {
                "指标表没有三级指标栏目，各行以二级指标作为指标名称读取".to_owned()
            } else {
                format!(
                    "指标表的“{}”一栏填的是二级指标，没有三级指标",
                    crate::diagnostic::quoted(&h.text)
                )
            };
            return Some(
                Diagnostic::warning("parse::missing-indicator-name", message)
                    .with_primary(h.span, Some("这一栏是二级指标".into()))
                    .with_help("按财预〔2021〕101号的模板，每个二级指标下应设三级指标并填写指标值；本表各行的指标以二级指标命名，按此读取"),
            );
        }
        None
    }

    fn set_levels(&mut self, levels: &[LevelCell<'_, '_>]) {
        let levels = levels.get(..levels.len().min(2)).unwrap_or(levels);
        let level1_on_last_row = std::mem::replace(
            &mut self.level1_on_last_row,
            matches!(levels, [l] if l.as_level1) || levels.len() > 1,
        );
        let spanned =
            |l: &LevelCell<'_, '_>| Spanned::new(l.level.canonical.to_owned(), l.cell.span);
        let written = |l: &LevelCell<'_, '_>| {
            let k = key(&l.cell.text);
            (k != l.level.canonical).then(|| k.into_owned())
        };
        match levels {
            [] => {}
            [l] if l.as_level1 => {
                // The same 一级 again with no 二级 beside it is the text of its merged cell,
                // printed beside a middle row of its block (PDF text puts a merged cell's text
                // at its vertical middle): the row stays under the 二级 above it. (Not in a
                // table that writes the 一级 on every row: there the row has no 二级.)
                let same_block = !level1_on_last_row
                    && self
                        .level1
                        .as_ref()
                        .is_some_and(|p| p.value == l.level.canonical);
                self.level1 = Some(spanned(l));
                self.level1_text = written(l);
                if !same_block {
                    self.level2 = None;
                    self.level2_text = None;
                }
            }
            [l] => {
                self.level2 = Some(spanned(l));
                self.level2_text = written(l);
                // A 二级 that belongs elsewhere than the inherited 一级 (a merged 一级 cell the
                // text lost): its own 一级.
                if let Some(parent) = l.level.parent
                    && self.level1.as_ref().is_none_or(|p| p.value != parent)
                    && !(l.level.canonical == "成本指标"
                        && self.level1.as_ref().is_some_and(|p| p.value == "成本指标"))
                    && !(l.level.canonical == "满意度指标"
                        && self
                            .level1
                            .as_ref()
                            .is_some_and(|p| p.value != "满意度指标"))
                    && (self.level1.is_none() || l.level.canonical != "成本指标")
                {
                    self.level1 = Some(Spanned::new(parent.to_owned(), l.cell.span));
                    self.level1_text = None;
                }
            }
            [first, second, ..] => {
                self.level1 = Some(spanned(first));
                self.level1_text = written(first);
                self.level2 = Some(spanned(second));
                self.level2_text = written(second);
            }
        }
    }

    /// Give the cells after the 三级 name their roles.
    fn assign<'c, 's>(
        &self,
        name: &'c Cell<'s>,
        after: &'c [Cell<'s>],
        columns: Columns,
        vocab: &Vocabulary,
    ) -> Parts<'c, 's> {
        let mut parts = Parts::default();
        let by_column =
            columns == Columns::Exact && self.layout.exact && self.layout.name_at.is_some();
        if by_column {
            let name_column = self
                .layout
                .name_at
                .and_then(|i| self.layout.columns.get(i))
                .map_or(0, |h| h.column);
            let offset = name.column as isize - name_column as isize;
            let roles: Vec<Option<HeaderRole>> = after
                .iter()
                .map(|cell| {
                    let column = cell.column as isize - offset;
                    usize::try_from(column)
                        .ok()
                        .and_then(|c| self.layout.at_column(c))
                        .map(|h| h.role)
                })
                .collect();
            // Every cell under a column with a role after the name: read by column. Otherwise
            // the row's columns drift after all (a sheet laid out like PDF text): in order.
            let fits = roles.iter().all(|r| {
                matches!(r, Some(HeaderRole::Column(c)) if !matches!(c.role, ColumnRole::Level1 | ColumnRole::Group))
            }) && (after.is_empty()
                || roles.iter().any(|r| {
                    matches!(r, Some(HeaderRole::Column(c)) if matches!(c.role, ColumnRole::Value | ColumnRole::MidtermValue))
                }));
            if fits {
                for (cell, role) in after.iter().zip(roles) {
                    parts.push(role, cell);
                }
                return parts;
            }
        }
        // Columns of their own kind (性质, 方向, 单位, 分值) where cells have no column of
        // their own and fewer of them than the header, or not in its order: each cell goes to
        // the next column that takes what it holds (an empty 计量单位 lost between spaces is
        // skipped, not filled with the 分值).
        if columns != Columns::Exact && !self.layout.two_tracks && self.layout.has_typed_columns() {
            let roles: Vec<HeaderRole> = self.layout.after_name().map(|h| h.role).collect();
            let in_order = after.len() <= roles.len()
                && after
                    .iter()
                    .zip(&roles)
                    .all(|(cell, role)| takes(*role, &key(&cell.text)));
            if !in_order {
                for (cell, role) in after.iter().zip(typed_roles(&roles, after)) {
                    parts.push(role, cell);
                }
                return parts;
            }
        }
        // Two tracks side by side, cells with no columns: the empty cells of the mid-term track
        // are gone, so the cells are the year's track's, from the right.
        if columns == Columns::Unknown && self.layout.two_tracks {
            let roles: Vec<HeaderRole> = self.layout.after_name().map(|h| h.role).collect();
            let skip = roles.len().saturating_sub(after.len());
            for (cell, role) in after.iter().zip(roles.into_iter().skip(skip)) {
                parts.push(Some(role), cell);
            }
            return parts;
        }
        let mut roles = self.layout.after_name().map(|h| h.role);
        let has_layout = self.layout.name_at.is_some();
        for cell in after {
            let role = if has_layout {
                // A level column whose cell was merged into the rows above (the year's track
                // repeats its 二级 only where it changes): the cell is the next column's.
                let mut role = roles.next();
                while let Some(HeaderRole::Column(Column {
                    role: ColumnRole::Level1 | ColumnRole::Level2,
                    ..
                })) = role
                {
                    if vocab.level(&cell.text).is_some() {
                        break;
                    }
                    role = roles.next();
                }
                role
            } else {
                // No header: value, then note.
                Some(HeaderRole::Column(Column {
                    role: if parts.value.is_empty() {
                        ColumnRole::Value
                    } else {
                        ColumnRole::Note
                    },
                    period: None,
                }))
            };
            parts.push(role, cell);
        }
        parts
    }

    #[allow(clippy::too_many_arguments)]
    fn build<'s>(
        &mut self,
        name: &Cell<'s>,
        parts: Parts<'_, 's>,
        line: usize,
        row_span: Span,
        year: Option<i32>,
        vocab: &Vocabulary,
        diags: &mut Vec<Diagnostic>,
    ) -> Indicator {
        if let (Some(first), Some(last)) = (parts.extra.first(), parts.extra.last()) {
            let texts: Vec<&str> = parts.extra.iter().map(|c| c.text.as_ref()).collect();
            diags.push(
                Diagnostic::warning(
                    "parse::extra-cells",
                    format!(
                        "指标行多出 {} 个单元格：{}",
                        parts.extra.len(),
                        texts.join(" | ")
                    ),
                )
                .with_primary(
                    first.span.cover(last.span),
                    Some("无法归入三级指标、指标值或说明".into()),
                )
                .with_help("多出的单元格已并入“说明”；请核对这一行的列是否错位"),
            );
        }
        // The year's track: its own name and 二级 when the table gives both tracks.
        let name = parts.annual_name.unwrap_or(name);
        // `指标1:新建保鲜库数量`: the template numbers its rows; the number is no part of the name.
        let unnumbered = indicator_number_len(&name.text)
            .and_then(|at| crate::read::recognize::split::sub_cell(name, at..name.text.len()));
        let name = unnumbered.as_ref().unwrap_or(name);
        if let Some(level2) = parts.annual_level2
            && let Some(level) = vocab.level(&level2.text)
            && level.can_be_level2
        {
            let same_as_level1 = self
                .level1
                .as_ref()
                .is_some_and(|l| l.value == level.canonical);
            if same_as_level1 {
                // `成本指标 | 项目总成本 | … | 成本指标`: the row's first name was the 二级, as the
                // year's track repeats it.
                self.level1 = level
                    .parent
                    .filter(|p| *p != level.canonical)
                    .map(|p| Spanned::new(p.to_owned(), level2.span))
                    .or(self.level1.take());
                self.level1_text = None;
            }
            if self
                .level2
                .as_ref()
                .is_none_or(|l| l.value != level.canonical)
                || same_as_level1
            {
                let written = key(&level2.text);
                self.level2_text = (written != level.canonical).then(|| written.into_owned());
                self.level2 = Some(Spanned::new(level.canonical.to_owned(), level2.span));
            }
        }
        let value = combine_value(&parts.comparator, &parts.value, &parts.unit)
            .map(|(text, span)| read_value(&text, span, year, diags));
        let midterm_value = combine_value(&[], &parts.midterm_value, &[])
            .map(|(text, span)| read_value(&text, span, year, diags));
        if value.is_some() {
            self.annual_values += 1;
        }
        if midterm_value.is_some() {
            self.midterm_values += 1;
        }
        let note = join_text(&parts.note, &parts.extra);
        let weight = parts.weight.and_then(|c| {
            let text = key(&c.text);
            let number = text.trim_end_matches(['%', '％', '分']);
            number
                .parse::<Decimal>()
                .ok()
                .map(|d| Spanned::new(d, c.span))
        });
        let direction = parts
            .direction
            .and_then(|c| Direction::from_text(&c.text).map(|d| Spanned::new(d, c.span)));
        let nature = parts
            .nature
            .filter(|c| !is_comparator_text(&c.text))
            .map(|c| Spanned::new(fold_spaces(&c.text), c.span));
        let category = derive_category(
            self.level1.as_ref().map(|l| l.value.as_str()),
            self.level2.as_ref().map(|l| l.value.as_str()),
        );
        let value = value.map(|v| {
            v.map(|v| crate::read::value_text::in_indicator_context(v, &name.text, category, year))
        });
        Indicator {
            level1: self.level1.clone(),
            level2: self.level2.clone(),
            category,
            name: Spanned::new(join_cjk_spaces(&name.text), name.span),
            value,
            note,
            level1_text: self.level1_text.clone(),
            level2_text: self.level2_text.clone(),
            midterm_value,
            weight,
            direction,
            nature,
            line,
            span: row_span,
        }
    }
}

/// The cells of one indicator row, by role.
#[derive(Default)]
struct Parts<'c, 's> {
    comparator: Vec<&'c Cell<'s>>,
    value: Vec<&'c Cell<'s>>,
    unit: Vec<&'c Cell<'s>>,
    midterm_value: Vec<&'c Cell<'s>>,
    nature: Option<&'c Cell<'s>>,
    direction: Option<&'c Cell<'s>>,
    weight: Option<&'c Cell<'s>>,
    note: Vec<&'c Cell<'s>>,
    extra: Vec<&'c Cell<'s>>,
    annual_name: Option<&'c Cell<'s>>,
    annual_level2: Option<&'c Cell<'s>>,
    /// Past the first value: a second 三级 column belongs to the year's track.
    seen_name: bool,
}

impl<'c, 's> Parts<'c, 's> {
    fn push(&mut self, role: Option<HeaderRole>, cell: &'c Cell<'s>) {
        let Some(HeaderRole::Column(col)) = role else {
            match role {
                // The note takes whatever the header has no role for.
                Some(HeaderRole::Unknown) | None => self.extra.push(cell),
                Some(_) => self.extra.push(cell),
            }
            return;
        };
        let midterm = col.period == Some(Period::Midterm);
        match col.role {
            ColumnRole::Value if midterm => self.midterm_value.push(cell),
            ColumnRole::Value if self.seen_name => {
                // The year's value in a two-track table; what came before was the mid-term's.
                let earlier = std::mem::take(&mut self.value);
                self.midterm_value.extend(earlier);
                self.value.push(cell);
            }
            ColumnRole::Value => self.value.push(cell),
            ColumnRole::MidtermValue => self.midterm_value.push(cell),
            ColumnRole::Comparator => self.comparator.push(cell),
            ColumnRole::Nature if is_comparator_text(&cell.text) => self.comparator.push(cell),
            ColumnRole::Nature => self.nature = Some(cell),
            ColumnRole::Unit => self.unit.push(cell),
            ColumnRole::Direction => self.direction = Some(cell),
            ColumnRole::Weight => self.weight = Some(cell),
            ColumnRole::Note => self.note.push(cell),
            ColumnRole::Name => {
                self.annual_name = Some(cell);
                self.seen_name = true;
            }
            ColumnRole::Level2 => {
                self.annual_level2 = Some(cell);
                self.seen_name = true;
            }
            ColumnRole::Level1 | ColumnRole::Group => self.extra.push(cell),
        }
    }
}

/// The byte length of a row number the template writes before an indicator's name (`指标1:`,
/// `指标2：`), when the name goes on after it.
fn indicator_number_len(text: &str) -> Option<usize> {
    let rest = text.trim_start().strip_prefix("指标")?;
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 3 {
        return None;
    }
    let after = rest.get(digits..)?;
    let colon = after.chars().next().filter(|c| matches!(c, ':' | '：'))?;
    let name = after.get(colon.len_utf8()..)?;
    (!name.trim().is_empty()).then(|| text.len() - name.len())
}

/// A word that can only stand after the 三级 name: a direction, a nature, a comparator or a
/// value.
fn is_post_name_word(text: &str, year: Option<i32>) -> bool {
    let k = key(text);
    is_direction_word(&k)
        || is_nature_word(&k)
        || is_comparator_text(&k)
        || looks_like_value(text, year)
}

/// Whether a header's first 二级 column is followed by the value (`一级指标 | 二级指标 | 指标值`):
/// a table without 三级. An unknown column between them may be a 三级 under a word the
/// vocabulary lacks.
fn level2_then_value(header: &[HeaderColumn]) -> bool {
    let role = |h: &HeaderColumn| match h.role {
        HeaderRole::Column(c) => Some(c.role),
        _ => None,
    };
    let mut after = header
        .iter()
        .skip_while(|h| role(h) != Some(ColumnRole::Level2))
        .skip(1);
    after.next().and_then(role).is_some_and(|r| {
        matches!(
            r,
            ColumnRole::Value | ColumnRole::MidtermValue | ColumnRole::Comparator
        )
    })
}

/// A header word that is the 二级 column's own (`二级指标`), not another column's word a table
/// filled with 二级 names.
fn is_level2_heading_word(text: &str) -> bool {
    let k = key(text);
    k.contains("二级") || k == "评价指标"
}

/// `最近年度绩效评价情况 | 优秀□ 良好□ …` under the table: said, not read.
fn choice_row(first: &Cell<'_>, boxes: &Cell<'_>) -> Diagnostic {
    Diagnostic::warning(
        "parse::unrecognized-line",
        format!(
            "“{}”一行是勾选项，不是绩效指标",
            crate::diagnostic::quoted(&first.text)
        ),
    )
    .with_primary(
        first.span.cover(boxes.span),
        Some("无法归入表中任何位置".into()),
    )
    .with_help("这一行的内容没有被读取；勾选项（□）不是指标值")
}

/// Options with boxes to tick (`优秀□ 良好□ 合格□`): two boxes or more.
fn is_choice_boxes(text: &str) -> bool {
    text.chars()
        .filter(|c| matches!(c, '□' | '☐' | '☑' | '☒' | '■'))
        .nth(1)
        .is_some()
}

/// A merged `绩效指标` cell (the table's group word) whose text landed on a row.
fn is_group_cell(cell: &Cell<'_>, vocab: &Vocabulary) -> bool {
    vocab
        .column(&cell.text)
        .is_some_and(|col| col.role == ColumnRole::Group)
}

/// A direction as a cell of its own, exactly (`正向激励人数` is a name, not a direction).
fn is_direction_word(k: &str) -> bool {
    matches!(
        k,
        "正向"
            | "反向"
            | "逆向"
            | "中性"
            | "正向指标"
            | "反向指标"
            | "逆向指标"
            | "越大越好"
            | "越小越好"
    )
}

fn is_nature_word(k: &str) -> bool {
    matches!(k, "定量" | "定性" | "定量指标" | "定性指标")
}

/// A score: `4`, `10`, `2.5`, `5分`, or a share of the total score (`20%`).
fn is_weight_text(k: &str) -> bool {
    let digits = k.strip_suffix(['分', '%', '％']).unwrap_or(k);
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|&c| c == '.').count() <= 1
        && digits.len() <= 6
}

/// Whether a cell holding `k` fits a column of this role, by what it holds.
fn takes(role: HeaderRole, k: &str) -> bool {
    let HeaderRole::Column(column) = role else {
        return false;
    };
    let direction = is_direction_word(k);
    let nature = is_nature_word(k);
    match column.role {
        ColumnRole::Nature => nature || direction,
        ColumnRole::Direction => direction,
        ColumnRole::Comparator => is_comparator_text(k),
        ColumnRole::Value | ColumnRole::MidtermValue => {
            !direction && !nature && !is_comparator_text(k)
        }
        ColumnRole::Unit => {
            !direction
                && !nature
                && !is_comparator_text(k)
                && !k.chars().any(|c| c.is_ascii_digit())
                && k.chars().count() <= 8
        }
        ColumnRole::Weight => is_weight_text(k),
        ColumnRole::Note => true,
        ColumnRole::Level1 | ColumnRole::Level2 | ColumnRole::Name | ColumnRole::Group => false,
    }
}

/// The role of each cell after the name, by kind (see [`Table::assign`]): each takes the next
/// column that fits it (a direction word its 方向 column when there is one, before 性质); a
/// comparator goes with the value whatever column it stood in; a cell no column takes is
/// kept in the note.
fn typed_roles(roles: &[HeaderRole], after: &[Cell<'_>]) -> Vec<Option<HeaderRole>> {
    let comparator = HeaderRole::Column(Column {
        role: ColumnRole::Comparator,
        period: None,
    });
    let mut next = 0;
    let mut out = Vec::with_capacity(after.len());
    for cell in after {
        let k = key(&cell.text);
        let remaining = roles.get(next..).unwrap_or(&[]);
        if is_comparator_text(&k) {
            let own_column = remaining.first().is_some_and(
                |r| matches!(r, HeaderRole::Column(c) if c.role == ColumnRole::Comparator),
            );
            if own_column {
                next += 1;
            }
            out.push(Some(comparator));
            continue;
        }
        let directed = is_direction_word(&k).then(|| {
            remaining
                .iter()
                .position(|r| matches!(r, HeaderRole::Column(c) if c.role == ColumnRole::Direction))
        });
        let found = directed
            .flatten()
            .or_else(|| remaining.iter().position(|r| takes(*r, &k)));
        match found.and_then(|at| remaining.get(at).map(|r| (at, *r))) {
            Some((at, role)) => {
                next += at + 1;
                out.push(Some(role));
            }
            None => out.push(None),
        }
    }
    out
}

fn is_comparator_text(text: &str) -> bool {
    matches!(
        &*key(text),
        "≥" | "≤"
            | "="
            | ">"
            | "<"
            | ">="
            | "<="
            | "≧"
            | "≦"
            | "＝"
            | "═"
            | "＞"
            | "＜"
            | "大于等于"
            | "小于等于"
            | "等于"
            | "大于"
            | "小于"
    )
}

/// `≥` + `95` + `%` → `≥95%`, with a span covering the cells.
fn combine_value(
    comparator: &[&Cell<'_>],
    value: &[&Cell<'_>],
    unit: &[&Cell<'_>],
) -> Option<(String, Span)> {
    let main = value.first()?;
    let mut text = String::new();
    let mut span = main.span;
    for c in comparator {
        text.push_str(c.text.trim());
        span = span.cover(c.span);
    }
    for c in value {
        text.push_str(c.text.trim());
        span = span.cover(c.span);
    }
    for c in unit {
        // A unit column repeats a unit the value already has, or adds the missing one.
        let u = c.text.trim();
        if !text.ends_with(u) {
            text.push_str(u);
        }
        span = span.cover(c.span);
    }
    Some((text, span))
}

fn read_value(
    text: &str,
    span: Span,
    year: Option<i32>,
    diags: &mut Vec<Diagnostic>,
) -> Spanned<Value> {
    let parsed = parse_value(text, year);
    if let Some(problem) = &parsed.problem {
        diags.push(
            Diagnostic::warning(problem.code(), problem.message(text))
                .with_primary(span, Some("指标值".into()))
                .with_help(problem.help()),
        );
    }
    Spanned::new(parsed.value, span)
}

fn join_text(note: &[&Cell<'_>], extra: &[&Cell<'_>]) -> Option<Spanned<String>> {
    let mut cells = note.iter().chain(extra);
    let first = cells.next()?;
    let mut text = fold_spaces(&first.text);
    let mut span = first.span;
    for c in cells {
        text.push(' ');
        text.push_str(&fold_spaces(&c.text));
        span = span.cover(c.span);
    }
    Some(Spanned::new(text, span))
}

struct LevelCell<'c, 's> {
    level: &'static LevelName,
    cell: &'c Cell<'s>,
    as_level1: bool,
}

/// The level names at the start of a row: `一级 二级`, or one of them.
fn leading_levels<'c, 's>(
    cells: &'c [Cell<'s>],
    level1_column: usize,
    columns: Columns,
    current_level1: Option<&str>,
    vocab: &Vocabulary,
) -> Vec<LevelCell<'c, 's>> {
    let mut out = Vec::with_capacity(2);
    let Some(first_cell) = cells.first() else {
        return out;
    };
    let Some(first) = vocab.level(&first_cell.text) else {
        return out;
    };
    let second = cells
        .get(1)
        .and_then(|c| vocab.level(&c.text).map(|l| (l, c)));
    if let Some((second, second_cell)) = second
        && first.can_be_level1
        && second.can_be_level2
    {
        out.push(LevelCell {
            level: first,
            cell: first_cell,
            as_level1: true,
        });
        out.push(LevelCell {
            level: second,
            cell: second_cell,
            as_level1: false,
        });
        // A table giving both tracks repeats the 二级 (`产出指标 | 数量指标 | | | 数量指标 | …`).
        for cell in cells.iter().skip(2) {
            match vocab.level(&cell.text) {
                Some(level) if level.can_be_level2 && level.canonical == second.canonical => {
                    out.push(LevelCell {
                        level,
                        cell,
                        as_level1: false,
                    });
                }
                _ => break,
            }
        }
        return out;
    }
    // 成本指标 / 满意度指标 followed by a name: a 二级 under the 一级 it belongs to when that is
    // the one in force (成本指标 under 产出指标 in the older layout), a 一级 otherwise.
    let by_parent = || {
        let parent = first.parent.unwrap_or(first.canonical);
        current_level1 != Some(parent) || first.canonical == parent
    };
    let as_level1 = match (first.can_be_level1, first.can_be_level2) {
        (true, false) => true,
        (false, _) => false,
        // Columns kept (tables, `|` rows, tabs): the column decides.
        (true, true) if matches!(columns, Columns::Exact | Columns::Drifting) => {
            first_cell.column <= level1_column
        }
        (true, true) => by_parent(),
    };
    out.push(LevelCell {
        level: first,
        cell: first_cell,
        as_level1,
    });
    out
}

/// A header word under the table's header, naming a value column by year: `2021年实际实现值`,
/// `预期2022年实现值`, `计划值`.
fn is_subheading(text: &str, vocab: &Vocabulary) -> bool {
    let k = key(text);
    let mut rest: &str = &k;
    for word in ["预期", "预计", "计划"] {
        rest = rest.strip_prefix(word).unwrap_or(rest);
    }
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits == 4 {
        rest = rest.get(4..).unwrap_or("");
        rest = rest
            .strip_prefix("年度")
            .or_else(|| rest.strip_prefix('年'))
            .unwrap_or(rest);
    }
    if rest.is_empty() || rest.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    vocab
        .column(rest)
        .is_some_and(|c| !matches!(c.role, ColumnRole::Level1 | ColumnRole::Level2))
        || (rest.ends_with('值')
            && ["实现", "实际", "目标", "计划", "预期", "完成"]
                .iter()
                .any(|w| rest.contains(w))
            && rest.chars().count() <= 8)
}

/// A cell that reads as a quantity or date (not as a name).
pub fn looks_like_value(text: &str, year: Option<i32>) -> bool {
    is_value_shaped(text, year)
}

/// The cells of a row cut from one piece of text: level names, the name (the text between them
/// and the value, whatever spaces it holds), the value and what follows.
fn tokens_to_row<'s>(tokens: Vec<(Cell<'s>, TokenKind)>) -> Vec<Cell<'s>> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut text_run: Vec<Cell<'s>> = Vec::new();
    let mut seen_value = false;
    for (cell, kind) in tokens {
        match kind {
            TokenKind::Level(_) if !seen_value && text_run.is_empty() => out.push(cell),
            TokenKind::Value if !seen_value => {
                if let Some(joined) = join_run(&text_run) {
                    out.push(joined);
                }
                text_run.clear();
                out.push(cell);
                seen_value = true;
            }
            _ if seen_value => out.push(cell),
            _ => text_run.push(cell),
        }
    }
    if let Some(joined) = join_run(&text_run) {
        out.push(joined);
    }
    out
}

fn join_run<'s>(run: &[Cell<'s>]) -> Option<Cell<'s>> {
    let first = run.first()?;
    let last = run.last()?;
    if run.len() == 1 {
        return Some(first.clone());
    }
    Some(Cell {
        text: std::borrow::Cow::Owned(
            run.iter()
                .map(|c| c.text.as_ref())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        span: first.span.cover(last.span),
        column: first.column,
        col_span: 1,
    })
}

/// Rows of a table given one cell per line: level names, then a name, its value and the cells of
/// the columns after the value, assembled by what each cell says.
#[derive(Debug)]
struct Stream {
    /// Columns after the value in the header (说明, 绩效标准 …).
    extras: usize,
    /// The level names of the row being assembled.
    levels: Vec<&'static LevelName>,
    row: Vec<StreamCell>,
    phase: Phase,
    /// The last cell, held back until the next one shows what it is.
    held: Option<(StreamCell, TokenKind)>,
}

/// A streamed cell, owned (streams are short: a page's worth of cells).
#[derive(Debug, Clone)]
struct StreamCell {
    text: String,
    span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Levels,
    Value,
    Extras(usize),
}

impl Stream {
    fn new(extras: usize) -> Stream {
        Stream {
            extras,
            levels: Vec::new(),
            row: Vec::new(),
            phase: Phase::Levels,
            held: None,
        }
    }

    fn push<'s>(&mut self, cell: Cell<'s>, kind: TokenKind, rows: &mut Vec<Vec<Cell<'s>>>) {
        // A score after a level name on a line of its own (`(40-50)分`).
        if kind == TokenKind::Text
            && crate::read::recognize::split::score_len(&cell.text) == cell.text.len()
        {
            return;
        }
        let cell = StreamCell {
            text: cell.text.into_owned(),
            span: cell.span,
        };
        if let Some((held, held_kind)) = self.held.take() {
            self.place(held, held_kind, Some(kind), rows);
        }
        self.held = Some((cell, kind));
    }

    fn finish<'s>(&mut self) -> Vec<Vec<Cell<'s>>> {
        let mut rows = Vec::new();
        if let Some((held, kind)) = self.held.take() {
            self.place(held, kind, None, &mut rows);
        }
        if !self.row.is_empty() {
            rows.push(self.take_row());
        }
        rows
    }

    fn take_row<'s>(&mut self) -> Vec<Cell<'s>> {
        self.phase = Phase::Levels;
        self.levels.clear();
        std::mem::take(&mut self.row)
            .into_iter()
            .enumerate()
            .map(|(i, c)| Cell {
                text: std::borrow::Cow::Owned(c.text),
                span: c.span,
                column: i,
                col_span: 1,
            })
            .collect()
    }

    fn place<'s>(
        &mut self,
        cell: StreamCell,
        kind: TokenKind,
        next: Option<TokenKind>,
        rows: &mut Vec<Vec<Cell<'s>>>,
    ) {
        // A level-like word right before a value is the 三级 name (`满意度 | 90%`); a full level
        // name (`数量指标`) never is.
        let is_level = matches!(kind, TokenKind::Level(_))
            && (next != Some(TokenKind::Value) || key(&cell.text).ends_with("指标"));
        match self.phase {
            Phase::Levels => {
                // A second 二级 (or 一级) before any name: the one before had no rows
                // (`经济效益指标 | | | 社会效益指标 …`); it ends as a row of its own.
                if let TokenKind::Level(level) = kind
                    && is_level
                    && self.levels.iter().any(|l| {
                        l.can_be_level1 == level.can_be_level1
                            && l.can_be_level2 == level.can_be_level2
                    })
                {
                    rows.push(self.take_row());
                }
                if let TokenKind::Level(level) = kind
                    && is_level
                {
                    self.levels.push(level);
                }
                self.row.push(cell);
                if !is_level {
                    self.phase = Phase::Value;
                }
            }
            Phase::Value => {
                if is_level {
                    // A name with no value: the row ends, the level starts the next one.
                    rows.push(self.take_row());
                    self.row.push(cell);
                    return;
                }
                self.row.push(cell);
                self.phase = Phase::Extras(0);
            }
            Phase::Extras(n) => {
                let starts_row = is_level
                    || n >= self.extras
                    || (kind == TokenKind::Text && next == Some(TokenKind::Value));
                if starts_row {
                    rows.push(self.take_row());
                    self.place(cell, kind, next, rows);
                    return;
                }
                self.row.push(cell);
                self.phase = Phase::Extras(n + 1);
            }
        }
    }
}
