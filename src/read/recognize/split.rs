//! Cells that hold more than one cell: text glued together (`项目名称农村义务教育…`,
//! `产出指标数量指标覆盖率100%`), cells separated by single spaces (`项目名称 麻风病防治`), and one
//! word wrapped over several lines (`主管部门` / `及编码`, `满意度指` / `标`).
//!
//! Splitting is driven by the vocabulary: a cell is cut only where a known word begins or a value
//! has an unmistakable shape; what cannot be cut stays whole and the recognizer says so.

use crate::model::LevelName;
use crate::model::ValueKind;
use crate::read::grid::{Cell, Row};
use crate::read::recognize::normalize::is_blank;
use crate::read::value_text::parse_value;
use crate::read::vocabulary::{Vocabulary, key};
use std::borrow::Cow;
use std::collections::VecDeque;
use std::ops::Range;

/// Part of a cell, as a cell of its own. Text borrowed from the source keeps its exact span;
/// decoded text keeps the whole cell's span.
pub fn sub_cell<'s>(cell: &Cell<'s>, range: Range<usize>) -> Option<Cell<'s>> {
    let piece = cell.text.get(range.clone())?;
    let trimmed = piece.trim_matches(|c: char| is_blank(c) || c == '|');
    if trimmed.is_empty() {
        return None;
    }
    let lead = piece.len()
        - piece
            .trim_start_matches(|c: char| is_blank(c) || c == '|')
            .len();
    let start = range.start + lead;
    Some(match &cell.text {
        Cow::Borrowed(text) => {
            let text = text.get(start..start + trimmed.len())?;
            let at = cell.span.start + start;
            Cell {
                text: Cow::Borrowed(text),
                span: crate::span::Span::new(at, at + text.len()),
                column: cell.column,
                col_span: 1,
            }
        }
        Cow::Owned(_) => Cell {
            text: Cow::Owned(trimmed.to_owned()),
            span: cell.span,
            column: cell.column,
            col_span: 1,
        },
    })
}

/// Joins one-cell rows that are the pieces of one word wrapped over lines, when together (and
/// only together) they are a word of the vocabulary: a label, a header word or a level name.
/// Rows stream past: at most four are held, and only while the first of them is a short piece.
pub struct MergeFragments<'v, 's, I> {
    rows: I,
    vocab: &'v Vocabulary,
    held: VecDeque<Row<'s>>,
}

/// At most this many pieces make one word.
const MAX_PIECES: usize = 4;

impl<'v, 's, I: Iterator<Item = Row<'s>>> MergeFragments<'v, 's, I> {
    pub fn new(rows: I, vocab: &'v Vocabulary) -> Self {
        MergeFragments {
            rows,
            vocab,
            held: VecDeque::with_capacity(MAX_PIECES),
        }
    }
}

/// The key of a row that may be a piece of a wrapped word: a short one-cell row, or a note in
/// brackets after a word (`项目总体目标` `(2024 年-2026 年)`).
fn piece_key<'r>(row: &'r Row<'_>) -> Option<std::borrow::Cow<'r, str>> {
    const MAX_PIECE_CHARS: usize = 8;
    if !row.loose {
        return None;
    }
    let k = key(&row.single()?.text);
    let chars = k.chars().count();
    (chars <= MAX_PIECE_CHARS || (k.starts_with('(') && k.ends_with(')') && chars <= 20))
        .then_some(k)
}

impl<'s, I: Iterator<Item = Row<'s>>> Iterator for MergeFragments<'_, 's, I> {
    type Item = Row<'s>;

