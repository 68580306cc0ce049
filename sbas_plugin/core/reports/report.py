"""One report of a run for the office: run summary, per-point quality, velocity map, coherence tables and
validation, as a single self-contained HTML file (images inside it as base64 PNG) and optionally a PDF.

The report only reads what other steps wrote (manifest.json, MintPy's results, points.gpkg, the folders of
``sbas coherence`` and ``sbas validate``); the coherence and validation tables are rendered generically
from their CSVs, so new columns show up without changes here.
"""

import base64
import csv
import datetime as dt
import html
import io
import json
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import h5py
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from sbas_plugin.__about__ import __version__
from sbas_plugin.core.cancel import check_canceled
from sbas_plugin.core.dates import iso_date
from sbas_plugin.core.files import replace_with
from sbas_plugin.core.fonts import use_japanese_fallback
from sbas_plugin.core.results.mintpy_files import attributes, find_timeseries, grid_of, read_header
from sbas_plugin.core.results.points import read_points_csv
from sbas_plugin.core.results.quality import SOURCES, work_quality
from sbas_plugin.core.workfolder import WorkFolder

use_japanese_fallback()  # names in figures may be Japanese

COHERENCE_TABLES = ("coherence_by_ifgram", "coherence_by_baseline", "coherence_by_season", "coherence_by_class")
PDF_TABLE_ROWS = 32  # rows per PDF page: A4 at a readable size


