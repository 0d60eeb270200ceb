//! Property tests: the parsers never panic, whatever the input, and keep their spans in range.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use jixiao::read::Input;
use jixiao::read::value_text::parse_value;
use proptest::prelude::*;

/// Pieces real forms are made of, so generated text reaches deep into the parser.
const PIECES: &[&str] = &[
    "项目支出绩效目标批复表",
    "(2025年度)",
    "项目名称",
    "主管部门及代码",
    "[164]某局",
    "实施单位",
    "资金总额(元):",
    "财政拨款",
    "其中: 上级补助",
    "本级安排",
    "其他资金",
    "年度总体目标",
    "<p>目标1: 甲</p>",
    "目标2:",
    "绩效指标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "说明",
    "产出指标",
    "数量指标",
    "成本指标",
    "满意度指标",
    "社会效益指",
    "≥90%",
    "≤13.6万元",
    "=100%",
    "2025年12月31日前",
    "有效提高",
    "$\\geq 95\\%$",
    "475元/亩",
    "2,167,200.00",
    "- 3 -",
    "<p>",
    "</p>",
    "\t",
    "\t\t",
    "\n",
    "\r\n",
    " ",
    "目标",
    ":",
    "：",
    "9%0",
    "≥**%",
    "\u{3000}",
    "[",
    "】",
];

/// Pieces 指标值 are made of.
const VALUE_PIECES: &[&str] = &[
    "≥",
    "≤",
    "=",
    ">",
    "<",
    ">=",
    "<=",
    "≧",
    "＝",
    "==",
    " ",
    "0",
    "5",
    "12",
    "2470",
    "13.6",
    ".5",
    "1.",
    "1,000",
    "%",
    "元",
    "万元",
    "亿元",
    "千元",
    "人",
    "次",
    "人次",
    "万人",
    "平方米",
    "元/亩",
    "以上",
    "以下",
    "内",
    "个工作日",
    "2025年",
    "12月",
    "31日",
    "前",
    "之前",
    "底",
    "年",
    "有效提高",
    "*",
    "$",
    "\\geq",
    "-",
    "０",
    "１",
    "二",
];

fn form_like() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..200).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn text_parser_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let input = Input::from_bytes("fuzz.txt", &bytes);
        check_spans(&input);
    }

    #[test]
    fn text_parser_never_panics_on_form_like_text(text in form_like()) {
        let input = Input::from_bytes("fuzz.txt", text.as_bytes());
        check_spans(&input);
    }

    /// Large documents are parsed in pieces, in parallel: any cut gives what one pass gives.
    #[test]
    fn pieces_parse_like_one_pass(
        order in prop::collection::vec(0usize..26, 1..10),
        noise in prop::collection::vec(prop::sample::select(PIECES), 0..30),
        piece_bytes in 1usize..3000,
    ) {
        let forms = sample_forms();
        let mut text = String::new();
        for (k, form) in order.iter().enumerate() {
            text.push_str(&forms[*form % forms.len()]);
            // Noise between forms: stray cells, page footers, half rows.
            if let Some(piece) = noise.get(k) {
                text.push_str(piece);
                text.push('\n');
            }
        }
        let source = jixiao::read::source::SourceFile::from_text("doc.txt", text);
        let whole = jixiao::read::recognize::parse_document_in_pieces(&source, usize::MAX);
        let pieces = jixiao::read::recognize::parse_document_in_pieces(&source, piece_bytes);
        prop_assert_eq!(format!("{:?}", pieces.document), format!("{:?}", whole.document));
        prop_assert_eq!(format!("{:?}", pieces.diagnostics), format!("{:?}", whole.diagnostics));
    }

    #[test]
    fn value_parser_never_panics(text in "\\PC{0,40}") {
        let parsed = parse_value(&text, Some(2025));
        prop_assert_eq!(parsed.value.text, text.trim());
    }

    /// The fast path for common values and the grammar read every value the same way.
    #[test]
    fn fast_path_and_grammar_agree(parts in prop::collection::vec(prop::sample::select(VALUE_PIECES), 1..6)) {
        let text = parts.concat();
        prop_assert_eq!(parse_value(&text, Some(2025)), jixiao::read::value_text::parse_value_with_grammar(&text, Some(2025)));
    }

    /// The same for fund amounts.
    #[test]
    fn amount_fast_path_and_grammar_agree(parts in prop::collection::vec(prop::sample::select(AMOUNT_PIECES), 1..7), wan in any::<bool>()) {
        let text = parts.concat();
        let scale = if wan { rust_decimal::Decimal::from(10_000) } else { rust_decimal::Decimal::ONE };
        prop_assert_eq!(
            jixiao::read::value_text::parse_amount(&text, scale),
            jixiao::read::value_text::parse_amount_with_grammar(&text, scale),
            "{}", text
        );
    }

    #[test]
    fn value_parser_keeps_money_exact(
        int in 0u64..10_000_000_000,
        frac in 0u32..10_000,
        wan in any::<bool>(),
    ) {
        let text = format!("≤{int}.{frac:04}{}", if wan { "万元" } else { "元" });
        let parsed = parse_value(&text, None);
        let amount = parsed.value.amount.unwrap();
        let written: rust_decimal::Decimal = format!("{int}.{frac:04}").parse().unwrap();
        let expected = if wan { written * rust_decimal::Decimal::from(10_000) } else { written };
        prop_assert_eq!(amount, expected);
    }
}

