"""Install MintPy… end to end in QGIS: from a profile whose settings name no MintPy and whose folder has no
environment, the options page's button makes the managed environment with the real pip (from a package index
on 127.0.0.1 holding the list's wheels), MintPy's interpreter option then points at it, and the page's check
says which features it has."""

import dataclasses
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import wait_until
from qgis.core import QgsApplication
from wheel_index import wheel_index

from sbas_plugin.core.mintpy_env import DONE_NAME, env_python
from sbas_plugin.gui.install_mintpy import INSTALLS
from sbas_plugin.gui.options import SbasOptionsPage
from sbas_plugin.settings import load_settings, managed_mintpy_folder, mintpy_python, save_settings

ROOT = Path(__file__).resolve().parents[2]
WHEELHOUSE = ROOT / ".venv" / "wheelhouse"
# Where the dialog's picture goes for the README (docs/install_mintpy.png) when set; else the test's folder.
SCREENSHOTS = os.environ.get("SBAS_SCREENSHOT_DIR", "")


@pytest.fixture
def empty_profile(qgis_app, monkeypatch):
    saved = load_settings()
    folder = managed_mintpy_folder()
    assert Path(QgsApplication.qgisSettingsDirPath()) in folder.parents
    shutil.rmtree(folder, ignore_errors=True)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)  # only the test's index, not this machine's wheel folders
    monkeypatch.setenv("PIP_FIND_LINKS", "")
    with wheel_index(WHEELHOUSE) as url:
        save_settings(dataclasses.replace(saved, mintpy_python="", package_index_url=url))
        yield folder
    INSTALLS.cancel_all()
    save_settings(saved)
    shutil.rmtree(folder, ignore_errors=True)


def test_install_mintpy_from_the_options_page(qgis_app, empty_profile, tmp_path):
    page = SbasOptionsPage()
    page.show()
    page.packages.install_button.click()
    dialog = page.packages.install_dialog
    assert dialog.isVisible() and dialog.running()
    wait_until(qgis_app, lambda: not dialog.running(), 600, "the install")
    status = dialog.status.text()
    python = env_python(empty_profile)
    done = f"MintPy 1.6.4 is installed in {empty_profile}, and MintPy runs with {python} now."
    assert status.startswith(done), status
    assert "Not available: SET, ERA5" in status
    assert (empty_profile / DONE_NAME).is_file()
    log = dialog.log.toPlainText()
    assert "Successfully installed" in log and "numpy" in log  # numpy: "QGIS's own"
    assert dialog.bar.value() == 100
    picture = Path(SCREENSHOTS or tmp_path) / "install_mintpy.png"
    picture.parent.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(picture)) and picture.stat().st_size > 10_000

    # The option now names it: the run takes it, and the page shows it (saving the page keeps it).
    assert load_settings().mintpy_python == str(python) == mintpy_python()
    assert page.python.filePath() == str(python)
    page.apply()
    assert load_settings().mintpy_python == str(python)
    page.check_button.click()
    wait_until(qgis_app, page.check_button.isEnabled, 120, "the check")
    assert page.check_result.text() == (
        f"MintPy 1.6.4 runs with {python}. Solid-earth tides (SET): not installed. ERA5 tropospheric correction: "
        "not installed."
    )
    smallbaseline = subprocess.run(
        [str(python), "-m", "mintpy.cli.smallbaselineApp", "--help"], capture_output=True, text=True
    )
    assert smallbaseline.returncode == 0 and "smallbaselineApp" in smallbaseline.stdout
    dialog.close()


def test_cancel_stops_the_install_and_keeps_the_option(qgis_app, empty_profile):
    page = SbasOptionsPage()
    page.packages.install_button.click()
    dialog = page.packages.install_dialog
    wait_until(qgis_app, lambda: "Collecting" in dialog.log.toPlainText(), 120, "pip to start")
    dialog.buttons.rejected.emit()  # Cancel
    wait_until(qgis_app, lambda: not dialog.running(), 60, "the cancel")
    assert dialog.status.text() == "Stopped. Install again to go on where it stopped."
    assert not (empty_profile / DONE_NAME).exists()
    assert load_settings().mintpy_python == ""
    dialog.close()


def test_era5_is_offered_only_when_mintpys_python_has_pyaps3(qgis_app, provider, tmp_path):
    from qgis.gui import QgsMapCanvas

    from sbas_plugin.core.names import TROPOSPHERE_METHODS
    from sbas_plugin.gui.workflow_pages import TimeSeriesPage

    era5 = TROPOSPHERE_METHODS.index("pyaps")
    without = tmp_path / "python"  # answers as a MintPy without pyaps3 (the managed environment) does
    without.write_text("#!/bin/sh\necho 'optional: pysolid'\necho 1.6.4\n")
    without.chmod(0o755)
    saved = load_settings()
    canvas = QgsMapCanvas()
    try:
        for python, offered in ((without, False), (ROOT / ".venv" / "bin" / "python", True)):
            save_settings(dataclasses.replace(saved, mintpy_python=str(python)))
            page = TimeSeriesPage(canvas)
            page.troposphere_combo.setCurrentIndex(era5)
            page.show()
            wait_until(qgis_app, lambda page=page: page.features_process is None, 120, "the features check")
            item = page.troposphere_combo.model().item(era5)
            assert item.isEnabled() is offered
            assert page.troposphere_combo.currentIndex() == (era5 if offered else TROPOSPHERE_METHODS.index("no"))
            assert ("pyaps3" in item.toolTip() and str(python) in item.toolTip()) is not offered
            page.close()
    finally:
        save_settings(saved)
