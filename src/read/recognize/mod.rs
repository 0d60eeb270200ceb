//! The form recognizer: reads performance-target forms from the rows of a grid, whatever format
//! the grid was cut from, the way a person reads a form: find a title or a block of known labels,
//! read label → value pairs, find the indicator table by its header row and give each column its
//! role from the header words, then read the rows under it, carrying merged 一级/二级 cells down.
//!
//! The words it knows are data ([`Vocabulary`]). A document is read in one pass over its rows
//! (linear time); what cannot be placed becomes a diagnostic at its place, and reading goes on.

mod fields;
mod goals;
pub(crate) mod normalize;
mod split;
mod table;

pub use normalize::{compact, is_blank, join_cjk_spaces};
pub use split::is_known_unit;

use crate::diagnostic::{Diagnostic, ProjectRef, Severity};
use crate::model::ValueKind;
use crate::model::{Document, ExtraField, Period, Project};
use crate::read::grid::{Cell, Columns, Row};
use crate::read::source::SourceFile;
use crate::read::value_text::{ValueProblem, parse_amount};
use crate::read::vocabulary::{
    ColumnRole, FieldRole, Label, LabelMatch, Qualified, SelfEvaluationWord, Vocabulary, key,
};
use crate::span::{Span, Spanned};
use fields::{FundsBlock, split_department};
use goals::GoalSplitter;
use rust_decimal::Decimal;
use table::{RowRead, Table};

/// Every code the reader reports, with what it means (for `--ignore`, `[severity]` and SARIF).
pub const READER_CODES: &[(&str, &str)] = &[
    (
        "source::invalid-encoding",
        "文件既不是有效的 UTF-8，也不是有效的 GB18030 编码",
    ),
    ("source::binary", "文件是二进制文件，不是文本表格"),
    ("parse::no-forms", "文件中没有找到任何绩效目标表"),
    (
        "parse::other-document",
        "文件中是另一种文书（如部门整体支出绩效目标表），不是项目绩效目标表",
    ),
    (
        "parse::missing-field",
        "表中缺少项目名称、主管部门、资金总额、指标表或年度",
    ),
    ("parse::missing-value", "栏目没有填写内容"),
    ("parse::bad-amount", "资金金额无法识别"),
    (
        "parse::amount-unit",
        "资金金额没有单位，表中也没有写明金额单位（元或万元）",
    ),
    ("parse::unrecognized-line", "无法归入表中任何位置的行"),
    ("parse::unrecognized-cell", "表头中无法识别的单元格"),
    (
        "parse::unreadable-table",
        "指标表无法识别：依赖指标的规则不检查这张表",
    ),
    ("parse::glued-cell", "指标名称和指标值连在一起，无法分开"),
    (
        "parse::missing-indicator-name",
        "指标行只有指标值，没有三级指标名称",
    ),
    (
        "parse::extra-cells",
        "指标行的单元格多于三级指标、指标值和说明",
    ),
    (
        "parse::midterm-only",
        "指标表只填写了中期指标：按中期指标读取",
    ),
    ("parse::outside-form", "表格之外的文字（已跳过）"),
    (
        "parse::conflicting-year",
        "表中“年度”一栏的年份与标题的年度不一致",
    ),
    ("value::unrecognized", "无法识别的指标值"),
    ("value::out-of-range", "指标值中的数值超出可精确计算的范围"),
    ("value::invalid-date", "指标值不是有效日期"),
    ("value::missing-year", "日期没有年份，且表中没有年度"),
    (
        "value::conflicting-comparator",
        "指标值的比较符与“以上/以下”矛盾",
    ),
    ("value::missing-number", "指标值只有单位，没有填写数值"),
    ("model::syntax", "JSON/TOML 格式有误"),
    ("model::type", "JSON/TOML 中字段的类型不对"),
    ("model::invalid", "JSON/TOML 中的金额或整数无法识别"),
    ("model::unknown-field", "JSON/TOML 中有未知字段（已忽略）"),
    (
        "model::duplicate-key",
        "JSON 对象中有重复的字段（只读取第一个）",
    ),
    ("sheet::truncated", "工作表超出读取上限的部分没有读取"),
    ("docx::unreadable", "Word 文档无法打开或正文无法解析"),
    ("docx::truncated", "Word 文档超出读取上限的部分没有读取"),
    ("pdf::unreadable", "PDF 文件已损坏、不完整或找不到页面"),
    ("pdf::encrypted", "PDF 文件已加密，需要密码"),
    ("pdf::no-text", "PDF 没有可读取的文字层（扫描件等）"),
    ("pdf::truncated", "PDF 超出读取上限的部分没有读取"),
    ("pdf::image-page", "PDF 中只有图像的页面没有检查"),
    ("pdf::undecoded-characters", "PDF 中有无法解码的字符"),
    ("pdf::no-table-lines", "PDF 页面没有表格线，单元格无法还原"),
    (
        "source::jixiao-output",
        "jixiao 自己生成的报告，不作为表检查",
    ),
    (
        "model::value-mismatch",
        "JSON/TOML 中推出的字段与原文不一致（以原文为准）",
    ),
    ("sheet::unreadable", "无法读取的电子表格或 CSV"),
];

/// Units of two characters a value's cell may wrap before, leaving them on a line of their own
/// (`≥12` over `公里`). One character is any unit; other tails are more likely lines of their
/// own (`20` over `总分` is no count of 总分).
const WRAPPED_UNITS: &[&str] = &[
    "公里", "千米", "人次", "户次", "公顷", "平米", "万人", "万亩",
];

/// At most this many `parse::unrecognized-line` diagnostics per document; the rest are counted.
const MAX_UNRECOGNIZED_LINES: usize = 50;
/// Most lines a field's value is read over. A value is read again whole at every line it wraps
/// onto, so without a bound a line of thousands of short cells after a label took seconds
/// (quadratic); real values wrap over a few lines, and cells past the bound are reported as
/// unrecognized like any other text that fits nowhere.
const MAX_WRAPPED_CELLS: usize = 96;

/// A parsed document and what the parser had to say about it.
#[derive(Debug, Clone, Default)]
pub struct ParseOutput {
    pub document: Document,
    pub diagnostics: Vec<Diagnostic>,
    /// Time spent reading, summed over threads (`check --timings`): windows are read while
    /// the window before is checked, so it is not the wall time outside the rules.
    pub reading: std::time::Duration,
}

/// Read every form in a text `source` with the built-in vocabulary. Large documents are read
/// in pieces, in parallel.
pub fn parse_document(source: &SourceFile) -> ParseOutput {
    parse_document_in_pieces(source, PIECE_BYTES)
}

/// A document is cut into pieces of about this many bytes for parallel parsing.
pub const PIECE_BYTES: usize = 256 << 10;

/// [`parse_document`] with pieces of about `piece_bytes` (for tests: the result must not depend
/// on it).
pub fn parse_document_in_pieces(source: &SourceFile, piece_bytes: usize) -> ParseOutput {
    parse_document_in_windows(
        source,
        Vocabulary::builtin(),
        piece_bytes,
        usize::MAX,
        |_| {},
    )
}

/// Read `source` a window of pieces at a time (each window in parallel) and hand each window's
/// forms, numbered through the document, to `on_forms` before the next window's forms are
/// added. The next window is read while `on_forms` runs: with the two in one parallel join, a
/// thread that finishes its share of one (the last piece of a window, the last forms of a rule
/// check) takes work from the other instead of waiting at each end.
///
/// A piece of text begins at a title line. A title line always ends the form before it and
/// begins a new one, whatever the reader's state, so reading the pieces apart and joining them
/// gives exactly what one pass over the whole document gives — once the forms are renumbered.
/// Documents with HTML tables are read in one piece (rows of a table span lines).
pub fn parse_document_in_windows(
    source: &SourceFile,
    vocab: &Vocabulary,
    piece_bytes: usize,
    pieces_per_window: usize,
    mut on_forms: impl FnMut(&mut [Project]) + Send,
) -> ParseOutput {
    let mut assembled = Assembler::default();
    // A NUL anywhere (a NUL is always a byte of its own in UTF-8): no text table holds one.
    if let Some(nul) = memchr::memchr(0, source.text().as_bytes()) {
        let binary = Diagnostic::error(
            "source::binary",
            "文件含有 NUL 字节，看起来是二进制文件而不是文本表格",
        )
        .with_primary(Span::new(nul, nul + 1), Some("NUL 字节".into()))
        .with_help("请传入从 PDF 导出的文本文件，或 JSON/TOML 格式的表");
        let mut piece = Piece::default();
        piece.diags.push(binary);
        assembled.add(piece);
        return assembled.finish(source.text(), vocab);
    }
    let started = std::time::Instant::now();
    if crate::read::segment::html::has_table(source.text()) {
        let rows = crate::read::segment::html::rows(source);
        assembled.add(parse_rows_piece(source, rows, vocab));
        let reading = started.elapsed();
        let all = assembled.forms.as_mut_slice();
        on_forms(all);
        return ParseOutput {
            reading,
            ..assembled.finish(source.text(), vocab)
        };
    }
    let ranges = piece_ranges(source, piece_bytes, vocab);
    let mut reading = started.elapsed();
    let piece_nanos = std::sync::atomic::AtomicU64::new(0);
    let read_window = |window: &[std::ops::Range<usize>]| -> Vec<Piece> {
        let read = |lines: &std::ops::Range<usize>| {
            let started = std::time::Instant::now();
            let rows = crate::read::segment::lines::LineRows::new(source, lines.clone());
            let piece = parse_rows_piece(source, rows, vocab);
            let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
            piece_nanos.fetch_add(nanos, std::sync::atomic::Ordering::Relaxed);
            piece
        };
        if window.len() > 1 {
            use rayon::prelude::*;
            window.par_iter().map(read).collect()
        } else {
            window.iter().map(read).collect()
        }
    };
    let mut windows = ranges.chunks(pieces_per_window.max(1));
    let mut next = windows.next().map(read_window);
    while let Some(pieces) = next.take() {
        let assembling = std::time::Instant::now();
        let first_new = assembled.forms.len();
        for piece in pieces {
            assembled.add(piece);
        }
        reading += assembling.elapsed();
        let new = assembled.forms.get_mut(first_new..).unwrap_or_default();
        let upcoming = windows.next();
        next = rayon::join(|| on_forms(new), || upcoming.map(read_window)).1;
    }
    let finishing = std::time::Instant::now();
    let mut parsed = assembled.finish(source.text(), vocab);
    let pieces = std::time::Duration::from_nanos(piece_nanos.into_inner());
    parsed.reading = reading + pieces + finishing.elapsed();
    parsed
}

/// Whether a label is a field's (项目名称, 主管部门, 实施单位, 项目属性 …): the cell after it is its
/// value, whatever that value reads like.
fn is_field_label(m: Option<&LabelMatch>) -> bool {
    matches!(
        m,
        Some(LabelMatch {
            label: Label::Field { .. },
            ..
        })
    )
}

/// A field whose value is a name (project, department, unit …), not a text such as 项目概况.
fn is_short_field_label(m: Option<&LabelMatch>) -> bool {
    matches!(
        m,
        Some(LabelMatch {
            label: Label::Field { role, .. },
            ..
        }) if *role != FieldRole::Extra
    )
}

/// Words of every form as they are written in traditional characters.
const TRADITIONAL_FORM_WORDS: &[&str] = &["績效", "項目", "指標", "資金", "預算", "目標", "補助"];

/// When no form was found in text written in traditional characters (a mirror site's copy,
/// a form from Hong Kong or Taiwan style software), "no forms" alone is untrue of what the
/// reader saw: say that the script is why, at the first such word.
fn explain_no_forms_in_traditional_script(text: &str, no_forms: &mut Diagnostic) {
    let found: Vec<(usize, &str)> = TRADITIONAL_FORM_WORDS
        .iter()
        .filter_map(|w| text.find(w).map(|at| (at, *w)))
        .collect();
    // One word (a simplified text quoting `《預算法》`) does not make a text traditional.
    if found.len() < 2 {
        return;
    }
    let Some(&(at, word)) = found.iter().min() else {
        return;
    };
    no_forms.message = format!(
        "文件中没有找到任何绩效目标表：文字是繁体字（如“{word}”），jixiao 只识别简体字的表"
    );
    no_forms.primary = Some(crate::diagnostic::Label {
        span: Span::new(at, at + word.len()),
        text: Some("繁体字".into()),
    });
    no_forms.help = Some("请先将文件转换为简体字（如用 OpenCC），再重新检查".into());
}

/// Read forms from rows a segmenter cut (spreadsheets, Word and PDF tables), in one piece.
pub fn parse_rows<'s>(
    source: &'s SourceFile,
    rows: Vec<Row<'s>>,
    vocab: &Vocabulary,
) -> ParseOutput {
    let mut assembled = Assembler::default();
    assembled.add(parse_rows_piece(source, rows, vocab));
    assembled.finish(source.text(), vocab)
}

fn parse_rows_piece<'s>(
    source: &'s SourceFile,
    rows: impl IntoIterator<Item = Row<'s>>,
    vocab: &Vocabulary,
) -> Piece {
    let rows = split::MergeFragments::new(rows.into_iter(), vocab);
    let mut parser = Parser::new(source, vocab);
    for row in rows {
        parser.row(row);
    }
    parser.finish_piece()
}

/// Line ranges of about `piece_bytes` each, every one after the first beginning at a title line.
fn piece_ranges(
    source: &SourceFile,
    piece_bytes: usize,
    vocab: &Vocabulary,
) -> Vec<std::ops::Range<usize>> {
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
        while line < lines && !opens_form(source, line, vocab) {
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

/// A line that is a title alone: it ends the form before it and begins a new one.
fn opens_form(source: &SourceFile, line: usize, vocab: &Vocabulary) -> bool {
    let text = source.slice(source.line_span(line));
    if text.contains('\t') || text.contains('|') || text.len() > 240 {
        return false;
    }
    let k = key(text);
    !is_page_furniture(&k) && matches!(title(&k, vocab), Some(t) if t.rest.is_empty())
}

/// What reading one piece of a document gives, numbered from 1 within the piece.
#[derive(Default)]
struct Piece {
    forms: Vec<Project>,
    diags: Vec<Diagnostic>,
    missing: Vec<MissingField>,
    unrecognized: usize,
    /// The first title of a form the piece saw (a form may still have been read from none).
    first_title: Option<Span>,
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
    /// Text of the form's header the reader could not place, that may hold the field (see
    /// [`field_hint`]): the field is then said not read, at that text, not missing.
    unread: Option<Span>,
}

/// Joins pieces in order: numbers the forms through the document, reports missing fields,
/// and keeps the first [`MAX_UNRECOGNIZED_LINES`] unrecognised lines of the whole document.
#[derive(Default)]
struct Assembler {
    forms: Vec<Project>,
    diags: Vec<Diagnostic>,
    unrecognized: usize,
    listed: usize,
    /// Whether a piece found another kind of document (so "no forms" is not an error).
    other_document: bool,
    /// The first title of a form in the document.
    first_title: Option<Span>,
}

impl Assembler {
    fn add(&mut self, piece: Piece) {
        let offset = self.forms.len();
        self.unrecognized += piece.unrecognized;
        if self.first_title.is_none() {
            self.first_title = piece.first_title;
        }
        self.forms.reserve(piece.forms.len());
        for mut project in piece.forms {
            project.index += offset;
            self.forms.push(project);
        }
        let forms = &self.forms;
        let missing_field = |m: &MissingField| {
            let project = forms.get(offset + m.form)?;
            let what = m.what;
            if let Some(unread) = m.unread {
                return Some(
                    Diagnostic::warning(
                        "parse::missing-field",
                        format!("第 {} 张表没有读出“{what}”", project.index),
                    )
                    .with_primary(unread, Some(format!("无法识别的内容，“{what}”可能在这里")))
                    .with_label(m.opening, "这张表从这里开始")
                    .with_help(format!(
                        "表头中有读不出的内容，不能断定表中缺少“{what}”；请检查这几行的格式（如从 PDF 按列抽取的文字）。依赖“{what}”的规则不检查这一栏"
                    ))
                    .with_project(ProjectRef::of(project)),
                );
            }
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
                .with_project(ProjectRef::of(project)),
            )
        };
        // Missing fields go where one pass would have reported them: after the diagnostics
        // that came before the form ended.
        let mut missing = piece.missing.iter().peekable();
        for (k, d) in piece.diags.into_iter().enumerate() {
            while let Some(m) = missing.next_if(|m| m.after <= k) {
                self.diags.extend(missing_field(m));
            }
            if d.code == "parse::other-document" {
                self.other_document = true;
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

    /// The document's forms and diagnostics; `text` is what was read (to say why no form was
    /// found in it).
    fn finish(self, text: &str, vocab: &Vocabulary) -> ParseOutput {
        let Assembler {
            forms,
            mut diags,
            unrecognized,
            other_document,
            first_title,
            ..
        } = self;
        // Document order, whatever order the pieces and the recognizer's look-ahead found them
        // in (a stretch of page text is reported when it ends); notes on the whole document
        // follow.
        diags.sort_by_key(Diagnostic::sort_key);
        if unrecognized > MAX_UNRECOGNIZED_LINES {
            let extra = unrecognized - MAX_UNRECOGNIZED_LINES;
            diags.push(Diagnostic::warning(
                "parse::unrecognized-line",
                format!("另有 {extra} 行无法识别（只列出前 {MAX_UNRECOGNIZED_LINES} 行）"),
            ));
        }
        let glued_other = (forms.is_empty() && !other_document && first_title.is_none())
            .then(|| vocab.other_title_in_text(text))
            .flatten();
        if let Some((span, name)) = glued_other {
            // No form, and another document's title with its first field glued after it inside
            // a line (`附件: 项目支出绩效自评表 (2022年度) 项目名称 …`, a Word file in one line).
            diags.push(
                Diagnostic::new(
                    "parse::other-document",
                    Severity::Info,
                    format!("这是一份{name}，不是项目支出绩效目标表，未按项目表检查"),
                )
                .with_primary(Span::new(span.0, span.1), Some(name.clone()))
                .with_help("jixiao 检查的是项目支出绩效目标表；这份文书的内容已跳过"),
            );
        } else if forms.is_empty()
            && !other_document
            && !diags.iter().any(|d| d.code == "source::binary")
        {
            // A title was found and nothing under it could be read: say so there, rather than
            // that there is no form at all.
            let mut no_forms = match first_title {
                // `附件：…绩效目标表` closing a notice: the form is the attachment, not here.
                Some(title)
                    if names_an_attachment(
                        text.get(title.start..title.end),
                        text.get(title.end..),
                    ) =>
                {
                    Diagnostic::error(
                        "parse::no-forms",
                        "文件中没有绩效目标表：这一行提到的是附件，附件的内容不在这份文件中",
                    )
                    .with_primary(title, Some("提到的附件".into()))
                    .with_help(
                        "附件通常是单独的文件（Word、Excel、PDF）或网页上的下载链接：请检查附件本身",
                    )
                }
                Some(title) => Diagnostic::error(
                    "parse::no-forms",
                    "找到了绩效目标表的标题，但没有读出表中的任何栏目或指标",
                )
                .with_primary(title, Some("这张表的标题".into()))
                .with_help(
                    "表的版式未能识别（栏目名不认识，或单元格之间没有分隔）；可在 jixiao.toml 的 [reader] 中加入这个模板的栏目名，或提供表格原件（Word、Excel、PDF）",
                ),
                None => Diagnostic::error("parse::no-forms", "文件中没有找到任何绩效目标表")
                    .with_primary(Span::point(0), None)
                    .with_help(
                        "绩效目标表应以“项目支出绩效目标表”之类的标题行或“项目名称”一行开始",
                    ),
            };
            explain_no_forms_in_traditional_script(text, &mut no_forms);
            diags.push(no_forms);
        }
        attach_projects(&forms, &mut diags);
        ParseOutput {
            document: Document { projects: forms },
            diagnostics: diags,
            reading: std::time::Duration::ZERO,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    /// 项目名称 … 资金 rows.
    Header,
    /// After a goals label, until the table heading: text is goal text.
    Goals(Period),
    Table,
}

/// A label waiting for its value in the next one-cell row (one cell per line).
struct PendingLabel {
    label: LabelMatch,
    cell_span: Span,
    written: String,
}

/// The text field read last from a line of its own.
struct LastField<'s> {
    label: LabelMatch,
    written: String,
    label_span: Span,
    cells: Vec<Cell<'s>>,
}

/// A value wrapped over lines, joined: Chinese text runs on without a space.
fn join_wrapped<'s>(cells: &[Cell<'s>]) -> Cell<'s> {
    let span = cells
        .iter()
        .map(|c| c.span)
        .reduce(Span::cover)
        .unwrap_or_default();
    let text: String = cells.iter().map(|c| c.text.trim()).collect();
    Cell {
        text: std::borrow::Cow::Owned(text),
        span,
        column: cells.first().map_or(0, |c| c.column),
        col_span: 1,
    }
}

/// A run of one-cell rows that are the header words of an indicator table (one per line).
#[derive(Default)]
struct HeaderRun<'s> {
    cells: Vec<Cell<'s>>,
}

/// A line that names an attachment (`附件：…绩效目标表`, `附表2 …`) with no more than a
/// signature and a date after it, as a notice ends: the form is not in the file. (With more
/// text after it, the line may head the form in a layout that could not be read.)
fn names_an_attachment(line: Option<&str>, after: Option<&str>) -> bool {
    let line = line.unwrap_or_default().trim_start();
    let named = ["附件", "附表"].iter().any(|w| {
        line.strip_prefix(w)
            .is_some_and(|rest| !rest.trim().is_empty())
    });
    let mut lines_after = after
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty());
    // `(2025年度)` or `单位：万元` right after it: the form has begun, and was cut or unreadable.
    let form_begins = lines_after.next().is_some_and(|l| {
        let k = key(l);
        year_line(&k).is_some() || k.starts_with("单位") || k.starts_with("金额单位")
    });
    named && !form_begins && lines_after.take(3).count() < 3
}

