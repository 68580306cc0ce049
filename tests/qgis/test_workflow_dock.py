"""The workflow dock in real QGIS: the area drawn on the map is saved in EPSG:3857 as clicked, the reference
point is picked on the map, steps run as background tasks with a live log and cancel, the HyP3 job table
comes from the job record the real core writes (against the project's local HyP3 server), and a project
file brings the dock back as it was. A step that replaces result files first closes every layer and the
time-series dock's stack reading them (Windows cannot replace a file open in QGIS), then opens them again."""

import csv
import dataclasses
import shutil
from pathlib import Path

import psutil
import pytest
from conftest import answer_next_question, open_files_under, sbas_provider, wait_until
from local_hyp3 import granules_of, hyp3_server
from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.gui import QgsMapMouseEvent
from qgis.PyQt.QtCore import QCoreApplication, QEvent, QPoint, Qt
from qgis.PyQt.QtGui import QKeyEvent
from qgis.PyQt.QtWidgets import QMessageBox

import sbas_plugin
from sbas_plugin.core.simulate.synthetic import write_synthetic_stack
from sbas_plugin.gui.workflow_dock import WorkflowDock
from sbas_plugin.settings import load_settings, save_settings
from sbas_plugin.tasks.registry import TaskRegistry

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "workflow-secret-token"  # pragma: allowlist secret
CLICKS = [QPoint(100, 120), QPoint(520, 90), QPoint(610, 430), QPoint(150, 470)]


@pytest.fixture
def provider(qgis_processing):
    """The sbas provider for one test at a time (the plugin test below registers its own)."""
    with sbas_provider() as registered:
        yield registered


@pytest.fixture
def settings(qgis_app):
    """The plugin's settings for a test, put back afterwards."""
    saved = load_settings()
    yield saved
    save_settings(saved)


