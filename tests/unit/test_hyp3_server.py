"""The local HyP3 server, driven by the real hyp3_sdk (and plain requests for downloads and faults)."""

import datetime as dt
import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import requests
from hyp3_sdk import HyP3
from hyp3_sdk.exceptions import HyP3Error, ServerError, ServiceUnavailableError
from local_hyp3 import hyp3_server

SCRIPT = Path(__file__).resolve().parents[1] / "support" / "hyp3_server.py"
TOKEN = "server-test-token-5f2c"


def granule(day: int, platform: str = "A") -> str:
    """A 67-character Sentinel-1 IW SLC scene name, 12-day repeat from 2021-01-07."""
    start = dt.datetime(2021, 1, 7, 21, 8, 58) + dt.timedelta(days=12 * day)
    stop = start + dt.timedelta(seconds=27)
    return f"S1{platform}_IW_SLC__1SDV_{start:%Y%m%dT%H%M%S}_{stop:%Y%m%dT%H%M%S}_0{36000 + day:05d}_04A1B2_{day:04X}"


def insar_job(reference: str, secondary: str, name: str = "proj", looks: str = "20x4") -> dict:
    return HyP3.prepare_insar_job(reference, secondary, name=name, looks=looks, include_dem=True)


@pytest.fixture
def server():
    with hyp3_server.Hyp3Server(token=TOKEN) as running:
        yield running


@pytest.fixture
def hyp3(server):
    return HyP3(api_url=server.url, token=TOKEN)


def test_granule_names_are_valid():
    assert len(granule(0)) == 67 and hyp3_server.GRANULE.match(granule(3))


def test_user_and_costs(server, hyp3):
    info = hyp3.my_info()
    assert info["user_id"] == "tester" and info["application_status"] == "APPROVED"
    assert hyp3.check_credits() == 8000.0
    costs = hyp3.costs()["INSAR_GAMMA"]
    assert costs["cost_parameters"] == ["looks"] and costs["cost_table"] == {"20x4": 10.0, "10x2": 15.0}


def test_submit_get_and_credits(server, hyp3):
    batch = hyp3.submit_prepared_jobs(
        [insar_job(granule(0), granule(1)), insar_job(granule(1), granule(2), looks="10x2")]
    )
    assert len(batch) == 2 and server.posts == 1 and len(server.jobs) == 2
    assert hyp3.check_credits() == 8000.0 - 10 - 15
    job = hyp3.get_job_by_id(batch[1].job_id)
    assert job.status_code == "PENDING" and job.name == "proj" and job.user_id == "tester"
    assert job.job_parameters["granules"] == [granule(1), granule(2)] and job.job_parameters["looks"] == "10x2"
    assert job.job_parameters["include_dem"] is True
    with pytest.raises(HyP3Error, match="job_id does not exist: nope"):
        hyp3.get_job_by_id("nope")
    assert hyp3.my_info()["job_names"] == ["proj"]


def test_find_jobs_follows_pages_and_filters(server, hyp3):
    server.page_size = 2
    hyp3.submit_prepared_jobs([insar_job(granule(i), granule(i + 1)) for i in range(5)])
    hyp3.submit_prepared_jobs([insar_job(granule(0), granule(2), name="other")])
    server.requests.clear()
    found = hyp3.find_jobs(name="proj")
    assert len(found) == 5 and {j.job_parameters["granules"][0] for j in found} == {granule(i) for i in range(5)}
    assert server.requests.count(("GET", "/jobs")) == 3  # pages of 2, 2, 1
    assert len(hyp3.find_jobs()) == 6 and len(hyp3.find_jobs(job_type="RTC_GAMMA")) == 0
    server.advance("SUCCEEDED", [found[0].job_id])
    assert [j.job_id for j in hyp3.find_jobs(status_code="SUCCEEDED")] == [found[0].job_id]
    assert len(hyp3.find_jobs(status_code="PENDING", name="proj")) == 4
    future = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)
    assert len(hyp3.find_jobs(start=future)) == 0 and len(hyp3.find_jobs(end=future)) == 6
    assert len(hyp3.find_jobs(user_id="someone-else")) == 0


