#!/usr/bin/env bash
# What the test suite needs beyond the Python packages: Debian's chromium for the browser tests, pg_autoctl and
# PgBouncer for the failover and PgBouncer tests (tests/reliability/test_failover.py, tests/test_pgbouncer.py), and
# axe-core (the accessibility engine tests/web/test_accessibility.py injects into every page) from npm, at a pinned
# version, into the ignored .data/npm (vendored nowhere). node/npm come from Debian's nodejs and npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/packages.sh test ha

AXE_VERSION=4.10.3   # tests/web/test_accessibility.py reads the same file: keep the pin here only
prefix=.data/npm
installed=$(node -p "require('./$prefix/node_modules/axe-core/package.json').version" 2>/dev/null || true)
if [ "$installed" != "$AXE_VERSION" ]; then
  echo "test-deps: npm install axe-core@$AXE_VERSION into $prefix"
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-audit --no-fund --no-save --no-package-lock --loglevel=error \
    "axe-core@$AXE_VERSION" >/dev/null
  test -s "$prefix/node_modules/axe-core/axe.min.js" || { echo "test-deps: axe-core did not install" >&2; exit 1; }
fi
