"""Geotiff_value.csv within what spreadsheets open: numbered parts of at most 16,384 columns when the points
do not fit one sheet, one file as ever when they do, and one reader for both."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_extract import centre, encoded, write_points, write_stack

from sbas_plugin.core.reports.plot import read_displacements_csv
from sbas_plugin.core.results.extract import PointSeries, long_rows_note, write_wide_csv
from sbas_plugin.core.results.points import PointTable
from sbas_plugin.core.results.wide_table import (
    POINTS_PER_PART,
    SHEET_COLUMNS,
    SHEET_ROWS,
    read_wide_table,
    table_files,
    write_wide_table,
)

SBAS = Path(sys.executable).parent / "sbas"
DATES = ["20200103", "20200115", "20200127"]
ROWS = [f"20200103_{date}" for date in DATES]


def series(n_points: int) -> PointSeries:
    """fid 1..n, value (fid % 4096) / 8 + date index, exact in float32 (12.125 prints 12.125); every 7th
    point empty on the last date."""
    fid = np.arange(1, n_points + 1)
    values = np.array([(fid % 4096) / 8 + d for d in range(len(DATES))], dtype=np.float32)
    values[-1, ::7] = np.nan
    points = PointTable(fid, fid.astype(np.float64), fid.astype(np.float64))
    return PointSeries(DATES[0], DATES, points, values, np.ones(n_points, bool))


def single_table_lines(s: PointSeries) -> list:
    """The table as one file would hold it, made here without the writer: [header, row, ...] as cells."""
    cells = [[ROWS[d], *("" if np.isnan(v) else repr(float(v)) for v in s.values[d])] for d in range(len(DATES))]
    return [["Date", *(f"{fid}_value" for fid in s.points.fid.tolist())], *cells]


def lines_of(path: Path) -> list:
    text = path.read_bytes().decode()
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")  # CRLF, as ever
    return [line.split(",") for line in text.removesuffix("\r\n").split("\r\n")]


def names(folder: Path) -> list:
    return sorted(p.name for p in folder.iterdir())


def test_points_beyond_a_sheet_go_to_numbered_parts_that_join_to_the_single_table(tmp_path):
    s = series(POINTS_PER_PART + (POINTS_PER_PART + 1) + 5)  # 16,383 + 16,384 + 5 points: 3 parts

    files = write_wide_csv(tmp_path / "Geotiff_value.csv", s)

    assert [f.name for f in files] == [f"Geotiff_value_part0{n}.csv" for n in (1, 2, 3)]
    assert names(tmp_path) == [f.name for f in files]  # no Geotiff_value.csv, no temporary file
    parts = [lines_of(f) for f in files]
    assert [len(part[0]) for part in parts] == [SHEET_COLUMNS, SHEET_COLUMNS, 7]  # Date + points
    for part in parts:
        assert [row[0] for row in part] == ["Date", *ROWS]
        assert {len(row) for row in part} == {len(part[0])}
    joined = [[row[0], *(cell for part in parts for cell in part[r][1:])] for r, row in enumerate(parts[0])]
    assert joined == single_table_lines(s)

    table = read_wide_table(tmp_path / "Geotiff_value.csv")
    assert table.files == files and table.labels == ROWS
    assert table.columns == [f"{fid}_value" for fid in s.points.fid.tolist()]
    np.testing.assert_array_equal(table.values, s.values.astype(np.float64))  # NaN where empty
    shown = read_displacements_csv(tmp_path / "Geotiff_value.csv")  # sbas plot, the Processing graphs
    assert shown.fids.tolist() == s.points.fid.tolist() and shown.source == "Geotiff_value.csv"
    np.testing.assert_array_equal(shown.metres, s.values.astype(np.float64))


def test_a_rerun_leaves_exactly_the_new_tables_files(tmp_path):
    out = tmp_path / "Geotiff_value.csv"
    write_wide_csv(out, series(2 * POINTS_PER_PART + 1))
    assert names(tmp_path) == ["Geotiff_value_part01.csv", "Geotiff_value_part02.csv", "Geotiff_value_part03.csv"]

    fewer = series(POINTS_PER_PART + 1)
    write_wide_csv(out, fewer)
    assert names(tmp_path) == ["Geotiff_value_part01.csv", "Geotiff_value_part02.csv"]  # part03 gone
    np.testing.assert_array_equal(read_wide_table(out).values, fewer.values.astype(np.float64))

    small = series(5)
    write_wide_csv(out, small)
    assert names(tmp_path) == ["Geotiff_value.csv"]
    assert lines_of(out) == single_table_lines(small)

    write_wide_csv(out, series(POINTS_PER_PART + 1))
    assert names(tmp_path) == ["Geotiff_value_part01.csv", "Geotiff_value_part02.csv"]  # the single file gone


def test_a_sheet_full_of_points_is_one_file_and_one_more_makes_two(tmp_path):
    assert [f.name for f in write_wide_csv(tmp_path / "full.csv", series(POINTS_PER_PART))] == ["full.csv"]
    assert len(lines_of(tmp_path / "full.csv")[0]) == SHEET_COLUMNS
    two = write_wide_csv(tmp_path / "over.csv", series(POINTS_PER_PART + 1))
    assert [f.name for f in two] == ["over_part01.csv", "over_part02.csv"]
    assert lines_of(two[1])[0] == ["Date", f"{POINTS_PER_PART + 1}_value"]


def test_a_part_that_cannot_be_put_in_place_removes_the_table(tmp_path):
    out = tmp_path / "Geotiff_value.csv"
    write_wide_csv(out, series(2 * POINTS_PER_PART + 1))
    (tmp_path / "Geotiff_value_part02.csv").unlink()
    (tmp_path / "Geotiff_value_part02.csv" / "in the way").mkdir(parents=True)  # as a file open in Excel

    with pytest.raises(OSError):
        write_wide_csv(out, series(2 * POINTS_PER_PART + 2))

    # Neither the old table nor half of the new one: no part to read as if it were whole.
    assert names(tmp_path) == ["Geotiff_value_part02.csv"]
    with pytest.raises(FileNotFoundError, match=r"Geotiff_value_part01\.csv of its 2 parts is missing"):
        read_wide_table(out)


def test_a_missing_part_is_an_error_not_a_smaller_table(tmp_path):
    out = tmp_path / "Geotiff_value.csv"
    write_wide_csv(out, series(2 * POINTS_PER_PART + 1))
    (tmp_path / "Geotiff_value_part02.csv").unlink()

    with pytest.raises(FileNotFoundError, match=r"Geotiff_value_part02\.csv of its 3 parts is missing"):
        table_files(out)
    with pytest.raises(FileNotFoundError, match="nor parts of it"):
        table_files(tmp_path / "other.csv")


def test_more_dates_than_a_sheet_has_rows_are_refused_before_writing(tmp_path):
    with pytest.raises(ValueError, match=r"1,048,576 dates do not fit a spreadsheet's 1,048,576 rows"):
        write_wide_table(tmp_path / "t.csv", ["1_value"], ["20200103_20200103"] * SHEET_ROWS, lambda i: ["0.0"])
    assert names(tmp_path) == []


def test_cli_extract_writes_parts_and_says_so(tmp_path):
    stack = encoded(2)
    write_stack(tmp_path / "tifs", stack)
    count = POINTS_PER_PART + 3
    cells = [(i % 40, (i // 40) % 50) for i in range(count)]  # every pixel, then again: ids differ
    points = PointTable(np.arange(1, count + 1), *(np.array(v) for v in zip(*(centre(r, c) for r, c in cells))))
    write_points(tmp_path / "points.csv", points)
    out = tmp_path / "Geotiff_value.csv"

    done = subprocess.run(
        [
            str(SBAS),
            "extract",
            "--geotiffs",
            str(tmp_path / "tifs"),
            "--points",
            str(tmp_path / "points.csv"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )

    assert done.returncode == 0, done.stderr
    assert f"written to {tmp_path / 'Geotiff_value_part01.csv'} ... Geotiff_value_part02.csv:" in done.stdout
    assert "note: Geotiff_value.csv: 16,386 points do not fit one spreadsheet" in done.stdout
    assert "in 2 parts, Geotiff_value_part01.csv to Geotiff_value_part02.csv" in done.stdout
    table = read_wide_table(out)
    rows, cols = np.array(cells).T
    np.testing.assert_array_equal(table.values, stack[:, rows, cols])


def test_a_long_table_beyond_a_sheets_rows_is_said_to_be_for_qgis_or_pandas():
    assert long_rows_note("long.csv", SHEET_ROWS - 1) is None  # with the header: a full sheet
    note = long_rows_note("long.csv", SHEET_ROWS)
    assert note.startswith("long.csv: 1,048,576 rows, more than a spreadsheet's 1,048,576: open it in QGIS")
