"""Names that the steps, the command line, Processing and the docks share, each written once: HyP3's
looks and job options, the project-name rule, and the per-date GeoTIFF names of the seed notebooks
with their parser."""

import re
from typing import Optional, Tuple

# HyP3 INSAR_GAMMA looks, in the order the command line and the dock offer them: pixel size and the
# credits one pair costs (HyP3's credit table).
LOOKS = ("20x4", "10x2")
PIXEL_M = {"20x4": 80, "10x2": 40}
CREDITS_PER_PAIR = {"20x4": 10, "10x2": 15}

# The INSAR_GAMMA options a user may switch on: the command line's and Processing's short name ->
# HyP3's job parameter (--water-mask, WATER_MASK -> apply_water_mask).
HYP3_OPTIONS = {
    "water_mask": "apply_water_mask",
    "displacement_maps": "include_displacement_maps",
    "wrapped_phase": "include_wrapped_phase",
    "inc_map": "include_inc_map",
}

# MintPy's tropospheric corrections offered: none, ERA5 through PyAPS (needs a CDS key), or the
# phase-elevation ratio estimated from the stack itself (offline).
TROPOSPHERE_METHODS = ("no", "pyaps", "height_correlation")

# Where MintPy's Dask workers run (mintpy.compute.cluster): this machine, or batch jobs through dask-jobqueue,
# each submitted with its scheduler's command.
CLUSTERS = ("local", "slurm", "pbs")
SUBMIT_COMMANDS = {"slurm": "sbatch", "pbs": "qsub"}

# HyP3 project names (public on HyP3): 1 to 20 of these characters, as Vertex allows.
PROJECT_NAME_CHARACTERS = "[A-Za-z0-9_-]"
PROJECT_NAME_LENGTH = 20
PROJECT_NAME = re.compile(f"{PROJECT_NAME_CHARACTERS}{{1,{PROJECT_NAME_LENGTH}}}")

# Per-date GeoTIFFs: <first date>_<date>_<time series>_<unit>_unwrapped.tif, as the OpenSARLab notebook
# names them; any <first>_<date>_<anything>.tif is read, so folders exported elsewhere work too.
UNITS = {"Meters": 1.0, "Centimeters": 100.0}  # unit -> its number in one metre
DATED_GEOTIFF = re.compile(r"(\d{8})_(\d{8})_(.*)\.tiff?", re.IGNORECASE)


def dated_geotiff_name(first: str, date: str, series: str, unit: str) -> str:
    """e.g. 20200103_20200115_timeseries_demErr_Meters_unwrapped.tif"""
    return f"{first}_{date}_{series}_{unit}_unwrapped.tif"


def dated_geotiff_dates(name: str) -> Optional[Tuple[str, str]]:
    """(first date, date) of a per-date GeoTIFF's file name; None for any other name."""
    match = DATED_GEOTIFF.fullmatch(name)
    return (match[1], match[2]) if match else None


def dated_geotiff_unit(name: str) -> Optional[str]:
    """The unit a per-date GeoTIFF written by the export carries in its name, or None."""
    match = DATED_GEOTIFF.fullmatch(name)
    return next((unit for unit in UNITS if match and match[3].lower().endswith(f"_{unit.lower()}_unwrapped")), None)
