#!/usr/bin/env bash
# Screenshots of real QGIS with the plugin's docks open on sample data: the first picture into the path
# given (default docs/dock.png), timeseries.png and workflow.png beside it (these two need the demo
# folder: sbas demo /tmp/sbas-demo). With a language as second argument (e.g. ja), QGIS runs in that
# language and the pictures are named dock_ja.png, timeseries_ja.png, workflow_ja.png.
set -euo pipefail
cd "$(dirname "$0")/.."
target=$(realpath -m "${1:-docs/dock.png}")
lang=${2:-}
if [ -z "$lang" ]; then
  export SBAS_SCREENSHOT=$target
  timeout 180 bash scripts/run_qgis.sh --code scripts/qgis_screenshot.py
  test -s "$SBAS_SCREENSHOT"
  test -s "$(dirname "$SBAS_SCREENSHOT")/timeseries.png"
  exit 0
fi
shots=$(mktemp -d)
export SBAS_SCREENSHOT=$shots/dock.png
timeout 180 bash scripts/run_qgis.sh --lang "$lang" --code scripts/qgis_screenshot.py
for name in dock timeseries workflow; do
  if [ -s "$shots/$name.png" ]; then cp "$shots/$name.png" "$(dirname "$target")/${name}_$lang.png"; fi
done
test -s "$(dirname "$target")/dock_$lang.png"