proptest! {
    // Each case checks a document twice with the whole pack: fewer cases keep the suite fast.
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// `extract` → JSON → `check` finds what checking the text finds: the same rules on the same
    /// forms and indicators with the same messages (only the places differ: in the JSON they
    /// point at its fields).
    #[test]
    fn json_from_extract_checks_like_the_text(
        order in prop::collection::vec(0usize..26, 1..6),
        swaps in prop::collection::vec((prop::sample::select(SWAPPABLE), prop::sample::select(REPLACEMENTS)), 0..6),
    ) {
        let forms = sample_forms();
        let mut text = String::new();
        for (k, form) in order.iter().enumerate() {
            let mut form = forms[*form % forms.len()].clone();
            if let Some((from, to)) = swaps.get(k) {
                form = form.replacen(from, to, 1);
            }
            text.push_str(&form);
        }
        let policy = common::default_policy();
        let from_text = Input::from_bytes("doc.txt", text.as_bytes());
        let document = serde_json::to_string_pretty(&from_text.document).unwrap();
        let from_json = Input::from_bytes_as("doc.json", document.as_bytes(), jixiao::read::InputFormat::Json);
        // What extract prints is a valid model: nothing for the JSON reader to complain about.
        prop_assert!(
            from_json.diagnostics.iter().all(|d| !d.code.starts_with("model::")),
            "{:?}", from_json.diagnostics
        );
        prop_assert_eq!(
            common::finding_keys(&policy, &from_text),
            common::finding_keys(&policy, &from_json)
        );
    }
}

/// The forms of the sample, each from its title line.
fn sample_forms() -> Vec<String> {
    let sample = std::fs::read_to_string("tests/fixtures/qiannan-hrss-2025.txt").unwrap();
    let mut forms: Vec<String> = Vec::new();
    for line in sample.split_inclusive('\n') {
        let leading = forms.len() == 1 && !forms[0].contains("绩效目标批复表");
        if forms.is_empty() || (line.trim().ends_with("绩效目标批复表") && !leading) {
            forms.push(String::new());
        }
        forms.last_mut().unwrap().push_str(line);
    }
    assert_eq!(forms.len(), 26);
    forms
}

/// Value cells of the sample worth replacing, and what to put there.
const SWAPPABLE: &[&str] = &[
    "=100%",
    "≥95%",
    "≥90%",
    "有效提高",
    "2025年12月31日前",
    "200,000",
];
const REPLACEMENTS: &[&str] = &[
    "≤95%",
    "80%",
    "≥**%",
    "2026年3月31日前",
    "≤99999999元",
    "-5元",
    "≥1.5万人次",
    "顺利完成",
    "2025年13月40日",
    "300,000",
    "≥5",
];

/// Pieces of fund amounts, well and badly formed.
const AMOUNT_PIECES: &[&str] = &[
    "1",
    "23",
    "456",
    "7890",
    ",",
    ",000",
    ".",
    ".5",
    "00",
    " ",
    "元",
    "万元",
    "亿元",
    "千元",
    "-",
    "１",
    "万",
    "元整",
    "e5",
    "99999999999999999999999999999",
];

