//! `jixiao check` and `jixiao config`.

use crate::baseline::Baseline;
use crate::cli::policies::load_found_config;
use crate::cli::policies::{ConfigArgs, PolicyArgs, SettingsArgs, usage};
use crate::cli::{ColorChoice, exit, stdout_is_terminal};
use crate::config::{Config, ConfigFinder};
use crate::lint::{Checker, FileFilter, Filters, Selection, Timings};
use crate::report::{
    FileReport, Format, HumanOptions, ReportPaths, RuleInfo, Summary, render_github, render_html,
    render_human, render_json, render_junit, render_sarif, render_short, render_xlsx,
};
use clap::Args;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
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
    #[arg(long, value_name = "FILE", conflicts_with_all = ["baseline", "output"])]
    pub write_baseline: Option<PathBuf>,
    /// Read inputs in this format (default: by extension — .json, .toml, .csv, .xlsx/.xls/.ods,
    /// .docx, .pdf, .html, anything else as text; a PDF or Office file is known by its bytes).
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
    /// Apply `exclude` to files named on the command line too (pre-commit names every staged
    /// file).
    #[arg(long)]
    pub force_exclude: bool,
    /// Write paths in SARIF, JUnit and GitHub reports relative to this directory (default: the
    /// repository the working directory is in, or the working directory).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// With `--format github`: annotate only the files changed since this git ref (e.g.
    /// `origin/main`); findings elsewhere still count for the exit code.
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
    /// Print one line per rule with its number of findings, most first, instead of the report.
    #[arg(long)]
    pub statistics: bool,
    /// No progress bar (it shows on a terminal when a run takes more than a second).
    #[arg(long, short)]
    pub quiet: bool,
    /// Write a copy of each workbook checked into DIR with its flagged cells coloured and a
    /// note on each, plus its 问题清单 sheet (the original is never modified).
    #[arg(long, value_name = "DIR")]
    pub annotate: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ConfigCommandArgs {
    /// Show the configuration that applies to this file (the `jixiao.toml` nearest it) instead
    /// of the one found from the working directory.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
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

/// One configuration of the run, and what it loads: each file is checked with the group of the
/// `jixiao.toml` nearest it (group 0: `--config`, or the one found from the working directory,
/// or the defaults).
struct Group {
    config: Config,
    policy: crate::policy::PolicySet,
    filter: Arc<FileFilter>,
    selection: Selection,
}

impl Group {
    fn new(args: &CheckArgs, mut config: Config, path: Option<&Path>) -> Result<Group, u8> {
        args.settings.apply(&mut config);
        let policy = args.policy.load(&config, args.color)?;
        let selection = Selection {
            select: config.select.value.clone(),
            ignore: config.ignore.value.clone(),
        };
        selection.validate(&policy).map_err(usage)?;
        let root = path.and_then(Path::parent).map(Path::to_path_buf);
        let filter = FileFilter::new(&config.include.value, &config.exclude.value)
            .map_err(usage)?
            .with_root(root)
            .reserve(args.baseline.iter().chain(&args.write_baseline).cloned());
        Ok(Group {
            config,
            policy,
            filter: Arc::new(filter),
            selection,
        })
    }
}

/// The configurations of a run, loaded as the search for files meets them.
struct Workspace<'a> {
    args: &'a CheckArgs,
    /// `None` when one configuration applies to every file (`--config`, `--no-config`).
    finder: Option<ConfigFinder>,
    groups: Vec<Group>,
    /// Configuration files (canonical) and their group; `None`: it did not load.
    by_path: HashMap<PathBuf, Option<usize>>,
    /// Set when a configuration met on the way did not load: nothing is checked.
    failed: Option<u8>,
}

