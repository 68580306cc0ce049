"""Coordinate reference systems, always with x = easting/longitude and y = northing/latitude."""

from contextlib import suppress

import numpy as np
from osgeo import osr

osr.UseExceptions()


class CrsError(ValueError):
    """A CRS GDAL does not know; the message says so."""


def spatial_reference(text: str) -> osr.SpatialReference:
    """From anything GDAL takes: "EPSG:3857", WKT, PROJ strings."""
    srs = osr.SpatialReference()
    try:
        srs.SetFromUserInput(text)
    except RuntimeError as error:
        raise CrsError(f"{text!r} is not a CRS GDAL knows (e.g. EPSG:4326): {error}") from error
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return srs


def crs_name(text: str) -> str:
    """A CRS's name for people, e.g. "WGS 84 / UTM zone 54N"; the text itself when it has none."""
    return spatial_reference(text).GetName() or text


def transform_xy(x, y, source: str, target: str) -> tuple:
    """Points in the target CRS; NaN where they have no place in it."""
    transform = osr.CoordinateTransformation(spatial_reference(source), spatial_reference(target))
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    try:
        xy = np.array(transform.TransformPoints(np.column_stack([x, y])), dtype=np.float64)[:, :2]
    except RuntimeError:  # some point is outside the target's domain: only then go point by point
        xy = np.full((len(x), 2), np.nan)
        for i, point in enumerate(zip(x.tolist(), y.tolist())):
            with suppress(RuntimeError):
                xy[i] = transform.TransformPoint(*point)[:2]
    return xy[:, 0], xy[:, 1]
