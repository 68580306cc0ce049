"""The `sbas` command: the headless face of sbas_plugin.core."""

import argparse
import sys

from sbas_plugin.__about__ import __version__


def run_check(args) -> int:
    from sbas_plugin.core.environment import install_command, package_status

    statuses = package_status()
    for status in statuses:
        print(f"{status.name:<12} {status.version or 'MISSING':<12} {status.purpose}")
    missing = [s for s in statuses if not s.installed]
    if missing:
        print(f"\nInstall the missing packages with:\n  {install_command(missing)}")
    return 1 if missing else 0


def fail(message: str) -> int:
    print(f"sbas: {message}", file=sys.stderr)
    return 2


def run_points(args) -> int:
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sbas", description="Sentinel-1 SBAS InSAR ground-motion pipeline.")
    parser.add_argument("--version", action="version", version=f"sbas {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="show which Python packages the pipeline needs are installed")
    check.set_defaults(func=run_check)

    points = commands.add_parser(
        "points", help="pixel-centre points of a GeoTIFF inside an area, as fid,x,y CSV in the GeoTIFF's CRS"
    )
    points.add_argument("--raster", required=True, help="GeoTIFF whose pixel lattice is used (e.g. a MintPy export)")
    points.add_argument("--aoi", required=True, help="polygon file (GeoJSON, GeoPackage, Shapefile, ...) or WKT")
    points.add_argument("--aoi-crs", help="CRS of the area when it carries none or a wrong one, e.g. EPSG:3857")
    points.add_argument("--out", required=True, help="CSV file to write")
    points.set_defaults(func=run_points)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
