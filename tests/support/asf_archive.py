"""ASF's archive for tests: CMR records of any simulated Sentinel-1 scenes, made from the recorded granules
of tests/data/asf, and a requests transport adapter that answers asf_search's CMR searches from them, so
that asf_search does all its own parsing and baseline arithmetic and nothing touches the network."""

import datetime as dt
import json
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote_plus, urlparse

import requests
from requests.adapters import BaseAdapter

RECORDED = Path(__file__).resolve().parents[1] / "data" / "asf" / "cmr_s1b_p13_f411_2019.json"
CMR = ("cmr.earthdata.nasa.gov", "/search/granules.umm_json")
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?")


def cmr_items(names: list) -> list:
    """CMR records of the scenes `names`: each a recorded granule with state vectors, its name, orbit and
    every time moved to the scene's, so asf_search computes real perpendicular baselines for them."""
    recorded = json.loads(RECORDED.read_text())["items"]
    templates = [item for item in recorded if "SV_POSITION_PRE" in json.dumps(item)]
    items = []
    for i, name in enumerate(sorted(names, key=lambda n: n[17:32])):
        template = templates[i % len(templates)]
        old_name = template["umm"]["DataGranule"]["Identifiers"][0]["Identifier"]
        old_start = dt.datetime.fromisoformat(
            template["umm"]["TemporalExtent"]["RangeDateTime"]["BeginningDateTime"][:19]
        )
        shift = dt.datetime.strptime(name[17:32], "%Y%m%dT%H%M%S") - old_start

        def moved(match, shift=shift):
            text = match.group(0)
            moment = dt.datetime.fromisoformat(text.rstrip("Z")) + shift
            return moment.isoformat(timespec="microseconds" if "." in text else "seconds") + (
                "Z" if text.endswith("Z") else ""
            )

        text = STAMP.sub(moved, json.dumps(template)).replace(old_name, name)
        for b, a in (("Sentinel-1B", "Sentinel-1A"), ("SENTINEL-1B", "SENTINEL-1A"), ("SENTINEL_1B", "SENTINEL_1A")):
            text = text.replace(b, a)
        item = json.loads(text)
        item["meta"]["concept-id"] = f"G{9000000 + i}-ASF"
        item["umm"]["OrbitCalculatedSpatialDomains"][0]["OrbitNumber"] = int(name.split("_")[-3])
        items.append(item)
    return items


class ArchiveCMR(BaseAdapter):
    """CMR's granule search over a fixed archive of records: the request's temporal range selects them,
    newest first; the stack search's VV-only request finds none (the scenes are VV+VH). Any other host is
    refused, so nothing touches the network."""

    def __init__(self, items):
        super().__init__()
        self.items, self.sent = items, []

    def send(self, request, **kwargs):
        url = urlparse(request.url)
        body = unquote_plus(request.body or "")
        self.sent.append(body)
        if (url.netloc, url.path) != CMR:
            raise requests.ConnectionError(f"tests never touch the network: {request.url}")
        found = []
        if "POLARIZATION,VV&" not in body:
            start, end = re.search(r"temporal=([^,&]+),([^&]+)", body).groups()
            found = [
                i
                for i in self.items
                if start <= i["umm"]["TemporalExtent"]["RangeDateTime"]["BeginningDateTime"] <= end
            ]
        found.sort(key=lambda i: i["umm"]["TemporalExtent"]["RangeDateTime"]["BeginningDateTime"], reverse=True)
        response = requests.Response()
        response.status_code, response.url, response.request = 200, request.url, request
        response._content = json.dumps({"hits": len(found), "took": 5, "items": found}).encode()
        response.headers["Content-Type"] = "application/json"
        return response

    def close(self):
        pass


@contextmanager
def asf_answers_from(adapter):
    """asf_search's shared default session (what the command line and the plugin use) answered by `adapter`."""
    import asf_search

    session = asf_search.ASFSearchOptions().session
    saved = dict(session.adapters)
    session.mount("https://", adapter)
    try:
        yield adapter
    finally:
        session.adapters.clear()
        session.adapters.update(saved)
