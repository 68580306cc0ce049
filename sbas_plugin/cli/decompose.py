"""sbas decompose: vertical and east-west motion from an ascending and a descending work folder."""

from sbas_plugin.cli.common import fail, fail_os, report_progress


def register(commands) -> None:
    parser = commands.add_parser(
        "decompose",
        help="vertical and east-west motion from an ascending and a descending work folder over the same ground",
        description="Solve each pixel's ascending and descending line of sight for east and up (north-south "
        "neglected), with each track's MintPy geometry, on one lattice in the UTM zone of the overlap. Writes "
        "vertical.tif and east.tif (velocity, mm/yr), per-date GeoTIFFs in vertical/ and east/ "
        "(<first>_<date>_vertical_Meters.tif), vertical_points.gpkg and Geotiff_value_vertical.csv / "
        "Geotiff_value_east.csv. Up and east are positive.",
    )
    parser.add_argument(
        "--work",
        required=True,
        action="append",
        metavar="DIR",
        help="a work folder of sbas run, exported; give it twice: one ascending, one descending, either order",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the decomposition")
    parser.add_argument(
        "--reference",
        nargs=2,
        type=float,
        metavar=("X", "Y"),
        help="the point both tracks are referred to (default: the pixel coherent on every date in both tracks "
        "with the highest lower temporal coherence of the two)",
    )
    parser.add_argument(
        "--reference-crs",
        metavar="CRS",
        help="CRS of --reference when it is not the output's UTM zone, e.g. EPSG:4326 (then X is the longitude)",
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    from sbas_plugin.core.crs import crs_name
    from sbas_plugin.core.results.decompose import DATES_RULE
    from sbas_plugin.core.results.decomposition import decompose_work_folders

    try:
        with report_progress("decompose") as progress:
            done = decompose_work_folders(
                args.work,
                args.out,
                reference=tuple(args.reference) if args.reference else None,
                reference_crs=args.reference_crs,
                progress=progress,
            )
    except ValueError as error:  # DecompositionError, WorkFolderBusy, CrsError
        return fail(str(error))
    except OSError as error:
        return fail_os(error)
    if done.skipped:
        print(f"{done.folder.root} already holds this decomposition of these folders: nothing to do")
    grid = done.grid
    x, y = done.reference
    print(f"lattice: {done.crs} ({crs_name(done.crs)}), {grid.dx:g} m pixels, {grid.width} x {grid.height}")
    print(f"{len(done.dates)} dates {done.dates[0]}..{done.dates[-1]}; {DATES_RULE}")
    given = "as given" if done.reference_given else "the most coherent pixel in both tracks"
    print(f"reference: the pixel centred at {x:.1f}, {y:.1f} ({given})")
    print(
        f"{done.points} points; written to {done.folder.root}: vertical.tif, east.tif (mm/yr), vertical/, east/, "
        "vertical_points.gpkg, Geotiff_value_vertical.csv, Geotiff_value_east.csv"
    )
    return 0
