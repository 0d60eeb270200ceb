//! Types of the policy language and the schema of the form model as rules see it.

use crate::model::{Category, Comparator, ValueKind};
use std::fmt;

/// The static type of an expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    Bool,
    Str,
    /// A plain decimal number.
    Num,
    /// Money in 元.
    Money,
    /// A percentage (`90%` is 90).
    Percent,
    /// A count with a unit (`2470人`); the unit is known for literals, checked at run time otherwise.
    Qty(Option<String>),
    /// Money per something (`475元/亩`).
    Rate(Option<String>),
    Date,
    /// A value whose numeric type is only known at run time: `i.value.amount` is money, a
    /// percentage, a count, a rate or a number depending on the value's kind.
    Measure,
    Category,
    Kind,
    Op,
    List(Box<Ty>),
    /// A group made by `group(x in C by key)`: its key and its elements.
    Group(Box<Ty>, Box<Ty>),
    Project,
    Indicator,
    Goal,
    Value,
    Funds,
    Department,
    /// The element type of an empty list literal, or a type already reported as an error.
    Unknown,
}

impl Ty {
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            Ty::Num
                | Ty::Money
                | Ty::Percent
                | Ty::Qty(_)
                | Ty::Rate(_)
                | Ty::Measure
                | Ty::Unknown
        )
    }

    pub fn is_model_object(&self) -> bool {
        matches!(
            self,
            Ty::Project | Ty::Indicator | Ty::Goal | Ty::Value | Ty::Funds | Ty::Department
        )
    }

    /// Values of these types can be compared with `==` and used as grouping keys (a list of
    /// keys too: `set([…])` joins and groups by its elements).
    pub fn is_key(&self) -> bool {
        if let Ty::List(t) = self {
            return t.is_key();
        }
        matches!(
            self,
            Ty::Bool
                | Ty::Str
                | Ty::Num
                | Ty::Money
                | Ty::Percent
                | Ty::Qty(_)
                | Ty::Rate(_)
                | Ty::Date
                | Ty::Measure
                | Ty::Category
                | Ty::Kind
                | Ty::Op
                | Ty::Unknown
        )
    }

    /// Parse a type name from a `param` declaration.
    pub fn from_name(name: &str) -> Option<Ty> {
        Some(match name {
            "bool" => Ty::Bool,
            "string" => Ty::Str,
            "number" => Ty::Num,
            "money" => Ty::Money,
            "percent" => Ty::Percent,
            "quantity" => Ty::Qty(None),
            "rate" => Ty::Rate(None),
            "date" => Ty::Date,
            "category" => Ty::Category,
            "kind" => Ty::Kind,
            _ => return None,
        })
    }

    pub const TYPE_NAMES: &'static [&'static str] = &[
        "bool", "string", "number", "money", "percent", "quantity", "rate", "date", "category",
        "kind", "list",
    ];
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Bool => f.write_str("bool"),
            Ty::Str => f.write_str("string"),
            Ty::Num => f.write_str("number"),
            Ty::Money => f.write_str("money（元）"),
            Ty::Percent => f.write_str("percent（%）"),
            Ty::Qty(Some(u)) => write!(f, "quantity（{u}）"),
            Ty::Qty(None) => f.write_str("quantity"),
            Ty::Rate(Some(u)) => write!(f, "rate（{u}）"),
            Ty::Rate(None) => f.write_str("rate"),
            Ty::Date => f.write_str("date"),
            Ty::Measure => f.write_str("amount（随指标值类型而定）"),
            Ty::Category => f.write_str("category"),
            Ty::Kind => f.write_str("kind"),
            Ty::Op => f.write_str("op"),
            Ty::List(t) => write!(f, "list<{t}>"),
            Ty::Group(k, t) => write!(f, "group<{k}, {t}>"),
            Ty::Project => f.write_str("project"),
            Ty::Indicator => f.write_str("indicator"),
            Ty::Goal => f.write_str("goal"),
            Ty::Value => f.write_str("value"),
            Ty::Funds => f.write_str("funds"),
            Ty::Department => f.write_str("department"),
            Ty::Unknown => f.write_str("?"),
        }
    }
}

