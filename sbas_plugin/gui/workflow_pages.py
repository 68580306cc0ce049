"""The pages of the workflow dock, one per step of the pipeline. Each page holds its widgets and their state:
state() is what the project file keeps of it, restore() shows such a state again (defaults for what it
lacks), parameters() are the Processing parameters of its step (the dock adds the work folder). Where a
page offers a choice, the choices are the Processing algorithm's own."""

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsMapLayerProxyModel,
    QgsPointXY,
    QgsProject,
)
from qgis.gui import QgsDateEdit, QgsFieldComboBox, QgsFileWidget, QgsMapLayerComboBox, QgsVertexMarker
from qgis.PyQt.QtCore import QDate, QProcess, QRegularExpression, Qt
from qgis.PyQt.QtGui import QColor, QPixmap, QRegularExpressionValidator
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from sbas_plugin.core.manifest import Manifest
from sbas_plugin.core.names import HYP3_OPTIONS, LOOKS, PROJECT_NAME_CHARACTERS, PROJECT_NAME_LENGTH
from sbas_plugin.core.stack.coverage import SHORT_DATES_SHOWN, coverage_shares
from sbas_plugin.core.workfolder import WorkFolder
from sbas_plugin.gui.jobs_table import JobsTable
from sbas_plugin.i18n import tr
from sbas_plugin.settings import load_settings

SUBMIT_OPTIONS = [option.upper() for option in HYP3_OPTIONS]  # sbas:submit's flags
REFERENCE_DATES = ("first", "auto", "date")
DATE_FORMAT = "yyyy-MM-dd"
NAME_PATTERN = f"{PROJECT_NAME_CHARACTERS}{{0,{PROJECT_NAME_LENGTH}}}"  # as typed: empty too


def parameter_definitions(algorithm_id: str, names) -> list:
    """(description, enum options) of parameters as the registered Processing algorithm defines them
    (the plugin registers its provider before it builds the docks)."""
    algorithm = QgsApplication.processingRegistry().createAlgorithmById(algorithm_id)
    if algorithm is None:
        raise RuntimeError(f"the Processing algorithm {algorithm_id} is not registered")
    definitions = [algorithm.parameterDefinition(name) for name in names]
    return [(definition.description(), getattr(definition, "options", list)()) for definition in definitions]


def choices(algorithm_id: str, name: str) -> list:
    """The options of an enum parameter of a Processing algorithm, in their order."""
    return parameter_definitions(algorithm_id, [name])[0][1]


def qdate_from_iso(text, default: QDate) -> QDate:
    date = QDate.fromString(text or "", Qt.DateFormat.ISODate)
    return date if date.isValid() else default


def iso(date_edit: QgsDateEdit) -> str:
    return date_edit.date().toString(Qt.DateFormat.ISODate)


def coverage_text(record: dict) -> str:
    """The coverage step's record (manifest.json) in words: the shares of the area and the short dates."""
    every, some, none, short = coverage_shares(record)
    text = tr(
        "Data in every product on {} % of the area, in some products only on {} %, in none on {} % "
        "(water counts as none)."
    ).format(f"{every:.1f}", f"{some:.1f}", f"{none:.1f}")
    if short:
        listed = ", ".join(f"{date} ({share:.1f} %)" for date, share in short[:SHORT_DATES_SHOWN])
        more = ", …" if len(short) > SHORT_DATES_SHOWN else ""
        text += " " + tr("Dates with data on less of the area: {}").format(listed + more)
    return text


def note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def any_spin(maximum: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, maximum)
    spin.setSpecialValueText(tr("any"))
    return spin


def date_edit() -> QgsDateEdit:
    edit = QgsDateEdit()
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setAllowNull(False)
    return edit


def layer_combo(filters, allow_empty: bool = False) -> QgsMapLayerComboBox:
    combo = QgsMapLayerComboBox()
    combo.setFilters(filters)
    combo.setAllowEmptyLayer(allow_empty)
    return combo


