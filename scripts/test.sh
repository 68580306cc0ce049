#!/usr/bin/env bash
# The three test tiers: unit (pure core, QGIS never imported), qgis (real QGIS, offscreen), lint (ruff and the
# import contracts).
# Every tier runs; the exit status is non-zero when any failed (pytest's 5, "no tests", included).
set -uo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen  # pytest-qgis aborts without a display otherwise
py=.venv/bin/python
failed=()

echo "== unit"
"$py" -m pytest -p no:pytest_qgis -p no:pytest-qt -W ignore::pytest.PytestConfigWarning tests/unit "$@" || failed+=(unit)
echo "== qgis"
"$py" -m pytest tests/qgis "$@" || failed+=(qgis)
echo "== lint"
.venv/bin/ruff check . && echo "ruff: clean" || failed+=(lint)
# The import contracts of pyproject.toml ([tool.importlinter]): core pure, docks and Processing apart, no cycles.
.venv/bin/lint-imports --no-cache || failed+=(imports)

if ((${#failed[@]})); then
  echo "FAILED tiers: ${failed[*]}"
  exit 1
fi
echo "all tiers passed"
