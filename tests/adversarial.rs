//! Hostile and broken input: each case ends in a clear diagnostic or a correct result, never a
//! panic, a stack overflow or a hang (the suite finishing is the time bound; it runs in a few
//! seconds in a debug build).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::{GOOD_ROWS, form};
use jixiao::diagnostic::{Diagnostic, Severity};
use jixiao::model::ValueKind;
use jixiao::policy::PolicyLoader;
use jixiao::read::{Input, InputFormat};
use jixiao::report::{HumanOptions, render_human};

fn codes(diagnostics: &[Diagnostic]) -> Vec<&str> {
    diagnostics.iter().map(|d| d.code.as_str()).collect()
}

/// Read `bytes`, check them with the default pack and draw the human report: the whole path a
/// document takes through `jixiao check`. Returns the reader's and the rules' findings.
fn check(name: &str, bytes: &[u8]) -> (Input, Vec<Diagnostic>) {
    let input = Input::from_bytes(name, bytes);
    let findings = common::default_policy().check_projects(
        &input.document.projects,
        input.source.name(),
        |_| true,
    );
    let mut all = input.diagnostics.clone();
    all.extend(findings.iter().cloned());
    let report = jixiao::report::FileReport::new(input.source.clone(), all, 0);
    let mut out = Vec::new();
    render_human(&[report], &HumanOptions::default(), &mut out).unwrap();
    assert!(!out.is_empty());
    (input, findings)
}

#[test]
fn empty_file_says_there_are_no_forms() {
    let (input, findings) = check("empty.txt", b"");
    assert_eq!(codes(&input.diagnostics), ["parse::no-forms"]);
    assert_eq!(input.diagnostics[0].severity, Severity::Error);
    assert!(findings.is_empty());
}

