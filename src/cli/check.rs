//! `jixiao check` and `jixiao config`.

use crate::baseline::Baseline;
use crate::cli::policies::{ConfigArgs, PolicyArgs, SettingsArgs, usage};
use crate::cli::{ColorChoice, exit, stdout_is_terminal};
use crate::config::Config;
use crate::lint::{Checker, FileFilter, Selection, Timings};
use crate::report::{
    FileReport, Format, HumanOptions, RuleInfo, Summary, render_github, render_human, render_json,
    render_junit, render_sarif, render_short,
};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check (`-` for standard input). Directories are searched
    /// recursively for the `include` globs. Default: the current directory.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// Report only findings not recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file (written atomically) and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
    /// Read inputs in this format (default: by extension — .json, .toml, .csv, .xlsx/.xls/.ods,
    /// anything else as text).
    #[arg(long, value_enum)]
    pub input_format: Option<crate::read::InputFormat>,
    /// Write the report to this file (atomically); the terminal gets the summary.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorChoice,
    /// Draw frames with plain ASCII (for terminals that draw box and `≤` glyphs two columns wide).
    #[arg(long)]
    pub ascii: bool,
    /// After the report, print to standard error where the time went: reading, each rule,
    /// writing the report.
    #[arg(long)]
    pub timings: bool,
}

#[derive(Debug, Args)]
pub struct ConfigCommandArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// The configuration with the command line applied, and the policies it loads.
fn resolve(
    config: &ConfigArgs,
    policy: &PolicyArgs,
    settings: &SettingsArgs,
    color: ColorChoice,
) -> Result<(Config, crate::policy::PolicySet), u8> {
    let mut cfg = config.load(color)?;
    settings.apply(&mut cfg);
    let policies = policy.load(&cfg, color)?;
    Ok((cfg, policies))
}

pub fn run(args: &CheckArgs) -> u8 {
    let started = Instant::now();
    let (config, policy) = match resolve(&args.config, &args.policy, &args.settings, args.color) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let selection = Selection {
        select: config.select.value.clone(),
        ignore: config.ignore.value.clone(),
    };
    if let Err(e) = selection.validate(&policy) {
        return usage(e);
    }
    let filter = match FileFilter::new(&config.include.value, &config.exclude.value) {
        Ok(f) => f,
        Err(e) => return usage(e),
    };
    let mut baseline = match &args.baseline {
        Some(path) => match Baseline::read(path) {
            Ok(b) => Some(b),
            Err(e) => return usage(e),
        },
        None => None,
    };

    let mut code = exit::OK;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let crate::lint::Expanded {
        files,
        errors: unreadable,
        skipped,
    } = filter.expand(&paths);
    for (path, why) in &skipped {
        crate::errln!("warning[input::skipped]: 跳过 {}：{why}", path.display());
    }
    let report_unreadable = |path: &PathBuf, err: &std::io::Error| {
        crate::errln!(
            "error[input::unreadable]: 无法读取 {}: {err}",
            path.display()
        );
    };
    for (path, err) in &unreadable {
        report_unreadable(path, err);
        code = exit::TROUBLE;
    }

    let timings = args.timings.then(|| Timings::new(&policy));
    let checker = Checker {
        policy: &policy,
        config: &config,
        selection,
        input_format: args.input_format,
        timings: timings.as_ref(),
    };
    let mut reports: Vec<FileReport> = Vec::with_capacity(files.len());
    let mut hits = vec![0usize; config.suppressions.len()];
    for result in checker.check_paths(&files) {
        match result {
            Ok(checked) => {
                for (total, h) in hits.iter_mut().zip(&checked.suppression_hits) {
                    *total += h;
                }
                // A workbook or CSV that cannot be opened, or not all of it (past the sheet
                // limits), is an input that cannot be read.
                if checked
                    .report
                    .diagnostics
                    .iter()
                    .any(|d| matches!(d.code.as_str(), "sheet::unreadable" | "sheet::truncated"))
                {
                    code = exit::TROUBLE;
                }
                reports.push(checked.report);
            }
            Err((path, err)) => {
                report_unreadable(&path, &err);
                code = exit::TROUBLE;
            }
        }
    }

    // The baseline accepts the findings it recorded; report how many of its entries are gone.
    let mut accepted = 0usize;
    if let Some(b) = baseline.as_mut() {
        for report in &mut reports {
            let file = report.source.name().to_owned();
            let before = report.diagnostics.len();
            report.diagnostics.retain(|d| !b.accepts(&file, d));
            accepted += before - report.diagnostics.len();
        }
    }
    let unused = config.unused_suppressions(&hits);
    if !unused.is_empty() {
        for source in config.sources.iter() {
            let diags: Vec<_> = unused
                .iter()
                .filter(|(s, _)| std::sync::Arc::ptr_eq(s, source))
                .map(|(_, d)| d.clone())
                .collect();
            if !diags.is_empty() {
                reports.push(FileReport::new(source.clone(), diags, 0));
            }
        }
    }

    if let Some(path) = &args.write_baseline {
        let mut b = Baseline::new(path);
        for report in &reports {
            for d in &report.diagnostics {
                b.record(report.source.name(), d);
            }
        }
        let recorded = b.unmatched();
        if let Err(err) = b.write(path) {
            crate::errln!(
                "error[baseline::write]: 无法写入基线文件 {}: {err}",
                path.display()
            );
            return exit::TROUBLE;
        }
        crate::errln!("已将 {recorded} 条发现写入基线 {}", path.display());
        return code;
    }

    let elapsed = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let summary = Summary::of(&reports, elapsed);
    let mut notes = Vec::new();
    let suppressed: usize = hits.iter().sum();
    if suppressed > 0 {
        notes.push(format!("{suppressed} 条发现按配置中的 suppress 抑制"));
    }
    if let Some(b) = &baseline {
        notes.push(format!("{accepted} 条发现已在基线中"));
        if b.unmatched() > 0 {
            notes.push(format!(
                "基线中有 {} 条记录已不再匹配，可用 --write-baseline 更新",
                b.unmatched()
            ));
        }
    }
    let writing = Instant::now();
    if let Err(e) = write_output(args, &config, &policy, &reports, &summary, &notes) {
        // A closed pipe (`jixiao check … | head`) still exits by the findings.
        let target = args.output.as_ref().map_or_else(
            || "标准输出".to_owned(),
            |p| format!("报告文件 {}", p.display()),
        );
        if crate::cli::output::write_failed(&target, &e, code) == exit::TROUBLE {
            return exit::TROUBLE;
        }
    }
    if let Some(t) = &timings {
        crate::errprint!("{}", describe_timings(t, &policy, writing.elapsed()));
    }
    if code == exit::OK && failed(&config, &summary, &reports) {
        code = exit::FINDINGS;
    }
    code
}

