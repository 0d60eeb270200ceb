//! Argument groups shared by the commands: the configuration file, the policies to load, and the
//! settings that override the configuration.

use crate::cli::{ColorChoice, exit, stderr_is_terminal};
use crate::config::{Config, ConfigDiagnostics, Provenance, discover};
use crate::diagnostic::Severity;
use crate::policy::PolicySet;
use crate::report::{FileReport, Format, HumanOptions, render_human};
use clap::Args;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Args, Clone, Default)]
pub struct ConfigArgs {
    /// Use this configuration file instead of the `jixiao.toml` found above the working directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any `jixiao.toml`.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
}

#[derive(Debug, Args, Clone, Default)]
pub struct PolicyArgs {
    /// Load a policy file as well (repeatable); its imports are loaded too.
    #[arg(long = "policy", value_name = "FILE")]
    pub policies: Vec<PathBuf>,
    /// Do not load the built-in default pack.
    #[arg(long)]
    pub no_default_policy: bool,
    /// Set a policy parameter, e.g. `--param min_satisfaction=95%` (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct SettingsArgs {
    /// Run only these rules: ids or prefixes, comma-separated (replaces the configured list).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,
    /// Add to the rules to run.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<String>,
    /// Do not report these rules or reader codes (replaces the configured list).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Option<Vec<String>>,
    /// Add to the rules not to report.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_ignore: Vec<String>,
    /// File names to check in directories (glob, repeatable; replaces the default: every input
    /// format — `*.txt *.json *.toml *.csv *.xlsx *.xlsm *.xls *.ods *.html *.htm *.docx *.pdf`).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// File or directory names to skip in directories (glob, repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// The lowest severity that makes the exit code 1.
    #[arg(long, value_enum)]
    pub fail_level: Option<Severity>,
    /// Exit with 1 when there are more warnings than this.
    #[arg(long, value_name = "N")]
    pub max_warnings: Option<u64>,
}

/// Render configuration or policy problems on standard error.
pub fn print_diagnostics(diags: &ConfigDiagnostics, color: ColorChoice) {
    let mut reports: Vec<FileReport> = Vec::new();
    for (source, d) in diags {
        match reports.iter_mut().find(|r| Arc::ptr_eq(&r.source, source)) {
            Some(r) => r.diagnostics.push(d.clone()),
            None => reports.push(FileReport::new(source.clone(), vec![d.clone()], 0)),
        }
    }
    let options = HumanOptions {
        color: color.enabled(stderr_is_terminal()),
        ..HumanOptions::default()
    };
    let _ = render_human(&reports, &options, &mut std::io::stderr().lock());
}

impl ConfigArgs {
    /// The configuration: `--config`, else the nearest `jixiao.toml`, else the defaults.
    pub fn load(&self, color: ColorChoice) -> Result<Config, u8> {
        if self.no_config {
            return Ok(Config::default());
        }
        // A file named on the command line is the user's choice; one found by searching came
        // with the files and may only read below its repository.
        let (path, root) = match &self.config {
            Some(p) => (Some(p.clone()), None),
            None => {
                let found = std::env::current_dir().ok().and_then(|cwd| discover(&cwd));
                let root = found.as_deref().and_then(crate::limits::trust_root);
                (found, root)
            }
        };
        let Some(path) = path else {
            return Ok(Config::default());
        };
        load_config(&path, root, color)
    }

    /// Whether one configuration applies to every file (`--config`, `--no-config`); otherwise
    /// each file uses the `jixiao.toml` nearest it.
    pub fn is_fixed(&self) -> bool {
        self.no_config || self.config.is_some()
    }

    /// The configuration [`ConfigArgs::load`] reads, when it reads one.
    pub fn path(&self) -> Option<PathBuf> {
        if self.no_config {
            return None;
        }
        match &self.config {
            Some(p) => Some(p.clone()),
            None => std::env::current_dir().ok().and_then(|cwd| discover(&cwd)),
        }
    }
}

/// Read a configuration found by searching (confined to its repository), reporting its errors.
pub fn load_found_config(path: &std::path::Path, color: ColorChoice) -> Result<Config, u8> {
    load_config(path, crate::limits::trust_root(path), color)
}

