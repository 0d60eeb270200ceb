//! Structured inputs: the sample as JSON and TOML (from `extract`), as CSV, and as workbooks
//! (one form per sheet; all forms stacked on one sheet with merged cells) gives the same findings
//! as the text; bad structured input gives diagnostics with positions.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::*;
use jixiao::policy::PolicySet;
use jixiao::read::{Input, InputFormat};

/// (rule, form, indicator) of every finding, sorted.
fn signature(policy: &PolicySet, input: &Input) -> Vec<(String, usize, String)> {
    finding_keys(policy, input)
        .into_iter()
        .map(|(rule, form, indicator, _)| (rule, form, indicator))
        .collect()
}

/// The sample's forms, each as its lines from the title on (blank lines between forms dropped).
fn sample_forms() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let starts: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim() == "项目支出绩效目标批复表")
        .map(|(i, _)| i)
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(k, &s)| {
            let end = starts.get(k + 1).copied().unwrap_or(lines.len());
            let mut form: Vec<String> = lines[s..end].iter().map(|l| l.to_string()).collect();
            while form.last().is_some_and(|l| l.trim().is_empty()) {
                form.pop();
            }
            form
        })
        .collect()
}

fn write_row(sheet: &mut rust_xlsxwriter::Worksheet, row: u32, line: &str) {
    for (col, cell) in line.split('\t').enumerate() {
        if !cell.trim().is_empty() {
            sheet
                .write_string(row, u16::try_from(col).unwrap(), cell)
                .unwrap();
        }
    }
}

/// One form per sheet, named 表1 … 表26.
fn workbook_per_sheet() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (k, form) in sample_forms().iter().enumerate() {
        let sheet = book.add_worksheet();
        sheet.set_name(format!("表{}", k + 1)).unwrap();
        for (r, line) in form.iter().enumerate() {
            write_row(sheet, u32::try_from(r).unwrap(), line);
        }
    }
    book.save_to_buffer().unwrap()
}

/// Every form stacked down one sheet as in the text, with the 一级指标 cells merged down over
/// the rows that inherit them, as approval workbooks are drawn.
fn workbook_stacked_with_merges() -> Vec<u8> {
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("批复表").unwrap();
    let level1 = |l: &str| {
        l.split('\t')
            .nth(1)
            .map(str::trim)
            .filter(|c| c.ends_with("指标") && !c.starts_with("一级"))
            .map(str::to_owned)
    };
    let mut r = 0;
    while r < lines.len() {
        match level1(lines[r]) {
            Some(value) if lines[r].starts_with('\t') => {
                // Extend down over rows with an empty 一级 column inside the same table.
                let mut last = r;
                while last + 1 < lines.len()
                    && lines[last + 1].starts_with("\t\t")
                    && lines[last + 1]
                        .split('\t')
                        .nth(1)
                        .is_some_and(|c| c.trim().is_empty())
                {
                    last += 1;
                }
                for (k, line) in lines.iter().enumerate().take(last + 1).skip(r) {
                    let rest: Vec<&str> = line
                        .split('\t')
                        .enumerate()
                        .map(|(c, cell)| if c == 1 { "" } else { cell })
                        .collect();
                    write_row(sheet, u32::try_from(k).unwrap(), &rest.join("\t"));
                }
                let format = rust_xlsxwriter::Format::new();
                if last > r {
                    sheet
                        .merge_range(
                            u32::try_from(r).unwrap(),
                            1,
                            u32::try_from(last).unwrap(),
                            1,
                            &value,
                            &format,
                        )
                        .unwrap();
                } else {
                    sheet
                        .write_string(u32::try_from(r).unwrap(), 1, &value)
                        .unwrap();
                }
                r = last + 1;
            }
            _ => {
                write_row(sheet, u32::try_from(r).unwrap(), lines[r]);
                r += 1;
            }
        }
    }
    book.save_to_buffer().unwrap()
}

fn csv_of_sample() -> Vec<u8> {
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for line in text.lines() {
        writer.write_record(line.split('\t')).unwrap();
    }
    writer.into_inner().unwrap()
}

