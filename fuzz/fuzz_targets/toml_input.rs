//! Any bytes as a TOML form file (the model as `extract --format toml` prints it): forms or
//! diagnostics with spans inside the file, never a panic.
#![no_main]

use jixiao::read::{Input, InputFormat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = Input::from_bytes_as("fuzz.toml", data, InputFormat::Toml);
    let len = input.source.text().len();
    for d in &input.diagnostics {
        if let Some(p) = &d.primary {
            assert!(p.span.start <= p.span.end && p.span.end <= len, "{d:?}");
        }
    }
    for project in &input.document.projects {
        assert!(project.span.end <= len);
    }
});
