//! `jixiao.toml`: found by walking up from the working directory (or given with `--config`),
//! validated with serde — an unknown key or a wrong type is an error with a code frame in the
//! TOML — merged with the files it `extends`, and checked against the loaded policies (rule ids,
//! parameter names and types). Every effective value remembers where it came from, for
//! `jixiao config`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::pattern_matches;
use crate::policy::PolicySet;
use crate::policy::ir::Const;
use crate::policy::parser::parse_literal;
use crate::policy::types::{Ty, suggest};
use crate::policy::validate::{coerce_const, const_eval};
use crate::read::recognize::READER_CODES;
use crate::read::source::SourceFile;
use crate::read::vocabulary::{ReaderAdditions, Vocabulary};
use crate::report::Format;
use crate::span::Span;
use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

/// The name of the configuration file.
pub const CONFIG_FILE: &str = "jixiao.toml";

/// The most configuration files one `extends` chain may have (docs/robustness.md, "Limits").
/// A cycle is reported as a cycle whatever its length.
pub const MAX_EXTENDS: usize = 64;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    extends: Option<Spanned<String>>,
    policies: Option<Vec<Spanned<String>>>,
    default_policy: Option<Spanned<bool>>,
    select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    include: Option<Vec<Spanned<String>>>,
    exclude: Option<Vec<Spanned<String>>>,
    extend_include: Option<Vec<Spanned<String>>>,
    extend_exclude: Option<Vec<Spanned<String>>>,
    format: Option<Spanned<String>>,
    fail_level: Option<Spanned<String>>,
    max_warnings: Option<Spanned<u64>>,
    severity: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    params: Option<BTreeMap<Spanned<String>, Spanned<toml::Value>>>,
    per_path_ignores: Option<BTreeMap<Spanned<String>, Vec<Spanned<String>>>>,
    suppress: Option<Vec<RawSuppression>>,
    reader: Option<Spanned<ReaderAdditions>>,
}

