//! The `jixiao` binary end to end: output formats, exit codes, rule selection, `rules`/`explain`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use assert_cmd::Command;
use predicates::prelude::*;

const SAMPLE: &str = "tests/fixtures/qiannan-hrss-2025.txt";

fn jixiao() -> Command {
    let mut cmd = Command::cargo_bin("jixiao").unwrap();
    cmd.env_remove("NO_COLOR").env_remove("COLUMNS");
    cmd
}

fn stdout(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().unwrap().stdout).unwrap()
}

macro_rules! snapshot_without_timing {
    ($name:expr, $value:expr) => {
        insta::with_settings!({filters => vec![
            (r"用时 \d+ ms", "用时 [time] ms"),
            (r#""elapsed_ms": \d+"#, r#""elapsed_ms": "[time]""#),
        ]}, {
            insta::assert_snapshot!($name, $value);
        });
    };
}

#[test]
fn human_output_on_the_sample() {
    let out = stdout(jixiao().args(["check", SAMPLE, "--color", "never"]));
    snapshot_without_timing!("check_human_sample", out);
}

#[test]
fn json_output_on_the_sample() {
    let out = stdout(jixiao().args(["check", SAMPLE, "--format", "json"]));
    let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
    let diagnostics = parsed["diagnostics"].as_array().unwrap();
    // The four cost errors: the 成本 value cell, with 资金总额 as a secondary label.
    let cost: Vec<&serde_json::Value> = diagnostics
        .iter()
        .filter(|d| d["rule"] == "funds.cost-within-total")
        .collect();
    let forms: Vec<u64> = cost
        .iter()
        .map(|d| d["project"]["index"].as_u64().unwrap())
        .collect();
    assert_eq!(forms, [7, 14, 24, 25]);
    assert_eq!(
        (cost[0]["line"].as_u64(), cost[0]["column"].as_u64()),
        (Some(173), Some(10))
    );
    assert_eq!(
        (cost[0]["end_line"].as_u64(), cost[0]["end_column"].as_u64()),
        (Some(173), Some(18))
    );
    let secondary = &cost[0]["labels"][1];
    assert_eq!(
        (
            secondary["text"].as_str(),
            secondary["line"].as_u64(),
            secondary["column"].as_u64()
        ),
        (Some("资金总额"), Some(161), Some(12))
    );
    assert_eq!(parsed["summary"]["forms"], 26);
    snapshot_without_timing!("check_json_sample", out);
}

#[test]
fn short_output_is_one_line_per_finding() {
    let out = stdout(jixiao().args([
        "check",
        SAMPLE,
        "--format",
        "short",
        "--select",
        "funds.cost-within-total",
    ]));
    assert_eq!(
        out,
        "tests/fixtures/qiannan-hrss-2025.txt:173:10: error[funds.cost-within-total] 成本指标“项目实施成本”为 ≤20.25万元，超过资金总额 200000元\n\
         tests/fixtures/qiannan-hrss-2025.txt:331:10: error[funds.cost-within-total] 成本指标“资助补助资金”为 ≤ 600240 元，超过资金总额 0元\n\
         tests/fixtures/qiannan-hrss-2025.txt:570:10: error[funds.cost-within-total] 成本指标“资助补助资金”为 ≤812630元，超过资金总额 0元\n\
         tests/fixtures/qiannan-hrss-2025.txt:592:11: error[funds.cost-within-total] 成本指标“资助补助资金”为 ≤842760元，超过资金总额 0元\n"
    );
}

#[test]
fn exit_code_0_when_there_is_no_error() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.txt");
    std::fs::write(
        &good,
        jixiao::pack::builtin_file("default/examples/good.txt").unwrap(),
    )
    .unwrap();
    jixiao()
        .args(["check", good.to_str().unwrap()])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 个错误"));
    // Warnings alone do not fail.
    jixiao()
        .args(["check", SAMPLE, "--ignore", "funds.cost-within-total"])
        .assert()
        .code(0);
}

