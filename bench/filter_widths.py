"""The atmosphere filter's widths (core/stack/atmosphere.py), measured on the realistic simulator.

On the folders `bench/accuracy.py` made (OUT/<size>/seed<k>/hand/hand_a: MintPy's own time series of the default
run's template, before the filter), the filter is applied with each pair of widths and scored with
`core/simulate/scoring.py` at the default run's points: overall RMS per size, the step area, the error of the
step's size across its date (RMS and mean over the stacks), the seasonal area and the velocity. The default
widths are the narrowest spatial kernel that keeps the step's size (docs/accuracy.md).

    .venv/bin/python bench/filter_widths.py [--out /var/tmp/sbas-accuracy]
"""

import argparse
import tempfile
from pathlib import Path

import numpy as np

from sbas_plugin.core.results.mintpy_files import find_timeseries
from sbas_plugin.core.simulate.realistic import TRUTH_NAME, read_truth
from sbas_plugin.core.simulate.scoring import score_timeseries
from sbas_plugin.core.stack.atmosphere import SPATIAL_SIGMA_M, TEMPORAL_SIGMA_DAYS, filter_atmosphere

SPATIAL_M = (160, 240, 320, 400, 480, 640, 960)
TEMPORAL_DAYS = (18, 73)  # besides the default, at the default spatial width


def score_all(cases: list, widths) -> list:
    scores = []
    for case in cases:
        folder = case / "hand" / "hand_a"
        truth = read_truth(case / "products" / TRUTH_NAME)
        source = find_timeseries(folder)
        if widths is None:
            scores.append(score_timeseries(source, case / "sbas" / "points.csv", truth))
            continue
        # Beside the source: the scorer reads MintPy's files beside the series (its empty values).
        with tempfile.NamedTemporaryFile(dir=folder, prefix="widths_", suffix=".h5") as target:
            filter_atmosphere(source, target.name, spatial_sigma_m=widths[0], temporal_sigma_days=widths[1])
            scores.append(score_timeseries(Path(target.name), case / "sbas" / "points.csv", truth))
    return scores


def row(label: str, cases: list, scores: list) -> str:
    sizes = sorted({case.parent.name for case in cases})
    rms = [np.mean([s.rms_mm for c, s in zip(cases, scores) if c.parent.name == size]) for size in sizes]
    jumps = np.array([s.step_measured_mm - s.step_true_mm for s in scores])
    return (
        f"{label:28} "
        + " ".join(f"{value:7.2f}" for value in rms)
        + f" {np.mean([s.area_rms_mm['step'] for s in scores]):7.2f} {np.sqrt(np.mean(jumps**2)):5.2f} "
        f"({np.mean(jumps):+5.2f}) {np.mean([s.area_rms_mm['seasonal'] for s in scores]):7.2f} "
        f"{np.mean([s.velocity_rms_mm_per_year for s in scores]):7.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/var/tmp/sbas-accuracy"))
    parser.add_argument("--sizes", default="60x60x24,90x90x30")
    args = parser.parse_args()
    sizes = args.sizes.split(",")
    cases = [args.out / size / f"seed{seed}" for size in sizes for seed in (0, 1, 2)]
    cases = [case for case in cases if (case / "hand" / "hand_a").is_dir()]
    print(f"{'widths':28} " + " ".join(f"{'RMS ' + size.split('x')[0]:>7}" for size in sizes)
          + "    step jump (mean)   seas.     vel")  # fmt: skip
    print(row("none", cases, score_all(cases, None)))
    widths = [(m, TEMPORAL_SIGMA_DAYS) for m in SPATIAL_M] + [(SPATIAL_SIGMA_M, d) for d in TEMPORAL_DAYS]
    for spatial, temporal in widths:
        print(row(f"{spatial:g} m, {temporal:g} d", cases, score_all(cases, (spatial, temporal))), flush=True)


if __name__ == "__main__":
    main()