#[test]
fn every_format_gives_the_same_findings_as_the_text() {
    let policy = default_policy();
    let text = sample();
    let expected = signature(&policy, &text);
    assert_eq!(expected.len(), 48);

    let json = String::from_utf8(
        assert_cmd::Command::cargo_bin("jixiao")
            .unwrap()
            .args(["extract", SAMPLE])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let toml_text = String::from_utf8(
        assert_cmd::Command::cargo_bin("jixiao")
            .unwrap()
            .args(["extract", "--format", "toml", SAMPLE])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let inputs = [
        (
            "json",
            Input::from_bytes_as("sample.json", json.as_bytes(), InputFormat::Json),
        ),
        (
            "toml",
            Input::from_bytes_as("sample.toml", toml_text.as_bytes(), InputFormat::Toml),
        ),
        (
            "csv",
            Input::from_bytes_as("sample.csv", &csv_of_sample(), InputFormat::Csv),
        ),
        (
            "xlsx per sheet",
            Input::from_bytes_as("sample.xlsx", &workbook_per_sheet(), InputFormat::Xlsx),
        ),
        (
            "xlsx stacked",
            Input::from_bytes_as(
                "stacked.xlsx",
                &workbook_stacked_with_merges(),
                InputFormat::Xlsx,
            ),
        ),
    ];
    for (name, input) in inputs {
        assert!(
            input.diagnostics.is_empty(),
            "{name}: {:#?}",
            input.diagnostics
        );
        assert_eq!(input.document.projects.len(), 26, "{name}");
        assert_eq!(input.document.indicator_count(), 228, "{name}");
        assert_eq!(signature(&policy, &input), expected, "{name}");
    }
}

#[test]
fn json_findings_point_at_the_json_fields() {
    let policy = default_policy();
    let json = String::from_utf8(
        assert_cmd::Command::cargo_bin("jixiao")
            .unwrap()
            .args(["extract", SAMPLE])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let input = Input::from_bytes_as("sample.json", json.as_bytes(), InputFormat::Json);
    let findings = policy.check_projects(&input.document.projects, "sample.json", |r| {
        r.id == "funds.cost-within-total"
    });
    let first = &findings[0];
    assert_eq!(
        input.source.slice(first.primary.as_ref().unwrap().span),
        "\"≤20.25万元\""
    );
    assert_eq!(input.source.slice(first.secondary[0].span), "\"200000\"");
    let line = input
        .source
        .line_number(first.primary.as_ref().unwrap().span.start);
    assert!(
        json.lines()
            .nth(line - 1)
            .unwrap()
            .contains("\"text\": \"≤20.25万元\"")
    );
}

#[test]
fn workbook_findings_name_the_sheet_and_cell() {
    let policy = default_policy();
    let input = Input::from_bytes_as("sample.xlsx", &workbook_per_sheet(), InputFormat::Xlsx);
    let findings = policy.check_projects(&input.document.projects, "sample.xlsx", |r| {
        r.id == "funds.cost-within-total"
    });
    let first = &findings[0];
    let region =
        jixiao::diagnostic::Region::of(&input.source, first.primary.as_ref().unwrap().span);
    assert_eq!(region.cell.as_deref(), Some("表7!D20"));
    assert_eq!((region.line, region.column), (20, 4));
    let secondary = jixiao::diagnostic::Region::of(&input.source, first.secondary[0].span);
    assert_eq!(secondary.cell.as_deref(), Some("表7!D8"));
    // The human report names the cell and numbers lines by row.
    let report = jixiao::report::FileReport::new(input.source.clone(), findings, 26);
    let mut out = Vec::new();
    jixiao::report::render_human(std::slice::from_ref(&report), &Default::default(), &mut out)
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("[sample.xlsx 表7!D20]"), "{text}");
    assert!(
        text.contains(" 20 │ \t项目实施成本".replace('\t', "    ").as_str()),
        "{text}"
    );
    let mut short = Vec::new();
    jixiao::report::render_short(&[report], &mut short).unwrap();
    assert!(
        String::from_utf8(short)
            .unwrap()
            .starts_with("sample.xlsx:表7!D20: error[funds.cost-within-total]")
    );
}

#[test]
fn the_command_line_reads_every_format_by_extension() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.xlsx"), workbook_per_sheet()).unwrap();
    std::fs::write(dir.path().join("b.csv"), csv_of_sample()).unwrap();
    let out = assert_cmd::Command::cargo_bin("jixiao")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "check",
            ".",
            "--include",
            "*.xlsx",
            "--include",
            "*.csv",
            "--format",
            "json",
            "--select",
            "funds.cost-within-total",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cells: Vec<(&str, &str)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["file"].as_str().unwrap(), d["cell"].as_str().unwrap()))
        .collect();
    assert_eq!(cells[0], ("./a.xlsx", "表7!D20"));
    assert_eq!(cells[4], ("./b.csv", "D173"));
    // --input-format overrides the extension.
    let sample_copy = dir.path().join("forms.dat");
    std::fs::copy(SAMPLE, &sample_copy).unwrap();
    let json = assert_cmd::Command::cargo_bin("jixiao")
        .unwrap()
        .args(["extract", SAMPLE])
        .output()
        .unwrap()
        .stdout;
    std::fs::write(dir.path().join("model.data"), json).unwrap();
    assert_cmd::Command::cargo_bin("jixiao")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "check",
            "model.data",
            "--input-format",
            "json",
            "--select",
            "funds.cost-within-total",
            "--format",
            "short",
        ])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("model.data:"));
}

