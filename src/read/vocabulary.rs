//! The reader's vocabulary: titles, labels and their synonyms, funds lines, goal labels, the
//! indicator table's header words and other templates' level names.
//!
//! The words are data (`src/read/vocabulary.toml`, embedded in the binary); a `[reader]` table in
//! jixiao.toml adds to them ([`ReaderAdditions`]). Every word is looked up by its normalised key
//! ([`key`]): whitespace removed, full-width `：（）［］` read as ASCII, trailing colons dropped.

use crate::model::{LevelName, level_by_name, recognise_level};
use aho_corasick::AhoCorasick;
use foldhash::HashMap as FastMap;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The built-in vocabulary, as shipped.
pub const BUILTIN_TOML: &str = include_str!("vocabulary.toml");

/// What a header label stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldRole {
    Name,
    Department,
    Implementer,
    /// Kept as it is on the project (`project.extra`).
    Extra,
}

/// What a funds line stands for in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FundsRole {
    Total,
    Fiscal,
    Superior,
    OwnLevel,
    Other,
    /// A named source kept in the list but mapped onto no model field (上年结转, 事业收入 …).
    Source,
}

impl FundsRole {
    pub fn as_str(self) -> &'static str {
        match self {
            FundsRole::Total => "total",
            FundsRole::Fiscal => "fiscal",
            FundsRole::Superior => "superior",
            FundsRole::OwnLevel => "own_level",
            FundsRole::Other => "other",
            FundsRole::Source => "source",
        }
    }
}

/// Whether a funds line or goal is about the year or the whole project period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    #[default]
    Annual,
    Midterm,
}

/// A recognised label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Field {
        role: FieldRole,
        fallback: bool,
    },
    /// 资金来源 / 项目资金: a heading of the funds block (may state `(万元)`).
    FundsHeading,
    Funds {
        role: FundsRole,
        period: Period,
    },
    Goals(Period),
    /// `金额单位` / `单位`: the money unit of the form follows.
    MoneyUnit,
}

impl Label {
    /// Whether the label's value is text that belongs to the header (not a goal).
    pub fn takes_value(self) -> bool {
        !matches!(self, Label::FundsHeading)
    }
}

/// The role of a column of the indicator table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnRole {
    /// 绩效指标: a merged cell grouping the table; holds nothing.
    Group,
    Level1,
    Level2,
    Name,
    Value,
    MidtermValue,
    Comparator,
    Nature,
    Unit,
    Direction,
    Weight,
    Note,
}

/// A header word of the indicator table: its role, and the track it belongs to when the table
/// gives the mid-term and the year's indicators side by side (`二级指标(长期)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub role: ColumnRole,
    pub period: Option<Period>,
}

/// A document that is not a project form (部门整体支出绩效目标表 …).
#[derive(Debug, Clone)]
pub struct OtherDocument {
    pub contains: String,
    pub name: String,
}

/// The vocabulary, ready for look-ups.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    labels: FastMap<String, Label>,
    /// Labels and header words that are everyday words of budget prose (`[prose]`): read only
    /// as a cell of their own or glued to the amount they label, never cut out of text.
    prose_words: Vec<String>,
    /// The label keys as a trie of characters: a glued cell is walked only while what has
    /// been read so far could still become a label.
    label_trie: LabelTrie,
    columns: FastMap<String, ColumnRole>,
    level_aliases: FastMap<String, &'static LevelName>,
    /// Aliases ending in `指标` by their stem (`项目完成` → 项目完成指标): a cell cut after the stem.
    level_stems: FastMap<String, &'static LevelName>,
    title_endings: Vec<String>,
    /// All title endings in one automaton: every row is searched for them.
    title_finder: Option<AhoCorasick>,
    /// The last character every title ending shares (`表`), if they share one: rows without it
    /// are not searched.
    title_last_char: Option<char>,
    other_documents: Vec<OtherDocument>,
    /// Endings of other documents' titles, taken only where a title stands
    /// ([`Vocabulary::other_title`]).
    other_endings: Vec<String>,
    /// Header words of a self-evaluation's score column and of its results' columns: a table
    /// with both is one ([`Vocabulary::is_self_evaluation_header`]).
    self_evaluation_scores: Vec<String>,
    self_evaluation_results: Vec<String>,
    footers: Vec<String>,
    /// Words that end a form anywhere in a row after its indicator table (`(盖章)`).
    table_footers: Vec<String>,
    furniture: Vec<String>,
    money_units: Vec<(String, Decimal)>,
    /// The longest label, in characters (glued labels are searched up to this length).
    max_label_chars: usize,
    /// First characters of every label and column word: most cells start with none of them.
    first_chars: CharSet,
    /// First characters of the column words alone.
    column_first_chars: CharSet,
    /// First characters of the footers.
    footer_first_chars: CharSet,
    /// For each table footer, a letter it must contain as written (one that [`key`] leaves
    /// alone), so that most cells are passed over without normalising them; `None` when some
    /// footer has no such letter.
    table_footer_letters: Option<CharSet>,
    table_footer_finder: Option<AhoCorasick>,
    /// First characters of the level aliases.
    level_first_chars: CharSet,
}

/// What a word of a self-evaluation's header names (see [`Vocabulary::self_evaluation_word`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelfEvaluationWord {
    /// `得分`
    Score,
    /// `实际完成值`, `全年执行数`, `执行率`
    Result,
}

/// Additions from a `[reader]` table in jixiao.toml: more words for the same things.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ReaderAdditions {
    /// More title endings (`…绩效目标表`).
    #[serde(default)]
    pub titles: Vec<String>,
    /// Field label synonyms by role: `name`, `department`, `implementer`, `extra`.
    #[serde(default)]
    pub labels: HashMap<String, Vec<String>>,
    /// Funds line synonyms by role: `total`, `fiscal`, `superior`, `own_level`, `other`, `source`.
    #[serde(default)]
    pub funds: HashMap<String, Vec<String>>,
    /// Goal labels: `annual`, `midterm`.
    #[serde(default)]
    pub goals: HashMap<String, Vec<String>>,
    /// Header words of the indicator table by role: `level1`, `level2`, `name`, `value`,
    /// `midterm_value`, `unit`, `weight`, `direction`, `note` …
    #[serde(default)]
    pub columns: HashMap<String, Vec<String>>,
    /// Other words for the standard level names: `{ "产出指标" = ["完成指标"] }`.
    #[serde(default)]
    pub levels: HashMap<String, Vec<String>>,
    /// More footer starts (rows that end a form).
    #[serde(default)]
    pub footers: Vec<String>,
}

impl ReaderAdditions {
    /// Add another file's additions to these.
    pub fn extend(&mut self, other: &ReaderAdditions) {
        let merge = |a: &mut HashMap<String, Vec<String>>, b: &HashMap<String, Vec<String>>| {
            for (k, v) in b {
                a.entry(k.clone()).or_default().extend(v.iter().cloned());
            }
        };
        self.titles.extend(other.titles.iter().cloned());
        self.footers.extend(other.footers.iter().cloned());
        merge(&mut self.labels, &other.labels);
        merge(&mut self.funds, &other.funds);
        merge(&mut self.goals, &other.goals);
        merge(&mut self.columns, &other.columns);
        merge(&mut self.levels, &other.levels);
    }
}

