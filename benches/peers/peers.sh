#!/usr/bin/env bash
# Peer comparison: jixiao against regorus (Rego) and Spectral on the same JSON forms, five rules
# (funds.cost-within-total, indicators.required-level1, indicators.satisfaction-threshold,
# indicators.duplicate-name, project.duplicate-name). See benches/peers/README.md.
#
#   benches/peers/peers.sh [FORMS.json]
#
# Without FORMS.json, an 11 MB corpus (about 10,000 forms) is generated with the corpus example.
# Each installed peer is first checked to find exactly jixiao's violations, on FORMS.json and
# on a copy with every rule's violations and edge cases planted (inject.py); the script fails
# at the first set that differs. Then each tool is timed on FORMS.json: the minimum wall time
# of RUNS runs, and the peak resident memory.
#
# Environment:
#   JIXIAO    jixiao binary (default target/release/jixiao; it is copied first, so a rebuild
#             during the run does not change what is measured)
#   REGORUS   regorus binary (default: `regorus` on PATH); skipped with a notice when absent
#   SPECTRAL  spectral binary (default: `spectral` on PATH); skipped with a notice when absent
#   CORPUS    corpus example binary (default: `cargo run --release --example corpus`)
#   MB        corpus size without FORMS.json (default 11)
#   RUNS      timed runs per tool (default 3)
#   WORK      scratch directory (default: a new one under /tmp)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${RUNS:-3}
work=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/jixiao-peers.XXXXXX")}
mkdir -p "$work"
rules=funds.cost-within-total,indicators.required-level1,indicators.satisfaction-threshold,indicators.duplicate-name,project.duplicate-name
normalise() { python3 "$here/normalise.py" "$@"; }

# --- tools -------------------------------------------------------------------------------------
jixiao_src=${JIXIAO:-$root/target/release/jixiao}
if [ ! -x "$jixiao_src" ]; then
  (cd "$root" && cargo build --release --quiet)
fi
cp "$jixiao_src" "$work/jixiao"
jixiao=$work/jixiao

regorus=${REGORUS:-$(command -v regorus || true)}
spectral=${SPECTRAL:-$(command -v spectral || true)}
[ -n "$regorus" ] || echo "notice: regorus not installed, skipped (cargo install regorus --example regorus --locked)"
[ -n "$spectral" ] || echo "notice: spectral not installed, skipped (npm install -g @stoplight/spectral-cli)"

# --- corpus ------------------------------------------------------------------------------------
if [ $# -ge 1 ]; then
  forms=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
else
  mb=${MB:-11}
  if [ -n "${CORPUS:-}" ]; then
    "$CORPUS" --mb "$mb" --out "$work/corpus" >/dev/null
  else
    (cd "$root" && cargo run --release --quiet --example corpus -- --mb "$mb" --out "$work/corpus") >/dev/null
  fi
  forms=$work/corpus/forms.json
fi
nforms=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1], encoding="utf-8"))["projects"]))' "$forms")
echo "forms: $forms ($nforms forms, $(du -m "$forms" | cut -f1) MB); scratch: $work"

# --- the command line of each tool, reading the forms from the last argument -------------------
argv() { # TOOL
  case $1 in
    jixiao) cmd=("$jixiao" check --no-config --select "$rules" --format json) ;;
    jixiao1) cmd=("$jixiao" check -j1 --no-config --select "$rules" --format json) ;;
    regorus) cmd=("$regorus" eval -d "$here/rules.rego" data.jixiao.violations -i) ;;
    spectral) cmd=("$spectral" lint -q -r "$here/spectral.yaml" -f json) ;;
  esac
}
# One run: TOOL FORMS OUT [TIME]. jixiao exits 1 when it reports findings, Spectral when a
# finding is an error: only higher exit codes (or output that does not parse) are failures.
# Standard error goes to OUT.err, shown when the run fails.
run() {
  argv "$1"
  local timer=()
  [ $# -ge 4 ] && timer=(/usr/bin/time -f "%e %M" -o "$4")
  "${timer[@]}" "${cmd[@]}" "$2" >"$3" 2>"$3.err" || [ $? -le 1 ] || {
    echo "$1 failed on $2:" >&2
    tail -n 20 "$3.err" >&2
    return 1
  }
}
normalised() { # TOOL FORMS RAW
  case $1 in
    jixiao | jixiao1) normalise jixiao "$3" ;;
    regorus) normalise regorus "$3" ;;
    spectral) normalise spectral "$3" "$2" ;;
  esac
}

tools=(jixiao)
[ -n "$regorus" ] && tools+=(regorus)
[ -n "$spectral" ] && tools+=(spectral)

# --- agreement ---------------------------------------------------------------------------------
python3 "$here/inject.py" "$forms" "$work/injected.json"
status=0
for input in "$forms" "$work/injected.json"; do
  tag=$(basename "$input" .json)
  run jixiao "$input" "$work/$tag.jixiao.out"
  normalised jixiao "$input" "$work/$tag.jixiao.out" >"$work/$tag.jixiao.tsv"
  summary=$(cut -f1 "$work/$tag.jixiao.tsv" | sort | uniq -c | awk '{printf "%s%s %s", sep, $2, $1; sep=", "}')
  echo "$tag: jixiao finds $(wc -l <"$work/$tag.jixiao.tsv") violations ($summary)"
  for tool in "${tools[@]:1}"; do
    run "$tool" "$input" "$work/$tag.$tool.out"
    normalised "$tool" "$input" "$work/$tag.$tool.out" >"$work/$tag.$tool.tsv"
    printf '%s: %-8s ' "$tag" "$tool"
    normalise compare "$work/$tag.jixiao.tsv" "$work/$tag.$tool.tsv" || status=1
  done
done
if [ $status -ne 0 ]; then
  echo "FAIL: a peer's violations differ from jixiao's (lists in $work/*.tsv); not timing" >&2
  exit 1
fi

# --- timing ------------------------------------------------------------------------------------
# Minimum wall time of $runs runs, and the largest peak RSS, from GNU time.
time_tool() { # TOOL -> "seconds rss_kb"
  local t m
  for _ in $(seq "$runs"); do
    run "$1" "$forms" "$work/timed.out" "$work/time.txt"
    tail -n 1 "$work/time.txt" # after "Command exited with non-zero status 1"
  done | sort -n | awk 'NR == 1 { t = $1 } $2 > m { m = $2 } END { print t, m }'
}

echo
echo "timing on $(basename "$forms"): min of $runs runs, $(nproc) cores, $(date -u +%Y-%m-%d)"
printf '%-22s %9s %10s %9s %9s\n' tool seconds forms/s ratio "peak MB"
base=""
for tool in jixiao jixiao1 "${tools[@]:1}"; do
  read -r secs rss < <(time_tool "$tool")
  [ -z "$base" ] && base=$secs
  case $tool in
    jixiao) label="jixiao (-j$(nproc))" ;;
    jixiao1) label="jixiao (-j1)" ;;
    *) label=$tool ;;
  esac
  python3 - "$label" "$secs" "$rss" "$base" "$nforms" <<'EOF'
import sys
label, secs, rss, base, n = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
print(f"{label:<22} {secs:9.2f} {n / secs:10.0f} {secs / base:8.1f}x {rss / 1024:9.0f}")
EOF
done
