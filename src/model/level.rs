//! The indicator hierarchy of the 2021 guideline (and the older layout), the vocabulary used to
//! recognise level names however the PDF cut or wrapped them, and the derived [`Category`].

use serde::{Deserialize, Serialize};

/// What an indicator measures, derived from its levels so rules need not know every layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// 数量指标
    Quantity,
    /// 质量指标
    Quality,
    /// 时效指标
    Timeliness,
    /// 成本指标 (一级, or 二级 under 产出指标 in the older layout) and its 二级 children
    Cost,
    /// 效益指标: 经济/社会/生态效益, 可持续影响
    Benefit,
    /// 满意度指标
    Satisfaction,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Quantity,
        Category::Quality,
        Category::Timeliness,
        Category::Cost,
        Category::Benefit,
        Category::Satisfaction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Quantity => "quantity",
            Category::Quality => "quality",
            Category::Timeliness => "timeliness",
            Category::Cost => "cost",
            Category::Benefit => "benefit",
            Category::Satisfaction => "satisfaction",
        }
    }
}

/// One entry of the level vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelName {
    /// The full name, e.g. `社会效益指标`.
    pub canonical: &'static str,
    pub can_be_level1: bool,
    pub can_be_level2: bool,
    /// The category this name implies when it is the 二级 (or the 一级 when there is no 二级).
    pub category: Option<Category>,
    /// The 一级 a 二级 name belongs to (`数量指标` → `产出指标`).
    pub parent: Option<&'static str>,
}

const fn level(
    canonical: &'static str,
    l1: bool,
    l2: bool,
    category: Option<Category>,
    parent: Option<&'static str>,
) -> LevelName {
    LevelName {
        canonical,
        can_be_level1: l1,
        can_be_level2: l2,
        category,
        parent,
    }
}

const OUTPUT: Option<&str> = Some("产出指标");
const BENEFIT: Option<&str> = Some("效益指标");
const SATISFACTION: Option<&str> = Some("满意度指标");
const COST: Option<&str> = Some("成本指标");

/// Every level name jixiao knows. `成本指标` and `满意度指标` are both 一级 and 二级 names.
pub const LEVEL_NAMES: &[LevelName] = &[
    level("产出指标", true, false, None, None),
    level("效益指标", true, false, Some(Category::Benefit), None),
    level(
        "满意度指标",
        true,
        true,
        Some(Category::Satisfaction),
        SATISFACTION,
    ),
    level("成本指标", true, true, Some(Category::Cost), OUTPUT),
    level("数量指标", false, true, Some(Category::Quantity), OUTPUT),
    level("质量指标", false, true, Some(Category::Quality), OUTPUT),
    level("时效指标", false, true, Some(Category::Timeliness), OUTPUT),
    level(
        "经济效益指标",
        false,
        true,
        Some(Category::Benefit),
        BENEFIT,
    ),
    level(
        "社会效益指标",
        false,
        true,
        Some(Category::Benefit),
        BENEFIT,
    ),
    level(
        "生态效益指标",
        false,
        true,
        Some(Category::Benefit),
        BENEFIT,
    ),
    level(
        "可持续影响指标",
        false,
        true,
        Some(Category::Benefit),
        BENEFIT,
    ),
    level(
        "服务对象满意度指标",
        false,
        true,
        Some(Category::Satisfaction),
        SATISFACTION,
    ),
    level("经济成本指标", false, true, Some(Category::Cost), COST),
    level("社会成本指标", false, true, Some(Category::Cost), COST),
    level("生态环境成本指标", false, true, Some(Category::Cost), COST),
];

/// Recognise a cell as a level name. Whitespace inside the cell is ignored (`社会效益指 标`), and
/// a name cut after its stem is accepted (`社会效益`, `社会效益指`, `满意度指`).
pub fn recognise_level(cell: &str) -> Option<&'static LevelName> {
    // Level names are short and start with one of these: reject other cells without allocating.
    let first = cell.trim_start().chars().next()?;
    if !matches!(
        first,
        '产' | '效' | '满' | '成' | '数' | '质' | '时' | '经' | '社' | '生' | '可' | '服'
    ) || cell.len() > 64
    {
        return None;
    }
    let compact: std::borrow::Cow<'_, str> = if cell.contains(char::is_whitespace) {
        cell.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .into()
    } else {
        cell.into()
    };
    let stem = compact
        .strip_suffix("指标")
        .or_else(|| compact.strip_suffix('指'))
        .unwrap_or(&compact);
    if stem.is_empty() {
        return None;
    }
    LEVEL_NAMES
        .iter()
        .find(|l| l.canonical.strip_suffix("指标") == Some(stem))
}

/// Look up a canonical level name.
pub fn level_by_name(name: &str) -> Option<&'static LevelName> {
    LEVEL_NAMES.iter().find(|l| l.canonical == name)
}

/// The category of an indicator from its (canonical) levels: the 二级 decides when it implies
/// one, otherwise the 一级 (成本/效益/满意度). An 产出指标 row with no 二级 has no category.
pub fn derive_category(level1: Option<&str>, level2: Option<&str>) -> Option<Category> {
    level2
        .and_then(level_by_name)
        .and_then(|l| l.category)
        .or_else(|| level1.and_then(level_by_name).and_then(|l| l.category))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_cut_and_wrapped_names() {
        for (cell, canonical) in [
            ("社会效益指 标", "社会效益指标"),
            ("社会效益指", "社会效益指标"),
            ("社会效益", "社会效益指标"),
            ("满意度指", "满意度指标"),
            ("数量指标", "数量指标"),
        ] {
            assert_eq!(
                recognise_level(cell).unwrap().canonical,
                canonical,
                "{cell}"
            );
        }
        assert!(recognise_level("项目实施成本").is_none());
        assert!(recognise_level("指标").is_none());
        assert!(recognise_level("").is_none());
    }

    #[test]
    fn category_prefers_level2() {
        assert_eq!(
            derive_category(Some("产出指标"), Some("成本指标")),
            Some(Category::Cost)
        );
        assert_eq!(
            derive_category(Some("成本指标"), None),
            Some(Category::Cost)
        );
        assert_eq!(derive_category(Some("产出指标"), None), None);
        assert_eq!(
            derive_category(Some("效益指标"), Some("满意度指标")),
            Some(Category::Satisfaction)
        );
    }
}
