//! Any bytes as jixiao.toml: a configuration or diagnostics with spans inside the file, never a
//! panic; a configuration that loads applies to the default pack without one.
#![no_main]

use jixiao::config::Config;
use jixiao::policy::PolicyLoader;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    // `extends` would read the fuzzer's working directory.
    if data.windows(7).any(|w| w == b"extends") {
        return;
    }
    match Config::parse(Path::new("jixiao.toml"), data) {
        Ok(config) => {
            let mut loader = PolicyLoader::new();
            let _ = loader.add_builtin_pack("default");
            let mut policy = loader.finish().policy;
            let _ = config.apply_to(&mut policy);
            let _ = config.describe();
        }
        Err(errors) => {
            for (source, d) in &errors {
                if let Some(p) = &d.primary {
                    assert!(p.span.end <= source.text().len(), "{d:?}");
                }
            }
        }
    }
});
