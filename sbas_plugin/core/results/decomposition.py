"""`sbas decompose`: vertical and east–west motion from an ascending and a descending work folder over the
same ground, with decompose.py's method, written as the users' files: velocity maps, per-date GeoTIFFs in
the seed notebooks' naming, pixel-centre points and the wide CSV.

- Input per track: its exported per-date GeoTIFFs (metres since its first date, empty where its run left
  them empty) and MintPy's geometryGeo.h5 (incidence and azimuth per pixel, on the same grid).
- Lattice: the UTM zone of the overlap's centre; the coarser of the two tracks' pixels; the origin on
  multiples of the pixel, as HyP3 lays its products. A track already on that lattice is read as it is;
  another one is resampled bilinearly by GDAL, a value next to an empty pixel staying empty.
- Dates: decompose.DATES_RULE.
- Reference: the two tracks come referred to their own reference pixels; both are referred to one common
  pixel, date by date. It is the one given, or the pixel with values on every date in both tracks whose
  lower temporal coherence of the two is the highest.
- Velocity (vertical.tif, east.tif): the least-squares line through a pixel's decomposed dates, in mm/yr,
  where the pixel has values on at least MIN_VELOCITY_DATES dates.

Memory stays bounded: the dates are made one at a time from at most two resampled dates per track."""

import contextlib
import datetime
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

import h5py
import numpy as np
from osgeo import gdal

from sbas_plugin.core.cancel import check_canceled
from sbas_plugin.core.crs import spatial_reference, transform_xy
from sbas_plugin.core.files import identity
from sbas_plugin.core.grid import Grid
from sbas_plugin.core.manifest import Manifest, signature
from sbas_plugin.core.names import UNITS
from sbas_plugin.core.results.decompose import DATES_RULE, blend, decompose, interpolation_weights, los_unit_east_up
from sbas_plugin.core.results.extract import ExtractError, dated_geotiffs, geotiff_layout, one_grid
from sbas_plugin.core.results.geotiffs import geotiff_profile, write_float_geotiff
from sbas_plugin.core.results.mintpy_files import attributes, epsg_of, grid_of
from sbas_plugin.core.workfolder import WorkFolder, work_folder_lock

gdal.UseExceptions()

STEP = "decompose"  # its entry in the output folder's manifest, which marks the folder as a decomposition
GEOMETRY = Path("inputs") / "geometryGeo.h5"  # in a track's MintPy folder
COMPONENTS = ("vertical", "east")  # up positive, east positive; their folders and file names
MIN_VELOCITY_DATES = 3
MIN_INCIDENCE_DEG, MAX_INCIDENCE_DEG = 5.0, 80.0  # beyond Sentinel-1's 29-46 degrees: no geometry
VERTICAL_POINTS = "vertical_points.gpkg"
VALUES_CSV = "Geotiff_value_{}.csv"  # per component, the users' Geotiff_value.csv
METHOD = (
    "each pixel's ascending and descending line-of-sight values (positive towards the satellite) are solved "
    "for east and up with that pixel's MintPy incidenceAngle and azimuthAngle; north-south motion is neglected"
)


class DecompositionError(ValueError):
    """The two folders cannot be decomposed; the message says why and what to do."""


@dataclass(frozen=True)
class DecompositionFolder:
    """The paths of a decomposition's output folder."""

    root: Path

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root))

    def velocity(self, component: str) -> Path:
        return self.root / f"{component}.tif"

    def dated(self, component: str) -> Path:
        """The per-date GeoTIFFs of a component, <first>_<date>_<component>_Meters.tif."""
        return self.root / component

    def values_csv(self, component: str) -> Path:
        return self.root / VALUES_CSV.format(component)

    points_gpkg = property(lambda self: self.root / VERTICAL_POINTS)
    manifest = property(lambda self: WorkFolder(self.root).manifest)


def dated_name(first: str, date: str, component: str) -> str:
    """e.g. 20200103_20200115_vertical_Meters.tif"""
    return f"{first}_{date}_{component}_Meters.tif"