fn codes(input: &Input) -> Vec<&str> {
    input.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn a_year_outside_the_years_of_forms_is_refused_at_its_place() {
    let text = r#"{"projects": [{"name": "甲", "year": -0}, {"name": "乙", "year": 99999999999},
        {"name": "丙", "year": 2025}]}"#;
    let input = Input::from_bytes_as("y.json", text.as_bytes(), InputFormat::Json);
    let invalid: Vec<(&str, &str)> = input
        .diagnostics
        .iter()
        .filter(|d| d.code == "model::invalid")
        .map(|d| {
            (
                input.source.slice(d.primary.as_ref().unwrap().span),
                d.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        invalid,
        [
            ("-0", "“year”应为 1990–2100 之间的年份，这里是 0"),
            (
                "99999999999",
                "“year”应为 1990–2100 之间的年份，这里是 99999999999"
            ),
        ]
    );
    let years: Vec<Option<i32>> = input
        .document
        .projects
        .iter()
        .map(|p| p.year.as_ref().map(|y| y.value))
        .collect();
    assert_eq!(years, [None, None, Some(2025)]);
    // JSON numbers with an exponent are numbers: 2.025e3 is the year 2025, 2e5 is 200000元.
    let text = r#"{"projects": [{"name": "甲", "year": 2.025e3, "funds": {"total": 2e5}}]}"#;
    let input = Input::from_bytes_as("e.json", text.as_bytes(), InputFormat::Json);
    assert!(
        !codes(&input).contains(&"model::invalid"),
        "{:?}",
        codes(&input)
    );
    let form = &input.document.projects[0];
    assert_eq!(form.year.as_ref().map(|y| y.value), Some(2025));
    assert_eq!(
        form.funds.total.as_ref().map(|t| t.value.to_string()),
        Some("200000".to_owned())
    );
}

#[test]
fn bad_structured_input_gives_positioned_diagnostics() {
    // Truncated JSON.
    let truncated = Input::from_bytes_as(
        "t.json",
        "{\"projects\": [{\"name\": \"甲\"".as_bytes(),
        InputFormat::Json,
    );
    assert_eq!(codes(&truncated), ["model::syntax"]);
    assert!(truncated.diagnostics[0].primary.is_some());

    // A non-numeric 资金总额 and a wrong type, each at its place; the rest is still read.
    let text = r#"{"projects": [{"name": "甲", "year": "二〇二五", "department": {"code": "164", "name": "某局"},
        "funds": {"total": "二十万"}, "goals": [], "indicators": [{"name": "满意度", "level1": "满意度指标", "value": {"text": "≥90%", "amount": "80"}}],
        "typo": 1}]}"#;
    let input = Input::from_bytes_as("bad.json", text.as_bytes(), InputFormat::Json);
    let by_code = |code: &str| {
        input
            .diagnostics
            .iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("{code}: {:#?}", input.diagnostics))
    };
    let total = by_code("model::invalid");
    assert!(
        total.message.contains("二十万") || total.message.contains("二〇二五"),
        "{}",
        total.message
    );
    let invalid: Vec<&str> = input
        .diagnostics
        .iter()
        .filter(|d| d.code == "model::invalid")
        .map(|d| input.source.slice(d.primary.as_ref().unwrap().span))
        .collect();
    assert_eq!(invalid, ["\"二〇二五\"", "\"二十万\""]);
    assert_eq!(
        input.source.slice(
            by_code("model::value-mismatch")
                .primary
                .as_ref()
                .unwrap()
                .span
        ),
        "\"80\""
    );
    assert_eq!(
        input.source.slice(
            by_code("model::unknown-field")
                .primary
                .as_ref()
                .unwrap()
                .span
        ),
        "\"typo\""
    );
    assert_eq!(input.document.projects[0].indicators.len(), 1);
    assert_eq!(
        input.document.projects[0].indicators[0]
            .value
            .as_ref()
            .unwrap()
            .value
            .amount
            .unwrap()
            .to_string(),
        "90"
    );

    // Missing fields are reported like the text reader does.
    let missing = Input::from_bytes_as(
        "m.toml",
        b"[[projects]]\nname = \"\xe7\x94\xb2\"\n",
        InputFormat::Toml,
    );
    let messages: Vec<&str> = missing
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("资金总额")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("绩效指标表")),
        "{messages:?}"
    );

    // TOML syntax.
    let bad_toml = Input::from_bytes_as("b.toml", b"[[projects]\nname = 1", InputFormat::Toml);
    assert_eq!(codes(&bad_toml), ["model::syntax"]);

    // Deep nesting is refused before the parser recurses.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(
        codes(&Input::from_bytes_as(
            "d.json",
            deep.as_bytes(),
            InputFormat::Json
        )),
        ["model::syntax"]
    );

    // A sheet with no indicator table.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, line) in sample_forms()[0].iter().take(12).enumerate() {
        write_row(sheet, u32::try_from(r).unwrap(), line);
    }
    let input = Input::from_bytes_as(
        "no-table.xlsx",
        &book.save_to_buffer().unwrap(),
        InputFormat::Xlsx,
    );
    let missing = input
        .diagnostics
        .iter()
        .find(|d| d.message.contains("绩效指标表"))
        .unwrap();
    let region =
        jixiao::diagnostic::Region::of(&input.source, missing.primary.as_ref().unwrap().span);
    assert_eq!(region.cell.as_deref(), Some("Sheet1!A1"));

    // Not a workbook at all.
    assert_eq!(
        codes(&Input::from_bytes_as(
            "x.xlsx",
            b"\x00\x01garbage",
            InputFormat::Xlsx
        )),
        ["sheet::unreadable"]
    );
}

