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
