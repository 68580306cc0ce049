"""HyP3 INSAR_GAMMA jobs for an SBAS network: submit each pair exactly once, follow the jobs, resubmit
failures once. hyp3_sdk does the talking; this module adds timeouts, GET retries, credit checks and a
local record so that a lost answer or a rerun never pays for a pair twice.

The Earthdata token is only ever held in memory: it is never written, logged or put in a job name."""

import csv
import datetime as dt
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

from sbas_plugin.core.cancel import check_canceled, sleep_unless_canceled
from sbas_plugin.core.files import read_verified, write_json
from sbas_plugin.core.manifest import Manifest, signature
from sbas_plugin.core.names import HYP3_OPTIONS, LOOKS, PROJECT_NAME
from sbas_plugin.core.workfolder import WorkFolder, work_folder_lock

LOG = logging.getLogger(__name__)

DEFAULT_API_URL = "https://hyp3-api.asf.alaska.edu"
TOKEN_VARIABLE = "EARTHDATA_TOKEN"
JOB_TYPE = "INSAR_GAMMA"
MAX_JOBS_PER_POST = 200  # HyP3's limit for one POST /jobs
MAX_SUBMISSIONS = 2  # a failed pair is resubmitted once: a second failure is the pair's, not HyP3's
GRANULE_PATTERN = re.compile(r"S1[ABCD]_IW_SLC__1S[SD][VH]_\w{50}")  # 67 characters
TIMEOUT = (10.0, 60.0)  # seconds to connect, and to wait for each answer
PENDING = ("PENDING", "RUNNING")

Pair = tuple  # (reference scene, secondary scene)


class Hyp3Failure(Exception):
    """Something the user can act on went wrong talking to HyP3; the message says what."""


@dataclass
class SubmitResult:
    pairs: int
    already_submitted: int
    to_submit: int
    cost: float
    remaining_credits: Optional[float]
    expired: int = 0  # of to_submit: pairs whose product expired before it was downloaded, ordered again
    submitted: int = 0
    confirmed: bool = True

    def summary(self) -> str:
        remaining = "unlimited" if self.remaining_credits is None else f"{self.remaining_credits:g}"
        again = f" ({self.expired} expired before download, ordered again)" if self.expired else ""
        return (
            f"{self.pairs} pairs, {self.already_submitted} already submitted, {self.to_submit} to submit{again}, "
            f"{self.cost:g} credits of {remaining} remaining"
        )


# -- token, connection, inputs


def read_token(token_file=None) -> str:
    """The Earthdata Login token from the first line of token_file, else from $EARTHDATA_TOKEN."""
    if token_file:
        try:
            lines = Path(token_file).read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise Hyp3Failure(f"cannot read the token file {token_file}: {error.strerror}") from None
        token = lines[0].strip() if lines else ""
        if not token:
            raise Hyp3Failure(f"the token file {token_file} is empty: put the Earthdata token on its first line")
        return token
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        raise Hyp3Failure(
            f"no Earthdata token: set {TOKEN_VARIABLE} or pass --token-file FILE. To get one, log in at "
            "https://urs.earthdata.nasa.gov, open Generate Token and copy the token (it lasts 60 days)."
        )
    return token


