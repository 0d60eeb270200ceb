//! The `jixiao` command line.

mod check;
mod extract;
mod output;
mod policies;
mod rules;
mod test;

pub use rules::explain;

use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::process::ExitCode;

/// Exit codes shared by every subcommand.
pub mod exit {
    /// No error-severity findings.
    pub const OK: u8 = 0;
    /// Error-severity findings (or parse errors in the input).
    pub const FINDINGS: u8 = 1;
    /// Usage error, unreadable input, invalid policy or configuration.
    pub const TROUBLE: u8 = 2;
}

#[derive(Debug, Parser)]
#[command(
    name = "jixiao",
    version,
    about = "绩效目标表检查工具 — lint Chinese budget performance-target forms against policies",
    long_about = None,
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Worker threads for reading and checking, 1–256 (default: one per core; also
    /// RAYON_NUM_THREADS).
    #[arg(long, short = 'j', global = true, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS))]
    pub threads: Option<u16>,
    /// Read at most this much of one document: bytes, or with K, M or G (default 1G).
    #[arg(long, global = true, value_name = "SIZE", value_parser = parse_size)]
    pub max_input_size: Option<u64>,
}

/// `1048576`, `64K`, `512M`, `2G`.
fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (digits, scale) = match text.char_indices().last() {
        Some((i, 'K' | 'k')) => (text.get(..i).unwrap_or(""), 1u64 << 10),
        Some((i, 'M' | 'm')) => (text.get(..i).unwrap_or(""), 1 << 20),
        Some((i, 'G' | 'g')) => (text.get(..i).unwrap_or(""), 1 << 30),
        _ => (text, 1),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("“{text}” 不是大小（如 1048576、64M、2G）"))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check forms against the policies and report every finding.
    Check(check::CheckArgs),
    /// Print the form model read from each file as JSON (default) or TOML.
    Extract(extract::ExtractArgs),
    /// List the loaded rules.
    Rules(rules::RulesArgs),
    /// Show a rule's documentation, parameters and examples.
    Explain(rules::ExplainArgs),
    /// Print the effective configuration and where each value came from.
    Config(check::ConfigCommandArgs),
    /// Run policy tests: every rule's examples and `*.test.toml` files.
    Test(test::TestArgs),
    /// Print the JSON Schema of the model that `extract` prints and JSON/TOML inputs follow.
    Schema,
}

/// The JSON Schema of the form model.
pub const MODEL_SCHEMA: &str = include_str!("../../schemas/model.schema.json");

/// When to colour human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Resolve `auto` for a stream: colour on a terminal unless `NO_COLOR` is set (non-empty).
    pub fn enabled(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// The most worker threads `-j` accepts.
pub const MAX_THREADS: i64 = 256;

/// Build the worker pool now, so that a machine that will not give us threads (`ulimit -u`)
/// gets a message and a run on the main thread instead of a panic at the first parallel step.
fn start_workers(threads: Option<u16>) -> Result<(), String> {
    // `-j`, else RAYON_NUM_THREADS held to the same limit, else one per core.
    let from_env = || {
        let value = std::env::var("RAYON_NUM_THREADS").ok()?;
        let n = value.trim().parse::<usize>().ok().filter(|n| *n > 0)?;
        let max = usize::try_from(MAX_THREADS).unwrap_or(256);
        if n > max {
            crate::errln!(
                "warning[threads]: RAYON_NUM_THREADS={n} 超过上限 {MAX_THREADS}，改用 {MAX_THREADS}"
            );
        }
        Some(n.min(max))
    };
    let count = threads.map(usize::from).or_else(from_env).unwrap_or(0);
    let wanted = rayon::ThreadPoolBuilder::new().num_threads(count);
    let Err(e) = wanted.build_global() else {
        return Ok(());
    };
    crate::errln!("warning[threads]: 无法创建工作线程（{e}），改为只用主线程");
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build_global()
        .map_err(|e| e.to_string())
}

/// Parse the command line and run it.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // `--help` and `--version` go to standard output, whose failure is reported like any
        // other command's (clap would ignore it and exit 0).
        Err(e)
            if matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            ) =>
        {
            let mut text = e.render().to_string();
            if !text.ends_with('\n') {
                text.push('\n');
            }
            return ExitCode::from(output::print(&text, exit::OK));
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(exit::TROUBLE));
        }
    };
    if let Some(bytes) = cli.max_input_size {
        crate::limits::set_max_input_bytes(bytes);
    }
    if let Err(e) = start_workers(cli.threads) {
        crate::errln!("error[threads]: 无法运行：{e}");
        return ExitCode::from(exit::TROUBLE);
    }
    let code = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Extract(args) => extract::run(&args),
        Command::Rules(args) => rules::run_rules(&args),
        Command::Explain(args) => rules::run_explain(&args),
        Command::Config(args) => check::run_config(&args),
        Command::Test(args) => test::run(&args),
        Command::Schema => output::print(MODEL_SCHEMA, exit::OK),
    };
    ExitCode::from(code)
}
