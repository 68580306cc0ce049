"""`sbas run`: ingest -> clip -> MintPy -> export -> points -> extract over one work folder.

One manifest (WORK/manifest.json) records inputs, options, versions and, per step, a signature of
what the step was computed from. A rerun skips every step whose signature is unchanged and whose
outputs are there; every output is written whole or not at all, so a run killed at any point is
finished by the next one with identical results."""

import logging
import platform
import shutil
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from sbas_plugin.__about__ import __version__
from sbas_plugin.core.aoi import names_a_file, read_aoi
from sbas_plugin.core.cancel import check_canceled
from sbas_plugin.core.crs import transform_xy
from sbas_plugin.core.files import check_free_space, free_bytes
from sbas_plugin.core.manifest import Manifest, signature
from sbas_plugin.core.results.blanks import blanks_read, empty_values_note
from sbas_plugin.core.results.mintpy_files import file_identity, find_timeseries
from sbas_plugin.core.results.points import pixel_centres_in_polygons, read_points_csv, write_points_csv
from sbas_plugin.core.results.quality import (
    DEFAULT_MIN_COHERENCE,
    QUALITY_FILES,
    low_quality_note,
    read_point_quality,
)
from sbas_plugin.core.results.wide_table import split_note
from sbas_plugin.core.stack.clip import CLIP_VERSION, GEOMETRY_LAYERS, clip_products, plan_clip
from sbas_plugin.core.stack.coverage import (
    COVERAGE_VERSION,
    coverage_note,
    measure_coverage,
    partial_coverage_note,
    scan_clipped,
)
from sbas_plugin.core.stack.export import MINTPY_RESULTS_READ, export_geotiffs
from sbas_plugin.core.stack.ingest import find_products, pair_dates, verify_products
from sbas_plugin.core.stack.mintpy import (
    MintpyOptions,
    check_reference_pixel,
    choose_reference_pixel,
    mintpy_disk_bytes,
    result_settings,
    run_smallbaseline,
    write_template,
)
from sbas_plugin.core.workfolder import MINTPY_TEMPLATE, WorkFolder, work_folder_lock

LOG = logging.getLogger(__name__)
# Part of the points step's signature: bump it when points.gpkg's columns change, so reruns rewrite it.
QUALITY_COLUMNS_VERSION = "quality-2"  # 2: partial_coverage
# Share of the progress bar per step: MintPy is most of the time.
WEIGHTS = {"ingest": 5, "clip": 10, "mintpy": 70, "export": 5, "points": 5, "extract": 5}


@dataclass(frozen=True)
class RunOptions:
    mintpy: MintpyOptions = field(default_factory=MintpyOptions)
    reference_point: Optional[tuple] = None  # (x, y, crs) of the reference pixel; None: automatic
    unit: str = "Meters"
    mask_low_coherence: bool = False
    min_coherence: float = DEFAULT_MIN_COHERENCE  # points below this temporal coherence are flagged low_quality
    python: Optional[str] = None  # the interpreter with MintPy; None: this one


@dataclass
class RunResult:
    work: Path
    geotiffs: Path
    points_csv: Path
    points_gpkg: Path
    values_csv: Path  # the table's name; read it with results.wide_table.read_wide_table
    mintpy_dir: Path
    notes: list
    skipped: list  # steps whose results were already there
    values_files: list = field(default_factory=list)  # the files of Geotiff_value.csv: it, or its parts


def _aoi_bytes(aoi: str) -> bytes:
    if names_a_file(aoi):
        path = Path(aoi)
        # A shapefile's geometry lives in its sidecars too.
        return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.stem + ".*")) if p.is_file())
    return aoi.encode()


