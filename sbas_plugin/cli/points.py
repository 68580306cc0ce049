"""sbas points: pixel-centre points of a GeoTIFF inside an area."""

from sbas_plugin.cli.common import fail


def register(commands) -> None:
    parser = commands.add_parser(
        "points", help="pixel-centre points of a GeoTIFF inside an area, as fid,x,y CSV in the GeoTIFF's CRS"
    )
    parser.add_argument("--raster", required=True, help="GeoTIFF whose pixel lattice is used (e.g. a MintPy export)")
    parser.add_argument("--aoi", required=True, help="polygon file (GeoJSON, GeoPackage, Shapefile, ...) or WKT")
    parser.add_argument("--aoi-crs", help="CRS of the area when it carries none or a wrong one, e.g. EPSG:3857")
    parser.add_argument("--out", required=True, help="CSV file to write")
    parser.set_defaults(func=run)


def run(args) -> int:
    import rasterio

    from sbas_plugin.core.aoi import AoiError, read_aoi
    from sbas_plugin.core.grid import Grid
    from sbas_plugin.core.points import pixel_centres_in_polygons, write_points_csv

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
    write_points_csv(args.out, points)
    print(f"{len(points)} pixel-centre points written to {args.out}")
    return 0