def wrapping_form(widget: QWidget) -> QFormLayout:
    form = QFormLayout(widget)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    return form


class Page(QWidget):
    """A page of the dock: a form; nothing kept in the project unless the page says so."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.form = wrapping_form(self)

    def state(self) -> dict:
        return {}

    def restore(self, state: dict) -> None:
        pass


class AreaPage(Page):
    """1. The area of interest, chosen or drawn on the map, and the scene search (sbas:search)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        form = self.form
        self.area_combo = layer_combo(QgsMapLayerProxyModel.Filter.PolygonLayer, allow_empty=True)
        form.addRow(tr("Area"), self.area_combo)
        self.draw_button = QPushButton(tr("Draw area"))  # made checkable by the dock's map tool switch
        form.addRow(self.draw_button)
        form.addRow(
            note(
                tr(
                    "Click the corners on the map; right-click or double-click ends, Esc starts over. Saved as "
                    "aoi.gpkg (EPSG:3857) in the work folder."
                )
            )
        )
        self.start_date, self.end_date = date_edit(), date_edit()
        form.addRow(tr("First date"), self.start_date)
        form.addRow(tr("Last date"), self.end_date)
        self.direction_combo = QComboBox()
        self.direction_combo.addItems(choices("sbas:search", "DIRECTION"))
        form.addRow(tr("Orbit direction"), self.direction_combo)
        self.path_spin = any_spin(175)
        form.addRow(tr("Path"), self.path_spin)
        self.frame_spin = any_spin(9999)
        form.addRow(tr("Frame"), self.frame_spin)
        self.search_button = QPushButton(tr("Search"))
        form.addRow(self.search_button)
        self.scenes_label = note("")
        form.addRow(self.scenes_label)

    def state(self) -> dict:
        area = self.area_combo.currentLayer()
        return {
            "area_layer": area.id() if area else "",
            "start": iso(self.start_date),
            "end": iso(self.end_date),
            "direction": self.direction_combo.currentIndex(),
            "path": self.path_spin.value(),
            "frame": self.frame_spin.value(),
        }

    def restore(self, state: dict) -> None:
        today = QDate.currentDate()
        self.area_combo.setLayer(QgsProject.instance().mapLayer(state.get("area_layer", "")))
        self.start_date.setDate(qdate_from_iso(state.get("start"), today.addYears(-1)))
        self.end_date.setDate(qdate_from_iso(state.get("end"), today))
        self.direction_combo.setCurrentIndex(state.get("direction", 0))
        self.path_spin.setValue(state.get("path", 0))
        self.frame_spin.setValue(state.get("frame", 0))
        self.scenes_label.clear()

    def parameters(self) -> dict:
        return {
            "AOI": self.area_combo.currentLayer().id(),
            "START": iso(self.start_date),
            "END": iso(self.end_date),
            "DIRECTION": self.direction_combo.currentIndex(),
            "PATH": self.path_spin.value() or None,
            "FRAME": self.frame_spin.value() or None,
        }


