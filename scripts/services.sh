#!/usr/bin/env bash
# Make sure PostgreSQL 15 (+ pgTAP) and Redis are installed and running on this machine. Idempotent.
set -euo pipefail

need_apt=()
command -v pg_ctlcluster >/dev/null 2>&1 || need_apt+=(postgresql-15 postgresql-contrib)
[ -f /usr/share/postgresql/15/extension/pgtap.control ] || need_apt+=(postgresql-15-pgtap)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
command -v pgbench >/dev/null 2>&1 || need_apt+=(postgresql-contrib)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
  pg_createcluster 15 main >/dev/null
fi
ver=$(pg_lsclusters -h | awk 'NR==1{print $1}')
if ! pg_lsclusters -h | awk '{print $4}' | grep -q online; then
  # trust on localhost, as on the development machines
  hba=/etc/postgresql/$ver/main/pg_hba.conf
  if ! grep -q "marquee: trust" "$hba"; then
    sed -i '1i # marquee: trust local connections (development/CI machine)\nlocal all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start
fi
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
pg_isready -h 127.0.0.1
# The test suite runs API servers, workers and 50+-connection races side by side: 100 connections is too few.
if [ "$(psql -h 127.0.0.1 -U postgres -AtqX -c 'SHOW max_connections')" -lt 300 ]; then
  psql -h 127.0.0.1 -U postgres -qX -c "ALTER SYSTEM SET max_connections = 300"
  pg_ctlcluster --skip-systemctl-redirect "$ver" main restart
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
fi

if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/marquee.log
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
redis-cli -h 127.0.0.1 ping
