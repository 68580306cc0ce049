"""The pipeline's Processing algorithms: registered with help, equal to the core's results, cancelable,
with the core's error messages, and the HyP3 steps against the project's HyP3-compatible server."""

import csv
import shutil
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import h5py
import numpy as np
import processing
import pytest
from local_hyp3 import granules_of, hyp3_server
from qgis.core import (
    QgsApplication,
    QgsAuthMethodConfig,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingParameterDefinition,
    QgsProject,
    QgsVectorLayer,
)

from sbas_plugin.core.pipeline import run_pipeline
from sbas_plugin.core.results.mintpy_files import FILTERED_SUFFIX, find_timeseries
from sbas_plugin.core.simulate.synthetic import write_synthetic_stack
from sbas_plugin.core.stack.ingest import find_products
from sbas_plugin.core.stack.mintpy import MintpyOptions, choose_reference_pixel, run_smallbaseline, write_template
from sbas_plugin.core.workfolder import MINTPY_TEMPLATE

ALGORITHMS = (
    "run",
    "clip",
    "mintpy",
    "export",
    "extract",
    "plot",
    "search",
    "pairs",
    "submit",
    "status",
    "download",
    "update",
)
TOKEN = "processing-secret-token"  # pragma: allowlist secret


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    products = tmp_path_factory.mktemp("hyp3") / "products"
    truth = write_synthetic_stack(products, n_dates=4, shape=(30, 40), zipped=True)
    return products, truth


def to_3857(xy, epsg):
    transform = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem(f"EPSG:{epsg}"), QgsCoordinateReferenceSystem("EPSG:3857"), QgsProject.instance()
    )
    point = transform.transform(QgsPointXY(*xy))
    return point.x(), point.y()


@pytest.fixture(scope="module")
def aoi_3857(stack):
    """A box inside the stack, drawn in EPSG:3857 (as on a web basemap): (memory layer, its WKT)."""
    _, truth = stack
    x0, dx, _, y0, _, dy = truth.transform
    xmin, xmax, ymin, ymax = x0 + 4.5 * dx, x0 + 35.5 * dx, y0 + 25.5 * dy, y0 + 4.5 * dy
    ring = [to_3857(p, truth.epsg) for p in ((xmin, ymin), (xmax, ymin), (xmax, ymax), (xmin, ymax), (xmin, ymin))]
    layer = QgsVectorLayer("Polygon?crs=EPSG:3857", "aoi", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromPolygonXY([[QgsPointXY(x, y) for x, y in ring]]))
    layer.dataProvider().addFeatures([feature])
    wkt = "POLYGON((" + ",".join(f"{x!r} {y!r}" for x, y in ring) + "))"
    return layer, wkt


@pytest.fixture(scope="module")
def runs(provider, stack, aoi_3857, tmp_path_factory):
    """sbas:run and the core pipeline on the same input, each in its own work folder."""
    products, _ = stack
    layer, wkt = aoi_3857
    base = tmp_path_factory.mktemp("runs")
    result = processing.run("sbas:run", {"PRODUCTS": str(products), "AOI": layer, "WORK": str(base / "processing")})
    core = run_pipeline(products, wkt, base / "core", aoi_crs="EPSG:3857")
    return result, core


def test_every_algorithm_is_registered_with_help(provider):
    for name in ALGORITHMS:
        algorithm = QgsApplication.processingRegistry().algorithmById(f"sbas:{name}")
        assert algorithm is not None, name
        assert algorithm.displayName() and algorithm.group() and algorithm.groupId()
        assert len(algorithm.shortHelpString()) > 150, name
        assert algorithm.createInstance().name() == name


def test_token_is_never_a_plain_parameter(provider):
    for name in ("submit", "status", "download", "update"):
        algorithm = QgsApplication.processingRegistry().algorithmById(f"sbas:{name}")
        assert algorithm.parameterDefinition("AUTH").type() == "authcfg"
        assert not [p.name() for p in algorithm.parameterDefinitions() if "TOKEN" in p.name().upper()]


@pytest.mark.mintpy
def test_run_gives_the_core_pipelines_results(runs):
    result, core = runs
    values = Path(result["VALUES"])
    assert values.name == "Geotiff_value.csv"
    assert values.read_bytes() == core.values_csv.read_bytes()
    work = values.parent
    assert (work / "points.csv").read_bytes() == core.points_csv.read_bytes()
    points = result["POINTS"]
    layer = points if isinstance(points, QgsVectorLayer) else QgsVectorLayer(str(points), "points", "ogr")
    assert layer.isValid() and layer.featureCount() == len(core.points_csv.read_text().splitlines()) - 1
    assert layer.crs().authid() == "EPSG:32654"
    assert Path(result["GEOTIFFS"], "velocity.tif").is_file()


