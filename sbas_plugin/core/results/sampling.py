"""Where points fall on a raster grid and reading a 2-D dataset at them by windows: what extraction
(extract.py) and the per-point quality columns (quality.py) both need, below both."""

from typing import Optional

import h5py
import numpy as np

from sbas_plugin.core.crs import CrsError, transform_xy
from sbas_plugin.core.grid import Grid
from sbas_plugin.core.results.points import PointTable

LIKELY_POINT_CRS = ("EPSG:4326", "EPSG:3857")  # what points in another CRS than the rasters usually are
DECODE_ROWS = 256  # compressed rasters are decoded in bands of about this many rows


class ExtractError(ValueError):
    """The inputs cannot be sampled; the message says why and what to do."""


def _nothing_inside(points: PointTable, grid: Grid, crs: str, points_crs: Optional[str]) -> ExtractError:
    x, y = points.x, points.y
    points_crs_said = points_crs or "taken to be in the rasters' CRS"
    xmin, ymin, xmax, ymax = grid.bounds
    message = (
        f"none of the {len(points)} points falls on the rasters: the points span x {x.min():.10g} to "
        f"{x.max():.10g}, y {y.min():.10g} to {y.max():.10g} ({points_crs_said}); "
        f"the rasters x {xmin:.10g} to {xmax:.10g}, y {ymin:.10g} to {ymax:.10g} ({crs})."
    )
    if points_crs:
        return ExtractError(message + f" Check that {points_crs} is the CRS the points were made in.")
    if crs != "no CRS":
        x, y = x[:1000], y[:1000]  # enough to tell, and quick even when most fail to transform
        for candidate in LIKELY_POINT_CRS:
            if grid.pixel_of(*transform_xy(x, y, candidate, crs))[2].any():
                return ExtractError(message + f" Read as {candidate} they do: give --points-crs {candidate}.")
    if np.all(np.abs(x) <= 180) and np.all(np.abs(y) <= 90):
        return ExtractError(message + " They look like longitude/latitude: give --points-crs EPSG:4326.")
    return ExtractError(message + " Give the CRS the points were made in with --points-crs (e.g. EPSG:3857).")


def points_on_grid(points: PointTable, grid: Grid, crs: str, points_crs: Optional[str]) -> tuple:
    """Rows and columns of the points on the grid, and which points are on it; an error when none is."""
    x, y = points.x, points.y
    if points_crs:
        if crs == "no CRS":
            raise ExtractError(
                "the rasters carry no CRS, so the points cannot be brought into it: "
                "give the points in the rasters' coordinates, without --points-crs"
            )
        try:
            x, y = transform_xy(x, y, points_crs, crs)
        except CrsError as error:
            raise ExtractError(str(error)) from error
    rows, cols, inside = grid.pixel_of(x, y)
    if not inside.any():
        raise _nothing_inside(points, grid, crs, points_crs)
    return rows[inside], cols[inside], inside


def row_bands(rows: np.ndarray, cols: np.ndarray, band_rows: int):
    """For each band of `band_rows` rows holding points: the smallest window (row0, row1, col0, col1)
    around them, and their indices."""
    band = rows // band_rows
    order = np.argsort(band, kind="stable")
    for which in np.split(order, np.flatnonzero(np.diff(band[order])) + 1):
        if len(which):
            yield rows[which].min(), rows[which].max() + 1, cols[which].min(), cols[which].max() + 1, which


def h5_values(dataset: h5py.Dataset, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """A 2-D dataset's values at the points, read by windows around them."""
    values = np.empty(len(rows), dtype=np.float32)
    for row0, row1, col0, col1, which in row_bands(rows, cols, DECODE_ROWS):
        values[which] = dataset[row0:row1, col0:col1][rows[which] - row0, cols[which] - col0]
    return values
