"""Submitting and following HyP3 jobs (sbas_plugin.core.online.hyp3, sbas submit, sbas status) with the real
hyp3_sdk against the local HyP3 server of tests/support/hyp3_server.py."""

import datetime as dt
import json
import logging
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from local_hyp3 import hyp3_server

from sbas_plugin.core.manifest import Manifest
from sbas_plugin.core.online.download import download_project
from sbas_plugin.core.online.hyp3 import (
    Hyp3Failure,
    check_name,
    connect,
    expired_pairs,
    project_jobs,
    read_pairs,
    read_token,
    resubmit_failed,
    submit_pairs,
    wait_for_jobs,
)
from sbas_plugin.core.results.points import Canceled
from sbas_plugin.core.workfolder import RECORD, WorkFolderBusy, work_folder_lock

SBAS = Path(sys.executable).parent / "sbas"
TOKEN = "edl-secret-token-9c41d7e2"


def granule(day: int) -> str:
    start = dt.datetime(2018, 1, 3, 20, 45, 12) + dt.timedelta(days=12 * day)
    stop = start + dt.timedelta(seconds=27)
    return f"S1A_IW_SLC__1SDV_{start:%Y%m%dT%H%M%S}_{stop:%Y%m%dT%H%M%S}_0{20000 + day:05d}_0C1D2E_{day:04X}"


def chain(count: int) -> list:
    return [(granule(i), granule(i + 1)) for i in range(count)]


def write_pairs(path: Path, pairs) -> Path:
    path.write_text("reference,secondary\n" + "".join(f"{r},{s}\n" for r, s in pairs), encoding="utf-8")
    return path


@pytest.fixture
def server():
    with hyp3_server.Hyp3Server(token=TOKEN) as running:
        yield running


@pytest.fixture
def hyp3(server):
    return connect(server.url, TOKEN, timeout=(2, 2))


