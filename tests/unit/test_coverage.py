"""Coverage from valid data, and values only where they are measurements: one real run (MintPy) on a small
realistic stack whose swath ends move from date to date, with a patch where the pairs across one date are
empty, so that the patch's network splits in two. Everything expected is computed here from the simulator's
truth and the patch, independently of the code under test."""

import zipfile

import numpy as np
import pytest
import rasterio
from osgeo import ogr

from sbas_plugin.core.manifest import Manifest
from sbas_plugin.core.pipeline import RunOptions, run_pipeline
from sbas_plugin.core.results.blanks import unlinked_dates
from sbas_plugin.core.results.wide_table import read_wide_table
from sbas_plugin.core.simulate import realistic
from sbas_plugin.core.simulate.realistic import write_realistic_stack
from sbas_plugin.core.stack.coverage import coverage_note
from sbas_plugin.core.stack.mintpy import MintpyOptions
from sbas_plugin.core.workfolder import WorkFolder

SIZE, DATES = 40, 10
CUT = 5  # the patch's pairs from before this date to it or later are empty
PATCH = (slice(24, 28), slice(8, 12))  # rows, cols: land every product covers, away from the reference
QUIET = MintpyOptions(pictures=False)  # MintPy's pictures: half a minute of each run, and no result depends on them


def _zero_patch(folder, name) -> None:
    """Unpack the product and empty its phase in the patch, as HyP3 leaves a region it could not unwrap."""
    with zipfile.ZipFile(folder / f"{name}.zip") as archive:
        archive.extractall(folder)
    (folder / f"{name}.zip").unlink()
    with rasterio.open(folder / name / f"{name}_unw_phase.tif", "r+") as dataset:
        phase = dataset.read(1)
        phase[PATCH] = 0
        dataset.write(phase, 1)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("coverage")
    folder = root / "products"
    truth = write_realistic_stack(folder, seed=0, rows=SIZE, cols=SIZE, n_dates=DATES)
    index = {d: i for i, d in enumerate(truth.dates)}
    pairs = np.array([(index[a], index[b]) for a, b in truth.pairs])
    crossing = (pairs[:, 0] < CUT) & (pairs[:, 1] >= CUT)
    for name in np.array(truth.product_names)[crossing]:
        _zero_patch(folder, name)
    # Data per product from the truth: both dates' swaths, land, and not the emptied patch.
    land = truth.land_cover != realistic.WATER
    valid = truth.date_covered[pairs[:, 0]] & truth.date_covered[pairs[:, 1]] & land
    valid[np.ix_(crossing, np.arange(PATCH[0].start, PATCH[0].stop), np.arange(PATCH[1].start, PATCH[1].stop))] = 0
    x0, dx, _, y0, _, dy = truth.transform
    ring = [(0, 0), (SIZE, 0), (SIZE, SIZE), (0, SIZE), (0, 0)]
    aoi = "POLYGON((" + ",".join(f"{x0 + c * dx} {y0 + r * dy}" for c, r in ring) + "))"
    result = run_pipeline(folder, aoi, root / "work", aoi_crs=f"EPSG:{truth.epsg}", options=RunOptions(mintpy=QUIET))
    return truth, pairs, valid, aoi, result


def csv_values(path) -> np.ndarray:
    """(dates, points) from Geotiff_value.csv (or its parts), NaN for empty cells."""
    return read_wide_table(path).values


def geotiff_values(work) -> np.ndarray:
    """(dates, pixels) from the per-date GeoTIFFs, row by row: the points' order over the whole scene."""
    paths = sorted(WorkFolder(work).displacement_maps().glob("*.tif"))
    stack = []
    for path in paths:
        with rasterio.open(path) as dataset:
            stack.append(dataset.read(1).ravel())
    return np.array(stack)


def temporal_coherence(work) -> np.ndarray:
    import h5py

    with h5py.File(WorkFolder(work).mintpy / "temporalCoherence.h5", "r") as f:
        return f["temporalCoherence"][()].ravel()


def test_unlinked_dates_follow_each_pixels_own_pairs():
    pairs = np.array([(0, 1), (1, 2), (2, 3), (3, 4), (0, 2)])
    valid = np.array(
        [
            [1, 1, 0, 0],  # (0, 1)
            [1, 1, 1, 0],  # (1, 2)
            [1, 0, 1, 1],  # (2, 3)
            [1, 1, 1, 1],  # (3, 4)
            [1, 0, 0, 0],  # (0, 2)
        ],
        bool,
    )
    unlinked = unlinked_dates(valid, pairs, 5)
    # all linked; {0,1,2} | {3,4}; {1,2,3,4} without 0 (nothing linked to it); 0 alone, {3,4}
    assert unlinked[:, 0].tolist() == [False] * 5
    assert unlinked[:, 1].tolist() == [False, False, False, True, True]
    assert unlinked[:, 2].tolist() == [True] * 5
    assert unlinked[:, 3].tolist() == [True] * 5


