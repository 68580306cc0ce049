"""The spatio-temporal atmosphere filter: it removes most of a turbulent atmosphere, keeps smooth motion, a
sudden step and seasonal motion, keeps MintPy's reference, and is redone exactly when its input changes."""

import datetime as dt
import os

import h5py
import numpy as np
import pytest
from scipy import ndimage

from sbas_plugin.core.results.mintpy_files import FILTER_KEY, find_timeseries
from sbas_plugin.core.simulate.realistic import _power_law_noise
from sbas_plugin.core.stack.atmosphere import apply_filter_setting, filter_atmosphere, high_pass_operator
from sbas_plugin.core.workfolder import MINTPY_TEMPLATE

ROWS, COLS, PIXEL_M, N_DATES, STEP_DATE = 90, 90, 80.0, 30, 15
REFERENCE = (5, 5)
STEP_M = -0.012


def truth_and_atmosphere(seed: int = 0):
    """Dates x rows x cols (m): a subsidence bowl, an annual swelling, a step at STEP_DATE in a disc of
    400 m radius; and a turbulent atmosphere of 3-8 mm per date plus 1 mm of pixel noise."""
    rng = np.random.default_rng(seed)
    r, c = np.mgrid[:ROWS, :COLS]
    days = np.arange(N_DATES) * 12.0
    bowl = -0.05 * np.exp(-((r - 45) ** 2 + (c - 45) ** 2) / (2 * 12.0**2))
    seasonal = 0.008 * np.exp(-((r - 65) ** 2 + (c - 20) ** 2) / (2 * 7.0**2))
    step = (r - 25) ** 2 + (c - 65) ** 2 <= 5**2
    truth = np.array(
        [
            bowl * t / 365.25 + seasonal * np.sin(2 * np.pi * t / 365.25) + STEP_M * step * (k >= STEP_DATE)
            for k, t in enumerate(days)
        ]
    )
    atmosphere = np.array([rng.uniform(0.003, 0.008) * _power_law_noise(rng, (ROWS, COLS), -8 / 3) for _ in days])
    atmosphere += 0.001 * rng.standard_normal(atmosphere.shape)
    masks = {"step": step, "seasonal": seasonal > 0.004}
    return days, truth, atmosphere, masks


def write_series(folder, days, values, coherence=None):
    """A geocoded MintPy time series (referenced to REFERENCE and the first date) and its temporal coherence."""
    folder.mkdir(parents=True, exist_ok=True)
    values = values - values[:, REFERENCE[0] : REFERENCE[0] + 1, REFERENCE[1] : REFERENCE[1] + 1]
    values = values - values[0]
    dates = [(dt.date(2025, 4, 4) + dt.timedelta(days=int(d))).strftime("%Y%m%d") for d in days]
    path = folder / "timeseries_demErr.h5"
    with h5py.File(path, "w") as f:
        f["timeseries"] = values.astype(np.float32)
        f["date"] = np.array(dates, dtype="S8")
        f.attrs.update(
            X_FIRST="384000.0", Y_FIRST="3952000.0", X_STEP=str(PIXEL_M), Y_STEP=str(-PIXEL_M),
            WIDTH=str(COLS), LENGTH=str(ROWS), EPSG="32654", REF_Y=str(REFERENCE[0]), REF_X=str(REFERENCE[1]),
            REF_DATE=dates[0], FILE_TYPE="timeseries", UNIT="m",
        )  # fmt: skip
    with h5py.File(folder / "temporalCoherence.h5", "w") as f:
        f["temporalCoherence"] = np.ones((ROWS, COLS), np.float32) if coherence is None else coherence
    return path


def read(path):
    with h5py.File(path, "r") as f:
        return f["timeseries"][()].astype(np.float64), dict(f.attrs)


def errors(measured, truth):
    """Per date, datum (mean error) removed, as the project's scorer does."""
    error = measured - truth
    return error - error.mean(axis=(1, 2), keepdims=True)


def rms_mm(values) -> float:
    return float(np.sqrt(np.mean(values**2)) * 1000)


def step_jump_mm(series, mask) -> float:
    """The step's size as the series shows it: the disc's mean less its ring's, across the step date."""
    ring = ndimage.binary_dilation(mask, iterations=3) & ~mask
    relative = series[:, mask].mean(axis=1) - series[:, ring].mean(axis=1)
    return float((relative[STEP_DATE] - relative[STEP_DATE - 1]) * 1000)


@pytest.fixture(scope="module")
def filtered(tmp_path_factory):
    days, truth, atmosphere, masks = truth_and_atmosphere()
    folder = tmp_path_factory.mktemp("mintpy")
    source = write_series(folder, days, truth + atmosphere)
    target = filter_atmosphere(source, folder / "filtered.h5")
    return truth, masks, read(source)[0], read(target)[0], source, target


