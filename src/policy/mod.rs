//! The policy language: source → AST ([`parser`]) → checked IR ([`check`]) → evaluation
//! ([`eval`]). See `docs/policy-language.md`.
//!
//! ```
//! use jixiao::policy::PolicyLoader;
//! let mut loader = PolicyLoader::new();
//! loader.add_source("local.jxp", r#"
//! rule local.named {
//!   severity warning
//!   for p in projects
//!   require p.name is present
//!   message "第 {p.index} 张表没有项目名称"
//! }
//! "#);
//! let loaded = loader.finish();
//! assert!(!loaded.has_errors());
//! assert_eq!(loaded.policy.rules.len(), 1);
//! ```

pub mod ast;
pub mod eval;
pub mod guards;
pub mod ir;
pub mod parser;
pub mod runtime;
pub mod types;
pub mod validate;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Project;
use crate::pack;
use crate::read::source::SourceFile;
use crate::report::FileReport;
use ast::Item;
use ir::CompiledRule;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use validate::ParamDef;

/// Where a policy source came from; imports and example paths are resolved against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    /// A file of a pack embedded in the binary, e.g. `default/funds.jxp`.
    Builtin(String),
    /// Text given directly (tests, standard input).
    Inline,
}

/// Loaded, checked and compiled policies.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    pub sources: Vec<Arc<SourceFile>>,
    pub origins: Vec<Origin>,
    /// Per source: the directory its example files must be under, if it is confined.
    pub roots: Vec<Option<PathBuf>>,
    pub rules: Vec<CompiledRule>,
    pub params: Vec<ParamDef>,
}

/// See [`PolicySet::bodies_read_across_forms`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BodiesRead {
    pub indicators: bool,
    pub goals: bool,
    pub midterm_goals: bool,
}

/// The result of loading: the policies that checked, and every diagnostic (by source index).
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub policy: PolicySet,
    pub diagnostics: Vec<(usize, Diagnostic)>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|(_, d)| d.severity == Severity::Error)
    }

    /// The diagnostics grouped by policy file, for rendering.
    pub fn reports(&self) -> Vec<FileReport> {
        let mut reports = Vec::new();
        for (index, source) in self.policy.sources.iter().enumerate() {
            let diags: Vec<Diagnostic> = self
                .diagnostics
                .iter()
                .filter(|(i, _)| *i == index)
                .map(|(_, d)| d.clone())
                .collect();
            if !diags.is_empty() {
                reports.push(FileReport::new(source.clone(), diags, 0));
            }
        }
        reports
    }
}

/// The longest chain of `import`s followed (a file importing a file importing …).
pub const MAX_IMPORT_DEPTH: usize = 64;

/// Collects policy sources (files, embedded packs, text), following imports.
#[derive(Debug, Default)]
pub struct PolicyLoader {
    sources: Vec<Arc<SourceFile>>,
    origins: Vec<Origin>,
    /// Per source: the directory its imports must stay under, if it is confined (a policy
    /// named by a configuration that was found, not given; see `limits::trust_root`).
    roots: Vec<Option<PathBuf>>,
    items: Vec<(usize, Item)>,
    diagnostics: Vec<(usize, Diagnostic)>,
    /// How deep the chain of imports being followed is.
    import_depth: usize,
    seen: HashSet<String>,
}

impl PolicyLoader {
    pub fn new() -> Self {
        Self::default()
    }

    /// Load an embedded pack by name (`default`).
    pub fn add_builtin_pack(&mut self, name: &str) -> Result<(), String> {
        let files =
            pack::pack_files(name).ok_or_else(|| format!("没有名为 {name} 的内置规则包"))?;
        for path in files {
            self.add_builtin_file(path, None);
        }
        Ok(())
    }

    /// Load a policy file from disk (and what it imports).
    pub fn add_file(&mut self, path: &Path) -> std::io::Result<()> {
        self.add_file_within(path, None)
    }

