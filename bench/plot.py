"""500 displacement graphs (PNG, zipped): `sbas plot` against the notebook's pyplot loop and a floor,
in one run. By hand: .venv/bin/python bench/plot.py

Input: a wide Geotiff_value.csv of 500 points x 60 dates (12-day revisit, ~2 years, 1% missing
values), columns.csv listing all 500 and a points.csv. Measured:
- ours: `sbas plot` as a subprocess (the whole process: start-up, reading, 500 graphs over all
  cores, the overview and the zip); and in this process, write_plot_zip alone;
- pyplot loop: what 2_グラフ作成 does, plt.figure per point, plot, savefig to Plot/<id>.png, close,
  then the folder zipped; timed on NAIVE_GRAPHS graphs and extrapolated to 500 (it is linear);
- floor: only encoding 500 PNGs of a pre-rendered graph of the same size, with our encoder
  settings, over the same processes.
Each figure is the best of REPEATS runs. The last line is the headline.
"""

import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

from sbas_plugin.core.reports.plot import (
    PngRenderer,
    png_bytes,
    read_displacements_csv,
    relative_displacement,
    write_plot_zip,
)
from sbas_plugin.core.results.points import read_points_csv

SBAS = Path(sys.executable).parent / "sbas"
POINTS, DATES, GRAPHS = 500, 60, 500
NAIVE_GRAPHS = 100
REPEATS = 3
PROCESSES = os.cpu_count() or 1


def report(line: str) -> None:
    print(line, flush=True)


def make_inputs(folder: Path):
    rng = np.random.default_rng(0)
    dates = np.arange(np.datetime64("2021-01-05"), np.datetime64("2021-01-05") + 12 * DATES, 12)
    years = (dates - dates[0]).astype(float) / 365.25
    metres = years[:, None] * rng.normal(-0.01, 0.01, POINTS) + rng.normal(0, 0.002, (DATES, POINTS))
    metres -= metres[0]
    metres[rng.random(metres.shape) < 0.01] = np.nan
    first = str(dates[0]).replace("-", "")
    lines = ["Date," + ",".join(f"{fid}_value" for fid in range(1, POINTS + 1))]
    for date, row in zip(dates, metres):
        cells = ["" if np.isnan(v) else f"{v:.6f}" for v in row]
        lines.append(f"{first}_{str(date).replace('-', '')}," + ",".join(cells))
    (folder / "Geotiff_value.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "columns.csv").write_text("Column\n" + "".join(f"{i}\n" for i in range(1, GRAPHS + 1)))
    rows = [f"{fid},{400000 + 80 * (fid % 25)}.0,{3900000 - 80 * (fid // 25)}.0" for fid in range(1, POINTS + 1)]
    (folder / "points.csv").write_text("fid,x,y\n" + "\n".join(rows) + "\n")


def best(run, repeats=REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def ours_subprocess(folder: Path) -> float:
    command = [str(SBAS), "plot", "--values", str(folder / "Geotiff_value.csv"), "--columns"]
    command += [str(folder / "columns.csv"), "--points", str(folder / "points.csv"), "--out", str(folder / "Plot.zip")]
    return best(lambda: subprocess.run(command, check=True, capture_output=True))


def ours_in_process(folder: Path) -> float:
    table = read_displacements_csv(folder / "Geotiff_value.csv")
    points = read_points_csv(folder / "points.csv")
    out = folder / "InProcess.zip"
    return best(lambda: write_plot_zip(out, table, 0, "mm", points, processes=PROCESSES))


def naive_loop(folder: Path, graphs: int) -> float:
    """The notebook's way: pandas, then a pyplot figure per point."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    def run():
        table = pd.read_csv(folder / "Geotiff_value.csv")
        dates = pd.to_datetime(table["Date"].str.split("_").str[-1], format="%Y%m%d")
        ids = pd.read_csv(folder / "columns.csv")["Column"].tolist()[:graphs]
        out = folder / "Plot"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        for fid in ids:
            values = (table[f"{fid}_value"] - table[f"{fid}_value"].iloc[0]) * 1000
            plt.figure(figsize=(9, 5))
            plt.plot(dates, values, marker="o", markersize=3.5)
            plt.axhline(0, color="k", linewidth=0.9)
            plt.title(f"Point {fid}")
            plt.ylabel("LOS displacement (mm)")
            plt.grid(True)
            plt.savefig(out / f"{fid}.png")
            plt.close()
        shutil.make_archive(str(folder / "Plot"), "zip", folder, "Plot")

    return best(run, repeats=2)


_canvas_png = None


def _encode_one(_):
    return len(png_bytes(_canvas_png.canvas))


def floor(folder: Path) -> float:
    global _canvas_png
    table = read_displacements_csv(folder / "Geotiff_value.csv")
    _canvas_png = PngRenderer(table.dates, 0, "mm")
    _canvas_png.png(relative_displacement(table.metres, 0)[:, 0], "Point 1")
    with multiprocessing.Pool(PROCESSES) as pool:
        return best(lambda: pool.map(_encode_one, range(GRAPHS), chunksize=16))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_inputs(folder)
        report(f"input: {POINTS} points x {DATES} dates; {GRAPHS} graphs; {PROCESSES} processes; best of {REPEATS}")
        # Other work on the machine slows the parallel run more than the one-core loop: say how busy it was.
        report("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        whole = ours_subprocess(folder)
        with zipfile.ZipFile(folder / "Plot.zip") as archive:
            assert len(archive.namelist()) == GRAPHS + 1
            size = sum(i.file_size for i in archive.infolist()) / (GRAPHS + 1)
        per_graph = f"{whole / GRAPHS * 1000:.1f} ms/graph, {size / 1e3:.0f} kB"
        report(f"ours, sbas plot (whole process): {whole:.2f} s ({per_graph})")
        inner = ours_in_process(folder)
        report(f"ours, write_plot_zip in process: {inner:.2f} s ({inner / GRAPHS * 1000:.1f} ms/graph)")
        naive = naive_loop(folder, NAIVE_GRAPHS) * GRAPHS / NAIVE_GRAPHS
        naive_size = np.mean([p.stat().st_size for p in (folder / "Plot").iterdir()])
        report(
            f"pyplot loop: {naive:.2f} s for {GRAPHS} ({naive / GRAPHS * 1000:.1f} ms/graph, {naive_size / 1e3:.0f} kB;"
            f" {NAIVE_GRAPHS} timed, x{GRAPHS // NAIVE_GRAPHS})"
        )
        encode = floor(folder)
        report(f"floor, PNG encoding only: {encode:.2f} s ({encode / GRAPHS * 1000:.1f} ms/graph)")
        report("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        report(
            f"plot {GRAPHS} graphs: {whole:.2f} s ({whole / GRAPHS * 1000:.1f} ms/graph); pyplot loop {naive:.1f} s "
            f"({naive / GRAPHS * 1000:.1f} ms/graph); {naive / whole:.1f}x faster"
        )


if __name__ == "__main__":
    main()
