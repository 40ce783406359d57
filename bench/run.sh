#!/usr/bin/env bash
# `make bench`: every benchmark in sequence (a few minutes), each printing its ratio against a yardstick or
# limit measured in the same run. `--smoke` (CI) runs each for a couple of seconds so none can rot.
#   bash bench/run.sh            # full: pgbench 3 x 10 s/workload, HTTP (wrk), rush 2,000 buyers, growth to 10M claims (<= 600 s)
#   bash bench/run.sh --smoke
# Each benchmark uses its own database (marquee_bench_*), re-created; the shared demo database is not touched.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
SMOKE=0; [[ "${1:-}" == "--smoke" ]] && SMOKE=1
OUT=${BENCH_OUT:-/tmp/marquee_bench}; mkdir -p "$OUT"
failed=()

step() {  # step NAME COMMAND...: run, keep the log, remember failures
  local name=$1; shift
  echo; echo "=== $name: $*"
  if "$@" 2>&1 | tee "$OUT/$name.log"; [[ ${PIPESTATUS[0]} -ne 0 ]]; then failed+=("$name"); fi
}

if (( SMOKE )); then
  step pgbench env DURATION=2 CLIENTS=4 RUNS=1 bash bench/hold_bench.sh
  step seed_vs_marquee bash -c "$PY -m marquee.migrate --database-url postgresql://postgres@127.0.0.1:5432/marquee_bench_seed --demo >/dev/null && \
       $PY bench/baselines/seed_vs_marquee.py --buyers 40 --concurrency 8 --database-url postgresql://postgres@127.0.0.1:5432/marquee_bench_seed"
  step http env SECONDS_PER_ENDPOINT=2 bash bench/http/run.sh
  step rush "$PY" bench/rush.py --buyers 120 --rows 3 --concurrency 30
  step queue_join "$PY" bench/queue_join.py --buyers 300 --concurrency 50
  step queue_rush "$PY" bench/queue_join.py --rush --buyers 120 --rows 3 --concurrency 30
  step growth "$PY" bench/growth.py --target 30000 --budget 15 --chunk 50 --samples 30
else
  step pgbench bash bench/hold_bench.sh
  step seed_vs_marquee bash -c "$PY -m marquee.migrate --database-url postgresql://postgres@127.0.0.1:5432/marquee_bench_seed --demo >/dev/null && \
       $PY bench/baselines/seed_vs_marquee.py --buyers 300 --concurrency 32 --database-url postgresql://postgres@127.0.0.1:5432/marquee_bench_seed"
  step http env SERVERS="uvicorn granian" bash bench/http/run.sh
  step rush "$PY" bench/rush.py --buyers 2000 --rows 15 --concurrency 200
  step growth "$PY" bench/growth.py --target 10000000 --budget 600 --samples 200
fi

echo; echo "=== summary (logs in $OUT)"
grep -h "^ratio" "$OUT/pgbench.log" | sed 's/^/pgbench  /' ; echo "pgbench  target: hold / trivial INSERT >= 0.5"
grep -h -E "^== |ratio" "$OUT/http.log" | sed 's/^/http     /'; echo "http     targets: hold / select1 >= 0.6, seat map / select1 >= 0.8"
grep -h "confirms of different seats" "$OUT/seed_vs_marquee.log" | sed 's/^ */seed     /'; echo "seed     target: marquee 0"
"$PY" - "$OUT" <<'PYEOF'
import json, re, sys
from pathlib import Path
out = Path(sys.argv[1])
def last_json(name):
    text = (out / f"{name}.log").read_text() if (out / f"{name}.log").exists() else ""
    starts = [m.start() for m in re.finditer(r"(?m)^\{$", text)]
    return json.loads(text[starts[-1]:]) if starts else None
r = last_json("rush")
if r:
    print(f"rush     {r['seats_sold']}/{r['seats']} seats sold once each ({'PASS' if r['passed'] else 'FAIL'}), "
          f"sold out after {r['sold_out_after_s']} s, loser error p50/p99 {r['loser_error_ms_p50']}/{r['loser_error_ms_p99']} ms, "
          f"winner hold p50/p99 {r['winner_hold_ms_p50']}/{r['winner_hold_ms_p99']} ms, API RSS max {r['api_rss_mib_max']} MiB")
g = last_json("growth")
if g:
    s = g["summary"]
    print(f"growth   {s['claims_generated']:,} claims (target {s['target']:,}) in {s['generation_s']} s: "
          f"hold p50 x{s['hold_ratio_p50']}, seat map p50 x{s['map_ratio_p50']} vs empty (limit x{s['limit']})")
PYEOF
# plots next to the logs (docs/img holds the ones docs/benchmarks.md quotes: bench/plots.py RESULTS --out docs/img)
"$PY" bench/plots.py "$OUT" --out "$OUT" || failed+=("plots")
if (( ${#failed[@]} )); then echo "FAILED: ${failed[*]}"; exit 1; fi
echo "all benchmarks ran"
