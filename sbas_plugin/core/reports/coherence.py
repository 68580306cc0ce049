"""The coherence report of a work folder: how coherent each interferogram is, by temporal baseline,
by season, and per land-cover class when a polygon layer is given.

Coherence is read from MintPy's mintpy/inputs/ifgramStack.h5 (every interferogram on the clipped
grid, the ones MintPy's network step dropped included). Pixels outside the data (NaN or 0, the
HyP3 no-data value) and water (MintPy's water mask, when there is one) are left out. The shares
use three bins, [0, 0.33), [0.33, 0.66) and [0.66, 1], as DEM-quality studies of InSAR report them.
"""

import csv
import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Optional

import h5py
import numpy as np
from osgeo import gdal, ogr, osr

from sbas_plugin.core.aoi import open_vector
from sbas_plugin.core.cancel import check_canceled
from sbas_plugin.core.crs import CrsError, spatial_reference
from sbas_plugin.core.dates import parse_date
from sbas_plugin.core.files import save_figure, write_json, written_whole
from sbas_plugin.core.results.mintpy_files import attributes, epsg_of, grid_of
from sbas_plugin.core.workfolder import WorkFolder

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

BIN_EDGES = (0.0, 0.33, 0.66, 1.0)
BIN_NAMES = ("share_0_0.33", "share_0.33_0.66", "share_0.66_1")
HISTOGRAM_EDGES = np.linspace(0.0, 1.0, 21)  # 0.05 wide, for the PNG
LONG_BASELINE_DAYS = 48  # baselines from this on are one class, "48+"
SEASONS = {12: "DJF", 1: "DJF", 2: "DJF", 3: "MAM", 4: "MAM", 5: "MAM"}
SEASONS.update({6: "JJA", 7: "JJA", 8: "JJA", 9: "SON", 10: "SON", 11: "SON"})
SEASON_ORDER = ("DJF", "MAM", "JJA", "SON")


class CoherenceError(ValueError):
    """The report cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class Stats:
    """Coherence of a set of pixels: count, the share in each bin, mean and (population) std."""

    pixels: int
    shares: tuple  # one per bin of BIN_EDGES, summing to 1 (NaN when there are no pixels)
    mean: float
    std: float


@dataclass(frozen=True)
class IfgramCoherence:
    reference: str  # YYYYMMDD
    secondary: str
    baseline_days: int
    season: str  # of the pair's centre date: DJF, MAM, JJA or SON (northern-hemisphere meteorological)
    used_by_mintpy: bool  # not dropped by MintPy's network step
    stats: Stats


@dataclass(frozen=True)
class GroupCoherence:
    name: str  # "12", "48+" (days) or "DJF"...
    ifgrams: int
    stats: Stats  # over every valid pixel of every interferogram of the group


@dataclass(frozen=True)
class ClassCoherence:
    name: str  # the class attribute's value
    pixels: int
    avg_spatial_coherence: tuple  # (mean, std)
    temporal_coherence: tuple  # (mean, std)


@dataclass(frozen=True)
class ClassPolygons:
    """Land-cover polygons: (WKT geometry, class value as text) and their CRS (anything GDAL reads)."""

    polygons: list
    crs: str
    source: str  # where they came from, for messages
    field: str


@dataclass
class CoherenceReport:
    work: Path
    out_dir: Path
    pixels: int  # valid (land, with data) pixels of the grid
    overall: Stats  # every valid pixel of every interferogram
    ifgrams: list  # IfgramCoherence, in the stack's order
    by_baseline: list  # GroupCoherence, shortest first
    by_season: list  # GroupCoherence, DJF MAM JJA SON (those present)
    histogram: np.ndarray  # (interferograms, len(HISTOGRAM_EDGES) - 1) pixel counts
    by_class: Optional[list] = None  # ClassCoherence, when classes were given
    class_field: Optional[str] = None
    files: dict = field(default_factory=dict)  # name -> written file


def _stats(count: int, bins: np.ndarray, total: float, total_sq: float) -> Stats:
    if count == 0:
        return Stats(0, (float("nan"),) * len(BIN_NAMES), float("nan"), float("nan"))
    mean = total / count
    return Stats(
        count, tuple(float(b) / count for b in bins), float(mean), float(np.sqrt(max(total_sq / count - mean**2, 0.0)))
    )


def season_of(reference: dt.date, secondary: dt.date) -> str:
    return SEASONS[(reference + (secondary - reference) / 2).month]


def baseline_class(days: int) -> str:
    return f"{LONG_BASELINE_DAYS}+" if days >= LONG_BASELINE_DAYS else str(days)


def mintpy_dir_of(work) -> Path:
    """The MintPy folder of a work folder (or a MintPy folder itself) holding inputs/ifgramStack.h5."""
    work = Path(work)
    for candidate in (WorkFolder(work).mintpy, work):
        if (candidate / "inputs" / "ifgramStack.h5").is_file():
            return candidate
    raise CoherenceError(
        f"{work}: no mintpy/inputs/ifgramStack.h5; give the work folder of `sbas run` (after its MintPy step) "
        "or MintPy's own folder"
    )


def _land_mask(mintpy_dir: Path, shape: tuple) -> np.ndarray:
    """True on land: MintPy's water mask (True = land) when there is one, else everywhere."""
    for path, name in (
        (mintpy_dir / "inputs" / "geometryGeo.h5", "waterMask"),
        (mintpy_dir / "waterMask.h5", "waterMask"),
    ):
        if path.is_file():
            with h5py.File(path, "r") as f:
                if name in f and f[name].shape == shape:
                    return f[name][()].astype(bool)
    return np.ones(shape, dtype=bool)


