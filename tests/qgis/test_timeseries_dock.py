"""The time-series dock in real QGIS: clicks on the canvas in any CRS plot the right pixel, a point
feature's pixel, a drawn area's mean, relative to a clicked reference pixel, with MintPy's quality.

Each pixel's displacement encodes its row and column, so a click landing one pixel (or half a pixel)
off plots different numbers.

An area's statistics come from a background task: the tests wait for it (`settle`), and measure that the
GUI thread keeps running meanwhile."""

import csv
import json
import time

import h5py
import numpy as np
import pytest
from conftest import open_files_under, wait_until
from matplotlib.colors import to_hex
from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.gui import QgsMapMouseEvent, QgsMapToolPan, QgsRubberBand, QgsVertexMarker
from qgis.PyQt.QtCore import QCoreApplication, QEvent, QEventLoop, QPoint, Qt, QTimer
from qgis.PyQt.QtWidgets import QDockWidget

import sbas_plugin
from sbas_plugin.compat import field
from sbas_plugin.core.grid import Grid
from sbas_plugin.core.results.points import pixel_centres_in_polygons
from sbas_plugin.gui.timeseries_dock import TimeseriesDock, polygon_rings
from sbas_plugin.settings import load_settings, save_settings

X0, Y0, PIXEL, HEIGHT, WIDTH = 399_920.0, 3_900_080.0, 80.0, 30, 40
DATES = ["20200103", "20200115", "20200127", "20200208", "20200220", "20200303"]
REF = 2  # MintPy's REF_DATE in the file


def metres(row, col):
    """Pixel (row, col)'s displacement per date relative to the first date: slope row * 100 + col mm/step."""
    return np.arange(len(DATES)) * (row * 100 + col) * 1e-3


def shown_mm(row, col, reference=REF):
    return (metres(row, col) - metres(row, col)[reference]) * 1000.0


def write_work_folder(work, dates=DATES, stack=None):
    """mintpy/ with timeseries.h5 (by default `metres` at every pixel) and MintPy's quality files."""
    (work / "mintpy").mkdir(parents=True)
    if stack is None:
        d, r, c = np.mgrid[0 : len(dates), 0:HEIGHT, 0:WIDTH]
        stack = (d * (r * 100 + c) * 1e-3).astype(np.float32)
    stack = stack - stack[REF]  # MintPy's file is zero on REF_DATE
    with h5py.File(work / "mintpy" / "timeseries.h5", "w") as f:
        f.create_dataset("timeseries", data=stack.astype(np.float32), chunks=True)
        f.create_dataset("date", data=np.array(dates, dtype=np.bytes_))
        f.attrs.update(
            X_FIRST=str(X0), Y_FIRST=str(Y0), X_STEP=str(PIXEL), Y_STEP=str(-PIXEL), WIDTH=str(WIDTH),
            LENGTH=str(HEIGHT), EPSG="32654", REF_DATE=dates[REF],
        )  # fmt: skip
    coherence = np.full((HEIGHT, WIDTH), 0.95, dtype=np.float32)
    coherence[5, 6] = 0.4
    with h5py.File(work / "mintpy" / "temporalCoherence.h5", "w") as f:
        f.create_dataset("temporalCoherence", data=coherence)
    with h5py.File(work / "mintpy" / "avgSpatialCoh.h5", "w") as f:
        f.create_dataset("coherence", data=np.full((HEIGHT, WIDTH), 0.62, dtype=np.float32))
    with h5py.File(work / "mintpy" / "velocity.h5", "w") as f:
        f.create_dataset("velocity", data=np.full((HEIGHT, WIDTH), -0.0123, dtype=np.float32))
        f.create_dataset("velocityStd", data=np.full((HEIGHT, WIDTH), 0.0008, dtype=np.float32))
    with h5py.File(work / "mintpy" / "numInvIfgram.h5", "w") as f:
        f.create_dataset("mask", data=np.full((HEIGHT, WIDTH), 13, dtype=np.float32))
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


@pytest.fixture
def web_canvas(qgis_canvas):
    qgis_canvas.setLayers([])
    return qgis_canvas, show_stack(qgis_canvas, "EPSG:3857")


def show_stack(canvas, crs: str, height=HEIGHT, width=WIDTH):
    """The canvas in `crs`, zoomed to the stack (by default so that one stack pixel is many screen pixels)."""
    canvas.resize(800, 600)
    canvas.window().show()  # an unshown canvas keeps its default map size whatever the widget's
    QCoreApplication.processEvents()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem(crs))
    to_canvas = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:32654"), canvas.mapSettings().destinationCrs(), QgsProject.instance()
    )
    canvas.setExtent(to_canvas.transformBoundingBox(QgsRectangle(X0, Y0 - height * PIXEL, X0 + width * PIXEL, Y0)))
    assert canvas.mapUnitsPerPixel() < PIXEL / 10 or (height, width) != (HEIGHT, WIDTH)
    return to_canvas


