"""The plugin object QGIS creates: wires the provider, dock and logging in, and takes them out again."""

from pathlib import Path

from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from sbas_plugin.i18n import install_translator, tr
from sbas_plugin.log import install_log_handler
from sbas_plugin.processing.provider import SbasProvider
from sbas_plugin.tasks.registry import TaskRegistry

ICON = Path(__file__).resolve().parent / "icons" / "sbas.svg"


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

    def initProcessing(self):  # noqa: N802 (QGIS's name)
        if self.provider is None:
            self.provider = SbasProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        from sbas_plugin.gui.dock import SbasDock  # widgets only when there is a GUI
        from sbas_plugin.gui.options import SbasOptionsFactory
        from sbas_plugin.gui.timeseries_dock import TimeseriesDock

        self._remove_log_handler = install_log_handler()
        self.initProcessing()
        main_window = self.iface.mainWindow()
        self.dock = SbasDock(self.iface, self.tasks, parent=main_window)
        self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self.action = QAction(QIcon(str(ICON)), tr("SBAS InSAR"), main_window)
        self.action.setObjectName("SbasDockAction")
        self.action.setCheckable(True)
        self.action.toggled.connect(self.dock.setUserVisible)
        self.dock.visibilityChanged.connect(self.action.setChecked)
        self.iface.addToolBarIcon(self.action)
        self.iface.addPluginToRasterMenu(tr("SBAS InSAR"), self.action)

        self.timeseries_dock = TimeseriesDock(self.iface, parent=main_window)
        self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.timeseries_dock)
        self.timeseries_dock.hide()
        self.timeseries_action = QAction(QIcon(str(ICON)), tr("SBAS time series"), main_window)
        self.timeseries_action.setObjectName("SbasTimeseriesAction")
        self.timeseries_action.setCheckable(True)
        self.timeseries_action.toggled.connect(self.timeseries_dock.setUserVisible)
        self.timeseries_dock.visibilityChanged.connect(self.timeseries_action.setChecked)
        self.iface.addToolBarIcon(self.timeseries_action)
        self.iface.addPluginToRasterMenu(tr("SBAS InSAR"), self.timeseries_action)

        self.options_factory = SbasOptionsFactory()
        self.iface.registerOptionsWidgetFactory(self.options_factory)

    def unload(self):
        self.tasks.cancel_all()
        if self.options_factory is not None:
            self.iface.unregisterOptionsWidgetFactory(self.options_factory)
            self.options_factory = None
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
        if self.action is not None:
            self.iface.removePluginRasterMenu(tr("SBAS InSAR"), self.action)
            self.iface.removeToolBarIcon(self.action)
            self.action.deleteLater()
            self.action = None
        if self.dock is not None:
            self.iface.removeDockWidget(self.dock)
            self.dock.deleteLater()
            self.dock = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self._remove_log_handler is not None:
            self._remove_log_handler()
            self._remove_log_handler = None
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None