@dataclasses.dataclass(frozen=True)
class Finished:
    products: Path
    work: Path
    truth: object  # write_synthetic_stack's SyntheticTruth
    area: tuple  # xmin, ymin, xmax, ymax in the products' CRS


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A work folder sbas run has finished (MintPy: about 20 s), shared by the tests that only add to it or
    resume the run."""
    from sbas_plugin.core.pipeline import run_pipeline

    root = tmp_path_factory.mktemp("finished")
    truth = write_synthetic_stack(root / "products", n_dates=4, shape=(30, 40))
    x0, dx, _, y0, _, dy = truth.transform
    area = (x0, y0 + 30 * dy, x0 + 40 * dx, y0)
    # The area as sbas:run passes a layer's polygons, so that the dock's run resumes this one.
    wkt = QgsGeometry.collectGeometry([QgsGeometry.fromRect(QgsRectangle(*area))]).asWkt()
    run_pipeline(root / "products", wkt, root / "work", aoi_crs=f"EPSG:{truth.epsg}")
    return Finished(root / "products", root / "work", truth, area)


@pytest.fixture
def plugin(qgis_iface, qgis_processing, settings):
    qgis_iface.messageBar().clear_messages()
    plugin = sbas_plugin.classFactory(qgis_iface)
    plugin.initGui()
    yield plugin
    plugin.unload()
    QgsProject.instance().clear()


@pytest.fixture
def dock(qgis_iface, qgis_canvas, provider, settings):
    qgis_iface.messageBar().clear_messages()
    dock = WorkflowDock(qgis_iface, TaskRegistry())
    yield dock
    dock.unload()
    QgsProject.instance().removeAllMapLayers()


def show_canvas(canvas, crs: str) -> None:
    """The canvas in `crs` over the Kanto plain (lon 139.5..139.9, lat 35.5..35.8)."""
    canvas.resize(800, 600)
    canvas.window().show()  # an unshown canvas keeps its default map size whatever the widget's
    QCoreApplication.processEvents()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem(crs))
    to_canvas = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:4326"), QgsCoordinateReferenceSystem(crs), QgsProject.instance()
    )
    canvas.setExtent(to_canvas.transformBoundingBox(QgsRectangle(139.5, 35.5, 139.9, 35.8)))
    QCoreApplication.processEvents()


def mouse(canvas, kind, point: QPoint, button=Qt.MouseButton.LeftButton) -> QgsMapMouseEvent:
    return QgsMapMouseEvent(canvas, kind, point, button, button, Qt.KeyboardModifier.NoModifier)


def release(tool, canvas, point: QPoint, button=Qt.MouseButton.LeftButton) -> None:
    tool.canvasReleaseEvent(mouse(canvas, QEvent.Type.MouseButtonRelease, point, button))


def in_web_mercator(canvas, points) -> list:
    to_3857 = QgsCoordinateTransform(
        canvas.mapSettings().destinationCrs(), QgsCoordinateReferenceSystem("EPSG:3857"), QgsProject.instance()
    )
    pixels = canvas.getCoordinateTransform()
    return [to_3857.transform(pixels.toMapCoordinates(p.x(), p.y())) for p in points]


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:32654"])
@pytest.mark.parametrize("finish", ["right-click", "double-click"])
def test_drawn_area_is_saved_in_web_mercator_as_clicked(dock, qgis_canvas, tmp_path, crs, finish):
    show_canvas(qgis_canvas, crs)
    work = tmp_path / "work"
    dock.work_widget.setFilePath(str(work))
    assert not dock.area_page.search_button.isEnabled() and dock.area_page.search_button.toolTip()  # no area yet
    dock.area_page.draw_button.setChecked(True)
    tool = dock.area_tool
    assert qgis_canvas.mapTool() is tool

    release(tool, qgis_canvas, QPoint(300, 300))
    release(tool, qgis_canvas, QPoint(310, 330))
    tool.keyPressEvent(QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier))
    release(tool, qgis_canvas, CLICKS[0])
    release(tool, qgis_canvas, CLICKS[1])
    release(tool, qgis_canvas, QPoint(5, 5), Qt.MouseButton.RightButton)  # two vertices: no area yet
    assert not (work / "aoi.gpkg").exists()
    for point in CLICKS[2:]:
        release(tool, qgis_canvas, point)
    if finish == "right-click":
        release(tool, qgis_canvas, QPoint(5, 5), Qt.MouseButton.RightButton)
    else:  # the last click's second half: press as a double-click, then its release
        tool.canvasDoubleClickEvent(mouse(qgis_canvas, QEvent.Type.MouseButtonDblClick, CLICKS[-1]))
        release(tool, qgis_canvas, CLICKS[-1])

    saved = QgsVectorLayer(str(work / "aoi.gpkg"), "saved", "ogr")
    assert saved.isValid() and saved.crs().authid() == "EPSG:3857" and saved.featureCount() == 1
    ring = next(saved.getFeatures()).geometry().asPolygon()[0]
    expected = in_web_mercator(qgis_canvas, CLICKS)
    assert len(ring) == len(CLICKS) + 1 and ring[0] == ring[-1]
    for vertex, point in zip(ring, expected):
        assert abs(vertex.x() - point.x()) < 1e-6 and abs(vertex.y() - point.y()) < 1e-6
    area = dock.area_page.area_combo.currentLayer()
    assert area is not None and area.name() == "SBAS area" and QgsProject.instance().mapLayer(area.id()) is area
    assert Path(area.source().split("|")[0]) == work / "aoi.gpkg"
    assert dock.area_page.search_button.isEnabled() and not dock.area_page.draw_button.isChecked()
    assert qgis_canvas.mapTool() is not tool


def test_reference_point_picked_on_the_map(dock, qgis_canvas):
    show_canvas(qgis_canvas, "EPSG:32654")
    dock.time_series_page.pick_button.setChecked(True)
    assert qgis_canvas.mapTool() is dock.point_tool
    release(dock.point_tool, qgis_canvas, QPoint(400, 250))
    expected = qgis_canvas.getCoordinateTransform().toMapCoordinates(400, 250)
    x, y, authid = dock.time_series_page.reference_point
    assert authid == "EPSG:32654" and abs(x - expected.x()) < 1e-6 and abs(y - expected.y()) < 1e-6
    assert dock.time_series_page.reference_edit.text().endswith("[EPSG:32654]")
    assert dock.time_series_page.marker is not None and dock.time_series_page.marker.center() == expected
    assert not dock.time_series_page.pick_button.isChecked() and qgis_canvas.mapTool() is not dock.point_tool
    assert dock.project_state()["reference_point"] == [x, y, "EPSG:32654"]

    qgis_canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))  # the marker stays on the spot
    moved = dock.time_series_page.marker.center()
    back = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:3857"), QgsCoordinateReferenceSystem("EPSG:32654"), QgsProject.instance()
    ).transform(moved)
    assert abs(back.x() - x) < 1e-3 and abs(back.y() - y) < 1e-3

    dock.set_reference_point(None)  # "Automatic"
    assert (
        dock.time_series_page.reference_point is None
        and dock.time_series_page.marker is None
        and not dock.time_series_page.reference_edit.text()
    )


def area_layer(epsg: int, box) -> QgsVectorLayer:
    xmin, ymin, xmax, ymax = box
    layer = QgsVectorLayer(f"Polygon?crs=EPSG:{epsg}", "area", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromRect(QgsRectangle(xmin, ymin, xmax, ymax)))
    layer.dataProvider().addFeatures([feature])
    QgsProject.instance().addMapLayer(layer)
    return layer


def test_points_step_runs_as_a_task_with_live_log_and_progress(dock, qgis_app, utm_raster):
    QgsProject.instance().addMapLayer(utm_raster)
    dock.results_page.raster_combo.setLayer(utm_raster)
    dock.results_page.aoi_combo.setLayer(area_layer(32654, (400_500, 3_897_500, 402_500, 3_899_500)))
    progress = []
    dock.runner.progress.connect(progress.append)
    dock.results_page.points_button.click()
    assert QgsApplication.taskManager().count() >= 1 and dock.cancel_button.isEnabled()
    assert not dock.results_page.points_button.isEnabled()  # one step at a time
    wait_until(qgis_app, lambda: not dock.runner.running(), 60, "the points task")

    assert progress[-1] == 100 and any(0 < p < 100 for p in progress)
    assert dock.progress_bar.value() == 100
    log = dock.log_view.toPlainText()
    assert "Pixel-centre points inside an area" in log and "pixel centres inside the area" in log
    points = QgsProject.instance().mapLayersByName("Pixel-centre points")
    assert len(points) == 1 and points[0].featureCount() == 25 * 25
    assert dock.results_page.points_button.isEnabled() and not dock.cancel_button.isEnabled()


def test_a_failed_step_is_in_the_message_bar_with_the_log(dock, qgis_app, qgis_iface, tmp_path):
    empty = tmp_path / "products"
    empty.mkdir()
    dock.work_widget.setFilePath(str(tmp_path / "work"))
    dock.area_page.area_combo.setLayer(area_layer(32654, (400_500, 3_897_500, 402_500, 3_899_500)))
    dock.time_series_page.products_widget.setFilePath(str(empty))
    dock.time_series_page.run_button.click()
    wait_until(qgis_app, lambda: not dock.runner.running(), 60, "the failing run")
    errors = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical)
    assert len(errors) == 1 and "failed" in errors[0] and str(empty) in errors[0]
    assert str(empty) in dock.log_view.toPlainText()


@pytest.mark.mintpy
def test_cancel_stops_mintpy_and_leaves_no_task_or_process(dock, qgis_app, qgis_iface, tmp_path, settings):
    save_settings(dataclasses.replace(settings, mintpy_python=str(ROOT / ".venv" / "bin" / "python")))
    products = tmp_path / "products"
    truth = write_synthetic_stack(products, n_dates=6, shape=(30, 40), zipped=True)
    x0, dx, _, y0, _, dy = truth.transform
    dock.work_widget.setFilePath(str(tmp_path / "work"))
    dock.area_page.area_combo.setLayer(area_layer(truth.epsg, (x0 + 3 * dx, y0 + 27 * dy, x0 + 37 * dx, y0 + 3 * dy)))
    dock.time_series_page.products_widget.setFilePath(str(products))
    dock.time_series_page.run_button.click()
    me = psutil.Process()
    wait_until(qgis_app, lambda: me.children(recursive=True) or not dock.runner.running(), 120, "MintPy to start")
    assert dock.runner.running(), dock.log_view.toPlainText()

    dock.cancel_button.click()
    wait_until(qgis_app, lambda: not dock.runner.running(), 30, "the canceled run to end")
    assert QgsApplication.taskManager().countActiveTasks() == 0
    wait_until(qgis_app, lambda: not me.children(recursive=True), 10, "MintPy's processes to go")
    assert "canceled" in dock.log_view.toPlainText()
    assert not qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical)  # a cancel is no failure
    assert dock.time_series_page.run_button.isEnabled()


def test_submit_fills_the_job_table_then_status_and_download(dock, qgis_app, tmp_path, settings, monkeypatch):
    products = tmp_path / "hyp3"
    write_synthetic_stack(products, n_dates=3, shape=(20, 20), zipped=True)
    work = tmp_path / "work"
    work.mkdir()
    pairs = [granules_of(path) for path in sorted(products.glob("*.zip"))]
    with open(work / "pairs.csv", "w", newline="") as f:
        csv.writer(f).writerows([("reference", "secondary"), *pairs])
    monkeypatch.setenv("EARTHDATA_TOKEN", TOKEN)
    with hyp3_server.Hyp3Server(products, token=TOKEN) as server:
        save_settings(dataclasses.replace(settings, hyp3_api_url=server.url, auth_config_id="", download_workers=2))
        dock.work_widget.setFilePath(str(work))
        dock.hyp3_page.name_edit.setText("wf_dock")

        answer_next_question(QMessageBox.StandardButton.No)
        dock.hyp3_page.submit_button.click()
        assert not dock.runner.running() and not server.jobs

        answer_next_question(QMessageBox.StandardButton.Yes)
        dock.hyp3_page.submit_button.click()
        wait_until(qgis_app, lambda: not dock.runner.running(), 60, "the submission")
        assert len(server.jobs) == len(pairs)
        table = dock.hyp3_page.jobs_table
        assert table.rowCount() == len(pairs)
        shown = {table.item(row, 0).toolTip().split("\n")[0] for row in range(table.rowCount())}
        assert shown == {reference for reference, _ in pairs}
        assert table.item(0, 0).text().count("-") == 4  # two dates

        dock.hyp3_page.auto_refresh.setChecked(True)
        server.advance("SUCCEEDED")
        dock.hyp3_page.status_button.click()
        wait_until(qgis_app, lambda: not dock.runner.running(), 60, "the status")
        assert f"{len(pairs)} succeeded" in dock.log_view.toPlainText()
        assert (
            not dock.hyp3_page.auto_refresh.isChecked() and not dock.refresh_timer.isActive()
        )  # nothing left to wait for
        assert {table.item(row, 1).text() for row in range(table.rowCount())} == {"succeeded"}
        assert all(table.item(row, 2).text().endswith(" UTC") for row in range(table.rowCount()))

        dock.hyp3_page.download_button.click()
        wait_until(qgis_app, lambda: not dock.runner.running(), 60, "the download")
        assert Path(dock.time_series_page.products_widget.filePath()) == work / "products"
        assert sorted(p.name for p in (work / "products").glob("*.zip")) == sorted(
            p.name for p in products.glob("*.zip")
        )


def test_the_project_file_keeps_the_dock(qgis_iface, qgis_canvas, qgis_processing, tmp_path):
    show_canvas(qgis_canvas, "EPSG:32654")
    plugin = sbas_plugin.classFactory(qgis_iface)
    plugin.initGui()
    try:
        dock = plugin.dock
        dock.work_widget.setFilePath(str(tmp_path / "work"))
        dock.save_area(QgsGeometry.fromRect(QgsRectangle(380_000, 3_940_000, 384_000, 3_944_000)))
        dock.network_page.max_days_spin.setValue(48)
        dock.network_page.max_bperp_spin.setValue(150)
        dock.network_page.season_edit.setText("04-01,11-30")
        dock.hyp3_page.name_edit.setText("kanto")
        dock.hyp3_page.option_boxes["WATER_MASK"].setChecked(True)
        dock.set_reference_point(QgsPointXY(382_040.0, 3_942_040.0), "EPSG:32654")
        dock.time_series_page.reference_date_combo.setCurrentIndex(2)
        date_edit = dock.time_series_page.reference_date_edit
        date_edit.setDate(date_edit.date().fromString("2020-01-15", "yyyy-MM-dd"))
        page = dock.time_series_page
        assert not page.cluster_config_widget.isEnabled()  # this computer: no file
        page.cluster_combo.setCurrentIndex(1)  # SLURM
        page.cluster_config_widget.setFilePath(str(tmp_path / "cluster.yaml"))
        assert page.cluster_config_widget.isEnabled()
        assert {"CLUSTER": 1, "CLUSTER_CONFIG": str(tmp_path / "cluster.yaml")}.items() <= page.parameters().items()
        state = dock.project_state()
        assert state["reference_date"] == "20200115" and state["area_layer"] and state["cluster"] == 1

        path = tmp_path / "project.qgz"
        assert QgsProject.instance().write(str(path))
        QgsProject.instance().clear()
        assert (
            dock.work() == ""
            and dock.area_page.area_combo.currentLayer() is None
            and dock.time_series_page.reference_point is None
        )
        assert dock.network_page.max_days_spin.value() == load_settings().max_temporal_baseline_days

        assert QgsProject.instance().read(str(path))
        assert dock.project_state() == state
        assert dock.area_page.area_combo.currentLayer().name() == "SBAS area"
        assert dock.time_series_page.marker is not None
    finally:
        plugin.unload()
        QgsProject.instance().clear()


def test_quality_report_chains_coherence_validation_and_report(dock, qgis_app, tmp_path, finished, monkeypatch):
    from sbas_plugin.core.simulate.synthetic import write_synthetic_benchmarks

    work = finished.work
    points = [(10, 20), (15, 25), (20, 30)]
    benchmarks = write_synthetic_benchmarks(tmp_path / "benchmarks.csv", finished.truth, points)
    opened = []
    monkeypatch.setattr("sbas_plugin.gui.workflow_dock.QDesktopServices.openUrl", opened.append)  # no browser

    dock.work_widget.setFilePath(str(work))
    dock.results_page.benchmarks_widget.setFilePath(str(benchmarks))
    dock.results_page.report_button.click()
    wait_until(qgis_app, lambda: opened or not dock.runner.running(), 120, "the report")

    log = dock.log_view.toPlainText()
    assert opened and opened[0].toLocalFile() == str(work / "report.html"), log
    assert (work / "coherence" / "coherence_by_ifgram.csv").is_file()
    assert (work / "validation" / "validation.csv").is_file()
    assert "Validation against the ground" in (work / "report.html").read_text(encoding="utf-8")


def results_in_use(plugin, canvas, finished):
    """The work folder's result layers on the map, drawn, and the time-series dock on it with the pixel of a
    point feature plotted: every way QGIS holds the results open."""
    dock = plugin.dock
    dock.work_widget.setFilePath(str(finished.work))
    dock.time_series_page.products_widget.setFilePath(str(finished.products))
    dock.area_page.area_combo.setLayer(area_layer(finished.truth.epsg, finished.area))
    loaded = dock.load_result_layers()
    show_canvas(canvas, loaded.velocity.crs().authid())
    canvas.setExtent(loaded.velocity.extent())
    canvas.setLayers([loaded.points, *loaded.displacement, loaded.velocity, loaded.coherence])
    canvas.refresh()
    canvas.waitWhileRendering()
    plugin.open_timeseries(str(finished.work))
    series = plugin.timeseries_dock
    series.pick(next(loaded.points.getFeatures()).geometry().asPoint())  # reads the points layer too
    assert series.stack is not None and series.shown
    return loaded


def layer_tree():
    """Each layer node of the project's tree: its layer's name (None without a layer) and whether it is ticked."""
    nodes = QgsProject.instance().layerTreeRoot().findLayers()
    return [(node.layer().name() if node.layer() else None, node.itemVisibilityChecked()) for node in nodes]


def layers_reading(folder) -> list:
    return [layer.name() for layer in QgsProject.instance().mapLayers().values() if str(folder) in layer.source()]


def watch_the_start(dock, series, files) -> list:
    """What the layers, the open files and the time-series dock are as the step's task starts."""
    seen = []
    dock.runner.started.connect(
        lambda _name: seen.append((layers_reading(files[0].parent), open_files_under(*files), series.stack))
    )
    return seen