def device(canvas, to_canvas, x, y, shift=(0, 0)) -> QPoint:
    """The screen pixel of stack coordinates (x, y), moved by `shift` screen pixels."""
    at = canvas.getCoordinateTransform().transform(to_canvas.transform(QgsPointXY(x, y)))
    where = QPoint(round(at.x()) + shift[0], round(at.y()) + shift[1])
    assert canvas.rect().contains(where)
    return where


def mouse(canvas, where, kind=QEvent.Type.MouseButtonRelease, button=Qt.MouseButton.LeftButton, modifiers=None):
    modifiers = Qt.KeyboardModifier.NoModifier if modifiers is None else modifiers
    return QgsMapMouseEvent(canvas, kind, where, button, button, modifiers)


def click(dock, canvas, to_canvas, x, y, modifiers=Qt.KeyboardModifier.NoModifier, tool=None):
    """A mouse release on the canvas at stack coordinates (x, y), as the user's click makes it."""
    (tool or dock.tool).canvasReleaseEvent(mouse(canvas, device(canvas, to_canvas, x, y), modifiers=modifiers))


def centre(row, col):
    return X0 + (col + 0.5) * PIXEL, Y0 - (row + 0.5) * PIXEL


def shown_pixels(dock):
    return [(s.pixel.row, s.pixel.col) for s in dock.shown if s.pixel is not None]


def legend(dock):
    return [text.get_text() for text in dock.plot.ax.get_legend().get_texts()]


@pytest.mark.parametrize("crs", ["EPSG:3857", "EPSG:32654"])
def test_click_plots_the_pixel_under_it_relative_to_the_reference_date(dock, qgis_canvas, crs):
    qgis_canvas.setLayers([])
    to_canvas = show_stack(qgis_canvas, crs)
    assert dock.reference_combo.currentData() == DATES[REF]
    # Near the corners of pixels (a screen pixel or two in), where half a pixel of error shows.
    for row, col, fx, fy in [(4, 7, 0.1, 0.1), (4, 8, 0.9, 0.9), (20, 31, 0.15, 0.85), (29, 39, 0.5, 0.5)]:
        click(dock, qgis_canvas, to_canvas, X0 + (col + fx) * PIXEL, Y0 - (row + fy) * PIXEL)
        assert shown_pixels(dock) == [(row, col)]
        np.testing.assert_allclose(dock.plot.lines[0].get_ydata(), shown_mm(row, col), atol=1e-3)
        assert len(dock.plot.ax.lines) == 2 + 2  # reference line and zero line, series and trend
        # An exact line: the fit's sigma is zero.
        assert dock.plot.lines[0].get_label() == f"P1: {(row * 100 + col) / 12 * 365.25:+.1f} ± 0.0 mm/yr"
        marker = dock.overlay.map_items[0]
        expected = to_canvas.transform(QgsPointXY(*centre(row, col)))
        assert marker.scene() is qgis_canvas.scene()
        assert (marker.center().x(), marker.center().y()) == pytest.approx((expected.x(), expected.y()), abs=1e-6)


