"""Grid: which pixel holds a point, and the grid's extent."""

import numpy as np
import pytest

from sbas_plugin.core.grid import Grid

# 4 columns x 3 rows of 30 m pixels, upper-left corner at (1000, 5000): x 1000..1120, y 4910..5000.
GRID = Grid(x0=1000.0, y0=5000.0, dx=30.0, dy=-30.0, width=4, height=3)


def test_each_pixel_centre_maps_to_its_pixel():
    rows, cols = np.meshgrid(np.arange(GRID.height), np.arange(GRID.width), indexing="ij")
    found_rows, found_cols, inside = GRID.pixel_of(GRID.centre_x(cols), GRID.centre_y(rows))
    assert inside.all()
    np.testing.assert_array_equal(found_rows, rows)
    np.testing.assert_array_equal(found_cols, cols)
    assert found_rows.dtype == found_cols.dtype == np.int64


def test_a_point_on_a_left_or_top_edge_is_in_that_pixel():
    # the upper-left corner of pixel (1, 2), then just left of it and just above it
    rows, cols, inside = GRID.pixel_of([1060.0, 1059.99, 1060.0], [4970.0, 4970.0, 4970.01])
    assert inside.tolist() == [True, True, True]
    assert list(zip(rows.tolist(), cols.tolist())) == [(1, 2), (1, 1), (0, 2)]


@pytest.mark.parametrize(
    "x, y",
    [
        (999.99, 4950.0),  # west of the first column
        (1120.0, 4950.0),  # on the east edge: that is the next (missing) column's left edge
        (1050.0, 5000.01),  # north of the first row
        (1050.0, 4910.0),  # on the south edge: the next (missing) row's top edge
        (np.nan, 4950.0),
        (1e300, 4950.0),
    ],
)
def test_points_off_the_grid_are_outside_with_row_and_col_minus_one(x, y):
    rows, cols, inside = GRID.pixel_of([x, 1000.0], [y, 5000.0])
    assert inside.tolist() == [False, True]
    assert rows.tolist() == [-1, 0] and cols.tolist() == [-1, 0]


def test_the_last_pixel_reaches_just_short_of_the_east_and_south_edges():
    rows, cols, inside = GRID.pixel_of(1119.99, 4910.01)
    assert bool(inside) and (int(rows), int(cols)) == (2, 3)


def test_scalars_give_scalars():
    rows, cols, inside = GRID.pixel_of(1045.0, 4985.0)
    assert np.ndim(rows) == np.ndim(cols) == np.ndim(inside) == 0
    assert (int(rows), int(cols), bool(inside)) == (0, 1, True)
    rows, cols, inside = GRID.pixel_of(0.0, 0.0)
    assert (int(rows), int(cols), bool(inside)) == (-1, -1, False)


def test_bounds_are_the_outer_edges_of_the_pixels():
    assert GRID.bounds == (1000.0, 4910.0, 1120.0, 5000.0)
