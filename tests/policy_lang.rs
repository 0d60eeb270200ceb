//! Every construct of the policy language, each with a form it passes and a form it fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::*;
use jixiao::policy::ir::Step;

/// `policy` has one rule `t.rule`: it must pass on `good` and fire once on `bad`.
fn passes_and_fails(policy: &str, good: &str, bad: &str) {
    let on_good = run(policy, good);
    assert!(
        on_good.is_empty(),
        "fired on the passing form: {on_good:#?}"
    );
    let on_bad = run(policy, bad);
    assert_eq!(
        on_bad.len(),
        1,
        "expected one finding on the failing form: {on_bad:#?}"
    );
    assert_eq!(on_bad[0].code, "t.rule");
}

fn rows_with(extra: &str) -> String {
    format!("{GOOD_ROWS}\n{extra}")
}

#[test]
fn quantities_convert_units_exactly() {
    let policy = r#"
rule t.rule {
  severity error
  for p in projects
  require p.funds.total <= 13.6万元 and 13.6万元 == 136000元 and 1.1亿元 == 110000000元
  message "资金总额 {p.funds.total} 超过 13.6万元"
}"#;
    passes_and_fails(
        policy,
        &form("甲", "136,000", GOOD_ROWS),
        &form("甲", "136,001", GOOD_ROWS),
    );
}

#[test]
fn arithmetic_on_money_and_percentages() {
    // 成本 must be at least 10% of the total, computed exactly.
    let policy = r#"
rule t.rule {
  severity error
  for p in projects
  let cost = sum(i.value.money for i in p.indicators where i.category == cost)
  require cost >= p.funds.total * 10% and p.funds.fiscal + p.funds.other == p.funds.total
  message "成本 {cost} 不足资金总额的 10%"
}"#;
    passes_and_fails(
        policy,
        &form("甲", "1,000,000", GOOD_ROWS),
        &form("甲", "1,000,001", GOOD_ROWS),
    );
}

#[test]
fn comparisons_logic_and_membership() {
    let policy = r#"
rule t.rule {
  severity warning
  for p in projects, i in p.indicators
  where i.level2 in ["数量指标", "质量指标"] and not (i.value.kind == qualitative)
  require i.value.op in [ge, eq] or i.value.op != le
  message "{i.name} 的比较符不对"
}"#;
    passes_and_fails(
        policy,
        &form("甲", "100,000", GOOD_ROWS),
        &form("甲", "100,000", &rows_with("\t\t质量指标\t差错率\t≤5%\t")),
    );
}

#[test]
fn string_functions() {
    let policy = r#"
rule t.rule {
  severity warning
  for p in projects, i in p.indicators
  where ends_with(i.name, "满意度") or contains(i.name, "满意")
  require starts_with(i.level1, "满意度") and length(i.name) >= 4 and matches(i.name, "^[^*]+$")
  message "{i.name} 不在满意度指标下"
}"#;
    passes_and_fails(
        policy,
        &form("甲", "100,000", GOOD_ROWS),
        &form(
            "甲",
            "100,000",
            &rows_with("\t效益指标\t社会效益指标\t群众满意度\t≥90%\t"),
        ),
    );
}

#[test]
fn string_predicates_take_a_list_of_parts() {
    // A list means "any of them", from a literal or a parameter; an empty list matches nothing.
    let policy = r#"
param reverse: list<string> = ["故障率", "投诉率"]
rule t.rule {
  severity warning
  for p in projects, i in p.indicators
  where ends_with(i.name, ["满意度", "满意率"]) or starts_with(i.name, reverse) or contains(i.name, [])
  require starts_with(i.level1, ["满意度", "服务对象"])
  message "{i.name} 不在满意度指标下"
}"#;
    passes_and_fails(
        policy,
        &form("甲", "100,000", GOOD_ROWS),
        &form(
            "甲",
            "100,000",
            &rows_with("\t效益指标\t社会效益指标\t群众满意率\t≥90%\t"),
        ),
    );
    let errors = load(
        "rule t.rule {\n  severity warning\n  for p in projects\n  require contains(p.name, [1, 2])\n  message \"x\"\n}\n",
    );
    assert!(
        errors
            .diagnostics
            .iter()
            .any(|(_, d)| d.code == "policy::type-mismatch"),
        "{}",
        render_policy(&errors)
    );
}

#[test]
fn a_list_of_prefixes_is_not_planned_as_a_prefix_join() {
    // starts_with(q.name, list) must test every element, not look one prefix up in an index.
    let policy = r#"
rule t.rule {
  severity info
  for p in projects
  require count(q in projects where starts_with(q.name, [p.name, "丙"])) >= 2
  message "少于两张"
}"#;
    let text = [
        form("甲项目", "1", GOOD_ROWS),
        form("乙项目", "1", GOOD_ROWS),
        form("丙项目", "1", GOOD_ROWS),
    ]
    .concat();
    // 甲: 甲项目 and 丙项目; 乙: 乙项目 and 丙项目; 丙: 丙项目 only.
    assert_eq!(fired_on(&run(policy, &text), "t.rule"), vec![3]);
}