    fn next(&mut self) -> Option<Row<'s>> {
        if self.held.is_empty() {
            let row = self.rows.next()?;
            if piece_key(&row).is_none() {
                return Some(row);
            }
            self.held.push_back(row);
        }
        while self.held.len() < MAX_PIECES {
            match self.rows.next() {
                Some(row) => self.held.push_back(row),
                None => break,
            }
        }
        // The longest run of short pieces from the first that is a word while its last piece
        // alone is not.
        let mut best = None;
        if let Some(first) = self.held.front().and_then(piece_key) {
            let mut joined = first.to_string();
            for end in 1..self.held.len() {
                let Some(k) = self.held.get(end).and_then(piece_key) else {
                    break;
                };
                joined.push_str(&k);
                // Not two words side by side (`产出指标` `数量指标`): one of the pieces alone
                // is no word (`社会效益` `指标`, `生态环境` `成本指标`).
                if is_word(&joined, self.vocab)
                    && (!is_word(&k, self.vocab) || !is_word(&first, self.vocab))
                {
                    best = Some(end);
                }
            }
        }
        match best {
            Some(end) => {
                let group: Vec<Row<'s>> = self.held.drain(..=end).collect();
                Some(join_rows(&group))
            }
            None => self.held.pop_front(),
        }
    }
}

fn is_word(key: &str, vocab: &Vocabulary) -> bool {
    vocab.label(key).is_some() || vocab.column(key).is_some() || vocab.level(key).is_some()
}

fn join_rows<'s>(group: &[Row<'s>]) -> Row<'s> {
    let text: String = group
        .iter()
        .filter_map(|r| r.single())
        .map(|c| key(&c.text))
        .collect();
    let span = group
        .iter()
        .map(|r| r.cells_span())
        .reduce(|a, b| a.cover(b))
        .unwrap_or_default();
    let first = group.first();
    Row {
        line: first.map_or(1, |r| r.line),
        span,
        cells: vec![Cell {
            text: Cow::Owned(text),
            span,
            column: first.and_then(|r| r.single()).map_or(0, |c| c.column),
            col_span: 1,
        }],
        columns: first.map_or(crate::read::grid::Columns::Drifting, |r| r.columns),
        loose: true,
        table_end: false,
    }
}

/// What a piece of a glued table row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Level(&'static LevelName),
    /// A quantity or date (`≥90%`, `=300天`, `2025年12月31日前`).
    Value,
    Text,
}

/// Cut a table row written as one piece of text into level names, values and the text between:
/// `产出指标数量指标免费开放天数=300天` → 产出指标 | 数量指标 | 免费开放天数 | =300天. Single spaces
/// also separate (`数量指标 每年春节慰问… 32人`): the text between a row's level names and its
/// value is the 三级 name whatever spaces it holds.
pub fn table_tokens<'s>(
    cell: &Cell<'s>,
    vocab: &Vocabulary,
    year: Option<i32>,
) -> Vec<(Cell<'s>, TokenKind)> {
    let text: &str = &cell.text;
    // A cell that is a level name in another template's words (`产出值`, `项目完成`): found
    // below only inside longer text, where it must end in 指标.
    if !text.contains(is_blank)
        && text.chars().count() <= 16
        && let Some(level) = vocab.level(text)
    {
        return vec![(cell.clone(), TokenKind::Level(level))];
    }
    // Level names and values led by a comparator, and the text between them.
    let mut raw: Vec<(Range<usize>, TokenKind)> = Vec::new();
    let mut pos = 0;
    // Words at the start separated by spaces: a group word (`绩效指标`) is dropped, a level
    // name in any of its forms (`项目完成`, `社会效益`) is a level.
    for (range, word) in leading_words(text) {
        if vocab
            .column(word)
            .is_some_and(|c| c.role == crate::read::vocabulary::ColumnRole::Group)
        {
            pos = range.end;
            continue;
        }
        match vocab.level(word) {
            Some(level) if !word.ends_with("指标") => {
                raw.push((range.clone(), TokenKind::Level(level)));
                pos = range.end;
            }
            _ => break,
        }
    }
    let mut pending = pos;
    while pos < text.len() {
        let found = level_at(text, pos, vocab)
            .map(|(level, end)| (end, TokenKind::Level(level)))
            .or_else(|| comparator_value_at(text, pos, year).map(|end| (end, TokenKind::Value)));
        if let Some((end, kind)) = found {
            if pending < pos {
                raw.push((pending..pos, TokenKind::Text));
            }
            raw.push((pos..end, kind));
            pos = end;
            pending = end;
            continue;
        }
        pos += text
            .get(pos..)
            .and_then(|t| t.chars().next())
            .map_or(1, char::len_utf8);
    }
    if pending < text.len() {
        raw.push((pending..text.len(), TokenKind::Text));
    }
    let mut out = Vec::with_capacity(raw.len() + 1);
    for (k, (range, kind)) in raw.iter().enumerate() {
        // Text followed by nothing or by a level name may end with its value (`覆盖率100%`);
        // text followed by a value keeps its digits (`村组干部230人 ≥230个`).
        let next = raw.get(k + 1).map(|(_, kind)| *kind);
        if *kind == TokenKind::Text
            && !matches!(next, Some(TokenKind::Value))
            && let Some(piece) = text.get(range.clone())
            && let Some(split) = value_suffix(piece, year)
        {
            let name = range.start..range.start + split;
            let value = range.start + split..range.end;
            if let (Some(n), Some(v)) = (sub_cell(cell, name), sub_cell(cell, value)) {
                out.push((n, TokenKind::Text));
                out.push((v, TokenKind::Value));
                continue;
            }
        }
        if let Some(c) = sub_cell(cell, range.clone()) {
            out.push((c, *kind));
        }
    }
    out
}

