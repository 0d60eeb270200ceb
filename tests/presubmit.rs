//! jixiao as a pre-submission lint (issue 17): the configuration nearest each file, excludes that
//! hold for named files, baselines over some files, CI reports (SARIF, JUnit, GitHub) with
//! stable names and root-relative paths, and the real pre-commit running the shipped hook on a
//! scratch repository.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

const SAMPLE: &str = "tests/fixtures/qiannan-hrss-2025.txt";

fn sample_text() -> String {
    std::fs::read_to_string(SAMPLE).unwrap()
}

fn jixiao(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("jixiao").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS");
    cmd
}

fn write(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A scratch repository: `.git` (a real one, so git commands work) and the given files.
fn repository(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let git_ok = std::process::Command::new("git")
        .args(["init", "-q", "."])
        .current_dir(dir.path())
        .status()
        .is_ok_and(|s| s.success());
    if !git_ok {
        std::fs::create_dir(dir.path().join(".git")).unwrap();
    }
    for (file, text) in files {
        write(dir.path(), file, text);
    }
    dir
}

fn json_of(cmd: &mut Command) -> (Value, Option<i32>, String) {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {stderr}\n{}", String::from_utf8_lossy(&out.stdout)));
    (v, out.status.code(), stderr)
}

/// (file, rule prefix) pairs of a JSON report.
fn rule_families(v: &Value) -> BTreeSet<(String, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let rule = d["rule"].as_str().unwrap();
            let family = rule.split(['.', ':']).next().unwrap().to_owned();
            (d["file"].as_str().unwrap().to_owned(), family)
        })
        .collect()
}

