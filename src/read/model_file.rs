//! Structured inputs: the form model as JSON or TOML, in the shape `jixiao extract` prints.
//!
//! Both formats are parsed into one tree whose every node keeps its span, and one builder reads
//! the model from the tree, so a finding points at the JSON/TOML text of the field and a schema
//! problem (a missing 资金总额, a wrong type, an amount that is not a number) is a diagnostic at
//! the exact place. A value's `text` is the truth: it is read again like a cell of a text form,
//! and the derived fields (`kind`, `amount`, `category` …), if given, are only compared with it.

use crate::diagnostic::{Diagnostic, Severity, quoted};
use crate::model::{
    Department, Direction, Document, ExtraField, Funds, FundsRole, FundsSource, Goal, Indicator,
    Period, Project, Value, derive_category, recognise_level,
};
use crate::read::recognize::join_cjk_spaces;
use crate::read::source::SourceFile;
use crate::read::value_text::{parse_amount, parse_value};
use crate::span::{Span, Spanned};
use rust_decimal::Decimal;
use std::borrow::Cow;

/// Deepest nesting accepted before parsing (the parsers recurse).
pub(crate) const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone)]
pub struct Node<'t> {
    pub kind: NodeKind<'t>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum NodeKind<'t> {
    Null,
    Bool(bool),
    /// A number as written.
    Number(Cow<'t, str>),
    /// Borrowed from the source unless the string had escapes.
    Str(Cow<'t, str>),
    Array(Vec<Node<'t>>),
    /// Entries with the span of their key.
    Object(Vec<(Cow<'t, str>, Span, Node<'t>)>),
}

impl<'t> Node<'t> {
    fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "布尔值",
            NodeKind::Number(_) => "数字",
            NodeKind::Str(_) => "字符串",
            NodeKind::Array(_) => "数组",
            NodeKind::Object(_) => "对象",
        }
    }

    fn get(&self, key: &str) -> Option<&Node<'t>> {
        match &self.kind {
            NodeKind::Object(entries) => {
                entries.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v)
            }
            _ => None,
        }
    }
}

fn too_deep(source: &SourceFile) -> Option<Diagnostic> {
    let mut depth = 0usize;
    let mut in_string: Option<char> = None;
    let mut escaped = false;
    for (i, c) in source.text().char_indices() {
        if let Some(q) = in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                in_string = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => in_string = Some(c),
            '[' | '{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(
                        Diagnostic::error("model::syntax", format!("嵌套超过 {MAX_DEPTH} 层"))
                            .with_primary(Span::new(i, i + 1), Some("嵌套太深".into())),
                    );
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Parse JSON (comments and trailing commas are accepted).
pub fn parse_json(source: &SourceFile) -> Result<Node<'_>, Diagnostic> {
    crate::read::json::parse(source.text())
}

/// Parse TOML.
pub fn parse_toml(source: &SourceFile) -> Result<Node<'static>, Diagnostic> {
    if let Some(d) = too_deep(source) {
        return Err(d);
    }
    let table = toml::de::DeTable::parse(source.text()).map_err(|e| {
        Diagnostic::error("model::syntax", format!("TOML 格式有误：{}", e.message())).with_primary(
            e.span().map_or(Span::point(0), Span::from),
            Some("这里".into()),
        )
    })?;
    let span = Span::from(table.span());
    Ok(from_toml_table(table.get_ref(), span))
}

