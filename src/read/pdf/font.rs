//! Fonts of a PDF page, as far as reading text needs them: how a shown string splits into
//! character codes, how wide each code's glyph is, and which Unicode text it stands for.
//!
//! Unicode comes from the font's `/ToUnicode` map first (what every CJK exporter writes: subset
//! TrueType fonts with one-byte codes, Type0 fonts with `Identity-H`), then from the encoding:
//! a predefined Unicode CMap (`UniGB-UCS2-H`), a GB CMap (`GBK-EUC-H`, read as GBK), or a simple
//! font's `/Encoding` (through lopdf). A code nothing maps is U+FFFD, and counted: a page whose
//! text cannot be decoded is said so, never read as something else.
//!
//! lopdf parses `/ToUnicode` only behind its own decoding (and prefers `/Encoding` over it), so
//! the small CMap reader here takes `bfchar`/`bfrange`/`codespacerange` itself.

use lopdf::{Dictionary, Document, Object};
use std::collections::HashMap;

/// Most entries one CMap may define (a full CJK font has about 30 000).
const MAX_CMAP_ENTRIES: usize = 1 << 18;
/// Most entries read from one CMap, counting those that overwrite earlier ones (ranges that
/// cover the same codes again and again).
const MAX_CMAP_WORK: usize = 1 << 20;
/// Longest text one code may map to, in bytes of UTF-16 (a ligature is a few characters).
const MAX_CMAP_TARGET_BYTES: usize = 32;
/// Most bytes of a CMap or a font's width array that are read.
pub const MAX_FONT_STREAM_BYTES: usize = 8 << 20;

/// How a string splits into codes.
#[derive(Debug, Clone, PartialEq)]
enum Codes {
    /// One byte per code: simple fonts (Type1, TrueType, Type3).
    OneByte,
    /// Two bytes per code: `Identity-H`, UCS-2 CMaps.
    TwoByte,
    /// GB CMaps: a byte below 0x80 is one code, otherwise two bytes are.
    GbMixed,
    /// The lengths an embedded CMap's code space ranges give: (first byte low, high, length).
    Ranges(Vec<(u8, u8, u8)>),
}

/// Where text comes from when `/ToUnicode` has no entry for a code.
enum Fallback<'a> {
    /// A simple font's encoding, through lopdf.
    Simple(lopdf::Encoding<'a>),
    /// Codes are UTF-16 code units (`UniGB-UCS2-H`, `UniGB-UTF16-H`).
    Utf16,
    /// Codes are GBK bytes (`GBK-EUC-H`, `GB-EUC-H`, `GBpc-EUC-H`).
    Gbk,
    /// Nothing: glyph ids without a map (`Identity-H` without `/ToUnicode`).
    None,
}

/// A font as text extraction needs it.
pub struct Font<'a> {
    codes: Codes,
    to_unicode: HashMap<u64, String>,
    fallback: Fallback<'a>,
    /// Glyph widths in glyph units by code (simple fonts) or CID (Type0 with an identity map).
    widths: HashMap<u32, f32>,
    default_width: f32,
    /// Glyph units per text space unit: 1/1000, or a Type3 font's `/FontMatrix`.
    scale: f32,
    /// Whether the code is a CID (`Identity-H`), so `widths` is indexed by it.
    identity: bool,
}

/// One code of a shown string.
pub struct Code {
    pub value: u32,
    pub len: u8,
}

