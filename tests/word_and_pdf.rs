//! Word documents and PDF files read as real cells (issue 12). The `.docx` fixtures are made by
//! `tests/fixtures/docx/make_docx.py` from the text sample and the HTML layout fixture 22; the
//! `.pdf` fixtures by `tests/fixtures/pdf/make_pdf.py` from those (LibreOffice and Chromium).
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
const SAMPLE_PDF: &str = "tests/fixtures/pdf/qiannan-hrss-2025.pdf";
const MERGED_PDF: &str = "tests/fixtures/pdf/huaibei-2025-merged.pdf";
const CHROMIUM_PDF: &str = "tests/fixtures/pdf/huaibei-2025-chromium.pdf";

fn jixiao() -> Command {
    let mut cmd = Command::cargo_bin("jixiao").unwrap();
    cmd.env_remove("NO_COLOR").env_remove("COLUMNS");
    cmd
}

/// `check --no-config --format json PATH`.
fn check_json(path: &str) -> (Value, Option<i32>) {
    json(&["check", "--no-config", "--format", "json", path])
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
    let (text, text_code) = check_json(SAMPLE_TXT);
    let (word, word_code) = check_json(SAMPLE_DOCX);
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

/// The first `funds.cost-within-total` finding of `path` is at `place` in the short, JSON and
/// SARIF outputs, and the human report names it and shows the row's cells.
fn first_cost_finding_is_at(path: &str, place: &str) {
    let args = |format: &'static str| {
        vec![
            "check",
            "--no-config",
            "--select",
            "funds.cost-within-total",
            "--format",
            format,
            path,
        ]
    };
    let out = jixiao().args(args("short")).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("{path}:{place}: error[funds.cost-within-total]")),
        "{first}"
    );
    let (v, _) = json(&args("json"));
    assert_eq!(v["diagnostics"][0]["cell"], place);
    let (s, _) = json(&args("sarif"));
    assert_eq!(
        s["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["properties"]["cell"],
        place
    );
    let human = jixiao()
        .args([
            "check",
            "--no-config",
            "--select",
            "funds.cost-within-total",
            path,
        ])
        .output()
        .unwrap();
    let human = String::from_utf8(human.stdout).unwrap();
    let file = Path::new(path).file_name().unwrap().to_str().unwrap();
    assert!(human.contains(&format!("{file} {place}]")), "{human}");
    assert!(human.contains("≤20.25万元"), "{human}");
}

#[test]
fn word_findings_name_the_table_row_and_column() {
    first_cost_finding_is_at(SAMPLE_DOCX, "表7 第16行 第4列");
}

#[test]
fn word_and_pdf_files_are_known_by_their_bytes_too() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(SAMPLE_DOCX, dir.path().join("form.txt")).unwrap();
    let (v, _) = check_json(&dir.path().join("form.txt").display().to_string());
    assert_eq!(v["summary"]["forms"], 26);
    std::fs::write(
        dir.path().join("form.dat"),
        b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n",
    )
    .unwrap();
    let (v, code) = check_json(&dir.path().join("form.dat").display().to_string());
    assert_eq!(code, Some(2));
    assert_eq!(v["diagnostics"][0]["rule"], "pdf::unreadable");
    std::fs::copy(MERGED_PDF, dir.path().join("scan.bin")).unwrap();
    let (v, _) = check_json(&dir.path().join("scan.bin").display().to_string());
    assert_eq!(v["summary"]["forms"], 1);
}

#[test]
fn a_directory_search_includes_word_documents_and_pdf_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(SAMPLE_DOCX, dir.path().join("a.docx")).unwrap();
    std::fs::copy(MERGED_PDF, dir.path().join("b.pdf")).unwrap();
    let (v, _) = check_json(&dir.path().display().to_string());
    assert_eq!(v["summary"]["files"], 2);
    assert_eq!(v["summary"]["forms"], 27);
}

/// [`findings`] with whitespace removed from messages: a PDF cannot say whether a line was
/// wrapped at a space (`≤ 600240 元` printed over two lines reads `≤ 600240元`).
fn findings_modulo_spaces(v: &Value) -> BTreeMap<String, usize> {
    findings(v)
        .into_iter()
        .map(|(k, n)| (k.chars().filter(|c| !c.is_whitespace()).collect(), n))
        .fold(BTreeMap::new(), |mut m, (k, n)| {
            *m.entry(k).or_insert(0) += n;
            m
        })
}

