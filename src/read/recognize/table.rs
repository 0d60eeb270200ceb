//! The indicator table: 一级 / 二级 / 三级 / 指标值 / 说明, read by content rather than by column.
//!
//! Merged cells leave 一级 and 二级 empty on most rows, so they are inherited from the rows above.
//! Column positions drift, so a row is read as: up to two leading level names (recognised from the
//! level vocabulary), then the 三级 name, the value and the note. Only `成本指标` and `满意度指标`,
//! which are both 一级 and 二级 names, need the column to decide which they are.

use crate::diagnostic::Diagnostic;
use crate::model::{Indicator, LevelName, ValueKind, derive_category, recognise_level};
use crate::read::recognize::normalize::{fold_spaces, join_cjk_spaces, label_key};
use crate::read::recognize::row::{Cell, Row};
use crate::read::value_text::parse_value;
use crate::span::Spanned;

/// State carried down the rows of one indicator table.
#[derive(Debug, Default)]
pub struct Table {
    /// Tab column of the `一级指标` heading; an ambiguous level name at or left of it is a 一级.
    level1_column: usize,
    level1: Option<Spanned<String>>,
    level2: Option<Spanned<String>>,
}

/// If `row` is the table heading (`绩效指标 一级指标 二级指标 三级指标 指标值 说明`, possibly
/// wrapped as `绩效 指 标`), the table it opens.
pub fn table_heading(row: &Row<'_>) -> Option<Table> {
    // Cheap test first: a heading names 一级指标 (or starts with 绩效指标).
    let maybe = row.cells.iter().any(|c| c.text.contains("一级"))
        || row.cells.first().is_some_and(|c| c.text.starts_with('绩'));
    if !maybe {
        return None;
    }
    let keys: Vec<std::borrow::Cow<'_, str>> =
        row.cells.iter().map(|c| label_key(c.text)).collect();
    let has = |k: &str| keys.iter().any(|key| key == k);
    let is_heading = (has("一级指标") && (has("二级指标") || has("三级指标")))
        || (keys.first().is_some_and(|k| k == "绩效指标") && has("指标值"));
    if !is_heading {
        return None;
    }
    let level1_column = row
        .cells
        .iter()
        .zip(&keys)
        .find(|(_, k)| *k == "一级指标")
        .map_or(1, |(c, _)| c.column);
    Some(Table {
        level1_column,
        ..Table::default()
    })
}

