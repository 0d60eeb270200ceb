//! A JSON reader for the form model: one pass over the bytes, every node with its byte span,
//! and the forms of a `projects` array handed over one at a time, so a large file never exists
//! as a whole tree (issue 16: the tree of a general-purpose parser, copied into ours, took 17×
//! the file).
//!
//! It reads JSON as `jixiao extract` writes it and as people edit it: comments (`//`, `/* */`)
//! and trailing commas are accepted; everything else is strict JSON (no single quotes, bare
//! keys, `NaN`, control characters in strings, lone surrogates). A problem is one
//! `model::syntax` diagnostic at its place.

use crate::diagnostic::Diagnostic;
use crate::read::model_file::{MAX_DEPTH, Node, NodeKind};
use crate::span::Span;
use std::borrow::Cow;

/// Parse a whole JSON text into one tree.
pub fn parse(text: &str) -> Result<Node<'_>, Diagnostic> {
    let mut parser = Parser::new(text);
    let node = parser.document(None)?;
    node.ok_or_else(empty)
}

/// Parse a JSON text of the model, handing each element of a document's `projects` array to
/// `form` as soon as it is read (with the 1-based index of the form in the file). The tree
/// returned has everything else, each `projects` array kept empty with its span.
pub fn stream<'t>(text: &'t str, form: &mut dyn FnMut(Node<'t>)) -> Result<Node<'t>, Diagnostic> {
    let mut parser = Parser::new(text);
    let node = parser.document(Some(form))?;
    node.ok_or_else(empty)
}

fn empty() -> Diagnostic {
    Diagnostic::error("model::syntax", "JSON 文件是空的").with_primary(Span::point(0), None)
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    depth: usize,
}

/// Where the forms go while streaming.
type FormSink<'s, 't> = dyn FnMut(Node<'t>) + 's;

impl<'t> Parser<'t> {
    fn new(text: &'t str) -> Self {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            depth: 0,
        }
    }

    fn error(&self, what: &str, at: usize) -> Diagnostic {
        let at = at.min(self.bytes.len());
        let end = next_char_end(self.text, at);
        Diagnostic::error("model::syntax", format!("JSON 格式有误：{what}"))
            .with_primary(Span::new(at, end), Some("这里".into()))
            .with_help(
                "结构化输入应为 jixiao extract 输出的格式（jixiao schema 给出它的 JSON Schema）",
            )
    }

    /// The top level: a document object or an array of them; `None` for an empty text.
    fn document(
        &mut self,
        mut forms: Option<&mut FormSink<'_, 't>>,
    ) -> Result<Option<Node<'t>>, Diagnostic> {
        self.skip_blank()?;
        if self.pos >= self.bytes.len() {
            return Ok(None);
        }
        let node = match self.bytes.get(self.pos) {
            Some(b'{') => self.object(forms)?,
            Some(b'[') => {
                // An array of documents: each element that is an object streams its forms.
                let start = self.pos;
                self.enter(start)?;
                self.pos += 1;
                let mut items = Vec::new();
                self.sequence(b']', |p| {
                    let item = if p.bytes.get(p.pos) == Some(&b'{') {
                        p.object(forms.as_deref_mut())?
                    } else {
                        p.value()?
                    };
                    items.push(item);
                    Ok(())
                })?;
                self.depth -= 1;
                Node {
                    kind: NodeKind::Array(items),
                    span: Span::new(start, self.pos),
                }
            }
            _ => self.value()?,
        };
        self.skip_blank()?;
        if self.pos < self.bytes.len() {
            return Err(self.error("JSON 值之后还有多余的内容", self.pos));
        }
        Ok(Some(node))
    }

    fn enter(&mut self, at: usize) -> Result<(), Diagnostic> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(
                Diagnostic::error("model::syntax", format!("嵌套超过 {MAX_DEPTH} 层"))
                    .with_primary(Span::new(at, at + 1), Some("嵌套太深".into())),
            );
        }
        Ok(())
    }

    fn value(&mut self) -> Result<Node<'t>, Diagnostic> {
        let start = self.pos;
        let kind = match self.bytes.get(self.pos) {
            Some(b'{') => return self.object(None),
            Some(b'[') => {
                self.enter(start)?;
                self.pos += 1;
                let mut items = Vec::new();
                self.sequence(b']', |p| {
                    items.push(p.value()?);
                    Ok(())
                })?;
                self.depth -= 1;
                NodeKind::Array(items)
            }
            Some(b'"') => NodeKind::Str(self.string()?),
            Some(b't') => self.word("true", NodeKind::Bool(true))?,
            Some(b'f') => self.word("false", NodeKind::Bool(false))?,
            Some(b'n') => self.word("null", NodeKind::Null)?,
            Some(b'-' | b'0'..=b'9') => NodeKind::Number(self.number()?),
            Some(_) => {
                return Err(self.error(
                    "这里应为一个值（对象、数组、字符串、数字、true、false 或 null）",
                    start,
                ));
            }
            None => return Err(self.error("文件在一个值之前结束了", start)),
        };
        Ok(Node {
            kind,
            span: Span::new(start, self.pos),
        })
    }

    /// `{ "key": value, … }`. With `forms`, the value of `projects` is streamed to it.
    fn object(&mut self, forms: Option<&mut FormSink<'_, 't>>) -> Result<Node<'t>, Diagnostic> {
        let start = self.pos;
        self.enter(start)?;
        self.pos += 1;
        let mut entries = Vec::new();
        let mut forms = forms;
        let mut streamed = false;
        self.sequence(b'}', |p| {
            if p.bytes.get(p.pos) != Some(&b'"') {
                return Err(p.error("这里应为用双引号括起的字段名", p.pos));
            }
            let key_start = p.pos;
            let key = p.string()?;
            let key_span = Span::new(key_start, p.pos);
            p.skip_blank()?;
            if p.bytes.get(p.pos) != Some(&b':') {
                return Err(p.error("字段名之后应为冒号 :", p.pos));
            }
            p.pos += 1;
            p.skip_blank()?;
            // The first `projects` array of a document is streamed; a second one is read as
            // a value (and reported as a duplicate key by the model reader).
            // Only the first `projects` of a document counts, whatever its value: a later one
            // is never streamed (`"projects": null, "projects": [...]` reads no forms).
            let first_projects = key == "projects" && !streamed;
            streamed |= key == "projects";
            let value = match forms.as_deref_mut() {
                Some(sink) if first_projects && p.bytes.get(p.pos) == Some(&b'[') => {
                    p.streamed_array(sink)?
                }
                _ => p.value()?,
            };
            entries.push((key, key_span, value));
            Ok(())
        })?;
        self.depth -= 1;
        Ok(Node {
            kind: NodeKind::Object(entries),
            span: Span::new(start, self.pos),
        })
    }

    /// An array whose elements go to `sink` one at a time; the node left is empty.
    fn streamed_array(&mut self, sink: &mut FormSink<'_, 't>) -> Result<Node<'t>, Diagnostic> {
        let start = self.pos;
        self.enter(start)?;
        self.pos += 1;
        self.sequence(b']', |p| {
            let item = p.value()?;
            sink(item);
            Ok(())
        })?;
        self.depth -= 1;
        Ok(Node {
            kind: NodeKind::Array(Vec::new()),
            span: Span::new(start, self.pos),
        })
    }

    /// The elements of an array or the entries of an object, after its opening bracket, up to
    /// and including `close`; a trailing comma is accepted.
    fn sequence(
        &mut self,
        close: u8,
        mut element: impl FnMut(&mut Self) -> Result<(), Diagnostic>,
    ) -> Result<(), Diagnostic> {
        let opened = self.pos.saturating_sub(1);
        loop {
            self.skip_blank()?;
            match self.bytes.get(self.pos) {
                Some(b) if *b == close => {
                    self.pos += 1;
                    return Ok(());
                }
                None => return Err(self.unclosed(close, opened)),
                _ => {}
            }
            element(self)?;
            self.skip_blank()?;
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b) if *b == close => {
                    self.pos += 1;
                    return Ok(());
                }
                None => return Err(self.unclosed(close, opened)),
                Some(_) => {
                    let what = if close == b']' {
                        "数组的元素之间应为逗号 , 或以 ] 结束"
                    } else {
                        "字段之间应为逗号 , 或以 } 结束"
                    };
                    return Err(self.error(what, self.pos));
                }
            }
        }
    }

    fn unclosed(&self, close: u8, opened: usize) -> Diagnostic {
        let what = if close == b']' {
            "数组没有以 ] 结束"
        } else {
            "对象没有以 } 结束"
        };
        self.error(what, self.bytes.len())
            .with_label(Span::new(opened, opened + 1), "从这里开始")
    }

    fn word(&mut self, word: &str, kind: NodeKind<'t>) -> Result<NodeKind<'t>, Diagnostic> {
        let end = self.pos + word.len();
        let follows = self.bytes.get(end).is_some_and(u8::is_ascii_alphanumeric);
        if self.bytes.get(self.pos..end) == Some(word.as_bytes()) && !follows {
            self.pos = end;
            Ok(kind)
        } else {
            Err(self.error(
                "这里应为一个值（对象、数组、字符串、数字、true、false 或 null）",
                self.pos,
            ))
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, as written.
    fn number(&mut self) -> Result<Cow<'t, str>, Diagnostic> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let from = p.pos;
            while p.bytes.get(p.pos).is_some_and(u8::is_ascii_digit) {
                p.pos += 1;
            }
            p.pos > from
        };
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        let leading_zero = self.bytes.get(self.pos) == Some(&b'0');
        if !digits(self) {
            return Err(self.error("数字格式不对", start));
        }
        if leading_zero && self.pos - start > usize::from(self.bytes.get(start) == Some(&b'-')) + 1
        {
            return Err(self.error("数字不能以 0 开头", start));
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.error("小数点之后应有数字", self.pos));
            }
        }
        if matches!(self.bytes.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.bytes.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.error("指数之后应有数字", self.pos));
            }
        }
        if self
            .bytes
            .get(self.pos)
            .is_some_and(u8::is_ascii_alphabetic)
        {
            return Err(self.error("数字格式不对", start));
        }
        Ok(Cow::Borrowed(
            self.text.get(start..self.pos).unwrap_or_default(),
        ))
    }

    /// A string at `"`, unescaped.
    fn string(&mut self) -> Result<Cow<'t, str>, Diagnostic> {
        let start = self.pos;
        self.pos += 1;
        // Most strings have no escape: borrowed from the source, not copied.
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        if let Some(k) = memchr::memchr2(b'"', b'\\', rest)
            && rest.get(k) == Some(&b'"')
        {
            let text = self.text;
            let piece = text.get(self.pos..self.pos + k).unwrap_or_default();
            if let Some(bad) = piece.bytes().position(|b| b < 0x20) {
                return Err(self.error(
                    "字符串中有控制字符（换行、制表符要写作 \\n、\\t）",
                    self.pos + bad,
                ));
            }
            self.pos += k + 1;
            return Ok(Cow::Borrowed(piece));
        }
        let mut out = String::new();
        loop {
            let rest = self.bytes.get(self.pos..).unwrap_or_default();
            let Some(k) = memchr::memchr2(b'"', b'\\', rest) else {
                return Err(self.error("字符串没有以 \" 结束", start));
            };
            let piece = self.text.get(self.pos..self.pos + k).unwrap_or_default();
            if let Some(bad) = piece.bytes().position(|b| b < 0x20) {
                return Err(self.error(
                    "字符串中有控制字符（换行、制表符要写作 \\n、\\t）",
                    self.pos + bad,
                ));
            }
            out.push_str(piece);
            self.pos += k;
            if self.bytes.get(self.pos) == Some(&b'"') {
                self.pos += 1;
                return Ok(Cow::Owned(out));
            }
            // A backslash.
            let escape_at = self.pos;
            self.pos += 1;
            let c = match self.bytes.get(self.pos) {
                Some(b'"') => '"',
                Some(b'\\') => '\\',
                Some(b'/') => '/',
                Some(b'b') => '\u{8}',
                Some(b'f') => '\u{c}',
                Some(b'n') => '\n',
                Some(b'r') => '\r',
                Some(b't') => '\t',
                Some(b'u') => {
                    self.pos += 1;
                    let c = self.unicode_escape(escape_at)?;
                    out.push(c);
                    continue;
                }
                _ => {
                    return Err(self.error(
                        "无效的转义（可用 \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX）",
                        escape_at,
                    ));
                }
            };
            self.pos += 1;
            out.push(c);
        }
    }

    /// After `\u`: four hex digits, or a surrogate pair `\uD83D\uDE00`.
    fn unicode_escape(&mut self, escape_at: usize) -> Result<char, Diagnostic> {
        let high = self.hex4(escape_at)?;
        let code = if (0xD800..0xDC00).contains(&high) {
            if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                return Err(self.error("\\u 转义是不成对的代理项", escape_at));
            }
            self.pos += 2;
            let low = self.hex4(escape_at)?;
            if !(0xDC00..0xE000).contains(&low) {
                return Err(self.error("\\u 转义是不成对的代理项", escape_at));
            }
            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        } else {
            high
        };
        char::from_u32(code).ok_or_else(|| self.error("\\u 转义是不成对的代理项", escape_at))
    }

    fn hex4(&mut self, escape_at: usize) -> Result<u32, Diagnostic> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("\\u 之后应为四位十六进制数字", escape_at))?;
        let value = u32::from_str_radix(digits, 16)
            .map_err(|_| self.error("\\u 之后应为四位十六进制数字", escape_at))?;
        self.pos += 4;
        Ok(value)
    }

    /// Skip whitespace and comments. Most calls (between a key and its colon, a value and its
    /// comma) have none to skip, and most others in pretty-printed JSON one space (after a
    /// colon): both are decided inline, longer runs are not.
    #[inline(always)]
    fn skip_blank(&mut self) -> Result<(), Diagnostic> {
        match self.bytes.get(self.pos) {
            Some(b' ')
                if !matches!(
                    self.bytes.get(self.pos + 1),
                    Some(b' ' | b'\t' | b'\n' | b'\r' | b'/')
                ) =>
            {
                self.pos += 1;
                Ok(())
            }
            Some(b' ' | b'\t' | b'\n' | b'\r' | b'/') => self.skip_blank_run(),
            _ => Ok(()),
        }
    }

    #[inline(never)]
    fn skip_blank_run(&mut self) -> Result<(), Diagnostic> {
        const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
        loop {
            match self.bytes.get(self.pos) {
                Some(b'\t' | b'\n' | b'\r') => self.pos += 1,
                // Indentation, eight spaces at a time: the first byte that differs ends it.
                Some(b' ') => {
                    while let Some(word) = self.bytes.get(self.pos..self.pos + 8) {
                        let word =
                            u64::from_le_bytes(<[u8; 8]>::try_from(word).unwrap_or_default());
                        let differs = word ^ SPACES;
                        if differs != 0 {
                            self.pos += (differs.trailing_zeros() / 8) as usize;
                            break;
                        }
                        self.pos += 8;
                    }
                    while let Some(b' ') = self.bytes.get(self.pos) {
                        self.pos += 1;
                    }
                }
                Some(b'/') => match self.bytes.get(self.pos + 1) {
                    Some(b'/') => {
                        let rest = self.bytes.get(self.pos..).unwrap_or_default();
                        self.pos += memchr::memchr(b'\n', rest).unwrap_or(rest.len());
                    }
                    Some(b'*') => {
                        let rest = self.bytes.get(self.pos + 2..).unwrap_or_default();
                        match memchr::memmem::find(rest, b"*/") {
                            Some(k) => self.pos += 2 + k + 2,
                            None => return Err(self.error("注释 /* 没有以 */ 结束", self.pos)),
                        }
                    }
                    _ => return Ok(()),
                },
                _ => return Ok(()),
            }
        }
    }
}

