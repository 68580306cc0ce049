"""One pixel's series for click-to-plot, from MintPy's HDF5 and from per-date GeoTIFFs.

Values encode (date, row, col), so a pixel off by one, a transposition or a half-pixel shift gives a
wrong number, not a plausible one."""

import os
import re

import h5py
import numpy as np
import pytest
from test_extract import (
    EPSG,
    HEIGHT,
    PIXEL,
    WIDTH,
    X0,
    Y0,
    dates,
    encoded,
    write_geotiff,
    write_mintpy_timeseries,
    write_stack,
)

from sbas_plugin.core.cancel import Canceled
from sbas_plugin.core.results import pixel_series
from sbas_plugin.core.results.extract import ExtractError
from sbas_plugin.core.results.pixel_series import BLOCK_BYTES, GeotiffPixelSeries, H5PixelSeries, open_pixel_series
from sbas_plugin.core.results.points import pixel_centres_in_polygons

N_DATES = 9
PIXELS = [(0, 0), (0, WIDTH - 1), (HEIGHT - 1, 0), (HEIGHT - 1, WIDTH - 1), (7, 9), (13, 40), (20, 25)]


def quality_maps() -> dict:
    """Pixel field -> a map whose value at (row, col) says which pixel it is."""
    r, c = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    return {
        "velocity_std": 1e-4 * r + 1e-6 * c,
        "spatial_coherence": 0.3 + 0.01 * r + 1e-4 * c,
        "ifgs_used": r + 2 * c,  # float32 in MintPy's numInvIfgram.h5 too
    }


def assert_quality(pixel, maps):
    assert pixel.velocity_std == pytest.approx(maps["velocity_std"][pixel.row, pixel.col])
    assert pixel.spatial_coherence == pytest.approx(maps["spatial_coherence"][pixel.row, pixel.col])
    assert pixel.ifgs_used == pixel.row + 2 * pixel.col and isinstance(pixel.ifgs_used, int)


def corner_and_centre(row, col):
    return X0 + col * PIXEL, Y0 - row * PIXEL, X0 + (col + 0.5) * PIXEL, Y0 - (row + 0.5) * PIXEL


@pytest.fixture(params=[dict(chunks=True), dict(chunks=(2, 7, 9), compression="gzip"), dict(chunks=None)], ids=str)
def mintpy(tmp_path, request):
    # Scaled by date number, so that pixels move differently relative to the first date.
    stack = encoded(N_DATES) * np.arange(1, N_DATES + 1, dtype=np.float32)[:, None, None]
    (tmp_path / "mintpy").mkdir()
    h5 = write_mintpy_timeseries(tmp_path / "mintpy" / "timeseries_demErr.h5", stack, **request.param)
    coherence = np.full((HEIGHT, WIDTH), 0.9, dtype=np.float32)
    coherence[7, 9] = 0.0  # MintPy found no solution here
    coherence[13, 40] = 0.5
    with h5py.File(tmp_path / "mintpy" / "temporalCoherence.h5", "w") as f:
        f.create_dataset("temporalCoherence", data=coherence, chunks=True)
    maps = quality_maps()
    with h5py.File(tmp_path / "mintpy" / "velocity.h5", "w") as f:
        f.create_dataset("velocity", data=np.full((HEIGHT, WIDTH), -0.012, dtype=np.float32))
        f.create_dataset("velocityStd", data=maps["velocity_std"])
    with h5py.File(tmp_path / "mintpy" / "avgSpatialCoh.h5", "w") as f:
        f.create_dataset("coherence", data=maps["spatial_coherence"], chunks=True)
    with h5py.File(tmp_path / "mintpy" / "numInvIfgram.h5", "w") as f:
        f.create_dataset("mask", data=maps["ifgs_used"])
    series = open_pixel_series(tmp_path)  # the work folder: finds mintpy/ in it
    yield series, h5, coherence
    series.close()


def test_h5_series_is_the_pixel_relative_to_the_first_date(mintpy):
    series, h5, coherence = mintpy
    assert isinstance(series, H5PixelSeries)
    assert series.crs == f"EPSG:{EPSG}"
    assert series.dates == dates(N_DATES) and series.reference_date == dates(N_DATES)[0]
    with h5py.File(h5, "r") as f:
        stack = f["timeseries"][()]
    for row, col in PIXELS:
        x_corner, y_corner, x, y = corner_and_centre(row, col)
        pixel = series.at(x, y)
        assert (pixel.row, pixel.col, pixel.x, pixel.y) == (row, col, x, y)
        expected = stack[:, row, col].astype(np.float64) - stack[0, row, col]
        if coherence[row, col] == 0:
            assert np.isnan(pixel.metres).all()
        else:
            np.testing.assert_array_equal(pixel.metres, expected)
        assert pixel.coherence == pytest.approx(coherence[row, col])
        assert pixel.velocity == pytest.approx(-0.012)
        assert_quality(pixel, quality_maps())
        # The upper-left corner of a pixel is in it; a hair left of or above it is the neighbour.
        assert series.pixel_of(x_corner, y_corner) == (row, col)
        assert series.pixel_of(x_corner - 0.01, y_corner) == ((row, col - 1) if col else None)
        assert series.pixel_of(x_corner, y_corner + 0.01) == ((row - 1, col) if row else None)
    assert series.at(X0 + WIDTH * PIXEL + 1, Y0 - 1) is None


