//! Static errors of the policy language, rendered as the user sees them (snapshots).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::*;

/// Load `policy`, expect diagnostics with exactly `codes`, and return the rendered text.
fn errors(policy: &str, codes: &[&str]) -> String {
    let loaded = load(policy);
    let mut got: Vec<&str> = loaded
        .diagnostics
        .iter()
        .map(|(_, d)| d.code.as_str())
        .collect();
    got.sort_unstable();
    let mut want = codes.to_vec();
    want.sort_unstable();
    assert_eq!(got, want, "{}", render_policy(&loaded));
    render_policy(&loaded)
}

const OK_TAIL: &str =
    "  severity error\n  for p in projects\n  require p.funds.total > 0元\n  message \"x\"\n}\n";

#[test]
fn syntax_error_says_what_was_expected() {
    insta::assert_snapshot!(errors(
        "rule a.b {\n  severity fatal\n  for p in projects\n}\n",
        &["policy::syntax"]
    ));
}

#[test]
fn a_misspelt_clause_keyword_is_named() {
    let loaded = common::load(
        "rule a.b {\n  severity error\n  for p in projects\n  require false\n  mesage \"m\"\n}\n",
    );
    let helps: Vec<&str> = loaded
        .diagnostics
        .iter()
        .filter_map(|(_, d)| d.help.as_deref())
        .collect();
    assert!(
        helps.iter().any(|h| h.contains("是否应为 `message`")),
        "{helps:?}"
    );
    // A word far from every keyword gets no guess.
    let loaded = common::load(
        "rule a.b {\n  severity error\n  for p in projects\n  require false\n  zzzzzz \"m\"\n}\n",
    );
    assert!(
        loaded.diagnostics.iter().all(|(_, d)| !d
            .help
            .as_deref()
            .unwrap_or("")
            .contains("是否应为"))
    );
}

#[test]
fn a_backslash_escape_the_language_lacks_says_how_to_write_it() {
    let loaded = common::load(
        "rule a.b {\n  severity error\n  for p in projects\n  require matches(p.name, \"\\d+\")\n  message \"m\"\n}\n",
    );
    let helps: Vec<&str> = loaded
        .diagnostics
        .iter()
        .filter_map(|(_, d)| d.help.as_deref())
        .collect();
    assert!(
        helps.iter().any(|h| h.contains("三引号原样字符串")),
        "{helps:?}"
    );
}

#[test]
fn money_written_without_yuan_suggests_it() {
    let loaded = common::load(
        "rule a.b {\n  severity error\n  for p in projects\n  require p.funds.total > 100万\n  message \"m\"\n}\n",
    );
    let helps: Vec<&str> = loaded
        .diagnostics
        .iter()
        .filter_map(|(_, d)| d.help.as_deref())
        .collect();
    assert!(helps.iter().any(|h| h.contains("100万元")), "{helps:?}");
}

/// The `policy::unguarded-kind` warnings of a policy, by the text they point at.
fn unguarded(policy: &str) -> Vec<String> {
    let loaded = common::load(policy);
    loaded
        .diagnostics
        .iter()
        .filter(|(_, d)| d.code == "policy::unguarded-kind")
        .map(|(_, d)| {
            policy[d.primary.as_ref().unwrap().span.start..d.primary.as_ref().unwrap().span.end]
                .to_owned()
        })
        .collect()
}