@pytest.mark.mintpy
def test_coverage_shares_and_short_dates_are_those_of_the_data(run):
    truth, pairs, valid, _, result = run
    counts = valid.sum(axis=0)
    record = Manifest(result.work).step("coverage")
    assert record["products"] == len(pairs) and record["pixels"] == SIZE * SIZE
    assert record["every"] == (counts == len(pairs)).sum() and record["none"] == (counts == 0).sum()
    assert record["none"] > 0 and record["every"] + record["none"] < SIZE * SIZE  # every kind is there
    for i, date in enumerate(truth.dates):
        assert record["dates"][date.strftime("%Y%m%d")] == valid[(pairs == i).any(axis=1)].any(axis=0).sum()
    note = coverage_note(record)
    assert note in result.notes and note in Manifest(result.work).data["notes"]
    every, none, covered = (counts == len(pairs)).sum(), (counts == 0).sum(), (counts > 0).sum()
    assert f"{100 * every / SIZE**2:.1f} % have data in every one of the {len(pairs)} products" in note
    assert f"{100 * (covered - every) / SIZE**2:.1f} % in some only, {100 * none / SIZE**2:.1f} % in none" in note
    short = sorted(
        (valid[(pairs == i).any(axis=1)].any(axis=0).sum(), d.strftime("%Y%m%d")) for i, d in enumerate(truth.dates)
    )
    short = [(n, d) for n, d in short if n < covered]
    assert short and f"{len(short)} dates have data on less of it" in note
    assert note.split(": ", 1)[1].startswith(", ".join(f"{d} ({100 * n / SIZE**2:.1f} %)" for n, d in short[:5]))
    assert note.endswith("…") == (len(short) > 5)


@pytest.mark.mintpy
def test_values_only_where_the_pixels_pairs_link_the_date_to_the_first(run):
    _, pairs, valid, _, result = run
    flat = valid.reshape(len(pairs), -1)
    solved = temporal_coherence(result.work) > 0
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    expected = np.ones((DATES, flat.shape[1]), bool)  # empty
    for pixel in np.flatnonzero(solved):
        ok = pairs[flat[:, pixel]]
        graph = coo_matrix((np.ones(len(ok)), (ok[:, 0], ok[:, 1])), shape=(DATES, DATES))
        labels = connected_components(graph, directed=False)[1]
        linked = labels == labels[0]
        if linked.sum() > 1:
            expected[:, pixel] = ~linked
    values, geotiffs = csv_values(result.values_csv), geotiff_values(result.work)
    assert np.array_equal(np.isnan(values), expected)
    assert np.array_equal(np.isnan(geotiffs), expected)
    assert np.array_equal(values[~expected].astype(np.float32), geotiffs[~expected])
    # No product has data: nothing. The split patch: values before the cut, none from it on.
    nothing = flat.sum(axis=0) == 0
    assert nothing.sum() > 50 and np.isnan(values[:, nothing]).all() and np.isnan(geotiffs[:, nothing]).all()
    patch = np.zeros((SIZE, SIZE), bool)
    patch[PATCH] = True
    patch = patch.ravel()
    assert solved[patch].all()
    assert np.isfinite(values[:CUT, patch]).all() and np.isnan(values[CUT:, patch]).all()
    extracted = Manifest(result.work).step("extract")
    assert extracted["empty_dates"] == patch.sum() == (np.isnan(values).any(0) & ~np.isnan(values).all(0)).sum()


@pytest.mark.mintpy
def test_points_layer_flags_partial_coverage(run):
    _, pairs, valid, _, result = run
    counts = valid.sum(axis=0).ravel()
    dataset = ogr.Open(str(result.points_gpkg))
    layer = dataset.GetLayer(0)
    flags = {feature.GetFID(): feature.GetField("partial_coverage") for feature in layer}
    partial = [flags[fid] for fid in range(1, SIZE * SIZE + 1)]
    assert np.array_equal(partial, ((counts > 0) & (counts < len(pairs))).astype(int))
    assert Manifest(result.work).step("points")["partial_coverage"] == sum(partial) > 16


@pytest.mark.mintpy
def test_masked_low_coherence_gives_the_csv_the_geotiffs_numbers(run):
    """Last in this file: it reruns the shared work folder with the mask, then without (MintPy is not rerun)."""
    truth, _, _, aoi, result = run

    def rerun(mask: bool):
        options = RunOptions(mintpy=QUIET, mask_low_coherence=mask)
        return run_pipeline(result.work.parent / "products", aoi, result.work, f"EPSG:{truth.epsg}", options)

    masked = rerun(True)
    try:
        assert "export" not in masked.skipped and "extract" not in masked.skipped
        values, geotiffs = csv_values(masked.values_csv), geotiff_values(masked.work)
        assert np.array_equal(np.isnan(values), np.isnan(geotiffs))
        finite = np.isfinite(values)
        assert np.array_equal(values[finite].astype(np.float32), geotiffs[finite])
        # the mask took points with a solution away
        assert (np.isnan(values).all(0) & (temporal_coherence(masked.work) > 0)).sum() > 20
    finally:
        rerun(False)