fn from_toml_table(table: &toml::de::DeTable<'_>, span: Span) -> Node<'static> {
    let entries = table
        .iter()
        .map(|(k, v)| {
            (
                Cow::Owned(k.get_ref().to_string()),
                Span::from(k.span()),
                from_toml(v.get_ref(), Span::from(v.span())),
            )
        })
        .collect();
    Node {
        kind: NodeKind::Object(entries),
        span,
    }
}

fn from_toml(v: &toml::de::DeValue<'_>, span: Span) -> Node<'static> {
    use toml::de::DeValue as T;
    let kind = match v {
        T::String(s) => NodeKind::Str(Cow::Owned(s.to_string())),
        T::Integer(i) => NodeKind::Number(Cow::Owned(i.as_str().to_owned())),
        T::Float(f) => NodeKind::Number(Cow::Owned(f.as_str().to_owned())),
        T::Boolean(b) => NodeKind::Bool(*b),
        T::Datetime(d) => NodeKind::Str(Cow::Owned(d.to_string())),
        T::Array(items) => NodeKind::Array(
            items
                .iter()
                .map(|i| from_toml(i.get_ref(), Span::from(i.span())))
                .collect(),
        ),
        T::Table(t) => return from_toml_table(t, span),
    };
    Node { kind, span }
}

/// Reads the model from a tree, collecting every problem.
struct Reader<'s> {
    source: &'s SourceFile,
    diags: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn problem(
        &mut self,
        severity: Severity,
        code: &str,
        message: String,
        span: Span,
        help: Option<&str>,
    ) {
        let mut d = Diagnostic::new(code, severity, message).with_primary(span, None);
        d.help = help.map(str::to_owned);
        self.diags.push(d);
    }

    fn wrong_type(&mut self, field: &str, want: &str, node: &Node) {
        self.problem(
            Severity::Error,
            "model::type",
            format!("“{field}”应为{want}，这里是{}", node.type_name()),
            node.span,
            None,
        );
    }

    /// Warn about keys the format does not have (a typo would otherwise be ignored silently).
    fn known_keys(&mut self, node: &Node, what: &str, keys: &[&str]) {
        let NodeKind::Object(entries) = &node.kind else {
            return;
        };
        // JSON allows a key twice and readers disagree on which wins; a second `projects` must
        // not silently replace the forms. The first is read. Objects of the model have a dozen
        // keys: looking back is cheaper than hashing them; a large object is hashed.
        let mut seen: Option<std::collections::HashSet<&str>> =
            (entries.len() > 16).then(|| std::collections::HashSet::with_capacity(entries.len()));
        // Known keys met so far, by their position in `keys`: a key the format has is repeated
        // when its bit is set, without comparing it with every key before it.
        let mut known_seen: u64 = 0;
        for (k, (key, span, _)) in entries.iter().enumerate() {
            let known = keys.iter().position(|name| *name == key.as_ref());
            let repeated = match (seen.as_mut(), known) {
                (Some(seen), _) => !seen.insert(key.as_ref()),
                (None, Some(i)) if i < 64 => {
                    let bit = 1u64 << i;
                    let again = known_seen & bit != 0;
                    known_seen |= bit;
                    again
                }
                (None, _) => entries
                    .get(..k)
                    .unwrap_or_default()
                    .iter()
                    .any(|(other, _, _)| other == key),
            };
            if repeated {
                self.problem(
                    Severity::Error,
                    "model::duplicate-key",
                    format!("{what}中“{}”出现了不止一次，只读取了第一个", quoted(key)),
                    *span,
                    Some("删除或合并重复的字段"),
                );
                continue;
            }
            if known.is_none() {
                let hint = crate::policy::types::suggest(key, keys.iter().copied())
                    .map(|s| format!("是否应为 {s}？"))
                    .unwrap_or_else(|| format!("{what}的字段有：{}", keys.join("、")));
                self.problem(
                    Severity::Warning,
                    "model::unknown-field",
                    format!("{what}没有字段 “{}”，已忽略", quoted(key)),
                    *span,
                    Some(&hint),
                );
            }
        }
    }

    fn string(&mut self, node: Option<&Node>, field: &str) -> Option<Spanned<String>> {
        let node = node?;
        match &node.kind {
            NodeKind::Null => None,
            NodeKind::Str(s) if s.trim().is_empty() => None,
            NodeKind::Str(s) => Some(Spanned::new(s.to_string(), node.span)),
            NodeKind::Number(n) => Some(Spanned::new(n.to_string(), node.span)),
            _ => {
                self.wrong_type(field, "字符串", node);
                None
            }
        }
    }

    fn name(&mut self, node: Option<&Node>, field: &str) -> Option<Spanned<String>> {
        self.string(node, field)
            .map(|s| s.map(|v| join_cjk_spaces(&v)))
    }

    fn amount(&mut self, node: Option<&Node>, field: &str) -> Option<Spanned<Decimal>> {
        let node = node?;
        if let NodeKind::Number(n) = &node.kind
            && let Some(d) = exponent_number(n)
        {
            return Some(Spanned::new(d, node.span));
        }
        let text = match &node.kind {
            NodeKind::Null => return None,
            NodeKind::Str(s) | NodeKind::Number(s) => s.clone(),
            _ => {
                self.wrong_type(field, "金额（字符串或数字）", node);
                return None;
            }
        };
        match parse_amount(&text, Decimal::ONE) {
            Ok(d) => Some(Spanned::new(d, node.span)),
            Err(_) => {
                self.problem(
                    Severity::Error,
                    "model::invalid",
                    format!("“{field}”的值“{}”不是金额", quoted(&text)),
                    node.span,
                    Some("金额以元为单位，写作 \"200000\"、\"2,167,200.00\" 或 \"13.6万元\""),
                );
                None
            }
        }
    }

    fn integer(&mut self, node: Option<&Node>, field: &str) -> Option<Spanned<i64>> {
        let node = node?;
        match &node.kind {
            NodeKind::Null => None,
            NodeKind::Number(n) | NodeKind::Str(n) => {
                match n.trim().parse::<i64>().ok().or_else(|| {
                    // `2.025e3` is a JSON number for 2025.
                    exponent_number(n)
                        .filter(|d| d.fract().is_zero())
                        .and_then(|d| i64::try_from(d).ok())
                }) {
                    Some(v) => Some(Spanned::new(v, node.span)),
                    None => {
                        self.problem(
                            Severity::Error,
                            "model::invalid",
                            format!("“{field}”应为整数，这里是“{}”", quoted(n)),
                            node.span,
                            None,
                        );
                        None
                    }
                }
            }
            _ => {
                self.wrong_type(field, "整数", node);
                None
            }
        }
    }

    fn array<'n, 't>(&mut self, node: Option<&'n Node<'t>>, field: &str) -> &'n [Node<'t>] {
        match node.map(|n| (&n.kind, n)) {
            Some((NodeKind::Array(items), _)) => items,
            Some((NodeKind::Null, _)) | None => &[],
            Some((_, n)) => {
                self.wrong_type(field, "数组", n);
                &[]
            }
        }
    }

    fn document(&mut self, root: &Node) -> Document {
        let mut projects = Vec::new();
        for doc in self.documents(root) {
            for p in self.array(doc.get("projects"), "projects") {
                let index = projects.len() + 1;
                if let Some(project) = self.project(p, index) {
                    projects.push(project);
                }
            }
        }
        self.no_forms(projects.is_empty(), root);
        Document { projects }
    }

    /// The documents of the top level (an object, or an array of them), their keys checked.
    fn documents<'n, 't>(&mut self, root: &'n Node<'t>) -> Vec<&'n Node<'t>> {
        let documents: Vec<&Node> = match &root.kind {
            NodeKind::Array(items) => items.iter().collect(),
            NodeKind::Object(_) => vec![root],
            _ => {
                self.wrong_type("（顶层）", "对象", root);
                return Vec::new();
            }
        };
        let mut objects = Vec::with_capacity(documents.len());
        for doc in documents {
            if !matches!(doc.kind, NodeKind::Object(_)) {
                self.wrong_type("（文档）", "对象", doc);
                continue;
            }
            self.known_keys(doc, "文档", &["file", "projects"]);
            if doc.get("projects").is_none() {
                self.problem(
                    Severity::Error,
                    "model::type",
                    "文档中没有 “projects”".into(),
                    doc.span,
                    Some("结构化输入应为 jixiao extract 输出的格式"),
                );
            }
            objects.push(doc);
        }
        objects
    }

    fn no_forms(&mut self, none: bool, root: &Node) {
        if none && !self.diags.iter().any(|d| d.severity == Severity::Error) {
            self.problem(
                Severity::Error,
                "parse::no-forms",
                "文件中没有找到任何绩效目标表".into(),
                root.span,
                None,
            );
        }
    }

    fn project(&mut self, node: &Node, index: usize) -> Option<Project> {
        if !matches!(node.kind, NodeKind::Object(_)) {
            self.wrong_type("projects 的元素", "对象", node);
            return None;
        }
        self.known_keys(
            node,
            "项目",
            &[
                "name",
                "year",
                "department",
                "implementer",
                "funds",
                "goals",
                "midterm_goals",
                "indicators",
                "indicators_read",
                "money_unit",
                "extra",
                "line",
            ],
        );
        let name = self.name(node.get("name"), "name");
        let year =
            self.integer(node.get("year"), "year")
                .and_then(|y| match i32::try_from(y.value) {
                    Ok(v) if crate::read::recognize::YEARS.contains(&v) => {
                        Some(Spanned::new(v, y.span))
                    }
                    _ => {
                        let (first, last) = (
                            crate::read::recognize::YEARS.start(),
                            crate::read::recognize::YEARS.end(),
                        );
                        self.problem(
                            Severity::Error,
                            "model::invalid",
                            format!("“year”应为 {first}–{last} 之间的年份，这里是 {}", y.value),
                            y.span,
                            Some("year 是表的年度，如 2025"),
                        );
                        None
                    }
                });
        let mut department = Department::default();
        if let Some(d) = node.get("department") {
            self.known_keys(d, "主管部门", &["code", "name"]);
            department.code = self.string(d.get("code"), "department.code");
            department.name = self.name(d.get("name"), "department.name");
        }
        let implementer = self.name(node.get("implementer"), "implementer");
        let mut funds = Funds::default();
        if let Some(f) = node.get("funds") {
            self.known_keys(
                f,
                "资金",
                &[
                    "total",
                    "fiscal",
                    "superior",
                    "own_level",
                    "other",
                    "sources",
                ],
            );
            funds.total = self.amount(f.get("total"), "funds.total");
            funds.fiscal = self.amount(f.get("fiscal"), "funds.fiscal");
            funds.superior = self.amount(f.get("superior"), "funds.superior");
            funds.own_level = self.amount(f.get("own_level"), "funds.own_level");
            funds.other = self.amount(f.get("other"), "funds.other");
            for source in self.array(f.get("sources"), "funds.sources") {
                if let Some(source) = self.funds_source(source) {
                    funds.sources.push(source);
                }
            }
        }
        let goals = self.goals(node.get("goals"), "goals");
        let midterm_goals = self.goals(node.get("midterm_goals"), "midterm_goals");
        let indicators_read = match node.get("indicators_read").map(|n| &n.kind) {
            Some(NodeKind::Bool(b)) => *b,
            Some(NodeKind::Null) | None => true,
            Some(_) => {
                if let Some(n) = node.get("indicators_read") {
                    self.wrong_type("indicators_read", "布尔值", n);
                }
                true
            }
        };
        let money_unit = self.string(node.get("money_unit"), "money_unit");
        let mut extra = Vec::new();
        for e in self.array(node.get("extra"), "extra") {
            self.known_keys(e, "其他栏目", &["label", "value"]);
            if let (Some(label), Some(value)) = (
                self.string(e.get("label"), "extra.label"),
                self.string(e.get("value"), "extra.value"),
            ) {
                extra.push(ExtraField {
                    label: label.value,
                    value,
                });
            }
        }
        let year_value = year.as_ref().map(|y| y.value);
        let mut indicators = Vec::new();
        let has_table = node.get("indicators").is_some();
        for i in self.array(node.get("indicators"), "indicators") {
            if let Some(indicator) = self.indicator(i, year_value) {
                indicators.push(indicator);
            }
        }
        let project = Project {
            name,
            year,
            department,
            implementer,
            funds,
            goals,
            midterm_goals,
            indicators,
            indicators_read,
            money_unit,
            extra,
            line: self.source.line_number(node.span.start),
            span: node.span,
            index,
        };
        let anchor = project
            .name
            .as_ref()
            .map_or(Span::new(node.span.start, node.span.start + 1), |n| n.span);
        let mut missing = Vec::new();
        if project.name.is_none() {
            missing.push(("项目名称", "name", Severity::Error));
        }
        if project.department.name.is_none() && project.department.code.is_none() {
            missing.push(("主管部门及代码", "department", Severity::Error));
        }
        // A total that is present but not a number was reported already.
        let total_written = node
            .get("funds")
            .and_then(|f| f.get("total"))
            .is_some_and(|t| !matches!(t.kind, NodeKind::Null));
        if project.funds.total.is_none() && !total_written {
            missing.push(("资金总额", "funds.total", Severity::Error));
        }
        if !has_table {
            missing.push(("绩效指标表", "indicators", Severity::Error));
        }
        if project.year.is_none() {
            missing.push(("年度", "year", Severity::Warning));
        }
        for (what, field, severity) in missing {
            self.problem(
                severity,
                "parse::missing-field",
                format!("第 {index} 张表缺少“{what}”（{field}）"),
                anchor,
                None,
            );
        }
        Some(project)
    }

    fn goals(&mut self, node: Option<&Node>, field: &str) -> Vec<Goal> {
        let mut goals = Vec::new();
        for g in self.array(node, field) {
            self.known_keys(g, "目标", &["number", "text"]);
            let number = self
                .integer(g.get("number"), "goals.number")
                .and_then(|n| u32::try_from(n.value).ok().map(|v| Spanned::new(v, n.span)));
            match self.string(g.get("text"), "goals.text") {
                Some(text) => goals.push(Goal { number, text }),
                None => self.problem(
                    Severity::Warning,
                    "parse::missing-value",
                    "目标没有内容（text）".into(),
                    g.span,
                    None,
                ),
            }
        }
        goals
    }

    fn funds_source(&mut self, node: &Node) -> Option<FundsSource> {
        self.known_keys(
            node,
            "资金来源",
            &["label", "text", "amount", "role", "period"],
        );
        let label = self.string(node.get("label"), "funds.sources.label")?;
        let role = match self.string(node.get("role"), "funds.sources.role") {
            Some(r) => match r.value.as_str() {
                "total" => FundsRole::Total,
                "fiscal" => FundsRole::Fiscal,
                "superior" => FundsRole::Superior,
                "own_level" => FundsRole::OwnLevel,
                "other" => FundsRole::Other,
                _ => FundsRole::Source,
            },
            None => FundsRole::Source,
        };
        let period = match self.string(node.get("period"), "funds.sources.period") {
            Some(p) if p.value == "midterm" => Some(Period::Midterm),
            Some(p) if p.value == "annual" => Some(Period::Annual),
            _ => None,
        };
        Some(FundsSource {
            label,
            text: self
                .string(node.get("text"), "funds.sources.text")
                .map(|t| t.value),
            amount: self.amount(node.get("amount"), "funds.sources.amount"),
            role,
            period,
        })
    }

    fn indicator(&mut self, node: &Node, year: Option<i32>) -> Option<Indicator> {
        if !matches!(node.kind, NodeKind::Object(_)) {
            self.wrong_type("indicators 的元素", "对象", node);
            return None;
        }
        self.known_keys(
            node,
            "指标",
            &[
                "level1",
                "level2",
                "category",
                "name",
                "value",
                "note",
                "level1_text",
                "level2_text",
                "midterm_value",
                "weight",
                "direction",
                "nature",
                "line",
            ],
        );
        let canonical = |s: Spanned<String>| match recognise_level(&s.value) {
            Some(l) => Spanned::new(l.canonical.to_owned(), s.span),
            None => s,
        };
        let level1 = self.string(node.get("level1"), "level1").map(canonical);
        let level2 = self.string(node.get("level2"), "level2").map(canonical);
        let Some(name) = self.name(node.get("name"), "name") else {
            self.problem(
                Severity::Error,
                "parse::missing-indicator-name",
                "指标没有三级指标名称（name）".into(),
                node.span,
                None,
            );
            return None;
        };
        let category = derive_category(
            level1.as_ref().map(|l| l.value.as_str()),
            level2.as_ref().map(|l| l.value.as_str()),
        );
        if let Some(given) = node.get("category")
            && let NodeKind::Str(text) = &given.kind
            && category.map(|c| c.as_str()) != Some(text.as_ref())
        {
            let derived = category.map_or("（无）", |c| c.as_str());
            self.problem(
                Severity::Warning,
                "model::value-mismatch",
                format!(
                    "category “{}”与一级/二级指标推出的 “{derived}” 不一致，以后者为准",
                    quoted(text)
                ),
                given.span,
                None,
            );
        }
        // Read in the indicator's context, as the text reader reads it (`250万` under a cost
        // indicator is money), so that a form checks the same from its text and from its model.
        let context = Some((name.value.as_str(), category));
        let value = node.get("value").and_then(|v| self.value(v, year, context));
        let midterm_value = node
            .get("midterm_value")
            .and_then(|v| self.value(v, year, None));
        let note = self.string(node.get("note"), "note");
        let weight = node.get("weight").and_then(|w| match &w.kind {
            NodeKind::Null => None,
            NodeKind::Number(n) | NodeKind::Str(n) => match Decimal::from_str_exact(n.trim()) {
                Ok(d) => Some(Spanned::new(d, w.span)),
                Err(_) => {
                    self.problem(
                        Severity::Error,
                        "model::invalid",
                        format!("“weight”的值“{}”不是数值", quoted(n)),
                        w.span,
                        None,
                    );
                    None
                }
            },
            _ => {
                self.wrong_type("weight", "数值", w);
                None
            }
        });
        let direction = self
            .string(node.get("direction"), "direction")
            .and_then(|d| {
                match d.value.as_str() {
                    "positive" => Some(Direction::Positive),
                    "reverse" => Some(Direction::Reverse),
                    other => Direction::from_text(other),
                }
                .map(|dir| Spanned::new(dir, d.span))
            });
        Some(Indicator {
            level1,
            level2,
            category,
            name,
            value,
            note,
            level1_text: self
                .string(node.get("level1_text"), "level1_text")
                .map(|s| s.value),
            level2_text: self
                .string(node.get("level2_text"), "level2_text")
                .map(|s| s.value),
            midterm_value,
            weight,
            direction,
            nature: self.string(node.get("nature"), "nature"),
            line: self.source.line_number(node.span.start),
            span: node.span,
        })
    }

    fn value(
        &mut self,
        node: &Node,
        year: Option<i32>,
        context: Option<(&str, Option<crate::model::Category>)>,
    ) -> Option<Spanned<Value>> {
        let (text_node, object) = match &node.kind {
            NodeKind::Null => return None,
            NodeKind::Str(_) | NodeKind::Number(_) => (node, None),
            NodeKind::Object(_) => {
                self.known_keys(
                    node,
                    "指标值",
                    &["text", "kind", "op", "amount", "unit", "date", "by"],
                );
                match node.get("text") {
                    Some(t) => (t, Some(node)),
                    None => {
                        self.problem(
                            Severity::Error,
                            "model::type",
                            "指标值对象中没有 “text”".into(),
                            node.span,
                            Some("text 是指标值的原文，其余字段由它推出"),
                        );
                        return None;
                    }
                }
            }
            _ => {
                self.wrong_type("value", "字符串或对象", node);
                return None;
            }
        };
        let text = self.string(Some(text_node), "value.text")?;
        let parsed = parse_value(&text.value, year);
        if let Some(problem) = &parsed.problem {
            self.problem(
                Severity::Warning,
                problem.code(),
                problem.message(&text.value),
                text.span,
                Some(&problem.help()),
            );
        }
        let value = match context {
            Some((name, category)) => {
                crate::read::value_text::in_indicator_context(parsed.value, name, category, year)
            }
            None => parsed.value,
        };
        if let Some(object) = object {
            self.compare_derived(object, &value);
        }
        Some(Spanned::new(value, text.span))
    }

    /// Derived fields given next to `text` must agree with it.
    fn compare_derived(&mut self, object: &Node, parsed: &Value) {
        let NodeKind::Object(entries) = &object.kind else {
            return;
        };
        for (key, _, given) in entries {
            let expected: Option<String> = match key.as_ref() {
                "kind" => Some(parsed.kind.as_str().to_owned()),
                "op" => parsed.op.map(|o| o.as_str().to_owned()),
                "amount" => parsed.amount.map(crate::model::format_decimal),
                "unit" => parsed.unit.clone(),
                "date" => parsed.date.map(|d| d.to_string()),
                "by" => Some(parsed.by.to_string()),
                _ => continue,
            };
            let given_text = match &given.kind {
                NodeKind::Null => None,
                NodeKind::Str(s) => Some(s.to_string()),
                NodeKind::Number(n) => Some(n.to_string()),
                NodeKind::Bool(b) => Some(b.to_string()),
                _ => Some(String::from("?")),
            };
            let same = match (key.as_ref(), &given_text, &expected) {
                ("amount", Some(g), Some(e)) => {
                    g.parse::<Decimal>().ok().map(|d| d.normalize().to_string()) == Some(e.clone())
                }
                (_, g, e) => g == e,
            };
            if !same {
                let shown = expected.unwrap_or_else(|| "null".into());
                self.problem(
                    Severity::Warning,
                    "model::value-mismatch",
                    format!(
                        "value.{key} 与 text “{}” 推出的 {} 不一致，以 text 为准",
                        quoted(&parsed.text),
                        quoted(&shown)
                    ),
                    given.span,
                    Some("修改指标值时改 text 即可，其余字段可以删去"),
                );
            }
        }
    }
}

