//! Checking inputs: read each file, run the selected rules, then apply the configuration
//! (severity overrides and `off`, ignores, per-path ignores, suppressions). Files are read and
//! checked in parallel; reports come back in the order the files were given.

use crate::config::{Config, Level};
use crate::diagnostic::Diagnostic;
use crate::policy::types::suggest;
use crate::policy::{PolicySet, RuleTimings};
use crate::read::recognize::READER_CODES;
use crate::read::recognize::{PIECE_BYTES, parse_document_in_windows};
use crate::read::source::SourceFile;
use crate::read::{Input, InputFormat};
use crate::report::{FileReport, FormInfo};
use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

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

/// Which rules run and which findings are reported.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Run only rules matching these (all when empty).
    pub select: Vec<String>,
    /// Report nothing matching these, rules and reader diagnostics alike.
    pub ignore: Vec<String>,
}

impl Selection {
    /// Every pattern must name at least one rule or reader code.
    pub fn validate(&self, policy: &PolicySet) -> Result<(), String> {
        let mut known: Vec<&str> = policy.rules.iter().map(|r| r.id.as_str()).collect();
        known.extend(READER_CODES.iter().map(|(c, _)| *c));
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

    pub fn selects(&self, rule_id: &str) -> bool {
        self.select.is_empty() || self.select.iter().any(|p| pattern_matches(p, rule_id))
    }

    pub fn ignores(&self, code: &str) -> bool {
        self.ignore.iter().any(|p| pattern_matches(p, code))
    }
}

/// What checking a document a window of forms at a time keeps from window to window.
struct Windows<'c, 'a> {
    checker: &'c Checker<'a>,
    file: String,
    /// Which lists of other forms the rules comparing forms read (the others are dropped once
    /// the rules looking at one form have seen them).
    bodies_read: crate::policy::BodiesRead,
    findings: Vec<Diagnostic>,
    /// Wall time spent in [`Windows::check`]: reading is the rest of a one-thread JSON run
    /// (text measures its pieces; a JSON model on more threads, the reader's own time).
    in_rules: Duration,
    /// What each rule may still visit on this file, grown by every window's forms.
    pools: Vec<crate::policy::eval::VisitPool>,
}

impl<'c, 'a> Windows<'c, 'a> {
    fn new(checker: &'c Checker<'a>, file: &str) -> Self {
        Windows {
            checker,
            file: file.to_owned(),
            bodies_read: checker
                .policy
                .bodies_read_across_forms(|r| checker.runs(&r.id)),
            findings: Vec::new(),
            in_rules: Duration::ZERO,
            pools: checker.policy.visit_pools(0),
        }
    }

    /// Check forms just read by the rules that look at one form, then reduce them to what the
    /// rules comparing forms need.
    fn check(&mut self, forms: &mut [crate::model::Project]) {
        let started = Instant::now();
        let found = self.check_window(forms);
        self.findings.extend(found);
        self.in_rules += started.elapsed();
    }

    /// [`Windows::check`], returning the findings (windows checked on another thread).
    fn check_window(&self, forms: &mut [crate::model::Project]) -> Vec<Diagnostic> {
        let checker = self.checker;
        for pool in &self.pools {
            pool.add_forms(forms.len());
        }
        let found = checker.policy.check_forms_pooled(
            forms,
            &self.file,
            |r| checker.runs(&r.id),
            checker.timings.map(|t| &t.rules),
            &self.pools,
        );
        for form in forms.iter_mut() {
            // No rule can read these (the policy language has no field for them); on 100 MB of
            // forms the funds lines alone held ~50 MB until the end of the run.
            form.funds.sources = Vec::new();
            form.extra = Vec::new();
            let read = self.bodies_read;
            if !read.indicators {
                form.indicators = Vec::new();
            }
            if !read.goals {
                form.goals = Vec::new();
            }
            if !read.midterm_goals {
                form.midterm_goals = Vec::new();
            }
        }
        found
    }

