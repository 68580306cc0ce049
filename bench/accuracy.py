"""Accuracy of `sbas run`'s defaults against MintPy run by hand, on the realistic simulator (issue 12).

For each size and seed, ``core/simulate/realistic.py`` writes one stack of HyP3 INSAR_GAMMA products with its
truth. Then, on those products and at the same points (those of the default run's ``points.csv``):

1. ``default``: ``run_pipeline`` with default ``RunOptions`` (one MintPy worker), over an area drawn in EPSG:3857
   covering the scene but its 2-pixel border, scored with ``score_work``;
2. MintPy by hand as a skilled user runs it: the template the default run wrote (``WORK/mintpy/sbas_mintpy.txt``,
   same clipped folder, same reference pixel) with only the option keys changed, ``smallbaselineApp`` in a fresh
   folder per set, scored with ``score_timeseries``: (a) demErr only, (b) + deramp linear, (c) + height_correlation
   troposphere, (d) + both;
3. one option at a time: unwrapping-error correction (bridging, phase_closure), deramp quadratic, demErr off,
   MintPy's own reference point (by hand: ``run_pipeline`` has no such option), and ``mask_low_coherence``
   (``run_pipeline``'s option, scored on the GeoTIFFs the user gets: ``Geotiff_value.csv`` is read from MintPy's
   HDF5 unmasked). Deramp linear, troposphere and demErr on are sets (b), (c) and (a).

Hand runs set ``mintpy.plot = no`` (plots change no number and were more than half of a run's time here); the
default run keeps the project's ``yes``. A hand run that stops is run again once with the same command, as a user
would after an error: MintPy's update mode then resumes, and what it makes of the stack is what is scored.
MintPy 1.6.4 stops in quick_overview on a stack without unwrapping errors; as ``core/stack/mintpy.py`` does, the
run then goes on from the next step.

Results are kept in OUT/results.jsonl (one line per size, seed and set): a second call measures only what is
missing, then prints the whole table. Run it under ``nice -n 10``: one MintPy at a time, one worker.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import rasterio

from sbas_plugin.core.crs import transform_xy
from sbas_plugin.core.environment import child_environment
from sbas_plugin.core.grid import Grid
from sbas_plugin.core.pipeline import RunOptions, run_pipeline
from sbas_plugin.core.results.points import read_points_csv
from sbas_plugin.core.simulate.realistic import TRUTH_NAME, read_truth, write_realistic_stack
from sbas_plugin.core.simulate.scoring import Score, score_points, score_timeseries, score_work
from sbas_plugin.core.stack.mintpy import NO_AMBIGUITY_CRASH, STEP_HEADER, STEPS, MintpyOptions
from sbas_plugin.core.workfolder import MINTPY_TEMPLATE as TEMPLATE_NAME

DEFAULT_OUT = Path("/var/tmp/sbas-accuracy")
BORDER_PX = 2.3  # the area stops this far inside the scene, as in `sbas demo --realistic`

DEMERR_ONLY = {
    "mintpy.topographicResidual": "yes",
    "mintpy.troposphericDelay.method": "no",
    "mintpy.deramp": "no",
    "mintpy.unwrapError.method": "no",
}
HAND_SETS = {
    "hand a: demErr": DEMERR_ONLY,
    "hand b: demErr + deramp linear": {**DEMERR_ONLY, "mintpy.deramp": "linear"},
    "hand c: demErr + height_correlation": {**DEMERR_ONLY, "mintpy.troposphericDelay.method": "height_correlation"},
    "hand d: demErr + both": {
        **DEMERR_ONLY,
        "mintpy.deramp": "linear",
        "mintpy.troposphericDelay.method": "height_correlation",
    },
}
OPTION_SETS = {
    "unwrapError bridging": {**DEMERR_ONLY, "mintpy.unwrapError.method": "bridging"},
    "unwrapError phase_closure": {**DEMERR_ONLY, "mintpy.unwrapError.method": "phase_closure"},
    "deramp quadratic": {**DEMERR_ONLY, "mintpy.deramp": "quadratic"},
    "demErr off": {**DEMERR_ONLY, "mintpy.topographicResidual": "no"},
    "reference: MintPy's own": {**DEMERR_ONLY, "mintpy.reference.yx": "auto"},
}
DEFAULT, MASKED = "default sbas run", "sbas run + mask_low_coherence"
ALL_SETS = [DEFAULT, *HAND_SETS, MASKED, *OPTION_SETS]
# Run order: what the comparison needs first, so a study cut short still has it for every seed and size.
PHASES = ([DEFAULT, *HAND_SETS], [MASKED, *OPTION_SETS])


def write_aoi(path: Path, truth) -> Path:
    """A rectangle over the scene but its border, drawn in EPSG:3857 as users draw on a web basemap."""
    rows, cols = truth.displacement_m.shape[1:]
    x0, dx, _, y0, _, dy = truth.transform
    corners = [(BORDER_PX, BORDER_PX), (cols - BORDER_PX, BORDER_PX), (cols - BORDER_PX, rows - BORDER_PX)]
    corners += [(BORDER_PX, rows - BORDER_PX), (BORDER_PX, BORDER_PX)]
    xs, ys = transform_xy(
        [x0 + c * dx for c, _ in corners], [y0 + r * dy for _, r in corners], f"EPSG:{truth.epsg}", "EPSG:3857"
    )
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [[[x, y] for x, y in zip(xs.tolist(), ys.tolist())]]},
    }
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
        "features": [feature],
    }
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


def hand_template(sbas_template: Path, keys: dict, path: Path) -> Path:
    """The sbas run's template with `keys` set (replaced where present, else added), one worker, no plots."""
    keys = {**keys, "mintpy.compute.cluster": "no", "mintpy.compute.numWorker": "1", "mintpy.plot": "no"}
    lines, seen = [], set()
    for line in sbas_template.read_text(encoding="utf-8").splitlines():
        key = line.split("=")[0].strip()
        if key in keys:
            seen.add(key)
            line = f"{key} = {keys[key]}"
        lines.append(line)
    lines += [f"{key} = {value}" for key, value in keys.items() if key not in seen]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def smallbaseline(template: Path, work: Path, log, start: str | None = None) -> tuple:
    """One smallbaselineApp process; (exit status, the step it was in, the end of its output)."""
    command = [sys.executable, "-m", "mintpy.cli.smallbaselineApp", str(template), "--work-dir", str(work)]
    command += ["--start", start] if start else []
    log.write(f"\n#### {' '.join(command)}\n")
    log.flush()
    done = subprocess.run(command, cwd=work, env=child_environment(), capture_output=True, text=True, errors="replace")
    output = done.stdout + done.stderr
    log.write(output)
    steps = [line[len(STEP_HEADER) :].split()[0] for line in output.splitlines() if line.startswith(STEP_HEADER)]
    return done.returncode, (steps[-1] if steps else start or STEPS[0]), output[-4000:]