/// A field of a model object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldId {
    ProjectName,
    ProjectYear,
    ProjectIndex,
    ProjectLine,
    ProjectFile,
    ProjectDepartment,
    ProjectImplementer,
    ProjectFunds,
    ProjectGoals,
    ProjectMidtermGoals,
    ProjectIndicators,
    ProjectIndicatorsRead,
    ProjectMoneyUnit,
    DepartmentCode,
    DepartmentName,
    FundsTotal,
    FundsFiscal,
    FundsSuperior,
    FundsOwnLevel,
    FundsOther,
    GoalNumber,
    GoalText,
    GoalIndex,
    IndicatorLevel1,
    IndicatorLevel2,
    IndicatorCategory,
    IndicatorName,
    IndicatorValue,
    IndicatorNote,
    IndicatorLine,
    IndicatorIndex,
    IndicatorMidtermValue,
    IndicatorWeight,
    IndicatorDirection,
    IndicatorNature,
    IndicatorLevel1Text,
    IndicatorLevel2Text,
    /// `g.key` and `g.items` of a group: typed by the group, not by the schema.
    GroupKey,
    GroupItems,
    ValueText,
    ValueKind,
    ValueOp,
    ValueAmount,
    ValueUnit,
    ValueDate,
    ValueBy,
    ValueMoney,
    ValuePercent,
    ValueCount,
    ValueNumber,
    ValueRate,
}

/// One row of the schema: owner type, field name, field, its type, what it is.
pub struct FieldInfo {
    pub owner: Ty,
    pub name: &'static str,
    pub id: FieldId,
    pub doc: &'static str,
}

macro_rules! fields {
    ($($owner:expr, $name:literal, $id:ident, $doc:literal;)*) => {
        /// Every field of every model object.
        pub fn schema() -> Vec<FieldInfo> {
            vec![$(FieldInfo { owner: $owner, name: $name, id: FieldId::$id, doc: $doc },)*]
        }
    };
}

fields! {
    Ty::Project, "name", ProjectName, "项目名称";
    Ty::Project, "year", ProjectYear, "年度（如 2025）";
    Ty::Project, "index", ProjectIndex, "这张表在文件中的序号，从 1 开始";
    Ty::Project, "line", ProjectLine, "表开始的行号";
    Ty::Project, "file", ProjectFile, "所在文件名";
    Ty::Project, "department", ProjectDepartment, "主管部门（code、name）";
    Ty::Project, "implementer", ProjectImplementer, "实施单位";
    Ty::Project, "funds", ProjectFunds, "资金情况（total、fiscal、superior、own_level、other）";
    Ty::Project, "goals", ProjectGoals, "年度总体目标列表";
    Ty::Project, "indicators", ProjectIndicators, "绩效指标列表";
    Ty::Project, "midterm_goals", ProjectMidtermGoals, "中期（长期）目标列表";
    Ty::Project, "indicators_read", ProjectIndicatorsRead, "指标表是否读出（否：读表时已报告，依赖指标的规则不检查这张表）";
    Ty::Project, "money_unit", ProjectMoneyUnit, "表中写明的金额单位（如 万元；金额都已换算为元）";
    Ty::Department, "code", DepartmentCode, "主管部门代码（如 164）";
    Ty::Department, "name", DepartmentName, "主管部门名称";
    Ty::Funds, "total", FundsTotal, "资金总额（元）";
    Ty::Funds, "fiscal", FundsFiscal, "财政拨款（元）";
    Ty::Funds, "superior", FundsSuperior, "其中：上级补助（元）";
    Ty::Funds, "own_level", FundsOwnLevel, "本级安排（元）";
    Ty::Funds, "other", FundsOther, "其他资金（元）";
    Ty::Goal, "number", GoalNumber, "目标编号（“目标:”没有编号时缺失）";
    Ty::Goal, "text", GoalText, "目标内容";
    Ty::Goal, "index", GoalIndex, "目标在表中的序号，从 1 开始";
    Ty::Indicator, "level1", IndicatorLevel1, "一级指标（规范名称，如 产出指标）";
    Ty::Indicator, "level2", IndicatorLevel2, "二级指标（规范名称，如 社会效益指标）";
    Ty::Indicator, "category", IndicatorCategory, "指标类别：quantity、quality、timeliness、cost、benefit、satisfaction";
    Ty::Indicator, "name", IndicatorName, "三级指标名称";
    Ty::Indicator, "value", IndicatorValue, "指标值";
    Ty::Indicator, "note", IndicatorNote, "说明";
    Ty::Indicator, "line", IndicatorLine, "指标所在行号";
    Ty::Indicator, "index", IndicatorIndex, "指标在表中的序号，从 1 开始";
    Ty::Indicator, "midterm_value", IndicatorMidtermValue, "中期（长期）指标值";
    Ty::Indicator, "weight", IndicatorWeight, "权重或分值";
    Ty::Indicator, "direction", IndicatorDirection, "表中写明的指标方向：positive（正向）或 reverse（反向）";
    Ty::Indicator, "nature", IndicatorNature, "指标性质（如 定量、定性）";
    Ty::Indicator, "level1_text", IndicatorLevel1Text, "一级指标的原文（与规范名称不同时）";
    Ty::Indicator, "level2_text", IndicatorLevel2Text, "二级指标的原文（与规范名称不同时）";
    Ty::Value, "text", ValueText, "指标值原文";
    Ty::Value, "kind", ValueKind, "指标值类型：money、percent、count、date、qualitative、number、rate、text";
    Ty::Value, "op", ValueOp, "比较符：ge（≥）、le（≤）、eq（=）、gt（>）、lt（<）";
    Ty::Value, "amount", ValueAmount, "数值，类型随 kind 而定（金额、百分比、数量、单价或数值）";
    Ty::Value, "unit", ValueUnit, "单位（元、%、人、元/亩 …）";
    Ty::Value, "date", ValueDate, "日期（kind 为 date 时）";
    Ty::Value, "by", ValueBy, "日期写作“…前”（在此日期之前完成）";
    Ty::Value, "money", ValueMoney, "金额（kind 为 money 时，否则缺失）";
    Ty::Value, "percent", ValuePercent, "百分比（kind 为 percent 时，否则缺失）";
    Ty::Value, "count", ValueCount, "数量（kind 为 count 时，否则缺失）";
    Ty::Value, "number", ValueNumber, "无单位数值（kind 为 number 时，否则缺失）";
    Ty::Value, "rate", ValueRate, "单价（kind 为 rate 时，否则缺失）";
}

