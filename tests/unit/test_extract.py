"""sbas extract: per-date GeoTIFFs (or MintPy's time series) sampled at points into Geotiff_value.csv.

Every raster value encodes (date, row, col), so an off-by-one, a half-pixel shift or a transposition
gives a wrong number, not a plausible one.
"""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest
import rasterio
from pyproj import Transformer
from rasterio.transform import from_origin

from sbas_plugin.core.results.extract import (
    ExtractError,
    _values_at,
    extract_values,
    geotiff_layout,
    read_geotiff_stack_series,
    read_timeseries_h5_series,
    write_long_csv,
    write_wide_csv,
)
from sbas_plugin.core.results.points import Canceled, PointTable
from sbas_plugin.core.results.quality import COLUMNS

SBAS = Path(sys.executable).parent / "sbas"
EPSG = 32654
X0, Y0, PIXEL = 399_920.0, 3_900_080.0, 80.0
HEIGHT, WIDTH = 40, 50  # tiles and strips that do not divide it: the last ones partial
FIRST = "20200103"
LAYOUTS = {
    "striped": dict(blockysize=3),  # 14 strips, the last one a single row
    "tiled": dict(tiled=True, blockxsize=32, blockysize=16),  # not square: a swap shows
    "tiled BigTIFF": dict(tiled=True, blockxsize=32, blockysize=16, BIGTIFF="YES"),
    "tiled big-endian": dict(tiled=True, blockxsize=16, blockysize=16, ENDIANNESS="BIG"),
    "deflate tiled": dict(tiled=True, blockxsize=16, blockysize=16, compress="deflate", predictor=3),
    "deflate striped": dict(compress="deflate"),
}
# Pixels (row, col): corners, both sides of tile and strip edges, the middle.
PIXELS = [(0, 0), (0, 49), (39, 0), (39, 49), (15, 32), (16, 31), (2, 3), (3, 2), (38, 33), (20, 25), (17, 12)]


def dates(n: int) -> list:
    first = dt.date(2020, 1, 3)
    return [f"{first + dt.timedelta(days=12 * i):%Y%m%d}" for i in range(n)]


def encoded(n_dates: int) -> np.ndarray:
    """(date, row, col) -> (date + 1) * 10000 + row * 100 + col: exact in float32."""
    d, r, c = np.mgrid[0:n_dates, 0:HEIGHT, 0:WIDTH]
    return ((d + 1) * 10000 + r * 100 + c).astype(np.float32)


def write_geotiff(path, data, crs=f"EPSG:{EPSG}", origin=(X0, Y0), nodata=np.nan, **layout):
    profile = dict(driver="GTiff", width=data.shape[1], height=data.shape[0], count=1, dtype="float32", crs=crs)
    with rasterio.open(
        path, "w", transform=from_origin(*origin, PIXEL, PIXEL), nodata=nodata, **profile, **layout
    ) as out:
        out.write(data, 1)
    return path


def write_stack(folder, stack, layout=LAYOUTS["tiled"], first=FIRST) -> list:
    """One `<first>_<date>_..._Meters_unwrapped.tif` per date, as users' exports name them."""
    folder.mkdir(exist_ok=True)
    names = []
    for date, data in zip(dates(len(stack)), stack):
        names.append(f"{first}_{date}_timeseries_demErr_Meters_unwrapped.tif")
        write_geotiff(folder / names[-1], data, **layout)
    return names


def centre(row, col):
    return X0 + (col + 0.5) * PIXEL, Y0 - (row + 0.5) * PIXEL


def point_table(xy, fids=None) -> PointTable:
    x, y = (np.array(v, dtype=np.float64) for v in zip(*xy))
    return PointTable(np.array(fids or range(1, len(x) + 1), dtype=np.int64), x, y)


