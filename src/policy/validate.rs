//! The static checker: AST → typed IR. Every error is collected (not only the first) as a
//! diagnostic in the policy file; unknown names come with a "did you mean" suggestion.
//!
//! It also plans evaluation: equality conditions between an iteration variable and outer
//! bindings become hash joins, and comprehensions that depend on outer bindings only through such
//! a key are memoised per key, so pair and grouping rules run in linear time.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::ValueKind;
use crate::policy::ast::*;
use crate::policy::ir::*;
use crate::policy::parser;
use crate::policy::types::{
    Constant, FUNCTIONS, FieldId, Func, Ty, constant, constant_names, field, field_name,
    field_names, suggest,
};
use crate::span::Span;
use rust_decimal::Decimal;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// A declared parameter and its current value.
#[derive(Debug, Clone)]
pub struct ParamDef {
    pub name: String,
    pub ty: Ty,
    pub default: Const,
    pub value: Const,
    pub source: usize,
    pub span: Span,
}

/// Diagnostics of the checker, each tagged with the policy source it belongs to.
pub type Diags = Vec<(usize, Diagnostic)>;

/// Check and compile every item of every loaded policy source.
pub fn check(items: &[(usize, Item)]) -> (Vec<ParamDef>, Vec<CompiledRule>, Diags) {
    let mut diags = Diags::new();
    let mut params: Vec<ParamDef> = Vec::new();
    let mut param_index: HashMap<String, usize> = HashMap::new();

    for (source, item) in items {
        let Item::Param(decl) = item else { continue };
        let Some(def) = check_param(*source, decl, &mut diags) else {
            continue;
        };
        if let Some(&first) = param_index.get(&def.name) {
            let first_def = params.get(first);
            let mut d = Diagnostic::error(
                "policy::duplicate-param",
                format!("参数 {} 重复声明", def.name),
            )
            .with_primary(decl.name.span, Some("再次声明".into()));
            if let Some(first_def) = first_def.filter(|f| f.source == *source) {
                d = d.with_label(first_def.span, "第一次声明");
            }
            diags.push((*source, d));
            continue;
        }
        param_index.insert(def.name.clone(), params.len());
        params.push(def);
    }

    let mut rules: Vec<CompiledRule> = Vec::new();
    let mut rule_ids: HashMap<String, (usize, Span)> = HashMap::new();
    let mut used_params: BTreeSet<usize> = BTreeSet::new();
    for (source, item) in items {
        let Item::Rule(decl) = item else { continue };
        if let Some((first_source, first_span)) = rule_ids.get(&decl.id.name) {
            let mut d = Diagnostic::error(
                "policy::duplicate-rule",
                format!("规则编号 {} 重复", decl.id.name),
            )
            .with_primary(decl.id.span, Some("再次定义".into()))
            .with_help("每条规则的编号必须唯一；改名，或删除其中一条");
            if first_source == source {
                d = d.with_label(*first_span, "第一次定义");
            }
            diags.push((*source, d));
            continue;
        }
        rule_ids.insert(decl.id.name.clone(), (*source, decl.id.span));
        let mut cx = RuleCx::new(*source, &params, &param_index);
        if let Some(rule) = cx.rule(decl) {
            used_params.extend(rule.params.iter().copied());
            rules.push(rule);
        }
        diags.extend(cx.diags.into_iter().map(|d| (*source, d)));
    }

    for (index, p) in params.iter().enumerate() {
        if !used_params.contains(&index) {
            diags.push((
                p.source,
                Diagnostic::warning(
                    "policy::unused-param",
                    format!("参数 {} 没有被任何规则使用", p.name),
                )
                .with_primary(p.span, None),
            ));
        }
    }
    (params, rules, diags)
}

fn check_param(source: usize, decl: &ParamDecl, diags: &mut Diags) -> Option<ParamDef> {
    let ty = match resolve_type(&decl.ty) {
        Ok(ty) => ty,
        Err(d) => {
            diags.push((source, d));
            return None;
        }
    };
    match const_eval(&decl.default).and_then(|c| coerce_const(c, &ty, decl.default.span)) {
        Ok(value) => Some(ParamDef {
            name: decl.name.name.clone(),
            ty,
            default: value.clone(),
            value,
            source,
            span: decl.name.span,
        }),
        Err(d) => {
            diags.push((source, d));
            None
        }
    }
}

fn resolve_type(t: &TypeExpr) -> Result<Ty, Diagnostic> {
    match t {
        TypeExpr::List(inner, _) => Ok(Ty::List(Box::new(resolve_type(inner)?))),
        TypeExpr::Named(name) => Ty::from_name(&name.name).ok_or_else(|| {
            let mut d =
                Diagnostic::error("policy::unknown-type", format!("未知类型 {}", name.name))
                    .with_primary(name.span, Some("不是已知类型".into()));
            d.help = Some(match suggest(&name.name, Ty::TYPE_NAMES.iter().copied()) {
                Some(s) => format!("是否应为 {s}？可用类型：{}", Ty::TYPE_NAMES.join("、")),
                None => format!("可用类型：{}", Ty::TYPE_NAMES.join("、")),
            });
            d
        }),
    }
}

/// Evaluate a constant expression (a parameter default or override).
pub fn const_eval(e: &Expr) -> Result<Const, Diagnostic> {
    let not_constant = || {
        Diagnostic::error(
            "policy::not-constant",
            "参数的值必须是字面量（如 90%、13.6万元、\"文本\"、[\"a\", \"b\"]）",
        )
        .with_primary(e.span, None)
    };
    Ok(match &e.kind {
        ExprKind::Bool(b) => Const::Bool(*b),
        ExprKind::Number(d) => Const::Num(*d),
        ExprKind::Quantity(d, unit) => quantity_const(*d, unit, e.span)?,
        ExprKind::Date(d) => Const::Date(*d),
        ExprKind::Str(s) => Const::Str(s.value.clone()),
        ExprKind::List(items) => {
            Const::List(items.iter().map(const_eval).collect::<Result<_, _>>()?)
        }
        ExprKind::Neg(inner) => match const_eval(inner)? {
            Const::Num(d) => Const::Num(-d),
            Const::Money(d) => Const::Money(-d),
            Const::Percent(d) => Const::Percent(-d),
            Const::Qty(d, u) => Const::Qty(-d, u),
            _ => return Err(not_constant()),
        },
        ExprKind::Name(id) => match constant(&id.name) {
            Some(Constant::Category(c)) => Const::Category(c),
            Some(Constant::Kind(k)) => Const::Kind(k),
            Some(Constant::Op(o)) => Const::Op(o),
            None => return Err(not_constant()),
        },
        _ => return Err(not_constant()),
    })
}

/// `90%` → percent 90, `13.6万元` → money 136000, `2470人` → quantity, `475元/亩` → rate.
pub fn quantity_const(d: Decimal, unit: &str, span: Span) -> Result<Const, Diagnostic> {
    let overflow = || {
        Diagnostic::error("policy::number-out-of-range", "数值超出可精确计算的范围")
            .with_primary(span, None)
    };
    let scale = |s: i64| {
        d.checked_mul(Decimal::from(s))
            .map(|v| v.normalize())
            .ok_or_else(overflow)
    };
    Ok(match unit {
        "%" => Const::Percent(d),
        "元" => Const::Money(d),
        "千元" => Const::Money(scale(1_000)?),
        "万元" => Const::Money(scale(10_000)?),
        "亿元" => Const::Money(scale(100_000_000)?),
        u if u.starts_with("元/") => Const::Rate(d, u.to_owned()),
        u => {
            for (prefix, s) in [("万", 10_000), ("亿", 100_000_000)] {
                if let Some(rest) = u.strip_prefix(prefix).filter(|r| !r.is_empty()) {
                    return Ok(Const::Qty(scale(s)?, rest.to_owned()));
                }
            }
            Const::Qty(d, u.to_owned())
        }
    })
}

fn const_ty(c: &Const) -> Ty {
    match c {
        Const::Bool(_) => Ty::Bool,
        Const::Num(_) => Ty::Num,
        Const::Money(_) => Ty::Money,
        Const::Percent(_) => Ty::Percent,
        Const::Qty(_, u) => Ty::Qty(Some(u.clone())),
        Const::Rate(_, u) => Ty::Rate(Some(u.clone())),
        Const::Date(_) => Ty::Date,
        Const::Str(_) => Ty::Str,
        Const::Category(_) => Ty::Category,
        Const::Kind(_) => Ty::Kind,
        Const::Op(_) => Ty::Op,
        Const::List(items) => Ty::List(Box::new(items.first().map_or(Ty::Unknown, const_ty))),
    }
}

/// Check a constant against a declared type.
pub fn coerce_const(c: Const, ty: &Ty, span: Span) -> Result<Const, Diagnostic> {
    let ok = match (&c, ty) {
        (Const::List(items), Ty::List(inner)) => {
            let items = items
                .iter()
                .cloned()
                .map(|i| coerce_const(i, inner, span))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(Const::List(items));
        }
        (Const::Qty(..), Ty::Qty(None)) | (Const::Rate(..), Ty::Rate(None)) => true,
        (c, t) => &const_ty(c) == t,
    };
    if ok {
        Ok(c)
    } else {
        let hint = match ty {
            Ty::Percent => "，如 90%",
            Ty::Money => "，如 13.6万元 或 200000元",
            Ty::Num => "，如 5",
            Ty::Str => "，如 \"文本\"",
            Ty::Date => "，如 2025年12月31日",
            _ => "",
        };
        Err(Diagnostic::error(
            "policy::type-mismatch",
            format!("值的类型是 {}，但参数声明为 {ty}{hint}", const_ty(&c)),
        )
        .with_primary(span, Some(format!("应为 {ty}"))))
    }
}

// ------------------------------------------------------------------ rules

#[derive(Debug, Clone)]
struct Scoped {
    name: String,
    slot: usize,
    ty: Ty,
    span: Span,
    used: bool,
    /// `for`, `let` or a quantifier variable: whether an unused one is worth a warning.
    warn_unused: bool,
}

struct RuleCx<'p> {
    source: usize,
    params: &'p [ParamDef],
    param_index: &'p HashMap<String, usize>,
    scopes: Vec<Scoped>,
    slots: Vec<SlotInfo>,
    cache_sites: usize,
    used_params: BTreeSet<usize>,
    /// `let` bindings whose value is the same for the whole document.
    constant_slots: BTreeSet<usize>,
    /// What the conditions in force say of value kinds: a value (a binding and a field path,
    /// `i` + `value`) known to be of one kind, from a `where`, a quantifier's or aggregate's
    /// own `where`, or the left side of an `and`. `amount` of such a value has that kind's type.
    kind_facts: Vec<(usize, Vec<FieldId>, ValueKind)>,
    /// Per `let` slot: how deep evaluating it can recurse, through the `let`s it reads.
    let_depths: HashMap<usize, u32>,
    /// `let`s that only name a path of fields (`let v = i.value`): the binding and path.
    let_paths: HashMap<usize, (usize, Vec<FieldId>)>,
    diags: Vec<Diagnostic>,
}