def test_ctrl_click_adds_a_series_and_a_marker_of_its_colour(dock, web_canvas, tmp_path):
    canvas, to_canvas = web_canvas
    click(dock, canvas, to_canvas, *centre(3, 2))
    click(dock, canvas, to_canvas, *centre(5, 6), Qt.KeyboardModifier.ControlModifier)
    assert shown_pixels(dock) == [(3, 2), (5, 6)]
    assert [label.split(":")[0] for label in legend(dock)] == ["P1", "P2"]
    assert len(dock.overlay.map_items) == 2
    for line, marker in zip(dock.plot.lines, dock.overlay.map_items):
        assert marker.color().name() == to_hex(line.get_color())

    # Another reference date: the same pixels, zero on that date.
    dock.reference_combo.setCurrentIndex(0)
    np.testing.assert_allclose(dock.plot.lines[1].get_ydata(), metres(5, 6) * 1000.0, atol=1e-3)

    dock.export_csv(str(tmp_path / "shown.csv"))
    with open(tmp_path / "shown.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][0] == "date" and rows[0][2].startswith("P2_mm (x 400440.0 y 3899640.0 EPSG:32654)")
    assert [float(v) for v in list(zip(*rows[1:]))[2]] == pytest.approx(metres(5, 6) * 1000.0)
    dock.export_png(str(tmp_path / "shown.png"))
    assert (tmp_path / "shown.png").read_bytes()[:4] == b"\x89PNG"

    # A plain click replaces both.
    click(dock, canvas, to_canvas, *centre(0, 0))
    assert shown_pixels(dock) == [(0, 0)]
    assert len(dock.overlay.map_items) == 1 and len(legend(dock)) == 1


def test_quality_of_each_pixel_and_the_low_coherence_flag_follow_the_setting(dock, web_canvas):
    canvas, to_canvas = web_canvas
    click(dock, canvas, to_canvas, *centre(3, 2))
    click(dock, canvas, to_canvas, *centre(5, 6), Qt.KeyboardModifier.ControlModifier)  # coherence 0.4
    text = dock.info.text()
    quality = "spatial coherence 0.62, 13 interferograms, MintPy velocity -12.3 ± 0.8 mm/yr"
    assert f"<b>P1</b>: row 3, column 2 (x 400120.0, y 3899800.0)<br>temporal coherence 0.95, {quality}<br>" in text
    assert f"temporal coherence 0.40, {quality}, low coherence: values unreliable</span>" in text
    assert text.count("unreliable") == 1 and text.count("#b00020") == 1
    assert [line.get_alpha() for line in dock.plot.lines] == [1.0, 0.4]  # still drawn, faded
    np.testing.assert_allclose(dock.plot.lines[1].get_ydata(), shown_mm(5, 6), atol=1e-3)

    settings = load_settings()
    settings.low_coherence_threshold = 0.3
    save_settings(settings)
    click(dock, canvas, to_canvas, *centre(5, 6))
    assert "unreliable" not in dock.info.text() and dock.plot.lines[0].get_alpha() == 1.0
    settings.low_coherence_threshold = 0.96
    save_settings(settings)
    click(dock, canvas, to_canvas, *centre(3, 2))
    assert "unreliable" in dock.info.text() and dock.plot.lines[0].get_alpha() == 0.4


def point_layer(name, crs, points, fids=None):
    """A memory point layer; with `fids`, a "fid" attribute that differs from the feature ids."""
    layer = QgsVectorLayer(f"Point?crs={crs}", name, "memory")
    if fids:
        layer.dataProvider().addAttributes([field("fid", int)])
        layer.updateFields()
    features = []
    for i, (x, y) in enumerate(points):
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        if fids:
            feature.setAttribute("fid", fids[i])
        features.append(feature)
    assert layer.dataProvider().addFeatures(features)[0]
    return layer


def test_a_click_near_a_point_feature_plots_the_pixel_under_it_labelled_by_fid(dock, web_canvas, qgis_iface):
    canvas, to_canvas = web_canvas
    to_wgs84 = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:32654"), QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance()
    )
    # Just inside the left and top edges of pixels (10, 12) and (20, 30): a click 4 screen pixels off
    # lands in the neighbouring pixel.
    at = [(X0 + 12.05 * PIXEL, Y0 - 10.5 * PIXEL), (X0 + 30.5 * PIXEL, Y0 - 20.05 * PIXEL)]
    stations = point_layer("stations", "EPSG:4326", [to_wgs84.transform(QgsPointXY(*xy)) for xy in at], [101, 102])
    unnamed = point_layer("unnamed", "EPSG:32654", [(X0 + 25.95 * PIXEL, Y0 - 3.5 * PIXEL)])
    QgsProject.instance().addMapLayers([stations, unnamed])
    try:
        canvas.setLayers([stations, unnamed])
        click_near = device(canvas, to_canvas, *at[0], shift=(-4, 0))
        dock.tool.canvasReleaseEvent(mouse(canvas, click_near))
        assert shown_pixels(dock) == [(10, 12)] and legend(dock)[0].startswith("fid 101: ")
        np.testing.assert_allclose(dock.plot.lines[0].get_ydata(), shown_mm(10, 12), atol=1e-3)
        modifiers = Qt.KeyboardModifier.ControlModifier
        dock.tool.canvasReleaseEvent(
            mouse(canvas, device(canvas, to_canvas, *at[1], shift=(0, -4)), modifiers=modifiers)
        )
        unnamed_click = device(canvas, to_canvas, X0 + 25.95 * PIXEL, Y0 - 3.5 * PIXEL, shift=(4, 0))
        dock.tool.canvasReleaseEvent(mouse(canvas, unnamed_click, modifiers=modifiers))
        assert shown_pixels(dock) == [(10, 12), (20, 30), (3, 25)]
        assert [label.split(":")[0] for label in legend(dock)] == [
            "fid 101",
            "fid 102",
            f"fid {next(unnamed.getFeatures()).id()}",
        ]

        # Farther than a few screen pixels: the pixel under the click, numbered as before.
        dock.tool.canvasReleaseEvent(mouse(canvas, device(canvas, to_canvas, *at[0], shift=(-20, 0))))
        assert shown_pixels(dock) == [(10, 11)] and legend(dock)[0].startswith("P1: ")

        # An active point layer is the only one looked at.
        qgis_iface.setActiveLayer(unnamed)
        dock.tool.canvasReleaseEvent(mouse(canvas, click_near))
        assert shown_pixels(dock) == [(10, 11)] and legend(dock)[0].startswith("P1: ")
    finally:
        QgsProject.instance().removeMapLayers([stations.id(), unnamed.id()])


