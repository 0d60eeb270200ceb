//! Policy source → AST, with readable syntax errors.
//!
//! pest has no error recovery, so a file is first cut into items (`import`, `param`, `rule`) by a
//! small scanner that knows strings, comments and braces; each item is parsed on its own and a
//! syntax error in one does not hide the errors of the others. Before pest sees an item, its
//! bracket and `if`/quantifier nesting is bounded, so no input can exhaust the stack.

use crate::diagnostic::{Diagnostic, Severity};
use crate::policy::ast::*;
use crate::span::Span;
use chrono::NaiveDate;
use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
use pest_derive::Parser;
use rust_decimal::Decimal;

#[derive(Parser)]
#[grammar = "../grammar/policy.pest"]
struct PolicyGrammar;

/// Deepest bracket nesting accepted in one item.
pub const MAX_BRACKET_DEPTH: usize = 32;
/// Most `if`/`any`/`all`/`none` in one item (they nest without brackets).
pub const MAX_KEYWORD_NESTING: usize = 64;
/// Deepest expression tree accepted (long operator chains build deep trees).
pub const MAX_EXPR_DEPTH: u32 = 128;

type Result<T> = std::result::Result<T, Diagnostic>;

/// Stack for parsing a policy file: the generated parser recurses through every precedence
/// level for each nested bracket, and in a debug build 28 nested lists overflowed the 2 MiB of
/// a test or worker thread. Only the pages actually used are committed.
const PARSE_STACK_BYTES: usize = 64 << 20;

/// Parse a whole policy file. Items that fail are reported and skipped. Runs on a thread of its
/// own with a large stack (see [`PARSE_STACK_BYTES`]); inline if no thread can be started.
pub fn parse_file(text: &str) -> (Vec<Item>, Vec<Diagnostic>) {
    on_parser_stack(|| parse_items(text)).unwrap_or_else(|failure| (Vec::new(), vec![failure]))
}

/// Run `work` on a thread with [`PARSE_STACK_BYTES`] of stack, or here if no thread starts.
fn on_parser_stack<T: Send>(work: impl Fn() -> T + Sync) -> Result<T> {
    std::thread::scope(|scope| {
        let thread = std::thread::Builder::new()
            .name("jixiao-policy-parser".into())
            .stack_size(PARSE_STACK_BYTES)
            .spawn_scoped(scope, &work);
        match thread {
            Ok(handle) => handle.join().map_err(|_| {
                Diagnostic::error("policy::internal", "解析规则时出现内部错误")
                    .with_primary(Span::point(0), None)
            }),
            Err(_) => Ok(work()),
        }
    })
}

/// Expressions nested at most this deep are parsed on the caller's stack (templates, parameter
/// values); deeper ones on a thread with a large stack.
const INLINE_PARSE_DEPTH: usize = 8;

fn parse_items(text: &str) -> (Vec<Item>, Vec<Diagnostic>) {
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for (start, end) in split_items(text) {
        let Some(chunk) = text.get(start..end) else {
            continue;
        };
        // Nothing but whitespace and comments (a file header, a trailing note).
        if Scanner::new(chunk).next_token().is_none() {
            continue;
        }
        match parse_item(chunk, start) {
            Ok(item) => items.push(item),
            Err(e) => errors.push(e),
        }
    }
    (items, errors)
}

/// Parse one expression standing alone (a `{…}` in a template, a parameter override).
pub fn parse_expr(text: &str, offset: usize) -> Result<Expr> {
    if check_nesting(text, offset)? > INLINE_PARSE_DEPTH {
        return on_parser_stack(|| parse_expr_here(text, offset))?;
    }
    parse_expr_here(text, offset)
}

fn parse_expr_here(text: &str, offset: usize) -> Result<Expr> {
    let mut pairs = PolicyGrammar::parse(Rule::template_expr, text)
        .map_err(|e| syntax_error(e, text, offset))?;
    let top = pairs.next().and_then(|p| p.into_inner().next());
    let Some(expr) = top else {
        return Err(Diagnostic::error("policy::syntax", "这里应为一个表达式")
            .with_primary(Span::point(offset), None));
    };
    build_expr(expr, offset)
}

/// Parse a literal (for parameter values given on the command line or in configuration).
pub fn parse_literal(text: &str) -> Result<Expr> {
    if check_nesting(text, 0)? > INLINE_PARSE_DEPTH {
        return on_parser_stack(|| parse_literal_here(text))?;
    }
    parse_literal_here(text)
}

fn parse_literal_here(text: &str) -> Result<Expr> {
    let mut pairs =
        PolicyGrammar::parse(Rule::literal_only, text).map_err(|e| syntax_error(e, text, 0))?;
    let inner = pairs.next().and_then(|p| p.into_inner().next());
    match inner {
        Some(pair) if pair.as_rule() == Rule::list_literal => build_list(pair, 0),
        Some(pair) => build_primary(pair, 0),
        None => Err(Diagnostic::error("policy::syntax", "这里应为一个字面量")
            .with_primary(Span::point(0), None)),
    }
}

/// At most this many grammar-rule calls per item: far above what a real rule needs (the
/// largest rule of the default pack needs a few tens of thousands), and reached in well under a
/// second. It ends the few inputs on which a choice of the grammar re-parses nested operands
/// (`count(count(count(…` as an aggregate, then again as a call) and would take exponential time.
const PARSER_CALL_LIMIT: usize = 5_000_000;

fn parse_item(chunk: &str, offset: usize) -> Result<Item> {
    check_nesting(chunk, offset)?;
    // pest's limit is process-wide; the value grammar is linear and never comes near it.
    pest::set_call_limit(std::num::NonZeroUsize::new(PARSER_CALL_LIMIT));
    let mut pairs = PolicyGrammar::parse(Rule::item, chunk)
        .map_err(|e| with_bracket_hint(syntax_error(e, chunk, offset), chunk, offset))?;
    let item = pairs
        .next()
        .and_then(|p| p.into_inner().next())
        .ok_or_else(|| {
            Diagnostic::error("policy::syntax", "这里应为 import、param 或 rule")
                .with_primary(Span::point(offset), None)
        })?;
    let span = span_of(&item, offset);
    match item.as_rule() {
        Rule::import_item => {
            let path = item.into_inner().nth(1).ok_or_else(|| internal(span))?;
            Ok(Item::Import(build_string(path, offset)?))
        }
        Rule::param_item => {
            let mut inner = item.into_inner().skip(1);
            let name = ident(inner.next().ok_or_else(|| internal(span))?, offset);
            let ty = build_type(inner.next().ok_or_else(|| internal(span))?, offset)?;
            let default = build_expr(inner.next().ok_or_else(|| internal(span))?, offset)?;
            Ok(Item::Param(ParamDecl {
                name,
                ty,
                default,
                span,
            }))
        }
        Rule::rule_item => {
            let mut inner = item.into_inner().skip(1);
            let id = ident(inner.next().ok_or_else(|| internal(span))?, offset);
            let clauses = inner
                .map(|c| build_clause(c, offset))
                .collect::<Result<Vec<_>>>()?;
            Ok(Item::Rule(RuleDecl { id, clauses, span }))
        }
        _ => Err(internal(span)),
    }
}

// ------------------------------------------------------------------ splitting and bounds

/// Byte ranges of the top-level items of a file. An item starts at `rule`, `param` or `import` at
/// brace depth 0, or at the start of a line even inside braces (to recover from a missing `}`).
fn split_items(text: &str) -> Vec<(usize, usize)> {
    let mut starts = vec![0usize];
    let mut depth = 0usize;
    let mut scan = Scanner::new(text);
    while let Some(token) = scan.next_token() {
        match token {
            Token::Open('{') => depth += 1,
            Token::Close('}') => depth = depth.saturating_sub(1),
            Token::Word(start, "rule" | "param" | "import") => {
                // Items begin a line; inside braces only at column 0 (a missing `}` above).
                let before = text.get(..start).unwrap_or("");
                let indent = before.len() - before.trim_end_matches([' ', '\t']).len();
                let begins_line = before.trim_end_matches([' ', '\t']).ends_with('\n')
                    || before.trim().is_empty();
                if begins_line && (depth == 0 || indent == 0) && start > 0 {
                    starts.push(start);
                    depth = 0;
                }
            }
            _ => {}
        }
    }
    let mut ranges = Vec::with_capacity(starts.len());
    for (i, &s) in starts.iter().enumerate() {
        let e = starts.get(i + 1).copied().unwrap_or(text.len());
        ranges.push((s, e));
    }
    ranges
}

