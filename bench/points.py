"""Pixel-centre points of ~1,000,000 pixels to a GeoPackage: `sbas points` against QGIS's own way,
a plain OGR feature loop and a floor, in one run. By hand: .venv/bin/python bench/points.py

Input: a 1100 x 1100 float32 GeoTIFF on an 80 m lattice in WGS 84 / UTM 54N and an area drawn in
EPSG:3857 by the corners of its central 1000 x 1000 pixels. Measured:
- ours: `sbas points --out .gpkg` as a subprocess, the whole process; and in this process, the
  pixel centres and the GeoPackage write apart;
- QGIS: `qgis_process.bin run native:pixelstopoints` (points for the whole raster) then `native:clip`
  by the same area, each a whole process, as a user would chain them;
- OGR loop: the same points written with OGR CreateFeature in one transaction, spatial index on
  (what a straightforward Python writer does);
- floor: the same rows (prebuilt blobs, x, y, row, col) into a bare SQLite table, no index, with one
  executemany; and the same bytes written to a file with numpy.tofile.
Each figure is the best of REPEATS runs. The last line is the headline.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from osgeo import gdal, ogr, osr

from sbas_plugin.core.aoi import read_aoi
from sbas_plugin.core.grid import Grid
from sbas_plugin.core.results.gpkg import point_blobs, write_points_gpkg
from sbas_plugin.core.results.points import pixel_centres_in_polygons

gdal.UseExceptions()
SBAS = Path(sys.executable).parent / "sbas"
QGIS_PROCESS = shutil.which("qgis_process.bin") or "/usr/lib/qgis/qgis_process.bin"
SIZE, MARGIN, PIXEL = 1100, 50, 80.0
REPEATS = 2
X0, Y0 = 399_920.0, 3_900_080.0


def report(line: str) -> None:
    print(line, flush=True)


def utm54() -> osr.SpatialReference:
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32654)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return srs


def make_inputs(folder: Path):
    raster = folder / "velocity.tif"
    dataset = gdal.GetDriverByName("GTiff").Create(str(raster), SIZE, SIZE, 1, gdal.GDT_Float32)
    dataset.SetGeoTransform((X0, PIXEL, 0, Y0, 0, -PIXEL))
    dataset.SetProjection(utm54().ExportToWkt())
    dataset.GetRasterBand(1).WriteArray(np.arange(SIZE * SIZE, dtype=np.float32).reshape(SIZE, SIZE))
    dataset = None

    # The outline of the central 1000 x 1000 pixels, its corners drawn in EPSG:3857.
    xmin, xmax = X0 + MARGIN * PIXEL, X0 + (SIZE - MARGIN) * PIXEL
    ymin, ymax = Y0 - (SIZE - MARGIN) * PIXEL, Y0 - MARGIN * PIXEL
    web = osr.SpatialReference()
    web.ImportFromEPSG(3857)
    web.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ring = ogr.Geometry(ogr.wkbLinearRing)
    for x, y in ((xmin, ymin), (xmax, ymin), (xmax, ymax), (xmin, ymax), (xmin, ymin)):
        ring.AddPoint_2D(x, y)
    polygon = ogr.Geometry(ogr.wkbPolygon)
    polygon.AddGeometry(ring)
    polygon.Transform(osr.CoordinateTransformation(utm54(), web))
    aoi = folder / "aoi.gpkg"
    source = ogr.GetDriverByName("GPKG").CreateDataSource(str(aoi))
    layer = source.CreateLayer("aoi", web, ogr.wkbPolygon)
    feature = ogr.Feature(layer.GetLayerDefn())
    feature.SetGeometry(polygon)
    layer.CreateFeature(feature)
    source = None
    return raster, aoi


def best(work) -> float:
    """The least wall time of REPEATS runs of work(): other work on the machine only ever adds time.
    Each run starts with no dirty pages, so none pays for the previous run's writes."""
    times = []
    for _ in range(REPEATS):
        os.sync()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def run(command, out: Path, env=None) -> None:
    out.unlink(missing_ok=True)
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise SystemExit(f"{command[0]} failed:\n{result.stderr}")


def count(path: Path) -> int:
    dataset = ogr.Open(str(path))
    return dataset.GetLayer(0).GetFeatureCount()


