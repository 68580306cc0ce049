"""The whole pipeline on a synthetic HyP3 stack with known truth: accuracy, exact geometry, reruns."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import rasterio

from sbas_plugin.core.demo import run_demo
from sbas_plugin.core.pipeline import run_pipeline
from sbas_plugin.core.points import Canceled, read_points_csv

pytestmark = pytest.mark.mintpy
SBAS = Path(sys.executable).parent / "sbas"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return run_demo(tmp_path_factory.mktemp("demo"))


def read_values(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def test_demo_recovers_the_truth_within_a_few_mm(demo):
    assert demo.rms_mm < 2.0
    assert demo.points > 1000 and demo.dates == 8


def test_outputs_are_where_users_expect_them(demo):
    work = demo.run.work
    maps = sorted((work / "GeoTiffs" / "displacement_maps" / "unwrapped" / "Meters").glob("*.tif"))
    assert len(maps) == 8
    assert maps[0].name == "20200103_20200103_timeseries_demErr_Meters_unwrapped.tif"
    assert maps[1].name == "20200103_20200115_timeseries_demErr_Meters_unwrapped.tif"
    for name in ("velocity", "velocity_std", "TemporalCoherence", "avgSpatialCoh", "maskTempCoh", "numInvIfgram"):
        assert (work / "GeoTiffs" / f"{name}.tif").is_file()
    header, body = read_values(work / "Geotiff_value.csv")
    assert header[:3] == ["Date", "1_value", "2_value"]
    assert [row[0] for row in body[:2]] == ["20200103_20200103", "20200103_20200115"]
    manifest = json.loads((work / "manifest.json").read_text())
    assert set(manifest["steps"]) == {"clip", "mintpy", "export", "points", "extract"}
    assert manifest["versions"]["mintpy"] and manifest["inputs"]["aoi"].endswith("aoi_epsg3857.geojson")


def test_geotiffs_and_points_share_the_hyp3_lattice(demo):
    work = demo.run.work
    grid = json.loads((work / "manifest.json").read_text())["steps"]["clip"]["grid"]
    x0, y0, dx, dy = grid[:4]
    assert x0 % 80 == 0 and y0 % 80 == 0
    points = read_points_csv(work / "points.csv")
    assert np.all((points.x - 40) % 80 == 0) and np.all((points.y - 40) % 80 == 0)  # pixel centres
    with rasterio.open(next((work / "GeoTiffs").glob("velocity.tif"))) as velocity:
        assert velocity.transform.to_gdal() == (x0, dx, 0.0, y0, 0.0, dy)
        assert velocity.crs.to_epsg() == 32654


def test_sharp_feature_lands_on_exactly_its_points(demo):
    """The 2x2-pixel sinkhole must be the four points that subside most relative to their
    neighbourhood: any half- or one-pixel shift in clip, export or extraction moves it."""
    truth = np.load(demo.run.work.parent / "truth.npz")
    points = read_points_csv(demo.run.points_csv)
    _, body = read_values(demo.run.values_csv)
    last = np.array([float(v) if v else np.nan for v in body[-1][1:]])
    # Subsidence relative to the median of the 5x5 pixels around each point.
    grid = {(x, y): value for x, y, value in zip(points.x, points.y, last)}
    contrast = []
    for x, y, value in zip(points.x, points.y, last):
        if np.isnan(value):  # no data there: cannot be the sinkhole
            contrast.append(np.inf)
            continue
        around = [grid.get((x + 80 * i, y + 80 * j), np.nan) for i in range(-2, 3) for j in range(-2, 3)]
        contrast.append(value - np.nanmedian(around))
    deepest = {(points.x[i], points.y[i]) for i in np.argsort(contrast)[:4]}
    assert deepest == {tuple(p) for p in truth["sharp_feature"]}


def test_rerun_skips_every_finished_step(demo):
    log = demo.run.mintpy_dir / "sbas_mintpy.log"
    size = log.stat().st_size
    again = run_demo(demo.run.work.parent)
    assert log.stat().st_size == size  # MintPy did not start again
    assert again.run.skipped == ["clip", "export", "points", "extract"]
    assert again.rms_mm == demo.rms_mm


def test_killed_run_is_finished_identically(demo, tmp_path):
    """Cancel in the export step (after MintPy), then rerun: the same Geotiff_value.csv."""
    products = demo.run.work.parent / "products"
    work = tmp_path / "work"
    with pytest.raises(Canceled):
        run_pipeline(products, str(demo.aoi), work, is_canceled=lambda: (work / "GeoTiffs").exists())
    assert not (work / "Geotiff_value.csv").exists()
    result = run_pipeline(products, str(demo.aoi), work)
    assert "clip" in result.skipped
    assert (work / "Geotiff_value.csv").read_bytes() == demo.run.values_csv.read_bytes()
    assert (work / "points.gpkg").is_file()


def test_sbas_run_cli_with_an_area_in_lon_lat(demo, tmp_path):
    """The same area given in EPSG:4326 instead of 3857: the same points, the same values."""
    from osgeo import ogr, osr

    dataset = ogr.Open(str(demo.aoi))
    layer = dataset.GetLayer(0)
    feature = layer.GetNextFeature()  # OGR frees a geometry with its feature: keep both referenced
    geometry = feature.GetGeometryRef().Clone()
    web, lonlat = osr.SpatialReference(), osr.SpatialReference()
    web.ImportFromEPSG(3857)
    lonlat.ImportFromEPSG(4326)
    for srs in (web, lonlat):
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    geometry.Segmentize(50.0)  # the same edges as drawn in 3857
    geometry.Transform(osr.CoordinateTransformation(web, lonlat))
    work = tmp_path / "work"
    run = subprocess.run(
        [
            str(SBAS),
            "run",
            "--products",
            str(demo.run.work.parent / "products"),
            "--aoi",
            geometry.ExportToWkt(),
            "--aoi-crs",
            "EPSG:4326",
            "--work",
            str(work),
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Geotiff_value.csv" in run.stdout
    assert (work / "points.csv").read_bytes() == demo.run.points_csv.read_bytes()
    assert (work / "Geotiff_value.csv").read_bytes() == demo.run.values_csv.read_bytes()


def test_bad_inputs_give_clear_errors(demo, tmp_path):
    products = str(demo.run.work.parent / "products")
    outside = subprocess.run(
        [
            str(SBAS),
            "run",
            "--products",
            products,
            "--aoi",
            "POLYGON((0 0,1 0,1 1,0 0))",
            "--aoi-crs",
            "EPSG:4326",
            "--work",
            str(tmp_path / "w"),
        ],
        capture_output=True,
        text=True,
    )
    assert outside.returncode == 2 and "outside every product" in outside.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    none = subprocess.run(
        [str(SBAS), "run", "--products", str(empty), "--aoi", str(demo.aoi), "--work", str(tmp_path / "w")],
        capture_output=True,
        text=True,
    )
    assert none.returncode == 2 and "no HyP3 InSAR products" in none.stderr


def test_extract_takes_a_geopackage_and_its_crs(demo, tmp_path):
    """points.gpkg in the rasters' CRS, and the same points written in EPSG:3857: both give the
    pipeline's Geotiff_value.csv, the CRS taken from the layer."""
    from sbas_plugin.core.crs import transform_xy
    from sbas_plugin.core.gpkg import write_points_gpkg

    points = read_points_csv(demo.run.points_csv)
    x, y = transform_xy(points.x, points.y, "EPSG:32654", "EPSG:3857")
    web = write_points_gpkg(tmp_path / "web.gpkg", x, y, "EPSG:3857", fid=points.fid)
    for gpkg in (demo.run.points_gpkg, web):
        out = tmp_path / f"{gpkg.stem}.csv"
        run = subprocess.run(
            [str(SBAS), "extract", "--work", str(demo.run.work), "--points", str(gpkg), "--out", str(out)],
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr
        assert out.read_bytes() == demo.run.values_csv.read_bytes()
