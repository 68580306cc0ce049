"""The coherence report on a real MintPy run: per interferogram, by baseline and season, per
land-cover class, checked against numpy on MintPy's own arrays."""

import csv
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest
from conftest import run_synthetic
from osgeo import ogr, osr
from PIL import Image

from sbas_plugin.core.reports.coherence import CoherenceError, coherence_report, read_class_polygons

pytestmark = pytest.mark.mintpy
SBAS = Path(sys.executable).parent / "sbas"
EPSG = 32654


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """One real pipeline run (MintPy once for the module); the area takes in part of the lake."""
    corners = [(2, 2), (38, 2), (38, 29), (2, 29)]
    return run_synthetic(tmp_path_factory.mktemp("coherence"), corners, n_dates=5, shape=(30, 40))[1].work


def stack_arrays(work):
    """MintPy's coherence cube, pairs, land mask and grid, read whole with h5py."""
    inputs = work / "mintpy" / "inputs"
    with h5py.File(inputs / "ifgramStack.h5", "r") as f:
        cube = f["coherence"][()]
        pairs = [(a.decode(), b.decode()) for a, b in f["date"][()]]
        attrs = dict(f.attrs)
    with h5py.File(inputs / "geometryGeo.h5", "r") as f:
        land = f["waterMask"][()].astype(bool)
    return cube, pairs, land, attrs


def expected_stats(values):
    values = values.astype(np.float64)
    shares = [np.mean(values < 0.33), np.mean((values >= 0.33) & (values < 0.66)), np.mean(values >= 0.66)]
    return len(values), shares, values.mean(), values.std()


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_shares_per_interferogram_sum_to_one_and_match_numpy(work, tmp_path):
    report = coherence_report(work, tmp_path / "report")
    cube, pairs, land, _ = stack_arrays(work)
    assert not land.all()  # water is there, and left out
    assert len(report.ifgrams) == len(pairs) == len(cube)
    rows = read_csv(tmp_path / "report" / "coherence_by_ifgram.csv")
    for ifgram, row, image, (reference, secondary) in zip(report.ifgrams, rows, cube, pairs):
        valid = land & np.isfinite(image) & (image > 0)
        count, shares, mean, std = expected_stats(image[valid])
        stats = ifgram.stats
        assert stats.pixels == count > 0
        assert sum(stats.shares) == pytest.approx(1.0)
        assert stats.shares == pytest.approx(shares) and stats.mean == pytest.approx(mean)
        assert stats.std == pytest.approx(std)
        days = (dt.datetime.strptime(secondary, "%Y%m%d") - dt.datetime.strptime(reference, "%Y%m%d")).days
        assert (ifgram.reference, ifgram.secondary, ifgram.baseline_days) == (reference, secondary, days)
        assert (row["reference"], row["secondary"], int(row["baseline_days"])) == (reference, secondary, days)
        assert float(row["share_0.66_1"]) == pytest.approx(shares[2], abs=5e-5)
        assert float(row["mean"]) == pytest.approx(mean, abs=5e-5)
    # the synthetic products: 12- and 24-day pairs from January to February, all in winter
    assert [g.name for g in report.by_baseline] == ["12", "24"]
    assert [g.name for g in report.by_season] == ["DJF"]


def test_baseline_and_season_summaries_pool_their_interferograms(work, tmp_path):
    report = coherence_report(work, tmp_path / "report")
    cube, pairs, land, _ = stack_arrays(work)
    for group in report.by_baseline:
        members = [i for i, g in enumerate(report.ifgrams) if str(g.baseline_days) == group.name]
        pooled = np.concatenate([cube[i][land & (cube[i] > 0)] for i in members])
        count, shares, mean, std = expected_stats(pooled)
        assert group.ifgrams == len(members) and group.stats.pixels == count
        assert group.stats.shares == pytest.approx(shares) and group.stats.mean == pytest.approx(mean)
        assert group.stats.std == pytest.approx(std)
    (season,) = report.by_season
    assert season.ifgrams == len(pairs) and season.stats.mean == pytest.approx(report.overall.mean)
    assert [r["baseline_days"] for r in read_csv(tmp_path / "report" / "coherence_by_baseline.csv")] == ["12", "24"]
    summary = json.loads((tmp_path / "report" / "summary.json").read_text())
    assert summary["interferograms"] == len(pairs) and summary["class_field"] is None
    for name in ("histogram_png", "by_ifgram_png"):
        with Image.open(report.files[name]) as image:
            assert image.size[0] >= 900 and image.size[1] == 540
    assert not list((tmp_path / "report").glob("*.part"))


