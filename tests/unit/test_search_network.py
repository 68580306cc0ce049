"""sbas search / sbas pairs through asf_search's own HTTP layer and parsing: a requests transport adapter
serves recorded CMR responses (tests/data/asf/README.md) and refuses every other request, so nothing
here touches the network."""

import contextlib
import csv
import io
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote_plus, urlparse

import asf_search
import pytest
import requests
from osgeo import ogr, osr
from requests.adapters import BaseAdapter

from sbas_plugin import cli
from sbas_plugin.core.manifest import Manifest
from sbas_plugin.core.online import network as net
from sbas_plugin.core.online.search import SearchError, run_search, search_scenes

ASF = Path(__file__).resolve().parents[1] / "data" / "asf"
SCENES = ASF / "cmr_s1b_p13_f411_2019.json"
NO_RESULTS = ASF / "cmr_no_results.json"
SBAS = Path(sys.executable).parent / "sbas"
CMR = ("cmr.earthdata.nasa.gov", "/search/granules.umm_json")
# An L-shaped area (so asf_search sends it as a polygon, not a box) inside the frame, in EPSG:4326.
L_SHAPE = [(-121.2, 54.1), (-120.8, 54.1), (-120.8, 54.2), (-121.0, 54.2), (-121.0, 54.3), (-121.2, 54.3)]
NAMES = {
    date: f"S1B_IW_SLC__1SDV_{name}"
    for date, name in (
        ("2019-04-01", "20190401T141854_20190401T141921_015614_01D466_533C"),
        ("2019-04-13", "20190413T141855_20190413T141922_015789_01DA37_B840"),
        ("2019-04-25", "20190425T141855_20190425T141922_015964_01E001_067A"),
        ("2019-05-07", "20190507T141856_20190507T141922_016139_01E5DA_1648"),
        ("2019-05-19", "20190519T141856_20190519T141923_016314_01EB43_8731"),
        ("2019-05-31", "20190531T141857_20190531T141924_016489_01F095_DEE9"),
    )
}


class RecordedCMR(BaseAdapter):
    """Answers CMR granule searches with recorded responses: the first (text, payload) route whose text
    is in the decoded request body wins. Every request is kept; any other host is refused."""

    def __init__(self, *routes):
        super().__init__()
        self.routes = [(text, Path(path).read_bytes() if isinstance(path, Path) else path) for text, path in routes]
        self.sent = []

    def send(self, request, **kwargs):
        url = urlparse(request.url)
        body = unquote_plus(request.body or "")
        self.sent.append((request.url, body))
        if (url.netloc, url.path) != CMR:
            raise requests.ConnectionError(f"tests never touch the network: {request.url}")
        for text, payload in self.routes:
            if text in body:
                response = requests.Response()
                response.status_code, response._content, response.url = 200, payload, request.url
                response.headers["Content-Type"] = "application/json"
                response.request = request
                return response
        raise requests.ConnectionError(f"no recorded response for {body}")

    def close(self):
        pass


def session_with(adapter):
    session = asf_search.ASFSession()
    session.mount("https://", adapter)
    return session


def stack_routes():
    # The stack search asks for VV and for VV+VH scenes separately; these scenes are all VV+VH.
    return [("POLARIZATION,VV&", NO_RESULTS), ("", SCENES)]


def wkt(ring):
    return "POLYGON((" + ",".join(f"{x} {y}" for x, y in ring + ring[:1]) + "))"


def searched(tmp_path, adapter=None):
    adapter = adapter or RecordedCMR(*stack_routes())
    work = tmp_path / "work"
    search_scenes(work, wkt(L_SHAPE), "2019-04-01", "2019-05-31", aoi_crs="EPSG:4326", session=session_with(adapter))
    return work, adapter