impl FieldId {
    pub fn ty(self) -> Ty {
        use FieldId::*;
        match self {
            ProjectName | ProjectImplementer | ProjectFile | DepartmentCode | DepartmentName
            | GoalText | IndicatorLevel1 | IndicatorLevel2 | IndicatorName | IndicatorNote
            | ValueText | ValueUnit | ProjectMoneyUnit | IndicatorDirection | IndicatorNature
            | IndicatorLevel1Text | IndicatorLevel2Text => Ty::Str,
            ProjectYear | ProjectIndex | ProjectLine | GoalNumber | GoalIndex | IndicatorLine
            | IndicatorIndex | ValueNumber | IndicatorWeight => Ty::Num,
            ProjectIndicatorsRead => Ty::Bool,
            ProjectDepartment => Ty::Department,
            ProjectFunds => Ty::Funds,
            ProjectGoals | ProjectMidtermGoals => Ty::List(Box::new(Ty::Goal)),
            ProjectIndicators => Ty::List(Box::new(Ty::Indicator)),
            FundsTotal | FundsFiscal | FundsSuperior | FundsOwnLevel | FundsOther | ValueMoney => {
                Ty::Money
            }
            IndicatorCategory => Ty::Category,
            IndicatorValue | IndicatorMidtermValue => Ty::Value,
            ValueKind => Ty::Kind,
            ValueOp => Ty::Op,
            ValueAmount => Ty::Measure,
            ValueDate => Ty::Date,
            ValueBy => Ty::Bool,
            ValuePercent => Ty::Percent,
            ValueCount => Ty::Qty(None),
            ValueRate => Ty::Rate(None),
            // Typed where they are read (see the validator's field access on a group).
            GroupKey | GroupItems => Ty::Unknown,
        }
    }
}

/// Look up `owner.name`.
pub fn field(owner: &Ty, name: &str) -> Option<FieldId> {
    schema()
        .into_iter()
        .find(|f| &f.owner == owner && f.name == name)
        .map(|f| f.id)
}

/// How a field is written in a policy (`i.value` → `value`).
pub fn field_name(id: FieldId) -> &'static str {
    match id {
        FieldId::GroupKey => "key",
        FieldId::GroupItems => "items",
        _ => schema()
            .into_iter()
            .find(|f| f.id == id)
            .map_or("?", |f| f.name),
    }
}

pub fn field_names(owner: &Ty) -> Vec<&'static str> {
    schema()
        .into_iter()
        .filter(|f| &f.owner == owner)
        .map(|f| f.name)
        .collect()
}

/// A built-in function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Contains,
    StartsWith,
    EndsWith,
    Length,
    Matches,
    Trim,
    Replace,
    CollapseRepeats,
    Year,
    Month,
    Day,
    Date,
    Abs,
    Round,
    Min2,
    Max2,
    Number,
    Sort,
    Join,
    Slice,
    Set,
    Subset,
    Flatten,
    Capture,
}