#[test]
fn exit_code_1_on_error_findings() {
    jixiao().args(["check", SAMPLE]).assert().code(1);
    // A parse error in the document counts too.
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    jixiao()
        .args(["check", empty.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("parse::no-forms"));
}

#[test]
fn exit_code_2_on_trouble() {
    // Unreadable input (the other files are still checked).
    jixiao()
        .args(["check", "no/such/file.txt", SAMPLE, "--format", "short"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("无法读取 no/such/file.txt"))
        .stdout(predicate::str::contains("funds.cost-within-total"));
    // An invalid policy: reported with its code frame, nothing checked.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jxp");
    std::fs::write(&bad, "rule a.b {\n  severity error\n  for p in projects\n  require p.funds.totl > 0元\n  message \"x\"\n}\n").unwrap();
    jixiao()
        .args([
            "check",
            SAMPLE,
            "--policy",
            bad.to_str().unwrap(),
            "--color",
            "never",
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("是否应为 total")
                .and(predicate::str::contains("bad.jxp:4:19")),
        )
        .stdout(predicate::str::is_empty());
    // Usage errors.
    jixiao()
        .args(["check", SAMPLE, "--select", "fund.cost"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("没有规则匹配"));
    jixiao()
        .args(["check", SAMPLE, "--format", "xml"])
        .assert()
        .code(2);
    jixiao()
        .args(["check", SAMPLE, "--param", "min_satisfaction=95"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("percent"));
}

#[test]
fn select_and_ignore_by_id_and_prefix() {
    let out = stdout(jixiao().args([
        "check",
        SAMPLE,
        "--format",
        "json",
        "--select",
        "funds.,goals.numbering",
        "--ignore",
        "funds.zero-total",
    ]));
    let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut rules: Vec<&str> = parsed["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    rules.dedup();
    rules.sort_unstable();
    rules.dedup();
    assert_eq!(rules, ["funds.cost-within-total", "goals.numbering"]);
}

#[test]
fn parameters_change_outcomes() {
    let count = |extra: &[&str]| {
        let mut args = vec![
            "check",
            SAMPLE,
            "--format",
            "json",
            "--select",
            "indicators.satisfaction-threshold",
        ];
        args.extend_from_slice(extra);
        let parsed: serde_json::Value =
            serde_json::from_str(&stdout(jixiao().args(&args))).unwrap();
        parsed["diagnostics"].as_array().unwrap().len()
    };
    assert_eq!(count(&[]), 2);
    assert_eq!(count(&["--param", "min_satisfaction=95%"]), 17);
    assert_eq!(count(&["--param", "min_satisfaction=80%"]), 0);
}

#[test]
fn colour_and_ascii() {
    let coloured = stdout(jixiao().args([
        "check",
        SAMPLE,
        "--color",
        "always",
        "--select",
        "funds.zero-total",
    ]));
    assert!(coloured.contains("\u{1b}["));
    let plain = stdout(jixiao().args(["check", SAMPLE, "--select", "funds.zero-total"]));
    assert!(!plain.contains("\u{1b}["), "not a terminal: no colour");
    let no_color = stdout(
        jixiao()
            .args(["check", SAMPLE, "--select", "funds.zero-total"])
            .env("NO_COLOR", "1"),
    );
    assert!(!no_color.contains("\u{1b}["));
    let ascii = stdout(jixiao().args(["check", SAMPLE, "--ascii", "--select", "funds.zero-total"]));
    assert!(
        !ascii.contains('╭') && !ascii.contains('─') && ascii.contains(",-["),
        "{ascii}"
    );
}

#[test]
fn directories_are_searched_and_stdin_is_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::copy(SAMPLE, dir.path().join("sub/a.txt")).unwrap();
    std::fs::write(dir.path().join("notes.md"), "not a form").unwrap();
    let out = stdout(jixiao().args(["check", dir.path().to_str().unwrap(), "--format", "json"]));
    let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(parsed["summary"]["files"], 1);
    let text = std::fs::read(SAMPLE).unwrap();
    let out = String::from_utf8(
        jixiao()
            .args([
                "check",
                "-",
                "--format",
                "short",
                "--select",
                "funds.cost-within-total",
            ])
            .write_stdin(text)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(out.lines().count(), 4);
    assert!(out.starts_with("<stdin>:173:10:"));
}

#[test]
fn rules_lists_every_rule() {
    let out = stdout(jixiao().args(["rules"]));
    assert!(out.contains("funds.cost-within-total") && out.contains("成本指标不得超过资金总额"));
    snapshot_without_timing!("rules_default", out);
}

#[test]
fn explain_prints_doc_params_and_examples() {
    let out = stdout(jixiao().args([
        "explain",
        "indicators.satisfaction-threshold",
        "--param",
        "min_satisfaction=95%",
    ]));
    assert!(
        out.contains("min_satisfaction: percent（%） = 95%（默认 90%）"),
        "{out}"
    );
    assert!(
        out.contains("examples/low-satisfaction.txt — 不通过"),
        "{out}"
    );
    assert!(out.contains("为什么"));
    jixiao()
        .args(["explain", "funds.cost-within-totl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("是否应为 funds.cost-within-total"));
}

#[test]
fn extract_prints_the_model() {
    let out = stdout(jixiao().args(["extract", SAMPLE]));
    let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(parsed["projects"].as_array().unwrap().len(), 26);
    let toml_out = stdout(jixiao().args(["extract", "--format", "toml", SAMPLE]));
    let parsed: toml::Value = toml::from_str(&toml_out).unwrap();
    assert_eq!(parsed["projects"].as_array().unwrap().len(), 26);
    jixiao().args(["extract", "nope.txt"]).assert().code(2);
}

/// A document large enough to be parsed in several pieces and checked in many: the report is
/// the same whatever the number of threads.
#[test]
fn threads_do_not_change_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("forms.txt");
    let options = jixiao::corpus::CorpusOptions::default();
    std::fs::write(&path, jixiao::corpus::generate_bytes(2_300_000, options)).unwrap();
    let one = json_report_with_threads(&path, "1");
    assert!(one.matches("\"rule\"").count() > 1000, "a real report");
    assert_eq!(one, json_report_with_threads(&path, "2"));
    assert_eq!(one, json_report_with_threads(&path, "3"));
}

/// `check --format json -j THREADS PATH`, without its timing.
fn json_report_with_threads(path: &std::path::Path, threads: &str) -> String {
    let out = jixiao()
        .args(["check", "--format", "json", "-j", threads])
        .arg(path)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    regex::Regex::new(r#""elapsed_ms": \d+"#)
        .unwrap()
        .replace(&text, "")
        .into_owned()
}

/// The same for a JSON model of many windows of forms, pretty-printed and on one line: with
/// more than one thread it is read while the window before is checked.
#[test]
fn threads_do_not_change_the_report_of_a_json_model() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("forms.txt");
    let options = jixiao::corpus::CorpusOptions::default();
    std::fs::write(&text, jixiao::corpus::generate_forms(1_100, options)).unwrap();
    let out = jixiao().arg("extract").arg(&text).output().unwrap();
    assert!(out.status.success());
    let pretty = dir.path().join("pretty.json");
    std::fs::write(&pretty, &out.stdout).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let compact = dir.path().join("compact.json");
    std::fs::write(&compact, serde_json::to_string(&value).unwrap()).unwrap();
    let run = json_report_with_threads;
    for path in [&pretty, &compact] {
        let one = run(path, "1");
        assert!(one.matches("\"rule\"").count() > 300, "a real report");
        assert!(one.contains("\"forms\": 1100"), "every form read");
        assert_eq!(one, run(path, "2"), "{}", path.display());
        assert_eq!(one, run(path, "3"), "{}", path.display());
    }
}

#[test]
fn timings_show_reading_each_rule_and_writing() {
    let out = jixiao()
        .args(["check", "--timings", SAMPLE])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("耗时（各线程合计）"), "{err}");
    for row in [
        "读取与解析",
        "funds.cost-within-total",
        "project.unit-consistency",
        "输出报告",
    ] {
        assert!(err.contains(row), "{row} missing in\n{err}");
    }
    // Without the flag nothing is printed.
    let quiet = jixiao().args(["check", SAMPLE]).output().unwrap();
    assert!(!String::from_utf8(quiet.stderr).unwrap().contains("耗时"));
}

/// The short report of `forms` checked on one thread by the rules `policy` alone.
fn short_report_with_only(policy: &str, forms: &std::path::Path) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("only.jxp");
    std::fs::write(&path, policy).unwrap();
    let policy = path;
    let out = jixiao()
        .args([
            "check",
            "-j",
            "1",
            "--no-default-policy",
            "--format",
            "short",
        ])
        .arg("--policy")
        .arg(&policy)
        .arg(forms)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// Forms are reduced after their window (funds lines and extra fields, which no rule can read,
/// always; bodies when no comparing rule reads them), but a comparing rule that reads the
/// midterm goals of other forms still sees them.
#[test]
fn comparing_rules_that_read_midterm_goals_see_them() {
    let dir = tempfile::tempdir().unwrap();
    let form = std::fs::read_to_string(
        "tests/fixtures/layouts/06-qingshan-2020-two-tracks-paragraphs.txt",
    )
    .unwrap();
    let forms = dir.path().join("forms.txt");
    // Two megabytes: many windows of forms on one thread.
    std::fs::write(&forms, format!("{}\n", form.trim_end()).repeat(1000)).unwrap();
    let policy = r#"rule x.midterm {
  severity info
  message "共有 {n} 张表写有中期目标"
  for _p in projects
  let n = count(q in projects where count(g in q.midterm_goals) > 0)
  require n == 0
}"#;
    let text = short_report_with_only(policy, &forms);
    assert_eq!(
        text.lines()
            .filter(|l| l.contains("共有 1000 张表写有中期目标"))
            .count(),
        1000,
        "{}",
        &text[..text.len().min(500)]
    );
}

/// A rule that compares forms and reads their indicators sees every form whole, even though a
/// large document is checked a window at a time (and forms are otherwise reduced to what the
/// comparing rules need).
#[test]
fn comparing_rules_that_read_indicators_see_whole_forms() {
    let dir = tempfile::tempdir().unwrap();
    let forms = dir.path().join("forms.txt");
    let options = jixiao::corpus::CorpusOptions::default();
    std::fs::write(&forms, jixiao::corpus::generate_bytes(2_300_000, options)).unwrap();
    let policy = r#"rule x.trained {
  severity info
  message "共有 {n} 张表设有培训人数"
  for p in projects
  let n = count(q in projects where any i in q.indicators: i.name == "培训人数")
  require n == 0
}"#;
    let input = jixiao::read::Input::read(&forms).unwrap();
    let expected = input
        .document
        .projects
        .iter()
        .filter(|p| p.indicators.iter().any(|i| i.name.value == "培训人数"))
        .count();
    assert!(expected > 100);
    let text = short_report_with_only(policy, &forms);
    let message = format!("共有 {expected} 张表设有培训人数");
    assert_eq!(
        text.lines().filter(|l| l.contains(&message)).count(),
        input.document.projects.len(),
        "{}",
        &text[..text.len().min(500)]
    );
}

#[test]
fn the_human_report_wraps_to_columns() {
    let narrow = jixiao()
        .env("COLUMNS", "60")
        .args([
            "check",
            "--no-config",
            "--select",
            "funds.cost-within-total",
            SAMPLE,
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(narrow.stdout).unwrap();
    let message = text.lines().find(|l| l.contains("项目实施成本")).unwrap();
    assert!(
        !message.contains("200000元"),
        "wrapped before the amount: {text}"
    );
}

#[test]
fn a_policy_test_naming_a_rule_that_is_not_loaded_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("tests/policy-tests/jiuye.txt", dir.path().join("jiuye.txt")).unwrap();
    let test = dir.path().join("unloaded.test.toml");
    std::fs::write(
        &test,
        "[[test]]\nname = \"未加载\"\nform = \"jiuye.txt\"\nrules = [\"local.payout-accuracy\"]\nexpect = []\n",
    )
    .unwrap();
    let out = jixiao()
        .args(["test", "--no-config", test.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("规则 local.payout-accuracy 没有加载"),
        "{text}"
    );
    assert!(text.contains("--policy"), "{text}");
    // Loaded from the command line, the test runs (and passes: the rule finds nothing to say
    // only if it is wrong, so here it must report and the empty expectation fails).
    let out = jixiao()
        .args([
            "test",
            "--no-config",
            "--policy",
            "tests/policy-tests/local.jxp",
            test.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("+ local.payout-accuracy"), "{text}");
}

#[test]
fn a_test_file_names_its_policies_and_parameters() {
    // The shipped test file names its policy: it runs with no flags, from the repository or
    // from anywhere, and with the same file also given on the command line.
    for args in [
        vec!["test", "tests/", "--coverage"],
        vec![
            "test",
            "--no-config",
            "--policy",
            "tests/policy-tests/local.jxp",
            "tests/policy-tests/local.test.toml",
        ],
    ] {
        let out = jixiao().args(&args).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let errors = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {text}{errors}");
        assert!(text.contains("✓ 发放准确率 ≥90% 被报告"), "{text}");
        assert!(!errors.contains("error"), "{errors}");
    }
    let out = jixiao()
        .args(["test", "tests/", "--coverage"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("覆盖：每条规则都有测试触发"), "{text}");

    // Parameters: the sample's lowest 满意度 targets are ≥85%: it passes at 85% (not at the
    // default 90%) and fails at 99%.
    let dir = tempfile::tempdir().unwrap();
    let form = std::fs::read_to_string(SAMPLE).unwrap();
    std::fs::write(dir.path().join("sample.txt"), &form).unwrap();
    let write = |name: &str, params: &str, expect: &str| {
        std::fs::write(
            dir.path().join(name),
            format!(
                "{params}\n[[test]]\nname = \"{name}\"\nform = \"sample.txt\"\nrules = [\"indicators.satisfaction-threshold\"]\nexpect = [{expect}]\n"
            ),
        )
        .unwrap();
    };
    write(
        "lenient.test.toml",
        "[params]\nmin_satisfaction = \"85%\"",
        "",
    );
    write(
        "strict.test.toml",
        "[params]\nmin_satisfaction = \"99%\"",
        "{ rule = \"indicators.satisfaction-threshold\", message = \"低于 99%\" }",
    );
    let run = |file: &str| {
        let out = jixiao()
            .current_dir(dir.path())
            .args(["test", "--no-config", "-q", file])
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (code, text, _) = run("lenient.test.toml");
    assert_eq!(code, Some(0), "{text}");
    // At 99% the sample's ≥90% and ≥98% targets are reported: more findings than the one
    // expected, each saying 低于 99%.
    let (code, text, _) = run("strict.test.toml");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("+ indicators.satisfaction-threshold 第 1 张表"),
        "{text}"
    );
    assert!(text.contains("低于 99%"), "{text}");
    assert!(!text.contains("期望有、实际没有"), "{text}");

    // A policy file that is not there, and a parameter no rule has, are errors in the test file.
    std::fs::write(
        dir.path().join("bad.test.toml"),
        "policies = [\"nope.jxp\"]\n[[test]]\nname = \"x\"\nform-text = \"x\"\n",
    )
    .unwrap();
    let (code, _, errors) = run("bad.test.toml");
    assert_eq!(code, Some(2));
    assert!(errors.contains("test::policy-not-found"), "{errors}");
    assert!(errors.contains("bad.test.toml:1:13"), "{errors}");
    std::fs::write(
        dir.path().join("typo.test.toml"),
        "[params]\nmin_satisfactio = \"95%\"\n[[test]]\nname = \"x\"\nform-text = \"x\"\n",
    )
    .unwrap();
    let (code, _, errors) = run("typo.test.toml");
    assert_eq!(code, Some(2));
    assert!(errors.contains("test::unknown-param"), "{errors}");
    assert!(errors.contains("是否应为 min_satisfaction"), "{errors}");
}

#[test]
fn test_files_params_do_not_reach_examples_and_empty_tests_fail() {
    let dir = tempfile::tempdir().unwrap();
    let form = std::fs::read_to_string(SAMPLE).unwrap();
    std::fs::write(dir.path().join("q.txt"), &form).unwrap();
    // A policy whose example holds at its declared parameter (90%: two forms below).
    std::fs::write(
        dir.path().join("ex.jxp"),
        "param lim: percent = 90%\nrule ex.low {\n  severity warning\n  for p in projects, i in p.indicators where i.category == satisfaction and i.value.kind == percent\n  require i.value.percent >= lim\n  message \"低\"\n  example fail \"q.txt\" expect 2\n}\n",
    )
    .unwrap();
    // Both files expect the two findings of 90%: right for y, wrong for x (95% finds more).
    for (sub, lim) in [("x", "95%"), ("y", "90%")] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        std::fs::write(
            dir.path().join(sub).join("t.test.toml"),
            format!("policies = [\"../ex.jxp\"]\n[params]\nlim = \"{lim}\"\n[[test]]\nname = \"{sub}\"\nform = \"../q.txt\"\nrules = [\"ex.\"]\nexpect = [{{ rule = \"ex.low\", line = 222 }}, {{ rule = \"ex.low\", line = 506 }}]\n"),
        )
        .unwrap();
    }
    // In either order the example runs with 90%; only the 95% file's own test fails.
    for order in [["x", "y"], ["y", "x"]] {
        let out = jixiao()
            .current_dir(dir.path())
            .args([
                "test",
                "--no-config",
                "--no-default-policy",
                order[0],
                order[1],
            ])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("✓ ex.low 示例 fail q.txt"), "{text}");
        assert!(text.contains("✗ x"), "{text}");
        assert!(text.contains("✓ y"), "{text}");
        assert!(text.contains("1 个失败"), "{text}");
    }
    // `builtin:default` names the built-in pack in a test file as on the command line.
    std::fs::write(
        dir.path().join("b.test.toml"),
        "policies = [\"builtin:default\"]\ndefault-policy = false\n[[test]]\nname = \"pack\"\nform = \"q.txt\"\nrules = [\"funds.cost-within-total\"]\nexpect = [{ rule = \"funds.cost-within-total\", line = 173 }, { rule = \"funds.cost-within-total\" }, { rule = \"funds.cost-within-total\" }, { rule = \"funds.cost-within-total\" }]\n",
    )
    .unwrap();
    let out = jixiao()
        .current_dir(dir.path())
        .args([
            "test",
            "--no-config",
            "--no-default-policy",
            "-q",
            "b.test.toml",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A test that runs no rule fails instead of passing by default.
    std::fs::write(
        dir.path().join("e.test.toml"),
        "default-policy = false\n[[test]]\nname = \"nothing\"\nform = \"q.txt\"\nexpect = []\n",
    )
    .unwrap();
    let out = jixiao()
        .current_dir(dir.path())
        .args([
            "test",
            "--no-config",
            "--no-default-policy",
            "-q",
            "e.test.toml",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("没有运行任何规则"), "{text}");
}

/// What the rules find in a form's model (`extract` → JSON → `check`) is what they find in the
/// form itself, on every layout fixture: the model reader reads `value.text` in the indicator's
/// context as the text reader does (`250万` under a cost indicator is money, a bare number under
/// `面积(亩)` is in 亩). Reader diagnostics differ by nature and are left out; one fixture's
/// glued value, which the text reader keeps as plain text, is the known exception.
#[test]
fn a_forms_model_checks_like_the_form() {
    let findings = |path: &std::path::Path| -> Vec<String> {
        let out = stdout(
            jixiao()
                .args(["check", "--no-config", "--format", "json"])
                .arg(path),
        );
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        let mut found: Vec<String> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| {
                let rule = d["rule"].as_str().unwrap();
                !["parse::", "source::", "model::", "value::", "input::"]
                    .iter()
                    .any(|p| rule.starts_with(p))
            })
            .map(|d| {
                format!(
                    "{} {} {} {}",
                    d["rule"], d["project"], d["message"], d["explanation"]
                )
            })
            .collect();
        found.sort();
        found
    };
    let dir = tempfile::tempdir().unwrap();
    let mut compared = 0;
    let mut fixtures: Vec<_> = std::fs::read_dir("tests/fixtures/layouts")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "md"))
        .collect();
    fixtures.sort();
    for form in fixtures {
        let model = dir.path().join("model.json");
        let extracted = jixiao()
            .args(["extract", "--no-config"])
            .arg(&form)
            .output()
            .unwrap();
        std::fs::write(&model, &extracted.stdout).unwrap();
        let name = form.file_name().unwrap().to_string_lossy().into_owned();
        let (text, json) = (findings(&form), findings(&model));
        if name.starts_with("07-") {
            // 义务教育优质均衡发展情况稳步提高, glued to its name: plain text in the form, a
            // qualitative value once its text is read again from the model.
            assert_ne!(text, json, "{name}: the known exception has gone; drop it");
            continue;
        }
        assert_eq!(text, json, "{name}");
        compared += 1;
    }
    assert!(compared >= 29, "{compared}");
}
