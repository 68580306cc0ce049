"""Click-to-plot latency of the time-series dock, in offscreen real QGIS (run by hand, not a test).

A 200-date 2000 x 2000 float32 timeseries.h5 chunked as MintPy writes it (`chunks=True`) with MintPy's
quality files beside it (read a value each per click), a canvas
in EPSG:3857, the dock and its map tool; 300 clicks at random pixels, each timed from the mouse
event to the graph rendered (`FigureCanvasQTAgg.draw()`, the real render). Compared in the same run
with the naive way: open the file and read per click, and rebuild the axes per click.
"""

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np
from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
)
from qgis.gui import QgsMapCanvas, QgsMapMouseEvent
from qgis.PyQt.QtCore import QEvent, QPoint, Qt

from sbas_plugin.core.reports.plot import draw_series, relative_displacement, style_time_axes
from sbas_plugin.gui.timeseries_dock import TimeseriesDock

N_DATES, SIZE, CLICKS, X0, Y0, PIXEL = 200, 2000, 300, 399_920.0, 3_900_080.0, 80.0


def write_stack(path: Path) -> None:
    rng = np.random.default_rng(0)
    rate = rng.normal(0, 0.01, (SIZE, SIZE)).astype(np.float32)  # m/yr
    with h5py.File(path, "w") as f:
        dataset = f.create_dataset("timeseries", (N_DATES, SIZE, SIZE), "f4", chunks=True)  # as MintPy
        for d in range(N_DATES):
            dataset[d] = rate * (d * 12 / 365.25)
        days = np.datetime64("2020-01-03") + np.arange(N_DATES) * 12
        f.create_dataset("date", data=np.array([str(d).replace("-", "") for d in days], dtype=np.bytes_))
        f.attrs.update(
            X_FIRST=str(X0), Y_FIRST=str(Y0), X_STEP=str(PIXEL), Y_STEP=str(-PIXEL), WIDTH=str(SIZE),
            LENGTH=str(SIZE), EPSG="32654", REF_DATE="20200103",
        )  # fmt: skip
        print(f"stack: {N_DATES}x{SIZE}x{SIZE} float32, chunks {dataset.chunks}, {path.stat().st_size / 1e9:.1f} GB")
    quality = {
        "temporalCoherence.h5": {"temporalCoherence": rng.uniform(0.5, 1, (SIZE, SIZE))},
        "velocity.h5": {"velocity": rate, "velocityStd": np.abs(rate) / 10},
        "avgSpatialCoh.h5": {"coherence": rng.uniform(0.3, 0.9, (SIZE, SIZE))},
        "numInvIfgram.h5": {"mask": np.full((SIZE, SIZE), 2 * N_DATES)},
    }
    for name, datasets in quality.items():
        with h5py.File(path.with_name(name), "w") as f:
            for dataset_name, data in datasets.items():
                f.create_dataset(dataset_name, data=data.astype(np.float32))


class Iface:
    """What the dock asks of QGIS's interface, for a bare canvas."""

    def __init__(self, canvas):
        self.canvas = canvas

    def mapCanvas(self):  # noqa: N802
        return self.canvas

    def activeLayer(self):  # noqa: N802
        return None


def percentile(values, q):
    return float(np.percentile(values, q))


def main():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QgsApplication([], True)
    app.initQgis()

    work = Path(tempfile.mkdtemp(prefix="sbas-click-"))
    (work / "mintpy").mkdir()
    h5 = work / "mintpy" / "timeseries.h5"
    write_stack(h5)

    canvas = QgsMapCanvas()
    canvas.resize(1000, 800)
    canvas.show()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    to_canvas = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:32654"), QgsCoordinateReferenceSystem("EPSG:3857"), QgsProject.instance()
    )
    app.processEvents()
    canvas.setExtent(to_canvas.transformBoundingBox(QgsRectangle(X0, Y0 - SIZE * PIXEL, X0 + SIZE * PIXEL, Y0)))
    dock = TimeseriesDock(Iface(canvas))
    dock.resize(460, 760)  # an ordinary dock width
    dock.show()
    assert dock.open_folder(str(work))
    dock.plot.figure_canvas.draw()
    app.processEvents()
    print(f"graph {dock.plot.figure_canvas.width()}x{dock.plot.figure_canvas.height()} px")

    rng = np.random.default_rng(1)
    to_device = canvas.getCoordinateTransform()
    events = []
    for _ in range(CLICKS):
        x, y = X0 + rng.uniform(0, SIZE * PIXEL), Y0 - rng.uniform(0, SIZE * PIXEL)
        device = to_device.transform(to_canvas.transform(QgsPointXY(x, y)))
        where = QPoint(round(device.x()), round(device.y()))
        events.append(where)

    ours = []
    for where in events:
        start = time.perf_counter()
        event = QgsMapMouseEvent(
            canvas, QEvent.Type.MouseButtonRelease, where, Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton
        )
        dock.tool.canvasReleaseEvent(event)
        dock.plot.figure_canvas.draw()
        ours.append((time.perf_counter() - start) * 1000)
        assert len(dock.shown) == 1 and np.isfinite(dock.plot.lines[0].get_ydata()).all()

    # Reading alone: the kept handle against opening the file per click.
    pixels = [(p.y() * 7 % SIZE, p.x() * 13 % SIZE) for p in events]
    start = time.perf_counter()
    for row, col in pixels:
        dock.stack.pixel(row, col)
    read_ours = (time.perf_counter() - start) * 1000 / len(pixels)
    start = time.perf_counter()
    for row, col in pixels:
        with h5py.File(h5, "r") as f:
            f["timeseries"][:, row, col]
    read_naive = (time.perf_counter() - start) * 1000 / len(pixels)

    # The naive click: open and read, then a fresh frame and line on the same figure.
    dates = dock.dates
    dock.clear()  # the naive clicks below rebuild the dock's axes: nothing of the dock's may stay on them
    naive = []
    for row, col in pixels[:100]:
        start = time.perf_counter()
        with h5py.File(h5, "r") as f:
            values = f["timeseries"][:, row, col].astype(np.float64)
        dock.plot.ax.clear()
        style_time_axes(dock.plot.ax, dates, 0, "mm")
        draw_series(dock.plot.ax, dates, relative_displacement(values - values[0], 0), label="P1")
        dock.plot.ax.legend()
        dock.plot.figure_canvas.draw()
        naive.append((time.perf_counter() - start) * 1000)

    dock.unload()
    shutil.rmtree(work)  # 3 GB
    print(f"read one pixel: kept handle {read_ours:.2f} ms, open per click {read_naive:.2f} ms")
    print(f"naive click (open+read, rebuild axes, draw) median {statistics.median(naive):.1f} ms")
    print(f"cold first click {ours[0]:.1f} ms; p90 {percentile(ours, 90):.1f} ms over {CLICKS} clicks")
    print(f"click-to-plot median {statistics.median(ours):.1f} ms")


if __name__ == "__main__":
    main()
