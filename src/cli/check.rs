//! `jixiao check`: read forms, run the policies, report findings.

use crate::cli::policies::PolicyArgs;
use crate::cli::{ColorChoice, exit, stdout_is_terminal};
use crate::diagnostic::Diagnostic;
use crate::input::Input;
use crate::policy::PolicySet;
use crate::policy::types::suggest;
use crate::report::{FileReport, HumanOptions, Summary, render_human, render_json, render_short};
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    /// Code frames on the original text (miette).
    #[default]
    Human,
    /// `{"diagnostics": [...], "summary": {...}}`.
    Json,
    /// One line per finding: `file:line:col: severity[rule] message`.
    Short,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check (`-` for standard input). Directories are searched
    /// recursively for `.txt` files.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Only run these rules: ids or prefixes, comma-separated (`funds.`, `goals.present`).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Do not report these rules or reader diagnostics (`indicators.qualitative-benefit`, `value::`).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorChoice,
    /// Draw frames with plain ASCII (for terminals that draw box and `≤` glyphs two columns wide).
    #[arg(long)]
    pub ascii: bool,
}

/// Codes of diagnostics from reading documents (not rules); `--ignore` accepts these too.
pub const READER_CODES: &[&str] = &[
    "source::invalid-encoding",
    "source::binary",
    "parse::no-forms",
    "parse::missing-field",
    "parse::missing-value",
    "parse::bad-amount",
    "parse::unrecognized-line",
    "parse::unrecognized-cell",
    "parse::missing-indicator-name",
    "parse::extra-cells",
    "value::unrecognized",
    "value::out-of-range",
    "value::invalid-date",
    "value::missing-year",
    "value::conflicting-comparator",
];

/// Whether `pattern` (an id, or a prefix such as `funds`, `funds.` or `parse::`) names `code`.
pub fn pattern_matches(pattern: &str, code: &str) -> bool {
    let pattern = pattern.trim();
    if pattern.is_empty() {
        return false;
    }
    if code == pattern {
        return true;
    }
    if pattern.ends_with('.') || pattern.ends_with("::") {
        return code.starts_with(pattern);
    }
    code.strip_prefix(pattern)
        .is_some_and(|rest| rest.starts_with('.') || rest.starts_with("::"))
}

/// Which findings to report.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    /// Check every pattern names at least one rule or reader code.
    pub fn validate(&self, policy: &PolicySet) -> Result<(), String> {
        let mut known: Vec<&str> = policy.rules.iter().map(|r| r.id.as_str()).collect();
        known.extend(READER_CODES);
        for pattern in self.select.iter().chain(&self.ignore) {
            if !known.iter().any(|code| pattern_matches(pattern, code)) {
                let hint = suggest(pattern, known.iter().copied())
                    .map(|s| format!("；是否应为 {s}？"))
                    .unwrap_or_default();
                return Err(format!(
                    "没有规则匹配 “{pattern}”{hint}（jixiao rules 列出全部规则）"
                ));
            }
        }
        Ok(())
    }

    /// `--select` limits which rules run.
    pub fn runs(&self, rule_id: &str) -> bool {
        self.select.is_empty() || self.select.iter().any(|p| pattern_matches(p, rule_id))
    }

    /// `--ignore` hides findings of rules and reader diagnostics alike.
    pub fn reports(&self, code: &str) -> bool {
        !self.ignore.iter().any(|p| pattern_matches(p, code))
    }
}

pub fn run(args: &CheckArgs) -> u8 {
    let started = Instant::now();
    let policy = match args.policy.load(args.color) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let selection = Selection {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    if let Err(e) = selection.validate(&policy) {
        eprintln!("error[usage]: {e}");
        return exit::TROUBLE;
    }

    let mut code = exit::OK;
    let (paths, missing) = expand_paths(&args.paths);
    for (path, err) in missing {
        eprintln!(
            "error[input::unreadable]: 无法读取 {}: {err}",
            path.display()
        );
        code = exit::TROUBLE;
    }
    let mut reports = Vec::with_capacity(paths.len());
    for path in &paths {
        match Input::read(path) {
            Ok(input) => reports.push(check_input(&policy, &selection, input)),
            Err(err) => {
                eprintln!(
                    "error[input::unreadable]: 无法读取 {}: {err}",
                    path.display()
                );
                code = exit::TROUBLE;
            }
        }
    }

    let elapsed = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let summary = Summary::of(&reports, elapsed);
    if write_report(args, &reports, &summary).is_err() {
        return exit::TROUBLE;
    }
    if code == exit::OK && summary.errors > 0 {
        code = exit::FINDINGS;
    }
    code
}

/// Run the selected rules over one input and keep what the selection reports.
pub fn check_input(policy: &PolicySet, selection: &Selection, input: Input) -> FileReport {
    let mut diagnostics: Vec<Diagnostic> = input.diagnostics;
    diagnostics.extend(
        policy.check_projects(&input.document.projects, input.source.name(), |r| {
            selection.runs(&r.id)
        }),
    );
    diagnostics.retain(|d| selection.reports(&d.code));
    FileReport::new(input.source, diagnostics, input.document.projects.len())
}

fn write_report(
    args: &CheckArgs,
    reports: &[FileReport],
    summary: &Summary,
) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match args.format {
        OutputFormat::Human => {
            let options = HumanOptions {
                color: args.color.enabled(stdout_is_terminal()),
                ascii: args.ascii,
                ..HumanOptions::default()
            };
            render_human(reports, &options, &mut out)?;
            writeln!(out, "{}", summary.line())?;
        }
        OutputFormat::Short => {
            render_short(reports, &mut out)?;
            eprintln!("{}", summary.line());
        }
        OutputFormat::Json => render_json(reports, summary, &mut out)?,
    }
    out.flush()
}

/// Files to read: given files as they are, directories searched recursively for `.txt` files
/// (sorted, so output order is deterministic). Paths that do not exist are returned apart.
pub fn expand_paths(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, std::io::Error)>) {
    let mut files = Vec::new();
    let mut missing = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            files.push(path.clone());
            continue;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut files, &mut missing),
            Ok(_) => files.push(path.clone()),
            Err(err) => missing.push((path.clone(), err)),
        }
    }
    (files, missing)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<(PathBuf, std::io::Error)>) {
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(err) => {
            errors.push((dir.to_path_buf(), err));
            return;
        }
    };
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, files, errors);
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("txt"))
        {
            files.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pattern_matches;

    #[test]
    fn patterns() {
        assert!(pattern_matches("funds.", "funds.cost-within-total"));
        assert!(pattern_matches("funds", "funds.cost-within-total"));
        assert!(pattern_matches(
            "funds.cost-within-total",
            "funds.cost-within-total"
        ));
        assert!(!pattern_matches("fund", "funds.cost-within-total"));
        assert!(!pattern_matches("funds.cost", "funds.cost-within-total"));
        assert!(pattern_matches("value::", "value::unrecognized"));
        assert!(pattern_matches("value", "value::unrecognized"));
        assert!(!pattern_matches("", "value::unrecognized"));
    }
}
