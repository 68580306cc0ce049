"""Which values of MintPy's time series are left empty: decided here once, for the GeoTIFF export and for
Geotiff_value.csv, so that both hold exactly the same numbers.

Values are written relative to the first date. A value is empty (NaN in a GeoTIFF, an empty cell in the
CSV) where
- MintPy found no solution: temporal coherence 0 (MintPy leaves 0, not NaN, where no product has data, on
  water, and where a date has no pair with data);
- low coherence is masked (the user's choice) and MintPy's maskTempCoh is 0;
- the pairs with data at that pixel do not link the date to the first date: MintPy solves a split network
  with a least-norm offset between its parts, a number but not a measurement. A pixel whose first date no
  other date is linked to has no value at all."""

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import h5py
import numpy as np

from sbas_plugin.core.cancel import check_canceled
from sbas_plugin.core.results.quality import SOURCES

TEMPORAL_COHERENCE = SOURCES["temporal_coherence"][:2]
MASK = ("maskTempCoh.h5", "mask")  # MintPy's temporal-coherence mask
IFGRAM_STACK = "inputs/ifgramStack.h5"  # the pairs as MintPy loaded them, with the ones it dropped marked
BLOCK_BYTES = 32 * 2**20  # the pairs' data-or-not flags held at once


def blanks_read(mask_low_coherence: bool) -> list:
    """The MintPy files (relative to its folder) that decide the empty values: for the steps' signatures."""
    return [TEMPORAL_COHERENCE[0], IFGRAM_STACK] + ([MASK[0]] if mask_low_coherence else [])