class NetworkPage(Page):
    """2. The pairs of the network (sbas:pairs), and their picture once built."""

    def __init__(self, parent=None):
        super().__init__(parent)
        form = self.form
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
        form.addRow(self.pairs_button)
        self.pairs_label = note("")
        form.addRow(self.pairs_label)
        self.network_label = QLabel()
        self.network_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        form.addRow(self.network_label)

    def state(self) -> dict:
        return {
            "max_days": self.max_days_spin.value(),
            "max_bperp": self.max_bperp_spin.value(),
            "season": self.season_edit.text(),
            "bridge_years": self.bridge_spin.value(),
        }

    def restore(self, state: dict) -> None:
        settings = load_settings()
        self.max_days_spin.setValue(state.get("max_days", settings.max_temporal_baseline_days))
        self.max_bperp_spin.setValue(state.get("max_bperp", settings.max_perpendicular_baseline_m))
        self.season_edit.setText(state.get("season", ""))
        self.bridge_spin.setValue(state.get("bridge_years", 0))
        self.pairs_label.clear()
        self.network_label.clear()

    def parameters(self) -> dict:
        """Without LOOKS, which the HyP3 page chooses."""
        return {
            "MAX_DAYS": self.max_days_spin.value(),
            "MAX_BPERP": self.max_bperp_spin.value(),
            "SEASON": self.season_edit.text().strip(),
            "BRIDGE_YEARS": self.bridge_spin.value(),
        }

    def show_network(self, pairs: int, credits: int, picture: str) -> None:
        self.pairs_label.setText(tr("{} pairs, {} HyP3 credits.").format(pairs, credits))
        width = max(200, self.width() - 40)
        self.network_label.setPixmap(QPixmap(picture).scaledToWidth(width, Qt.TransformationMode.SmoothTransformation))


class Hyp3Page(Page):
    """3. The HyP3 jobs of a project name: submit (sbas:submit), their status (sbas:status), the download
    of their products (sbas:download)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        form = self.form
        self.name_edit = QLineEdit()
        self.name_edit.setValidator(QRegularExpressionValidator(QRegularExpression(NAME_PATTERN)))
        self.name_edit.setToolTip(tr("Up to 20 letters, digits, _ or -. Publicly visible on HyP3."))
        form.addRow(tr("Project name"), self.name_edit)
        self.looks_combo = QComboBox()
        self.looks_combo.addItems(choices("sbas:pairs", "LOOKS"))
        form.addRow(tr("Looks"), self.looks_combo)
        self.option_boxes = {}
        for key, (label, _) in zip(SUBMIT_OPTIONS, parameter_definitions("sbas:submit", SUBMIT_OPTIONS)):
            self.option_boxes[key] = QCheckBox(label)
            form.addRow(self.option_boxes[key])
        self.submit_button = QPushButton(tr("Submit…"))
        form.addRow(self.submit_button)
        self.jobs_table = JobsTable()
        form.addRow(self.jobs_table)
        self.status_button = QPushButton(tr("Refresh status"))
        self.auto_refresh = QCheckBox(tr("Refresh every minute"))
        self.auto_refresh.setToolTip(tr("Stops by itself once no job is pending or running."))
        row = QHBoxLayout()
        row.addWidget(self.status_button)
        row.addWidget(self.auto_refresh)
        form.addRow(row)
        self.download_button = QPushButton(tr("Download products"))
        form.addRow(self.download_button)
        self.update_button = QPushButton(tr("Update with new acquisitions…"))
        self.update_button.setToolTip(
            tr(
                "Search again up to today, order only the new dates' pairs (the cost is asked first), wait, "
                "download and rerun the time series."
            )
        )
        form.addRow(self.update_button)

    def name(self) -> str:
        return self.name_edit.text()

    def looks(self) -> str:
        return LOOKS[self.looks_combo.currentIndex()]

    def state(self) -> dict:
        return {
            "name": self.name(),
            "looks": self.looks(),
            "options": [key for key, box in self.option_boxes.items() if box.isChecked()],
        }

    def restore(self, state: dict) -> None:
        self.name_edit.setText(state.get("name", ""))
        self.looks_combo.setCurrentIndex(LOOKS.index(state.get("looks", LOOKS[0])))
        for key, box in self.option_boxes.items():
            box.setChecked(key in state.get("options", []))
        self.auto_refresh.setChecked(False)

    def parameters(self) -> dict:
        """sbas:submit's; sbas:status and sbas:download take only the NAME of them."""
        options = {key: box.isChecked() for key, box in self.option_boxes.items()}
        return {"NAME": self.name(), "LOOKS": self.looks_combo.currentIndex(), **options}


