//! `policy::unguarded-kind`: a rule that reads a field of a value that exists for one kind only
//! (`i.value.money` exists when the value is money) without narrowing the kind first.
//!
//! Conditions are three-valued: on every other kind the field is missing, the comparison is
//! unknown, and a `require` that is unknown passes. So `require i.value.money <= p.funds.total`
//! on a form whose cost indicators include `成本控制率 =100%` checks nothing for that indicator —
//! and inside `any`/`all`, one unknown element can make the whole result unknown, so the rule
//! checks nothing at all on that form (the shipped `funds.cost-within-total` did exactly that).
//! A `where` that narrows the kind (`i.value.kind == money`) or asks for the field
//! (`i.value.money is present`) guards it: for a `for` binding, in the rule's `where`; for a
//! quantifier binding, in its own `where`; anywhere, as a conjunct beside the read. Reads where a
//! missing value is harmless are not warned about: in a `where` (an unknown filter leaves the
//! element out, as documented) and in what an aggregate sums, counts or compares (missing values
//! are skipped).

use crate::diagnostic::Diagnostic;
use crate::model::ValueKind;
use crate::policy::ir::{CompiledRule, Const, Ir, IrKind, Step};
use crate::policy::types::FieldId;
use std::collections::{HashMap, HashSet};

/// The kind a value field exists for.
fn kind_of(field: FieldId) -> Option<ValueKind> {
    Some(match field {
        FieldId::ValueMoney => ValueKind::Money,
        FieldId::ValuePercent => ValueKind::Percent,
        FieldId::ValueCount => ValueKind::Count,
        FieldId::ValueDate => ValueKind::Date,
        FieldId::ValueRate => ValueKind::Rate,
        FieldId::ValueNumber => ValueKind::Number,
        _ => return None,
    })
}

fn kind_name(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::Money => "money",
        ValueKind::Percent => "percent",
        ValueKind::Count => "count",
        ValueKind::Date => "date",
        ValueKind::Rate => "rate",
        ValueKind::Number => "number",
        ValueKind::Qualitative => "qualitative",
        _ => "text",
    }
}

/// The binding whose value `ir` is (`i.value` → `i`).
fn value_of(ir: &Ir) -> Option<usize> {
    match &ir.kind {
        IrKind::Field(base, FieldId::IndicatorValue) => match base.kind {
            IrKind::Slot(slot) => Some(slot),
            _ => None,
        },
        _ => None,
    }
}

/// What the conjuncts of `cond` guarantee: (binding, kind) pairs.
fn narrowings(cond: &Ir, out: &mut HashSet<(usize, ValueKind)>) {
    match &cond.kind {
        IrKind::And(a, b) => {
            narrowings(a, out);
            narrowings(b, out);
        }
        // `i.value.kind == money` (either way round).
        IrKind::Compare(crate::policy::ast::CmpOp::Eq, a, b) => {
            for (field, constant) in [(a, b), (b, a)] {
                if let (IrKind::Field(value, FieldId::ValueKind), IrKind::Const(Const::Kind(k))) =
                    (&field.kind, &constant.kind)
                    && let Some(slot) = value_of(value)
                {
                    out.insert((slot, *k));
                }
            }
        }
        // `i.value.money is present`.
        // (`is present` and `is not missing` both say the value is there.)
        IrKind::Is {
            negated,
            missing,
            expr,
        } if negated == missing => {
            if let IrKind::Field(value, field) = &expr.kind
                && let (Some(slot), Some(kind)) = (value_of(value), kind_of(*field))
            {
                out.insert((slot, kind));
            }
        }
        _ => {}
    }
}