class ReportError(ValueError):
    """A folder the report was asked to include cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Table:
    caption: str
    header: list
    rows: list  # lists of cells, shown as text


@dataclass(frozen=True)
class Image:
    caption: str
    png: bytes


@dataclass
class Section:
    title: str
    paragraphs: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    images: list = field(default_factory=list)


@dataclass
class Report:
    title: str
    created: str
    sections: list
    warnings: list  # what was asked for but not found, also shown in the report


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}" if np.isfinite(value) else "NaN"
    return str(value)


def _key_values(caption: str, items) -> Table:
    return Table(caption, ["item", "value"], [[key, _cell(value)] for key, value in items])


def _read_csv_table(path: Path, caption: str) -> Table:
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    if not rows:
        return Table(caption, [], [])
    return Table(caption, rows[0], rows[1:])


def _figure_png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _read_manifest(work: Path) -> dict:
    manifest_path = WorkFolder(work).manifest
    try:
        return json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ReportError(f"{manifest_path}: cannot be read ({error}); is {work} a work folder of sbas run?") from None


def _run_section(work: Path, manifest: dict) -> Section:
    steps = manifest.get("steps", {})
    clip, mintpy = steps.get("clip", {}), steps.get("mintpy", {})
    series = find_timeseries(WorkFolder(work).mintpy)
    header = read_header(series)
    dates, grid = header.dates, header.grid
    items = [
        ("work folder", str(work)),
        ("products", manifest.get("inputs", {}).get("products")),
        ("area of interest", manifest.get("inputs", {}).get("aoi")),
        ("SAR dates", f"{len(dates)}: {iso_date(dates[0])} – {iso_date(dates[-1])}"),
        ("interferograms (pairs)", len(clip.get("kept", []))),
        ("products dropped", len(clip.get("dropped", {}))),
        ("grid", f"EPSG:{clip.get('epsg', '?')}, {grid.width} x {grid.height} pixels of {grid.dx:g} m"),
        ("time series", series.name),
    ]
    if mintpy.get("reference"):
        row, col = mintpy["reference"]
        centre = f"x {grid.centre_x(col):.0f}, y {grid.centre_y(row):.0f}"
        items.append(("reference pixel", f"row {row}, col {col} ({centre})"))
    items.append(("reference date", iso_date(header.reference_date)))
    for name, value in manifest.get("options", {}).get("mintpy", {}).items():
        items.append((f"MintPy option {name}", value))
    for name, value in manifest.get("versions", {}).items():
        items.append((f"version of {name}", value))
    notes = manifest.get("notes", [])
    return Section(
        "Run summary",
        paragraphs=[f"Note: {note}" for note in notes],
        tables=[_key_values("Run", items)],
    )


def _quality_section(work: Path, warnings: list) -> Section:
    section = Section("Per-point quality")
    points_csv = WorkFolder(work).points_csv
    points = read_points_csv(points_csv) if points_csv.is_file() else None
    quality = work_quality(work, points)
    if quality is None:
        warnings.append(f"{work}: no points.gpkg with quality attributes and no MintPy quality files")
        section.paragraphs.append("No per-point quality was found in this work folder.")
        return section
    low = int(quality.low_quality.sum())
    section.paragraphs.append(
        f"{len(quality)} points; {low} ({100.0 * low / max(len(quality), 1):.1f} %) below temporal coherence "
        f"{quality.min_coherence:g}, flagged low_quality = 1 (kept, to be read with care)."
    )
    rows = []
    for name in SOURCES:
        values = np.asarray(getattr(quality, name), dtype=np.float64)
        finite = values[np.isfinite(values)]
        if finite.size:
            rows.append(
                [name, str(finite.size), *(_cell(float(v)) for v in np.percentile(finite, [0, 5, 50, 95, 100]))]
            )
        else:
            rows.append([name, "0", "", "", "", "", ""])
    section.tables.append(
        Table("Point attributes", ["attribute", "points", "min", "5 %", "median", "95 %", "max"], rows)
    )
    return section


def velocity_map_png(mintpy_dir: Path, reference: Optional[tuple]) -> bytes:
    """MintPy's velocity (mm/yr, LOS) on a diverging scale centred on 0; no-solution pixels blank."""
    velocity_path = mintpy_dir / "velocity.h5"
    with h5py.File(velocity_path, "r") as f:
        velocity = f["velocity"][()].astype(np.float64) * 1000.0
    grid = grid_of(attributes(velocity_path))
    coherence_path = mintpy_dir / "temporalCoherence.h5"
    if coherence_path.is_file():
        with h5py.File(coherence_path, "r") as f:
            velocity[f["temporalCoherence"][()] == 0] = np.nan
    finite = velocity[np.isfinite(velocity)]
    limit = float(np.percentile(np.abs(finite), 98)) if finite.size else 1.0
    figure = Figure(figsize=(8.0, 6.0))
    ax = figure.add_subplot()
    xmin, ymin, xmax, ymax = grid.bounds
    image = ax.imshow(
        velocity, cmap="RdBu", vmin=-max(limit, 1.0), vmax=max(limit, 1.0), extent=(xmin, xmax, ymin, ymax)
    )
    if reference:
        row, col = reference
        ax.plot(grid.centre_x(col), grid.centre_y(row), "k^", ms=8, label="reference pixel")
        ax.legend(loc="lower right", fontsize=8)
    ax.set_xlabel("easting (m)")
    ax.set_ylabel("northing (m)")
    ax.ticklabel_format(useOffset=False, style="plain")
    ax.set_title("Mean LOS velocity (MintPy velocity.h5)", fontsize=10)
    figure.colorbar(image, ax=ax, label="mm/yr, + towards the satellite, - away (subsidence)")
    return _figure_png(figure)


def _velocity_section(work: Path, manifest: dict) -> Section:
    reference = manifest.get("steps", {}).get("mintpy", {}).get("reference")
    png = velocity_map_png(WorkFolder(work).mintpy, tuple(reference) if reference else None)
    return Section("Velocity map", images=[Image("Mean LOS velocity, mm/yr", png)])


def _images(folder: Path, names) -> list:
    return [Image(path.stem.replace("_", " "), path.read_bytes()) for path in names if path.is_file()]


def _summary_items(summary: dict, prefix: str = "") -> list:
    """Scalars of a summary.json, nested dictionaries flattened with dotted keys; lists left to tables."""
    items = []
    for key, value in summary.items():
        if isinstance(value, dict):
            items += _summary_items(value, f"{prefix}{key}.")
        elif not isinstance(value, list):
            items.append((f"{prefix}{key}", value))
    return items


