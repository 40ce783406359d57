#!/usr/bin/env bash
# HTTP benchmark of hold and the seat map against SELECT 1 through the same pool and server (docs/benchmarks.md).
# Uses its own database (BENCH_DB, default marquee_bench_api) and a free port; rate limit off for the run;
# BENCH_ENDPOINTS=1 mounts /api/bench/select1 (never mounted otherwise).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
DB=${BENCH_DB:-marquee_bench_api}
export DATABASE_URL=${BENCH_SERVER:-postgresql://postgres@127.0.0.1:5432}/$DB
$PY -m marquee.migrate --demo >/dev/null
# wrk (C) drives the load: a Python client would need a core of its own on this 2-core machine and cap every
# endpoint near its own speed. CLIENT=python uses bench/http/load.py instead (also the fallback without wrk).
if [[ "${CLIENT:-wrk}" == wrk ]] && ! command -v wrk >/dev/null; then
  bash scripts/packages.sh bench || true
fi
if [[ "${CLIENT:-wrk}" == wrk ]] && command -v wrk >/dev/null; then DRIVER=wrk_load.py; else DRIVER=load.py; fi
# SERVERS="uvicorn granian" compares ASGI servers, each measured against its own SELECT 1 in the same run.
for server in ${SERVERS:-uvicorn}; do
  PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  PORT=$PORT ASGI_SERVER=$server BENCH_ENDPOINTS=1 RATE_LIMIT_PER_MINUTE=0 WEB_CONCURRENCY=${WEB_CONCURRENCY:-1} LOG_LEVEL=warning \
    $PY -m marquee.app.serve >/tmp/marquee-bench-api-$server.log 2>&1 &
  API=$!
  trap 'kill $API 2>/dev/null; wait $API 2>/dev/null' EXIT
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.1; done
  echo "== $server, WEB_CONCURRENCY=${WEB_CONCURRENCY:-1}"
  $PY bench/http/$DRIVER --url "http://127.0.0.1:$PORT" --seconds "${SECONDS_PER_ENDPOINT:-10}" \
    --concurrency "${CONCURRENCY:-16}"
  kill $API 2>/dev/null; wait $API 2>/dev/null || true
done
trap - EXIT
