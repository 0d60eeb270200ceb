//! The one diagnostic type of jixiao: document parse problems, policy errors and rule findings
//! are all a [`Diagnostic`] attached to a source. It renders through miette (human output) and
//! serialises with positions computed by jixiao (machine output).

use crate::read::source::{Position, SourceFile};
use crate::span::Span;
use serde::Serialize;
use std::fmt;

/// How serious a diagnostic is. Ordered: `Info < Warning < Error`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// The name reviewers read in reports: 错误, 警告, 提示.
    pub fn zh(self) -> &'static str {
        match self {
            Severity::Info => "提示",
            Severity::Warning => "警告",
            Severity::Error => "错误",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A span with an optional text, drawn under the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub text: Option<String>,
}

/// Which form of its file a finding concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectRef {
    /// The project name as read (empty when the form has none), at most
    /// [`PROJECT_NAME_CHARS`] characters: every finding of a form carries it.
    pub name: String,
    /// 1-based ordinal of the form in its file.
    pub index: usize,
}

/// How much of a project name a finding carries (a real one is under 60 characters; a
/// megabyte-long one must not be copied into each of its thousand findings).
pub const PROJECT_NAME_CHARS: usize = 200;

/// How many characters of a value a message quotes (see [`shortened`]): a form field can be
/// megabytes long, and a finding should not hold or print it whole.
pub const MESSAGE_VALUE_CHARS: usize = 120;

impl ProjectRef {
    pub fn of(project: &crate::model::Project) -> ProjectRef {
        ProjectRef {
            name: shortened(project.name_str(), PROJECT_NAME_CHARS).into_owned(),
            index: project.index,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// A stable code: a rule id (`funds.cost-within-total`) or a parser/loader code
    /// (`parse::unrecognized-line`).
    pub code: String,
    pub severity: Severity,
    pub message: String,
    pub primary: Option<Label>,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    /// Why a rule fired: the values that made its `require` false.
    pub explanation: Vec<String>,
    pub project: Option<ProjectRef>,
    /// The 三级 indicator name a finding is about, when it is about one (used for stable keys).
    pub indicator: Option<String>,
}

impl Diagnostic {
    pub fn new(code: impl Into<String>, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            code: code.into(),
            severity,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            explanation: Vec::new(),
            project: None,
            indicator: None,
        }
    }

    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }

    pub fn warning(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, message)
    }

    #[must_use]
    pub fn with_primary(mut self, span: Span, text: Option<String>) -> Self {
        self.primary = Some(Label { span, text });
        self
    }

    #[must_use]
    pub fn with_label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            text: Some(text.into()),
        });
        self
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn with_project(mut self, project: ProjectRef) -> Self {
        self.project = Some(project);
        self
    }

    /// The start of the primary span, for ordering diagnostics in document order.
    pub fn sort_key(&self) -> (usize, usize) {
        self.primary
            .as_ref()
            .map_or((0, 0), |l| (l.span.start, l.span.end))
    }
}

/// `text` with the characters a terminal would act on shown instead: control characters
/// (`\x1b` of an escape sequence becomes `␛`) and the bidirectional overrides that can make text
/// read other than it is (`<U+202E>`). Form text is written by others; a report must not move
/// the cursor, recolour the terminal or reorder what it shows.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    let acts = |c: char| (c.is_control() && !matches!(c, '\n' | '\t')) || is_bidi_control(c);
    if !text.chars().any(acts) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\u{0}'..='\u{1f}' if !matches!(c, '\n' | '\t') => {
                out.push(char::from_u32(0x2400 + c as u32).unwrap_or('?'));
            }
            '\u{7f}' => out.push('␡'),
            c if acts(c) => out.push_str(&format!("<U+{:04X}>", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A form's value as a message quotes it: [`shortened`] to [`MESSAGE_VALUE_CHARS`].
pub fn quoted(text: &str) -> std::borrow::Cow<'_, str> {
    shortened(text, MESSAGE_VALUE_CHARS)
}

/// `text` cut to its first `max_chars` characters, saying how long it was: a message quotes a
/// form's value, and a value can be megabytes long.
pub fn shortened(text: &str, max_chars: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        None => std::borrow::Cow::Borrowed(text),
        Some((cut, _)) => {
            let total = text.chars().count();
            std::borrow::Cow::Owned(format!(
                "{}…（共 {total} 字）",
                text.get(..cut).unwrap_or_default()
            ))
        }
    }
}

