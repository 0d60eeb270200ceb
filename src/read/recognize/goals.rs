//! 年度总体目标: split a goals cell into numbered goals.
//!
//! Real cells hold `<p>目标1: …</p> <p>目标2: …</p>`, several goals on one line (`目标1: … 目标2: …`),
//! a single unnumbered `目标: …`, or plain text. Tags are dropped; every goal keeps the span of its
//! marker (`目标1:`) and of its text.

use crate::model::Goal;
use crate::read::recognize::normalize::fold_spaces;
use crate::read::recognize::normalize::{is_blank, is_cjk};
use crate::read::value_text::is_han;
use crate::span::{Span, Spanned};

/// A character of goal text and its byte offset in the source; tags become `None` (a break).
type Glyph = Option<(char, usize)>;

/// Goals from consecutive cells of text (a goals row and its continuation lines).
#[derive(Default)]
pub struct GoalSplitter {
    goals: Vec<PendingGoal>,
    /// Cells are lines of wrapped text: Chinese text continued on the next line joins without
    /// a space.
    wrapped: bool,
    /// How the first numbered goal was numbered (`目标1:`, `1.`, `（1）`, `①`): numbers written
    /// otherwise are a goal's own list (`目标1：…包括：（1）宣讲；（2）宣传。目标2：…`), not goals.
    style: Option<MarkerStyle>,
}

struct PendingGoal {
    number: Option<Spanned<u32>>,
    marker: Option<Span>,
    text: String,
    span: Option<Span>,
}

impl GoalSplitter {
    /// Add one cell of goal text, whose first byte is at `base` in the source.
    pub fn push_cell(&mut self, text: &str, base: usize) {
        let glyphs = strip_tags(text, base);
        let mut markers = find_markers(&glyphs);
        markers.retain(|m| {
            if m.number.is_none() {
                return true;
            }
            *self.style.get_or_insert(m.style) == m.style
        });
        let mut bounds: Vec<(usize, usize, Option<&Marker>)> =
            Vec::with_capacity(markers.len() + 1);
        if markers.is_empty() {
            // Unnumbered text: paragraphs, line breaks and `；` separate goals.
            let mut start = 0;
            for (i, g) in glyphs.iter().enumerate() {
                if g.is_none_or(|(c, _)| matches!(c, '\n' | '；' | ';')) {
                    bounds.push((start, i, None));
                    start = i + 1;
                }
            }
            bounds.push((start, glyphs.len(), None));
        } else {
            // Text before the first marker continues the previous goal, or starts an unnumbered one.
            let first = markers.first().map_or(glyphs.len(), |m| m.start);
            bounds.push((0, first, None));
            for (i, m) in markers.iter().enumerate() {
                let end = markers.get(i + 1).map_or(glyphs.len(), |n| n.start);
                bounds.push((m.end, end, Some(m)));
            }
        }
        for (i, &(start, end, marker)) in bounds.iter().enumerate() {
            let piece = glyphs.get(start..end).unwrap_or(&[]);
            let (text, span) = collect_text(piece);
            match marker {
                None if text.is_empty() => {}
                None if i == 0 => match self.goals.last_mut() {
                    Some(goal) => goal.extend(&text, span, self.wrapped),
                    None => self.goals.push(PendingGoal {
                        number: None,
                        marker: None,
                        text,
                        span,
                    }),
                },
                None => self.goals.push(PendingGoal {
                    number: None,
                    marker: None,
                    text,
                    span,
                }),
                Some(marker) => self.goals.push(PendingGoal {
                    number: marker.number.map(|n| Spanned::new(n, marker.span)),
                    marker: Some(marker.span),
                    text,
                    span,
                }),
            }
        }
    }

