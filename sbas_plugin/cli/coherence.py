"""sbas coherence: how coherent the interferograms are, by pair, temporal baseline, season and land cover."""

from sbas_plugin.cli.common import fail, fail_os, report_progress


def register(commands) -> None:
    parser = commands.add_parser(
        "coherence",
        help="coherence report of a work folder: per interferogram, by temporal baseline, season and land-cover class",
        description="Coherence of every interferogram (mintpy/inputs/ifgramStack.h5; no-data and water left out): "
        "share of pixels in 0-0.33, 0.33-0.66 and 0.66-1, mean and std, by temporal baseline and by season, "
        "histograms as PNG, and with --classes the mean and std of average spatial and temporal coherence per "
        "land-cover class.",
    )
    parser.add_argument("--work", required=True, help="work folder of sbas run (or MintPy's folder)")
    parser.add_argument("--out", required=True, help="folder for the CSVs, PNGs and summary.json (created)")
    parser.add_argument("--classes", metavar="FILE", help="land-cover polygons (GeoPackage, GeoJSON, shapefile)")
    parser.add_argument("--class-field", metavar="NAME", help="the attribute of --classes holding the class")
    parser.add_argument(
        "--classes-crs", metavar="CRS", help="CRS of --classes when it carries none (or to override it), e.g. EPSG:4326"
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    from sbas_plugin.core.reports.coherence import coherence_report, read_class_polygons

    if bool(args.classes) != bool(args.class_field):
        return fail("--classes and --class-field go together: the polygons and the attribute holding their class")
    try:
        classes = read_class_polygons(args.classes, args.class_field, args.classes_crs) if args.classes else None
        with report_progress("coherence") as progress:
            report = coherence_report(args.work, args.out, classes, progress=progress)
    except (ValueError, RuntimeError) as error:  # CoherenceError; GDAL's errors on unreadable files
        return fail(str(error))
    except OSError as error:
        return fail_os(error)
    overall = report.overall
    shares = " / ".join(f"{100 * share:.0f} %" for share in overall.shares)
    print(
        f"{len(report.ifgrams)} interferograms over {report.pixels} pixels: coherence {overall.mean:.2f} ± "
        f"{overall.std:.2f}; 0-0.33 / 0.33-0.66 / 0.66-1: {shares}"
    )
    for group in report.by_baseline:
        print(f"  {group.name:>4} days ({group.ifgrams} pairs): {group.stats.mean:.2f} ± {group.stats.std:.2f}")
    for row in report.by_class or []:
        mean, std = row.avg_spatial_coherence
        print(f"  class {row.name}: {row.pixels} pixels, average spatial coherence {mean:.2f} ± {std:.2f}")
    print(f"written to {args.out}: {', '.join(path.name for path in report.files.values())}")
    return 0
