//! Every example in docs/policy-language.md is loaded and run on the sample; the docs name every
//! field and function the language has.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::*;
use std::collections::BTreeMap;

struct Block {
    line: usize,
    info: String,
    text: String,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    for (n, line) in markdown.lines().enumerate() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => {
                current = Some(Block {
                    line: n + 1,
                    info: info.trim().to_owned(),
                    text: String::new(),
                })
            }
            (Some(_), Some("")) => out.extend(current.take()),
            (Some(b), _) => {
                b.text.push_str(line);
                b.text.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

/// `# expect RULE: 7, 14` → RULE → [7, 14]; `none` → [].
fn expectations(text: &str) -> BTreeMap<String, Vec<usize>> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("# expect "))
        .map(|l| {
            let (rule, forms) = l.split_once(':').unwrap();
            let forms = forms.trim();
            let forms = if forms == "none" {
                Vec::new()
            } else {
                forms
                    .split(',')
                    .map(|f| f.trim().parse().unwrap())
                    .collect()
            };
            (rule.trim().to_owned(), forms)
        })
        .collect()
}

#[test]
fn every_policy_example_runs_as_documented() {
    let doc = std::fs::read_to_string("docs/policy-language.md").unwrap();
    let sample = sample();
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for block in blocks(&doc) {
        match block.info.as_str() {
            "jxp" => {
                let loaded = load(&block.text);
                assert!(
                    loaded.diagnostics.is_empty(),
                    "example at docs/policy-language.md:{} does not load cleanly:\n{}",
                    block.line,
                    render_policy(&loaded)
                );
                let expected = expectations(&block.text);
                // `# input PATH`: run on that file instead of the sample.
                let other = block
                    .text
                    .lines()
                    .find_map(|l| l.trim().strip_prefix("# input "))
                    .map(|path| {
                        jixiao::read::Input::read(std::path::Path::new(path.trim())).unwrap()
                    });
                let target = other.as_ref().unwrap_or(&sample);
                let findings = loaded.policy.check_projects(
                    &target.document.projects,
                    target.source.name(),
                    |_| true,
                );
                for rule in &loaded.policy.rules {
                    let want = expected.get(&rule.id).unwrap_or_else(|| {
                        panic!(
                            "docs/policy-language.md:{}: no `# expect {}:` line",
                            block.line, rule.id
                        )
                    });
                    let mut got = fired_on(&findings, &rule.id);
                    got.sort_unstable();
                    if &got != want {
                        mismatches.push(format!("docs/policy-language.md:{}: rule {} fired on {got:?}, documented {want:?}", block.line, rule.id));
                    }
                    checked += 1;
                }
                assert!(
                    findings.iter().all(|f| f.code != "policy::runtime-error"),
                    "{findings:#?}"
                );
            }
            "jxp-error" => {
                let loaded = load(&block.text);
                let codes: Vec<&str> = loaded
                    .diagnostics
                    .iter()
                    .map(|(_, d)| d.code.as_str())
                    .collect();
                for line in block
                    .text
                    .lines()
                    .filter_map(|l| l.trim().strip_prefix("# error: "))
                {
                    assert!(
                        codes.contains(&line.trim()),
                        "docs/policy-language.md:{}: expected {line}, got {codes:?}",
                        block.line
                    );
                }
                assert!(loaded.has_errors());
            }
            _ => {}
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    assert!(
        checked >= 20,
        "only {checked} documented rules were checked"
    );
}

#[test]
fn the_docs_name_every_field_and_function() {
    let doc = std::fs::read_to_string("docs/policy-language.md").unwrap();
    for field in jixiao::policy::types::schema() {
        assert!(
            doc.contains(&format!("`{}`", field.name)),
            "field {} is not documented",
            field.name
        );
    }
    for (name, ..) in jixiao::policy::types::FUNCTIONS {
        assert!(
            doc.contains(&format!("`{name}(")),
            "function {name} is not documented"
        );
    }
    for aggregate in jixiao::policy::ast::Aggregate::ALL {
        let name = aggregate.name();
        assert!(
            doc.contains(&format!("`{name}(")),
            "aggregate {name} is not documented"
        );
    }
}