def ogr_loop(path: Path, points, crs: osr.SpatialReference) -> None:
    path.unlink(missing_ok=True)
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    layer = dataset.CreateLayer("points", crs, ogr.wkbPoint)
    for name, kind in (("x", ogr.OFTReal), ("y", ogr.OFTReal), ("row", ogr.OFTInteger), ("col", ogr.OFTInteger)):
        layer.CreateField(ogr.FieldDefn(name, kind))
    definition = layer.GetLayerDefn()
    dataset.StartTransaction()
    rows = zip(points.x.tolist(), points.y.tolist(), points.rows.tolist(), points.cols.tolist())
    for fid, (x, y, row, col) in enumerate(rows, start=1):
        feature = ogr.Feature(definition)
        feature.SetFID(fid)
        feature.SetField(0, x)
        feature.SetField(1, y)
        feature.SetField(2, row)
        feature.SetField(3, col)
        point = ogr.Geometry(ogr.wkbPoint)
        point.AddPoint_2D(x, y)
        feature.SetGeometryDirectly(point)
        layer.CreateFeature(feature)
    dataset.CommitTransaction()
    dataset = None


def sqlite_floor(path: Path, rows: list) -> None:
    """The prebuilt rows into a bare table: what any sqlite3 writer pays at least."""
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    con.execute("BEGIN")
    con.execute("CREATE TABLE points (fid INTEGER PRIMARY KEY, geom BLOB, x REAL, y REAL, row INTEGER, col INTEGER)")
    con.executemany("INSERT INTO points VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.execute("COMMIT")
    con.close()


def main() -> None:
    load = os.getloadavg()[0]
    report(f"gdal {gdal.__version__}, sqlite {sqlite3.sqlite_version}, {os.cpu_count()} cores, load {load:.1f}")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        raster, aoi = make_inputs(folder)

        ours = folder / "ours.gpkg"
        sbas_s = best(
            lambda: run([str(SBAS), "points", "--raster", str(raster), "--aoi", str(aoi), "--out", str(ours)], ours)
        )
        n = count(ours)
        report(f"ours: sbas points --out .gpkg, whole process: {sbas_s:.2f} s, {n} points")

        crs_wkt = utm54().ExportToWkt()
        grid = Grid(X0, Y0, PIXEL, -PIXEL, SIZE, SIZE)
        centres_s = best(lambda: pixel_centres_in_polygons(grid, read_aoi(str(aoi), crs_wkt)))
        points = pixel_centres_in_polygons(grid, read_aoi(str(aoi), crs_wkt))
        columns = {"row": points.rows, "col": points.cols}
        write_s = best(lambda: write_points_gpkg(folder / "inproc.gpkg", points.x, points.y, crs_wkt, columns=columns))
        report(f"ours in process: area + pixel centres {centres_s:.2f} s, GeoPackage write {write_s:.2f} s")

        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QGIS_CUSTOM_CONFIG_PATH=str(folder / "qgis-config"))
        every, clipped = folder / "pixels.gpkg", folder / "clipped.gpkg"
        pixels = [f"INPUT_RASTER={raster}", "RASTER_BAND=1", "FIELD_NAME=VALUE", f"OUTPUT={every}"]
        clip = [f"INPUT={every}", f"OVERLAY={aoi}", f"OUTPUT={clipped}"]
        pixels_s = best(lambda: run([QGIS_PROCESS, "run", "native:pixelstopoints", "--", *pixels], every, env))
        clip_s = best(lambda: run([QGIS_PROCESS, "run", "native:clip", "--", *clip], clipped, env))
        qgis_s = pixels_s + clip_s
        report(
            f"QGIS: pixelstopoints {pixels_s:.2f} s ({count(every)} points, whole raster)"
            f" + clip {clip_s:.2f} s ({count(clipped)} points) = {qgis_s:.2f} s"
        )

        loop_s = best(lambda: ogr_loop(folder / "loop.gpkg", points, utm54()))
        report(f"OGR CreateFeature loop, one transaction, spatial index: {loop_s:.2f} s")
        blobs = point_blobs(points.x, points.y, 32654)
        rows = list(zip(range(1, n + 1), blobs, points.x.tolist(), points.y.tolist(), *columns.values()))
        sqlite_s = best(lambda: sqlite_floor(folder / "floor.sqlite", rows))
        raw = b"".join(blobs) + points.x.tobytes() + points.y.tobytes() + points.rows.tobytes() + points.cols.tobytes()
        raw_s = best(lambda: np.frombuffer(raw, np.uint8).tofile(folder / "floor.bin"))
        report(f"floor: bare SQLite table, one executemany {sqlite_s:.2f} s; the same bytes to a file {raw_s:.2f} s")

    report(
        f"points {n} to GeoPackage: {sbas_s:.1f} s (pixel centres {centres_s:.1f} s, write {write_s:.1f} s);"
        f" QGIS pixelstopoints+clip {qgis_s:.1f} s; OGR feature loop {loop_s:.1f} s; SQLite floor {sqlite_s:.1f} s;"
        f" {qgis_s / sbas_s:.1f}x faster than QGIS (best of {REPEATS}; load {load:.1f} at start)"
    )


if __name__ == "__main__":
    main()
