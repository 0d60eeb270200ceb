//! The 21 hostile-input defects of issue 13, each reproduced through the binary (or the library
//! where the binary adds nothing) and pinned to its documented outcome: a diagnostic and an exit
//! code, in bounded time and memory. Tests that write do so in temporary directories, never over
//! real device files; `/dev/full` and `/dev/zero` are only ever read from or used as standard
//! streams, as a user's shell would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use assert_cmd::Command;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;

const SAMPLE: &str = "tests/fixtures/qiannan-hrss-2025.txt";

fn jixiao(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("jixiao").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS");
    cmd
}

fn bin() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().unwrap();
    let run = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked") && run.code != Some(101),
        "a panic: {}",
        run.stderr
    );
    run
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn sample_copy(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("sample.txt");
    std::fs::copy(SAMPLE, &path).unwrap();
    path
}

fn rules_in(json: &str) -> Vec<String> {
    diagnostics_field(json, "rule")
}

/// One string field of every diagnostic of a JSON report.
fn diagnostics_field(json: &str, field: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d[field].as_str().unwrap().to_owned())
        .collect()
}

// 1. Two labels of one finding far apart on one line.
#[test]
fn labels_seventy_thousand_columns_apart_are_drawn_without_a_panic() {
    let dir = temp();
    let text = format!(
        "项目名称\tX\n绩效指标\t一级指标\t二级指标\t三级指标\t指标值\n\t效益指标{}\t数量指标\t人数\t≥5人\n",
        " ".repeat(70_000)
    );
    std::fs::write(dir.path().join("p.txt"), text).unwrap();
    let r = run(jixiao(dir.path()).args(["check", "--no-config", "p.txt"]));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stdout.contains("p.txt"), "{}", r.stdout);
}

#[test]
fn the_sample_twice_minified_to_one_line_is_drawn_without_a_panic() {
    let dir = temp();
    let extracted = run(jixiao(dir.path()).args([
        "extract",
        "--no-config",
        &std::fs::canonicalize(SAMPLE).unwrap().display().to_string(),
    ]));
    assert_eq!(extracted.code, Some(0), "{}", extracted.stderr);
    let mut model: serde_json::Value = serde_json::from_str(&extracted.stdout).unwrap();
    let projects = model["projects"].as_array().unwrap().clone();
    model["projects"]
        .as_array_mut()
        .unwrap()
        .extend(projects.iter().cloned());
    std::fs::write(dir.path().join("one-line.json"), model.to_string()).unwrap();
    let r = run(jixiao(dir.path()).args(["check", "--no-config", "one-line.json"]));
    assert!(matches!(r.code, Some(0 | 1)), "{}", r.stderr);
    // Frames on the one long line show about a screen around what they point at (120 bytes
    // either side), not 320 bytes either side as on a form's rows.
    let source_lines: Vec<&str> = r.stdout.lines().filter(|l| l.contains(" 1 │ ")).collect();
    assert!(source_lines.len() > 10, "{}", r.stdout);
    for line in source_lines {
        let shown = line.split_once(" 1 │ ").map_or("", |(_, t)| t);
        // The spans here are names and values of at most ~90 bytes (with 320 either side the
        // lines were 452–725 bytes).
        assert!(
            shown.len() <= 2 * 120 + 90,
            "{} bytes: {shown}",
            shown.len()
        );
    }
}

