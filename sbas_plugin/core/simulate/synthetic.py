"""A small synthetic stack of HyP3 INSAR_GAMMA products with known ground truth.

Why: tests and the offline demo need real-looking HyP3 input (same names, files, GeoTIFF layout and
``.txt`` metadata that MintPy's ``prep_hyp3`` reads) without network access, and a truth to compare
MintPy's result with.

Sign convention (the one MintPy assumes for HyP3): a positive unwrapped phase is a range increase,
i.e. motion away from the satellite. MintPy turns phase into LOS displacement with
``phase2range = -1 * WAVELENGTH / (4 * pi)`` (``mintpy/ifgram_inversion.py``), so its time series and
``velocity.h5`` are positive towards the satellite. The generator therefore writes, for a pair
(reference, secondary), ``unw_phase = -4 * pi / WAVELENGTH * (d_secondary - d_reference)`` with ``d``
the LOS displacement towards the satellite, and MintPy's velocity equals ``velocity_m_per_year``
(up to the constant of its reference pixel).

Every product is on the identical grid (same origin and shape), so MintPy can load the stack as is;
real stacks differ in extent and must be clipped to a common one first.

One product carries a one-cycle unwrapping error on 3x3 decorrelated land pixels: real stacks always
have some, and MintPy 1.6.4's quick_overview step crashes on a stack without any. MintPy run without
unwrapping-error correction misses the truth on those pixels.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from rasterio.crs import CRS
from rasterio.transform import Affine
from rasterio.warp import transform as reproject_points

from sbas_plugin.core.grid import Grid

# MintPy's own constants (mintpy.constants.SPEED_OF_LIGHT / mintpy.objects.sensor.SEN carrier frequency),
# so phase -> metres is exactly the conversion MintPy applies.
WAVELENGTH_M = 299792458 / 5.405e9

FIRST_DATE = dt.date(2020, 1, 3)
REVISIT_DAYS = 12  # one Sentinel-1 satellite
NEIGHBOURS = 2  # each date is paired with the next two: a connected SBAS network

# A descending Sentinel-1A pass (relative orbit 46) over the Kanto plain, as in real products.
ACQUISITION_START = dt.time(20, 46, 8, 523411)
SLICE_SECONDS = 27
HEADING_DEG = -167.3
# The ascending pass over the same ground (relative orbit 39), for two-track worlds.
ASCENDING_START = dt.time(8, 41, 32, 117036)
ASCENDING_HEADING_DEG = -12.7
FIRST_ABSOLUTE_ORBIT = 30568  # (30568 - 73) % 175 + 1 == 46, the relation MintPy uses for S1A
ORBITS_PER_REVISIT = 175
SPACECRAFT_HEIGHT_M = 693000.0
EARTH_RADIUS_AT_NADIR_M = 6370968.5
SLANT_RANGE_NEAR_M, SLANT_RANGE_FAR_M = 799136.2, 957113.2
INCIDENCE_CENTRE_DEG = 39.0
INCIDENCE_PER_KM_EAST_DEG = -0.06  # the IW swath spans ~31-46 deg over ~250 km; far range is west

ATMOSPHERE_STD_M = 0.3e-3  # per-date tropospheric-like delay, small so an 8-date velocity stays testable
BASELINE_STD_M = 50.0
SHARP_FEATURE_M_PER_YEAR = 0.02  # small enough that a 12-day pair stays far below a phase cycle


@dataclass(frozen=True)
class SyntheticTruth:
    """What the stack was built from. ``velocity_m_per_year`` is NaN where the products carry no
    signal (outside the swath footprint and over water)."""

    dates: list[dt.date]
    pairs: list[tuple[dt.date, dt.date]]
    product_names: list[str]  # in the order of ``pairs``
    epsg: int
    transform: tuple[float, float, float, float, float, float]  # GDAL geotransform, dy < 0
    shape: tuple[int, int]  # rows, cols
    velocity_m_per_year: np.ndarray  # float32, LOS, positive towards the satellite
    sharp_feature: list[tuple[float, float]]  # (x, y) centres of the 2x2 pixels of a sharp sinkhole


def write_synthetic_stack(
    out_dir: str | Path,
    *,
    n_dates: int = 8,
    shape: tuple[int, int] = (60, 80),
    epsg: int = 32654,
    origin: tuple[float, float] = (384000.0, 3952000.0),
    pixel_size: float = 80.0,
    seed: int = 0,
    zipped: bool = False,
    max_shift_px: int = 0,
) -> SyntheticTruth:
    """Write one HyP3 INSAR_GAMMA product per SBAS pair into ``out_dir`` and return the truth.

    ``origin`` is the upper-left corner of the grid; like real HyP3 products it must lie on the
    pixel lattice. With ``zipped`` each product is a ``<name>.zip`` holding ``<name>/`` as HyP3
    ships it, instead of the unpacked folder. With ``max_shift_px`` each product's footprint is
    shifted by up to that many pixels in x and y, as real frames of one track are; the truth then
    covers the union of the footprints (its ``transform`` and ``shape``), and ``origin`` is its corner.
    """
    if pixel_size not in (40.0, 80.0):
        raise ValueError("HyP3 INSAR_GAMMA products have 40 m (10x2 looks) or 80 m (20x4 looks) pixels")
    if origin[0] % pixel_size or origin[1] % pixel_size:
        raise ValueError(f"origin {origin} is not a multiple of the pixel size {pixel_size}")
    if n_dates < 2:
        raise ValueError("a stack needs at least two dates")

    rng = np.random.default_rng(seed)
    product_rows, product_cols = shape
    margin = 2 * max_shift_px
    shape = n_rows, n_cols = product_rows + margin, product_cols + margin
    transform = (origin[0], pixel_size, 0.0, origin[1], 0.0, -pixel_size)
    grid = Grid.from_gdal(transform, n_cols, n_rows)
    rows, cols = np.mgrid[0:n_rows, 0:n_cols].astype(np.float64)
    size = min(shape)

    # The swath's far-range edge runs parallel to the descending track, cutting the upper-left corner.
    track_tilt = math.tan(math.radians(HEADING_DEG + 180.0))
    footprint = cols >= 0.2 * n_cols - rows * track_tilt
    lake_y, lake_x = (rows - 0.8 * n_rows) / (0.1 * n_rows), (cols - 0.8 * n_cols) / (0.12 * n_cols)
    water = lake_y**2 + lake_x**2 <= 1
    city = (rows >= 0.1 * n_rows) & (rows < 0.3 * n_rows) & (cols >= 0.6 * n_cols) & (cols < 0.85 * n_cols)
    # 3x3 pixels of decorrelating farmland, where one product gets an unwrapping error.
    field = (np.abs(rows - 0.85 * n_rows) <= 1) & (np.abs(cols - 0.4 * n_cols) <= 1)
    has_signal = footprint & ~water

    # A subsidence bowl (away from the satellite), a smaller uplift and a regional east-west gradient,
    # so that every pixel moves relative to any reference and a sign error cannot hide.
    velocity = -0.040 * _gaussian(rows, cols, (0.55 * n_rows, 0.55 * n_cols), 0.12 * size)
    velocity += 0.015 * _gaussian(rows, cols, (0.7 * n_rows, 0.25 * n_cols), 0.1 * size)
    velocity += 0.010 * (cols / n_cols - 0.5)
    # A 2x2-pixel sinkhole: a half- or one-pixel shift anywhere in the chain moves it off its points.
    sharp_row, sharp_col = int(0.45 * n_rows), int(0.35 * n_cols)
    velocity[sharp_row : sharp_row + 2, sharp_col : sharp_col + 2] -= SHARP_FEATURE_M_PER_YEAR

    dem = 20.0 + 300.0 * _gaussian(rows, cols, (0.3 * n_rows, 0.3 * n_cols), 0.2 * size)
    dem += 2.0 * _smooth_noise(rng, shape, 3.0)
    dem[water] = 1.5
    lv_theta, lv_phi = look_vectors(grid, cols)
    amplitude = 0.1 * np.exp(0.5 * _smooth_noise(rng, shape, 2.0)) * np.where(water, 0.05, 1.0) * footprint
    land_coherence = np.where(city, 0.985, 0.7 + 0.15 * np.tanh(_smooth_noise(rng, shape, 4.0)))
    land_coherence[field] = 0.3

    dates = [FIRST_DATE + dt.timedelta(days=REVISIT_DAYS * i) for i in range(n_dates)]
    years = np.array([(d - FIRST_DATE).days / 365.25 for d in dates])
    los_m = [velocity * t + ATMOSPHERE_STD_M * _smooth_noise(rng, shape, 10.0) for t in years]
    granules = [_granule_name(d, FIRST_ABSOLUTE_ORBIT + ORBITS_PER_REVISIT * i, rng) for i, d in enumerate(dates)]
    baselines = rng.normal(0.0, BASELINE_STD_M, n_dates)

    geometry = {"dem": dem, "lv_theta": lv_theta, "lv_phi": lv_phi, "amp": amplitude}
    ref_row, ref_col = int(0.2 * n_rows), int(0.7 * n_cols)  # HyP3's unwrapping reference, in the city
    ref_point = _reference_point_lines(grid, ref_row, ref_col, epsg)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pairs, names = [], []
    for i in range(n_dates):
        for j in range(i + 1, min(i + 1 + NEIGHBOURS, n_dates)):
            name = _product_name(granules[i], granules[j], pixel_size, rng)
            days = (dates[j] - dates[i]).days
            # GAMMA removes only whole cycles at its reference point, so each product keeps its own offset.
            phase = -4 * np.pi / WAVELENGTH_M * (los_m[j] - los_m[i]) + rng.uniform(-np.pi, np.pi)
            if (i, j) == (0, 2):
                # Real stacks always hold some unwrapping errors, and MintPy 1.6.4's quick_overview
                # crashes on a stack without any (a zero-bin histogram of phase-closure ambiguities).
                phase[field] += 2 * np.pi
            phase = np.where(water, rng.uniform(-np.pi, np.pi, shape), phase).astype(np.float32)
            phase[phase == 0] = 1e-6  # 0 is HyP3's NoData
            decorrelated = land_coherence * 0.97 ** (days / REVISIT_DAYS)
            coherence = np.where(water, rng.uniform(0.05, 0.25, shape), decorrelated)
            coherence = np.clip(coherence + rng.normal(0.0, 0.02, shape), 0.05, 0.99)
            layers = {"unw_phase": phase * footprint, "corr": coherence * footprint, **geometry}
            layers["water_mask"] = (~water).astype(np.uint8)

            # The product is a window of the scene, shifted like real frames of one track.
            down, right = (int(v) for v in rng.integers(0, margin + 1, 2)) if margin else (0, 0)
            window = np.s_[down : down + product_rows, right : right + product_cols]
            product_transform = (
                origin[0] + right * pixel_size,
                pixel_size,
                0.0,
                origin[1] - down * pixel_size,
                0.0,
                -pixel_size,
            )
            product_dir = out_dir / name
            product_dir.mkdir()
            for suffix, data in layers.items():
                dtype = np.uint8 if suffix == "water_mask" else np.float32
                _write_tif(product_dir / f"{name}_{suffix}.tif", data[window].astype(dtype), product_transform, epsg)
            ref_point["Phase at reference point"] = round(float(phase[ref_row, ref_col]), 4)
            metadata = _metadata_text(granules[i], granules[j], baselines[j] - baselines[i], pixel_size, ref_point)
            (product_dir / f"{name}.txt").write_text(metadata, encoding="utf-8")
            if zipped:
                _zip_product(product_dir)
            pairs.append((dates[i], dates[j]))
            names.append(name)

    return SyntheticTruth(
        dates=dates,
        pairs=pairs,
        product_names=names,
        epsg=epsg,
        transform=transform,
        shape=(n_rows, n_cols),
        velocity_m_per_year=np.where(has_signal, velocity, np.nan).astype(np.float32),
        sharp_feature=[
            (float(grid.centre_x(c)), float(grid.centre_y(r)))
            for r in (sharp_row, sharp_row + 1)
            for c in (sharp_col, sharp_col + 1)
        ],
    )


def _gaussian(rows: np.ndarray, cols: np.ndarray, centre: tuple[float, float], sigma: float) -> np.ndarray:
    return np.exp(-((rows - centre[0]) ** 2 + (cols - centre[1]) ** 2) / (2 * sigma**2))


def _smooth_noise(rng: np.random.Generator, shape: tuple[int, int], scale_px: float) -> np.ndarray:
    """Zero-mean, unit-std noise correlated over about ``scale_px`` pixels (Gaussian low-pass)."""
    freq_y = np.fft.fftfreq(shape[0])[:, None]
    freq_x = np.fft.rfftfreq(shape[1])[None, :]
    low_pass = np.exp(-2 * (np.pi * scale_px) ** 2 * (freq_x**2 + freq_y**2))
    field = np.fft.irfft2(np.fft.rfft2(rng.standard_normal(shape)) * low_pass, s=shape)
    return (field - field.mean()) / field.std()


def _granule_name(
    date: dt.date, orbit: int, rng: np.random.Generator, platform: str = "A", start_time: dt.time = ACQUISITION_START
) -> str:
    """A 67-character Sentinel-1 (A by default) IW SLC scene name for the date's pass on absolute orbit ``orbit``."""
    start = dt.datetime.combine(date, start_time)
    stop = start + dt.timedelta(seconds=SLICE_SECONDS)
    datatake = int(rng.integers(0x010000, 0xFFFFFF))
    product_id = int(rng.integers(0, 0xFFFF))
    return (
        f"S1{platform}_IW_SLC__1SDV_{start:%Y%m%dT%H%M%S}_{stop:%Y%m%dT%H%M%S}_{orbit:06d}_{datatake:06X}"
        f"_{product_id:04X}"
    )


