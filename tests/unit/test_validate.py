"""sbas validate against synthetic benchmarks with known motion and noise, on a real MintPy run.

The synthetic stack's truth gives, at every benchmark pixel, both the ground motion the benchmarks are
written from and InSAR's own error (MintPy's time series minus the truth). With noise-free benchmarks the
reported RMS must therefore equal InSAR's error computed straight from the truth; a benchmark file written
with the wrong LOS/vertical conversion must stand out clearly against it.
"""

import csv
import json
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

from sbas_plugin.core.reports.validate import (
    ValidationError,
    choose_order,
    compare,
    enu_to_los,
    read_benchmarks,
    validate,
)
from sbas_plugin.core.results.mintpy_files import attributes, dates_of, find_timeseries, grid_of
from sbas_plugin.core.simulate.synthetic import synthetic_look_angles, write_synthetic_benchmarks

pytestmark = pytest.mark.mintpy
SBAS = Path(sys.executable).parent / "sbas"
# (row, col) of the (60, 80) synthetic scene: across the subsidence bowl (centre 33, 44), on the uplift
# (42, 20) and on slowly moving ground, away from the sinkhole, the lake and the swath's edge.
PIXELS = [
    (33, 44), (33, 38), (33, 50), (27, 44), (39, 44), (33, 32), (33, 56), (22, 44),
    (42, 20), (38, 20), (42, 26), (10, 60), (14, 30), (20, 70), (8, 40), (40, 70),
]  # fmt: skip
NO_SOLUTION_PIXEL = (3, 4)  # inside the area, outside the swath: MintPy has no value there


