#!/usr/bin/env bash
# pgbench: booking.hold of 2 seats vs a trivial one-row INSERT transaction, measured in the same run, and the API's
# hold path, group commit (booking.hold_batch, BATCH requests per call): requests per second vs the same INSERT.
#   bash bench/hold_bench.sh                 # 10 s per workload, 16 clients, 3 runs (medians), BATCH=16
#   DURATION=60 CLIENTS=32 BATCH=32 bash bench/hold_bench.sh
# The first `ratio hold / trivial INSERT` line is issue 16's figure: per hold request on the API's path (batch);
# the single-call ratio follows on its own line.
# Uses its own database (BENCH_DB, default marquee_bench_core), re-created each run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
SERVER=${BENCH_SERVER:-postgresql://postgres@127.0.0.1:5432}
DB=${BENCH_DB:-marquee_bench_core}
URL="$SERVER/$DB"
DURATION=${DURATION:-10}
CLIENTS=${CLIENTS:-16}
THREADS=${THREADS:-2}
RUNS=${RUNS:-3}  # each workload runs RUNS times, interleaved; medians are reported
BATCH=${BATCH:-16}  # hold requests per booking.hold_batch call
HOLD_TTL_SECONDS=${HOLD_TTL_SECONDS:-300}; export HOLD_TTL_SECONDS
LOGS=$(mktemp -d /tmp/hold_bench.XXXXXX)
# one run at a time on this machine (bench/run.sh calls this script too): the runs would share $DB and the CPUs
exec 9>/tmp/marquee_hold_bench.lock
flock 9

psql "$SERVER/postgres" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"
"$PY" -m marquee.migrate --database-url "$URL" >/dev/null
psql "$URL" -qX -v ON_ERROR_STOP=1 -f bench/pgbench/setup.sql >/dev/null

run() {  # run NAME SCRIPT -> prints TPS
  local out
  out=$(pgbench "$URL" -n -M prepared -c "$CLIENTS" -j "$THREADS" -T "$DURATION" -D batch="$BATCH" \
        -f "bench/pgbench/$2" 2>&1) || true
  echo "$out" > "$LOGS/$1.log"
  if grep -q "aborted" <<<"$out"; then  # a client hit an error pgbench cannot retry: the numbers would lie
    grep -m5 -E "ERROR|HINT" <<<"$out" >&2; echo "$1: run aborted (log: $LOGS/$1.log)" >&2; exit 1
  fi
  echo "$out" | sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
}

median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "pgbench: $CLIENTS clients, $THREADS threads, ${DURATION}s per workload, $RUNS run(s), prepared statements; database $DB"
echo "load before: $(uptime | sed 's/.*load average/load average/')"
declare -A tps
for run_no in $(seq "$RUNS"); do
  tps[trivial]+=" $(run trivial trivial_insert.sql)"
  tps[hold]+=" $(run hold hold.sql)"
  batch_from=$(psql "$URL" -AtqX -c "SELECT now()")
  tps[batch]+=" $(run batch hold_batch.sql)"
  batch_to=$(psql "$URL" -AtqX -c "SELECT now()")
  sleep 2  # let the last 1-second holds expire before the next workload
  tps[hold_release]+=" $(run hold_release hold_release.sql)"
  tps[hold_confirm]+=" $(run hold_confirm hold_confirm.sql)"
  tps[flow]+=" $(run flow flow.sql)"
  tps[trivial]+=" $(run trivial2 trivial_insert.sql)"
done
holds=$(psql "$URL" -AtqX -c "SELECT count(*) FROM booking.holds WHERE status = 'ACTIVE'")
hold_tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$LOGS/hold.log")
paid=$(psql "$URL" -AtqX -c "SELECT count(*) FROM booking.bookings WHERE status = 'CONFIRMED'")
printf '%-44s %10s   %s\n' "workload (one pgbench transaction)" "median TPS" "runs"
for w in trivial hold batch hold_release hold_confirm flow; do
  label=$(case $w in trivial) echo "trivial one-row INSERT (before+after)";; hold) echo "hold 2 seats (1 s TTL, expire)";;
          batch) echo "hold_batch, $BATCH holds of 2 seats per call";;
          hold_release) echo "hold 2 seats + release";; hold_confirm) echo "hold, then confirm (2 transactions)";;
          flow) echo "map, hold, price, confirm, pay (5 transactions)";; esac)
  printf '%-44s %10.0f  %s\n' "$label" "$(median <<<"${tps[$w]}")" "${tps[$w]}"
done
t=$(median <<<"${tps[trivial]}")
b=$(median <<<"${tps[batch]}")
held=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$LOGS/batch.log")
held_share=$(psql "$URL" -AtqX -c "SELECT round(100.0 * count(*) / greatest(1, ${held:-0} * $BATCH)) FROM booking.holds h
                                   WHERE h.created_at BETWEEN '$batch_from' AND '$batch_to'" 2>/dev/null || echo "?")
printf 'hold_batch: %.0f calls/s x %s = %.0f hold requests/s (about %s%% held, the rest refused: pair already held)\n' \
  "$b" "$BATCH" "$(awk -v b="$b" -v k="$BATCH" 'BEGIN{print b*k}')" "$held_share"
awk -v h="$(median <<<"${tps[hold]}")" -v hr="$(median <<<"${tps[hold_release]}")" -v t="$t" -v b="$b" -v k="$BATCH" 'BEGIN {
  printf "ratio hold / trivial INSERT          %.3f  (per hold request on the API path: booking.hold_batch, %d per call; medians; trivial INSERT %.0f TPS)\n", b * k / t, k, t;
  printf "ratio hold (single call) / trivial INSERT  %.3f  (one booking.hold per transaction)\n", h / t;
  printf "ratio hold+release / trivial INSERT  %.3f\n", hr / t }'
echo "load after: $(uptime | sed 's/.*load average/load average/')"
echo "pgbench logs (last run): $LOGS"
echo "last hold run: $hold_tx transactions, holds live at the end: $holds; paid bookings made by the flow runs: $paid"