def test_area_is_mean_spread_and_count_of_pixels_with_a_solution(mintpy):
    series, h5, coherence = mintpy
    x0, y0 = X0 + 6 * PIXEL, Y0 - 6 * PIXEL  # a 4 x 5 pixel box holding (7, 9), which has no solution
    ring = [(x0, y0), (x0 + 5 * PIXEL, y0), (x0 + 5 * PIXEL, y0 - 4 * PIXEL), (x0, y0 - 4 * PIXEL)]
    inside = pixel_centres_in_polygons(series.grid, [[ring]])
    assert len(inside) == 20
    area = series.area_in([[ring]])
    with h5py.File(h5, "r") as f:
        stack = f["timeseries"][()].astype(np.float64)
    solved = [(r, c) for r, c in zip(inside.rows, inside.cols) if coherence[r, c] > 0]
    values = np.array([stack[:, r, c] - stack[0, r, c] for r, c in solved]).T
    assert area.pixels == 20
    assert area.count.tolist() == [19] * N_DATES
    np.testing.assert_allclose(area.mean, values.mean(axis=1))
    np.testing.assert_allclose(area.std, values.std(axis=1))
    assert area.std[1] > 0
    # The same pixels given by row and column (validate's neighbourhood of a benchmark).
    by_pixels = series.area(inside.rows, inside.cols)
    assert by_pixels.pixels == 20 and by_pixels.count.tolist() == [19] * N_DATES
    np.testing.assert_allclose(by_pixels.mean, values.mean(axis=1))
    np.testing.assert_allclose(by_pixels.std, values.std(axis=1))

    # Relative to another date: each pixel is, so the spread is zero on that date, not on the first.
    later = series.area_in([[ring]], reference=3)
    values = np.array([stack[:, r, c] - stack[3, r, c] for r, c in solved]).T
    np.testing.assert_allclose(later.mean, values.mean(axis=1))
    np.testing.assert_allclose(later.std, values.std(axis=1))
    assert later.std[3] == 0 and later.std[0] > 0


def test_rewritten_file_is_read_again(mintpy):
    series, h5, _ = mintpy
    before = series.pixel(3, 4).metres
    # A MintPy rerun while the dock has the file open.
    rerun = encoded(N_DATES)
    rerun[:, 3, 4] = np.arange(N_DATES) * 2
    write_mintpy_timeseries(h5.with_name("rerun.h5"), rerun)
    os.replace(h5.with_name("rerun.h5"), h5)
    os.utime(h5, ns=(0, 0))  # a different stamp even within the file system's time resolution
    assert before[1] == 2 * 20304 - 10304
    np.testing.assert_array_equal(series.pixel(3, 4).metres, np.arange(N_DATES) * 2.0)


@pytest.mark.parametrize("layout", [dict(tiled=True, blockxsize=32, blockysize=16), dict(compress="deflate")], ids=str)
def test_geotiff_folder_gives_the_h5_series(tmp_path, layout):
    stack = encoded(N_DATES)
    relative = stack - stack[0]
    relative[4, 20, 25] = np.nan
    meters = tmp_path / "GeoTiffs" / "displacement_maps" / "unwrapped" / "Meters"
    meters.parent.mkdir(parents=True)
    write_stack(meters, relative, layout=layout)
    series = open_pixel_series(tmp_path)
    try:
        assert isinstance(series, GeotiffPixelSeries)
        assert series.crs == f"EPSG:{EPSG}" and series.dates == dates(N_DATES)
        for row, col in PIXELS:
            pixel = series.at(*corner_and_centre(row, col)[2:])
            np.testing.assert_array_equal(pixel.metres, relative[:, row, col].astype(np.float64))
            assert np.isnan([pixel.coherence, pixel.velocity, pixel.velocity_std, pixel.spatial_coherence]).all()
            assert pixel.ifgs_used == -1
        area = series.area(np.array([20, 20]), np.array([25, 26]))
        assert area.count.tolist() == [2, 2, 2, 2, 1, 2, 2, 2, 2]
        assert area.mean[4] == relative[4, 20, 26]
    finally:
        series.close()


