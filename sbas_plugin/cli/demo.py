"""sbas demo: the whole pipeline offline on a synthetic HyP3 stack with known truth."""

from sbas_plugin.cli.common import fail, report_progress
from sbas_plugin.cli.run import add_mintpy_python, pipeline_step, print_result


def register(commands) -> None:
    parser = commands.add_parser(
        "demo", help="make a small synthetic HyP3 stack with known deformation and run the whole pipeline on it"
    )
    parser.add_argument("out", help="folder for the demo's products, work folder and outputs")
    parser.add_argument(
        "--realistic",
        action="store_true",
        help="a realistic stack instead (two satellites, atmosphere, DEM error, decorrelation, unwrapping errors), "
        "scored honestly; takes minutes",
    )
    parser.add_argument(
        "--two-tracks",
        action="store_true",
        help="one realistic world seen from an ascending and a descending pass: both run, then sbas decompose, the "
        "vertical and east-west scored against the world's ground motion; takes about a minute",
    )
    add_mintpy_python(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    from sbas_plugin.core.simulate.demo import run_demo, run_realistic_demo, run_two_track_demo

    if args.two_tracks:
        try:
            with report_progress("demo") as progress:
                result = run_two_track_demo(args.out, progress=progress)
        except (ValueError, RuntimeError, OSError) as error:
            return fail(str(error))
        for track, run in result.runs.items():
            print(f"{track}: {run.work}")
        print(f"decomposition: {result.decomposition.folder.root} ({len(result.decomposition.dates)} dates)")
        for component, score in result.scores.items():
            print(f"{component}: " + "; ".join(score.lines()[:2]))
        return 0
    if args.realistic:
        try:
            with report_progress("demo", pipeline_step) as progress:
                result = run_realistic_demo(args.out, progress=progress)
        except (ValueError, RuntimeError, OSError) as error:
            return fail(str(error))
        print(f"area of interest (drawn in EPSG:3857): {result.aoi}")
        print_result(result.run)
        for line in result.score.lines():
            print(line)
        return 0
    try:
        with report_progress("demo", pipeline_step) as progress:
            result = run_demo(args.out, progress=progress, python=args.mintpy_python or None)
    except (ValueError, RuntimeError, OSError) as error:
        return fail(str(error))
    print(f"area of interest (drawn in EPSG:3857): {result.aoi}")
    print_result(result.run)
    print(
        f"accuracy: {result.rms_mm:.2f} mm RMS over {result.points} points x {result.dates} dates "
        "against the synthetic truth (relative to MintPy's reference pixel and the first date)"
    )
    return 0
