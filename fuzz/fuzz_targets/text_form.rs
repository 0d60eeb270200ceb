//! The text-form reader on any bytes: no panic, every span inside the text, and parsing in
//! pieces (as large documents are, in parallel) gives what one pass gives.
#![no_main]

use jixiao::read::Input;
use jixiao::read::recognize::parse_document_in_pieces;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = Input::from_bytes("fuzz.txt", data);
    let len = input.source.text().len();
    for d in &input.diagnostics {
        if let Some(p) = &d.primary {
            assert!(p.span.start <= p.span.end && p.span.end <= len, "{d:?}");
        }
    }
    for project in &input.document.projects {
        assert!(project.span.end <= len);
        for indicator in &project.indicators {
            assert!(indicator.name.span.end <= len);
        }
    }
    // The first byte picks a piece size, so the fuzzer explores where documents are cut.
    let piece_bytes = usize::from(data.first().copied().unwrap_or(1)).max(1) * 7;
    let whole = parse_document_in_pieces(&input.source, usize::MAX);
    let pieces = parse_document_in_pieces(&input.source, piece_bytes);
    assert_eq!(format!("{:?}", whole.document), format!("{:?}", pieces.document));
    assert_eq!(format!("{:?}", whole.diagnostics), format!("{:?}", pieces.diagnostics));
});
