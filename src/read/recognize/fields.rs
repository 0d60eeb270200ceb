//! The header of a form: the department and its code, and the funds block.

use crate::diagnostic::Diagnostic;
use crate::model::{Funds, FundsRole, FundsSource, Period};
use crate::read::grid::Cell;
use crate::read::recognize::normalize::{contains_any, join_cjk_spaces};
use crate::span::{Span, Spanned};
use rust_decimal::Decimal;

/// `[164]黔南布依族苗族自治州人力资源和社会保障局` → code `164`, name with PDF word breaks joined.
/// Also `【164】…`, `(164)…`, `820001-井研县马踏镇人民政府`, `037001 黄山市公安局` and
/// `湘潭市城市管理和综合执法局 308001`. A value with no code is all name.
pub fn split_department(cell: &Cell<'_>) -> (Option<Spanned<String>>, Option<Spanned<String>>) {
    let text: &str = &cell.text;
    let exact = cell.span.len() == text.len();
    // Spans inside the cell only where its text is the source's.
    let span_of = |start: usize, end: usize| {
        if exact {
            Span::new(cell.span.start + start, cell.span.start + end)
        } else {
            cell.span
        }
    };
    let is_code = |s: &str| {
        !s.is_empty() && s.len() <= 24 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let name_from = |start: usize| {
        let rest = text.get(start..).unwrap_or("");
        let trimmed = rest.trim_start_matches(|c: char| {
            c.is_whitespace() || matches!(c, '-' | '—' | '－' | ':' | '：')
        });
        (!trimmed.trim().is_empty()).then(|| {
            let at = start + (rest.len() - trimmed.len());
            Spanned::new(join_cjk_spaces(trimmed), span_of(at, text.len()))
        })
    };
    let open = text
        .char_indices()
        .next()
        .filter(|(_, c)| matches!(c, '[' | '【' | '(' | '（' | '〔'));
    if let Some((_, open_char)) = open {
        let close_char = match open_char {
            '[' => ']',
            '【' => '】',
            '(' => ')',
            '〔' => '〕',
            _ => '）',
        };
        let inner_start = open_char.len_utf8();
        if let Some(close) = text.find(close_char) {
            let code = text.get(inner_start..close).unwrap_or("").trim();
            if is_code(code) && code.chars().any(|c| c.is_ascii_digit()) {
                let code_offset = text
                    .get(inner_start..)
                    .map_or(0, |s| s.find(code).unwrap_or(0));
                let code_start = inner_start + code_offset;
                let code = Spanned::new(
                    code.to_owned(),
                    span_of(code_start, code_start + code.len()),
                );
                return (Some(code), name_from(close + close_char.len_utf8()));
            }
        }
    }
    // `820001-井研县…`, `037001 黄山市公安局`: digits, then a dash or a space.
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if digits >= 2 {
        let rest = text.get(digits..).unwrap_or("");
        if rest.starts_with(['-', '—', '－', ' ', '\u{3000}']) && name_from(digits).is_some() {
            let code = Spanned::new(
                text.get(..digits).unwrap_or("").to_owned(),
                span_of(0, digits),
            );
            return (Some(code), name_from(digits));
        }
    }
    // `湘潭市城市管理和综合执法局 308001`: a space, then digits to the end.
    let trimmed = text.trim_end();
    let tail = trimmed
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .count();
    if tail >= 3 {
        let code_start = trimmed.len() - tail;
        let before = trimmed.get(..code_start).unwrap_or("");
        if before.ends_with([' ', '\u{3000}']) && !before.trim().is_empty() {
            let name = before.trim_end();
            let code = Spanned::new(
                trimmed.get(code_start..).unwrap_or("").to_owned(),
                span_of(code_start, trimmed.len()),
            );
            let lead = text.len() - text.trim_start().len();
            return (
                Some(code),
                Some(Spanned::new(
                    join_cjk_spaces(name),
                    span_of(lead, name.len()),
                )),
            );
        }
    }
    (None, Some(Spanned::new(join_cjk_spaces(text), cell.span)))
}

/// How sure a funds line is that it is about the year (or the whole project period).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Evidence {
    /// The label says the whole period (项目总预算, 中期资金总额): never the year's amount when the
    /// form gives one.
    Midterm,
    /// Nothing says which.
    Unmarked,
    /// Its column is the year's (the right-hand pair of `中期资金总额 | 170 | 年度资金总额 | 340`).
    AnnualColumn,
    /// The label says the year (年度资金总额, 当年财政拨款).
    AnnualLabel,
}