#[test]
fn quantifiers_with_filters() {
    let any = r#"
rule t.rule {
  severity error
  for p in projects
  require any i in p.indicators: i.category == satisfaction
  message "缺少满意度指标"
}"#;
    let without = GOOD_ROWS
        .lines()
        .filter(|l| !l.contains("满意度"))
        .collect::<Vec<_>>()
        .join("\n");
    passes_and_fails(
        any,
        &form("甲", "100,000", GOOD_ROWS),
        &form("甲", "100,000", &without),
    );

    let all = r#"
rule t.rule {
  severity warning
  for p in projects
  require all i in p.indicators where i.category == satisfaction: i.value.percent >= 90%
  message "满意度目标偏低"
}"#;
    passes_and_fails(
        all,
        &form("甲", "100,000", GOOD_ROWS),
        &form("甲", "100,000", &rows_with("\t\t\t群众满意度\t≥80%\t")),
    );

    let none = r#"
rule t.rule {
  severity error
  for p in projects
  require none i in p.indicators where contains(i.name, "*")
  message "有模板占位符"
}"#;
    passes_and_fails(
        none,
        &form("甲", "100,000", GOOD_ROWS),
        &form("甲", "100,000", &rows_with("\t\t\t指标*\t≥1次\t")),
    );
}

#[test]
fn aggregates() {
    let policy = r#"
rule t.rule {
  severity warning
  for p in projects
  let n = count(i in p.indicators where i.category == quantity)
  let top = max(i.value.percent for i in p.indicators)
  let low = min(i.value.percent for i in p.indicators)
  let first_sat = first(i in p.indicators where i.category == satisfaction)
  let unit = most_common(i.value.unit for i in p.indicators where i.value.kind == count)
  require n <= 1 and top <= 100% and low >= 90% and first_sat.name == "参训人员满意度" and unit == "人"
  message "数量指标 {n} 个；最高 {top}，最低 {low}"
}"#;
    passes_and_fails(
        policy,
        &form("甲", "100,000", GOOD_ROWS),
        &form(
            "甲",
            "100,000",
            &rows_with("\t产出指标\t数量指标\t场次\t≥2次\t"),
        ),
    );
}

#[test]
fn let_and_if() {
    let policy = r#"
rule t.rule {
  severity warning
  for p in projects
  let limit = if p.funds.total > 100万元 then 95% else 90%
  require all i in p.indicators where i.category == satisfaction: i.value.percent >= limit
  message "满意度应不低于 {limit}"
}"#;
    let rows = GOOD_ROWS.replace("≥95%", "≥92%");
    passes_and_fails(
        policy,
        &form("甲", "100,000", &rows),
        &form("甲", "2,000,000", &rows),
    );
}

#[test]
fn missing_fields_do_not_crash_and_do_not_fire() {
    // A missing 说明 or 资金总额: comparisons with them are unknown, so `require` does not fire.
    let policy = r#"
rule t.rule {
  severity error
  for p in projects, i in p.indicators where i.category == cost
  require i.value.money <= p.funds.total and length(i.note) < 100
  message "成本超出"
}
rule t.present {
  severity error
  for p in projects
  require p.funds.total is present and (p.funds.other ?? 0元) >= 0元
  message "缺少资金总额"
}"#;
    let no_total = form("甲", "100,000", GOOD_ROWS).replace("\t\t资金总额(元):\t\t100,000\t\n", "");
    let loaded = load_ok(policy);
    let parsed = input(&no_total);
    assert!(parsed.document.projects[0].funds.total.is_none());
    let findings = loaded
        .policy
        .check_projects(&parsed.document.projects, "f", |_| true);
    assert_eq!(fired_on(&findings, "t.rule"), Vec::<usize>::new());
    assert_eq!(fired_on(&findings, "t.present"), vec![1]);
}