// ------------------------------------------------------------------ the TOML file

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVocabulary {
    titles: RawTitles,
    footers: RawStarts,
    furniture: RawExact,
    field: Vec<RawField>,
    money_units: RawMoneyUnits,
    funds: RawFunds,
    goals: RawGoals,
    columns: HashMap<String, Vec<String>>,
    levels: HashMap<String, Vec<String>>,
    #[serde(default)]
    prose: RawProse,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawProse {
    words: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTitles {
    endings: Vec<String>,
    #[serde(default)]
    other_endings: Vec<String>,
    #[serde(default)]
    self_evaluation_scores: Vec<String>,
    #[serde(default)]
    self_evaluation_results: Vec<String>,
    other_documents: Vec<RawOther>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOther {
    contains: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStarts {
    starts: Vec<String>,
    /// Words that end a form wherever they stand in a row, once its indicator table has begun.
    #[serde(default)]
    after_table: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExact {
    exact: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    role: FieldRole,
    #[serde(default)]
    fallback: bool,
    labels: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMoneyUnits {
    labels: Vec<String>,
    units: Vec<RawUnit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnit {
    unit: String,
    scale: Decimal,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFunds {
    headings: Vec<String>,
    line: Vec<RawFundsLine>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFundsLine {
    role: FundsRole,
    #[serde(default)]
    period: Period,
    labels: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGoals {
    annual: Vec<String>,
    midterm: Vec<String>,
}

fn column_role(name: &str) -> Option<ColumnRole> {
    Some(match name {
        "group" => ColumnRole::Group,
        "level1" => ColumnRole::Level1,
        "level2" => ColumnRole::Level2,
        "name" => ColumnRole::Name,
        "value" => ColumnRole::Value,
        "midterm_value" => ColumnRole::MidtermValue,
        "comparator" => ColumnRole::Comparator,
        "nature" => ColumnRole::Nature,
        "unit" => ColumnRole::Unit,
        "direction" => ColumnRole::Direction,
        "weight" => ColumnRole::Weight,
        "note" => ColumnRole::Note,
        _ => return None,
    })
}

fn field_role(name: &str) -> Option<FieldRole> {
    Some(match name {
        "name" => FieldRole::Name,
        "department" => FieldRole::Department,
        "implementer" => FieldRole::Implementer,
        "extra" => FieldRole::Extra,
        _ => return None,
    })
}

fn funds_role(name: &str) -> Option<FundsRole> {
    Some(match name {
        "total" => FundsRole::Total,
        "fiscal" => FundsRole::Fiscal,
        "superior" => FundsRole::Superior,
        "own_level" => FundsRole::OwnLevel,
        "other" => FundsRole::Other,
        "source" => FundsRole::Source,
        _ => return None,
    })
}

/// The key a word is looked up by: whitespace removed, full-width `：（）［］` as ASCII, no
/// trailing colon.
pub fn key(text: &str) -> Cow<'_, str> {
    // Most cells need no change: look before allocating.
    if !text.ends_with(':')
        && !crate::read::recognize::normalize::any_special(
            text,
            |b| b.is_ascii_whitespace() || matches!(b, 0x0B | b'?' | b'*'),
            changes_in_key,
        )
    {
        return Cow::Borrowed(text);
    }
    // `?` and `*` are what OCR leaves inside labels (`绩???效???目???标`, `一*级项目名称`).
    let mut key = String::with_capacity(text.len());
    key.extend(text.chars().filter_map(key_char));
    while key.ends_with(':') {
        key.pop();
    }
    Cow::Owned(key)
}

/// What a character is in a [`key`]: nothing (a blank, or the `?`/`*` OCR leaves), its ASCII
/// form (`：（）［］`), or itself. (A key's trailing colons are dropped besides.)
pub fn key_char(c: char) -> Option<char> {
    in_key(c).then(|| normalise_char(c))
}

/// Whether `key` removes or replaces this character.
fn changes_in_key(c: char) -> bool {
    crate::read::recognize::is_blank(c)
        || matches!(
            c,
            '?' | '？' | '*' | '＊' | '：' | '（' | '）' | '［' | '］'
        )
}

impl Vocabulary {
    /// The shipped vocabulary.
    pub fn builtin() -> &'static Vocabulary {
        static BUILTIN: OnceLock<Vocabulary> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            // The embedded file is checked by a unit test; should it ever fail to parse, the
            // reader still works with an empty vocabulary rather than aborting.
            Vocabulary::from_toml(BUILTIN_TOML).unwrap_or_else(|_| Vocabulary::empty())
        })
    }

    fn empty() -> Vocabulary {
        Vocabulary {
            labels: FastMap::default(),
            prose_words: Vec::new(),
            label_trie: LabelTrie::default(),
            columns: FastMap::default(),
            level_aliases: FastMap::default(),
            level_stems: FastMap::default(),
            title_endings: Vec::new(),
            title_finder: None,
            title_last_char: None,
            other_documents: Vec::new(),
            other_endings: Vec::new(),
            self_evaluation_scores: Vec::new(),
            self_evaluation_results: Vec::new(),
            footers: Vec::new(),
            table_footers: Vec::new(),
            furniture: Vec::new(),
            money_units: Vec::new(),
            max_label_chars: 0,
            first_chars: CharSet::default(),
            column_first_chars: CharSet::default(),
            footer_first_chars: CharSet::default(),
            table_footer_letters: None,
            table_footer_finder: None,
            level_first_chars: CharSet::default(),
        }
    }

    /// Build a vocabulary from the text of a vocabulary file.
    pub fn from_toml(text: &str) -> Result<Vocabulary, String> {
        let raw: RawVocabulary = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut v = Vocabulary::empty();
        v.title_endings = raw
            .titles
            .endings
            .iter()
            .map(|t| key(t).into_owned())
            .collect();
        v.other_endings = raw
            .titles
            .other_endings
            .iter()
            .map(|t| key(t).into_owned())
            .collect();
        let keys = |words: &[String]| words.iter().map(|t| key(t).into_owned()).collect();
        v.self_evaluation_scores = keys(&raw.titles.self_evaluation_scores);
        v.self_evaluation_results = keys(&raw.titles.self_evaluation_results);
        v.other_documents = raw
            .titles
            .other_documents
            .into_iter()
            .map(|o| OtherDocument {
                contains: key(&o.contains).into_owned(),
                name: o.name,
            })
            .collect();
        v.footers = raw
            .footers
            .starts
            .iter()
            .map(|t| key(t).into_owned())
            .collect();
        v.table_footers = raw
            .footers
            .after_table
            .iter()
            .map(|t| key(t).into_owned())
            .collect();
        v.furniture = raw
            .furniture
            .exact
            .iter()
            .map(|t| key(t).into_owned())
            .collect();
        for f in raw.field {
            for l in &f.labels {
                v.add_label(
                    l,
                    Label::Field {
                        role: f.role,
                        fallback: f.fallback,
                    },
                );
            }
        }
        for l in &raw.money_units.labels {
            v.add_label(l, Label::MoneyUnit);
        }
        v.money_units = raw
            .money_units
            .units
            .into_iter()
            .map(|u| (key(&u.unit).into_owned(), u.scale))
            .collect();
        // Longest unit first, so `万元` is not read as `元`.
        v.money_units
            .sort_by_key(|(u, _)| std::cmp::Reverse(u.chars().count()));
        for l in &raw.funds.headings {
            v.add_label(l, Label::FundsHeading);
        }
        for line in raw.funds.line {
            for l in &line.labels {
                v.add_label(
                    l,
                    Label::Funds {
                        role: line.role,
                        period: line.period,
                    },
                );
            }
        }
        for l in &raw.goals.annual {
            v.add_label(l, Label::Goals(Period::Annual));
        }
        for l in &raw.goals.midterm {
            v.add_label(l, Label::Goals(Period::Midterm));
        }
        for (role, words) in &raw.columns {
            let role = column_role(role).ok_or_else(|| format!("未知的列角色 {role}"))?;
            for w in words {
                v.columns.insert(key(w).into_owned(), role);
            }
        }
        v.prose_words = raw
            .prose
            .words
            .iter()
            .map(|w| key(w).into_owned())
            .collect();
        for (canonical, aliases) in &raw.levels {
            let level =
                level_by_name(canonical).ok_or_else(|| format!("未知的指标层级 {canonical}"))?;
            for a in aliases {
                v.level_aliases.insert(key(a).into_owned(), level);
            }
        }
        v.refresh_index();
        Ok(v)
    }

    /// This vocabulary with a `[reader]` table's additions.
    pub fn with(&self, add: &ReaderAdditions) -> Result<Vocabulary, String> {
        let mut v = self.clone();
        v.title_endings
            .extend(add.titles.iter().map(|t| key(t).into_owned()));
        v.footers
            .extend(add.footers.iter().map(|t| key(t).into_owned()));
        for (role, words) in &add.labels {
            let role = field_role(role).ok_or_else(|| {
                format!("[reader].labels 中未知的角色 “{role}”（应为 name、department、implementer 或 extra）")
            })?;
            for w in words {
                v.add_label(
                    w,
                    Label::Field {
                        role,
                        fallback: false,
                    },
                );
            }
        }
        for (role, words) in &add.funds {
            let role = funds_role(role).ok_or_else(|| {
                format!("[reader].funds 中未知的角色 “{role}”（应为 total、fiscal、superior、own_level、other 或 source）")
            })?;
            for w in words {
                v.add_label(
                    w,
                    Label::Funds {
                        role,
                        period: Period::Annual,
                    },
                );
            }
        }
        for (period, words) in &add.goals {
            let period = match period.as_str() {
                "annual" => Period::Annual,
                "midterm" => Period::Midterm,
                _ => {
                    return Err(format!(
                        "[reader].goals 中未知的类别 “{period}”（应为 annual 或 midterm）"
                    ));
                }
            };
            for w in words {
                v.add_label(w, Label::Goals(period));
            }
        }
        for (role, words) in &add.columns {
            let role = column_role(role)
                .ok_or_else(|| format!("[reader].columns 中未知的列角色 “{role}”"))?;
            for w in words {
                v.columns.insert(key(w).into_owned(), role);
            }
        }
        for (canonical, aliases) in &add.levels {
            let level = level_by_name(canonical).ok_or_else(|| {
                format!(
                    "[reader].levels 中未知的标准指标名称 “{canonical}”（如 产出指标、数量指标）"
                )
            })?;
            for a in aliases {
                v.level_aliases.insert(key(a).into_owned(), level);
            }
        }
        v.refresh_index();
        Ok(v)
    }

    fn add_label(&mut self, word: &str, label: Label) {
        self.labels.insert(key(word).into_owned(), label);
    }

    fn refresh_index(&mut self) {
        self.max_label_chars = self
            .labels
            .keys()
            .map(|k| k.chars().count())
            .max()
            .unwrap_or(0);
        let mut trie = LabelTrie::default();
        for (k, &label) in &self.labels {
            trie.insert(k, label);
        }
        self.label_trie = trie;
        self.title_finder = AhoCorasick::new(&self.title_endings).ok();
        let last: Vec<Option<char>> = self
            .title_endings
            .iter()
            .map(|e| e.chars().next_back())
            .collect();
        self.title_last_char = match last.split_first() {
            Some((first, rest)) if rest.iter().all(|l| l == first) => *first,
            _ => None,
        };
        self.first_chars = first_chars(self.labels.keys().chain(self.columns.keys()));
        self.column_first_chars = first_chars(self.columns.keys());
        self.footer_first_chars = first_chars(self.footers.iter());
        self.table_footer_letters = self
            .table_footers
            .iter()
            .map(|f| f.chars().find(|c| c.is_alphabetic()))
            .collect();
        self.table_footer_finder = AhoCorasick::new(&self.table_footers).ok();
        self.level_first_chars = first_chars(self.level_aliases.keys());
        for level in crate::model::LEVEL_NAMES {
            if let Some(c) = level.canonical.chars().next() {
                self.level_first_chars.insert(c);
            }
        }
        self.level_stems = self
            .level_aliases
            .iter()
            .filter_map(|(k, &l)| Some((k.strip_suffix("指标")?.to_owned(), l)))
            .collect();
    }

    /// Whether a cell may be a header word of the indicator table (a cheap test on its first
    /// character).
    pub fn may_be_column(&self, text: &str) -> bool {
        text.chars()
            .find(|&c| !changes_in_key(c))
            .is_some_and(|c| self.column_first_chars.contains(c))
    }

    /// Whether a cell may start with a label or header word (a cheap test on its first
    /// character, after the enumerators and `其中` a label may carry).
    pub fn may_be_label(&self, text: &str) -> bool {
        let text = crate::read::recognize::normalize::trim_blank_start(text);
        let Some(first) = text.chars().next() else {
            return false;
        };
        if self.first_chars.contains(first) {
            return true;
        }
        // Only a cell that opens with an enumerator needs it stripped to be sure.
        if !(first.is_ascii_digit() || matches!(first, '(' | '（') || is_chinese_numeral(first)) {
            return false;
        }
        strip_enumerator(text)
            .chars()
            .next()
            .is_some_and(|c| self.first_chars.contains(c))
    }

    /// The label a whole cell is, with the money scale its `(万元)` states.
    pub fn label(&self, text: &str) -> Option<LabelMatch> {
        if !self.may_be_label(text) || text.len() > 160 {
            return None;
        }
        // A label cell is an enumerator, the label, and perhaps a note in brackets: longer text
        // without a closing bracket is a value (goal text), not worth normalising.
        let trimmed = text.trim_end_matches(|c: char| {
            crate::read::recognize::is_blank(c) || matches!(c, ':' | '：')
        });
        if !trimmed.ends_with([')', '）'])
            && trimmed.chars().filter(|&c| in_key(c)).count() > self.max_label_chars + 8
        {
            return None;
        }
        let (bare, scale) = label_parts(&key(text), self);
        self.labels.get(bare.as_str()).map(|&label| LabelMatch {
            label,
            scale,
            key: bare,
        })
    }

    /// The longest label `text` starts with (after an enumerator or `其中:`), and the byte
    /// length of the text it covers (through a following `(万元)` and colon). For glued cells:
    /// `项目名称农村义务教育…`, `年度资金总额:16`.
    pub fn label_prefix(&self, text: &str) -> Option<(LabelMatch, usize)> {
        if !self.may_be_label(text) {
            return None;
        }
        let lead = leading_enumerator_len(text);
        let body = text.get(lead..).unwrap_or("");
        // `其中:上级补助`, `其中:1.中央资金`: the label is what follows `其中` (and its number).
        let after_qizhong = lead + qizhong_len(body);
        let from = after_qizhong + leading_enumerator_len(text.get(after_qizhong..).unwrap_or(""));
        let mut node = LabelTrie::ROOT;
        let mut best = None;
        for (offset, c) in text.get(from..).unwrap_or("").char_indices() {
            if !in_key(c) {
                continue;
            }
            let Some(next) = self.label_trie.step(node, normalise_char(c)) else {
                // Nothing longer can match.
                break;
            };
            node = next;
            if let Some(label) = self.label_trie.label(node) {
                best = Some((label, node, from + offset + c.len_utf8()));
            }
        }
        let (label, node, mut end) = best?;
        let key = self.label_trie.key(node).to_owned();
        // Through a tail its kind of label takes, where the label word ends there:
        // `财政拨款数 3`, `实施单位名称:`.
        end += label_tail_len(label, text.get(end..).unwrap_or(""));
        // Through a unit in brackets and a colon: `资金总额(万元):`.
        let rest = text.get(end..).unwrap_or("");
        let (scale, used) = bracketed_unit(rest, self);
        end += used;
        // A note in brackets right after a goals label or a heading belongs to the label
        // (`中期目标(2023年—2023年)`, `项目总体目标(2024 年-2026 年)`).
        if used == 0
            && matches!(label, Label::Goals(_) | Label::FundsHeading)
            && let Some(inner) = text.get(end..).and_then(|r| r.strip_prefix(['(', '（']))
            && let Some(close) = inner.find([')', '）'])
            && close <= 60
        {
            let close_len = inner
                .get(close..)
                .and_then(|c| c.chars().next())
                .map_or(1, char::len_utf8);
            end = text.len() - inner.len() + close + close_len;
        }
        let rest = text.get(end..).unwrap_or("");
        let trimmed = rest.trim_start_matches(crate::read::recognize::is_blank);
        let mut separated = used > 0 || trimmed.len() < rest.len();
        if let Some(after) = trimmed.strip_prefix([':', '：']) {
            end = text.len() - after.len();
            separated = true;
        }
        // `中央财政补助资金已全部到位`, `下达资金120万元全部用于…`: a word of prose, not a label.
        if self.is_prose_word(&key) && !separated && !is_amount_only(text.get(end..).unwrap_or(""))
        {
            return None;
        }
        Some((LabelMatch { label, scale, key }, end))
    }

    /// A label cell the vocabulary does not hold whole, read as the label it is built on — and
    /// how sure that reading is. Published templates qualify and extend the usual labels:
    ///
    /// - qualifiers of period, level or budget before a label: `中期预算资金总额`,
    ///   `区县主管部门` ([`Qualified::Sure`]);
    /// - a label followed by a second label of the same kind, the head of the compound:
    ///   `年度预算资金总额` is a 资金总额 (the period stays in the written label) (sure);
    /// - a label joined to more by 及/和/与: `主管部门(单位)名称及部门预算编码` (sure);
    /// - a label with a tail its kind of label takes: an amount word after a funds label
    ///   (`财政拨款数`), `名称`/`代码` after a field (`实施单位全称`) (sure); any short word
    ///   after a label kept as written (`项目期限`) ([`Qualified::IfValueFollows`]: a glued
    ///   value looks the same, so only when the next cell holds the value).
    ///
    /// Without this, the longest label at the start was cut off and the rest read as its
    /// value: `项目期限 | 3年` gave 项目期 = `限`, `年度预算资金总额 | 25` an empty 年度预算.
    pub fn qualified_label(&self, text: &str) -> Option<(LabelMatch, Qualified)> {
        if text.len() > 96 || text.bytes().any(|b| b.is_ascii_digit()) {
            return None;
        }
        let k = key(text);
        let k = strip_enumerator(strip_qizhong(strip_enumerator(&k)));
        if self.labels.contains_key(k) {
            return None;
        }
        if let Some((m, end)) = self.label_prefix(text) {
            // Goal labels and headings stand side by side in a row (`年度目标 年度总体目标
            // 完成情况`): two labels, not one.
            if !matches!(m.label, Label::Funds { .. } | Label::Field { .. }) {
                return None;
            }
            let rest = key(text.get(end..).unwrap_or(""));
            let rest = rest.as_ref();
            if rest.is_empty() {
                // The label through a tail its kind takes (`财政拨款数`).
                return Some((m, Qualified::Sure));
            }
            if rest.starts_with(['及', '和', '与', '、']) {
                return Some((m, Qualified::Sure));
            }
            if let Some(head) = self.label(rest)
                && std::mem::discriminant(&head.label) == std::mem::discriminant(&m.label)
            {
                let scale = head.scale.or(m.scale);
                return Some((LabelMatch { scale, ..head }, Qualified::Sure));
            }
            let tail_fits = match m.label {
                Label::Funds { .. } => AMOUNT_TAILS.contains(&rest),
                Label::Field {
                    role: FieldRole::Extra,
                    ..
                } => rest.chars().count() <= 2 && rest.chars().all(crate::read::value_text::is_han),
                Label::Field { .. } => FIELD_TAILS.contains(&rest),
                _ => false,
            };
            return tail_fits.then_some((m, Qualified::IfValueFollows));
        }
        let mut rest = k;
        let mut by_level = false;
        loop {
            if let Some(q) = QUALIFIERS.iter().find(|q| rest.starts_with(**q)) {
                rest = rest.get(q.len()..).unwrap_or("");
            } else if let Some(q) = LEVEL_QUALIFIERS.iter().find(|q| rest.starts_with(**q)) {
                rest = rest.get(q.len()..).unwrap_or("");
                by_level = true;
            } else {
                break;
            }
        }
        if rest.len() == k.len() || rest.is_empty() {
            return None;
        }
        let head = self.label(rest)?;
        let fits = match head.label {
            Label::Field { .. } => true,
            Label::Funds { .. } => !by_level,
            _ => false,
        };
        fits.then_some((head, Qualified::Sure))
    }

    /// Whether `text` is the start of a longer label (`年度主要目标` of 年度主要目标和成果): a
    /// cheap test before joining it with the next cell.
    pub fn is_label_start(&self, text: &str) -> bool {
        if !self.may_be_label(text) {
            return false;
        }
        let k = key(text);
        self.label_trie
            .find(strip_qizhong(strip_enumerator(&k)))
            .is_some_and(|node| self.label_trie.has_children(node))
    }

    /// Whether `key` is the start of a goals label (`年度` of 年度总体目标, `总` of 总体目标).
    pub fn is_goal_label_prefix(&self, key: &str) -> bool {
        !key.is_empty()
            && self
                .labels
                .iter()
                .any(|(k, l)| matches!(l, Label::Goals(_)) && k.starts_with(key) && k != key)
    }

    /// The role of a header word of the indicator table (`一级指标`, `指标值(长期)` …).
    /// Whether `key` is a label or header word that is also a word of prose (`[prose]`).
    pub fn is_prose_word(&self, key: &str) -> bool {
        !self.prose_words.is_empty() && self.prose_words.iter().any(|w| w == key)
    }

    /// [`Vocabulary::column`] for a word found inside running text: not a word of prose.
    pub fn column_in_text(&self, text: &str) -> Option<Column> {
        self.column(text).filter(|_| {
            let k = key(text);
            // `绩效评价指标`: a word of prose with the 绩效 a budget system's export puts first.
            self.prose_words.is_empty()
                || !(self.is_prose_word(&k)
                    || k.strip_prefix("绩效")
                        .is_some_and(|b| self.is_prose_word(b)))
        })
    }

    pub fn column(&self, text: &str) -> Option<Column> {
        // Header words are short; a long cell is one only with a note in brackets
        // (`绩效指标(权重分值90分,其中产出指标权重分值50分,…)`).
        let long = text.len() > 120;
        if long && (text.len() > 600 || !text.trim_end().ends_with([')', '）'])) {
            return None;
        }
        if !self.may_be_column(text) {
            return None;
        }
        let k = key(text);
        if let Some(&role) = self.columns.get(&*k) {
            return Some(Column { role, period: None });
        }
        // `指标值(长期)`, `二级指标(年度)`, `指标值(或计划水平)`, `中期指标值`.
        let (bare, note) = split_bracket_note(&k);
        if long && bare.len() > 60 {
            return None;
        }
        let period = if note.contains("长期") || note.contains("中期") {
            Some(Period::Midterm)
        } else if note.contains("年度") {
            Some(Period::Annual)
        } else {
            None
        };
        if let Some(&role) = self.columns.get(bare) {
            return Some(Column { role, period });
        }
        // `绩效指标性质 | 绩效指标值 | 绩效度量单位`: a budget system's export puts 绩效 before
        // the words of its columns.
        if let Some(&role) = bare
            .strip_prefix("绩效")
            .and_then(|rest| self.columns.get(rest))
            && role != ColumnRole::Group
        {
            return Some(Column { role, period });
        }
        None
    }

    /// A standard level name or another template's word for one (`项目完成指标`, `社会效益指`).
    pub fn level(&self, text: &str) -> Option<&'static LevelName> {
        if let Some(level) = recognise_level(text) {
            return Some(level);
        }
        let first = text.trim_start().chars().next()?;
        if text.len() > 96 || first.is_ascii_digit() {
            return None;
        }
        let k = key(text);
        if !k
            .chars()
            .next()
            .is_some_and(|c| self.level_first_chars.contains(c))
        {
            return None;
        }
        if let Some(level) = self.level_aliases.get(&*k) {
            return Some(level);
        }
        // `成本指标(0-20)分`, `产出指标(40-50)分`: a score range after the name.
        let scored = k.trim_end_matches(|c: char| c.is_ascii_digit() || c == '分');
        let (bare, _) = split_bracket_note(scored);
        if bare.len() < k.len() && !bare.is_empty() {
            return recognise_level(bare).or_else(|| self.level_aliases.get(bare).copied());
        }
        // An alias cut after its stem: `项目完成` for 项目完成指标.
        let stem = k
            .strip_suffix("指标")
            .or_else(|| k.strip_suffix('指'))
            .unwrap_or(&k);
        if stem.chars().count() >= 2 {
            return self.level_stems.get(stem).copied();
        }
        None
    }

    /// Whether `key` (a normalised row text) ends with a title ending; the ending's end offset.
    pub fn title_ending(&self, key: &str) -> Option<usize> {
        self.title_endings_in(key).map(|(_, end)| end).max()
    }

    /// Every place a title ending occurs in `text`: (start, end) byte offsets.
    pub fn title_endings_in<'t>(
        &'t self,
        text: &'t str,
    ) -> impl Iterator<Item = (usize, usize)> + 't {
        let may_hold = self.title_last_char.is_none_or(|c| text.contains(c));
        self.title_finder
            .iter()
            .filter(move |_| may_hold)
            .flat_map(move |f| f.find_overlapping_iter(text))
            .map(|m| (m.start(), m.end()))
    }

    /// The title endings (normalised).
    pub fn title_endings(&self) -> &[String] {
        &self.title_endings
    }

    /// Whether a word (as a [`key`]) names a self-evaluation's score column (`得分`) or a column
    /// of its results (`实际完成值`, `执行率`): a form with both is one, which no target form is.
    pub fn self_evaluation_word(&self, key: &str) -> Option<SelfEvaluationWord> {
        if self.self_evaluation_scores.iter().any(|w| w == key) {
            Some(SelfEvaluationWord::Score)
        } else if self.self_evaluation_results.iter().any(|w| w == key) {
            Some(SelfEvaluationWord::Result)
        } else {
            None
        }
    }

    /// The other document a short line names by one of `other_endings` (`部门整体绩效目标`,
    /// `项目支出绩效自评表`), with a year or a note in brackets after it: the caller knows the line
    /// stands where a title stands.
    /// Another document's title with its first field glued after it (`项目支出绩效自评表(2022年度)
    /// 项目名称委托业务项目…`, a Word file's text in one line): the document.
    pub fn glued_other_title(&self, key: &str) -> Option<&OtherDocument> {
        // The title's words before its ending are at most 32 characters.
        let head = match key.char_indices().nth(48) {
            Some((at, _)) => key.get(..at).unwrap_or(key),
            None => key,
        };
        self.other_endings.iter().find_map(|e| {
            let at = head.find(e.as_str())?;
            if key.get(..at)?.chars().count() > 32 {
                return None;
            }
            let rest = skip_year_note(key.get(at + e.len()..)?)?;
            if !self.fields_follow(rest) {
                return None;
            }
            self.other_title(key.get(..key.len() - rest.len())?)
        })
    }

    /// Whether `text` begins with a field's label and a second label follows within a short
    /// value (`项目名称 委托业务项目 主管部门 …`): a form's fields, not a sentence that names
    /// one (`项目名称等要求填报`).
    fn fields_follow(&self, text: &str) -> bool {
        let Some((m, end)) = self.label_prefix(text) else {
            return false;
        };
        if !matches!(m.label, Label::Field { .. }) {
            return false;
        }
        let rest = text.get(end..).unwrap_or("");
        rest.char_indices()
            .take(40)
            .skip(1)
            .any(|(i, _)| rest.get(i..).and_then(|r| self.label_prefix(r)).is_some())
    }

    /// Another document's title followed by its first field, inside a line of `text` (searched
    /// in its first 65 536 characters): where the title's ending is (byte range) and the
    /// document's name.
    pub fn other_title_in_text(&self, text: &str) -> Option<((usize, usize), String)> {
        let window = match text.char_indices().nth(65_536) {
            Some((at, _)) => text.get(..at).unwrap_or(text),
            None => text,
        };
        self.other_endings.iter().find_map(|e| {
            window.match_indices(e.as_str()).find_map(|(at, ending)| {
                let end = at + ending.len();
                let rest = skip_year_note(text.get(end..)?)?;
                if !self.fields_follow(rest) {
                    return None;
                }
                let name = self.other_document(e)?.name.clone();
                Some(((at, end), name))
            })
        })
    }

    pub fn other_title(&self, key: &str) -> Option<&OtherDocument> {
        const SENTENCE_MARKS: &[char] = &[',', '，', '。', '；', ';', '、', '!', '？', '?'];
        let mut body = key;
        while let Some(open) = body.strip_suffix(')').and_then(|b| b.rfind('(')) {
            body = body.get(..open).unwrap_or("");
        }
        let bare = body.strip_suffix('表').unwrap_or(body);
        // The words before the ending.
        let before = self.other_endings.iter().find_map(|e| {
            body.strip_suffix(e.as_str())
                .or_else(|| bare.strip_suffix(e.as_str()))
        })?;
        if key.chars().count() > 40
            || key.contains(SENTENCE_MARKS)
            || ["附件", "附表", "附:", "详见", "关于"]
                .iter()
                .any(|w| key.starts_with(w))
            // A page's navigation or a list of documents names the title; it is none:
            // `首页 > 信息公开 > 绩效目标自评表`, `相关阅读:…自评表`, `1.…绩效目标表 2.…自评表`.
            || key.contains(NAVIGATION_MARKS)
            || self.title_endings.iter().any(|e| before.contains(e.as_str()))
        {
            return None;
        }
        self.other_document(key)
    }

    /// The other document a title names, if it is not a project form.
    pub fn other_document(&self, key: &str) -> Option<&OtherDocument> {
        self.other_documents
            .iter()
            .find(|o| key.contains(o.contains.as_str()))
    }

    /// Whether a row starting with this text ends a form (a footer, a signature, a review box).
    pub fn is_footer(&self, key: &str) -> bool {
        key.chars()
            .next()
            .is_some_and(|c| self.footer_first_chars.contains(c))
            && self.footers.iter().any(|f| key.starts_with(f.as_str()))
    }

    /// Whether a cell of a row below the indicator table is a signature or stamp box.
    pub fn is_table_footer(&self, text: &str) -> bool {
        if let Some(letters) = &self.table_footer_letters
            && !text.chars().any(|c| letters.contains(c))
        {
            return false;
        }
        let key = key(text);
        match &self.table_footer_finder {
            Some(finder) => finder.is_match(key.as_ref()),
            None => self.table_footers.iter().any(|f| key.contains(f.as_str())),
        }
    }

    pub fn is_furniture(&self, key: &str) -> bool {
        self.furniture.iter().any(|f| f == key)
    }

    /// The scale of a money unit (`万元` → 10⁴), also read from `万` alone.
    pub fn money_unit(&self, text: &str) -> Option<(String, Decimal)> {
        let k = key(text);
        self.money_units
            .iter()
            .find(|(u, _)| k == *u || (u.ends_with('元') && k == u.trim_end_matches('元')))
            .map(|(u, s)| (u.clone(), *s))
    }

    /// The byte length of a money unit in brackets that `text` begins with (`(万元) 年度…`).
    pub fn leading_unit_len(&self, text: &str) -> Option<usize> {
        match bracketed_unit(text, self) {
            (Some(_), used) if used > 0 => Some(used),
            _ => None,
        }
    }

    /// A money unit in brackets at the end of a key, and the words before it:
    /// `项目预算资金(万元)` → (`项目预算资金`, 10 000).
    pub fn trailing_unit<'k>(&self, key: &'k str) -> Option<(&'k str, Decimal)> {
        let (bare, note) = split_bracket_note(key);
        if note.is_empty() {
            return None;
        }
        Some((bare, self.unit_in_brackets(note)?))
    }

    /// The money unit a `(万元)` at the start of `text` states, and its byte length.
    fn unit_in_brackets(&self, inner: &str) -> Option<Decimal> {
        let k = key(inner);
        let k = k
            .strip_prefix("金额单位:")
            .or_else(|| k.strip_prefix("单位:"))
            .unwrap_or(&k);
        self.money_units
            .iter()
            .find(|(u, _)| k == u)
            .map(|(_, s)| *s)
    }
}

/// Label keys as a trie over characters. Walking a cell a character at a time costs one small
/// hash look-up per character, where looking up every prefix as a string would hash it again.
#[derive(Debug, Clone, Default)]
struct LabelTrie {
    /// (node, character) → child node.
    edges: FastMap<(u32, char), u32>,
    nodes: Vec<TrieNode>,
}

#[derive(Debug, Clone, Default)]
struct TrieNode {
    /// The label (and its key) that ends at this node.
    label: Option<(Label, String)>,
    children: u32,
}

impl LabelTrie {
    const ROOT: u32 = 0;

    fn insert(&mut self, key: &str, label: Label) {
        if self.nodes.is_empty() {
            self.nodes.push(TrieNode::default());
        }
        let mut node = Self::ROOT;
        for c in key.chars() {
            node = match self.edges.get(&(node, c)) {
                Some(&child) => child,
                None => {
                    let child = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
                    self.nodes.push(TrieNode::default());
                    self.edges.insert((node, c), child);
                    if let Some(parent) = self.nodes.get_mut(node as usize) {
                        parent.children += 1;
                    }
                    child
                }
            };
        }
        if let Some(end) = self.nodes.get_mut(node as usize) {
            end.label = Some((label, key.to_owned()));
        }
    }

    fn step(&self, node: u32, c: char) -> Option<u32> {
        self.edges.get(&(node, c)).copied()
    }

    /// The node `key` leads to, if it is a label or the start of one.
    fn find(&self, key: &str) -> Option<u32> {
        if self.nodes.is_empty() {
            return None;
        }
        key.chars()
            .try_fold(Self::ROOT, |node, c| self.step(node, c))
    }

    fn label(&self, node: u32) -> Option<Label> {
        self.nodes
            .get(node as usize)
            .and_then(|n| n.label.as_ref())
            .map(|(l, _)| *l)
    }

    fn key(&self, node: u32) -> &str {
        self.nodes
            .get(node as usize)
            .and_then(|n| n.label.as_ref())
            .map_or("", |(_, k)| k.as_str())
    }

    fn has_children(&self, node: u32) -> bool {
        self.nodes
            .get(node as usize)
            .is_some_and(|n| n.children > 0)
    }
}

/// Whether a character is kept in a key (not a blank, nor the `?`/`*` OCR leaves in labels).
fn in_key(c: char) -> bool {
    !crate::read::recognize::is_blank(c) && !matches!(c, '?' | '？' | '*' | '＊')
}

/// The byte length of a leading `其中` (and its colon) before a label, when something follows.
fn qizhong_len(text: &str) -> usize {
    let mut kept = text.char_indices().filter(|&(_, c)| in_key(c));
    let (Some((_, '其')), Some((at, '中'))) = (kept.next(), kept.next()) else {
        return 0;
    };
    let mut end = at + '中'.len_utf8();
    let mut rest = kept.peekable();
    if let Some(&(colon, c @ (':' | '：'))) = rest.peek() {
        end = colon + c.len_utf8();
        rest.next();
    }
    if rest.peek().is_some() { end } else { 0 }
}

/// A label found in a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelMatch {
    pub label: Label,
    /// The money scale a `(万元)` in the label states.
    pub scale: Option<Decimal>,
    /// The label's normalised key, as the vocabulary has it.
    pub key: String,
}

/// How sure a [`Vocabulary::qualified_label`] reading is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualified {
    /// Built of vocabulary words only: a label wherever it stands.
    Sure,
    /// A label and a tail: a label only when the next cell holds its value.
    IfValueFollows,
}

