//! Embedding jixiao: check forms from a Rust program exactly as `jixiao check` does.
//!
//! ```no_run
//! use jixiao::linter::Linter;
//!
//! // The built-in pack, with a department's jixiao.toml applied as the command line applies it.
//! let linter = Linter::builder().config_file("forms/jixiao.toml").build()?;
//! let report = linter.lint_path(std::path::Path::new("forms/2025-培训补贴.txt"))?;
//! for finding in &report.findings {
//!     println!("{}:{}: {} {}", finding.line, finding.column, finding.rule, finding.message);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A [`Linter`] is built once (configuration and policies loaded, checked and compiled) and
//! then checks any number of documents, from several threads if wanted. Everything about the
//! configuration — `select`/`ignore`, `[severity]`, `[params]`, per-path ignores, suppressions,
//! `[reader]` words — applies as in the command line; findings come back in document order with
//! the positions the JSON report gives.
#![warn(missing_docs)]

use crate::config::{Config, ConfigDiagnostics};
use crate::diagnostic::{Diagnostic, Region, Severity};
use crate::lint::{Checker, Selection};
use crate::policy::{PolicyLoader, PolicySet};
use crate::read::source::SourceFile;
use crate::read::{Input, InputFormat};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Checks forms against a configuration and policies; see the [module docs](self).
pub struct Linter {
    config: Config,
    policy: PolicySet,
    selection: Selection,
    warnings: Vec<Problem>,
}

/// How a [`Linter`] is set up: which configuration and policies it loads.
#[derive(Debug, Default)]
pub struct LinterBuilder {
    config: Option<(PathBuf, Option<String>)>,
    policy_files: Vec<PathBuf>,
    policy_texts: Vec<(String, String)>,
    no_default_pack: bool,
    params: Vec<(String, String)>,
}

/// One finding, positioned as in the JSON report (1-based lines, columns in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule id (`funds.cost-within-total`) or reader code (`parse::missing-field`).
    pub rule: String,
    /// Its severity after the configuration's `[severity]`.
    pub severity: Severity,
    /// The message, in Chinese.
    pub message: String,
    /// How to fix it, when the rule says.
    pub help: Option<String>,
    /// Why the rule fired: the values that made its condition false.
    pub explanation: Vec<String>,
    /// Where it is: 1-based line and column (characters), end exclusive. For a spreadsheet,
    /// the row and column; for a Word table, the table's row and column.
    pub line: usize,
    /// See [`Finding::line`].
    pub column: usize,
    /// See [`Finding::line`].
    pub end_line: usize,
    /// See [`Finding::line`].
    pub end_column: usize,
    /// A spreadsheet cell (`Sheet1!D14`) or Word table cell (`表2 第5行 第3列`).
    pub cell: Option<String>,
    /// The form's project name and its 1-based position in the document.
    pub project: Option<(String, usize)>,
    /// The 三级指标 the finding is about.
    pub indicator: Option<String>,
}

/// The findings for one document.
#[derive(Debug, Clone)]
pub struct Report {
    /// The document's name as given.
    pub file: String,
    /// How many forms it held.
    pub forms: usize,
    /// Every finding, in document order.
    pub findings: Vec<Finding>,
}

/// A problem of the configuration or a policy, found while building a [`Linter`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The configuration or policy file (`builtin:default/funds.jxp` for the built-in pack).
    pub file: String,
    /// The code (`config::unknown-key`, `policy::syntax`, …).
    pub code: String,
    /// Error or warning.
    pub severity: Severity,
    /// The message, in Chinese.
    pub message: String,
    /// Where in the file, when there is a place: 1-based line and column (characters).
    pub position: Option<(usize, usize)>,
}