/// A binding and the fields read from it (`i.value` → `i`, [value]), for facts about values.
fn value_path(ir: &Ir) -> Option<(usize, Vec<FieldId>)> {
    let mut path = Vec::new();
    let mut node = ir;
    loop {
        match &node.kind {
            IrKind::Field(inner, f) => {
                path.push(*f);
                node = inner;
            }
            IrKind::Slot(slot) => {
                path.reverse();
                return Some((*slot, path));
            }
            _ => return None,
        }
    }
}

/// The values whose `amount` an expression reads (`i.value.amount * 2` → `i` + `value`).
fn amount_sources(ir: &Ir) -> Vec<(usize, Vec<FieldId>)> {
    let mut out = Vec::new();
    ir.walk(&mut |e| {
        if let IrKind::Field(value, FieldId::ValueAmount) = &e.kind
            && let Some(path) = value_path(value)
        {
            out.push(path);
        }
    });
    out
}

/// The type of `amount` for a value of kind `kind` (none: the kind has no amount).
fn amount_type(kind: ValueKind) -> Option<Ty> {
    match kind {
        ValueKind::Money => Some(Ty::Money),
        ValueKind::Percent => Some(Ty::Percent),
        ValueKind::Count => Some(Ty::Qty(None)),
        ValueKind::Rate => Some(Ty::Rate(None)),
        ValueKind::Number => Some(Ty::Num),
        _ => None,
    }
}

fn unknown(span: Span) -> Ir {
    Ir {
        kind: IrKind::Const(Const::Bool(false)),
        ty: Ty::Unknown,
        span,
    }
}

impl<'p> RuleCx<'p> {
    fn new(source: usize, params: &'p [ParamDef], param_index: &'p HashMap<String, usize>) -> Self {
        RuleCx {
            source,
            params,
            param_index,
            scopes: Vec::new(),
            slots: Vec::new(),
            cache_sites: 0,
            used_params: BTreeSet::new(),
            kind_facts: Vec::new(),
            let_depths: HashMap::new(),
            let_paths: HashMap::new(),
            constant_slots: BTreeSet::new(),
            diags: Vec::new(),
        }
    }

    fn error(
        &mut self,
        code: &str,
        message: impl Into<String>,
        span: Span,
        label: Option<String>,
        help: Option<String>,
    ) {
        let mut d = Diagnostic::error(code, message).with_primary(span, label);
        d.help = help;
        self.diags.push(d);
    }

    fn bind(&mut self, name: &Ident, ty: Ty, warn_unused: bool) -> usize {
        // `let cost = …` hides the category `cost`: a later `i.category == cost` compares with
        // the let's value and fails to type-check far from the cause — named here.
        if let Some(constant) = crate::policy::types::constant(&name.name) {
            let what = match constant {
                crate::policy::types::Constant::Category(_) => format!("类别常量 {}", name.name),
                crate::policy::types::Constant::Kind(_) => format!("值类型常量 {}", name.name),
                crate::policy::types::Constant::Op(_) => format!("比较符常量 {}", name.name),
            };
            self.diags.push(
                Diagnostic::new(
                    "policy::shadowed-name",
                    Severity::Warning,
                    format!(
                        "名称 {} 遮住了内置的{what}：此后这条规则中的 {} 都指这个绑定",
                        name.name, name.name
                    ),
                )
                .with_primary(name.span, Some("遮住了内置名称".into()))
                .with_help(format!("换一个名称，如 {}_total", name.name)),
            );
        } else if name.name == "projects" {
            self.diags.push(
                Diagnostic::new(
                    "policy::shadowed-name",
                    Severity::Warning,
                    "名称 projects 遮住了文档中全部项目的列表：此后这条规则中的 projects 都指这个绑定",
                )
                .with_primary(name.span, Some("遮住了内置名称".into()))
                .with_help("换一个名称"),
            );
        }
        if let Some(existing) = self.scopes.iter().find(|s| s.name == name.name) {
            let first = existing.span;
            self.diags.push(
                Diagnostic::error(
                    "policy::duplicate-binding",
                    format!("名称 {} 在这条规则中已经绑定", name.name),
                )
                .with_primary(name.span, Some("再次绑定".into()))
                .with_label(first, "第一次绑定")
                .with_help("换一个名称"),
            );
        }
        let slot = self.slots.len();
        self.slots.push(SlotInfo {
            name: name.name.clone(),
            ty: ty.clone(),
            span: name.span,
        });
        self.scopes.push(Scoped {
            name: name.name.clone(),
            slot,
            ty,
            span: name.span,
            used: false,
            warn_unused,
        });
        slot
    }

    fn unbind_to(&mut self, depth: usize) {
        while self.scopes.len() > depth {
            if let Some(s) = self.scopes.pop()
                && !s.used
                && s.warn_unused
                && !s.name.starts_with('_')
            {
                self.diags.push(
                    Diagnostic::warning(
                        "policy::unused-binding",
                        format!("绑定 {} 没有被使用", s.name),
                    )
                    .with_primary(s.span, Some("未使用".into()))
                    .with_help(format!("删除它，或改名为 _{} 表示有意不用", s.name)),
                );
            }
        }
    }

    fn new_site(&mut self) -> usize {
        self.cache_sites += 1;
        self.cache_sites - 1
    }

    // -------------------------------------------------------------- clauses

    fn rule(&mut self, decl: &RuleDecl) -> Option<CompiledRule> {
        let errors_before = self.diags.len();
        let mut seen: HashMap<&'static str, Span> = HashMap::new();
        let mut query_started = false;
        let mut required_seen = false;
        let mut all_requires_have_messages = true;
        for clause in &decl.clauses {
            let kw = clause.kind.keyword();
            let single = !matches!(
                clause.kind,
                ClauseKind::Where(_)
                    | ClauseKind::Let(..)
                    | ClauseKind::Label(..)
                    | ClauseKind::Example { .. }
                    | ClauseKind::Require(..)
            );
            if single {
                if let Some(first) = seen.get(kw) {
                    self.diags.push(
                        Diagnostic::error(
                            "policy::duplicate-clause",
                            format!("规则中只能有一个 {kw} 子句"),
                        )
                        .with_primary(clause.keyword, Some("重复".into()))
                        .with_label(*first, "第一个"),
                    );
                }
                seen.insert(kw, clause.keyword);
            }
            match &clause.kind {
                ClauseKind::For(_) => query_started = true,
                ClauseKind::Where(_) | ClauseKind::Let(..) if !query_started => self.error(
                    "policy::clause-order",
                    format!("{kw} 子句必须写在 for 子句之后"),
                    clause.keyword,
                    Some("位置不对".into()),
                    Some("规则的查询部分按 for → where/let → require 的顺序书写".into()),
                ),
                ClauseKind::Where(_) | ClauseKind::Let(..) if required_seen => self.error(
                    "policy::clause-order",
                    format!("{kw} 子句必须写在 require 子句之前"),
                    clause.keyword,
                    Some("位置不对".into()),
                    Some("规则的查询部分按 for → where/let → require 的顺序书写".into()),
                ),
                ClauseKind::Require(_, otherwise) => {
                    seen.entry("require").or_insert(clause.keyword);
                    all_requires_have_messages &=
                        otherwise.as_ref().is_some_and(|o| o.message.is_some());
                    if !query_started {
                        self.error(
                            "policy::clause-order",
                            "require 子句必须写在 for 子句之后",
                            clause.keyword,
                            Some("位置不对".into()),
                            None,
                        );
                    }
                    required_seen = true;
                }
                _ => {}
            }
        }
        for needed in ["severity", "for", "require", "message"] {
            // A rule whose every `require` says `else "…"` needs no rule-wide message.
            if needed == "message" && required_seen && all_requires_have_messages {
                continue;
            }
            if !seen.contains_key(needed) {
                let example = match needed {
                    "severity" => "severity error",
                    "for" => "for p in projects",
                    "require" => "require p.funds.total > 0元",
                    _ => "message \"……\"",
                };
                self.error(
                    "policy::missing-clause",
                    format!("规则 {} 缺少 {needed} 子句", decl.id.name),
                    decl.id.span,
                    Some(format!("缺少 {needed}")),
                    Some(format!("例如：{example}")),
                );
            }
        }
        if self.diags.len() > errors_before {
            return None;
        }

        // Query: for → where/let → require.
        let mut steps: Vec<Step> = Vec::new();
        let mut for_slots: Vec<usize> = Vec::new();
        let mut prefix_conditions: Vec<Ir> = Vec::new();
        let mut in_prefix = true;
        let mut conditions = Vec::new();
        for clause in &decl.clauses {
            match &clause.kind {
                ClauseKind::For(bindings) => {
                    for b in bindings {
                        let collection = self.expr(&b.collection);
                        let element = self.element_type(&collection, b.collection.span, "for");
                        let slot = self.bind(&b.name, element, true);
                        for_slots.push(slot);
                        steps.push(Step::For {
                            slot,
                            collection,
                            join: None,
                        });
                    }
                }
                ClauseKind::Where(e) => {
                    let cond = self.condition(e, "where");
                    self.evaluation_depth(e, &cond);
                    // Holds for the rest of the rule.
                    self.learn_kinds(&cond, true);
                    if in_prefix {
                        prefix_conditions.extend(split_and(cond));
                    } else {
                        steps.push(Step::Where(cond));
                    }
                }
                ClauseKind::Let(name, e) => {
                    if in_prefix {
                        place_conditions(&mut steps, std::mem::take(&mut prefix_conditions));
                        in_prefix = false;
                    }
                    let value = self.expr(e);
                    let depth = self.evaluation_depth(e, &value);
                    let slot = self.bind(name, value.ty.clone(), true);
                    self.let_depths.insert(slot, depth + 1);
                    if let Some(path) = self.path_of(&value) {
                        self.let_paths.insert(slot, path);
                    }
                    let constant = self.is_constant(&value);
                    if constant {
                        self.constant_slots.insert(slot);
                    }
                    steps.push(Step::Let {
                        slot,
                        value,
                        constant,
                    });
                }
                ClauseKind::Require(e, _) => {
                    if in_prefix {
                        place_conditions(&mut steps, std::mem::take(&mut prefix_conditions));
                        in_prefix = false;
                    }
                    let cond = self.condition(e, "require");
                    self.evaluation_depth(e, &cond);
                    conditions.push(cond);
                }
                _ => {}
            }
        }
        if in_prefix {
            place_conditions(&mut steps, prefix_conditions);
        }
        self.plan_joins(&mut steps, decl);

        let mut message = None;
        let mut help = None;
        let mut title = None;
        let mut doc = None;
        let mut tags = Vec::new();
        let mut severity = Severity::Error;
        let mut primary = None;
        let mut labels = Vec::new();
        let mut examples = Vec::new();
        for clause in &decl.clauses {
            match &clause.kind {
                ClauseKind::Severity(s) => severity = *s,
                ClauseKind::Title(s) => title = Some(s.value.clone()),
                ClauseKind::Doc(s) => doc = Some(s.value.clone()),
                ClauseKind::Tags(ts) => tags = ts.iter().map(|t| t.value.clone()).collect(),
                ClauseKind::Message(s) => message = Some(self.template(s)),
                ClauseKind::Help(s) => help = Some(self.template(s)),
                ClauseKind::At(e, text) => {
                    let place = self.place(e, self.anchor_of(&for_slots));
                    let text = text.as_ref().map(|t| self.template(t));
                    if let Some(place) = place {
                        primary = Some((place, text));
                    }
                }
                ClauseKind::Label(e, text) => {
                    let place = self.place(e, self.anchor_of(&for_slots));
                    let text = text.as_ref().map(|t| self.template(t));
                    if let Some(place) = place {
                        labels.push((place, text));
                    }
                }
                ClauseKind::Example { kind, path, expect } => examples.push(Example {
                    kind: *kind,
                    path: path.value.clone(),
                    expect: expect.map(|(n, _)| n),
                    span: clause.span,
                }),
                _ => {}
            }
        }
        let mut requires = Vec::new();
        let mut conditions = conditions.into_iter();
        for clause in &decl.clauses {
            let ClauseKind::Require(_, otherwise) = &clause.kind else {
                continue;
            };
            let Some(cond) = conditions.next() else { break };
            let mut req = Requirement {
                cond,
                message: None,
                severity: None,
                primary: None,
                help: None,
            };
            if let Some(o) = otherwise {
                req.message = o.message.as_ref().map(|m| self.template(m));
                req.severity = o.severity;
                req.help = o.help.as_ref().map(|h| self.template(h));
                if let Some((e, text)) = &o.at {
                    let place = self.place(e, self.anchor_of(&for_slots));
                    let text = text.as_ref().map(|t| self.template(t));
                    req.primary = place.map(|p| (p, text));
                }
            }
            requires.push(req);
        }
        self.unbind_to(0);
        // Without `at`, the first `label` is the primary one.
        if primary.is_none() && !labels.is_empty() {
            let (place, text) = labels.remove(0);
            primary = Some((place, text));
        }

        if requires.is_empty() {
            return None;
        }
        let message = message.unwrap_or_default();
        if self.diags.iter().any(|d| d.severity == Severity::Error) {
            return None;
        }
        let mut rule = CompiledRule {
            id: decl.id.name.clone(),
            severity,
            title,
            doc,
            tags,
            message,
            help,
            steps,
            requires,
            primary,
            labels,
            examples,
            source: self.source,
            span: decl.span,
            id_span: decl.id.span,
            slots: std::mem::take(&mut self.slots),
            cache_sites: self.cache_sites,
            anchor_slot: self.anchor_of(&for_slots).unwrap_or(0),
            params: self.used_params.iter().copied().collect(),
            per_form: false,
            needs_indicators: false,
        };
        rule.per_form = rule.looks_at_one_form();
        rule.needs_indicators = rule.reads_indicators();
        self.diags.extend(crate::policy::guards::check(&rule));
        Some(rule)
    }

