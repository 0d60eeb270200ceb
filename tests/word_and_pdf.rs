//! Word documents read as real cells, and PDF files refused with one clear diagnostic (issue 12).
//! The `.docx` fixtures are made by `tests/fixtures/docx/make_docx.py` from the text sample and
//! the HTML layout fixture 22.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const SAMPLE_TXT: &str = "tests/fixtures/qiannan-hrss-2025.txt";
const SAMPLE_DOCX: &str = "tests/fixtures/docx/qiannan-hrss-2025.docx";
const MERGED_DOCX: &str = "tests/fixtures/docx/huaibei-2025-merged.docx";
const MERGED_HTML: &str = "tests/fixtures/layouts/22-huaibei-2025-html-table.html";

fn jixiao() -> Command {
    let mut cmd = Command::cargo_bin("jixiao").unwrap();
    cmd.env_remove("NO_COLOR").env_remove("COLUMNS");
    cmd
}

fn json(args: &[&str]) -> (Value, Option<i32>) {
    let out = jixiao().args(args).output().unwrap();
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (v, out.status.code())
}

/// Every finding as (rule, project, indicator, message), counted.
fn findings(v: &Value) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for d in v["diagnostics"].as_array().unwrap() {
        let key = format!(
            "{} | {} | {} | {}",
            d["rule"], d["project"], d["indicator"], d["message"]
        );
        *out.entry(key).or_insert(0) += 1;
    }
    out
}

#[test]
fn the_sample_as_word_gives_the_findings_of_the_text_sample() {
    let (text, text_code) = json(&["check", "--no-config", "--format", "json", SAMPLE_TXT]);
    let (word, word_code) = json(&["check", "--no-config", "--format", "json", SAMPLE_DOCX]);
    assert_eq!(word["summary"]["forms"], 26);
    assert_eq!(findings(&word), findings(&text));
    assert_eq!(word_code, text_code);
}

/// What a model says of its forms: names, funds, and every indicator's levels, name and value.
fn facts(path: &str) -> Vec<Value> {
    let (v, code) = json(&["extract", "--no-config", path]);
    assert_eq!(code, Some(0));
    v["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let indicators: Vec<Value> = p["indicators"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| {
                    serde_json::json!([i["level1"], i["level2"], i["name"], i["value"]["text"]])
                })
                .collect();
            serde_json::json!({
                "name": p["name"],
                "department": p["department"],
                "funds": p["funds"]["total"],
                "money_unit": p["money_unit"],
                "indicators": indicators,
            })
        })
        .collect()
}

#[test]
fn a_word_form_with_merged_cells_reads_like_its_html_table() {
    let word = facts(MERGED_DOCX);
    assert_eq!(word.len(), 1);
    assert_eq!(word[0]["name"], "农村文化建设配套补助经费");
    assert_eq!(word[0]["indicators"].as_array().unwrap().len(), 9);
    assert_eq!(word, facts(MERGED_HTML));
}

#[test]
fn word_findings_name_the_table_row_and_column() {
    let out = jixiao()
        .args([
            "check",
            "--no-config",
            "--select",
            "funds.cost-within-total",
            "--format",
            "short",
            SAMPLE_DOCX,
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with(&format!(
            "{SAMPLE_DOCX}:表7 第16行 第4列: error[funds.cost-within-total]"
        )),
        "{first}"
    );
    let (v, _) = json(&[
        "check",
        "--no-config",
        "--select",
        "funds.cost-within-total",
        "--format",
        "json",
        SAMPLE_DOCX,
    ]);
    assert_eq!(v["diagnostics"][0]["cell"], "表7 第16行 第4列");
    let (s, _) = json(&[
        "check",
        "--no-config",
        "--select",
        "funds.cost-within-total",
        "--format",
        "sarif",
        SAMPLE_DOCX,
    ]);
    let result = &s["runs"][0]["results"][0];
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["properties"]["cell"],
        "表7 第16行 第4列"
    );
    // The code frame shows the row's cells.
    let human = jixiao()
        .args([
            "check",
            "--no-config",
            "--select",
            "funds.cost-within-total",
            SAMPLE_DOCX,
        ])
        .output()
        .unwrap();
    let human = String::from_utf8(human.stdout).unwrap();
    assert!(
        human.contains("qiannan-hrss-2025.docx 表7 第16行 第4列]"),
        "{human}"
    );
    assert!(human.contains("≤20.25万元"), "{human}");
}

#[test]
fn word_and_pdf_files_are_known_by_their_bytes_too() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(SAMPLE_DOCX, dir.path().join("form.txt")).unwrap();
    let (v, _) = json(&[
        "check",
        "--no-config",
        "--format",
        "json",
        &dir.path().join("form.txt").display().to_string(),
    ]);
    assert_eq!(v["summary"]["forms"], 26);
    std::fs::write(
        dir.path().join("form.dat"),
        b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n",
    )
    .unwrap();
    let (v, code) = json(&[
        "check",
        "--no-config",
        "--format",
        "json",
        &dir.path().join("form.dat").display().to_string(),
    ]);
    assert_eq!(code, Some(2));
    assert_eq!(v["diagnostics"][0]["rule"], "pdf::unsupported");
}

#[test]
fn a_directory_search_includes_word_documents() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(SAMPLE_DOCX, dir.path().join("a.docx")).unwrap();
    let (v, _) = json(&[
        "check",
        "--no-config",
        "--format",
        "json",
        &dir.path().display().to_string(),
    ]);
    assert_eq!(v["summary"]["files"], 1);
    assert_eq!(v["summary"]["forms"], 26);
}

