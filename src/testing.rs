//! Policy tests: every rule's inline `example`s, and test files (`*.test.toml`) that pair a small
//! form with the findings expected.
//!
//! ```toml
//! [[test]]
//! name = "发放准确率低于 100% 被报告"
//! form = "forms/jiuye.txt"              # relative to this file; or form-text = '''…'''
//! rules = ["local.payout-accuracy"]     # which rules to run (default: every rule loaded)
//! expect = [
//!   { rule = "local.payout-accuracy", project = "就业补助资金", indicator = "就业见习补贴发放准确率" },
//!   { rule = "local.payout-accuracy", line = 193 },
//! ]
//! ```

use crate::config::ConfigDiagnostics;
use crate::diagnostic::{Diagnostic, Region, Severity};
use crate::lint::pattern_matches;
use crate::policy::PolicySet;
use crate::policy::ast::ExampleKind;
use crate::read::Input;
use crate::read::source::SourceFile;
use crate::span::Span;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawFile {
    /// Policy files this file tests, relative to it; loaded besides the command line's.
    #[serde(default)]
    policies: Vec<Spanned<String>>,
    /// Parameters set for this file's tests (after the configuration and `--param`).
    #[serde(default)]
    params: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    /// Whether the built-in pack is loaded for this file's tests (default: as the command line).
    default_policy: Option<bool>,
    #[serde(default)]
    test: Vec<Spanned<RawTest>>,
}

/// A test file: its tests and what they need loaded.
#[derive(Debug, Clone)]
pub struct TestFile {
    pub source: Arc<SourceFile>,
    /// Policy files named by the file, resolved against its directory, with where they are named.
    pub policies: Vec<(PathBuf, Span)>,
    pub params: Vec<(String, toml::Value, Span)>,
    pub default_policy: Option<bool>,
    pub cases: Vec<TestCase>,
}

impl TestFile {
    /// Whether the tests need a policy set of their own (they name policies or parameters).
    pub fn needs_own_policies(&self) -> bool {
        !self.policies.is_empty() || !self.params.is_empty() || self.default_policy.is_some()
    }

    /// Set the file's parameters; problems point into the test file.
    pub fn apply_params(&self, policy: &mut PolicySet) -> ConfigDiagnostics {
        let mut out = ConfigDiagnostics::new();
        for (name, value, span) in &self.params {
            let Some(param) = policy.param(name) else {
                let names: Vec<&str> = policy.params.iter().map(|p| p.name.as_str()).collect();
                let help = match crate::policy::types::suggest(name, names.iter().copied()) {
                    Some(s) => format!("是否应为 {s}？"),
                    None if names.is_empty() => "已加载的规则没有参数".to_owned(),
                    None => format!("已加载的参数：{}", names.join("、")),
                };
                out.push((
                    self.source.clone(),
                    Diagnostic::error("test::unknown-param", format!("没有名为 {name} 的参数"))
                        .with_primary(*span, Some("未知参数".into()))
                        .with_help(help),
                ));
                continue;
            };
            let ty = param.ty.clone();
            if let Err(message) = crate::config::toml_to_const(value, &ty)
                .and_then(|c| policy.set_param_const(name, c))
            {
                out.push((
                    self.source.clone(),
                    Diagnostic::error(
                        "test::param-type",
                        format!("参数 {name} 的值不对：{message}"),
                    )
                    .with_primary(*span, Some(format!("应为 {ty}"))),
                ));
            }
        }
        out
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawTest {
    name: String,
    form: Option<String>,
    form_text: Option<String>,
    rules: Option<Vec<String>>,
    #[serde(default)]
    expect: Vec<Expected>,
}

/// One finding a test expects. Only the fields given are compared.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    pub rule: String,
    pub project: Option<String>,
    pub indicator: Option<String>,
    pub line: Option<usize>,
    pub severity: Option<Severity>,
    /// A part of the message.
    pub message: Option<String>,
}

impl Expected {
    fn matches(&self, source: &SourceFile, d: &Diagnostic) -> bool {
        let line = d.primary.as_ref().map(|p| Region::of(source, p.span).line);
        d.code == self.rule
            && self
                .project
                .as_ref()
                .is_none_or(|p| d.project.as_ref().is_some_and(|q| &q.name == p))
            && self
                .indicator
                .as_ref()
                .is_none_or(|i| d.indicator.as_deref() == Some(i.as_str()))
            && self.line.is_none_or(|l| line == Some(l))
            && self.severity.is_none_or(|s| s == d.severity)
            && self
                .message
                .as_ref()
                .is_none_or(|m| d.message.contains(m.as_str()))
    }

