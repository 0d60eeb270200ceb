//! The text-form parser: performance-target forms as text extracted from PDF approval tables.
//!
//! A document is a sequence of forms, each opened by its title line (`项目支出绩效目标批复表`) and
//! year line (`(2025年度)`). Lines are rows of tab-separated cells. The parser is a single pass over
//! the lines (linear time); anything it cannot place becomes a diagnostic and parsing goes on.

mod fields;
mod goals;
mod normalize;
mod row;
mod table;

pub use normalize::{compact, join_cjk_spaces};

use crate::diagnostic::{Diagnostic, ProjectRef, Severity};
use crate::model::{Document, Project};
use crate::read::source::SourceFile;
use crate::span::{Span, Spanned};
use fields::{Field, funds_scale, recognise_field, split_department};
use goals::GoalSplitter;
use row::Row;
use table::{Table, table_heading};

/// Every code the reader reports, with what it means (for `--ignore`, `[severity]` and SARIF).
pub const READER_CODES: &[(&str, &str)] = &[
    (
        "source::invalid-encoding",
        "文件既不是有效的 UTF-8，也不是有效的 GB18030 编码",
    ),
    ("source::binary", "文件是二进制文件，不是文本表格"),
    ("parse::no-forms", "文件中没有找到任何绩效目标表"),
    (
        "parse::missing-field",
        "表中缺少项目名称、主管部门、资金总额、指标表或年度",
    ),
    ("parse::missing-value", "栏目没有填写内容"),
    ("parse::bad-amount", "资金金额无法识别"),
    ("parse::unrecognized-line", "无法归入表中任何位置的行"),
    ("parse::unrecognized-cell", "表头中无法识别的单元格"),
    (
        "parse::missing-indicator-name",
        "指标行只有指标值，没有三级指标名称",
    ),
    (
        "parse::extra-cells",
        "指标行的单元格多于三级指标、指标值和说明",
    ),
    ("value::unrecognized", "无法识别的指标值"),
    ("value::out-of-range", "指标值中的数值超出可精确计算的范围"),
    ("value::invalid-date", "指标值不是有效日期"),
    ("value::missing-year", "日期没有年份，且表中没有年度"),
    (
        "value::conflicting-comparator",
        "指标值的比较符与“以上/以下”矛盾",
    ),
    ("model::syntax", "JSON/TOML 格式有误"),
    ("model::type", "JSON/TOML 中字段的类型不对"),
    ("model::invalid", "JSON/TOML 中的金额或整数无法识别"),
    ("model::unknown-field", "JSON/TOML 中有未知字段（已忽略）"),
    (
        "model::value-mismatch",
        "JSON/TOML 中推出的字段与原文不一致（以原文为准）",
    ),
    ("sheet::unreadable", "无法读取的电子表格或 CSV"),
];

/// At most this many `parse::unrecognized-line` diagnostics per document; the rest are counted.
const MAX_UNRECOGNIZED_LINES: usize = 50;

