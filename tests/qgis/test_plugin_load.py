"""Load the plugin the way QGIS does, twice, and check unload takes everything out again."""

import configparser
import logging
import time

from qgis.core import QgsApplication, QgsPointXY, QgsProject, QgsTask
from qgis.PyQt.QtCore import QCoreApplication, QEvent
from qgis.PyQt.QtWidgets import QAction

import sbas_plugin
from sbas_plugin.__about__ import metadata_path
from sbas_plugin.log import LOGGER_NAME
from sbas_plugin.settings import Settings, load_settings, save_settings


def plugin_docks(main_window):
    return [w for w in main_window.findChildren(object) if w.objectName() in ("SbasWorkflowDock", "SbasTimeseriesDock")]


def project_receivers() -> list:
    project = QgsProject.instance()
    return [project.receivers(signal) for signal in (project.writeProject, project.readProject, project.cleared)]


def test_load_unload_twice(qgis_iface, qgis_processing, tmp_path):
    metadata = configparser.ConfigParser(interpolation=None)
    metadata.read(metadata_path(), encoding="utf-8")
    minimum = tuple(int(n) for n in metadata["general"]["qgisMinimumVersion"].split("."))
    assert minimum >= (3, 22)
    registry = QgsApplication.processingRegistry()
    logger = logging.getLogger(LOGGER_NAME)
    handlers_before = list(logger.handlers)

    receivers_before = project_receivers()
    for _ in range(2):
        qgis_iface.registerOptionsWidgetFactory.reset_mock()  # pytest-qgis's iface mocks these
        qgis_iface.unregisterOptionsWidgetFactory.reset_mock()
        plugin = sbas_plugin.classFactory(qgis_iface)
        plugin.initGui()
        options_factory = plugin.options_factory
        qgis_iface.registerOptionsWidgetFactory.assert_called_once_with(options_factory)
        assert registry.providerById("sbas") is not None
        assert registry.algorithmById("sbas:points") is not None
        assert len(plugin_docks(qgis_iface.mainWindow())) == 2
        tool_before = qgis_iface.mapCanvas().mapTool()
        plugin.timeseries_dock.pick_button.setChecked(True)
        assert qgis_iface.mapCanvas().mapTool() is plugin.timeseries_dock.tool
        assert len(logger.handlers) == len(handlers_before) + 1
        plugin.action.setChecked(True)
        assert not plugin.dock.isHidden()  # the test's main window is never shown, so not 'visible'
        plugin.dock.work_widget.setFilePath(str(tmp_path))
        plugin.dock.draw_button.setChecked(True)  # unload must give the canvas its tool back
        assert qgis_iface.mapCanvas().mapTool() is plugin.dock.area_tool
        plugin.dock.set_reference_point(QgsPointXY(1.0, 2.0), "EPSG:4326")
        scene_items = len(qgis_iface.mapCanvas().scene().items())

        plugin.unload()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # run the deleteLater()s
        assert len(qgis_iface.mapCanvas().scene().items()) < scene_items  # marker and rubber band gone
        assert QgsApplication.taskManager().countActiveTasks() == 0
        assert project_receivers() == receivers_before
        assert registry.providerById("sbas") is None
        assert plugin_docks(qgis_iface.mainWindow()) == []
        assert qgis_iface.mapCanvas().mapTool() is tool_before
        actions = [a.objectName() for a in qgis_iface.mainWindow().findChildren(QAction)]
        assert not {"SbasDockAction", "SbasTimeseriesAction"} & set(actions)
        assert logger.handlers == handlers_before
        qgis_iface.unregisterOptionsWidgetFactory.assert_called_once_with(options_factory)
        assert plugin.options_factory is None


def test_processing_only_start_without_iface(qgis_app):
    # qgis_process: classFactory(None), then initProcessing() alone.
    plugin = sbas_plugin.classFactory(None)
    plugin.initProcessing()
    try:
        assert QgsApplication.processingRegistry().algorithmById("sbas:points") is not None
    finally:
        plugin.unload()
    assert QgsApplication.processingRegistry().providerById("sbas") is None


def test_core_logging_reaches_qgis_message_log(qgis_iface):
    received = []

    def on_message(message, tag, level):
        received.append((tag, message))

    QgsApplication.messageLog().messageReceived.connect(on_message)
    plugin = sbas_plugin.classFactory(qgis_iface)
    plugin.initGui()
    try:
        logging.getLogger("sbas_plugin.core.points").warning("hello from the core")
    finally:
        plugin.unload()
        QgsApplication.messageLog().messageReceived.disconnect(on_message)
    assert ("SBAS", "sbas_plugin.core.points: hello from the core") in received
    logging.getLogger("sbas_plugin.core.points").warning("after unload")
    assert not [m for _, m in received if "after unload" in m]


class WaitUntilCanceled(QgsTask):
    def __init__(self):
        super().__init__("wait until canceled", QgsTask.Flag.CanCancel)
        self.was_canceled = False

    def run(self):
        while not self.isCanceled():
            time.sleep(0.01)
        self.was_canceled = True
        return False


def test_unload_cancels_running_tasks(qgis_iface):
    plugin = sbas_plugin.classFactory(qgis_iface)
    plugin.initGui()
    task = WaitUntilCanceled()
    plugin.tasks.start(task)
    deadline = time.monotonic() + 10
    while task.status() != QgsTask.TaskStatus.Running and time.monotonic() < deadline:
        time.sleep(0.01)
    assert plugin.tasks.running() == [task]
    plugin.unload()
    assert task.was_canceled


def test_settings_round_trip(qgis_app):
    saved = load_settings()
    try:
        save_settings(Settings(last_folder="/data/sbas"))
        assert load_settings() == Settings(last_folder="/data/sbas")
    finally:
        save_settings(saved)
