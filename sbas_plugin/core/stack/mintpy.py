"""MintPy: the template users used to edit in notebooks, and smallbaselineApp run as a child process
that streams its log, reports step progress, can be cancelled (the whole process tree) and resumes."""

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import numpy as np
import rasterio

from sbas_plugin.core.child import run_streaming
from sbas_plugin.core.environment import (
    MINTPY_VERSION_SCRIPT,
    OPTIONAL_FEATURES,
    child_environment,
    optional_features,
    quoted,
    run_python,
)
from sbas_plugin.core.files import write_json
from sbas_plugin.core.names import CLUSTERS, SUBMIT_COMMANDS, TROPOSPHERE_METHODS
from sbas_plugin.core.results.mintpy_files import FILTER_KEY
from sbas_plugin.core.stack.atmosphere import apply_filter_setting
from sbas_plugin.core.stack.coverage import scan_clipped

LOG = logging.getLogger(__name__)

# MintPy's residual series, a time series each: its residual_RMS step reads them for the RMS per date it keeps
# in rms_timeseriesResidual_ramp.txt, and no later step or result reads them; removed when MintPy has finished.
RESIDUAL_SCRATCH = ("timeseriesResidual.h5", "timeseriesResidual_ramp.h5")


def mintpy_disk_bytes(pixels: int, pairs: int, dates: int, options: "MintpyOptions") -> int:
    """What a MintPy run writes at its fullest, from what its files hold: float32 phase and coherence of every
    pair (inputs/ifgramStack.h5), each time series file alive at once, some 16 single-band layers, HDF5's
    chunks over the edges (5 %) and the pictures (about 20 MB). On bench/scale.py's 300 x 300 px, 61 dates
    and 177 pairs it says 289 MB for the 257 MB written: on the safe side."""
    series = 4  # timeseries.h5, its demErr correction and the two residuals (RESIDUAL_SCRATCH)
    series += options.deramp != "no"
    series += {"pyaps": 2, "height_correlation": 1}.get(options.troposphere, 0)  # ERA5: its delays as well
    series += options.atmosphere_filter
    return int(pixels * 1.05 * (8 * pairs + 4 * dates * series + 64) + 32 * 2**20)


# smallbaselineApp's steps (mintpy.defaults.template.STEP_LIST in MintPy 1.6); a test checks they agree.
STEPS = (
    "load_data",
    "modify_network",
    "reference_point",
    "quick_overview",
    "correct_unwrap_error",
    "invert_network",
    "correct_LOD",
    "correct_SET",
    "correct_ionosphere",
    "correct_troposphere",
    "deramp",
    "correct_topography",
    "residual_RMS",
    "reference_date",
    "velocity",
    "geocode",
    "google_earth",
    "hdfeos5",
)
STEP_HEADER = "******************** step - "
STATE_NAME = "sbas_mintpy_state.json"
FILTER_START = 95.0  # % of the step at which MintPy is done and the atmosphere filter starts
LOG_NAME = "sbas_mintpy.log"
# MintPy 1.6.4 draws a histogram with one bin per ambiguity count and fails when a stack has no
# unwrapping error at all; nothing after that step needs the overview, so the run goes on without it.
NO_AMBIGUITY_CRASH = "`bins` must be positive"
# MintPy before 1.5.2 put every grid half a pixel north-west of GDAL's (insarlab/MintPy#1034).
MINIMUM_MINTPY = (1, 5, 2)


class MintpyError(RuntimeError):
    """MintPy stopped; the message has the step and the end of its log."""


