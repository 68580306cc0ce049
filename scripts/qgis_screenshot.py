"""Run inside QGIS (qgis --code): open the plugin's dock on sample data, save a screenshot, then
when the demo folder of `sbas demo` exists ($SBAS_DEMO, default /tmp/sbas-demo), open the time-series
dock on it (two pixels and an area), save a second one, then run the time series on it from the
workflow dock (a rerun: every step is already done) and save a third; quit.

Used by scripts/screenshot.sh; the first picture goes to $SBAS_SCREENSHOT (default docs/dock.png),
the second to timeseries.png beside it, the third to workflow.png beside it."""

import os
import tempfile
from pathlib import Path

import numpy as np
from osgeo import gdal, osr
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.gui import QgsMapMouseEvent
from qgis.PyQt.QtCore import QEvent, QPoint, Qt, QTimer
from qgis.utils import iface, plugins

from sbas_plugin.gui.layers import outline

OUT = Path(os.environ.get("SBAS_SCREENSHOT", "docs/dock.png")).resolve()
TIMESERIES_OUT = OUT.with_name("timeseries.png")
WORKFLOW_OUT = OUT.with_name("workflow.png")
DEMO = Path(os.environ.get("SBAS_DEMO", "/tmp/sbas-demo"))
PROCESSING_PAGE, RESULTS_PAGE = 3, 4  # the workflow dock's toolbox pages
WORK = Path(tempfile.mkdtemp(prefix="sbas-shot-"))


ROWS, COLS = 60, 80


def bowl() -> np.ndarray:
    """Velocity (m/yr) of a subsidence bowl centred on row 25, column 50."""
    y, x = np.mgrid[0:ROWS, 0:COLS]
    return -0.03 * np.exp(-((x - 50) ** 2 + (y - 25) ** 2) / 120.0)


def sample_raster() -> QgsRasterLayer:
    """A subsidence bowl on an 80 m UTM 54N lattice, like a MintPy velocity export."""
    rows, cols = ROWS, COLS
    velocity = bowl()
    path = WORK / "velocity.tif"
    dataset = gdal.GetDriverByName("GTiff").Create(str(path), cols, rows, 1, gdal.GDT_Float32)
    dataset.SetGeoTransform((399_920.0, 80.0, 0, 3_900_080.0, 0, -80.0))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32654)
    dataset.SetProjection(srs.ExportToWkt())
    dataset.GetRasterBand(1).WriteArray(velocity.astype(np.float32))
    dataset = None
    return QgsRasterLayer(str(path), "velocity")


def sample_aoi() -> QgsVectorLayer:
    """A square around the bowl, drawn in EPSG:3857 as users draw on a web basemap."""
    to_web = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:32654"), QgsCoordinateReferenceSystem("EPSG:3857"), QgsProject.instance()
    )
    corners = [(403_120, 3_897_200), (404_720, 3_897_200), (404_720, 3_898_800), (403_120, 3_898_800)]
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromPolygonXY([[to_web.transform(QgsPointXY(x, y)) for x, y in corners]]))
    layer = QgsVectorLayer("Polygon?crs=EPSG:3857", "AOI (EPSG:3857)", "memory")
    layer.dataProvider().addFeatures([feature])
    outline(layer, "#d32f2f")
    return layer


def open_dock():
    raster, aoi = sample_raster(), sample_aoi()
    QgsProject.instance().addMapLayers([aoi, raster])  # the first goes on top: the AOI outline above the raster
    iface.mapCanvas().setExtent(iface.mapCanvas().mapSettings().layerExtentToOutputExtent(raster, raster.extent()))
    plugin = plugins["sbas_plugin"]
    plugin.action.setChecked(True)
    plugin.dock.toolbox.setCurrentIndex(RESULTS_PAGE)
    plugin.dock.results_page.raster_combo.setLayer(raster)
    plugin.dock.results_page.aoi_combo.setLayer(aoi)
    plugin.dock.make_points()
    QTimer.singleShot(4000, save)


def grab(path: Path) -> None:
    iface.mapCanvas().refreshAllLayers()
    path.parent.mkdir(parents=True, exist_ok=True)
    iface.mainWindow().grab().save(str(path))
    print(f"screenshot: {path}")


def save():
    grab(OUT)
    QTimer.singleShot(0, open_timeseries)


def canvas_event(dock, row: float, col: float, button=Qt.MouseButton.LeftButton, add=False) -> QgsMapMouseEvent:
    """A mouse release on the map canvas at (row, col) of the dock's stack, as the user makes it."""
    canvas, grid = iface.mapCanvas(), dock.stack.grid
    to_canvas = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem(dock.stack.crs), canvas.mapSettings().destinationCrs(), QgsProject.instance()
    )
    point = to_canvas.transform(QgsPointXY(grid.x0 + col * grid.dx, grid.y0 + row * grid.dy))
    device = canvas.getCoordinateTransform().transform(point)
    modifiers = Qt.KeyboardModifier.ControlModifier if add else Qt.KeyboardModifier.NoModifier
    where = QPoint(round(device.x()), round(device.y()))
    return QgsMapMouseEvent(canvas, QEvent.Type.MouseButtonRelease, where, button, button, modifiers)