def connect(api_url: str, token: str, timeout=TIMEOUT):
    """A hyp3_sdk HyP3 client whose requests time out and whose GETs are retried on 5xx."""
    from hyp3_sdk import HyP3
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    class TimeoutAdapter(HTTPAdapter):
        # hyp3_sdk passes no timeout, and a stalled server would hang the caller for ever.
        def send(self, request, timeout=None, **kwargs):
            return super().send(request, timeout=timeout or self.default_timeout, **kwargs)

    # Only GETs are retried: a POST whose answer was lost may have created jobs, see submit_pairs.
    retry = Retry(
        total=4,
        connect=2,
        read=False,  # a read timeout surfaces at once as a timeout, not after more waiting
        status=3,
        status_forcelist=(500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        backoff_factor=0.5,
        raise_on_status=False,
    )
    hyp3 = HyP3(api_url=api_url, token=token)
    adapter = TimeoutAdapter(max_retries=retry)
    adapter.default_timeout = timeout
    hyp3.session.mount("http://", adapter)
    hyp3.session.mount("https://", adapter)
    return hyp3


def check_name(name: str) -> str:
    if not PROJECT_NAME.fullmatch(name or ""):
        raise Hyp3Failure(
            f"project name {name!r}: use 1 to 20 letters, digits, '_' or '-' (as in Vertex). HyP3 jobs are "
            "publicly visible, so pick a neutral name with no personal or place details you would not publish."
        )
    return name


def read_pairs(path) -> list:
    """(reference, secondary) scene names from a CSV with the header reference,secondary."""
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8") as source:
            rows = list(csv.DictReader(source))
            header = rows[0].keys() if rows else []
    except OSError as error:
        raise Hyp3Failure(f"cannot read the pairs file {path}: {error.strerror}") from None
    if not {"reference", "secondary"} <= set(header):
        raise Hyp3Failure(f"{path}: expected a header 'reference,secondary' and at least one pair")
    pairs = []
    for line, row in enumerate(rows, start=2):
        pair = ((row["reference"] or "").strip(), (row["secondary"] or "").strip())
        for scene in pair:
            if not GRANULE_PATTERN.fullmatch(scene):
                raise Hyp3Failure(
                    f"{path} line {line}: {scene!r} is not a Sentinel-1 IW SLC scene name (67 characters, "
                    "S1A_IW_SLC__1SDV_..., without '-SLC')"
                )
        if pair[0] == pair[1]:
            raise Hyp3Failure(f"{path} line {line}: a pair needs two different scenes")
        if pair not in pairs:
            pairs.append(pair)
    return pairs


# -- talking to HyP3


def call(what: str, function, *args, **kwargs):
    """function(*args, **kwargs) with hyp3_sdk's and requests' errors turned into clear Hyp3Failures."""
    import requests
    from hyp3_sdk.exceptions import HyP3Error, HyP3SDKError, ServerError, ServiceUnavailableError

    try:
        return function(*args, **kwargs)
    except HyP3Error as error:
        if str(error).startswith("<Response [401]>"):
            raise Hyp3Failure(
                f"{what}: HyP3 refused the Earthdata token (HTTP 401). Tokens last 60 days: generate a new one "
                "at https://urs.earthdata.nasa.gov (Generate Token)."
            ) from None
        raise Hyp3Failure(f"{what}: HyP3 answered {error}") from None
    except ServiceUnavailableError as error:
        raise Hyp3Failure(f"{what}: HyP3 is unavailable for now ({error}); try again later") from None
    except ServerError:
        raise Hyp3Failure(f"{what}: HyP3 answered with a server error; try again later") from None
    except requests.Timeout:
        raise Hyp3Failure(f"{what}: HyP3 did not answer in time; check the network and try again") from None
    except requests.ConnectionError as error:
        raise Hyp3Failure(f"{what}: could not reach HyP3 ({type(error).__name__}); check the network") from None
    except (HyP3SDKError, ValueError, KeyError) as error:  # e.g. an HTML error page where JSON was due
        raise Hyp3Failure(f"{what}: unexpected answer from HyP3 ({error})") from None


def project_jobs(hyp3, name: str) -> list:
    """Every INSAR_GAMMA job of the project on the server (all pages), as hyp3_sdk Jobs."""
    batch = call(f"listing the jobs named {name}", hyp3.find_jobs, name=name, job_type=JOB_TYPE)
    return list(batch)


def job_cost(costs: dict, job: dict) -> float:
    """Credits one prepared job costs, from HyP3's /costs table."""
    entry = costs.get(job["job_type"], costs.get("DEFAULT"))
    if entry is None:
        raise Hyp3Failure(f"HyP3's cost table has no price for {job['job_type']}")
    if "cost" in entry:
        return float(entry["cost"])
    table = entry["cost_table"]
    for parameter in entry["cost_parameters"]:
        table = table[str(job["job_parameters"][parameter])]
    return float(table)


def check_account(hyp3, jobs: list) -> tuple:
    """(cost, remaining credits) of submitting jobs; refuses when the account cannot pay or is not approved."""
    info = call("reading your HyP3 account", hyp3.my_info)
    if info.get("application_status", "APPROVED") != "APPROVED":
        raise Hyp3Failure(
            f"your HyP3 access is {info['application_status']}: request access as described at "
            "https://hyp3-docs.asf.alaska.edu/using/requesting_access/ (approval takes up to two business days)"
        )
    costs = call("reading HyP3's costs", hyp3.costs)
    try:
        cost = sum(job_cost(costs, job) for job in jobs)
    except (KeyError, TypeError):
        raise Hyp3Failure("HyP3's cost table has an unexpected form; nothing was submitted") from None
    remaining = info.get("remaining_credits")
    if remaining is not None and cost > remaining:
        raise Hyp3Failure(
            f"not enough credits: these {len(jobs)} jobs cost {cost:g} credits but only {remaining:g} remain; "
            "nothing was submitted (credits renew monthly)"
        )
    return cost, remaining


# -- the local record: which pairs were sent, written before each POST


def pair_key(pair: Sequence[str]) -> str:
    return f"{pair[0]} {pair[1]}"


def load_record(work: Path) -> dict:
    path = WorkFolder(work).record
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"projects": {}}
    except ValueError:
        raise Hyp3Failure(f"{path} is damaged; move it aside and run again (HyP3 itself is checked first)") from None