#[test]
fn a_field_of_one_value_kind_read_without_narrowing_the_kind_is_warned_about() {
    let rule = |where_: &str, require: &str| {
        format!(
            "rule a.b {{\n  severity error\n  for p in projects, i in p.indicators\n  where i.category == cost{where_}\n  require {require}\n  message \"m\"\n}}\n"
        )
    };
    // Unguarded: in the rule, and inside a quantifier and an aggregate.
    assert_eq!(
        unguarded(&rule("", "i.value.money <= p.funds.total")),
        ["i.value.money"]
    );
    assert_eq!(
        unguarded(&rule(
            "",
            "any j in p.indicators where j.category == cost: j.value.money > p.funds.total"
        )),
        ["j.value.money"]
    );
    // An aggregate skips missing values, and an unknown filter leaves the element out.
    assert!(
        unguarded(&rule(
            "",
            "sum(j.value.money for j in p.indicators where j.category == cost) <= p.funds.total"
        ))
        .is_empty()
    );
    assert!(
        unguarded(&rule(
            "",
            "count(j in p.indicators where j.value.percent > 90%) >= 1"
        ))
        .is_empty()
    );
    // Guarded: by the rule's where, a quantifier's own where, `is present`, or a conjunct.
    assert!(
        unguarded(&rule(
            " and i.value.kind == money",
            "i.value.money <= p.funds.total"
        ))
        .is_empty()
    );
    assert!(
        unguarded(&rule(
            "",
            "any j in p.indicators where j.value.kind == money: j.value.money > p.funds.total"
        ))
        .is_empty()
    );
    assert!(
        unguarded(&rule(
            " and i.value.money is present",
            "i.value.money <= p.funds.total"
        ))
        .is_empty()
    );
    assert!(
        unguarded(&rule(
            "",
            "not (i.value.kind == percent and i.value.percent == 100%)"
        ))
        .is_empty()
    );
}

#[test]
fn every_syntax_error_of_a_file_is_reported() {
    let policy = format!(
        "rule a.one {{\n  severity error\n  for p in projects\n  require p.funds.total >\n  message \"x\"\n}}\n\nrule a.two {{\n{OK_TAIL}\nrule a.three {{\n  severity error\n  for p in projects\n  require (p.funds.total > 0元\n  message \"y\"\n}}\n"
    );
    insta::assert_snapshot!(errors(&policy, &["policy::syntax", "policy::syntax"]));
}

#[test]
fn unknown_field_suggests_the_closest() {
    insta::assert_snapshot!(errors(
        "rule a.b {\n  severity error\n  for p in projects\n  require p.funds.totl > 0元\n  message \"x\"\n}\n",
        &["policy::unknown-field"]
    ));
}

#[test]
fn unknown_name_and_param_suggest() {
    insta::assert_snapshot!(errors(
        "param min_satisfaction: percent = 90%\nrule a.b {\n  severity error\n  for p in projects, i in p.indicators\n  require i.value.percent >= min_satisfactoin\n  message \"{x}\"\n}\n",
        &[
            "policy::unknown-name",
            "policy::unknown-name",
            "policy::unused-param"
        ]
    ));
}

#[test]
fn unknown_function_and_arity() {
    insta::assert_snapshot!(errors(
        "rule a.b {\n  severity error\n  for p in projects\n  require startswith(p.name, \"x\") and contains(p.name)\n  message \"x\"\n}\n",
        &["policy::unknown-function", "policy::arity"]
    ));
}

#[test]
fn money_compared_with_percent() {
    insta::assert_snapshot!(errors(
        "rule a.b {\n  severity error\n  for p in projects, i in p.indicators\n  require i.value.percent <= p.funds.total\n  message \"x\"\n}\n",
        &["policy::type-mismatch"]
    ));
}

#[test]
fn units_that_differ() {
    insta::assert_snapshot!(errors(
        "rule a.b {\n  severity error\n  for p in projects\n  require 5人 < 3次 and p.funds.total > 100\n  message \"x\"\n}\n",
        &["policy::type-mismatch", "policy::type-mismatch"]
    ));
}

#[test]
fn duplicate_rule_ids() {
    insta::assert_snapshot!(errors(
        &format!("rule a.b {{\n{OK_TAIL}\nrule a.b {{\n{OK_TAIL}"),
        &["policy::duplicate-rule"]
    ));
}

#[test]
fn unused_bindings_are_warnings() {
    let loaded = load(
        "rule a.b {\n  severity error\n  for p in projects, i in p.indicators\n  let unused = 1\n  require p.funds.total > 0元\n  message \"x\"\n}\n",
    );
    assert!(!loaded.has_errors());
    insta::assert_snapshot!(render_policy(&loaded));
}

#[test]
fn missing_and_misplaced_clauses() {
    insta::assert_snapshot!(errors(
        "rule a.b {\n  where true\n  for p in projects\n  require true\n  let x = 1\n  severity error\n  severity warning\n}\n",
        &[
            "policy::clause-order",
            "policy::clause-order",
            "policy::duplicate-clause",
            "policy::missing-clause"
        ]
    ));
}

