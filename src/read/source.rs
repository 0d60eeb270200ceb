//! Source documents: decoding bytes to text (UTF-8 with or without BOM, UTF-16 with BOM,
//! GB18030/GBK), and mapping byte offsets to 1-based lines and character columns.
//!
//! Every span in jixiao is a byte range into [`SourceFile::text`], the *decoded* text, so a
//! GB18030 file and its UTF-8 twin give the same model and diagnostics point at the same cells.

use crate::diagnostic::{Diagnostic, Severity};
use crate::span::Span;
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// How the bytes of a source were decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Gb18030,
    /// Not valid in any supported encoding: decoded as UTF-8 with U+FFFD replacements.
    Utf8Lossy,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 (BOM)",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Gb18030 => "GB18030",
            Encoding::Utf8Lossy => "UTF-8 (invalid bytes replaced)",
        }
    }
}

/// Where each line begins. Offsets are stored in 32 bits when the text is under 4 GiB (every
/// real document): half the memory of a `usize` per line, which on 100 MB of forms is 8 MB.
#[derive(Debug, Clone)]
enum LineStarts {
    Narrow(Vec<u32>),
    Wide(Vec<usize>),
}

impl LineStarts {
    fn of(text: &str) -> Self {
        let starts =
            std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        match u32::try_from(text.len()) {
            Ok(_) => LineStarts::Narrow(
                starts
                    .map(|offset| u32::try_from(offset).unwrap_or(u32::MAX))
                    .collect(),
            ),
            Err(_) => LineStarts::Wide(starts.collect()),
        }
    }

    fn len(&self) -> usize {
        match self {
            LineStarts::Narrow(v) => v.len(),
            LineStarts::Wide(v) => v.len(),
        }
    }

    fn get(&self, line: usize) -> Option<usize> {
        match self {
            LineStarts::Narrow(v) => v.get(line).map(|&o| o as usize),
            LineStarts::Wide(v) => v.get(line).copied(),
        }
    }

    /// The 0-based line containing byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        let after = match self {
            LineStarts::Narrow(v) => v.partition_point(|&o| o as usize <= offset),
            LineStarts::Wide(v) => v.partition_point(|&o| o <= offset),
        };
        after.saturating_sub(1)
    }
}

/// A decoded document with a line index.
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: String,
    text: String,
    encoding: Encoding,
    /// Byte offset of the first character of every line.
    line_starts: LineStarts,
    /// For text with long lines: (byte, characters before it) every [`CHAR_MARK_BYTES`], so a
    /// column is counted from the nearest mark rather than from a line start megabytes back.
    char_marks: Vec<(usize, usize)>,
    /// The text as code frames show it (see [`shown_in_frames`]), made the first time a frame
    /// shows a character a terminal would act on.
    shown: std::sync::OnceLock<Option<String>>,
    /// For spreadsheets: which lines of the text are the rows of which sheet.
    sheets: Vec<SheetLines>,
}

/// The rows of one sheet, written as consecutive lines of a [`SourceFile`]'s text (cells
/// separated by tabs, one line per spreadsheet row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetLines {
    /// The sheet's name (empty for CSV; `表2` for a Word table).
    pub name: String,
    /// 0-based index of the line holding row 1.
    pub first_line: usize,
    pub rows: usize,
    pub kind: GridKind,
    /// A table ends after these rows (a PDF table not continued on the next page): what
    /// follows is not its rows.
    pub ends_table: bool,
}

/// What the lines of a [`SheetLines`] are, which says how a place in them is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GridKind {
    /// Spreadsheet rows: `Sheet1!D14`.
    #[default]
    Sheet,
    /// The rows of a Word table: `表2 第5行 第3列`.
    WordTable,
    /// Paragraphs of a Word document, one per line: `第3段`.
    WordText {
        /// The 1-based number of the first paragraph in the document.
        first_paragraph: usize,
    },
    /// The rows of a table rebuilt from a PDF page: `第2页 表1 第5行 第3列`.
    PdfTable,
    /// Lines of a PDF page outside its tables: `第2页 表外第3行`.
    PdfText {
        /// The 1-based number of the first line on its page.
        first_line: usize,
    },
}