def read_class_polygons(path, field_name: str, crs: Optional[str] = None) -> ClassPolygons:
    """Polygons and their class attribute from any vector file OGR reads (GeoPackage, GeoJSON,
    shapefile); `crs` overrides (or supplies) the layer's CRS."""
    dataset = open_vector(path, CoherenceError)
    layer = dataset.GetLayer(0)
    definition = layer.GetLayerDefn()
    fields = [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())]
    if field_name not in fields:
        raise CoherenceError(
            f"{path} has no field {field_name!r}; its fields are {', '.join(fields) or 'none'}: "
            "give one of them as the class field"
        )
    if crs is None:
        srs = layer.GetSpatialRef()
        if srs is None:
            raise CoherenceError(f"{path} carries no CRS: give it (e.g. --classes-crs EPSG:4326)")
        crs = srs.ExportToWkt()
    polygons = []
    for feature in layer:
        geometry = feature.GetGeometryRef()
        value = feature.GetField(field_name)
        if geometry is None or geometry.IsEmpty() or value is None:
            continue
        if ogr.GT_Flatten(geometry.GetGeometryType()) not in (ogr.wkbPolygon, ogr.wkbMultiPolygon):
            raise CoherenceError(f"{path}: feature {feature.GetFID()} is not a polygon; land-cover classes are areas")
        polygons.append((geometry.ExportToWkt(), str(value)))
    if not polygons:
        raise CoherenceError(f"{path}: no polygon with a value in {field_name!r}")
    return ClassPolygons(polygons, crs, str(path), field_name)


def _is_int(text: str) -> bool:
    return text.lstrip("-").isdigit()


def _class_raster(classes: ClassPolygons, grid, epsg: int) -> tuple:
    """(class index per pixel, 0 = no class; class names) with pixels taken by the polygon their
    centre falls in (a later polygon wins where they overlap)."""
    # CORINE-style numeric codes in numeric order, names alphabetically
    names = sorted({value for _, value in classes.polygons}, key=lambda v: (0, int(v), "") if _is_int(v) else (1, 0, v))
    code = {name: i + 1 for i, name in enumerate(names)}
    try:
        source = spatial_reference(classes.crs)
    except CrsError as error:
        raise CoherenceError(f"{classes.source}: CRS {classes.crs!r} is not one GDAL knows") from error
    target = spatial_reference(f"EPSG:{epsg}")
    transform = osr.CoordinateTransformation(source, target)
    vectors = ogr.GetDriverByName("Memory").CreateDataSource("classes")
    layer = vectors.CreateLayer("classes", target, ogr.wkbUnknown)
    layer.CreateField(ogr.FieldDefn("code", ogr.OFTInteger))
    for wkt, value in classes.polygons:
        geometry = ogr.CreateGeometryFromWkt(wkt)
        try:
            geometry.Transform(transform)
        except RuntimeError:  # no place in the grid's CRS (e.g. metres read as degrees): covers nothing
            continue
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetGeometry(geometry)
        feature.SetField("code", code[value])
        layer.CreateFeature(feature)
    raster = gdal.GetDriverByName("MEM").Create("", grid.width, grid.height, 1, gdal.GDT_Int32)
    raster.SetGeoTransform((grid.x0, grid.dx, 0.0, grid.y0, 0.0, grid.dy))
    raster.SetProjection(target.ExportToWkt())
    gdal.RasterizeLayer(raster, [1], layer, options=["ATTRIBUTE=code"])
    return raster.GetRasterBand(1).ReadAsArray(), names


