"""Sentinel-1 IW SLC scene search through asf_search, as Vertex shows it: footprints with scene name,
date, path, frame, direction, polarization and absolute orbit, written into the work folder."""

import datetime
import json
from pathlib import Path
from typing import Callable, List, Optional

from osgeo import ogr, osr

from sbas_plugin.core.aoi import read_aoi
from sbas_plugin.core.cancel import check_canceled
from sbas_plugin.core.dates import parse_written_date
from sbas_plugin.core.files import replace_with, write_json
from sbas_plugin.core.manifest import Manifest, signature
from sbas_plugin.core.workfolder import WorkFolder, work_folder_lock

ogr.UseExceptions()
osr.UseExceptions()

DIRECTIONS = ("ascending", "descending")
CMR_TIMEOUT = 120  # seconds; asf_search's 30 s default is too short for large areas
# (field, OGR type, scene property): the columns users read in Vertex
FIELDS = (
    ("scene_name", ogr.OFTString, "sceneName"),
    ("date", ogr.OFTDate, None),
    ("path", ogr.OFTInteger, "pathNumber"),
    ("frame", ogr.OFTInteger, "frameNumber"),
    ("direction", ogr.OFTString, "flightDirection"),
    ("polarization", ogr.OFTString, "polarization"),
    ("absolute_orbit", ogr.OFTInteger, "orbit"),
    ("platform", ogr.OFTString, "platform"),
    ("start_time", ogr.OFTString, "startTime"),
    ("file_id", ogr.OFTString, "fileID"),
)


class SearchError(RuntimeError):
    """The search could not be done or came back incomplete; the message says why."""


def _aoi_wkt(polygons: list) -> str:
    geometry = ogr.Geometry(ogr.wkbMultiPolygon)
    for rings in polygons:
        polygon = ogr.Geometry(ogr.wkbPolygon)
        for points in rings:
            ring = ogr.Geometry(ogr.wkbLinearRing)
            for x, y in points:  # 1e-7 degrees (about 1 cm): the same area from any CRS, the same digits
                ring.AddPoint_2D(round(x, 7), round(y, 7))
            polygon.AddGeometry(ring)
        geometry.AddGeometry(polygon)
    # The AOI is densified for reprojection; straight runs of those points say nothing to ASF and
    # would make the same area drawn in two CRSs send two footprints.
    if geometry.GetGeometryCount() == 1:
        geometry = geometry.GetGeometryRef(0).Clone()
    return geometry.SimplifyPreserveTopology(1e-7).ExportToIsoWkt()


def unreachable(error) -> SearchError:
    """A SearchError for a request that never got an answer from ASF, with the root cause in a few words."""
    root = error
    while root.__cause__ or root.__context__:
        root = root.__cause__ or root.__context__
    reason = f"{type(error).__name__}: {root.strerror}" if getattr(root, "strerror", None) else type(error).__name__
    return SearchError(f"cannot reach ASF ({reason}): check the network or proxy settings; nothing was written")


def use_asf_settings(report_errors: bool) -> None:
    """asf_search's module-wide settings for our searches: its error reports to ASF (which send the search
    options, area included) only when asked for, and a CMR timeout long enough for large areas."""
    import asf_search

    asf_search.REPORT_ERRORS = report_errors
    asf_search.constants.INTERNAL.CMR_TIMEOUT = CMR_TIMEOUT  # read at each request, as its error message says


def _day(text: str, name: str) -> datetime.date:
    try:
        return parse_written_date(text)
    except ValueError as error:
        raise SearchError(f"{name} {text!r}: expected a date as YYYY-MM-DD") from error


def search_options(aoi_wkt: str, start: str, end: str, direction: Optional[str] = None, path=None, frame=None) -> dict:
    """The asf_search options of a search: IW SLC scenes intersecting the area, with both dates whole
    days (ASF reads a bare end date as its midnight, which would drop that day's scenes)."""
    first, last = _day(start, "--start"), _day(end, "--end")
    if last < first:
        raise SearchError(f"--end {end} is before --start {start}")
    options = dict(
        platform=["SENTINEL-1"],
        processingLevel="SLC",
        beamMode="IW",
        intersectsWith=aoi_wkt,
        start=f"{first.isoformat()}T00:00:00Z",
        end=f"{last.isoformat()}T23:59:59Z",
    )
    if direction:
        if direction.lower() not in DIRECTIONS:
            raise SearchError(f"direction {direction!r}: expected ascending or descending")
        options["flightDirection"] = direction.upper()
    if path is not None:
        options["relativeOrbit"] = int(path)
    if frame is not None:
        options["frame"] = int(frame)
    return options