#[test]
fn a_label_on_a_computed_value_is_put_on_the_form() {
    // A warning at load (the rule still runs); the finding lands on the `for` binding.
    insta::assert_snapshot!(errors(
        "rule a.b {\n  severity error\n  for p in projects\n  require p.index < 0\n  message \"x\"\n  at p.funds.total + 1元 \"差额\"\n}\n",
        &["policy::computed-label"]
    ));
    let loaded = load(
        "rule a.b {\n  severity error\n  for p in projects\n  require p.index < 0\n  message \"x\"\n  at p.funds.total + 1元 \"差额\"\n}\n",
    );
    let sample =
        jixiao::read::Input::read(std::path::Path::new("tests/fixtures/qiannan-hrss-2025.txt"))
            .unwrap();
    let findings =
        loaded
            .policy
            .check_projects(&sample.document.projects, sample.source.name(), |_| true);
    assert_eq!(findings.len(), 26);
    for (f, p) in findings.iter().zip(&sample.document.projects) {
        let label = f.primary.as_ref().expect("placed");
        assert_eq!(label.span, p.anchor(), "{}", f.message);
        assert_eq!(label.text.as_deref(), Some("差额"));
    }
}

#[test]
fn bad_regex_and_template() {
    insta::assert_snapshot!(errors(
        "rule a.b {\n  severity error\n  for p in projects\n  require matches(p.name, \"(\")\n  message \"项目 {p.nam\"\n}\n",
        &["policy::bad-regex", "policy::bad-template"]
    ));
}

#[test]
fn params_are_type_checked() {
    insta::assert_snapshot!(errors(
        "param a: percent = 90\nparam b: money = 13.6万元\nparam b: money = 1元\nparam c: procent = 1%\n",
        &[
            "policy::type-mismatch",
            "policy::duplicate-param",
            "policy::unknown-type",
            "policy::unused-param"
        ]
    ));
}

#[test]
fn nesting_is_bounded() {
    let nested = |n: usize| {
        format!(
            "rule a.b {{\n  severity error\n  for p in projects\n  require {}true{}\n  message \"x\"\n}}\n",
            "(".repeat(n),
            ")".repeat(n)
        )
    };
    // 10 000 levels: refused before the parser recurses.
    errors(&nested(10_000), &["policy::too-deep"]);
    insta::assert_snapshot!(errors(&nested(40), &["policy::too-deep"]));
}

#[test]
fn missing_import() {
    insta::assert_snapshot!(errors("import \"no-such-file.jxp\"\n", &["policy::import"]));
}

#[test]
fn pair_rule_without_equality_is_flagged_quadratic() {
    let loaded = load(
        "rule a.b {\n  severity warning\n  for a in projects, b in projects where a.index < b.index\n  require a.name != b.name\n  message \"x\"\n}\n",
    );
    assert!(!loaded.has_errors());
    insta::assert_snapshot!(render_policy(&loaded));
}

#[test]
fn comparing_a_category_with_a_string_explains_the_constant() {
    insta::assert_snapshot!(errors(
        "rule a.b {\n  severity error\n  for p in projects, i in p.indicators\n  require i.category == \"cost\"\n  message \"x\"\n}\n",
        &["policy::type-mismatch"]
    ));
}

#[test]
fn collections_groups_and_rates_are_typed_at_load_time() {
    // A group needs `by`; its fields are key and items.
    let text = errors(
        "rule a.b { severity info for g in group(projects) require g is present message \"x\" }",
        &["policy::syntax"],
    );
    assert!(text.contains("group(元素 in 集合 by 分组键)"), "{text}");
    let text = errors(
        "rule a.b { severity info for g in group(p in projects by p.name) require length(g.item) > 0 message \"x\" }",
        &["policy::unknown-field"],
    );
    assert!(text.contains("是否应为 items"), "{text}");
    // Money divided by a count is a rate: comparing it with money is an error.
    errors(
        "rule a.b { severity info for p in projects require p.funds.total / 15人 <= 800元 message \"x\" }",
        &["policy::type-mismatch"],
    );
    errors(
        "rule a.b { severity info for p in projects require p.funds.total / 15人 <= 800元/人 message \"x\" }",
        &[],
    );
    // number() takes a quantity; capture() a regular expression written in the rule.
    errors(
        "rule a.b { severity info for p in projects require number(p.name) > 0 message \"x\" }",
        &["policy::type-mismatch"],
    );
    errors(
        "rule a.b { severity info for p in projects require capture(p.name, p.name) == \"x\" message \"x\" }",
        &["policy::type-mismatch"],
    );
    errors(
        "rule a.b { severity info for p in projects require capture(p.name, \"(\") == \"x\" message \"x\" }",
        &["policy::bad-regex"],
    );
}

