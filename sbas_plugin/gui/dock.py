"""The plugin's dock: what is installed, and the pixel-centre points step."""

from qgis.core import (
    QgsApplication,
    QgsMapLayerProxyModel,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
)
from qgis.gui import QgsDockWidget, QgsMapLayerComboBox
from qgis.PyQt.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sbas_plugin.gui.packages import PackagesBox
from sbas_plugin.i18n import tr


class SbasDock(QgsDockWidget):
    def __init__(self, iface, tasks, parent=None):
        super().__init__(tr("SBAS InSAR"), parent)
        self.setObjectName("SbasDock")
        self.iface = iface
        self.tasks = tasks

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(PackagesBox())
        layout.addWidget(self._points_box())
        layout.addStretch(1)
        self.setWidget(body)

    def _points_box(self) -> QGroupBox:
        box = QGroupBox(tr("Pixel-centre points"))
        form = QFormLayout(box)
        self.raster_combo = QgsMapLayerComboBox()
        self.raster_combo.setFilters(QgsMapLayerProxyModel.Filter.RasterLayer)
        self.aoi_combo = QgsMapLayerComboBox()
        self.aoi_combo.setFilters(QgsMapLayerProxyModel.Filter.PolygonLayer)
        self.points_button = QPushButton(tr("Make points"))
        self.points_button.clicked.connect(self.make_points)
        form.addRow(tr("Raster"), self.raster_combo)
        form.addRow(tr("Area"), self.aoi_combo)
        form.addRow(self.points_button)
        return box

    def make_points(self) -> None:
        raster, aoi = self.raster_combo.currentLayer(), self.aoi_combo.currentLayer()
        if raster is None or aoi is None:
            self.iface.messageBar().pushWarning(tr("SBAS"), tr("Choose a raster and an area polygon layer."))
            return
        algorithm = QgsApplication.processingRegistry().createAlgorithmById("sbas:points")
        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        feedback = QgsProcessingFeedback()
        params = {"RASTER": raster.id(), "AOI": aoi.id(), "OUTPUT": "TEMPORARY_OUTPUT"}
        task = QgsProcessingAlgRunnerTask(algorithm, params, context, feedback)
        task.executed.connect(lambda ok, results: self._points_done(ok, results, context))
        self.points_button.setEnabled(False)
        self.tasks.start(task, algorithm, context, feedback)

    def _points_done(self, ok: bool, results: dict, context: QgsProcessingContext) -> None:
        self.points_button.setEnabled(True)
        layer = context.takeResultLayer(results["OUTPUT"]) if ok else None
        if layer is None:
            self.iface.messageBar().pushCritical(tr("SBAS"), tr("Making pixel-centre points failed; see the log."))
            return
        layer.setName(tr("Pixel-centre points"))
        QgsProject.instance().addMapLayer(layer)
        self.iface.messageBar().pushSuccess(
            tr("SBAS"), tr("{} pixel-centre points added.").format(layer.featureCount())
        )