/// Where a byte offset is in a spreadsheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellPosition {
    pub sheet: String,
    pub kind: GridKind,
    /// 1-based row.
    pub row: usize,
    /// 1-based column (A = 1).
    pub column: usize,
}

impl CellPosition {
    /// `Sheet1!D14`, or `D14` for a CSV file.
    pub fn reference(&self) -> String {
        match self.kind {
            GridKind::Sheet => {}
            GridKind::WordTable | GridKind::PdfTable => {
                return format!("{} 第{}行 第{}列", self.sheet, self.row, self.column);
            }
            GridKind::PdfText { first_line } => {
                return format!("{} 表外第{}行", self.sheet, first_line + self.row - 1);
            }
            GridKind::WordText { first_paragraph } => {
                return format!("第{}段", first_paragraph + self.row - 1);
            }
        }
        let mut letters = String::new();
        let mut n = self.column;
        while n > 0 {
            let rem = (n - 1) % 26;
            letters.insert(0, char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
            n = (n - 1) / 26;
        }
        if self.sheet.is_empty() {
            format!("{letters}{}", self.row)
        } else {
            format!("{}!{letters}{}", self.sheet, self.row)
        }
    }
}

/// A 1-based line and 1-based column counted in characters (not bytes, not display cells).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    /// A source from text that is already decoded.
    pub fn from_text(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self::build(name.into(), text.into(), Encoding::Utf8)
    }

    /// Decode raw bytes, detecting the encoding. Problems with the bytes come back as diagnostics;
    /// decoding itself never fails.
    pub fn decode(name: impl Into<String>, bytes: &[u8]) -> (Self, Vec<Diagnostic>) {
        SourceFile::decode_vec(name, bytes.to_vec())
    }

    /// [`SourceFile::decode`] taking the bytes: UTF-8 needs no copy.
    pub fn decode_vec(name: impl Into<String>, bytes: Vec<u8>) -> (Self, Vec<Diagnostic>) {
        let name = name.into();
        let mut diagnostics = Vec::new();
        let (text, encoding) = decode_bytes(bytes);
        let source = Self::build(name, text, encoding);
        if encoding == Encoding::Utf8Lossy {
            let at = source.text.find('\u{FFFD}').unwrap_or(0);
            let end = at
                + '\u{FFFD}'
                    .len_utf8()
                    .min(source.text.len().saturating_sub(at));
            diagnostics.push(
                Diagnostic::new(
                    "source::invalid-encoding",
                    Severity::Warning,
                    "文件既不是有效的 UTF-8，也不是有效的 GB18030 编码",
                )
                .with_primary(Span::new(at, end), Some("第一个无法解码的字节".into()))
                .with_help("无法解码的字节已替换为 U+FFFD；请将文件另存为 UTF-8 编码后重新检查"),
            );
        }
        (source, diagnostics)
    }

    fn build(name: String, text: String, encoding: Encoding) -> Self {
        let text = lone_cr_as_newline(text);
        let line_starts = LineStarts::of(&text);
        let char_marks = char_marks(&text, &line_starts);
        SourceFile {
            name,
            text,
            encoding,
            line_starts,
            char_marks,
            shown: std::sync::OnceLock::new(),
            sheets: Vec::new(),
        }
    }