def test_invalid_jobs_and_missing_credits_are_400_with_detail(server, hyp3):
    with pytest.raises(HyP3Error, match="not a Sentinel-1 IW SLC scene name"):
        hyp3.submit_prepared_jobs([insar_job(granule(0), granule(1)[:-1])])
    grd = granule(1).replace("_SLC__1S", "_GRDH_1S")
    with pytest.raises(HyP3Error, match="not a Sentinel-1 IW SLC"):
        hyp3.submit_prepared_jobs([insar_job(granule(0), grd)])
    bad_looks = insar_job(granule(0), granule(1))
    bad_looks["job_parameters"]["looks"] = "5x1"
    with pytest.raises(HyP3Error, match="5x1"):
        hyp3.submit_prepared_jobs([bad_looks])
    with pytest.raises(HyP3Error, match="1 to 200"):
        hyp3.submit_prepared_jobs([insar_job(granule(0), granule(1))] * 201)
    server.credits = 25.0
    with pytest.raises(HyP3Error, match=r"would cost 30\.0 credits, but you have only 25\.0 remaining"):
        hyp3.submit_prepared_jobs([insar_job(granule(i), granule(i + 1)) for i in range(3)])
    assert server.jobs == {} and server.posts == 0 and hyp3.check_credits() == 25.0


def test_validate_only_creates_nothing(server, hyp3):
    answer = hyp3.session.post(
        f"{server.url}/jobs", json={"jobs": [insar_job(granule(0), granule(1))], "validate_only": True}
    )
    assert answer.status_code == 200 and answer.json()["validate_only"] is True
    assert server.jobs == {} and server.posts == 0 and hyp3.check_credits() == 8000.0


def test_auth(server, hyp3):
    with pytest.raises(HyP3Error, match=r"401.*No authorization token provided"):
        HyP3(api_url=server.url, token="wrong").my_info()
    answer = requests.get(f"{server.url}/jobs", timeout=5)
    assert answer.status_code == 401 and answer.headers["Content-Type"] == "application/problem+json"
    assert answer.json()["detail"] == "No authorization token provided"
    server.faults.reject_token = True
    with pytest.raises(HyP3Error, match="401"):
        hyp3.my_info()
    server.faults.reject_token = False
    assert hyp3.my_info()["user_id"] == "tester"


def test_injected_errors_answer_once_each(server, hyp3):
    server.faults.errors_next = [500, 503]
    with pytest.raises(ServerError):
        hyp3.my_info()
    with pytest.raises(ServiceUnavailableError, match="injected HTTP 503"):
        hyp3.my_info()
    assert hyp3.my_info()["user_id"] == "tester"
    server.faults.errors_next = [503]
    answer = requests.get(f"{server.url}/user", timeout=5)
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "1"


def succeeded_job(server, hyp3):
    job_id = hyp3.submit_prepared_jobs([insar_job(granule(0), granule(1))])[0].job_id
    server.advance("RUNNING")
    assert hyp3.get_job_by_id(job_id).running()
    server.advance()
    return hyp3.get_job_by_id(job_id)


def test_succeeded_job_has_a_downloadable_product(server, hyp3):
    job = succeeded_job(server, hyp3)
    assert job.succeeded() and job.processing_times and job.browse_images and job.thumbnail_images and job.logs
    assert job.expiration_time - job.request_time == dt.timedelta(days=14) and not job.expired()
    (file,) = job.files
    assert file["filename"].startswith("S1AA_20210107T210858_20210119T210858_VVP012_INT80_G_ueF_")
    assert file["url"] == f"{server.url}/products/{job.job_id}/{file['filename']}" and file["s3"]["key"]
    answer = requests.get(file["url"], timeout=5)
    assert answer.status_code == 200 and len(answer.content) == file["size"] == int(answer.headers["Content-Length"])
    assert answer.headers["Accept-Ranges"] == "bytes" and answer.headers["ETag"]
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        assert archive.testzip() is None
        stem = file["filename"][: -len(".zip")]
        assert f"{stem}/{stem}_unw_phase.tif" in archive.namelist()
    assert server.token_sent_to_products == 0


def test_ranges(server, hyp3):
    file = succeeded_job(server, hyp3).files[0]
    whole = requests.get(file["url"], timeout=5).content
    part = requests.get(file["url"], headers={"Range": "bytes=100-"}, timeout=5)
    assert part.status_code == 206 and part.content == whole[100:]
    assert part.headers["Content-Range"] == f"bytes 100-{len(whole) - 1}/{len(whole)}"
    middle = requests.get(file["url"], headers={"Range": "bytes=10-19"}, timeout=5)
    assert middle.status_code == 206 and middle.content == whole[10:20]
    tail = requests.get(file["url"], headers={"Range": "bytes=-7"}, timeout=5)
    assert tail.status_code == 206 and tail.content == whole[-7:]
    past = requests.get(file["url"], headers={"Range": f"bytes={len(whole)}-"}, timeout=5)
    assert past.status_code == 416 and past.headers["Content-Range"] == f"bytes */{len(whole)}"
    server.faults.ignore_range = True
    for _ in range(2):  # persistent
        ignored = requests.get(file["url"], headers={"Range": "bytes=100-"}, timeout=5)
        assert ignored.status_code == 200 and ignored.content == whole


