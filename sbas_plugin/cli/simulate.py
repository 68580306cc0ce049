"""sbas simulate: a realistic HyP3 INSAR_GAMMA stack with known ground motion, for testing methods honestly."""

from sbas_plugin.cli.common import fail, report_progress


def register(commands) -> None:
    parser = commands.add_parser(
        "simulate",
        help="write a realistic HyP3 INSAR_GAMMA stack (atmosphere, DEM error, decorrelation, unwrapping errors, "
        "two satellites) and its truth.npz",
    )
    parser.add_argument("--out", required=True, help="folder for the product zips and truth.npz")
    parser.add_argument("--seed", type=int, default=0, help="the same seed writes the same stack (default 0)")
    parser.add_argument("--rows", type=int, default=120, help="scene rows (default 120)")
    parser.add_argument("--cols", type=int, default=120, help="scene columns (default 120)")
    parser.add_argument("--dates", type=int, default=30, help="acquisitions (default 30)")
    parser.add_argument("--pixel", type=int, choices=(80, 40), default=80, help="80 m (20x4 looks) or 40 m (10x2)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from sbas_plugin.core.simulate.realistic import TRUTH_NAME, write_realistic_stack

    try:
        with report_progress("simulate") as progress:
            truth = write_realistic_stack(
                args.out,
                seed=args.seed,
                rows=args.rows,
                cols=args.cols,
                n_dates=args.dates,
                pixel_m=args.pixel,
                progress=progress,
            )
    except (ValueError, OSError) as error:
        return fail(str(error))
    print(f"{len(truth.product_names)} products over {len(truth.dates)} dates in {args.out}")
    print(f"truth: {args.out}/{TRUTH_NAME}")
    return 0
