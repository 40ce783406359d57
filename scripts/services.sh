#!/usr/bin/env bash
# `make services`: the PostgreSQL of DATABASE_URL and the Redis of REDIS_URL answer, or this script makes them.
# A server that accepts its URL as it is (on this machine or not) is used as it is: nothing changes on the machine,
# except for a local cluster that has fewer than 300 connections or lacks pgTAP. When the local one does not answer:
# its Debian packages (scripts/packages.sh), a cluster (PostgreSQL 15 preferred; a new one is UTF8 / C.UTF-8
# whatever the locale), trust for local connections (this is a development/CI setup) applied by a reload, a start.
# Needs root or sudo only for those changes. Idempotent; one line per step; any failure stops it with its reason.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
say() { echo "services: $*"; }
die() { echo "services: error: $*" >&2; exit 1; }

DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/marquee}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
err=$(mktemp)
trap 'rm -f "$err"' EXIT

# ---------------------------------------------------------------- PostgreSQL
parts=$(url_parts "$DATABASE_URL" 5432); eval "$parts"
pg_host=$url_host pg_port=$url_port pg_admin=$url_admin
pg_h=(); [ -z "$pg_host" ] || pg_h=(-h "$pg_host")
where="${pg_host:-local socket}:$pg_port"
sql() { psql -w "$pg_admin" -AtqX -v ON_ERROR_STOP=1 -c "$1"; }  # DATABASE_URL's user, maintenance database
pg_answers() { command -v psql >/dev/null 2>&1 && psql -w "$pg_admin" -AtqX -c 'SELECT 1' >/dev/null 2>"$err"; }
wait_ready() {  # -U postgres: without it pg_isready as root logs 'FATAL: role "root" does not exist'
  for _ in $(seq 1 60); do pg_isready -q -U postgres "${pg_h[@]}" -p "$pg_port" && return 0; sleep 0.5; done
  pg_isready -U postgres "${pg_h[@]}" -p "$pg_port" || die "PostgreSQL at $where is not ready after 30 s"
}
sysd=(); [ -d /run/systemd/system ] || sysd=(--skip-systemctl-redirect)  # no systemd (container, chroot)
ctl() { as_root pg_ctlcluster "${sysd[@]}" "$cl_ver" "$cl_name" "$@"; }
find_cluster() {  # cl_ver cl_name cl_status: this machine's cluster on $pg_port, version 15 first, else the newest
  cl_ver='' cl_name='' cl_status=''
  command -v pg_lsclusters >/dev/null 2>&1 || return 0
  local rows pick
  rows=$(pg_lsclusters -h | awk -v p="$pg_port" '$3 == p {print $1, $2, $4}')
  pick=$(awk '$1 == 15' <<<"$rows" | head -n 1)
  [ -n "$pick" ] || pick=$(sort -rn <<<"$rows" | head -n 1)
  read -r cl_ver cl_name cl_status <<<"$pick" || true
}

managed=0  # 1: a cluster of this machine's Debian packages, which this script may configure and restart
if is_local_host "$pg_host"; then
  pg_answers || bash scripts/packages.sh postgres
  if ! pg_answers; then
    find_cluster
    if [ -z "$cl_ver" ]; then
      port_open "$pg_host" "$pg_port" &&
        die "a server answers at $where but refuses DATABASE_URL and is no cluster of this machine: $(cat "$err")"
      others=$(pg_lsclusters -h | awk '{printf "%s/%s (port %s) ", $1, $2, $3}')
      [ -z "$others" ] || die "no cluster on port $pg_port (there is $others): set DATABASE_URL to its port"
      say "postgresql: creating cluster 15/main on port $pg_port (UTF8, C.UTF-8)"
      as_root pg_createcluster --locale=C.UTF-8 --encoding=UTF8 -p "$pg_port" 15 main >/dev/null
      find_cluster
    fi
    case $cl_status in
      online*) ;;
      *) say "postgresql: starting $cl_ver/$cl_name"; ctl start; wait_ready ;;
    esac
    # Refused for its authentication (Debian's default: peer on the socket, scram-sha-256 over TCP, and
    # DATABASE_URL has no password): trust for local connections, read by a reload (not a restart).
    hba=/etc/postgresql/$cl_ver/$cl_name/pg_hba.conf
    if ! pg_answers && grep -qiE 'authentication failed|password|pg_hba' "$err" && ! as_root grep -q "marquee: trust" "$hba"; then
      say "postgresql: $cl_ver/$cl_name refused DATABASE_URL ($(head -n 1 "$err" | sed 's/^psql: error: //'))"
      say "postgresql: trust for local connections (development/CI machine) in $hba; reloading $cl_ver/$cl_name"
      as_root sed -i '1i # marquee: trust local connections (development/CI machine)\nlocal all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
      ctl reload
      sleep 0.5
    fi
    pg_answers || die "PostgreSQL $cl_ver/$cl_name at $where still refuses DATABASE_URL: $(cat "$err")"
  fi
  find_cluster
  [ -z "$cl_ver" ] || managed=1
