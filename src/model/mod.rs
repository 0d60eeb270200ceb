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
#[derive(Debug, Clone, Default, Serialize)]
pub struct Project {
    pub name: Option<Spanned<String>>,
    pub year: Option<Spanned<i32>>,
    pub department: Department,
    pub implementer: Option<Spanned<String>>,
    pub funds: Funds,
    pub goals: Vec<Goal>,
    pub indicators: Vec<Indicator>,
    /// 1-based line where the form starts.
    pub line: usize,
    /// From the form's first line to its last.
    #[serde(skip)]
    pub span: Span,
    /// 1-based ordinal of the form in its input.
    #[serde(skip)]
    pub index: usize,
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
    /// 说明
    pub note: Option<Spanned<String>>,
    /// 1-based line of the row.
    pub line: usize,
    /// The whole row.
    #[serde(skip)]
    pub span: Span,
}
