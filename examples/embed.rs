//! Check forms from a Rust program with `jixiao::linter::Linter`, as `jixiao check` would:
//!
//!     cargo run --example embed -- tests/fixtures/qiannan-hrss-2025.txt [jixiao.toml]
//!
//! Prints each finding as `file:line:column: severity[rule] message` and exits 1 when there is
//! an error-level finding.

use jixiao::diagnostic::Severity;
use jixiao::linter::Linter;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(form) = args.next() else {
        eprintln!("usage: embed FORM [jixiao.toml]");
        return ExitCode::from(2);
    };
    let mut builder = Linter::builder();
    if let Some(config) = args.next() {
        builder = builder.config_file(config);
    }
    let linter = match builder.build() {
        Ok(linter) => linter,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let report = match linter.lint_path(Path::new(&form)) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("{form}: {e}");
            return ExitCode::from(2);
        }
    };
    for f in &report.findings {
        let place = f
            .cell
            .clone()
            .unwrap_or_else(|| format!("{}:{}", f.line, f.column));
        println!(
            "{}:{place}: {}[{}] {}",
            report.file, f.severity, f.rule, f.message
        );
    }
    println!("{} 张表，{} 条发现", report.forms, report.findings.len());
    if report
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error)
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