    /// How many characters come before byte `offset` (a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let mark = self.char_marks.partition_point(|&(byte, _)| byte <= offset);
        let (byte, chars) = mark
            .checked_sub(1)
            .and_then(|i| self.char_marks.get(i))
            .copied()
            .unwrap_or((0, 0));
        chars + self.text.get(byte..offset).map_or(0, |s| s.chars().count())
    }

    /// A source whose text holds the rows of spreadsheets (see [`SheetLines`]).
    pub fn from_sheets(name: impl Into<String>, text: String, sheets: Vec<SheetLines>) -> Self {
        let mut source = Self::build(name.into(), text, Encoding::Utf8);
        source.sheets = sheets;
        source
    }

    /// For spreadsheets and Word documents: which lines are which sheet's (or table's) rows.
    pub fn sheets(&self) -> &[SheetLines] {
        &self.sheets
    }

    pub fn is_sheet(&self) -> bool {
        !self.sheets.is_empty()
    }

    /// For spreadsheet sources: the sheet, row and column of a byte offset.
    pub fn cell(&self, offset: usize) -> Option<CellPosition> {
        let line = self.line_index(offset.min(self.text.len()));
        let sheet = self
            .sheets
            .iter()
            .find(|s| (s.first_line..s.first_line + s.rows).contains(&line))?;
        let start = self.line_starts.get(line).unwrap_or(0);
        let before = self
            .text
            .get(start..floor_char_boundary(&self.text, offset.min(self.text.len())))?;
        Some(CellPosition {
            sheet: sheet.name.clone(),
            kind: sheet.kind,
            row: line - sheet.first_line + 1,
            column: before.matches('\t').count() + 1,
        })
    }

    /// The line number to show for 0-based line `index`: its row in its sheet for spreadsheets.
    pub fn display_line(&self, index: usize) -> usize {
        self.sheets
            .iter()
            .find(|s| (s.first_line..s.first_line + s.rows).contains(&index))
            .map_or(index + 1, |s| index - s.first_line + 1)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The text of a span; empty if the span is out of range or not on character boundaries.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// 0-based line index containing byte `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        self.line_starts.line_of(offset)
    }

    /// 1-based line number of byte `offset`.
    pub fn line_number(&self, offset: usize) -> usize {
        self.line_index(offset) + 1
    }

    /// 1-based line and character column of byte `offset` (clamped to the text).
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let index = self.line_index(offset);
        let start = self.line_starts.get(index).unwrap_or(0);
        let column = if offset - start <= CHAR_MARK_BYTES {
            self.text
                .get(start..offset)
                .map_or(0, |s| s.chars().count())
        } else {
            self.chars_before(offset) - self.chars_before(start)
        } + 1;
        Position {
            line: index + 1,
            column,
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The byte span of line `index` (0-based), without its line terminator.
    pub fn line_span(&self, index: usize) -> Span {
        let start = self.line_starts.get(index).unwrap_or(self.text.len());
        let mut end = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |next| next.saturating_sub(1));
        if end > start && self.text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Span::new(start, end.max(start))
    }
}

/// Old Mac files end lines with a lone `\r`: it becomes `\n` (one byte for one, so every
/// offset stays the byte's in the file), and frames and line numbers come out right.
fn lone_cr_as_newline(text: String) -> String {
    let bytes = text.as_bytes();
    let lone = |i: usize| bytes.get(i + 1) != Some(&b'\n');
    if !memchr::memchr_iter(b'\r', bytes).any(lone) {
        return text;
    }
    let mut out = text.into_bytes();
    for i in 0..out.len() {
        if out.get(i) == Some(&b'\r')
            && out.get(i + 1) != Some(&b'\n')
            && let Some(b) = out.get_mut(i)
        {
            *b = b'\n';
        }
    }
    // Only ASCII bytes were swapped for ASCII bytes: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Distance between character marks; shorter lines need none.
const CHAR_MARK_BYTES: usize = 4096;

/// Character marks for `text`, when some line is longer than [`CHAR_MARK_BYTES`].
fn char_marks(text: &str, lines: &LineStarts) -> Vec<(usize, usize)> {
    let long_line = (0..lines.len()).any(|i| {
        let start = lines.get(i).unwrap_or(0);
        let end = lines.get(i + 1).unwrap_or(text.len());
        end - start > CHAR_MARK_BYTES
    });
    if !long_line {
        return Vec::new();
    }
    let mut marks = Vec::with_capacity(text.len() / CHAR_MARK_BYTES + 1);
    let (mut byte, mut chars) = (0, 0);
    while byte < text.len() {
        let next = ceil_char_boundary(text, (byte + CHAR_MARK_BYTES).min(text.len()));
        chars += text.get(byte..next).map_or(0, |s| s.chars().count());
        byte = next;
        marks.push((byte, chars));
    }
    marks
}

fn ceil_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset < text.len() && !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn decode_bytes(mut bytes: Vec<u8>) -> (String, Encoding) {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
        return match String::from_utf8(bytes) {
            Ok(s) => (s, Encoding::Utf8Bom),
            Err(e) => (
                String::from_utf8_lossy(e.as_bytes()).into_owned(),
                Encoding::Utf8Lossy,
            ),
        };
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (encoding, tag) = if bytes.starts_with(b"\xFF\xFE") {
            (encoding_rs::UTF_16LE, Encoding::Utf16Le)
        } else {
            (encoding_rs::UTF_16BE, Encoding::Utf16Be)
        };
        let (text, had_errors) = encoding.decode_with_bom_removal(&bytes);
        return (
            text.into_owned(),
            if had_errors { Encoding::Utf8Lossy } else { tag },
        );
    }
    // Converted in place: validating with simdutf8 and copying was 9 ms faster on 10 MB but
    // held the file twice at once (+30 MB peak on 62 MB of pretty JSON); `unsafe` is forbidden.
    let bytes = match String::from_utf8(bytes) {
        Ok(s) => return (s, Encoding::Utf8),
        Err(e) => e.into_bytes(),
    };
    if let Some(text) =
        encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(&bytes)
    {
        return (text.into_owned(), Encoding::Gb18030);
    }
    (
        String::from_utf8_lossy(&bytes).into_owned(),
        Encoding::Utf8Lossy,
    )
}