@pytest.fixture
def work(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def jobs_per_pair(server) -> dict:
    counts = {}
    for job in server.jobs.values():
        pair = tuple(job["job_parameters"]["granules"])
        counts[pair] = counts.get(pair, 0) + 1
    return counts


def assert_token_nowhere(folder: Path, *texts: str) -> None:
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert TOKEN.encode() not in path.read_bytes(), path
    for text in texts:
        assert TOKEN not in text


def test_submit_five_pairs_then_rerun_submits_nothing(server, hyp3, work):
    summaries = []
    result = submit_pairs(work, chain(5), "kanto_2024", hyp3, confirm=lambda s: summaries.append(s) or True)
    assert summaries == ["5 pairs, 0 already submitted, 5 to submit, 50 credits of 8000 remaining"]
    assert result.submitted == 5 and server.posts == 1 and len(server.jobs) == 5
    for job in server.jobs.values():
        parameters = job["job_parameters"]
        assert job["name"] == "kanto_2024" and job["job_type"] == "INSAR_GAMMA"
        assert parameters["include_dem"] is True and parameters["include_look_vectors"] is True
        assert parameters["looks"] == "20x4" and parameters["phase_filter_parameter"] == 0.6
        assert parameters["apply_water_mask"] is False
    assert jobs_per_pair(server) == {pair: 1 for pair in chain(5)}
    record = json.loads((work / RECORD).read_text())["projects"]["kanto_2024"]
    assert record["chunks"][0]["state"] == "posted" and len(record["chunks"][0]["pairs"]) == 5
    assert sorted(j for entry in record["pairs"].values() for j in entry["job_ids"]) == sorted(server.jobs)
    step = Manifest(work).step("submit")
    assert step["project"] == "kanto_2024" and step["jobs"] == 5 and step["api_url"] == server.url

    again = submit_pairs(work, chain(5), "kanto_2024", hyp3, confirm=lambda s: pytest.fail("nothing to confirm"))
    assert (again.already_submitted, again.to_submit, again.submitted) == (5, 0, 0)
    assert server.posts == 1 and len(server.jobs) == 5
    more = submit_pairs(work, chain(7), "kanto_2024", hyp3)
    assert (more.already_submitted, more.submitted) == (5, 2) and jobs_per_pair(server) == {p: 1 for p in chain(7)}


def test_looks_and_options(server, hyp3, work):
    options = ["apply_water_mask", "include_displacement_maps", "include_wrapped_phase", "include_inc_map"]
    result = submit_pairs(work, chain(2), "opts", hyp3, looks="10x2", options=options)
    assert result.cost == 30
    for job in server.jobs.values():
        parameters = job["job_parameters"]
        assert parameters["looks"] == "10x2" and all(parameters[option] is True for option in options)
        assert parameters["include_dem"] and parameters["include_look_vectors"]
    with pytest.raises(Hyp3Failure, match="other options"):
        submit_pairs(work, chain(2), "opts", hyp3, looks="20x4")
    assert server.posts == 1


def test_lost_post_response_then_rerun_keeps_one_job_per_pair(server, hyp3, work):
    server.faults.lose_next_post_response = True
    with pytest.raises(Hyp3Failure, match="run the same command again"):
        submit_pairs(work, chain(5), "lost", hyp3)
    assert server.posts == 1 and len(server.jobs) == 5
    record = json.loads((work / RECORD).read_text())["projects"]["lost"]
    assert record["chunks"][-1]["state"] == "posting"  # written before the POST
    result = submit_pairs(work, chain(5), "lost", hyp3)
    assert result.already_submitted == 5 and result.submitted == 0
    assert server.posts == 1 and jobs_per_pair(server) == {pair: 1 for pair in chain(5)}
    record = json.loads((work / RECORD).read_text())["projects"]["lost"]
    assert record["chunks"][-1]["state"] == "reconciled"
    assert all(len(entry["job_ids"]) == 1 for entry in record["pairs"].values()) and len(record["pairs"]) == 5


def test_201_pairs_go_in_two_posts(server, hyp3, work):
    result = submit_pairs(work, chain(201), "big", hyp3)
    assert result.submitted == 201 and server.posts == 2 and len(server.jobs) == 201
    chunks = json.loads((work / RECORD).read_text())["projects"]["big"]["chunks"]
    assert [len(chunk["pairs"]) for chunk in chunks] == [200, 1]


def test_insufficient_credits_refused_before_any_post(server, hyp3, work):
    server.credits = 30.0
    with pytest.raises(Hyp3Failure) as refused:
        submit_pairs(work, chain(5), "poor", hyp3, confirm=lambda s: pytest.fail("must not ask"))
    assert "50 credits" in str(refused.value) and "only 30 remain" in str(refused.value)
    assert server.posts == 0 and not any(method == "POST" for method, _ in server.requests)


def test_rejected_token_is_a_clear_error(server, work):
    with pytest.raises(Hyp3Failure, match=r"refused the Earthdata token \(HTTP 401\).*urs\.earthdata\.nasa\.gov"):
        submit_pairs(work, chain(2), "auth", connect(server.url, "expired-token"))
    assert server.posts == 0


def test_gets_are_retried_on_5xx_posts_never(server, hyp3, work):
    server.faults.errors_next = [503, 500]
    assert project_jobs(hyp3, "retry") == []
    assert server.requests.count(("GET", "/jobs")) == 3
    server.faults.errors_next = [502] * 4
    with pytest.raises(Hyp3Failure, match="server error"):
        project_jobs(hyp3, "retry")
    server.requests.clear()
    server.faults.errors_next = [None, None, None, 500]  # GET /jobs, /user, /costs pass; the POST fails
    with pytest.raises(Hyp3Failure, match="run the same command again"):
        submit_pairs(work, chain(1), "retry", hyp3)
    assert server.requests.count(("POST", "/jobs")) == 1 and server.jobs == {}


def test_stalled_server_times_out(server, hyp3):
    server.faults.stall_next = True
    started = time.monotonic()
    with pytest.raises(Hyp3Failure, match="did not answer in time"):
        project_jobs(hyp3, "stall")
    assert time.monotonic() - started < 5


def test_paging(server, hyp3, work):
    server.page_size = 2
    submit_pairs(work, chain(5), "paged", hyp3)
    server.requests.clear()
    assert len(project_jobs(hyp3, "paged")) == 5 and server.requests.count(("GET", "/jobs")) == 3
    assert submit_pairs(work, chain(5), "paged", hyp3).submitted == 0 and server.posts == 1


def test_jobs_are_listed_posted_and_recorded_under_the_work_folder_lock(server, hyp3, work):
    """Another process listing the jobs between our listing and our POST would order the same pairs again."""
    posted = []

    def lock_is_held(percent):
        with pytest.raises(WorkFolderBusy), work_folder_lock(work, "another process"):
            pass
        posted.append(percent)

    bad = chain(3)[1]
    server.faults.fail_pairs = {bad}
    submit_pairs(work, chain(3), "locked", hyp3, progress=lock_is_held)
    server.advance()
    assert resubmit_failed(work, hyp3, "locked", progress=lock_is_held) == ([bad], [])
    assert posted == [100.0, 100.0]


def test_failed_pairs_resubmitted_once_and_only_once(server, hyp3, work):
    bad = chain(3)[1]
    server.faults.fail_pairs = {bad}
    submit_pairs(work, chain(3), "fails", hyp3)
    server.advance()
    (failed,) = [job for job in project_jobs(hyp3, "fails") if job.failed()]
    assert failed.logs and failed.logs[0].startswith(server.url)
    assert resubmit_failed(work, hyp3, "fails") == ([bad], [])
    pair = json.loads((work / RECORD).read_text())["projects"]["fails"]["pairs"][f"{bad[0]} {bad[1]}"]
    assert pair["status"] == "PENDING"  # the pair's status is its newest job's
    assert server.posts == 2 and jobs_per_pair(server)[bad] == 2
    resubmitted = [job for job in server.jobs.values() if job["status_code"] == "PENDING"]
    assert resubmitted[0]["job_parameters"] == failed.job_parameters and resubmitted[0]["name"] == "fails"
    assert resubmit_failed(work, hyp3, "fails") == ([], [])  # the new job is pending: nothing to do
    server.advance()
    assert resubmit_failed(work, hyp3, "fails") == ([], [bad])
    assert server.posts == 2
    record = json.loads((work / RECORD).read_text())["projects"]["fails"]["pairs"]
    assert record[f"{bad[0]} {bad[1]}"]["submissions"] == 2
    assert record[f"{bad[0]} {bad[1]}"]["status"] == "FAILED"  # the newest job's: it failed too
    assert submit_pairs(work, chain(3), "fails", hyp3).submitted == 0  # failed pairs are not new pairs


def test_expired_pair_without_its_product_is_ordered_again_once(server, hyp3, work):
    pairs = chain(3)
    submit_pairs(work, pairs, "expiry", hyp3)
    server.advance()
    never_downloaded, downloaded_in_time, _ = server.jobs  # in the order of the pairs
    server.expire(never_downloaded)
    report = download_project(work, hyp3, "expiry")
    assert len(report.downloaded) == 2 and len(report.expired) == 1
    server.expire(downloaded_in_time)  # its zip is in WORK/products: it needs nothing
    assert expired_pairs(project_jobs(hyp3, "expiry"), work / "products") == [pairs[0]]
    lost = product_of(server, never_downloaded)
    assert_download(work, hyp3, downloaded=0, skipped=2, expired=[lost])

    summaries = []
    result = submit_pairs(work, pairs, "expiry", hyp3, confirm=lambda s: summaries.append(s) or True)
    assert summaries == [
        "3 pairs, 2 already submitted, 1 to submit (1 expired before download, ordered again), "
        "10 credits of 7970 remaining"
    ]
    assert (result.expired, result.submitted) == (1, 1) and server.posts == 2
    assert jobs_per_pair(server) == {pairs[0]: 2, pairs[1]: 1, pairs[2]: 1}
    (new,) = [job for job in server.jobs.values() if job["status_code"] == "PENDING"]
    assert new["job_parameters"] == server.jobs[never_downloaded]["job_parameters"]
    assert new["job_parameters"]["granules"] == list(pairs[0]) and new["name"] == "expiry"
    again = submit_pairs(work, pairs, "expiry", hyp3, confirm=lambda s: pytest.fail("nothing to confirm"))
    assert (again.to_submit, again.expired, server.posts) == (0, 0, 2)
    assert resubmit_failed(work, hyp3, "expiry") == ([], [])
    # Ordered again: its expired product is no longer news while the new job runs.
    assert_download(work, hyp3, downloaded=0, skipped=2, expired=[])

    server.advance()
    assert_download(work, hyp3, downloaded=1, skipped=2, expired=[])
    assert (work / "products" / product_of(server, new["job_id"])).is_file()
    assert expired_pairs(project_jobs(hyp3, "expiry"), work / "products") == []
    assert submit_pairs(work, pairs, "expiry", hyp3).submitted == 0 and server.posts == 2


def test_products_that_arrived_are_never_ordered_again_nor_a_failed_new_order(server, hyp3, work):
    pairs = chain(4)
    submit_pairs(work, pairs, "expiry", hyp3)
    server.advance()
    deleted, unpacked, kept, lost = server.jobs
    server.expire(lost)
    assert len(download_project(work, hyp3, "expiry").downloaded) == 3
    for job_id in (deleted, unpacked, kept):
        server.expire(job_id)
    products = work / "products"
    # The user freed the disk after the run, or unpacked a zip and removed it: the products did arrive.
    (products / product_of(server, deleted)).unlink()
    zip_path = products / product_of(server, unpacked)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(products)
    zip_path.unlink()
    assert (products / zip_path.stem).is_dir()
    assert expired_pairs(project_jobs(hyp3, "expiry"), products) == [pairs[3]]
    assert submit_pairs(work, pairs, "expiry", hyp3).submitted == 1 and server.posts == 2
    assert_download(work, hyp3, downloaded=0, skipped=1, expired=[])
    # The new order fails: it is not ordered again and again (sbas status shows the failure).
    server.advance("FAILED")
    assert expired_pairs(project_jobs(hyp3, "expiry"), products) == []
    assert submit_pairs(work, pairs, "expiry", hyp3).submitted == 0 and server.posts == 2


def product_of(server, job_id) -> str:
    (entry,) = server.jobs[job_id]["files"]
    return entry["filename"]


def assert_download(work, hyp3, downloaded: int, skipped: int, expired: list) -> None:
    """download_project's report, and the manifest it writes, say the same."""
    report = download_project(work, hyp3, "expiry")
    assert (len(report.downloaded), len(report.skipped), report.expired) == (downloaded, skipped, expired)
    assert report.complete == (not expired) and not report.failed
    assert Manifest(work).step("download")["expired"] == expired


def test_a_pair_ordered_again_while_the_download_waits_is_not_reported_expired(server, hyp3, work, caplog):
    pairs = chain(2)
    submit_pairs(work, pairs, "expiry", hyp3)
    lost, _ = server.jobs  # the other job stays pending: the download waits for it
    server.advance(job_ids=[lost])
    server.expire(lost)

    class OrderAgainAfterTheFirstLook(logging.Handler):
        """When the download says it will look again, the user orders the pair again and the jobs end."""

        def emit(self, record):
            if "next look in" in record.getMessage() and jobs_per_pair(server)[pairs[0]] == 1:
                submit_pairs(work, pairs, "expiry", connect(server.url, TOKEN, timeout=(2, 2)))
                server.advance()

    logger = logging.getLogger("sbas_plugin.core.online.download")
    handler = OrderAgainAfterTheFirstLook()
    logger.addHandler(handler)
    try:
        with caplog.at_level(logging.INFO, logger="sbas_plugin.core.online.download"):
            report = download_project(work, hyp3, "expiry", wait=True, interval=0.05)
    finally:
        logger.removeHandler(handler)
    assert f"{product_of(server, lost)} expired on" in caplog.text  # as the first look found it
    assert jobs_per_pair(server)[pairs[0]] == 2 and len(report.downloaded) == 2
    assert report.expired == [] and report.complete and Manifest(work).step("download")["expired"] == []


def test_wait_polls_until_done_and_can_be_canceled(server, hyp3, work):
    submit_pairs(work, chain(3), "wait", hyp3)
    seen = []

    def progress(percent):
        seen.append(percent)
        server.advance("RUNNING" if len(seen) == 1 else "SUCCEEDED")

    jobs = wait_for_jobs(hyp3, "wait", interval=0.05, progress=progress)
    assert seen == [0.0, 0.0, 100.0] and all(job.succeeded() for job in jobs)
    submit_pairs(work, chain(4), "wait", hyp3)
    with pytest.raises(Canceled):
        wait_for_jobs(hyp3, "wait", interval=30, is_canceled=lambda: True)


def test_token_name_and_pairs_inputs(tmp_path, monkeypatch):
    monkeypatch.delenv("EARTHDATA_TOKEN", raising=False)
    with pytest.raises(Hyp3Failure, match=r"urs\.earthdata\.nasa\.gov.*Generate Token"):
        read_token()
    monkeypatch.setenv("EARTHDATA_TOKEN", TOKEN)
    assert read_token() == TOKEN
    token_file = tmp_path / "token.txt"
    token_file.write_text("from-file\nsecond line\n")
    assert read_token(token_file) == "from-file"
    token_file.write_text("")
    with pytest.raises(Hyp3Failure, match="empty"):
        read_token(token_file)
    for name in ("with space", "x" * 21, "", "東京都"):
        with pytest.raises(Hyp3Failure, match="publicly visible"):
            check_name(name)
    assert check_name("Kanto-2024_v1") == "Kanto-2024_v1"
    pairs = write_pairs(tmp_path / "pairs.csv", chain(2) + chain(1))
    assert read_pairs(pairs) == chain(2)  # duplicates dropped
    write_pairs(pairs, [(granule(0), granule(1) + "-SLC")])
    with pytest.raises(Hyp3Failure, match=r"line 2.*without '-SLC'"):
        read_pairs(pairs)
    pairs.write_text("a,b\n1,2\n")
    with pytest.raises(Hyp3Failure, match="reference,secondary"):
        read_pairs(pairs)
    with pytest.raises(Hyp3Failure, match="cannot read"):
        read_pairs(tmp_path / "missing.csv")


def test_token_is_never_written_or_logged(server, hyp3, work, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    server.faults.fail_pairs = {chain(3)[0]}
    server.faults.lose_next_post_response = True
    with pytest.raises(Hyp3Failure):
        submit_pairs(work, chain(3), "secret", hyp3)
    submit_pairs(work, chain(4), "secret", hyp3)
    server.advance()
    resubmit_failed(work, hyp3, "secret")
    with pytest.raises(Hyp3Failure):
        submit_pairs(work, chain(2), "secret", connect(server.url, "wrong"))
    captured = capsys.readouterr()
    assert (work / RECORD).exists() and (work / "manifest.json").exists()
    assert_token_nowhere(work, captured.out, captured.err, caplog.text)
    assert all(TOKEN not in json.dumps(job) for job in server.jobs.values())


def sbas(*args, token=TOKEN, stdin=subprocess.DEVNULL):
    env = {key: value for key, value in os.environ.items() if key != "EARTHDATA_TOKEN"}
    if token:
        env["EARTHDATA_TOKEN"] = token
    return subprocess.run([str(SBAS), *args], capture_output=True, text=True, env=env, stdin=stdin, timeout=120)


def test_cli_submit_and_status(server, work):
    write_pairs(work / "pairs.csv", chain(5))
    common = ("--work", str(work), "--name", "kanto", "--api-url", server.url)
    no_token = sbas("submit", *common, "--yes", token=None)
    assert no_token.returncode == 2 and "Generate Token" in no_token.stderr
    unconfirmed = sbas("submit", *common)
    assert unconfirmed.returncode == 2 and "--yes" in unconfirmed.stderr and server.posts == 0
    assert "5 pairs, 0 already submitted, 5 to submit, 50 credits of 8000 remaining" in unconfirmed.stdout
    bad_name = sbas("submit", "--work", str(work), "--name", "Taro Yamada", "--api-url", server.url, "--yes")
    assert bad_name.returncode == 2 and "publicly visible" in bad_name.stderr

    submitted = sbas("submit", *common, "--yes", "--water-mask")
    assert submitted.returncode == 0, submitted.stderr
    assert "submitted 5 jobs under kanto" in submitted.stdout and len(server.jobs) == 5
    assert all(job["job_parameters"]["apply_water_mask"] for job in server.jobs.values())
    again = sbas("submit", *common, "--yes", "--water-mask")
    assert again.returncode == 0 and "nothing to submit: all 5 pairs" in again.stdout and server.posts == 1

    server.faults.fail_pairs = {chain(5)[2]}
    server.advance()
    first = next(iter(server.jobs))
    server.jobs[first]["expiration_time"] = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)).isoformat()
    status = sbas("status", *common)
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    assert lines[0] == "5 jobs: 0 pending, 0 running, 4 succeeded, 1 failed"
    failed_line = f"FAILED {chain(5)[2][0]} {chain(5)[2][1]} log: {server.url}/products/"
    assert any(line.startswith(failed_line) for line in lines)
    expiries = [line for line in lines if line.startswith("expires")]
    assert len(expiries) == 4 and "(2.0 days left)" in expiries[0] and expiries[0].endswith(first)
    assert all("13.9 days left" in line or "14.0 days left" in line for line in expiries[1:])
    pairs = json.loads((work / RECORD).read_text())["projects"]["kanto"]["pairs"]
    assert sorted(entry["status"] for entry in pairs.values()) == ["FAILED"] + ["SUCCEEDED"] * 4
    assert all(entry["expiration_time"] for entry in pairs.values() if entry["status"] == "SUCCEEDED")

    refused = sbas("status", *common, "--resubmit-failed")
    assert refused.returncode == 2 and "nothing resubmitted" in refused.stderr and server.posts == 1
    resubmit = sbas("status", *common, "--resubmit-failed", "--yes")
    assert resubmit.returncode == 0 and "resubmitted 1 failed pairs" in resubmit.stdout and server.posts == 2
    moving_on = threading.Timer(1.0, server.advance)  # the wait ends once the server has moved the job on
    moving_on.start()
    done = sbas("status", *common, "--wait", "--interval", "0.1", "--resubmit-failed", "--yes")
    moving_on.join()
    assert done.returncode == 0, done.stderr
    assert "100 %" in done.stderr
    assert "6 jobs: 0 pending, 0 running, 4 succeeded, 2 failed" in done.stdout
    assert "failed twice, left out of the network" in done.stdout and server.posts == 2
    assert_token_nowhere(work, *(r.stdout + r.stderr for r in (submitted, again, status, resubmit, done)))


