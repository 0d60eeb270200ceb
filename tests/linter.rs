//! The embedding facade gives what the command line gives.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use assert_cmd::Command;
use jixiao::linter::Linter;
use std::path::Path;

const SAMPLE: &str = "tests/fixtures/qiannan-hrss-2025.txt";

fn cli_findings(args: &[&str]) -> Vec<(String, usize, usize, String)> {
    let out = Command::cargo_bin("jixiao")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap() as usize,
                d["column"].as_u64().unwrap() as usize,
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_linter_finds_what_check_finds_in_document_order() {
    let linter = Linter::builder().build().unwrap();
    let report = linter.lint_path(Path::new(SAMPLE)).unwrap();
    assert_eq!(report.forms, 26);
    let mine: Vec<(String, usize, usize, String)> = report
        .findings
        .iter()
        .map(|f| (f.rule.clone(), f.line, f.column, f.message.clone()))
        .collect();
    assert_eq!(
        mine,
        cli_findings(&["check", "--no-config", "--format", "json", SAMPLE])
    );
    // In memory too, by name.
    let bytes = std::fs::read(SAMPLE).unwrap();
    assert_eq!(
        linter.lint_bytes("a.txt", &bytes).findings.len(),
        mine.len()
    );
}

#[test]
fn the_linter_applies_a_configuration_as_the_command_line_does() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("jixiao.toml");
    std::fs::write(
        &config,
        "select = [\"funds.\", \"indicators.\"]\n[severity]\n\"funds.cost-within-total\" = \"warning\"\n[params]\nmin_satisfaction = \"95%\"\n",
    )
    .unwrap();
    let linter = Linter::builder().config_file(&config).build().unwrap();
    let report = linter.lint_path(Path::new(SAMPLE)).unwrap();
    let mine: Vec<(String, usize, usize, String)> = report
        .findings
        .iter()
        .map(|f| (f.rule.clone(), f.line, f.column, f.message.clone()))
        .collect();
    let config_arg = config.display().to_string();
    assert_eq!(
        mine,
        cli_findings(&["check", "--config", &config_arg, "--format", "json", SAMPLE])
    );
    assert!(
        report
            .findings
            .iter()
            .filter(|f| f.rule == "funds.cost-within-total")
            .all(|f| f.severity == jixiao::diagnostic::Severity::Warning)
    );
}

#[test]
fn a_broken_policy_is_a_load_error_with_its_place() {
    let error = Linter::builder()
        .policy_text("local.jxp", "rule a.b {\n  severity fatal\n}\n")
        .build()
        .err()
        .unwrap();
    let p = error
        .problems
        .iter()
        .find(|p| p.code == "policy::syntax")
        .unwrap();
    assert_eq!(p.file, "local.jxp");
    assert_eq!(p.position, Some((2, 12)));
    assert!(error.to_string().contains("local.jxp:2:12"));
}

#[test]
fn policies_and_parameters_can_be_given_in_code() {
    let linter = Linter::builder()
        .without_default_pack()
        .policy_text(
            "local.jxp",
            "param floor: percent = 90%\nrule local.sat {\n  severity warning\n  for p in projects, i in p.indicators\n  where i.category == satisfaction and i.value.kind == percent\n  require i.value.percent >= floor\n  message \"{i.name}\"\n}\n",
        )
        .param("floor", "99%")
        .build()
        .unwrap();
    let report = linter.lint_path(Path::new(SAMPLE)).unwrap();
    let sat = report
        .findings
        .iter()
        .filter(|f| f.rule == "local.sat")
        .count();
    assert!(sat > 2, "{sat}");
    assert!(linter.warnings().is_empty(), "{:?}", linter.warnings());
}

/// The sample checked with `rules` alone (no default pack).
fn sample_with_only(rules: &str) -> jixiao::linter::Report {
    let linter = Linter::builder()
        .without_default_pack()
        .policy_text("x.jxp", rules)
        .build()
        .unwrap();
    linter.lint_path(Path::new(SAMPLE)).unwrap()
}

