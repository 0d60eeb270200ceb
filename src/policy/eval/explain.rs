//! Why a requirement failed, in plain Chinese about the form: the fields and values that made it
//! false (`百分比为 85%，小于 参数 min_satisfaction 90%`), never the rule's internals — no
//! variable names, no regular expressions, no source text.
//!
//! Each expression gets, where it has one, a *noun* naming what it reads (`本表的资金总额`,
//! `指标“培训人数”的数量`, `参数 min_satisfaction`); a `let` is named by what it is defined as. A
//! condition is then described as false (`explain`), as true (`explain_true`, under `not`), or,
//! inside a quantifier, as a predicate over any element (`predicate`).

use super::{Frame, MAX_EXPLANATION, R};
use crate::policy::ast::{Aggregate, ArithOp, CmpOp, Quantifier};
use crate::policy::ir::{Comp, Const, Ir, IrKind, Step};
use crate::policy::runtime::{Val, shown};
use crate::policy::types::{FieldId, Func};

/// How deep names and descriptions of nested expressions go before giving up.
const MAX_DEPTH: usize = 8;

impl<'a> Frame<'a> {
    /// Why `ir` is false: one line per condition that failed.
    pub(super) fn explain(&mut self, ir: &'a Ir, out: &mut Vec<String>, depth: usize) -> R<()> {
        if out.len() >= MAX_EXPLANATION || depth > 16 {
            return Ok(());
        }
        match &ir.kind {
            IrKind::Compare(op, a, b) => {
                let line = self.comparison(*op, a, b, false)?;
                out.push(line);
            }
            IrKind::And(a, b) => {
                // As evaluation does: `b` is not looked at when `a` is false (under
                // `kind == money and amount >= 1元`, `b` would fail on other kinds).
                if self.truth(a)? == Some(false) {
                    self.explain(a, out, depth + 1)?;
                } else if self.truth(b)? == Some(false) {
                    self.explain(b, out, depth + 1)?;
                }
            }
            IrKind::Or(a, b) => {
                self.explain(a, out, depth + 1)?;
                self.explain(b, out, depth + 1)?;
            }
            IrKind::Not(a) => self.explain_true(a, out, depth + 1)?,
            // `if c then a else b`: the branch that was taken is the reason.
            IrKind::If(c, t, e) => match self.truth(c)? {
                Some(true) => self.explain(t, out, depth + 1)?,
                Some(false) => self.explain(e, out, depth + 1)?,
                None => self.explain(c, out, depth + 1)?,
            },
            IrKind::Slot(slot) => match self.let_definition(*slot) {
                Some(definition) => self.explain(definition, out, depth + 1)?,
                None => out.push("规则的条件不成立".to_owned()),
            },
            IrKind::Quantified {
                quantifier,
                comp,
                body,
            } => self.explain_quantified(*quantifier, comp, body.as_deref(), out, depth)?,
            // `require false`: the rule's `where` is the whole reason, and the message says it.
            IrKind::Const(_) => {}
            _ => {
                let line = self.fact(ir, false)?;
                out.push(line);
            }
        }
        Ok(())
    }

    /// Why `ir` is true (it is under a `not`): the facts that make it so.
    fn explain_true(&mut self, ir: &'a Ir, out: &mut Vec<String>, depth: usize) -> R<()> {
        if out.len() >= MAX_EXPLANATION || depth > 16 {
            return Ok(());
        }
        match &ir.kind {
            IrKind::Compare(op, a, b) => {
                let line = self.comparison(*op, a, b, true)?;
                out.push(line);
            }
            IrKind::And(a, b) => {
                self.explain_true(a, out, depth + 1)?;
                self.explain_true(b, out, depth + 1)?;
            }
            IrKind::Or(a, b) => {
                for side in [a, b] {
                    if self.truth(side)? == Some(true) {
                        self.explain_true(side, out, depth + 1)?;
                        break;
                    }
                }
            }
            IrKind::Not(a) => self.explain(a, out, depth + 1)?,
            IrKind::If(c, t, e) => match self.truth(c)? {
                Some(true) => self.explain_true(t, out, depth + 1)?,
                Some(false) => self.explain_true(e, out, depth + 1)?,
                None => self.explain_true(c, out, depth + 1)?,
            },
            IrKind::Slot(slot) => match self.let_definition(*slot) {
                Some(definition) => self.explain_true(definition, out, depth + 1)?,
                None => out.push("规则排除的情形成立".to_owned()),
            },
            IrKind::Quantified {
                quantifier,
                comp,
                body,
            } => {
                let line = self.quantified_true(*quantifier, comp, body.as_deref())?;
                out.push(line);
            }
            _ => {
                let line = self.fact(ir, true)?;
                out.push(line);
            }
        }
        Ok(())
    }