/// The funds block being read: every line, and the periods of its columns when the form puts
/// the mid-term and the year's amounts side by side.
#[derive(Debug, Default)]
pub struct FundsBlock {
    lines: Vec<(FundsSource, Evidence)>,
    /// The period of the k-th label–amount pair of a row, from the first row that said.
    columns: Vec<Period>,
}

impl FundsBlock {
    /// A funds line: its label (normalised), role, the period its label states, its amount,
    /// and its position among the funds pairs of its row.
    pub fn add(
        &mut self,
        label: Spanned<String>,
        role: FundsRole,
        label_period: Period,
        text: Option<String>,
        amount: Option<Spanned<Decimal>>,
        pair: Option<usize>,
    ) {
        let says_year = contains_any(&label.value, &["年度", "当年", "本年", "年初"])
            && !contains_any(&label.value, &["中期"]);
        let says_period = label_period == Period::Midterm
            || contains_any(
                &label.value,
                &["中期", "长期", "总投资", "总预算", "实施期"],
            );
        let column = pair.and_then(|k| self.columns.get(k).copied());
        let evidence = if says_period {
            Evidence::Midterm
        } else if says_year {
            Evidence::AnnualLabel
        } else {
            match column {
                Some(Period::Annual) => Evidence::AnnualColumn,
                Some(Period::Midterm) => Evidence::Midterm,
                None => Evidence::Unmarked,
            }
        };
        let period = match evidence {
            Evidence::Midterm => Some(Period::Midterm),
            Evidence::AnnualLabel | Evidence::AnnualColumn => Some(Period::Annual),
            Evidence::Unmarked => None,
        };
        self.lines.push((
            FundsSource {
                label,
                text,
                amount,
                role,
                period,
            },
            evidence,
        ));
    }

    /// A row held several label–amount pairs: learn which period each position is.
    pub fn learn_columns(&mut self, periods: &[Option<Period>]) {
        if self.columns.is_empty()
            && periods.len() > 1
            && periods.contains(&Some(Period::Midterm))
            && periods.contains(&Some(Period::Annual))
        {
            self.columns = periods
                .iter()
                .map(|p| p.unwrap_or(Period::Annual))
                .collect();
        }
    }

    /// The period a label states by its words, for [`FundsBlock::learn_columns`].
    pub fn label_period(label: &str, vocab_period: Period) -> Option<Period> {
        if vocab_period == Period::Midterm || contains_any(label, &["中期", "长期"]) {
            Some(Period::Midterm)
        } else if contains_any(label, &["年度", "当年", "本年"]) {
            Some(Period::Annual)
        } else {
            None
        }
    }

    /// Drop the amounts read so far (their unit turned out uncertain); whether there were any.
    pub fn forget_amounts(&mut self) -> bool {
        let mut any = false;
        for (line, _) in &mut self.lines {
            any |= line.amount.take().is_some();
        }
        any
    }