    fn describe(&self) -> String {
        let mut parts = vec![self.rule.clone()];
        if let Some(p) = &self.project {
            parts.push(format!("项目=“{p}”"));
        }
        if let Some(i) = &self.indicator {
            parts.push(format!("指标=“{i}”"));
        }
        if let Some(l) = self.line {
            parts.push(format!("第 {l} 行"));
        }
        if let Some(s) = self.severity {
            parts.push(format!("{s}"));
        }
        if let Some(m) = &self.message {
            parts.push(format!("消息含“{m}”"));
        }
        parts.join(" ")
    }
}

/// Where a test's form comes from.
#[derive(Debug, Clone)]
pub enum Form {
    File(PathBuf),
    Text(String),
    /// A rule's example, resolved through the policy set.
    Example {
        rule: String,
        path: String,
    },
}

#[derive(Debug, Clone)]
pub enum Expectation {
    /// Exactly these findings (of the rules run).
    Findings(Vec<Expected>),
    /// An `example pass`: no finding of the rule.
    Passes(String),
    /// An `example fail`: at least one finding of the rule (exactly `n` with `expect n`).
    Fails(String, Option<u32>),
}

#[derive(Debug, Clone)]
pub struct TestCase {
    pub name: String,
    /// The test file or policy file it was written in.
    pub origin: String,
    pub form: Form,
    pub rules: Option<Vec<String>>,
    pub expect: Expectation,
}

#[derive(Debug, Clone)]
pub struct TestResult {
    pub case: TestCase,
    pub passed: bool,
    /// Expected but not found.
    pub missing: Vec<String>,
    /// Found but not expected.
    pub unexpected: Vec<String>,
    /// A problem running the test (unreadable form…).
    pub error: Option<String>,
}

/// The inline examples of every rule as test cases.
pub fn example_cases(policy: &PolicySet) -> Vec<TestCase> {
    let mut cases = Vec::new();
    for rule in &policy.rules {
        let origin = policy
            .sources
            .get(rule.source)
            .map(|s| s.name().to_owned())
            .unwrap_or_default();
        for example in &rule.examples {
            let (expect, verb) = match example.kind {
                ExampleKind::Pass => (Expectation::Passes(rule.id.clone()), "pass"),
                ExampleKind::Fail => (Expectation::Fails(rule.id.clone(), example.expect), "fail"),
            };
            cases.push(TestCase {
                name: format!("{} 示例 {verb} {}", rule.id, example.path),
                origin: origin.clone(),
                form: Form::Example {
                    rule: rule.id.clone(),
                    path: example.path.clone(),
                },
                rules: Some(vec![rule.id.clone()]),
                expect,
            });
        }
    }
    cases
}

/// Read a test file. Problems are diagnostics with a code frame in the file.
pub fn load_test_file(path: &Path) -> Result<TestFile, ConfigDiagnostics> {
    let bytes = crate::limits::read_side_file(path).map_err(|e| {
        vec![(
            Arc::new(SourceFile::from_text(path.display().to_string(), "")),
            Diagnostic::error(
                "test::unreadable",
                format!("无法读取测试文件 {}：{e}", path.display()),
            ),
        )]
    })?;
    let (source, _) = SourceFile::decode(path.display().to_string(), &bytes);
    let source = Arc::new(source);
    let raw: RawFile = toml::from_str(source.text()).map_err(|e| {
        let span = e.span().map_or(Span::point(0), Span::from);
        vec![(
            source.clone(),
            Diagnostic::error("test::invalid", format!("测试文件有误：{}", e.message()))
                .with_primary(span, Some("这里".into()))
                .with_help("测试文件的格式见 docs/testing.md"),
        )]
    })?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let policies = raw
        .policies
        .iter()
        .map(|p| {
            // `builtin:default` names a pack built into jixiao, not a file.
            let path = if p.get_ref().starts_with("builtin:") {
                PathBuf::from(p.get_ref())
            } else {
                dir.join(p.get_ref())
            };
            (path, Span::from(p.span()))
        })
        .collect();
    let params = raw
        .params
        .iter()
        .map(|(name, value)| {
            (
                name.get_ref().clone(),
                value.get_ref().clone(),
                Span::from(name.span()),
            )
        })
        .collect();
    let mut cases = Vec::new();
    let mut errors = ConfigDiagnostics::new();
    for test in raw.test {
        let span = Span::from(test.span());
        let t = test.into_inner();
        let form = match (t.form, t.form_text) {
            (Some(f), None) => Form::File(dir.join(f)),
            (None, Some(text)) => Form::Text(text),
            _ => {
                errors.push((
                    source.clone(),
                    Diagnostic::error(
                        "test::invalid",
                        format!("测试 “{}” 需要 form 或 form-text 之一", t.name),
                    )
                    .with_primary(span, None),
                ));
                continue;
            }
        };
        cases.push(TestCase {
            name: t.name,
            origin: path.display().to_string(),
            form,
            rules: t.rules,
            expect: Expectation::Findings(t.expect),
        });
    }
    if errors.is_empty() {
        Ok(TestFile {
            source,
            policies,
            params,
            default_policy: raw.default_policy,
            cases,
        })
    } else {
        Err(errors)
    }
}

/// The first rule or prefix a test names that matches no loaded rule and no reader code.
fn unloaded(policy: &PolicySet, case: &TestCase) -> Option<String> {
    let known = |pattern: &str| {
        policy.rules.iter().any(|r| pattern_matches(pattern, &r.id))
            || crate::read::recognize::READER_CODES
                .iter()
                .any(|(code, _)| pattern_matches(pattern, code))
            || pattern.starts_with("policy::")
    };
    let named: Vec<&str> = case
        .rules
        .iter()
        .flatten()
        .map(String::as_str)
        .chain(match &case.expect {
            Expectation::Findings(expected) => {
                expected.iter().map(|e| e.rule.as_str()).collect::<Vec<_>>()
            }
            Expectation::Passes(rule) | Expectation::Fails(rule, _) => vec![rule.as_str()],
        })
        .collect();
    named.into_iter().find(|p| !known(p)).map(str::to_owned)
}

/// Run one test case.
pub fn run_case(policy: &PolicySet, case: &TestCase) -> TestResult {
    let mut result = TestResult {
        case: case.clone(),
        passed: false,
        missing: Vec::new(),
        unexpected: Vec::new(),
        error: None,
    };
    // A rule the test names that is not loaded would only show as "expected, not found".
    if let Some(name) = unloaded(policy, case) {
        result.error = Some(format!(
            "规则 {name} 没有加载（没有与它匹配的规则或读表代码）：在测试文件中写 policies = [\"文件.jxp\"]，或用 jixiao test --policy 文件.jxp 加载定义它的规则文件，或把该文件加入 jixiao.toml 的 policies"
        ));
        return result;
    }
    // A test that runs no rule at all would pass whatever the form says.
    let runs_any = policy.rules.iter().any(|r| {
        case.rules
            .as_ref()
            .is_none_or(|rules| rules.iter().any(|p| pattern_matches(p, &r.id)))
    }) || case.rules.as_ref().is_some_and(|rules| {
        rules.iter().any(|p| {
            crate::read::recognize::READER_CODES
                .iter()
                .any(|(code, _)| pattern_matches(p, code))
        })
    });
    if !runs_any {
        result.error = Some(
            "这个测试没有运行任何规则（没有加载规则）：在测试文件中写 policies 或 default-policy = true，或用 --policy 加载规则文件".to_owned(),
        );
        return result;
    }
    let input = match &case.form {
        Form::File(path) => match Input::read(path) {
            Ok(i) => i,
            Err(e) => {
                result.error = Some(format!("无法读取 {}：{e}", path.display()));
                return result;
            }
        },
        Form::Text(text) => Input::from_bytes("<form-text>", text.as_bytes()),
        Form::Example { rule, path } => {
            let bytes = policy
                .rule(rule)
                .ok_or_else(|| format!("没有规则 {rule}"))
                .and_then(|r| policy.example_text(r, path));
            match bytes {
                Ok(b) => Input::from_bytes(path.clone(), &b),
                Err(e) => {
                    result.error = Some(e);
                    return result;
                }
            }
        }
    };
    let runs = |id: &str| {
        case.rules
            .as_ref()
            .is_none_or(|rules| rules.iter().any(|p| pattern_matches(p, id)))
    };
    let mut findings: Vec<Diagnostic> =
        policy.check_projects(&input.document.projects, input.source.name(), |r| {
            runs(&r.id)
        });
    // Reader diagnostics count when a test names them in `rules`.
    findings.extend(
        input
            .diagnostics
            .iter()
            .filter(|d| {
                case.rules
                    .as_ref()
                    .is_some_and(|rules| rules.iter().any(|p| pattern_matches(p, &d.code)))
            })
            .cloned(),
    );
    let show = |d: &Diagnostic| {
        let line = d
            .primary
            .as_ref()
            .map_or(0, |p| Region::of(&input.source, p.span).line);
        let project = d
            .project
            .as_ref()
            .map(|p| format!("第 {} 张表“{}”", p.index, p.name))
            .unwrap_or_default();
        let indicator = d
            .indicator
            .as_ref()
            .map(|i| format!(" 指标“{i}”"))
            .unwrap_or_default();
        format!(
            "{} {project}{indicator} 第 {line} 行：{}",
            d.code, d.message
        )
    };
    match &case.expect {
        Expectation::Passes(rule) => {
            result.unexpected = findings
                .iter()
                .filter(|d| &d.code == rule)
                .map(show)
                .collect();
        }
        Expectation::Fails(rule, count) => {
            let n = findings.iter().filter(|d| &d.code == rule).count();
            let ok = match count {
                Some(c) => n == *c as usize,
                None => n > 0,
            };
            if !ok {
                let wanted = count.map_or("至少 1 条".to_owned(), |c| format!("{c} 条"));
                result
                    .missing
                    .push(format!("{rule}：期望 {wanted} 发现，实际 {n} 条"));
            }
        }
        Expectation::Findings(expected) => {
            let mut unused: Vec<&Diagnostic> = findings.iter().collect();
            for e in expected {
                match unused.iter().position(|d| e.matches(&input.source, d)) {
                    Some(k) => {
                        unused.remove(k);
                    }
                    None => result.missing.push(e.describe()),
                }
            }
            result.unexpected = unused.into_iter().map(show).collect();
        }
    }
    result.passed = result.missing.is_empty() && result.unexpected.is_empty();
    result
}

/// Of `rules`, those no test exercises: no failing example and no test expecting a finding of
/// them. Each is listed once, in the order given.
pub fn uncovered<'a>(rules: impl IntoIterator<Item = &'a str>, cases: &[TestCase]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    rules
        .into_iter()
        .filter(|id| seen.insert(*id))
        .filter(|id| {
            !cases.iter().any(|c| match &c.expect {
                Expectation::Fails(r, _) => r == id,
                Expectation::Findings(expected) => expected.iter().any(|e| e.rule == *id),
                Expectation::Passes(_) => false,
            })
        })
        .map(str::to_owned)
        .collect()
}

/// Test files under `paths`: `*.test.toml` files, directories searched recursively.
pub fn find_test_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = paths.iter().rev().cloned().collect();
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(&path)
                .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            entries.sort();
            stack.extend(entries.into_iter().rev());
        } else if path.to_str().is_some_and(|p| p.ends_with(".test.toml")) || paths.contains(&path)
        {
            out.push(path);
        }
    }
    out
}
