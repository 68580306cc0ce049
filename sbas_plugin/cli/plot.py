"""sbas plot: a displacement graph per listed point, and an overview, zipped (replaces 2_グラフ作成)."""

import os
from pathlib import Path

from sbas_plugin.cli.common import fail, fail_os, report_progress


def register(commands) -> None:
    parser = commands.add_parser(
        "plot", help="displacement graphs (PNG) of the points listed in columns.csv, zipped as Plot/<id>.png"
    )
    parser.add_argument("--values", required=True, help="Geotiff_value.csv from the extractor (metres)")
    parser.add_argument("--columns", required=True, help="columns.csv: header Column, one point id per row")
    parser.add_argument(
        "--ref-date",
        help="date the displacement is shown relative to: auto (MintPy's REF_DATE in --work; the default "
        "with --work), first (the default without), or YYYYMMDD",
    )
    parser.add_argument(
        "--work",
        type=Path,
        help="work folder: its mintpy/ for --ref-date auto, its points.csv for coordinates, and each point's "
        "quality (temporal coherence, MintPy velocity ± std, a warning below the threshold) from its points.gpkg",
    )
    parser.add_argument(
        "--points",
        type=Path,
        help="fid,x,y CSV, or a points.gpkg (with its quality attributes), for titles (default WORK/points.csv)",
    )
    parser.add_argument("--units", choices=("mm", "cm", "m"), default="mm", help="displacement units (default mm)")
    parser.add_argument("--out", required=True, type=Path, help="zip to write, e.g. Plot.zip")
    parser.set_defaults(func=run)


def run(args) -> int:
    from sbas_plugin.core.reports.plot import (
        read_displacements_csv,
        read_point_ids_csv,
        reference_index,
        write_plot_zip,
    )
    from sbas_plugin.core.results.gpkg import read_points_gpkg
    from sbas_plugin.core.results.points import read_points_csv
    from sbas_plugin.core.results.quality import read_quality_gpkg, work_quality
    from sbas_plugin.core.workfolder import WorkFolder

    if args.ref_date == "auto" and args.work is None:
        return fail("--ref-date auto reads MintPy's reference date from the work folder: add --work DIR")
    if not args.out.parent.is_dir():
        return fail(f"{args.out.parent} does not exist; create it or choose another --out")
    points_path = args.points or (WorkFolder(args.work).points_csv if args.work else None)
    try:
        displacements = read_displacements_csv(args.values)
        selected = displacements.select(read_point_ids_csv(args.columns))
        ref_index = reference_index(selected.dates, args.ref_date or ("auto" if args.work else "first"), args.work)
        points = quality = None
        if points_path and points_path.suffix.lower() == ".gpkg":
            points, quality = read_points_gpkg(points_path)[0], read_quality_gpkg(points_path)
        elif points_path and (args.points or points_path.is_file()):
            points = read_points_csv(points_path)
        if quality is None and args.work:
            quality = work_quality(args.work, points)
    except ValueError as error:  # PlotInputError, PointsFileError, QualityError: messages for the user
        return fail(str(error))
    except OSError as error:
        return fail_os(error)
    if points is None and displacements.points is None:
        print("No points file: titles show point ids without coordinates (give --points or --work).")
    if quality is None:
        print("No point quality (points.gpkg of a work folder): titles show no temporal coherence.")
    with report_progress("plot") as progress:
        write_plot_zip(
            args.out,
            selected,
            ref_index,
            args.units,
            points,
            processes=os.cpu_count() or 1,
            quality=quality,
            progress=progress,
        )
    reference = str(selected.dates[ref_index])
    print(f"{len(selected.fids)} graphs and an overview, relative to {reference}, written to {args.out}")
    return 0
