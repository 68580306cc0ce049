"""Vertical and east–west motion from an ascending and a descending line of sight over the same ground, the
standard two-track decomposition with north–south neglected (the method of MintPy's asc_desc2horz_vert.py):
each pixel's two line-of-sight values are two equations in east and up, solved exactly with that pixel's
geometry.

Geometry is MintPy's (geometryGeo.h5): incidenceAngle, from the vertical, and azimuthAngle, of the vector
from the ground to the satellite, measured from north, anticlockwise positive; both in degrees. A line-of-sight
value is positive towards the satellite (MintPy's sign: uplift is positive on both tracks)."""

from typing import Tuple

import numpy as np

# Below this |determinant| the two lines of sight nearly coincide in the east-up plane: no solution.
MIN_DETERMINANT = 0.05


def los_unit_east_up(incidence_deg, azimuth_deg) -> Tuple[np.ndarray, np.ndarray]:
    """The east and up components of the unit vector from the ground to the satellite: a motion (east, north,
    up) is seen in the line of sight as east * e + north * n + up * u."""
    incidence, azimuth = np.deg2rad(incidence_deg), np.deg2rad(azimuth_deg)
    return -np.sin(incidence) * np.sin(azimuth), np.cos(incidence)


def decompose(
    ascending, descending, ascending_incidence, ascending_azimuth, descending_incidence, descending_azimuth
) -> Tuple[np.ndarray, np.ndarray]:
    """(east, up) from the two tracks' line-of-sight values (any shape, e.g. dates x rows x cols or a
    velocity map) and each track's geometry (broadcast against them, e.g. rows x cols). NaN where either
    track has no value or their lines of sight cannot be told apart."""
    east_a, up_a = los_unit_east_up(ascending_incidence, ascending_azimuth)
    east_d, up_d = los_unit_east_up(descending_incidence, descending_azimuth)
    determinant = east_a * up_d - east_d * up_a
    determinant = np.where(np.abs(determinant) < MIN_DETERMINANT, np.nan, determinant)
    ascending, descending = np.asarray(ascending, dtype=np.float64), np.asarray(descending, dtype=np.float64)
    east = (ascending * up_d - descending * up_a) / determinant
    up = (east_a * descending - east_d * ascending) / determinant
    return east, up


# How the two tracks' dates are brought together, said in the decomposition's output.
DATES_RULE = (
    "dates: every acquisition date of either track inside the span both tracks cover; each track's series is "
    "interpolated linearly in time at the dates it lacks (never extrapolated), then both are referred to the "
    "first common date"
)


def to_common_dates(ascending_dates, ascending, descending_dates, descending) -> Tuple[list, np.ndarray, np.ndarray]:
    """(the common dates, ascending and descending series on them, both zero at the first) from each track's
    dates (datetime.date, increasing) and series (dates x ...). DATES_RULE says how."""
    start = max(ascending_dates[0], descending_dates[0])
    end = min(ascending_dates[-1], descending_dates[-1])
    if start >= end:
        raise ValueError(
            f"the tracks share no time span (ascending {ascending_dates[0]}–{ascending_dates[-1]}, "
            f"descending {descending_dates[0]}–{descending_dates[-1]})"
        )
    dates = sorted({d for d in (*ascending_dates, *descending_dates) if start <= d <= end})
    on_dates = []
    for track_dates, series in ((ascending_dates, ascending), (descending_dates, descending)):
        values = _interpolated(track_dates, np.asarray(series, dtype=np.float64), dates)
        on_dates.append(values - values[0])
    return dates, on_dates[0], on_dates[1]


def interpolation_weights(track_dates, dates) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(before, after, weight): a track's series at `dates` is (1 - weight) * series[before] + weight *
    series[after], with weight exactly 0 or 1 on the track's own dates (datetime.date, both increasing;
    `dates` inside the track's span)."""
    days = np.array([(d - track_dates[0]).days for d in track_dates], dtype=np.float64)
    wanted = np.array([(d - track_dates[0]).days for d in dates], dtype=np.float64)
    after = np.clip(np.searchsorted(days, wanted, side="left"), 1, len(days) - 1)  # days[after-1] <= t <= days[after]
    before = after - 1
    return before, after, (wanted - days[before]) / (days[after] - days[before])


def blend(before_values, after_values, weight: float) -> np.ndarray:
    """One date of a track from its two neighbours; on a track's own date its value alone, not a blend with a
    neighbour that may be missing."""
    if weight == 0.0:
        return np.asarray(before_values, dtype=np.float64)
    if weight == 1.0:
        return np.asarray(after_values, dtype=np.float64)
    return (1.0 - weight) * np.asarray(before_values, dtype=np.float64) + weight * np.asarray(after_values)


def _interpolated(track_dates, series: np.ndarray, dates) -> np.ndarray:
    before, after, weight = interpolation_weights(track_dates, dates)
    return np.stack([blend(series[b], series[a], w) for b, a, w in zip(before, after, weight)])
