//! `html`: one self-contained page for the people who review forms — a summary with counts by
//! unit and rule (inline SVG bars), every form with its findings and the flagged text of the
//! source, filters and a search box in a little plain JavaScript (the page reads fully without
//! it), a print stylesheet, and every rule's documentation. Nothing is fetched from anywhere.
//!
//! All text from forms, policies and configuration is escaped; it is written finding by finding
//! straight to the output.

use crate::diagnostic::{Diagnostic, Region};
use crate::read::source::SourceFile;
use crate::report::{FileReport, RuleInfo, Summary, counted, findings};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Text for HTML: `& < > " '` escaped, and what a browser would act on shown instead.
pub fn escape(text: &str) -> String {
    let text = crate::diagnostic::visible(text);
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --error: #b3261e; --warning: #8a5a00; --info: #1d5fa8; --line: #d8d8d8; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0; color: #1c1c1c; background: #fafafa; line-height: 1.6; }
header, main { max-width: 1100px; margin: 0 auto; padding: 0 20px; }
header h1 { font-size: 1.5em; margin: 24px 0 4px; }
.totals { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0; }
.total { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 16px; min-width: 110px; }
.total b { display: block; font-size: 1.6em; }
.total.error b { color: var(--error); } .total.warning b { color: var(--warning); } .total.info b { color: var(--info); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; }
.chart { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
.chart h2 { font-size: 1.05em; margin: 4px 0; }
table.counts { border-collapse: collapse; width: 100%; font-size: .9em; }
table.counts td, table.counts th { border-bottom: 1px solid var(--line); padding: 2px 6px; text-align: left; }
table.counts td.n { text-align: right; font-variant-numeric: tabular-nums; }
.filters { position: sticky; top: 0; background: #fafafa; padding: 10px 0; border-bottom: 1px solid var(--line); display: flex; gap: 8px; flex-wrap: wrap; z-index: 1; }
.filters select, .filters input { font: inherit; padding: 3px 6px; }
section.file > h2 { font-size: 1.15em; margin: 28px 0 8px; word-break: break-all; }
section.form { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 10px 0; padding: 6px 14px; }
section.form h3 { font-size: 1.05em; margin: 6px 0; }
.meta { color: #555; font-size: .9em; }
article.finding { border-left: 4px solid var(--line); padding: 4px 10px; margin: 10px 0; }
article.finding.error { border-color: var(--error); } article.finding.warning { border-color: var(--warning); } article.finding.info { border-color: var(--info); }
.badge { display: inline-block; font-size: .8em; padding: 0 6px; border-radius: 3px; color: #fff; }
.badge.error { background: var(--error); } .badge.warning { background: var(--warning); } .badge.info { background: var(--info); }
.rule { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85em; }
.message { font-weight: 600; }
.help, .why { color: #333; font-size: .92em; }
pre.source { background: #f4f4f4; border: 1px solid var(--line); padding: 6px 8px; overflow-x: auto; white-space: pre; tab-size: 4; -moz-tab-size: 4; font-family: ui-monospace, "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace; font-size: .85em; margin: 4px 0; }
pre.source .ln { color: #888; user-select: none; }
mark { background: #ffe08a; } mark.primary { background: #ffc9c4; outline: 1px solid var(--error); }
section.rules h2 { font-size: 1.15em; margin-top: 32px; }
section.ruledoc { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; padding: 6px 12px; }
section.ruledoc pre { white-space: pre-wrap; font-family: inherit; margin: 4px 0; }
[hidden] { display: none !important; }
@media print {
  body { background: #fff; font-size: 10.5pt; }
  .filters, noscript { display: none; }
  section.form, article.finding, section.ruledoc { break-inside: avoid; }
  pre.source { white-space: pre-wrap; word-break: break-all; }
  a { color: inherit; text-decoration: none; }
}
"#;

const SCRIPT: &str = r#"
(function () {
  var ids = ['sev', 'rule', 'unit', 'q'];
  var box = {};
  ids.forEach(function (id) { box[id] = document.getElementById('f-' + id); });
  var findings = Array.prototype.slice.call(document.querySelectorAll('article.finding'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('section.form, section.file'));
  var shown = document.getElementById('f-shown');
  function apply() {
    var sev = box.sev.value, rule = box.rule.value, unit = box.unit.value;
    var q = box.q.value.trim().toLowerCase();
    var n = 0;
    findings.forEach(function (f) {
      var ok = (!sev || f.dataset.sev === sev) && (!rule || f.dataset.rule === rule) &&
        (!unit || f.dataset.unit === unit) && (!q || f.textContent.toLowerCase().indexOf(q) >= 0);
      f.hidden = !ok;
      if (ok) { n++; }
    });
    groups.forEach(function (g) { g.hidden = !g.querySelector('article.finding:not([hidden])'); });
    shown.textContent = n;
    var parts = [];
    ids.forEach(function (id) { if (box[id].value) { parts.push(id + '=' + encodeURIComponent(box[id].value)); } });
    var hash = parts.length ? '#' + parts.join('&') : '';
    if (location.hash !== hash && history.replaceState) { history.replaceState(null, '', hash || location.pathname); }
  }
  // Filters can be given in the address: report.html#rule=funds.cost-within-total&sev=error
  location.hash.replace(/^#/, '').split('&').forEach(function (part) {
    var kv = part.split('=');
    if (kv.length !== 2 || !box[kv[0]]) { return; }
    try { box[kv[0]].value = decodeURIComponent(kv[1]); } catch (e) { box[kv[0]].value = kv[1]; }
  });
  ids.forEach(function (id) { box[id].addEventListener('input', apply); box[id].addEventListener('change', apply); });
  document.getElementById('filters').hidden = false;
  apply();
})();
"#;

/// A horizontal bar chart of `(label, count)`, largest first, as inline SVG.
fn bars(title: &str, rows: &[(String, usize)], out: &mut dyn Write) -> io::Result<()> {
    const SHOWN: usize = 20;
    let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
    let shown = rows.len().min(SHOWN);
    let height = 22 * shown + 6;
    writeln!(out, "<div class=\"chart\"><h2>{}</h2>", escape(title))?;
    writeln!(
        out,
        "<svg role=\"img\" aria-label=\"{}\" viewBox=\"0 0 460 {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\" xmlns=\"http://www.w3.org/2000/svg\">",
        escape(title)
    )?;
    for (k, (label, n)) in rows.iter().take(SHOWN).enumerate() {
        let y = 22 * k + 4;
        let width = 170 * n / max;
        // Two columns a Chinese character, one a Latin letter: 36 columns fit before the bars.
        let mut columns = 0;
        let short: String = label
            .chars()
            .take_while(|c| {
                columns += if c.is_ascii() { 1 } else { 2 };
                columns <= 36
            })
            .collect();
        writeln!(
            out,
            "<text x=\"0\" y=\"{}\" font-size=\"11\"><title>{}</title>{}</text><rect x=\"240\" y=\"{y}\" width=\"{}\" height=\"16\" fill=\"#5b7fb5\"/><text x=\"{}\" y=\"{}\" font-size=\"11\">{n}</text>",
            y + 12,
            escape(label),
            escape(&short),
            width.max(1),
            244 + width,
            y + 12
        )?;
    }
    writeln!(out, "</svg>")?;
    if rows.len() > SHOWN {
        writeln!(
            out,
            "<p class=\"meta\">另有 {} 项见下表</p>",
            rows.len() - SHOWN
        )?;
    }
    writeln!(out, "<table class=\"counts\">")?;
    for (label, n) in rows {
        writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{n}</td></tr>",
            escape(label)
        )?;
    }
    writeln!(out, "</table></div>")
}

/// The lines of the primary label, with every label on them marked; long lines cut around the
/// marks as code frames are.
fn excerpt(source: &SourceFile, d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
    const CONTEXT: usize = 320;
    let Some(primary) = &d.primary else {
        return Ok(());
    };
    let text = source.text();
    let first = source.line_index(primary.span.start);
    let last = source.line_index(primary.span.end.saturating_sub(1).max(primary.span.start));
    let last = last.min(first + 8);
    let mut marks: Vec<(usize, usize, bool)> = vec![(primary.span.start, primary.span.end, true)];
    marks.extend(
        d.secondary
            .iter()
            .map(|l| (l.span.start, l.span.end, false)),
    );
    write!(out, "<pre class=\"source\">")?;
    for line in first..=last {
        let span = source.line_span(line);
        let (mut from, mut to) = (span.start, span.end);
        if to - from > 2 * CONTEXT {
            from = from.max(primary.span.start.saturating_sub(CONTEXT));
            to = to.min(primary.span.end.saturating_add(CONTEXT)).max(from);
        }
        while from > span.start && !text.is_char_boundary(from) {
            from -= 1;
        }
        while to < span.end && !text.is_char_boundary(to) {
            to += 1;
        }
        write!(
            out,
            "<span class=\"ln\">{:>5} │ </span>{}",
            source.display_line(line),
            if from > span.start { "…" } else { "" }
        )?;
        // Walk the line, opening and closing marks at label boundaries.
        let mut at = from;
        let mut cuts: Vec<usize> = marks
            .iter()
            .flat_map(|(s, e, _)| [*s, *e])
            .filter(|p| *p > from && *p < to)
            .collect();
        cuts.push(to);
        cuts.sort_unstable();
        cuts.dedup();
        for cut in cuts {
            let piece = text.get(at..cut).unwrap_or_default();
            let mark = marks.iter().find(|(s, e, _)| *s <= at && at < *e);
            match mark {
                Some((_, _, primary)) if !piece.is_empty() => write!(
                    out,
                    "<mark{}>{}</mark>",
                    if *primary { " class=\"primary\"" } else { "" },
                    escape(piece)
                )?,
                _ => write!(out, "{}", escape(piece))?,
            }
            at = cut;
        }
        writeln!(out, "{}", if to < span.end { "…" } else { "" })?;
    }
    write!(out, "</pre>")
}

fn finding(
    report: &FileReport,
    d: &Diagnostic,
    titles: &BTreeMap<&str, &RuleInfo>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let class = d.severity.as_str();
    let place = d
        .primary
        .as_ref()
        .map(|p| Region::of(&report.source, p.span).location(report.source.name()))
        .unwrap_or_else(|| report.source.name().to_owned());
    let title = titles
        .get(d.code.as_str())
        .map(|r| r.title.as_str())
        .filter(|t| *t != d.code)
        .unwrap_or("");
    writeln!(
        out,
        "<article class=\"finding {class}\" data-sev=\"{class}\" data-rule=\"{}\" data-unit=\"{}\">",
        escape(&d.code),
        escape(report.unit_of(d))
    )?;
    writeln!(
        out,
        "<div><span class=\"badge {class}\">{}</span> <a class=\"rule\" href=\"#rule-{}\">{}</a> {} <span class=\"meta\">{}</span></div>",
        d.severity.zh(),
        escape(&d.code),
        escape(&d.code),
        escape(title),
        escape(&place)
    )?;
    writeln!(out, "<div class=\"message\">{}</div>", escape(&d.message))?;
    for why in &d.explanation {
        writeln!(out, "<div class=\"why\">原因：{}</div>", escape(why))?;
    }
    excerpt(&report.source, d, out)?;
    if let Some(help) = &d.help {
        writeln!(out, "<div class=\"help\">修改建议：{}</div>", escape(help))?;
    }
    writeln!(out, "</article>")
}

pub fn render_html(
    reports: &[FileReport],
    rules: &[RuleInfo],
    summary: &Summary,
    out: &mut dyn Write,
) -> io::Result<()> {
    let titles: BTreeMap<&str, &RuleInfo> = rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let by_rule = counted(findings(reports).map(|(_, d)| d.code.as_str()));
    let by_unit = counted(findings(reports).map(|(r, d)| r.unit_of(d)));
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"jixiao {}\">\n<title>绩效目标表检查报告</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(out, "<header><h1>绩效目标表检查报告</h1>")?;
    writeln!(
        out,
        "<p class=\"meta\">检查了 {} 个文件、{} 张表；用时 {} ms；jixiao {}</p>",
        summary.files,
        summary.forms,
        summary.elapsed_ms,
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(
        out,
        "<div class=\"totals\"><div class=\"total error\"><b id=\"n-error\">{}</b>错误</div><div class=\"total warning\"><b id=\"n-warning\">{}</b>警告</div><div class=\"total info\"><b id=\"n-info\">{}</b>提示</div><div class=\"total\"><b id=\"n-forms\">{}</b>张表</div></div>",
        summary.errors, summary.warnings, summary.infos, summary.forms
    )?;
    writeln!(out, "<div class=\"charts\">")?;
    bars("各规则的发现数", &by_rule, out)?;
    bars("各主管部门的发现数", &by_unit, out)?;
    writeln!(out, "</div></header>")?;

    // Filters: shown only when the script runs (without it every finding is listed).
    writeln!(out, "<main>")?;
    writeln!(
        out,
        "<div class=\"filters\" id=\"filters\" hidden><label>级别 <select id=\"f-sev\"><option value=\"\">全部</option><option value=\"error\">错误</option><option value=\"warning\">警告</option><option value=\"info\">提示</option></select></label>"
    )?;
    write!(
        out,
        "<label>规则 <select id=\"f-rule\"><option value=\"\">全部</option>"
    )?;
    for (rule, n) in &by_rule {
        write!(
            out,
            "<option value=\"{}\">{} ({n})</option>",
            escape(rule),
            escape(rule)
        )?;
    }
    write!(
        out,
        "</select></label><label>主管部门 <select id=\"f-unit\"><option value=\"\">全部</option>"
    )?;
    for (unit, n) in &by_unit {
        write!(
            out,
            "<option value=\"{}\">{} ({n})</option>",
            escape(unit),
            escape(unit)
        )?;
    }
    writeln!(
        out,
        "</select></label><label>搜索 <input id=\"f-q\" type=\"search\" placeholder=\"项目名称、指标、文字…\"></label><span class=\"meta\">显示 <b id=\"f-shown\">{}</b> 条</span></div>",
        summary.errors + summary.warnings + summary.infos
    )?;
    writeln!(
        out,
        "<noscript><p class=\"meta\">脚本已关闭：下面列出全部发现。</p></noscript>"
    )?;

    for report in reports {
        writeln!(
            out,
            "<section class=\"file\"><h2>{}</h2>",
            escape(report.source.name())
        )?;
        let whole: Vec<&Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| d.project.is_none())
            .collect();
        if !whole.is_empty() {
            writeln!(out, "<section class=\"form\"><h3>（整个文件）</h3>")?;
            for d in whole {
                finding(report, d, &titles, out)?;
            }
            writeln!(out, "</section>")?;
        }
        for index in 1..=report.forms {
            let mine: Vec<&Diagnostic> = report
                .diagnostics
                .iter()
                .filter(|d| d.project.as_ref().is_some_and(|p| p.index == index))
                .collect();
            if mine.is_empty() {
                continue;
            }
            let info = report.form_info.get(index - 1);
            let name = info
                .map(|f| f.name.as_str())
                .filter(|n| !n.is_empty())
                .unwrap_or("（无项目名称）");
            writeln!(
                out,
                "<section class=\"form\"><h3>第 {index} 张表：{}</h3>",
                escape(name)
            )?;
            if let Some(info) = info {
                writeln!(
                    out,
                    "<div class=\"meta\">主管部门：{}　实施单位：{}</div>",
                    escape(&info.department),
                    escape(&info.implementer)
                )?;
            }
            for d in mine {
                finding(report, d, &titles, out)?;
            }
            writeln!(out, "</section>")?;
        }
        writeln!(out, "</section>")?;
    }

    // Every rule that has a finding, with its documentation.
    writeln!(out, "<section class=\"rules\"><h2>规则说明</h2>")?;
    for (rule, n) in &by_rule {
        let info = titles.get(rule.as_str());
        writeln!(
            out,
            "<section class=\"ruledoc\" id=\"rule-{}\"><h3><span class=\"rule\">{}</span> {}</h3><div class=\"meta\">{} 条发现{}</div>",
            escape(rule),
            escape(rule),
            escape(info.map_or("", |r| r.title.as_str())),
            n,
            info.map_or(String::new(), |r| format!(
                "；默认级别：{}",
                r.severity.zh()
            ))
        )?;
        if let Some(doc) = info.and_then(|r| r.doc.as_deref()) {
            writeln!(out, "<pre>{}</pre>", escape(doc))?;
        }
        if let Some(uri) = info.and_then(|r| r.help_uri.as_deref()) {
            writeln!(
                out,
                "<p class=\"meta\">完整说明：<a href=\"{}\">{}</a></p>",
                escape(uri),
                escape(uri)
            )?;
        }
        writeln!(out, "</section>")?;
    }
    writeln!(out, "</section></main>")?;
    writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>")
}