def run_search(options: dict, session=None, report_errors: bool = False, is_canceled: Optional[Callable] = None):
    """asf_search results of the options, complete or an error. ASF's error reporting (which sends the
    search options, area included, to ASF) stays off unless asked for."""
    import asf_search
    import requests

    use_asf_settings(report_errors)
    opts = asf_search.ASFSearchOptions(**options)
    if session is not None:  # as an option: search_generator drops a session passed as a keyword
        opts.session = session
    products, complete = [], False
    try:
        for page in asf_search.search_generator(opts=opts):
            check_canceled(is_canceled)
            products.extend(page)
            complete = page.searchComplete
        results = asf_search.ASFSearchResults(products)
        results.searchComplete = complete
        results.raise_if_incomplete()
    except asf_search.exceptions.ASFSearchError as error:
        raise SearchError(f"ASF search failed or came back incomplete, nothing written; try again ({error})") from error
    except requests.RequestException as error:
        raise unreachable(error) from error
    finally:
        # asf_search pages with this header on the (shared) session and drops it only when a search ends
        # normally; left behind, it would make the next search start from where this one stopped.
        opts.session.headers.pop("CMR-Search-After", None)
    return results


def scene_date(product) -> str:
    return product.properties["startTime"][:10]


def _write_layer(path: Path, driver: str, products) -> None:
    def write(partial: Path) -> None:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(4326)
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        dataset = ogr.GetDriverByName(driver).CreateDataSource(str(partial))
        try:
            layer = dataset.CreateLayer("scenes", srs, ogr.wkbPolygon)
            for name, kind, _ in FIELDS:
                layer.CreateField(ogr.FieldDefn(name, kind))
            for product in products:
                feature = ogr.Feature(layer.GetLayerDefn())
                for name, _, key in FIELDS:
                    feature.SetField(name, scene_date(product) if key is None else product.properties.get(key))
                feature.SetGeometry(ogr.CreateGeometryFromJson(json.dumps(product.geometry)))
                layer.CreateFeature(feature)
        finally:
            dataset = None  # closes and flushes

    replace_with(path, write, keep_suffix=True)  # OGR drivers go by the extension


def _aoi_collection(aoi_wkt: str) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": json.loads(ogr.CreateGeometryFromWkt(aoi_wkt).ExportToJson()),
            }
        ],
    }


def search_scenes(
    work,
    aoi: str,
    start: str,
    end: str,
    aoi_crs: Optional[str] = None,
    direction: Optional[str] = None,
    path=None,
    frame=None,
    session=None,
    report_errors: bool = False,
    progress: Optional[Callable[[float], None]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
) -> List:
    """Searches ASF and writes WORK/scenes.gpkg, scenes.geojson, scenes.json and aoi.geojson; returns
    the asf_search products, oldest first. `session`: an asf_search ASFSession (asf_search's shared
    default when None)."""
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    aoi_wkt = _aoi_wkt(read_aoi(aoi, "EPSG:4326", aoi_crs))
    options = search_options(aoi_wkt, start, end, direction, path, frame)
    with work_folder_lock(work, "search"):
        return search_and_write(work, options, str(aoi), aoi_crs, session, report_errors, progress, is_canceled)


def search_and_write(
    work: Path, options: dict, aoi: str, aoi_crs, session, report_errors, progress=None, is_canceled=None
) -> List:
    """The search of `options` written into WORK (the caller holds its lock); `aoi` and `aoi_crs` are what
    the user gave, kept in the manifest. Returns the products, oldest first."""
    if progress:
        progress(0.0)
    results = run_search(options, session, report_errors, is_canceled)
    products = sorted(results, key=lambda p: (p.properties["startTime"], p.properties["fileID"]))
    if progress:
        progress(50.0)
    record = {"query": options, "items": [{"umm": p.umm, "meta": p.meta} for p in products]}
    folder = WorkFolder(work)
    write_json(folder.scenes_json, record, indent=1)
    _write_layer(folder.scenes_gpkg, "GPKG", products)
    _write_layer(folder.scenes_geojson, "GeoJSON", products)
    write_json(folder.searched_area, _aoi_collection(options["intersectsWith"]))
    Manifest(work).record(
        "search",
        signature(options),
        aoi=aoi,
        aoi_crs=aoi_crs,
        options=options,
        scenes=len(products),
        searched_at=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    )
    if progress:
        progress(100.0)
    return products


def load_scenes(work) -> dict:
    """WORK/scenes.json as the search wrote it: {"query": options, "items": CMR records}."""
    path = WorkFolder(work).scenes_json
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise SearchError(f"{path} is missing: run `sbas search` for this work folder first") from error
