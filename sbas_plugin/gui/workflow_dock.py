"""The workflow dock: one work folder and the steps of the pipeline in order, each run as a background
Processing task (the same algorithms as the Toolbox and `qgis_process`, the same core as the CLI)."""

import os
import re
from pathlib import Path
from typing import Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsMapLayerFactory,
    QgsMapLayerProxyModel,
    QgsPointXY,
    QgsProject,
    QgsProviderRegistry,
    QgsReadWriteContext,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.gui import (
    QgsDateEdit,
    QgsDockWidget,
    QgsFieldComboBox,
    QgsFileWidget,
    QgsMapLayerComboBox,
    QgsVertexMarker,
)
from qgis.PyQt.QtCore import QCoreApplication, QDate, QEvent, QRegularExpression, Qt, QTimer, QUrl, pyqtSignal
from qgis.PyQt.QtGui import QColor, QDesktopServices, QPixmap, QRegularExpressionValidator
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolBox,
    QVBoxLayout,
    QWidget,
)
from qgis.PyQt.QtXml import QDomDocument

from sbas_plugin.core.hyp3 import PAIRS, PENDING, Hyp3Failure, load_record, read_pairs
from sbas_plugin.core.network import credits
from sbas_plugin.core.search import SCENES_GEOJSON, SCENES_GPKG
from sbas_plugin.gui.map_tools import AreaDrawTool, MapToolSwitch, PointPickTool
from sbas_plugin.gui.packages import PackagesBox
from sbas_plugin.gui.results import load_results
from sbas_plugin.gui.runner import AlgorithmRunner
from sbas_plugin.i18n import tr
from sbas_plugin.settings import load_settings

AREA_FILE = "aoi.gpkg"
AREA_CRS = "EPSG:3857"  # areas are drawn on web basemaps and kept as drawn
LOOKS = ("20x4", "10x2")  # sbas:pairs / sbas:submit LOOKS, in their order
SUBMIT_OPTIONS = ("WATER_MASK", "DISPLACEMENT_MAPS", "WRAPPED_PHASE", "INC_MAP")
REFERENCE_DATES = ("first", "auto", "date")
DATE_FORMAT = "yyyy-MM-dd"
NAME_PATTERN = "[A-Za-z0-9_-]{0,20}"  # HyP3 project names
REFRESH_MS = 60_000
# What sbas:run writes in the work folder, and may replace on a rerun.
RUN_OUTPUTS = ("GeoTiffs", "mintpy", "clipped", "points.gpkg", "points.csv", "Geotiff_value.csv")


def outline(layer: QgsVectorLayer, colour: str) -> None:
    symbol = layer.renderer().symbol().symbolLayer(0)
    symbol.setBrushStyle(Qt.BrushStyle.NoBrush)
    symbol.setStrokeColor(QColor(colour))
    symbol.setStrokeWidth(0.6)


def file_of(layer) -> Optional[Path]:
    """The file a layer reads, or None (memory and web layers). Of a GDAL subdataset (HDF5:"file"://name),
    its file; QGIS 3.22 gives a CSV layer's Windows path as /C:/..."""
    path = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source()).get("path")
    if not path:
        return None
    quoted = re.match(r'^\w+:"([^"]+)"', path)
    return Path(quoted.group(1) if quoted else re.sub(r"^/(?=[A-Za-z]:)", "", path)).resolve()


def is_under(path: Optional[Path], roots) -> bool:
    return path is not None and any(path == root or root in path.parents for root in roots)


def set_aside_layers(roots) -> list:
    """Take the layers reading files under `roots` out of the project, so that a step can replace those
    files: Windows refuses to replace a file open in QGIS. Their nodes stay in the layer tree, to keep their
    places for put_back_layers(). Returns each layer as the project file keeps it (source, name, style,
    temporal settings, id), as XML text."""
    project = QgsProject.instance()
    aside, ids = [], []
    for layer in project.mapLayers().values():
        if is_under(file_of(layer), roots):
            document = QDomDocument()
            element = document.createElement("maplayer")
            layer.writeLayerXml(element, document, QgsReadWriteContext())
            document.appendChild(element)
            aside.append(document.toString())
            ids.append(layer.id())
    bridge = project.layerTreeRegistryBridge()
    enabled = bridge.isEnabled()
    bridge.setEnabled(False)  # the bridge would take the layers' nodes out too
    project.removeMapLayers(ids)
    bridge.setEnabled(enabled)
    # QGIS's OGR connection pool closes a removed layer's file in a deleteLater: now, before the step writes.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return aside