    /// Stream the forms of a JSON model on this thread while the rules check the window read
    /// before it on the others. Reading JSON is one sequential pass; checking each window
    /// after it was read left the other threads idle for the whole read (two threads were
    /// 1.27× one). One window waits at most: the reader, when the next is full, helps check
    /// the one before until it is done, so memory holds two windows' full models, and windows
    /// are checked one after another, in order, as before.
    fn stream_json(
        &mut self,
        source: &SourceFile,
        window: usize,
    ) -> (Vec<Diagnostic>, Vec<crate::model::Project>, Duration) {
        use std::sync::atomic::AtomicBool;
        let checked: std::sync::Mutex<Vec<CheckedWindow>> = std::sync::Mutex::new(Vec::new());
        let busy = AtomicBool::new(false);
        let mut waited = Duration::ZERO;
        let started = Instant::now();
        let mut read = Vec::new();
        let this = &*self;
        rayon::scope(|scope| {
            let mut windows_sent = 0;
            let mut send = |forms: Vec<crate::model::Project>| {
                let waiting = Instant::now();
                while busy.load(Ordering::Acquire) {
                    // Run pending work of the pool (most often the window being waited for);
                    // when there is none, another thread is on it.
                    if rayon_core::yield_now() != Some(rayon_core::Yield::Executed) {
                        std::thread::yield_now();
                    }
                }
                waited += waiting.elapsed();
                busy.store(true, Ordering::Release);
                let index = windows_sent;
                windows_sent += 1;
                let (checked, busy) = (&checked, &busy);
                scope.spawn(move |_| {
                    let mut forms = forms;
                    let found = this.check_window(&mut forms);
                    checked
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push((index, forms, found));
                    busy.store(false, Ordering::Release);
                });
            };
            let mut batch = Vec::with_capacity(window);
            read = crate::read::model_file::stream_json_model(source, &mut |form| {
                batch.push(form);
                if batch.len() >= window {
                    send(std::mem::replace(&mut batch, Vec::with_capacity(window)));
                }
            });
            send(batch);
        });
        let reading = started.elapsed().saturating_sub(waited);
        let mut checked = checked
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        checked.sort_by_key(|(index, _, _)| *index);
        let mut forms = Vec::with_capacity(checked.iter().map(|(_, f, _)| f.len()).sum());
        for (_, window_forms, found) in checked {
            forms.extend(window_forms);
            self.findings.extend(found);
        }
        (read, forms, reading)
    }
}

/// A window of forms checked on another thread: its number, its forms (reduced) and findings.
type CheckedWindow = (usize, Vec<crate::model::Project>, Vec<Diagnostic>);

/// Forms of a JSON model read per thread before the rules that look at one form see them.
const JSON_FORMS_PER_THREAD: usize = 256;

/// The rules, the configuration and the selection of one run.
pub struct Checker<'a> {
    pub policy: &'a PolicySet,
    pub config: &'a Config,
    pub selection: Selection,
    /// Read every input in this format instead of the one its extension implies.
    pub input_format: Option<InputFormat>,
    /// Where to add up the time spent reading and in each rule (`check --timings`).
    pub timings: Option<&'a Timings>,
    /// Told the number of forms of each file as it is done (`check`'s progress bar).
    pub progress: Option<&'a (dyn Fn(usize) + Sync)>,
}

/// Where a run's time went, summed over threads.
#[derive(Debug)]
pub struct Timings {
    read_nanos: AtomicU64,
    pub rules: RuleTimings,
}

impl Timings {
    pub fn new(policy: &PolicySet) -> Self {
        Timings {
            read_nanos: AtomicU64::new(0),
            rules: RuleTimings::new(policy),
        }
    }