// 2 and 16. Standard output that fails: a full device and a reader that went away.
#[test]
fn every_command_reports_a_full_stdout_and_exits_2() {
    if !Path::new("/dev/full").exists() {
        println!("notice: /dev/full does not exist here; skipped");
        return;
    }
    let dir = temp();
    sample_copy(dir.path());
    for args in [
        &["rules"][..],
        &["config", "--no-config"],
        &["explain", "funds.cost-within-total"],
        &["schema"],
        &["test", "--no-config"],
        &["check", "--no-config", "sample.txt"],
        &["extract", "--no-config", "sample.txt"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = bin()
            .args(args)
            .current_dir(dir.path())
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("output::write"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let dir = temp();
    sample_copy(dir.path());
    for args in [
        &["rules"][..],
        &["schema"],
        &["check", "--no-config", "sample.txt"],
    ] {
        let mut child = bin()
            .args(args)
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_ne!(out.status.code(), Some(101), "{args:?}");
    }
}

// 4. A sparse workbook: cells A1 and XFD1048576.
#[test]
fn a_sparse_workbook_is_refused_past_the_sheet_limits() {
    let dir = temp();
    let path = dir.path().join("sparse.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "项目名称").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    book.save(&path).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 20_000);
    let r =
        run(jixiao(dir.path()).args(["check", "--no-config", "--format", "json", "sparse.xlsx"]));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        rules_in(&r.stdout).contains(&"sheet::truncated".to_owned()),
        "{}",
        r.stdout
    );
}

// 6. Policy evaluation that would build ever larger values.
#[test]
fn a_rule_that_builds_huge_values_stops_with_a_runtime_error() {
    let dir = temp();
    sample_copy(dir.path());
    let mut doubling = String::from("  let l0 = [p.name, p.name]\n");
    for k in 1..=30 {
        doubling.push_str(&format!("  let l{k} = l{} + l{}\n", k - 1, k - 1));
    }
    let policy = format!(
        "rule t.text {{\n  severity error\n  for p in projects\n  let a = replace(replace(replace(replace(p.name, \"\", p.name), \"\", p.name), \"\", p.name), \"\", p.name)\n  require length(a) > 0\n  message \"x\"\n}}\nrule t.list {{\n  severity error\n  for p in projects\n{doubling}  require length(l30) > 0\n  message \"y\"\n}}\n"
    );
    std::fs::write(dir.path().join("big.jxp"), policy).unwrap();
    let r = run(jixiao(dir.path()).args([
        "check",
        "--no-config",
        "--no-default-policy",
        "--policy",
        "big.jxp",
        "--format",
        "json",
        "sample.txt",
    ]));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let messages: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "policy::runtime-error")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("t.text") && m.contains("文本字节数超过上限")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("t.list") && m.contains("列表长度超过上限")),
        "{messages:?}"
    );
}

// 7. Machine output is written as it is made; it still parses whole.
#[test]
fn streamed_json_and_sarif_parse_and_count_every_finding() {
    let dir = temp();
    let forms: String = (0..300)
        .map(|k| format!("项目名称\t项目{k}\n资金总额\t10万元\n\n"))
        .collect();
    std::fs::write(dir.path().join("many.txt"), forms).unwrap();
    let json =
        run(jixiao(dir.path()).args(["check", "--no-config", "--format", "json", "many.txt"]));
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let count = v["diagnostics"].as_array().unwrap().len();
    assert!(count >= 300, "{count}");
    let sarif =
        run(jixiao(dir.path()).args(["check", "--no-config", "--format", "sarif", "many.txt"]));
    let s: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    assert_eq!(s["version"], "2.1.0");
    assert_eq!(s["runs"][0]["results"].as_array().unwrap().len(), count);
}

// 8. A field a megabyte long does not make a report a megabyte long.
#[test]
fn a_huge_field_value_gives_a_report_of_bounded_size() {
    let dir = temp();
    let text = format!("项目名称\t{}\n资金总额\t10万元\n", "名".repeat(1_000_000));
    std::fs::write(dir.path().join("long.txt"), text).unwrap();
    let r = run(jixiao(dir.path()).args(["check", "--no-config", "long.txt"]));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stdout.len() < 200_000, "{} bytes", r.stdout.len());
}

// 8b. A line of ten thousand short words after a label: the label's value is read over at
// most 96 of them (each one read the value again whole: seconds, quadratic), the rest said
// to be unreadable.
#[test]
fn a_label_followed_by_ten_thousand_short_words_reads_a_bounded_value() {
    let dir = temp();
    let words = "说明 ".repeat(10_000);
    let text = format!("项目支出绩效目标表\n项目名称某某项目 {words}\n资金总额 10万元\n");
    std::fs::write(dir.path().join("words.txt"), text).unwrap();
    let r = run(jixiao(dir.path()).args(["extract", "words.txt"]));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let model: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let name = model["projects"][0]["name"].as_str().unwrap();
    assert_eq!(name, format!("某某项目{}", "说明".repeat(95)));
    let r = run(jixiao(dir.path()).args(["check", "--no-config", "--format", "json", "words.txt"]));
    let rules = rules_in(&r.stdout);
    assert!(
        rules
            .iter()
            .filter(|r| *r == "parse::unrecognized-line")
            .count()
            > 10,
        "{rules:?}"
    );
}