/// Words before a label that qualify it without changing what it is: `中期预算资金总额`,
/// `本年度资金总额`. (Not `项目`: `项目预算资金(万元)` heads a funds block.)
const QUALIFIERS: &[&str] = &[
    "本年度",
    "年度",
    "当年",
    "本年",
    "中期",
    "长期",
    "实施期",
    "预算",
];

/// Marks of a page's navigation and of labelled text, never in a title: `首页 > 信息公开 > …`,
/// `当前位置:首页>>…`, `相关阅读:…`.
const NAVIGATION_MARKS: &[char] = &['>', '＞', '»', '›', '→', ':', '：'];

/// Qualifiers of level, before a field label only (`区县主管部门`, `市级主管部门`): before money
/// they change whose money it is (`区县财政资金` is no 财政拨款 of the form's unit).
const LEVEL_QUALIFIERS: &[&str] = &["区县", "县区", "市县", "省级", "市级", "区级", "县级"];

/// What follows a funds label in a longer one and leaves it an amount: `财政拨款数`. (Not
/// 总额/合计/小计: those are labels of their own, and `预算资金总额` is a total, read as the head
/// of a compound.)
const AMOUNT_TAILS: &[&str] = &["数", "额", "金额", "数额", "资金"];

/// `rest` after a title's ending without the short note in brackets that may follow it
/// (`(2022年度)`) and the blanks around it; `None` for an unclosed or long note.
fn skip_year_note(rest: &str) -> Option<&str> {
    let blank = crate::read::recognize::is_blank;
    let rest = rest.trim_start_matches(blank);
    match rest.strip_prefix(['(', '（']) {
        Some(inner) => {
            let close = inner.find([')', '）']).filter(|&c| c <= 24)?;
            Some(
                inner
                    .get(close..)?
                    .trim_start_matches([')', '）'])
                    .trim_start_matches(blank),
            )
        }
        None => Some(rest),
    }
}