    fn add_read(&self, elapsed: Duration) {
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        self.read_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// Reading, decoding and parsing inputs.
    pub fn read(&self) -> Duration {
        Duration::from_nanos(self.read_nanos.load(Ordering::Relaxed))
    }
}

/// One file's report and which suppressions it used.
pub struct Checked {
    pub report: FileReport,
    /// Per configured suppression, how many findings it accepted.
    pub suppression_hits: Vec<usize>,
}

impl Checker<'_> {
    /// Whether a rule runs at all: selected and not configured `off`.
    pub fn runs(&self, rule_id: &str) -> bool {
        self.selection.selects(rule_id) && self.config.level_of(rule_id) != Some(Level::Off)
    }

    /// Check one input read from `path`.
    pub fn check(&self, input: Input, path: &Path) -> Checked {
        let mut diagnostics: Vec<Diagnostic> = input.diagnostics;
        diagnostics.extend(self.policy.check_projects_timed(
            &input.document.projects,
            input.source.name(),
            |r| self.runs(&r.id),
            self.timings.map(|t| &t.rules),
        ));
        let names = input
            .document
            .projects
            .into_iter()
            .map(FormInfo::from)
            .collect();
        self.configured(input.source, diagnostics, names, path)
    }

    /// Read and check a text document a window of forms at a time: each window's forms are
    /// checked by the rules that look at one form as soon as they are read, then reduced to what
    /// the rules comparing forms need, so memory holds the full models of one window only.
    fn check_text(&self, bytes: Vec<u8>, name: String, path: &Path) -> Checked {
        let started = Instant::now();
        let (source, mut diagnostics) = SourceFile::decode_vec(name, bytes);
        let decoded = started.elapsed();
        let mut windows = Windows::new(self, source.name());
        let parsed = parse_document_in_windows(
            &source,
            &self.config.vocabulary,
            PIECE_BYTES,
            // A piece per thread (two with one thread, as before the windows were pipelined: a
            // rule that runs out of its file's budget stops at the same form). The next window
            // is read while this one is checked, so two windows' full models are held at once.
            rayon::current_num_threads().max(2),
            |forms| windows.check(forms),
        );
        diagnostics.extend(parsed.diagnostics);
        let read_time = decoded + parsed.reading;
        self.finish_windows(
            source,
            diagnostics,
            windows,
            parsed.document.projects,
            read_time,
            path,
        )
    }

    /// Read and check a JSON model a window of forms at a time, as [`Checker::check_text`]
    /// does: the file is never a tree, and a window's forms are reduced to their summaries once
    /// the rules looking at one form have seen them.
    fn check_json(&self, bytes: Vec<u8>, name: String, path: &Path) -> Checked {
        let started = Instant::now();
        let (source, mut diagnostics) = SourceFile::decode_vec(name, bytes);
        let mut windows = Windows::new(self, source.name());
        let threads = rayon::current_num_threads().max(1);
        let window = threads * JSON_FORMS_PER_THREAD;
        // With one thread nobody could check a window while the next is read: each is checked
        // as soon as it is full, and only one is held.
        let (mut read, mut forms, read_time) = if threads > 1 {
            let decoded = started.elapsed();
            let (read, forms, reading) = windows.stream_json(&source, window);
            (read, forms, decoded + reading)
        } else {
            let mut forms: Vec<crate::model::Project> = Vec::new();
            let mut checked = 0usize;
            let read = crate::read::model_file::stream_json_model(&source, &mut |form| {
                forms.push(form);
                if forms.len() - checked >= window {
                    windows.check(forms.get_mut(checked..).unwrap_or_default());
                    checked = forms.len();
                }
            });
            windows.check(forms.get_mut(checked..).unwrap_or_default());
            (
                read,
                forms,
                started.elapsed().saturating_sub(windows.in_rules),
            )
        };
        if read.iter().any(|d| d.code == "model::syntax") {
            // A broken file is not checked in part: the syntax error says where it broke.
            windows.findings.clear();
            forms.clear();
            read.retain(|d| d.code == "model::syntax");
        }
        crate::read::model_file::assign_forms(&mut read, &forms);
        diagnostics.extend(read);
        self.finish_windows(source, diagnostics, windows, forms, read_time, path)
    }