// 9. Endless inputs: a device, standard input, side files.
#[test]
fn endless_inputs_stop_at_their_limit() {
    if !Path::new("/dev/zero").exists() {
        println!("notice: /dev/zero does not exist here; skipped");
        return;
    }
    let dir = temp();
    sample_copy(dir.path());
    let r = run(jixiao(dir.path()).args([
        "--max-input-size",
        "1M",
        "check",
        "--no-config",
        "/dev/zero",
    ]));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("--max-input-size"), "{}", r.stderr);

    let zero = std::fs::File::open("/dev/zero").unwrap();
    let out = bin()
        .args(["--max-input-size", "1M", "check", "--no-config", "-"])
        .current_dir(dir.path())
        .stdin(zero)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));

    for args in [
        &[
            "check",
            "--no-config",
            "--baseline",
            "/dev/zero",
            "sample.txt",
        ][..],
        &[
            "check",
            "--no-config",
            "--policy",
            "/dev/zero",
            "sample.txt",
        ],
        &["check", "--config", "/dev/zero", "sample.txt"],
    ] {
        let r = run(jixiao(dir.path()).args(args));
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.stderr);
    }

    // A link named like a form, to the device, in a checked directory.
    let forms = dir.path().join("forms");
    std::fs::create_dir(&forms).unwrap();
    std::os::unix::fs::symlink("/dev/zero", forms.join("zero.txt")).unwrap();
    let r = run(jixiao(dir.path()).args(["check", "--no-config", "forms"]));
    assert!(r.stderr.contains("zero.txt"), "{}", r.stderr);
}

// 10. JSON reading is linear: 200,000 bare projects read at once.
#[test]
fn two_hundred_thousand_json_projects_are_read() {
    let mut json = String::from("{\"projects\":[");
    for k in 0..200_000 {
        if k > 0 {
            json.push(',');
        }
        json.push_str("{\"name\":\"x\"}");
    }
    json.push_str("]}");
    let input = jixiao::read::Input::from_bytes_as(
        "many.json",
        json.as_bytes(),
        jixiao::read::InputFormat::Json,
    );
    assert_eq!(input.document.projects.len(), 200_000);
}

// 11 and 12. Link loops, links out of the tree, a FIFO named like a form.
#[test]
fn the_directory_walk_ends_and_passes_over_what_it_cannot_read() {
    let dir = temp();
    let forms = dir.path().join("forms");
    std::fs::create_dir(&forms).unwrap();
    std::fs::copy(SAMPLE, forms.join("sample.txt")).unwrap();
    std::os::unix::fs::symlink(".", forms.join("x")).unwrap();
    std::os::unix::fs::symlink(".", forms.join("y")).unwrap();
    std::os::unix::fs::symlink("/", forms.join("root")).unwrap();
    let fifo = forms.join("pipe.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let r = run(jixiao(dir.path()).args(["check", "--no-config", "--format", "json", "forms"]));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["summary"]["files"], 1, "{}", r.stderr);
    assert!(r.stderr.contains("input::skipped"), "{}", r.stderr);
    assert!(r.stderr.contains("root"), "{}", r.stderr);
    if made {
        assert!(r.stderr.contains("pipe.txt"), "{}", r.stderr);
    } else {
        println!("notice: mkfifo unavailable; the FIFO case was skipped");
    }
}

// 13. A rule comparing every form with every other is warned about when loaded.
#[test]
fn an_aggregate_over_all_forms_without_a_join_is_warned_about() {
    let dir = temp();
    sample_copy(dir.path());
    std::fs::write(
        dir.path().join("pairs.jxp"),
        "rule t.pairs {\n  severity warning\n  for p in projects\n  require count(q in projects where q.name != p.name) >= 0\n  message \"z\"\n}\n",
    )
    .unwrap();
    let r = run(jixiao(dir.path()).args([
        "check",
        "--no-config",
        "--no-default-policy",
        "--policy",
        "pairs.jxp",
        "sample.txt",
    ]));
    assert!(r.stderr.contains("policy::quadratic"), "{}", r.stderr);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

// 14. The thread count has a cap.
#[test]
fn a_hundred_thousand_threads_are_refused() {
    let dir = temp();
    sample_copy(dir.path());
    let r = run(jixiao(dir.path()).args(["-j", "100000", "check", "--no-config", "sample.txt"]));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("256"), "{}", r.stderr);
}

// 15. Writing a report over a link, a FIFO, an existing file, a new file.
#[test]
fn a_report_written_through_a_link_keeps_the_link() {
    let dir = temp();
    sample_copy(dir.path());
    std::fs::write(dir.path().join("real.json"), "").unwrap();
    std::os::unix::fs::symlink("real.json", dir.path().join("link.json")).unwrap();
    let r = run(jixiao(dir.path()).args([
        "check",
        "--no-config",
        "--format",
        "json",
        "--output",
        "link.json",
        "sample.txt",
    ]));
    assert!(matches!(r.code, Some(0 | 1)), "{}", r.stderr);
    let link = std::fs::symlink_metadata(dir.path().join("link.json")).unwrap();
    assert!(link.file_type().is_symlink());
    let written = std::fs::read_to_string(dir.path().join("real.json")).unwrap();
    assert!(written.contains("\"diagnostics\""));
}

#[test]
fn a_report_written_to_a_fifo_stays_a_fifo() {
    let dir = temp();
    sample_copy(dir.path());
    let fifo = dir.path().join("report.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        println!("notice: mkfifo unavailable; skipped");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let r = run(jixiao(dir.path()).args([
        "check",
        "--no-config",
        "--format",
        "json",
        "--output",
        "report.fifo",
        "sample.txt",
    ]));
    assert!(matches!(r.code, Some(0 | 1)), "{}", r.stderr);
    let read = reader.join().unwrap();
    assert!(read.contains("\"diagnostics\""));
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");
}

