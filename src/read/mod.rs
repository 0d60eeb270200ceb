//! Reading inputs: a path or standard input, decoded and read into the form model by the reader
//! its format calls for — chosen by extension, or given with `--input-format`.

pub mod docx;
pub mod grid;
pub mod json;
pub mod model_file;
pub mod pdf;
pub mod recognize;
pub mod segment;
pub mod sheet;
pub mod source;
pub mod value_text;
pub mod vocabulary;

use crate::diagnostic::Diagnostic;
use crate::model::Document;
use crate::read::source::SourceFile;
use crate::read::vocabulary::Vocabulary;
use std::io;
use std::path::Path;
use std::sync::Arc;

/// How an input is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// Text extracted from PDF approval tables (tab-separated cells).
    Text,
    /// The model as `jixiao extract` prints it.
    Json,
    /// The model as `jixiao extract --format toml` prints it.
    Toml,
    /// A web page or HTML file with the form as a `<table>` (read like text: the reader finds
    /// the tables).
    Html,
    /// A sheet laid out like the approval form, as comma-separated values.
    Csv,
    /// An Excel workbook (`.xlsx`, `.xlsm`, `.xls`) or OpenDocument spreadsheet (`.ods`).
    Xlsx,
    /// A Word document (`.docx`): its tables and the paragraphs between them.
    Docx,
    /// A PDF file with a text layer: its tables rebuilt from the characters and ruling lines.
    Pdf,
}

impl InputFormat {
    /// The format a file name implies; text when the extension says nothing else.
    pub fn from_path(path: &Path) -> InputFormat {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        match ext.as_str() {
            "json" => InputFormat::Json,
            "toml" => InputFormat::Toml,
            "csv" => InputFormat::Csv,
            "html" | "htm" => InputFormat::Html,
            "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => InputFormat::Xlsx,
            "docx" | "docm" => InputFormat::Docx,
            "pdf" => InputFormat::Pdf,
            _ => InputFormat::Text,
        }
    }

    /// The format the bytes themselves show, whatever the file is called: a PDF (`%PDF-`), a
    /// Word document (a zip holding `word/document.xml`) or a workbook (a zip holding
    /// `xl/workbook.xml`).
    pub fn sniff(bytes: &[u8]) -> Option<InputFormat> {
        if bytes.starts_with(b"%PDF-") {
            return Some(InputFormat::Pdf);
        }
        if !bytes.starts_with(b"PK\x03\x04") {
            return None;
        }
        let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
        if archive.index_for_name("word/document.xml").is_some() {
            Some(InputFormat::Docx)
        } else if archive.index_for_name("xl/workbook.xml").is_some() {
            Some(InputFormat::Xlsx)
        } else {
            None
        }
    }
}

/// One input: its decoded source, the forms read from it, and what the reader had to say.
#[derive(Debug, Clone)]
pub struct Input {
    pub source: Arc<SourceFile>,
    pub document: Document,
    pub diagnostics: Vec<Diagnostic>,
}

impl Input {
    /// Decode and read `bytes` from `name` as text.
    pub fn from_bytes(name: impl Into<String>, bytes: &[u8]) -> Input {
        Input::from_bytes_as(name, bytes, InputFormat::Text)
    }

    /// Decode and read `bytes` from `name` in the given format.
    pub fn from_bytes_as(name: impl Into<String>, bytes: &[u8], format: InputFormat) -> Input {
        Input::from_vec_with(name, bytes.to_vec(), format, Vocabulary::builtin())
    }

    /// [`Input::from_bytes_as`] taking the bytes: UTF-8 text becomes the source without a copy.
    pub fn from_vec_as(name: impl Into<String>, bytes: Vec<u8>, format: InputFormat) -> Input {
        Input::from_vec_with(name, bytes, format, Vocabulary::builtin())
    }

