//! Rendering diagnostics: `human` (miette code frames), `short` (one line each) and `json`.
//!
//! Positions in machine output are computed by jixiao ([`crate::diagnostic::Region`]): 1-based
//! lines and 1-based columns counted in characters.

mod human;
mod json;

pub use human::{HumanOptions, render_human};
pub use json::{json_diagnostic, render_json};

use crate::diagnostic::{Diagnostic, Region, Severity};
use crate::source::SourceFile;
use std::io::{self, Write};
use std::sync::Arc;

/// The diagnostics of one input file, in document order.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub source: Arc<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// How many forms the file held.
    pub forms: usize,
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
            files: reports.len(),
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
            let region = d
                .primary
                .as_ref()
                .map(|l| Region::of(&report.source, l.span));
            let (line, column) = region.map_or((1, 1), |r| (r.line, r.column));
            writeln!(
                out,
                "{}:{}:{}: {}[{}] {}",
                report.source.name(),
                line,
                column,
                d.severity,
                d.code,
                d.message
            )?;
        }
    }
    Ok(())
}
