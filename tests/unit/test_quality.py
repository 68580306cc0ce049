"""Per-point quality from a real MintPy run: in points.gpkg, the long CSV and the graphs, flagged
below the threshold and never dropped."""

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest
from conftest import run_synthetic
from matplotlib.figure import Figure
from osgeo import ogr

from sbas_plugin.core.pipeline import RunOptions, run_pipeline
from sbas_plugin.core.reports.plot import LOW_COHERENCE_WARNING, PointGraph, quality_notes
from sbas_plugin.core.results.points import PointTable, read_points_csv
from sbas_plugin.core.results.quality import (
    COLUMNS,
    QualityError,
    point_quality,
    read_point_quality,
    read_quality_gpkg,
    work_quality,
)

pytestmark = pytest.mark.mintpy
SBAS = Path(sys.executable).parent / "sbas"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One real pipeline run (MintPy once for the module) on a small synthetic stack."""
    corners = [(2, 2), (38, 2), (38, 28), (2, 28)]
    return run_synthetic(tmp_path_factory.mktemp("quality"), corners, n_dates=5, shape=(30, 40))[1]


def rerun(run, **options):
    """The same run again, with other options."""
    inputs = json.loads((run.work / "manifest.json").read_text())["inputs"]
    return run_pipeline(
        inputs["products"], inputs["aoi"], run.work, aoi_crs=inputs["aoi_crs"], options=RunOptions(**options)
    )


def mintpy_arrays(mintpy_dir):
    arrays = {}
    for name, (file_name, dataset) in {
        "temporal_coherence": ("temporalCoherence.h5", "temporalCoherence"),
        "avg_spatial_coherence": ("avgSpatialCoh.h5", "coherence"),
        "ifgs_used": ("numInvIfgram.h5", "mask"),
        "velocity": ("velocity.h5", "velocity"),
        "velocity_std": ("velocity.h5", "velocityStd"),
    }.items():
        with h5py.File(Path(mintpy_dir) / file_name, "r") as f:
            arrays[name] = f[dataset][()]
    return arrays


def gpkg_table(path):
    dataset = ogr.Open(str(path))  # kept referenced: a layer outliving its dataset crashes GDAL
    layer = dataset.GetLayer(0)
    names = ["row", "col", *COLUMNS]
    rows = [(f.GetFID(), *(f.GetField(n) for n in names)) for f in layer]
    return {name: np.array([r[i] for r in rows], dtype=float) for i, name in enumerate(["fid", *names])}


def test_points_layer_carries_mintpys_values_at_each_points_pixel(run):
    table = gpkg_table(run.points_gpkg)
    mintpy = mintpy_arrays(run.mintpy_dir)
    rows, cols = table["row"].astype(int), table["col"].astype(int)
    coherence = mintpy["temporal_coherence"][rows, cols]
    np.testing.assert_array_equal(table["temporal_coherence"], coherence)
    np.testing.assert_array_equal(table["avg_spatial_coherence"], mintpy["avg_spatial_coherence"][rows, cols])
    np.testing.assert_array_equal(table["ifgs_used"], mintpy["ifgs_used"][rows, cols])
    solved = coherence > 0
    velocity = (mintpy["velocity"][rows, cols] * np.float32(1000)).astype(float)
    np.testing.assert_array_equal(table["velocity_mm_yr"][solved], velocity[solved])
    std = (mintpy["velocity_std"][rows, cols] * np.float32(1000)).astype(float)
    np.testing.assert_array_equal(table["velocity_std_mm_yr"][solved], std[solved])
    assert np.isnan(table["velocity_mm_yr"][~solved]).all()  # NULL where MintPy found no solution
    np.testing.assert_array_equal(table["low_quality"], coherence < 0.7)
    assert (table["min_coherence"] == 0.7).all()
    # both kinds of point are there, and every point is kept
    assert 0 < table["low_quality"].sum() < len(rows)
    assert len(rows) == len(read_points_csv(run.points_csv))
    assert run.points_csv.read_text().splitlines()[0] == "fid,x,y"  # the users' format, unchanged
    low = int(table["low_quality"].sum())
    assert f"{low} of {len(rows)} points below temporal coherence 0.7: kept, flagged low_quality=1" in run.notes


def test_a_point_below_the_threshold_is_flagged_and_kept(run, tmp_path):
    table = gpkg_table(run.points_gpkg)
    reliable = np.flatnonzero(table["low_quality"] == 0)[0]
    mintpy = tmp_path / "mintpy"
    mintpy.mkdir()
    for name in ("temporalCoherence.h5", "avgSpatialCoh.h5", "numInvIfgram.h5", "velocity.h5"):
        shutil.copy(run.mintpy_dir / name, mintpy / name)
    row, col = int(table["row"][reliable]), int(table["col"][reliable])
    with h5py.File(mintpy / "temporalCoherence.h5", "r+") as f:
        f["temporalCoherence"][row, col] = 0.5

    rows, cols = table["row"].astype(int), table["col"].astype(int)
    quality = read_point_quality(mintpy, rows, cols, table["fid"].astype(int))
    assert len(quality) == len(rows)
    assert quality.low_quality[reliable] == 1 and quality.temporal_coherence[reliable] == np.float32(0.5)
    assert np.isfinite(quality.velocity_mm_yr[reliable])  # flagged, its values kept
    others = np.arange(len(rows)) != reliable
    np.testing.assert_array_equal(quality.low_quality[others], table["low_quality"][others])

    # by coordinates, as sbas extract finds them, the same; a point off the grid is NaN and flagged
    points = read_points_csv(run.points_csv)
    off = PointTable(np.append(points.fid, 99999), np.append(points.x, 0.0), np.append(points.y, 0.0))
    by_xy = point_quality(mintpy, off)
    np.testing.assert_array_equal(by_xy.temporal_coherence[:-1], quality.temporal_coherence)
    assert np.isnan(by_xy.temporal_coherence[-1]) and by_xy.low_quality[-1] == 1 and by_xy.ifgs_used[-1] == 0

    (mintpy / "velocity.h5").unlink()
    with pytest.raises(QualityError, match=r"no velocity\.h5; MintPy has not finished: rerun sbas run"):
        read_point_quality(mintpy, rows, cols)


def test_another_threshold_rewrites_only_the_points(run):
    again = rerun(run, min_coherence=0.999)
    assert "points" not in again.skipped and "extract" in again.skipped and "export" in again.skipped
    quality = read_quality_gpkg(run.points_gpkg)
    assert quality.min_coherence == 0.999
    np.testing.assert_array_equal(quality.low_quality, ~(quality.temporal_coherence >= np.float32(0.999)))
    assert [note for note in again.notes if "0.999: kept" in note]
    back = rerun(run)
    assert read_quality_gpkg(run.points_gpkg).min_coherence == 0.7 and "extract" in back.skipped


def test_long_csv_carries_the_quality_and_the_wide_csv_is_unchanged(run, tmp_path):
    long = tmp_path / "long.csv"
    long_args = ["--format", "long"]
    done = subprocess.run(
        [
            str(SBAS),
            "extract",
            "--work",
            str(run.work),
            "--points",
            str(run.points_gpkg),
            "--out",
            str(long),
            *long_args,
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "points below temporal coherence 0.7: kept, flagged low_quality=1" in done.stdout
    with open(long, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["fid", "x", "y", "date", "value_m", *COLUMNS]
    table = gpkg_table(run.points_gpkg)
    by_fid = {int(fid): i for i, fid in enumerate(table["fid"])}
    for row in rows[1::7]:
        i = by_fid[int(row[0])]
        for name, text in zip(COLUMNS, row[5:]):
            expected = table[name][i]
            assert (text == "") if np.isnan(expected) else float(text) == pytest.approx(expected, rel=1e-6), name

    wide = tmp_path / "wide.csv"
    done = subprocess.run(
        [str(SBAS), "extract", "--work", str(run.work), "--points", str(run.points_csv), "--out", str(wide)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert wide.read_bytes() == run.values_csv.read_bytes()


def test_graphs_show_the_quality_and_warn_when_flagged(run, tmp_path):
    quality = work_quality(run.work)
    assert quality is not None and quality.min_coherence == 0.7
    low = int(quality.fid[quality.low_quality == 1][0])
    good = int(quality.fid[quality.low_quality == 0][0])
    i = quality.index_of(good)
    note, warning = quality_notes(quality, good, "mm")
    assert warning == ""
    assert f"temporal coherence {quality.temporal_coherence[i]:.2f}" in note
    assert f"{quality.velocity_mm_yr[i]:+.1f} ± {quality.velocity_std_mm_yr[i]:.1f} mm/yr" in note
    note, warning = quality_notes(quality, low, "mm")
    assert warning.startswith(LOW_COHERENCE_WARNING) and "below 0.7" in warning
    assert quality_notes(quality, 10**9, "mm") == ("", "")  # a point it does not know: nothing said

    dates = np.arange(np.datetime64("2020-01-03"), np.datetime64("2020-02-20"), 12)
    graph = PointGraph(Figure().add_subplot(), dates, 0, "mm")
    graph.show(np.zeros(len(dates)), f"Point {low}", note, warning)
    assert graph.warning.get_visible() and graph.warning.get_text() == warning
    assert graph.quality.get_text() == note
    graph.show(np.zeros(len(dates)), f"Point {good}")
    assert not graph.warning.get_visible()

    # sbas plot with the work folder puts it in every graph
    columns = tmp_path / "columns.csv"
    columns.write_text(f"Column\n{good}\n{low}\n", encoding="utf-8")
    out = tmp_path / "Plot.zip"
    out_args = ["--out", str(out)]
    done = subprocess.run(
        [
            str(SBAS),
            "plot",
            "--values",
            str(run.values_csv),
            "--columns",
            str(columns),
            "--work",
            str(run.work),
            *out_args,
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "No point quality" not in done.stdout and out.is_file()


def test_old_points_layer_without_quality_falls_back_to_mintpy(run, tmp_path):
    from sbas_plugin.core.results.gpkg import write_points_gpkg

    points = read_points_csv(run.points_csv)
    work = tmp_path / "work"
    work.mkdir()
    (work / "mintpy").symlink_to(run.mintpy_dir)
    write_points_gpkg(work / "points.gpkg", points.x, points.y, "EPSG:32654")
    assert read_quality_gpkg(work / "points.gpkg") is None
    assert work_quality(work) is None
    fallback = work_quality(work, points)
    np.testing.assert_array_equal(fallback.temporal_coherence, read_quality_gpkg(run.points_gpkg).temporal_coherence)
