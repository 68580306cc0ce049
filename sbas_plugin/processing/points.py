"""sbas:points — pixel-centre points of a raster inside polygons, in the raster's CRS."""

from qgis.core import (
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureSink,
    QgsFields,
    QgsGeometry,
    QgsPointXY,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterRasterLayer,
    QgsWkbTypes,
)

from sbas_plugin.compat import field
from sbas_plugin.i18n import tr
from sbas_plugin.processing.base import SbasAlgorithm


def raster_grid(layer):
    """The layer's pixel lattice as a core Grid."""
    from sbas_plugin.core.grid import Grid

    extent = layer.extent()
    width, height = layer.width(), layer.height()
    return Grid(
        x0=extent.xMinimum(),
        y0=extent.yMaximum(),
        dx=extent.width() / width,
        dy=-extent.height() / height,
        width=width,
        height=height,
    )


def polygons_of(geometry: QgsGeometry) -> list:
    """QGIS polygon geometry -> rings as lists of (x, y), exterior first."""
    parts = geometry.asMultiPolygon() if geometry.isMultipart() else [geometry.asPolygon()]
    return [[[(p.x(), p.y()) for p in ring] for ring in part] for part in parts if part]


class PixelCentrePoints(SbasAlgorithm):
    GROUP = "results"
    RASTER = "RASTER"
    AOI = "AOI"
    OUTPUT = "OUTPUT"

    def name(self) -> str:
        return "points"

    def displayName(self) -> str:  # noqa: N802
        return tr("Pixel-centre points inside an area")

    def shortHelpString(self) -> str:  # noqa: N802
        return tr(
            "Makes one point at the centre of every raster pixel whose centre lies inside the area "
            "polygons, in the raster's coordinate reference system (for HyP3 and MintPy GeoTIFFs, "
            "WGS 84 / UTM). The area may be in any CRS, for example EPSG:3857 as drawn on a web "
            "basemap: it is transformed to the raster's CRS first. Attributes: fid (1, 2, ... row by "
            "row from the upper left), x and y of the pixel centre, and the pixel's row and col."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterRasterLayer(self.RASTER, tr("Raster (pixel lattice)")))
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.AOI, tr("Area of interest"), [QgsProcessing.SourceType.TypeVectorPolygon]
            )
        )
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Pixel-centre points")))

    def run_step(self, parameters, context, feedback) -> dict:
        from sbas_plugin.core.aoi import SEGMENTS_PER_EXTENT
        from sbas_plugin.core.results.points import pixel_centres_in_polygons

        raster = self.parameterAsRasterLayer(parameters, self.RASTER, context)
        source = self.parameterAsSource(parameters, self.AOI, context)
        if raster is None or source is None:
            raise QgsProcessingException(tr("Choose both a raster and an area-of-interest layer."))
        grid = raster_grid(raster)  # a ValueError becomes the QgsProcessingException of processAlgorithm
        to_raster = QgsCoordinateTransform(source.sourceCrs(), raster.crs(), context.transformContext())
        polygons = []
        for feature in source.getFeatures():
            geometry = QgsGeometry(feature.geometry())
            if geometry.isEmpty():
                continue
            # Densify first: an edge drawn straight in EPSG:3857 must stay that line in UTM.
            box = geometry.boundingBox()
            geometry = geometry.densifyByDistance(max(box.width(), box.height()) / SEGMENTS_PER_EXTENT)
            geometry.transform(to_raster)
            polygons.extend(polygons_of(geometry))
        if not polygons:
            raise QgsProcessingException(tr("The area-of-interest layer has no polygon to use."))

        fields = QgsFields()
        for name, python_type in (("fid", int), ("x", float), ("y", float), ("row", int), ("col", int)):
            fields.append(field(name, python_type))
        sink, dest_id = self.parameterAsSink(
            parameters, self.OUTPUT, context, fields, QgsWkbTypes.Type.Point, raster.crs()
        )
        points = pixel_centres_in_polygons(
            grid, polygons, progress=lambda p: feedback.setProgress(p / 2), is_canceled=feedback.isCanceled
        )
        feedback.pushInfo(tr("{} pixel centres inside the area").format(len(points)))
        for i, (x, y, row, col) in enumerate(
            zip(points.x.tolist(), points.y.tolist(), points.rows.tolist(), points.cols.tolist())
        ):
            if feedback.isCanceled():
                return {}
            feature = QgsFeature(fields)
            feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
            feature.setAttributes([i + 1, x, y, row, col])
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
            if i % 1000 == 0:
                feedback.setProgress(50 + 50 * i / len(points))
        return {self.OUTPUT: dest_id}
