"""Product downloads over real HTTP from the local HyP3 server (tests/support/hyp3_server.py), with its faults."""

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
import requests
from local_hyp3 import hyp3_server

from sbas_plugin.core.files import DiskSpaceError
from sbas_plugin.core.online.download import VERIFIED, DownloadError, download_files, zip_is_intact
from sbas_plugin.core.results.points import Canceled
from sbas_plugin.core.simulate.synthetic import write_synthetic_stack
from sbas_plugin.core.stack.ingest import ProductError, find_products, identity, verify_product, verify_products

ROOT = Path(__file__).resolve().parents[2]
SBAS = Path(sys.executable).parent / "sbas"
TOKEN = "test-token"
FAST = dict(timeout=(2, 2), backoff=0.01)  # short timeouts and retry delays for tests


@pytest.fixture
def server():
    with hyp3_server.Hyp3Server(token=TOKEN) as running:
        yield running


@pytest.fixture
def stack(tmp_path):
    """Three small but real INSAR_GAMMA product zips."""
    folder = tmp_path / "served"
    write_synthetic_stack(folder, n_dates=3, shape=(20, 30), zipped=True)
    return sorted(folder.glob("*.zip"))


def granule(date_time: str) -> str:
    return f"S1A_IW_SLC__1SDV_{date_time}_{date_time[:9]}999999_030634_038299_ABCD"


def submit_and_succeed(server, zips, name="kanto"):
    """One succeeded job of project `name` per zip, each serving that zip; returns the job ids."""
    for path in zips:
        server.add_product(path.name, path)
    jobs = []
    for path in zips:
        reference, secondary = path.name.split("_")[1:3]
        parameters = {"granules": [granule(reference), granule(secondary)]}
        jobs.append({"job_type": "INSAR_GAMMA", "name": name, "job_parameters": parameters})
    answer = requests.post(
        f"{server.url}/jobs", json={"jobs": jobs}, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
    )
    answer.raise_for_status()
    ids = [job["job_id"] for job in answer.json()["jobs"]]
    server.advance("SUCCEEDED", ids)
    return ids


def remote_files(server, job_ids=None):
    """The API's file entries of the succeeded jobs, with their job's expiration time."""
    return [
        {**entry, "expiration_time": job["expiration_time"]}
        for job_id, job in server.jobs.items()
        if job["status_code"] == "SUCCEEDED" and (job_ids is None or job_id in job_ids)
        for entry in job["files"]
    ]


def recording_session():
    """A session recording (status, Range sent, Content-Length received) of every response."""
    session = requests.Session()
    session.seen = []
    session.hooks["response"].append(
        lambda r, *args, **kwargs: session.seen.append(
            (r.status_code, r.request.headers.get("Range"), int(r.headers.get("Content-Length", -1)))
        )
    )
    return session


def same_bytes(folder: Path, zips) -> bool:
    return all((folder / z.name).read_bytes() == z.read_bytes() for z in zips)


def write_big_zip(folder: Path, mebibytes: int, secondary="20200113T000000") -> Path:
    """A valid zip of incompressible members, big enough to be canceled halfway."""
    path = folder / f"S1AA_20200101T000000_{secondary}_VVP012_INT80_G_ueF_B1G0.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for index in range(mebibytes):
            archive.writestr(f"big/member{index}.bin", os.urandom(1024**2))
    return path


def test_happy_path_files_identical_and_accepted_by_ingest(server, stack, tmp_path):
    submit_and_succeed(server, stack)
    folder = tmp_path / "products"
    percents = []
    report = download_files(remote_files(server), folder, progress=percents.append, **FAST)
    assert sorted(report.downloaded) == [z.name for z in stack] and report.complete
    assert report.bytes_fetched == sum(z.stat().st_size for z in stack)
    assert same_bytes(folder, stack)
    assert sorted(p.name for p in folder.iterdir()) == sorted([z.name for z in stack] + [VERIFIED])  # no .part
    assert percents[-1] == 100.0 and percents == sorted(percents)
    assert server.token_sent_to_products == 0
    products = find_products(folder)
    assert [p.source.name for p in products] == [z.name for z in stack]
    for product in products:
        verify_product(product)


def test_rerun_downloads_nothing(server, stack, tmp_path):
    submit_and_succeed(server, stack)
    download_files(remote_files(server), tmp_path / "products", **FAST)
    downloads = sum(1 for _, path in server.requests if path.endswith(".zip"))
    report = download_files(remote_files(server), tmp_path / "products", **FAST)
    assert sorted(report.skipped) == [z.name for z in stack] and not report.downloaded
    assert report.bytes_fetched == 0
    assert sum(1 for _, path in server.requests if path.endswith(".zip")) == downloads


