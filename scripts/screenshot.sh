#!/usr/bin/env bash
# Screenshots of real QGIS with the plugin's docks open on sample data: the workflow dock into the
# path given (default docs/dock.png) and the time-series dock into timeseries.png beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
export SBAS_SCREENSHOT=$(realpath -m "${1:-docs/dock.png}")
timeout 180 bash scripts/run_qgis.sh --code scripts/qgis_screenshot.py
test -s "$SBAS_SCREENSHOT"
test -s "$(dirname "$SBAS_SCREENSHOT")/timeseries.png"
