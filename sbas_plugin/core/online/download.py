"""Download HyP3 product zips: parallel, resumable, verified before they get their final name.

hyp3_sdk's own downloader has no timeouts, writes straight to the final name and never checks what
it wrote, so a broken transfer leaves a truncated zip that looks done. Here every file goes to
`<filename>.part` beside its final name, is resumed with HTTP Range after a failure, and is renamed
only once its size equals the API's and every zip member passes its CRC check. HyP3 publishes no
checksum, so size + CRC is all there is. Product URLs need no authentication: no token is sent."""

import logging
import os
import re
import threading
import time
import zipfile
import zlib
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional

import requests
import urllib3
from requests.adapters import HTTPAdapter

from sbas_plugin.core.cancel import Canceled, sleep_unless_canceled
from sbas_plugin.core.files import VERIFIED, check_free_space, identity, read_verified, write_json
from sbas_plugin.core.files import free_bytes as disk_free_bytes
from sbas_plugin.core.manifest import Manifest, signature
from sbas_plugin.core.workfolder import WorkFolder, work_folder_lock

LOG = logging.getLogger(__name__)

CHUNK_BYTES = 1024**2  # is_canceled is checked between chunks of this size
TIMEOUT = (10.0, 30.0)  # (connect, read) seconds; the read timeout bounds every single socket read
RETRIES = 5  # failed requests in a row, per file, before giving up on it
DOWNLOADS_PER_FILE = 3  # complete downloads that fail the size/CRC check before giving up
BACKOFF = 1.0  # seconds before the first retry, doubled each time up to MAX_BACKOFF
MAX_BACKOFF = 60.0
RETRY_STATUSES = {429, 500, 502, 503, 504}
PART = ".part"
MB = 1024**2
CANCEL_GRACE = 1.0  # seconds a cancel waits for the workers to stop


class DownloadError(RuntimeError):
    """Downloading cannot go on; the message names the product or says what is missing."""


@dataclass(frozen=True)
class RemoteFile:
    """One product file as the HyP3 API lists it."""

    url: str
    filename: str
    size: int
    expiration_time: Optional[datetime] = None

    def expired(self, now: datetime) -> bool:
        return self.expiration_time is not None and self.expiration_time <= now


@dataclass
class DownloadReport:
    folder: Path
    downloaded: list = field(default_factory=list)  # filenames fetched (wholly or the rest of a .part)
    skipped: list = field(default_factory=list)  # already there, right size, CRCs good
    expired: list = field(default_factory=list)  # past their expiration time and not in the folder: not attempted
    failed: dict = field(default_factory=dict)  # filename -> why it could not be downloaded
    bytes_fetched: int = 0  # over the network in this run
    unfinished: int = 0  # jobs still pending or running at the end (without waiting)

    @property
    def complete(self) -> bool:
        return not self.expired and not self.failed


class _Retry(Exception):
    """This request failed in a way another request may not."""


class _Corrupt(Exception):
    """The whole file arrived but is not the product; fetch it again from the start."""


def safe_filename(filename) -> str:
    """The API's filename, if it is a plain zip name that cannot escape the download folder."""
    unsafe = (
        not isinstance(filename, str)
        or filename in ("", ".", "..")
        or filename.startswith(".")
        or any(c in filename for c in "/\\:\0")
        or not filename.lower().endswith(".zip")
    )
    if unsafe:
        raise DownloadError(f"unsafe product filename {filename!r}: not downloaded (expected a plain NAME.zip)")
    return filename


def as_remote_file(entry) -> RemoteFile:
    """A RemoteFile from a dict or an object with url, filename, size and optionally expiration_time."""
    get = entry.get if isinstance(entry, dict) else lambda key, default=None: getattr(entry, key, default)
    expiration = get("expiration_time")
    if isinstance(expiration, str):
        expiration = datetime.fromisoformat(expiration.replace("Z", "+00:00"))
    if expiration is not None and expiration.tzinfo is None:
        expiration = expiration.replace(tzinfo=timezone.utc)  # HyP3 times are UTC
    url, size = get("url"), get("size")
    if not url or not isinstance(size, int):
        raise DownloadError(f"a product entry without url or size in bytes: {entry!r}")
    return RemoteFile(url=url, filename=get("filename"), size=size, expiration_time=expiration)