/// A parsed document and what the parser had to say about it.
#[derive(Debug, Clone, Default)]
pub struct ParseOutput {
    pub document: Document,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parse every form in `source`. Large documents are parsed in pieces, in parallel.
pub fn parse_document(source: &SourceFile) -> ParseOutput {
    parse_document_in_pieces(source, PIECE_BYTES)
}

/// A document is cut into pieces of about this many bytes for parallel parsing.
pub const PIECE_BYTES: usize = 1 << 20;

/// [`parse_document`] with pieces of about `piece_bytes` (for tests: the result must not depend
/// on it).
///
/// A piece begins at a title line. A title line always ends the form before it and begins a new
/// one, whatever the parser's state, so parsing the pieces apart and joining them gives exactly
/// what one pass over the whole document gives — once the forms are renumbered.
pub fn parse_document_in_pieces(source: &SourceFile, piece_bytes: usize) -> ParseOutput {
    parse_document_in_windows(source, piece_bytes, usize::MAX, |_| {})
}

/// Parse `source` a window of pieces at a time (each window in parallel) and hand each window's
/// forms, numbered through the document, to `on_forms` before the next window is parsed.
///
/// `jixiao check` runs the rules that look at one form at a time there and keeps only what the
/// rules comparing forms need, so the full models of at most one window are alive at once.
pub fn parse_document_in_windows(
    source: &SourceFile,
    piece_bytes: usize,
    pieces_per_window: usize,
    mut on_forms: impl FnMut(&mut [Project]),
) -> ParseOutput {
    let mut assembled = Assembler::default();
    // Bytes, not a `str` slice: 8192 may fall inside a character, and a NUL is always a byte
    // of its own in UTF-8.
    let head = source.text().as_bytes().iter().take(8192);
    if let Some(nul) = head.into_iter().position(|b| *b == 0) {
        let binary = Diagnostic::error(
            "source::binary",
            "文件含有 NUL 字节，看起来是二进制文件而不是文本表格",
        )
        .with_primary(Span::new(nul, nul + 1), Some("NUL 字节".into()))
        .with_help("请传入从 PDF 导出的文本文件，或 JSON/TOML 格式的表");
        let mut piece = Piece::default();
        piece.diags.push(binary);
        assembled.add(piece);
        return assembled.finish();
    }
    let ranges = piece_ranges(source, piece_bytes);
    for window in ranges.chunks(pieces_per_window.max(1)) {
        let pieces: Vec<Piece> = if window.len() > 1 {
            use rayon::prelude::*;
            window
                .par_iter()
                .map(|lines| parse_piece(source, lines.clone()))
                .collect()
        } else {
            window
                .iter()
                .map(|lines| parse_piece(source, lines.clone()))
                .collect()
        };
        let first_new = assembled.forms.len();
        for piece in pieces {
            assembled.add(piece);
        }
        if let Some(new) = assembled.forms.get_mut(first_new..) {
            on_forms(new);
        }
    }
    assembled.finish()
}

fn parse_piece(source: &SourceFile, lines: std::ops::Range<usize>) -> Piece {
    let mut parser = Parser::new(source);
    for index in lines {
        parser.line(index);
    }
    parser.finish_piece()
}

/// Line ranges of about `piece_bytes` each, every one after the first beginning at a title line.
fn piece_ranges(source: &SourceFile, piece_bytes: usize) -> Vec<std::ops::Range<usize>> {
    let lines = source.line_count();
    let mut starts = vec![0];
    let mut line = 0;
    while let Some(&start) = starts.last() {
        let target = source
            .line_span(start)
            .start
            .saturating_add(piece_bytes.max(1));
        if target >= source.text().len() {
            break;
        }
        line = line.max(source.line_index(target));
        // The next title line at or after the target; none before the end: one piece.
        while line < lines && !opens_form(&Row::read(source, line)) {
            line += 1;
        }
        if line >= lines {
            break;
        }
        starts.push(line);
        line += 1;
    }
    let ends = starts.iter().skip(1).copied().chain([lines]);
    starts
        .iter()
        .copied()
        .zip(ends)
        .map(|(a, b)| a..b)
        .collect()
}

/// A title line: it ends the form before it and begins a new one, whatever came before.
fn opens_form(row: &Row<'_>) -> bool {
    row.single().is_some_and(|cell| {
        let key = compact(cell.text);
        !is_page_furniture(&key) && is_title(&key)
    })
}

/// What parsing one piece of a document gives, numbered from 1 within the piece.
#[derive(Default)]
struct Piece {
    forms: Vec<Project>,
    diags: Vec<Diagnostic>,
    missing: Vec<MissingField>,
    unrecognized: usize,
}

/// A field a form lacks; reported once the form's number in the document is known.
struct MissingField {
    /// Position of the form in its piece.
    form: usize,
    /// How many of the piece's diagnostics came before it (it is reported in that place).
    after: usize,
    what: &'static str,
    severity: Severity,
    opening: Span,
}

/// Joins pieces in order: numbers the forms through the document, reports missing fields,
/// and keeps the first [`MAX_UNRECOGNIZED_LINES`] unrecognised lines of the whole document.
#[derive(Default)]
struct Assembler {
    forms: Vec<Project>,
    diags: Vec<Diagnostic>,
    unrecognized: usize,
    listed: usize,
}

impl Assembler {
    fn add(&mut self, piece: Piece) {
        let offset = self.forms.len();
        self.unrecognized += piece.unrecognized;
        self.forms.reserve(piece.forms.len());
        for mut project in piece.forms {
            project.index += offset;
            self.forms.push(project);
        }
        let forms = &self.forms;
        let missing_field = |m: &MissingField| {
            let project = forms.get(offset + m.form)?;
            let what = m.what;
            Some(
                Diagnostic::new(
                    "parse::missing-field",
                    m.severity,
                    format!("第 {} 张表缺少“{what}”", project.index),
                )
                .with_primary(m.opening, Some("这张表从这里开始".into()))
                .with_help(format!(
                    "请在表中填写“{what}”；缺少的栏目不会参与依赖它的规则检查"
                ))
                .with_project(ProjectRef {
                    name: project.name_str().to_owned(),
                    index: project.index,
                }),
            )
        };
        // Missing fields go where one pass would have reported them: after the diagnostics
        // that came before the form ended.
        let mut missing = piece.missing.iter().peekable();
        for (k, d) in piece.diags.into_iter().enumerate() {
            while let Some(m) = missing.next_if(|m| m.after <= k) {
                self.diags.extend(missing_field(m));
            }
            if d.code == "parse::unrecognized-line" {
                self.listed += 1;
                if self.listed > MAX_UNRECOGNIZED_LINES {
                    continue;
                }
            }
            self.diags.push(d);
        }
        self.diags.extend(missing.filter_map(missing_field));
    }