@dataclass(frozen=True)
class MintpyOptions:
    """The options users set in the notebooks, plus deramp and the project's atmosphere filter."""

    workers: int = 0  # 0: every core
    reference_date: str = "first"  # "first" (the notebooks' default), "auto" (MintPy's choice) or YYYYMMDD
    # "no", "pyaps" (ERA5; needs a CDS key in ~/.cdsapirc) or "height_correlation" (phase against elevation)
    troposphere: str = "no"
    deramp: str = "no"  # "no", "linear" or "quadratic"
    max_memory_gb: float = 0.0  # 0: half the free memory
    atmosphere_filter: bool = True  # the project's spatio-temporal filter after MintPy (core/stack/atmosphere.py)
    # MintPy's pictures in mintpy/pic: no result depends on them, and they took 27 % of the run at 600 x 600 px
    # (bench/scale.py); switching them reruns MintPy, as any of its settings does.
    pictures: bool = True
    # where MintPy's Dask workers run: "local" (this machine, when workers > 1) or "slurm" / "pbs" (workers
    # are batch jobs, dask-jobqueue); cluster_config: a dask-jobqueue YAML file, "" for its defaults
    cluster: str = "local"
    cluster_config: str = ""

    def __post_init__(self):
        """Refuses a cluster MintPy cannot use from here at once, not after the clipping."""
        if self.cluster not in CLUSTERS:
            raise ValueError(f"the cluster must be one of {', '.join(CLUSTERS)}, not {self.cluster!r}")
        if self.cluster == "local":
            return
        submit = SUBMIT_COMMANDS[self.cluster]
        if shutil.which(submit) is None:
            raise MintpyError(
                f"MintPy on {self.cluster} submits its workers with {submit}, which is not on PATH: run on a machine "
                f"that can submit {self.cluster} jobs (a login node), or choose the local cluster"
            )
        if not self.cluster_config:
            return
        try:
            text = Path(self.cluster_config).read_text(encoding="utf-8")
        except (OSError, UnicodeError) as error:
            raise MintpyError(
                f"cannot read the cluster configuration {self.cluster_config} ({error}): choose a readable "
                "dask-jobqueue YAML file, or none for dask-jobqueue's defaults"
            ) from error
        # MintPy would pass over a section of another name for dask-jobqueue's defaults, saying nothing
        if not re.search(rf"^jobqueue\s*:[\s\S]*^\s+{self.cluster}\s*:", text, re.MULTILINE):
            raise MintpyError(
                f"the cluster configuration {self.cluster_config} has no section jobqueue: {self.cluster}:, "
                "which MintPy reads (dask-jobqueue's YAML format)"
            )


@dataclass(frozen=True)
class ReferencePixel:
    row: int
    col: int
    coherence: float
    note: str


def _layer_files(clipped_dir: Path, layer: str) -> list:
    return sorted(clipped_dir.glob(f"*/*_{layer}.tif"))


def choose_reference_pixel(clipped_dir, scan=None) -> ReferencePixel:
    """The land pixel with the highest average coherence among those with phase in every
    interferogram, as MintPy computes both. Deterministic (MintPy picks at random among pixels above
    0.85 and stops when there are none, which happens on real stacks). `scan`: the folder's scan_clipped
    with coherence, when already made."""
    if scan is None or scan.coherence_sum is None:
        try:
            scan = scan_clipped(clipped_dir, coherence=True)
        except FileNotFoundError:
            raise MintpyError(f"{clipped_dir}: no clipped interferograms") from None
    valid = scan.counts == scan.products  # phase in every interferogram, on land
    if not valid.any():
        raise MintpyError("no land pixel has phase in every interferogram: enlarge the area of interest")
    average = np.where(valid, scan.coherence_sum / scan.products, -1.0)
    row, col = np.unravel_index(int(np.argmax(average)), average.shape)
    best = float(average[row, col])
    note = f"reference pixel row {row}, col {col}: the most coherent land pixel (average coherence {best:.2f})"
    if best <= 0.85:
        note += "; MintPy's own choice needs coherence above 0.85 and would have stopped"
    return ReferencePixel(int(row), int(col), best, note)


# A point users choose is kept, but MintPy picks one itself only above 0.85 average coherence and drops
# interferograms below 0.7; under 0.5 the point's noise, added to every pixel's series, deserves a word.
LOW_REFERENCE_COHERENCE = 0.5


