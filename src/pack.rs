//! Policy packs embedded in the binary, so `jixiao check` works with no configuration.
//!
//! The list is written out by hand (no build script); a test checks that it matches the files
//! under `policies/`.

/// Every embedded file: policy sources (`.jxp`) and the example forms their rules name.
pub const FILES: &[(&str, &str)] = &[];

/// Policy files of a pack, in load order.
pub fn pack_files(name: &str) -> Option<Vec<&'static str>> {
    let prefix = format!("{name}/");
    let files: Vec<&'static str> = FILES
        .iter()
        .map(|(path, _)| *path)
        .filter(|p| p.starts_with(&prefix) && p.ends_with(".jxp"))
        .collect();
    (!files.is_empty()).then_some(files)
}

/// An embedded file by its path under `policies/`.
pub fn builtin_file(path: &str) -> Option<&'static str> {
    FILES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, text)| *text)
}