/// Text after a label that is nothing but its amount (`120`, `120万元`, ` 1,200.00 元`), or
/// nothing.
fn is_amount_only(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_ascii_digit()
            || crate::read::recognize::is_blank(c)
            || matches!(
                c,
                '.' | ',' | '，' | '万' | '亿' | '元' | '(' | ')' | '（' | '）'
            )
    })
}

/// What follows a field label in a longer one and leaves it the same field: `实施单位全称`.
const FIELD_TAILS: &[&str] = &["名称", "全称", "编码", "代码", "名"];

/// The byte length of a tail at the start of `rest` that continues a label of this kind
/// (see [`AMOUNT_TAILS`], [`FIELD_TAILS`]) and ends where the label word ends: at a blank, a
/// colon, a bracket or the end of the text. A glued value (`财政拨款数额较大…`) is no tail.
fn label_tail_len(label: Label, rest: &str) -> usize {
    let tails = match label {
        Label::Funds { .. } => AMOUNT_TAILS,
        Label::Field {
            role: FieldRole::Name | FieldRole::Department | FieldRole::Implementer,
            ..
        } => FIELD_TAILS,
        _ => return 0,
    };
    tails
        .iter()
        .filter(|t| {
            rest.strip_prefix(**t).is_some_and(|after| {
                after.chars().next().is_none_or(|c| {
                    crate::read::recognize::is_blank(c) || matches!(c, ':' | '：' | '(' | '（')
                })
            })
        })
        .map(|t| t.len())
        .max()
        .unwrap_or(0)
}