    fn finish(self) -> ParseOutput {
        let Assembler {
            forms,
            mut diags,
            unrecognized,
            ..
        } = self;
        if unrecognized > MAX_UNRECOGNIZED_LINES {
            let extra = unrecognized - MAX_UNRECOGNIZED_LINES;
            diags.push(Diagnostic::warning(
                "parse::unrecognized-line",
                format!("另有 {extra} 行无法识别（只列出前 {MAX_UNRECOGNIZED_LINES} 行）"),
            ));
        }
        if forms.is_empty() && !diags.iter().any(|d| d.code == "source::binary") {
            diags.push(
                Diagnostic::error("parse::no-forms", "文件中没有找到任何绩效目标表")
                    .with_primary(Span::point(0), None)
                    .with_help(
                        "绩效目标表应以“项目支出绩效目标表”之类的标题行或“项目名称”一行开始",
                    ),
            );
        }
        attach_projects(&forms, &mut diags);
        ParseOutput {
            document: Document { projects: forms },
            diagnostics: diags,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    /// 项目名称 … 资金 rows.
    Header,
    /// After 年度总体目标, until the table heading: continuation lines are goal text.
    Goals,
    Table,
}

struct Form {
    project: Project,
    section: Section,
    /// The title line, or the first line when the title is missing.
    opening: Span,
    last_line_end: usize,
    funds_wan: bool,
    goals: GoalSplitter,
    table: Option<Table>,
    saw_table: bool,
}

struct Parser<'s> {
    source: &'s SourceFile,
    forms: Vec<Project>,
    current: Option<Form>,
    diags: Vec<Diagnostic>,
    missing: Vec<MissingField>,
    unrecognized: usize,
}

impl<'s> Parser<'s> {
    fn new(source: &'s SourceFile) -> Self {
        Parser {
            source,
            forms: Vec::new(),
            current: None,
            diags: Vec::new(),
            missing: Vec::new(),
            unrecognized: 0,
        }
    }