const KEYS: &[&str] = &[
    "extends",
    "policies",
    "default-policy",
    "select",
    "ignore",
    "include",
    "exclude",
    "extend-include",
    "extend-exclude",
    "format",
    "fail-level",
    "max-warnings",
    "severity",
    "params",
    "per-path-ignores",
    "suppress",
    "reader",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuppression {
    rule: Spanned<String>,
    project: Spanned<String>,
    indicator: Option<Spanned<String>>,
    file: Option<Spanned<String>>,
    reason: Spanned<String>,
}

/// Where an effective value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provenance {
    Default,
    CommandLine(&'static str),
    /// A configuration file (index into [`Config::sources`]) and the span of the value.
    File {
        source: usize,
        span: Span,
    },
}

/// A value and where it came from.
#[derive(Debug, Clone)]
pub struct Setting<T> {
    pub value: T,
    pub from: Provenance,
}

impl<T> Setting<T> {
    pub fn default(value: T) -> Self {
        Setting {
            value,
            from: Provenance::Default,
        }
    }

    pub fn set(&mut self, value: T, from: Provenance) {
        self.value = value;
        self.from = from;
    }
}

/// A rule's severity as configured: one of the three, or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

#[derive(Debug, Clone)]
pub struct SeverityOverride {
    pub pattern: String,
    pub level: Level,
    pub from: Provenance,
}

#[derive(Debug, Clone)]
pub struct ParamSetting {
    pub name: String,
    pub value: toml::Value,
    pub from: Provenance,
}

/// A glob over input paths, relative to the directory of the file that wrote it.
#[derive(Debug, Clone)]
pub struct PathPattern {
    pub glob: String,
    pub matcher: GlobMatcher,
    pub base: PathBuf,
}

impl PathPattern {
    fn new(glob: &str, base: &Path) -> Result<Self, globset::Error> {
        Ok(PathPattern {
            glob: glob.to_owned(),
            matcher: Glob::new(glob)?.compile_matcher(),
            base: base.to_path_buf(),
        })
    }

    /// Match the path relative to the pattern's directory (or as given, if it is elsewhere).
    pub fn matches(&self, path: &Path) -> bool {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let base = std::path::absolute(&self.base).unwrap_or_else(|_| self.base.clone());
        match absolute.strip_prefix(&base) {
            Ok(relative) => self.matcher.is_match(relative),
            Err(_) => self.matcher.is_match(path),
        }
    }
}

#[derive(Debug, Clone)]
pub struct PathIgnore {
    pub pattern: PathPattern,
    pub rules: Vec<String>,
    pub from: Provenance,
    /// Where each of `rules` is written, so an unknown rule is pointed at itself.
    pub rules_from: Vec<Provenance>,
}

/// A finding accepted for a named project, with the reason it is accepted.
#[derive(Debug, Clone)]
pub struct Suppression {
    pub rule: String,
    pub project: String,
    pub indicator: Option<String>,
    pub file: Option<PathPattern>,
    pub reason: String,
    pub from: Provenance,
}

impl Suppression {
    pub fn matches(&self, path: &Path, d: &Diagnostic) -> bool {
        pattern_matches(&self.rule, &d.code)
            && d.project.as_ref().is_some_and(|p| p.name == self.project)
            && self
                .indicator
                .as_ref()
                .is_none_or(|i| d.indicator.as_deref() == Some(i.as_str()))
            && self.file.as_ref().is_none_or(|f| f.matches(path))
    }
}

/// The effective configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The configuration files read, the one that `extends` others last.
    pub sources: Vec<Arc<SourceFile>>,
    /// For a configuration found by searching: the directory its `extends` and `policies` (and
    /// what those policies import) must stay under ([`crate::limits::trust_root`]).
    pub root: Option<PathBuf>,
    pub policies: Vec<Setting<PathBuf>>,
    pub default_policy: Setting<bool>,
    pub select: Setting<Vec<String>>,
    pub ignore: Setting<Vec<String>>,
    pub include: Setting<Vec<String>>,
    pub exclude: Setting<Vec<String>>,
    pub format: Setting<Format>,
    pub fail_level: Setting<Severity>,
    pub max_warnings: Setting<Option<u64>>,
    pub severity: Vec<SeverityOverride>,
    pub params: Vec<ParamSetting>,
    pub per_path_ignores: Vec<PathIgnore>,
    pub suppressions: Vec<Suppression>,
    /// `[reader]`: words the reader knows beyond its vocabulary, merged over the files read.
    pub reader: ReaderAdditions,
    /// The reader's vocabulary with the `[reader]` additions.
    pub vocabulary: Arc<Vocabulary>,
    /// Every entry of a `select` or `ignore` list in the files read, with its own span: the
    /// effective lists keep one provenance for the whole list.
    rule_list_entries: Vec<(String, Provenance)>,
}

/// Configuration problems, each with the configuration file it belongs to.
pub type ConfigDiagnostics = Vec<(Arc<SourceFile>, Diagnostic)>;

impl Default for Config {
    fn default() -> Self {
        let strings = |s: &[&str]| s.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        Config {
            sources: Vec::new(),
            root: None,
            policies: Vec::new(),
            default_policy: Setting::default(true),
            select: Setting::default(Vec::new()),
            ignore: Setting::default(Vec::new()),
            include: Setting::default(strings(DEFAULT_INCLUDE)),
            exclude: Setting::default(strings(NEVER_FORMS)),
            format: Setting::default(Format::Human),
            fail_level: Setting::default(Severity::Error),
            max_warnings: Setting::default(None),
            severity: Vec::new(),
            params: Vec::new(),
            per_path_ignores: Vec::new(),
            rule_list_entries: Vec::new(),
            suppressions: Vec::new(),
            reader: ReaderAdditions::default(),
            vocabulary: Arc::new(Vocabulary::builtin().clone()),
        }
    }
}

/// The file names a directory search reads by default: every input format.
pub const DEFAULT_INCLUDE: &[&str] = &[
    "*.txt", "*.json", "*.toml", "*.csv", "*.xlsx", "*.xlsm", "*.xls", "*.ods", "*.html", "*.htm",
    "*.docx", "*.pdf",
];

