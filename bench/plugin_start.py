"""How long the plugin adds to QGIS's start: import, classFactory and initGui, as QGIS runs them, in real
QGIS offscreen; then what opening the time-series dock the first time costs. Each run is a fresh
interpreter (a second start in one process would find the modules imported already); Processing is
imported before the clock starts, as QGIS loads it before the plugins.

    .venv/bin/python bench/plugin_start.py [runs]
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 7

ONE_START = r"""
import json, sys, time
from pytest_qgis.mock_qgis_classes import MockMessageBar
from pytest_qgis.qgis_interface import QgisInterface
from qgis.core import QgsApplication
from qgis.gui import QgsMapCanvas
from qgis.PyQt.QtWidgets import QMainWindow
app = QgsApplication([], True)
app.initQgis()
sys.path.append(QgsApplication.pkgDataPath() + "/python/plugins")
from processing.core.Processing import Processing  # QGIS's own plugin, loaded before the others
Processing.initialize()
window = QMainWindow()
iface = QgisInterface(QgsMapCanvas(window), MockMessageBar(), window)
start = time.perf_counter()
import sbas_plugin
plugin = sbas_plugin.classFactory(iface)
plugin.initGui()
started = time.perf_counter()
heavy = sorted(name for name in ("matplotlib", "h5py") if name in sys.modules)
plugin.timeseries_action.setChecked(True)
app.processEvents()
opened = time.perf_counter()
plugin.unload()
print("RESULT " + json.dumps({"start": started - start, "open": opened - started, "heavy": heavy}))
"""


def one_run(home: str) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": home, "XDG_CONFIG_HOME": home}
    env.pop("QGIS_CUSTOM_CONFIG_PATH", None)
    done = subprocess.run(
        [sys.executable, "-c", ONE_START], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=True
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def main() -> None:
    print(f"load {os.getloadavg()[0]:.2f} at start")
    with tempfile.TemporaryDirectory() as home:
        one_run(home)  # warm the page cache: every run after it reads the same files from memory
        runs = [one_run(home) for _ in range(RUNS)]
    start = [run["start"] * 1000 for run in runs]
    opened = [run["open"] * 1000 for run in runs]
    print(f"start: {', '.join(f'{ms:.0f}' for ms in start)} ms")
    heavy = sorted({name for run in runs for name in run["heavy"]})
    print(f"imported at start: {', '.join(heavy) or 'neither matplotlib nor h5py'}")
    print(f"first open of the time-series dock median {statistics.median(opened):.0f} ms")
    print(f"load {os.getloadavg()[0]:.2f} at end")
    print(f"plugin start median {statistics.median(start):.0f} ms")


if __name__ == "__main__":
    main()