#[test]
fn parameters_with_defaults_and_overrides() {
    let policy = r#"
param min_satisfaction: percent = 90%
param cost_names: list<string> = ["项目实施成本"]

rule t.rule {
  severity warning
  for p in projects, i in p.indicators where i.category == satisfaction
  require i.value.percent >= min_satisfaction
  message "{i.name} 为 {i.value}，低于 {min_satisfaction}"
}
rule t.names {
  severity info
  for p in projects, i in p.indicators where i.category == cost
  require i.name in cost_names
  message "成本指标名称不规范"
}"#;
    let text = form("甲", "100,000", GOOD_ROWS);
    assert!(run(policy, &text).is_empty());
    let mut loaded = load_ok(policy);
    loaded.policy.set_param("min_satisfaction", "98%").unwrap();
    let input = input(&text);
    let findings = loaded
        .policy
        .check_projects(&input.document.projects, "f", |_| true);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].message, "参训人员满意度 为 ≥95%，低于 98%");
    // Overrides are type-checked.
    assert!(
        loaded
            .policy
            .set_param("min_satisfaction", "98")
            .unwrap_err()
            .contains("percent")
    );
    assert!(loaded.policy.set_param("nope", "1").is_err());
    loaded
        .policy
        .set_param("cost_names", r#"["项目成本"]"#)
        .unwrap();
    let findings = loaded
        .policy
        .check_projects(&input.document.projects, "f", |_| true);
    assert_eq!(fired_on(&findings, "t.names"), vec![1]);
}

#[test]
fn several_files_and_imports() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("params.jxp"),
        "param min_total: money = 1万元\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("main.jxp"),
        "import \"params.jxp\"\nrule t.rule {\n  severity error\n  for p in projects\n  require p.funds.total >= min_total\n  message \"资金太少\"\n}\n",
    )
    .unwrap();
    let mut loader = jixiao::policy::PolicyLoader::new();
    loader.add_file(&dir.path().join("main.jxp")).unwrap();
    // Loading a file twice (directly and through an import) is harmless.
    loader.add_file(&dir.path().join("params.jxp")).unwrap();
    let loaded = loader.finish();
    assert!(!loaded.has_errors(), "{}", render_policy(&loaded));
    assert_eq!(loaded.policy.sources.len(), 2);
    let input = input(&form("甲", "5,000", GOOD_ROWS));
    let findings = loaded
        .policy
        .check_projects(&input.document.projects, "f", |_| true);
    assert_eq!(fired_on(&findings, "t.rule"), vec![1]);
}

#[test]
fn pairs_of_projects_use_a_hash_join() {
    let policy = r#"
rule t.rule {
  severity warning
  for a in projects, b in projects where b.name == a.name and a.index < b.index
  require false
  message "项目“{b.name}”与第 {a.index} 张表重名"
  at b.name "重复"
  label a.name "第一次出现"
}"#;
    let loaded = load_ok(policy);
    let rule = &loaded.policy.rules[0];
    assert!(
        rule.steps
            .iter()
            .any(|s| matches!(s, Step::For { join: Some(_), .. })),
        "{:#?}",
        rule.steps
    );
    let text = [
        form("甲", "1", GOOD_ROWS),
        form("乙", "1", GOOD_ROWS),
        form("甲", "1", GOOD_ROWS),
        form("甲", "1", GOOD_ROWS),
    ]
    .concat();
    let findings = run(policy, &text);
    // (1,3) (1,4) (3,4)
    assert_eq!(fired_on(&findings, "t.rule"), vec![3, 4, 4]);
    assert_eq!(findings[0].secondary.len(), 1);
}

#[test]
fn grouping_by_key_is_memoised() {
    // The department name most forms with the same code use is the reference.
    let policy = r#"
rule t.rule {
  severity warning
  for p in projects
  let reference = most_common(q.department.name for q in projects where q.department.code == p.department.code)
  require p.department.name == reference
  message "主管部门名称应为“{reference}”"
  at p.department.name
}"#;
    let loaded = load_ok(policy);
    let text = [
        form("甲", "1", GOOD_ROWS),
        form("乙", "1", GOOD_ROWS),
        form("丙", "1", GOOD_ROWS).replace("[164]某局", "[164]某某局"),
    ]
    .concat();
    let input = input(&text);
    let findings = loaded
        .policy
        .check_projects(&input.document.projects, "f", |_| true);
    assert_eq!(fired_on(&findings, "t.rule"), vec![3]);
    assert_eq!(findings[0].message, "主管部门名称应为“某局”");
    assert_eq!(
        input
            .source
            .slice(findings[0].primary.as_ref().unwrap().span),
        "某某局"
    );
}

#[test]
fn labels_point_at_the_fields_in_the_source() {
    let sample = sample();
    let loaded = load_ok(
        r#"
rule t.rule {
  severity error
  for p in projects, i in p.indicators where i.category == cost and i.value.kind == money
  require i.value.money <= p.funds.total
  message "成本超出"
  at i.value "此处"
  label p.funds.total "资金总额"
}"#,
    );
    let findings =
        loaded
            .policy
            .check_projects(&sample.document.projects, sample.source.name(), |_| true);
    assert_eq!(fired_on(&findings, "t.rule"), vec![7, 14, 24, 25]);
    let f = &findings[0];
    assert_eq!(
        sample.source.slice(f.primary.as_ref().unwrap().span),
        "≤20.25万元"
    );
    assert_eq!(f.primary.as_ref().unwrap().text.as_deref(), Some("此处"));
    assert_eq!(sample.source.slice(f.secondary[0].span), "200,000");
    assert_eq!(
        f.explanation,
        vec!["指标值的金额为 202500元，大于 本表的资金总额 200000元"]
    );
    assert_eq!(f.indicator.as_deref(), Some("项目实施成本"));
}

