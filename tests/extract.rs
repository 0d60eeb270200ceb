//! The text-form parser on the real sample: a golden snapshot of the whole extraction, and the
//! facts the issue pins by hand.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use jixiao::model::{Category, Comparator, ValueKind};
use jixiao::read::Input;
use rust_decimal::Decimal;
use std::str::FromStr;

const SAMPLE: &str = "tests/fixtures/qiannan-hrss-2025.txt";

fn sample() -> Input {
    Input::read(std::path::Path::new(SAMPLE)).unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn model_json(input: &Input) -> serde_json::Value {
    serde_json::to_value(&input.document).unwrap()
}

#[test]
fn sample_has_26_forms_and_228_indicators_and_no_parse_problems() {
    let input = sample();
    assert_eq!(input.document.projects.len(), 26);
    assert_eq!(input.document.indicator_count(), 228);
    assert!(input.diagnostics.is_empty(), "{:#?}", input.diagnostics);
}

#[test]
fn golden_extraction_of_the_sample() {
    insta::assert_json_snapshot!("qiannan_extraction", model_json(&sample()));
}

#[test]
fn facts_the_issue_pins() {
    let input = sample();
    let p = &input.document.projects;

    // 7th form: cost 202500 元 with its note.
    let seventh = &p[6];
    assert_eq!(seventh.name_str(), "“三支一扶”人员教育经费");
    let cost = seventh
        .indicators
        .iter()
        .find(|i| {
            i.category == Some(Category::Cost)
                && i.value.as_ref().unwrap().value.kind == ValueKind::Money
        })
        .unwrap();
    assert_eq!(
        cost.value.as_ref().unwrap().value.amount,
        Some(dec("202500"))
    );
    assert_eq!(
        cost.note.as_ref().unwrap().value,
        "2023年招募90人,按450元/人"
    );

    // 2nd form: the last indicator, written in column 0, is a satisfaction indicator ≥98%.
    let last = p[1].indicators.last().unwrap();
    assert_eq!(last.name.value, "被鉴定人满意度");
    assert_eq!(last.category, Some(Category::Satisfaction));
    let v = &last.value.as_ref().unwrap().value;
    assert_eq!(
        (v.kind, v.op, v.amount),
        (ValueKind::Percent, Some(Comparator::Ge), Some(dec("98")))
    );

    // 14th form: LaTeX leftovers and spaces inside values.
    let fourteenth = &p[13];
    let by_name = |name: &str| {
        fourteenth
            .indicators
            .iter()
            .find(|i| i.name.value == name)
            .map(|i| i.value.as_ref().unwrap().value.clone())
            .unwrap()
    };
    let latex = by_name("家长满意度");
    assert_eq!(latex.text, "$\\geq 95\\%$");
    assert_eq!(
        (latex.kind, latex.op, latex.amount),
        (ValueKind::Percent, Some(Comparator::Ge), Some(dec("95")))
    );
    let spaced = by_name("应受助学生人数");
    assert_eq!(spaced.text, "≥ 3260 人");
    assert_eq!(
        (
            spaced.kind,
            spaced.op,
            spaced.amount,
            spaced.unit.as_deref()
        ),
        (
            ValueKind::Count,
            Some(Comparator::Ge),
            Some(dec("3260")),
            Some("人")
        )
    );

    // 13th form: 资金总额 2,167,200.00.
    assert_eq!(p[12].funds.total.as_ref().unwrap().value, dec("2167200.00"));

    // 12th form: ≤1.1亿元 is 110000000 元.
    let twelfth_cost = p[11]
        .indicators
        .iter()
        .find(|i| i.name.value == "项目成本")
        .unwrap();
    assert_eq!(
        twelfth_cost.value.as_ref().unwrap().value.amount,
        Some(dec("110000000"))
    );
}

#[test]
fn cost_is_kept_as_the_form_says_it() {
    let input = sample();
    let p = &input.document.projects;
    // 1st form: 成本指标 as a 一级 indicator (2021 layout).
    let first = p[0]
        .indicators
        .iter()
        .find(|i| i.name.value == "项目实施成本")
        .unwrap();
    assert_eq!(first.level1.as_ref().unwrap().value, "成本指标");
    assert!(first.level2.is_none());
    // 2nd form: 成本指标 as a 二级 under 产出指标 (older layout).
    let second = p[1]
        .indicators
        .iter()
        .find(|i| i.name.value == "项目实施成本")
        .unwrap();
    assert_eq!(second.level1.as_ref().unwrap().value, "产出指标");
    assert_eq!(second.level2.as_ref().unwrap().value, "成本指标");
    assert_eq!(first.category, Some(Category::Cost));
    assert_eq!(second.category, Some(Category::Cost));
}

#[test]
fn every_span_points_at_its_text() {
    let input = sample();
    let src = &input.source;
    for p in &input.document.projects {
        let name = p.name.as_ref().unwrap();
        assert_eq!(src.slice(name.span), name.value);
        for i in &p.indicators {
            let v = i.value.as_ref().unwrap();
            assert_eq!(src.slice(v.span), v.value.text);
            assert_eq!(src.line_number(i.span.start), i.line);
            assert!(src.slice(i.span).contains(src.slice(i.name.span)));
            // Spaces inside names are repairs of PDF breaks: the span keeps the original cell.
            assert_eq!(
                jixiao::read::recognize::join_cjk_spaces(src.slice(i.name.span)),
                i.name.value
            );
        }
        let total = p.funds.total.as_ref().unwrap();
        assert!(src.slice(total.span).chars().any(|c| c.is_ascii_digit()));
        for g in &p.goals {
            assert!(!src.slice(g.text.span).is_empty());
        }
    }
}

#[test]
fn gb18030_with_crlf_gives_the_identical_model() {
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let crlf = text.replace('\n', "\r\n");
    let (bytes, _, had_errors) = encoding_rs::GB18030.encode(&crlf);
    assert!(!had_errors);
    let converted = Input::from_bytes(SAMPLE, &bytes);
    assert_eq!(
        converted.source.encoding(),
        jixiao::read::source::Encoding::Gb18030
    );
    assert!(
        converted.diagnostics.is_empty(),
        "{:#?}",
        converted.diagnostics
    );
    assert_eq!(model_json(&converted), model_json(&sample()));
    // Spans are into the decoded text, so they still point at the same cells.
    for p in &converted.document.projects {
        for i in &p.indicators {
            let v = i.value.as_ref().unwrap();
            assert_eq!(converted.source.slice(v.span), v.value.text);
        }
    }
}

#[test]
fn utf8_bom_gives_the_identical_model() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(std::fs::read(SAMPLE).unwrap());
    let with_bom = Input::from_bytes(SAMPLE, &bytes);
    assert_eq!(model_json(&with_bom), model_json(&sample()));
}

#[test]
fn gbk_is_read_too() {
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let (bytes, _, had_errors) = encoding_rs::GBK.encode(&text);
    assert!(!had_errors);
    assert_eq!(
        model_json(&Input::from_bytes(SAMPLE, &bytes)),
        model_json(&sample())
    );
}
