#!/usr/bin/env bash
# NOTIFY cost on the hold path: pgbench hold+release throughput with publish_seat_changes on vs off.
#   bench/notify/run.sh            # CLIENTS=16 SHOWTIMES=200 DURATION=20 ROUNDS=2 BENCH_DB=marquee_bench_rt
# Each round runs four cases: publish on/off, with synchronous_commit on (default) and off (for the bench
# session only), because a NOTIFYing commit holds a cluster-wide lock until its WAL flush completes.
# A listener drains seat_changes during every run (as the API does), so "on" pays the real delivery cost.
# Runs alternate on/off ROUNDS times so drift on a shared machine hits both sides alike.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
CLIENTS=${CLIENTS:-16}; SHOWTIMES=${SHOWTIMES:-200}; SECONDS_PER_RUN=${DURATION:-20}; ROUNDS=${ROUNDS:-2}
DB=${BENCH_DB:-marquee_bench_rt}
SERVER=${BENCH_SERVER:-postgresql://postgres@127.0.0.1:5432}
URL="$SERVER/$DB"

psql -q "$SERVER/postgres" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"
$PY -c "from marquee.migrate import migrate; migrate('$URL', quiet=True)"
PGOPTIONS="-c bench.showtimes=$SHOWTIMES" psql -q -v ON_ERROR_STOP=1 "$URL" -f bench/notify/setup.sql
# Single seats all over the hall: the lone-seat rule (a seating policy, constant in both cases) would refuse them.
psql -q "$URL" -c "UPDATE booking.settings SET value = 'off' WHERE key = 'lone_seat_rule'"

$PY bench/notify/listen.py "$URL" & listener=$!
trap 'kill $listener 2>/dev/null || true' EXIT

run() {  # publish on|off, synchronous_commit on|off
  psql -q "$URL" -c "UPDATE booking.settings SET value = '$1' WHERE key = 'publish_seat_changes'"
  psql -q "$URL" -c "SELECT booking.purge_expired_holds('0 seconds')" >/dev/null
  local out
  out=$(PGOPTIONS="-c synchronous_commit=$2" pgbench -n -M prepared -c "$CLIENTS" -j 2 -T "$SECONDS_PER_RUN" -D showtimes="$SHOWTIMES" \
        -f bench/notify/hold_release.sql "$URL" 2>&1)
  local tps lat failed
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out")
  lat=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$out")
  failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")
  echo "publish=$1 synchronous_commit=$2 clients=$CLIENTS showtimes=$SHOWTIMES ${SECONDS_PER_RUN}s: hold+release pairs/s=$tps" \
       "(holds/s=$(awk "BEGIN{printf \"%.0f\", $tps}"), notifications/s=$([ "$1" = on ] && awk "BEGIN{printf \"%.0f\", 2*$tps}" || echo 0))" \
       "latency avg=${lat}ms failed=${failed:-0}"
}

for _ in $(seq "$ROUNDS"); do run on on; run off on; run on off; run off off; done
kill $listener; wait $listener 2>/dev/null || true
psql -q "$SERVER/postgres" -c "DROP DATABASE IF EXISTS $DB"