#[test]
fn the_json_schema_accepts_what_extract_prints() {
    let schema: serde_json::Value = serde_json::from_str(jixiao::cli::MODEL_SCHEMA).unwrap();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    let printed = assert_cmd::Command::cargo_bin("jixiao")
        .unwrap()
        .args(["schema"])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(
        String::from_utf8(printed).unwrap(),
        jixiao::cli::MODEL_SCHEMA
    );
    let mut files = vec![SAMPLE.to_owned()];
    files.extend(
        std::fs::read_dir("policies/default/examples")
            .unwrap()
            .map(|e| e.unwrap().path().display().to_string()),
    );
    for file in files {
        let out = assert_cmd::Command::cargo_bin("jixiao")
            .unwrap()
            .args(["extract", &file])
            .output()
            .unwrap()
            .stdout;
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
    }
    // Several files: an array of documents.
    let out = assert_cmd::Command::cargo_bin("jixiao")
        .unwrap()
        .args(["extract", SAMPLE, "policies/default/examples/good.txt"])
        .output()
        .unwrap()
        .stdout;
    assert!(validator.is_valid(&serde_json::from_slice(&out).unwrap()));
    // And it rejects what it should.
    assert!(
        !validator
            .is_valid(&serde_json::json!({"projects": [{"name": "甲", "funds": {"totl": "1"}}]}))
    );
}