    /// Turn equality conditions in `where` into hash joins for `for` bindings after the first.
    fn plan_joins(&mut self, steps: &mut [Step], decl: &RuleDecl) {
        let mut earlier: BTreeSet<usize> = BTreeSet::new();
        let mut earlier_collections: Vec<Ir> = Vec::new();
        for i in 0..steps.len() {
            let (slot, collection) = match steps.get(i) {
                Some(Step::For {
                    slot, collection, ..
                }) => (*slot, collection.clone()),
                Some(Step::Let { slot, .. }) => {
                    earlier.insert(*slot);
                    continue;
                }
                _ => continue,
            };
            if !earlier.is_empty() {
                let conditions: Vec<&Ir> = steps
                    .iter()
                    .skip(i + 1)
                    .take_while(|s| matches!(s, Step::Where(_)))
                    .filter_map(|s| {
                        if let Step::Where(c) = s {
                            Some(c)
                        } else {
                            None
                        }
                    })
                    .collect();
                let join = find_join(conditions.iter().copied(), slot, &earlier);
                match join {
                    Some((_, (inner_key, outer_key, prefix))) => {
                        let site = self.new_site();
                        let closed = self.is_constant(&collection);
                        if let Some(Step::For { join, .. }) = steps.get_mut(i) {
                            *join = Some(Box::new(Join {
                                site,
                                inner_key,
                                outer_key,
                                prefix,
                                closed,
                            }));
                        }
                    }
                    // Iterating a collection an earlier binding already iterates: every pair.
                    None if earlier_collections
                        .iter()
                        .any(|c| same_path(c, &collection)) =>
                    {
                        let span = self.slots.get(slot).map_or(decl.id.span, |s| s.span);
                        self.diags.push(
                            Diagnostic::warning(
                                "policy::quadratic",
                                "这条规则对每一对元素逐一比较，表多时会很慢（平方级）",
                            )
                            .with_primary(span, Some("成对迭代没有相等条件".into()))
                            .with_help("在 where 中加入形如 b.name == a.name 的相等条件，jixiao 会用哈希索引配对"),
                        );
                    }
                    None => {}
                }
            }
            earlier.insert(slot);
            earlier_collections.push(collection);
        }
    }

    fn element_type(&mut self, collection: &Ir, span: Span, what: &str) -> Ty {
        match &collection.ty {
            Ty::List(t) => (**t).clone(),
            Ty::Unknown => Ty::Unknown,
            other => {
                self.error(
                    "policy::type-mismatch",
                    format!("{what} 需要一个列表，这里是 {other}"),
                    span,
                    Some("不是列表".into()),
                    Some("可迭代的有 projects、p.indicators、p.goals 和列表字面量".into()),
                );
                Ty::Unknown
            }
        }
    }

    fn condition(&mut self, e: &Expr, what: &str) -> Ir {
        let ir = self.expr(e);
        if !matches!(ir.ty, Ty::Bool | Ty::Unknown) {
            self.error(
                "policy::type-mismatch",
                format!("{what} 需要一个条件（bool），这里是 {}", ir.ty),
                e.span,
                Some("不是条件".into()),
                None,
            );
        }
        ir
    }

    /// Where a finding goes by default: the innermost `for` binding that is a place in the
    /// form (a form, an indicator, a goal, a group of forms) — `for p in projects, y in [1, 2]`
    /// puts it on `p`, not on a number.
    fn anchor_of(&self, for_slots: &[usize]) -> Option<usize> {
        let placed = |slot: &&usize| {
            self.slots
                .get(**slot)
                .is_some_and(|s| s.ty.is_model_object() || matches!(s.ty, Ty::Group(..)))
        };
        for_slots
            .iter()
            .rev()
            .find(placed)
            .or(for_slots.last())
            .copied()
    }

    /// Where `at`/`label` points. A computed value has no place in the form: the finding is
    /// put on the rule's innermost `for` binding (`anchor`), with a warning, never nowhere.
    fn place(&mut self, e: &Expr, anchor: Option<usize>) -> Option<Place> {
        let ir = self.expr(e);
        let mut path = Vec::new();
        let mut node = &ir;
        loop {
            match &node.kind {
                IrKind::Field(inner, f) => {
                    path.push(*f);
                    node = inner;
                }
                IrKind::Slot(slot) if node.ty.is_model_object() => {
                    path.reverse();
                    return Some(Place {
                        slot: *slot,
                        root: node.ty.clone(),
                        path,
                        span: e.span,
                    });
                }
                _ => break,
            }
        }
        if ir.ty == Ty::Unknown {
            return None;
        }
        let anchor = anchor.and_then(|slot| Some((slot, self.slots.get(slot)?)));
        match anchor {
            Some((slot, info)) => {
                let (name, root) = (info.name.clone(), info.ty.clone());
                let placed = root.is_model_object() || matches!(root, Ty::Group(..));
                let on = if placed {
                    name.clone()
                } else {
                    "所在的表（没有表时为文件的第一张表）".to_owned()
                };
                self.diags.push(
                    Diagnostic::warning(
                        "policy::computed-label",
                        format!("标注的是算出的值，不是表中的字段：发现将标在 {on} 上"),
                    )
                    .with_primary(e.span, Some("不是表中的位置".into()))
                    .with_help(format!(
                        "at/label 后写绑定名加字段路径（如 {name}.name、i.value、p.funds.total），jixiao 会在原文中标出这个字段；算出的值写进 message"
                    )),
                );
                Some(Place {
                    slot,
                    root,
                    path: Vec::new(),
                    span: e.span,
                })
            }
            None => {
                self.error(
                    "policy::bad-label",
                    "标注的位置必须是表中的字段，如 i.value、p.funds.total 或 p",
                    e.span,
                    Some("不是表中的位置".into()),
                    Some("at/label 后写绑定名加字段路径，jixiao 会在原文中标出这个字段".into()),
                );
                None
            }
        }
    }