def save_record(work: Path, record: dict) -> None:
    write_json(WorkFolder(work).record, record, indent=1)  # creates the folder: `sbas status` may be its first command


def post_in_chunks(work: Path, record: dict, project: dict, hyp3, jobs: list, progress=None, is_canceled=None):
    """POST the prepared jobs ≤ 200 at a time, recording each chunk as "posting" before and "posted" after."""
    job_ids = []
    for start in range(0, len(jobs), MAX_JOBS_PER_POST):
        check_canceled(is_canceled)
        chunk_jobs = jobs[start : start + MAX_JOBS_PER_POST]
        chunk = {
            "state": "posting",
            "time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "pairs": [job["job_parameters"]["granules"] for job in chunk_jobs],
        }
        project["chunks"].append(chunk)
        save_record(work, record)
        LOG.info("submitting %d jobs (%d of %d)", len(chunk_jobs), start + len(chunk_jobs), len(jobs))
        try:
            batch = call("submitting jobs", hyp3.submit_prepared_jobs, chunk_jobs)
        except Hyp3Failure as error:
            raise Hyp3Failure(
                f"{error}. Some jobs may have been created anyway: run the same command again, it checks HyP3 "
                "first and submits only the pairs that are not there."
            ) from None
        for job in batch:
            add_job(project, job)
            job_ids.append(job.job_id)
        chunk["state"] = "posted"
        save_record(work, record)
        if progress:
            progress(100.0 * (start + len(chunk_jobs)) / len(jobs))
    return job_ids


def add_job(project: dict, job) -> None:
    """Note a job of a pair; a pair's submissions are the jobs HyP3 has for it, so a lost POST counts once.
    The pair's status and expiry are those of its newest job (a resubmission replaces a failed one)."""
    entry = project["pairs"].setdefault(pair_key(job.job_parameters["granules"]), {"job_ids": [], "submissions": 0})
    if job.job_id not in entry["job_ids"]:
        entry["job_ids"].append(job.job_id)
        entry["submissions"] = len(entry["job_ids"])
    requested = job.request_time.isoformat() if job.request_time else ""
    if requested >= entry.get("request_time", ""):
        entry["request_time"] = requested
        entry["status"] = job.status_code
        entry["expiration_time"] = job.expiration_time.isoformat(timespec="minutes") if job.expiration_time else None


def sync_record(work: Path, name: str, api_url: str, server_jobs: list) -> tuple:
    """The work folder's record with the project's server jobs folded in (the server is the truth)."""
    record = load_record(work)
    project = record["projects"].setdefault(name, {"api_url": api_url, "pairs": {}, "chunks": []})
    for job in server_jobs:
        add_job(project, job)
    for chunk in project["chunks"]:
        if chunk["state"] == "posting":  # its answer was lost; what reached HyP3 is now in the pairs above
            chunk["state"] = "reconciled"
    save_record(work, record)
    return record, project


# -- submit, follow, resubmit