    fn line(&mut self, index: usize) {
        let row = Row::read(self.source, index);
        if row.is_blank() {
            return;
        }
        if let Some(cell) = row.single() {
            let key = compact(cell.text);
            if is_page_furniture(&key) {
                return;
            }
            // Keep in step with `opens_form`, which cuts documents into pieces at these lines.
            if is_title(&key) {
                self.start_form(row.span);
                if let Some(year) = leading_year(&key) {
                    self.set_year(year, cell.span);
                }
                return;
            }
            if let Some(year) = year_line(&key) {
                if self.current.is_none() {
                    self.start_form(row.span);
                }
                self.set_year(year, cell.span);
                return;
            }
        }
        let first_field = row.cells.iter().find_map(|c| recognise_field(c.text));
        if first_field.is_some() {
            let restarts = first_field == Some(Field::Name)
                && self
                    .current
                    .as_ref()
                    .is_none_or(|f| f.project.name.is_some() || f.saw_table);
            if restarts {
                // A second 项目名称 in one form, or one with no title: a new form begins.
                self.start_form(row.span);
            }
            self.fields_row(&row);
            return;
        }
        let Some(form) = self.current.as_mut() else {
            self.unrecognized(&row, "这一行不属于任何绩效目标表");
            return;
        };
        form.last_line_end = row.span.end;
        if let Some(table) = table_heading(&row) {
            form.table = Some(table);
            form.saw_table = true;
            form.section = Section::Table;
            return;
        }
        match form.section {
            Section::Table => {
                let year = form.project.year.as_ref().map(|y| y.value);
                if let Some(table) = form.table.as_mut() {
                    if let Some(indicator) = table.read_row(&row, year, &mut self.diags) {
                        form.project.indicators.push(indicator);
                    }
                }
            }
            Section::Goals => {
                for cell in &row.cells {
                    form.goals.push_cell(cell.text, cell.span.start);
                }
            }
            Section::Header => {
                // Indicator rows before (or without) the table heading: read them as a table.
                let mut table = Table::default();
                let year = form.project.year.as_ref().map(|y| y.value);
                if let Some(indicator) = table.read_row(&row, year, &mut self.diags) {
                    form.project.indicators.push(indicator);
                    form.table = Some(table);
                    form.section = Section::Table;
                    form.saw_table = true;
                } else {
                    self.unrecognized(&row, "无法识别的表头行");
                }
            }
        }
    }

    fn fields_row(&mut self, row: &Row<'_>) {
        if self.current.is_none() {
            self.start_form(row.span);
        }
        let Some(form) = self.current.as_mut() else {
            return;
        };
        form.last_line_end = row.span.end;
        let cells = &row.cells;
        let mut i = 0;
        while let Some(cell) = cells.get(i) {
            i += 1;
            let Some(field) = recognise_field(cell.text) else {
                self.diags.push(
                    Diagnostic::warning(
                        "parse::unrecognized-cell",
                        format!("无法识别的单元格“{}”", cell.text),
                    )
                    .with_primary(cell.span, Some("不是已知的栏目名或其值".into()))
                    .with_help("栏目名应为 项目名称、主管部门及代码、实施单位、资金总额、财政拨款、上级补助、本级安排、其他资金 或 年度总体目标"),
                );
                continue;
            };
            if let Field::FundsHeading { wan } | Field::Total { wan } = field {
                form.funds_wan |= wan;
            }
            if !field.takes_value() {
                continue;
            }
            if field == Field::Goals {
                form.section = Section::Goals;
                for goal_cell in cells.get(i..).unwrap_or(&[]) {
                    form.goals.push_cell(goal_cell.text, goal_cell.span.start);
                }
                break;
            }
            let value = cells.get(i).filter(|c| recognise_field(c.text).is_none());
            let Some(value) = value else {
                self.diags.push(
                    Diagnostic::warning(
                        "parse::missing-value",
                        format!("“{}”一栏没有填写内容", field.display()),
                    )
                    .with_primary(cell.span, Some("这一栏的值为空".into())),
                );
                continue;
            };
            i += 1;
            assign_field(form, field, value, &mut self.diags);
        }
    }

