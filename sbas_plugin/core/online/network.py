"""The SBAS pair network, by the rule users set in ASF Vertex: from a reference scene's baseline stack,
pair every scene with each later one at most max_days later whose perpendicular baseline differs by at
most max_bperp; keep the largest connected network. Writes pairs.csv (for HyP3) and network.png."""

import csv
import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List, Optional, Tuple

from sbas_plugin.core.cancel import check_canceled
from sbas_plugin.core.files import save_figure, written_whole
from sbas_plugin.core.manifest import Manifest, signature
from sbas_plugin.core.names import CREDITS_PER_PAIR
from sbas_plugin.core.online.search import SearchError, load_scenes, unreachable, use_asf_settings
from sbas_plugin.core.pair_graph import Scene, largest_network
from sbas_plugin.core.workfolder import WorkFolder, work_folder_lock


@dataclass
class Network:
    reference: str
    scenes: List[Scene]  # the connected network, oldest first
    pairs: List[Tuple[Scene, Scene]]
    disconnected: List[Scene] = field(default_factory=list)  # valid scenes outside the kept network
    no_state_vectors: List[Scene] = field(default_factory=list)
    outside_stack: List[str] = field(default_factory=list)  # searched scenes on another path or direction


def parse_season(text: Optional[str]) -> Optional[Tuple[Tuple[int, int], Tuple[int, int]]]:
    """'MM-DD,MM-DD' -> ((month, day), (month, day)); a window may run over the new year."""
    if not text:
        return None
    try:
        # in a leap year, so 02-29 is a day; Python 3.15 stops guessing the year of "%m-%d"
        bounds = [datetime.datetime.strptime(f"2000-{part.strip()}", "%Y-%m-%d") for part in text.split(",")]
    except ValueError as error:
        raise ValueError(f"--season {text!r}: expected MM-DD,MM-DD, e.g. 04-01,10-31") from error
    if len(bounds) != 2:
        raise ValueError(f"--season {text!r}: expected two dates MM-DD,MM-DD")
    return tuple((b.month, b.day) for b in bounds)


def in_season(date: datetime.date, season) -> bool:
    if season is None:
        return True
    start, end = season
    day = (date.month, date.day)
    return start <= day <= end if start <= end else day >= start or day <= end


def select_pairs(
    scenes: List[Scene], max_days: int = 36, max_bperp: float = 400, season=None, bridge_years: int = 0
) -> List[Tuple[Scene, Scene]]:
    """(earlier, later) pairs with 0 < days <= max_days and |bperp difference| <= max_bperp, both scenes
    in the season. With bridge_years N, a pair may also span k years (k = 1..N) within max_days/2 of
    k*365 days, as asf_search's SBASNetwork bridges seasons."""
    usable = sorted((s for s in scenes if s.bperp is not None and in_season(s.date, season)), key=lambda s: s.date)
    pairs = []
    for i, first in enumerate(usable):
        for second in usable[i + 1 :]:
            days = (second.date - first.date).days
            close = 0 < days <= max_days
            bridge = any(abs(days - 365 * k) <= max_days / 2 for k in range(1, bridge_years + 1))
            if (close or bridge) and abs(second.bperp - first.bperp) <= max_bperp:
                pairs.append((first, second))
    return pairs


def stack_scenes(work, reference: Optional[str] = None, session=None, report_errors: bool = False):
    """The reference's baseline stack from ASF, limited to the searched scenes and dates:
    (reference name, [Scene], names of searched scenes the stack does not hold)."""
    import asf_search
    import requests

    record = load_scenes(work)
    items = {item["umm"]["DataGranule"]["Identifiers"][0]["Identifier"]: item for item in record["items"]}
    if not items:
        raise SearchError("the search found no scenes: widen the dates or the area and search again")
    if reference is None:  # the most recent scene, as a stack's end is where monitoring looks
        reference = max(
            items, key=lambda name: items[name]["umm"]["TemporalExtent"]["RangeDateTime"]["BeginningDateTime"]
        )
    reference = reference.removesuffix("-SLC")
    if reference not in items:
        raise SearchError(f"--reference {reference} is not one of the {len(items)} searched scenes (scenes.gpkg)")
    product = asf_search.S1Product(items[reference], session=session or asf_search.ASFSession())
    # The stack over the searched dates only: ASF's stack is otherwise the whole archive.
    options = asf_search.ASFSearchOptions(start=record["query"]["start"], end=record["query"]["end"])
    if session is not None:
        options.session = session
    use_asf_settings(report_errors)
    try:
        stack = product.stack(opts=options)
        stack.raise_if_incomplete()
    except (asf_search.exceptions.ASFSearchError, ValueError) as error:
        raise SearchError(
            f"ASF baseline stack of {reference} failed or came back incomplete; try again ({error})"
        ) from error
    except requests.RequestException as error:
        raise unreachable(error) from error
    finally:
        options.session.headers.pop("CMR-Search-After", None)  # as in run_search
    scenes = sorted(
        {
            Scene(
                p.properties["sceneName"],
                datetime.date.fromisoformat(p.properties["startTime"][:10]),
                p.properties["perpendicularBaseline"],
            )
            for p in stack
            if p.properties["sceneName"] in items
        },
        key=lambda s: s.date,
    )
    held = {s.name for s in scenes}
    return reference, scenes, sorted(set(items) - held)


