"""The workflow dock's decomposition step in real QGIS, through the plugin: it runs sbas:decompose as a task, loads
the vertical layers, and the time-series dock plots a clicked pixel's vertical and east-west series, each referred
to its own component. The picture of it goes to docs/decomposition.png for the README."""

import os
from pathlib import Path

import numpy as np
import pytest
import rasterio
from conftest import wait_until
from qgis.core import QgsCoordinateReferenceSystem, QgsPointXY, QgsProject, QgsRectangle
from qgis.PyQt.QtCore import QCoreApplication, QPoint
from qgis.PyQt.QtGui import QColor, QImage, QPainter

import sbas_plugin
from sbas_plugin.core.results.decomposition import DecompositionFolder
from sbas_plugin.core.simulate.demo import run_two_track_demo
from sbas_plugin.core.simulate.realistic import TRUTH_NAME, read_truth
from sbas_plugin.settings import load_settings, save_settings

SCREENSHOTS = os.environ.get("SBAS_SCREENSHOT_DIR", "")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return run_two_track_demo(tmp_path_factory.mktemp("two_tracks"))


@pytest.fixture
def plugin(qgis_iface, qgis_processing):
    saved = load_settings()
    qgis_iface.messageBar().clear_messages()
    plugin = sbas_plugin.classFactory(qgis_iface)
    plugin.initGui()
    yield plugin
    plugin.unload()
    QgsProject.instance().clear()
    save_settings(saved)


def _series(folder: Path, row: int, col: int) -> np.ndarray:
    return np.array([rasterio.open(p).read(1)[row, col] for p in sorted(folder.glob("*.tif"))], dtype=np.float64)


def test_the_dock_decomposes_and_the_time_series_dock_shows_vertical_and_east(
    plugin, qgis_app, qgis_iface, qgis_canvas, demo, tmp_path
):
    dock = plugin.dock
    dock.work_widget.setFilePath(str(demo.runs["ascending"].work))
    page = dock.decomposition_page
    assert not page.decompose_button.isEnabled()  # the other track first
    page.other_widget.setFilePath(str(demo.runs["descending"].work))
    out = tmp_path / "decomposition"
    page.out_widget.setFilePath(str(out))
    assert page.decompose_button.isEnabled()
    page.decompose_button.click()
    wait_until(qgis_app, lambda: not dock.runner.running(), 120, "the decomposition task")
    assert "lattice: EPSG:32654" in dock.log_view.toPlainText()
    folder = DecompositionFolder(out)
    assert folder.velocity("vertical").is_file()

    names = [layer.name() for layer in QgsProject.instance().mapLayers().values()]
    assert "Vertical velocity (mm/yr, + up)" in names and "Points (vertical mm/yr)" in names
    vertical = QgsProject.instance().mapLayersByName("Vertical velocity (mm/yr, + up)")[0]
    assert vertical.isValid() and vertical.crs().authid() == "EPSG:32654"

    series = plugin.timeseries_dock
    assert (
        series.folder == str(out)
        and series.east is not None
        and len(series.stack.dates) == len(demo.decomposition.dates)
    )

    # A click on the landslide: its pixel's vertical and east-west, exactly the GeoTIFFs' values.
    truth = read_truth(demo.runs["ascending"].work.parent / "products" / TRUTH_NAME)
    rows, cols = np.nonzero(truth.areas["landslide"])
    x, y = float(truth.grid.centre_x(cols[len(cols) // 2])), float(truth.grid.centre_y(rows[len(rows) // 2]))
    qgis_canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:32654"))
    series.pick(QgsPointXY(x, y))
    labels = [s.label for s in series.shown]  # the point under the click names them: "fid N vertical"
    assert (
        len(labels) == 2
        and labels[0].endswith(" vertical")
        and labels[1] == labels[0][: -len("vertical")] + "east-west"
    )
    grid = series.stack.grid
    row, col = int((grid.y0 - y) // -grid.dy), int((x - grid.x0) // grid.dx)
    np.testing.assert_array_equal(series.shown[0].metres, _series(folder.dated("vertical"), row, col))
    np.testing.assert_array_equal(series.shown[1].metres, _series(folder.dated("east"), row, col))
    # Another reference pixel: each component minus that pixel's own component.
    reference = series.stack.pixel(row + 5, col - 5)
    series._set_reference_pixel(reference)
    east_reference = _series(folder.dated("east"), row + 5, col - 5)
    np.testing.assert_allclose(
        series._values(1) / 1000.0,
        (series.shown[1].metres - east_reference) - (series.shown[1].metres - east_reference)[0],
        atol=1e-12,
    )
    series.reset_reference()

    # What the user sees: the map of vertical velocity with the points, and the graph.
    try:
        _picture(qgis_canvas, series, vertical, Path(SCREENSHOTS or tmp_path) / "decomposition.png")
    finally:  # the session's canvas must not keep this test's layer: the project is cleared after it
        qgis_canvas.setLayers([])
        series.hide()


def _picture(qgis_canvas, series, vertical, path: Path) -> None:
    qgis_canvas.resize(640, 640)
    qgis_canvas.window().show()
    QCoreApplication.processEvents()
    qgis_canvas.setLayers([vertical])
    extent = vertical.extent()
    qgis_canvas.setExtent(QgsRectangle(extent).buffered(200))
    qgis_canvas.refresh()
    qgis_canvas.waitWhileRendering()
    series.resize(560, 640)
    series.show()
    QCoreApplication.processEvents()
    map_image, dock_image = qgis_canvas.grab().toImage(), series.grab().toImage()
    picture = QImage(
        map_image.width() + dock_image.width(), max(map_image.height(), dock_image.height()), QImage.Format.Format_RGB32
    )
    picture.fill(QColor("white"))
    painter = QPainter(picture)
    painter.drawImage(QPoint(0, 0), map_image)
    painter.drawImage(QPoint(map_image.width(), 0), dock_image)
    painter.end()
    assert picture.save(str(path)) and path.stat().st_size > 20_000
