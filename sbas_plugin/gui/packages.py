"""Which Python packages the pipeline needs are installed, and the exact command for the rest."""

import sys

from qgis.PyQt.QtCore import QProcess, QProcessEnvironment, Qt, pyqtSignal
from qgis.PyQt.QtWidgets import QFormLayout, QGroupBox, QLabel, QPushButton

from sbas_plugin.core.environment import MINTPY_VERSION_SCRIPT, child_environment, install_command, package_status
from sbas_plugin.i18n import tr
from sbas_plugin.settings import automatic_python


def default_python() -> str:
    """The interpreter used when none is set: the one QGIS's Python is (this one outside QGIS)."""
    return automatic_python() or sys.executable


def mintpy_check_process(parent) -> QProcess:
    """A child process of `parent` (Qt kills it with its parent) in MintPy's environment, not yet started:
    connect to it, then start_mintpy_check."""
    environment = QProcessEnvironment()
    for key, value in child_environment().items():
        environment.insert(key, value)
    process = QProcess(parent)
    process.setProcessEnvironment(environment)
    process.setStandardInputFile(QProcess.nullDevice())
    return process


def start_mintpy_check(process: QProcess, python: str) -> None:
    """`python` prints the optional features its MintPy has and MintPy's version (MINTPY_VERSION_SCRIPT)."""
    process.start(python, ["-c", MINTPY_VERSION_SCRIPT])


class PackagesBox(QGroupBox):
    """Filled when first shown: looking the packages up is no work for QGIS's start. Its Install MintPy…
    button makes the managed MintPy environment; `mintpy_installed(python)` when MintPy runs with it."""

    mintpy_installed = pyqtSignal(str)

    def __init__(self, parent=None):
        super().__init__(tr("Python packages (QGIS's Python)"), parent)
        self.form = QFormLayout(self)
        self.labels = {}
        self.missing = []
        self.install_hint = QLabel()
        self.install_hint.setObjectName("SbasInstallHint")
        self.install_hint.setWordWrap(True)
        self.install_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.install_button = QPushButton(tr("Install MintPy…"))
        self.install_button.setObjectName("SbasInstallMintpyButton")
        self.install_button.setToolTip(
            tr(
                "Install MintPy, hyp3_sdk and asf_search from wheels into a Python environment of their own in "
                "the QGIS profile's folder, without a compiler, and run MintPy with it"
            )
        )
        self.install_button.clicked.connect(self.install_mintpy)
        self.install_dialog = None

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if not self.labels:
            self._fill()
        super().showEvent(event)

    def _fill(self) -> None:
        statuses = package_status()
        for status in statuses:
            label = QLabel(status.version if status.installed else tr("missing"))
            label.setToolTip(tr(status.purpose))
            self.form.addRow(status.name, label)
            self.labels[status.name] = label
        missing = [s for s in statuses if not s.installed]
        self.missing = [s.name for s in missing]
        if missing:
            self.install_hint.setText(
                tr(
                    "Missing: {}. The plugin works without them, except for what they are for. Install them "
                    "from the OSGeo4W Shell (Windows) or a terminal, then restart QGIS:\n{}"
                ).format(
                    ", ".join(self.missing),
                    install_command(missing, default_python()),
                )
            )
        else:
            self.install_hint.setText(tr("Every package is installed."))
        self.form.addRow(self.install_hint)
        self.form.addRow(self.install_button)

    def install_mintpy(self) -> None:
        from sbas_plugin.gui.install_mintpy import open_install_dialog

        self.install_dialog = open_install_dialog(default_python())
        self.install_dialog.installed.connect(self.mintpy_installed)
