"""Map tools of the docks: draw an area polygon, pick one point. Both emit canvas-CRS geometry."""

from qgis.core import QgsGeometry, QgsPointXY, QgsWkbTypes
from qgis.gui import QgsMapTool, QgsMapToolEmitPoint, QgsRubberBand
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
    """One left click emits picked(point in the canvas CRS)."""

    picked = pyqtSignal(QgsPointXY)

    def canvasReleaseEvent(self, event):  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.picked.emit(QgsPointXY(event.mapPoint()))