/// Refuse text nested deeper than the limits; else the deepest bracket nesting found.
fn check_nesting(text: &str, offset: usize) -> Result<usize> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut keywords = 0usize;
    let mut scan = Scanner::new(text);
    while let Some(token) = scan.next_token() {
        match token {
            Token::Open(c) if c != '{' => {
                depth += 1;
                deepest = deepest.max(depth);
                if depth > MAX_BRACKET_DEPTH {
                    let at = offset + scan.last_start;
                    return Err(too_deep(
                        Span::new(at, at + 1),
                        format!("括号嵌套超过 {MAX_BRACKET_DEPTH} 层"),
                    ));
                }
            }
            Token::Close(c) if c != '}' => depth = depth.saturating_sub(1),
            Token::Word(start, "if" | "any" | "all" | "none") => {
                keywords += 1;
                if keywords > MAX_KEYWORD_NESTING {
                    let at = offset + start;
                    return Err(too_deep(
                        Span::new(at, at + 2),
                        format!("一条规则中 if/any/all/none 超过 {MAX_KEYWORD_NESTING} 个"),
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(deepest)
}

/// pest cannot name a missing `)` as expected; point at the bracket that is not closed.
fn with_bracket_hint(mut d: Diagnostic, text: &str, offset: usize) -> Diagnostic {
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut scan = Scanner::new(text);
    while let Some(token) = scan.next_token() {
        match token {
            Token::Open(c) => open.push((scan.last_start, c)),
            Token::Close(c) => {
                let expected = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                match open.last() {
                    Some((_, o)) if *o == expected => {
                        open.pop();
                    }
                    // The opener is further out: the brackets opened since are not closed.
                    Some(&(at, o)) if open.iter().any(|(_, o)| *o == expected) => {
                        let close = if o == '(' { ')' } else { ']' };
                        let at = offset + at;
                        return d.with_label(
                            Span::new(at, at + 1),
                            format!("这个 {o} 没有对应的 {close}"),
                        );
                    }
                    _ => {
                        let at = offset + scan.last_start;
                        return d.with_label(
                            Span::new(at, at + 1),
                            format!("这个 {c} 前面没有对应的 {expected}"),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(&(at, c)) = open.iter().rev().find(|(_, c)| *c != '{').or(open.last()) {
        let close = match c {
            '(' => ')',
            '[' => ']',
            _ => '}',
        };
        let at = offset + at;
        d = d.with_label(
            Span::new(at, at + 1),
            format!("这个 {c} 没有对应的 {close}"),
        );
    }
    d
}

fn too_deep(span: Span, message: String) -> Diagnostic {
    Diagnostic::error("policy::too-deep", message)
        .with_primary(span, Some("嵌套太深".into()))
        .with_help("拆分表达式，或用 let 绑定中间结果")
}

enum Token<'a> {
    Open(char),
    Close(char),
    Word(usize, &'a str),
    Other,
}

/// Just enough lexing to skip strings and comments.
struct Scanner<'a> {
    text: &'a str,
    pos: usize,
    last_start: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Scanner {
            text,
            pos: 0,
            last_start: 0,
        }
    }

    fn next_token(&mut self) -> Option<Token<'a>> {
        loop {
            let rest = self.text.get(self.pos..)?;
            let c = rest.chars().next()?;
            let start = self.pos;
            self.last_start = start;
            if c.is_whitespace() || c == '\u{FEFF}' {
                self.pos += c.len_utf8();
                continue;
            }
            if c == '#' {
                self.pos += rest.find('\n').unwrap_or(rest.len());
                continue;
            }
            if rest.starts_with("\"\"\"") {
                let body = rest.get(3..).unwrap_or("");
                self.pos += 3 + body.find("\"\"\"").map_or(body.len(), |i| i + 3);
                return Some(Token::Other);
            }
            if c == '"' {
                let mut escaped = false;
                let mut len = 1;
                for ch in rest.chars().skip(1) {
                    len += ch.len_utf8();
                    if escaped {
                        escaped = false;
                    } else if ch == '\\' {
                        escaped = true;
                    } else if ch == '"' || ch == '\n' {
                        break;
                    }
                }
                self.pos += len;
                return Some(Token::Other);
            }
            if c.is_alphabetic() || c == '_' {
                let len: usize = rest
                    .char_indices()
                    .find(|&(_, ch)| !(ch.is_alphanumeric() || ch == '_'))
                    .map_or(rest.len(), |(i, _)| i);
                self.pos += len;
                return Some(Token::Word(start, rest.get(..len).unwrap_or("")));
            }
            self.pos += c.len_utf8();
            return Some(match c {
                '(' | '[' | '{' => Token::Open(c),
                ')' | ']' | '}' => Token::Close(c),
                _ => Token::Other,
            });
        }
    }
}

// ------------------------------------------------------------------ syntax errors

fn syntax_error(err: pest::error::Error<Rule>, text: &str, offset: usize) -> Diagnostic {
    let (start, end) = match err.location {
        InputLocation::Pos(p) => (p, p),
        InputLocation::Span((s, e)) => (s, e),
    };
    if let ErrorVariant::CustomError { message } = &err.variant
        && message.contains("limit reached")
    {
        // The parser's work limit: deep nesting, or a very long list or expression.
        return Diagnostic::error(
            "policy::too-deep",
            "规则文件过于复杂：解析到这里超过了上限（嵌套过深，或一个列表、一条表达式过长）",
        )
        .with_primary(
            Span::new(offset + start, offset + start),
            Some("解析到这里时超过上限".into()),
        )
        .with_help(
            "拆分表达式，或用 let 绑定中间结果；很长的名单写成参数（param … : list<string>），在 jixiao.toml 的 [params] 中给出",
        );
    }
    // Point at the character found there (a zero-width span is easy to miss).
    let end = if end > start {
        end
    } else {
        start
            + text
                .get(start..)
                .and_then(|r| r.chars().next())
                .map_or(0, char::len_utf8)
    };
    let found = text
        .get(start..)
        .map(|rest| {
            let token: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace())
                .take(12)
                .collect();
            if token.is_empty() {
                "文件结尾".to_owned()
            } else {
                format!("`{token}`")
            }
        })
        .unwrap_or_else(|| "文件结尾".to_owned());
    let message = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut expected: Vec<&str> = positives.iter().filter_map(|r| describe(*r)).collect();
            expected.sort_unstable();
            expected.dedup();
            match expected.as_slice() {
                [] => format!("语法错误：这里不应出现 {found}"),
                [one] => format!("语法错误：这里应为{one}，但发现 {found}"),
                many => format!("语法错误：这里应为{}，但发现 {found}", join_or(many)),
            }
        }
        ErrorVariant::CustomError { message } => format!("语法错误：{message}"),
    };
    // A misspelt clause keyword at the start of a line (`mesage "…"`): say which was meant.
    let word: String = text
        .get(start..)
        .unwrap_or_default()
        .chars()
        .take_while(|c| c.is_ascii_alphabetic() || *c == '_')
        .collect();
    let at_line_start = text
        .get(..start)
        .unwrap_or_default()
        .rsplit('\n')
        .next()
        .is_some_and(|before| before.trim().is_empty());
    let meant = (at_line_start && !word.is_empty() && !CLAUSE_KEYWORDS.contains(&word.as_str()))
        .then(|| {
            CLAUSE_KEYWORDS
                .iter()
                .map(|k| (strsim::damerau_levenshtein(&word, k), *k))
                .filter(|(d, k)| *d <= 2 && *d < k.len().div_ceil(2))
                .min()
                .map(|(_, k)| k)
        })
        .flatten();
    // A string with a backslash the language does not know (`"\d+"` for a regular expression).
    let bad_escape = text.get(start..).unwrap_or_default().starts_with('"')
        && text
            .get(start..)
            .unwrap_or_default()
            .lines()
            .next()
            .unwrap_or_default()
            .split('\\')
            .skip(1)
            .any(|after| !after.starts_with(['"', '\\', 'n', 't', 'u']) && !after.is_empty());
    // Full-width punctuation typed with a Chinese input method: `，` `（` `）` `：` `“`.
    let full_width = text
        .get(start..)
        .and_then(|r| r.chars().next())
        .and_then(|c| {
            Some(match c {
                '，' => ",",
                '（' => "(",
                '）' => ")",
                '：' => ":",
                '；' => ";",
                '【' => "[",
                '】' => "]",
                '“' | '”' => "\"",
                '＝' => "=",
                '＞' => ">",
                '＜' => "<",
                _ => return None,
            })
            .map(|ascii| (c, ascii))
        });
    let help = match (meant, full_width) {
        (Some(k), _) => format!("是否应为 `{k}`？子句关键字见 docs/policy-language.md"),
        (None, Some((c, ascii))) => format!(
            "这里是全角的 `{c}`：规则语言的标点用半角，应为 `{ascii}`（字符串中的中文标点不受影响）"
        ),
        (None, None) if bad_escape => "字符串中的反斜杠只能写 \\\\、\\\"、\\n、\\t、\\u{…}：正则表达式的 \\d 写作 \"\\\\d\"，或用三引号原样字符串 \"\"\"\\d+\"\"\"（其中的反斜杠不转义）".to_owned(),
        (None, None) => "语法见 docs/policy-language.md".to_owned(),
    };
    Diagnostic::new("policy::syntax", Severity::Error, message)
        .with_primary(Span::new(offset + start, offset + end), Some("这里".into()))
        .with_help(help)
}

/// The words that begin a clause of a rule, a parameter or a file.
const CLAUSE_KEYWORDS: &[&str] = &[
    "rule", "param", "import", "severity", "title", "tags", "doc", "for", "where", "let",
    "require", "else", "message", "at", "label", "help", "example", "expect",
];

fn join_or(items: &[&str]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} 或 {last}", rest.join("、")),
        Some((last, _)) => (*last).to_owned(),
        None => String::new(),
    }
}

/// Readable names for the grammar rules pest reports as expected.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::import_item | Rule::kw_import => "`import`",
        Rule::param_item | Rule::kw_param => "`param`",
        Rule::rule_item | Rule::kw_rule => "`rule`",
        Rule::rule_id => "规则编号（如 funds.cost-within-total）",
        Rule::type_expr | Rule::type_name | Rule::list_type => {
            "类型名（如 percent、money、list<string>）"
        }
        Rule::severity_clause
        | Rule::title_clause
        | Rule::doc_clause
        | Rule::tags_clause
        | Rule::help_clause
        | Rule::message_clause
        | Rule::for_clause
        | Rule::where_clause
        | Rule::let_clause
        | Rule::require_clause
        | Rule::at_clause
        | Rule::label_clause
        | Rule::example_clause => {
            "规则子句（severity、title、for、where、let、require、message …）或 `}`"
        }
        Rule::severity_level => "`error`、`warning` 或 `info`",
        Rule::example_kind => "`pass` 或 `fail`",
        Rule::binding => "绑定（如 p in projects）",
        Rule::expr
        | Rule::if_expr
        | Rule::or_expr
        | Rule::cmp_expr
        | Rule::negated
        | Rule::postfix
        | Rule::paren
        | Rule::name
        | Rule::call
        | Rule::aggregate
        | Rule::quantifier
        | Rule::list_literal
        | Rule::bool_lit
        | Rule::number
        | Rule::quantity_lit
        | Rule::date_lit => "表达式",
        Rule::cmp_op => "比较运算符",
        Rule::add_op | Rule::mul_op | Rule::coalesce_op => "运算符",
        Rule::is_tail => "`is missing` 或 `is present`",
        Rule::in_tail => "`in`",
        Rule::field_name => "字段名",
        Rule::string | Rule::plain_string | Rule::triple_string => "字符串",
        Rule::ident | Rule::ident_raw | Rule::call_name => "名称",
        Rule::kw_in => "`in`",
        Rule::kw_for => "`for`",
        Rule::kw_where => "`where`",
        Rule::kw_then => "`then`",
        Rule::kw_else => "`else`",
        Rule::kw_or | Rule::kw_and => "`and`/`or`",
        Rule::kw_missing | Rule::kw_present => "`missing` 或 `present`",
        Rule::kw_by => "`by`",
        Rule::comp_map | Rule::comp_filter | Rule::comp_group | Rule::list_comp_tail => {
            "推导式（如 i in p.indicators where …）"
        }
        Rule::EOI => "文件结尾",
        _ => return None,
    })
}