/// Every explanation line of a rule's findings, in order.
fn explanations(report: &jixiao::linter::Report, rule: &str) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .flat_map(|f| f.explanation.clone())
        .collect()
}

/// Explanations (原因) speak of the form — its fields and values — never of the rule's
/// internals: no variable names, field paths, operators, regular expressions or source text.
#[test]
fn explanations_read_as_plain_chinese_about_the_form() {
    // The shipped pack and the recipes of docs/policy-language.md, over every real form.
    let docs = std::fs::read_to_string("docs/policy-language.md").unwrap();
    let recipes: String = docs
        .split("```jxp")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .filter(|block| block.contains("rule recipe."))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(recipes.matches("rule recipe.").count() >= 7);
    let linter = Linter::builder()
        .policy_text("recipes.jxp", recipes)
        .build()
        .unwrap();
    let mut forms = vec![
        std::path::PathBuf::from(SAMPLE),
        "tests/fixtures/recipes/forms.txt".into(),
    ];
    forms.extend(
        std::fs::read_dir("tests/fixtures/layouts")
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt")),
    );
    let internals = regex::Regex::new(
        r"\b[a-z_]+\.[a-z_]+\b|==|!=|<=|>=|\bwhere\b|\bis (missing|present)\b|不满足 [a-z]|[\^\$\\]|\(\?|\[\*|\bexpected\b|\bintended\b|\babsent\b|\busual\b",
    )
    .unwrap();
    let quoted = regex::Regex::new("“[^”]*”").unwrap();
    let mut explained = 0;
    let mut rules = std::collections::BTreeSet::new();
    for form in &forms {
        for f in linter.lint_path(form).unwrap().findings {
            for line in &f.explanation {
                explained += 1;
                rules.insert(f.rule.clone());
                // Text quoted from the form (`“>=4个”`) is the form's, not the rule's.
                let line = quoted.replace_all(line, "“”");
                assert!(
                    !internals.is_match(&line),
                    "{} in {}: {line}",
                    f.rule,
                    form.display()
                );
            }
        }
    }
    assert!(explained > 100, "{explained}");
    assert!(rules.len() >= 15, "{rules:?}");
}

#[test]
fn explanations_name_the_fields_and_values() {
    let linter = Linter::builder().build().unwrap();
    let report = linter.lint_path(Path::new(SAMPLE)).unwrap();
    let why = |rule: &str| explanations(&report, rule);
    assert_eq!(
        why("funds.cost-within-total")[0],
        "指标值的金额为 202500元，大于 本表的资金总额 200000元"
    );
    // A `let` is named by what it is: the usual spelling among the forms with this code.
    assert!(why("project.unit-consistency").contains(
        &"本表的主管部门名称为 “黔南布依族苗族自治州人力资源和社会保障保障局”，不等于 本文件的表中符合条件的主管部门名称中最常见的写法 “黔南布依族苗族自治州人力资源和社会保障局”".to_owned()
    ));
    // `first(…)` says what it is the first of: the value the other form shares.
    assert!(why("project.duplicate-name").contains(
        &"本文件的表中第一个项目名称为 “中职教育学生资助-家庭经济困难学生国家助学金”的序号为 14，不等于 本表的序号 22".to_owned()
    ));
    // What a search found, not the name of the variable that held it.
    assert!(
        why("project.unit-consistency").contains(
            &"找到了 “黔南布依族苗族自治州人力资源和社会保障局”（要求找不到）".to_owned()
        )
    );
    // Under `not`, the facts that made the excluded case true.
    let linter = Linter::builder()
        .without_default_pack()
        .policy_text(
            "t.jxp",
            "rule t.excluded {\n  severity warning\n  for p in projects, i in p.indicators where i.category == satisfaction\n  require not (i.value.op == ge and i.value.percent >= 90%)\n  message \"x\"\n}\n",
        )
        .build()
        .unwrap();
    let report = linter.lint_path(Path::new(SAMPLE)).unwrap();
    let first = &report.findings[0];
    assert_eq!(
        first.explanation,
        vec!["指标值的比较符为 ≥", "指标值的百分比为 90%，不小于 90%"]
    );
}