def error_line(tail: str) -> str:
    errors = [line for line in tail.splitlines() if "Error" in line or "error" in line]
    return (errors or tail.splitlines()[-1:] or ["?"])[-1].strip()


def run_by_hand(template: Path, work: Path) -> dict:
    """smallbaselineApp to the end in `work`, as a user does; returns what happened on the way."""
    happened = {"stops": []}
    with open(work / "run.log", "a", encoding="utf-8") as log:
        start, attempts = None, 0
        while True:
            status, step, tail = smallbaseline(template, work, log, start)
            if status == 0:
                return happened
            if step == "quick_overview" and NO_AMBIGUITY_CRASH in tail:
                start = STEPS[STEPS.index("quick_overview") + 1]  # what core/stack/mintpy.py does too
                continue
            happened["stops"].append(f"{step}: {error_line(tail)}")
            attempts += 1
            if attempts > 1:
                happened["failed"] = True
                return happened
            start = None  # the same command again


def mean_temporal_coherence(mintpy_dir: Path) -> float | None:
    path = mintpy_dir / "temporalCoherence.h5"
    if not path.is_file():
        return None
    with h5py.File(path, "r") as f:
        return float(np.nanmean(f["temporalCoherence"][()]))


def score_geotiffs(work: Path, truth) -> Score:
    """The per-date GeoTIFFs an sbas run exported (NaN where masked), read at its points."""
    points = read_points_csv(work / "points.csv")
    files = sorted((work / "GeoTiffs" / "displacement_maps" / "unwrapped" / "Meters").glob("*.tif"))
    dates, values = [], []
    for path in files:
        with rasterio.open(path) as tif:
            grid = Grid.from_gdal(tif.transform.to_gdal(), tif.width, tif.height)
            rows, cols, _ = grid.pixel_of(points.x, points.y)
            values.append(tif.read(1)[rows, cols])
        dates.append(path.name.split("_")[1])
    return score_points(points, dates, np.array(values, np.float64), truth)


def as_record(score: Score) -> dict:
    return {
        "rms_mm": score.rms_mm,
        "velocity_mm_yr": score.velocity_rms_mm_per_year,
        "area_rms_mm": score.area_rms_mm,
        "points": score.points,
        "no_value": score.no_value,
    }


def measure(name: str, size: tuple, seed: int, out: Path) -> dict:
    rows, cols, n_dates = size
    case = out / f"{rows}x{cols}x{n_dates}" / f"seed{seed}"
    products, work = case / "products", case / "sbas"
    if not (products / TRUTH_NAME).is_file():  # written last: without it the stack is unfinished
        shutil.rmtree(products, ignore_errors=True)
        write_realistic_stack(products, seed=seed, rows=rows, cols=cols, n_dates=n_dates)
    truth = read_truth(products / TRUTH_NAME)
    aoi = str(write_aoi(case / "aoi_epsg3857.geojson", truth))
    default = RunOptions(mintpy=MintpyOptions(workers=1))
    record: dict = {}
    started = time.monotonic()
    if name in (DEFAULT, MASKED):
        masked = name == MASKED
        options = RunOptions(mintpy=default.mintpy, mask_low_coherence=masked)
        run = run_pipeline(products, aoi, work, options=options)
        record.update(as_record(score_geotiffs(work, truth) if masked else score_work(work, truth)))
        record["temporal_coherence"] = mean_temporal_coherence(run.mintpy_dir)
    else:
        if not (work / "points.csv").is_file():
            raise RuntimeError(f"{work}: the default run comes first (its clipped folder, template and points)")
        keys = {**HAND_SETS, **OPTION_SETS}[name]
        folder = case / "hand" / name.split(":")[0].replace(" ", "_").replace("'", "")
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        template = hand_template(work / "mintpy" / TEMPLATE_NAME, keys, folder / "hand_mintpy.txt")
        record.update(run_by_hand(template, folder))
        record["temporal_coherence"] = mean_temporal_coherence(folder)
        if not record.get("failed"):
            try:
                record.update(as_record(score_timeseries(folder, work / "points.csv", truth)))
            except (ValueError, FileNotFoundError) as error:
                record["unscored"] = str(error)
    record["seconds"] = round(time.monotonic() - started, 1)
    return record