// ------------------------------------------------------------------ building the AST

fn internal(span: Span) -> Diagnostic {
    Diagnostic::error("policy::syntax", "无法解析这一项").with_primary(span, None)
}

/// The span of a node without the whitespace and comments pest lets it swallow at its end
/// (an optional tail that did not match still consumes the whitespace before it).
fn span_of(pair: &Pair<'_, Rule>, offset: usize) -> Span {
    let s = pair.as_span();
    let len = meaningful_len(pair.as_str());
    Span::new(offset + s.start(), offset + s.start() + len)
}

fn meaningful_len(text: &str) -> usize {
    let mut end = text.trim_end().len();
    // A trailing `# comment` on the last line (outside a string).
    loop {
        let body = text.get(..end).unwrap_or("");
        let line_start = body.rfind('\n').map_or(0, |i| i + 1);
        let line = body.get(line_start..).unwrap_or("");
        let mut in_string = false;
        let mut cut = None;
        for (i, c) in line.char_indices() {
            match c {
                '"' => in_string = !in_string,
                '#' if !in_string => {
                    cut = Some(i);
                    break;
                }
                _ => {}
            }
        }
        match cut {
            Some(i) => end = body.get(..line_start + i).unwrap_or("").trim_end().len(),
            None => return end,
        }
    }
}

fn ident(pair: Pair<'_, Rule>, offset: usize) -> Ident {
    Ident {
        name: pair.as_str().to_owned(),
        span: span_of(&pair, offset),
    }
}

fn build_type(pair: Pair<'_, Rule>, offset: usize) -> Result<TypeExpr> {
    let span = span_of(&pair, offset);
    let inner = pair.into_inner().next().ok_or_else(|| internal(span))?;
    match inner.as_rule() {
        Rule::list_type => {
            let element = inner.into_inner().next().ok_or_else(|| internal(span))?;
            Ok(TypeExpr::List(Box::new(build_type(element, offset)?), span))
        }
        _ => Ok(TypeExpr::Named(ident(inner, offset))),
    }
}