#[test]
fn a_let_hiding_a_built_in_name_is_named_as_the_cause() {
    let text = errors(
        "rule a.b {\n  severity info\n  for p in projects\n  let cost = sum(i.value.money for i in p.indicators where i.category == cost)\n  require any i in p.indicators: i.category == cost\n  message \"x\"\n}",
        &["policy::shadowed-name", "policy::type-mismatch"],
    );
    assert!(text.contains("遮住了内置的类别常量 cost"), "{text}");
}

/// The codes of a policy's load diagnostics, sorted.
fn codes(policy: &str) -> Vec<String> {
    let mut got: Vec<String> = load(policy)
        .diagnostics
        .iter()
        .map(|(_, d)| d.code.clone())
        .collect();
    got.sort_unstable();
    got
}

fn rule(query_and_require: &str) -> String {
    format!("rule t.r {{\n  severity warning\n{query_and_require}\n  message \"x\"\n}}\n")
}

#[test]
fn amount_is_typed_where_a_condition_fixes_the_kind() {
    // Narrowed by the rule's `where`: a percent amount against money is a load-time error.
    assert_eq!(
        codes(&rule(
            "  for p in projects, i in p.indicators where i.value.kind == percent\n  require i.value.amount <= 100万元"
        )),
        vec!["policy::type-mismatch"]
    );
    // … and against its own kind, clean — in every place a condition can narrow it.
    for query in [
        "  for p in projects, i in p.indicators where i.value.kind == money\n  require i.value.amount <= p.funds.total",
        "  for p in projects\n  require sum(i.value.amount for i in p.indicators where i.value.kind == money) <= p.funds.total",
        "  for p in projects\n  require all i in p.indicators where i.value.kind == percent: i.value.amount <= 100%",
        "  for p in projects, i in p.indicators\n  require i.value.kind == money and i.value.amount >= 1元",
        "  for p in projects, i in p.indicators\n  require i.value.kind != money or i.value.amount >= 1元",
        "  for p in projects, i in p.indicators\n  require not (i.value.kind == money and i.value.amount < 1元)",
        "  for p in projects, i in p.indicators\n  let v = i.value\n  where v.kind == money\n  require v.amount >= 1元",
        "  for p in projects, i in p.indicators where i.value.kind == money\n  let v = i.value\n  require v.amount >= 1元",
        "  for p in projects, i in p.indicators\n  require if i.value.kind == money then i.value.amount <= p.funds.total else true",
        "  for p in projects, i in p.indicators\n  require if i.value.kind != money then true else i.value.amount <= p.funds.total",
        "  for p in projects, i in p.indicators\n  require i.value.kind in [money] and i.value.amount >= 1元",
        "  for p in projects, i in p.indicators\n  require i.value.amount * 2 != i.value.amount",
    ] {
        assert_eq!(codes(&rule(query)), Vec::<String>::new(), "{query}");
    }
    // The narrowing is only where the condition holds: not in the other side of an `or`.
    assert_eq!(
        codes(&rule(
            "  for p in projects, i in p.indicators\n  require i.value.kind == money or i.value.amount >= 1元"
        )),
        vec!["policy::unnarrowed-amount"]
    );
}

