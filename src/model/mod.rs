//! The form model: what a performance-target form says, each field with its span in the source.
//!
//! The JSON produced by `jixiao extract` is the serialisation of [`Document`]; its field names are
//! a public contract (see `docs/model.md`).

mod level;
mod value;

pub use level::{
    Category, LEVEL_NAMES, LevelName, derive_category, level_by_name, recognise_level,
};
pub use value::{Comparator, Value, ValueKind, format_decimal};

pub use crate::read::vocabulary::{FundsRole, Period};
use crate::span::{Span, Spanned};
use rust_decimal::Decimal;
use serde::Serialize;

/// Everything read from one input.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Document {
    pub projects: Vec<Project>,
}

impl Document {
    pub fn indicator_count(&self) -> usize {
        self.projects.iter().map(|p| p.indicators.len()).sum()
    }
}

/// One performance-target form (one spending project).
#[derive(Debug, Clone, Serialize)]
pub struct Project {
    pub name: Option<Spanned<String>>,
    pub year: Option<Spanned<i32>>,
    pub department: Department,
    pub implementer: Option<Spanned<String>>,
    pub funds: Funds,
    pub goals: Vec<Goal>,
    /// 中期(长期)目标, when the form states them apart from the year's goals.
    pub midterm_goals: Vec<Goal>,
    pub indicators: Vec<Indicator>,
    /// False when the reader found no indicator table it could read: the rules that look at
    /// indicators do not run on this form (the reader has reported why).
    pub indicators_read: bool,
    /// The money unit the form declares (`金额单位:万元`, `资金情况(万元)`); amounts are in 元.
    pub money_unit: Option<Spanned<String>>,
    /// Labelled fields beyond the ones above (项目属性, 项目起止时间 …), as written.
    pub extra: Vec<ExtraField>,
    /// 1-based line where the form starts.
    pub line: usize,
    /// From the form's first line to its last.
    #[serde(skip)]
    pub span: Span,
    /// 1-based ordinal of the form in its input.
    #[serde(skip)]
    pub index: usize,
}

impl Default for Project {
    fn default() -> Self {
        Project {
            name: None,
            year: None,
            department: Department::default(),
            implementer: None,
            funds: Funds::default(),
            goals: Vec::new(),
            midterm_goals: Vec::new(),
            indicators: Vec::new(),
            indicators_read: true,
            money_unit: None,
            extra: Vec::new(),
            line: 0,
            span: Span::default(),
            index: 0,
        }
    }
}

/// The name of the money unit whose amounts are `scale` 元 (`万元` for 10 000).
pub fn money_unit_name(scale: Decimal) -> Option<&'static str> {
    match scale.to_string().as_str() {
        "1" => Some("元"),
        "1000" => Some("千元"),
        "10000" => Some("万元"),
        "100000000" => Some("亿元"),
        _ => None,
    }
}

/// A labelled field of the form header that the model has no place of its own for.
#[derive(Debug, Clone, Serialize)]
pub struct ExtraField {
    /// The label as written, normalised (`项目属性`).
    pub label: String,
    pub value: Spanned<String>,
}

impl Project {
    pub fn name_str(&self) -> &str {
        self.name.as_ref().map_or("", |n| n.value.as_str())
    }

    /// Where to point when a finding is about the whole form: its name, else its first line.
    pub fn anchor(&self) -> Span {
        self.name
            .as_ref()
            .map_or(Span::new(self.span.start, self.span.start), |n| n.span)
    }
}

/// 主管部门及代码: `[164]黔南布依族苗族自治州人力资源和社会保障局`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Department {
    pub code: Option<Spanned<String>>,
    pub name: Option<Spanned<String>>,
}

/// The funds block, every amount in 元.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Funds {
    /// 资金总额
    pub total: Option<Spanned<Decimal>>,
    /// 财政拨款
    pub fiscal: Option<Spanned<Decimal>>,
    /// 其中: 上级补助
    pub superior: Option<Spanned<Decimal>>,
    /// 本级安排
    pub own_level: Option<Spanned<Decimal>>,
    /// 其他资金
    pub other: Option<Spanned<Decimal>>,
    /// Every funds line of the form as written, in order; the fields above are the ones whose
    /// meaning is certain (the year's total, not a multi-year one).
    pub sources: Vec<FundsSource>,
}

/// One funds line: `其中:上级补助  0`, `(一)财政拨款小计 4.00`, `中期资金总额: 170.00`.
#[derive(Debug, Clone, Serialize)]
pub struct FundsSource {
    /// The label, normalised (`上级补助`).
    pub label: Spanned<String>,
    /// The amount as written (`136,000`, `5.00`), when there is one.
    pub text: Option<String>,
    /// In 元; absent when the cell is empty, not an amount, or in a unit the form does not say.
    pub amount: Option<Spanned<Decimal>>,
    /// What the line is: `total`, `fiscal`, `superior`, `own_level`, `other` or `source`.
    pub role: FundsRole,
    /// `annual` or `midterm` when the label or its column says so.
    pub period: Option<Period>,
}

/// A declared indicator direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// 正向: higher is better.
    Positive,
    /// 反向: lower is better.
    Reverse,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Positive => "positive",
            Direction::Reverse => "reverse",
        }
    }

    /// `正向`, `正向指标`, `反向`, `逆向` …
    pub fn from_text(text: &str) -> Option<Direction> {
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if t.starts_with("正向") || t == "正" || t == "越大越好" {
            Some(Direction::Positive)
        } else if t.starts_with("反向") || t.starts_with("逆向") || t == "反" || t == "越小越好"
        {
            Some(Direction::Reverse)
        } else {
            None
        }
    }
}

/// One numbered overall goal (年度总体目标). `number` is absent for a lone `目标:`.
#[derive(Debug, Clone, Serialize)]
pub struct Goal {
    pub number: Option<Spanned<u32>>,
    pub text: Spanned<String>,
}

/// One row of the indicator table.
#[derive(Debug, Clone, Serialize)]
pub struct Indicator {
    /// 一级指标, canonical name (`产出指标`); inherited from rows above when the cell is merged.
    pub level1: Option<Spanned<String>>,
    /// 二级指标, canonical name (`社会效益指标` even when the PDF cut it to `社会效益指`).
    pub level2: Option<Spanned<String>>,
    /// Derived from the levels: what the indicator measures.
    pub category: Option<Category>,
    /// 三级指标
    pub name: Spanned<String>,
    /// 指标值; absent when the cell is empty.
    pub value: Option<Spanned<Value>>,
    /// 说明 / 备注 / 指标解释
    pub note: Option<Spanned<String>>,
    /// 一级/二级 as written, when another template's word was mapped to the standard name
    /// (`项目完成指标` → 产出指标).
    pub level1_text: Option<String>,
    pub level2_text: Option<String>,
    /// 中期(长期)指标值, when the table gives one beside the year's.
    pub midterm_value: Option<Spanned<Value>>,
    /// 权重 / 分值.
    pub weight: Option<Spanned<Decimal>>,
    /// 指标方向(性): `positive` (正向, higher is better) or `reverse` (反向).
    pub direction: Option<Spanned<Direction>>,
    /// 指标性质 as written (定量 / 定性).
    pub nature: Option<Spanned<String>>,
    /// 1-based line of the row.
    pub line: usize,
    /// The whole row.
    #[serde(skip)]
    pub span: Span,
}