def test_most_of_the_atmosphere_goes(filtered):
    truth, _, before, after, *_ = filtered
    before_mm, after_mm = rms_mm(errors(before, truth)), rms_mm(errors(after, truth))
    assert after_mm < 0.65 * before_mm, (before_mm, after_mm)  # measured: 8.2 -> 4.7 mm


def test_the_step_and_the_seasonal_motion_stay(filtered):
    truth, masks, before, after, *_ = filtered
    assert step_jump_mm(truth, masks["step"]) == pytest.approx(STEP_M * 1000, abs=0.1)  # + 12 days of bowl
    assert step_jump_mm(after, masks["step"]) == pytest.approx(STEP_M * 1000, abs=0.2 * abs(STEP_M) * 1000)
    seasonal = masks["seasonal"]
    inside_before = rms_mm(errors(before, truth)[:, seasonal])
    inside_after = rms_mm(errors(after, truth)[:, seasonal])
    assert inside_after < 0.6 * inside_before, (inside_before, inside_after)


def test_motion_without_atmosphere_passes_nearly_unchanged(tmp_path):
    """Also what fails a filter that takes the motion away with the atmosphere: an all-zero result is 5.8 mm
    off here."""
    days, truth, _, masks = truth_and_atmosphere()
    after = read(filter_atmosphere(write_series(tmp_path, days, truth), tmp_path / "filtered.h5"))[0]
    assert rms_mm(errors(after, truth)) < 0.5
    assert step_jump_mm(after, masks["step"]) == pytest.approx(STEP_M * 1000, abs=1.5)


def test_reference_pixel_and_date_stay_zero_and_mintpys_attributes_stay(filtered):
    *_, after, source, target = filtered
    assert np.abs(after[:, REFERENCE[0], REFERENCE[1]]).max() == 0 and np.abs(after[0]).max() == 0
    source_attributes, target_attributes = read(source)[1], read(target)[1]
    for key, value in source_attributes.items():
        if key != "FILE_PATH":
            assert target_attributes[key] == value, key
    with h5py.File(source, "r") as a, h5py.File(target, "r") as b:
        assert np.array_equal(a["date"][()], b["date"][()])


def test_pixels_mintpy_did_not_solve_do_not_feed_the_estimate(tmp_path):
    """A wild value where the temporal coherence is 0 changes nothing around it."""
    days, truth, atmosphere, _ = truth_and_atmosphere()
    coherence = np.ones((ROWS, COLS), np.float32)
    coherence[40:50, 40:50] = 0
    wild = truth + atmosphere
    wild[:, 40:50, 40:50] = np.random.default_rng(1).normal(0, 1.0, (N_DATES, 10, 10))
    clean = read(
        filter_atmosphere(write_series(tmp_path / "a", days, truth + atmosphere, coherence), tmp_path / "a.h5")
    )
    dirty = read(filter_atmosphere(write_series(tmp_path / "b", days, wild, coherence), tmp_path / "b.h5"))
    outside = np.ones((ROWS, COLS), bool)
    outside[40:50, 40:50] = False
    assert np.allclose(clean[0][:, outside], dirty[0][:, outside], atol=1e-6)


def test_high_pass_takes_lines_to_zero_and_keeps_noise():
    days = np.cumsum(np.r_[0, np.random.default_rng(2).choice([6.0, 12.0], 29)])
    operator = high_pass_operator(days)
    assert np.abs(operator @ (3.0 + 0.01 * days)).max() < 1e-12
    noise = np.random.default_rng(3).standard_normal(len(days))
    assert np.std(operator @ noise) > 0.6 * np.std(noise)


def test_the_template_decides_and_a_new_source_is_filtered_again(tmp_path):
    days, truth, atmosphere, _ = truth_and_atmosphere()
    source = write_series(tmp_path, days, truth + atmosphere)
    template = tmp_path / MINTPY_TEMPLATE
    mintpy_keys = "mintpy.troposphericDelay.method = no\nmintpy.deramp = no\n"
    template.write_text(mintpy_keys + f"{FILTER_KEY} = yes\n")
    notes = apply_filter_setting(tmp_path)
    final = find_timeseries(tmp_path)
    assert final.name == "timeseries_demErr_filt.h5" and "atmosphere filtered" in notes[0]
    written = final.stat().st_mtime_ns
    apply_filter_setting(tmp_path)
    assert final.stat().st_mtime_ns == written  # current: not computed again
    source_mtime = source.stat().st_mtime_ns
    write_series(tmp_path, days, truth)  # MintPy wrote the series again
    os.utime(source, ns=(source_mtime + 10**9, source_mtime + 10**9))
    apply_filter_setting(tmp_path)
    assert rms_mm(errors(read(final)[0], truth)) < 0.5  # the new source's, not the old one's
    template.write_text(mintpy_keys + f"{FILTER_KEY} = no\n")
    assert apply_filter_setting(tmp_path) == []
    assert find_timeseries(tmp_path) == source and not final.exists()
