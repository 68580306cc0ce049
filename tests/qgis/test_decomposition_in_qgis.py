"""sbas:decompose through processing.run and the workflow dock on a two-track demo: the same files as the core,
loaded in QGIS on the lattice, and the time-series dock showing vertical and east-west."""

import json

import processing
import pytest
from qgis.core import QgsRasterLayer, QgsVectorLayer

from sbas_plugin.core.results.decomposition import decompose_work_folders
from sbas_plugin.core.simulate.demo import run_two_track_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return run_two_track_demo(tmp_path_factory.mktemp("two_tracks"))


def _tifs(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.tif"))}


def test_decompose_algorithm_writes_what_the_core_writes(provider, demo, tmp_path):
    works = [str(demo.runs[t].work) for t in ("descending", "ascending")]
    x, y = demo.decomposition.reference
    result = processing.run(
        "sbas:decompose",
        {"WORK_A": works[0], "WORK_B": works[1], "REFERENCE": f"{x},{y} [EPSG:32654]", "OUTPUT": str(tmp_path / "a")},
    )
    assert result["OUTPUT"] == str(tmp_path / "a")
    core = decompose_work_folders(works, tmp_path / "b", reference=(x, y))
    assert _tifs(tmp_path / "a") == _tifs(core.folder.root) == _tifs(demo.decomposition.folder.root)
    vertical = QgsRasterLayer(result["VERTICAL"], "vertical")
    assert vertical.isValid() and vertical.crs().authid() == "EPSG:32654"
    extent = vertical.extent()
    assert extent.xMinimum() % 80 == 0 and extent.yMaximum() % 80 == 0 and vertical.rasterUnitsPerPixelX() == 80
    points = QgsVectorLayer(result["POINTS"], "points")
    assert points.isValid() and points.featureCount() == demo.decomposition.points
    assert {"vertical_mm_yr", "east_mm_yr"} <= set(points.fields().names())
    first = next(points.getFeatures())
    centre = first.geometry().asPoint()
    col = (centre.x() - extent.xMinimum()) / 80 - 0.5
    assert col == pytest.approx(round(col))  # a pixel centre
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["steps"]["decompose"]["reference"]["given"] is True


def test_decompose_algorithm_gives_the_cores_message(provider, demo, tmp_path):
    from qgis.core import QgsProcessingException

    work = str(demo.runs["ascending"].work)
    with pytest.raises(QgsProcessingException, match="both work folders are ascending"):
        processing.run("sbas:decompose", {"WORK_A": work, "WORK_B": work, "OUTPUT": str(tmp_path / "x")})


def test_reference_point_in_another_crs(provider, demo, tmp_path):
    from sbas_plugin.core.crs import transform_xy

    x, y = demo.decomposition.reference
    lon, lat = transform_xy([x], [y], "EPSG:32654", "EPSG:4326")
    works = [str(demo.runs[t].work) for t in ("ascending", "descending")]
    result = processing.run(
        "sbas:decompose",
        {
            "WORK_A": works[0],
            "WORK_B": works[1],
            "REFERENCE": f"{lon[0]},{lat[0]} [EPSG:4326]",
            "OUTPUT": str(tmp_path / "ll"),
        },
    )
    assert _tifs(tmp_path / "ll") == _tifs(demo.decomposition.folder.root)
    assert result["VALUES"].endswith("Geotiff_value_vertical.csv")