/// What is said of a self-evaluation with no title, known by its columns.
fn self_evaluation_note(score: Span, result: Span) -> Diagnostic {
    Diagnostic::new(
        "parse::other-document",
        Severity::Info,
        "这是一份绩效自评表（有得分和实际完成栏），不是项目支出绩效目标表，未按项目表检查",
    )
    .with_primary(score, Some("自评的得分栏".into()))
    .with_label(result, "实际完成栏")
    .with_help("jixiao 检查的是项目支出绩效目标表；这份文书的内容已跳过")
}

/// A self-evaluation's score column and result column, where a form names them.
#[derive(Debug, Clone, Copy, Default)]
struct SelfEvaluationSigns {
    score: Option<Span>,
    result: Option<Span>,
}

impl SelfEvaluationSigns {
    /// Note where a word (as a [`key`]) names a score or a result column, the first of each.
    fn note(&mut self, vocab: &Vocabulary, word: &str, at: Span) {
        match vocab.self_evaluation_word(word) {
            Some(SelfEvaluationWord::Score) => {
                self.score.get_or_insert(at);
            }
            Some(SelfEvaluationWord::Result) => {
                self.result.get_or_insert(at);
            }
            None => {}
        }
    }
}

struct Form<'s> {
    project: Project,
    /// A field or the indicator table was seen: until then a title opens only a candidate, so a
    /// sentence or a page header that names a form does not make one.
    established: bool,
    section: Section,
    /// The title line, or the first line when the title is missing.
    opening: Span,
    last_line_end: usize,
    /// The money unit the form declares: every amount without its own unit is scaled by it.
    scale: Option<Decimal>,
    /// `scale` was read from a heading no label matched (`项目预算资金(万元)`), not declared.
    scale_from_heading: bool,
    funds: FundsBlock,
    goals: GoalSplitter,
    midterm_goals: GoalSplitter,
    /// Goal columns named in one row (`中期目标 | 年度目标`): the periods of the texts below.
    goal_columns: Vec<(Period, usize)>,
    /// Goal texts given one per line, placed once the goals end (see `flush_goal_queue`).
    goal_queue: Vec<Cell<'s>>,
    /// The text field read last from a line of its own: a line that continues it (a value
    /// wrapped over lines) is joined to it.
    last_field: Option<LastField<'s>>,
    table: Option<Table>,
    saw_table: bool,
    /// The year ending the line above a wrapped title (see `wrapped_title_year`): the form's
    /// only when it states none of its own (`(2024年度)` below the title wins).
    wrapped_year: Option<Spanned<i32>>,
    /// Text of the header the reader could not place (see [`Parser::note_unread_header`]).
    unread_header: Vec<(Span, Box<str>)>,
    /// Where unplaced text named a self-evaluation's columns (see `drop_as_self_evaluation`).
    self_evaluation: SelfEvaluationSigns,
    /// A row `总体目标 | 中期目标 | …` was read as one of the rows `总体目标` heads (see
    /// `finish_form`).
    goals_under_generic_label: bool,
    pending: Option<PendingLabel>,
    header_run: HeaderRun<'s>,
    /// The goal label read last is a heading of others (`总体目标` above `中期目标 | 年度目标`).
    last_goal_label_generic: bool,
    /// 预算单位 and the like: the department only when the form names no 主管部门.
    fallback_department: Option<Cell<'s>>,
    /// The department a subtotal row above the project named, in a table of several projects;
    /// then 单位名称 is the implementing unit.
    subtotal_department: Option<Cell<'s>>,
    /// Rows under the table's header that gave no indicator and a diagnostic.
    unread_rows: usize,
    /// Labels present with an empty value (reported there, not again as missing fields).
    empty_labels: Vec<Label>,
    /// Where this year's amount stands among the amounts of a funds line, and how many there
    /// are, from a funds heading row (`项 目 | 上年度安排资金 | 本年度申请资金`).
    year_columns: Option<(usize, usize)>,
}

impl Form<'_> {
    /// Nothing but goals (or a goals label) was read: no field, funds line or table.
    fn only_goals(&self) -> bool {
        let p = &self.project;
        p.name.is_none()
            && p.department.name.is_none()
            && p.department.code.is_none()
            && p.implementer.is_none()
            && p.extra.is_empty()
            && p.indicators.is_empty()
            && p.money_unit.is_none()
            && self.funds.is_empty()
            && self.table.is_none()
            && !self.saw_table
            && self.unread_rows == 0
            && self.fallback_department.is_none()
            && self.subtotal_department.is_none()
            && self
                .empty_labels
                .iter()
                .all(|label| matches!(label, Label::Goals(_)))
    }
}

struct Parser<'s, 'v> {
    source: &'s SourceFile,
    vocab: &'v Vocabulary,
    forms: Vec<Project>,
    current: Option<Form<'s>>,
    diags: Vec<Diagnostic>,
    missing: Vec<MissingField>,
    unrecognized: usize,
    /// Where the first title of a form was seen.
    first_title: Option<Span>,
    /// A year line seen before the title it belongs to.
    pending_year: Option<Spanned<i32>>,
    /// A line outside any form ending in a year (`资源化利用整县推进项目)2022年`), and its line
    /// number: the year of a title wrapped over lines, if the title's last line comes next.
    wrapped_title_year: Option<(Spanned<i32>, usize)>,
    /// A `金额单位:万元` line seen before the form it belongs to.
    pending_scale: Option<(Spanned<String>, Decimal)>,
    /// Text outside any form, not yet reported: its first row and how many rows.
    outside: Option<(Span, usize)>,
    /// Another kind of document (部门整体支出绩效目标表) was reported: its rows are skipped.
    in_other_document: bool,
    /// The line of the last other document's title: a title wrapped onto the next line
    /// (`(临时救助)绩效目标自评表` / `绩效目标自评表 (2021年度) |`) is the same document.
    other_document_line: Option<usize>,
    /// A field is being read again with the line that continues it.
    continuing: bool,
    /// The department the last subtotal row of a table of several projects named.
    table_department: Option<Cell<'s>>,
    labels: LabelCache<'v>,
}

/// The labels of cells already looked up in this piece. Field rows repeat the same label
/// cells form after form (`项目名称`, `资金总额（万元）` …), and looking one up costs a
/// normalisation, an enumerator strip and hash look-ups each time.
struct LabelCache<'v> {
    vocab: &'v Vocabulary,
    whole: std::cell::RefCell<foldhash::HashMap<String, Option<LabelMatch>>>,
    prefix: std::cell::RefCell<foldhash::HashMap<String, Option<(LabelMatch, usize)>>>,
    starts: std::cell::RefCell<foldhash::HashMap<String, bool>>,
    qualified: std::cell::RefCell<foldhash::HashMap<String, Option<(LabelMatch, Qualified)>>>,
}

impl<'v> LabelCache<'v> {
    /// Texts up to this long are remembered (labels are short; long cells are values).
    const MAX_TEXT: usize = 48;
    /// Distinct texts remembered per piece, each way.
    const MAX_ENTRIES: usize = 4096;

    fn new(vocab: &'v Vocabulary) -> Self {
        LabelCache {
            vocab,
            whole: Default::default(),
            prefix: Default::default(),
            starts: Default::default(),
            qualified: Default::default(),
        }
    }

    /// [`Vocabulary::qualified_label`], remembered.
    fn qualified(&self, text: &str) -> Option<(LabelMatch, Qualified)> {
        self.remembered(&self.qualified, text, |t| self.vocab.qualified_label(t))
    }

    /// Whether a cell holds a value, not a label of any kind.
    fn is_value(&self, text: &str) -> bool {
        self.label(text).is_none()
            && self.label_prefix(text).is_none()
            && self.qualified(text).is_none()
    }

    /// The label a cell the vocabulary does not hold whole is read as (see
    /// [`Vocabulary::qualified_label`]), given the cell after it.
    fn qualified_given(&self, text: &str, next: Option<&str>) -> Option<LabelMatch> {
        match self.qualified(text)? {
            (m, Qualified::Sure) => Some(m),
            (m, Qualified::IfValueFollows) => next
                .is_some_and(|n| !n.trim().is_empty() && self.is_value(n))
                .then_some(m),
        }
    }

    /// [`Vocabulary::label`], remembered.
    fn label(&self, text: &str) -> Option<LabelMatch> {
        self.remembered(&self.whole, text, |t| self.vocab.label(t))
    }

    /// [`Vocabulary::is_label_start`], remembered.
    fn is_label_start(&self, text: &str) -> bool {
        self.remembered(&self.starts, text, |t| self.vocab.is_label_start(t))
    }

    /// [`Vocabulary::label_prefix`], remembered.
    fn label_prefix(&self, text: &str) -> Option<(LabelMatch, usize)> {
        self.remembered(&self.prefix, text, |t| self.vocab.label_prefix(t))
    }

    /// `look_up(text)`, from `cache` when the text was seen before. Texts that cannot start a
    /// label are answered at once and long ones are values: neither is remembered.
    fn remembered<T: Clone>(
        &self,
        cache: &std::cell::RefCell<foldhash::HashMap<String, T>>,
        text: &str,
        look_up: impl Fn(&str) -> T,
    ) -> T {
        if text.len() > Self::MAX_TEXT || !self.vocab.may_be_label(text) {
            return look_up(text);
        }
        let mut cache = cache.borrow_mut();
        if let Some(found) = cache.get(text) {
            return found.clone();
        }
        let found = look_up(text);
        if cache.len() < Self::MAX_ENTRIES {
            cache.insert(text.to_owned(), found.clone());
        }
        found
    }
}

/// A title found in a row: the title's end, and what follows it in the same cell.
struct Title<'k> {
    year: Option<i32>,
    rest: &'k str,
    other: Option<String>,
}

/// Whether `k` (a normalised cell) is a form title: ends with a title ending, then at most a
/// year or a note in brackets, then nothing or a glued label.
fn title<'k>(k: &'k str, vocab: &Vocabulary) -> Option<Title<'k>> {
    // A title stands at the start (its head is at most 48 characters): in a long line only the
    // line's start is searched, so reading a glued line piece by piece stays linear.
    let start = match k.char_indices().nth(64) {
        Some((at, _)) => k.get(..at).unwrap_or(k),
        None => k,
    };
    let end = vocab.title_ending(start)?;
    let mut rest = k.get(end..)?;
    let head = k.get(..end)?;
    // A title is a short line; a title inside longer glued text starts a form where it stands
    // (see `glued_form_start`).
    if head.chars().count() > 48 {
        return None;
    }
    // Page metadata that names a form (`标题:项目支出绩效目标表3`, `名称:…`) and sentences
    // (`详见单位的项目绩效目标表`) are not titles.
    if [
        "标题",
        "名称:",
        "文号",
        "详见",
        "见附件",
        "关于",
        "公示",
        "通知",
        "附表",
    ]
    .iter()
    .any(|w| head.contains(w))
    {
        return None;
    }
    let mut year = title_year(head);
    // `(2023年度)`, `（高标准农田建设）`: brackets after the ending.
    while let Some(inner_end) = rest
        .strip_prefix('(')
        .and_then(|r| r.find(')').map(|i| i + 1))
    {
        let inner = rest.get(1..inner_end).unwrap_or("");
        if let Some(y) = year_line(&format!("({inner})")) {
            year = Some(y);
        }
        rest = rest.get(inner_end + 1..).unwrap_or("");
    }
    if let Some(y) = year_line(rest) {
        year = Some(y);
        rest = "";
    } else if let Some(after) = rest.strip_prefix(|c: char| c.is_ascii_digit()) {
        // `2023年度…` glued after the title.
        let digits = 1 + after.chars().take_while(char::is_ascii_digit).count();
        if let Some(y) = rest.get(..digits + "年度".len()).and_then(year_line) {
            year = Some(y);
            rest = rest.get(digits + "年度".len()..).unwrap_or("");
        }
    }
    // Glued: a label right after the title (OCR may leave a stray character before it).
    if !rest.is_empty()
        && vocab.label_prefix(rest).is_none()
        && glued_label_start(rest, vocab)
            .is_none_or(|i| rest.get(..i).is_none_or(|h| h.chars().count() > 3))
    {
        return None;
    }
    let other = vocab.other_document(head).map(|o| o.name.clone());
    Some(Title { year, rest, other })
}

impl<'s, 'v> Parser<'s, 'v> {
    /// A row joined from several lines (a flattened table's `… |` then `项目支出绩效自评表 | ||||`,
    /// or `…绩效目标申报表 |` then `项目名称 | … |`) with a title alone on one of its lines: the
    /// title is a row of its own, so it can end the form above, or open its own, instead of
    /// being read as a cell of a table or of a field. The pieces, in order (one pass, however
    /// many titles a hostile row joins).
    fn split_at_titles(&self, row: Row<'s>) -> Vec<Row<'s>> {
        let source = self.source;
        // Before any form is read, a title alone on its line (`附件: |` + `…绩效目标申报表 |`);
        // inside one, only a row of its own closed by `||` — a flattened table's names and
        // values end in such words too (`编制项目支出绩效目标表 |`).
        let pipes = if self.current.as_ref().is_none_or(|f| !f.established) {
            1
        } else {
            2
        };
        let is_title_line = |cell: &Cell<'_>| {
            let k = key(&cell.text);
            self.alone_on_its_line(cell, pipes)
                && (title(&k, self.vocab).is_some_and(|t| t.rest.is_empty())
                    || self.vocab.other_title(&k).is_some())
        };
        let Row {
            line,
            span,
            cells,
            columns,
            table_end,
            ..
        } = row;
        let mut pieces: Vec<Vec<Cell<'s>>> = Vec::new();
        let mut previous_was_title = false;
        let mut previous_end_line = 0;
        for cell in cells {
            let starts_line = source.line_number(cell.span.start) > previous_end_line;
            let is_title = starts_line && is_title_line(&cell);
            previous_end_line = source.line_number(cell.span.end);
            match pieces.last_mut() {
                Some(piece) if !(starts_line && (is_title || previous_was_title)) => {
                    piece.push(cell)
                }
                _ => pieces.push(vec![cell]),
            }
            previous_was_title = is_title;
        }
        let count = pieces.len();
        pieces
            .into_iter()
            .enumerate()
            .map(|(i, cells)| {
                let first = cells.first().map_or(span.start, |c| c.span.start);
                let last = cells.last().map_or(span.end, |c| c.span.end);
                Row {
                    line: if i == 0 {
                        line
                    } else {
                        source.line_number(first)
                    },
                    span: Span::new(
                        if i == 0 { span.start } else { first },
                        if i + 1 == count { span.end } else { last },
                    ),
                    loose: cells.len() == 1,
                    cells,
                    columns,
                    table_end,
                }
            })
            .collect()
    }

    /// Whether `cell` is the only cell of its line, the line closed by `pipes` or more `|` (two:
    /// a table row of its own, `项目支出绩效自评表 | ||||`).
    fn alone_on_its_line(&self, cell: &Cell<'_>, pipes: usize) -> bool {
        let line = self.source.line_index(cell.span.start);
        let text = self.source.slice(self.source.line_span(line));
        let trimmed = text.trim_matches(is_blank);
        trimmed
            .strip_prefix(cell.text.as_ref())
            .is_some_and(|rest| {
                rest.chars().all(|c| c == '|' || is_blank(c))
                    && rest.chars().filter(|c| *c == '|').count() >= pipes
            })
    }

    /// Whether a one-cell row stands where a title stands: before any form or between forms
    /// (no form read, or a candidate whose title alone was seen), or as a table row of its own
    /// closed by `||`.
    fn at_title_position(&self, row: &Row<'_>) -> bool {
        let Some(cell) = row.single() else {
            return false;
        };
        self.current.as_ref().is_none_or(|f| !f.established) || self.alone_on_its_line(cell, 2)
    }

    fn new(source: &'s SourceFile, vocab: &'v Vocabulary) -> Self {
        Parser {
            source,
            vocab,
            forms: Vec::new(),
            current: None,
            diags: Vec::new(),
            missing: Vec::new(),
            unrecognized: 0,
            first_title: None,
            pending_year: None,
            wrapped_title_year: None,
            pending_scale: None,
            outside: None,
            in_other_document: false,
            other_document_line: None,
            continuing: false,
            table_department: None,
            labels: LabelCache::new(vocab),
        }
    }

    fn row(&mut self, row: Row<'s>) {
        // Only a row joined from several lines can hold a title line; every other row is read
        // as it is, with nothing allocated.
        if row.columns != Columns::Unknown || row.cells.len() < 2 {
            self.read_row(row);
            return;
        }
        for piece in self.split_at_titles(row) {
            self.read_row(piece);
        }
    }

    fn read_row(&mut self, row: Row<'s>) {
        if row.table_end {
            // The end of an HTML table ends the form whose indicator table it held.
            if self
                .current
                .as_ref()
                .is_some_and(|f| f.section == Section::Table)
            {
                self.finish_form();
            }
            return;
        }
        if row.is_blank() {
            return;
        }
        let first_key = row.cells.first().map(|c| key(&c.text)).unwrap_or_default();
        if row.cells.len() == 1
            && (is_page_furniture(&first_key) || self.vocab.is_furniture(&first_key))
        {
            return;
        }
        // Titles, alone or glued to the first field.
        if row.cells.len() <= 2
            && let Some(t) = title(&first_key, self.vocab)
        {
            let cell_span = row.cells.first().map_or(row.span, |c| c.span);
            if let Some(name) = t.other {
                self.other_document(&name, cell_span);
                return;
            }
            self.in_other_document = false;
            self.first_title.get_or_insert(cell_span);
            self.open_candidate(row.span);
            if let Some(year) = t.year {
                self.set_year(year, cell_span);
            }
            if !t.rest.is_empty()
                && let Some(cell) = row.cells.first()
            {
                // The first field glued to the title: read from the label on.
                let used = first_key.chars().count() - t.rest.chars().count();
                let at = byte_after_key_chars(&cell.text, used);
                let at = glued_label_start(cell.text.get(at..).unwrap_or(""), self.vocab)
                    .map_or(at, |i| at + i);
                if let Some(rest) = split::sub_cell(cell, at..cell.text.len()) {
                    self.loose_cell(rest, row.columns);
                }
            }
            if let Some(second) = row.cells.get(1).cloned() {
                self.loose_cell(second, row.columns);
            }
            return;
        }
        // Another document's title where a title stands (`部门整体绩效目标`, `项目支出绩效自评表`).
        if self.at_title_position(&row)
            && let Some(other) = self
                .vocab
                .other_title(&first_key)
                .or_else(|| self.vocab.glued_other_title(&first_key))
        {
            let name = other.name.clone();
            let cell_span = row.cells.first().map_or(row.span, |c| c.span);
            self.other_document(&name, cell_span);
            return;
        }
        if self.in_other_document {
            return;
        }
        if self
            .vocab
            .is_footer(first_key.trim_start_matches(['-', '•', '·', '*', '—']))
        {
            self.end_form(row.span);
            return;
        }
        let below_table = self
            .current
            .as_ref()
            .is_some_and(|f| f.section == Section::Table);
        if below_table
            && row
                .cells
                .iter()
                .any(|c| self.vocab.is_table_footer(&c.text))
        {
            self.end_form(row.span);
            return;
        }
        if row.cells.len() == 1 {
            if let Some(year) = year_line(&first_key) {
                let span = row.cells.first().map_or(row.span, |c| c.span);
                // Before any form: the year of the form whose title follows. In a form that has
                // its year already: a stray line (a page header), ignored.
                match self.current.as_ref() {
                    Some(form) if form.project.year.is_none() => self.set_year(year, span),
                    Some(_) => {}
                    None => self.pending_year = Some(Spanned::new(year, span)),
                }
                return;
            }
            if let Some(cell) = row.cells.first()
                && let Some(year) = ends_in_year(cell)
            {
                let line = self.source.line_number(row.span.end);
                if self.current.as_ref().is_none_or(|f| !f.established) {
                    self.wrapped_title_year = Some((year, line));
                } else if words_then_year(&cell.text) && self.title_on_line(line) {
                    // `某县另一项目2024年` right above the next form's title, at the end of a
                    // form: that form's heading, not a glued row of this one (its year read as
                    // a deadline gave a false deadline-in-year error).
                    self.wrapped_title_year = Some((year, line));
                    return;
                }
            }
            if let Some(cell) = row.cells.first()
                && let Some(scale) = self.money_unit_line(cell)
            {
                self.set_scale(scale);
                return;
            }
        }
        // A page flattened onto one line: the form starts at its title inside the text
        // (`…附件2秀屿区2025年…绩效目标表项目名称…`).
        if self.current.is_none()
            && let [cell] = row.cells.as_slice()
            && let Some(at) = glued_form_start(&cell.text, self.vocab, false)
        {
            if let Some(head) = split::sub_cell(cell, 0..at) {
                self.note_outside(head.span, 1);
            }
            if let Some(tail) = split::sub_cell(cell, at..cell.text.len()) {
                self.loose_cell(tail, row.columns);
            }
            return;
        }
        // Outside any form, only a 项目名称 with its value opens one (not the header of a list
        // whose columns are 序号 | 项目名称 | 金额).
        if self.current.is_none() {
            let opens = row.cells.iter().enumerate().any(|(k, c)| {
                let is_name = matches!(
                    self.vocab
                        .label_prefix(&c.text)
                        .map(|(m, end)| (m.label, end)),
                    Some((
                        Label::Field {
                            role: FieldRole::Name,
                            ..
                        },
                        _
                    ))
                );
                let glued = self
                    .vocab
                    .label_prefix(&c.text)
                    .is_some_and(|(_, end)| end < c.text.len());
                let next_is_value = row.cells.get(k + 1).is_none_or(|n| {
                    self.labels.label(&n.text).is_none() && self.vocab.column(&n.text).is_none()
                });
                is_name && (glued || next_is_value)
            });
            // The header of an indicator table with no title above it (a department's list of
            // projects, `单位名称 | 项目名称 | … | 一级指标 | 二级指标 | 三级指标 | 指标值`).
            let table_header =
                !row.loose && table::heading(&row.cells, row.columns, self.vocab).is_some();
            if !opens && !table_header {
                self.outside_row(&row);
                return;
            }
            self.open_candidate(row.span);
        }
        self.in_form(row);
    }