/// The bytes of the sample document with `word/document.xml` claiming `size` unpacked bytes in
/// the zip's central directory.
fn claiming(size: u32) -> Vec<u8> {
    let mut bytes = std::fs::read(SAMPLE_DOCX).unwrap();
    let name = b"word/document.xml";
    let mut patched = 0;
    for at in 0..bytes.len().saturating_sub(46 + name.len()) {
        if bytes[at..at + 4] == *b"PK\x01\x02" && bytes[at + 46..at + 46 + name.len()] == *name {
            bytes[at + 24..at + 28].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 1);
    bytes
}

fn check_bytes(name: &str, bytes: &[u8]) -> (Value, Option<i32>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    json(&[
        "check",
        "--no-config",
        "--format",
        "json",
        &path.display().to_string(),
    ])
}

fn rules(v: &Value) -> Vec<&str> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect()
}

#[test]
fn hostile_word_documents_end_in_a_diagnostic() {
    // A document claiming 4 GiB of body: refused before unpacking.
    let (v, code) = check_bytes("bomb.docx", &claiming(0xFFFF_FFF0));
    assert_eq!(code, Some(2));
    assert_eq!(rules(&v), ["docx::unreadable"]);
    assert!(
        v["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("超过上限")
    );
    // Cut in half: not a zip any more.
    let whole = std::fs::read(SAMPLE_DOCX).unwrap();
    let (v, code) = check_bytes("cut.docx", &whole[..whole.len() / 2]);
    assert_eq!(code, Some(2));
    assert!(rules(&v).contains(&"docx::unreadable"), "{v}");
    // Not a zip at all, and a zip without a body.
    let (v, code) = check_bytes("empty.docx", b"");
    assert_eq!(code, Some(2));
    assert_eq!(rules(&v), ["docx::unreadable"]);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("word/styles.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut zip, b"<w:styles/>").unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let (v, code) = check_bytes("nobody.docx", &bytes);
    assert_eq!(code, Some(2));
    assert!(
        v["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("word/document.xml")
    );
    // A body nested 100 000 tables deep, and one of 100 000 empty cells in a row.
    let deep = format!(
        "<w:document xmlns:w=\"w\"><w:body>{}{}</w:body></w:document>",
        "<w:tbl><w:tr><w:tc>".repeat(100_000),
        "</w:tc></w:tr></w:tbl>".repeat(100_000)
    );
    let wide = format!(
        "<w:document xmlns:w=\"w\"><w:body><w:tbl><w:tr>{}</w:tr></w:tbl></w:body></w:document>",
        "<w:tc><w:p/></w:tc>".repeat(100_000)
    );
    for (name, xml) in [("deep.docx", deep), ("wide.docx", wide)] {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        std::io::Write::write_all(&mut zip, xml.as_bytes()).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let (v, _) = check_bytes(name, &bytes);
        assert!(v["diagnostics"].is_array(), "{name}");
    }
}

#[test]
fn a_pdf_is_refused_with_one_clear_diagnostic() {
    let (v, code) = check_bytes("form.pdf", b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n");
    assert_eq!(code, Some(2));
    assert_eq!(rules(&v), ["pdf::unsupported"]);
    assert!(Path::new(SAMPLE_DOCX).exists());
}

/// A .docx holding `body` (WordprocessingML, `w:` and `mc:` prefixes declared).
fn docx_with(body: &str, close: bool) -> Vec<u8> {
    let xml = format!(
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\"><w:body>{body}{}",
        if close { "</w:body></w:document>" } else { "" }
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    std::io::Write::write_all(&mut zip, xml.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

fn cell(text: &str) -> String {
    format!("<w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
}

#[test]
fn hidden_text_fallbacks_and_grid_before_are_read_as_word_shows_them() {
    let row = |cells: &[&str]| {
        format!(
            "<w:tr>{}</w:tr>",
            cells.iter().map(|c| cell(c)).collect::<String>()
        )
    };
    let cost = "<w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr><w:tc><w:p><w:r><w:t>成本指标</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>经济成本指标</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>实施成本</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>≤9999万元</w:t></w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:r><w:t>≤150万元</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>≤150万元</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p></w:tc></w:tr>";
    let body = format!(
        "<w:tbl>{}{}{}{}{}</w:tbl>",
        row(&["项目名称", "测试项目"]),
        row(&["资金总额(万元)", "100"]),
        row(&["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"]),
        row(&["", "产出指标", "数量指标", "培训人数", "≥90人"]),
        cost
    );
    let (v, _) = check_bytes("w.docx", &docx_with(&body, true));
    let cost = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "funds.cost-within-total")
        .unwrap_or_else(|| panic!("{v}"));
    assert!(
        cost["message"].as_str().unwrap().contains("≤150万元"),
        "{cost}"
    );
    assert_eq!(
        cost["cell"], "表1 第5行 第5列",
        "gridBefore moves the cells right"
    );
    assert!(!rules(&v).contains(&"value::unrecognized"), "{v}");
}

#[test]
fn a_document_that_breaks_off_says_so_and_keeps_what_it_read() {
    let body = format!(
        "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr>",
        cell("项目名称"),
        cell("被截断的项目"),
        cell("资金总额"),
        cell("10万元")
    );
    let (v, code) = check_bytes("cut.docx", &docx_with(&body, false));
    assert_eq!(code, Some(2));
    assert!(rules(&v).contains(&"docx::unreadable"), "{v}");
    assert_eq!(v["summary"]["forms"], 1, "the rows read are still checked");
}