    /// Whether the form has a line of this role, with an amount or not.
    /// No funds line was read.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn has(&self, role: FundsRole) -> bool {
        self.lines
            .iter()
            .any(|(s, _)| s.role == role && s.text.is_some())
    }

    /// Sources besides 财政拨款 listed as items of one list (`二、自有资金:0万元 三、其他:3683.3970万元`)
    /// together are the form's 其他资金: their sum, when two or more lines of that role with
    /// different labels are numbered alike, equally sure of their period, and none is a part
    /// (`其中…`). (Taking the first alone gave a false breakdown error; lines without numbers
    /// may be a whole and its parts, so they are not summed.)
    fn other_sum(&self) -> Option<Spanned<Decimal>> {
        if self
            .year_lines(FundsRole::Other)
            .any(|(s, _)| s.label.value.starts_with("其中"))
        {
            return None;
        }
        let parts = self.surest_lines(FundsRole::Other);
        // `其他资金 20` over `单位自筹 20` is a whole and its part.
        let style = enumeration_marker(&parts.first()?.label.value)?;
        if parts
            .iter()
            .any(|s| enumeration_marker(&s.label.value) != Some(style))
        {
            return None;
        }
        sum_of_items(&parts)
    }

    /// 上级补助 given by level (`其中：中央补助 60,000` + `省级补助 40,000`): the sum of the lines of
    /// each level, when there are two or more with different labels, equally sure of their
    /// period, and none is their whole (a label of 上级…: `上级补助 100` over `其中：中央补助 60`
    /// and `省级补助 40` is a whole and its parts). Taking the first alone gave a false
    /// breakdown error.
    fn superior_sum(&self) -> Option<Spanned<Decimal>> {
        if self.year_lines(FundsRole::Superior).any(|(s, _)| {
            s.label
                .value
                .trim_start_matches("其中")
                .trim_start_matches([':', '：', ' '])
                .starts_with("上级")
        }) {
            return None;
        }
        sum_of_items(&self.surest_lines(FundsRole::Superior))
    }

    /// The lines of `role` with an amount that may be the year's (not a mid-term one).
    fn year_lines(&self, role: FundsRole) -> impl Iterator<Item = &(FundsSource, Evidence)> + '_ {
        self.lines
            .iter()
            .filter(move |(s, e)| s.role == role && *e != Evidence::Midterm && s.amount.is_some())
    }

    /// [`FundsBlock::year_lines`] of the surest evidence of their period.
    fn surest_lines(&self, role: FundsRole) -> Vec<&FundsSource> {
        let Some(surest) = self.year_lines(role).map(|(_, e)| *e).max() else {
            return Vec::new();
        };
        self.year_lines(role)
            .filter(|(_, e)| *e == surest)
            .map(|(s, _)| s)
            .collect()
    }

    /// The model's funds: each field from the line that most surely states the year's amount;
    /// a multi-year total never stands for the year's.
    pub fn finish(self, diags: &mut Vec<Diagnostic>) -> Funds {
        let pick = |role: FundsRole| {
            self.lines
                .iter()
                .filter(|(s, e)| s.role == role && *e != Evidence::Midterm && s.amount.is_some())
                .max_by(|a, b| a.1.cmp(&b.1).then(std::cmp::Ordering::Greater))
                .and_then(|(s, _)| s.amount.clone())
        };
        let funds = Funds {
            total: pick(FundsRole::Total),
            fiscal: pick(FundsRole::Fiscal),
            superior: self.superior_sum().or_else(|| pick(FundsRole::Superior)),
            own_level: pick(FundsRole::OwnLevel),
            other: self.other_sum().or_else(|| pick(FundsRole::Other)),
            sources: self.lines.iter().map(|(s, _)| s.clone()).collect(),
        };
        let _ = diags;
        funds
    }
}

/// The sum of two or more lines that are items of one list (their labels all differ); `None`
/// for fewer, or for a label given twice.
fn sum_of_items(parts: &[&FundsSource]) -> Option<Spanned<Decimal>> {
    let [first, rest @ ..] = parts else {
        return None;
    };
    if rest.is_empty() {
        return None;
    }
    let mut labels: Vec<&str> = parts.iter().map(|s| s.label.value.as_str()).collect();
    labels.sort_unstable();
    labels.dedup();
    if labels.len() != parts.len() {
        return None;
    }
    let mut sum = first.amount.clone()?;
    for part in rest {
        let amount = part.amount.as_ref()?;
        sum = Spanned::new(
            sum.value.checked_add(amount.value)?,
            sum.span.cover(amount.span),
        );
    }
    Some(sum)
}