    fn start_form(&mut self, opening: Span) {
        self.finish_form();
        self.current = Some(Form {
            project: Project {
                index: self.forms.len() + 1,
                line: self.source.line_number(opening.start),
                ..Project::default()
            },
            section: Section::Header,
            opening,
            last_line_end: opening.end,
            funds_wan: false,
            goals: GoalSplitter::default(),
            table: None,
            saw_table: false,
        });
    }

    fn set_year(&mut self, year: i32, span: Span) {
        if let Some(form) = self.current.as_mut() {
            form.project.year = Some(Spanned::new(year, span));
            form.last_line_end = form.last_line_end.max(span.end);
        }
    }

    fn finish_form(&mut self) {
        let Some(form) = self.current.take() else {
            return;
        };
        let mut project = form.project;
        project.goals = form.goals.finish();
        // The model of every form is kept for the whole run: no growth slack.
        project.indicators.shrink_to_fit();
        project.span = Span::new(form.opening.start, form.last_line_end.max(form.opening.end));
        let mut missing = Vec::new();
        if project.name.is_none() {
            missing.push(("项目名称", Severity::Error));
        }
        if project.department.name.is_none() && project.department.code.is_none() {
            missing.push(("主管部门及代码", Severity::Error));
        }
        if project.funds.total.is_none() {
            missing.push(("资金总额", Severity::Error));
        }
        if !form.saw_table && project.indicators.is_empty() {
            missing.push(("绩效指标表", Severity::Error));
        }
        if project.year.is_none() {
            missing.push(("年度", Severity::Warning));
        }
        for (what, severity) in missing {
            self.missing.push(MissingField {
                form: self.forms.len(),
                after: self.diags.len(),
                what,
                severity,
                opening: form.opening,
            });
        }
        self.forms.push(project);
    }

    fn unrecognized(&mut self, row: &Row<'_>, why: &str) {
        self.unrecognized += 1;
        if self.unrecognized > MAX_UNRECOGNIZED_LINES {
            return;
        }
        let span = row
            .cells
            .first()
            .zip(row.cells.last())
            .map_or(row.span, |(a, b)| a.span.cover(b.span));
        self.diags.push(
            Diagnostic::warning("parse::unrecognized-line", why)
                .with_primary(span, Some("无法归入表中任何位置".into()))
                .with_help("这一行的内容没有被读取；如果它属于某张表，请检查它的位置和格式"),
        );
    }