def look_vectors(grid: Grid, cols: np.ndarray, heading_deg: float = HEADING_DEG) -> tuple[np.ndarray, np.ndarray]:
    """HyP3's lv_theta and lv_phi (radians) at columns ``cols`` (a 2-D grid of column indices): the look
    vector from ground to satellite, theta from the horizontal, phi from east anticlockwise. The radar looks
    right of the heading: far range (larger incidence) is west on a descending pass, east on an ascending one."""
    far_range_west = math.cos(math.radians(heading_deg)) < 0
    per_km_east = INCIDENCE_PER_KM_EAST_DEG if far_range_west else -INCIDENCE_PER_KM_EAST_DEG
    incidence_deg = INCIDENCE_CENTRE_DEG + per_km_east * (grid.centre_x(cols) - grid.centre_x(grid.width / 2)) / 1000.0
    phi_deg = (180.0 - heading_deg + 180.0) % 360.0 - 180.0  # 180 - heading, wrapped to [-180, 180)
    return np.radians(90.0 - incidence_deg), np.full(cols.shape, math.radians(phi_deg))


def _product_name(reference: str, secondary: str, pixel_size: float, rng: np.random.Generator) -> str:
    """HyP3's INSAR_GAMMA name: platforms, start times, polarisation, precise orbits, days, spacing, id."""
    days = (_start_time(secondary) - _start_time(reference)).days
    product_id = int(rng.integers(0, 0xFFFF))
    return (
        f"S1{reference[2]}{secondary[2]}_{reference[17:32]}_{secondary[17:32]}_VVP{days:03d}"
        f"_INT{int(pixel_size)}_G_ueF_{product_id:04X}"
    )