fn build_clause(pair: Pair<'_, Rule>, offset: usize) -> Result<Clause> {
    let span = span_of(&pair, offset);
    let rule = pair.as_rule();
    let mut inner = pair.into_inner();
    let keyword = inner.next().map_or(span, |k| span_of(&k, offset));
    let mut next = || inner.next().ok_or_else(|| internal(span));
    let kind = match rule {
        Rule::severity_clause => ClauseKind::Severity(match next()?.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            _ => Severity::Info,
        }),
        Rule::title_clause => ClauseKind::Title(build_string(next()?, offset)?),
        Rule::doc_clause => ClauseKind::Doc(build_string(next()?, offset)?),
        Rule::help_clause => ClauseKind::Help(build_string(next()?, offset)?),
        Rule::message_clause => ClauseKind::Message(build_string(next()?, offset)?),
        Rule::tags_clause => {
            let mut tags = Vec::new();
            while let Ok(tag) = next() {
                tags.push(build_string(tag, offset)?);
            }
            ClauseKind::Tags(tags)
        }
        Rule::for_clause => {
            let mut bindings = Vec::new();
            while let Ok(binding) = next() {
                let bspan = span_of(&binding, offset);
                let mut b = binding.into_inner();
                let name = ident(b.next().ok_or_else(|| internal(bspan))?, offset);
                let collection = build_expr(b.nth(1).ok_or_else(|| internal(bspan))?, offset)?;
                bindings.push(Binding { name, collection });
            }
            ClauseKind::For(bindings)
        }
        Rule::where_clause => ClauseKind::Where(build_expr(next()?, offset)?),
        Rule::let_clause => {
            let name = ident(next()?, offset);
            ClauseKind::Let(name, build_expr(next()?, offset)?)
        }
        Rule::require_clause => {
            let cond = build_expr(next()?, offset)?;
            let otherwise = match next() {
                Ok(o) => Some(Box::new(build_otherwise(o, offset)?)),
                Err(_) => None,
            };
            ClauseKind::Require(cond, otherwise)
        }
        Rule::at_clause => {
            let place = build_expr(next()?, offset)?;
            let text = match next() {
                Ok(s) => Some(build_string(s, offset)?),
                Err(_) => None,
            };
            ClauseKind::At(place, text)
        }
        Rule::label_clause => {
            let place = build_expr(next()?, offset)?;
            let text = match next() {
                Ok(s) => Some(build_string(s, offset)?),
                Err(_) => None,
            };
            ClauseKind::Label(place, text)
        }
        Rule::example_clause => {
            let kind = if next()?.as_str() == "pass" {
                ExampleKind::Pass
            } else {
                ExampleKind::Fail
            };
            let path = build_string(next()?, offset)?;
            let expect = match (next(), next()) {
                (Ok(_), Ok(n)) => {
                    let nspan = span_of(&n, offset);
                    let value = n.as_str().parse::<u32>().map_err(|_| {
                        Diagnostic::error("policy::syntax", "expect 后应为一个不太大的整数")
                            .with_primary(nspan, None)
                    })?;
                    Some((value, nspan))
                }
                _ => None,
            };
            ClauseKind::Example { kind, path, expect }
        }
        _ => return Err(internal(span)),
    };
    Ok(Clause {
        kind,
        keyword,
        span,
    })
}

fn build_otherwise(pair: Pair<'_, Rule>, offset: usize) -> Result<Otherwise> {
    let span = span_of(&pair, offset);
    let body = pair.into_inner().nth(1).ok_or_else(|| internal(span))?;
    let mut otherwise = Otherwise {
        message: None,
        severity: None,
        at: None,
        help: None,
    };
    if body.as_rule() == Rule::string {
        otherwise.message = Some(build_string(body, offset)?);
        return Ok(otherwise);
    }
    for part in body.into_inner() {
        let pspan = span_of(&part, offset);
        let rule = part.as_rule();
        let mut inner = part.into_inner().skip(1);
        let mut next = || inner.next().ok_or_else(|| internal(pspan));
        match rule {
            Rule::otherwise_message => otherwise.message = Some(build_string(next()?, offset)?),
            Rule::otherwise_severity => {
                otherwise.severity = Some(match next()?.as_str() {
                    "error" => Severity::Error,
                    "warning" => Severity::Warning,
                    _ => Severity::Info,
                });
            }
            Rule::otherwise_at => {
                let place = build_expr(next()?, offset)?;
                let text = match next() {
                    Ok(t) => Some(build_string(t, offset)?),
                    Err(_) => None,
                };
                otherwise.at = Some((place, text));
            }
            Rule::otherwise_help => otherwise.help = Some(build_string(next()?, offset)?),
            _ => {}
        }
    }
    Ok(otherwise)
}

fn build_string(pair: Pair<'_, Rule>, offset: usize) -> Result<StrLit> {
    let span = span_of(&pair, offset);
    let inner = pair.into_inner().next().ok_or_else(|| internal(span))?;
    let triple = inner.as_rule() == Rule::triple_string;
    let body = inner.into_inner().next().ok_or_else(|| internal(span))?;
    let raw = body.as_str().to_owned();
    let raw_start = offset + body.as_span().start();
    let value = if triple {
        dedent(&raw)
    } else {
        unescape(&raw, raw_start)?
    };
    Ok(StrLit {
        value,
        raw,
        raw_start,
        triple,
        span,
    })
}

