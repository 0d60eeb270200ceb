#!/usr/bin/env python3
"""Copy a generated forms.json with violations of all five rules, and edge cases, injected.

    inject.py IN.json OUT.json

The corpus example makes only two of the five rules fire (cost over total, low satisfaction);
this plants, in one project of every 101 (by index, deterministic), one of the cases below, so
that the peer comparison checks every rule and the three-valued corners the peers have to copy
(a missing total, level1, category or name makes a requirement unknown, and it does not fire).
Derived fields (category, value.kind, value.amount) are kept consistent with the text, as
`jixiao extract` writes them: jixiao re-derives them, the peers trust them.
"""
import copy
import json
import sys

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def money(text_amount):
    return {"text": f"≤{text_amount}元", "kind": "money", "op": "<=", "amount": str(text_amount),
            "unit": "元", "date": None, "by": False}


def money_costs(p):
    return [i for i in p["indicators"] if i.get("category") == "cost" and (i.get("value") or {}).get("kind") == "money"]


def total(p):
    return int(p["funds"]["total"])


@case
def dup_project(ps, k):  # project.duplicate-name on k
    ps[k]["name"] = ps[k - 3]["name"]


@case
def nothing(ps, k):
    pass


@case
def triple_project(ps, k):  # a third copy: ps[k - 2] took ps[k - 5]'s name above
    ps[k]["name"] = ps[k - 2]["name"]


@case
def blank_project_name(ps, k):  # a missing name is no duplicate of another missing name
    ps[k]["name"] = " "


@case
def null_project_name(ps, k):
    ps[k]["name"] = None


@case
def dup_indicator(ps, k):
    ind = ps[k]["indicators"]
    ind[1]["name"] = ind[0]["name"]


@case
def triple_indicator(ps, k):  # two findings, same name
    ind = ps[k]["indicators"]
    ind[1]["name"] = ind[0]["name"]
    ind[2]["name"] = ind[0]["name"]


@case
def no_benefit(ps, k):
    ps[k]["indicators"] = [i for i in ps[k]["indicators"] if i.get("level1") != "效益指标"]


@case
def no_benefit_no_satisfaction(ps, k):
    ps[k]["indicators"] = [i for i in ps[k]["indicators"] if i.get("level1") not in ("效益指标", "满意度指标")]


@case
def no_cost(ps, k):
    ps[k]["indicators"] = [i for i in ps[k]["indicators"] if i.get("category") != "cost"]


@case
def no_benefit_level1_missing(ps, k):  # `none` is unknown: no finding
    ind = [i for i in ps[k]["indicators"] if i.get("level1") != "效益指标"]
    for i in ind:
        if i.get("level2") == "数量指标":  # category still derives from level2
            i["level1"] = None
            break
    ps[k]["indicators"] = ind


@case
def no_cost_category_missing(ps, k):  # `any` is unknown: no finding for either part
    ind = [i for i in ps[k]["indicators"] if i.get("category") != "cost"]
    ind[0]["level1"] = None
    ind[0]["level2"] = None
    ind[0]["category"] = None
    ps[k]["indicators"] = ind


@case
def no_indicators(ps, k):  # all three level1s and the cost indicator
    ps[k]["indicators"] = []


@case
def cost_sum_over(ps, k):  # each within, the sum over: one finding at the last
    p = ps[k]
    c = money_costs(p)[0]
    extra = copy.deepcopy(c)
    extra["name"] = "其他成本控制"
    extra["value"] = money(max(1, total(p) - int(c["value"]["amount"]) + 1000))
    p["indicators"].append(extra)


@case
def cost_sum_and_item_over(ps, k):  # one over: the item only, not the sum
    p = ps[k]
    c = money_costs(p)[0]
    extra = copy.deepcopy(c)
    extra["name"] = "其他成本控制"
    extra["value"] = money(total(p) + 500)
    p["indicators"].insert(p["indicators"].index(c), extra)


@case
def cost_over_total_missing(ps, k):  # unknown: no finding
    p = ps[k]
    money_costs(p)[0]["value"] = money(total(p) * 2)
    p["funds"]["total"] = None


@case
def cost_over_total_blank(ps, k):
    p = ps[k]
    money_costs(p)[0]["value"] = money(total(p) * 2)
    p["funds"]["total"] = ""


@case
def cost_over(ps, k):
    p = ps[k]
    money_costs(p)[0]["value"] = money(total(p) + 1)


@case
def cost_equal(ps, k):
    p = ps[k]
    money_costs(p)[0]["value"] = money(total(p))


def satisfaction(p):
    return [i for i in p["indicators"] if i.get("category") == "satisfaction" and (i.get("value") or {}).get("kind") == "percent"]


def percent(n):
    return {"text": f"≥{n}%", "kind": "percent", "op": ">=", "amount": str(n), "unit": "%",
            "date": None, "by": False}


@case
def satisfaction_low(ps, k):
    satisfaction(ps[k])[0]["value"] = percent("89.5")


@case
def satisfaction_boundary(ps, k):
    satisfaction(ps[k])[0]["value"] = percent("90")


@case
def satisfaction_no_value(ps, k):
    satisfaction(ps[k])[0]["value"] = None


@case
def satisfaction_low_duplicate(ps, k):  # two rules on one indicator
    s = satisfaction(ps[k])[0]
    s["value"] = percent("60")
    s["name"] = ps[k]["indicators"][0]["name"]


@case
def nameless_indicator(ps, k):  # jixiao drops it: no threshold finding
    s = satisfaction(ps[k])[0]
    s["value"] = percent("50")
    s["name"] = ""


def main():
    src, out = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        doc = json.load(f)
    ps = doc["projects"]
    period = 101
    assert len(CASES) < period - 5
    planted = 0
    for k in range(period, len(ps)):
        c = k % period
        if c < len(CASES):
            CASES[c](ps, k)
            planted += 1
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
    print(f"inject: {planted} cases ({len(CASES)} kinds) in {len(ps)} projects -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