def _start_time(granule: str) -> dt.datetime:
    return dt.datetime.strptime(granule[17:32], "%Y%m%dT%H%M%S")


def _absolute_orbit(granule: str) -> int:
    return int(granule.split("_")[-3])


def _write_tif(path: Path, data: np.ndarray, transform: tuple[float, ...], epsg: int) -> None:
    profile = {
        "driver": "GTiff",
        "width": data.shape[1],
        "height": data.shape[0],
        "count": 1,
        "dtype": data.dtype.name,
        "crs": CRS.from_epsg(epsg),
        "transform": Affine.from_gdal(*transform),
        "nodata": 0,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)


def _reference_point_lines(grid: Grid, row: int, col: int, epsg: int) -> dict[str, object]:
    """The ``.txt`` lines locating HyP3's unwrapping reference point; its phase is filled per product."""
    x, y = float(grid.centre_x(col)), float(grid.centre_y(row))
    (lon,), (lat,) = reproject_points(CRS.from_epsg(epsg), CRS.from_epsg(4326), [x], [y])
    return {
        "Phase at reference point": None,
        "Azimuth line of the reference point in SAR space": 1200 + row,
        "Range pixel of the reference point in SAR space": 800 + col,
        "Y coordinate of the reference point in the map projection": y,
        "X coordinate of the reference point in the map projection": x,
        "Latitude of the reference point (WGS84)": round(lat, 7),
        "Longitude of the reference point (WGS84)": round(lon, 7),
    }