/// Files that are never read as forms, whatever `include`, `exclude` or the command line say:
/// jixiao's own configuration, policy tests and the baseline file README recommends.
pub const NEVER_FORMS: &[&str] = &[CONFIG_FILE, "*.test.toml", "jixiao-baseline.json"];

/// Finds the configuration that applies to a file, as ruff and ESLint do: the nearest
/// `jixiao.toml` in its directory or above, not above the repository root (the nearest
/// directory with `.git`). Answers are cached per directory.
#[derive(Debug, Default)]
pub struct ConfigFinder {
    cache: std::collections::HashMap<PathBuf, Option<PathBuf>>,
}

impl ConfigFinder {
    /// The configuration for the files of `dir` (an absolute path), if there is one.
    pub fn for_dir(&mut self, dir: &Path) -> Option<PathBuf> {
        if let Some(hit) = self.cache.get(dir) {
            return hit.clone();
        }
        let candidate = dir.join(CONFIG_FILE);
        let found = if candidate.is_file() {
            Some(candidate)
        } else if dir.join(".git").exists() {
            None
        } else {
            dir.parent().and_then(|up| self.for_dir(up))
        };
        self.cache.insert(dir.to_path_buf(), found.clone());
        found
    }
}

/// The nearest `jixiao.toml` in `start` or a directory above it, not above the repository root.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    ConfigFinder::default().for_dir(&start)
}

impl Config {
    /// Read a configuration file and the files it extends.
    pub fn load(path: &Path) -> Result<Config, ConfigDiagnostics> {
        Config::load_with(path, None, None)
    }

    /// Read a configuration found by searching: what it names must be under `root`.
    pub fn load_within(path: &Path, root: Option<PathBuf>) -> Result<Config, ConfigDiagnostics> {
        Config::load_with(path, None, root)
    }

    /// The configuration written in `text`, as if read from `path` (`extends` is resolved
    /// relative to it and read from disk).
    pub fn parse(path: &Path, text: &[u8]) -> Result<Config, ConfigDiagnostics> {
        Config::load_with(path, Some(text), None)
    }

