#!/usr/bin/env bash
# Install Debian's Chromium for the report's browser tests (Playwright drives the system
# executable; no browser is downloaded). Needs root and apt-get; elsewhere it says how and
# the browser tests skip with that reason.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "note: Chromium not found; the report's browser tests will be skipped." >&2
  echo "      On Debian/Ubuntu: sudo apt-get install chromium fonts-noto-cjk" >&2
  exit 0
fi
echo "installing Chromium and CJK fonts from the Debian packages (browser tests) ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