def _metadata_text(
    reference: str,
    secondary: str,
    baseline_m: float,
    pixel_size: float,
    reference_point: dict[str, object],
    heading_deg: float = HEADING_DEG,
) -> str:
    """The ``<name>.txt`` parameter file, with the keys and order of hyp3-gamma's make_parameter_file."""
    azimuth_looks = int(pixel_size) // 20
    ascending = math.cos(math.radians(heading_deg)) > 0
    direction = "ASCENDING" if ascending else "DESCENDING"
    start = ASCENDING_START if ascending else ACQUISITION_START  # every date is the same pass, at one time of day
    lines = {
        "Reference Granule": reference,
        "Secondary Granule": secondary,
        "Reference Pass Direction": direction,
        "Reference Orbit Number": _absolute_orbit(reference),
        "Secondary Pass Direction": direction,
        "Secondary Orbit Number": _absolute_orbit(secondary),
        "Baseline": round(baseline_m, 4),
        "UTC time": start.hour * 3600 + start.minute * 60 + start.second + start.microsecond / 1e6,
        "Heading": heading_deg,
        "Spacecraft height": SPACECRAFT_HEIGHT_M,
        "Earth radius at nadir": EARTH_RADIUS_AT_NADIR_M,
        "Slant range near": SLANT_RANGE_NEAR_M,
        "Slant range center": (SLANT_RANGE_NEAR_M + SLANT_RANGE_FAR_M) / 2,
        "Slant range far": SLANT_RANGE_FAR_M,
        "Range looks": 5 * azimuth_looks,
        "Azimuth looks": azimuth_looks,
        "INSAR phase filter": "adf",
        "Phase filter parameter": 0.6,
        "Resolution of output (m)": 20 * azimuth_looks,
        "Range bandpass filter": "no",
        "Azimuth bandpass filter": "no",
        "DEM source": "GLO-30",
        "DEM resolution (m)": 40 * azimuth_looks,
        "Unwrapping type": "mcf",
        **reference_point,
        "Unwrapping threshold": "none",
        "Speckle filter": "no",
    }
    return "".join(f"{key}: {value}\n" for key, value in lines.items())