impl<'a> Workspace<'a> {
    fn new(args: &'a CheckArgs) -> Result<Workspace<'a>, u8> {
        let config = args.config.load(args.color)?;
        let path = args.config.path();
        let group = Group::new(args, config, path.as_deref())?;
        let mut by_path = HashMap::new();
        if let Some(p) = &path {
            by_path.insert(canonical(p), Some(0));
        }
        Ok(Workspace {
            args,
            finder: (!args.config.is_fixed()).then(ConfigFinder::default),
            groups: vec![group],
            by_path,
            failed: None,
        })
    }

    /// The group of the configuration at `path`, loading it the first time.
    fn group_of(&mut self, path: &Path) -> Option<usize> {
        let key = canonical(path);
        if let Some(known) = self.by_path.get(&key) {
            return *known;
        }
        let loaded = load_found_config(path, self.args.color)
            .and_then(|config| Group::new(self.args, config, Some(path)));
        let index = match loaded {
            Ok(group) => {
                self.groups.push(group);
                Some(self.groups.len() - 1)
            }
            Err(code) => {
                self.failed = Some(code);
                None
            }
        };
        self.by_path.insert(key, index);
        index
    }

    /// Which group applies to the files of `dir` (absolute).
    fn group_for_dir(&mut self, dir: &Path) -> Option<usize> {
        let found = self.finder.as_mut().and_then(|f| f.for_dir(dir));
        match found {
            Some(path) => self.group_of(&path),
            None => Some(0),
        }
    }
}

impl Filters for Workspace<'_> {
    fn for_dir(&mut self, dir: &Path) -> Option<(usize, Arc<FileFilter>)> {
        let index = self.group_for_dir(dir)?;
        let group = self.groups.get(index)?;
        Some((index, group.filter.clone()))
    }
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A report for an input that could not be read, so machine formats list it too.
fn unreadable_report(path: &Path, err: &std::io::Error) -> FileReport {
    let name = path.display().to_string();
    let source = crate::read::source::SourceFile::from_text(name.clone(), "");
    let d = crate::diagnostic::Diagnostic::error(
        "input::unreadable",
        format!("无法读取 {name}：{err}"),
    )
    .with_help("检查文件是否存在、是否有读取权限；这个文件没有被检查");
    let mut report = FileReport::new(Arc::new(source), vec![d], 0);
    report.unread = true;
    report
}

pub fn run(args: &CheckArgs) -> u8 {
    let started = Instant::now();
    let mut workspace = match Workspace::new(args) {
        Ok(w) => w,
        Err(code) => return code,
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
    } = crate::lint::expand(&paths, &mut workspace, args.force_exclude);
    if let Some(failed) = workspace.failed {
        return failed;
    }
    let groups = workspace.groups;
    let Some(run_config) = groups.first().map(|g| &g.config) else {
        return exit::TROUBLE;
    };
    let machine = run_config.format.value != Format::Human;
    for (path, why) in &skipped {
        crate::errln!("warning[input::skipped]: 跳过 {}：{why}", path.display());
    }
    let report_unreadable = |path: &PathBuf, err: &std::io::Error| {
        crate::errln!(
            "error[input::unreadable]: 无法读取 {}: {err}",
            path.display()
        );
    };
    // Reports in the order of `files`, each with its group; then the others.
    let mut slots: Vec<Option<(usize, FileReport)>> = (0..files.len()).map(|_| None).collect();
    let mut extra: Vec<(usize, FileReport)> = Vec::new();
    for (path, err) in &unreadable {
        report_unreadable(path, err);
        code = exit::TROUBLE;
        if machine {
            extra.push((0, unreadable_report(path, err)));
        }
    }

    let timings: Vec<Option<Timings>> = groups
        .iter()
        .map(|g| args.timings.then(|| Timings::new(&g.policy)))
        .collect();
    let bar = Progress::start(args, run_config.format.value, files.len());
    let progress = bar.as_ref().map(|bar| |forms: usize| bar.file_done(forms));
    let mut suppressed = 0usize;
    for (index, group) in groups.iter().enumerate() {
        let mine: Vec<usize> = (0..files.len())
            .filter(|k| files.get(*k).is_some_and(|(_, g)| *g == index))
            .collect();
        if mine.is_empty() {
            continue;
        }
        let paths: Vec<PathBuf> = mine
            .iter()
            .filter_map(|k| files.get(*k).map(|(p, _)| p.clone()))
            .collect();
        let checker = Checker {
            policy: &group.policy,
            config: &group.config,
            selection: group.selection.clone(),
            input_format: args.input_format,
            timings: timings.get(index).and_then(Option::as_ref),
            progress: progress.as_ref().map(|p| p as &(dyn Fn(usize) + Sync)),
        };
        let mut hits = vec![0usize; group.config.suppressions.len()];
        for (k, result) in mine.iter().zip(checker.check_paths(&paths)) {
            let report = match result {
                Ok(checked) => {
                    for (total, h) in hits.iter_mut().zip(&checked.suppression_hits) {
                        *total += h;
                    }
                    // A workbook or CSV that cannot be opened, or not all of it (past the
                    // sheet limits), is an input that cannot be read.
                    if checked
                        .report
                        .diagnostics
                        .iter()
                        .any(|d| crate::read::INPUT_NOT_READ.contains(&d.code.as_str()))
                    {
                        code = exit::TROUBLE;
                    }
                    checked.report
                }
                Err((path, err)) => {
                    report_unreadable(&path, &err);
                    code = exit::TROUBLE;
                    if !machine {
                        continue;
                    }
                    unreadable_report(&path, &err)
                }
            };
            if let Some(slot) = slots.get_mut(*k) {
                *slot = Some((index, report));
            }
        }
        suppressed += hits.iter().sum::<usize>();
        let unused = group.config.unused_suppressions(&hits);
        for source in group.config.sources.iter() {
            let diags: Vec<_> = unused
                .iter()
                .filter(|(s, _)| Arc::ptr_eq(s, source))
                .map(|(_, d)| d.clone())
                .collect();
            if !diags.is_empty() {
                extra.push((index, FileReport::new(source.clone(), diags, 0)));
            }
        }
    }
    if let Some(bar) = &bar {
        bar.finish();
    }
    let (group_of, mut reports): (Vec<usize>, Vec<FileReport>) =
        slots.into_iter().flatten().chain(extra).unzip();

    // The baseline accepts the findings it recorded; report how many of its entries for the
    // files checked are gone (entries for files not checked in this run are not judged).
    let checked_files: Vec<String> = reports.iter().map(|r| r.source.name().to_owned()).collect();
    let mut accepted = 0usize;
    if let Some(b) = baseline.as_mut() {
        for report in &mut reports {
            let file = report.source.name().to_owned();
            let before = report.diagnostics.len();
            report.diagnostics.retain(|d| !b.accepts(&file, d));
            accepted += before - report.diagnostics.len();
        }
    }

    if let Some(path) = &args.write_baseline {
        // Entries for files this run did not check are kept: a run over the staged files
        // updates those files' entries only.
        let mut b = match Baseline::for_update(path, &checked_files) {
            Ok(b) => b,
            Err(e) => return usage(e),
        };
        let kept = b.unmatched();
        for report in &reports {
            for d in &report.diagnostics {
                b.record(report.source.name(), d);
            }
        }
        let recorded = b.unmatched() - kept;
        if let Err(err) = b.write(path) {
            crate::errln!(
                "error[baseline::write]: 无法写入基线文件 {}: {err}",
                path.display()
            );
            return exit::TROUBLE;
        }
        crate::errln!(
            "已将 {recorded} 条发现写入基线 {}（保留未检查文件的 {kept} 条）",
            path.display()
        );
        return code;
    }

    let elapsed = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let summary = Summary::of(&reports, elapsed);
    let mut notes = Vec::new();
    if suppressed > 0 {
        notes.push(format!("{suppressed} 条发现按配置中的 suppress 抑制"));
    }
    if let Some(b) = &baseline {
        notes.push(format!("{accepted} 条发现已在基线中"));
        let stale = b.unmatched_in(&checked_files);
        if stale > 0 {
            notes.push(format!(
                "基线中这些文件的 {stale} 条记录已不再匹配，可用 --write-baseline 更新"
            ));
        }
    }
    if groups.len() > 1 {
        notes.push(format!("使用了 {} 份配置", groups.len()));
    }
    if let Some(dir) = &args.annotate
        && let Err(code) = annotate(dir, &reports)
    {
        return code;
    }
    // Which files GitHub annotations are for: a ref git does not know is a usage error.
    let changed = match (&args.changed_since, run_config.format.value) {
        (Some(reference), Format::Github) => {
            match changed_files(reference, &ReportPaths::new(args.root.as_deref())) {
                Ok(files) => Some(files),
                Err(e) => return usage(format!("--changed-since {reference}：{e}")),
            }
        }
        _ => None,
    };
    let writing = Instant::now();
    let catalog = catalog(&groups);
    let written = if args.statistics {
        let text = statistics(&reports, &catalog, &summary);
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes()).and_then(|()| out.flush())
    } else if run_config.format.value == Format::Xlsx
        && args.output.is_none()
        && stdout_is_terminal()
    {
        return usage("--format xlsx 输出的是工作簿文件，请用 --output 文件名.xlsx 指定写到哪里");
    } else {
        write_output(
            changed.as_ref(),
            args,
            run_config,
            &catalog,
            &reports,
            &summary,
            &notes,
        )
    };
    if let Err(e) = written {
        // A closed pipe (`jixiao check … | head`) still exits by the findings.
        let target = args.output.as_ref().map_or_else(
            || "标准输出".to_owned(),
            |p| format!("报告文件 {}", p.display()),
        );
        if crate::cli::output::write_failed(&target, &e, code) == exit::TROUBLE {
            return exit::TROUBLE;
        }
    }
    for (group, t) in groups.iter().zip(&timings) {
        if let Some(t) = t {
            crate::errprint!("{}", describe_timings(t, &group.policy, writing.elapsed()));
        }
    }
    // Each file fails by the fail level and warning limit of its own configuration.
    let fails = groups.iter().enumerate().any(|(index, group)| {
        let mine: Vec<&FileReport> = reports
            .iter()
            .zip(&group_of)
            .filter(|(_, g)| **g == index)
            .map(|(r, _)| r)
            .collect();
        failed(&group.config, &mine)
    });
    if code == exit::OK && fails {
        code = exit::FINDINGS;
    }
    code
}