    fn in_form(&mut self, row: Row<'s>) {
        let Some(form) = self.current.as_mut() else {
            return;
        };
        form.last_line_end = form.last_line_end.max(row.span.end);
        let section = form.section;
        // A whole header row on one line and the first indicator row on the next, joined
        // because the line after them ends with a run of `||` (rows cut by a line break look
        // so): the header, then the row.
        if !row.loose
            && let Some(at) = self.header_line_over_indicator_line(&row)
        {
            let mut head = row;
            let cells = head.cells.split_off(at);
            let first_column = cells.first().map_or(0, |c| c.column);
            let rest_span = cells
                .iter()
                .map(|c| c.span)
                .reduce(Span::cover)
                .unwrap_or(head.span);
            let rest = Row {
                line: self.source.line_number(rest_span.start),
                span: rest_span,
                cells: cells
                    .into_iter()
                    .map(|mut c| {
                        c.column = c.column.saturating_sub(first_column);
                        c
                    })
                    .collect(),
                columns: head.columns,
                loose: false,
                table_end: head.table_end,
            };
            head.table_end = false;
            head.span = head
                .cells
                .iter()
                .map(|c| c.span)
                .reduce(Span::cover)
                .unwrap_or(head.span);
            self.in_form(head);
            self.in_form(rest);
            return;
        }
        // A table header row.
        if !row.loose
            && let Some((heading, span)) = self.heading_after_run(&row.cells, row.columns, row.span)
        {
            self.start_table(heading, false, span);
            return;
        }
        if section == Section::Header && self.year_field(&row.cells) {
            return;
        }
        // A one-cell row in a header or goals section: label, header word, value or goal text.
        if row.loose && section != Section::Table {
            if let Some(cell) = row.cells.into_iter().next() {
                self.loose_cell(cell, row.columns);
            }
            return;
        }
        if section == Section::Table {
            self.table_row(row);
            return;
        }
        self.flush_header_run();
        let has_label = row.cells.iter().any(|c| {
            self.labels.label_prefix(&c.text).is_some() || self.labels.qualified(&c.text).is_some()
        });
        if has_label {
            self.fields_row(&row);
            return;
        }
        match section {
            Section::Goals(period) => {
                self.goal_cells_in(&row.cells, period, row.columns);
            }
            Section::Header if self.truncated_goals(&row) => {}
            Section::Header => {
                let established = self.current.as_ref().is_some_and(|f| f.established);
                let starts_with_level = row
                    .cells
                    .first()
                    .is_some_and(|c| self.vocab.level(&c.text).is_some());
                if !starts_with_level {
                    if established {
                        self.unrecognized(&row, "无法识别的表头行");
                    } else {
                        // Text after a title, before any field: the page around the form.
                        self.note_outside(row.cells_span(), 1);
                    }
                    return;
                }
                // Indicator rows before (or without) the table heading: read them as a table.
                let year = self.year();
                let mut table = Table::headless();
                let read = table.read_row(
                    &row.cells,
                    row.columns,
                    row.line,
                    row.span,
                    year,
                    self.vocab,
                    &mut self.diags,
                );
                match read {
                    RowRead::Indicator(indicator) => {
                        if let Some(form) = self.current.as_mut() {
                            form.project.indicators.push(*indicator);
                            form.table = Some(table);
                            form.section = Section::Table;
                            form.saw_table = true;
                            form.established = true;
                        }
                    }
                    _ => self.unrecognized(&row, "无法识别的表头行"),
                }
            }
            Section::Table => {}
        }
    }

    /// `主管部门: 324-某局 项目经办人: 某某` in text cut at runs of spaces: a field's value
    /// ends where a label the vocabulary does not know begins (see `trailing_unknown_label`);
    /// that label and its value, if it has one, are an extra field. Whether the value was
    /// given so.
    fn assign_before_unknown_label(
        &mut self,
        m: &LabelMatch,
        written: &str,
        label_span: Span,
        value: &Cell<'s>,
    ) -> bool {
        // Only for the short fields (names, departments, units): a long text such as a
        // 项目概况 has `包括:`-like words of its own.
        if !is_short_field_label(Some(m)) {
            return false;
        }
        let Some((at, colon_end)) = trailing_unknown_label(&value.text) else {
            return false;
        };
        if value
            .text
            .get(at..colon_end)
            .is_none_or(|l| self.labels.label(l).is_some())
        {
            return false;
        }
        let short = |range: std::ops::Range<usize>, most: usize| {
            value
                .text
                .get(range)
                .is_some_and(|t| t.chars().count() <= most)
        };
        if !short(0..at, 40) || !short(colon_end..value.text.len(), 20) {
            return false;
        }
        let Some(before) = split::sub_cell(value, 0..at) else {
            return false;
        };
        self.assign(m, written, label_span, std::slice::from_ref(&before), None);
        if let Some(label) = split::sub_cell(value, at..colon_end)
            && let Some(rest) = split::sub_cell(value, colon_end..value.text.len())
        {
            let extra = LabelMatch {
                label: Label::Field {
                    role: FieldRole::Extra,
                    fallback: false,
                },
                scale: None,
                key: key(&label.text).into_owned(),
            };
            let written = extra.key.clone();
            self.assign(
                &extra,
                &written,
                label.span,
                std::slice::from_ref(&rest),
                None,
            );
        }
        true
    }

    /// The budget year as a field of its own: `年度 | 2025`, `预算年度：2025年`. Its labels are
    /// not in the vocabulary: `年度` is a word of funds headings and goal labels, and in glued
    /// text it would cut `年度总体目标`-like words. So only a row of just the label and a year is
    /// read, and a year the title gave is kept.
    fn year_field(&mut self, cells: &[Cell<'s>]) -> bool {
        let (label, value) = match cells {
            [label, value] => (key(&label.text), value),
            [one] => {
                let k = key(&one.text);
                let Some((label, _)) = k.split_once(':') else {
                    return false;
                };
                (std::borrow::Cow::Owned(label.to_owned()), one)
            }
            _ => return false,
        };
        if !YEAR_LABELS.contains(&label.as_ref()) {
            return false;
        }
        let value_key = key(&value.text);
        let value_key = value_key
            .split_once(':')
            .filter(|_| cells.len() == 1)
            .map_or(value_key.as_ref(), |(_, v)| v);
        let digits = |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit());
        let Some(year) = year_line(value_key)
            .or_else(|| digits(value_key).then(|| value_key.parse().ok()).flatten())
        else {
            return false;
        };
        let (title, near_title) = self.current.as_ref().map_or((None, None), |f| {
            let at = |y: &Spanned<i32>| (y.value, y.span);
            (
                f.project.year.as_ref().map(at),
                f.wrapped_year.as_ref().map(at),
            )
        });
        // The title's year is kept over the field's; the field's over a year written near the
        // title (a line before it, a wrapped title). A field that says another year than the
        // one kept or overridden is said, at both places, not dropped.
        let (kept, other, other_year) = match (title, near_title) {
            (Some((t, at)), _) => (t, at, year),
            (None, near) => {
                self.set_year(year, value.span);
                match near {
                    Some((w, at)) => (year, at, w),
                    None => return true,
                }
            }
        };
        if kept != other_year {
            let (message, mark, help) = if title.is_some() {
                (
                    format!("“{label}”一栏写的是 {year} 年，与标题的 {kept} 年度不一致"),
                    format!("标题：{kept} 年度"),
                    format!("按标题的 {kept} 年度检查（时效指标的日期等）；请核对哪一处是对的"),
                )
            } else {
                (
                    format!("“{label}”一栏写的是 {year} 年，与标题处的 {other_year} 年不一致"),
                    format!("标题处：{other_year} 年"),
                    format!(
                        "按“{label}”一栏的 {year} 年度检查（时效指标的日期等）；请核对哪一处是对的"
                    ),
                )
            };
            self.diags.push(
                Diagnostic::warning("parse::conflicting-year", message)
                    .with_primary(value.span, Some(format!("{year} 年")))
                    .with_label(other, mark)
                    .with_help(help),
            );
        }
        true
    }

    /// A row whose first cell is what a merged, vertically written label left of `年度总体目标`
    /// (`年度`, `总`), followed by long text: the goals.
    fn truncated_goals(&mut self, row: &Row<'s>) -> bool {
        let [first, rest @ ..] = row.cells.as_slice() else {
            return false;
        };
        let k = key(&first.text);
        let long = !rest.is_empty() && rest.iter().any(|c| c.text.chars().count() >= 12);
        if !long || k.chars().count() > 3 || !self.vocab.is_goal_label_prefix(&k) {
            return false;
        }
        if let Some(form) = self.current.as_mut() {
            form.section = Section::Goals(Period::Annual);
        }
        self.goal_cells(rest, Period::Annual);
        true
    }

    /// One cell that stands alone (one cell per line, or a piece of glued text) in the header
    /// or goals of a form, or before any form.
    fn loose_cell(&mut self, cell: Cell<'s>, columns: Columns) {
        let mut pieces = GluedPieces::new(cell.text.clone());
        let mut next = Some(cell);
        // The line before ended with a field's label: this whole line is its value.
        let mut value_line = self.awaits_field_value();
        // Glued text is read a piece at a time: each piece may change what the rest is (a goals
        // label makes it goal text, a header makes it table rows, a title starts a new form).
        while let Some(cell) = next.take() {
            let whole_value_line = std::mem::take(&mut value_line);
            if self.current.is_none() {
                self.open_candidate(cell.span);
            }
            let section = self.current.as_ref().map_or(Section::Header, |f| f.section);
            if section == Section::Table {
                self.table_cell(cell, columns);
                return;
            }
            let k = pieces.key(&cell.text);
            // A title, alone or glued to the first field.
            if let Some(t) = title(&k, self.vocab) {
                if let Some(name) = t.other {
                    self.other_document(&name, cell.span);
                    return;
                }
                self.first_title.get_or_insert(cell.span);
                self.open_candidate(cell.span);
                if let Some(year) = t.year {
                    self.set_year(year, cell.span);
                }
                if !t.rest.is_empty() {
                    let used = k.chars().count() - t.rest.chars().count();
                    let at = byte_after_key_chars(&cell.text, used);
                    let at = glued_label_start(cell.text.get(at..).unwrap_or(""), self.vocab)
                        .map_or(at, |i| at + i);
                    next = split::sub_cell(&cell, at..cell.text.len());
                }
                continue;
            }
            // A whole header row in one line (`一级指标 二级指标 三级指标 指标值`, glued or
            // spaced): the table starts, in rows (each line one row).
            if let Some((header, rest)) = pieces
                .header_start(&cell.text, self.vocab)
                .and_then(|start| header_in_cell_from(&cell, start, self.vocab))
            {
                let span = header
                    .iter()
                    .map(|c| c.span)
                    .reduce(Span::cover)
                    .unwrap_or(cell.span);
                let found = self.heading_after_run(&header, Columns::Drifting, span);
                if let Some((heading, span)) = found {
                    self.start_table(heading, false, span);
                    if let Some(rest) =
                        rest.and_then(|r| split::sub_cell(&cell, r..cell.text.len()))
                    {
                        self.table_cell(rest, columns);
                    }
                    return;
                }
            }
            // A label built on one (`区县主管部门`) is no text with a label glued inside.
            if !self.awaits_field_value()
                && matches!(
                    self.labels.qualified(&cell.text),
                    Some((_, Qualified::Sure))
                )
            {
                self.one_loose_cell(cell, columns);
                return;
            }
            // The next form glued after this text, or the next label or header word.
            let form_start = glued_form_start(&cell.text, self.vocab, false);
            let cut = first_glued_cut(&cell, section, self.vocab).filter(|(_, tail)| {
                // The value of the field on the line before, ending in a label's words
                // (`项目名称` / `…公益项目资金`): a label glued last, with nothing after it, is
                // part of the value, not the start of an empty field. (Not so after a label
                // glued in the same line: `…2023-12-31项目总投资` / `174.78万元` in OCR text.)
                !(whole_value_line
                    && cell
                        .text
                        .get(*tail..)
                        .is_some_and(|rest| self.vocab.label(rest).is_some()))
            });
            // … or begins with a funds line's word glued to more words (`项目类型` /
            // `其他事业发展性支出`): no funds line, the value.
            let cut = cut.filter(|(head_end, tail)| {
                !(whole_value_line
                    && head_end == tail
                    && self.funds_word_glued_to_words(&cell.text, *head_end))
            });
            // … but a sentence before any field of a form that says 绩效目标 in passing
            // (`对我局2024年项目支出绩效目标进行公开`, on a page under a heading that repeats
            // the form's title) is page text, not a form's goals.
            let cut = cut.filter(|(head_end, tail)| {
                !self.sentence_naming_goals(&cell.text, *head_end, *tail)
            });
            match (form_start, cut) {
                (Some(f), c) if c.is_none_or(|(_, tail)| f <= tail) => {
                    if let Some(head) = split::sub_cell(&cell, 0..f) {
                        self.one_loose_cell(head, columns);
                    }
                    if let Some(tail) = split::sub_cell(&cell, f..cell.text.len()) {
                        self.end_form(tail.span);
                        next = Some(tail);
                    }
                }
                (_, Some((head_end, tail))) => {
                    if let Some(head) = split::sub_cell(&cell, 0..head_end) {
                        self.one_loose_cell(head, columns);
                    }
                    next = split::sub_cell(&cell, tail..cell.text.len());
                }
                _ => self.one_loose_cell(cell, columns),
            }
        }
    }

    fn one_loose_cell(&mut self, cell: Cell<'s>, columns: Columns) {
        let k = key(&cell.text);
        // A header word of the indicator table, one per line: 一级/二级/三级/指标值 or 绩效指标
        // start a header; other words (说明, 权重 …) only continue one.
        if let Some(col) = self.vocab.column(&cell.text) {
            let run = self
                .current
                .as_ref()
                .is_some_and(|f| !f.header_run.cells.is_empty());
            let starts = matches!(
                col.role,
                ColumnRole::Level1
                    | ColumnRole::Level2
                    | ColumnRole::Name
                    | ColumnRole::Value
                    | ColumnRole::MidtermValue
                    | ColumnRole::Group
            );
            if run || starts && self.labels.label(&cell.text).is_none() {
                self.drop_pending();
                if let Some(form) = self.current.as_mut() {
                    form.last_field = None;
                    form.header_run.cells.push(cell);
                }
                return;
            }
        }
        self.flush_header_run();
        if self
            .current
            .as_ref()
            .is_some_and(|f| f.section == Section::Table)
        {
            self.table_cell(cell, columns);
            return;
        }
        // A score written beside a section (`10分`, `(40-50)分`): nothing to read.
        if split::score_len(&cell.text) == cell.text.len() {
            return;
        }
        if let Some(year) = year_line(&k) {
            if self
                .current
                .as_ref()
                .is_some_and(|f| f.project.year.is_none())
            {
                self.set_year(year, cell.span);
            }
            return;
        }
        if let Some(scale) = self.money_unit_line(&cell) {
            self.set_scale(scale);
            return;
        }
        let in_goals = matches!(
            self.current.as_ref().map(|f| f.section),
            Some(Section::Goals(_))
        );
        // In goal text a label counts only in a short cell that is not a sentence (a goal may
        // mention 资金总额).
        let label = if in_goals {
            let sentence = cell.text.chars().count() > 40 || cell.text.trim_end().ends_with('。');
            self.vocab
                .label(&cell.text)
                .map(|m| (m, cell.text.len()))
                .or_else(|| {
                    (!sentence)
                        .then(|| self.labels.label_prefix(&cell.text))
                        .flatten()
                        .filter(|(m, _)| m.key.chars().count() >= 4)
                        // Goal text that merely begins with a label's words (`年度金额及时到位…`)
                        // runs on without a break; a label glued to its value has a colon, a
                        // blank or a number after it.
                        .filter(|(_, end)| {
                            cell.text
                                .get(*end..)
                                .and_then(|r| r.chars().next())
                                .is_none_or(|c| {
                                    is_blank(c)
                                        || c.is_ascii_digit()
                                        || matches!(c, ':' | '：' | '(' | '（')
                                })
                                || cell
                                    .text
                                    .get(..*end)
                                    .is_some_and(|l| l.ends_with([':', '：']))
                        })
                })
        } else {
            // A label built on one (`年度预算资金总额`, `区县主管部门`) is read whole, not cut at
            // the label it starts with.
            match self.labels.qualified(&cell.text) {
                Some((m, Qualified::Sure)) if !self.awaits_field_value() => {
                    Some((m, cell.text.len()))
                }
                Some(_) if self.awaits_field_value() => None,
                _ => self.labels.label_prefix(&cell.text),
            }
        };
        // The value of the field on the line before that begins with a funds line's word
        // (`项目类型` / `其他事业发展性支出`): a funds label glued to words, not to an amount.
        let label = label.filter(|(_, end)| {
            !(self.awaits_field_value() && self.funds_word_glued_to_words(&cell.text, *end))
        });
        // A category name that is also a funds line (`资金性质 一般公共预算`, `项目级次 市本级`):
        // the value of the label before it.
        let label = label.filter(|(m, end)| {
            let value_of_extra = matches!(
                m.label,
                Label::Funds {
                    role: crate::model::FundsRole::Source | crate::model::FundsRole::OwnLevel,
                    ..
                }
            ) && *end == cell.text.len()
                && self.current.as_ref().is_some_and(|f| {
                    f.pending.as_ref().is_some_and(|p| {
                        matches!(
                            p.label.label,
                            Label::Field {
                                role: FieldRole::Extra,
                                ..
                            }
                        )
                    })
                });
            !value_of_extra
        });
        if let Some((m, end)) = label {
            self.drop_pending_before(&m);
            self.flush_goal_queue_if_leaving(&m);
            if !matches!(m.label, Label::Goals(_))
                && let Some(form) = self.current.as_mut()
                && matches!(form.section, Section::Goals(_))
            {
                form.section = Section::Header;
            }
            let label_cell = split::sub_cell(&cell, 0..end);
            let value = split::sub_cell(&cell, end..cell.text.len());
            let written = label_cell
                .as_ref()
                .map_or_else(|| k.to_string(), |c| key(&c.text).into_owned());
            let label_span = label_cell.map_or(cell.span, |c| c.span);
            if let Some(form) = self.current.as_mut() {
                form.last_field = None;
                // A label on a line of its own is a form's field (a title alone is not enough).
                if !matches!(m.label, Label::MoneyUnit) {
                    form.established = true;
                }
            }
            if !m.label.takes_value() {
                self.heading_label(&m);
                return;
            }
            // `主管部门: 324-某局 项目经办人: 某某`: the value ends where a label the vocabulary
            // does not know begins; that label and its value are an extra field.
            if let Some(v) = &value
                && self.assign_before_unknown_label(&m, &written, label_span, v)
            {
                return;
            }
            // An amount with more text glued after it: the text is the next piece.
            let (value, tail) = match value {
                Some(v) if matches!(m.label, Label::Funds { .. }) => {
                    let text = v.text.trim();
                    match leading_amount_len(text) {
                        Some(end)
                            if end < text.len() && parse_amount(text, Decimal::ONE).is_err() =>
                        {
                            let lead = v.text.len() - v.text.trim_start().len();
                            (
                                split::sub_cell(&v, 0..lead + end),
                                split::sub_cell(&v, lead + end..v.text.len()),
                            )
                        }
                        _ => (Some(v), None),
                    }
                }
                v => (v, None),
            };
            if let Some(tail) = tail {
                if let Some(value) = value {
                    self.assign(&m, &written, label_span, std::slice::from_ref(&value), None);
                }
                self.loose_cell(tail, columns);
                return;
            }
            match value {
                Some(value) => {
                    let remember = matches!(m.label, Label::Field { .. });
                    self.assign(&m, &written, label_span, std::slice::from_ref(&value), None);
                    if remember && let Some(form) = self.current.as_mut() {
                        form.last_field = Some(LastField {
                            label: m,
                            written,
                            label_span,
                            cells: vec![value],
                        });
                    }
                }
                None => {
                    self.heading_label(&m);
                    if let Some(form) = self.current.as_mut() {
                        // Goal labels switch to goal text at once; the texts come next.
                        if let Label::Goals(period) = m.label {
                            form.section = Section::Goals(period);
                            form.established = true;
                            let generic = GENERIC_GOAL_LABELS;
                            if form
                                .goal_columns
                                .last()
                                .is_some_and(|_| form.goal_queue.is_empty())
                                && form.last_goal_label_generic
                            {
                                form.goal_columns.pop();
                            }
                            form.last_goal_label_generic = generic.contains(&m.key.as_str());
                            let column = form.goal_columns.len();
                            form.goal_columns.push((period, column));
                            return;
                        }
                        form.pending = Some(PendingLabel {
                            label: m,
                            cell_span: label_span,
                            written,
                        });
                    }
                }
            }
            return;
        }
        // The value of the label on the line before.
        let pending = self.current.as_mut().and_then(|f| f.pending.take());
        // A funds label's value is an amount: an amount with text glued after it is cut there
        // (`174.78万元中央补…`), other text is something else (the label's cell was empty).
        let pending = match pending {
            Some(p) if matches!(p.label.label, Label::Funds { .. }) => {
                let text = cell.text.trim();
                match leading_amount_len(text) {
                    Some(end) if end < text.len() && parse_amount(text, Decimal::ONE).is_err() => {
                        let lead = cell.text.len() - cell.text.trim_start().len();
                        if let (Some(head), tail) = (
                            split::sub_cell(&cell, 0..lead + end),
                            split::sub_cell(&cell, lead + end..cell.text.len()),
                        ) {
                            self.assign(
                                &p.label,
                                &p.written,
                                p.cell_span,
                                std::slice::from_ref(&head),
                                None,
                            );
                            if let Some(tail) = tail {
                                self.loose_cell(tail, columns);
                            }
                            return;
                        }
                        Some(p)
                    }
                    Some(_) => Some(p),
                    None if text.starts_with(|c: char| c.is_ascii_digit()) => Some(p),
                    None => {
                        self.report_missing(&p);
                        None
                    }
                }
            }
            p => p,
        };
        if let Some(pending) = pending {
            if self.assign_before_unknown_label(
                &pending.label,
                &pending.written,
                pending.cell_span,
                &cell,
            ) {
                return;
            }
            let remember = matches!(pending.label.label, Label::Field { .. });
            self.assign(
                &pending.label,
                &pending.written,
                pending.cell_span,
                std::slice::from_ref(&cell),
                None,
            );
            if remember && let Some(form) = self.current.as_mut() {
                form.last_field = Some(LastField {
                    label: pending.label,
                    written: pending.written,
                    label_span: pending.cell_span,
                    cells: vec![cell],
                });
            }
            return;
        }
        match self.current.as_ref().map(|f| f.section) {
            Some(Section::Goals(_)) => self.goal_stream_text(cell),
            _ => {
                // More of the field on the line before (a value wrapped over lines), or a line
                // that fits nowhere.
                let established = self.current.as_ref().is_some_and(|f| f.established);
                let punctuation_only = !cell.text.chars().any(|c| c.is_alphanumeric());
                if !established {
                    // Text after a title, before any field: the page around the form.
                    self.note_outside(cell.span, 1);
                } else if punctuation_only {
                    // `(`, `;` left between the pieces of glued text.
                } else if !self.scale_from_unknown_label(&cell) && !self.continue_field(&cell) {
                    // (A cell stating the funds' unit is no wrapped part of the value above.)
                    self.unrecognized_cell(&cell, "无法识别的内容");
                }
            }
        }
    }