    /// After the last window: the rules that compare forms, over every form's summary, and the
    /// configuration applied to everything found.
    fn finish_windows(
        &self,
        source: SourceFile,
        diagnostics: Vec<Diagnostic>,
        windows: Windows<'_, '_>,
        forms: Vec<crate::model::Project>,
        read_time: Duration,
        path: &Path,
    ) -> Checked {
        if let Some(t) = self.timings {
            t.add_read(read_time);
        }
        // The reader's diagnostics go first, as before; put in front of the windows' findings
        // (nearly all of them, usually with room to spare) rather than copying those after
        // them: 100 MB of forms held both copies, ~45 MB, at once.
        let mut findings = windows.findings;
        findings.splice(0..0, diagnostics);
        findings.extend(self.policy.compare_forms(
            &forms,
            source.name(),
            |r| self.runs(&r.id),
            self.timings.map(|t| &t.rules),
        ));
        // The forms are done with: their names move into the report, and the rest of them
        // (100 MB of forms: 55 MB) is freed before the findings are sorted, not after.
        let names = forms.into_iter().map(FormInfo::from).collect();
        self.configured(Arc::new(source), findings, names, path)
    }

    /// Apply the configuration to a file's findings: severities, ignores, suppressions.
    fn configured(
        &self,
        source: Arc<SourceFile>,
        mut diagnostics: Vec<Diagnostic>,
        form_info: Vec<FormInfo>,
        path: &Path,
    ) -> Checked {
        let mut hits = vec![0; self.config.suppressions.len()];
        diagnostics.retain_mut(|d| {
            match self.config.level_of(&d.code) {
                Some(Level::Off) => return false,
                Some(Level::On(severity)) => d.severity = severity,
                None => {}
            }
            if self.selection.ignores(&d.code) || self.config.path_ignores(path, &d.code) {
                return false;
            }
            if let Some(k) = self
                .config
                .suppressions
                .iter()
                .position(|s| s.matches(path, d))
            {
                if let Some(h) = hits.get_mut(k) {
                    *h += 1;
                }
                return false;
            }
            true
        });
        Checked {
            report: FileReport::new(source, diagnostics, form_info.len()).with_form_info(form_info),
            suppression_hits: hits,
        }
    }

    /// Read and check one path (`-` is standard input).
    fn check_path(&self, path: &Path) -> std::io::Result<Checked> {
        let stdin = path.as_os_str() == "-";
        let format = self.input_format.unwrap_or_else(|| {
            if stdin {
                InputFormat::Text
            } else {
                InputFormat::from_path(path)
            }
        });
        if format == InputFormat::Json {
            let started = Instant::now();
            let (bytes, name) = if stdin {
                (crate::limits::read_stdin()?, "<stdin>".to_owned())
            } else {
                (crate::limits::read_input(path)?, path.display().to_string())
            };
            if let Some(t) = self.timings {
                t.add_read(started.elapsed());
            }
            return Ok(self.check_json(bytes, name, path));
        }
        if format != InputFormat::Text {
            let started = Instant::now();
            let input = Input::read_with(path, Some(format), &self.config.vocabulary)?;
            if let Some(t) = self.timings {
                t.add_read(started.elapsed());
            }
            return Ok(self.check(input, path));
        }
        let (bytes, name) = if stdin {
            (crate::limits::read_stdin()?, "<stdin>".to_owned())
        } else {
            (crate::limits::read_input(path)?, path.display().to_string())
        };
        // A PDF or an Office file with a name that says nothing (or says text).
        if self.input_format.is_none()
            && let Some(format) = InputFormat::sniff(&bytes)
        {
            let input = Input::from_vec_with(name, bytes, format, &self.config.vocabulary);
            return Ok(self.check(input, path));
        }
        Ok(self.check_text(bytes, name, path))
    }

