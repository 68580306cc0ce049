"""tr() for every user-facing string: translate the template, then format it."""

from qgis.PyQt.QtCore import QCoreApplication

CONTEXT = "sbas_plugin"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)
