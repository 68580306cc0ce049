"""sbas extract: displacement at points over time, from per-date GeoTIFFs or MintPy's time series."""

from pathlib import Path

from sbas_plugin.cli.common import fail, fail_os, report_progress


def register(commands) -> None:
    parser = commands.add_parser(
        "extract",
        help="sample per-date displacement GeoTIFFs (or MintPy's time series) at points into Geotiff_value.csv",
        description="Sample per-date displacement GeoTIFFs, or MintPy's time series, at points. Values are "
        "metres relative to the first date; points off the rasters or on no data get empty cells.",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--geotiffs",
        metavar="DIR",
        help="folder of per-date GeoTIFFs named <first>_<date>_<anything>.tif, all on one grid (other files are "
        "ignored)",
    )
    source.add_argument(
        "--work", metavar="DIR", help="work folder whose mintpy/ holds MintPy's time series (timeseries*.h5)"
    )
    parser.add_argument(
        "--points",
        required=True,
        help="fid,x,y CSV or a GeoPackage point layer (its CRS is used), e.g. from sbas points",
    )
    parser.add_argument(
        "--points-crs",
        metavar="CRS",
        help="CRS of the points when it is not the rasters' (a CSV carries none; overrides a GeoPackage's), "
        "e.g. EPSG:4326 or EPSG:3857",
    )
    parser.add_argument(
        "--out",
        required=True,
        help="CSV file to write, e.g. Geotiff_value.csv; a wide table with more points than a spreadsheet has "
        "columns is written in parts Geotiff_value_part01.csv, _part02.csv, ..., each with the Date column",
    )
    parser.add_argument(
        "--format",
        choices=("wide", "long"),
        default="wide",
        help="wide (default): Geotiff_value.csv, header Date,<fid>_value,... then one row per date labelled "
        "<first>_<date>; long: one row per point per date, columns fid,x,y,date,value_m (x, y as in the points "
        "file, date as YYYY-MM-DD), for very many points or for QGIS, spreadsheets and pandas; with --work also "
        "each point's quality from MintPy (temporal_coherence, avg_spatial_coherence, ifgs_used, velocity_mm_yr, "
        "velocity_std_mm_yr, low_quality below --min-coherence, min_coherence)",
    )
    parser.add_argument(
        "--min-coherence",
        type=float,
        default=0.7,
        metavar="C",
        help="--format long with --work: points below temporal coherence C get low_quality=1 (default 0.7)",
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    from sbas_plugin.core.results.extract import extract_values
    from sbas_plugin.core.results.gpkg import read_points_gpkg
    from sbas_plugin.core.results.points import read_points_csv

    try:
        points_crs = args.points_crs
        if Path(args.points).suffix.lower() == ".gpkg":
            points, layer_crs = read_points_gpkg(args.points)
            points_crs = points_crs or layer_crs
        else:
            points = read_points_csv(args.points)
        long = args.format == "long"
        with report_progress("extract") as progress:
            done = extract_values(
                points,
                args.out,
                geotiffs=args.geotiffs,
                work=args.work,
                points_crs=points_crs,
                long=long,
                min_coherence=args.min_coherence,
                progress=progress,
            )
    except ValueError as error:  # ExtractError, PointsFileError, CrsError
        return fail(str(error))
    except OSError as error:  # a missing or unreadable file; find_timeseries's own message has no strerror
        return fail_os(error)
    series = done.series
    written = done.files[0] if len(done.files) == 1 else f"{done.files[0]} ... {done.files[-1].name}"
    print(f"{len(series.points)} points x {len(series.dates)} dates written to {written}: {series.summary()}")
    for note in done.notes:
        print(f"note: {note}")
    if done.quality is not None:
        print(f"quality columns from {done.mintpy_dir}: {done.quality.summary()}")
    elif long and args.work:
        print(f"no quality columns: {done.mintpy_dir} lacks MintPy's quality files (has MintPy finished?)")
    return 0