/// The `--timings` table: reading, each rule that took any time, and writing, slowest first.
fn describe_timings(
    timings: &Timings,
    policy: &crate::policy::PolicySet,
    writing: std::time::Duration,
) -> String {
    let mut rows: Vec<(String, std::time::Duration)> = policy
        .rules
        .iter()
        .zip(timings.rules.per_rule())
        .filter(|(_, t)| !t.is_zero())
        .map(|(r, t)| (r.id.clone(), t))
        .collect();
    rows.sort_by_key(|(_, t)| std::cmp::Reverse(*t));
    rows.insert(0, ("读取与解析".to_owned(), timings.read()));
    rows.push(("输出报告".to_owned(), writing));
    let total: f64 = rows.iter().map(|(_, t)| t.as_secs_f64()).sum();
    // Pad by display width: a Chinese name is two columns per character.
    let columns = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let width = rows.iter().map(|(n, _)| columns(n)).max().unwrap_or(0);
    let mut out = String::from("耗时（各线程合计）：\n");
    for (name, t) in rows {
        let share = if total > 0.0 {
            100.0 * t.as_secs_f64() / total
        } else {
            0.0
        };
        let pad = " ".repeat(width.saturating_sub(columns(&name)));
        out.push_str(&format!(
            "  {name}{pad}  {:>10.1} ms  {share:>5.1}%\n",
            t.as_secs_f64() * 1000.0
        ));
    }
    out
}

/// Whether the findings make the run fail: any at or above the fail level, or too many warnings.
fn failed(config: &Config, summary: &Summary, reports: &[FileReport]) -> bool {
    let level = config.fail_level.value;
    let at_level = reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .any(|d| d.severity >= level);
    let too_many = config
        .max_warnings
        .value
        .is_some_and(|max| summary.warnings as u64 > max);
    at_level || too_many
}

fn write_output(
    args: &CheckArgs,
    config: &Config,
    policy: &crate::policy::PolicySet,
    reports: &[FileReport],
    summary: &Summary,
    notes: &[String],
) -> std::io::Result<()> {
    let format = config.format.value;
    let to_file = args.output.is_some();
    let terminal = !to_file && stdout_is_terminal();
    // Written straight to the destination as it is drawn: a report is never held whole.
    let render = |out: &mut dyn Write| -> std::io::Result<()> {
        match format {
            Format::Human => {
                let options = HumanOptions {
                    color: !to_file && args.color.enabled(terminal),
                    ascii: args.ascii,
                    ..HumanOptions::default()
                };
                render_human(reports, &options, out)
            }
            Format::Short => render_short(reports, out),
            Format::Json => render_json(reports, summary, out),
            Format::Sarif => render_sarif(reports, &RuleInfo::catalog(policy), out),
            Format::Junit => render_junit(reports, config.fail_level.value, out),
            Format::Github => render_github(reports, out),
        }
    };
    let mut summary_line = summary.line();
    for note in notes {
        summary_line.push('；');
        summary_line.push_str(note);
    }
    match &args.output {
        Some(path) => {
            crate::write::write_file(path, render)?;
            crate::errln!("{summary_line}");
            crate::errln!("报告已写入 {}", path.display());
        }
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            render(&mut out)?;
            // Human output ends with the summary; machine formats keep stdout clean.
            if format == Format::Human {
                writeln!(out, "{summary_line}")?;
            } else {
                crate::errln!("{summary_line}");
            }
            out.flush()?;
        }
    }
    Ok(())
}

pub fn run_config(args: &ConfigCommandArgs) -> u8 {
    let (config, policy) = match resolve(
        &args.config,
        &args.policy,
        &args.settings,
        ColorChoice::Auto,
    ) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mut text = config.describe();
    text.push_str("\n# 已加载规则的全部参数（当前值）\n");
    for p in &policy.params {
        let value = crate::policy::runtime::Val::from_const(&p.value);
        let default = crate::policy::runtime::Val::from_const(&p.default);
        let origin = if config.params.iter().any(|c| c.name == p.name) {
            "jixiao.toml".to_owned()
        } else if args
            .policy
            .params
            .iter()
            .any(|a| a.split('=').next().map(str::trim) == Some(p.name.as_str()))
        {
            "命令行 --param".to_owned()
        } else {
            let place = policy
                .sources
                .get(p.source)
                .map(|s| format!("{}:{}", s.name(), s.line_number(p.span.start)))
                .unwrap_or_default();
            format!("默认，声明于 {place}")
        };
        text.push_str(&format!(
            "# {}: {} = {}（默认 {}） — {origin}\n",
            p.name, p.ty, value, default
        ));
    }
    crate::cli::output::print(&text, exit::OK)
}