    /// Load a policy file that must be a `.jxp` file under `root` (when given), as must
    /// everything it imports.
    pub fn add_file_within(&mut self, path: &Path, root: Option<&Path>) -> std::io::Result<()> {
        let key = std::fs::canonicalize(path)
            .unwrap_or_else(|_| path.to_path_buf())
            .display()
            .to_string();
        if !self.seen.insert(key) {
            return Ok(());
        }
        let bytes = crate::limits::read_confined(path, root, "jxp")?;
        let (source, decode_diags) = SourceFile::decode(path.display().to_string(), &bytes);
        let index = self.push_source(source, Origin::File(path.to_path_buf()));
        if let Some(r) = self.roots.get_mut(index) {
            *r = root.map(Path::to_path_buf);
        }
        self.diagnostics
            .extend(decode_diags.into_iter().map(|d| (index, d)));
        self.parse_source(index);
        Ok(())
    }

    /// Load policy text that has no file (tests, standard input). Imports resolve against the
    /// working directory.
    pub fn add_source(&mut self, name: &str, text: &str) {
        let index = self.push_source(SourceFile::from_text(name, text), Origin::Inline);
        self.parse_source(index);
    }

    fn add_builtin_file(&mut self, path: &str, import: Option<(usize, crate::span::Span)>) {
        if !self.seen.insert(format!("builtin:{path}")) {
            return;
        }
        let Some(text) = pack::builtin_file(path) else {
            if let Some((source, span)) = import {
                self.diagnostics.push((
                    source,
                    Diagnostic::error("policy::import", format!("内置规则包中没有文件 {path}"))
                        .with_primary(span, None),
                ));
            }
            return;
        };
        let index = self.push_source(
            SourceFile::from_text(format!("builtin:{path}"), text),
            Origin::Builtin(path.to_owned()),
        );
        self.parse_source(index);
    }

    fn push_source(&mut self, source: SourceFile, origin: Origin) -> usize {
        self.sources.push(Arc::new(source));
        self.origins.push(origin);
        self.roots.push(None);
        self.sources.len() - 1
    }

    fn parse_source(&mut self, index: usize) {
        let Some(source) = self.sources.get(index).cloned() else {
            return;
        };
        let (items, errors) = parser::parse_file(source.text());
        self.diagnostics
            .extend(errors.into_iter().map(|d| (index, d)));
        let mut imports = Vec::new();
        for item in items {
            if let Item::Import(path) = &item {
                imports.push(path.clone());
            }
            self.items.push((index, item));
        }
        for import in imports {
            self.import(index, &import.value, import.span);
        }
    }

    fn import(&mut self, from: usize, target: &str, span: crate::span::Span) {
        // Imports are followed depth first: a chain of thousands would overflow the stack.
        if self.import_depth >= MAX_IMPORT_DEPTH {
            self.diagnostics.push((
                from,
                Diagnostic::error(
                    "policy::import",
                    format!("import 链超过 {MAX_IMPORT_DEPTH} 层，未继续导入"),
                )
                .with_primary(span, Some("这里".into()))
                .with_help("把规则合并到较少的文件中，或由一个文件直接导入其余的文件"),
            ));
            return;
        }
        self.import_depth += 1;
        self.import_unlimited(from, target, span);
        self.import_depth -= 1;
    }

    fn import_unlimited(&mut self, from: usize, target: &str, span: crate::span::Span) {
        if let Some(builtin) = target.strip_prefix("builtin:") {
            self.add_builtin_file(builtin, Some((from, span)));
            return;
        }
        match self.origins.get(from).cloned() {
            Some(Origin::Builtin(path)) => {
                let resolved = Path::new(&path)
                    .parent()
                    .map_or(PathBuf::from(target), |dir| dir.join(target));
                self.add_builtin_file(
                    &resolved.display().to_string().replace('\\', "/"),
                    Some((from, span)),
                );
            }
            origin => {
                let base = match origin {
                    Some(Origin::File(p)) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
                    _ => PathBuf::new(),
                };
                let path = base.join(target);
                let root = self.roots.get(from).cloned().flatten();
                if let Err(err) = self.add_file_within(&path, root.as_deref()) {
                    self.diagnostics.push((
                        from,
                        Diagnostic::error("policy::import", format!("无法导入 {}：{err}", path.display()))
                            .with_primary(span, Some("导入的文件".into()))
                            .with_help("路径相对于写 import 的文件所在的目录；内置规则包文件写作 \"builtin:default/funds.jxp\""),
                    ));
                }
            }
        }
    }

