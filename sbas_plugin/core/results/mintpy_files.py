"""MintPy's result files in a work folder: which time series is final, its grid, dates and reference."""

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

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


@dataclass(frozen=True)
class TimeseriesHeader:
    """What a geocoded MintPy time series says about itself."""

    grid: Grid
    crs: Optional[str]  # "EPSG:<code>"; None when the file names none
    dates: list  # YYYYMMDD
    reference_date: str  # MintPy's REF_DATE when it is one of the dates, else the first date


def find_timeseries(mintpy_dir) -> Path:
    for name in TIMESERIES_PREFERENCE:
        path = Path(mintpy_dir) / name
        if path.is_file():
            return path
    raise FileNotFoundError(f"{mintpy_dir}: no MintPy time series (timeseries*.h5); has MintPy finished?")


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def attributes(path) -> dict:
    import h5py  # here, not at the top: the plugin's start imports this module for parse_date

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
    import h5py

    with h5py.File(path, "r") as f:
        return [_text(d) for d in f["date"][()]]


def read_header(path) -> TimeseriesHeader:
    """The grid, CRS, dates and reference date of a MintPy time series; a ValueError saying what to do
    when the file is not geocoded or its grid is not a north-up one."""
    attrs = attributes(path)
    try:
        grid = grid_of(attrs)
        crs = f"EPSG:{epsg_of(attrs)}" if "EPSG" in attrs or "UTM_ZONE" in attrs else None
    except KeyError as error:
        raise ValueError(f"{path}: not geocoded (no {error} attribute); run MintPy's geocode step") from None
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    dates = dates_of(path)
    reference = attrs.get("REF_DATE")
    return TimeseriesHeader(grid, crs, dates, reference if reference in dates else dates[0])

