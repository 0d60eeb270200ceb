//! Evaluating compiled rules over a document.
//!
//! Conditions use three-valued logic: a comparison with a missing field is *unknown*; `where`
//! keeps only rows whose condition is true; a `require` that is unknown does not fire. A run-time
//! error (overflow, division by zero, units that differ at run time) stops the rule for that form
//! only and becomes a `policy::runtime-error` diagnostic.

use crate::diagnostic::{Diagnostic, Label, MESSAGE_VALUE_CHARS, ProjectRef, Severity};
use crate::model::{Project, ValueKind};
use crate::policy::ast::{Aggregate, Quantifier};
use crate::policy::ir::*;
use crate::policy::runtime::*;
use crate::policy::types::{FieldId, Func, Ty};
use crate::policy::validate::ParamDef;
use crate::read::source::SourceFile;
use crate::span::Span;
use foldhash::HashMap;
use rust_decimal::Decimal;
use std::rc::Rc;
use std::sync::Arc;

/// At most this many explanation lines per finding.
const MAX_EXPLANATION: usize = 8;

mod explain;

type Truth = Option<bool>;

/// A missing value to borrow.
const MISSING: Val<'static> = Val::Missing;

/// The longest path of fields [`Frame::field_path`] reads in one go (`p.funds.total` is two);
/// a longer one evaluates its base as a node.
const MAX_PATH: usize = 4;

/// Identifies a collection across evaluations (see [`cache_identity`]).
type CollectionId = (usize, usize);

/// A collection's elements indexed by their join key.
enum JoinIndex<'a> {
    /// For equality joins: the elements' positions grouped by key (ascending within a group),
    /// and where each key's group lies in them — one allocation for all keys, not one each.
    Hashed {
        groups: HashMap<Key<'a>, std::ops::Range<usize>>,
        positions: Rc<[usize]>,
    },
    /// Keys and positions sorted by key, for prefix joins.
    Sorted(Vec<(Text<'a>, usize)>),
}

impl<'a> JoinIndex<'a> {
    /// Index the elements by their keys (`keys`, one per element, in order): texts sorted for a
    /// prefix join, positions grouped by key for an equality join.
    fn build(keys: Vec<Val<'a>>, prefix: bool) -> Self {
        if prefix {
            let mut sorted: Vec<(Text<'a>, usize)> = keys
                .into_iter()
                .enumerate()
                .filter_map(|(k, v)| match v {
                    Val::Str(text) => Some((text, k)),
                    _ => None,
                })
                .collect();
            sorted.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
            JoinIndex::Sorted(sorted)
        } else {
            // Count each key's elements, then place them: positions grouped by key, in
            // ascending order within each group.
            let mut groups: HashMap<Key<'a>, std::ops::Range<usize>> = HashMap::default();
            let mut group_of: Vec<Option<Key<'a>>> = Vec::with_capacity(keys.len());
            for v in &keys {
                let key = v.key();
                if let Some(key) = &key {
                    groups.entry(key.clone()).or_insert(0..0).end += 1;
                }
                group_of.push(key);
            }
            let mut start = 0;
            for group in groups.values_mut() {
                let len = group.end;
                *group = start..start;
                start += len;
            }
            let mut positions = vec![0; start];
            for (k, key) in group_of.iter().enumerate() {
                if let Some(group) = key.as_ref().and_then(|key| groups.get_mut(key))
                    && let Some(slot) = positions.get_mut(group.end)
                {
                    *slot = k;
                    group.end += 1;
                }
            }
            JoinIndex::Hashed {
                groups,
                positions: Rc::from(positions),
            }
        }
    }

    /// Positions (ascending) of the elements that match `outer`.
    fn lookup(&self, outer: &Val<'a>) -> Candidates {
        match self {
            JoinIndex::Hashed { groups, positions } => outer
                .key()
                .and_then(|key| groups.get(&key))
                .map_or(Candidates::All(0..0), |group| {
                    Candidates::Keyed(Rc::clone(positions), group.clone())
                }),
            JoinIndex::Sorted(sorted) => {
                let Val::Str(prefix) = outer else {
                    return Candidates::All(0..0);
                };
                let prefix = prefix.as_str();
                let start = sorted.partition_point(|(key, _)| key.as_str() < prefix);
                let mut at: Vec<usize> = sorted
                    .get(start..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|(key, _)| key.as_str().starts_with(prefix))
                    .map(|(_, k)| *k)
                    .collect();
                at.sort_unstable();
                let all = 0..at.len();
                Candidates::Keyed(Rc::from(at), all)
            }
        }
    }
}

/// The elements a loop visits: all of them, or those a join index lists for one key (the
/// part `range` of its positions).
enum Candidates {
    All(std::ops::Range<usize>),
    Keyed(Rc<[usize]>, std::ops::Range<usize>),
}

impl Candidates {
    /// Only the positions inside `range`.
    fn within(self, range: std::ops::Range<usize>) -> Candidates {
        match self {
            Candidates::All(all) => {
                Candidates::All(all.start.max(range.start)..all.end.min(range.end))
            }
            Candidates::Keyed(at, part) => {
                let kept: Vec<usize> = at
                    .get(part)
                    .unwrap_or_default()
                    .iter()
                    .copied()
                    .filter(|k| range.contains(k))
                    .collect();
                let all = 0..kept.len();
                Candidates::Keyed(Rc::from(kept), all)
            }
        }
    }
}

impl Iterator for Candidates {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        match self {
            Candidates::All(range) => range.next(),
            Candidates::Keyed(indices, part) => part.next().and_then(|k| indices.get(k).copied()),
        }
    }
}

struct Failure {
    error: RuntimeError,
    span: Span,
}

type R<T> = Result<T, Failure>;

fn fail(span: Span) -> impl Fn(RuntimeError) -> Failure {
    move |error| Failure { error, span }
}

/// Everything one rule needs while it runs over one document.
struct Frame<'a> {
    rule: &'a CompiledRule,
    params: &'a [ParamDef],
    policy_source: &'a SourceFile,
    projects: &'a [Project],
    file: &'a str,
    env: Vec<Val<'a>>,
    /// What is cached about the whole document: closed comprehensions and `projects`.
    document: Caches<'a>,
    /// What is cached about the current outer element (a form's indicators …), dropped when
    /// the outer loop moves on, so memory does not grow with the document.
    element: Caches<'a>,
    /// Values of constant `let`s, per slot, once computed.
    constants: Vec<Option<Val<'a>>>,
    /// `let`s bound but not computed yet, per slot (with whether the value is constant): a
    /// `let` is computed when first read, so one that a short-circuit or a filter never
    /// reaches costs nothing.
    pending: Vec<Option<(&'a Ir, bool)>>,
    /// Which forms an outer `for p in projects` visits (see [`run_rule_on`]).
    forms: std::ops::Range<usize>,
    /// How many more elements loops and quantifiers may visit for the current outer element.
    visits_left: u64,
    /// How many more they may visit in all (this rule's share of [`DOCUMENT_VISITS`]).
    document_visits_left: u64,
    /// Where `document_visits_left` is refilled from, for a rule that looks at one form.
    pool: Option<&'a VisitPool>,
    /// Set when the rule ran out of its file's visits and another piece already said so.
    silenced: bool,
    /// Set when `document_visits_left` ran out: the rule stops on this document.
    exhausted: bool,
    /// How many more bytes of text and lists the current outer element may build.
    bytes_left: u64,
    findings: Vec<Diagnostic>,
    /// While an explanation describes one element of a quantifier, its binding: the element is
    /// named once at the start of the line, not again before each of its fields.
    named_element: Option<usize>,
    /// While an explanation describes any element of a comprehension (not one bound element),
    /// its variable: what depends on it has no one value to show.
    described_var: Option<usize>,
}

/// Join indexes and memoised results, per cache site.
struct Caches<'a> {
    /// Per join site: per collection, the element indices by key.
    joins: Vec<HashMap<CollectionId, JoinIndex<'a>>>,
    /// Per memo site: results by collection and join key.
    memos: Vec<HashMap<(CollectionId, Option<Key<'a>>), Val<'a>>>,
}

impl Caches<'_> {
    fn new(sites: usize) -> Self {
        Caches {
            joins: (0..sites).map(|_| HashMap::default()).collect(),
            memos: vec![HashMap::default(); sites],
        }
    }

    fn clear(&mut self) {
        for site in self.joins.iter_mut().filter(|s| !s.is_empty()) {
            site.clear();
        }
        for site in self.memos.iter_mut().filter(|s| !s.is_empty()) {
            site.clear();
        }
    }
}

/// How many elements the loops and quantifiers of a rule may visit for one outer element (one
/// form, or one pair of forms …). Nesting multiplies: `any a in p.indicators where any b in
/// p.indicators where …` twenty deep is 10²⁰ visits on a form with ten indicators. The language
/// has no unbounded loop, but such a rule would still never finish; past the budget it stops on
/// that form with a run-time error. Real rules visit a few hundred elements a form, or the
/// whole document a few times for a rule that compares forms without a join.
pub fn visit_budget(forms: usize) -> u64 {
    FORM_VISITS.saturating_add(4u64.saturating_mul(forms as u64))
}

/// The fixed part of [`visit_budget`].
pub const FORM_VISITS: u64 = 1_000_000;

/// How many elements one rule may visit over a whole document. Without it a rule that compares
/// every form with every other (`count(q in projects where q.name != p.name)`) stays within the
/// budget of each form but runs for hours on 100,000 forms; past it the rule stops on the
/// document with one run-time error. Forms checked in parallel pieces share it in proportion.
pub const DOCUMENT_VISITS: u64 = 100_000_000;

/// What a rule that looks at one form at a time may visit over a whole file, shared by the
/// pieces and windows of forms it runs on: [`DOCUMENT_VISITS`] plus [`VISITS_PER_FORM`] for
/// each form read. Without it each piece of forms had a budget of its own, so a hostile rule
/// (twenty nested quantifiers) took the full [`FORM_VISITS`] on every form — half a second a
/// form, hours on a large file.
/// It also counts the rule's findings on the file, so that [`MAX_FINDINGS`] holds for the
/// whole file and not for each window.
#[derive(Debug)]
pub struct VisitPool {
    visits: std::sync::atomic::AtomicU64,
    spent: std::sync::atomic::AtomicBool,
    findings: std::sync::atomic::AtomicUsize,
    forms: std::sync::atomic::AtomicUsize,
}

