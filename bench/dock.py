"""The time-series dock stays responsive: a drawn area's statistics off the GUI thread, against the dock's
old synchronous path, and a click's time, in offscreen real QGIS (run by hand, not a test).

    .venv/bin/python bench/dock.py                  # a whole Sentinel-1 frame: 61 dates, 2300 x 3000 px
    .venv/bin/python bench/dock.py 61 600 800       # dates, rows, cols (smaller, quicker)
    .venv/bin/python bench/dock.py --folder WORK    # a work folder of your own (its whole grid is the area)

Input, made in a temporary folder: a MintPy-format timeseries.h5 (float32 metres, `chunks=True` as
MintPy's writefile creates it, no compression) with MintPy's quality files beside it (temporal and
average spatial coherence, velocity and its std, interferograms used); 1 % of the pixels have temporal
coherence 0 (no solution, left out of areas). The area: a quadrilateral with corners a few pixels in
from the grid's, so nearly every pixel of the frame (the largest area users draw).

Each path runs in a fresh child process (so its peak RSS is its own), with the file in the page cache
(read once before), and a 10 ms QTimer ticking on the GUI thread; measured:
- old: the dock's code before this change, on the GUI thread: pixel_centres_in_polygons over the grid,
  the area's bounding box read at once for every date (the stack's kept handle, coherence-0 pixels
  masked), the statistics of all its pixels in one go;
- ours: the polygon handed to the dock as the area tool hands it (add_area); an AreaTask reads windows
  of at most BLOCK_BYTES in the background; timed until the result is on the graph.
For both: the GUI thread's longest gap between ticks, the time to the result and the peak RSS above the
RSS just before (ru_maxrss - VmRSS). The two results are compared (they must agree).
Clicks: 50 clicks at random pixels through the dock's pick tool, each timed from the mouse event to
the graph rendered (FigureCanvasQTAgg.draw()), with nothing else running and while a whole-frame area
is being measured in the background (h5py's lock is shared: a click may wait for one window's read).
Reading alone: one pixel of every date and its quality values (the dock's kept handles) at 50 random
pixels of the grid; and at 20 with the MintPy files evicted from the page cache before each read
(posix_fadvise DONTNEED on those files only), as at the first clicks on a frame.
The last line is the headline.
"""

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

X0, Y0, PIXEL = 399_920.0, 3_900_080.0, 80.0
CLICKS = 50


def write_work_folder(work: Path, n_dates: int, height: int, width: int) -> None:
    """mintpy/timeseries.h5 as MintPy writes it, with its quality files."""
    (work / "mintpy").mkdir(parents=True)
    rng = np.random.default_rng(0)
    rate = rng.normal(0, 0.01, (height, width)).astype(np.float32)  # m/yr
    noise = rng.normal(0, 0.003, (height, width)).astype(np.float32)
    days = np.datetime64("2020-01-03") + np.arange(n_dates) * 12
    first = str(days[0]).replace("-", "")
    with h5py.File(work / "mintpy" / "timeseries.h5", "w") as f:
        dataset = f.create_dataset("timeseries", (n_dates, height, width), "f4", chunks=True)  # as MintPy
        for d in range(n_dates):
            dataset[d] = rate * (d * 12 / 365.25) + (np.roll(noise, d * 7, axis=1) if d else 0)
        f.create_dataset("date", data=np.array([str(day).replace("-", "") for day in days], dtype=np.bytes_))
        f.attrs.update(
            FILE_TYPE="timeseries", UNIT="m", X_FIRST=str(X0), Y_FIRST=str(Y0), X_STEP=str(PIXEL),
            Y_STEP=str(-PIXEL), WIDTH=str(width), LENGTH=str(height), EPSG="32654", REF_DATE=first,
        )  # fmt: skip
        chunks = dataset.chunks
    coherence = rng.uniform(0.4, 1, (height, width)).astype(np.float32)
    coherence[rng.random((height, width)) < 0.01] = 0
    quality = {
        "temporalCoherence.h5": {"temporalCoherence": coherence},
        "velocity.h5": {"velocity": rate, "velocityStd": np.abs(rate) / 10},
        "avgSpatialCoh.h5": {"coherence": rng.uniform(0.3, 0.9, (height, width)).astype(np.float32)},
        "numInvIfgram.h5": {"mask": np.full((height, width), 2 * n_dates, dtype=np.float32)},
    }
    for name, datasets in quality.items():
        with h5py.File(work / "mintpy" / name, "w") as f:
            for dataset_name, data in datasets.items():
                f.create_dataset(dataset_name, data=data, chunks=True)
    size = (work / "mintpy" / "timeseries.h5").stat().st_size
    print(f"stack: {n_dates}x{height}x{width} float32, chunks {chunks}, {size / 1e9:.2f} GB")