    /// Add one cell of goal text whose characters are not spelled in the source as they are
    /// (decoded or joined): every goal it gives points at the whole cell.
    pub fn push_cell_at(&mut self, text: &str, span: Span) {
        let before = self.goals.len();
        let extended = self.goals.last().and_then(|g| g.span);
        let extended_text = self.goals.last().map(|g| g.text.len());
        self.push_cell(text, 0);
        for (k, goal) in self.goals.iter_mut().enumerate() {
            if k + 1 == before {
                // The goal the cell's first text continued.
                if Some(goal.text.len()) != extended_text {
                    goal.span = Some(extended.map_or(span, |e| e.cover(span)));
                }
            } else if k >= before {
                goal.span = Some(span);
                goal.number = goal.number.take().map(|n| Spanned::new(n.value, span));
                goal.marker = goal.marker.map(|_| span);
            }
        }
    }

    /// Add one line of goal text wrapped from the line before (one cell per line).
    pub fn push_line(&mut self, text: &str, base: Option<usize>, span: Span) {
        self.wrapped = true;
        match base {
            Some(base) => self.push_cell(text, base),
            None => self.push_cell_at(text, span),
        }
        self.wrapped = false;
    }

    /// The goals, and the sentence that introduced them when there was one: unnumbered text
    /// ending in a colon or a comma before goals numbered from 1 (`…规范建设。达成以下目标:`
    /// before `目标1:…`, `按照《…》要求，` before `1.…`) is no goal of its own — read as one, it
    /// made the numbering look wrong.
    pub fn finish(mut self) -> (Vec<Goal>, Option<Spanned<String>>) {
        let introduces = |g: &PendingGoal| {
            g.number.is_none()
                && g.marker.is_none()
                && g.text.trim_end().ends_with([':', '：', '，', ','])
        };
        let numbered_from_one = self
            .goals
            .get(1)
            .is_some_and(|g| g.number.as_ref().is_some_and(|n| n.value == 1))
            && self.goals.iter().skip(1).all(|g| g.number.is_some());
        let preamble = match self.goals.first() {
            Some(first) if introduces(first) && numbered_from_one => {
                let first = self.goals.remove(0);
                first.span.map(|span| Spanned::new(first.text, span))
            }
            _ => None,
        };
        (self.goals_only(), preamble)
    }

    fn goals_only(self) -> Vec<Goal> {
        self.goals
            .into_iter()
            .filter_map(|g| {
                let span = g.span.or(g.marker)?;
                Some(Goal {
                    number: g.number,
                    text: Spanned::new(g.text, span),
                })
            })
            .collect()
    }
}

impl PendingGoal {
    fn extend(&mut self, text: &str, span: Option<Span>, wrapped: bool) {
        // Chinese text (and its punctuation: `坚决做到“` / `无增减存”`) wrapped onto the next line
        // joins without a space.
        let joins = wrapped
            && self.text.chars().next_back().is_some_and(is_cjk)
            && text.chars().next().is_some_and(is_cjk);
        if !self.text.is_empty() && !joins {
            self.text.push(' ');
        }
        self.text.push_str(text);
        self.span = match (self.span, span) {
            (Some(a), Some(b)) => Some(a.cover(b)),
            (a, b) => a.or(b),
        };
    }
}

/// How a goal's number is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MarkerStyle {
    /// `目标1:`
    Target,
    /// `1.`, `1、`
    Numeral,
    /// `(1)`, `（1）`
    Bracketed,
    /// `①`
    Circled,
}

struct Marker {
    /// Glyph index of `目`.
    start: usize,
    /// Glyph index just after the colon.
    end: usize,
    number: Option<u32>,
    span: Span,
    style: MarkerStyle,
}

fn strip_tags(text: &str, base: usize) -> Vec<Glyph> {
    let mut glyphs = Vec::with_capacity(text.len() / 2);
    let mut chars = text.char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        if c == '<' && is_tag_start(text.get(offset + 1..).unwrap_or("")) {
            // Skip to the closing `>`; tags never contain `<`.
            for (_, t) in chars.by_ref() {
                if t == '>' {
                    break;
                }
            }
            glyphs.push(None);
            continue;
        }
        glyphs.push(Some((c, base + offset)));
    }
    glyphs
}