def is_decomposition(folder) -> bool:
    return bool(Manifest(folder).step(STEP))


@dataclass(frozen=True)
class Track:
    """One work folder's series as the decomposition reads it."""

    work: Path
    metres_per_value: float  # its GeoTIFFs' unit (an export in Meters, else in Centimeters)
    direction: str  # "ascending" or "descending"
    dates: list  # datetime.date
    paths: list  # per-date GeoTIFFs
    grid: Grid
    crs: str
    geometry: Path
    geometry_grid: Grid
    coherence: Optional[Path]  # the export's TemporalCoherence.tif


@dataclass(frozen=True)
class Decomposition:
    folder: DecompositionFolder
    crs: str
    grid: Grid
    dates: list  # YYYYMMDD
    reference: tuple  # (x, y) of the common reference pixel's centre
    reference_given: bool
    files: dict  # component -> per-date GeoTIFFs
    points: int
    skipped: bool  # the folder was already up to date


def _date(text: str) -> datetime.date:
    return datetime.datetime.strptime(text, "%Y%m%d").date()


def read_track(work) -> Track:
    work = WorkFolder(work)
    unit = next((unit for unit in UNITS if work.displacement_maps(unit).is_dir()), "Meters")
    try:
        _, dates, paths = dated_geotiffs(work.displacement_maps(unit), centimetres=True)
        grid, crs = one_grid(paths, [geotiff_layout(path) for path in paths])
    except ExtractError as error:
        raise DecompositionError(f"{work.root}: {error}; run its time series and export first") from None
    geometry = work.mintpy / GEOMETRY
    if not geometry.is_file():
        raise DecompositionError(f"{work.root}: no {GEOMETRY.as_posix()} in {work.mintpy}; has MintPy's load step run?")
    attrs = attributes(geometry)
    with h5py.File(geometry, "r") as f:
        missing = [name for name in ("incidenceAngle", "azimuthAngle") if name not in f]
        if missing:
            raise DecompositionError(f"{geometry}: no {', '.join(missing)}; MintPy writes them from the products")
        middle = (f["incidenceAngle"].shape[0] // 2, slice(None))
        east, _ = los_unit_east_up(f["incidenceAngle"][middle], f["azimuthAngle"][middle])
    geometry_grid = grid_of(attrs)
    if f"EPSG:{epsg_of(attrs)}" != crs or geometry_grid != grid:
        raise DecompositionError(
            f"{work.root}: its GeoTIFFs and {geometry.name} are not on one grid: re-export the time series"
        )
    # Looking east (ascending, right-looking) sees eastward motion away from the satellite.
    direction = "ascending" if np.nanmedian(east) < 0 else "descending"
    coherence = work.geotiffs / "TemporalCoherence.tif"
    return Track(
        work.root,
        1.0 / UNITS[unit],
        direction,
        [_date(d) for d in dates],
        paths,
        grid,
        crs,
        geometry,
        geometry_grid,
        coherence if coherence.is_file() else None,
    )


def utm_crs(lon: float, lat: float) -> str:
    zone = min(int((lon + 180.0) // 6.0) + 1, 60)
    return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"


def _edge_points(grid: Grid, n: int = 21) -> tuple:
    """Points along the grid's outer edges, to transform a box to another CRS."""
    xmin, ymin, xmax, ymax = grid.bounds
    t = np.linspace(0.0, 1.0, n)
    x = np.concatenate([xmin + (xmax - xmin) * t, np.full(n, xmax), xmax - (xmax - xmin) * t, np.full(n, xmin)])
    y = np.concatenate([np.full(n, ymax), ymax - (ymax - ymin) * t, np.full(n, ymin), ymin + (ymax - ymin) * t])
    return x, y


def common_lattice(tracks: Sequence[Track]) -> tuple:
    """(CRS, grid): the UTM zone of the tracks' overlap, the coarser pixel, the origin on its multiples,
    the pixels inside both tracks' boxes."""
    boxes = []
    for track in tracks:
        lon, lat = transform_xy(*_edge_points(track.grid), track.crs, "EPSG:4326")
        boxes.append((np.nanmin(lon), np.nanmin(lat), np.nanmax(lon), np.nanmax(lat)))
    west, south = max(b[0] for b in boxes), max(b[1] for b in boxes)
    east, north = min(b[2] for b in boxes), min(b[3] for b in boxes)
    if west >= east or south >= north:
        raise DecompositionError("the two work folders do not overlap: they must cover the same ground")
    crs = utm_crs((west + east) / 2, (south + north) / 2)
    pixel = max(track.grid.dx for track in tracks)
    extents = []
    for track in tracks:
        x, y = _edge_points(track.grid)
        if _same_crs(track.crs, crs):
            extents.append(track.grid.bounds)
        else:
            x, y = transform_xy(x, y, track.crs, crs)
            extents.append((np.nanmin(x), np.nanmin(y), np.nanmax(x), np.nanmax(y)))
    xmin = math.ceil(max(e[0] for e in extents) / pixel) * pixel
    ymin = math.ceil(max(e[1] for e in extents) / pixel) * pixel
    xmax = math.floor(min(e[2] for e in extents) / pixel) * pixel
    ymax = math.floor(min(e[3] for e in extents) / pixel) * pixel
    if xmax <= xmin or ymax <= ymin:
        raise DecompositionError("the two work folders share no whole pixel: they must cover the same ground")
    return crs, Grid(xmin, ymax, pixel, -pixel, round((xmax - xmin) / pixel), round((ymax - ymin) / pixel))


def _same_crs(a: str, b: str) -> bool:
    return bool(spatial_reference(a).IsSame(spatial_reference(b)))


def _offset(source: Grid, target: Grid) -> Optional[tuple]:
    """(row, col) of the target's first pixel in the source when the target lies on the source's lattice."""
    if not math.isclose(source.dx, target.dx) or not math.isclose(source.dy, target.dy):
        return None
    col, row = (target.x0 - source.x0) / source.dx, (target.y0 - source.y0) / source.dy
    if abs(col - round(col)) > 1e-6 or abs(row - round(row)) > 1e-6:
        return None
    return round(row), round(col)


class Resampler:
    """Rasters of one source grid and CRS on the common lattice: cut out where the lattice is the source's,
    else resampled bilinearly (GDAL), NaN where the source has no value."""

    def __init__(self, grid: Grid, crs: str, target: Grid, target_crs: str):
        self.grid, self.crs, self.target, self.target_crs = grid, crs, target, target_crs
        self.offset = _offset(grid, target) if _same_crs(crs, target_crs) else None

    @property
    def exact(self) -> bool:
        return self.offset is not None

    def __call__(self, data: np.ndarray) -> np.ndarray:
        data = np.asarray(data, dtype=np.float32)
        out = np.full((self.target.height, self.target.width), np.nan, dtype=np.float32)
        if self.offset is not None:
            row, col = self.offset
            r0, c0 = max(row, 0), max(col, 0)
            r1, c1 = min(row + self.target.height, self.grid.height), min(col + self.target.width, self.grid.width)
            if r0 < r1 and c0 < c1:
                out[r0 - row : r1 - row, c0 - col : c1 - col] = data[r0:r1, c0:c1]
            return out
        source = _memory_raster(data, self.grid, self.crs)
        target = _memory_raster(out, self.target, self.target_crs)
        gdal.Warp(target, source, resampleAlg="bilinear", srcNodata=float("nan"), dstNodata=float("nan"))
        return target.GetRasterBand(1).ReadAsArray()


def _memory_raster(data: np.ndarray, grid: Grid, crs: str):
    dataset = gdal.GetDriverByName("MEM").Create("", grid.width, grid.height, 1, gdal.GDT_Float32)
    dataset.SetGeoTransform((grid.x0, grid.dx, 0.0, grid.y0, 0.0, grid.dy))
    dataset.SetProjection(spatial_reference(crs).ExportToWkt())
    band = dataset.GetRasterBand(1)
    band.SetNoDataValue(float("nan"))
    band.WriteArray(data)
    return dataset


def _read(path) -> np.ndarray:
    dataset = gdal.Open(str(path))
    band = dataset.GetRasterBand(1)
    data = band.ReadAsArray().astype(np.float32)
    nodata = band.GetNoDataValue()
    if nodata is not None and not np.isnan(nodata):
        data[data == np.float32(nodata)] = np.nan
    return data


class _TrackOnDates:
    """A track's series on the common dates and lattice, one date at a time, keeping only the resampled
    dates the next common date may need."""

    def __init__(self, track: Track, resample: Resampler, dates: list):
        self.track, self.resample = track, resample
        self.before, self.after, self.weight = interpolation_weights(track.dates, dates)
        self.kept = {}

    def plane(self, k: int) -> np.ndarray:
        needed = {int(self.before[k]), int(self.after[k])}
        self.kept = {i: plane for i, plane in self.kept.items() if i in needed}
        for i in needed - set(self.kept):
            self.kept[i] = self.resample(_read(self.track.paths[i]) * np.float32(self.track.metres_per_value))
        return blend(self.kept[int(self.before[k])], self.kept[int(self.after[k])], float(self.weight[k]))


def _common_dates(tracks: Sequence[Track]) -> list:
    start, end = max(t.dates[0] for t in tracks), min(t.dates[-1] for t in tracks)
    if start >= end:
        spans = "; ".join(f"{t.direction} {t.dates[0]}–{t.dates[-1]}" for t in tracks)
        raise DecompositionError(f"the tracks share no time span ({spans})")
    return sorted({d for t in tracks for d in t.dates if start <= d <= end})


def _reference_pixel(tracks, resamplers, dates, grid: Grid, crs: str, reference, reference_crs, report, is_canceled):
    """(row, col) of the common reference pixel: the one given (x, y in reference_crs), which must have values
    on every date in both tracks, else the best one (module docstring). report(fraction done)."""
    valid = np.ones((grid.height, grid.width), dtype=bool)
    for n, (track, resample) in enumerate(zip(tracks, resamplers)):
        on_dates = _TrackOnDates(track, resample, dates)
        for k in range(len(dates)):
            check_canceled(is_canceled)
            valid &= np.isfinite(on_dates.plane(k))
            report((n * len(dates) + k + 1) / (len(tracks) * len(dates)))
    if reference is not None:
        x, y = transform_xy([reference[0]], [reference[1]], reference_crs or crs, crs)
        rows, cols, inside = grid.pixel_of(x, y)
        if not inside[0]:
            raise DecompositionError(f"the reference point {reference} is outside the tracks' overlap")
        if not valid[rows[0], cols[0]]:
            raise DecompositionError(
                f"the reference point {reference} lacks a value on some date in one of the tracks: choose a "
                "point that is coherent in both"
            )
        return int(rows[0]), int(cols[0])
    if not valid.any():
        raise DecompositionError("no pixel has values on every common date in both tracks: nothing to refer them to")
    score = np.where(valid, 1.0, -np.inf)
    if all(track.coherence for track in tracks):
        coherence = [resample(_read(track.coherence)) for track, resample in zip(tracks, resamplers)]
        score = np.where(valid, np.nan_to_num(np.fmin(*coherence), nan=0.0), -np.inf)
    row, col = np.unravel_index(int(np.argmax(score)), score.shape)
    return int(row), int(col)


def decompose_work_folders(
    works: Sequence,
    out,
    reference: Optional[tuple] = None,
    reference_crs: Optional[str] = None,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> Decomposition:
    """Decompose an ascending and a descending work folder (either order) into `out`. Nothing is redone when
    `out` already holds this decomposition of these files. The three folders are locked meanwhile: no sbas
    run rewrites a track while it is read, no second decomposition writes `out`."""
    if len(works) != 2:
        raise DecompositionError(f"give two work folders, one ascending and one descending, not {len(works)}")
    _tracks(works)  # folders that cannot be decomposed are refused before any lock creates anything
    if Path(out).resolve() in {Path(work).resolve() for work in works}:
        raise DecompositionError(f"{out} is one of the work folders: give the decomposition a folder of its own")
    with contextlib.ExitStack() as locks:
        for folder, step in ((out, STEP), *((work, f"{STEP} (reading)") for work in works)):
            locks.enter_context(work_folder_lock(folder, step))
        return _decompose(works, out, reference, reference_crs, progress, is_canceled)


def _tracks(works) -> list:
    """The ascending track, then the descending one."""
    tracks = sorted((read_track(work) for work in works), key=lambda t: t.direction)
    if tracks[0].direction == tracks[1].direction:
        raise DecompositionError(
            f"both work folders are {tracks[0].direction} ({tracks[0].work}, {tracks[1].work}): one must be "
            "ascending and the other descending"
        )
    return tracks


def _decompose(works, out, reference, reference_crs, progress, is_canceled) -> Decomposition:
    from sbas_plugin.core.results.extract import extract_values
    from sbas_plugin.core.results.gpkg import write_points_gpkg
    from sbas_plugin.core.results.points import PointTable

    tracks = _tracks(works)
    folder = DecompositionFolder(out)
    manifest = Manifest(folder.root)
    inputs = [[str(t.work), [identity(p) for p in (*t.paths, t.geometry, t.coherence) if p]] for t in tracks]
    options = {"reference": list(reference) if reference else None, "reference_crs": reference_crs}
    step_signature = signature(inputs, options, DATES_RULE, METHOD, MIN_VELOCITY_DATES)
    outputs = [folder.velocity(c) for c in COMPONENTS] + [folder.points_gpkg, folder.values_csv("vertical")]
    if manifest.done(STEP, step_signature, *outputs):
        done = manifest.step(STEP)
        files = {c: sorted(folder.dated(c).glob("*.tif")) for c in COMPONENTS}
        return Decomposition(
            folder,
            done["crs"],
            Grid(**done["grid"]),
            done["dates"],
            tuple(done["reference"]["xy"]),
            reference is not None,
            files,
            done["points"],
            True,
        )

    # The old record goes before any file is replaced: a run stopped half way leaves no decomposition that a
    # rerun with the old options would take for done.
    manifest.data.get("steps", {}).pop(STEP, None)
    manifest.save()
    report = progress or (lambda percent: None)
    crs, grid = common_lattice(tracks)
    dates = _common_dates(tracks)
    resamplers = [Resampler(t.grid, t.crs, grid, crs) for t in tracks]
    report(2.0)
    ref_row, ref_col = _reference_pixel(
        tracks,
        resamplers,
        dates,
        grid,
        crs,
        reference,
        reference_crs,
        lambda done: report(2.0 + 28.0 * done),
        is_canceled,
    )
    report(30.0)

    geometry = []
    for track, resample in zip(tracks, resamplers):
        with h5py.File(track.geometry, "r") as f:
            incidence, azimuth = f["incidenceAngle"][()].astype(np.float32), f["azimuthAngle"][()].astype(np.float32)
        # MintPy leaves 0 or 90 degrees where a product had no look vector: no geometry, not one to blend with.
        unknown = ~((incidence > MIN_INCIDENCE_DEG) & (incidence < MAX_INCIDENCE_DEG))
        incidence[unknown], azimuth[unknown] = np.nan, np.nan
        geometry += [resample(incidence), resample(azimuth)]  # the geometry is on the track's grid

    names = [d.strftime("%Y%m%d") for d in dates]
    profile = geotiff_profile(grid, crs)
    years = np.array([(d - dates[0]).days / 365.25 for d in dates])
    count = np.zeros((grid.height, grid.width), dtype=np.int32)
    sum_t = np.zeros((grid.height, grid.width))
    sum_tt = np.zeros((grid.height, grid.width))
    sum_v = {c: np.zeros((grid.height, grid.width)) for c in COMPONENTS}
    sum_tv = {c: np.zeros((grid.height, grid.width)) for c in COMPONENTS}
    series = [_TrackOnDates(t, r, dates) for t, r in zip(tracks, resamplers)]
    first = [s.plane(0) for s in series]
    files = {c: [] for c in COMPONENTS}
    for k, name in enumerate(names):
        check_canceled(is_canceled)
        los = []
        for s, first_plane in zip(series, first):
            values = s.plane(k) - first_plane
            los.append(values - values[ref_row, ref_col])
        east, up = decompose(los[0], los[1], *geometry)
        valid = np.isfinite(up)
        count += valid
        sum_t += np.where(valid, years[k], 0.0)
        sum_tt += np.where(valid, years[k] ** 2, 0.0)
        for component, values in zip(COMPONENTS, (up, east)):
            sum_v[component] += np.where(valid, values, 0.0)
            sum_tv[component] += np.where(valid, values * years[k], 0.0)
            path = folder.dated(component) / dated_name(names[0], name, component)
            write_float_geotiff(path, values, profile)
            files[component].append(path)
        report(30.0 + 50.0 * (k + 1) / len(names))
    for component in COMPONENTS:
        _remove_others(folder.dated(component), files[component])

    with np.errstate(invalid="ignore", divide="ignore"):
        spread = count * sum_tt - sum_t**2
        fitted = (count >= MIN_VELOCITY_DATES) & (spread > 0)
        velocity = {
            c: np.where(fitted, (count * sum_tv[c] - sum_t * sum_v[c]) / spread * 1000.0, np.nan) for c in COMPONENTS
        }
    for component in COMPONENTS:
        write_float_geotiff(folder.velocity(component), velocity[component], profile)
    report(85.0)

    rows, cols = np.nonzero(count > 0)
    x, y = grid.centre_x(cols), grid.centre_y(rows)
    write_points_gpkg(
        folder.points_gpkg,
        x,
        y,
        spatial_reference(crs).ExportToWkt(),
        columns={
            "row": rows,
            "col": cols,
            "vertical_mm_yr": velocity["vertical"][rows, cols],
            "east_mm_yr": velocity["east"][rows, cols],
        },
    )
    points = PointTable(np.arange(1, len(rows) + 1, dtype=np.int64), x, y)
    for i, component in enumerate(COMPONENTS):
        extract_values(
            points,
            folder.values_csv(component),
            geotiffs=folder.dated(component),
            points_crs=crs,
            progress=lambda percent, i=i: report(85.0 + 7.5 * i + 7.5 * percent / 100.0),
            is_canceled=is_canceled,
        )
    ref_xy = (float(grid.centre_x(ref_col)), float(grid.centre_y(ref_row)))
    manifest.record(
        STEP,
        step_signature,
        inputs={t.direction: str(t.work) for t in tracks},
        crs=crs,
        grid={"x0": grid.x0, "y0": grid.y0, "dx": grid.dx, "dy": grid.dy, "width": grid.width, "height": grid.height},
        resampled={t.direction: not r.exact for t, r in zip(tracks, resamplers)},
        dates=names,
        dates_rule=DATES_RULE,
        method=METHOD,
        reference={"xy": ref_xy, "given": reference is not None},
        velocity=f"least-squares line through each pixel's dates, mm/yr, where it has {MIN_VELOCITY_DATES} or more",
        points=len(rows),
    )
    report(100.0)
    return Decomposition(folder, crs, grid, names, ref_xy, reference is not None, files, len(rows), False)


def _remove_others(folder: Path, kept: list) -> None:
    """Per-date GeoTIFFs of an earlier decomposition (dates since dropped) go."""
    kept = set(kept)
    for path in folder.glob("*.tif"):
        if path not in kept:
            path.unlink()
