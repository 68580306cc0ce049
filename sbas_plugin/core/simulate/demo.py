"""`sbas demo`: the whole pipeline offline on a synthetic HyP3 stack, scored against its known truth.

The default is ``core/synthetic.py``'s easy stack; ``run_realistic_demo`` runs ``core/realistic.py``'s stack
(two satellites, atmosphere, DEM error, ramps, decorrelation, unwrapping errors, moving footprints) and scores it
with ``core/scoring.py``."""

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from sbas_plugin.core.crs import transform_xy
from sbas_plugin.core.dates import parse_date
from sbas_plugin.core.grid import Grid
from sbas_plugin.core.pipeline import RunOptions, RunResult, run_pipeline
from sbas_plugin.core.results.points import read_points_csv
from sbas_plugin.core.results.wide_table import read_wide_table
from sbas_plugin.core.simulate.realistic import TRUTH_NAME, read_truth, write_realistic_stack
from sbas_plugin.core.simulate.scoring import Score, score_work
from sbas_plugin.core.simulate.synthetic import write_synthetic_stack
from sbas_plugin.core.workfolder import WorkFolder

TRUTH = "truth.npz"


@dataclass(frozen=True)
class DemoResult:
    run: RunResult
    aoi: Path
    rms_mm: float  # displacement at the points vs the truth, over every point and date
    points: int
    dates: int


def aoi_in_web_mercator(path: Path, transform, epsg: int, cols: tuple, rows: tuple) -> Path:
    """A rectangle of the scene drawn in EPSG:3857, as users draw areas on a web basemap."""
    x0, dx, _, y0, _, dy = transform
    corners = [(cols[0], rows[0]), (cols[1], rows[0]), (cols[1], rows[1]), (cols[0], rows[1]), (cols[0], rows[0])]
    xs, ys = transform_xy(
        [x0 + c * dx for c, _ in corners], [y0 + r * dy for _, r in corners], f"EPSG:{epsg}", "EPSG:3857"
    )
    ring = [[x, y] for x, y in zip(xs.tolist(), ys.tolist())]
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
                "features": [
                    {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}
                ],
            }
        ),
        encoding="utf-8",
    )
    return path


def easy_demo_truth(out: Path) -> dict:
    """Write the stack once; later runs read the truth kept beside it."""
    saved = out / TRUTH
    if not saved.is_file():
        truth = write_synthetic_stack(out / "products", zipped=True, max_shift_px=3)
        np.savez(
            saved,
            velocity=truth.velocity_m_per_year,
            transform=np.array(truth.transform),
            epsg=truth.epsg,
            dates=np.array([d.isoformat() for d in truth.dates]),
            sharp_feature=np.array(truth.sharp_feature),
        )
    with np.load(saved) as data:
        return {key: data[key] for key in data.files}


def score(run: RunResult, truth: dict) -> tuple:
    """RMS (mm) of Geotiff_value.csv against the truth, both relative to MintPy's reference pixel and
    the first date: (rms, number of points scored: those with a value at every date, number of dates)."""
    x0, dx, _, y0, _, dy = truth["transform"]
    velocity = truth["velocity"]
    manifest = json.loads(WorkFolder(run.work).manifest.read_text(encoding="utf-8"))
    grid_x0, grid_y0, _, _, _, _ = manifest["steps"]["clip"]["grid"]
    ref_row, ref_col = manifest["steps"]["mintpy"]["reference"]
    reference = velocity[round((grid_y0 - y0) / dy) + ref_row, round((grid_x0 - x0) / dx) + ref_col]

    points = read_points_csv(run.points_csv)
    rows, cols, inside = Grid.from_gdal(truth["transform"], velocity.shape[1], velocity.shape[0]).pixel_of(
        points.x, points.y
    )
    if not inside.all():
        raise ValueError(f"{run.points_csv}: points off the synthetic scene; is it of another run?")
    expected_velocity = velocity[rows, cols] - reference
    table = read_wide_table(run.values_csv)  # it or its parts
    if table.columns != [f"{fid}_value" for fid in points.fid]:
        raise ValueError(f"{run.values_csv} does not hold the points of {run.points_csv}")
    first = dt.date.fromisoformat(str(truth["dates"][0]))
    errors = []
    for label, measured in zip(table.labels, table.values):
        date = parse_date(label.split("_")[1])
        years = (date - first).days / 365.25
        errors.append(measured - expected_velocity * years)
    errors = np.array(errors)
    rms = float(np.sqrt(np.nanmean(errors**2)) * 1000)
    return rms, int(np.isfinite(errors).all(axis=0).sum()), len(table.labels)  # points with a value: those scored