#[test]
fn quantifier_failures_are_explained() {
    let policy = r#"
rule t.rule {
  severity error
  for p in projects
  require all i in p.indicators where i.category == satisfaction: i.value.percent >= 96%
  message "满意度偏低"
}"#;
    let findings = run(policy, &form("甲", "1", GOOD_ROWS));
    assert_eq!(
        findings[0].explanation,
        vec!["本表的指标中第 6 个（参训人员满意度）：指标值的百分比为 95%（要求不小于 96%）"]
    );
    let policy = r#"
rule t.rule {
  severity error
  for p in projects
  require any i in p.indicators where i.category == cost: i.value.money > 1亿元
  message "x"
}"#;
    let findings = run(policy, &form("甲", "1", GOOD_ROWS));
    // The opposite of one comparison is said of all of them, not as a double negative.
    assert_eq!(
        findings[0].explanation,
        vec!["本表的指标中符合条件的共 1 个，指标值的金额都不大于 1亿元"]
    );
    let policy = r#"
rule t.rule {
  severity error
  for p in projects
  require any i in p.indicators where i.category == cost: i.value.money > 1亿元 and i.name != ""
  message "x"
}"#;
    let findings = run(policy, &form("甲", "1", GOOD_ROWS));
    assert_eq!(
        findings[0].explanation,
        vec!["本表的指标中符合条件的共 1 个，没有一个指标值的金额大于 1亿元且指标名称不为 “”"]
    );
}

#[test]
fn runtime_errors_stop_one_rule_on_one_form_only() {
    let policy = r#"
rule t.divide {
  severity error
  for p in projects
  require p.funds.total / p.funds.superior > 1
  message "x"
}
rule t.other {
  severity warning
  for p in projects
  require false
  message "其他规则照常运行"
}"#;
    let findings = run(
        policy,
        &[form("甲", "1", GOOD_ROWS), form("乙", "2", GOOD_ROWS)].concat(),
    );
    let errors: Vec<_> = findings
        .iter()
        .filter(|d| d.code == "policy::runtime-error")
        .collect();
    assert_eq!(errors.len(), 2, "{findings:#?}");
    assert!(
        errors[0].message.contains("除数为零"),
        "{}",
        errors[0].message
    );
    assert!(
        errors[0].help.as_ref().unwrap().contains("test.jxp:5:"),
        "{:?}",
        errors[0].help
    );
    assert_eq!(fired_on(&findings, "t.other"), vec![1, 2]);
}

#[test]
fn dates_and_date_functions() {
    let policy = r#"
rule t.rule {
  severity error
  for p in projects, i in p.indicators where i.value.kind == date
  require year(i.value.date) == p.year and i.value.date <= date(p.year, 12, 31) and i.value.date >= 2025年1月1日
  message "{i.name} 的日期 {i.value.date} 不在 {p.year} 年内"
}"#;
    passes_and_fails(
        policy,
        &form("甲", "1", GOOD_ROWS),
        &form(
            "甲",
            "1",
            &GOOD_ROWS.replace("2025年12月31日前", "2026年3月31日前"),
        ),
    );
}

#[test]
fn list_comprehensions_and_distinct() {
    let policy = r#"
rule t.rule {
  severity warning
  for p in projects
  let names = [i.name for i in p.indicators where i.category == satisfaction]
  require length(distinct(names)) == length(names)
  message "满意度指标重复：{names}"
}"#;
    passes_and_fails(
        policy,
        &form("甲", "1", GOOD_ROWS),
        &form("甲", "1", &rows_with("\t\t\t参训人员满意度\t≥95%\t")),
    );
}

#[test]
fn collapse_repeats_finds_doubled_characters() {
    let policy = r#"
rule t.rule {
  severity warning
  for p in projects
  let units = distinct(q.implementer for q in projects)
  require none u in units: u != p.implementer and collapse_repeats(p.implementer) == u
  message "实施单位“{p.implementer}”疑有重复字"
}"#;
    let text = [
        form("甲", "1", GOOD_ROWS),
        form("乙", "1", GOOD_ROWS).replace("实施单位\t某局", "实施单位\t某某局"),
    ]
    .concat();
    let findings = run(policy, &text);
    assert_eq!(fired_on(&findings, "t.rule"), vec![2]);
}