def test_a_rerun_closes_the_results_it_replaces_then_puts_them_back_as_they_were(
    plugin, qgis_app, qgis_iface, finished
):
    loaded = results_in_use(plugin, qgis_iface.mapCanvas(), finished)
    dock, series, work = plugin.dock, plugin.timeseries_dock, finished.work
    project, root = QgsProject.instance(), QgsProject.instance().layerTreeRoot()
    mine = QgsRasterLayer(str(work / "GeoTiffs" / "velocity.tif"), "my velocity", "gdal")  # the user's own
    mine.setOpacity(0.35)
    project.addMapLayer(mine, False)
    root.insertGroup(0, "my maps").addLayer(mine)
    root.children()[1].setName("my renamed results")  # the SBAS group, moved below "my maps"
    benchmarks = QgsVectorLayer("Point?crs=EPSG:4326", "benchmarks", "memory")  # a combo's other choice
    project.addMapLayer(benchmarks)
    qgis_iface.mapCanvas().waitWhileRendering()  # a drawing canvas holds the files until it is done
    dock.results_page.points_combo.setLayer(loaded.points)
    dock.results_page.raster_combo.setLayer(mine)
    mine_id, points_id = mine.id(), loaded.points.id()  # the layers themselves go, with their wrappers
    before = {layer_id: layer.name() for layer_id, layer in project.mapLayers().items()}
    tree, groups, shown = layer_tree(), [node.name() for node in root.children()], [s.label for s in series.shown]
    replaced = [work / "GeoTiffs", work / "mintpy", work / "points.gpkg"]
    assert open_files_under(*replaced)  # what Windows would keep the run from replacing
    at_start = watch_the_start(dock, series, replaced)

    dock.time_series_page.run_button.click()
    assert not dock.results_page.load_button.isEnabled() and not dock.results_page.timeseries_button.isEnabled()
    wait_until(qgis_app, lambda: not dock.runner.running(), 120, "the rerun")

    assert at_start == [([], [], None)], dock.log_view.toPlainText()
    assert not qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical), dock.log_view.toPlainText()
    assert qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Success) == [
        "SBAS:The time series is ready: load the result layers on the Results page."
    ]
    # The very layers (same ids, names, styles), reading the new files, in their places.
    assert {layer_id: layer.name() for layer_id, layer in project.mapLayers().items()} == before
    assert layer_tree() == tree and [node.name() for node in root.children()] == groups
    assert all(layer.isValid() for layer in project.mapLayers().values())
    assert project.mapLayer(mine_id).opacity() == 0.35
    assert dock.results_page.points_combo.currentLayer().id() == points_id
    assert dock.results_page.raster_combo.currentLayer().id() == mine_id
    assert series.stack is not None and series.folder_widget.filePath() == str(work)
    assert [s.label for s in series.shown] == shown
    assert dock.results_page.load_button.isEnabled() and dock.results_page.timeseries_button.isEnabled()


