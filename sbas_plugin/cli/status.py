"""sbas status: where the project's HyP3 jobs are, which failed (with logs), when products expire."""

import datetime as dt
from pathlib import Path

from sbas_plugin.cli.common import fail, report_progress
from sbas_plugin.cli.submit import add_project_options, confirm_on_terminal, connect_from


def register(commands) -> None:
    parser = commands.add_parser("status", help="the project's HyP3 jobs: counts, failures with logs, expiry")
    add_project_options(parser)
    parser.add_argument("--wait", action="store_true", help="poll until no job is pending or running")
    parser.add_argument("--interval", type=float, default=60.0, help="first poll interval in seconds (grows to 10 min)")
    parser.add_argument(
        "--resubmit-failed", action="store_true", help="resubmit each failed pair once, with the same options"
    )
    parser.add_argument("--yes", action="store_true", help="resubmit without asking (after printing the cost)")
    parser.set_defaults(func=run)


def print_jobs(jobs) -> None:
    from sbas_plugin.core.online.hyp3 import by_expiry, count_statuses, days_left

    counts = count_statuses(jobs)
    print(f"{len(jobs)} jobs: " + ", ".join(f"{count} {status.lower()}" for status, count in counts.items()))
    for job in jobs:
        if job.failed():
            reference, secondary = job.job_parameters["granules"]
            print(f"FAILED {reference} {secondary} log: {', '.join(job.logs or ['(none)'])}")
    now = dt.datetime.now(dt.timezone.utc)
    for job in by_expiry([job for job in jobs if job.succeeded()]):
        left = days_left(job, now)
        when = "expired" if left <= 0 else f"{left:.1f} days left"
        print(f"expires {job.expiration_time:%Y-%m-%d %H:%M} UTC ({when}) {job.job_id}")


def run(args) -> int:
    from sbas_plugin.core.online.hyp3 import Hyp3Failure, project_jobs, resubmit_failed, sync_record, wait_for_jobs

    try:
        hyp3 = connect_from(args)
        if args.wait:
            with report_progress("HyP3 jobs") as progress:
                jobs = wait_for_jobs(hyp3, args.name, interval=args.interval, progress=progress)
        else:
            jobs = project_jobs(hyp3, args.name)
        sync_record(Path(args.work), args.name, hyp3.url, jobs)
        print_jobs(jobs)
        if args.resubmit_failed:
            confirm, answers = confirm_on_terminal(args.yes), []
            resubmitted, given_up = resubmit_failed(
                args.work,
                hyp3,
                args.name,
                confirm=lambda summary: answers.append(confirm(summary)) or answers[-1],
            )
            if answers == [False]:
                return fail("nothing resubmitted")
            print(f"resubmitted {len(resubmitted)} failed pairs")
            for reference, secondary in given_up:
                print(f"failed twice, left out of the network: {reference} {secondary}")
    except (Hyp3Failure, ValueError) as error:
        return fail(str(error))
    except KeyboardInterrupt:
        return fail("stopped")
    return 0
