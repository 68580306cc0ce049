"""Coverage from valid data: how many clipped products have data at each pixel, and on how much of the area.

HyP3 GAMMA rasters are 0 (NoData) outside a tilted swath whose along-track ends move from date to date, so
a product's rectangle says little about where it has data. A product has data at a pixel where its unwrapped
phase is finite and not 0 and the stack's water mask, when it has one, says land: water counts as no data, since
MintPy's water mask leaves it without a solution."""

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


def _land(clipped_dir: Path) -> Optional[np.ndarray]:
    """The clipped folder's one water mask as land = True, or None when the products carry none."""
    masks = sorted(clipped_dir.glob("*/*_water_mask.tif"))
    if not masks:
        return None
    with rasterio.open(masks[0]) as dataset:
        return dataset.read(1) != 0  # 1 land, 0 water


def _valid(product_dir: Path, land: Optional[np.ndarray]) -> np.ndarray:
    with rasterio.open(product_dir / f"{product_dir.name}_unw_phase.tif") as dataset:
        phase = dataset.read(1)
    valid = np.isfinite(phase) & (phase != 0)
    return valid if land is None else valid & land


def measure_coverage(clipped_dir, rows, cols, out_tif, is_canceled: Optional[Callable[[], bool]] = None) -> dict:
    """Counts over the area's pixels (rows, cols of the clipped grid): how many have data in every product,
    in some, in none, and per date in some product of that date; the number of products with data at each
    pixel of the grid goes to `out_tif` (int16). The counts are what the coverage step records."""
    product_dirs = sorted(path.parent for path in Path(clipped_dir).glob("*/*_unw_phase.tif"))
    if not product_dirs:
        raise FileNotFoundError(f"{clipped_dir}: no clipped products")
    by_date = {}
    for product_dir in product_dirs:
        for date in pair_dates(product_dir.name):
            by_date.setdefault(date, []).append(product_dir)
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
    land = _land(Path(clipped_dir))
    date_pixels = {}
    # Date by date, one product in memory at a time: each product is read once per date it joins.
    for date in sorted(by_date):
        check_canceled(is_canceled)
        any_product = np.zeros_like(counts, dtype=bool)
        for product_dir in by_date[date]:
            valid = _valid(product_dir, land)
            any_product |= valid
            if date == pair_dates(product_dir.name)[0]:
                counts += valid
        date_pixels[date] = int(any_product[rows, cols].sum())

    def write(partial: Path) -> None:
        with rasterio.open(partial, "w", **profile) as out:
            out.write(counts, 1)

    replace_with(out_tif, write)
    in_area = counts[rows, cols]
    return {
        "pixels": len(in_area),
        "products": len(product_dirs),
        "every": int((in_area == len(product_dirs)).sum()),
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