def plot_network(path: Path, network: Network, title: str) -> None:
    """Date against perpendicular baseline, pairs as lines and scenes as dots, as Vertex draws it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 5.5), dpi=120)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for a, b in network.pairs:
        axes.plot([a.date, b.date], [a.bperp, b.bperp], color="#6a8fc7", linewidth=0.9, alpha=0.8, zorder=1)
    axes.scatter(
        [s.date for s in network.scenes],
        [s.bperp for s in network.scenes],
        s=36,
        color="#1f4e9c",
        zorder=2,
        label=f"in the network ({len(network.scenes)})",
    )
    if network.disconnected:
        axes.scatter(
            [s.date for s in network.disconnected],
            [s.bperp for s in network.disconnected],
            s=48,
            marker="x",
            color="#d0342c",
            zorder=2,
            label=f"disconnected ({len(network.disconnected)})",
        )
    for s in network.no_state_vectors:
        axes.axvline(s.date, color="#999999", linestyle=":", linewidth=1, zorder=0)
    if network.no_state_vectors:
        axes.plot([], [], color="#999999", linestyle=":", label=f"no state vectors ({len(network.no_state_vectors)})")
    reference = [s for s in network.scenes + network.disconnected if s.name == network.reference]
    if reference:
        axes.scatter(
            [reference[0].date],
            [reference[0].bperp],
            s=140,
            facecolors="none",
            edgecolors="#e08a00",
            linewidths=2,
            zorder=3,
            label="reference",
        )
    locator = AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.set_ylabel("Perpendicular baseline (m)")
    axes.set_title(title)
    axes.grid(True, color="#dddddd", linewidth=0.6)
    axes.legend(loc="best", fontsize=9)
    figure.tight_layout()
    save_figure(figure, path)


def build_network(
    work,
    reference: Optional[str] = None,
    max_days: int = 36,
    max_bperp: float = 400,
    season: Optional[str] = None,
    bridge_years: int = 0,
    looks: str = "20x4",
    session=None,
    report_errors: bool = False,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> Network:
    """Writes WORK/pairs.csv (reference,secondary scene names) and WORK/network.png; returns the network."""
    if looks not in CREDITS_PER_PAIR:
        raise ValueError(f"--looks {looks}: expected one of {', '.join(CREDITS_PER_PAIR)}")
    window = parse_season(season)
    work = Path(work)
    with work_folder_lock(work, "pairs"):
        if progress:
            progress(0.0)
        reference, scenes, outside = stack_scenes(work, reference, session, report_errors)
        check_canceled(is_canceled)
        valid = [s for s in scenes if s.bperp is not None]
        pairs = select_pairs(valid, max_days, max_bperp, window, bridge_years)
        kept, kept_pairs, disconnected = largest_network(valid, pairs)
        network = Network(reference, kept, kept_pairs, disconnected, [s for s in scenes if s.bperp is None], outside)
        if not kept_pairs:
            raise SearchError(
                f"no pair within {max_days} days and {max_bperp:g} m among {len(valid)} scenes: "
                "widen --max-days or --max-bperp"
            )
        options = dict(
            reference=reference,
            max_days=max_days,
            max_bperp=max_bperp,
            season=season,
            bridge_years=bridge_years,
            looks=looks,
        )
        write_network(work, network, options)
        if progress:
            progress(100.0)
        return network


def write_network(work: Path, network: Network, options: dict, **details) -> None:
    """pairs.csv, network.png and the manifest's pairs record of a network built with `options` (the
    caller holds the work folder's lock); `details` go into the record."""
    max_days, max_bperp, looks = options["max_days"], options["max_bperp"], options["looks"]
    with written_whole(WorkFolder(work).pairs_csv) as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["reference", "secondary"])
        writer.writerows((a.name, b.name) for a, b in network.pairs)
    title = f"{len(network.scenes)} scenes, {len(network.pairs)} pairs (≤ {max_days} days, ≤ {max_bperp:g} m)"
    plot_network(WorkFolder(work).network_png, network, title)
    Manifest(work).record(
        "pairs",
        signature(options),
        options=options,
        scenes=len(network.scenes),
        pairs=len(network.pairs),
        credits=credits(len(network.pairs), looks),
        disconnected=[s.date.isoformat() for s in network.disconnected],
        no_state_vectors=[s.name for s in network.no_state_vectors],
        outside_stack=network.outside_stack,
        **details,
    )


def credits(pairs: int, looks: str) -> int:
    return pairs * CREDITS_PER_PAIR[looks]
