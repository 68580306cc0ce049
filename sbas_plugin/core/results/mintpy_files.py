"""MintPy's result files in a work folder: which time series is final, its grid, dates and reference."""

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from sbas_plugin.core.files import identity
from sbas_plugin.core.grid import Grid
from sbas_plugin.core.workfolder import MINTPY_TEMPLATE

# The configuration smallbaselineApp ran with (its own copy, merged over its defaults), else the one this
# project wrote: the final time series' name follows from it.
CONFIGURATIONS = ("smallbaselineApp.cfg", MINTPY_TEMPLATE)
# smallbaselineApp_auto.cfg (MintPy 1.6.4): what "auto", or a key left out, means for the name.
NAMING_DEFAULTS = {
    "mintpy.solidEarthTides": "no",
    "mintpy.ionosphericDelay.method": "no",
    "mintpy.troposphericDelay.method": "pyaps",
    "mintpy.troposphericDelay.weatherModel": "ERA5",
    "mintpy.deramp": "no",
    "mintpy.topographicResidual": "yes",
}
TROPOSPHERE_SUFFIXES = {"height_correlation": "tropHgt", "gacos": "GACOS", "opera": "OPERA"}  # pyaps: its model
OFF = ("no", "false", "none")
# The project's own step after smallbaselineApp (core/stack/atmosphere.py), set in the project's template
# (MintPy ignores keys it does not know): its output is the final time series with this suffix.
FILTER_KEY = "sbas.atmosphereFilter"
FILTERED_SUFFIX = "_filt"


@dataclass(frozen=True)
class TimeseriesHeader:
    """What a geocoded MintPy time series says about itself."""

    grid: Grid
    crs: Optional[str]  # "EPSG:<code>"; None when the file names none
    dates: list  # YYYYMMDD
    reference_date: str  # MintPy's REF_DATE when it is one of the dates, else the first date


def read_configuration(path) -> dict:
    """A MintPy template as smallbaselineApp reads it: `key = value`, `#` starts a comment."""
    config = {}
    for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip()
        key, equals, value = line.partition("=")
        value = value.split("#")[0].strip()
        if equals and value and not line.startswith(("%", "#", "!")):
            config[key.strip()] = value
    return config


def timeseries_name(config: dict, platform: str = "") -> str:
    """The final time series smallbaselineApp writes with this configuration, as its get_timeseries_filename
    names it: timeseries, then _LOD (Envisat), _SET, _ion, the troposphere's suffix, _ramp, _demErr."""

    def value(key: str) -> str:
        given = config.get(key, "auto")
        return NAMING_DEFAULTS[key] if given.lower() == "auto" else given

    def on(key: str) -> bool:
        return value(key).lower() not in OFF

    name = "timeseries"
    if platform.lower().startswith("env"):
        name += "_LOD"
    if on("mintpy.solidEarthTides"):
        name += "_SET"
    if on("mintpy.ionosphericDelay.method"):
        name += "_ion"
    if on("mintpy.troposphericDelay.method"):
        method = value("mintpy.troposphericDelay.method")
        name += "_" + TROPOSPHERE_SUFFIXES.get(method, value("mintpy.troposphericDelay.weatherModel"))
    if on("mintpy.deramp"):
        name += "_ramp"
    if on("mintpy.topographicResidual"):
        name += "_demErr"
    return name + ".h5"


def find_timeseries(mintpy_dir) -> Path:
    """The time series MintPy's configuration in the folder makes final, never another one lying there
    from a run with other options; its filtered copy when the project's template turns the filter on. A
    folder without a configuration must hold a single time series."""
    path = mintpy_timeseries(mintpy_dir)
    if is_filtered(mintpy_dir):
        path = filtered_path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path.parent}: no {path.name}, the final time series of its configuration; has the run finished?"
        )
    return path


def mintpy_timeseries(mintpy_dir) -> Path:
    """The final time series smallbaselineApp writes in the folder (maybe not yet): what the atmosphere
    filter reads."""
    mintpy_dir = Path(mintpy_dir)
    inverted = mintpy_dir / "timeseries.h5"
    config_path = next((mintpy_dir / name for name in CONFIGURATIONS if (mintpy_dir / name).is_file()), None)
    if config_path is None:
        found = sorted(p.name for p in mintpy_dir.glob("timeseries*.h5") if not p.name.startswith("timeseriesResidual"))
        if len(found) == 1:
            return mintpy_dir / found[0]
        if not found:
            raise FileNotFoundError(f"{mintpy_dir}: no MintPy time series (timeseries*.h5); has MintPy finished?")
        raise FileNotFoundError(
            f"{mintpy_dir}: {len(found)} time series ({', '.join(found)}) and no smallbaselineApp.cfg saying "
            "which one is final; run smallbaselineApp in this folder"
        )
    platform = attributes(inverted).get("PLATFORM", "") if inverted.is_file() else ""
    return mintpy_dir / timeseries_name(read_configuration(config_path), platform)


def filtered_path(series: Path) -> Path:
    return series.with_name(series.stem + FILTERED_SUFFIX + series.suffix)


def is_filtered(mintpy_dir) -> bool:
    """The project's template in the folder turns the atmosphere filter on."""
    template = Path(mintpy_dir) / MINTPY_TEMPLATE
    return template.is_file() and read_configuration(template).get(FILTER_KEY, "no").lower() not in OFF


def file_identity(path) -> list:
    """Name, size and modification time: what a step's signature keeps of a MintPy file it read, so that a
    file rewritten by MintPy makes the step run again."""
    return [Path(path).name, *identity(Path(path))]


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

