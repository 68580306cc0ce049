"""The workflow dock: one work folder and the steps of the pipeline in order, each run as a background
Processing task (the same algorithms as the Toolbox and `qgis_process`, the same core as the CLI).

The dock coordinates: its pages (sbas_plugin.gui.workflow_pages) hold the widgets of each step, the dock
runs the steps with their parameters, says which can run now, and keeps the whole in the project."""

import os
from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsProject,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.gui import QgsDockWidget, QgsFileWidget
from qgis.PyQt.QtCore import QTimer, QUrl, pyqtSignal
from qgis.PyQt.QtGui import QDesktopServices
from qgis.PyQt.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QToolBox,
    QVBoxLayout,
    QWidget,
)

from sbas_plugin.core.online.hyp3 import PENDING, Hyp3Failure, load_record, read_pairs
from sbas_plugin.core.online.network import credits
from sbas_plugin.core.results.wide_table import files_named_as_table
from sbas_plugin.core.workfolder import WorkFolder
from sbas_plugin.gui.layers import put_back_layers, remove_layers_of, replace_layer, set_aside_layers
from sbas_plugin.gui.map_tools import AreaDrawTool, MapToolSwitch, PointPickTool
from sbas_plugin.gui.new_acquisitions import NewAcquisitionsTask, can_check, message, seen
from sbas_plugin.gui.packages import PackagesBox
from sbas_plugin.gui.results import load_decomposition, load_results
from sbas_plugin.gui.runner import AlgorithmRunner
from sbas_plugin.gui.workflow_pages import (
    AreaPage,
    DecompositionPage,
    Hyp3Page,
    NetworkPage,
    Page,
    ResultsPage,
    TimeSeriesPage,
)
from sbas_plugin.i18n import tr
from sbas_plugin.settings import load_settings

AREA_CRS = "EPSG:3857"  # areas are drawn on web basemaps and kept as drawn
REFRESH_MS = 60_000


