"""InSAR against levelling or GNSS: how well the time series agrees with the ground, in numbers an office
can check.

Each benchmark's survey series is turned into line-of-sight (LOS) motion at its pixel, in MintPy's
convention (positive towards the satellite): levelling heights through the pixel's incidence angle
(``up * cos(inc)``), GNSS east/north/up through MintPy's own ENU→LOS projection (``mintpy/utils/utils0.py``
``enu2los``: incidence from vertical, azimuth of the ground-to-satellite vector from north, anticlockwise,
as in ``geometryGeo.h5``). A polynomial in time, of order 0–3 chosen by nested F-tests, carries the
series to the SAR dates between its first and last survey (never beyond). Heights are absolute, InSAR is
relative to its reference pixel and date, so both sides are compared as changes since the first SAR date
they share (the anchor date, left out of the statistics: its difference is zero by construction), and then

- with a reference benchmark: both sides relative to that benchmark, date by date;
- without one (datum alignment): the mean difference over all benchmarks is removed date by date, which
  also takes out the motion of InSAR's reference pixel (and lowers the RMS by a factor
  ``sqrt(1 - 1/N)`` for N benchmarks with independent errors).

Benchmarks that cannot be compared (outside the InSAR grid, one survey, no SAR dates in their span, no
InSAR value) are listed with the reason, never an error, unless none is left.

A decomposition folder (``sbas decompose``) is compared in the vertical directly: levelling heights as they
are, GNSS by its up component; no line of sight is involved.
"""

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import h5py
import numpy as np
from matplotlib.figure import Figure
from numpy.polynomial import Polynomial
from scipy import stats

from sbas_plugin.core.cancel import check_canceled
from sbas_plugin.core.crs import transform_xy
from sbas_plugin.core.dates import parse_written_date
from sbas_plugin.core.files import save_figure, write_json, written_whole
from sbas_plugin.core.fonts import use_japanese_fallback
from sbas_plugin.core.results.mintpy_files import find_timeseries
from sbas_plugin.core.results.pixel_series import GeotiffPixelSeries, H5PixelSeries
from sbas_plugin.core.workfolder import WorkFolder

use_japanese_fallback()  # names in figures may be Japanese

KINDS = ("levelling", "gnss")
COLUMNS = {"levelling": ("id", "x", "y", "date", "height"), "gnss": ("id", "x", "y", "date", "east", "north", "up")}
MAX_ORDER = 3
SIGNIFICANCE = 0.05
EXACT_FIT_M = 1e-9  # residual RMS below a nanometre is a perfect fit: an F-test on rounding noise means nothing
GEOMETRY = Path("inputs") / "geometryGeo.h5"  # in MintPy's folder
VALIDATION_CSV, SUMMARY_JSON, SCATTER_PNG = "validation.csv", "summary.json", "scatter.png"


class ValidationError(ValueError):
    """The benchmarks or the work folder cannot be used; the message says what is wrong and what to do."""


@dataclass(frozen=True)
class Benchmark:
    id: str
    x: float
    y: float
    line: int  # its first line in the CSV
    dates: np.ndarray  # datetime64[D], increasing
    values: np.ndarray  # metres: (surveys,) heights for levelling, (surveys, 3) east, north, up for GNSS


@dataclass(frozen=True)
class Site:
    """A benchmark on the InSAR grid, both sides in LOS metres."""

    benchmark: Benchmark
    row: int
    col: int
    incidence_deg: float
    azimuth_deg: float
    survey_los: np.ndarray  # the surveys projected to LOS, absolute
    model: Polynomial  # LOS against days since the first SAR date
    order: int
    ground: np.ndarray  # the model at each SAR date, NaN outside the survey span
    insar: np.ndarray  # InSAR at each SAR date (pixel or mean within the radius), NaN without a value


