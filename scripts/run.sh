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
# Payments: the local Stripe-compatible fake unless STRIPE_API_BASE points elsewhere (docs/payments.md).
export STRIPE_API_BASE=${STRIPE_API_BASE:-http://127.0.0.1:12111}
if [ "$STRIPE_API_BASE" = "http://127.0.0.1:12111" ]; then
  start stripe $PY -m testing.stripe --port 12111 --webhook-url "http://127.0.0.1:$PORT/api/payments/webhook"
fi
start payments $PY -m marquee.payments.jobs
start reports $PY -m marquee.reports.jobs
# Notifications (docs/notifications.md): the demo SMTP sink (mail in .data/mail) unless SMTP_HOST is set elsewhere.
export SMTP_HOST=${SMTP_HOST:-127.0.0.1} SMTP_PORT=${SMTP_PORT:-1025}
[ "$SMTP_HOST:$SMTP_PORT" = "127.0.0.1:1025" ] && start smtp $PY -m marquee.notify.smtp_sink --port 1025
start relay $PY -m marquee.notify.relay
start worker $PY -m dramatiq marquee.notify.actors --processes 1 --threads 4
start api $PY -m marquee.app.serve
echo "Marquee on http://127.0.0.1:$PORT  (operators: http://127.0.0.1:$PORT/admin/login, demo logins above and in README.md)"
wait -n "${pids[@]}" 2>/dev/null || true
