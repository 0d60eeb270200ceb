//! A configuration and a policy together, both from the fuzzer (split at the first NUL): the
//! policy loads and compiles or reports, the configuration applies its rule ids and parameters to
//! it or reports, and the result checks a real form — never a panic.
#![no_main]

use jixiao::config::Config;
use jixiao::policy::PolicyLoader;
use jixiao::read::Input;
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;

const FORM: &str = include_str!("../../tests/fixtures/qiannan-hrss-2025.txt");

fn form() -> &'static Input {
    static INPUT: OnceLock<Input> = OnceLock::new();
    INPUT.get_or_init(|| Input::from_bytes("form.txt", FORM.as_bytes()))
}

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let (config, policy) = data.split_at(split);
    let policy = policy.get(1..).unwrap_or_default();
    // `extends` and `import` would read the fuzzer's working directory.
    let names_files = |b: &[u8]| b.windows(6).any(|w| w == b"extend" || w == b"import");
    if names_files(config) || names_files(policy) {
        return;
    }
    let Ok(policy) = std::str::from_utf8(policy) else {
        return;
    };
    let mut loader = PolicyLoader::new();
    loader.add_source("fuzz.jxp", policy);
    let mut set = loader.finish().policy;
    if let Ok(config) = Config::parse(Path::new("jixiao.toml"), config) {
        let _ = config.apply_to(&mut set);
        let input = form();
        let _ = set.check_projects(&input.document.projects, "form.txt", |_| true);
    }
});