class TimeSeriesPage(Page):
    """4. The time series (sbas:run): products, MintPy's options and the reference point, which a marker
    shows on the map."""

    def __init__(self, canvas, parent=None):
        super().__init__(parent)
        self.canvas = canvas
        self.reference_point = None  # (x, y, authid of its CRS) or None: the most coherent land pixel
        self.marker = None
        self.default_products = ""  # the work folder's products/
        form = self.form
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
        self.pick_button = QPushButton(tr("Pick on map"))  # made checkable by the dock's map tool switch
        automatic = QPushButton(tr("Automatic"))
        automatic.clicked.connect(lambda: self.set_reference_point(None))
        row = QHBoxLayout()
        row.addWidget(self.pick_button)
        row.addWidget(automatic)
        form.addRow(row)
        self.reference_date_combo = QComboBox()
        self.reference_date_combo.addItems([tr("First date"), tr("Automatic (MintPy's choice)"), tr("This date:")])
        self.reference_date_edit = date_edit()
        self.reference_date_combo.currentIndexChanged.connect(
            lambda i: self.reference_date_edit.setEnabled(REFERENCE_DATES[i] == "date")
        )
        form.addRow(tr("Reference date"), self.reference_date_combo)
        form.addRow("", self.reference_date_edit)
        self.troposphere_combo = QComboBox()
        self.troposphere_combo.addItems(choices("sbas:run", "TROPOSPHERE"))
        form.addRow(tr("Tropospheric correction"), self.troposphere_combo)
        self.features_process = None  # asks MintPy's Python which optional features it has, when shown
        self.deramp_combo = QComboBox()
        self.deramp_combo.addItems(choices("sbas:run", "DERAMP"))
        form.addRow(tr("Remove a ramp"), self.deramp_combo)
        self.filter_check = QCheckBox(tr("Filter the remaining atmosphere"))
        self.filter_check.setToolTip(
            tr(
                "High-pass in time, low-pass in space, as LiCSBAS does: removes most of each date's turbulent "
                "troposphere and keeps steps and seasonal motion (measured in docs/accuracy.md)."
            )
        )
        self.filter_check.setChecked(True)
        form.addRow(self.filter_check)
        self.cluster_combo = QComboBox()
        self.cluster_combo.addItems(choices("sbas:run", "CLUSTER"))
        form.addRow(tr("MintPy's workers run on"), self.cluster_combo)
        self.cluster_config_widget = QgsFileWidget()
        self.cluster_config_widget.setFilter("YAML (*.yaml *.yml)")
        self.cluster_config_widget.setToolTip(
            tr(
                "A dask-jobqueue YAML file (jobqueue: slurm: or pbs: with cores, memory, queue, walltime); "
                "empty: dask-jobqueue's defaults. Each worker is one batch job."
            )
        )
        self.cluster_combo.currentIndexChanged.connect(lambda i: self.cluster_config_widget.setEnabled(i > 0))
        self.cluster_config_widget.setEnabled(False)  # the first choice is this computer
        form.addRow(tr("Cluster configuration"), self.cluster_config_widget)
        form.addRow(
            note(
                tr(
                    "Clips the products to the area, runs MintPy and exports GeoTIFFs, points and "
                    "Geotiff_value.csv. Run it again to resume: finished steps are skipped."
                )
            )
        )
        self.run_button = QPushButton(tr("Run / resume"))
        form.addRow(self.run_button)
        self.coverage_label = note("")  # the last run's coverage from valid data
        form.addRow(self.coverage_label)
        self.canvas.destinationCrsChanged.connect(self.place_marker)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        # Each time: "Install MintPy…" or the options page may have changed MintPy's Python since.
        if self.features_process is None:
            offer_optional_features(self)
        super().showEvent(event)

    def set_work(self, work: str) -> None:
        """An empty products folder means the work folder's products/."""
        self.default_products = str(WorkFolder(work).products) if work else ""
        self.products_widget.lineEdit().setPlaceholderText(self.default_products)
        self.show_coverage(work)

    def show_coverage(self, work: str) -> None:
        """How much of the area has data in every product, in some, in none, as the work folder's last run
        recorded it; empty before any run."""
        record = Manifest(work).step("coverage") if work else {}
        self.coverage_label.setText(coverage_text(record) if record else "")

    def reference_date(self) -> str:
        choice = REFERENCE_DATES[self.reference_date_combo.currentIndex()]
        return self.reference_date_edit.date().toString("yyyyMMdd") if choice == "date" else choice

    def state(self) -> dict:
        return {
            "products": self.products_widget.filePath(),
            "workers": self.workers_spin.value(),
            "reference_point": list(self.reference_point) if self.reference_point else None,
            "reference_date": self.reference_date(),
            "troposphere": self.troposphere_combo.currentIndex(),
            "deramp": self.deramp_combo.currentIndex(),
            "atmosphere_filter": self.filter_check.isChecked(),
            "cluster": self.cluster_combo.currentIndex(),
            "cluster_config": self.cluster_config_widget.filePath(),
        }

    def restore(self, state: dict) -> None:
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
        self.filter_check.setChecked(state.get("atmosphere_filter", True))
        self.cluster_combo.setCurrentIndex(state.get("cluster", 0))
        self.cluster_config_widget.setFilePath(state.get("cluster_config", ""))

    def parameters(self) -> dict:
        """Without the AOI, which the area page chooses."""
        parameters = {
            "PRODUCTS": self.products_widget.filePath() or self.default_products,
            "WORKERS": self.workers_spin.value(),
            "REFERENCE_DATE": self.reference_date(),
            "TROPOSPHERE": self.troposphere_combo.currentIndex(),
            "DERAMP": self.deramp_combo.currentIndex(),
            "ATMOSPHERE_FILTER": self.filter_check.isChecked(),
            "CLUSTER": self.cluster_combo.currentIndex(),
            "CLUSTER_CONFIG": self.cluster_config_widget.filePath(),
        }
        if self.reference_point:
            x, y, authid = self.reference_point
            parameters["REFERENCE_POINT"] = f"{x!r},{y!r} [{authid}]"
        return parameters

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
        self.place_marker()
        self.pick_button.setChecked(False)

    def place_marker(self) -> None:
        if self.marker is None:
            return
        x, y, authid = self.reference_point
        to_canvas = QgsCoordinateTransform(
            QgsCoordinateReferenceSystem(authid), self.canvas.mapSettings().destinationCrs(), QgsProject.instance()
        )
        self.marker.setCenter(to_canvas.transform(QgsPointXY(x, y)))

    def unload(self) -> None:
        """The marker off the canvas, which no longer moves it."""
        self.set_reference_point(None)
        self.canvas.destinationCrsChanged.disconnect(self.place_marker)