def test_a_rerun_says_which_layers_point_to_dates_it_no_longer_has(plugin, qgis_app, qgis_iface, finished):
    loaded = results_in_use(plugin, qgis_iface.mapCanvas(), finished)
    dock = plugin.dock
    first = Path(loaded.displacement[0].source())
    gone = first.with_name(f"{first.name[:9]}20990101{first.name[17:]}")  # a date the rerun will not have
    shutil.copyfile(first, gone)
    layer = QgsRasterLayer(str(gone), "2099-01-01", "gdal")
    QgsProject.instance().addMapLayer(layer)
    layer_id = layer.id()
    dock.runner.started.connect(lambda _name: gone.unlink())  # as a rerun over fewer dates leaves it

    dock.time_series_page.run_button.click()
    wait_until(qgis_app, lambda: not dock.runner.running(), 120, "the rerun")

    assert not QgsProject.instance().mapLayer(layer_id).isValid()
    assert qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Success) == [
        "SBAS:The time series is ready; 1 layers point to dates the new run no longer has: load the result "
        "layers again."
    ]


def test_a_project_saved_while_a_step_has_the_layers_out_keeps_them(plugin, qgis_app, qgis_iface, finished, tmp_path):
    results_in_use(plugin, qgis_iface.mapCanvas(), finished)
    dock, series, project = plugin.dock, plugin.timeseries_dock, QgsProject.instance()
    tree, state = layer_tree(), series.project_state()
    during, after = tmp_path / "during.qgz", tmp_path / "after.qgz"

    dock.time_series_page.run_button.click()
    assert dock.runner.running() and project.write(str(during))  # Ctrl+S while MintPy runs
    wait_until(qgis_app, lambda: not dock.runner.running(), 120, "the rerun")
    project.clear()

    assert project.read(str(during))
    assert layer_tree() == tree and all(layer.isValid() for layer in project.mapLayers().values())
    assert series.project_state() == state and series.stack is not None
    project.removeMapLayers(
        [layer.id() for layer in project.mapLayers().values() if layer.name() == "Velocity (mm/yr)"]
    )
    assert project.write(str(after))  # saved again, the step over: as usual
    project.clear()
    assert project.read(str(after))
    assert layer_tree() == [node for node in tree if node[0] != "Velocity (mm/yr)"]  # what was removed stays out