def on_grid(grid, truth, row, col) -> tuple:
    """(row, col) on the time series' grid of a pixel of the truth's grid."""
    x0, dx, _, y0, _, dy = truth.transform
    return int((y0 + (row + 0.5) * dy - grid.y0) // grid.dy), int((x0 + (col + 0.5) * dx - grid.x0) // grid.dx)


def insar_error_rms(work, truth, pixels, reference=None) -> float:
    """InSAR minus the truth at the pixels (mm) as changes since the first date, made relative to
    pixels[reference] or with the mean over the pixels removed date by date; the first date left out."""
    path = find_timeseries(work / "mintpy")
    grid = grid_of(attributes(path))
    first = np.datetime64(truth.dates[0], "D")
    days = np.array([np.datetime64(f"{d[:4]}-{d[4:6]}-{d[6:]}") - first for d in dates_of(path)])
    years = days.astype(np.float64) / 365.25
    with h5py.File(path, "r") as f:
        insar = np.stack([f["timeseries"][(slice(None), *on_grid(grid, truth, r, c))] for r, c in pixels])
    velocity = np.array([truth.velocity_m_per_year[r, c] for r, c in pixels], dtype=np.float64)
    error = insar.astype(np.float64) - insar[:, :1] - velocity[:, None] * years
    if reference is not None:
        return np.sqrt(np.mean(np.delete(error - error[reference], reference, axis=0)[:, 1:] ** 2)) * 1000
    error -= error.mean(axis=0)
    return float(np.sqrt(np.mean(error[:, 1:] ** 2)) * 1000)


def test_synthetic_look_angles_are_mintpys_geometry(scene):
    truth, work = scene
    grid = grid_of(attributes(find_timeseries(work / "mintpy")))
    with h5py.File(work / "mintpy" / "inputs" / "geometryGeo.h5", "r") as f:
        incidence, azimuth = f["incidenceAngle"][()], f["azimuthAngle"][()]
    for row, col in PIXELS:
        expected_incidence, expected_azimuth = synthetic_look_angles(truth, col)
        assert incidence[on_grid(grid, truth, row, col)] == pytest.approx(expected_incidence, abs=1e-3)
        assert azimuth[on_grid(grid, truth, row, col)] == pytest.approx(expected_azimuth, abs=1e-3)


@pytest.mark.parametrize("kind", ["levelling", "gnss"])
def test_noise_free_benchmarks_report_insar_own_error(scene, tmp_path, kind):
    """The polynomial carries the exact (linear) ground motion to the SAR dates, so what is left is InSAR's
    error: equal to the truth's within 0.02 mm (benchmarks written to the micrometre, float32 angles).
    GNSS moves east and north too, so a wrong azimuth convention would add millimetres."""
    truth, work = scene
    interval = 30 if kind == "levelling" else 1  # monthly levelling (never on a SAR date), daily GNSS
    benchmarks = write_synthetic_benchmarks(
        tmp_path / "b.csv", truth, PIXELS, kind, noise_m=0.0, interval_days=interval
    )
    validation = validate(work, benchmarks, kind)
    expected = insar_error_rms(work, truth, PIXELS)
    assert validation.summary["rms_mm"] == pytest.approx(expected, abs=0.02)
    assert validation.summary["n_points"] == len(PIXELS) and not validation.skipped
    assert validation.summary["n_differences"] == len(PIXELS) * (len(truth.dates) - 1)
    assert expected < 1.5  # the stack's InSAR is good: a wrong conversion below stands out


def test_reference_benchmark_and_datum_alignment_both_work(scene, tmp_path):
    truth, work = scene
    benchmarks = write_synthetic_benchmarks(tmp_path / "b.csv", truth, PIXELS, noise_m=0.0)
    referenced = validate(work, benchmarks, "levelling", reference="BM12")
    assert referenced.summary["rms_mm"] == pytest.approx(insar_error_rms(work, truth, PIXELS, reference=11), abs=0.02)
    assert [row["id"] for row in referenced.rows] == [f"BM{i:02d}" for i in range(1, 17) if i != 12]
    assert "BM12" in referenced.summary["referencing"]
    aligned = validate(work, benchmarks, "levelling")
    assert "datum alignment" in aligned.summary["referencing"] and aligned.summary["reference"] is None
    assert aligned.summary["mean_mm"] == pytest.approx(0.0, abs=1e-3)  # the per-date mean is what was removed


def test_noisy_levelling_adds_its_fitted_noise(scene, tmp_path):
    """1 mm noise on 10 surveys: the fitted model at the SAR dates carries part of it (about
    sigma * sqrt(order + 1 / surveys) before differencing), so the RMS grows above InSAR's own error
    but stays below InSAR's error plus the whole survey noise."""
    truth, work = scene
    sigma_mm = 1.0
    benchmarks = write_synthetic_benchmarks(
        tmp_path / "b.csv", truth, PIXELS, noise_m=sigma_mm / 1000, interval_days=10
    )
    rms = validate(work, benchmarks, "levelling").summary["rms_mm"]
    insar_only = insar_error_rms(work, truth, PIXELS)
    assert insar_only < rms < np.hypot(insar_only, sigma_mm)


@pytest.mark.parametrize("wrong", ["sign", "cos"])
def test_a_wrong_vertical_conversion_is_caught(scene, tmp_path, wrong):
    """Benchmarks written as if LOS were -vertical*cos, or vertical itself: validate (which converts
    correctly) must report a clearly worse fit than for correct benchmarks. Were validate to drop the
    cos(incidence) or flip the sign, these wrong files would fit and the correct ones would not."""
    truth, work = scene
    right = write_synthetic_benchmarks(tmp_path / "right.csv", truth, PIXELS, noise_m=0.0)
    wrong_file = write_synthetic_benchmarks(tmp_path / "wrong.csv", truth, PIXELS, noise_m=0.0, wrong=wrong)
    good = validate(work, right, "levelling").summary["rms_mm"]
    bad = validate(work, wrong_file, "levelling").summary["rms_mm"]
    # Dropping cos(39 deg) misstates the motion by 22 %: about 0.5 mm RMS on these benchmarks, whose LOS
    # moves up to 9 mm; a flipped sign doubles all of it.
    assert bad > (4 if wrong == "sign" else 1.8) * good


def test_benchmarks_that_cannot_be_compared_are_reported(scene, tmp_path):
    truth, work = scene
    path = write_synthetic_benchmarks(tmp_path / "b.csv", truth, PIXELS, noise_m=0.0005)
    x0, dx, _, y0, _, dy = truth.transform
    no_solution_x, no_solution_y = x0 + (NO_SOLUTION_PIXEL[1] + 0.5) * dx, y0 + (NO_SOLUTION_PIXEL[0] + 0.5) * dy
    with open(path, "a", encoding="utf-8") as f:
        f.write("FAR,100000,3000000,2020-01-01,10.0\nFAR,100000,3000000,2020-04-01,10.1\n")
        f.write(f"ONCE,{x0 + 1000},{y0 - 1000},2020-02-01,12.0\n")
        f.write(f"LATE,{x0 + 1000},{y0 - 1000},2020-05-01,12.0\nLATE,{x0 + 1000},{y0 - 1000},2020-06-01,12.0\n")
        f.write(
            f"HOLE,{no_solution_x},{no_solution_y},2020-01-01,3.0\nHOLE,{no_solution_x},{no_solution_y},2020-04-01,3.0\n"
        )
    validation = validate(work, path, "levelling")
    reasons = {s["id"]: s["reason"] for s in validation.summary["skipped"]}
    assert set(reasons) == {"FAR", "ONCE", "LATE", "HOLE"}
    assert "outside the InSAR coverage" in reasons["FAR"]
    assert "one survey date" in reasons["ONCE"]
    assert "fewer than two SAR dates between its first and last survey" in reasons["LATE"]
    assert "no InSAR value" in reasons["HOLE"]
    assert validation.summary["n_points"] == len(PIXELS)
    with pytest.raises(ValidationError, match="reference benchmark HOLE cannot be used: no InSAR value"):
        validate(work, path, "levelling", reference="HOLE")
    with pytest.raises(ValidationError, match="--reference NOPE is not a benchmark id"):
        validate(work, path, "levelling", reference="NOPE")


def test_a_radius_averages_the_pixels_around(scene, tmp_path):
    truth, work = scene
    benchmarks = write_synthetic_benchmarks(tmp_path / "b.csv", truth, PIXELS, noise_m=0.0)
    pixel = validate(work, benchmarks, "levelling")
    area = validate(work, benchmarks, "levelling", radius_m=200.0)  # 13 pixels of 80 m
    assert area.summary["rms_mm"] != pixel.summary["rms_mm"]
    assert area.summary["rms_mm"] < 3.0  # still the same motion: the bowl is ~10 pixels wide
    assert area.summary["radius_m"] == 200.0


def test_bad_benchmark_files_name_the_line(tmp_path):
    cases = {
        "id,x,y,date\nA,1,2,2020-01-01\n": ("levelling", r"line 1: missing column\(s\) height"),
        "id,x,y,date,height\nA,1,2,2020-01-01,3\nA,1,2,2020-13-01,3\n": ("levelling", "line 3: date '2020-13-01'"),
        "id,x,y,date,height\nA,1,2,2020-01-01,three\n": ("levelling", "line 2: height 'three' is not a number"),
        "id,x,y,date,height\nA,1,2,2020-01-01,3\n": ("gnss", "line 1: missing column.*GNSS needs east,north,up"),
        "id,x,y,date,height\nA,1,2,2020-01-01,3\nA,1,5,2020-02-01,3\n": ("levelling", "line 3: benchmark A has other"),
        "id,x,y,date,height\nA,1,2,2020-01-01,3\nA,1,2,2020-01-01,4\n": ("levelling", "line 3: .* again \\(line 2\\)"),
        "id,x,y,date,height\n": ("levelling", "no benchmark rows"),
    }
    for text, (kind, message) in cases.items():
        path = tmp_path / "b.csv"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ValidationError, match=message):
            read_benchmarks(path, kind)