def two_class_layer(path, attrs, split_col):
    """Two rectangles on pixel edges, in EPSG:3857 (not the grid's CRS): class "city" left of column
    split_col, "farm" from it on, with a field `landcover`."""
    x0, y0 = float(attrs["X_FIRST"]), float(attrs["Y_FIRST"])
    dx, dy = float(attrs["X_STEP"]), float(attrs["Y_STEP"])
    width, height = int(attrs["WIDTH"]), int(attrs["LENGTH"])
    utm, web = osr.SpatialReference(), osr.SpatialReference()
    utm.ImportFromEPSG(EPSG)
    web.ImportFromEPSG(3857)
    for srs in (utm, web):
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    layer = dataset.CreateLayer("landcover", web, ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("landcover", ogr.OFTString))
    for name, (c0, c1) in (("city", (0, split_col)), ("farm", (split_col, width))):
        ring = ogr.Geometry(ogr.wkbLinearRing)
        for c, r in ((c0, 0), (c1, 0), (c1, height), (c0, height), (c0, 0)):
            ring.AddPoint_2D(x0 + c * dx, y0 + r * dy)
        polygon = ogr.Geometry(ogr.wkbPolygon)
        polygon.AddGeometry(ring)
        polygon.Segmentize(10.0)  # edges stay on the pixel edges once in EPSG:3857
        polygon.Transform(osr.CoordinateTransformation(utm, web))
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetField("landcover", name)
        feature.SetGeometry(polygon)
        layer.CreateFeature(feature)
    dataset = None
    return path


def test_per_class_numbers_match_numpy_on_the_masked_arrays(work, tmp_path):
    cube, _, land, attrs = stack_arrays(work)
    split = int(attrs["WIDTH"]) // 2
    layer = two_class_layer(tmp_path / "landcover.gpkg", attrs, split)
    report = coherence_report(work, tmp_path / "report", read_class_polygons(layer, "landcover"))
    with h5py.File(work / "mintpy" / "avgSpatialCoh.h5", "r") as f:
        spatial = f["coherence"][()].astype(np.float64)
    with h5py.File(work / "mintpy" / "temporalCoherence.h5", "r") as f:
        temporal = f["temporalCoherence"][()].astype(np.float64)
    has_data = (land & (cube > 0)).any(axis=0)
    cols = np.arange(cube.shape[2])[None, :].repeat(cube.shape[1], axis=0)
    rows = read_csv(tmp_path / "report" / "coherence_by_class.csv")
    assert [c.name for c in report.by_class] == [r["landcover"] for r in rows] == ["city", "farm"]
    for found, row, mask in zip(report.by_class, rows, (cols < split, cols >= split)):
        here = mask & has_data
        assert found.pixels == int(here.sum()) == int(row["pixels"]) > 0
        assert found.avg_spatial_coherence == pytest.approx((spatial[here].mean(), spatial[here].std()))
        assert found.temporal_coherence == pytest.approx((temporal[here].mean(), temporal[here].std()))
        assert float(row["avg_spatial_coherence_mean"]) == pytest.approx(spatial[here].mean(), abs=5e-5)
    assert report.by_class[0].pixels + report.by_class[1].pixels == report.pixels


def sbas(*args):
    return subprocess.run([str(SBAS), *args], capture_output=True, text=True)


def test_bad_input_gives_a_clear_error_and_writes_nothing(work, tmp_path):
    _, _, _, attrs = stack_arrays(work)
    layer = str(two_class_layer(tmp_path / "landcover.gpkg", attrs, 10))
    out = tmp_path / "report"
    wrong_field = sbas("coherence", "--work", str(work), "--out", str(out), "--classes", layer, "--class-field", "lc")
    assert wrong_field.returncode == 2
    assert wrong_field.stderr.strip() == (
        f"sbas: {layer} has no field 'lc'; its fields are landcover: give one of them as the class field"
    )
    with pytest.raises(CoherenceError, match="has no field 'lc'"):
        read_class_polygons(layer, "lc")
    not_work = sbas("coherence", "--work", str(tmp_path), "--out", str(out))
    assert not_work.returncode == 2 and "no mintpy/inputs/ifgramStack.h5; give the work folder" in not_work.stderr
    half = sbas("coherence", "--work", str(work), "--out", str(out), "--classes", layer)
    assert half.returncode == 2 and "--classes and --class-field go together" in half.stderr
    # the polygons read as lon/lat land nowhere near the grid
    far = sbas(
        "coherence", "--work", str(work), "--out", str(out), "--classes", layer, "--class-field", "landcover",
        "--classes-crs", "EPSG:4326",
    )  # fmt: skip
    assert far.returncode == 2 and "none of the 2 polygons" in far.stderr and "--classes-crs" in far.stderr
    assert not out.exists()

    done = sbas("coherence", "--work", str(work), "--out", str(out), "--classes", layer, "--class-field", "landcover")
    assert done.returncode == 0, done.stderr
    assert "class city:" in done.stdout and "class farm:" in done.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "coherence_by_baseline.csv", "coherence_by_class.csv", "coherence_by_ifgram.csv", "coherence_by_ifgram.png",
        "coherence_by_season.csv", "coherence_histogram.png", "summary.json",
    ]  # fmt: skip
