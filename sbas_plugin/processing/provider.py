"""The Processing provider `sbas`: the pipeline's steps for the Toolbox, Model Builder and qgis_process."""

from pathlib import Path

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from sbas_plugin.__about__ import __version__
from sbas_plugin.i18n import tr
from sbas_plugin.processing.jobs import (
    DownloadAlgorithm,
    PairsAlgorithm,
    SearchAlgorithm,
    StatusAlgorithm,
    SubmitAlgorithm,
    UpdateAlgorithm,
)
from sbas_plugin.processing.pipeline import ClipAlgorithm, ExportAlgorithm, MintpyAlgorithm, RunAlgorithm
from sbas_plugin.processing.points import PixelCentrePoints
from sbas_plugin.processing.quality import ReportAlgorithm, ValidateAlgorithm
from sbas_plugin.processing.results import CoherenceAlgorithm, DecomposeAlgorithm, ExtractAlgorithm, PlotAlgorithm

ICON = Path(__file__).resolve().parent.parent / "icons" / "sbas.svg"


class SbasProvider(QgsProcessingProvider):
    def id(self) -> str:  # stable, never translated: it prefixes every algorithm id
        return "sbas"

    def name(self) -> str:
        return tr("SBAS InSAR")

    def icon(self) -> QIcon:
        return QIcon(str(ICON))

    def svgIconPath(self) -> str:  # noqa: N802 (QGIS's name)
        return str(ICON)

    def versionInfo(self) -> str:  # noqa: N802
        return __version__

    def loadAlgorithms(self) -> None:  # noqa: N802
        for algorithm in (
            PixelCentrePoints,
            RunAlgorithm,
            ClipAlgorithm,
            MintpyAlgorithm,
            ExportAlgorithm,
            ExtractAlgorithm,
            PlotAlgorithm,
            CoherenceAlgorithm,
            ValidateAlgorithm,
            DecomposeAlgorithm,
            ReportAlgorithm,
            SearchAlgorithm,
            PairsAlgorithm,
            SubmitAlgorithm,
            StatusAlgorithm,
            DownloadAlgorithm,
            UpdateAlgorithm,
        ):
            self.addAlgorithm(algorithm())
