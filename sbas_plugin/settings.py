"""Every user setting of the plugin, typed, in one place over QgsSettings."""

from dataclasses import dataclass, fields

from qgis.core import QgsSettings

GROUP = "sbas_plugin"


@dataclass
class Settings:
    last_folder: str = ""  # where file dialogs open
    timeseries_folder: str = ""  # the time-series dock's work folder, opened again at start


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