impl<'a> Font<'a> {
    /// The font a `/Font` resource describes. Never fails: what cannot be read falls back to
    /// one-byte codes, a default width and no Unicode.
    pub fn new(doc: &'a Document, dict: &'a Dictionary) -> Font<'a> {
        let subtype = name(dict.get(b"Subtype").ok()).unwrap_or_default();
        let to_unicode = deref(doc, dict.get(b"ToUnicode").ok())
            .and_then(|o| o.as_stream().ok())
            .and_then(|s| s.get_plain_content_with_limit(MAX_FONT_STREAM_BYTES).ok())
            .map(|bytes| CMap::parse(&bytes))
            .unwrap_or_default();
        if subtype == b"Type0" {
            return Font::type0(doc, dict, to_unicode);
        }
        let mut widths = HashMap::new();
        let first = deref(doc, dict.get(b"FirstChar").ok())
            .and_then(number)
            .unwrap_or(0.0);
        if let Some(Object::Array(list)) = deref(doc, dict.get(b"Widths").ok()) {
            for (k, w) in list.iter().take(256).enumerate() {
                if let Some(w) = deref(doc, Some(w)).and_then(number) {
                    widths.insert(first as u32 + k as u32, w);
                }
            }
        }
        let default_width = deref(doc, dict.get(b"FontDescriptor").ok())
            .and_then(|d| d.as_dict().ok())
            .and_then(|d| d.get(b"MissingWidth").ok())
            .and_then(number)
            .filter(|w| *w > 0.0)
            .unwrap_or(500.0);
        let scale = if subtype == b"Type3" {
            deref(doc, dict.get(b"FontMatrix").ok())
                .and_then(|m| m.as_array().ok())
                .and_then(|m| m.first())
                .and_then(number)
                .filter(|s| s.is_finite() && *s > 0.0)
                .unwrap_or(0.001)
        } else {
            0.001
        };
        let fallback = dict
            .get_font_encoding_with_limit(doc, MAX_FONT_STREAM_BYTES)
            .map(Fallback::Simple)
            .unwrap_or(Fallback::None);
        Font {
            codes: Codes::OneByte,
            to_unicode: to_unicode.map,
            fallback,
            widths,
            default_width,
            scale,
            identity: false,
        }
    }

    fn type0(doc: &'a Document, dict: &'a Dictionary, to_unicode: CMap) -> Font<'a> {
        let encoding = deref(doc, dict.get(b"Encoding").ok());
        let (codes, fallback, identity) = match encoding {
            Some(Object::Name(n)) => {
                let n = n.as_slice();
                if n.starts_with(b"Identity") {
                    (Codes::TwoByte, Fallback::None, true)
                } else if contains(n, b"UCS2") || contains(n, b"UTF16") {
                    (Codes::TwoByte, Fallback::Utf16, false)
                } else if n.starts_with(b"GB") {
                    (Codes::GbMixed, Fallback::Gbk, false)
                } else if !to_unicode.ranges.is_empty() {
                    (
                        Codes::Ranges(to_unicode.ranges.clone()),
                        Fallback::None,
                        false,
                    )
                } else {
                    (Codes::TwoByte, Fallback::None, false)
                }
            }
            Some(Object::Stream(s)) => {
                let embedded = s
                    .get_plain_content_with_limit(MAX_FONT_STREAM_BYTES)
                    .map(|b| CMap::parse(&b))
                    .unwrap_or_default();
                let ranges = if embedded.ranges.is_empty() {
                    to_unicode.ranges.clone()
                } else {
                    embedded.ranges
                };
                if ranges.is_empty() {
                    (Codes::TwoByte, Fallback::None, false)
                } else {
                    (Codes::Ranges(ranges), Fallback::None, false)
                }
            }
            _ => (Codes::TwoByte, Fallback::None, true),
        };
        let descendant = deref(doc, dict.get(b"DescendantFonts").ok())
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .and_then(|o| deref(doc, Some(o)))
            .and_then(|o| o.as_dict().ok());
        let default_width = descendant
            .and_then(|d| d.get(b"DW").ok())
            .and_then(number)
            .filter(|w| *w > 0.0)
            .unwrap_or(1000.0);
        let mut widths = HashMap::new();
        if let Some(Object::Array(w)) = descendant.and_then(|d| deref(doc, d.get(b"W").ok())) {
            read_cid_widths(doc, w, &mut widths);
        }
        Font {
            codes,
            to_unicode: to_unicode.map,
            fallback,
            widths,
            default_width,
            scale: 0.001,
            identity,
        }
    }

    /// The codes of a shown string, in order.
    pub fn codes<'s>(&'s self, bytes: &'s [u8]) -> impl Iterator<Item = Code> + 's {
        let mut at = 0;
        std::iter::from_fn(move || {
            let first = *bytes.get(at)?;
            let len = match &self.codes {
                Codes::OneByte => 1,
                Codes::TwoByte => 2,
                Codes::GbMixed => {
                    if first < 0x80 {
                        1
                    } else {
                        2
                    }
                }
                Codes::Ranges(ranges) => ranges
                    .iter()
                    .find(|(lo, hi, _)| (*lo..=*hi).contains(&first))
                    .map_or(1, |r| r.2),
            };
            let end = (at + usize::from(len)).min(bytes.len());
            let value = bytes
                .get(at..end)
                .unwrap_or_default()
                .iter()
                .fold(0u32, |v, b| (v << 8) | u32::from(*b));
            let code = Code {
                value,
                len: u8::try_from(end - at).unwrap_or(1),
            };
            at = end;
            Some(code)
        })
    }

    /// The advance of a code's glyph, in text space units (before the font size).
    pub fn width(&self, code: &Code) -> f32 {
        let w = if self.identity || matches!(self.codes, Codes::OneByte) {
            self.widths.get(&code.value).copied()
        } else {
            None
        };
        w.unwrap_or(match self.codes {
            Codes::GbMixed if code.len == 1 => self.default_width / 2.0,
            _ => self.default_width,
        }) * self.scale
    }

    /// The text a code stands for, appended to `out`; false when nothing maps it (U+FFFD is
    /// appended).
    pub fn decode(&self, code: &Code, out: &mut String) -> bool {
        if let Some(text) = self.to_unicode.get(&key(code.value, code.len)) {
            out.push_str(text);
            return true;
        }
        match &self.fallback {
            Fallback::Simple(encoding) => {
                let byte = u8::try_from(code.value).unwrap_or(0);
                match encoding.bytes_to_string(&[byte]) {
                    Ok(text) if !text.is_empty() && !text.contains('\u{FFFD}') => {
                        out.push_str(&text);
                        true
                    }
                    _ => {
                        out.push('\u{FFFD}');
                        false
                    }
                }
            }
            Fallback::Utf16 => match char::from_u32(code.value) {
                Some(c) => {
                    out.push(c);
                    true
                }
                None => {
                    out.push('\u{FFFD}');
                    false
                }
            },
            Fallback::Gbk => {
                let bytes = code.value.to_be_bytes();
                let bytes = bytes
                    .get(4 - usize::from(code.len).min(4)..)
                    .unwrap_or_default();
                let (text, _, bad) = encoding_rs::GBK.decode(bytes);
                out.push_str(&text);
                !bad
            }
            Fallback::None => {
                out.push('\u{FFFD}');
                false
            }
        }
    }
}