def test_search_writes_footprints_with_the_fields_users_read(tmp_path):
    work, adapter = searched(tmp_path)
    ((_, body),) = adapter.sent
    assert "shortName=SENTINEL-1B_SLC" in body and "string,BEAM_MODE,IW" in body
    assert "temporal=2019-04-01T00:00:00Z,2019-05-31T23:59:59Z" in body  # the end day counts whole
    assert "polygon=" in body
    for name in ("scenes.gpkg", "scenes.geojson"):
        dataset = ogr.Open(str(work / name))
        layer = dataset.GetLayer(0)
        assert layer.GetFeatureCount() == 6
        assert layer.GetSpatialRef().GetAuthorityCode(None) == "4326"
        definition = layer.GetLayerDefn()
        assert definition.GetFieldDefn(definition.GetFieldIndex("date")).GetType() == ogr.OFTDate
        rows = {f["date"].replace("/", "-"): f for f in layer}
        assert sorted(rows) == sorted(NAMES)
        last = rows["2019-05-31"]
        assert (last["scene_name"], last["path"], last["frame"], last["direction"], last["polarization"]) == (
            NAMES["2019-05-31"],
            13,
            411,
            "DESCENDING",
            "VV+VH",
        )
        assert last["absolute_orbit"] == 16489 and last["file_id"] == NAMES["2019-05-31"] + "-SLC"
        envelope = last.GetGeometryRef().GetEnvelope()
        assert envelope == pytest.approx((-123.138153, -118.800636, 53.204746, 55.214733))
    record = json.loads((work / "scenes.json").read_text())
    assert len(record["items"]) == 6 and record["query"]["processingLevel"] == "SLC"
    dataset = ogr.Open(str(work / "aoi.geojson"))
    feature = dataset.GetLayer(0).GetNextFeature()
    assert feature.GetGeometryRef().GetArea() == pytest.approx(0.4 * 0.1 + 0.2 * 0.1)
    step = Manifest(work).step("search")
    assert step["scenes"] == 6 and step["options"]["end"] == "2019-05-31T23:59:59Z"


def test_area_in_web_mercator_sends_the_same_footprint_as_in_lon_lat(tmp_path):
    source, target = osr.SpatialReference(), osr.SpatialReference()
    source.ImportFromEPSG(4326)
    target.ImportFromEPSG(3857)
    for srs in (source, target):
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    to_web = osr.CoordinateTransformation(source, target)
    web = [to_web.TransformPoint(x, y)[:2] for x, y in L_SHAPE]
    bodies = []
    for crs, ring in (("EPSG:4326", L_SHAPE), ("EPSG:3857", web)):
        adapter = RecordedCMR(("", SCENES))
        search_scenes(
            tmp_path / crs[5:], wkt(ring), "2019-04-01", "2019-05-31", aoi_crs=crs, session=session_with(adapter)
        )
        bodies += [body for _, body in adapter.sent]
    assert len(bodies) == 2 and "polygon=" in bodies[0]
    assert bodies[0] == bodies[1]


def test_incomplete_results_are_an_error_and_nothing_is_written(tmp_path):
    short = json.loads(SCENES.read_text())
    short["hits"] = 7  # CMR said 7 and sent 6: a page came back short
    adapter = RecordedCMR(("", json.dumps(short).encode()))
    asf_search.REPORT_ERRORS = True  # asf_search's own default
    with pytest.raises(SearchError, match="incomplete"):
        search_scenes(
            tmp_path, wkt(L_SHAPE), "2019-04-01", "2019-05-31", aoi_crs="EPSG:4326", session=session_with(adapter)
        )
    assert asf_search.REPORT_ERRORS is False
    assert [urlparse(url).netloc for url, _ in adapter.sent] == ["cmr.earthdata.nasa.gov"]
    assert not (tmp_path / "scenes.json").exists() and not (tmp_path / "scenes.gpkg").exists()


def test_error_reporting_to_asf_is_off_unless_asked_for():
    options = dict(platform=["SENTINEL-1"], processingLevel="SLC", intersectsWith=wkt(L_SHAPE))
    asf_search.REPORT_ERRORS = True
    run_search(options, session_with(RecordedCMR(("", NO_RESULTS))))
    assert asf_search.REPORT_ERRORS is False
    try:
        run_search(options, session_with(RecordedCMR(("", NO_RESULTS))), report_errors=True)
        assert asf_search.REPORT_ERRORS is True
    finally:
        asf_search.REPORT_ERRORS = False


def test_search_refuses_bad_dates_before_asking_asf(tmp_path):
    adapter = RecordedCMR(("", SCENES))
    for start, end, message in (("2019-13-01", "2019-05-31", "YYYY-MM-DD"), ("2019-05-31", "2019-04-01", "before")):
        with pytest.raises(SearchError, match=message):
            search_scenes(tmp_path, wkt(L_SHAPE), start, end, aoi_crs="EPSG:4326", session=session_with(adapter))
    assert adapter.sent == []


