"""Accuracy of `sbas run`'s defaults against MintPy run by hand, on the realistic simulator (issue 12).

For each size and seed, ``core/simulate/realistic.py`` writes one stack of HyP3 INSAR_GAMMA products with its
truth (``ROWSxCOLSxDATES+broadV`` adds V m/yr of motion broader than the scene). Then, on those products and at
the same points (those of the default run's ``points.csv``):

1. sbas runs (``SBAS_SETS``): ``run_pipeline`` with default ``RunOptions`` (one MintPy worker), over an area drawn
   in EPSG:3857 covering the scene but its 2-pixel border, and with one option changed (no atmosphere filter,
   deramp linear, mask_low_coherence) in a copy of the default's finished folder; scored with ``score_work``;
2. MintPy by hand as a skilled user runs it: the template the default run wrote (``WORK/mintpy/sbas_mintpy.txt``,
   same clipped folder, same reference pixel) with only the option keys changed, ``smallbaselineApp`` in a fresh
   folder per set, scored with ``score_timeseries``: (a) demErr only, (b) + deramp linear, (c) + height_correlation
   troposphere, (d) + both;
3. one MintPy option at a time, by hand: unwrapping-error correction (bridging, phase_closure), deramp
   quadratic, demErr off, MintPy's own reference point.

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

from sbas_plugin.core.crs import transform_xy
from sbas_plugin.core.environment import child_environment
from sbas_plugin.core.pipeline import RunOptions, run_pipeline
from sbas_plugin.core.simulate.realistic import TRUTH_NAME, read_truth, write_realistic_stack
from sbas_plugin.core.simulate.scoring import Score, score_timeseries, score_work
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
# sbas runs with other options than the default, each in its own work folder beside the default's
SBAS_SETS = {
    DEFAULT: RunOptions(mintpy=MintpyOptions(workers=1)),
    "sbas run without the atmosphere filter": RunOptions(mintpy=MintpyOptions(workers=1, atmosphere_filter=False)),
    "sbas run + deramp linear": RunOptions(mintpy=MintpyOptions(workers=1, deramp="linear")),
    MASKED: RunOptions(mintpy=MintpyOptions(workers=1), mask_low_coherence=True),
}
ALL_SETS = [*SBAS_SETS, *HAND_SETS, *OPTION_SETS]
# Run order: what the comparison needs first, so a study cut short still has it for every seed and size.
PHASES = ([DEFAULT, *HAND_SETS], [name for name in ALL_SETS if name not in (DEFAULT, *HAND_SETS)])


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


def as_record(score: Score) -> dict:
    return {
        "rms_mm": score.rms_mm,
        "velocity_mm_yr": score.velocity_rms_mm_per_year,
        "area_rms_mm": score.area_rms_mm,
        "points": score.points,
        "no_value": score.no_value,
        "step_true_mm": score.step_true_mm,
        "step_measured_mm": score.step_measured_mm,
    }


def measure(name: str, size: tuple, seed: int, out: Path) -> dict:
    rows, cols, n_dates, broad = size
    case = out / size_label(size) / f"seed{seed}"
    products, work = case / "products", case / "sbas"
    if not (products / TRUTH_NAME).is_file():  # written last: without it the stack is unfinished
        shutil.rmtree(products, ignore_errors=True)
        write_realistic_stack(products, seed=seed, rows=rows, cols=cols, n_dates=n_dates, broad_m_per_year=broad)
    truth = read_truth(products / TRUTH_NAME)
    aoi = str(write_aoi(case / "aoi_epsg3857.geojson", truth))
    record: dict = {}
    started = time.monotonic()
    if name in SBAS_SETS:
        folder = work if name == DEFAULT else case / slug(name)
        if name != DEFAULT:
            # A copy of the default's finished folder: a rerun with other options gives exactly a fresh run's
            # results (tests/unit/test_pipeline.py) and redoes only the steps the options change.
            if not (work / "points.csv").is_file():
                raise RuntimeError(f"{work}: the default run comes first")
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(work, folder)
        run = run_pipeline(products, aoi, folder, options=SBAS_SETS[name])
        record.update(as_record(score_work(folder, truth)))
        record["temporal_coherence"] = mean_temporal_coherence(run.mintpy_dir)
    else:
        if not (work / "points.csv").is_file():
            raise RuntimeError(f"{work}: the default run comes first (its clipped folder, template and points)")
        keys = {**HAND_SETS, **OPTION_SETS}[name]
        folder = case / "hand" / slug(name.split(":")[0])
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


def slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.replace("'", "")).strip("_")


def load_results(path: Path) -> dict:
    results = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            results[(item["size"], item["seed"], item["set"])] = item
    return results


def size_label(size) -> str:
    rows, cols, n_dates, broad = size
    return f"{rows}x{cols}x{n_dates}" + (f"+broad{broad:g}" if broad else "")


def parse_size(text: str) -> tuple:
    """ROWSxCOLSxDATES, optionally +broadV: V m/yr of motion broader than the scene (a plane west to east)."""
    dims, _, broad = text.partition("+broad")
    return (*(int(n) for n in dims.split("x")), float(broad or 0))


def mean_of(items: list, key: str, area: str | None = None) -> float:
    values = [(item["area_rms_mm"][area] if area else item[key]) for item in items if "rms_mm" in item]
    return float(np.nanmean(values)) if values else float("nan")


def jump(items: list) -> str:
    """The RMS error over the seeds of the step's size across its date as the result shows it."""
    errors = [item["step_measured_mm"] - item["step_true_mm"] for item in items if "step_measured_mm" in item]
    return f"{np.sqrt(np.mean(np.square(errors))):.2f}" if errors and len(errors) == len(items) else "-"