/// Unicode's explicit bidirectional embeddings, overrides and isolates.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The longest stretch of text a code frame underlines.
const MAX_DRAWN_LABEL_BYTES: usize = 480;

/// How far along the primary label's line another label may be and still be drawn.
const MAX_LABEL_DISTANCE_BYTES: usize = 2048;

/// A diagnostic bound to its source, so miette can draw it.
pub struct Rendered<'a> {
    pub diagnostic: &'a Diagnostic,
    pub source: &'a SourceFile,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&visible(&self.diagnostic.message))
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}[{}]",
            self.diagnostic.severity, self.diagnostic.code
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let d = self.diagnostic;
        if d.help.is_none() && d.explanation.is_empty() {
            return None;
        }
        let mut text = String::new();
        for line in &d.explanation {
            text.push_str("原因: ");
            text.push_str(line);
            text.push('\n');
        }
        if let Some(help) = &d.help {
            text.push_str(help);
        }
        Some(Box::new(visible(text.trim_end()).into_owned()))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.diagnostic.primary.as_ref()?;
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let d = self.diagnostic;
        let primary = d.primary.as_ref()?;
        let text = self.source.text();
        let clamp = move |s: Span| {
            let start = s.start.min(text.len());
            // A frame underlines at most a screenful: a label on a megabyte-long cell is drawn
            // on its beginning (machine formats keep the whole span).
            let mut end = s.end.min(text.len()).min(start + MAX_DRAWN_LABEL_BYTES);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            (start, end.saturating_sub(start))
        };
        let shown = |t: &Option<String>| t.as_deref().map(|t| visible(t).into_owned());
        let first = std::iter::once(miette::LabeledSpan::new_primary_with_span(
            shown(&primary.text),
            clamp(primary.span),
        ));
        // A frame draws one line at a time: a label far along the primary's line (a cell after
        // 70 000 spaces) would make it a line wider than any screen — and wider than the
        // renderer can pad. Machine formats keep every label.
        // Labels on different lines are drawn in one snippet from the first to the last, each
        // line whole up to its label: so neither may be far along its line either.
        let source = self.source;
        let primary_line = source.line_index(primary.span.start);
        let along = move |offset: usize| {
            offset.saturating_sub(source.line_span(source.line_index(offset)).start)
        };
        let primary_far = along(primary.span.start) > MAX_LABEL_DISTANCE_BYTES;
        let near = move |l: &&Label| {
            if source.line_index(l.span.start) == primary_line {
                l.span.start.abs_diff(primary.span.start) <= MAX_LABEL_DISTANCE_BYTES
            } else {
                !primary_far && along(l.span.start) <= MAX_LABEL_DISTANCE_BYTES
            }
        };
        let rest = d
            .secondary
            .iter()
            .filter(near)
            .map(move |l| miette::LabeledSpan::new_with_span(shown(&l.text), clamp(l.span)));
        Some(Box::new(first.chain(rest)))
    }
}

/// Positions of a span for machine output: 1-based lines, 1-based columns in characters,
/// end exclusive. For spreadsheets, lines are rows and columns are spreadsheet columns (the end
/// column is the last cell's, inclusive), and `cell` is the reference (`Sheet1!D14`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Region {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

impl Region {
    pub fn of(source: &SourceFile, span: Span) -> Region {
        if let (Some(start), Some(end)) = (source.cell(span.start), source.cell(span.end)) {
            return Region {
                line: start.row,
                column: start.column,
                end_line: end.row,
                end_column: end.column,
                cell: Some(start.reference()),
            };
        }
        let Position { line, column } = source.position(span.start);
        let end = source.position(span.end);
        Region {
            line,
            column,
            end_line: end.line,
            end_column: end.column,
            cell: None,
        }
    }

    /// `file:line:col`, or `file:Sheet1!D14` for spreadsheets.
    pub fn location(&self, file: &str) -> String {
        match &self.cell {
            Some(cell) => format!("{file}:{cell}"),
            None => format!("{file}:{}:{}", self.line, self.column),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{shortened, visible};

    #[test]
    fn long_values_are_shortened_and_say_how_long_they_were() {
        assert_eq!(shortened("短", 3), "短");
        assert_eq!(shortened("名名名名名", 3), "名名名…（共 5 字）");
    }

    #[test]
    fn controls_in_messages_are_shown_not_obeyed() {
        assert_eq!(visible("a\u{1b}[0mb"), "a␛[0mb");
        assert_eq!(visible("x\u{202e}y"), "x<U+202E>y");
        assert_eq!(visible("行\t列\n"), "行\t列\n");
    }
}