def write_points(path, points: PointTable):
    rows = zip(points.fid.tolist(), points.x.tolist(), points.y.tolist())
    lines = ["fid,x,y"] + [f"{f},{x!r},{y!r}" for f, x, y in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("layout", LAYOUTS)
def test_each_point_gets_its_own_pixel_on_every_date(tmp_path, layout):
    stack = encoded(5)
    stack[2, 20, 25] = np.nan
    write_stack(tmp_path / "tifs", stack, LAYOUTS[layout])
    for other in ("velocity.tif", "20200103_20200115_x.tif.aux.xml", "notes.txt"):  # not per-date maps
        (tmp_path / "tifs" / other).write_text("not a time-series map")
    # Pixel centres, then points well inside the same pixels (floor, not round), then points off the grid.
    xy = [centre(r, c) for r, c in PIXELS]
    xy += [(x - 0.49 * PIXEL, y + 0.49 * PIXEL) for x, y in xy[:4]] + [
        (x + 0.49 * PIXEL, y - 0.49 * PIXEL) for x, y in xy[:4]
    ]
    xy += [(X0 - 1, Y0 - 100), (X0 + WIDTH * PIXEL, Y0 - 100), (X0 + 100, Y0 + 1), (X0 + 100, Y0 - HEIGHT * PIXEL)]
    percents = []

    series = read_geotiff_stack_series(tmp_path / "tifs", point_table(xy), progress=percents.append)

    pixels = PIXELS + PIXELS[:4] + PIXELS[:4]
    expected = np.full((5, len(xy)), np.nan, dtype=np.float32)
    expected[:, : len(pixels)] = stack[:, [r for r, _ in pixels], [c for _, c in pixels]]
    np.testing.assert_array_equal(series.values, expected)
    assert series.first_date == FIRST and series.dates == dates(5)
    assert series.inside.tolist() == [True] * len(pixels) + [False] * 4
    assert (
        series.summary() == f"{len(pixels)} points inside the rasters (1 of them on no data on some dates), 4 outside"
    )
    assert percents[-1] == 100.0
    # Uncompressed files are read in place, compressed ones decoded by GDAL.
    layouts = [geotiff_layout(p) for p in sorted((tmp_path / "tifs").glob("2*.tif"))]
    assert all((lay.block_offsets is not None) == ("deflate" not in layout) for lay in layouts)


def test_declared_nodata_and_nan_are_both_no_data(tmp_path):
    stack = encoded(3)
    stack[1, 5, 6] = -9999.0
    stack[2, 7, 8] = np.nan
    write_stack(tmp_path / "tifs", stack, dict(LAYOUTS["striped"], nodata=-9999.0))

    series = read_geotiff_stack_series(tmp_path / "tifs", point_table([centre(5, 6), centre(7, 8)]))

    assert np.isnan(series.values).tolist() == [[False, False], [True, False], [False, True]]


def tiny_series(tmp_path):
    """3 dates on a 2 x 3 grid; points with fid 7 and 5 on it, 9 off it."""
    stack = np.zeros((3, 2, 3), dtype=np.float32)
    stack[1] = [[0.0123, -0.5, 2.0], [1.0, 1.0, 1.0]]
    stack[2] = [[0.00001, np.nan, -0.0], [1.0, 1.0, 1.0]]
    folder = tmp_path / "tifs"
    folder.mkdir()
    for date, data in zip(dates(3), stack):
        write_geotiff(folder / f"{FIRST}_{date}_timeseries_demErr_Meters_unwrapped.tif", data, nodata=None)
    points = point_table([centre(0, 0), centre(0, 1), (0.0, 0.0)], fids=[7, 5, 9])
    return read_geotiff_stack_series(folder, points)


def test_wide_csv_is_geotiff_value_csv(tmp_path):
    (out,) = write_wide_csv(tmp_path / "Geotiff_value.csv", tiny_series(tmp_path))

    assert out.read_bytes().decode() == (
        "Date,7_value,5_value,9_value\r\n"
        "20200103_20200103,0.0,0.0,\r\n"
        "20200103_20200115,0.0123,-0.5,\r\n"
        "20200103_20200127,0.00001,,\r\n"
    )
    assert not (tmp_path / "Geotiff_value.csv.part").exists()


def test_long_csv_has_a_row_per_point_and_date(tmp_path):
    out = write_long_csv(tmp_path / "long.csv", tiny_series(tmp_path))

    x7, y7 = centre(0, 0)
    x5, y5 = centre(0, 1)
    assert out.read_bytes().decode() == (
        "fid,x,y,date,value_m\r\n"
        f"7,{x7!r},{y7!r},2020-01-03,0.0\r\n"
        f"7,{x7!r},{y7!r},2020-01-15,0.0123\r\n"
        f"7,{x7!r},{y7!r},2020-01-27,0.00001\r\n"
        f"5,{x5!r},{y5!r},2020-01-03,0.0\r\n"
        f"5,{x5!r},{y5!r},2020-01-15,-0.5\r\n"
        f"5,{x5!r},{y5!r},2020-01-27,\r\n"
        "9,0.0,0.0,2020-01-03,\r\n"
        "9,0.0,0.0,2020-01-15,\r\n"
        "9,0.0,0.0,2020-01-27,\r\n"
    )


def test_values_print_as_the_shortest_float32_decimal(tmp_path):
    values = np.array([0.1, 1 / 3, -2.5e-7, 1234.567, 1e-10, -7.0, -0.0, 3e17], dtype=np.float32)
    stack = np.zeros((2, HEIGHT, WIDTH), dtype=np.float32)
    stack[1, 0, : len(values)] = values
    write_stack(tmp_path / "tifs", stack)
    series = read_geotiff_stack_series(tmp_path / "tifs", point_table([centre(0, c) for c in range(len(values))]))

    row = write_wide_csv(tmp_path / "out.csv", series)[0].read_text().splitlines()[2].split(",")[1:]

    assert row == [
        "0.1",
        "0.33333334",
        "-0.00000025",
        "1234.567",
        "0.0000000001",
        "-7.0",
        "0.0",
        "300000000000000000.0",
    ]
    assert np.array_equal(np.array(row, dtype=np.float64).astype(np.float32), values)


def test_values_are_found_at_any_byte_alignment(tmp_path):
    # TIFF and HDF5 only promise even offsets; a block may start off a multiple of 4.
    values = np.array([1.5, -2.25, 3.0e-3, 7.0], dtype=np.float32)
    offsets = np.array([1, 6, 11, 16])
    data = bytearray(24)
    for offset, value in zip(offsets, values):
        data[offset : offset + 4] = np.array(value, dtype=">f4").tobytes()
    (tmp_path / "blob").write_bytes(bytes(data))

    found = _values_at(tmp_path / "blob", np.dtype(">f4"), offsets.reshape(2, 2))

    np.testing.assert_array_equal(found, values.reshape(2, 2))


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:3857"])
def test_points_in_another_crs_give_the_same_values(tmp_path, crs):
    write_stack(tmp_path / "tifs", encoded(4))
    utm = point_table([centre(r, c) for r, c in PIXELS])
    x, y = Transformer.from_crs(EPSG, crs, always_xy=True).transform(utm.x, utm.y)
    other = PointTable(utm.fid, np.asarray(x), np.asarray(y))

    expected = read_geotiff_stack_series(tmp_path / "tifs", utm)
    series = read_geotiff_stack_series(tmp_path / "tifs", other, points_crs=crs)

    assert series.inside.all()
    np.testing.assert_array_equal(series.values, expected.values)
    np.testing.assert_array_equal(series.points.x, other.x)  # the points stay as given


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:3857"])
def test_no_point_on_the_rasters_is_an_error_that_names_the_likely_crs(tmp_path, crs):
    write_stack(tmp_path / "tifs", encoded(2))
    utm = point_table([centre(r, c) for r, c in PIXELS])
    x, y = Transformer.from_crs(EPSG, crs, always_xy=True).transform(utm.x, utm.y)

    with pytest.raises(
        ExtractError, match=f"none of the {len(PIXELS)} points falls on the rasters.*--points-crs {crs}"
    ):
        read_geotiff_stack_series(tmp_path / "tifs", PointTable(utm.fid, np.asarray(x), np.asarray(y)))


def test_no_point_on_the_rasters_with_a_crs_given_says_to_check_it(tmp_path):
    write_stack(tmp_path / "tifs", encoded(2))
    far = point_table([(139.7, 35.7), (139.8, 35.6)])  # Tokyo, west of zone 54's rasters here

    with pytest.raises(ExtractError, match=r"x 139\.7 to 139\.8.*Check that EPSG:4326"):
        read_geotiff_stack_series(tmp_path / "tifs", far, points_crs="EPSG:4326")
    with pytest.raises(ExtractError, match="not a CRS GDAL knows"):
        read_geotiff_stack_series(tmp_path / "tifs", far, points_crs="EPSG:999999")


def test_files_off_the_grid_are_named_with_how_they_differ(tmp_path):
    folder = tmp_path / "tifs"
    names = write_stack(folder, encoded(6))
    write_geotiff(folder / names[1], encoded(1)[0], origin=(X0 + 40, Y0))
    write_geotiff(folder / names[3], encoded(1)[0][:, :49])
    write_geotiff(folder / names[4], encoded(1)[0], crs="EPSG:32653")

    with pytest.raises(ExtractError) as error:
        read_geotiff_stack_series(folder, point_table([centre(1, 1)]))

    message = str(error.value)
    assert f"{names[1]} has origin {X0 + 40}, {Y0}" in message
    assert f"{names[3]} has size 49 x 40" in message
    assert f"{names[4]} has CRS EPSG:32653" in message
    assert names[0] not in message and "(the others: CRS EPSG:32654" in message


def test_folder_errors_are_clear(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "velocity.tif").write_text("x")
    with pytest.raises(ExtractError, match=r"no per-date GeoTIFF in it.*<first>_<date>_<anything>\.tif"):
        read_geotiff_stack_series(tmp_path / "empty", point_table([centre(1, 1)]))
    with pytest.raises(ExtractError, match="no such folder"):
        read_geotiff_stack_series(tmp_path / "nope", point_table([centre(1, 1)]))

    write_stack(tmp_path / "cm", encoded(2))
    (tmp_path / "cm" / f"{FIRST}_{FIRST}_timeseries_demErr_Centimeters_unwrapped.tif").write_text("x")
    with pytest.raises(ExtractError, match=r"centimetre maps.*give the Meters folder"):
        read_geotiff_stack_series(tmp_path / "cm", point_table([centre(1, 1)]))

    write_stack(tmp_path / "mixed", encoded(2))
    write_stack(tmp_path / "mixed", encoded(2), first="20200115")
    with pytest.raises(ExtractError, match=r"different first dates.*2 starting 20200103, 2 starting 20200115"):
        read_geotiff_stack_series(tmp_path / "mixed", point_table([centre(1, 1)]))

    write_stack(tmp_path / "twice", encoded(2))
    write_geotiff(tmp_path / "twice" / f"{FIRST}_{dates(2)[1]}_again.tif", encoded(1)[0])
    with pytest.raises(ExtractError, match="more than one GeoTIFF for the same date"):
        read_geotiff_stack_series(tmp_path / "twice", point_table([centre(1, 1)]))


def test_cancel_stops_the_work(tmp_path):
    write_stack(tmp_path / "tifs", encoded(3))
    with pytest.raises(Canceled):
        read_geotiff_stack_series(tmp_path / "tifs", point_table([centre(1, 1)]), is_canceled=lambda: True)


def write_mintpy_timeseries(path, stack, **storage):
    """A timeseries.h5 as MintPy lays it out: `timeseries` (dates, rows, cols) float32 metres relative to
    REF_DATE, `date` as bytes YYYYMMDD, the grid in string attributes."""
    with h5py.File(path, "w") as f:
        f.create_dataset("timeseries", data=stack, **storage)
        f.create_dataset("date", data=np.array(dates(len(stack)), dtype=np.bytes_))
        f.create_dataset("bperp", data=np.zeros(len(stack), dtype=np.float32))
        f.attrs.update(
            FILE_TYPE="timeseries",
            UNIT="m",
            X_FIRST=str(X0),
            Y_FIRST=str(Y0),
            X_STEP=str(PIXEL),
            Y_STEP=str(-PIXEL),
            WIDTH=str(WIDTH),
            LENGTH=str(HEIGHT),
            EPSG=str(EPSG),
            REF_DATE=dates(len(stack))[0],
        )
    return path


@pytest.mark.parametrize(
    "storage", [dict(chunks=True), dict(chunks=(2, 7, 9), compression="gzip"), dict(chunks=None)], ids=str
)
def test_mintpy_timeseries_gives_what_its_geotiffs_give(tmp_path, storage):
    relative = encoded(5)
    relative[0] = 0.0  # the first date's map is all zeros
    relative[3, 20, 25] = np.nan
    # MintPy's file may be referenced to another date: every pixel offset by something of its own.
    offset = (np.arange(HEIGHT * WIDTH, dtype=np.float32).reshape(HEIGHT, WIDTH) + 7.0) * 3.0
    h5 = write_mintpy_timeseries(tmp_path / "timeseries.h5", relative + offset, **storage)
    # Where MintPy found no solution (temporal coherence 0) the export writes no data.
    coherence = np.full((HEIGHT, WIDTH), 0.9, dtype=np.float32)
    coherence[2, 3] = 0.0
    with h5py.File(tmp_path / "temporalCoherence.h5", "w") as f:
        f.create_dataset("temporalCoherence", data=coherence)
    relative[:, 2, 3] = np.nan
    write_stack(tmp_path / "tifs", relative)
    points = point_table([centre(r, c) for r, c in PIXELS] + [(0.0, 0.0)])
    percents = []

    from_h5 = read_timeseries_h5_series(h5, points, progress=percents.append)
    from_tifs = read_geotiff_stack_series(tmp_path / "tifs", points)

    np.testing.assert_array_equal(from_h5.values, from_tifs.values)
    assert (from_h5.first_date, from_h5.dates) == (from_tifs.first_date, from_tifs.dates)
    assert from_h5.inside.tolist() == from_tifs.inside.tolist() == [True] * len(PIXELS) + [False]
    assert percents[-1] == 100.0


def test_mintpy_timeseries_errors_are_clear(tmp_path):
    h5 = write_mintpy_timeseries(tmp_path / "timeseries.h5", encoded(2), chunks=True)
    with h5py.File(h5, "a") as f:
        del f.attrs["X_FIRST"]
    with pytest.raises(ExtractError, match="not geocoded"):
        read_timeseries_h5_series(h5, point_table([centre(1, 1)]))


def sbas(*args):
    return subprocess.run([str(SBAS), *args], capture_output=True, text=True)


def test_cli_extract_end_to_end(tmp_path):
    stack = encoded(3)
    write_stack(tmp_path / "tifs", stack)
    (tmp_path / "work" / "mintpy").mkdir(parents=True)
    write_mintpy_timeseries(tmp_path / "work" / "mintpy" / "timeseries_demErr.h5", stack - stack[0], chunks=True)
    utm = point_table([centre(4, 5), centre(30, 40)], fids=[3, 1])
    x, y = Transformer.from_crs(EPSG, 4326, always_xy=True).transform(utm.x.tolist(), utm.y.tolist())
    lonlat = write_points(tmp_path / "lonlat.csv", PointTable(utm.fid, np.asarray(x), np.asarray(y)))
    out = tmp_path / "Geotiff_value.csv"

    wide = sbas(
        "extract",
        "--geotiffs",
        str(tmp_path / "tifs"),
        "--points",
        str(lonlat),
        "--points-crs",
        "EPSG:4326",
        "--out",
        str(out),
    )

    assert wide.returncode == 0, wide.stderr
    summary = "2 points inside the rasters (0 of them on no data on some dates), 0 outside"
    assert wide.stdout.strip() == f"2 points x 3 dates written to {out}: {summary}"
    assert out.read_text().splitlines() == [
        "Date,3_value,1_value",
        "20200103_20200103,10405.0,13040.0",
        "20200103_20200115,20405.0,23040.0",
        "20200103_20200127,30405.0,33040.0",
    ]

    long_out = tmp_path / "long.csv"
    utm_csv = write_points(tmp_path / "utm.csv", utm)
    long = sbas(
        "extract",
        "--work",
        str(tmp_path / "work"),
        "--points",
        str(utm_csv),
        "--out",
        str(long_out),
        "--format",
        "long",
    )

    assert long.returncode == 0, long.stderr
    lines = long_out.read_text().splitlines()
    assert lines[0] == "fid,x,y,date,value_m" and len(lines) == 7
    assert lines[3] == f"3,{float(utm.x[0])!r},{float(utm.y[0])!r},2020-01-27,20000.0"


def test_cli_bad_input_exits_2_and_writes_nothing(tmp_path):
    write_stack(tmp_path / "tifs", encoded(2))
    utm = point_table([centre(4, 5)])
    x, y = Transformer.from_crs(EPSG, 4326, always_xy=True).transform(utm.x.tolist(), utm.y.tolist())
    lonlat = write_points(tmp_path / "lonlat.csv", PointTable(utm.fid, np.asarray(x), np.asarray(y)))
    out = tmp_path / "Geotiff_value.csv"

    no_crs = sbas("extract", "--geotiffs", str(tmp_path / "tifs"), "--points", str(lonlat), "--out", str(out))
    assert no_crs.returncode == 2
    assert no_crs.stderr.startswith("sbas: none of the 1 points falls on the rasters")
    assert "--points-crs EPSG:4326" in no_crs.stderr
    nope = str(tmp_path / "nope.csv")
    no_points = sbas("extract", "--geotiffs", str(tmp_path / "tifs"), "--points", nope, "--out", str(out))
    assert no_points.returncode == 2 and "nope.csv: No such file or directory" in no_points.stderr
    no_mintpy = sbas("extract", "--work", str(tmp_path), "--points", str(lonlat), "--out", str(out))
    assert no_mintpy.returncode == 2 and "no MintPy time series" in no_mintpy.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lonlat.csv", "tifs"]


def test_extract_values_adds_quality_to_the_long_table_when_mintpy_has_it(tmp_path):
    stack = encoded(3)
    write_stack(tmp_path / "tifs", stack - stack[0])  # the export's: relative to the first date
    mintpy_dir = tmp_path / "work" / "mintpy"
    mintpy_dir.mkdir(parents=True)
    write_mintpy_timeseries(mintpy_dir / "timeseries.h5", stack, chunks=True)
    points = point_table([centre(4, 5), centre(30, 40)], fids=[3, 1])
    (expected,) = write_wide_csv(tmp_path / "expected.csv", read_geotiff_stack_series(tmp_path / "tifs", points))

    from_tifs = extract_values(points, tmp_path / "from_tifs.csv", geotiffs=tmp_path / "tifs", long=True)
    bare = extract_values(points, tmp_path / "bare.csv", work=tmp_path / "work", long=True)

    assert from_tifs.mintpy_dir is None and from_tifs.quality is None
    assert (tmp_path / "from_tifs.csv").read_text().splitlines()[0] == "fid,x,y,date,value_m"
    assert bare.mintpy_dir == mintpy_dir and bare.quality is None
    assert (tmp_path / "bare.csv").read_bytes() == (tmp_path / "from_tifs.csv").read_bytes()

    coherence = np.full((HEIGHT, WIDTH), 0.9, dtype=np.float32)
    coherence[4, 5] = 0.5
    maps = {
        "temporalCoherence.h5": {"temporalCoherence": coherence},
        "avgSpatialCoh.h5": {"coherence": np.full((HEIGHT, WIDTH), 0.8, dtype=np.float32)},
        "numInvIfgram.h5": {"mask": np.full((HEIGHT, WIDTH), 4.0, dtype=np.float32)},
        "velocity.h5": {name: np.zeros((HEIGHT, WIDTH), dtype=np.float32) for name in ("velocity", "velocityStd")},
    }
    with h5py.File(mintpy_dir / "timeseries.h5", "r") as f:
        geocoded = dict(f.attrs)
    for name, datasets in maps.items():
        with h5py.File(mintpy_dir / name, "w") as f:
            f.attrs.update(geocoded)
            for dataset, data in datasets.items():
                f.create_dataset(dataset, data=data)

    rich = extract_values(points, tmp_path / "rich.csv", work=tmp_path / "work", long=True, min_coherence=0.6)
    wide = extract_values(points, tmp_path / "wide.csv", work=tmp_path / "work", min_coherence=0.6)

    assert rich.quality.fid.tolist() == [3, 1] and rich.quality.low_quality.tolist() == [1, 0]
    lines = (tmp_path / "rich.csv").read_text().splitlines()
    assert lines[0] == ",".join(["fid,x,y,date,value_m", *COLUMNS])
    assert lines[1].endswith(",0.5,0.8,4,0.0,0.0,1,0.6") and lines[-1].endswith(",0.9,0.8,4,0.0,0.0,0,0.6")
    assert wide.quality is None and (tmp_path / "wide.csv").read_bytes() == expected.read_bytes()


@pytest.mark.mintpy
def test_real_mintpy_timeseries_and_our_geotiff_export_of_it_agree(tmp_path):
    """MintPy's own timeseries.h5 (its chunking and attributes) and the per-date GeoTIFFs our exporter
    makes of it give the same series, the one h5py reads (no data where MintPy found no solution)."""
    import os

    from sbas_plugin.core.simulate.synthetic import write_synthetic_stack
    from sbas_plugin.core.stack.export import export_geotiffs

    products = tmp_path / "products"
    truth = write_synthetic_stack(products)
    template = tmp_path / "SyntheticHyp3.txt"
    template.write_text(
        "".join(
            f"mintpy.load.{key}File = {products}/*/*_{suffix}.tif\n"
            for key, suffix in [("unw", "unw_phase"), ("cor", "corr"), ("dem", "dem")]
        )
        + "mintpy.load.processor = hyp3\nmintpy.compute.cluster = no\nmintpy.troposphericDelay.method = no\n"
        "mintpy.unwrapError.method = no\nmintpy.deramp = no\nmintpy.plot = no\n"
        "mintpy.topographicResidual = no\n",  # timeseries.h5 is final: the run ends after the inversion
        encoding="utf-8",
    )
    app = Path(sys.executable).parent / "smallbaselineApp.py"
    env = {**os.environ, "HDF5_USE_FILE_LOCKING": "FALSE", "MPLBACKEND": "Agg"}
    work = tmp_path / "mintpy"
    command = [sys.executable, str(app), str(template), "--work-dir", str(work), "--end", "invert_network"]
    run = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    exported = export_geotiffs(work, tmp_path / "GeoTiffs")
    rng = np.random.default_rng(0)
    rows, cols = rng.integers(0, truth.shape[0], 300), rng.integers(0, truth.shape[1], 300)
    x0, dx, _, y0, _, dy = truth.transform
    points = PointTable(np.arange(1, 301), x0 + (cols + 0.5) * dx, y0 + (rows + 0.5) * dy)

    from_h5 = read_timeseries_h5_series(work / "timeseries.h5", points)
    from_tifs = read_geotiff_stack_series(exported.displacement_dir, points)

    with h5py.File(work / "timeseries.h5", "r") as f:
        everything = f["timeseries"][()]
        h5_dates = [d.decode() for d in f["date"][()]]
    with h5py.File(work / "temporalCoherence.h5", "r") as f:
        unsolved = f["temporalCoherence"][()][rows, cols] == 0
    expected = everything[:, rows, cols] - everything[0, rows, cols]
    expected[:, unsolved] = np.nan
    assert unsolved.any() and not unsolved.all()  # both kinds of pixel are tried
    assert np.nanmax(np.abs(expected)) > 0.01  # the stack moves: zeros would prove nothing
    np.testing.assert_array_equal(from_h5.values, expected)
    np.testing.assert_array_equal(from_tifs.values, expected)
    assert from_h5.dates == from_tifs.dates == h5_dates
