import csv
import re

import numpy as np
import pytest

from sbas_plugin.core.grid import Grid
from sbas_plugin.core.results.points import Canceled, pixel_centres_in_polygons, write_points_csv

# An 80 m HyP3-like lattice in UTM: origin on multiples of the pixel size.
GRID = Grid(x0=399_920.0, y0=3_900_080.0, dx=80.0, dy=-80.0, width=50, height=40)


def brute_force(grid, inside):
    """Every pixel centre tested one by one with a plain predicate."""
    hits = []
    for row in range(grid.height):
        for col in range(grid.width):
            x = grid.x0 + (col + 0.5) * grid.dx
            y = grid.y0 + (row + 0.5) * grid.dy
            if inside(x, y):
                hits.append((row, col, x, y))
    return hits


def test_rectangle_gives_exactly_the_pixels_whose_centres_are_inside():
    # Edges fall mid-pixel: a pixel is in when its centre is, never because it is touched.
    xmin, xmax, ymin, ymax = 400_100.0, 400_900.0, 3_898_500.0, 3_899_300.0
    ring = [(xmin, ymin), (xmax, ymin), (xmax, ymax), (xmin, ymax), (xmin, ymin)]
    points = pixel_centres_in_polygons(GRID, [[ring]])
    expected = brute_force(GRID, lambda x, y: xmin < x < xmax and ymin < y < ymax)
    assert len(points) == len(expected) == 10 * 10
    assert list(zip(points.rows, points.cols, points.x, points.y)) == expected


def test_points_sit_on_pixel_centres_not_corners():
    ring = [(400_000.0, 3_899_920.0), (400_080.0, 3_899_920.0), (400_080.0, 3_900_000.0), (400_000.0, 3_900_000.0)]
    points = pixel_centres_in_polygons(GRID, [[ring]])
    assert (points.rows.tolist(), points.cols.tolist()) == ([1], [1])
    assert (points.x[0], points.y[0]) == (400_040.0, 3_899_960.0)


def test_hole_and_overlap_and_outside_parts():
    outer = [(399_920.0, 3_896_880.0), (403_920.0, 3_896_880.0), (403_920.0, 3_900_080.0), (399_920.0, 3_900_080.0)]
    hole = [(401_010.0, 3_898_100.0), (402_010.0, 3_898_100.0), (402_010.0, 3_899_010.0), (401_010.0, 3_899_010.0)]
    overlapping = [
        (399_000.0, 3_899_000.0),
        (400_500.0, 3_899_000.0),
        (400_500.0, 3_901_000.0),
        (399_000.0, 3_901_000.0),
    ]
    far_away = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)]
    points = pixel_centres_in_polygons(GRID, [[outer, hole], [overlapping], [far_away]])

    def inside(x, y):
        in_hole = 401_010 < x < 402_010 and 3_898_100 < y < 3_899_010
        in_overlap = 399_000 < x < 400_500 and 3_899_000 < y < 3_901_000
        return not in_hole or in_overlap

    expected = brute_force(GRID, inside)
    assert len(points) == len(expected) == GRID.width * GRID.height - 12 * 12
    assert len(set(zip(points.rows.tolist(), points.cols.tolist()))) == len(points)


def test_progress_and_cancel():
    ring = [(400_100.0, 3_898_500.0), (400_900.0, 3_898_500.0), (400_900.0, 3_899_300.0)]
    seen = []
    pixel_centres_in_polygons(GRID, [[ring], [ring]], progress=seen.append)
    assert seen == [50.0, 100.0]
    with pytest.raises(Canceled):
        pixel_centres_in_polygons(GRID, [[ring]], is_canceled=lambda: True)


def test_grid_rejects_rotated_and_south_up_rasters():
    with pytest.raises(ValueError, match="rotated"):
        Grid.from_gdal((0, 80, 1, 0, 0, -80), 10, 10)
    with pytest.raises(ValueError, match="north-up"):
        Grid.from_gdal((0, 80, 0, 0, 0, 80), 10, 10)