#[test]
fn an_amount_of_unknown_kind_against_one_kind_is_warned() {
    insta::assert_snapshot!(errors(
        &rule("  for p in projects, i in p.indicators\n  require i.value.amount <= 100万元"),
        &["policy::unnarrowed-amount"]
    ));
    // Against a plain number, in a list, against another value's amount: each fails at run
    // time on some kind, and is warned.
    for query in [
        "  for p in projects, i in p.indicators\n  require i.value.amount > 0",
        "  for p in projects, i in p.indicators\n  require i.value.amount in [1元, 2元]",
        "  for p in projects, i in p.indicators, j in p.indicators where i.index < j.index\n  require i.value.amount != j.value.amount",
    ] {
        assert!(
            codes(&rule(query)).contains(&"policy::unnarrowed-amount".to_owned()),
            "{query}"
        );
    }
    // Two values compared whole fail on every form: refused at load.
    assert_eq!(
        codes(&rule(
            "  for p in projects, i in p.indicators, j in p.indicators where i.index < j.index\n  require i.value != j.value"
        )),
        vec!["policy::quadratic", "policy::type-mismatch"]
    );
}

#[test]
fn a_long_chain_of_lets_is_refused_not_a_stack_overflow() {
    // Each `let` reads the one before: evaluating the last recurses through all of them.
    let chain = |n: usize, step: &str| {
        let mut policy =
            "rule t.r {\n  severity info\n  for p in projects\n  let l0 = p.index\n".to_owned();
        for k in 1..n {
            policy.push_str(&format!(
                "  let l{k} = {}\n",
                step.replace("PREV", &format!("l{}", k - 1))
            ));
        }
        policy.push_str(&format!("  require l{} > 0\n  message \"m\"\n}}\n", n - 1));
        policy
    };
    for step in ["PREV", "PREV + PREV"] {
        assert_eq!(codes(&chain(600, step)), vec!["policy::too-deep"], "{step}");
        // The longest chain accepted runs within a test thread's stack (2 MiB, debug build).
        let longest = (2..600)
            .take_while(|n| codes(&chain(*n, step)).is_empty())
            .last()
            .unwrap();
        assert!(longest >= 40, "{longest}");
        let loaded = load_ok(&chain(longest, step));
        let sample = sample();
        let findings =
            loaded
                .policy
                .check_projects(&sample.document.projects, sample.source.name(), |_| true);
        assert!(findings.is_empty(), "{findings:?}");
    }
}

#[test]
fn several_bindings_join_on_an_outer_equality_like_nested_forms() {
    // Each part of the filter goes to the first binding it can: `q.… == p.…` filters `q`,
    // where it is a hash join, not a pass over every form per form.
    for query in [
        "  for p in projects\n  require count(i for q in projects, i in q.indicators where q.department.code == p.department.code) < 5",
        "  for p in projects\n  require sum(i.value.money for q in projects, i in q.indicators where q.department.code == p.department.code and i.value.kind == money) < 1元",
        "  for p in projects\n  require none q in projects, i in q.indicators where q.department.code == p.department.code and q.index != p.index: i.name == \"x\"",
        "  for p in projects\n  let names = [i.name for q in projects, i in q.indicators where q.name == p.name]\n  require count(names) > 0",
    ] {
        assert_eq!(codes(&rule(query)), Vec::<String>::new(), "{query}");
    }
    // Without the equality it is the pairs of forms it looks like.
    assert_eq!(
        codes(&rule(
            "  for p in projects\n  require count(i for q in projects, i in q.indicators where q.index != p.index) > 0"
        )),
        vec!["policy::quadratic"]
    );
}

#[test]
fn full_width_punctuation_and_long_lists_are_named() {
    let loaded = load(
        "rule f.w {\n  severity info\n  for p in projects， i in p.indicators\n  require true\n  message \"m\"\n}\n",
    );
    let help = loaded.diagnostics[0].1.help.clone().unwrap_or_default();
    assert!(
        help.contains("全角的 `，`") && help.contains("`,`"),
        "{help}"
    );
    // A list too long for the parser is said to be long, not nested.
    let items: Vec<String> = (0..30_000).map(|k| format!("\"名{k}\"")).collect();
    let loaded = load(&format!(
        "rule b.l {{\n  severity info\n  for p in projects\n  require p.name in [{}]\n  message \"m\"\n}}\n",
        items.join(", ")
    ));
    let d = &loaded.diagnostics[0].1;
    assert_eq!(d.code, "policy::too-deep");
    assert!(d.message.contains("过长"), "{}", d.message);
    assert!(
        d.help.as_deref().unwrap_or_default().contains("param"),
        "{d:?}"
    );
}
