//! Repairs for text broken by PDF extraction, and label normalisation.

use crate::read::value_text::is_han;

/// Whitespace as extracted text has it: ASCII, ideographic space, no-break space, form feed,
/// BOM, zero-width space.
pub fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}' || c == '\u{200B}'
}

/// `text` without its leading blanks. Most cells start with a letter or a Chinese character,
/// told apart from every blank by the first byte alone (see [`rare_lead`]).
pub fn trim_blank_start(text: &str) -> &str {
    match text.as_bytes().first() {
        Some(&b) if b < 0x80 && !is_ascii_blank(b) => text,
        Some(&b) if b >= 0x80 && !rare_lead(b) => text,
        _ => text.trim_start_matches(is_blank),
    }
}

/// The ASCII blanks: whitespace, vertical tab included.
fn is_ascii_blank(b: u8) -> bool {
    b.is_ascii_whitespace() || b == 0x0B
}

/// Whether a non-ASCII character starting with byte `b` may be a blank (U+0085, U+00A0,
/// U+1680, U+2000–U+205F, U+3000, U+FEFF), a full-width form (U+FF00–U+FFEF), a C1 control
/// (U+0080–U+009F) or a bidi control (U+202A–U+202E, U+2066–U+2069): only these lead bytes
/// begin one. Chinese text (0xE4–0xE9) never does.
fn rare_lead(b: u8) -> bool {
    matches!(b, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF)
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

/// Whether `text` holds a character `special` says yes to, tested on bytes: ASCII bytes by
/// `ascii` (which must agree with `special` on ASCII), and only the characters that begin with
/// a [`rare_lead`] byte are decoded — `special` must say no to every other character. Chinese
/// text is passed over a byte at a time.
pub fn any_special(text: &str, ascii: impl Fn(u8) -> bool, special: impl Fn(char) -> bool) -> bool {
    // Blocks of bytes are first tested without branching (which the compiler vectorises): a
    // whole document is scanned this way before its first code frame.
    const BLOCK: usize = 16;
    let candidate = |b: u8| if b < 0x80 { ascii(b) } else { rare_lead(b) };
    text.as_bytes()
        .chunks(BLOCK)
        .enumerate()
        .filter(|(_, block)| block.iter().fold(false, |any, &b| any | candidate(b)))
        .any(|(n, block)| {
            block.iter().enumerate().any(|(k, &b)| {
                candidate(b)
                    && (b < 0x80
                        || text
                            .get(n * BLOCK + k..)
                            .and_then(|rest| rest.chars().next())
                            .is_some_and(&special))
            })
        })
}

/// Whether `text` holds a blank (any Unicode whitespace, BOM or zero-width space).
pub fn has_blank(text: &str) -> bool {
    any_special(text, is_ascii_blank, is_blank)
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