    fn template(&mut self, s: &StrLit) -> Template {
        let mut segments = Vec::new();
        let raw = &s.raw;
        let mut literal = String::new();
        let mut i = 0;
        let flush =
            |literal: &mut String, segments: &mut Vec<Segment>, this: &mut Self, start: usize| {
                if literal.is_empty() {
                    return;
                }
                let text = if s.triple {
                    std::mem::take(literal)
                } else {
                    match parser::unescape(literal, start) {
                        Ok(t) => t,
                        Err(d) => {
                            this.diags.push(d);
                            String::new()
                        }
                    }
                };
                literal.clear();
                segments.push(Segment::Text(text));
            };
        let mut literal_start = s.raw_start;
        while let Some(rest) = raw.get(i..) {
            let Some(c) = rest.chars().next() else { break };
            if rest.starts_with("{{") || rest.starts_with("}}") {
                literal.push(c);
                i += 2;
                continue;
            }
            if c == '\\' {
                // Keep escapes for unescape, including `\{`.
                let next = rest.chars().nth(1);
                literal.push('\\');
                if let Some(n) = next {
                    literal.push(n);
                    i += 1 + n.len_utf8();
                } else {
                    i += 1;
                }
                continue;
            }
            if c == '{' {
                let Some(close) = rest.find('}') else {
                    let at = s.raw_start + i;
                    self.error(
                        "policy::bad-template",
                        "模板中的 { 没有对应的 }",
                        Span::new(at, at + 1),
                        None,
                        Some("字面的花括号写作 {{ 和 }}".into()),
                    );
                    break;
                };
                flush(&mut literal, &mut segments, self, literal_start);
                let inner = rest.get(1..close).unwrap_or("");
                let offset = s.raw_start + i + 1;
                match parser::parse_expr(inner, offset) {
                    Ok(e) => {
                        let ir = self.expr(&e);
                        self.evaluation_depth(&e, &ir);
                        segments.push(Segment::Expr(ir));
                    }
                    Err(d) => self.diags.push(d),
                }
                i += close + 1;
                literal_start = s.raw_start + i;
                continue;
            }
            if c == '}' {
                let at = s.raw_start + i;
                self.error(
                    "policy::bad-template",
                    "模板中的 } 没有对应的 {",
                    Span::new(at, at + 1),
                    None,
                    Some("字面的花括号写作 {{ 和 }}".into()),
                );
                i += 1;
                continue;
            }
            literal.push(c);
            i += c.len_utf8();
        }
        flush(&mut literal, &mut segments, self, literal_start);
        if s.triple {
            if let Some(Segment::Text(t)) = segments.first_mut() {
                *t = t.trim_start().to_owned();
            }
            if let Some(Segment::Text(t)) = segments.last_mut() {
                *t = t.trim_end().to_owned();
            }
        }
        segments
    }

    // -------------------------------------------------------------- expressions

    fn expr(&mut self, e: &Expr) -> Ir {
        let span = e.span;
        let ir = |kind, ty| Ir { kind, ty, span };
        match &e.kind {
            ExprKind::Bool(b) => ir(IrKind::Const(Const::Bool(*b)), Ty::Bool),
            ExprKind::Number(d) => ir(IrKind::Const(Const::Num(*d)), Ty::Num),
            ExprKind::Quantity(d, unit) => match quantity_const(*d, unit, span) {
                Ok(c) => {
                    let ty = const_ty(&c);
                    ir(IrKind::Const(c), ty)
                }
                Err(d) => {
                    self.diags.push(d);
                    unknown(span)
                }
            },
            ExprKind::Date(d) => ir(IrKind::Const(Const::Date(*d)), Ty::Date),
            ExprKind::Str(s) => ir(IrKind::Const(Const::Str(s.value.clone())), Ty::Str),
            ExprKind::List(items) => {
                let items: Vec<Ir> = items.iter().map(|i| self.expr(i)).collect();
                let element = items
                    .iter()
                    .map(|i| i.ty.clone())
                    .find(|t| *t != Ty::Unknown)
                    .unwrap_or(Ty::Unknown);
                for item in &items {
                    if item.ty != Ty::Unknown && !same_kind(&item.ty, &element) {
                        self.error(
                            "policy::type-mismatch",
                            format!("列表中的元素类型不一致：{} 与 {element}", item.ty),
                            item.span,
                            Some(format!("这里是 {}", item.ty)),
                            None,
                        );
                    }
                }
                let ty = Ty::List(Box::new(element));
                // A list of constants is a constant: read in place at run time instead of being
                // built again for every element a rule looks at (`i.value.op in [le, lt]`).
                if items.iter().all(|i| matches!(i.kind, IrKind::Const(_))) {
                    let consts = items
                        .into_iter()
                        .filter_map(|i| match i.kind {
                            IrKind::Const(c) => Some(c),
                            _ => None,
                        })
                        .collect();
                    ir(IrKind::Const(Const::List(consts)), ty)
                } else {
                    ir(IrKind::List(items), ty)
                }
            }
            ExprKind::ListComp(comp) => {
                let (comp, element) = self.comprehension(comp, true);
                ir(
                    IrKind::ListComp(Box::new(comp)),
                    Ty::List(Box::new(element)),
                )
            }
            ExprKind::Name(id) => self.name(id),
            ExprKind::Field(inner, name) => {
                let base = self.expr(inner);
                self.field(base, name, span)
            }
            ExprKind::Call(name, args) => self.call(name, args, span),
            ExprKind::Neg(inner) => {
                let v = self.expr(inner);
                if !v.ty.is_numeric() {
                    self.error(
                        "policy::type-mismatch",
                        format!("不能对 {} 取负", v.ty),
                        inner.span,
                        None,
                        None,
                    );
                }
                let ty = v.ty.clone();
                ir(IrKind::Neg(Box::new(v)), ty)
            }
            ExprKind::Arith(op, a, b) => {
                let (a, b) = (self.expr(a), self.expr(b));
                let ty = self.arith_type(*op, &a, &b, span);
                ir(IrKind::Arith(*op, Box::new(a), Box::new(b)), ty)
            }
            ExprKind::Compare(op, a, b) => {
                let (a, b) = (self.expr(a), self.expr(b));
                self.check_comparable(*op, &a, &b, span);
                ir(IrKind::Compare(*op, Arc::new(a), Arc::new(b)), Ty::Bool)
            }
            ExprKind::In {
                negated,
                item,
                list,
            } => {
                let (item, list) = (self.expr(item), self.expr(list));
                match &list.ty {
                    Ty::List(element) => {
                        if item.ty == Ty::Measure {
                            self.check_amount_against(&item, element, "in");
                        }
                        if !comparable_eq(&item.ty, element) {
                            self.error(
                                "policy::type-mismatch",
                                format!("不能在 {} 的列表中查找 {}", element, item.ty),
                                span,
                                None,
                                None,
                            );
                        }
                    }
                    Ty::Unknown => {}
                    other => self.error(
                        "policy::type-mismatch",
                        format!("in 的右边必须是列表，这里是 {other}"),
                        list.span,
                        Some("不是列表".into()),
                        Some(if *other == Ty::Str {
                            "在文本中查找请用 contains(文本, 部分)".to_owned()
                        } else {
                            "例如 i.level2 in [\"数量指标\", \"质量指标\"]".to_owned()
                        }),
                    ),
                }
                ir(
                    IrKind::In {
                        negated: *negated,
                        item: Box::new(item),
                        list: Box::new(list),
                    },
                    Ty::Bool,
                )
            }
            ExprKind::Is {
                negated,
                missing,
                expr,
            } => {
                let v = self.expr(expr);
                ir(
                    IrKind::Is {
                        negated: *negated,
                        missing: *missing,
                        expr: Box::new(v),
                    },
                    Ty::Bool,
                )
            }
            ExprKind::Coalesce(a, b) => {
                let (a, b) = (self.expr(a), self.expr(b));
                if !same_kind(&a.ty, &b.ty) {
                    self.error(
                        "policy::type-mismatch",
                        format!("?? 两边的类型不同：{} 与 {}", a.ty, b.ty),
                        span,
                        None,
                        Some("?? 在左边缺失时取右边的值，两边应为同一类型".into()),
                    );
                }
                let ty = if a.ty == Ty::Unknown {
                    b.ty.clone()
                } else {
                    a.ty.clone()
                };
                ir(IrKind::Coalesce(Box::new(a), Box::new(b)), ty)
            }
            ExprKind::And(a, b) => self.logical(true, a, b, span),
            ExprKind::Or(a, b) => self.logical(false, a, b, span),
            ExprKind::Not(inner) => {
                let v = self.condition(inner, "not");
                ir(IrKind::Not(Box::new(v)), Ty::Bool)
            }
            ExprKind::If(c, t, f) => self.if_expr(c, t, f, span),
            ExprKind::Quantified {
                quantifier,
                comp,
                body,
            } => self.quantified(*quantifier, comp, body.as_deref(), span),
            ExprKind::Aggregate(Aggregate::Group, comp) => self.group(comp, span),
            ExprKind::Aggregate(agg, comp) => {
                let (mut c, mapped) = self.comprehension(comp, true);
                if *agg == Aggregate::First && is_direct_lookup(&c) {
                    // The first element of a hash-join group passes the filter: a look-up
                    // costs less than caching its result.
                    c.memo = None;
                    c.lookup = true;
                }
                let ty = self.aggregate_type(*agg, &mapped, span);
                ir(IrKind::Aggregate(*agg, Box::new(c)), ty)
            }
        }
    }

    /// How deep evaluating `e` can recurse: its own nesting plus that of the deepest `let` it
    /// reads (a `let` is computed where it is first read). Past [`parser::MAX_EXPR_DEPTH`] — a
    /// chain of hundreds of `let`s, each reading the one before — it is refused like an
    /// expression nested that deep, instead of exhausting the stack at run time.
    fn evaluation_depth(&mut self, e: &Expr, ir: &Ir) -> u32 {
        let read = free_slots(ir);
        let through_lets = read
            .iter()
            .filter_map(|slot| self.let_depths.get(slot))
            .max()
            .copied()
            .unwrap_or(0);
        let depth = e.depth.saturating_add(through_lets);
        // Said once, where the chain crosses the limit: a `let` read here that is over it
        // already had its error.
        let crossed_before = read.iter().any(|slot| {
            self.let_depths
                .get(slot)
                .is_some_and(|d| *d > parser::MAX_EXPR_DEPTH + 1)
        });
        if depth > parser::MAX_EXPR_DEPTH && through_lets > 0 && !crossed_before {
            self.error(
                "policy::too-deep",
                format!(
                    "计算这个表达式要经过的 let 连同表达式本身嵌套超过 {} 层",
                    parser::MAX_EXPR_DEPTH
                ),
                e.span,
                Some("嵌套太深".into()),
                Some("减少 let 之间一层套一层的引用（如 let b = a、let c = b …），直接写出要计算的值".into()),
            );
        }
        depth
    }

    /// `a and b`, `a or b`. Under `and`, what `a` says of value kinds holds in `b` (it is only
    /// evaluated when `a` is not false). Kept out of [`Self::expr`] (see [`Self::group`]).
    #[inline(never)]
    fn logical(&mut self, and: bool, a: &Expr, b: &Expr, span: Span) -> Ir {
        let what = if and { "and" } else { "or" };
        let a = self.condition(a, what);
        let mark = self.kind_facts.len();
        // `b` is evaluated only when `a` is true (and) or false (or), or unknown — and then the
        // value is missing, and so is its amount.
        if and {
            self.learn_kinds(&a, true);
        } else {
            self.learn_kinds(&a, false);
        }
        let b = self.condition(b, what);
        self.kind_facts.truncate(mark);
        let kind = if and {
            IrKind::And(Box::new(a), Box::new(b))
        } else {
            IrKind::Or(Box::new(a), Box::new(b))
        };
        Ir {
            kind,
            ty: Ty::Bool,
            span,
        }
    }

