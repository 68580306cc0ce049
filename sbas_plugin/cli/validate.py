"""sbas validate: InSAR against levelling or GNSS benchmarks, with RMS per benchmark and overall."""

from sbas_plugin.cli.common import fail, fail_os, report_progress


def register(commands) -> None:
    parser = commands.add_parser(
        "validate",
        help="compare a work folder's InSAR time series with levelling or GNSS benchmarks (RMS, graphs)",
        description="Each benchmark's surveys are projected to the line of sight at its pixel (levelling: "
        "vertical x cos(incidence); GNSS: MintPy's east/north/up to LOS), carried to the SAR dates inside "
        "its survey span by a polynomial (order 0-3 by F-test) and compared with InSAR as changes since "
        "the first SAR date both have. Benchmarks that cannot be compared are listed, not fatal.",
    )
    parser.add_argument(
        "--work",
        required=True,
        metavar="DIR",
        help="work folder of sbas run (with mintpy/), or the folder of sbas decompose: then the vertical is "
        "compared directly (levelling heights as they are, GNSS up)",
    )
    parser.add_argument(
        "--benchmarks",
        required=True,
        metavar="CSV",
        help="one row per benchmark per survey: id,x,y,date,height (levelling, metres) or "
        "id,x,y,date,east,north,up (GNSS displacements, metres); date YYYY-MM-DD",
    )
    parser.add_argument(
        "--benchmarks-crs",
        metavar="CRS",
        help="CRS of x,y when it is not the time series' (e.g. EPSG:4326 for lon,lat or EPSG:6677)",
    )
    parser.add_argument("--kind", required=True, choices=("levelling", "gnss"))
    parser.add_argument(
        "--reference",
        metavar="ID",
        help="benchmark both sides are made relative to; default: remove the mean difference of all "
        "benchmarks date by date (datum alignment)",
    )
    parser.add_argument(
        "--radius",
        type=float,
        default=0.0,
        metavar="M",
        help="average the InSAR pixels whose centres are within M metres (default 0: the benchmark's pixel)",
    )
    parser.add_argument(
        "--out",
        required=True,
        metavar="OUTDIR",
        help="folder for validation.csv, summary.json, scatter.png and series_<id>.png",
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    from sbas_plugin.core.reports.validate import validate, write_validation

    try:
        # The comparison is the first half of the bar, the graphs the second.
        with report_progress("validate", lambda percent: "compare" if percent < 50 else "graphs") as progress:
            validation = validate(
                args.work,
                args.benchmarks,
                args.kind,
                benchmarks_crs=args.benchmarks_crs,
                reference=args.reference,
                radius_m=args.radius,
                progress=lambda percent: progress(percent / 2),
            )
            write_validation(validation, args.out, progress=lambda percent: progress(50 + percent / 2))
    except ValueError as error:  # ValidationError, CrsError
        return fail(str(error))
    except OSError as error:  # a missing benchmarks file or work folder
        return fail_os(error)
    summary = validation.summary
    for skipped in validation.skipped:
        print(f"skipped {skipped['id']}: {skipped['reason']}")
    print(f"{validation.referencing}")
    print(
        f"{summary['n_points']} benchmarks, {summary['n_differences']} differences: RMS {summary['rms_mm']:.2f} mm, "
        f"mean {summary['mean_mm']:.2f} mm, std {summary['std_mm']:.2f} mm (InSAR - {args.kind}, "
        f"{validation.measured})"
    )
    print(f"written to {args.out}: validation.csv, summary.json, scatter.png, series_<id>.png")
    return 0
