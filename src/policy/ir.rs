//! Checked and compiled rules: names resolved to slots, params and fields, types known, regexes
//! compiled, joins planned. Evaluation never looks a name up.

use crate::diagnostic::Severity;
use crate::model::{Category, Comparator, ValueKind};
use crate::policy::ast::{Aggregate, ArithOp, CmpOp, ExampleKind, Quantifier};
use crate::policy::types::{FieldId, Func, Ty};
use crate::span::Span;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::sync::Arc;

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
    /// The first capture group of a match (or the whole match when the pattern has no group).
    Capture(Box<Ir>, Box<regex::Regex>),
    Neg(Box<Ir>),
    Arith(ArithOp, Box<Ir>, Box<Ir>),
    /// Shared sides: a join's keys are these sides (see [`Join`]), not copies of them, so a
    /// key that holds a comprehension with a join of its own is not copied at every level.
    Compare(CmpOp, Arc<Ir>, Arc<Ir>),
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
    /// A `first` whose answer is the first element of its join key's group, looked up in the
    /// join's index instead of memoised (its filter is the join alone, its key read in place,
    /// its result the element): the look-up is not counted as a visit, as a memo hit was not.
    pub lookup: bool,
    /// The collection uses no binding of the rule: it is the same for the whole document.
    pub closed: bool,
}

/// An equality join (`inner == outer`) or a prefix join (`starts_with(inner, outer)`):
/// `inner_key` depends only on the iteration variable, `outer_key` not at all on it. The
/// collection is indexed by `inner_key` once per document and collection (cache site `site`) —
/// hashed for equality, sorted for prefixes — so each lookup costs only the matching elements.
#[derive(Debug, Clone)]
pub struct Join {
    pub site: usize,
    pub inner_key: Arc<Ir>,
    pub outer_key: Arc<Ir>,
    pub prefix: bool,
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
        /// The value is the same for the whole document: computed once.
        constant: bool,
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
    /// See [`CompiledRule::looks_at_one_form`].
    pub per_form: bool,
    /// See [`CompiledRule::reads_indicators`].
    pub needs_indicators: bool,
}

impl Ir {
    /// Call `visit` on this node and every node below it, comprehensions included (a join's
    /// keys are visited once, as the sides of the condition they come from).
    pub fn walk(&self, visit: &mut impl FnMut(&Ir)) {
        visit(self);
        match &self.kind {
            IrKind::Const(_) | IrKind::Param(_) | IrKind::Slot(_) | IrKind::Projects => {}
            IrKind::Field(a, _)
            | IrKind::Neg(a)
            | IrKind::Not(a)
            | IrKind::Matches(a, _)
            | IrKind::Capture(a, _) => a.walk(visit),
            IrKind::Is { expr, .. } => expr.walk(visit),
            IrKind::Call(_, args) | IrKind::List(args) => args.iter().for_each(|a| a.walk(visit)),
            IrKind::Compare(_, a, b) => {
                a.walk(visit);
                b.walk(visit);
            }
            IrKind::Arith(_, a, b)
            | IrKind::Coalesce(a, b)
            | IrKind::And(a, b)
            | IrKind::Or(a, b) => {
                a.walk(visit);
                b.walk(visit);
            }
            IrKind::In { item, list, .. } => {
                item.walk(visit);
                list.walk(visit);
            }
            IrKind::If(a, b, c) => {
                a.walk(visit);
                b.walk(visit);
                c.walk(visit);
            }
            IrKind::Quantified { comp, body, .. } => {
                comp.walk(visit);
                if let Some(b) = body {
                    b.walk(visit);
                }
            }
            IrKind::Aggregate(_, comp) | IrKind::ListComp(comp) => comp.walk(visit),
        }
    }
}

impl Comp {
    fn walk(&self, visit: &mut impl FnMut(&Ir)) {
        self.collection.walk(visit);
        for part in [&self.filter, &self.map].into_iter().flatten() {
            part.walk(visit);
        }
        // A join's keys are the sides of a condition of the filter: walked there, once.
    }
}

impl CompiledRule {
    /// Call `visit` on every expression of the rule: steps, requirements, messages and labels.
    pub fn walk(&self, visit: &mut impl FnMut(&Ir)) {
        let template = |t: &Template, visit: &mut dyn FnMut(&Ir)| {
            for segment in t {
                if let Segment::Expr(e) = segment {
                    e.walk(&mut |ir| visit(ir));
                }
            }
        };
        for step in &self.steps {
            match step {
                // A join's keys are sides of the `where` steps after it: walked there.
                Step::For { collection, .. } => collection.walk(visit),
                Step::Where(cond) => cond.walk(visit),
                Step::Let { value, .. } => value.walk(visit),
            }
        }
        for requirement in &self.requires {
            requirement.cond.walk(visit);
            for t in [&requirement.message, &requirement.help]
                .into_iter()
                .flatten()
            {
                template(t, visit);
            }
            if let Some((_, Some(t))) = &requirement.primary {
                template(t, visit);
            }
        }
        template(&self.message, visit);
        if let Some(t) = &self.help {
            template(t, visit);
        }
        for (_, label) in self.primary.iter().chain(&self.labels) {
            if let Some(t) = label {
                template(t, visit);
            }
        }
    }

    /// Whether the rule reads a form's indicators: it does not run on a form whose indicator
    /// table the reader could not read (`indicators_read` false), where a missing 效益指标 would
    /// be the reader's failing, not the form's.
    pub fn reads_indicators(&self) -> bool {
        let mut reads = false;
        self.walk(&mut |ir| {
            if matches!(
                ir.kind,
                IrKind::Field(_, crate::policy::types::FieldId::ProjectIndicators)
            ) {
                reads = true;
            }
        });
        reads
    }

    /// Whether the rule's outer loop is `for p in projects`: its findings on different forms
    /// can be computed apart (see `eval::run_rule_on`).
    pub fn loops_over_forms(&self) -> bool {
        matches!(
            self.steps.first(),
            Some(Step::For { collection, join: None, .. }) if matches!(collection.kind, IrKind::Projects)
        )
    }

    /// Whether the rule looks at one form at a time: its first step is `for p in projects` and
    /// nothing else reads `projects`. Such a rule finds the same on any split of a document into
    /// runs of forms, so a large document is checked in pieces, in parallel.
    pub fn looks_at_one_form(&self) -> bool {
        if !self.loops_over_forms() {
            return false;
        }
        let mut uses = 0usize;
        self.walk(&mut |ir| {
            if matches!(ir.kind, IrKind::Projects) {
                uses += 1;
            }
        });
        uses == 1
    }
}
