//! PDF files with a text layer (what budget systems export and bureaus publish): the pages'
//! positioned characters and ruling lines rebuilt into tables of cells, read by the one
//! recognizer like a workbook or a Word document.
//!
//! The file is parsed with `lopdf` (objects, cross-reference repair, stream filters with a
//! bound on how much a stream may inflate, decryption with an empty password); the content
//! streams are interpreted here ([`content`]), fonts decoded through their `/ToUnicode` maps
//! ([`font`]), and tables rebuilt from the ruling lines ([`layout`]). Each table and each run
//! of lines outside tables becomes a grid named by its page (`第2页 表1`, `第2页`), so findings
//! name the place: `第2页 表1 第5行 第3列`.
//!
//! A file that cannot be read says why, once, and the run exits 2: a broken or truncated file
//! (`pdf::unreadable`), one that needs a password (`pdf::encrypted`), one without a text layer —
//! a scan (`pdf::no-text`; jixiao does no OCR). A page of images in a document with text is a
//! warning (`pdf::image-page`), and characters no font map decodes are counted
//! (`pdf::undecoded-characters`).

pub mod content;
pub mod font;
pub mod layout;

use crate::diagnostic::{Diagnostic, Severity};
use crate::read::Input;
use crate::read::sheet::{self, Grid, GridKind};
use crate::read::vocabulary::Vocabulary;
use content::{Interpreter, Stop};
use layout::Page;
use lopdf::{Document, Object};

/// Most pages read from one file.
pub const MAX_PAGES: usize = 5_000;

/// Read a `.pdf` file.
pub fn read(name: String, bytes: &[u8], vocab: &Vocabulary) -> Input {
    let mut diagnostics = Vec::new();
    let pages = match load(bytes) {
        Ok(doc) => pages(&doc, &mut diagnostics),
        Err(d) => {
            diagnostics.push(d);
            Vec::new()
        }
    };
    let mut blocks = layout::blocks(&pages, vocab);
    // A page that shows a form (its words: a title, 项目名称, 一级指标 …) but no table rebuilt
    // from ruling lines cannot be read into cells: its lines have an order, not columns. It is
    // said and left unread rather than guessed at; pages of prose stay as they are.
    // Per page, in one pass over the blocks: (has a table, shows a form outside tables).
    let mut seen: std::collections::BTreeMap<usize, (bool, bool)> = Default::default();
    for block in &blocks {
        let page = seen.entry(block.page).or_default();
        if block.table.is_some() {
            page.0 = true;
        } else if !page.1 && !page.0 {
            page.1 = block
                .rows
                .iter()
                .flatten()
                .any(|cell| shows_form(cell, vocab));
        }
    }
    let unruled: Vec<usize> = seen
        .into_iter()
        .filter(|(_, (table, form))| *form && !*table)
        .map(|(page, _)| page)
        .collect();
    if !unruled.is_empty() {
        blocks.retain(|b| !unruled.contains(&b.page));
        diagnostics.push(
            Diagnostic::error(
                "pdf::no-table-lines",
                format!(
                    "第{}页有绩效目标表的内容，但没有表格线，无法还原单元格，这些页没有检查",
                    list(&unruled)
                ),
            )
            .with_help("请检查带表格线的 PDF，或填报时的 Word、Excel 文件；也可用 pdftotext -layout 转成文本后检查"),
        );
    }
    let grids: Vec<Grid<'_>> = blocks
        .iter()
        .map(|b| match b.table {
            Some(t) => Grid {
                name: format!("第{}页 表{t}", b.page),
                kind: GridKind::PdfTable,
                rows: &b.rows,
                ends_table: !b.continued,
            },
            None => Grid {
                name: format!("第{}页", b.page),
                kind: GridKind::PdfText {
                    first_line: b.first_line,
                },
                rows: &b.rows,
                ends_table: false,
            },
        })
        .collect();
    sheet::read_grids(name, &grids, diagnostics, vocab)
}

