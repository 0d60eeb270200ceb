//! Configuration, baselines, policy tests and machine output formats, through the binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

const SAMPLE: &str = "tests/fixtures/qiannan-hrss-2025.txt";

/// A project directory with the sample at `forms/sample.txt` and the given `jixiao.toml`.
fn project(config: &str) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("forms")).unwrap();
    std::fs::copy(SAMPLE, dir.path().join("forms/sample.txt")).unwrap();
    if !config.is_empty() {
        std::fs::write(dir.path().join("jixiao.toml"), config).unwrap();
    }
    dir
}

fn jixiao(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("jixiao").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS");
    cmd
}

fn json(cmd: &mut Command) -> serde_json::Value {
    let out = cmd.output().unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn rules_of(v: &serde_json::Value) -> Vec<String> {
    let mut rules: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_owned())
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

fn count(v: &serde_json::Value, rule: &str) -> usize {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .count()
}

#[test]
fn config_is_found_from_a_subdirectory_and_the_command_line_overrides_it() {
    let dir = project("select = [\"funds.\"]\nfail-level = \"warning\"\n");
    let sub = dir.path().join("forms");
    let v = json(jixiao(&sub).args(["check", "sample.txt", "--format", "json"]));
    assert_eq!(
        rules_of(&v),
        ["funds.cost-within-total", "funds.zero-total"]
    );
    // --select replaces the configured list; --fail-level replaces the configured level.
    let v = json(jixiao(&sub).args([
        "check",
        "sample.txt",
        "--format",
        "json",
        "--select",
        "goals.",
    ]));
    assert_eq!(rules_of(&v), ["goals.numbering"]);
    jixiao(&sub)
        .args(["check", "sample.txt", "--select", "goals."])
        .assert()
        .code(1);
    jixiao(&sub)
        .args([
            "check",
            "sample.txt",
            "--select",
            "goals.",
            "--fail-level",
            "error",
        ])
        .assert()
        .code(0);
    // --no-config and --config.
    let v = json(jixiao(&sub).args(["check", "sample.txt", "--format", "json", "--no-config"]));
    assert!(rules_of(&v).len() > 2);
    std::fs::write(
        dir.path().join("other.toml"),
        "select = [\"goals.numbering\"]\n",
    )
    .unwrap();
    let v = json(jixiao(&sub).args([
        "check",
        "sample.txt",
        "--format",
        "json",
        "--config",
        "../other.toml",
    ]));
    assert_eq!(rules_of(&v), ["goals.numbering"]);
}

#[test]
fn extends_merges_and_the_child_wins() {
    let dir = project("extends = \"base/jixiao.toml\"\nfail-level = \"info\"\n");
    std::fs::create_dir(dir.path().join("base")).unwrap();
    std::fs::write(
        dir.path().join("base/jixiao.toml"),
        "select = [\"goals.\"]\nfail-level = \"error\"\n",
    )
    .unwrap();
    let out = jixiao(dir.path()).args(["config"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("fail-level = \"info\""), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("select = [\"goals.\"]") && l.contains("base/jixiao.toml:1")),
        "{text}"
    );
    jixiao(dir.path())
        .args(["check", "forms/sample.txt"])
        .assert()
        .code(1);
}

fn config_error(config: &str) -> String {
    let dir = project(config);
    let out = jixiao(dir.path())
        .args(["check", "forms/sample.txt"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    String::from_utf8(out.stderr)
        .unwrap()
        .replace(&dir.path().display().to_string(), "[dir]")
}

#[test]
fn every_config_error_is_rendered_with_a_code_frame() {
    let cases = [
        ("unknown_key", "fail-levl = \"warning\"\n"),
        ("wrong_type", "max-warnings = \"ten\"\n"),
        ("bad_format", "format = \"xml\"\n"),
        (
            "bad_level",
            "[severity]\n\"funds.zero-total\" = \"fatal\"\n",
        ),
        (
            "unknown_rule",
            "select = [\"funds.\", \"funds.cost-within-totl\", \"goals.\"]\n",
        ),
        (
            "unknown_rule_in_path_ignores",
            "[per-path-ignores]\n\"forms/*.txt\" = [\"goals.\", \"goal.numbering\"]\n",
        ),
        ("unknown_param", "[params]\nmin_satisfation = \"95%\"\n"),
        ("param_type", "[params]\nmin_satisfaction = 95\n"),
        (
            "missing_reason",
            "[[suppress]]\nrule = \"project.duplicate-name\"\nproject = \"x\"\n",
        ),
        (
            "bad_glob",
            "[per-path-ignores]\n\"forms/[*.txt\" = [\"goals.\"]\n",
        ),
        ("extends_missing", "extends = \"nope.toml\"\n"),
        ("toml_syntax", "select = [\"funds.\"\n"),
    ];
    for (name, config) in cases {
        let rendered = config_error(config);
        assert!(
            rendered.contains("╭─[") || rendered.contains("[dir]"),
            "{name}: no frame\n{rendered}"
        );
        insta::assert_snapshot!(format!("config_error_{name}"), rendered);
    }
}

#[test]
fn an_extends_cycle_is_reported() {
    let dir = project("extends = \"b.toml\"\n");
    std::fs::write(dir.path().join("b.toml"), "extends = \"jixiao.toml\"\n").unwrap();
    jixiao(dir.path())
        .args(["check", "forms/sample.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("循环"));
}

#[test]
fn severity_overrides_and_off() {
    let dir = project(
        "[severity]\n\"funds.cost-within-total\" = \"warning\"\n\"indicators.\" = \"off\"\n\"indicators.satisfaction-threshold\" = \"error\"\n",
    );
    let v = json(jixiao(dir.path()).args(["check", "forms/sample.txt", "--format", "json"]));
    let cost: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "funds.cost-within-total")
        .collect();
    assert_eq!(cost.len(), 4);
    assert!(cost.iter().all(|d| d["severity"] == "warning"));
    // `indicators.` is off, but the more specific satisfaction-threshold override wins.
    let rules = rules_of(&v);
    assert!(
        !rules
            .iter()
            .any(|r| r.starts_with("indicators.") && r != "indicators.satisfaction-threshold"),
        "{rules:?}"
    );
    assert_eq!(count(&v, "indicators.satisfaction-threshold"), 2);
    jixiao(dir.path())
        .args(["check", "forms/sample.txt"])
        .assert()
        .code(1);
    jixiao(dir.path())
        .args([
            "check",
            "forms/sample.txt",
            "--extend-ignore",
            "indicators.satisfaction-threshold",
        ])
        .assert()
        .code(0);
}

#[test]
fn a_parameter_in_the_config_changes_a_rule_and_the_command_line_wins() {
    let dir = project("[params]\nmin_satisfaction = \"95%\"\npositive_suffixes = [\"满意度\"]\n");
    let v = json(jixiao(dir.path()).args(["check", "forms/sample.txt", "--format", "json"]));
    assert_eq!(count(&v, "indicators.satisfaction-threshold"), 17);
    let v = json(jixiao(dir.path()).args([
        "check",
        "forms/sample.txt",
        "--format",
        "json",
        "--param",
        "min_satisfaction=80%",
    ]));
    assert_eq!(count(&v, "indicators.satisfaction-threshold"), 0);
    let out =
        String::from_utf8(jixiao(dir.path()).args(["config"]).output().unwrap().stdout).unwrap();
    assert!(
        out.contains("min_satisfaction = \"95%\"") && out.contains("jixiao.toml:2"),
        "{out}"
    );
    assert!(
        out.contains("# min_satisfaction: percent（%） = 95%（默认 90%） — jixiao.toml"),
        "{out}"
    );
}

#[test]
fn per_path_ignores() {
    let dir = project("[per-path-ignores]\n\"forms/legacy/*.txt\" = [\"funds.\"]\n");
    std::fs::create_dir(dir.path().join("forms/legacy")).unwrap();
    std::fs::copy(SAMPLE, dir.path().join("forms/legacy/old.txt")).unwrap();
    let v = json(jixiao(dir.path()).args([
        "check",
        "forms",
        "--format",
        "json",
        "--select",
        "funds.cost-within-total",
    ]));
    let files: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(files.len(), 4);
    assert!(
        files.iter().all(|f| f.ends_with("forms/sample.txt")),
        "{files:?}"
    );
}

#[test]
fn suppressions_carry_a_reason_and_unused_ones_are_reported() {
    let dir = project(
        "[[suppress]]\nrule = \"project.duplicate-name\"\nproject = \"中职教育学生资助-家庭经济困难学生国家助学金\"\nreason = \"两个资金渠道分别报送\"\n\n[[suppress]]\nrule = \"funds.cost-within-total\"\nproject = \"不存在的项目\"\nreason = \"旧项目\"\n",
    );
    let out = jixiao(dir.path())
        .args([
            "check",
            "forms/sample.txt",
            "--format",
            "json",
            "--select",
            "project.duplicate-name,funds.cost-within-total",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        count(&v, "project.duplicate-name"),
        2,
        "the 22nd form is suppressed, 24 and 25 are not"
    );
    let unused: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "config::unused-suppression")
        .collect();
    assert_eq!(unused.len(), 1);
    assert_eq!(unused[0]["line"], 7);
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("1 条发现按配置中的 suppress 抑制")
    );
}

#[test]
fn fail_level_and_max_warnings() {
    let dir = project("");
    jixiao(dir.path())
        .args(["check", "forms/sample.txt", "--select", "goals."])
        .assert()
        .code(0);
    jixiao(dir.path())
        .args([
            "check",
            "forms/sample.txt",
            "--select",
            "goals.",
            "--fail-level",
            "warning",
        ])
        .assert()
        .code(1);
    jixiao(dir.path())
        .args([
            "check",
            "forms/sample.txt",
            "--select",
            "goals.",
            "--max-warnings",
            "0",
        ])
        .assert()
        .code(1);
    jixiao(dir.path())
        .args([
            "check",
            "forms/sample.txt",
            "--select",
            "goals.",
            "--max-warnings",
            "1",
        ])
        .assert()
        .code(0);
    std::fs::write(
        dir.path().join("jixiao.toml"),
        "max-warnings = 0\nselect = [\"goals.\"]\n",
    )
    .unwrap();
    jixiao(dir.path())
        .args(["check", "forms/sample.txt"])
        .assert()
        .code(1);
}

#[test]
fn baseline_round_trip() {
    let dir = project("");
    let form = dir.path().join("forms/sample.txt");
    jixiao(dir.path())
        .args([
            "check",
            "forms/sample.txt",
            "--write-baseline",
            "baseline.json",
        ])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("写入基线"));
    let baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("baseline.json")).unwrap())
            .unwrap();
    assert!(
        baseline["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["file"] == "forms/sample.txt" && e["rule"] == "funds.cost-within-total")
    );
    jixiao(dir.path())
        .args(["check", "forms/sample.txt", "--baseline", "baseline.json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 个错误"));

    // Edit elsewhere: lines move, goal text changes — still accepted.
    let text = std::fs::read_to_string(&form).unwrap();
    let edited = format!(
        "\n\n{}",
        text.replace(
            "让用人单位、社会公众进一步了解人社相关政策法规。",
            "让社会公众了解政策。"
        )
    );
    std::fs::write(&form, &edited).unwrap();
    let v = json(jixiao(dir.path()).args([
        "check",
        "forms/sample.txt",
        "--baseline",
        "baseline.json",
        "--format",
        "json",
    ]));
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0, "{v}");

    // A new finding is reported; a fixed one leaves a baseline entry unmatched.
    let edited = edited
        .replace("职工使用满意度\t≥90%", "职工使用满意度\t≥80%")
        .replace("≤20.25万元", "≤20万元");
    std::fs::write(&form, &edited).unwrap();
    let out = jixiao(dir.path())
        .args([
            "check",
            "forms/sample.txt",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rules_of(&v), ["indicators.satisfaction-threshold"]);
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("基线中这些文件的 1 条记录已不再匹配")
    );
}

