"""A HyP3-compatible API server on 127.0.0.1 for tests and offline demos, with product downloads and
fault injection.

It speaks the parts of the HyP3 REST API that hyp3_sdk uses (GET /user, GET /costs, POST /jobs,
GET /jobs with filters and `next` paging, GET /jobs/<id>), answers errors as problem+json like HyP3,
and serves succeeded jobs' product zips with Range support.

Tests import it (tests/support is on their path) and use Hyp3Server; standalone:

    python tests/support/hyp3_server.py --port 8765 --products DIR --token T [--advance-every 30]
"""

import argparse
import copy
import datetime as dt
import hashlib
import json
import os
import random
import re
import shutil
import tempfile
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qs, urlencode, urlsplit

GRANULE = re.compile(r"^S1[ABCD]_IW_SLC__1S[SD][VH]")
GRANULE_LENGTH = 67
PRODUCT_DATES = re.compile(r"^S1[ABCD]{2}_(\d{8}T\d{6})_(\d{8}T\d{6})_")
INSAR_GAMMA_BOOLEANS = (
    "include_look_vectors",
    "include_los_displacement",
    "include_inc_map",
    "include_dem",
    "include_wrapped_phase",
    "apply_water_mask",
    "include_displacement_maps",
)
INSAR_GAMMA_COSTS = {"20x4": 10.0, "10x2": 15.0}
MAX_JOBS_PER_POST = 200
RETENTION = dt.timedelta(days=14)  # HyP3 Basic
CHUNK = 64 * 1024