    /// Read and check files in parallel; results in the order of `paths`. A file that cannot be
    /// read gives its error in place of a report.
    pub fn check_paths(
        &self,
        paths: &[PathBuf],
    ) -> Vec<Result<Checked, (PathBuf, std::io::Error)>> {
        paths
            .par_iter()
            .map(|path| {
                let checked = self.check_path(path).map_err(|err| (path.clone(), err));
                if let Some(progress) = self.progress {
                    progress(checked.as_ref().map_or(0, |c| c.report.forms));
                }
                checked
            })
            .collect()
    }
}

/// Which files a directory contributes: names matching `include` and not `exclude`.
pub struct FileFilter {
    include: GlobSet,
    exclude: GlobSet,
    /// The directory of the configuration the globs come from (absolute): a glob with a `/`
    /// also matches the path relative to it, wherever the search started.
    root: Option<PathBuf>,
    /// Files never read as forms (see [`crate::config::NEVER_FORMS`]) and the files this run
    /// uses otherwise (its baseline), as absolute paths.
    never: GlobSet,
    reserved: Vec<PathBuf>,
}

/// Where the filter for a directory comes from: one for the whole run, or the configuration
/// nearest each directory.
pub trait Filters {
    /// The filter for the files in `dir` (absolute) and the number of the configuration it
    /// belongs to; `None` when that configuration could not be loaded (it was reported).
    fn for_dir(&mut self, dir: &Path) -> Option<(usize, Arc<FileFilter>)>;
}

impl Filters for Arc<FileFilter> {
    fn for_dir(&mut self, _dir: &Path) -> Option<(usize, Arc<FileFilter>)> {
        Some((0, self.clone()))
    }
}

impl FileFilter {
    pub fn new(include: &[String], exclude: &[String]) -> Result<FileFilter, String> {
        let build = |patterns: &[String]| -> Result<GlobSet, String> {
            let mut builder = GlobSetBuilder::new();
            for p in patterns {
                builder.add(Glob::new(p).map_err(|e| format!("无效的通配符 “{p}”：{e}"))?);
            }
            builder.build().map_err(|e| e.to_string())
        };
        let never: Vec<String> = crate::config::NEVER_FORMS
            .iter()
            .map(|p| (*p).to_owned())
            .collect();
        Ok(FileFilter {
            include: build(include)?,
            exclude: build(exclude)?,
            root: None,
            never: build(&never)?,
            reserved: Vec::new(),
        })
    }

    /// Match globs with a `/` against paths relative to `root` (a configuration's directory).
    pub fn with_root(mut self, root: Option<PathBuf>) -> Self {
        self.root = root.map(|r| std::path::absolute(&r).unwrap_or(r));
        self
    }

    /// Never read these files as forms (the run's baseline files).
    pub fn reserve(mut self, paths: impl IntoIterator<Item = PathBuf>) -> Self {
        self.reserved = paths
            .into_iter()
            .map(|p| std::path::absolute(&p).unwrap_or(p))
            .collect();
        self
    }

    /// Whether `set` matches `path`: its name, its path under the search (`relative`) or under
    /// the configuration's directory.
    fn matches(&self, set: &GlobSet, relative: &Path, path: &Path) -> bool {
        let name = relative.file_name().map(Path::new).unwrap_or(relative);
        if set.is_match(name) || set.is_match(relative) {
            return true;
        }
        let Some(root) = &self.root else {
            return false;
        };
        std::path::absolute(path)
            .ok()
            .is_some_and(|abs| abs.strip_prefix(root).is_ok_and(|r| set.is_match(r)))
    }