    /// `if c then t else f`: `t` sees what `c` says of value kinds, `f` what its falsity says.
    /// Kept out of [`Self::expr`] (see [`Self::group`]).
    #[inline(never)]
    fn if_expr(&mut self, c: &Expr, t: &Expr, f: &Expr, span: Span) -> Ir {
        let c = self.condition(c, "if");
        let mark = self.kind_facts.len();
        self.learn_kinds(&c, true);
        let t = self.expr(t);
        self.kind_facts.truncate(mark);
        self.learn_kinds(&c, false);
        let f = self.expr(f);
        self.kind_facts.truncate(mark);
        if !same_kind(&t.ty, &f.ty) {
            self.error(
                "policy::type-mismatch",
                format!("if 的两个分支类型不同：{} 与 {}", t.ty, f.ty),
                span,
                None,
                None,
            );
        }
        let ty = if t.ty == Ty::Unknown {
            f.ty.clone()
        } else {
            t.ty.clone()
        };
        Ir {
            kind: IrKind::If(Box::new(c), Box::new(t), Box::new(f)),
            ty,
            span,
        }
    }

    /// `any/all/none x in C [where F]: BODY`. Kept out of [`Self::expr`] (see [`Self::group`]).
    #[inline(never)]
    fn quantified(
        &mut self,
        quantifier: Quantifier,
        comp: &Comprehension,
        body: Option<&Expr>,
        span: Span,
    ) -> Ir {
        let depth = self.scopes.len();
        let collection = self.expr(&comp.collection);
        let element = self.element_type(&collection, comp.collection.span, quantifier.keyword());
        let slot = self.bind(&comp.var, element, true);
        let filter = comp.filter.as_ref().map(|f| self.condition(f, "where"));
        let mark = self.kind_facts.len();
        if let Some(f) = &filter {
            self.learn_kinds(f, true);
        }
        let body = body.map(|b| self.condition(b, quantifier.keyword()));
        self.kind_facts.truncate(mark);
        self.unbind_to(depth);
        let mut c = Comp {
            slot,
            collection,
            filter,
            map: None,
            join: None,
            memo: None,
            lookup: false,
            closed: false,
        };
        self.plan_comp(&mut c, body.as_ref());
        Ir {
            kind: IrKind::Quantified {
                quantifier,
                comp: Box::new(c),
                body: body.map(Box::new),
            },
            ty: Ty::Bool,
            span,
        }
    }

    /// Record the value kinds a condition establishes when it is `holds`: each conjunct
    /// `X.kind == K` (either way round, where `X` is a binding's field path) of a true
    /// condition, each `X.kind != K` of a false one.
    #[inline(never)]
    fn learn_kinds(&mut self, cond: &Ir, holds: bool) {
        match &cond.kind {
            IrKind::And(a, b) if holds => {
                self.learn_kinds(a, true);
                self.learn_kinds(b, true);
            }
            IrKind::Or(a, b) if !holds => {
                self.learn_kinds(a, false);
                self.learn_kinds(b, false);
            }
            IrKind::Not(a) => self.learn_kinds(a, !holds),
            IrKind::Compare(op @ (CmpOp::Eq | CmpOp::Ne), a, b) if (*op == CmpOp::Eq) == holds => {
                let fact = match (&a.kind, &b.kind) {
                    (IrKind::Field(value, FieldId::ValueKind), IrKind::Const(Const::Kind(k)))
                    | (IrKind::Const(Const::Kind(k)), IrKind::Field(value, FieldId::ValueKind)) => {
                        self.path_of(value).map(|(slot, path)| (slot, path, *k))
                    }
                    _ => None,
                };
                if let Some(fact) = fact {
                    self.kind_facts.push(fact);
                }
            }
            // `kind in [money]`: one kind is `kind == money`.
            IrKind::In {
                negated: false,
                item,
                list,
            } if holds => {
                let only = match &list.kind {
                    IrKind::Const(Const::List(items)) => match items.as_slice() {
                        [Const::Kind(k)] => Some(*k),
                        _ => None,
                    },
                    IrKind::List(items) => match items.as_slice() {
                        [
                            Ir {
                                kind: IrKind::Const(Const::Kind(k)),
                                ..
                            },
                        ] => Some(*k),
                        _ => None,
                    },
                    _ => None,
                };
                if let (Some(k), IrKind::Field(value, FieldId::ValueKind)) = (only, &item.kind)
                    && let Some((slot, path)) = self.path_of(value)
                {
                    self.kind_facts.push((slot, path, k));
                }
            }
            _ => {}
        }
    }

    /// A binding and the fields read from it, through `let`s that only name a path
    /// (`let v = i.value` then `v.kind` is `i` + `value` + `kind`).
    fn path_of(&self, ir: &Ir) -> Option<(usize, Vec<FieldId>)> {
        let (slot, path) = value_path(ir)?;
        match self.let_paths.get(&slot) {
            Some((base, prefix)) => {
                let mut full = prefix.clone();
                full.extend(path);
                Some((*base, full))
            }
            None => Some((slot, path)),
        }
    }

    /// The kind the conditions in force give the value `value`, if any.
    fn known_kind(&self, value: &Ir) -> Option<ValueKind> {
        let (slot, path) = self.path_of(value)?;
        self.kind_facts
            .iter()
            .rev()
            .find(|(s, p, _)| *s == slot && *p == path)
            .map(|(_, _, k)| *k)
    }

    /// `group(x in C by KEY)`: a list of groups of `C`'s elements. Kept out of [`Self::expr`]
    /// so that its locals do not grow every level of expression nesting's stack frame.
    #[inline(never)]
    fn group(&mut self, comp: &Comprehension, span: Span) -> Ir {
        let (c, key) = self.comprehension(comp, true);
        let item = match &c.collection.ty {
            Ty::List(t) => (**t).clone(),
            _ => Ty::Unknown,
        };
        if !key.is_key() {
            self.error(
                "policy::type-mismatch",
                format!("group 的 by 需要文本、数值或日期，这里是 {key}"),
                comp.map.as_ref().map_or(span, |m| m.span),
                None,
                Some("例如 group(p in projects by p.department.code)".into()),
            );
        }
        let ty = Ty::List(Box::new(Ty::Group(Box::new(key), Box::new(item))));
        Ir {
            kind: IrKind::Aggregate(Aggregate::Group, Box::new(c)),
            ty,
            span,
        }
    }

    /// Compile a comprehension; returns it and the type of what it yields (mapped or element).
    fn comprehension(&mut self, comp: &Comprehension, plan: bool) -> (Comp, Ty) {
        let depth = self.scopes.len();
        let collection = self.expr(&comp.collection);
        let element = self.element_type(&collection, comp.collection.span, "推导式");
        let slot = self.bind(
            &comp.var,
            element.clone(),
            comp.map.is_some() || comp.filter.is_some(),
        );
        let filter = comp.filter.as_ref().map(|f| self.condition(f, "where"));
        let mark = self.kind_facts.len();
        if let Some(f) = &filter {
            self.learn_kinds(f, true);
        }
        let map = comp.map.as_ref().map(|m| self.expr(m));
        self.kind_facts.truncate(mark);
        self.unbind_to(depth);
        let yielded = map.as_ref().map_or(element, |m| m.ty.clone());
        let mut c = Comp {
            slot,
            collection,
            filter,
            map,
            join: None,
            memo: None,
            lookup: false,
            closed: false,
        };
        if plan {
            self.plan_comp(&mut c, None);
        }
        (c, yielded)
    }

    /// Whether an expression has the same value for the whole document: it reads no binding
    /// but `let`s that are themselves constant.
    fn is_constant(&self, ir: &Ir) -> bool {
        free_slots(ir).is_subset(&self.constant_slots)
    }

    /// Plan a hash join and memoisation for a comprehension (see [`Comp`]).
    fn plan_comp(&mut self, c: &mut Comp, body: Option<&Ir>) {
        let outer: BTreeSet<usize> = (0..self.slots.len()).filter(|s| *s != c.slot).collect();
        let conditions = c.filter.clone().map(split_and).unwrap_or_default();
        let join = find_join(conditions.iter(), c.slot, &outer);
        // What the result depends on besides the iteration variable and the one join key used.
        let mut free = BTreeSet::new();
        for (k, cond) in conditions.iter().enumerate() {
            if join.as_ref().is_none_or(|(used, _)| *used != k) {
                free.extend(free_slots(cond));
            }
        }
        if let Some(m) = &c.map {
            free.extend(free_slots(m));
        }
        if let Some(b) = body {
            free.extend(free_slots(b));
        }
        free.remove(&c.slot);
        free.retain(|s| !self.constant_slots.contains(s));
        c.closed = self.is_constant(&c.collection);
        if let Some((_, (inner_key, outer_key, prefix))) = join {
            let site = self.new_site();
            c.join = Some(Join {
                site,
                inner_key,
                outer_key,
                prefix,
                closed: c.closed,
            });
        }
        // Memoise when the result depends on nothing but the collection and the join key: the
        // evaluator keys the memo by the collection (once per document if it is closed).
        if free.is_empty() {
            c.memo = Some(self.new_site());
        } else if c.join.is_none() && matches!(c.collection.kind, IrKind::Projects) {
            // Computed again for every outer element, over every form: pairs of forms.
            let span = self.slots.get(c.slot).map_or(c.collection.span, |s| s.span);
            self.diags.push(
                Diagnostic::warning(
                    "policy::quadratic",
                    "这个推导式对每个外层元素都要遍历全部表，表多时会很慢（平方级）",
                )
                .with_primary(span, Some("遍历 projects 没有相等条件".into()))
                .with_help(
                    "在 where 中加入形如 q.department.code == p.department.code 的相等条件，jixiao 会用哈希索引配对",
                ),
            );
        }
    }

    fn name(&mut self, id: &Ident) -> Ir {
        let span = id.span;
        if let Some(scoped) = self.scopes.iter_mut().rev().find(|s| s.name == id.name) {
            scoped.used = true;
            return Ir {
                kind: IrKind::Slot(scoped.slot),
                ty: scoped.ty.clone(),
                span,
            };
        }
        if let Some(&index) = self.param_index.get(&id.name)
            && let Some(p) = self.params.get(index)
        {
            self.used_params.insert(index);
            return Ir {
                kind: IrKind::Param(index),
                ty: p.ty.clone(),
                span,
            };
        }
        if id.name == "projects" {
            return Ir {
                kind: IrKind::Projects,
                ty: Ty::List(Box::new(Ty::Project)),
                span,
            };
        }
        if let Some(c) = constant(&id.name) {
            let value = match c {
                Constant::Category(c) => Const::Category(c),
                Constant::Kind(k) => Const::Kind(k),
                Constant::Op(o) => Const::Op(o),
            };
            return Ir {
                kind: IrKind::Const(value),
                ty: c.ty(),
                span,
            };
        }
        let mut candidates: Vec<&str> = self.scopes.iter().map(|s| s.name.as_str()).collect();
        candidates.extend(self.params.iter().map(|p| p.name.as_str()));
        candidates.push("projects");
        let constants = constant_names();
        candidates.extend(constants.iter().copied());
        let help = match suggest(&id.name, candidates.iter().copied()) {
            Some(s) => Some(format!("是否应为 {s}？")),
            None => Some(
                "名称可以是 for/let 绑定、参数（param）、projects，或常量（如 cost、money、ge）"
                    .to_owned(),
            ),
        };
        self.error(
            "policy::unknown-name",
            format!("未知名称 {}", id.name),
            span,
            Some("未定义".into()),
            help,
        );
        unknown(span)
    }

