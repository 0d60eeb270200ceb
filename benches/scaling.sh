#!/usr/bin/env bash
# The scaling table of docs/performance.md: `jixiao check` on generated corpora of 1, 10 and
# 100 MB and on 10 MB in 934 files, one and two threads, human report to /dev/null.
# Prints the minimum and median wall time of N runs and the peak resident memory.
#   benches/scaling.sh [DIR]      corpora are generated under DIR (default target/corpora) once
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-target/corpora}
cargo build --release --quiet
cargo build --release --quiet --example corpus
jixiao=target/release/jixiao
corpus=target/release/examples/corpus
for mb in 1 10 100; do
  [ -f "$dir/c$mb/forms.txt" ] || "$corpus" --mb "$mb" --out "$dir/c$mb"
done
[ -d "$dir/m10/many" ] || "$corpus" --mb 10 --out "$dir/m10" --files 934

# min/median wall time over N runs of a command, and its peak RSS (from wait4)
measure() {
  python3 - "$@" <<'EOF'
import os, sys, time
n, cmd = int(sys.argv[1]), sys.argv[2:]
walls, rss = [], 0
for _ in range(n):
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.execvp(cmd[0], cmd)
    _, _, usage = os.wait4(pid, 0)
    walls.append(time.perf_counter() - start)
    rss = max(rss, usage.ru_maxrss)
walls.sort()
print(f"min {walls[0]:.3f} s  median {walls[n // 2]:.3f} s  peak {rss / 1024:.0f} MB")
EOF
}

for mb in 1 10 100; do
  file="$dir/c$mb/forms.txt"
  runs=5
  [ "$mb" = 100 ] && runs=3
  for threads in 1 2; do
    echo "$mb MB, one file, -j$threads: $(measure $runs $jixiao check -j$threads "$file")"
  done
done
for threads in 1 2; do
  echo "10 MB, 934 files, -j$threads: $(measure 5 $jixiao check -j$threads "$dir/m10/many")"
done
# The same 10 MB of forms as the JSON model: one line (as the generator writes it) and pretty.
[ -f "$dir/c10/pretty.json" ] || python3 -c 'import json, sys; json.dump(json.load(open(sys.argv[1])), open(sys.argv[2], "w"), ensure_ascii=False, indent=2)' "$dir/c10/forms.json" "$dir/c10/pretty.json"
for threads in 1 2; do
  for file in forms.json pretty.json; do
    for format in human json; do
      echo "10 MB as $file, --format $format, -j$threads: $(measure 5 $jixiao check -j$threads --format $format "$dir/c10/$file")"
    done
  done
done