/// The parsed file, or why it cannot be read.
fn load(bytes: &[u8]) -> Result<Document, Diagnostic> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(content::MAX_CONTENT_BYTES),
        ..lopdf::LoadOptions::default()
    };
    let doc = match Document::load_mem_with_options(bytes, options) {
        Ok(doc) => doc,
        Err(e) => {
            let encrypted = matches!(
                e,
                lopdf::Error::InvalidPassword
                    | lopdf::Error::Decryption(_)
                    | lopdf::Error::UnsupportedSecurityHandler(_)
            );
            let message = if bytes.len() <= 8 {
                "PDF 文件是空的（没有内容），无法读取".to_owned()
            } else if memchr::memmem::rfind(bytes, b"%%EOF").is_none() {
                "PDF 文件不完整（没有文件结尾 %%EOF，可能下载或复制时中断），无法读取".to_owned()
            } else {
                "PDF 文件已损坏，无法读取".to_owned()
            };
            return Err(if encrypted {
                encrypted_diagnostic()
            } else {
                Diagnostic::error("pdf::unreadable", message).with_help(format!(
                    "请重新导出或下载完整的 PDF 文件，或检查填报时的 Word 或 Excel 文件（解析器的说明：{e}）"
                ))
            });
        }
    };
    if doc.is_encrypted() {
        return Err(encrypted_diagnostic());
    }
    Ok(doc)
}

fn encrypted_diagnostic() -> Diagnostic {
    Diagnostic::error(
        "pdf::encrypted",
        "PDF 文件已加密，需要密码才能打开，这个文件没有被检查",
    )
    .with_help("请提供没有打开密码的 PDF（导出时不设密码），或检查填报时的 Word 或 Excel 文件")
}