def network_of(tmp_path, **options):
    work, _ = searched(tmp_path)
    adapter = RecordedCMR(*stack_routes())
    network = net.build_network(work, session=session_with(adapter), **options)
    return work, network, adapter


def dates(scenes):
    return [s.date.isoformat() for s in scenes]


def test_twelve_days_leaves_the_last_scene_out_and_36_days_connects_it(tmp_path):
    work, twelve, adapter = network_of(tmp_path, max_days=12)
    stack_bodies = [body for _, body in adapter.sent]
    assert len(stack_bodies) == 2  # VV and VV+VH
    assert all("PATH_NUMBER,13" in b and "ASCENDING_DESCENDING,DESCENDING" in b and "point=" in b for b in stack_bodies)
    assert all("temporal=2019-04-01T00:00:00Z,2019-05-31T23:59:59Z" in b for b in stack_bodies)
    assert twelve.reference == NAMES["2019-05-31"]
    assert dates(twelve.scenes) == ["2019-04-01", "2019-04-13", "2019-04-25", "2019-05-07"]
    assert len(twelve.pairs) == 3 and dates(twelve.disconnected) == ["2019-05-31"]
    assert [s.name for s in twelve.no_state_vectors] == [NAMES["2019-05-19"]]
    thirty_six = net.build_network(work, session=session_with(RecordedCMR(*stack_routes())))
    assert dates(thirty_six.scenes) == ["2019-04-01", "2019-04-13", "2019-04-25", "2019-05-07", "2019-05-31"]
    assert len(thirty_six.pairs) == 8 and thirty_six.disconnected == []
    assert all(0 < (b.date - a.date).days <= 36 for a, b in thirty_six.pairs)


def test_perpendicular_baseline_limit_splits_the_network(tmp_path):
    _, network, _ = network_of(tmp_path, max_bperp=50)
    # asf_search's baselines from the 2019-05-31 reference: 12, -54, -60, 3, 0 m
    assert {s.date.isoformat(): s.bperp for s in network.scenes + network.disconnected} == {
        "2019-04-01": 12,
        "2019-04-13": -54,
        "2019-04-25": -60,
        "2019-05-07": 3,
        "2019-05-31": 0,
    }
    assert dates(network.scenes) == ["2019-04-01", "2019-05-07", "2019-05-31"]
    assert len(network.pairs) == 2 and dates(network.disconnected) == ["2019-04-13", "2019-04-25"]
    assert all(abs(b.bperp - a.bperp) <= 50 for a, b in network.pairs)


def test_season_window(tmp_path):
    _, network, _ = network_of(tmp_path, season="04-01,04-30")
    assert dates(network.scenes) == ["2019-04-01", "2019-04-13", "2019-04-25"] and len(network.pairs) == 3