def test_gnss_file_reads_east_north_up(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("\ufeffID,X,Y,Date,East,North,Up\nS1,1,2,20200105,0.001,0.002,0.003\nS1,1,2,2020-01-01,0,0,0\n")
    (station,) = read_benchmarks(path, "gnss")
    assert station.id == "S1" and list(station.dates.astype(str)) == ["2020-01-01", "2020-01-05"]
    assert station.values.tolist() == [[0, 0, 0], [0.001, 0.002, 0.003]]


def test_enu_to_los_is_mintpys():
    from mintpy.utils.utils0 import enu2los

    rng = np.random.default_rng(1)
    east, north, up = rng.normal(size=(3, 50))
    incidence, azimuth = rng.uniform(30, 46, 50), rng.uniform(-180, 180, 50)
    assert np.allclose(
        enu_to_los(east, north, up, incidence, azimuth), enu2los(east, north, up, incidence, az_angle=azimuth)
    )
    assert enu_to_los(0.0, 0.0, 1.0, 39.0, -102.7) == pytest.approx(np.cos(np.radians(39.0)))  # uplift: towards


def test_polynomial_order_follows_the_significance_test():
    rng = np.random.default_rng(3)
    days = np.arange(0.0, 360.0, 30.0)  # monthly surveys for a year
    noise = rng.normal(0.0, 0.0002, days.size)
    assert choose_order(days, 0.01 + noise) == 0
    assert choose_order(days, 0.03 * days / 365 + noise) == 1
    assert choose_order(days, 0.05 * ((days - 180) / 365) ** 2 + noise) == 2  # symmetric: no linear trend at all
    assert choose_order(days, 0.02 * (days / 365) ** 3 - 0.01 * days / 365 + noise) == 3
    assert choose_order(days, 0.03 * days / 365) == 1  # exact: rounding noise is no reason for higher orders
    assert choose_order(days[:2], np.array([0.0, 0.01])) == 1  # two surveys: the line through them
    assert choose_order(days[:3], np.array([0.0, 0.01, 0.0201])) == 1  # curved, but no freedom left to test it


def test_datum_alignment_and_reference_have_the_expected_noise():
    """InSAR with independent noise sigma per date against exact ground: differencing from the anchor date
    doubles the variance, and removing the per-date mean over N benchmarks scales it by (1 - 1/N), so
    RMS = sigma * sqrt(2 (1 - 1/N)); relative to a noise-free reference benchmark RMS = sigma * sqrt(2).
    2800 differences estimate an RMS to about 2 %: the tolerance is 6 %."""
    rng = np.random.default_rng(7)
    n, dates, sigma = 400, 8, 0.002
    years = np.arange(dates) * 12 / 365.25
    ground = rng.normal(0.0, 0.03, (n, 1)) * years + rng.uniform(5, 50, (n, 1))  # absolute heights in LOS
    reference_pixel_motion = 0.01 * years  # InSAR is relative to a moving reference pixel
    insar = ground - ground[:, :1] - reference_pixel_motion + rng.normal(0.0, sigma, (n, dates))
    insar[0] = ground[0] - ground[0, 0] - reference_pixel_motion  # benchmark 0 without InSAR noise
    _, difference = compare(insar, ground)
    assert np.sqrt(np.nanmean(difference**2)) == pytest.approx(sigma * np.sqrt(2 * (1 - 1 / n)), rel=0.06)
    assert np.isnan(difference[:, 0]).all()  # the anchor date is not a comparison
    _, difference = compare(insar, ground, reference=0)
    assert np.sqrt(np.nanmean(difference**2)) == pytest.approx(sigma * np.sqrt(2), rel=0.06)
    assert np.isnan(difference[0]).all()


def test_datum_alignment_needs_two_benchmarks_on_a_date():
    ground = np.array([[0.0, 0.01, 0.02, np.nan], [0.0, 0.0, 0.0, 0.0]])
    insar = np.array([[0.0, 0.012, 0.02, 0.03], [0.0, 0.001, 0.0, 0.005]])
    _, difference = compare(insar, ground)
    assert np.isfinite(difference[:, 1:3]).all() and np.isnan(difference[:, 3]).all()


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_sbas_validate_cli_writes_the_files(scene, tmp_path):
    truth, work = scene
    benchmarks = write_synthetic_benchmarks(tmp_path / "b.csv", truth, PIXELS, "gnss", noise_m=0.001, interval_days=3)
    with open(benchmarks, "a", encoding="utf-8") as f:
        f.write("FAR,100000,3000000,2020-01-01,1,0,0,0\nFAR,100000,3000000,2020-04-01,1,0,0,0\n")
    out = tmp_path / "out"
    run = subprocess.run(
        [str(SBAS), "validate", "--work", str(work), "--benchmarks", str(benchmarks), "--kind", "gnss",
         "--reference", "BM16", "--out", str(out)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "skipped FAR: outside the InSAR coverage" in run.stdout and "relative to benchmark BM16" in run.stdout
    rows = read_csv(out / "validation.csv")
    assert rows[0] == ["id", "n", "mean_mm", "std_mm", "rms_mm"]
    assert [row[0] for row in rows[1:]] == [f"BM{i:02d}" for i in range(1, 16)]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert {"n_points", "mean_mm", "std_mm", "rms_mm"} <= set(summary) and summary["n_points"] == 15
    assert summary["skipped"] == [{"id": "FAR", "reason": "outside the InSAR coverage (check --benchmarks-crs)"}]
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == sorted(["scatter.png"] + [f"series_BM{i:02d}.png" for i in range(1, 17)])
    assert all((out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for name in pngs)
    assert not list(out.glob("*.part"))

    lonlat = tmp_path / "lonlat.csv"  # the same benchmarks in lon,lat: the same numbers
    from sbas_plugin.core.crs import transform_xy

    rows = read_csv(benchmarks)
    lon, lat = transform_xy([float(r[1]) for r in rows[1:]], [float(r[2]) for r in rows[1:]], "EPSG:32654", "EPSG:4326")
    with open(lonlat, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(
            [rows[0]] + [[r[0], f"{a:.9f}", f"{b:.9f}", *r[3:]] for r, a, b in zip(rows[1:], lon, lat)]
        )
    again = subprocess.run(
        [str(SBAS), "validate", "--work", str(work), "--benchmarks", str(lonlat), "--benchmarks-crs", "EPSG:4326",
         "--kind", "gnss", "--reference", "BM16", "--out", str(tmp_path / "again")],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert read_csv(tmp_path / "again" / "validation.csv") == read_csv(out / "validation.csv")

    bad = tmp_path / "bad.csv"
    bad.write_text("id,x,y,date,height\nA,1,2,2020-02-30,3\n", encoding="utf-8")
    failed = subprocess.run(
        [
            str(SBAS),
            "validate",
            "--work",
            str(work),
            "--benchmarks",
            str(bad),
            "--kind",
            "levelling",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert failed.returncode == 2 and "line 2: date '2020-02-30'" in failed.stderr