def evict(path: Path) -> None:
    """The file's pages out of the page cache (this file only: other processes are not touched)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(descriptor)


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode: str, folder: str) -> None:
    """One path in this process; prints a JSON line."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication, QgsCoordinateReferenceSystem, QgsGeometry, QgsPointXY, QgsRectangle
    from qgis.gui import QgsMapCanvas, QgsMapMouseEvent
    from qgis.PyQt.QtCore import QEvent, QEventLoop, QPoint, Qt, QTimer

    app = QgsApplication([], True)
    app.initQgis()
    from click_latency import Iface

    from sbas_plugin.core.results.pixel_series import AreaSeries
    from sbas_plugin.core.results.points import pixel_centres_in_polygons
    from sbas_plugin.gui.timeseries_dock import Shown, TimeseriesDock, polygon_rings

    canvas = QgsMapCanvas()
    canvas.resize(1000, 800)
    canvas.show()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:32654"))
    app.processEvents()
    dock = TimeseriesDock(Iface(canvas))
    dock.resize(460, 760)
    dock.show()
    assert dock.open_folder(folder)
    grid = dock.stack.grid
    x0, y0, x1, y1 = grid.bounds
    canvas.setExtent(QgsRectangle(x0, y0, x1, y1))
    dock.plot.figure_canvas.draw()
    app.processEvents()
    # Corners a few pixels in from the grid's: nearly the whole frame.
    corners = [(3.3, 2.6), (grid.width - 4.2, 5.1), (grid.width - 2.7, grid.height - 3.4), (6.2, grid.height - 2.5)]
    polygon = QgsGeometry.fromPolygonXY(
        [[QgsPointXY(grid.x0 + c * grid.dx, grid.y0 + r * grid.dy) for c, r in corners]]
    )
    h5 = dock.stack.source
    for path in h5.parent.glob("*.h5"):  # the files in the page cache, as for every path
        with open(path, "rb") as f:
            while f.read(2**24):
                pass

    def old_area(reference: int = 0) -> AreaSeries:
        """The dock before this change (PixelSeries.area then): the pixels inside, their box at once."""
        inside = pixel_centres_in_polygons(grid, polygon_rings(polygon))
        rows, cols = inside.rows, inside.cols
        row0, col0 = int(rows.min()), int(cols.min())
        window = dock.stack._window(row0, int(rows.max()) + 1, col0, int(cols.max()) + 1)
        values = window[:, rows - row0, cols - col0].astype(np.float64)
        values -= values[reference]
        count = np.isfinite(values).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nansum(values, axis=1) / count
            std = np.sqrt(np.nansum((values - mean[:, None]) ** 2, axis=1) / count)
        return AreaSeries(mean, std, count, len(rows))

    def run_loop(start, done) -> list:
        ticks, loop = [], QEventLoop()

        def tick():
            ticks.append(time.perf_counter())
            if len(ticks) > 5 and done():
                loop.quit()

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(tick)
        QTimer.singleShot(30, start)
        timer.start()
        loop.exec()
        timer.stop()
        return ticks

    result, began = {}, []
    rss_before = rss_mb()
    if mode == "old":

        def start():
            began.append(time.perf_counter())
            area = old_area()
            dock._show(Shown("area", area.mean, area=area, polygon=polygon, reference=0), add=True)  # drawn, as ours
            result["area"] = area
            result["end"] = time.perf_counter()

        ticks = run_loop(start, lambda: "area" in result)
    else:

        def start():
            began.append(time.perf_counter())
            dock.add_area(QgsGeometry(polygon))

        def done():
            if not dock.measuring() and dock.shown and "end" not in result:
                result["end"] = time.perf_counter()
                result["area"] = dock.shown[-1].area
            return "end" in result

        ticks = run_loop(start, done)
    peak = peak_rss_mb()
    gaps = np.diff(ticks) * 1000
    area = result["area"]
    out = {
        "mode": mode,
        "seconds": result["end"] - began[0],
        "largest_gap_ms": float(gaps.max()),
        # ours: the last gap holds the result's drawing on the graph (as a click's); the others the computing
        "computing_gap_ms": float(gaps[:-1].max()) if mode == "ours" else float(gaps.max()),
        "result_gap_ms": float(gaps[-1]),
        "p99_gap_ms": float(np.percentile(gaps, 99)),
        "ticks": len(ticks),
        "rss_before_mb": rss_before,
        "peak_above_mb": peak - rss_before,
        "pixels": area.pixels,
        "mean": area.mean.tolist(),
        "std": area.std.tolist(),
    }

    if mode == "ours":  # clicks: idle, then while a whole-frame area is measured
        rng = np.random.default_rng(1)
        to_device = canvas.getCoordinateTransform()
        places = []
        for _ in range(2 * CLICKS):
            at = to_device.transform(
                QgsPointXY(
                    grid.x0 + rng.uniform(0, grid.width) * grid.dx, grid.y0 + rng.uniform(0, grid.height) * grid.dy
                )
            )
            places.append(QPoint(round(at.x()), round(at.y())))

        def click(where, modifiers=Qt.KeyboardModifier.NoModifier) -> float:
            start = time.perf_counter()
            event = QgsMapMouseEvent(
                canvas,
                QEvent.Type.MouseButtonRelease,
                where,
                Qt.MouseButton.LeftButton,
                Qt.MouseButton.LeftButton,
                modifiers,
            )
            dock.tool.canvasReleaseEvent(event)
            dock.plot.figure_canvas.draw()
            return (time.perf_counter() - start) * 1000

        idle = [click(where) for where in places[:CLICKS]]
        # Reading alone (a pixel's dates and quality values, the dock's kept handles), at random pixels.
        pixels = list(zip(rng.integers(0, grid.height, 2 * CLICKS), rng.integers(0, grid.width, 2 * CLICKS)))
        reads = []
        for row, col in pixels[CLICKS:]:
            start = time.perf_counter()
            dock.stack.pixel(row, col)
            reads.append((time.perf_counter() - start) * 1000)
        # Ctrl+clicks (a plain click would cancel the area), each pixel taken off again untimed: one
        # pixel on the graph at each click, as above.
        busy, busy_reads = [], []
        for i, where in enumerate(places[CLICKS:]):
            if not dock.measuring():
                dock.add_area(QgsGeometry(polygon))  # (again when the last one ended)
                time.sleep(0.05)  # the task into its windows
            busy.append(click(where, Qt.KeyboardModifier.ControlModifier))
            dock.shown = dock.shown[:1]
            dock.plot.keep(1)
            start = time.perf_counter()
            dock.stack.pixel(*pixels[i])
            busy_reads.append((time.perf_counter() - start) * 1000)
            app.processEvents()
        dock.clear()  # the area task canceled
        while dock.tasks:
            app.processEvents()
        # The files not in the page cache (as at the first clicks on a frame): evicted before each read.
        cold = []
        for row, col in pixels[:20]:
            for path in h5.parent.glob("*.h5"):
                evict(path)
            start = time.perf_counter()
            dock.stack.pixel(row, col)
            cold.append((time.perf_counter() - start) * 1000)
        out.update(
            click_idle_median_ms=float(np.median(idle)),
            click_idle_max_ms=float(np.max(idle)),
            click_idle_p90_ms=float(np.percentile(idle, 90)),
            read_idle_median_ms=float(np.median(reads)),
            read_cold_median_ms=float(np.median(cold)),
            read_cold_max_ms=float(np.max(cold)),
            click_busy_median_ms=float(np.median(busy)),
            click_busy_max_ms=float(np.max(busy)),
            click_busy_p90_ms=float(np.percentile(busy, 90)),
            read_busy_median_ms=float(np.median(busy_reads)),
            read_busy_max_ms=float(np.max(busy_reads)),
        )
    dock.unload()
    print(json.dumps(out))