@pytest.mark.mintpy
def test_mintpy_of_a_clipped_folder_gives_the_cores_time_series(provider, stack, aoi_3857, tmp_path):
    """sbas:clip then sbas:mintpy, as a model chains them: OUTPUT is the MintPy folder and TIMESERIES its final
    time series (with a ramp removed: not MintPy's timeseries_demErr.h5; with the atmosphere filter: its
    filtered copy of timeseries_ramp_demErr.h5), equal to what the core's calls give on the same clipped folder
    with the same options."""
    products, _ = stack
    clipped = processing.run(
        "sbas:clip", {"PRODUCTS": str(products), "AOI": aoi_3857[0], "OUTPUT": str(tmp_path / "clipped")}
    )["OUTPUT"]
    assert len([path for path in Path(clipped).iterdir() if path.is_dir()]) == len(list(products.glob("*.zip")))
    core = tmp_path / "core"
    core.mkdir()
    # MintPy's loader writes a .rsc beside every input it reads: two runs side by side on one folder race on
    # those files, so the core's run reads its own copy.
    core_clipped = shutil.copytree(clipped, tmp_path / "core_clipped")
    reference = choose_reference_pixel(core_clipped)
    options = MintpyOptions(workers=1, deramp="linear", atmosphere_filter=True)
    template = write_template(core / MINTPY_TEMPLATE, core_clipped, (reference.row, reference.col), options)
    out = tmp_path / "processing"
    with ThreadPoolExecutor(1) as pool:  # the two MintPy runs side by side
        direct = pool.submit(run_smallbaseline, template, core)
        result = processing.run(
            "sbas:mintpy",
            {"CLIPPED": clipped, "OUTPUT": str(out), "WORKERS": 1, "DERAMP": 1, "ATMOSPHERE_FILTER": True},
        )
        direct.result()
    assert Path(result["OUTPUT"]) == out
    series = Path(result["TIMESERIES"])
    assert series == out / f"timeseries_ramp_demErr{FILTERED_SUFFIX}.h5" and series.is_file()
    assert (out / "timeseries_ramp_demErr.h5").is_file() and (out / MINTPY_TEMPLATE).is_file()
    assert find_timeseries(core) == core / series.name
    with h5py.File(series, "r") as got, h5py.File(core / series.name, "r") as expected:
        values = got["timeseries"][()]
        assert values.shape == (4, 22, 32)  # the 4 dates on the clipped grid
        assert np.isfinite(values).mean() > 0.9 and np.nanmax(np.abs(values[-1])) > 0.005  # motion, not blanks
        assert np.array_equal(values, expected["timeseries"][()], equal_nan=True)
        assert got["date"][()].tolist() == expected["date"][()].tolist()
        assert (int(got.attrs["REF_Y"]), int(got.attrs["REF_X"])) == (reference.row, reference.col)


def values_of(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


@pytest.mark.mintpy
def test_extract_from_geotiffs_and_from_mintpy_with_points_in_another_crs(runs, tmp_path):
    result, core = runs
    points = QgsVectorLayer(str(core.points_gpkg), "points", "ogr")
    geotiffs = Path(result["GEOTIFFS"]) / "displacement_maps" / "unwrapped" / "Meters"
    wide = processing.run(
        "sbas:extract",
        {"GEOTIFFS": str(geotiffs), "POINTS": points, "FID_FIELD": "", "OUTPUT": str(tmp_path / "wide.csv")},
    )
    assert Path(wide["OUTPUT"]).read_bytes() == core.values_csv.read_bytes()

    # The same points drawn in EPSG:3857, ids in a field: the values do not change.
    moved = QgsVectorLayer("Point?crs=EPSG:3857&field=id:integer", "moved", "memory")
    features = []
    for feature in points.getFeatures():
        point = feature.geometry().asPoint()
        copy = QgsFeature(moved.fields())
        copy.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(*to_3857((point.x(), point.y()), 32654))))
        copy["id"] = feature.id()
        features.append(copy)
    moved.dataProvider().addFeatures(features)
    long = processing.run(
        "sbas:extract",
        {
            "WORK": result["WORK"],
            "POINTS": moved,
            "FID_FIELD": "id",
            "FORMAT": 1,
            "OUTPUT": str(tmp_path / "long.csv"),
        },
    )
    rows = values_of(long["OUTPUT"])
    quality = ["temporal_coherence", "avg_spatial_coherence", "ifgs_used", "velocity_mm_yr", "velocity_std_mm_yr"]
    assert rows[0] == ["fid", "x", "y", "date", "value_m", *quality, "low_quality", "min_coherence"]
    assert {r[-1] for r in rows[1:]} == {"0.7"}
    wide_rows = values_of(core.values_csv)
    by_point = {(int(r[0]), r[3].replace("-", "")): r[4] for r in rows[1:]}
    for row in wide_rows[1:]:
        date = row[0].split("_")[1]
        for header, value in zip(wide_rows[0][1:], row[1:]):
            fid = int(header.split("_")[0])
            assert by_point[(fid, date)] == value