/// Warnings for the rule: one per unguarded field read.
pub fn check(rule: &CompiledRule) -> Vec<Diagnostic> {
    let mut guarded: HashSet<(usize, ValueKind)> = HashSet::new();
    let mut reads: Vec<&Ir> = Vec::new();
    for step in &rule.steps {
        match step {
            Step::Where(cond) => narrowings(cond, &mut guarded),
            Step::Let { value, .. } => reads.push(value),
            Step::For { .. } => {}
        }
    }
    for requirement in &rule.requires {
        reads.push(&requirement.cond);
    }
    let mut places: Vec<&Ir> = Vec::new();
    for ir in &reads {
        decisive(ir, &mut places);
    }
    // Quantifier and aggregate filters guard their own binding; inside a condition, a conjunct
    // guards the others (`not (i.value.kind == percent and i.value.percent == 100%)`).
    for ir in &reads {
        ir.walk(&mut |node| match &node.kind {
            IrKind::Quantified { comp, .. }
            | IrKind::Aggregate(_, comp)
            | IrKind::ListComp(comp) => {
                if let Some(filter) = &comp.filter {
                    narrowings(filter, &mut guarded);
                }
            }
            IrKind::And(..) => narrowings(node, &mut guarded),
            _ => {}
        });
    }
    // Each unguarded read once, at its first place.
    let mut seen: HashMap<(usize, FieldId), ()> = HashMap::new();
    let mut unguarded: Vec<(crate::span::Span, usize, ValueKind)> = Vec::new();
    for node in places {
        if let IrKind::Field(value, field) = &node.kind
            && let (Some(slot), Some(kind)) = (value_of(value), kind_of(*field))
            && !guarded.contains(&(slot, kind))
            && seen.insert((slot, *field), ()).is_none()
        {
            unguarded.push((node.span, slot, kind));
        }
    }
    unguarded
        .into_iter()
        .map(|(span, slot, kind)| {
            let name = kind_name(kind);
            let var = rule.slots.get(slot).map_or("i", |s| s.name.as_str());
            Diagnostic::warning(
                "policy::unguarded-kind",
                format!(
                    "这个字段只在指标值类型为 {name} 时才有；其他指标上条件为“未知”，要求会直接通过（在 any、sum 中会让整个结果成为未知）"
                ),
            )
            .with_primary(span, Some(format!("只有 {name} 类型的值才有")))
            .with_help(format!(
                "在 where 中限定类型：where {var}.value.kind == {name}（量词、汇总写在它们自己的 where 中）"
            ))
        })
        .collect()
}

/// The expressions of `ir` whose being missing decides the outcome: everything except filters
/// (an unknown filter leaves its element out) and what aggregates range over (missing values are
/// skipped). A quantifier's condition counts — its filter too when it is the condition
/// (`any j in c where j.value.money > …`).
fn decisive<'a>(ir: &'a Ir, out: &mut Vec<&'a Ir>) {
    out.push(ir);
    match &ir.kind {
        IrKind::Const(_) | IrKind::Param(_) | IrKind::Slot(_) | IrKind::Projects => {}
        IrKind::Field(a, _)
        | IrKind::Neg(a)
        | IrKind::Not(a)
        | IrKind::Matches(a, _)
        | IrKind::Capture(a, _) => decisive(a, out),
        IrKind::Is { expr, .. } => decisive(expr, out),
        IrKind::Call(_, args) | IrKind::List(args) => args.iter().for_each(|a| decisive(a, out)),
        IrKind::Compare(_, a, b) => {
            decisive(a, out);
            decisive(b, out);
        }
        IrKind::Arith(_, a, b) | IrKind::Coalesce(a, b) | IrKind::And(a, b) | IrKind::Or(a, b) => {
            decisive(a, out);
            decisive(b, out);
        }
        IrKind::In { item, list, .. } => {
            decisive(item, out);
            decisive(list, out);
        }
        IrKind::If(a, b, c) => {
            decisive(a, out);
            decisive(b, out);
            decisive(c, out);
        }
        IrKind::Quantified { comp, body, .. } => {
            decisive(&comp.collection, out);
            match body {
                Some(b) => decisive(b, out),
                None => {
                    if let Some(filter) = &comp.filter {
                        decisive(filter, out);
                    }
                }
            }
        }
        IrKind::Aggregate(_, comp) | IrKind::ListComp(comp) => decisive(&comp.collection, out),
    }
}
