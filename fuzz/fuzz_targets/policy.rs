//! Any text as a policy: the parser and checker answer with diagnostics, never a panic; a
//! policy that compiles runs over real forms without a panic or a hang.
#![no_main]

use jixiao::read::Input;
use jixiao::policy::PolicyLoader;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// The first forms of the sample, read once.
fn forms() -> &'static Input {
    static FORMS: OnceLock<Input> = OnceLock::new();
    FORMS.get_or_init(|| {
        let sample = include_str!("../../tests/fixtures/qiannan-hrss-2025.txt");
        let cut = sample.match_indices("项目支出绩效目标批复表").nth(4).map_or(sample.len(), |(at, _)| at);
        Input::from_bytes("sample.txt", sample[..cut].as_bytes())
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Imports would read the fuzzer's working directory; policies here stand alone.
    if text.contains("import") {
        return;
    }
    let mut loader = PolicyLoader::new();
    loader.add_source("fuzz.jxp", text);
    let loaded = loader.finish();
    for report in loaded.reports() {
        for d in &report.diagnostics {
            if let Some(p) = &d.primary {
                assert!(p.span.end <= report.source.text().len(), "{d:?}");
            }
        }
    }
    if loaded.has_errors() {
        return;
    }
    let input = forms();
    let _ = loaded
        .policy
        .check_projects(&input.document.projects, input.source.name(), |_| true);
});
