"""Export: MintPy's results as GeoTIFFs on the HyP3 pixel lattice, named as users' notebooks named them.

GeoTiffs/displacement_maps/unwrapped/Meters/<first>_<date>_<timeseries>_Meters_unwrapped.tif, one per
date of the time series, cumulative since the first date, plus velocity, its std, temporal and
average spatial coherence, MintPy's temporal-coherence mask and the number of interferograms used
per pixel beside GeoTiffs/."""

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import h5py
import numpy as np

from sbas_plugin.core.cancel import check_canceled
from sbas_plugin.core.names import UNITS, dated_geotiff_name
from sbas_plugin.core.results.blanks import MASK, read_blanks
from sbas_plugin.core.results.geotiffs import geotiff_profile, write_float_geotiff
from sbas_plugin.core.results.mintpy_files import attributes, dates_of, epsg_of, find_timeseries, grid_of
from sbas_plugin.core.results.quality import SOURCES
from sbas_plugin.core.workfolder import DISPLACEMENT_MAPS

# GeoTIFF beside the per-date ones -> (MintPy file, dataset)
EXTRAS = {
    "velocity": SOURCES["velocity_mm_yr"][:2],
    "velocity_std": SOURCES["velocity_std_mm_yr"][:2],
    "TemporalCoherence": SOURCES["temporal_coherence"][:2],
    "avgSpatialCoh": SOURCES["avg_spatial_coherence"][:2],
    "maskTempCoh": MASK,
    "numInvIfgram": SOURCES["ifgs_used"][:2],  # interferograms the inversion used, per pixel
}

# Every MintPy file besides the time series that the export and the points' quality read.
MINTPY_RESULTS_READ = sorted({file_name for file_name, _ in EXTRAS.values()})


@dataclass(frozen=True)
class ExportResult:
    displacement_dir: Path
    files: list  # per-date GeoTIFFs in date order
    extras: dict  # name -> GeoTIFF


def _read(mintpy_dir: Path, file_name: str, dataset: str) -> np.ndarray:
    with h5py.File(mintpy_dir / file_name, "r") as f:
        return f[dataset][()]


def export_geotiffs(
    mintpy_dir,
    out_dir,
    unit: str = "Meters",
    mask_low_coherence: bool = False,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> ExportResult:
    """Values are NaN where blanks.py leaves them empty: no solution, dates a pixel's pairs do not link to
    the first date and, with `mask_low_coherence` (MintPy's maskTempCoh, as OpenSARLab's export did),
    low coherence; otherwise low-coherence pixels keep their values: their reliability is for the user to
    judge, with the coherence GeoTIFFs beside them."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}")
    mintpy_dir, out_dir = Path(mintpy_dir), Path(out_dir)
    series_path = find_timeseries(mintpy_dir)
    attrs = attributes(series_path)
    grid = grid_of(attrs)
    profile = geotiff_profile(grid, f"EPSG:{epsg_of(attrs)}")
    dates = dates_of(series_path)
    blanks = read_blanks(mintpy_dir, dates, (grid.height, grid.width), mask_low_coherence, is_canceled)

    displacement_dir = out_dir / DISPLACEMENT_MAPS / unit
    displacement_dir.mkdir(parents=True, exist_ok=True)
    files = []
    with h5py.File(series_path, "r") as f:
        series = f["timeseries"]
        first = series[0]
        for i, date in enumerate(dates):
            check_canceled(is_canceled)
            data = (series[i] - first) * UNITS[unit]
            data[blanks.on_date(i)] = np.nan
            path = displacement_dir / dated_geotiff_name(dates[0], date, series_path.stem, unit)
            write_float_geotiff(path, data, profile)
            files.append(path)
            if progress:
                progress(90.0 * (i + 1) / len(dates))

    extras = {}
    for name, (file_name, dataset) in EXTRAS.items():
        if not (mintpy_dir / file_name).is_file():
            (out_dir / f"{name}.tif").unlink(missing_ok=True)  # from a run whose MintPy wrote it
            continue
        data = _read(mintpy_dir, file_name, dataset).astype(np.float32)
        if name.startswith("velocity"):
            data[blanks.no_value] = np.nan
        extras[name] = out_dir / f"{name}.tif"
        write_float_geotiff(extras[name], data, profile)
    _remove_other_dated_geotiffs(out_dir / DISPLACEMENT_MAPS, files)
    if progress:
        progress(100.0)
    return ExportResult(displacement_dir, files, extras)


def _remove_other_dated_geotiffs(maps_dir: Path, kept: list) -> None:
    """Per-date GeoTIFFs of an earlier export (another time series' name, another unit or dates MintPy
    dropped since) go: the folder holds what this export wrote and nothing else."""
    kept = set(kept)
    for unit_dir in (path for path in maps_dir.iterdir() if path.is_dir() and path.name in UNITS):
        for path in unit_dir.glob("*.tif"):
            if path not in kept:
                path.unlink()
        if not any(unit_dir.iterdir()):
            unit_dir.rmdir()
