"""Export: MintPy's results as GeoTIFFs on the HyP3 pixel lattice, named as users' notebooks named them.

GeoTiffs/displacement_maps/unwrapped/Meters/<first>_<date>_<timeseries>_Meters_unwrapped.tif, one per
date of the time series, cumulative since the first date, plus velocity, its std, temporal and
average spatial coherence, MintPy's temporal-coherence mask and the number of interferograms used
per pixel beside GeoTiffs/."""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import h5py
import numpy as np
import rasterio

from sbas_plugin.core.points import Canceled
from sbas_plugin.core.timeseries import attributes, dates_of, epsg_of, find_timeseries, grid_of

UNITS = {"Meters": 1.0, "Centimeters": 100.0}


@dataclass(frozen=True)
class ExportResult:
    displacement_dir: Path
    files: list  # per-date GeoTIFFs in date order
    extras: dict  # name -> GeoTIFF


def _write(path: Path, data: np.ndarray, profile: dict) -> None:
    partial = path.with_name(path.name + ".part")
    with rasterio.open(partial, "w", **profile) as out:
        out.write(data.astype(np.float32), 1)
    os.replace(partial, path)


def export_geotiffs(
    mintpy_dir,
    out_dir,
    unit: str = "Meters",
    mask_low_coherence: bool = False,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> ExportResult:
    """Pixels MintPy found no solution for (temporal coherence 0) are NaN. Low-coherence pixels keep
    their values unless `mask_low_coherence` (MintPy's maskTempCoh, as OpenSARLab's export did):
    their reliability is for the user to judge, with the coherence GeoTIFFs beside them."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}")
    mintpy_dir, out_dir = Path(mintpy_dir), Path(out_dir)
    series_path = find_timeseries(mintpy_dir)
    attrs = attributes(series_path)
    grid = grid_of(attrs)
    profile = {
        "driver": "GTiff",
        "width": grid.width,
        "height": grid.height,
        "count": 1,
        "dtype": "float32",
        "crs": f"EPSG:{epsg_of(attrs)}",
        "transform": rasterio.Affine(grid.dx, 0, grid.x0, 0, grid.dy, grid.y0),
        "nodata": np.nan,
        # Tiled and uncompressed: extraction reads single pixels straight from the file.
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
    }
    with h5py.File(mintpy_dir / "temporalCoherence.h5", "r") as f:
        temporal_coherence = f["temporalCoherence"][()]
    no_data = ~(temporal_coherence > 0)
    if mask_low_coherence:
        with h5py.File(mintpy_dir / "maskTempCoh.h5", "r") as f:
            no_data |= ~f["mask"][()].astype(bool)

    displacement_dir = out_dir / "displacement_maps" / "unwrapped" / unit
    displacement_dir.mkdir(parents=True, exist_ok=True)
    dates = dates_of(series_path)
    files = []
    with h5py.File(series_path, "r") as f:
        series = f["timeseries"]
        first = series[0]
        for i, date in enumerate(dates):
            if is_canceled and is_canceled():
                raise Canceled()
            data = (series[i] - first) * UNITS[unit]
            data[no_data] = np.nan
            path = displacement_dir / f"{dates[0]}_{date}_{series_path.stem}_{unit}_unwrapped.tif"
            _write(path, data, profile)
            files.append(path)
            if progress:
                progress(90.0 * (i + 1) / len(dates))

    extras = {}
    sources = {
        "velocity": ("velocity.h5", "velocity"),
        "velocity_std": ("velocity.h5", "velocityStd"),
        "TemporalCoherence": ("temporalCoherence.h5", "temporalCoherence"),
        "avgSpatialCoh": ("avgSpatialCoh.h5", "coherence"),
        "maskTempCoh": ("maskTempCoh.h5", "mask"),
        "numInvIfgram": ("numInvIfgram.h5", "mask"),  # interferograms the inversion used, per pixel
    }
    for name, (file_name, dataset) in sources.items():
        if not (mintpy_dir / file_name).is_file():
            continue
        with h5py.File(mintpy_dir / file_name, "r") as f:
            data = f[dataset][()].astype(np.float32)
        if name.startswith("velocity"):
            data[no_data] = np.nan
        extras[name] = out_dir / f"{name}.tif"
        _write(extras[name], data, profile)
    if progress:
        progress(100.0)
    return ExportResult(displacement_dir, files, extras)
