//! `human` output: one miette graphical report per diagnostic, on the original text.

use crate::diagnostic::{Diagnostic, Rendered};
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
            // miette divides by it.
            .tab_width(self.tab_width.max(1))
            .with_width(self.width)
            .with_context_lines(1)
            .with_links(false)
    }
}

/// How many findings are drawn at once (in parallel) before they are written.
const DRAWN_PER_BATCH: usize = 512;

/// Columns miette takes from the width before wrapping a line of message or help: two of
/// margin, and the indent (`  × ` or `  help: `), with room to spare.
const WRAP_MARGIN: usize = 12;

/// Whether miette's wrapping could change any line of the message or help. Wrapping (with
/// Unicode line-break analysis) is most of the cost of drawing a finding, and nearly every
/// line fits: those are drawn without it, exactly as wrapping would have drawn them.
fn needs_wrapping(diagnostic: &Diagnostic, width: usize) -> bool {
    use unicode_width::UnicodeWidthStr;
    let limit = width.saturating_sub(WRAP_MARGIN);
    // `prefix` columns come before the text on its first line (`原因: ` before an explanation).
    let too_long = |text: &str, prefix: usize| {
        text.lines().any(|line| {
            line.width() + prefix > limit
                || line.ends_with(char::is_whitespace)
                || line.contains('\t')
        })
    };
    let reason = "原因: ".width();
    too_long(&diagnostic.message, 0)
        || diagnostic.help.as_deref().is_some_and(|h| too_long(h, 0))
        || diagnostic
            .explanation
            .iter()
            .any(|line| too_long(line, reason))
}

/// Draw every diagnostic of every report, in order.
pub fn render_human(
    reports: &[FileReport],
    options: &HumanOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    // Spreadsheets name the cell in the header (`book.xlsx Sheet1!D14`) instead of line:column.
    let handlers = |wrap: bool| {
        let handler = options.handler().with_wrap_lines(wrap);
        (handler.clone(), handler.without_primary_span_start())
    };
    let (wrapping, unwrapped) = (handlers(true), handlers(false));
    for report in reports {
        let sheet = report.source.is_sheet();
        let (wrapping, unwrapped) = if sheet {
            (&wrapping.1, &unwrapped.1)
        } else {
            (&wrapping.0, &unwrapped.0)
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
                    let handler = if needs_wrapping(diagnostic, options.width) {
                        wrapping
                    } else {
                        unwrapped
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::read::source::SourceFile;
    use crate::span::Span;
    use std::sync::Arc;

    fn draw(diagnostic: Diagnostic, width: usize) -> String {
        let source = Arc::new(SourceFile::from_text("f.txt", "项目名称\t某项目\n"));
        let report = FileReport::new(source, vec![diagnostic], 1);
        let options = HumanOptions {
            width,
            ..HumanOptions::default()
        };
        let mut out = Vec::new();
        render_human(&[report], &options, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn finding(message: &str, help: &str) -> Diagnostic {
        Diagnostic::error("t.rule", message)
            .with_primary(Span::new(12, 21), Some("这里".into()))
            .with_help(help)
    }

    #[test]
    fn short_lines_are_drawn_as_wrapping_would_draw_them() {
        let d = finding("项目名称不完整", "补全名称");
        assert!(!needs_wrapping(&d, 120));
        let wrapped = HumanOptions::default().handler().with_wrap_lines(true);
        let mut expected = String::new();
        let source = SourceFile::from_text("f.txt", "项目名称\t某项目\n");
        let rendered = Rendered {
            diagnostic: &d,
            source: &source,
        };
        wrapped.render_report(&mut expected, &rendered).unwrap();
        assert_eq!(draw(d, 120), format!("{expected}\n"));
    }

    #[test]
    fn long_messages_and_help_still_wrap() {
        let long = "很长的说明".repeat(20);
        let d = finding(&long, &long);
        assert!(needs_wrapping(&d, 120));
        let drawn = draw(d, 120);
        // 200 columns of message and of help, each broken over at least two lines.
        assert!(
            drawn
                .lines()
                .all(|l| unicode_width::UnicodeWidthStr::width(l) <= 120),
            "{drawn}"
        );
        assert!(
            drawn.lines().filter(|l| l.contains("很长的说明")).count() >= 4,
            "{drawn}"
        );
    }
}