def offer_optional_features(page: "TimeSeriesPage") -> None:
    """Offer ERA5 only when MintPy's Python has its module: asked in a child process, QGIS carrying on."""
    from sbas_plugin.gui.packages import default_python, mintpy_check_process, start_mintpy_check
    from sbas_plugin.settings import mintpy_python

    process = mintpy_check_process(page)
    process.finished.connect(lambda code, status: _features_answered(page, process, code, status))
    page.features_process = process
    start_mintpy_check(process, mintpy_python() or default_python())


def _features_answered(page, process, exit_code: int, exit_status) -> None:
    from sbas_plugin.core.environment import OPTIONAL_FEATURES, optional_features
    from sbas_plugin.core.names import TROPOSPHERE_METHODS

    page.features_process = None
    process.deleteLater()
    if exit_status != QProcess.ExitStatus.NormalExit or exit_code != 0:
        return  # no MintPy there: the run says so
    offered = "ERA5" in optional_features(bytes(process.readAllStandardOutput()).decode("utf-8", "replace"))
    era5 = page.troposphere_combo.model().item(TROPOSPHERE_METHODS.index("pyaps"))
    era5.setEnabled(offered)
    why = tr("Needs the module {} in MintPy's Python {}: install MintPy from conda-forge (see the README).")
    era5.setToolTip("" if offered else why.format(OPTIONAL_FEATURES["ERA5"], process.program()))
    if not offered and page.troposphere_combo.currentIndex() == TROPOSPHERE_METHODS.index("pyaps"):
        page.troposphere_combo.setCurrentIndex(TROPOSPHERE_METHODS.index("no"))


