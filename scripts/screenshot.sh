#!/usr/bin/env bash
# Screenshot of real QGIS with the plugin's dock open on sample data, into docs/ (or the path given).
set -euo pipefail
cd "$(dirname "$0")/.."
export SBAS_SCREENSHOT=$(realpath -m "${1:-docs/dock.png}")
timeout 120 bash scripts/run_qgis.sh --code scripts/qgis_screenshot.py
test -s "$SBAS_SCREENSHOT"
