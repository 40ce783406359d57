#!/usr/bin/env bash
# Start every process of the demo service and stop them all on Ctrl-C. Settings: docs/configuration.md.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p .data/mail .data/log
pids=()
start() {  # name, command...
  local name=$1; shift
  echo "starting $name: $*"
  "$@" > >(sed -u "s/^/[$name] /") 2>&1 &
  pids+=($!)
}
stop() { kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; }
trap stop EXIT INT TERM

PORT=${PORT:-8000}
[ -f api/app.py ] && start api $PY -m api.serve
echo "Marquee on http://127.0.0.1:$PORT  (admin token: ${ADMIN_TOKEN:-dev-admin-token})"
wait -n "${pids[@]}" 2>/dev/null || true
