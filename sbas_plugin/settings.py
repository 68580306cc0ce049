"""Every user setting of the plugin, typed, in one place over QgsSettings."""

from dataclasses import dataclass, fields

from qgis.core import QgsSettings

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
    timeseries_folder: str = ""  # the time-series dock's work folder, opened again at start
    hyp3_api_url: str = HYP3_BASIC_URL
    auth_config_id: str = ""  # the QgsAuthManager configuration holding the Earthdata token; never the token
    mintpy_python: str = ""  # the interpreter that runs MintPy; "" = found automatically
    download_workers: int = 4
    max_temporal_baseline_days: int = 36
    max_perpendicular_baseline_m: float = 400.0
    low_coherence_threshold: float = 0.7


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
