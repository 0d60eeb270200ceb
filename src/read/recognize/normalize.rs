//! Repairs for text broken by PDF extraction, and label normalisation.

use crate::read::value_text::is_han;

/// Whitespace as extracted text has it: ASCII, ideographic space, no-break space, form feed,
/// BOM, zero-width space.
pub fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}' || c == '\u{200B}'
}

/// `text` without its leading blanks. Most cells start with a letter or a Chinese character,
/// told apart from every blank by the first byte alone.
pub fn trim_blank_start(text: &str) -> &str {
    match text.as_bytes().first() {
        None => text,
        Some(&b) if b < 0x80 && !matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ') => text,
        // U+4000–U+9FFF: no blanks among them.
        Some(0xE4..=0xE9) => text,
        Some(_) => text.trim_start_matches(is_blank),
    }
}

/// Whether `text` contains any of `words`. For the short cells and labels the reader tests
/// against a handful of Chinese words, most of which are absent: one pass over the text rules
/// them out before any searcher is built.
pub fn contains_any(text: &str, words: &[&str]) -> bool {
    // A 64-bit signature of the characters present: a word with a character the text lacks is
    // ruled out without a search.
    let present = text.chars().fold(0u64, |sig, c| sig | char_bit(c));
    words.iter().any(|w| {
        let needed = w.chars().fold(0u64, |sig, c| sig | char_bit(c));
        needed & !present == 0 && text.contains(w)
    })
}

fn char_bit(c: char) -> u64 {
    1 << ((c as u32).wrapping_mul(0x9E37_79B1) >> 26)
}

/// Whether `text` may hold a character `special` says yes to, tested on bytes first: besides
/// the ASCII bytes `ascii` accepts, only characters whose UTF-8 begins with 0xC2, 0xE1, 0xE2,
/// 0xE3 or 0xEF can be blanks (U+00A0, U+1680, U+2000–U+205F, U+3000, U+FEFF) or full-width
/// forms (U+FF00–U+FFEF); Chinese text (0xE4–0xE9) is passed over a byte at a time.
pub fn any_special(text: &str, ascii: impl Fn(u8) -> bool, special: impl Fn(char) -> bool) -> bool {
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if b < 0x80 {
            if ascii(b) {
                return true;
            }
        } else if matches!(b, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF) {
            // A rare lead byte: decide with the characters from here on.
            return text.get(i..).is_some_and(|rest| rest.chars().any(&special));
        }
    }
    false
}

/// Whether `text` holds a blank (any Unicode whitespace, BOM or zero-width space).
pub fn has_blank(text: &str) -> bool {
    any_special(text, |b| b.is_ascii_whitespace() || b == 0x0B, is_blank)
}

/// Text with every kind of whitespace removed: for matching labels and level names.
pub fn compact(text: &str) -> String {
    text.chars().filter(|c| !is_blank(*c)).collect()
}

/// Characters that written Chinese runs together without spaces.
pub fn is_cjk(c: char) -> bool {
    is_han(c)
        || matches!(c, '\u{3001}'..='\u{303F}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF40}' | '\u{FF5B}'..='\u{FF65}' | '“' | '”' | '‘' | '’')
}

/// Join words the PDF split with spaces (`黔南布依族苗族自 治州` → `黔南布依族苗族自治州`): a run of
/// whitespace between two CJK characters is removed. Other whitespace runs, which separate real
/// words or follow punctuation (`提高人才质量, 推动`), become a single space.
pub fn join_cjk_spaces(text: &str) -> String {
    if !has_blank(text) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    let mut previous: Option<char> = None;
    for c in text.trim_matches(is_blank).chars() {
        if is_blank(c) {
            pending_space = true;
            continue;
        }
        if pending_space {
            let joins = previous.is_some_and(is_cjk) && is_cjk(c);
            if !joins {
                out.push(' ');
            }
            pending_space = false;
        }
        out.push(c);
        previous = Some(c);
    }
    out
}

/// Free text (goals, notes) with whitespace runs folded to one space.
pub fn fold_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(is_blank).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_only_between_cjk() {
        assert_eq!(
            join_cjk_spaces("黔南布依族苗族自 治州人力资源和社 会保障局"),
            "黔南布依族苗族自治州人力资源和社会保障局"
        );
        assert_eq!(
            join_cjk_spaces("提高人才质量,  推动人才队伍"),
            "提高人才质量, 推动人才队伍"
        );
        assert_eq!(join_cjk_spaces("  a  b "), "a b");
        assert_eq!(join_cjk_spaces("“三支一扶” 人员"), "“三支一扶”人员");
    }

    #[test]
    fn trimming_by_the_first_byte_agrees_with_trimming_by_character() {
        for c in (0..=0x10ffff_u32).filter_map(char::from_u32) {
            let text = format!("{c}\u{3000}项");
            assert_eq!(
                trim_blank_start(&text),
                text.trim_start_matches(is_blank),
                "U+{:04X}",
                c as u32
            );
        }
    }
}
