"""The plugin's options page: typed settings, the page loading and saving them, its Check button, the
factory's registration, the Processing defaults read from the settings, and the plugin loading with
optional packages missing."""

import dataclasses
import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import processing
import pytest
from conftest import sbas_provider, wait_until
from local_hyp3 import hyp3_server
from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QEvent, QTimer

import sbas_plugin
from sbas_plugin.core.online.hyp3 import DEFAULT_API_URL
from sbas_plugin.gui.options import SbasOptionsFactory, SbasOptionsPage, default_python
from sbas_plugin.settings import (
    GROUP,
    HYP3_ENDPOINTS,
    Settings,
    automatic_python,
    load_settings,
    mintpy_python,
    save_settings,
)

ROOT = Path(__file__).resolve().parents[2]
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
TOKEN = "options-secret-token"  # pragma: allowlist secret

CHANGED = Settings(
    last_folder="/data/sbas",
    hyp3_api_url="https://hyp3-plus.asf.alaska.edu",
    auth_config_id="abc1234",
    mintpy_python="/opt/conda/envs/mintpy/bin/python",
    download_workers=7,
    max_temporal_baseline_days=48,
    max_perpendicular_baseline_m=150.5,
    low_coherence_threshold=0.55,
    package_index_url="http://127.0.0.1:8080/simple/",
    check_new_acquisitions=False,
    new_acquisitions_seen='{"/data/sbas/work": {"checked": "2026-12-04", "since": "2026-11-20", "count": 1}}',
)


@pytest.fixture(autouse=True)
def keep_settings(qgis_app):
    saved = load_settings()
    yield
    save_settings(saved)


def basic_authcfg(password: str) -> str:
    manager = QgsApplication.authManager()
    if not manager.masterPasswordIsSet():
        manager.setMasterPassword("sbas-test-master", True)
    config = QgsAuthMethodConfig()
    config.setName("earthdata")
    config.setMethod("Basic")
    config.setConfig("username", "anyone")
    config.setConfig("password", password)
    stored = manager.storeAuthenticationConfig(config)
    assert (stored[0] if isinstance(stored, tuple) else stored) and config.id()
    return config.id()


def test_defaults():
    defaults = Settings()
    assert defaults.hyp3_api_url == DEFAULT_API_URL == HYP3_ENDPOINTS[0][1]
    assert (defaults.auth_config_id, defaults.mintpy_python) == ("", "")
    assert defaults.download_workers == 4
    assert defaults.max_temporal_baseline_days == 36
    assert defaults.max_perpendicular_baseline_m == 400
    assert defaults.low_coherence_threshold == 0.7
    assert defaults.package_index_url == ""  # pip's own configuration: PyPI
    assert [url for _, url in HYP3_ENDPOINTS] == [
        "https://hyp3-api.asf.alaska.edu",
        "https://hyp3-plus.asf.alaska.edu",
        "https://hyp3-test-api.asf.alaska.edu",
    ]


def test_every_field_round_trips_with_its_type():
    assert all(getattr(CHANGED, f.name) != f.default for f in dataclasses.fields(Settings))
    save_settings(CHANGED)
    loaded = load_settings()
    assert loaded == CHANGED
    for field in dataclasses.fields(Settings):
        assert type(getattr(loaded, field.name)) is field.type, field.name

    # An ini file gives strings back: they still load as the declared types.
    store = QgsSettings()
    for field in dataclasses.fields(Settings):
        store.setValue(f"{GROUP}/{field.name}", str(getattr(CHANGED, field.name)))
    assert load_settings() == CHANGED


def test_page_loads_values_and_apply_saves_them():
    authcfg = basic_authcfg(TOKEN)
    save_settings(dataclasses.replace(CHANGED, auth_config_id=authcfg))
    page = SbasOptionsFactory().createWidget(None)
    assert isinstance(page, SbasOptionsPage)
    assert page.api_url.text() == CHANGED.hyp3_api_url
    assert page.auth.configId() == authcfg
    assert page.python.filePath() == CHANGED.mintpy_python
    assert page.workers.value() == 7
    assert page.max_days.value() == 48
    assert page.max_bperp.value() == pytest.approx(150.5)
    assert page.coherence.value() == pytest.approx(0.55)
    assert not page.check_new.isChecked()

    page.endpoints_menu.actions()[2].trigger()  # the menu offers ASF's endpoints
    assert page.api_url.text() == "https://hyp3-test-api.asf.alaska.edu"
    page.auth.setConfigId("")
    page.python.setFilePath("")
    page.workers.setValue(2)
    page.max_days.setValue(24)
    page.max_bperp.setValue(300)
    page.coherence.setValue(0.8)
    page.check_new.setChecked(True)
    page.apply()
    assert load_settings() == Settings(
        last_folder=CHANGED.last_folder,  # not on the page: kept
        hyp3_api_url="https://hyp3-test-api.asf.alaska.edu",
        auth_config_id="",
        mintpy_python="",
        download_workers=2,
        max_temporal_baseline_days=24,
        max_perpendicular_baseline_m=300.0,
        low_coherence_threshold=0.8,
        package_index_url=CHANGED.package_index_url,  # not on the page: kept
        check_new_acquisitions=True,
        new_acquisitions_seen=CHANGED.new_acquisitions_seen,  # not on the page: kept
    )

    page.api_url.setText("  ")
    page.apply()
    assert load_settings().hyp3_api_url == DEFAULT_API_URL  # an empty URL means the default