else
  bash scripts/packages.sh postgres  # the client only: the server is not this machine's
  pg_answers || die "the PostgreSQL of DATABASE_URL ($where) does not accept it: $(cat "$err")"
fi

# The test suite runs API servers, workers and 50+-connection races side by side: 100 connections is too few.
max_conn=$(sql 'SHOW max_connections')
if [ "$max_conn" -lt 300 ]; then
  [ "$managed" -eq 1 ] || die "PostgreSQL at $where has max_connections = $max_conn; the tests need 300"
  say "postgresql: max_connections $max_conn -> 300, restarting $cl_ver/$cl_name"
  sql "ALTER SYSTEM SET max_connections = 300" >/dev/null
  ctl restart
  wait_ready
fi
if [ -z "$(sql "SELECT 1 FROM pg_available_extensions WHERE name = 'pgtap'")" ]; then
  if [ "$managed" -eq 1 ]; then
    bash scripts/packages.sh "postgresql-$cl_ver-pgtap"
  else
    say "postgresql: warning: pgTAP is not installed on the server at $where (make test needs it)"
  fi
fi
enc=$(sql "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'template1'")
[ "$enc" = UTF8 ] || say "postgresql: warning: template1 is $enc: CREATE DATABASE without ENCODING makes $enc" \
  "databases, which the migrator refuses (it creates its own as UTF8)"
say "postgresql: $(sql 'SHOW server_version' | awk '{print $1}') at $where${cl_ver:+ (cluster $cl_ver/$cl_name)}: ready"

# ---------------------------------------------------------------- Redis
parts=$(url_parts "$REDIS_URL" 6379); eval "$parts"
r_host=${url_host:-127.0.0.1} r_port=$url_port
redis_answers() { command -v redis-cli >/dev/null 2>&1 && [ "$(redis-cli -u "$REDIS_URL" ping 2>/dev/null)" = PONG ]; }
if ! redis_answers; then
  bash scripts/packages.sh redis
  if ! redis_answers; then
    is_local_host "$r_host" || die "the Redis of REDIS_URL ($r_host:$r_port) does not answer PING"
    port_open "$r_host" "$r_port" && die "something at $r_host:$r_port does not answer PING as REDIS_URL says"
    say "redis: starting redis-server on $r_host:$r_port (log: /var/log/redis/marquee.log)"
    as_root mkdir -p /var/lib/redis /var/log/redis
    as_root redis-server --daemonize yes --bind "$r_host" -::1 --port "$r_port" --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/marquee.log
    for _ in $(seq 1 30); do redis_answers && break; sleep 0.5; done
    redis_answers || die "redis-server did not answer on $r_host:$r_port (see /var/log/redis/marquee.log)"
  fi
fi
say "redis: $(redis-cli -u "$REDIS_URL" info server 2>/dev/null | tr -d '\r' | awk -F: '$1 == "redis_version" {print $2}') at $r_host:$r_port: ready"