    /// [`Input::from_vec_as`] with the vocabulary a configuration extends.
    pub fn from_vec_with(
        name: impl Into<String>,
        bytes: Vec<u8>,
        format: InputFormat,
        vocab: &Vocabulary,
    ) -> Input {
        let name = name.into();
        // Text is the default for unknown names: a PDF or an Office file named otherwise is
        // still read as what it is.
        let format = match format {
            InputFormat::Text => InputFormat::sniff(&bytes).unwrap_or(format),
            other => other,
        };
        match format {
            InputFormat::Csv | InputFormat::Xlsx => {
                return crate::read::sheet::read(name, &bytes, format, vocab);
            }
            InputFormat::Docx => return crate::read::docx::read(name, &bytes, vocab),
            InputFormat::Pdf => return crate::read::pdf::read(name, &bytes, vocab),
            InputFormat::Text | InputFormat::Html if is_own_html(&bytes) => {
                return own_output(name);
            }
            InputFormat::Text | InputFormat::Html | InputFormat::Json | InputFormat::Toml => {}
        }
        let (source, mut diagnostics) = SourceFile::decode_vec(name, bytes);
        let document = match format {
            InputFormat::Json | InputFormat::Toml => {
                let tree = if format == InputFormat::Json {
                    crate::read::model_file::parse_json(&source)
                } else {
                    crate::read::model_file::parse_toml(&source)
                };
                match tree {
                    Ok(tree) => {
                        let (document, diags) = crate::read::model_file::read_model(&source, &tree);
                        diagnostics.extend(diags);
                        document
                    }
                    Err(d) => {
                        diagnostics.push(d);
                        Document::default()
                    }
                }
            }
            _ => {
                let parsed = crate::read::recognize::parse_document_in_windows(
                    &source,
                    vocab,
                    crate::read::recognize::PIECE_BYTES,
                    usize::MAX,
                    |_| {},
                );
                diagnostics.extend(parsed.diagnostics);
                parsed.document
            }
        };
        Input {
            source: Arc::new(source),
            document,
            diagnostics,
        }
    }

    /// Read a file in the format its extension implies. `-` reads standard input (as text).
    pub fn read(path: &Path) -> io::Result<Input> {
        Input::read_as(path, None)
    }

    /// Read a file in `format`, or in the format its extension implies.
    pub fn read_as(path: &Path, format: Option<InputFormat>) -> io::Result<Input> {
        Input::read_with(path, format, Vocabulary::builtin())
    }

    /// [`Input::read_as`] with the vocabulary a configuration extends.
    pub fn read_with(
        path: &Path,
        format: Option<InputFormat>,
        vocab: &Vocabulary,
    ) -> io::Result<Input> {
        if path.as_os_str() == "-" {
            let bytes = crate::limits::read_stdin()?;
            return Ok(Input::from_vec_with(
                "<stdin>",
                bytes,
                format.unwrap_or(InputFormat::Text),
                vocab,
            ));
        }
        let bytes = crate::limits::read_input(path)?;
        let format = format.unwrap_or_else(|| InputFormat::from_path(path));
        Ok(Input::from_vec_with(
            path.display().to_string(),
            bytes,
            format,
            vocab,
        ))
    }
}

/// Reader codes that mean an input could not be read, or not all of it: the run exits 2, as for
/// a file that cannot be opened.
pub const INPUT_NOT_READ: &[&str] = &[
    "sheet::unreadable",
    "sheet::truncated",
    "docx::unreadable",
    "docx::truncated",
    "pdf::unreadable",
    "pdf::encrypted",
    "pdf::no-text",
    "pdf::truncated",
    "pdf::no-table-lines",
];

/// A report jixiao wrote (`--format html`, `--format xlsx`, an annotated copy's list): said
/// once, not read as forms — `check .` after `check --output report.html` would otherwise
/// report on the report.
pub fn own_output(name: String) -> Input {
    let d = Diagnostic::new(
        "source::jixiao-output",
        crate::diagnostic::Severity::Info,
        "这是 jixiao 生成的报告，不作为绩效目标表检查",
    )
    .with_help("把报告写到检查目录之外，或用 exclude 排除它");
    Input {
        source: Arc::new(SourceFile::from_text(name, "")),
        document: Document::default(),
        diagnostics: vec![d],
    }
}

/// Whether text is an HTML report jixiao wrote (it says so in a `<meta name="generator">`).
fn is_own_html(bytes: &[u8]) -> bool {
    let head = bytes.get(..4096).unwrap_or(bytes);
    memchr::memmem::find(head, b"<meta name=\"generator\" content=\"jixiao ").is_some()
}
