"""Install MintPy…: the managed MintPy environment made in the QGIS profile's folder as a background task,
with its progress, pip's log and a Cancel button; when it is done, MintPy runs with it."""

import dataclasses

from qgis.core import QgsTask
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QProgressBar, QVBoxLayout

from sbas_plugin.i18n import tr
from sbas_plugin.settings import load_settings, managed_mintpy_folder, save_settings, use_managed_packages
from sbas_plugin.tasks.registry import TaskRegistry

# Installs outlive the page that started them (the Options dialog may close): they are kept here.
INSTALLS = TaskRegistry()


class InstallMintpyTask(QgsTask):
    line = pyqtSignal(str)  # pip's output, queued into the GUI thread

    def __init__(self, folder, base_python, index_url):
        super().__init__(tr("Install MintPy"), QgsTask.Flag.CanCancel)
        self.folder, self.base_python, self.index_url = folder, base_python, index_url
        self.env = None
        self.error = ""

    def run(self) -> bool:
        from sbas_plugin.core.cancel import Canceled
        from sbas_plugin.core.mintpy_env import InstallError, install_mintpy_env

        try:
            self.env = install_mintpy_env(
                self.folder,
                self.base_python,
                self.index_url or None,
                progress=self.setProgress,
                is_canceled=self.isCanceled,
                on_line=self.line.emit,
            )
        except Canceled:
            return False
        except (InstallError, OSError) as error:
            self.error = str(error)
            return False
        return True


class InstallMintpyDialog(QDialog):
    """One install at a time; `installed(python)` when MintPy's interpreter option points at the new one."""

    installed = pyqtSignal(str)

    def __init__(self, base_python: str, parent=None):
        super().__init__(parent)
        self.setObjectName("SbasInstallMintpy")
        self.setWindowTitle(tr("Install MintPy"))
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        self.folder = managed_mintpy_folder()
        self.status = QLabel(
            tr(
                "MintPy and the modules it needs are installed from wheels (no compiler) into {}, built on {}. "
                "Solid-earth tides (SET) and ERA5 corrections are left out: their modules have no wheels for "
                "Windows."
            ).format(self.folder, base_python)
        )
        self.status.setObjectName("SbasInstallStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        layout.addWidget(self.bar)
        self.log = QPlainTextEdit()
        self.log.setObjectName("SbasInstallLog")
        self.log.setReadOnly(True)
        self.log.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout.addWidget(self.log, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setEnabled(False)
        self.buttons.rejected.connect(self.cancel_or_close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).clicked.connect(self.close)
        layout.addWidget(self.buttons)
        self.task = InstallMintpyTask(self.folder, base_python, load_settings().package_index_url.strip())
        self.task.line.connect(self._line)
        self.task.progressChanged.connect(lambda percent: self.bar.setValue(int(percent)))
        self.task.taskCompleted.connect(self._completed)
        self.task.taskTerminated.connect(self._terminated)
        INSTALLS.start(self.task, self)

    def running(self) -> bool:
        return self.task is not None

    def cancel_or_close(self) -> None:
        if self.task is not None:
            self.task.cancel()
        else:
            self.close()

    def _line(self, text: str) -> None:
        self.log.appendPlainText(text.rstrip("\n"))

    def _completed(self) -> None:
        env = self.task.env
        self._ended()
        self.bar.setValue(100)
        settings = load_settings()
        save_settings(dataclasses.replace(settings, mintpy_python=str(env.python)))
        use_managed_packages()
        from sbas_plugin.core.environment import OPTIONAL_FEATURES

        text = tr("MintPy {} is installed in {}, and MintPy runs with {} now.").format(
            env.mintpy_version, env.folder, env.python
        )
        missing = [name for name in OPTIONAL_FEATURES if name not in env.features]
        if missing:
            text += " " + tr("Not available: {} (for them, install MintPy from conda-forge; see the README).").format(
                ", ".join(missing)
            )
        self.status.setText(text)
        self.installed.emit(str(env.python))

    def _terminated(self) -> None:
        error = self.task.error
        self._ended()
        if error:
            self.status.setText(tr("MintPy could not be installed: {}").format(error))
        else:
            self.status.setText(tr("Stopped. Install again to go on where it stopped."))

    def _ended(self) -> None:
        self.task = None
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setEnabled(True)


_shown = []  # the last dialog: kept alive when the page that opened it closes; shown again while it runs


def open_install_dialog(base_python: str) -> InstallMintpyDialog:
    """The running install's dialog, or a new install."""
    if _shown and _shown[0].running():
        dialog = _shown[0]
    else:
        dialog = InstallMintpyDialog(base_python)
        _shown[:] = [dialog]
    dialog.show()
    dialog.raise_()
    return dialog