    /// Goal texts end where a label other than a goal label begins.
    fn flush_goal_queue_if_leaving(&mut self, m: &LabelMatch) {
        if !matches!(m.label, Label::Goals(_)) {
            self.flush_goal_queue();
        }
    }

    /// A line right after a text field's value, with no label: the value wrapped over lines.
    fn continue_field(&mut self, cell: &Cell<'s>) -> bool {
        let Some(mut last) = self.current.as_mut().and_then(|f| f.last_field.take()) else {
            return false;
        };
        let ends = last
            .cells
            .last()
            .is_some_and(|c| c.text.trim_end().ends_with(['。', '；', ';', ':', '：']));
        // A line opening with a word and a colon (`经办人: 某某`) is a label the vocabulary does
        // not know, not more of a name or a department.
        let opens_with_label =
            is_short_field_label(Some(&last.label)) && han_word_and_colon(&cell.text).is_some();
        if ends
            || opens_with_label
            || cell.text.chars().count() > 40
            || last.cells.len() >= MAX_WRAPPED_CELLS
        {
            return false;
        }
        if let Some(form) = self.current.as_mut()
            && matches!(
                last.label.label,
                Label::Field {
                    role: FieldRole::Extra,
                    ..
                } | Label::Field { fallback: true, .. }
            )
        {
            // The extra field is read again whole.
            if form
                .project
                .extra
                .last()
                .is_some_and(|e| e.label == last.written)
            {
                form.project.extra.pop();
            }
        }
        last.cells.push(cell.clone());
        let joined: Vec<Cell<'s>> = vec![join_wrapped(&last.cells)];
        if let Some(form) = self.current.as_mut()
            && let Label::Field {
                role: FieldRole::Department,
                fallback: true,
            } = last.label.label
        {
            form.fallback_department = None;
        }
        // The same field read again whole: its name does not start another form.
        if let Some(form) = self.current.as_mut()
            && matches!(
                last.label.label,
                Label::Field {
                    role: FieldRole::Name,
                    ..
                }
            )
        {
            form.project.name = None;
        }
        self.continuing = true;
        self.assign(&last.label, &last.written, last.label_span, &joined, None);
        self.continuing = false;
        if let Some(form) = self.current.as_mut() {
            form.last_field = Some(last);
        }
        true
    }

    /// A label whose value cell is empty: said at the label (the line is kept in the funds).
    fn report_missing(&mut self, pending: &PendingLabel) {
        let m = &pending.label;
        if let Some(form) = self.current.as_mut() {
            form.empty_labels.push(m.label);
        }
        if matches!(
            m.label,
            Label::MoneyUnit
                | Label::FundsHeading
                | Label::Field {
                    role: FieldRole::Extra,
                    ..
                }
        ) {
            return;
        }
        // Forms leave 其他资金 and 上级补助 blank when there are none; the funds rules read a
        // blank there as 0, so it is no finding.
        let optional_line = matches!(
            m.label,
            Label::Funds {
                role: crate::model::FundsRole::Other
                    | crate::model::FundsRole::Superior
                    | crate::model::FundsRole::Source,
                ..
            }
        );
        if !optional_line {
            self.diags.push(
                Diagnostic::warning(
                    "parse::missing-value",
                    format!("“{}”一栏没有填写内容", display_label(m, &pending.written)),
                )
                .with_primary(pending.cell_span, Some("这一栏的值为空".into())),
            );
        }
        if let Label::Funds { role, period } = m.label
            && let Some(form) = self.current.as_mut()
        {
            form.funds.add(
                Spanned::new(pending.written.clone(), pending.cell_span),
                role,
                period,
                None,
                None,
                None,
            );
        }
    }

    /// A label still waiting for its value when the label `next` comes on the next line: a
    /// total with no amount right before another total (`预算金额` / `总金额` / `50万元` /
    /// `当年度金额` / `50万元`) heads the lines under it, and is no empty line.
    fn drop_pending_before(&mut self, next: &LabelMatch) {
        let is_total = |m: &LabelMatch| {
            matches!(
                m.label,
                Label::Funds {
                    role: crate::model::FundsRole::Total,
                    ..
                }
            )
        };
        if is_total(next)
            && let Some(form) = self.current.as_mut()
            && form.pending.as_ref().is_some_and(|p| is_total(&p.label))
        {
            form.pending = None;
            return;
        }
        self.drop_pending();
    }

    /// A label still waiting for its value gets none.
    fn drop_pending(&mut self) {
        if let Some(pending) = self.current.as_mut().and_then(|f| f.pending.take()) {
            self.report_missing(&pending);
        }
    }

    /// A label that takes no value of its own (a funds heading `项目资金(万元)`).
    fn heading_label(&mut self, m: &LabelMatch) {
        if let Some(scale) = m.scale {
            self.set_scale_from_label(scale);
        }
        if let Some(form) = self.current.as_mut()
            && matches!(m.label, Label::FundsHeading | Label::Funds { .. })
        {
            form.established = true;
        }
    }

    /// Where the indicator row begins in a row made of a whole header line (every cell a header
    /// word, 指标值 among them) and a line that starts with a level's name (`产出指标`).
    fn header_line_over_indicator_line(&self, row: &Row<'s>) -> Option<usize> {
        // Most rows are one line: looked at before any cell is.
        if row.cells.len() < 4
            || memchr::memchr(b'\n', self.source.slice(row.span).as_bytes()).is_none()
        {
            return None;
        }
        let first_line = self.source.line_number(row.cells.first()?.span.start);
        let at = row
            .cells
            .iter()
            .position(|c| self.source.line_number(c.span.start) != first_line)?;
        let (head, rest) = row.cells.split_at(at);
        let starts_with_level = rest
            .first()
            .is_some_and(|c| self.vocab.level(&c.text).is_some());
        if !starts_with_level || rest.len() < 2 {
            return None;
        }
        let heading = table::heading(head, row.columns, self.vocab)?;
        (heading.unknown.is_empty() && heading.layout.has_values()).then_some(at)
    }