def load_results(path: Path) -> dict:
    results = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            results[(item["size"], item["seed"], item["set"])] = item
    return results


def size_label(size) -> str:
    return "x".join(str(n) for n in size)


def mean_of(items: list, key: str, area: str | None = None) -> float:
    values = [(item["area_rms_mm"][area] if area else item[key]) for item in items if "rms_mm" in item]
    return float(np.nanmean(values)) if values else float("nan")


def table(results: dict, sizes: list, seeds: list) -> list:
    lines = []
    header = f"{'set':38} {'seeds':>5} {'RMS mm':>7} {'vel mm/yr':>9} {'step mm':>7} {'seas. mm':>8}"
    header += f" {'points':>7} {'no val':>6} {'tcoh':>5}  notes"
    for size in sizes:
        label = size_label(size)
        lines += ["", f"size {label} (rows x cols x dates): mean over seeds {seeds}", header]
        rms_by_set = {}
        for name in ALL_SETS:
            items = [results[(label, seed, name)] for seed in seeds if (label, seed, name) in results]
            if not items:
                continue
            scored = [item for item in items if "rms_mm" in item]
            rms_by_set[name] = mean_of(scored, "rms_mm") if len(scored) == len(items) else float("nan")
            notes = sorted({stop for item in items for stop in item.get("stops", [])})
            notes += sorted({item["unscored"] for item in items if "unscored" in item})
            coherence = [item["temporal_coherence"] for item in items if item.get("temporal_coherence") is not None]
            lines.append(
                f"{name:38} {len(scored):>2}/{len(items):<2} {mean_of(scored, 'rms_mm'):7.2f} "
                f"{mean_of(scored, 'velocity_mm_yr'):9.2f} {mean_of(scored, '', 'step'):7.2f} "
                f"{mean_of(scored, '', 'seasonal'):8.2f} {mean_of(scored, 'points'):7.0f} "
                f"{mean_of(scored, 'no_value'):6.0f} {np.mean(coherence) if coherence else float('nan'):5.2f}  "
                + " | ".join(notes)[:300]
            )
        hand = {name: rms for name, rms in rms_by_set.items() if name in HAND_SETS and np.isfinite(rms)}
        if DEFAULT in rms_by_set and hand:
            best = min(hand, key=hand.get)
            ratio = rms_by_set[DEFAULT] / hand[best]
            lines.append(
                f"default / best hand run ({best}): {rms_by_set[DEFAULT]:.2f} / {hand[best]:.2f} mm = {ratio:.2f}"
            )
    return lines


def uptime() -> str:
    return " ".join(Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--sizes", default="60x60x24,90x90x30", help="rows x cols x dates, comma-separated")
    parser.add_argument("--sets", default="", help="only these sets (comma-separated names); default: all")
    parser.add_argument("--table-only", action="store_true", help="print the table of what is measured, run none")
    args = parser.parse_args()
    seeds = [int(seed) for seed in args.seeds.split(",")]
    sizes = [tuple(int(n) for n in size.split("x")) for size in args.sizes.split(",")]
    wanted = [name.strip() for name in args.sets.split(",") if name.strip()] or ALL_SETS
    args.out.mkdir(parents=True, exist_ok=True)
    results_path = args.out / "results.jsonl"
    results = load_results(results_path)
    started = time.monotonic()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {platform.platform()}, {os.cpu_count()} cores")
    print(f"load at start (1, 5, 15 min): {uptime()}", flush=True)
    for phase in () if args.table_only else PHASES:
        for size in sizes:
            for seed in seeds:
                for name in phase:
                    key = (size_label(size), seed, name)
                    if name not in wanted or key in results:
                        continue
                    record = {"size": key[0], "seed": seed, "set": name, **measure(name, size, seed, args.out)}
                    results[key] = record
                    with open(results_path, "a", encoding="utf-8") as f:
                        f.write(json.dumps(record) + "\n")
                    shown = f"{record['rms_mm']:.2f} mm" if "rms_mm" in record else "not scored"
                    print(f"{key[0]} seed {seed} {name}: {shown}, {record['seconds']} s", flush=True)
    print("\n".join(table(results, sizes, seeds)))
    print(f"\nload at end: {uptime()}; wall time {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