#[test]
fn jixiao_test_passes_and_fails() {
    let cwd = std::env::current_dir().unwrap();
    jixiao(&cwd)
        .args([
            "test",
            "tests/policy-tests",
            "--policy",
            "tests/policy-tests/local.jxp",
            "--coverage",
        ])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("✓ 发放准确率 ≥90% 被报告")
                .and(predicate::str::contains("覆盖：每条规则都有测试触发")),
        );
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("tests/policy-tests/jiuye.txt", dir.path().join("jiuye.txt")).unwrap();
    std::fs::write(
        dir.path().join("wrong.test.toml"),
        "[[test]]\nname = \"错误的期望\"\nform = \"jiuye.txt\"\nrules = [\"local.\"]\nexpect = [{ rule = \"local.payout-accuracy\", line = 99 }]\n",
    )
    .unwrap();
    let policy = cwd.join("tests/policy-tests/local.jxp");
    let out = jixiao(dir.path())
        .args(["test", ".", "--policy", policy.to_str().unwrap(), "-q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("✗ 错误的期望"), "{text}");
    assert!(text.contains("- local.payout-accuracy 第 99 行"), "{text}");
    assert!(
        text.contains(
            "+ local.payout-accuracy 第 1 张表“就业补助资金” 指标“就业见习补贴发放准确率” 第 16 行"
        ),
        "{text}"
    );
    // --coverage lists rules that no test makes fire.
    std::fs::write(dir.path().join("extra.jxp"), "rule local.never {\n  severity info\n  for p in projects\n  require true\n  message \"x\"\n}\n").unwrap();
    let out = jixiao(dir.path())
        .args([
            "test",
            "--policy",
            "extra.jxp",
            "--no-default-policy",
            "--coverage",
        ])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("没有测试触发的规则（1 条）")
    );
}

