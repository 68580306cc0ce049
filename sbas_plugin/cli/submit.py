"""sbas submit: the pairs of pairs.csv as HyP3 INSAR_GAMMA jobs, each pair once, after a credit check."""

import sys
from pathlib import Path

from sbas_plugin.cli.common import fail
from sbas_plugin.core.names import CREDITS_PER_PAIR, HYP3_OPTIONS, LOOKS, PIXEL_M


def add_project_options(parser) -> None:
    """What submit and status share: the work folder, the project name and how to reach HyP3."""
    parser.add_argument("--work", required=True, help="work folder (keeps hyp3_jobs.json, the local job record)")
    parser.add_argument(
        "--name", required=True, help="project name of the jobs: up to 20 letters, digits, _ or - (publicly visible)"
    )
    parser.add_argument("--api-url", help="HyP3 API URL (default: ASF's HyP3 Basic, hyp3-api.asf.alaska.edu)")
    parser.add_argument("--token-file", help="file whose first line is the Earthdata token (default: $EARTHDATA_TOKEN)")


def connect_from(args):
    from sbas_plugin.core.online.hyp3 import DEFAULT_API_URL, check_name, connect, read_token

    check_name(args.name)
    if not Path(args.work).is_dir():
        raise ValueError(f"--work {args.work}: the folder does not exist")
    return connect(args.api_url or DEFAULT_API_URL, read_token(args.token_file))


def confirm_on_terminal(assume_yes: bool):
    """A confirm(summary) callable: prints the summary, then --yes, or asks on a terminal."""

    def confirm(summary: str) -> bool:
        print(summary)
        if assume_yes:
            return True
        if not sys.stdin.isatty():
            print("no terminal to ask on: check the numbers above and run again with --yes", file=sys.stderr)
            return False
        return input("Submit? HyP3 charges the credits and cannot cancel jobs [y/N] ").strip().lower() in ("y", "yes")

    return confirm


def register(commands) -> None:
    parser = commands.add_parser(
        "submit", help="submit the pairs as HyP3 INSAR_GAMMA jobs (each pair once; checks credits first)"
    )
    add_project_options(parser)
    parser.add_argument("--pairs", help="CSV with header reference,secondary (default WORK/pairs.csv)")
    parser.add_argument(
        "--looks",
        choices=LOOKS,
        default=LOOKS[0],
        help="; ".join(f"{looks}: {PIXEL_M[looks]} m pixels, {CREDITS_PER_PAIR[looks]} credits" for looks in LOOKS),
    )
    parser.add_argument("--yes", action="store_true", help="submit without asking (after printing the cost)")
    group = parser.add_argument_group("INSAR_GAMMA options (DEM and look vectors are always included for MintPy)")
    group.add_argument("--water-mask", action="store_true", help="mask water before phase unwrapping")
    group.add_argument("--displacement-maps", action="store_true", help="include LOS and vertical displacement")
    group.add_argument("--wrapped-phase", action="store_true", help="include the wrapped phase")
    group.add_argument("--inc-map", action="store_true", help="include the incidence angle maps")
    parser.set_defaults(func=run)


def run(args) -> int:
    from sbas_plugin.core.online.hyp3 import Hyp3Failure, read_pairs, submit_pairs
    from sbas_plugin.core.workfolder import WorkFolder

    options = [option for flag, option in HYP3_OPTIONS.items() if getattr(args, flag)]
    try:
        hyp3 = connect_from(args)
        pairs = read_pairs(args.pairs or WorkFolder(args.work).pairs_csv)
        result = submit_pairs(
            args.work, pairs, args.name, hyp3, looks=args.looks, options=options, confirm=confirm_on_terminal(args.yes)
        )
    except (Hyp3Failure, ValueError) as error:
        return fail(str(error))
    if not result.confirmed:
        return fail("nothing submitted")
    if result.to_submit == 0:
        print(f"nothing to submit: all {result.pairs} pairs are already on HyP3 under {args.name}")
    else:
        print(f"submitted {result.submitted} jobs under {args.name}; job ids in {WorkFolder(args.work).record}")
    return 0