    fn load_with(
        path: &Path,
        first: Option<&[u8]>,
        root: Option<PathBuf>,
    ) -> Result<Config, ConfigDiagnostics> {
        let mut chain: Vec<(Arc<SourceFile>, RawConfig, PathBuf)> = Vec::new();
        let mut errors = ConfigDiagnostics::new();
        let mut first = first;
        let mut next = Some((path.to_path_buf(), None::<(Arc<SourceFile>, Span)>));
        while let Some((file, extended_from)) = next.take() {
            let key = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
            let seen = chain.iter().any(|(s, _, _)| {
                std::fs::canonicalize(s.name()).unwrap_or_else(|_| PathBuf::from(s.name())) == key
            });
            if seen || chain.len() >= MAX_EXTENDS {
                if let Some((source, span)) = extended_from {
                    let diagnostic = if seen {
                        Diagnostic::error(
                            "config::extends",
                            format!("extends 形成了循环：{}", file.display()),
                        )
                        .with_primary(span, Some("循环继承".into()))
                    } else {
                        Diagnostic::error(
                            "config::extends",
                            format!("extends 链超过 {MAX_EXTENDS} 层：{}", file.display()),
                        )
                        .with_primary(span, Some("继承层数过多".into()))
                        .with_help("合并几个中间的配置文件，让继承链短一些")
                    };
                    errors.push((source, diagnostic));
                }
                break;
            }
            let read = match first.take() {
                Some(given) => Ok(given.to_vec()),
                // The first file is the one found or named; what it extends is confined.
                None if extended_from.is_some() => {
                    crate::limits::read_confined(&file, root.as_deref(), "toml")
                }
                None => crate::limits::read_side_file(&file),
            };
            let bytes = match read {
                Ok(b) => b,
                Err(err) => {
                    let message = format!("无法读取配置文件 {}：{err}", file.display());
                    match extended_from {
                        Some((source, span)) => errors.push((
                            source,
                            Diagnostic::error("config::extends", message)
                                .with_primary(span, Some("继承的文件".into())),
                        )),
                        None => errors.push((
                            Arc::new(SourceFile::from_text(file.display().to_string(), "")),
                            Diagnostic::error("config::unreadable", message),
                        )),
                    }
                    break;
                }
            };
            let (source, _) = SourceFile::decode(file.display().to_string(), &bytes);
            let source = Arc::new(source);
            let raw: RawConfig = match toml::from_str(source.text()) {
                Ok(raw) => raw,
                Err(err) => {
                    errors.push((source.clone(), toml_error(&err)));
                    break;
                }
            };
            let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
            if let Some(ext) = &raw.extends {
                let span = Span::from(ext.span());
                next = Some((dir.join(ext.get_ref()), Some((source.clone(), span))));
            }
            chain.push((source, raw, dir));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        // The base of the chain first, so the files that extend it override it.
        chain.reverse();
        let mut config = Config {
            root,
            ..Config::default()
        };
        for (index, (source, raw, dir)) in chain.into_iter().enumerate() {
            config.sources.push(source.clone());
            config.merge(index, &source, raw, &dir, &mut errors);
        }
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    fn merge(
        &mut self,
        index: usize,
        source: &Arc<SourceFile>,
        raw: RawConfig,
        dir: &Path,
        errors: &mut ConfigDiagnostics,
    ) {
        let at = |span: std::ops::Range<usize>| Provenance::File {
            source: index,
            span: Span::from(span),
        };
        let strings =
            |v: &[Spanned<String>]| v.iter().map(|s| s.get_ref().clone()).collect::<Vec<_>>();
        let mut error =
            |span: std::ops::Range<usize>, code: &str, message: String, help: Option<String>| {
                let mut d = Diagnostic::error(code, message).with_primary(Span::from(span), None);
                d.help = help;
                errors.push((source.clone(), d));
            };
        for p in raw.policies.iter().flatten() {
            let value = p.get_ref();
            let path = if value.starts_with("builtin:") {
                PathBuf::from(value)
            } else {
                dir.join(value)
            };
            self.policies.push(Setting {
                value: path,
                from: at(p.span()),
            });
        }
        if let Some(v) = &raw.default_policy {
            self.default_policy.set(*v.get_ref(), at(v.span()));
        }
        for (target, field) in [
            (&mut self.select, &raw.select),
            (&mut self.ignore, &raw.ignore),
            (&mut self.include, &raw.include),
            (&mut self.exclude, &raw.exclude),
        ] {
            if let Some(list) = field {
                let span = list.first().map_or(0..0, |f| {
                    f.span().start..list.last().map_or(0, |l| l.span().end)
                });
                target.set(strings(list), at(span));
            }
        }
        for entry in [&raw.select, &raw.ignore].into_iter().flatten().flatten() {
            self.rule_list_entries
                .push((entry.get_ref().clone(), at(entry.span())));
        }
        // `extend-…` adds to the list as it stands (the defaults, or what `extends` set).
        for (target, field) in [
            (&mut self.include, &raw.extend_include),
            (&mut self.exclude, &raw.extend_exclude),
        ] {
            if let Some(list) = field {
                let span = list.first().map_or(0..0, |f| {
                    f.span().start..list.last().map_or(0, |l| l.span().end)
                });
                let mut v = target.value.clone();
                v.extend(strings(list));
                target.set(v, at(span));
            }
        }
        for list in [
            &raw.include,
            &raw.exclude,
            &raw.extend_include,
            &raw.extend_exclude,
        ]
        .into_iter()
        .flatten()
        {
            for glob in list {
                if let Err(e) = Glob::new(glob.get_ref()) {
                    error(
                        glob.span(),
                        "config::bad-glob",
                        format!("无效的通配符：{e}"),
                        None,
                    );
                }
            }
        }
        if let Some(f) = &raw.format {
            match Format::from_name(f.get_ref()) {
                Some(format) => self.format.set(format, at(f.span())),
                None => error(
                    f.span(),
                    "config::invalid",
                    format!("未知的输出格式 “{}”", f.get_ref()),
                    Some(one_of(f.get_ref(), &Format::NAMES)),
                ),
            }
        }
        if let Some(f) = &raw.fail_level {
            match Severity::parse(f.get_ref()) {
                Some(level) => self.fail_level.set(level, at(f.span())),
                None => error(
                    f.span(),
                    "config::invalid",
                    format!("fail-level 不能是 “{}”", f.get_ref()),
                    Some(one_of(f.get_ref(), &["error", "warning", "info"])),
                ),
            }
        }
        if let Some(reader) = &raw.reader {
            let mut merged = self.reader.clone();
            merged.extend(reader.get_ref());
            match Vocabulary::builtin().with(&merged) {
                Ok(vocabulary) => {
                    self.reader = merged;
                    self.vocabulary = Arc::new(vocabulary);
                }
                Err(message) => error(
                    reader.span(),
                    "config::invalid",
                    message,
                    Some("[reader] 的键：titles、labels、funds、goals、columns、levels、footers；见 docs/configuration.md".into()),
                ),
            }
        }
        if let Some(m) = &raw.max_warnings {
            self.max_warnings.set(Some(*m.get_ref()), at(m.span()));
        }
        for (pattern, level) in raw.severity.iter().flatten() {
            let parsed = match level.get_ref().as_str() {
                "off" => Some(Level::Off),
                other => Severity::parse(other).map(Level::On),
            };
            match parsed {
                Some(level_value) => {
                    self.severity.retain(|o| o.pattern != *pattern.get_ref());
                    self.severity.push(SeverityOverride {
                        pattern: pattern.get_ref().clone(),
                        level: level_value,
                        from: at(pattern.span().start..level.span().end),
                    });
                }
                None => error(
                    level.span(),
                    "config::invalid",
                    format!("严重程度不能是 “{}”", level.get_ref()),
                    Some(one_of(
                        level.get_ref(),
                        &["error", "warning", "info", "off"],
                    )),
                ),
            }
        }
        for (name, value) in raw.params.iter().flatten() {
            self.params.retain(|p| p.name != *name.get_ref());
            self.params.push(ParamSetting {
                name: name.get_ref().clone(),
                value: value.get_ref().clone(),
                from: at(name.span().start..value.span().end),
            });
        }
        for (glob, rules) in raw.per_path_ignores.iter().flatten() {
            match PathPattern::new(glob.get_ref(), dir) {
                Ok(pattern) => self.per_path_ignores.push(PathIgnore {
                    pattern,
                    rules: strings(rules),
                    from: at(glob.span()),
                    rules_from: rules.iter().map(|r| at(r.span())).collect(),
                }),
                Err(e) => error(
                    glob.span(),
                    "config::bad-glob",
                    format!("无效的通配符：{e}"),
                    None,
                ),
            }
        }
        for s in raw.suppress.into_iter().flatten() {
            if s.reason.get_ref().trim().is_empty() {
                error(
                    s.reason.span(),
                    "config::invalid",
                    "抑制规则必须写明 reason（原因）".into(),
                    None,
                );
                continue;
            }
            let file = match &s.file {
                Some(f) => match PathPattern::new(f.get_ref(), dir) {
                    Ok(p) => Some(p),
                    Err(e) => {
                        error(
                            f.span(),
                            "config::bad-glob",
                            format!("无效的通配符：{e}"),
                            None,
                        );
                        continue;
                    }
                },
                None => None,
            };
            self.suppressions.push(Suppression {
                rule: s.rule.get_ref().clone(),
                project: s.project.get_ref().clone(),
                indicator: s.indicator.map(|i| i.into_inner()),
                file,
                reason: s.reason.into_inner(),
                from: at(s.rule.span()),
            });
        }
    }

    /// Where the entry `pattern` of a `select`/`ignore` list set by `list` is written: the
    /// entry's own span when the list comes from a file, else the list's provenance.
    fn entry_of<'a>(&'a self, pattern: &str, list: &'a Provenance) -> &'a Provenance {
        let Provenance::File { source, span } = list else {
            return list;
        };
        self.rule_list_entries
            .iter()
            .find(|(text, from)| {
                text == pattern
                    && matches!(from, Provenance::File { source: s, span: e }
                        if s == source && e.start >= span.start && e.end <= span.end)
            })
            .map_or(list, |(_, from)| from)
    }

    fn source_of(&self, from: &Provenance) -> Option<(Arc<SourceFile>, Span)> {
        match from {
            Provenance::File { source, span } => {
                self.sources.get(*source).map(|s| (s.clone(), *span))
            }
            _ => None,
        }
    }

    /// Check rule ids and parameters against the loaded policies, and apply the parameters.
    pub fn apply_to(&self, policy: &mut PolicySet) -> ConfigDiagnostics {
        let mut out = ConfigDiagnostics::new();
        let mut known: Vec<&str> = policy.rules.iter().map(|r| r.id.as_str()).collect();
        known.extend(READER_CODES.iter().map(|(c, _)| *c));
        let check_rule = |pattern: &str, from: &Provenance, out: &mut ConfigDiagnostics| {
            if known.iter().any(|code| pattern_matches(pattern, code)) {
                return;
            }
            if let Some((source, span)) = self.source_of(from) {
                let help = suggest(pattern, known.iter().copied())
                    .map(|s| format!("是否应为 {s}？（jixiao rules 列出全部规则）"));
                let mut d =
                    Diagnostic::error("config::unknown-rule", format!("没有规则匹配 “{pattern}”"))
                        .with_primary(span, Some("未知规则".into()));
                d.help = help;
                out.push((source, d));
            }
        };
        for pattern in self.select.value.iter().chain(&self.ignore.value) {
            let from = if self.select.value.iter().any(|p| p == pattern) {
                &self.select.from
            } else {
                &self.ignore.from
            };
            check_rule(pattern, self.entry_of(pattern, from), &mut out);
        }
        for o in &self.severity {
            check_rule(&o.pattern, &o.from, &mut out);
        }
        for p in &self.per_path_ignores {
            for (index, rule) in p.rules.iter().enumerate() {
                check_rule(rule, p.rules_from.get(index).unwrap_or(&p.from), &mut out);
            }
        }
        for s in &self.suppressions {
            check_rule(&s.rule, &s.from, &mut out);
        }
        for setting in &self.params {
            let Some((source, span)) = self.source_of(&setting.from) else {
                continue;
            };
            let Some(param) = policy.param(&setting.name) else {
                let names: Vec<&str> = policy.params.iter().map(|p| p.name.as_str()).collect();
                let mut d = Diagnostic::error(
                    "config::unknown-param",
                    format!("没有名为 {} 的参数", setting.name),
                )
                .with_primary(span, Some("未知参数".into()));
                d.help = Some(match suggest(&setting.name, names.iter().copied()) {
                    Some(s) => format!("是否应为 {s}？"),
                    None => format!("已加载的参数：{}", names.join("、")),
                });
                out.push((source, d));
                continue;
            };
            let ty = param.ty.clone();
            match toml_to_const(&setting.value, &ty)
                .and_then(|c| policy.set_param_const(&setting.name, c))
            {
                Ok(()) => {}
                Err(message) => {
                    let d = Diagnostic::error(
                        "config::param-type",
                        format!("参数 {} 的值不对：{message}", setting.name),
                    )
                    .with_primary(span, Some(format!("应为 {ty}")));
                    out.push((source, d));
                }
            }
        }
        out
    }

    /// The configured level of a rule or reader code: the most specific matching pattern wins.
    pub fn level_of(&self, code: &str) -> Option<Level> {
        self.severity
            .iter()
            .filter(|o| pattern_matches(&o.pattern, code))
            .max_by_key(|o| o.pattern.len())
            .map(|o| o.level)
    }

    pub fn path_ignores(&self, path: &Path, code: &str) -> bool {
        self.per_path_ignores
            .iter()
            .any(|p| p.rules.iter().any(|r| pattern_matches(r, code)) && p.pattern.matches(path))
    }

    /// Report suppressions that matched nothing in this run.
    pub fn unused_suppressions(&self, used: &[usize]) -> ConfigDiagnostics {
        self.suppressions
            .iter()
            .enumerate()
            .filter(|(i, _)| used.get(*i).copied().unwrap_or(0) == 0)
            .filter_map(|(_, s)| {
                let (source, span) = self.source_of(&s.from)?;
                Some((
                    source,
                    Diagnostic::warning(
                        "config::unused-suppression",
                        format!("抑制规则没有匹配任何发现：{} / {}", s.rule, s.project),
                    )
                    .with_primary(span, Some("没有匹配".into()))
                    .with_help("问题可能已经修正，或项目已改名；不再需要时请删除这条抑制"),
                ))
            })
            .collect()
    }

    /// The effective configuration as TOML, each value annotated with where it came from.
    pub fn describe(&self) -> String {
        let from = |p: &Provenance| match p {
            Provenance::Default => "默认".to_owned(),
            Provenance::CommandLine(flag) => format!("命令行 {flag}"),
            Provenance::File { source, span } => match self.sources.get(*source) {
                Some(s) => format!("{}:{}", s.name(), s.line_number(span.start)),
                None => String::new(),
            },
        };
        let list = |v: &[String]| {
            let items: Vec<String> = v.iter().map(|s| toml_string(s)).collect();
            format!("[{}]", items.join(", "))
        };
        let mut out = String::new();
        let line = |out: &mut String, text: String, origin: String| {
            out.push_str(&annotated(&text, &origin))
        };
        if self.sources.is_empty() {
            out.push_str("# 没有找到 jixiao.toml，使用默认配置\n");
        }
        for s in &self.sources {
            out.push_str(&format!("# 配置文件：{}\n", s.name()));
        }
        let policies: Vec<String> = self
            .policies
            .iter()
            .map(|p| p.value.display().to_string())
            .collect();
        line(
            &mut out,
            format!("default-policy = {}", self.default_policy.value),
            from(&self.default_policy.from),
        );
        for p in &self.policies {
            line(
                &mut out,
                format!(
                    "policies += {}",
                    toml_string(&p.value.display().to_string())
                ),
                from(&p.from),
            );
        }
        if policies.is_empty() {
            line(&mut out, "policies = []".into(), "默认".into());
        }
        line(
            &mut out,
            format!("select = {}", list(&self.select.value)),
            from(&self.select.from),
        );
        line(
            &mut out,
            format!("ignore = {}", list(&self.ignore.value)),
            from(&self.ignore.from),
        );
        line(
            &mut out,
            format!("include = {}", list(&self.include.value)),
            from(&self.include.from),
        );
        line(
            &mut out,
            format!("exclude = {}", list(&self.exclude.value)),
            from(&self.exclude.from),
        );
        line(
            &mut out,
            format!("format = \"{}\"", self.format.value.name()),
            from(&self.format.from),
        );
        line(
            &mut out,
            format!("fail-level = \"{}\"", self.fail_level.value),
            from(&self.fail_level.from),
        );
        match self.max_warnings.value {
            Some(m) => line(
                &mut out,
                format!("max-warnings = {m}"),
                from(&self.max_warnings.from),
            ),
            None => line(
                &mut out,
                "# max-warnings 未设置".into(),
                from(&self.max_warnings.from),
            ),
        }
        if !self.severity.is_empty() {
            out.push_str("\n[severity]\n");
            for o in &self.severity {
                let level = match o.level {
                    Level::Off => "off".to_owned(),
                    Level::On(s) => s.to_string(),
                };
                let text = format!("{} = \"{level}\"", toml_string(&o.pattern));
                out.push_str(&annotated(&text, &from(&o.from)));
            }
        }
        if !self.params.is_empty() {
            out.push_str("\n[params]\n");
            for p in &self.params {
                let text = format!("{} = {}", p.name, p.value);
                out.push_str(&annotated(&text, &from(&p.from)));
            }
        }
        if !self.per_path_ignores.is_empty() {
            out.push_str("\n[per-path-ignores]\n");
            for p in &self.per_path_ignores {
                let text = format!("{} = {}", toml_string(&p.pattern.glob), list(&p.rules));
                out.push_str(&annotated(&text, &from(&p.from)));
            }
        }
        for s in &self.suppressions {
            out.push_str("\n[[suppress]]\n");
            out.push_str(&format!(
                "rule = {}{:<20} # {}\n",
                toml_string(&s.rule),
                "",
                from(&s.from)
            ));
            out.push_str(&format!("project = {}\n", toml_string(&s.project)));
            if let Some(i) = &s.indicator {
                out.push_str(&format!("indicator = {}\n", toml_string(i)));
            }
            if let Some(f) = &s.file {
                out.push_str(&format!("file = {}\n", toml_string(&f.glob)));
            }
            out.push_str(&format!("reason = {}\n", toml_string(&s.reason)));
        }
        out
    }
}

/// `text` padded to a column (by display width: Chinese characters are two columns) and a comment.
fn annotated(text: &str, origin: &str) -> String {
    let width = unicode_width::UnicodeWidthStr::width(text);
    format!(
        "{text}{} # {origin}\n",
        " ".repeat(48usize.saturating_sub(width))
    )
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn one_of(got: &str, names: &[&str]) -> String {
    match suggest(got, names.iter().copied()) {
        Some(s) => format!("是否应为 {s}？可选：{}", names.join("、")),
        None => format!("可选：{}", names.join("、")),
    }
}

/// A TOML parse or schema error as a diagnostic in the TOML file.
fn toml_error(err: &toml::de::Error) -> Diagnostic {
    let message = err.message().to_owned();
    let span = err.span().map_or(Span::point(0), Span::from);
    let (code, text, help) = if let Some(rest) = message.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or("");
        let help = match suggest(field, KEYS.iter().copied()) {
            Some(s) => format!("是否应为 {s}？可用的配置项：{}", KEYS.join("、")),
            None => format!("可用的配置项：{}", KEYS.join("、")),
        };
        (
            "config::unknown-key",
            format!("未知的配置项 “{field}”"),
            Some(help),
        )
    } else if message.starts_with("missing field `reason`") {
        (
            "config::invalid",
            "抑制规则必须写明 reason（原因）".to_owned(),
            Some("例如 reason = \"两个资金渠道分别报送\"".to_owned()),
        )
    } else {
        ("config::invalid", format!("配置文件有误：{message}"), None)
    };
    let mut d = Diagnostic::error(code, text).with_primary(span, Some("这里".into()));
    d.help = help;
    d
}

/// Convert a TOML parameter value to a constant of the parameter's declared type. Quantities are
/// written as strings in policy notation (`"95%"`, `"13.6万元"`, `"2025年12月31日"`).
pub fn toml_to_const(value: &toml::Value, ty: &Ty) -> Result<Const, String> {
    let literal = |text: &str| -> Result<Const, String> {
        let expr = parse_literal(text).map_err(|d| d.message)?;
        let c = const_eval(&expr).map_err(|d| d.message)?;
        coerce_const(c, ty, expr.span).map_err(|d| d.message)
    };
    match (ty, value) {
        (Ty::List(inner), toml::Value::Array(items)) => Ok(Const::List(
            items
                .iter()
                .map(|v| toml_to_const(v, inner))
                .collect::<Result<_, _>>()?,
        )),
        (Ty::Str, toml::Value::String(s)) => Ok(Const::Str(s.clone())),
        (Ty::Bool, toml::Value::Boolean(b)) => Ok(Const::Bool(*b)),
        (Ty::Num, toml::Value::Integer(i)) => Ok(Const::Num((*i).into())),
        (Ty::Num, toml::Value::Float(f)) => literal(&f.to_string()),
        (Ty::Str | Ty::Bool | Ty::List(_), _) => {
            Err(format!("应为 {ty}，这里是 {}", value.type_str()))
        }
        (_, toml::Value::String(s)) => literal(s),
        (Ty::Percent, toml::Value::Integer(i)) => Err(format!("百分比写作字符串，如 \"{i}%\"")),
        (Ty::Money, toml::Value::Integer(i)) => Err(format!("金额写作字符串，如 \"{i}元\"")),
        _ => Err(format!("应为 {ty}，写作字符串，如 \"95%\"、\"13.6万元\"")),
    }
}