/// The words of `text` separated by spaces (none when it holds no space).
fn leading_words(text: &str) -> Vec<(Range<usize>, &str)> {
    if !text.contains(is_blank) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (is_blank(c), start) {
            (true, Some(s)) => {
                out.push((s..i, text.get(s..i).unwrap_or("")));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s..text.len(), text.get(s..).unwrap_or("")));
    }
    out
}

/// Where a trailing value begins in `text` (`农村义务教育学校改造覆盖率100%` → at `100%`): the
/// leftmost place after some text from which the rest reads as a quantity or date.
pub fn value_suffix(text: &str, year: Option<i32>) -> Option<usize> {
    // A value as a whole is not a name followed by a value: `2024年12月31日前` is no name
    // `2024年` and value `12月31日前`, nor `12月31日前` a name `12月` and `31日前`.
    // (Its shape, whether or not the form's year is known: `12月31日前` needs one to be read.)
    if starts_like_value(text) && is_value_shaped(text, year.or(Some(2000))) {
        return None;
    }
    // After a space: what starts with a number or a comparator is the value, understood or not
    // (`项目实施时间 2021年1月-12月`).
    let mut previous: Option<char> = None;
    for (i, c) in text.char_indices() {
        let after_space = previous.is_some_and(is_blank) && !is_blank(c);
        previous = Some(c);
        if after_space
            && (c.is_ascii_digit() || ('０'..='９').contains(&c) || is_comparator_char(c))
            && !text
                .get(..i)
                .unwrap_or("")
                .trim_matches(is_blank)
                .is_empty()
        {
            let rest = text.get(i..).unwrap_or("");
            // Unless it is the start of a name that goes on (`7 岁以下儿童健康管理率`).
            if !rest.contains(is_blank) || is_value_shaped(rest, year) {
                return Some(i);
            }
        }
    }
    // Glued: the leftmost place from which the rest reads as a quantity or date.
    let mut previous: Option<char> = None;
    for (i, c) in text.char_indices() {
        let starts = (c.is_ascii_digit() || ('０'..='９').contains(&c) || is_comparator_char(c))
            && previous.is_some_and(|p| !p.is_ascii_digit() && p != '.' && !is_comparator_char(p));
        previous = Some(c);
        if !starts || i == 0 {
            continue;
        }
        let rest = text.get(i..).unwrap_or("");
        if is_value_shaped(rest, year)
            && !text
                .get(..i)
                .unwrap_or("")
                .trim_matches(is_blank)
                .is_empty()
        {
            return Some(i);
        }
    }
    None
}

/// Whether `text` begins as a value can: a digit or a comparator (a cheap test before parsing).
fn starts_like_value(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c) || is_comparator_char(c))
}