#[test]
fn sarif_output_validates_against_the_schema() {
    let cwd = std::env::current_dir().unwrap();
    let v = {
        let out = jixiao(&cwd)
            .args(["check", SAMPLE, "--format", "sarif"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    // The official schema's `run.language` pattern has a stray `]` that the validator's meta-schema
    // check refuses as a regex; correct that one pattern in memory (jixiao never writes `language`).
    let text = std::fs::read_to_string("tests/fixtures/sarif-schema-2.1.0.json").unwrap();
    let quirk = r#""pattern": "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert!(text.contains(quirk));
    let text = text.replace(quirk, r#""pattern": "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#);
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let cost_rule = rules
        .iter()
        .position(|r| r["id"] == "funds.cost-within-total")
        .unwrap();
    assert_eq!(rules[cost_rule]["defaultConfiguration"]["level"], "error");
    assert!(
        rules[cost_rule]["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .contains("为什么")
    );
    let first = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "funds.cost-within-total")
        .unwrap();
    assert_eq!(first["ruleIndex"], cost_rule);
    let region = &first["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (
            region["startLine"].as_u64(),
            region["startColumn"].as_u64(),
            region["endColumn"].as_u64()
        ),
        (Some(173), Some(10), Some(18))
    );
    assert_eq!(region["snippet"]["text"], "≤20.25万元");
    assert_eq!(first["relatedLocations"][0]["message"]["text"], "资金总额");
}

#[test]
fn junit_has_a_test_case_per_form() {
    let cwd = std::env::current_dir().unwrap();
    let out = String::from_utf8(
        jixiao(&cwd)
            .args(["check", SAMPLE, "--format", "junit"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"jixiao\" tests=\"26\" failures=\"4\">"), "{}", &out[..200]);
    assert_eq!(out.matches("<testcase ").count(), 26);
    assert_eq!(out.matches("<failure ").count(), 4);
    assert!(
        out.contains("<testcase name=\"“三支一扶”人员教育经费\""),
        "{out}"
    );
    let warning_level = String::from_utf8(
        jixiao(&cwd)
            .args([
                "check",
                SAMPLE,
                "--format",
                "junit",
                "--fail-level",
                "warning",
            ])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(warning_level.matches("<failure ").count(), 4 + 17);
}

#[test]
fn github_annotations() {
    let cwd = std::env::current_dir().unwrap();
    let out = String::from_utf8(
        jixiao(&cwd)
            .args([
                "check",
                SAMPLE,
                "--format",
                "github",
                "--select",
                "funds.cost-within-total",
            ])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let first = out.lines().next().unwrap();
    assert_eq!(
        first,
        "::error file=tests/fixtures/qiannan-hrss-2025.txt,line=173,col=10,endLine=173,endColumn=18,title=funds.cost-within-total::成本指标“项目实施成本”为 ≤20.25万元，超过资金总额 200000元%0A核减成本指标，或核对资金总额和资金来源"
    );
    assert_eq!(out.lines().count(), 4);
}

#[test]
fn output_file_is_written_and_the_terminal_gets_the_summary() {
    let dir = project("");
    jixiao(dir.path())
        .args([
            "check",
            "forms/sample.txt",
            "--format",
            "sarif",
            "--output",
            "report.sarif",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(
            predicate::str::contains("检查了 1 个文件、26 张表")
                .and(predicate::str::contains("报告已写入 report.sarif")),
        );
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.sarif")).unwrap())
            .unwrap();
    assert_eq!(written["version"], "2.1.0");
    // No temporary file is left beside it.
    let names: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(names.iter().filter(|p| p.is_file()).count(), 1, "{names:?}");
}

#[test]
fn a_directory_of_mixed_files_with_one_unreadable() {
    let dir = project("");
    let forms = dir.path().join("forms");
    std::fs::write(forms.join("notes.md"), "not a form").unwrap();
    std::fs::write(forms.join("empty.txt"), "").unwrap();
    std::os::unix::fs::symlink("does-not-exist.txt", forms.join("broken.txt")).unwrap();
    std::fs::create_dir(forms.join("more")).unwrap();
    std::fs::copy(SAMPLE, forms.join("more/second.txt")).unwrap();
    let out = jixiao(dir.path())
        .args([
            "check",
            "forms",
            "--format",
            "json",
            "--select",
            "funds.cost-within-total",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("无法读取 forms/broken.txt"), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["summary"]["files"], 3,
        "empty.txt, more/second.txt and sample.txt"
    );
    let files: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    // Deterministic order: by path, each file in document order.
    assert_eq!(files.first(), Some(&"forms/empty.txt"));
    assert_eq!(
        files
            .iter()
            .filter(|f| **f == "forms/more/second.txt")
            .count(),
        4
    );
    assert_eq!(
        files.iter().filter(|f| **f == "forms/sample.txt").count(),
        4
    );
}

/// A form in a local template whose words the shipped vocabulary does not know.
const LOCAL_TEMPLATE: &str = "某县项目绩效目标核定表\n工程名称\t乡村道路硬化\n主管部门及代码\t[301]某县交通运输局\n年度预算总额(万元)\t50\n本年工作目标\t完成道路硬化5公里。\n一级指标\t二级指标\t三级指标\t目标值(本年)\n产出类指标\t数量指标\t硬化里程\t≥5公里\n满意度指标\t服务对象满意度指标\t群众满意度\t≥90%\n审核人:某某\n";

#[test]
fn reader_additions_read_a_local_template_end_to_end() {
    let dir = project("");
    std::fs::write(dir.path().join("forms/local.txt"), LOCAL_TEMPLATE).unwrap();
    // Without the additions only the indicator table is found, and not read right.
    let without = json(jixiao(dir.path()).args(["extract", "forms/local.txt"]));
    let p = &without["projects"][0];
    assert!(p["name"].is_null(), "{p:#}");
    assert!(p["indicators"][0]["level1"].is_null(), "{p:#}");

    std::fs::write(
        dir.path().join("jixiao.toml"),
        "[reader]\ntitles = [\"项目绩效目标核定表\"]\nfooters = [\"审核人\"]\n\
         [reader.labels]\nname = [\"工程名称\"]\n\
         [reader.funds]\ntotal = [\"年度预算总额\"]\n\
         [reader.goals]\nannual = [\"本年工作目标\"]\n\
         [reader.columns]\nvalue = [\"目标值(本年)\"]\n\
         [reader.levels]\n\"产出指标\" = [\"产出类指标\"]\n",
    )
    .unwrap();
    let with = json(jixiao(dir.path()).args(["extract", "forms/local.txt"]));
    let p = &with["projects"][0];
    assert_eq!(p["name"], "乡村道路硬化");
    assert_eq!(p["funds"]["total"], "500000");
    assert_eq!(p["goals"][0]["text"], "完成道路硬化5公里。");
    let inds = p["indicators"].as_array().unwrap();
    assert_eq!(inds.len(), 2, "{p:#}");
    assert_eq!(inds[0]["level1"], "产出指标");
    assert_eq!(inds[0]["value"]["text"], "≥5公里");
    // `check` reads with the same vocabulary: no reader diagnostics on the form.
    let checked = json(jixiao(dir.path()).args(["check", "--format", "json", "forms/local.txt"]));
    let reader_codes: Vec<&str> = checked["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["rule"].as_str())
        .filter(|r| r.starts_with("parse::"))
        .collect();
    assert!(
        reader_codes.iter().all(|c| *c == "parse::missing-field"),
        "{reader_codes:?}"
    );
}

#[test]
fn a_reader_addition_with_an_unknown_role_is_a_config_error() {
    let rendered = config_error("[reader.labels]\nnmae = [\"工程名称\"]\n");
    assert!(rendered.contains("nmae"), "{rendered}");
    assert!(rendered.contains("╭─["), "{rendered}");
    let rendered = config_error("[reader.levels]\n\"产出\" = [\"产出类指标\"]\n");
    assert!(rendered.contains("产出"), "{rendered}");
}