impl Table {
    /// Read one row of the table. Returns the indicator it states, if any; problems go to `diags`.
    pub fn read_row(
        &mut self,
        row: &Row<'_>,
        year: Option<i32>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Indicator> {
        let mut cells: &[Cell<'_>] = &row.cells;
        // A merged `绩效指标` cell whose text landed on a data row.
        if cells
            .first()
            .is_some_and(|c| label_key(c.text) == "绩效指标")
        {
            cells = cells.get(1..).unwrap_or(&[]);
        }

        let levels = leading_levels(cells, self.level1_column);
        let mut rest = cells.get(levels.len()..).unwrap_or(&[]);
        let mut levels = levels;
        // `⇥⇥⇥满意度⇥≥90%`: a level-like word followed by a lone value is the 三级 name.
        if let ([only], Some(_)) = (rest, levels.last())
            && looks_like_value(only.text, year)
            && let Some(start) = cells.len().checked_sub(2)
        {
            levels.pop();
            rest = cells.get(start..).unwrap_or(&[]);
        }

        match levels.as_slice() {
            [] => {}
            [
                LevelCell {
                    level,
                    cell,
                    as_level1: true,
                },
            ] => {
                self.level1 = Some(Spanned::new(level.canonical.to_owned(), cell.span));
                self.level2 = None;
            }
            [LevelCell { level, cell, .. }] => {
                self.level2 = Some(Spanned::new(level.canonical.to_owned(), cell.span));
            }
            [first, second, ..] => {
                self.level1 = Some(Spanned::new(
                    first.level.canonical.to_owned(),
                    first.cell.span,
                ));
                self.level2 = Some(Spanned::new(
                    second.level.canonical.to_owned(),
                    second.cell.span,
                ));
            }
        }

        let (name, value, note, extra) = match rest {
            [] => return None,
            [only] if looks_like_value(only.text, year) => {
                diags.push(
                    Diagnostic::warning(
                        "parse::missing-indicator-name",
                        format!("这一行只有指标值“{}”，没有三级指标名称", only.text),
                    )
                    .with_primary(only.span, Some("没有对应的指标名称".into()))
                    .with_help(
                        "如果这是上一行被折行的内容，请将其合并到上一行；否则请补全三级指标名称",
                    ),
                );
                return None;
            }
            [name] => (name, None, None, &[][..]),
            [name, value] => (name, Some(value), None, &[][..]),
            [name, value, note, extra @ ..] => (name, Some(value), Some(note), extra),
        };

        if let (Some(first), Some(last)) = (extra.first(), extra.last()) {
            let texts: Vec<&str> = extra.iter().map(|c| c.text).collect();
            diags.push(
                Diagnostic::warning(
                    "parse::extra-cells",
                    format!("指标行多出 {} 个单元格：{}", extra.len(), texts.join(" | ")),
                )
                .with_primary(
                    first.span.cover(last.span),
                    Some("无法归入三级指标、指标值或说明".into()),
                )
                .with_help("多出的单元格已并入“说明”；请核对这一行的列是否错位"),
            );
        }

        let value = value.map(|cell| {
            let parsed = parse_value(cell.text, year);
            if let Some(problem) = &parsed.problem {
                diags.push(
                    Diagnostic::warning(problem.code(), problem.message(cell.text))
                        .with_primary(cell.span, Some("指标值".into()))
                        .with_help(problem.help()),
                );
            }
            Spanned::new(parsed.value, cell.span)
        });

        let note = note.map(|cell| {
            let mut text = fold_spaces(cell.text);
            let mut span = cell.span;
            for e in extra {
                text.push(' ');
                text.push_str(&fold_spaces(e.text));
                span = span.cover(e.span);
            }
            Spanned::new(text, span)
        });

        let category = derive_category(
            self.level1.as_ref().map(|l| l.value.as_str()),
            self.level2.as_ref().map(|l| l.value.as_str()),
        );
        Some(Indicator {
            level1: self.level1.clone(),
            level2: self.level2.clone(),
            category,
            name: Spanned::new(join_cjk_spaces(name.text), name.span),
            value,
            note,
            line: row.line,
            span: row.span,
        })
    }
}

struct LevelCell<'c, 's> {
    level: &'static LevelName,
    cell: &'c Cell<'s>,
    as_level1: bool,
}

/// The level names at the start of a row: `一级 二级`, or one of them.
fn leading_levels<'c, 's>(cells: &'c [Cell<'s>], level1_column: usize) -> Vec<LevelCell<'c, 's>> {
    let mut out = Vec::with_capacity(2);
    let Some(first_cell) = cells.first() else {
        return out;
    };
    let Some(first) = recognise_level(first_cell.text) else {
        return out;
    };
    let second = cells
        .get(1)
        .and_then(|c| recognise_level(c.text).map(|l| (l, c)));
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
        return out;
    }
    let as_level1 = match (first.can_be_level1, first.can_be_level2) {
        (true, false) => true,
        (false, _) => false,
        // 成本指标 / 满意度指标: the column decides.
        (true, true) => first_cell.column <= level1_column,
    };
    out.push(LevelCell {
        level: first,
        cell: first_cell,
        as_level1,
    });
    out
}

/// A cell that reads as a quantity or date (not as a name).
fn looks_like_value(text: &str, year: Option<i32>) -> bool {
    let parsed = parse_value(text, year);
    parsed.problem.is_none()
        && !matches!(parsed.value.kind, ValueKind::Qualitative | ValueKind::Text)
}
