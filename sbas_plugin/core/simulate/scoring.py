"""Honest scores of a time series against a realistic stack's truth (``core/realistic.py``).

What the users get is scored, at the users' points: ``points.csv`` + ``Geotiff_value.csv`` of an ``sbas run``,
or a MintPy folder run by hand (its ``timeseries*.h5`` read at the same points), with the same arithmetic.

Honest means:
- only points where the truth means something (land covered by a product) are scored; the others are counted
  as ``no_truth``; points with an empty value at some date are counted as ``no_value``, never scored as 0 error;
- every time series is relative to some reference pixel and date, the truth to neither: at each date the mean
  difference over the scored points (the datum) is removed, which removes the reference pixel's own motion and
  any reference date, and nothing else;
- besides the RMS over all points and dates, the velocity error (a least-squares line through each series, the
  mean difference removed) and the RMS in each signal area, so that a filter smoothing away the step, the
  seasonal motion or the sharp block shows up even where the overall RMS hardly moves. An area's error is taken
  relative to its surroundings (a ring ``AROUND_PX`` pixels wide): what InSAR measures well is motion relative to
  nearby ground, while the atmosphere of the dates, correlated over kilometres, dominates the overall RMS of a
  stack without tropospheric correction (a few mm per date: often more than the motion of a few months);
- the step's size as the result shows it: across the date where the true step area moves most against its ring,
  the area's mean less the ring's, against the truth's. A filter that smooths in time shrinks it even where
  the RMS gets better.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import ndimage

from sbas_plugin.core.dates import parse_date
from sbas_plugin.core.results.extract import read_timeseries_h5_series
from sbas_plugin.core.results.mintpy_files import find_timeseries
from sbas_plugin.core.results.points import PointTable, read_points_csv
from sbas_plugin.core.results.wide_table import read_wide_table
from sbas_plugin.core.simulate.realistic import RealisticTruth
from sbas_plugin.core.workfolder import WorkFolder

AROUND_PX = 3  # width of the ring around a signal area its error is measured against
STEP_AREA = "step"


@dataclass(frozen=True)
class Score:
    rms_mm: float  # displacement error over every scored point and date, datum removed
    points: int  # scored: with truth and a value at every date
    dates: int
    velocity_rms_mm_per_year: float
    area_rms_mm: dict  # signal area -> RMS (mm) over its points and dates, relative to its ring; NaN: no points
    area_points: dict  # signal area -> scored points in it
    no_value: int  # points with truth but an empty value at some date
    no_truth: int  # points on water or on ground no product covers
    step_true_mm: float = float("nan")  # the step area's jump against its ring in the truth; NaN: no step area
    step_measured_mm: float = float("nan")  # the same jump in the result

    def lines(self) -> list:
        areas = ", ".join(
            f"{name} {rms:.1f} mm ({self.area_points[name]} pts)" for name, rms in self.area_rms_mm.items()
        )
        return [
            f"accuracy: {self.rms_mm:.2f} mm RMS over {self.points} points x {self.dates} dates "
            "(datum removed per date)",
            f"velocity: {self.velocity_rms_mm_per_year:.2f} mm/yr RMS",
            f"areas (relative to their surroundings): {areas}",
            f"step across its date: {self.step_measured_mm:.1f} mm, truth {self.step_true_mm:.1f} mm",
            f"not scored: {self.no_value} points without a value on some date, {self.no_truth} without truth",
        ]


def score_arrays(measured, expected, years, has_truth, areas: dict, surroundings: dict) -> Score:
    """Score ``measured`` against ``expected`` (dates x points, metres; any reference), at dates ``years``
    (decimal years, any origin); ``has_truth``, each area of ``areas`` and each ring of ``surroundings`` (the
    same names) are one bool per point."""
    measured, expected = np.asarray(measured, np.float64), np.asarray(expected, np.float64)
    years, has_truth = np.asarray(years, np.float64), np.asarray(has_truth, bool)
    if measured.shape != expected.shape or measured.shape != (len(years), len(has_truth)):
        raise ValueError(f"measured {measured.shape} and truth {expected.shape} are not dates x points alike")
    complete = np.isfinite(measured).all(axis=0)
    scored = has_truth & complete
    if not scored.any():
        raise ValueError("no point has both truth and a value at every date: nothing to score")
    error = measured[:, scored] - expected[:, scored]
    error -= error.mean(axis=1, keepdims=True)  # the datum: reference pixel and reference date
    centred = years - years.mean()
    slope_error = centred @ error / (centred @ centred) if len(years) > 1 else np.zeros(error.shape[1])
    slope_error -= slope_error.mean()
    area_rms, area_points, step = {}, {}, (float("nan"), float("nan"))
    for name, mask in areas.items():
        inside, around = np.asarray(mask, bool)[scored], np.asarray(surroundings[name], bool)[scored]
        area_points[name] = int(inside.sum())
        if inside.any() and around.any():
            area_rms[name] = _rms_mm(error[:, inside] - error[:, around].mean(axis=1, keepdims=True))
            if name == STEP_AREA and len(years) > 1:
                step = _jumps_mm(measured[:, scored], expected[:, scored], inside, around)
        else:
            area_rms[name] = float("nan")
    return Score(
        rms_mm=_rms_mm(error),
        points=int(scored.sum()),
        dates=len(years),
        velocity_rms_mm_per_year=_rms_mm(slope_error),
        area_rms_mm=area_rms,
        area_points=area_points,
        no_value=int((has_truth & ~complete).sum()),
        no_truth=int((~has_truth).sum()),
        step_true_mm=step[0],
        step_measured_mm=step[1],
    )


def _jumps_mm(measured, expected, inside, around) -> tuple:
    """(true, measured) jump of the area against its ring across the date the truth jumps most."""
    true = expected[:, inside].mean(axis=1) - expected[:, around].mean(axis=1)
    seen = measured[:, inside].mean(axis=1) - measured[:, around].mean(axis=1)
    k = int(np.argmax(np.abs(np.diff(true)))) + 1
    return float((true[k] - true[k - 1]) * 1000.0), float((seen[k] - seen[k - 1]) * 1000.0)


def _rms_mm(values: np.ndarray) -> float:
    return float(np.sqrt(np.mean(values**2)) * 1000.0)


def score_points(points: PointTable, dates: list, values, truth: RealisticTruth) -> Score:
    """Score ``values`` (dates x points, metres) at ``dates`` (YYYYMMDD, each one of the truth's) of points
    given in the truth's CRS."""
    rows, cols, inside = truth.grid.pixel_of(points.x, points.y)
    if not inside.all():
        raise ValueError(f"{int((~inside).sum())} points lie off the truth's grid: are they of another stack?")
    index = {d: k for k, d in enumerate(truth.dates)}
    try:
        which = [index[parse_date(d)] for d in dates]
    except KeyError as error:
        raise ValueError(f"date {error} is not one of the truth's dates: is it of another stack?") from None
    expected = truth.displacement_m[which][:, rows, cols]
    years = np.array([(truth.dates[k] - truth.dates[0]).days / 365.25 for k in which])
    areas = {name: mask[rows, cols] for name, mask in truth.areas.items()}
    surroundings = {name: surroundings_of(mask)[rows, cols] for name, mask in truth.areas.items()}
    return score_arrays(values, expected, years, truth.has_truth[rows, cols], areas, surroundings)


def surroundings_of(mask: np.ndarray) -> np.ndarray:
    """The ring AROUND_PX pixels wide around ``mask`` (bool raster)."""
    return ndimage.binary_dilation(mask, iterations=AROUND_PX) & ~mask


def score_work(work_dir, truth: RealisticTruth) -> Score:
    """Score an ``sbas run`` work folder: its ``Geotiff_value.csv`` at the points of its ``points.csv``."""
    work_dir = Path(work_dir)
    points = read_points_csv(WorkFolder(work_dir).points_csv)
    values_csv = WorkFolder(work_dir).values_csv
    table = read_wide_table(values_csv)  # it or its parts
    if table.columns != [f"{fid}_value" for fid in points.fid.tolist()]:
        raise ValueError(f"{values_csv} does not hold the points of {work_dir / 'points.csv'}")
    dates = [label.split("_")[1] for label in table.labels]
    return score_points(points, dates, table.values, truth)


def score_timeseries(mintpy, points_csv, truth: RealisticTruth) -> Score:
    """Score a MintPy result run by hand: ``mintpy`` is a ``timeseries*.h5`` or the folder holding them (the
    most corrected one is read), sampled at the points of ``points_csv`` (``fid,x,y`` in the truth's CRS)."""
    mintpy = Path(mintpy)
    path = find_timeseries(mintpy) if mintpy.is_dir() else mintpy
    series = read_timeseries_h5_series(path, read_points_csv(points_csv))
    return score_points(series.points, series.dates, series.values, truth)


def score_decomposition(folder, ascending: RealisticTruth, descending: RealisticTruth) -> dict:
    """Score a decomposition of a two-track world (``sbas decompose`` of its ascending and descending runs) as
    the users get it: ``Geotiff_value_<component>.csv`` at the points of ``vertical_points.gpkg``, against the
    world's ground motion at the same dates; points count as having truth where both tracks' products cover
    land. {"vertical": Score, "east": Score}."""
    from sbas_plugin.core.results.decomposition import COMPONENTS, DecompositionFolder
    from sbas_plugin.core.results.gpkg import read_points_gpkg
    from sbas_plugin.core.simulate.realistic import ground_motion

    if ascending.ground is None or descending.ground is None:
        raise ValueError("the truths are not of a two-track world (write_realistic_stack with track=...)")
    folder = DecompositionFolder(folder)
    points, _ = read_points_gpkg(folder.points_gpkg)
    rows, cols, inside = ascending.grid.pixel_of(points.x, points.y)
    if not inside.all():
        raise ValueError(f"{int((~inside).sum())} points lie off the truth's grid: are they of another world?")
    has_truth = ascending.has_truth[rows, cols] & descending.has_truth[rows, cols]
    areas = {name: mask[rows, cols] for name, mask in ascending.areas.items()}
    surroundings = {name: surroundings_of(mask)[rows, cols] for name, mask in ascending.areas.items()}
    scores = {}
    for component in COMPONENTS:
        table = read_wide_table(folder.values_csv(component))
        if table.columns != [f"{fid}_value" for fid in points.fid.tolist()]:
            raise ValueError(f"{folder.values_csv(component)} does not hold the points of {folder.points_gpkg}")
        dates = [parse_date(label.split("_")[1]) for label in table.labels]
        motion = [ground_motion(ascending.ground, ascending.step_date, d) for d in dates]
        expected = np.array([(m[1] if component == "vertical" else m[0])[rows, cols] for m in motion])
        years = np.array([(d - dates[0]).days / 365.25 for d in dates])
        scores[component] = score_arrays(table.values, expected - expected[0], years, has_truth, areas, surroundings)
    return scores