def run_demo(
    out,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
    python: Optional[str] = None,
) -> DemoResult:
    """The easy demo's stack in `out`, run through the pipeline (MintPy with `python`; None: this one) and scored."""
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    truth = easy_demo_truth(out)
    # Away from the scene's edges and from the patch that carries a deliberate unwrapping error.
    aoi = aoi_in_web_mercator(
        out / "aoi_epsg3857.geojson", truth["transform"], int(truth["epsg"]), (8.3, 78.6), (6.2, 44.7)
    )
    options = RunOptions(python=python)
    run = run_pipeline(
        out / "products", str(aoi), out / "work", options=options, progress=progress, is_canceled=is_canceled
    )
    rms, n_points, n_dates = score(run, truth)
    return DemoResult(run, aoi, rms, n_points, n_dates)


# The realistic demo's stack: big and long enough for its signal areas and a year's seasons, small enough
# for MintPy to take minutes, not hours.
REALISTIC_SIZE = (100, 100)
REALISTIC_DATES = 24


@dataclass(frozen=True)
class RealisticDemoResult:
    run: RunResult
    aoi: Path
    score: Score


def run_realistic_demo(
    out,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> RealisticDemoResult:
    """The realistic stack in ``out/realistic``, run through the pipeline and scored at every point of an area
    covering the scene but its 2-pixel border (partly covered ground and the lake included: that is real)."""
    out = Path(out).resolve() / "realistic"
    products = out / "products"
    if not (products / TRUTH_NAME).is_file():  # the truth is written last: without it the stack is unfinished
        shutil.rmtree(products, ignore_errors=True)
        rows, cols = REALISTIC_SIZE
        write_realistic_stack(products, rows=rows, cols=cols, n_dates=REALISTIC_DATES, is_canceled=is_canceled)
    truth = read_truth(products / TRUTH_NAME)
    rows, cols = truth.displacement_m.shape[1:]
    aoi = aoi_in_web_mercator(
        out / "aoi_epsg3857.geojson", truth.transform, truth.epsg, (2.3, cols - 2.3), (2.3, rows - 2.3)
    )
    run = run_pipeline(products, str(aoi), out / "work", progress=progress, is_canceled=is_canceled)
    return RealisticDemoResult(run, aoi, score_work(run.work, truth))


# The two-track demo: one realistic world seen from an ascending and a descending pass, each run through the
# pipeline, then decomposed. Smaller than the realistic demo: it runs MintPy twice.
TWO_TRACK_SIZE = (72, 72)
TWO_TRACK_DATES = 18


@dataclass(frozen=True)
class TwoTrackDemoResult:
    runs: dict  # "ascending" / "descending" -> RunResult
    decomposition: object  # core.results.decomposition.Decomposition
    scores: dict  # "vertical" / "east" -> Score


def run_two_track_demo(
    out,
    size: tuple = TWO_TRACK_SIZE,
    n_dates: int = TWO_TRACK_DATES,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> TwoTrackDemoResult:
    """``out/two_tracks/<track>/`` for each pass (products, area, work), the decomposition in
    ``out/two_tracks/decomposition``, scored against the world's ground motion."""
    from sbas_plugin.core.results.decomposition import decompose_work_folders
    from sbas_plugin.core.simulate.realistic import TRACKS
    from sbas_plugin.core.simulate.scoring import score_decomposition

    out = Path(out).resolve() / "two_tracks"
    report = progress or (lambda percent: None)
    truths, runs = {}, {}
    for n, track in enumerate(sorted(TRACKS)):
        products = out / track / "products"
        if not (products / TRUTH_NAME).is_file():
            shutil.rmtree(products, ignore_errors=True)
            write_realistic_stack(
                products, rows=size[0], cols=size[1], n_dates=n_dates, track=track, is_canceled=is_canceled
            )
        truths[track] = truth = read_truth(products / TRUTH_NAME)
        rows, cols = truth.displacement_m.shape[1:]
        aoi = aoi_in_web_mercator(
            out / track / "aoi_epsg3857.geojson", truth.transform, truth.epsg, (2.3, cols - 2.3), (2.3, rows - 2.3)
        )
        runs[track] = run_pipeline(
            products,
            str(aoi),
            out / track / "work",
            progress=lambda percent, n=n: report(45.0 * n + 0.45 * percent),
            is_canceled=is_canceled,
        )
    decomposition = decompose_work_folders(
        [runs[track].work for track in sorted(TRACKS)],
        out / "decomposition",
        progress=lambda percent: report(90.0 + 0.1 * percent),
        is_canceled=is_canceled,
    )
    scores = score_decomposition(decomposition.folder.root, truths["ascending"], truths["descending"])
    return TwoTrackDemoResult(runs, decomposition, scores)
