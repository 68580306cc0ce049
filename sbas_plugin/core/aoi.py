"""Areas of interest from files or WKT, in any CRS, brought into a raster's CRS."""

import logging
from pathlib import Path
from typing import Optional

from osgeo import ogr, osr

from sbas_plugin.core.crs import spatial_reference

ogr.UseExceptions()
osr.UseExceptions()
LOG = logging.getLogger(__name__)

# Edges are densified before reprojection so that a straight edge drawn in EPSG:3857 stays the
# line the user saw, not a chord between transformed corners.
SEGMENTS_PER_EXTENT = 256


class AoiError(ValueError):
    """The area of interest cannot be used; the message says why and what to do."""


def _rings(geometry: ogr.Geometry) -> list:
    name = geometry.GetGeometryName()
    if name == "POLYGON":
        return [[geometry.GetGeometryRef(i).GetPoints() for i in range(geometry.GetGeometryCount())]]
    if name in ("MULTIPOLYGON", "GEOMETRYCOLLECTION"):
        return [p for i in range(geometry.GetGeometryCount()) for p in _rings(geometry.GetGeometryRef(i))]
    return []


def _valid(geometry: ogr.Geometry) -> ogr.Geometry:
    """A self-intersecting polygon (a bow tie drawn by mistake) is repaired into the polygons it
    outlines, and the repair is logged; one that encloses no area is refused."""
    if geometry.IsValid():
        return geometry
    repaired = geometry.MakeValid()
    if not _rings(repaired) or repaired.GetArea() == 0:
        raise AoiError("the area of interest crosses itself and encloses no area; draw it again")
    LOG.warning("the area of interest crossed itself; repaired into %d polygon(s)", len(_rings(repaired)))
    return repaired


def names_a_file(source: str) -> bool:
    """Whether the AOI argument is a file rather than WKT (a long WKT is no valid file name at all)."""
    try:
        return Path(source).is_file()
    except OSError:
        return False


def open_vector(path, error: type):
    """The OGR dataset of a vector file; raises `error` with one message whether GDAL returns None
    (3.6) or raises (3.10) for a file it does not recognise, and with GDAL's reason for the rest."""
    try:
        dataset = ogr.Open(str(path))
    except RuntimeError as reason:
        if Path(path).is_file():
            raise error(f"{path}: not a vector file GDAL can read ({reason})") from reason
        raise error(f"{path}: {reason}") from reason
    if dataset is None:
        raise error(f"{path}: not a vector file GDAL can read")
    return dataset


def read_aoi(source: str, target_crs_wkt: str, source_crs: Optional[str] = None) -> list:
    """Polygons (exterior ring first, then holes; (x, y) tuples) of a vector file or a WKT string,
    in the target CRS. `source_crs` (e.g. "EPSG:3857") is required when the input carries none,
    and overrides what it carries."""
    geometries = []
    if names_a_file(source):
        for layer in open_vector(source, AoiError):
            crs = layer.GetSpatialRef()
            for feature in layer:
                geometry = feature.GetGeometryRef()
                if geometry is not None:
                    geometries.append((geometry.Clone(), crs))
    else:
        try:
            geometries.append((ogr.CreateGeometryFromWkt(source), None))
        except RuntimeError as error:
            raise AoiError(f"{source!r} is neither an existing file nor polygon WKT") from error
    target = spatial_reference(target_crs_wkt)
    polygons = []
    for geometry, crs in geometries:
        if source_crs:
            crs = spatial_reference(source_crs)
        elif crs is None:
            raise AoiError("the area of interest has no CRS: give it, for example --aoi-crs EPSG:3857")
        else:
            crs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        geometry.FlattenTo2D()
        geometry = _valid(geometry)
        xmin, xmax, ymin, ymax = geometry.GetEnvelope()
        extent = max(xmax - xmin, ymax - ymin)
        if extent > 0:
            geometry.Segmentize(extent / SEGMENTS_PER_EXTENT)
        geometry.Transform(osr.CoordinateTransformation(crs, target))
        polygons.extend(_rings(geometry))
    if not polygons:
        raise AoiError(f"{source}: no polygon found in the area of interest")
    return polygons
