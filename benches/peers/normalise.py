#!/usr/bin/env python3
"""Normalise each tool's violations to one sorted list, and compare two such lists.

    normalise.py jixiao   OUT.json             > jixiao.tsv   # jixiao check --format json
    normalise.py regorus  OUT.json             > regorus.tsv  # regorus eval ... data.jixiao.violations
    normalise.py spectral OUT.json FORMS.json  > spectral.tsv # spectral lint -f json
    normalise.py compare  jixiao.tsv other.tsv               # exit 1 and the first differences

A violation is the tab-separated line `rule  project  indicator  part`: the project's 1-based
index in the document (jixiao's p.index), the indicator's name ("" for the project-level rules
indicators.required-level1 and project.duplicate-name), and which part of the rule failed:
`item`/`sum` for funds.cost-within-total, `level1:<the missing 一级指标, 、-joined>`/`cost`
for indicators.required-level1, "" otherwise. The list is a sorted multiset: two copies of a
duplicated indicator name are two lines. Only the five rules are kept (jixiao also reports what
its reader found, such as parse::missing-field).
"""
import json
import re
import sys

RULES = {
    "funds.cost-within-total",
    "indicators.required-level1",
    "indicators.satisfaction-threshold",
    "indicators.duplicate-name",
    "project.duplicate-name",
}
PROJECT_LEVEL = {"indicators.required-level1", "project.duplicate-name"}


def row(rule, project, indicator, part):
    if rule in PROJECT_LEVEL:
        indicator = ""
    clean = lambda s: str(s).replace("\t", " ").replace("\n", " ")
    return f"{rule}\t{int(project)}\t{clean(indicator)}\t{clean(part)}"


def from_jixiao(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    rows = []
    for d in doc["diagnostics"]:
        rule = d.get("rule")
        if rule not in RULES:
            continue
        message = d.get("message", "")
        part = ""
        if rule == "funds.cost-within-total":
            part = "sum" if message.startswith("成本指标合计") else "item"
        elif rule == "indicators.required-level1":
            if message.endswith("缺少成本指标"):
                part = "cost"
            else:
                part = "level1:" + message.rsplit("缺少一级指标：", 1)[1]
        rows.append(row(rule, d["project"]["index"], d.get("indicator") or "", part))
    return rows


def from_regorus(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    # regorus prints {"result": [{"expressions": [{"value": [...], ...}]}]}; accept the bare
    # value too (OPA's `opa eval -f raw`).
    value = doc
    if isinstance(doc, dict) and "result" in doc:
        results = doc["result"]
        value = results[0]["expressions"][0]["value"] if results else []
    return [row(rule, project, name, part) for rule, project, name, part, _position in value]


PART = re.compile(r"^\[([^\]]*)\] ")


def from_spectral(path, forms):
    with open(path, encoding="utf-8") as f:
        results = json.load(f)
    with open(forms, encoding="utf-8") as f:
        projects = json.load(f)["projects"]
    rows = []
    for r in results:
        rule = r.get("code")
        if rule not in RULES:
            continue
        p = r["path"]
        k = int(p[1])
        name = ""
        if len(p) >= 4 and p[2] == "indicators":
            name = projects[k]["indicators"][int(p[3])]["name"]
        m = PART.match(r.get("message", ""))
        rows.append(row(rule, k + 1, name, m.group(1) if m else ""))
    return rows


def compare(ref_path, other_path):
    read = lambda p: [l.rstrip("\n") for l in open(p, encoding="utf-8") if l.strip()]
    ref, other = read(ref_path), read(other_path)
    if ref == other:
        print(f"same {len(ref)} violations")
        return 0
    from collections import Counter

    a, b = Counter(ref), Counter(other)
    missing = sorted((a - b).elements())
    extra = sorted((b - a).elements())
    print(f"DIFFERENT: {ref_path} has {len(ref)}, {other_path} has {len(other)}; "
          f"{len(missing)} only in the first, {len(extra)} only in the second")
    for label, rows in (("only in " + ref_path, missing), ("only in " + other_path, extra)):
        for r in rows[:10]:
            print(f"  {label}: {r}")
        if len(rows) > 10:
            print(f"  … and {len(rows) - 10} more")
    return 1


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    tool = argv[1]
    if tool == "compare":
        return compare(argv[2], argv[3])
    if tool == "jixiao":
        rows = from_jixiao(argv[2])
    elif tool == "regorus":
        rows = from_regorus(argv[2])
    elif tool == "spectral":
        rows = from_spectral(argv[2], argv[3])
    else:
        sys.exit(f"unknown tool {tool!r}\n{__doc__}")
    for r in sorted(rows):
        print(r)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
