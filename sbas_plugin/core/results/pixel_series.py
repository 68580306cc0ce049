"""One pixel's displacement over time, for click-to-plot: a work folder's time series opened once and
read a pixel at a time.

MintPy's HDF5 stays open and a pixel is `ts[:, row, col]` on the kept dataset handle: 0.8 ms for
200 dates in MintPy's (7, 63, 125) chunks. Reading at byte addresses worked out from the chunk
layout (as extract does for many points) was measured too: 0.3 ms once a chunk column's addresses
are known, but asking HDF5 1.10 for them costs 2.6 ms per new chunk column, which is most clicks.
Either way reading is a few percent of a click; drawing is the rest.

An area's statistics (`area_in`) may cover a whole frame (3000 x 2300 pixels, 61 dates: 1.7 GB): they
are read in windows aligned to the file's chunks or blocks, each at most BLOCK_BYTES, and summed into
per-date count, mean and squared deviations (Chan's pairwise update), so memory stays bounded whatever
the area; the dock runs it in a background task and can cancel it between windows.
"""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional, Sequence

import h5py
import numpy as np
from matplotlib.path import Path as PolygonPath
from osgeo import gdal

from sbas_plugin.core.cancel import check_canceled
from sbas_plugin.core.dates import dates64
from sbas_plugin.core.grid import Grid
from sbas_plugin.core.results.extract import ExtractError, dated_geotiffs, geotiff_layout, one_grid, timeseries_header
from sbas_plugin.core.results.mintpy_files import find_timeseries
from sbas_plugin.core.results.quality import SOURCES
from sbas_plugin.core.workfolder import WorkFolder

gdal.UseExceptions()

# The most one read of an area's statistics holds (dates x rows x cols, as read): the memory of a whole
# frame's statistics, and how long a read keeps h5py's lock (the dock's clicks wait for it) and the GIL.
BLOCK_BYTES = 8 * 2**20
# The most one h5py call of an area's read takes (a window is read in slabs of dates): h5py holds its
# lock, which a click's read waits for, and the GIL for the whole call.
SLAB_BYTES = 2**20

Ring = Sequence[Sequence[float]]  # (x, y) vertices, closed or not
Polygon = Sequence[Ring]  # exterior ring first, then holes

# Per-pixel quality beside the series: Pixel field -> (MintPy file, dataset) and the GeoTIFF export's name.
QUALITY_H5 = {
    field: SOURCES[name][:2]
    for field, name in (
        ("coherence", "temporal_coherence"),
        ("velocity", "velocity_mm_yr"),
        ("velocity_std", "velocity_std_mm_yr"),
        ("spatial_coherence", "avg_spatial_coherence"),
        ("ifgs_used", "ifgs_used"),
    )
}
QUALITY_TIF = {
    "coherence": "TemporalCoherence.tif",
    "velocity": "velocity.tif",
    "velocity_std": "velocity_std.tif",
    "spatial_coherence": "avgSpatialCoh.tif",
    "ifgs_used": "numInvIfgram.tif",
}


@dataclass(frozen=True)
class Pixel:
    """What the dock shows for one pixel."""

    row: int
    col: int
    x: float  # pixel centre, in the stack's CRS
    y: float
    metres: np.ndarray  # float64 per date, relative to the first date; NaN = MintPy found no solution
    coherence: float  # temporal coherence; NaN when the folder has none (so for the fields below)
    velocity: float  # MintPy's velocity (m/yr)
    velocity_std: float  # its standard deviation (m/yr)
    spatial_coherence: float  # average spatial coherence of the interferograms
    ifgs_used: int  # interferograms the inversion used at this pixel; -1 when the folder does not say


@dataclass(frozen=True)
class AreaSeries:
    """Pixels inside an area, date by date, each pixel relative to the same date (a pixel without a
    value on that date is left out)."""

    mean: np.ndarray  # metres
    std: np.ndarray  # metres, population std
    count: np.ndarray  # pixels with a value on that date
    pixels: int  # pixels inside the area