fn normalise_char(c: char) -> char {
    match c {
        '：' => ':',
        '（' => '(',
        '）' => ')',
        '［' => '[',
        '］' => ']',
        c => c,
    }
}

/// `其中:上级补助` → `上级补助`.
fn strip_qizhong(key: &str) -> &str {
    key.strip_prefix("其中:")
        .or_else(|| key.strip_prefix("其中"))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(key)
}

/// Enumerators before a label: `一、`, `(一)`, `1、`, `1.`, `(1)`.
fn leading_enumerator_len(text: &str) -> usize {
    let trimmed = text.trim_start_matches(crate::read::recognize::is_blank);
    let lead = text.len() - trimmed.len();
    lead + (trimmed.len() - strip_enumerator(trimmed).len())
}

fn is_chinese_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

/// The first characters of `words`.
fn first_chars<'w>(words: impl Iterator<Item = &'w String>) -> CharSet {
    words.filter_map(|k| k.chars().next()).collect()
}

/// A set of characters with a constant-time test: one bit per character of the Basic
/// Multilingual Plane (8 KiB), a list for the rest. Every cell is tested against these.
#[derive(Debug, Clone)]
struct CharSet {
    bmp: Box<[u64]>,
    other: Vec<char>,
}

impl Default for CharSet {
    fn default() -> CharSet {
        CharSet {
            bmp: vec![0; 1024].into_boxed_slice(),
            other: Vec::new(),
        }
    }
}