/// Resolve `\" \\ \n \t \u{…}` in a plain string.
pub fn unescape(raw: &str, raw_start: usize) -> Result<String> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            Some((_, '"')) => out.push('"'),
            Some((_, '\\')) => out.push('\\'),
            Some((_, 'u')) => {
                let rest = raw.get(i + 2..).unwrap_or("");
                let hex: String = rest
                    .trim_start_matches('{')
                    .chars()
                    .take_while(|c| *c != '}')
                    .collect();
                let code = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                let Some(code) = code else {
                    let at = raw_start + i;
                    return Err(Diagnostic::error(
                        "policy::syntax",
                        format!("无效的 Unicode 转义 \\u{{{hex}}}"),
                    )
                    .with_primary(Span::new(at, at + 3 + hex.len()), None));
                };
                out.push(code);
                for _ in 0..hex.chars().count() + 2 {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// A triple-quoted block without its first and last blank lines and common indentation.
fn dedent(raw: &str) -> String {
    let lines: Vec<&str> = raw.lines().collect();
    let start = lines
        .iter()
        .position(|l| !l.trim().is_empty())
        .unwrap_or(lines.len());
    let end = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .map_or(start, |i| i + 1);
    let body = lines.get(start..end).unwrap_or(&[]);
    let indent = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    body.iter()
        .map(|l| l.get(indent..).unwrap_or(l.trim_start()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The depth of a node over `children`, refused past [`MAX_EXPR_DEPTH`].
fn depth_over(span: Span, children: &[&Expr]) -> Result<u32> {
    let depth = 1 + children.iter().map(|c| c.depth).max().unwrap_or(0);
    if depth > MAX_EXPR_DEPTH {
        return Err(too_deep(
            span,
            format!("表达式嵌套超过 {MAX_EXPR_DEPTH} 层"),
        ));
    }
    Ok(depth)
}

fn node(kind: ExprKind, span: Span, children: &[&Expr]) -> Result<Expr> {
    let depth = depth_over(span, children)?;
    Ok(Expr { kind, span, depth })
}

/// Skip the grammar levels that only pass one operand through (`expr` → `or_expr` →
/// `cmp_expr` → `postfix` for a plain name), without recursion: each level of real nesting
/// then costs a couple of stack frames, not a dozen.
fn descend(mut pair: Pair<'_, Rule>) -> Pair<'_, Rule> {
    loop {
        let passes_through = match pair.as_rule() {
            Rule::expr | Rule::paren => true,
            Rule::or_expr | Rule::cmp_expr | Rule::postfix => {
                pair.clone().into_inner().count() == 1
            }
            _ => false,
        };
        if !passes_through {
            return pair;
        }
        match pair.clone().into_inner().next() {
            Some(inner) => pair = inner,
            None => return pair,
        }
    }
}

/// `lhs OP rhs` as a node, its depth checked.
fn binary(
    lhs: Expr,
    rhs: Expr,
    make: impl FnOnce(Box<Expr>, Box<Expr>) -> ExprKind,
) -> Result<Expr> {
    let span = lhs.span.cover(rhs.span);
    let depth = depth_over(span, &[&lhs, &rhs])?;
    Ok(Expr {
        kind: make(Box::new(lhs), Box::new(rhs)),
        span,
        depth,
    })
}

/// `OP operand` for prefix operators, applied innermost first (`not not x`).
fn prefixed(
    ops: &[Pair<'_, Rule>],
    mut operand: Expr,
    offset: usize,
    make: fn(Box<Expr>) -> ExprKind,
) -> Result<Expr> {
    for op in ops.iter().rev() {
        let span = span_of(op, offset).cover(operand.span);
        let depth = depth_over(span, &[&operand])?;
        operand = Expr {
            kind: make(Box::new(operand)),
            span,
            depth,
        };
    }
    Ok(operand)
}

fn build_expr(pair: Pair<'_, Rule>, offset: usize) -> Result<Expr> {
    let pair = descend(pair);
    let span = span_of(&pair, offset);
    let rule = pair.as_rule();
    match rule {
        Rule::expr | Rule::paren => {
            let inner = pair.into_inner().next().ok_or_else(|| internal(span))?;
            build_expr(inner, offset)
        }
        Rule::if_expr => {
            let mut parts = pair.into_inner().filter(|p| p.as_rule() == Rule::expr);
            let mut next = || -> Result<Expr> {
                build_expr(parts.next().ok_or_else(|| internal(span))?, offset)
            };
            let (c, t, e) = (next()?, next()?, next()?);
            let depth = depth_over(span, &[&c, &t, &e])?;
            Ok(Expr {
                kind: ExprKind::If(Box::new(c), Box::new(t), Box::new(e)),
                span,
                depth,
            })
        }
        // `not* cmp ((or | and) not* cmp)*`: `and` binds tighter than `or`, both to the left.
        Rule::or_expr => {
            let mut terms = Vec::new();
            let mut ops = Vec::new();
            let mut nots = Vec::new();
            for part in pair.into_inner() {
                match part.as_rule() {
                    Rule::kw_not => nots.push(part),
                    Rule::kw_or => ops.push(Precedence::Or),
                    Rule::kw_and => ops.push(Precedence::And),
                    _ => {
                        let operand = build_expr(part, offset)?;
                        terms.push(prefixed(&nots, operand, offset, ExprKind::Not)?);
                        nots.clear();
                    }
                }
            }
            fold_chain(terms, ops, span)
        }
        Rule::cmp_expr => {
            let mut parts = pair.into_inner().peekable();
            let lhs = arith_chain(&mut parts, offset, span)?;
            let Some(tail) = parts.next() else {
                return Ok(lhs);
            };
            match tail.as_rule() {
                Rule::is_tail => {
                    let words: Vec<&str> = tail.into_inner().map(|p| p.as_str()).collect();
                    let negated = words.contains(&"not");
                    let missing = words.contains(&"missing");
                    let depth = depth_over(span, &[&lhs])?;
                    Ok(Expr {
                        kind: ExprKind::Is {
                            negated,
                            missing,
                            expr: Box::new(lhs),
                        },
                        span,
                        depth,
                    })
                }
                Rule::in_tail => {
                    let mut inner = tail.into_inner().peekable();
                    let negated = inner.next_if(|p| p.as_rule() == Rule::kw_not).is_some();
                    inner.next_if(|p| p.as_rule() == Rule::kw_in);
                    let list = arith_chain(&mut inner, offset, span)?;
                    let depth = depth_over(span, &[&lhs, &list])?;
                    Ok(Expr {
                        kind: ExprKind::In {
                            negated,
                            item: Box::new(lhs),
                            list: Box::new(list),
                        },
                        span,
                        depth,
                    })
                }
                _ => {
                    let op = match tail.as_str() {
                        "==" => CmpOp::Eq,
                        "!=" | "≠" => CmpOp::Ne,
                        "<=" | "≤" => CmpOp::Le,
                        ">=" | "≥" => CmpOp::Ge,
                        "<" => CmpOp::Lt,
                        _ => CmpOp::Gt,
                    };
                    let rhs = arith_chain(&mut parts, offset, span)?;
                    let depth = depth_over(span, &[&lhs, &rhs])?;
                    Ok(Expr {
                        kind: ExprKind::Compare(op, Box::new(lhs), Box::new(rhs)),
                        span,
                        depth,
                    })
                }
            }
        }
        // `-x`, `- -x`: the signs apply innermost first.
        Rule::negated => {
            let mut parts: Vec<Pair<'_, Rule>> = pair.into_inner().collect();
            let operand = build_expr(parts.pop().ok_or_else(|| internal(span))?, offset)?;
            prefixed(&parts, operand, offset, ExprKind::Neg)
        }
        Rule::postfix => {
            let mut parts = pair.into_inner();
            let mut acc = build_primary(parts.next().ok_or_else(|| internal(span))?, offset)?;
            for field in parts {
                let f = ident(field, offset);
                let s = acc.span.cover(f.span);
                let depth = depth_over(s, &[&acc])?;
                acc = Expr {
                    kind: ExprKind::Field(Box::new(acc), f),
                    span: s,
                    depth,
                };
            }
            Ok(acc)
        }
        _ => build_primary(pair, offset),
    }
}

/// The binary operators of the flat chains, loosest first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Precedence {
    Or,
    And,
    Coalesce,
    Add,
    Sub,
    Mul,
    Div,
}

impl Precedence {
    /// Operators of one level group alike (`a - b + c` is `(a - b) + c`).
    fn level(self) -> u8 {
        match self {
            Precedence::Or => 0,
            Precedence::And => 1,
            Precedence::Coalesce => 2,
            Precedence::Add | Precedence::Sub => 3,
            Precedence::Mul | Precedence::Div => 4,
        }
    }

    fn join(self, lhs: Expr, rhs: Expr) -> Result<Expr> {
        match self {
            Precedence::Or => binary(lhs, rhs, ExprKind::Or),
            Precedence::And => binary(lhs, rhs, ExprKind::And),
            Precedence::Coalesce => binary(lhs, rhs, ExprKind::Coalesce),
            Precedence::Add => binary(lhs, rhs, |a, b| ExprKind::Arith(ArithOp::Add, a, b)),
            Precedence::Sub => binary(lhs, rhs, |a, b| ExprKind::Arith(ArithOp::Sub, a, b)),
            Precedence::Mul => binary(lhs, rhs, |a, b| ExprKind::Arith(ArithOp::Mul, a, b)),
            Precedence::Div => binary(lhs, rhs, |a, b| ExprKind::Arith(ArithOp::Div, a, b)),
        }
    }
}

/// `t0 op1 t1 op2 t2 …` as a tree: tighter operators first, each level to the left — the tree
/// one grammar rule per level built (operator precedence parsing with two stacks).
fn fold_chain(terms: Vec<Expr>, ops: Vec<Precedence>, span: Span) -> Result<Expr> {
    let mut terms = terms.into_iter();
    let mut operands = vec![terms.next().ok_or_else(|| internal(span))?];
    let mut pending: Vec<Precedence> = Vec::new();
    let reduce = |operands: &mut Vec<Expr>, op: Precedence| -> Result<()> {
        let rhs = operands.pop().ok_or_else(|| internal(span))?;
        let lhs = operands.pop().ok_or_else(|| internal(span))?;
        operands.push(op.join(lhs, rhs)?);
        Ok(())
    };
    for op in ops {
        while let Some(&top) = pending.last()
            && top.level() >= op.level()
        {
            pending.pop();
            reduce(&mut operands, top)?;
        }
        pending.push(op);
        operands.push(terms.next().ok_or_else(|| internal(span))?);
    }
    while let Some(top) = pending.pop() {
        reduce(&mut operands, top)?;
    }
    match (operands.pop(), operands.is_empty()) {
        (Some(tree), true) => Ok(tree),
        _ => Err(internal(span)),
    }
}

/// `operand (op operand)*` from the front of `parts`, up to the first pair that is neither.
fn arith_chain<'i>(
    parts: &mut std::iter::Peekable<impl Iterator<Item = Pair<'i, Rule>>>,
    offset: usize,
    span: Span,
) -> Result<Expr> {
    let mut terms = Vec::new();
    let mut ops = Vec::new();
    loop {
        let operand = parts.next().ok_or_else(|| internal(span))?;
        terms.push(build_expr(operand, offset)?);
        let op = match parts.peek().map(|p| (p.as_rule(), p.as_str())) {
            Some((Rule::coalesce_op, _)) => Precedence::Coalesce,
            Some((Rule::add_op, "+")) => Precedence::Add,
            Some((Rule::add_op, _)) => Precedence::Sub,
            Some((Rule::mul_op, "*")) => Precedence::Mul,
            Some((Rule::mul_op, _)) => Precedence::Div,
            _ => break,
        };
        parts.next();
        ops.push(op);
    }
    fold_chain(terms, ops, span)
}

fn build_comprehension(pair: Pair<'_, Rule>, offset: usize) -> Result<(Comprehension, Vec<Expr>)> {
    let span = span_of(&pair, offset);
    if pair.as_rule() == Rule::comp_group {
        return group_of(span, pair, offset);
    }
    let mapped = pair.as_rule() == Rule::comp_map;
    comprehension_of(span, None, mapped, pair, offset)
}

/// A comprehension's first variable, its `expr` children in order, and its further bindings
/// (`, i in p.indicators`).
type VarExprsMore = (Ident, Vec<Expr>, Vec<(Ident, Expr)>);

fn var_and_exprs(span: Span, pair: Pair<'_, Rule>, offset: usize) -> Result<VarExprsMore> {
    let mut exprs = Vec::new();
    let mut var = None;
    let mut more = Vec::new();
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::ident => var = Some(ident(part, offset)),
            Rule::expr => exprs.push(build_expr(part, offset)?),
            Rule::comp_more | Rule::quant_more => more.push(binding_of(span, part, offset)?),
            _ => {}
        }
    }
    Ok((var.ok_or_else(|| internal(span))?, exprs, more))
}

/// `, name in collection`.
fn binding_of(span: Span, pair: Pair<'_, Rule>, offset: usize) -> Result<(Ident, Expr)> {
    let mut var = None;
    let mut collection = None;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::ident => var = Some(ident(part, offset)),
            Rule::expr | Rule::or_expr => collection = Some(build_expr(part, offset)?),
            _ => {}
        }
    }
    Ok((
        var.ok_or_else(|| internal(span))?,
        collection.ok_or_else(|| internal(span))?,
    ))
}

/// The name a comprehension over several bindings gives the elements of its flattened list;
/// no policy can write it, so it hides nothing.
const ELEMENT: &str = "·元素";

/// `M for a in A, b in B where F` as one list: `flatten([[M for b in B where F] for a in A])`,
/// each binding seeing the ones before it, the filter and the map seeing them all. Without a
/// map the list holds the last binding's elements.
fn nested_elements(
    span: Span,
    mut bindings: Vec<(Ident, Expr)>,
    filter: Option<Expr>,
    map: Option<Expr>,
) -> Result<Expr> {
    let mut filters = filters_by_binding(&bindings, filter)?;
    let filter = filters.pop().flatten();
    let (last, collection) = bindings.pop().ok_or_else(|| internal(span))?;
    let map = match map {
        Some(m) => m,
        None => node(ExprKind::Name(last.clone()), last.span, &[])?,
    };
    let refs: Vec<&Expr> = [&collection, &map].into_iter().chain(&filter).collect();
    let mut list = node(
        ExprKind::ListComp(Comprehension {
            var: last,
            collection: Box::new(collection.clone()),
            filter: filter.clone().map(Box::new),
            map: Some(Box::new(map.clone())),
        }),
        span,
        &refs,
    )?;
    for ((var, collection), filter) in bindings.into_iter().zip(filters).rev() {
        let refs: Vec<&Expr> = [&collection, &list].into_iter().chain(&filter).collect();
        let lists = node(
            ExprKind::ListComp(Comprehension {
                var,
                collection: Box::new(collection.clone()),
                filter: filter.clone().map(Box::new),
                map: Some(Box::new(list.clone())),
            }),
            span,
            &refs,
        )?;
        let flatten = Ident {
            name: "flatten".to_owned(),
            span,
        };
        list = node(
            ExprKind::Call(flatten, vec![lists.clone()]),
            span,
            &[&lists],
        )?;
    }
    Ok(list)
}

/// `p in projects [where cond] by key`: a comprehension whose map is the key.
fn group_of(span: Span, pair: Pair<'_, Rule>, offset: usize) -> Result<(Comprehension, Vec<Expr>)> {
    let (var, mut exprs, _) = var_and_exprs(span, pair, offset)?;
    let key = exprs.pop().ok_or_else(|| internal(span))?;
    let mut exprs = exprs.into_iter();
    let collection = exprs.next().ok_or_else(|| internal(span))?;
    let filter = exprs.next();
    Ok(comprehension(var, collection, filter, Some(key)))
}

/// A comprehension and its children (for the nesting depth).
fn comprehension(
    var: Ident,
    collection: Expr,
    filter: Option<Expr>,
    map: Option<Expr>,
) -> (Comprehension, Vec<Expr>) {
    let children: Vec<Expr> = map
        .iter()
        .chain(Some(&collection))
        .chain(filter.iter())
        .cloned()
        .collect();
    (
        Comprehension {
            var,
            collection: Box::new(collection),
            filter: filter.map(Box::new),
            map: map.map(Box::new),
        },
        children,
    )
}

/// A comprehension from the `ident` and `expr` children of `pair`: [map,] collection[, filter].
/// `map` is given when it was parsed before `pair` (`[x for x in …]`).
fn comprehension_of(
    span: Span,
    map: Option<Expr>,
    mapped: bool,
    pair: Pair<'_, Rule>,
    offset: usize,
) -> Result<(Comprehension, Vec<Expr>)> {
    let (var, exprs, more) = var_and_exprs(span, pair, offset)?;
    let mut exprs = exprs.into_iter();
    let map = match map {
        Some(m) => Some(m),
        None if mapped => exprs.next(),
        None => None,
    };
    let collection = exprs.next().ok_or_else(|| internal(span))?;
    let filter = exprs.next();
    if more.is_empty() {
        return Ok(comprehension(var, collection, filter, map));
    }
    // Several bindings: one comprehension over the flattened combinations.
    let bindings: Vec<(Ident, Expr)> = std::iter::once((var, collection)).chain(more).collect();
    let elements = nested_elements(span, bindings, filter, map)?;
    let element = Ident {
        name: ELEMENT.to_owned(),
        span,
    };
    Ok(comprehension(element, elements, None, None))
}

fn build_list(pair: Pair<'_, Rule>, offset: usize) -> Result<Expr> {
    let span = span_of(&pair, offset);
    let mut items = Vec::new();
    for part in pair.into_inner() {
        if part.as_rule() == Rule::list_comp_tail {
            // `[map for var in collection where filter]`: the map is the item read before.
            let map = items.pop().ok_or_else(|| internal(span))?;
            let (comp, children) = comprehension_of(span, Some(map), true, part, offset)?;
            let refs: Vec<&Expr> = children.iter().collect();
            return node(ExprKind::ListComp(comp), span, &refs);
        }
        items.push(build_expr(part, offset)?);
    }
    let refs: Vec<&Expr> = items.iter().collect();
    let depth = depth_over(span, &refs)?;
    Ok(Expr {
        kind: ExprKind::List(items),
        span,
        depth,
    })
}

fn build_primary(pair: Pair<'_, Rule>, offset: usize) -> Result<Expr> {
    let span = span_of(&pair, offset);
    let leaf = |kind| {
        Ok(Expr {
            kind,
            span,
            depth: 1,
        })
    };
    match pair.as_rule() {
        Rule::paren | Rule::expr => build_expr(pair, offset),
        Rule::name => {
            let id = pair.into_inner().next().ok_or_else(|| internal(span))?;
            leaf(ExprKind::Name(ident(id, offset)))
        }
        Rule::bool_lit => leaf(ExprKind::Bool(pair.as_str() == "true")),
        Rule::number => leaf(ExprKind::Number(number(pair.as_str(), span)?)),
        Rule::quantity_lit => {
            let mut inner = pair.into_inner();
            let n = inner.next().ok_or_else(|| internal(span))?;
            let value = number(n.as_str(), span)?;
            let unit = inner
                .next()
                .ok_or_else(|| internal(span))?
                .as_str()
                .to_owned();
            leaf(ExprKind::Quantity(value, unit))
        }
        Rule::date_lit => {
            let written = pair.as_str().to_owned();
            let parts: Vec<u32> = pair
                .into_inner()
                .filter_map(|p| p.as_str().parse().ok())
                .collect();
            let date = match parts.as_slice() {
                [y, m, d] => i32::try_from(*y)
                    .ok()
                    .and_then(|y| NaiveDate::from_ymd_opt(y, *m, *d)),
                _ => None,
            };
            match date {
                Some(d) => leaf(ExprKind::Date(d)),
                None => Err(Diagnostic::error(
                    "policy::invalid-date",
                    format!("“{written}”不是有效日期"),
                )
                .with_primary(span, Some("没有这一天".into()))),
            }
        }
        Rule::string => leaf(ExprKind::Str(build_string(pair, offset)?)),
        Rule::list_literal => build_list(pair, offset),
        Rule::call => {
            let mut inner = pair.into_inner();
            let name = ident(inner.next().ok_or_else(|| internal(span))?, offset);
            let args = inner
                .map(|a| build_expr(a, offset))
                .collect::<Result<Vec<_>>>()?;
            let refs: Vec<&Expr> = args.iter().collect();
            node(ExprKind::Call(name, args.clone()), span, &refs)
        }
        Rule::aggregate => {
            let mut inner = pair.into_inner();
            let name = inner.next().ok_or_else(|| internal(span))?;
            let which = Aggregate::from_name(name.as_str()).ok_or_else(|| internal(span))?;
            let part = inner.next().ok_or_else(|| internal(span))?;
            if let Some(nested) = nested_count_or_sum(span, which, part.clone(), offset)? {
                return Ok(nested);
            }
            let (comp, children) = build_comprehension(part, offset)?;
            let refs: Vec<&Expr> = children.iter().collect();
            node(ExprKind::Aggregate(which, comp), span, &refs)
        }
        Rule::quantifier => {
            let mut var = None;
            let mut quantifier = Quantifier::Any;
            // Each operand is tagged with the keyword before it: `in` collection, `where` filter,
            // and the `:` body (an `expr`, where the other two are `or_expr`).
            let mut exprs: Vec<(Rule, Expr)> = Vec::new();
            let mut more: Vec<(Ident, Expr)> = Vec::new();
            let mut last_rule = Rule::EOI;
            for part in pair.into_inner() {
                match part.as_rule() {
                    Rule::quant_kw => {
                        quantifier = match part.as_str() {
                            "all" => Quantifier::All,
                            "none" => Quantifier::None,
                            _ => Quantifier::Any,
                        }
                    }
                    Rule::ident => var = Some(ident(part, offset)),
                    Rule::quant_more => more.push(binding_of(span, part, offset)?),
                    Rule::kw_in | Rule::kw_where => last_rule = part.as_rule(),
                    Rule::expr => exprs.push((Rule::expr, build_expr(part, offset)?)),
                    Rule::or_expr => exprs.push((last_rule, build_expr(part, offset)?)),
                    _ => {}
                }
            }
            let var = var.ok_or_else(|| internal(span))?;
            let mut collection = None;
            let mut filter = None;
            let mut body = None;
            for (role, e) in exprs {
                match role {
                    Rule::kw_in => collection = Some(e),
                    Rule::kw_where => filter = Some(e),
                    _ => body = Some(e),
                }
            }
            let collection = collection.ok_or_else(|| internal(span))?;
            nested_quantifier(
                span,
                quantifier,
                std::iter::once((var, collection)).chain(more).collect(),
                filter,
                body,
            )
        }
        _ => build_expr(pair, offset),
    }
}

/// `Q a in A, b in B where F: C` as nested quantifiers: `Q a in A: Q' b in B where F: C`, where
/// `Q'` is `Q` for `any`/`all` and `any` under `none` (no combination may satisfy it).
fn nested_quantifier(
    span: Span,
    quantifier: Quantifier,
    mut bindings: Vec<(Ident, Expr)>,
    filter: Option<Expr>,
    body: Option<Expr>,
) -> Result<Expr> {
    let inner = match quantifier {
        Quantifier::None => Quantifier::Any,
        q => q,
    };
    // With a body, the filter limits the combinations: each part goes to the first binding it
    // can, where it also prunes (and an equality with an outer name becomes a join). Without
    // one the filter is the condition, and stays whole on the last binding.
    let mut filters = if body.is_some() {
        filters_by_binding(&bindings, filter)?
    } else {
        let mut none: Vec<Option<Expr>> = vec![None; bindings.len().saturating_sub(1)];
        none.push(filter);
        none
    };
    let filter = filters.pop().flatten();
    let (last, collection) = bindings.pop().ok_or_else(|| internal(span))?;
    let refs: Vec<&Expr> = std::iter::once(&collection)
        .chain(&filter)
        .chain(&body)
        .collect();
    let mut acc = node(
        ExprKind::Quantified {
            quantifier: if bindings.is_empty() {
                quantifier
            } else {
                inner
            },
            comp: Comprehension {
                var: last,
                collection: Box::new(collection.clone()),
                filter: filter.clone().map(Box::new),
                map: None,
            },
            body: body.clone().map(Box::new),
        },
        span,
        &refs,
    )?;
    for (k, ((var, collection), filter)) in bindings.into_iter().zip(filters).enumerate().rev() {
        let q = if k == 0 { quantifier } else { inner };
        let refs: Vec<&Expr> = [&collection, &acc].into_iter().chain(&filter).collect();
        acc = node(
            ExprKind::Quantified {
                quantifier: q,
                comp: Comprehension {
                    var,
                    collection: Box::new(collection.clone()),
                    filter: filter.clone().map(Box::new),
                    map: None,
                },
                body: Some(Box::new(acc.clone())),
            },
            span,
            &refs,
        )?;
    }
    Ok(acc)
}

/// `count(… for a in A, b in B where F)` and `sum(M for a in A, b in B where F)` over several
/// bindings, as nested aggregates: `sum(count(b in B where F2) for a in A where F1)`. Unlike the
/// flattened list, an outer level joined to an outer binding (`where q.code == p.code`) is
/// computed once per key, as the hand-nested form is. `None` when `pair` has one binding or the
/// aggregate is another.
fn nested_count_or_sum(
    span: Span,
    which: Aggregate,
    pair: Pair<'_, Rule>,
    offset: usize,
) -> Result<Option<Expr>> {
    let mapped = match pair.as_rule() {
        Rule::comp_map => true,
        Rule::comp_filter => false,
        _ => return Ok(None),
    };
    if !matches!(which, Aggregate::Count | Aggregate::Sum) {
        return Ok(None);
    }
    let (var, exprs, more) = var_and_exprs(span, pair, offset)?;
    if more.is_empty() {
        return Ok(None);
    }
    let mut exprs = exprs.into_iter();
    let map = if mapped { exprs.next() } else { None };
    let collection = exprs.next().ok_or_else(|| internal(span))?;
    let filter = exprs.next();
    let mut bindings: Vec<(Ident, Expr)> = std::iter::once((var, collection)).chain(more).collect();
    let mut filters = filters_by_binding(&bindings, filter)?;
    let filter = filters.pop().flatten();
    let (last, collection) = bindings.pop().ok_or_else(|| internal(span))?;
    let refs: Vec<&Expr> = std::iter::once(&collection)
        .chain(&filter)
        .chain(&map)
        .collect();
    let mut acc = node(
        ExprKind::Aggregate(
            which,
            Comprehension {
                var: last,
                collection: Box::new(collection.clone()),
                filter: filter.clone().map(Box::new),
                map: map.clone().map(Box::new),
            },
        ),
        span,
        &refs,
    )?;
    for ((var, collection), filter) in bindings.into_iter().zip(filters).rev() {
        let refs: Vec<&Expr> = [&collection, &acc].into_iter().chain(&filter).collect();
        acc = node(
            ExprKind::Aggregate(
                Aggregate::Sum,
                Comprehension {
                    var,
                    collection: Box::new(collection.clone()),
                    filter: filter.clone().map(Box::new),
                    map: Some(Box::new(acc.clone())),
                },
            ),
            span,
            &refs,
        )?;
    }
    Ok(Some(acc))
}

/// The parts of `filter` (its `and`ed conditions) for each binding: a part goes to the first
/// binding after which every binding it names is bound, so it is tested as early as it can
/// be. `a in A, b in B where F(a) and G(a, b)` filters `a` by `F` before `b` is bound. The
/// result has one entry per binding.
fn filters_by_binding(
    bindings: &[(Ident, Expr)],
    filter: Option<Expr>,
) -> Result<Vec<Option<Expr>>> {
    let mut levels: Vec<Option<Expr>> = vec![None; bindings.len()];
    let Some(filter) = filter else {
        return Ok(levels);
    };
    let mut parts = Vec::new();
    let mut stack = vec![filter];
    while let Some(e) = stack.pop() {
        match e.kind {
            ExprKind::And(a, b) => {
                stack.push(*b);
                stack.push(*a);
            }
            _ => parts.push(e),
        }
    }
    for part in parts {
        let level = (0..bindings.len())
            .rev()
            .find(|k| {
                bindings
                    .get(*k)
                    .is_some_and(|(var, _)| part.mentions(&[var.name.as_str()]))
            })
            .unwrap_or(0);
        let Some(slot) = levels.get_mut(level) else {
            continue;
        };
        *slot = Some(match slot.take() {
            None => part,
            Some(before) => {
                let span = before.span.cover(part.span);
                node(
                    ExprKind::And(Box::new(before.clone()), Box::new(part.clone())),
                    span,
                    &[&before, &part],
                )?
            }
        });
    }
    Ok(levels)
}

fn number(text: &str, span: Span) -> Result<Decimal> {
    Decimal::from_str_exact(text).map_err(|_| {
        Diagnostic::error(
            "policy::number-out-of-range",
            format!("数值 {text} 超出可精确计算的范围"),
        )
        .with_primary(span, None)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_items_and_recovers_from_a_missing_brace() {
        let text = "param a: percent = 90%\nrule x.y {\n  severity error\n\nrule z {\n}\nimport \"f.jxp\"\n";
        let ranges = split_items(text);
        assert_eq!(ranges.len(), 4);
        let (items, errors) = parse_file(text);
        assert_eq!(items.len(), 3, "{errors:?}");
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = format!(
            "rule a {{ require {}1{} }}",
            "(".repeat(10_000),
            ")".repeat(10_000)
        );
        let (_, errors) = parse_file(&deep);
        assert_eq!(errors[0].code, "policy::too-deep");
        let chain = format!("rule a {{ require {} }}", vec!["1"; 10_000].join(" + "));
        let (_, errors) = parse_file(&chain);
        assert_eq!(errors[0].code, "policy::too-deep");
        let nots = format!("rule a {{ require {} true }}", "not ".repeat(10_000));
        let (_, errors) = parse_file(&nots);
        assert_eq!(errors[0].code, "policy::too-deep");
    }

    #[test]
    fn readable_syntax_errors() {
        let (_, errors) = parse_file("rule a.b {\n  severity fatal\n}\n");
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("`error`、`warning` 或 `info`"),
            "{}",
            errors[0].message
        );
        assert!(
            errors[0].message.contains("`fatal`"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn operators_bind_by_precedence_and_to_the_left() {
        // The tree as fully bracketed text, each node's span checked against its operands'.
        fn shape(e: &Expr, text: &str) -> String {
            let covered = |a: &Expr, b: &Expr| {
                assert_eq!(e.span, a.span.cover(b.span), "span of {:?}", e.kind);
            };
            match &e.kind {
                ExprKind::Name(n) => n.name.clone(),
                ExprKind::Number(n) => n.to_string(),
                ExprKind::Field(b, f) => format!("{}.{}", shape(b, text), f.name),
                ExprKind::Neg(x) => format!("(-{})", shape(x, text)),
                ExprKind::Not(x) => format!("(not {})", shape(x, text)),
                ExprKind::Arith(op, a, b) => {
                    covered(a, b);
                    format!("({} {op:?} {})", shape(a, text), shape(b, text))
                }
                ExprKind::Coalesce(a, b) => format!("({} ?? {})", shape(a, text), shape(b, text)),
                ExprKind::Compare(op, a, b) => {
                    covered(a, b);
                    format!("({} {op:?} {})", shape(a, text), shape(b, text))
                }
                ExprKind::And(a, b) => format!("({} and {})", shape(a, text), shape(b, text)),
                ExprKind::Or(a, b) => {
                    covered(a, b);
                    format!("({} or {})", shape(a, text), shape(b, text))
                }
                ExprKind::In {
                    negated,
                    item,
                    list,
                } => {
                    format!(
                        "({} in{} {})",
                        shape(item, text),
                        if *negated { "!" } else { "" },
                        shape(list, text)
                    )
                }
                ExprKind::Is { missing, expr, .. } => {
                    format!(
                        "({} is {})",
                        shape(expr, text),
                        if *missing { "missing" } else { "present" }
                    )
                }
                other => panic!("{other:?} in {text}"),
            }
        }
        for (text, want) in [
            ("a or b and c or d", "((a or (b and c)) or d)"),
            (
                "not a and not not b == c",
                "((not a) and (not (not (b Eq c))))",
            ),
            (
                "a - b + c * d / e - f",
                "(((a Sub b) Add ((c Mul d) Div e)) Sub f)",
            ),
            ("x ?? n - 1 ?? m * 2", "((x ?? (n Sub 1)) ?? (m Mul 2))"),
            ("-a.b * - -c", "((-a.b) Mul (-(-c)))"),
            (
                "a + 1 <= b ?? 0 and x not in ys or y.z is missing",
                "((((a Add 1) Le (b ?? 0)) and (x in! ys)) or (y.z is missing))",
            ),
            ("(a or b) and c", "((a or b) and c)"),
        ] {
            let e = parse_expr(text, 0).unwrap();
            assert_eq!(shape(&e, text), want, "{text}");
            // A bracket's operand keeps its own span (without the brackets).
            let start = usize::from(text.starts_with('('));
            assert_eq!(e.span, Span::new(start, text.len()), "{text}");
        }
        // Comparisons do not chain.
        assert!(parse_expr("a < b < c", 0).is_err());
        assert!(parse_expr("a is missing == b", 0).is_err());
    }

    #[test]
    fn quantifier_forms() {
        let e = parse_expr("any i in p.indicators: i.x == 1", 0).unwrap();
        assert!(matches!(e.kind, ExprKind::Quantified { body: Some(_), .. }));
        let e = parse_expr("all i in xs where i > 1", 0).unwrap();
        let ExprKind::Quantified { comp, body, .. } = e.kind else {
            panic!()
        };
        assert!(body.is_none() && comp.filter.is_some());
        let e = parse_expr("none i in xs where i > 1: i < 5", 0).unwrap();
        let ExprKind::Quantified { comp, body, .. } = e.kind else {
            panic!()
        };
        assert!(body.is_some() && comp.filter.is_some());
    }

    #[test]
    fn aggregates_and_calls() {
        assert!(matches!(
            parse_expr("count(i in xs)", 0).unwrap().kind,
            ExprKind::Aggregate(Aggregate::Count, _)
        ));
        assert!(matches!(
            parse_expr("sum(i.v for i in xs where i.v > 0元)", 0)
                .unwrap()
                .kind,
            ExprKind::Aggregate(
                Aggregate::Sum,
                Comprehension {
                    map: Some(_),
                    filter: Some(_),
                    ..
                }
            )
        ));
        assert!(matches!(
            parse_expr("min(a, b)", 0).unwrap().kind,
            ExprKind::Call(..)
        ));
    }

    #[test]
    fn literals() {
        assert!(
            matches!(parse_expr("13.6万元", 0).unwrap().kind, ExprKind::Quantity(_, ref u) if u == "万元")
        );
        assert!(
            matches!(parse_expr("475元/亩", 0).unwrap().kind, ExprKind::Quantity(_, ref u) if u == "元/亩")
        );
        assert!(matches!(
            parse_expr("2025年12月31日", 0).unwrap().kind,
            ExprKind::Date(_)
        ));
        assert_eq!(
            parse_expr("2025年2月30日", 0).unwrap_err().code,
            "policy::invalid-date"
        );
        let ExprKind::Str(s) = parse_expr("\"a\\\"b\\u{4e2d}\"", 0).unwrap().kind else {
            panic!()
        };
        assert_eq!(s.value, "a\"b中");
        let ExprKind::Str(s) = parse_expr("\"\"\"\n    line one\n      two\n    \"\"\"", 0)
            .unwrap()
            .kind
        else {
            panic!()
        };
        assert_eq!(s.value, "line one\n  two");
    }
}
