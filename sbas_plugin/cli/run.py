"""sbas run: the whole pipeline over one work folder, idempotent and resumable."""

import argparse

from sbas_plugin.cli.common import fail, report_progress
from sbas_plugin.core.names import CLUSTERS, TROPOSPHERE_METHODS


def add_mintpy_options(parser) -> None:
    group = parser.add_argument_group("MintPy (the options of the OpenSARLab notebooks)")
    group.add_argument("--workers", type=int, default=0, help="parallel workers for MintPy (default: every core)")
    group.add_argument(
        "--reference-point",
        metavar="X,Y",
        help="reference pixel as a map coordinate (in --reference-crs); default: the most coherent land pixel",
    )
    group.add_argument(
        "--reference-crs", default="EPSG:4326", help="CRS of --reference-point (default EPSG:4326, lon,lat)"
    )
    group.add_argument(
        "--reference-date", default="first", help="first (default), auto (MintPy's choice) or a date YYYYMMDD"
    )
    group.add_argument(
        "--troposphere",
        choices=TROPOSPHERE_METHODS,
        default="no",
        help="pyaps: ERA5 correction (needs a CDS key); height_correlation: phase against elevation",
    )
    group.add_argument("--deramp", choices=("no", "linear", "quadratic"), default="no")
    group.add_argument(
        "--atmosphere-filter",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="filter the atmosphere left after MintPy: high-pass in time, low-pass in space (default on; "
        "docs/accuracy.md)",
    )
    group.add_argument(
        "--pictures",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="MintPy's pictures in mintpy/pic (default on; minutes on a large area, no result depends on them)",
    )
    group.add_argument(
        "--cluster",
        choices=CLUSTERS,
        default="local",
        help="where MintPy's workers run: local (this machine) or slurm/pbs batch jobs (one per worker, "
        "--workers of them; run on a login node)",
    )
    group.add_argument(
        "--cluster-config",
        metavar="FILE",
        default="",
        help="dask-jobqueue YAML file for slurm/pbs (jobqueue: slurm: cores, memory, queue, walltime...); "
        "default: dask-jobqueue's defaults",
    )
    add_mintpy_python(group)
    group.add_argument("--unit", choices=("Meters", "Centimeters"), default="Meters", help="of the per-date GeoTIFFs")
    group.add_argument(
        "--mask-low-coherence",
        action="store_true",
        help="blank pixels under MintPy's temporal-coherence threshold in the GeoTIFFs (as OpenSARLab did)",
    )
    group.add_argument(
        "--min-coherence",
        type=float,
        default=0.7,
        metavar="C",
        help="points with temporal coherence below C are flagged low_quality=1 in points.gpkg, never dropped "
        "(default 0.7)",
    )


def add_mintpy_python(parser) -> None:
    parser.add_argument(
        "--mintpy-python",
        metavar="PYTHON",
        default="",
        help="the Python that runs MintPy, such as the one `sbas install-mintpy DIR` prints (default: this one)",
    )


def options_from(args):
    from sbas_plugin.core.pipeline import RunOptions
    from sbas_plugin.core.stack.mintpy import MintpyOptions

    reference_point = None
    if args.reference_point:
        try:
            x, y = (float(v) for v in args.reference_point.split(","))
        except ValueError:
            raise ValueError(f"--reference-point takes X,Y, got {args.reference_point!r}") from None
        reference_point = (x, y, args.reference_crs)
    mintpy = MintpyOptions(
        workers=args.workers,
        reference_date=args.reference_date,
        troposphere=args.troposphere,
        deramp=args.deramp,
        atmosphere_filter=args.atmosphere_filter,
        pictures=args.pictures,
        cluster=args.cluster,
        cluster_config=args.cluster_config,
    )
    return RunOptions(
        mintpy=mintpy,
        reference_point=reference_point,
        unit=args.unit,
        mask_low_coherence=args.mask_low_coherence,
        min_coherence=args.min_coherence,
        python=args.mintpy_python or None,
    )


def register(commands) -> None:
    parser = commands.add_parser(
        "run", help="HyP3 products -> clip -> MintPy -> GeoTIFFs -> points -> Geotiff_value.csv, in one go"
    )
    parser.add_argument(
        "--products", required=True, help="folder of HyP3 product zips or unpacked folders (never changed)"
    )
    parser.add_argument("--aoi", required=True, help="area of interest: polygon file or WKT, any CRS")
    parser.add_argument("--aoi-crs", help="CRS of the area when it carries none, e.g. EPSG:3857")
    parser.add_argument("--work", required=True, help="work folder; a rerun skips what is done")
    add_mintpy_options(parser)
    parser.set_defaults(func=run)


def print_result(result) -> None:
    for note in result.notes:
        print(f"note: {note}")
    if result.skipped:
        print(f"already done, skipped: {', '.join(result.skipped)}")
    print(f"GeoTIFFs:          {result.geotiffs}")
    print(f"points:            {result.points_csv}  {result.points_gpkg.name}")
    print(f"Geotiff_value.csv: {'  '.join(str(path) for path in result.values_files)}")
    print(f"MintPy:            {result.mintpy_dir}  (log: sbas_mintpy.log)")


def pipeline_step(percent: float) -> str:
    """The step of the pipeline, and within MintPy MintPy's own step, that a run's percent falls in: the
    pipeline reports one percent, each step in its share (WEIGHTS), MintPy's steps evenly up to FILTER_START."""
    from sbas_plugin.core.pipeline import WEIGHTS
    from sbas_plugin.core.stack.mintpy import FILTER_START, STEPS

    start = 0.0
    for name, share in WEIGHTS.items():
        if percent < start + share or name == list(WEIGHTS)[-1]:
            break
        start += share
    if name != "mintpy":
        return name
    within = 100.0 * (percent - start) / share + 1e-6  # 1e-6: the rounding of the pipeline's start + share * p
    if within >= FILTER_START:
        return "mintpy: atmosphere filter"
    return f"mintpy: {STEPS[int(within / FILTER_START * len(STEPS))]}"


def run(args) -> int:
    from sbas_plugin.core.pipeline import run_pipeline

    try:
        options = options_from(args)
        with report_progress("run", pipeline_step) as progress:
            result = run_pipeline(
                args.products, args.aoi, args.work, aoi_crs=args.aoi_crs, options=options, progress=progress
            )
    except (ValueError, RuntimeError, OSError) as error:
        return fail(str(error))
    print_result(result)
    return 0