fn check_spans(input: &Input) {
    let len = input.source.text().len();
    for d in &input.diagnostics {
        if let Some(p) = &d.primary {
            assert!(p.span.start <= p.span.end && p.span.end <= len, "{d:?}");
        }
    }
    for p in &input.document.projects {
        for i in &p.indicators {
            assert!(i.span.end <= len);
            assert!(input.source.text().get(i.name.span.range()).is_some());
        }
        for g in &p.goals {
            assert!(input.source.text().get(g.text.span.range()).is_some());
        }
    }
}

/// The cap on listed unrecognised lines holds for the whole document, however it is cut.
#[test]
fn unrecognized_lines_are_capped_across_pieces() {
    let forms = sample_forms();
    // Thirty lines no form has a place for, in each of three forms (read in different pieces).
    let mut text = String::new();
    for (f, form) in forms.iter().take(3).enumerate() {
        let (head, rest) = form.split_at(form.find("主管部门").unwrap());
        text.push_str(head);
        for k in 0..30 {
            text.push_str(&format!("无法识别的第{f}-{k}行\t甲\t乙\n"));
        }
        text.push_str(rest);
    }
    let source = jixiao::read::source::SourceFile::from_text("doc.txt", text);
    let whole = jixiao::read::recognize::parse_document_in_pieces(&source, usize::MAX);
    let pieces = jixiao::read::recognize::parse_document_in_pieces(&source, 1);
    assert_eq!(
        format!("{:?}", pieces.diagnostics),
        format!("{:?}", whole.diagnostics)
    );
    let listed = |out: &jixiao::read::recognize::ParseOutput| {
        out.diagnostics
            .iter()
            .filter(|d| d.code == "parse::unrecognized-line")
            .count()
    };
    // 50 listed and one line counting the other 40.
    assert_eq!(listed(&whole), 51);
    assert!(
        whole
            .diagnostics
            .iter()
            .any(|d| d.message.contains("另有 40 行"))
    );
}

/// Arbitrary JSON values, with the strings that need escaping.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        (-1.0e6f64..1.0e6).prop_map(|f| serde_json::json!(f)),
        "[\\PC\\t\\n\"\\\\/\u{1}😀中]{0,12}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map("[a-z中]{1,4}", inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A parsed node as a serde_json value, checking each node's span holds its text.
fn as_serde(text: &str, node: &jixiao::read::model_file::Node<'_>) -> serde_json::Value {
    use jixiao::read::model_file::NodeKind;
    let written = &text[node.span.start..node.span.end];
    let value = match &node.kind {
        NodeKind::Null => serde_json::Value::Null,
        NodeKind::Bool(b) => serde_json::Value::Bool(*b),
        NodeKind::Number(n) => {
            assert_eq!(n.as_ref(), written);
            serde_json::from_str(n).unwrap()
        }
        NodeKind::Str(s) => serde_json::Value::String(s.to_string()),
        NodeKind::Array(items) => items.iter().map(|i| as_serde(text, i)).collect(),
        NodeKind::Object(entries) => entries
            .iter()
            .map(|(k, key_span, v)| {
                let key: String =
                    serde_json::from_str(&text[key_span.start..key_span.end]).unwrap();
                assert_eq!(key.as_str(), k.as_ref());
                (k.to_string(), as_serde(text, v))
            })
            .collect(),
    };
    // The span is exactly the value as written.
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(written).unwrap(),
        value
    );
    value
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The JSON reader reads what serde_json writes, compact or pretty, to the same values,
    /// every node's span covering exactly its text.
    #[test]
    fn json_reader_agrees_with_serde_json(value in json_value(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            serde_json::to_string(&value).unwrap()
        };
        let node = jixiao::read::json::parse(&text).unwrap();
        prop_assert_eq!(as_serde(&text, &node), value);
    }

    /// Whatever the bytes, the JSON reader gives a tree or one diagnostic, with a span in range.
    #[test]
    fn json_reader_never_panics(text in "[\\[\\]{}\",:0-9a-z\\\\ /*\\n-]{0,64}") {
        match jixiao::read::json::parse(&text) {
            Ok(node) => prop_assert!(node.span.end <= text.len()),
            Err(d) => {
                let span = d.primary.unwrap().span;
                prop_assert!(span.start <= span.end && span.end <= text.len());
            }
        }
    }
}