def _by_class(mintpy_dir: Path, classes: ClassPolygons, valid: np.ndarray) -> list:
    stack = mintpy_dir / "inputs" / "ifgramStack.h5"
    attrs = attributes(stack)
    grid = grid_of(attrs)
    class_index, names = _class_raster(classes, grid, epsg_of(attrs))
    if not (class_index > 0).any():
        xmin, ymin, xmax, ymax = grid.bounds
        extent = f"x {xmin:.10g} to {xmax:.10g}, y {ymin:.10g} to {ymax:.10g}"
        raise CoherenceError(
            f"none of the {len(classes.polygons)} polygons of {classes.source} covers a pixel centre of the "
            f"interferograms' grid ({extent}, EPSG:{epsg_of(attrs)}); check that the layer covers the area and "
            "that its CRS is right (--classes-crs)"
        )
    layers = {}
    for key, file_name, dataset in (
        ("avg_spatial_coherence", "avgSpatialCoh.h5", "coherence"),
        ("temporal_coherence", "temporalCoherence.h5", "temporalCoherence"),
    ):
        path = mintpy_dir / file_name
        if not path.is_file():
            raise CoherenceError(
                f"{mintpy_dir}: no {file_name}; run MintPy to the end (sbas run) for per-class numbers"
            )
        with h5py.File(path, "r") as f:
            layers[key] = f[dataset][()].astype(np.float64)
    rows = []
    for i, name in enumerate(names, start=1):
        here = (class_index == i) & valid
        pair = {
            key: (float(np.mean(v[here])), float(np.std(v[here]))) if here.any() else (np.nan, np.nan)
            for key, v in layers.items()
        }
        rows.append(ClassCoherence(name, int(here.sum()), pair["avg_spatial_coherence"], pair["temporal_coherence"]))
    return rows


class _Totals:
    """Running sums of a group of interferograms' valid pixels."""

    def __init__(self):
        self.count, self.total, self.total_sq, self.ifgrams = 0, 0.0, 0.0, 0
        self.bins = np.zeros(len(BIN_NAMES), dtype=np.int64)

    def add(self, values: np.ndarray, bins: np.ndarray) -> None:
        self.count += values.size
        self.total += float(values.sum())
        self.total_sq += float(np.square(values).sum())
        self.bins += bins
        self.ifgrams += 1

    def stats(self) -> Stats:
        return _stats(self.count, self.bins, self.total, self.total_sq)