    /// A comparison that came out `holds` (true under a `not`, false otherwise).
    fn comparison(&mut self, op: CmpOp, a: &'a Ir, b: &'a Ir, holds: bool) -> R<String> {
        let (x, y) = (self.eval(a)?, self.eval(b)?);
        let relation = if holds { op } else { op.negated() };
        let left = match self.noun(a, 0) {
            Some(n) if x.is_missing() => return Ok(format!("{n}缺失")),
            Some(n) => format!("{n}为 {}{}", value_text(&x), self.counted_items(a)?),
            None => value_text(&x),
        };
        if y.is_missing() {
            return Ok(match self.noun(b, 0) {
                Some(n) => format!("{left}，{n}缺失"),
                None => format!("{left}，比较的另一方缺失"),
            });
        }
        let constant = matches!(b.kind, IrKind::Const(_));
        let y_text = self.literal_text(b, &y);
        // A literal on the right is the requirement itself: `（要求不为 定性）`, not `等于 定性`.
        let required = |words: &str| {
            if left.ends_with('）') {
                format!("{}；要求{words} {y_text}）", left.trim_end_matches('）'))
            } else {
                format!("{left}（要求{words} {y_text}）")
            }
        };
        Ok(match (op, constant, holds) {
            (CmpOp::Eq, true, true) => left,
            (CmpOp::Eq, true, false) => required("为"),
            (CmpOp::Ne, true, false) => required("不为"),
            (_, true, false) => required(relation_words(op)),
            _ => {
                let right = match self.noun(b, 0) {
                    Some(n) => format!("{n} {y_text}"),
                    None => y_text,
                };
                format!("{left}，{} {right}", relation_words(relation))
            }
        })
    }

    /// What a `count(list)` of a short list counted, as `（时效指标、质量指标）`: the items say
    /// more than their number.
    fn counted_items(&mut self, ir: &'a Ir) -> R<String> {
        let IrKind::Aggregate(Aggregate::Count, comp) = &ir.kind else {
            return Ok(String::new());
        };
        if comp.filter.is_some() || comp.map.is_some() {
            return Ok(String::new());
        }
        let items = self.eval(&comp.collection)?;
        Ok(match &items {
            Val::List(_) | Val::Consts(_) if (1..=10).contains(&items.count().unwrap_or(0)) => {
                format!("（{}）", shown(&items))
            }
            _ => String::new(),
        })
    }