def test_a_rerun_trusts_zips_verified_before_until_they_change(server, stack, tmp_path):
    submit_and_succeed(server, stack[:2])
    folder = tmp_path / "products"
    download_files(remote_files(server), folder, **FAST)
    # Bytes changed under the same size and time are not noticed: the record trusts (size, mtime) and
    # saves reading every zip again on each rerun.
    target = folder / stack[0].name
    stat = target.stat()
    flipped = bytearray(target.read_bytes())
    flipped[len(flipped) // 2] ^= 0xFF
    target.write_bytes(bytes(flipped))
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert download_files(remote_files(server), folder, **FAST).skipped == [stack[0].name, stack[1].name]
    # Touched: checked again, found corrupt, fetched again.
    os.utime(target)
    report = download_files(remote_files(server), folder, **FAST)
    assert report.downloaded == [stack[0].name] and report.skipped == [stack[1].name]
    assert same_bytes(folder, stack[:2])


def corrupt_the_phase(path: Path) -> None:
    """Flip one byte inside the zip's unwrapped phase, keeping the zip's size and modification time."""
    stat = path.stat()
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(f"{path.stem}/{path.stem}_unw_phase.tif")
    raw = bytearray(path.read_bytes())
    raw[info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size // 2] ^= 0xFF
    path.write_bytes(bytes(raw))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def refused_phase(path: Path) -> str:
    """The start of ingest's error for a corrupted phase in zip `path`."""
    return re.escape(f"{path.name}: {path.stem}/{path.stem}_unw_phase.tif is corrupted")


def test_ingest_trusts_zips_the_download_verified_until_they_change(server, stack, tmp_path):
    submit_and_succeed(server, stack[:2])
    folder = tmp_path / "products"
    download_files(remote_files(server), folder, **FAST)
    downloaded, by_hand = folder / stack[0].name, folder / stack[2].name
    shutil.copy2(stack[2], by_hand)  # copied in by hand: the download never checked it
    for path in (downloaded, by_hand):
        corrupt_the_phase(path)
    products = find_products(folder)
    assert [p.source for p in products] == [downloaded, folder / stack[1].name, by_hand]
    # Vouched for by the download and unchanged: not read again, so the corruption goes unnoticed, the
    # trade the download makes too (test_a_rerun_trusts_zips_verified_before_until_they_change).
    verified = {}
    verify_products(products[:2], verified)
    assert verified == {p.name: identity(p.source) for p in products[:2]}
    with pytest.raises(ProductError, match=refused_phase(by_hand)):
        verify_products(products[2:], {})
    # Touched: neither the download's record nor the caller's vouches for it any more.
    os.utime(downloaded)
    with pytest.raises(ProductError, match=refused_phase(downloaded)):
        verify_products(products[:1], verified)


def test_dropped_connection_resumes_with_range(server, stack, tmp_path):
    submit_and_succeed(server, stack[:1])
    size = stack[0].stat().st_size
    server.faults.drop_after_bytes = 5000
    session = recording_session()
    report = download_files(remote_files(server), tmp_path, session=session, **FAST)
    assert report.downloaded == [stack[0].name]
    assert session.seen == [(200, None, size), (206, "bytes=5000-", size - 5000)]
    assert report.bytes_fetched == size  # nothing fetched twice
    assert same_bytes(tmp_path, stack[:1])


def test_server_ignoring_range_restarts_without_duplicating(server, stack, tmp_path):
    submit_and_succeed(server, stack[:1])
    size = stack[0].stat().st_size
    server.faults.drop_after_bytes = 5000
    server.faults.ignore_range = True
    session = recording_session()
    report = download_files(remote_files(server), tmp_path, session=session, **FAST)
    assert session.seen == [(200, None, size), (200, "bytes=5000-", size)]
    assert report.downloaded == [stack[0].name] and report.bytes_fetched == size + 5000
    assert same_bytes(tmp_path, stack[:1])


def test_corrupted_download_is_caught_by_crc_and_fetched_again(server, stack, tmp_path):
    submit_and_succeed(server, stack[:1])
    server.faults.corrupt_next_download = True
    session = recording_session()
    report = download_files(remote_files(server), tmp_path, session=session, **FAST)
    assert [status for status, _, _ in session.seen] == [200, 200]
    assert report.downloaded == [stack[0].name]
    assert same_bytes(tmp_path, stack[:1])


def test_product_corrupt_on_the_server_fails_with_its_name(server, stack, tmp_path):
    broken = tmp_path / "served_broken" / stack[0].name
    broken.parent.mkdir()
    data = bytearray(stack[0].read_bytes())
    data[len(data) // 3] ^= 0xFF
    broken.write_bytes(bytes(data))
    assert not zip_is_intact(broken)
    submit_and_succeed(server, [broken, stack[1]])
    report = download_files(remote_files(server), tmp_path / "products", **FAST)
    assert report.downloaded == [stack[1].name]
    assert "corrupted in 3 downloads" in report.failed[stack[0].name]
    assert stack[0].name in report.failed[stack[0].name]
    assert sorted(p.name for p in (tmp_path / "products").iterdir()) == [VERIFIED, stack[1].name]


def test_stall_times_out_and_is_retried(server, stack, tmp_path):
    submit_and_succeed(server, stack[:1])
    server.faults.stall_next = True
    started = time.monotonic()
    report = download_files(remote_files(server), tmp_path, timeout=(1, 0.5), backoff=0.01)
    assert time.monotonic() - started < 3
    assert report.downloaded == [stack[0].name] and same_bytes(tmp_path, stack[:1])


def test_server_errors_are_retried(server, stack, tmp_path):
    submit_and_succeed(server, stack[:1])
    server.faults.errors_next = [503, 500, 502]
    session = recording_session()
    report = download_files(remote_files(server), tmp_path, session=session, **FAST)
    assert [status for status, _, _ in session.seen] == [503, 500, 502, 200]
    assert report.downloaded == [stack[0].name] and same_bytes(tmp_path, stack[:1])


def test_persistent_errors_give_up_naming_the_product(server, stack, tmp_path):
    submit_and_succeed(server, stack[:1])
    server.faults.errors_next = [500] * 10
    report = download_files(remote_files(server), tmp_path, retries=2, **FAST)
    assert not report.downloaded
    assert report.failed[stack[0].name] == f"{stack[0].name}: HTTP 500 (3 failed attempts in a row)"
    assert len(server.faults.errors_next) == 7  # bounded: 3 requests, no more


def test_cancel_stops_quickly_and_a_rerun_resumes_from_the_part(server, tmp_path):
    big = write_big_zip(tmp_path, 8)
    submit_and_succeed(server, [big])
    folder = tmp_path / "products"
    part = folder / (big.name + ".part")
    started = time.monotonic()
    with pytest.raises(Canceled):
        download_files(remote_files(server), folder, is_canceled=lambda: part.exists() and part.stat().st_size > 0)
    assert time.monotonic() - started < 2
    kept = part.stat().st_size
    assert 0 < kept < big.stat().st_size
    session = recording_session()
    report = download_files(remote_files(server), folder, session=session, **FAST)
    assert session.seen == [(206, f"bytes={kept}-", big.stat().st_size - kept)]
    assert report.downloaded == [big.name] and same_bytes(folder, [big])


def test_expired_products_are_reported_not_downloaded(server, stack, tmp_path):
    ids = submit_and_succeed(server, stack)
    server.expire(ids[0])
    files = remote_files(server)
    gone = next(f for f in files if f["filename"] == stack[1].name)
    server.expire(ids[1])
    # The API still gave a future expiration time for this one, but its URL already answers 404.
    report = download_files([*remote_files(server, ids[::2]), gone], tmp_path, **FAST)
    assert report.expired == [stack[0].name]
    assert "HTTP 404" in report.failed[stack[1].name] and "expired?" in report.failed[stack[1].name]
    assert report.downloaded == [stack[2].name] and not report.complete
    requested = [path for _, path in server.requests if path.endswith(".zip")]
    assert not any(path.endswith(stack[0].name) for path in requested)


def test_zips_downloaded_before_they_expired_are_skipped_not_reported_expired(server, stack, tmp_path):
    ids = submit_and_succeed(server, stack)
    download_files(remote_files(server), tmp_path, **FAST)
    for job_id in ids:
        server.expire(job_id)
    damaged = tmp_path / stack[2].name
    damaged.write_bytes(damaged.read_bytes()[:-100])
    server.requests.clear()
    report = download_files(remote_files(server), tmp_path, **FAST)
    assert report.skipped == [z.name for z in stack[:2]] and report.expired == []
    assert report.failed == {
        stack[2].name: f"{damaged} is damaged (wrong size or a failed CRC) and its product expired on "
        f"{server.jobs[ids[2]]['expiration_time'][:10]}: delete it, then submit its pair again"
    }
    assert not any(path.endswith(".zip") for _, path in server.requests)  # nothing left there to fetch
    damaged.unlink()
    assert download_files(remote_files(server), tmp_path, **FAST).expired == [stack[2].name]


def test_refuses_when_the_disk_is_too_small(server, stack, tmp_path):
    submit_and_succeed(server, stack)
    with pytest.raises(DiskSpaceError) as refused:
        download_files(remote_files(server), tmp_path, free_bytes=lambda path: 300 * 1024**2, **FAST)
    assert str(refused.value) == (
        f"downloading needs about 0.5 GB in {tmp_path} (a 0.5 GB margin included), 0.3 GB free: "
        "free space or choose another download folder"
    )
    assert not any(path.endswith(".zip") for _, path in server.requests)


def test_unsafe_filenames_are_refused(server, stack, tmp_path):
    submit_and_succeed(server, stack[:1])
    [good] = remote_files(server)
    unsafe = ["../escape.zip", "/tmp/absolute.zip", "sub\\dir.zip", "C:evil.zip", "notes.txt", ".hidden.zip"]
    folder = tmp_path / "products"
    report = download_files([good, *({**good, "filename": name} for name in unsafe)], folder, **FAST)
    assert report.downloaded == [good["filename"]]
    assert sorted(report.failed) == sorted(unsafe)
    assert all("unsafe product filename" in why for why in report.failed.values())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["products", "served"]
    assert sorted(p.name for p in folder.iterdir()) == [VERIFIED, good["filename"]]
    with pytest.raises(DownloadError, match="without url or size"):
        download_files([{**good, "size": None}], folder, **FAST)


def test_a_corrupt_or_short_zip_already_there_is_fetched_again(server, stack, tmp_path):
    submit_and_succeed(server, stack[:2])
    flipped = bytearray(stack[0].read_bytes())
    flipped[len(flipped) // 2] ^= 0xFF
    (tmp_path / stack[0].name).write_bytes(bytes(flipped))
    (tmp_path / stack[1].name).write_bytes(stack[1].read_bytes()[:-100])
    report = download_files(remote_files(server), tmp_path, **FAST)
    assert sorted(report.downloaded) == [z.name for z in stack[:2]]
    assert same_bytes(tmp_path, stack[:2])


def sbas_download(server, work, *args):
    env = {**os.environ, "EARTHDATA_TOKEN": TOKEN}
    command = [str(SBAS), "download", "--work", str(work), "--name", "kanto", "--api-url", server.url, *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def test_cli_downloads_the_project_and_a_rerun_skips(server, stack, tmp_path):
    submit_and_succeed(server, stack)
    submit_and_succeed(server, [write_big_zip(tmp_path, 1, secondary="20200125T000000")], name="another-project")
    work = tmp_path / "work"
    result = sbas_download(server, work)
    assert result.returncode == 0, result.stderr
    assert "downloaded: 3, already there: 0" in result.stdout
    assert "3/3 files" in result.stderr
    assert same_bytes(work / "products", stack)
    assert sorted(p.name for p in (work / "products").iterdir()) == sorted([VERIFIED] + [z.name for z in stack])
    step = json.loads((work / "manifest.json").read_text())["steps"]["download"]
    assert step["files"] == 3 and step["bytes"] == sum(z.stat().st_size for z in stack)
    assert server.token_sent_to_products == 0
    again = sbas_download(server, work)
    assert again.returncode == 0, again.stderr
    assert "downloaded: 0, already there: 3" in again.stdout
    assert TOKEN not in result.stdout + result.stderr + again.stdout + again.stderr


def test_cli_reports_expired_products_with_a_failing_status(server, stack, tmp_path):
    ids = submit_and_succeed(server, stack)
    server.expire(ids[0])
    result = sbas_download(server, tmp_path / "work")
    assert result.returncode == 2
    assert "1 expired products: their pairs will be ordered again by `sbas submit" in result.stderr
    assert f"expired before it was downloaded: {stack[0].name}" in result.stdout
    assert "downloaded: 2" in result.stdout


def test_cli_wait_downloads_jobs_as_they_succeed(server, stack, tmp_path):
    submit_and_succeed(server, stack[:1])
    for path in stack[1:]:
        server.add_product(path.name, path)
    reference, secondary = stack[1].name.split("_")[1:3]
    later = {
        "job_type": "INSAR_GAMMA",
        "name": "kanto",
        "job_parameters": {"granules": [granule(reference), granule(secondary)]},
    }
    answer = requests.post(
        f"{server.url}/jobs", json={"jobs": [later]}, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
    )
    pending = [job["job_id"] for job in answer.json()["jobs"]]
    finish = threading.Timer(1.5, server.advance, args=("SUCCEEDED", pending))
    finish.start()
    try:
        result = sbas_download(server, tmp_path / "work", "--wait", "--interval", "0.3")
    finally:
        finish.cancel()
    assert result.returncode == 0, result.stderr
    assert "downloaded: 2, already there: 0" in result.stdout
    assert same_bytes(tmp_path / "work" / "products", stack[:2])


def test_cancel_during_a_stall_returns_within_two_seconds(server, stack, tmp_path):
    submit_and_succeed(server, stack[:1])
    server.faults.stall_next = True
    started = time.monotonic()
    with pytest.raises(Canceled):
        download_files(
            remote_files(server), tmp_path, timeout=(2, 30), is_canceled=lambda: time.monotonic() > started + 0.3
        )
    assert time.monotonic() - started < 2
    assert not (tmp_path / stack[0].name).exists()