#[test]
fn a_replaced_report_keeps_its_permissions_and_a_new_one_follows_the_umask() {
    let dir = temp();
    sample_copy(dir.path());
    let existing = dir.path().join("old.json");
    std::fs::write(&existing, "old").unwrap();
    std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o640)).unwrap();
    let exe = env!("CARGO_BIN_EXE_jixiao");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 022; '{exe}' check --no-config --format json --output old.json sample.txt; '{exe}' check --no-config --format json --output new.json sample.txt; exit 0"
        ))
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let mode = |p: &str| {
        std::fs::metadata(dir.path().join(p))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("old.json"), 0o640);
    assert_eq!(mode("new.json"), 0o644);
    assert_ne!(std::fs::read_to_string(&existing).unwrap(), "old");
}

// 16. A report that cannot be written says why.
#[test]
fn a_report_that_cannot_be_written_says_why() {
    let dir = temp();
    sample_copy(dir.path());
    for target in ["missing/report.json", "."] {
        let r = run(jixiao(dir.path()).args([
            "check",
            "--no-config",
            "--format",
            "json",
            "--output",
            target,
            "sample.txt",
        ]));
        assert_eq!(r.code, Some(2), "{target}: {}", r.stderr);
        assert!(r.stderr.contains("output::write"), "{target}: {}", r.stderr);
    }
}

// 17. Columns past the sheet limit are an error, not silently dropped.
#[test]
fn columns_past_the_limit_are_reported() {
    let dir = temp();
    let mut csv = String::from("项目名称,X\n");
    csv.push_str(&vec!["a"; 300].join(","));
    csv.push('\n');
    std::fs::write(dir.path().join("wide.csv"), csv).unwrap();
    let r = run(jixiao(dir.path()).args(["check", "--no-config", "--format", "json", "wide.csv"]));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(rules_in(&r.stdout).contains(&"sheet::truncated".to_owned()));
}

// 18. A key given twice in a JSON model is an error at the second one.
#[test]
fn a_duplicate_json_key_is_an_error() {
    let json = r#"{"projects":[{"name":"真的"}],"projects":[]}"#;
    let input = jixiao::read::Input::from_bytes_as(
        "dup.json",
        json.as_bytes(),
        jixiao::read::InputFormat::Json,
    );
    let codes: Vec<&str> = input.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.contains(&"model::duplicate-key"), "{codes:?}");
    assert_eq!(input.document.projects.len(), 1);
}