def _zip_product(product_dir: Path) -> None:
    """Replace the folder by ``<name>.zip`` with the single top-level folder ``<name>/`` inside."""
    with zipfile.ZipFile(product_dir.with_suffix(".zip"), "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(product_dir.iterdir()):
            archive.write(path, f"{product_dir.name}/{path.name}")
    shutil.rmtree(product_dir)


def synthetic_look_angles(truth: SyntheticTruth, cols) -> tuple[np.ndarray, float]:
    """MintPy's incidenceAngle at columns ``cols`` of the truth's grid (degrees; it varies across the scene
    as the products' lv_theta does) and its azimuthAngle (ground-to-satellite, from north anticlockwise),
    which MintPy derives from lv_theta and lv_phi as 90 - theta and phi - 90."""
    dx, n_cols = truth.transform[1], truth.shape[1]
    incidence = INCIDENCE_CENTRE_DEG + INCIDENCE_PER_KM_EAST_DEG * (np.asarray(cols, dtype=np.float64) - n_cols / 2) * (
        dx / 1000.0
    )
    phi_deg = (180.0 - HEADING_DEG + 180.0) % 360.0 - 180.0
    return incidence, phi_deg - 90.0


def write_synthetic_benchmarks(
    path: str | Path,
    truth: SyntheticTruth,
    pixels: list[tuple[int, int]],
    kind: str = "levelling",
    *,
    noise_m: float = 0.001,
    interval_days: int = 30,
    seed: int = 0,
    wrong: str | None = None,
) -> Path:
    """A benchmarks CSV for ``sbas validate``: one benchmark ``BM01``, ``BM02``, ... at the centre of each
    (row, col) of the truth's grid, moving as the truth's LOS velocity says, surveyed every ``interval_days``
    from 5 days before the first SAR date until past the last (monthly surveys never fall on a 12-day SAR
    date), each value with Gaussian noise of standard deviation ``noise_m``.

    Levelling (``id,x,y,date,height``): an arbitrary height of the mark plus LOS / cos(incidence).
    GNSS (``id,x,y,date,height,east,north,up``): east and north at a random rate per benchmark, up solved so
    that MintPy's enu2los of (east, north, up) is the LOS truth; height is the mark's height plus up.
    ``wrong`` ("sign": -LOS / cos(incidence); "cos": LOS taken as vertical) writes levelling with a wrong
    conversion, for tests that must catch one."""
    if kind not in ("levelling", "gnss"):
        raise ValueError(f"kind {kind!r} is not levelling or gnss")
    if wrong not in (None, "sign", "cos") or (wrong and kind != "levelling"):
        raise ValueError(f"wrong={wrong!r}: only levelling can be written with the 'sign' or 'cos' error")
    rng = np.random.default_rng(seed)
    grid = Grid.from_gdal(truth.transform, truth.shape[1], truth.shape[0])
    first, last = truth.dates[0], truth.dates[-1]
    dates = [
        first + dt.timedelta(days=-5 + interval_days * k)
        for k in range(math.ceil(((last - first).days + 5) / interval_days) + 1)
    ]
    years = np.array([(d - first).days / 365.25 for d in dates])
    header = ["id", "x", "y", "date", "height"] + (["east", "north", "up"] if kind == "gnss" else [])
    lines = [",".join(header)]
    for number, (row, col) in enumerate(pixels, start=1):
        velocity = float(truth.velocity_m_per_year[row, col])
        if not np.isfinite(velocity):
            raise ValueError(f"pixel ({row}, {col}) has no truth (outside the swath or on water)")
        incidence, azimuth = synthetic_look_angles(truth, col)
        inc, az = math.radians(float(incidence)), math.radians(azimuth)
        los = velocity * years
        mark_height = rng.uniform(5.0, 50.0)
        if kind == "levelling":
            up = {None: los / math.cos(inc), "sign": -los / math.cos(inc), "cos": los}[wrong]
            columns = [mark_height + up + rng.normal(0.0, noise_m, len(dates))]
        else:
            east = rng.uniform(-0.01, 0.01) * years
            north = rng.uniform(-0.01, 0.01) * years
            # MintPy's enu2los: los = -e sin(inc) sin(az) + n sin(inc) cos(az) + u cos(inc); solved for u
            up = (los + east * math.sin(inc) * math.sin(az) - north * math.sin(inc) * math.cos(az)) / math.cos(inc)
            east, north, up = (v + rng.normal(0.0, noise_m, len(dates)) for v in (east, north, up))
            columns = [mark_height + up, east, north, up]
        x, y = float(grid.centre_x(col)), float(grid.centre_y(row))
        for i, date in enumerate(dates):
            values = ",".join(f"{column[i]:.6f}" for column in columns)
            lines.append(f"BM{number:02d},{x:.3f},{y:.3f},{date.isoformat()},{values}")
    path = Path(path)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