#[test]
fn satisfaction_required_fires_when_the_rows_are_removed() {
    let policy = r#"
rule satisfaction.required {
  severity error
  for p in projects
  require any i in p.indicators: i.category == satisfaction
  message "项目“{p.name}”缺少满意度指标"
  label p.name
}"#;
    let sample = std::fs::read_to_string(SAMPLE).unwrap();
    assert!(run(policy, &sample).is_empty());
    // Remove the satisfaction rows of the 3rd form (line 77).
    let without: String = sample
        .lines()
        .enumerate()
        .filter(|(n, _)| *n + 1 != 77)
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    let findings = run(policy, &without);
    assert_eq!(fired_on(&findings, "satisfaction.required"), vec![3]);
    assert_eq!(findings[0].message, "项目“人事考试经费”缺少满意度指标");
}

#[test]
fn several_requirements_each_with_its_own_finding() {
    let policy = r#"
rule t.rule {
  severity warning
  for p in projects, i in p.indicators where i.value.kind == percent
  require i.value.percent <= 100% else { message "{i.name}：百分比超过 100%" at i.value "超出" }
  require not (i.value.op == ge and i.value.percent == 100%)
    else { message "{i.value} 应写作 =100%" severity info help "完成率类指标写 =100%" }
  message "unused"
}"#;
    let rows = format!("{GOOD_ROWS}\n\t\t质量指标\t完成率\t≥100%\t\n\t\t质量指标\t增长率\t≥120%\t");
    let input = input(&form("甲", "1", &rows));
    let loaded = load_ok(policy);
    let findings = loaded
        .policy
        .check_projects(&input.document.projects, "f", |_| true);
    assert_eq!(findings.len(), 2, "{findings:#?}");
    let info = findings
        .iter()
        .find(|f| f.severity == jixiao::diagnostic::Severity::Info)
        .unwrap();
    assert_eq!(info.message, "≥100% 应写作 =100%");
    assert_eq!(info.help.as_deref(), Some("完成率类指标写 =100%"));
    let warning = findings
        .iter()
        .find(|f| f.severity == jixiao::diagnostic::Severity::Warning)
        .unwrap();
    assert_eq!(warning.message, "增长率：百分比超过 100%");
    assert_eq!(
        input.source.slice(warning.primary.as_ref().unwrap().span),
        "≥120%"
    );
    assert_eq!(
        warning.primary.as_ref().unwrap().text.as_deref(),
        Some("超出")
    );
    // Without `else`, every requirement needs the rule's message.
    let missing = load(
        "rule t.x {\n  severity error\n  for p in projects\n  require true else \"a\"\n  require true\n}\n",
    );
    assert!(
        missing
            .diagnostics
            .iter()
            .any(|(_, d)| d.code == "policy::missing-clause")
    );
}

#[test]
fn lists_concatenate() {
    let policy = r#"
rule t.rule {
  severity info
  for p in projects
  let names = distinct([q.implementer for q in projects] + [q.department.name for q in projects])
  require count(names) == 1
  message "单位名称有 {count(names)} 种：{names}"
}"#;
    passes_and_fails(
        policy,
        &form("甲", "1", GOOD_ROWS),
        &form("甲", "1", GOOD_ROWS).replace("实施单位\t某局", "实施单位\t某中心"),
    );
}

#[test]
fn grouping_inside_a_form_is_planned_as_a_join() {
    const POLICY: &str = r#"
rule t.rule {
  severity warning
  for p in projects, i in p.indicators
  let earlier = first(j in p.indicators where j.name == i.name)
  require earlier.index == i.index
  message "重复"
}"#;
    let loaded = load_ok(POLICY);
    let rule = &loaded.policy.rules[0];
    let Some(Step::Let { value, .. }) = rule.steps.iter().find(|s| matches!(s, Step::Let { .. }))
    else {
        panic!()
    };
    let jixiao::policy::ir::IrKind::Aggregate(_, comp) = &value.kind else {
        panic!("{value:#?}")
    };
    // Indexed per form (the collection depends on `p`), not per indicator pair; the first of a
    // group found through the index is the answer, so the look-up is not memoised as well.
    assert!(comp.join.is_some() && comp.memo.is_none() && comp.lookup && !comp.closed);
    let text = form("甲", "1", &format!("{GOOD_ROWS}\n\t\t\t培训人数\t≥5人\t"));
    assert_eq!(fired_on(&run(POLICY, &text), "t.rule"), vec![1]);

    // A group that must be walked (a count, or a first with a condition besides the join), a
    // result computed from the element, or a key computed at every look-up is still memoised
    // per key.
    for (aggregate, expected) in [
        (
            "first(j.index for j in p.indicators where j.name == i.name) == i.index",
            vec![1],
        ),
        (
            "first(j in p.indicators where j.index == i.index - 0).index == i.index",
            vec![],
        ),
        // Both rows of the repeated name.
        (
            "count(j in p.indicators where j.name == i.name) == 1",
            vec![1, 1],
        ),
        (
            "first(j in p.indicators where j.name == i.name and j.index > 0).index == i.index",
            vec![1],
        ),
    ] {
        let policy = format!(
            "rule t.rule {{\n  severity warning\n  for p in projects, i in p.indicators\n  require {aggregate}\n  message \"重复\"\n}}"
        );
        let loaded = load_ok(&policy);
        let mut memoised = Vec::new();
        each_aggregate(&loaded.policy.rules[0], |c| {
            memoised.push(c.join.is_some() && c.memo.is_some() && !c.lookup)
        });
        assert_eq!(memoised, vec![true], "{aggregate}");
        assert_eq!(
            fired_on(&run(&policy, &text), "t.rule"),
            expected,
            "{aggregate}"
        );
    }
}

