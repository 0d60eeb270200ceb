# The five rules of benches/peers in Rego (v1 syntax), for regorus (or OPA):
#
#   regorus eval -d rules.rego -i forms.json data.jixiao.violations
#
# Input: the JSON form model that `jixiao extract` prints: {"projects": [...]}.
# Output: a set of [rule, project (1-based, like jixiao's p.index), indicator name or "",
# part, indicator position (1-based; 0 for a project-level finding)]. The position only keeps
# two findings on copies of the same indicator name apart in the set; normalise.py drops it.
#
# The rules follow policies/default/*.jxp, including jixiao's three-valued logic: a missing
# field (absent, null or blank) makes a condition unknown, and an unknown requirement does not
# fire. Each rule is linear in the number of indicators, and the duplicate-name rules sort
# [name, index] pairs once (n log n) instead of comparing every pair.
package jixiao

import rego.v1

min_satisfaction := 90

level1_required := ["产出指标", "效益指标", "满意度指标"]

violations contains v if some v in cost_within_total

violations contains v if some v in required_level1

violations contains v if some v in satisfaction_threshold

violations contains v if some v in indicator_duplicate_name

violations contains v if some v in project_duplicate_name

# --- helpers ---------------------------------------------------------------------------------

# jixiao reads a blank string as missing.
present(s) if {
	is_string(s)
	trim_space(s) != ""
}

# Amounts are decimal strings in 元 (numbers are accepted too); missing otherwise.
amount(x) := to_number(x) if present(x)

amount(x) := x if is_number(x)

# jixiao drops an indicator without a name (parse::missing-indicator-name): it is not there.
named(i) if present(i.name)

money_cost(i) if {
	named(i)
	i.category == "cost"
	i.value.kind == "money"
}

# --- funds.cost-within-total -----------------------------------------------------------------

# Each money cost indicator within the total.
cost_within_total contains ["funds.cost-within-total", k + 1, i.name, "item", j + 1] if {
	some k, p in input.projects
	total := amount(p.funds.total)
	some j, i in p.indicators
	money_cost(i)
	amount(i.value.amount) > total
}

# Their sum within the total, reported at the last one, and only when no single one exceeds
# it (if one has no amount, `any j: j.money > total` is unknown, and so is the requirement).
cost_within_total contains ["funds.cost-within-total", k + 1, p.indicators[last].name, "sum", last + 1] if {
	some k, p in input.projects
	total := amount(p.funds.total)
	idx := [j | some j, i in p.indicators; money_cost(i)]
	count(idx) > 0
	amounts := [m | some j in idx; m := amount(p.indicators[j].value.amount)]
	count(amounts) == count(idx)
	every m in amounts { m <= total }
	sum(amounts) > total
	last := max(idx)
}

# --- indicators.required-level1 --------------------------------------------------------------

level1_known(i) if not named(i)

level1_known(i) if present(i.level1)

category_known(i) if not named(i)

category_known(i) if present(i.category)

has_cost(p) if {
	some i in p.indicators
	named(i)
	i.category == "cost"
}

# `none i in p.indicators: i.level1 == name` is unknown, not true, when some level1 is missing.
required_level1 contains ["indicators.required-level1", k + 1, "", concat("", ["level1:", concat("、", absent)]), 0] if {
	some k, p in input.projects
	every i in p.indicators { level1_known(i) }
	level1s := {i.level1 | some i in p.indicators; named(i)}
	absent := [n | some n in level1_required; not n in level1s]
	count(absent) > 0
}

required_level1 contains ["indicators.required-level1", k + 1, "", "cost", 0] if {
	some k, p in input.projects
	every i in p.indicators { category_known(i) }
	not has_cost(p)
}

# --- indicators.satisfaction-threshold -------------------------------------------------------

satisfaction_threshold contains ["indicators.satisfaction-threshold", k + 1, i.name, "", j + 1] if {
	some k, p in input.projects
	some j, i in p.indicators
	named(i)
	i.category == "satisfaction"
	i.value.kind == "percent"
	amount(i.value.amount) < min_satisfaction
}

# --- indicators.duplicate-name ---------------------------------------------------------------

# Sorted [name, position] pairs: every pair after the first of its name is a later copy.
indicator_duplicate_name contains ["indicators.duplicate-name", k + 1, pair[0], "", pair[1] + 1] if {
	some k, p in input.projects
	pairs := sort([[i.name, j] | some j, i in p.indicators; named(i)])
	some m, pair in pairs
	m > 0
	pairs[m - 1][0] == pair[0]
}

# --- project.duplicate-name ------------------------------------------------------------------

project_pairs := sort([[p.name, k] | some k, p in input.projects; present(p.name)])

project_duplicate_name contains ["project.duplicate-name", pair[1] + 1, "", "", 0] if {
	some m, pair in project_pairs
	m > 0
	project_pairs[m - 1][0] == pair[0]
}