@dataclass(frozen=True)
class Validation:
    kind: str
    reference: Optional[str]  # benchmark id, or None for datum alignment
    radius_m: float
    sar_dates: np.ndarray  # datetime64[D]
    sites: list
    ground: np.ndarray  # (sites, dates) LOS metres since each site's anchor date, NaN where not compared
    difference: np.ndarray  # (sites, dates) InSAR − ground after referencing, NaN at anchors and gaps
    rows: list  # per compared benchmark: {id, n, mean_mm, std_mm, rms_mm}
    summary: dict
    skipped: list  # [{id, reason}]
    measured: str = "LOS"  # what both sides are: "LOS" (a work folder) or "vertical" (a decomposition)

    @property
    def referencing(self) -> str:
        if self.reference is not None:
            return f"relative to benchmark {self.reference}"
        return "datum alignment: the mean InSAR − ground difference over all benchmarks removed date by date"


def _date(text: str) -> np.datetime64:
    try:
        return np.datetime64(parse_written_date(text), "D")
    except ValueError:
        raise ValueError(f"date {text.strip()!r} is not YYYY-MM-DD") from None


def _number(text: str, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not np.isfinite(value):
        raise ValueError(f"{column} {text!r} is not a number")
    return value


def read_benchmarks(path, kind: str) -> list:
    """Benchmarks from a CSV with the header ``id,x,y,date,height`` (levelling) or ``id,x,y,date,east,north,up``
    (GNSS; a height column is allowed and ignored), metres, one row per benchmark per survey date."""
    if kind not in KINDS:
        raise ValidationError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    path = Path(path)
    needed = COLUMNS[kind]
    with open(path, newline="", encoding="utf-8-sig") as f:  # utf-8-sig: spreadsheets write a BOM
        reader = csv.DictReader(f)
        header = [name.strip().lower() for name in reader.fieldnames or []]
        missing = [name for name in needed if name not in header]
        if missing:
            hint = " (GNSS needs east,north,up displacements in metres)" if kind == "gnss" else ""
            raise ValidationError(
                f"{path} line 1: missing column(s) {','.join(missing)}; {kind} benchmarks need the header "
                f"{','.join(needed)}{hint}; found {','.join(header) or 'no header'}"
            )
        reader.fieldnames = header
        surveys = {}  # id -> list of (line, x, y, date, values)
        for record in reader:
            line = reader.line_num
            try:
                name = (record["id"] or "").strip()
                if not name:
                    raise ValueError("id is empty")
                x, y = (_number(record[c] or "", c) for c in ("x", "y"))
                date = _date(record["date"] or "")
                values = [_number(record[c] or "", c) for c in needed[4:]]
            except ValueError as error:
                raise ValidationError(f"{path} line {line}: {error}") from None
            surveys.setdefault(name, []).append((line, x, y, date, values))
    if not surveys:
        raise ValidationError(f"{path}: no benchmark rows under the header")
    return [_benchmark(path, name, rows) for name, rows in surveys.items()]


def _benchmark(path: Path, name: str, rows: list) -> Benchmark:
    first_line, x, y = rows[0][:3]
    seen = {}
    for line, row_x, row_y, date, _ in rows:
        if (row_x, row_y) != (x, y):
            raise ValidationError(
                f"{path} line {line}: benchmark {name} has other coordinates than on line {first_line}; "
                "give each benchmark one position (or another id)"
            )
        if date in seen:
            raise ValidationError(
                f"{path} line {line}: benchmark {name} is surveyed on {date} again (line {seen[date]})"
            )
        seen[date] = line
    rows = sorted(rows, key=lambda row: row[3])
    values = np.array([row[4] for row in rows], dtype=np.float64)
    return Benchmark(
        name, x, y, first_line, np.array([row[3] for row in rows]), values[:, 0] if values.shape[1] == 1 else values
    )


def _rss(days: np.ndarray, values: np.ndarray, order: int) -> float:
    fitted = Polynomial.fit(days, values, order)
    return float(np.sum((fitted(days) - values) ** 2))


def choose_order(days: np.ndarray, values: np.ndarray) -> int:
    """Polynomial order 0..3 by backward elimination with nested F-tests at 5 %: start from the highest
    order the surveys leave a residual degree of freedom for, and drop the highest term while it is not
    significant. Two surveys give the line through both (no test is possible)."""
    n = len(days)
    if n <= 2:
        return n - 1
    order = min(MAX_ORDER, n - 2)
    while order > 0:
        larger, smaller = _rss(days, values, order), _rss(days, values, order - 1)
        if smaller <= n * EXACT_FIT_M**2:
            order -= 1  # the lower order already fits exactly
            continue
        freedom = n - order - 1
        f_value = (smaller - larger) / (larger / freedom) if larger > n * EXACT_FIT_M**2 else np.inf
        if stats.f.sf(f_value, 1, freedom) < SIGNIFICANCE:
            break
        order -= 1
    return order


def enu_to_los(east, north, up, incidence_deg, azimuth_deg):
    """MintPy's enu2los: LOS positive towards the satellite, azimuth of the ground-to-satellite vector from
    north, anticlockwise (azimuthAngle of geometryGeo.h5)."""
    inc, az = np.radians(incidence_deg), np.radians(azimuth_deg)
    return -east * np.sin(inc) * np.sin(az) + north * np.sin(inc) * np.cos(az) + up * np.cos(inc)


def survey_vertical(benchmark: Benchmark, kind: str) -> np.ndarray:
    """The surveys' vertical motion: levelling heights, GNSS up."""
    return benchmark.values if kind == "levelling" else benchmark.values[:, 2]


def survey_los(benchmark: Benchmark, kind: str, incidence_deg: float, azimuth_deg: float) -> np.ndarray:
    if kind == "levelling":
        return benchmark.values * np.cos(np.radians(incidence_deg))
    east, north, up = benchmark.values.T
    return enu_to_los(east, north, up, incidence_deg, azimuth_deg)


def compare(insar: np.ndarray, ground: np.ndarray, reference: Optional[int] = None) -> tuple:
    """Referenced (ground, difference) of (sites, dates) LOS arrays, as the module describes; ``reference``
    is a row index, or None for datum alignment."""
    insar, ground = np.array(insar, dtype=np.float64), np.array(ground, dtype=np.float64)
    both = np.isfinite(insar) & np.isfinite(ground)
    relative_insar, relative_ground = insar, ground
    if reference is not None:
        both &= both[reference]
        relative_insar, relative_ground = insar - insar[reference], ground - ground[reference]
    rows = np.arange(len(insar))
    anchor = np.where(both.any(axis=1), both.argmax(axis=1), 0)

    def since_anchor(values: np.ndarray) -> np.ndarray:
        return np.where(both, values - values[rows, anchor][:, None], np.nan)

    own_ground = since_anchor(ground)  # each benchmark's own motion, for the graphs
    difference = since_anchor(relative_insar) - since_anchor(relative_ground)
    difference[rows, anchor] = np.nan
    if reference is not None:
        difference[reference] = np.nan
        return own_ground, difference
    count = np.isfinite(difference).sum(axis=0)
    with np.errstate(invalid="ignore"):
        datum = np.nansum(difference, axis=0) / count
    difference -= datum
    difference[:, count < 2] = np.nan  # a date seen by one benchmark only cannot be aligned
    return own_ground, difference


def _statistics(metres: np.ndarray) -> dict:
    mm = metres[np.isfinite(metres)] * 1000.0
    return {
        "n": int(mm.size),
        "mean_mm": round(float(mm.mean()), 3),
        "std_mm": round(float(mm.std()), 3),
        "rms_mm": round(float(np.sqrt(np.mean(mm**2))), 3),
    }


class _Insar:
    """MintPy's time series and geometry of a work folder, sampled at benchmarks."""

    def __init__(self, work, kind: str):
        from sbas_plugin.core.results.decomposition import DecompositionFolder, is_decomposition

        self.measured = "vertical" if is_decomposition(work) else "LOS"
        self.geometry = None
        if self.measured == "vertical":
            self.series = GeotiffPixelSeries(DecompositionFolder(work).dated("vertical"))
            self.angles = {}
            return
        mintpy_dir = WorkFolder(work).mintpy
        self.series = H5PixelSeries(find_timeseries(mintpy_dir))
        geometry_path = mintpy_dir / GEOMETRY
        needed = ("incidenceAngle", "azimuthAngle") if kind == "gnss" else ("incidenceAngle",)
        try:
            self.geometry = h5py.File(geometry_path, "r")
            self.angles = {name: self.geometry[name] for name in needed}  # read pixel by pixel
        except (OSError, KeyError) as error:
            self.close()
            raise ValidationError(
                f"{geometry_path}: cannot read {' and '.join(needed)} ({error}); {kind} needs them to turn ground "
                "motion into LOS: run sbas run on HyP3 products ordered with look vectors"
            ) from None
        grid = self.series.grid
        for name, angle in self.angles.items():
            if angle.shape != (grid.height, grid.width):
                self.close()
                raise ValidationError(f"{geometry_path}: {name} is not on the grid of the time series")

    def close(self) -> None:
        self.series.close()
        if self.geometry is not None:
            self.geometry.close()

    def sample(self, x: float, y: float, radius_m: float):
        """(row, col, metres per SAR date) at a point, or a reason why there is no value."""
        where = self.series.pixel_of(x, y)
        if where is None:
            return "outside the InSAR coverage (check --benchmarks-crs)"
        row, col = where
        if radius_m > 0:
            grid = self.series.grid
            box = grid.window(x - radius_m, y - radius_m, x + radius_m, y + radius_m)
            rows, cols = np.mgrid[box[0] : box[1], box[2] : box[3]].reshape(2, -1)
            near = np.hypot(grid.centre_x(cols) - x, grid.centre_y(rows) - y) <= radius_m
            near |= (rows == row) & (cols == col)
            metres = self.series.area(rows[near], cols[near]).mean
        else:
            metres = self.series.pixel(row, col).metres
        if not np.isfinite(metres).any():
            return f"no InSAR value at its pixel (row {row}, col {col}): MintPy found no solution there"
        return row, col, metres

    def angle(self, name: str, row: int, col: int) -> float:
        return float(self.angles[name][row, col]) if name in self.angles else float("nan")


def _site(benchmark: Benchmark, kind: str, insar: _Insar, sar_dates: np.ndarray, x: float, y: float, radius_m: float):
    """A Site, or the reason the benchmark cannot be compared."""
    if len(benchmark.dates) < 2:
        return "one survey date only: no change in time to compare"
    first, last = benchmark.dates[0], benchmark.dates[-1]
    inside = (sar_dates >= first) & (sar_dates <= last)
    if inside.sum() < 2:
        return f"fewer than two SAR dates between its first and last survey ({first} – {last})"
    sampled = insar.sample(x, y, radius_m)
    if isinstance(sampled, str):
        return sampled
    row, col, metres = sampled
    incidence, azimuth = insar.angle("incidenceAngle", row, col), insar.angle("azimuthAngle", row, col)
    if insar.measured == "vertical":
        los = survey_vertical(benchmark, kind)
    else:
        los = survey_los(benchmark, kind, incidence, azimuth)
    if not np.isfinite(los).all():
        return f"no incidence/azimuth angle at its pixel (row {row}, col {col})"
    days = (benchmark.dates - sar_dates[0]).astype(np.float64)
    order = choose_order(days, los)
    model = Polynomial.fit(days, los, order)
    ground = np.where(inside, model((sar_dates - sar_dates[0]).astype(np.float64)), np.nan)
    if (np.isfinite(ground) & np.isfinite(metres)).sum() < 2:
        return "fewer than two SAR dates with both an InSAR value and the survey model"
    return Site(benchmark, row, col, incidence, azimuth, los, model, order, ground, metres)


def validate(
    work,
    benchmarks_csv,
    kind: str,
    benchmarks_crs: Optional[str] = None,
    reference: Optional[str] = None,
    radius_m: float = 0.0,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> Validation:
    """Compare a work folder's MintPy time series with benchmarks (x, y in ``benchmarks_crs``, by default
    the time series' CRS); ``reference`` is a benchmark id, or None for datum alignment; ``radius_m`` > 0
    averages the InSAR pixels whose centres are within that distance."""
    if radius_m < 0:
        raise ValidationError(f"radius {radius_m} m is negative: give 0 for the benchmark's pixel")
    benchmarks = read_benchmarks(benchmarks_csv, kind)
    ids = [b.id for b in benchmarks]
    if reference is not None and reference not in ids:
        raise ValidationError(f"--reference {reference} is not a benchmark id in {benchmarks_csv}")
    insar = _Insar(work, kind)
    try:
        sar_dates = insar.series.dates64
        xs = np.array([b.x for b in benchmarks])
        ys = np.array([b.y for b in benchmarks])
        if benchmarks_crs:
            xs, ys = transform_xy(xs, ys, benchmarks_crs, insar.series.crs)
        sites, skipped = [], []
        for done, (benchmark, x, y) in enumerate(zip(benchmarks, xs, ys)):
            check_canceled(is_canceled)
            site = _site(benchmark, kind, insar, sar_dates, float(x), float(y), radius_m)
            if isinstance(site, str):
                skipped.append({"id": benchmark.id, "reason": site})
            else:
                sites.append(site)
            if progress:
                progress(100.0 * (done + 1) / len(benchmarks))
    finally:
        insar.close()
    if reference is not None and reference in (s["id"] for s in skipped):
        reason = next(s["reason"] for s in skipped if s["id"] == reference)
        raise ValidationError(f"the reference benchmark {reference} cannot be used: {reason}")
    return _result(kind, reference, radius_m, sar_dates, sites, skipped, insar.measured)


def _result(kind, reference, radius_m, sar_dates, sites, skipped, measured="LOS") -> Validation:
    needed = 1 if reference is None else 2  # datum alignment of one benchmark would zero it
    if len(sites) <= needed:
        reasons = "; ".join(f"{s['id']}: {s['reason']}" for s in skipped) or "too few benchmarks in the file"
        raise ValidationError(f"fewer than {needed + 1} benchmarks can be compared with InSAR ({reasons})")
    ref_row = None if reference is None else [s.benchmark.id for s in sites].index(reference)
    ground, difference = compare([s.insar for s in sites], [s.ground for s in sites], ref_row)
    rows = []
    for i, site in enumerate(sites):
        if i == ref_row:
            continue
        if np.isfinite(difference[i]).any():
            rows.append({"id": site.benchmark.id, **_statistics(difference[i])})
        else:
            skipped.append({"id": site.benchmark.id, "reason": "no SAR date shared with the other benchmarks"})
    if not rows:
        raise ValidationError("no benchmark shares two SAR dates with the others: nothing could be compared")
    summary = {
        "kind": kind,
        "n_points": len(rows),
        **{key: value for key, value in _statistics(difference).items() if key != "n"},
        "n_differences": int(np.isfinite(difference).sum()),
        "mean_rms_mm": round(float(np.mean([r["rms_mm"] for r in rows])), 3),
        "reference": reference,
        "referencing": "",
        "radius_m": radius_m,
        "measured": measured,
        "orders": {s.benchmark.id: s.order for s in sites},
        "skipped": skipped,
    }
    validation = Validation(
        kind, reference, radius_m, sar_dates, sites, ground, difference, rows, summary, skipped, measured
    )
    summary["referencing"] = validation.referencing
    return validation


def scatter_figure(validation: Validation) -> Figure:
    compared = np.isfinite(validation.difference)
    ground_mm = validation.ground[compared] * 1000.0
    insar_mm = ground_mm + validation.difference[compared] * 1000.0
    figure = Figure(figsize=(6.4, 6.0))
    ax = figure.add_subplot()
    ax.scatter(ground_mm, insar_mm, s=14, alpha=0.7, color="tab:blue")
    low, high = min(ground_mm.min(), insar_mm.min()), max(ground_mm.max(), insar_mm.max())
    pad = max(high - low, 1.0) * 0.05
    ax.plot([low - pad, high + pad], [low - pad, high + pad], color="0.4", lw=1, label="1:1")
    ax.set_xlim(low - pad, high + pad)
    ax.set_ylim(low - pad, high + pad)
    ax.set_aspect("equal")
    ground_name = "levelling" if validation.kind == "levelling" else "GNSS"
    vertical = validation.measured == "vertical"
    ax.set_xlabel(f"{ground_name}, vertical (mm)" if vertical else f"{ground_name}, projected to LOS (mm)")
    ax.set_ylabel("InSAR vertical (mm)" if vertical else "InSAR LOS (mm)")
    summary = validation.summary
    ax.set_title(
        f"InSAR vs {ground_name}: RMS {summary['rms_mm']:.2f} mm, mean {summary['mean_mm']:.2f} mm\n"
        f"{summary['n_points']} benchmarks, {summary['n_differences']} differences",
        fontsize=10,
    )
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3)
    figure.text(0.01, 0.01, validation.referencing, fontsize=7, color="0.3")
    return figure


def series_figure(validation: Validation, index: int) -> Figure:
    """One benchmark: its surveys and polynomial in LOS, and InSAR on the same datum."""
    site = validation.sites[index]
    compared = np.isfinite(validation.ground[index])
    start = validation.sar_dates[0]
    anchor_los = site.model(float((validation.sar_dates[compared][0] - start).astype(np.float64)))
    dense = np.arange(site.benchmark.dates[0], site.benchmark.dates[-1] + 1)
    figure = Figure(figsize=(8.0, 4.5))
    ax = figure.add_subplot()
    ax.plot(
        dense.astype("datetime64[D]").astype(object),
        (site.model((dense - start).astype(np.float64)) - anchor_los) * 1000.0,
        color="tab:green",
        lw=1.2,
        label=f"survey model (order {site.order})",
    )
    ax.plot(
        site.benchmark.dates.astype(object),
        (site.survey_los - anchor_los) * 1000.0,
        "o",
        color="tab:green",
        ms=4,
        alpha=0.6,
        label="surveys" if validation.measured == "vertical" else "surveys, in LOS",
    )
    difference = validation.difference[index].copy()
    difference[np.argmax(compared)] = 0.0  # the anchor date: both sides zero by construction
    shown = np.isfinite(difference)
    ax.plot(
        validation.sar_dates[shown].astype(object),
        (validation.ground[index][shown] + difference[shown]) * 1000.0,
        "s",
        color="tab:blue",
        ms=5,
        label="InSAR",
    )
    if validation.measured == "vertical":
        ax.set_ylabel("vertical displacement (mm), + up")
    else:
        ax.set_ylabel("LOS displacement (mm), + towards the satellite")
    row = next((r for r in validation.rows if r["id"] == site.benchmark.id), None)
    stats_text = f"RMS {row['rms_mm']:.2f} mm over {row['n']} dates" if row else "reference benchmark"
    ax.set_title(f"{site.benchmark.id} (pixel row {site.row}, col {site.col}): {stats_text}", fontsize=10)
    ax.legend(loc="best", fontsize=8)
    ax.grid(alpha=0.3)
    figure.autofmt_xdate()
    figure.text(0.01, 0.01, validation.referencing, fontsize=7, color="0.3")
    return figure


def series_png_name(benchmark_id: str) -> str:
    return "series_" + re.sub(r"[^\w.-]", "_", benchmark_id) + ".png"


def write_validation(
    validation: Validation,
    out_dir,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> list:
    """validation.csv (id,n,mean_mm,std_mm,rms_mm), summary.json, scatter.png and series_<id>.png per
    benchmark into ``out_dir``; returns the paths."""
    out_dir = Path(out_dir)
    with written_whole(out_dir / VALIDATION_CSV) as f:
        writer = csv.DictWriter(f, fieldnames=["id", "n", "mean_mm", "std_mm", "rms_mm"])
        writer.writeheader()
        writer.writerows(validation.rows)
    written = [
        out_dir / VALIDATION_CSV,
        write_json(out_dir / SUMMARY_JSON, validation.summary, indent=1, ensure_ascii=False),
        save_figure(scatter_figure(validation), out_dir / SCATTER_PNG, dpi=100),
    ]
    for i, site in enumerate(validation.sites):
        check_canceled(is_canceled)
        png = out_dir / series_png_name(site.benchmark.id)
        written.append(save_figure(series_figure(validation, i), png, dpi=100))
        if progress:
            progress(100.0 * (i + 1) / len(validation.sites))
    return written
