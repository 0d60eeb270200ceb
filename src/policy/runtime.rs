//! Run-time values of the policy language, their arithmetic, comparison and display.
//!
//! Arithmetic is exact (rust_decimal, checked: overflow is an error, never a wrap or a rounding).
//! `Missing` propagates through arithmetic and comparisons; see docs/policy-language.md.

use crate::model::{
    Category, Comparator, Department, Funds, Goal, Indicator, Project, Value, ValueKind,
    format_decimal,
};
use crate::policy::ast::{ArithOp, CmpOp};
use crate::policy::ir::Const;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::fmt;
use std::rc::Rc;

/// A string borrowed from the model or the policy, or computed.
#[derive(Debug, Clone)]
pub enum Text<'a> {
    Borrowed(&'a str),
    Shared(Rc<str>),
}

impl Text<'_> {
    pub fn as_str(&self) -> &str {
        match self {
            Text::Borrowed(s) => s,
            Text::Shared(s) => s,
        }
    }
}

impl PartialEq for Text<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text<'_> {}

impl std::hash::Hash for Text<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

#[derive(Debug, Clone)]
pub enum Val<'a> {
    Missing,
    Bool(bool),
    Num(Decimal),
    Money(Decimal),
    Percent(Decimal),
    Qty(Decimal, Text<'a>),
    Rate(Decimal, Text<'a>),
    Date(NaiveDate),
    Str(Text<'a>),
    Category(Category),
    Kind(ValueKind),
    Op(Comparator),
    List(Rc<Vec<Val<'a>>>),
    /// A constant list of the policy (a literal or a parameter), read in place.
    Consts(&'a [Const]),
    Projects(&'a [Project]),
    Indicators(&'a [Indicator]),
    Goals(&'a [Goal]),
    Project(&'a Project),
    /// An indicator and its 1-based position in its form.
    Indicator(&'a Indicator, usize),
    Goal(&'a Goal, usize),
    Value(&'a Value),
    Funds(&'a Funds),
    Department(&'a Department),
}

/// An evaluation error: the rule stops for this form and a diagnostic says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeError {
    pub message: String,
}

impl RuntimeError {
    pub fn new(message: impl Into<String>) -> Self {
        RuntimeError {
            message: message.into(),
        }
    }
}

pub type EvalResult<T> = Result<T, RuntimeError>;

/// How many bytes of a value a message or an error shows before `…`.
pub const SHOWN_VALUE_BYTES: usize = 480;

/// A value as messages show it, cut after [`SHOWN_VALUE_BYTES`]: writing stops there, so a
/// value that would print as gigabytes (a list of lists of lists …) costs no more.
pub fn shown(value: &Val<'_>) -> String {
    shown_cut(value).0
}

/// [`shown`], and whether the value was cut.
pub fn shown_cut(value: &Val<'_>) -> (String, bool) {
    struct Limited(String);
    impl fmt::Write for Limited {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let room = SHOWN_VALUE_BYTES.saturating_sub(self.0.len());
            if s.len() <= room {
                self.0.push_str(s);
                return Ok(());
            }
            let mut cut = room;
            while cut > 0 && !s.is_char_boundary(cut) {
                cut -= 1;
            }
            self.0.push_str(s.get(..cut).unwrap_or_default());
            Err(fmt::Error)
        }
    }
    let mut out = Limited(String::new());
    let cut = fmt::write(&mut out, format_args!("{value}")).is_err();
    if cut {
        out.0.push('…');
    }
    (out.0, cut)
}

/// The most bytes one text built by a rule may hold (`replace`, `trim` …).
pub const MAX_TEXT_BYTES: usize = 16 << 20;
/// The most elements one list built by a rule may hold (`+`, comprehensions).
pub const MAX_LIST_LEN: usize = 1 << 20;

fn too_long(what: &str, limit: usize) -> RuntimeError {
    RuntimeError::new(format!("{what}超过上限（{limit}）：规则生成的值过大"))
}

/// Refuse a list of `len` elements before building it.
pub fn check_list_len(len: usize) -> EvalResult<()> {
    if len > MAX_LIST_LEN {
        return Err(too_long("列表长度", MAX_LIST_LEN));
    }
    Ok(())
}

/// Refuse a text of `len` bytes before building it.
pub fn check_text_len(len: usize) -> EvalResult<()> {
    if len > MAX_TEXT_BYTES {
        return Err(too_long("文本字节数", MAX_TEXT_BYTES));
    }
    Ok(())
}

impl<'a> Val<'a> {
    pub fn from_const(c: &'a Const) -> Val<'a> {
        match c {
            Const::Bool(b) => Val::Bool(*b),
            Const::Num(d) => Val::Num(*d),
            Const::Money(d) => Val::Money(*d),
            Const::Percent(d) => Val::Percent(*d),
            Const::Qty(d, u) => Val::Qty(*d, Text::Borrowed(u)),
            Const::Rate(d, u) => Val::Rate(*d, Text::Borrowed(u)),
            Const::Date(d) => Val::Date(*d),
            Const::Str(s) => Val::Str(Text::Borrowed(s)),
            Const::Category(c) => Val::Category(*c),
            Const::Kind(k) => Val::Kind(*k),
            Const::Op(o) => Val::Op(*o),
            Const::List(items) => Val::Consts(items),
        }
    }

    pub fn is_missing(&self) -> bool {
        matches!(self, Val::Missing)
    }

    pub fn str(s: &'a str) -> Val<'a> {
        Val::Str(Text::Borrowed(s))
    }

    pub fn opt_str(s: Option<&'a str>) -> Val<'a> {
        s.map_or(Val::Missing, Val::str)
    }

    /// Elements of a collection value, or `None` if it is not one.
    pub fn elements(&self) -> Option<Vec<Val<'a>>> {
        Some(match self {
            Val::List(items) => items.as_ref().clone(),
            Val::Consts(items) => items.iter().map(Val::from_const).collect(),
            Val::Projects(ps) => ps.iter().map(Val::Project).collect(),
            Val::Indicators(is) => is
                .iter()
                .enumerate()
                .map(|(k, i)| Val::Indicator(i, k + 1))
                .collect(),
            Val::Goals(gs) => gs
                .iter()
                .enumerate()
                .map(|(k, g)| Val::Goal(g, k + 1))
                .collect(),
            _ => return None,
        })
    }

    /// Number of elements of a collection value.
    pub fn count(&self) -> Option<usize> {
        Some(match self {
            Val::List(items) => items.len(),
            Val::Consts(items) => items.len(),
            Val::Projects(ps) => ps.len(),
            Val::Indicators(is) => is.len(),
            Val::Goals(gs) => gs.len(),
            _ => return None,
        })
    }

    /// Element `k` (0-based) of a collection value.
    pub fn element(&self, k: usize) -> Option<Val<'a>> {
        match self {
            Val::List(items) => items.get(k).cloned(),
            Val::Consts(items) => items.get(k).map(Val::from_const),
            Val::Projects(ps) => ps.get(k).map(Val::Project),
            Val::Indicators(is) => is.get(k).map(|i| Val::Indicator(i, k + 1)),
            Val::Goals(gs) => gs.get(k).map(|g| Val::Goal(g, k + 1)),
            _ => None,
        }
    }

    /// A stable identity for caching per collection: model slices by address and length.
    pub fn identity(&self) -> Option<(usize, usize)> {
        match self {
            Val::Projects(s) => Some((s.as_ptr() as usize, s.len())),
            Val::Indicators(s) => Some((s.as_ptr() as usize, s.len())),
            Val::Goals(s) => Some((s.as_ptr() as usize, s.len())),
            Val::Consts(s) => Some((s.as_ptr() as usize, s.len())),
            _ => None,
        }
    }

    /// The zero of a numeric type, for `sum` over nothing.
    pub fn zero_like(&self) -> Val<'a> {
        match self {
            Val::Money(_) => Val::Money(Decimal::ZERO),
            Val::Percent(_) => Val::Percent(Decimal::ZERO),
            Val::Qty(_, u) => Val::Qty(Decimal::ZERO, u.clone()),
            Val::Rate(_, u) => Val::Rate(Decimal::ZERO, u.clone()),
            _ => Val::Num(Decimal::ZERO),
        }
    }

    pub(crate) fn numeric(&self) -> Option<Decimal> {
        match self {
            Val::Num(d) | Val::Money(d) | Val::Percent(d) | Val::Qty(d, _) | Val::Rate(d, _) => {
                Some(*d)
            }
            _ => None,
        }
    }

    fn with_amount(&self, d: Decimal) -> Val<'a> {
        match self {
            Val::Money(_) => Val::Money(d),
            Val::Percent(_) => Val::Percent(d),
            Val::Qty(_, u) => Val::Qty(d, u.clone()),
            Val::Rate(_, u) => Val::Rate(d, u.clone()),
            _ => Val::Num(d),
        }
    }

    /// A short Chinese name of the value's type, for run-time errors.
    pub fn type_name(&self) -> String {
        match self {
            Val::Missing => "缺失".into(),
            Val::Bool(_) => "bool".into(),
            Val::Num(_) => "number".into(),
            Val::Money(_) => "money".into(),
            Val::Percent(_) => "percent".into(),
            Val::Qty(_, u) => format!("quantity（{}）", u.as_str()),
            Val::Rate(_, u) => format!("rate（{}）", u.as_str()),
            Val::Date(_) => "date".into(),
            Val::Str(_) => "string".into(),
            Val::Category(_) => "category".into(),
            Val::Kind(_) => "kind".into(),
            Val::Op(_) => "op".into(),
            Val::List(_)
            | Val::Consts(_)
            | Val::Projects(_)
            | Val::Indicators(_)
            | Val::Goals(_) => "list".into(),
            Val::Project(_) => "project".into(),
            Val::Indicator(..) => "indicator".into(),
            Val::Goal(..) => "goal".into(),
            Val::Value(_) => "value".into(),
            Val::Funds(_) => "funds".into(),
            Val::Department(_) => "department".into(),
        }
    }
}

fn overflow() -> RuntimeError {
    RuntimeError::new("数值运算溢出")
}

fn units_match(a: &Val<'_>, b: &Val<'_>) -> bool {
    match (a, b) {
        (Val::Num(_), Val::Num(_))
        | (Val::Money(_), Val::Money(_))
        | (Val::Percent(_), Val::Percent(_)) => true,
        (Val::Qty(_, u), Val::Qty(_, v)) | (Val::Rate(_, u), Val::Rate(_, v)) => u == v,
        _ => false,
    }
}

/// `a op b` for numbers, money, percentages, counts and dates.
pub fn arith<'a>(op: ArithOp, a: &Val<'a>, b: &Val<'a>) -> EvalResult<Val<'a>> {
    if a.is_missing() || b.is_missing() {
        return Ok(Val::Missing);
    }
    let mismatch = || {
        RuntimeError::new(format!(
            "无法计算 {} {} {}：{} 与 {} 不能这样运算",
            shown(a),
            op.symbol(),
            shown(b),
            a.type_name(),
            b.type_name()
        ))
    };
    match (op, a, b) {
        (ArithOp::Add, x, y) if x.count().is_some() && y.count().is_some() => {
            let len = x
                .count()
                .unwrap_or(0)
                .saturating_add(y.count().unwrap_or(0));
            check_list_len(len)?;
            let mut items = Vec::with_capacity(len);
            for list in [x, y] {
                for k in 0..list.count().unwrap_or(0) {
                    items.extend(list.element(k));
                }
            }
            Ok(Val::List(Rc::new(items)))
        }
        (ArithOp::Add | ArithOp::Sub, x, y) if units_match(x, y) => {
            let (p, q) = (
                x.numeric().ok_or_else(mismatch)?,
                y.numeric().ok_or_else(mismatch)?,
            );
            let r = if op == ArithOp::Add {
                p.checked_add(q)
            } else {
                p.checked_sub(q)
            };
            Ok(x.with_amount(r.ok_or_else(overflow)?))
        }
        (ArithOp::Sub, Val::Date(x), Val::Date(y)) => {
            Ok(Val::Num(Decimal::from((*x - *y).num_days())))
        }
        (ArithOp::Add | ArithOp::Sub, Val::Date(d), Val::Num(n)) => {
            let days = n
                .trunc()
                .to_string()
                .parse::<i64>()
                .map_err(|_| overflow())?;
            let delta = chrono::Days::new(days.unsigned_abs());
            let moved = if (op == ArithOp::Add) == (days >= 0) {
                d.checked_add_days(delta)
            } else {
                d.checked_sub_days(delta)
            };
            moved.map(Val::Date).ok_or_else(overflow)
        }
        // Scaling by a plain number keeps the type; a percentage scales by p/100.
        (ArithOp::Mul, x, Val::Num(n)) | (ArithOp::Mul, Val::Num(n), x)
            if x.numeric().is_some() =>
        {
            let v = x.numeric().ok_or_else(mismatch)?;
            Ok(x.with_amount(v.checked_mul(*n).ok_or_else(overflow)?))
        }
        (ArithOp::Mul, x, Val::Percent(p)) | (ArithOp::Mul, Val::Percent(p), x)
            if matches!(x, Val::Money(_) | Val::Qty(..) | Val::Rate(..)) =>
        {
            let v = x.numeric().ok_or_else(mismatch)?;
            let scaled = v
                .checked_mul(*p)
                .and_then(|m| m.checked_div(Decimal::ONE_HUNDRED));
            Ok(x.with_amount(scaled.ok_or_else(overflow)?))
        }
        (ArithOp::Div, x, Val::Num(n)) if x.numeric().is_some() => {
            if n.is_zero() {
                return Err(RuntimeError::new(format!("{} / 0：除数为零", shown(x))));
            }
            let v = x.numeric().ok_or_else(mismatch)?;
            Ok(x.with_amount(v.checked_div(*n).ok_or_else(overflow)?))
        }
        // 12000元 / 15人 = 800元/人.
        (ArithOp::Div, Val::Money(m), Val::Qty(q, unit)) => {
            if q.is_zero() {
                return Err(RuntimeError::new(format!(
                    "{} / {}：除数为零",
                    shown(&Val::Money(*m)),
                    shown(&Val::Qty(*q, unit.clone()))
                )));
            }
            Ok(Val::Rate(
                m.checked_div(*q).ok_or_else(overflow)?,
                Text::Shared(Rc::from(format!("元/{}", unit.as_str()))),
            ))
        }
        (ArithOp::Div, x, y) if units_match(x, y) => {
            let (p, q) = (
                x.numeric().ok_or_else(mismatch)?,
                y.numeric().ok_or_else(mismatch)?,
            );
            if q.is_zero() {
                return Err(RuntimeError::new(format!(
                    "{} / {}：除数为零",
                    shown(x),
                    shown(y)
                )));
            }
            Ok(Val::Num(p.checked_div(q).ok_or_else(overflow)?))
        }
        _ => Err(mismatch()),
    }
}

pub fn negate<'a>(a: &Val<'a>) -> EvalResult<Val<'a>> {
    match a {
        Val::Missing => Ok(Val::Missing),
        x => match x.numeric() {
            Some(v) => Ok(x.with_amount(-v)),
            None => Err(RuntimeError::new(format!("无法对 {} 取负", x.type_name()))),
        },
    }
}

/// Ordering of two values of the same type; `None` if either is missing.
pub fn compare_values(a: &Val<'_>, b: &Val<'_>) -> EvalResult<Option<Ordering>> {
    if a.is_missing() || b.is_missing() {
        return Ok(None);
    }
    let ordering = match (a, b) {
        (x, y) if units_match(x, y) => x.numeric().zip(y.numeric()).map(|(p, q)| p.cmp(&q)),
        (Val::Date(x), Val::Date(y)) => Some(x.cmp(y)),
        (Val::Str(x), Val::Str(y)) => Some(x.as_str().cmp(y.as_str())),
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    };
    ordering.map(Some).ok_or_else(|| {
        RuntimeError::new(format!(
            "无法比较 {} 与 {}：{} 与 {} 的单位或类型不同",
            shown(a),
            shown(b),
            a.type_name(),
            b.type_name()
        ))
    })
}

/// `a == b`; `None` if either is missing.
pub fn equal_values(a: &Val<'_>, b: &Val<'_>) -> EvalResult<Option<bool>> {
    if a.is_missing() || b.is_missing() {
        return Ok(None);
    }
    Ok(Some(match (a, b) {
        (Val::Category(x), Val::Category(y)) => x == y,
        (Val::Kind(x), Val::Kind(y)) => x == y,
        (Val::Op(x), Val::Op(y)) => x == y,
        (Val::Project(x), Val::Project(y)) => std::ptr::eq(*x, *y),
        (Val::Indicator(x, _), Val::Indicator(y, _)) => std::ptr::eq(*x, *y),
        (Val::Goal(x, _), Val::Goal(y, _)) => std::ptr::eq(*x, *y),
        // Lists: the same elements in the same order (`set(…) == set(…)` for sets).
        (x, y) if x.count().is_some() && y.count().is_some() => {
            let mut budget = MAX_LIST_COMPARISONS;
            return equal_lists(x, y, &mut budget);
        }
        _ => compare_values(a, b)? == Some(Ordering::Equal),
    }))
}

/// Most element comparisons one `==` between lists may make (lists of lists can share their
/// parts and be exponentially large when unfolded).
const MAX_LIST_COMPARISONS: usize = 1 << 20;

fn equal_lists(x: &Val<'_>, y: &Val<'_>, budget: &mut usize) -> EvalResult<Option<bool>> {
    if let (Val::List(a), Val::List(b)) = (x, y)
        && Rc::ptr_eq(a, b)
    {
        return Ok(Some(true));
    }
    let (n, m) = (x.count().unwrap_or(0), y.count().unwrap_or(0));
    if n != m {
        return Ok(Some(false));
    }
    for k in 0..n {
        *budget = budget
            .checked_sub(1)
            .ok_or_else(|| RuntimeError::new("列表太大（嵌套展开后超过一百万个元素），无法比较"))?;
        let (Some(p), Some(q)) = (x.element(k), y.element(k)) else {
            return Ok(None);
        };
        let equal = if p.count().is_some() && q.count().is_some() {
            equal_lists(&p, &q, budget)?
        } else {
            equal_values(&p, &q)?
        };
        match equal {
            Some(true) => {}
            other => return Ok(other),
        }
    }
    Ok(Some(true))
}

pub fn apply_cmp(op: CmpOp, a: &Val<'_>, b: &Val<'_>) -> EvalResult<Option<bool>> {
    match op {
        CmpOp::Eq => equal_values(a, b),
        CmpOp::Ne => Ok(equal_values(a, b)?.map(|e| !e)),
        _ => Ok(compare_values(a, b)?.map(|o| match op {
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::Le => o != Ordering::Greater,
            CmpOp::Gt => o == Ordering::Greater,
            _ => o != Ordering::Less,
        })),
    }
}

/// Most elements of a list that is used as a key.
const MAX_KEY_LIST: usize = 1 << 16;

/// A hashable grouping key (for joins and `most_common`). It borrows what the value borrows,
/// so keying a row costs no allocation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key<'a> {
    Bool(bool),
    Num(u8, Decimal, Text<'a>),
    Date(NaiveDate),
    Str(Text<'a>),
    Tag(u8, u8),
    /// A list of keys (a list with a missing or unkeyable element has no key).
    List(Vec<Key<'a>>),
}

impl<'a> Val<'a> {
    pub fn key(&self) -> Option<Key<'a>> {
        let none = || Text::Borrowed("");
        Some(match self {
            Val::Bool(b) => Key::Bool(*b),
            Val::Num(d) => Key::Num(0, d.normalize(), none()),
            Val::Money(d) => Key::Num(1, d.normalize(), none()),
            Val::Percent(d) => Key::Num(2, d.normalize(), none()),
            Val::Qty(d, u) => Key::Num(3, d.normalize(), u.clone()),
            Val::Rate(d, u) => Key::Num(4, d.normalize(), u.clone()),
            Val::Date(d) => Key::Date(*d),
            Val::Str(s) => Key::Str(s.clone()),
            Val::Category(c) => Key::Tag(0, *c as u8),
            Val::Kind(k) => Key::Tag(1, *k as u8),
            Val::Op(o) => Key::Tag(2, *o as u8),
            // A list of scalars (a set of names) is a key; a list of lists, or a long one, is
            // not (it could unfold to exponentially many elements).
            list if list.count().is_some_and(|n| n <= MAX_KEY_LIST)
                && !matches!(list, Val::Projects(_) | Val::Indicators(_) | Val::Goals(_)) =>
            {
                let items = list.elements()?;
                if items.iter().any(|v| v.count().is_some()) {
                    return None;
                }
                Key::List(items.iter().map(Val::key).collect::<Option<Vec<_>>>()?)
            }
            _ => return None,
        })
    }
}

fn category_zh(c: Category) -> &'static str {
    match c {
        Category::Quantity => "数量",
        Category::Quality => "质量",
        Category::Timeliness => "时效",
        Category::Cost => "成本",
        Category::Benefit => "效益",
        Category::Satisfaction => "满意度",
    }
}

fn kind_zh(k: ValueKind) -> &'static str {
    match k {
        ValueKind::Money => "金额",
        ValueKind::Percent => "百分比",
        ValueKind::Count => "数量",
        ValueKind::Date => "日期",
        ValueKind::Qualitative => "定性",
        ValueKind::Number => "数值",
        ValueKind::Rate => "单价",
        ValueKind::Text => "无法识别的文本",
    }
}

/// How values appear in messages: `202500元`, `90%`, `2025年12月31日`, a value as written.
impl fmt::Display for Val<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::Missing => f.write_str("（缺失）"),
            Val::Bool(true) => f.write_str("是"),
            Val::Bool(false) => f.write_str("否"),
            Val::Num(d) => f.write_str(&format_decimal(*d)),
            Val::Money(d) => write!(f, "{}元", format_decimal(*d)),
            Val::Percent(d) => write!(f, "{}%", format_decimal(*d)),
            Val::Qty(d, u) | Val::Rate(d, u) => write!(f, "{}{}", format_decimal(*d), u.as_str()),
            Val::Date(d) => write!(f, "{}", d.format("%Y年%-m月%-d日")),
            Val::Str(s) => f.write_str(s.as_str()),
            Val::Category(c) => f.write_str(category_zh(*c)),
            Val::Kind(k) => f.write_str(kind_zh(*k)),
            Val::Op(o) => f.write_str(o.symbol()),
            Val::List(_)
            | Val::Consts(_)
            | Val::Projects(_)
            | Val::Indicators(_)
            | Val::Goals(_) => {
                // Element by element: a writer that stops (see [`shown`]) stops the recursion
                // too, so a list nested forty deep is not written out in full first.
                for k in 0..self.count().unwrap_or(0) {
                    if k > 0 {
                        f.write_str("、")?;
                    }
                    if let Some(item) = self.element(k) {
                        write!(f, "{item}")?;
                    }
                }
                Ok(())
            }
            Val::Project(p) => f.write_str(p.name_str()),
            Val::Indicator(i, _) => f.write_str(&i.name.value),
            Val::Goal(g, k) => match &g.number {
                Some(n) => write!(f, "目标{}", n.value),
                None => write!(f, "第{k}个目标"),
            },
            Val::Value(v) => f.write_str(&v.text),
            Val::Funds(funds) => match &funds.total {
                Some(t) => write!(f, "{}元", format_decimal(t.value)),
                None => f.write_str("（缺失）"),
            },
            Val::Department(d) => f.write_str(d.name.as_ref().map_or("", |n| n.value.as_str())),
        }
    }
}