/// `text` with what a terminal would act on replaced by characters of the same UTF-8 length, so
/// every byte offset stays valid: a C0 control or DEL (an escape sequence's `\x1b`) becomes `?`,
/// a C1 control `¿`, a bidirectional override `�`. `None` when there is nothing to replace.
fn shown_in_frames(text: &str) -> Option<String> {
    if !has_terminal_controls(text) {
        return None;
    }
    Some(
        text.chars()
            .map(|c| match c {
                c if !acts_on_terminal(c) => c,
                c if c.len_utf8() == 1 => '?',
                c if c.len_utf8() == 2 => '¿',
                _ => '\u{fffd}',
            })
            .collect(),
    )
}

/// What a terminal would act on: controls but line ends and tabs, and bidi overrides.
fn acts_on_terminal(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t' | '\r')) || crate::diagnostic::is_bidi_control(c)
}

/// Whether `text` holds a character [`acts_on_terminal`]. Decoding every character cost ~2 %
/// of a run when whole documents were tested: bytes are tested, and only the rare lead bytes
/// the controls and bidi overrides begin with are decoded.
fn has_terminal_controls(text: &str) -> bool {
    let ascii_acts = |b: u8| (b < 0x20 && !matches!(b, b'\n' | b'\t' | b'\r')) || b == 0x7f;
    crate::read::recognize::normalize::any_special(text, ascii_acts, acts_on_terminal)
}

/// At most this many bytes of a line are shown before and after the span a frame points at.
const MAX_CONTEXT_BYTES: usize = 320;

/// A frame on a line longer than this (a JSON model written on one line, not a row of a form)
/// shows only [`LONG_LINE_CONTEXT_BYTES`] either side: about 80 columns of Chinese text or
/// 120 of ASCII, one screen wide. With 320 either side such frames were four screens wide and
/// cost three times as much to lay out as a form's.
const LONG_LINE_BYTES: usize = 2048;
const LONG_LINE_CONTEXT_BYTES: usize = 120;

