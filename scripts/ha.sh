#!/usr/bin/env bash
# `make ha`: a pg_auto_failover cluster on loopback for demos and tests (docs/scaling.md): a monitor on 25432, a
# primary on 25433 and a synchronous standby on 25434 (HA_PORTS), data under .data/ha (HA_BASE), migrated with
# the demo data. The machine's own cluster (5432) is never touched; pg_autoctl runs as the postgres OS user.
#   bash scripts/ha.sh [up|down|status|url|bench]   (default: up; bench: commit latency of each durability class)
# Then: DATABASE_URL="$(bash scripts/ha.sh url)" make run     # the API on the multi-host connection string
set -euo pipefail
cd "$(dirname "$0")/.."
action=${1:-up}
[ "$action" != up ] || bash scripts/packages.sh ha
[ -x .venv/bin/python ] || make --no-print-directory install
exec .venv/bin/python -m testing.ha "$action"
