#!/usr/bin/env bash
# Interleaved rush runs of two checkouts (A/B on a shared machine: both sides see the same disturbance).
#   BASE=/work/main OUT=/tmp/rush_ab bash bench/rush_ab.sh      # then: python bench/plots.py $OUT
# ARGS are bench/rush.py's (default a 600-buyer, 100-seat rush); ROUNDS pairs; uptime is logged beside each run.
set -u
BASE=${BASE:?checkout to compare against, e.g. /work/main}
HERE=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-/tmp/rush_ab}; mkdir -p "$OUT"
ARGS=${ARGS:---buyers 600 --rows 5 --concurrency 100}
# BASE_NAME / HERE_NAME label the two sides in the result files (rush-ab-<label>-<round>.json) and the plot.
A=${BASE_NAME:-main}; B=${HERE_NAME:-speed}
for round in $(seq "${ROUNDS:-2}"); do
  for side in "$A" "$B"; do
    dir=$BASE; [ "$side" = "$B" ] && dir=$HERE
    out=$OUT/rush-ab-$side-$round.json
    echo "== $side round $round ($dir) $(uptime)"
    # shellcheck disable=SC2086
    (cd "$dir" && timeout 300 .venv/bin/python bench/rush.py $ARGS --db "marquee_bench_rush_ab_$round" >"$out" 2>"$OUT/rush-ab-$side-$round.err")
    echo "rc=$? $(uptime)"
  done
done
