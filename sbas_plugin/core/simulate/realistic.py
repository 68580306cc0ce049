"""A realistic stack of HyP3 INSAR_GAMMA products, with the ground motion it was made from.

Why: ``core/synthetic.py`` builds an easy world (one satellite, no DEM error, no ramps, 0.3 mm of
atmosphere, noise not tied to coherence, every product covering the same ground), so an accuracy measured on
it says little about real stacks. This world carries the effects that make real SBAS results wrong, each with
a magnitude of the order seen on real Sentinel-1 data, so that a method which only looks good on easy data is
found out. The products have the names, files, GeoTIFF layout (float32, NoData 0, UTM, on the HyP3 pixel
lattice) and ``.txt`` metadata that ``synthetic.py`` writes (its writers are used here), so MintPy's
``prep_hyp3``, this project's ingest and clip read them as real ones.

Sign convention: exactly ``synthetic.py``'s. Truth is LOS displacement positive towards the satellite, and a
pair (reference, secondary) gets ``unw_phase = -4 pi / WAVELENGTH * (d_secondary - d_reference)``, which
MintPy turns back with its ``phase2range = -WAVELENGTH / (4 pi)``.

The effects (the constants below carry each magnitude):

- Acquisitions: Sentinel-1A and Sentinel-1C on one track, 6 days apart since Sentinel-1C (launched December
  2024) joined Sentinel-1A; some acquisitions are missing, so 6- and 12-day spacings mix (the 4th is always
  missing, so every stack has both). Absolute orbits satisfy MintPy 1.6.4 ``prep_hyp3``'s relative-orbit
  relations for S1A and S1C (both give relative orbit 46).
- Network: each date is paired with its next ``NEIGHBOURS`` dates; ``MISSING_PAIR_FRACTION`` of the pairs are
  missing (failed or never ordered jobs), never so many that the network falls apart.
- Perpendicular baselines: per acquisition, uniform within +-``BASELINE_SCATTER_M`` (Sentinel-1's orbital tube),
  written per pair as the ``Baseline`` key of the ``.txt`` as HyP3 does.
- DEM error: the difference between the ground and the product's DEM, ``DEM_ERROR_SMOOTH_STD_M`` smooth plus
  ``DEM_ERROR_SHARP_M`` on ``DEM_ERROR_SHARP_FRACTION`` of the pixels (buildings, clearings: GLO-30 is a surface
  model); its phase is ``B_perp * dz / (R sin(incidence))``, the term MintPy's correct_topography estimates
  (Fattahi & Amelung 2013, in Yunjun et al. 2019).
- Turbulent troposphere: a field with a power-law spectrum of exponent ``TURBULENCE_SPECTRAL_EXPONENT``
  (Kolmogorov turbulence, -8/3, as in Hanssen 2001), its std per date drawn within ``TURBULENCE_STD_M``: the
  largest error of C-band time series (Yunjun et al. 2019; Morishita et al. 2020).
- Stratified troposphere: a delay proportional to height, coefficient per date of std
  ``STRATIFIED_STD_M_PER_KM``, over a DEM with hills of a few hundred metres; the product's ``dem.tif`` is that DEM.
- Long-wavelength ramp per acquisition (orbit and ionosphere residuals): a plane of random direction whose
  slope has std ``RAMP_STD_M_PER_10KM``.
- Land-cover coherence: urban ``URBAN_COHERENCE`` and stable; vegetation decorrelating with the pair's time span
  towards a floor, faster in summer (``VEGETATION_*``; the seasonal, span-dependent coherence of the global
  Sentinel-1 coherence data set asf_search's ``estimate_s1_mean_coherence`` reads); water within
  ``WATER_COHERENCE`` and random phase (HyP3 writes unmasked phase over water unless ``apply_water_mask``).
  Each product's ``corr.tif`` is the coherence (+ ``COHERENCE_ESTIMATE_STD`` estimation noise) and its phase
  noise has the Cramer-Rao std ``sqrt(1 - g^2) / (g sqrt(2 L))`` for L = range x azimuth looks (80 for 20x4,
  20 for 10x2; Hanssen 2001 eq. 4.2.27).
- Unwrapping errors: in ``UNWRAP_ERROR_PAIR_FRACTION`` of the pairs (at least one) one whole connected
  low-coherence region (forest on the hills) is off by exactly +-2 pi, as MCF unwrapping errs (Yunjun et al.
  2019, section on unwrapping errors). HyP3 GAMMA products carry no connected components, so MintPy cannot
  correct them.
- Coverage: each product has data inside a swath whose far-range edge runs along the track (heading as in
  ``synthetic.py``) and whose along-track ends move by up to ``ALONG_TRACK_SHIFT_M`` from date to date (at most
  ``ALONG_TRACK_SHIFT_MAX_FRACTION`` of the scene); a product covers what both its dates cover and is 0 (HyP3's
  NoData) elsewhere, so pixels near the ends are in some products only. So are its DEM, look vectors and water
  mask, as HyP3 writes them (ASFHyP3/hyp3-gamma#266). A lake is 0 in ``water_mask.tif``.
- GAMMA leaves each product its own constant phase offset (see ``synthetic.py``).
- Ground motion to recover: a subsidence bowl (``BOWL_M_PER_YEAR``), a sharp-edged landslide
  (``LANDSLIDE_M_PER_YEAR``), an annual sinusoid (``SEASONAL_AMPLITUDE_M``), a step of ``STEP_M`` at the
  middle date in a sharp-edged disc, and a 3x3-pixel block (``BLOCK_M_PER_YEAR``).

Two tracks: with ``track`` ("ascending" or "descending") the same world (terrain, land cover, ground motion:
a seed's) is seen from that pass, with its own acquisitions (the ascending ones ``ASCENDING_OFFSET_DAYS`` later),
look vectors, swath and nuisance delays (the track's own draws). The motion is then on the ground: the bowl,
seasonal, step and block move vertically and the landslide slides east and down (``LANDSLIDE_EAST_M_PER_YEAR``,
``LANDSLIDE_UP_M_PER_YEAR``), and the truth keeps east and up beside the line of sight.

The truth (``truth.npz`` beside the product zips, written last, so a stack without it is unfinished): the grid,
the dates, the displacement of every pixel at every date (m, relative to the first date, before any
reference), where it is meaningful (land covered by at least one product), how many products cover each pixel,
each date's swath, the signal areas, the land cover, the low-coherence regions and which products carry an
unwrapping error.
Same seed, same stack. A 300 x 300 pixel, 30-date stack holds two float32 date cubes (about 22 MB) in memory.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from scipy import ndimage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from sbas_plugin.core.cancel import check_canceled
from sbas_plugin.core.files import replace_with
from sbas_plugin.core.grid import Grid
from sbas_plugin.core.simulate.synthetic import (
    ACQUISITION_START,
    ASCENDING_HEADING_DEG,
    ASCENDING_START,
    HEADING_DEG,
    SLANT_RANGE_FAR_M,
    SLANT_RANGE_NEAR_M,
    WAVELENGTH_M,
    _gaussian,
    _granule_name,
    _metadata_text,
    _product_name,
    _reference_point_lines,
    _smooth_noise,
    _write_tif,
    _zip_product,
    look_vectors,
)

TRUTH_NAME = "truth.npz"
EPSG = 32654
ORIGIN = (384000.0, 3952000.0)  # upper-left corner, on both the 40 m and 80 m lattices

# Acquisitions: S1A and S1C alternate every 6 days on relative orbit 46.
FIRST_DATE = dt.date(2025, 4, 4)
REVISIT_DAYS = 6
MISSING_ACQUISITION_FRACTION = 0.2
S1A_FIRST_ORBIT = 58393  # (58393 - 73) % 175 + 1 == 46, MintPy's relation for S1A
S1C_FIRST_ORBIT = 1442  # (1442 - 172) % 175 + 1 == 46, MintPy's relation for S1C up to orbit 8018
ORBITS_PER_CYCLE = 175  # 12 days of one satellite
NEIGHBOURS = 3
MISSING_PAIR_FRACTION = 0.08

BASELINE_SCATTER_M = 150.0
DEM_ERROR_SMOOTH_STD_M = 3.0
DEM_ERROR_SHARP_M = 10.0
DEM_ERROR_SHARP_FRACTION = 0.02
TURBULENCE_STD_M = (0.003, 0.008)  # range of the per-date std
TURBULENCE_SPECTRAL_EXPONENT = -8.0 / 3.0
STRATIFIED_STD_M_PER_KM = 0.012
RAMP_STD_M_PER_10KM = 0.002

URBAN_COHERENCE = 0.92
URBAN_DECAY_DAYS = 2000.0
VEGETATION_SHORT_SPAN_COHERENCE = (0.85, 0.5)  # density 0 (grass) and 1 (forest)
VEGETATION_FLOOR_COHERENCE = (0.3, 0.1)
VEGETATION_DECAY_DAYS = 40.0  # in winter
VEGETATION_SUMMER_SHORTENING = 0.6  # mid-summer decay time = 40 * (1 - 0.6) days
SUMMER_PEAK_DAY_OF_YEAR = 196
WATER_COHERENCE = (0.02, 0.12)
COHERENCE_ESTIMATE_STD = 0.02
UNWRAP_ERROR_PAIR_FRACTION = 0.04
MIN_REGION_PIXELS = 9

ALONG_TRACK_SHIFT_M = 3000.0
ALONG_TRACK_SHIFT_MAX_FRACTION = 0.12

BOWL_M_PER_YEAR = -0.05
LANDSLIDE_M_PER_YEAR = -0.10
SEASONAL_AMPLITUDE_M = 0.008
SEASONAL_PEAK_DAY_OF_YEAR = 60  # the ground is highest in early spring (aquifer recharge)
STEP_M = -0.012  # below a quarter wavelength: a 6-day pair across it unwraps
BLOCK_M_PER_YEAR = -0.06
# Two-track worlds: the landslide moves east and down on the ground; the ascending pass comes 3 days later.
LANDSLIDE_EAST_M_PER_YEAR = 0.08
LANDSLIDE_UP_M_PER_YEAR = -0.05
ASCENDING_OFFSET_DAYS = 3
TRACKS = {"descending": (HEADING_DEG, 1), "ascending": (ASCENDING_HEADING_DEG, 2)}  # heading, draw stream

URBAN, VEGETATION, WATER = 1, 2, 3
AREAS = ("bowl", "landslide", "seasonal", "step", "block")
GROUND_FIELDS = ("east_velocity", "up_velocity", "seasonal_shape", "step")


@dataclass(frozen=True)
class RealisticTruth:
    dates: list  # dt.date, ascending
    epsg: int
    transform: tuple  # GDAL geotransform, dy < 0
    displacement_m: np.ndarray  # (dates, rows, cols) float32, LOS towards the satellite, since the first date
    has_truth: np.ndarray  # bool (rows, cols): land covered by at least one product
    coverage: np.ndarray  # int16 (rows, cols): how many products have data at each pixel
    date_covered: np.ndarray  # bool (dates, rows, cols): each date's swath; a product covers both its dates'
    areas: dict  # name in AREAS -> bool (rows, cols)
    land_cover: np.ndarray  # uint8: URBAN, VEGETATION, WATER
    regions: np.ndarray  # int32 labels of the low-coherence regions unwrapping errors shift (0: none)
    product_names: list
    pairs: list  # (dt.date, dt.date) per product
    unwrap_errors: dict  # product name -> (region label, cycles)
    step_date: dt.date
    # Two-track worlds: the ground motion's fields (GROUND_FIELDS -> float32 rows x cols; ground_motion reads
    # them); None for a line-of-sight world.
    ground: dict | None = None

    @property
    def grid(self) -> Grid:
        return Grid.from_gdal(self.transform, self.displacement_m.shape[2], self.displacement_m.shape[1])


def write_realistic_stack(
    out_dir,
    seed: int = 0,
    rows: int = 120,
    cols: int = 120,
    n_dates: int = 30,
    pixel_m: int = 80,
    *,
    unwrap_errors: bool = True,
    broad_m_per_year: float = 0.0,
    track: str | None = None,
    progress: Callable[[float], None] | None = None,
    is_canceled: Callable[[], bool] | None = None,
) -> RealisticTruth:
    """Write one zipped HyP3 INSAR_GAMMA product per pair of the network, and ``truth.npz``, into ``out_dir``.
    ``unwrap_errors=False`` writes the same stack without its unwrapping errors (everything else identical).
    ``broad_m_per_year`` adds motion broader than the scene (regional subsidence, a plane from 0 at the west edge
    to that velocity at the east edge), which a per-date ramp removal takes for a ramp. ``track`` makes it a
    two-track world seen from that pass (module docstring)."""
    if pixel_m not in (40, 80):
        raise ValueError("HyP3 INSAR_GAMMA products have 40 m (10x2 looks) or 80 m (20x4 looks) pixels")
    if n_dates < 5:
        raise ValueError("a realistic stack needs at least 5 dates")
    if track is not None and track not in TRACKS:
        raise ValueError(f"track must be one of {', '.join(TRACKS)}")
    if min(rows, cols) < 30:
        raise ValueError("the scene needs at least 30 x 30 pixels to hold its signal areas")
    rng = np.random.default_rng(seed)
    shape = (rows, cols)
    transform = (ORIGIN[0], float(pixel_m), 0.0, ORIGIN[1], 0.0, -float(pixel_m))
    grid = Grid.from_gdal(transform, cols, rows)
    r, c = np.mgrid[0:rows, 0:cols].astype(np.float64)
    size = min(shape)

    # Terrain: two hills and a lake.
    dem = 15.0 + 350.0 * _gaussian(r, c, (0.18 * rows, 0.18 * cols), 0.12 * size)
    dem += 250.0 * _gaussian(r, c, (0.2 * rows, 0.8 * cols), 0.1 * size) + 3.0 * _smooth_noise(rng, shape, 3.0)
    water = ((r - 0.87 * rows) / (0.09 * rows)) ** 2 + ((c - 0.85 * cols) / (0.11 * cols)) ** 2 <= 1
    dem[water] = 2.0

    # Signal areas (LOS velocity or displacement towards the satellite).
    bowl_shape = _gaussian(r, c, (0.52 * rows, 0.52 * cols), 0.1 * size)
    along, across = _track_coordinates(r, c)
    slide_along, slide_across = _track_coordinates(np.array(0.32 * rows), np.array(0.74 * cols))
    landslide = ((along - slide_along) / (0.07 * size)) ** 2 + ((across - slide_across) / (0.04 * size)) ** 2 <= 1
    seasonal_shape = _gaussian(r, c, (0.68 * rows, 0.25 * cols), 0.08 * size)
    step = (r - 0.63 * rows) ** 2 + (c - 0.7 * cols) ** 2 <= (0.07 * size) ** 2
    block_row, block_col = int(0.4 * rows), int(0.3 * cols)
    block = np.zeros(shape, bool)
    block[block_row - 1 : block_row + 2, block_col - 1 : block_col + 2] = True
    areas = {"bowl": bowl_shape > 0.25, "landslide": landslide, "seasonal": seasonal_shape > 0.5, "step": step}
    areas = {name: mask & ~water for name, mask in areas.items()} | {"block": block}

    # Land cover: a city with the bowl, towns, forest on the hills, fields elsewhere.
    towns = (_smooth_noise(rng, shape, 0.05 * size) > 1.6) & (dem < 60)
    urban = ((r - 0.5 * rows) ** 2 + (c - 0.5 * cols) ** 2 <= (0.14 * size) ** 2) | towns
    urban |= (np.abs(r - block_row) <= 3) & (np.abs(c - block_col) <= 3)
    forest = (dem > 120) & ~landslide & ~urban
    density = np.where(forest, 0.85, np.clip(0.35 + 0.15 * _smooth_noise(rng, shape, 4.0), 0.1, 0.6))
    density[landslide] = 0.3  # the bare scarp keeps some coherence
    land_cover = np.where(water, WATER, np.where(urban, URBAN, VEGETATION)).astype(np.uint8)
    regions, n_regions = ndimage.label(forest & ~water)
    sizes = np.bincount(regions.ravel(), minlength=n_regions + 1)
    regions = np.where(sizes[regions] >= MIN_REGION_PIXELS, regions, 0)
    _, regions = np.unique(regions, return_inverse=True)  # labels 1..n, 0 stays 0 (it is the smallest)
    regions = regions.reshape(shape).astype(np.int32)
    n_regions = int(regions.max())

    heading = HEADING_DEG
    first_date = FIRST_DATE
    if track:  # the world so far is the seed's; what follows is the track's own
        heading, stream = TRACKS[track]
        rng = np.random.default_rng([seed, stream])
        first_date += dt.timedelta(days=ASCENDING_OFFSET_DAYS if track == "ascending" else 0)
        along, _ = _track_coordinates(r, c, heading)
    start_time = ASCENDING_START if track == "ascending" else ACQUISITION_START

    # Acquisitions and the pair network.
    dates, platforms, orbits = _acquisitions(rng, n_dates, first_date)
    granules = [_granule_name(d, o, rng, p, start_time) for d, o, p in zip(dates, orbits, platforms)]
    baselines = rng.uniform(-BASELINE_SCATTER_M, BASELINE_SCATTER_M, n_dates)
    pairs = _network(rng, n_dates)

    # Coverage per date: the swath's far-range edge cuts the upper-left corner, the along-track ends move.
    if math.cos(math.radians(heading)) < 0:  # descending: the far-range edge cuts the upper-left corner
        swath = c >= 0.12 * cols - r * math.tan(math.radians(heading + 180.0))
    else:  # ascending: far range is east, the edge cuts the upper-right corner
        swath = c <= 0.88 * cols + r * math.tan(math.radians(heading))
    shift_px = min(ALONG_TRACK_SHIFT_M / pixel_m, ALONG_TRACK_SHIFT_MAX_FRACTION * rows)
    ends = rng.uniform(0.0, shift_px, (n_dates, 2))
    covered = [swath & (along >= along.min() + a) & (along <= along.max() - b) for a, b in ends]

    # Ground motion (the truth) and the nuisance delays, per date.
    years = np.array([(d - FIRST_DATE).days / 365.25 for d in dates])  # the world's time, both tracks
    day_of_year = np.array([d.timetuple().tm_yday for d in dates])
    step_index = n_dates // 2
    velocity = BOWL_M_PER_YEAR * bowl_shape + LANDSLIDE_M_PER_YEAR * landslide + BLOCK_M_PER_YEAR * block
    velocity = velocity + broad_m_per_year * c / (cols - 1)
    seasonal = np.cos(2 * np.pi * (day_of_year - SEASONAL_PEAK_DAY_OF_YEAR) / 365.25)
    step_date = dates[step_index]
    if track:  # one step date for the world, whichever track sees it
        step_date = FIRST_DATE + dt.timedelta(days=REVISIT_DAYS * (n_dates // 2))
    lv_theta, lv_phi = look_vectors(grid, c, heading)
    displacement = np.empty((n_dates, rows, cols), np.float32)
    ground = None
    if track:
        up_velocity = velocity + (LANDSLIDE_UP_M_PER_YEAR - LANDSLIDE_M_PER_YEAR) * landslide
        fields = (LANDSLIDE_EAST_M_PER_YEAR * landslide, up_velocity, seasonal_shape, step)
        ground = {name: field.astype(np.float32) for name, field in zip(GROUND_FIELDS, fields)}
        ground_at = [ground_motion(ground, step_date, d) for d in dates]
    for k in range(n_dates):
        if track:  # on the ground, since the track's first date, seen in its line of sight (towards the satellite)
            east = ground_at[k][0] - ground_at[0][0]
            up = ground_at[k][1] - ground_at[0][1]
            displacement[k] = east * np.cos(lv_theta) * np.cos(lv_phi) + up * np.sin(lv_theta)
            continue
        displacement[k] = velocity * years[k] + SEASONAL_AMPLITUDE_M * seasonal_shape * (seasonal[k] - seasonal[0])
        displacement[k] += STEP_M * step * (dates[k] >= step_date)

    incidence = np.pi / 2 - lv_theta
    dem_error = DEM_ERROR_SMOOTH_STD_M * _smooth_noise(rng, shape, 0.05 * size)
    dem_error += DEM_ERROR_SHARP_M * (rng.random(shape) < DEM_ERROR_SHARP_FRACTION)
    topographic = dem_error / ((SLANT_RANGE_NEAR_M + SLANT_RANGE_FAR_M) / 2 * np.sin(incidence))
    x_km, y_km = (c - cols / 2) * pixel_m / 1000.0, (rows / 2 - r) * pixel_m / 1000.0
    delay = np.empty((n_dates, rows, cols), np.float32)
    for k in range(n_dates):
        turbulent = rng.uniform(*TURBULENCE_STD_M) * _power_law_noise(rng, shape, TURBULENCE_SPECTRAL_EXPONENT)
        stratified = rng.normal(0.0, STRATIFIED_STD_M_PER_KM) * dem / 1000.0
        azimuth = rng.uniform(0.0, 2 * np.pi)
        ramp = rng.normal(0.0, RAMP_STD_M_PER_10KM) * (x_km * np.cos(azimuth) + y_km * np.sin(azimuth)) / 10.0
        delay[k] = turbulent + stratified + ramp + baselines[k] * topographic

    # Which pairs get an unwrapping error, drawn whether or not they are written, so the rest is identical.
    draws = [(rng.random(), int(rng.integers(1, max(n_regions, 1) + 1)), int(rng.choice([-1, 1]))) for _ in pairs]
    chosen = [n for n, (u, label, _) in enumerate(draws) if u < UNWRAP_ERROR_PAIR_FRACTION]
    if not chosen and n_regions:  # at least one: MintPy 1.6.4's quick_overview crashes without any
        chosen = [min(range(len(pairs)), key=lambda n: draws[n][0])]

    looks = (pixel_m // 20) * (pixel_m // 4)  # azimuth x range looks: 4 x 20 or 2 x 10
    amplitude = 0.1 * np.exp(0.5 * _smooth_noise(rng, shape, 2.0)) * np.where(water, 0.05, 1.0)
    ref_row, ref_col = int(0.5 * rows), int(0.5 * cols)  # HyP3's unwrapping reference, in the city
    reference_point = _reference_point_lines(grid, ref_row, ref_col, EPSG)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    coverage = np.zeros(shape, np.int16)
    names, recorded_errors = [], {}
    for n, (i, j) in enumerate(pairs):
        check_canceled(is_canceled)
        span = (dates[j] - dates[i]).days
        middle = dates[i] + dt.timedelta(days=span / 2)
        coherence = _coherence(rng, land_cover, density, span, middle.timetuple().tm_yday)
        noise_std = np.sqrt(1 - coherence**2) / (coherence * np.sqrt(2 * looks))
        phase = -4 * np.pi / WAVELENGTH_M * ((displacement[j] + delay[j]) - (displacement[i] + delay[i]))
        phase += noise_std * rng.standard_normal(shape) + rng.uniform(-np.pi, np.pi)
        footprint = covered[i] & covered[j]
        label, cycles = draws[n][1], draws[n][2]
        if unwrap_errors and n in chosen and np.any((regions == label) & footprint):
            phase[regions == label] += 2 * np.pi * cycles
            recorded_errors[n] = (label, cycles)
        phase = np.where(water, rng.uniform(-np.pi, np.pi, shape), phase).astype(np.float32)
        phase[phase == 0] = 1e-6  # 0 is HyP3's NoData
        corr = np.clip(coherence + rng.normal(0.0, COHERENCE_ESTIMATE_STD, shape), 0.01, 0.99)
        coverage += footprint
        name = _product_name(granules[i], granules[j], pixel_m, rng)
        layers = {
            "unw_phase": phase * footprint,
            "corr": (corr * footprint).astype(np.float32),
            "dem": (dem * footprint).astype(np.float32),
            "lv_theta": (lv_theta * footprint).astype(np.float32),
            "lv_phi": (lv_phi * footprint).astype(np.float32),
            "amp": (amplitude * footprint).astype(np.float32),
            "water_mask": (~water & footprint).astype(np.uint8),
        }
        product_dir = out_dir / name
        product_dir.mkdir()
        for suffix, data in layers.items():
            _write_tif(product_dir / f"{name}_{suffix}.tif", data, transform, EPSG)
        reference_point["Phase at reference point"] = round(float(phase[ref_row, ref_col]), 4)
        metadata = _metadata_text(
            granules[i], granules[j], baselines[j] - baselines[i], pixel_m, reference_point, heading
        )
        (product_dir / f"{name}.txt").write_text(metadata, encoding="utf-8")
        _zip_product(product_dir)
        names.append(name)
        if progress:
            progress(100.0 * (n + 1) / len(pairs))

    truth = RealisticTruth(
        dates=dates,
        epsg=EPSG,
        transform=transform,
        displacement_m=displacement,
        has_truth=(coverage > 0) & ~water,
        coverage=coverage,
        date_covered=np.array(covered),
        areas=areas,
        land_cover=land_cover,
        regions=regions,
        product_names=names,
        pairs=[(dates[i], dates[j]) for i, j in pairs],
        unwrap_errors={names[n]: error for n, error in recorded_errors.items()},
        step_date=step_date,
        ground=ground,
    )
    save_truth(out_dir / TRUTH_NAME, truth)
    return truth


def ground_motion(ground: dict, step_date: dt.date, date: dt.date) -> tuple:
    """(east, up) in metres at ``date`` of a two-track world's ground motion (its truth's ``ground`` and
    ``step_date``), since the world's FIRST_DATE: the same for whichever track sees it."""
    years = (date - FIRST_DATE).days / 365.25
    seasonal = math.cos(2 * math.pi * (date.timetuple().tm_yday - SEASONAL_PEAK_DAY_OF_YEAR) / 365.25)
    seasonal_first = math.cos(2 * math.pi * (FIRST_DATE.timetuple().tm_yday - SEASONAL_PEAK_DAY_OF_YEAR) / 365.25)
    up = ground["up_velocity"] * years + SEASONAL_AMPLITUDE_M * ground["seasonal_shape"] * (seasonal - seasonal_first)
    up = up + STEP_M * ground["step"] * (date >= step_date)
    return ground["east_velocity"] * years, up


