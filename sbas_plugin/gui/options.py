"""The plugin's page in Settings > Options: where HyP3 is, which stored authentication configuration
holds the Earthdata token, which Python runs MintPy, download workers, default thresholds, and which
optional Python packages are missing with the exact command that installs them."""

import dataclasses
from pathlib import Path

from qgis.gui import QgsAuthConfigSelect, QgsFileWidget, QgsOptionsPageWidget, QgsOptionsWidgetFactory
from qgis.PyQt.QtCore import QProcess, Qt, QTimer
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QCompleter,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sbas_plugin.core.environment import optional_features
from sbas_plugin.gui.packages import PackagesBox, default_python, mintpy_check_process, start_mintpy_check
from sbas_plugin.i18n import tr
from sbas_plugin.settings import HYP3_ENDPOINTS, load_settings, save_settings

ICON = Path(__file__).resolve().parents[1] / "icons" / "sbas.svg"
CHECK_TIMEOUT_MS = 60_000  # importing MintPy the first time (cold caches) can take a while


class SbasOptionsPage(QgsOptionsPageWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("SbasOptionsPage")
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self._hyp3_box())
        layout.addWidget(self._mintpy_box())
        layout.addWidget(self._defaults_box())
        self.packages = PackagesBox()
        self.packages.mintpy_installed.connect(self.python.setFilePath)  # saving the page keeps it
        layout.addWidget(self.packages)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.load()

    # -- the page's parts

    def _hyp3_box(self) -> QGroupBox:
        box = QGroupBox(tr("HyP3 and Earthdata"))
        form = QFormLayout(box)
        self.api_url = QLineEdit()
        self.api_url.setObjectName("SbasApiUrl")
        self.api_url.setCompleter(QCompleter([url for _, url in HYP3_ENDPOINTS], self.api_url))
        self.api_url.setToolTip(tr("Where jobs are submitted; used when an algorithm's HyP3 API URL is empty."))
        endpoints = QToolButton()
        endpoints.setText(tr("ASF endpoints"))
        endpoints.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(endpoints)
        for label, url in HYP3_ENDPOINTS:
            action = menu.addAction(f"{tr(label)} — {url}")
            action.triggered.connect(lambda _checked=False, url=url: self.api_url.setText(url))
        endpoints.setMenu(menu)
        self.endpoints_menu = menu
        row = QHBoxLayout()
        row.addWidget(self.api_url, 1)
        row.addWidget(endpoints)
        form.addRow(tr("HyP3 API URL"), row)

        self.auth = QgsAuthConfigSelect(box)
        self.auth.setObjectName("SbasAuthConfig")
        form.addRow(tr("Earthdata token"), self.auth)
        hint = QLabel(
            tr(
                "Store the Earthdata token as an authentication configuration: method Basic, any user name, "
                "the token as password. Only the configuration's id is kept in the plugin's settings; the token "
                "stays in QGIS's encrypted authentication database. Without one, the EARTHDATA_TOKEN environment "
                "variable is used. Get a token at https://urs.earthdata.nasa.gov/ (Generate Token)."
            )
        )
        hint.setWordWrap(True)
        hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(hint)
        return box

    def _mintpy_box(self) -> QGroupBox:
        box = QGroupBox(tr("MintPy"))
        form = QFormLayout(box)
        self.python = QgsFileWidget()
        self.python.setObjectName("SbasMintpyPython")
        self.python.setStorageMode(QgsFileWidget.StorageMode.GetFile)
        self.python.setDialogTitle(tr("Python interpreter that runs MintPy"))
        self.python.lineEdit().setPlaceholderText(tr("automatic: {}").format(default_python()))
        self.python.setToolTip(
            tr("A Python with MintPy installed, e.g. a conda environment's python. Empty: QGIS's own Python.")
        )
        self.check_button = QPushButton(tr("Check"))
        self.check_button.setObjectName("SbasCheckMintpy")
        self.check_button.clicked.connect(self.check_python)
        self.check_process = None
        self.check_timer = QTimer(self)
        self.check_timer.setSingleShot(True)
        self.check_timer.setInterval(CHECK_TIMEOUT_MS)
        row = QHBoxLayout()
        row.addWidget(self.python, 1)
        row.addWidget(self.check_button)
        form.addRow(tr("Python for MintPy"), row)
        self.check_result = QLabel()
        self.check_result.setObjectName("SbasCheckResult")
        self.check_result.setWordWrap(True)
        self.check_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.check_result)
        return box

    def _defaults_box(self) -> QGroupBox:
        box = QGroupBox(tr("Defaults"))
        form = QFormLayout(box)
        self.workers = QSpinBox()
        self.workers.setRange(1, 32)
        form.addRow(tr("Download workers"), self.workers)
        self.max_days = QSpinBox()
        self.max_days.setRange(1, 3650)
        self.max_days.setSuffix(tr(" days"))
        form.addRow(tr("Longest temporal baseline"), self.max_days)
        self.max_bperp = QDoubleSpinBox()
        self.max_bperp.setRange(0.0, 10000.0)
        self.max_bperp.setDecimals(1)
        self.max_bperp.setSuffix(tr(" m"))
        form.addRow(tr("Largest perpendicular baseline"), self.max_bperp)
        self.coherence = QDoubleSpinBox()
        self.coherence.setRange(0.0, 1.0)
        self.coherence.setDecimals(2)
        self.coherence.setSingleStep(0.05)
        self.coherence.setToolTip(tr("Pixels whose temporal coherence is below this are flagged as unreliable."))
        form.addRow(tr("Low-coherence threshold"), self.coherence)
        self.check_new = QCheckBox(tr("Check ASF for new acquisitions when a work folder opens (once a day)"))
        form.addRow(self.check_new)
        return box

    # -- values

    def load(self) -> None:
        settings = load_settings()
        self.api_url.setText(settings.hyp3_api_url)
        self.auth.setConfigId(settings.auth_config_id)
        self.python.setFilePath(settings.mintpy_python)
        self.workers.setValue(settings.download_workers)
        self.max_days.setValue(settings.max_temporal_baseline_days)
        self.max_bperp.setValue(settings.max_perpendicular_baseline_m)
        self.coherence.setValue(settings.low_coherence_threshold)
        self.check_new.setChecked(settings.check_new_acquisitions)

    def apply(self) -> None:
        settings = dataclasses.replace(
            load_settings(),  # keeps what this page does not show (last folders)
            hyp3_api_url=self.api_url.text().strip() or HYP3_ENDPOINTS[0][1],
            auth_config_id=self.auth.configId() or "",
            mintpy_python=self.python.filePath().strip(),
            download_workers=self.workers.value(),
            max_temporal_baseline_days=self.max_days.value(),
            max_perpendicular_baseline_m=self.max_bperp.value(),
            low_coherence_threshold=self.coherence.value(),
            check_new_acquisitions=self.check_new.isChecked(),
        )
        save_settings(settings)

    # -- the Check button

    def check_python(self) -> None:
        """Ask the interpreter for MintPy's version in a child process while QGIS carries on. The process is
        the page's child: when the Options dialog closes, Qt kills it with the page."""
        process = mintpy_check_process(self)
        process.finished.connect(self._check_finished)
        process.errorOccurred.connect(self._check_failed)
        self.check_timer.timeout.connect(process.kill)
        self.check_process = process
        self.check_button.setEnabled(False)
        self.check_result.setText(tr("Checking…"))
        self.check_result.setStyleSheet("")
        self.check_timer.start()
        start_mintpy_check(process, self.python.filePath().strip() or default_python())

    def _check_failed(self, error) -> None:
        if error == QProcess.ProcessError.FailedToStart:  # missing, not executable, not a program
            self._check_done(False, self.check_process.errorString())
        # Any other error ends in finished.

    def _check_finished(self, exit_code: int, exit_status) -> None:
        process = self.check_process
        if not self.check_timer.isActive():  # it fired and killed the process
            self._check_done(False, tr("no answer within {:g} s").format(self.check_timer.interval() / 1000))
        elif exit_status == QProcess.ExitStatus.NormalExit and exit_code == 0:
            printed = bytes(process.readAllStandardOutput()).decode("utf-8", "replace")
            lines = printed.strip().splitlines()
            self._check_done(True, lines[-1] if lines else tr("installed"), optional_features(printed))
        else:
            stderr = bytes(process.readAllStandardError()).decode("utf-8", "replace")
            lines = [line.strip() for line in stderr.splitlines() if line.strip()]
            if lines:
                why = lines[-1]
            elif exit_status == QProcess.ExitStatus.NormalExit:
                why = tr("exit status {}").format(exit_code)
            else:
                why = tr("it crashed")
            self._check_done(False, why)

    def _check_done(self, ok: bool, text: str, features=()) -> None:
        self.check_timer.stop()
        python = self.check_process.program()
        self.check_process.deleteLater()
        self.check_process = None
        self.check_button.setEnabled(True)
        from sbas_plugin.core.stack.mintpy import version_refusal  # rasterio with it: not at QGIS start

        refusal = version_refusal(text, python) if ok else None
        if ok and not refusal:
            self.check_result.setText(
                tr("MintPy {} runs with {}.").format(text, python)
                + " "
                + tr("Solid-earth tides (SET): {}. ERA5 tropospheric correction: {}.").format(
                    *(tr("available") if name in features else tr("not installed") for name in ("SET", "ERA5"))
                )
            )
        else:
            text = refusal or text
            self.check_result.setText(tr("MintPy cannot run: {}").format(f"{python}: {text}"))
            self.check_result.setStyleSheet("color: #b00020")


class SbasOptionsFactory(QgsOptionsWidgetFactory):
    def __init__(self):
        super().__init__(tr("SBAS InSAR"), QIcon(str(ICON)))  # the base's icon() returns it

    def createWidget(self, parent=None) -> SbasOptionsPage:  # noqa: N802 (QGIS's name)
        return SbasOptionsPage(parent)