/// Every comprehension of an aggregate in the rule (`first(…)`, `count(…)` …).
fn each_aggregate(
    rule: &jixiao::policy::ir::CompiledRule,
    mut visit: impl FnMut(&jixiao::policy::ir::Comp),
) {
    rule.walk(&mut |ir| {
        if let jixiao::policy::ir::IrKind::Aggregate(_, comp) = &ir.kind {
            visit(comp);
        }
    });
}

#[test]
fn memoised_groups_respect_every_condition_not_only_the_join_key() {
    // Two equality conditions: one becomes the join key, the other still depends on `i`, so the
    // result must not be cached per key alone.
    let policy = r#"
rule t.rule {
  severity warning
  for p in projects, i in p.indicators where i.level2 is present
  let first_row = first(j in p.indicators where j.level2 == i.level2 and j.level1 == i.level1)
  where first_row.index == i.index
  require i.level1 == "产出指标"
  message "{i.level2} 在 {i.level1} 下"
}"#;
    let rows = format!("{GOOD_ROWS}\n\t效益指标\t数量指标\t带动就业人数\t≥150人\t");
    let findings = run(policy, &form("甲", "1", &rows));
    let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    assert!(
        messages.contains(&"数量指标 在 效益指标 下"),
        "{messages:?}"
    );
}

#[test]
fn coalesce_binds_looser_than_arithmetic() {
    let policy = r#"
rule t.rule {
  severity warning
  for p in projects, g in p.goals
  let n = g.number ?? g.index - 1
  require n == 1
  message "n = {n}"
}"#;
    assert!(run(policy, &form("甲", "1", GOOD_ROWS)).is_empty());
}

#[test]
fn lets_are_computed_when_first_read() {
    // Dividing by zero is a run-time error: it is reported on the forms that read `boom`
    // (total < 0), not on those where the left side of `or` already decides.
    let policy = r#"
rule t.rule {
  severity warning
  for p in projects
  let boom = p.funds.total / 0
  require p.funds.total >= 0元 or boom > 0元
  message "不会出现"
}"#;
    let text = [form("甲", "5,000", GOOD_ROWS), form("乙", "-5", GOOD_ROWS)].concat();
    let findings = run(policy, &text);
    let errors: Vec<usize> = findings
        .iter()
        .filter(|d| d.code == "policy::runtime-error")
        .map(|d| d.project.as_ref().map_or(0, |p| p.index))
        .collect();
    assert_eq!(errors, vec![2], "{findings:#?}");
}

#[test]
fn a_label_can_point_into_a_let() {
    let policy = r#"
rule t.rule {
  severity warning
  for p in projects
  let cost = first(i in p.indicators where i.category == cost)
  require false
  message "成本指标 {cost.value}"
  at cost.value "成本"
  label p.funds.total "资金总额"
}"#;
    let text = form("甲", "5,000", GOOD_ROWS);
    let findings = run(policy, &text);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let primary = findings[0].primary.as_ref().unwrap().span;
    assert_eq!(&text[primary.start..primary.end], "≤10万元");
    assert_eq!(findings[0].message, "成本指标 ≤10万元");
    assert_eq!(findings[0].secondary.len(), 1);
}