/// A piece of a level name wrapped over lines (`可持续影`, `响指标`, `指标`, `标`): a name no
/// indicator has.
pub fn is_level_fragment(text: &str, vocab: &Vocabulary) -> bool {
    let k = key(text);
    let chars = k.chars().count();
    if chars == 0 || chars > 5 || vocab.level(&k).is_some() {
        return false;
    }
    crate::model::LEVEL_NAMES.iter().any(|l| {
        l.canonical.contains(&*k) && (l.canonical.starts_with(&*k) || l.canonical.ends_with(&*k))
    })
}

fn is_comparator_char(c: char) -> bool {
    matches!(
        c,
        '≥' | '≤' | '≧' | '≦' | '=' | '＝' | '═' | '>' | '<' | '＞' | '＜'
    )
}

/// Whether `text` reads as a quantity or a date (not a phrase, not unrecognised).
pub fn is_value_shaped(text: &str, year: Option<i32>) -> bool {
    let parsed = parse_value(text, year);
    // A "unit" of many characters is a name that starts with a number (`6 岁儿童…覆盖率`).
    let short_unit = parsed
        .value
        .unit
        .as_ref()
        .is_none_or(|u| u.chars().count() <= 6);
    parsed.problem.is_none()
        && short_unit
        && !matches!(parsed.value.kind, ValueKind::Qualitative | ValueKind::Text)
}

/// Whether `text` starts like a level name (a cheap test before [`level_at`]).
fn level_word_start(text: &str) -> bool {
    [
        "产出",
        "效益",
        "满意度",
        "成本",
        "数量",
        "质量",
        "时效",
        "经济",
        "社会",
        "生态",
        "可持续",
        "服务对象",
    ]
    .iter()
    .any(|w| text.starts_with(w))
        && text.chars().take(10).collect::<String>().contains("指标")
}

/// A level name (a standard name or another template's word for one, in full) at `pos`, with a
/// score range after it (`成本指标(0-20)分`).
fn level_at(text: &str, pos: usize, vocab: &Vocabulary) -> Option<(&'static LevelName, usize)> {
    let rest = text.get(pos..)?;
    let first = rest.chars().next()?;
    if !"产效满成数质时经社生可服项预环建工".contains(first) {
        return None;
    }
    // Longest match first: `社会效益指标` before `社会效益`.
    let mut best = None;
    let mut chars = 0;
    for (i, c) in rest.char_indices() {
        chars += 1;
        if chars > 16 || is_blank(c) {
            break;
        }
        let end = i + c.len_utf8();
        let candidate = rest.get(..end)?;
        if candidate.ends_with("指标")
            && let Some(level) = vocab.level(candidate)
        {
            best = Some((level, pos + end));
        }
    }
    let (level, end) = best?;
    Some((level, end + score_len(text.get(end..).unwrap_or(""))))
}

/// A score after a level name: `(0-20)分`, `（40-50）分`, `10分`; its byte length.
pub fn score_len(text: &str) -> usize {
    let blank = text.len() - text.trim_start_matches(is_blank).len();
    let rest = text.get(blank..).unwrap_or("");
    let inner = rest.strip_prefix(['(', '（']).and_then(|r| {
        let close = r.find([')', '）'])?;
        let body = r.get(..close)?;
        body.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '－' | '—' | '~' | '～' | '分'))
            .then(|| {
                let close_len = r
                    .get(close..)
                    .and_then(|t| t.chars().next())
                    .map_or(1, char::len_utf8);
                rest.len() - r.len() + close + close_len
            })
    });
    let after_bracket = inner.unwrap_or(0);
    let digits = rest
        .get(after_bracket..)
        .unwrap_or("")
        .chars()
        .take_while(char::is_ascii_digit)
        .count();
    let tail = rest.get(after_bracket + digits..).unwrap_or("");
    if tail.starts_with('分') {
        blank + after_bracket + digits + '分'.len_utf8()
    } else if after_bracket > 0 {
        blank + after_bracket
    } else {
        0
    }
}

