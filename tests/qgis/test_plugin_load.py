"""Load the plugin the way QGIS does, twice, and check unload takes everything out again; the time-series
dock built only when first needed."""

import configparser
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from qgis.core import QgsApplication, QgsPointXY, QgsProject, QgsTask
from qgis.PyQt.QtCore import QCoreApplication, QEvent
from qgis.PyQt.QtWidgets import QAction
from test_timeseries_dock import write_work_folder

import sbas_plugin
from sbas_plugin.__about__ import metadata_path
from sbas_plugin.log import LOGGER_NAME
from sbas_plugin.settings import Settings, load_settings, save_settings

ROOT = Path(__file__).resolve().parents[2]


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
    for open_timeseries in (True, False):  # the time-series dock opened, or never built
        qgis_iface.registerOptionsWidgetFactory.reset_mock()  # pytest-qgis's iface mocks these
        qgis_iface.unregisterOptionsWidgetFactory.reset_mock()
        tool_before = qgis_iface.mapCanvas().mapTool()
        plugin = sbas_plugin.classFactory(qgis_iface)
        plugin.initGui()
        options_factory = plugin.options_factory
        qgis_iface.registerOptionsWidgetFactory.assert_called_once_with(options_factory)
        assert registry.providerById("sbas") is not None
        assert registry.algorithmById("sbas:points") is not None
        assert plugin.timeseries_dock is None and len(plugin_docks(qgis_iface.mainWindow())) == 1
        if open_timeseries:
            plugin.timeseries_action.setChecked(True)
            assert len(plugin_docks(qgis_iface.mainWindow())) == 2
            assert not plugin.timeseries_dock.isHidden()
            plugin.timeseries_dock.pick_button.setChecked(True)
            assert qgis_iface.mapCanvas().mapTool() is plugin.timeseries_dock.tool
        assert len(logger.handlers) == len(handlers_before) + 1
        plugin.action.setChecked(True)
        assert not plugin.dock.isHidden()  # the test's main window is never shown, so not 'visible'
        plugin.dock.work_widget.setFilePath(str(tmp_path))
        plugin.dock.area_page.draw_button.setChecked(True)  # unload must give the canvas its tool back
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


def test_the_workflow_dock_opens_the_time_series_dock_on_its_folder(qgis_iface, tmp_path):
    work = write_work_folder(tmp_path / "work")
    plugin = sbas_plugin.classFactory(qgis_iface)
    plugin.initGui()
    try:
        plugin.dock.work_widget.setFilePath(str(work))
        plugin.dock.results_page.timeseries_button.click()
        dock = plugin.timeseries_dock
        assert not dock.isHidden() and plugin.timeseries_action.isChecked()
        assert dock.folder == str(work) and dock.stack is not None
    finally:
        plugin.unload()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert plugin_docks(qgis_iface.mainWindow()) == []


def test_a_project_with_time_series_state_builds_the_dock_and_restores_it(qgis_iface, tmp_path):
    work = write_work_folder(tmp_path / "work")
    project = QgsProject.instance()
    plugin = sbas_plugin.classFactory(qgis_iface)
    plugin.initGui()
    try:
        assert project.write(str(tmp_path / "never_opened.qgz"))
        plugin.timeseries_action.setChecked(True)
        plugin.timeseries_dock.folder_widget.setFilePath(str(work))
        plugin.timeseries_dock.reference_combo.setCurrentIndex(4)
        plugin.timeseries_dock.seasonal_check.setChecked(True)
        state = plugin.timeseries_dock.project_state()
        assert state["folder"] == str(work)
        assert project.write(str(tmp_path / "opened.qgz"))
    finally:
        plugin.unload()
        project.clear()

    plugin = sbas_plugin.classFactory(qgis_iface)
    plugin.initGui()
    try:
        assert project.read(str(tmp_path / "never_opened.qgz"))
        assert plugin.timeseries_dock is None  # nothing to restore: still not built
        assert project.read(str(tmp_path / "opened.qgz"))
        assert plugin.timeseries_dock.project_state() == state
        assert plugin.timeseries_dock.isHidden()  # restored, shown when the user opens it
        project.clear()
        assert plugin.timeseries_dock.project_state()["folder"] == ""
    finally:
        plugin.unload()
        project.clear()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert plugin_docks(qgis_iface.mainWindow()) == []


START_SCRIPT = r"""
import json, sys
from pytest_qgis.mock_qgis_classes import MockMessageBar
from pytest_qgis.qgis_interface import QgisInterface
from qgis.core import QgsApplication
from qgis.gui import QgsMapCanvas
from qgis.PyQt.QtWidgets import QMainWindow
app = QgsApplication([], True)
app.initQgis()
window = QMainWindow()
iface = QgisInterface(QgsMapCanvas(window), MockMessageBar(), window)
import sbas_plugin
plugin = sbas_plugin.classFactory(iface)
plugin.initGui()
heavy = ("matplotlib", "h5py")
started = [name for name in heavy if name in sys.modules]
plugin.timeseries_action.setChecked(True)
opened = [name for name in heavy if name in sys.modules]
plugin.unload()
print("RESULT " + json.dumps({"started": started, "opened": opened}))
"""


def test_starting_the_plugin_imports_neither_matplotlib_nor_h5py(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    env.pop("QGIS_CUSTOM_CONFIG_PATH", None)
    done = subprocess.run(
        [sys.executable, "-c", START_SCRIPT], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    result = json.loads(lines[0][len("RESULT ") :])
    assert result == {"started": [], "opened": ["matplotlib", "h5py"]}


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
        logging.getLogger("sbas_plugin.core.results.points").warning("hello from the core")
    finally:
        plugin.unload()
        QgsApplication.messageLog().messageReceived.disconnect(on_message)
    assert ("SBAS", "sbas_plugin.core.results.points: hello from the core") in received
    logging.getLogger("sbas_plugin.core.results.points").warning("after unload")
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
