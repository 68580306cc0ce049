"""Map tools of the docks: draw an area polygon, pick one point (both emit canvas-CRS geometry), and the
switch that puts them on the canvas from checkable buttons and gives the user's tool back."""

from functools import partial

from qgis.core import QgsGeometry, QgsPointXY, QgsWkbTypes
from qgis.gui import QgsMapTool, QgsMapToolEmitPoint, QgsRubberBand
from qgis.PyQt import sip
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor


class AreaDrawTool(QgsMapTool):
    """Click the vertices; right-click or double-click finishes (three vertices at least), Esc starts
    over, Backspace takes the last vertex back. Emits drawn(polygon in the canvas CRS)."""

    drawn = pyqtSignal(QgsGeometry)

    def __init__(self, canvas):
        super().__init__(canvas)
        self.vertices = []
        self._finish_on_release = False
        self.band = None  # on the canvas only while a polygon is being drawn
        self.setCursor(Qt.CursorShape.CrossCursor)

    def canvasReleaseEvent(self, event):  # noqa: N802 (Qt's names)
        if event.button() == Qt.MouseButton.RightButton or self._finish_on_release:
            # A double-click's second release comes after canvasDoubleClickEvent: its vertex is already in.
            self._finish_on_release = False
            self.finish()
        elif event.button() == Qt.MouseButton.LeftButton:
            self.vertices.append(QgsPointXY(event.mapPoint()))
            self._show()

    def canvasDoubleClickEvent(self, event):  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._finish_on_release = True

    def canvasMoveEvent(self, event):  # noqa: N802
        if self.vertices:
            self._show(QgsPointXY(event.mapPoint()))

    def keyPressEvent(self, event):  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.reset()
        elif event.key() == Qt.Key.Key_Backspace and self.vertices:
            self.vertices.pop()
            self._show()
        else:
            event.ignore()

    def finish(self) -> None:
        if len(self.vertices) < 3:  # not an area yet: keep drawing
            return
        polygon = QgsGeometry.fromPolygonXY([self.vertices])
        self.reset()
        self.drawn.emit(polygon)

    def reset(self) -> None:
        """Forget the vertices and take the drawing off the canvas."""
        self.vertices = []
        if self.band is not None:
            self.canvas().scene().removeItem(self.band)
            self.band = None

    def _show(self, moving=None) -> None:
        if self.band is None:
            self.band = QgsRubberBand(self.canvas(), QgsWkbTypes.GeometryType.PolygonGeometry)
            self.band.setColor(QColor(211, 47, 47, 200))
            self.band.setFillColor(QColor(211, 47, 47, 40))
            self.band.setWidth(2)
        points = self.vertices + ([moving] if moving is not None else [])
        self.band.reset(QgsWkbTypes.GeometryType.PolygonGeometry)
        for i, point in enumerate(points):
            self.band.addPoint(point, i == len(points) - 1)

    def deactivate(self):
        self.reset()
        super().deactivate()


class PointPickTool(QgsMapToolEmitPoint):
    """A left click emits picked(point in the canvas CRS, whether Ctrl was held: add rather than replace)."""

    picked = pyqtSignal(QgsPointXY, bool)

    def canvasReleaseEvent(self, event):  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            add = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            self.picked.emit(QgsPointXY(event.mapPoint()), add)


class MapToolSwitch:
    """A dock's map tools, each behind a checkable button: checking it puts the tool on the canvas (one at a
    time), unchecking it gives back the tool the user had before; another tool taking the canvas unchecks
    the button."""

    def __init__(self, canvas, buttons: dict):
        self.canvas = canvas
        self.buttons = buttons  # tool -> its button
        self.previous = None  # the user's tool, for when the dock's tools are done
        self._deactivated_slots = {tool: partial(self._deactivated, tool) for tool in buttons}
        for tool, button in buttons.items():
            button.setCheckable(True)
            button.toggled.connect(partial(self._toggled, tool))
            tool.deactivated.connect(self._deactivated_slots[tool])

    def _toggled(self, tool, on: bool) -> None:
        if on and self.canvas.mapTool() is not tool:
            if self.canvas.mapTool() not in self.buttons:  # the user's own tool comes back later
                self.previous = self.canvas.mapTool()
            self.canvas.setMapTool(tool)
        elif not on and self.canvas.mapTool() is tool:
            self.restore()

    def _deactivated(self, tool) -> None:
        # Only the button: the canvas is in the middle of setting another tool.
        button = self.buttons[tool]
        button.blockSignals(True)
        button.setChecked(False)
        button.blockSignals(False)

    def restore(self) -> None:
        """The user's previous tool back on the canvas (if it still exists), else no tool."""
        previous, self.previous = self.previous, None
        if previous is not None and not sip.isdeleted(previous):
            self.canvas.setMapTool(previous)
        else:
            self.canvas.unsetMapTool(self.canvas.mapTool())

    def unload(self) -> None:
        """The user's tool back if one of ours is on the canvas; the tools' signals disconnected."""
        if self.canvas.mapTool() in self.buttons:
            self.restore()
        for tool, slot in self._deactivated_slots.items():
            tool.deactivated.disconnect(slot)
