//! The header of a form: labels such as 项目名称 / 主管部门及代码 / 资金总额(元), and their values.

use crate::read::recognize::normalize::{join_cjk_spaces, label_key};
use crate::read::recognize::row::Cell;
use crate::span::{Span, Spanned};
use rust_decimal::Decimal;

/// A header label the parser understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Department,
    Implementer,
    /// 资金总额; carries the scale its label states (`(万元)` → 10⁴).
    Total {
        wan: bool,
    },
    Fiscal,
    Superior,
    OwnLevel,
    Other,
    /// 资金来源 / 年度资金情况: a heading with no value of its own (may state `(万元)`).
    FundsHeading {
        wan: bool,
    },
    Goals,
}

impl Field {
    pub fn takes_value(self) -> bool {
        !matches!(self, Field::FundsHeading { .. })
    }

    /// The label as written on the standard form, for messages.
    pub fn display(self) -> &'static str {
        match self {
            Field::Name => "项目名称",
            Field::Department => "主管部门及代码",
            Field::Implementer => "实施单位",
            Field::Total { .. } => "资金总额",
            Field::Fiscal => "财政拨款",
            Field::Superior => "上级补助",
            Field::OwnLevel => "本级安排",
            Field::Other => "其他资金",
            Field::FundsHeading { .. } => "资金来源",
            Field::Goals => "年度总体目标",
        }
    }
}

/// Recognise a label cell. Templates differ (`预算资金`/`自有资金` for 财政拨款/其他资金), and PDF
/// text adds spaces and full-width punctuation, all of which [`label_key`] removes.
pub fn recognise_field(cell: &str) -> Option<Field> {
    // Nearly every cell is a name or a value: reject them by their first character without
    // building the normalised key.
    let first = cell.trim_start().chars().next()?;
    if !matches!(
        first,
        '项' | '主' | '实' | '资' | '财' | '其' | '上' | '本' | '预' | '自' | '年' | '总'
    ) || cell.len() > 96
    {
        return None;
    }
    let key = label_key(cell);
    let key = key.strip_prefix("其中:").unwrap_or(&key);
    let wan = key.contains("万元");
    let field = match key {
        "项目名称" => Field::Name,
        "主管部门及代码" | "主管部门" | "主管部门及编码" | "主管部门(代码)" | "主管单位及代码" => {
            Field::Department
        }
        "实施单位" | "项目实施单位" => Field::Implementer,
        "财政拨款" | "财政资金" | "预算资金" | "财政拨款资金" => Field::Fiscal,
        "上级补助" | "上级补助资金" => Field::Superior,
        "本级安排" | "本级资金" | "本级安排资金" => Field::OwnLevel,
        "其他资金" | "自有资金" | "其他" => Field::Other,
        "年度总体目标" | "总体目标" | "年度绩效目标" | "年度目标" => {
            Field::Goals
        }
        k if k.starts_with("资金总额") => Field::Total { wan },
        k if k.starts_with("资金来源") || k.starts_with("年度资金情况") || k == "资金情况" => {
            Field::FundsHeading { wan }
        }
        _ => return None,
    };
    Some(field)
}

/// `[164]黔南布依族苗族自治州人力资源和社会保障局` → code `164`, name with PDF word breaks joined.
/// Brackets may be `[]`, `【】`, `()` or `（）`; a value with no bracketed code is all name.
pub fn split_department(cell: &Cell<'_>) -> (Option<Spanned<String>>, Option<Spanned<String>>) {
    let text = cell.text;
    let open = text
        .char_indices()
        .next()
        .filter(|(_, c)| matches!(c, '[' | '【' | '(' | '（' | '〔'));
    if let Some((_, open_char)) = open {
        let close_char = match open_char {
            '[' => ']',
            '【' => '】',
            '(' => ')',
            '〔' => '〕',
            _ => '）',
        };
        let inner_start = open_char.len_utf8();
        if let Some(close) = text.find(close_char) {
            let code = text.get(inner_start..close).unwrap_or("").trim();
            if !code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                let code_offset = text
                    .get(inner_start..)
                    .map_or(0, |s| s.find(code).unwrap_or(0));
                let code_start = cell.span.start + inner_start + code_offset;
                let code = Spanned::new(
                    code.to_owned(),
                    Span::new(code_start, code_start + code.len()),
                );
                let rest_start = close + close_char.len_utf8();
                let rest = text.get(rest_start..).unwrap_or("");
                let trimmed = rest.trim_start();
                let name = (!trimmed.trim().is_empty()).then(|| {
                    let start = cell.span.start + rest_start + (rest.len() - trimmed.len());
                    Spanned::new(join_cjk_spaces(trimmed), Span::new(start, cell.span.end))
                });
                return (Some(code), name);
            }
        }
    }
    (None, Some(Spanned::new(join_cjk_spaces(text), cell.span)))
}

/// The scale of a funds amount: 10⁴ when the label (or the funds heading) says 万元.
pub fn funds_scale(wan: bool) -> Decimal {
    if wan {
        Decimal::from(10_000)
    } else {
        Decimal::ONE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_in_their_variants() {
        assert_eq!(recognise_field("其中: 上级补助"), Some(Field::Superior));
        assert_eq!(recognise_field("其中:上级补助"), Some(Field::Superior));
        assert_eq!(
            recognise_field("资金总额(元):"),
            Some(Field::Total { wan: false })
        );
        assert_eq!(
            recognise_field("资金总额（万元）"),
            Some(Field::Total { wan: true })
        );
        assert_eq!(
            recognise_field("年度资金情况"),
            Some(Field::FundsHeading { wan: false })
        );
        assert_eq!(recognise_field("主管部门及代码"), Some(Field::Department));
        assert_eq!(recognise_field("项目实施成本"), None);
    }

    #[test]
    fn department_code_and_name() {
        let text = "[164]黔南布依族苗族自治州人力资源和 社会保障局";
        let cell = Cell {
            text,
            span: Span::new(100, 100 + text.len()),
            column: 2,
        };
        let (code, name) = split_department(&cell);
        let code = code.unwrap();
        assert_eq!(code.value, "164");
        assert_eq!(code.span, Span::new(101, 104));
        let name = name.unwrap();
        assert_eq!(name.value, "黔南布依族苗族自治州人力资源和社会保障局");
        assert_eq!(name.span, Span::new(105, 100 + text.len()));
        let plain = Cell {
            text: "某局",
            span: Span::new(0, 6),
            column: 0,
        };
        let (code, name) = split_department(&plain);
        assert!(code.is_none());
        assert_eq!(name.unwrap().value, "某局");
    }
}
