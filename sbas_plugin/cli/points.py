"""sbas points: pixel-centre points of a GeoTIFF inside an area."""

from pathlib import Path

from sbas_plugin.cli.common import fail

FORMATS = (".csv", ".gpkg")


def register(commands) -> None:
    parser = commands.add_parser(
        "points",
        help="pixel-centre points of a GeoTIFF inside an area, in the GeoTIFF's CRS, as CSV or GeoPackage",
    )
    parser.add_argument("--raster", required=True, help="GeoTIFF whose pixel lattice is used (e.g. a MintPy export)")
    parser.add_argument("--aoi", required=True, help="polygon file (GeoJSON, GeoPackage, Shapefile, ...) or WKT")
    parser.add_argument("--aoi-crs", help="CRS of the area when it carries none or a wrong one, e.g. EPSG:3857")
    parser.add_argument(
        "--out",
        required=True,
        help="file to write: .csv (fid,x,y) or .gpkg (point layer 'points' with fid, x, y, row, col)",
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    import rasterio

    from sbas_plugin.core.aoi import AoiError, read_aoi
    from sbas_plugin.core.grid import Grid
    from sbas_plugin.core.results.gpkg import write_points_gpkg
    from sbas_plugin.core.results.points import pixel_centres_in_polygons, write_points_csv

    out = Path(args.out)
    if out.suffix.lower() not in FORMATS:
        return fail(f"--out {out}: the format follows the extension, which must be .csv or .gpkg")
    if not out.parent.is_dir():
        return fail(f"--out {out}: the folder {out.parent} does not exist")
    try:
        with rasterio.open(args.raster) as raster:
            grid = Grid.from_gdal(raster.transform.to_gdal(), raster.width, raster.height)
            crs_wkt = raster.crs.to_wkt() if raster.crs else None
    except (rasterio.errors.RasterioIOError, ValueError) as error:
        return fail(f"{args.raster}: {error}")
    if crs_wkt is None:
        return fail(f"{args.raster} has no CRS; HyP3 and MintPy GeoTIFFs carry their UTM CRS")
    try:
        polygons = read_aoi(args.aoi, crs_wkt, args.aoi_crs)
    except AoiError as error:
        return fail(str(error))
    points = pixel_centres_in_polygons(grid, polygons)
    if out.suffix.lower() == ".csv":
        write_points_csv(out, points)
    else:
        write_points_gpkg(out, points.x, points.y, crs_wkt, columns={"row": points.rows, "col": points.cols})
    print(f"{len(points)} pixel-centre points written to {args.out}")
    return 0