def zip_is_intact(path: Path, canceled: Callable[[], bool] = lambda: False) -> bool:
    """Whether every member reads to its end with a matching CRC (what ZipFile.testzip does), with
    cancel checks between chunks: testing a 300 MB zip takes a second or two."""
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                with archive.open(info) as member:
                    while member.read(CHUNK_BYTES):
                        if canceled():
                            raise Canceled()
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        return False
    return True


def new_session(workers: int = 4) -> requests.Session:
    """A session with no credentials and a connection pool big enough for every worker."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=workers, pool_maxsize=workers)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class _Downloader:
    """The shared state of one download_files call: the session, the byte count, the cancel flag."""

    def __init__(self, folder, session, timeout, retries, backoff, is_canceled, now):
        self.folder = folder
        self.session = session
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.is_canceled = is_canceled
        self.now = now
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.bytes_on_disk = 0  # of the files in this run, whether fetched now or earlier
        self.bytes_fetched = 0
        # Zips CRC-checked before: a rerun over hundreds of 300 MB zips then reads none of them, nor does ingest.
        self.verified = read_verified(folder)

    def intact(self, path: Path) -> bool:
        """CRC-check a final zip unless it was checked before and has not changed since."""
        with self.lock:
            if self.verified.get(path.name) == identity(path):
                return True
        if not zip_is_intact(path, self.canceled):
            return False
        self.remember(path)
        return True

    def remember(self, path: Path) -> None:
        with self.lock:
            self.verified[path.name] = identity(path)

    def canceled(self) -> bool:
        if not self.stop.is_set() and self.is_canceled and self.is_canceled():
            self.stop.set()
        return self.stop.is_set()

    def count(self, on_disk: int, fetched: int = 0) -> None:
        with self.lock:
            self.bytes_on_disk += on_disk
            self.bytes_fetched += fetched

    def sleep(self, seconds: float) -> None:
        """Wait before a retry, but no longer than it takes to notice a cancel."""
        end = time.monotonic() + seconds
        while not self.canceled() and time.monotonic() < end:
            self.stop.wait(min(0.1, end - time.monotonic()))
        if self.canceled():
            raise Canceled()

    def fetch(self, remote: RemoteFile) -> str:
        """Make `folder/filename` the verified product; returns "downloaded" or "skipped"."""
        final = self.folder / remote.filename
        part = self.folder / (remote.filename + PART)
        if final.is_file() and final.stat().st_size == remote.size and self.intact(final):
            return "skipped"
        if remote.expired(self.now):  # attempted only because a zip of its name was there: a damaged one
            raise DownloadError(
                f"{final} is damaged (wrong size or a failed CRC) and its product expired on "
                f"{remote.expiration_time:%Y-%m-%d}: delete it, then submit its pair again"
            )
        if final.is_file() and final.stat().st_size == remote.size:
            LOG.warning("%s is corrupted: downloading it again", remote.filename)
            # It was counted as done; what counts now is the .part, if any.
            self.count((part.stat().st_size if part.exists() else 0) - remote.size)
        etag = None
        failures, downloads, best = 0, 0, part.stat().st_size if part.exists() else 0
        while True:
            if self.canceled():
                raise Canceled()
            try:
                etag = self.request(remote, part, etag)
                have = part.stat().st_size if part.exists() else 0
                if have < remote.size:
                    raise _Retry(f"the connection ended after {have} of {remote.size} bytes")
                downloads += 1
                if have > remote.size:
                    raise _Corrupt(f"{have} bytes arrived where the API says {remote.size}")
                if not zip_is_intact(part, self.canceled):
                    raise _Corrupt("a zip member fails its CRC check")
                with open(part, "rb+") as done:
                    os.fsync(done.fileno())
                os.replace(part, final)
                self.remember(final)  # the CRC passed as .part; the rename changes no byte
                return "downloaded"
            except _Corrupt as error:
                LOG.warning("%s: %s; downloading it again", remote.filename, error)
                self.count(-part.stat().st_size)
                part.unlink()
                if downloads >= DOWNLOADS_PER_FILE:
                    raise DownloadError(f"{remote.filename}: corrupted in {downloads} downloads ({error})") from None
            except (_Retry, requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as e:
                have = part.stat().st_size if part.exists() else 0
                failures = 0 if have > best else failures + 1  # only failures without progress count
                best = max(best, have)
                if failures > self.retries:
                    raise DownloadError(f"{remote.filename}: {e} ({failures} failed attempts in a row)") from None
                delay = min(self.backoff * 2 ** max(failures - 1, 0), MAX_BACKOFF)
                LOG.info("%s: %s; retrying in %.1f s", remote.filename, e, delay)
                self.sleep(delay)

    def request(self, remote: RemoteFile, part: Path, etag: Optional[str]) -> Optional[str]:
        """One GET, appending to `part` from where it ends; returns the product's ETag."""
        have = part.stat().st_size if part.exists() else 0
        headers = {}
        if have:
            headers["Range"] = f"bytes={have}-"
            if etag:
                headers["If-Range"] = etag  # a changed file comes back whole (200) instead of spliced
        with self.session.get(remote.url, headers=headers, stream=True, timeout=self.timeout) as response:
            status = response.status_code
            if status == 416:
                if have == remote.size:
                    return etag  # the .part was already complete
                self.restart(part, have)
                raise _Retry(f"HTTP 416 for bytes {have}- of {remote.size}; starting again")
            if status in RETRY_STATUSES:
                raise _Retry(f"HTTP {status}")
            if status in (403, 404, 410):
                raise DownloadError(f"{remote.filename}: HTTP {status}, gone from the server (expired?)")
            if status not in (200, 206):
                raise DownloadError(f"{remote.filename}: unexpected HTTP {status} from {remote.url}")
            if status == 206 and not self.continues(response, have, remote.size):
                self.restart(part, have)
                raise _Retry(f"Content-Range {response.headers.get('Content-Range')!r} does not continue the file")
            if status == 200 and have:
                # The server ignored Range and sends the whole file: never append it to the part.
                LOG.info("%s: server ignored the Range request; starting again", remote.filename)
                self.restart(part, have)
            with open(part, "ab") as out:
                for chunk in _received(response):
                    if self.canceled():
                        raise Canceled()
                    out.write(chunk)
                    self.count(len(chunk), len(chunk))
            return response.headers.get("ETag") or etag

    @staticmethod
    def continues(response, have: int, size: int) -> bool:
        match = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+|\*)", response.headers.get("Content-Range", "").strip())
        return bool(match) and int(match[1]) == have and match[3] in (str(size), "*")

    def restart(self, part: Path, have: int) -> None:
        part.open("wb").close()
        self.count(-have)


