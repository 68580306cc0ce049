"""The Japanese translation, compiled with lrelease, as QGIS loads it with the locale set to ja."""

import sys
from pathlib import Path

import pytest
from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QEvent

import sbas_plugin
import sbas_plugin.i18n as i18n
from sbas_plugin.i18n import install_translator, tr

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import translations  # noqa: E402

pytestmark = pytest.mark.skipif(
    translations.find_lrelease() is None, reason="lrelease not installed (Debian: apt-get install qttools5-dev-tools)"
)

SAMPLES = {
    "SBAS time series": "SBAS 時系列",
    "Work folder": "作業フォルダ",
    "Reference date": "参照日",
    "Velocity (mm/yr)": "速度 (mm/年)",
    "Pixel-centre points inside an area": "対象範囲内の画素中心点",
}


@pytest.fixture(scope="module")
def qm_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("qm")
    made = translations.release(out)
    assert [p.name for p in made] == ["sbas_plugin_ja.qm"] and made[0].stat().st_size > 1000
    return out


@pytest.fixture
def ja_locale(qm_dir, monkeypatch):
    monkeypatch.setattr(i18n, "I18N_DIR", qm_dir)
    settings = QgsSettings()
    before = settings.value("locale/userLocale", None)
    settings.setValue("locale/userLocale", "ja_JP")
    yield
    if before is None:
        settings.remove("locale/userLocale")
    else:
        settings.setValue("locale/userLocale", before)


def test_installed_translator_gives_japanese(qgis_app, qm_dir, monkeypatch):
    monkeypatch.setattr(i18n, "I18N_DIR", qm_dir)
    assert install_translator("en_US") is None and install_translator("") is None
    translator = install_translator("ja")
    assert translator is not None
    try:
        assert tr("SBAS InSAR") == "SBAS InSAR"  # the name stays, as Japanese QGIS users know it
        for source, japanese in SAMPLES.items():
            assert tr(source) == japanese
        assert tr("{} pixel-centre points added.").format(12) == "画素中心点を 12 点追加しました。"
        assert tr(
            "Missing: {}. The plugin works without them, except for what they are for. Install them "
            "from the OSGeo4W Shell (Windows) or a terminal, then restart QGIS:\n{}"
        ).startswith("未インストール: {}。")
    finally:
        QCoreApplication.removeTranslator(translator)
    assert tr("Work folder") == "Work folder"


def test_plugin_with_locale_ja_loads_translated_and_unloads_its_translator(qgis_iface, qgis_processing, ja_locale):
    plugin = sbas_plugin.classFactory(qgis_iface)
    assert plugin.translator is not None
    plugin.initGui()
    try:
        assert plugin.timeseries_action.text() == "SBAS 時系列"
        algorithm = QgsApplication.processingRegistry().algorithmById("sbas:points")
        assert algorithm.displayName() == "対象範囲内の画素中心点"
    finally:
        plugin.unload()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert plugin.translator is None
    assert tr("SBAS time series") == "SBAS time series"


def test_plugin_with_an_untranslated_locale_installs_nothing(qgis_iface, qgis_processing, ja_locale):
    QgsSettings().setValue("locale/userLocale", "de_DE")
    plugin = sbas_plugin.classFactory(qgis_iface)
    assert plugin.translator is None
    plugin.initProcessing()
    plugin.unload()