// 19. A configuration that came with the checked files reads only inside its repository.
#[test]
fn a_found_configuration_cannot_read_outside_its_repository() {
    let outside = temp();
    let secret = outside.path().join("secret.jxp");
    std::fs::write(&secret, "TOPSECRET-LINE\n").unwrap();
    std::fs::write(outside.path().join("base.toml"), "TOPSECRET = 1\n").unwrap();
    let repo = temp();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    sample_copy(repo.path());
    let cases = [
        format!("policies = [\"{}\"]\n", secret.display()),
        format!(
            "extends = \"{}\"\n",
            outside.path().join("base.toml").display()
        ),
        "policies = [\"sample.txt\"]\n".to_owned(),
    ];
    for config in &cases {
        std::fs::write(repo.path().join("jixiao.toml"), config).unwrap();
        let r = run(jixiao(repo.path()).args(["check", "sample.txt"]));
        assert_eq!(r.code, Some(2), "{config}: {}", r.stderr);
        assert!(!r.stderr.contains("TOPSECRET"), "{config}: {}", r.stderr);
        assert!(!r.stderr.contains("项目名称"), "{config}: {}", r.stderr);
    }
    // An import in a policy the found configuration loads is confined too.
    std::fs::write(
        repo.path().join("local.jxp"),
        format!("import \"{}\"\n", secret.display()),
    )
    .unwrap();
    std::fs::write(
        repo.path().join("jixiao.toml"),
        "policies = [\"local.jxp\"]\n",
    )
    .unwrap();
    let r = run(jixiao(repo.path()).args(["check", "sample.txt"]));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(!r.stderr.contains("TOPSECRET"), "{}", r.stderr);
    // Named on the command line, the same file is the user's choice.
    let r = run(jixiao(repo.path()).args(["check", "--config", "jixiao.toml", "sample.txt"]));
    assert!(r.stderr.contains("TOPSECRET"), "{}", r.stderr);
}

// 20. An unreadable workbook exits 2, as the README says of unreadable input.
#[test]
fn an_unreadable_workbook_exits_2() {
    let dir = temp();
    std::fs::write(
        dir.path().join("broken.xlsx"),
        b"PK\x03\x04 not really a zip",
    )
    .unwrap();
    let r = run(jixiao(dir.path()).args(["check", "--no-config", "broken.xlsx"]));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
}

// 21. Long extends chains, lone carriage returns, late NULs, escape sequences.
#[test]
fn a_chain_of_seventeen_extends_is_no_cycle_but_a_real_cycle_is() {
    let dir = temp();
    sample_copy(dir.path());
    for k in 0..17 {
        let body = if k < 16 {
            format!("extends = \"c{}.toml\"\n", k + 1)
        } else {
            "fail-level = \"error\"\n".to_owned()
        };
        std::fs::write(dir.path().join(format!("c{k}.toml")), body).unwrap();
    }
    let r = run(jixiao(dir.path()).args(["check", "--config", "c0.toml", "sample.txt"]));
    assert!(matches!(r.code, Some(0 | 1)), "{}", r.stderr);
    std::fs::write(dir.path().join("c16.toml"), "extends = \"c0.toml\"\n").unwrap();
    let r = run(jixiao(dir.path()).args(["check", "--config", "c0.toml", "sample.txt"]));
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("循环"), "{}", r.stderr);
}

#[test]
fn lone_carriage_returns_end_lines() {
    let text = "项目名称\t甲项目\r资金总额\t10万元\r";
    let input = jixiao::read::Input::from_bytes("cr.txt", text.as_bytes());
    assert_eq!(input.document.projects.len(), 1);
    assert!(input.source.line_count() >= 2);
    for d in &input.diagnostics {
        if let Some(label) = &d.primary {
            assert!(input.source.position(label.span.start).line >= 1);
        }
    }
}

#[test]
fn a_nul_after_the_first_eight_kilobytes_is_binary() {
    let mut bytes = std::fs::read(SAMPLE).unwrap();
    while bytes.len() < 20_000 {
        bytes.extend_from_slice(b"\n");
    }
    bytes.push(0);
    let input = jixiao::read::Input::from_bytes("late-nul.txt", &bytes);
    let codes: Vec<&str> = input.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.contains(&"source::binary"), "{codes:?}");
}

