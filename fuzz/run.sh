#!/usr/bin/env bash
# Run one fuzz target: fuzz/run.sh TARGET [SECONDS]   (MAX_LEN=4096 for shorter inputs: faster runs)
# New inputs go to fuzz/corpus/TARGET (not committed); the committed seeds are fuzz/seeds/TARGET.
# Crashes land in fuzz/artifacts/TARGET: add each as a regression test before fixing it.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/run.sh TARGET [SECONDS]}
seconds=${2:-600}
mkdir -p "corpus/$target"
exec cargo +nightly fuzz run -O "$target" "corpus/$target" "seeds/$target" -- \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len="${MAX_LEN:-65536}" -print_final_stats=1
