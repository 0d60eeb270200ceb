//! Checked and compiled rules: names resolved to slots, params and fields, types known, regexes
//! compiled, joins planned. Evaluation never looks a name up.

use crate::diagnostic::Severity;
use crate::model::{Category, Comparator, ValueKind};
use crate::policy::ast::{Aggregate, ArithOp, CmpOp, ExampleKind, Quantifier};
use crate::policy::types::{FieldId, Func, Ty};
use crate::span::Span;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A constant known at load time: literals and parameter values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Const {
    Bool(bool),
    Num(Decimal),
    Money(Decimal),
    Percent(Decimal),
    Qty(Decimal, String),
    Rate(Decimal, String),
    Date(NaiveDate),
    Str(String),
    Category(Category),
    Kind(ValueKind),
    Op(Comparator),
    List(Vec<Const>),
}

#[derive(Debug, Clone)]
pub struct Ir {
    pub kind: IrKind,
    pub ty: Ty,
    /// Span in the policy source, for explanations and run-time errors.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum IrKind {
    Const(Const),
    Param(usize),
    /// A binding: `for`, `let`, a quantifier or comprehension variable.
    Slot(usize),
    /// The projects of the document being checked.
    Projects,
    Field(Box<Ir>, FieldId),
    Call(Func, Vec<Ir>),
    Matches(Box<Ir>, Box<regex::Regex>),
    Neg(Box<Ir>),
    Arith(ArithOp, Box<Ir>, Box<Ir>),
    Compare(CmpOp, Box<Ir>, Box<Ir>),
    In {
        negated: bool,
        item: Box<Ir>,
        list: Box<Ir>,
    },
    Is {
        negated: bool,
        missing: bool,
        expr: Box<Ir>,
    },
    Coalesce(Box<Ir>, Box<Ir>),
    And(Box<Ir>, Box<Ir>),
    Or(Box<Ir>, Box<Ir>),
    Not(Box<Ir>),
    If(Box<Ir>, Box<Ir>, Box<Ir>),
    Quantified {
        quantifier: Quantifier,
        comp: Box<Comp>,
        /// `None`: the filter is the condition (`any x in c where cond`).
        body: Option<Box<Ir>>,
    },
    Aggregate(Aggregate, Box<Comp>),
    List(Vec<Ir>),
    ListComp(Box<Comp>),
}

/// `[map for] var in collection [where filter]`, with its evaluation plan.
#[derive(Debug, Clone)]
pub struct Comp {
    pub slot: usize,
    pub collection: Ir,
    pub filter: Option<Ir>,
    pub map: Option<Ir>,
    /// Iterate only the elements whose key matches (hash join), instead of the whole collection.
    pub join: Option<Join>,
    /// Cache the result per document: once when the comprehension uses no outer binding, or
    /// per join key when it uses outer bindings only through the join key.
    pub memo: Option<usize>,
    /// The collection uses no binding of the rule: it is the same for the whole document.
    pub closed: bool,
}

/// An equality join: `inner_key` depends only on the iteration variable, `outer_key` not at all
/// on it. The collection is indexed by `inner_key` once per document and collection (cache site
/// `site`), so each lookup costs only the matching elements.
#[derive(Debug, Clone)]
pub struct Join {
    pub site: usize,
    pub inner_key: Ir,
    pub outer_key: Ir,
    /// The collection is the same for the whole document (else it is cached by identity).
    pub closed: bool,
}

/// One step of a rule's query, run in order for every combination of bindings.
#[derive(Debug, Clone)]
pub enum Step {
    For {
        slot: usize,
        collection: Ir,
        join: Option<Box<Join>>,
    },
    Where(Ir),
    Let {
        slot: usize,
        value: Ir,
    },
}

/// A piece of a `{…}` template.
#[derive(Debug, Clone)]
pub enum Segment {
    Text(String),
    Expr(Ir),
}

pub type Template = Vec<Segment>;

/// Where a label points: a binding and a path of fields (`p.funds.total`).
#[derive(Debug, Clone)]
pub struct Place {
    pub slot: usize,
    pub root: Ty,
    pub path: Vec<FieldId>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Example {
    pub kind: ExampleKind,
    /// As written in the policy, relative to the policy file.
    pub path: String,
    pub expect: Option<u32>,
    pub span: Span,
}

/// Metadata of a binding, for explanations.
#[derive(Debug, Clone)]
pub struct SlotInfo {
    pub name: String,
    pub ty: Ty,
    pub span: Span,
}

/// One `require`: its condition and, if it has `else …`, what it reports instead of the rule.
#[derive(Debug, Clone)]
pub struct Requirement {
    pub cond: Ir,
    pub message: Option<Template>,
    pub severity: Option<Severity>,
    pub primary: Option<(Place, Option<Template>)>,
    pub help: Option<Template>,
}

#[derive(Debug, Clone)]
pub struct CompiledRule {
    pub id: String,
    pub severity: Severity,
    pub title: Option<String>,
    pub doc: Option<String>,
    pub tags: Vec<String>,
    pub message: Template,
    pub help: Option<Template>,
    pub steps: Vec<Step>,
    /// Independent checks: each one that is false gives a finding.
    pub requires: Vec<Requirement>,
    pub primary: Option<(Place, Option<Template>)>,
    pub labels: Vec<(Place, Option<Template>)>,
    pub examples: Vec<Example>,
    /// Index of the policy source the rule was written in.
    pub source: usize,
    pub span: Span,
    pub id_span: Span,
    pub slots: Vec<SlotInfo>,
    /// Number of cache sites (joins and memoised comprehensions).
    pub cache_sites: usize,
    /// The slot of the innermost `for` binding, the default place of a finding.
    pub anchor_slot: usize,
    /// Parameters the rule uses, by index.
    pub params: Vec<usize>,
}