def test_factory_title_icon_and_package_list():
    factory = SbasOptionsFactory()
    assert factory.title() == "SBAS InSAR"
    assert not factory.icon().isNull()
    page = factory.createWidget(None)
    packages = page.packages
    assert packages.labels == {} and packages.install_hint.text() == ""  # looked up when first shown
    page.show()
    assert set(packages.labels) >= {"mintpy", "hyp3_sdk", "asf_search"}
    assert packages.labels["mintpy"].text() == metadata.version("mintpy")
    assert packages.missing == [] and packages.install_hint.text() == "Every package is installed."
    page.hide()
    page.show()
    assert packages.form.rowCount() == len(packages.labels) + 2  # filled once: the hint and Install MintPy…


def test_plugin_registers_and_unregisters_the_factory(qgis_iface):
    qgis_iface.registerOptionsWidgetFactory.reset_mock()
    qgis_iface.unregisterOptionsWidgetFactory.reset_mock()
    plugin = sbas_plugin.classFactory(qgis_iface)
    plugin.initGui()
    factory = plugin.options_factory
    assert isinstance(factory, SbasOptionsFactory)
    qgis_iface.registerOptionsWidgetFactory.assert_called_once_with(factory)
    qgis_iface.unregisterOptionsWidgetFactory.assert_not_called()
    plugin.unload()
    qgis_iface.unregisterOptionsWidgetFactory.assert_called_once_with(factory)
    assert plugin.options_factory is None


def check(qgis_app, page, python) -> str:
    page.python.setFilePath(str(python))
    page.check_button.click()
    wait_until(qgis_app, page.check_button.isEnabled, 60, "the check")
    return page.check_result.text()


def fake_python(path: Path, body: str) -> Path:
    """An executable that stands for an interpreter: it ignores the arguments it is given."""
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def test_check_reports_mintpys_version(qgis_app):
    page = SbasOptionsPage()
    text = check(qgis_app, page, VENV_PYTHON)
    assert text == (
        f"MintPy {metadata.version('mintpy')} runs with {VENV_PYTHON}. "
        "Solid-earth tides (SET): available. ERA5 tropospheric correction: available."
    )


def test_check_on_a_bogus_path_says_why(qgis_app, tmp_path):
    page = SbasOptionsPage()
    bogus = tmp_path / "no-such" / "python"
    text = check(qgis_app, page, bogus)
    assert text.startswith(f"MintPy cannot run: {bogus}: ") and "No such file" in text, text

    not_a_program = tmp_path / "python"
    not_a_program.write_text("not a program\n")
    assert check(qgis_app, page, not_a_program).startswith(f"MintPy cannot run: {not_a_program}: ")

    failing = fake_python(tmp_path / "failing", "echo 'ModuleNotFoundError: no mintpy' >&2\nexit 1\n")
    assert check(qgis_app, page, failing) == f"MintPy cannot run: {failing}: ModuleNotFoundError: no mintpy"
    silent = fake_python(tmp_path / "silent", "exit 3\n")
    assert check(qgis_app, page, silent) == f"MintPy cannot run: {silent}: exit status 3"


def test_check_refuses_the_mintpy_a_run_refuses(qgis_app, tmp_path):
    # MintPy before 1.5.2 shifts every grid half a pixel: the run refuses it, so the check must too.
    old = fake_python(tmp_path / "old", "echo 1.5.1\n")
    text = check(qgis_app, SbasOptionsPage(), old)
    assert text.startswith(f"MintPy cannot run: {old}: MintPy 1.5.1 in {old} is older than 1.5.2"), text
    assert "-m pip install -U mintpy" in text
    new = fake_python(tmp_path / "new", "echo 1.5.2\n")
    assert check(qgis_app, SbasOptionsPage(), new) == (
        f"MintPy 1.5.2 runs with {new}. Solid-earth tides (SET): not installed. ERA5 tropospheric correction: "
        "not installed."
    )


def test_check_leaves_qgis_responsive_and_the_answer_arrives(qgis_app, tmp_path):
    # The fake interpreter answers only once the test's timer has run: with the check on the GUI thread it
    # would never run, and the interpreter would give up with "no go-ahead".
    go = tmp_path / "go"
    python = fake_python(
        tmp_path / "slow",
        f"for i in $(seq 300); do [ -e '{go}' ] && echo 9.9.9 && exit 0; sleep 0.1; done\n"
        "echo 'no go-ahead' >&2\nexit 1\n",
    )
    page = SbasOptionsPage()
    page.python.setFilePath(str(python))
    page.check_button.click()
    assert page.check_result.text() == "Checking…" and not page.check_button.isEnabled()
    QTimer.singleShot(0, lambda: go.touch())  # runs only if the event loop does while the check is pending
    wait_until(qgis_app, page.check_button.isEnabled, 60, "the check")
    assert page.check_result.text().startswith(f"MintPy 9.9.9 runs with {python}. ")


