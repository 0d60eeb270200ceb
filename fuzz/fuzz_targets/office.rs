//! Any bytes as a PDF file and as a Word document: forms or diagnostics with spans inside the
//! text the document became, never a panic, never a hang (the run's -timeout) or more memory
//! than the documented limits allow (-rss_limit_mb).
#![no_main]

use jixiao::read::{Input, InputFormat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for (name, format) in [("fuzz.pdf", InputFormat::Pdf), ("fuzz.docx", InputFormat::Docx)] {
        let input = Input::from_bytes_as(name, data, format);
        let len = input.source.text().len();
        for d in &input.diagnostics {
            if let Some(p) = &d.primary {
                assert!(p.span.start <= p.span.end && p.span.end <= len, "{d:?}");
            }
        }
    }
});