/// `check` on JSON bytes, as rule codes (from a file, or from standard input).
fn check_json_codes(json: &str, stdin: bool) -> (Vec<String>, Option<i32>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.json");
    std::fs::write(&path, json).unwrap();
    let mut cmd = assert_cmd::Command::cargo_bin("jixiao").unwrap();
    cmd.args(["check", "--no-config", "--format", "json"]);
    if stdin {
        cmd.args(["--input-format", "json", "-"]).write_stdin(json);
    } else {
        cmd.arg(&path);
    }
    let out = cmd.output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_owned())
        .collect();
    (codes, out.status.code())
}

#[test]
fn a_broken_json_file_gives_its_syntax_error_and_nothing_else() {
    // Forms read before the error have reader diagnostics of their own: not reported either.
    let (codes, code) = check_json_codes(
        "{\"projects\":[\r\n{\"name\":\"网\", \"yaer\": 1},\r\n x]}",
        false,
    );
    assert_eq!(codes, ["model::syntax"]);
    assert_ne!(code, Some(0));
    // Only the first `projects` of a document counts, even when it is null.
    let (codes, _) = check_json_codes(
        "{\"projects\": null, \"projects\": [{\"name\": \"B\"}]}",
        false,
    );
    assert!(
        codes.contains(&"model::duplicate-key".to_owned()),
        "{codes:?}"
    );
    assert!(
        !codes.iter().any(|c| c.starts_with("parse::missing")),
        "{codes:?}"
    );
    // Standard input read as JSON, like a file.
    let sample = std::fs::read_to_string(SAMPLE).unwrap();
    let json = String::from_utf8(
        assert_cmd::Command::cargo_bin("jixiao")
            .unwrap()
            .args(["extract", "--no-config", "-"])
            .write_stdin(sample)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let (from_file, _) = check_json_codes(&json, false);
    let (from_stdin, _) = check_json_codes(&json, true);
    assert!(!from_file.is_empty());
    assert_eq!(from_file, from_stdin);
}

/// A key given twice in an object of a form is reported once per repetition, whether the
/// format has the key or not, in small objects and in large ones; keys given once are not.
#[test]
fn repeated_keys_in_a_form_are_reported_known_or_not() {
    let count = |codes: &[String], code: &str| codes.iter().filter(|c| *c == code).count();
    // A known key twice (name), an unknown key twice (colour) and a third time.
    let (codes, _) = check_json_codes(
        r#"{"projects": [{"name": "甲", "year": 2025, "colour": 1, "name": "乙", "colour": 2, "colour": 3}]}"#,
        false,
    );
    assert_eq!(count(&codes, "model::duplicate-key"), 3, "{codes:?}");
    assert_eq!(count(&codes, "model::unknown-field"), 1, "{codes:?}");
    // No key repeated: nothing reported, though every key is known.
    let (codes, _) = check_json_codes(
        r#"{"projects": [{"name": "甲", "year": 2025, "department": {"code": "1", "name": "局"}, "implementer": "局"}]}"#,
        false,
    );
    assert_eq!(count(&codes, "model::duplicate-key"), 0, "{codes:?}");
    // More than sixteen keys (the object is hashed instead): the same answers.
    let extra: String = (0..20).map(|k| format!(r#", "x{k}": {k}"#)).collect();
    let (codes, _) = check_json_codes(
        &format!(
            r#"{{"projects": [{{"name": "甲", "year": 2025{extra}, "year": 2026, "x3": 0}}]}}"#
        ),
        false,
    );
    assert_eq!(count(&codes, "model::duplicate-key"), 2, "{codes:?}");
    assert_eq!(count(&codes, "model::unknown-field"), 20, "{codes:?}");
}