def run_child(mode: str, folder: Path) -> dict:
    ran = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(folder)],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )
    lines = [line for line in ran.stdout.splitlines() if line.startswith("{")]
    if ran.returncode or not lines:
        sys.exit(f"{mode} failed:\n{ran.stdout}\n{ran.stderr}")
    return json.loads(lines[-1])


def main(argv) -> None:
    if argv[:1] == ["--child"]:
        child(argv[1], argv[2])
        return
    print(f"load {os.getloadavg()[0]:.2f} at start")
    temporary = None
    if argv[:1] == ["--folder"]:
        work = Path(argv[1])
    else:
        n_dates, height, width = (int(a) for a in argv[:3]) if argv else (61, 2300, 3000)
        temporary = Path(tempfile.mkdtemp(prefix="sbas-dock-"))
        work = temporary / "work"
        write_work_folder(work, n_dates, height, width)
    try:
        ours = run_child("ours", work)
        old = run_child("old", work)
    finally:
        if temporary is not None:
            shutil.rmtree(temporary)
    assert ours["pixels"] == old["pixels"]
    np.testing.assert_allclose(ours["mean"], old["mean"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours["std"], old["std"], rtol=1e-9, atol=1e-12)
    for run in (old, ours):
        print(
            f"{run['mode']}: area of {run['pixels']} px: result in {run['seconds']:.2f} s, GUI thread's largest gap "
            f"{run['largest_gap_ms']:.0f} ms (while computing {run['computing_gap_ms']:.0f} ms, the last gap "
            f"{run['result_gap_ms']:.0f} ms; p99 {run['p99_gap_ms']:.0f} ms, {run['ticks']} ticks), peak RSS "
            f"{run['peak_above_mb']:.0f} MB above the {run['rss_before_mb']:.0f} MB before"
        )
    print(
        f"click (event to graph drawn) median {ours['click_idle_median_ms']:.1f} ms "
        f"(p90 {ours['click_idle_p90_ms']:.1f}, max {ours['click_idle_max_ms']:.1f}), "
        f"one pixel read {ours['read_idle_median_ms']:.2f} ms (files not in the page cache: median "
        f"{ours['read_cold_median_ms']:.1f} ms, max {ours['read_cold_max_ms']:.1f}); "
        "while an area is measured: click median "
        f"{ours['click_busy_median_ms']:.1f} ms (p90 {ours['click_busy_p90_ms']:.1f}, "
        f"max {ours['click_busy_max_ms']:.1f}), read median "
        f"{ours['read_busy_median_ms']:.2f} ms (max {ours['read_busy_max_ms']:.1f})"
    )
    print(f"load {os.getloadavg()[0]:.2f} at end")
    print(
        f"dock area statistics: GUI thread's longest block {ours['largest_gap_ms']:.0f} ms (computing "
        f"{ours['computing_gap_ms']:.0f} ms; old "
        f"{old['largest_gap_ms']:.0f} ms), result in {ours['seconds']:.2f} s (old {old['seconds']:.2f} s), peak RSS "
        f"+{ours['peak_above_mb']:.0f} MB (old +{old['peak_above_mb']:.0f} MB); click median "
        f"{ours['click_idle_median_ms']:.1f} ms, {ours['click_busy_median_ms']:.1f} ms while measuring"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # click_latency's Iface
    main(sys.argv[1:])
