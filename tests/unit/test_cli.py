import subprocess
import sys
from pathlib import Path

from sbas_plugin.__about__ import __version__

SBAS = Path(sys.executable).parent / "sbas"


def test_sbas_command_and_module_agree():
    for command in ([str(SBAS), "--version"], [sys.executable, "-m", "sbas_plugin", "--version"]):
        result = subprocess.run(command, capture_output=True, text=True, check=True)
        assert result.stdout.strip() == f"sbas {__version__}"


def test_help_lists_the_commands():
    result = subprocess.run([str(SBAS), "--help"], capture_output=True, text=True, check=True)
    assert "usage: sbas" in result.stdout
    assert "points" in result.stdout and "check" in result.stdout


def sbas(*args):
    return subprocess.run([str(SBAS), *args], capture_output=True, text=True)


def write_utm_geotiff(path, crs="EPSG:32654"):
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    profile = dict(driver="GTiff", width=50, height=40, count=1, dtype="float32", crs=crs)
    with rasterio.open(path, "w", transform=from_origin(399_920.0, 3_900_080.0, 80.0, 80.0), **profile) as out:
        out.write(np.zeros((1, 40, 50), dtype="float32"))
    return path


def test_check_reports_every_package():
    result = sbas("check")
    assert result.returncode == 0, result.stdout
    for name in ("hyp3_sdk", "asf_search", "mintpy", "h5py", "rasterio", "matplotlib"):
        assert name in result.stdout
    assert "MISSING" not in result.stdout


def test_points_from_web_mercator_wkt(tmp_path):
    raster = write_utm_geotiff(tmp_path / "velocity.tif")
    from pyproj import Transformer

    to_web = Transformer.from_crs(32654, 3857, always_xy=True)
    corners = [(400_100, 3_898_500), (400_900, 3_898_500), (400_900, 3_899_300), (400_100, 3_899_300)]
    ring = [to_web.transform(x, y) for x, y in corners + corners[:1]]
    wkt = "POLYGON((" + ",".join(f"{x} {y}" for x, y in ring) + "))"
    out = tmp_path / "points.csv"
    result = sbas("points", "--raster", str(raster), "--aoi", wkt, "--aoi-crs", "EPSG:3857", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"100 pixel-centre points written to {out}"
    lines = out.read_text().splitlines()
    assert lines[0] == "fid,x,y" and lines[1] == "1,400120.0,3899240.0" and len(lines) == 101


def test_points_errors_are_clear_and_write_nothing(tmp_path):
    raster = write_utm_geotiff(tmp_path / "velocity.tif")
    out = tmp_path / "points.csv"
    no_crs = sbas("points", "--raster", str(raster), "--aoi", "POLYGON((0 0,1 0,1 1,0 0))", "--out", str(out))
    assert no_crs.returncode == 2 and "--aoi-crs" in no_crs.stderr
    missing = sbas("points", "--raster", str(tmp_path / "nope.tif"), "--aoi", "x", "--out", str(out))
    assert missing.returncode == 2 and "nope.tif" in missing.stderr
    not_polygon = sbas(
        "points", "--raster", str(raster), "--aoi", "POINT(1 2)", "--aoi-crs", "EPSG:32654", "--out", str(out)
    )
    assert not_polygon.returncode == 2 and "no polygon" in not_polygon.stderr
    assert not out.exists()


def test_points_to_geopackage(tmp_path):
    from osgeo import ogr
    from osgeo_utils.samples import validate_gpkg

    raster = write_utm_geotiff(tmp_path / "velocity.tif")
    aoi = "POLYGON((400100 3898500,400900 3898500,400900 3899300,400100 3899300,400100 3898500))"
    out = tmp_path / "points.gpkg"
    result = sbas("points", "--raster", str(raster), "--aoi", aoi, "--aoi-crs", "EPSG:32654", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"100 pixel-centre points written to {out}"
    assert validate_gpkg.check(str(out), warning_as_error=True) == []
    dataset = ogr.Open(str(out))
    layer = dataset.GetLayer("points")
    assert layer.GetFeatureCount() == 100 and layer.GetSpatialRef().GetAuthorityCode(None) == "32654"
    first = layer.GetFeature(1)
    assert (first["x"], first["y"], first["row"], first["col"]) == (400_120.0, 3_899_240.0, 10, 2)
    assert (first.GetGeometryRef().GetX(), first.GetGeometryRef().GetY()) == (400_120.0, 3_899_240.0)
    csv = tmp_path / "points.csv"
    as_csv = sbas("points", "--raster", str(raster), "--aoi", aoi, "--aoi-crs", "EPSG:32654", "--out", str(csv))
    assert as_csv.returncode == 0, as_csv.stderr
    assert csv.read_text().splitlines()[1] == "1,400120.0,3899240.0"


def test_points_output_format_follows_the_extension(tmp_path):
    raster = write_utm_geotiff(tmp_path / "velocity.tif")
    aoi = "POLYGON((400100 3898500,400900 3898500,400900 3899300,400100 3899300,400100 3898500))"
    for out, message in (
        (tmp_path / "points.shp", "must be .csv or .gpkg"),
        (tmp_path / "points", "must be .csv or .gpkg"),
        (tmp_path / "missing" / "points.gpkg", "does not exist"),
    ):
        result = sbas("points", "--raster", str(raster), "--aoi", aoi, "--aoi-crs", "EPSG:32654", "--out", str(out))
        assert result.returncode == 2 and message in result.stderr, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["velocity.tif"]
