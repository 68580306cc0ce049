"""Run inside QGIS (qgis --code): open the plugin's dock on sample data, save a screenshot, quit.

Used by scripts/screenshot.sh; the picture goes to $SBAS_SCREENSHOT (default docs/dock.png)."""

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
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtGui import QColor
from qgis.utils import iface, plugins

OUT = Path(os.environ.get("SBAS_SCREENSHOT", "docs/dock.png")).resolve()
WORK = Path(tempfile.mkdtemp(prefix="sbas-shot-"))


def sample_raster() -> QgsRasterLayer:
    """A subsidence bowl on an 80 m UTM 54N lattice, like a MintPy velocity export."""
    rows, cols = 60, 80
    y, x = np.mgrid[0:rows, 0:cols]
    velocity = -0.03 * np.exp(-((x - 50) ** 2 + (y - 25) ** 2) / 120.0)
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


def save():
    iface.mapCanvas().refreshAllLayers()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    iface.mainWindow().grab().save(str(OUT))
    print(f"screenshot: {OUT}")
    QgsProject.instance().clear()  # no "save changes?" or "temporary layers" prompt on the way out
    iface.actionExit().trigger()


iface.mainWindow().resize(1600, 1000)
QTimer.singleShot(3000, open_dock)
