"""A spatio-temporal filter of the atmosphere left in MintPy's time series, run after smallbaselineApp.

Why: the troposphere of each acquisition (turbulence, several mm; Hanssen 2001) is the largest error of a
C-band time series, and no MintPy option without weather data removes it. It is random from one acquisition
to the next but smooth over hundreds of metres, while ground motion is mostly smooth in time. So, as
LiCSBAS's step 16 and StaMPS's filtering do (Morishita et al. 2020; Hooper et al. 2007):

1. per pixel, the part of the series that a line and a Gaussian moving average in time do not explain
   (``TEMPORAL_SIGMA_DAYS``): the high-pass in time, where the atmosphere of each date is;
2. per date, that high-pass smoothed in space with a Gaussian (``SPATIAL_SIGMA_M``) over the pixels MintPy
   solved (temporal coherence above 0): the estimate of the date's atmosphere, noise of single pixels
   averaged out;
3. the estimate subtracted from the date, and the result re-referenced to MintPy's reference pixel and date.

Motion that is sudden in time but small against the spatial kernel (a step in a few hundred metres, a
single building) stays in the series: the spatial average over the kernel hardly contains it. Motion that is
smooth in time (a bowl, a landslide, seasonal swelling) is in the low-pass and is not touched. The widths are
those with the smallest error on the realistic simulator that keep the step's size and the seasonal motion
(docs/accuracy.md).

The filtered series is MintPy's final time series with ``FILTERED_SUFFIX`` (``mintpy_files`` names it), a
MintPy file with the same attributes, written whole. It is read in row blocks (every date of a block) and
written date by date: memory holds a block and a few images, not the stack.
"""

import shutil
from pathlib import Path
from typing import Callable, Optional

import h5py
import numpy as np
from scipy import ndimage

from sbas_plugin.core.cancel import check_canceled
from sbas_plugin.core.dates import parse_date
from sbas_plugin.core.files import identity, replace_with
from sbas_plugin.core.results.mintpy_files import (
    FILTERED_SUFFIX,
    attributes,
    dates_of,
    filtered_path,
    grid_of,
    is_filtered,
    mintpy_timeseries,
)

SPATIAL_SIGMA_M = 400.0
TEMPORAL_SIGMA_DAYS = 36.0  # three 12-day revisits, as LiCSBAS's default width
TRUNCATE = 4.0  # the spatial kernel's reach, in sigmas
BLOCK_BYTES = 64 * 2**20  # one row block of every date, float64
SOURCE_ATTRIBUTE = "SBAS_FILTER_SOURCE"  # what the filtered file was computed from, and how
SOLVED = ("temporalCoherence.h5", "temporalCoherence")


def filter_settings(spatial_sigma_m: float = SPATIAL_SIGMA_M, temporal_sigma_days: float = TEMPORAL_SIGMA_DAYS) -> str:
    return f"gaussian high-pass in time {temporal_sigma_days:g} d, low-pass in space {spatial_sigma_m:g} m"


def is_current(source: Path, target: Path) -> bool:
    """The filtered file is there and was computed from this very source with these widths."""
    if not target.is_file():
        return False
    try:
        return attributes(target).get(SOURCE_ATTRIBUTE) == _source_tag(source)
    except OSError:
        return False


def _source_tag(source: Path, *widths) -> str:
    return f"{source.name} {identity(source)} {filter_settings(*widths)}"


def high_pass_operator(days: np.ndarray, sigma_days: float = TEMPORAL_SIGMA_DAYS) -> np.ndarray:
    """dates x dates matrix taking a series to its high-pass in time: the series less its least-squares line,
    less a Gaussian moving average (irregular dates weighted by their distance in days) of what remains.
    The line first: a moving average near the first and last dates would otherwise leave part of a steady
    motion in the high-pass."""
    n = len(days)
    design = np.stack([np.ones(n), days - days.mean()], axis=1)
    detrend = np.eye(n) - design @ np.linalg.pinv(design)
    weights = np.exp(-0.5 * ((days[:, None] - days[None, :]) / sigma_days) ** 2)
    weights /= weights.sum(axis=1, keepdims=True)
    return (np.eye(n) - weights) @ detrend


