//! `human` output: one miette graphical report per diagnostic, on the original text.

use crate::diagnostic::Rendered;
use crate::report::FileReport;
use miette::{GraphicalReportHandler, GraphicalTheme, ThemeCharacters, ThemeStyles};
use rayon::prelude::*;
use std::io::{self, Write};

/// How to draw human output.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    pub color: bool,
    /// Plain ASCII frames, for terminals that draw box and `≤` glyphs two columns wide.
    pub ascii: bool,
    pub tab_width: usize,
    /// Width for wrapping messages and help text.
    pub width: usize,
}

impl Default for HumanOptions {
    fn default() -> Self {
        HumanOptions {
            color: false,
            ascii: false,
            tab_width: 4,
            width: 120,
        }
    }
}

impl HumanOptions {
    pub fn handler(&self) -> GraphicalReportHandler {
        let styles = if self.color {
            ThemeStyles::rgb()
        } else {
            ThemeStyles::none()
        };
        let characters = if self.ascii {
            ThemeCharacters::ascii()
        } else {
            ThemeCharacters::unicode()
        };
        GraphicalReportHandler::new_themed(GraphicalTheme { characters, styles })
            .tab_width(self.tab_width)
            .with_width(self.width)
            .with_context_lines(1)
            .with_links(false)
    }
}

/// How many findings are drawn at once (in parallel) before they are written.
const DRAWN_PER_BATCH: usize = 512;

/// Draw every diagnostic of every report, in order.
pub fn render_human(
    reports: &[FileReport],
    options: &HumanOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let handler = options.handler();
    // Spreadsheets name the cell in the header (`book.xlsx Sheet1!D14`) instead of line:column.
    let sheet_handler = options.handler().without_primary_span_start();
    for report in reports {
        let handler = if report.source.is_sheet() {
            &sheet_handler
        } else {
            &handler
        };
        // Drawing a frame is independent per finding: draw a batch in parallel, write it in
        // order, go on (a batch at a time, so a large report is never held whole).
        for batch in report.diagnostics.chunks(DRAWN_PER_BATCH) {
            let drawn: Vec<String> = batch
                .par_iter()
                .map(|diagnostic| {
                    let rendered = Rendered {
                        diagnostic,
                        source: &report.source,
                    };
                    let mut text = String::new();
                    if handler.render_report(&mut text, &rendered).is_err() {
                        // miette could not draw it (a span off the text): fall back to the short form.
                        text = format!(
                            "{}[{}]: {}\n",
                            diagnostic.severity, diagnostic.code, diagnostic.message
                        );
                    }
                    text
                })
                .collect();
            for text in drawn {
                writeln!(out, "{text}")?;
            }
        }
    }
    Ok(())
}
