"""GeoPackages written by sbas_plugin.core.results.gpkg (sqlite3, not GDAL) open in QGIS as ordinary point layers."""

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from qgis.core import (
    QgsFeatureRequest,
    QgsFeatureSource,
    QgsGeometry,
    QgsPointXY,
    QgsRectangle,
    QgsVectorLayer,
    QgsWkbTypes,
)

from sbas_plugin.core.grid import Grid
from sbas_plugin.core.results.gpkg import write_points_gpkg
from sbas_plugin.core.results.points import pixel_centres_in_polygons

SBAS = Path(sys.executable).parent / "sbas"


def test_qgis_reads_the_layer_with_ids_attributes_crs_and_index(utm_raster, tmp_path):
    grid = Grid(x0=399_920.0, y0=3_900_080.0, dx=80.0, dy=-80.0, width=1000, height=1000)
    points = pixel_centres_in_polygons(grid, [[[(0, 0), (1e7, 0), (1e7, 1e7), (0, 1e7)]]])
    path = write_points_gpkg(
        tmp_path / "points.gpkg",
        points.x,
        points.y,
        utm_raster.crs().toWkt(),
        columns={"row": points.rows, "col": points.cols},
    )
    start = time.perf_counter()
    layer = QgsVectorLayer(str(path), "p", "ogr")
    assert layer.isValid()
    assert layer.featureCount() == 1_000_000
    assert time.perf_counter() - start < 5
    assert layer.crs().authid() == "EPSG:32654"
    assert layer.wkbType() == QgsWkbTypes.Type.Point
    assert layer.fields().names() == ["fid", "x", "y", "row", "col"]
    assert layer.hasSpatialIndex() == QgsFeatureSource.SpatialIndexPresence.SpatialIndexPresent
    extent = layer.extent()
    assert (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()) == (
        399_960.0,
        3_820_120.0,
        479_880.0,
        3_900_040.0,
    )
    feature = layer.getFeature(1002)
    point = feature.geometry().asPoint()
    assert (feature["fid"], feature["row"], feature["col"]) == (1002, 1, 1)
    assert (point.x(), point.y()) == (feature["x"], feature["y"]) == (400_040.0, 3_899_960.0)
    # A map-canvas-sized request goes through the R-tree: exactly the points inside, quickly.
    start = time.perf_counter()
    request = QgsFeatureRequest().setFilterRect(QgsRectangle(400_000, 3_890_000, 401_000, 3_891_000))
    found = sorted(f.id() for f in layer.getFeatures(request))
    assert time.perf_counter() - start < 1
    inside = (points.x >= 400_000) & (points.x <= 401_000) & (points.y >= 3_890_000) & (points.y <= 3_891_000)
    assert found == (np.nonzero(inside)[0] + 1).tolist()


def test_qgis_edits_the_layer_and_the_index_follows(utm_raster, tmp_path):
    path = write_points_gpkg(
        tmp_path / "points.gpkg", [400_040.0, 400_120.0], [3_899_960.0] * 2, utm_raster.crs().toWkt()
    )
    layer = QgsVectorLayer(str(path), "p", "ogr")
    moved = QgsGeometry.fromPointXY(QgsPointXY(450_000.0, 3_850_000.0))
    assert layer.dataProvider().changeGeometryValues({1: moved})
    assert layer.dataProvider().deleteFeatures([2])

    def ids_in(xmin, ymin, xmax, ymax):
        request = QgsFeatureRequest().setFilterRect(QgsRectangle(xmin, ymin, xmax, ymax))
        return [f.id() for f in layer.getFeatures(request)]

    assert ids_in(400_000, 3_899_900, 400_200, 3_900_000) == []
    assert ids_in(449_000, 3_849_000, 451_000, 3_851_000) == [1]


def test_sbas_points_gpkg_opens_in_qgis(utm_raster, tmp_path):
    out = tmp_path / "points.gpkg"
    aoi = "POLYGON((400100 3898500,400900 3898500,400900 3899300,400100 3899300,400100 3898500))"
    result = subprocess.run(
        [
            str(SBAS),
            "points",
            "--raster",
            utm_raster.source(),
            "--aoi",
            aoi,
            "--aoi-crs",
            "EPSG:32654",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    layer = QgsVectorLayer(str(out), "p", "ogr")
    assert layer.isValid() and layer.featureCount() == 100
    assert layer.crs().authid() == "EPSG:32654"
    first = layer.getFeature(1)
    assert (first["fid"], first["row"], first["col"]) == (1, 10, 2)
    assert first.geometry().asPoint().x() == first["x"] == 399_920.0 + 2.5 * 80