def _read_summary(folder: Path, warnings: list) -> dict:
    path = folder / "summary.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        warnings.append(f"{path}: not read ({error})")
        return {}


def _folder(path, option: str) -> Path:
    folder = Path(path)
    if not folder.is_dir():
        raise ReportError(f"{folder}: no such folder; {option} takes the output folder of that command")
    return folder


def _coherence_section(folder: Path, warnings: list) -> Section:
    section = Section("Coherence")
    summary = _read_summary(folder, warnings)
    if summary:
        section.tables.append(_key_values("Coherence summary", _summary_items(summary)))
    names = [folder / f"{name}.csv" for name in COHERENCE_TABLES]
    names += sorted(p for p in folder.glob("*.csv") if p not in names)
    for path in names:
        if path.is_file():
            section.tables.append(_read_csv_table(path, path.stem.replace("_", " ")))
    section.images = _images(folder, sorted(folder.glob("*.png")))
    if not section.tables and not section.images:
        warnings.append(f"{folder}: no coherence tables or figures (is it the output folder of sbas coherence?)")
    return section


def _validation_section(folder: Path, warnings: list) -> Section:
    section = Section("Validation against the ground")
    summary = _read_summary(folder, warnings)
    if summary:
        section.paragraphs.append(
            f"InSAR − {summary.get('kind', 'ground')} in the line of sight: RMS {_cell(summary.get('rms_mm'))} mm, "
            f"mean {_cell(summary.get('mean_mm'))} mm, std {_cell(summary.get('std_mm'))} mm over "
            f"{summary.get('n_points')} benchmarks ({summary.get('n_differences', '?')} differences). "
            f"Referencing: {summary.get('referencing', 'not recorded')}."
        )
        items = [(k, v) for k, v in _summary_items(summary) if not k.startswith("orders.")]
        section.tables.append(_key_values("Validation summary", items))
        if summary.get("skipped"):
            section.tables.append(
                Table("Benchmarks not compared", ["id", "reason"], [[s["id"], s["reason"]] for s in summary["skipped"]])
            )
    if (folder / "validation.csv").is_file():
        section.tables.append(_read_csv_table(folder / "validation.csv", "Per benchmark (mm)"))
    else:
        warnings.append(f"{folder}: no validation.csv (is it the output folder of sbas validate?)")
    section.images = _images(folder, [folder / "scatter.png", *sorted(folder.glob("series_*.png"))])
    return section


def build_report(
    work,
    validation_dir=None,
    coherence_dir=None,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> Report:
    work = Path(work)
    folders = {
        "coherence": _folder(coherence_dir, "--coherence") if coherence_dir else None,
        "validation": _folder(validation_dir, "--validation") if validation_dir else None,
    }
    warnings = []
    manifest = _read_manifest(work)
    builders = [
        lambda: _run_section(work, manifest),
        lambda: _quality_section(work, warnings),
        lambda: _velocity_section(work, manifest),
    ]
    if folders["coherence"]:
        builders.append(lambda: _coherence_section(folders["coherence"], warnings))
    if folders["validation"]:
        builders.append(lambda: _validation_section(folders["validation"], warnings))
    sections = []
    for done, build in enumerate(builders):
        check_canceled(is_canceled)
        sections.append(build())
        if progress:
            progress(100.0 * (done + 1) / len(builders))
    created = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return Report(f"SBAS InSAR report: {work.name}", created, sections, warnings)


STYLE = """
body { font-family: "Noto Sans", "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", Meiryo, sans-serif;
       margin: 2em auto; max-width: 1100px; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { border-bottom: 2px solid #3b6ea5; padding-bottom: .2em; margin-top: 2em; }
table { border-collapse: collapse; margin: .8em 0 1.4em; font-size: .9em; }
caption { text-align: left; font-weight: bold; padding: .3em 0; }
th, td { border: 1px solid #bbb; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #e8eef5; } tr:nth-child(even) td { background: #f7f7f7; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: .85em; color: #555; } .warning { color: #a33; }
"""


def _html_table(table: Table) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in table.header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>\n" for row in table.rows)
    return f"<table><caption>{html.escape(table.caption)}</caption><tr>{head}</tr>\n{body}</table>\n"


def _html_image(image: Image) -> str:
    data = base64.b64encode(image.png).decode("ascii")
    caption = html.escape(image.caption)
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{caption}"><figcaption>{caption}</figcaption></figure>\n'
    )