def test_quality_of_a_mintpy_folder_without_some_files_is_unknown(tmp_path):
    write_mintpy_timeseries(tmp_path / "timeseries.h5", encoded(N_DATES))
    with h5py.File(tmp_path / "velocity.h5", "w") as f:  # no velocityStd, no other file
        f.create_dataset("velocity", data=np.full((HEIGHT, WIDTH), 0.004, dtype=np.float32))
    series = open_pixel_series(tmp_path)
    try:
        pixel = series.pixel(3, 4)
        assert pixel.velocity == pytest.approx(0.004) and pixel.ifgs_used == -1
        assert np.isnan([pixel.coherence, pixel.velocity_std, pixel.spatial_coherence]).all()
    finally:
        series.close()


def test_geotiff_folder_reads_the_quality_maps_exported_beside_it(tmp_path):
    geotiffs = tmp_path / "GeoTiffs"
    meters = geotiffs / "displacement_maps" / "unwrapped" / "Meters"
    meters.parent.mkdir(parents=True)
    write_stack(meters, encoded(N_DATES))
    maps = quality_maps()
    maps["ifgs_used"][5, 6] = np.nan  # outside MintPy's mask in the export
    coherence = np.full((HEIGHT, WIDTH), 0.8, dtype=np.float32)
    for name, data in [
        ("TemporalCoherence", coherence),
        ("velocity", np.full((HEIGHT, WIDTH), -0.02, dtype=np.float32)),
        ("velocity_std", maps["velocity_std"]),
        ("avgSpatialCoh", maps["spatial_coherence"]),
        ("numInvIfgram", maps["ifgs_used"]),
    ]:
        write_geotiff(geotiffs / f"{name}.tif", data)
    series = open_pixel_series(tmp_path)
    try:
        for row, col in PIXELS:
            pixel = series.pixel(row, col)
            assert (pixel.coherence, pixel.velocity) == pytest.approx((0.8, -0.02))
            assert_quality(pixel, maps)
        assert series.pixel(5, 6).ifgs_used == -1
    finally:
        series.close()


def test_folder_without_a_time_series_says_what_to_choose(tmp_path):
    with pytest.raises(ValueError, match="choose a work folder"):
        open_pixel_series(tmp_path)


def test_mintpy_file_not_geocoded_says_so(tmp_path):
    h5 = write_mintpy_timeseries(tmp_path / "timeseries.h5", encoded(2), chunks=True)
    with h5py.File(h5, "a") as f:
        del f.attrs["WIDTH"]
    with pytest.raises(ExtractError, match=re.escape("timeseries.h5: not geocoded (no 'WIDTH' attribute)")):
        open_pixel_series(tmp_path)


def direct_area(stack, coherence, inside, reference):
    """The statistics as the dock computed them before: every pixel of the area read at once."""
    solved = [(r, c) for r, c in zip(inside.rows, inside.cols) if coherence is None or coherence[r, c] > 0]
    values = np.array([stack[:, r, c].astype(np.float64) - stack[reference, r, c] for r, c in solved]).T
    return values.mean(axis=1), values.std(axis=1), len(solved)


# An L-shaped area with a hole, and a second polygon overlapping it: pixels counted once, holes left out.
L_SHAPE = [
    [(3.3, 2.2), (30.6, 2.2), (30.6, 9.7), (12.4, 9.7), (12.4, 35.1), (3.3, 35.1)],
    [(5.1, 4.1), (9.2, 4.1), (9.2, 20.3), (5.1, 20.3)],  # a hole
]
OVERLAP = [[(25.5, 5.5), (47.2, 5.5), (47.2, 12.9), (25.5, 12.9)]]


def in_metres(polygon):
    """Rings of (column, row) pixel coordinates to the grid's CRS."""
    return [[(X0 + c * PIXEL, Y0 - r * PIXEL) for c, r in ring] for ring in polygon]


@pytest.mark.parametrize("block_bytes", [1, 9 * 4 * 7 * 9 * 3, 2**30], ids=["one chunk", "a few chunks", "one read"])
def test_area_read_in_blocks_of_any_size_gives_the_direct_statistics(mintpy, block_bytes):
    series, h5, coherence = mintpy
    polygons = [in_metres(L_SHAPE), in_metres(OVERLAP)]
    inside = pixel_centres_in_polygons(series.grid, polygons)
    with h5py.File(h5, "r") as f:
        stack = f["timeseries"][()]
    for reference in (0, 5):
        reported = []
        area = series.area_in(polygons, reference, progress=reported.append, block_bytes=block_bytes)
        mean, std, solved = direct_area(stack, coherence, inside, reference)
        assert area.pixels == len(inside) > 300 and area.count.tolist() == [solved] * N_DATES
        np.testing.assert_allclose(area.mean, mean, rtol=1e-12)
        np.testing.assert_allclose(area.std, std, rtol=1e-9, atol=1e-9)
        assert area.std[reference] == 0 and area.std[reference - 1] > 0
        assert reported == sorted(reported) and reported[-1] == 100.0