@dataclass
class Faults:
    """Switches a test flips to make the next requests misbehave; one-shot unless noted."""

    drop_after_bytes: Optional[int] = None  # next product download: close after N body bytes
    corrupt_next_download: bool = False  # next product download: same length, some bytes flipped
    ignore_range: bool = False  # persistent while True: Range requests get 200 and the whole file
    stall_next: bool = False  # next request: never answered until the server stops
    errors_next: list = field(default_factory=list)  # statuses for the next requests, one each
    lose_next_post_response: bool = False  # next POST /jobs: jobs created, connection closed unanswered
    fail_pairs: set = field(default_factory=set)  # persistent: (reference, secondary) jobs end FAILED
    reject_token: bool = False  # persistent while True: 401 for everything


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def parse_time(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def product_name_for(granules: list, looks: str, job_id: str) -> str:
    """HyP3's INSAR_GAMMA product name for a granule pair (precise orbits, VV, not water-masked)."""
    reference, secondary = granules
    days = abs((parse_time(secondary[17:32]) - parse_time(reference[17:32])).days)
    spacing = 80 if looks == "20x4" else 40
    return (
        f"S1{reference[2]}{secondary[2]}_{reference[17:32]}_{secondary[17:32]}_VVP{days:03d}"
        f"_INT{spacing}_G_ueF_{job_id[:4].upper()}"
    )


def write_synthetic_product(folder: Path, name: str) -> Path:
    """A small valid zip laid out like an INSAR_GAMMA product; the members are random bytes."""
    rng = random.Random(name)
    path = folder / f"{name}.zip"
    partial = path.with_name(path.name + ".part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for suffix in ("_unw_phase.tif", "_corr.tif", "_dem.tif", "_lv_theta.tif", "_lv_phi.tif"):
            archive.writestr(f"{name}/{name}{suffix}", rng.randbytes(2048))
        archive.writestr(f"{name}/{name}.txt", f"Reference Granule: {name}\n")
    os.replace(partial, path)
    return path


def validation_error(job: dict) -> Optional[str]:
    """What makes a new job invalid against the INSAR_GAMMA schema, or None."""
    if not isinstance(job, dict) or job.get("job_type") != "INSAR_GAMMA":
        return f"{job.get('job_type') if isinstance(job, dict) else job!r} is not a supported job_type"
    name = job.get("name")
    if name is not None and not (isinstance(name, str) and 1 <= len(name) <= 100):
        return f"{name!r} is not a valid job name (1 to 100 characters)"
    parameters = job.get("job_parameters")
    if not isinstance(parameters, dict):
        return "job_parameters is a required property"
    granules = parameters.get("granules")
    if not (isinstance(granules, list) and len(granules) == 2):
        return f"{granules!r} is not valid: INSAR_GAMMA takes exactly two granules"
    for granule in granules:
        if not (isinstance(granule, str) and len(granule) == GRANULE_LENGTH and GRANULE.match(granule)):
            return f"{granule!r} is not a Sentinel-1 IW SLC scene name"
    unknown = set(parameters) - {"granules", "looks", "phase_filter_parameter", *INSAR_GAMMA_BOOLEANS}
    if unknown:
        return f"Additional properties are not allowed ({', '.join(sorted(unknown))} were unexpected)"
    if parameters.get("looks", "20x4") not in INSAR_GAMMA_COSTS:
        return f"{parameters['looks']!r} is not one of ['20x4', '10x2']"
    phase_filter = parameters.get("phase_filter_parameter", 0.6)
    if not (isinstance(phase_filter, (int, float)) and 0.0 <= phase_filter <= 1.0):
        return f"{phase_filter!r} is not a phase_filter_parameter between 0.0 and 1.0"
    for key in INSAR_GAMMA_BOOLEANS:
        if not isinstance(parameters.get(key, False), bool):
            return f"{parameters[key]!r} is not of type 'boolean' ({key})"
    return None


class Hyp3Server:
    def __init__(
        self, products_dir=None, *, token="test-token", credits=8000.0, page_size=100, user_id="tester", port=0
    ):
        self.port = port  # 0: any free port
        self.products_dir = Path(products_dir) if products_dir else None
        self.token = token
        self.credits = float(credits)
        self.page_size = page_size
        self.user_id = user_id
        self.url = ""
        self.jobs = {}  # job_id -> HyP3 job JSON, newest last
        self.posts = 0
        self.faults = Faults()
        self.finish_at_once = False  # new jobs succeed as they are created: a HyP3 that is never busy
        self.requests = []  # (method, path) of every request, for tests to inspect
        self.token_sent_to_products = 0  # product downloads need no auth; a client should not send it
        self.lock = threading.RLock()
        self._files = {}  # URL path -> Path or bytes
        self._expired_paths = set()
        self._available = {}  # product zip name -> Path, not yet given to a job
        if self.products_dir:
            for path in sorted(self.products_dir.glob("*.zip")):
                self._available[path.name] = path
        self._stopping = threading.Event()
        self._scratch = None
        self._httpd = None
        self._thread = None

    # -- life cycle

    def start(self) -> "Hyp3Server":
        self._scratch = Path(tempfile.mkdtemp(prefix="hyp3_server_"))
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._httpd.daemon_threads = True
        self._httpd.hyp3 = self
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="hyp3-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases stalled requests
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._scratch:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def __enter__(self) -> "Hyp3Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- what tests do to the jobs

    def add_product(self, name, path) -> None:
        with self.lock:
            self._available[name if name.endswith(".zip") else f"{name}.zip"] = Path(path)

    def advance(self, status="SUCCEEDED", job_ids=None) -> None:
        """Move jobs on: RUNNING, SUCCEEDED (with a product) or FAILED; pairs in faults.fail_pairs fail."""
        if status not in ("RUNNING", "SUCCEEDED", "FAILED"):
            raise ValueError(f"advance to RUNNING, SUCCEEDED or FAILED, not {status}")
        with self.lock:
            movable = ("PENDING",) if status == "RUNNING" else ("PENDING", "RUNNING")
            ids = list(self.jobs) if job_ids is None else list(job_ids)
            for job_id in ids:
                job = self.jobs[job_id]
                if job["status_code"] not in movable:
                    continue
                pair = tuple(job["job_parameters"]["granules"])
                if status == "RUNNING":
                    job["status_code"] = "RUNNING"
                    job["execution_started"] = iso(utc_now())
                elif status == "FAILED" or pair in self.faults.fail_pairs:
                    self._finish(job, "FAILED")
                else:
                    self._finish(job, "SUCCEEDED")

    def expire(self, job_id) -> None:
        with self.lock:
            job = self.jobs[job_id]
            job["expiration_time"] = iso(utc_now() - dt.timedelta(days=1))
            for file in job.get("files", []):
                self._expired_paths.add(urlsplit(file["url"]).path)

    def _finish(self, job: dict, status: str) -> None:
        job_id = job["job_id"]
        log_path = f"/products/{job_id}/{job_id}.log"
        job["status_code"] = status
        job["logs"] = [self.url + log_path]
        job["expiration_time"] = iso(parse_time(job["request_time"]) + RETENTION)
        if status == "FAILED":
            self._files[log_path] = b"mcf: ERROR: Nonzero return value!\n"
            job["processing_times"] = None
            return
        self._files[log_path] = b"INSAR_GAMMA finished\n"
        product = self._take_product(job)
        stem = product.name[: -len(".zip")]
        product_path = f"/products/{job_id}/{product.name}"
        self._files[product_path] = product
        job["files"] = [
            {
                "filename": product.name,
                "size": product.stat().st_size,
                "url": self.url + product_path,
                "s3": {"bucket": "hyp3-local", "key": f"{job_id}/{product.name}"},
            }
        ]
        job["browse_images"] = [f"{self.url}/products/{job_id}/{stem}_unw_phase.png"]
        job["thumbnail_images"] = [f"{self.url}/products/{job_id}/{stem}_unw_phase_thumb.png"]
        job["processing_times"] = [600.0]

    def _take_product(self, job: dict) -> Path:
        granules = job["job_parameters"]["granules"]
        dates = (granules[0][17:32], granules[1][17:32])
        for name in self._available:
            found = PRODUCT_DATES.match(name)
            if found and found.groups() == dates:
                return self._available.pop(name)
        if self._available:
            return self._available.pop(next(iter(self._available)))
        name = product_name_for(granules, job["job_parameters"].get("looks", "20x4"), job["job_id"])
        folder = self._scratch / job["job_id"]
        folder.mkdir()
        return write_synthetic_product(folder, name)

    # -- what the handler asks

    def create_jobs(self, new_jobs: list, validate_only: bool) -> tuple:
        """(status, body) of POST /jobs: validated, priced, created unless validate_only."""
        if not isinstance(new_jobs, list) or not 1 <= len(new_jobs) <= MAX_JOBS_PER_POST:
            return 400, problem(400, f"jobs must be a list of 1 to {MAX_JOBS_PER_POST} jobs")
        for new_job in new_jobs:
            error = validation_error(new_job)
            if error:
                return 400, problem(400, error)
        with self.lock:
            cost = sum(INSAR_GAMMA_COSTS[j["job_parameters"].get("looks", "20x4")] for j in new_jobs)
            if cost > self.credits:
                detail = f"These jobs would cost {cost} credits, but you have only {self.credits} remaining."
                return 400, problem(400, detail)
            now = iso(utc_now())
            jobs = []
            for new_job in new_jobs:
                parameters = {"looks": "20x4", "phase_filter_parameter": 0.6, **new_job["job_parameters"]}
                job = {
                    "job_id": str(uuid.uuid4()),
                    "user_id": self.user_id,
                    "job_type": new_job["job_type"],
                    "job_parameters": parameters,
                    "request_time": now,
                    "status_code": "PENDING",
                    "credit_cost": INSAR_GAMMA_COSTS[parameters["looks"]],
                    "priority": 9999,
                }
                if new_job.get("name") is not None:
                    job["name"] = new_job["name"]
                jobs.append(job)
            if validate_only:
                return 200, {"jobs": jobs, "validate_only": True}
            for job in jobs:
                self.jobs[job["job_id"]] = job
            self.credits -= cost
            self.posts += 1
            answer = {"jobs": copy.deepcopy(jobs)}
            if self.finish_at_once:
                self.advance("SUCCEEDED", [job["job_id"] for job in jobs])
            return 200, answer

    def list_jobs(self, query: dict) -> tuple:
        """(status, body) of GET /jobs: newest first, filtered, one page with an absolute `next` URL."""
        with self.lock:  # copies: advance() may change jobs while the answer is being written
            jobs = copy.deepcopy(list(reversed(self.jobs.values())))
        try:
            start = parse_time(query["start"]) if "start" in query else None
            end = parse_time(query["end"]) if "end" in query else None
            offset = int(query.get("start_token", "0"))
        except ValueError as error:
            return 400, problem(400, str(error))
        selected = [
            job
            for job in jobs
            if query.get("user_id", self.user_id) == job["user_id"]
            and all(job.get(key) == query[key] for key in ("name", "status_code", "job_type") if key in query)
            and (start is None or parse_time(job["request_time"]) >= start)
            and (end is None or parse_time(job["request_time"]) <= end)
        ]
        body = {"jobs": selected[offset : offset + self.page_size]}
        if offset + self.page_size < len(selected):
            body["next"] = f"{self.url}/jobs?" + urlencode({**query, "start_token": offset + self.page_size})
        return 200, body

    def user(self) -> dict:
        with self.lock:
            names = sorted({job["name"] for job in self.jobs.values() if job.get("name")})
            return {
                "user_id": self.user_id,
                "application_status": "APPROVED",
                "remaining_credits": self.credits,
                "credits_per_month": 8000.0,
                "job_names": names,
            }


def problem(status: int, detail: str) -> dict:
    titles = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 416: "Range Not Satisfiable"}
    titles.update({500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"})
    return {"status": status, "detail": detail, "title": titles.get(status, "Error"), "type": "about:blank"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as requests' sessions expect

    @property
    def hyp3(self) -> Hyp3Server:
        return self.server.hyp3

    def log_message(self, format, *args) -> None:
        pass  # tests capture output; the request lines carry nothing worth keeping

    def do_GET(self) -> None:
        self.handle_request("GET")

    def do_HEAD(self) -> None:
        self.handle_request("HEAD")

    def do_POST(self) -> None:
        self.handle_request("POST")

    def handle_request(self, method: str) -> None:
        parts = urlsplit(self.path)
        faults = self.hyp3.faults
        with self.hyp3.lock:
            self.hyp3.requests.append((method, parts.path))
            stall = faults.stall_next
            faults.stall_next = False
            error = faults.errors_next.pop(0) if faults.errors_next else None
            rejected = faults.reject_token
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if stall:
            self.hyp3._stopping.wait()
            self.close_connection = True
            return
        if error:
            headers = {"Retry-After": "1"} if error == 503 else {}
            return self.send_json(error, problem(error, f"injected HTTP {error}"), headers)
        if rejected:
            return self.send_json(401, problem(401, "No authorization token provided"))
        if parts.path.startswith("/products/"):
            return self.send_product(parts.path, method)
        if self.headers.get("Authorization") != f"Bearer {self.hyp3.token}":
            return self.send_json(401, problem(401, "No authorization token provided"))
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        if method == "POST" and parts.path == "/jobs":
            return self.post_jobs(body)
        if method != "GET":
            return self.send_json(405, problem(405, f"{method} {parts.path} is not supported"))
        if parts.path == "/user":
            return self.send_json(200, self.hyp3.user())
        if parts.path == "/costs":
            costs = {"cost_parameters": ["looks"], "cost_table": INSAR_GAMMA_COSTS}
            return self.send_json(200, {"INSAR_GAMMA": costs, "DEFAULT": {"cost": 1.0}})
        if parts.path == "/jobs":
            return self.send_json(*self.hyp3.list_jobs(query))
        if parts.path.startswith("/jobs/"):
            job_id = parts.path[len("/jobs/") :]
            with self.hyp3.lock:
                job = copy.deepcopy(self.hyp3.jobs.get(job_id))
            if job is None:
                return self.send_json(404, problem(404, f"job_id does not exist: {job_id}"))
            return self.send_json(200, job)
        return self.send_json(404, problem(404, f"{parts.path} not found"))

    def post_jobs(self, body: bytes) -> None:
        try:
            request = json.loads(body)
        except ValueError:
            return self.send_json(400, problem(400, "the request body is not JSON"))
        if not isinstance(request, dict):
            return self.send_json(400, problem(400, "the request body must be a JSON object"))
        status, answer = self.hyp3.create_jobs(request.get("jobs"), bool(request.get("validate_only")))
        with self.hyp3.lock:
            lose = status == 200 and not request.get("validate_only") and self.hyp3.faults.lose_next_post_response
            if lose:
                self.hyp3.faults.lose_next_post_response = False
        if lose:
            self.close_connection = True  # the jobs exist; the client never hears about them
            return
        self.send_json(status, answer)

    def send_json(self, status: int, body: dict, headers=None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        kind = "application/problem+json" if status >= 400 else "application/json"
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def send_product(self, path: str, method: str) -> None:
        hyp3 = self.hyp3
        with hyp3.lock:
            source = hyp3._files.get(path)
            expired = path in hyp3._expired_paths
            if self.headers.get("Authorization"):
                hyp3.token_sent_to_products += 1
        if source is None or expired:
            return self.send_json(404, problem(404, f"{path} not found"))
        data = source if isinstance(source, bytes) else None
        size = len(data) if data is not None else source.stat().st_size
        tag = hashlib.md5(data).hexdigest() if data is not None else f"{source.stat().st_mtime_ns:x}-{size:x}"
        start, stop, status = 0, size, 200
        wanted = self.headers.get("Range")
        with hyp3.lock:
            ignore_range = hyp3.faults.ignore_range
        if wanted and not ignore_range:
            span = parse_range(wanted, size)
            if span == "unsatisfiable":
                return self.send_json(
                    416, problem(416, f"{wanted} is past the end ({size} bytes)"), {"Content-Range": f"bytes */{size}"}
                )
            if span:
                (start, stop), status = span, 206
        self.send_response(status)
        self.send_header("Content-Type", "text/plain" if path.endswith(".log") else "application/zip")
        self.send_header("Content-Length", str(stop - start))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", f'"{tag}"')
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{stop - 1}/{size}")
        self.end_headers()
        if method == "HEAD":
            return
        with hyp3.lock:
            drop_after = hyp3.faults.drop_after_bytes
            corrupt = hyp3.faults.corrupt_next_download
            hyp3.faults.drop_after_bytes = None
            hyp3.faults.corrupt_next_download = False
        body = data[start:stop] if data is not None else read_span(source, start, stop)
        if corrupt and body:
            middle = len(body) // 2
            body = body[:middle] + bytes(b ^ 0xFF for b in body[middle : middle + 16]) + body[middle + 16 :]
        if drop_after is not None:
            self.wfile.write(body[:drop_after])
            self.wfile.flush()
            self.close_connection = True
            return
        for offset in range(0, len(body), CHUNK):
            self.wfile.write(body[offset : offset + CHUNK])


def parse_range(header: str, size: int):
    """(start, stop) of a single `bytes=` range, "unsatisfiable", or None to ignore it (as RFC 9110 allows)."""
    found = re.fullmatch(r"bytes=(\d*)-(\d*)", header.strip())
    if not found or found.groups() == ("", ""):
        return None
    first, last = found.groups()
    if first == "":
        length = int(last)
        return (max(size - length, 0), size) if length else "unsatisfiable"
    start = int(first)
    if start >= size:
        return "unsatisfiable"
    stop = min(int(last) + 1, size) if last else size
    return (start, stop) if stop > start else None


def read_span(path: Path, start: int, stop: int) -> bytes:
    with open(path, "rb") as source:
        source.seek(start)
        return source.read(stop - start)


def main() -> None:
    parser = argparse.ArgumentParser(description="A local HyP3-compatible API server (tests, offline demos).")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--products", help="folder of HyP3 product zips to hand out to succeeded jobs")
    parser.add_argument("--token", default="test-token", help="the bearer token clients must send")
    parser.add_argument("--credits", type=float, default=8000.0)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--advance-every", type=float, metavar="S", help="move jobs on every S seconds")
    args = parser.parse_args()
    server = Hyp3Server(
        args.products, token=args.token, credits=args.credits, page_size=args.page_size, port=args.port
    ).start()
    print(server.url, flush=True)
    try:
        while True:
            time.sleep(args.advance_every or 3600)
            if args.advance_every:  # each tick: running jobs finish, pending ones start
                with server.lock:
                    running = [job_id for job_id, job in server.jobs.items() if job["status_code"] == "RUNNING"]
                server.advance("SUCCEEDED", running)
                server.advance("RUNNING")
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