#[test]
fn escape_sequences_in_form_text_never_reach_the_terminal() {
    let dir = temp();
    let mut file = std::fs::File::create(dir.path().join("ansi.txt")).unwrap();
    file.write_all("项目名称\t\u{1b}[31m红\u{1b}[0m项目\u{202e}反\n资金总额\t10万元\n".as_bytes())
        .unwrap();
    let r = run(jixiao(dir.path()).args(["check", "--no-config", "--color", "never", "ansi.txt"]));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(!r.stdout.contains('\u{1b}'), "{}", r.stdout);
    assert!(!r.stdout.contains('\u{202e}'), "{}", r.stdout);
}

// A second round of probes (by a reviewer who had not seen the fixes above).

#[test]
fn labels_on_neighbouring_lines_far_apart_are_drawn_without_a_panic() {
    let dir = temp();
    let sample = std::fs::read_to_string(SAMPLE).unwrap();
    let far = sample.replacen("实施单位", &format!("{}实施单位", " ".repeat(70_000)), 1);
    std::fs::write(dir.path().join("far.txt"), far).unwrap();
    for (at, label) in [("p.implementer", "p.name"), ("p.name", "p.implementer")] {
        std::fs::write(
            dir.path().join("two.jxp"),
            format!(
                "rule t.two {{\n  severity error\n  for p in projects\n  require false\n  message \"m\"\n  at {at}\n  label {label} \"另一处\"\n}}\n"
            ),
        )
        .unwrap();
        let r = run(jixiao(dir.path()).args([
            "check",
            "--no-config",
            "--no-default-policy",
            "--policy",
            "two.jxp",
            "far.txt",
        ]));
        assert_eq!(r.code, Some(1), "{}", r.stderr);
        assert!(r.stdout.len() < 200_000, "{} bytes", r.stdout.len());
    }
}

#[test]
fn one_long_shared_string_in_many_cells_is_cut_not_copied() {
    let dir = temp();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    // Excel's longest cell (32 767 characters), in 200 cells sharing one string.
    let long = "名".repeat(30_000);
    sheet.write_string(0, 0, "项目名称").unwrap();
    for row in 1..200u32 {
        sheet.write_string(row, 1, &long).unwrap();
    }
    book.save(dir.path().join("shared.xlsx")).unwrap();
    let r =
        run(jixiao(dir.path()).args(["check", "--no-config", "--format", "json", "shared.xlsx"]));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(rules_in(&r.stdout).contains(&"sheet::truncated".to_owned()));
}

#[test]
fn a_long_project_name_is_not_copied_into_every_finding() {
    let dir = temp();
    let mut text = format!(
        "项目名称\t{}\n资金总额\t10万元\n绩效指标\t一级指标\t二级指标\t三级指标\t指标值\n",
        "名".repeat(200_000)
    );
    for k in 0..300 {
        text.push_str(&format!("\t产出指标\t数量指标\t指标{k}\t×××\n"));
    }
    std::fs::write(dir.path().join("amp.txt"), text).unwrap();
    let r = run(jixiao(dir.path()).args(["check", "--no-config", "--format", "json", "amp.txt"]));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(rules_in(&r.stdout).len() > 300);
    assert!(r.stdout.len() < 3_000_000, "{} bytes", r.stdout.len());
}

#[test]
fn a_list_nested_forty_deep_is_not_written_out() {
    let dir = temp();
    sample_copy(dir.path());
    let mut policy = String::from(
        "rule t.n {\n  severity error\n  for p in projects\n  let l0 = [p.name, p.name]\n",
    );
    for k in 1..=40 {
        policy.push_str(&format!("  let l{k} = [l{}, l{}]\n", k - 1, k - 1));
    }
    policy.push_str("  require false\n  message \"{l40}\"\n}\n");
    // Comparing two such lists built apart (nothing shared to shortcut) stops at the comparison
    // budget and says so, quoting a little of each.
    let mut twin = String::from("  let m0 = [p.name, p.name]\n");
    for k in 1..=40 {
        twin.push_str(&format!("  let m{k} = [m{}, m{}]\n", k - 1, k - 1));
    }
    let compare = policy
        .replace("t.n", "t.compare")
        .replace("  require false", &format!("{twin}  require l40 == m40"));
    policy.push_str(&compare);
    std::fs::write(dir.path().join("nest.jxp"), policy).unwrap();
    let r = run(jixiao(dir.path()).args([
        "check",
        "--no-config",
        "--no-default-policy",
        "--policy",
        "nest.jxp",
        "--format",
        "json",
        "sample.txt",
    ]));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stdout.contains("过长，未全部显示"),
        "{}",
        &r.stdout[..2000]
    );
    assert!(r.stdout.contains("无法比较"), "{}", &r.stdout[..2000]);
    assert!(r.stdout.len() < 2_000_000);
}