def coherence_report(
    work,
    out_dir,
    classes: Optional[ClassPolygons] = None,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> CoherenceReport:
    """Read the coherence of every interferogram once (one at a time), write the CSVs, PNGs and
    summary.json into `out_dir`, and return the numbers."""
    mintpy_dir = mintpy_dir_of(work)
    stack_path = mintpy_dir / "inputs" / "ifgramStack.h5"
    with h5py.File(stack_path, "r") as f:
        if "coherence" not in f or "date" not in f:
            raise CoherenceError(f"{stack_path}: no coherence or date dataset; is it MintPy's interferogram stack?")
        coherence = f["coherence"]
        pairs = [(parse_date(a), parse_date(b)) for a, b in f["date"][()]]
        used = f["dropIfgram"][()].astype(bool) if "dropIfgram" in f else np.ones(len(pairs), dtype=bool)
        land = _land_mask(mintpy_dir, coherence.shape[1:])
        has_data = np.zeros(coherence.shape[1:], dtype=bool)
        ifgrams, histogram = [], np.zeros((len(pairs), len(HISTOGRAM_EDGES) - 1), dtype=np.int64)
        overall, by_baseline, by_season = _Totals(), {}, {}
        for i, (reference, secondary) in enumerate(pairs):
            check_canceled(is_canceled)
            image = coherence[i]
            valid = land & np.isfinite(image) & (image > 0)
            has_data |= valid
            values = image[valid].astype(np.float64)
            bins = np.histogram(np.clip(values, 0.0, 1.0), bins=BIN_EDGES)[0]
            histogram[i] = np.histogram(np.clip(values, 0.0, 1.0), bins=HISTOGRAM_EDGES)[0]
            days, season = (secondary - reference).days, season_of(reference, secondary)
            one = _Totals()
            for totals in (one, overall, by_baseline.setdefault(baseline_class(days), _Totals())):
                totals.add(values, bins)
            by_season.setdefault(season, _Totals()).add(values, bins)
            ifgrams.append(
                IfgramCoherence(f"{reference:%Y%m%d}", f"{secondary:%Y%m%d}", days, season, bool(used[i]), one.stats())
            )
            if progress:
                progress(80.0 * (i + 1) / len(pairs))
    if not has_data.any():
        raise CoherenceError(f"{stack_path}: no interferogram has a pixel with coherence (all NaN, 0 or water)")
    baseline_order = sorted(by_baseline, key=lambda name: int(name.rstrip("+")))
    report = CoherenceReport(
        work=Path(work),
        out_dir=Path(out_dir),
        pixels=int(has_data.sum()),
        overall=overall.stats(),
        ifgrams=ifgrams,
        by_baseline=[GroupCoherence(n, by_baseline[n].ifgrams, by_baseline[n].stats()) for n in baseline_order],
        by_season=[
            GroupCoherence(n, by_season[n].ifgrams, by_season[n].stats()) for n in SEASON_ORDER if n in by_season
        ],
        histogram=histogram,
    )
    if classes is not None:
        report.by_class = _by_class(mintpy_dir, classes, has_data)
        report.class_field = classes.field
    _write_outputs(report)
    if progress:
        progress(100.0)
    return report


# -- output files, each written as <name>.part and renamed when complete


def _write_csv(path: Path, header: list, rows: list) -> Path:
    with written_whole(path) as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _number(value: float) -> str:
    return "" if not np.isfinite(value) else f"{value:.4f}"


def _stats_cells(stats: Stats) -> list:
    return [stats.pixels, *(_number(s) for s in stats.shares), _number(stats.mean), _number(stats.std)]


STATS_HEADER = ["pixels", *BIN_NAMES, "mean", "std"]


def _write_outputs(report: CoherenceReport) -> None:
    out = report.out_dir
    out.mkdir(parents=True, exist_ok=True)
    files = report.files
    files["by_ifgram"] = _write_csv(
        out / "coherence_by_ifgram.csv",
        ["reference", "secondary", "baseline_days", "season", "used_by_mintpy", *STATS_HEADER],
        [
            [g.reference, g.secondary, g.baseline_days, g.season, int(g.used_by_mintpy), *_stats_cells(g.stats)]
            for g in report.ifgrams
        ],
    )
    files["by_baseline"] = _write_csv(
        out / "coherence_by_baseline.csv",
        ["baseline_days", "interferograms", *STATS_HEADER],
        [[g.name, g.ifgrams, *_stats_cells(g.stats)] for g in report.by_baseline],
    )
    files["by_season"] = _write_csv(
        out / "coherence_by_season.csv",
        ["season", "interferograms", *STATS_HEADER],
        [[g.name, g.ifgrams, *_stats_cells(g.stats)] for g in report.by_season],
    )
    if report.by_class is not None:
        files["by_class"] = _write_csv(
            out / "coherence_by_class.csv",
            [
                report.class_field or "class",
                "pixels",
                "avg_spatial_coherence_mean",
                "avg_spatial_coherence_std",
                "temporal_coherence_mean",
                "temporal_coherence_std",
            ],
            [
                [c.name, c.pixels, *(_number(v) for v in (*c.avg_spatial_coherence, *c.temporal_coherence))]
                for c in report.by_class
            ],
        )
    files["histogram_png"] = save_figure(_histogram_figure(report), out / "coherence_histogram.png")
    files["by_ifgram_png"] = save_figure(_shares_figure(report), out / "coherence_by_ifgram.png")
    summary = {
        "work": str(report.work),
        "valid_pixels": report.pixels,
        "interferograms": len(report.ifgrams),
        "bins": list(BIN_EDGES),
        "overall": asdict(report.overall),
        "by_baseline": [asdict(g) for g in report.by_baseline],
        "by_season": [asdict(g) for g in report.by_season],
        "class_field": report.class_field,
        "by_class": [asdict(c) for c in report.by_class] if report.by_class is not None else None,
        "files": {name: path.name for name, path in files.items()},
    }
    files["summary"] = write_json(out / "summary.json", _without_nan(summary), indent=1, allow_nan=False)


def _without_nan(value):
    """NaN (no pixels) as null: JSON has no NaN."""
    if isinstance(value, dict):
        return {key: _without_nan(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_without_nan(v) for v in value]
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


# -- figures (matplotlib's object API: no pyplot state, as in core/plot.py)


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    from sbas_plugin.core.fonts import use_japanese_fallback

    use_japanese_fallback()  # class names may be Japanese
    return Figure(figsize=(width, height), dpi=100)


def _shade_bins(ax) -> None:
    for (low, high), colour in zip(zip(BIN_EDGES, BIN_EDGES[1:]), ("#f4a582", "#fddbc7", "#d1e5f0")):
        ax.axvspan(low, high, color=colour, alpha=0.5, zorder=0, linewidth=0)


def _histogram_figure(report: CoherenceReport):
    """The coherence distribution of every temporal-baseline class (share of pixels per 0.05)."""
    figure = _figure(9.0, 5.4)
    ax = figure.add_axes((0.08, 0.12, 0.66, 0.76))
    _shade_bins(ax)
    centres = (HISTOGRAM_EDGES[:-1] + HISTOGRAM_EDGES[1:]) / 2
    for group in report.by_baseline:
        rows = [i for i, g in enumerate(report.ifgrams) if baseline_class(g.baseline_days) == group.name]
        counts = report.histogram[rows].sum(axis=0)
        if counts.sum():
            label = f"{group.name} days ({group.ifgrams}): mean {group.stats.mean:.2f}"
            ax.plot(centres, 100.0 * counts / counts.sum(), marker="o", markersize=3, linewidth=1.4, label=label)
    ax.set_xlim(0, 1)
    ax.set_xlabel("coherence")
    ax.set_ylabel("share of pixels (%) per 0.05 of coherence")
    shares = ", ".join(f"{100 * s:.0f} %" for s in report.overall.shares)
    ax.set_title(
        f"Coherence of {len(report.ifgrams)} interferograms over {report.pixels} pixels\n"
        f"all pairs: mean {report.overall.mean:.2f} ± {report.overall.std:.2f};  "
        f"0–0.33 / 0.33–0.66 / 0.66–1: {shares}",
        loc="left",
        fontsize=11,
    )
    ax.grid(True, color="0.88", linewidth=0.8)
    ax.legend(title="temporal baseline (pairs)", loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    return figure


def _shares_figure(report: CoherenceReport):
    """Per interferogram, in the stack's order: the three bins' shares stacked, and the mean."""
    count = len(report.ifgrams)
    figure = _figure(max(9.0, min(30.0, 2.5 + 0.25 * count)), 5.4)
    ax = figure.add_axes((0.08, 0.3, 0.86 - 1.6 / figure.get_figwidth(), 0.58))  # 1.6 in for the legend
    x = np.arange(count)
    bottom = np.zeros(count)
    colours = ("#d6604d", "#f4a582", "#4393c3")
    labels = ("0–0.33", "0.33–0.66", "0.66–1")
    for k, (colour, label) in enumerate(zip(colours, labels)):
        shares = np.array([100.0 * g.stats.shares[k] for g in report.ifgrams])
        ax.bar(x, shares, bottom=bottom, color=colour, width=0.85, label=label)
        bottom += np.nan_to_num(shares)
    means = [100.0 * g.stats.mean for g in report.ifgrams]
    ax.plot(x, means, color="black", marker="o", markersize=3, linewidth=1, label="mean × 100")
    ax.set_ylim(0, 100)
    ax.set_xlim(-0.6, count - 0.4)
    ax.set_ylabel("share of pixels (%)")
    step = max(1, count // 40)  # at most ~40 readable labels
    ax.set_xticks(x[::step])
    ax.set_xticklabels(
        [f"{g.reference}_{g.secondary} ({g.baseline_days} d)" for g in report.ifgrams[::step]],
        rotation=90,
        fontsize=7,
    )
    ax.set_title("Coherence of each interferogram: share of pixels in each bin, and the mean", loc="left", fontsize=11)
    handles, names = ax.get_legend_handles_labels()  # the highest bin on top, as stacked
    ax.legend(handles[::-1], names[::-1], loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    return figure