def test_dropped_and_corrupted_downloads_are_one_shot(server, hyp3):
    file = succeeded_job(server, hyp3).files[0]
    whole = requests.get(file["url"], timeout=5).content
    server.faults.drop_after_bytes = 1000
    received = b""
    with pytest.raises(requests.RequestException), requests.get(file["url"], stream=True, timeout=5) as answer:
        assert int(answer.headers["Content-Length"]) == len(whole)
        for block in answer.iter_content(1):  # urllib3 2 drops a partly filled block when the body ends
            received += block
        # urllib3 1.x ends a short body quietly: a downloader has to compare sizes itself
        raise requests.ConnectionError(f"short body: {len(received)} of {len(whole)}")
    assert received == whole[:1000]
    server.faults.corrupt_next_download = True
    corrupted = requests.get(file["url"], timeout=5).content
    assert len(corrupted) == len(whole) and corrupted != whole
    assert requests.get(file["url"], timeout=5).content == whole


def test_products_dir_zips_go_to_the_matching_pair(tmp_path):
    matching = tmp_path / "S1AA_20210119T210858_20210131T210858_VVP012_INT80_G_ueF_1234.zip"
    spare = tmp_path / "S1AA_20200101T000000_20200113T000000_VVP012_INT80_G_ueF_9999.zip"
    for path in (matching, spare):
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(f"{path.stem}/{path.stem}.txt", path.stem)
    with hyp3_server.Hyp3Server(tmp_path, token=TOKEN) as server:
        hyp3 = HyP3(api_url=server.url, token=TOKEN)
        first = hyp3.submit_prepared_jobs([insar_job(granule(0), granule(1))])[0]
        second = hyp3.submit_prepared_jobs([insar_job(granule(1), granule(2))])[0]
        third = hyp3.submit_prepared_jobs([insar_job(granule(2), granule(3))])[0]
        server.advance()
        names = {job_id: hyp3.get_job_by_id(job_id).files[0]["filename"] for job_id in server.jobs}
        assert names[second.job_id] == matching.name
        assert names[first.job_id] == spare.name  # no match: any unassigned zip
        assert names[third.job_id].startswith("S1AA_20210131T210858_20210212T210858_")  # none left: synthesized
        url = hyp3.get_job_by_id(second.job_id).files[0]["url"]
        assert requests.get(url, timeout=5).content == matching.read_bytes()


def test_add_product_is_served(tmp_path, server, hyp3):
    product = tmp_path / "S1AA_20210107T210858_20210119T210858_VVP012_INT80_G_ueF_ABCD.zip"
    with zipfile.ZipFile(product, "w") as archive:
        archive.writestr("x.txt", "x")
    server.add_product(product.name, product)
    job = succeeded_job(server, hyp3)
    assert job.files[0]["filename"] == product.name and job.files[0]["size"] == product.stat().st_size


def test_failed_pairs_get_logs(server, hyp3):
    server.faults.fail_pairs = {(granule(1), granule(2))}
    hyp3.submit_prepared_jobs([insar_job(granule(0), granule(1)), insar_job(granule(1), granule(2))])
    server.advance()
    jobs = {tuple(j.job_parameters["granules"]): j for j in hyp3.find_jobs()}
    failed = jobs[(granule(1), granule(2))]
    assert failed.failed() and failed.processing_times is None and not failed.files
    assert "Nonzero return value" in requests.get(failed.logs[0], timeout=5).text
    assert jobs[(granule(0), granule(1))].succeeded()


def test_expired_product_answers_404(server, hyp3):
    job = succeeded_job(server, hyp3)
    server.expire(job.job_id)
    assert hyp3.get_job_by_id(job.job_id).expired()
    assert requests.get(job.files[0]["url"], timeout=5).status_code == 404


def test_stalled_request_needs_a_client_timeout(server, hyp3):
    server.faults.stall_next = True
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        requests.get(f"{server.url}/user", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=1)
    assert time.monotonic() - started < 3
    assert hyp3.my_info()["user_id"] == "tester"


def test_lost_post_response_still_creates_the_jobs(server, hyp3):
    server.faults.lose_next_post_response = True
    with pytest.raises(requests.ConnectionError):
        hyp3.submit_prepared_jobs([insar_job(granule(0), granule(1))])
    assert server.posts == 1 and len(server.jobs) == 1
    assert len(hyp3.find_jobs(name="proj")) == 1


def test_standalone_prints_its_url():
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--port", "0", "--token", TOKEN], stdout=subprocess.PIPE, text=True
    )
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert HyP3(api_url=url, token=TOKEN).my_info()["remaining_credits"] == 8000.0
    finally:
        process.terminate()
        process.wait(timeout=10)