    /// Check and compile everything loaded.
    pub fn finish(mut self) -> Loaded {
        let (params, rules, diags) = validate::check(&self.items);
        self.diagnostics.extend(diags);
        Loaded {
            policy: PolicySet {
                sources: self.sources,
                origins: self.origins,
                roots: self.roots,
                rules,
                params,
            },
            diagnostics: self.diagnostics,
        }
    }
}

impl PolicySet {
    pub fn rule(&self, id: &str) -> Option<&CompiledRule> {
        self.rules.iter().find(|r| r.id == id)
    }

    pub fn param(&self, name: &str) -> Option<&ParamDef> {
        self.params.iter().find(|p| p.name == name)
    }

    /// Override a parameter with a value written as a policy literal (`95%`, `["a", "b"]`).
    /// The value is checked against the parameter's declared type.
    pub fn set_param(&mut self, name: &str, literal: &str) -> Result<(), String> {
        let expr = parser::parse_literal(literal).map_err(|d| d.message)?;
        let constant = validate::const_eval(&expr).map_err(|d| d.message)?;
        self.set_param_const(name, constant)
    }

    /// Override a parameter with a constant, checked against the parameter's declared type.
    pub fn set_param_const(&mut self, name: &str, value: ir::Const) -> Result<(), String> {
        let Some(param) = self.params.iter_mut().find(|p| p.name == name) else {
            return Err(format!("没有名为 {name} 的参数"));
        };
        param.value = validate::coerce_const(value, &param.ty, crate::span::Span::point(0))
            .map_err(|d| d.message)?;
        Ok(())
    }

    /// Run the rules chosen by `select` over the projects of one document.
    pub fn check_projects(
        &self,
        projects: &[Project],
        file: &str,
        select: impl Fn(&CompiledRule) -> bool,
    ) -> Vec<Diagnostic> {
        self.check_projects_timed(projects, file, select, None)
    }

    /// [`PolicySet::check_projects`], adding each rule's time to `timings`: the rules that look
    /// at one form at a time, then those that compare forms.
    pub fn check_projects_timed(
        &self,
        projects: &[Project],
        file: &str,
        select: impl Fn(&CompiledRule) -> bool,
        timings: Option<&RuleTimings>,
    ) -> Vec<Diagnostic> {
        let mut out = self.check_forms(projects, file, &select, timings);
        out.extend(self.compare_forms(projects, file, &select, timings));
        out
    }

