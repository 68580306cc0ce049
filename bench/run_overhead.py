"""Overhead of `sbas run` over MintPy's smallbaselineApp alone, on the demo stack.

Both run as whole processes in this one run: `sbas run` (ingest with CRC checks, clip, MintPy, export,
points, extraction) on fresh work folders, then smallbaselineApp alone with the same template on the
same clipped input. MintPy 1.6.4 alone stops in quick_overview on a stack without unwrapping errors,
so "alone" is timed as a user would have to run it: that run, then a second from correct_unwrap_error.

Usage: .venv/bin/python bench/run_overhead.py   (prints its figure as the last line)
"""

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sbas_plugin.core.demo import _aoi_in_web_mercator, _truth

BIN = Path(sys.executable).parent
REPEATS = 3


def timed(command) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=False, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="sbas-bench-run-"))
    truth = _truth(root)
    aoi = _aoi_in_web_mercator(root / "aoi.geojson", truth["transform"], int(truth["epsg"]), (8.3, 78.6), (6.2, 44.7))
    ours, alone = [], []
    for i in range(REPEATS):
        work = root / f"work{i}"
        command = [
            str(BIN / "sbas"),
            "run",
            "--products",
            str(root / "products"),
            "--aoi",
            str(aoi),
            "--work",
            str(work),
        ]
        ours.append(timed(command))
        template = work / "mintpy" / "sbas_mintpy.txt"
        mintpy_work = root / f"alone{i}"
        app = [sys.executable, "-m", "mintpy.cli.smallbaselineApp", str(template), "--work-dir", str(mintpy_work)]
        alone.append(timed(app) + timed([*app, "--start", "correct_unwrap_error"]))
    ours_s, alone_s = statistics.median(ours), statistics.median(alone)
    print(f"sbas run runs (s): {', '.join(f'{t:.1f}' for t in ours)}")
    print(f"smallbaselineApp alone runs (s): {', '.join(f'{t:.1f}' for t in alone)}")
    overhead = 100 * (ours_s - alone_s) / alone_s
    print(
        f"sbas run on the demo stack: {ours_s:.1f} s; smallbaselineApp alone {alone_s:.1f} s; "
        f"overhead {overhead:.0f} %"
    )


if __name__ == "__main__":
    main()
