"""The GeoTIFFs the project writes for users: one float32 band on a lattice, NaN where there is no value."""

from pathlib import Path

import numpy as np
import rasterio

from sbas_plugin.core.files import replace_with
from sbas_plugin.core.grid import Grid


def geotiff_profile(grid: Grid, crs: str) -> dict:
    """The GeoTIFFs the project writes for users: float32, NaN where there is no value, tiled and
    uncompressed so that extraction reads single pixels straight from the file."""
    return {
        "driver": "GTiff",
        "width": grid.width,
        "height": grid.height,
        "count": 1,
        "dtype": "float32",
        "crs": crs,
        "transform": rasterio.Affine(grid.dx, 0, grid.x0, 0, grid.dy, grid.y0),
        "nodata": np.nan,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
    }


def write_float_geotiff(path: Path, data: np.ndarray, profile: dict) -> None:
    """One band, written whole or not at all. Every empty value is the one NaN: arithmetic leaves NaNs of either
    sign, as SIMD paths and memory alignment fall, and equal results must be equal files."""
    data = data.astype(np.float32)
    data[np.isnan(data)] = np.nan

    def write(partial: Path) -> None:
        with rasterio.open(partial, "w", **profile) as out:
            out.write(data, 1)

    replace_with(path, write)
