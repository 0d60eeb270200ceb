//! An indicator value (指标值) as read: the text as written plus what it means.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of target a value states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueKind {
    /// An amount of money, normalised to 元 (`≤13.6万元`).
    Money,
    /// A percentage; `amount` is the number before `%` (`≥90%` → 90).
    Percent,
    /// A number with a non-money unit (`≥2470人`, `3500公斤`, `=1年`).
    Count,
    /// A calendar date, optionally "by" that date (`2025年12月31日前`).
    Date,
    /// A gradable phrase with no number (`有效提高`, `顺利完成`).
    Qualitative,
    /// A number with no unit (`≥5`).
    Number,
    /// A unit cost such as `475元/亩` or `17元/人·天`: money per something, never a money total.
    Rate,
    /// Text that could not be understood (`9%0`, `≥**%`); kept verbatim, with a diagnostic.
    Text,
}

impl ValueKind {
    pub const ALL: [ValueKind; 8] = [
        ValueKind::Money,
        ValueKind::Percent,
        ValueKind::Count,
        ValueKind::Date,
        ValueKind::Qualitative,
        ValueKind::Number,
        ValueKind::Rate,
        ValueKind::Text,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ValueKind::Money => "money",
            ValueKind::Percent => "percent",
            ValueKind::Count => "count",
            ValueKind::Date => "date",
            ValueKind::Qualitative => "qualitative",
            ValueKind::Number => "number",
            ValueKind::Rate => "rate",
            ValueKind::Text => "text",
        }
    }
}

/// The comparator of a target, normalised from `≥ ≧ >= \geq 不低于 …以上` and friends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Comparator {
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = "<")]
    Lt,
}

impl Comparator {
    pub const ALL: [Comparator; 5] = [
        Comparator::Ge,
        Comparator::Le,
        Comparator::Eq,
        Comparator::Gt,
        Comparator::Lt,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::Ge => ">=",
            Comparator::Le => "<=",
            Comparator::Eq => "=",
            Comparator::Gt => ">",
            Comparator::Lt => "<",
        }
    }

    /// The symbol used in Chinese forms.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Ge => "≥",
            Comparator::Le => "≤",
            Comparator::Eq => "=",
            Comparator::Gt => ">",
            Comparator::Lt => "<",
        }
    }
}

/// A parsed 指标值.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Value {
    /// The value exactly as written (whitespace-trimmed).
    pub text: String,
    pub kind: ValueKind,
    pub op: Option<Comparator>,
    /// Money in 元; percent as the number before `%`; counts in their unit.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub amount: Option<Decimal>,
    /// `元`, `%`, the count unit (`人`, `平方米`), or the rate unit (`元/亩`).
    pub unit: Option<String>,
    /// ISO date, for date values.
    pub date: Option<NaiveDate>,
    /// For dates: written as "…前/之前" (by that date) rather than "on".
    #[serde(default)]
    pub by: bool,
}

impl Value {
    pub fn text_only(text: impl Into<String>, kind: ValueKind) -> Value {
        Value {
            text: text.into(),
            kind,
            op: None,
            amount: None,
            unit: None,
            date: None,
            by: false,
        }
    }

    pub fn is_quantitative(&self) -> bool {
        self.amount.is_some()
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Format a decimal without trailing zeros (`2167200.00` → `2167200`).
pub fn format_decimal(d: Decimal) -> String {
    d.normalize().to_string()
}
