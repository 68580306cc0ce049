"""Click a pixel on the map, read its displacement graph: the time-series dock and its map tool."""

import csv
import logging
import textwrap
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsPointXY, QgsProject
from qgis.gui import QgsDockWidget, QgsFileWidget, QgsMapToolEmitPoint, QgsVertexMarker
from qgis.PyQt import sip
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from sbas_plugin.core.extract import ExtractError
from sbas_plugin.core.pixel_series import LOW_COHERENCE, open_pixel_series
from sbas_plugin.core.plot import (
    SIGN_NOTE,
    _y_limits,
    draw_series,
    format_velocity,
    linear_trend,
    relative_displacement,
    style_time_axes,
)
from sbas_plugin.gui.results import load_results
from sbas_plugin.i18n import tr
from sbas_plugin.settings import load_settings, save_settings

LOG = logging.getLogger(__name__)
UNITS = "mm"
COLOURS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown", "tab:pink", "tab:olive"]
# Axes margins in inches (left, right, top, bottom): room for the y ticks and label, the date ticks and
# the wrapped sign note whatever the dock's width. Fixed: a layout engine would move the axes with
# each pixel's tick labels, and cost time on every click.
MARGINS = (0.62, 0.12, 0.22, 1.0)
NOTE_CHARACTER_POINTS = 4.9  # mean width of a character of the sign note (8.5 pt DejaVu Sans)
INCHES_PER_DATE_TICK = 0.8  # date labels like 2021-07 need this much room each (checked 30 days to 11 years)


class PixelPickTool(QgsMapToolEmitPoint):
    """Emits the clicked map point (canvas CRS) and whether Ctrl was held (add rather than replace)."""

    picked = pyqtSignal(QgsPointXY, bool)

    def canvasReleaseEvent(self, event):  # noqa: N802 (Qt's name)
        if event.button() == Qt.MouseButton.LeftButton:
            add = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            self.picked.emit(QgsPointXY(event.mapPoint()), add)