/// How a label is numbered as an item of a list: `二、` (a Chinese numeral and a 、), `(二)` or
/// `2、`/`2.`; `None` when it is not.
fn enumeration_marker(label: &str) -> Option<&'static str> {
    const NUMERALS: &str = "一二三四五六七八九十";
    let mut chars = label.chars();
    match chars.next()? {
        '(' | '（' => chars
            .next()
            .filter(|c| NUMERALS.contains(*c) || c.is_ascii_digit())
            .map(|_| "bracket"),
        c if NUMERALS.contains(c) => (chars.next()? == '、').then_some("numeral"),
        c if c.is_ascii_digit() => matches!(chars.next()?, '、' | '.').then_some("digit"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dept(text: &str) -> (Option<String>, Option<String>) {
        let cell = Cell::borrowed(text, Span::new(100, 100 + text.len()), 0);
        let (c, n) = split_department(&cell);
        (c.map(|c| c.value), n.map(|n| n.value))
    }

    #[test]
    fn department_codes_in_every_shape() {
        let text = "[164]黔南布依族苗族自治州人力资源和 社会保障局";
        let cell = Cell::borrowed(text, Span::new(100, 100 + text.len()), 2);
        let (code, name) = split_department(&cell);
        let code = code.unwrap();
        assert_eq!(code.value, "164");
        assert_eq!(code.span, Span::new(101, 104));
        let name = name.unwrap();
        assert_eq!(name.value, "黔南布依族苗族自治州人力资源和社会保障局");
        assert_eq!(name.span, Span::new(105, 100 + text.len()));
        assert_eq!(dept("某局"), (None, Some("某局".into())));
        assert_eq!(
            dept("820001-井研县马踏镇人民政府"),
            (Some("820001".into()), Some("井研县马踏镇人民政府".into()))
        );
        assert_eq!(
            dept("湘潭市城市管理和综合执法局 308001"),
            (
                Some("308001".into()),
                Some("湘潭市城市管理和综合执法局".into())
            )
        );
        assert_eq!(
            dept("037001 黄山市公安局"),
            (Some("037001".into()), Some("黄山市公安局".into()))
        );
        assert_eq!(dept("2023年某项目"), (None, Some("2023年某项目".into())));
    }

    #[test]
    fn the_years_amount_wins_over_the_periods() {
        let mut block = FundsBlock::default();
        let at = |v: &str| Spanned::new(v.to_owned(), Span::default());
        let amount = |n: i64| Some(Spanned::new(Decimal::from(n), Span::default()));
        block.learn_columns(&[Some(Period::Midterm), Some(Period::Annual)]);
        block.add(
            at("中期资金总额"),
            FundsRole::Total,
            Period::Midterm,
            None,
            amount(170),
            Some(0),
        );
        block.add(
            at("年度资金总额"),
            FundsRole::Total,
            Period::Annual,
            None,
            amount(340),
            Some(1),
        );
        block.add(
            at("财政拨款"),
            FundsRole::Fiscal,
            Period::Annual,
            None,
            amount(170),
            Some(0),
        );
        block.add(
            at("财政拨款"),
            FundsRole::Fiscal,
            Period::Annual,
            None,
            amount(340),
            Some(1),
        );
        let funds = block.finish(&mut Vec::new());
        assert_eq!(funds.total.unwrap().value, Decimal::from(340));
        assert_eq!(funds.fiscal.unwrap().value, Decimal::from(340));
        assert_eq!(funds.sources.len(), 4);
        assert_eq!(funds.sources[0].period, Some(Period::Midterm));
    }
}