def filter_atmosphere(
    source,
    target,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
    spatial_sigma_m: float = SPATIAL_SIGMA_M,
    temporal_sigma_days: float = TEMPORAL_SIGMA_DAYS,
) -> Path:
    """Write the filtered copy of MintPy time series ``source`` to ``target``. The pixels MintPy solved are
    read from temporalCoherence.h5 beside the source. Other widths than the defaults are for measuring them
    (bench/filter_widths.py)."""
    source, target = Path(source), Path(target)
    attrs = attributes(source)
    grid = grid_of(attrs)
    dates = dates_of(source)  # with few dates the line explains nearly all: the filter changes little
    days = np.array([(parse_date(d) - parse_date(dates[0])).days for d in dates], np.float64)
    operator = high_pass_operator(days, temporal_sigma_days)
    with h5py.File(source.parent / SOLVED[0], "r") as f:
        solved = f[SOLVED[1]][()] > 0
    sigma_px = (spatial_sigma_m / abs(grid.dy), spatial_sigma_m / abs(grid.dx))
    weight = ndimage.gaussian_filter(solved.astype(np.float64), sigma_px, mode="constant", truncate=TRUNCATE)
    ref_row, ref_col = int(attrs.get("REF_Y", 0)), int(attrs.get("REF_X", 0))
    ref_date = attrs.get("REF_DATE")
    ref_index = dates.index(ref_date) if ref_date in dates else 0

    def write(partial: Path) -> None:
        high_pass = partial.with_name(partial.name + ".highpass")
        try:
            shutil.copyfile(source, partial)
            with h5py.File(source, "r") as src, h5py.File(high_pass, "w") as hp_file:
                series = src["timeseries"]
                rows_per_block = min(grid.height, max(1, BLOCK_BYTES // (8 * len(dates) * grid.width)))
                # Chunks of one date and one block: written a block at a time, read a date at a time.
                hp = hp_file.create_dataset("hp", series.shape, np.float32, chunks=(1, rows_per_block, grid.width))
                for start in range(0, grid.height, rows_per_block):
                    check_canceled(is_canceled)
                    block = series[:, start : start + rows_per_block].astype(np.float64)
                    shape = block.shape
                    hp[:, start : start + rows_per_block] = (operator @ block.reshape(len(dates), -1)).reshape(shape)
                    if progress:
                        progress(50.0 * min(grid.height, start + rows_per_block) / grid.height)

                def corrected(k: int) -> np.ndarray:
                    smoothed = ndimage.gaussian_filter(
                        np.where(solved, hp[k], 0.0), sigma_px, mode="constant", truncate=TRUNCATE
                    )
                    estimate = np.divide(smoothed, weight, out=np.zeros_like(smoothed), where=weight > 1e-6)
                    layer = series[k].astype(np.float64) - estimate
                    return layer - layer[ref_row, ref_col]

                reference_layer = corrected(ref_index)
                with h5py.File(partial, "r+") as out:
                    for k in range(len(dates)):
                        check_canceled(is_canceled)
                        out["timeseries"][k] = (corrected(k) - reference_layer).astype(np.float32)
                        if progress:
                            progress(50.0 + 50.0 * (k + 1) / len(dates))
                    out.attrs["FILE_PATH"] = str(target)
                    out.attrs[SOURCE_ATTRIBUTE] = _source_tag(source, spatial_sigma_m, temporal_sigma_days)
        finally:
            high_pass.unlink(missing_ok=True)

    return replace_with(target, write, keep_suffix=True)


def apply_filter_setting(
    mintpy_dir,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> list:
    """After smallbaselineApp: the filtered series when the folder's template asks for it and it is not
    current, none at all when it does not. Returns notes for the user."""
    mintpy_dir = Path(mintpy_dir)
    if not is_filtered(mintpy_dir):
        for stale in mintpy_dir.glob(f"timeseries*{FILTERED_SUFFIX}.h5"):
            stale.unlink()
        return []
    source = mintpy_timeseries(mintpy_dir)
    target = filtered_path(source)
    if not is_current(source, target):
        filter_atmosphere(source, target, progress, is_canceled)
    return [f"atmosphere filtered ({filter_settings()}): {target.name}"]
