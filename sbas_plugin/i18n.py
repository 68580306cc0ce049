"""tr() for every user-facing string: translate the template, then format it.

Translations live in i18n/sbas_plugin_<lang>.ts (kept by scripts/translations.py); the packaged
plugin carries the compiled i18n/sbas_plugin_<lang>.qm, which install_translator() loads."""

from pathlib import Path
from typing import Optional

from qgis.PyQt.QtCore import QCoreApplication, QTranslator

CONTEXT = "sbas_plugin"
I18N_DIR = Path(__file__).resolve().parent / "i18n"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def install_translator(locale) -> Optional[QTranslator]:
    """Install i18n/sbas_plugin_<lang>.qm for a locale such as "ja" or "ja_JP"; None when there is none."""
    lang = str(locale or "").replace("-", "_").split("_")[0].lower()
    qm = I18N_DIR / f"{CONTEXT}_{lang}.qm"
    if not lang or not qm.is_file():
        return None
    translator = QTranslator()
    if not translator.load(str(qm)):
        return None
    QCoreApplication.installTranslator(translator)
    return translator
