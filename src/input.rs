//! Reading inputs: a path or standard input, decoded and parsed into the form model.

use crate::diagnostic::Diagnostic;
use crate::model::Document;
use crate::source::SourceFile;
use crate::text::parse_document;
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;

/// One input: its decoded source, the forms read from it, and what the reader had to say.
#[derive(Debug, Clone)]
pub struct Input {
    pub source: Arc<SourceFile>,
    pub document: Document,
    pub diagnostics: Vec<Diagnostic>,
}

impl Input {
    /// Decode and parse `bytes` read from `name`.
    pub fn from_bytes(name: impl Into<String>, bytes: &[u8]) -> Input {
        let (source, mut diagnostics) = SourceFile::decode(name, bytes);
        let parsed = parse_document(&source);
        diagnostics.extend(parsed.diagnostics);
        Input {
            source: Arc::new(source),
            document: parsed.document,
            diagnostics,
        }
    }

    /// Read a file. `-` reads standard input.
    pub fn read(path: &Path) -> io::Result<Input> {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            io::stdin().read_to_end(&mut bytes)?;
            return Ok(Input::from_bytes("<stdin>", &bytes));
        }
        let bytes = std::fs::read(path)?;
        Ok(Input::from_bytes(path.display().to_string(), &bytes))
    }
}