/// The configuration or policies could not be loaded: every error (and warning) found.
#[derive(Debug, Clone)]
pub struct LoadError {
    /// What was wrong, errors and warnings alike.
    pub problems: Vec<Problem>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors: Vec<&Problem> = self
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .collect();
        write!(f, "配置或规则文件有 {} 个错误", errors.len())?;
        for p in errors {
            match p.position {
                Some((line, column)) => write!(
                    f,
                    "\n{}:{line}:{column}: [{}] {}",
                    p.file, p.code, p.message
                )?,
                None => write!(f, "\n{}: [{}] {}", p.file, p.code, p.message)?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

fn problem(source: &SourceFile, d: &Diagnostic) -> Problem {
    Problem {
        file: source.name().to_owned(),
        code: d.code.clone(),
        severity: d.severity,
        message: d.message.clone(),
        position: d.primary.as_ref().map(|p| {
            let at = source.position(p.span.start);
            (at.line, at.column)
        }),
    }
}

fn problems(diagnostics: &[(Arc<SourceFile>, Diagnostic)]) -> Vec<Problem> {
    diagnostics.iter().map(|(s, d)| problem(s, d)).collect()
}

/// Load the policies a configuration names (and `extra` files and texts), check them, and apply
/// the configuration's parameters and severities: what `jixiao check` does before it reads a
/// form. Returns the policies and the warnings, or every problem when there is an error.
pub fn load_policies(
    config: &Config,
    extra_files: &[PathBuf],
    extra_texts: &[(String, String)],
    default_pack: bool,
) -> Result<(PolicySet, ConfigDiagnostics), ConfigDiagnostics> {
    let mut loader = PolicyLoader::new();
    let failed = |code: &str, message: String| {
        vec![(
            Arc::new(SourceFile::from_text("<policies>", "")),
            Diagnostic::error(code, message),
        )]
    };
    if config.default_policy.value
        && default_pack
        && let Err(e) = loader.add_builtin_pack("default")
    {
        return Err(failed("policy::builtin", e));
    }
    let configured = config
        .policies
        .iter()
        .map(|s| (s.value.clone(), config.root.as_deref()));
    let given = extra_files.iter().map(|p| (p.clone(), None));
    for (path, root) in configured.chain(given) {
        let text = path.display().to_string();
        if let Some(pack) = text.strip_prefix("builtin:") {
            if let Err(e) = loader.add_builtin_pack(pack.trim_end_matches('/')) {
                return Err(failed("policy::builtin", e));
            }
        } else if let Err(err) = loader.add_file_within(&path, root) {
            return Err(failed(
                "policy::unreadable",
                format!("无法读取规则文件 {}: {err}", path.display()),
            ));
        }
    }
    for (name, text) in extra_texts {
        loader.add_source(name, text);
    }
    let loaded = loader.finish();
    let mut found: ConfigDiagnostics = loaded
        .diagnostics
        .iter()
        .filter_map(|(i, d)| {
            loaded
                .policy
                .sources
                .get(*i)
                .map(|s| (s.clone(), d.clone()))
        })
        .collect();
    if found.iter().any(|(_, d)| d.severity == Severity::Error) {
        return Err(found);
    }
    let mut policy = loaded.policy;
    found.extend(config.apply_to(&mut policy));
    if found.iter().any(|(_, d)| d.severity == Severity::Error) {
        return Err(found);
    }
    Ok((policy, found))
}

impl LinterBuilder {
    /// Apply this `jixiao.toml` (and what it `extends`), as `--config` does.
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config = Some((path.into(), None));
        self
    }

    /// Apply this configuration text, as if read from `path` (its `extends` and `policies` are
    /// resolved against it).
    pub fn config_text(mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        self.config = Some((path.into(), Some(text.into())));
        self
    }

    /// Load a policy file as well (its imports too), as `--policy` does.
    pub fn policy_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.policy_files.push(path.into());
        self
    }

    /// Load policy text as well, named `name` in its diagnostics.
    pub fn policy_text(mut self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.policy_texts.push((name.into(), text.into()));
        self
    }

    /// Leave out the built-in default pack, as `--no-default-policy` does.
    pub fn without_default_pack(mut self) -> Self {
        self.no_default_pack = true;
        self
    }

    /// Set a policy parameter, as `--param name=value` does (after the configuration's).
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.push((name.into(), value.into()));
        self
    }