fn is_tag_start(rest: &str) -> bool {
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let name_len = rest.chars().take_while(char::is_ascii_alphabetic).count();
    name_len > 0
        && rest
            .get(name_len..)
            .and_then(|after| {
                after
                    .find(['>', '<'])
                    .map(|i| after.get(i..i + 1) == Some(">"))
            })
            .unwrap_or(false)
}

/// Goal markers: `目标1:` (also `目标:` without a number), and numbering at the start of the text
/// or after a break, a space or sentence punctuation: `1、` `1.` `(1)` `（1）` `①`.
fn find_markers(glyphs: &[Glyph]) -> Vec<Marker> {
    let ch = |i: usize| glyphs.get(i).copied().flatten().map(|(c, _)| c);
    let offset = |i: usize| glyphs.get(i).copied().flatten().map(|(_, o)| o);
    let mut markers = Vec::new();
    let mut i = 0;
    while i < glyphs.len() {
        // Every marker begins with 目, a digit, an opening bracket or a circled number.
        if !ch(i).is_some_and(|c| {
            matches!(c, '目' | '0'..='9' | '０'..='９' | '(' | '（') || circled(c).is_some()
        }) {
            i += 1;
            continue;
        }
        let after_boundary = i == 0 || ch(i - 1).is_none_or(|p| !is_han(p));
        // Glued to the text before it (a line wrapped where a space was, in a PDF cell),
        // `目标4:` is a marker only as the next number of the markers before it.
        let next_number = markers
            .last()
            .and_then(|m: &Marker| m.number)
            .map(|n| n + 1);
        if let Some(m) = target_marker(glyphs, i, after_boundary).or_else(|| {
            target_marker(glyphs, i, true)
                .filter(|m| !after_boundary && m.number.is_some() && m.number == next_number)
        }) {
            i = m.end;
            markers.push(m);
            continue;
        }
        let at_break = || {
            i == 0
                || ch(i - 1).is_none_or(|p| {
                    is_blank(p)
                        || matches!(
                            p,
                            '。' | '；' | ';' | '，' | ',' | '：' | ':' | '！' | '!' | '？' | '?'
                        )
                })
        };
        if let Some((number, end, style)) = numbering_at(glyphs, i).filter(|_| at_break()) {
            let start_offset = offset(i).unwrap_or(0);
            let end_offset = glyphs
                .get(end.saturating_sub(1))
                .copied()
                .flatten()
                .map_or(start_offset, |(c, o)| o + c.len_utf8());
            markers.push(Marker {
                start: i,
                end,
                number: Some(number),
                span: Span::new(start_offset, end_offset),
                style,
            });
            i = end;
            continue;
        }
        i += 1;
    }
    markers
}

/// `1、` `1.` `1．` `(1)` `（1）` `①` at glyph `i`: the number, the glyph after the marker and
/// how it is written.
fn numbering_at(glyphs: &[Glyph], i: usize) -> Option<(u32, usize, MarkerStyle)> {
    let ch = |k: usize| glyphs.get(k).copied().flatten().map(|(c, _)| c);
    let first = ch(i)?;
    if let Some(n) = circled(first) {
        return Some((n, i + 1, MarkerStyle::Circled));
    }
    let digits = |from: usize| {
        let mut j = from;
        let mut n: u32 = 0;
        while let Some(d) = ch(j).and_then(numeral_value) {
            n = n.checked_mul(10)?.checked_add(d)?;
            j += 1;
        }
        (j > from && j - from <= 2).then_some((n, j))
    };
    if matches!(first, '(' | '（') {
        let (n, j) = digits(i + 1)?;
        return matches!(ch(j), Some(')' | '）')).then_some((n, j + 1, MarkerStyle::Bracketed));
    }
    let (n, j) = digits(i)?;
    match ch(j) {
        Some('、') => Some((n, j + 1, MarkerStyle::Numeral)),
        // `1.` but not `1.5万`.
        Some('.' | '．') if ch(j + 1).is_some_and(|c| !c.is_ascii_digit()) => {
            Some((n, j + 1, MarkerStyle::Numeral))
        }
        _ => None,
    }
}

