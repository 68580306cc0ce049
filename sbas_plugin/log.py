"""Python logging (used by the pure core) forwarded to QGIS's Log Messages panel."""

import logging

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


def install_log_handler(level: int = logging.INFO):
    """Attach the handler; returns the callable that detaches it again."""
    logger = logging.getLogger(LOGGER_NAME)
    handler = QgsMessageLogHandler()
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    logger.addHandler(handler)
    previous_level = logger.level
    logger.setLevel(level)

    def remove() -> None:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)

    return remove