def put_back_layers(aside: list) -> list:
    """The layers of set_aside_layers() back in their places, each reading its file as it is now (invalid
    if it is gone). Returns them."""
    project = QgsProject.instance()
    root = project.layerTreeRoot()
    options = QgsMapLayerFactory.LayerOptions(project.transformContext())
    layers = []
    for text in aside:
        document = QDomDocument()
        document.setContent(text)
        element = document.documentElement()
        kind, _ = QgsMapLayerFactory.typeFromString(element.attribute("type"))
        layer = QgsMapLayerFactory.createLayer("", "", kind, options)
        layer.readLayerXml(element, QgsReadWriteContext())
        project.addMapLayer(layer, False)
        if root.findLayer(layer.id()) is None:  # its node was deleted meanwhile
            root.insertLayer(0, layer)
        layers.append(layer)
    root.resolveReferences(project)  # the kept nodes find their layers again
    return layers


def remove_layers_of(path: Path) -> None:
    """Out of the project: the layers reading `path` (which keep the file open)."""
    project = QgsProject.instance()
    project.removeMapLayers([lyr.id() for lyr in project.mapLayers().values() if file_of(lyr) == path.resolve()])


def replace_layer(path: Path, name: str, colour: str) -> QgsVectorLayer:
    """The file as a project layer, outlined; a previous layer of the same file goes first."""
    remove_layers_of(path)
    project = QgsProject.instance()
    layer = QgsVectorLayer(str(path), name, "ogr")
    outline(layer, colour)
    project.addMapLayer(layer)
    return layer


def qdate_from_iso(text, default: QDate) -> QDate:
    date = QDate.fromString(text or "", Qt.DateFormat.ISODate)
    return date if date.isValid() else default


def status_label(code: str) -> str:
    """A HyP3 status code as the table shows it ("" before the first status refresh)."""
    labels = {
        "PENDING": tr("pending"),
        "RUNNING": tr("running"),
        "SUCCEEDED": tr("succeeded"),
        "FAILED": tr("failed"),
    }
    return labels.get(code, code or tr("submitted"))