    fn field(&mut self, base: Ir, name: &Ident, span: Span) -> Ir {
        if base.ty == Ty::Unknown {
            return unknown(span);
        }
        if let Ty::Group(key, item) = &base.ty {
            let (id, ty) = match name.name.as_str() {
                "key" => (FieldId::GroupKey, (**key).clone()),
                "items" => (FieldId::GroupItems, Ty::List(item.clone())),
                other => {
                    let help = suggest(other, ["key", "items"])
                        .map_or("分组的字段有：key、items".to_owned(), |s| {
                            format!("是否应为 {s}？分组的字段有：key、items")
                        });
                    self.error(
                        "policy::unknown-field",
                        format!("{} 没有字段 {other}", base.ty),
                        name.span,
                        Some("没有这个字段".into()),
                        Some(help),
                    );
                    return unknown(span);
                }
            };
            return Ir {
                kind: IrKind::Field(Box::new(base), id),
                ty,
                span,
            };
        }
        if let Some(id) = field(&base.ty, &name.name) {
            let ty = match id {
                // `amount` where a condition fixed the kind: typed now, checked at load.
                FieldId::ValueAmount => self
                    .known_kind(&base)
                    .and_then(amount_type)
                    .unwrap_or(Ty::Measure),
                _ => id.ty(),
            };
            return Ir {
                kind: IrKind::Field(Box::new(base), id),
                ty,
                span,
            };
        }
        let names = field_names(&base.ty);
        if names.is_empty() {
            let help = if matches!(base.ty, Ty::List(_)) {
                "这是一个列表：用 any/all/none、count(…)、sum(…) 访问其中的元素".to_owned()
            } else {
                format!("{} 类型的值没有字段", base.ty)
            };
            self.error(
                "policy::unknown-field",
                format!("{} 没有字段 {}", base.ty, name.name),
                name.span,
                Some("没有这个字段".into()),
                Some(help),
            );
        } else {
            let help = match suggest(&name.name, names.iter().copied()) {
                Some(s) => format!("是否应为 {s}？{} 的字段有：{}", base.ty, names.join("、")),
                None => format!("{} 的字段有：{}", base.ty, names.join("、")),
            };
            self.error(
                "policy::unknown-field",
                format!("{} 没有字段 {}", base.ty, name.name),
                name.span,
                Some("没有这个字段".into()),
                Some(help),
            );
        }
        unknown(span)
    }

    fn call(&mut self, name: &Ident, args: &[Expr], span: Span) -> Ir {
        // `count(xs)`, `sum(xs)` …: an aggregate over a plain list.
        if name.name == "group" {
            self.error(
                "policy::syntax",
                "group 的写法是 group(元素 in 集合 by 分组键)",
                span,
                None,
                Some(
                    "例如 for g in group(p in projects by p.department.code)，再用 g.key、g.items"
                        .into(),
                ),
            );
            for a in args {
                self.expr(a);
            }
            return unknown(span);
        }
        if let ([list], Some(_)) = (args, Aggregate::from_name(&name.name)) {
            let collection = self.expr(list);
            let element = self.element_type(&collection, list.span, &name.name);
            let slot = self.slots.len();
            self.slots.push(SlotInfo {
                name: format!("<{}>", name.name),
                ty: element.clone(),
                span: list.span,
            });
            let mut comp = Comp {
                slot,
                collection,
                filter: None,
                map: None,
                join: None,
                memo: None,
                lookup: false,
                closed: false,
            };
            self.plan_comp(&mut comp, None);
            let agg = Aggregate::from_name(&name.name).unwrap_or(Aggregate::Count);
            let ty = self.aggregate_type(agg, &element, span);
            return Ir {
                kind: IrKind::Aggregate(agg, Box::new(comp)),
                ty,
                span,
            };
        }
        let Some(&(_, func, arity, signature)) = FUNCTIONS.iter().find(|(n, ..)| *n == name.name)
        else {
            let names: Vec<&str> = FUNCTIONS
                .iter()
                .map(|(n, ..)| *n)
                .chain(Aggregate::ALL.iter().map(|a| a.name()))
                .collect();
            let help = match suggest(&name.name, names.iter().copied()) {
                Some(s) => format!("是否应为 {s}？"),
                None => format!("可用的函数：{}", names.join("、")),
            };
            self.error(
                "policy::unknown-function",
                format!("未知函数 {}", name.name),
                name.span,
                Some("没有这个函数".into()),
                Some(help),
            );
            for a in args {
                self.expr(a);
            }
            return unknown(span);
        };
        if args.len() != arity {
            self.error(
                "policy::arity",
                format!(
                    "函数 {} 需要 {arity} 个参数，这里给了 {} 个",
                    name.name,
                    args.len()
                ),
                span,
                Some(format!("{} 个参数", args.len())),
                Some(format!("用法：{signature}")),
            );
            for a in args {
                self.expr(a);
            }
            return unknown(span);
        }
        if matches!(func, Func::Matches | Func::Capture) {
            let fname = name.name.as_str();
            let text = args.first().map(|a| self.expr(a));
            let pattern = args.get(1);
            let Some(ExprKind::Str(lit)) = pattern.map(|p| &p.kind) else {
                self.error(
                    "policy::type-mismatch",
                    format!("{fname} 的第二个参数必须是写在规则里的字符串（正则表达式）"),
                    pattern.map_or(span, |p| p.span),
                    None,
                    Some(format!("例如 {fname}(i.name, \"^(.+?)(州|市|县)\")")),
                );
                return unknown(span);
            };
            let Some(text) = text else {
                return unknown(span);
            };
            self.expect(&text, &Ty::Str, &format!("{fname} 的第一个参数"));
            return match regex::RegexBuilder::new(&lit.value)
                .size_limit(1 << 20)
                .build()
            {
                Ok(re) if func == Func::Capture => Ir {
                    kind: IrKind::Capture(Box::new(text), Box::new(re)),
                    ty: Ty::Str,
                    span,
                },
                Ok(re) => Ir {
                    kind: IrKind::Matches(Box::new(text), Box::new(re)),
                    ty: Ty::Bool,
                    span,
                },
                Err(err) => {
                    self.error(
                        "policy::bad-regex",
                        format!("正则表达式无效：{err}"),
                        lit.span,
                        Some("无效".into()),
                        None,
                    );
                    unknown(span)
                }
            };
        }
        let args: Vec<Ir> = args.iter().map(|a| self.expr(a)).collect();
        let ty = self.function_type(func, &args, span, signature);
        Ir {
            kind: IrKind::Call(func, args),
            ty,
            span,
        }
    }

    fn expect(&mut self, ir: &Ir, ty: &Ty, what: &str) {
        if ir.ty != Ty::Unknown && !same_kind(&ir.ty, ty) {
            self.error(
                "policy::type-mismatch",
                format!("{what}应为 {ty}，这里是 {}", ir.ty),
                ir.span,
                Some(format!("这里是 {}", ir.ty)),
                None,
            );
        }
    }

    fn function_type(&mut self, func: Func, args: &[Ir], span: Span, signature: &str) -> Ty {
        let arg = |k: usize| args.get(k).cloned().unwrap_or_else(|| unknown(span));
        match func {
            Func::Contains | Func::StartsWith | Func::EndsWith => {
                self.expect(&arg(0), &Ty::Str, "第 1 个参数");
                // One text, or a list of texts: true when any of them matches.
                let second = arg(1);
                if !matches!(second.ty, Ty::List(_)) {
                    self.expect(&second, &Ty::Str, "第 2 个参数");
                } else {
                    self.expect(&second, &Ty::List(Box::new(Ty::Str)), "第 2 个参数");
                }
                Ty::Bool
            }
            Func::Length => {
                let a = arg(0);
                if !matches!(a.ty, Ty::Str | Ty::List(_) | Ty::Unknown) {
                    self.error(
                        "policy::type-mismatch",
                        format!("length 需要文本或列表，这里是 {}", a.ty),
                        a.span,
                        None,
                        Some(format!("用法：{signature}")),
                    );
                }
                Ty::Num
            }
            Func::Trim | Func::CollapseRepeats => {
                self.expect(&arg(0), &Ty::Str, "参数");
                Ty::Str
            }
            Func::Replace => {
                for k in 0..3 {
                    self.expect(&arg(k), &Ty::Str, "参数");
                }
                Ty::Str
            }
            Func::Year | Func::Month | Func::Day => {
                self.expect(&arg(0), &Ty::Date, "参数");
                Ty::Num
            }
            Func::Date => {
                for k in 0..3 {
                    self.expect(&arg(k), &Ty::Num, "参数");
                }
                Ty::Date
            }
            Func::Abs => {
                let a = arg(0);
                if !a.ty.is_numeric() {
                    self.error(
                        "policy::type-mismatch",
                        format!("abs 需要数值，这里是 {}", a.ty),
                        a.span,
                        None,
                        None,
                    );
                }
                a.ty
            }
            Func::Round => {
                let a = arg(0);
                if !a.ty.is_numeric() {
                    self.error(
                        "policy::type-mismatch",
                        format!("round 需要数值，这里是 {}", a.ty),
                        a.span,
                        None,
                        None,
                    );
                }
                self.expect(&arg(1), &Ty::Num, "小数位数");
                a.ty
            }
            Func::Min2 | Func::Max2 => {
                let (a, b) = (arg(0), arg(1));
                self.check_comparable(CmpOp::Lt, &a, &b, span);
                if a.ty == Ty::Unknown { b.ty } else { a.ty }
            }
            Func::Matches => Ty::Bool,
            Func::Capture => Ty::Str,
            Func::Number => {
                let a = arg(0);
                if !a.ty.is_numeric() {
                    self.error(
                        "policy::type-mismatch",
                        format!("number 需要数量、金额、百分比或单价，这里是 {}", a.ty),
                        a.span,
                        None,
                        Some(format!("用法：{signature}")),
                    );
                }
                Ty::Num
            }
            Func::Sort | Func::Set => {
                let a = arg(0);
                match &a.ty {
                    Ty::List(t) if t.is_key() => a.ty.clone(),
                    Ty::Unknown => Ty::Unknown,
                    other => {
                        self.error(
                            "policy::type-mismatch",
                            format!(
                                "{} 需要文本、数值或日期的列表，这里是 {other}",
                                if func == Func::Sort { "sort" } else { "set" }
                            ),
                            a.span,
                            None,
                            Some(format!("用法：{signature}")),
                        );
                        Ty::Unknown
                    }
                }
            }
            Func::Join => {
                self.expect(&arg(0), &Ty::List(Box::new(Ty::Str)), "第 1 个参数");
                self.expect(&arg(1), &Ty::Str, "分隔符");
                Ty::Str
            }
            Func::Slice => {
                self.expect(&arg(0), &Ty::Str, "第 1 个参数");
                self.expect(&arg(1), &Ty::Num, "起点");
                self.expect(&arg(2), &Ty::Num, "终点");
                Ty::Str
            }
            Func::Subset => {
                let (a, b) = (arg(0), arg(1));
                if !matches!(a.ty, Ty::List(_) | Ty::Unknown) {
                    self.expect(&a, &Ty::List(Box::new(Ty::Unknown)), "第 1 个参数");
                }
                if !(comparable_eq(&a.ty, &b.ty)) {
                    self.error(
                        "policy::type-mismatch",
                        format!("subset 的两个列表类型不同：{} 与 {}", a.ty, b.ty),
                        span,
                        None,
                        None,
                    );
                }
                Ty::Bool
            }
            Func::Flatten => match arg(0).ty {
                Ty::List(inner) if matches!(*inner, Ty::List(_) | Ty::Unknown) => *inner,
                Ty::Unknown => Ty::Unknown,
                other => {
                    self.error(
                        "policy::type-mismatch",
                        format!("flatten 需要列表的列表，这里是 {other}"),
                        span,
                        None,
                        Some(format!("用法：{signature}")),
                    );
                    Ty::Unknown
                }
            },
        }
    }

