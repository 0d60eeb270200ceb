//! Options shared by the commands that load policies (`check`, `rules`, `explain`).

use crate::cli::{ColorChoice, exit, stderr_is_terminal};
use crate::policy::{Loaded, PolicyLoader, PolicySet};
use crate::report::{HumanOptions, render_human};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args, Clone, Default)]
pub struct PolicyArgs {
    /// Load a policy file (repeatable); its imports are loaded too.
    #[arg(long = "policy", value_name = "FILE")]
    pub policies: Vec<PathBuf>,
    /// Do not load the built-in default pack.
    #[arg(long)]
    pub no_default_policy: bool,
    /// Set a policy parameter, e.g. `--param min_satisfaction=95%` (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
}

impl PolicyArgs {
    /// Load and check the policies. On errors, print them and return the exit code to use.
    pub fn load(&self, color: ColorChoice) -> Result<PolicySet, u8> {
        let mut loader = PolicyLoader::new();
        if !self.no_default_policy
            && let Err(e) = loader.add_builtin_pack("default")
        {
            eprintln!("error[policy::builtin]: {e}");
            return Err(exit::TROUBLE);
        }
        for path in &self.policies {
            if let Err(err) = loader.add_file(path) {
                eprintln!(
                    "error[policy::unreadable]: 无法读取规则文件 {}: {err}",
                    path.display()
                );
                return Err(exit::TROUBLE);
            }
        }
        let loaded = loader.finish();
        print_policy_diagnostics(&loaded, color);
        if loaded.has_errors() {
            eprintln!("规则文件有错误，未进行检查");
            return Err(exit::TROUBLE);
        }
        let mut policy = loaded.policy;
        for assignment in &self.params {
            let Some((name, value)) = assignment.split_once('=') else {
                eprintln!("error[usage]: --param 应写作 NAME=VALUE，这里是 “{assignment}”");
                return Err(exit::TROUBLE);
            };
            if let Err(e) = policy.set_param(name.trim(), value.trim()) {
                eprintln!("error[usage]: 参数 {}: {e}", name.trim());
                return Err(exit::TROUBLE);
            }
        }
        Ok(policy)
    }
}

fn print_policy_diagnostics(loaded: &Loaded, color: ColorChoice) {
    let reports = loaded.reports();
    if reports.is_empty() {
        return;
    }
    let options = HumanOptions {
        color: color.enabled(stderr_is_terminal()),
        ..HumanOptions::default()
    };
    let _ = render_human(&reports, &options, &mut std::io::stderr().lock());
}