def check_reference_pixel(clipped_dir, row: int, col: int) -> Optional[str]:
    """Refuses a point outside the clipped area, on water or without phase in some interferogram (MintPy
    would stop on it); returns a note when its average coherence is low, else None."""
    clipped_dir = Path(clipped_dir)

    def pixel(path: Path) -> float:
        with rasterio.open(path) as layer:
            if not (0 <= row < layer.height and 0 <= col < layer.width):
                raise MintpyError("the reference point lies outside the clipped area; choose one inside it")
            return float(layer.read(1, window=((row, row + 1), (col, col + 1)))[0, 0])  # one pixel, not the band

    water = _layer_files(clipped_dir, "water_mask")
    if water and pixel(water[0]) == 0:  # 1 land, 0 water: the one merged mask, which MintPy reads too
        raise MintpyError(
            "the reference point is on water, or outside every product's coverage (the water mask is 0 "
            "there); choose a land pixel that every product covers"
        )
    for path in _layer_files(clipped_dir, "unw_phase"):
        value = pixel(path)
        if not np.isfinite(value) or value == 0:
            raise MintpyError(f"the reference point has no phase in {path.name}; choose a coherent land pixel")
    coherence = [pixel(path) for path in _layer_files(clipped_dir, "corr")]
    average = float(np.mean(np.nan_to_num(coherence)))  # corr is a required layer
    if average >= LOW_REFERENCE_COHERENCE:
        return None
    return (
        f"reference pixel row {row}, col {col}: the point you chose has a low average coherence ({average:.2f}; "
        "MintPy's own choice needs above 0.85): its noise enters every pixel's time series, "
        "a point on stable ground such as a building or bare rock is better"
    )


def _max_memory_gb(options: MintpyOptions) -> float:
    if options.max_memory_gb > 0:
        return options.max_memory_gb
    try:
        import psutil  # comes with MintPy's dask

        return round(max(1.0, psutil.virtual_memory().available / 2**30 / 2), 1)
    except ImportError:
        return 4.0  # MintPy's own default


def dask_config_dir(template) -> Path:
    """The folder beside the template with write_template's copy of the cluster's dask-jobqueue file."""
    return Path(template).with_suffix(".dask")


def write_template(path, clipped_dir, reference: tuple, options: MintpyOptions) -> Path:
    """The MintPy template for clipped HyP3 products. Unwrapping-error correction stays off: GAMMA
    products carry no connected components. A cluster's dask-jobqueue file is copied to dask_config_dir."""
    clipped = Path(clipped_dir).resolve().as_posix()  # forward slashes: MintPy's globs break on mixed ones
    if options.troposphere not in TROPOSPHERE_METHODS:
        raise ValueError(f"tropospheric correction must be one of {', '.join(TROPOSPHERE_METHODS)}")
    if options.troposphere == "pyaps" and not (Path.home() / ".cdsapirc").is_file():
        raise MintpyError("tropospheric correction with ERA5 needs a CDS key in ~/.cdsapirc; or choose 'no'")
    workers = options.workers or os.cpu_count() or 1
    cluster, config = ("local" if workers > 1 else "no"), "none"  # local: as before the option, no config
    dask_dir = dask_config_dir(path)
    shutil.rmtree(dask_dir, ignore_errors=True)  # an earlier choice's copy
    if options.cluster != "local":  # MintpyOptions has checked it
        cluster = config = options.cluster  # MintPy reads dask's config `jobqueue.<cluster>`
        if options.cluster_config:
            # MintPy finds it only in dask's config folders: _run_steps points DASK_CONFIG at this one. Named as
            # dask-jobqueue's own file, so that dask-jobqueue writes no commented copy of its defaults beside it.
            dask_dir.mkdir(parents=True)
            shutil.copyfile(options.cluster_config, dask_dir / "jobqueue.yaml")
    layers = {
        "unwFile": "unw_phase",
        "corFile": "corr",
        "demFile": "dem",
        "incAngleFile": "lv_theta",
        "azAngleFile": "lv_phi",
        "waterMaskFile": "water_mask",
        "connCompFile": "conncomp",
    }
    lines = ["mintpy.load.processor = hyp3"]
    for key, layer in layers.items():
        if _layer_files(Path(clipped_dir), layer):
            lines.append(f"mintpy.load.{key} = {clipped}/*/*_{layer}.tif")
    reference_date = {"first": "no", "auto": "auto"}.get(options.reference_date, options.reference_date)
    lines += [
        f"mintpy.compute.cluster = {cluster}",
        f"mintpy.compute.numWorker = {workers}",
        f"mintpy.compute.config = {config}",
        f"mintpy.compute.maxMemory = {_max_memory_gb(options)}",
        f"mintpy.reference.yx = {reference[0]},{reference[1]}",
        f"mintpy.reference.date = {reference_date}",
        f"mintpy.troposphericDelay.method = {options.troposphere}",
        f"mintpy.deramp = {options.deramp}",
        "mintpy.unwrapError.method = no",
        f"mintpy.plot = {'yes' if options.pictures else 'no'}",
        f"{FILTER_KEY} = {'yes' if options.atmosphere_filter else 'no'}",
    ]
    path = Path(path)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _read_state(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def result_settings(template) -> list:
    """The template's lines that make MintPy's results what they are: not the compute settings (workers,
    memory), which change no result, and not the project's own keys (the filter runs after MintPy)."""
    lines = Path(template).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if not line.startswith(("mintpy.compute.", "sbas."))]