/// The end of the character at `at` (for a one-character label).
fn next_char_end(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or(at, |c| at + c.len_utf8())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
    use super::*;

    fn kind(text: &str) -> NodeKind<'_> {
        parse(text).unwrap().kind
    }

    fn fails(text: &str) -> String {
        match parse(text) {
            Ok(n) => panic!("{text:?} parsed: {n:?}"),
            Err(d) => d.message,
        }
    }

    #[test]
    fn reads_values_with_spans() {
        let text = r#" { "a" : [1, -2.5e3, "x\"y\u4e2d\ud83d\ude00", true, null, {},], // c
        /* d */ "b": false, } "#;
        let node = parse(text).unwrap();
        assert_eq!(node.span, Span::new(1, text.len() - 1));
        let NodeKind::Object(entries) = node.kind else {
            panic!()
        };
        assert_eq!(entries[0].0, "a");
        assert_eq!(&text[entries[0].1.start..entries[0].1.end], "\"a\"");
        let NodeKind::Array(items) = &entries[0].2.kind else {
            panic!()
        };
        assert!(matches!(&items[1].kind, NodeKind::Number(n) if n == "-2.5e3"));
        assert!(matches!(&items[2].kind, NodeKind::Str(s) if s == "x\"y中😀"));
        assert_eq!(
            &text[items[2].span.start..items[2].span.end],
            r#""x\"y\u4e2d\ud83d\ude00""#
        );
        assert_eq!(items.len(), 6);
        assert!(matches!(entries[1].2.kind, NodeKind::Bool(false)));
        assert!(matches!(kind("\"中文\""), NodeKind::Str(s) if s == "中文"));
        // Strings without escapes are read in place; with escapes, unescaped into a copy.
        assert!(matches!(
            kind("\"中文\""),
            NodeKind::Str(Cow::Borrowed("中文"))
        ));
        assert!(matches!(kind(r#""a\tb""#), NodeKind::Str(Cow::Owned(s)) if s == "a\tb"));
        assert!(matches!(kind(r#""\\""#), NodeKind::Str(Cow::Owned(s)) if s == "\\"));
    }

    #[test]
    fn refuses_what_is_not_json() {
        for (text, what) in [
            ("{'a': 1}", "字段名"),
            ("{a: 1}", "字段名"),
            ("[1 2]", "逗号"),
            ("[1,", "数组没有以 ] 结束"),
            ("{\"a\": 1", "对象没有以 } 结束"),
            ("\"abc", "没有以 \" 结束"),
            ("\"a\nb\"", "控制字符"),
            ("\"\\x\"", "无效的转义"),
            ("\"\\ud800\"", "代理项"),
            ("\"\\u12\"", "十六进制"),
            ("01", "0 开头"),
            ("1.", "小数点"),
            ("1e", "指数"),
            ("NaN", "应为一个值"),
            ("tru", "应为一个值"),
            ("truex", "应为一个值"),
            ("{} {}", "多余的内容"),
            ("/* x", "注释"),
        ] {
            let message = fails(text);
            assert!(message.contains(what), "{text:?}: {message}");
        }
        assert!(
            parse("  // only a comment\n")
                .unwrap_err()
                .message
                .contains("空的")
        );
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert!(fails(&deep).contains("嵌套超过"));
    }

    /// The tree of `text` with its spans replaced by the text they cover.
    fn shape(node: &Node<'_>, text: &str) -> String {
        let covered = &text[node.span.start..node.span.end];
        match &node.kind {
            NodeKind::Object(entries) => {
                let inner: Vec<String> = entries
                    .iter()
                    .map(|(key, at, value)| {
                        format!("{key}@{}={}", &text[at.start..at.end], shape(value, text))
                    })
                    .collect();
                format!("{{{}}}", inner.join(","))
            }
            NodeKind::Array(items) => {
                let inner: Vec<String> = items.iter().map(|v| shape(v, text)).collect();
                format!("[{}]", inner.join(","))
            }
            _ => covered.to_owned(),
        }
    }

    #[test]
    fn any_blank_between_tokens_reads_alike() {
        // Runs of every length around a word of eight spaces, each blank character, a comment,
        // between every pair of tokens and at both ends: the same values over the same text.
        let tokens = [
            "{", "\"a\"", ":", "[", "1", ",", "\"中\"", "]", ",", "\"b\"", ":", "null", "}",
        ];
        let compact = tokens.concat();
        let expected = shape(&parse(&compact).unwrap(), &compact);
        let mut blanks: Vec<String> = (0..=17).map(|n| " ".repeat(n)).collect();
        blanks
            .extend(["\n", "\r\n        ", "\t", " \t \n   \n", "\n         x"].map(String::from));
        blanks.extend(["/* c */", " // c\n  ", "\n    /* c */   \n"].map(String::from));
        for blank in &blanks {
            let text = format!("{blank}{}{blank}", tokens.join(blank));
            if blank.contains('x') {
                assert!(parse(&text).is_err(), "{text:?}");
                continue;
            }
            let node = parse(&text).unwrap_or_else(|e| panic!("{text:?}: {}", e.message));
            assert_eq!(shape(&node, &text), expected, "{text:?}");
        }
    }

    #[test]
    fn streams_the_forms_of_projects_arrays() {
        let text = r#"[{"file": "a", "projects": [{"name": "x"}, {"name": "y"}]},
                       {"projects": [{"name": "z"}], "projects": [{"name": "dup"}]}]"#;
        let mut names = Vec::new();
        let root = stream(text, &mut |n| {
            if let NodeKind::Object(e) = n.kind
                && let NodeKind::Str(s) = &e[0].2.kind
            {
                names.push(s.clone());
            }
        })
        .unwrap();
        assert_eq!(names, ["x", "y", "z"]);
        // The second `projects` of a document stays in the tree, for the duplicate-key report.
        let NodeKind::Array(docs) = root.kind else {
            panic!()
        };
        let NodeKind::Object(second) = &docs[1].kind else {
            panic!()
        };
        assert!(matches!(&second[0].2.kind, NodeKind::Array(a) if a.is_empty()));
        assert!(matches!(&second[1].2.kind, NodeKind::Array(a) if a.len() == 1));
    }
}