/// The files changed since `reference` (committed, staged or not, and untracked), relative to
/// the report root, as git lists them.
fn changed_files(
    reference: &str,
    paths: &ReportPaths,
) -> Result<std::collections::HashSet<String>, String> {
    let git = |args: &[&str]| -> Result<String, String> {
        let out = std::process::Command::new("git")
            .args(args)
            .output()
            .map_err(|e| format!("无法运行 git：{e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let top = git(&["rev-parse", "--show-toplevel"])?;
    let top = PathBuf::from(top.trim());
    // NUL-separated: names with Chinese characters come back as they are, not quoted.
    let diff = git(&["diff", "-z", "--name-only", reference, "--"])?;
    let untracked = git(&[
        "ls-files",
        "-z",
        "--others",
        "--exclude-standard",
        "--full-name",
    ])?;
    Ok(diff
        .split('\0')
        .chain(untracked.split('\0'))
        .filter(|l| !l.is_empty())
        .map(|l| paths.relative(&top.join(l).display().to_string()))
        .collect())
}

/// The progress bar of a run that takes more than a second: files and forms done, the rate and
/// the time left, on standard error — only when it is a terminal, never for machine formats
/// written to standard output, never with `--quiet`.
struct Progress {
    bar: indicatif::ProgressBar,
    forms: std::sync::atomic::AtomicUsize,
}

impl Progress {
    fn start(args: &CheckArgs, format: Format, files: usize) -> Option<Arc<Progress>> {
        let to_screen = matches!(format, Format::Human | Format::Short) || args.output.is_some();
        if args.quiet || !to_screen || !crate::cli::stderr_is_terminal() || files == 0 {
            return None;
        }
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(files as u64),
            indicatif::ProgressDrawTarget::hidden(),
        );
        let style = indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{bar:30}] {pos}/{len} 个文件 · {msg} · 剩余 {eta}",
        )
        .ok()?
        .progress_chars("=> ");
        bar.set_style(style);
        let progress = Arc::new(Progress {
            bar,
            forms: std::sync::atomic::AtomicUsize::new(0),
        });
        // Shown only once the run has taken a second: quick runs stay quiet.
        let shown = Arc::clone(&progress);
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(1));
            if !shown.bar.is_finished() {
                shown
                    .bar
                    .set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
        });
        Some(progress)
    }

    fn file_done(&self, forms: usize) {
        let total = self
            .forms
            .fetch_add(forms, std::sync::atomic::Ordering::Relaxed)
            + forms;
        let seconds = self.bar.elapsed().as_secs_f64().max(0.001);
        self.bar.set_message(format!(
            "{total} 张表（{:.0} 张/秒）",
            total as f64 / seconds
        ));
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// `--annotate DIR`: an annotated copy of each workbook checked, named like it (`.xlsx`).
fn annotate(dir: &Path, reports: &[FileReport]) -> Result<(), u8> {
    if let Err(e) = std::fs::create_dir_all(dir) {
        crate::errln!("error[output::write]: 无法创建目录 {}：{e}", dir.display());
        return Err(exit::TROUBLE);
    }
    let mut used = std::collections::HashSet::new();
    // No copy may take the name of any file this run read (`form.csv` and `form.xlsx` side by
    // side, annotated into their own directory).
    let inputs: std::collections::HashSet<PathBuf> = reports
        .iter()
        .map(|r| canonical(Path::new(r.source.name())))
        .collect();
    let mut skipped = Vec::new();
    for report in reports.iter().filter(|r| !r.unread) {
        let Some(built) = crate::report::xlsx::annotated(report) else {
            if report.forms > 0 || !report.diagnostics.is_empty() {
                skipped.push(report.source.name().to_owned());
            }
            continue;
        };
        let input = Path::new(report.source.name());
        let stem = input
            .file_stem()
            .map_or_else(|| "input".into(), |s| s.to_string_lossy().into_owned());
        let mut target = dir.join(format!("{stem}.xlsx"));
        let mut k = 2;
        while inputs.contains(&canonical(&target)) || !used.insert(target.clone()) {
            target = dir.join(format!("{stem}-{k}.xlsx"));
            k += 1;
        }
        // Never over the file that was checked.
        if canonical(&target) == canonical(input) {
            crate::errln!(
                "error[output::write]: --annotate 的目录里有原文件 {}，不会覆盖它；请换一个目录",
                input.display()
            );
            return Err(exit::TROUBLE);
        }
        let written =
            built.and_then(|bytes| crate::write::write_file(&target, |out| out.write_all(&bytes)));
        match written {
            Ok(()) => crate::errln!("已写入标注副本 {}", target.display()),
            Err(e) => {
                crate::errln!("error[output::write]: 无法写入 {}：{e}", target.display());
                return Err(exit::TROUBLE);
            }
        }
    }
    if !skipped.is_empty() {
        crate::errln!(
            "注：--annotate 只标注工作簿（.xlsx、.xls、.ods、.csv），未标注 {} 个其他文件：{}",
            skipped.len(),
            skipped.join("、")
        );
    }
    Ok(())
}

/// How wide the human report wraps: `COLUMNS` when set, else the terminal's width, else 120.
fn report_width(terminal: bool) -> usize {
    let from_env = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok());
    let from_terminal = || {
        terminal
            .then(|| terminal_size::terminal_size_of(std::io::stdout()))
            .flatten()
            .map(|(terminal_size::Width(w), _)| usize::from(w))
    };
    from_env
        .or_else(from_terminal)
        .filter(|w| *w >= 20)
        .unwrap_or(HumanOptions::default().width)
        .min(1000)
}