    /// Collected header words (one per line) become the table's header row.
    /// The heading `cells` make, with the header words a wrapped header left on lines of their
    /// own before them (`一级` / `指标` / `二级指标 三级指标 指标值`); words that do not fit are
    /// reported.
    fn heading_after_run(
        &mut self,
        cells: &[Cell<'s>],
        columns: Columns,
        span: Span,
    ) -> Option<(table::Heading, Span)> {
        let heading = table::heading(cells, columns, self.vocab)?;
        let pending = self
            .current
            .as_mut()
            .map(|f| std::mem::take(&mut f.header_run.cells))
            .unwrap_or_default();
        if !pending.is_empty() {
            let joined: Vec<Cell<'s>> = pending
                .iter()
                .chain(cells)
                .cloned()
                .enumerate()
                .map(|(i, mut c)| {
                    c.column = i;
                    c
                })
                .collect();
            if let Some(whole) = table::heading(&joined, Columns::Drifting, self.vocab) {
                let span = pending.iter().map(|c| c.span).fold(span, Span::cover);
                return Some((whole, span));
            }
            if let Some(form) = self.current.as_mut() {
                form.header_run.cells = pending;
            }
            self.flush_header_run();
        }
        Some((heading, span))
    }

    fn flush_header_run(&mut self) {
        let Some(form) = self.current.as_mut() else {
            return;
        };
        if form.header_run.cells.is_empty() {
            return;
        }
        let cells: Vec<Cell<'s>> = std::mem::take(&mut form.header_run.cells)
            .into_iter()
            .enumerate()
            .map(|(i, mut c)| {
                c.column = i;
                c
            })
            .collect();
        let span = cells
            .iter()
            .map(|c| c.span)
            .reduce(Span::cover)
            .unwrap_or_default();
        match table::heading(&cells, Columns::Drifting, self.vocab) {
            Some(heading) => self.start_table(heading, true, span),
            None => {
                for cell in &cells {
                    self.unrecognized_cell(cell, "单独出现的表头文字");
                }
            }
        }
    }

    fn start_table(&mut self, heading: table::Heading, streamed: bool, span: Span) {
        self.flush_goal_queue();
        self.table_department = None;
        if self.current.as_ref().is_some_and(|f| f.saw_table) {
            // A second table under a target form's with a self-evaluation's columns: the target
            // form ends here and a 自评表 follows (the page prints both, the second untitled).
            if let Some((score, result)) = self.self_evaluation_columns(&heading.unknown) {
                self.finish_form();
                self.in_other_document = true;
                self.other_document_line = Some(self.source.line_number(span.end));
                self.diags.push(self_evaluation_note(score, result));
                return;
            }
        } else {
            for unknown in &heading.unknown {
                self.note_self_evaluation_word(*unknown, self.source.slice(*unknown));
            }
        }
        let unreadable = !heading.layout.has_values();
        for unknown in heading.unknown.iter().filter(|_| !unreadable) {
            let text = crate::diagnostic::quoted(self.source.slice(*unknown)).into_owned();
            self.diags.push(
                Diagnostic::warning(
                    "parse::unrecognized-cell",
                    format!("指标表表头中无法识别的栏目“{text}”"),
                )
                .with_primary(*unknown, Some("不是已知的表头".into()))
                .with_help("这一列的内容不会被读取；如果它是常见的栏目，请在 jixiao.toml 的 [reader] 中把它加为表头词"),
            );
        }
        self.drop_pending();
        let Some(form) = self.current.as_mut() else {
            return;
        };
        form.established = true;
        form.saw_table = true;
        form.last_line_end = form.last_line_end.max(span.end);
        if !heading.layout.has_values() {
            form.project.indicators_read = false;
            let primary = heading.unknown.first().copied().unwrap_or(span);
            let mut d = Diagnostic::error(
                "parse::unreadable-table",
                "指标表没有可以识别的“指标值”列，无法读取指标",
            )
            .with_primary(primary, Some("不是已知的表头".into()))
            .with_help("依赖指标的规则不检查这张表；如果指标值写在这些栏目中，请在 jixiao.toml 的 [reader].columns 中把它们加为 value");
            for unknown in heading.unknown.iter().skip(1).take(8) {
                d = d.with_label(*unknown, "不是已知的表头");
            }
            self.diags.push(d);
            form.section = Section::Table;
            form.table = None;
            return;
        }
        if let Some(value) = heading.layout.value_before_name() {
            form.project.indicators_read = false;
            self.diags.push(
                Diagnostic::error(
                    "parse::unreadable-table",
                    "指标表的“指标值”列在三级指标列之前，无法按列读取指标",
                )
                .with_primary(value, Some("指标值列在名称列之前".into()))
                .with_help("依赖指标的规则不检查这张表；请按 一级指标、二级指标、三级指标、指标值 的列序整理表格后再检查"),
            );
            form.section = Section::Table;
            form.table = None;
            return;
        }
        form.table = Some(Table::new(heading.layout, streamed));
        form.section = Section::Table;
    }

    /// A row under the indicator table's header.
    fn table_row(&mut self, row: Row<'s>) {
        // A second 项目名称 starts the next form (no title between them).
        let restarts = row.cells.first().is_some_and(|c| {
            matches!(
                self.labels.label_prefix(&c.text).map(|(m, _)| m.label),
                Some(Label::Field {
                    role: FieldRole::Name,
                    ..
                })
            ) && self.vocab.level(&c.text).is_none()
        }) && !self
            .current
            .as_ref()
            .and_then(|f| f.table.as_ref())
            .is_some_and(|t| t.layout.holds_projects());
        if restarts {
            self.open_form(row.span);
            self.in_form(row);
            return;
        }
        let streamed = self
            .current
            .as_ref()
            .and_then(|f| f.table.as_ref())
            .is_some_and(Table::is_streamed);
        if row.loose || streamed {
            for cell in row.cells {
                self.table_cell(cell, row.columns);
            }
            return;
        }
        self.read_table_row(&row.cells, row.columns, row.line, row.span);
    }

    /// One cell of a table given one cell per line (or a one-cell row of any table).
    fn table_cell(&mut self, cell: Cell<'s>, columns: Columns) {
        // Another header row inside the table's text (a second table: 年度 after 长期).
        if let Some(at) = header_start_in(&cell.text, self.vocab) {
            if at > 0
                && let Some(before) = split::sub_cell(&cell, 0..at)
            {
                self.table_cell(before, columns);
            }
            if let Some(after) = split::sub_cell(&cell, at..cell.text.len())
                && let Some((header, rest)) = header_in_cell(&after, self.vocab)
                && let Some(heading) = table::heading(&header, Columns::Drifting, self.vocab)
            {
                let streamed = self
                    .current
                    .as_ref()
                    .and_then(|f| f.table.as_ref())
                    .is_some_and(Table::is_streamed);
                self.finish_table();
                let span = header
                    .iter()
                    .map(|c| c.span)
                    .reduce(Span::cover)
                    .unwrap_or(after.span);
                self.start_table(heading, streamed, span);
                if let Some(rest) = rest.and_then(|r| split::sub_cell(&after, r..after.text.len()))
                {
                    self.table_cell(rest, columns);
                }
            }
            return;
        }
        // A title or a 项目名称 glued into table text: the next form starts there.
        if let Some(at) = glued_form_start(&cell.text, self.vocab, true) {
            if let Some(before) = split::sub_cell(&cell, 0..at) {
                self.table_cell(before, columns);
            }
            if let Some(after) = split::sub_cell(&cell, at..cell.text.len()) {
                self.end_form(after.span);
                self.loose_cell(after, columns);
            }
            return;
        }
        let year = self.year();
        let Some(form) = self.current.as_mut() else {
            return;
        };
        let Some(table) = form.table.as_mut() else {
            // A table that could not be read: its rows are part of it.
            return;
        };
        let streamed = table.is_streamed();
        if !streamed && let Some(cells) = table.typed_words(&cell, year, self.vocab) {
            let span = cell.span;
            let line = self.source.line_number(span.start);
            self.read_table_row(&cells, Columns::Drifting, line, span);
            return;
        }
        if streamed || table.holds_several_rows(&cell, year, self.vocab) {
            // Several rows glued into one cell come apart here; rows of a table given one cell
            // per line are assembled as the cells come.
            let glued = !streamed || cell.text.chars().count() > 40;
            let rows = table.stream_cell(cell, year, self.vocab);
            for cells in rows {
                let span = cells
                    .iter()
                    .map(|c| c.span)
                    .reduce(Span::cover)
                    .unwrap_or_default();
                let line = self.source.line_number(span.start);
                self.read_table_row_from(&cells, Columns::Unknown, line, span, glued);
            }
            return;
        }
        let span = cell.span;
        let line = self.source.line_number(span.start);
        self.read_table_row(std::slice::from_ref(&cell), columns, line, span);
    }

    fn read_table_row(&mut self, cells: &[Cell<'s>], columns: Columns, line: usize, span: Span) {
        self.read_table_row_from(cells, columns, line, span, false);
    }

    fn read_table_row_from(
        &mut self,
        cells: &[Cell<'s>],
        columns: Columns,
        line: usize,
        span: Span,
        glued: bool,
    ) {
        let year = self.year();
        if self.current.as_ref().is_none_or(|f| f.table.is_none()) {
            return;
        }
        if self.joins_wrapped_tail(cells, columns, line, year) {
            return;
        }
        // Short `|` rows that lost their leading cells and so their look of a whole row
        // (`质量指标 | 100% |` over `时效指标 | 全年 |`) are joined as one row cut by line
        // breaks: a level name opening a line after a value opens the next row. And a
        // flattened table whose row fills every column has no end mark: the next row ran on.
        let split_at = (columns != Columns::Exact)
            .then(|| self.row_opened_after_value(cells, year))
            .flatten()
            .or_else(|| {
                let table = self.current.as_ref()?.table.as_ref()?;
                (columns == Columns::Unknown)
                    .then(|| table.overrun_at(cells, year, self.vocab))
                    .flatten()
            });
        if let Some(at) = split_at
            && let (Some(first), Some(rest)) = (cells.get(..at), cells.get(at..))
        {
            let cover = |cells: &[Cell<'_>]| cells.iter().map(|c| c.span).reduce(Span::cover);
            let first_span = cover(first).unwrap_or(span);
            let rest_span = cover(rest).unwrap_or(span);
            let rest_line = self.source.line_number(rest_span.start);
            self.read_table_row_from(first, columns, line, first_span, glued);
            self.read_table_row_from(rest, columns, rest_line, rest_span, glued);
            return;
        }
        let Some(form) = self.current.as_mut() else {
            return;
        };
        let Some(table) = form.table.as_mut() else {
            return;
        };
        let before = self.diags.len();
        let read = table.read_row_from(
            cells,
            columns,
            line,
            span,
            year,
            self.vocab,
            glued,
            &mut self.diags,
        );
        if matches!(read, RowRead::Nothing) && self.diags.len() > before {
            form.unread_rows += 1;
        }
        match read {
            RowRead::Indicator(indicator) => {
                if let Some(form) = self.current.as_mut() {
                    form.project.indicators.push(*indicator);
                }
            }
            RowRead::Project(project, indicator) => {
                self.project_row(project);
                if let Some(indicator) = indicator
                    && let Some(form) = self.current.as_mut()
                {
                    form.project.indicators.push(*indicator);
                }
            }
            RowRead::Subtotal(Some(first)) => {
                // `820-马踏镇部门 | 8,827,620.53`: the department of the projects that follow.
                if let (Some(_), Some(_)) = split_department(&first) {
                    self.table_department = Some(first);
                }
            }
            RowRead::Subtotal(None) | RowRead::Nothing => {}
        }
    }

    /// The end of the cell above, wrapped onto a line of its own by the PDF's column width, is
    /// joined to the indicator above rather than read as a row of its own — which gave a name
    /// with no value (a false `没有填写指标值`): `2025年12月31` + `日前` and `≥90` + `%` under the
    /// 指标值 (the joined value must read, and read otherwise than the part above: a date now
    /// `前`, a number now a percent), `一卡通应用知晓` + `率` under the 三级 of a tab or `|`
    /// table (one or two characters, a row above with its value).
    fn joins_wrapped_tail(
        &mut self,
        cells: &[Cell<'s>],
        columns: Columns,
        line: usize,
        year: Option<i32>,
    ) -> bool {
        let [tail] = cells else {
            return false;
        };
        let text = tail.text.as_ref();
        if text.chars().count() > 4
            || table::looks_like_value(text, year)
            || self.vocab.level(text).is_some()
            || split::is_level_fragment(text, self.vocab)
            || self.vocab.label(text).is_some()
        {
            return false;
        }
        let source = self.source;
        let Some(form) = self.current.as_mut() else {
            return false;
        };
        let Some(table) = form.table.as_ref() else {
            return false;
        };
        let role = table.layout.role_at(columns, tail.column);
        // Tab rows drift (merged cells), but a lone cell keeps its place well enough to tell a
        // name's column from a value's when nothing else speaks.
        let drifting_role = table.layout.role_near(tail.column);
        let Some(above) = form.project.indicators.last_mut() else {
            return false;
        };
        // The row above ends on the line just before this one.
        if source.line_number(above.span.end.saturating_sub(1)) + 1 != line {
            return false;
        }
        let Some(value) = above.value.as_ref() else {
            return false;
        };
        if matches!(role, None | Some(ColumnRole::Value)) {
            let joined = format!("{}{text}", value.value.text);
            let parsed = crate::read::value_text::parse_value(&joined, year);
            // The part above as the table read it.
            let was = &value.value;
            let reads = parsed.problem.is_none()
                && !matches!(parsed.value.kind, ValueKind::Text | ValueKind::Qualitative);
            // Completed, not lengthened: a date where the part above was none or had no `前`,
            // a number now a percent or given a unit of a character or two — not more words
            // in a unit (`≤7工作日` + `开展质`), not a heading under the table (`1` + `评分标准`).
            let changes = match (was.kind, parsed.value.kind) {
                (ValueKind::Date, ValueKind::Date) => was.by != parsed.value.by,
                (_, ValueKind::Date) => true,
                (ValueKind::Number, ValueKind::Percent) => true,
                (ValueKind::Number, ValueKind::Money) => true,
                (ValueKind::Number, ValueKind::Count) => {
                    (text.chars().count() == 1 && text != "分") || WRAPPED_UNITS.contains(&text)
                }
                _ => false,
            };
            if reads && changes {
                let old_span = value.span;
                // What was said of the part above (`value::unrecognized`) no longer holds.
                self.diags.retain(|d| {
                    !(d.code.starts_with("value::")
                        && d.primary.as_ref().is_some_and(|l| l.span == old_span))
                });
                let span = Span::cover(old_span, tail.span);
                above.value = Some(Spanned::new(parsed.value, span));
                above.span = Span::cover(above.span, tail.span);
                return true;
            }
        }
        let name_column = role.or(match columns {
            Columns::Drifting => drifting_role,
            _ => None,
        }) == Some(ColumnRole::Name);
        if name_column
            && text.chars().count() <= 2
            && text.chars().all(crate::read::value_text::is_han)
        {
            let span = Span::cover(above.name.span, tail.span);
            above.name = Spanned::new(format!("{}{text}", above.name.value), span);
            above.span = Span::cover(above.span, tail.span);
            return true;
        }
        false
    }

    /// Whether an empty cell (`|  |`, two tabs) stands between the last of `cells` and `cell`
    /// in the source: the label before was left empty.
    fn empty_cell_before(&self, cells: &[Cell<'s>], cell: &Cell<'s>) -> bool {
        cells.last().is_some_and(|last| {
            self.source
                .text()
                .get(last.span.end..cell.span.start)
                .is_some_and(|gap| gap.matches(['|', '\t']).nth(1).is_some())
        })
    }

    /// Whether two cells of a row were on different lines of the source (a row joined from
    /// lines).
    fn line_break_between(&self, a: &Cell<'_>, b: &Cell<'_>) -> bool {
        let between = self
            .source
            .text()
            .get(a.span.end..b.span.start)
            .unwrap_or("");
        memchr::memchr(b'\n', between.as_bytes()).is_some()
    }

    /// Where a second row starts in `cells`, joined from lines: the first cell of a line that
    /// is a level name, after a cell of the line before that reads as a value.
    fn row_opened_after_value(&self, cells: &[Cell<'s>], year: Option<i32>) -> Option<usize> {
        // Two tracks side by side repeat the 二级 in the middle of a row; a table of projects
        // opens each with its own cells.
        if self
            .current
            .as_ref()
            .and_then(|f| f.table.as_ref())
            .is_none_or(|t| !t.rows_open_at_levels())
        {
            return None;
        }
        (2..cells.len()).find(|&at| {
            let (Some(before), Some(cell)) = (cells.get(at - 1), cells.get(at)) else {
                return false;
            };
            self.line_break_between(before, cell)
                && self.vocab.level(&cell.text).is_some()
                && table::looks_like_value(&before.text, year)
        })
    }

    /// A project's own cells in a table that holds several projects.
    fn project_row(&mut self, cells: table::ProjectCells<'s>) {
        let has_name = self
            .current
            .as_ref()
            .is_some_and(|f| f.project.name.is_some());
        if has_name {
            // The next project of the same table: a new form with the same header.
            let Some(mut old) = self.current.take() else {
                return;
            };
            let table = old.table.take();
            let year = old.project.year.clone();
            let unit = old.project.money_unit.clone();
            let scale = old.scale;
            let department = old.project.department.clone();
            let fallback = old.fallback_department.clone();
            let opening = cells.fields.first().map_or(old.opening, |(_, c)| c.span);
            self.current = Some(old);
            self.finish_form();
            self.open_candidate(opening);
            if let Some(form) = self.current.as_mut() {
                form.table = table;
                form.section = Section::Table;
                form.saw_table = true;
                form.project.year = year;
                form.project.money_unit = unit;
                form.scale = scale;
                form.project.department = department;
                form.fallback_department = fallback;
                form.established = true;
            }
        }
        if let Some(form) = self.current.as_mut() {
            form.subtotal_department = self.table_department.clone();
        }
        for (label, cell) in cells.fields {
            let m = LabelMatch {
                label,
                scale: None,
                key: String::new(),
            };
            let written = match label {
                Label::Field {
                    role: FieldRole::Name,
                    ..
                } => "项目名称",
                Label::Field { .. } => "单位名称",
                Label::Funds { .. } => "预算数",
                _ => "年度目标",
            };
            let span = cell.span;
            self.assign(&m, written, span, std::slice::from_ref(&cell), None);
        }
        if let Some(form) = self.current.as_mut() {
            form.section = Section::Table;
        }
    }

    fn fields_row(&mut self, row: &Row<'s>) {
        let Some(form) = self.current.as_mut() else {
            return;
        };
        form.last_line_end = form.last_line_end.max(row.span.end);
        form.last_field = None;
        // The value of a label that ended the row before (a two-column layout written out
        // line by line: `0.00      其他资金` / `0.00`).
        let pending = form.pending.take();
        let mut skip_first = false;
        let delimited = row.columns == Columns::Exact
            || memchr::memchr2(b'|', b'\t', self.source.slice(row.span).as_bytes()).is_some();
        if let Some(pending) = pending {
            let first = row.cells.first();
            let fits = first.is_some_and(|c| {
                self.labels.label_prefix(&c.text).is_none()
                    && (!matches!(pending.label.label, Label::Funds { .. })
                        || parse_amount(c.text.trim(), Decimal::ONE).is_ok())
            });
            match first {
                Some(value) if fits => {
                    self.assign(
                        &pending.label,
                        &pending.written,
                        pending.cell_span,
                        std::slice::from_ref(value),
                        None,
                    );
                    skip_first = true;
                }
                _ => self.report_missing(&pending),
            }
        }
        // A label cell split from its glued value; a label followed by `(万元)` cells …
        let mut cells: Vec<Cell<'s>> = Vec::with_capacity(row.cells.len() + 2);
        // Cells that are labels the vocabulary does not know (see `trailing_unknown_label`).
        let mut unknown_labels: Vec<usize> = Vec::new();
        let mut k = usize::from(skip_first);
        while let Some(cell) = row.cells.get(k) {
            k += 1;
            // A label wrapped by a run of spaces (`年度主要目标     和成果 新建…`): the next
            // cell's first word completes it.
            if let Some(next) = row.cells.get(k)
                && self.labels.is_label_start(&cell.text)
                && let Some(word) = split::first_word(next)
                && let Some(m) = self.labels.label(&format!("{}{}", cell.text, word.text))
                && m.key.chars().count() > key(&cell.text).chars().count()
            {
                let span = cell.span.cover(word.span);
                cells.push(Cell {
                    text: std::borrow::Cow::Owned(m.key.clone()),
                    span,
                    column: cell.column,
                    col_span: 1,
                });
                let used = word.span.end.saturating_sub(next.span.start);
                if let Some(rest) =
                    split::sub_cell(next, used.min(next.text.len())..next.text.len())
                {
                    cells.push(rest);
                }
                k += 1;
                continue;
            }
            // `项目资金    (万元) 年度资金总额: 1125`: a run of spaces cut the unit from the
            // label before it; it goes back to that label, and the rest is a cell of its own.
            let unit_cut;
            let mut cell = cell;
            if let Some(prev) = cells.last_mut()
                && self.labels.label(&prev.text).is_some()
                && let Some(used) = self.vocab.leading_unit_len(&cell.text)
                && let Some(unit) = split::sub_cell(cell, 0..used)
            {
                *prev = Cell {
                    text: std::borrow::Cow::Owned(format!("{}{}", prev.text, unit.text.trim())),
                    span: prev.span.cover(unit.span),
                    column: prev.column,
                    col_span: prev.col_span,
                };
                match split::sub_cell(cell, used..cell.text.len()) {
                    Some(rest) => {
                        unit_cut = rest;
                        cell = &unit_cut;
                    }
                    None => continue,
                }
            }
            // The cell right after a field's label is its value (`项目名称 | 资金名称管理专项`),
            // not a label glued to one — unless, in text cut at runs of spaces, a blank parts
            // a label from more (`主管部门  项目起止时间 2022.1`: the first field was empty).
            // Where `|` or tabs mark the cells, a blank inside one is the value's own.
            let after_field_label = cells
                .last()
                .is_some_and(|c| is_field_label(self.labels.label(&c.text).as_ref()));
            match self.labels.label_prefix(&cell.text) {
                Some((m, end))
                    if end < cell.text.len()
                        && (!after_field_label
                            || (!delimited || self.empty_cell_before(&cells, cell))
                                && field_label_then_blank(
                                    &m,
                                    cell.text.get(end..).unwrap_or(""),
                                ))
                        && self.labels.label(&cell.text).is_none()
                        && self
                            .labels
                            .qualified_given(&cell.text, row.cells.get(k).map(|c| &*c.text))
                            .is_none()
                        && !self.funds_word_in_words(&cell.text, end) =>
                {
                    cells.extend(split::sub_cell(cell, 0..end));
                    cells.extend(split::sub_cell(cell, end..cell.text.len()));
                }
                // `主管部门: 324-某局 项目经办人:`: in text cut at runs of spaces, a field's value
                // ending in a word and a colon ends where that label (one the vocabulary does
                // not know) begins; the label and what follows it are an extra field.
                _ if !delimited
                    && cells.last().is_some_and(|c| {
                        is_short_field_label(self.labels.label(&c.text).as_ref())
                    })
                    && let Some((at, colon_end)) = trailing_unknown_label(&cell.text)
                    && cell
                        .text
                        .get(at..colon_end)
                        .is_some_and(|l| self.labels.label(l).is_none()) =>
                {
                    cells.extend(split::sub_cell(cell, 0..at));
                    if let Some(label) = split::sub_cell(cell, at..colon_end) {
                        unknown_labels.push(cells.len());
                        cells.push(label);
                    }
                    cells.extend(split::sub_cell(cell, colon_end..cell.text.len()));
                }
                // The same label as a cell of its own after the field's value.
                _ if !delimited
                    && cells.len() >= 2
                    && cells.get(cells.len() - 2).is_some_and(|c| {
                        is_short_field_label(self.labels.label(&c.text).as_ref())
                    })
                    && let Some(colon_end) = unknown_label_len(&cell.text)
                    && cell
                        .text
                        .get(..colon_end)
                        .is_some_and(|l| self.labels.label(l).is_none()) =>
                {
                    if let Some(label) = split::sub_cell(cell, 0..colon_end) {
                        unknown_labels.push(cells.len());
                        cells.push(label);
                    }
                    cells.extend(split::sub_cell(cell, colon_end..cell.text.len()));
                }
                _ => cells.push(cell.clone()),
            }
        }
        // The period of each funds pair of the row, for forms that put the mid-term and the
        // year's amounts side by side.
        let mut funds_pairs = 0;
        let mut periods = Vec::new();
        let mut upcoming: Option<Vec<Option<Period>>> = None;
        // Each cell's label, looked up once.
        let mut labels: Vec<Option<LabelMatch>> = Vec::with_capacity(cells.len());
        for (j, c) in cells.iter().enumerate() {
            if unknown_labels.contains(&j) {
                labels.push(Some(LabelMatch {
                    label: Label::Field {
                        role: FieldRole::Extra,
                        fallback: false,
                    },
                    scale: None,
                    key: key(&c.text).into_owned(),
                }));
                continue;
            }
            let m = self.labels.label(&c.text).or_else(|| {
                // The cell right after a field's label is its value, even one that reads as a
                // label built on another (`实施单位 | 区县主管部门`).
                if is_field_label(labels.last().and_then(Option::as_ref)) {
                    return None;
                }
                let next = cells.get(j + 1).map(|n| &*n.text);
                self.labels.qualified_given(&c.text, next)
            });
            labels.push(m);
        }
        let is_label = |j: usize| labels.get(j).is_some_and(Option::is_some);
        // `上年度安排资金 | 本年度申请资金`: which column holds the year's amounts.
        let year_heading = year_columns(&cells, &labels);
        if let Some(columns) = year_heading
            && let Some(form) = self.current.as_mut()
        {
            form.year_columns = Some(columns);
        }
        let year_labels_head = year_heading.is_some() && is_headings_only(&cells);
        let mut i = 0;
        while let Some(cell) = cells.get(i) {
            i += 1;
            if year_labels_head && is_year_column(&key(&cell.text)) {
                continue;
            }
            let Some(mut m) = labels.get(i - 1).cloned().flatten() else {
                if year_heading.is_some() && is_year_column(&key(&cell.text)) {
                    continue;
                }
                // `… | 年度 | 2024 | …`: the budget year as a field (see `year_field`); not
                // `资金来源 | 年度 | 2024 | 2025`, the headings of year columns.
                if let Some(next) = cells.get(i)
                    && !is_label(i)
                    && !cells.get(i + 1).is_some_and(|after| {
                        let k = key(&after.text);
                        is_year_column(&k) || names_a_year(&k)
                    })
                    && self.year_field(&[cell.clone(), next.clone()])
                {
                    i += 1;
                    continue;
                }
                // A heading: the next cell is a label or there is none (`人均经费标准(元) | 300`
                // is a field with its value, not the unit of the form's funds).
                let heading = cells.get(i).is_none() || is_label(i);
                if heading && self.scale_from_unknown_label(cell) {
                    continue;
                }
                // What a merged, vertically written label left (`总` of 总体目标).
                let k = key(&cell.text);
                if k.chars().count() <= 2 && self.vocab.is_goal_label_prefix(&k) {
                    continue;
                }
                self.note_self_evaluation_word(cell.span, &cell.text);
                self.diags.push(
                    Diagnostic::warning(
                        "parse::unrecognized-cell",
                        format!(
                            "无法识别的单元格“{}”",
                            crate::diagnostic::quoted(&cell.text)
                        ),
                    )
                    .with_primary(cell.span, Some("不是已知的栏目名或其值".into()))
                    .with_help("栏目名应为 项目名称、主管部门及代码、实施单位、资金总额、财政拨款、上级补助、本级安排、其他资金 或 年度总体目标；其他模板的栏目名可以在 jixiao.toml 的 [reader] 中加入"),
                );
                continue;
            };
            // A funds heading with an amount beside it (`项目金额 | 164万元`): the total.
            if m.label == Label::FundsHeading
                && !is_label(i)
                && cells
                    .get(i)
                    .is_some_and(|c| parse_amount(c.text.trim(), Decimal::ONE).is_ok())
            {
                m.label = Label::Funds {
                    role: crate::model::FundsRole::Total,
                    period: Period::Annual,
                };
            }
            if !m.label.takes_value() {
                self.heading_label(&m);
                continue;
            }
            if let Label::Goals(period) = m.label {
                let generic = GENERIC_GOAL_LABELS.contains(&m.key.as_str());
                // `总体目标 | 中期目标 | …` over `| 年度目标 | …`: the generic label heads the
                // rows, the one after it says whose goals the row holds.
                let next_is_goal_label = matches!(
                    labels.get(i),
                    Some(Some(LabelMatch {
                        label: Label::Goals(_),
                        ..
                    }))
                );
                // Not when the text after it starts with a goal label itself (`中期目标 |
                // 年度目标 …` run together): the row is not one period's, and is left whole.
                let text_after_is_one_periods = cells.get(i + 1).is_some_and(|c| {
                    !matches!(
                        self.labels.label_prefix(&c.text),
                        Some((
                            LabelMatch {
                                label: Label::Goals(_),
                                ..
                            },
                            _
                        ))
                    )
                });
                if generic && next_is_goal_label && text_after_is_one_periods {
                    if let Some(form) = self.current.as_mut() {
                        form.section = Section::Goals(period);
                        form.established = true;
                        form.goals_under_generic_label = true;
                    }
                    continue;
                }
                // Goal labels side by side (`中期目标 | 年度目标`): texts below go by column.
                let labels_only = labels.get(i..).unwrap_or(&[]).iter().all(|m| {
                    matches!(
                        m,
                        Some(LabelMatch {
                            label: Label::Goals(_),
                            ..
                        })
                    )
                });
                if let Some(form) = self.current.as_mut() {
                    form.section = Section::Goals(period);
                    form.established = true;
                    if labels_only {
                        if !(generic && next_is_goal_label) {
                            form.goal_columns.push((period, cell.column));
                        }
                        continue;
                    }
                }
                // Up to another goal label that opens a line (`年度目标 | … |` and `中期目标 | … |`
                // joined from two lines): that one's goals are its own.
                let is_goal_label = |m: &Option<LabelMatch>| {
                    matches!(
                        m,
                        Some(LabelMatch {
                            label: Label::Goals(_),
                            ..
                        })
                    )
                };
                let end = (i + 1..cells.len())
                    .find(|&j| {
                        labels.get(j).is_some_and(is_goal_label)
                            && cells
                                .get(j - 1)
                                .zip(cells.get(j))
                                .is_some_and(|(a, b)| self.line_break_between(a, b))
                    })
                    .unwrap_or(cells.len());
                // Not after goal labels alone (`中期目标 | 年度目标` over `总体目标 | … | …`).
                let end = if labels.get(i..end).unwrap_or(&[]).iter().all(is_goal_label) {
                    cells.len()
                } else {
                    end
                };
                let values: Vec<Cell<'s>> = cells.get(i..end).unwrap_or(&[]).to_vec();
                self.goal_cells(&values, period);
                if end >= cells.len() {
                    break;
                }
                i = end;
                continue;
            }
            let mut values: Vec<Cell<'s>> = cells
                .get(i..)
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .take_while(|(j, _)| !is_label(i + j))
                .map(|(_, c)| c.clone())
                .collect();
            // `一般公共预算拨款 | 小计 | 1800`: a column saying the amount is a subtotal stands
            // between a funds line and its amount.
            if matches!(m.label, Label::Funds { .. })
                && values.len() > 1
                && values
                    .first()
                    .is_some_and(|v| matches!(&*key(&v.text), "小计" | "合计" | "总计"))
            {
                values.remove(0);
                i += 1;
            }
            // Under `上年度… | 本年度…`: the amount in this year's column (last year's is no
            // amount of this form's: taken first, it gave a false cost-above-total error).
            if matches!(m.label, Label::Funds { .. })
                && let Some((this, count)) = self.current.as_ref().and_then(|f| f.year_columns)
                && values.len() == count
                && count > 1
            {
                let this_year = values.swap_remove(this.min(count - 1));
                values = vec![this_year];
                i += count - 1;
            }
            let written = key(&cell.text).into_owned();
            if values.is_empty() {
                if let Some(scale) = m.scale {
                    self.set_scale_from_label(scale);
                }
                let pending = PendingLabel {
                    label: m,
                    cell_span: cell.span,
                    written,
                };
                // A total's period as its words say, when the label is one.
                let total = |j: usize| match labels.get(j) {
                    Some(Some(LabelMatch {
                        label:
                            Label::Funds {
                                role: crate::model::FundsRole::Total,
                                period,
                            },
                        ..
                    })) => cells
                        .get(j)
                        .map(|c| FundsBlock::label_period(&key(&c.text), *period)),
                    _ => None,
                };
                if i >= cells.len() {
                    // The last cell of its row: the value may come on the next line.
                    if let Some(form) = self.current.as_mut() {
                        form.pending = Some(pending);
                    }
                } else if total(i - 1).is_some()
                    && total(i).is_some()
                    && total(i - 1).flatten() != Some(Period::Midterm)
                    && total(i).flatten() != Some(Period::Midterm)
                {
                    // `年度资金总额及构成 | 总额20万元`: the first total heads the second (not an
                    // empty 中期 total beside the year's: `中期预算资金总额 | 年度预算资金总额 | 25`).
                } else {
                    if let Label::Funds { period, .. } = pending.label.label {
                        funds_pairs += 1;
                        periods.push(FundsBlock::label_period(&pending.written, period));
                    }
                    self.report_missing(&pending);
                }
                continue;
            }
            // A label takes one value cell; a field's value may have several (wrapped).
            let take = match m.label {
                Label::Field { .. } => values.len().min(1),
                _ => 1,
            };
            i += take;
            let pair = matches!(m.label, Label::Funds { .. }).then(|| {
                funds_pairs += 1;
                funds_pairs - 1
            });
            if let Label::Funds { period, .. } = m.label {
                periods.push(FundsBlock::label_period(&written, period));
            }
            if pair == Some(0) || pair.is_none() {
                // Learn the columns' periods before the first pair is placed.
                let upcoming = upcoming.get_or_insert_with(|| funds_periods(&labels));
                if let Some(form) = self.current.as_mut() {
                    form.funds.learn_columns(upcoming);
                }
            }
            self.assign(
                &m,
                &written,
                cell.span,
                values.get(..take).unwrap_or(&[]),
                pair,
            );
        }
    }

    /// Give a label its value.
    fn assign(
        &mut self,
        m: &LabelMatch,
        written: &str,
        label_span: Span,
        values: &[Cell<'s>],
        pair: Option<usize>,
    ) {
        let Some(first) = values.first() else {
            return;
        };
        let span = values
            .iter()
            .map(|c| c.span)
            .reduce(Span::cover)
            .unwrap_or(first.span);
        let joined = values
            .iter()
            .map(|c| c.text.as_ref())
            .collect::<Vec<_>>()
            .join(" ");
        let text_value = Spanned::new(join_cjk_spaces(&joined), span);
        if let Some(scale) = m.scale {
            self.set_scale_from_label(scale);
        }
        match m.label {
            Label::Field { role, fallback } => {
                // A second 项目名称 in an established form: the next form begins.
                // `二级项目名称` names the project of a form whose `一级项目名称` came first.
                let sub_project = written.contains("二级项目名称");
                let restart = role == FieldRole::Name
                    && !fallback
                    && !sub_project
                    && !self.continuing
                    && self.current.as_ref().is_some_and(|f| {
                        (f.project.name.is_some() || f.saw_table)
                            && !f.table.as_ref().is_some_and(|t| t.layout.holds_projects())
                    });
                if restart {
                    self.open_form(label_span);
                }
                let Some(form) = self.current.as_mut() else {
                    return;
                };
                form.established = true;
                match (role, fallback) {
                    (FieldRole::Name, _) => {
                        if sub_project && let Some(parent) = form.project.name.take() {
                            form.project.extra.push(ExtraField {
                                label: "一级项目名称".to_owned(),
                                value: parent,
                            });
                        }
                        form.project.name = Some(text_value);
                    }
                    (FieldRole::Department, false) => {
                        let cell = joined_cell(values, span);
                        let (code, name) = split_department(&cell);
                        // A code given by a `主管部门编码` row above stays when the name has none.
                        let earlier = form.project.department.code.take();
                        form.project.department.code = code.or(earlier);
                        form.project.department.name = name;
                    }
                    (FieldRole::Department, true) => {
                        form.project.extra.push(ExtraField {
                            label: written.to_owned(),
                            value: text_value,
                        });
                        if form.fallback_department.is_none() {
                            form.fallback_department = Some(joined_cell(values, span));
                        }
                    }
                    (FieldRole::Implementer, _) => form.project.implementer = Some(text_value),
                    (FieldRole::Extra, _) => {
                        // `主管部门 | 某局 | 主管部门编码 | 324`: the department's code, when the
                        // name gave none.
                        let code = text_value.value.trim();
                        if DEPARTMENT_CODE_LABELS.contains(&written)
                            && form.project.department.code.is_none()
                            && (3..=12).contains(&code.len())
                            && code.bytes().all(|b| b.is_ascii_digit())
                        {
                            form.project.department.code =
                                Some(Spanned::new(code.to_owned(), text_value.span));
                        }
                        form.project.extra.push(ExtraField {
                            label: written.to_owned(),
                            value: text_value,
                        });
                    }
                }
            }
            Label::Funds { role, period } => {
                let declared = m.scale.or(self.current.as_ref().and_then(|f| f.scale));
                let trimmed = joined.trim();
                // An amount with no unit in a form that states none: 5.00 could be 元 or 万元.
                let unit_unknown = declared.is_none()
                    && !has_money_unit(trimmed)
                    && parse_amount(trimmed, Decimal::ONE).is_ok_and(|d| !d.is_zero());
                // `—`, `/`, `无` under a source of funds: none of it — zero, so that the sums
                // still check (a total so written is still said unreadable).
                let nothing = role != crate::model::FundsRole::Total
                    && matches!(trimmed, "—" | "——" | "-" | "--" | "－" | "/" | "／" | "无");
                let amount = if nothing {
                    Some(Spanned::new(Decimal::ZERO, span))
                } else if unit_unknown {
                    self.diags.push(
                        Diagnostic::warning(
                            "parse::amount-unit",
                            format!(
                                "“{written}”的金额“{}”没有单位，表中也没有写明金额单位",
                                crate::diagnostic::quoted(trimmed)
                            ),
                        )
                        .with_primary(span, Some("元还是万元？".into()))
                        .with_help("在表中写明“金额单位：万元”（或在栏目名、金额后写上单位）；单位不明的金额不参与金额比较"),
                    );
                    None
                } else {
                    match parse_amount(trimmed, declared.unwrap_or(Decimal::ONE)) {
                        Ok(d) => Some(Spanned::new(d, span)),
                        Err(problem) => {
                            self.diags.push(
                                Diagnostic::warning(
                                    "parse::bad-amount",
                                    format!(
                                        "“{}”的金额“{}”无法识别",
                                        written,
                                        crate::diagnostic::quoted(trimmed)
                                    ),
                                )
                                .with_primary(span, Some("应为金额，如 136,000".into()))
                                .with_help(match problem {
                                    ValueProblem::Unrecognized { .. } => {
                                        "金额应为数字，可带单位，如 136,000、13.6万元；没有这项资金的填 0".into()
                                    }
                                    other => other.help(),
                                }),
                            );
                            None
                        }
                    }
                };
                if let Some(form) = self.current.as_mut() {
                    form.established = true;
                    form.funds.add(
                        Spanned::new(written.to_owned(), label_span),
                        role,
                        period,
                        Some(trimmed.to_owned()),
                        amount,
                        pair,
                    );
                }
            }
            Label::Goals(period) => {
                if let Some(form) = self.current.as_mut() {
                    form.section = Section::Goals(period);
                    form.established = true;
                }
                self.goal_cells(values, period);
            }
            Label::MoneyUnit => {
                if let Some((unit, scale)) = self.vocab.money_unit(&joined) {
                    self.set_scale((Spanned::new(unit, span), scale));
                } else {
                    // `单位信息: 324001-某局机关`: no unit, and no field jixiao knows.
                    let cell = joined_cell(values, span);
                    let text = format!("{written}{}", cell.text);
                    let whole = Cell {
                        text: std::borrow::Cow::Owned(text),
                        span: label_span.cover(cell.span),
                        column: cell.column,
                        col_span: 1,
                    };
                    self.unrecognized_cell(&whole, "无法识别的内容");
                }
            }
            Label::FundsHeading => {}
        }
    }

    /// Goal text cells of a row: by the goal columns named above, or all to `period`.
    fn goal_cells(&mut self, cells: &[Cell<'s>], period: Period) {
        self.goal_cells_in(cells, period, Columns::Exact);
    }

    fn goal_cells_in(&mut self, cells: &[Cell<'s>], period: Period, row_columns: Columns) {
        let columns = self
            .current
            .as_ref()
            .map(|f| f.goal_columns.clone())
            .unwrap_or_default();
        // As many texts as goal labels above: the k-th under the k-th, wherever a row's first
        // cell was left empty or merged (`中期目标 | 年度目标` over `总体目标 | … | …`).
        let one_each = columns.len() > 1 && cells.len() == columns.len();
        for (k, cell) in cells.iter().enumerate() {
            let p = if columns.len() > 1 && (row_columns != Columns::Exact || one_each) {
                // Columns that drift: the k-th text under the k-th goal label.
                columns
                    .get(k)
                    .or(columns.last())
                    .map_or(period, |(p, _)| *p)
            } else if columns.len() > 1 {
                // The goal column whose header is nearest at or before the cell.
                columns
                    .iter()
                    .rev()
                    .find(|(_, c)| *c <= cell.column)
                    .or(columns.first())
                    .map_or(period, |(p, _)| *p)
            } else {
                period
            };
            self.push_goal(cell, p);
        }
    }

    /// A goal text on a line of its own: kept until the goals end.
    fn goal_stream_text(&mut self, cell: Cell<'s>) {
        if let Some(form) = self.current.as_mut() {
            form.goal_queue.push(cell);
        }
    }

    /// Place the goal texts given one per line under the goal labels named before them: one
    /// text per label when the counts agree; otherwise texts are grouped by sentence ends (a
    /// wrapped goal ends with `。`), and what cannot be grouped goes to the year's goals.
    fn flush_goal_queue(&mut self) {
        let Some(form) = self.current.as_mut() else {
            return;
        };
        let texts = std::mem::take(&mut form.goal_queue);
        let columns: Vec<Period> = std::mem::take(&mut form.goal_columns)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        if texts.is_empty() {
            return;
        }
        let fallback = match form.section {
            Section::Goals(p) => p,
            _ => Period::Annual,
        };
        let groups: Vec<Vec<Cell<'s>>> = if columns.len() > 1 && texts.len() == columns.len() {
            texts.into_iter().map(|t| vec![t]).collect()
        } else if columns.len() > 1 {
            let mut groups: Vec<Vec<Cell<'s>>> = vec![Vec::new()];
            for t in texts {
                let ends = t.text.trim_end().ends_with(['。', '；', ';']);
                if let Some(g) = groups.last_mut() {
                    g.push(t);
                }
                if ends {
                    groups.push(Vec::new());
                }
            }
            if groups.last().is_some_and(Vec::is_empty) {
                groups.pop();
            }
            if groups.len() == columns.len() {
                groups
            } else {
                vec![groups.into_iter().flatten().collect()]
            }
        } else {
            vec![texts]
        };
        let single = groups.len() == 1;
        for (k, group) in groups.into_iter().enumerate() {
            let period = if single {
                columns.last().copied().unwrap_or(fallback)
            } else {
                columns.get(k).copied().unwrap_or(fallback)
            };
            for cell in &group {
                self.push_goal_line(cell, period);
            }
        }
    }

    /// A line of goal text given on a line of its own: it may continue the line before.
    fn push_goal_line(&mut self, cell: &Cell<'s>, period: Period) {
        let Some(form) = self.current.as_mut() else {
            return;
        };
        let splitter = match period {
            Period::Annual => &mut form.goals,
            Period::Midterm => &mut form.midterm_goals,
        };
        let exact = self.source.slice(cell.span) == cell.text.as_ref();
        splitter.push_line(&cell.text, exact.then_some(cell.span.start), cell.span);
    }

    fn push_goal(&mut self, cell: &Cell<'s>, period: Period) {
        let Some(form) = self.current.as_mut() else {
            return;
        };
        let splitter = match period {
            Period::Annual => &mut form.goals,
            Period::Midterm => &mut form.midterm_goals,
        };
        let exact = cell.span.len() == cell.text.len()
            && self.source.slice(cell.span) == cell.text.as_ref();
        if exact {
            splitter.push_cell(&cell.text, cell.span.start);
        } else {
            splitter.push_cell_at(&cell.text, cell.span);
        }
    }

    fn open_candidate(&mut self, opening: Span) {
        // A title after a title that got nothing yet (a repeated page header, a page title
        // above the form's own): the form starts at the later one.
        if let Some(form) = self.current.as_mut()
            && !form.established
        {
            let earlier = form.opening;
            form.opening = opening;
            form.project.line = self.source.line_number(opening.start);
            form.last_line_end = form.last_line_end.max(opening.end);
            self.note_outside(earlier, 1);
            return;
        }
        self.open_form(opening);
    }

    /// Whether the line at 0-based `index` (the line after 1-based line `index`) is a title.
    fn title_on_line(&self, index: usize) -> bool {
        let text = self.source.slice(self.source.line_span(index));
        title(&key(text), self.vocab).is_some()
    }

    fn open_form(&mut self, opening: Span) {
        self.finish_form();
        self.flush_outside();
        // `天津市农业绿色发展专项(畜禽粪污` / `资源化利用整县推进项目)2022年` /
        // `中央预算内投资计划绩效目标表`: the year ends the line right above the title's last.
        let wrapped_year = self.wrapped_title_year.take().and_then(|(year, line)| {
            (line + 1 == self.source.line_number(opening.start)).then_some(year)
        });
        let year = self.pending_year.take();
        let unit = self.pending_scale.take();
        self.current = Some(Form {
            project: Project {
                index: self.forms.len() + 1,
                line: self.source.line_number(opening.start),
                year,
                money_unit: unit.as_ref().map(|(u, _)| u.clone()),
                ..Project::default()
            },
            established: false,
            section: Section::Header,
            opening,
            wrapped_year,
            last_line_end: opening.end,
            scale: unit.map(|(_, s)| s),
            scale_from_heading: false,
            funds: FundsBlock::default(),
            goals: GoalSplitter::default(),
            midterm_goals: GoalSplitter::default(),
            goal_columns: Vec::new(),
            goal_queue: Vec::new(),
            last_field: None,
            table: None,
            saw_table: false,
            unread_header: Vec::new(),
            self_evaluation: SelfEvaluationSigns::default(),
            goals_under_generic_label: false,
            pending: None,
            header_run: HeaderRun::default(),
            last_goal_label_generic: false,
            fallback_department: None,
            subtotal_department: None,
            unread_rows: 0,
            empty_labels: Vec::new(),
            year_columns: None,
        });
    }

    /// The rows a streamed table still holds are read before another table starts.
    fn finish_table(&mut self) {
        let rows = self
            .current
            .as_mut()
            .and_then(|f| f.table.as_mut())
            .map(Table::finish_stream)
            .unwrap_or_default();
        for cells in rows {
            let span = cells
                .iter()
                .map(|c| c.span)
                .reduce(Span::cover)
                .unwrap_or_default();
            let line = self.source.line_number(span.start);
            self.read_table_row(&cells, Columns::Unknown, line, span);
        }
    }

    /// A footer (`扫一扫`, `附件:`, `填表人`) or another form's glued start ends the form.
    fn end_form(&mut self, at: Span) {
        self.finish_form();
        let _ = at;
    }

    fn set_year(&mut self, year: i32, span: Span) {
        if let Some(form) = self.current.as_mut() {
            form.project.year = Some(Spanned::new(year, span));
            form.last_line_end = form.last_line_end.max(span.end);
        }
    }

    fn year(&self) -> Option<i32> {
        self.current.as_ref().and_then(|f| {
            f.project
                .year
                .as_ref()
                .or(f.wrapped_year.as_ref())
                .map(|y| y.value)
        })
    }

    /// `金额单位:万元`, `单位:元`, `填报单位:(盖章) 单位:万元`: the unit the form's amounts are in.
    fn money_unit_line(&self, cell: &Cell<'s>) -> Option<(Spanned<String>, Decimal)> {
        let k = key(&cell.text);
        for marker in ["金额单位:", "资金单位:", "单位:"] {
            if let Some(at) = k.rfind(marker) {
                let unit = k.get(at + marker.len()..).unwrap_or("");
                if let Some((u, scale)) = self.vocab.money_unit(unit) {
                    return Some((Spanned::new(u, cell.span), scale));
                }
            }
        }
        None
    }

    fn set_scale(&mut self, (unit, scale): (Spanned<String>, Decimal)) {
        match self.current.as_mut() {
            Some(form) => {
                // A declaration that contradicts the unit a heading stated: the amounts read
                // under the heading's unit are uncertain, so none of them is compared.
                if form.scale_from_heading
                    && form.scale != Some(scale)
                    && form.funds.forget_amounts()
                {
                    let heading = form.project.money_unit.clone();
                    let mut d = Diagnostic::warning(
                        "parse::amount-unit",
                        format!(
                            "“金额单位”写的是{}，与前面栏目名中的单位{}不一致",
                            unit.value,
                            heading.as_ref().map_or("", |h| h.value.as_str())
                        ),
                    )
                    .with_primary(unit.span, Some("金额单位".into()))
                    .with_help("核对金额单位；单位不明的金额不参与金额比较");
                    if let Some(h) = heading {
                        d = d.with_label(h.span, "栏目名中的单位");
                    }
                    self.diags.push(d);
                }
                form.scale = Some(scale);
                form.scale_from_heading = false;
                form.project.money_unit = Some(unit);
            }
            None => self.pending_scale = Some((unit, scale)),
        }
    }

    /// Whether a goals label cut out of `text` at `tail` (words before it up to `head_end`) is
    /// a sentence's words before any field of the form: the words before it read as a
    /// sentence (a comma or a full stop among them).
    fn sentence_naming_goals(&self, text: &str, head_end: usize, tail: usize) -> bool {
        if head_end == 0 || self.current.as_ref().is_some_and(|f| f.established) {
            return false;
        }
        // A goals label followed by a colon (`2024年,本项目年度绩效目标:完成…`) introduces the
        // goals even after a comma; only one running on in the sentence is the page's.
        let is_goals = text.get(tail..).is_some_and(|rest| {
            self.vocab.label_prefix(rest).is_some_and(|(m, end)| {
                matches!(m.label, Label::Goals(_))
                    && !rest
                        .get(..end)
                        .is_some_and(|l| l.trim_end().ends_with([':', '：']))
            })
        });
        is_goals
            && text
                .get(..head_end)
                .is_some_and(|head| head.contains([',', '，', '。', ';', '；']))
    }

    /// Whether `text` begins with a funds line's label, `end` bytes long, glued to more words
    /// rather than to an amount (`其他事业发展性支出`).
    fn funds_word_glued_to_words(&self, text: &str, end: usize) -> bool {
        let (Some(head), Some(rest)) = (text.get(..end), text.get(end..)) else {
            return false;
        };
        self.vocab
            .label(head)
            .is_some_and(|m| matches!(m.label, Label::Funds { .. }))
            && rest
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() && !c.is_ascii())
    }

    /// Whether `text` is words that begin with a funds line's label and hold no amount and no
    /// other label (`其他城市基础设施配套费安排的支出`, a 功能科目): a value, not a funds line.
    fn funds_word_in_words(&self, text: &str, end: usize) -> bool {
        self.funds_word_glued_to_words(text, end)
            && text.get(end..).is_some_and(|rest| {
                !rest.chars().any(|c| c.is_ascii_digit())
                    && glued_label_start(rest, self.vocab).is_none()
            })
    }

    /// Whether the line before ended with a field's label (`实施单位`) whose value is still to
    /// come: the next line is that value, even when it reads as a label built on another.
    fn awaits_field_value(&self) -> bool {
        self.current
            .as_ref()
            .is_some_and(|f| is_field_label(f.pending.as_ref().map(|p| &p.label)))
    }

    /// A cell no label matched that still states the unit of the funds beside it, in brackets at
    /// its end: `项目预算资金(万元)`, `投入目标 (万元)`, `年初安排金额(万元)`. Taken when the form has
    /// said no unit yet and the words before the bracket are about money, in the header only.
    /// Whether it was taken (the cell is then a heading of the funds, read for its unit).
    fn scale_from_unknown_label(&mut self, cell: &Cell<'_>) -> bool {
        const MONEY_WORDS: &[&str] = &["资金", "金额", "预算", "投入", "经费", "拨款", "投资"];
        let Some(form) = self.current.as_ref() else {
            return false;
        };
        if form.scale.is_some() || form.section == Section::Table || cell.text.len() > 90 {
            return false;
        }
        let k = key(&cell.text);
        let Some((words, scale)) = self.vocab.trailing_unit(&k) else {
            return false;
        };
        // A rate or a standard per head or unit is no amount of the form's funds.
        const PER_UNIT_WORDS: &[&str] = &["标准", "单价", "人均", "每", "单位成本"];
        if !MONEY_WORDS.iter().any(|w| words.contains(w))
            || PER_UNIT_WORDS.iter().any(|w| words.contains(w))
        {
            return false;
        }
        let Some(unit) = crate::model::money_unit_name(scale) else {
            return false;
        };
        let Some(form) = self.current.as_mut() else {
            return false;
        };
        form.scale = Some(scale);
        form.scale_from_heading = true;
        form.project.money_unit = Some(Spanned::new(unit.to_owned(), cell.span));
        true
    }

    fn set_scale_from_label(&mut self, scale: Decimal) {
        if let Some(form) = self.current.as_mut() {
            form.scale = Some(scale);
            if form.project.money_unit.is_none()
                && let Some(unit) = crate::model::money_unit_name(scale)
            {
                form.project.money_unit = Some(Spanned::new(unit.to_owned(), form.opening));
            }
        }
    }

    /// Text of the form the reader could not place that names a self-evaluation's column
    /// (`得分`, `实际完成值`; a word at a time: glued text keeps a header's words in one piece).
    /// Only before the form's indicator table: words after it (a note, a 评分标准) do not make
    /// the form read above them another document.
    fn note_self_evaluation_word(&mut self, span: Span, text: &str) {
        let Some(form) = self.current.as_mut().filter(|f| !f.saw_table) else {
            return;
        };
        for word in text
            .split(is_blank)
            .filter(|w| !w.is_empty() && w.len() <= 48)
        {
            form.self_evaluation.note(self.vocab, &key(word), span);
        }
    }

    /// The score and result columns among unknown header cells, when both are there.
    fn self_evaluation_columns(&self, cells: &[Span]) -> Option<(Span, Span)> {
        let mut signs = SelfEvaluationSigns::default();
        for at in cells {
            signs.note(self.vocab, &key(self.source.slice(*at)), *at);
        }
        Some((signs.score?, signs.result?))
    }

    /// A form with a self-evaluation's columns (`得分` and `实际完成值`) and no title to say
    /// what it is: what was read of it and said about it is dropped, and it is reported as
    /// another document, as under a 自评表's title.
    fn drop_as_self_evaluation(&mut self, form: &Form<'s>, score: Span, result: Span) {
        let start = form.opening.start;
        let mut dropped_lines = 0;
        self.diags.retain(|d| {
            let keep = d.primary.as_ref().is_none_or(|p| p.span.start < start);
            if !keep && d.code == "parse::unrecognized-line" {
                dropped_lines += 1;
            }
            keep
        });
        self.unrecognized = self.unrecognized.saturating_sub(dropped_lines);
        self.diags.push(self_evaluation_note(score, result));
    }

    fn other_document(&mut self, name: &str, span: Span) {
        self.finish_form();
        let line = self.source.line_number(span.start);
        let continues = self.in_other_document
            && self
                .other_document_line
                .is_some_and(|last| last + 1 == line);
        self.in_other_document = true;
        self.other_document_line = Some(self.source.line_number(span.end));
        if continues {
            return;
        }
        self.diags.push(
            Diagnostic::new(
                "parse::other-document",
                Severity::Info,
                format!("这是一份{name}，不是项目支出绩效目标表，未按项目表检查"),
            )
            .with_primary(span, Some(name.to_owned()))
            .with_help("jixiao 检查的是项目支出绩效目标表；这份文书的内容已跳过"),
        );
    }

    fn finish_form(&mut self) {
        self.drop_pending();
        self.flush_header_run();
        self.flush_goal_queue();
        let Some(mut form) = self.current.take() else {
            return;
        };
        // The last streamed rows.
        if let Some(table) = form.table.as_mut() {
            let rows = table.finish_stream();
            self.current = Some(form);
            for cells in rows {
                let span = cells
                    .iter()
                    .map(|c| c.span)
                    .reduce(Span::cover)
                    .unwrap_or_default();
                let line = self.source.line_number(span.start);
                self.read_table_row(&cells, Columns::Unknown, line, span);
            }
            let Some(f) = self.current.take() else {
                return;
            };
            form = f;
        }
        if let SelfEvaluationSigns {
            score: Some(score),
            result: Some(result),
        } = form.self_evaluation
        {
            self.drop_as_self_evaluation(&form, score, result);
            return;
        }
        if !form.established {
            // A title with nothing after it: not a form. Its lines were text outside forms.
            self.note_outside(form.opening, 1);
            return;
        }
        if form.only_goals() {
            // A page's heading that repeats a form's title, then a sentence or a heading that
            // says 绩效目标 (`现将我局2024年项目绩效目标公开如下`): page text, not a form with
            // every field missing.
            let lines = self
                .source
                .line_number(form.last_line_end.max(form.opening.start))
                .saturating_sub(self.source.line_number(form.opening.start))
                + 1;
            // Text before its goals was noted as outside already: those are among its lines.
            match self.outside {
                Some((span, _)) if span.start >= form.opening.start => {
                    self.outside = Some((form.opening, lines));
                }
                _ => self.note_outside(form.opening, lines),
            }
            return;
        }
        let mut project = form.project;
        let (goals, preamble) = form.goals.finish();
        project.goals = goals;
        let (midterm_goals, midterm_preamble) = form.midterm_goals.finish();
        project.midterm_goals = midterm_goals;
        // `总体目标 | 中期目标 | …` heading a `年度目标` row that never came (its line run into
        // another): the row's goals are the form's, as read before rows were told apart.
        if form.goals_under_generic_label && project.goals.is_empty() {
            project.goals = std::mem::take(&mut project.midterm_goals);
        }
        // The sentence that introduced numbered goals is kept, as a field of its own.
        for (label, text) in [("目标说明", preamble), ("中期目标说明", midterm_preamble)]
        {
            if let Some(value) = text {
                project.extra.push(crate::model::ExtraField {
                    label: label.to_owned(),
                    value,
                });
            }
        }
        let has_total_line = form.funds.has(crate::model::FundsRole::Total);
        let mut funds_diags = Vec::new();
        project.funds = std::mem::take(&mut form.funds).finish(&mut funds_diags);
        self.diags.extend(funds_diags);
        let named = project.department.name.is_some() || project.department.code.is_some();
        if !named && let Some(subtotal) = form.subtotal_department.as_ref() {
            let (code, name) = split_department(subtotal);
            project.department.code = code;
            project.department.name = name;
            // Under a department's subtotal, 单位名称 is the unit that carries the project out.
            if project.implementer.is_none()
                && let Some(unit) = form.fallback_department.as_ref()
            {
                let (_, name) = split_department(unit);
                project.implementer =
                    name.or_else(|| Some(Spanned::new(unit.text.to_string(), unit.span)));
            }
        } else if !named && let Some(cell) = form.fallback_department.as_ref() {
            let (code, name) = split_department(cell);
            project.department.code = code;
            project.department.name = name;
        }
        if form.unread_rows > project.indicators.len() && project.indicators_read {
            // Rows under the header, most of them no indicator (numbers without names …): what
            // was read of the table is not the table.
            project.indicators_read = false;
            self.diags.push(
                Diagnostic::error("parse::unreadable-table", "指标表的大多数行读不出三级指标")
                    .with_primary(form.opening, Some("这张表".into()))
                    .with_help(
                        "依赖指标的规则不检查这张表；请核对指标表每一行的三级指标名称和指标值",
                    ),
            );
        }
        if let Some(table) = form.table.as_ref()
            && table.annual_values == 0
            && table.midterm_values > 0
        {
            // Only the mid-term track is filled: read it as the indicators.
            for indicator in &mut project.indicators {
                indicator.value = indicator.midterm_value.take();
            }
            let at = project.indicators.first().map_or(form.opening, |i| i.span);
            self.diags.push(
                Diagnostic::new(
                    "parse::midterm-only",
                    Severity::Info,
                    "指标表的年度指标值都是空的，只填写了中期指标值：按中期指标值读取",
                )
                .with_primary(at, Some("中期指标".into()))
                .with_help("如果年度指标与中期指标相同，请在年度一栏也填写"),
            );
        }
        // The model of every form is kept for the whole run: no growth slack.
        project.indicators.shrink_to_fit();
        project.span = Span::new(form.opening.start, form.last_line_end.max(form.opening.end));
        let mut missing = Vec::new();
        let empty = |role: FieldRole| {
            form.empty_labels
                .iter()
                .any(|l| matches!(l, Label::Field { role: r, .. } if *r == role))
        };
        if project.name.is_none() && !empty(FieldRole::Name) {
            missing.push(("项目名称", Severity::Error));
        }
        if project.department.name.is_none()
            && project.department.code.is_none()
            && !empty(FieldRole::Department)
        {
            missing.push(("主管部门及代码", Severity::Error));
        }
        // A total whose amount could not be used was reported where it stands.
        let total_label_empty = form.empty_labels.iter().any(|l| {
            matches!(
                l,
                Label::Funds {
                    role: crate::model::FundsRole::Total,
                    ..
                }
            )
        });
        if project.funds.total.is_none() && !has_total_line && !total_label_empty {
            missing.push(("资金总额", Severity::Error));
        }
        if !form.saw_table && project.indicators.is_empty() {
            project.indicators_read = false;
            missing.push(("绩效指标表", Severity::Error));
        }
        if project.year.is_none() {
            project.year = form.wrapped_year.take();
        }
        if project.year.is_none() {
            missing.push(("年度", Severity::Warning));
        }
        for (what, severity) in missing {
            let unread = form
                .unread_header
                .iter()
                .find(|(_, text)| field_hint(what, text))
                .map(|(span, _)| *span);
            self.missing.push(MissingField {
                form: self.forms.len(),
                after: self.diags.len(),
                what,
                severity,
                opening: form.opening,
                unread,
            });
        }
        self.forms.push(project);
    }

    fn unrecognized(&mut self, row: &Row<'_>, why: &str) {
        for cell in &row.cells {
            self.note_self_evaluation_word(cell.span, &cell.text);
        }
        if self.keeps_unread_header() {
            let text: String = row.cells.iter().map(|c| c.text.as_ref()).collect();
            self.note_unread_header(row.cells_span(), &text);
        }
        self.unrecognized += 1;
        if self.unrecognized > MAX_UNRECOGNIZED_LINES {
            return;
        }
        let span = row.cells_span();
        self.diags.push(
            Diagnostic::warning("parse::unrecognized-line", why)
                .with_primary(span, Some("无法归入表中任何位置".into()))
                .with_help("这一行的内容没有被读取；如果它属于某张表，请检查它的位置和格式"),
        );
    }

    fn unrecognized_cell(&mut self, cell: &Cell<'_>, why: &str) {
        self.note_self_evaluation_word(cell.span, &cell.text);
        self.note_unread_header(cell.span, &cell.text);
        self.unrecognized += 1;
        if self.unrecognized > MAX_UNRECOGNIZED_LINES {
            return;
        }
        self.diags.push(
            Diagnostic::warning(
                "parse::unrecognized-line",
                format!("{why}：“{}”", crate::diagnostic::quoted(&cell.text)),
            )
            .with_primary(cell.span, Some("无法归入表中任何位置".into()))
            .with_help("这一行的内容没有被读取；如果它属于某张表，请检查它的位置和格式"),
        );
    }

    /// Keep text of a form's header the reader could not place: a field said missing may be in
    /// it (a few per form; the rest say no more).
    fn note_unread_header(&mut self, span: Span, text: &str) {
        if self.keeps_unread_header()
            && let Some(form) = self.current.as_mut()
        {
            form.unread_header.push((span, text.into()));
        }
    }

    /// Whether unread text is kept now: in a form's header, while there is room.
    fn keeps_unread_header(&self) -> bool {
        self.current.as_ref().is_some_and(|form| {
            form.section != Section::Table && form.unread_header.len() < MAX_UNREAD_HEADER
        })
    }

    /// A row outside any form: page text around the forms, reported once per stretch.
    fn outside_row(&mut self, row: &Row<'_>) {
        self.note_outside(row.cells_span(), 1);
    }

    fn note_outside(&mut self, span: Span, rows: usize) {
        match self.outside.as_mut() {
            Some((_, count)) => *count += rows,
            None => self.outside = Some((span, rows)),
        }
    }

    fn flush_outside(&mut self) {
        let Some((span, rows)) = self.outside.take() else {
            return;
        };
        self.diags.push(
            Diagnostic::new(
                "parse::outside-form",
                Severity::Info,
                format!("跳过了绩效目标表之外的 {rows} 行文字"),
            )
            .with_primary(span, Some("从这里开始不属于任何表".into()))
            .with_help("网页或文件中表格之外的文字不检查；如果其中有表的内容，请检查表的标题和“项目名称”一栏"),
        );
    }

    fn finish_piece(mut self) -> Piece {
        self.finish_form();
        self.flush_outside();
        Piece {
            forms: self.forms,
            diags: self.diags,
            missing: self.missing,
            unrecognized: self.unrecognized,
            first_title: self.first_title,
        }
    }
}

/// At most this many pieces of unread header text are kept per form.
const MAX_UNREAD_HEADER: usize = 16;

/// Whether text the reader could not place in a form's header may hold the field `what` that
/// the form is said to lack: it carries the field's words, or for the year a year, for the
/// indicator table a header word (`资金需求(万元) 2021年金额`, `省级业务主管部门`, `三级指标`).
fn field_hint(what: &str, text: &str) -> bool {
    let words: &[&str] = match what {
        "项目名称" => &["名称"],
        "主管部门及代码" => &["部门", "主管", "单位"],
        // An amount must be there too (not a column heading alone: `年初安排金额(万元)`).
        "资金总额" if !text.bytes().any(|b| b.is_ascii_digit()) => return false,
        "资金总额" => &["资金", "金额", "预算", "万元", "总额"],
        // A header word of the table (not a sentence such as `绩效指标详见附件`).
        "绩效指标表" => &["级指标", "指标值", "指标名称"],
        "年度" => return text.contains("年") && text.bytes().any(|b| b.is_ascii_digit()),
        _ => &[],
    };
    words.iter().any(|w| text.contains(w))
}

/// The length of the amount a text starts with (`174.78万元中央补` → `174.78万元`).
fn leading_amount_len(text: &str) -> Option<usize> {
    let digits = text
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, ',' | '.' | ' ')))
        .map_or(text.len(), |(i, _)| i);
    let number = text.get(..digits)?.trim_end();
    if number.is_empty() || !number.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let rest = text.get(digits..).unwrap_or("");
    let unit = ["亿元", "万元", "千元", "元", "万", "亿"]
        .iter()
        .find(|u| rest.starts_with(**u))
        .map_or(0, |u| u.len());
    let end = digits + unit;
    parse_amount(text.get(..end)?, Decimal::ONE)
        .is_ok()
        .then_some(end)
}

/// Whether an amount states its own money unit (`10000万元`, `250万`, `13.6 万元`).
fn has_money_unit(text: &str) -> bool {
    text.contains(['元', '万', '亿'])
}

/// A funds heading row naming last year's and this year's amounts (`项目资金(万元) | 项 目 |
/// 上年度安排资金 | 本年度申请资金`): where this year's stands among them, and how many
/// there are. Cells no label matched, at least one beginning 上年 and one 本年 or 当年 — the
/// funds lines below give their amounts in that order (columns drift, the order stays).
fn year_columns(cells: &[Cell<'_>], labels: &[Option<LabelMatch>]) -> Option<(usize, usize)> {
    // Most rows have no such cell: looked for before any key is made.
    if !cells.iter().any(|c| c.text.contains("上年")) {
        return None;
    }
    let (mut this, mut this_years, mut count) = (None, 0, 0);
    // In a row of headings (no amounts) a year's label heads its column too (`上年预算数 |
    // 当年预算数`, 当年预算数 being a funds label).
    let headings_only = is_headings_only(cells);
    let year_keys = cells
        .iter()
        .zip(labels)
        .filter(|(_, m)| headings_only || m.is_none())
        .map(|(c, _)| key(&c.text))
        .filter(|k| is_year_column(k));
    for k in year_keys {
        if !k.starts_with("上年") && !k.starts_with("下年") {
            this.get_or_insert(count);
            this_years += 1;
        }
        count += 1;
    }
    this.filter(|_| this_years == 1 && count > 1)
        .map(|this| (this, count))
}

/// `某县另一项目2024年`: words with no blank or digit in them, then a year — a heading's shape,
/// not a row's (`设施使用期限 2021-2023年`, `2021-2023年` are values of rows).
fn words_then_year(text: &str) -> bool {
    let text = text.trim();
    let head = text
        .strip_suffix("年度")
        .or_else(|| text.strip_suffix('年'))
        .and_then(|t| t.get(..t.len().saturating_sub(4)))
        .unwrap_or("");
    head.chars()
        .filter(|c| crate::read::value_text::is_han(*c))
        .count()
        >= 2
        && !head
            .chars()
            .any(|c| c.is_whitespace() || c.is_ascii_digit() || ('０'..='９').contains(&c))
}

/// `2025`, `2025年`, `2025年度`: a year and nothing else (a year column's heading).
fn names_a_year(key: &str) -> bool {
    let digits = key
        .strip_suffix("年度")
        .or_else(|| key.strip_suffix('年'))
        .unwrap_or(key);
    digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A funds column headed by the year it is about: 上年…, 本年…, 当年…, 下年….
fn is_year_column(key: &str) -> bool {
    ["上年", "本年", "当年", "下年"]
        .iter()
        .any(|w| key.starts_with(w))
}

/// A row with no amount in it: headings only.
fn is_headings_only(cells: &[Cell<'_>]) -> bool {
    !cells
        .iter()
        .any(|c| c.text.bytes().any(|b| b.is_ascii_digit()))
}

/// A field's label, then a blank, then more (`项目起止时间 2022.1—2022.12` right after an empty
/// `主管部门`): the next field, not the value of the one before.
fn field_label_then_blank(m: &LabelMatch, rest: &str) -> bool {
    matches!(m.label, Label::Field { .. })
        && rest.starts_with(is_blank)
        && !rest.trim_matches(is_blank).is_empty()
}

/// The periods of the funds pairs of a row (`中期资金总额 | 170 | 年度资金总额 | 340`).
fn funds_periods(labels: &[Option<LabelMatch>]) -> Vec<Option<Period>> {
    labels
        .iter()
        .filter_map(|m| match m {
            Some(LabelMatch {
                label: Label::Funds { period, .. },
                key,
                ..
            }) => Some(FundsBlock::label_period(key, *period)),
            _ => None,
        })
        .collect()
}

fn joined_cell<'s>(values: &[Cell<'s>], span: Span) -> Cell<'s> {
    match values {
        [one] => one.clone(),
        _ => Cell {
            text: std::borrow::Cow::Owned(
                values
                    .iter()
                    .map(|c| c.text.as_ref())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            span,
            column: values.first().map_or(0, |c| c.column),
            col_span: 1,
        },
    }
}

fn display_label(m: &LabelMatch, written: &str) -> String {
    if written.is_empty() {
        m.key.clone()
    } else {
        written.to_owned()
    }
}

/// Where the first label glued after a title begins (`…绩效目标表(2023年度)一级项目名称…`).
fn glued_label_start(text: &str, vocab: &Vocabulary) -> Option<usize> {
    text.char_indices().map(|(i, _)| i).find(|&i| {
        text.get(i..).is_some_and(|rest| {
            vocab
                .label_prefix(rest)
                .is_some_and(|(m, _)| i == 0 || m.key.chars().count() >= 4)
        })
    })
}

/// Where a new form begins inside a cell of glued text: a title (`…绩效目标表`, followed by
/// nothing but a year and a label), or — in table text, `names` — a `项目名称` glued after the
/// last indicator.
fn glued_form_start(text: &str, vocab: &Vocabulary, names: bool) -> Option<usize> {
    if text.len() < 12 {
        return None;
    }
    let mut best: Option<usize> = None;
    for (at, end) in vocab.title_endings_in(text) {
        {
            let after = text.get(end..).unwrap_or("");
            // `(2023年度)`, `2023年度`, then a label or nothing.
            let mut rest = after.trim_start_matches(is_blank);
            if let Some(inner) = rest.strip_prefix(['(', '（'])
                && let Some(close) = inner.find([')', '）'])
            {
                rest = inner.get(close..).map_or("", |r| {
                    r.get(r.chars().next().map_or(1, char::len_utf8)..)
                        .unwrap_or("")
                });
            }
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            if digits == 4 {
                rest = rest.get(4..).unwrap_or("");
                rest = rest.strip_prefix("年度").unwrap_or(rest);
            }
            let ok = rest.trim_matches(is_blank).is_empty()
                || glued_label_start(rest, vocab)
                    .is_some_and(|i| rest.get(..i).is_some_and(|h| h.chars().count() <= 3));
            if !ok {
                continue;
            }
            let start = title_start_before(text, end, vocab).unwrap_or(at);
            if start > 0 {
                best = Some(best.map_or(start, |b| b.min(start)));
            }
        }
    }
    if names {
        for (i, _) in text.char_indices().skip(1) {
            if best.is_some_and(|b| i >= b) {
                break;
            }
            let rest = text.get(i..).unwrap_or("");
            if let Some((m, _)) = vocab.label_prefix(rest)
                && matches!(
                    m.label,
                    Label::Field {
                        role: FieldRole::Name,
                        fallback: false
                    }
                )
                && m.key.chars().count() >= 4
                && !m.key.starts_with("二级")
            {
                return Some(i);
            }
        }
    }
    best
}

/// The start of a title that ends just before byte `end` of `text`.
fn title_start_before(text: &str, end: usize, vocab: &Vocabulary) -> Option<usize> {
    let head = text.get(..end)?;
    // Years after the ending: `…绩效目标表(2023年度)`, `…绩效目标表2023年度`.
    let ending_at = vocab
        .title_endings()
        .iter()
        .filter_map(|e| head.rfind(e.as_str()))
        .max()?;
    // Back over the Chinese words of the title (at most sixteen characters), then forward
    // over a unit that belongs to a number before them (`=99百分比省级部门…`).
    let mut start = ending_at;
    for (i, c) in head.get(..ending_at)?.char_indices().rev().take(16) {
        if !crate::read::value_text::is_han(c) {
            break;
        }
        start = i;
    }
    // A year inside the title (`秀屿区2025年省级…绩效目标表`): through it, and the place before.
    let before = head.get(..start).unwrap_or("");
    let year_before = head.get(start..).is_some_and(|r| r.starts_with('年'))
        && before.len() >= 4
        && before
            .get(before.len() - 4..)
            .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()))
        && !before
            .get(..before.len() - 4)
            .and_then(|b| b.chars().next_back())
            .is_some_and(|c| c.is_ascii_digit());
    if year_before {
        start -= 4;
        for (i, c) in head.get(..start)?.char_indices().rev().take(8) {
            if !crate::read::value_text::is_han(c) {
                break;
            }
            start = i;
        }
    }
    let after_number = head
        .get(..start)
        .and_then(|h| h.chars().next_back())
        .is_some_and(|c| c.is_ascii_digit() || c == '%');
    if after_number {
        let unit = split::glued_unit_len(head.get(start..).unwrap_or(""));
        start += unit;
    }
    Some(start)
}

/// Where glued text must be cut first: the end of its first piece and where the rest begins.
/// A label or header word at the start is the first piece; otherwise the text up to the next
/// one. In goal text only header words cut (a goal may mention 资金总额); inside text, only
/// words of four characters or more, or after a space, cut (short words such as 其他 occur in
/// values).
fn first_glued_cut(
    cell: &Cell<'_>,
    section: Section,
    vocab: &Vocabulary,
) -> Option<(usize, usize)> {
    let text: &str = &cell.text;
    if text.chars().count() < 5 {
        return None;
    }
    let in_header = section == Section::Header;
    let word_at = |i: usize, previous: Option<char>| -> Option<usize> {
        let rest = text.get(i..)?;
        if !vocab.may_be_label(rest) {
            return None;
        }
        let inner_ok = |chars: usize| i == 0 || chars >= 4 || previous.is_some_and(is_blank);
        // In goal text only other goal labels cut (`年度目标 年度总体目标完成情况`).
        let label_end = vocab
            .label_prefix(rest)
            .filter(|(m, _)| {
                in_header
                    || matches!(m.label, Label::Goals(_))
                        && (i == 0 || previous.is_some_and(is_blank))
                    // A line of goal text opening with 项目名称 or 主管部门 is the next field's
                    // (no goal sentence begins so).
                    || i == 0
                        && matches!(
                            m.label,
                            Label::Field {
                                role: FieldRole::Name | FieldRole::Department,
                                ..
                            }
                        )
            })
            .filter(|(m, _)| inner_ok(m.key.chars().count()))
            .map(|(_, end)| end);
        let column_end = column_word_prefix(rest, vocab);
        match (label_end, column_end) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
        .filter(|e| *e > 0)
    };
    if let Some(end) = word_at(0, None) {
        // The cell is one word: nothing to cut.
        return (end < text.len()).then_some((end, end));
    }
    let mut previous = None;
    for (i, c) in text.char_indices() {
        if i > 0 && word_at(i, previous).is_some() {
            return Some((i, i));
        }
        previous = Some(c);
    }
    None
}

/// The byte offset in `text` after its first `chars` non-blank characters (a position in a
/// normalised key, found again in the text).
fn byte_after_key_chars(text: &str, chars: usize) -> usize {
    let mut seen = 0;
    for (i, c) in text.char_indices() {
        if seen == chars {
            return i;
        }
        if !is_blank(c) {
            seen += 1;
        }
    }
    text.len()
}

/// Whether the words of the indicator table's header take part in a header row.
fn is_key_column(role: ColumnRole) -> bool {
    matches!(
        role,
        ColumnRole::Level1
            | ColumnRole::Level2
            | ColumnRole::Name
            | ColumnRole::Value
            | ColumnRole::MidtermValue
    )
}

/// A header row written in one cell (`年度绩效目标(90分) 一级指标 二级指标 三级指标 指标值 分值`,
/// `绩效指标一级指标二级指标指标内容指标值`): its words as cells, and where the text after them
/// begins. At least two of 一级/二级/三级/指标值, one after the other.
fn header_in_cell<'s>(
    cell: &Cell<'s>,
    vocab: &Vocabulary,
) -> Option<(Vec<Cell<'s>>, Option<usize>)> {
    header_in_cell_from(cell, header_start_in(&cell.text, vocab)?, vocab)
}

/// [`header_in_cell`] with the header words' start already found.
fn header_in_cell_from<'s>(
    cell: &Cell<'s>,
    start: usize,
    vocab: &Vocabulary,
) -> Option<(Vec<Cell<'s>>, Option<usize>)> {
    let text: &str = &cell.text;
    // Only a short group word may come before the header words (`年度绩效目标(90分)`), or
    // a group word with a note on the weights (`绩效指标(权重分值90分,其中产出指标…)`).
    if text.get(..start).is_some_and(|b| {
        let group = vocab
            .column(b.trim_matches(is_blank))
            .is_some_and(|c| c.role == ColumnRole::Group);
        !group
            && (b.chars().count() > 14
                || !b.trim().is_empty() && !b.contains("指标") && !b.contains("绩效"))
    }) {
        return None;
    }
    let mut cells = Vec::new();
    // What comes before the header words (a group cell such as 年度绩效目标(90分)).
    if let Some(before) = split::sub_cell(cell, 0..start) {
        cells.push(before);
    }
    let mut i = start;
    let mut keys = 0;
    loop {
        let rest = text.get(i..).unwrap_or("");
        let blank = rest.len() - rest.trim_start_matches(is_blank).len();
        let word = rest.get(blank..).unwrap_or("");
        let Some(end) = column_word_any(word, vocab) else {
            break;
        };
        if vocab
            .column(word.get(..end).unwrap_or(""))
            .is_some_and(|c| is_key_column(c.role))
        {
            keys += 1;
        }
        cells.extend(split::sub_cell(cell, i + blank..i + blank + end));
        i += blank + end;
    }
    if keys < 2 {
        return None;
    }
    for (k, c) in cells.iter_mut().enumerate() {
        c.column = k;
    }
    let rest = text.get(i..).unwrap_or("");
    let rest_at = (!rest.trim_matches(is_blank).is_empty()).then_some(i);
    Some((cells, rest_at))
}

/// What is known of a glued cell for the pieces it is read in, each the rest of the one
/// before (or of the cell): its key, and where its header words begin. Both answer for the
/// rest from a position from what was found for the whole, so a long glued line is not
/// looked at to its end again for every piece (quadratic: a line of ten thousand short words
/// took seconds).
struct GluedPieces<'s> {
    whole: std::borrow::Cow<'s, str>,
    /// [`key`] of `whole`, and how much of it the bytes of `whole` before `key_at.0` make.
    key: String,
    key_at: (usize, usize),
    /// From which byte of `whole` [`header_start_in`] last looked, and what it found there:
    /// the answer at a position depends only on the text from there to the end, so a scan
    /// answers for every later piece before what it found.
    header_scan: Option<(usize, Option<usize>)>,
}

impl<'s> GluedPieces<'s> {
    fn new(whole: std::borrow::Cow<'s, str>) -> Self {
        let key = key(&whole).into_owned();
        GluedPieces {
            whole,
            key,
            key_at: (0, 0),
            header_scan: None,
        }
    }

