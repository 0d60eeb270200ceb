//! `jixiao test`: run policy tests.

use crate::cli::policies::{ConfigArgs, PolicyArgs, print_diagnostics};
use crate::cli::{ColorChoice, exit};
use crate::policy::PolicySet;
use crate::testing::{
    Form, TestCase, TestFile, example_cases, find_test_files, load_test_file, run_case, uncovered,
};
use clap::Args;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Test files (`*.test.toml`) or directories to search for them. The inline examples of every
    /// loaded rule always run.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// List the rules that no test exercises.
    #[arg(long)]
    pub coverage: bool,
    /// Print only failures and the summary.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: &TestArgs) -> u8 {
    let config = match args.config.load(ColorChoice::Auto) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let policy = match args.policy.load(&config, ColorChoice::Auto) {
        Ok(p) => p,
        Err(code) => return code,
    };
    // Test files that name policy files or parameters run against a set of their own; every
    // other test runs against the set the command line and configuration load.
    let mut own_sets: Vec<(PolicySet, Vec<TestCase>)> = Vec::new();
    let mut cases: Vec<TestCase> = example_cases(&policy);
    let mut examples_of: HashSet<String> = policy.rules.iter().map(|r| r.id.clone()).collect();
    let mut trouble = false;
    // Sources whose load warnings were already printed.
    let mut shown: Vec<String> = policy.sources.iter().map(|s| s.name().to_owned()).collect();
    for file in find_test_files(&args.paths) {
        let test_file = match load_test_file(&file) {
            Ok(t) => t,
            Err(diags) => {
                print_diagnostics(&diags, ColorChoice::Auto);
                trouble = true;
                continue;
            }
        };
        if !test_file.needs_own_policies() {
            cases.extend(test_file.cases);
            continue;
        }
        match own_policy_set(args, &config, &test_file, &shown) {
            Some((own, defaults)) => {
                // The examples of rules only this file loads run once, with the parameters
                // their policy declares: a test file's [params] are for its own tests.
                let examples_set = defaults.as_ref().unwrap_or(&own);
                let examples: Vec<TestCase> = example_cases(examples_set)
                    .into_iter()
                    .filter(|c| match &c.form {
                        Form::Example { rule, .. } => !examples_of.contains(rule),
                        _ => true,
                    })
                    .collect();
                examples_of.extend(own.rules.iter().map(|r| r.id.clone()));
                shown.extend(own.sources.iter().map(|s| s.name().to_owned()));
                match defaults {
                    Some(defaults) => {
                        own_sets.push((defaults, examples));
                        own_sets.push((own, test_file.cases));
                    }
                    None => {
                        let mut own_cases = examples;
                        own_cases.extend(test_file.cases);
                        own_sets.push((own, own_cases));
                    }
                }
            }
            None => trouble = true,
        }
    }
    let mut out = String::new();
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut origin = String::new();
    let runs = std::iter::once((&policy, &cases))
        .chain(own_sets.iter().map(|(set, cases)| (set, cases)))
        .flat_map(|(set, cases)| cases.iter().map(move |case| (set, case)));
    for (set, case) in runs {
        let result = run_case(set, case);
        if case.origin != origin {
            origin = case.origin.clone();
            if !args.quiet {
                let _ = writeln!(out, "{origin}");
            }
        }
        if result.passed {
            passed += 1;
            if !args.quiet {
                let _ = writeln!(out, "  ✓ {}", case.name);
            }
            continue;
        }
        failed += 1;
        if args.quiet {
            let _ = writeln!(out, "{origin}");
        }
        let _ = writeln!(out, "  ✗ {}", case.name);
        if let Some(e) = &result.error {
            let _ = writeln!(out, "      错误：{e}");
        }
        if !result.missing.is_empty() {
            let _ = writeln!(out, "      期望有、实际没有：");
            for m in &result.missing {
                let _ = writeln!(out, "        - {m}");
            }
        }
        if !result.unexpected.is_empty() {
            let _ = writeln!(out, "      实际有、期望没有：");
            for u in &result.unexpected {
                let _ = writeln!(out, "        + {u}");
            }
        }
    }
    if args.coverage {
        let all_cases: Vec<TestCase> = cases
            .iter()
            .chain(own_sets.iter().flat_map(|(_, c)| c))
            .cloned()
            .collect();
        let rules = std::iter::once(&policy)
            .chain(own_sets.iter().map(|(set, _)| set))
            .flat_map(|set| set.rules.iter().map(|r| r.id.as_str()));
        let missing = uncovered(rules, &all_cases);
        if missing.is_empty() {
            let _ = writeln!(out, "覆盖：每条规则都有测试触发");
        } else {
            let _ = writeln!(out, "没有测试触发的规则（{} 条）：", missing.len());
            for id in missing {
                let _ = writeln!(out, "  {id}");
            }
        }
    }
    let _ = writeln!(out, "结果：{passed} 个通过，{failed} 个失败");
    let code = if trouble {
        exit::TROUBLE
    } else if failed > 0 {
        exit::FINDINGS
    } else {
        exit::OK
    };
    crate::cli::output::print(&out, code)
}

/// The policies a test file names, loaded besides the command line's, with its parameters set;
/// and, when it sets parameters, the same set without them (for the rules' own examples).
/// `None` when they cannot be loaded (the problems are printed).
fn own_policy_set(
    args: &TestArgs,
    config: &crate::config::Config,
    test_file: &TestFile,
    shown: &[String],
) -> Option<(PolicySet, Option<PolicySet>)> {
    let missing: crate::config::ConfigDiagnostics = test_file
        .policies
        .iter()
        .filter(|(path, _)| !path.to_string_lossy().starts_with("builtin:") && !path.is_file())
        .map(|(path, span)| {
            (
                test_file.source.clone(),
                crate::diagnostic::Diagnostic::error(
                    "test::policy-not-found",
                    format!("找不到规则文件 {}", path.display()),
                )
                .with_primary(*span, Some("路径相对于本测试文件".into())),
            )
        })
        .collect();
    if !missing.is_empty() {
        print_diagnostics(&missing, ColorChoice::Auto);
        return None;
    }
    let paths: Vec<PathBuf> = test_file.policies.iter().map(|(p, _)| p.clone()).collect();
    let load = |shown: &[String]| {
        args.policy
            .load_with(
                config,
                &paths,
                test_file.default_policy,
                shown,
                ColorChoice::Auto,
            )
            .ok()
    };
    let mut own = load(shown)?;
    let defaults = if test_file.params.is_empty() {
        None
    } else {
        // Loaded again (its warnings were printed with the first).
        let all: Vec<String> = own.sources.iter().map(|s| s.name().to_owned()).collect();
        Some(load(&all)?)
    };
    let problems = test_file.apply_params(&mut own);
    if problems.is_empty() {
        Some((own, defaults))
    } else {
        print_diagnostics(&problems, ColorChoice::Auto);
        None
    }
}