def prepare_jobs(pairs: Sequence[Pair], name: str, looks: str, options: Sequence[str]) -> list:
    from hyp3_sdk import HyP3

    if looks not in LOOKS:
        raise Hyp3Failure(f"looks {looks!r}: HyP3 INSAR_GAMMA takes 20x4 (80 m pixels) or 10x2 (40 m)")
    unknown = set(options) - set(HYP3_OPTIONS.values())
    if unknown:
        raise Hyp3Failure(f"unknown INSAR_GAMMA options {sorted(unknown)}; known: {', '.join(HYP3_OPTIONS.values())}")
    # MintPy needs the DEM and the look vectors of every interferogram.
    return [
        HyP3.prepare_insar_job(
            reference,
            secondary,
            name=name,
            looks=looks,
            include_dem=True,
            include_look_vectors=True,
            phase_filter_parameter=0.6,
            **{option: True for option in options},
        )
        for reference, secondary in pairs
    ]


def submit_pairs(
    work,
    pairs: Sequence[Pair],
    name: str,
    hyp3,
    looks: str = "20x4",
    options: Sequence[str] = (),
    confirm: Optional[Callable[[str], bool]] = None,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> SubmitResult:
    """Submit the pairs not yet on HyP3 under name. Pairs already there (found by asking HyP3, so also
    those whose POST answer was lost) are never submitted again, except those whose product expired before
    it reached WORK/products (see expired_pairs). confirm(summary) sees the counts and cost first and may
    say no."""
    work = Path(work)
    check_name(name)
    prepared = prepare_jobs(pairs, name, looks, options)
    with work_folder_lock(work, "submit"):
        server_jobs = project_jobs(hyp3, name)
        on_server = {tuple(job.job_parameters["granules"]): job for job in server_jobs}
        clashes = [
            pair_key(pair)
            for pair, job in zip(pairs, prepared)
            if pair in on_server
            and any(on_server[pair].job_parameters.get(k) != v for k, v in job["job_parameters"].items())
        ]
        if clashes:
            raise Hyp3Failure(
                f"{len(clashes)} pairs are already on HyP3 under {name} with other options (looks, water mask, ...); "
                f"one project needs one set of options for MintPy: use another name. First: {clashes[0]}"
            )
        expired = set(expired_pairs(server_jobs, WorkFolder(work).products)).intersection(pairs)
        new_jobs = [job for pair, job in zip(pairs, prepared) if pair not in on_server or pair in expired]
        record, project = sync_record(work, name, hyp3.url, server_jobs)
        cost, remaining = check_account(hyp3, new_jobs) if new_jobs else (0.0, None)
        result = SubmitResult(
            len(pairs), len(pairs) - len(new_jobs), len(new_jobs), cost, remaining, expired=len(expired)
        )
        if new_jobs and confirm and not confirm(result.summary()):
            result.confirmed = False
            return result
        # Still under the lock: another process listing the jobs now would not see these yet.
        if new_jobs:
            result.submitted = len(post_in_chunks(work, record, project, hyp3, new_jobs, progress, is_canceled))
        Manifest(work).record(
            "submit",
            signature(name, looks, sorted(options), list(pairs)),
            project=name,
            api_url=hyp3.url,
            looks=looks,
            jobs=len(pairs),
            submitted=result.submitted,
        )
    return result


def jobs_by_pair(jobs: list) -> dict:
    by_pair = {}
    for job in jobs:
        by_pair.setdefault(tuple(job.job_parameters["granules"]), []).append(job)
    return by_pair


def failed_pairs(jobs: list) -> dict:
    """pair -> its latest job, for pairs none of whose jobs is pending, running or succeeded."""
    return {
        pair: max(pair_jobs, key=lambda job: job.request_time)
        for pair, pair_jobs in jobs_by_pair(jobs).items()
        if all(job.failed() for job in pair_jobs)
    }


def holds_product(job) -> bool:
    """Whether HyP3 has, or will have, the job's product: pending, running, or succeeded and not expired."""
    return job.status_code in PENDING or (job.succeeded() and not job.expired())


def arrived(products: Path, filename: str, verified: dict) -> bool:
    """Whether a product file reached the products folder: its zip is there, the download checked it once
    (`verified`: the download's record; the user may have deleted or unpacked the zip since), or it is
    there unpacked."""
    return filename in verified or (products / filename).is_file() or (products / Path(filename).stem).is_dir()


def expired_pairs(jobs: list, products) -> list:
    """Pairs to order again: their newest job succeeded but its product expired, no job of theirs holds or
    will hold a product, and no product of theirs ever reached the products folder. A pair whose new order
    failed is not ordered again here (`sbas status` shows the failure). Sorted."""
    products = Path(products)
    verified = read_verified(products)
    expired = []
    for pair, pair_jobs in jobs_by_pair(jobs).items():
        newest = max(pair_jobs, key=lambda job: job.request_time)
        filenames = [entry["filename"] for job in pair_jobs for entry in job.files or []]
        if (
            newest.succeeded()
            and not any(holds_product(job) for job in pair_jobs)
            and not any(arrived(products, filename, verified) for filename in filenames)
        ):
            expired.append(pair)
    return sorted(expired)


def resubmit_failed(work, hyp3, name: str, confirm: Optional[Callable[[str], bool]] = None, progress=None) -> tuple:
    """Resubmit each failed pair once, with its original parameters. Returns (resubmitted pairs, pairs that
    failed again after their resubmission and are left out). The jobs are listed under the work folder's
    lock, so two processes never resubmit (and pay for) the same pair."""
    work = Path(work)
    check_name(name)
    with work_folder_lock(work, "resubmit"):
        server_jobs = project_jobs(hyp3, name)
        record, project = sync_record(work, name, hyp3.url, server_jobs)
        failed = failed_pairs(server_jobs)
        retry = {
            pair: job
            for pair, job in failed.items()
            if project["pairs"][pair_key(pair)]["submissions"] < MAX_SUBMISSIONS
        }
        given_up = sorted(set(failed) - set(retry))
        if not retry:
            return [], given_up
        prepared = [job.to_dict(for_resubmit=True) for job in retry.values()]
        cost, remaining = check_account(hyp3, prepared)
        credits = "unlimited" if remaining is None else f"{remaining:g}"
        summary = f"{len(prepared)} failed pairs to resubmit, {cost:g} credits of {credits} remaining"
        if confirm and not confirm(summary):
            return [], given_up
        post_in_chunks(work, record, project, hyp3, prepared, progress)
    return sorted(retry), given_up


def count_statuses(jobs: list) -> dict:
    counts = {"PENDING": 0, "RUNNING": 0, "SUCCEEDED": 0, "FAILED": 0}
    for job in jobs:
        counts[job.status_code] = counts.get(job.status_code, 0) + 1
    return counts


def by_expiry(jobs: list) -> list:
    """Jobs that have an expiration time, soonest first."""
    return sorted((job for job in jobs if job.expiration_time), key=lambda job: job.expiration_time)


def days_left(job, now: Optional[dt.datetime] = None) -> float:
    now = now or dt.datetime.now(dt.timezone.utc)
    return (job.expiration_time - now).total_seconds() / 86400.0


def wait_for_jobs(
    hyp3,
    name: str,
    interval: float = 60.0,
    max_interval: float = 600.0,
    is_canceled: Optional[Callable[[], bool]] = None,
    progress: Optional[Callable[[float], None]] = None,
) -> list:
    """Poll the project (one paged query per round) until no job is pending or running; the interval grows
    by half each round up to max_interval. Returns the final jobs."""
    check_interval(interval)
    while True:
        jobs = project_jobs(hyp3, name)
        counts = count_statuses(jobs)
        waiting = sum(counts[status] for status in PENDING)
        if progress:
            progress(100.0 * (len(jobs) - waiting) / len(jobs) if jobs else 100.0)
        if not waiting:
            return jobs
        LOG.info("%d of %d jobs still pending or running; next look in %.0f s", waiting, len(jobs), interval)
        sleep_unless_canceled(interval, is_canceled)
        interval = min(interval * 1.5, max_interval)


def check_interval(interval: float) -> None:
    """A poll interval must be positive: at 0 the polls would never pause (nor grow)."""
    if not interval > 0:
        raise ValueError(f"the poll interval must be positive, not {interval:g} s")
