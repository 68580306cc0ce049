"""The time-series dock's marks on the map canvas: a square on each shown pixel and the outline of each
shown area, in their colours on the graph, and a black triangle on the reference pixel."""

from matplotlib.colors import to_hex
from qgis.core import QgsPointXY, QgsWkbTypes
from qgis.gui import QgsRubberBand, QgsVertexMarker
from qgis.PyQt.QtGui import QColor

from sbas_plugin.gui.series_plot import series_colour


class SeriesOverlay:
    def __init__(self, canvas):
        self.canvas = canvas
        self.map_items = []  # per shown series: a marker for a pixel, a rubber band for an area
        self.reference_marker = None

    def place(self, shown: list, reference_pixel, to_canvas) -> None:
        """Marks for the series `shown` (each with a pixel, or an area's polygon) and the reference pixel
        (None: none), both in the CRS `to_canvas` transforms from (None without a stack: only what is no
        longer shown goes)."""
        while len(self.map_items) > len(shown):
            self.canvas.scene().removeItem(self.map_items.pop())
        if self.reference_marker is not None and reference_pixel is None:
            self.canvas.scene().removeItem(self.reference_marker)
            self.reference_marker = None
        if to_canvas is None:
            return
        for i, one in enumerate(shown):
            colour = QColor(to_hex(series_colour(i)))
            item = self.map_items[i] if i < len(self.map_items) else None
            if one.area is not None:
                if not isinstance(item, QgsRubberBand):
                    item = self._replace(i, QgsRubberBand(self.canvas, QgsWkbTypes.GeometryType.PolygonGeometry))
                    item.setWidth(2)
                item.setStrokeColor(colour)
                item.setFillColor(QColor(colour.red(), colour.green(), colour.blue(), 50))
                item.setToGeometry(one.polygon, to_canvas.sourceCrs())
            else:
                if not isinstance(item, QgsVertexMarker):
                    item = self._replace(i, QgsVertexMarker(self.canvas))
                    item.setIconType(QgsVertexMarker.IconType.ICON_BOX)
                    item.setIconSize(12)
                    item.setPenWidth(3)
                item.setColor(colour)
                item.setCenter(to_canvas.transform(QgsPointXY(one.pixel.x, one.pixel.y)))
        if reference_pixel is not None:
            if self.reference_marker is None:
                self.reference_marker = QgsVertexMarker(self.canvas)
                self.reference_marker.setIconType(QgsVertexMarker.IconType.ICON_TRIANGLE)
                self.reference_marker.setIconSize(16)
                self.reference_marker.setPenWidth(3)
                self.reference_marker.setColor(QColor("#000000"))
            at = QgsPointXY(reference_pixel.x, reference_pixel.y)
            self.reference_marker.setCenter(to_canvas.transform(at))

    def _replace(self, i: int, item):
        if i < len(self.map_items):
            self.canvas.scene().removeItem(self.map_items[i])
            self.map_items[i] = item
        else:
            self.map_items.append(item)
        return item
