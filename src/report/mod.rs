//! Rendering diagnostics: `human` (miette code frames), `short` (one line each) and `json`.
//!
//! Positions in machine output are computed by jixiao ([`crate::diagnostic::Region`]): 1-based
//! lines and 1-based columns counted in characters.

mod github;
pub mod html;
mod human;
mod json;
mod junit;
mod sarif;
pub mod xlsx;

pub use github::render_github;
pub use html::render_html;
pub use human::{HumanOptions, render_human};
pub use json::{json_diagnostic, render_json};
pub use junit::render_junit;
pub use sarif::{render_sarif, uri};
pub use xlsx::render_xlsx;

use crate::diagnostic::{Diagnostic, Region, Severity};
use crate::read::source::SourceFile;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where CI reports (SARIF, JUnit, GitHub) say files are: relative to a root directory — the
/// repository's, as code-scanning tools and annotations expect — whatever was typed
/// (`./forms/a.txt`, an absolute path).
#[derive(Debug, Clone)]
pub struct ReportPaths {
    root: PathBuf,
}

impl ReportPaths {
    /// `root` (`--root`), else the repository the working directory is in, else the working
    /// directory.
    pub fn new(root: Option<&Path>) -> ReportPaths {
        let cwd = std::env::current_dir().unwrap_or_default();
        let root = match root {
            Some(r) => std::path::absolute(r).unwrap_or_else(|_| r.to_path_buf()),
            None => cwd
                .ancestors()
                .find(|d| d.join(".git").exists())
                .map_or_else(|| cwd.clone(), Path::to_path_buf),
        };
        ReportPaths {
            root: std::fs::canonicalize(&root).unwrap_or(root),
        }
    }

    /// The root as a `file://` URI ending in `/` (SARIF's `originalUriBaseIds`).
    pub fn root_uri(&self) -> String {
        let mut text = self.root.display().to_string().replace('\\', "/");
        if !text.ends_with('/') {
            text.push('/');
        }
        if !text.starts_with('/') {
            text.insert(0, '/');
        }
        format!("file://{}", sarif::uri(&text))
    }

    /// `file` relative to the root with `/` separators; a file outside it stays absolute.
    pub fn relative(&self, file: &str) -> String {
        if file == "<stdin>" {
            return file.to_owned();
        }
        let path = Path::new(file);
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        // Resolve links in the directory part, as the root's are.
        let absolute = match (absolute.parent(), absolute.file_name()) {
            (Some(dir), Some(name)) => std::fs::canonicalize(dir)
                .map(|d| d.join(name))
                .unwrap_or(absolute.clone()),
            _ => absolute,
        };
        let shown = absolute
            .strip_prefix(&self.root)
            .map(Path::to_path_buf)
            .unwrap_or(absolute);
        shown.display().to_string().replace('\\', "/")
    }

    /// Whether `relative` (from [`ReportPaths::relative`]) is under the root.
    pub fn is_inside(relative: &str) -> bool {
        !relative.starts_with('/') && relative != "<stdin>"
    }
}

/// A JSON writer's error as the I/O error it wraps, so a closed pipe is still a closed pipe
/// (and ends the run quietly) when it happens in the middle of a JSON document.
pub fn json_io(e: serde_json::Error) -> io::Error {
    match e.io_error_kind() {
        Some(kind) => io::Error::new(kind, e),
        None => io::Error::other(e),
    }
}

/// What a report says about a rule (SARIF's `tool.driver.rules`).
#[derive(Debug, Clone)]
pub struct RuleInfo {
    pub id: String,
    pub title: String,
    pub doc: Option<String>,
    pub severity: Severity,
    pub tags: Vec<String>,
    /// Where the rule is documented on the web (the published source of a built-in rule's
    /// policy file, or the reader's documentation).
    pub help_uri: Option<String>,
}

/// The published source of a file of this version of jixiao.
fn published(path: &str) -> String {
    format!(
        "https://docs.rs/crate/jixiao/{}/source/{path}",
        env!("CARGO_PKG_VERSION")
    )
}

impl RuleInfo {
    /// The rules of a policy set and the reader's codes.
    pub fn catalog(policy: &crate::policy::PolicySet) -> Vec<RuleInfo> {
        let mut out: Vec<RuleInfo> = policy
            .rules
            .iter()
            .map(|r| RuleInfo {
                id: r.id.clone(),
                title: r.title.clone().unwrap_or_else(|| r.id.clone()),
                doc: r.doc.clone(),
                severity: r.severity,
                tags: r.tags.clone(),
                help_uri: match policy.origins.get(r.source) {
                    Some(crate::policy::Origin::Builtin(path)) => {
                        Some(published(&format!("policies/{path}")))
                    }
                    _ => None,
                },
            })
            .collect();
        out.extend(
            crate::read::recognize::READER_CODES
                .iter()
                .map(|(code, title)| RuleInfo {
                    id: (*code).to_owned(),
                    title: (*title).to_owned(),
                    doc: None,
                    severity: if matches!(
                        *code,
                        "source::binary"
                            | "parse::no-forms"
                            | "parse::missing-field"
                            | "model::syntax"
                            | "model::type"
                            | "model::invalid"
                            | "sheet::unreadable"
                            | "sheet::truncated"
                            | "docx::unreadable"
                            | "docx::truncated"
                            | "pdf::unreadable"
                            | "pdf::encrypted"
                            | "pdf::no-text"
                            | "pdf::truncated"
                            | "model::duplicate-key"
                    ) {
                        Severity::Error
                    } else {
                        Severity::Warning
                    },
                    tags: vec!["读表".to_owned()],
                    help_uri: Some(published("docs/model.md")),
                }),
        );
        out
    }
}

