"""The time-series dock in real QGIS: clicks on the canvas in any CRS plot the right pixel.

Each pixel's displacement encodes its row and column, so a click landing one pixel (or half a pixel)
off plots different numbers."""

import csv

import h5py
import numpy as np
import pytest
from matplotlib.colors import to_hex
from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsPointXY, QgsProject, QgsRectangle
from qgis.gui import QgsMapMouseEvent, QgsMapToolPan, QgsVertexMarker
from qgis.PyQt.QtCore import QCoreApplication, QEvent, QPoint, Qt

import sbas_plugin
from sbas_plugin.gui.timeseries_dock import TimeseriesDock
from sbas_plugin.settings import load_settings, save_settings

X0, Y0, PIXEL, HEIGHT, WIDTH = 399_920.0, 3_900_080.0, 80.0, 30, 40
DATES = ["20200103", "20200115", "20200127", "20200208", "20200220", "20200303"]
REF = 2  # MintPy's REF_DATE in the file


def metres(row, col):
    """Pixel (row, col)'s displacement per date relative to the first date: slope row * 100 + col mm/step."""
    return np.arange(len(DATES)) * (row * 100 + col) * 1e-3


def write_work_folder(work):
    (work / "mintpy").mkdir(parents=True)
    d, r, c = np.mgrid[0 : len(DATES), 0:HEIGHT, 0:WIDTH]
    stack = (d * (r * 100 + c) * 1e-3).astype(np.float32)
    stack -= stack[REF]  # MintPy's file is zero on REF_DATE
    with h5py.File(work / "mintpy" / "timeseries.h5", "w") as f:
        f.create_dataset("timeseries", data=stack, chunks=True)
        f.create_dataset("date", data=np.array(DATES, dtype=np.string_))
        f.attrs.update(
            X_FIRST=str(X0), Y_FIRST=str(Y0), X_STEP=str(PIXEL), Y_STEP=str(-PIXEL), WIDTH=str(WIDTH),
            LENGTH=str(HEIGHT), EPSG="32654", REF_DATE=DATES[REF],
        )  # fmt: skip
    coherence = np.full((HEIGHT, WIDTH), 0.95, dtype=np.float32)
    coherence[5, 6] = 0.4
    with h5py.File(work / "mintpy" / "temporalCoherence.h5", "w") as f:
        f.create_dataset("temporalCoherence", data=coherence)
    return work


@pytest.fixture
def saved_settings(qgis_app):
    saved = load_settings()
    yield
    save_settings(saved)


@pytest.fixture
def dock(qgis_iface, qgis_canvas, tmp_path, saved_settings):
    dock = TimeseriesDock(qgis_iface)
    assert dock.open_folder(str(write_work_folder(tmp_path / "work")))
    yield dock
    dock.unload()


def show_stack(canvas, crs: str):
    """The canvas in `crs`, zoomed so one stack pixel is many screen pixels."""
    canvas.resize(800, 600)
    canvas.window().show()  # an unshown canvas keeps its default map size whatever the widget's
    QCoreApplication.processEvents()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem(crs))
    to_canvas = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:32654"), canvas.mapSettings().destinationCrs(), QgsProject.instance()
    )
    canvas.setExtent(to_canvas.transformBoundingBox(QgsRectangle(X0, Y0 - HEIGHT * PIXEL, X0 + WIDTH * PIXEL, Y0)))
    assert canvas.mapUnitsPerPixel() < PIXEL / 10
    return to_canvas


def click(dock, canvas, to_canvas, x, y, modifiers=Qt.KeyboardModifier.NoModifier):
    """A mouse release on the canvas at stack coordinates (x, y), as the user's click makes it."""
    device = canvas.getCoordinateTransform().transform(to_canvas.transform(QgsPointXY(x, y)))
    where = QPoint(round(device.x()), round(device.y()))
    assert canvas.rect().contains(where)
    event = QgsMapMouseEvent(
        canvas, QEvent.Type.MouseButtonRelease, where, Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton, modifiers
    )
    dock.tool.canvasReleaseEvent(event)