def _track_coordinates(rows: np.ndarray, cols: np.ndarray, heading_deg: float = HEADING_DEG) -> tuple:
    """(along-track, across-track) position in pixels: along grows in the flight direction (heading)."""
    heading = math.radians(heading_deg)
    east, south = math.sin(heading), -math.cos(heading)  # the flight direction in (col, row) units
    return rows * south + cols * east, cols * south - rows * east


def _acquisitions(rng: np.random.Generator, n_dates: int, first_date: dt.date = FIRST_DATE) -> tuple:
    """Dates, platforms ("A"/"C") and absolute orbits: S1A on even 6-day slots, S1C on odd ones; the 4th
    slot and some others missing, never two in a row (no gap longer than 12 days)."""
    dates, platforms, orbits = [], [], []
    slot, skipped = 0, False
    while len(dates) < n_dates:
        skip = slot == 3 or (slot > 3 and not skipped and rng.random() < MISSING_ACQUISITION_FRACTION)
        if not skip:
            platform = "A" if slot % 2 == 0 else "C"
            first_orbit = S1A_FIRST_ORBIT if platform == "A" else S1C_FIRST_ORBIT
            dates.append(first_date + dt.timedelta(days=REVISIT_DAYS * slot))
            platforms.append(platform)
            orbits.append(first_orbit + ORBITS_PER_CYCLE * (slot // 2))
        skipped, slot = skip, slot + 1
    return dates, platforms, orbits


def _connected(n_dates: int, pairs: list) -> bool:
    i, j = np.array(pairs).T
    graph = coo_matrix((np.ones(len(pairs)), (i, j)), shape=(n_dates, n_dates))
    return connected_components(graph, directed=False)[0] == 1


def _network(rng: np.random.Generator, n_dates: int) -> list:
    """(i, j) date indices: each date with its next NEIGHBOURS, minus missing pairs that keep it connected."""
    pairs = [(i, j) for i in range(n_dates) for j in range(i + 1, min(i + 1 + NEIGHBOURS, n_dates))]
    missing = set()
    for n in rng.permutation(len(pairs)):
        if len(missing) >= round(MISSING_PAIR_FRACTION * len(pairs)):
            break
        if _connected(n_dates, [p for k, p in enumerate(pairs) if k not in missing and k != n]):
            missing.add(int(n))
    return [p for k, p in enumerate(pairs) if k not in missing]


def _power_law_noise(rng: np.random.Generator, shape: tuple, exponent: float) -> np.ndarray:
    """Zero-mean, unit-std noise whose power spectrum falls as |k|^exponent, made on a grid twice the size so
    that its opposite edges are not forced to match."""
    big = (2 * shape[0], 2 * shape[1])
    k = np.hypot(np.fft.fftfreq(big[0])[:, None], np.fft.rfftfreq(big[1])[None, :])
    k[0, 0] = np.inf  # no mean
    field = np.fft.irfft2(np.fft.rfft2(rng.standard_normal(big)) * k ** (exponent / 2), s=big)
    field = field[: shape[0], : shape[1]]
    return (field - field.mean()) / field.std()


def _coherence(rng, land_cover: np.ndarray, density: np.ndarray, span_days: int, day_of_year: int) -> np.ndarray:
    """The pair's coherence by land cover: urban stable, vegetation decaying with the span (faster in summer)
    to a floor that is lower the denser it is, water near 0."""
    summer = 0.5 * (1 + math.cos(2 * math.pi * (day_of_year - SUMMER_PEAK_DAY_OF_YEAR) / 365.25))
    decay_days = VEGETATION_DECAY_DAYS * (1 - VEGETATION_SUMMER_SHORTENING * summer)
    short = np.interp(density, (0, 1), VEGETATION_SHORT_SPAN_COHERENCE)
    floor = np.interp(density, (0, 1), VEGETATION_FLOOR_COHERENCE)
    vegetation = floor + (short - floor) * math.exp(-span_days / decay_days)
    urban = URBAN_COHERENCE * math.exp(-span_days / URBAN_DECAY_DAYS)
    water = rng.uniform(*WATER_COHERENCE, land_cover.shape)
    return np.select([land_cover == URBAN, land_cover == WATER], [urban, water], vegetation)


def save_truth(path, truth: RealisticTruth) -> Path:
    """The truth as one ``.npz``, written whole or not at all."""
    about = {
        "dates": [d.isoformat() for d in truth.dates],
        "epsg": truth.epsg,
        "transform": list(truth.transform),
        "product_names": truth.product_names,
        "pairs": [[a.isoformat(), b.isoformat()] for a, b in truth.pairs],
        "unwrap_errors": truth.unwrap_errors,
        "step_date": truth.step_date.isoformat(),
    }
    arrays = {f"area_{name}": mask for name, mask in truth.areas.items()}
    arrays.update(
        displacement_m=truth.displacement_m,
        has_truth=truth.has_truth,
        coverage=truth.coverage,
        date_covered=truth.date_covered,
        land_cover=truth.land_cover,
        regions=truth.regions,
        about=np.array(json.dumps(about)),
    )
    if truth.ground is not None:
        arrays.update({f"ground_{name}": field for name, field in truth.ground.items()})
    return replace_with(path, lambda partial: np.savez_compressed(partial, **arrays), keep_suffix=True)


def read_truth(path) -> RealisticTruth:
    """A truth saved by ``write_realistic_stack`` (``truth.npz``)."""
    with np.load(path) as data:
        about = json.loads(str(data["about"]))
        return RealisticTruth(
            dates=[dt.date.fromisoformat(d) for d in about["dates"]],
            epsg=int(about["epsg"]),
            transform=tuple(about["transform"]),
            displacement_m=data["displacement_m"],
            has_truth=data["has_truth"],
            coverage=data["coverage"],
            date_covered=data.get("date_covered"),  # None: a truth written before it was kept
            areas={name: data[f"area_{name}"] for name in AREAS},
            land_cover=data["land_cover"],
            regions=data["regions"],
            product_names=about["product_names"],
            pairs=[(dt.date.fromisoformat(a), dt.date.fromisoformat(b)) for a, b in about["pairs"]],
            unwrap_errors={name: tuple(error) for name, error in about["unwrap_errors"].items()},
            step_date=dt.date.fromisoformat(about["step_date"]),
            ground={name: data[f"ground_{name}"] for name in GROUND_FIELDS} if "ground_step" in data.files else None,
        )
