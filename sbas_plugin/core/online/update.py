"""Monitoring updates: a work folder extended with the acquisitions since its last date, not started again.

The search is repeated with the recorded options up to today; the recorded pair rules give the pairs of
the new dates only, appended to pairs.csv (the old pairs stay as they are); the cost is shown before
anything is posted; then submit (pairs already on HyP3 are never posted again), wait, download (products
already there are skipped) and rerun the time series with the recorded options."""

import datetime
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Callable, List, Optional, Tuple

from sbas_plugin.core.cancel import check_canceled
from sbas_plugin.core.dates import parse_written_date
from sbas_plugin.core.manifest import Manifest
from sbas_plugin.core.names import HYP3_OPTIONS
from sbas_plugin.core.online.hyp3 import Hyp3Failure, project_jobs, read_pairs, submit_pairs
from sbas_plugin.core.online.network import Network, credits, parse_season, select_pairs, stack_scenes, write_network
from sbas_plugin.core.online.search import SearchError, load_scenes, run_search, search_and_write
from sbas_plugin.core.workfolder import WorkFolder, work_folder_lock

Pair = Tuple[str, str]
# Each step's (start, share) of an update's progress: the time series is most of it, then the wait.
SHARES = {"search and pairs": (0, 5), "submit": (5, 5), "download": (10, 30), "run": (40, 60)}


@dataclass
class UpdatePlan:
    since: datetime.date  # the newest date of the work folder's pairs before the update
    new_dates: List[datetime.date]  # in the network, after `since`
    new_pairs: List[Pair]  # appended to pairs.csv
    pairs: List[Pair]  # the whole pairs.csv: the old pairs in their order, then the new ones
    left_out: List[str] = field(default_factory=list)  # new scenes without a pair into the network, and why
    looks: str = "20x4"

    @property
    def credits(self) -> int:
        return credits(len(self.new_pairs), self.looks)

    def summary(self) -> str:
        dates = ", ".join(d.isoformat() for d in self.new_dates) or "none"
        text = (
            f"{len(self.new_dates)} new dates since {self.since.isoformat()} ({dates}); "
            f"{len(self.new_pairs)} new pairs, {self.credits} credits ({self.looks} looks)"
        )
        return text + "".join(f"; left out: {why}" for why in self.left_out)


@dataclass
class UpdateResult:
    plan: UpdatePlan
    to_submit: int = 0  # pairs not on HyP3 (new, or expired before download)
    cost: float = 0.0  # their credits, as HyP3 prices them
    submitted: int = 0
    confirmed: bool = True
    downloaded: int = 0
    failed: List[str] = field(default_factory=list)  # products not downloaded, and why
    unfinished: int = 0  # jobs still pending or running (without waiting): the time series waits for them
    run: object = None  # the pipeline's RunResult, when the time series was rerun


def name_date(name: str) -> datetime.date:
    """The acquisition date in a Sentinel-1 scene name (S1A_IW_SLC__1SDV_YYYYMMDDT...)."""
    return datetime.date(int(name[17:21]), int(name[21:23]), int(name[23:25]))


def _recorded(work: Path) -> tuple:
    """(search record, pairs record, pairs of pairs.csv, their last date) of a work folder the update can
    extend."""
    manifest = Manifest(work)
    search, network = manifest.step("search"), manifest.step("pairs")
    if not search or not network:
        raise SearchError(
            f"{work} has no recorded search and pairs: an update extends a work folder made by "
            "`sbas search` and `sbas pairs` (or the dock's steps 1 and 2)"
        )
    try:
        pairs = read_pairs(WorkFolder(work).pairs_csv)
    except Hyp3Failure as error:
        raise SearchError(str(error)) from None
    return search, network, pairs, max(name_date(name) for pair in pairs for name in pair)


def _today(today) -> datetime.date:
    return today or datetime.datetime.now(datetime.timezone.utc).date()


