"""Pixel-centre points of a raster inside a polygon: the users' "points" step, done on the exact lattice."""

import csv
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np
from matplotlib.path import Path as PolygonPath

from sbas_plugin.core.cancel import Canceled as Canceled  # re-exported: it lived here first
from sbas_plugin.core.cancel import check_canceled
from sbas_plugin.core.files import written_whole
from sbas_plugin.core.grid import Grid

Ring = Sequence[Sequence[float]]  # closed or open list of (x, y) vertices
Polygon = Sequence[Ring]  # exterior ring first, then holes


@dataclass(frozen=True)
class PixelPoints:
    rows: np.ndarray
    cols: np.ndarray
    x: np.ndarray
    y: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)


def _inside(ring: Ring, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return PolygonPath(np.asarray(ring, dtype=np.float64)).contains_points(np.column_stack([x, y]))


def pixel_centres_in_polygons(
    grid: Grid,
    polygons: Sequence[Polygon],
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> PixelPoints:
    """Every pixel whose centre lies inside any polygon (coordinates in the grid's CRS), ordered
    row by row from the upper-left, each pixel once even where polygons overlap."""
    selected = np.zeros((grid.height, grid.width), dtype=bool)
    for done, polygon in enumerate(polygons):
        check_canceled(is_canceled)
        exterior = np.asarray(polygon[0], dtype=np.float64)
        box = grid.window(*exterior.min(axis=0), *exterior.max(axis=0))
        if box is not None:
            row0, row1, col0, col1 = box
            cols, rows = np.meshgrid(np.arange(col0, col1), np.arange(row0, row1))
            x, y = grid.centre_x(cols.ravel()), grid.centre_y(rows.ravel())
            inside = _inside(exterior, x, y)
            for hole in polygon[1:]:
                inside &= ~_inside(hole, x, y)
            selected[row0:row1, col0:col1] |= inside.reshape(rows.shape)
        if progress:
            progress(100.0 * (done + 1) / len(polygons))
    rows, cols = np.nonzero(selected)
    return PixelPoints(rows, cols, grid.centre_x(cols), grid.centre_y(rows))


def write_points_csv(path, points: PixelPoints) -> Path:
    """`fid,x,y` as users have always exported it (fid from 1), written whole or not at all."""
    with written_whole(path) as f:
        writer = csv.writer(f)
        writer.writerow(["fid", "x", "y"])
        for fid, (x, y) in enumerate(zip(points.x.tolist(), points.y.tolist()), start=1):
            writer.writerow([fid, repr(x), repr(y)])
    return Path(path)


@dataclass(frozen=True)
class PointTable:
    """Points as users keep them: ids (their `fid`) and coordinates, in one CRS."""

    fid: np.ndarray  # int64
    x: np.ndarray
    y: np.ndarray

    def __len__(self) -> int:
        return len(self.fid)


class PointsFileError(ValueError):
    """The points file cannot be used; the message says why."""


def read_points_csv(path) -> PointTable:
    """A `fid,x,y` CSV (extra columns are ignored; a missing fid column numbers the rows from 1)."""
    return _read_plain_points(path) or _read_points_rows(path)


def _read_plain_points(path) -> Optional[PointTable]:
    """The points of a plain file (numbers only, integer fids), parsed by numpy in C: a frame's million
    points take ~1 s, not ~5. None when the file is anything else: the row-by-row reader then reads it or
    says what is wrong."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        names = next(csv.reader(f), [])
        header = {name.strip().lower(): i for i, name in enumerate(names)}
        if "x" not in header or "y" not in header:
            return None
        columns = [header[name] for name in ("fid", "x", "y") if name in header]
        dtype = [(name, "i8" if name == "fid" else "f8") for name in ("fid", "x", "y") if name in header]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # an empty file warns: the row reader says "no points"
                table = np.loadtxt(
                    f, delimiter=",", usecols=columns, dtype=dtype, comments=None, ndmin=1, quotechar='"'
                )
        except (ValueError, UserWarning):
            return None
    if not len(table):
        return None
    fid = table["fid"] if "fid" in header else np.arange(1, len(table) + 1)
    if len(np.unique(fid)) != len(fid):
        return None
    return PointTable(fid.astype(np.int64), table["x"].copy(), table["y"].copy())


def _read_points_rows(path) -> PointTable:
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise PointsFileError(f"{path}: no points")
    header = {name.strip().lower(): name for name in rows[0]}
    if "x" not in header or "y" not in header:
        raise PointsFileError(f"{path}: needs columns x and y (found {', '.join(rows[0])})")
    try:
        x = np.array([float(r[header["x"]]) for r in rows])
        y = np.array([float(r[header["y"]]) for r in rows])
        fid = np.array([int(r[header["fid"]]) for r in rows]) if "fid" in header else np.arange(1, len(rows) + 1)
    except (TypeError, ValueError) as error:
        raise PointsFileError(f"{path}: {error}") from error
    if len(np.unique(fid)) != len(fid):
        raise PointsFileError(f"{path}: fid values repeat; each point needs its own id")
    return PointTable(fid.astype(np.int64), x, y)