#[test]
fn a_chain_of_a_hundred_imports_stops_at_the_depth_limit() {
    let dir = temp();
    sample_copy(dir.path());
    for k in 1..=100 {
        std::fs::write(
            dir.path().join(format!("k{k}.jxp")),
            format!("import \"k{}.jxp\"\n", k + 1),
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("k101.jxp"), "").unwrap();
    let r =
        run(jixiao(dir.path()).args(["check", "--no-config", "--policy", "k1.jxp", "sample.txt"]));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("import 链超过 64 层"), "{}", r.stderr);
}

#[test]
fn findings_of_one_rule_on_one_document_are_capped() {
    let dir = temp();
    let projects: Vec<String> = (0..400).map(|k| format!("{{\"name\":\"x{k}\"}}")).collect();
    std::fs::write(
        dir.path().join("many.json"),
        format!("{{\"projects\":[{}]}}", projects.join(",")),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("pairs.jxp"),
        "rule t.pairs {\n  severity warning\n  for a in projects, b in projects\n  require false\n  message \"p\"\n}\n",
    )
    .unwrap();
    let r = run(jixiao(dir.path()).args([
        "check",
        "--no-config",
        "--no-default-policy",
        "--policy",
        "pairs.jxp",
        "-j",
        "1",
        "--format",
        "short",
        "many.json",
    ]));
    let pairs = r.stdout.lines().filter(|l| l.contains("[t.pairs]")).count();
    assert_eq!(pairs, 100_000, "400 × 400 pairs, capped");
    assert!(r.stdout.contains("条发现，超过上限"), "{}", r.stderr);
}

#[test]
fn rayon_num_threads_is_held_to_the_thread_limit() {
    let dir = temp();
    sample_copy(dir.path());
    let r = run(jixiao(dir.path()).env("RAYON_NUM_THREADS", "100000").args([
        "check",
        "--no-config",
        "sample.txt",
    ]));
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("超过上限 256"), "{}", r.stderr);
}

#[test]
fn a_json_report_cut_off_by_its_reader_ends_quietly() {
    let dir = temp();
    sample_copy(dir.path());
    for format in ["json", "sarif"] {
        let mut child = bin()
            .args(["check", "--no-config", "--format", format, "sample.txt"])
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 10];
        std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{format}: {stderr}");
        assert!(!stderr.contains("output::write"), "{format}: {stderr}");
    }
}

#[test]
fn output_and_write_baseline_together_are_a_usage_error() {
    let dir = temp();
    sample_copy(dir.path());
    let r = run(jixiao(dir.path()).args([
        "check",
        "--no-config",
        "--output",
        "r.json",
        "--write-baseline",
        "b.json",
        "sample.txt",
    ]));
    assert_eq!(r.code, Some(2));
    assert!(!dir.path().join("b.json").exists());
}

#[test]
fn help_and_version_report_a_full_stdout() {
    if !Path::new("/dev/full").exists() {
        println!("notice: /dev/full does not exist here; skipped");
        return;
    }
    for flag in ["--help", "--version"] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = bin().arg(flag).stdout(full).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag}");
    }
    let out = bin().arg("--version").output().unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().ends_with('\n'));
}

#[test]
fn junit_shows_controls_and_bidi_overrides_instead_of_passing_them_on() {
    let dir = temp();
    std::fs::write(
        dir.path().join("bidi.txt"),
        "项目名称\t甲\u{202e}乙\u{7f}丙\u{9b}丁\n资金总额\t10万元\n",
    )
    .unwrap();
    let r = run(jixiao(dir.path()).args(["check", "--no-config", "--format", "junit", "bidi.txt"]));
    for c in ['\u{202e}', '\u{7f}', '\u{9b}'] {
        assert!(!r.stdout.contains(c), "{c:?} in {}", r.stdout);
    }
}