#[test]
fn groups_sets_rates_and_text_functions() {
    let two = format!(
        "{}{}",
        form("甲项目", "300000", GOOD_ROWS),
        form("乙项目", "500000", GOOD_ROWS)
    );
    // One finding per group, placed at the group's first form when the rule names no place.
    let findings = run(
        r#"rule t.group {
  severity info
  for g in group(p in projects by p.department.code)
  let total = sum(p.funds.total for p in g.items)
  require total <= 500000元
  message "{g.key}: {length(g.items)} 个项目 {total}"
}"#,
        &two,
    );
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].message, "164: 2 个项目 800000元");
    assert!(findings[0].primary.is_some(), "{findings:#?}");
    // Sets, sorting, joining, slicing, numbers and rates.
    let findings = run(
        r#"rule t.functions {
  severity info
  for a in projects, b in projects
  where set([i.name for i in a.indicators]) == set([i.name for i in b.indicators]) and a.index < b.index
  let names = join(sort(distinct([slice(i.name, 0, 2) for i in a.indicators])), "、")
  let per_head = a.funds.total / 60人
  let inside = subset(["培训"], [slice(a.name, 0, 2), "培训"])
  let stem = capture(a.name, "^(.)项目$")
  require false
  message "{names}|{per_head}|{number(per_head)}|{inside}|{stem}"
}"#,
        &two,
    );
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(
        findings[0].message,
        "业务、参训、培训、完成、项目|5000元/人|5000|是|甲"
    );
}

#[test]
fn explaining_a_finding_never_turns_it_into_an_error() {
    // `kind == money and amount >= 1元` is false on a count; explaining it must not compare the
    // count with 1元 (evaluation never does): a finding with a reason, not a run-time error.
    let policy = r#"
rule t.rule {
  severity warning
  for p in projects
  require all i in p.indicators: i.value.kind == money and i.value.amount >= 1元
  message "x"
}"#;
    let findings = run(policy, &form("甲", "1", GOOD_ROWS));
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].code, "t.rule");
    assert_eq!(findings[0].explanation.len(), 1);
    assert!(
        findings[0].explanation[0].contains("（要求为 金额）"),
        "{:?}",
        findings[0].explanation
    );
}

/// Findings' messages of `policy` on the sample.
fn messages_on_sample(policy: &str) -> Vec<String> {
    let loaded = load_ok(policy);
    let sample = sample();
    loaded
        .policy
        .check_projects(&sample.document.projects, sample.source.name(), |_| true)
        .into_iter()
        .map(|d| d.message)
        .collect()
}

#[test]
fn aggregates_and_lists_range_over_several_bindings() {
    // Each binding sees the ones before it; the filter and the map see them all. The same
    // numbers as the nested single-binding forms, on the real sample.
    let several = r#"
rule t.r {
  severity info
  for g in group(p in projects by p.department.code)
  let n = count(i for p in g.items, i in p.indicators where i.category == satisfaction)
  let total = sum(i.value.money for p in g.items, i in p.indicators where i.value.kind == money and p.funds.total > 0元)
  let names = [i.name for p in g.items, i in p.indicators where i.category == cost]
  let filtered = count(y in g.items, x in y.indicators where x.category == cost)
  require false
  message "{n} {total} {count(names)} {filtered}"
}"#;
    let nested = r#"
rule t.r {
  severity info
  for g in group(p in projects by p.department.code)
  let n = sum(count(i in p.indicators where i.category == satisfaction) for p in g.items)
  let total = sum(sum(i.value.money for i in p.indicators where i.value.kind == money) for p in g.items where p.funds.total > 0元)
  let c = sum(count(i in p.indicators where i.category == cost) for p in g.items)
  require false
  message "{n} {total} {c} {c}"
}"#;
    let got = messages_on_sample(several);
    assert_eq!(got, messages_on_sample(nested));
    assert_eq!(got, vec!["31 171635574元 52 52"]);
}

#[test]
fn quantifiers_range_over_several_bindings() {
    // `none a, b: C` is `none a: any b: C`; `all`/`any` nest as themselves.
    let rule = |q: &str, body: &str| {
        format!(
            "rule t.r {{\n  severity info\n  for p in projects\n  require {q} i in p.indicators, j in p.indicators where i.index < j.index: {body}\n  message \"{{p.index}}\"\n}}"
        )
    };
    let nested = |q: &str, inner: &str, body: &str| {
        format!(
            "rule t.r {{\n  severity info\n  for p in projects\n  require {q} i in p.indicators: {inner} j in p.indicators where i.index < j.index: {body}\n  message \"{{p.index}}\"\n}}"
        )
    };
    for (q, inner, body) in [
        ("none", "any", "i.category == j.category"),
        ("all", "all", "i.category != j.category"),
        ("any", "any", "i.level2 == j.level2"),
        ("none", "any", "i.name == j.name"),
    ] {
        let got = messages_on_sample(&rule(q, body));
        assert_eq!(
            got,
            messages_on_sample(&nested(q, inner, body)),
            "{q} {body}"
        );
    }
    // Every sample form repeats a category, so `none … same category` fires on all 26 and
    // `any … same category` on none; no form repeats a name.
    assert_eq!(
        messages_on_sample(&rule("none", "i.category == j.category")).len(),
        26
    );
    assert!(messages_on_sample(&rule("any", "i.category == j.category")).is_empty());
    assert!(messages_on_sample(&rule("none", "i.name == j.name")).is_empty());
}

