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
use crate::report::FileReport;
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

/// The rules, the configuration and the selection of one run.
pub struct Checker<'a> {
    pub policy: &'a PolicySet,
    pub config: &'a Config,
    pub selection: Selection,
    /// Read every input in this format instead of the one its extension implies.
    pub input_format: Option<InputFormat>,
    /// Where to add up the time spent reading and in each rule (`check --timings`).
    pub timings: Option<&'a Timings>,
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
        self.configured(
            input.source,
            diagnostics,
            input.document.projects.len(),
            path,
        )
    }

    /// Read and check a text document a window of forms at a time: each window's forms are
    /// checked by the rules that look at one form as soon as they are read, then reduced to what
    /// the rules comparing forms need, so memory holds the full models of one window only.
    fn check_text(&self, bytes: Vec<u8>, name: String, path: &Path) -> Checked {
        let started = Instant::now();
        let (source, mut diagnostics) = SourceFile::decode_vec(name, bytes);
        let select = |r: &crate::policy::ir::CompiledRule| self.runs(&r.id);
        let keep_bodies = self.policy.compares_form_bodies(select);
        let rule_timings = self.timings.map(|t| &t.rules);
        let mut findings = Vec::new();
        let mut in_rules = Duration::ZERO;
        let parsed = parse_document_in_windows(
            &source,
            &self.config.vocabulary,
            PIECE_BYTES,
            rayon::current_num_threads().max(1) * 2,
            |forms| {
                let rules_started = Instant::now();
                findings.extend(self.policy.check_forms(
                    forms,
                    source.name(),
                    select,
                    rule_timings,
                ));
                if !keep_bodies {
                    for form in forms.iter_mut() {
                        form.indicators = Vec::new();
                        form.goals = Vec::new();
                    }
                }
                in_rules += rules_started.elapsed();
            },
        );
        if let Some(t) = self.timings {
            t.add_read(started.elapsed().saturating_sub(in_rules));
        }
        diagnostics.extend(parsed.diagnostics);
        diagnostics.extend(findings);
        let forms = parsed.document.projects;
        diagnostics.extend(
            self.policy
                .compare_forms(&forms, source.name(), select, rule_timings),
        );
        self.configured(Arc::new(source), diagnostics, forms.len(), path)
    }

    /// Apply the configuration to a file's findings: severities, ignores, suppressions.
    fn configured(
        &self,
        source: Arc<SourceFile>,
        mut diagnostics: Vec<Diagnostic>,
        forms: usize,
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
            report: FileReport::new(source, diagnostics, forms),
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
            .map(|path| self.check_path(path).map_err(|err| (path.clone(), err)))
            .collect()
    }
}

/// Which files a directory contributes: names matching `include` and not `exclude`.
pub struct FileFilter {
    include: GlobSet,
    exclude: GlobSet,
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
        Ok(FileFilter {
            include: build(include)?,
            exclude: build(exclude)?,
        })
    }

    /// `relative` is the path under the directory being searched.
    fn keeps(&self, relative: &Path) -> bool {
        let name = relative.file_name().map(Path::new).unwrap_or(relative);
        let matches = |set: &GlobSet| set.is_match(name) || set.is_match(relative);
        matches(&self.include) && !matches(&self.exclude)
    }

    fn skips_dir(&self, relative: &Path) -> bool {
        let name = relative.file_name().map(Path::new).unwrap_or(relative);
        name.to_str().is_some_and(|n| n.starts_with('.'))
            || self.exclude.is_match(name)
            || self.exclude.is_match(relative)
    }

    /// Files to read: named files as they are (whatever their name), directories searched
    /// recursively (sorted, skipping hidden directories). In a directory only regular files are
    /// read, and a symbolic link is followed only to a place inside the directory that has not
    /// been visited: a link loop, a link to `/`, a FIFO or a device named `*.txt` cannot make the
    /// walk endless or read what the tree does not hold. Paths that cannot be read are returned
    /// apart; what was passed over is listed with the reason.
    pub fn expand(&self, paths: &[PathBuf]) -> Expanded {
        let mut out = Expanded::default();
        for path in paths {
            if path.as_os_str() == "-" {
                out.files.push(path.clone());
                continue;
            }
            match std::fs::metadata(path) {
                Ok(meta) if meta.is_dir() => {
                    let root = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
                    let mut walk = Walk {
                        filter: self,
                        base: path,
                        root: &root,
                        visited: std::collections::HashSet::from([root.clone()]),
                        out: &mut out,
                    };
                    walk.dir(Path::new(""), 0);
                }
                Ok(_) => out.files.push(path.clone()),
                Err(err) => out.errors.push((path.clone(), err)),
            }
        }
        out
    }
}

/// What a search for input files found.
#[derive(Debug, Default)]
pub struct Expanded {
    pub files: Vec<PathBuf>,
    /// Paths that could not be read.
    pub errors: Vec<(PathBuf, std::io::Error)>,
    /// Entries passed over, and why (a FIFO, a device, a link leading out of the tree).
    pub skipped: Vec<(PathBuf, &'static str)>,
}

/// How deep a directory walk goes.
pub const MAX_WALK_DEPTH: usize = 64;

struct Walk<'a> {
    filter: &'a FileFilter,
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
                        if self.filter.keeps(&rel) || !self.filter.skips_dir(&rel) {
                            self.out.skipped.push((path, "符号链接指向检查目录之外"));
                        }
                        continue;
                    }
                    // A dangling link named like a form: the form it stood for cannot be read.
                    Err(err) => {
                        if self.filter.keeps(&rel) {
                            self.out.errors.push((path, err));
                        }
                        continue;
                    }
                }
            } else {
                (file_type.is_dir(), file_type.is_file())
            };
            if is_dir {
                if self.filter.skips_dir(&rel) {
                    continue;
                }
                let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                // A directory reached twice (a link loop, two links to one place): once only.
                if self.visited.insert(canonical) {
                    self.dir(&rel, depth + 1);
                }
            } else if self.filter.keeps(&rel) {
                if is_file {
                    self.out.files.push(path);
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
            .map(|f| f.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a.txt", "b.json", "sub/c.txt"]);
    }
}