def settle(dock, seconds=60.0):
    """Let Qt run until the dock's area statistics are shown and every task it started has ended."""
    wait_until(QgsApplication.instance(), lambda: not dock.measuring() and not dock.tasks, seconds, "area statistics")


def draw(dock, canvas, to_canvas, corners, close="right", wait=True):
    """Click the corners (pixel units: column, row from the origin) with the area tool, then close; with
    `wait`, until its statistics are shown."""
    where = [device(canvas, to_canvas, X0 + c * PIXEL, Y0 - r * PIXEL) for c, r in corners]
    for point in where:
        dock.area_tool.canvasMoveEvent(mouse(canvas, point, QEvent.Type.MouseMove, Qt.MouseButton.NoButton))
        dock.area_tool.canvasReleaseEvent(mouse(canvas, point))
    if close == "right":
        dock.area_tool.canvasReleaseEvent(mouse(canvas, where[-1], button=Qt.MouseButton.RightButton))
    else:  # a double-click on the last corner: press, release, double-click, release
        dock.area_tool.canvasDoubleClickEvent(mouse(canvas, where[-1], QEvent.Type.MouseButtonDblClick))
        dock.area_tool.canvasReleaseEvent(mouse(canvas, where[-1]))
    if wait:
        settle(dock)


def test_a_drawn_area_shows_the_mean_and_spread_of_the_pixels_inside(dock, web_canvas, tmp_path):
    canvas, to_canvas = web_canvas
    click(dock, canvas, to_canvas, *centre(3, 2))
    # A right triangle, corners a quarter pixel off pixel corners: centre (c + .5, r + .5) is inside
    # when c >= 10, r >= 4 and (c - 10) + (r - 4) <= 7: 36 pixels.
    draw(dock, canvas, to_canvas, [(10.25, 4.25), (18.25, 4.25), (10.25, 12.25)])
    inside = [(r, c) for r in range(HEIGHT) for c in range(WIDTH) if c >= 10 and r >= 4 and c - 10 + r - 4 <= 7]
    assert len(inside) == 36
    area = dock.shown[1].area
    assert area.pixels == 36 and legend(dock)[1].startswith("area (36 pixels): ")
    expected = np.mean([shown_mm(r, c) for r, c in inside], axis=0)
    spread = np.std([shown_mm(r, c) for r, c in inside], axis=0)
    np.testing.assert_allclose(dock.plot.lines[1].get_ydata(), expected, atol=1e-3)
    band = dock.plot.bands[1].get_paths()[0].vertices[:, 1]
    assert band.max() == pytest.approx((expected + spread).max(), abs=1e-3)
    assert band.min() == pytest.approx((expected - spread).min(), abs=1e-3)
    outline = dock.overlay.map_items[1]
    assert isinstance(outline, QgsRubberBand) and outline.scene() is canvas.scene()
    assert outline.strokeColor().name() == to_hex(dock.plot.lines[1].get_color())
    assert dock.area_tool.band is None  # the drawing outline is gone

    # A double-click closes one too; each area adds to the graph.
    draw(dock, canvas, to_canvas, [(0.25, 0.25), (2.25, 0.25), (2.25, 3.25), (0.25, 3.25)], close="double")
    assert [s.area.pixels if s.area else None for s in dock.shown] == [None, 36, 6]

    dock.export_csv(str(tmp_path / "areas.csv"))
    with open(tmp_path / "areas.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][2:5] == ["area (36 pixels) mean_mm", "area (36 pixels) std_mm", "area (36 pixels) count"]
    table = np.array(rows[1:])[:, 2:5].astype(float).T
    np.testing.assert_allclose(table[0], expected, atol=0.006)
    np.testing.assert_allclose(table[1], spread, atol=0.006)
    assert table[2].tolist() == [36] * len(DATES)
    assert rows[0][5:] == ["area (6 pixels) mean_mm", "area (6 pixels) std_mm", "area (6 pixels) count"]

    # Another reference date: each pixel relative to it, so another spread, measured again in the background.
    dock.reference_combo.setCurrentIndex(0)
    assert dock.measuring() and not dock.busy.isHidden()
    settle(dock)
    spread = np.std([shown_mm(r, c, 0) for r, c in inside], axis=0)
    np.testing.assert_allclose(dock.shown[1].area.std * 1000.0, spread, atol=1e-3)
    np.testing.assert_allclose(dock.plot.lines[1].get_ydata(), np.mean([shown_mm(r, c, 0) for r, c in inside], axis=0))
    assert dock.busy.isHidden() and spread[REF] > 0

    # A plain click replaces the areas, on the graph and on the map.
    click(dock, canvas, to_canvas, *centre(1, 1))
    assert len(dock.shown) == 1 and dock.plot.bands == [None] and not dock.plot.ax.collections
    assert not [item for item in canvas.scene().items() if isinstance(item, QgsRubberBand)]


def test_reference_pixel_is_subtracted_from_every_series(dock, web_canvas):
    canvas, to_canvas = web_canvas
    click(dock, canvas, to_canvas, *centre(3, 2))
    click(dock, canvas, to_canvas, *centre(5, 6), Qt.KeyboardModifier.ControlModifier)
    draw(dock, canvas, to_canvas, [(10.25, 4.25), (18.25, 4.25), (10.25, 12.25)])
    before = [line.get_ydata().copy() for line in dock.plot.lines]

    click(dock, canvas, to_canvas, *centre(5, 6), tool=dock.reference_tool)
    np.testing.assert_allclose(dock.plot.lines[1].get_ydata(), 0.0, atol=1e-9)
    for line, old in zip(dock.plot.lines, before):
        np.testing.assert_allclose(old - line.get_ydata(), shown_mm(5, 6), atol=1e-3)
    assert dock.plot.ax.get_title(loc="left") == "Reference: pixel row 5, column 6 (x 400440.0, y 3899640.0)"
    assert dock.info.text().startswith("Reference: pixel row 5, column 6")
    marker = dock.overlay.reference_marker
    assert marker.scene() is canvas.scene() and marker not in dock.overlay.map_items  # a triangle (3.22 cannot tell)
    expected = to_canvas.transform(QgsPointXY(*centre(5, 6)))
    assert (marker.center().x(), marker.center().y()) == pytest.approx((expected.x(), expected.y()), abs=1e-6)

    # Also after another reference date, and for a pixel clicked later.
    dock.reference_combo.setCurrentIndex(0)
    click(dock, canvas, to_canvas, *centre(7, 1), Qt.KeyboardModifier.ControlModifier)
    np.testing.assert_allclose(dock.plot.lines[3].get_ydata(), shown_mm(7, 1, 0) - shown_mm(5, 6, 0), atol=1e-3)

    dock.reset_reference_button.click()
    assert (
        dock.overlay.reference_marker is None
        and dock.plot.ax.get_title(loc="left") == "Reference: MintPy's reference point"
    )
    np.testing.assert_allclose(dock.plot.lines[1].get_ydata(), shown_mm(5, 6, 0), atol=1e-3)


def test_seasonal_fit_reports_velocity_sigma_and_annual_amplitude(qgis_iface, web_canvas, tmp_path, saved_settings):
    canvas, to_canvas = web_canvas
    days = np.arange(0, 2 * 365, 12)
    dates = [str(np.datetime64("2020-01-03") + d).replace("-", "") for d in days]
    years = days / 365.25
    rng = np.random.default_rng(5)
    # -20 mm/yr and a 6 mm annual swing everywhere, 1 mm of noise.
    series = -0.020 * years + 0.006 * np.sin(2 * np.pi * years + 1.0) + rng.normal(0, 0.001, len(days))
    stack = np.broadcast_to(series[:, None, None], (len(days), HEIGHT, WIDTH))
    dock = TimeseriesDock(qgis_iface)
    try:
        assert dock.open_folder(str(write_work_folder(tmp_path / "work", dates, stack)))
        click(dock, canvas, to_canvas, *centre(2, 2))
        linear = legend(dock)[0]
        dock.seasonal_check.setChecked(True)
        seasonal = legend(dock)[0]
        velocity, sigma, amplitude = (float(seasonal.split()[i].rstrip(",")) for i in (1, 3, 6))
        assert seasonal == f"P1: {velocity:+.1f} ± {sigma:.1f} mm/yr, annual {amplitude:.1f} mm"
        assert velocity == pytest.approx(-20.0, abs=1.0) and amplitude == pytest.approx(6.0, abs=0.5)
        assert 0 < sigma < 0.5
        assert "annual" not in linear and float(linear.split()[3]) > 3 * sigma  # the swing misfit as noise
        trend = dock.plot.trends[0].get_ydata()
        assert np.ptp(trend - np.polyval(np.polyfit(years, trend, 1), years)) > 10  # the model swings
    finally:
        dock.unload()


def test_project_state_restores_the_same_series_in_a_new_dock(dock, web_canvas, qgis_iface):
    canvas, to_canvas = web_canvas
    click(dock, canvas, to_canvas, *centre(3, 2))
    click(dock, canvas, to_canvas, *centre(5, 6), Qt.KeyboardModifier.ControlModifier)
    draw(dock, canvas, to_canvas, [(10.25, 4.25), (18.25, 4.25), (10.25, 12.25)])
    click(dock, canvas, to_canvas, *centre(7, 1), tool=dock.reference_tool)
    dock.reference_combo.setCurrentIndex(4)
    settle(dock)
    dock.seasonal_check.setChecked(True)
    state = json.loads(json.dumps(dock.project_state()))  # as the project file keeps it
    assert state["reference_point"] == {"x": centre(7, 1)[0], "y": centre(7, 1)[1], "crs": "EPSG:32654"}
    assert [p["label"] for p in state["pixels"]] == ["P1", "P2"] and len(state["areas"]) == 1

    restored = TimeseriesDock(qgis_iface)
    try:
        restored.restore_project_state(state)
        settle(restored)
        assert restored.reference_combo.currentData() == DATES[4] and restored.seasonal_check.isChecked()
        assert (restored.reference_pixel.row, restored.reference_pixel.col) == (7, 1)
        assert legend(restored) == legend(dock)
        for line, original in zip(restored.plot.lines, dock.plot.lines):
            np.testing.assert_array_equal(line.get_ydata(), original.get_ydata())
        assert restored.shown[2].polygon.equals(dock.shown[2].polygon)
        assert restored.project_state() == state
    finally:
        restored.unload()


def test_a_step_replacing_its_files_closes_the_stack_then_opens_it_again_as_it_was(dock, web_canvas, tmp_path):
    canvas, to_canvas = web_canvas
    click(dock, canvas, to_canvas, *centre(3, 2))
    click(dock, canvas, to_canvas, *centre(5, 6), Qt.KeyboardModifier.ControlModifier)
    draw(dock, canvas, to_canvas, [(10.25, 4.25), (18.25, 4.25), (10.25, 12.25)], wait=False)  # being measured
    work = (tmp_path / "work").resolve()
    assert open_files_under(work / "mintpy")  # what Windows would keep a step from replacing

    dock.close_for_rewrite([work / "GeoTiffs", work / "Geotiff_value.csv"])
    assert dock.stack is not None and len(dock.shown) == 2  # none of its files: left open
    state = dock.project_state()
    dock.close_for_rewrite([work / "mintpy"])
    assert dock.stack is None and not dock.shown and not open_files_under(work)
    assert dock.project_state() == state  # a project saved meanwhile keeps what was open
    assert not dock.folder_widget.isEnabled() and not dock.layers_button.isEnabled()  # no reopening meanwhile
    assert len(state["areas"]) == 1  # the area being measured is kept too
    dock.reopen_after_rewrite()
    settle(dock)
    assert dock.folder_widget.filePath() == str(tmp_path / "work") and shown_pixels(dock) == [(3, 2), (5, 6)]
    assert [s.area.pixels for s in dock.shown[2:]] == [36]
    assert dock.folder_widget.isEnabled() and dock.layers_button.isEnabled()


def test_a_new_project_while_the_stack_is_closed_for_a_step_does_not_reopen_it(dock, tmp_path):
    work = (tmp_path / "work").resolve()
    dock.close_for_rewrite([work / "mintpy"])
    dock.restore_project_state({})  # the project is cleared (New project, or another one opened)
    assert dock.project_state()["folder"] == "" and dock.folder_widget.isEnabled()
    dock.reopen_after_rewrite()  # the step ends
    assert dock.stack is None and dock.folder_widget.filePath() == ""


def test_a_new_drawing_cancels_the_area_being_measured_whose_result_never_shows(dock, web_canvas):
    canvas, to_canvas = web_canvas
    triangle = [(10.25, 4.25), (18.25, 4.25), (10.25, 12.25)]  # 36 pixels
    six = [(0.25, 0.25), (2.25, 0.25), (2.25, 3.25), (0.25, 3.25)]
    four = [(30.25, 20.25), (32.25, 20.25), (32.25, 22.25), (30.25, 22.25)]
    draw(dock, canvas, to_canvas, triangle, wait=False)
    assert dock.measuring() and not dock.busy.isHidden() and dock.busy.text().startswith("Computing")
    assert not dock.shown  # nothing until its statistics are known
    first = dock.area_task
    draw(dock, canvas, to_canvas, six, wait=False)
    assert first.isCanceled()  # asked before Qt runs again: QGIS deletes a task once it has ended
    settle(dock)
    assert dock.busy.isHidden()
    assert [s.area.pixels for s in dock.shown] == [6] and legend(dock)[0].startswith("area (6 pixels): ")

    # The worst case: the first computation done, its result not yet back on the GUI thread.
    draw(dock, canvas, to_canvas, triangle, wait=False)
    done = dock.area_task
    deadline = time.monotonic() + 30
    while len(done.results) < len(done.rings):  # no Qt events meanwhile: finished() cannot run yet
        assert time.monotonic() < deadline, "the area task did not run"
        time.sleep(0.005)
    draw(dock, canvas, to_canvas, four)
    assert done.results[0].pixels == 36  # it was measured, but is not shown:
    assert [s.area.pixels for s in dock.shown] == [6, 4] and len(legend(dock)) == 2
    assert len(dock.overlay.map_items) == 2 and len(dock.project_state()["areas"]) == 2

    # A plain click replaces everything, areas being measured too; a Ctrl+click adds to them.
    draw(dock, canvas, to_canvas, triangle, wait=False)
    click(dock, canvas, to_canvas, *centre(3, 2))
    settle(dock)
    assert shown_pixels(dock) == [(3, 2)] and len(dock.shown) == 1 and dock.busy.isHidden()
    draw(dock, canvas, to_canvas, triangle, wait=False)
    click(dock, canvas, to_canvas, *centre(7, 1), Qt.KeyboardModifier.ControlModifier)
    settle(dock)
    assert shown_pixels(dock) == [(3, 2), (7, 1)] and [s.area.pixels for s in dock.shown[2:]] == [36]


BIG_DATES, BIG_HEIGHT, BIG_WIDTH = 61, 600, 800  # 117 MB: the old way stops the GUI thread for 0.5 s or more
# The longest the GUI thread may stop while an area is measured: 40-110 ms measured on 2 cores shared with
# MintPy runs (up to 164 ms at load 4.5), against seconds for the old way.
GAP_BOUND_MS = 250


def write_big_work_folder(work):
    """A 61-date MintPy time series with MintPy's chunks (h5py's chunks=True)."""
    (work / "mintpy").mkdir(parents=True)
    dates = [str(np.datetime64("2020-01-03") + 12 * d).replace("-", "") for d in range(BIG_DATES)]
    rate = np.random.default_rng(3).normal(0, 0.01, (BIG_HEIGHT, BIG_WIDTH)).astype(np.float32)
    with h5py.File(work / "mintpy" / "timeseries.h5", "w") as f:
        dataset = f.create_dataset("timeseries", (BIG_DATES, BIG_HEIGHT, BIG_WIDTH), "f4", chunks=True)
        for d in range(BIG_DATES):
            dataset[d] = rate * (d * 12 / 365.25)
        dataset[7, 100:200, 300:400] = np.nan
        f.create_dataset("date", data=np.array(dates, dtype=np.bytes_))
        f.attrs.update(
            X_FIRST=str(X0), Y_FIRST=str(Y0), X_STEP=str(PIXEL), Y_STEP=str(-PIXEL), WIDTH=str(BIG_WIDTH),
            LENGTH=str(BIG_HEIGHT), EPSG="32654", REF_DATE=dates[0],
        )  # fmt: skip
    return work


def synchronous_area(h5, rings, reference):
    """What the dock did before, on the GUI thread: the pixels inside, the area's box read at once for every
    date, the statistics of all its pixels in one go."""
    with h5py.File(h5, "r") as f:
        dataset = f["timeseries"]
        grid = Grid(X0, Y0, PIXEL, -PIXEL, dataset.shape[2], dataset.shape[1])
        inside = pixel_centres_in_polygons(grid, rings)
        row0, col0 = int(inside.rows.min()), int(inside.cols.min())
        window = dataset[:, row0 : int(inside.rows.max()) + 1, col0 : int(inside.cols.max()) + 1]
    values = window[:, inside.rows - row0, inside.cols - col0].astype(np.float64)
    values -= values[reference]
    return np.nanmean(values, axis=1), np.nanstd(values, axis=1), len(inside)


def gaps_while(start, done, seconds=120.0) -> tuple:
    """Gaps (ms) between the ticks of a 10 ms timer on the GUI thread, from just before start() is called
    from the event loop until done() holds, and the number of ticks at each stage done() returned."""
    ticks, loop, stages = [], QEventLoop(), {}

    def tick():
        ticks.append(time.perf_counter())
        stage = done() if len(ticks) > 5 else None
        if stage:
            stages.setdefault(stage, len(ticks))
            if stage == "done":
                loop.quit()

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    QTimer.singleShot(50, start)
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    timer.start()
    loop.exec()
    timer.stop()
    assert "done" in stages, "timed out"
    return list(np.diff(ticks) * 1000.0), stages


def test_the_gui_thread_keeps_running_while_a_big_area_is_measured(qgis_iface, qgis_canvas, tmp_path, saved_settings):
    work = write_big_work_folder(tmp_path / "big")
    qgis_canvas.setLayers([])
    to_canvas = show_stack(qgis_canvas, "EPSG:32654", BIG_HEIGHT, BIG_WIDTH)
    corners = [(5.3, 4.6), (BIG_WIDTH - 3.2, 9.1), (BIG_WIDTH - 20.7, BIG_HEIGHT - 2.4), (2.2, BIG_HEIGHT - 30.5)]
    dock = TimeseriesDock(qgis_iface)
    try:
        assert dock.open_folder(str(work))
        # Ours: drawn on the dock, measured in the background, then drawn on the graph.
        busy_at_once, tasks = [], []

        def start():
            draw(dock, qgis_canvas, to_canvas, corners, wait=False)
            busy_at_once.append(not dock.busy.isHidden())
            tasks.append(dock.area_task)

        def stage():
            if not dock.measuring():
                return "done"
            return "computed" if tasks and len(tasks[0].results) == len(tasks[0].rings) else None

        gaps, stages = gaps_while(start, stage)
        # Before the result is drawn: the last gap holds its drawing, when no tick fell in between.
        computing = gaps[: stages["computed"] - 1] if "computed" in stages else gaps[:-1]
        # The old way, with the polygon the dock got: the GUI thread stops for the whole computation.
        before = []
        rings = polygon_rings(dock.shown[0].polygon)
        old_gaps, _ = gaps_while(
            lambda: before.append(synchronous_area(work / "mintpy" / "timeseries.h5", rings, 0)),
            lambda: "done" if before else None,
        )
        figures = (
            f"largest GUI gap: computing {max(computing):.0f} ms over {len(computing)} ticks, with drawing the "
            f"result {max(gaps):.0f} ms; on the GUI thread as before {max(old_gaps):.0f} ms"
        )
        # The data is big enough for the old way to break the bound the dock keeps while computing (it took
        # 0.5-1 s here, less on a faster machine).
        assert max(old_gaps) > GAP_BOUND_MS, figures
        assert max(computing) < GAP_BOUND_MS and len(computing) > 5, figures
        assert max(gaps) < 2 * GAP_BOUND_MS, figures  # drawing the result on the graph too: a click's work
        assert busy_at_once == [True]  # "computing" showed at once
        mean, std, pixels = before[0]
        area = dock.shown[0].area
        assert area.pixels == pixels > 0.9 * BIG_HEIGHT * BIG_WIDTH
        np.testing.assert_allclose(area.mean, mean, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(area.std, std, rtol=1e-9, atol=1e-12)
        assert area.count[7] == pixels - 100 * 100 and area.std[-1] > 0
    finally:
        dock.unload()


def canvas_items(canvas):
    return [item for item in canvas.scene().items() if isinstance(item, (QgsVertexMarker, QgsRubberBand))]


def test_unload_takes_dock_tools_and_markers_out_and_gives_the_tool_back(qgis_iface, tmp_path, saved_settings):
    canvas = qgis_iface.mapCanvas()
    canvas.setLayers([])
    pan = QgsMapToolPan(canvas)
    canvas.setMapTool(pan)
    items_before = len(canvas_items(canvas))
    for _ in range(2):
        plugin = sbas_plugin.classFactory(qgis_iface)
        plugin.initGui()
        plugin.timeseries_action.setChecked(True)  # built when first opened
        dock = plugin.timeseries_dock
        assert dock.open_folder(str(write_work_folder(tmp_path / f"work{_}")))
        # One tool at a time; its button the only one down.
        for tool, button in [(dock.area_tool, dock.area_button), (dock.tool, dock.pick_button)]:
            button.setChecked(True)
            assert canvas.mapTool() is tool
            assert [b.isChecked() for b in (dock.pick_button, dock.area_button, dock.reference_button)].count(True) == 1
        to_canvas = show_stack(canvas, "EPSG:3857")
        others = len(canvas_items(canvas))  # the plugin's other dock may have its own
        click(dock, canvas, to_canvas, *centre(3, 2))
        click(dock, canvas, to_canvas, *centre(3, 9), Qt.KeyboardModifier.ControlModifier)
        draw(dock, canvas, to_canvas, [(10.25, 4.25), (18.25, 4.25), (10.25, 12.25)])
        click(dock, canvas, to_canvas, *centre(7, 1), tool=dock.reference_tool)
        assert len(canvas_items(canvas)) == others + 4  # two markers, an outline, the reference triangle

        plugin.unload()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert canvas.mapTool() is pan
        assert len(canvas_items(canvas)) == items_before
        docks = [w for w in qgis_iface.mainWindow().findChildren(TimeseriesDock)]
        assert docks == []

    # Unchecking the button gives the user's tool back too.
    dock = TimeseriesDock(qgis_iface)
    dock.reference_button.setChecked(True)
    assert canvas.mapTool() is dock.reference_tool
    dock.reference_button.setChecked(False)
    assert canvas.mapTool() is pan
    dock.unload()


def test_the_dock_comes_back_where_qgis_last_had_it(qgis_iface, qgis_processing, saved_settings):
    window = qgis_iface.mainWindow()
    before = window.saveState()
    placeholder = QDockWidget()
    placeholder.setObjectName("SbasTimeseriesDock")
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, placeholder)
    placeholder.show()
    saved = window.saveState()  # as QGIS keeps it at exit: the dock shown on the left
    window.removeDockWidget(placeholder)
    placeholder.setParent(None)  # out of the window, or restoreState() would place it
    window.restoreState(saved)  # QGIS's start, before the plugin builds the dock
    plugin = sbas_plugin.classFactory(qgis_iface)
    plugin.initGui()
    try:
        dock = plugin.built_timeseries_dock()
        assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.LeftDockWidgetArea
        assert not dock.isHidden()  # the action follows once the window shows (visibilityChanged)
    finally:
        plugin.unload()
        window.restoreState(before)
