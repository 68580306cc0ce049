"""sbas search: Sentinel-1 IW SLC scenes over an area, as ASF Vertex lists them."""

from sbas_plugin.cli.common import fail


def register(commands) -> None:
    parser = commands.add_parser(
        "search",
        help="search ASF for Sentinel-1 IW SLC scenes over an area; writes WORK/scenes.gpkg and scenes.geojson",
    )
    parser.add_argument("--aoi", required=True, help="polygon file (GeoJSON, GeoPackage, Shapefile, ...) or WKT")
    parser.add_argument("--aoi-crs", help="CRS of the area when it carries none or a wrong one, e.g. EPSG:3857")
    parser.add_argument("--start", required=True, help="first acquisition date, YYYY-MM-DD")
    parser.add_argument("--end", required=True, help="last acquisition date, YYYY-MM-DD (the whole day counts)")
    parser.add_argument("--direction", choices=("ascending", "descending"), help="orbit direction")
    parser.add_argument("--path", type=int, help="relative orbit (path) number, e.g. 46")
    parser.add_argument("--frame", type=int, help="frame number as Vertex shows it")
    parser.add_argument("--work", required=True, help="work folder for this area (created if missing)")
    parser.add_argument(
        "--report-errors-to-asf",
        action="store_true",
        help="let asf_search send failed searches (with their options and area) to ASF; off by default",
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    from collections import Counter

    from sbas_plugin.core.aoi import AoiError
    from sbas_plugin.core.crs import CrsError
    from sbas_plugin.core.online.search import SearchError, scene_date, search_scenes
    from sbas_plugin.core.workfolder import WorkFolderBusy

    try:
        products = search_scenes(
            args.work,
            args.aoi,
            args.start,
            args.end,
            aoi_crs=args.aoi_crs,
            direction=args.direction,
            path=args.path,
            frame=args.frame,
            report_errors=args.report_errors_to_asf,
        )
    except (AoiError, CrsError, SearchError, WorkFolderBusy) as error:
        return fail(str(error))
    tracks = Counter(
        (p.properties["flightDirection"], p.properties["pathNumber"], p.properties["frameNumber"]) for p in products
    )
    print(f"{len(products)} scenes written to {args.work}/scenes.gpkg and scenes.geojson")
    if products:
        print(f"  {scene_date(products[0])} .. {scene_date(products[-1])}")
    for (direction, path, frame), count in sorted(tracks.items(), key=lambda t: -t[1]):
        print(f"  {direction.lower()} path {path} frame {frame}: {count} scenes")
    if len(tracks) > 1:
        print("  several tracks: the pair network follows the reference scene's path (sbas pairs --reference)")
    return 0
