#!/usr/bin/env bash
# `make chaos`: the fault scenarios, each with a PASS/FAIL verdict; exit status 1 if any failed.
#   bash chaos/run.sh           # full sizes
#   bash chaos/run.sh --smoke   # CI: small sizes
# Postgres restarts happen on a PRIVATE cluster (initdb in /tmp); Redis outages on a private redis-server;
# the kill -9 scenario uses its own database (marquee_chaos) on the shared server, re-created each run.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
SERVER=${CHAOS_SERVER:-postgresql://postgres@127.0.0.1:5432}
URL="$SERVER/marquee_chaos"
SMOKE=0; [[ "${1:-}" == "--smoke" ]] && SMOKE=1
psql "$SERVER/postgres" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS marquee_chaos" -c "CREATE DATABASE marquee_chaos ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0" \
  2>/dev/null
"$PY" -m marquee.migrate --database-url "$URL" >/dev/null || exit 1

results=()
scenario() {  # scenario NAME COMMAND...
  local name=$1; shift
  echo "=== $name"
  if "$@"; then results+=("PASS  $name"); else results+=("FAIL  $name"); fi
}
if (( SMOKE )); then
  scenario "kill -9 API under confirm/payment load" "$PY" -m chaos.kill_api --database-url "$URL" --buyers 30 --kills 2
  scenario "Postgres restart under load" "$PY" -m chaos.outages pg-restart --outage 5
else
  scenario "kill -9 API under confirm/payment load" "$PY" -m chaos.kill_api --database-url "$URL" --buyers 150 --kills 4
  scenario "Postgres restart under load" "$PY" -m chaos.outages pg-restart --outage 6
fi
scenario "Redis down" "$PY" -m chaos.outages redis-down --database-url "$URL"
echo; printf '%s\n' "${results[@]}"
! printf '%s\n' "${results[@]}" | grep -q '^FAIL'
