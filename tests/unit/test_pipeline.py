"""The whole pipeline on the demo's synthetic HyP3 stack: outputs, exact geometry, reruns, options, errors
(its accuracy is tested on a realistic stack in test_pipeline_accuracy.py)."""

import csv
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import h5py
import numpy as np
import pytest
import rasterio

from sbas_plugin.core.files import DISK_MARGIN_BYTES, GB, DiskSpaceError
from sbas_plugin.core.pipeline import RunOptions, run_pipeline
from sbas_plugin.core.reports.report import build_report, render_html
from sbas_plugin.core.results.mintpy_files import find_timeseries
from sbas_plugin.core.results.points import Canceled, read_points_csv
from sbas_plugin.core.simulate.demo import run_demo
from sbas_plugin.core.stack.atmosphere import SOURCE_ATTRIBUTE
from sbas_plugin.core.stack.clip import plan_clip
from sbas_plugin.core.stack.ingest import find_products
from sbas_plugin.core.stack.mintpy import MintpyOptions, choose_reference_pixel, mintpy_disk_bytes
from sbas_plugin.core.workfolder import MINTPY_TEMPLATE as TEMPLATE_NAME

pytestmark = pytest.mark.mintpy
SBAS = Path(sys.executable).parent / "sbas"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return run_demo(tmp_path_factory.mktemp("demo"))