def render_html(report: Report) -> str:
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f"<title>{html.escape(report.title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        f"<h1>{html.escape(report.title)}</h1>\n",
        f"<p>Created {html.escape(report.created)} by sbas_plugin {__version__}. Displacements are in the line of "
        "sight (LOS): + towards the satellite, − away from it.</p>\n",
    ]
    parts += [f'<p class="warning">{html.escape(w)}</p>\n' for w in report.warnings]
    parts.append(
        "<ul>"
        + "".join(f'<li><a href="#s{i}">{html.escape(s.title)}</a></li>' for i, s in enumerate(report.sections))
        + "</ul>\n"
    )
    for i, section in enumerate(report.sections):
        parts.append(f'<h2 id="s{i}">{html.escape(section.title)}</h2>\n')
        parts += [f"<p>{html.escape(p)}</p>\n" for p in section.paragraphs]
        parts += [_html_table(t) for t in section.tables]
        parts += [_html_image(image) for image in section.images]
    parts.append("</body>\n</html>\n")
    return "".join(parts)


def write_html(report: Report, path) -> Path:
    return replace_with(path, lambda partial: partial.write_text(render_html(report), encoding="utf-8"))


A4 = (8.27, 11.69)


def _text_page(title: str, lines: list) -> Figure:
    figure = Figure(figsize=A4)
    figure.text(0.08, 0.95, title, fontsize=15, weight="bold", va="top")
    wrapped = [piece for line in lines for piece in (textwrap.wrap(line, 95) or [""])]
    figure.text(0.08, 0.9, "\n".join(wrapped), fontsize=9, va="top", linespacing=1.5)
    return figure


def _table_pages(table: Table) -> list:
    pages = []
    for start in range(0, max(len(table.rows), 1), PDF_TABLE_ROWS):
        rows = [
            [textwrap.shorten(c, 60, placeholder="…") for c in row]
            for row in table.rows[start : start + PDF_TABLE_ROWS]
        ]
        figure = Figure(figsize=A4)
        ax = figure.add_axes((0.05, 0.05, 0.9, 0.85))
        ax.axis("off")
        suffix = f" ({start + 1}–{start + len(rows)} of {len(table.rows)})" if len(table.rows) > PDF_TABLE_ROWS else ""
        ax.set_title(table.caption + suffix, fontsize=11, loc="left")
        if rows and table.header:
            cells = ax.table(cellText=rows, colLabels=table.header, loc="upper left", cellLoc="left")
            cells.auto_set_font_size(False)
            cells.set_fontsize(7)
            cells.auto_set_column_width(range(len(table.header)))
        pages.append(figure)
    return pages


def _image_page(image: Image) -> Figure:
    from matplotlib.image import imread

    figure = Figure(figsize=A4)
    ax = figure.add_axes((0.05, 0.05, 0.9, 0.85))
    ax.imshow(imread(io.BytesIO(image.png), format="png"))
    ax.axis("off")
    ax.set_title(image.caption, fontsize=10, loc="left")
    return figure


def write_pdf(report: Report, path) -> Path:
    """The report's text, tables (split over pages) and figures, one A4 page each, via matplotlib."""

    def write(partial: Path) -> None:
        pages = [
            _text_page(report.title, [f"Created {report.created} by sbas_plugin {__version__}.", *report.warnings])
        ]
        for section in report.sections:
            pages.append(_text_page(section.title, section.paragraphs))
            for table in section.tables:
                pages += _table_pages(table)
            pages += [_image_page(image) for image in section.images]
        with PdfPages(partial) as pdf:
            for figure in pages:
                FigureCanvasAgg(figure)
                pdf.savefig(figure)

    return replace_with(path, write)