def short_pair(reference: str, secondary: str) -> str:
    """Two scene names as their acquisition dates (characters 17..24 of a Sentinel-1 SLC name)."""

    def date(scene):
        return f"{scene[17:21]}-{scene[21:23]}-{scene[23:25]}"

    return f"{date(reference)} – {date(secondary)}"


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
        self.reference_point = None  # (x, y, authid of its CRS) or None: the most coherent land pixel
        self.marker = None
        self.aside = None  # set_aside_layers() while a step replaces the files they read
        self.chosen = {}  # combo: the id of its layer, set aside with the others

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
        layout.addLayout(top)
        self.toolbox = QToolBox()
        self._area_page()
        self._network_page()
        self._hyp3_page()
        self._processing_page()
        self._results_page()
        self._page(tr("Python packages")).addRow(PackagesBox())
        self.tools = MapToolSwitch(self.canvas, {self.area_tool: self.draw_button, self.point_tool: self.pick_button})
        layout.addWidget(self.toolbox, 1)
        layout.addWidget(self._log_box())
        self.setWidget(body)

        for signal in (
            self.work_widget.fileChanged,
            self.area_combo.layerChanged,
            self.name_edit.textChanged,
            self.raster_combo.layerChanged,
            self.aoi_combo.layerChanged,
            self.points_combo.layerChanged,
            self.ids_edit.textChanged,
        ):
            signal.connect(self._update_buttons)
        self.work_widget.fileChanged.connect(self._work_changed)
        self.name_edit.editingFinished.connect(self.load_jobs)
        self.canvas.destinationCrsChanged.connect(self._place_marker)
        self.restore_project_state({})

    # --- layout ----------------------------------------------------------------------------------

    def _page(self, title: str) -> QFormLayout:
        page = QWidget()
        form = QFormLayout(page)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        self.toolbox.addItem(scroll, title)
        return form

    @staticmethod
    def _note(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    @staticmethod
    def _any_spin(maximum: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(0, maximum)
        spin.setSpecialValueText(tr("any"))
        return spin

    def _area_page(self) -> None:
        form = self._page(tr("1. Area and scenes"))
        self.area_combo = QgsMapLayerComboBox()
        self.area_combo.setFilters(QgsMapLayerProxyModel.Filter.PolygonLayer)
        self.area_combo.setAllowEmptyLayer(True)
        form.addRow(tr("Area"), self.area_combo)
        self.draw_button = QPushButton(tr("Draw area"))  # made checkable by self.tools
        form.addRow(self.draw_button)
        form.addRow(
            self._note(
                tr(
                    "Click the corners on the map; right-click or double-click ends, Esc starts over. Saved as "
                    "aoi.gpkg (EPSG:3857) in the work folder."
                )
            )
        )
        self.start_date, self.end_date = QgsDateEdit(), QgsDateEdit()
        for edit in (self.start_date, self.end_date):
            edit.setDisplayFormat(DATE_FORMAT)
            edit.setAllowNull(False)
        form.addRow(tr("First date"), self.start_date)
        form.addRow(tr("Last date"), self.end_date)
        self.direction_combo = QComboBox()
        self.direction_combo.addItems([tr("Any"), tr("Ascending"), tr("Descending")])
        form.addRow(tr("Orbit direction"), self.direction_combo)
        self.path_spin = self._any_spin(175)
        form.addRow(tr("Path"), self.path_spin)
        self.frame_spin = self._any_spin(9999)
        form.addRow(tr("Frame"), self.frame_spin)
        self.search_button = QPushButton(tr("Search"))
        self.search_button.clicked.connect(self.search)
        form.addRow(self.search_button)
        self.scenes_label = self._note("")
        form.addRow(self.scenes_label)

    def _network_page(self) -> None:
        form = self._page(tr("2. Network"))
        self.max_days_spin = QSpinBox()
        self.max_days_spin.setRange(1, 3650)
        form.addRow(tr("Longest temporal baseline (days)"), self.max_days_spin)
        self.max_bperp_spin = QDoubleSpinBox()
        self.max_bperp_spin.setRange(0, 10_000)
        self.max_bperp_spin.setDecimals(0)
        form.addRow(tr("Largest perpendicular baseline (m)"), self.max_bperp_spin)
        self.season_edit = QLineEdit()
        self.season_edit.setPlaceholderText(tr("MM-DD,MM-DD (empty: all year)"))
        form.addRow(tr("Season"), self.season_edit)
        self.bridge_spin = QSpinBox()
        self.bridge_spin.setRange(0, 10)
        form.addRow(tr("Bridge pairs up to (years)"), self.bridge_spin)
        self.pairs_button = QPushButton(tr("Build pairs"))
        self.pairs_button.clicked.connect(self.build_pairs)
        form.addRow(self.pairs_button)
        self.pairs_label = self._note("")
        form.addRow(self.pairs_label)
        self.network_label = QLabel()
        self.network_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        form.addRow(self.network_label)

    def _hyp3_page(self) -> None:
        form = self._page(tr("3. HyP3 jobs"))
        self.name_edit = QLineEdit()
        self.name_edit.setValidator(QRegularExpressionValidator(QRegularExpression(NAME_PATTERN)))
        self.name_edit.setToolTip(tr("Up to 20 letters, digits, _ or -. Publicly visible on HyP3."))
        form.addRow(tr("Project name"), self.name_edit)
        self.looks_combo = QComboBox()
        self.looks_combo.addItems(
            [tr("20x4: 80 m pixels, 10 credits a pair"), tr("10x2: 40 m pixels, 15 credits a pair")]
        )
        form.addRow(tr("Looks"), self.looks_combo)
        self.option_boxes = {}
        for key, label in zip(
            SUBMIT_OPTIONS,
            (
                tr("Mask water before phase unwrapping"),
                tr("Include displacement maps"),
                tr("Include the wrapped phase"),
                tr("Include the incidence angle maps"),
            ),
        ):
            self.option_boxes[key] = QCheckBox(label)
            form.addRow(self.option_boxes[key])
        self.submit_button = QPushButton(tr("Submit…"))
        self.submit_button.clicked.connect(self.submit)
        form.addRow(self.submit_button)
        self.jobs_table = QTableWidget(0, 3)
        self.jobs_table.setHorizontalHeaderLabels([tr("Pair"), tr("Status"), tr("Expires")])
        self.jobs_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.jobs_table.verticalHeader().setVisible(False)
        self.jobs_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.jobs_table.setMinimumHeight(140)
        form.addRow(self.jobs_table)
        self.status_button = QPushButton(tr("Refresh status"))
        self.status_button.clicked.connect(self.refresh_status)
        self.auto_refresh = QCheckBox(tr("Refresh every minute"))
        self.auto_refresh.setToolTip(tr("Stops by itself once no job is pending or running."))
        self.auto_refresh.toggled.connect(self._auto_refresh_toggled)
        row = QHBoxLayout()
        row.addWidget(self.status_button)
        row.addWidget(self.auto_refresh)
        form.addRow(row)
        self.download_button = QPushButton(tr("Download products"))
        self.download_button.clicked.connect(self.download)
        form.addRow(self.download_button)

    def _processing_page(self) -> None:
        form = self._page(tr("4. Time series (MintPy)"))
        self.products_widget = QgsFileWidget()
        self.products_widget.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        form.addRow(tr("Products folder"), self.products_widget)
        self.workers_spin = QSpinBox()
        self.workers_spin.setRange(0, 256)
        self.workers_spin.setSpecialValueText(tr("every core"))
        form.addRow(tr("Workers"), self.workers_spin)
        self.reference_edit = QLineEdit()
        self.reference_edit.setReadOnly(True)
        self.reference_edit.setPlaceholderText(tr("Automatic: the most coherent land pixel"))
        form.addRow(tr("Reference point"), self.reference_edit)
        self.pick_button = QPushButton(tr("Pick on map"))  # made checkable by self.tools
        automatic = QPushButton(tr("Automatic"))
        automatic.clicked.connect(lambda: self.set_reference_point(None))
        row = QHBoxLayout()
        row.addWidget(self.pick_button)
        row.addWidget(automatic)
        form.addRow(row)
        self.reference_date_combo = QComboBox()
        self.reference_date_combo.addItems([tr("First date"), tr("Automatic (MintPy's choice)"), tr("This date:")])
        self.reference_date_edit = QgsDateEdit()
        self.reference_date_edit.setDisplayFormat(DATE_FORMAT)
        self.reference_date_edit.setAllowNull(False)
        self.reference_date_combo.currentIndexChanged.connect(
            lambda i: self.reference_date_edit.setEnabled(REFERENCE_DATES[i] == "date")
        )
        form.addRow(tr("Reference date"), self.reference_date_combo)
        form.addRow("", self.reference_date_edit)
        self.troposphere_combo = QComboBox()
        self.troposphere_combo.addItems([tr("None"), tr("ERA5 (PyAPS; needs a CDS key)")])
        form.addRow(tr("Tropospheric correction"), self.troposphere_combo)
        self.deramp_combo = QComboBox()
        self.deramp_combo.addItems([tr("No"), tr("Linear"), tr("Quadratic")])
        form.addRow(tr("Remove a ramp"), self.deramp_combo)
        form.addRow(
            self._note(
                tr(
                    "Clips the products to the area, runs MintPy and exports GeoTIFFs, points and "
                    "Geotiff_value.csv. Run it again to resume: finished steps are skipped."
                )
            )
        )
        self.run_button = QPushButton(tr("Run / resume"))
        self.run_button.clicked.connect(self.run_time_series)
        form.addRow(self.run_button)

    def _results_page(self) -> None:
        form = self._page(tr("5. Results"))
        self.load_button = QPushButton(tr("Load result layers"))
        self.load_button.clicked.connect(self.load_result_layers)
        form.addRow(self.load_button)
        self.timeseries_button = QPushButton(tr("Open in the time-series dock"))
        self.timeseries_button.clicked.connect(self._open_timeseries)
        form.addRow(self.timeseries_button)

        points_box = QGroupBox(tr("Pixel-centre points"))
        points_form = QFormLayout(points_box)
        self.raster_combo = QgsMapLayerComboBox()
        self.raster_combo.setFilters(QgsMapLayerProxyModel.Filter.RasterLayer)
        self.aoi_combo = QgsMapLayerComboBox()  # its own area: points may be wanted for any polygon
        self.aoi_combo.setFilters(QgsMapLayerProxyModel.Filter.PolygonLayer)
        self.points_button = QPushButton(tr("Make points"))
        self.points_button.clicked.connect(self.make_points)
        points_form.addRow(tr("Raster"), self.raster_combo)
        points_form.addRow(tr("Area"), self.aoi_combo)
        points_form.addRow(self.points_button)
        form.addRow(points_box)

        values_box = QGroupBox(tr("Values and graphs"))
        values_form = QFormLayout(values_box)
        values_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.points_combo = QgsMapLayerComboBox()
        self.points_combo.setFilters(QgsMapLayerProxyModel.Filter.PointLayer)
        values_form.addRow(tr("Points"), self.points_combo)
        self.values_widget = QgsFileWidget()
        self.values_widget.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.values_widget.setFilter(tr("CSV files (*.csv)"))
        values_form.addRow(tr("Values CSV"), self.values_widget)
        self.extract_button = QPushButton(tr("Extract values CSV"))
        self.extract_button.clicked.connect(self.extract_values)
        values_form.addRow(self.extract_button)
        self.ids_edit = QLineEdit()
        self.ids_edit.setPlaceholderText(tr("point ids, e.g. 12, 15, 40"))
        values_form.addRow(tr("Graph points"), self.ids_edit)
        self.graphs_button = QPushButton(tr("Make graphs (graphs.zip)"))
        self.graphs_button.clicked.connect(self.make_graphs)
        values_form.addRow(self.graphs_button)
        form.addRow(values_box)
        form.addRow(self._quality_box())

    def _quality_box(self) -> QGroupBox:
        """The report for the office: coherence (per land-cover class when given), validation against
        benchmarks when given, gathered in WORK/report.html."""
        box = QGroupBox(tr("Quality report"))
        quality_form = QFormLayout(box)
        quality_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.classes_combo = QgsMapLayerComboBox()
        self.classes_combo.setFilters(QgsMapLayerProxyModel.Filter.PolygonLayer)
        self.classes_combo.setAllowEmptyLayer(True)
        self.classes_combo.setLayer(None)
        self.class_field_combo = QgsFieldComboBox()
        self.classes_combo.layerChanged.connect(self.class_field_combo.setLayer)
        quality_form.addRow(tr("Land cover (optional)"), self.classes_combo)
        quality_form.addRow(tr("Class field"), self.class_field_combo)
        self.benchmarks_widget = QgsFileWidget()
        self.benchmarks_widget.setFilter(tr("CSV files (*.csv)"))
        quality_form.addRow(tr("Benchmarks CSV (optional)"), self.benchmarks_widget)
        self.benchmarks_kind_combo = QComboBox()
        self.benchmarks_kind_combo.addItems([tr("Levelling (heights)"), tr("GNSS (east, north, up)")])
        quality_form.addRow(tr("Measurements"), self.benchmarks_kind_combo)
        self.benchmark_reference_edit = QLineEdit()
        self.benchmark_reference_edit.setPlaceholderText(tr("empty: remove the mean difference per date"))
        quality_form.addRow(tr("Reference benchmark"), self.benchmark_reference_edit)
        quality_form.addRow(
            self._note(tr("Benchmarks: id,x,y,date,height (GNSS: also east,north,up), in the time series' CRS."))
        )
        self.report_button = QPushButton(tr("Make the quality report"))
        self.report_button.clicked.connect(self.make_report)
        quality_form.addRow(self.report_button)
        return box

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
        work = self.work()
        self.products_widget.lineEdit().setPlaceholderText(str(Path(work) / "products") if work else "")
        self.values_widget.lineEdit().setPlaceholderText(str(Path(work) / "Geotiff_value.csv") if work else "")
        self.load_jobs()

    def _update_buttons(self) -> None:
        busy = tr("Another step is running: wait for it or cancel it.") if self.runner.running() else ""
        rewriting = tr("Wait: the running step is replacing the result files.") if self.aside is not None else ""
        no_work = tr("Choose a work folder first.") if not self.work() else ""
        no_area = tr("Choose or draw an area first.") if self.area_combo.currentLayer() is None else ""
        no_name = tr("Give the HyP3 project name first.") if not self.name_edit.text() else ""
        needs = {
            self.draw_button: no_work,
            self.search_button: busy or no_work or no_area,
            self.pairs_button: busy or no_work,
            self.submit_button: busy or no_work or no_name,
            self.status_button: busy or no_work or no_name,
            self.download_button: busy or no_work or no_name,
            self.run_button: busy or no_work or no_area,
            self.load_button: rewriting or no_work,
            self.timeseries_button: rewriting or no_work,
            self.points_button: busy
            or (
                tr("Choose a raster and an area first.")
                if self.raster_combo.currentLayer() is None or self.aoi_combo.currentLayer() is None
                else ""
            ),
            self.extract_button: busy
            or no_work
            or (tr("Choose a points layer first.") if self.points_combo.currentLayer() is None else ""),
            self.graphs_button: busy
            or no_work
            or (tr("Type the point ids first.") if not self.ids_edit.text() else ""),
            self.report_button: busy or no_work,
        }
        for button, missing in needs.items():
            button.setEnabled(not missing)
            button.setToolTip(missing)

    def project_state(self) -> dict:
        """What the project file keeps of the dock: plain JSON values."""
        return {
            "work": self.work(),
            "area_layer": self.area_combo.currentLayer().id() if self.area_combo.currentLayer() else "",
            "start": self.start_date.date().toString(Qt.DateFormat.ISODate),
            "end": self.end_date.date().toString(Qt.DateFormat.ISODate),
            "direction": self.direction_combo.currentIndex(),
            "path": self.path_spin.value(),
            "frame": self.frame_spin.value(),
            "max_days": self.max_days_spin.value(),
            "max_bperp": self.max_bperp_spin.value(),
            "season": self.season_edit.text(),
            "bridge_years": self.bridge_spin.value(),
            "name": self.name_edit.text(),
            "looks": LOOKS[self.looks_combo.currentIndex()],
            "options": [key for key, box in self.option_boxes.items() if box.isChecked()],
            "products": self.products_widget.filePath(),
            "workers": self.workers_spin.value(),
            "reference_point": list(self.reference_point) if self.reference_point else None,
            "reference_date": self._reference_date(),
            "troposphere": self.troposphere_combo.currentIndex(),
            "deramp": self.deramp_combo.currentIndex(),
        }

    def restore_project_state(self, state: dict) -> None:
        """Show a project's state; missing values (and an empty state: a new project) take the defaults."""
        self.aside = None  # set aside from another project: not for this one
        settings = load_settings()
        today = QDate.currentDate()
        self.work_widget.setFilePath(state.get("work", ""))
        self.area_combo.setLayer(QgsProject.instance().mapLayer(state.get("area_layer", "")))
        self.start_date.setDate(qdate_from_iso(state.get("start"), today.addYears(-1)))
        self.end_date.setDate(qdate_from_iso(state.get("end"), today))
        self.direction_combo.setCurrentIndex(state.get("direction", 0))
        self.path_spin.setValue(state.get("path", 0))
        self.frame_spin.setValue(state.get("frame", 0))
        self.max_days_spin.setValue(state.get("max_days", settings.max_temporal_baseline_days))
        self.max_bperp_spin.setValue(state.get("max_bperp", settings.max_perpendicular_baseline_m))
        self.season_edit.setText(state.get("season", ""))
        self.bridge_spin.setValue(state.get("bridge_years", 0))
        self.name_edit.setText(state.get("name", ""))
        self.looks_combo.setCurrentIndex(LOOKS.index(state.get("looks", LOOKS[0])))
        for key, box in self.option_boxes.items():
            box.setChecked(key in state.get("options", []))
        self.products_widget.setFilePath(state.get("products", ""))
        self.workers_spin.setValue(state.get("workers", 0))
        point = state.get("reference_point")
        self.set_reference_point(QgsPointXY(point[0], point[1]) if point else None, point[2] if point else None)
        reference_date = state.get("reference_date", "first")
        if reference_date in REFERENCE_DATES:
            self.reference_date_combo.setCurrentIndex(REFERENCE_DATES.index(reference_date))
        else:
            self.reference_date_combo.setCurrentIndex(REFERENCE_DATES.index("date"))
            self.reference_date_edit.setDate(QDate.fromString(reference_date, "yyyyMMdd"))
        self.reference_date_edit.setEnabled(self.reference_date_combo.currentIndex() == REFERENCE_DATES.index("date"))
        self.troposphere_combo.setCurrentIndex(state.get("troposphere", 0))
        self.deramp_combo.setCurrentIndex(state.get("deramp", 0))
        self.auto_refresh.setChecked(False)
        self.load_jobs()
        self.scenes_label.clear()
        self.pairs_label.clear()
        self.network_label.clear()
        self._update_buttons()

    def _reference_date(self) -> str:
        choice = REFERENCE_DATES[self.reference_date_combo.currentIndex()]
        return self.reference_date_edit.date().toString("yyyyMMdd") if choice == "date" else choice

    # --- map tools and the reference marker ---------------------------------------------------

    def save_area(self, polygon: QgsGeometry) -> None:
        """Write the drawn polygon (canvas CRS) to WORK/aoi.gpkg in EPSG:3857 and make it the area."""
        project = QgsProject.instance()
        work = Path(self.work())
        work.mkdir(parents=True, exist_ok=True)
        path = work / AREA_FILE
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
        self.area_combo.setLayer(replace_layer(path, tr("SBAS area"), "#d32f2f"))
        self.draw_button.setChecked(False)

    def set_reference_point(self, point, authid=None) -> None:
        """The reference point in a CRS (default: the canvas's, as picked), or None for automatic."""
        if self.marker is not None:
            self.canvas.scene().removeItem(self.marker)
            self.marker = None
        if point is None:
            self.reference_point = None
            self.reference_edit.clear()
            return
        authid = authid or self.canvas.mapSettings().destinationCrs().authid()
        self.reference_point = (point.x(), point.y(), authid)
        self.reference_edit.setText(f"{point.x():.6f}, {point.y():.6f} [{authid}]")
        self.marker = QgsVertexMarker(self.canvas)
        self.marker.setIconType(QgsVertexMarker.IconType.ICON_X)
        self.marker.setColor(QColor("#d32f2f"))
        self.marker.setIconSize(14)
        self.marker.setPenWidth(3)
        self._place_marker()
        self.pick_button.setChecked(False)

    def _place_marker(self) -> None:
        if self.marker is None:
            return
        x, y, authid = self.reference_point
        to_canvas = QgsCoordinateTransform(
            QgsCoordinateReferenceSystem(authid), self.canvas.mapSettings().destinationCrs(), QgsProject.instance()
        )
        self.marker.setCenter(to_canvas.transform(QgsPointXY(x, y)))

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
        combos = (self.area_combo, self.raster_combo, self.aoi_combo, self.points_combo, self.classes_combo)
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
        parameters = {
            "AOI": self.area_combo.currentLayer().id(),
            "START": self.start_date.date().toString(Qt.DateFormat.ISODate),
            "END": self.end_date.date().toString(Qt.DateFormat.ISODate),
            "DIRECTION": self.direction_combo.currentIndex(),
            "PATH": self.path_spin.value() or None,
            "FRAME": self.frame_spin.value() or None,
            "WORK": self.work(),
        }
        work = Path(self.work())
        self._run_replacing([work / SCENES_GPKG, work / SCENES_GEOJSON], "sbas:search", parameters, self._searched)

    def _searched(self, results: dict) -> None:
        self._put_back()
        replace_layer(Path(results["SCENES"]), tr("SBAS scenes"), "#1565c0")
        self.scenes_label.setText(tr("{} scenes found.").format(int(results["COUNT"])))

    def build_pairs(self) -> None:
        parameters = {
            "WORK": self.work(),
            "MAX_DAYS": self.max_days_spin.value(),
            "MAX_BPERP": self.max_bperp_spin.value(),
            "SEASON": self.season_edit.text().strip(),
            "BRIDGE_YEARS": self.bridge_spin.value(),
            "LOOKS": self.looks_combo.currentIndex(),
        }
        self._run("sbas:pairs", parameters, self._paired)

    def _paired(self, results: dict) -> None:
        pairs = len(read_pairs(results["PAIRS"]))
        self.pairs_label.setText(tr("{} pairs, {} HyP3 credits.").format(pairs, int(results["CREDITS"])))
        picture = QPixmap(results["NETWORK"])
        width = max(200, self.toolbox.width() - 40)
        self.network_label.setPixmap(picture.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation))

    def _hyp3_parameters(self) -> dict:
        return {"WORK": self.work(), "NAME": self.name_edit.text()}

    def submit(self) -> None:
        looks = LOOKS[self.looks_combo.currentIndex()]
        try:
            pairs = len(read_pairs(Path(self.work()) / PAIRS))
        except Hyp3Failure as error:
            self.iface.messageBar().pushWarning(tr("SBAS"), tr("Build the pairs first: {}").format(error))
            return
        question = QMessageBox(
            QMessageBox.Icon.Question,
            tr("Submit HyP3 jobs"),
            tr(
                "Submit {pairs} pairs as project {name} ({looks} looks)? That costs {credits} credits; pairs "
                "already on HyP3 under this name are not submitted or paid again. HyP3 cannot cancel jobs."
            ).format(pairs=pairs, name=self.name_edit.text(), looks=looks, credits=credits(pairs, looks)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        if question.exec() != QMessageBox.StandardButton.Yes:
            return
        parameters = {**self._hyp3_parameters(), "LOOKS": self.looks_combo.currentIndex(), "ACCEPT_COST": True}
        parameters.update({key: box.isChecked() for key, box in self.option_boxes.items()})
        self._run("sbas:submit", parameters, lambda results: self.load_jobs())

    def refresh_status(self) -> None:
        if self.runner.running():  # a timer tick while another step runs: the next tick will do
            return
        self._run("sbas:status", self._hyp3_parameters(), self._status_done)

    def _status_done(self, results: dict) -> None:
        self.load_jobs()
        if not any(results.get(status) for status in PENDING):
            self.auto_refresh.setChecked(False)

    def _auto_refresh_toggled(self, on: bool) -> None:
        if on:
            self.refresh_timer.start()
        else:
            self.refresh_timer.stop()

    def load_jobs(self) -> None:
        """The job table from the work folder's job record (hyp3_jobs.json) for the project name."""
        self.jobs_table.setRowCount(0)
        if not self.work():
            return
        try:
            record = load_record(Path(self.work()))
        except Hyp3Failure as error:
            self.iface.messageBar().pushWarning(tr("SBAS"), str(error))
            return
        project = record["projects"].get(self.name_edit.text(), {})
        for key, entry in project.get("pairs", {}).items():
            reference, secondary = key.split(" ")
            row = self.jobs_table.rowCount()
            self.jobs_table.insertRow(row)
            pair = QTableWidgetItem(short_pair(reference, secondary))
            pair.setToolTip("\n".join([reference, secondary, *entry.get("job_ids", [])]))
            # Status and expiry when the record carries them; the record always names the pair's jobs.
            status = QTableWidgetItem(status_label(entry.get("status", "")))
            expiry = QTableWidgetItem((entry.get("expiration_time") or "—").replace("T", " ").replace("+00:00", " UTC"))
            for column, item in enumerate((pair, status, expiry)):
                self.jobs_table.setItem(row, column, item)
        self.jobs_table.resizeColumnToContents(1)

    def download(self) -> None:
        parameters = {**self._hyp3_parameters(), "WORKERS": load_settings().download_workers}
        self._run("sbas:download", parameters, lambda results: self.products_widget.setFilePath(results["PRODUCTS"]))

    def run_time_series(self) -> None:
        parameters = {
            "PRODUCTS": self.products_widget.filePath() or str(Path(self.work()) / "products"),
            "AOI": self.area_combo.currentLayer().id(),
            "WORK": self.work(),
            "WORKERS": self.workers_spin.value(),
            "REFERENCE_DATE": self._reference_date(),
            "TROPOSPHERE": self.troposphere_combo.currentIndex(),
            "DERAMP": self.deramp_combo.currentIndex(),
        }
        if self.reference_point:
            x, y, authid = self.reference_point
            parameters["REFERENCE_POINT"] = f"{x!r},{y!r} [{authid}]"
        work = Path(self.work())
        self._run_replacing([work / name for name in RUN_OUTPUTS], "sbas:run", parameters, self._time_series_done)

    def _time_series_done(self, results: dict) -> None:
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
        parameters = {
            "RASTER": self.raster_combo.currentLayer().id(),
            "AOI": self.aoi_combo.currentLayer().id(),
            "OUTPUT": "TEMPORARY_OUTPUT",
        }
        self._run("sbas:points", parameters, self._points_made)

    def _points_made(self, results: dict) -> None:
        layer = self.runner.context.takeResultLayer(results["OUTPUT"])
        layer.setName(tr("Pixel-centre points"))
        QgsProject.instance().addMapLayer(layer)
        self.iface.messageBar().pushSuccess(
            tr("SBAS"), tr("{} pixel-centre points added.").format(layer.featureCount())
        )

    def extract_values(self) -> None:
        out = self.values_widget.filePath() or str(Path(self.work()) / "Geotiff_value.csv")
        parameters = {"WORK": self.work(), "POINTS": self.points_combo.currentLayer().id(), "OUTPUT": out}
        self._run_replacing([out], "sbas:extract", parameters)

    def make_graphs(self) -> None:
        work = Path(self.work())
        parameters = {
            "VALUES": str(work / "Geotiff_value.csv"),
            "IDS": self.ids_edit.text(),
            "WORK": str(work),
            "OUTPUT": str(work / "graphs.zip"),
        }
        self._run("sbas:plot", parameters)

    def make_report(self) -> None:
        """sbas:coherence, then sbas:validate when benchmarks are given, then sbas:report, one after the
        other; the report opens in the browser."""
        work = Path(self.work())
        classes = self.classes_combo.currentLayer()
        coherence = {"WORK": str(work), "OUTPUT": str(work / "coherence")}
        if classes is not None:
            coherence.update(CLASSES=classes.id(), CLASS_FIELD=self.class_field_combo.currentField())
        benchmarks = self.benchmarks_widget.filePath().strip()
        report = {"WORK": str(work), "COHERENCE": str(work / "coherence"), "OUTPUT": str(work / "report.html")}

        def validate(_results) -> None:
            if not benchmarks:
                self._run("sbas:report", report, opened)
                return
            parameters = {
                "WORK": str(work),
                "BENCHMARKS": benchmarks,
                "KIND": self.benchmarks_kind_combo.currentIndex(),
                "REFERENCE": self.benchmark_reference_edit.text().strip(),
                "OUTPUT": str(work / "validation"),
            }
            self._run("sbas:validate", parameters, lambda _: self._run("sbas:report", with_validation, opened))

        def opened(results) -> None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(results["OUTPUT"]))
            self.iface.messageBar().pushSuccess(tr("SBAS"), tr("Quality report written: {}").format(results["OUTPUT"]))

        with_validation = {**report, "VALIDATION": str(work / "validation")}
        self._run("sbas:coherence", coherence, validate)

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
        self.set_reference_point(None)
        self.area_tool.reset()
        self.canvas.destinationCrsChanged.disconnect(self._place_marker)
