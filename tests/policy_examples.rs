//! The two example rules of the policy-language issue, run on the real sample.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use jixiao::input::Input;
use jixiao::policy::PolicyLoader;

const RULES: &str = r#"
param min_satisfaction: percent = 90%

rule funds.cost-within-total {
  severity error
  title "成本指标不得超过资金总额"
  for p in projects, i in p.indicators where i.category == cost and i.value.kind == money
  require i.value.amount <= p.funds.total
  message "成本指标“{i.name}”为 {i.value}，超过资金总额 {p.funds.total}"
  at i.value "此处"
  label p.funds.total "资金总额"
  help "核减成本指标，或调整资金来源"
}

rule satisfaction.required {
  severity error
  for p in projects
  require any i in p.indicators: i.category == satisfaction
  message "项目“{p.name}”缺少满意度指标"
  at p.name
}

rule satisfaction.threshold {
  severity warning
  for p in projects, i in p.indicators where i.category == satisfaction
  require i.value.percent >= min_satisfaction
  message "满意度指标“{i.name}”为 {i.value}，低于 {min_satisfaction}"
}
"#;

#[test]
fn example_rules_on_the_sample() {
    let mut loader = PolicyLoader::new();
    loader.add_source("example.jxp", RULES);
    let loaded = loader.finish();
    for (_, d) in &loaded.diagnostics {
        eprintln!("{} {}", d.code, d.message);
    }
    assert!(!loaded.has_errors());
    let input = Input::read(std::path::Path::new("tests/fixtures/qiannan-hrss-2025.txt")).unwrap();
    let findings =
        loaded
            .policy
            .check_projects(&input.document.projects, input.source.name(), |_| true);
    for f in &findings {
        eprintln!(
            "{} #{} {} | {:?} | {:?}",
            f.code,
            f.project.as_ref().unwrap().index,
            f.message,
            f.explanation,
            f.primary.as_ref().map(|p| input.source.slice(p.span))
        );
    }
}