def read_values(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def steps(work):
    return json.loads((work / "manifest.json").read_text())["steps"]


def copy_of_the_clip(demo, tmp_path):
    """A work folder holding only the demo's clip and manifest: MintPy has not run there."""
    work = tmp_path / "work"
    shutil.copytree(demo.run.work / "clipped", work / "clipped")
    shutil.copy(demo.run.work / "manifest.json", work)
    return work


def run_until_mintpy(demo, work, aoi, **kwargs) -> dict:
    """Run up to the start of MintPy, then cancel; returns the steps the manifest then records."""
    before = steps(work).get("reference")
    with pytest.raises(Canceled):
        products = demo.run.work.parent / "products"
        run_pipeline(products, aoi, work, is_canceled=lambda: steps(work).get("reference") != before, **kwargs)
    return steps(work)


def template_reference(work) -> str:
    lines = (work / "mintpy" / TEMPLATE_NAME).read_text().splitlines()
    return next(line for line in lines if line.startswith("mintpy.reference.yx"))


def test_outputs_are_where_users_expect_them(demo):
    """Where the files are (the accuracy of what is in them: test_pipeline_accuracy.py, on a realistic stack)."""
    assert demo.points > 1000 and demo.dates == 8
    work = demo.run.work
    maps = sorted((work / "GeoTiffs" / "displacement_maps" / "unwrapped" / "Meters").glob("*.tif"))
    assert len(maps) == 8
    assert maps[0].name == "20200103_20200103_timeseries_demErr_filt_Meters_unwrapped.tif"
    assert maps[1].name == "20200103_20200115_timeseries_demErr_filt_Meters_unwrapped.tif"
    for name in ("velocity", "velocity_std", "TemporalCoherence", "avgSpatialCoh", "maskTempCoh", "numInvIfgram"):
        assert (work / "GeoTiffs" / f"{name}.tif").is_file()
    header, body = read_values(work / "Geotiff_value.csv")
    assert header[:3] == ["Date", "1_value", "2_value"]
    assert [row[0] for row in body[:2]] == ["20200103_20200103", "20200103_20200115"]
    manifest = json.loads((work / "manifest.json").read_text())
    assert set(manifest["steps"]) == {"clip", "coverage", "reference", "mintpy", "export", "points", "extract"}
    assert manifest["steps"]["extract"]["files"] == ["Geotiff_value.csv"]  # one file: the points fit a sheet
    assert demo.run.values_files == [work / "Geotiff_value.csv"]
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
    assert again.run.values_files == demo.run.values_files  # as the manifest recorded them
    assert again.rms_mm == demo.rms_mm


def test_a_finished_rerun_reads_no_product_layer_and_no_clipped_raster(demo):
    """Every step done: the clip is not planned again (it opens every product's layers) and the
    reference pixel not chosen again (it reads every clipped interferogram); both are kept."""
    work, products = demo.run.work, demo.run.work.parent / "products"
    clipped = {path: path.read_bytes() for path in (work / "clipped").glob("*/*.tif")}
    zipped = sorted(products.glob("*.zip"))[0]
    original, stat = zipped.read_bytes(), zipped.stat()
    try:
        for path in clipped:
            path.write_bytes(b"not a raster")
        # Zeros for the phase's compressed bytes: the zip lists the same members, GDAL cannot read them.
        with zipfile.ZipFile(zipped) as archive:
            info = archive.getinfo(f"{zipped.stem}/{zipped.stem}_unw_phase.tif")
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
        zipped.write_bytes(original[:start] + bytes(info.compress_size) + original[start + info.compress_size :])
        os.utime(zipped, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # unchanged to ingest's (size, mtime)
        with pytest.raises(rasterio.errors.RasterioIOError):
            plan_clip(find_products(products), str(demo.aoi))
        with pytest.raises(rasterio.errors.RasterioIOError):
            choose_reference_pixel(work / "clipped")
        again = run_pipeline(products, str(demo.aoi), work)
    finally:
        for path, data in clipped.items():
            path.write_bytes(data)
        zipped.write_bytes(original)
        os.utime(zipped, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert again.skipped == ["clip", "export", "points", "extract"]
    (reference_note,) = [note for note in demo.run.notes if note.startswith("reference pixel")]
    assert reference_note in again.notes


def test_a_changed_area_is_planned_and_its_reference_chosen_again(demo, tmp_path):
    work = copy_of_the_clip(demo, tmp_path)
    old = steps(work)
    x0, y0, dx, dy, width, height = old["clip"]["grid"]
    left, top, right, bottom = x0 + 5 * dx, y0 + 4 * dy, x0 + (width - 3) * dx, y0 + (height - 2) * dy
    inner = f"POLYGON(({left} {bottom},{right} {bottom},{right} {top},{left} {top},{left} {bottom}))"
    new = run_until_mintpy(demo, work, inner, aoi_crs="EPSG:32654")
    assert new["clip"]["grid"] == [left, top, dx, dy, width - 8, height - 6]
    chosen = choose_reference_pixel(work / "clipped")
    assert new["reference"]["pixel"] == [chosen.row, chosen.col] != old["reference"]["pixel"]
    assert template_reference(work) == f"mintpy.reference.yx = {chosen.row},{chosen.col}"


def test_a_reference_point_given_wins_over_the_kept_choice(demo, tmp_path):
    work = copy_of_the_clip(demo, tmp_path)
    automatic = steps(work)["reference"]
    x0, y0, dx, dy = steps(work)["clip"]["grid"][:4]
    row, col = automatic["pixel"][0] + 1, automatic["pixel"][1] + 1
    point = (x0 + (col + 0.5) * dx, y0 + (row + 0.5) * dy, "EPSG:32654")
    given = run_until_mintpy(demo, work, str(demo.aoi), options=RunOptions(reference_point=point))["reference"]
    assert given["pixel"] == [row, col] and given["note"].endswith("the point you chose")
    assert template_reference(work) == f"mintpy.reference.yx = {row},{col}"
    # Without the point again: the automatic choice, the same as before.
    assert run_until_mintpy(demo, work, str(demo.aoi))["reference"] == automatic


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
    from sbas_plugin.core.results.gpkg import write_points_gpkg

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


def test_a_gap_in_the_pair_network_is_dropped_and_said_everywhere(demo, tmp_path):
    """The demo's products without the three pairs linking 20200208 to 20200220: MintPy would invert
    two networks (only its log warns) and bias every date after the gap. The earlier four dates are
    dropped (a tie keeps the latest, as `sbas pairs` does) and the note says so in the CLI's output,
    the manifest and the report."""
    products = tmp_path / "products"
    products.mkdir()
    across = ("20200127T204608_20200220T", "20200208T204608_20200220T", "20200208T204608_20200303T")
    for path in (demo.run.work.parent / "products").glob("*.zip"):
        if not any(pair in path.name for pair in across):
            shutil.copy(path, products)
    work = tmp_path / "work"
    run = subprocess.run(
        [str(SBAS), "run", "--products", str(products), "--aoi", str(demo.aoi), "--work", str(work)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    note = (
        "no pair links 20200208 and earlier to 20200220 and later; used the 4 dates linked together "
        "(20200220 to 20200327) and dropped the 4 dates no pair links to them (20200103, 20200115, 20200127, "
        "20200208); order HyP3 pairs across the gap to use them"
    )
    assert f"note: {note}" in run.stdout
    manifest = json.loads((work / "manifest.json").read_text())
    assert note in manifest["notes"]
    assert len(manifest["steps"]["clip"]["kept"]) == 5 and len(manifest["steps"]["clip"]["dropped"]) == 5
    assert f"Note: {note}" in render_html(build_report(work))
    assert "NOT fully connected" not in (work / "mintpy" / "sbas_mintpy.log").read_text()
    _, body = read_values(work / "Geotiff_value.csv")
    assert [row[0] for row in body] == [f"20200220_{date}" for date in ("20200220", "20200303", "20200315", "20200327")]


def test_clipping_is_refused_before_anything_is_written_when_the_disk_is_too_small(demo, tmp_path):
    work = tmp_path / "work"
    with pytest.raises(DiskSpaceError) as refused:
        run_pipeline(demo.run.work.parent / "products", str(demo.aoi), work, free_bytes=lambda folder: 0)
    # 71 x 39 pixels, 4 layers of geometry of 4 bytes each (the pairs' layers are VRT windows)
    needed = (71 * 39 * 4 * 4 + DISK_MARGIN_BYTES) / GB
    assert str(refused.value) == (
        f"clipping needs about {needed:.1f} GB in {work} (a 0.5 GB margin included), 0.0 GB free: "
        "free space or choose another work folder"
    )
    assert sorted(path.name for path in work.iterdir()) == ["manifest.json"]


def test_mintpy_is_refused_when_the_disk_cannot_take_what_it_writes(demo, tmp_path):
    work = copy_of_the_clip(demo, tmp_path)
    products = demo.run.work.parent / "products"
    # the demo: 71 x 39 pixels, 13 pairs of 8 dates; the estimate is above what MintPy wrote, by the pictures' share
    writes = mintpy_disk_bytes(71 * 39, 13, 8, MintpyOptions())
    written = sum(path.stat().st_size for path in (demo.run.work / "mintpy").rglob("*") if path.is_file())
    assert written < writes < written + 40 * 2**20
    with pytest.raises(DiskSpaceError, match=f"MintPy needs about .* GB in {work / 'mintpy'} "):
        run_pipeline(products, str(demo.aoi), work, free_bytes=lambda folder: DISK_MARGIN_BYTES + writes - 2**20)
    assert not (work / "mintpy" / "sbas_mintpy.log").exists()
    # Just enough: MintPy starts (and is stopped here).
    with pytest.raises(Canceled):
        run_pipeline(
            products,
            str(demo.aoi),
            work,
            free_bytes=lambda folder: DISK_MARGIN_BYTES + writes,
            is_canceled=lambda: (work / "mintpy" / "sbas_mintpy.log").exists(),
        )


def test_a_finished_run_needs_no_free_disk(demo):
    again = run_pipeline(demo.run.work.parent / "products", str(demo.aoi), demo.run.work, free_bytes=lambda folder: 0)
    assert again.skipped == ["clip", "export", "points", "extract"]


def gpkg_content(path) -> list:
    """A GeoPackage's SQL without the time each table was last changed (gpkg_contents.last_change)."""
    with sqlite3.connect(path) as con:
        return [re.sub(r"'\d{4}-\d\d-\d\dT[\d:.]+Z'", "'<time>'", line) for line in con.iterdump()]


def h5_content(path) -> dict:
    """Every dataset's bytes and every attribute but where the inputs were (FILE_PATH, mintpy.load.*, the
    filter's source file and its time) and MintPy's compute settings (mintpy.compute.*, e.g. the free
    memory): those differ between work folders."""
    with h5py.File(path, "r") as f:
        content = {
            key: str(value)
            for key, value in f.attrs.items()
            if not (key in ("FILE_PATH", SOURCE_ATTRIBUTE) or key.startswith(("mintpy.load.", "mintpy.compute.")))
        }
        f.visititems(lambda name, item: content.update({name: item[()].tobytes()}) if item.shape is not None else None)
    return content


def outputs(work) -> dict:
    """Every result users read, byte for byte; points.gpkg by its content (it records when it was written)."""
    geotiffs = (path for path in (work / "GeoTiffs").rglob("*") if path.is_file())
    found = {str(path.relative_to(work)): path.read_bytes() for path in geotiffs}
    for name in ("points.csv", "Geotiff_value.csv"):
        found[name] = (work / name).read_bytes()
    found["points.gpkg"] = gpkg_content(work / "points.gpkg")
    series = find_timeseries(work / "mintpy")
    found["MintPy's final time series"] = (series.name, h5_content(series))
    return found


def assert_same_outputs(work, fresh_work):
    got, expected = outputs(work), outputs(fresh_work)
    assert sorted(got) == sorted(expected)
    for name in expected:
        assert got[name] == expected[name], f"{name} differs from a fresh run's"


def test_options_switched_on_and_off_give_a_fresh_runs_results(demo, tmp_path):
    """Every run and MintPy option on, then off again, in one work folder: each time every output equals
    a fresh run's with the same options. The demo is the fresh run with every option off. The reference
    date alone too: MintPy re-references its time series in place and, with no other change, would
    keep them so (a new reference point makes it invert again, which would hide that)."""
    products, aoi = demo.run.work.parent / "products", str(demo.aoi)
    x0, y0, dx, dy = steps(demo.run.work)["clip"]["grid"][:4]
    row, col = (index + 1 for index in steps(demo.run.work)["reference"]["pixel"])
    every_option_on = RunOptions(
        mintpy=MintpyOptions(
            workers=1,
            reference_date="auto",
            troposphere="height_correlation",
            deramp="linear",
            atmosphere_filter=False,
            pictures=False,  # and back on with the rest: the outputs are those of the demo, which has them
        ),
        reference_point=(x0 + (col + 0.5) * dx, y0 + (row + 0.5) * dy, "EPSG:32654"),
        unit="Centimeters",
        mask_low_coherence=True,
        min_coherence=0.5,
    )
    reference_date_on = RunOptions(mintpy=MintpyOptions(workers=1, reference_date="auto", pictures=False))
    switched, reference_date_switched = tmp_path / "switched", tmp_path / "reference_date"
    for work in (switched, reference_date_switched):
        shutil.copytree(demo.run.work, work)  # every option off, finished

    def on_then_off(work, options) -> tuple:
        on = run_pipeline(products, aoi, work, options=options)
        return on, outputs(work), run_pipeline(products, aoi, work)

    with ThreadPoolExecutor(2) as pool:  # MintPy runs two at a time
        fresh = pool.submit(run_pipeline, products, aoi, tmp_path / "fresh", options=every_option_on)
        reference_date_only = pool.submit(on_then_off, reference_date_switched, reference_date_on)
        on = run_pipeline(products, aoi, switched, options=every_option_on)
        assert on.skipped == ["clip"]
        assert find_timeseries(switched / "mintpy").name == "timeseries_tropHgt_ramp_demErr.h5"
        assert_same_outputs(switched, fresh.result().work)
        off = run_pipeline(products, aoi, switched)
        assert off.skipped == ["clip"]
        assert find_timeseries(switched / "mintpy").name == "timeseries_demErr_filt.h5"
        assert_same_outputs(switched, demo.run.work)
        _, with_reference_date, off = reference_date_only.result()
    assert off.skipped == ["clip"]
    series = "MintPy's final time series"
    assert with_reference_date[series] != outputs(demo.run.work)[series]  # MintPy's reference date: not the first
    assert_same_outputs(reference_date_switched, demo.run.work)
    # The compute settings change no result: MintPy is not started again, nothing is redone.
    log = switched / "mintpy" / "sbas_mintpy.log"
    size = log.stat().st_size
    again = run_pipeline(products, aoi, switched, options=RunOptions(mintpy=MintpyOptions(workers=2)))
    assert log.stat().st_size == size and again.skipped == ["clip", "export", "points", "extract"]
    # The atmosphere filter runs after MintPy: switching it is no reason to start MintPy again.
    filter_off = RunOptions(mintpy=MintpyOptions(workers=1, atmosphere_filter=False))
    unfiltered = run_pipeline(products, aoi, switched, options=filter_off)
    assert log.stat().st_size == size and unfiltered.skipped == ["clip", "points"]
    assert find_timeseries(switched / "mintpy").name == "timeseries_demErr.h5"
    assert not list((switched / "mintpy").glob("*_filt.h5"))
    assert run_pipeline(products, aoi, switched).skipped == ["clip", "points"]
    assert log.stat().st_size == size
    assert_same_outputs(switched, demo.run.work)
