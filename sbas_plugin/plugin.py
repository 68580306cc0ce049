"""The plugin object QGIS creates: wires the provider, docks, project persistence and logging in, and
takes them out again."""

import json
import logging
from pathlib import Path

from qgis.core import QgsApplication, QgsProject, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from sbas_plugin.i18n import install_translator, tr
from sbas_plugin.log import install_log_handler
from sbas_plugin.processing.provider import SbasProvider
from sbas_plugin.settings import use_managed_packages
from sbas_plugin.tasks.registry import TaskRegistry

ICON = Path(__file__).resolve().parent / "icons" / "sbas.svg"
# The project file's entries: "workflow" and "timeseries", each a JSON object, and "aside": the layers a
# running step set aside (saved mid-step), as the XML texts of set_aside_layers().
SCOPE = "sbas_plugin"
LOG = logging.getLogger(__name__)


class SbasPlugin:
    def __init__(self, iface):
        # qgis_process passes iface=None and calls only initProcessing: nothing GUI here.
        self.iface = iface
        self.provider = None
        self.dock = None
        self.action = None
        self.timeseries_dock = None
        self.timeseries_action = None
        self.options_factory = None
        self.tasks = TaskRegistry()
        self._remove_log_handler = None
        # Before the provider and the docks exist, so their strings come out translated.
        self.translator = install_translator(QgsSettings().value("locale/userLocale", "") or "")
        use_managed_packages()  # hyp3_sdk and asf_search from "Install MintPy…"'s environment if QGIS lacks them

    def initProcessing(self):  # noqa: N802 (QGIS's name)
        if self.provider is None:
            self.provider = SbasProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        from sbas_plugin.gui.options import SbasOptionsFactory  # widgets only when there is a GUI
        from sbas_plugin.gui.workflow_dock import WorkflowDock

        self._remove_log_handler = install_log_handler()
        self.initProcessing()
        main_window = self.iface.mainWindow()
        self.dock = WorkflowDock(self.iface, self.tasks, open_timeseries=self.open_timeseries, parent=main_window)
        self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self.action = QAction(QIcon(str(ICON)), tr("SBAS InSAR"), main_window)
        self.action.setObjectName("SbasDockAction")
        self.action.setCheckable(True)
        self.action.toggled.connect(self.dock.setUserVisible)
        self.dock.visibilityChanged.connect(self.action.setChecked)
        self.iface.addToolBarIcon(self.action)
        self.iface.addPluginToRasterMenu(tr("SBAS InSAR"), self.action)

        # The time-series dock (matplotlib, h5py) is built when first shown, not at QGIS's start.
        self.timeseries_action = QAction(QIcon(str(ICON)), tr("SBAS time series"), main_window)
        self.timeseries_action.setObjectName("SbasTimeseriesAction")
        self.timeseries_action.setCheckable(True)
        self.timeseries_action.toggled.connect(self.show_timeseries)
        self.iface.addToolBarIcon(self.timeseries_action)
        self.iface.addPluginToRasterMenu(tr("SBAS InSAR"), self.timeseries_action)

        self.options_factory = SbasOptionsFactory()
        self.iface.registerOptionsWidgetFactory(self.options_factory)

        project = QgsProject.instance()
        project.writeProject.connect(self.write_project)
        project.readProject.connect(self.read_project)
        project.cleared.connect(self.project_cleared)

    def built_timeseries_dock(self):
        """The time-series dock, built (hidden) the first time it is asked for."""
        if self.timeseries_dock is None:
            from sbas_plugin.gui.timeseries_dock import TimeseriesDock

            self.timeseries_dock = TimeseriesDock(self.iface, parent=self.iface.mainWindow())
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.timeseries_dock)
            self.timeseries_dock.hide()
            self.timeseries_dock.visibilityChanged.connect(self.timeseries_action.setChecked)
            # Built after QGIS restored its window: the place and visibility it had when QGIS closed.
            self.iface.mainWindow().restoreDockWidget(self.timeseries_dock)
            # A step of the workflow dock may replace the files the time-series dock has open.
            self.dock.rewriting.connect(self.timeseries_dock.close_for_rewrite)
            self.dock.rewritten.connect(self.timeseries_dock.reopen_after_rewrite)
        return self.timeseries_dock

    def show_timeseries(self, shown: bool) -> None:
        if shown or self.timeseries_dock is not None:
            self.built_timeseries_dock().setUserVisible(shown)

    def open_timeseries(self, work: str) -> None:
        self.timeseries_action.setChecked(True)
        self.built_timeseries_dock().folder_widget.setFilePath(work)  # opens it through fileChanged

    # --- the project file keeps each dock's state

    def _built_docks(self) -> dict:
        """The docks built so far: one never built has nothing to keep or clear."""
        docks = {"workflow": self.dock, "timeseries": self.timeseries_dock}
        return {key: dock for key, dock in docks.items() if dock is not None}

    def write_project(self, document) -> None:
        project = QgsProject.instance()
        for key, dock in self._built_docks().items():
            project.writeEntry(SCOPE, key, json.dumps(dock.project_state()))
        if self.dock.aside:
            project.writeEntry(SCOPE, "aside", self.dock.aside)
        else:
            project.removeEntry(SCOPE, "aside")

    def read_project(self, document) -> None:
        from sbas_plugin.gui.layers import put_back_layers

        project = QgsProject.instance()
        aside, found = project.readListEntry(SCOPE, "aside")
        if found:  # saved while a step had them out
            put_back_layers(aside)
        for key in ("workflow", "timeseries"):
            text, found = project.readEntry(SCOPE, key, "")
            if not found:
                continue
            try:
                state = json.loads(text)
            except ValueError:
                LOG.warning("the project's %s state is not JSON; the dock keeps its defaults", key)
                continue
            if key == "workflow":
                self.dock.restore_project_state(state)
            elif self.timeseries_dock is not None or state.get("folder"):  # without a folder it shows nothing
                self.built_timeseries_dock().restore_project_state(state)

    def project_cleared(self) -> None:
        for dock in self._built_docks().values():
            dock.restore_project_state({})

    def unload(self):
        self.tasks.cancel_all()
        if self.options_factory is not None:  # initGui ran: an "Install MintPy…" may be running
            from sbas_plugin.gui.install_mintpy import INSTALLS

            INSTALLS.cancel_all()
        if self.dock is not None:  # initGui ran: the project signals are connected
            project = QgsProject.instance()
            project.writeProject.disconnect(self.write_project)
            project.readProject.disconnect(self.read_project)
            project.cleared.disconnect(self.project_cleared)
        if self.options_factory is not None:
            self.iface.unregisterOptionsWidgetFactory(self.options_factory)
            self.options_factory = None
        if self.action is not None:
            self.iface.removePluginRasterMenu(tr("SBAS InSAR"), self.action)
            self.iface.removeToolBarIcon(self.action)
            self.action.deleteLater()
            self.action = None
        if self.dock is not None:
            # First: it may hand the canvas back to the time-series dock's tool, which that dock's unload undoes.
            self.dock.unload()  # timer, map tools, marker and canvas signals
            self.iface.removeDockWidget(self.dock)
            self.dock.deleteLater()
            self.dock = None
        if self.timeseries_action is not None:
            self.iface.removePluginRasterMenu(tr("SBAS InSAR"), self.timeseries_action)
            self.iface.removeToolBarIcon(self.timeseries_action)
            self.timeseries_action.deleteLater()
            self.timeseries_action = None
        if self.timeseries_dock is not None:
            self.timeseries_dock.unload()  # map tool, markers and canvas signals
            self.iface.removeDockWidget(self.timeseries_dock)
            self.timeseries_dock.deleteLater()
            self.timeseries_dock = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self._remove_log_handler is not None:
            self._remove_log_handler()
            self._remove_log_handler = None
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None
