"""sbas update: a work folder extended with the acquisitions since its last date (monthly monitoring)."""

from sbas_plugin.cli.common import fail, report_progress
from sbas_plugin.cli.run import pipeline_step, print_result
from sbas_plugin.cli.submit import confirm_on_terminal


def register(commands) -> None:
    parser = commands.add_parser(
        "update",
        help="extend a work folder with the new acquisitions: new pairs only, cost first, then download and rerun",
    )
    parser.add_argument("--work", required=True, help="work folder made by search, pairs, submit (and run)")
    parser.add_argument("--name", help="HyP3 project name (default: the one the work folder submitted with)")
    parser.add_argument("--api-url", help="HyP3 API URL (default: the one the work folder submitted to)")
    parser.add_argument("--token-file", help="file whose first line is the Earthdata token (default: $EARTHDATA_TOKEN)")
    parser.add_argument(
        "--check", action="store_true", help="only say how many new acquisitions ASF has; change nothing"
    )
    parser.add_argument("--yes", action="store_true", help="submit the new pairs without asking (after the cost)")
    parser.add_argument(
        "--no-wait", action="store_true", help="do not wait for the new jobs: run `sbas update` again later"
    )
    parser.add_argument("--interval", type=float, default=60.0, help="seconds to the first poll, growing to 10 min")
    parser.add_argument("--workers", type=int, default=4, help="parallel downloads (default 4)")
    parser.add_argument("--no-run", action="store_true", help="stop after the download; do not rerun the time series")
    parser.add_argument(
        "--report-errors-to-asf",
        action="store_true",
        help="let asf_search send failed searches (with their options and area) to ASF; off by default",
    )
    parser.set_defaults(func=run)


def step_name(percent: float) -> str:
    from sbas_plugin.core.online.update import update_step

    name, within = update_step(percent)
    return pipeline_step(within) if name == "run" else name


def check(args) -> int:
    from sbas_plugin.core.online.update import new_acquisitions

    since, dates = new_acquisitions(args.work, report_errors=args.report_errors_to_asf)
    listed = f": {', '.join(d.isoformat() for d in dates)}" if dates else ""
    print(f"{len(dates)} new acquisitions since {since.isoformat()}{listed}")
    return 0


def run(args) -> int:
    from sbas_plugin.core.online import hyp3
    from sbas_plugin.core.online.download import DownloadError
    from sbas_plugin.core.online.search import SearchError
    from sbas_plugin.core.online.update import recorded_project, update_work
    from sbas_plugin.core.workfolder import WorkFolderBusy

    if args.workers < 1:
        return fail("--workers must be at least 1")
    try:
        if args.check:
            return check(args)
        name, api_url = recorded_project(args.work)
        name, api_url = args.name or name, args.api_url or api_url or hyp3.DEFAULT_API_URL
        if not name:
            return fail(f"{args.work} has not submitted to HyP3 yet: give --name")
        client = hyp3.connect(api_url, hyp3.read_token(args.token_file))

        with report_progress("update", step_name) as bar:
            result = update_work(
                args.work,
                client,
                hyp3.check_name(name),
                report_errors=args.report_errors_to_asf,
                confirm=confirm_on_terminal(args.yes),
                wait=not args.no_wait,
                interval=args.interval,
                workers=args.workers,
                run=not args.no_run,
                progress=bar,
            )
    except (SearchError, hyp3.Hyp3Failure, DownloadError, WorkFolderBusy, ValueError, RuntimeError, OSError) as error:
        return fail(str(error))
    if not result.to_submit:  # else the confirmation has printed it
        print(result.plan.summary())
    if not result.confirmed:
        return fail("nothing submitted; pairs.csv holds the new pairs: run `sbas update` again to submit them")
    print(f"submitted {result.submitted} jobs under {name}; downloaded {result.downloaded} products")
    if result.failed:
        return fail("; ".join(result.failed) + ": run `sbas update` again to resume")
    if result.unfinished:
        print(f"{result.unfinished} jobs still pending or running: run `sbas update` again when they are done")
    elif result.run is not None:
        print_result(result.run)
    return 0