/// `--statistics`: one line per rule or reader code — count, id, severity, title — most first.
fn statistics(reports: &[FileReport], catalog: &[RuleInfo], summary: &Summary) -> String {
    let mut counts: HashMap<&str, (usize, crate::diagnostic::Severity)> = HashMap::new();
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        let entry = counts.entry(d.code.as_str()).or_insert((0, d.severity));
        entry.0 += 1;
        entry.1 = entry.1.max(d.severity);
    }
    let mut rows: Vec<(&str, usize, crate::diagnostic::Severity)> =
        counts.into_iter().map(|(id, (n, s))| (id, n, s)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let width = rows.iter().map(|(id, _, _)| id.len()).max().unwrap_or(0);
    let digits = rows.first().map_or(1, |(_, n, _)| n.to_string().len());
    let mut out = String::new();
    for (id, n, severity) in rows {
        let title = catalog
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.title.as_str())
            .filter(|t| *t != id)
            .unwrap_or("");
        out.push_str(&format!(
            "{n:>digits$}  {id:<width$}  {:<9}  {title}\n",
            format!("[{severity}]")
        ));
    }
    out.push_str(&summary.line());
    out.push('\n');
    out
}

/// The rules of every configuration's policies, each once.
fn catalog(groups: &[Group]) -> Vec<RuleInfo> {
    let mut seen = std::collections::HashSet::new();
    groups
        .iter()
        .flat_map(|g| RuleInfo::catalog(&g.policy))
        .filter(|r| seen.insert(r.id.clone()))
        .collect()
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
fn failed(config: &Config, reports: &[&FileReport]) -> bool {
    let level = config.fail_level.value;
    let findings = || reports.iter().flat_map(|r| &r.diagnostics);
    let at_level = findings().any(|d| d.severity >= level);
    let warnings = findings()
        .filter(|d| d.severity == crate::diagnostic::Severity::Warning)
        .count();
    let too_many = config
        .max_warnings
        .value
        .is_some_and(|max| warnings as u64 > max);
    at_level || too_many
}

fn write_output(
    changed: Option<&std::collections::HashSet<String>>,
    args: &CheckArgs,
    config: &Config,
    catalog: &[RuleInfo],
    reports: &[FileReport],
    summary: &Summary,
    notes: &[String],
) -> std::io::Result<()> {
    let format = config.format.value;
    let paths = ReportPaths::new(args.root.as_deref());
    let to_file = args.output.is_some();
    let terminal = !to_file && stdout_is_terminal();
    // Written straight to the destination as it is drawn: a report is never held whole.
    let render = |out: &mut dyn Write| -> std::io::Result<()> {
        match format {
            Format::Human => {
                let options = HumanOptions {
                    color: !to_file && args.color.enabled(terminal),
                    ascii: args.ascii,
                    width: report_width(terminal),
                    ..HumanOptions::default()
                };
                render_human(reports, &options, out)
            }
            Format::Short => render_short(reports, out),
            Format::Json => render_json(reports, summary, out),
            Format::Sarif => render_sarif(reports, catalog, &paths, out),
            Format::Junit => render_junit(reports, config.fail_level.value, &paths, out),
            Format::Github => render_github(reports, &paths, changed, out),
            Format::Html => render_html(reports, catalog, summary, out),
            Format::Xlsx => render_xlsx(reports, catalog, out),
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
    // Which file applies, and why.
    let (found, why) = match &args.file {
        Some(file) if !args.config.is_fixed() => {
            let absolute = std::path::absolute(file).unwrap_or_else(|_| file.clone());
            let dir = if absolute.is_dir() {
                absolute.clone()
            } else {
                absolute.parent().map(Path::to_path_buf).unwrap_or_default()
            };
            match ConfigFinder::default().for_dir(&dir) {
                Some(path) => (
                    Some(path),
                    format!(
                        "距 {} 最近的 jixiao.toml（在它所在目录或上级目录中，不超出仓库根目录）",
                        file.display()
                    ),
                ),
                None => (
                    args.config.path(),
                    format!(
                        "{} 所在目录及上级目录（到仓库根目录为止）中没有 jixiao.toml，使用从工作目录找到的配置",
                        file.display()
                    ),
                ),
            }
        }
        _ => (
            args.config.path(),
            if args.config.config.is_some() {
                "命令行 --config 指定".to_owned()
            } else if args.config.no_config {
                "命令行 --no-config：不读取配置文件".to_owned()
            } else {
                "从工作目录向上找到的 jixiao.toml".to_owned()
            },
        ),
    };
    let loaded = match (&args.file, &found) {
        (Some(_), Some(path)) if !args.config.is_fixed() => {
            load_found_config(path, ColorChoice::Auto).and_then(|mut config| {
                args.settings.apply(&mut config);
                let policy = args.policy.load(&config, ColorChoice::Auto)?;
                Ok((config, policy))
            })
        }
        _ => resolve(
            &args.config,
            &args.policy,
            &args.settings,
            ColorChoice::Auto,
        ),
    };
    let (config, policy) = match loaded {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mut text = match &found {
        Some(_) => format!("# 为何适用：{why}\n"),
        None => format!("# 没有配置文件，使用默认值（{why}）\n"),
    };
    text.push_str(&config.describe());
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