    /// Whether a file found in a directory is read: `relative` is its path under the directory
    /// searched, `path` the path to open.
    fn keeps(&self, relative: &Path, path: &Path) -> bool {
        self.matches(&self.include, relative, path)
            && !self.matches(&self.exclude, relative, path)
            && !self.is_never_a_form(path)
    }

    /// Whether a file named on the command line is read: always, unless it is never a form, or
    /// `force_exclude` and `exclude` names it (as pre-commit passes every staged file).
    pub fn keeps_named(&self, path: &Path, force_exclude: bool) -> bool {
        if self.is_never_a_form(path) {
            return false;
        }
        if !force_exclude {
            return true;
        }
        // Excluded itself, or in an excluded directory (`drafts` excludes `drafts/a.txt`).
        let below_root = std::path::absolute(path).ok().and_then(|abs| {
            let root = self.root.as_ref()?;
            abs.strip_prefix(root).ok().map(Path::to_path_buf)
        });
        let excluded = |a: &Path| {
            let name = a.file_name().map(Path::new).unwrap_or(a);
            !a.as_os_str().is_empty()
                && a != Path::new(".")
                && (self.exclude.is_match(name) || self.exclude.is_match(a))
        };
        !(path.ancestors().any(excluded) || below_root.is_some_and(|r| r.ancestors().any(excluded)))
    }

    fn is_never_a_form(&self, path: &Path) -> bool {
        let name = path.file_name().map(Path::new).unwrap_or(path);
        if self.never.is_match(name) {
            return true;
        }
        !self.reserved.is_empty()
            && std::path::absolute(path).is_ok_and(|abs| self.reserved.contains(&abs))
    }

    fn skips_dir(&self, relative: &Path, path: &Path) -> bool {
        let name = relative.file_name().map(Path::new).unwrap_or(relative);
        name.to_str().is_some_and(|n| n.starts_with('.'))
            || self.matches(&self.exclude, relative, path)
    }

    /// Files to read: named files as they are (whatever their name), directories searched
    /// recursively (sorted, skipping hidden directories). In a directory only regular files are
    /// read, and a symbolic link is followed only to a place inside the directory that has not
    /// been visited: a link loop, a link to `/`, a FIFO or a device named `*.txt` cannot make the
    /// walk endless or read what the tree does not hold. Paths that cannot be read are returned
    /// apart; what was passed over is listed with the reason.
    pub fn expand(self, paths: &[PathBuf]) -> Expanded {
        expand(paths, &mut Arc::new(self), false)
    }
}

/// [`FileFilter::expand`] with a filter per directory (the configuration nearest it). Each file
/// comes with the number of its configuration.
pub fn expand(paths: &[PathBuf], filters: &mut dyn Filters, force_exclude: bool) -> Expanded {
    let mut out = Expanded::default();
    for path in paths {
        if path.as_os_str() == "-" {
            if let Some((group, _)) = filters.for_dir(&current_dir()) {
                out.files.push((path.clone(), group));
            }
            continue;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let root = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
                let mut walk = Walk {
                    filters: &mut *filters,
                    base: path,
                    root: &root,
                    visited: std::collections::HashSet::from([root.clone()]),
                    out: &mut out,
                };
                walk.dir(Path::new(""), 0);
            }
            Ok(_) => {
                let dir = parent_dir(path);
                if let Some((group, filter)) = filters.for_dir(&dir)
                    && filter.keeps_named(path, force_exclude)
                {
                    out.files.push((path.clone(), group));
                }
            }
            Err(err) => out.errors.push((path.clone(), err)),
        }
    }
    out
}

fn current_dir() -> PathBuf {
    std::env::current_dir().unwrap_or_default()
}

/// The absolute directory a file is in.
fn parent_dir(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    abs.parent().map(Path::to_path_buf).unwrap_or(abs)
}

