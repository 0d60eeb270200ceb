//! Helpers shared by the integration tests.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use jixiao::diagnostic::Diagnostic;
use jixiao::policy::{Loaded, PolicyLoader, PolicySet};
use jixiao::read::Input;
use jixiao::report::{HumanOptions, render_human};

pub const SAMPLE: &str = "tests/fixtures/qiannan-hrss-2025.txt";

pub fn sample() -> Input {
    Input::read(std::path::Path::new(SAMPLE)).unwrap()
}

/// A small well-formed form. `rows` is the indicator table body (tab-separated lines).
pub fn form(name: &str, total: &str, rows: &str) -> String {
    format!(
        "项目支出绩效目标批复表\n(2025年度)\n项目名称\t\t{name}\t\t\n主管部门及代码\t\t[164]某局\t实施单位\t某局\t\n资金来源\t\t年度资金情况\t\t\n\t\t资金总额(元):\t\t{total}\t\n\t\t财政拨款\t\t{total}\t\n\t\t其中: 上级补助\t\t0\t\n\t\t本级安排\t\t{total}\t\n\t\t其他资金\t\t0\t\n年度总体目标\t\t目标1: 完成工作。\t\t\n绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t说明\n{rows}\n"
    )
}

/// The usual rows of a complete form.
pub const GOOD_ROWS: &str = "\t产出指标\t数量指标\t培训人数\t≥90人\t\n\t\t质量指标\t培训合格率\t=100%\t\n\t\t时效指标\t完成时间\t2025年12月31日前\t\n\t成本指标\t经济成本指标\t项目实施成本\t≤10万元\t\n\t效益指标\t社会效益指标\t业务能力\t有效提高\t\n\t满意度指标\t满意度指标\t参训人员满意度\t≥95%\t";

pub fn input(text: &str) -> Input {
    Input::from_bytes("form.txt", text.as_bytes())
}

pub fn load(policy: &str) -> Loaded {
    let mut loader = PolicyLoader::new();
    loader.add_source("test.jxp", policy);
    loader.finish()
}

/// Load a policy that must check without errors.
pub fn load_ok(policy: &str) -> Loaded {
    let loaded = load(policy);
    assert!(
        !loaded.has_errors(),
        "policy errors:\n{}",
        render_policy(&loaded)
    );
    loaded
}

pub fn render_policy(loaded: &Loaded) -> String {
    let mut out = Vec::new();
    render_human(
        &loaded.reports(),
        &HumanOptions {
            width: 120,
            ..HumanOptions::default()
        },
        &mut out,
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

/// Run every rule of `policy` over `text`.
pub fn run(policy: &str, text: &str) -> Vec<Diagnostic> {
    let loaded = load_ok(policy);
    let input = input(text);
    assert!(
        input
            .diagnostics
            .iter()
            .all(|d| d.severity != jixiao::diagnostic::Severity::Error),
        "{:#?}",
        input.diagnostics
    );
    loaded
        .policy
        .check_projects(&input.document.projects, input.source.name(), |_| true)
}

/// Indices of the forms a rule fired on.
pub fn fired_on(findings: &[Diagnostic], rule: &str) -> Vec<usize> {
    findings
        .iter()
        .filter(|d| d.code == rule)
        .map(|d| d.project.as_ref().map_or(0, |p| p.index))
        .collect()
}

/// The shipped default pack, loaded without errors.
pub fn default_policy() -> PolicySet {
    let mut loader = PolicyLoader::new();
    loader.add_builtin_pack("default").unwrap();
    let loaded = loader.finish();
    assert!(!loaded.has_errors());
    loaded.policy
}

/// (rule, form, indicator, message) of every finding of `policy` on `input`, sorted: what two
/// readings of the same forms must agree on.
pub fn finding_keys(policy: &PolicySet, input: &Input) -> Vec<(String, usize, String, String)> {
    let mut out: Vec<_> = policy
        .check_projects(&input.document.projects, input.source.name(), |_| true)
        .into_iter()
        .map(|d| {
            (
                d.code,
                d.project.map_or(0, |p| p.index),
                d.indicator.unwrap_or_default(),
                d.message,
            )
        })
        .collect();
    out.sort();
    out
}
