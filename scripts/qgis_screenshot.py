"""Run inside QGIS (qgis --code): open the plugin's dock on sample data, save a screenshot, then
open the time-series dock on a small MintPy-shaped stack, click two pixels, save a second one, quit.

Used by scripts/screenshot.sh; the first picture goes to $SBAS_SCREENSHOT (default docs/dock.png),
the second to timeseries.png beside it."""

import os
import tempfile
from pathlib import Path

import h5py
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
    QgsVectorLayer,
)
from qgis.gui import QgsMapMouseEvent
from qgis.PyQt.QtCore import QEvent, QPoint, Qt, QTimer
from qgis.PyQt.QtGui import QColor
from qgis.utils import iface, plugins

OUT = Path(os.environ.get("SBAS_SCREENSHOT", "docs/dock.png")).resolve()
TIMESERIES_OUT = OUT.with_name("timeseries.png")
WORK = Path(tempfile.mkdtemp(prefix="sbas-shot-"))


ROWS, COLS = 60, 80
X0, Y0, PIXEL = 399_920.0, 3_900_080.0, 80.0


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
    symbol = layer.renderer().symbol().symbolLayer(0)
    symbol.setBrushStyle(Qt.BrushStyle.NoBrush)
    symbol.setStrokeColor(QColor("#d32f2f"))
    symbol.setStrokeWidth(0.8)
    return layer


def open_dock():
    raster, aoi = sample_raster(), sample_aoi()
    QgsProject.instance().addMapLayers([aoi, raster])  # the first goes on top: the AOI outline above the raster
    iface.mapCanvas().setExtent(iface.mapCanvas().mapSettings().layerExtentToOutputExtent(raster, raster.extent()))
    plugin = plugins["sbas_plugin"]
    plugin.action.setChecked(True)
    plugin.dock.raster_combo.setLayer(raster)
    plugin.dock.aoi_combo.setLayer(aoi)
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


def sample_work_folder() -> Path:
    """mintpy/timeseries.h5 (2 years every 12 days: the bowl's subsidence, a seasonal swing, noise) and
    temporalCoherence.h5 (low in the west), as MintPy writes them, on the raster's lattice."""
    rng = np.random.default_rng(3)
    days = np.arange(0, 730, 12)
    years = days[:, None, None] / 365.25
    series = bowl() * years + 0.004 * np.sin(2 * np.pi * years) + rng.normal(0, 0.0015, (len(days), ROWS, COLS))
    coherence = np.clip(0.5 + np.arange(COLS) / COLS, 0, 0.98)[None, :].repeat(ROWS, axis=0)
    mintpy = WORK / "work" / "mintpy"
    mintpy.mkdir(parents=True)
    dates = np.datetime64("2021-01-04") + days
    with h5py.File(mintpy / "timeseries.h5", "w") as f:
        f.create_dataset("timeseries", data=series.astype(np.float32), chunks=True)
        f.create_dataset("date", data=np.array([str(d).replace("-", "") for d in dates], dtype=np.string_))
        f.attrs.update(
            X_FIRST=str(X0), Y_FIRST=str(Y0), X_STEP=str(PIXEL), Y_STEP=str(-PIXEL), WIDTH=str(COLS),
            LENGTH=str(ROWS), EPSG="32654", REF_DATE=str(dates[0]).replace("-", ""),
        )  # fmt: skip
    with h5py.File(mintpy / "temporalCoherence.h5", "w") as f:
        f.create_dataset("temporalCoherence", data=coherence.astype(np.float32), chunks=True)
    return WORK / "work"


def click(dock, row: float, col: float, add: bool) -> None:
    """A click on the map canvas at (row, col) of the stack, as the user makes it."""
    canvas = iface.mapCanvas()
    to_canvas = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:32654"), canvas.mapSettings().destinationCrs(), QgsProject.instance()
    )
    point = to_canvas.transform(QgsPointXY(X0 + col * PIXEL, Y0 - row * PIXEL))
    device = canvas.getCoordinateTransform().transform(point)
    modifiers = Qt.KeyboardModifier.ControlModifier if add else Qt.KeyboardModifier.NoModifier
    event = QgsMapMouseEvent(
        canvas,
        QEvent.Type.MouseButtonRelease,
        QPoint(round(device.x()), round(device.y())),
        Qt.MouseButton.LeftButton,
        Qt.MouseButton.LeftButton,
        modifiers,
    )
    dock.tool.canvasReleaseEvent(event)


def open_timeseries():
    plugin = plugins["sbas_plugin"]
    plugin.action.setChecked(False)  # the time-series dock gets the whole side
    plugin.timeseries_action.setChecked(True)
    dock = plugin.timeseries_dock
    dock.folder_widget.setFilePath(str(sample_work_folder()))
    dock.pick_button.setChecked(True)
    click(dock, 25.5, 50.5, add=False)  # the bowl's centre
    click(dock, 40.5, 12.5, add=True)  # stable ground, lower coherence
    QTimer.singleShot(1500, save_timeseries)


def save_timeseries():
    grab(TIMESERIES_OUT)
    QgsProject.instance().clear()  # no "save changes?" or "temporary layers" prompt on the way out
    iface.actionExit().trigger()


iface.mainWindow().resize(1600, 1000)
QTimer.singleShot(3000, open_dock)