/// The share of a file's [`VisitPool`] each form adds: real rules visit a few hundred
/// elements a form.
pub const VISITS_PER_FORM: u64 = 4_000;

/// How much a piece takes from its pool at a time (what it does not use goes back).
const POOL_BLOCK: u64 = 1 << 16;

impl VisitPool {
    /// A pool for a file of `forms` forms (more can be added as they are read).
    pub fn new(forms: usize) -> Self {
        let pool = VisitPool {
            visits: std::sync::atomic::AtomicU64::new(DOCUMENT_VISITS),
            spent: std::sync::atomic::AtomicBool::new(false),
            findings: std::sync::atomic::AtomicUsize::new(0),
            forms: std::sync::atomic::AtomicUsize::new(0),
        };
        pool.add_forms(forms);
        pool
    }

    /// More forms were read.
    pub fn add_forms(&self, forms: usize) {
        self.forms
            .fetch_add(forms, std::sync::atomic::Ordering::Relaxed);
        let more = VISITS_PER_FORM.saturating_mul(forms as u64);
        self.visits
            .fetch_add(more, std::sync::atomic::Ordering::Relaxed);
    }

    /// Take up to `most` visits; 0 when the pool is empty.
    fn take(&self, most: u64) -> u64 {
        use std::sync::atomic::Ordering;
        let mut taken = 0;
        let _ = self
            .visits
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                taken = left.min(most);
                Some(left - taken)
            });
        taken
    }

    fn give_back(&self, unused: u64) {
        self.visits
            .fetch_add(unused, std::sync::atomic::Ordering::Relaxed);
    }

    /// The rule ran out on this file: it is said once, and the rule checks no more forms.
    fn spend(&self) -> bool {
        !self.spent.swap(true, std::sync::atomic::Ordering::Relaxed)
    }

    fn spent(&self) -> bool {
        self.spent.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn most_findings(&self) -> usize {
        FINDINGS_PER_FORM
            .saturating_mul(self.forms.load(std::sync::atomic::Ordering::Relaxed))
            .saturating_add(MAX_FINDINGS)
    }

    /// Count one more finding; false when the file already has as many as it may:
    /// [`MAX_FINDINGS`] plus [`FINDINGS_PER_FORM`] for each form read.
    fn add_finding(&self) -> bool {
        use std::sync::atomic::Ordering;
        let most = self.most_findings();
        self.findings
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                (n < most).then_some(n + 1)
            })
            .is_ok()
    }
}

/// How many findings one rule may report on one document — per piece for a rule comparing
/// forms (a rule over triples of 1 000 forms would otherwise report 166 million); for a rule
/// that looks at one form, over all the pieces and windows of the file (they share a
/// [`VisitPool`]), plus [`FINDINGS_PER_FORM`] for each form read, so that a large file of
/// real forms is not cut short while a rule reporting without end on a few forms still is.
pub const MAX_FINDINGS: usize = 100_000;

/// What each form read adds to [`MAX_FINDINGS`] for a rule that looks at one form: real rules
/// report a few findings a form at most.
pub const FINDINGS_PER_FORM: usize = 16;

/// How many bytes of text and list one rule may build for one outer element, and the most one
/// text or list may hold: `replace(x, "", x)` nested four times, or a list doubled thirty times
/// with `+`, would otherwise exhaust memory.
pub const FORM_BYTES: u64 = 256 << 20;

/// Run `rule` over the projects of one document.
pub fn run_rule(
    rule: &CompiledRule,
    params: &[ParamDef],
    policy_sources: &[Arc<SourceFile>],
    projects: &[Project],
    file: &str,
) -> Vec<Diagnostic> {
    run_rule_on(
        rule,
        params,
        policy_sources,
        projects,
        file,
        0..projects.len(),
        None,
    )
}

/// [`run_rule`] for the forms in `forms` only, when the rule's outer loop is `for p in
/// projects`: the rule still sees every form (`projects` is the whole document), but reports
/// on these. Disjoint ranges give disjoint findings, so a rule comparing forms can run in
/// parallel pieces too.
pub fn run_rule_on(
    rule: &CompiledRule,
    params: &[ParamDef],
    policy_sources: &[Arc<SourceFile>],
    projects: &[Project],
    file: &str,
    forms: std::ops::Range<usize>,
    pool: Option<&VisitPool>,
) -> Vec<Diagnostic> {
    let Some(policy_source) = policy_sources.get(rule.source) else {
        return Vec::new();
    };
    let document_visits_left = match pool {
        // The rule stopped on this file, and said so, in another piece.
        Some(pool) if pool.spent() => return Vec::new(),
        Some(pool) => pool.take(POOL_BLOCK),
        None => document_share(projects.len(), forms.len()),
    };
    let mut frame = Frame {
        rule,
        params,
        policy_source,
        projects,
        file,
        env: vec![Val::Missing; rule.slots.len()],
        document: Caches::new(rule.cache_sites),
        element: Caches::new(rule.cache_sites),
        constants: vec![None; rule.slots.len()],
        pending: vec![None; rule.slots.len()],
        visits_left: visit_budget(projects.len()),
        document_visits_left,
        pool,
        silenced: false,
        exhausted: false,
        bytes_left: FORM_BYTES,
        forms,
        findings: Vec::new(),
        named_element: None,
        described_var: None,
    };
    frame.run_steps(0, true);
    if let Some(pool) = pool {
        pool.give_back(frame.document_visits_left);
    }
    frame.findings
}

/// The part of [`DOCUMENT_VISITS`] for `piece` of the `forms` of a document.
fn document_share(forms: usize, piece: usize) -> u64 {
    if forms == 0 || piece >= forms {
        return DOCUMENT_VISITS;
    }
    let share = u128::from(DOCUMENT_VISITS) * piece as u128 / forms as u128;
    u64::try_from(share)
        .unwrap_or(DOCUMENT_VISITS)
        .max(FORM_VISITS)
}

impl<'a> Frame<'a> {
    fn run_steps(&mut self, k: usize, outermost: bool) {
        if let Err(failure) = self.steps_from(k, outermost)
            && !self.silenced
        {
            let project = self.current_project();
            self.findings.push(self.runtime_error(failure, project));
        }
    }

    fn steps_from(&mut self, k: usize, outermost: bool) -> R<()> {
        let rule = self.rule;
        match rule.steps.get(k) {
            None => {
                // Each requirement is its own check: every one that is false gives a finding.
                for requirement in &rule.requires {
                    if self.truth(&requirement.cond)? == Some(false) {
                        let room = match self.pool {
                            Some(pool) => pool.add_finding(),
                            None => self.findings.len() < MAX_FINDINGS,
                        };
                        if !room {
                            return Err(self.too_many_findings(requirement.cond.span));
                        }
                        let finding = self.finding(requirement)?;
                        self.findings.push(finding);
                    }
                }
                Ok(())
            }
            Some(Step::Where(cond)) => {
                if self.truth(cond)? == Some(true) {
                    self.steps_from(k + 1, outermost)?;
                }
                Ok(())
            }
            Some(Step::Let {
                slot,
                value,
                constant,
            }) => {
                let cached = match self.constants.get(*slot) {
                    Some(Some(v)) if *constant => Some(v.clone()),
                    _ => None,
                };
                let lazy = match cached {
                    Some(v) => {
                        self.set(*slot, v);
                        None
                    }
                    None => Some((value, *constant)),
                };
                if let Some(p) = self.pending.get_mut(*slot) {
                    *p = lazy;
                }
                self.steps_from(k + 1, outermost)
            }
            Some(Step::For {
                slot,
                collection,
                join,
            }) => {
                let coll = self.eval(collection)?;
                let mut candidates =
                    self.candidates(&coll, *slot, join.as_deref(), collection.span)?;
                if k == 0 && matches!(collection.kind, IrKind::Projects) {
                    candidates = candidates.within(self.forms.clone());
                }
                for index in candidates {
                    if self.exhausted {
                        break;
                    }
                    let element = coll.element(index).unwrap_or(Val::Missing);
                    // A form whose indicator table could not be read: rules that read indicators
                    // say nothing about it (the reader said why).
                    if outermost
                        && rule.needs_indicators
                        && matches!(element, Val::Project(p) if !p.indicators_read)
                    {
                        continue;
                    }
                    self.set(*slot, element);
                    if outermost {
                        self.forget_element_caches();
                        self.visits_left = visit_budget(self.projects.len());
                        self.bytes_left = FORM_BYTES;
                        // Errors stop this element (form) only; the others are still checked.
                        self.run_steps(k + 1, false);
                    } else {
                        self.visit(collection.span)?;
                        self.steps_from(k + 1, false)?;
                    }
                }
                Ok(())
            }
        }
    }

    /// Drop what was cached about the previous outer element (its indicators, goals …): it
    /// cannot be asked for again.
    fn forget_element_caches(&mut self) {
        self.element.clear();
    }