#[test]
fn the_sample_as_pdf_gives_the_findings_of_the_text_sample() {
    // 48 pages from LibreOffice: forms and rows continued over page breaks, a running page
    // header and a page-number footer on every page, 一级/二级 cells merged down.
    let (text, text_code) = check_json(SAMPLE_TXT);
    let (pdf, pdf_code) = check_json(SAMPLE_PDF);
    assert_eq!(pdf["summary"]["forms"], 26);
    assert_eq!(findings_modulo_spaces(&pdf), findings_modulo_spaces(&text));
    assert_eq!(pdf_code, text_code);
}

/// [`facts`] with whitespace removed from every string.
fn facts_modulo_spaces(path: &str) -> Value {
    fn strip(v: Value) -> Value {
        match v {
            Value::String(s) => Value::String(s.chars().filter(|c| !c.is_whitespace()).collect()),
            Value::Array(a) => Value::Array(a.into_iter().map(strip).collect()),
            Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, strip(v))).collect()),
            other => other,
        }
    }
    strip(Value::Array(facts(path)))
}

#[test]
fn pdf_forms_read_to_the_facts_of_their_sources() {
    // Every form of the sample: names, departments, funds and every indicator.
    assert_eq!(
        facts_modulo_spaces(SAMPLE_PDF),
        facts_modulo_spaces(SAMPLE_DOCX)
    );
    // A form in 万元 with rowspan/colspan merged cells over two pages (LibreOffice, with a
    // running header that looks like a title), and the same form printed by Chromium (borders
    // as filled rectangles, Type0 fonts).
    let html = facts(MERGED_HTML);
    assert_eq!(html[0]["money_unit"], "万元");
    assert_eq!(facts(MERGED_PDF), html);
    assert_eq!(facts(CHROMIUM_PDF), html);
}

#[test]
fn pdf_shapes_from_other_producers_read_to_the_facts_of_their_sources() {
    // Cells drawn as separate boxes 3px apart are one table, read the same on every run.
    let separated = "tests/fixtures/pdf/huaibei-2025-separated.pdf";
    assert_eq!(facts(separated), facts(MERGED_HTML));
    let once = jixiao()
        .args(["check", "--no-config", "--format", "json", separated])
        .output()
        .unwrap();
    for _ in 0..3 {
        let again = jixiao()
            .args(["check", "--no-config", "--format", "json", separated])
            .output()
            .unwrap();
        let strip = |o: &[u8]| {
            let mut v: Value = serde_json::from_slice(o).unwrap();
            v["summary"]["elapsed_ms"] = Value::Null;
            v
        };
        assert_eq!(strip(&again.stdout), strip(&once.stdout));
    }
    // A table continued over a page break with no rule above the continued row, and
    // paragraphs after the table at the top of the next page (they are not indicators).
    assert_eq!(
        facts_modulo_spaces("tests/fixtures/pdf/putuo-2026-landscape.pdf"),
        facts_modulo_spaces(
            "tests/fixtures/layouts/23-putuo-chengguan-2026-markdown-html-table.md"
        )
    );
    // A form without ruling lines cannot be rebuilt into cells: said, and not read.
    let (v, code) = check_json("tests/fixtures/pdf/huaibei-2025-no-lines.pdf");
    assert_eq!(code, Some(2));
    assert_eq!(rules(&v), ["pdf::no-table-lines"], "{v}");
    // Header rows repeated on every page are read once: one form, 9 + 50 indicators.
    let repeated = facts("tests/fixtures/pdf/huaibei-2025-repeat-header.pdf");
    assert_eq!(repeated.len(), 1);
    assert_eq!(repeated[0]["name"], "农村文化建设配套补助经费");
    assert_eq!(repeated[0]["indicators"].as_array().unwrap().len(), 59);
    let (v, code) = check_json("tests/fixtures/pdf/huaibei-2025-repeat-header.pdf");
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["summary"]["errors"], 0);
}

