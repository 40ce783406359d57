#!/usr/bin/env bash
# What the test suite needs beyond the Python packages: Debian's chromium for the browser tests.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