    /// The caches for a collection: the document's for closed comprehensions and for
    /// `projects`, the current element's for anything else.
    fn caches(&mut self, identity: CollectionId) -> &mut Caches<'a> {
        if identity == (0, 0) || Some(identity) == Val::Projects(self.projects).identity() {
            &mut self.document
        } else {
            &mut self.element
        }
    }

    /// Count one element visited by a loop or quantifier over `span`; past the budget, stop.
    fn visit(&mut self, span: Span) -> R<()> {
        if self.document_visits_left == 0 {
            self.refill(span)?;
        }
        let Some(document_left) = self.document_visits_left.checked_sub(1) else {
            return Err(self.document_exhausted(span));
        };
        match self.visits_left.checked_sub(1) {
            Some(left) => {
                self.visits_left = left;
                self.document_visits_left = document_left;
                Ok(())
            }
            None => Err(Failure {
                error: RuntimeError::new(format!(
                    "计算量超过上限：这张表上已访问 {} 个元素，循环或量词嵌套过深",
                    visit_budget(self.projects.len())
                )),
                span,
            }),
        }
    }

    /// Take more visits from the file's pool, or stop the rule on the file.
    #[cold]
    #[inline(never)]
    fn refill(&mut self, span: Span) -> R<()> {
        let more = self.pool.map_or(0, |pool| pool.take(POOL_BLOCK));
        if more == 0 {
            return Err(self.document_exhausted(span));
        }
        self.document_visits_left = more;
        Ok(())
    }

    /// The rule stops on this file (a limit was reached); with a pool, the file's other pieces
    /// stop too, and only the first piece to get there says so.
    fn stop_on_file(&mut self) -> Option<&'a VisitPool> {
        self.exhausted = true;
        if let Some(pool) = self.pool
            && !pool.spend()
        {
            self.silenced = true;
        }
        self.pool
    }

    #[cold]
    #[inline(never)]
    fn too_many_findings(&mut self, span: Span) -> Failure {
        let message = match self.stop_on_file() {
            Some(pool) => {
                format!(
                    "这条规则在本文件上已有 {} 条发现，超过上限（{MAX_FINDINGS} 条加每张表 {FINDINGS_PER_FORM} 条）",
                    pool.most_findings()
                )
            }
            None => format!(
                "这条规则在本文件上已有 {MAX_FINDINGS} 条发现，超过上限（逐对比较所有表？）"
            ),
        };
        Failure {
            error: RuntimeError::new(message),
            span,
        }
    }

    #[cold]
    fn document_exhausted(&mut self, span: Span) -> Failure {
        let message = match self.stop_on_file() {
            Some(_) => {
                format!(
                    "计算量超过上限：这条规则在本文件上已用完它的计算量（共 {DOCUMENT_VISITS} 次加每张表 {VISITS_PER_FORM} 次元素访问；循环或量词嵌套过深，或逐对比较所有表？）"
                )
            }
            None => format!(
                "计算量超过上限：这条规则在本文件上已访问 {DOCUMENT_VISITS} 个元素（逐对比较所有表？）"
            ),
        };
        Failure {
            error: RuntimeError::new(message),
            span,
        }
    }

    /// Count the memory a value just built holds against the budget of this element.
    fn charge(&mut self, value: Val<'a>, span: Span) -> R<Val<'a>> {
        let bytes = match &value {
            Val::Str(Text::Shared(t)) => t.len() as u64,
            Val::List(items) => (items.len() * std::mem::size_of::<Val<'_>>()) as u64,
            _ => return Ok(value),
        };
        match self.bytes_left.checked_sub(bytes) {
            Some(left) => {
                self.bytes_left = left;
                Ok(value)
            }
            None => Err(Failure {
                error: RuntimeError::new(format!(
                    "内存超过上限：这条规则在这张表上生成的文本和列表超过 {} MiB",
                    FORM_BYTES >> 20
                )),
                span,
            }),
        }
    }

    fn set(&mut self, slot: usize, v: Val<'a>) {
        if let Some(s) = self.env.get_mut(slot) {
            *s = v;
        }
    }

    fn get(&self, slot: usize) -> Val<'a> {
        self.env.get(slot).cloned().unwrap_or(Val::Missing)
    }

    /// The value of a binding, computing a pending `let` on first read.
    fn read_slot(&mut self, slot: usize) -> R<Val<'a>> {
        self.force_slot(slot)?;
        Ok(self.get(slot))
    }

    /// Compute a binding's value if it is a `let` not read yet.
    #[inline(always)]
    fn force_slot(&mut self, slot: usize) -> R<()> {
        match self.pending.get_mut(slot).and_then(Option::take) {
            Some((value, constant)) => self.compute_let(slot, value, constant),
            None => Ok(()),
        }
    }

    #[inline(never)]
    fn compute_let(&mut self, slot: usize, value: &'a Ir, constant: bool) -> R<()> {
        let v = self.eval(value)?;
        if constant && let Some(c) = self.constants.get_mut(slot) {
            *c = Some(v.clone());
        }
        self.set(slot, v);
        Ok(())
    }

    /// Compute the pending `let`s that labels point into: places read bindings directly.
    fn force_places(&mut self, requirement: &'a Requirement) -> R<()> {
        let rule = self.rule;
        let primaries = requirement.primary.iter().chain(rule.primary.iter());
        for (place, _) in primaries.chain(rule.labels.iter()) {
            self.read_slot(place.slot)?;
        }
        Ok(())
    }

    /// Indices of the elements to visit: all, or those matching a join key.
    fn candidates(
        &mut self,
        coll: &Val<'a>,
        slot: usize,
        join: Option<&'a Join>,
        span: Span,
    ) -> R<Candidates> {
        let none = || Candidates::All(0..0);
        let Some(len) = coll.count() else {
            return match coll {
                Val::Missing => Ok(none()),
                other => Err(Failure {
                    error: RuntimeError::new(format!("{} 不是列表", other.type_name())),
                    span,
                }),
            };
        };
        let identity = join.and_then(|j| cache_identity(coll, j.closed));
        let (Some(join), Some(identity)) = (join, identity) else {
            return Ok(Candidates::All(0..len));
        };
        let outer = self.eval(&join.outer_key)?;
        if outer.is_missing() {
            return Ok(none());
        }
        // Built already: one look-up of the index, one of the key.
        if let Some(found) = self
            .caches(identity)
            .joins
            .get(join.site)
            .and_then(|site| site.get(&identity))
            .map(|index| index.lookup(&outer))
        {
            return Ok(found);
        }
        let saved = self.get(slot);
        let mut keys = Vec::with_capacity(len);
        for k in 0..len {
            self.set(slot, coll.element(k).unwrap_or(Val::Missing));
            keys.push(self.eval(&join.inner_key)?);
        }
        self.set(slot, saved);
        let index = JoinIndex::build(keys, join.prefix);
        let found = index.lookup(&outer);
        if let Some(site) = self.caches(identity).joins.get_mut(join.site) {
            site.insert(identity, index);
        }
        Ok(found)
    }

    // -------------------------------------------------------------- expressions

    fn truth(&mut self, ir: &'a Ir) -> R<Truth> {
        match &ir.kind {
            IrKind::And(a, b) => {
                let x = self.truth(a)?;
                if x == Some(false) {
                    return Ok(Some(false));
                }
                let y = self.truth(b)?;
                Ok(match (x, y) {
                    (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                })
            }
            IrKind::Or(a, b) => {
                let x = self.truth(a)?;
                if x == Some(true) {
                    return Ok(Some(true));
                }
                let y = self.truth(b)?;
                Ok(match (x, y) {
                    (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                })
            }
            IrKind::Not(a) => Ok(self.truth(a)?.map(|t| !t)),
            // The commonest conditions, decided here rather than made into a value first.
            IrKind::Compare(op, a, b) => {
                let (x, y) = (self.operand(a)?, self.operand(b)?);
                apply_cmp(*op, &x, &y).map_err(fail(ir.span))
            }
            IrKind::Is {
                negated,
                missing,
                expr,
            } => Ok(Some(self.is_test(*negated, *missing, expr)?)),
            _ => match self.eval(ir)? {
                Val::Bool(b) => Ok(Some(b)),
                Val::Missing => Ok(None),
                other => Err(Failure {
                    error: RuntimeError::new(format!("需要条件，得到 {}", other.type_name())),
                    span: ir.span,
                }),
            },
        }
    }

    fn eval(&mut self, ir: &'a Ir) -> R<Val<'a>> {
        let span = ir.span;
        Ok(match &ir.kind {
            IrKind::Const(c) => Val::from_const(c),
            IrKind::Param(index) => self
                .params
                .get(*index)
                .map_or(Val::Missing, |p| Val::from_const(&p.value)),
            IrKind::Slot(slot) => self.read_slot(*slot)?,
            IrKind::Projects => Val::Projects(self.projects),
            IrKind::Field(..) => self.field_path(ir)?,
            IrKind::Call(func, args) => self.call(*func, args, span)?,
            IrKind::Matches(text, re) => match self.eval(text)? {
                Val::Str(s) => Val::Bool(re.is_match(s.as_str())),
                _ => Val::Missing,
            },
            IrKind::Capture(..) | IrKind::Neg(_) | IrKind::Arith(..) => self.arithmetic(ir)?,
            IrKind::Compare(op, a, b) => {
                let (x, y) = (self.operand(a)?, self.operand(b)?);
                apply_cmp(*op, &x, &y)
                    .map_err(fail(span))?
                    .map_or(Val::Missing, Val::Bool)
            }
            IrKind::In {
                negated,
                item,
                list,
            } => self.contains(*negated, item, list, span)?,
            IrKind::Is {
                negated,
                missing,
                expr,
            } => Val::Bool(self.is_test(*negated, *missing, expr)?),
            IrKind::Coalesce(a, b) => match self.eval(a)? {
                Val::Missing => self.eval(b)?,
                v => v,
            },
            IrKind::And(..) | IrKind::Or(..) | IrKind::Not(_) => {
                self.truth(ir)?.map_or(Val::Missing, Val::Bool)
            }
            IrKind::If(c, t, e) => match self.truth(c)? {
                Some(true) => self.eval(t)?,
                Some(false) => self.eval(e)?,
                None => Val::Missing,
            },
            IrKind::List(_)
            | IrKind::Quantified { .. }
            | IrKind::Aggregate(..)
            | IrKind::ListComp(_) => self.collection_value(ir)?,
        })
    }

    /// An operand: the leaves most nodes have (a binding, a constant, a field of a binding) are
    /// read here without a call to `eval` for each — they are most of the nodes evaluated.
    #[inline(always)]
    fn operand(&mut self, ir: &'a Ir) -> R<Val<'a>> {
        match &ir.kind {
            IrKind::Slot(slot) => self.read_slot(*slot),
            IrKind::Const(c) => Ok(Val::from_const(c)),
            IrKind::Field(..) => self.field_path(ir),
            _ => self.eval(ir),
        }
    }

    /// `expr is [not] missing` / `expr is [not] present`.
    #[inline(always)]
    fn is_test(&mut self, negated: bool, missing: bool, expr: &'a Ir) -> R<bool> {
        let is_missing = self.operand(expr)?.is_missing();
        Ok((is_missing == missing) != negated)
    }

    /// A field, or a field of a field …, of a value: `i.value.kind` is read along its path from
    /// the binding `i` in place, without evaluating each step as a node or copying the binding.
    #[inline(always)]
    fn field_path(&mut self, ir: &'a Ir) -> R<Val<'a>> {
        let mut path = [FieldId::ProjectName; MAX_PATH];
        let mut depth = 0;
        let mut base = ir;
        while let IrKind::Field(inner, f) = &base.kind {
            let Some(step) = path.get_mut(depth) else {
                break;
            };
            *step = *f;
            depth += 1;
            base = inner;
        }
        // The steps, from the base outwards.
        let mut steps = path.get(..depth).unwrap_or_default().iter().rev();
        let Some(&first) = steps.next() else {
            return Ok(Val::Missing);
        };
        let mut value = match base.kind {
            IrKind::Slot(slot) => {
                self.force_slot(slot)?;
                self.field(self.env.get(slot).unwrap_or(&MISSING), first)
            }
            _ => {
                let value = self.eval(base)?;
                self.field(&value, first)
            }
        };
        for &f in steps {
            value = self.field(&value, f);
        }
        Ok(value)
    }

    // The node kinds below are kept out of `eval` so that its stack frame stays small: `eval`
    // recurses once per node, and every byte of its frame is paid for at every level.

    #[inline(never)]
    fn call(&mut self, func: Func, args: &'a [Ir], span: Span) -> R<Val<'a>> {
        // Built-ins take at most three arguments: no allocation per call.
        let mut values: [Val<'a>; 3] = [Val::Missing, Val::Missing, Val::Missing];
        if args.len() > values.len() {
            let mut many = Vec::with_capacity(args.len());
            for a in args {
                many.push(self.eval(a)?);
            }
            let v = call(func, &many).map_err(fail(span))?;
            return self.charge(v, span);
        }
        for (value, a) in values.iter_mut().zip(args) {
            *value = self.operand(a)?;
        }
        let v = call(func, values.get(..args.len()).unwrap_or_default()).map_err(fail(span))?;
        self.charge(v, span)
    }

    #[inline(never)]
    fn arithmetic(&mut self, ir: &'a Ir) -> R<Val<'a>> {
        let span = ir.span;
        match &ir.kind {
            IrKind::Capture(text, re) => {
                let v = self.eval(text)?;
                Ok(capture(&v, re))
            }
            IrKind::Neg(a) => {
                let v = self.eval(a)?;
                negate(&v).map_err(fail(span))
            }
            IrKind::Arith(op, a, b) => {
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                let v = arith(*op, &x, &y).map_err(fail(span))?;
                self.charge(v, span)
            }
            _ => Ok(Val::Missing),
        }
    }

    #[inline(never)]
    fn contains(&mut self, negated: bool, item: &'a Ir, list: &'a Ir, span: Span) -> R<Val<'a>> {
        let x = self.operand(item)?;
        let l = self.operand(list)?;
        if x.is_missing() || l.is_missing() {
            return Ok(Val::Missing);
        }
        if let Val::Consts(items) = l
            && let Some(found) = literal_member(&x, items)
        {
            return Ok(Val::Bool(found != negated));
        }
        let mut found = false;
        for k in 0..l.count().unwrap_or(0) {
            let e = l.element(k).unwrap_or(Val::Missing);
            if equal_values(&x, &e).map_err(fail(span))? == Some(true) {
                found = true;
                break;
            }
        }
        Ok(Val::Bool(found != negated))
    }

    #[inline(never)]
    fn collection_value(&mut self, ir: &'a Ir) -> R<Val<'a>> {
        let span = ir.span;
        match &ir.kind {
            IrKind::List(items) => {
                let mut values = Vec::with_capacity(items.len());
                for i in items {
                    values.push(self.eval(i)?);
                }
                self.charge(Val::List(Rc::new(values)), span)
            }
            IrKind::Quantified {
                quantifier,
                comp,
                body,
            } => self.memoised(comp, |f| f.quantified(*quantifier, comp, body.as_deref())),
            IrKind::Aggregate(agg, comp) => {
                self.memoised(comp, |f| f.aggregate(*agg, comp, &ir.ty))
            }
            IrKind::ListComp(comp) => self.memoised(comp, |f| {
                let mut out = Vec::new();
                f.each(comp, |f| {
                    out.push(f.yielded(comp)?);
                    Ok(true)
                })?;
                f.charge(Val::List(Rc::new(out)), span)
            }),
            _ => Ok(Val::Missing),
        }
    }

    fn memoised(
        &mut self,
        comp: &'a Comp,
        compute: impl FnOnce(&mut Self) -> R<Val<'a>>,
    ) -> R<Val<'a>> {
        let Some(site) = comp.memo else {
            return compute(self);
        };
        let identity = if comp.closed {
            Some((0, 0))
        } else {
            let coll = self.eval(&comp.collection)?;
            cache_identity(&coll, false)
        };
        let Some(identity) = identity else {
            return compute(self);
        };
        // A joined comprehension's result is cached under its key. An outer value with no key
        // (missing, or a list too long to be one) finds no element in the index, whatever it
        // is: one result, cached under no key — the key a site with a join never otherwise
        // uses. (Computed each time, a missing key made nested firsts cost 2^depth: every level
        // evaluated the one below it twice.)
        let key = match &comp.join {
            Some(j) => self.eval(&j.outer_key)?.key(),
            None => None,
        };
        let cache_key = (identity, key);
        if let Some(hit) = self
            .caches(identity)
            .memos
            .get(site)
            .and_then(|m| m.get(&cache_key))
        {
            return Ok(hit.clone());
        }
        let value = compute(self)?;
        if let Some(m) = self.caches(identity).memos.get_mut(site) {
            m.insert(cache_key, value.clone());
        }
        Ok(value)
    }

    /// Visit the elements of a comprehension that pass its filter; `visit` returns false to stop.
    fn each(&mut self, comp: &'a Comp, mut visit: impl FnMut(&mut Self) -> R<bool>) -> R<()> {
        let coll = self.eval(&comp.collection)?;
        let saved = self.get(comp.slot);
        let candidates =
            self.candidates(&coll, comp.slot, comp.join.as_ref(), comp.collection.span)?;
        for k in candidates {
            self.visit(comp.collection.span)?;
            self.set(comp.slot, coll.element(k).unwrap_or(Val::Missing));
            let pass = match &comp.filter {
                Some(f) => self.truth(f)? == Some(true),
                None => true,
            };
            if pass && !visit(self)? {
                break;
            }
        }
        self.set(comp.slot, saved);
        Ok(())
    }

    /// `first(j in c where j.key == outer)` through its join index (see [`Comp::lookup`]): the
    /// first element of the key's group. Its filter is not evaluated again: the keys a join
    /// uses are equal exactly when their values are. Like a memo hit, the look-up is not
    /// counted as a visit. A collection with no index (a list computed on the way) is walked.
    fn looked_up(&mut self, comp: &'a Comp) -> R<Val<'a>> {
        let coll = self.eval(&comp.collection)?;
        match self.candidates(&coll, comp.slot, comp.join.as_ref(), comp.collection.span)? {
            Candidates::Keyed(at, mut group) => Ok(group
                .next()
                .and_then(|k| at.get(k))
                .and_then(|&k| coll.element(k))
                .unwrap_or(Val::Missing)),
            Candidates::All(_) => self.first_of(comp),
        }
    }

    /// The first element (or mapped value) that passes the comprehension's filter.
    fn first_of(&mut self, comp: &'a Comp) -> R<Val<'a>> {
        let mut first = Val::Missing;
        self.each(comp, |f| {
            first = f.yielded(comp)?;
            Ok(false)
        })?;
        Ok(first)
    }

    fn yielded(&mut self, comp: &'a Comp) -> R<Val<'a>> {
        match &comp.map {
            Some(m) => self.eval(m),
            None => Ok(self.get(comp.slot)),
        }
    }

    fn quantified(
        &mut self,
        quantifier: Quantifier,
        comp: &'a Comp,
        body: Option<&'a Ir>,
    ) -> R<Val<'a>> {
        // Without a body the filter is the condition, with the same three-valued logic.
        let (filter, condition) = match body {
            Some(b) => (comp.filter.as_ref(), b),
            None => match &comp.filter {
                Some(f) => (None, f),
                None => return Ok(Val::Missing),
            },
        };
        let coll = self.eval(&comp.collection)?;
        let saved = self.get(comp.slot);
        let candidates =
            self.candidates(&coll, comp.slot, comp.join.as_ref(), comp.collection.span)?;
        let mut unknown = false;
        let mut decided = None;
        for k in candidates {
            self.visit(comp.collection.span)?;
            self.set(comp.slot, coll.element(k).unwrap_or(Val::Missing));
            if let Some(f) = filter
                && self.truth(f)? != Some(true)
            {
                continue;
            }
            match (quantifier, self.truth(condition)?) {
                (Quantifier::Any | Quantifier::None, Some(true)) => {
                    decided = Some(true);
                    break;
                }
                (Quantifier::All, Some(false)) => {
                    decided = Some(false);
                    break;
                }
                (_, None) => unknown = true,
                _ => {}
            }
        }
        self.set(comp.slot, saved);
        let result = match (quantifier, decided) {
            (Quantifier::Any, Some(found)) => Some(found),
            (Quantifier::None, Some(found)) => Some(!found),
            (Quantifier::All, Some(all)) => Some(all),
            (_, None) if unknown => None,
            (Quantifier::Any, None) => Some(false),
            (Quantifier::None | Quantifier::All, None) => Some(true),
        };
        Ok(result.map_or(Val::Missing, Val::Bool))
    }

    fn aggregate(&mut self, agg: Aggregate, comp: &'a Comp, ty: &Ty) -> R<Val<'a>> {
        let span = comp.collection.span;
        match agg {
            Aggregate::Count => {
                let mut n: u64 = 0;
                self.each(comp, |_| {
                    n += 1;
                    Ok(true)
                })?;
                Ok(Val::Num(Decimal::from(n)))
            }
            Aggregate::First if comp.lookup => self.looked_up(comp),
            Aggregate::First => self.first_of(comp),
            Aggregate::Sum => {
                let mut acc: Option<Val<'a>> = None;
                self.each(comp, |f| {
                    let v = f.yielded(comp)?;
                    if !v.is_missing() {
                        acc = Some(match acc.take() {
                            Some(a) => arith(crate::policy::ast::ArithOp::Add, &a, &v)
                                .map_err(fail(span))?,
                            None => v,
                        });
                    }
                    Ok(true)
                })?;
                Ok(acc.unwrap_or_else(|| zero_of(ty)))
            }
            Aggregate::Min | Aggregate::Max => {
                let mut best: Option<Val<'a>> = None;
                self.each(comp, |f| {
                    let v = f.yielded(comp)?;
                    if v.is_missing() {
                        return Ok(true);
                    }
                    let better = match &best {
                        None => true,
                        Some(b) => {
                            let ordering = compare_values(&v, b).map_err(fail(span))?;
                            match agg {
                                Aggregate::Min => ordering == Some(std::cmp::Ordering::Less),
                                _ => ordering == Some(std::cmp::Ordering::Greater),
                            }
                        }
                    };
                    if better {
                        best = Some(v);
                    }
                    Ok(true)
                })?;
                Ok(best.unwrap_or(Val::Missing))
            }
            Aggregate::Distinct => {
                let mut seen = foldhash::HashSet::default();
                let mut out = Vec::new();
                self.each(comp, |f| {
                    let v = f.yielded(comp)?;
                    if let Some(key) = v.key()
                        && seen.insert(key)
                    {
                        out.push(v);
                    }
                    Ok(true)
                })?;
                Ok(Val::List(Rc::new(out)))
            }
            Aggregate::Group => {
                // Each group is the list [key, items], read by `g.key` and `g.items`; groups in
                // the order their keys first appear, elements whose key is missing in none.
                let mut index: HashMap<Key<'a>, usize> = HashMap::default();
                let mut groups: Vec<(Val<'a>, Vec<Val<'a>>)> = Vec::new();
                self.each(comp, |f| {
                    let key = f.yielded(comp)?;
                    let item = f.read_slot(comp.slot)?;
                    if let Some(k) = key.key() {
                        let at = *index.entry(k).or_insert_with(|| {
                            groups.push((key, Vec::new()));
                            groups.len() - 1
                        });
                        if let Some((_, items)) = groups.get_mut(at) {
                            items.push(item);
                        }
                    }
                    Ok(true)
                })?;
                Ok(Val::List(Rc::new(
                    groups
                        .into_iter()
                        .map(|(k, items)| Val::List(Rc::new(vec![k, Val::List(Rc::new(items))])))
                        .collect(),
                )))
            }
            Aggregate::MostCommon => {
                let mut counts: HashMap<Key<'a>, (usize, usize, Val<'a>)> = HashMap::default();
                let mut order = 0usize;
                self.each(comp, |f| {
                    let v = f.yielded(comp)?;
                    if let Some(key) = v.key() {
                        let entry = counts.entry(key).or_insert((0, order, v));
                        entry.0 += 1;
                        order += 1;
                    }
                    Ok(true)
                })?;
                // Most frequent; ties go to the value seen first.
                Ok(counts
                    .into_values()
                    .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
                    .map_or(Val::Missing, |(_, _, v)| v))
            }
        }
    }

    fn field(&self, base: &Val<'a>, f: FieldId) -> Val<'a> {
        use FieldId::*;
        let money = |d: &Option<crate::span::Spanned<Decimal>>| {
            d.as_ref().map_or(Val::Missing, |v| Val::Money(v.value))
        };
        let text = |s: &'a Option<crate::span::Spanned<String>>| {
            Val::opt_str(s.as_ref().map(|v| v.value.as_str()))
        };
        match (base, f) {
            (group @ Val::List(_), GroupKey) => group.element(0).unwrap_or(Val::Missing),
            (group @ Val::List(_), GroupItems) => group.element(1).unwrap_or(Val::Missing),
            (Val::Project(p), ProjectName) => text(&p.name),
            (Val::Project(p), ProjectYear) => p
                .year
                .as_ref()
                .map_or(Val::Missing, |y| Val::Num(Decimal::from(y.value))),
            (Val::Project(p), ProjectIndex) => Val::Num(Decimal::from(p.index)),
            (Val::Project(p), ProjectLine) => Val::Num(Decimal::from(p.line)),
            (Val::Project(_), ProjectFile) => Val::str(self.file),
            (Val::Project(p), ProjectDepartment) => Val::Department(&p.department),
            (Val::Project(p), ProjectImplementer) => text(&p.implementer),
            (Val::Project(p), ProjectFunds) => Val::Funds(&p.funds),
            (Val::Project(p), ProjectGoals) => Val::Goals(&p.goals),
            (Val::Project(p), ProjectMidtermGoals) => Val::Goals(&p.midterm_goals),
            (Val::Project(p), ProjectIndicatorsRead) => Val::Bool(p.indicators_read),
            (Val::Project(p), ProjectMoneyUnit) => text(&p.money_unit),
            (Val::Project(p), ProjectIndicators) => Val::Indicators(&p.indicators),
            (Val::Department(d), DepartmentCode) => text(&d.code),
            (Val::Department(d), DepartmentName) => text(&d.name),
            (Val::Funds(funds), FundsTotal) => money(&funds.total),
            (Val::Funds(funds), FundsFiscal) => money(&funds.fiscal),
            (Val::Funds(funds), FundsSuperior) => money(&funds.superior),
            (Val::Funds(funds), FundsOwnLevel) => money(&funds.own_level),
            (Val::Funds(funds), FundsOther) => money(&funds.other),
            (Val::Goal(g, _), GoalNumber) => g
                .number
                .as_ref()
                .map_or(Val::Missing, |n| Val::Num(Decimal::from(n.value))),
            (Val::Goal(g, _), GoalText) => Val::str(&g.text.value),
            (Val::Goal(_, k), GoalIndex) => Val::Num(Decimal::from(*k)),
            (Val::Indicator(i, _), IndicatorLevel1) => text(&i.level1),
            (Val::Indicator(i, _), IndicatorLevel2) => text(&i.level2),
            (Val::Indicator(i, _), IndicatorCategory) => {
                i.category.map_or(Val::Missing, Val::Category)
            }
            (Val::Indicator(i, _), IndicatorName) => Val::str(&i.name.value),
            (Val::Indicator(i, _), IndicatorValue) => i
                .value
                .as_ref()
                .map_or(Val::Missing, |v| Val::Value(&v.value)),
            (Val::Indicator(i, _), IndicatorNote) => text(&i.note),
            (Val::Indicator(i, _), IndicatorLine) => Val::Num(Decimal::from(i.line)),
            (Val::Indicator(_, k), IndicatorIndex) => Val::Num(Decimal::from(*k)),
            (Val::Indicator(i, _), IndicatorMidtermValue) => i
                .midterm_value
                .as_ref()
                .map_or(Val::Missing, |v| Val::Value(&v.value)),
            (Val::Indicator(i, _), IndicatorWeight) => i
                .weight
                .as_ref()
                .map_or(Val::Missing, |w| Val::Num(w.value)),
            (Val::Indicator(i, _), IndicatorDirection) => i
                .direction
                .as_ref()
                .map_or(Val::Missing, |d| Val::str(d.value.as_str())),
            (Val::Indicator(i, _), IndicatorNature) => text(&i.nature),
            (Val::Indicator(i, _), IndicatorLevel1Text) => Val::opt_str(i.level1_text.as_deref()),
            (Val::Indicator(i, _), IndicatorLevel2Text) => Val::opt_str(i.level2_text.as_deref()),
            (Val::Value(v), ValueText) => Val::str(&v.text),
            (Val::Value(v), ValueKind) => Val::Kind(v.kind),
            (Val::Value(v), ValueOp) => v.op.map_or(Val::Missing, Val::Op),
            (Val::Value(v), ValueUnit) => Val::opt_str(v.unit.as_deref()),
            (Val::Value(v), ValueDate) => v.date.map_or(Val::Missing, Val::Date),
            (Val::Value(v), ValueBy) => Val::Bool(v.by),
            (Val::Value(v), ValueAmount) => measure(v, None),
            (Val::Value(v), ValueMoney) => measure(v, Some(crate::model::ValueKind::Money)),
            (Val::Value(v), ValuePercent) => measure(v, Some(crate::model::ValueKind::Percent)),
            (Val::Value(v), ValueCount) => measure(v, Some(crate::model::ValueKind::Count)),
            (Val::Value(v), ValueNumber) => measure(v, Some(crate::model::ValueKind::Number)),
            (Val::Value(v), ValueRate) => measure(v, Some(crate::model::ValueKind::Rate)),
            _ => Val::Missing,
        }
    }

    // -------------------------------------------------------------- findings

    fn current_project(&self) -> Option<&'a Project> {
        self.rule.steps.iter().rev().find_map(|s| match s {
            Step::For { slot, .. } => match self.get(*slot) {
                Val::Project(p) => Some(p),
                _ => None,
            },
            _ => None,
        })
    }

    fn render(&mut self, template: &'a Template) -> R<String> {
        let mut out = String::new();
        for segment in template {
            match segment {
                Segment::Text(t) => out.push_str(t),
                Segment::Expr(e) => {
                    let (v, cut) = shown_cut(&self.eval(e)?);
                    if cut {
                        // Too long even to count: say so without a total.
                        let head: String = v.chars().take(MESSAGE_VALUE_CHARS).collect();
                        out.push_str(&head);
                        out.push_str("…（过长，未全部显示）");
                    } else {
                        out.push_str(&crate::diagnostic::quoted(&v));
                    }
                }
            }
        }
        Ok(out)
    }

    fn finding(&mut self, requirement: &'a Requirement) -> R<Diagnostic> {
        self.force_places(requirement)?;
        let rule = self.rule;
        let message = self.render(requirement.message.as_ref().unwrap_or(&rule.message))?;
        let severity = requirement.severity.unwrap_or(rule.severity);
        let mut d = Diagnostic::new(rule.id.clone(), severity, message);
        let (primary_span, primary_root, primary_text) =
            match requirement.primary.as_ref().or(rule.primary.as_ref()) {
                Some((place, text)) => {
                    let text = match text {
                        Some(t) => Some(self.render(t)?),
                        None => None,
                    };
                    (self.place_span(place), self.get(place.slot), text)
                }
                None => {
                    let anchor = self.get(rule.anchor_slot);
                    (anchor_span(&anchor), anchor, None)
                }
            };
        // A rule over values with no place (`for n in distinct(…)`) still reports at a place:
        // the form being checked, else the document's first form.
        let primary_span = primary_span.or_else(|| {
            self.current_project()
                .or_else(|| self.projects.first())
                .map(Project::anchor)
        });
        d.primary = primary_span.map(|span| Label {
            span,
            text: primary_text,
        });
        for (place, text) in &rule.labels {
            let text = match text {
                Some(t) => Some(self.render(t)?),
                None => None,
            };
            if let Some(span) = self.place_span(place)
                && Some(span) != primary_span
            {
                d.secondary.push(Label { span, text });
            }
        }
        d.help = match requirement.help.as_ref().or(rule.help.as_ref()) {
            Some(h) => Some(self.render(h)?),
            None => None,
        };
        let mut explanation = self.explanation(&requirement.cond);
        explanation.truncate(MAX_EXPLANATION);
        d.explanation = explanation;
        let project = match primary_root {
            Val::Project(p) => Some(p),
            _ => self.current_project(),
        };
        d.project = project.map(ProjectRef::of);
        d.indicator = match primary_root {
            Val::Indicator(i, _) => Some(i.name.value.clone()),
            _ => rule.steps.iter().rev().find_map(|s| match s {
                Step::For { slot, .. } => match self.get(*slot) {
                    Val::Indicator(i, _) => Some(i.name.value.clone()),
                    _ => None,
                },
                _ => None,
            }),
        };
        Ok(d)
    }

    /// Why `cond` is false. Explaining has a budget of its own, so it neither spends the rule's
    /// (a rule whose file budget ran out while explaining would stop without saying so) nor
    /// runs unbounded; the finding stands even if explaining it fails, with the lines found.
    #[inline(never)]
    fn explanation(&mut self, cond: &'a Ir) -> Vec<String> {
        let saved = (
            self.visits_left,
            self.document_visits_left,
            self.pool.take(),
            self.exhausted,
        );
        self.visits_left = FORM_VISITS;
        self.document_visits_left = FORM_VISITS;
        let mut explanation = Vec::new();
        let _ = self.explain(cond, &mut explanation, 0);
        (
            self.visits_left,
            self.document_visits_left,
            self.pool,
            self.exhausted,
        ) = saved;
        explanation
    }

    /// The source span of a place: the deepest field on the path that the form has.
    fn place_span(&self, place: &Place) -> Option<Span> {
        let mut current = self.get(place.slot);
        let mut span = anchor_span(&current);
        for f in &place.path {
            let (next, field_span) = field_span(&current, *f);
            if let Some(s) = field_span {
                span = Some(s);
            }
            match next {
                Some(n) => current = n,
                None => break,
            }
        }
        span
    }

    fn source_text(&self, span: Span) -> String {
        self.policy_source
            .slice(span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn runtime_error(&self, failure: Failure, project: Option<&'a Project>) -> Diagnostic {
        let rule = self.rule;
        let position = self.policy_source.position(failure.span.start);
        let mut d = Diagnostic::new(
            "policy::runtime-error",
            Severity::Error,
            format!(
                "规则 {} 无法在这张表上完成检查：{}",
                rule.id, failure.error.message
            ),
        )
        .with_help(format!(
            "{}：{}（{}:{}:{}）；{}",
            // A limit stops the rule where it was reached; nothing there is wrong.
            if self.exhausted {
                "停在"
            } else {
                "出错的表达式"
            },
            self.source_text(failure.span),
            self.policy_source.name(),
            position.line,
            position.column,
            if self.exhausted {
                "这条规则不再检查本文件其余的表，其他规则照常检查"
            } else {
                "这张表的其他规则和其他表照常检查"
            }
        ));
        if let Some(p) = project {
            d = d
                .with_primary(p.anchor(), Some("这张表".into()))
                .with_project(ProjectRef::of(p));
        }
        d
    }
}

/// How to recognise a collection again for caching: a collection that is the same for the whole
/// document has one entry; a slice of the model is recognised by its address and length; anything
/// else (a list computed per row) is not cached.
/// `x in [literal list]` for what literal lists hold most — texts, operators, categories and
/// value kinds — compared in place, without making each element a value; `None` as soon as an
/// element is of another kind, and the general comparison decides as before.
fn literal_member(x: &Val<'_>, items: &[Const]) -> Option<bool> {
    for item in items {
        let equal = match (x, item) {
            (Val::Str(a), Const::Str(b)) => a.as_str() == b,
            (Val::Op(a), Const::Op(b)) => a == b,
            (Val::Category(a), Const::Category(b)) => a == b,
            (Val::Kind(a), Const::Kind(b)) => a == b,
            _ => return None,
        };
        if equal {
            return Some(true);
        }
    }
    Some(false)
}

fn cache_identity(coll: &Val<'_>, closed: bool) -> Option<(usize, usize)> {
    if closed {
        Some((0, 0))
    } else {
        coll.identity()
    }
}

fn zero_of<'a>(ty: &Ty) -> Val<'a> {
    match ty {
        Ty::Money => Val::Money(Decimal::ZERO),
        Ty::Percent => Val::Percent(Decimal::ZERO),
        Ty::Num => Val::Num(Decimal::ZERO),
        Ty::Qty(Some(u)) => Val::Qty(Decimal::ZERO, Text::Shared(Rc::from(u.as_str()))),
        Ty::Rate(Some(u)) => Val::Rate(Decimal::ZERO, Text::Shared(Rc::from(u.as_str()))),
        _ => Val::Missing,
    }
}

/// `i.value.amount` (kind `None`) or a typed view such as `i.value.money`.
fn measure<'a>(v: &'a crate::model::Value, want: Option<ValueKind>) -> Val<'a> {
    if want.is_some_and(|w| w != v.kind) {
        return Val::Missing;
    }
    let Some(amount) = v.amount else {
        return Val::Missing;
    };
    let unit = || Text::Borrowed(v.unit.as_deref().unwrap_or(""));
    match v.kind {
        ValueKind::Money => Val::Money(amount),
        ValueKind::Percent => Val::Percent(amount),
        ValueKind::Count => Val::Qty(amount, unit()),
        ValueKind::Rate => Val::Rate(amount, unit()),
        ValueKind::Number => Val::Num(amount),
        _ => Val::Missing,
    }
}

/// Where a model object is in the source. A group (`[key, items]`) or another list is placed at
/// its first element that has a place: a rule over groups without `at` still points at a form.
fn anchor_span(v: &Val<'_>) -> Option<Span> {
    anchor_span_within(v, 3)
}

fn anchor_span_within(v: &Val<'_>, depth: usize) -> Option<Span> {
    match v {
        Val::List(items) if depth > 0 => items
            .iter()
            .take(16)
            .find_map(|item| anchor_span_within(item, depth - 1)),
        Val::Projects(ps) => ps.first().map(|p| p.anchor()),
        Val::Project(p) => Some(p.anchor()),
        Val::Indicator(i, _) => Some(i.name.span),
        Val::Goal(g, _) => Some(
            g.number
                .as_ref()
                .map_or(g.text.span, |n| n.span.cover(g.text.span)),
        ),
        Val::Funds(f) => f.total.as_ref().map(|t| t.span),
        Val::Department(d) => d.name.as_ref().or(d.code.as_ref()).map(|n| n.span),
        _ => None,
    }
}

/// One step along a label's path: the next object (if the path goes on) and the field's span.
fn field_span<'a>(v: &Val<'a>, f: FieldId) -> (Option<Val<'a>>, Option<Span>) {
    use FieldId::*;
    let spanned = |s: &Option<crate::span::Spanned<String>>| s.as_ref().map(|x| x.span);
    let money = |s: &Option<crate::span::Spanned<Decimal>>| s.as_ref().map(|x| x.span);
    match (v, f) {
        (Val::Project(p), ProjectName) => (None, spanned(&p.name)),
        (Val::Project(p), ProjectYear) => (None, p.year.as_ref().map(|y| y.span)),
        (Val::Project(p), ProjectImplementer) => (None, spanned(&p.implementer)),
        (Val::Project(p), ProjectDepartment) => {
            let d = &p.department;
            let span = match (spanned(&d.code), spanned(&d.name)) {
                (Some(a), Some(b)) => Some(a.cover(b)),
                (a, b) => a.or(b),
            };
            (Some(Val::Department(d)), span)
        }
        (Val::Project(p), ProjectFunds) => (Some(Val::Funds(&p.funds)), money(&p.funds.total)),
        (Val::Department(d), DepartmentCode) => (None, spanned(&d.code)),
        (Val::Department(d), DepartmentName) => (None, spanned(&d.name)),
        (Val::Funds(x), FundsTotal) => (None, money(&x.total)),
        (Val::Funds(x), FundsFiscal) => (None, money(&x.fiscal)),
        (Val::Funds(x), FundsSuperior) => (None, money(&x.superior)),
        (Val::Funds(x), FundsOwnLevel) => (None, money(&x.own_level)),
        (Val::Funds(x), FundsOther) => (None, money(&x.other)),
        (Val::Goal(g, _), GoalNumber) => (None, g.number.as_ref().map(|n| n.span)),
        (Val::Goal(g, _), GoalText) => (None, Some(g.text.span)),
        (Val::Indicator(i, _), IndicatorLevel1) => (None, spanned(&i.level1)),
        (Val::Indicator(i, _), IndicatorLevel2) => (None, spanned(&i.level2)),
        (Val::Indicator(i, _), IndicatorCategory) => {
            (None, spanned(&i.level2).or(spanned(&i.level1)))
        }
        (Val::Indicator(i, _), IndicatorName) => (None, Some(i.name.span)),
        (Val::Indicator(i, _), IndicatorNote) => (None, spanned(&i.note)),
        (Val::Indicator(i, _), IndicatorValue) => (
            i.value.as_ref().map(|v| Val::Value(&v.value)),
            i.value.as_ref().map(|v| v.span),
        ),
        (Val::Indicator(i, _), IndicatorMidtermValue) => (
            i.midterm_value.as_ref().map(|v| Val::Value(&v.value)),
            i.midterm_value.as_ref().map(|v| v.span),
        ),
        (Val::Indicator(i, _), IndicatorWeight) => (None, i.weight.as_ref().map(|w| w.span)),
        (Val::Indicator(i, _), IndicatorDirection) => (None, i.direction.as_ref().map(|d| d.span)),
        (Val::Indicator(i, _), IndicatorNature) => (None, spanned(&i.nature)),
        (Val::Project(p), ProjectMoneyUnit) => (None, spanned(&p.money_unit)),
        // Fields of a value are parts of its cell: the cell's span stands.
        _ => (None, None),
    }
}

/// Built-in functions. Missing arguments give a missing result.
fn call<'a>(func: Func, args: &[Val<'a>]) -> EvalResult<Val<'a>> {
    if args.iter().any(Val::is_missing) {
        return Ok(Val::Missing);
    }
    let s = |k: usize| match args.get(k) {
        Some(Val::Str(t)) => Some(t.as_str()),
        _ => None,
    };
    let n = |k: usize| match args.get(k) {
        Some(Val::Num(d)) => Some(*d),
        _ => None,
    };
    let date = |k: usize| match args.get(k) {
        Some(Val::Date(d)) => Some(*d),
        _ => None,
    };
    let bad = || RuntimeError::new("函数参数的类型不对");
    let shared = |t: String| Val::Str(Text::Shared(Rc::from(t)));
    use chrono::Datelike;
    Ok(match func {
        Func::Contains | Func::StartsWith | Func::EndsWith => {
            let text = s(0).ok_or_else(bad)?;
            let test = |part: &str| match func {
                Func::Contains => text.contains(part),
                Func::StartsWith => text.starts_with(part),
                _ => text.ends_with(part),
            };
            match args.get(1) {
                Some(Val::Str(part)) => Val::Bool(test(part.as_str())),
                // A list: any of its texts; missing elements match nothing.
                Some(list) => {
                    let count = list.count().ok_or_else(bad)?;
                    let mut any = false;
                    for k in 0..count {
                        if let Some(Val::Str(part)) = list.element(k)
                            && test(part.as_str())
                        {
                            any = true;
                            break;
                        }
                    }
                    Val::Bool(any)
                }
                None => return Err(bad()),
            }
        }
        Func::Length => match args.first() {
            Some(Val::Str(t)) => Val::Num(Decimal::from(t.as_str().chars().count())),
            Some(list) => Val::Num(Decimal::from(list.count().ok_or_else(bad)?)),
            None => return Err(bad()),
        },
        Func::Matches | Func::Capture => return Err(bad()),
        Func::Number => match args.first() {
            Some(v) => Val::Num(v.numeric().ok_or_else(bad)?),
            None => return Err(bad()),
        },
        Func::Sort | Func::Set => {
            let list = args.first().ok_or_else(bad)?;
            let mut items: Vec<Val<'a>> = list.elements().ok_or_else(bad)?;
            // Missing elements are not part of a set or an order.
            items.retain(|v| !v.is_missing());
            let mut failed = None;
            items.sort_by(|a, b| match compare_values(a, b) {
                Ok(Some(o)) => o,
                Ok(None) => std::cmp::Ordering::Equal,
                Err(e) => {
                    failed.get_or_insert(e);
                    std::cmp::Ordering::Equal
                }
            });
            if let Some(e) = failed {
                return Err(e);
            }
            if func == Func::Set {
                items.dedup_by(|a, b| matches!(equal_values(a, b), Ok(Some(true))));
            }
            Val::List(Rc::new(items))
        }
        Func::Join => {
            let list = args.first().ok_or_else(bad)?;
            let sep = s(1).ok_or_else(bad)?;
            let mut out = String::new();
            for (k, item) in list.elements().ok_or_else(bad)?.iter().enumerate() {
                let Val::Str(t) = item else { continue };
                if k > 0 {
                    out.push_str(sep);
                }
                check_text_len(out.len().saturating_add(t.as_str().len()))?;
                out.push_str(t.as_str());
            }
            shared(out)
        }
        Func::Slice => {
            let text = s(0).ok_or_else(bad)?;
            let chars = text.chars().count();
            // Character positions, 0-based, the end excluded; negative counts from the end.
            let at = |k: usize| {
                let d = n(k).unwrap_or_default().trunc();
                let i = d.to_string().parse::<i64>().unwrap_or(0);
                let len = i64::try_from(chars).unwrap_or(i64::MAX);
                let i = if i < 0 { len.saturating_add(i) } else { i };
                usize::try_from(i.clamp(0, len)).unwrap_or(0)
            };
            let (start, end) = (at(1), at(2));
            shared(
                text.chars()
                    .skip(start)
                    .take(end.saturating_sub(start))
                    .collect(),
            )
        }
        Func::Subset => {
            let (a, b) = (args.first().ok_or_else(bad)?, args.get(1).ok_or_else(bad)?);
            let wanted = a.elements().ok_or_else(bad)?;
            let have = b.elements().ok_or_else(bad)?;
            let keys: std::collections::HashSet<Key<'_>> =
                have.iter().filter_map(Val::key).collect();
            let mut all = true;
            for w in &wanted {
                if w.is_missing() {
                    continue;
                }
                let found = match w.key() {
                    Some(k) => keys.contains(&k),
                    None => have
                        .iter()
                        .any(|h| matches!(equal_values(w, h), Ok(Some(true)))),
                };
                if !found {
                    all = false;
                    break;
                }
            }
            Val::Bool(all)
        }
        Func::Flatten => {
            let list = args.first().ok_or_else(bad)?;
            let mut out = Vec::new();
            for inner in list.elements().ok_or_else(bad)? {
                if let Some(items) = inner.elements() {
                    check_list_len(out.len().saturating_add(items.len()))?;
                    out.extend(items);
                }
            }
            Val::List(Rc::new(out))
        }
        Func::Trim => shared(s(0).ok_or_else(bad)?.trim().to_owned()),
        Func::Replace => {
            let (text, from, to) = (
                s(0).ok_or_else(bad)?,
                s(1).ok_or_else(bad)?,
                s(2).ok_or_else(bad)?,
            );
            // Size the result before building it: an empty `from` matches between every
            // character.
            let places = if from.is_empty() {
                text.chars().count() + 1
            } else {
                text.matches(from).count()
            };
            let grown = places.saturating_mul(to.len());
            check_text_len(text.len().saturating_add(grown))?;
            shared(text.replace(from, to))
        }
        Func::CollapseRepeats => shared(collapse_repeats(s(0).ok_or_else(bad)?)),
        Func::Year => Val::Num(Decimal::from(date(0).ok_or_else(bad)?.year())),
        Func::Month => Val::Num(Decimal::from(date(0).ok_or_else(bad)?.month())),
        Func::Day => Val::Num(Decimal::from(date(0).ok_or_else(bad)?.day())),
        Func::Date => {
            let part = |k: usize| n(k).and_then(|d| d.to_string().parse::<i64>().ok());
            let (y, m, d) = (
                part(0).ok_or_else(bad)?,
                part(1).ok_or_else(bad)?,
                part(2).ok_or_else(bad)?,
            );
            let made = i32::try_from(y)
                .ok()
                .zip(u32::try_from(m).ok())
                .zip(u32::try_from(d).ok())
                .and_then(|((y, m), d)| chrono::NaiveDate::from_ymd_opt(y, m, d));
            made.map(Val::Date)
                .ok_or_else(|| RuntimeError::new(format!("{y}年{m}月{d}日 不是有效日期")))?
        }
        Func::Abs => match args.first() {
            Some(v)
                if compare_values(v, &v.zero_like()).ok().flatten()
                    == Some(std::cmp::Ordering::Less) =>
            {
                negate(v)?
            }
            Some(v) => v.clone(),
            None => return Err(bad()),
        },
        Func::Round => {
            let places = n(1)
                .and_then(|d| d.to_string().parse::<u32>().ok())
                .filter(|p| *p <= 28)
                .ok_or_else(|| RuntimeError::new("round 的小数位数应为 0 到 28 的整数"))?;
            let v = args.first().ok_or_else(bad)?;
            let rounded = |d: &Decimal| {
                d.round_dp_with_strategy(
                    places,
                    rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                )
            };
            match v {
                Val::Num(d) => Val::Num(rounded(d)),
                Val::Money(d) => Val::Money(rounded(d)),
                Val::Percent(d) => Val::Percent(rounded(d)),
                Val::Qty(d, u) => Val::Qty(rounded(d), u.clone()),
                Val::Rate(d, u) => Val::Rate(rounded(d), u.clone()),
                _ => return Err(bad()),
            }
        }
        Func::Min2 | Func::Max2 => {
            let (a, b) = (args.first().ok_or_else(bad)?, args.get(1).ok_or_else(bad)?);
            let ordering = compare_values(a, b)?;
            let pick_a = match func {
                Func::Min2 => ordering != Some(std::cmp::Ordering::Greater),
                _ => ordering != Some(std::cmp::Ordering::Less),
            };
            if pick_a { a.clone() } else { b.clone() }
        }
    })
}

/// The first capture group of `re` in a text (the whole match without a group), or missing.
/// Kept out of `eval` so that it does not grow every level's stack frame.
#[inline(never)]
fn capture<'a>(text: &Val<'a>, re: &regex::Regex) -> Val<'a> {
    match text {
        Val::Str(s) => re
            .captures(s.as_str())
            .and_then(|c| c.get(1).or_else(|| c.get(0)))
            .map_or(Val::Missing, |m| {
                Val::Str(Text::Shared(Rc::from(m.as_str())))
            }),
        _ => Val::Missing,
    }
}

/// Remove an immediately repeated run of one to four characters: `和和` → `和`,
/// `保障保障` → `保障` (PDF text often doubles characters at a line break).
pub fn collapse_repeats(text: &str) -> String {
    // A repeated run of `len` characters has a character equal to the one `len` before it;
    // most names have none within four, and need no vector of characters.
    if !repeats_within_four(text) {
        return text.to_owned();
    }
    collapse_runs(text)
}

fn collapse_runs(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let repeated =
            (1..=4).find(
                |&len| match (chars.get(i..i + len), chars.get(i + len..i + 2 * len)) {
                    (Some(a), Some(b)) => a == b,
                    _ => false,
                },
            );
        match repeated {
            Some(len) => i += len,
            None => {
                if let Some(c) = chars.get(i) {
                    out.push(*c);
                }
                i += 1;
            }
        }
    }
    out
}

