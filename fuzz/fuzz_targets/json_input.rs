//! Any bytes as a JSON form file: forms or diagnostics with spans inside the file, never a
//! panic; what reads as forms can be checked with the default pack.
#![no_main]

use jixiao::read::{Input, InputFormat};
use jixiao::policy::PolicyLoader;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn policy() -> &'static jixiao::policy::PolicySet {
    static POLICY: OnceLock<jixiao::policy::PolicySet> = OnceLock::new();
    POLICY.get_or_init(|| {
        let mut loader = PolicyLoader::new();
        let _ = loader.add_builtin_pack("default");
        loader.finish().policy
    })
}

fuzz_target!(|data: &[u8]| {
    let input = Input::from_bytes_as("fuzz.json", data, InputFormat::Json);
    let len = input.source.text().len();
    for d in &input.diagnostics {
        if let Some(p) = &d.primary {
            assert!(p.span.start <= p.span.end && p.span.end <= len, "{d:?}");
        }
    }
    let _ = policy().check_projects(&input.document.projects, "fuzz.json", |_| true);
    // The streaming reader `check` uses: the same forms, spans in range.
    let mut streamed = 0usize;
    let diagnostics =
        jixiao::read::model_file::stream_json_model(&input.source, &mut |_| streamed += 1);
    for d in &diagnostics {
        if let Some(p) = &d.primary {
            assert!(p.span.start <= p.span.end && p.span.end <= len, "{d:?}");
        }
    }
    if !diagnostics.iter().any(|d| d.code == "model::syntax") {
        assert_eq!(streamed, input.document.projects.len());
    }
});