    fn aggregate_type(&mut self, agg: Aggregate, yielded: &Ty, span: Span) -> Ty {
        match agg {
            Aggregate::Count => Ty::Num,
            Aggregate::Sum => {
                if !yielded.is_numeric() {
                    self.error(
                        "policy::type-mismatch",
                        format!("sum 只能对数值求和，这里是 {yielded}"),
                        span,
                        None,
                        Some("例如 sum(i.value.money for i in p.indicators where i.category == cost)".into()),
                    );
                }
                yielded.clone()
            }
            Aggregate::Min | Aggregate::Max => {
                if !(yielded.is_numeric() || matches!(yielded, Ty::Date | Ty::Str)) {
                    self.error(
                        "policy::type-mismatch",
                        format!("{} 需要可比较的值，这里是 {yielded}", agg.name()),
                        span,
                        None,
                        None,
                    );
                }
                yielded.clone()
            }
            Aggregate::First => yielded.clone(),
            // Typed where the comprehension is compiled (it needs the element type too).
            Aggregate::Group => Ty::Unknown,
            Aggregate::MostCommon | Aggregate::Distinct => {
                if !yielded.is_key() {
                    self.error(
                        "policy::type-mismatch",
                        format!("{} 需要文本、数值或日期，这里是 {yielded}", agg.name()),
                        span,
                        None,
                        None,
                    );
                }
                if agg == Aggregate::Distinct {
                    Ty::List(Box::new(yielded.clone()))
                } else {
                    yielded.clone()
                }
            }
        }
    }

    fn arith_type(&mut self, op: ArithOp, a: &Ir, b: &Ir, span: Span) -> Ty {
        use Ty::*;
        if matches!(op, ArithOp::Add | ArithOp::Sub) {
            self.check_amount_kind(a, b, op.symbol());
        }
        let result = match (op, &a.ty, &b.ty) {
            (_, Unknown, _) | (_, _, Unknown) => Some(Unknown),
            (ArithOp::Add, List(x), List(y)) if same_kind(x, y) => {
                Some(List(if **x == Unknown { y.clone() } else { x.clone() }))
            }
            (_, Measure, t) | (_, t, Measure) if t.is_numeric() => Some(Measure),
            (ArithOp::Add | ArithOp::Sub, x, y) if numeric_same(x, y) => Some(merge_units(x, y)),
            (ArithOp::Sub, Date, Date) => Some(Num),
            (ArithOp::Add | ArithOp::Sub, Date, Num) => Some(Date),
            (ArithOp::Mul, x, Num) | (ArithOp::Mul, Num, x) if x.is_numeric() => Some(x.clone()),
            (ArithOp::Mul, x, Percent) | (ArithOp::Mul, Percent, x)
                if matches!(x, Money | Qty(_) | Rate(_)) =>
            {
                Some(x.clone())
            }
            (ArithOp::Div, x, Num) if x.is_numeric() => Some(x.clone()),
            // 12000元 / 15人 = 800元/人.
            (ArithOp::Div, Money, Qty(u)) => Some(Rate(u.as_ref().map(|u| format!("元/{u}")))),
            (ArithOp::Div, x, y) if numeric_same(x, y) => Some(Num),
            _ => None,
        };
        result.unwrap_or_else(|| {
            let help = match (&a.ty, &b.ty) {
                (Money, Num) | (Num, Money) if matches!(op, ArithOp::Add | ArithOp::Sub) => {
                    Some("给数字写上单位，如 100元 或 13.6万元".to_owned())
                }
                (Percent, Num) | (Num, Percent) if matches!(op, ArithOp::Add | ArithOp::Sub) => {
                    Some("给数字写上 %，如 5%".to_owned())
                }
                _ => None,
            };
            self.error(
                "policy::type-mismatch",
                format!("不能计算 {} {} {}", a.ty, op.symbol(), b.ty),
                span,
                Some("类型或单位不匹配".into()),
                help,
            );
            Unknown
        })
    }

    /// `i.value.amount` whose kind no condition fixed, against a quantity of one kind: every
    /// form with another kind stops the rule with a run-time error. Said at load, with the fix.
    #[inline(never)]
    fn check_amount_kind(&mut self, a: &Ir, b: &Ir, op: &str) {
        // Two amounts of the same value (`i.value.amount * 2 > i.value.amount`) share a kind.
        if a.ty == Ty::Measure && b.ty == Ty::Measure {
            let (x, y) = (amount_sources(a), amount_sources(b));
            if !x.is_empty() && x.iter().chain(&y).all(|p| Some(p) == x.first()) {
                return;
            }
        }
        match (&a.ty, &b.ty) {
            (Ty::Measure, t) => self.check_amount_against(a, t, op),
            (t, Ty::Measure) => self.check_amount_against(b, t, op),
            _ => {}
        }
    }

    /// [`Self::check_amount_kind`] for `amount` against a value of type `other`.
    #[inline(never)]
    fn check_amount_against(&mut self, amount: &Ir, other: &Ty, op: &str) {
        let (kind, field) = match other {
            Ty::Money => ("money", "money"),
            Ty::Percent => ("percent", "percent"),
            Ty::Qty(_) => ("count", "count"),
            Ty::Rate(_) => ("rate", "rate"),
            Ty::Num => ("number", "number"),
            // Two amounts: each side's kind is known only at run time.
            Ty::Measure => ("money", "money"),
            _ => return,
        };
        let value = match &amount.kind {
            IrKind::Field(value, FieldId::ValueAmount) => value_path(value)
                .and_then(|(slot, path)| {
                    let mut name = self.slots.get(slot)?.name.clone();
                    for f in path {
                        name.push('.');
                        name.push_str(field_name(f));
                    }
                    Some(name)
                })
                .unwrap_or_else(|| "i.value".to_owned()),
            _ => "i.value".to_owned(),
        };
        self.diags.push(
            Diagnostic::warning(
                "policy::unnarrowed-amount",
                format!(
                    "{value}.amount 的类型随指标值类型而定，这里与 {other} 相{}：其他类型的指标值会让规则在检查时出错",
                    if op.len() == 1 && "+-".contains(op) { "加减" } else { "比较" }
                ),
            )
            .with_primary(amount.span, Some("类型只在检查时才知道".into()))
            .with_help(if *other == Ty::Measure {
                format!(
                    "两边都先限定类型：where {value}.kind == {kind}（另一边同样），类型不同的两个指标值无法比较"
                )
            } else {
                format!(
                    "先限定类型：where {value}.kind == {kind}（也可写在量词、汇总自己的 where 中或 and 的左边），限定后 amount 即为 {other}；或直接用 {value}.{field}"
                )
            }),
        );
    }

    fn check_comparable(&mut self, op: CmpOp, a: &Ir, b: &Ir, span: Span) {
        self.check_amount_kind(a, b, op.symbol());
        // A value, funds block or department is a record: comparing two fails on every form.
        if let Some(record) = [&a.ty, &b.ty]
            .into_iter()
            .find(|t| matches!(t, Ty::Value | Ty::Funds | Ty::Department))
        {
            let help = match record {
                Ty::Value => {
                    "比较它的字段：i.value.text（原文）、i.value.amount（数值）或 i.value.kind"
                }
                Ty::Funds => "比较它的字段，如 p.funds.total",
                _ => "比较它的字段：p.department.code 或 p.department.name",
            };
            self.error(
                "policy::type-mismatch",
                format!("{record} 不能直接比较"),
                span,
                Some(format!("{} {} {}", a.ty, op.symbol(), b.ty)),
                Some(help.to_owned()),
            );
            return;
        }
        let ok = if op.is_ordering() {
            numeric_same(&a.ty, &b.ty)
                || matches!(
                    (&a.ty, &b.ty),
                    (Ty::Date, Ty::Date) | (Ty::Str, Ty::Str) | (Ty::Unknown, _) | (_, Ty::Unknown)
                )
        } else {
            comparable_eq(&a.ty, &b.ty)
        };
        if ok {
            return;
        }
        let help = match (&a.ty, &b.ty) {
            (Ty::Money, Ty::Num) | (Ty::Num, Ty::Money) => {
                Some("给数字写上单位，如 200000元 或 20万元".to_owned())
            }
            (Ty::Percent, Ty::Num) | (Ty::Num, Ty::Percent) => {
                Some("给数字写上 %，如 90%".to_owned())
            }
            (Ty::Qty(Some(x)), Ty::Qty(Some(y))) => Some(format!("单位不同：{x} 与 {y}")),
            // `100万` is a count of 万: money is written with 元.
            (Ty::Money, Ty::Qty(Some(u))) | (Ty::Qty(Some(u)), Ty::Money)
                if matches!(u.as_str(), "万" | "亿" | "千" | "百" | "万万") =>
            {
                Some(format!("金额要写上“元”：写作 …{u}元（如 100{u}元）"))
            }
            (Ty::Category, Ty::Str) | (Ty::Str, Ty::Category) => {
                Some("类别写作常量，如 i.category == cost".to_owned())
            }
            (Ty::Kind, Ty::Str) | (Ty::Str, Ty::Kind) => {
                Some("类型写作常量，如 i.value.kind == money".to_owned())
            }
            (Ty::Op, Ty::Str) | (Ty::Str, Ty::Op) => {
                Some("比较符写作常量 ge、le、eq、gt、lt".to_owned())
            }
            _ => None,
        };
        self.error(
            "policy::type-mismatch",
            format!("不能比较 {} 与 {}", a.ty, b.ty),
            span,
            Some(format!("{} {} {}", a.ty, op.symbol(), b.ty)),
            help,
        );
    }
}

