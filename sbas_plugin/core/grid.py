"""A north-up raster pixel lattice, the frame every step of the pipeline shares."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Grid:
    """Origin is the upper-left corner of the upper-left pixel (GDAL's convention, as HyP3 and
    MintPy's X_FIRST/Y_FIRST use it); pixel centres are therefore half a pixel in from it."""

    x0: float
    y0: float
    dx: float
    dy: float  # negative for north-up rasters
    width: int
    height: int

    def __post_init__(self):
        if self.dx <= 0 or self.dy >= 0:
            raise ValueError(f"not a north-up grid: pixel size {self.dx} x {self.dy}")
        if self.width <= 0 or self.height <= 0:
            raise ValueError(f"empty grid: {self.width} x {self.height} pixels")

    @classmethod
    def from_gdal(cls, transform, width: int, height: int) -> "Grid":
        x0, dx, rot_x, y0, rot_y, dy = transform
        if rot_x or rot_y:
            raise ValueError("rotated rasters are not supported: warp the raster to a north-up grid first")
        return cls(float(x0), float(y0), float(dx), float(dy), int(width), int(height))

    @property
    def bounds(self) -> tuple:
        """(xmin, ymin, xmax, ymax) of the pixels' outer edges."""
        return self.x0, self.y0 + self.height * self.dy, self.x0 + self.width * self.dx, self.y0

    def pixel_of(self, x, y) -> tuple:
        """Rows and columns (int64, shaped as x and y; -1 off the grid) of the pixels holding the points,
        and which points are on the grid. A point on a pixel's left or top edge is in that pixel."""
        col = np.floor((np.asarray(x, dtype=np.float64) - self.x0) / self.dx)
        row = np.floor((np.asarray(y, dtype=np.float64) - self.y0) / self.dy)
        inside = (col >= 0) & (col < self.width) & (row >= 0) & (row < self.height)
        # Cast only where inside: NaN or huge coordinates do not fit an int64.
        return np.where(inside, row, -1).astype(np.int64), np.where(inside, col, -1).astype(np.int64), inside

    def centre_x(self, cols) -> np.ndarray:
        return self.x0 + (np.asarray(cols, dtype=np.float64) + 0.5) * self.dx

    def centre_y(self, rows) -> np.ndarray:
        return self.y0 + (np.asarray(rows, dtype=np.float64) + 0.5) * self.dy

    def window(self, xmin: float, ymin: float, xmax: float, ymax: float):
        """Rows and columns (start, stop) of the pixels whose centres can fall inside the box,
        clipped to the grid; None when the box misses the grid."""
        col0 = max(int(np.floor((xmin - self.x0) / self.dx - 0.5)), 0)
        col1 = min(int(np.ceil((xmax - self.x0) / self.dx - 0.5)) + 1, self.width)
        row0 = max(int(np.floor((ymax - self.y0) / self.dy - 0.5)), 0)
        row1 = min(int(np.ceil((ymin - self.y0) / self.dy - 0.5)) + 1, self.height)
        if col0 >= col1 or row0 >= row1:
            return None
        return row0, row1, col0, col1