/// A text tested against a list (`ends_with(i.name, suffixes)`) is explained by the item that
/// matched, and a failed test by the list it was tested against.
#[test]
fn explanations_name_the_item_of_a_list_that_matched() {
    let rules = r#"
param suffixes: list<string> = ["知晓率", "故障率"]
rule x.ends {
  severity info
  for p in projects, i in p.indicators where p.index == 1 and i.index == 3
  require not ends_with(i.name, suffixes)
  message "m"
}
rule x.starts {
  severity info
  for p in projects, i in p.indicators where p.index == 1 and i.index == 1
  require not starts_with(i.name, ["开展", "组织"])
  message "m"
}
rule x.contains_not {
  severity info
  for p in projects, i in p.indicators where p.index == 1 and i.index == 2
  require contains(i.name, suffixes)
  message "m"
}
rule x.one {
  severity info
  for p in projects, i in p.indicators where p.index == 1 and i.index == 5
  require contains(i.name, "场次")
  message "m"
}
"#;
    let report = sample_with_only(rules);
    let why = |rule: &str| explanations(&report, rule);
    assert_eq!(
        why("x.ends"),
        ["指标名称 “软件电脑使用故障率”以“故障率”结尾（参数 suffixes 中的一项）"]
    );
    assert_eq!(
        why("x.starts"),
        ["指标名称 “开展宣传场次”以“开展”开头（“开展”、“组织” 中的一项）"]
    );
    assert_eq!(
        why("x.contains_not"),
        ["指标名称 “购买办公电脑”不含有参数 suffixes 中的任何一项"]
    );
    assert_eq!(why("x.one"), ["指标名称 “采购完成时间”不含有“场次”"]);
    // Said of every element of a quantifier: the list quoted as a list, and a fallback as the
    // rule (not as a fact about one missing value).
    let linter = Linter::builder()
        .without_default_pack()
        .policy_text(
            "z.jxp",
            "rule z.ends {\n  severity info\n  for p in projects where p.index == 1\n  require any i in p.indicators: ends_with(i.name, [\"xyz\", \"abc\"])\n  message \"m\"\n}\nrule z.fallback {\n  severity info\n  for p in projects where p.index == 1\n  require any i in p.indicators: (i.value.money ?? 0元) > 1亿元\n  message \"m\"\n}\n",
        )
        .build()
        .unwrap();
    let report = linter.lint_path(Path::new(SAMPLE)).unwrap();
    let said = |rule: &str| explanations(&report, rule);
    assert_eq!(
        said("z.ends"),
        ["本表的指标共 11 个，没有一个指标名称结尾为 “xyz”、“abc” 中的一项"]
    );
    assert_eq!(
        said("z.fallback"),
        ["本表的指标共 11 个，指标值的金额（缺失时取0元）都不大于 1亿元"]
    );
    // A long literal list is not written out in full.
    let long: Vec<String> = (0..500).map(|k| format!("\"词{k}\"")).collect();
    let linter = Linter::builder()
        .without_default_pack()
        .policy_text(
            "y.jxp",
            format!(
                "rule y.long {{\n  severity info\n  for p in projects where p.index == 1\n  require contains(p.name, [{}])\n  message \"m\"\n}}\n",
                long.join(", ")
            ),
        )
        .build()
        .unwrap();
    let report = linter.lint_path(Path::new(SAMPLE)).unwrap();
    assert_eq!(
        report.findings[0].explanation,
        [
            "本表的项目名称 “网络通信及设备购置、一卡通宣传经费”不含有“词0”、“词1”、“词2”、“词3”、“词4”、“词5” 等 500 项 中的任何一项"
        ]
    );
}