#[test]
fn several_bindings_written_wrong_are_errors() {
    for bad in [
        "count(i in p.indicators, )",
        "count(i in p.indicators, j)",
        "sum(i.value.money for i in p.indicators, j in)",
        "any i in p.indicators, : true",
        "[i for i in p.indicators, j in p.goals,]",
    ] {
        let policy = format!(
            "rule t.r {{\n  severity info\n  for p in projects\n  require {bad} > 0\n  message \"x\"\n}}"
        );
        let loaded = load(&policy);
        assert!(loaded.has_errors(), "{bad}: {}", render_policy(&loaded));
    }
}

/// A join's keys are the sides of its condition, shared, not copies: nested firsts whose keys
/// are firsts themselves once doubled the rule at every level (30 levels, the most the
/// language's nesting limit allows: 2³⁰ copies, and the loader ran out of memory).
#[test]
fn nested_joined_firsts_share_their_keys() {
    use jixiao::policy::ir::IrKind;
    let mut key = "i.name".to_string();
    for level in 0..30 {
        let (field, other) = if level % 2 == 0 {
            ("name", "level2")
        } else {
            ("level2", "name")
        };
        key = format!(
            "first(x{level}.{other} for x{level} in p.indicators where x{level}.{field} == {key})"
        );
    }
    let policy = format!(
        "rule t.nested {{\n  severity info\n  for p in projects, i in p.indicators\n  let v = {key}\n  require v is missing\n  message \"{{v}}\"\n}}"
    );
    let loaded = load_ok(&policy);
    let mut joins = 0;
    each_aggregate(&loaded.policy.rules[0], |comp| {
        if let Some(join) = &comp.join {
            let Some(IrKind::Compare(_, a, b)) = comp.filter.as_ref().map(|f| &f.kind) else {
                panic!("a join without its condition");
            };
            assert!(std::sync::Arc::ptr_eq(&join.inner_key, a));
            assert!(std::sync::Arc::ptr_eq(&join.outer_key, b));
            joins += 1;
        }
    });
    assert_eq!(joins, 30);
}

/// A join whose outer key is missing finds no element: the result is the same for every such
/// key and is cached once (computed each time, nested firsts cost 2^depth), and it must be the
/// empty comprehension's result.
#[test]
fn a_missing_join_key_finds_nothing_and_is_cached_once() {
    const POLICY: &str = r#"
rule t.rule {
  severity warning
  for p in projects, i in p.indicators
  let same = count(j in p.indicators where j.note == i.note)
  let first_name = first(j.name for j in p.indicators where j.note == i.note)
  require same <= 1
  require first_name is missing or same >= 1
  message "{i.name}"
}"#;
    let rows = GOOD_ROWS
        .replace("≥90人\t", "≥90人\t见附件")
        .replace("=100%\t", "=100%\t见附件");
    let text = form("甲", "1", &rows);
    // The two rows with the same note, each once; the four without a note none.
    assert_eq!(fired_on(&run(POLICY, &text), "t.rule"), vec![1, 1]);
}

/// A prefix join keeps its index for a key of a few hundred nodes (30 nested `replace`s): only
/// keys past 65 536 nodes, which prefix joins nested in each other's keys would otherwise
/// double at every level, are looked for by scanning.
#[test]
fn a_prefix_join_with_a_long_key_is_still_a_join() {
    let mut key = "p.implementer".to_string();
    for _ in 0..30 {
        key = format!("replace({key}, \"局\", \"局\")");
    }
    let policy = format!(
        "rule t.prefix {{\n  severity info\n  for p in projects\n  let known = distinct([q.implementer for q in projects])\n  let longer = first(n in known where starts_with(n, {key}) and n != p.implementer)\n  require longer is missing\n  message \"{{longer}}\"\n}}"
    );
    let loaded = load_ok(&policy);
    let mut prefix_joins = 0;
    each_aggregate(&loaded.policy.rules[0], |comp| {
        if comp.join.as_ref().is_some_and(|j| j.prefix) {
            prefix_joins += 1;
        }
    });
    assert_eq!(prefix_joins, 1);
    let text = format!(
        "{}\n{}",
        form("甲", "1", GOOD_ROWS),
        form("乙", "1", GOOD_ROWS).replace("实施单位\t某局", "实施单位\t某")
    );
    assert_eq!(fired_on(&run(&policy, &text), "t.prefix"), vec![2]);
}
