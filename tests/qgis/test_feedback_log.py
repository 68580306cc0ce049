"""The core's log reaches the algorithm that ran the code, not another one running at the same time."""

import logging
import threading

from qgis.core import QgsProcessingFeedback

from sbas_plugin.core.online.download import worker_prefix
from sbas_plugin.log import LOGGER_NAME
from sbas_plugin.processing.base import FeedbackLogHandler


def log_from_thread(name: str, message: str) -> None:
    thread = threading.Thread(target=lambda: logging.getLogger(LOGGER_NAME).warning(message), name=name)
    thread.start()
    thread.join()


def test_feedback_gets_its_own_thread_and_its_workers_only():
    feedback = QgsProcessingFeedback()
    handler = FeedbackLogHandler(feedback)
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(handler)
    try:
        logger.warning("from the algorithm")
        log_from_thread(worker_prefix(threading.get_ident()) + "0", "from its download worker")
        log_from_thread("Dummy-7", "from another algorithm's task")
        log_from_thread(worker_prefix(threading.get_ident() + 1) + "0", "from another algorithm's worker")
    finally:
        logger.removeHandler(handler)
    log = feedback.textLog()
    assert "from the algorithm" in log and "from its download worker" in log
    assert "another" not in log