    /// Where `piece` begins in the whole, if it is the whole's rest from there.
    fn rest_at(&self, piece: &str) -> Option<usize> {
        self.whole
            .len()
            .checked_sub(piece.len())
            .filter(|&from| self.whole.get(from..) == Some(piece))
    }

    /// [`key`] of a piece. The key of the rest from a byte is the whole's key from the bytes
    /// the characters before it make (the trailing colons a key drops are the same ones, or
    /// the whole rest).
    fn key<'p>(&'p mut self, piece: &'p str) -> std::borrow::Cow<'p, str> {
        let Some(from) = self.rest_at(piece) else {
            return key(piece);
        };
        if from < self.key_at.0 {
            self.key_at = (0, 0);
        }
        let (raw, made) = self.key_at;
        let more: usize = self
            .whole
            .get(raw..from)
            .unwrap_or("")
            .chars()
            .filter_map(crate::read::vocabulary::key_char)
            .map(char::len_utf8)
            .sum();
        self.key_at = (from, made + more);
        let at = (made + more).min(self.key.len());
        std::borrow::Cow::Borrowed(self.key.get(at..).unwrap_or(""))
    }

    /// [`header_start_in`] of a piece.
    fn header_start(&mut self, piece: &str, vocab: &Vocabulary) -> Option<usize> {
        let Some(from) = self.rest_at(piece) else {
            return header_start_in(piece, vocab);
        };
        if !piece.contains("指标") && !piece.contains('值') {
            return None;
        }
        match self.header_scan {
            Some((scanned, None)) if scanned <= from => return None,
            Some((scanned, Some(at))) if scanned <= from && from <= at => return Some(at - from),
            _ => {}
        }
        let found = header_start_in(piece, vocab);
        self.header_scan = Some((from, found.map(|at| from + at)));
        found
    }
}

/// Where a run of header words (two key words or more) begins in `text`.
fn header_start_in(text: &str, vocab: &Vocabulary) -> Option<usize> {
    if !text.contains("指标") && !text.contains('值') {
        return None;
    }
    for (i, _) in text.char_indices() {
        let rest = text.get(i..).unwrap_or("");
        let Some(end) = column_word_any(rest, vocab) else {
            continue;
        };
        let first_key = vocab
            .column(rest.get(..end).unwrap_or(""))
            .is_some_and(|c| is_key_column(c.role) || c.role == ColumnRole::Group);
        if !first_key {
            continue;
        }
        // The next word must be a key header word too.
        let after = rest.get(end..).unwrap_or("");
        let blank = after.len() - after.trim_start_matches(is_blank).len();
        let next = after.get(blank..).unwrap_or("");
        if let Some(next_end) = column_word_any(next, vocab)
            && vocab
                .column(next.get(..next_end).unwrap_or(""))
                .is_some_and(|c| is_key_column(c.role))
        {
            return Some(i);
        }
    }
    None
}

/// A header word (two characters or more) at the start of `text`: its byte length.
fn column_word_any(text: &str, vocab: &Vocabulary) -> Option<usize> {
    if !vocab.may_be_column(text) {
        return None;
    }
    let mut best = None;
    let mut chars = 0;
    for (i, c) in text.char_indices() {
        if is_blank(c) {
            break;
        }
        chars += 1;
        if chars > 14 {
            break;
        }
        let end = i + c.len_utf8();
        if chars >= 2
            && let Some(candidate) = text.get(..end)
            && vocab.column(candidate).is_some()
        {
            best = Some(end);
        }
    }
    best
}

/// A header word of at least four characters at the start of `text` (`一级指标`, `指标目标值`):
/// its byte length.
fn column_word_prefix(text: &str, vocab: &Vocabulary) -> Option<usize> {
    if !vocab.may_be_column(text) {
        return None;
    }
    let mut best = None;
    let mut chars = 0;
    for (i, c) in text.char_indices() {
        chars += 1;
        if chars > 12 {
            break;
        }
        let end = i + c.len_utf8();
        if chars >= 3
            && let Some(candidate) = text.get(..end)
            && vocab
                .column_in_text(candidate)
                .is_some_and(|col| col.role != ColumnRole::Unit)
        {
            best = Some(end);
        }
    }
    best
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
            d.project = Some(ProjectRef::of(p));
        }
    }
}