/// miette reads source through this impl so that the `[file:line:col]` header counts columns in
/// characters, like every other position jixiao prints (miette's `str` impl counts bytes).
impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // Found with the line index, not by scanning the text from its start as miette's `str`
        // impl does (that made every snippet cost the whole file).
        let offset = span.offset();
        if offset > self.text.len() || offset + span.len() > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.line_index(offset);
        let last = self.line_index((offset + span.len()).saturating_sub(1).max(offset));
        let (data_start, data_end) = if context_lines_before == 0 && context_lines_after == 0 {
            // The header's read: from the span's start to the end of its last line.
            (offset, self.line_span(last).end.max(offset + span.len()))
        } else {
            let from = first.saturating_sub(context_lines_before);
            let to = (last + context_lines_after).min(self.line_count().saturating_sub(1));
            (self.line_span(from).start, self.line_span(to).end)
        };
        // A frame shows at most a screenful around the span: a ten-megabyte line is cut to the
        // part near what it points at, not printed whole.
        let context = if self.line_span(first).len() > LONG_LINE_BYTES {
            LONG_LINE_CONTEXT_BYTES
        } else {
            MAX_CONTEXT_BYTES
        };
        let mut data_start = data_start.max(offset.saturating_sub(context));
        while !self.text.is_char_boundary(data_start) {
            data_start += 1;
        }
        let mut data_end = data_end
            .min(offset + span.len() + context)
            .max(data_start)
            .min(self.text.len());
        while !self.text.is_char_boundary(data_end) {
            data_end -= 1;
        }
        let data_end = data_end.max(data_start);
        let window = self
            .text
            .get(data_start..data_end)
            .ok_or(MietteError::OutOfBounds)?;
        // Most frames show nothing a terminal would act on: only the window is tested, and the
        // document is copied with its controls replaced the first time a frame needs it (not
        // when a control sits somewhere no frame shows).
        let data = if has_terminal_controls(window) {
            self.shown
                .get_or_init(|| shown_in_frames(&self.text))
                .as_deref()
                .unwrap_or(&self.text)
                .get(data_start..data_end)
                .ok_or(MietteError::OutOfBounds)?
        } else {
            window
        };
        let data_span = SourceSpan::from((data_start, data_end - data_start));
        let inner = MietteSpanContents::new(data.as_bytes(), data_span, 0, 0, 0);
        let start = self.position(data_span.offset());
        // A spreadsheet shows its rows' numbers, and the header (read with no context) names
        // the cell: `book.xlsx Sheet1!D14`.
        let (name, first_line) = match self.cell(span.offset()) {
            Some(cell) if context_lines_before == 0 && context_lines_after == 0 => (
                format!("{} {}", self.name, cell.reference()),
                self.display_line(start.line - 1),
            ),
            Some(_) => (self.name.clone(), self.display_line(start.line - 1)),
            None => (self.name.clone(), start.line),
        };
        // The number of lines the contents cover. (miette's `str` impl reports the absolute line
        // of the end instead, which makes it merge every pair of labels into one huge snippet.)
        let end = data_span.offset() + data_span.len();
        let last_line = self.line_index(end.saturating_sub(1).max(data_span.offset()));
        let line_count = last_line + 1 - (start.line - 1);
        let contents = MietteSpanContents::new_named(
            name,
            inner.data(),
            data_span,
            first_line - 1,
            start.column - 1,
            line_count,
        );
        Ok(Box::new(contents))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_prefilter_finds_every_character_frames_replace() {
        // Exhaustive over all characters: the scan decodes only at a few lead bytes.
        for c in (0..=0x10ffff_u32).filter_map(char::from_u32) {
            let replaced = (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
                || crate::diagnostic::is_bidi_control(c);
            let text = format!("项{c}目");
            assert_eq!(
                shown_in_frames(&text).is_some(),
                replaced,
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn frames_show_controls_without_moving_any_offset() {
        let text = "名\u{1b}[31m红\u{85}x\u{202e}y\tz\r\n";
        let shown = shown_in_frames(text).unwrap();
        assert_eq!(shown.len(), text.len());
        assert_eq!(shown, "名?[31m红¿x\u{fffd}y\tz\r\n");
        assert!(shown_in_frames("项目名称\t甲\n").is_none());
    }

    /// A frame shows its window with controls replaced, and a control elsewhere in the document
    /// neither changes a frame without one nor makes the document be copied.
    #[test]
    fn frames_replace_controls_only_where_they_show_them() {
        let clean = "项目名称\t甲\n".repeat(40);
        let text = format!("{clean}名\u{1b}[31m红\u{202e}x\n{clean}");
        let file = SourceFile::from_text("t.txt", text.clone());
        let read = |offset: usize, len: usize| {
            let contents = file
                .read_span(&SourceSpan::from((offset, len)), 1, 1)
                .unwrap();
            String::from_utf8(contents.data().to_vec()).unwrap()
        };
        // Far from the control: the text itself, and no copy made.
        let first = read(0, "项目名称".len());
        assert_eq!(first, "项目名称\t甲\n项目名称\t甲");
        let last = read(text.len() - "甲\n".len(), "甲".len());
        assert!(last.ends_with("项目名称\t甲\n"), "{last:?}");
        assert!(file.shown.get().is_none());
        // On the control's line: replaced, each byte offset where it was.
        let at = clean.len() + "名".len();
        let shown = read(at, 1);
        assert_eq!(shown, "项目名称\t甲\n名?[31m红\u{fffd}x\n项目名称\t甲");
        assert!(file.shown.get().is_some());
    }

    #[test]
    fn narrow_and_wide_line_starts_agree() {
        // Texts over 4 GiB use the wide index; both must answer alike.
        let text = "第一行\r\n\n第三行\t值\n最后一行没有换行";
        let narrow = LineStarts::of(text);
        assert!(matches!(narrow, LineStarts::Narrow(_)));
        let wide = LineStarts::Wide((0..narrow.len()).filter_map(|k| narrow.get(k)).collect());
        assert_eq!(narrow.len(), 4);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                narrow.line_of(offset),
                wide.line_of(offset),
                "offset {offset}"
            );
        }
        for line in 0..=narrow.len() {
            assert_eq!(narrow.get(line), wide.get(line));
        }
        assert_eq!(narrow.line_of(0), 0);
        assert_eq!(narrow.line_of("第一行\r\n".len()), 1);
        assert_eq!(narrow.line_of(text.len()), 3);
    }

    #[test]
    fn detects_gb18030_and_keeps_text() {
        let text = "项目名称\t\t人事考试经费\r\n";
        let (bytes, _, _) = encoding_rs::GB18030.encode(text);
        let (source, diags) = SourceFile::decode("x.txt", &bytes);
        assert_eq!(source.encoding(), Encoding::Gb18030);
        assert_eq!(source.text(), text);
        assert!(diags.is_empty());
    }

    #[test]
    fn strips_utf8_bom() {
        let (source, _) = SourceFile::decode("x.txt", b"\xEF\xBB\xBFabc");
        assert_eq!(source.text(), "abc");
        assert_eq!(source.encoding(), Encoding::Utf8Bom);
    }

    #[test]
    fn long_text_is_validated_whole_with_or_without_a_bom() {
        // Thousands of characters: a bad byte near the end is still found.
        let text = "项目名称\t人事考试经费\n".repeat(500);
        for bom in [&b""[..], b"\xEF\xBB\xBF"] {
            let good = [bom, text.as_bytes()].concat();
            let (source, diags) = SourceFile::decode("x.txt", &good);
            assert_eq!(source.text(), text);
            assert!(diags.is_empty());
            let mut bad = good.clone();
            let at = bad.len() - 3;
            bad[at] = 0xFF;
            let (source, diags) = SourceFile::decode("x.txt", &bad);
            assert_eq!(source.encoding(), Encoding::Utf8Lossy, "bom: {}", bom.len());
            assert_eq!(diags.len(), 1);
            assert_eq!(diags[0].code, "source::invalid-encoding");
        }
    }

    #[test]
    fn invalid_bytes_give_a_diagnostic() {
        let (source, diags) = SourceFile::decode("x.txt", b"ab\xFF\xFFcd\x80");
        assert_eq!(source.encoding(), Encoding::Utf8Lossy);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "source::invalid-encoding");
    }

    #[test]
    fn positions_count_characters() {
        let source = SourceFile::from_text("x", "ab\n项目\t名称\r\nz");
        let offset = source.text().find('名').unwrap();
        assert_eq!(source.position(offset), Position { line: 2, column: 4 });
        assert_eq!(source.slice(source.line_span(1)), "项目\t名称");
        assert_eq!(source.position(source.text().len()).line, 3);
    }
}