/// A JSON number written with an exponent (`2e5`, `1.5E-3`), exactly; `None` for any other
/// spelling (those are read as written) or one out of range.
fn exponent_number(n: &str) -> Option<Decimal> {
    if !n.contains(['e', 'E']) {
        return None;
    }
    Decimal::from_scientific(n).ok().map(|d| d.normalize())
}

/// Read the model from a parsed tree.
pub fn read_model(source: &SourceFile, root: &Node) -> (Document, Vec<Diagnostic>) {
    let mut reader = Reader {
        source,
        diags: Vec::new(),
    };
    let document = reader.document(root);
    let mut diags = reader.diags;
    assign_forms(&mut diags, &document.projects);
    (document, diags)
}

/// Name the form each of `diags` is in, when it has none: the form holding its span.
pub fn assign_forms(diags: &mut [Diagnostic], projects: &[Project]) {
    for d in diags {
        // Forms are in document order: the one holding a span is found by bisection.
        if d.project.is_none()
            && let Some(primary) = &d.primary
            && let Some(p) = projects
                .partition_point(|p| p.span.start <= primary.span.start)
                .checked_sub(1)
                .and_then(|i| projects.get(i))
                .filter(|p| primary.span.end <= p.span.end)
        {
            d.project = Some(crate::diagnostic::ProjectRef::of(p));
        }
    }
}