    /// The selected rules (with their positions) that look at one form at a time, or those that
    /// compare forms.
    fn selected(
        &self,
        per_form: bool,
        select: impl Fn(&CompiledRule) -> bool,
    ) -> Vec<(usize, &CompiledRule)> {
        self.rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.per_form == per_form && select(r))
            .collect()
    }

    /// Run the selected rules that look at one form at a time, over pieces of `projects` in
    /// parallel. The findings come in no particular order (reports sort them).
    pub fn check_forms(
        &self,
        projects: &[Project],
        file: &str,
        select: impl Fn(&CompiledRule) -> bool,
        timings: Option<&RuleTimings>,
    ) -> Vec<Diagnostic> {
        let pools = self.visit_pools(projects.len());
        self.check_forms_pooled(projects, file, select, timings, &pools)
    }

    /// One [`eval::VisitPool`] per rule, for a file of `forms` forms: what the rules that look
    /// at one form may visit over the whole file.
    pub fn visit_pools(&self, forms: usize) -> Vec<eval::VisitPool> {
        self.rules
            .iter()
            .map(|_| eval::VisitPool::new(forms))
            .collect()
    }

    /// [`PolicySet::check_forms`] for one window of a file's forms, drawing on the file's
    /// `pools` (see [`PolicySet::visit_pools`]; the caller adds each window's forms to them).
    pub fn check_forms_pooled(
        &self,
        projects: &[Project],
        file: &str,
        select: impl Fn(&CompiledRule) -> bool,
        timings: Option<&RuleTimings>,
        pools: &[eval::VisitPool],
    ) -> Vec<Diagnostic> {
        let rules = self.selected(true, select);
        if rules.is_empty() {
            return Vec::new();
        }
        projects
            .par_chunks(FORMS_PER_PIECE)
            .flat_map_iter(|piece| {
                rules.iter().flat_map(|r| {
                    self.run_timed_on(*r, piece, file, 0..piece.len(), timings, pools.get(r.0))
                })
            })
            .collect()
    }

    /// Run the selected rules that compare forms over the whole of `projects`, each in parallel
    /// with the others.
    pub fn compare_forms(
        &self,
        projects: &[Project],
        file: &str,
        select: impl Fn(&CompiledRule) -> bool,
        timings: Option<&RuleTimings>,
    ) -> Vec<Diagnostic> {
        let rules = self.selected(false, select);
        // A rule whose outer loop is `for p in projects` reports on its forms in pieces, each
        // piece seeing the whole document: every core gets work, at the price of each piece
        // building the rule's document-wide indexes again.
        let pieces = if projects.len() >= 2 * MIN_FORMS_COMPARED_PER_PIECE {
            rayon::current_num_threads()
                .max(1)
                .min(projects.len() / MIN_FORMS_COMPARED_PER_PIECE)
        } else {
            1
        };
        let size = projects.len().div_ceil(pieces).max(1);
        let jobs: Vec<((usize, &CompiledRule), std::ops::Range<usize>)> = rules
            .iter()
            .flat_map(|&(index, rule)| {
                let ranges: Vec<std::ops::Range<usize>> = if rule.loops_over_forms() {
                    (0..projects.len())
                        .step_by(size)
                        .map(|start| start..(start + size).min(projects.len()))
                        .collect()
                } else {
                    std::iter::once(0..projects.len()).collect()
                };
                ranges.into_iter().map(move |r| ((index, rule), r))
            })
            .collect();
        jobs.into_par_iter()
            .flat_map_iter(|(rule, forms)| {
                self.run_timed_on(rule, projects, file, forms, timings, None)
            })
            .collect()
    }

    /// Which lists of other forms the selected rules that compare forms read. A list no such
    /// rule reads is dropped from each form once the form's own rules have run.
    pub fn bodies_read_across_forms(&self, select: impl Fn(&CompiledRule) -> bool) -> BodiesRead {
        let mut read = BodiesRead::default();
        for (_, rule) in self.selected(false, select) {
            rule.walk(&mut |ir| {
                if let ir::IrKind::Field(_, field) = ir.kind {
                    match field {
                        types::FieldId::ProjectIndicators => read.indicators = true,
                        types::FieldId::ProjectGoals => read.goals = true,
                        types::FieldId::ProjectMidtermGoals => read.midterm_goals = true,
                        _ => {}
                    }
                }
            });
        }
        read
    }

    fn run_timed_on(
        &self,
        (index, rule): (usize, &CompiledRule),
        projects: &[Project],
        file: &str,
        forms: std::ops::Range<usize>,
        timings: Option<&RuleTimings>,
        pool: Option<&eval::VisitPool>,
    ) -> Vec<Diagnostic> {
        let started = timings.map(|_| Instant::now());
        let found = eval::run_rule_on(
            rule,
            &self.params,
            &self.sources,
            projects,
            file,
            forms,
            pool,
        );
        if let (Some(t), Some(started)) = (timings, started) {
            t.add(index, started.elapsed());
        }
        found
    }

    /// Resolve an example path of a rule: relative to the policy file, or inside the pack.
    pub fn example_text(&self, rule: &CompiledRule, path: &str) -> Result<Vec<u8>, String> {
        match self.origins.get(rule.source) {
            Some(Origin::Builtin(p)) => {
                let resolved = Path::new(p)
                    .parent()
                    .map_or(PathBuf::from(path), |d| d.join(path));
                let key = resolved.display().to_string().replace('\\', "/");
                pack::builtin_file(&key)
                    .map(|t| t.as_bytes().to_vec())
                    .ok_or_else(|| format!("内置规则包中没有示例 {key}"))
            }
            Some(Origin::File(p)) => {
                let resolved = p.parent().map_or(PathBuf::from(path), |d| d.join(path));
                if let Some(Some(root)) = self.roots.get(rule.source) {
                    crate::limits::ensure_within(&resolved, root)
                        .map_err(|e| format!("无法读取示例 {}：{e}", resolved.display()))?;
                }
                crate::limits::read_input(&resolved)
                    .map_err(|e| format!("无法读取示例 {}：{e}", resolved.display()))
            }
            _ => crate::limits::read_input(Path::new(path))
                .map_err(|e| format!("无法读取示例 {path}：{e}")),
        }
    }
}

