//! The human renderer (miette code frames) on random text with random spans and labels: no
//! panic, whatever the widths (CJK, tabs, controls, lines of any length), however far apart the
//! labels, wherever the spans fall (inside characters, at the end, empty).
#![no_main]

use jixiao::diagnostic::Diagnostic;
use jixiao::read::source::SourceFile;
use jixiao::report::{FileReport, HumanOptions, render_human, render_short};
use jixiao::span::Span;
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    // The first bytes choose the spans; the rest is the document.
    let Some((head, body)) = data.split_at_checked(16) else {
        return;
    };
    let (source, _) = SourceFile::decode("fuzz.txt", body);
    let text = source.text();
    let len = text.len();
    let at = |k: usize| {
        let b = u16::from_le_bytes([head[k], head[k + 1]]) as usize;
        // Round down to a character boundary, as the reader's spans always are.
        let mut p = if len == 0 { 0 } else { b % (len + 1) };
        while !text.is_char_boundary(p) {
            p -= 1;
        }
        p
    };
    let span = |k: usize| {
        let (a, b) = (at(k), at(k + 2));
        Span { start: a.min(b), end: a.max(b) }
    };
    let mut d = Diagnostic::error("fuzz::finding", "第 1 张表：“名称”\t有\u{1b}[31m误")
        .with_primary(span(0), Some("这里".into()))
        .with_label(span(4), "那里\t也是")
        .with_label(span(8), "")
        .with_help("改成“X”");
    if head[12] & 1 == 1 {
        d = d.with_label(span(12), "第三处");
    }
    let report = FileReport::new(Arc::new(source), vec![d], 1);
    let options = HumanOptions {
        color: head[14] & 1 == 1,
        ascii: head[14] & 2 == 2,
        tab_width: usize::from(head[15] % 9),
        width: 20 + usize::from(head[15]),
    };
    let mut out = Vec::new();
    let _ = render_human(std::slice::from_ref(&report), &options, &mut out);
    let mut short = Vec::new();
    let _ = render_short(std::slice::from_ref(&report), &mut short);
});