impl FromIterator<char> for CharSet {
    fn from_iter<I: IntoIterator<Item = char>>(chars: I) -> Self {
        let mut set = CharSet::default();
        chars.into_iter().for_each(|c| set.insert(c));
        set
    }
}

impl CharSet {
    fn insert(&mut self, c: char) {
        let code = c as usize;
        match self.bmp.get_mut(code >> 6) {
            Some(word) => *word |= 1 << (code & 63),
            None => self.other.push(c),
        }
    }

    fn contains(&self, c: char) -> bool {
        let code = c as usize;
        match self.bmp.get(code >> 6) {
            Some(word) => word & (1 << (code & 63)) != 0,
            None => self.other.contains(&c),
        }
    }
}

fn strip_enumerator(text: &str) -> &str {
    let numeral = |c: char| c.is_ascii_digit() || is_chinese_numeral(c);
    let mut chars = text.char_indices();
    match chars.next() {
        Some((_, '(' | '（')) => {
            let inner: Vec<(usize, char)> = chars.by_ref().take(4).collect();
            if let Some(pos) = inner.iter().position(|(_, c)| matches!(c, ')' | '）'))
                && pos > 0
                && inner.iter().take(pos).all(|(_, c)| numeral(*c))
                && let Some((offset, close)) = inner.get(pos)
            {
                return text.get(offset + close.len_utf8()..).unwrap_or(text);
            }
            text
        }
        Some((_, c)) if numeral(c) => {
            let digits_end = text
                .char_indices()
                .find(|(_, c)| !numeral(*c))
                .map_or(text.len(), |(i, _)| i);
            let rest = text.get(digits_end..).unwrap_or("");
            match rest.chars().next() {
                Some(sep @ ('、' | '.' | '．')) if digits_end <= 6 => {
                    rest.get(sep.len_utf8()..).unwrap_or(text)
                }
                _ => text,
            }
        }
        _ => text,
    }
}