def _received(response):
    """The body as it arrives, each piece at most CHUNK_BYTES. Unlike requests' iter_content, a dropped
    connection keeps what had arrived: urllib3 2 fills every read to its full size and discards a
    partial buffer when the connection ends, so a 5 kB-in failure would resume from byte 0."""
    raw = response.raw
    read = getattr(raw, "read1", None) or raw.read  # read1: urllib3 >= 2.2; urllib3 1's read returns short
    try:
        while True:
            chunk = read(CHUNK_BYTES, decode_content=True)
            if not chunk:
                return
            yield chunk
    except urllib3.exceptions.ProtocolError as error:  # as iter_content translates them
        raise requests.exceptions.ChunkedEncodingError(error) from error
    except urllib3.exceptions.ReadTimeoutError as error:
        raise requests.exceptions.ConnectionError(error) from error
    except urllib3.exceptions.SSLError as error:
        raise requests.exceptions.SSLError(error) from error


def download_files(
    files,
    folder,
    workers: int = 4,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
    session: Optional[requests.Session] = None,
    *,
    timeout: tuple = TIMEOUT,
    retries: int = RETRIES,
    backoff: float = BACKOFF,
    free_bytes: Callable[[Path], int] = disk_free_bytes,
    now: Optional[datetime] = None,
) -> DownloadReport:
    """Download every file (dicts or objects with url, filename, size, expiration_time) into `folder`,
    soonest-expiring first, `workers` at a time. A file already there is skipped once verified, even if
    it expired since; expired files not there and unsafe ones are reported, not attempted; a file that
    still fails after retries is reported in `failed` while the others go on. Raises DiskSpaceError when
    the disk is too small and Canceled when asked to stop (.part files stay for the next run to resume)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    now = now or datetime.now(timezone.utc)
    report = DownloadReport(folder)
    remotes = sorted(
        (as_remote_file(entry) for entry in files),
        key=lambda r: (r.expiration_time is None, r.expiration_time or now, str(r.filename)),
    )
    todo, names = [], set()
    for remote in remotes:
        try:
            safe_filename(remote.filename)
        except DownloadError as error:
            report.failed[str(remote.filename)] = str(error)
            continue
        if remote.filename in names:
            continue  # listed twice: one worker per file, or two would write the same .part
        names.add(remote.filename)
        if remote.expired(now) and not (folder / remote.filename).is_file():
            report.expired.append(remote.filename)
            LOG.warning("%s expired on %s: not downloaded", remote.filename, remote.expiration_time.isoformat())
        else:
            todo.append(remote)

    on_disk = {r.filename: _bytes_on_disk(folder, r) for r in todo}
    total = sum(r.size for r in todo)
    missing = total - sum(on_disk.values())
    check_free_space(folder, missing, "downloading", "choose another download folder", free_bytes)
    own_session = session is None
    downloader = _Downloader(folder, session or new_session(workers), timeout, retries, backoff, is_canceled, now)
    downloader.count(sum(on_disk.values()))

    def report_progress() -> None:
        if progress:
            progress(100.0 * downloader.bytes_on_disk / total if total else 100.0)

    finished = 0
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix=worker_prefix(threading.get_ident()))
    pending = {pool.submit(downloader.fetch, remote): remote for remote in todo}
    try:
        while pending:
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            if downloader.canceled():
                # Workers stop at their next chunk; one stuck in a stalled read would only notice at its
                # read timeout, so it is left to end on its own (it writes nothing more).
                wait(pending, timeout=CANCEL_GRACE)
                raise Canceled()
            report_progress()
            for future in done:
                remote = pending.pop(future)
                try:
                    outcome = future.result()
                except (DownloadError, OSError) as error:
                    report.failed[remote.filename] = str(error)
                    LOG.error("%s", error if isinstance(error, DownloadError) else f"{remote.filename}: {error}")
                    continue
                (report.downloaded if outcome == "downloaded" else report.skipped).append(remote.filename)
                finished += 1
                LOG.info(
                    "%d/%d files, %.1f/%.1f MB (%s %s)",
                    finished,
                    len(todo),
                    downloader.bytes_on_disk / MB,
                    total / MB,
                    outcome,
                    remote.filename,
                )
    except BaseException:
        downloader.stop.set()  # the other workers stop too
        raise
    finally:
        pool.shutdown(wait=not downloader.stop.is_set(), cancel_futures=True)
        _write_verified(folder, downloader.verified, downloader.lock)
        if own_session:
            downloader.session.close()
    report.bytes_fetched = downloader.bytes_fetched
    report.downloaded.sort()  # workers finish in any order; the report lists by name
    report.skipped.sort()
    report_progress()
    return report


def _bytes_on_disk(folder: Path, remote: RemoteFile) -> int:
    """What is already there: a final zip of the right size (still to be CRC-checked) or a .part."""
    final, part = folder / remote.filename, folder / (remote.filename + PART)
    if final.is_file() and final.stat().st_size == remote.size:
        return remote.size
    return min(part.stat().st_size, remote.size) if part.is_file() else 0


def worker_prefix(caller: int) -> str:
    """Names the download workers after the thread that started them, so whoever shows that thread's
    log (a Processing algorithm) can show the workers' messages too, and no other run's."""
    return f"sbas-download-{caller}-"


def _write_verified(folder: Path, verified: dict, lock: threading.Lock) -> None:
    with lock:  # workers may still be adding to it
        verified = dict(verified)
    write_json(folder / VERIFIED, verified, indent=1, sort_keys=True)


def succeeded_files(jobs, folder: Path) -> list:
    """The product files of the succeeded jobs, each with its job's expiration time, less the files that
    expired before they reached `folder` and whose pair needs no new order (hyp3.expired_pairs): it was
    ordered again since, or has its product."""
    from sbas_plugin.core.online.hyp3 import expired_pairs

    reorder = set(expired_pairs(jobs, folder))
    files = []
    for job in jobs:
        if job.succeeded():
            for entry in job.files or []:
                wanted = (
                    not job.expired()
                    or tuple(job.job_parameters["granules"]) in reorder
                    or (folder / entry["filename"]).is_file()
                )
                if wanted:
                    files.append(RemoteFile(entry["url"], entry["filename"], int(entry["size"]), job.expiration_time))
    return files


def download_project(
    work,
    hyp3,
    name: str,
    workers: int = 4,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
    session: Optional[requests.Session] = None,
    *,
    wait: bool = False,
    interval: float = 60.0,
    max_interval: float = 600.0,
    **options,
) -> DownloadReport:
    """Download the products of every succeeded job of HyP3 project `name` into WORK/products and
    record the result in WORK's manifest. With `wait`, poll until no job is pending or running,
    downloading products as their jobs succeed; the poll interval grows by half each round up to
    `max_interval`, as in hyp3.wait_for_jobs. `options` go to download_files."""
    from sbas_plugin.core.online.hyp3 import check_interval, project_jobs

    check_interval(interval)
    work = Path(work)
    report = DownloadReport(WorkFolder(work).products)
    all_files = {}
    while True:
        # Held for each look and its downloads, not while waiting: the user may order pairs again meanwhile.
        with work_folder_lock(work, "download"):
            jobs = project_jobs(hyp3, name)
            files = succeeded_files(jobs, report.folder)
            all_files.update((f.filename, f) for f in files)
            handled = set(report.downloaded + report.skipped + report.expired) | set(report.failed)
            new = [f for f in files if f.filename not in handled]
            LOG.info("%s: %d jobs, %d product files, %d new", name, len(jobs), len(files), len(new))
            if new:
                found = download_files(new, report.folder, workers, progress, is_canceled, session, **options)
                report.downloaded += found.downloaded
                report.skipped += found.skipped
                report.expired += found.expired
                report.failed.update(found.failed)
                report.bytes_fetched += found.bytes_fetched
            unfinished = sum(1 for job in jobs if not job.complete())
            if not wait or not unfinished:
                listed = {f.filename for f in files}
                # not those whose pair was ordered again meanwhile
                report.expired = [f for f in report.expired if f in listed]
                report.unfinished = unfinished
                present = sorted((f, all_files[f].size) for f in report.downloaded + report.skipped)
                Manifest(work).record(
                    "download",
                    signature(present),
                    project=name,
                    files=len(present),
                    bytes=sum(size for _, size in present),
                    expired=report.expired,
                    failed=report.failed,
                )
                return report
        LOG.info("%d jobs pending or running; next look in %.0f s", unfinished, interval)
        sleep_unless_canceled(interval, is_canceled)
        interval = min(interval * 1.5, max_interval)