/// What a search for input files found.
#[derive(Debug, Default)]
pub struct Expanded {
    /// The files to read, each with the number of the configuration that applies to it.
    pub files: Vec<(PathBuf, usize)>,
    /// Paths that could not be read.
    pub errors: Vec<(PathBuf, std::io::Error)>,
    /// Entries passed over, and why (a FIFO, a device, a link leading out of the tree).
    pub skipped: Vec<(PathBuf, &'static str)>,
}

/// How deep a directory walk goes.
pub const MAX_WALK_DEPTH: usize = 64;

struct Walk<'a> {
    filters: &'a mut dyn Filters,
    /// The directory as named on the command line.
    base: &'a Path,
    /// Its canonical path: links are followed only to places under it.
    root: &'a Path,
    /// Canonical paths of the directories entered.
    visited: std::collections::HashSet<PathBuf>,
    out: &'a mut Expanded,
}

impl Walk<'_> {
    fn dir(&mut self, relative: &Path, depth: usize) {
        let dir = self.base.join(relative);
        if depth > MAX_WALK_DEPTH {
            self.out.skipped.push((dir, "目录层级超过 64 层"));
            return;
        }
        let absolute = std::path::absolute(&dir).unwrap_or_else(|_| dir.clone());
        // The configuration nearest this directory decides what is read in it.
        let Some((group, filter)) = self.filters.for_dir(&absolute) else {
            return;
        };
        let mut entries: Vec<(PathBuf, std::fs::FileType)> = match std::fs::read_dir(&dir) {
            Ok(rd) => rd
                .filter_map(Result::ok)
                .filter_map(|e| Some((relative.join(e.file_name()), e.file_type().ok()?)))
                .collect(),
            Err(err) => {
                self.out.errors.push((dir, err));
                return;
            }
        };
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (rel, file_type) in entries {
            let path = self.base.join(&rel);
            // What the entry is, through a link if it is one, and whether it stays in the tree.
            let (is_dir, is_file) = if file_type.is_symlink() {
                let target = std::fs::canonicalize(&path);
                match target {
                    Ok(t) if t.starts_with(self.root) => match std::fs::metadata(&t) {
                        Ok(m) => (m.is_dir(), m.is_file()),
                        Err(_) => (false, false),
                    },
                    Ok(_) => {
                        if filter.keeps(&rel, &path) || !filter.skips_dir(&rel, &path) {
                            self.out.skipped.push((path, "符号链接指向检查目录之外"));
                        }
                        continue;
                    }
                    // A dangling link named like a form: the form it stood for cannot be read.
                    Err(err) => {
                        if filter.keeps(&rel, &path) {
                            self.out.errors.push((path, err));
                        }
                        continue;
                    }
                }
            } else {
                (file_type.is_dir(), file_type.is_file())
            };
            if is_dir {
                if filter.skips_dir(&rel, &path) {
                    continue;
                }
                let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                // A directory reached twice (a link loop, two links to one place): once only.
                if self.visited.insert(canonical) {
                    self.dir(&rel, depth + 1);
                }
            } else if filter.keeps(&rel, &path) {
                if is_file {
                    self.out.files.push((path, group));
                } else {
                    self.out
                        .skipped
                        .push((path, "不是普通文件（FIFO、设备等）"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn directories_are_filtered_by_name_and_path() {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "a.txt",
            "b.json",
            "jixiao.toml",
            "x.test.toml",
            "notes.md",
            "sub/c.txt",
            ".hidden/d.txt",
            "old/e.txt",
        ] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        let strings = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let filter = FileFilter::new(
            &strings(&["*.txt", "*.json", "*.toml"]),
            &strings(&["jixiao.toml", "*.test.toml", "old"]),
        )
        .unwrap();
        let crate::lint::Expanded { files, errors, .. } =
            filter.expand(&[dir.path().to_path_buf()]);
        assert!(errors.is_empty());
        let names: Vec<String> = files
            .iter()
            .map(|(f, _)| f.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a.txt", "b.json", "sub/c.txt"]);
    }
}
