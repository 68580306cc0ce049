"""Every user setting of the plugin, typed, in one place over QgsSettings."""

import os
import shutil
import sys
from dataclasses import dataclass, fields
from pathlib import Path

from qgis.core import QgsApplication, QgsSettings

GROUP = "sbas_plugin"

# ASF's HyP3 deployments (as hyp3_sdk's PROD_API, PLUS_API, TEST_API): (label, URL).
HYP3_BASIC_URL = "https://hyp3-api.asf.alaska.edu"
HYP3_ENDPOINTS = (
    ("HyP3 Basic", HYP3_BASIC_URL),
    ("HyP3+", "https://hyp3-plus.asf.alaska.edu"),
    ("HyP3 test", "https://hyp3-test-api.asf.alaska.edu"),
)


@dataclass
class Settings:
    last_folder: str = ""  # where file dialogs open
    hyp3_api_url: str = HYP3_BASIC_URL
    auth_config_id: str = ""  # the QgsAuthManager configuration holding the Earthdata token; never the token
    mintpy_python: str = ""  # the interpreter that runs MintPy; "" = found automatically
    download_workers: int = 4
    max_temporal_baseline_days: int = 36
    max_perpendicular_baseline_m: float = 400.0
    low_coherence_threshold: float = 0.7
    package_index_url: str = ""  # where "Install MintPy…" gets its wheels; "" = pip's configured index (PyPI)
    check_new_acquisitions: bool = True  # the dock asks ASF (at most once a day) when a work folder opens
    new_acquisitions_seen: str = ""  # JSON {work folder: {checked, since, count}}: today's answers


def load_settings() -> Settings:
    store = QgsSettings()
    values = {}
    for field in fields(Settings):
        # QgsSettings returns strings from some backends: ask for the declared type.
        values[field.name] = store.value(f"{GROUP}/{field.name}", field.default, type=field.type)
    return Settings(**values)


def save_settings(settings: Settings) -> None:
    store = QgsSettings()
    for field in fields(Settings):
        store.setValue(f"{GROUP}/{field.name}", getattr(settings, field.name))


def mintpy_python():
    """The interpreter that runs MintPy: the one set in the plugin's options; else this one, unless this
    process is QGIS itself (sys.executable is then the qgis binary); then the Python next to it."""
    chosen = load_settings().mintpy_python.strip()
    if chosen:
        return chosen
    return automatic_python()


def automatic_python():
    """This interpreter (None), unless this process is QGIS itself: then the Python next to it."""
    if Path(sys.executable).name.lower().startswith("python"):
        return None
    prefix = Path(sys.exec_prefix)
    for candidate in (prefix / "bin" / "python3", prefix / "python.exe", prefix / "python3.exe"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("python3")


def managed_mintpy_folder() -> Path:
    """Where "Install MintPy…" makes the managed MintPy environment: in the QGIS profile's folder."""
    return Path(QgsApplication.qgisSettingsDirPath()) / GROUP / "mintpy-env"


def use_managed_packages() -> None:
    """Let the plugin import hyp3_sdk and asf_search from the managed environment when QGIS's Python lacks
    them: its site-packages goes last on the path, so QGIS's own packages always win."""
    import importlib.util

    from sbas_plugin.core.mintpy_env import PLUGIN_MODULES, plugin_site_packages

    if all(importlib.util.find_spec(name) for name in PLUGIN_MODULES):
        return
    site = plugin_site_packages(managed_mintpy_folder())
    if site is not None and str(site) not in sys.path:
        sys.path.append(str(site))
