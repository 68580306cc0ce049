"""Python logging (used by the pure core) forwarded to QGIS's Log Messages panel."""

import logging
from typing import Optional

from qgis.core import Qgis, QgsMessageLog

from sbas_plugin.__about__ import PLUGIN_TAG

LOGGER_NAME = "sbas_plugin"


class QgsMessageLogHandler(logging.Handler):
    """QgsMessageLog.logMessage is thread-safe, so records from QgsTask.run() can go straight through."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            level = Qgis.MessageLevel.Critical
        elif record.levelno >= logging.WARNING:
            level = Qgis.MessageLevel.Warning
        else:
            level = Qgis.MessageLevel.Info
        try:
            QgsMessageLog.logMessage(self.format(record), PLUGIN_TAG, level)
        except Exception:  # a failing log call must never take the caller down
            self.handleError(record)


def install_log_handler(handler: Optional[logging.Handler] = None, level: int = logging.INFO):
    """Attach the handler (by default one into the Log Messages panel, at `level`) to the `sbas_plugin` logger
    and let records of `level` through the logger; returns the callable that detaches it and restores the
    logger's level."""
    if handler is None:
        handler = QgsMessageLogHandler(level)
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    logger = logging.getLogger(LOGGER_NAME)
    previous_level = logger.level
    logger.addHandler(handler)
    if logger.getEffectiveLevel() > level:
        logger.setLevel(level)

    def remove() -> None:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)

    return remove