@dataclass(frozen=True)
class Blanks:
    no_value: np.ndarray  # bool (rows, cols): empty at every date
    pixels: np.ndarray  # flat indices of the pixels with a value on some dates only
    unlinked: np.ndarray  # bool (dates, len(pixels)): the dates left empty at those pixels

    def on_date(self, i: int) -> np.ndarray:
        """bool (rows, cols): the pixels left empty on date i."""
        empty = self.no_value.copy()
        empty.ravel()[self.pixels[self.unlinked[i]]] = True
        return empty

    def at(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """bool (dates, points): the values left empty at the pixels (rows, cols)."""
        empty = np.repeat(self.no_value[rows, cols][None, :], self.unlinked.shape[0], axis=0)
        flat = rows * self.no_value.shape[1] + cols
        where = np.searchsorted(self.pixels, flat)
        found = where < len(self.pixels)
        found[found] = self.pixels[where[found]] == flat[found]
        empty[:, found] |= self.unlinked[:, where[found]]
        return empty


def unlinked_dates(valid: np.ndarray, pairs: np.ndarray, n_dates: int) -> np.ndarray:
    """bool (dates, pixels): the dates that the pairs valid at each pixel do not link to date 0, from
    `valid` (pairs, pixels) and `pairs` (pairs, 2) date indices; date 0 itself counts as unlinked where no
    other date is linked to it. Every date takes the smallest date index of its linked part, by spreading
    the smaller label across each valid pair until nothing changes (a few sweeps: pairs run forward in time)."""
    labels = np.repeat(np.arange(n_dates, dtype=np.int32)[:, None], valid.shape[1], axis=1)
    changed = True
    while changed:
        changed = False
        for (i, j), ok in zip(pairs, valid):
            low = np.where(ok, np.minimum(labels[i], labels[j]), labels[i])
            changed |= bool((low != labels[i]).any())
            labels[i] = low
            high = np.where(ok, np.minimum(labels[i], labels[j]), labels[j])
            changed |= bool((high != labels[j]).any())
            labels[j] = high
    unlinked = labels != 0
    unlinked[0] = unlinked[1:].all(axis=0)
    return unlinked


def _read_2d(path: Path, dataset: str, shape: tuple) -> Optional[np.ndarray]:
    if not path.is_file():
        return None
    with h5py.File(path, "r") as f:
        data = f[dataset]
        if data.shape != shape:
            raise ValueError(f"{path} is not on the grid of the time series: is it of another run?")
        return data[()]


def read_blanks(
    mintpy_dir,
    dates: list,
    shape: tuple,
    mask_low_coherence: bool = False,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> Blanks:
    """The empty values of a time series of `dates` (YYYYMMDD) on `shape` (rows, cols) pixels, from the
    MintPy folder's files (blanks_read); temporal coherence or the pairs not there decide nothing (a copied
    folder), the mask asked for and not there is an error."""
    mintpy_dir = Path(mintpy_dir)
    no_value = np.zeros(shape, bool)
    coherence = _read_2d(mintpy_dir / TEMPORAL_COHERENCE[0], TEMPORAL_COHERENCE[1], shape)
    if coherence is not None:
        no_value |= ~(coherence > 0)
    if mask_low_coherence:
        mask = _read_2d(mintpy_dir / MASK[0], MASK[1], shape)
        if mask is None:  # masking asked for and not done would give numbers where none are wanted
            raise FileNotFoundError(f"{mintpy_dir}: no {MASK[0]} to mask low coherence with; has MintPy finished?")
        no_value |= ~mask.astype(bool)
    pixels, unlinked = np.zeros(0, np.int64), np.zeros((len(dates), 0), bool)
    stack = mintpy_dir / IFGRAM_STACK
    if stack.is_file():
        pixels, unlinked = _unlinked_pixels(stack, dates, no_value, is_canceled)
    if len(pixels):  # pixels whose first date no other date is linked to have no value
        lost = unlinked.all(axis=0)
        no_value.ravel()[pixels[lost]] = True
        pixels, unlinked = pixels[~lost], unlinked[:, ~lost]
    return Blanks(no_value, pixels, unlinked)


def _unlinked_pixels(stack: Path, dates: list, no_value: np.ndarray, is_canceled) -> tuple:
    """(flat indices, unlinked dates) of the solved pixels with some date not linked to the first date."""
    index = {date: i for i, date in enumerate(dates)}
    height, width = no_value.shape
    with h5py.File(stack, "r") as f:
        phase = f["unwrapPhase"]
        if phase.shape[1:] != no_value.shape:
            raise ValueError(f"{stack} is not on the grid of the time series: is it of another run?")
        pair_dates = [tuple(d.decode() if isinstance(d, bytes) else str(d) for d in pair) for pair in f["date"][()]]
        kept = f["dropIfgram"][()] if "dropIfgram" in f else np.ones(len(pair_dates), bool)  # True: kept
        used = [k for k, (a, b) in enumerate(pair_dates) if kept[k] and a in index and b in index]
        pairs = np.array([(index[pair_dates[k][0]], index[pair_dates[k][1]]) for k in used]).reshape(-1, 2)
        # Where every pair has data, the whole network links the dates: split only if MintPy dropped a bridge.
        split_network = unlinked_dates(np.ones((len(used), 1), bool), pairs, len(dates))[:, 0].any()
        pair_chunk = phase.chunks[0] if phase.chunks else 1
        block_rows = max(1, BLOCK_BYTES // max(len(used) * width, 1))
        found_pixels, found_unlinked = [], []
        for row0 in range(0, height, block_rows):
            check_canceled(is_canceled)
            row1 = min(row0 + block_rows, height)
            valid = np.empty((len(used), (row1 - row0) * width), bool)
            for k0 in range(0, phase.shape[0], pair_chunk):  # a chunk of pairs at a time: HDF5 decodes it once
                wanted = [n for n, k in enumerate(used) if k0 <= k < k0 + pair_chunk]
                if wanted:
                    block = phase[k0 : k0 + pair_chunk, row0:row1, :]
                    picked = block[[used[n] - k0 for n in wanted]].reshape(len(wanted), -1)
                    valid[wanted] = np.isfinite(picked) & (picked != 0)
            solved = ~no_value[row0:row1].ravel()
            candidates = solved if split_network else solved & ~valid.all(axis=0)
            which = np.flatnonzero(candidates)
            unlinked = unlinked_dates(valid[:, which], pairs, len(dates))
            some = unlinked.any(axis=0)
            found_pixels.append(which[some] + row0 * width)
            found_unlinked.append(unlinked[:, some])
    return np.concatenate(found_pixels), np.concatenate(found_unlinked, axis=1)


def empty_values_note(no_value: int, empty_dates: int, count: int) -> str:
    return (
        f"Geotiff_value.csv: {no_value} of {count} points have no value (no data, no solution or masked), "
        f"{empty_dates} have empty dates: those their pairs do not link to the first date"
    )
