//! `jixiao rules` and `jixiao explain`: what the loaded policies contain.

use crate::cli::policies::{ConfigArgs, PolicyArgs};
use crate::cli::{ColorChoice, exit};
use crate::policy::ast::ExampleKind;
use crate::policy::ir::CompiledRule;
use crate::policy::runtime::Val;
use crate::policy::types::suggest;
use crate::policy::{Origin, PolicySet};
use clap::{Args, ValueEnum};
use serde_json::json;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ListFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[arg(long, value_enum, default_value_t)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id, e.g. `funds.cost-within-total`.
    pub rule: String,
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

fn location(policy: &PolicySet, rule: &CompiledRule) -> String {
    let source = policy.sources.get(rule.source);
    let position = source.map(|s| s.position(rule.id_span.start));
    match (source, position) {
        (Some(s), Some(p)) => format!("{}:{}:{}", s.name(), p.line, p.column),
        _ => String::new(),
    }
}

pub fn run_rules(args: &RulesArgs) -> u8 {
    let config = match args.config.load(ColorChoice::Auto) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let policy = match args.policy.load(&config, ColorChoice::Auto) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let text = match args.format {
        ListFormat::Json => {
            let rules: Vec<_> = policy
                .rules
                .iter()
                .map(|r| {
                    json!({
                        "id": r.id,
                        "severity": r.severity,
                        "title": r.title,
                        "tags": r.tags,
                        "source": location(&policy, r),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&json!({ "rules": rules })).unwrap_or_default()
        }
        ListFormat::Text => {
            let width = policy.rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
            let mut out = String::new();
            for r in &policy.rules {
                let _ = writeln!(
                    out,
                    "{:<width$}  {:<7}  {}",
                    r.id,
                    r.severity.as_str(),
                    r.title.as_deref().unwrap_or("")
                );
            }
            let _ = write!(out, "共 {} 条规则", policy.rules.len());
            out
        }
    };
    crate::cli::output::print(&format!("{text}\n"), exit::OK)
}

pub fn run_explain(args: &ExplainArgs) -> u8 {
    let config = match args.config.load(ColorChoice::Auto) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let policy = match args.policy.load(&config, ColorChoice::Auto) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let Some(rule) = policy.rule(&args.rule) else {
        let hint = suggest(&args.rule, policy.rules.iter().map(|r| r.id.as_str()))
            .map(|s| format!("是否应为 {s}？"))
            .unwrap_or_else(|| "jixiao rules 列出全部规则。".to_owned());
        crate::errln!("error[usage]: 没有规则 {}。{hint}", args.rule);
        return exit::TROUBLE;
    };
    crate::cli::output::print(&explain(&policy, rule), exit::OK)
}

/// The text `jixiao explain` prints for a rule.
pub fn explain(policy: &PolicySet, rule: &CompiledRule) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}（{}）", rule.id, rule.severity);
    if let Some(title) = &rule.title {
        let _ = writeln!(out, "{title}");
    }
    if let Some(doc) = &rule.doc {
        let _ = writeln!(out, "\n{doc}");
    }
    let _ = writeln!(out);
    if !rule.tags.is_empty() {
        let _ = writeln!(out, "标签：{}", rule.tags.join("、"));
    }
    let _ = writeln!(out, "定义于：{}", location(policy, rule));
    // The rule as written: what it checks, exactly.
    if let Some(source) = policy.sources.get(rule.source) {
        let text = source.slice(rule.span);
        if !text.is_empty() {
            let first = source.line_number(rule.span.start);
            let _ = writeln!(out, "规则原文：");
            for (k, line) in text.lines().enumerate() {
                let _ = writeln!(out, "  {:>4} │ {line}", first + k);
            }
        }
    }
    if rule.params.is_empty() {
        let _ = writeln!(out, "参数：无");
    } else {
        let _ = writeln!(out, "参数：");
        for p in rule.params.iter().filter_map(|i| policy.params.get(*i)) {
            let value = Val::from_const(&p.value);
            let default = Val::from_const(&p.default);
            let _ = writeln!(
                out,
                "  {}: {} = {}（默认 {}）",
                p.name, p.ty, value, default
            );
        }
    }
    if !rule.examples.is_empty() {
        let _ = writeln!(out, "示例：");
        for example in &rule.examples {
            let outcome = match (example.kind, example.expect) {
                (ExampleKind::Pass, _) => "通过（没有发现）".to_owned(),
                (ExampleKind::Fail, Some(n)) => format!("不通过（{n} 条发现）"),
                (ExampleKind::Fail, None) => "不通过".to_owned(),
            };
            let _ = writeln!(out, "  {} — {outcome}", example.path);
            if let Ok(bytes) = policy.example_text(rule, &example.path) {
                for line in String::from_utf8_lossy(&bytes)
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                {
                    let _ = writeln!(out, "    │ {}", line.replace('\t', "  "));
                }
            }
        }
    }
    if let Some(Origin::File(path)) = policy.origins.get(rule.source) {
        let _ = writeln!(out, "规则文件：{}", path.display());
    }
    out
}
