"""Displacement at points over time, from per-date GeoTIFFs or MintPy's time series: the users'
Geotiff_value.csv.

Uncompressed data (our exporter's tiled GeoTIFFs, OpenSARLab's striped ones, MintPy's HDF5) are read
straight from the memory-mapped file at each point's byte offset, so only the bytes under the points
are copied, not whole rasters. Compressed data are decoded by GDAL or HDF5, one band of block rows at
a time, and only where there are points.
"""

import mmap
import struct
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import h5py
import numpy as np
from osgeo import gdal, osr

from sbas_plugin.core.cancel import check_canceled
from sbas_plugin.core.dates import iso_date
from sbas_plugin.core.files import written_whole
from sbas_plugin.core.grid import Grid
from sbas_plugin.core.manifest import Manifest
from sbas_plugin.core.names import dated_geotiff_dates
from sbas_plugin.core.results.blanks import read_blanks
from sbas_plugin.core.results.decimals import csv_cells, decimal_texts
from sbas_plugin.core.results.mintpy_files import TimeseriesHeader, find_timeseries, read_header
from sbas_plugin.core.results.points import PointTable
from sbas_plugin.core.results.quality import DEFAULT_MIN_COHERENCE, PointQuality, has_quality_files, point_quality
from sbas_plugin.core.results.sampling import DECODE_ROWS, ExtractError, points_on_grid, row_bands
from sbas_plugin.core.results.wide_table import SHEET_ROWS, split_note, write_wide_table
from sbas_plugin.core.workfolder import WorkFolder

gdal.UseExceptions()
osr.UseExceptions()

# Where points that miss the rasters most often come from: tried to suggest --points-crs.
# TIFF tags read from the header: block geometry and offsets, and the GeoTIFF CRS keys.
ROWS_PER_STRIP, STRIP_OFFSETS, STRIP_BYTE_COUNTS = 278, 273, 279
TILE_WIDTH, TILE_LENGTH, TILE_OFFSETS, TILE_BYTE_COUNTS = 322, 323, 324, 325
GEOKEY_TAGS = (34735, 34736, 34737)  # GeoKeyDirectory, GeoDoubleParams, GeoAsciiParams
TIFF_TAGS = {ROWS_PER_STRIP, STRIP_OFFSETS, STRIP_BYTE_COUNTS, TILE_WIDTH, TILE_LENGTH, TILE_OFFSETS, TILE_BYTE_COUNTS}
TIFF_TAGS.update(GEOKEY_TAGS)
LONG_BLOCK_POINTS = 4096  # the long table's values are formatted this many points at a time
TIFF_TYPES = {1: "B", 2: "B", 3: "H", 4: "I", 7: "B", 12: "d", 16: "Q"}  # type code -> numpy/struct code


@dataclass(frozen=True)
class PointSeries:
    """Displacement of each point over time, relative to the first date."""

    first_date: str  # YYYYMMDD
    dates: list  # YYYYMMDD, ascending
    points: PointTable  # as given, in their own CRS
    values: np.ndarray  # (len(dates), len(points)) float32 metres; NaN where no data or off the rasters
    inside: np.ndarray  # bool per point: it falls on the rasters

    def summary(self) -> str:
        inside = int(self.inside.sum())
        on_no_data = int((self.inside & np.isnan(self.values).any(axis=0)).sum())
        return (
            f"{inside} points inside the rasters ({on_no_data} of them on no data on some dates), "
            f"{len(self.inside) - inside} outside"
        )


@dataclass(frozen=True)
class GeotiffLayout:
    """What a GeoTIFF's header says: its grid, and where its pixels are when they can be read in place."""

    geokeys: Optional[bytes]  # the raw GeoTIFF CRS keys: equal keys, equal CRS; None when not parsed
    transform: tuple  # GDAL geotransform
    width: int
    height: int
    bands: int
    nodata: Optional[float]
    block_shape: tuple  # rows, cols
    block_offsets: Optional[np.ndarray]  # byte offset of each block (block rows x block cols); None: must decode
    dtype: np.dtype  # the pixels' type and byte order in the file