/// `2025年度项目支出绩效目标申报表` → 2025.
fn leading_year(key: &str) -> Option<i32> {
    let key = key.strip_prefix('(').unwrap_or(key);
    let digits: String = key.chars().take_while(char::is_ascii_digit).collect();
    (digits.len() == 4 && key.get(4..).is_some_and(|r| r.starts_with('年')))
        .then(|| digits.parse().ok())
        .flatten()
}

/// The year a title names: at its start (`2025年度项目支出…`), or once inside it
/// (`秀屿区2025年省级第七批水利专项资金绩效目标表`). Two years in a title say nothing certain.
fn title_year(head: &str) -> Option<i32> {
    if let Some(year) = leading_year(head) {
        return Some(year);
    }
    let bytes = head.as_bytes();
    let mut found = None;
    for (at, _) in head.match_indices('年') {
        let Some(start) = at.checked_sub(4) else {
            continue;
        };
        let four = bytes.get(start..at).unwrap_or(&[]);
        let before_is_digit = start
            .checked_sub(1)
            .and_then(|b| bytes.get(b))
            .is_some_and(u8::is_ascii_digit);
        if four.iter().all(u8::is_ascii_digit) && !before_is_digit {
            let year = head.get(start..at).and_then(|d| d.parse::<i32>().ok());
            if found.is_some() && found != year {
                return None;
            }
            found = year;
        }
    }
    found.filter(|y| YEARS.contains(y))
}

