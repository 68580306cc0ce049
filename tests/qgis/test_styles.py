"""Styled result layers in real QGIS: velocity in mm/yr on a diverging ramp centred on 0, coherence,
per-date displacement animated by the Temporal Controller, points.gpkg with MintPy's quality."""

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from osgeo import gdal, osr
from qgis.core import (
    QgsDateTimeRange,
    QgsExpression,
    QgsExpressionContext,
    QgsExpressionContextScope,
    QgsExpressionContextUtils,
    QgsGraduatedSymbolRenderer,
    QgsInterval,
    QgsPointXY,
    QgsProject,
    QgsRasterLayer,
    QgsSingleBandPseudoColorRenderer,
    QgsSymbolLayerUtils,
    QgsTemporalNavigationObject,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QTime
from qgis.PyQt.QtGui import QColor

from sbas_plugin.core.simulate.demo import run_demo
from sbas_plugin.gui import styles
from sbas_plugin.gui.results import COHERENCE_FIELD, VELOCITY_FIELD, day_range, load_results

UTM54 = 32654


def write_raster(path, values, x0=399_920.0, y0=3_900_080.0, size=80.0):
    height, width = values.shape
    dataset = gdal.GetDriverByName("GTiff").Create(str(path), width, height, 1, gdal.GDT_Float32)
    dataset.SetGeoTransform((x0, size, 0, y0, 0, -size))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(UTM54)
    dataset.SetProjection(srs.ExportToWkt())
    dataset.GetRasterBand(1).WriteArray(values.astype(np.float32))
    dataset = None
    layer = QgsRasterLayer(str(path), path.stem)
    assert layer.isValid()
    return layer


def colour(layer, value) -> str:
    return styles.shade(layer, value).name()


@pytest.fixture
def velocity_layer(qgis_app, tmp_path):
    """-30 .. +10 mm/yr in m/yr, with a NaN hole."""
    values = np.linspace(-0.030, 0.010, 40 * 50).reshape(40, 50)
    values[0, 0] = np.nan
    return write_raster(tmp_path / "velocity.tif", values)


def test_nice_limit():
    assert [styles.nice_limit(v) for v in (0.7, 1, 1.1, 2.5, 7, 9, 23, 41, 120)] == [
        0.8, 1, 2, 3, 8, 10, 30, 50, 200,
    ]  # fmt: skip
    assert styles.nice_limit(0) == 1.0
    assert styles.nice_limit(float("nan")) == 1.0


def test_velocity_style(velocity_layer):
    limit = styles.style_velocity(velocity_layer)
    # the 98th percentile of |v| is ~29.2 mm/yr -> 30
    assert limit == 30
    renderer = velocity_layer.renderer()
    assert isinstance(renderer, QgsSingleBandPseudoColorRenderer)
    ramp = renderer.shader().rasterShaderFunction()
    items = ramp.colorRampItemList()
    values = [item.value for item in items]
    assert values == pytest.approx([-0.03, -0.0225, -0.015, -0.0075, 0, 0.0075, 0.015, 0.0225, 0.03])
    assert values == pytest.approx([-v for v in reversed(values)])  # symmetric around 0
    assert renderer.classificationMin() == pytest.approx(-0.03)
    assert renderer.classificationMax() == pytest.approx(0.03)
    assert [item.label for item in items] == [
        "-30 mm/yr", "-22.5 mm/yr", "-15 mm/yr", "-7.5 mm/yr", "0 mm/yr", "7.5 mm/yr", "15 mm/yr", "22.5 mm/yr",
        "30 mm/yr",
    ]  # fmt: skip
    assert [label for label, _ in renderer.legendSymbologyItems()] == [item.label for item in items]
    legend = ramp.legendSettings()
    assert (legend.minimumLabel(), legend.maximumLabel()) == ("-30 mm/yr", "30 mm/yr")

    assert colour(velocity_layer, 0.0) == styles.NEUTRAL
    assert colour(velocity_layer, -0.03) == styles.SUBSIDENCE
    assert colour(velocity_layer, -0.5) == styles.SUBSIDENCE  # beyond the limit: the end colour
    assert colour(velocity_layer, 0.03) == styles.UPLIFT
    sinking, rising = QColor(colour(velocity_layer, -0.01)), QColor(colour(velocity_layer, 0.01))
    assert sinking.red() > sinking.blue() and rising.blue() > rising.red()


def test_nan_is_transparent(velocity_layer):
    styles.style_velocity(velocity_layer)
    block = velocity_layer.renderer().block(1, velocity_layer.extent(), 50, 40)
    assert QColor.fromRgba(block.color(0, 0)).alpha() == 0
    assert QColor.fromRgba(block.color(0, 1)).alpha() == 255


def test_displacement_style_uses_the_given_limit(qgis_app, tmp_path):
    layer = write_raster(tmp_path / "d.tif", np.full((10, 10), -0.002))
    styles.style_displacement(layer, 8.0)
    items = layer.renderer().shader().rasterShaderFunction().colorRampItemList()
    assert (items[0].value, items[-1].value) == pytest.approx((-0.008, 0.008))
    assert (items[0].label, items[4].label, items[-1].label) == ("-8 mm", "0 mm", "8 mm")
    assert colour(layer, 0.0) == styles.NEUTRAL
    centimetres = write_raster(tmp_path / "cm.tif", np.full((10, 10), -0.2))
    styles.style_displacement(centimetres, 8.0, mm_per_unit=10.0)
    items = centimetres.renderer().shader().rasterShaderFunction().colorRampItemList()
    assert (items[0].value, items[-1].value) == pytest.approx((-0.8, 0.8))


def test_coherence_style(qgis_app, tmp_path):
    layer = write_raster(tmp_path / "coh.tif", np.linspace(0, 1, 100).reshape(10, 10))
    styles.style_coherence(layer)
    assert isinstance(layer.renderer(), QgsSingleBandPseudoColorRenderer)
    below, at, above = (QColor(colour(layer, v)) for v in (0.69, 0.71, 0.95))
    assert below.red() == below.green() == below.blue()  # grey below the threshold
    assert at.name() != below.name() and above.name() != at.name()
    assert any("0.7" in label for label, _ in layer.renderer().legendSymbologyItems())


# --- a whole work folder, made once by the demo -------------------------------------------------


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return run_demo(tmp_path_factory.mktemp("demo")).run.work


@pytest.fixture
def loaded(qgis_app, work):
    project = QgsProject.instance()
    project.clear()
    yield load_results(work, project)
    project.clear()


def test_group_and_layers(loaded, work):
    assert loaded.group.name() == f"SBAS {work.name}"
    names = [child.name() for child in loaded.group.children()]
    assert names == ["Points (velocity mm/yr)", "Displacement (mm)", "Velocity (mm/yr)", "Temporal coherence"]
    assert isinstance(loaded.velocity.renderer(), QgsSingleBandPseudoColorRenderer)
    items = loaded.velocity.renderer().shader().rasterShaderFunction().colorRampItemList()
    assert items[0].value == pytest.approx(-items[-1].value)
    assert items[-1].value == pytest.approx(loaded.velocity_limit_mm / 1000)
    assert items[-1].label == f"{loaded.velocity_limit_mm:g} mm/yr"


def test_displacement_layers_are_temporal(loaded, work):
    tifs = sorted((work / "GeoTiffs" / "displacement_maps" / "unwrapped" / "Meters").glob("*.tif"))
    expected = [dt.datetime.strptime(p.name.split("_")[1], "%Y%m%d").date() for p in tifs]
    assert loaded.dates == expected == sorted(set(expected))
    assert len(loaded.displacement) == len(tifs)
    for layer, date in zip(loaded.displacement, loaded.dates):
        temporal = layer.temporalProperties()
        assert temporal.isActive()
        start = QDateTime(QDate(date.year, date.month, date.day), QTime(0, 0))
        assert temporal.fixedTemporalRange().begin() == start
        assert temporal.fixedTemporalRange().end() == start.addDays(1)
        assert temporal.fixedTemporalRange() == day_range(date)
        # the same limit on every date: comparable frames
        items = layer.renderer().shader().rasterShaderFunction().colorRampItemList()
        assert items[-1].value == pytest.approx(loaded.displacement_limit_mm / 1000)

    # A filter on one day, and every frame of the Temporal Controller, shows exactly one date.
    noon = QDateTime(QDate(2020, 1, 27), QTime(12, 0))
    one_day = QgsDateTimeRange(noon, noon.addSecs(60))
    assert [lyr.temporalProperties().isVisibleInTemporalRange(one_day) for lyr in loaded.displacement].count(True) == 1
    assert one_frame_per_date(QgsProject.instance(), loaded.displacement, loaded.dates)


def one_frame_per_date(project, layers, dates) -> bool:
    """Every frame of a Temporal Controller set to the project's range and step shows exactly its date."""
    settings = project.timeSettings()
    navigation = QgsTemporalNavigationObject()
    navigation.setTemporalExtents(settings.temporalRange())
    navigation.setFrameDuration(QgsInterval(settings.timeStep() * 86400))
    assert navigation.totalFrameCount() == len(dates)
    for frame in range(navigation.totalFrameCount()):
        window = navigation.dateTimeRangeForFrameNumber(frame)
        shown = [d for lyr, d in zip(layers, dates) if lyr.temporalProperties().isVisibleInTemporalRange(window)]
        assert shown == [dates[frame]], (frame, window)
    return True


def test_temporal_frames_survive_saving_the_project(loaded, tmp_path):
    project = QgsProject.instance()
    ids = [layer.id() for layer in loaded.displacement]
    assert project.write(str(tmp_path / "p.qgz"))
    project.clear()
    assert project.read(str(tmp_path / "p.qgz"))
    layers = [project.mapLayer(i) for i in ids]
    assert all(layers)
    assert one_frame_per_date(project, layers, loaded.dates)


def test_points_are_the_geopackage_with_mintpys_quality(loaded, work):
    points = loaded.points
    assert points.providerType() == "ogr"
    assert Path(points.source().split("|")[0]) == work / "points.gpkg"  # the file itself, no memory copy
    names = points.fields().names()
    for name in ("fid", "x", "y", VELOCITY_FIELD, COHERENCE_FIELD, "low_quality", "velocity_std_mm_yr"):
        assert name in names
    source = QgsRasterLayer(str(work / "GeoTiffs" / "velocity.tif"), "v")
    coherence = QgsRasterLayer(str(work / "GeoTiffs" / "TemporalCoherence.tif"), "c")
    features = list(points.getFeatures())
    assert len(features) > 1000
    checked = 0
    for feature in features[::7]:
        where = QgsPointXY(feature["x"], feature["y"])
        assert feature.geometry().asPoint() == where
        v, ok = source.dataProvider().sample(where, 1)
        c, ok_c = coherence.dataProvider().sample(where, 1)
        if ok and np.isfinite(v):
            assert feature[VELOCITY_FIELD] == pytest.approx(v * 1000, rel=1e-6)
            checked += 1
        else:
            assert not isinstance(feature[VELOCITY_FIELD], float)  # NULL (a null QVariant in PyQt5)
        assert ok_c and feature[COHERENCE_FIELD] == pytest.approx(c, abs=1e-6)
        assert feature["low_quality"] == int(c < 0.7)
    assert checked > 100
    renderer = points.renderer()
    assert isinstance(renderer, QgsGraduatedSymbolRenderer)
    assert renderer.classAttribute() == f'coalesce("{VELOCITY_FIELD}", 0)'  # no velocity: still drawn
    bounds = [(r.lowerValue(), r.upperValue()) for r in renderer.ranges()]
    middle = bounds[len(bounds) // 2]
    assert middle[0] == pytest.approx(-middle[1])  # the neutral class is centred on 0
    assert renderer.ranges()[0].symbol().color().name() == styles.SUBSIDENCE


def fill_alpha(layer, feature) -> int:
    """The fill alpha the points' class symbols give a feature: their data-defined fill colour
    evaluated for it (every class symbol carries the same expression)."""
    ranges = layer.renderer().ranges()  # kept referenced: the symbol lives in it
    symbol = ranges[0].symbol()
    fill = symbol.symbolLayer(0).dataDefinedProperties().property(styles._symbol_property("FillColor"))
    context = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    scope = QgsExpressionContextScope()
    scope.setVariable("symbol_color", symbol.color())
    context.appendScope(scope)
    context.setFeature(feature)
    value = QgsExpression(fill.expressionString()).evaluate(context)
    colour = value if isinstance(value, QColor) else QgsSymbolLayerUtils.decodeColor(value)
    return colour.alpha()


def test_flagged_points_are_hollow(loaded):
    points = loaded.points
    low = next(f for f in points.getFeatures() if f["low_quality"] == 1)
    good = next(f for f in points.getFeatures() if f["low_quality"] == 0)
    assert fill_alpha(points, low) == 0
    assert fill_alpha(points, good) == 255


def test_points_survive_saving_the_project(loaded, tmp_path):
    project = QgsProject.instance()
    layer_id, count = loaded.points.id(), loaded.points.featureCount()
    assert project.write(str(tmp_path / "p.qgz"))
    project.clear()
    assert project.read(str(tmp_path / "p.qgz"))
    points = project.mapLayer(layer_id)
    assert points.isValid() and points.featureCount() == count
    assert isinstance(points.renderer(), QgsGraduatedSymbolRenderer)


def test_points_geopackage_untouched(qgis_app, work):
    before = (work / "points.gpkg").stat().st_mtime_ns
    project = QgsProject.instance()
    project.clear()
    load_results(work, project)
    project.clear()
    assert (work / "points.gpkg").stat().st_mtime_ns == before


def test_time_series_dock_adds_the_result_layers(qgis_iface, work, tmp_path):
    from sbas_plugin.gui.timeseries_dock import TimeseriesDock

    project = QgsProject.instance()
    project.clear()
    dock = TimeseriesDock(qgis_iface)
    try:
        dock.folder_widget.setFilePath(str(tmp_path))  # no results here: a warning, nothing added
        dock.add_result_layers()
        assert project.layerTreeRoot().children() == []
        dock.folder_widget.setFilePath(str(work))
        dock.add_result_layers()
        assert [group.name() for group in project.layerTreeRoot().children()] == [f"SBAS {work.name}"]
    finally:
        dock.close()
        dock.deleteLater()
        project.clear()
