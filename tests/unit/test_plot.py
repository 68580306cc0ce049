import io
import subprocess
import sys
import zipfile
from pathlib import Path

import h5py
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from sbas_plugin.core.reports.plot import (
    POINT_AXES_BOX,
    Displacements,
    PlotInputError,
    PngRenderer,
    PointGraph,
    draw_overview,
    linear_trend,
    point_title,
    read_displacements_csv,
    read_point_ids_csv,
    reference_index,
    relative_displacement,
    write_plot_zip,
)
from sbas_plugin.core.results.points import Canceled, PointTable

SBAS = Path(sys.executable).parent / "sbas"
DATES = np.arange(np.datetime64("2020-01-03"), np.datetime64("2020-04-03"), 12)  # 8 dates, 12 days apart
YYYYMMDD = [str(d).replace("-", "") for d in DATES]


def sbas(*args):
    return subprocess.run([str(SBAS), *args], capture_output=True, text=True)


def write_values_csv(path, columns: dict):
    """The extractor's wide Geotiff_value.csv: {fid: metres per date}, None for no data."""
    lines = ["Date," + ",".join(f"{fid}_value" for fid in columns)]
    for row, date in enumerate(YYYYMMDD):
        cells = ["" if values[row] is None else repr(values[row]) for values in columns.values()]
        lines.append(f"{YYYYMMDD[0]}_{date}," + ",".join(cells))
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def write_columns_csv(path, ids):
    path.write_text("Column\n" + "".join(f"{i}\n" for i in ids), encoding="utf-8")
    return path


def write_mintpy_timeseries(work, ref_date):
    """A MintPy-shaped timeseries_demErr.h5: the attributes and datasets MintPy writes."""
    (work / "mintpy").mkdir(parents=True)
    with h5py.File(work / "mintpy" / "timeseries_demErr.h5", "w") as f:
        f.create_dataset("date", data=np.array([d.encode() for d in YYYYMMDD], dtype="S8"))
        f.create_dataset("bperp", data=np.zeros(len(YYYYMMDD), dtype=np.float32))
        f.create_dataset("timeseries", data=np.zeros((len(YYYYMMDD), 4, 5), dtype=np.float32))
        attrs = dict(FILE_TYPE="timeseries", UNIT="m", REF_DATE=ref_date, REF_Y="2", REF_X="3", LENGTH="4")
        attrs.update(WIDTH="5", X_FIRST="400000.0", Y_FIRST="3900000.0", X_STEP="80.0", Y_STEP="-80.0")
        attrs.update(EPSG="32654", START_DATE=YYYYMMDD[0], END_DATE=YYYYMMDD[-1])
        f.attrs.update(attrs)