/// `/W` of a CID font: `c [w1 w2 …]` or `c_first c_last w`.
fn read_cid_widths(doc: &Document, list: &[Object], widths: &mut HashMap<u32, f32>) {
    let mut items = list.iter();
    while let Some(first) = items.next() {
        let Some(first) = deref(doc, Some(first)).and_then(number) else {
            return;
        };
        let first = first as u32;
        match items.next().and_then(|o| deref(doc, Some(o))) {
            Some(Object::Array(ws)) => {
                for (k, w) in ws.iter().enumerate() {
                    if widths.len() >= MAX_CMAP_ENTRIES {
                        return;
                    }
                    if let Some(w) = number(w) {
                        widths.insert(first.saturating_add(k as u32), w);
                    }
                }
            }
            Some(last) => {
                let Some(last) = number(last) else { return };
                let Some(w) = items.next().and_then(number) else {
                    return;
                };
                let last = (last as u32).min(first.saturating_add(MAX_CMAP_ENTRIES as u32));
                for cid in first..=last {
                    if widths.len() >= MAX_CMAP_ENTRIES {
                        return;
                    }
                    widths.insert(cid, w);
                }
            }
            None => return,
        }
    }
}

fn key(value: u32, len: u8) -> u64 {
    (u64::from(len) << 32) | u64::from(value)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// An object, with references followed (a bounded number of times).
pub fn deref<'a>(doc: &'a Document, object: Option<&'a Object>) -> Option<&'a Object> {
    let mut object = object?;
    for _ in 0..32 {
        match object {
            Object::Reference(id) => object = doc.get_object(*id).ok()?,
            other => return Some(other),
        }
    }
    None
}

/// A number operand or value.
pub fn number(object: &Object) -> Option<f32> {
    let n = match object {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        _ => return None,
    };
    n.is_finite().then_some(n)
}

fn name(object: Option<&Object>) -> Option<&[u8]> {
    match object? {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

/// What a CMap stream says: code → text, and the code space ranges.
#[derive(Default)]
pub struct CMap {
    map: HashMap<u64, String>,
    ranges: Vec<(u8, u8, u8)>,
}

/// A token of a CMap.
#[derive(Debug, PartialEq)]
enum Token<'a> {
    Hex(Vec<u8>),
    Open,
    Close,
    Word(&'a [u8]),
}

impl CMap {
    /// Read the `codespacerange`, `bfchar` and `bfrange` sections of a CMap; what is not
    /// understood is skipped.
    pub fn parse(bytes: &[u8]) -> CMap {
        let tokens = tokens(bytes);
        let mut cmap = CMap::default();
        let mut at = 0;
        let mut work = 0usize;
        let mut put = |cmap: &mut CMap, code: u64, dst: &[u8]| {
            work += 1;
            if work <= MAX_CMAP_WORK
                && dst.len() <= MAX_CMAP_TARGET_BYTES
                && (cmap.map.len() < MAX_CMAP_ENTRIES || cmap.map.contains_key(&code))
            {
                cmap.map.insert(code, utf16(dst));
            }
            work <= MAX_CMAP_WORK
        };
        while let Some(token) = tokens.get(at) {
            at += 1;
            match token {
                Token::Word(b"begincodespacerange") => {
                    while let (Some(Token::Hex(lo)), Some(Token::Hex(hi))) =
                        (tokens.get(at), tokens.get(at + 1))
                    {
                        at += 2;
                        if let (Some(l), Some(h), Ok(len)) =
                            (lo.first(), hi.first(), u8::try_from(lo.len()))
                            && (1..=4).contains(&len)
                        {
                            cmap.ranges.push((*l, *h, len));
                        }
                    }
                }
                Token::Word(b"beginbfchar") => {
                    while let (Some(Token::Hex(src)), Some(dst)) =
                        (tokens.get(at), tokens.get(at + 1))
                    {
                        at += 2;
                        if let (Some(code), Token::Hex(dst)) = (code_of(src), dst) {
                            put(&mut cmap, code, dst);
                        }
                    }
                }
                Token::Word(b"beginbfrange") => {
                    while let (Some(Token::Hex(lo)), Some(Token::Hex(hi))) =
                        (tokens.get(at), tokens.get(at + 1))
                    {
                        at += 2;
                        let (Some(first), Some(last)) = (code_of(lo), code_of(hi)) else {
                            continue;
                        };
                        let count = last.saturating_sub(first).min(0xFFFF);
                        match tokens.get(at) {
                            Some(Token::Hex(dst)) => {
                                at += 1;
                                if dst.len() > MAX_CMAP_TARGET_BYTES {
                                    continue;
                                }
                                for k in 0..=count {
                                    if !put(&mut cmap, first + k, &increment(dst, k)) {
                                        break;
                                    }
                                }
                            }
                            Some(Token::Open) => {
                                at += 1;
                                let mut k = 0;
                                while let Some(Token::Hex(dst)) = tokens.get(at) {
                                    at += 1;
                                    if k <= count {
                                        put(&mut cmap, first + k, dst);
                                    }
                                    k += 1;
                                }
                                if tokens.get(at) == Some(&Token::Close) {
                                    at += 1;
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        cmap
    }
}

/// A source code with its length, as the map's key.
fn code_of(hex: &[u8]) -> Option<u64> {
    let len = u8::try_from(hex.len())
        .ok()
        .filter(|l| (1..=4).contains(l))?;
    let value = hex.iter().fold(0u32, |v, b| (v << 8) | u32::from(*b));
    Some(key(value, len))
}

/// A destination string with `k` added to its last byte pair (bfrange).
fn increment(dst: &[u8], k: u64) -> Vec<u8> {
    let mut out = dst.to_vec();
    let n = out.len();
    if n >= 2
        && let (Some(hi), Some(lo)) = (out.get(n - 2), out.get(n - 1))
    {
        let unit = (u32::from(*hi) << 8 | u32::from(*lo)).wrapping_add(k as u32);
        if let Some(slot) = out.get_mut(n - 2) {
            *slot = (unit >> 8) as u8;
        }
        if let Some(slot) = out.get_mut(n - 1) {
            *slot = unit as u8;
        }
    } else if let Some(last) = out.last_mut() {
        *last = last.wrapping_add(k as u8);
    }
    out
}

/// UTF-16BE bytes as text; unpaired surrogates become U+FFFD.
fn utf16(bytes: &[u8]) -> String {
    let units = bytes
        .chunks(2)
        .map(|c| match c {
            [hi, lo] => u16::from(*hi) << 8 | u16::from(*lo),
            [b] => u16::from(*b),
            _ => 0xFFFD,
        })
        .collect::<Vec<_>>();
    char::decode_utf16(units)
        .map(|c| c.unwrap_or('\u{FFFD}'))
        .collect()
}

fn tokens(bytes: &[u8]) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'<' if bytes.get(at + 1) == Some(&b'<') => at += 2,
            b'>' => at += 1,
            b'<' => {
                let end = memchr::memchr(b'>', bytes.get(at..).unwrap_or_default())
                    .map_or(bytes.len(), |e| at + e);
                let digits: Vec<u8> = bytes
                    .get(at + 1..end)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|c| char::from(*c).to_digit(16))
                    .map(|d| d as u8)
                    .collect();
                let hex = digits
                    .chunks(2)
                    .map(|p| match p {
                        [h, l] => h << 4 | l,
                        [h] => h << 4,
                        _ => 0,
                    })
                    .collect();
                out.push(Token::Hex(hex));
                at = end + 1;
            }
            b'[' => {
                out.push(Token::Open);
                at += 1;
            }
            b']' => {
                out.push(Token::Close);
                at += 1;
            }
            b'%' => {
                at = memchr::memchr2(b'\n', b'\r', bytes.get(at..).unwrap_or_default())
                    .map_or(bytes.len(), |e| at + e);
            }
            b'(' => {
                // A literal string (a CMap name in a header): skipped, nesting counted.
                let mut depth = 0usize;
                while let Some(&c) = bytes.get(at) {
                    at += 1;
                    match c {
                        b'\\' => at += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            c if c.is_ascii_whitespace() => at += 1,
            _ => {
                let end = bytes
                    .get(at..)
                    .unwrap_or_default()
                    .iter()
                    .position(|c| c.is_ascii_whitespace() || b"<>[]()%/".contains(c))
                    .map_or(bytes.len(), |e| at + e.max(1));
                out.push(Token::Word(bytes.get(at..end).unwrap_or_default()));
                at = end;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bfchar_bfrange_and_code_space() {
        let cmap = CMap::parse(
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
              1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
              2 beginbfchar <0003> <0020> <0011> <9879> endbfchar\n\
              2 beginbfrange <0020> <0022> <76EE> <0030> <0031> [<6807> <D83DDE00>] endbfrange\n\
              endcmap",
        );
        assert_eq!(cmap.ranges, vec![(0, 0xFF, 2)]);
        assert_eq!(cmap.map.get(&key(0x11, 2)).map(String::as_str), Some("项"));
        assert_eq!(
            cmap.map.get(&key(0x21, 2)).map(String::as_str),
            Some("\u{76EF}")
        );
        assert_eq!(cmap.map.get(&key(0x30, 2)).map(String::as_str), Some("标"));
        assert_eq!(cmap.map.get(&key(0x31, 2)).map(String::as_str), Some("😀"));
        assert_eq!(cmap.map.get(&key(0x03, 1)), None);
    }

    #[test]
    fn hostile_cmaps_are_bounded() {
        // Ranges covering the same codes over and over, and long targets, cost bounded work.
        let mut many = b"100000 beginbfrange ".to_vec();
        for _ in 0..100_000 {
            many.extend(b"<0000> <FFFF> <0041> ");
        }
        many.extend(b"endbfrange");
        let cmap = CMap::parse(&many);
        assert!(cmap.map.len() <= 0x10000);
        let long = format!(
            "1 beginbfrange <0000> <FFFF> <{}> endbfrange",
            "0041".repeat(5000)
        );
        assert!(CMap::parse(long.as_bytes()).map.is_empty());
        let cmap = CMap::parse(b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange");
        assert!(cmap.map.len() <= 0x10000);
        let _ = CMap::parse(b"beginbfrange <00> [ <0041> <");
        let _ = CMap::parse(b"(((((( \\");
        let _ = CMap::parse(&[b'<'; 1000]);
    }
}