@pytest.mark.parametrize("crs", ["EPSG:3857", "EPSG:32654"])
def test_click_plots_the_pixel_under_it_relative_to_the_reference_date(dock, qgis_canvas, crs):
    to_canvas = show_stack(qgis_canvas, crs)
    assert dock.reference_combo.currentData() == DATES[REF]
    # Near the corners of pixels (a screen pixel or two in), where half a pixel of error shows.
    for row, col, fx, fy in [(4, 7, 0.1, 0.1), (4, 8, 0.9, 0.9), (20, 31, 0.15, 0.85), (29, 39, 0.5, 0.5)]:
        click(dock, qgis_canvas, to_canvas, X0 + (col + fx) * PIXEL, Y0 - (row + fy) * PIXEL)
        assert [(p.row, p.col) for p in dock.pixels] == [(row, col)]
        expected = (metres(row, col) - metres(row, col)[REF]) * 1000.0
        np.testing.assert_allclose(dock.lines[0].get_ydata(), expected, atol=1e-3)
        assert len(dock.ax.lines) == 2 + 2  # reference line and zero line, series and trend
        assert dock.lines[0].get_label() == f"P1: {(row * 100 + col) / 12 * 365.25:+.1f} mm/yr"
        marker = dock.markers[0]
        centre = to_canvas.transform(QgsPointXY(X0 + (col + 0.5) * PIXEL, Y0 - (row + 0.5) * PIXEL))
        assert marker.scene() is qgis_canvas.scene()
        assert (marker.center().x(), marker.center().y()) == pytest.approx((centre.x(), centre.y()), abs=1e-6)


def test_ctrl_click_adds_a_series_and_a_marker_of_its_colour(dock, qgis_canvas, tmp_path):
    to_canvas = show_stack(qgis_canvas, "EPSG:3857")
    click(dock, qgis_canvas, to_canvas, X0 + 2.5 * PIXEL, Y0 - 3.5 * PIXEL)
    click(dock, qgis_canvas, to_canvas, X0 + 6.5 * PIXEL, Y0 - 5.5 * PIXEL, Qt.KeyboardModifier.ControlModifier)
    assert [(p.row, p.col) for p in dock.pixels] == [(3, 2), (5, 6)]
    assert [line.get_label().split(":")[0] for line in dock.ax.get_legend().get_lines()] == ["P1", "P2"]
    assert len(dock.markers) == 2
    for line, marker in zip(dock.lines, dock.markers):
        assert marker.color().name() == to_hex(line.get_color())
    assert "low coherence: values unreliable" in dock.info.text()  # (5, 6) has 0.4

    # Another reference date: the same pixels, zero on that date.
    dock.reference_combo.setCurrentIndex(0)
    np.testing.assert_allclose(dock.lines[1].get_ydata(), metres(5, 6) * 1000.0, atol=1e-3)

    dock.export_csv(str(tmp_path / "shown.csv"))
    with open(tmp_path / "shown.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][0] == "date" and rows[0][2].startswith("P2_mm (x 400440.0 y 3899640.0 EPSG:32654)")
    assert [float(v) for v in list(zip(*rows[1:]))[2]] == pytest.approx(metres(5, 6) * 1000.0)
    dock.export_png(str(tmp_path / "shown.png"))
    assert (tmp_path / "shown.png").read_bytes()[:4] == b"\x89PNG"

    # A plain click replaces both.
    click(dock, qgis_canvas, to_canvas, X0 + 0.5 * PIXEL, Y0 - 0.5 * PIXEL)
    assert [(p.row, p.col) for p in dock.pixels] == [(0, 0)]
    assert len(dock.markers) == 1 and len(dock.ax.get_legend().get_lines()) == 1


def canvas_markers(canvas):
    return [item for item in canvas.scene().items() if isinstance(item, QgsVertexMarker)]


def test_unload_takes_dock_tool_and_markers_out_and_gives_the_tool_back(qgis_iface, tmp_path, saved_settings):
    canvas = qgis_iface.mapCanvas()
    pan = QgsMapToolPan(canvas)
    canvas.setMapTool(pan)
    markers_before = len(canvas_markers(canvas))
    for _ in range(2):
        plugin = sbas_plugin.classFactory(qgis_iface)
        plugin.initGui()
        dock = plugin.timeseries_dock
        assert dock.open_folder(str(write_work_folder(tmp_path / f"work{_}")))
        dock.pick_button.setChecked(True)
        assert canvas.mapTool() is dock.tool
        to_canvas = show_stack(canvas, "EPSG:3857")
        click(dock, canvas, to_canvas, X0 + 2.5 * PIXEL, Y0 - 3.5 * PIXEL)
        click(dock, canvas, to_canvas, X0 + 9.5 * PIXEL, Y0 - 3.5 * PIXEL, Qt.KeyboardModifier.ControlModifier)
        assert len(canvas_markers(canvas)) == markers_before + 2

        plugin.unload()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert canvas.mapTool() is pan
        assert len(canvas_markers(canvas)) == markers_before
        docks = [w for w in qgis_iface.mainWindow().findChildren(TimeseriesDock)]
        assert docks == []
