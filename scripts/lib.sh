# Shared by scripts/packages.sh and scripts/services.sh (sourced, not run).

# as_root CMD...: run as root: directly when root, else through sudo; a clear message when neither is possible.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "error: '$*' needs root: run this as root, or install sudo (the setup installs Debian packages" \
         "and configures the local PostgreSQL and Redis)" >&2
    return 1
  fi
}

# as_postgres CMD...: run as the postgres OS user (peer authentication on the local socket).
as_postgres() {
  if [ "$(id -un)" = postgres ]; then
    "$@"
  elif [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -u postgres "$@"
  else
    echo "error: '$*' must run as the postgres user: run this as root, or install sudo" >&2
    return 1
  fi
}

# is_local_host HOST: true for this machine (loopback, or a Unix-socket directory / empty host).
is_local_host() {
  case "$1" in
    ""|localhost|127.*|::1|/*) return 0 ;;
    *) return 1 ;;
  esac
}

# port_open HOST PORT: something accepts TCP connections there (bash's /dev/tcp, no client needed).
port_open() {
  case "$1" in /*|"") [ -S "${1:-/var/run/postgresql}/.s.PGSQL.$2" ]; return ;; esac
  timeout 2 bash -c ">/dev/tcp/$1/$2" 2>/dev/null
}

# url_parts URL DEFAULT_PORT: prints shell assignments url_host=... url_port=... url_admin=... (the same URL with
# the maintenance database "postgres" as its path; meaningful for PostgreSQL URLs only).
url_parts() {
  python3 - "$1" "$2" <<'PY'
import shlex, sys
from urllib.parse import urlsplit, urlunsplit, parse_qs
url, default_port = sys.argv[1], sys.argv[2]
u = urlsplit(url)
if "://" not in url:
    sys.exit(f"error: {url!r} is not a URL (postgresql://user@host:port/dbname, redis://host:port/db)")
host = u.hostname or parse_qs(u.query).get("host", [""])[0]
print(f"url_host={shlex.quote(host)} url_port={shlex.quote(str(u.port or default_port))} "
      f"url_admin={shlex.quote(urlunsplit(u._replace(path='/postgres')))}")
PY
}