/// Read the model from JSON a form at a time: each form goes to `forms` as soon as it is read,
/// so the file is never held as a tree. The diagnostics are not yet assigned to forms (see
/// [`assign_forms`]). A syntax error anywhere is one `model::syntax` error; the forms read
/// before it have been handed over already, and the caller drops them (a broken file is not
/// checked in part).
pub fn stream_json_model(source: &SourceFile, forms: &mut dyn FnMut(Project)) -> Vec<Diagnostic> {
    let mut reader = Reader {
        source,
        diags: Vec::new(),
    };
    let mut read = 0usize;
    let root = crate::read::json::stream(source.text(), &mut |node| {
        if let Some(project) = reader.project(&node, read + 1) {
            read += 1;
            forms(project);
        }
    });
    match root {
        Ok(root) => {
            // Keys and types of the documents; their streamed `projects` arrays are empty, and
            // a `projects` that is not an array was not streamed: its type is reported here.
            for doc in reader.documents(&root) {
                let projects = doc.get("projects");
                if projects.is_some_and(|p| !matches!(p.kind, NodeKind::Array(_))) {
                    let _ = reader.array(projects, "projects");
                }
            }
            reader.no_forms(read == 0, &root);
        }
        Err(d) => reader.diags.push(d),
    }
    reader.diags
}