def dated_geotiffs(folder, centimetres: bool = False) -> tuple:
    """(first date, dates, paths) of the `<first>_<date>_<anything>.tif` files of a folder, by date;
    other files are ignored. Centimetre maps are refused unless `centimetres` (the caller scales them)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ExtractError(f"{folder}: no such folder")
    found = []
    for path in folder.iterdir():
        dates = dated_geotiff_dates(path.name)
        if dates and path.is_file():
            found.append((dates[1], dates[0], path))
    if not found:
        raise ExtractError(
            f"{folder}: no per-date GeoTIFF in it; they are named <first>_<date>_<anything>.tif, "
            "e.g. 20200103_20200115_timeseries_demErr_Meters_unwrapped.tif"
        )
    in_centimetres = [path.name for _, _, path in found if "_centimeters_" in path.name.lower()]
    if in_centimetres and not centimetres:
        raise ExtractError(
            f"{folder} holds centimetre maps ({in_centimetres[0]}, ...); Geotiff_value.csv is in metres: "
            "give the Meters folder beside it"
        )
    firsts = Counter(first for _, first, _ in found)
    if len(firsts) > 1:
        counts = ", ".join(f"{n} starting {first}" for first, n in sorted(firsts.items()))
        raise ExtractError(
            f"{folder} mixes time series with different first dates ({counts}): keep one export's files in it"
        )
    found.sort()
    repeated = [date for date, n in Counter(date for date, _, _ in found).items() if n > 1]
    if repeated:
        names = ", ".join(path.name for date, _, path in found if date in repeated)
        raise ExtractError(f"{folder} has more than one GeoTIFF for the same date ({names}): keep one of each")
    return found[0][1], [date for date, _, _ in found], [path for _, _, path in found]


def _crs_name(wkt: str) -> str:
    if not wkt:
        return "no CRS"
    srs = osr.SpatialReference()
    srs.ImportFromWkt(wkt)
    code = srs.GetAuthorityCode(None)
    return f"{srs.GetAuthorityName(None)}:{code}" if code else srs.ExportToProj4()


def _tiff_tags(path) -> tuple:
    """Byte order ('<' or '>') and {tag: values} of the TIFF_TAGS of a TIFF's first image, read from its
    header: one read, where GDAL takes a call per block. (None, {}) when the file is not a TIFF."""
    with open(path, "rb") as file:
        header = file.read(16)
        order = {b"II": "<", b"MM": ">"}.get(header[:2])
        if order is None or len(header) < 16:
            return None, {}
        big = struct.unpack(order + "H", header[2:4])[0] == 43  # BigTIFF: 8-byte counts and offsets
        word, entry_size, inline = ("Q", 20, 8) if big else ("I", 12, 4)
        file.seek(struct.unpack(order + word, header[8:16] if big else header[4:8])[0])
        count_size = 8 if big else 2
        (n_entries,) = struct.unpack(order + ("Q" if big else "H"), file.read(count_size))
        entries = file.read(n_entries * entry_size)
        tags = {}
        for start in range(0, len(entries) - entry_size + 1, entry_size):
            tag, kind, count, value = struct.unpack(f"{order}HH{word}{inline}s", entries[start : start + entry_size])
            if tag in TIFF_TAGS and kind in TIFF_TYPES:
                dtype = np.dtype(order + TIFF_TYPES[kind])
                size = count * dtype.itemsize
                if size > inline:  # the values are elsewhere; the field holds their offset
                    file.seek(struct.unpack(order + word, value)[0])
                    value = file.read(size)
                tags[tag] = np.frombuffer(value[:size], dtype)
    return order, tags


def _block_offsets(tags: dict, width: int, height: int) -> Optional[tuple]:
    """(rows, cols) of the stored blocks (tiles or strips) and their byte offsets (block rows x block
    cols), or None when any block is missing (a sparse file) or not the size its pixels take."""
    tiled = TILE_OFFSETS in tags
    if tiled and TILE_WIDTH in tags and TILE_LENGTH in tags:
        shape = int(tags[TILE_LENGTH][0]), int(tags[TILE_WIDTH][0])
    else:
        shape = min(int(tags[ROWS_PER_STRIP][0]), height) if ROWS_PER_STRIP in tags else height, width
    offsets = tags.get(TILE_OFFSETS if tiled else STRIP_OFFSETS)
    sizes = tags.get(TILE_BYTE_COUNTS if tiled else STRIP_BYTE_COUNTS)
    grid = -(-height // shape[0]), -(-width // shape[1])
    if offsets is None or sizes is None or len(offsets) != grid[0] * grid[1] or len(sizes) != len(offsets):
        return None
    rows = np.full(grid, shape[0])
    if not tiled:
        rows[-1] = height - (grid[0] - 1) * shape[0]  # the last strip holds only the rows left
    if not offsets.all() or np.any(sizes != rows.ravel() * shape[1] * 4):
        return None
    return shape, offsets.astype(np.int64).reshape(grid)


def geotiff_layout(path) -> GeotiffLayout:
    try:
        dataset = gdal.Open(str(path))
        order, tags = _tiff_tags(path)
    except RuntimeError as error:
        raise ExtractError(f"{path}: not a GeoTIFF GDAL can read ({error})") from error
    except (struct.error, ValueError):  # a header GDAL copes with and we do not: let GDAL read the file
        order, tags = None, {}
    band = dataset.GetRasterBand(1)
    width, height = dataset.RasterXSize, dataset.RasterYSize
    block_cols, block_rows = band.GetBlockSize()
    structure = dataset.GetMetadata("IMAGE_STRUCTURE")
    blocks = None
    if (
        order
        and dataset.GetDriver().ShortName == "GTiff"
        and dataset.RasterCount == 1
        and band.DataType == gdal.GDT_Float32
        and "COMPRESSION" not in structure
        and "NBITS" not in structure
    ):
        blocks = _block_offsets(tags, width, height)
    return GeotiffLayout(
        geokeys=b"".join(struct.pack("<H", t) + tags[t].tobytes() for t in GEOKEY_TAGS if t in tags) if order else None,
        transform=tuple(dataset.GetGeoTransform()),
        width=width,
        height=height,
        bands=dataset.RasterCount,
        nodata=band.GetNoDataValue(),
        block_shape=blocks[0] if blocks else (block_rows, block_cols),
        block_offsets=blocks[1] if blocks else None,
        dtype=np.dtype((order or "<") + "f4"),
    )


def one_grid(paths: list, layouts: list) -> tuple:
    """The grid and CRS all files share, or an error naming the odd ones (odd against the majority)."""
    crs_of = {}  # GDAL takes ~0.5 ms to make a CRS of GeoKeys: once per distinct set of keys
    for path, layout in zip(paths, layouts):
        key = path if layout.geokeys is None else layout.geokeys
        if key not in crs_of:
            dataset = gdal.Open(str(path))
            crs_of[key] = _crs_name(dataset.GetProjection())
    crs_names = [crs_of[path if layout.geokeys is None else layout.geokeys] for path, layout in zip(paths, layouts)]
    keys = [(name, layout.transform, layout.width, layout.height) for name, layout in zip(crs_names, layouts)]
    crs, transform, width, height = Counter(keys).most_common(1)[0][0]
    problems = []
    for path, layout, layout_crs in zip(paths, layouts, crs_names):
        differences = []
        if layout_crs != crs:
            differences.append(f"CRS {layout_crs}")
        x0, dx, rotation_x, y0, rotation_y, dy = layout.transform
        if (x0, y0) != (transform[0], transform[3]):
            differences.append(f"origin {x0}, {y0}")
        if (dx, rotation_x, rotation_y, dy) != (transform[1], transform[2], transform[4], transform[5]):
            differences.append(f"pixel size {dx} x {dy}" + (" (rotated)" if rotation_x or rotation_y else ""))
        if (layout.width, layout.height) != (width, height):
            differences.append(f"size {layout.width} x {layout.height}")
        if layout.bands != 1:
            differences.append(f"{layout.bands} bands instead of one")
        if differences:
            problems.append(f"{path.name} has {', '.join(differences)}")
    if problems:
        raise ExtractError(
            "the GeoTIFFs must share one grid, as one export's do, and have one band: "
            + "; ".join(problems)
            + f" (the others: CRS {crs}, origin {transform[0]}, {transform[3]}, pixel size {transform[1]} x "
            f"{transform[5]}, size {width} x {height}). Move the odd files out of the folder or re-export them."
        )
    try:
        return Grid.from_gdal(transform, width, height), crs
    except ValueError as error:
        raise ExtractError(f"{paths[0].parent}: {error}") from error


def _values_at(path, dtype: np.dtype, offsets: np.ndarray) -> np.ndarray:
    """Float values of `dtype` at byte `offsets` of a file (any shape), through a memory map: only the
    pages holding them are touched, and nothing but them is copied."""
    values = np.empty(offsets.shape, dtype=np.float32)
    misalignment = offsets % dtype.itemsize
    shifts = np.flatnonzero(np.bincount(misalignment.ravel(), minlength=dtype.itemsize))
    with open(path, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        for shift in shifts.tolist():  # blocks normally all start at a multiple of the item size: one pass
            here = misalignment == shift if len(shifts) > 1 else ...
            items = np.frombuffer(data, dtype, count=(len(data) - shift) // dtype.itemsize, offset=shift)
            values[here] = items[(offsets[here] - shift) // dtype.itemsize]
            del items  # the map cannot close while an array views it
    return values


def _decoded_values(path, rows: np.ndarray, cols: np.ndarray, block_rows: int) -> np.ndarray:
    values = np.empty(len(rows), dtype=np.float32)
    dataset = gdal.Open(str(path))  # kept in a variable: a band outliving its dataset crashes GDAL 3.6
    band = dataset.GetRasterBand(1)
    for row0, row1, col0, col1, which in row_bands(rows, cols, block_rows * max(1, DECODE_ROWS // block_rows)):
        window = band.ReadAsArray(int(col0), int(row0), int(col1 - col0), int(row1 - row0))
        values[which] = window[rows[which] - row0, cols[which] - col0]
    return values


def read_geotiff_stack_series(
    folder,
    points: PointTable,
    points_crs: Optional[str] = None,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> PointSeries:
    """The value of every per-date GeoTIFF of a folder at each point (in the rasters' CRS unless
    `points_crs` says otherwise). All files must share one grid. NaN, and the nodata value when one is
    declared, are no data."""
    first_date, dates, paths = dated_geotiffs(folder)
    layouts = []
    for path in paths:
        check_canceled(is_canceled)
        layouts.append(geotiff_layout(path))
    grid, crs = one_grid(paths, layouts)
    rows, cols, inside = points_on_grid(points, grid, crs, points_crs)
    values = np.full((len(paths), len(points)), np.nan, dtype=np.float32)
    in_block = {}  # per block shape: each point's block and byte offset within it
    for i, (path, layout) in enumerate(zip(paths, layouts)):
        check_canceled(is_canceled)
        block_rows, block_cols = layout.block_shape
        if layout.block_offsets is None:
            sampled = _decoded_values(path, rows, cols, block_rows)
        else:
            if layout.block_shape not in in_block:
                block = (rows // block_rows) * layout.block_offsets.shape[1] + cols // block_cols
                in_block[layout.block_shape] = block, ((rows % block_rows) * block_cols + cols % block_cols) * 4
            block, offset = in_block[layout.block_shape]
            sampled = _values_at(path, layout.dtype, layout.block_offsets.ravel()[block] + offset)
        if layout.nodata is not None and np.isfinite(layout.nodata):
            sampled[sampled == np.float32(layout.nodata)] = np.nan
        values[i, inside] = sampled
        if progress:
            progress(100.0 * (i + 1) / len(paths))
    return PointSeries(first_date, dates, points, values, inside)


def _chunk_offsets(dataset: h5py.Dataset, rows: np.ndarray, cols: np.ndarray) -> Optional[tuple]:
    """(byte offset of each chunk (date, row, col chunk index; -1 where no point needs it), chunk shape)
    of an uncompressed float32 dataset, or None when HDF5 has to do the reading."""
    if (
        dataset.dtype.kind != "f"
        or dataset.dtype.itemsize != 4
        or dataset.file.userblock_size  # chunk addresses would not be file offsets
        or dataset.id.get_create_plist().get_nfilters()
    ):
        return None
    n_dates, height, width = dataset.shape
    if dataset.chunks is None:  # contiguous: one "chunk" per date plane
        start = dataset.id.get_offset()
        if start is None:
            return None
        return (start + np.arange(n_dates).reshape(-1, 1, 1) * height * width * 4), (1, height, width)
    if not hasattr(dataset.id, "get_chunk_info_by_coord"):  # HDF5 older than 1.10.5
        return None
    date_chunk, row_chunk, col_chunk = dataset.chunks
    offsets = np.full((-(-n_dates // date_chunk), -(-height // row_chunk), -(-width // col_chunk)), -1, np.int64)
    for row, col in set(zip((rows // row_chunk).tolist(), (cols // col_chunk).tolist())):
        for date in range(offsets.shape[0]):
            info = dataset.id.get_chunk_info_by_coord((date * date_chunk, row * row_chunk, col * col_chunk))
            if info.byte_offset is None:  # never written: HDF5 would serve the fill value
                return None
            offsets[date, row, col] = info.byte_offset
    return offsets, dataset.chunks


def timeseries_header(path) -> TimeseriesHeader:
    """read_header, its errors as ExtractError."""
    try:
        return read_header(path)
    except ValueError as error:
        raise ExtractError(str(error)) from None


def read_timeseries_h5_series(
    h5_path,
    points: PointTable,
    points_crs: Optional[str] = None,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
    mask_low_coherence: bool = False,
) -> PointSeries:
    """The displacement of each point in a geocoded MintPy time series (timeseries*.h5), relative to
    its first date as the per-date GeoTIFFs are, empty exactly where our GeoTIFF export with the same
    `mask_low_coherence` leaves them empty (blanks.py, from the MintPy files beside it)."""
    h5_path = Path(h5_path)
    header = timeseries_header(h5_path)
    grid, crs, dates = header.grid, header.crs or "no CRS", header.dates
    rows, cols, inside = points_on_grid(points, grid, crs, points_crs)
    values = np.full((len(dates), len(points)), np.nan, dtype=np.float32)
    with h5py.File(h5_path, "r") as f:
        if "timeseries" not in f:
            raise ExtractError(f"{h5_path}: no 'timeseries' dataset; is it MintPy's time series file?")
        dataset = f["timeseries"]
        if dataset.shape != (len(dates), grid.height, grid.width):
            raise ExtractError(
                f"{h5_path}: 'timeseries' is {dataset.shape}, but the file has {len(dates)} dates "
                f"on {grid.height} x {grid.width} pixels"
            )
        direct = _chunk_offsets(dataset, rows, cols)
        date_chunk, row_chunk, col_chunk = direct[1] if direct else (dataset.chunks or (1, DECODE_ROWS, grid.width))
        dtype = dataset.dtype
        inside_index = np.flatnonzero(inside)
        if direct:  # where each point is in its chunk, and which chunk of a date chunk holds it
            within = ((rows % row_chunk) * col_chunk + cols % col_chunk) * 4
            spatial_chunk = (rows // row_chunk) * direct[0].shape[2] + cols // col_chunk
        for date0 in range(0, len(dates), date_chunk):
            check_canceled(is_canceled)
            date1 = min(date0 + date_chunk, len(dates))
            if direct:
                plane = np.arange(date1 - date0).reshape(-1, 1) * (row_chunk * col_chunk * 4)
                chunk = direct[0][date0 // date_chunk].ravel()[spatial_chunk]
                values[date0:date1, inside] = _values_at(h5_path, dtype, chunk + within + plane)
            else:
                for row0, row1, col0, col1, which in row_bands(rows, cols, row_chunk):
                    block = dataset[date0:date1, row0:row1, col0:col1]
                    values[date0:date1, inside_index[which]] = block[:, rows[which] - row0, cols[which] - col0]
            if progress:
                progress(100.0 * date1 / len(dates))
    try:
        blanks = read_blanks(h5_path.parent, dates, (grid.height, grid.width), mask_low_coherence, is_canceled)
    except (ValueError, FileNotFoundError) as error:
        raise ExtractError(str(error)) from None
    values[:, inside_index] = np.where(blanks.at(rows, cols), np.nan, values[:, inside_index])
    return PointSeries(dates[0], dates, points, values - values[0], inside)


def write_wide_csv(path, series: PointSeries) -> list:
    """Geotiff_value.csv as users have always had it: `Date,<fid>_value,...` (points in the points
    file's order), then one row per date labelled `<first>_<date>`; metres; empty cells for no data. In
    numbered parts when the points do not fit one spreadsheet (wide_table.py). Returns the files written."""
    return write_wide_table(
        path,
        [f"{fid}_value" for fid in series.points.fid.tolist()],
        [f"{series.first_date}_{date}" for date in series.dates],
        lambda i, part: csv_cells(series.values[i, part]),
    )


def write_long_csv(path, series: PointSeries, quality=None) -> Path:
    """One row per point per date, points in the points file's order: `fid,x,y,date,value_m`, with x, y
    as in the points file, date as YYYY-MM-DD (which QGIS, spreadsheets and pandas read as a date), the
    value in metres relative to the first date, empty for no data. With `quality` (a PointQuality of
    the same points) each row also carries its point's quality columns, empty where unknown."""
    dates = [iso_date(d) for d in series.dates]
    points = series.points
    header, suffixes = "fid,x,y,date,value_m", [""] * len(points)
    if quality is not None:
        if not np.array_equal(quality.fid, points.fid):
            raise ValueError("the quality given is not of the series' points (other ids or order)")
        columns = quality.columns()
        header += "".join(f",{name}" for name in columns)
        texts = [decimal_texts(v) if v.dtype.kind == "f" else v.astype(str).tolist() for v in columns.values()]
        suffixes = ["".join(f",{text}" for text in point) for point in zip(*texts)]
    with written_whole(path) as file:
        file.write(header + "\r\n")
        for start in range(0, len(points), LONG_BLOCK_POINTS):  # formatted a block of points at a time
            block = slice(start, start + LONG_BLOCK_POINTS)
            texts = decimal_texts(series.values[:, block].T)  # point by point, dates in order
            rows = zip(points.fid[block].tolist(), points.x[block].tolist(), points.y[block].tolist(), suffixes[block])
            for n, (fid, x, y, suffix) in enumerate(rows):
                prefix = f"{fid},{x!r},{y!r},"
                cells = texts[n * len(dates) : (n + 1) * len(dates)]
                file.writelines(f"{prefix}{date},{text}{suffix}\r\n" for date, text in zip(dates, cells))
    return Path(path)


@dataclass(frozen=True)
class Extracted:
    series: PointSeries
    mintpy_dir: Optional[Path]  # the MintPy folder the series came from; None from GeoTIFFs
    quality: Optional[PointQuality]  # the quality columns written; None when there are none
    files: list  # the files written: `out`, or the wide table's parts
    notes: list  # for the user: the table split in parts, a long table beyond a spreadsheet's rows


def long_rows_note(path, rows: int) -> Optional[str]:
    """What to say when a long table has more rows than a spreadsheet shows (it is for QGIS, pandas or a
    database, which read any number; splitting it would break it as one table for them)."""
    if rows + 1 <= SHEET_ROWS:
        return None
    return (
        f"{Path(path).name}: {rows:,} rows, more than a spreadsheet's {SHEET_ROWS:,}: open it in QGIS, pandas or "
        "a database, or use the wide table (Geotiff_value.csv) in Excel or LibreOffice"
    )


def extract_values(
    points: PointTable,
    out,
    *,
    geotiffs=None,
    work=None,
    points_crs: Optional[str] = None,
    long: bool = False,
    min_coherence: float = DEFAULT_MIN_COHERENCE,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> Extracted:
    """`sbas extract`: the points' values from a folder of per-date GeoTIFFs or (give one of the two) a
    work folder's MintPy time series, written to `out` as Geotiff_value.csv (in parts when the points do
    not fit one spreadsheet) or, `long`, the long table; from a work folder the long table carries each
    point's quality when MintPy's quality files are there."""
    mintpy_dir, quality = None, None
    if geotiffs:
        series = read_geotiff_stack_series(geotiffs, points, points_crs, progress, is_canceled)
    else:
        mintpy_dir = WorkFolder(work).mintpy
        # Masked as the run masked its GeoTIFFs: the values are the GeoTIFFs' numbers.
        masked = Manifest(work).data.get("options", {}).get("mask_low_coherence", False)
        series = read_timeseries_h5_series(
            find_timeseries(mintpy_dir), points, points_crs, progress, is_canceled, mask_low_coherence=masked
        )
        if long and has_quality_files(mintpy_dir):
            quality = point_quality(mintpy_dir, points, points_crs, min_coherence)
    if long:
        files = [write_long_csv(out, series, quality)]
        note = long_rows_note(out, len(series.points) * len(series.dates))
    else:
        files = write_wide_csv(out, series)
        note = split_note(out, files, len(series.points)) if len(files) > 1 else None
    return Extracted(series, mintpy_dir, quality, files, [note] if note else [])