class TimeseriesDock(QgsDockWidget):
    def __init__(self, iface, parent=None):
        super().__init__(tr("SBAS time series"), parent)
        self.setObjectName("SbasTimeseriesDock")
        self.iface = iface
        self.canvas = iface.mapCanvas()
        self.stack = None
        self.pixels = []  # shown pixels, in legend order
        self.lines, self.trends, self.markers = [], [], []
        self.tool = PixelPickTool(self.canvas)
        self.tool.picked.connect(self.pick)
        self.tool.deactivated.connect(self._tool_deactivated)
        self._previous_tool = None
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
        self.pick_button.setCheckable(True)
        self.pick_button.toggled.connect(self._pick_toggled)
        layout.addWidget(self.pick_button)
        self.info = QLabel(tr("Choose a work folder, then click a pixel on the map."))
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.info)

        self.figure = Figure(figsize=(4.6, 3.6), dpi=100)
        self.figure_canvas = FigureCanvasQTAgg(self.figure)
        self.figure_canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.figure_canvas.setMinimumSize(340, 300)
        self.ax = self.figure.add_axes((0, 0, 1, 1))
        self.sign_note = None  # style_time_axes' note under the dates, wrapped to the width
        self.figure_canvas.mpl_connect("resize_event", self._fit_axes)
        layout.addWidget(self.figure_canvas, 1)

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
        folder = load_settings().timeseries_folder
        if folder:
            self.folder_widget.setFilePath(folder)  # opens it through fileChanged

    # --- the stack -----------------------------------------------------------------------------

    def open_folder(self, folder: str) -> bool:
        self.clear()
        if self.stack is not None:
            self.stack.close()
            self.stack = None
        self.reference_combo.blockSignals(True)
        self.reference_combo.clear()
        self.reference_combo.blockSignals(False)
        if not folder:
            return False
        try:
            self.stack = open_pixel_series(folder)
        except (ExtractError, OSError, KeyError, ValueError) as error:
            LOG.warning("time series of %s: %s", folder, error)
            self.info.setText(tr("No time series here: {}").format(error))
            return False
        settings = load_settings()
        settings.timeseries_folder = folder
        save_settings(settings)
        self.dates = self.stack.dates64
        self.reference_combo.blockSignals(True)
        for date in self.stack.dates:
            self.reference_combo.addItem(f"{date[:4]}-{date[4:6]}-{date[6:]}", date)
        self.reference_combo.setCurrentIndex(self.stack.dates.index(self.stack.reference_date))
        self.reference_combo.blockSignals(False)
        self._frame()
        self.info.setText(
            tr("{} dates, {} x {} pixels, {}. Click a pixel on the map.").format(
                len(self.stack.dates), self.stack.grid.width, self.stack.grid.height, self.stack.crs
            )
        )
        return True

    def add_result_layers(self) -> None:
        folder = Path(self.folder_widget.filePath())
        if not (folder / "GeoTiffs").is_dir():
            self.iface.messageBar().pushWarning(
                tr("SBAS"), tr("{} is not a work folder with GeoTiffs/ (as sbas run makes it).").format(folder)
            )
            return
        load_results(folder)
        self.iface.messageBar().pushSuccess(tr("SBAS"), tr("Result layers of {} added.").format(folder.name))

    def _reference_index(self) -> int:
        return max(self.reference_combo.currentIndex(), 0)

    def _frame(self) -> None:
        """The axes every pixel is drawn into: rebuilt only for a new stack or reference date."""
        self.ax.clear()
        self.lines, self.trends = [], []
        style_time_axes(self.ax, self.dates, self._reference_index(), UNITS)
        self.sign_note = next(text for text in self.ax.texts if text.get_text() == SIGN_NOTE)
        self._fit_axes()
        for i in range(len(self.pixels)):
            self._add_line(i)
        self._update_decorations()

    def _fit_axes(self, event=None) -> None:
        width, height = self.figure.get_size_inches()
        left, right, top, bottom = MARGINS
        self.ax.set_position(
            (
                left / width,
                bottom / height,
                max(width - left - right, 0.1) / width,
                max(height - top - bottom, 0.1) / height,
            )
        )
        # Wrapped here, once per size: matplotlib's own wrapping measures it word by word at every draw.
        if self.sign_note is not None:
            characters = int((width - left) * 72 / NOTE_CHARACTER_POINTS)
            self.sign_note.set_text(textwrap.fill(SIGN_NOTE, characters))
        locator = self.ax.xaxis.get_major_locator()
        if hasattr(locator, "maxticks"):  # style_time_axes' AutoDateLocator: fewer dates in a narrow dock
            locator.minticks = 2
            ticks = max(4, int((width - left - right) / INCHES_PER_DATE_TICK))  # fewer: it finds no interval
            locator.maxticks = dict.fromkeys(locator.maxticks, ticks)

    def _reference_changed(self) -> None:
        if self.stack is not None:
            self._frame()

    # --- picking -------------------------------------------------------------------------------

    def _pick_toggled(self, on: bool) -> None:
        if on and self.canvas.mapTool() is not self.tool:
            self._previous_tool = self.canvas.mapTool()
            self.canvas.setMapTool(self.tool)
        elif not on and self.canvas.mapTool() is self.tool:
            self._restore_tool()

    def _tool_deactivated(self) -> None:
        self.pick_button.setChecked(False)

    def _restore_tool(self) -> None:
        previous, self._previous_tool = self._previous_tool, None
        if previous is not None and not sip.isdeleted(previous):
            self.canvas.setMapTool(previous)
        else:
            self.canvas.unsetMapTool(self.tool)

    def _transform(self, to_stack: bool) -> QgsCoordinateTransform:
        crs = self.canvas.mapSettings().destinationCrs(), QgsCoordinateReferenceSystem(self.stack.crs)
        source, target = crs if to_stack else crs[::-1]
        return QgsCoordinateTransform(source, target, QgsProject.instance().transformContext())

    def pick(self, point: QgsPointXY, add: bool = False) -> None:
        """A click at `point` (canvas CRS): plot that pixel, replacing the shown ones unless `add`."""
        if self.stack is None:
            self.iface.messageBar().pushWarning(tr("SBAS"), tr("Choose a work folder with a time series first."))
            return
        at = self._transform(to_stack=True).transform(point)
        pixel = self.stack.at(at.x(), at.y())
        if pixel is None:
            self.info.setText(tr("That point is outside the time series' area."))
            return
        if not add:
            self.clear(keep=1)
            self.pixels = [pixel]
        else:
            self.pixels.append(pixel)
        if len(self.lines) < len(self.pixels):
            self._add_line(len(self.pixels) - 1)
        self._set_line(len(self.pixels) - 1)
        self._place_markers()
        self._update_decorations()

    def _colour(self, i: int) -> str:
        return COLOURS[i % len(COLOURS)]

    def _add_line(self, i: int) -> None:
        nothing = np.full(len(self.dates), np.nan)
        colour = self._colour(i)
        self.trends.append(self.ax.plot(self.dates, nothing, color=colour, linestyle="--", linewidth=1.0)[0])
        self.lines.append(draw_series(self.ax, self.dates, nothing, color=colour))
        self._set_line(i)

    def _values(self, i: int) -> np.ndarray:
        return relative_displacement(self.pixels[i].metres, self._reference_index(), UNITS)

    def _set_line(self, i: int) -> None:
        if i >= len(self.pixels):
            return
        values = self._values(i)
        slope, trend = linear_trend(self.dates, values)
        self.lines[i].set_ydata(values)
        self.trends[i].set_ydata(trend)
        self.lines[i].set_label(f"P{i + 1}: {format_velocity(slope, UNITS)}")

    def _place_markers(self) -> None:
        while len(self.markers) > len(self.pixels):
            self.canvas.scene().removeItem(self.markers.pop())
        if self.stack is None:
            return
        to_canvas = self._transform(to_stack=False)
        for i, pixel in enumerate(self.pixels):
            if i == len(self.markers):
                marker = QgsVertexMarker(self.canvas)
                marker.setIconType(QgsVertexMarker.IconType.ICON_BOX)
                marker.setIconSize(12)
                marker.setPenWidth(3)
                marker.setColor(QColor(to_hex(self._colour(i))))
                self.markers.append(marker)
            centre = to_canvas.transform(QgsPointXY(pixel.x, pixel.y))
            self.markers[i].setCenter(centre)

    def _update_decorations(self) -> None:
        """Legend, y range and the text under the controls; then a redraw when Qt is idle."""
        if self.pixels:
            self.ax.legend(handles=self.lines, loc="best", fontsize=8.5, framealpha=0.85)
            self.ax.set_ylim(*_y_limits(UNITS, *[line.get_ydata() for line in self.lines + self.trends]))
        elif self.ax.get_legend():
            self.ax.get_legend().remove()
        self.info.setText(self._describe())
        self.info.setStyleSheet("color: #b00020" if self._low_coherence() else "")
        self._enable_exports()
        self.figure_canvas.draw_idle()

    def _low_coherence(self) -> bool:
        return bool(self.pixels) and self.pixels[-1].coherence < LOW_COHERENCE

    def _describe(self) -> str:
        if not self.pixels:
            return ""
        i = len(self.pixels) - 1
        pixel = self.pixels[i]
        text = tr("P{}: row {}, column {} (x {:.1f}, y {:.1f}, {})").format(
            i + 1, pixel.row, pixel.col, pixel.x, pixel.y, self.stack.crs
        )
        if not np.isfinite(pixel.metres).any():
            text += "\n" + tr("No solution at this pixel (MintPy's temporal coherence 0).")
        elif np.isfinite(pixel.coherence):
            text += "\n" + tr("Temporal coherence {:.2f}").format(pixel.coherence)
            if pixel.coherence < LOW_COHERENCE:
                text += " — " + tr("low coherence: values unreliable")
        if np.isfinite(pixel.velocity):
            text += "\n" + tr("MintPy velocity {}").format(format_velocity(pixel.velocity * 1000.0, UNITS))
        return text

    def clear(self, keep: int = 0) -> None:
        """Take the shown pixels off the graph and the map, keeping the first `keep` lines for reuse."""
        self.pixels = self.pixels[:keep]
        for line in self.lines[keep:] + self.trends[keep:]:
            line.remove()
        self.lines, self.trends = self.lines[:keep], self.trends[:keep]
        self._place_markers()

    # --- export --------------------------------------------------------------------------------

    def _enable_exports(self) -> None:
        self.csv_button.setEnabled(bool(self.pixels))
        self.png_button.setEnabled(bool(self.pixels))

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
        """One row per date, a column per shown pixel (mm relative to the reference date); the header
        says where each pixel is."""
        columns = [f"P{i + 1}_mm (x {p.x:.1f} y {p.y:.1f} {self.stack.crs})" for i, p in enumerate(self.pixels)]
        values = [self._values(i) for i in range(len(self.pixels))]
        with open(path, "w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(["date", *columns])
            for d, date in enumerate(self.stack.dates):
                row = ["" if np.isnan(v[d]) else f"{v[d]:.2f}" for v in values]
                writer.writerow([f"{date[:4]}-{date[4:6]}-{date[6:]}", *row])

    def export_png(self, path: str) -> None:
        self.figure.savefig(path, dpi=150, facecolor="white")

    # --- unload --------------------------------------------------------------------------------

    def unload(self) -> None:
        """Everything this dock put on the canvas goes, and the tool the user had comes back."""
        if self.canvas.mapTool() is self.tool:
            self._restore_tool()
        self.tool.picked.disconnect(self.pick)
        self.tool.deactivated.disconnect(self._tool_deactivated)
        self.canvas.destinationCrsChanged.disconnect(self._place_markers)
        self.clear()
        if self.stack is not None:
            self.stack.close()
            self.stack = None