def _versions() -> dict:
    from importlib import metadata

    versions = {"sbas_plugin": __version__, "python": platform.python_version()}
    for name in ("mintpy", "numpy", "rasterio", "h5py", "GDAL"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "system" if name in ("GDAL", "h5py") else None
    return versions


def run_pipeline(
    products_dir,
    aoi: str,
    work,
    aoi_crs: Optional[str] = None,
    options: RunOptions = RunOptions(),
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
    free_bytes: Callable[[Path], int] = free_bytes,
) -> RunResult:
    if not 0.0 <= options.min_coherence <= 1.0:
        raise ValueError(f"the temporal coherence threshold must be between 0 and 1, not {options.min_coherence}")
    products_dir, work = Path(products_dir).resolve(), Path(work).resolve()
    with work_folder_lock(work, "run"):  # creates the work folder
        return _run(products_dir, aoi, work, aoi_crs, options, progress, is_canceled, free_bytes)


def _run(products_dir: Path, aoi: str, work: Path, aoi_crs, options: RunOptions, progress, is_canceled, free_bytes):
    manifest = Manifest(work)
    manifest.data.update(
        inputs={"products": str(products_dir), "aoi": aoi, "aoi_crs": aoi_crs},
        options=asdict(options),
        versions=_versions(),
    )
    manifest.save()
    folder = WorkFolder(work)
    result = RunResult(
        work=work,
        geotiffs=folder.geotiffs,
        points_csv=folder.points_csv,
        points_gpkg=folder.points_gpkg,
        values_csv=folder.values_csv,
        mintpy_dir=folder.mintpy,
        notes=[],
        skipped=[],
    )
    offset = 0.0

    def stage(name: str):
        """progress callable for one step, mapped onto its share of the whole run."""
        start, share = offset, WEIGHTS[name]
        return lambda percent: progress(start + share * percent / 100.0) if progress else None

    def finish(name: str) -> None:
        nonlocal offset
        offset += WEIGHTS[name]
        if progress:
            progress(offset)
        check_canceled(is_canceled)

    # 1. ingest: which products, each verified once (by this work folder or by the download)
    products = find_products(products_dir, progress=stage("ingest"), is_canceled=is_canceled)
    verified = manifest.data.setdefault("verified", {})
    verify_products(products, verified)
    manifest.save()
    ingest_signature = signature({p.name: verified[p.name] for p in products})
    LOG.info("%d products in %s", len(products), products_dir)
    finish("ingest")

    # 2. clip onto one grid
    clipped_dir = folder.clipped
    # The clipped pair layers are windows into the products' zips: where they are is part of the clip.
    sources = sorted(str(product.source.resolve()) for product in products)
    clip_signature = signature(ingest_signature, _aoi_bytes(aoi), aoi_crs, CLIP_VERSION, sources)
    # Planned when first needed (it opens every product's layers): a rerun with every step done never is.
    plan = cache(lambda: plan_clip(products, aoi, aoi_crs))
    area_pixels = cache(lambda: _area_pixels(plan(), aoi, aoi_crs))  # the points, and the coverage's area
    if manifest.done("clip", clip_signature, clipped_dir):
        result.skipped.append("clip")
    else:
        clip_plan = plan()
        grid = clip_plan.grid
        geometry = {layer for product in clip_plan.products for layer in product.layers if layer in GEOMETRY_LAYERS}
        copied = [product for product in clip_plan.products if product.name in clip_plan.resampled]
        layers = len(geometry) + sum(len(set(product.layers) - geometry) for product in copied)
        # Uncompressed, 4 bytes a pixel at most: the geometry once, and the pair layers of the products resampled
        # onto the lattice (the others' are VRT windows of a few kB).
        needed = grid.width * grid.height * 4 * layers
        check_free_space(work, needed, "clipping", "choose another work folder", free_bytes)
        kept = clip_products(clip_plan, clipped_dir, progress=stage("clip"), is_canceled=is_canceled)
        manifest.record(
            "clip",
            clip_signature,
            epsg=clip_plan.lattice.epsg,
            grid=[grid.x0, grid.y0, grid.dx, grid.dy, grid.width, grid.height],
            kept=kept,
            dropped=clip_plan.dropped,
            resampled=clip_plan.resampled,
            notes=clip_plan.notes,
        )
    clip = manifest.step("clip")
    for name, reason in clip["dropped"].items():
        result.notes.append(f"dropped {name}: {reason}")
    result.notes += clip["notes"]
    # Where the clipped products have data: a product's rectangle is not its swath.
    coverage_signature = signature(clip_signature, COVERAGE_VERSION)
    reference_signature = signature(clip_signature, options.reference_point)
    # One pass over the clipped products serves both steps; the coherence only when choosing the reference.
    choosing = options.reference_point is None and not manifest.done("reference", reference_signature)
    scan = cache(lambda: scan_clipped(clipped_dir, coherence=choosing, is_canceled=is_canceled))
    if not manifest.done("coverage", coverage_signature, folder.coverage):
        area = area_pixels()
        counts = measure_coverage(clipped_dir, area.rows, area.cols, folder.coverage, is_canceled, scan())
        manifest.record("coverage", coverage_signature, **counts)
    result.notes.append(coverage_note(manifest.step("coverage")))
    finish("clip")

    # 3. MintPy; a new clip makes every earlier MintPy result invalid
    mintpy_dir = result.mintpy_dir
    if manifest.step("mintpy").get("clip") != clip_signature:
        shutil.rmtree(mintpy_dir, ignore_errors=True)
    mintpy_dir.mkdir(exist_ok=True)
    # Kept in the manifest: choosing reads every clipped interferogram.
    if not manifest.done("reference", reference_signature):
        if options.reference_point is None:
            chosen = choose_reference_pixel(clipped_dir, scan())
            row, col, note = chosen.row, chosen.col, chosen.note
        else:
            row, col = _pixel_of(options.reference_point, plan())
            note = (
                check_reference_pixel(clipped_dir, row, col)
                or f"reference pixel row {row}, col {col}: the point you chose"
            )
        manifest.record("reference", reference_signature, pixel=[row, col], note=note)
    scan.cache_clear()  # not held through MintPy
    reference = manifest.step("reference")
    row, col = reference["pixel"]
    result.notes.append(reference["note"])
    template = write_template(mintpy_dir / MINTPY_TEMPLATE, clipped_dir, (row, col), options.mintpy)
    mintpy_signature = signature(clip_signature, result_settings(template))
    if not manifest.done("mintpy", mintpy_signature):  # what an unfinished run has written counts
        height, width = clip["grid"][5], clip["grid"][4]
        dates = {date for name in clip["kept"] for date in pair_dates(name)}
        needed = mintpy_disk_bytes(width * height, len(clip["kept"]), len(dates), options.mintpy)
        needed -= _bytes_in(mintpy_dir)
        check_free_space(mintpy_dir, needed, "MintPy", "choose another work folder", free_bytes)
    mintpy_notes = run_smallbaseline(
        template, mintpy_dir, python=options.python, progress=stage("mintpy"), is_canceled=is_canceled
    )
    series = find_timeseries(mintpy_dir)
    result.notes += mintpy_notes
    manifest.record("mintpy", mintpy_signature, clip=clip_signature, reference=[row, col])
    finish("mintpy")

    # 4. GeoTIFFs. Each step's signature holds the MintPy files it reads, the time series by the name MintPy's
    # settings give it: new settings, or a file MintPy rewrote, make exactly the steps that read it run again.
    series_read = file_identity(series)
    blanks_identities = _identities(mintpy_dir, blanks_read(options.mask_low_coherence))
    export_read = [series_read, *_identities(mintpy_dir, MINTPY_RESULTS_READ), blanks_identities]
    export_signature = signature(export_read, options.unit, options.mask_low_coherence)
    # numInvIfgram.tif too: work folders exported before it was added get it on a rerun
    if manifest.done(
        "export", export_signature, result.geotiffs / "velocity.tif", result.geotiffs / "numInvIfgram.tif"
    ):
        result.skipped.append("export")
    else:
        exported = export_geotiffs(
            mintpy_dir,
            result.geotiffs,
            unit=options.unit,
            mask_low_coherence=options.mask_low_coherence,
            progress=stage("export"),
            is_canceled=is_canceled,
        )
        manifest.record(
            "export",
            export_signature,
            timeseries=series.name,
            dates=len(exported.files),
            folder=exported.displacement_dir,
        )
    finish("export")

    # 5. pixel-centre points inside the AOI, on the exported grid, with MintPy's quality at each
    quality_read = _identities(mintpy_dir, QUALITY_FILES)
    # The coverage's signature holds the clip's.
    points_signature = signature(coverage_signature, quality_read, QUALITY_COLUMNS_VERSION, options.min_coherence)
    if manifest.done("points", points_signature, result.points_csv, result.points_gpkg):
        result.skipped.append("points")
    else:
        product_count = manifest.step("coverage")["products"]
        quality, partial = _points(area_pixels(), plan(), result, options.min_coherence, product_count)
        manifest.record(
            "points",
            points_signature,
            count=len(quality),
            low_quality=int(quality.low_quality.sum()),
            partial_coverage=int(partial.sum()),
        )
    points_step = manifest.step("points")
    result.notes.append(low_quality_note(points_step["low_quality"], points_step["count"], options.min_coherence))
    result.notes.append(partial_coverage_note(points_step["partial_coverage"], points_step["count"]))
    # A whole frame has millions of pixels: points.csv (fid,x,y, one row each) is then beyond a sheet.
    from sbas_plugin.core.results.extract import long_rows_note

    too_long = long_rows_note(result.points_csv, points_step["count"])
    if too_long:
        result.notes.append(too_long)
    finish("points")

    # 6. Geotiff_value.csv, read from MintPy's HDF5 (the same numbers as the GeoTIFFs, faster)
    # The points depend on the clip alone; the values on the series, left empty where the GeoTIFFs are (blanks.py).
    extract_signature = signature(clip_signature, series_read, blanks_identities, options.mask_low_coherence)
    # Its files as the step recorded them (work folders from before have no record: the one file).
    values_files = [work / name for name in manifest.step("extract").get("files", [result.values_csv.name])]
    if manifest.done("extract", extract_signature, *values_files):
        result.skipped.append("extract")
    else:
        from sbas_plugin.core.results.extract import read_timeseries_h5_series, write_wide_csv

        values = read_timeseries_h5_series(
            series,
            read_points_csv(result.points_csv),
            is_canceled=is_canceled,
            mask_low_coherence=options.mask_low_coherence,
        )
        values_files = write_wide_csv(result.values_csv, values)
        empty = np.isnan(values.values)
        manifest.record(
            "extract",
            extract_signature,
            count=empty.shape[1],
            no_value=int(empty.all(axis=0).sum()),
            empty_dates=int((empty.any(axis=0) & ~empty.all(axis=0)).sum()),
            files=[path.name for path in values_files],
        )
    extracted = manifest.step("extract")
    result.values_files = values_files
    result.notes.append(empty_values_note(extracted["no_value"], extracted["empty_dates"], extracted["count"]))
    if len(values_files) > 1:
        result.notes.append(split_note(result.values_csv, values_files, extracted["count"]))
    finish("extract")
    manifest.data["notes"] = result.notes
    manifest.save()
    return result


def _identities(folder: Path, names) -> list:
    return [file_identity(folder / name) for name in names if (folder / name).is_file()]


def _bytes_in(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def _pixel_of(point: tuple, plan) -> tuple:
    x, y, crs = point
    (tx,), (ty,) = transform_xy([x], [y], crs, plan.lattice.crs_wkt)
    row, col, _ = plan.grid.pixel_of(tx, ty)  # -1 off the grid: check_reference_pixel says so
    return int(row), int(col)


def _area_pixels(plan, aoi: str, aoi_crs: Optional[str]):
    """The pixels whose centre is inside the area: the points."""
    return pixel_centres_in_polygons(plan.grid, read_aoi(aoi, plan.lattice.crs_wkt, aoi_crs))


def _points(points, plan, result: RunResult, min_coherence: float, product_count: int):
    """points.csv stays `fid,x,y`, the users' format; the quality goes into points.gpkg, with
    partial_coverage = 1 where some products have data and others not. Returns (quality, partial_coverage)."""
    import rasterio

    from sbas_plugin.core.results.gpkg import write_points_gpkg

    quality = read_point_quality(result.mintpy_dir, points.rows, points.cols, min_coherence=min_coherence)
    with rasterio.open(WorkFolder(result.work).coverage) as coverage:
        counts = coverage.read(1)[points.rows, points.cols]
    partial = ((counts > 0) & (counts < product_count)).astype(np.uint8)
    write_points_csv(result.points_csv, points)
    write_points_gpkg(
        result.points_gpkg,
        points.x,
        points.y,
        plan.lattice.crs_wkt,
        columns={"row": points.rows, "col": points.cols, **quality.columns(), "partial_coverage": partial},
    )
    return quality, partial