class ResultsPage(Page):
    """5. What to do with the results: load them, open the time-series dock, points (sbas:points), values
    and graphs (sbas:extract, sbas:plot), the quality report (sbas:coherence, sbas:validate, sbas:report).
    Nothing of it is kept in the project."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.default_values = ""  # the work folder's Geotiff_value.csv
        form = self.form
        self.load_button = QPushButton(tr("Load result layers"))
        form.addRow(self.load_button)
        self.timeseries_button = QPushButton(tr("Open in the time-series dock"))
        form.addRow(self.timeseries_button)
        form.addRow(self._points_box())
        form.addRow(self._values_box())
        form.addRow(self._quality_box())

    def _points_box(self) -> QGroupBox:
        box = QGroupBox(tr("Pixel-centre points"))
        points_form = QFormLayout(box)
        self.raster_combo = layer_combo(QgsMapLayerProxyModel.Filter.RasterLayer)
        self.aoi_combo = layer_combo(QgsMapLayerProxyModel.Filter.PolygonLayer)  # not the area: any polygon
        self.points_button = QPushButton(tr("Make points"))
        points_form.addRow(tr("Raster"), self.raster_combo)
        points_form.addRow(tr("Area"), self.aoi_combo)
        points_form.addRow(self.points_button)
        return box

    def _values_box(self) -> QGroupBox:
        box = QGroupBox(tr("Values and graphs"))
        values_form = wrapping_form(box)
        self.points_combo = layer_combo(QgsMapLayerProxyModel.Filter.PointLayer)
        values_form.addRow(tr("Points"), self.points_combo)
        self.values_widget = QgsFileWidget()
        self.values_widget.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.values_widget.setFilter(tr("CSV files (*.csv)"))
        values_form.addRow(tr("Values CSV"), self.values_widget)
        self.extract_button = QPushButton(tr("Extract values CSV"))
        values_form.addRow(self.extract_button)
        self.ids_edit = QLineEdit()
        self.ids_edit.setPlaceholderText(tr("point ids, e.g. 12, 15, 40"))
        values_form.addRow(tr("Graph points"), self.ids_edit)
        self.graphs_button = QPushButton(tr("Make graphs (graphs.zip)"))
        values_form.addRow(self.graphs_button)
        return box

    def _quality_box(self) -> QGroupBox:
        """The report for the office: coherence (per land-cover class when given), validation against
        benchmarks when given, gathered in WORK/report.html."""
        box = QGroupBox(tr("Quality report"))
        quality_form = wrapping_form(box)
        self.classes_combo = layer_combo(QgsMapLayerProxyModel.Filter.PolygonLayer, allow_empty=True)
        self.classes_combo.setLayer(None)
        self.class_field_combo = QgsFieldComboBox()
        self.classes_combo.layerChanged.connect(self.class_field_combo.setLayer)
        quality_form.addRow(tr("Land cover (optional)"), self.classes_combo)
        quality_form.addRow(tr("Class field"), self.class_field_combo)
        self.benchmarks_widget = QgsFileWidget()
        self.benchmarks_widget.setFilter(tr("CSV files (*.csv)"))
        quality_form.addRow(tr("Benchmarks CSV (optional)"), self.benchmarks_widget)
        self.benchmarks_kind_combo = QComboBox()
        self.benchmarks_kind_combo.addItems(choices("sbas:validate", "KIND"))
        quality_form.addRow(tr("Measurements"), self.benchmarks_kind_combo)
        self.benchmark_reference_edit = QLineEdit()
        self.benchmark_reference_edit.setPlaceholderText(tr("empty: remove the mean difference per date"))
        quality_form.addRow(tr("Reference benchmark"), self.benchmark_reference_edit)
        quality_form.addRow(
            note(tr("Benchmarks: id,x,y,date,height (GNSS: also east,north,up), in the time series' CRS."))
        )
        self.report_button = QPushButton(tr("Make the quality report"))
        quality_form.addRow(self.report_button)
        return box

    def set_work(self, work: str) -> None:
        """An empty values CSV means the work folder's Geotiff_value.csv."""
        self.default_values = str(WorkFolder(work).values_csv) if work else ""
        self.values_widget.lineEdit().setPlaceholderText(self.default_values)

    def points_parameters(self) -> dict:
        return {
            "RASTER": self.raster_combo.currentLayer().id(),
            "AOI": self.aoi_combo.currentLayer().id(),
            "OUTPUT": "TEMPORARY_OUTPUT",
        }

    def values_parameters(self) -> dict:
        return {
            "POINTS": self.points_combo.currentLayer().id(),
            "OUTPUT": self.values_widget.filePath() or self.default_values,
        }

    def graphs_parameters(self) -> dict:
        return {"IDS": self.ids_edit.text()}

    def coherence_parameters(self) -> dict:
        """Land-cover classes when chosen."""
        classes = self.classes_combo.currentLayer()
        if classes is None:
            return {}
        return {"CLASSES": classes.id(), "CLASS_FIELD": self.class_field_combo.currentField()}

    def validation_parameters(self) -> dict:
        """{} without benchmarks: no validation."""
        benchmarks = self.benchmarks_widget.filePath().strip()
        if not benchmarks:
            return {}
        return {
            "BENCHMARKS": benchmarks,
            "KIND": self.benchmarks_kind_combo.currentIndex(),
            "REFERENCE": self.benchmark_reference_edit.text().strip(),
        }