/// How many forms one piece of a document holds. Small pieces keep a piece's forms in cache
/// while every per-form rule runs over them, and give the threads many pieces to share; the
/// cost of scheduling a piece is tiny next to checking 64 forms.
const FORMS_PER_PIECE: usize = 64;

/// A rule comparing forms is split into pieces of at least this many forms.
const MIN_FORMS_COMPARED_PER_PIECE: usize = 2048;

/// Time spent in each rule (summed over threads), for `check --timings`.
#[derive(Debug)]
pub struct RuleTimings {
    nanos: Vec<AtomicU64>,
}

impl RuleTimings {
    pub fn new(policy: &PolicySet) -> Self {
        RuleTimings {
            nanos: policy.rules.iter().map(|_| AtomicU64::new(0)).collect(),
        }
    }

    fn add(&self, rule: usize, elapsed: Duration) {
        if let Some(n) = self.nanos.get(rule) {
            let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
            n.fetch_add(nanos, Ordering::Relaxed);
        }
    }

    /// Per rule, in the order of [`PolicySet::rules`].
    pub fn per_rule(&self) -> Vec<Duration> {
        self.nanos
            .iter()
            .map(|n| Duration::from_nanos(n.load(Ordering::Relaxed)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies_read(rules: &str) -> BodiesRead {
        let mut loader = PolicyLoader::new();
        loader.add_source("x.jxp", rules);
        let loaded = loader.finish();
        assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
        loaded.policy.bodies_read_across_forms(|_| true)
    }

    #[test]
    fn each_list_of_other_forms_is_kept_only_when_a_comparing_rule_reads_it() {
        let pair = |condition: &str| {
            format!(
                "rule x.pair {{\n  severity info\n  message \"m\"\n  for a in projects, b in projects\n  where b.name == a.name and a.index < b.index\n  require {condition}\n}}"
            )
        };
        let only = |list: &str| BodiesRead {
            indicators: list == "indicators",
            goals: list == "goals",
            midterm_goals: list == "midterm_goals",
        };
        for (condition, read) in [
            (
                "count(g in a.midterm_goals) == count(g in b.midterm_goals)",
                only("midterm_goals"),
            ),
            (
                "count(i in a.indicators) == count(i in b.indicators)",
                only("indicators"),
            ),
            ("count(g in a.goals) == count(g in b.goals)", only("goals")),
            ("a.funds.total == b.funds.total", BodiesRead::default()),
        ] {
            assert_eq!(bodies_read(&pair(condition)), read, "{condition}");
        }
        // A rule that looks at one form reads its own lists before they are dropped.
        assert_eq!(
            bodies_read(
                "rule x.one {\n  severity info\n  message \"m\"\n  for p in projects\n  require count(g in p.goals) > 0\n}"
            ),
            BodiesRead::default()
        );
    }
}