def png_members(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# Binary fractions, so the plotted millimetres are exact.
KNOWN_METRES = [0.0, 1 / 64, 3 / 64, None, -1 / 32, 1 / 16, 5 / 64, 3 / 32]


def test_plotted_values_are_relative_to_the_reference_date_in_the_chosen_units():
    metres = np.array([[np.nan if v is None else v for v in KNOWN_METRES]]).T
    assert reference_index(DATES, "20200127") == 2
    expected_mm = [-46.875, -31.25, 0.0, np.nan, -78.125, 15.625, 31.25, 46.875]
    np.testing.assert_array_equal(relative_displacement(metres, 2, "mm")[:, 0], expected_mm)
    np.testing.assert_array_equal(relative_displacement(metres, 2, "cm")[:, 0], np.array(expected_mm) / 10)
    np.testing.assert_array_equal(relative_displacement(metres, 0, "m")[:, 0], metres[:, 0])

    renderer = PngRenderer(DATES, 2, "mm")
    renderer.png(relative_displacement(metres, 2, "mm")[:, 0], "Point 7")
    np.testing.assert_array_equal(renderer.graph.series.get_ydata(), expected_mm)
    low, high = renderer.graph.ax.get_ylim()
    assert low < -78.125 and high > 46.875  # every value is on the graph
    # Dates as numbers: month names would follow the locale, Japanese in a Japanese QGIS (no glyphs).
    labels = [label.get_text() for label in renderer.graph.ax.get_xticklabels()]
    assert labels == ["01-01", "01-15", "02-01", "02-15", "03-01", "03-15", "04-01"]
    assert renderer.graph.ax.xaxis.get_offset_text().get_text() == "2020"


def test_a_point_without_value_on_the_reference_date_says_so():
    metres = np.array([[np.nan if v is None else v for v in KNOWN_METRES]]).T
    values = relative_displacement(metres, 3, "mm")[:, 0]
    assert np.isnan(values).all()
    figure = Figure()
    graph = PointGraph(figure.add_subplot(), DATES, 3, "mm")
    graph.show(values, "Point 7")
    assert graph.nothing_note.get_text().startswith("nothing to plot: this point has no value on the reference date")
    graph.show(relative_displacement(metres, 2, "mm")[:, 0], "Point 7")
    assert graph.nothing_note.get_text() == ""


def test_missing_values_leave_gaps_and_do_not_bend_the_trend():
    mm_per_year = -24.0
    values = mm_per_year * (DATES - DATES[0]).astype(float) / 365.25
    values[[3, 4]] = np.nan
    slope, line = linear_trend(DATES, values)
    assert slope == pytest.approx(mm_per_year, abs=1e-9)
    np.testing.assert_allclose(line[[0, 7]], values[[0, 7]], atol=1e-9)

    renderer = PngRenderer(DATES, 0, "mm")
    renderer.png(values, point_title(1, None, DATES[0]))
    plotted = renderer.graph.series.get_ydata()
    assert np.isnan(plotted[[3, 4]]).all() and np.isfinite(np.delete(plotted, [3, 4])).all()
    assert renderer.graph.title.get_text().endswith("(reference date)\nlinear trend: -24.0 mm/yr")
    # Matplotlib draws no segment across NaN: the pixel column midway through the gap has no line colour.
    ax = renderer.graph.ax
    x_mid, _ = ax.transData.transform((ax.xaxis.convert_units(DATES[3] + 6), 0))
    column = np.asarray(renderer.canvas.buffer_rgba())[:, int(x_mid + 0.5), :3].astype(int)
    blue = np.array([31, 119, 180])  # tab:blue
    assert not (np.abs(column - blue).sum(axis=1) < 60).any()
    x_drawn, _ = ax.transData.transform((ax.xaxis.convert_units(DATES[1] + 6), 0))
    column = np.asarray(renderer.canvas.buffer_rgba())[:, int(x_drawn + 0.5), :3].astype(int)
    assert (np.abs(column - blue).sum(axis=1) < 60).any()


def test_reused_figure_draws_what_a_fresh_figure_draws():
    # The batch redraws only the changing artists over a kept frame; the dock draws the whole figure.
    rng = np.random.default_rng(3)
    first, second = (np.cumsum(rng.normal(0, s, len(DATES))) for s in (1.0, 30.0))
    renderer = PngRenderer(DATES, 0, "mm")
    renderer.png(first, "Point 1")
    png = renderer.png(second, "Point 2")
    batch = np.asarray(renderer.canvas.buffer_rgba())[..., :3].astype(int)
    # The 64-colour PNG is the picture as drawn, to within anti-aliasing shades.
    decoded = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    assert (np.abs(decoded - batch).sum(axis=2) > 60).mean() < 0.001

    figure = Figure(figsize=(9.0, 5.4), dpi=100)
    canvas = FigureCanvasAgg(figure)
    PointGraph(figure.add_axes(POINT_AXES_BOX), DATES, 0, "mm").show(second, "Point 2")
    canvas.draw()
    fresh = np.asarray(canvas.buffer_rgba())[..., :3].astype(int)
    assert batch.shape == fresh.shape
    differing = (np.abs(batch - fresh).sum(axis=2) > 30).mean()
    assert differing < 0.001, f"{differing:.2%} of pixels differ"


def test_auto_reference_date_is_mintpys_ref_date(tmp_path):
    write_mintpy_timeseries(tmp_path, ref_date="20200208")
    assert reference_index(DATES, "auto", tmp_path) == 3
    assert reference_index(DATES, "first", tmp_path) == 0
    with pytest.raises(PlotInputError, match="no MintPy time series"):
        reference_index(DATES, "auto", tmp_path / "elsewhere")


def test_reference_date_errors_name_the_nearest_dates(tmp_path):
    with pytest.raises(PlotInputError, match=r"20200130 is not an acquisition date.*20200115, 20200127, 20200208"):
        reference_index(DATES, "20200130")
    with pytest.raises(PlotInputError, match="not a date"):
        reference_index(DATES, "2020-13-01")
    write_mintpy_timeseries(tmp_path, ref_date="20191225")
    with pytest.raises(PlotInputError, match="MintPy's reference date 20191225 is not an acquisition date"):
        reference_index(DATES, "auto", tmp_path)


def test_values_and_listed_ids_are_read_and_unknown_ids_named(tmp_path):
    values = write_values_csv(tmp_path / "Geotiff_value.csv", {3: KNOWN_METRES, 15: [0.0] * 8, 9: [0.001] * 8})
    table = read_displacements_csv(values)
    assert table.fids.tolist() == [3, 15, 9] and table.dates.tolist() == DATES.tolist()
    assert np.isnan(table.metres[3, 0]) and table.metres[1, 0] == 1 / 64

    ids = (tmp_path / "columns.csv").write_text("Column\n15_value\n\n3\n", encoding="utf-8")
    ids = read_point_ids_csv(tmp_path / "columns.csv")
    assert ids == [15, 3]
    assert table.select(ids).fids.tolist() == [15, 3]
    np.testing.assert_array_equal(table.select(ids).metres[:, 1], table.metres[:, 0])

    with pytest.raises(PlotInputError, match=r"2 of the 4 listed point ids are not in Geotiff_value.csv: 7, 1200\. 2 "):
        table.select([3, 7, 15, 1200])
    (tmp_path / "bad.csv").write_text("Column\n15\nfifteen\n", encoding="utf-8")
    with pytest.raises(PlotInputError, match="line 3: 'fifteen' is not a point id"):
        read_point_ids_csv(tmp_path / "bad.csv")


def test_reads_both_layouts_the_extractor_writes(tmp_path):
    from sbas_plugin.core.results.extract import PointSeries, write_long_csv, write_wide_csv

    points = PointTable(np.array([4, 2], dtype=np.int64), np.array([400040.0, 400120.0]), np.array([3.9e6, 3.9e6]))
    metres = np.array([[0, 0], [0.001, np.nan], [0.0025, -0.004]], dtype=np.float32)
    series = PointSeries("20200103", YYYYMMDD[:3], points, metres, np.array([True, True]))
    wide = read_displacements_csv(write_wide_csv(tmp_path / "wide.csv", series)[0])
    long = read_displacements_csv(write_long_csv(tmp_path / "long.csv", series))
    assert wide.dates.tolist() == long.dates.tolist() == DATES[:3].tolist()
    np.testing.assert_array_equal(wide.select([2, 4]).metres, long.select([2, 4]).metres)
    np.testing.assert_array_equal(wide.select([4, 2]).metres.astype(np.float32), metres)
    assert long.points.fid.tolist() == [2, 4] and long.points.x.tolist() == [400120.0, 400040.0]


def test_zip_holds_a_graph_per_listed_point_and_the_overview(tmp_path):
    rng = np.random.default_rng(0)
    fids = np.arange(1, 41)
    table = Displacements(DATES, fids, rng.normal(0, 0.01, (len(DATES), len(fids))))
    listed = table.select([12, 5, *range(20, 40)])
    points = PointTable(fids, 400000.0 + fids, 3900000.0 - fids)
    percents = []
    out = write_plot_zip(tmp_path / "Plot.zip", listed, 1, "mm", points, progress=percents.append)
    members = png_members(out)
    assert list(members) == [f"Plot/{i}.png" for i in (12, 5, *range(20, 40))] + ["Plot/overview.png"]
    with zipfile.ZipFile(out) as archive:
        assert {(i.external_attr >> 16, i.compress_type) for i in archive.infolist()} == {(0o644, zipfile.ZIP_STORED)}
    assert Image.open(io.BytesIO(members["Plot/12.png"])).size == (900, 540)
    assert Image.open(io.BytesIO(members["Plot/overview.png"])).size == (1100, 600)
    assert percents[-1] == 100.0 and percents == sorted(percents)
    assert [p.name for p in tmp_path.iterdir()] == ["Plot.zip"]

    # Two worker processes draw the very same pixels.
    parallel = write_plot_zip(tmp_path / "Parallel.zip", listed, 1, "mm", points, processes=2)
    assert png_members(parallel) == members


def test_overview_colours_at_most_ten_points_and_names_them():
    rng = np.random.default_rng(1)
    for count, coloured in ((4, 4), (25, 10)):
        values = rng.normal(0, 2, (len(DATES), count))
        values[:, 7 % count] += np.linspace(0, 200, len(DATES))  # the fastest mover
        ax = Figure().add_subplot()
        draw_overview(ax, DATES, np.arange(101, 101 + count), values, 0, "mm")
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert len([label for label in labels if "mm/yr" in label]) == coloured
        assert any(label.startswith(f"{101 + 7 % count}: +") for label in labels)
        assert ("15 other points (slower trend)" in labels) == (count == 25)


def test_cancel_leaves_nothing(tmp_path):
    table = Displacements(DATES, np.arange(1, 41), np.zeros((len(DATES), 40)))
    with pytest.raises(Canceled):
        write_plot_zip(tmp_path / "Plot.zip", table, 0, is_canceled=lambda: True)
    assert list(tmp_path.iterdir()) == []


def test_sbas_plot_end_to_end(tmp_path):
    values = write_values_csv(tmp_path / "Geotiff_value.csv", {1: KNOWN_METRES, 2: [0.0] * 8, 15: [0.002] * 8})
    columns = write_columns_csv(tmp_path / "columns.csv", [15, 1])
    work = tmp_path / "work"
    write_mintpy_timeseries(work, ref_date="20200127")
    (work / "points.csv").write_text("fid,x,y\n1,400040.0,3899960.0\n15,400120.0,3899960.0\n", encoding="utf-8")
    out = tmp_path / "Plot.zip"

    result = sbas("plot", "--values", str(values), "--columns", str(columns), "--work", str(work), "--out", str(out))
    assert result.returncode == 0, result.stderr
    no_quality = "No point quality (points.gpkg of a work folder): titles show no temporal coherence."
    assert result.stdout.splitlines() == [
        no_quality,
        f"2 graphs and an overview, relative to 2020-01-27, written to {out}",
    ]
    assert list(png_members(out)) == ["Plot/15.png", "Plot/1.png", "Plot/overview.png"]

    first = sbas("plot", "--values", str(values), "--columns", str(columns), "--out", str(out), "--units", "cm")
    assert first.returncode == 0, first.stderr
    assert "relative to 2020-01-03" in first.stdout and "without coordinates" in first.stdout


def test_sbas_plot_errors_are_clear_and_write_nothing(tmp_path):
    values = write_values_csv(tmp_path / "Geotiff_value.csv", {1: KNOWN_METRES, 2: [0.0] * 8})
    out = tmp_path / "Plot.zip"
    common = ("--values", str(values), "--out", str(out))

    unknown = sbas("plot", "--columns", str(write_columns_csv(tmp_path / "c.csv", [1, 5, 6])), *common)
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("sbas: 2 of the 3 listed point ids are not in Geotiff_value.csv: 5, 6. 1 ")
    columns = str(write_columns_csv(tmp_path / "columns.csv", [1]))
    bad_date = sbas("plot", "--columns", columns, "--ref-date", "20200201", *common)
    assert bad_date.returncode == 2 and "nearest are 20200115, 20200127, 20200208" in bad_date.stderr
    auto = sbas("plot", "--columns", columns, "--ref-date", "auto", *common)
    assert auto.returncode == 2 and auto.stderr.startswith("sbas: --ref-date auto reads MintPy's reference date")
    assert "add --work DIR" in auto.stderr
    no_mintpy = sbas("plot", "--columns", columns, "--work", str(tmp_path), *common)
    assert no_mintpy.returncode == 2 and "no MintPy time series" in no_mintpy.stderr
    missing = sbas("plot", "--columns", str(tmp_path / "nope.csv"), *common)
    assert missing.returncode == 2 and "nope.csv" in missing.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Geotiff_value.csv", "c.csv", "columns.csv"]
