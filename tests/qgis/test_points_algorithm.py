"""sbas:points through Processing and through the dock's background task."""

import time

import processing
import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication

import sbas_plugin


@pytest.fixture
def plugin(qgis_iface, qgis_processing):
    loaded = sbas_plugin.classFactory(qgis_iface)
    loaded.initGui()
    yield loaded
    loaded.unload()


def polygon_layer(crs: str, rings) -> QgsVectorLayer:
    layer = QgsVectorLayer(f"Polygon?crs={crs}", "aoi", "memory")
    features = []
    for ring in rings:
        feature = QgsFeature()
        feature.setGeometry(QgsGeometry.fromPolygonXY([[QgsPointXY(x, y) for x, y in ring]]))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def web_mercator_square(utm_box):
    """The UTM box's corners expressed in EPSG:3857, as a user would draw it on a web basemap."""
    to_3857 = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:32654"), QgsCoordinateReferenceSystem("EPSG:3857"), QgsProject.instance()
    )
    xmin, ymin, xmax, ymax = utm_box
    return [
        (p.x(), p.y())
        for p in (
            to_3857.transform(QgsPointXY(x, y)) for x, y in ((xmin, ymin), (xmax, ymin), (xmax, ymax), (xmin, ymax))
        )
    ]


def test_points_at_pixel_centres_in_raster_crs(plugin, utm_raster):
    # Box edges fall mid-pixel (pixel centres are at 399_960 + 80 k), so the answer is unambiguous:
    # columns whose centres lie in (400_100, 400_900) and rows in (3_898_500, 3_899_300): 10 x 10.
    aoi = polygon_layer("EPSG:3857", [web_mercator_square((400_100, 3_898_500, 400_900, 3_899_300))])
    result = processing.run("sbas:points", {"RASTER": utm_raster, "AOI": aoi, "OUTPUT": "TEMPORARY_OUTPUT"})
    points = result["OUTPUT"]
    assert points.crs().authid() == "EPSG:32654"
    features = list(points.getFeatures())
    assert len(features) == 100
    xs = sorted({f["x"] for f in features})
    ys = sorted({f["y"] for f in features})
    assert xs == [400_120.0 + 80 * k for k in range(10)]
    assert ys == [3_898_520.0 + 80 * k for k in range(10)]
    first = min(features, key=lambda f: f["fid"])
    assert (first["fid"], first["row"], first["col"]) == (1, 10, 2)
    assert (first["x"], first["y"]) == (first.geometry().asPoint().x(), first.geometry().asPoint().y())
    assert first["x"] == 399_920.0 + (2 + 0.5) * 80 and first["y"] == 3_900_080.0 - (10 + 0.5) * 80


def test_area_outside_raster_gives_no_points(plugin, utm_raster):
    aoi = polygon_layer("EPSG:32654", [[(0, 0), (100, 0), (100, 100), (0, 100)]])
    result = processing.run("sbas:points", {"RASTER": utm_raster, "AOI": aoi, "OUTPUT": "TEMPORARY_OUTPUT"})
    assert result["OUTPUT"].featureCount() == 0


def test_dock_runs_points_as_background_task(plugin, utm_raster, qgis_iface):
    project = QgsProject.instance()
    aoi = polygon_layer(
        "EPSG:32654", [[(400_100, 3_898_500), (400_900, 3_898_500), (400_900, 3_899_300), (400_100, 3_899_300)]]
    )
    project.addMapLayers([utm_raster, aoi])
    dock = plugin.dock
    dock.results_page.raster_combo.setLayer(utm_raster)
    dock.results_page.aoi_combo.setLayer(aoi)
    dock.make_points()
    assert not dock.results_page.points_button.isEnabled()
    deadline = time.monotonic() + 30
    while not dock.results_page.points_button.isEnabled() and time.monotonic() < deadline:
        QCoreApplication.processEvents()  # the test is the main thread: let finished() run
        time.sleep(0.01)
    made = [layer for layer in project.mapLayers().values() if layer.name() == "Pixel-centre points"]
    assert len(made) == 1 and made[0].featureCount() == 100
    assert plugin.tasks.running() == []
    project.removeAllMapLayers()