    fn finish_piece(mut self) -> Piece {
        self.finish_form();
        Piece {
            forms: self.forms,
            diags: self.diags,
            missing: self.missing,
            unrecognized: self.unrecognized,
        }
    }
}

/// Tag each diagnostic with the form it falls in, so reports can name the project.
fn attach_projects(forms: &[Project], diags: &mut [Diagnostic]) {
    for d in diags.iter_mut().filter(|d| d.project.is_none()) {
        let Some(primary) = &d.primary else { continue };
        let at = primary.span.start;
        let index = forms.partition_point(|p| p.span.start <= at);
        if let Some(p) = index.checked_sub(1).and_then(|i| forms.get(i))
            && at <= p.span.end
        {
            d.project = Some(ProjectRef {
                name: p.name_str().to_owned(),
                index: p.index,
            });
        }
    }
}

fn assign_field(form: &mut Form, field: Field, value: &row::Cell<'_>, diags: &mut Vec<Diagnostic>) {
    let project = &mut form.project;
    let text_field = || Some(Spanned::new(join_cjk_spaces(value.text), value.span));
    let amount = |diags: &mut Vec<Diagnostic>| match crate::read::value_text::parse_amount(
        value.text,
        funds_scale(form.funds_wan),
    ) {
        Ok(d) => Some(Spanned::new(d, value.span)),
        Err(problem) => {
            diags.push(
                Diagnostic::warning(
                    "parse::bad-amount",
                    format!("“{}”的金额“{}”无法识别", field.display(), value.text),
                )
                .with_primary(value.span, Some("应为金额，如 136,000".into()))
                .with_help(problem.help()),
            );
            None
        }
    };
    let slot = match field {
        Field::Name => {
            project.name = text_field();
            return;
        }
        Field::Department => {
            let (code, name) = split_department(value);
            project.department.code = code;
            project.department.name = name;
            return;
        }
        Field::Implementer => {
            project.implementer = text_field();
            return;
        }
        Field::Total { .. } => &mut project.funds.total,
        Field::Fiscal => &mut project.funds.fiscal,
        Field::Superior => &mut project.funds.superior,
        Field::OwnLevel => &mut project.funds.own_level,
        Field::Other => &mut project.funds.other,
        Field::FundsHeading { .. } | Field::Goals => return,
    };
    *slot = amount(diags);
}

/// `项目支出绩效目标批复表`, `项目支出绩效目标表`, `2025年度项目支出绩效目标申报表` …
fn is_title(key: &str) -> bool {
    key.contains("绩效目标")
        && (key.ends_with('表') || key.ends_with("表)"))
        && key.chars().count() <= 40
}

/// `2025年度项目支出绩效目标表` → 2025.
fn leading_year(key: &str) -> Option<i32> {
    let digits: String = key.chars().take_while(char::is_ascii_digit).collect();
    (digits.len() == 4 && key.get(4..).is_some_and(|r| r.starts_with('年')))
        .then(|| digits.parse().ok())
        .flatten()
}

/// `(2025年度)`, `（2025年度）`, `2025年度`.
fn year_line(key: &str) -> Option<i32> {
    let inner = key
        .strip_prefix(['(', '（'])
        .and_then(|k| k.strip_suffix([')', '）']))
        .unwrap_or(key);
    let digits = inner
        .strip_suffix("年度")
        .or_else(|| inner.strip_suffix('年'))?;
    (digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// Page numbers a PDF export leaves between rows: `- 3 -`, `第3页`, `第3页共26页`, `3/26`.
fn is_page_furniture(key: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if let Some(inner) = key
        .strip_prefix(['-', '—', '－'])
        .and_then(|k| k.strip_suffix(['-', '—', '－']))
    {
        return digits(inner);
    }
    if let Some(rest) = key.strip_prefix('第') {
        let (page, tail) = rest.split_once('页').unwrap_or((rest, "x"));
        let tail = tail.trim_start_matches([',', '，', '/']);
        return digits(page)
            && (tail.is_empty()
                || tail
                    .strip_prefix('共')
                    .and_then(|t| t.strip_suffix('页'))
                    .is_some_and(digits));
    }
    if let Some((a, b)) = key.split_once('/') {
        return digits(a) && digits(b);
    }
    key.chars().all(|c| c == '\u{c}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_furniture() {
        for key in [
            "-3-",
            "第3页",
            "第3页共26页",
            "第3页,共26页",
            "3/26",
            "—12—",
        ] {
            assert!(is_page_furniture(key), "{key}");
        }
        for key in ["第三季度", "3", "-a-", "目标1:"] {
            assert!(!is_page_furniture(key), "{key}");
        }
    }

    #[test]
    fn titles_and_years() {
        assert!(is_title("项目支出绩效目标批复表"));
        assert!(is_title("项目支出绩效目标表"));
        assert_eq!(leading_year("2025年度项目支出绩效目标申报表"), Some(2025));
        assert_eq!(year_line("(2025年度)"), Some(2025));
        assert_eq!(year_line("（2024年度）"), Some(2024));
        assert_eq!(year_line("(20255年度)"), None);
    }
}
