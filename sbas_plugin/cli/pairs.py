"""sbas pairs: the SBAS pair network of the searched scenes, by Vertex's rule."""

from sbas_plugin.cli.common import fail


def _looks(text: str) -> str:
    from sbas_plugin.core.names import CREDITS_PER_PAIR

    if text not in CREDITS_PER_PAIR:
        import argparse

        raise argparse.ArgumentTypeError(f"expected one of {', '.join(CREDITS_PER_PAIR)}")
    return text


def register(commands) -> None:
    parser = commands.add_parser(
        "pairs",
        help="SBAS pairs from the searched scenes' baseline stack; writes WORK/pairs.csv and network.png",
    )
    parser.add_argument("--work", required=True, help="work folder of `sbas search`")
    parser.add_argument("--reference", help="reference scene name (default: the most recent searched scene)")
    parser.add_argument("--max-days", type=int, default=36, help="longest temporal baseline in days (default 36)")
    parser.add_argument(
        "--max-bperp", type=float, default=400, help="largest perpendicular baseline difference in m (400)"
    )
    parser.add_argument("--season", help="only scenes in this window of each year, MM-DD,MM-DD (may cross new year)")
    parser.add_argument(
        "--bridge-years", type=int, default=0, help="also pair scenes about 1..N years apart (within max-days/2)"
    )
    parser.add_argument("--looks", type=_looks, default="20x4", help="HyP3 looks, 20x4 (10 credits) or 10x2 (15)")
    parser.add_argument(
        "--report-errors-to-asf",
        action="store_true",
        help="let asf_search send failed searches (with their options) to ASF; off by default",
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    from sbas_plugin.core.names import CREDITS_PER_PAIR
    from sbas_plugin.core.online.network import build_network, credits
    from sbas_plugin.core.online.search import SearchError
    from sbas_plugin.core.workfolder import WorkFolder

    try:
        network = build_network(
            args.work,
            reference=args.reference,
            max_days=args.max_days,
            max_bperp=args.max_bperp,
            season=args.season,
            bridge_years=args.bridge_years,
            looks=args.looks,
            report_errors=args.report_errors_to_asf,
        )
    except (SearchError, ValueError) as error:
        return fail(str(error))
    for scene in network.no_state_vectors:
        print(f"left out, no state vectors (no perpendicular baseline): {scene.name}")
    if network.disconnected:
        dates = ", ".join(s.date.isoformat() for s in network.disconnected)
        print(f"disconnected from the network, left out: {dates}")
    if network.outside_stack:
        count = len(network.outside_stack)
        print(f"{count} searched scenes are not in {network.reference}'s stack (other path/direction)")
    pairs = len(network.pairs)
    cost = f"{credits(pairs, args.looks)} credits (looks {args.looks}: {CREDITS_PER_PAIR[args.looks]} each)"
    print(f"{len(network.scenes)} scenes, {pairs} pairs, {cost}")
    folder = WorkFolder(args.work)
    print(f"reference {network.reference}; {folder.pairs_csv} and {folder.network_png.name} written")
    return 0
