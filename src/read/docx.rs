//! Word documents (`.docx`): the tables of `word/document.xml` as real cells — `w:gridSpan` and
//! `w:vMerge` merged cells, several paragraphs in a cell — and the paragraphs between them (the
//! title, `（2025年度）`, `金额单位:万元`), in document order.
//!
//! Like a workbook, the document is written out as text — one line per table row, its cells
//! separated by tabs, one line per paragraph — and read by the one recognizer. The source
//! remembers which lines are which table's rows, so findings name the place (`表2 第5行 第3列`)
//! and the code frame shows the row's cells. A merged cell holds its text in its first grid
//! cell and leaves the cells it covers empty, as a merged cell of a workbook does.
//!
//! The zip is read with the `zip` crate and the XML with `quick-xml` (both already used to read
//! workbooks, through calamine): the archive's declared sizes are checked before anything is
//! unpacked, the XML is read as a stream, and rows, columns and cells have the workbook limits.

use crate::diagnostic::Diagnostic;
use crate::read::Input;
use crate::read::sheet::{self, Grid, GridKind};
use crate::read::vocabulary::Vocabulary;
use quick_xml::events::Event;
use std::io::Read;

/// The most bytes `word/document.xml` may unpack to (a real form is well under a megabyte).
pub const MAX_DOCUMENT_XML_BYTES: u64 = 256 << 20;

/// Most rows (table rows and paragraphs together), columns of a row, and characters of a cell.
const MAX_ROWS: usize = 1_000_000;
const MAX_COLUMNS: usize = 256;
const MAX_CELL_CHARS: usize = 100_000;

/// A stretch of the document: a run of paragraphs, or a table.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Block {
    /// 1-based number of the table (`表2`); `None` for paragraphs.
    pub table: Option<usize>,
    /// For paragraphs: the 1-based number of the first one in the document.
    pub first_paragraph: usize,
    pub rows: Vec<Vec<String>>,
}

/// Read a `.docx` file.
pub fn read(name: String, bytes: &[u8], vocab: &Vocabulary) -> Input {
    let mut diagnostics = Vec::new();
    let blocks = match document_xml(bytes) {
        Ok(xml) => blocks(&xml, &mut diagnostics),
        Err(message) => {
            diagnostics.push(
                Diagnostic::error("docx::unreadable", message)
                    .with_help("支持 Word 2007 及以后的 .docx 文件；.doc 请先另存为 .docx"),
            );
            Vec::new()
        }
    };
    let grids: Vec<Grid<'_>> = blocks
        .iter()
        .map(|b| Grid {
            name: b.table.map(|n| format!("表{n}")).unwrap_or_default(),
            kind: match b.table {
                Some(_) => GridKind::WordTable,
                None => GridKind::WordText {
                    first_paragraph: b.first_paragraph,
                },
            },
            rows: &b.rows,
            ends_table: false,
        })
        .collect();
    sheet::read_grids(name, &grids, diagnostics, vocab)
}

/// The text of `word/document.xml`, refused before unpacking when it claims to be too large.
fn document_xml(bytes: &[u8]) -> Result<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("不是有效的 .docx 文件（zip 无法打开）：{e}"))?;
    let index = archive
        .index_for_name("word/document.xml")
        .ok_or_else(|| "这个 .docx 文件中没有正文（word/document.xml）".to_owned())?;
    let entry = archive
        .by_index(index)
        .map_err(|e| format!("无法读取 word/document.xml：{e}"))?;
    if entry.size() > MAX_DOCUMENT_XML_BYTES {
        return Err(format!(
            "正文解压后有 {} MiB，超过上限 {} MiB，未读取",
            entry.size() >> 20,
            MAX_DOCUMENT_XML_BYTES >> 20
        ));
    }
    // The declared size can lie: read one byte past the limit at most.
    let mut xml = Vec::new();
    entry
        .take(MAX_DOCUMENT_XML_BYTES + 1)
        .read_to_end(&mut xml)
        .map_err(|e| format!("无法解压 word/document.xml：{e}"))?;
    if xml.len() as u64 > MAX_DOCUMENT_XML_BYTES {
        return Err(format!(
            "正文解压后超过上限 {} MiB，未读取",
            MAX_DOCUMENT_XML_BYTES >> 20
        ));
    }
    String::from_utf8(xml).map_err(|e| format!("word/document.xml 不是 UTF-8：{e}"))
}