/// A label key without its enumerator, `其中:` and `(万元)`, and the scale the unit states.
fn label_parts(key: &str, vocab: &Vocabulary) -> (String, Option<Decimal>) {
    let key = strip_enumerator(key);
    let key = strip_enumerator(strip_qizhong(key));
    if vocab.labels.contains_key(key) {
        return (key.to_owned(), None);
    }
    // `资金总额(万元)`: a unit; `中期目标(2023年—2023年)`: a note.
    let (bare, note) = split_bracket_note(key);
    if !note.is_empty() {
        return (bare.to_owned(), vocab.unit_in_brackets(note));
    }
    (key.to_owned(), None)
}

/// `资金总额(万元)` → (`资金总额`, `万元`); `指标值(长期)` → (`指标值`, `长期`). Only a bracket at
/// the end counts; text without one comes back whole with an empty note.
fn split_bracket_note(key: &str) -> (&str, &str) {
    if let Some(inner) = key.strip_suffix(')')
        && let Some(open) = inner.rfind('(')
        && open > 0
    {
        return (
            inner.get(..open).unwrap_or(key),
            inner.get(open + 1..).unwrap_or(""),
        );
    }
    (key, "")
}

/// A `(万元)` / `（元）` at the start of `rest`: its scale and byte length.
fn bracketed_unit(rest: &str, vocab: &Vocabulary) -> (Option<Decimal>, usize) {
    let trimmed = rest.trim_start_matches(crate::read::recognize::is_blank);
    let lead = rest.len() - trimmed.len();
    let Some(open) = trimmed.chars().next().filter(|c| matches!(c, '(' | '（')) else {
        return (None, 0);
    };
    let after = trimmed.get(open.len_utf8()..).unwrap_or("");
    let Some(close) = after.find([')', '）']) else {
        return (None, 0);
    };
    let inner = after.get(..close).unwrap_or("");
    match vocab.unit_in_brackets(inner) {
        Some(scale) => {
            let close_len = after
                .get(close..)
                .and_then(|s| s.chars().next())
                .map_or(1, char::len_utf8);
            (Some(scale), lead + open.len_utf8() + close + close_len)
        }
        None => (None, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v() -> Vocabulary {
        Vocabulary::from_toml(BUILTIN_TOML).unwrap()
    }

    #[test]
    fn table_footers_are_found_as_written_and_normalised() {
        let v = v();
        assert!(v.is_table_footer("单位（盖章）"));
        assert!(v.is_table_footer("负责人签 字："));
        assert!(v.is_table_footer("填报人(签名)"));
        assert!(!v.is_table_footer("培训人数"));
        assert!(!v.is_table_footer("签订合同数"));
        assert!(!v.is_table_footer(""));
    }

    #[test]
    fn the_shipped_vocabulary_parses() {
        let v = v();
        assert!(v.labels.len() > 100);
        assert!(v.title_ending("项目支出绩效目标批复表").is_some());
    }

    #[test]
    fn labels_with_units_enumerators_and_qizhong() {
        let v = v();
        let m = v.label("资金总额（万元）:").unwrap();
        assert_eq!(
            m.label,
            Label::Funds {
                role: FundsRole::Total,
                period: Period::Annual
            }
        );
        assert_eq!(m.scale, Some(Decimal::from(10_000)));
        assert!(matches!(
            v.label("其中: 上级补助").unwrap().label,
            Label::Funds {
                role: FundsRole::Superior,
                ..
            }
        ));
        assert!(matches!(
            v.label("(一)财政拨款小计").unwrap().label,
            Label::Funds {
                role: FundsRole::Fiscal,
                ..
            }
        ));
        assert!(matches!(
            v.label("二、自有资金").unwrap().label,
            Label::Funds {
                role: FundsRole::Other,
                ..
            }
        ));
        assert!(v.label("项目实施成本").is_none());
    }

    #[test]
    fn qualified_labels_and_tails() {
        let v = v();
        let role = |text: &str| {
            v.qualified_label(text)
                .map(|(m, how)| (m.label, m.key, how))
                .unwrap_or_else(|| panic!("{text} not read as a label"))
        };
        let total = Label::Funds {
            role: FundsRole::Total,
            period: Period::Annual,
        };
        // Qualifiers before a label, and the head of a compound of two labels.
        assert_eq!(
            role("中期预算资金总额"),
            (total, "资金总额".into(), Qualified::Sure)
        );
        assert_eq!(
            role("年度预算资金总额"),
            (total, "资金总额".into(), Qualified::Sure)
        );
        let (label, key, how) = role("区县主管部门");
        assert_eq!((key.as_str(), how), ("主管部门", Qualified::Sure));
        assert!(matches!(
            label,
            Label::Field {
                role: FieldRole::Department,
                ..
            }
        ));
        // A label joined to more by 及.
        let (_, key, how) = role("主管部门(单位)名称及 部门预算编码");
        assert_eq!((key.as_str(), how), ("主管部门(单位)名称", Qualified::Sure));
        // Tails: only when the next cell holds the value.
        let (_, key, how) = role("财政拨款数");
        assert_eq!((key.as_str(), how), ("财政拨款", Qualified::Sure));
        let (_, key, how) = role("项目类别名称");
        assert_eq!((key.as_str(), how), ("项目类别", Qualified::IfValueFollows));
        // Goal labels side by side are two labels.
        assert!(v.qualified_label("年度目标 年度总体目标完成情况").is_none());
        // A compound whose head is a total: 预算资金总额 is the total (总额), not 预算资金.
        assert_eq!(
            role("预算资金总额"),
            (total, "总额".into(), Qualified::Sure)
        );
        // Not labels: a negation, a note, a tail that is not an amount word, a glued value,
        // the labels themselves, a heading whose first word is no qualifier, money of another
        // level (区县财政资金 is no 财政拨款 of the form's unit), a long tail after an extra label.
        for text in [
            "区县财政资金",
            "项目类别经常性",
            "非财政拨款",
            "其他说明",
            "财政拨款情况说明",
            "资金总额100",
            "资金总额",
            "项目预算资金(万元)",
        ] {
            assert!(v.qualified_label(text).is_none(), "{text}");
        }
    }

    #[test]
    fn amount_and_field_tails_extend_a_glued_label() {
        let v = v();
        let text = "其中: 财政拨款数 3";
        let (m, end) = v.label_prefix(text).unwrap();
        assert_eq!(m.key, "财政拨款");
        assert_eq!(&text[end..], " 3");
        let text = "实施单位名称:某局";
        let (_, end) = v.label_prefix(text).unwrap();
        assert_eq!(&text[end..], "某局");
        // A value that merely begins like a tail is not one.
        let text = "财政拨款数额较大";
        let (_, end) = v.label_prefix(text).unwrap();
        assert_eq!(&text[end..], "数额较大");
        assert_eq!(
            v.trailing_unit("项目预算资金(万元)"),
            Some(("项目预算资金", Decimal::from(10_000)))
        );
    }

    #[test]
    fn glued_labels() {
        let v = v();
        let text = "项目名称农村义务教育薄弱学校改造补助资金";
        let (m, end) = v.label_prefix(text).unwrap();
        assert_eq!(m.key, "项目名称");
        assert_eq!(&text[end..], "农村义务教育薄弱学校改造补助资金");
        let text = "年度资金总额:16";
        let (_, end) = v.label_prefix(text).unwrap();
        assert_eq!(&text[end..], "16");
        let text = "资金总额(万元)：100";
        let (m, end) = v.label_prefix(text).unwrap();
        assert_eq!(m.scale, Some(Decimal::from(10_000)));
        assert_eq!(&text[end..], "100");
    }

    #[test]
    fn columns_and_tracks() {
        let v = v();
        assert_eq!(v.column("一级指标").unwrap().role, ColumnRole::Level1);
        let c = v.column("指标值(长期)").unwrap();
        assert_eq!(c.role, ColumnRole::Value);
        assert_eq!(c.period, Some(Period::Midterm));
        assert_eq!(v.column("指标 值").unwrap().role, ColumnRole::Value);
        assert_eq!(v.column("权重").unwrap().role, ColumnRole::Weight);
        assert!(v.column("项目名称").is_none());
    }

    #[test]
    fn level_aliases_and_scores() {
        let v = v();
        assert_eq!(v.level("项目完成指标").unwrap().canonical, "产出指标");
        assert_eq!(v.level("项目完成").unwrap().canonical, "产出指标");
        assert_eq!(v.level("成本指标(0-20)分").unwrap().canonical, "成本指标");
        assert_eq!(
            v.level("社会公众或服务对象满意度指标").unwrap().canonical,
            "服务对象满意度指标"
        );
        assert_eq!(v.level("社会效益指").unwrap().canonical, "社会效益指标");
        assert!(v.level("项目实施成本").is_none());
    }

    #[test]
    fn additions_extend_and_are_checked() {
        let add = ReaderAdditions {
            labels: HashMap::from([("name".to_owned(), vec!["工程名称".to_owned()])]),
            ..ReaderAdditions::default()
        };
        let v2 = v().with(&add).unwrap();
        assert!(matches!(
            v2.label("工程名称").unwrap().label,
            Label::Field {
                role: FieldRole::Name,
                ..
            }
        ));
        let bad = ReaderAdditions {
            labels: HashMap::from([("nmae".to_owned(), vec!["x".to_owned()])]),
            ..ReaderAdditions::default()
        };
        assert!(v().with(&bad).unwrap_err().contains("nmae"));
    }
}