def test_cli_download_reports_an_expired_pair_and_submit_orders_it_again(server, work):
    pairs = chain(3)
    write_pairs(work / "pairs.csv", pairs)
    common = ("--work", str(work), "--name", "expiry", "--api-url", server.url)
    assert sbas("submit", *common, "--yes").returncode == 0
    server.advance()
    expired = next(iter(server.jobs))
    server.expire(expired)

    download = sbas("download", *common)
    assert download.returncode == 2 and "downloaded: 2, already there: 0" in download.stdout
    assert f"expired before it was downloaded: {product_of(server, expired)}" in download.stdout
    submit = f"`sbas submit --work {work} --name expiry --api-url {server.url}` with the --looks and job options"
    assert f"1 expired products: their pairs will be ordered again by {submit}" in download.stderr
    assert "Traceback" not in download.stderr

    asked = sbas("submit", *common)
    assert asked.returncode == 2 and server.posts == 1
    assert "1 to submit (1 expired before download, ordered again), 10 credits of 7970 remaining" in asked.stdout
    ordered = sbas("submit", *common, "--yes")
    assert ordered.returncode == 0 and "submitted 1 jobs under expiry" in ordered.stdout and server.posts == 2
    assert jobs_per_pair(server)[pairs[0]] == 2
    running = sbas("download", *common)
    assert running.returncode == 0, running.stderr
    assert "downloaded: 0, already there: 2" in running.stdout and "expired" not in running.stdout

    server.advance()
    done = sbas("download", *common)
    assert done.returncode == 0, done.stderr
    assert "downloaded: 1, already there: 2" in done.stdout and "expired" not in done.stdout
    for job_id in server.jobs:  # every product is in WORK/products: expiring now costs nothing
        server.expire(job_id)
    later = sbas("download", *common)
    assert later.returncode == 0, later.stderr
    assert "expired" not in later.stdout