#[test]
fn pdf_findings_name_the_page_table_row_and_column() {
    // The 8th row as printed: the first row of the page goes on from the page before (the
    // goals), and keeps its number though its text joined that row.
    first_cost_finding_is_at(SAMPLE_PDF, "第14页 表1 第8行 第4列");
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
    check_json(&path.display().to_string())
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

/// A PDF whose page tree is a chain of `depth` nested `/Pages` nodes over one page.
fn page_tree_chain(depth: usize) -> Vec<u8> {
    let mut objects = vec!["<< /Type /Catalog /Pages 2 0 R >>".to_owned()];
    for level in 0..depth {
        let number = 2 + level;
        let parent = if level > 0 {
            format!("/Parent {} 0 R ", number - 1)
        } else {
            String::new()
        };
        objects.push(format!(
            "<< /Type /Pages {parent}/Kids [{} 0 R] /Count 1 >>",
            number + 1
        ));
    }
    objects.push(format!(
        "<< /Type /Page /Parent {} 0 R /MediaBox [0 0 595 842] >>",
        depth + 1
    ));
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (k, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{body}\nendobj\n", k + 1).bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for at in offsets {
        out.extend(format!("{at:010} 00000 n \n").bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    out
}

/// A one-page PDF whose content stream is `content`, compressed with zlib when `deflate`.
fn one_page(content: &[u8], deflate: bool) -> Vec<u8> {
    use std::io::Write;
    let (data, filter) = if deflate {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(content).unwrap();
        (e.finish().unwrap(), "/Filter /FlateDecode ")
    } else {
        (content.to_vec(), "")
    };
    let mut out = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
        2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
        3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj\n"
        .to_vec();
    out.extend(format!("4 0 obj << {filter}/Length {} >> stream\n", data.len()).bytes());
    out.extend(&data);
    out.extend(b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    out
}

#[test]
fn unreadable_pdf_files_end_in_one_clear_diagnostic() {
    let fixture = |name: &str| std::fs::read(format!("tests/fixtures/pdf/{name}")).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        // A scan: an image on a page, no text layer. No OCR.
        (
            "scan.pdf",
            fixture("scanned-image-only.pdf"),
            "pdf::no-text",
        ),
        // Needs a password (qpdf, AES-256).
        (
            "locked.pdf",
            fixture("encrypted-user-password.pdf"),
            "pdf::encrypted",
        ),
        // Cut off after 3 000 bytes.
        ("cut.pdf", fixture("truncated.pdf"), "pdf::unreadable"),
        (
            "empty.pdf",
            b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".to_vec(),
            "pdf::unreadable",
        ),
        // A page tree 10 000 levels deep.
        ("chain.pdf", page_tree_chain(10_000), "pdf::no-text"),
        // A content stream that inflates to 200 MiB.
        (
            "bomb.pdf",
            one_page(&vec![b' '; 200 << 20], true),
            "pdf::truncated",
        ),
    ];
    for (name, bytes, rule) in cases {
        let (v, code) = check_bytes(name, &bytes);
        assert_eq!(code, Some(2), "{name}");
        assert!(rules(&v).contains(&rule), "{name}: {:?}", rules(&v));
        let message = v["diagnostics"][0]["message"].as_str().unwrap();
        assert!(!message.is_empty(), "{name}");
    }
    let (v, _) = check_bytes("scan.pdf", &fixture("scanned-image-only.pdf"));
    assert!(
        v["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("扫描件"),
        "{v}"
    );
    assert!(Path::new(SAMPLE_DOCX).exists());
}

#[test]
fn hostile_content_streams_are_bounded_and_never_panic() {
    // Nested arrays, endless `q`, unbalanced text objects, huge and non-finite numbers, a font
    // that is not there, a form XObject that draws itself: read (or not) with a diagnostic.
    let mut content = Vec::new();
    content.extend(b"[".repeat(50_000));
    content.extend(b" q".repeat(100_000));
    content.extend(b" BT /F1 1e39 Tf 1e38 0 0 1e38 0 0 Tm (abc) Tj ET");
    content.extend(b" ET ET Q Q 0 0 m 1e30 0 l S 10 10 -5 -5 re f");
    content.extend(b" /X1 Do (unclosed");
    let (v, code) = check_bytes("hostile.pdf", &one_page(&content, false));
    assert_eq!(code, Some(2));
    assert!(rules(&v).contains(&"pdf::no-text"), "{:?}", rules(&v));
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
