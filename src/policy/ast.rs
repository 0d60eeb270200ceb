//! The syntax tree of a policy file. Every node keeps its byte span in the policy source.

use crate::diagnostic::Severity;
use crate::span::Span;
use chrono::NaiveDate;
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A string literal: its value (escapes resolved), its raw text between the quotes (for
/// `{…}` templates) and where that raw text starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrLit {
    pub value: String,
    pub raw: String,
    pub raw_start: usize,
    /// Triple-quoted: no escapes, common indentation removed.
    pub triple: bool,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Item {
    Import(StrLit),
    Param(ParamDecl),
    Rule(RuleDecl),
}

#[derive(Debug, Clone)]
pub struct ParamDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Expr,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum TypeExpr {
    Named(Ident),
    List(Box<TypeExpr>, Span),
}

impl TypeExpr {
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Named(i) => i.span,
            TypeExpr::List(_, s) => *s,
        }
    }
}

#[derive(Debug, Clone)]
pub struct RuleDecl {
    pub id: Ident,
    pub clauses: Vec<Clause>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleKind {
    Pass,
    Fail,
}

#[derive(Debug, Clone)]
pub struct Clause {
    pub kind: ClauseKind,
    /// The clause keyword, for "duplicate clause" and "clause out of order" errors.
    pub keyword: Span,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ClauseKind {
    Severity(Severity),
    Title(StrLit),
    Doc(StrLit),
    Tags(Vec<StrLit>),
    Help(StrLit),
    Message(StrLit),
    For(Vec<Binding>),
    Where(Expr),
    Let(Ident, Expr),
    Require(Expr, Option<Box<Otherwise>>),
    At(Expr, Option<StrLit>),
    Label(Expr, Option<StrLit>),
    Example {
        kind: ExampleKind,
        path: StrLit,
        expect: Option<(u32, Span)>,
    },
}

impl ClauseKind {
    pub fn keyword(&self) -> &'static str {
        match self {
            ClauseKind::Severity(_) => "severity",
            ClauseKind::Title(_) => "title",
            ClauseKind::Doc(_) => "doc",
            ClauseKind::Tags(_) => "tags",
            ClauseKind::Help(_) => "help",
            ClauseKind::Message(_) => "message",
            ClauseKind::For(_) => "for",
            ClauseKind::Where(_) => "where",
            ClauseKind::Let(..) => "let",
            ClauseKind::Require(..) => "require",
            ClauseKind::At(..) => "at",
            ClauseKind::Label(..) => "label",
            ClauseKind::Example { .. } => "example",
        }
    }
}

/// `else "message"` or `else { message … severity … at … help … }` after a `require`: what
/// this requirement reports when it fails, instead of the rule's.
#[derive(Debug, Clone)]
pub struct Otherwise {
    pub message: Option<StrLit>,
    pub severity: Option<Severity>,
    pub at: Option<(Expr, Option<StrLit>)>,
    pub help: Option<StrLit>,
}

#[derive(Debug, Clone)]
pub struct Binding {
    pub name: Ident,
    pub collection: Expr,
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
    /// Nesting depth of this node (1 for a leaf); bounded by the loader.
    pub depth: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl ArithOp {
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// The operator that holds when this one does not.
    pub fn negated(self) -> CmpOp {
        match self {
            CmpOp::Eq => CmpOp::Ne,
            CmpOp::Ne => CmpOp::Eq,
            CmpOp::Lt => CmpOp::Ge,
            CmpOp::Le => CmpOp::Gt,
            CmpOp::Gt => CmpOp::Le,
            CmpOp::Ge => CmpOp::Lt,
        }
    }

    pub fn is_ordering(self) -> bool {
        !matches!(self, CmpOp::Eq | CmpOp::Ne)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    Any,
    All,
    None,
}

impl Quantifier {
    pub fn keyword(self) -> &'static str {
        match self {
            Quantifier::Any => "any",
            Quantifier::All => "all",
            Quantifier::None => "none",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    Count,
    Sum,
    Min,
    Max,
    First,
    MostCommon,
    Distinct,
    /// `group(x in C by key)`: the groups, in the order their keys first appear.
    Group,
}

impl Aggregate {
    pub const ALL: [Aggregate; 8] = [
        Aggregate::Count,
        Aggregate::Sum,
        Aggregate::Min,
        Aggregate::Max,
        Aggregate::First,
        Aggregate::MostCommon,
        Aggregate::Distinct,
        Aggregate::Group,
    ];

    pub fn from_name(name: &str) -> Option<Aggregate> {
        Aggregate::ALL.into_iter().find(|a| a.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Aggregate::Count => "count",
            Aggregate::Sum => "sum",
            Aggregate::Min => "min",
            Aggregate::Max => "max",
            Aggregate::First => "first",
            Aggregate::MostCommon => "most_common",
            Aggregate::Distinct => "distinct",
            Aggregate::Group => "group",
        }
    }
}

/// `x in collection where filter`, optionally mapped: `expr for x in collection where filter`.
#[derive(Debug, Clone)]
pub struct Comprehension {
    pub var: Ident,
    pub collection: Box<Expr>,
    pub filter: Option<Box<Expr>>,
    pub map: Option<Box<Expr>>,
}

impl Expr {
    /// Whether a name in `names` occurs anywhere in the expression (also where a nested
    /// comprehension binds the same name: an over-approximation, which is what placing a
    /// condition needs).
    pub fn mentions(&self, names: &[&str]) -> bool {
        let mut stack: Vec<&Expr> = vec![self];
        while let Some(e) = stack.pop() {
            match &e.kind {
                ExprKind::Bool(_)
                | ExprKind::Number(_)
                | ExprKind::Quantity(..)
                | ExprKind::Date(_)
                | ExprKind::Str(_) => {}
                ExprKind::Name(id) => {
                    if names.contains(&id.name.as_str()) {
                        return true;
                    }
                }
                ExprKind::List(items) | ExprKind::Call(_, items) => stack.extend(items),
                ExprKind::Field(a, _)
                | ExprKind::Neg(a)
                | ExprKind::Not(a)
                | ExprKind::Is { expr: a, .. } => stack.push(a),
                ExprKind::Arith(_, a, b)
                | ExprKind::Compare(_, a, b)
                | ExprKind::Coalesce(a, b)
                | ExprKind::And(a, b)
                | ExprKind::Or(a, b)
                | ExprKind::In {
                    item: a, list: b, ..
                } => {
                    stack.push(a);
                    stack.push(b);
                }
                ExprKind::If(a, b, c) => stack.extend([&**a, &**b, &**c]),
                ExprKind::ListComp(c) | ExprKind::Aggregate(_, c) => {
                    stack.push(&c.collection);
                    stack.extend(c.filter.as_deref());
                    stack.extend(c.map.as_deref());
                }
                ExprKind::Quantified { comp, body, .. } => {
                    stack.push(&comp.collection);
                    stack.extend(comp.filter.as_deref());
                    stack.extend(body.as_deref());
                }
            }
        }
        false
    }
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Bool(bool),
    Number(Decimal),
    /// A number with a unit as written (`90%`, `13.6万元`, `2470人`, `475元/亩`).
    Quantity(Decimal, String),
    Date(NaiveDate),
    Str(StrLit),
    List(Vec<Expr>),
    ListComp(Comprehension),
    Name(Ident),
    Field(Box<Expr>, Ident),
    Call(Ident, Vec<Expr>),
    Neg(Box<Expr>),
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    Compare(CmpOp, Box<Expr>, Box<Expr>),
    In {
        negated: bool,
        item: Box<Expr>,
        list: Box<Expr>,
    },
    Is {
        negated: bool,
        missing: bool,
        expr: Box<Expr>,
    },
    Coalesce(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Quantified {
        quantifier: Quantifier,
        comp: Comprehension,
        /// `None` when the form is `any x in c where cond` (the filter is the condition).
        body: Option<Box<Expr>>,
    },
    Aggregate(Aggregate, Comprehension),
}
