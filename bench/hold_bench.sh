#!/usr/bin/env bash
# pgbench: booking.hold of 2 seats vs a trivial one-row INSERT transaction, measured in the same run.
#   bash bench/hold_bench.sh                 # 15 s per workload, 16 clients
#   DURATION=60 CLIENTS=32 bash bench/hold_bench.sh
# Uses its own database (BENCH_DB, default marquee_bench_core), re-created each run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
SERVER=${BENCH_SERVER:-postgresql://postgres@127.0.0.1:5432}
DB=${BENCH_DB:-marquee_bench_core}
URL="$SERVER/$DB"
DURATION=${DURATION:-15}
CLIENTS=${CLIENTS:-16}
THREADS=${THREADS:-2}
HOLD_TTL_SECONDS=${HOLD_TTL_SECONDS:-300}; export HOLD_TTL_SECONDS
LOGS=$(mktemp -d /tmp/hold_bench.XXXXXX)
# one run at a time on this machine (bench/run.sh calls this script too): the runs would share $DB and the CPUs
exec 9>/tmp/marquee_hold_bench.lock
flock 9

psql "$SERVER/postgres" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
"$PY" -m api.migrate --database-url "$URL" >/dev/null
psql "$URL" -qX -v ON_ERROR_STOP=1 -f bench/pgbench/setup.sql >/dev/null

run() {  # run NAME SCRIPT -> prints TPS
  local out
  out=$(pgbench "$URL" -n -M prepared -c "$CLIENTS" -j "$THREADS" -T "$DURATION" -f "bench/pgbench/$2" 2>&1) || true
  echo "$out" > "$LOGS/$1.log"
  if grep -q "aborted" <<<"$out"; then  # a client hit an error pgbench cannot retry: the numbers would lie
    grep -m5 -E "ERROR|HINT" <<<"$out" >&2; echo "$1: run aborted (log: $LOGS/$1.log)" >&2; exit 1
  fi
  echo "$out" | sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
}

echo "pgbench: $CLIENTS clients, $THREADS threads, ${DURATION}s per workload, prepared statements; database $DB"
trivial=$(run trivial trivial_insert.sql)
hold=$(run hold hold.sql)
sleep 2  # let the last 1-second holds expire before the next workload
hold_release=$(run hold_release hold_release.sql)
trivial2=$(run trivial2 trivial_insert.sql)
holds=$(psql "$URL" -AtqX -c "SELECT count(*) FROM booking.holds WHERE status = 'ACTIVE'")
hold_tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$LOGS/hold.log")
printf '%-34s %10s\n' "workload" "TPS"
printf '%-34s %10.0f\n' "trivial one-row INSERT (before)" "$trivial" "hold 2 seats (1 s TTL, expire)" "$hold" \
       "hold 2 seats + release" "$hold_release" "trivial one-row INSERT (after)" "$trivial2"
awk -v h="$hold" -v hr="$hold_release" -v t1="$trivial" -v t2="$trivial2" 'BEGIN {
  t = (t1 + t2) / 2;
  printf "ratio hold / trivial INSERT          %.2f  (trivial = mean of before/after runs: %.0f TPS)\n", h / t, t;
  printf "ratio hold+release / trivial INSERT  %.2f\n", hr / t }'
echo "pgbench logs: $LOGS"
echo "hold transactions: $hold_tx, holds made: $holds, collisions (a live seat was met): $((hold_tx - holds))"