    /// A condition that is neither a comparison nor a combination, described as `holds`.
    fn fact(&mut self, ir: &'a Ir, holds: bool) -> R<String> {
        let subject = |frame: &mut Self, e: &'a Ir| -> R<String> {
            let v = frame.eval(e)?;
            Ok(match frame.noun(e, 0) {
                Some(n) if v.is_missing() => format!("{n}（缺失）"),
                Some(n) => format!("{n} {}", value_text(&v)),
                None => value_text(&v),
            })
        };
        Ok(match &ir.kind {
            IrKind::Is { expr, missing, .. } => {
                let v = self.eval(expr)?;
                let n = self.noun(expr, 0).unwrap_or_else(|| "算出的值".to_owned());
                if v.is_missing() {
                    format!("{n}缺失")
                } else if *missing && self.is_search(expr, 0) {
                    format!("找到了 {}（要求找不到）", value_text(&v))
                } else if *missing {
                    format!("{n}为 {}（要求没有这一项）", value_text(&v))
                } else {
                    format!("{n}为 {}", value_text(&v))
                }
            }
            IrKind::In {
                negated,
                item,
                list,
            } => {
                let s = subject(self, item)?;
                let l = self.eval(list)?;
                let inside = holds != *negated;
                let where_ = match self.noun(list, 0) {
                    Some(n) => format!("{n}（{}）", shown(&l)),
                    None => shown(&l),
                };
                format!("{s}，{} {where_} 之中", if inside { "在" } else { "不在" })
            }
            IrKind::Matches(text, _) => {
                let s = subject(self, text)?;
                format!(
                    "{s}{}规则给出的文字模式",
                    if holds { "符合" } else { "不符合" }
                )
            }
            IrKind::Call(func @ (Func::Contains | Func::StartsWith | Func::EndsWith), args) => {
                let (Some(text), Some(part)) = (args.first(), args.get(1)) else {
                    return Ok(generic(holds));
                };
                let s = subject(self, text)?;
                let t = self.eval(text)?;
                let p = self.eval(part)?;
                let (before, after) = match func {
                    Func::Contains => ("含有", ""),
                    Func::StartsWith => ("以", "开头"),
                    _ => ("以", "结尾"),
                };
                let is_list = matches!(p, Val::List(_) | Val::Consts(_));
                let p = match p.count() {
                    // A literal list of one item reads as that item.
                    Some(1) if is_list && self.noun(part, 0).is_none() => {
                        p.element(0).unwrap_or(Val::Missing)
                    }
                    _ => p,
                };
                let is_list = matches!(p, Val::List(_) | Val::Consts(_));
                if !is_list {
                    let part_text = match self.noun(part, 0) {
                        Some(n) => format!("{n} {}", value_text(&p)),
                        None => value_text(&p),
                    };
                    let not = if holds { "" } else { "不" };
                    return Ok(format!("{s}{not}{before}{part_text}{after}"));
                }
                let list = self.list_text(part, &p, 0);
                // Name the item that matched, not just the list it is in.
                // The built-in itself decides, one item at a time.
                let matched = (0..p.count().unwrap_or(0))
                    .filter_map(|k| p.element(k))
                    .find(|item| {
                        matches!(
                            super::call(*func, &[t.clone(), item.clone()]),
                            Ok(Val::Bool(true))
                        )
                    });
                match matched {
                    Some(item) if holds => {
                        format!("{s}{before}{}{after}（{list} 中的一项）", value_text(&item))
                    }
                    _ if holds => format!("{s}{before}{list} 中的一项{after}"),
                    _ => format!("{s}不{before}{list} 中的任何一项{after}"),
                }
            }
            IrKind::Call(Func::Subset, args) => {
                let (Some(small), Some(large)) = (args.first(), args.get(1)) else {
                    return Ok(generic(holds));
                };
                let s = subject(self, small)?;
                let l = subject(self, large)?;
                format!("{s}{} {l} 之中", if holds { "都在" } else { "不全在" })
            }
            _ => {
                let v = self.eval(ir)?;
                match self.noun(ir, 0) {
                    Some(n) if v.is_missing() => format!("{n}缺失"),
                    Some(n) => format!("{n}为 {}", value_text(&v)),
                    None => generic(holds),
                }
            }
        })
    }

    fn explain_quantified(
        &mut self,
        quantifier: Quantifier,
        comp: &'a Comp,
        body: Option<&'a Ir>,
        out: &mut Vec<String>,
        depth: usize,
    ) -> R<()> {
        let (filter, condition) = match (body, &comp.filter) {
            (Some(b), f) => (f.as_ref(), b),
            (None, Some(f)) => (None, f),
            (None, None) => return Ok(()),
        };
        let collection = self.collection_noun(comp);
        let coll = self.eval(&comp.collection)?;
        let saved = self.get(comp.slot);
        let mut considered = 0usize;
        let mut witness = None;
        for k in 0..coll.count().unwrap_or(0) {
            let element = coll.element(k).unwrap_or(Val::Missing);
            self.set(comp.slot, element.clone());
            if let Some(f) = filter
                && self.truth(f)? != Some(true)
            {
                continue;
            }
            considered += 1;
            let t = self.truth(condition)?;
            let is_witness = match quantifier {
                Quantifier::All => t == Some(false),
                Quantifier::None => t == Some(true),
                Quantifier::Any => false,
            };
            if is_witness {
                witness = Some((k, element));
                break;
            }
        }
        let predicate = self
            .unbound_predicate(condition, comp.slot)
            .unwrap_or_else(|| "满足规则的条件".to_owned());
        match (quantifier, witness) {
            (Quantifier::Any, _) => {
                let scope = if filter.is_some() {
                    "中符合条件的"
                } else {
                    ""
                };
                let all = self.unbound_opposite(condition, comp.slot);
                out.push(match (considered, all) {
                    (0, _) => format!("{collection}{scope}一个也没有"),
                    // Every one was looked at and the condition was false for each.
                    (_, Some(all)) => {
                        format!("{collection}{scope}共 {considered} 个，{all}")
                    }
                    (_, None) => {
                        format!("{collection}{scope}共 {considered} 个，没有一个{predicate}")
                    }
                });
            }
            (Quantifier::All, Some((k, element))) => {
                // The element is bound here (the loop stopped on it): say what it has.
                let mut why = Vec::new();
                let outer = self.named_element.replace(comp.slot);
                let explained = self.explain(condition, &mut why, depth + 1);
                self.named_element = outer;
                explained?;
                let why = if why.is_empty() {
                    format!("不满足：{predicate}")
                } else {
                    why.join("；")
                };
                out.push(format!(
                    "{collection}中第 {} 个（{}）：{why}",
                    k + 1,
                    shown(&element)
                ));
            }
            (Quantifier::None, Some((k, element))) => {
                // The element is bound here: the facts that make it one, not the condition.
                let mut facts = Vec::new();
                let outer = self.named_element.replace(comp.slot);
                let explained = self.explain_true(condition, &mut facts, depth + 1);
                self.named_element = outer;
                explained?;
                let facts = if facts.is_empty() {
                    predicate
                } else {
                    format!("：{}", facts.join("；"))
                };
                out.push(format!(
                    "{collection}中第 {} 个（{}）{facts}",
                    k + 1,
                    shown(&element)
                ));
            }
            _ => {}
        }
        self.set(comp.slot, saved);
        Ok(())
    }

    /// A quantifier that is true, under a `not`.
    fn quantified_true(
        &mut self,
        quantifier: Quantifier,
        comp: &'a Comp,
        body: Option<&'a Ir>,
    ) -> R<String> {
        let collection = self.collection_noun(comp);
        let condition = match (body, &comp.filter) {
            (Some(b), _) => b,
            (None, Some(f)) => f,
            (None, None) => return Ok(format!("{collection}不为空")),
        };
        let predicate = self
            .unbound_predicate(condition, comp.slot)
            .unwrap_or_else(|| "符合规则的条件".to_owned());
        Ok(match quantifier {
            Quantifier::Any => format!("{collection}中有{predicate}的"),
            Quantifier::All => format!("{collection}中每一个都{predicate}"),
            Quantifier::None => format!("{collection}中没有一个{predicate}"),
        })
    }

    fn collection_noun(&mut self, comp: &'a Comp) -> String {
        self.noun(&comp.collection, 0)
            .unwrap_or_else(|| "列表".to_owned())
    }

    /// [`Frame::predicate`] with `var` unbound while it is described, so its fields have no
    /// owner (`类别为 成本`, not `指标“…”的类别为 成本`).
    fn unbound_predicate(&mut self, ir: &'a Ir, var: usize) -> Option<String> {
        self.unbound(ir, var, 0, false)
    }

    /// A list a text was tested against, in words: its name (`参数 positive_suffixes`), or its
    /// first items quoted and its size when it is long.
    fn list_text(&mut self, ir: &'a Ir, list: &Val<'a>, depth: usize) -> String {
        if let Some(n) = self.noun(ir, depth) {
            return n;
        }
        const LISTED: usize = 6;
        let count = list.count().unwrap_or(0);
        if count == 0 {
            return "（空列表）".to_owned();
        }
        let first = (0..count.min(LISTED))
            .filter_map(|k| list.element(k))
            .map(|item| value_text(&item))
            .collect::<Vec<_>>()
            .join("、");
        if count > LISTED {
            format!("{first} 等 {count} 项")
        } else {
            first
        }
    }

    /// [`Frame::unbound_predicate`] of the condition's opposite said of every element, when the
    /// condition is one comparison: "none has a kind other than 定性" is said as "their kinds
    /// are all 定性" (`指标值的类型都为 定性`).
    fn unbound_opposite(&mut self, ir: &'a Ir, var: usize) -> Option<String> {
        self.unbound(ir, var, 0, true)
    }

    fn unbound(&mut self, ir: &'a Ir, var: usize, depth: usize, opposite: bool) -> Option<String> {
        let saved = self.get(var);
        self.set(var, Val::Missing);
        let outer = self.described_var.replace(var);
        let described = self.predicate_of(ir, var, depth, opposite);
        self.described_var = outer;
        self.set(var, saved);
        described
    }

    /// A condition on the element bound to `var`, without its value: `一级指标类别为 成本`.
    /// Parts that do not read `var` are shown with their values.
    fn predicate(&mut self, ir: &'a Ir, var: usize, depth: usize) -> Option<String> {
        self.predicate_of(ir, var, depth, false)
    }

    /// [`Frame::predicate`], or with `opposite` that of its negation — for a comparison only.
    fn predicate_of(
        &mut self,
        ir: &'a Ir,
        var: usize,
        depth: usize,
        opposite: bool,
    ) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        if opposite && !matches!(ir.kind, IrKind::Compare(..)) {
            return None;
        }
        let constant = |frame: &mut Self, e: &'a Ir| -> Option<String> {
            if reads_slot(e, var) {
                return None;
            }
            let v = frame.eval(e).ok()?;
            let text = frame.literal_text(e, &v);
            Some(match frame.noun(e, depth + 1) {
                Some(n) => format!("{n}（{text}）"),
                None => text,
            })
        };
        match &ir.kind {
            IrKind::Compare(op, a, b) => {
                let subject = self.noun(a, depth + 1)?;
                // The same field of another element (`j.name == i.name`): its value alone, not
                // `指标名称为 指标名称（“…”）`.
                let same_field = !reads_slot(b, var)
                    && matches!((&a.kind, &b.kind),
                        (IrKind::Field(_, x), IrKind::Field(_, y)) if x == y);
                let other = if same_field {
                    let v = self.eval(b).ok()?;
                    self.literal_text(b, &v)
                } else {
                    constant(self, b)?
                };
                // The opposite is said of every element: `指标值的类型都为 定性`.
                let (op, all) = if opposite {
                    (op.negated(), "都")
                } else {
                    (*op, "")
                };
                Some(match op {
                    CmpOp::Eq => format!("{subject}{all}为 {other}"),
                    CmpOp::Ne => format!("{subject}{all}不为 {other}"),
                    _ => format!("{subject}{all}{} {other}", relation_words(op)),
                })
            }
            IrKind::In {
                negated,
                item,
                list,
            } => {
                let subject = self.noun(item, depth + 1)?;
                let l = constant(self, list)?;
                Some(format!(
                    "{subject}{}{l}之一",
                    if *negated { "不是" } else { "是" }
                ))
            }
            IrKind::And(a, b) | IrKind::Or(a, b) => {
                let x = self.predicate(a, var, depth + 1)?;
                let y = self.predicate(b, var, depth + 1)?;
                let joint = if matches!(ir.kind, IrKind::And(..)) {
                    "且"
                } else {
                    "或"
                };
                Some(format!("{x}{joint}{y}"))
            }
            IrKind::Not(a) => Some(format!("不满足“{}”", self.predicate(a, var, depth + 1)?)),
            IrKind::Is { expr, missing, .. } => {
                let subject = self.noun(expr, depth + 1)?;
                Some(if *missing {
                    format!("{subject}缺失")
                } else {
                    format!("有{subject}")
                })
            }
            IrKind::Matches(text, _) => Some(format!(
                "{}符合规则给出的文字模式",
                self.noun(text, depth + 1)?
            )),
            IrKind::Call(func @ (Func::Contains | Func::StartsWith | Func::EndsWith), args) => {
                let subject = self.noun(args.first()?, depth + 1)?;
                let part_ir = args.get(1)?;
                let part = if reads_slot(part_ir, var) {
                    return None;
                } else {
                    match self.eval(part_ir).ok()? {
                        l @ (Val::List(_) | Val::Consts(_)) => {
                            format!("{} 中的一项", self.list_text(part_ir, &l, depth + 1))
                        }
                        _ => constant(self, part_ir)?,
                    }
                };
                let verb = match func {
                    Func::Contains => "含有",
                    Func::StartsWith => "开头为",
                    _ => "结尾为",
                };
                Some(format!("{subject}{verb} {part}"))
            }
            _ => None,
        }
    }

    /// What an expression reads, in words, or `None` when it has no plain name (a literal, a
    /// computation): `本表的资金总额`, `指标“培训人数”的数量`, `参数 min_satisfaction`.
    fn noun(&mut self, ir: &'a Ir, depth: usize) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        match &ir.kind {
            IrKind::Param(index) => self.params.get(*index).map(|p| format!("参数 {}", p.name)),
            IrKind::Projects => Some("本文件的表".to_owned()),
            IrKind::Slot(slot) => match self.let_definition(*slot) {
                Some(definition) => self.noun(definition, depth + 1),
                None => None,
            },
            IrKind::Field(base, field) => {
                let name = field_words(*field);
                match &base.kind {
                    IrKind::Field(owner, FieldId::ProjectFunds | FieldId::ProjectDepartment) => {
                        Some(format!("{}{name}", self.owner(owner, depth + 1)))
                    }
                    IrKind::Field(owner, FieldId::IndicatorValue) => {
                        let prefix = self.owner(owner, depth + 1);
                        Some(match field {
                            FieldId::ValueText => format!("{prefix}指标值"),
                            _ => format!("{prefix}指标值的{name}"),
                        })
                    }
                    IrKind::Field(owner, FieldId::IndicatorMidtermValue) => Some(format!(
                        "{}中期指标值的{name}",
                        self.owner(owner, depth + 1)
                    )),
                    _ => Some(format!("{}{name}", self.owner(base, depth + 1))),
                }
            }
            // `count(x for a in A, b in B …)` is read as a sum of counts: named as one count.
            IrKind::Aggregate(Aggregate::Sum, comp)
                if matches!(
                    comp.map.as_ref().map(|m| &m.kind),
                    Some(IrKind::Aggregate(Aggregate::Count | Aggregate::Sum, _))
                ) =>
            {
                self.nested_aggregate(comp, depth)
            }
            IrKind::Aggregate(aggregate, comp) => {
                let of = self.map_noun(comp, depth);
                let collection = self.noun(&comp.collection, depth + 1);
                let scope = if comp.filter.is_some() {
                    "中符合条件的"
                } else {
                    ""
                };
                let base = match (collection, of) {
                    (Some(c), Some(o)) => format!("{c}{scope}{o}"),
                    (Some(c), None) => format!("{c}{scope}"),
                    (None, Some(o)) => format!("符合条件的{o}"),
                    (None, None) => "符合条件的值".to_owned(),
                };
                let base_of = if base.ends_with('的') {
                    base.clone()
                } else {
                    format!("{base}的")
                };
                Some(match aggregate {
                    Aggregate::Count => format!("{base_of}个数"),
                    Aggregate::Sum => format!("{base}之和"),
                    Aggregate::Min => format!("{base}中最小的"),
                    Aggregate::Max => format!("{base}中最大的"),
                    Aggregate::First => match (&comp.map, &comp.filter) {
                        // Say what it is the first of: `本表的指标中第一个指标名称为 “…”的`.
                        (None, Some(filter)) => {
                            let collection = self.collection_noun(comp);
                            match self.unbound(filter, comp.slot, depth + 1, false) {
                                Some(what) => format!("{collection}中第一个{what}的"),
                                None => format!("{collection}中第一个符合条件的一项"),
                            }
                        }
                        _ => format!("{base}中的第一个"),
                    },
                    Aggregate::MostCommon => format!("{base}中最常见的写法"),
                    Aggregate::Distinct => format!("{base}（去重）"),
                    Aggregate::Group => format!("{base_of}分组"),
                })
            }
            IrKind::ListComp(comp) => {
                let collection = self.noun(&comp.collection, depth + 1);
                let of = self.map_noun(comp, depth);
                let filtered = comp.filter.is_some();
                Some(match (collection, of) {
                    (Some(c), Some(o)) if filtered => format!("{c}中符合条件的{o}"),
                    (Some(c), Some(o)) => format!("{c}的{o}"),
                    (Some(c), None) if filtered => format!("{c}中符合条件的"),
                    (Some(c), None) => c,
                    (None, _) => "符合条件的值".to_owned(),
                })
            }
            IrKind::Arith(op, a, b) => {
                let words = match op {
                    ArithOp::Add => "加",
                    ArithOp::Sub => "减",
                    ArithOp::Mul => "乘以",
                    ArithOp::Div => "除以",
                };
                // `heads * 1人` gives a number its unit: it is still the head count.
                let unit_of = |c: &Ir| match &c.kind {
                    IrKind::Const(Const::Qty(n, _) | Const::Num(n) | Const::Money(n)) => {
                        *n == rust_decimal::Decimal::ONE
                    }
                    _ => false,
                };
                if matches!(op, ArithOp::Mul | ArithOp::Div) && unit_of(b) {
                    return self.noun(a, depth + 1);
                }
                if matches!(op, ArithOp::Mul) && unit_of(a) {
                    return self.noun(b, depth + 1);
                }
                let x = self.noun(a, depth + 1)?;
                let y = self.noun(b, depth + 1)?;
                Some(format!("{x}{words}{y}"))
            }
            IrKind::Capture(text, _) => {
                Some(format!("{}中按规则取出的部分", self.noun(text, depth + 1)?))
            }
            IrKind::Coalesce(a, b) => {
                // The first side when it has a value; else say it is missing and what stands in.
                // Said of every element of a comprehension, it is the rule, not a fact.
                let of_every = self.described_var.is_some_and(|v| reads_slot(a, v));
                let first = !of_every && self.eval(a).ok().is_some_and(|v| !v.is_missing());
                let named = self.noun(a, depth + 1)?;
                if first {
                    return Some(named);
                }
                let instead = match self.noun(b, depth + 1) {
                    Some(n) => n,
                    None => value_text(&self.eval(b).ok()?),
                };
                Some(if of_every {
                    format!("{named}（缺失时取{instead}）")
                } else {
                    format!("{named}（缺失，取{instead}）")
                })
            }
            IrKind::Call(Func::Flatten, args) => self.combinations(args.first()?, depth),
            IrKind::Call(func, args) => {
                let arg = args.first()?;
                let of = self.noun(arg, depth + 1)?;
                let list = matches!(arg.ty, crate::policy::types::Ty::List(_));
                match func {
                    Func::Year => Some(format!("{of}的年份")),
                    Func::Month => Some(format!("{of}的月份")),
                    Func::Day => Some(format!("{of}的日")),
                    Func::Length if list => Some(format!("{of}的个数")),
                    Func::Length => Some(format!("{of}的字数")),
                    // What a function made of the field is not the field.
                    Func::Trim => Some(format!("{of}（去掉首尾空白后）")),
                    Func::CollapseRepeats => Some(format!("{of}（去掉重复字后）")),
                    Func::Abs => Some(format!("{of}的绝对值")),
                    Func::Number => Some(of),
                    Func::Sort => Some(format!("{of}（排序后）")),
                    Func::Set => Some(format!("{of}（去重后）")),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// What each element of a comprehension gives (`i.name` → 指标名称: its owner is every
    /// element, so the variable is unbound while it is named).
    fn map_noun(&mut self, comp: &'a Comp, depth: usize) -> Option<String> {
        let map = comp.map.as_ref()?;
        let saved = self.get(comp.slot);
        self.set(comp.slot, Val::Missing);
        let named = self.element_noun(map, depth);
        self.set(comp.slot, saved);
        named
    }

    /// A sum of counts or sums over several bindings: `本表的指标与本表的总体目标中各取一项的组合的个数`.
    fn nested_aggregate(&mut self, outer: &'a Comp, depth: usize) -> Option<String> {
        let mut parts = Vec::new();
        let mut filtered = false;
        let mut unbound = Vec::new();
        let mut comp = outer;
        let mut innermost = Aggregate::Sum;
        for _ in 0..MAX_DEPTH {
            parts.push(
                self.noun(&comp.collection, depth + 1)
                    .unwrap_or_else(|| "列表".to_owned()),
            );
            filtered |= comp.filter.is_some();
            unbound.push((comp.slot, self.get(comp.slot)));
            self.set(comp.slot, Val::Missing);
            match comp.map.as_ref().map(|m| &m.kind) {
                Some(IrKind::Aggregate(agg @ (Aggregate::Count | Aggregate::Sum), inner)) => {
                    innermost = *agg;
                    comp = inner;
                }
                _ => break,
            }
        }
        // `comp` is now the innermost aggregate's: what it sums, if it sums.
        let of = if innermost == Aggregate::Sum {
            comp.map
                .as_ref()
                .and_then(|map| self.element_noun(map, depth))
        } else {
            None
        };
        for (slot, value) in unbound.into_iter().rev() {
            self.set(slot, value);
        }
        let scope = if filtered {
            "中符合条件的"
        } else {
            "的"
        };
        let combos = format!("{}中各取一项的组合{scope}", parts.join("与"));
        Some(match (innermost, of) {
            (Aggregate::Count, _) => format!("{combos}个数"),
            (_, Some(o)) => format!("{combos}{o}之和"),
            (_, None) => format!("{combos}值之和"),
        })
    }

    /// What a comprehension's expression gives for each element: a field without its owner
    /// (`i.name` → 指标名称: the owner is every element), anything else as named.
    fn element_noun(&mut self, map: &'a Ir, depth: usize) -> Option<String> {
        let named = self.noun(map, depth + 1)?;
        Some(if matches!(map.kind, IrKind::Field(..)) {
            strip_owner(&named)
        } else {
            named
        })
    }

    /// A comprehension over several bindings (`x for a in A, b in B where …`, read as
    /// `flatten([[x for b in B …] for a in A …])`): `本表的指标与本表的总体目标中各取一项的组合`.
    fn combinations(&mut self, lists: &'a Ir, depth: usize) -> Option<String> {
        let mut parts = Vec::new();
        let mut filtered = false;
        let mut node = lists;
        let mut unbound = Vec::new();
        let mut last_map = None;
        for _ in 0..MAX_DEPTH {
            let IrKind::ListComp(comp) = &node.kind else {
                break;
            };
            parts.push(
                self.noun(&comp.collection, depth + 1)
                    .unwrap_or_else(|| "列表".to_owned()),
            );
            filtered |= comp.filter.is_some();
            unbound.push((comp.slot, self.get(comp.slot)));
            self.set(comp.slot, Val::Missing);
            match comp.map.as_ref() {
                Some(map) => match &map.kind {
                    IrKind::Call(Func::Flatten, args) => match args.first() {
                        Some(inner) => node = inner,
                        None => break,
                    },
                    IrKind::ListComp(_) => node = map,
                    IrKind::Slot(s) if *s == comp.slot => break,
                    _ => {
                        last_map = Some(map);
                        break;
                    }
                },
                None => break,
            }
        }
        let of = last_map.and_then(|map| self.element_noun(map, depth));
        for (slot, value) in unbound.into_iter().rev() {
            self.set(slot, value);
        }
        let scope = if filtered { "中符合条件的" } else { "" };
        let mut out = format!("{}中各取一项的组合{scope}", parts.join("与"));
        if let Some(o) = of {
            if !out.ends_with('的') {
                out.push('的');
            }
            out.push_str(&o);
        }
        Some(out)
    }

    /// Who a field belongs to, as a prefix: nothing for the finding's own element, `本表的` for
    /// the form being checked, `指标“…”的` or `第 3 张表“…”的` for others.
    fn owner(&mut self, base: &'a Ir, depth: usize) -> String {
        let possessive = |n: String| if n.ends_with('的') { n } else { n + "的" };
        if let IrKind::Slot(slot) = base.kind
            && self.let_definition(slot).is_some()
        {
            return self
                .noun(base, depth + 1)
                .map(possessive)
                .unwrap_or_default();
        }
        let anchor = matches!(base.kind, IrKind::Slot(slot)
            if slot == self.rule.anchor_slot || Some(slot) == self.named_element);
        let current = self.current_project();
        match self.eval(base) {
            Ok(Val::Project(p)) if current.is_some_and(|c| std::ptr::eq(c, p)) => {
                "本表的".to_owned()
            }
            // The finding (or the line) names the element already.
            Ok(Val::Indicator(..) | Val::Goal(..) | Val::Project(..)) if anchor => String::new(),
            Ok(Val::Project(p)) => format!("第 {} 张表“{}”的", p.index, p.name_str()),
            Ok(Val::Indicator(i, _)) => format!("指标“{}”的", i.name.value),
            Ok(Val::Goal(g, k)) => match &g.number {
                Some(n) => format!("目标{}的", n.value),
                None => format!("第 {k} 个目标的"),
            },
            _ => self
                .noun(base, depth + 1)
                .map(possessive)
                .unwrap_or_default(),
        }
    }

    /// Whether `ir` (through `let`s) is a search (`first(…)`, `a ?? b`): its value is what was
    /// found, better shown as such than named after the search.
    fn is_search(&self, ir: &'a Ir, depth: usize) -> bool {
        match &ir.kind {
            IrKind::Slot(slot) if depth < MAX_DEPTH => self
                .let_definition(*slot)
                .is_some_and(|d| self.is_search(d, depth + 1)),
            IrKind::Aggregate(Aggregate::First, _) | IrKind::Coalesce(..) => true,
            _ => false,
        }
    }

    /// A value as the rule wrote it when it is a literal quantity (`1亿元`, `96%`), otherwise
    /// as computed.
    fn literal_text(&self, ir: &Ir, v: &Val<'_>) -> String {
        match &ir.kind {
            IrKind::Const(
                Const::Num(_)
                | Const::Money(_)
                | Const::Percent(_)
                | Const::Qty(..)
                | Const::Rate(..),
            ) => self.source_text(ir.span),
            _ => value_text(v),
        }
    }

    /// The definition of a `let` bound to `slot`, if it is one.
    fn let_definition(&self, slot: usize) -> Option<&'a Ir> {
        self.rule.steps.iter().find_map(|step| match step {
            Step::Let { slot: s, value, .. } if *s == slot => Some(value),
            _ => None,
        })
    }
}

/// Whether `ir` reads the binding `slot`.
fn reads_slot(ir: &Ir, slot: usize) -> bool {
    let mut reads = false;
    ir.walk(&mut |e| {
        if matches!(e.kind, IrKind::Slot(s) if s == slot) {
            reads = true;
        }
    });
    reads
}

/// `指标“X”的数量` → `数量`: inside an aggregate the owner is each element, not one of them.
fn strip_owner(noun: &str) -> String {
    noun.rsplit_once('的')
        .map_or(noun, |(_, field)| field)
        .to_owned()
}

fn generic(holds: bool) -> String {
    if holds {
        "规则排除的情形成立".to_owned()
    } else {
        "规则的条件不成立".to_owned()
    }
}

/// A value as it reads in a sentence: text in quotes, the rest as written.
fn value_text(v: &Val<'_>) -> String {
    match v {
        Val::Str(_) => format!("“{}”", shown(v)),
        Val::Missing => "（缺失）".to_owned(),
        _ if v.count() == Some(0) => "（空）".to_owned(),
        _ => shown(v),
    }
}

fn relation_words(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "等于",
        CmpOp::Ne => "不等于",
        CmpOp::Lt => "小于",
        CmpOp::Le => "不大于",
        CmpOp::Gt => "大于",
        CmpOp::Ge => "不小于",
    }
}