#[test]
fn binary_garbage_is_reported_as_binary() {
    // A deterministic stream of every byte value, NULs included.
    let bytes: Vec<u8> = (0..64 * 1024u32)
        .map(|k| (k.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let (input, findings) = check("garbage.bin", &bytes);
    assert!(codes(&input.diagnostics).contains(&"source::binary"));
    assert!(input.document.projects.is_empty());
    assert!(findings.is_empty());
}

#[test]
fn invalid_utf8_is_decoded_with_a_diagnostic() {
    // Neither UTF-8 nor GB18030: 0xFF never starts a character in either.
    let mut bytes = form("培训", "1000", GOOD_ROWS).into_bytes();
    bytes.splice(30..30, [0xFF, 0xFF, 0x80]);
    let (input, _) = check("broken.txt", &bytes);
    let invalid = input
        .diagnostics
        .iter()
        .find(|d| d.code == "source::invalid-encoding")
        .expect("an encoding diagnostic");
    assert!(invalid.primary.is_some(), "it points at the bad bytes");
    // The rest of the text is still read.
    assert_eq!(input.document.projects.len(), 1);
}

#[test]
fn a_ten_megabyte_line_is_read_and_drawn_short() {
    let line = "甲".repeat(3_500_000);
    let (input, _) = check("line.txt", line.as_bytes());
    assert_eq!(
        codes(&input.diagnostics),
        ["parse::outside-form", "parse::no-forms"]
    );
    // The code frame shows a window of the line, not ten megabytes of it.
    let report =
        jixiao::report::FileReport::new(input.source.clone(), input.diagnostics.clone(), 0);
    let mut out = Vec::new();
    render_human(&[report], &HumanOptions::default(), &mut out).unwrap();
    assert!(out.len() < 8_000, "{} bytes of report", out.len());
}

#[test]
fn a_hundred_thousand_forms_with_one_indicator_each() {
    let mut text = String::with_capacity(25_000_000);
    for k in 0..100_000 {
        text.push_str(&format!(
            "项目支出绩效目标批复表\n(2025年度)\n项目名称\t项目{k}\n主管部门及代码\t[101]某局\t实施单位\t某局\n资金总额(元):\t1000\n财政拨款\t1000\n本级安排\t1000\n年度总体目标\t目标1: 做好工作\n绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t说明\n\t产出指标\t数量指标\t培训人数\t≥{k}人\t\n"
        ));
    }
    let (input, findings) = check("many.txt", text.as_bytes());
    let projects = &input.document.projects;
    assert_eq!(projects.len(), 100_000);
    assert!(projects.iter().all(|p| p.indicators.len() == 1));
    let last = projects.last().unwrap();
    assert_eq!(
        (last.index, last.name_str()),
        (100_000, "项目99999"),
        "numbered through the document"
    );
    assert!(
        input.diagnostics.is_empty(),
        "{:?}",
        &input.diagnostics[..3]
    );
    // Each form lacks 效益/满意度 and 成本 (two findings) and 质量/时效 under 产出 (one).
    let count = |rule: &str| findings.iter().filter(|d| d.code == rule).count();
    assert_eq!(count("indicators.required-level1"), 200_000);
    assert_eq!(count("indicators.output-dimensions"), 100_000);
    assert_eq!(findings.len(), 300_000);
}

#[test]
fn a_form_with_ten_thousand_indicators() {
    let mut rows = String::from("\t产出指标\t数量指标\t指标0\t≥0人\t\n");
    for k in 1..10_000 {
        rows.push_str(&format!("\t\t\t指标{k}\t≥{k}人\t\n"));
    }
    let text = form("大项目", "1000", &rows);
    let (input, findings) = check("big.txt", text.as_bytes());
    assert_eq!(input.document.projects[0].indicators.len(), 10_000);
    assert!(
        !codes(&findings).contains(&"indicators.duplicate-name"),
        "all names differ"
    );

    // The same name ten thousand times: every repeat is found, through the hash join (the
    // pairwise comparison would be 10⁸ steps).
    let rows = "\t产出指标\t数量指标\t培训人数\t≥5人\t\n".to_owned()
        + &"\t\t\t培训人数\t≥5人\t\n".repeat(9_999);
    let (_, findings) = check("same.txt", form("大项目", "1000", &rows).as_bytes());
    let repeats = findings
        .iter()
        .filter(|d| d.code == "indicators.duplicate-name")
        .count();
    assert_eq!(repeats, 9_999);
}

/// A form whose single quantity row has `value`.
fn one_value(value: &str) -> Input {
    let rows = format!("\t产出指标\t数量指标\t培训人数\t{value}\t");
    Input::from_bytes("form.txt", form("培训", "100000", &rows).as_bytes())
}

#[test]
fn huge_and_negative_amounts() {
    // Scientific notation is not how forms write amounts: kept as text, reported.
    let input = one_value("≤1e30万元");
    let value = &input.document.projects[0].indicators[0]
        .value
        .as_ref()
        .unwrap()
        .value;
    assert_eq!(value.kind, ValueKind::Text);
    assert!(codes(&input.diagnostics).contains(&"value::unrecognized"));

    // Beyond what an exact decimal holds (2⁹⁶): reported, never wrapped or rounded.
    for huge in [
        "≤79228162514264337593543950336元",
        "≤79228162514264337593543950335万元",
    ] {
        let input = one_value(huge);
        assert!(
            codes(&input.diagnostics).contains(&"value::out-of-range"),
            "{huge}: {:?}",
            input.diagnostics
        );
    }
    // The largest amount that fits is read exactly.
    let input = one_value("≤79228162514264337593543950335元");
    let value = &input.document.projects[0].indicators[0]
        .value
        .as_ref()
        .unwrap()
        .value;
    assert_eq!(
        value.amount.unwrap().to_string(),
        "79228162514264337593543950335"
    );

    // A negative amount is a number like any other.
    let input = one_value("-5元");
    let value = &input.document.projects[0].indicators[0]
        .value
        .as_ref()
        .unwrap()
        .value;
    assert_eq!(
        (value.kind, value.amount.unwrap().to_string()),
        (ValueKind::Money, "-5".to_owned())
    );
    // … and so is a negative fund total; the breakdown rule still adds up exactly.
    let text = form("培训", "-5", GOOD_ROWS);
    let (input, findings) = check("negative.txt", text.as_bytes());
    assert_eq!(
        input.document.projects[0]
            .funds
            .total
            .as_ref()
            .unwrap()
            .value
            .to_string(),
        "-5"
    );
    assert!(!codes(&findings).contains(&"funds.breakdown-sums"));
    assert!(codes(&findings).contains(&"funds.cost-within-total"));
}

#[test]
fn impossible_dates_are_reported_not_guessed() {
    for date in ["2025年13月40日", "2025年2月30日前", "2025年0月1日"] {
        let input = one_value(date);
        let value = &input.document.projects[0].indicators[0]
            .value
            .as_ref()
            .unwrap()
            .value;
        assert_eq!(value.date, None, "{date}");
        assert!(
            codes(&input.diagnostics).contains(&"value::invalid-date"),
            "{date}: {:?}",
            input.diagnostics
        );
    }
}

#[test]
fn deeply_nested_structured_input_is_refused() {
    let deep_json = "[".repeat(100_000) + &"]".repeat(100_000);
    let input = Input::from_bytes_as("deep.json", deep_json.as_bytes(), InputFormat::Json);
    assert_eq!(codes(&input.diagnostics), ["model::syntax"]);
    let deep_toml = format!("a = {}1{}", "{b = ".repeat(50_000), "}".repeat(50_000));
    let input = Input::from_bytes_as("deep.toml", deep_toml.as_bytes(), InputFormat::Toml);
    assert_eq!(codes(&input.diagnostics), ["model::syntax"]);
}

/// Load one policy source on its own.
fn load_policy(name: &str, text: &str) -> jixiao::policy::Loaded {
    let mut loader = PolicyLoader::new();
    loader.add_source(name, text);
    loader.finish()
}

#[test]
fn hostile_policies_get_diagnostics() {
    let load = |text: &str| load_policy("hostile.jxp", text);
    // Ten thousand nested parentheses, and as many `not`s.
    let parens = format!(
        "rule a.b {{ for p in projects require {}true{} }}",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let nots = format!(
        "rule a.b {{ for p in projects require {}true }}",
        "not ".repeat(10_000)
    );
    for text in [parens, nots] {
        let loaded = load(&text);
        assert!(loaded.has_errors());
        assert!(
            loaded
                .diagnostics
                .iter()
                .any(|(_, d)| d.code == "policy::too-deep"),
            "{:?}",
            loaded.diagnostics
        );
    }
    // A chain of `or`s nests one level per operator: a hundred load and run, a thousand are
    // refused like any expression too deep to evaluate safely.
    let chain = |n: usize| {
        format!(
            "rule a.b {{ severity error message \"零\" for p in projects require {} }}",
            vec!["p.funds.total > 0元"; n].join(" or ")
        )
    };
    assert!(
        load(&chain(1_000))
            .diagnostics
            .iter()
            .any(|(_, d)| d.code == "policy::too-deep")
    );
    let loaded = load(&chain(100));
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    let input = Input::from_bytes("f.txt", form("培训", "0", GOOD_ROWS).as_bytes());
    let findings = loaded
        .policy
        .check_projects(&input.document.projects, "f.txt", |_| true);
    assert_eq!(codes(&findings), ["a.b"]);
    // Random bytes as a policy.
    let noise: String = (0..20_000u32)
        .filter_map(|k| char::from_u32((k.wrapping_mul(2_654_435_761) >> 16) % 0x3000))
        .collect();
    assert!(load(&noise).has_errors());
}

/// Found by the `policy` fuzz target (a timeout): nested brackets and quantifiers made the
/// grammar re-parse each level twice — exponential time — and nested quantifiers that parse
/// can still ask for 10²⁰ iterations. Each now ends in a diagnostic.
#[test]
fn nesting_that_multiplies_work_is_bounded() {
    let load = |body: &str| {
        load_policy(
            "nested.jxp",
            &format!(
                "rule t.n {{\n  severity info\n  for p in projects\n  require {body}\n  message \"m\"\n}}\n"
            ),
        )
    };
    // 23 unclosed brackets (the fuzzer's input, reduced): a syntax error, at once.
    let loaded = load(&format!("{}p.name", "[".repeat(23)));
    assert!(
        loaded
            .diagnostics
            .iter()
            .any(|(_, d)| d.code == "policy::syntax"),
        "{:?}",
        loaded.diagnostics
    );
    // 30 closed ones are a valid (if odd) list — in a rule, and in a message template.
    let loaded = load(&format!(
        "length({}p.name{}) > 0",
        "[".repeat(30),
        "]".repeat(30)
    ));
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    let loaded = load_policy(
        "template.jxp",
        &format!(
            "rule t.n {{\n  severity info\n  for p in projects\n  require false\n  message \"{{length({}p.name{})}}\"\n}}\n",
            "[".repeat(30),
            "]".repeat(30)
        ),
    );
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    // `count(count(…` 30 deep, closed or not: refused as too complex to parse.
    for text in [
        format!("{}x", "count(".repeat(30)),
        format!("{}x{} == 1", "count(".repeat(30), ")".repeat(30)),
    ] {
        let loaded = load(&text);
        assert!(
            loaded
                .diagnostics
                .iter()
                .any(|(_, d)| d.code == "policy::too-deep"),
            "{:?}",
            loaded.diagnostics
        );
    }
    // Twenty nested quantifiers with `where` and no `:` parse at once, and stop on each form
    // at the visit budget with a run-time error instead of running 10²⁰ iterations.
    let mut body = "a20.name == \"x\"".to_owned();
    for k in (1..=20).rev() {
        body = format!("any a{k} in p.indicators where {body}");
    }
    let loaded = load(&body);
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    let input = Input::from_bytes("f.txt", form("培训", "1", GOOD_ROWS).as_bytes());
    let findings = loaded
        .policy
        .check_projects(&input.document.projects, "f.txt", |_| true);
    assert_eq!(codes(&findings), ["policy::runtime-error"]);
    assert!(
        findings[0].message.contains("计算量超过上限"),
        "{}",
        findings[0].message
    );
}
