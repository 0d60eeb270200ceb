//! Any bytes as a CSV file and as a workbook (XLSX, XLS, ODS — whatever the bytes turn out to
//! be): forms or diagnostics with spans inside the text the sheet became, never a panic, never
//! more memory than the sheet limits allow (the run's -rss_limit_mb catches that).
#![no_main]

use jixiao::read::{Input, InputFormat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for (name, format) in [("fuzz.csv", InputFormat::Csv), ("fuzz.xlsx", InputFormat::Xlsx)] {
        let input = Input::from_bytes_as(name, data, format);
        let len = input.source.text().len();
        for d in &input.diagnostics {
            if let Some(p) = &d.primary {
                assert!(p.span.start <= p.span.end && p.span.end <= len, "{d:?}");
            }
        }
    }
});