@pytest.mark.mintpy
def test_plot_of_listed_points(runs, tmp_path):
    result, _ = runs
    out = processing.run(
        "sbas:plot",
        {"VALUES": result["VALUES"], "IDS": "1, 2_value", "WORK": result["WORK"], "OUTPUT": str(tmp_path / "Plot.zip")},
    )
    assert sorted(zipfile.ZipFile(out["OUTPUT"]).namelist()) == ["Plot/1.png", "Plot/2.png", "Plot/overview.png"]
    columns = tmp_path / "columns.csv"
    columns.write_text("Column\n3\n")
    processing.run(
        "sbas:plot",
        {"VALUES": result["VALUES"], "COLUMNS": str(columns), "UNITS": 1, "OUTPUT": str(tmp_path / "P.zip")},
    )
    assert "Plot/3.png" in zipfile.ZipFile(tmp_path / "P.zip").namelist()
    with pytest.raises(QgsProcessingException, match="not in"):
        processing.run("sbas:plot", {"VALUES": result["VALUES"], "IDS": "99999", "OUTPUT": str(tmp_path / "x.zip")})


class CancelAfterFirstProgress(QgsProcessingFeedback):
    def __init__(self):
        super().__init__()
        self.reports = []

    def setProgress(self, progress):  # noqa: N802
        super().setProgress(progress)
        self.reports.append(progress)
        self.cancel()


def test_cancel_stops_the_run_without_outputs_or_error(provider, stack, aoi_3857, tmp_path):
    products, _ = stack
    feedback = CancelAfterFirstProgress()
    result = processing.run(
        "sbas:run", {"PRODUCTS": str(products), "AOI": aoi_3857[0], "WORK": str(tmp_path / "w")}, feedback=feedback
    )
    assert feedback.reports and feedback.isCanceled()
    assert not {"VALUES", "POINTS", "GEOTIFFS"} & set(result)
    assert not (tmp_path / "w" / "Geotiff_value.csv").exists() and not (tmp_path / "w" / "mintpy").exists()


def test_bad_input_gives_the_cores_message(provider, aoi_3857, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError) as core:
        find_products(empty)
    with pytest.raises(QgsProcessingException) as raised:
        processing.run("sbas:run", {"PRODUCTS": str(empty), "AOI": aoi_3857[0], "WORK": str(tmp_path / "w")})
    assert str(core.value) in str(raised.value)
    with pytest.raises(QgsProcessingException, match="either"):
        points = QgsVectorLayer("Point?crs=EPSG:4326", "p", "memory")
        processing.run("sbas:extract", {"POINTS": points, "OUTPUT": str(tmp_path / "v.csv")})


def test_a_cluster_without_its_submit_command_is_refused_before_any_work(
    provider, stack, aoi_3857, tmp_path, monkeypatch
):
    monkeypatch.setenv("PATH", str(tmp_path))  # no sbatch, no qsub
    for name in ("sbas:run", "sbas:mintpy"):
        algorithm = QgsApplication.processingRegistry().algorithmById(name)
        assert algorithm.parameterDefinition("CLUSTER").options()[0] == "This computer"
        optional = QgsProcessingParameterDefinition.Flag.FlagOptional
        assert algorithm.parameterDefinition("CLUSTER_CONFIG").flags() & optional
    with pytest.raises(QgsProcessingException, match="with sbatch, which is not on PATH: run on a machine"):
        parameters = {"PRODUCTS": str(stack[0]), "AOI": aoi_3857[0], "WORK": str(tmp_path / "w"), "CLUSTER": 1}
        processing.run("sbas:run", parameters)
    assert not (tmp_path / "w" / "clipped").exists()


# -- HyP3: submit, status, download against tests/support/hyp3_server.py


