"""The wide table on disk (Geotiff_value.csv: `Date`, then one column per point; one row per date), within
what the users' spreadsheets open: Excel and LibreOffice Calc show at most SHEET_COLUMNS columns and
SHEET_ROWS rows.

A table whose points fit one sheet is one file, `Geotiff_value.csv`. One with more is written in numbered
parts beside that name, `Geotiff_value_part01.csv`, `Geotiff_value_part02.csv`, ... (two digits, more
from 100 parts on): each a table of its own in the same format, the `Date` column then the next
POINTS_PER_PART points in point order. Writing one form removes the other and any part the table no
longer has, so the files on disk are always one table. read_wide_table reads either form back, and is
what everything that reads the table uses."""

import csv
import re
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from sbas_plugin.core.files import written_whole

SHEET_COLUMNS = 16_384  # Excel's and LibreOffice Calc's most columns in a sheet
SHEET_ROWS = 1_048_576  # and most rows
POINTS_PER_PART = SHEET_COLUMNS - 1  # the Date column takes one
CELL_WRITERS = 2  # threads making a row's parts


def part_paths(path, count: int) -> list:
    """The files of a table named `path` in `count` parts: [path] for one, else `<stem>_partNN<suffix>`."""
    path = Path(path)
    if count == 1:
        return [path]
    width = max(2, len(str(count)))
    return [path.with_name(f"{path.stem}_part{n:0{width}d}{path.suffix}") for n in range(1, count + 1)]


def _parts_on_disk(path: Path) -> dict:
    """{number: path} of the `<stem>_partNN<suffix>` files beside `path`."""
    pattern = re.compile(re.escape(path.stem) + r"_part(\d+)" + re.escape(path.suffix))
    if not path.parent.is_dir():
        return {}
    found = (pattern.fullmatch(p.name) for p in path.parent.iterdir())
    return {int(match[1]): path.with_name(match[0]) for match in found if match}


def files_named_as_table(path) -> list:
    """`path` and every part of it on disk: the files a new table named `path` replaces."""
    path = Path(path)
    return [path, *(part for _, part in sorted(_parts_on_disk(path).items()))]


def table_files(path) -> list:
    """The files holding the table named `path`: `path` itself when it is a file, else its parts in
    order (a part's own name is a table of its own: it reads that part alone)."""
    path = Path(path)
    if path.is_file():
        return [path]
    parts = _parts_on_disk(path)
    if not parts:
        raise FileNotFoundError(f"{path}: no such file, nor parts of it ({path.stem}_part01{path.suffix}, ...)")
    missing = sorted(set(range(1, max(parts) + 1)) - set(parts))
    if missing:
        name = part_paths(path, max(parts))[missing[0] - 1].name
        raise FileNotFoundError(f"{path}: {name} of its {max(parts)} parts is missing; extract the values again")
    return [parts[n] for n in sorted(parts)]