def new_acquisitions(work, today=None, session=None, report_errors: bool = False, is_canceled=None) -> tuple:
    """(the work folder's last date, sorted new dates): acquisitions on the network's track after its
    last date, by one ASF search with the recorded options. Writes nothing."""
    work = Path(work)
    search, network, _, since = _recorded(work)
    end = _today(today)
    if end <= since:
        return since, []
    first = since + datetime.timedelta(days=1)
    options = dict(search["options"], start=f"{first.isoformat()}T00:00:00Z", end=f"{end.isoformat()}T23:59:59Z")
    reference = network["options"]["reference"]
    track = _track_of(work, reference)
    products = run_search(options, session, report_errors, is_canceled)
    dates = {
        datetime.date.fromisoformat(p.properties["startTime"][:10])
        for p in products
        if track is None or (p.properties["flightDirection"], p.properties["pathNumber"]) == track
    }
    return since, sorted(d for d in dates if d > since)


def _track_of(work: Path, reference: str) -> Optional[tuple]:
    """(flight direction, path) of the reference scene, from the searched records; None if not there."""
    for item in load_scenes(work)["items"]:
        if item["umm"]["DataGranule"]["Identifiers"][0]["Identifier"] == reference:
            attributes = {a["Name"]: a["Values"][0] for a in item["umm"]["AdditionalAttributes"]}
            return attributes["ASCENDING_DESCENDING"].upper(), int(attributes["PATH_NUMBER"])
    return None