/// The years a form can be for: a four-digit number outside them is not a form's year.
pub const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// The year a short line outside any form ends in (`…推进项目)2022年`, `…2023年度`), with its
/// place: a title wrapped over lines may carry its year at the end of a line before its last.
/// Not a sentence (no `，。；：`), not a date (`2022年5月27日` ends in 日).
fn ends_in_year(cell: &Cell<'_>) -> Option<Spanned<i32>> {
    let text = cell.text.trim_end();
    if text.chars().count() > 40 || text.contains(['，', '。', '；', '：', ',', ';', ':']) {
        return None;
    }
    let digits_end = text
        .strip_suffix("年度")
        .or_else(|| text.strip_suffix('年'))?
        .len();
    let start = digits_end.checked_sub(4)?;
    let digits = text.get(start..digits_end)?;
    // The line must say more than the year (a year alone is a year line), the year be four
    // digits of their own, and the line not date an event (`某某局成立于1998年`).
    let before = text.get(..start).and_then(|b| b.chars().next_back());
    if before.is_none_or(|c| c.is_ascii_digit() || matches!(c, '于' | '在' | '自' | '从'))
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let year: i32 = digits.parse().ok()?;
    if !YEARS.contains(&year) {
        return None;
    }
    // The year's own place when the cell is the source text as it stands, else the cell's.
    let span = if matches!(cell.text, std::borrow::Cow::Borrowed(_))
        && cell.span.end - cell.span.start == cell.text.len()
    {
        Span::new(cell.span.start + start, cell.span.start + text.len())
    } else {
        cell.span
    };
    Some(Spanned::new(year, span))
}

/// `(2025年度)`, `（2025年度）`, `2025年度`, `2020年度)`.
/// Where a label the vocabulary does not know begins at the end of a field's value cut at
/// runs of spaces: a blank, two to eight Han characters (brackets allowed) and a colon
/// (`324-某局 项目经办人:`, `某局 项目经办人: 某某`). Returns the label's start and the end of
/// its colon.
fn trailing_unknown_label(text: &str) -> Option<(usize, usize)> {
    let mut blank_before = false;
    for (at, c) in text.char_indices() {
        if is_blank(c) {
            blank_before = true;
            continue;
        }
        if std::mem::take(&mut blank_before)
            && let Some(len) = unknown_label_len(text.get(at..).unwrap_or(""))
        {
            return Some((at, at + len));
        }
    }
    None
}

/// The length of a label the vocabulary does not know at the start of `text`: two to eight
/// Han characters ending in a word fields are named by (`…人`, `…电话`, `…名称` …) and a colon.
/// (A place or a unit before a colon — `某某镇 养老院:`, `某某市 民政局:`, `一期:` — is part of a
/// name, not a label.)
fn unknown_label_len(text: &str) -> Option<usize> {
    let (word_end, colon_end) = han_word_and_colon(text)?;
    let word = text.get(..word_end).unwrap_or("");
    FIELD_NAME_ENDINGS
        .iter()
        .any(|e| word.ends_with(e))
        .then_some(colon_end)
}

/// Two to eight Han characters and a colon at the start of `text`: where the word ends and
/// where the colon does.
fn han_word_and_colon(text: &str) -> Option<(usize, usize)> {
    for (count, (j, d)) in text.char_indices().enumerate() {
        if matches!(d, ':' | '：') {
            return (2..=8).contains(&count).then_some((j, j + d.len_utf8()));
        }
        if !crate::read::value_text::is_han(d) || count >= 8 {
            return None;
        }
    }
    None
}

/// Words a header field's name ends in (`项目经办人`, `经办人电话`, `项目类型` …).
const FIELD_NAME_ENDINGS: [&str; 18] = [
    "人", "电话", "名称", "编码", "代码", "编号", "时间", "日期", "期限", "类型", "类别", "性质",
    "级次", "方式", "地点", "依据", "邮箱", "传真",
];

/// Goal labels that say no period: over `中期目标 | 年度目标` they head the rows, and the label
/// after them says whose goals each row holds.
const GENERIC_GOAL_LABELS: [&str; 5] = [
    "总体目标",
    "项目绩效目标",
    "绩效目标",
    "整体目标",
    "项目整体目标",
];

/// Labels of the department's code in a cell of its own (kept in `extra`, and the code).
const DEPARTMENT_CODE_LABELS: [&str; 3] = ["主管部门编码", "主管部门代码", "部门编码"];

/// Labels of the budget year as a field (see [`Parser::year_field`]).
const YEAR_LABELS: [&str; 6] = [
    "年度",
    "预算年度",
    "申报年度",
    "所属年度",
    "项目年度",
    "绩效年度",
];

fn year_line(key: &str) -> Option<i32> {
    let inner = key.strip_prefix(['(', '（']).unwrap_or(key);
    let inner = inner.strip_suffix([')', '）']).unwrap_or(inner);
    let digits = inner
        .strip_suffix("年度")
        .or_else(|| inner.strip_suffix('年'))?;
    (digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// Page numbers a PDF export leaves between rows: `- 3 -`, `第3页`, `第3页共26页`, `共26页第3页`,
/// `3/26`.
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
    // `共26页 第3页`: the count first.
    if let Some((count, rest)) = key.strip_prefix('共').and_then(|k| k.split_once('页')) {
        let rest = rest.trim_start_matches([',', '，', '/']);
        return digits(count)
            && rest
                .strip_prefix('第')
                .and_then(|r| r.strip_suffix('页'))
                .is_some_and(digits);
    }
    if let Some((a, b)) = key.split_once('/') {
        return digits(a) && digits(b);
    }
    key.chars().all(|c| c == '\u{c}')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the pieces of a glued cell are told is what looking at each piece alone says.
    #[test]
    fn a_glued_cells_pieces_get_the_answers_of_their_own_text() {
        let vocab = Vocabulary::builtin();
        let texts = [
            "项目名称 某某项目 （一）资金总额：10万元 年度目标：完成 一级指标 二级指标 三级指标 指标值",
            "说明 说明 绩效指标 一级指标二级指标三级指标指标值 产出指标 数量指标 人数 ≥10人：：",
            "？*项目 名称＊ ：：",
            "一级指标 二级指标 一级指标 三级指标 指标值 绩效目标值",
            "",
        ];
        for text in texts {
            let starts: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            // Pieces from the left, as the reader takes them, then after going back.
            let mut pieces = GluedPieces::new(std::borrow::Cow::Borrowed(text));
            for &i in starts.iter().chain(starts.iter().rev()) {
                let piece = &text[i..];
                assert_eq!(pieces.key(piece), key(piece), "key of {piece:?}");
                assert_eq!(
                    pieces.header_start(piece, vocab),
                    header_start_in(piece, vocab),
                    "header start in {piece:?}"
                );
            }
            // A text that is no piece of the cell is looked at as itself.
            assert_eq!(pieces.key("项目 名称："), key("项目 名称："));
        }
    }

    #[test]
    fn remembered_labels_are_the_vocabularys() {
        let vocab = Vocabulary::builtin();
        let cache = LabelCache::new(vocab);
        let texts = [
            "项目名称",
            "项目名称：",
            "（一）资金总额（万元）",
            "其中:上级补助",
            "年度资金总额:16",
            "项目名称农村义务教育",
            "主管部门及代码",
            "实施单位",
            "中期目标(2023年—2023年)",
            "农村义务教育学生营养改善计划",
            "项",
            "年度主要目标",
            "",
            "一个很长很长很长很长很长很长很长很长很长很长很长的值",
        ];
        // Twice over, and past the cache's size: every answer is the vocabulary's.
        for round in 0..2 {
            for text in texts {
                assert_eq!(cache.label(text), vocab.label(text), "{text} ({round})");
                assert_eq!(
                    cache.label_prefix(text),
                    vocab.label_prefix(text),
                    "{text} ({round})"
                );
                assert_eq!(
                    cache.is_label_start(text),
                    vocab.is_label_start(text),
                    "{text} ({round})"
                );
            }
        }
        for k in 0..LabelCache::MAX_ENTRIES + 10 {
            let text = format!("项目{k}");
            assert_eq!(cache.label(&text), vocab.label(&text));
            assert_eq!(cache.label_prefix(&text), vocab.label_prefix(&text));
        }
        assert_eq!(cache.whole.borrow().len(), LabelCache::MAX_ENTRIES);
        assert_eq!(cache.label("项目名称"), vocab.label("项目名称"));
    }

    #[test]
    fn page_furniture() {
        for key in [
            "-3-",
            "第3页",
            "第3页共26页",
            "第3页,共26页",
            "3/26",
            "—12—",
            "共26页第3页",
            "共26页,第3页",
        ] {
            assert!(is_page_furniture(key), "{key}");
        }
        for key in ["第三季度", "3", "-a-", "目标1:", "共26页", "共3页第二批"] {
            assert!(!is_page_furniture(key), "{key}");
        }
    }

    #[test]
    fn titles_and_years() {
        let v = Vocabulary::builtin();
        assert!(title("项目支出绩效目标批复表", v).is_some());
        assert!(title("项目支出绩效目标表", v).is_some());
        assert_eq!(
            title("2025年度项目支出绩效目标申报表", v).unwrap().year,
            Some(2025)
        );
        assert_eq!(
            title("部门预算项目绩效目标申报表(2023年度)", v)
                .unwrap()
                .year,
            Some(2023)
        );
        assert!(title("绩效目标申报表(基础设施建设类)", v).is_some());
        assert!(title("标题项目支出绩效目标表3文号", v).is_none());
        assert!(title("项目支出绩效目标表3", v).is_none());
        assert!(title("详见单位的项目绩效目标表", v).is_none());
        assert!(
            title(
                "东莞市财政项目支出绩效目标批复表(镇际联网路升级改造工程一期)-文号:",
                v
            )
            .is_none()
        );
        assert!(
            title("2022年部门整体支出绩效目标表", v)
                .unwrap()
                .other
                .is_some()
        );
        let glued = title(
            "省级部门预算项目支出绩效目标表(2023年度)一*级项目名称文化",
            v,
        );
        assert!(glued.is_some_and(|t| !t.rest.is_empty()));
        assert_eq!(year_line("(2025年度)"), Some(2025));
        assert_eq!(year_line("（2024年度）"), Some(2024));
        assert_eq!(year_line("2020年度)"), Some(2020));
        assert_eq!(year_line("(20255年度)"), None);
    }
}