class _Moments:
    """Per-date count, mean and sum of squared deviations of values arriving in blocks (Chan et al.'s
    pairwise update: no cancellation, whatever the order and size of the blocks)."""

    def __init__(self, dates: int):
        self.count = np.zeros(dates, dtype=np.int64)
        self.mean = np.zeros(dates)
        self.m2 = np.zeros(dates)

    def add(self, values: np.ndarray) -> None:
        """values: dates x pixels, NaN where a pixel has no value."""
        count = np.isfinite(values).sum(axis=1)
        if not count.any():
            return
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(count > 0, np.nansum(values, axis=1) / count, 0.0)
            total = self.count + count
            share = np.where(total > 0, count / total, 0.0)
        m2 = np.nansum((values - mean[:, None]) ** 2, axis=1)
        delta = mean - self.mean
        self.mean += delta * share
        self.m2 += m2 + delta**2 * self.count * share
        self.count = total

    def series(self, pixels: int) -> "AreaSeries":
        with np.errstate(invalid="ignore", divide="ignore"):  # dates without any value: NaN, no warning
            mean = np.where(self.count > 0, self.mean, np.nan)
            std = np.sqrt(self.m2 / self.count)
        return AreaSeries(mean, std, self.count, pixels)


def _aligned(start: int, stop: int, step: int) -> Iterator[tuple]:
    """(start, stop) pieces of [start, stop) cut at the multiples of step."""
    while start < stop:
        end = min((start // step + 1) * step, stop)
        yield start, end
        start = end


class PixelSeries:
    """Common part of the HDF5 and GeoTIFF readers. Use `open_pixel_series`; `close()` when done."""

    source: Path
    grid: Grid
    crs: str  # e.g. "EPSG:32654"; "no CRS" when the files carry none
    dates: list  # YYYYMMDD
    reference_date: str  # MintPy's REF_DATE when known, else the first date

    @property
    def dates64(self) -> np.ndarray:
        return dates64(self.dates)

    def pixel_of(self, x: float, y: float) -> Optional[tuple]:
        """(row, col) of the pixel holding a point of the stack's CRS; None off the grid."""
        row, col, inside = self.grid.pixel_of(x, y)
        return (int(row), int(col)) if inside else None

    def at(self, x: float, y: float) -> Optional[Pixel]:
        where = self.pixel_of(x, y)
        return None if where is None else self.pixel(*where)

    def pixel(self, row: int, col: int) -> Pixel:
        metres = self._raw(row, col).astype(np.float64)
        quality = {name: self._quality(name, row, col) for name in QUALITY_H5}  # the fields of QUALITY_TIF too
        if quality["coherence"] == 0:  # MintPy writes values, not NaN, where it found no solution
            metres[:] = np.nan
        ifgs_used = quality.pop("ifgs_used")
        return Pixel(
            row,
            col,
            float(self.grid.centre_x(col)),
            float(self.grid.centre_y(row)),
            metres - metres[0],
            ifgs_used=int(ifgs_used) if np.isfinite(ifgs_used) else -1,
            **quality,
        )

    def area(self, rows: np.ndarray, cols: np.ndarray, reference: int = 0) -> AreaSeries:
        """Mean, spread and count of a few pixels (rows, cols), e.g. a benchmark's neighbourhood, each
        relative to date number `reference`; pixels without a solution are left out. Their box is read at
        once: for a drawn area, of any size, area_in."""
        rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
        if not len(rows):
            raise ValueError("no pixel centre is inside the area")
        row0, col0 = int(rows.min()), int(cols.min())
        window = self._window(row0, int(rows.max()) + 1, col0, int(cols.max()) + 1)
        values = window[:, rows - row0, cols - col0].astype(np.float64)
        values -= values[reference]
        moments = _Moments(len(self.dates))
        moments.add(values)
        return moments.series(len(rows))

    def area_in(
        self,
        polygons: Sequence[Polygon],
        reference: int = 0,
        progress: Optional[Callable[[float], None]] = None,
        is_canceled: Optional[Callable[[], bool]] = None,
        block_bytes: int = BLOCK_BYTES,
    ) -> AreaSeries:
        """Mean, spread and count of the pixels whose centres are inside any of the polygons (coordinates
        in the stack's CRS; as pixel_centres_in_polygons picks them), each pixel relative to date number
        `reference` (the spread depends on it); pixels without a solution are left out. Read window by
        window (`windows`); `pixels` is 0 when no centre is inside. Raises Canceled."""
        polygons = [[np.asarray(ring, dtype=np.float64) for ring in polygon] for polygon in polygons]
        boxes = [self.grid.window(*p[0].min(axis=0), *p[0].max(axis=0)) for p in polygons]
        kept = [(p, box) for p, box in zip(polygons, boxes) if box is not None]
        moments, pixels = _Moments(len(self.dates)), 0
        if not kept:
            return moments.series(0)
        row0, col0 = min(box[0] for _, box in kept), min(box[2] for _, box in kept)
        row1, col1 = max(box[1] for _, box in kept), max(box[3] for _, box in kept)
        windows = list(self.windows(row0, row1, col0, col1, block_bytes))
        for done, (r0, r1, c0, c1) in enumerate(windows):
            check_canceled(is_canceled)
            inside = self._inside(kept, r0, r1, c0, c1)
            if inside.any():
                pixels += int(inside.sum())
                values = self._window(r0, r1, c0, c1)[:, inside].astype(np.float64)
                values -= values[reference]
                moments.add(values)
            if progress:
                progress(100.0 * (done + 1) / len(windows))
        return moments.series(pixels)

    def _inside(self, polygons: list, r0: int, r1: int, c0: int, c1: int) -> np.ndarray:
        """Which pixels of the window have their centre inside a polygon (computed as
        pixel_centres_in_polygons does, so the same pixels)."""
        selected = np.zeros((r1 - r0, c1 - c0), dtype=bool)
        for polygon, (p0, p1, q0, q1) in polygons:
            a0, a1, b0, b1 = max(r0, p0), min(r1, p1), max(c0, q0), min(c1, q1)
            if a0 >= a1 or b0 >= b1:
                continue
            cols, rows = np.meshgrid(np.arange(b0, b1), np.arange(a0, a1))
            points = np.column_stack([self.grid.centre_x(cols.ravel()), self.grid.centre_y(rows.ravel())])
            inside = PolygonPath(polygon[0]).contains_points(points)
            for hole in polygon[1:]:
                inside &= ~PolygonPath(hole).contains_points(points)
            selected[a0 - r0 : a1 - r0, b0 - c0 : b1 - c0] |= inside.reshape(rows.shape)
        return selected

    def windows(self, row0: int, row1: int, col0: int, col1: int, block_bytes: int = BLOCK_BYTES) -> Iterator[tuple]:
        """(row0, row1, col0, col1) windows covering the box, cut at the file's chunk (or block) edges, each
        holding at most block_bytes of all dates (at least one chunk: a chunk is read whole anyway)."""
        chunk_rows, chunk_cols = self._read_unit()
        per_pixel = len(self.dates) * 4
        budget = max(block_bytes // per_pixel, 1)  # pixels per window
        first, last = col0 // chunk_cols * chunk_cols, -(-col1 // chunk_cols) * chunk_cols
        if (last - first) * chunk_rows <= budget:  # whole rows of the box
            rows, cols = max(budget // (last - first) // chunk_rows, 1) * chunk_rows, self.grid.width
        else:
            rows, cols = chunk_rows, max(budget // chunk_rows // chunk_cols, 1) * chunk_cols
        for r0, r1 in _aligned(row0, row1, rows):
            for c0, c1 in _aligned(col0, col1, cols):
                yield r0, r1, c0, c1

    def _read_unit(self) -> tuple:
        """(rows, cols) of the file's storage unit, which reads are best aligned to."""
        return 1, 1

    def close(self) -> None:
        pass


class H5PixelSeries(PixelSeries):
    def __init__(self, path):
        self.source = Path(path)
        header = timeseries_header(self.source)
        self.grid, self.crs, self.dates = header.grid, header.crs or "no CRS", header.dates
        self.reference_date = header.reference_date
        self._open()

    def _open(self) -> None:
        self._file = h5py.File(self.source, "r")
        self._dataset = self._file["timeseries"]
        if self._dataset.shape != (len(self.dates), self.grid.height, self.grid.width):
            raise ExtractError(f"{self.source}: 'timeseries' is {self._dataset.shape}, not dates x rows x cols")
        self._stamp = self._file_stamp()
        # Opened once per stack, a value read per click: files by name, datasets by Pixel field.
        self._extra_files, self._extras = {}, {}
        for field, (file_name, dataset_name) in QUALITY_H5.items():
            path = self.source.parent / file_name
            if file_name not in self._extra_files and path.is_file():
                self._extra_files[file_name] = h5py.File(path, "r")
            extra = self._extra_files.get(file_name)
            if extra is None or dataset_name not in extra:
                continue
            if extra[dataset_name].shape != (self.grid.height, self.grid.width):
                self.close()
                raise ExtractError(f"{path} is not on the grid of {self.source.name}: is it of another run?")
            self._extras[field] = extra[dataset_name]

    def _file_stamp(self) -> tuple:
        stat = os.stat(self.source)
        return stat.st_mtime_ns, stat.st_size

    def _raw(self, row: int, col: int) -> np.ndarray:
        if self._file_stamp() != self._stamp:  # rewritten by a MintPy rerun: the open handle is stale
            self.close()
            self._open()
        return self._dataset[:, row, col]

    def _quality(self, field: str, row: int, col: int) -> float:
        dataset = self._extras.get(field)
        return float(dataset[row, col]) if dataset is not None else float("nan")

    def reopen(self) -> "H5PixelSeries":
        """Another reader of the same file, with handles of its own (e.g. for a background task)."""
        return H5PixelSeries(self.source)

    def _read_unit(self) -> tuple:
        chunks = self._dataset.chunks
        return (chunks[1], chunks[2]) if chunks else (1, 1)

    def _window(self, row0, row1, col0, col1) -> np.ndarray:
        window = np.empty((len(self.dates), row1 - row0, col1 - col0), dtype=self._dataset.dtype)
        chunk_dates = self._dataset.chunks[0] if self._dataset.chunks else 1
        dates = max(SLAB_BYTES // max(window[0].nbytes, 1) // chunk_dates, 1) * chunk_dates
        for date0, date1 in _aligned(0, len(self.dates), dates):
            window[date0:date1] = self._dataset[date0:date1, row0:row1, col0:col1]
        if "coherence" in self._extras:
            window[:, self._extras["coherence"][row0:row1, col0:col1] == 0] = np.nan
        return window

    def close(self) -> None:
        for extra in self._extra_files.values():
            extra.close()
        self._extra_files, self._extras = {}, {}
        self._file.close()


class GeotiffPixelSeries(PixelSeries):
    """Per-date GeoTIFFs `<first>_<date>_*.tif` (our export, or OpenSARLab's). Uncompressed ones are read
    at the pixel's byte address (as extract does), the others through GDAL datasets kept open."""

    def __init__(self, folder):
        self.source = Path(folder)
        _, self.dates, self._paths = dated_geotiffs(folder)
        self.reference_date = self.dates[0]
        self._layouts = [geotiff_layout(path) for path in self._paths]
        self.grid, self.crs = one_grid(self._paths, self._layouts)
        self._datasets = {}  # path -> GDAL dataset, for files that must be decoded
        # The quality GeoTIFFs sit in GeoTiffs/, three folders up from Meters/.
        self._extras = {}
        for field, file_name in QUALITY_TIF.items():
            for parent in self.source.parents[:3]:
                if (parent / file_name).is_file():
                    self._extras[field] = gdal.Open(str(parent / file_name))
                    break

    def _raw(self, row: int, col: int) -> np.ndarray:
        values = np.empty(len(self._paths), dtype=np.float32)
        for i, (path, layout) in enumerate(zip(self._paths, self._layouts)):
            if layout.block_offsets is None:
                values[i] = self._gdal(path).GetRasterBand(1).ReadAsArray(col, row, 1, 1)[0, 0]
            else:
                block_rows, block_cols = layout.block_shape
                address = layout.block_offsets[row // block_rows, col // block_cols]
                address += ((row % block_rows) * block_cols + col % block_cols) * 4
                with open(path, "rb", buffering=0) as file:  # not kept open: hundreds of dates
                    file.seek(int(address))
                    values[i] = np.frombuffer(file.read(4), layout.dtype)[0]
            if layout.nodata is not None and values[i] == np.float32(layout.nodata):
                values[i] = np.nan
        return values

    def _quality(self, field: str, row: int, col: int) -> float:
        dataset = self._extras.get(field)
        return float(dataset.ReadAsArray(col, row, 1, 1)[0, 0]) if dataset is not None else float("nan")

    def reopen(self) -> "GeotiffPixelSeries":
        """Another reader of the same files, with handles of its own (e.g. for a background task)."""
        return GeotiffPixelSeries(self.source)

    def _read_unit(self) -> tuple:
        return self._layouts[0].block_shape

    def _gdal(self, path):
        if path not in self._datasets:
            self._datasets[path] = gdal.Open(str(path))
        return self._datasets[path]

    def _window(self, row0, row1, col0, col1) -> np.ndarray:
        window = np.empty((len(self._paths), row1 - row0, col1 - col0), dtype=np.float32)
        for plane, path, layout in zip(window, self._paths, self._layouts):
            plane[...] = self._gdal(path).GetRasterBand(1).ReadAsArray(col0, row0, col1 - col0, row1 - row0)
            if layout.nodata is not None:
                plane[plane == np.float32(layout.nodata)] = np.nan
        return window

    def close(self) -> None:
        self._datasets = {}
        self._extras = {}


def open_east_series(folder) -> Optional[PixelSeries]:
    """The east-west series of a decomposition folder (sbas decompose); None for any other folder."""
    from sbas_plugin.core.results.decomposition import DecompositionFolder, is_decomposition

    return GeotiffPixelSeries(DecompositionFolder(folder).dated("east")) if is_decomposition(folder) else None


def open_pixel_series(folder) -> PixelSeries:
    """The time series of a work folder (its mintpy/ time series first, else its per-date GeoTIFFs), of a
    MintPy folder, of a folder of per-date GeoTIFFs, or the vertical series of a decomposition folder."""
    from sbas_plugin.core.results.decomposition import DecompositionFolder, is_decomposition

    folder = Path(folder)
    if is_decomposition(folder):
        return GeotiffPixelSeries(DecompositionFolder(folder).dated("vertical"))
    for candidate in (WorkFolder(folder).mintpy, folder):
        try:
            return H5PixelSeries(find_timeseries(candidate))
        except FileNotFoundError:
            pass
    for candidate in (WorkFolder(folder).displacement_maps(), folder):
        if candidate.is_dir() and any(candidate.glob("*_*_*.tif")):
            return GeotiffPixelSeries(candidate)
    per_date = WorkFolder("").displacement_maps().as_posix()
    raise ExtractError(
        f"{folder}: no time series in it: choose a work folder (with mintpy/ or {per_date}), "
        "MintPy's folder, or a folder of per-date GeoTIFFs"
    )