/// Whether some character of `text` equals one of the four before it.
fn repeats_within_four(text: &str) -> bool {
    let mut recent = [None::<char>; 4];
    for (k, c) in text.chars().enumerate() {
        if recent.contains(&Some(c)) {
            return true;
        }
        if let Some(slot) = recent.get_mut(k % 4) {
            *slot = Some(c);
        }
    }
    false
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::{
        DOCUMENT_VISITS, FORM_VISITS, MAX_FINDINGS, VisitPool, collapse_repeats, collapse_runs,
        document_share, literal_member, repeats_within_four, run_rule, run_rule_on,
    };

    /// The one rule of `source`, and the sample's forms.
    fn rule_and_sample(source: &str) -> (crate::policy::PolicySet, crate::read::Input) {
        let mut loader = crate::policy::PolicyLoader::new();
        loader.add_source("t.jxp", source);
        let policy = loader.finish().policy;
        let input =
            crate::read::Input::read(std::path::Path::new("tests/fixtures/qiannan-hrss-2025.txt"))
                .unwrap();
        (policy, input)
    }

    /// The rule run over the forms in pieces of four, as windows of a file are, with one pool.
    fn in_pieces(
        policy: &crate::policy::PolicySet,
        forms: &[crate::model::Project],
        pool: &VisitPool,
    ) -> Vec<crate::diagnostic::Diagnostic> {
        let mut reported = Vec::new();
        for piece in forms.chunks(4) {
            reported.extend(run_rule_on(
                &policy.rules[0],
                &policy.params,
                &policy.sources,
                piece,
                "q.txt",
                0..piece.len(),
                Some(pool),
            ));
        }
        reported
    }

    #[test]
    fn a_rule_that_spends_its_files_visits_stops_once_on_the_file() {
        let (policy, input) = rule_and_sample(
            "rule t.r {\n  severity info\n  for p in projects\n  require any a in p.indicators, b in p.indicators, c in p.indicators: a.index + b.index + c.index == 999\n  message \"m\"\n}\n",
        );
        let forms = &input.document.projects;
        // A pool with room for a few forms' worth: the pieces after it is spent say nothing.
        let pool = VisitPool::new(0);
        let _ = pool.take(DOCUMENT_VISITS - 5_000);
        let reported = in_pieces(&policy, forms, &pool);
        let stops: Vec<_> = reported
            .iter()
            .filter(|d| d.message.contains("已用完它的计算量"))
            .collect();
        assert_eq!(stops.len(), 1, "{reported:#?}");
        assert!(reported.len() < forms.len(), "{}", reported.len());
        // Forms added to the pool give it room again.
        pool.add_forms(10);
        assert!(pool.take(u64::MAX) >= 40_000);
    }

    #[test]
    fn a_rules_findings_are_capped_over_the_whole_file_not_per_piece() {
        let (policy, input) = rule_and_sample(
            "rule t.r {\n  severity info\n  for p in projects\n  require false\n  message \"m\"\n}\n",
        );
        let rule = &policy.rules[0];
        let forms = &input.document.projects;
        assert!(forms.len() > 8);
        // Earlier windows of the file already reported all but three.
        let pool = VisitPool::new(forms.len());
        let most = MAX_FINDINGS + super::FINDINGS_PER_FORM * forms.len();
        pool.findings
            .store(most - 3, std::sync::atomic::Ordering::Relaxed);
        let reported = in_pieces(&policy, forms, &pool);
        let (stops, findings): (Vec<_>, Vec<_>) = reported
            .iter()
            .partition(|d| d.message.contains("超过上限"));
        assert_eq!(findings.len(), 3, "{reported:#?}");
        assert_eq!(stops.len(), 1, "{reported:#?}");
        // Without a pool (a document checked whole) the cap is the piece's own.
        let alone = run_rule(rule, &policy.params, &policy.sources, forms, "q.txt");
        assert_eq!(alone.len(), forms.len());
    }

    #[test]
    fn pieces_of_a_document_share_its_visit_budget() {
        assert_eq!(document_share(100, 100), DOCUMENT_VISITS);
        assert_eq!(document_share(0, 0), DOCUMENT_VISITS);
        assert_eq!(document_share(1000, 250), DOCUMENT_VISITS / 4);
        // A small piece still gets a form's worth.
        assert_eq!(document_share(1_000_000, 1), FORM_VISITS);
    }

    /// Membership in a literal list compared in place agrees with the general comparison,
    /// and leaves it the lists it does not know.
    #[test]
    fn literal_membership_agrees_with_equal_values() {
        use crate::model::{Category, Comparator, ValueKind};
        use crate::policy::ir::Const;
        use crate::policy::runtime::{Text, Val, equal_values};
        use rust_decimal::Decimal;
        let lists = [
            vec![Const::Str("数量指标".into()), Const::Str("质量指标".into())],
            vec![Const::Op(Comparator::Le), Const::Op(Comparator::Lt)],
            vec![
                Const::Category(Category::Cost),
                Const::Category(Category::Benefit),
            ],
            vec![
                Const::Kind(ValueKind::Percent),
                Const::Kind(ValueKind::Money),
            ],
            vec![],
        ];
        let shared = String::from("质量指标");
        let values = [
            Val::Str(Text::Borrowed("数量指标")),
            Val::Str(Text::Shared(std::rc::Rc::from(shared.as_str()))),
            Val::Str(Text::Borrowed("数量")),
            Val::Op(Comparator::Lt),
            Val::Op(Comparator::Ge),
            Val::Category(Category::Cost),
            Val::Category(Category::Satisfaction),
            Val::Kind(ValueKind::Money),
            Val::Kind(ValueKind::Date),
        ];
        for list in &lists {
            for value in &values {
                let general = list
                    .iter()
                    .any(|c| equal_values(value, &Val::from_const(c)) == Ok(Some(true)));
                match literal_member(value, list) {
                    Some(found) => assert_eq!(found, general, "{value:?} in {list:?}"),
                    // Only a list whose elements are of another kind is left to the general way.
                    None => assert!(!list.is_empty() && !general, "{value:?} in {list:?}"),
                }
            }
        }
        // Numbers, and lists of mixed kinds, are left to the general comparison.
        let numbers = [Const::Num(Decimal::ONE)];
        assert_eq!(literal_member(&Val::Num(Decimal::ONE), &numbers), None);
        let mixed = [Const::Str("甲".into()), Const::Num(Decimal::ONE)];
        assert_eq!(
            literal_member(&Val::Str(Text::Borrowed("乙")), &mixed),
            None
        );
        assert_eq!(
            literal_member(&Val::Str(Text::Borrowed("甲")), &mixed),
            Some(true)
        );
    }

    #[test]
    fn collapses_doubled_runs() {
        assert_eq!(
            collapse_repeats("人力资源和和社会保障局"),
            "人力资源和社会保障局"
        );
        assert_eq!(collapse_repeats("社会保障保障局"), "社会保障局");
        assert_eq!(collapse_repeats("黔南州"), "黔南州");
        // Runs of one to four characters, at the start, the end and apart; equal characters
        // five apart are no run, four apart only when the whole four repeat.
        for (text, collapsed) in [
            ("和和社会", "和社会"),
            ("社会保障保障", "社会保障"),
            ("甲乙丙丁甲乙丙丁戊", "甲乙丙丁戊"),
            ("甲乙丙丁甲", "甲乙丙丁甲"),
            ("甲乙丙丁戊甲", "甲乙丙丁戊甲"),
            ("黔南州人力资源和社会保障局", "黔南州人力资源和社会保障局"),
            ("", ""),
        ] {
            assert_eq!(collapse_repeats(text), collapsed, "{text}");
        }
    }

    #[test]
    fn text_without_close_repeats_has_no_run_to_collapse() {
        // Every text of up to eight characters from four (room for a doubled run of four):
        // the shortcut never changes a result.
        let mut texts = vec![String::new()];
        let mut longest = vec![String::new()];
        for _ in 0..8 {
            longest = longest
                .iter()
                .flat_map(|t| ['甲', '乙', '丙', '丁'].map(|c| format!("{t}{c}")))
                .collect();
            texts.extend(longest.iter().cloned());
        }
        assert_eq!(texts.len(), (0..=8).map(|n| 4usize.pow(n)).sum::<usize>());
        for text in &texts {
            assert_eq!(collapse_repeats(text), collapse_runs(text), "{text}");
            if !repeats_within_four(text) {
                assert_eq!(collapse_runs(text), *text);
            }
        }
    }
}
