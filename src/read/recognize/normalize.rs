//! Repairs for text broken by PDF extraction, and label normalisation.

use crate::read::recognize::row::is_blank;
use crate::read::value_text::is_han;

/// Text with every kind of whitespace removed: for matching labels and level names.
pub fn compact(text: &str) -> String {
    text.chars().filter(|c| !is_blank(*c)).collect()
}

/// A label cell in canonical form: whitespace removed, full-width `：（）` as ASCII, no trailing
/// colon. `其中： 上级补助` → `其中:上级补助`.
pub fn label_key(text: &str) -> std::borrow::Cow<'_, str> {
    // Most labels are written plainly: no copy for them.
    let plain = !text.ends_with(':')
        && !text.contains(|c: char| is_blank(c) || matches!(c, '：' | '（' | '）'));
    if plain {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut key: String = text
        .chars()
        .filter(|c| !is_blank(*c))
        .map(|c| match c {
            '：' => ':',
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect();
    while key.ends_with(':') {
        key.pop();
    }
    std::borrow::Cow::Owned(key)
}

/// Characters that written Chinese runs together without spaces.
fn is_cjk(c: char) -> bool {
    is_han(c)
        || matches!(c, '\u{3001}'..='\u{303F}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF40}' | '\u{FF5B}'..='\u{FF65}' | '“' | '”' | '‘' | '’')
}

/// Join words the PDF split with spaces (`黔南布依族苗族自 治州` → `黔南布依族苗族自治州`): a run of
/// whitespace between two CJK characters is removed. Other whitespace runs, which separate real
/// words or follow punctuation (`提高人才质量, 推动`), become a single space.
pub fn join_cjk_spaces(text: &str) -> String {
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
    fn label_keys() {
        assert_eq!(label_key("其中： 上级补助"), "其中:上级补助");
        assert_eq!(label_key("资金总额（元）:"), "资金总额(元)");
        assert_eq!(label_key("绩效 指 标"), "绩效指标");
    }
}