def table(results: dict, sizes: list, seeds: list) -> list:
    lines = []
    header = f"{'set':38} {'seeds':>5} {'RMS mm':>7} {'vel mm/yr':>9} {'step mm':>7} {'jump err':>8} {'seas. mm':>8}"
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
                f"{mean_of(scored, 'velocity_mm_yr'):9.2f} {mean_of(scored, '', 'step'):7.2f} {jump(scored):>8} "
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
            per_seed = []
            for seed in seeds:
                default = results.get((label, seed, DEFAULT), {}).get("rms_mm")
                hands = [results.get((label, seed, name), {}).get("rms_mm") for name in HAND_SETS]
                hands = [rms for rms in hands if rms is not None]
                if default is not None and hands:
                    per_seed.append(f"seed {seed} {default:.2f} / {min(hands):.2f} = {default / min(hands):.2f}")
            lines.append("per seed, default / its best hand run: " + "; ".join(per_seed))
    return lines


def rescore(results: dict, out: Path, results_path: Path) -> None:
    """Every hand run's record scored again from its folder, the file rewritten whole."""
    for (size, seed, name), record in results.items():
        if name in SBAS_SETS or "rms_mm" not in record:
            continue
        case = out / size / f"seed{seed}"
        truth = read_truth(case / "products" / TRUTH_NAME)
        folder = case / "hand" / slug(name.split(":")[0])
        record.update(as_record(score_timeseries(folder, case / "sbas" / "points.csv", truth)))
    lines = "".join(json.dumps(record) + "\n" for record in results.values())
    partial = results_path.with_name(results_path.name + ".part")
    partial.write_text(lines, encoding="utf-8")
    partial.replace(results_path)


def uptime() -> str:
    return " ".join(Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument(
        "--sizes",
        default="60x60x24,90x90x30",
        help="ROWSxCOLSxDATES[+broadV], comma-separated (V: m/yr of motion broader than the scene)",
    )
    parser.add_argument("--sets", default="", help="only these sets (comma-separated names); default: all")
    parser.add_argument("--table-only", action="store_true", help="print the table of what is measured, run none")
    parser.add_argument(
        "--rescore", action="store_true", help="score the hand runs already made again (a new scorer), run none"
    )
    args = parser.parse_args()
    seeds = [int(seed) for seed in args.seeds.split(",")]
    sizes = [parse_size(size) for size in args.sizes.split(",")]
    wanted = [name.strip() for name in args.sets.split(",") if name.strip()] or ALL_SETS
    args.out.mkdir(parents=True, exist_ok=True)
    results_path = args.out / "results.jsonl"
    results = load_results(results_path)
    started = time.monotonic()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {platform.platform()}, {os.cpu_count()} cores")
    print(f"load at start (1, 5, 15 min): {uptime()}", flush=True)
    if args.rescore:
        rescore(results, args.out, results_path)
    for phase in () if args.table_only or args.rescore else PHASES:
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