/// Name, function, arity, signature for docs and messages.
pub const FUNCTIONS: &[(&str, Func, usize, &str)] = &[
    (
        "contains",
        Func::Contains,
        2,
        "contains(text: string, part: string | list<string>) -> bool",
    ),
    (
        "starts_with",
        Func::StartsWith,
        2,
        "starts_with(text: string, prefix: string | list<string>) -> bool",
    ),
    (
        "ends_with",
        Func::EndsWith,
        2,
        "ends_with(text: string, suffix: string | list<string>) -> bool",
    ),
    (
        "length",
        Func::Length,
        1,
        "length(text: string | list) -> number",
    ),
    (
        "matches",
        Func::Matches,
        2,
        "matches(text: string, \"正则表达式\") -> bool",
    ),
    ("trim", Func::Trim, 1, "trim(text: string) -> string"),
    (
        "replace",
        Func::Replace,
        3,
        "replace(text: string, from: string, to: string) -> string",
    ),
    (
        "collapse_repeats",
        Func::CollapseRepeats,
        1,
        "collapse_repeats(text: string) -> string",
    ),
    ("year", Func::Year, 1, "year(d: date) -> number"),
    ("month", Func::Month, 1, "month(d: date) -> number"),
    ("day", Func::Day, 1, "day(d: date) -> number"),
    (
        "date",
        Func::Date,
        3,
        "date(year: number, month: number, day: number) -> date",
    ),
    ("abs", Func::Abs, 1, "abs(x) -> 与 x 同类型"),
    (
        "round",
        Func::Round,
        2,
        "round(x, places: number) -> 与 x 同类型",
    ),
    ("min", Func::Min2, 2, "min(a, b) -> 与 a 同类型"),
    ("max", Func::Max2, 2, "max(a, b) -> 与 a 同类型"),
    (
        "number",
        Func::Number,
        1,
        "number(x: quantity | money | percent | rate | number) -> number",
    ),
    ("sort", Func::Sort, 1, "sort(list) -> 同类型的列表（升序）"),
    (
        "join",
        Func::Join,
        2,
        "join(list: list<string>, separator: string) -> string",
    ),
    (
        "slice",
        Func::Slice,
        3,
        "slice(text: string, start: number, end: number) -> string",
    ),
    ("set", Func::Set, 1, "set(list) -> 去重并排序的列表"),
    (
        "subset",
        Func::Subset,
        2,
        "subset(a: list, b: list) -> bool（a 的每个元素都在 b 中）",
    ),
    (
        "flatten",
        Func::Flatten,
        1,
        "flatten(list<list<T>>) -> list<T>",
    ),
    (
        "capture",
        Func::Capture,
        2,
        "capture(text: string, \"正则表达式\") -> string（第一个捕获组，没有匹配时缺失）",
    ),
];

/// A named constant: categories, value kinds and comparators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constant {
    Category(Category),
    Kind(ValueKind),
    Op(Comparator),
}

impl Constant {
    pub fn ty(self) -> Ty {
        match self {
            Constant::Category(_) => Ty::Category,
            Constant::Kind(_) => Ty::Kind,
            Constant::Op(_) => Ty::Op,
        }
    }
}

pub fn op_name(op: Comparator) -> &'static str {
    match op {
        Comparator::Ge => "ge",
        Comparator::Le => "le",
        Comparator::Eq => "eq",
        Comparator::Gt => "gt",
        Comparator::Lt => "lt",
    }
}

pub fn constant(name: &str) -> Option<Constant> {
    Category::ALL
        .into_iter()
        .find(|c| c.as_str() == name)
        .map(Constant::Category)
        .or_else(|| {
            ValueKind::ALL
                .into_iter()
                .find(|k| k.as_str() == name)
                .map(Constant::Kind)
        })
        .or_else(|| {
            Comparator::ALL
                .into_iter()
                .find(|o| op_name(*o) == name)
                .map(Constant::Op)
        })
}

pub fn constant_names() -> Vec<&'static str> {
    Category::ALL
        .iter()
        .map(|c| c.as_str())
        .chain(ValueKind::ALL.iter().map(|k| k.as_str()))
        .chain(Comparator::ALL.iter().map(|o| op_name(*o)))
        .collect()
}

/// The closest candidate to `name`, if it is close enough to be a likely typo.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
