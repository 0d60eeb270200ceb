//! Policy packs embedded in the binary, so `jixiao check` works with no configuration.
//!
//! The list is written out by hand (no build script); a test checks that it matches the files
//! under `policies/`.

/// Every embedded file: policy sources (`.jxp`) and the example forms their rules name.
pub const FILES: &[(&str, &str)] = &[
    (
        "default/funds.jxp",
        include_str!("../policies/default/funds.jxp"),
    ),
    (
        "default/goals.jxp",
        include_str!("../policies/default/goals.jxp"),
    ),
    (
        "default/indicators.jxp",
        include_str!("../policies/default/indicators.jxp"),
    ),
    (
        "default/project.jxp",
        include_str!("../policies/default/project.jxp"),
    ),
    (
        "default/examples/comparator-direction.txt",
        include_str!("../policies/default/examples/comparator-direction.txt"),
    ),
    (
        "default/examples/core-indicator-mark.txt",
        include_str!("../policies/default/examples/core-indicator-mark.txt"),
    ),
    (
        "default/examples/no-level3.txt",
        include_str!("../policies/default/examples/no-level3.txt"),
    ),
    (
        "default/examples/star-in-unit.txt",
        include_str!("../policies/default/examples/star-in-unit.txt"),
    ),
    (
        "default/examples/template-hint-in-name.txt",
        include_str!("../policies/default/examples/template-hint-in-name.txt"),
    ),
    (
        "default/examples/cost-equal-halves.txt",
        include_str!("../policies/default/examples/cost-equal-halves.txt"),
    ),
    (
        "default/examples/cost-total-line.txt",
        include_str!("../policies/default/examples/cost-total-line.txt"),
    ),
    (
        "default/examples/cost-parts-and-unit-costs.txt",
        include_str!("../policies/default/examples/cost-parts-and-unit-costs.txt"),
    ),
    (
        "default/examples/reduction-and-leverage.txt",
        include_str!("../policies/default/examples/reduction-and-leverage.txt"),
    ),
    (
        "default/examples/cost-in-money.txt",
        include_str!("../policies/default/examples/cost-in-money.txt"),
    ),
    (
        "default/examples/cost-over-total.txt",
        include_str!("../policies/default/examples/cost-over-total.txt"),
    ),
    (
        "default/examples/deadline.txt",
        include_str!("../policies/default/examples/deadline.txt"),
    ),
    (
        "default/examples/duplicate-indicator.txt",
        include_str!("../policies/default/examples/duplicate-indicator.txt"),
    ),
    (
        "default/examples/duplicate-project.txt",
        include_str!("../policies/default/examples/duplicate-project.txt"),
    ),
    (
        "default/examples/funds-breakdown.txt",
        include_str!("../policies/default/examples/funds-breakdown.txt"),
    ),
    (
        "default/examples/goal-numbering.txt",
        include_str!("../policies/default/examples/goal-numbering.txt"),
    ),
    (
        "default/examples/good.txt",
        include_str!("../policies/default/examples/good.txt"),
    ),
    (
        "default/examples/level-hierarchy.txt",
        include_str!("../policies/default/examples/level-hierarchy.txt"),
    ),
    (
        "default/examples/low-satisfaction.txt",
        include_str!("../policies/default/examples/low-satisfaction.txt"),
    ),
    (
        "default/examples/misfiled-satisfaction.txt",
        include_str!("../policies/default/examples/misfiled-satisfaction.txt"),
    ),
    (
        "default/examples/missing-level1.txt",
        include_str!("../policies/default/examples/missing-level1.txt"),
    ),
    (
        "default/examples/name-length.txt",
        include_str!("../policies/default/examples/name-length.txt"),
    ),
    (
        "default/examples/no-goals.txt",
        include_str!("../policies/default/examples/no-goals.txt"),
    ),
    (
        "default/examples/output-dimensions.txt",
        include_str!("../policies/default/examples/output-dimensions.txt"),
    ),
    (
        "default/examples/percent-over-100.txt",
        include_str!("../policies/default/examples/percent-over-100.txt"),
    ),
    (
        "default/examples/cost-sum-with-rate.txt",
        include_str!("../policies/default/examples/cost-sum-with-rate.txt"),
    ),
    (
        "default/examples/placeholder.txt",
        include_str!("../policies/default/examples/placeholder.txt"),
    ),
    (
        "default/examples/placeholder-rows.txt",
        include_str!("../policies/default/examples/placeholder-rows.txt"),
    ),
    (
        "default/examples/qualitative-benefit.txt",
        include_str!("../policies/default/examples/qualitative-benefit.txt"),
    ),
    (
        "default/examples/quantify-output.txt",
        include_str!("../policies/default/examples/quantify-output.txt"),
    ),
    (
        "default/examples/satisfaction-not-percent.txt",
        include_str!("../policies/default/examples/satisfaction-not-percent.txt"),
    ),
    (
        "default/examples/unit-consistency.txt",
        include_str!("../policies/default/examples/unit-consistency.txt"),
    ),
    (
        "default/examples/value-unit.txt",
        include_str!("../policies/default/examples/value-unit.txt"),
    ),
    (
        "default/examples/zero-total.txt",
        include_str!("../policies/default/examples/zero-total.txt"),
    ),
];

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

#[cfg(test)]
mod tests {
    use super::*;

    /// The embedded list is written by hand: it must match the files under `policies/`.
    #[test]
    fn embedded_files_match_the_policies_directory() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
        let mut on_disk = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path
                        .strip_prefix(&root)
                        .unwrap()
                        .display()
                        .to_string()
                        .replace('\\', "/");
                    on_disk.push(rel);
                }
            }
        }
        on_disk.sort();
        let mut embedded: Vec<String> = FILES.iter().map(|(p, _)| (*p).to_owned()).collect();
        embedded.sort();
        assert_eq!(embedded, on_disk, "update FILES in src/pack.rs");
    }

    #[test]
    fn default_pack_files_are_listed() {
        let files = pack_files("default").unwrap();
        assert!(files.contains(&"default/funds.jxp"));
        assert!(files.iter().all(|f| f.ends_with(".jxp")));
        assert!(pack_files("nope").is_none());
    }
}