fn circled(c: char) -> Option<u32> {
    let n = c as u32;
    ('①'..='⑳').contains(&c).then(|| n - '①' as u32 + 1)
}

/// `目标1:` / `目标:` at glyph `i`.
fn target_marker(glyphs: &[Glyph], i: usize, after_boundary: bool) -> Option<Marker> {
    let ch = |k: usize| glyphs.get(k).copied().flatten().map(|(c, _)| c);
    if !(ch(i) == Some('目') && ch(i + 1) == Some('标') && after_boundary) {
        return None;
    }
    let mut j = i + 2;
    while ch(j).is_some_and(is_blank) {
        j += 1;
    }
    let digits_start = j;
    let mut number: Option<u32> = None;
    let mut overflow = false;
    while let Some(d) = ch(j).and_then(numeral_value) {
        number = match number
            .unwrap_or(0)
            .checked_mul(10)
            .and_then(|n| n.checked_add(d))
        {
            Some(n) => Some(n),
            None => {
                overflow = true;
                None
            }
        };
        j += 1;
    }
    let had_digits = j > digits_start;
    while ch(j).is_some_and(is_blank) {
        j += 1;
    }
    if !matches!(ch(j), Some(':' | '：')) {
        return None;
    }
    let start_offset = glyphs.get(i).copied().flatten().map_or(0, |(_, o)| o);
    let end_offset = glyphs
        .get(j)
        .copied()
        .flatten()
        .map_or(start_offset, |(c, o)| o + c.len_utf8());
    Some(Marker {
        start: i,
        end: j + 1,
        number: if had_digits && !overflow {
            number
        } else {
            None
        },
        span: Span::new(start_offset, end_offset),
        style: MarkerStyle::Target,
    })
}