#[test]
fn explanations_say_what_functions_and_fallbacks_made_of_the_fields() {
    let rules = r#"
rule x.len {
  severity info
  for p in projects where p.index == 1
  require length(p.goals) > 5
  message "m"
}
rule x.collapse {
  severity info
  for p in projects where p.index == 3
  require collapse_repeats(p.department.name) == p.department.name
  message "m"
}
rule x.multi {
  severity info
  for p in projects where p.index == 1
  require count(c for a in p.indicators, b in p.goals, c in p.indicators) < 0
  message "m"
}
rule x.coalesce {
  severity info
  for p in projects, i in p.indicators where p.index == 1 and i.index == 1
  require (i.note ?? i.name) == ""
  message "m"
}
rule x.none {
  severity info
  for p in projects where p.index == 1
  require none j in p.indicators: j.value.percent <= 50% or j.index == 5
  message "m"
}
"#;
    let report = sample_with_only(rules);
    let why = |rule: &str| -> String {
        report
            .findings
            .iter()
            .find(|f| f.rule == rule)
            .map(|f| f.explanation.join(" / "))
            .unwrap_or_default()
    };
    // A list's length is how many, not how many characters.
    assert_eq!(why("x.len"), "本表的总体目标的个数为 3（要求大于 5）");
    // What a function made of a field is not the field.
    assert!(
        why("x.collapse").starts_with("本表的主管部门名称（去掉重复字后）为 “黔南布依族苗族自治州人力资源和社会保障局”，不等于 本表的主管部门名称 “"),
        "{}",
        why("x.collapse")
    );
    // Several bindings are combinations, each collection named once.
    assert_eq!(
        why("x.multi"),
        "本表的指标与本表的总体目标与本表的指标中各取一项的组合的个数为 363（要求小于 0）"
    );
    // `a ?? b` names the missing field and what stood in for it.
    assert_eq!(
        why("x.coalesce"),
        "说明（缺失，取指标名称）为 “开展宣传场次”（要求为 “”）"
    );
    // `none`: the facts of the element that has it, not the condition restated.
    assert_eq!(
        why("x.none"),
        "本表的指标中第 3 个（软件电脑使用故障率）：指标值的百分比为 3%，不大于 50%"
    );
}

/// `require if c then a else b` is explained by the branch that was taken, not as a whole.
#[test]
fn explanations_of_a_conditional_follow_the_branch_taken() {
    let rules = r#"
rule x.if {
  severity info
  for p in projects, i in p.indicators where p.index == 1 and i.index == 1
  require if contains(i.name, "不存在的词") then true else i.value is missing
  message "m"
}
"#;
    let report = sample_with_only(rules);
    let why = explanations(&report, "x.if");
    assert_eq!(why.len(), 1, "{why:?}");
    assert!(why[0].contains("指标值"), "{why:?}");
    assert!(!why[0].contains("条件不成立"), "{why:?}");
}

/// `XX` stands in for a number or a name in templates (`≥XX人`, `某XX项目`), but not inside a
/// Latin word (`XXL码工作服`): such a name with no value is one finding, "no value".
#[test]
fn xx_inside_a_latin_word_is_no_placeholder() {
    let linter = Linter::builder().build().unwrap();
    let text = "项目支出绩效目标表\n(2024年度)\n| 项目名称 | 某项目 |\n| 主管部门 | 某局 |\n| 资金总额(万元) | 1 |\n| 年度目标 | 完成 |\n| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n| 产出指标 | 数量指标 | XXL码工作服发放数量 | |\n| 产出指标 | 数量指标 | XX人数 | ≥XX人 |\n";
    let report = linter.lint_bytes("xx.txt", text.as_bytes());
    let messages: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == "indicators.placeholder")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "三级指标“XXL码工作服发放数量”没有填写指标值",
            "三级指标名称“XX人数”是模板占位内容",
            "指标值“≥XX人”是模板占位内容"
        ]
    );
}
