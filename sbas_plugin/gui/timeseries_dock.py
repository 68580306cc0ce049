"""Click a pixel on the map, read its displacement graph: the time-series dock and its map tools.

Pixels (or the features of a point layer), drawn areas (mean ± std of their pixels) and a reference
pixel are picked on the canvas; each shown series gets a fit (velocity ± sigma, optionally an annual
term) in the legend and MintPy's quality figures under the controls.

A click reads one pixel of every date on the GUI thread (a millisecond from the kept handles). An area
may be a whole frame (gigabytes of dates x pixels): its statistics are computed by an AreaTask in the
background, in bounded windows (PixelSeries.area_in), and the latest request wins: a new drawing, another
reference date or a plain click cancels the running one, whose result is never shown."""

import html
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np
from qgis.core import (
    NULL,
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeatureRequest,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsTask,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.gui import QgsDockWidget, QgsFileWidget
from qgis.PyQt import sip
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sbas_plugin.core.cancel import Canceled
from sbas_plugin.core.dates import iso_date
from sbas_plugin.core.reports.fit import Fit, fit_series
from sbas_plugin.core.reports.plot import UNIT_SCALE, relative_displacement
from sbas_plugin.core.results.decomposition import is_decomposition
from sbas_plugin.core.results.extract import ExtractError
from sbas_plugin.core.results.pixel_series import AreaSeries, Pixel, open_east_series, open_pixel_series
from sbas_plugin.core.results.series_csv import AreaColumns, PixelColumn, write_series_csv
from sbas_plugin.core.workfolder import WorkFolder
from sbas_plugin.gui.layers import is_under
from sbas_plugin.gui.map_tools import AreaDrawTool, MapToolSwitch, PointPickTool
from sbas_plugin.gui.results import load_decomposition, load_results
from sbas_plugin.gui.series_overlay import SeriesOverlay
from sbas_plugin.gui.series_plot import UNITS, SeriesPlot
from sbas_plugin.i18n import tr
from sbas_plugin.settings import load_settings, save_settings

LOG = logging.getLogger(__name__)
FEATURE_TOLERANCE = 6  # screen pixels: a click this close to a point feature is a click on it
STOP_WAIT_MS = 10_000  # a canceled area task stops within one window read; this only guards a hang
CLICK_QUIET_SECONDS = 0.3  # after a click an area task waits between windows: the graph is drawn without it


@dataclass(eq=False)  # compared by identity: the same series, not equal numbers
class Shown:
    """One series on the graph: a clicked pixel or a drawn area."""

    label: str
    metres: np.ndarray  # per date; a pixel's relative to the first date, an area's to the reference date
    pixel: Optional[Pixel] = None
    area: Optional[AreaSeries] = None
    polygon: Optional[QgsGeometry] = None  # the drawn area, in the stack's CRS
    reference: int = -1  # an area's: the reference date its statistics are relative to; -1 not measured yet
    drawn: bool = False  # an area the user drew (not one restored from the project)
    east: bool = False  # a decomposition's east-west series of the pixel (the stack's is the vertical)


def polygon_rings(polygon: QgsGeometry) -> list:
    """A (multi)polygon as core's lists of rings of (x, y) vertices."""
    parts = polygon.asMultiPolygon() if polygon.isMultipart() else [polygon.asPolygon()]
    return [[[(p.x(), p.y()) for p in ring] for ring in part] for part in parts]


class AreaTask(QgsTask):
    """The statistics of areas of a stack, in the background. run() reads the files through handles of
    its own (the dock's stay with clicks) and touches neither the GUI nor the project; finished() hands
    the task back to `done(task, ok)` on the GUI thread."""

    def __init__(self, stack, areas: list, reference: int, done, quiet_until=lambda: 0.0):
        super().__init__(tr("SBAS: statistics of a drawn area"))
        self.quiet_until = quiet_until  # time.monotonic() until which the GUI thread wants the CPU and the GIL
        self.reopen = stack.reopen  # called in run(): only the file names are read from the dock's stack
        self.areas = areas  # Shown areas, for done(); run() reads only their rings
        self.rings = [polygon_rings(shown.polygon) for shown in areas]
        self.reference = reference  # date number every pixel is made relative to
        self.done = done
        self.results = []
        self.error = ""

    def run(self) -> bool:
        try:
            stack = self.reopen()
            try:
                share = 100.0 / len(self.rings)
                for i, rings in enumerate(self.rings):
                    self.results.append(
                        stack.area_in(
                            rings,
                            self.reference,
                            progress=lambda percent, i=i: self.setProgress(share * (i + percent / 100.0)),
                            is_canceled=self._canceled_after_quiet,
                        )
                    )
            finally:
                stack.close()
        except Canceled:
            return False
        except (ExtractError, OSError, KeyError, ValueError) as error:  # e.g. files replaced meanwhile
            self.error = str(error)
            return False
        except Exception as error:  # anything else: said in the dock and logged, not lost in the thread
            LOG.exception("area statistics")
            self.error = repr(error)
            return False
        return True

    def _canceled_after_quiet(self) -> bool:
        """Asked between windows: first waits while the GUI thread handles a click (sharing the GIL and two
        cores with this thread, a click's drawing took up to twice as long)."""
        while not self.isCanceled() and time.monotonic() < self.quiet_until():
            time.sleep(0.01)
        return self.isCanceled()

    def finished(self, result: bool) -> None:
        self.done(self, result)


class TimeseriesDock(QgsDockWidget):
    """The controller: what is shown (self.shown), on the graph (SeriesPlot) and the map (SeriesOverlay)."""

    def __init__(self, iface, parent=None):
        super().__init__(tr("SBAS time series"), parent)
        self.setObjectName("SbasTimeseriesDock")
        self.iface = iface
        self.canvas = iface.mapCanvas()
        self.stack = None
        self.east = None  # a decomposition's east-west series beside the stack's vertical; None otherwise
        self.folder = ""  # the folder of the stack
        self.closed_state = None  # project_state() while a step replaces the stack's files
        self.shown = []  # in legend order
        self.reference_pixel = None  # subtracted from every series; None = MintPy's reference point
        self.pending = []  # drawn or restored areas being measured for the first time, not shown yet
        self.area_task = None  # the AreaTask whose result will show; None when no area is being measured
        self.tasks = []  # every AreaTask not finished yet, canceled ones too: kept alive until then
        self.quiet_until = 0.0  # time.monotonic() until which area tasks wait (a click is being handled)
        self.plot = SeriesPlot()
        self.overlay = SeriesOverlay(self.canvas)
        self.tool = PointPickTool(self.canvas)
        self.tool.picked.connect(self.pick)
        self.area_tool = AreaDrawTool(self.canvas)
        self.area_tool.drawn.connect(self.add_area)
        self.reference_tool = PointPickTool(self.canvas)
        self.reference_tool.picked.connect(self.set_reference)
        self.canvas.destinationCrsChanged.connect(self._place_markers)

        body = QWidget()
        layout = QVBoxLayout(body)
        form = QFormLayout()
        self.folder_widget = QgsFileWidget()
        self.folder_widget.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.folder_widget.setToolTip(tr("A work folder, MintPy's folder, or a folder of per-date GeoTIFFs"))
        form.addRow(tr("Work folder"), self.folder_widget)
        self.reference_combo = QComboBox()
        form.addRow(tr("Reference date"), self.reference_combo)
        layout.addLayout(form)
        self.layers_button = QPushButton(tr("Add the result layers to the map"))
        self.layers_button.setToolTip(
            tr("Velocity (mm/yr), coherence, per-date maps for the Temporal Controller, points")
        )
        self.layers_button.clicked.connect(self.add_result_layers)
        layout.addWidget(self.layers_button)
        self.pick_button = QPushButton(tr("Pick pixels on the map (Ctrl+click adds)"))
        self.pick_button.setToolTip(tr("A click near a feature of a point layer plots the pixel under it"))
        self.area_button = QPushButton(tr("Area"))
        self.area_button.setToolTip(
            tr("Click the corners of an area; a right-click or double-click closes it. Adds its mean ± std.")
        )
        self.reference_button = QPushButton(tr("Reference: click"))
        self.reference_button.setToolTip(tr("The clicked pixel's series is subtracted from every series"))
        self.tools = MapToolSwitch(
            self.canvas,
            {self.tool: self.pick_button, self.area_tool: self.area_button, self.reference_tool: self.reference_button},
        )
        layout.addWidget(self.pick_button)
        tools = QHBoxLayout()
        self.reset_reference_button = QPushButton(tr("Reset reference"))
        self.reset_reference_button.setToolTip(tr("Back to MintPy's reference point"))
        self.reset_reference_button.clicked.connect(self.reset_reference)
        self.seasonal_check = QCheckBox(tr("Seasonal"))
        self.seasonal_check.setToolTip(tr("Fit a line plus an annual sinusoid and report its amplitude"))
        self.seasonal_check.toggled.connect(self._replot)
        for widget in (self.area_button, self.reference_button, self.reset_reference_button, self.seasonal_check):
            tools.addWidget(widget)
        layout.addLayout(tools)
        self.info = QLabel(tr("Choose a work folder, then click a pixel on the map."))
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.info)
        self.busy = QLabel()  # shown while areas are measured
        self.busy.setVisible(False)
        layout.addWidget(self.busy)

        layout.addWidget(self.plot, 1)

        buttons = QHBoxLayout()
        self.csv_button = QPushButton(tr("Export CSV…"))
        self.csv_button.clicked.connect(self._ask_csv)
        self.png_button = QPushButton(tr("Export PNG…"))
        self.png_button.clicked.connect(self._ask_png)
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.png_button)
        layout.addLayout(buttons)
        self.setWidget(body)
        self._enable_exports()

        self.folder_widget.fileChanged.connect(self.open_folder)
        self.reference_combo.currentIndexChanged.connect(self._reference_changed)

    # --- the stack -----------------------------------------------------------------------------

    def open_folder(self, folder: str) -> bool:
        self.clear()
        self.reference_pixel = None
        if self.stack is not None:
            self._cancel_measuring(wait=True)  # their handles on the files closed too
            self._close_stacks()
        self._place_markers()
        self.reference_combo.blockSignals(True)
        self.reference_combo.clear()
        self.reference_combo.blockSignals(False)
        if not folder:
            return False
        try:
            self.stack = open_pixel_series(folder)
            self.east = open_east_series(folder)
        except (ExtractError, OSError, KeyError, ValueError) as error:
            LOG.warning("time series of %s: %s", folder, error)
            self.info.setText(tr("No time series here: {}").format(error))
            return False
        self.folder = folder
        self.dates = self.stack.dates64
        self.reference_combo.blockSignals(True)
        for date in self.stack.dates:
            self.reference_combo.addItem(iso_date(date), date)
        self.reference_combo.setCurrentIndex(self.stack.dates.index(self.stack.reference_date))
        self.reference_combo.blockSignals(False)
        self._frame()
        self.info.setText(
            tr("{} dates, {} x {} pixels, {}. Click a pixel on the map.").format(
                len(self.stack.dates), self.stack.grid.width, self.stack.grid.height, self.stack.crs
            )
        )
        return True

    def close_for_rewrite(self, roots: list) -> None:
        """A step is about to replace the files and folders `roots`: close the stack if it reads from
        them (Windows cannot replace a file open in QGIS) until reopen_after_rewrite(); nothing of the
        folder opens meanwhile."""
        if self.stack is None or not is_under(self.stack.source.resolve(), roots):
            return
        self.closed_state = self.project_state()
        self.open_folder("")
        self.folder_widget.setEnabled(False)
        self.layers_button.setEnabled(False)
        self.info.setText(tr("Closed while a step replaces its files; it opens again when the step ends."))

    def reopen_after_rewrite(self) -> None:
        """The folder closed by close_for_rewrite() again, with the series that were shown."""
        if self.closed_state is not None:
            self.restore_project_state(self.closed_state)

    def add_result_layers(self) -> None:
        folder = Path(self.folder_widget.filePath())
        if is_decomposition(folder):
            load_decomposition(folder)
            self.iface.messageBar().pushSuccess(tr("SBAS"), tr("Result layers of {} added.").format(folder.name))
            return
        if not WorkFolder(folder).geotiffs.is_dir():
            self.iface.messageBar().pushWarning(
                tr("SBAS"), tr("{} is not a work folder with GeoTiffs/ (as sbas run makes it).").format(folder)
            )
            return
        load_results(folder)
        self.iface.messageBar().pushSuccess(tr("SBAS"), tr("Result layers of {} added.").format(folder.name))

    def _reference_index(self) -> int:
        return max(self.reference_combo.currentIndex(), 0)

    def _frame(self) -> None:
        """The axes every series is drawn into: rebuilt only for a new stack or reference date."""
        self.plot.frame(self.dates, self._reference_index(), self._reference_text(), ground=self.east is not None)
        self._measure()  # areas: each pixel relative to the reference date, another spread (shown when known)
        for i in range(len(self.shown)):
            self._draw(i)
        self._update_decorations()

    def _reference_changed(self) -> None:
        if self.stack is not None:
            self._frame()

    # --- map tools -----------------------------------------------------------------------------

    def _transform(self, to_stack: bool, crs: Optional[str] = None) -> QgsCoordinateTransform:
        """Between the canvas (or `crs`) and the stack."""
        other = QgsCoordinateReferenceSystem(crs) if crs else self.canvas.mapSettings().destinationCrs()
        source, target = other, QgsCoordinateReferenceSystem(self.stack.crs)
        if not to_stack:
            source, target = target, source
        return QgsCoordinateTransform(source, target, QgsProject.instance().transformContext())

    def _point_layers(self) -> list:
        """The active layer if it is a shown point layer, else every shown point layer."""
        layers = [
            layer
            for layer in self.canvas.layers()
            if isinstance(layer, QgsVectorLayer) and layer.geometryType() == QgsWkbTypes.GeometryType.PointGeometry
        ]
        active = self.iface.activeLayer()
        return [active] if active in layers else layers

    def _feature_at(self, point: QgsPointXY) -> Optional[tuple]:
        """(the feature's point in the canvas CRS, its fid) of the point feature nearest the click,
        within FEATURE_TOLERANCE screen pixels; None when there is none."""
        radius = FEATURE_TOLERANCE * self.canvas.mapUnitsPerPixel()
        box = QgsRectangle(point.x() - radius, point.y() - radius, point.x() + radius, point.y() + radius)
        canvas_crs = self.canvas.mapSettings().destinationCrs()
        nearest = None
        context = QgsProject.instance().transformContext()
        for layer in self._point_layers():
            try:
                in_layer = QgsCoordinateTransform(canvas_crs, layer.crs(), context).transformBoundingBox(box)
            except QgsCsException:  # the click is outside the layer CRS's valid area
                continue
            to_canvas = QgsCoordinateTransform(layer.crs(), canvas_crs, context)
            fid_field = layer.fields().lookupField("fid")
            request = QgsFeatureRequest(in_layer).setSubsetOfAttributes([fid_field] if fid_field >= 0 else [])
            for feature in layer.getFeatures(request):
                geometry = feature.geometry()
                geometry.transform(to_canvas)
                where, _, _, _, squared = geometry.closestVertex(point)
                distance = squared**0.5
                if distance <= radius and (nearest is None or distance < nearest[0]):
                    value = feature.attribute(fid_field) if fid_field >= 0 else None
                    nearest = distance, where, feature.id() if value is None or value == NULL else value
        return None if nearest is None else nearest[1:]

    def _pixel_at(self, point: QgsPointXY) -> Optional[tuple]:
        """(the pixel under a click or under the point feature clicked, fid or None), or None off the stack."""
        if self.stack is None:
            self.iface.messageBar().pushWarning(tr("SBAS"), tr("Choose a work folder with a time series first."))
            return None
        fid = None
        feature = self._feature_at(point)
        if feature is not None:
            point, fid = feature
        at = self._transform(to_stack=True).transform(point)
        pixel = self.stack.at(at.x(), at.y())
        if pixel is None:
            self.info.setText(tr("That point is outside the time series' area."))
            return None
        return pixel, fid

    # --- what is shown -------------------------------------------------------------------------

    def pick(self, point: QgsPointXY, add: bool = False) -> None:
        """A click at `point` (canvas CRS): plot that pixel, replacing the shown series unless `add`.
        Near a feature of a point layer, the pixel under the feature, labelled with its fid."""
        self.quiet_until = time.monotonic() + CLICK_QUIET_SECONDS
        found = self._pixel_at(point)
        if found is not None:
            pixel, fid = found
            label = f"fid {fid}" if fid is not None else f"P{len(self.shown) + 1 if add else 1}"
            self._show_pixel(label, pixel, add)

    def _show_pixel(self, label: str, pixel: Pixel, add: bool) -> None:
        """A pixel's series; of a decomposition its vertical and its east-west."""
        if self.east is None:
            self._show(Shown(label, pixel.metres, pixel=pixel), add)
            return
        self._show(Shown(tr("{} vertical").format(label), pixel.metres, pixel=pixel), add)
        east = self.east.pixel(pixel.row, pixel.col)
        self._show(Shown(tr("{} east-west").format(label), east.metres, pixel=east, east=True), add=True)

    def add_area(self, polygon: QgsGeometry) -> None:
        """A drawn polygon (canvas CRS): add the mean ± std of the pixels whose centres are inside, once
        measured in the background; an area drawn before and still being measured is dropped."""
        if self.stack is None:
            self.iface.messageBar().pushWarning(tr("SBAS"), tr("Choose a work folder with a time series first."))
            return
        in_stack = QgsGeometry(polygon)
        in_stack.transform(self._transform(to_stack=True))
        self.pending = [shown for shown in self.pending if not shown.drawn]
        self._show_area(in_stack, drawn=True)

    def _show_area(self, polygon: QgsGeometry, drawn: bool = False) -> None:
        self.pending.append(Shown("", None, polygon=polygon, drawn=drawn))  # labelled when measured
        self._measure()

    def measuring(self) -> bool:
        """Whether areas are being measured (their statistics not shown yet)."""
        return self.area_task is not None

    def _measure(self) -> None:
        """(Re)start measuring what needs it: new areas, and shown ones of another reference date. The
        task running is canceled: only the latest one's result shows."""
        self._cancel_measuring()
        reference = self._reference_index()
        areas = [s for s in self.shown if s.area is not None and s.reference != reference] + self.pending
        if self.stack is None or not areas:
            self.busy.setVisible(False)
            return
        task = AreaTask(self.stack, areas, reference, self._measured, lambda: self.quiet_until)
        task.progressChanged.connect(lambda percent: self._measuring_progress(task, percent))
        self.area_task = task
        self.tasks.append(task)
        self._measuring_progress(task, 0.0)
        QgsApplication.taskManager().addTask(task)

    def _measuring_progress(self, task: AreaTask, percent: float) -> None:
        if task is self.area_task:
            self.busy.setText(tr("Computing the area's statistics… {:.0f} %").format(percent))
            self.busy.setVisible(True)

    def _cancel_measuring(self, wait: bool = False) -> None:
        """Cancel the area task; with `wait`, until every task has let go of the stack's files."""
        self.area_task = None
        for task in list(self.tasks):  # a task canceled before it started may finish right here
            if not sip.isdeleted(task):
                task.cancel()
        if wait:
            for task in list(self.tasks):
                if not sip.isdeleted(task):
                    task.waitForFinished(STOP_WAIT_MS)

    def _measured(self, task: AreaTask, ok: bool) -> None:
        """An AreaTask ended (GUI thread): its statistics shown, unless another task replaced it."""
        if task in self.tasks:
            self.tasks.remove(task)
        if task is not self.area_task:  # canceled, or replaced: stale
            return
        self.area_task = None
        self.busy.setVisible(False)
        if not ok:  # the files unreadable, or canceled in QGIS's task manager
            self.pending = []
            if task.error:
                self.info.setText(tr("The area's statistics failed: {}").format(task.error))
            else:
                self.info.setText(tr("The area's statistics were canceled."))
            return
        empty = False
        for shown, area in zip(task.areas, task.results):
            shown.area, shown.metres, shown.reference = area, area.mean, task.reference
            if shown in self.pending:
                self.pending.remove(shown)
                if area.pixels:
                    shown.label = tr("area ({} pixels)").format(area.pixels)
                    self.shown.append(shown)
                else:
                    empty = True
        for i, shown in enumerate(self.shown):  # only what changed: drawing is most of the GUI thread's work
            if shown in task.areas:
                self._draw(i)
        self._place_markers()
        self._update_decorations()
        if empty and len(task.areas) == 1:
            self.info.setText(tr("No pixel centre is inside that area: draw it larger."))

    def set_reference(self, point: QgsPointXY, add: bool = False) -> None:
        """A click at `point` (canvas CRS) with the reference tool: that pixel's series is subtracted
        from every shown series (Ctrl, `add`, makes no difference)."""
        found = self._pixel_at(point)
        if found is not None:
            self._set_reference_pixel(found[0])

    def _set_reference_pixel(self, pixel: Optional[Pixel]) -> None:
        if pixel is not None and not np.isfinite(pixel.metres).any():
            self.info.setText(tr("No solution at that pixel: choose another reference."))
            return
        self.reference_pixel = pixel
        self.plot.set_title(self._reference_text())
        self._place_markers()
        self._replot()

    def reset_reference(self) -> None:
        """Back to MintPy's reference point."""
        if self.stack is not None:
            self._set_reference_pixel(None)

    def _reference_text(self) -> str:
        pixel = self.reference_pixel
        if pixel is None and self.east is not None:
            return tr("Reference: the decomposition's reference pixel")
        if pixel is None:
            return tr("Reference: MintPy's reference point")
        return tr("Reference: pixel row {}, column {} (x {:.1f}, y {:.1f})").format(
            pixel.row, pixel.col, pixel.x, pixel.y
        )

    def _show(self, shown: Shown, add: bool) -> None:
        if add:
            self.shown.append(shown)
        else:
            self.clear(keep=1)  # the first line's artists are reused: faster than new ones; areas measured: dropped
            self.shown = [shown]
        self._draw(len(self.shown) - 1)
        self._place_markers()
        self._update_decorations()

    def _replot(self) -> None:
        """Every series again: after a new reference pixel or fit."""
        if not self.shown:
            return
        for i in range(len(self.shown)):
            self._draw(i)
        self._update_decorations()

    def _values(self, i: int) -> np.ndarray:
        """What is plotted: relative to the reference date, minus the reference pixel's series."""
        metres = self.shown[i].metres
        reference = self.reference_pixel
        if reference is not None and self.shown[i].east:
            reference = self.east.pixel(reference.row, reference.col)
        if reference is not None:
            metres = metres - reference.metres
        return relative_displacement(metres, self._reference_index(), UNITS)

    def _spread(self, i: int) -> np.ndarray:
        return self.shown[i].area.std * UNIT_SCALE[UNITS]

    @property
    def low_coherence(self) -> float:
        """The options' threshold, read at each use: it may change while the dock is open."""
        return load_settings().low_coherence_threshold

    def _unreliable(self, i: int) -> bool:
        pixel = self.shown[i].pixel
        return pixel is not None and pixel.coherence < self.low_coherence

    def _fit(self, values: np.ndarray) -> Optional[Fit]:
        try:
            return fit_series(self.dates, values, self.seasonal_check.isChecked())
        except ValueError:  # too few dates with a value
            return None

    def _draw(self, i: int) -> None:
        """Series i on the graph: relative to the reference, with its fit (and spread for an area)."""
        values = self._values(i)
        fit = self._fit(values)
        shown = self.shown[i]
        spread = self._spread(i) if shown.area is not None else None
        label = f"{shown.label}: {format_fit(fit)}"
        self.plot.draw_series(i, values, fit.model if fit else None, label, self._unreliable(i), spread)

    def _place_markers(self) -> None:
        to_canvas = self._transform(to_stack=False) if self.stack is not None else None
        self.overlay.place(self.shown, self.reference_pixel, to_canvas)

    def _update_decorations(self) -> None:
        """Legend, y range, the text under the controls and the export buttons."""
        self.plot.decorate()
        self.info.setText(self._describe())
        self._enable_exports()

    def _describe(self) -> str:
        """Rich text: the reference, then each series with its quality; unreliable ones in red."""
        if not self.shown:
            return ""
        lines = [html.escape(self._reference_text() + f" ({self.stack.crs})")]
        for i, shown in enumerate(self.shown):
            parts = self._describe_area(shown.area) if shown.area is not None else self._describe_pixel(shown.pixel)
            text = f"<b>{html.escape(shown.label)}</b>: " + "<br>".join(map(html.escape, parts))
            lines.append(f'<span style="color:#b00020">{text}</span>' if self._unreliable(i) else text)
        return "<br>".join(lines)

    def _describe_pixel(self, pixel: Pixel) -> list:
        """Where the pixel is, then MintPy's quality figures for it."""
        where = tr("row {}, column {} (x {:.1f}, y {:.1f})").format(pixel.row, pixel.col, pixel.x, pixel.y)
        if not np.isfinite(pixel.metres).any():
            return [where, tr("No solution at this pixel (MintPy's temporal coherence 0).")]
        quality = []
        if np.isfinite(pixel.coherence):
            quality.append(tr("temporal coherence {:.2f}").format(pixel.coherence))
        if np.isfinite(pixel.spatial_coherence):
            quality.append(tr("spatial coherence {:.2f}").format(pixel.spatial_coherence))
        if pixel.ifgs_used >= 0:
            quality.append(tr("{} interferograms").format(pixel.ifgs_used))
        if np.isfinite(pixel.velocity):
            scale = UNIT_SCALE[UNITS]
            sigma = f" ± {pixel.velocity_std * scale:.1f}" if np.isfinite(pixel.velocity_std) else ""
            quality.append(tr("MintPy velocity {:+.1f}{} {}/yr").format(pixel.velocity * scale, sigma, UNITS))
        if pixel.coherence < self.low_coherence:
            quality.append(tr("low coherence: values unreliable"))
        return [where, ", ".join(quality)] if quality else [where]

    def _describe_area(self, area: AreaSeries) -> list:
        fewest, most = int(area.count.min()), int(area.count.max())
        if fewest == area.pixels:
            return [tr("mean ± std of {} pixels, each with a value on every date").format(area.pixels)]
        return [
            tr("mean ± std of {} pixels; {} to {} of them have a value on a date").format(area.pixels, fewest, most)
        ]

    def clear(self, keep: int = 0) -> None:
        """Take the shown series off the graph and the map, keeping the first `keep` lines for reuse."""
        self.shown = self.shown[:keep]
        self.pending = []
        self._cancel_measuring()
        self.busy.setVisible(False)
        self.plot.keep(keep)
        self._place_markers()

    # --- project -------------------------------------------------------------------------------

    def project_state(self) -> dict:
        """What the project keeps of the dock (JSON-serialisable); coordinates in the stack's CRS. While a
        step replaces the stack's files, what it was before."""
        if self.closed_state is not None:
            return self.closed_state
        reference = self.reference_pixel
        return {
            "folder": self.folder if self.stack is not None else "",
            "reference_date": self.reference_combo.currentData(),
            "reference_point": None
            if reference is None
            else {"x": reference.x, "y": reference.y, "crs": self.stack.crs},
            "seasonal": self.seasonal_check.isChecked(),
            "pixels": [
                {"x": s.pixel.x, "y": s.pixel.y, "label": s.label} for s in self.shown if s.pixel and not s.east
            ],
            "areas": [s.polygon.asWkt() for s in self.shown + self.pending if s.polygon is not None],
        }

    def restore_project_state(self, state: dict) -> None:
        """Open the folder of a project_state() and plot what it lists: its pixels, then its areas. Ends
        a close_for_rewrite(): what shows now is this state (the one it kept, or another project's)."""
        self.closed_state = None
        self.folder_widget.setEnabled(True)
        self.layers_button.setEnabled(True)
        folder = state.get("folder") or ""
        self.folder_widget.blockSignals(True)  # opened below, also when it is the folder open now
        self.folder_widget.setFilePath(folder)
        self.folder_widget.blockSignals(False)
        if not self.open_folder(folder):
            return
        self.seasonal_check.blockSignals(True)
        self.seasonal_check.setChecked(bool(state.get("seasonal")))
        self.seasonal_check.blockSignals(False)
        if state.get("reference_date") in self.stack.dates:
            self.reference_combo.setCurrentIndex(self.stack.dates.index(state["reference_date"]))
        reference = state.get("reference_point")
        if reference:
            at = self._transform(to_stack=True, crs=reference["crs"]).transform(
                QgsPointXY(reference["x"], reference["y"])
            )
            self._set_reference_pixel(self.stack.at(at.x(), at.y()))
        for saved in state.get("pixels", []):
            pixel = self.stack.at(saved["x"], saved["y"])
            if pixel is not None and self.east is not None:  # labelled "<label> vertical": its own label again
                self._show_pixel(saved["label"].rsplit(" ", 1)[0], pixel, add=True)
            elif pixel is not None:
                self._show(Shown(saved["label"], pixel.metres, pixel=pixel), add=True)
        for wkt in state.get("areas", []):
            self._show_area(QgsGeometry.fromWkt(wkt))

    # --- export --------------------------------------------------------------------------------

    def _enable_exports(self) -> None:
        self.csv_button.setEnabled(bool(self.shown))
        self.png_button.setEnabled(bool(self.shown))

    def _ask_path(self, caption: str, filters: str) -> str:
        settings = load_settings()
        path, _ = QFileDialog.getSaveFileName(self, caption, settings.last_folder, filters)
        if path:
            settings.last_folder = str(path.rsplit("/", 1)[0])
            save_settings(settings)
        return path

    def _ask_csv(self) -> None:
        path = self._ask_path(tr("Export the shown series"), tr("CSV (*.csv)"))
        if path:
            self.export_csv(path)

    def _ask_png(self) -> None:
        path = self._ask_path(tr("Export the graph"), tr("PNG image (*.png)"))
        if path:
            self.export_png(path)

    def export_csv(self, path: str) -> None:
        """One row per date: a column per shown pixel (mm, as plotted), three per area (mean and std in
        mm, how many of its pixels have a value); the header says where each pixel is."""
        series = []
        for i, shown in enumerate(self.shown):
            values = self._values(i)
            if shown.area is None:
                series.append(PixelColumn(shown.label, shown.pixel.x, shown.pixel.y, values))
            else:
                series.append(AreaColumns(shown.label, values, self._spread(i), shown.area.count))
        write_series_csv(path, [iso_date(date) for date in self.stack.dates], self.stack.crs, series)

    def export_png(self, path: str) -> None:
        self.plot.save_png(path)

    # --- unload --------------------------------------------------------------------------------

    def unload(self) -> None:
        """Everything this dock put on the canvas goes, and the tool the user had comes back."""
        self.tools.unload()
        self.tool.picked.disconnect(self.pick)
        self.area_tool.drawn.disconnect(self.add_area)
        self.reference_tool.picked.disconnect(self.set_reference)
        self.area_tool.reset()
        self.canvas.destinationCrsChanged.disconnect(self._place_markers)
        self.clear()
        self.reference_pixel = None
        self._place_markers()
        if self.stack is not None:
            self._cancel_measuring(wait=True)
            self._close_stacks()

    def _close_stacks(self) -> None:
        for stack in (self.stack, self.east):
            if stack is not None:
                stack.close()
        self.stack = self.east = None


def format_fit(fit: Optional[Fit]) -> str:
    """The legend's velocity: `+12.3 ± 0.4 mm/yr`, with the annual amplitude when fitted."""
    if fit is None:
        return tr("not enough data")
    text = f"{round(fit.velocity, 1) + 0.0:+.1f}"  # + 0.0: no "-0.0"
    if np.isfinite(fit.velocity_sigma):
        text += f" ± {fit.velocity_sigma:.1f}"
    text += f" {UNITS}/yr"
    if np.isfinite(fit.amplitude):
        text += ", " + tr("annual {:.1f} {}").format(fit.amplitude, UNITS)
    return text