// Found by the fuzz targets (inputs in tests/fixtures/fuzz-regressions).

#[test]
fn fuzz_a_csv_with_undecodable_bytes_points_at_no_wrong_place() {
    let bytes = std::fs::read("tests/fixtures/fuzz-regressions/sheet-csv-decode-span.bin").unwrap();
    for format in [
        jixiao::read::InputFormat::Csv,
        jixiao::read::InputFormat::Xlsx,
    ] {
        let input = jixiao::read::Input::from_bytes_as("fuzz.csv", &bytes, format);
        let len = input.source.text().len();
        for d in &input.diagnostics {
            if let Some(p) = &d.primary {
                assert!(p.span.start <= p.span.end && p.span.end <= len, "{d:?}");
            }
        }
    }
}

#[test]
fn fuzz_a_tab_width_of_zero_is_drawn_as_one() {
    let bytes = std::fs::read("tests/fixtures/fuzz-regressions/human-tab-width-0.bin").unwrap();
    let (source, _) = jixiao::read::source::SourceFile::decode("t.txt", &bytes[16..]);
    let len = source.text().len();
    let d = jixiao::diagnostic::Diagnostic::error("fuzz::finding", "m").with_primary(
        jixiao::span::Span {
            start: 0,
            end: len.min(3),
        },
        None,
    );
    let report = jixiao::report::FileReport::new(std::sync::Arc::new(source), vec![d], 1);
    let options = jixiao::report::HumanOptions {
        tab_width: 0,
        ..jixiao::report::HumanOptions::default()
    };
    let mut out = Vec::new();
    jixiao::report::render_human(&[report], &options, &mut out).unwrap();
    assert!(!out.is_empty());
}

/// A model's invalid value, unknown key or unreadable cell is quoted in a message only in part:
/// a finding neither holds nor prints a megabyte value.
#[test]
fn messages_quote_long_values_in_part() {
    let dir = temp();
    let long = "坏".repeat(200_000);
    std::fs::write(
        dir.path().join("long.json"),
        format!(
            "{{\"projects\":[{{\"name\":\"x\",\"year\":\"{long}\",\"{long}\":1,\"funds\":{{\"total\":\"{long}\"}}}}]}}"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("long.txt"),
        format!("项目支出绩效目标表\n项目名称\tx\n{long}\t{long}\n"),
    )
    .unwrap();
    // A form whose indicator value is 200 000 characters of junk.
    let sample = std::fs::read_to_string(SAMPLE)
        .unwrap()
        .replacen("≥2次", &format!("{long}%"), 1);
    std::fs::write(dir.path().join("value.txt"), sample).unwrap();
    for file in ["long.json", "long.txt", "value.txt"] {
        let r = run(jixiao(dir.path()).args(["check", "--no-config", "--format", "json", file]));
        let messages = diagnostics_field(&r.stdout, "message");
        let cut = |n: usize| {
            messages
                .iter()
                .filter(|m| m.contains(&format!("（共 {n} 字）")))
                .count()
        };
        if file == "long.json" {
            // The year, the unknown key and the total, each quoted in part.
            assert_eq!(cut(200_000), 3, "{messages:?}");
        }
        if file == "value.txt" {
            // value::unrecognized.
            assert_eq!(cut(200_001), 1, "{messages:?}");
        }
        for m in &messages {
            assert!(
                m.chars().count() < 400,
                "{file}: {} chars",
                m.chars().count()
            );
        }
    }
}

/// 200 000 lines `项目支出绩效目标表 |`, joined by the segmenter into one row whose every cell is a
/// title alone on its line: each becomes a row of its own in one pass (a recursion per title
/// overflowed the stack).
#[test]
fn a_row_of_many_title_lines_is_cut_without_recursion() {
    let dir = temp();
    let path = dir.path().join("titles.txt");
    std::fs::write(&path, "项目支出绩效目标表 |\n".repeat(200_000)).unwrap();
    let run = run(jixiao(dir.path()).args(["check", "--format", "short", "titles.txt"]));
    assert!(
        matches!(run.code, Some(0..=2)),
        "{:?} {}",
        run.code,
        run.stderr
    );
    assert!(run.stdout.contains("parse::"), "{}", run.stdout);
}
