//! The shipped policy pack: it loads cleanly, every rule is documented and has examples, and
//! every example behaves as declared.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::*;
use jixiao::policy::ast::ExampleKind;
use jixiao::policy::{Loaded, PolicyLoader};
use jixiao::read::Input;

fn default_pack() -> Loaded {
    let mut loader = PolicyLoader::new();
    loader.add_builtin_pack("default").unwrap();
    loader.finish()
}

#[test]
fn the_default_pack_loads_without_any_diagnostic() {
    let loaded = default_pack();
    assert!(loaded.diagnostics.is_empty(), "{}", render_policy(&loaded));
}

#[test]
fn the_pack_has_the_rules_the_guideline_asks_for() {
    let loaded = default_pack();
    let ids: Vec<&str> = loaded.policy.rules.iter().map(|r| r.id.as_str()).collect();
    for id in [
        "funds.cost-within-total",
        "funds.breakdown-sums",
        "funds.zero-total",
        "indicators.required-level1",
        "indicators.output-dimensions",
        "indicators.satisfaction-threshold",
        "indicators.deadline-in-year",
        "indicators.value-unit",
        "indicators.qualitative-benefit",
        "indicators.duplicate-name",
        "goals.present",
        "goals.numbering",
        "project.duplicate-name",
        "project.unit-consistency",
        "indicators.level-hierarchy",
        "indicators.comparator-direction",
        "indicators.placeholder",
        "indicators.misfiled-satisfaction",
    ] {
        assert!(ids.contains(&id), "missing rule {id}");
    }
}

#[test]
fn every_rule_has_a_title_a_doc_and_passing_and_failing_examples() {
    let loaded = default_pack();
    for rule in &loaded.policy.rules {
        assert!(rule.title.is_some(), "{} has no title", rule.id);
        let doc = rule.doc.as_deref().unwrap_or("");
        assert!(
            doc.contains("为什么"),
            "{}: the doc should say why",
            rule.id
        );
        assert!(
            rule.examples.iter().any(|e| e.kind == ExampleKind::Pass),
            "{} has no passing example",
            rule.id
        );
        assert!(
            rule.examples.iter().any(|e| e.kind == ExampleKind::Fail),
            "{} has no failing example",
            rule.id
        );
    }
}

#[test]
fn every_example_behaves_as_declared() {
    let loaded = default_pack();
    let cases = jixiao::testing::example_cases(&loaded.policy);
    // A passing and a failing example per rule, and more where a rule has a case worth showing.
    let declared: usize = loaded.policy.rules.iter().map(|r| r.examples.len()).sum();
    assert_eq!(cases.len(), declared);
    assert!(cases.len() >= 2 * loaded.policy.rules.len());
    let failures: Vec<String> = cases
        .iter()
        .map(|c| jixiao::testing::run_case(&loaded.policy, c))
        .filter(|r| !r.passed)
        .map(|r| {
            format!(
                "{}: missing {:?}, unexpected {:?}, error {:?}",
                r.case.name, r.missing, r.unexpected, r.error
            )
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        jixiao::testing::uncovered(loaded.policy.rules.iter().map(|r| r.id.as_str()), &cases)
            .is_empty()
    );
}

#[test]
fn the_good_example_passes_every_rule_and_parses_cleanly() {
    let loaded = default_pack();
    let text = jixiao::pack::builtin_file("default/examples/good.txt").unwrap();
    let input = Input::from_bytes("good.txt", text.as_bytes());
    assert!(input.diagnostics.is_empty(), "{:#?}", input.diagnostics);
    let findings = loaded
        .policy
        .check_projects(&input.document.projects, "good.txt", |_| true);
    assert!(findings.is_empty(), "{findings:#?}");
}