/// Known units for values glued to the text after them (`=300天质量指标`): the unit ends where
/// the longest of these ends.
const GLUED_UNITS: &[&str] = &[
    "百分比",
    "个工作日",
    "工作日",
    "平方米",
    "立方米",
    "平方公里",
    "公里",
    "千米",
    "人次",
    "户次",
    "万元",
    "亿元",
    "千元",
    "元/人",
    "元",
    "%",
    "％",
    "人",
    "次",
    "个",
    "项",
    "场",
    "天",
    "日",
    "年",
    "月",
    "周",
    "户",
    "家",
    "所",
    "座",
    "台",
    "辆",
    "套",
    "件",
    "份",
    "本",
    "册",
    "张",
    "篇",
    "期",
    "批",
    "条",
    "处",
    "栋",
    "间",
    "头",
    "只",
    "株",
    "亩",
    "米",
    "吨",
    "公斤",
    "千克",
    "小时",
    "分钟",
    "村",
    "万人",
    "万人次",
    // Tens of thousands of a measure (`≥375万平方米`, greening, housing and water works).
    "万平方米",
    "万立方米",
    "平方千米",
    "万公里",
    "万亩",
    "万吨",
    "万株",
    "万册",
    "万户",
    "km",
    "m",
    "KM",
    "M",
];

/// Whether `text` is one of the known units, as a whole.
pub fn is_known_unit(text: &str) -> bool {
    GLUED_UNITS.contains(&text)
}

/// The longest known unit at the start of `text` (`百分比省级…` → `百分比`): its byte length.
pub fn glued_unit_len(text: &str) -> usize {
    GLUED_UNITS
        .iter()
        .filter(|u| text.starts_with(**u))
        .map(|u| u.len())
        .max()
        .unwrap_or(0)
}

/// A value led by a comparator at `pos` (`=300天`, `≥90%`, `>92%`): its end.
fn comparator_value_at(text: &str, pos: usize, year: Option<i32>) -> Option<usize> {
    let rest = text.get(pos..)?;
    let op_len = [
        "≥", "≤", "≧", "≦", ">=", "<=", "＞＝", "＜＝", "=", "＝", "═", ">", "<", "＞", "＜",
    ]
    .iter()
    .find(|op| rest.starts_with(**op))
    .map(|op| op.len())?;
    let after = rest.get(op_len..)?;
    let blank = after.len() - after.trim_start_matches(is_blank).len();
    let digits = after
        .get(blank..)?
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == ','))
        .map_or(after.len() - blank, |(i, _)| i);
    if digits == 0 {
        return None;
    }
    let number_end = op_len + blank + digits;
    let tail = rest.get(number_end..)?;
    // The unit runs to the next space, level name or comparator; a short run (or a rate such as
    // `元/亩`) is the unit, a longer one is text glued after it: the longest known unit then.
    let run = tail
        .char_indices()
        .find(|&(i, c)| {
            is_blank(c)
                || is_comparator_char(c)
                || tail
                    .get(i..)
                    .is_some_and(|t| t.starts_with("指标") || level_word_start(t))
        })
        .map_or(tail.len(), |(i, _)| i);
    let run_text = tail.get(..run).unwrap_or("");
    let unit = if run_text.chars().count() <= 3 || run_text.contains(['/', '／']) {
        run
    } else {
        GLUED_UNITS
            .iter()
            .filter(|u| tail.starts_with(**u))
            .map(|u| u.len())
            .max()
            .unwrap_or(0)
    };
    let mut end = number_end + unit;
    if !is_value_shaped(rest.get(..end)?, year) && unit == run {
        end = number_end
            + GLUED_UNITS
                .iter()
                .filter(|u| tail.starts_with(**u))
                .map(|u| u.len())
                .max()
                .unwrap_or(0);
    }
    // `95%以上`, `3日以内`.
    for suffix in ["及以上", "以上", "及以下", "以下", "以内"] {
        if rest.get(end..).is_some_and(|t| t.starts_with(suffix)) {
            end += suffix.len();
            break;
        }
    }
    let candidate = rest.get(..end)?;
    is_value_shaped(candidate, year).then_some(pos + end)
}