class DecompositionPage(Page):
    """6. Vertical and east-west (sbas:decompose): the work folder above as one track, another work folder as the
    other; the result opens in the map and the time-series dock."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.default_out = ""  # beside the work folder: <its parent>/decomposition
        form = self.form
        form.addRow(
            note(
                tr(
                    "With an ascending and a descending work folder over the same ground, solve for vertical and "
                    "east-west motion. The work folder above is one track; choose the other one here."
                )
            )
        )
        self.other_widget = QgsFileWidget()
        self.other_widget.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        form.addRow(tr("Other track's work folder"), self.other_widget)
        self.out_widget = QgsFileWidget()
        self.out_widget.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        form.addRow(tr("Decomposition folder"), self.out_widget)
        self.decompose_button = QPushButton(tr("Decompose"))
        form.addRow(self.decompose_button)

    def set_work(self, work: str) -> None:
        """An empty decomposition folder means <the work folder's parent>/decomposition."""
        self.default_out = str(WorkFolder(work).root.parent / "decomposition") if work else ""
        self.out_widget.lineEdit().setPlaceholderText(self.default_out)

    def out(self) -> str:
        return self.out_widget.filePath().strip() or self.default_out

    def state(self) -> dict:
        return {"decompose_other": self.other_widget.filePath(), "decompose_out": self.out_widget.filePath()}

    def restore(self, state: dict) -> None:
        self.other_widget.setFilePath(state.get("decompose_other", ""))
        self.out_widget.setFilePath(state.get("decompose_out", ""))

    def parameters(self) -> dict:
        return {"WORK_B": self.other_widget.filePath().strip(), "OUTPUT": self.out()}
