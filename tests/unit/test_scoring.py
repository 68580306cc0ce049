"""The honest scorer: the truth scores ~0, a realistic-noise result passes a bound that an all-zero, a
half-amplitude, a sign-flipped and a one-pixel-shifted result each fail; the users' CSVs and a MintPy
time series are scored with the same arithmetic."""

import h5py
import numpy as np
import pytest

from sbas_plugin.core.results.extract import PointSeries, write_wide_csv
from sbas_plugin.core.results.points import PixelPoints, PointTable, write_points_csv
from sbas_plugin.core.simulate.realistic import _power_law_noise, write_realistic_stack
from sbas_plugin.core.simulate.scoring import score_points, score_timeseries, score_work

BOUND_MM = 6.0  # overall RMS, velocity (mm/yr) and every signal area


def meets_bound(score) -> bool:
    return (
        score.rms_mm < BOUND_MM
        and score.velocity_rms_mm_per_year < BOUND_MM
        and all(rms < BOUND_MM for rms in score.area_rms_mm.values())
    )


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """A 60 x 60 pixel, 30-date (about half a year) realistic truth and every pixel but a 2-pixel border."""
    truth = write_realistic_stack(tmp_path_factory.mktemp("stack"), seed=1, rows=60, cols=60, n_dates=30)
    rows, cols = (v.ravel() for v in np.mgrid[2:58, 2:58])
    points = PixelPoints(rows, cols, truth.grid.centre_x(cols), truth.grid.centre_y(rows))
    dates = [d.strftime("%Y%m%d") for d in truth.dates]
    return truth, points, dates


def table(points):
    return PointTable(np.arange(1, len(points) + 1), points.x, points.y)


def realistic_noise(truth, points) -> np.ndarray:
    """A result as good as a careful run: 4 mm of turbulent residual atmosphere per date and 1.5 mm of noise."""
    rng = np.random.default_rng(5)
    shape = truth.displacement_m.shape[1:]
    return np.array(
        [
            0.004 * _power_law_noise(rng, shape, -8 / 3)[points.rows, points.cols]
            + 0.0015 * rng.standard_normal(len(points))
            for _ in truth.dates
        ]
    )


def test_the_truth_scores_zero_and_a_realistic_result_meets_the_bound(stack):
    truth, points, dates = stack
    exact = truth.displacement_m[:, points.rows, points.cols]
    perfect = score_points(table(points), dates, exact + 0.02, truth)  # any datum: removed
    assert perfect.rms_mm < 1e-3 and perfect.velocity_rms_mm_per_year < 1e-3
    assert perfect.points == int(truth.has_truth[points.rows, points.cols].sum())
    assert perfect.no_truth == len(points) - perfect.points > 0  # the lake is not scored
    assert perfect.dates == len(dates) and perfect.no_value == 0
    assert all(rms < 1e-3 for rms in perfect.area_rms_mm.values())
    assert all(perfect.area_points[name] > 0 for name in ("bowl", "landslide", "seasonal", "step", "block"))
    assert meets_bound(score_points(table(points), dates, exact + realistic_noise(truth, points), truth))


def test_the_steps_size_is_measured_across_its_date(stack):
    """The truth shows the whole step; a result smoothed in time over three dates shows a third of it at most
    across the date, although its RMS is small."""
    truth, points, dates = stack
    exact = truth.displacement_m[:, points.rows, points.cols].astype(np.float64)
    score = score_points(table(points), dates, exact, truth)
    assert score.step_true_mm == pytest.approx(-12.0, abs=0.5)  # STEP_M, plus a few days of other motion
    assert score.step_measured_mm == pytest.approx(score.step_true_mm, abs=1e-6)
    smoothed = np.array([exact[max(0, k - 1) : k + 2].mean(axis=0) for k in range(len(dates))])
    smoothed_score = score_points(table(points), dates, smoothed, truth)
    assert abs(smoothed_score.step_measured_mm) < 0.5 * abs(score.step_true_mm)
    assert "step across its date" in "".join(smoothed_score.lines())


@pytest.mark.parametrize("wrong", ["all zero", "half amplitude", "sign flipped", "shifted one pixel east"])
def test_wrong_results_fail_the_bound(stack, wrong):
    truth, points, dates = stack
    cube = truth.displacement_m
    result = {
        "all zero": np.zeros((len(dates), len(points))),
        "half amplitude": 0.5 * cube[:, points.rows, points.cols],
        "sign flipped": -cube[:, points.rows, points.cols],
        "shifted one pixel east": cube[:, points.rows, points.cols + 1],
    }[wrong]
    score = score_points(table(points), dates, result + realistic_noise(truth, points), truth)
    assert not meets_bound(score), score.lines()  # with the same noise as the realistic result that meets it


def test_empty_values_are_counted_not_scored(stack):
    truth, points, dates = stack
    values = truth.displacement_m[:, points.rows, points.cols].astype(np.float64)
    land = np.flatnonzero(truth.has_truth[points.rows, points.cols])
    values[3, land[:10]] = np.nan
    values[:, land[10:12]] = 1.0  # wildly wrong, so leaving them out would not hide them
    score = score_points(table(points), dates, values, truth)
    assert score.no_value == 10
    assert score.rms_mm > 10  # the two wild points count


def test_work_folder_and_mintpy_file_score_alike(stack, tmp_path):
    """The users' points.csv + Geotiff_value.csv, and a MintPy timeseries.h5 at the same points."""
    truth, points, dates = stack
    values = (truth.displacement_m[:, points.rows, points.cols] + realistic_noise(truth, points)).astype(np.float32)
    values -= values[0]
    write_points_csv(tmp_path / "points.csv", points)
    pixel_table = table(points)
    write_wide_csv(
        tmp_path / "Geotiff_value.csv",
        PointSeries(dates[0], dates, pixel_table, values, np.ones(len(points), bool)),
    )
    from_csv = score_work(tmp_path, truth)

    cube = np.zeros(truth.displacement_m.shape, np.float32)
    cube[:, points.rows, points.cols] = values
    x0, dx, _, y0, _, dy = truth.transform
    with h5py.File(tmp_path / "timeseries_demErr.h5", "w") as f:
        f["timeseries"] = cube
        f["date"] = np.array(dates, dtype="S8")
        f.attrs.update(
            X_FIRST=x0,
            Y_FIRST=y0,
            X_STEP=dx,
            Y_STEP=dy,
            WIDTH=cube.shape[2],
            LENGTH=cube.shape[1],
            EPSG=truth.epsg,
            REF_DATE=dates[0],
        )
    from_h5 = score_timeseries(tmp_path, tmp_path / "points.csv", truth)
    assert from_csv.points == from_h5.points > 0
    assert from_csv.rms_mm == pytest.approx(from_h5.rms_mm, abs=1e-3)
    assert meets_bound(from_csv)