def open_timeseries():
    """The time-series dock on the demo folder: two pixels compared, an area's mean ± std, the quality."""
    if not (DEMO / "work").is_dir():
        print(f"no demo folder {DEMO}: run `sbas demo {DEMO}` for timeseries.png and workflow.png")
        quit_qgis()
        return
    plugin = plugins["sbas_plugin"]
    plugin.action.setChecked(False)  # the time-series dock gets the whole side
    plugin.timeseries_action.setChecked(True)
    QgsProject.instance().removeAllMapLayers()  # the sample raster is on another lattice
    dock = plugin.timeseries_dock
    dock.folder_widget.setFilePath(str(DEMO / "work"))
    dock.add_result_layers()
    canvas, grid = iface.mapCanvas(), dock.stack.grid
    stack_extent = QgsRectangle(grid.x0, grid.y0 + grid.height * grid.dy, grid.x0 + grid.width * grid.dx, grid.y0)
    to_canvas = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem(dock.stack.crs), canvas.mapSettings().destinationCrs(), QgsProject.instance()
    )
    canvas.setExtent(to_canvas.transformBoundingBox(stack_extent))
    QTimer.singleShot(1000, lambda: compare(dock))  # once the canvas has the points layer: clicks get fids


def compare(dock):
    dock.pick_button.setChecked(True)
    dock.tool.canvasReleaseEvent(canvas_event(dock, 30.5, 39.5))  # the bowl's centre
    dock.tool.canvasReleaseEvent(canvas_event(dock, 8.5, 60.5, add=True))  # ground rising slowly
    for row, col in [(22.2, 30.2), (22.2, 48.2), (36.2, 48.2), (36.2, 30.2)]:  # around the bowl
        dock.area_tool.canvasReleaseEvent(canvas_event(dock, row, col))
    dock.area_tool.canvasReleaseEvent(canvas_event(dock, 36.2, 30.2, Qt.MouseButton.RightButton))
    QTimer.singleShot(1500, save_timeseries)


def save_timeseries():
    grab(TIMESERIES_OUT)
    plugins["sbas_plugin"].timeseries_dock.restore_project_state({})  # its markers off the next map
    if (DEMO / "work").is_dir():
        QTimer.singleShot(0, open_workflow)
    else:
        print(f"no demo folder {DEMO}: run `sbas demo {DEMO}` for workflow.png")
        quit_qgis()


def open_workflow():
    """The workflow dock on the demo folder: its area, its products, Run / resume."""
    plugin = plugins["sbas_plugin"]
    plugin.timeseries_action.setChecked(False)
    QgsProject.instance().removeAllMapLayers()
    QgsProject.instance().layerTreeRoot().removeAllChildren()  # the groups the time-series shot made
    plugin.action.setChecked(True)
    iface.mainWindow().resizeDocks([plugin.dock], [400], Qt.Orientation.Horizontal)
    dock = plugin.dock
    area = QgsVectorLayer(str(DEMO / "aoi_epsg3857.geojson"), "SBAS area", "ogr")
    outline(area, "#d32f2f")
    QgsProject.instance().addMapLayer(area)
    dock.work_widget.setFilePath(str(DEMO / "work"))
    dock.area_page.area_combo.setLayer(area)
    dock.time_series_page.products_widget.setFilePath(str(DEMO / "products"))
    dock.toolbox.setCurrentIndex(PROCESSING_PAGE)
    dock.log_view.clear()  # the points step of the first picture is not this run's
    dock.runner.finished.connect(lambda ok, results: show_workflow_results(area))
    dock.time_series_page.run_button.click()


def show_workflow_results(area):
    loaded = plugins["sbas_plugin"].dock.load_result_layers()
    root = QgsProject.instance().layerTreeRoot()
    root.findLayer(loaded.points.id()).setItemVisibilityChecked(False)  # the velocity raster shows
    node = root.findLayer(area.id())  # the area's outline above the velocity
    root.insertChildNode(0, node.clone())
    root.removeChildNode(node)
    canvas = iface.mapCanvas()
    extent = canvas.mapSettings().layerExtentToOutputExtent(area, area.extent())
    extent.scale(1.3)
    canvas.setExtent(extent)
    QTimer.singleShot(2500, save_workflow)


def save_workflow():
    grab(WORKFLOW_OUT)
    quit_qgis()


def quit_qgis():
    QgsProject.instance().clear()  # no "save changes?" or "temporary layers" prompt on the way out
    iface.actionExit().trigger()


iface.mainWindow().resize(1600, 1000)
QTimer.singleShot(3000, open_dock)
