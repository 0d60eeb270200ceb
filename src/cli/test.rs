//! `jixiao test`: run policy tests.

use crate::cli::policies::{ConfigArgs, PolicyArgs, print_diagnostics};
use crate::cli::{ColorChoice, exit};
use crate::testing::{
    TestCase, example_cases, find_test_files, load_test_file, run_case, uncovered,
};
use clap::Args;
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
    let mut cases: Vec<TestCase> = example_cases(&policy);
    let mut trouble = false;
    for file in find_test_files(&args.paths) {
        match load_test_file(&file) {
            Ok(more) => cases.extend(more),
            Err(diags) => {
                print_diagnostics(&diags, ColorChoice::Auto);
                trouble = true;
            }
        }
    }
    let mut out = String::new();
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut origin = String::new();
    for case in &cases {
        let result = run_case(&policy, case);
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
        let missing = uncovered(&policy, &cases);
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