def test_csv_has_users_header_and_exact_coordinates(tmp_path):
    ring = [(400_000.0, 3_899_920.0), (400_160.0, 3_899_920.0), (400_160.0, 3_900_000.0), (400_000.0, 3_900_000.0)]
    points = pixel_centres_in_polygons(GRID, [[ring]])
    out = write_points_csv(tmp_path / "points.csv", points)
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows == [["fid", "x", "y"], ["1", "400040.0", "3899960.0"], ["2", "400120.0", "3899960.0"]]
    assert not list(tmp_path.glob("*.part"))
    assert np.allclose(points.x, [400_040.0, 400_120.0])


def test_read_points_csv_round_trip_and_errors(tmp_path):
    from sbas_plugin.core.results.points import PointsFileError, read_points_csv

    ring = [(400_000.0, 3_899_920.0), (400_160.0, 3_899_920.0), (400_160.0, 3_900_000.0), (400_000.0, 3_900_000.0)]
    written = write_points_csv(tmp_path / "points.csv", pixel_centres_in_polygons(GRID, [[ring]]))
    table = read_points_csv(written)
    assert table.fid.tolist() == [1, 2] and table.x.tolist() == [400_040.0, 400_120.0]
    (tmp_path / "bad.csv").write_text("fid,lon\n1,2\n")
    with pytest.raises(PointsFileError, match="x and y"):
        read_points_csv(tmp_path / "bad.csv")
    (tmp_path / "dup.csv").write_text("fid,x,y\n1,0,0\n1,1,1\n")
    with pytest.raises(PointsFileError, match="repeat"):
        read_points_csv(tmp_path / "dup.csv")


@pytest.mark.parametrize(
    "text",
    [
        'x,y,fid,name\r\n1.5,2.5,7,"a, b"\r\n\r\n-3.0e2,4.000000000000001,9,c\r\n',  # quoted comma, blank line
        "\ufeffFID, X ,Y\n1, 400040.0 ,3899960.0\n2,1e400,nan\n",  # BOM, spaces, extremes
        "x,y\n0.1,0.2\n0.30000000000000004,5\n",  # no fid: numbered from 1
        "fid,x,y\n1.0,2,3\n",  # a fid that is not an integer: refused by the row reader
        "fid,x,y\n1,2\n",  # a short row
        "fid,x,y\n1,1_000,2\n",  # what Python's float reads and numpy's does not
        "fid,x,y\n",  # no points
    ],
)
def test_points_files_read_alike_by_numpy_and_row_by_row(tmp_path, text):
    """The fast reader gives exactly what the row reader gives, or leaves the file to it."""
    from sbas_plugin.core.results.points import PointsFileError, _read_points_rows, read_points_csv

    path = tmp_path / "points.csv"
    path.write_text(text, encoding="utf-8")
    try:
        expected = _read_points_rows(path)
    except PointsFileError as error:
        with pytest.raises(PointsFileError, match=re.escape(str(error))):
            read_points_csv(path)
        return
    table = read_points_csv(path)
    for name in ("fid", "x", "y"):
        assert np.array_equal(getattr(table, name), getattr(expected, name), equal_nan=True)
        assert getattr(table, name).dtype == getattr(expected, name).dtype


def test_self_intersecting_area_is_repaired_and_a_degenerate_one_refused(caplog):
    from sbas_plugin.core.aoi import AoiError, read_aoi

    bow_tie = "POLYGON((0 0, 100 100, 100 0, 0 100, 0 0))"
    polygons = read_aoi(bow_tie, "EPSG:32654", "EPSG:32654")
    assert len(polygons) == 2 and "crossed itself; repaired into 2 polygon(s)" in caplog.text
    points = pixel_centres_in_polygons(Grid(0.0, 100.0, 10.0, -10.0, 10, 10), polygons)
    assert len(points) > 0 and all(abs(x - 50) >= abs(y - 50) - 10 for x, y in zip(points.x, points.y))
    with pytest.raises(AoiError, match="encloses no area"):
        read_aoi("POLYGON((0 0, 100 0, 0 0))", "EPSG:32654", "EPSG:32654")