class WorkflowDock(QgsDockWidget):
    # Around a step that replaces result files: the files (and folders) it replaces, then its end.
    rewriting = pyqtSignal(object)  # [Path]
    rewritten = pyqtSignal()

    def __init__(self, iface, tasks, open_timeseries=None, parent=None):
        super().__init__(tr("SBAS InSAR"), parent)
        self.setObjectName("SbasWorkflowDock")
        self.iface = iface
        self.canvas = iface.mapCanvas()
        self.open_timeseries = open_timeseries  # callback(work folder) of the plugin
        self.aside = None  # set_aside_layers() while a step replaces the files they read
        self.chosen = {}  # combo: the id of its layer, set aside with the others

        self.tasks = tasks
        self.runner = AlgorithmRunner(tasks, iface.messageBar(), self)
        self.runner.started.connect(self._run_started)
        self.runner.message.connect(self._log_line)
        self.runner.progress.connect(self._show_progress)
        self.runner.finished.connect(self._run_finished)
        self.area_tool = AreaDrawTool(self.canvas)
        self.area_tool.drawn.connect(self.save_area)
        self.point_tool = PointPickTool(self.canvas)
        self.point_tool.picked.connect(lambda point, _add: self.set_reference_point(point))
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(REFRESH_MS)
        self.refresh_timer.timeout.connect(self.refresh_status)

        body = QWidget()
        layout = QVBoxLayout(body)
        top = QFormLayout()
        self.work_widget = QgsFileWidget()
        self.work_widget.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.work_widget.setToolTip(tr("Every step reads and writes this folder; a rerun continues what is there."))
        top.addRow(tr("Work folder"), self.work_widget)
        self.new_label = QLabel()
        self.new_label.setObjectName("SbasNewAcquisitions")
        self.new_label.setWordWrap(True)
        self.new_label.hide()
        top.addRow(self.new_label)
        layout.addLayout(top)
        self.area_page = AreaPage()
        self.network_page = NetworkPage()
        self.hyp3_page = Hyp3Page()
        self.time_series_page = TimeSeriesPage(self.canvas)
        self.results_page = ResultsPage()
        self.decomposition_page = DecompositionPage()
        self.pages = (
            self.area_page,
            self.network_page,
            self.hyp3_page,
            self.time_series_page,
            self.results_page,
            self.decomposition_page,
        )
        packages = Page()
        packages.form.addRow(PackagesBox())
        self.toolbox = QToolBox()
        for page, title in zip(
            (*self.pages, packages),
            (
                tr("1. Area and scenes"),
                tr("2. Network"),
                tr("3. HyP3 jobs"),
                tr("4. Time series (MintPy)"),
                tr("5. Results"),
                tr("6. Vertical and east-west"),
                tr("Python packages"),
            ),
        ):
            self.toolbox.addItem(scrolled(page), title)
        self.tools = MapToolSwitch(
            self.canvas,
            {self.area_tool: self.area_page.draw_button, self.point_tool: self.time_series_page.pick_button},
        )
        layout.addWidget(self.toolbox, 1)
        layout.addWidget(self._log_box())
        self.setWidget(body)
        self._connect_pages()
        self.restore_project_state({})

    def _connect_pages(self) -> None:
        area, hyp3, results = self.area_page, self.hyp3_page, self.results_page
        clicks = {
            area.search_button: self.search,
            self.network_page.pairs_button: self.build_pairs,
            hyp3.submit_button: self.submit,
            hyp3.status_button: self.refresh_status,
            hyp3.download_button: self.download,
            hyp3.update_button: self.update_work,
            self.time_series_page.run_button: self.run_time_series,
            results.load_button: self.load_result_layers,
            results.timeseries_button: self._open_timeseries,
            results.points_button: self.make_points,
            results.extract_button: self.extract_values,
            results.graphs_button: self.make_graphs,
            results.report_button: self.make_report,
            self.decomposition_page.decompose_button: self.decompose,
        }
        for button, step in clicks.items():
            button.clicked.connect(step)
        hyp3.auto_refresh.toggled.connect(self._auto_refresh_toggled)
        for signal in (
            self.work_widget.fileChanged,
            area.area_combo.layerChanged,
            hyp3.name_edit.textChanged,
            results.raster_combo.layerChanged,
            results.aoi_combo.layerChanged,
            results.points_combo.layerChanged,
            results.ids_edit.textChanged,
            self.decomposition_page.other_widget.fileChanged,
        ):
            signal.connect(self._update_buttons)
        self.work_widget.fileChanged.connect(self._work_changed)
        hyp3.name_edit.editingFinished.connect(self.load_jobs)

    def _log_box(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 100)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.runner.cancel)
        row.addWidget(self.progress_bar, 1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.log_view = QPlainTextEdit()
        self.log_view.setReadOnly(True)
        self.log_view.setMaximumBlockCount(5000)
        self.log_view.setMinimumHeight(180)
        layout.addWidget(self.log_view)
        return box

    # --- state --------------------------------------------------------------------------------

    def work(self) -> str:
        return self.work_widget.filePath().strip()

    def _work_changed(self) -> None:
        self.time_series_page.set_work(self.work())
        self.results_page.set_work(self.work())
        self.decomposition_page.set_work(self.work())
        self.load_jobs()
        self.check_new_acquisitions()

    def check_new_acquisitions(self, again: bool = False) -> None:
        """The count of new acquisitions for a work folder that can be updated: today's answer if ASF was
        asked today (unless `again`: the folder changed since), else a background search; nothing when
        offline or switched off in the options."""
        work = self.work()
        self.new_label.hide()
        if not can_check(work):
            return
        known = None if again else seen(work)
        if known:
            self._show_new_acquisitions(work, *known)
            return
        self.tasks.start(
            NewAcquisitionsTask(work, lambda since, count: self._show_new_acquisitions(work, since, count))
        )

    def _show_new_acquisitions(self, work: str, since: str, count: int) -> None:
        if work == self.work():  # not a folder left meanwhile
            self.new_label.setText(message(since, count))
            self.new_label.show()

    def _update_buttons(self) -> None:
        area, hyp3, results = self.area_page, self.hyp3_page, self.results_page
        busy = tr("Another step is running: wait for it or cancel it.") if self.runner.running() else ""
        rewriting = tr("Wait: the running step is replacing the result files.") if self.aside is not None else ""
        no_work = tr("Choose a work folder first.") if not self.work() else ""
        no_area = tr("Choose or draw an area first.") if area.area_combo.currentLayer() is None else ""
        no_name = tr("Give the HyP3 project name first.") if not hyp3.name() else ""
        needs = {
            area.draw_button: no_work,
            area.search_button: busy or no_work or no_area,
            self.network_page.pairs_button: busy or no_work,
            hyp3.submit_button: busy or no_work or no_name,
            hyp3.status_button: busy or no_work or no_name,
            hyp3.download_button: busy or no_work or no_name,
            hyp3.update_button: busy or no_work or no_name,
            self.time_series_page.run_button: busy or no_work or no_area,
            results.load_button: rewriting or no_work,
            results.timeseries_button: rewriting or no_work,
            results.points_button: busy
            or (
                tr("Choose a raster and an area first.")
                if results.raster_combo.currentLayer() is None or results.aoi_combo.currentLayer() is None
                else ""
            ),
            results.extract_button: busy
            or no_work
            or (tr("Choose a points layer first.") if results.points_combo.currentLayer() is None else ""),
            results.graphs_button: busy
            or no_work
            or (tr("Type the point ids first.") if not results.ids_edit.text() else ""),
            results.report_button: busy or no_work,
            self.decomposition_page.decompose_button: busy
            or no_work
            or (
                tr("Choose the other track's work folder first.")
                if not self.decomposition_page.other_widget.filePath().strip()
                else ""
            ),
        }
        for button, missing in needs.items():
            button.setEnabled(not missing)
            button.setToolTip(missing)

    def project_state(self) -> dict:
        """What the project file keeps of the dock: plain JSON values."""
        state = {"work": self.work()}
        for page in self.pages:
            state.update(page.state())
        return state

    def restore_project_state(self, state: dict) -> None:
        """Show a project's state; missing values (and an empty state: a new project) take the defaults."""
        self.aside = None  # set aside from another project: not for this one
        self.work_widget.setFilePath(state.get("work", ""))
        for page in self.pages:
            page.restore(state)
        self.load_jobs()
        self._update_buttons()

    # --- map tools ------------------------------------------------------------------------------

    def set_reference_point(self, point, authid=None) -> None:
        """The reference point in a CRS (default: the canvas's, as picked), or None for automatic."""
        self.time_series_page.set_reference_point(point, authid)

    def save_area(self, polygon: QgsGeometry) -> None:
        """Write the drawn polygon (canvas CRS) to WORK/aoi.gpkg in EPSG:3857 and make it the area."""
        project = QgsProject.instance()
        Path(self.work()).mkdir(parents=True, exist_ok=True)
        path = WorkFolder(self.work()).area
        geometry = QgsGeometry(polygon)
        geometry.transform(
            QgsCoordinateTransform(
                self.canvas.mapSettings().destinationCrs(), QgsCoordinateReferenceSystem(AREA_CRS), project
            )
        )
        memory = QgsVectorLayer(f"Polygon?crs={AREA_CRS}", "aoi", "memory")
        feature = QgsFeature()
        feature.setGeometry(geometry)
        memory.dataProvider().addFeatures([feature])
        options = QgsVectorFileWriter.SaveVectorOptions()
        options.driverName = "GPKG"
        options.layerName = "aoi"
        partial = path.with_name("aoi.part.gpkg")
        written = QgsVectorFileWriter.writeAsVectorFormatV3(memory, str(partial), project.transformContext(), options)
        if written[0] != QgsVectorFileWriter.WriterError.NoError:
            self.iface.messageBar().pushCritical(tr("SBAS"), tr("Cannot write {}: {}").format(path, written[1]))
            return
        # The old area layer holds the file open: out of the project before the new file takes its name.
        remove_layers_of(path)
        os.replace(partial, path)
        self.area_page.area_combo.setLayer(replace_layer(path, tr("SBAS area"), "#d32f2f"))
        self.area_page.draw_button.setChecked(False)

    # --- running steps ------------------------------------------------------------------------

    def _run(self, algorithm_id: str, parameters: dict, on_success=None) -> bool:
        try:
            self.runner.start(algorithm_id, parameters, on_success)
        except RuntimeError as error:
            self.iface.messageBar().pushWarning(tr("SBAS"), str(error))
            return False
        return True

    def _run_replacing(self, files: list, algorithm_id: str, parameters: dict, on_success=None) -> None:
        """_run for a step that replaces `files` (and what is in those folders): the layers reading them
        leave the project and the time-series dock closes them until the step ends (_put_back)."""
        roots = [Path(path).resolve() for path in files]
        results = self.results_page
        combos = (
            self.area_page.area_combo,
            results.raster_combo,
            results.aoi_combo,
            results.points_combo,
            results.classes_combo,
        )
        self.chosen = {combo: combo.currentLayer().id() for combo in combos if combo.currentLayer() is not None}
        self.aside = set_aside_layers(roots)
        self.rewriting.emit(roots)
        if not self._run(algorithm_id, parameters, on_success):
            self._put_back()

    def _put_back(self) -> list:
        """The layers set aside by _run_replacing back (the same ids), chosen again in the combos that had
        them; the time-series dock reopens what it had open. Returns the layers that came back invalid."""
        if self.aside is None:  # put back already (unload), or forgotten with the project
            return []
        aside, self.aside = self.aside, None
        back = {layer.id(): layer for layer in put_back_layers(aside)}
        for combo, layer_id in self.chosen.items():
            if layer_id in back:
                combo.setLayer(back[layer_id])
        self.rewritten.emit()
        self._update_buttons()
        return [layer for layer in back.values() if not layer.isValid()]

    def _run_started(self, name: str) -> None:
        self.log_view.appendPlainText(f"— {name} —")
        self.progress_bar.setValue(0)
        self.cancel_button.setEnabled(True)
        self._update_buttons()

    def _log_line(self, text: str, warning: bool) -> None:
        self.log_view.appendPlainText(tr("WARNING: {}").format(text) if warning else text)

    def _show_progress(self, percent: float) -> None:
        self.progress_bar.setValue(round(percent))

    def _run_finished(self, ok: bool, results: dict) -> None:
        self._put_back()  # failed or canceled: what was there comes back
        self.cancel_button.setEnabled(self.runner.running())  # a chained step may have started already
        self._update_buttons()

    def search(self) -> None:
        folder = WorkFolder(self.work())
        parameters = {**self.area_page.parameters(), "WORK": self.work()}
        self._run_replacing([folder.scenes_gpkg, folder.scenes_geojson], "sbas:search", parameters, self._searched)

    def _searched(self, results: dict) -> None:
        self._put_back()
        replace_layer(Path(results["SCENES"]), tr("SBAS scenes"), "#1565c0")
        self.area_page.scenes_label.setText(tr("{} scenes found.").format(int(results["COUNT"])))

    def build_pairs(self) -> None:
        looks = self.hyp3_page.looks_combo.currentIndex()  # the pairs' credits depend on them
        parameters = {"WORK": self.work(), **self.network_page.parameters(), "LOOKS": looks}
        self._run("sbas:pairs", parameters, self._paired)

    def _paired(self, results: dict) -> None:
        pairs = len(read_pairs(results["PAIRS"]))
        self.network_page.show_network(pairs, int(results["CREDITS"]), results["NETWORK"])

    def _hyp3_parameters(self) -> dict:
        return {"WORK": self.work(), "NAME": self.hyp3_page.name()}

    def submit(self) -> None:
        looks, name = self.hyp3_page.looks(), self.hyp3_page.name()
        try:
            pairs = len(read_pairs(WorkFolder(self.work()).pairs_csv))
        except Hyp3Failure as error:
            self.iface.messageBar().pushWarning(tr("SBAS"), tr("Build the pairs first: {}").format(error))
            return
        question = QMessageBox(
            QMessageBox.Icon.Question,
            tr("Submit HyP3 jobs"),
            tr(
                "Submit {pairs} pairs as project {name} ({looks} looks)? That costs {credits} credits; pairs "
                "already on HyP3 under this name are not submitted or paid again. HyP3 cannot cancel jobs."
            ).format(pairs=pairs, name=name, looks=looks, credits=credits(pairs, looks)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        if question.exec() != QMessageBox.StandardButton.Yes:
            return
        parameters = {"WORK": self.work(), **self.hyp3_page.parameters(), "ACCEPT_COST": True}
        self._run("sbas:submit", parameters, lambda results: self.load_jobs())

    def refresh_status(self) -> None:
        if self.runner.running():  # a timer tick while another step runs: the next tick will do
            return
        self._run("sbas:status", self._hyp3_parameters(), self._status_done)

    def _status_done(self, results: dict) -> None:
        self.load_jobs()
        if not any(results.get(status) for status in PENDING):
            self.hyp3_page.auto_refresh.setChecked(False)

    def _auto_refresh_toggled(self, on: bool) -> None:
        if on:
            self.refresh_timer.start()
        else:
            self.refresh_timer.stop()

    def load_jobs(self) -> None:
        """The job table from the work folder's job record (hyp3_jobs.json) for the project name."""
        project = {}
        if self.work():
            try:
                project = load_record(Path(self.work()))["projects"].get(self.hyp3_page.name(), {})
            except Hyp3Failure as error:
                self.iface.messageBar().pushWarning(tr("SBAS"), str(error))
        self.hyp3_page.jobs_table.show_project(project)

    def download(self) -> None:
        parameters = {**self._hyp3_parameters(), "WORKERS": load_settings().download_workers}
        products = self.time_series_page.products_widget
        self._run("sbas:download", parameters, lambda results: products.setFilePath(results["PRODUCTS"]))

    def _time_series_files(self) -> list:
        """What sbas:run writes, and may replace on a rerun."""
        folder = WorkFolder(self.work())
        return [
            folder.geotiffs,
            folder.mintpy,
            folder.clipped,
            folder.points_gpkg,
            folder.points_csv,
            *files_named_as_table(folder.values_csv),  # or its parts
        ]

    def run_time_series(self) -> None:
        parameters = {
            **self.time_series_page.parameters(),
            "AOI": self.area_page.area_combo.currentLayer().id(),
            "WORK": self.work(),
        }
        self._run_replacing(self._time_series_files(), "sbas:run", parameters, self._time_series_done)

    def update_work(self) -> None:
        """sbas:update in two runs: the plan (new pairs appended, nothing posted), the cost asked here, then
        the whole update (submit, wait, download, rerun), which replaces the time series' files."""
        parameters = {**self._hyp3_parameters(), "ACCEPT_COST": False, "WAIT": False, "RUN": False}
        self._run("sbas:update", parameters, self._update_planned)

    def _update_planned(self, results: dict) -> None:
        self.load_jobs()
        to_submit = int(results["TO_SUBMIT"])
        if to_submit:
            question = QMessageBox(
                QMessageBox.Icon.Question,
                tr("Update with new acquisitions"),
                tr(
                    "{dates} new dates and {pairs} new pairs. Submit {to_submit} pairs as project {name} for {cost} "
                    "credits, wait for them, download them and rerun the time series? Pairs already on HyP3 are not "
                    "paid again. HyP3 cannot cancel jobs."
                ).format(
                    dates=int(results["NEW_DATES"]),
                    pairs=int(results["NEW_PAIRS"]),
                    to_submit=to_submit,
                    name=self.hyp3_page.name(),
                    cost=f"{results['COST']:g}",
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                self,
            )
            if question.exec() != QMessageBox.StandardButton.Yes:
                return
        parameters = {
            **self._hyp3_parameters(),
            "ACCEPT_COST": True,
            "WAIT": True,
            "RUN": True,
            "WORKERS": load_settings().download_workers,
        }
        self._run_replacing(self._time_series_files(), "sbas:update", parameters, self._updated)

    def _updated(self, results: dict) -> None:
        self.load_jobs()
        self._time_series_done(results)
        self.check_new_acquisitions(again=True)  # today's answer was about the folder before the update

    def _time_series_done(self, results: dict) -> None:
        self.time_series_page.show_coverage(self.work())
        invalid = self._put_back()
        if invalid:  # per-date layers of dates the new run no longer has
            message = tr(
                "The time series is ready; {} layers point to dates the new run no longer has: load the result "
                "layers again."
            ).format(len(invalid))
        else:
            message = tr("The time series is ready: load the result layers on the Results page.")
        self.iface.messageBar().pushSuccess(tr("SBAS"), message)

    def load_result_layers(self):
        """The work folder's styled result layers (sbas_plugin.gui.results.LoadedResults)."""
        loaded = load_results(self.work())
        if loaded.velocity is None and loaded.points is None:
            self.iface.messageBar().pushWarning(
                tr("SBAS"), tr("No results in {} yet: run the time series first.").format(self.work())
            )
        return loaded

    def make_points(self) -> None:
        self._run("sbas:points", self.results_page.points_parameters(), self._points_made)

    def _points_made(self, results: dict) -> None:
        layer = self.runner.context.takeResultLayer(results["OUTPUT"])
        layer.setName(tr("Pixel-centre points"))
        QgsProject.instance().addMapLayer(layer)
        self.iface.messageBar().pushSuccess(
            tr("SBAS"), tr("{} pixel-centre points added.").format(layer.featureCount())
        )

    def extract_values(self) -> None:
        parameters = {"WORK": self.work(), **self.results_page.values_parameters()}
        self._run_replacing(files_named_as_table(parameters["OUTPUT"]), "sbas:extract", parameters)

    def make_graphs(self) -> None:
        work = Path(self.work())
        parameters = {
            "VALUES": str(WorkFolder(work).values_csv),
            **self.results_page.graphs_parameters(),
            "WORK": str(work),
            "OUTPUT": str(work / "graphs.zip"),
        }
        self._run("sbas:plot", parameters)

    def make_report(self) -> None:
        """sbas:coherence, then sbas:validate when benchmarks are given, then sbas:report, one after the
        other; the report opens in the browser."""
        work = Path(self.work())
        coherence = {"WORK": str(work), "OUTPUT": str(work / "coherence"), **self.results_page.coherence_parameters()}
        validation = self.results_page.validation_parameters()
        report = {"WORK": str(work), "COHERENCE": str(work / "coherence"), "OUTPUT": str(work / "report.html")}

        def validate(_results) -> None:
            if not validation:
                self._run("sbas:report", report, opened)
                return
            parameters = {"WORK": str(work), **validation, "OUTPUT": str(work / "validation")}
            self._run("sbas:validate", parameters, lambda _: self._run("sbas:report", with_validation, opened))

        def opened(results) -> None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(results["OUTPUT"]))
            self.iface.messageBar().pushSuccess(tr("SBAS"), tr("Quality report written: {}").format(results["OUTPUT"]))

        with_validation = {**report, "VALIDATION": str(work / "validation")}
        self._run("sbas:coherence", coherence, validate)

    def decompose(self) -> None:
        """sbas:decompose of the work folder and the other track's; its layers and the time-series dock open on it."""
        parameters = {"WORK_A": self.work(), **self.decomposition_page.parameters()}
        self._run_replacing([parameters["OUTPUT"]], "sbas:decompose", parameters, self._decomposed)

    def _decomposed(self, results: dict) -> None:
        load_decomposition(results["OUTPUT"])
        if self.open_timeseries is not None:
            self.open_timeseries(results["OUTPUT"])
        self.iface.messageBar().pushSuccess(
            tr("SBAS"), tr("Vertical and east-west motion written to {}.").format(results["OUTPUT"])
        )

    def _open_timeseries(self) -> None:
        if self.open_timeseries is not None:
            self.open_timeseries(self.work())

    # --- end ------------------------------------------------------------------------------------

    def unload(self) -> None:
        """Stop the timer and the running step, give the map its tool back, take the marker and the rubber
        band off the canvas."""
        self.refresh_timer.stop()
        self.runner.cancel()
        self._put_back()
        self.tools.unload()
        self.time_series_page.unload()
        self.area_tool.reset()


def scrolled(page: QWidget) -> QScrollArea:
    """A page as the toolbox shows it: scrolling when the dock is short."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(page)
    return scroll