/// Whether two numeric types can be added or ordered (units agree, or one is only known at run
/// time).
fn numeric_same(a: &Ty, b: &Ty) -> bool {
    use Ty::*;
    match (a, b) {
        (Unknown, _) | (_, Unknown) => true,
        (Measure, t) | (t, Measure) => t.is_numeric(),
        (Num, Num) | (Money, Money) | (Percent, Percent) => true,
        (Qty(x), Qty(y)) | (Rate(x), Rate(y)) => x.is_none() || y.is_none() || x == y,
        _ => false,
    }
}

fn merge_units(a: &Ty, b: &Ty) -> Ty {
    match (a, b) {
        (Ty::Qty(None), Ty::Qty(u)) => Ty::Qty(u.clone()),
        (Ty::Rate(None), Ty::Rate(u)) => Ty::Rate(u.clone()),
        _ => a.clone(),
    }
}

fn comparable_eq(a: &Ty, b: &Ty) -> bool {
    numeric_same(a, b) || same_kind(a, b)
}

/// Same type, ignoring units known only at run time.
fn same_kind(a: &Ty, b: &Ty) -> bool {
    match (a, b) {
        (Ty::Unknown, _) | (_, Ty::Unknown) => true,
        (Ty::List(x), Ty::List(y)) => same_kind(x, y),
        (x, y) if x.is_numeric() && y.is_numeric() => numeric_same(x, y),
        (x, y) => x == y,
    }
}

/// The conjuncts of a condition.
fn split_and(ir: Ir) -> Vec<Ir> {
    match ir.kind {
        IrKind::And(a, b) => {
            let mut out = split_and(*a);
            out.extend(split_and(*b));
            out
        }
        _ => vec![ir],
    }
}

/// Put each `where` condition right after the last `for` binding it uses, so rows are filtered
/// as early as possible.
fn place_conditions(steps: &mut Vec<Step>, conditions: Vec<Ir>) {
    for cond in conditions {
        let free = free_slots(&cond);
        let position = steps
            .iter()
            .rposition(|s| matches!(s, Step::For { slot, .. } | Step::Let { slot, .. } if free.contains(slot)))
            .map_or(0, |p| p + 1);
        // Keep conditions after the same binding in their written order.
        let mut at = position;
        while matches!(steps.get(at), Some(Step::Where(_))) {
            at += 1;
        }
        steps.insert(at, Step::Where(cond));
    }
}

/// A join's inner and outer keys (shared with the condition they come from) and whether it
/// is a prefix join.
type JoinKeys = (Arc<Ir>, Arc<Ir>, bool);

/// The condition to join on, by its position among `conditions`: an equality if there is one,
/// else a prefix test. The keys come as (inner, outer, prefix).
fn find_join<'c>(
    conditions: impl Iterator<Item = &'c Ir> + Clone,
    slot: usize,
    outer_slots: &BTreeSet<usize>,
) -> Option<(usize, JoinKeys)> {
    let equality = conditions.clone().enumerate().find_map(|(k, c)| {
        join_condition(c, slot, outer_slots).map(|(inner, outer)| (k, (inner, outer, false)))
    });
    equality.or_else(|| {
        conditions.enumerate().find_map(|(k, c)| {
            prefix_condition(c, slot, outer_slots).map(|(inner, outer)| (k, (inner, outer, true)))
        })
    })
}

/// Whether a comprehension yields its elements straight from an equality join that is its
/// whole filter, looked up by a key read in place (`first(j in p.indicators where j.name ==
/// i.name)`): then a look-up is constant work. A computed key (`g.index - 1`, a nested
/// `first`) or a mapped result (`first(f(q) for q …)`) would be computed again at every look-up
/// — the memo keeps them once per key.
fn is_direct_lookup(c: &Comp) -> bool {
    c.map.is_none()
        && c.join
            .as_ref()
            .is_some_and(|j| !j.prefix && is_read_in_place(&j.outer_key))
        && c.filter
            .as_ref()
            .is_some_and(|f| !matches!(f.kind, IrKind::And(..)))
}

/// A binding, a constant, or a path of fields from a binding (`p.department.code`).
fn is_read_in_place(ir: &Ir) -> bool {
    match &ir.kind {
        IrKind::Slot(_) | IrKind::Const(_) | IrKind::Param(_) => true,
        IrKind::Field(base, _) => is_read_in_place(base),
        _ => false,
    }
}

/// Whether `inner` reads only the iteration variable and `outer` only earlier bindings, so
/// `inner` can key an index of the collection and `outer` look it up.
fn join_sides(inner: &Ir, outer: &Ir, slot: usize, outer_slots: &BTreeSet<usize>) -> bool {
    let (fi, fo) = (free_slots(inner), free_slots(outer));
    fi.len() == 1
        && fi.contains(&slot)
        && !fo.is_empty()
        && !fo.contains(&slot)
        && fo.is_subset(outer_slots)
}

/// `inner == outer` (either way round) where `inner` uses only `slot` and `outer` uses only
/// bindings from `outer_slots`.
fn join_condition(
    cond: &Ir,
    slot: usize,
    outer_slots: &BTreeSet<usize>,
) -> Option<(Arc<Ir>, Arc<Ir>)> {
    let IrKind::Compare(CmpOp::Eq, a, b) = &cond.kind else {
        return None;
    };
    if !a.ty.is_key() || !b.ty.is_key() {
        return None;
    }
    if join_sides(a, b, slot, outer_slots) {
        Some((Arc::clone(a), Arc::clone(b)))
    } else if join_sides(b, a, slot, outer_slots) {
        Some((Arc::clone(b), Arc::clone(a)))
    } else {
        None
    }
}

/// The most nodes a prefix join's key may have. Its keys are copied (see
/// [`prefix_condition`]); past this a key is looked for by scanning, so prefix joins nested in
/// each other's keys cannot double the rule at every level without bound. Real keys have a
/// few nodes (`p.implementer` has two), hostile ones a few hundred.
const MAX_PREFIX_KEY_NODES: usize = 1 << 16;

/// `starts_with(inner, outer)`: the elements whose text begins with an outer value are a range
/// of the collection sorted by `inner`.
fn prefix_condition(
    cond: &Ir,
    slot: usize,
    outer_slots: &BTreeSet<usize>,
) -> Option<(Arc<Ir>, Arc<Ir>)> {
    let IrKind::Call(Func::StartsWith, args) = &cond.kind else {
        return None;
    };
    let [inner, outer] = args.as_slice() else {
        return None;
    };
    // `starts_with(x, list)` means any prefix of the list: not a range of one sorted index.
    if outer.ty != Ty::Str {
        return None;
    }
    // The keys are copied out of the call's arguments: a key holding comprehensions (nested
    // joins, each copying its own keys) would double the rule at every level of nesting.
    let small = |key: &Ir| {
        let mut nodes = 0;
        key.walk(&mut |_| nodes += 1);
        nodes <= MAX_PREFIX_KEY_NODES
    };
    (join_sides(inner, outer, slot, outer_slots) && small(inner) && small(outer))
        .then(|| (Arc::new(inner.clone()), Arc::new(outer.clone())))
}

/// Whether two collection expressions are the same path (`projects`, `p.indicators`).
fn same_path(a: &Ir, b: &Ir) -> bool {
    match (&a.kind, &b.kind) {
        (IrKind::Projects, IrKind::Projects) => true,
        (IrKind::Field(x, f), IrKind::Field(y, g)) => f == g && same_path(x, y),
        (IrKind::Slot(x), IrKind::Slot(y)) | (IrKind::Param(x), IrKind::Param(y)) => x == y,
        _ => false,
    }
}

/// The bindings an expression reads (excluding those it binds itself).
pub fn free_slots(ir: &Ir) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    collect_free(ir, &mut out);
    out
}

fn collect_free(ir: &Ir, out: &mut BTreeSet<usize>) {
    match &ir.kind {
        IrKind::Slot(s) => {
            out.insert(*s);
        }
        IrKind::Const(_) | IrKind::Param(_) | IrKind::Projects => {}
        IrKind::Field(a, _)
        | IrKind::Neg(a)
        | IrKind::Not(a)
        | IrKind::Matches(a, _)
        | IrKind::Capture(a, _) => collect_free(a, out),
        IrKind::Is { expr, .. } => collect_free(expr, out),
        IrKind::Call(_, args) | IrKind::List(args) => {
            args.iter().for_each(|a| collect_free(a, out))
        }
        IrKind::Compare(_, a, b) => {
            collect_free(a, out);
            collect_free(b, out);
        }
        IrKind::Arith(_, a, b) | IrKind::Coalesce(a, b) | IrKind::And(a, b) | IrKind::Or(a, b) => {
            collect_free(a, out);
            collect_free(b, out);
        }
        IrKind::In { item, list, .. } => {
            collect_free(item, out);
            collect_free(list, out);
        }
        IrKind::If(a, b, c) => {
            collect_free(a, out);
            collect_free(b, out);
            collect_free(c, out);
        }
        IrKind::Quantified { comp, body, .. } => {
            let mut inner = BTreeSet::new();
            comp_free(comp, &mut inner);
            if let Some(b) = body {
                collect_free(b, &mut inner);
            }
            inner.remove(&comp.slot);
            collect_free(&comp.collection, out);
            out.extend(inner);
        }
        IrKind::Aggregate(_, comp) | IrKind::ListComp(comp) => {
            let mut inner = BTreeSet::new();
            comp_free(comp, &mut inner);
            inner.remove(&comp.slot);
            collect_free(&comp.collection, out);
            out.extend(inner);
        }
    }
}

fn comp_free(comp: &Comp, out: &mut BTreeSet<usize>) {
    if let Some(f) = &comp.filter {
        collect_free(f, out);
    }
    if let Some(m) = &comp.map {
        collect_free(m, out);
    }
}

/// Used by the docs test: the fields a type has.
pub fn fields_of(ty: &Ty) -> Vec<(&'static str, FieldId)> {
    crate::policy::types::schema()
        .into_iter()
        .filter(|f| &f.owner == ty)
        .map(|f| (f.name, f.id))
        .collect()
}
