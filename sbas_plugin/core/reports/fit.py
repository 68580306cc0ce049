"""Velocity of one displacement series: a least-squares line, optionally plus an annual sinusoid, with
the velocity's standard error from the fit's covariance (the uncertainty users ask to see)."""

from dataclasses import dataclass

import numpy as np

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Fit:
    velocity: float  # units of the values per year
    velocity_sigma: float  # 1-sigma standard error of the velocity; NaN when no residual is left
    amplitude: float  # of the annual sinusoid, units of the values; NaN for a linear fit
    model: np.ndarray  # the fitted curve at every date within the span of the data, NaN outside


def years_since_first(dates: np.ndarray) -> np.ndarray:
    """Decimal years of datetime64 dates since the first one."""
    return (dates - dates[0]).astype("timedelta64[D]").astype(np.float64) / DAYS_PER_YEAR


def fit_series(dates: np.ndarray, values: np.ndarray, seasonal: bool = False) -> Fit:
    """Least squares over the dates that have a value: `values = a + v t` (+ `s sin 2πt + c cos 2πt`
    when `seasonal`), t in years. The velocity's sigma is sqrt of its entry of s² (AᵀA)⁻¹, with s² the
    residual variance, so it grows with the scatter about the model and shrinks with more dates."""
    years = years_since_first(np.asarray(dates))
    values = np.asarray(values, dtype=np.float64)
    columns = [np.ones_like(years), years]
    if seasonal:
        columns += [np.sin(2 * np.pi * years), np.cos(2 * np.pi * years)]
    design = np.column_stack(columns)
    has_value = np.isfinite(values)
    used, parameters = int(has_value.sum()), design.shape[1]
    kind = "linear + annual" if seasonal else "linear"
    if used < parameters:
        raise ValueError(f"{used} dates with a value: a {kind} fit needs at least {parameters}")
    a, b = design[has_value], values[has_value]
    coefficients, _, rank, _ = np.linalg.lstsq(a, b, rcond=None)
    if rank < parameters:
        raise ValueError(f"the dates with a value do not determine a {kind} fit: they span too little time")
    freedom = used - parameters
    sigma = np.nan
    if freedom > 0:
        residual = b - a @ coefficients
        covariance = (residual @ residual / freedom) * np.linalg.inv(a.T @ a)
        sigma = float(np.sqrt(covariance[1, 1]))
    amplitude = float(np.hypot(coefficients[2], coefficients[3])) if seasonal else np.nan
    model = np.full(len(values), np.nan)
    span = slice(int(np.argmax(has_value)), len(values) - int(np.argmax(has_value[::-1])))
    model[span] = design[span] @ coefficients
    return Fit(float(coefficients[1]), sigma, amplitude, model)
