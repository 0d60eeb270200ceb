//! 年度总体目标: split a goals cell into numbered goals.
//!
//! Real cells hold `<p>目标1: …</p> <p>目标2: …</p>`, several goals on one line (`目标1: … 目标2: …`),
//! a single unnumbered `目标: …`, or plain text. Tags are dropped; every goal keeps the span of its
//! marker (`目标1:`) and of its text.

use crate::model::Goal;
use crate::read::recognize::normalize::fold_spaces;
use crate::read::recognize::row::is_blank;
use crate::read::value_text::is_han;
use crate::span::{Span, Spanned};

/// A character of goal text and its byte offset in the source; tags become `None` (a break).
type Glyph = Option<(char, usize)>;

/// Goals from consecutive cells of text (a goals row and its continuation lines).
#[derive(Default)]
pub struct GoalSplitter {
    goals: Vec<PendingGoal>,
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
        let markers = find_markers(&glyphs);
        let mut bounds: Vec<(usize, usize)> = Vec::with_capacity(markers.len() + 1);
        // Text before the first marker continues the previous goal, or starts an unnumbered one.
        let first = markers.first().map_or(glyphs.len(), |m| m.start);
        bounds.push((0, first));
        for (i, m) in markers.iter().enumerate() {
            let end = markers.get(i + 1).map_or(glyphs.len(), |n| n.start);
            bounds.push((m.end, end));
        }
        for (i, &(start, end)) in bounds.iter().enumerate() {
            let piece = glyphs.get(start..end).unwrap_or(&[]);
            let (text, span) = collect_text(piece);
            if i == 0 {
                if text.is_empty() {
                    continue;
                }
                match self.goals.last_mut() {
                    Some(goal) => goal.extend(&text, span),
                    None => self.goals.push(PendingGoal {
                        number: None,
                        marker: None,
                        text,
                        span,
                    }),
                }
                continue;
            }
            let Some(marker) = markers.get(i - 1) else {
                continue;
            };
            self.goals.push(PendingGoal {
                number: marker.number.map(|n| Spanned::new(n, marker.span)),
                marker: Some(marker.span),
                text,
                span,
            });
        }
    }

    pub fn finish(self) -> Vec<Goal> {
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
    fn extend(&mut self, text: &str, span: Option<Span>) {
        if !self.text.is_empty() {
            self.text.push(' ');
        }
        self.text.push_str(text);
        self.span = match (self.span, span) {
            (Some(a), Some(b)) => Some(a.cover(b)),
            (a, b) => a.or(b),
        };
    }
}

struct Marker {
    /// Glyph index of `目`.
    start: usize,
    /// Glyph index just after the colon.
    end: usize,
    number: Option<u32>,
    span: Span,
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

fn find_markers(glyphs: &[Glyph]) -> Vec<Marker> {
    let ch = |i: usize| glyphs.get(i).copied().flatten().map(|(c, _)| c);
    let mut markers = Vec::new();
    let mut i = 0;
    while i + 1 < glyphs.len() {
        let starts = ch(i) == Some('目') && ch(i + 1) == Some('标');
        let after_boundary = i == 0 || ch(i - 1).is_none_or(|p| !is_han(p));
        if !(starts && after_boundary) {
            i += 1;
            continue;
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
        if matches!(ch(j), Some(':' | '：')) {
            let start_offset = glyphs.get(i).copied().flatten().map_or(0, |(_, o)| o);
            let end_offset = glyphs
                .get(j)
                .copied()
                .flatten()
                .map_or(start_offset, |(c, o)| o + c.len_utf8());
            markers.push(Marker {
                start: i,
                end: j + 1,
                number: if had_digits && !overflow {
                    number
                } else {
                    None
                },
                span: Span::new(start_offset, end_offset),
            });
            i = j + 1;
        } else {
            i += 1;
        }
    }
    markers
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
    let mut raw = String::new();
    let mut span: Option<Span> = None;
    for glyph in glyphs {
        match glyph {
            Some((c, offset)) => {
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

    fn split(text: &str) -> Vec<(Option<u32>, String)> {
        let mut s = GoalSplitter::default();
        s.push_cell(text, 0);
        s.finish()
            .into_iter()
            .map(|g| (g.number.map(|n| n.value), g.text.value))
            .collect()
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
        let goals = s.finish();
        let g = &goals[0];
        assert_eq!(&text[g.text.span.start - 10..g.text.span.end - 10], "甲");
        let n = g.number.as_ref().unwrap();
        assert_eq!(&text[n.span.start - 10..n.span.end - 10], "目标1:");
    }

    #[test]
    fn continuation_cells_extend_the_last_goal() {
        let mut s = GoalSplitter::default();
        s.push_cell("目标1: 甲", 0);
        s.push_cell("乙 目标2: 丙", 100);
        let goals = s.finish();
        assert_eq!(goals.len(), 2);
        assert_eq!(goals[0].text.value, "甲 乙");
        assert_eq!(goals[0].text.span, Span::new(9, 103));
    }

    #[test]
    fn unclosed_angle_brackets_are_text() {
        assert_eq!(split("目标1: a < b"), vec![(Some(1), "a < b".into())]);
    }
}
