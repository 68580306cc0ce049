"""Coverage from valid data: how many clipped products have data at each pixel, and on how much of the area.

HyP3 GAMMA rasters are 0 (NoData) outside a tilted swath whose along-track ends move from date to date, so
a product's rectangle says little about where it has data. A product has data at a pixel where its unwrapped
phase is finite and not 0 and the stack's water mask, when it has one, says land: water counts as no data, since
MintPy's water mask leaves it without a solution."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import numpy as np
import rasterio

from sbas_plugin.core.cancel import check_canceled
from sbas_plugin.core.files import replace_with
from sbas_plugin.core.stack.ingest import pair_dates

# Part of the coverage step's signature: bump it when what is counted changes.
COVERAGE_VERSION = "coverage-1"
SHORT_DATES_SHOWN = 5
READERS = 2  # products read at once: this machine's cores, as MintPy's workers


def _land(clipped_dir: Path) -> Optional[np.ndarray]:
    """The clipped folder's one water mask as land = True, or None when the products carry none."""
    masks = sorted(clipped_dir.glob("*/*_water_mask.tif"))
    if not masks:
        return None
    with rasterio.open(masks[0]) as dataset:
        return dataset.read(1) != 0  # 1 land, 0 water


@dataclass(frozen=True)
class ClippedScan:
    """What the coverage and the reference pixel need from every clipped product, read in one pass."""

    products: int
    profile: dict  # a GeoTIFF of the clipped grid, for the counts
    counts: np.ndarray  # int16: how many products have data at each pixel
    dates: dict  # date -> packed bits (np.packbits of the grid): pixels with data in some product of that date
    coherence_sum: Optional[np.ndarray]  # float64: the products' coherence summed (NaN as 0); None unless asked


def _read_product(product_dir: Path, land: Optional[np.ndarray], coherence: bool) -> tuple:
    """(where the product has data, its coherence as float64 or None)."""
    with rasterio.open(product_dir / f"{product_dir.name}_unw_phase.tif") as dataset:
        phase = dataset.read(1)
    valid = np.isfinite(phase) & (phase != 0)
    if land is not None:
        valid &= land
    if not coherence:
        return valid, None
    with rasterio.open(product_dir / f"{product_dir.name}_corr.tif") as dataset:
        return valid, np.nan_to_num(dataset.read(1).astype(np.float64))


def scan_clipped(clipped_dir, coherence: bool = False, is_canceled: Optional[Callable[[], bool]] = None) -> ClippedScan:
    """Reads each clipped product once (its phase, and its coherence when `coherence`), two at a time: the
    layers are windows into zipped products, and GDAL inflates them outside Python's lock. Memory: the
    counts, the coherence sum, a bit per pixel per date and the products being read."""
    product_dirs = sorted(path.parent for path in Path(clipped_dir).glob("*/*_unw_phase.tif"))
    if not product_dirs:
        raise FileNotFoundError(f"{clipped_dir}: no clipped products")
    with rasterio.open(product_dirs[0] / f"{product_dirs[0].name}_unw_phase.tif") as dataset:
        profile = {  # the grid of the clipped layers, which may be VRT windows: a GeoTIFF of its own
            "driver": "GTiff",
            "width": dataset.width,
            "height": dataset.height,
            "count": 1,
            "dtype": "int16",
            "crs": dataset.crs,
            "transform": dataset.transform,
            "nodata": None,
        }
    counts = np.zeros((profile["height"], profile["width"]), np.int16)
    coherence_sum = np.zeros(counts.shape) if coherence else None
    land = _land(Path(clipped_dir))
    dates = {}
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        for first in range(0, len(product_dirs), READERS):  # a few at a time: memory stays bounded
            check_canceled(is_canceled)
            batch = product_dirs[first : first + READERS]
            for product_dir, (valid, product_coherence) in zip(
                batch, pool.map(lambda path: _read_product(path, land, coherence), batch)
            ):
                counts += valid
                packed = np.packbits(valid)
                for date in pair_dates(product_dir.name):
                    dates[date] = packed if date not in dates else dates[date] | packed
                if coherence:
                    coherence_sum += product_coherence  # in product order: the same sum on every run
    return ClippedScan(len(product_dirs), profile, counts, dates, coherence_sum)


def measure_coverage(
    clipped_dir,
    rows,
    cols,
    out_tif,
    is_canceled: Optional[Callable[[], bool]] = None,
    scan: Optional[ClippedScan] = None,
) -> dict:
    """Counts over the area's pixels (rows, cols of the clipped grid): how many have data in every product,
    in some, in none, and per date in some product of that date; the number of products with data at each
    pixel of the grid goes to `out_tif` (int16). The counts are what the coverage step records. `scan`:
    the folder's scan_clipped when already made."""
    scan = scan or scan_clipped(clipped_dir, is_canceled=is_canceled)
    area = np.zeros(scan.counts.shape, bool)
    area[rows, cols] = True
    area_bits = np.packbits(area)
    date_pixels = {date: int(np.unpackbits(bits & area_bits).sum()) for date, bits in sorted(scan.dates.items())}

    def write(partial: Path) -> None:
        with rasterio.open(partial, "w", **scan.profile) as out:
            out.write(scan.counts, 1)

    replace_with(out_tif, write)
    in_area = scan.counts[rows, cols]
    return {
        "pixels": len(in_area),
        "products": scan.products,
        "every": int((in_area == scan.products).sum()),
        "none": int((in_area == 0).sum()),
        "dates": date_pixels,
    }


def coverage_shares(record: dict) -> tuple:
    """(% of the area with data in every product, in some only, in none, [(date, % of the area with data in
    a product of that date)] for the short dates, fewest first). A date is short when its products leave out
    part of what the whole stack covers."""
    pixels = max(record["pixels"], 1)
    covered = record["pixels"] - record["none"]
    short = sorted(((n, date) for date, n in record["dates"].items() if n < covered))
    return (
        100.0 * record["every"] / pixels,
        100.0 * (covered - record["every"]) / pixels,
        100.0 * record["none"] / pixels,
        [(date, 100.0 * n / pixels) for n, date in short],
    )


def coverage_note(record: dict) -> str:
    every, some, none, short = coverage_shares(record)
    note = (
        f"of the {record['pixels']} pixels of the area, {every:.1f} % have data in every one of the "
        f"{record['products']} products, {some:.1f} % in some only, {none:.1f} % in none (water counts as none)"
    )
    if short:
        listed = ", ".join(f"{date} ({share:.1f} %)" for date, share in short[:SHORT_DATES_SHOWN])
        more = ", …" if len(short) > SHORT_DATES_SHOWN else ""
        note += (
            f"; {len(short)} dates have data on less of it than the {every + some:.1f} % the whole stack covers: "
            f"{listed}{more}"
        )
    return note


def partial_coverage_note(partial: int, count: int) -> str:
    return f"{partial} of {count} points have data in some products only: flagged partial_coverage=1"