/// The first word of a cell (up to its first space), as a cell.
pub fn first_word<'s>(cell: &Cell<'s>) -> Option<Cell<'s>> {
    let text: &str = &cell.text;
    let start = text.find(|c: char| !is_blank(c))?;
    let rest = text.get(start..)?;
    let end = start + rest.find(is_blank).unwrap_or(rest.len());
    sub_cell(cell, start..end)
}

/// Split a cell at single spaces into its words, each a cell.
pub fn words<'s>(cell: &Cell<'s>) -> Vec<Cell<'s>> {
    let text: &str = &cell.text;
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (is_blank(c), start) {
            (true, Some(s)) => {
                out.extend(sub_cell(cell, s..i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.extend(sub_cell(cell, s..text.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn cell(text: &str) -> Cell<'_> {
        Cell::borrowed(text, Span::new(0, text.len()), 0)
    }

    fn tokens(text: &str) -> Vec<(String, &'static str)> {
        let v = Vocabulary::builtin();
        table_tokens(&cell(text), v, Some(2023))
            .into_iter()
            .map(|(c, k)| {
                (
                    c.text.to_string(),
                    match k {
                        TokenKind::Level(_) => "L",
                        TokenKind::Value => "V",
                        TokenKind::Text => "T",
                    },
                )
            })
            .collect()
    }

    #[test]
    fn glued_rows_split_at_levels_and_values() {
        assert_eq!(
            tokens("产出指标数量指标农村义务教育学校改造覆盖率100%"),
            vec![
                ("产出指标".into(), "L"),
                ("数量指标".into(), "L"),
                ("农村义务教育学校改造覆盖率".into(), "T"),
                ("100%".into(), "V")
            ]
        );
        assert_eq!(
            tokens("数量指标免费开放天数=300天质量指标博物馆绩效考核指标完成率=100百分比"),
            vec![
                ("数量指标".into(), "L"),
                ("免费开放天数".into(), "T"),
                ("=300天".into(), "V"),
                ("质量指标".into(), "L"),
                ("博物馆绩效考核指标完成率".into(), "T"),
                ("=100百分比".into(), "V")
            ]
        );
        assert_eq!(
            tokens("效益指标可持续影响指标义务教育优质均衡发展情况稳步提高"),
            vec![
                ("效益指标".into(), "L"),
                ("可持续影响指标".into(), "L"),
                ("义务教育优质均衡发展情况稳步提高".into(), "T")
            ]
        );
        assert_eq!(
            tokens("村组干部230人≥230个"),
            vec![("村组干部230人".into(), "T"), ("≥230个".into(), "V")]
        );
    }

    #[test]
    fn value_suffixes() {
        assert_eq!(value_suffix("建设项目成本控制率100%", None), Some(27));
        assert_eq!(value_suffix("有效提高", None), None);
        assert_eq!(value_suffix("100%", None), None);
        assert_eq!(value_suffix("2024年12月31日前", None), None);
        assert_eq!(value_suffix("12月31日前", None), None);
        assert_eq!(value_suffix("2024年12月", Some(2024)), None);
        assert_eq!(value_suffix("完成时间2024年12月31日前", None), Some(12));
        assert_eq!(
            value_suffix("宣传完成时间2025年12月31日前", None),
            Some("宣传完成时间".len())
        );
    }

    #[test]
    fn wrapped_words_are_joined() {
        let text = "主管部门\n及编码\n满意度指\n标\n产出指标\n数量指标\n";
        let source = crate::read::source::SourceFile::from_text("x", text);
        let rows = crate::read::segment::lines::rows(&source, 0..source.line_count());
        let rows: Vec<Row<'_>> =
            MergeFragments::new(rows.into_iter(), Vocabulary::builtin()).collect();
        let texts: Vec<String> = rows.iter().map(|r| r.cells[0].text.to_string()).collect();
        assert_eq!(
            texts,
            ["主管部门及编码", "满意度指标", "产出指标", "数量指标"]
        );
        assert_eq!(
            rows[0].cells[0].span,
            Span::new(0, "主管部门\n及编码".len())
        );
    }
}