@pytest.fixture
def hyp3_work(stack, tmp_path):
    products, _ = stack
    work = tmp_path / "work"
    work.mkdir()
    with open(work / "pairs.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["reference", "secondary"])
        writer.writerows(granules_of(path) for path in sorted(products.glob("*.zip")))
    with hyp3_server.Hyp3Server(products, token=TOKEN) as server:
        yield server, work, products


def test_submit_status_download_with_token_from_environment(provider, hyp3_work, monkeypatch):
    server, work, products = hyp3_work
    monkeypatch.setenv("EARTHDATA_TOKEN", TOKEN)
    project = {"WORK": str(work), "NAME": "qgis_e2e", "API_URL": server.url}
    pairs = len(list(products.glob("*.zip")))

    asked = processing.run("sbas:submit", project)  # no "I accept the credit cost": only the cost
    assert asked["SUBMITTED"] == 0 and asked["COST"] == 10 * pairs and not server.jobs

    done = processing.run("sbas:submit", {**project, "ACCEPT_COST": True})
    assert done["SUBMITTED"] == pairs and len(server.jobs) == pairs and server.posts == 1
    again = processing.run("sbas:submit", {**project, "ACCEPT_COST": True})
    assert again["SUBMITTED"] == 0 and server.posts == 1  # never twice

    assert processing.run("sbas:status", project)["PENDING"] == pairs
    server.advance("SUCCEEDED")
    status = processing.run("sbas:status", {**project, "WAIT": True})
    assert status["SUCCEEDED"] == pairs and status["FAILED"] == 0

    downloaded = processing.run("sbas:download", project)
    assert downloaded["DOWNLOADED"] == pairs
    for product in products.glob("*.zip"):
        assert (Path(downloaded["PRODUCTS"]) / product.name).read_bytes() == product.read_bytes()


def test_wrong_or_missing_token_gives_hyp3s_message(provider, hyp3_work, monkeypatch):
    server, work, _ = hyp3_work
    monkeypatch.delenv("EARTHDATA_TOKEN", raising=False)
    project = {"WORK": str(work), "NAME": "qgis_e2e", "API_URL": server.url}
    with pytest.raises(QgsProcessingException, match="EARTHDATA_TOKEN"):
        processing.run("sbas:status", project)
    monkeypatch.setenv("EARTHDATA_TOKEN", "not-the-token")
    with pytest.raises(QgsProcessingException) as raised:
        processing.run("sbas:status", project)
    assert "not-the-token" not in str(raised.value)


def basic_authcfg(password: str) -> str:
    manager = QgsApplication.authManager()
    if not manager.masterPasswordIsSet():
        manager.setMasterPassword("sbas-test-master", True)
    config = QgsAuthMethodConfig()
    config.setName("earthdata")
    config.setMethod("Basic")
    config.setConfig("username", "earthdata")
    config.setConfig("password", password)
    stored = manager.storeAuthenticationConfig(config)
    assert (stored[0] if isinstance(stored, tuple) else stored) and config.id()
    return config.id()


def test_token_from_an_authentication_configuration(provider, hyp3_work, monkeypatch):
    server, work, _ = hyp3_work
    monkeypatch.delenv("EARTHDATA_TOKEN", raising=False)
    authcfg = basic_authcfg(TOKEN)
    project = {"WORK": str(work), "NAME": "qgis_auth", "API_URL": server.url, "AUTH": authcfg}
    done = processing.run("sbas:submit", {**project, "ACCEPT_COST": True})
    assert done["SUBMITTED"] == len(server.jobs) > 0
    assert processing.run("sbas:status", project)["PENDING"] == len(server.jobs)


@pytest.mark.mintpy
def test_coherence_report_with_land_cover_classes(provider, runs, aoi_3857, tmp_path):
    from sbas_plugin.core.reports.coherence import ClassPolygons, coherence_report

    algorithm = QgsApplication.processingRegistry().algorithmById("sbas:coherence")
    assert algorithm is not None and len(algorithm.shortHelpString()) > 150
    _, core = runs
    area, _ = aoi_3857
    classes = QgsVectorLayer("Polygon?crs=EPSG:3857&field=landcover:string", "classes", "memory")
    (extent,) = [f.geometry() for f in area.getFeatures()]
    feature = QgsFeature(classes.fields())
    feature.setGeometry(extent)
    feature["landcover"] = "urban"
    classes.dataProvider().addFeatures([feature])

    plain = processing.run("sbas:coherence", {"WORK": str(core.work), "OUTPUT": str(tmp_path / "plain")})
    coherence_report(core.work, tmp_path / "core")
    for name in ("coherence_by_ifgram.csv", "coherence_by_baseline.csv", "coherence_by_season.csv"):
        assert (Path(plain["OUTPUT"]) / name).read_bytes() == (tmp_path / "core" / name).read_bytes()
    by_class = processing.run(
        "sbas:coherence",
        {"WORK": str(core.work), "CLASSES": classes, "CLASS_FIELD": "landcover", "OUTPUT": str(tmp_path / "classes")},
    )
    rows = values_of(Path(by_class["OUTPUT"]) / "coherence_by_class.csv")
    assert rows[0][:2] == ["landcover", "pixels"] and [r[0] for r in rows[1:]] == ["urban"]
    urban = ClassPolygons([(extent.asWkt(), "urban")], "EPSG:3857", "classes", "landcover")
    coherence_report(core.work, tmp_path / "core_classes", urban)
    assert values_of(tmp_path / "core_classes" / "coherence_by_class.csv") == rows
    with pytest.raises(QgsProcessingException, match="class field"):
        processing.run("sbas:coherence", {"WORK": str(core.work), "CLASSES": classes, "OUTPUT": str(tmp_path / "x")})
