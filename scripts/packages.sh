#!/usr/bin/env bash
# The Debian packages the project uses, installed when missing (one apt-get run, one line per step).
#   bash scripts/packages.sh [GROUP|PACKAGE ...]     groups: base postgres redis test bench ha, all (the default)
# Needs root or sudo only when something is missing. The PostgreSQL / Redis servers are installed only when
# DATABASE_URL / REDIS_URL point at this machine and nothing answers there yet: a server that answers (local or
# not) is used as it is, and only its command-line client is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

[ $# -gt 0 ] || set -- all
want=()
group() {
  case "$1" in
    all) for g in base postgres redis test bench ha; do group "$g"; done ;;
    base) want+=(make python3-venv git curl ca-certificates) ;;
    postgres)
      parts=$(url_parts "${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/marquee}" 5432); eval "$parts"
      if is_local_host "$url_host" && ! port_open "$url_host" "$url_port"; then
        want+=(postgresql-15 postgresql-contrib postgresql-15-pgtap)
      else
        want+=(postgresql-client-15)  # psql, pg_isready, pgbench
      fi ;;
    redis)
      parts=$(url_parts "${REDIS_URL:-redis://127.0.0.1:6379/0}" 6379); eval "$parts"
      if is_local_host "$url_host" && ! port_open "$url_host" "$url_port"; then
        want+=(redis-server)
      else
        want+=(redis-tools)  # redis-cli
      fi ;;
    test) want+=(chromium)     # the browser tests (tests/web) drive Debian's chromium
      # tests/web/test_accessibility.py: axe-core comes from npm (scripts/test-deps.sh); a node/npm that is
      # already there (Debian's or not) is used as it is
      command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1 || want+=(nodejs npm) ;;
    bench) want+=(wrk) ;;      # bench/http (curl is in base)
    ha) want+=(postgresql-15-auto-failover pgbouncer) ;;  # scripts/ha.sh, tests/reliability (pg_autoctl, PgBouncer)
    *) want+=("$1") ;;
  esac
}
for arg in "$@"; do group "$arg"; done

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null | grep -q '^ii' || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  [ "$*" = all ] && echo "packages: all ${#want[@]} Debian packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "packages: missing ${missing[*]}; installing them needs root: run this as root, install sudo," \
       "or install them yourself (apt-get install ${missing[*]})" >&2
  exit 1
fi
log=${TMPDIR:-/tmp}/marquee-apt-$(id -u).log
: >"$log"
apt() {  # apt-get as root, non-interactive, a UTF-8 locale for the clusters that postgresql-NN's postinst creates
  as_root env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    apt-get -o DPkg::Lock::Timeout=300 "$@" >>"$log" 2>&1 || {
    echo "packages: apt-get $1 failed; the end of $log:" >&2; tail -n 25 "$log" >&2; exit 1; }
}
start=$SECONDS
echo "packages: apt-get update"
apt update
echo "packages: apt-get install ${missing[*]} (the first time: a few minutes)"
apt install -y "${missing[@]}"
echo "packages: installed in $((SECONDS - start)) s (apt's log: $log)"