def test_pairs_csv_png_and_manifest(tmp_path):
    work, _, _ = network_of(tmp_path, max_days=12)
    with (work / "pairs.csv").open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["reference", "secondary"]
    assert rows[1:] == [
        [NAMES["2019-04-01"], NAMES["2019-04-13"]],
        [NAMES["2019-04-13"], NAMES["2019-04-25"]],
        [NAMES["2019-04-25"], NAMES["2019-05-07"]],
    ]
    assert not any(name.endswith("-SLC") for row in rows for name in row)
    png = (work / "network.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    step = Manifest(work).step("pairs")
    assert (step["scenes"], step["pairs"], step["credits"]) == (4, 3, 30)
    assert step["disconnected"] == ["2019-05-31"] and step["no_state_vectors"] == [NAMES["2019-05-19"]]


def test_reference_must_be_a_searched_scene(tmp_path):
    work, _ = searched(tmp_path)
    with pytest.raises(SearchError, match="not one of the 6 searched scenes"):
        net.build_network(work, reference="S1A_IW_SLC__1SDV_20190101", session=session_with(RecordedCMR()))
    chosen = net.build_network(
        work, reference=NAMES["2019-04-25"] + "-SLC", session=session_with(RecordedCMR(*stack_routes()))
    )
    assert chosen.reference == NAMES["2019-04-25"]
    assert {s.date.isoformat(): s.bperp for s in chosen.scenes}["2019-04-25"] == 0


def test_year_bridging_joins_seasons():
    from datetime import date

    scenes = [
        net.Scene(d.isoformat(), d, b)
        for d, b in ((date(2020, 6, 1), 0), (date(2020, 6, 13), 20), (date(2021, 6, 8), 40), (date(2021, 6, 20), 10))
    ]
    season = net.parse_season("05-15,06-30")
    alone = net.select_pairs(scenes, 36, 400, season)
    assert [(a.name, b.name) for a, b in alone] == [("2020-06-01", "2020-06-13"), ("2021-06-08", "2021-06-20")]
    kept, _, left = net.largest_network(scenes, alone)
    assert len(kept) == 2 and len(left) == 2
    bridged = net.select_pairs(scenes, 36, 400, season, bridge_years=1)
    # 365 +- 18 days: 2020-06-13 -> 2021-06-08 (360) and 2020-06-01 -> 2021-06-08 (372), not 384 days
    assert ("2020-06-01", "2021-06-20") not in [(a.name, b.name) for a, b in bridged]
    kept, pairs, left = net.largest_network(scenes, bridged)
    assert len(kept) == 4 and left == [] and len(pairs) == 5
    assert net.in_season(date(2021, 1, 5), net.parse_season("12-01,02-28"))
    assert not net.in_season(date(2021, 3, 5), net.parse_season("12-01,02-28"))


@pytest.fixture
def asf_default_session():
    """asf_search's shared default session (what the CLI uses) with the recorded-CMR adapter mounted."""
    session = asf_search.ASFSearchOptions().session
    saved = dict(session.adapters)
    adapter = RecordedCMR(*stack_routes())
    session.mount("https://", adapter)
    yield adapter
    session.adapters.clear()
    session.adapters.update(saved)


def sbas_in_process(*args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(list(args))
    return status, out.getvalue(), err.getvalue()


def test_cli_search_then_pairs(tmp_path, asf_default_session):
    # In-process: a subprocess could not be given the recorded responses without a hook in the product.
    work = str(tmp_path / "work")
    status, out, err = sbas_in_process(
        "search",
        "--aoi",
        wkt(L_SHAPE),
        "--aoi-crs",
        "EPSG:4326",
        "--start",
        "2019-04-01",
        "--end",
        "2019-05-31",
        "--direction",
        "descending",
        "--path",
        "13",
        "--frame",
        "411",
        "--work",
        work,
    )
    assert status == 0, err
    assert out.splitlines()[0] == f"6 scenes written to {work}/scenes.gpkg and scenes.geojson"
    assert "descending path 13 frame 411: 6 scenes" in out
    body = asf_default_session.sent[0][1]
    assert "int,PATH_NUMBER,13" in body and "int,FRAME_NUMBER,411" in body and "ASCENDING_DESCENDING,DESCENDING" in body
    status, out, err = sbas_in_process("pairs", "--work", work, "--max-days", "12")
    assert status == 0, err
    assert "4 scenes, 3 pairs, 30 credits (looks 20x4: 10 each)" in out
    assert "disconnected from the network, left out: 2019-05-31" in out
    assert f"no state vectors (no perpendicular baseline): {NAMES['2019-05-19']}" in out
    status, out, _ = sbas_in_process("pairs", "--work", work, "--looks", "10x2")
    assert status == 0 and "5 scenes, 8 pairs, 120 credits (looks 10x2: 15 each)" in out
    assert asf_search.REPORT_ERRORS is False


def test_cli_errors_before_any_search(tmp_path):
    def sbas(*args):
        return subprocess.run([str(SBAS), *args], capture_output=True, text=True)

    no_search = sbas("pairs", "--work", str(tmp_path))
    assert no_search.returncode == 2 and "run `sbas search`" in no_search.stderr
    bad_date = sbas(
        "search",
        "--aoi",
        wkt(L_SHAPE),
        "--aoi-crs",
        "EPSG:4326",
        "--start",
        "2019-04-31",
        "--end",
        "2019-05-31",
        "--work",
        str(tmp_path),
    )
    assert bad_date.returncode == 2 and "YYYY-MM-DD" in bad_date.stderr
    no_crs = sbas(
        "search", "--aoi", wkt(L_SHAPE), "--start", "2019-04-01", "--end", "2019-05-31", "--work", str(tmp_path)
    )
    assert no_crs.returncode == 2 and "--aoi-crs" in no_crs.stderr
    bad_looks = sbas("pairs", "--work", str(tmp_path), "--looks", "5x1")
    assert bad_looks.returncode == 2 and "20x4" in bad_looks.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# -- no route to ASF: a proxy on a closed local port, so nothing leaves the machine


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unreachable_session():
    """A real session whose every HTTPS request goes through a proxy that is not there."""
    session = asf_search.ASFSession()
    session.trust_env = False  # the environment's proxy settings would override these
    session.proxies = {"https": f"http://127.0.0.1:{closed_port()}"}
    return session


NO_ROUTE = r"cannot reach ASF \(ProxyError: .+\): check the network or proxy settings; nothing was written"


def test_no_route_to_asf_is_a_clear_error_and_nothing_is_written(tmp_path):
    work = tmp_path / "offline"
    with pytest.raises(SearchError, match=NO_ROUTE):
        search_scenes(
            work, wkt(L_SHAPE), "2019-04-01", "2019-05-31", aoi_crs="EPSG:4326", session=unreachable_session()
        )
    assert [p for p in work.rglob("*") if p.is_file()] == []
    searched_work, _ = searched(tmp_path)
    before = sorted(p.name for p in searched_work.iterdir())
    with pytest.raises(SearchError, match=NO_ROUTE):
        net.build_network(searched_work, session=unreachable_session())
    assert sorted(p.name for p in searched_work.iterdir()) == before and "pairs.csv" not in before
    assert Manifest(searched_work).step("pairs") == {}


class PagedThenDown(BaseAdapter):
    """A first CMR page that says more follow, then no connection."""

    def __init__(self):
        super().__init__()
        self.sent = 0

    def send(self, request, **kwargs):
        self.sent += 1
        if self.sent > 1:
            raise requests.ConnectionError("the network went away")
        page = json.loads(SCENES.read_text())
        page["hits"] = 300
        response = requests.Response()
        response.status_code, response._content, response.url = 200, json.dumps(page).encode(), request.url
        response.headers.update({"Content-Type": "application/json", "CMR-Search-After": "[1556722739000]"})
        response.request = request
        return response

    def close(self):
        pass


def test_a_connection_lost_between_pages_leaves_no_paging_state_on_the_session():
    # asf_search keeps its paging cursor on the session, which QGIS shares between searches.
    session = session_with(PagedThenDown())
    options = dict(platform=["SENTINEL-1"], processingLevel="SLC", intersectsWith=wkt(L_SHAPE))
    with pytest.raises(SearchError, match=r"cannot reach ASF \(ConnectionError\)"):
        run_search(options, session)
    assert "CMR-Search-After" not in session.headers


class TimeoutRecorder(RecordedCMR):
    def __init__(self, *routes):
        super().__init__(*routes)
        self.timeouts = []

    def send(self, request, **kwargs):
        self.timeouts.append(kwargs.get("timeout"))
        return super().send(request, **kwargs)


def test_searches_wait_two_minutes_for_cmr(tmp_path):
    asf_search.constants.INTERNAL.CMR_TIMEOUT = 30  # asf_search's default: large areas time out
    adapter = TimeoutRecorder(*stack_routes())
    work, _ = searched(tmp_path, adapter)
    asf_search.constants.INTERNAL.CMR_TIMEOUT = 30
    net.build_network(work, session=session_with(adapter))
    assert adapter.timeouts == [120, 120, 120]  # the search, then the stack's VV and VV+VH searches


def test_cli_without_a_route_to_asf_exits_2_with_the_reason(tmp_path):
    proxy = f"http://127.0.0.1:{closed_port()}"
    env = {key: value for key, value in os.environ.items() if "proxy" not in key.lower()}
    env.update(HTTPS_PROXY=proxy, https_proxy=proxy)
    work = tmp_path / "offline"
    area = ("--aoi", wkt(L_SHAPE), "--aoi-crs", "EPSG:4326")
    search = subprocess.run(
        [str(SBAS), "search", *area, "--start", "2019-04-01", "--end", "2019-05-31", "--work", str(work)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert search.returncode == 2 and "Traceback" not in search.stderr
    assert re.fullmatch(f"sbas: {NO_ROUTE}\n", search.stderr)
    assert [p for p in work.rglob("*") if p.is_file()] == []
    searched_work, _ = searched(tmp_path)
    pairs = subprocess.run(
        [str(SBAS), "pairs", "--work", str(searched_work)], capture_output=True, text=True, env=env, timeout=120
    )
    assert pairs.returncode == 2 and "Traceback" not in pairs.stderr
    assert re.fullmatch(f"sbas: {NO_ROUTE}\n", pairs.stderr)
    assert not (searched_work / "pairs.csv").exists()
