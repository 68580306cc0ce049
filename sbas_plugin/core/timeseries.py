"""MintPy's result files in a work folder: which time series is final, its grid, dates and reference."""

from pathlib import Path

import h5py

from sbas_plugin.core.grid import Grid

# Later names carry more corrections; the first found is the one users' GeoTIFFs come from.
TIMESERIES_PREFERENCE = (
    "timeseries_ERA5_ramp_demErr.h5",
    "timeseries_ERA5_demErr.h5",
    "timeseries_ramp_demErr.h5",
    "timeseries_demErr.h5",
    "timeseries_ERA5_ramp.h5",
    "timeseries_ERA5.h5",
    "timeseries_ramp.h5",
    "timeseries.h5",
)


def find_timeseries(mintpy_dir) -> Path:
    for name in TIMESERIES_PREFERENCE:
        path = Path(mintpy_dir) / name
        if path.is_file():
            return path
    raise FileNotFoundError(f"{mintpy_dir}: no MintPy time series (timeseries*.h5); has MintPy finished?")


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def attributes(path) -> dict:
    with h5py.File(path, "r") as f:
        return {key: _text(value) for key, value in f.attrs.items()}


def grid_of(attrs: dict) -> Grid:
    """MintPy's X_FIRST/Y_FIRST are the upper-left corner of the upper-left pixel, as in GDAL."""
    return Grid(
        x0=float(attrs["X_FIRST"]),
        y0=float(attrs["Y_FIRST"]),
        dx=float(attrs["X_STEP"]),
        dy=float(attrs["Y_STEP"]),
        width=int(attrs["WIDTH"]),
        height=int(attrs["LENGTH"]),
    )


def epsg_of(attrs: dict) -> int:
    if "EPSG" in attrs:
        return int(attrs["EPSG"])
    zone = attrs["UTM_ZONE"]  # e.g. "54N"
    return (32600 if zone[-1].upper() == "N" else 32700) + int(zone[:-1])


def dates_of(path) -> list:
    """The dates (YYYYMMDD) of the time series itself, not of the interferogram stack: dates MintPy
    dropped are not in it."""
    with h5py.File(path, "r") as f:
        return [_text(d) for d in f["date"][()]]