/// How to write a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Code frames on the original text (miette).
    #[default]
    Human,
    /// `{"diagnostics": [...], "summary": {...}}`.
    Json,
    /// One line per finding: `file:line:col: severity[rule] message`.
    Short,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// JUnit XML: one test case per form.
    Junit,
    /// GitHub Actions workflow commands (`::error file=…::`).
    Github,
    /// One self-contained HTML page for reviewers: summary, charts, filters, every finding.
    Html,
    /// An Excel workbook: 汇总 and 问题清单 (needs `--output`).
    Xlsx,
}

impl Format {
    pub const NAMES: [&'static str; 6] = ["human", "json", "short", "sarif", "junit", "github"];

    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name {
            "human" => Format::Human,
            "json" => Format::Json,
            "short" => Format::Short,
            "sarif" => Format::Sarif,
            "junit" => Format::Junit,
            "github" => Format::Github,
            "html" => Format::Html,
            "xlsx" => Format::Xlsx,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Short => "short",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Github => "github",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
        }
    }
}

/// The diagnostics of one input file, in document order.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub source: Arc<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// How many forms the file held.
    pub forms: usize,
    /// What reviewers sort findings by, per form in order (empty when not known).
    pub form_info: Vec<FormInfo>,
    /// The file could not be read: its report says why, and the summary does not count it as
    /// a file checked.
    pub unread: bool,
}

impl FileReport {
    pub fn new(source: Arc<SourceFile>, mut diagnostics: Vec<Diagnostic>, forms: usize) -> Self {
        diagnostics.sort_by(|a, b| {
            a.sort_key()
                .cmp(&b.sort_key())
                .then_with(|| b.severity.cmp(&a.severity))
                .then_with(|| a.code.cmp(&b.code))
        });
        FileReport {
            source,
            diagnostics,
            forms,
            form_info: Vec::new(),
            unread: false,
        }
    }

    pub fn with_form_info(mut self, info: Vec<FormInfo>) -> Self {
        self.form_info = info;
        self
    }

    /// The unit a finding belongs to, as reviewers group findings: its form's 主管部门.
    pub fn unit_of(&self, d: &Diagnostic) -> &str {
        self.form_of(d)
            .map(|f| f.department.as_str())
            .filter(|u| !u.is_empty())
            .unwrap_or("（未注明主管部门）")
    }

    /// The form a finding is about, if it is about one.
    pub fn form_of(&self, d: &Diagnostic) -> Option<&FormInfo> {
        let index = d.project.as_ref()?.index;
        self.form_info.get(index.checked_sub(1)?)
    }
}

/// Every finding of the reports, with its report, in order.
pub fn findings(reports: &[FileReport]) -> impl Iterator<Item = (&FileReport, &Diagnostic)> {
    reports
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(move |d| (r, d)))
}

/// How often each key occurs, most first (ties by key): the counts by rule and by unit that the
/// reviewers' reports show.
pub fn counted<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<(String, usize)> {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for k in keys {
        *counts.entry(k).or_default() += 1;
    }
    let mut rows: Vec<(String, usize)> =
        counts.into_iter().map(|(k, n)| (k.to_owned(), n)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows
}

/// A form as reports name it: its project, 主管部门 and 实施单位.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormInfo {
    pub name: String,
    /// `[164]黔南州人社局`, or whichever of code and name the form gives.
    pub department: String,
    pub implementer: String,
}

/// A form's names, taken from it once the rules are done with it (no copy of the strings).
impl From<crate::model::Project> for FormInfo {
    fn from(project: crate::model::Project) -> FormInfo {
        let name = project.department.name.map(|n| n.value);
        let department = match (project.department.code, name) {
            (Some(c), Some(n)) => format!("[{}]{n}", c.value),
            (Some(c), None) => format!("[{}]", c.value),
            (None, Some(n)) => n,
            (None, None) => String::new(),
        };
        FormInfo {
            name: project.name.map(|n| n.value).unwrap_or_default(),
            department,
            implementer: project.implementer.map(|i| i.value).unwrap_or_default(),
        }
    }
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub files: usize,
    pub forms: usize,
    /// Wall time of the run in milliseconds.
    pub elapsed_ms: u64,
}

impl Summary {
    pub fn of(reports: &[FileReport], elapsed_ms: u64) -> Summary {
        let mut s = Summary {
            files: reports.iter().filter(|r| !r.unread).count(),
            elapsed_ms,
            ..Summary::default()
        };
        for r in reports {
            s.forms += r.forms;
            for d in &r.diagnostics {
                match d.severity {
                    Severity::Error => s.errors += 1,
                    Severity::Warning => s.warnings += 1,
                    Severity::Info => s.infos += 1,
                }
            }
        }
        s
    }

    /// `检查了 1 个文件、26 张表：4 个错误，12 个警告，3 条提示（用时 12 ms）`
    pub fn line(&self) -> String {
        format!(
            "检查了 {} 个文件、{} 张表：{} 个错误，{} 个警告，{} 条提示（用时 {} ms）",
            self.files, self.forms, self.errors, self.warnings, self.infos, self.elapsed_ms
        )
    }
}

/// `file:line:col: severity[code] message`, one line per diagnostic.
pub fn render_short(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for report in reports {
        for d in &report.diagnostics {
            let location = d.primary.as_ref().map_or_else(
                || format!("{}:1:1", report.source.name()),
                |l| Region::of(&report.source, l.span).location(report.source.name()),
            );
            writeln!(
                out,
                "{location}: {}[{}] {}",
                d.severity,
                d.code,
                crate::diagnostic::visible(&d.message)
            )?;
        }
    }
    Ok(())
}
