//! The two example rules of the policy-language issue, in its syntax, run on the real sample.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::*;

const RULES: &str = r#"
param min_satisfaction: percent = 90%

rule funds.cost-within-total {
  severity error
  title "成本指标不得超过资金总额"
  for p in projects, i in p.indicators where i.category == cost and i.value.kind == money
  require i.value.amount <= p.funds.total
  message "成本指标“{i.name}”为 {i.value}，超过资金总额 {p.funds.total}"
  label i.value "此处"
  label p.funds.total "资金总额"
  help "核减成本指标，或调整资金来源"
}

rule satisfaction.required {
  severity error
  for p in projects
  require any i in p.indicators: i.category == satisfaction
  message "项目“{p.name}”缺少满意度指标"
  label p.name
}

rule satisfaction.threshold {
  severity warning
  for p in projects, i in p.indicators where i.category == satisfaction
  require i.value.percent >= min_satisfaction
  message "满意度指标“{i.name}”为 {i.value}，低于 {min_satisfaction}"
}
"#;

#[test]
fn the_issue_examples_on_the_sample() {
    let loaded = load_ok(RULES);
    let input = sample();
    let findings =
        loaded
            .policy
            .check_projects(&input.document.projects, input.source.name(), |_| true);
    assert_eq!(
        fired_on(&findings, "funds.cost-within-total"),
        vec![7, 14, 24, 25]
    );
    assert_eq!(
        fired_on(&findings, "satisfaction.required"),
        Vec::<usize>::new()
    );
    assert_eq!(fired_on(&findings, "satisfaction.threshold"), vec![9, 21]);
    let first = findings
        .iter()
        .find(|f| f.code == "funds.cost-within-total")
        .unwrap();
    assert_eq!(
        first.message,
        "成本指标“项目实施成本”为 ≤20.25万元，超过资金总额 200000元"
    );
    // The first `label` is the primary one when there is no `at`.
    assert_eq!(
        input.source.slice(first.primary.as_ref().unwrap().span),
        "≤20.25万元"
    );
    assert_eq!(input.source.slice(first.secondary[0].span), "200,000");
    assert_eq!(
        first.explanation,
        vec!["指标值的数值为 202500元，大于 本表的资金总额 200000元"]
    );
}