def plan_update(
    work,
    today=None,
    session=None,
    report_errors: bool = False,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> UpdatePlan:
    """Search again up to today and append the new dates' pairs to pairs.csv (idempotent: a second plan
    the same day finds no new pairs). Posts nothing."""
    work = Path(work)
    with work_folder_lock(work, "update"):
        search, network_record, old_pairs, since = _recorded(work)
        rules = network_record["options"]
        end = max(_today(today), parse_written_date(search["options"]["end"][:10]))
        options = dict(search["options"], end=f"{end.isoformat()}T23:59:59Z")
        search_and_write(work, options, search.get("aoi", ""), search.get("aoi_crs"), session, report_errors)
        if progress:
            progress(40.0)
        check_canceled(is_canceled)
        # The recorded reference's stack: the baselines the old pairs were chosen with.
        reference, scenes, outside = stack_scenes(work, rules["reference"], session, report_errors)
        by_name = {s.name: s for s in scenes}
        old_names = {name for pair in old_pairs for name in pair}
        missing = sorted(old_names - set(by_name))
        if missing:
            raise SearchError(
                f"ASF's stack of {reference} no longer holds {missing[0]} of pairs.csv; pairs.csv is unchanged"
            )
        valid = [s for s in scenes if s.bperp is not None]
        candidates = select_pairs(
            valid, rules["max_days"], rules["max_bperp"], parse_season(rules["season"]), rules["bridge_years"]
        )
        old = set(old_pairs)
        new = [(a, b) for a, b in candidates if b.date > since and (a.name, b.name) not in old]
        # Only pairs that reach the old network, directly or through other new pairs.
        linked, growing = set(old_names), True
        while growing:
            growing = False
            for a, b in new:
                if (a.name in linked) != (b.name in linked):
                    linked.update((a.name, b.name))
                    growing = True
        new = [(a, b) for a, b in new if a.name in linked]
        new_scenes = sorted({s for s in scenes if s.date > since}, key=lambda s: s.date)
        left_out = [
            f"{s.name} ({'no state vectors' if s.bperp is None else 'no pair within the network rules'})"
            for s in new_scenes
            if s.name not in linked
        ]
        pairs = [(by_name[a], by_name[b]) for a, b in old_pairs] + new
        kept = sorted({s for pair in pairs for s in pair}, key=lambda s: s.date)
        network = Network(
            reference,
            kept,
            pairs,
            [s for s in valid if s.name not in linked],
            [s for s in scenes if s.bperp is None],
            outside,
        )
        write_network(work, network, rules, updated_to=end.isoformat(), added_pairs=len(new))
        if progress:
            progress(100.0)
        return UpdatePlan(
            since=since,
            new_dates=sorted({s.date for s in kept if s.date > since}),
            new_pairs=[(a.name, b.name) for a, b in new],
            pairs=[(a.name, b.name) for a, b in pairs],
            left_out=left_out,
            looks=rules["looks"],
        )


def project_options(jobs) -> tuple:
    """(looks, INSAR_GAMMA options) of a project's jobs: new pairs are ordered as the old ones were, so
    that MintPy gets one kind of product."""
    if not jobs:
        return None, []
    parameters = max(jobs, key=lambda job: job.request_time).job_parameters
    return parameters.get("looks", "20x4"), [option for option in HYP3_OPTIONS.values() if parameters.get(option)]


def recorded_project(work) -> tuple:
    """(project name, HyP3 API URL) of the work folder's last submission; (None, None) without one."""
    step = Manifest(work).step("submit")
    return step.get("project"), step.get("api_url")


def run_options_of(work):
    """The RunOptions the work folder's time series was last run with."""
    from sbas_plugin.core.pipeline import RunOptions
    from sbas_plugin.core.stack.mintpy import MintpyOptions

    recorded = dict(Manifest(work).data.get("options", {}))
    mintpy = recorded.pop("mintpy", {})
    names = {f.name for f in fields(MintpyOptions)}
    point = recorded.get("reference_point")
    recorded["reference_point"] = tuple(point) if point else None
    known = {f.name for f in fields(RunOptions)}
    return RunOptions(
        mintpy=MintpyOptions(**{k: v for k, v in mintpy.items() if k in names}),
        **{k: v for k, v in recorded.items() if k in known and k != "mintpy"},
    )


def update_step(percent: float) -> tuple:
    """(step name, percent within it) of an update's percent."""
    for name, (start, size) in reversed(SHARES.items()):
        if percent >= start:
            return name, min(100.0, 100.0 * (percent - start) / size)
    return "search and pairs", 0.0


def update_work(
    work,
    hyp3,
    name: str,
    today=None,
    session=None,
    report_errors: bool = False,
    confirm: Optional[Callable[[str], bool]] = None,
    wait: bool = True,
    interval: float = 60.0,
    workers: int = 4,
    run: bool = True,
    python: Optional[str] = None,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> UpdateResult:
    """plan_update, then submit the pairs not on HyP3 (confirm(summary) sees the new dates, pairs and cost
    first and may say no), wait, download, and rerun the time series with its recorded options (`python`: the
    interpreter with MintPy on this machine, when not the recorded one). Every step resumes: a rerun after a
    stop or a failure does only what is left."""
    from sbas_plugin.core.online.download import download_project

    work = Path(work)

    def share(step: str):
        start, size = SHARES[step]
        return (lambda percent: progress(start + size * percent / 100.0)) if progress else None

    run_inputs = Manifest(work).data.get("inputs")
    products = WorkFolder(work).products
    if run and run_inputs and Path(run_inputs["products"]).resolve() != products.resolve():
        raise SearchError(
            f"the time series of {work} was run on {run_inputs['products']}, but an update downloads into "
            f"{products}: run `sbas run --products {products}` once, or update without rerunning the time series"
        )
    plan = plan_update(work, today, session, report_errors, share("search and pairs"), is_canceled)
    result = UpdateResult(plan)
    looks, options = project_options(project_jobs(hyp3, name))
    looks = looks or plan.looks

    def confirm_update(summary: str) -> bool:
        return confirm(f"{plan.summary()}. HyP3: {summary}") if confirm else True

    submitted = submit_pairs(work, plan.pairs, name, hyp3, looks, options, confirm_update, share("submit"), is_canceled)
    result.confirmed, result.submitted = submitted.confirmed, submitted.submitted
    result.to_submit, result.cost = submitted.to_submit, submitted.cost
    if not submitted.confirmed:
        return result
    report = download_project(work, hyp3, name, workers, share("download"), is_canceled, wait=wait, interval=interval)
    result.downloaded = len(report.downloaded)
    result.failed = [f"{filename}: {why}" for filename, why in report.failed.items()]
    result.failed += [f"{filename}: expired before it was downloaded" for filename in report.expired]
    result.unfinished = report.unfinished
    if run and run_inputs and not result.failed and not result.unfinished:
        from sbas_plugin.core.pipeline import run_pipeline

        result.run = run_pipeline(
            products,
            run_inputs["aoi"],
            work,
            aoi_crs=run_inputs.get("aoi_crs"),
            options=replace(run_options_of(work), python=python) if python else run_options_of(work),
            progress=share("run"),
            is_canceled=is_canceled,
        )
    if progress:
        progress(100.0)
    return result
