"""The dock's fit: known slopes and amplitudes come back, and the velocity's sigma is the real spread."""

import numpy as np
import pytest

from sbas_plugin.core.reports.fit import fit_series, years_since_first

DATES = np.datetime64("2020-01-03") + np.arange(0, 3 * 365, 12)  # three years every 12 days


def series(velocity=-24.0, amplitude=0.0, phase=0.7, noise=0.0, seed=0):
    years = years_since_first(DATES)
    rng = np.random.default_rng(seed)
    return 3.0 + velocity * years + amplitude * np.sin(2 * np.pi * years + phase) + rng.normal(0, noise, len(DATES))


def test_linear_fit_of_an_exact_line():
    fit = fit_series(DATES, series())
    assert fit.velocity == pytest.approx(-24.0)
    assert fit.velocity_sigma == pytest.approx(0.0, abs=1e-9)
    assert np.isnan(fit.amplitude)
    np.testing.assert_allclose(fit.model, series())


def test_seasonal_fit_recovers_velocity_and_amplitude_that_a_line_misses():
    values = series(velocity=10.0, amplitude=6.0, noise=0.5)
    seasonal = fit_series(DATES, values, seasonal=True)
    assert seasonal.velocity == pytest.approx(10.0, abs=0.3)
    assert seasonal.amplitude == pytest.approx(6.0, abs=0.3)
    linear = fit_series(DATES, values)
    assert linear.velocity_sigma > 3 * seasonal.velocity_sigma  # the sinusoid is misfit as noise


@pytest.mark.parametrize("seasonal, amplitude", [(False, 0.0), (True, 4.0)])
def test_sigma_is_the_spread_of_slopes_over_noise_realisations(seasonal, amplitude):
    fits = [fit_series(DATES, series(amplitude=amplitude, noise=3.0, seed=seed), seasonal) for seed in range(2000)]
    slopes = np.array([f.velocity for f in fits])
    assert slopes.mean() == pytest.approx(-24.0, abs=0.1)
    assert np.median([f.velocity_sigma for f in fits]) == pytest.approx(slopes.std(), rel=0.2)
    if seasonal:
        assert np.mean([f.amplitude for f in fits]) == pytest.approx(amplitude, abs=0.15)


def test_missing_values_are_left_out_and_the_model_spans_the_data():
    values = series(velocity=5.0)
    values[[0, 1, 10, -1]] = np.nan
    fit = fit_series(DATES, values)
    assert fit.velocity == pytest.approx(5.0)
    assert np.isnan(fit.model[[0, 1, -1]]).all()
    assert fit.model[10] == pytest.approx(series(velocity=5.0)[10])


def test_fewer_values_than_parameters_is_an_error():
    values = np.full(len(DATES), np.nan)
    values[[3, 9, 20]] = [1.0, 2.0, 4.0]
    assert np.isfinite(fit_series(DATES, values).velocity_sigma)  # 3 values, 2 parameters: a sigma
    with pytest.raises(ValueError, match="3 dates with a value: a linear \\+ annual fit needs at least 4"):
        fit_series(DATES, values, seasonal=True)
    values[9] = values[20] = np.nan
    with pytest.raises(ValueError, match="needs at least 2"):
        fit_series(DATES, values)