/// What each page shows, with what could not be read said as diagnostics.
fn pages(doc: &Document, diagnostics: &mut Vec<Diagnostic>) -> Vec<Page> {
    let ids: Vec<_> = doc.page_iter().take(MAX_PAGES + 1).collect();
    if ids.is_empty() {
        diagnostics.push(
            Diagnostic::error(
                "pdf::unreadable",
                "PDF 文件中找不到页面（页面目录缺失、损坏或嵌套过深），无法读取",
            )
            .with_help("请重新导出或下载完整的 PDF 文件"),
        );
        return Vec::new();
    }
    if ids.len() > MAX_PAGES {
        diagnostics.push(
            Diagnostic::error(
                "pdf::truncated",
                format!("PDF 超过 {MAX_PAGES} 页，只读取了前 {MAX_PAGES} 页"),
            )
            .with_help("把文件拆成几个较小的 PDF 分别检查"),
        );
    }
    let mut interpreter = Interpreter::new(doc);
    // Some content could not be read (limits, broken streams): said already, so an empty
    // result is not also "no text".
    let mut cut = false;
    let mut out = Vec::new();
    let (mut glyphs, mut undecoded, mut image_pages) = (0usize, 0usize, Vec::new());
    for (k, id) in ids.into_iter().take(MAX_PAGES).enumerate() {
        let number = k + 1;
        let mut content = match interpreter.page(id) {
            Ok(c) => c,
            Err(Stop::Operations) => {
                cut = true;
                diagnostics.push(
                    Diagnostic::error(
                        "pdf::truncated",
                        format!(
                            "PDF 的绘制指令超过 {} 条或解压的页面内容超过 {} MiB，从第{number}页起没有读取",
                            content::MAX_OPERATIONS,
                            content::MAX_DOCUMENT_CONTENT_BYTES >> 20
                        ),
                    )
                    .with_help("把文件拆成几个较小的 PDF 分别检查"),
                );
                break;
            }
        };
        let (bottom, height) = media_box(doc, id);
        for g in &mut content.glyphs {
            g.y -= bottom;
        }
        for s in &mut content.segments {
            if s.horizontal {
                s.at -= bottom;
            } else {
                s.from -= bottom;
                s.to -= bottom;
            }
        }
        let shown = content
            .glyphs
            .iter()
            .filter(|g| !g.text.is_whitespace())
            .count();
        if shown == 0 && content.images > 0 {
            image_pages.push(number);
        }
        if content.unread_streams > 0 {
            cut = true;
            diagnostics.push(
                Diagnostic::error(
                    "pdf::truncated",
                    format!(
                        "第{number}页有 {} 个内容流无法解压（损坏，或解压后超过 {} MiB），这部分没有读取",
                        content.unread_streams,
                        content::MAX_CONTENT_BYTES >> 20
                    ),
                )
                .with_help("请重新导出或下载完整的 PDF 文件"),
            );
        }
        if content.dropped > 0 {
            diagnostics.push(Diagnostic::error(
                "pdf::truncated",
                format!(
                    "第{number}页的文字或线条超出读取上限，有 {} 处没有读取",
                    content.dropped
                ),
            ));
        }
        glyphs += shown;
        undecoded += content.undecoded;
        out.push(Page {
            number,
            height,
            content,
        });
    }
    if glyphs == 0 && cut {
        return Vec::new();
    }
    if glyphs == 0 || undecoded * 2 > glyphs {
        let message = if glyphs == 0 && !image_pages.is_empty() {
            "PDF 没有文字层（页面只有图像，可能是扫描件），无法检查；jixiao 不做文字识别（OCR）"
                .to_owned()
        } else if glyphs == 0 {
            "PDF 中没有可读取的文字，无法检查".to_owned()
        } else {
            format!(
                "PDF 中 {glyphs} 个字符有 {undecoded} 个无法解码（字体没有 Unicode 映射），无法可靠检查"
            )
        };
        diagnostics
            .push(Diagnostic::error("pdf::no-text", message).with_help(
                "请检查系统导出的原始 PDF（带文字层的），或填报时的 Word 或 Excel 文件",
            ));
        return Vec::new();
    }
    if !image_pages.is_empty() {
        diagnostics.push(
            Diagnostic::new(
                "pdf::image-page",
                Severity::Warning,
                format!(
                    "第{}页只有图像、没有文字层（可能是扫描页），这些页没有检查",
                    list(&image_pages)
                ),
            )
            .with_help("jixiao 不做文字识别（OCR）；请用带文字层的文件检查这些页"),
        );
    }
    if undecoded > 0 {
        diagnostics.push(
            Diagnostic::new(
                "pdf::undecoded-characters",
                Severity::Warning,
                format!(
                    "PDF 中有 {undecoded} 个字符无法解码（字体没有 Unicode 映射），读成了 �，涉及的内容可能读错"
                ),
            )
            .with_help("请检查系统导出的原始 PDF，或填报时的 Word 或 Excel 文件"),
        );
    }
    out
}

/// Whether a cell of a page is a form's: a title, or a label the reader knows.
fn shows_form(cell: &str, vocab: &Vocabulary) -> bool {
    let key = crate::read::vocabulary::key(cell);
    vocab.title_ending(&key).is_some()
        || vocab.label(cell).is_some()
        || vocab.column(cell).is_some()
}

/// `3、5、7` (at most ten, then `等`).
fn list(pages: &[usize]) -> String {
    let mut text = pages
        .iter()
        .take(10)
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join("、");
    if pages.len() > 10 {
        text.push_str(" 等");
    }
    text
}

/// The bottom and the height of a page's media box (inherited from the page tree when the page
/// has none); A4 when none can be read.
fn media_box(doc: &Document, page: lopdf::ObjectId) -> (f32, f32) {
    let mut node = doc.get_dictionary(page).ok();
    for _ in 0..64 {
        let Some(dict) = node else { break };
        if let Some(Object::Array(b)) = font::deref(doc, dict.get(b"MediaBox").ok()) {
            let v: Vec<f32> = b
                .iter()
                .filter_map(|o| font::deref(doc, Some(o)).and_then(font::number))
                .collect();
            if let [_, y0, _, y1] = v.as_slice() {
                let height = (y1 - y0).abs();
                if height > 0.0 {
                    return (y0.min(*y1), height);
                }
            }
        }
        node = dict
            .get(b"Parent")
            .and_then(Object::as_reference)
            .ok()
            .and_then(|id| doc.get_dictionary(id).ok());
    }
    (0.0, 842.0)
}