def _from(start: float, progress):
    """progress for the part of the step from `start` % to the end."""
    return (lambda percent: progress(start + (100.0 - start) * percent / 100.0)) if progress else None


def run_smallbaseline(
    template,
    work_dir,
    python: Optional[str] = None,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> list:
    """Run smallbaselineApp from the first step not yet finished with this template (all done: nothing
    to do). Output goes to WORK/sbas_mintpy.log; returns notes worth telling the user."""
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    template = Path(template)
    template_hash = hashlib.sha256("\n".join(result_settings(template)).encode()).hexdigest()
    state_path = work_dir / STATE_NAME
    state = _read_state(state_path)
    if state.get("template") != template_hash:
        if state:  # MintPy would keep results of the old settings its own checks find current
            clear_results(work_dir, keep=(template, work_dir / LOG_NAME))
        state = {"template": template_hash, "finished": []}
        write_json(state_path, state, indent=1)
    if any(step not in state["finished"] for step in STEPS):
        features = check_mintpy_version(python)
        era5 = "mintpy.troposphericDelay.method = pyaps" in result_settings(template)
        if era5 and "ERA5" not in features:
            raise MintpyError(
                f"the ERA5 tropospheric correction needs the module {OPTIONAL_FEATURES['ERA5']}, which the "
                f"MintPy in {python or sys.executable} lacks (the managed MintPy environment cannot have it: it "
                "has no wheels for Windows); choose another correction, or MintPy from conda-forge (README)"
            )
    notes = []
    while True:
        pending = [step for step in STEPS if step not in state["finished"]]
        if not pending:
            notes += apply_filter_setting(work_dir, progress=_from(FILTER_START, progress), is_canceled=is_canceled)
            if progress:
                progress(100.0)
            return notes
        failed_step, tail = _run_steps(template, work_dir, pending[0], python, state, state_path, progress, is_canceled)
        if failed_step is None:
            for name in RESIDUAL_SCRATCH:
                (work_dir / name).unlink(missing_ok=True)
            state["finished"] = list(STEPS)
            write_json(state_path, state, indent=1)
            continue
        if failed_step == "quick_overview" and NO_AMBIGUITY_CRASH in tail:
            notes.append("MintPy found no unwrapping errors; its overview of them cannot be drawn and was skipped")
            state["finished"].append("quick_overview")
            write_json(state_path, state, indent=1)
            continue
        raise MintpyError(f"MintPy stopped in step {failed_step}; the end of its log:\n{tail}")


# What smallbaselineApp writes at the top of its folder, all of it derived from the settings; inputs/ (the
# loaded stack and geometry, tropospheric delays) and weather downloads depend on the products only.
RESULT_PATTERNS = ("*.h5", "*.he5", "*.kmz", "*.cfg", "rms_*.txt", "reference_date.txt", "coherenceSpatialAvg.txt")
PICTURES = "pic"


def clear_results(work_dir: Path, keep=()) -> None:
    """Removes MintPy's results so that the next run computes every one with the new settings, exactly as
    in a new folder: reference date, deramp and troposphere rewrite time series in place, and MintPy skips
    a step whose output looks newer than its input whatever settings wrote it."""
    keep = {Path(path).resolve() for path in keep}
    for pattern in RESULT_PATTERNS:
        for path in work_dir.glob(pattern):
            if path.is_file() and path.resolve() not in keep:
                path.unlink()
    shutil.rmtree(work_dir / PICTURES, ignore_errors=True)


def check_mintpy_version(python: Optional[str] = None) -> list:
    """Refuses a MintPy older than MINIMUM_MINTPY in `python` (this interpreter when None), or none at all;
    returns the optional features (OPTIONAL_FEATURES) it can run. Cheap: importing mintpy takes well under a
    second."""
    python = python or sys.executable
    upgrade = f"{quoted(python)} -m pip install -U mintpy"
    try:
        answer = run_python(python, MINTPY_VERSION_SCRIPT)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise MintpyError(f"cannot start {python} ({error}): choose MintPy's Python in the plugin's options") from error
    printed = (answer.stdout.strip().splitlines() or [""])[-1].strip()
    if answer.returncode != 0 or not re.match(r"\d+\.\d+\.\d+", printed):
        why = (answer.stderr.strip().splitlines() or [printed or f"exit status {answer.returncode}"])[-1]
        raise MintpyError(f"cannot find MintPy's version in {python} ({why}): install it with `{upgrade}`")
    refusal = version_refusal(printed, python)
    if refusal:
        raise MintpyError(refusal)
    features = optional_features(answer.stdout)
    LOG.info("MintPy %s in %s; optional features: %s", printed, python, ", ".join(features) or "none")
    return features


def version_refusal(printed: str, python: str) -> Optional[str]:
    """Why the MintPy version `printed` (what MINTPY_VERSION_SCRIPT prints) in `python` cannot be used, or
    None when it can: the one rule for the run and the options page's check."""
    version = re.match(r"(\d+)\.(\d+)\.(\d+)", printed)
    if version is None:
        return f"{python} printed no MintPy version ({printed!r})"
    if tuple(int(part) for part in version.groups()) < MINIMUM_MINTPY:
        minimum = ".".join(str(part) for part in MINIMUM_MINTPY)
        return (
            f"MintPy {printed} in {python} is older than {minimum}, whose grids start at the pixel corner as "
            f"GDAL's do (older ones shift every result half a pixel), which this plugin relies on: "
            f"upgrade it with `{quoted(python)} -m pip install -U mintpy`"
        )
    return None


def _run_steps(template, work_dir, start, python, state, state_path, progress, is_canceled):
    """One smallbaselineApp process from `start` to the end. Returns (None, "") on success, else the
    failed step and the end of the log."""
    command = [
        python or sys.executable,
        "-m",
        "mintpy.cli.smallbaselineApp",
        str(template),
        "--work-dir",
        str(work_dir),
    ]
    if start != STEPS[0]:
        command += ["--start", start]
    log_path = work_dir / LOG_NAME
    LOG.info("running %s", " ".join(command))
    env = child_environment()
    if dask_config_dir(template).is_dir():  # the cluster's dask-jobqueue file: dask reads only its folders
        env["DASK_CONFIG"] = str(dask_config_dir(template).resolve())
    current, tail = None, []

    def on_line(line):
        nonlocal current, tail
        log.write(line)
        tail = [*tail[-59:], line.rstrip()]
        if line.startswith(STEP_HEADER):
            step = line[len(STEP_HEADER) :].split()[0]
            if current is not None:
                state["finished"].append(current)
                write_json(state_path, state, indent=1)
            current = step
            if progress and step in STEPS:
                progress(FILTER_START * STEPS.index(step) / len(STEPS))

    with open(log_path, "a", encoding="utf-8") as log:
        log.write(f"\n#### {' '.join(command)}\n")
        returncode = run_streaming(command, on_line, is_canceled, cwd=work_dir, env=env)
    if returncode == 0:
        return None, ""
    return current or start, "\n".join(tail)