#[test]
fn each_file_is_checked_with_the_configuration_nearest_it() {
    let sample = sample_text();
    let repo = repository(&[
        ("jixiao.toml", "select = [\"project.\"]\n"),
        ("forms/jixiao.toml", "select = [\"indicators.\"]\n"),
        (
            "forms/a/jixiao.toml",
            "extends = \"../jixiao.toml\"\nselect = [\"funds.\"]\n",
        ),
        ("forms/a/x.txt", &sample),
        ("forms/b/y.txt", &sample),
    ]);
    let families = |args: &[&str]| {
        let (v, _, stderr) = json_of(jixiao(repo.path()).args(args));
        assert!(!stderr.contains("error["), "{stderr}");
        rule_families(&v)
            .into_iter()
            .filter(|(_, f)| matches!(f.as_str(), "funds" | "indicators" | "project"))
            .collect::<BTreeSet<_>>()
    };
    let expected: BTreeSet<(String, String)> = [
        ("forms/a/x.txt".to_owned(), "funds".to_owned()),
        ("forms/b/y.txt".to_owned(), "indicators".to_owned()),
    ]
    .into();
    // From the repository root, naming the directory (the config in forms/ is not ignored).
    assert_eq!(families(&["check", "--format", "json", "forms"]), expected);
    // Naming the files, as pre-commit does.
    assert_eq!(
        families(&[
            "check",
            "--format",
            "json",
            "forms/a/x.txt",
            "forms/b/y.txt"
        ]),
        expected
    );
    // `--config` makes one configuration apply everywhere.
    let all_project = families(&[
        "check",
        "--config",
        "jixiao.toml",
        "--format",
        "json",
        "forms",
    ]);
    assert!(
        all_project.iter().all(|(_, f)| f == "project"),
        "{all_project:?}"
    );
    // `jixiao config FILE` names the file that applies.
    let out = jixiao(repo.path())
        .args(["config", "forms/a/x.txt"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("forms/a/jixiao.toml"), "{text}");
    assert!(text.contains("select = [\"funds.\"]"), "{text}");
}

#[test]
fn the_search_for_a_configuration_stops_at_the_repository_root() {
    let outer = tempfile::tempdir().unwrap();
    write(outer.path(), "jixiao.toml", "select = [\"no-such-rule\"]\n");
    let repo = outer.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::copy(SAMPLE, repo.join("x.txt")).unwrap();
    let out = jixiao(&repo).args(["check", "x.txt"]).output().unwrap();
    // The outer file (with its unknown rule, a usage error) is never read.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_broken_configuration_near_one_file_stops_the_run() {
    let sample = sample_text();
    let repo = repository(&[
        ("good/x.txt", &sample),
        ("bad/jixiao.toml", "fail-level = 3\n"),
        ("bad/y.txt", &sample),
    ]);
    let out = jixiao(repo.path()).args(["check", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad/jixiao.toml"), "{stderr}");
}

#[test]
fn each_file_fails_by_its_own_fail_level() {
    // With these rules the sample has warnings and no errors.
    let sample = sample_text();
    let repo = repository(&[
        ("lenient/x.txt", &sample),
        ("strict/jixiao.toml", "fail-level = \"warning\"\n"),
        ("strict/y.txt", &sample),
    ]);
    let code = |path: &str| {
        jixiao(repo.path())
            .args([
                "check",
                "--select",
                "project.",
                "--ignore",
                "parse::,value::,source::",
                path,
            ])
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(code("lenient/x.txt"), Some(0));
    assert_eq!(
        code("strict/y.txt"),
        Some(1),
        "the strict directory's fail-level applies"
    );
}

#[test]
fn the_files_of_jixiao_itself_are_never_read_as_forms() {
    let sample = sample_text();
    let repo = repository(&[
        ("forms/x.txt", &sample),
        ("forms/jixiao.toml", "fail-level = \"error\"\n"),
        ("forms/rules.test.toml", "[[case]]\n"),
        ("my-baseline.json", "{\"version\": 1, \"findings\": []}\n"),
    ]);
    jixiao(repo.path())
        .args(["check", "--write-baseline", "jixiao-baseline.json", "forms"])
        .assert()
        .success();
    let (v, _, stderr) = json_of(jixiao(repo.path()).args([
        "check",
        "--format",
        "json",
        "--baseline",
        "my-baseline.json",
        "forms/x.txt",
        "forms/jixiao.toml",
        "forms/rules.test.toml",
        "jixiao-baseline.json",
        "my-baseline.json",
    ]));
    assert_eq!(v["summary"]["files"], 1, "{stderr}");
}

#[test]
fn force_exclude_applies_the_excludes_to_named_files() {
    let sample = sample_text();
    let repo = repository(&[
        ("jixiao.toml", "extend-exclude = [\"drafts\"]\n"),
        ("forms/x.txt", &sample),
        ("drafts/y.txt", &sample),
    ]);
    let files = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "json"];
        args.extend_from_slice(extra);
        args.extend(["forms/x.txt", "drafts/y.txt"]);
        let (v, _, _) = json_of(jixiao(repo.path()).args(&args));
        v["summary"]["files"].as_u64().unwrap()
    };
    assert_eq!(files(&[]), 2, "named files are read");
    assert_eq!(files(&["--force-exclude"]), 1, "unless --force-exclude");
    // A directory search applies the excludes, and extend-exclude kept the defaults.
    let (v, _, _) = json_of(jixiao(repo.path()).args(["check", "--format", "json", "."]));
    assert_eq!(v["summary"]["files"], 1);
}

#[test]
fn a_baseline_over_some_files_keeps_the_others() {
    let sample = sample_text();
    let repo = repository(&[("a.txt", &sample), ("b.txt", &sample)]);
    let entries = |dir: &Path| -> usize {
        let text = std::fs::read_to_string(dir.join("jixiao-baseline.json")).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["count"].as_u64().unwrap() as usize)
            .sum()
    };
    jixiao(repo.path())
        .args([
            "check",
            "--write-baseline",
            "jixiao-baseline.json",
            "a.txt",
            "b.txt",
        ])
        .assert()
        .success();
    let both = entries(repo.path());
    assert!(both > 10);
    // Checking only a.txt against it: nothing new, nothing stale.
    let out = jixiao(repo.path())
        .args(["check", "--baseline", "jixiao-baseline.json", "a.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("不再匹配"), "{text}");
    // Rewriting it from a.txt alone keeps b.txt's entries.
    jixiao(repo.path())
        .args(["check", "--write-baseline", "jixiao-baseline.json", "a.txt"])
        .assert()
        .success();
    assert_eq!(entries(repo.path()), both);
    // A file that is gone loses its entries.
    std::fs::remove_file(repo.path().join("b.txt")).unwrap();
    jixiao(repo.path())
        .args(["check", "--write-baseline", "jixiao-baseline.json", "a.txt"])
        .assert()
        .success();
    assert_eq!(entries(repo.path()) * 2, both);
}

fn sarif(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["check", "--format", "sarif"];
    all.extend_from_slice(args);
    json_of(jixiao(dir).args(&all)).0
}

fn fingerprints(v: &Value) -> BTreeSet<String> {
    v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"]["jixiao/v1"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[test]
fn sarif_paths_are_relative_to_the_repository_and_fingerprints_are_stable() {
    let sample = sample_text();
    let repo = repository(&[("forms/x.txt", &sample)]);
    let absolute = repo.path().join("forms/x.txt").display().to_string();
    for typed in ["forms/x.txt", "./forms/x.txt", absolute.as_str()] {
        let v = sarif(repo.path(), &[typed]);
        let result = &v["runs"][0]["results"][0];
        let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uri"], "forms/x.txt", "{typed}");
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
    }
    let v = sarif(repo.path(), &["forms/x.txt"]);
    let base = v["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    let before = fingerprints(&v);
    let count = v["runs"][0]["results"].as_array().unwrap().len();
    assert_eq!(before.len(), count, "every result has its own fingerprint");
    // A blank line and a note at the top move every finding, but change none.
    write(repo.path(), "forms/x.txt", &format!("\n\n{sample}"));
    assert_eq!(fingerprints(&sarif(repo.path(), &["forms/x.txt"])), before);
    // Rules link to their documentation.
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let funds = rules
        .iter()
        .find(|r| r["id"] == "funds.cost-within-total")
        .unwrap();
    assert!(
        funds["helpUri"]
            .as_str()
            .unwrap()
            .ends_with("policies/default/funds.jxp")
    );
    // `--root` chooses the base.
    let v = sarif(repo.path(), &["--root", "forms", "forms/x.txt"]);
    assert_eq!(
        v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "x.txt"
    );
}

#[test]
fn workbook_findings_are_located_by_cell_in_every_format() {
    let repo = repository(&[]);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("绩效目标").unwrap();
    for (row, line) in sample_text().lines().take(40).enumerate() {
        for (col, cell) in line.split('\t').enumerate() {
            sheet.write_string(row as u32, col as u16, cell).unwrap();
        }
    }
    book.save(repo.path().join("book.xlsx")).unwrap();
    let v = sarif(repo.path(), &["book.xlsx"]);
    let result = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["locations"][0]["physicalLocation"]["region"].is_object())
        .unwrap()
        .clone();
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert!(region["startColumn"].is_null(), "{region}");
    let cell = region["properties"]["cell"].as_str().unwrap();
    assert!(cell.starts_with("绩效目标!"), "{cell}");
    assert!(
        result["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with(cell),
        "{result}"
    );
    let out = jixiao(repo.path())
        .args(["check", "--format", "github", "book.xlsx"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.lines().find(|l| l.contains("line=")).unwrap();
    assert!(!line.contains("col="), "{line}");
    assert!(line.contains("::绩效目标!"), "{line}");
}

#[test]
fn junit_cases_are_named_by_project_and_keep_their_names() {
    let sample = sample_text();
    let repo = repository(&[("x.txt", &sample)]);
    let cases = |dir: &Path| -> Vec<String> {
        let out = jixiao(dir)
            .args(["check", "--format", "junit", "x.txt"])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        text.lines()
            .filter_map(|l| l.trim().strip_prefix("<testcase name=\""))
            .map(|l| l.split('"').next().unwrap().to_owned())
            .collect()
    };
    let before = cases(repo.path());
    assert!(
        before.contains(&"网络通信及设备购置、一卡通宣传经费".to_owned()),
        "{before:?}"
    );
    // Another form inserted before the others: every old case keeps its name.
    let extra = "项目名称\t新插入的项目\n资金总额\t10万元\n\n";
    write(repo.path(), "x.txt", &format!("{extra}{sample}"));
    let after = cases(repo.path());
    for name in &before {
        assert!(after.contains(name), "{name} lost: {after:?}");
    }
    assert!(after.contains(&"新插入的项目".to_owned()));
}

#[test]
fn an_unreadable_input_is_in_every_machine_report() {
    let sample = sample_text();
    let repo = repository(&[("x.txt", &sample)]);
    std::os::unix::fs::symlink("gone.txt", repo.path().join("broken.txt")).unwrap();
    for format in ["json", "sarif", "junit", "github"] {
        let out = jixiao(repo.path())
            .args(["check", "--format", format, "x.txt", "broken.txt"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
        let text = String::from_utf8(out.stdout).unwrap();
        // (GitHub escapes the `:` of a title.)
        let code = if format == "github" {
            "input%3A%3Aunreadable"
        } else {
            "input::unreadable"
        };
        assert!(text.contains(code), "{format}: {text}");
        assert!(text.contains("broken.txt"), "{format}: {text}");
    }
}

#[test]
fn github_annotations_come_errors_first_and_say_what_was_left_out() {
    let sample = sample_text();
    let repo = repository(&[("x.txt", &sample)]);
    let out = jixiao(repo.path())
        .args(["check", "--format", "github", "x.txt"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let levels: Vec<&str> = text.lines().map(|l| l.split(' ').next().unwrap()).collect();
    let first_warning = levels.iter().position(|l| *l == "::warning").unwrap();
    let last_error = levels.iter().rposition(|l| *l == "::error").unwrap();
    assert!(last_error < first_warning, "{levels:?}");
    let last = text.lines().last().unwrap();
    assert!(last.starts_with("::notice title=jixiao::"), "{last}");
    assert!(last.contains("只显示前 10 条"), "{last}");
}

fn git(dir: &Path, args: &[&str]) -> bool {
    std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .status()
        .is_ok_and(|s| s.success())
}

fn have(program: &str) -> bool {
    std::process::Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Skip with a notice when a tool is missing, but fail under CI, which installs it.
fn require(program: &str) -> bool {
    if have(program) {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{program} is required under CI=true (.ci/run installs it)"
    );
    println!("notice: {program} is not installed; this test is skipped");
    false
}

#[test]
fn changed_since_annotates_only_the_changed_forms() {
    if !require("git") {
        return;
    }
    let sample = sample_text();
    let repo = repository(&[("old.txt", &sample), ("new.txt", &sample)]);
    assert!(git(repo.path(), &["add", "."]));
    assert!(git(repo.path(), &["commit", "-q", "-m", "forms"]));
    write(repo.path(), "new.txt", &format!("\n{sample}"));
    let out = jixiao(repo.path())
        .args([
            "check",
            "--format",
            "github",
            "--changed-since",
            "HEAD",
            ".",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "findings elsewhere still fail the run"
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("file=new.txt"), "{text}");
    assert!(!text.contains("file=old.txt"), "{text}");
    assert!(text.contains("未改动的文件"), "{text}");
}

/// The shipped hook's settings, read from `.pre-commit-hooks.yaml`.
fn hook_settings() -> (String, String, String) {
    let text = std::fs::read_to_string(".pre-commit-hooks.yaml").unwrap();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(&format!("{name}: ")))
            .unwrap()
            .trim()
            .to_owned()
    };
    (field("entry"), field("files"), field("require_serial"))
}

#[test]
fn the_shipped_hook_runs_under_pre_commit() {
    if !require("git") || !require("pre-commit") {
        return;
    }
    let (entry, files, serial) = hook_settings();
    assert_eq!(serial, "true");
    // The hook as shipped, with the binary this test built in place of `jixiao` (pre-commit
    // would otherwise build it with cargo: `language: rust`).
    let exe = env!("CARGO_BIN_EXE_jixiao");
    let entry = entry.replacen("jixiao", exe, 1);
    let config = format!(
        "repos:\n  - repo: local\n    hooks:\n      - id: jixiao\n        name: jixiao\n        entry: {entry}\n        language: system\n        files: '{files}'\n        require_serial: {serial}\n        args: [--baseline, jixiao-baseline.json]\n"
    );
    let sample = sample_text();
    let repo = repository(&[
        (".pre-commit-config.yaml", &config),
        (
            "forms/jixiao.toml",
            "extend-exclude = [\"drafts\"]\nselect = [\"funds.\"]\n",
        ),
        ("forms/a.txt", &sample),
        ("forms/drafts/broken.txt", "项目名称\t草稿\n"),
        ("notes.md", "不是表"),
    ]);
    // Accept today's findings of a.txt.
    jixiao(repo.path())
        .args([
            "check",
            "--write-baseline",
            "jixiao-baseline.json",
            "forms/a.txt",
        ])
        .assert()
        .success();
    let pre_commit = |dir: &Path| {
        std::process::Command::new("pre-commit")
            .args(["run", "--all-files"])
            .current_dir(dir)
            .env("PRE_COMMIT_HOME", dir.join(".pre-commit-home"))
            .output()
            .unwrap()
    };
    assert!(git(repo.path(), &["add", "."]));
    let out = pre_commit(repo.path());
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The baseline, jixiao.toml and the excluded draft are staged but not read as forms.
    assert!(out.status.success(), "{shown}");
    // A new defect in a form: the commit is blocked, by the rules of forms/jixiao.toml.
    let broken = sample.replacen("136,000", "100,000", 1);
    write(repo.path(), "forms/b.txt", &broken);
    assert!(git(repo.path(), &["add", "."]));
    let out = pre_commit(repo.path());
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "{shown}");
    assert!(shown.contains("forms/b.txt"), "{shown}");
    assert!(shown.contains("funds."), "{shown}");
    assert!(
        !shown.contains("基线中这些文件"),
        "no stale entries: {shown}"
    );
}

#[test]
fn changed_since_knows_chinese_paths_and_refuses_an_unknown_ref() {
    if !require("git") {
        return;
    }
    let sample = sample_text();
    let repo = repository(&[("教育局/b.txt", &sample), ("other/c.txt", &sample)]);
    assert!(git(repo.path(), &["add", "."]));
    assert!(git(repo.path(), &["commit", "-q", "-m", "forms"]));
    write(repo.path(), "教育局/b.txt", &format!("\n{sample}"));
    let out = jixiao(repo.path())
        .args([
            "check",
            "--format",
            "github",
            "--changed-since",
            "HEAD",
            ".",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("file=教育局/b.txt"), "{text}");
    assert!(!text.contains("file=other/c.txt"), "{text}");
    let out = jixiao(repo.path())
        .args([
            "check",
            "--format",
            "github",
            "--changed-since",
            "no-such-ref",
            ".",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error[usage]: --changed-since no-such-ref"),
        "{stderr}"
    );
    assert!(!stderr.contains("output::write"), "{stderr}");
}

#[test]
fn a_baseline_named_through_dot_dot_keys_files_like_any_other_name() {
    let sample = sample_text();
    let repo = repository(&[("人社局/a.txt", &sample)]);
    jixiao(repo.path())
        .args([
            "check",
            "--write-baseline",
            "jixiao-baseline.json",
            "人社局/a.txt",
        ])
        .assert()
        .success();
    let dept = repo.path().join("人社局");
    // From the subdirectory, through `..`: every finding accepted, no second set of entries.
    let out = jixiao(&dept)
        .args(["check", "a.txt", "--baseline", "../jixiao-baseline.json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    jixiao(&dept)
        .args([
            "check",
            "a.txt",
            "--write-baseline",
            "../jixiao-baseline.json",
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(repo.path().join("jixiao-baseline.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let files: BTreeSet<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, BTreeSet::from(["人社局/a.txt"]));
}

#[test]
fn reports_jixiao_wrote_are_not_read_as_forms_next_time() {
    let sample = sample_text();
    let repo = repository(&[("forms/x.txt", &sample)]);
    for (format, name) in [
        ("html", "forms/report.html"),
        ("xlsx", "forms/findings.xlsx"),
    ] {
        jixiao(repo.path())
            .args(["check", "--format", format, "--output", name, "forms/x.txt"])
            .output()
            .unwrap();
    }
    jixiao(repo.path())
        .args(["check", "--annotate", "forms/marked", "forms/x.txt"])
        .output()
        .unwrap();
    let (v, _, _) = json_of(jixiao(repo.path()).args(["check", "--format", "json", "forms"]));
    let by_file: BTreeSet<(String, String)> = rule_families(&v);
    assert!(
        by_file
            .iter()
            .all(|(file, family)| file == "forms/x.txt" || family == "source"),
        "{by_file:?}"
    );
    let own = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "source::jixiao-output")
        .count();
    assert_eq!(own, 2, "the page and the workbook");
}