/// A field's name in the form's own words.
fn field_words(field: FieldId) -> &'static str {
    use FieldId::*;
    match field {
        ProjectName => "项目名称",
        ProjectYear => "年度",
        ProjectIndex => "序号",
        ProjectLine => "起始行号",
        ProjectFile => "文件名",
        ProjectDepartment => "主管部门",
        ProjectImplementer => "实施单位",
        ProjectFunds => "资金",
        ProjectGoals => "总体目标",
        ProjectMidtermGoals => "中期目标",
        ProjectIndicators => "指标",
        ProjectIndicatorsRead => "指标表是否读出",
        ProjectMoneyUnit => "金额单位",
        DepartmentCode => "主管部门代码",
        DepartmentName => "主管部门名称",
        FundsTotal => "资金总额",
        FundsFiscal => "财政拨款",
        FundsSuperior => "上级补助",
        FundsOwnLevel => "本级安排",
        FundsOther => "其他资金",
        GoalNumber => "编号",
        GoalText => "内容",
        GoalIndex => "序号",
        IndicatorLevel1 => "一级指标",
        IndicatorLevel2 => "二级指标",
        IndicatorCategory => "指标类别",
        IndicatorName => "指标名称",
        IndicatorValue => "指标值",
        IndicatorNote => "说明",
        IndicatorLine => "行号",
        IndicatorIndex => "序号",
        IndicatorMidtermValue => "中期指标值",
        IndicatorWeight => "权重",
        IndicatorDirection => "指标方向",
        IndicatorNature => "指标性质",
        IndicatorLevel1Text => "一级指标原文",
        IndicatorLevel2Text => "二级指标原文",
        GroupKey => "分组依据",
        GroupItems => "分组中的各项",
        ValueText => "原文",
        ValueKind => "类型",
        ValueOp => "比较符",
        ValueAmount => "数值",
        ValueUnit => "单位",
        ValueDate => "日期",
        ValueBy => "是否写作“…前”",
        ValueMoney => "金额",
        ValuePercent => "百分比",
        ValueCount => "数量",
        ValueNumber => "数值",
        ValueRate => "单价",
    }
}