    /// Load, check and compile everything.
    pub fn build(self) -> Result<Linter, LoadError> {
        let config = match &self.config {
            None => Ok(Config::default()),
            Some((path, None)) => Config::load(path),
            Some((path, Some(text))) => Config::parse(path, text.as_bytes()),
        }
        .map_err(|d| LoadError {
            problems: problems(&d),
        })?;
        let (mut policy, warnings) = load_policies(
            &config,
            &self.policy_files,
            &self.policy_texts,
            !self.no_default_pack,
        )
        .map_err(|d| LoadError {
            problems: problems(&d),
        })?;
        for (name, value) in &self.params {
            policy.set_param(name, value).map_err(|e| LoadError {
                problems: vec![Problem {
                    file: "<params>".to_owned(),
                    code: "usage".to_owned(),
                    severity: Severity::Error,
                    message: format!("参数 {name}: {e}"),
                    position: None,
                }],
            })?;
        }
        let selection = Selection {
            select: config.select.value.clone(),
            ignore: config.ignore.value.clone(),
        };
        selection.validate(&policy).map_err(|e| LoadError {
            problems: vec![Problem {
                file: "<config>".to_owned(),
                code: "usage".to_owned(),
                severity: Severity::Error,
                message: e.to_string(),
                position: None,
            }],
        })?;
        Ok(Linter {
            config,
            policy,
            selection,
            warnings: problems(&warnings),
        })
    }
}

impl Linter {
    /// Start setting one up: by default the built-in pack and no configuration file.
    pub fn builder() -> LinterBuilder {
        LinterBuilder::default()
    }

    /// Warnings found while loading (an unused parameter, a quadratic rule …).
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }

    fn checker(&self) -> Checker<'_> {
        Checker {
            policy: &self.policy,
            config: &self.config,
            selection: self.selection.clone(),
            input_format: None,
            timings: None,
            progress: None,
        }
    }

    /// Check a document held in memory; its format comes from `name`'s extension and its bytes
    /// (a PDF, a Word document or a workbook is recognised whatever it is called).
    pub fn lint_bytes(&self, name: &str, bytes: &[u8]) -> Report {
        let format = InputFormat::from_path(Path::new(name));
        let input = Input::from_vec_with(name, bytes.to_vec(), format, &self.config.vocabulary);
        report(self.checker().check(input, Path::new(name)).report)
    }

    /// Read and check a file (within the input size limit).
    pub fn lint_path(&self, path: &Path) -> std::io::Result<Report> {
        let results = self.checker().check_paths(&[path.to_path_buf()]);
        match results.into_iter().next() {
            Some(Ok(checked)) => Ok(report(checked.report)),
            Some(Err((_, e))) => Err(e),
            None => Err(std::io::Error::other("没有结果")),
        }
    }
}

fn report(file: crate::report::FileReport) -> Report {
    let findings = file
        .diagnostics
        .iter()
        .map(|d| {
            let region = d.primary.as_ref().map(|p| Region::of(&file.source, p.span));
            Finding {
                rule: d.code.clone(),
                severity: d.severity,
                message: d.message.clone(),
                help: d.help.clone(),
                explanation: d.explanation.clone(),
                line: region.as_ref().map_or(1, |r| r.line),
                column: region.as_ref().map_or(1, |r| r.column),
                end_line: region.as_ref().map_or(1, |r| r.end_line),
                end_column: region.as_ref().map_or(1, |r| r.end_column),
                cell: region.and_then(|r| r.cell),
                project: d.project.as_ref().map(|p| (p.name.clone(), p.index)),
                indicator: d.indicator.clone(),
            }
        })
        .collect();
    Report {
        file: file.source.name().to_owned(),
        forms: file.forms,
        findings,
    }
}
