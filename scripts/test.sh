#!/usr/bin/env bash
# Set up (once) and run the test suite: ./scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
./scripts/install-browser.sh
exec .venv/bin/python -m pytest -n 2 "$@"
