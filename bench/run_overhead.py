"""Overhead of `sbas run` over MintPy's smallbaselineApp alone, on the demo stack, and what a rerun
with every step done still costs.

Both run as whole processes in this one run: `sbas run` (ingest with CRC checks, clip, MintPy, export,
points, extraction) on fresh work folders, then smallbaselineApp alone with the same template on the
same clipped input. MintPy 1.6.4 alone stops in quick_overview on a stack without unwrapping errors,
so "alone" is timed as a user would have to run it: that run, then a second from correct_unwrap_error.
The done rerun is `sbas run` again on the first work folder, as a whole process and as run_pipeline
in this process (without the start-up, which would hide what the pipeline itself does).

Usage: .venv/bin/python bench/run_overhead.py   (prints its figure as the last line)
"""

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sbas_plugin.core.pipeline import run_pipeline
from sbas_plugin.core.simulate.demo import aoi_in_web_mercator, easy_demo_truth

BIN = Path(sys.executable).parent
REPEATS = 3
ALL_SKIPPED = ["clip", "export", "points", "extract"]


def timed(command) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=False, capture_output=True)
    return time.perf_counter() - started


def rerun_in_process(products: Path, aoi: Path, work: Path) -> float:
    started = time.perf_counter()
    result = run_pipeline(products, str(aoi), work)
    elapsed = time.perf_counter() - started
    assert result.skipped == ALL_SKIPPED, result.skipped  # a done rerun, or the figure means nothing
    return elapsed


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="sbas-bench-run-"))
    truth = easy_demo_truth(root)
    aoi = aoi_in_web_mercator(root / "aoi.geojson", truth["transform"], int(truth["epsg"]), (8.3, 78.6), (6.2, 44.7))
    products = root / "products"

    def sbas_run(work: Path) -> list:
        return [str(BIN / "sbas"), "run", "--products", str(products), "--aoi", str(aoi), "--work", str(work)]

    ours, alone = [], []
    for i in range(REPEATS):
        work = root / f"work{i}"
        ours.append(timed(sbas_run(work)))
        template = work / "mintpy" / "sbas_mintpy.txt"
        mintpy_work = root / f"alone{i}"
        app = [sys.executable, "-m", "mintpy.cli.smallbaselineApp", str(template), "--work-dir", str(mintpy_work)]
        alone.append(timed(app) + timed([*app, "--start", "correct_unwrap_error"]))
    reruns = [timed(sbas_run(root / "work0")) for _ in range(REPEATS)]
    rerun_in_process(products, aoi, root / "work0")  # imports, first file opens: not part of a rerun's cost
    in_process = [rerun_in_process(products, aoi, root / "work0") for _ in range(REPEATS)]
    ours_s, alone_s = statistics.median(ours), statistics.median(alone)
    print(f"sbas run runs (s): {', '.join(f'{t:.1f}' for t in ours)}")
    print(f"smallbaselineApp alone runs (s): {', '.join(f'{t:.1f}' for t in alone)}")
    print(f"done reruns, whole process (s): {', '.join(f'{t:.2f}' for t in reruns)}")
    print(f"done reruns, run_pipeline in process (s): {', '.join(f'{t:.3f}' for t in in_process)}")
    overhead = 100 * (ours_s - alone_s) / alone_s
    print(
        f"sbas run on the demo stack: {ours_s:.1f} s; smallbaselineApp alone {alone_s:.1f} s; "
        f"overhead {overhead:.0f} %; done rerun {statistics.median(reruns):.2f} s "
        f"(run_pipeline {min(in_process) * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    main()