fn numeral_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// The text of a run of glyphs with tags as spaces, folded, and the span of its non-blank part.
fn collect_text(glyphs: &[Glyph]) -> (String, Option<Span>) {
    let mut raw = String::with_capacity(glyphs.len() * 3);
    let mut span: Option<Span> = None;
    for (i, glyph) in glyphs.iter().enumerate() {
        match glyph {
            Some((c, offset)) => {
                // A line break inside Chinese text is where a cell wrapped, not a space.
                if *c == '\n' {
                    let before = raw.trim_end().chars().next_back();
                    let after = glyphs
                        .get(i + 1..)
                        .unwrap_or(&[])
                        .iter()
                        .flatten()
                        .map(|(c, _)| *c)
                        .find(|c| !is_blank(*c));
                    if before.is_some_and(is_cjk) && after.is_some_and(is_cjk) {
                        let trimmed = raw.trim_end().len();
                        raw.truncate(trimmed);
                        continue;
                    }
                }
                raw.push(*c);
                if !is_blank(*c) {
                    let s = Span::new(*offset, offset + c.len_utf8());
                    span = Some(span.map_or(s, |prev| prev.cover(s)));
                }
            }
            None => raw.push(' '),
        }
    }
    (fold_spaces(&raw), span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_introducing_numbered_goals_is_no_goal() {
        let text =
            "围绕节约型社会的要求,规范建设。达成以下目标: 目标1:聘用人员1人 目标2:在岗率100%";
        let mut s = GoalSplitter::default();
        s.push_cell(text, 0);
        let (goals, preamble) = s.finish();
        assert_eq!(goals.len(), 2);
        assert_eq!(goals[0].number.as_ref().unwrap().value, 1);
        let preamble = preamble.unwrap();
        assert!(
            preamble.value.ends_with("达成以下目标:"),
            "{}",
            preamble.value
        );
        assert_eq!(
            &text[preamble.span.start..preamble.span.end],
            preamble.value
        );
        // Or a comma: `按照《…》要求，1.…；2.…`.
        let mut s = GoalSplitter::default();
        s.push_cell(
            "按照《关于印发宣传工作要点的通知》要求，1.开展宣传2场次；2.购置电脑11台。",
            0,
        );
        let (goals, preamble) = s.finish();
        assert_eq!(goals.len(), 2);
        assert!(preamble.unwrap().value.ends_with("要求，"));
        // Unnumbered text without a colon, or goals not numbered from 1, stay goals.
        assert_eq!(split("完成培训。 目标1:甲 目标2:乙").len(), 3);
        assert_eq!(split("如下: 目标2:甲 目标3:乙").len(), 3);
        assert_eq!(split("如下:").len(), 1);
    }

    fn split(text: &str) -> Vec<(Option<u32>, String)> {
        let mut s = GoalSplitter::default();
        s.push_cell(text, 0);
        s.finish()
            .0
            .into_iter()
            .map(|g| (g.number.map(|n| n.value), g.text.value))
            .collect()
    }

    #[test]
    fn a_goals_own_list_numbered_otherwise_stays_in_it() {
        assert_eq!(
            split(
                "目标1：开展宣传活动，具体包括：（1）政策宣讲；（2）社保卡宣传。目标2：购置办公电脑11台。"
            ),
            vec![
                (
                    Some(1),
                    "开展宣传活动，具体包括：（1）政策宣讲；（2）社保卡宣传。".into()
                ),
                (Some(2), "购置办公电脑11台。".into())
            ]
        );
        // An unnumbered `目标：` sets no style: the numbers after it are the goals.
        let goals = split("目标：1.开展宣传；2.购置电脑");
        let numbered: Vec<Option<u32>> =
            goals.iter().map(|g| g.0).filter(Option::is_some).collect();
        assert_eq!(numbered, [Some(1), Some(2)], "{goals:?}");
    }

    #[test]
    fn paragraphs_and_inline_goals() {
        assert_eq!(
            split("<p>目标1: 让用人单位了解政策。</p> <p>目标2: 宣传社保卡。</p>"),
            vec![
                (Some(1), "让用人单位了解政策。".into()),
                (Some(2), "宣传社保卡。".into())
            ]
        );
        assert_eq!(
            split("目标1: 有序开展。 目标2: 至2025年年底, 完成。 目标3:做好"),
            vec![
                (Some(1), "有序开展。".into()),
                (Some(2), "至2025年年底, 完成。".into()),
                (Some(3), "做好".into())
            ]
        );
        assert_eq!(split("目标：足额发放"), vec![(None, "足额发放".into())]);
        assert_eq!(split("确保发放"), vec![(None, "确保发放".into())]);
        // `年度目标:` inside a sentence is not a marker: it follows a Han character.
        assert_eq!(
            split("完成年度目标:一"),
            vec![(None, "完成年度目标:一".into())]
        );
    }

    #[test]
    fn spans_point_into_the_source() {
        let text = "<p>目标1: 甲</p>";
        let mut s = GoalSplitter::default();
        s.push_cell(text, 10);
        let goals = s.finish().0;
        let g = &goals[0];
        assert_eq!(&text[g.text.span.start - 10..g.text.span.end - 10], "甲");
        let n = g.number.as_ref().unwrap();
        assert_eq!(&text[n.span.start - 10..n.span.end - 10], "目标1:");
    }

    #[test]
    fn a_glued_marker_counts_only_as_the_next_number() {
        assert_eq!(
            split("目标1: 组织活动目标2: 开展评审"),
            vec![
                (Some(1), "组织活动".to_owned()),
                (Some(2), "开展评审".to_owned())
            ]
        );
        assert_eq!(
            split("目标1: 完成年度目标3: 的任务"),
            vec![(Some(1), "完成年度目标3: 的任务".to_owned())]
        );
    }

    #[test]
    fn continuation_cells_extend_the_last_goal() {
        let mut s = GoalSplitter::default();
        s.push_cell("目标1: 甲", 0);
        s.push_cell("乙 目标2: 丙", 100);
        let goals = s.finish().0;
        assert_eq!(goals.len(), 2);
        assert_eq!(goals[0].text.value, "甲 乙");
        assert_eq!(goals[0].text.span, Span::new(9, 103));
    }

    #[test]
    fn unclosed_angle_brackets_are_text() {
        assert_eq!(split("目标1: a < b"), vec![(Some(1), "a < b".into())]);
    }
}