fn load_config(
    path: &std::path::Path,
    root: Option<PathBuf>,
    color: ColorChoice,
) -> Result<Config, u8> {
    Config::load_within(path, root).map_err(|diags| {
        print_diagnostics(&diags, color);
        crate::errln!("配置文件有错误，未进行检查");
        exit::TROUBLE
    })
}

impl PolicyArgs {
    /// Load the policies the configuration and the command line name, and set the parameters
    /// (configuration first, then `--param`).
    pub fn load(&self, config: &Config, color: ColorChoice) -> Result<PolicySet, u8> {
        self.load_with(config, &[], None, &[], color)
    }

    /// [`PolicyArgs::load`] with more policy files, and the built-in pack loaded or not as
    /// `default_pack` says (`None`: as the command line says). Warnings in the sources named in
    /// `shown` were printed by an earlier load and are not printed again.
    pub fn load_with(
        &self,
        config: &Config,
        more: &[PathBuf],
        default_pack: Option<bool>,
        shown: &[String],
        color: ColorChoice,
    ) -> Result<PolicySet, u8> {
        let files: Vec<PathBuf> = self.policies.iter().chain(more).cloned().collect();
        let default_pack = default_pack.unwrap_or(!self.no_default_policy);
        let loaded = crate::linter::load_policies(config, &files, &[], default_pack);
        let mut policy = match loaded {
            Ok((policy, mut warnings)) => {
                warnings.retain(|(source, _)| !shown.iter().any(|s| s == source.name()));
                print_diagnostics(&warnings, color);
                policy
            }
            Err(problems) => {
                print_diagnostics(&problems, color);
                let in_config = problems
                    .iter()
                    .any(|(_, d)| d.severity == Severity::Error && d.code.starts_with("config::"));
                crate::errln!(
                    "{}",
                    if in_config {
                        "配置文件有错误，未进行检查"
                    } else {
                        "规则文件有错误，未进行检查"
                    }
                );
                return Err(exit::TROUBLE);
            }
        };
        for assignment in &self.params {
            let Some((name, value)) = assignment.split_once('=') else {
                crate::errln!("error[usage]: --param 应写作 NAME=VALUE，这里是 “{assignment}”");
                return Err(exit::TROUBLE);
            };
            if let Err(e) = policy.set_param(name.trim(), value.trim()) {
                crate::errln!("error[usage]: 参数 {}: {e}", name.trim());
                return Err(exit::TROUBLE);
            }
        }
        Ok(policy)
    }
}

impl SettingsArgs {
    /// Let the command line override the configuration, recording where each value came from.
    pub fn apply(&self, config: &mut Config) {
        if let Some(select) = &self.select {
            config
                .select
                .set(select.clone(), Provenance::CommandLine("--select"));
        }
        if !self.extend_select.is_empty() {
            let mut v = config.select.value.clone();
            v.extend(self.extend_select.iter().cloned());
            config
                .select
                .set(v, Provenance::CommandLine("--extend-select"));
        }
        if let Some(ignore) = &self.ignore {
            config
                .ignore
                .set(ignore.clone(), Provenance::CommandLine("--ignore"));
        }
        if !self.extend_ignore.is_empty() {
            let mut v = config.ignore.value.clone();
            v.extend(self.extend_ignore.iter().cloned());
            config
                .ignore
                .set(v, Provenance::CommandLine("--extend-ignore"));
        }
        if !self.include.is_empty() {
            config
                .include
                .set(self.include.clone(), Provenance::CommandLine("--include"));
        }
        if !self.exclude.is_empty() {
            let mut v = config.exclude.value.clone();
            v.extend(self.exclude.iter().cloned());
            config.exclude.set(v, Provenance::CommandLine("--exclude"));
        }
        if let Some(f) = self.format {
            config.format.set(f, Provenance::CommandLine("--format"));
        }
        if let Some(l) = self.fail_level {
            config
                .fail_level
                .set(l, Provenance::CommandLine("--fail-level"));
        }
        if let Some(m) = self.max_warnings {
            config
                .max_warnings
                .set(Some(m), Provenance::CommandLine("--max-warnings"));
        }
    }
}

/// Report a usage problem; returns the exit code for it.
pub fn usage(message: impl std::fmt::Display) -> u8 {
    crate::errln!("error[usage]: {message}");
    exit::TROUBLE
}