@pytest.mark.parametrize("block_bytes", [1, 5000, BLOCK_BYTES])
def test_area_windows_tile_the_box_along_chunk_edges_within_the_budget(mintpy, block_bytes):
    series, _, _ = mintpy
    chunks = series._dataset.chunks or (N_DATES, 1, 1)
    windows = list(series.windows(3, HEIGHT - 2, 5, WIDTH - 1, block_bytes))
    covered = np.zeros((HEIGHT, WIDTH), dtype=int)
    for r0, r1, c0, c1 in windows:
        covered[r0:r1, c0:c1] += 1
        # Cut only at chunk edges or the box's; at most the budget, unless one chunk is already more.
        assert (r0 == 3 or r0 % chunks[1] == 0) and (c0 == 5 or c0 % chunks[2] == 0)
        assert N_DATES * 4 * (r1 - r0) * (c1 - c0) <= max(block_bytes, N_DATES * 4 * chunks[1] * chunks[2])
    assert (covered[3 : HEIGHT - 2, 5 : WIDTH - 1] == 1).all() and covered.sum() == (HEIGHT - 5) * (WIDTH - 6)
    if block_bytes == BLOCK_BYTES:
        assert len(windows) == 1


def test_area_stops_when_canceled_and_an_empty_area_has_no_pixels(mintpy):
    series, _, _ = mintpy
    asked = []

    def is_canceled():
        asked.append(1)
        return len(asked) > 3

    with pytest.raises(Canceled):
        series.area_in([in_metres(L_SHAPE)], is_canceled=is_canceled, block_bytes=1)
    assert len(asked) == 4  # checked before each window
    between = in_metres([[(3.6, 3.6), (4.4, 3.6), (4.4, 4.4), (3.6, 4.4)]])  # no pixel centre inside
    off_grid = [[(X0 - 500, Y0 + 500), (X0 - 100, Y0 + 500), (X0 - 100, Y0 + 100)]]
    for polygon in (between, off_grid):
        area = series.area_in([polygon])
        assert area.pixels == 0 and (area.count == 0).all() and np.isnan(area.mean).all()


def test_geotiff_area_in_blocks_gives_the_direct_statistics(tmp_path):
    stack = encoded(N_DATES)
    relative = stack - stack[0]
    relative[4, 20, 25] = np.nan
    relative[:, 8, 10] = np.nan  # no value at all
    meters = tmp_path / "Meters"
    write_stack(meters, relative, layout=dict(tiled=True, blockxsize=32, blockysize=16))
    series = open_pixel_series(meters)
    try:
        polygons = [in_metres(L_SHAPE), in_metres(OVERLAP)]
        inside = pixel_centres_in_polygons(series.grid, polygons)
        assert series.reopen().grid == series.grid
        for block_bytes in (1, BLOCK_BYTES):
            area = series.area_in(polygons, 2, block_bytes=block_bytes)
            values = relative[:, inside.rows, inside.cols].astype(np.float64)
            values -= values[2]
            np.testing.assert_allclose(area.mean, np.nanmean(values, axis=1), rtol=1e-12)
            np.testing.assert_allclose(area.std, np.nanstd(values, axis=1), rtol=1e-9, atol=1e-9)
            assert area.count.tolist() == np.isfinite(values).sum(axis=1).tolist() and area.pixels == len(inside)
        assert series.windows(0, HEIGHT, 0, WIDTH, 1).__next__() == (0, 16, 0, 32)  # one tile
    finally:
        series.close()


def test_area_read_in_slabs_of_dates_gives_the_same_statistics(mintpy, monkeypatch):
    series, _, _ = mintpy
    polygons = [in_metres(L_SHAPE)]
    whole = series.area_in(polygons, 1)
    monkeypatch.setattr(pixel_series, "SLAB_BYTES", 1)  # one chunk of dates per h5py call
    sliced = series.area_in(polygons, 1, block_bytes=5000)
    np.testing.assert_array_equal(sliced.count, whole.count)
    np.testing.assert_allclose(sliced.mean, whole.mean, rtol=1e-12)
    np.testing.assert_allclose(sliced.std, whole.std, rtol=1e-9)
