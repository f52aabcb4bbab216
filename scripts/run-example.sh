#!/usr/bin/env bash
# Set up (once) and run the main job on the bundled example scenario, offline:
#   ./scripts/run-example.sh [extra `twin run` options]
# Outputs: out/example/results.nc, summary.json, report.html
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
exec .venv/bin/twin run scenarios/manufacturing_suzhou.yaml -o out/example "$@"