/// One table being read (tables nest: a table in a cell is read into that cell's text).
#[derive(Default)]
struct Table {
    rows: Vec<Vec<String>>,
    row: Vec<String>,
    cell: String,
    /// `w:gridSpan` of the current cell, and whether it continues a vertical merge.
    span: usize,
    continues: bool,
}

/// The blocks of a document, in order.
pub fn blocks(xml: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<Block> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out: Vec<Block> = Vec::new();
    let mut tables: Vec<Table> = Vec::new();
    let mut tables_seen = 0usize;
    let mut paragraphs_seen = 0usize;
    let mut paragraph = String::new();
    // Inside `w:t` (text that is shown); `w:delText` and `w:instrText` are not.
    let mut in_text = false;
    // Inside a run (`w:r`), and whether Word hides it (`w:vanish`).
    let (mut in_run, mut run_hidden) = (false, false);
    // Inside `mc:Fallback`: the alternative Word shows only when it cannot show `mc:Choice`,
    // whose text it repeats.
    let mut fallback_depth = 0usize;
    let mut body_closed = false;
    let mut rows_total = 0usize;
    let mut truncated = 0usize;
    loop {
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                diagnostics.push(
                    Diagnostic::error(
                        "docx::unreadable",
                        format!(
                            "word/document.xml 在第 {} 字节处无法解析：{e}",
                            reader.error_position()
                        ),
                    )
                    .with_help("文件可能已损坏；已读到的内容照常检查"),
                );
                break;
            }
        };
        if fallback_depth > 0 {
            match &event {
                Event::Start(e) if e.local_name().into_inner() == "Fallback" => fallback_depth += 1,
                Event::End(e) if e.local_name().into_inner() == "Fallback" => fallback_depth -= 1,
                Event::Eof => break,
                _ => {}
            }
            continue;
        }
        match event {
            Event::Eof => break,
            Event::Start(e) => match e.local_name().into_inner() {
                "Fallback" => fallback_depth = 1,
                "r" => {
                    in_run = true;
                    run_hidden = false;
                }
                "tbl" => tables.push(Table::default()),
                "tr" => {
                    if let Some(t) = tables.last_mut() {
                        t.row.clear();
                    }
                }
                "tc" => {
                    if let Some(t) = tables.last_mut() {
                        t.cell.clear();
                        t.span = 1;
                        t.continues = false;
                    }
                }
                "p" => paragraph.clear(),
                "t" => in_text = true,
                _ => {}
            },
            Event::Empty(e) => match e.local_name().into_inner() {
                "vanish" if in_run => {
                    run_hidden = value(&e).is_none_or(|v| v != "0" && v != "false");
                }
                // Grid columns a row leaves empty before its first cell.
                "gridBefore" => {
                    if let Some(t) = tables.last_mut() {
                        let n = value(&e)
                            .and_then(|v| v.parse::<usize>().ok())
                            .unwrap_or(0)
                            .min(MAX_COLUMNS);
                        for _ in 0..n {
                            t.row.push(String::new());
                        }
                    }
                }
                "gridSpan" => {
                    if let Some(t) = tables.last_mut() {
                        t.span = value(&e)
                            .and_then(|v| v.parse::<usize>().ok())
                            .unwrap_or(1)
                            .clamp(1, MAX_COLUMNS);
                    }
                }
                "vMerge" => {
                    if let Some(t) = tables.last_mut() {
                        t.continues = value(&e).is_none_or(|v| v == "continue");
                    }
                }
                "tab" | "br" | "cr" if !in_text => paragraph.push(' '),
                _ => {}
            },
            Event::Text(t) if in_text && !run_hidden => {
                push_limited(
                    &mut paragraph,
                    &t.xml_content(quick_xml::XmlVersion::Implicit1_0),
                );
            }
            Event::GeneralRef(r) if in_text && !run_hidden => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => quick_xml::escape::resolve_predefined_entity(&r.into_inner())
                        .map(str::to_owned),
                };
                if let Some(text) = resolved {
                    push_limited(&mut paragraph, &text);
                }
            }
            Event::End(e) => match e.local_name().into_inner() {
                "t" => in_text = false,
                "r" => {
                    in_run = false;
                    run_hidden = false;
                }
                "body" => body_closed = true,
                "p" => {
                    let text = sheet::clean(&paragraph);
                    paragraph.clear();
                    match tables.last_mut() {
                        // Paragraphs of a cell are one cell: joined by a space.
                        Some(t) => {
                            if !text.is_empty() {
                                if !t.cell.is_empty() {
                                    t.cell.push(' ');
                                }
                                push_limited(&mut t.cell, &text);
                            }
                        }
                        None => {
                            paragraphs_seen += 1;
                            if text.is_empty() {
                                continue;
                            }
                            if rows_total >= MAX_ROWS {
                                truncated += 1;
                                continue;
                            }
                            rows_total += 1;
                            match out.last_mut() {
                                Some(b) if b.table.is_none() => b.rows.push(vec![text]),
                                _ => out.push(Block {
                                    table: None,
                                    first_paragraph: paragraphs_seen,
                                    rows: vec![vec![text]],
                                }),
                            }
                        }
                    }
                }
                "tc" => {
                    if let Some(t) = tables.last_mut() {
                        // A cell continuing a vertical merge shows nothing of its own.
                        let text = if t.continues {
                            String::new()
                        } else {
                            std::mem::take(&mut t.cell)
                        };
                        if t.row.len() < MAX_COLUMNS {
                            t.row.push(text);
                            for _ in 1..t.span {
                                if t.row.len() < MAX_COLUMNS {
                                    t.row.push(String::new());
                                }
                            }
                        } else {
                            truncated += 1;
                        }
                        t.cell.clear();
                    }
                }
                "tr" => {
                    if let Some(t) = tables.last_mut() {
                        let row = std::mem::take(&mut t.row);
                        if rows_total >= MAX_ROWS {
                            truncated += 1;
                        } else {
                            rows_total += 1;
                            t.rows.push(row);
                        }
                    }
                }
                "tbl" => {
                    let Some(done) = tables.pop() else {
                        continue;
                    };
                    match tables.last_mut() {
                        // A table inside a cell: its text joins that cell.
                        Some(outer) => {
                            let text: Vec<String> = done
                                .rows
                                .iter()
                                .map(|r| {
                                    r.iter()
                                        .filter(|c| !c.is_empty())
                                        .cloned()
                                        .collect::<Vec<_>>()
                                        .join(" ")
                                })
                                .filter(|r| !r.is_empty())
                                .collect();
                            if !outer.cell.is_empty() && !text.is_empty() {
                                outer.cell.push(' ');
                            }
                            push_limited(&mut outer.cell, &text.join(" "));
                        }
                        None => {
                            tables_seen += 1;
                            out.push(Block {
                                table: Some(tables_seen),
                                first_paragraph: 0,
                                rows: done.rows,
                            });
                        }
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    if !body_closed && diagnostics.iter().all(|d| d.code != "docx::unreadable") {
        diagnostics.push(
            Diagnostic::error(
                "docx::unreadable",
                "word/document.xml 不完整：正文在结束前中断（文件可能被截断）",
            )
            .with_help("已读到的内容照常检查；中断处之后的表没有被检查"),
        );
    }
    // A table the document broke off in: the rows read so far are still checked.
    if let Some(mut table) = tables.into_iter().next() {
        if !table.row.is_empty() {
            table.rows.push(std::mem::take(&mut table.row));
        }
        if !table.rows.is_empty() {
            tables_seen += 1;
            out.push(Block {
                table: Some(tables_seen),
                first_paragraph: 0,
                rows: table.rows,
            });
        }
    }
    if truncated > 0 {
        diagnostics.push(
            Diagnostic::error(
                "docx::truncated",
                format!(
                    "文档超过读取上限（{MAX_ROWS} 行、每行 {MAX_COLUMNS} 列），有 {truncated} 行或单元格未读取"
                ),
            )
            .with_help("真实的绩效目标表远小于这个规模；请检查文件是否损坏或被构造"),
        );
    }
    out
}

/// The `w:val` attribute of an element.
fn value(e: &quick_xml::events::BytesStart<'_>) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().into_inner() == "val")
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Append to a cell, at most [`MAX_CELL_CHARS`] bytes of it.
fn push_limited(cell: &mut String, text: &str) {
    let room = (MAX_CELL_CHARS * 4).saturating_sub(cell.len());
    if text.len() <= room {
        cell.push_str(text);
        return;
    }
    let mut cut = room;
    while cut > 0 && !text.is_char_boundary(cut) {
        cut -= 1;
    }
    cell.push_str(text.get(..cut).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    fn doc(body: &str) -> String {
        format!("<w:document {W}><w:body>{body}</w:body></w:document>")
    }

    #[test]
    fn merged_cells_keep_their_text_in_the_first_grid_cell() {
        let xml = doc(r#"<w:p><w:r><w:t>项目支出绩效目标表</w:t></w:r></w:p>
            <w:tbl>
              <w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>项目名称</w:t></w:r></w:p></w:tc>
                    <w:tc><w:p><w:r><w:t>培训&amp;补贴</w:t></w:r></w:p></w:tc></w:tr>
              <w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>产出指标</w:t></w:r></w:p></w:tc>
                    <w:tc><w:p><w:r><w:t>数量</w:t></w:r></w:p><w:p><w:r><w:t>指标</w:t></w:r></w:p></w:tc>
                    <w:tc><w:p><w:r><w:t>≥90人</w:t></w:r><w:r><w:delText>删</w:delText></w:r></w:p></w:tc></w:tr>
              <w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>
                    <w:tc><w:p><w:r><w:t>质量指标</w:t></w:r></w:p></w:tc>
                    <w:tc><w:p><w:r><w:t xml:space="preserve"> =100% </w:t></w:r></w:p></w:tc></w:tr>
            </w:tbl>
            <w:p><w:r><w:t>金额单位：万元</w:t></w:r></w:p>"#);
        let mut diagnostics = Vec::new();
        let blocks = blocks(&xml, &mut diagnostics);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let rows: Vec<&Vec<Vec<String>>> = blocks.iter().map(|b| &b.rows).collect();
        assert_eq!(rows[0], &vec![vec!["项目支出绩效目标表".to_owned()]]);
        assert_eq!(
            rows[1],
            &vec![
                vec!["项目名称".to_owned(), String::new(), "培训&补贴".to_owned()],
                vec![
                    "产出指标".to_owned(),
                    "数量 指标".to_owned(),
                    "≥90人".to_owned()
                ],
                vec![String::new(), "质量指标".to_owned(), "=100%".to_owned()],
            ]
        );
        assert_eq!(blocks[1].table, Some(1));
        assert_eq!(blocks[2].first_paragraph, 2);
    }

    #[test]
    fn broken_xml_keeps_what_was_read_and_says_where_it_broke() {
        let xml = doc("<w:p><w:r><w:t>项目名称</w:t></w:r></w:p><w:tbl><w:tr>");
        let broken = xml.replace("</w:body>", "</w:bdy>");
        let mut diagnostics = Vec::new();
        let blocks = blocks(&broken, &mut diagnostics);
        assert_eq!(blocks.len(), 1);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, "docx::unreadable");
    }

    #[test]
    fn not_a_zip_and_a_zip_without_a_body_are_diagnostics() {
        let input = read("x.docx".into(), b"PK\x03\x04garbage", Vocabulary::builtin());
        assert_eq!(input.diagnostics[0].code, "docx::unreadable");
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file("word/other.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zip, b"<x/>").unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let input = read("x.docx".into(), &bytes, Vocabulary::builtin());
        assert!(input.diagnostics[0].message.contains("word/document.xml"));
        assert_eq!(crate::read::InputFormat::sniff(&bytes), None);
    }
}