def test_a_project_cleared_while_a_step_runs_gets_nothing_of_the_old_one(plugin, qgis_app, qgis_iface, finished):
    results_in_use(plugin, qgis_iface.mapCanvas(), finished)
    dock, series = plugin.dock, plugin.timeseries_dock

    dock.time_series_page.run_button.click()
    QgsProject.instance().clear()  # New project, or another one opened, while MintPy runs
    wait_until(qgis_app, lambda: not dock.runner.running(), 120, "the rerun")

    assert not QgsProject.instance().mapLayers() and not layer_tree()
    assert series.stack is None and series.folder_widget.filePath() == ""
    assert dock.results_page.load_button.toolTip() == "Choose a work folder first." and series.folder_widget.isEnabled()


def test_a_failed_rerun_puts_back_the_layers_and_the_series_it_closed(plugin, qgis_app, qgis_iface, finished, tmp_path):
    results_in_use(plugin, qgis_iface.mapCanvas(), finished)
    dock, series, work = plugin.dock, plugin.timeseries_dock, finished.work
    before = {layer_id: layer.name() for layer_id, layer in QgsProject.instance().mapLayers().items()}
    tree, shown = layer_tree(), [s.label for s in series.shown]
    at_start = watch_the_start(dock, series, [work / "GeoTiffs", work / "mintpy", work / "points.gpkg"])
    (tmp_path / "none").mkdir()
    dock.time_series_page.products_widget.setFilePath(str(tmp_path / "none"))

    dock.time_series_page.run_button.click()
    wait_until(qgis_app, lambda: not dock.runner.running(), 60, "the failing run")

    assert at_start == [([], [], None)]
    assert qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical)
    after = {layer_id: layer.name() for layer_id, layer in QgsProject.instance().mapLayers().items()}
    assert after == before and layer_tree() == tree  # the very layers, in their places
    assert series.stack is not None and [s.label for s in series.shown] == shown