def test_check_without_an_answer_gives_up(qgis_app, tmp_path):
    page = SbasOptionsPage()
    page.check_timer.setInterval(100)  # instead of a minute
    python = fake_python(tmp_path / "mute", "exec sleep 300\n")
    assert check(qgis_app, page, python) == f"MintPy cannot run: {python}: no answer within 0.1 s"


def test_closing_the_page_mid_check_leaves_no_child(qgis_app, tmp_path):
    pid_file = tmp_path / "pid"
    python = fake_python(tmp_path / "slow", f"echo $$ > '{pid_file}'\nexec sleep 300\n")
    page = SbasOptionsPage()
    page.python.setFilePath(str(python))
    page.check_button.click()
    wait_until(qgis_app, lambda: pid_file.exists() and pid_file.read_text().strip(), 60, "the child to start")
    pid = int(pid_file.read_text())
    assert child_alive(pid)
    page.deleteLater()  # as the Options dialog does with its pages when it closes
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not child_alive(pid)


def child_alive(pid: int) -> bool:
    """Whether the process runs (a zombie, dead but not waited for, does not count)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_mintpy_python_follows_the_setting():
    save_settings(Settings(mintpy_python="/opt/conda/envs/mintpy/bin/python"))
    assert mintpy_python() == "/opt/conda/envs/mintpy/bin/python"
    save_settings(Settings())
    assert mintpy_python() == automatic_python()
    assert default_python() == (automatic_python() or sys.executable)


def test_hyp3_algorithms_default_to_the_settings(qgis_processing, tmp_path, monkeypatch):
    monkeypatch.delenv("EARTHDATA_TOKEN", raising=False)
    with sbas_provider(), hyp3_server.Hyp3Server(token=TOKEN) as server:
        save_settings(Settings(hyp3_api_url=server.url, auth_config_id=basic_authcfg(TOKEN)))
        status = processing.run("sbas:status", {"WORK": str(tmp_path), "NAME": "from_settings"})
        assert status["PENDING"] == 0
        assert server.requests  # the settings' URL, with the settings' token


def test_algorithm_defaults_come_from_the_options_page(qgis_processing):
    registry = QgsApplication.processingRegistry()
    with sbas_provider():
        save_settings(CHANGED)
        algorithms = {name: registry.createAlgorithmById(f"sbas:{name}") for name in ("pairs", "download", "run")}
        defaults = {
            (algorithm, name): algorithms[algorithm].parameterDefinition(name).defaultValue()
            for algorithm, name in (
                ("pairs", "MAX_DAYS"),
                ("pairs", "MAX_BPERP"),
                ("download", "WORKERS"),
                ("run", "MIN_COHERENCE"),
            )
        }
        assert defaults == {
            ("pairs", "MAX_DAYS"): 48,
            ("pairs", "MAX_BPERP"): 150.5,
            ("download", "WORKERS"): 7,
            ("run", "MIN_COHERENCE"): 0.55,
        }


MISSING_SCRIPT = r"""
import json, sys
for name in ("mintpy", "hyp3_sdk", "asf_search"):
    sys.modules[name] = None  # import and find_spec both see the package as missing
from pytest_qgis.mock_qgis_classes import MockMessageBar
from pytest_qgis.qgis_interface import QgisInterface
from qgis.core import QgsApplication
from qgis.gui import QgsMapCanvas
from qgis.PyQt.QtWidgets import QMainWindow
app = QgsApplication([], True)
app.initQgis()
import sbas_plugin
from sbas_plugin.gui.workflow_dock import WorkflowDock
from sbas_plugin.gui.options import SbasOptionsPage
window = QMainWindow()
iface = QgisInterface(QgsMapCanvas(window), MockMessageBar(), window)
plugin = sbas_plugin.classFactory(iface)
plugin.initGui()
page = SbasOptionsPage()
page.show()
result = {
    "dock": isinstance(plugin.dock, WorkflowDock),
    "provider": QgsApplication.processingRegistry().providerById("sbas") is not None,
    "labels": {name: label.text() for name, label in page.packages.labels.items()},
    "missing": page.packages.missing,
    "hint": page.packages.install_hint.text(),
}
plugin.unload()
print("RESULT " + json.dumps(result))
"""


def test_plugin_loads_with_packages_missing(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    env.pop("QGIS_CUSTOM_CONFIG_PATH", None)
    done = subprocess.run(
        [sys.executable, "-c", MISSING_SCRIPT], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    result = json.loads(lines[0][len("RESULT ") :])
    assert result["dock"] and result["provider"]
    assert result["missing"] == ["hyp3_sdk", "asf_search", "mintpy"]
    assert result["labels"]["mintpy"] == "missing" and result["labels"]["h5py"] != "missing"
    command = f"{default_python()} -m pip install hyp3_sdk asf_search mintpy"
    assert command in result["hint"], result["hint"]
