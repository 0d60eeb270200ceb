//! One small fixture per layout quirk of PDF-extracted forms.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use jixiao::model::{Category, Comparator, ValueKind};
use jixiao::read::Input;

fn parse(text: &str) -> Input {
    Input::from_bytes("fixture.txt", text.as_bytes())
}

fn codes(input: &Input) -> Vec<&str> {
    input.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

const HEADER: &str = "项目支出绩效目标批复表\n(2025年度)\n项目名称\t\t测试项目\t\t\n主管部门及代码\t\t[164]某局\t实施单位\t某局\t\n资金来源\t\t年度资金情况\t\t\n\t\t资金总额(元):\t\t100,000\t\n\t\t财政拨款\t\t100,000\t\n\t\t其中: 上级补助\t\t0\t\n\t\t本级安排\t\t100,000\t\n\t\t其他资金\t\t0\t\n年度总体目标\t\t目标1: 完成工作。\t\t\n";

fn form(table: &str) -> String {
    format!("{HEADER}{table}")
}

#[test]
fn wrapped_table_heading_and_level_names() {
    let input = parse(&form(
        "绩效 指 标\t一级指标\t二级指标\t三级指标\t指标值\t说明\n\t产出指标\t数量指标\t人数\t≥5人\t\n\t效益指标\t社会效益指 标\t知晓率提升\t有效提高\t\n\t\t社会效益指\t意识\t明显提高\t\n满意度指标\t满意度指\t满意度\t≥90%\t\t\n",
    ));
    assert!(input.diagnostics.is_empty(), "{:#?}", input.diagnostics);
    let inds = &input.document.projects[0].indicators;
    assert_eq!(inds.len(), 4);
    assert_eq!(inds[1].level2.as_ref().unwrap().value, "社会效益指标");
    assert_eq!(inds[2].level2.as_ref().unwrap().value, "社会效益指标");
    assert_eq!(inds[3].level1.as_ref().unwrap().value, "满意度指标");
    assert_eq!(inds[3].level2.as_ref().unwrap().value, "满意度指标");
    assert_eq!(inds[3].category, Some(Category::Satisfaction));
}

#[test]
fn merged_cells_inherit_and_names_land_anywhere() {
    let input = parse(&form(
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t说明\n\t产出指标\t数量指标\t甲\t≥1次\t\n\t\t\t乙\t≥2次\t\n\t\t成本指标\t控制率\t=100%\t\n\t项目实施成本\t\t≤10万元\t\t\n\t效益指标\t社会效益指标\t丙\t有效提高\t\n\t满意度指标\t满意度指标\t丁满意度\t≥90%\t\n被服务人满意度\t\t\t≥95%\t\t\n",
    ));
    assert!(input.diagnostics.is_empty(), "{:#?}", input.diagnostics);
    let inds = &input.document.projects[0].indicators;
    let names: Vec<&str> = inds.iter().map(|i| i.name.value.as_str()).collect();
    assert_eq!(
        names,
        [
            "甲",
            "乙",
            "控制率",
            "项目实施成本",
            "丙",
            "丁满意度",
            "被服务人满意度"
        ]
    );
    assert_eq!(inds[1].level2.as_ref().unwrap().value, "数量指标");
    // A name in the 一级 column inherits 产出指标 / 成本指标.
    assert_eq!(inds[3].level1.as_ref().unwrap().value, "产出指标");
    assert_eq!(inds[3].level2.as_ref().unwrap().value, "成本指标");
    assert_eq!(
        inds[3]
            .value
            .as_ref()
            .unwrap()
            .value
            .amount
            .unwrap()
            .to_string(),
        "100000"
    );
    // A name in column 0 inherits 满意度指标.
    assert_eq!(inds[6].category, Some(Category::Satisfaction));
    // The inherited level keeps the span of the row that wrote it.
    assert_eq!(
        input.source.slice(inds[6].level1.as_ref().unwrap().span),
        "满意度指标"
    );
}

#[test]
fn cost_as_level1_and_as_level2_by_column() {
    let input = parse(&form(
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t说明\n\t产出指标\t数量指标\t甲\t≥1次\t\n\t成本指标\t控制率\t=100%\t\t\n\t\t经济成本指标\t实施成本\t≤10万元\t\n",
    ));
    let inds = &input.document.projects[0].indicators;
    assert_eq!(inds[1].level1.as_ref().unwrap().value, "成本指标");
    assert!(inds[1].level2.is_none());
    assert_eq!(inds[2].level1.as_ref().unwrap().value, "成本指标");
    assert_eq!(inds[2].level2.as_ref().unwrap().value, "经济成本指标");
    assert!(
        inds.iter()
            .skip(1)
            .all(|i| i.category == Some(Category::Cost))
    );
}

#[test]
fn drifting_columns() {
    // The sample's 6th form: a 二级 drifted one column right, the 一级 column one left.
    let input = parse(&form(
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t说明\n\t产出指标\t数量指标\t甲\t≥1次\t\n\t\t\t时效指标\t完成时间\t2025年12月31日前\n\t\t质量指标\t合格率\t\t=100%\n",
    ));
    assert!(input.diagnostics.is_empty(), "{:#?}", input.diagnostics);
    let inds = &input.document.projects[0].indicators;
    assert_eq!(inds[1].category, Some(Category::Timeliness));
    assert_eq!(inds[1].value.as_ref().unwrap().value.kind, ValueKind::Date);
    assert_eq!(inds[2].category, Some(Category::Quality));
    assert_eq!(
        inds[2].value.as_ref().unwrap().value.op,
        Some(Comparator::Eq)
    );
}

#[test]
fn cjk_words_split_by_spaces_are_joined() {
    let text = HEADER.replace(
        "[164]某局\t实施单位\t某局",
        "[164]黔南布依族苗族自 治州人力资源和社 会保障局\t实施单位\t黔南布依族苗族自治州 人力资源和社会保障局",
    );
    let input = parse(&format!(
        "{text}绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t说明\n\t产出指标\t数量指标\t减轻学生压力, 促进技能提 升\t≥1次\t\n"
    ));
    let p = &input.document.projects[0];
    assert_eq!(
        p.department.name.as_ref().unwrap().value,
        "黔南布依族苗族自治州人力资源和社会保障局"
    );
    assert_eq!(
        p.implementer.as_ref().unwrap().value,
        "黔南布依族苗族自治州人力资源和社会保障局"
    );
    // The space after a comma separates real words and is kept.
    assert_eq!(p.indicators[0].name.value, "减轻学生压力, 促进技能提升");
}

#[test]
fn goals_in_every_shape() {
    type Goals = Vec<(Option<u32>, &'static str)>;
    let cases: [(&str, Goals); 4] = [
        (
            "<p>目标1: 甲。</p> <p>目标2: 乙。</p>",
            vec![(Some(1), "甲。"), (Some(2), "乙。")],
        ),
        (
            "目标1: 甲; 目标2: 乙; 目标3: 丙。",
            vec![(Some(1), "甲;"), (Some(2), "乙;"), (Some(3), "丙。")],
        ),
        ("目标：足额发放", vec![(None, "足额发放")]),
        (
            "<p>目标: 搭建桥梁纽带。</p>",
            vec![(None, "搭建桥梁纽带。")],
        ),
    ];
    for (cell, expected) in cases {
        let text = HEADER.replace("目标1: 完成工作。", cell);
        let input = parse(&text);
        let goals: Vec<(Option<u32>, &str)> = input.document.projects[0]
            .goals
            .iter()
            .map(|g| (g.number.as_ref().map(|n| n.value), g.text.value.as_str()))
            .collect();
        assert_eq!(goals, expected, "{cell}");
    }
}

#[test]
fn colons_and_amount_formats() {
    let text = HEADER
        .replace("其中: 上级补助\t\t0", "其中：上级补助\t\t1,000.50")
        .replace("100,000\t\n\t\t财政拨款", "2,167,200.00\t\n\t\t财政拨款");
    let input = parse(&text);
    let funds = &input.document.projects[0].funds;
    assert_eq!(funds.superior.as_ref().unwrap().value.to_string(), "1000.5");
    assert_eq!(funds.total.as_ref().unwrap().value.to_string(), "2167200");
}

#[test]
fn funds_in_wan_yuan() {
    let text = HEADER.replace("资金总额(元):\t\t100,000", "资金总额(万元):\t\t13.6");
    let input = parse(&text);
    let funds = &input.document.projects[0].funds;
    assert_eq!(funds.total.as_ref().unwrap().value.to_string(), "136000");
    // The other rows of the block follow the heading's unit.
    assert_eq!(
        funds.fiscal.as_ref().unwrap().value.to_string(),
        "1000000000"
    );
}

#[test]
fn page_furniture_between_rows_is_ignored() {
    let input = parse(&form(
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t说明\n\t产出指标\t数量指标\t甲\t≥1次\t\n- 3 -\n\n第 3 页 共 26 页\n\u{c}\n\t\t\t乙\t≥2次\t\n",
    ));
    assert!(input.diagnostics.is_empty(), "{:#?}", input.diagnostics);
    let inds = &input.document.projects[0].indicators;
    assert_eq!(inds.len(), 2);
    assert_eq!(inds[1].level2.as_ref().unwrap().value, "数量指标");
}

#[test]
fn two_forms_are_split_by_title_and_by_a_second_project_name() {
    let table =
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t说明\n\t产出指标\t数量指标\t甲\t≥1次\t\n";
    let second_without_title = HEADER
        .replace("项目支出绩效目标批复表\n(2025年度)\n", "")
        .replace("测试项目", "第二项目");
    let input = parse(&format!("{}{}{}", form(table), second_without_title, table));
    let names: Vec<&str> = input
        .document
        .projects
        .iter()
        .map(|p| p.name_str())
        .collect();
    assert_eq!(names, ["测试项目", "第二项目"]);
    assert_eq!(input.document.projects[1].index, 2);
    // The second form has no year line: that is reported, not guessed.
    assert!(codes(&input).contains(&"parse::missing-field"));
}

#[test]
fn nothing_is_dropped_silently() {
    let input = parse(&form(
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t说明\n\t产出指标\t数量指标\t甲\t9%0\t\n\t\t\t\t≥5次\t\n\t\t\t乙\t≥1次\t说明\t多余\n",
    ));
    let codes = codes(&input);
    assert!(codes.contains(&"value::unrecognized"), "{codes:?}");
    assert!(
        codes.contains(&"parse::missing-indicator-name"),
        "{codes:?}"
    );
    assert!(codes.contains(&"parse::extra-cells"), "{codes:?}");
    let inds = &input.document.projects[0].indicators;
    assert_eq!(inds[0].value.as_ref().unwrap().value.kind, ValueKind::Text);
    assert_eq!(inds[0].value.as_ref().unwrap().value.text, "9%0");
    assert_eq!(inds[1].note.as_ref().unwrap().value, "说明 多余");
    // Each diagnostic names its form.
    assert!(
        input
            .diagnostics
            .iter()
            .all(|d| d.project.as_ref().unwrap().index == 1)
    );
}

#[test]
fn missing_required_fields_are_reported() {
    let input = parse("项目支出绩效目标批复表\n(2025年度)\n项目名称\t\t\t\n");
    let messages: Vec<&str> = input
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    for what in ["项目名称", "主管部门及代码", "资金总额", "绩效指标表"] {
        assert!(
            messages.iter().any(|m| m.contains(what)),
            "{what}: {messages:?}"
        );
    }
    assert!(codes(&input).contains(&"parse::missing-value"));
}

#[test]
fn lines_outside_any_form_are_reported() {
    // Page text around forms is one note per stretch, not a warning per line.
    let input = parse("一些说明文字\n更多说明\n");
    let codes = codes(&input);
    assert_eq!(codes, ["parse::outside-form", "parse::no-forms"]);
    assert!(input.diagnostics[0].message.contains("2 行"));
}

#[test]
fn binary_input_is_refused_with_a_diagnostic() {
    let input = Input::from_bytes("x.bin", b"\x00\x01\x02PK\x03\x04");
    assert_eq!(codes(&input), ["source::binary"]);
    assert!(input.document.projects.is_empty());
}

#[test]
fn utf16_with_bom_is_decoded() {
    let text = form(
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t说明\n\t产出指标\t数量指标\t甲\t≥1次\t\n",
    );
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    let input = Input::from_bytes("utf16.txt", &bytes);
    assert_eq!(input.document.projects.len(), 1);
    assert_eq!(input.document.projects[0].indicators.len(), 1);
}