def test_extracting_values_closes_the_table_it_replaces(plugin, qgis_app, qgis_iface, finished, tmp_path):
    loaded = results_in_use(plugin, qgis_iface.mapCanvas(), finished)
    dock, series = plugin.dock, plugin.timeseries_dock
    out = tmp_path / "values.csv"
    out.write_text("Date\n20200101\n", encoding="utf-8")  # an earlier table, one row
    table = QgsVectorLayer(f"file://{out}?type=csv&geomType=none", "values", "delimitedtext")
    QgsProject.instance().addMapLayer(table)
    table_id = table.id()
    assert table.featureCount() == 1 and open_files_under(out)
    at_start = watch_the_start(dock, series, [out])
    dock.results_page.points_combo.setLayer(loaded.points)
    dock.results_page.values_widget.setFilePath(str(out))

    dock.results_page.extract_button.click()
    wait_until(qgis_app, lambda: not dock.runner.running(), 60, "the extraction")

    assert at_start == [([], [], series.stack)]  # the time series reads other files: left open
    table = QgsProject.instance().mapLayer(table_id)  # the same layer, reading the new table
    assert table is not None and table.name() == "values"
    assert table.featureCount() == len(finished.truth.dates)


def test_the_time_series_step_says_how_much_of_the_area_has_data(dock, finished, tmp_path):
    from sbas_plugin.core.manifest import Manifest

    record = Manifest(finished.work).step("coverage")
    dock.work_widget.setFilePath(str(finished.work))
    every, none = 100 * record["every"] / record["pixels"], 100 * record["none"] / record["pixels"]
    text = dock.time_series_page.coverage_label.text()
    assert text.startswith(f"Data in every product on {every:.1f} % of the area"), text
    assert f"in none on {none:.1f} %" in text
    dock.work_widget.setFilePath(str(tmp_path))  # no run there yet
    assert dock.time_series_page.coverage_label.text() == ""