def write_wide_table(path, columns: Sequence[str], labels: Sequence[str], cells: Callable[[int, slice], str]) -> list:
    """Write the table named `path`: header `Date,<columns>`, then per label `<label>,<cells(i, part)>`
    (the comma-joined cells of row i in the columns of `part`, made as they are written: one part of a row
    in memory at a time); CRLF line ends.
    In parts when the columns do not fit one sheet. Every file is written whole, and the files of an
    earlier table of the same name that this one does not have are removed; when putting the files in
    place fails, the table is removed rather than left half old, half new. Returns the files written."""
    path = Path(path)
    if len(labels) + 1 > SHEET_ROWS:
        raise ValueError(
            f"{path}: {len(labels):,} dates do not fit a spreadsheet's {SHEET_ROWS:,} rows (one is the header); "
            "use the long table, or fewer dates"
        )
    count = max(1, -(-len(columns) // POINTS_PER_PART))
    paths = part_paths(path, count)
    slices = [slice(start, start + POINTS_PER_PART) for start in range(0, max(1, len(columns)), POINTS_PER_PART)]
    written = False
    try:
        with ExitStack() as stack:  # every part renamed into place when the block ends, none when it raises
            files = [stack.enter_context(written_whole(p)) for p in paths]
            for file, part in zip(files, slices):
                file.write(",".join(["Date", *columns[part]]) + "\r\n")
            # A row's parts are made two at a time (numpy lets go of Python's lock while it works), one row
            # in memory.
            pool = stack.enter_context(ThreadPoolExecutor(max_workers=CELL_WRITERS))
            for i, label in enumerate(labels):
                texts = pool.map(cells, [i] * len(slices), slices) if len(columns) else [None] * len(slices)
                for file, text in zip(files, list(texts)):
                    file.write(f"{label}\r\n" if text is None else f"{label},{text}\r\n")
            for stale in [path, *_parts_on_disk(path).values()]:
                if stale not in paths:  # before the renames: a failure here leaves the old table incomplete
                    stale.unlink(missing_ok=True)
            written = True
    except BaseException:
        if written:  # a rename failed (a part open in Excel on Windows): some parts are new, some old
            for done in paths:
                with suppress(OSError):  # what cannot be removed is named by the error raised
                    done.unlink(missing_ok=True)
        raise
    return paths


def split_note(path, files: Sequence, points: int) -> str:
    """What a run or `sbas extract` says when the table named `path` was written in parts."""
    return (
        f"{Path(path).name}: {points:,} points do not fit one spreadsheet ({SHEET_COLUMNS:,} columns at most), "
        f"so the table is in {len(files)} parts, {Path(files[0]).name} to {Path(files[-1]).name}, each with "
        f"the Date column and up to {POINTS_PER_PART:,} points in point order; with points.gpkg they carry "
        "every point"
    )


@dataclass(frozen=True)
class WideTable:
    files: list  # the files read, in order
    labels: list  # the Date column: one label per row, e.g. 20200103_20200115
    columns: list  # the header after Date, all parts in order, e.g. 1_value
    values: np.ndarray  # (rows, columns) float64; NaN for empty cells


def _number(cell: str, where: str) -> float:
    try:
        return float(cell) if cell.strip() else np.nan
    except ValueError:
        raise ValueError(f"{where}: {cell!r} is not a number (metres, or empty for no data)") from None


def _rows(file: Path):
    """(line number, cells) of the rows of a CSV that are not blank."""
    with open(file, newline="", encoding="utf-8-sig") as f:
        for line, cells in enumerate(csv.reader(f), start=1):
            if any(cell.strip() for cell in cells):
                yield line, cells


def read_wide_table(path) -> WideTable:
    """The table named `path` (table_files), its parts joined side by side. ValueError when a file is
    not a wide table (no `Date` first column, a row of another length, a cell not a number) or the
    parts do not share one Date column."""
    files = table_files(path)
    headers = []
    for file in files:
        header = [name.strip() for name in next((cells for _, cells in _rows(file)), [""])]
        if header[0].lower() != "date":
            raise ValueError(f"{file}: the first column is {header[0]!r}, not Date: is it the extractor's wide table?")
        headers.append(header)
    columns = [name for header in headers for name in header[1:]]
    labels, values, start = None, None, 0
    for file, header in zip(files, headers):
        part_labels, part_values = [], []
        rows = _rows(file)
        next(rows)  # the header
        for line, cells in rows:
            where = f"{file}, line {line}"
            if len(cells) != len(header):
                raise ValueError(f"{where}: {len(cells)} cells, the header has {len(header)}")
            part_labels.append(cells[0].strip())
            part_values.append([_number(cell, where) for cell in cells[1:]])
        if labels is None:
            labels = part_labels
            values = np.empty((len(labels), len(columns)))
        elif part_labels != labels:
            raise ValueError(f"{file} has other rows (dates) than {files[0].name}: the parts are not of one table")
        values[:, start : start + len(header) - 1] = np.array(part_values).reshape(len(labels), len(header) - 1)
        start += len(header) - 1
    return WideTable(files, labels, columns, values)
